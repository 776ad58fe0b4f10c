"""``thidua fmt``: rewrite the data files in the one layout (ruamel.yaml, imported inside
the command so that ``thidua --help`` and ``thidua check`` do not pay for it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, echo, print_problems, run

__all__ = ["register"]


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``fmt`` to ``app``."""
    app.command("fmt")(fmt)


def fmt(
    years: Annotated[
        list[int] | None,
        typer.Argument(
            help="Các năm cần định dạng (mặc định: mọi năm trong thư mục dữ liệu).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Không sửa gì; thoát với mã 1 và liệt kê các tệp cần định dạng lại.",
        ),
    ] = False,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Định dạng các tệp dữ liệu theo một cách thống nhất, giữ nguyên chú thích và giá trị."""
    from thidua.repo.atomic import ChangedMeanwhile, write_bytes_atomic

    def action() -> int:
        from thidua.repo.fmt_plan import plan

        result = plan(data, years or None)
        changed = [f for f in result.files if f.new is not None]
        left: list[str] = []  # files to format that were left alone
        for f in changed:
            if check:
                echo(f"Cần định dạng lại: {f.shown}")
                continue
            if f.read_only:
                echo(
                    f"Cảnh báo: {f.shown} chỉ cho phép đọc (không có quyền ghi); "
                    "fmt để nguyên tệp này.",
                    err=True,
                )
                left.append(f.shown)
                continue
            assert f.new is not None
            try:  # only if the file still holds what was formatted: never lose an edit
                write_bytes_atomic(f.path, f.new, expected=f.source, inside=data)
            except ChangedMeanwhile as exc:
                echo(f"Lỗi: {exc.message}", err=True)
                left.append(f.shown)
                continue
            echo(f"Đã định dạng: {f.shown}")
        if result.problems:
            print_problems(result.problems)
            echo("Không định dạng các tệp có lỗi: " + ", ".join(result.skipped) + ".", err=True)
        if result.with_errors:  # the errors themselves are check's to print, once
            echo(
                "Bỏ qua các tệp có lỗi (chưa định dạng): "
                + ", ".join(result.with_errors)
                + "; xem lỗi bằng lệnh: thidua check",
                err=True,
            )
        same = len(result.files) - len(changed)
        if check and changed:
            echo(f"{len(changed)} tệp cần định dạng lại; hãy chạy: thidua fmt")
        elif changed:
            done = len(changed) - len(left)
            echo(f"Đã định dạng lại {done} tệp; {same} tệp đã đúng định dạng.")
            if left:
                echo(f"Chưa định dạng {len(left)} tệp: {', '.join(left)}.", err=True)
        elif result.problems or result.with_errors:
            echo(f"Các tệp còn lại đã đúng định dạng ({same} tệp).")
        else:
            echo(f"Mọi tệp đã đúng định dạng ({same} tệp).")
        failed = result.problems or result.with_errors or left or (check and changed)
        return 1 if failed else 0

    _exit(run(action))
