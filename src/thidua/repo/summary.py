"""``thidua check``: load the requested years, collect every problem, summarise each year."""

from __future__ import annotations

from pathlib import Path

from thidua.errors import Problem, UsageError
from thidua.present.summary import summarize
from thidua.read.load import available_years
from thidua.repo.years import open_year


def check_years(data_dir: Path, years: list[int] | None) -> tuple[list[Problem], list[str]]:
    """All problems of ``years`` (every year in ``data_dir`` when None) and a summary line each."""
    chosen = sorted(set(years)) if years else available_years(data_dir)
    if not chosen:
        raise UsageError(
            f"thư mục dữ liệu {data_dir} chưa có năm nào (cần các thư mục như {data_dir}/2020)"
        )
    problems: list[Problem] = []
    lines: list[str] = []
    for year in chosen:
        data, found = open_year(data_dir, year)
        problems.extend(found)
        if data is not None:
            lines.append(summarize(data))
    return problems, lines
