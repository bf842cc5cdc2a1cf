"""The errors peacesim raises on purpose.

The CLI catches :class:`PeacesimError`, prints its message and exits 2 (bad input) or 1
(internal failure) without a traceback; anything else is a bug.

    PeacesimError(Exception)
     ├── ScenarioError        a scenario file, override or claim register is wrong (exit 2)
     ├── UsageError           a command was asked for something impossible (exit 2)
     ├── SimulationError      a replication failed; carries scenario, replication and seed (exit 1)
     ├── StoreError           the results store cannot do what was asked (exit 2)
     └── ReportError          a chart or report cannot be made (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    Rendered as ``FILE:LINE:COL: key.path: message (got VALUE)``; parts that are unknown are left out.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    got: str | None = None
    hint: str | None = None

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + (f"{self.path}: " if self.path else "") + self.message
        if self.got is not None:
            text += f" (got {self.got})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class PeacesimError(Exception):
    """Base of every error peacesim raises on purpose."""

    exit_code: int = 2


class ScenarioError(PeacesimError):
    """A scenario (file, variant, ``--set`` override or claims register) is not valid."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class UsageError(PeacesimError):
    """A command or API call was asked for something it cannot do."""


class StoreError(PeacesimError):
    """The results store cannot answer (unknown run id, locked, corrupt)."""


class ReportError(PeacesimError):
    """A chart or report cannot be produced from the results given."""


@dataclass
class SimulationError(PeacesimError):
    """A replication failed; says which one so it can be re-run alone."""

    scenario: str
    replication: int
    seed: int
    cause: str
    exit_code: int = field(default=1)

    def __post_init__(self) -> None:
        super().__init__(
            f"replication {self.replication} of scenario {self.scenario!r} (seed {self.seed}) failed: {self.cause}"
        )
