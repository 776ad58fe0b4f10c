"""``thidua check``: load the requested years, collect every problem, summarise each year."""

from __future__ import annotations

from pathlib import Path

from thidua import models as m
from thidua.compute.checks import count_missing
from thidua.errors import Problem, UsageError
from thidua.read.load import available_years
from thidua.repo.years import open_year
from thidua.year import YearData


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


def summarize(data: YearData) -> str:
    """One short Vietnamese line: members, criteria, scores, ballots, state."""
    groups = data.table.groups
    n_criteria = sum(len(g.criteria) for g in groups)
    entered, missing = count_missing(data)
    ballots = len(data.ballots.ballots) if data.ballots else 0
    parts = [
        f"{len(data.cluster.members)} đơn vị",
        f"{n_criteria} tiêu chí trong {len(groups)} nhóm",
        f"điểm đã nhập {entered}, còn thiếu {missing}",
        f"{ballots} cuộc bỏ phiếu" if ballots else "chưa có kết quả bỏ phiếu",
    ]
    if data.conference is not None:
        d = data.conference.date
        parts.append(f"hội nghị ngày {d.day:02d}/{d.month:02d}/{d.year}")
    if data.tasks is not None and data.tasks.declared_tasks is not None:
        parts.append(
            f"{data.tasks.declared_tasks} nhiệm vụ trọng tâm (đã ghi {len(data.tasks.tasks)})"
        )
    state = data.cluster.state
    mark = "✓" if state is m.YearState.CLOSED else "…"
    note = " — số liệu minh họa" if data.illustrative else ""
    return f"{mark} Năm {data.year} ({state.label}): " + "; ".join(parts) + f".{note}"
