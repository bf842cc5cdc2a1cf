"""The scenario behind a stored run, recovered from the YAML text the run keeps.

Charts need names, locations and targets that only the scenario has (zone names, the response
target, which systems protect which zones). A run carries its resolved scenario as text, so the
report never needs the original file, which may have changed since the run.
"""

from __future__ import annotations

from collections.abc import Iterable

from peacesim.errors import ReportError, ScenarioError
from peacesim.experiment.results import RunResult
from peacesim.scenario.schema import Scenario


def scenario_of(result: RunResult) -> Scenario | None:
    """The validated scenario of a run, or None when the run kept no scenario text.

    Raises:
        ReportError: the kept text is not a valid scenario (a store from another version).
    """
    try:
        return result.scenario  # parsed once, kept on the run
    except ScenarioError as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ReportError(f"run {result.run_id or result.label}: stored scenario text is not valid: {first}") from e


def run_tag(result: RunResult) -> str:
    """The short name of a run on a chart axis or legend: its variant, or the scenario name."""
    return result.variant or result.label


def short_name(name: str, limit: int = 26) -> str:
    """A label that fits a chart: the name without its parenthetical, cut at ``limit`` characters."""
    head = name.split(" (", 1)[0].strip() or name
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def zone_names(result: RunResult, limit: int = 26) -> dict[str, str]:
    """Zone id -> short human name for chart labels; empty when the scenario is not known."""
    scenario = scenario_of(result)
    return {z.id: short_name(z.name, limit) for z in scenario.zones} if scenario else {}


def element_names(result: RunResult, limit: int = 26) -> dict[str, str]:
    """Id -> short human name of every zone, contingent and air-defence system, for chart titles
    ("Interceptor cover: US Patriot", not "us_patriot"); empty when the scenario is not known."""
    scenario = scenario_of(result)
    if scenario is None:
        return {}
    names = {f.id: f.nation for f in scenario.forces}
    names.update({a.id: f"{a.provider} {a.system.split(' (')[0]}" for a in scenario.enablers.air_defence})
    names.update({z.id: z.name for z in scenario.zones})
    return {k: short_name(v, limit) for k, v in names.items()}


def suffixed(names: Iterable[str], stem: str) -> list[str]:
    """The suffixes of names ``stem.<suffix>``, in the order given (``coverage.kyiv`` -> ``kyiv``)."""
    prefix = stem + "."
    return [n[len(prefix):] for n in names if n.startswith(prefix)]


def require_series(result: RunResult, *names: str) -> None:
    """Fail clearly when a chart's input series are missing from a run."""
    missing = [n for n in names if n not in result.series]
    if missing:
        raise ReportError(
            f"run {result.run_id or result.label} has no series {missing}; known: {sorted(result.series)[:12]}"
        )
