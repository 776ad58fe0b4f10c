"""``thidua new-year``: start next year's folder from a closed year."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, echo, run
from thidua.errors import UsageError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``new-year`` to ``app``."""
    app.command("new-year")(new_year)


def new_year(
    year: Annotated[int, typer.Argument(help="Năm mới cần tạo, ví dụ 2021.", show_default=False)],
    prev: Annotated[
        int | None,
        typer.Option(
            "--from",
            help="Năm lấy dữ liệu (mặc định: năm liền trước).",
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Bắt đầu năm mới: chép thành viên, quy chế, bảng tiêu chí, người ký và nơi nhận văn bản;
    chọn Trưởng, Phó khối."""
    from thidua.read.load import display_path
    from thidua.repo.atomic import create_dir_atomic
    from thidua.repo.newyear import build, check_folder

    def exists(folder: Path) -> UsageError:
        # Naming a year that exists is a wrong invocation (README: exit code 2).
        return UsageError(
            f"đã có thư mục năm {year} ({display_path(folder)}); new-year không ghi "
            "đè một năm đã có — hãy xóa hoặc đổi tên thư mục đó nếu muốn tạo lại"
        )

    def action() -> None:
        if (data / str(year)).exists():
            raise exists(data / str(year))
        plan = build(data, year, prev)
        try:
            create_dir_atomic(plan.folder, plan.files, check_folder(year))
        except FileExistsError:
            raise exists(plan.folder) from None
        for line in plan.report:
            echo(line)

    run(action)
