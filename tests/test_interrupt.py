"""Ctrl-C and kills stop everything: long replications, the local executor, workers of a killed parent.

The model here is :func:`synthetic.long_known_answer` (``tests/synthetic.py``), a minute of busy CPU
per replication, so nothing passes by finishing early: the run must be cut short.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenarios.mini import mini_text

SYNTHETIC = str(Path(__file__).with_name("synthetic.py"))  # runs a command with a synthetic model
SRC = Path(__file__).resolve().parents[1] / "src"
#: What the issue asks: stopped (or orphaned workers gone) within 2 s on a machine that is not
#: oversubscribed. With a load of L runnable processes on C cores a waking thread gets about C/L of
#: a core, so the budget stretches by L/C when the machine is busier than its cores (CI, helpers).
BUDGET_S = 2.0 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as for a terminal user (background jobs ignore it)


def _start(work: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, SYNTHETIC, "long_known_answer", "run", "mini.yaml", "-q", *args], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint, env=env)


def _wait_for_workers(proc: subprocess.Popen[str], n: int, timeout: float = 30.0) -> list[int]:
    """The worker pids once ``n`` of them are running (and have had a moment to start a replication)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()[1]
        kids = _children(proc.pid)
        if len(kids) >= n:
            time.sleep(1.0)  # inside their first (minute-long) replication by now
            return _children(proc.pid)
        time.sleep(0.05)
    raise AssertionError("workers did not start")


def _gone_within(pids: list[int], seconds: float) -> float:
    start = time.monotonic()
    while any(_alive(p) for p in pids):
        if time.monotonic() - start > seconds:
            alive = [p for p in pids if _alive(p)]
            for p in alive:
                os.kill(p, signal.SIGKILL)  # do not leave them spinning after a failed test
            raise AssertionError(f"workers {alive} outlived the budget of {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - start


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "mini.yaml").write_text(mini_text(horizon_days=10))
    return tmp_path


@pytest.mark.parametrize(("executor", "presses"), [("local", 1), ("serial", 1), ("local", 3)])
def test_ctrl_c_stops_long_replications_within_2_s(work: Path, executor: str, presses: int) -> None:
    """The first Ctrl-C: exit 130 in under 2 s, the resume hint, no traceback, no worker left;
    pressing it again while stopping changes nothing."""
    proc = _start(work, "-n", "8", "--executor", executor, *(["--workers", "2"] if executor == "local" else []))
    if executor == "local":
        workers = _wait_for_workers(proc, 2)
    else:
        workers = []
        end = time.monotonic() + 30
        while not (work / "reports" / "peacesim.db").exists() and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(1.0)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    for _ in range(presses - 1):
        time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < BUDGET_S, f"exit {took:.2f} s after Ctrl-C"
    assert "Traceback" not in err and "resume with: peacesim run --resume" in err, err
    _gone_within(workers, 0.5)  # already gone when the command returned
    db = sqlite3.connect(work / "reports" / "peacesim.db")
    assert db.execute("SELECT status FROM runs").fetchone()[0] == "incomplete"


def test_workers_die_with_a_killed_parent(work: Path) -> None:
    """kill -9 of the command: every worker exits within 2 s (no orphans at 100% CPU)."""
    proc = _start(work, "-n", "8", "--workers", "2")
    workers = _wait_for_workers(proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    took = _gone_within(workers, BUDGET_S)
    assert took < BUDGET_S


WATCHED = """
import os, sys, time
pid = os.fork()
if pid == 0:
    import ctypes

    def no_prctl(*args, **kwargs):
        raise OSError("no prctl here")

    ctypes.CDLL = no_prctl  # as on a system without the parent-death signal
    from peacesim.experiment.executors import _die_with_parent

    _die_with_parent(os.getppid())
    x = 0
    while True:  # busy, holding the GIL as a replication does
        x = (x * 31 + 7) % 1000003
else:
    print(pid, flush=True)
    time.sleep(60)
"""


def test_parent_watch_thread_alone_ends_an_orphaned_worker() -> None:
    """Without the Linux parent-death signal, the watching thread still ends the worker within 2 s."""
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    parent = subprocess.Popen([sys.executable, "-c", WATCHED], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    time.sleep(0.5)
    assert _alive(worker)
    parent.kill()
    parent.wait()
    assert _gone_within([worker], BUDGET_S) < BUDGET_S
