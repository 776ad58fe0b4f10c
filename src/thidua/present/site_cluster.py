"""The site's cluster page (``index.html``) and history page (``lich-su.html``), for
:mod:`thidua.present.site`.

The cluster page: each year's status, leading unit and data code (and what that code is);
the members, each name a link to the unit's page of the latest year it is in, with a column
of notes only when some member has one; the leader and deputy of each year, an office the
data does not give said in words (:data:`UNKNOWN`, or why the next year's is undecided).

The history page: each unit's rank and total in every closed year, with a line chart of
the ranks once there are two closed years or more (one year of ranks would be a column of
dots: a sentence says so instead); then each year's outcome: the leading unit and why
(which is why the first in rank may not lead), the awards proposed, the units not
considered for an award and why. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from thidua import models as m
from thidua.compute.history import History, YearStatus, build, day_text
from thidua.numbers import count, points
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

__all__ = ["CODE_NOTE", "UNKNOWN", "cluster_page", "history_of", "history_page", "status_text"]

UNKNOWN = "chưa có thông tin"  # an office the data does not give
# What "Mã dữ liệu" is, for the cluster page (no program is named: a member has none).
CODE_NOTE = (
    "Mã dữ liệu cho biết kết quả của năm được lập từ bộ số liệu nào: các văn bản tải về của "
    "năm đó ghi cùng mã, nên trang và văn bản cùng mã là cùng một số liệu."
)


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
    rows: list[tuple[Cell, ...]] = []
    for item in years:
        cluster = item.result.data.cluster
        names = {mb.id: mb.name for mb in cluster.members}
        leader = names.get(cluster.leader or "", UNKNOWN)
        deputy = names.get(cluster.deputy or "", UNKNOWN)
        rows.append((Cell(str(item.year), head=True), Cell(leader), Cell(deputy)))
    last = years[-1].result if years else None
    if last is not None and last.data.final:
        elected = (last.next_leader, last.next_deputy)
        if any(e.member is not None for e in elected):
            rows.append(
                (
                    Cell(
                        f"{last.data.year + 1} (theo kết quả bầu năm {last.data.year})", head=True
                    ),
                    *(
                        Cell(e.member.name if e.member else f"chưa xác định ({e.how})")
                        for e in elected
                    ),
                )
            )
    return Table((Column("Năm"), Column("Trưởng khối"), Column("Phó khối")), tuple(rows))


def cluster_page(years: Sequence[SiteYear]) -> Page:
    latest = years[-1].result.data.cluster
    members, member_years = _member_years(years)
    current = {mb.id for mb in latest.members}
    by_year = {item.year: item for item in years}
    notes = ["" if mb.id in current else "không còn là thành viên" for mb in members]
    member_columns = [
        Column("STT", True),
        Column("Đơn vị"),
        Column("Tên gọi tắt"),
        Column("Các năm"),
    ]
    if any(notes):
        member_columns.append(Column("Ghi chú"))
    member_rows = []
    for i, (mb, note) in enumerate(zip(members, notes, strict=True), start=1):
        last_year = member_years[mb.id][-1]
        cells = [
            Cell(str(i), True),
            Cell(mb.name, head=True, href=f"{last_year}/{by_year[last_year].units[mb.id]}"),
            Cell(mb.short_name),
            Cell(", ".join(str(y) for y in member_years[mb.id])),
        ]
        if any(notes):
            cells.append(Cell(note))
        member_rows.append(tuple(cells))
    year_rows = []
    for item in years:
        result = item.result
        leading = result.leading
        year_rows.append(
            (
                Cell(f"Năm {item.year}", href=f"{item.year}/index.html", head=True),
                Cell(capital(status_text(YearStatus.of(result.data)))),
                Cell(
                    leading.name
                    if leading is not None
                    # The year's page says why: no vote yet, or none qualified.
                    else "chưa có"
                    if not result.data.final
                    else "không có",
                    href=f"{item.year}/{item.units[leading.id]}" if leading is not None else None,
                ),
                Cell(item.fingerprint.code),
            )
        )
    illustrative = [item.year for item in years if item.result.data.illustrative]
    context = {
        "cluster": latest,
        "members": Table(tuple(member_columns), tuple(member_rows)),
        "offices": _offices(years),
        "years": Table(
            (Column("Năm"), Column("Tình trạng"), Column("Đơn vị dẫn đầu"), Column("Mã dữ liệu")),
            tuple(year_rows),
        ),
        "illustrative": ", ".join(str(y) for y in illustrative),
        "code_note": CODE_NOTE,
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
    closed = [item.result.data.cluster.state is m.YearState.CLOSED for item in years]
    others = [item for item, done in zip(years, closed, strict=True) if not done]
    return build(
        [item.result for item, done in zip(years, closed, strict=True) if done],
        [item.year for item in others],
        None,
        [YearStatus.of(item.result.data) for item in others],
    )


def one_year_sentence(year: int) -> str:
    """Why the history has no chart while only one year is closed."""
    return (
        f"Mới có kết quả chính thức của một năm (năm {year}) nên chưa vẽ biểu đồ thứ hạng qua "
        "các năm."
    )


def _outcome_row(item: SiteYear) -> tuple[Cell, ...]:
    """A closed year's outcome: the leading unit and why (or why none), the awards, the units
    not considered for an award and why."""
    result = item.result
    awards = "; ".join(f"{name}: {', '.join(names)}" for name, names in awards_by_name(result))
    excluded = "; ".join(
        f"{row.member.name} ({row.exclusion or 'không đủ điều kiện'})"
        for row in result.rows
        if not row.eligible
    )
    return (
        Cell(f"Năm {item.year}", href=f"{item.year}/index.html", head=True),
        Cell(result.leading_reason),
        Cell(awards or "không có"),
        Cell(excluded or "không có"),
    )


@dataclass(frozen=True)
class _Ranks:
    """Each unit's rank and total in the closed years: the table, and the ranks by unit."""

    table: Table
    series: dict[str, list[int | None]]  # short name -> rank in each closed year


def _ranks(years: Sequence[SiteYear], history: History) -> _Ranks:
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
    series = {
        members[mid]: [cells[mid, y].rank if (mid, y) in cells else None for y in closed]
        for mid in members
    }
    return _Ranks(Table(tuple(columns), tuple(rows), top=top), series)


def history_page(years: Sequence[SiteYear]) -> Page:
    history = history_of(years)
    closed = list(history.years)
    ranks = _ranks(years, history)
    figure = None
    if len(closed) > 1:
        title = "Thứ hạng của các đơn vị qua các năm"
        svg = charts.history_lines(closed, ranks.series, title=title)
        caption = (
            f"{title} (hạng 1 ở trên cùng). Bảng dưới đây ghi hạng và tổng điểm của từng đơn vị "
            f"trong {count(len(closed))} năm."
        )
        figure = Figure(inline_svg(svg), caption, ranks.table)
    outcomes = [_outcome_row(item) for item in years if item.year in closed]
    context = {
        "closed": bool(closed),
        "figure": figure,
        "table": ranks.table,
        "one_year": one_year_sentence(closed[0]) if len(closed) == 1 else None,
        "outcomes": Table(
            (
                Column("Năm"),
                Column("Đơn vị dẫn đầu Khối"),
                Column("Đề nghị khen thưởng"),
                Column("Không xét khen thưởng"),
            ),
            tuple(outcomes),
        ),
        "notes": [history.status(year).line() for year in closed],
        "pending": [(year, f"{year}/index.html") for year in history.in_progress],
    }
    return Page(
        path=HISTORY,
        template="history.html",
        title="Lịch sử thi đua các năm",
        context=context,
        codes=tuple(f"Năm {item.year} — {item.fingerprint.line}" for item in years),
        nav="lich-su",
    )
