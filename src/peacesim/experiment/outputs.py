"""Files a run leaves in its output folder, and keeping those paths safe.

``manifest.json`` (run id, label, overrides, scenario hash, seed, versions, command: what made the
run; and ``written``, when, in ISO 8601), ``summary.json`` (exactly: scenario, variant, label, overrides, seed, replications, run_id,
metrics with mean, ci_low, ci_high, std, p10, p50, p90, n; NaN as null), ``summary.csv`` (the same
statistics long and tidy: metric, statistic, value, for DuckDB or pandas), ``replications.csv`` (one
row per replication, one column per metric), ``series.csv`` (tidy: series, day, mean, p10, p90)
and the resolved ``scenario.yaml``; every CSV row starts with the run id, label and variant. With
variants, ``compare.csv`` (paired differences with both run ids, plus rows for metrics only one
run of a pair has). Names that come from scenarios become safe path components, and an output
folder outside the working tree is accepted only when the user gave it explicitly.

By default every run gets its own folder, ``reports/<scenario>/<run-id>/`` (a run's variants in
sub-folders of it), so two runs never share or overwrite a file; ``reports/<scenario>/latest``
is a one-line file naming the newest (a file, not a symlink, so it works everywhere).

The folder is checked before the first replication (:func:`check_out_dir`: not a file or device,
writable, a sane name, not a folder of other things), and a run's files are written into a new
folder that then replaces the old one as a whole (:func:`write_run`), so a full disk or a kill
leaves the previous run's folder or the new one, never a mix of the two. A failed write is an
:class:`OutputError` (exit 2) naming the path and what to do.
"""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import PeacesimError, UsageError
from .results import Comparison, Difference, RunResult

REPORTS = Path("reports")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
#: Longest folder name we create (bytes): room for the staging suffix under the usual 255.
MAX_NAME_BYTES = 200
#: Longest output path (bytes), well under the usual PATH_MAX of 4096.
MAX_PATH_BYTES = 3000
#: A folder holding this file is a run folder, which a new run may replace.
RUN_MARKER = "manifest.json"
#: ``reports/<scenario>/latest`` names the newest run folder of the scenario.
LATEST = "latest"


class OutputError(PeacesimError):
    """An output file or folder cannot be written (full disk, no permission); exit 2."""


def write_failed(path: Path, e: OSError) -> OutputError:
    """A one-line error for a failed write, with what to do about it."""
    what = {errno.ENOSPC: "the disk is full; free some space or choose another --out",
            errno.EDQUOT: "the disk quota is exceeded; free some space or choose another --out",
            errno.EACCES: "permission denied; choose a folder you can write to with --out",
            errno.EROFS: "the file system is read-only; choose another --out",
            errno.ENAMETOOLONG: "the name is too long; choose a shorter --out"}.get(e.errno or 0, e.strerror or str(e))
    return OutputError(f"cannot write {e.filename or path}: {what}")


@contextmanager
def atomic_open(path: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """Write a text file whole or not at all: into a temporary file beside it, then rename.

    A run interrupted while writing leaves the previous file (or none), never half of one.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", newline=newline, encoding="utf-8") as f:
            yield f
        os.replace(tmp, path)
    except OSError as e:
        raise write_failed(path, e) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_open` for a text already in memory."""
    with atomic_open(path) as f:
        f.write(text)


def safe_component(name: str) -> str:
    """A name usable as one path component: no separators, no '..', no leading dot."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "_"
    return cleaned[:100]


@dataclass(frozen=True)
class Reports:
    """Where default output folders go: ``folder`` (a ``reports/``), which must stay inside ``root``
    (None: the working folder)."""

    folder: Path = REPORTS
    root: Path | None = None


def project_reports(store: str | Path, scenario_file: str | Path | None) -> Reports:
    """The reports folder beside the store, so a run from another folder does not split its files from its store.

    With a scenario file: its project's ``reports/`` when the store is that project's (found from the
    file, see :func:`peacesim.experiment.store.locate`). Without one (``run --resume``): the store's
    own folder when it is a project's ``reports/``. Else the working folder's ``reports/``.
    """
    from .store import project_store

    try:
        if scenario_file is None:
            found = Path(store).resolve()
            if found.parent.name != REPORTS.name:
                return Reports()
        else:
            in_project = project_store(scenario_file)
            if in_project is None or in_project.resolve() != Path(store).resolve():
                return Reports()
            found = in_project
        if found.parents[1] == Path.cwd().resolve():
            return Reports()
    except OSError:
        return Reports()
    return Reports(found.parent, found.parents[1])


def run_folder(scenario: str, run_id: str, base: Path = REPORTS) -> Path:
    """A run's own folder, ``reports/<scenario>/<run-id>/``, never shared with another run.

    Run ids are unique in a store; should the folder hold a run of another store with the same id,
    the new one gets ``<run-id>-2`` (and so on) rather than replacing it.
    """
    first = base / safe_component(scenario) / safe_component(run_id)
    folder, k = first, 2
    while folder.exists() and _folder_run_id(folder) != run_id:
        folder, k = first.with_name(f"{first.name}-{k}"), k + 1
    return folder


def _folder_run_id(folder: Path) -> str | None:
    try:
        rid = json.loads((folder / RUN_MARKER).read_text(encoding="utf-8")).get("run_id")
    except (OSError, ValueError, AttributeError):
        return None
    return rid if isinstance(rid, str) else None


def write_latest(folder: Path) -> Path:
    """Point ``<scenario>/latest`` at a run folder: a one-line text file naming it (no symlink needed)."""
    path = folder.parent / LATEST
    atomic_write_text(path, folder.name + "\n")
    return path


def latest_folder(scenario: str, base: Path = REPORTS) -> Path | None:
    """The folder ``reports/<scenario>/latest`` names, if there is one."""
    pointer = base / safe_component(scenario) / LATEST
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = pointer.parent / safe_component(name)
    return folder if name and folder.is_dir() else None


def comparison_folder(comparison: Comparison, base: Path = REPORTS) -> Path:
    """``reports/<scenario>/compare-<reference id>-<other ids>/``: one folder per set of compared runs."""
    runs = [comparison.reference, *comparison.others]
    ids = "-".join(safe_component(r.run_id or "memory") for r in runs)
    if len(ids) > 120:
        import hashlib

        ids = f"{safe_component(comparison.reference.run_id or 'memory')}-{hashlib.sha256(ids.encode()).hexdigest()[:12]}"
    return base / safe_component(comparison.reference.scenario_name) / f"compare-{ids}"


def check_out_dir(path: Path, explicit: bool, cwd: Path | None = None, replaces: bool = False) -> Path:
    """Check an output folder before any work: refuse what would fail (or harm) only at the end.

    Refused: an empty name; a derived folder outside the working tree (or ``cwd``: a project's
    folder; pass ``--out`` for that);
    a name too long; a path that is a file or a device; a folder that cannot be created or
    written. With ``replaces`` (a run's folder, replaced whole by :func:`write_run`), also the
    working folder or one of its parents, and an existing folder given with ``--out`` that holds
    other things than a previous run.
    """
    if not str(path).strip():
        raise UsageError("the output folder name is empty; give a folder, e.g. --out results")
    here = (cwd or Path.cwd()).resolve()
    resolved = path.resolve() if path.is_absolute() else (here / path).resolve()
    if not explicit and not resolved.is_relative_to(here):
        tree = "the working tree" if cwd is None else f"the project folder {here}"
        raise UsageError(f"output folder {path} is outside {tree}; pass --out to write there")
    for part in resolved.parts:
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            raise UsageError(f"output folder name is too long ({len(os.fsencode(part))} bytes; limit {MAX_NAME_BYTES}): "
                             f"{part[:40]}…")
    if len(os.fsencode(str(resolved))) > MAX_PATH_BYTES:
        raise UsageError(f"output folder path is too long (limit {MAX_PATH_BYTES} bytes)")
    if replaces and (resolved == here or here.is_relative_to(resolved)):
        raise UsageError(f"output folder {path} is the working folder or holds it; give a folder of its own")
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"output folder {path} exists and is not a folder (a file or device); give another --out")
    if replaces and explicit and resolved.is_dir() and not (resolved / RUN_MARKER).exists() and any(resolved.iterdir()):
        raise UsageError(f"output folder {path} already holds other files (no {RUN_MARKER}, so not a run folder); "
                         "a run replaces its folder, so give a new or empty one")
    _check_writable(resolved, path)
    return resolved


def _check_writable(resolved: Path, shown: Path) -> None:
    """We must be able to create a folder beside ``resolved`` (it is written there, then renamed)."""
    target = next((p for p in (resolved.parent, *resolved.parent.parents) if p.exists()), None)
    if target is None or not target.is_dir():
        raise UsageError(f"cannot write output folder {shown}: {target} is not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".peacesim-probe-", dir=target))
    except OSError as e:
        raise UsageError(str(write_failed(target, e)).replace("cannot write", f"cannot write output folder {shown} in", 1)) from None


@contextmanager
def replacing_dir(out_dir: Path) -> Iterator[Path]:
    """A new, empty staging folder beside ``out_dir`` that replaces it as a whole on success.

    On any failure the staging folder is removed and ``out_dir`` is as it was; a failed write is
    an :class:`OutputError`.
    """
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name[:MAX_NAME_BYTES]}.", suffix=".new", dir=parent))
        stage.chmod(0o777 & ~_umask())  # as a plain mkdir would (mkdtemp makes it private)
    except OSError as e:
        raise write_failed(out_dir, e) from None
    try:
        yield stage
        old = None
        if out_dir.exists():
            old = parent / f"{stage.name[:-4]}.old"
            os.rename(out_dir, old)
        try:
            os.rename(stage, out_dir)
        except OSError:
            if old is not None:
                os.rename(old, out_dir)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        raise write_failed(out_dir, e) from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise write_failed(path, e) from None


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


#: The statistics of a metric in summary.json (and the tidy tables), in order; then ``n``.
SUMMARY_STATISTICS = ("mean", "ci_low", "ci_high", "std", "p10", "p50", "p90")


def summary_dict(result: RunResult) -> dict[str, Any]:
    """The content of ``summary.json``."""
    return {
        "scenario": result.scenario_name,
        "variant": result.variant,
        "label": result.label,
        "overrides": list(result.overrides),
        "seed": result.seed,
        "replications": result.replications,
        "run_id": result.run_id,
        "metrics": {
            name: {**{k: _num(getattr(s, k)) for k in SUMMARY_STATISTICS}, "n": int(s.n)}
            for name, s in result.summary.items()
        },
    }


def manifest_dict(result: RunResult) -> dict[str, Any]:
    """What made the run, so it can be reproduced a year later: scenario hash, seed, versions, command,
    and when the files were written (ISO 8601 with the UTC offset, as in the results store)."""
    from .sqlite import now
    from .store import versions

    return {
        "run_id": result.run_id,
        "scenario": result.scenario_name,
        "variant": result.variant,
        "label": result.label,
        "overrides": list(result.overrides),
        "scenario_hash": result.scenario_hash,
        "seed": result.seed,
        "replications": result.replications,
        "confidence": result.confidence,
        "versions": versions(),
        "command": result.extra.get("command"),
        "reproduce": f"peacesim run scenario.yaml --seed {result.seed} --replications {result.replications}",
        "written": now(),
    }


#: The columns that open every row of a run's CSV files: which run, as labelled, which variant.
IDENTITY_COLUMNS = ("run_id", "label", "variant")


def write_run(result: RunResult, out_dir: Path) -> list[Path]:
    """Write summary.json, summary.csv, replications.csv, series.csv, scenario.yaml and manifest.json; return the paths.

    The files go into a new folder that replaces ``out_dir`` whole (see :func:`replacing_dir`).
    """
    names = ("summary.json", "replications.csv", "series.csv", "scenario.yaml", "manifest.json", "summary.csv")
    with replacing_dir(out_dir) as stage:
        _write_run_files(result, [stage / n for n in names])
    return [out_dir / n for n in names]


def _write_run_files(result: RunResult, paths: list[Path]) -> None:
    atomic_write_text(paths[0], json.dumps(summary_dict(result), indent=2, allow_nan=False) + "\n")
    names = sorted(result.metrics)
    ident = [result.run_id or "", result.label, result.variant or ""]
    with atomic_open(paths[1], newline="") as f:
        w = csv.writer(f)
        w.writerow([*IDENTITY_COLUMNS, "replication", *names])
        for i in range(result.replications):
            w.writerow([*ident, i, *(_cell(result.metrics[m][i]) for m in names)])
    with atomic_open(paths[2], newline="") as f:
        w = csv.writer(f)
        w.writerow([*IDENTITY_COLUMNS, "series", "day", "mean", "p10", "p90"])
        for name, band in sorted(result.series.items()):
            for day in range(band.mean.size):
                w.writerow([*ident, name, day, _cell(band.mean[day]), _cell(band.p10[day]), _cell(band.p90[day])])
    atomic_write_text(paths[3], result.scenario_text)
    atomic_write_text(paths[4], json.dumps(manifest_dict(result), indent=2) + "\n")
    with atomic_open(paths[5], newline="") as f:
        w = csv.writer(f)
        w.writerow([*IDENTITY_COLUMNS, "metric", "statistic", "value"])
        for name, s in sorted(result.summary.items()):
            for k in SUMMARY_STATISTICS:
                w.writerow([*ident, name, k, _cell(getattr(s, k))])
            w.writerow([*ident, name, "n", int(s.n)])


def write_comparison(comparison: Comparison, out_dir: Path, metrics: Collection[str] | None = None) -> Path:
    """Write ``compare.csv``: one row per (run, metric) with the paired difference.

    Metrics that only one run of a pair has get a row too, with the mean of the run that has it
    and empty difference columns (``n`` 0), so nothing is dropped silently.

    Args:
        metrics: the names the comparison was restricted to, if any (limits the unpaired rows).
    """
    from .compare import unpaired

    _make_dir(out_dir)
    path = out_dir / "compare.csv"
    ref = comparison.reference
    ids = dict(zip(comparison.differences, (o.run_id or "" for o in comparison.others), strict=True))
    with atomic_open(path, newline="") as f:
        w = csv.writer(f)
        w.writerow(["reference", "reference_run_id", "other", "other_run_id", "metric", "reference_mean", "other_mean",
                    "difference", "ci_low", "ci_high", "relative", "n", "distinguishable", "p_better", "p_better_low",
                    "p_better_high"])
        for label, diffs in comparison.differences.items():
            for d in diffs:
                w.writerow([ref.label, ref.run_id or "", label, ids[label], d.metric, _cell(d.reference_mean),
                            _cell(d.other_mean), _cell(d.mean), _cell(d.ci_low), _cell(d.ci_high), _cell(d.relative), d.n,
                            str(d.distinguishable).lower(), *(_cell(x) for x in _p_better(d))])
        for u in unpaired(comparison, metrics):
            ref_mean, other_mean = (_cell(u.mean), "") if u.in_reference else ("", _cell(u.mean))
            w.writerow([ref.label, ref.run_id or "", u.other, ids.get(u.other, ""), u.metric, ref_mean, other_mean,
                        "", "", "", "", 0, "", "", "", ""])
    return path


def _p_better(d: Difference) -> tuple[float, float, float]:
    """P(other better than reference) and its interval; NaN where no direction is better."""
    from peacesim.catalog import lookup

    try:
        better = lookup(d.metric).better
    except KeyError:
        better = "neither"
    nan = float("nan")
    return d.p_better(better) if better != "neither" else (nan, nan, nan)


def _cell(x: float) -> str:
    x = float(x)
    return "" if math.isnan(x) else repr(x)


def _parquet_kind(values: list[Any]) -> str:
    """The Parquet type of a column from its values: ``float64`` when it has none (empty stays numeric)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {str}:
        return "string"
    if kinds == {bool}:
        return "bool_"
    if kinds == {int}:
        return "int64"
    return "float64"


def export_tables(tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]], out_dir: Path, fmt: str,
                  types: dict[str, dict[str, str]] | None = None) -> list[Path]:
    """Write tidy tables (name -> (columns, rows)) as CSV or Parquet files named after the table.

    In Parquet every column is typed: by ``types[table][column]`` (``float64``, ``int64``, ``string``)
    when given, else from its values; a column with no value at all is ``float64``, never untyped.
    """
    if fmt not in ("csv", "parquet"):
        raise UsageError(f"unknown export format {fmt!r}; expected csv or parquet")
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as e:
            raise UsageError("Parquet export needs pyarrow; install it with: pip install 'peacesim[parquet]'") from e
    _make_dir(out_dir)
    paths = []
    for name, (columns, rows) in tables.items():
        path = out_dir / f"{safe_component(name)}.{fmt}"
        if fmt == "csv":
            with atomic_open(path, newline="") as f:
                w = csv.writer(f)
                w.writerow(columns)
                w.writerows(["" if v is None else v for v in row] for row in rows)
        else:
            declared = (types or {}).get(name, {})
            arrays = []
            for k, c in enumerate(columns):
                values = [row[k] for row in rows]
                kind = declared.get(c) or _parquet_kind(values)
                arrays.append(pa.array(values, type=getattr(pa, kind)()))
            pq.write_table(pa.Table.from_arrays(arrays, names=list(columns)), path)
        paths.append(path)
    return paths
