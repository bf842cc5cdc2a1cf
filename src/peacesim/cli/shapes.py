"""The documented shapes of ``--json`` output: one JSON Schema per command, and docs/json.md from them.

Every document is an object with ``"command"`` first; numbers that are undefined (NaN) are
``null``. Fields may be added in later versions (schemas allow extra properties); none is removed
or changes type without a new major version. ``python -m peacesim.cli.shapes > docs/json.md``
writes the page (a test keeps it current); tests validate every command's output against these.
"""

from __future__ import annotations

import json
from typing import Any

NUM = {"type": ["number", "null"]}
STR = {"type": "string"}
OSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
#: a time as stored: ISO 8601 with the UTC offset, ``2026-12-02T14:53:25+00:00``
TIME = {"type": "string", "format": "date-time"}
OTIME = {"type": ["string", "null"], "format": "date-time"}
STATUS = {"enum": ["running", "incomplete", "complete"]}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """An object with these required properties (and maybe optional ones)."""
    return {"type": "object", "required": list(required), "properties": {**required, **optional}}


def arr(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def mapping(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": values}


STATISTICS = obj({k: NUM for k in ("mean", "ci_low", "ci_high", "std", "p10", "p50", "p90")} | {"n": INT})
RUN = obj({"run_id": OSTR, "scenario": STR, "variant": OSTR, "label": STR, "overrides": arr(STR), "seed": INT,
           "replications": INT, "confidence": {"type": "number"}, "folder": OSTR, "metrics": mapping(STATISTICS)})
PROBLEM = obj({"message": STR, "file": OSTR, "line": {"type": ["integer", "null"]}, "column": {"type": ["integer", "null"]},
               "path": OSTR, "got": OSTR, "hint": OSTR, "text": STR})
COMPARISON = obj({
    "reference": obj({"run_id": OSTR, "label": STR}),
    "others": arr(obj({"run_id": OSTR, "label": STR})),
    "confidence": {"type": "number"},
    "differences": arr(obj({"other": STR, "other_run_id": OSTR, "metric": STR, "reference_mean": NUM, "other_mean": NUM,
                            "difference": NUM, "ci_low": NUM, "ci_high": NUM, "relative": NUM, "n": INT,
                            "distinguishable": BOOL, "p_better": NUM, "p_better_low": NUM, "p_better_high": NUM})),
    "unpaired": arr(obj({"other": STR, "metric": STR, "present_in": STR, "mean": NUM, "n": INT})),
})
RECORD = obj({"run_id": STR, "label": STR, "scenario": STR, "variant": OSTR, "overrides": arr(STR), "seed": INT,
              "replications": INT, "done": INT, "status": STATUS,
              "confidence": {"type": "number"}, "started": TIME, "ended": OTIME, "group_id": OSTR, "command": OSTR})
BOX = obj({"limits": arr(obj({"parameter": STR, "label": STR, "low": NUM, "high": NUM})), "coverage": NUM, "density": NUM,
           "support": NUM})
WRITTEN = {"folder": STR, "written": arr(STR)}
#: one job of ``sweep --list``, ``size --list``, ``explore --list`` (oldest first)
SWEEP_ITEM = obj({"sweep_id": STR, "scenario": STR, "variant": OSTR, "mode": STR, "created": TIME, "status": STATUS,
                  "points": INT, "done": INT})
SIZING_ITEM = obj({"sizing_id": STR, "scenario": STR, "variant": OSTR, "created": TIME, "target": OSTR,
                   "probes": INT, "status": STATUS})
EXPLORE_ITEM = obj({"explore_id": STR, "scenario": STR, "variant": OSTR, "created": TIME, "status": STATUS,
                    "sampler": OSTR, "points": INT, "replications": INT, "target": INT})


def _command(name: str, required: dict[str, Any]) -> dict[str, Any]:
    return obj({"command": {"const": name}, **required})


#: command -> (what it holds, JSON Schema)
SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "run": ("The runs made (the base first, then each variant), their paired comparison when there are variants, "
            "the folder the files went to, the report and trace files written.",
            _command("run", {"folder": STR, "runs": arr(RUN), "comparison": {"oneOf": [COMPARISON, {"type": "null"}]},
                             "report": OSTR, "traces": arr(STR)})),
    "compare": ("The compared runs (the reference first) and the paired differences; the folder of compare.csv.",
                _command("compare", {"folder": STR, "runs": arr(RUN), "comparison": COMPARISON})),
    "runs": ("The runs in the store, oldest first; the store's path.",
             _command("runs", {"db": STR, "runs": arr(RECORD)})),
    "sweep": ("A sweep: its design and per point the parameter values and each metric's statistics. "
              "With --list: {\"command\": \"sweep\", \"sweeps\": [...]}.",
              {"oneOf": [
                  _command("sweep", {"sweep_id": STR, "scenario": STR, "variant": OSTR, "mode": {"enum": ["grid", "lhs", "oat"]},
                                     "seed": INT, "replications": INT, "confidence": {"type": "number"},
                                     "parameters": arr(STR),
                                     "points": arr(obj({"point": INT, "role": STR, "run_id": OSTR, "values": {"type": "object"},
                                                        "metrics": mapping(STATISTICS)})), **WRITTEN}),
                  _command("sweep", {"sweeps": arr(SWEEP_ITEM)})]}),
    "size": ("A sizing: the question, and per answer (one, or one per value of the first path of a frontier) the "
             "smallest value shown to meet the target (`value`), the interval where the evidence is not conclusive "
             "(`lower`..`value`) and every value tried. With --list: {\"command\": \"size\", \"sizings\": [...]}.",
             {"oneOf": [
                 _command("size", {"sizing_id": STR, "scenario": STR, "variant": OSTR, "target": STR,
                                   "confidence": {"type": "number"}, "seed": INT,
                                   "varies": arr(obj({"path": STR, "low": NUM, "high": NUM, "step": NUM, "integer": BOOL})),
                                   "answers": arr(obj({"fixed": {"type": "object"}, "status": STR, "value": {},
                                                       "lower": {}, "estimate": {}, "warning": OSTR,
                                                       "probes": arr(obj({"values": {"type": "object"}, "x": NUM, "n": INT,
                                                                          "met": INT, "p_met": NUM, "low": NUM, "high": NUM,
                                                                          "decision": STR, "undefined": INT,
                                                                          "run_id": STR, "refused": OSTR}))})),
                                   **WRITTEN}),
                 _command("size", {"sizings": arr(SIZING_ITEM)})]}),
    "explore": ("An exploration: the uncertain values, per target P(met) over the space with its interval and the "
                "boxes where it is and is not met, Sobol' indices (sampler sobol; else empty), and per point its "
                "values and P(met). With --list: {\"command\": \"explore\", \"explorations\": [...]}.",
                {"oneOf": [
                    _command("explore", {"explore_id": STR, "scenario": STR, "variant": OSTR,
                                         "sampler": {"enum": ["lhs", "sobol"]}, "replications": INT, "seed": INT,
                                         "parameters": arr(obj({"name": STR, "label": STR, "claim": OSTR, "point": {},
                                                                "range": STR})),
                                         "targets": arr(obj({"target": STR, "p_met": NUM, "ci_low": NUM, "ci_high": NUM,
                                                             "points": INT, "where_met": BOX, "where_not_met": BOX})),
                                         "indices": arr(obj({"output": STR, "by_parameter": arr(obj({
                                             "parameter": STR, "first": NUM, "first_ci": arr(NUM), "total": NUM,
                                             "total_ci": arr(NUM)}))})),
                                         "points": arr(obj({"point": INT, "values": {"type": "object"},
                                                            "p_met": mapping(NUM)})), **WRITTEN}),
                    _command("explore", {"explorations": arr(EXPLORE_ITEM)})]}),
    "validate": ("Per file whether it is valid, its number of variants and its located problems; the claims register "
                 "used and where it was found (`option`: --claims, `project`: the nearest seeds/claims.yaml above the "
                 "first file, `packaged`: the copy shipped with peacesim, `checkout`: the source checkout's). `ok` false exits 2 (the document is still "
                 "printed, on stdout).",
                 _command("validate", {"ok": BOOL, "claims_register": OSTR,
                                       "claims_register_source": {"enum": ["option", "project", "packaged", "checkout", None]},
                                       "claims_register_problems": arr(PROBLEM),
                                       "warnings": arr(STR), "problems": INT,
                                       "files": arr(obj({"file": STR, "ok": BOOL, "variants": INT,
                                                         "problems": arr(PROBLEM)}))})),
    "explain": ("Every resolved value with its key path (list items by id) and origin (FILE:LINE, variant, --set, "
                "default), and the uncertain values; with --diff instead `diff`: per variant the changes, "
                "`path: old -> new`.",
                _command("explain", {"file": STR, "variant": OSTR, "overrides": arr(STR)})
                | {"anyOf": [{"required": ["values", "uncertain"],
                              "properties": {"values": arr(obj({"path": STR, "value": {}, "origin": STR})),
                                             "uncertain": arr({"type": "object"})}},
                             {"required": ["diff"],
                              "properties": {"diff": arr(obj({"variant": STR, "changes": arr(STR)}))}}]}),
    "metrics": ("The metric catalog: per name (`<zone_id>` etc. stand for ids) its kind, unit, which way is better, "
                "label, meaning, aggregate, whether it is a headline and whether it is windowed.",
                _command("metrics", {"metrics": mapping(obj({"kind": {"enum": ["scalar", "series"]}, "unit": STR,
                                                             "better": {"enum": ["higher", "lower", "neither"]},
                                                             "label": STR, "meaning": STR, "headline": BOOL,
                                                             "windowed": BOOL}))})),
}

ERROR = obj({"error": obj({"kind": STR, "message": STR, "exit_code": INT, "problems": arr(PROBLEM)})})


def markdown() -> str:
    """docs/json.md: the conventions, then each command's shape as a JSON Schema."""
    lines = [
        "# JSON output",
        "",
        "Generated from `src/peacesim/cli/shapes.py` by `python -m peacesim.cli.shapes` (`make docs`); a test keeps it",
        "current and checks every command's output against these schemas.",
        "",
        "Every command that prints results takes `--json`: stdout then holds exactly one JSON document (no",
        "human text), an object whose first field `command` names the command. Progress bars and warnings stay on",
        "stderr. Undefined numbers (NaN: no stock-out, one replication's interval) are `null`. Fields may be added",
        "in later versions; none is removed or changes type within a major version.",
        "",
        "```sh",
        "peacesim runs --json | python -c 'import json,sys; print(len(json.load(sys.stdin)[\"runs\"]))'",
        "peacesim run scenarios/baseline.yaml -n 10 --json | jq '.runs[0].metrics.coverage_mean'",
        "```",
        "",
        "Errors: with `--json`, a failing command writes one JSON object to stderr (and exits 2 for bad input, 1",
        "for an internal error, 130 when interrupted); `kind` is `scenario`, `usage`, `store`, `output`,",
        "`simulation`, `report`, `file`, `interrupted` or `internal`; `problems` lists located problems",
        "(file, line, column, key path) when there are any.",
        "",
        "```json",
        json.dumps(ERROR, indent=1),
        "```",
        "",
    ]
    for name, (what, schema) in SHAPES.items():
        lines += [f"## `peacesim {name} --json`", "", what, "", "```json", json.dumps(schema, indent=1), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
