"""What sweeps, sizings and explorations share in the results store: one table of jobs.

Each kind of job (a sweep, a sizing, an exploration) keeps one row per job beside the runs, with
the same life: created ``running`` by this process, claimed again by a resume (never by two live
processes at once), finished ``complete`` or ``incomplete``; a ``running`` row whose process is
dead reads as ``incomplete``. A job id is a two-letter prefix, the time and four hex digits, and a
unique prefix of it is enough to name it. Subclasses add the tables of their own parts.
:func:`working` is that life around the work of one process: claim, executor, finish.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ..errors import StoreError
from .sqlite import connect, here, insert_new, now, process_alive, transaction

if TYPE_CHECKING:
    from .executors import Executor


class JobLedger:
    """The job table of one kind (``table`` keyed by ``key``) in one results store file."""

    schema: ClassVar[str]
    table: ClassVar[str]
    key: ClassVar[str]
    noun: ClassVar[str]
    prefix: ClassVar[str]
    list_command: ClassVar[str]

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = connect(self.path, self.schema, f"the {self.noun} tables")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self.path)

    def _insert(self, write: Callable[[sqlite3.Connection, str], None]) -> str:
        """Allocate a new job id and let ``write`` store the job's rows under it, in one transaction."""
        return insert_new(self._db, self.path, self.prefix, write, self.noun)

    def _resolve(self, job_id: str, columns: str) -> tuple[Any, ...]:
        """The row of the job ``job_id`` names (a unique prefix is enough): ``key`` then ``columns``."""
        rows = self._db.execute(
            f"SELECT {self.key}, {columns} FROM {self.table} WHERE substr({self.key}, 1, ?) = ? ORDER BY {self.key}",
            (len(job_id), job_id),
        ).fetchall()
        rows = [r for r in rows if r[0] == job_id] or rows
        if not rows:
            raise StoreError(f"{self.path}: no {self.noun} {job_id!r}; list them with: {self.list_command}")
        if len(rows) > 1:
            raise StoreError(f"{self.noun} id {job_id!r} is ambiguous: {', '.join(r[0] for r in rows[:5])}")
        return tuple(rows[0])

    @staticmethod
    def status(status: str, host: str | None, pid: int | None) -> str:
        """The stored status, with a ``running`` job whose process is gone read as ``incomplete``."""
        return "incomplete" if status == "running" and not process_alive(host, pid) else status

    def claim(self, job_id: str) -> None:
        """Mark the job as worked on by this process; refuse if another live process has it."""
        jid, host, pid, status = self._resolve(job_id, "host, pid, status")
        if status == "running" and pid != os.getpid() and process_alive(host, pid):
            raise StoreError(f"{self.noun} {jid} is still running (pid {pid} on {host}); cannot resume it twice")
        with self._tx() as db:
            db.execute(f"UPDATE {self.table} SET status = 'running', host = ?, pid = ?, ended = NULL WHERE {self.key} = ?",
                       (*here(), jid))

    def finish(self, job_id: str, status: str) -> None:
        with self._tx() as db:
            db.execute(f"UPDATE {self.table} SET status = ?, ended = ? WHERE {self.key} = ?", (status, now(), job_id))


@contextmanager
def working(ledger: JobLedger, job_id: str, executor: str | Executor, workers: int | None, scheduler: str | None,
            interrupted: Callable[[], KeyboardInterrupt]) -> Iterator[Executor]:
    """One process's work on a started job: claim it, give the work an executor, record how it ended.

    An executor named by a string is made here and closed after (cancelling its tasks on failure);
    an executor object is the caller's. The job ends ``complete`` when the block does, else
    ``incomplete``; Ctrl-C becomes ``interrupted()`` (which says how to resume). The ledger is closed.
    """
    from .executors import make_executor

    try:
        ledger.claim(job_id)
        ex = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
    except BaseException:
        ledger.close()
        raise
    cancel = False
    try:
        yield ex
        ledger.finish(job_id, "complete")
    except KeyboardInterrupt:
        cancel = True
        ledger.finish(job_id, "incomplete")
        raise interrupted() from None
    except BaseException:
        cancel = True
        ledger.finish(job_id, "incomplete")
        raise
    finally:
        if isinstance(executor, str):
            ex.close(cancel=cancel)
        ledger.close()
