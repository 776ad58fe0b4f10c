"""Vietnamese display of numbers, percentages and dates. Pure functions, no I/O.

Conventions (Decree 30/2020/NĐ-CP practice, see docs/data-format.md):

- numbers use a decimal comma and a dot between thousands: ``1.000,5``; ``95,5``;
- a number is rounded half away from zero (``ROUND_HALF_UP``) to at most ``places``
  decimals, and trailing zeros are dropped unless ``fixed`` is set (``84,5`` not
  ``84,50``). Rounding happens here only, for display; computations stay exact;
- percentages take a space before the sign: ``85,7 %``;
- dates read ``ngày 05 tháng 3 năm 2020``: a day below 10 and the months 1 and 2 take a
  leading zero.

Values may be :class:`~decimal.Decimal`, :class:`~fractions.Fraction` or :class:`int`;
a Fraction such as 1/3 is rounded exactly (never through a float).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

Number = Decimal | Fraction | int

__all__ = ["Number", "date", "is_rounded", "number", "percent", "place_date", "round_half_up"]


def _ratio(value: Number) -> tuple[int, int]:
    """Exact (numerator, denominator > 0) of ``value``; fast for Decimal (C code)."""
    # Exact type tests first: isinstance(x, Fraction) goes through the numbers ABCs (slow).
    kind = type(value)
    if kind is Decimal or (kind is not Fraction and isinstance(value, Decimal)):
        assert isinstance(value, Decimal)
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return value.as_integer_ratio()
    if kind is Fraction or isinstance(value, Fraction):
        assert isinstance(value, Fraction)
        return value.numerator, value.denominator
    return int(value), 1


def _units(value: Number, places: int) -> tuple[bool, int, bool]:
    """(negative, |value| × 10^places rounded half up, whether that rounding was exact)."""
    if places < 0:
        raise ValueError("places must be >= 0")
    num, den = _ratio(value)
    scaled = abs(num) * 10**places
    units, rest = divmod(scaled, den)
    if 2 * rest >= den:
        units += 1
    return num < 0, units, rest == 0


def round_half_up(value: Number, places: int) -> Fraction:
    """``value`` rounded half away from zero to ``places`` decimals, exactly."""
    negative, units, _ = _units(value, places)
    return Fraction(-units if negative else units, 10**places)


def is_rounded(value: Number, places: int) -> bool:
    """True if showing ``value`` with ``places`` decimals changes it (show "≈")."""
    return not _units(value, places)[2]


def number(value: Number, places: int = 2, *, fixed: bool = False, approx: bool = False) -> str:
    """``1234.5`` → ``"1.234,5"``; ``Fraction(1, 3)`` → ``"0,33"``; ``-1`` → ``"-1"``.

    Rounded half up to at most ``places`` decimals; trailing zeros dropped unless
    ``fixed`` (then exactly ``places`` decimals). Never ``-0``. With ``approx``, a value
    changed by the rounding is preceded by "≈" (``"≈0,33"``).
    """
    negative, units, exact = _units(value, places)
    scale = 10**places
    whole, frac = divmod(units, scale)
    frac_text = str(frac).rjust(places, "0") if places else ""
    if not fixed:
        frac_text = frac_text.rstrip("0")
    text = f"{whole:,}".replace(",", ".")
    if frac_text:
        text += "," + frac_text
    if negative and units:
        text = "-" + text
    if approx and not exact:
        text = "≈" + text
    return text


def percent(share: Number, places: int = 1) -> str:
    """A share in [0, 1] as a Vietnamese percentage: ``Fraction(6, 7)`` → ``"85,7 %"``."""
    num, den = _ratio(share)
    return number(Fraction(num * 100, den), places) + " %"


def date(day: dt.date) -> str:
    """``ngày 05 tháng 3 năm 2020``, ``ngày 30 tháng 12 năm 2020``, ``ngày 01 tháng 02 năm 2021``.

    Day below 10 and months 1, 2 with a leading zero (Decree 30/2020/NĐ-CP).
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: dt.date) -> str:
    """The header line of a document: ``Hòa Bình, ngày 30 tháng 12 năm 2020``."""
    return f"{place}, {date(day)}"
