"""Text made safe for the formats other programs interpret: Markdown and CSV.

One escaper per format, used by every output of that format.
"""

from __future__ import annotations

import re

__all__ = ["csv_cell", "md_escape", "terminal_safe"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
# At the start of a line only: a list marker needs a space after it ("- x", "1. x"), a
# thematic break or setext underline repeats the character ("---", "==="). "-1" is safe.
_MD_LINE_START = re.compile(r"^(\s*)([-+=])(?=[\s=-]|$)|^(\s*\d+)([.)])(?=\s|$)")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_escape(text: str) -> str:
    """Text that GitHub-flavoured Markdown shows literally, on one line (safe in tables)."""
    text = _NEWLINES.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda mt: f"{mt[1]}\\{mt[2]}" if mt[2] is not None else f"{mt[3]}\\{mt[4]}",
        text,
    )


# Spreadsheet programs run a CSV cell that starts with one of these as a formula
# (OWASP "CSV injection"); tab and carriage return are there for the same reason.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """``text`` for a CSV cell, with a leading ``'`` where a spreadsheet would see a formula.

    Only text goes through here: numbers are written as numbers (``-1`` stays ``-1``).
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional controls that
# reorder what a terminal shows (Trojan Source).
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal would act on shown as U+FFFD."""
    return _TERMINAL_UNSAFE.sub("\ufffd", text)
