"""The ``thidua`` command: parse options, call the core, print, map errors to exit codes.

Thin on purpose. ``check`` lives here; every other command lives in a module of
:mod:`thidua.cli` named after it (``rank``, ``render``, ``fmt``, ``diff``, ``newyear``,
``history``, ``init``, ``schema``, ``sheet``, ``verify``, ``close``) that registers itself
on :data:`app`. A command module other than ``rank`` imports its implementation
(``repo/``, ``present/``) inside the command function, the one place where imports are not
at module level: every command module is loaded to register it, and a command should pay
only for its own work (``thidua rank`` loads no Word, Excel, git or template code).

Exit codes: 0 success, 1 problems in the data (or a failed operation), 2 wrong usage.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

# Pydantic looks for third-party plugins by scanning the metadata of every installed
# distribution the first time a model is built (about 20 ms, more in a crowded
# environment). thidua's models need none; a user can still opt in by setting the
# variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from thidua import __version__
from thidua.cli import (
    close,
    diff,
    fmt,
    history,
    init,
    newyear,
    rank,
    render,
    schema,
    sheet,
    site,
    verify,
)
from thidua.cli.common import (
    DEFAULT_DATA,
    DataDir,
    ProblemFormat,
    Strict,
    echo,
    print_problems,
    run,
    stdout_utf8,
)
from thidua.cli.locale import VietnameseGroup
from thidua.repo.summary import check_years

app = typer.Typer(
    name="thidua",
    cls=VietnameseGroup,
    help=(
        "Chấm điểm, kiểm phiếu, xếp hạng thi đua và lập văn bản hội nghị tổng kết "
        "của Khối thi đua, từ các tệp YAML trong thư mục dữ liệu."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        echo(f"thidua {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="In số phiên bản của thidua rồi thoát.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    # Options of the program itself; the help text is the app's.
    pass


@app.command()
def check(
    years: Annotated[
        list[int] | None,
        typer.Argument(
            help="Các năm cần kiểm tra (mặc định: mọi năm trong thư mục dữ liệu).",
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
    strict: Strict = False,
    fmt: Annotated[
        ProblemFormat,
        typer.Option("--format", "-f", help="Cách in các vấn đề: text (mặc định) hoặc json."),
    ] = ProblemFormat.TEXT,
) -> None:
    """Kiểm tra dữ liệu: cú pháp, kiểu, mã đơn vị và tiêu chí, giới hạn điểm, số phiếu."""

    def action() -> int:
        problems, summaries = check_years(data, years or None)
        failed = any(p.is_error for p in problems) or (strict and bool(problems))
        if fmt is ProblemFormat.JSON:
            print_problems(problems, fmt)
        else:
            print_problems(problems)
            if not failed:
                for line in summaries:
                    echo(line)
        return 1 if failed else 0

    code = run(action, fmt)
    if code:
        raise typer.Exit(code)


# Each module adds its commands to ``app``; importing them must stay cheap.
for _module in (
    rank,
    render,
    fmt,
    diff,
    newyear,
    history,
    init,
    schema,
    sheet,
    verify,
    close,
    site,
):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    stdout_utf8()
    app()
