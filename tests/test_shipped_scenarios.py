"""The shipped scenario library and claims register are valid, traceable and complete.

Every scenario file in ``scenarios/`` and every variant it has (including variants inherited
through ``extends``) must load; every claim id it names must exist in ``seeds/claims.yaml``; every
claim in the register must be encoded somewhere; and every number an element sets must say where
it comes from (a source in ``metadata.sources`` or the word ``assumption``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import BaseModel

from peacesim.report.assumptions import assumptions_table
from peacesim.scenario.base import Assumed, Traced
from peacesim.scenario.claims import load_claims
from peacesim.scenario.loader import list_variants, load_scenario
from peacesim.scenario.provenance import cited_ids, kind_of, support_problems
from peacesim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"
CLAIMS_FILE = ROOT / "seeds" / "claims.yaml"
SOURCE_ARTICLE = "000_a9a8202e79221d54.txt"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/peacesim.schema.json"
#: Files and variants the library documents (docs/scenario-library.md); a rename must update the docs.
EXPECTED_FILES = {"baseline.yaml", "brigade.yaml", "division.yaml"}
EXPECTED_VARIANTS = {
    "no_us_air_defence", "us_isr_only", "five_supporting_nations", "rotation_two_deep",
    "ceasefire_fails", "us_withdrawal_day_180", "japan_engineering_medical",
}
#: Fields of an element that hold bookkeeping, not numbers to be sourced.
NOT_NUMBERS = {"claims", "sources"}

FILES = sorted(SCENARIO_DIR.glob("*.yaml"))
CASES = [(f, v) for f in FILES for v in [None, *list_variants(f)]]
CASE_IDS = [f"{f.stem}:{v or 'base'}" for f, v in CASES]


def _load(case: tuple[Path, str | None]) -> Scenario:
    path, variant = case
    return load_scenario(path, variant=variant)


@pytest.fixture(scope="module")
def loaded() -> dict[tuple[Path, str | None], Scenario]:
    return {case: _load(case) for case in CASES}


@pytest.fixture(scope="module")
def register_ids() -> set[str]:
    return load_claims(CLAIMS_FILE).ids


def _has_number(value: Any) -> bool:
    """True when a field value holds a number: a scalar, a distribution, a map of numbers or a nested spec."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, Traced):  # a child element is checked on its own
        return False
    if isinstance(value, BaseModel):
        return any(_has_number(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_number(v) for v in value)
    return False


def _sourced(name: str, value: Any, sources: dict[str, Any]) -> bool:
    """A field is sourced as a whole, or (a mapping) key by key as ``field.key``."""
    return name in sources or (isinstance(value, dict) and all(f"{name}.{k}" in sources for k in value))


def _unsourced(element: Traced) -> list[str]:
    """Fields the scenario sets explicitly that hold numbers but name no source."""
    return sorted(
        name for name in element.model_fields_set - NOT_NUMBERS
        if _has_number(getattr(element, name)) and not _sourced(name, getattr(element, name), element.sources)
    )


# --- the library is what the docs say it is -----------------------------------------------------


def test_library_holds_the_documented_files_and_variants() -> None:
    assert {f.name for f in FILES} == EXPECTED_FILES
    assert set(list_variants(SCENARIO_DIR / "baseline.yaml")) == EXPECTED_VARIANTS


def test_extends_is_exercised() -> None:
    """At least two shipped files extend another, so the merge rule is used by real content."""
    parents = [yaml.safe_load(f.read_text(encoding="utf-8")).get("extends") for f in FILES]
    assert sum(p is not None for p in parents) >= 2


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_file_starts_with_the_schema_pointer(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


# --- every scenario and variant validates -------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_scenario_and_variant_validate(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    scenario = loaded[case]
    assert scenario.metadata.variant == case[1]
    assert scenario.metadata.horizon_days == 730
    assert scenario.metadata.replications == 30


def test_variants_change_what_they_say(loaded: dict[Any, Scenario]) -> None:
    """Each baseline variant differs from the base in the element its name promises."""
    base_file = SCENARIO_DIR / "baseline.yaml"
    base = loaded[(base_file, None)]
    v = {name: loaded[(base_file, name)] for name in EXPECTED_VARIANTS}
    e = base.enablers
    us_ids = {x.id for group in (e.isr, e.air_defence, e.armaments, e.non_lethal) for x in group
              if x.provider == "United States"}
    def package(s: Scenario) -> list[str]:
        return [a.id for a in s.enablers.air_defence if a.role == "package"]

    # Ukraine's own air defence is context in every variant; only the package's systems go.
    assert {a.id: a.role for a in base.enablers.air_defence} == {"ua_air_defence": "context", "us_patriot": "package"}
    assert all("ua_air_defence" in [a.id for a in s.enablers.air_defence] for s in v.values())
    assert package(base) and not package(v["no_us_air_defence"])
    only = v["us_isr_only"].enablers
    assert [x.provider for x in only.isr] == ["United States"] and not package(v["us_isr_only"])
    assert all(x.provider != "United States" for x in only.armaments)
    assert len(base.forces) == 12 and len(v["five_supporting_nations"].forces) == 7
    assert {f.rotation_depth for f in base.forces} == {3}
    assert {f.rotation_depth for f in v["rotation_two_deep"].forces} == {2}
    # The base is the ceasefire: every raid stream runs below its wartime rate from day 0.
    calm = base.timeline
    assert {c.target for c in calm} == {r.id for r in base.threats.air_raids}
    assert all(c.change == "scale_threat" and c.day == 0 and c.factor < 0.1 for c in calm)
    # ceasefire_fails brings each raid stream back to exactly its wartime rate on one day.
    fails = v["ceasefire_fails"].timeline
    (day,) = {c.day for c in fails if c not in calm}
    for raid in base.threats.air_raids:
        assert math.prod(c.factor for c in fails if c.target == raid.id) == pytest.approx(1.0), raid.id
    line = [c for c in fails if c.target == "ceasefire_violations"]
    assert len(line) == 1 and line[0].day == day and line[0].factor > 1
    withdrawn = {c.target for c in v["us_withdrawal_day_180"].timeline if c.change == "withdraw" and c.day == 180}
    assert withdrawn == us_ids
    kinds = {x.kind for x in v["japan_engineering_medical"].enablers.non_lethal if x.provider == "Japan"}
    assert {"demining", "medical"} <= kinds


@pytest.mark.parametrize(("name", "low", "high"), [("baseline", 600, 1000), ("brigade", 9000, 11000),
                                                   ("division", 23000, 27000)])
def test_force_sizes_match_their_sources(name: str, low: int, high: int, loaded: dict[Any, Scenario]) -> None:
    """Baseline UK+FR are "hundreds" each; brigade ~10,000 and division ~25,000 deployed (IISS)."""
    s = loaded[(SCENARIO_DIR / f"{name}.yaml", None)]
    if name == "baseline":
        total = sum(f.troops_per_unit * f.units_deployed for f in s.forces if f.id in ("uk", "france"))
        assert all(100 <= f.troops_per_unit < 1000 for f in s.forces if f.id in ("uk", "france"))
        assert sum(1 for f in s.forces if f.id.startswith("partner_")) == 10
    else:
        total = sum(f.troops_per_unit * f.units_deployed for f in s.forces)
    assert low <= total <= high


# --- claims ---------------------------------------------------------------------------------------


def test_claims_register_is_valid_and_names_its_article() -> None:
    register = load_claims(CLAIMS_FILE)
    assert register.source.file == SOURCE_ARTICLE
    assert len(register.ids) == len(register.claims)
    assert {c.firmness for c in register.claims} == {"stated", "conditional", "potential"}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_claim_named_exists(case: tuple[Path, str | None], loaded: dict[Any, Scenario],
                                  register_ids: set[str]) -> None:
    assert loaded[case].all_claims() <= register_ids


def _raw_claim_ids(node: Any) -> set[str]:
    """Every id under a ``claims:`` key anywhere in a raw YAML document (variants included)."""
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "claims" and isinstance(value, list):
                out.update(str(v) for v in value)
            else:
                out |= _raw_claim_ids(value)
    elif isinstance(node, list):
        for item in node:
            out |= _raw_claim_ids(item)
    return out


def test_every_claim_is_used_and_raw_ids_exist(loaded: dict[Any, Scenario], register_ids: set[str]) -> None:
    used: set[str] = set()
    for scenario in loaded.values():
        used |= scenario.all_claims()
    raw: set[str] = set()
    for path in FILES:
        raw |= _raw_claim_ids(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert raw <= register_ids, f"unknown claim ids in scenario files: {sorted(raw - register_ids)}"
    assert used == register_ids, f"claims no shipped scenario encodes: {sorted(register_ids - used)}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_element_names_its_claims(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    bare = [path for path, el in loaded[case].traced_elements() if not el.claims]
    assert bare == []


# --- sources --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_number_has_a_source(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    scenario = loaded[case]
    containers: list[tuple[str, Traced]] = [("threats", scenario.threats), ("enablers", scenario.enablers)]
    missing = {path: _unsourced(el) for path, el in scenario.traced_elements() + containers}
    assert {p: m for p, m in missing.items() if m} == {}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_number_says_what_support_it_has(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    """Each source entry is cited, derived or an assumption, and supports its number (quote, arithmetic, range)."""
    scenario = loaded[case]
    rows = assumptions_table(scenario)
    # defaults the file does not write count too: the report shows every number the model uses
    assert [f"{r.path}.{r.field}" for r in rows if r.kind not in ("cited", "derived", "assumption", "setting")] == []
    assert [f"{r.path}.{r.field}: {r.support}" for r in rows if r.support.startswith("NOT SUPPORTED")] == []
    assert support_problems(scenario) == []


def test_the_overstated_sources_are_fixed(loaded: dict[Any, Scenario]) -> None:
    """"Hundreds" is an assumption with its range; national intercept rates are not cited as kill probabilities."""
    base = loaded[(SCENARIO_DIR / "baseline.yaml", None)]
    for force in (f for f in base.forces if f.id in ("uk", "france")):
        ref = force.sources["troops_per_unit"]
        assert isinstance(ref, Assumed) and ref.range is not None and ref.basis == "seed_article"
        assert ref.range[0] <= force.troops_per_unit <= ref.range[1] <= 900
    for system in base.enablers.air_defence:
        refs = [v for k, v in system.sources.items() if k.split(".")[0] == "kill_probability"]
        if system.role == "package":
            assert refs and all(kind_of(r) == "assumption" for r in refs), system.id
        else:  # one pooled layer firing once at each threat: a national rate is its kill probability
            assert refs and system.batteries == 1 and all(system.shots(t) == 1 for t in system.kill_probability)
    for zone in base.zones:
        ref = zone.sources.get("troops_required")
        assert ref is None or kind_of(ref) != "cited" or "interfax_2015_osce" not in str(ref), zone.id


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_cited_source_exists(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    scenario = loaded[case]
    known = set(scenario.metadata.sources)
    cited = {i for _, el in scenario.traced_elements() for ref in el.sources.values() for i in cited_ids(ref)}
    assert cited - known == set()
    for sid, src in scenario.metadata.sources.items():
        assert src.title and (src.url or src.note), f"source {sid} needs a url or a note/quote"


def test_every_listed_source_is_cited_somewhere(loaded: dict[Any, Scenario]) -> None:
    """A source in metadata.sources that no element cites is dead weight in the report."""
    listed: set[str] = set()
    cited: set[str] = set()
    for scenario in loaded.values():
        listed |= set(scenario.metadata.sources)
        elements = [*scenario.traced_elements(), ("threats", scenario.threats), ("enablers", scenario.enablers)]
        cited |= {i for _, el in elements for ref in el.sources.values() for i in cited_ids(ref)}
    assert listed - cited == set()


def _raw_elements(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Mappings in a raw document that are traced elements (they carry ``claims`` or ``sources``)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        traced = "claims" in node or "sources" in node
        if traced and path not in ("", "metadata") and not re.fullmatch(r"variants\.[^.]+", path):
            out.append((path, node))
        for key, value in node.items():
            if key not in ("sources", "set"):
                out += _raw_elements(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for n, item in enumerate(node):
            out += _raw_elements(item, f"{path}[{n}]")
    return out


def _raw_has_number(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, dict):
        return any(_raw_has_number(v) for v in value.values())
    return False  # lists hold ids or child elements, each checked on its own


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_raw_numbers_have_sources_in_the_file_that_writes_them(path: Path) -> None:
    """Checked on the YAML as written, so a child file cannot lean on its parent's stale sources."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    elements = _raw_elements(raw)
    assert elements, "no elements found: the walker is broken"
    problems = []
    for where, element in elements:
        sources = element.get("sources") or {}
        for key, value in element.items():
            if key not in NOT_NUMBERS and _raw_has_number(value) and not _sourced(key, value, sources):
                problems.append(f"{where}.{key}")
    assert problems == []


# --- the library runs ----------------------------------------------------------------------------

#: Work budget of one replication of any shipped case, in SimPy events processed
#: (``ReplicationResult.events``, fixed by the seed). The heaviest case, ``ceasefire_fails``, takes
#: about 34,000 (a year of wartime raids and thirty times the violations); at the 7-11 us per event
#: that ``make bench`` measures (docs/performance.md) 50,000 events are about half a second. Time
#: itself is measured by ``make bench``, never asserted here: a timed test fails on a busy machine.
MAX_EVENTS = 50_000
#: Below this a case does nearly nothing (every contingent rotates and incidents arrive for two years).
MIN_EVENTS = 1_000


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_one_replication_stays_within_its_work_budget(case: tuple[Path, str | None], loaded: dict[Any, Scenario]) -> None:
    """A deterministic cost (events per replication) within budget and within a factor of three of the
    work estimate ``run`` checks before it starts; metrics come out finite."""
    from peacesim.experiment.budget import estimate
    from peacesim.model import simulate

    scenario = loaded[case]
    result = simulate(scenario, np.random.SeedSequence(scenario.metadata.seed))
    assert MIN_EVENTS <= result.events <= MAX_EVENTS, result.events
    assert result.events <= 3 * estimate(scenario).events, (result.events, estimate(scenario).describe())
    for name in ("coverage_mean", "troops_deployed_mean", "incidents", "threats", "leakers"):
        assert math.isfinite(result.metrics[name]), name
    assert 0.0 <= result.metrics["coverage_mean"] <= 1.0
