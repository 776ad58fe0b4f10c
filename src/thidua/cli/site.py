"""``thidua site [NĂM…] -o THƯ_MỤC``: the cluster's results as a static website.

Thin: the years are opened, ranked and written by :func:`thidua.repo.site.build_site`
(imported inside the command: the site loads the templates, Word, Excel and the charts'
plotting library, which no other command needs). Problems in the data stop it with the
messages of ``thidua check`` (exit 1) and nothing is written; warnings are printed and the
site is written. Documents a year cannot make yet are named, and the site is written without
them (exit 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, echo, print_problems, run, source_date_epoch

__all__ = ["register", "site"]


def register(app: typer.Typer) -> None:
    """Add ``site`` to ``app``."""
    app.command("site")(site)


def site(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=(
                "Thư mục để ghi trang web (tạo mới, hoặc thay trang web đã lập trước đó trong "
                "thư mục này; một thư mục có tệp khác bị từ chối)."
            ),
            show_default=False,
        ),
    ],
    years: Annotated[
        list[int] | None,
        typer.Argument(
            help="Các năm đưa lên trang web (mặc định: mọi năm trong thư mục dữ liệu).",
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Lập trang web tĩnh công khai kết quả thi đua của Khối: các năm, bảng xếp hạng, điểm
    từng đơn vị, kết quả bỏ phiếu, biểu đồ và văn bản để tải về.

    Trang web là một thư mục các tệp HTML, mở thẳng bằng trình duyệt (không cần máy chủ,
    không cần mạng), chép được lên mạng nội bộ hay thư mục dùng chung.
    """
    run(lambda: _site(years, output, data))


def _site(years: list[int] | None, output: Path, data_dir: Path) -> None:
    from thidua.repo.site import build_site

    epoch = source_date_epoch()
    report = build_site(data_dir, years, output, epoch=epoch)
    if report.warnings:
        print_problems(report.warnings)
    for line in report.skipped:
        echo(f"Chưa lập được: {line}", err=True)
    shown = ", ".join(str(y) for y in report.years)
    echo(
        f"Đã ghi trang web năm {shown} vào {output}: {report.pages} trang, "
        f"{report.documents} văn bản để tải về."
    )
