"""Vietnamese display of numbers, percentages and dates (vnformat)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from thidua import numbers as vnformat
from thidua.numbers import date, is_rounded, number, percent, place_date, round_half_up


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("84.5"), 2, "84,5"),
        (Decimal("84.50"), 2, "84,5"),  # trailing zeros dropped
        (Decimal("1000"), 2, "1.000"),
        (Decimal("1234567.5"), 2, "1.234.567,5"),
        (Decimal("0.125"), 2, "0,13"),  # half up, not half even
        (Decimal("0.135"), 2, "0,14"),
        (Decimal("-1.005"), 2, "-1,01"),  # half away from zero
        (Decimal("-0.001"), 2, "0"),  # never "-0"
        (Fraction(1, 3), 2, "0,33"),
        (Fraction(80, 3), 2, "26,67"),
        (Fraction(2, 3), 0, "1"),
        (7, 2, "7"),
        (Decimal("999.995"), 2, "1.000"),  # the carry reaches the thousands
    ],
)
def test_number(value: Decimal | Fraction | int, places: int, shown: str) -> None:
    """Decimal comma, dot thousands, half-up rounding to at most ``places`` decimals."""
    assert number(value, places) == shown


def test_number_fixed_keeps_zeros() -> None:
    """``fixed`` shows exactly ``places`` decimals."""
    assert number(Decimal("84.5"), 2, fixed=True) == "84,50"
    assert number(3, 1, fixed=True) == "3,0"


def test_percent() -> None:
    """6/7 is 85,7 %; a whole share has no decimals; the sign is preceded by a space."""
    assert percent(Fraction(6, 7)) == "85,7 %"
    assert percent(Fraction(1)) == "100 %"
    assert percent(Fraction(0)) == "0 %"
    assert percent(Fraction(2, 3), 2) == "66,67 %"


def test_round_half_up_and_is_rounded() -> None:
    """Rounding is exact on Fractions; is_rounded tells when a display differs."""
    assert round_half_up(Fraction(5, 8), 2) == Fraction(63, 100)  # 0,625 -> 0,63
    assert round_half_up(Decimal("-2.5"), 0) == -3
    assert is_rounded(Fraction(1, 3), 4)
    assert not is_rounded(Decimal("84.5"), 2)
    with pytest.raises(ValueError):
        round_half_up(1, -1)


def test_dates() -> None:
    """Day below 10 and months 1, 2 take a leading zero (Decree 30/2020/NĐ-CP)."""
    assert date(dt.date(2020, 3, 5)) == "ngày 05 tháng 3 năm 2020"
    assert date(dt.date(2020, 12, 30)) == "ngày 30 tháng 12 năm 2020"
    assert date(dt.date(2021, 2, 1)) == "ngày 01 tháng 02 năm 2021"
    assert date(dt.date(2021, 1, 15)) == "ngày 15 tháng 01 năm 2021"
    assert place_date("Hòa Bình", dt.date(2020, 12, 30)) == "Hòa Bình, ngày 30 tháng 12 năm 2020"


def test_number_approx_marks_rounded_values() -> None:
    """``approx`` prefixes "≈" only when the display differs from the exact value."""
    assert number(Fraction(80, 3), 2, approx=True) == "≈26,67"
    assert number(Decimal("26.5"), 2, approx=True) == "26,5"


def test_the_tables_printed_numbering() -> None:
    """Ids that read as numbering are printed as written; codes by their position."""
    assert [vnformat.roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == [
        "I", "IV", "IX", "XIV", "XL", "XC", "CD", "MCMXCIV",
    ]  # fmt: skip
    assert vnformat.group_number(2, "I") == "I"
    assert vnformat.group_number(2, "B") == "B"
    assert vnformat.group_number(3, "chinh-tri") == "III"
    assert vnformat.criterion_number(2, 1, "1.2") == "1.2"
    assert vnformat.criterion_number(2, 1, "dung-han") == "2.1"
