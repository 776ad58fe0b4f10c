"""Opening a year: read its files (:mod:`thidua.read.load`), then run the cross-file checks.

Every command that needs a year's data *and* its problems goes through :func:`open_year`;
the reader alone never runs the checks.
"""

from __future__ import annotations

from pathlib import Path

from thidua.compute.checks import run_checks
from thidua.errors import DataError, Problem
from thidua.read.load import read_all
from thidua.repo.sealcheck import seal_problems, uses_seals
from thidua.year import YearData


def open_year(
    data_dir: Path, year: int, *, seal: bool = True
) -> tuple[YearData | None, list[Problem]]:
    """Read and validate every file of ``year``; cross-file checks included.

    With ``seal`` (the default), a closed year is also checked against its seal
    (:mod:`thidua.repo.sealcheck`); ``thidua diff`` turns it off to show the changes.

    A required file that cannot be read hides only the checks that need it: the others
    still run, and the file gets a warning naming what was not checked
    (:func:`thidua.compute.checks.run_checks`).

    Returns the data (``None`` when a required file is missing or invalid) and every
    problem found, unsorted. Raises :class:`UsageError` when the year folder is absent.
    """
    reading = read_all(data_dir, year)
    problems = reading.problems
    problems.extend(run_checks(reading.data, reading.broken))
    data = reading.complete
    if data is not None and seal:
        problems.extend(seal_problems(data, problems, sealing=uses_seals(data_dir)))
    return data, problems


def open_year_or_raise(data_dir: Path, year: int) -> tuple[YearData, list[Problem]]:
    """Like :func:`open_year`, but raise :class:`DataError` if any problem is an error.

    Returns the data and its warnings.
    """
    data, problems = open_year(data_dir, year)
    if data is None or any(p.is_error for p in problems):
        raise DataError(problems)
    return data, problems
