"""Vietnamese display of numbers, percentages and dates. Pure functions, no I/O.

Conventions (Decree 30/2020/NĐ-CP practice, see docs/data-format.md):

- numbers use a decimal comma and a dot between thousands: ``1.000,5``; ``95,5``;
- a number is rounded half away from zero (``ROUND_HALF_UP``) to at most ``places``
  decimals, and trailing zeros are dropped unless ``fixed`` is set (``84,5`` not
  ``84,50``). Rounding happens here only, for display; computations stay exact;
- percentages take a space before the sign: ``85,7 %``;
- counts (votes, Borda points, members, limits) are whole numbers with the same dots:
  ``1.234``;
- dates read ``ngày 05 tháng 3 năm 2020``: a day below 10 and the months 1 and 2 take a
  leading zero.

Values may be :class:`~decimal.Decimal`, :class:`~fractions.Fraction` or :class:`int`;
a Fraction such as 1/3 is rounded exactly (never through a float).

One function per kind of number, used by every output (terminal, Markdown, HTML, Word,
Excel, messages):

- :func:`points`: a score, total or group sum, ``84,5``, ``106``, ``-1``, ``26,67``
  (2 decimals at most);
- :func:`exact`: a number as it was written in the data or a form (a maximum, points per
  count, a quantity, a typed score): ``9,5``, ``0,125``, ``1.000``; never rounded;
- :func:`count`: votes, Borda points, members, limits: ``6``, ``1.234``;
- :func:`percent`: a share of votes, ``85,7 %`` (1 decimal, half up);
- :func:`threshold`: a rule's threshold, ``50 %``, or ``2/3`` when a percentage would round;
- :func:`date`, :func:`place_date`: dates of documents;
- :func:`plain`: exact decimal text for programs (JSON, CSV): ``84.5``, not Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

Number = Decimal | Fraction | int

__all__ = [
    "Number",
    "count",
    "date",
    "exact",
    "is_rounded",
    "number",
    "percent",
    "place_date",
    "plain",
    "points",
    "round_half_up",
    "threshold",
]

#: Decimals a repeating decimal keeps in :func:`plain` (as in the scoring's Decimal fields).
PLAIN_PLACES = 10


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


def points(value: Number, *, approx: bool = False) -> str:
    """Points of a score, a total or a group: ``84,5``; ``106``; ``-1``; ``1.000``; ``26,67``.

    Rounded half up to 2 decimals for display only, trailing zeros dropped; with ``approx``
    a rounded value reads ``≈26,67``.
    """
    return number(value, 2, approx=approx)


def count(value: int) -> str:
    """A whole count (votes, Borda points, members, a limit): ``6``; ``0``; ``1.234``."""
    return number(value, 0)


def exact(value: Decimal | int) -> str:
    """A number as written in the data or a form, never rounded: ``9,5``; ``0,125``; ``1.000``.

    Trailing zeros are dropped (``10,50`` → ``10,5``). A value too large or too small to
    write out (beyond 10^±15, e.g. a typing slip in a form) keeps its exponent: ``1E+308``.
    """
    if isinstance(value, int):
        return number(value, 0)
    if not value.is_finite():
        return str(value)
    if not -15 <= value.adjusted() <= 15:
        return str(value.normalize()).replace(".", ",")
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return number(value, max(0, -exponent))


def percent(share: Number, places: int = 1) -> str:
    """A share in [0, 1] as a Vietnamese percentage: ``Fraction(6, 7)`` → ``"85,7 %"``."""
    num, den = _ratio(share)
    return number(Fraction(num * 100, den), places) + " %"


def threshold(share: Fraction) -> str:
    """A rule's threshold for readers: ``50 %``, ``66,5 %``; ``2/3`` (not ``66,67 %``)."""
    if is_rounded(share * 100, 2):
        return f"{share.numerator}/{share.denominator}"
    return percent(share, 2)


def plain(value: Number | None) -> str | None:
    """Exact decimal text for programs: ``84.5``, ``100``, ``-1``, never ``1E+2`` or ``-0``.

    A Fraction that is a repeating decimal is rounded half up to :data:`PLAIN_PLACES`
    places (``1/3`` → ``0.3333333333``); None stays None.
    """
    if value is None:
        return None
    if type(value) is Decimal or (type(value) is not Fraction and isinstance(value, Decimal)):
        assert isinstance(value, Decimal)
        text = format(value, "f")
    else:
        den = _ratio(value)[1]
        rest, twos, fives = den, 0, 0
        while rest % 2 == 0:
            rest //= 2
            twos += 1
        while rest % 5 == 0:
            rest //= 5
            fives += 1
        places = max(twos, fives) if rest == 1 else PLAIN_PLACES
        negative, units, _ = _units(value, places)
        digits = str(units).rjust(places + 1, "0")
        text = ("-" if negative else "") + (
            f"{digits[:-places]}.{digits[-places:]}" if places else digits
        )
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def date(day: dt.date) -> str:
    """``ngày 05 tháng 3 năm 2020``, ``ngày 30 tháng 12 năm 2020``, ``ngày 01 tháng 02 năm 2021``.

    Day below 10 and months 1, 2 with a leading zero (Decree 30/2020/NĐ-CP).
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: dt.date) -> str:
    """The header line of a document: ``Hòa Bình, ngày 30 tháng 12 năm 2020``."""
    return f"{place}, {date(day)}"


# --- the scoring table's printed numbering ----------------------------------------------------

# An id that already reads as the table's own numbering ("I", "B", "1.2") is printed as it
# is; any other id (a code such as "chinh-tri") is replaced by the position ("II", "2.1").
_NUMBERING = re.compile(r"^(?:[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*)$")
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(n: int) -> str:
    """``4`` -> ``IV``."""
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def group_number(position: int, group_id: str) -> str:
    """How documents number the ``position``-th group (from 1): its id, or ``II``."""
    return group_id if _NUMBERING.match(group_id) else roman(position)


def criterion_number(group_position: int, position: int, criterion_id: str) -> str:
    """How documents number a criterion: its id, or ``2.1`` from the positions (from 1)."""
    return criterion_id if _NUMBERING.match(criterion_id) else f"{group_position}.{position}"
