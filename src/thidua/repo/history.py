"""``thidua history``: open every year, rank the closed ones, build the history.

What the history holds is :mod:`thidua.compute.history`; its output is
:mod:`thidua.present.history`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.history import History, YearStatus, build
from thidua.compute.ranking import rank_year
from thidua.errors import DataError
from thidua.read.load import available_years
from thidua.repo.years import open_year

if TYPE_CHECKING:
    from thidua.compute.results import YearResult


def load(data_dir: Path, unit: str | None) -> History:
    """Read every year of ``data_dir``, rank the closed ones, and build the history."""

    results: list[YearResult] = []
    in_progress: list[int] = []
    statuses: list[YearStatus] = []
    for year in available_years(data_dir):
        data, problems = open_year(data_dir, year)
        if data is not None and data.cluster.state is m.YearState.IN_PROGRESS:
            in_progress.append(year)
            statuses.append(YearStatus.of(data))
            continue
        if data is None or any(p.is_error for p in problems):
            raise DataError(problems)
        results.append(rank_year(data))
    return build(results, in_progress, unit, statuses)
