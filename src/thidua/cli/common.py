"""Pieces shared by every command: options, printing, and the error-to-exit-code edge."""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from thidua.errors import DataError, Problem, ThiduaError, UsageError
from thidua.present.textsafe import terminal_safe

if TYPE_CHECKING:
    from thidua.year import YearData

DEFAULT_DATA = "data"
DATA_ENV = "THIDUA_DATA"
EPOCH_ENV = "SOURCE_DATE_EPOCH"

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


def write(text: str, *, err: bool = False) -> None:
    """Write ``text`` as it is; to a terminal, without the control characters that would
    move the cursor, recolour or reorder the screen (data may hold them, messages quote it).
    """
    stream = sys.stderr if err else sys.stdout
    if stream.isatty():
        text = terminal_safe(text)
    stream.write(text)


def echo(text: str = "", *, err: bool = False) -> None:
    """Print plain text (no markup interpretation), newline-terminated."""
    write(text + "\n", err=err)


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


def source_date_epoch() -> dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (UTC), or None when it is not set.

    Read here only, once per command, and passed down: below the CLI nothing looks at the
    environment for it. A value that is not a whole number of seconds since 1970 is a usage
    error (exit 2), whichever command reads it.
    """
    raw = os.environ.get(EPOCH_ENV, "").strip()
    if not raw:
        return None
    try:
        if not (raw.isascii() and raw.isdigit()):
            raise ValueError(raw)
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"biến môi trường {EPOCH_ENV} phải là số giây kể từ 01/01/1970 "
            f'(ví dụ {EPOCH_ENV}=1609286400), không phải "{raw}"'
        ) from None


def member_code(data: YearData, typed: str) -> str:
    """The member code of ``data``'s year that ``typed`` (a command-line argument) names.

    The one rule for unit codes on the command line: see :func:`choose_code`.
    """
    return choose_code(typed, data.member_ids, f"trong Khối năm {data.year}")


def choose_code(typed: str, codes: Sequence[str], where: str) -> str:
    """``typed`` as one of ``codes``: exactly, else ignoring letter case.

    Otherwise a usage error (exit 2) ``không có đơn vị "sct" <where> (có phải ý bạn là
    STC?); các mã có: …``, the suggestion as for unknown codes in the data.
    """
    from thidua.compute.suggest import did_you_mean  # keeps every command's start light

    if typed in codes:
        return typed
    folded = [code for code in codes if code.casefold() == typed.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UsageError(
        f'không có đơn vị "{typed}" {where}{did_you_mean(typed, codes)}; '
        f"các mã có: {', '.join(codes) or 'không có'}"
    )
