"""Each member's rank, final total and awards across the years (``thidua history [UNIT]``).

Only closed years (``trang_thai: da_ket_thuc``) count: a year in progress has no result
yet (its ranking is provisional and changes with every score entered), so it is left out
and named in a note; ``thidua rank YEAR`` shows its provisional ranking. A closed year
with errors stops the command with the messages of ``thidua check``; a year in progress
is skipped whatever its state of completion.

Members are matched across years by id (``ma``) and shown with the short name of the
latest year they appear in. Rows: by member (in the order of the latest year's member
list, then members of earlier years only), then by year.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua.errors import UsageError

if TYPE_CHECKING:
    from thidua.compute.results import YearResult


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

    def notes(self) -> list[str]:
        out: list[str] = []
        for year in self.in_progress:
            out.append(
                f"Năm {year} đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào "
                f"(xem kết quả tạm tính bằng: thidua rank {year})."
            )
        if not self.years:
            out.append("Chưa có năm nào đã kết thúc trong dữ liệu.")
        return out


def build(results: list[YearResult], in_progress: list[int], unit: str | None) -> History:
    """The history of ``unit`` (a member id; every member when None) from closed years."""
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
    return History(tuple(rows), tuple(r.data.year for r in results), tuple(sorted(in_progress)))
