"""Pieces shared by every command: options, printing, and the error-to-exit-code edge."""

from __future__ import annotations

import enum
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from thidua.errors import DataError, Problem, ThiduaError

DEFAULT_DATA = "data"
DATA_ENV = "THIDUA_DATA"

DataDir = Annotated[
    Path,
    typer.Option(
        "--data",
        "-d",
        envvar=DATA_ENV,
        help=(
            f"Thư mục dữ liệu chứa các năm (mặc định ./{DEFAULT_DATA}, "
            f"hoặc biến môi trường {DATA_ENV})."
        ),
        show_default=False,
    ),
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Coi cảnh báo là lỗi (thoát với mã 1 nếu có cảnh báo).")
]


class ProblemFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"


T = TypeVar("T")


def stdout_utf8() -> None:
    # Windows consoles default to a legacy code page; Vietnamese must come through.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8", errors="replace")


def echo(text: str = "", *, err: bool = False) -> None:
    """Print plain text (no markup interpretation), newline-terminated."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")


def print_problems(problems: Iterable[Problem], fmt: ProblemFormat = ProblemFormat.TEXT) -> None:
    """Problems go to stderr as ``path:line:col: lỗi: message``, or JSON to stdout."""
    items = sorted(set(problems), key=Problem.sort_key)
    if fmt is ProblemFormat.JSON:
        echo(json.dumps([p.to_json() for p in items], ensure_ascii=False, indent=2))
        return
    for p in items:
        echo(str(p), err=True)
    errors = sum(1 for p in items if p.is_error)
    warnings = len(items) - errors
    if items:
        echo(f"Tổng cộng: {errors} lỗi, {warnings} cảnh báo.", err=True)


def run(action: Callable[[], T], fmt: ProblemFormat = ProblemFormat.TEXT) -> T:
    """Call ``action``; turn thidua's own errors into a message and an exit code."""
    try:
        return action()
    except DataError as exc:
        print_problems(exc.problems, fmt)
        raise typer.Exit(1) from None
    except ThiduaError as exc:
        echo(f"Lỗi: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        echo("Đã dừng theo yêu cầu.", err=True)
        raise typer.Exit(130) from None


def resolve_data(data: Path | None) -> Path:
    return data if data is not None else Path(os.environ.get(DATA_ENV) or DEFAULT_DATA)
