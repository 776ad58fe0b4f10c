"""The output of ``thidua history``: a table, JSON or CSV of a :class:`History`.

Each year's seal (closed on a date by whom, closed without a seal, reopened with a reason,
in progress) is a line under the table, ``tinh_trang`` in JSON (and ``khoa_so`` on each
row), and the ``khoa_so_ngay`` / ``khoa_so_nguoi`` columns of CSV.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from thidua.compute.history import History, HistoryRow, YearStatus
from thidua.numbers import plain, points
from thidua.present.textsafe import csv_cell

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
                points(row.total),
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


def _sealed_json(status: YearStatus) -> dict[str, Any] | None:
    event = status.sealed
    return None if event is None else {"ngay": event.date.isoformat(), "nguoi": event.by}


def _status_json(status: YearStatus) -> dict[str, Any]:
    event = status.reopened
    return {
        "nam": status.year,
        "trang_thai": "da_ket_thuc" if status.closed else "dang_dien_ra",
        "khoa_so": _sealed_json(status),
        "mo_lai": None
        if event is None
        else {"ngay": event.date.isoformat(), "nguoi": event.by, "ly_do": event.reason},
        "ghi_chu": status.line(),
    }


def render_json(history: History) -> str:
    """For programs: exact totals as decimal strings, fixed key order."""

    doc = {
        "nam": list(history.years),
        "nam_dang_dien_ra": list(history.in_progress),
        "tinh_trang": [_status_json(s) for s in history.statuses],
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
                "khoa_so": _sealed_json(history.status(row.year)),
            }
            for row in history.rows
        ],
        "ghi_chu": history.notes(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_csv(history: History) -> str:
    """One line per member and year; exact totals with a decimal point.

    Text cells go through :func:`~thidua.present.textsafe.csv_cell`, so that a name a
    spreadsheet would take for a formula (``=…``, ``@…``) is shown as text; numbers stay
    numbers. ``khoa_so_ngay`` (``2020-12-30``) and ``khoa_so_nguoi``: the year's seal, empty
    when the year was closed without one.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "nam",
            "ma",
            "ten_ngan",
            "hang",
            "dong_hang",
            "diem",
            "dan_dau",
            "khen_thuong",
            "khoa_so_ngay",
            "khoa_so_nguoi",
        ]
    )
    for row in history.rows:
        sealed = history.status(row.year).sealed
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
                sealed.date.isoformat() if sealed is not None else "",
                csv_cell(sealed.by) if sealed is not None else "",
            ]
        )
    return buffer.getvalue()
