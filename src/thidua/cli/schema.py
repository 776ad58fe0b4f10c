"""``thidua schema``: the JSON Schemas of the data files, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import echo, run

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``schema`` to ``app``."""
    app.command("schema")(schema)


def schema(
    out: Annotated[
        Path,
        typer.Option("--output", "-o", help="Thư mục ghi các lược đồ (mặc định ./schema)."),
    ] = Path("schema"),
) -> None:
    """Ghi lược đồ JSON của từng loại tệp dữ liệu, để trình soạn thảo gợi ý và kiểm tra."""
    from thidua.read.load import display_path
    from thidua.repo.atomic import WriteError, write_text_atomic
    from thidua.repo.schema import render_all

    def action() -> None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError.from_os_error(out, exc, folder=True) from None
        texts = render_all()
        for name, text in texts.items():
            write_text_atomic(out / name, text)  # raises WriteError naming the file
        echo(f"Đã ghi {len(texts)} lược đồ vào {display_path(out)}: {', '.join(texts)}.")

    run(action)
