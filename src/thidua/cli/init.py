"""``thidua init``: a new data repository with a first year to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import echo, run, source_date_epoch

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``init`` to ``app``."""
    app.command("init")(init)


def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Thư mục của kho dữ liệu mới (chưa có, hoặc còn trống).", show_default=False
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Năm đầu tiên (mặc định: năm nay, hoặc năm của SOURCE_DATE_EPOCH).",
            show_default=False,
        ),
    ] = None,
    members: Annotated[
        list[str] | None,
        typer.Option(
            "--don-vi",
            "-t",
            metavar="MÃ:TÊN",
            help=(
                "Một đơn vị thành viên: mã và tên đầy đủ, ví dụ "
                '"NHNN:Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình"; ghi mỗi đơn vị '
                "một lần. Mỗi đơn vị được ghi vào khoi.yaml và có sẵn một tệp điểm."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Tạo kho dữ liệu cho một Khối mới: git, mẫu tệp năm đầu, README, móc pre-commit, lược đồ."""
    from thidua.repo.scaffold import init as create
    from thidua.repo.scaffold import init_year, parse_members

    def action() -> None:
        listed = parse_members(members or [])
        epoch = source_date_epoch()
        chosen = year if year is not None else init_year(epoch)
        for line in create(folder, chosen, listed):
            echo(line)

    run(action)
