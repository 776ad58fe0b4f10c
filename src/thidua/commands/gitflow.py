"""Living in git: ``fmt``, ``diff``, ``new-year``, ``history``, ``init`` and ``schema``.

The functions here parse options, call the core modules (:mod:`thidua.fmt`,
:mod:`thidua.diffing`, :mod:`thidua.newyear`, :mod:`thidua.history`,
:mod:`thidua.scaffold`, :mod:`thidua.schema`) and write files, always atomically
(:mod:`thidua.atomic`). The core modules, ruamel.yaml and rich are imported inside the
command functions, so that ``thidua --help`` and ``thidua check`` do not pay for them.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from thidua.cliutil import DEFAULT_DATA, DataDir, echo, print_problems, run

__all__ = ["register"]


class DiffFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"


class HistoryFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("fmt")(fmt)
    app.command("diff")(diff)
    app.command("new-year")(new_year)
    app.command("history")(history)
    app.command("init")(init)
    app.command("schema")(schema)


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


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

    def action() -> int:
        from thidua.atomic import ChangedMeanwhile, write_bytes_atomic
        from thidua.fmt import plan

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
        same = len(result.files) - len(changed)
        if check and changed:
            echo(f"{len(changed)} tệp cần định dạng lại; hãy chạy: thidua fmt")
        elif changed:
            done = len(changed) - len(left)
            echo(f"Đã định dạng lại {done} tệp; {same} tệp đã đúng định dạng.")
            if left:
                echo(f"Chưa định dạng {len(left)} tệp: {', '.join(left)}.", err=True)
        else:
            echo(f"Mọi tệp đã đúng định dạng ({same} tệp).")
        return 1 if result.problems or left or (check and changed) else 0

    _exit(run(action))


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

    def action() -> None:
        from thidua.diffing import diff_year, render_json, render_text

        result = diff_year(data, year, rev_a, rev_b)
        text = render_json(result) if out_format is DiffFormat.JSON else render_text(result)
        sys.stdout.write(text)

    run(action)


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
    """Bắt đầu năm mới: chép thành viên, quy chế, bảng tiêu chí; chọn Trưởng, Phó khối."""

    def action() -> None:
        from thidua.atomic import create_dir_atomic
        from thidua.errors import ThiduaError
        from thidua.loader import display_path
        from thidua.newyear import build, check_folder

        plan = build(data, year, prev)
        try:
            create_dir_atomic(plan.folder, plan.files, check_folder(year))
        except FileExistsError:
            raise ThiduaError(
                f"đã có thư mục năm {year} ({display_path(plan.folder)}); new-year không ghi "
                "đè một năm đã có"
            ) from None
        for line in plan.report:
            echo(line)

    run(action)


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

    def action() -> None:
        from thidua import history as h

        result = h.load(data, unit)
        if out_format is HistoryFormat.JSON:
            sys.stdout.write(h.render_json(result))
        elif out_format is HistoryFormat.CSV:
            sys.stdout.write(h.render_csv(result))
        else:
            sys.stdout.write(h.render_table(result))

    run(action)


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
) -> None:
    """Tạo kho dữ liệu cho một Khối mới: git, mẫu tệp năm đầu, README, móc pre-commit, lược đồ."""

    def action() -> None:
        from thidua.scaffold import init as create

        for line in create(folder, year):
            echo(line)

    run(action)


def schema(
    out: Annotated[
        Path,
        typer.Option("--output", "-o", help="Thư mục ghi các lược đồ (mặc định ./schema)."),
    ] = Path("schema"),
) -> None:
    """Ghi lược đồ JSON của từng loại tệp dữ liệu, để trình soạn thảo gợi ý và kiểm tra."""

    def action() -> None:
        from thidua.atomic import WriteError, write_text_atomic
        from thidua.loader import display_path
        from thidua.schema import render_all

        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError.from_os_error(out, exc, folder=True) from None
        texts = render_all()
        for name, text in texts.items():
            write_text_atomic(out / name, text)  # raises WriteError naming the file
        echo(f"Đã ghi {len(texts)} lược đồ vào {display_path(out)}: {', '.join(texts)}.")

    run(action)
