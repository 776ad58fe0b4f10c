"""Read the tables of the Excel score summary by their headers, wherever the title rows
put them: the header row is the row the sheet repeats on every printed page."""

from __future__ import annotations

import re
from typing import Any


def header_row(ws: Any) -> int:
    """The row of the table's header (the sheet's print title row)."""
    match = re.fullmatch(r"\$?(\d+):\$?(\d+)", ws.print_title_rows or "")
    assert match is not None and match.group(1) == match.group(2), ws.print_title_rows
    return int(match.group(1))


def table(ws: Any) -> list[dict[str, Any]]:
    """The table's rows as {header: value}."""
    head = header_row(ws)
    headers = [c.value for c in ws[head]]
    return [
        dict(zip(headers, row, strict=True))
        for row in ws.iter_rows(min_row=head + 1, values_only=True)
    ]


def column(ws: Any, header: str) -> str:
    """The letter of the column headed ``header``."""
    for cell in ws[header_row(ws)]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(header)
