"""``thidua diff``: what changed in a year's data between two git revisions."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, run

__all__ = ["register"]


class DiffFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add ``diff`` to ``app``."""
    app.command("diff")(diff)


def diff(
    year: Annotated[int, typer.Argument(help="Năm cần so sánh, ví dụ 2020.", show_default=False)],
    rev_a: Annotated[
        str | None,
        typer.Argument(
            help="Phiên bản cũ: mã commit, nhánh, thẻ (mặc định HEAD).", show_default=False
        ),
    ] = None,
    rev_b: Annotated[
        str | None,
        typer.Argument(
            help="Phiên bản mới (mặc định: các tệp hiện có trong thư mục làm việc).",
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
    out_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="Cách in: text (mặc định) hoặc json."),
    ] = DiffFormat.TEXT,
) -> None:
    """So sánh dữ liệu một năm giữa hai phiên bản git: điểm, phiếu, hội nghị, thứ hạng."""
    from thidua.present import diff as diff_out
    from thidua.repo.diff import diff_year

    def action() -> None:
        # A revision git does not know is a wrong invocation: repo.git raises UsageError (2).
        result = diff_year(data, year, rev_a, rev_b)
        shown = diff_out.render_json if out_format is DiffFormat.JSON else diff_out.render_text
        text = shown(result)
        sys.stdout.write(text)

    run(action)
