"""The site's cluster page (``index.html``) and history page (``lich-su.html``), for
:mod:`thidua.present.site`: the members, the leader and deputy of each year, each year's
status and data code; each unit's rank and total across the closed years, with a line chart.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thidua import models as m
from thidua.compute.history import History, YearStatus, build, day_text
from thidua.numbers import points
from thidua.present import charts
from thidua.present.site_parts import (
    HISTORY,
    NONE,
    Cell,
    Column,
    Figure,
    Page,
    SiteYear,
    Table,
    awards_by_name,
    inline_svg,
)

__all__ = ["cluster_page", "history_of", "history_page", "status_text"]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def status_text(status: YearStatus) -> str:
    """The year's state for the cluster page: ``đã khóa sổ ngày 30/12/2020 (Văn phòng
    Khối)``, ``mở lại ngày … (…) — lý do: …``, ``đã kết thúc, chưa khóa sổ``, ``đang diễn ra``."""
    if status.sealed is not None:
        return f"đã khóa sổ ngày {day_text(status.sealed.date)} ({status.sealed.by})"
    if status.closed:
        return "đã kết thúc, chưa khóa sổ"
    if status.reopened is not None:
        reason = " ".join((status.reopened.reason or "").split())
        return (
            f"mở lại ngày {day_text(status.reopened.date)} ({status.reopened.by}) — lý do: "
            f"{reason}; kết quả tạm tính"
        )
    return "đang diễn ra; kết quả tạm tính"


# --- the cluster page -------------------------------------------------------------------------


def _member_years(years: Sequence[SiteYear]) -> tuple[list[m.Member], dict[str, list[int]]]:
    """Every member (latest year's first, in its order; then earlier ones) and its years."""
    members: list[m.Member] = []
    seen: dict[str, list[int]] = {}
    for item in reversed(years):
        for member in item.result.data.cluster.members:
            if member.id not in seen:
                members.append(member)
                seen[member.id] = []
            seen[member.id].append(item.year)
    return members, {mid: sorted(ys) for mid, ys in seen.items()}


def _offices(years: Sequence[SiteYear]) -> Table:
    """Leader and deputy of each year (``khoi.yaml``), and the next year's when the last year
    elected them and that year is not published."""
    rows = []
    for item in years:
        cluster = item.result.data.cluster
        names = {mb.id: mb.name for mb in cluster.members}
        leader = names.get(cluster.leader or "", NONE)
        deputy = names.get(cluster.deputy or "", NONE)
        rows.append((Cell(str(item.year), head=True), Cell(leader), Cell(deputy)))
    last = years[-1].result if years else None
    if last is not None and last.data.final:
        next_leader, next_deputy = last.next_leader.member, last.next_deputy.member
        if next_leader is not None or next_deputy is not None:
            rows.append(
                (
                    Cell(
                        f"{last.data.year + 1} (theo kết quả bầu năm {last.data.year})", head=True
                    ),
                    Cell(next_leader.name if next_leader else NONE),
                    Cell(next_deputy.name if next_deputy else NONE),
                )
            )
    return Table((Column("Năm"), Column("Trưởng khối"), Column("Phó khối")), tuple(rows))


def cluster_page(years: Sequence[SiteYear]) -> Page:
    latest = years[-1].result.data.cluster
    members, member_years = _member_years(years)
    current = {mb.id for mb in latest.members}
    member_rows = tuple(
        (
            Cell(str(i), True),
            Cell(mb.name, head=True),
            Cell(mb.short_name),
            Cell(", ".join(str(y) for y in member_years[mb.id])),
            Cell("" if mb.id in current else "không còn là thành viên"),
        )
        for i, mb in enumerate(members, start=1)
    )
    year_rows = []
    for item in years:
        result = item.result
        leading = result.leading
        year_rows.append(
            (
                Cell(f"Năm {item.year}", href=f"{item.year}/index.html", head=True),
                Cell(capital(status_text(YearStatus.of(result.data)))),
                Cell(
                    leading.name if leading is not None else NONE,
                    href=f"{item.year}/{item.units[leading.id]}" if leading is not None else None,
                ),
                Cell(item.fingerprint.code),
            )
        )
    illustrative = [item.year for item in years if item.result.data.illustrative]
    context = {
        "cluster": latest,
        "members": Table(
            (
                Column("STT", True),
                Column("Đơn vị"),
                Column("Tên gọi tắt"),
                Column("Các năm"),
                Column("Ghi chú"),
            ),
            member_rows,
        ),
        "offices": _offices(years),
        "years": Table(
            (Column("Năm"), Column("Tình trạng"), Column("Đơn vị dẫn đầu"), Column("Mã dữ liệu")),
            tuple(year_rows),
        ),
        "illustrative": ", ".join(str(y) for y in illustrative),
    }
    return Page(
        path="index.html",
        template="cluster.html",
        title=latest.name,
        context=context,
        codes=tuple(f"Năm {item.year} — {item.fingerprint.line}" for item in years),
        nav="index",
    )


# --- the history page -------------------------------------------------------------------------


def history_of(years: Sequence[SiteYear]) -> History:
    """The history of the closed years (``thidua history``); the others are named in notes."""
    closed = [item.result for item in years if item.result.data.cluster.state is m.YearState.CLOSED]
    in_progress = [item.year for item in years if item.result not in closed]
    statuses = [YearStatus.of(item.result.data) for item in years if item.year in in_progress]
    return build(closed, in_progress, None, statuses)


def history_page(years: Sequence[SiteYear]) -> Page:
    history = history_of(years)
    closed = list(history.years)
    by_year = {item.year: item for item in years}
    members: dict[str, str] = {}
    cells: dict[tuple[str, int], Any] = {}
    for row in history.rows:
        members.setdefault(row.member, row.short_name)
        cells[row.member, row.year] = row
    full = {mb.id: mb.name for item in years for mb in item.result.data.cluster.members}
    top = (Column(""), *(Column(f"Năm {y}", span=2) for y in closed))
    columns = [Column("Đơn vị")]
    for _ in closed:
        columns += [Column("Hạng", True), Column("Tổng điểm", True)]
    rows = []
    for mid in members:
        cells_of = [Cell(full.get(mid, members[mid]), head=True)]
        for year in closed:
            found = cells.get((mid, year))
            if found is None:
                cells_of += [Cell(NONE, True), Cell(NONE, True)]
                continue
            rank = f"{found.rank} (đồng hạng)" if found.shared else str(found.rank)
            cells_of += [
                Cell(rank, True, href=f"{year}/{by_year[year].units[mid]}"),
                Cell(points(found.total), True),
            ]
        rows.append(tuple(cells_of))
    table = Table(tuple(columns), tuple(rows), top=top)
    figure = None
    if closed:
        title = "Thứ hạng của các đơn vị qua các năm"
        svg = charts.history_lines(
            closed,
            {
                members[mid]: [cells[mid, y].rank if (mid, y) in cells else None for y in closed]
                for mid in members
            },
            title=title,
        )
        figure = Figure(inline_svg(svg), f"{title} (hạng 1 ở trên cùng).", table)
    outcomes = []
    for item in years:
        if item.year not in closed:
            continue
        result = item.result
        awards = "; ".join(f"{name}: {', '.join(names)}" for name, names in awards_by_name(result))
        outcomes.append(
            (
                Cell(f"Năm {item.year}", href=f"{item.year}/index.html", head=True),
                Cell(result.leading.name if result.leading is not None else NONE),
                Cell(awards or NONE),
            )
        )
    notes = [history.status(year).line() for year in closed]
    pending = [(year, f"{year}/index.html") for year in history.in_progress]
    context = {
        "figure": figure,
        "table": table,
        "outcomes": Table(
            (Column("Năm"), Column("Đơn vị dẫn đầu"), Column("Khen thưởng")), tuple(outcomes)
        ),
        "notes": notes,
        "pending": pending,
    }
    return Page(
        path=HISTORY,
        template="history.html",
        title="Lịch sử thi đua các năm",
        context=context,
        codes=tuple(f"Năm {item.year} — {item.fingerprint.line}" for item in years),
        nav="lich-su",
    )
