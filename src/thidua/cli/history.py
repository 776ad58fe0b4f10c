"""``thidua history``: ranks, totals and awards of the members across the closed years."""

from __future__ import annotations

import dataclasses
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, choose_code, run

__all__ = ["register"]


class HistoryFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    """Add ``history`` to ``app``."""
    app.command("history")(history)


def history(
    unit: Annotated[
        str | None,
        typer.Argument(
            help="Mã một đơn vị, ví dụ NHNN (mặc định: mọi đơn vị).", show_default=False
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
    out_format: Annotated[
        HistoryFormat,
        typer.Option("--format", "-f", help="Cách in: table (bảng, mặc định), json hoặc csv."),
    ] = HistoryFormat.TABLE,
) -> None:
    """Thứ hạng, điểm và khen thưởng của các đơn vị qua các năm đã kết thúc."""
    from thidua.present import history as history_out
    from thidua.repo.history import load as load_history

    def action() -> None:
        result = load_history(data, None)
        if unit is not None:
            # The members of the closed years, in the history's order (latest year first).
            codes = list(dict.fromkeys(row.member for row in result.rows))
            years = ", ".join(str(y) for y in result.years) or "không có năm nào"
            code = choose_code(unit, codes, f"trong kết quả các năm đã kết thúc ({years})")
            rows = tuple(row for row in result.rows if row.member == code)
            result = dataclasses.replace(result, rows=rows)
        if out_format is HistoryFormat.JSON:
            sys.stdout.write(history_out.render_json(result))
        elif out_format is HistoryFormat.CSV:
            sys.stdout.write(history_out.render_csv(result))
        else:
            sys.stdout.write(history_out.render_table(result))

    run(action)
