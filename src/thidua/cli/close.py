"""``thidua close`` and ``thidua reopen``: seal a finished year, or open it again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, echo, print_problems, run, source_date_epoch

__all__ = ["register"]

By = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Ai thực hiện (mặc định: tên người dùng git, git config user.name).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``close`` and ``reopen`` to ``app``."""
    app.command("close")(close)
    app.command("reopen")(reopen)


def _today() -> dt.date:
    epoch = source_date_epoch()
    return epoch.date() if epoch is not None else dt.date.today()


def close(
    year: Annotated[int, typer.Argument(help="Năm cần khóa sổ, ví dụ 2020.", show_default=False)],
    by: By = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Khóa sổ một năm đã xong: ghi mã dữ liệu vào khoa-so.yaml, đặt năm đã kết thúc."""
    from thidua.repo.seal import CloseRefused, close_year

    def action() -> None:
        try:
            report = close_year(data, year, by, _today())
        except CloseRefused as exc:
            print_problems(exc.problems)
            echo(f"Lỗi: {exc.message}", err=True)
            raise typer.Exit(1) from None
        for line in report.lines:
            echo(line)

    run(action)


def reopen(
    year: Annotated[int, typer.Argument(help="Năm cần mở lại, ví dụ 2020.", show_default=False)],
    reason: Annotated[
        str,
        typer.Option("--ly-do", help="Lý do mở lại (bắt buộc), được ghi vào khoa-so.yaml."),
    ],
    by: By = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Mở lại một năm đã khóa sổ để sửa, ghi lý do vào khoa-so.yaml."""
    from thidua.repo.seal import reopen_year

    def action() -> None:
        for line in reopen_year(data, year, reason, by, _today()).lines:
            echo(line)

    run(action)
