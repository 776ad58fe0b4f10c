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

import csv
import io
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.errors import DataError, UsageError
from thidua.vnformat import number

if TYPE_CHECKING:
    from thidua.ranking import YearResult

__all__ = ["History", "HistoryRow", "build", "load", "render_csv", "render_json", "render_table"]


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


def load(data_dir: Path, unit: str | None) -> History:
    """Read every year of ``data_dir``, rank the closed ones, and build the history."""
    from thidua.loader import available_years, load_year
    from thidua.ranking import rank_year

    results: list[YearResult] = []
    in_progress: list[int] = []
    for year in available_years(data_dir):
        data, problems = load_year(data_dir, year)
        if data is not None and data.cluster.state is m.YearState.IN_PROGRESS:
            in_progress.append(year)
            continue
        if data is None or any(p.is_error for p in problems):
            raise DataError(problems)
        results.append(rank_year(data))
    return build(results, in_progress, unit)


# --------------------------------------------------------------------------- output


def _rank(row: HistoryRow) -> str:
    return f"{row.rank} (đồng hạng)" if row.shared else str(row.rank)


def _outcome(row: HistoryRow) -> str:
    parts: list[str] = []
    if row.leading:
        parts.append("dẫn đầu")
    parts += row.awards
    if not row.eligible:
        parts.append("không xét khen thưởng")
    return "; ".join(parts)


def render_table(history: History, width: int = 160) -> str:
    """A table for people: one line per member and year, then the notes."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    lines = ["Lịch sử thi đua các năm " + ", ".join(str(y) for y in history.years)]
    if history.rows:
        table = Table()
        table.add_column("Mã")
        table.add_column("Đơn vị")
        table.add_column("Năm", justify="right")
        table.add_column("Hạng", justify="right")
        table.add_column("Điểm", justify="right")
        table.add_column("Kết quả")
        previous = None
        for row in history.rows:
            first = row.member != previous
            previous = row.member
            cells = [
                row.member if first else "",
                row.short_name if first else "",
                str(row.year),
                _rank(row),
                number(row.total, 2),
                _outcome(row),
            ]
            table.add_row(*(Text(c) for c in cells))
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            width=width,
            force_terminal=False,
            color_system=None,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
        )
        console.print(table)
        lines += [line.rstrip() for line in buffer.getvalue().splitlines()]
    lines += history.notes()
    return "\n".join(lines) + "\n"


def render_json(history: History) -> str:
    """For programs: exact totals as decimal strings, fixed key order."""
    from thidua.rankview import plain

    doc = {
        "nam": list(history.years),
        "nam_dang_dien_ra": list(history.in_progress),
        "ket_qua": [
            {
                "nam": row.year,
                "ma": row.member,
                "ten_ngan": row.short_name,
                "hang": row.rank,
                "dong_hang": row.shared,
                "diem": plain(row.total),
                "dan_dau": row.leading,
                "du_dieu_kien": row.eligible,
                "khen_thuong": list(row.awards),
            }
            for row in history.rows
        ],
        "ghi_chu": history.notes(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_csv(history: History) -> str:
    """One line per member and year; exact totals with a decimal point.

    Text cells go through :func:`~thidua.textsafe.csv_cell`, so that a name a spreadsheet
    would take for a formula (``=…``, ``@…``) is shown as text; numbers stay numbers.
    """
    from thidua.rankview import plain
    from thidua.textsafe import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["nam", "ma", "ten_ngan", "hang", "dong_hang", "diem", "dan_dau", "khen_thuong"]
    )
    for row in history.rows:
        writer.writerow(
            [
                row.year,
                csv_cell(row.member),
                csv_cell(row.short_name),
                row.rank,
                "true" if row.shared else "false",
                plain(row.total),
                "true" if row.leading else "false",
                csv_cell("; ".join(row.awards)),
            ]
        )
    return buffer.getvalue()
