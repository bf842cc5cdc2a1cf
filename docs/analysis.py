"""Regenerate docs/analysis.md: the analyst's questions of issue 10, answered with the tool.

Each question runs one ``peacesim`` command as a subprocess (so what the page shows is what ran),
keeps its terminal output (trimmed), reads the stored replications back from the results store,
and writes two sentences an analyst could quote, built from those numbers and nothing else. A
sentence's wording follows the numbers (a measure that rises is said to rise).

    python docs/analysis.py                      # full size (make analysis, about 5-8 minutes on 2 cores)
    python docs/analysis.py --small --out X.md   # a few replications (tests/test_analysis.py)

Documentation tooling, not product code: it only drives the CLI and reads the store.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASE = "scenarios/baseline.yaml"
#: "Enough for the tasks": full operating capability (90% of the troops the tasks need) by this day.
FOC_BY = 90
#: Protection target of question (e): missiles reaching the defended sites over two years.
LEAKED_AT_MOST = 20


@dataclass(frozen=True)
class Size:
    """How much each question runs; FULL for the page, SMALL for the test."""

    reps: int
    size_range: tuple[int, int, int]
    size_reps: int
    size_first: int
    samples: int
    explore_reps: int
    pact_reps: int


FULL = Size(reps=40, size_range=(100, 900, 10), size_reps=80, size_first=20, samples=64, explore_reps=3, pact_reps=10)
SMALL = Size(reps=2, size_range=(100, 900, 400), size_reps=2, size_first=1, samples=2, explore_reps=1, pact_reps=1)


@dataclass
class Answer:
    """One question: its text, the command as a reader types it, the trimmed output, two sentences."""

    key: str
    question: str
    how: str
    command: str
    output: str
    sentences: tuple[str, str]


class Tool:
    """Runs peacesim commands into one work folder and results store."""

    def __init__(self, work: Path, executor: str | None) -> None:
        self.work, self.executor = work, executor
        self.db = work / "analysis.db"
        import peacesim

        src = Path(peacesim.__path__[0]).resolve().parent  # the peacesim this process imports, in the subprocesses too
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
        self.env["COLUMNS"] = "110"

    def __call__(self, args: list[str], out: str) -> tuple[str, str, Path]:
        """Run ``peacesim ARGS``; returns (the command as shown, trimmed output, its output folder)."""
        folder = self.work / out
        extra = ["--db", str(self.db), "--out", str(folder), "-q"]
        if self.executor:
            extra += ["--executor", self.executor]
        proc = subprocess.run([sys.executable, "-m", "peacesim", *args, *extra], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"peacesim {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return "peacesim " + " ".join(_quoted(a) for a in args), _trim(proc.stdout, self.work), folder

    def run(self, folder: Path, variant: str | None = None) -> Any:
        """The stored run written to ``folder`` (or its variant's subfolder)."""
        from peacesim.experiment.store import Store

        summary = json.loads(((folder / variant) if variant else folder).joinpath("summary.json").read_text())
        with Store(self.db) as store:
            return store.load_run(summary["run_id"])


def _quoted(arg: str) -> str:
    return f"'{arg}'" if re.search(r"[\s{}\[\]*<>]", arg) else arg


_NOISE = re.compile(r"^\s*(written to|comparison:|chart:|report:|\d+ more metrics|\d+ replications in [\d.]+ s)")


def _trim(text: str, work: Path) -> str:
    """Terminal output without file locations (they point into a temporary folder)."""
    lines = [re.sub(rf"\s+->\s+{re.escape(str(work))}\S*$", "", ln) for ln in text.splitlines() if not _NOISE.match(ln)]
    lines = [ln.replace(str(work) + "/", "") for ln in lines]
    return "\n".join(lines).strip("\n")


def mean(x: np.ndarray) -> float:
    f = np.asarray(x, dtype=float)
    f = f[np.isfinite(f)]
    return float(f.mean()) if f.size else math.nan


def pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


def moves(a: float, b: float, fmt: Callable[[float], str]) -> str:
    """'falls from A to B', 'rises from A to B' or 'stays at A', as the numbers say."""
    if fmt(a) == fmt(b):
        return f"stays at {fmt(a)}"
    return f"{'rises' if b > a else 'falls'} from {fmt(a)} to {fmt(b)}"


# --- the questions ---------------------------------------------------------------------------------


def question_a(tool: Tool, size: Size) -> Answer:
    low, high, step = size.size_range
    shown, output, folder = tool(["size", BASE, "--vary", f"forces.{{uk,france}}.troops_per_unit={low}:{high}:{step}",
                                  "--target", f"foc_day <= {FOC_BY}", "--confidence", "0.9",
                                  "-n", str(size.size_reps), "--first", str(size.size_first)], "a")
    from peacesim.experiment.store import Store

    rows = {int(float(r["forces.{uk,france}.troops_per_unit"])): r for r in csv.DictReader((folder / "sizing.csv").open())}
    point = min(rows, key=lambda v: abs(v - 350))  # the value tried nearest the baseline's 350
    with Store(tool.db) as store:
        cover = mean(store.load_run(rows[point]["run_id"]).metrics["coverage_mean"])
    r = rows[point]
    first = (f"With the ten supporting contingents, British and French contingents of {point} troops per rotation each "
             f"reach full operating capability, 90% of the troops the tasks need, by day {FOC_BY} in {r['met']} of "
             f"{r['replications']} replications, and fill {pct(cover)} of the tasks on average over the two years.")
    fails = [v for v, row in rows.items() if row["decision"] == "fails"]
    answer = next(iter(rows.values()))
    if answer["status"] == "found":
        worst = max(fails) if fails else None
        tail = (f"; with {worst} or fewer each, the low end of \"hundreds\", it is shown to fail "
                f"(met in {rows[worst]['met']} of {rows[worst]['replications']} replications)" if worst else "")
        second = (f"The smallest size per rotation shown to reach it in at least 90% of futures is {answer['answer']} "
                  f"each (the threshold lies between {answer['answer_low']} and {answer['answer']}){tail}.")
    else:
        second = (f"Within {low}-{high} troops per rotation each no size is shown to reach it in 90% of futures "
                  f"(the sizing ends \"{answer['status']}\").")
    return Answer("a", "Are \"hundreds\" of UK and French troops plus ten nations enough for the tasks, and from what "
                  "size on would they be?",
                  f"\"Enough\" is full operating capability (90% of the 1,350 troops the tasks need) by day {FOC_BY} "
                  f"with a probability of at least 0.9. `peacesim size` moves the UK and French contingents together "
                  f"(a glob key path) and searches for the smallest size that meets it, with the same replication "
                  f"seeds at every size; the ten partner contingents stay as they are.", shown, output, (first, second))


def question_b(tool: Tool, size: Size) -> Answer:
    shown, output, folder = tool(["run", BASE, "--variant", "no_us_air_defence", "--variant", "ceasefire_fails",
                                  "-n", str(size.reps), "--metric", "missiles_leaked_defended",
                                  "--metric", "missiles_defended", "--metric", "package_kills",
                                  "--metric", "stockout_day.us_patriot"], "b")
    base, none, fails = tool.run(folder), tool.run(folder, "no_us_air_defence"), tool.run(folder, "ceasefire_fails")
    m0, m1 = mean(base.metrics["missiles_leaked_defended"]), mean(none.metrics["missiles_leaked_defended"])
    k0 = mean(base.metrics["package_kills"])
    first = (f"While the ceasefire holds, the two US Patriot batteries at Kyiv and Odesa kill {k0:.1f} missiles over "
             f"two years after Ukraine's own air defence has fired; without them {m1:.1f} instead of {m0:.1f} "
             f"missiles reach the defended sites ({(m1 - m0) / m0:+.0%}).")
    kf, aimed = mean(fails.metrics["package_kills"]), mean(fails.metrics["missiles_defended"])
    out = np.asarray(fails.metrics["stockout_day.us_patriot"], dtype=float)
    share = float(np.mean(np.isfinite(out)))
    tail = (f"and their interceptors first run out on day {mean(out):.0f} on average (in {pct(share)} of replications)"
            if share > 0 else "and their interceptors never run out")
    second = (f"If the ceasefire fails on day 365, they kill {kf:,.0f} of the {aimed:,.0f} missiles aimed at the "
              f"defended sites over the two years ({pct(kf / aimed)}), {tail}.")
    return Answer("b", "What does US air defence add to the zones the force defends?",
                  "The defended zones are the named sites (`needs_air_defence: true`); the rest of Ukraine's airspace "
                  "is not counted. Ukraine's own air defence is context and fires first, so `package_kills` is what "
                  "the US batteries add to the same raids.", shown, output, (first, second))


def question_c(tool: Tool, size: Size) -> Answer:
    names = ["detection_rate[180,730]", "incidents_answered_on_target_share[180,730]",
             "time_to_answer_capped_mean_hours[180,730]"]
    args = ["run", BASE, "--variant", "us_withdrawal_day_180", "--window", "180:730", "-n", str(size.reps)]
    shown, output, folder = tool(args + [x for n in names for x in ("--metric", n)], "c")
    base, gone = tool.run(folder), tool.run(folder, "us_withdrawal_day_180")
    d0, d1, a0, a1, t0, t1 = (mean(r.metrics[n]) for n in names for r in (base, gone))
    first = (f"If every US element, ISR and border surveillance included, stops on day 180, the share of incidents "
             f"the force notices from day 180 to day 730 {moves(d0, d1, pct)}.")
    second = (f"Over the same days the share of all incidents answered within the 2-hour target "
              f"{moves(a0, a1, lambda x: pct(x, 1))}, and the mean time to answer, counting an incident no team "
              f"reaches as 24 hours, {moves(t0, t1, lambda x: f'{x:.1f} hours')}.")
    return Answer("c", "What does a US withdrawal of ISR on day 180 cost in detection and answering after that day?",
                  "The variant `us_withdrawal_day_180` withdraws every US element on day 180 (ISR, border "
                  "surveillance, Patriot, armaments); only ISR and surveillance act on detection and answering. "
                  "The measures are taken over days 180-730 (`--window`).", shown, output, (first, second))


def question_d(tool: Tool, size: Size) -> Answer:
    names = ["presence_share", "coverage_mean", "troops_in_theatre_min", "longest_gap_days"]
    args = ["run", BASE, "--variant", "rotation_two_deep", "-n", str(size.reps)]
    shown, output, folder = tool(args + [x for n in names for x in ("--metric", n)], "d")
    base, two = tool.run(folder), tool.run(folder, "rotation_two_deep")
    p0, p1, c0, c1, l0, l1, g0, g1 = (mean(r.metrics[n]) for n in names for r in (base, two))
    import peacesim

    uk = next(f for f in peacesim.load(ROOT / BASE).forces if f.id == "uk")
    dwell = uk.recovery_days + uk.training_days
    first = (f"Two deep instead of three, the contingents hold their places in theatre {pct(p1)} of the time instead "
             f"of {pct(p0)}: with {uk.tour_days:.0f}-day tours and {dwell:.0f} days of recovery and training, two "
             f"units cannot relieve each other without gaps.")
    second = (f"Over two years the tasks are {pct(c1)} filled on average instead of {pct(c0)}, the leanest day has "
              f"{l1:,.0f} troops in theatre instead of {l0:,.0f}, and the longest gap in a contingent's presence "
              f"{moves(g0, g1, lambda x: f'{x:.0f} days')}.")
    return Answer("d", "Is a two-deep rotation sustainable for two years?",
                  "The variant `rotation_two_deep` keeps two units in every contingent's cycle instead of three, "
                  "with the same tours and dwell.", shown, output, (first, second))


def _sobol(text: str, metric: str) -> list[tuple[str, str, float]]:
    """(claim, name, total index) of ``metric``'s block in explore's output, largest first."""
    block = re.search(rf"^  {re.escape(metric)}:\n((?:    .*\n?)+)", text, re.M)
    rows = re.findall(r"^\s+(C\d+|-)\s+(\S+)\s+S1\s+\S+\s+\[[^]]*\]\s+ST\s+(-?[\d.]+)", block.group(1) if block else "", re.M)
    return sorted(((c, n, float(st)) for c, n, st in rows), key=lambda r: -r[2])


def _label(name: str) -> str:
    import peacesim

    words = {"partners": "how many of the ten partner nations take part (C03)",
             "us_air_defence": "whether US air defence comes (C07)",
             "forces.uk.troops_per_unit": "the size of the UK's \"hundreds\" (C01)",
             "forces.france.troops_per_unit": "the size of France's \"hundreds\" (C02)",
             "threats.incidents.ceasefire_violations.rate_per_day": "how many ceasefire violations become incidents"}
    m = re.fullmatch(r"timeline\[(\d+)\]\.factor", name)
    if m:
        target = peacesim.load(ROOT / BASE).timeline[int(m.group(1))].target
        return f"the level of {target.replace('_', ' ')} while the ceasefire holds"
    return words.get(name, f"`{name}`")


def question_e(tool: Tool, size: Size) -> Answer:
    shown, output, _ = tool(["explore", BASE, "--sampler", "sobol", "--samples", str(size.samples),
                             "-n", str(size.explore_reps), "--target", f"foc_day <= {FOC_BY}",
                             "--target", f"missiles_leaked_defended <= {LEAKED_AT_MOST}"], "e")
    cov, prot = _sobol(output, "coverage_mean"), _sobol(output, "missiles_leaked_defended")
    first = (f"Over the ranges the baseline gives its vague commitments and assumptions, {_label(cov[0][1])} matters "
             f"most for coverage (total Sobol' index {cov[0][2]:.2f}), then {_ranked(cov[1:3])}.")
    second = (f"For protection, the missiles reaching the defended sites, {_label(prot[0][1])} matters most "
              f"({prot[0][2]:.2f}), then {_ranked(prot[1:3])}; {_unimportant(prot)}.")
    keep = _explore_excerpt(output, ("coverage_mean", "missiles_leaked_defended"))
    return Answer("e", "Which assumption matters most for coverage, and for protection?",
                  f"`peacesim explore` draws every range written in the baseline (the vague claims C01-C03 and C07, "
                  f"and the ceasefire assumptions tied to C14) with a Sobol'-Saltelli design and gives each its "
                  f"Sobol' indices; the total index ST is the share of a measure's variance the range accounts for, "
                  f"interactions included. {size.samples} base points; with fewer than 64 the indices are rough.",
                  shown, keep, (first, second))


def _ranked(rows: list[tuple[str, str, float]]) -> str:
    """'A (0.26) and B (0.25)': the next ranges by total index (close ones read as a pair, not an order)."""
    return " and ".join(f"{_label(n)} ({st:.2f})" for _, n, st in rows)


def _unimportant(rows: list[tuple[str, str, float]]) -> str:
    """Which ranges do not move the measure at all (total index below 0.01)."""
    idle = [n for _, n, st in rows if st < 0.01]
    if not idle:
        return "every range moves it"
    return f"{len(idle)} of the {len(rows)} ranges, among them {_label(idle[0])}, do not move it (index below 0.01)"


def _explore_excerpt(text: str, metrics: tuple[str, ...]) -> str:
    """The header, the targets and the Sobol' blocks of ``metrics`` of explore's output."""
    head = text.split("Which vagueness matters")[0].rstrip()
    blocks = [m.group(0).rstrip() for name in metrics
              if (m := re.search(rf"^  {re.escape(name)}:\n(?:    .*\n?)+", text, re.M))]
    rough = re.search(r"^  \(rough.*$", text, re.M)
    return "\n".join([head, "", "Which vagueness matters (Sobol' indices, excerpt):",
                      *([rough.group(0)] if rough else []), *blocks])


def question_f(tool: Tool, size: Size) -> Answer:
    shown, output, folder = tool(["run", BASE, "--variant", "japan_engineering_medical",
                                  "--set", "metadata.horizon_days=3650", "-n", str(size.pact_reps),
                                  "--metric", "nonlethal_output.*"], "f")
    base, japan = tool.run(folder), tool.run(folder, "japan_engineering_medical")
    out = {k.split(".", 1)[1]: mean(v) for k, v in japan.metrics.items() if k.startswith("nonlethal_output.")}
    first = (f"Over the 10-year pact, Japan's aid at its 2024 rate, split evenly, delivers US${out['japan_humanitarian']:,.0f} "
             f"million of humanitarian aid and US${out['japan_reconstruction']:,.0f} million of reconstruction (disbursed "
             f"at an assumed 50-100% efficiency): arithmetic on the rate, which the model only carries.")
    from peacesim.catalog import HEADLINE_METRICS

    same = all(np.array_equal(base.metrics[n], japan.metrics[n], equal_nan=True)
               for n in base.metrics if n in HEADLINE_METRICS)
    effect = ("nothing else in the model uses these outputs, so no coverage, detection or air-defence measure changes"
              if same else "some other headline measures change as well (see the output)")
    second = (f"The demining and medical teams the variant assumes for Japan's \"suitable role\" would add "
              f"{out['japan_demining']:,.0f} km2 cleared and {out['japan_medical']:,.0f} patients treated; {effect}.")
    return Answer("f", "What do Japan's non-lethal contributions deliver over the 10-year pact?",
                  "The baseline and the variant `japan_engineering_medical` (demining and medical capacity added, "
                  "both assumptions) run for 3,650 days (`--set metadata.horizon_days=3650`).",
                  shown, output, (first, second))


QUESTIONS = (question_a, question_b, question_c, question_d, question_e, question_f)


def render(answers: list[Answer], size: Size) -> str:
    lines = [
        "# The analyst's questions, answered with the tool",
        "",
        "<!-- generated by docs/analysis.py (make analysis); edit the generator, not this page -->",
        "",
        "The questions of issue 10 about the reported package (see [scenario-library.md](scenario-library.md) for "
        "what the baseline represents and leaves out). Each answer gives the command, its output (trimmed) and two "
        "sentences built from the stored replications by `docs/analysis.py`; `make analysis` regenerates the page. "
        f"Seed 20250819; {size.reps} replications per run unless the command says otherwise. The generator adds "
        "`--db`, `--out` and `-q` to keep its files in a temporary folder.",
        "",
    ]
    for a in answers:
        lines += [f"## {a.key}. {a.question}", "", a.how, "", "```console", f"$ {a.command}", a.output, "```", "",
                  *(f"> {s}" + ("\n>" if i == 0 else "") for i, s in enumerate(a.sentences)), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a few replications (for the test)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "analysis.md")
    parser.add_argument("--executor", choices=["serial", "local"], default=None)
    parser.add_argument("--work", type=Path, default=None, help="keep the runs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    size = SMALL if args.small else FULL
    with tempfile.TemporaryDirectory(prefix="peacesim-analysis-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        tool = Tool(work, args.executor)
        answers = []
        for q in QUESTIONS:
            print(f"[analysis] {q.__name__}", file=sys.stderr, flush=True)
            answers.append(q(tool, size))
        args.out.write_text(render(answers, size), encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
