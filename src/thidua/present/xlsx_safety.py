"""Excel safety shared by every workbook thidua writes or reads (issue 10).

Writing: :func:`put` writes text always as text, never as a formula, and refuses a text
longer than an Excel cell holds or holding a character XML cannot carry.

Reading a filled form: :func:`check_zip` refuses a broken package or a zip bomb from the
zip's directory (declared sizes, compression ratio, entry count) before inflating anything,
and then inflates every entry with a running bound. :class:`FormError` is the refusal of a
form (:mod:`thidua.present.form_read`).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

from thidua.errors import ThiduaError

__all__ = [
    "EXCEL_CELL_MAX",
    "EXCEL_CELL_TEXT",
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_UNZIPPED",
    "RATIO_FLOOR",
    "FormError",
    "cell_length",
    "check_zip",
    "put",
    "shown",
]

# A scoring form is a few kB: refuse zip bombs from the zip's directory, before inflating.
MAX_UNZIPPED = 50 * 1024 * 1024  # bytes, all entries together
MAX_ENTRIES = 2_000
MAX_RATIO = 200  # inflated / compressed size of an entry larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
EXCEL_CELL_MAX = 32_767  # characters an Excel cell holds
EXCEL_CELL_TEXT = "32.767"


class FormError(ThiduaError):
    """The form cannot be imported; ``faults`` are lines ``Điểm!D14: …`` (exit code 1)."""

    def __init__(self, faults: Sequence[str]) -> None:
        self.faults = tuple(faults)
        super().__init__("\n".join(self.faults))


def cell_length(text: str) -> int:
    """Characters as Excel counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def put(cell: Any, value: object, where: str) -> None:
    """Write ``value`` into ``cell``; text always as text, never as a formula.

    ``where`` names the data (``data/2021/diem/A.yaml:7:5``, ``đơn vị A, tiêu chí 1.2``)
    in the refusal of a text longer than an Excel cell holds.
    """
    if not isinstance(value, str):
        cell.value = value
        return
    from openpyxl.utils.exceptions import IllegalCharacterError

    n = cell_length(value)
    if n > EXCEL_CELL_MAX:
        raise ThiduaError(
            f"{where}: nội dung dài {n} ký tự, vượt giới hạn {EXCEL_CELL_TEXT} ký tự của một ô "
            "Excel; hãy rút gọn"
        )
    try:
        cell.value = value
    except IllegalCharacterError:
        raise ThiduaError(
            f"{where}: nội dung có ký tự điều khiển không ghi được vào ô Excel; hãy xóa ký tự đó"
        ) from None
    cell.data_type = "s"  # "=…", "+…", "@…" stay text: no live formula in any workbook


def check_zip(content: bytes, name: str) -> None:
    """Refuse a broken package or a zip bomb: sizes from the zip's directory first, then
    every entry inflated with a running bound (declared sizes can lie)."""
    too_big = FormError(
        [
            f"{name}: tệp quá lớn khi giải nén để là một biểu mẫu chấm điểm (tệp nén bất "
            "thường); hãy lập lại biểu mẫu bằng lệnh thidua sheet"
        ]
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise too_big
            if sum(info.file_size for info in infos) > MAX_UNZIPPED:
                raise too_big
            for info in infos:
                if info.file_size > max(RATIO_FLOOR, MAX_RATIO * info.compress_size):
                    raise too_big
            inflated = 0
            for info in infos:
                try:
                    with archive.open(info) as entry:
                        while chunk := entry.read(64 * 1024):
                            inflated += len(chunk)
                            if inflated > MAX_UNZIPPED:
                                raise too_big
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
                    raise FormError(
                        [f"{name}: tệp .xlsx bị hỏng (phần {info.filename} không đọc được)"]
                    ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise FormError(
            [
                f"{name}: không phải tệp Excel .xlsx (không mở được như một tệp nén zip); "
                "tệp .xls cũ hoặc tệp đặt mật khẩu mở cần được lưu lại thành .xlsx không "
                "mật khẩu"
            ]
        ) from None


def shown(text: str, limit: int = 60) -> str:
    """Cell text as a message quotes it: control characters as "?", cut to ``limit``."""
    text = "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"
