"""``thidua verify FILE``: was this document made from the data as it is now?

Thin: :func:`thidua.repo.verify.verify_file` reads the document's fingerprint back and
compares it with the data; :func:`thidua.present.fingerprint.verdict_text` words the answer.
Exit codes: 0 made from the data as it is now, 1 made from an earlier state, 2 not a
document thidua made (or a wrong call: no such file).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from thidua.cli.common import DEFAULT_DATA, DataDir, run

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``verify`` to ``app``."""
    app.command("verify")(verify)


def verify(
    file: Annotated[
        Path,
        typer.Argument(
            help="Văn bản cần kiểm tra (.md, .html, .docx hoặc .xlsx do thidua lập).",
            show_default=False,
        ),
    ],
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Kiểm tra một văn bản do thidua lập có khớp với dữ liệu hiện tại không.

    Mã thoát: 0 văn bản lập từ dữ liệu hiện tại; 1 lập từ dữ liệu trước đây (kèm những
    thay đổi từ đó, nếu biết); 2 không phải văn bản do thidua lập.
    """
    from thidua.present.fingerprint import verdict_text
    from thidua.repo.verify import verify_file

    def action() -> int:
        verdict = verify_file(file, data)
        sys.stdout.write(verdict_text(verdict))
        return verdict.outcome.value

    code = run(action)
    if code:
        raise typer.Exit(code)
