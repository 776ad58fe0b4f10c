"""Vietnamese alphabetical order, as dictionaries and name lists use it. Pure, no I/O.

The alphabet is ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y``: the
letters with a breve, circumflex, horn or bar are letters of their own, not variants, so
plain code-point order (which puts "Đ" after "z" and "Ư" after everything) is wrong.

Tone marks (huyền, hỏi, ngã, sắc, nặng) are only a secondary key: two strings are first
compared with every tone mark removed, letter by letter; only if they are equal there do
the tones decide, in the order ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ), the
order of Vietnamese dictionaries and of the CLDR collation for ``vi``. Then case (lower
before upper), then the NFC text itself, so that the key is a total order and sorting is
deterministic.

Letters outside the Vietnamese alphabet (f, j, w, z) keep their Latin place (f after ê,
j after i, w after v, z after y); spaces and punctuation come before digits, digits
before letters, anything else after the letters by code point. The same name written
precomposed or decomposed, or with old or new tone placement ("Hoà"/"Hòa"), gets the
same primary and secondary key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

__all__ = ["sort_key", "sorted_vi"]

T = TypeVar("T")

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Combining marks that make a letter of its own (ă â ê ô ơ ư): kept in the primary key.
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")
# Tone marks, in dictionary order after "no tone" (0).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_DIGIT_BASE = 1_000
_LETTER_BASE = 2_000
_OTHER_BASE = 3_000


def _primary(char: str) -> int:
    """Rank of one (toneless, lower-case, NFC) character."""
    if char in _LETTER_RANK:
        return _LETTER_BASE + _LETTER_RANK[char]
    if char.isdigit():
        return _DIGIT_BASE + (unicodedata.digit(char, 0))
    if char.isspace():
        return 0
    if not char.isalnum():
        return 1 + ord(char) % 997  # punctuation: before digits, stable among itself
    return _OTHER_BASE + ord(char)


def _split(text: str) -> tuple[list[str], list[int], list[int]]:
    """Letters without tones, the tone of each word (syllable), and the case of each letter.

    The tone belongs to the syllable, not to the letter that carries it, so "Hoà" and
    "Hòa" (old and new placement) get the same key.
    """
    letters: list[str] = []
    tones: list[int] = []
    cases: list[int] = []
    word_tone: int | None = None
    for cluster in _clusters(unicodedata.normalize("NFD", text)):
        base, marks = cluster[0], cluster[1:]
        tone = 0
        kept = ""
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _LETTER_MARKS:
                kept += mark
            # any other combining mark is dropped from the key
        if base.isalpha():
            word_tone = max(word_tone or 0, tone)
        elif word_tone is not None:
            tones.append(word_tone)
            word_tone = None
        letters.append(unicodedata.normalize("NFC", base.lower() + kept))
        cases.append(1 if base.isupper() else 0)
    if word_tone is not None:
        tones.append(word_tone)
    return letters, tones, cases


def _clusters(decomposed: str) -> list[str]:
    """Split NFD text into base characters each followed by its combining marks."""
    out: list[str] = []
    for char in decomposed:
        if out and unicodedata.combining(char):
            out[-1] += char
        else:
            out.append(char)
    return out


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    """A key that orders strings the Vietnamese way (see the module docstring)."""
    letters, tones, cases = _split(text)
    primary = tuple(_primary(letter) for letter in letters)
    return primary, tuple(tones), tuple(cases), unicodedata.normalize("NFC", text)


def sorted_vi(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """``items`` in Vietnamese alphabetical order of ``key(item)`` (the item itself by default)."""
    if key is None:
        return sorted(items, key=lambda item: sort_key(str(item)))
    get = key
    return sorted(items, key=lambda item: sort_key(get(item)))
