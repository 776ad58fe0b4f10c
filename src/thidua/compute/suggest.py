"""The code a user most likely meant, for messages: ``(có phải ý bạn là NHNN?)``.

Used by the checks of every file and by the commands that take a unit's code; nothing here
reads a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "ids_text", "suggest_code"]


def ids_text(values: Iterable[str]) -> str:
    """``A, B, C``: the codes once each, in their order."""
    return ", ".join(dict.fromkeys(values))


def suggest_code(typed: str, codes: Iterable[str]) -> str | None:
    """The code ``typed`` most likely meant, or None.

    A code equal but for letter case wins; otherwise the closest by
    :func:`difflib.get_close_matches` (cutoff 0.6), compared case-insensitively.
    """
    known = list(dict.fromkeys(codes))
    folded = typed.casefold()
    for code in known:
        if code.casefold() == folded:
            return code
    by_fold = {code.casefold(): code for code in reversed(known)}
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    return by_fold[close[0]] if close else None


def did_you_mean(typed: str, codes: Iterable[str]) -> str:
    """`` (có phải ý bạn là X?)`` for the likely meant code, or ``""``."""
    code = suggest_code(typed, codes)
    return f" (có phải ý bạn là {code}?)" if code is not None else ""
