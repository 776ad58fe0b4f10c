"""Problems found in the data, and the one exception root of thidua.

Invariants:
- a :class:`Problem` is a value: where (file, line, column; 1-based), how bad, and a
  Vietnamese message saying what is wrong and what is expected;
- every exception thidua raises on purpose derives from :class:`ThiduaError`; the CLI
  turns it into a message and an exit code, never a traceback.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.Enum):
    """How bad a problem is. The value is the word shown to the user."""

    ERROR = "lỗi"
    WARNING = "cảnh báo"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: ``path`` as shown to the user, ``line`` and ``column`` from 1."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, where it is, and what is expected instead."""

    position: Position
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Order by file, line, column; errors before warnings at the same place."""
        p = self.position
        return (p.path, p.line, p.column, 0 if self.is_error else 1, self.message)

    def __str__(self) -> str:
        return f"{self.position}: {self.severity.value}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.position.path,
            "line": self.position.line,
            "column": self.position.column,
            "severity": "error" if self.is_error else "warning",
            "message": self.message,
        }


def error(position: Position, message: str) -> Problem:
    return Problem(position, message, Severity.ERROR)


def warning(position: Position, message: str) -> Problem:
    return Problem(position, message, Severity.WARNING)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file and line, duplicates removed (two rules may see the same fault)."""
    return sorted(set(problems), key=Problem.sort_key)


class ThiduaError(Exception):
    """Root of every error thidua raises on purpose. ``message`` is Vietnamese."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataError(ThiduaError):
    """The data has problems; ``problems`` lists all of them (exit code 1)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sort_problems(problems)
        n = sum(1 for p in self.problems if p.is_error)
        super().__init__(f"Dữ liệu có {n} lỗi.")


class UsageError(ThiduaError):
    """The command was called wrongly: unknown year, member, option value (exit code 2)."""

    exit_code = 2
