"""Exact numbers of the scoring: Decimal values of the typed scores, Fractions of the
computation, and the Decimal shown for a Fraction (:func:`to_decimal`). Pure.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


#: Places kept in a Decimal field whose exact value is a repeating decimal.
DECIMAL_PLACES = 10


# --- exact numbers ------------------------------------------------------------------------


def _decimal_of(num: int, den: int) -> Decimal | None:
    """num/den (den > 0) as an exact Decimal, or None if it is a repeating decimal."""
    g = gcd(num, den)
    num, den = num // g, den // g
    d = den
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    exponent = max(twos, fives)
    scaled = num * (10**exponent // den)
    # String construction is exact whatever the decimal context's precision.
    return Decimal(f"{scaled}E-{exponent}") if exponent else Decimal(scaled)


def _value(num: int, den: int) -> Decimal | Fraction:
    """num/den exactly: a Decimal when it is a finite decimal, else a Fraction."""
    exact = _decimal_of(num, den)
    return exact if exact is not None else Fraction(num, den)


def to_decimal(value: Fraction) -> Decimal:
    """``value`` exactly if it is a finite decimal, else rounded half up to 10 places."""
    num, den = value.numerator, value.denominator
    exact = _decimal_of(num, den)
    if exact is not None:
        return exact
    units, rest = divmod(abs(num) * 10**DECIMAL_PLACES, den)
    if 2 * rest >= den:
        units += 1
    return Decimal(f"{'-' if num < 0 else ''}{units}E-{DECIMAL_PLACES}")


def _split(value: Decimal | Fraction) -> tuple[Decimal, Fraction | None]:
    """(Decimal, None) when exact as a Decimal; else (rounded Decimal, exact Fraction)."""
    if isinstance(value, Decimal):
        return value, None
    return to_decimal(value), value


def _exact(value: Decimal, repeating: Fraction | None) -> Fraction:
    return repeating if repeating is not None else Fraction(value)
