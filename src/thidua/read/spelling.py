"""How Vietnamese words are written: tone placement, and marks left out.

One word written with two tone placements ("Hoà" / "Hòa", "Thuỷ" / "Thủy"): both are in
use, and the seed article itself mixes them. Text is NFC-normalized on input, so
Unicode-form differences (precomposed vs decomposed) disappear silently; a different tone
*placement* is a visible inconsistency, reported as a warning.

A fixed answer typed without its marks ("dat", "khong dong y"): :func:`unmarked_hint` is
the one "thiếu dấu" hint, wherever such a value is read.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from thidua.errors import Position, Problem, warning
from thidua.sources import SourceMap, YamlPath
from thidua.year import Spellings

# Words whose tone mark can sit on either vowel of oa, oe, uy (old and new placement).
_AMBIGUOUS = re.compile(
    r"\w*(?:o[àáảãạ]|[òóỏõọ]a|o[èéẻẽẹ]|[òóỏõọ]e|u[ỳýỷỹỵ]|[ùúủũụ]y)\w*", re.IGNORECASE
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@functools.lru_cache(maxsize=1 << 12)
def _tone_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = "".join(sorted(c for c in decomposed if c in _TONES))
    base = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", base) + "|" + tones


@functools.lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """The tone-ambiguous words of ``text`` (cached: values like "đạt" recur thousands of times)."""
    if text.isascii():
        return ()
    return tuple(m.group(0) for m in _AMBIGUOUS.finditer(text))


#: Where the tone-ambiguous words of one file are: (path of the text, its words), in
#: document order.
Found = list[tuple[YamlPath, tuple[str, ...]]]


def find_words(raw: object) -> Found:
    """The tone-ambiguous words of every text in ``raw``, with the path of each text."""
    found: Found = []
    if isinstance(raw, str):
        if hits := words(raw):
            found.append(((), hits))
        return found
    # Paths are built only for containers and for the rare text that has such words.
    stack: list[tuple[YamlPath, dict[str, object] | list[object]]] = []
    if isinstance(raw, dict | list):
        stack.append(((), raw))
    while stack:
        path, container = stack.pop()
        items: Iterable[tuple[str | int, object]] = (
            container.items() if isinstance(container, dict) else enumerate(container)
        )
        for key, value in items:
            if isinstance(value, str):
                if hits := words(value):
                    found.append(((*path, key), hits))
            elif isinstance(value, dict | list):
                stack.append(((*path, key), value))
    return found


def record_spellings(found: Found, source: SourceMap, into: Spellings) -> None:
    """Record the first position of each spelling among ``found`` (words of one file)."""
    for path, hits in found:
        here = source.at(path)
        for word in hits:
            spellings = into.setdefault(_tone_key(word), {})
            if word not in spellings or here < spellings[word]:
                spellings[word] = here


def spelling_problems(spellings: Spellings) -> Iterator[Problem]:
    """A warning at every later spelling of a word first written another way."""
    for variants in spellings.values():
        if len(variants) < 2:
            continue
        # Case variants ("Hòa"/"hòa") are not a spelling difference.
        by_form: dict[str, tuple[str, Position]] = {}
        for word, pos in sorted(variants.items(), key=lambda x: (x[1], x[0])):
            by_form.setdefault(word.lower(), (word, pos))
        if len(by_form) < 2:
            continue
        ordered = list(by_form.values())
        first_word, first_pos = ordered[0]
        for word, pos in ordered[1:]:
            yield warning(
                pos,
                f'"{word}" và "{first_word}" ({first_pos}) là cùng một chữ nhưng đặt dấu '
                "khác nhau; nên thống nhất một cách viết",
            )


# --- marks left out ------------------------------------------------------------------------


def unmarked_hint(value: str, accepted: Sequence[str]) -> str | None:
    """The "thiếu dấu" hint when ``value`` is one of ``accepted`` typed without (some of)
    its marks, in any case: ``"khong dat" thiếu dấu: hãy viết "đạt" hoặc "không đạt"``.

    None when ``value`` is accepted as it is, differs by more than missing marks (a
    wrong mark, another letter), or no accepted value has marks.
    """
    text = value.strip().casefold()
    if not any(_lacks_marks(text, word.casefold()) for word in accepted):
        return None
    choices = [f'"{word}"' for word in accepted]
    listed = ", ".join(choices[:-1]) + " hoặc " + choices[-1] if len(choices) > 1 else choices[0]
    return f'"{value}" thiếu dấu: hãy viết {listed}'


def _lacks_marks(typed: str, word: str) -> bool:
    """``typed`` is ``word`` with some of its marks left out (both NFC, casefolded)."""
    if typed == word or len(typed) != len(word):
        return False
    for have, want in zip(typed, word, strict=True):
        if have != want:
            have_base, have_marks = _marks(have)
            want_base, want_marks = _marks(want)
            if have_base != want_base or not have_marks < want_marks:
                return False
    return True


@functools.lru_cache(maxsize=256)
def _marks(letter: str) -> tuple[str, frozenset[str]]:
    """A letter's base and its marks: ``ồ`` is ``o`` with a circumflex and a grave; ``đ``
    is ``d`` with a stroke (a letter of its own in Unicode)."""
    if letter == "đ":
        return "d", frozenset("\u0335")
    decomposed = unicodedata.normalize("NFD", letter)
    return decomposed[0], frozenset(decomposed[1:])
