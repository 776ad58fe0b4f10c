"""The one-line summary of a year that ``thidua check`` prints when the data is clean."""

from __future__ import annotations

from thidua import models as m
from thidua.compute.checks import count_missing
from thidua.year import YearData


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
