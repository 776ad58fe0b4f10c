"""``thidua rank`` and ``thidua explain``: the ranking of a year and how one member got there.

Thin: load the year (problems stop them with the messages of ``thidua check``), call
:func:`thidua.compute.ranking.rank_year`, and print one of the renderings of
:mod:`thidua.present.rankview` (pure functions returning strings).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, echo, member_code, print_problems, run, write
from thidua.compute.ranking import rank_year
from thidua.errors import ThiduaError, UsageError
from thidua.present import rankview
from thidua.present.explain import render_explain, render_explain_json
from thidua.present.rankview import PIPE_WIDTH, render_table
from thidua.repo.years import open_year_or_raise

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.year import YearData

__all__ = ["ExplainFormat", "RankFormat", "explain", "rank", "register"]


class ExplainFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"


class RankFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


Year = Annotated[int, typer.Argument(help="Năm cần xếp hạng, ví dụ 2020.", show_default=False)]


def register(app: typer.Typer) -> None:
    """Add ``rank`` and ``explain`` to ``app``."""
    app.command("rank")(rank)
    app.command("explain")(explain)


def _load(data_dir: Path, year: int) -> YearData:
    data, warnings = open_year_or_raise(data_dir, year)
    if warnings:
        print_problems(warnings)
    return data


def rank(
    year: Year,
    data: DataDir = Path(DEFAULT_DATA),
    fmt: Annotated[
        RankFormat,
        typer.Option(
            "--format",
            "-f",
            help="Cách in: table (bảng, mặc định), json, csv hoặc markdown.",
        ),
    ] = RankFormat.TABLE,
) -> None:
    """Xếp hạng thi đua một năm: điểm, phiếu, đơn vị dẫn đầu, khen thưởng, Trưởng khối."""

    def action() -> None:
        result = rank_year(_load(data, year))
        if fmt is RankFormat.TABLE:
            _print_table(result)
        elif fmt is RankFormat.JSON:
            write(rankview.render_json(result))
        elif fmt is RankFormat.CSV:
            write(rankview.render_csv(result))
        else:
            write(rankview.render_markdown(result))

    run(action)


def explain(
    year: Annotated[int, typer.Argument(help="Năm của dữ liệu, ví dụ 2020.", show_default=False)],
    unit: Annotated[
        str, typer.Argument(help="Mã đơn vị thành viên, ví dụ NHNN.", show_default=False)
    ],
    data: DataDir = Path(DEFAULT_DATA),
    fmt: Annotated[
        ExplainFormat,
        typer.Option(
            "--format",
            "-f",
            help="Cách in: text (lời giải thích, mặc định) hoặc json (từng dòng điểm là dữ liệu).",
        ),
    ] = ExplainFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Ghi ra tệp này thay vì in ra màn hình.", show_default=False
        ),
    ] = None,
) -> None:
    """Giải thích từng dòng điểm của một đơn vị, số phiếu và vì sao đơn vị đứng ở thứ hạng đó."""

    def action() -> None:
        loaded = _load(data, year)
        chosen = member_code(loaded, unit)
        result = rank_year(loaded)
        shown = render_explain if fmt is ExplainFormat.TEXT else render_explain_json
        text = shown(result, chosen)
        if output is None:
            write(text)
            return
        if output.is_dir() or not output.parent.is_dir():
            raise UsageError(f"không ghi được {output}: cần tên một tệp trong thư mục đã có")
        from thidua.repo.atomic import write_bytes_atomic

        try:
            write_bytes_atomic(output, text.encode("utf-8"))
        except OSError as exc:
            raise ThiduaError(f"không ghi được {output}: {exc.strerror or exc}") from None
        echo(f"Đã ghi {output}")

    run(action)


def _print_table(result: YearResult) -> None:
    import shutil
    import sys

    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns if tty else PIPE_WIDTH
    write(render_table(result, width))
