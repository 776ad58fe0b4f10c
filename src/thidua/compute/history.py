"""Each member's rank, final total and awards across the years (``thidua history [UNIT]``).

Only closed years (``trang_thai: da_ket_thuc``) count: a year in progress has no result
yet (its ranking is provisional and changes with every score entered), so it is left out
and named in a note; ``thidua rank YEAR`` shows its provisional ranking. Every year also
has a :class:`YearStatus`: closed and sealed on a date by someone (``khoa-so.yaml``),
closed without a seal, reopened (when, by whom, why), or in progress. A closed year
with errors stops the command with the messages of ``thidua check``; a year in progress
is skipped whatever its state of completion.

Members are matched across years by id (``ma``) and shown with the short name of the
latest year they appear in. Rows: by member (in the order of the latest year's member
list, then members of earlier years only), then by year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.errors import UsageError

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.year import YearData


def day_text(day: dt.date) -> str:
    """A date as people write it in a sentence: ``30/12/2020``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@dataclass(frozen=True)
class YearStatus:
    """Where a year stands, from ``trang_thai`` and the last event of its seal file.

    ``sealed``: the last closing, when the year is closed and its seal's last event is a
    closing. ``reopened``: the last reopening, when the year is in progress and its seal's
    last event is a reopening. A seal that disagrees with ``trang_thai`` is a data problem
    (``thidua check``); the status then follows ``trang_thai`` alone.
    """

    year: int
    closed: bool
    sealed: m.SealEvent | None = None
    reopened: m.SealEvent | None = None

    @classmethod
    def of(cls, data: YearData) -> YearStatus:
        closed = data.cluster.state is m.YearState.CLOSED
        last = data.seal.last if data.seal is not None else None
        if last is None:
            return cls(data.year, closed)
        if closed:
            return cls(data.year, True, sealed=last if last.action is m.SealAction.CLOSE else None)
        return cls(data.year, False, reopened=last if last.action is m.SealAction.REOPEN else None)

    def sentence(self) -> str:
        """``Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối)``, without a final stop."""
        if self.sealed is not None:
            return (
                f"Năm {self.year} đã khóa sổ ngày {day_text(self.sealed.date)} ({self.sealed.by})"
            )
        if self.closed:
            return f"Năm {self.year} đã kết thúc nhưng chưa khóa sổ"
        if self.reopened is not None:
            return (
                f"Năm {self.year} đã mở lại ngày {day_text(self.reopened.date)} "
                f"({self.reopened.by}) — lý do: {' '.join((self.reopened.reason or '').split())}"
            )
        return f"Năm {self.year} đang diễn ra"

    def line(self) -> str:
        """:meth:`sentence` ended by a full stop, unless the reason already ends one."""
        text = self.sentence()
        return text if text.endswith((".", "!", "?", "…")) else text + "."


@dataclass(frozen=True)
class HistoryRow:
    year: int
    member: str  # id
    short_name: str  # as in the latest year the member appears in
    rank: int
    shared: bool
    total: Fraction
    leading: bool
    eligible: bool
    awards: tuple[str, ...]


@dataclass(frozen=True)
class History:
    rows: tuple[HistoryRow, ...]
    years: tuple[int, ...]  # closed years, oldest first
    in_progress: tuple[int, ...]  # years left out
    statuses: tuple[YearStatus, ...] = ()  # every year, oldest first

    def status(self, year: int) -> YearStatus:
        found = next((s for s in self.statuses if s.year == year), None)
        return found if found is not None else YearStatus(year, year not in self.in_progress)

    def notes(self) -> list[str]:
        """Each closed year's seal, then each year in progress: its reopening if it was
        reopened, and why it is left out."""
        out = [self.status(year).line() for year in self.years]
        for year in self.in_progress:
            if self.status(year).reopened is not None:
                out.append(self.status(year).line())
            out.append(
                f"Năm {year} đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào "
                f"(xem kết quả tạm tính bằng: thidua rank {year})."
            )
        if not self.years:
            out.append("Chưa có năm nào đã kết thúc trong dữ liệu.")
        return out


def build(
    results: list[YearResult],
    in_progress: list[int],
    unit: str | None,
    statuses: list[YearStatus] | None = None,
) -> History:
    """The history of ``unit`` (a member id; every member when None) from closed years.

    ``statuses``: those of the years in progress (the closed years' come from ``results``).
    """
    results = sorted(results, key=lambda r: r.data.year)
    names: dict[str, str] = {}
    order: list[str] = []
    for result in reversed(results):
        for member in result.data.cluster.members:
            names.setdefault(member.id, member.short_name)
            if member.id not in order:
                order.append(member.id)
    chosen = order
    if unit is not None:
        match = next((i for i in order if i == unit), None) or next(
            (i for i in order if i.lower() == unit.lower()), None
        )
        if match is None:
            years = ", ".join(str(r.data.year) for r in results) or "không có năm nào"
            raise UsageError(
                f'không có đơn vị "{unit}" trong kết quả các năm đã kết thúc ({years}); '
                f"các mã có: {', '.join(order) or 'không có'}"
            )
        chosen = [match]
    rows: list[HistoryRow] = []
    for mid in chosen:
        for result in results:
            row = next((r for r in result.rows if r.member.id == mid), None)
            if row is None:
                continue
            rows.append(
                HistoryRow(
                    year=result.data.year,
                    member=mid,
                    short_name=names[mid],
                    rank=row.rank,
                    shared=row.shared,
                    total=row.score.total_exact,
                    leading=row.leading,
                    eligible=row.eligible,
                    awards=row.awards,
                )
            )
    every = [YearStatus.of(r.data) for r in results]
    every += [s for s in statuses or [] if s.year in in_progress]
    return History(
        tuple(rows),
        tuple(r.data.year for r in results),
        tuple(sorted(in_progress)),
        tuple(sorted(every, key=lambda s: s.year)),
    )
