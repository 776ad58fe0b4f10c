"""The scalars users write in the data files, as text, turned into exact values. No I/O.

The YAML reader gives every scalar as ``str`` (or ``None``); these parsers make of it an
exact :class:`~decimal.Decimal`, an :class:`int` from digits only (ASCII ``0``-``9``, at
most ``MAX_DIGITS`` of them in any number), a :class:`~fractions.Fraction` for thresholds
("50%", "2/3"), a date written ``2020-12-30`` or ``30/12/2020``, a time or a flag. A
refusal is a :class:`~pydantic_core.PydanticCustomError` with a Vietnamese message, so that
:mod:`thidua.models` (the only user) reports it at the value's position.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from fractions import Fraction

from pydantic_core import PydanticCustomError

__all__ = [
    "ID_PATTERN",
    "MAX_DIGITS",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_share",
    "parse_time",
]

# Only ASCII digits are digits: `\d` would also take "١٥" or "１５", which int() and
# Decimal() accept.
_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_OTHER_DIGITS = re.compile(r"[+-]?\d+([.,]\d+)?")  # a number in any script, for a hint
_INT = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
# "8h30" and "8g30" (giờ) are both common office spellings of 08:30.
_TIME = re.compile(r"([0-9]{1,2})[:hg]([0-9]{2})")
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*%")
_RATIO = re.compile(r"([0-9]+)\s*/\s*([0-9]+)")
# Digits a number may have, leading zeros of its whole part not counted: scores, counts
# and shares need a handful; the bound keeps every sum, comparison and rendering of a
# value cheap (a million-digit score made `rank` take minutes) and magnitudes sane
# (below 10^30, and no finer than 10^-30).
MAX_DIGITS = 30
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _err(message: str) -> PydanticCustomError:
    # No context is passed, so braces in the message are shown as written.
    return PydanticCustomError("thidua", message)


def _show(value: object) -> str:
    if isinstance(value, str):
        # A value may be 32,767 characters long; a message shows its start.
        return f'"{value[:57]}…"' if len(value) > 60 else f'"{value}"'
    if value is None:
        return "giá trị trống"
    return "một danh sách" if isinstance(value, list) else "một bảng các khóa"


def parse_decimal(value: object) -> Decimal:
    """Exact decimal from the text of a number: ``9.5``, ``-2``, ``10``."""
    if isinstance(value, str):
        return _decimal_text(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise _err(f"cần một số (ví dụ 9.5), nhưng gặp {_show(value)}")


# Texts of numbers repeat (a large year has 100,000 scores, mostly a few dozen distinct
# values); a Decimal is immutable, so one object can serve them all. Errors are not cached.
@functools.lru_cache(maxsize=4096)
def _decimal_text(value: str) -> Decimal:
    text = value.strip()
    if _DECIMAL.fullmatch(text):
        _check_digits(value, text)
        return Decimal(text)
    _check_number_like(value, text)
    raise _err(f"cần một số (ví dụ 9.5), nhưng gặp {_show(value)}")


def _check_digits(value: str, text: str) -> None:
    """Refuse ``text`` (a match of ``_DECIMAL`` or ``_INT``) with over MAX_DIGITS digits."""
    if len(text) <= MAX_DIGITS:  # the common case: cannot have too many
        return
    whole, _, fraction = text.lstrip("+-").partition(".")
    count = len(whole.lstrip("0")) + len(fraction)
    if count > MAX_DIGITS:
        raise _err(
            f"số {_show(value)} có {count} chữ số, quá mức tối đa {MAX_DIGITS} chữ số "
            "(không kể các số 0 ở đầu); hãy kiểm tra lại số này"
        )


def _check_number_like(value: str, text: str) -> None:
    """Explain why ``text``, which is no number, looks like one: decimal comma, digits."""
    if _DECIMAL_COMMA.fullmatch(text):
        raise _err(
            f"{_show(value)} không phải là số: hãy dùng dấu chấm thập phân, "
            f"ví dụ {text.replace(',', '.')}"
        )
    if _OTHER_DIGITS.fullmatch(text):
        raise _err(
            f"{_show(value)} không phải là số: chỉ dùng các chữ số 0–9 thông thường "
            "(không dùng chữ số toàn độ rộng hay chữ số của chữ viết khác); hãy gõ lại "
            "số này bằng bàn phím"
        )


def parse_int(value: object) -> int:
    """A non-negative whole number written in (ASCII) digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _INT.fullmatch(text):
            _check_digits(value, text)
            return int(text)
        if not text.isascii() and _OTHER_DIGITS.fullmatch(text):
            _check_number_like(value, text)
    raise _err(f"cần một số nguyên không âm (ví dụ 7), nhưng gặp {_show(value)}")


def parse_date(value: object) -> dt.date:
    """A date as ``2020-12-30`` or, as Vietnamese write it, ``30/12/2020``."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if m := _ISO_DATE.fullmatch(text):
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            if m := _VN_DATE.fullmatch(text):
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            raise _err(f"ngày {_show(value)} không có thật trên lịch") from None
    raise _err(f"cần một ngày dạng 2020-12-30 hoặc 30/12/2020, nhưng gặp {_show(value)}")


def parse_time(value: object) -> dt.time:
    """A time of day as ``08:00``, ``8h00`` or ``8g00``."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and (m := _TIME.fullmatch(value.strip())):
        hour, minute = int(m[1]), int(m[2])
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise _err(f"cần một giờ dạng 08:00, 8h00 hoặc 8g00, nhưng gặp {_show(value)}")


def parse_share(value: object) -> Fraction:
    """A share as a percentage (``50%``, ``66.67%``) or a ratio (``2/3``), in [0, 1]."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        text = value.strip()
        share: Fraction | None = None
        if m := _PERCENT.fullmatch(text):
            _check_digits(value, m[1])
            share = Fraction(Decimal(m[1])) / 100
        elif m := _RATIO.fullmatch(text):
            _check_digits(value, m[1])
            _check_digits(value, m[2])
            if int(m[2]) > 0:
                share = Fraction(int(m[1]), int(m[2]))
        if share is not None and 0 <= share <= 1:
            return share
    raise _err(f'cần một tỷ lệ từ 0% đến 100%, ví dụ "50%" hoặc "2/3", nhưng gặp {_show(value)}')


def parse_bool(value: object) -> bool:
    """Only ``true``/``false``: YAML 1.1's ``yes``/``no``/``on``/``off`` are refused."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _err(f"cần true hoặc false, nhưng gặp {_show(value)}")
