"""Safe, position-aware reading of the YAML data files users edit by hand.

``parse_yaml`` turns the bytes of one file into plain Python data plus a
:class:`SourceMap` that tells where every node and every mapping key starts, so that
later checks can point the user at the exact line and column of a fault.

Invariants:

- the result holds only ``dict[str, object]`` (insertion order), ``list[object]``,
  ``str`` and ``None``; every scalar stays the text the user wrote (``no``, ``010``,
  ``1:30``, ``2020-12-30`` are strings; YAML 1.1 implicit typing never applies);
  only a *plain* scalar that is empty, ``~``, ``null``, ``Null`` or ``NULL`` is None;
- all keys and string values are in Unicode NFC;
- positions are 1-based; columns count Unicode code points as written in the file (a
  precomposed Vietnamese letter is one column, not two or three UTF-8 bytes);
- refused, each as a Vietnamese problem at its position: tags other than ``!!str``,
  anchors and aliases (never expanded, so alias bombs cost nothing), duplicate keys
  (compared after NFC), null or non-scalar keys, keys starting with a no-break space,
  a second document, UTF-16/32, invalid UTF-8, control characters and bidirectional
  controls (raw, and in double-quoted scalars also as escapes: ``"\\x01"``, ``"\\e"``,
  ``"\\u202E"``; tab and line feed stay allowed), a BOM inside the text, git conflict
  markers, keys and values over ``MAX_TEXT_CHARS`` characters, files over
  ``MAX_FILE_BYTES`` and nesting over ``MAX_DEPTH``;
- the tree is built from parser events with an explicit stack (no recursion) and a
  depth limit, so hostile nesting cannot exhaust the interpreter stack;
- the only exception that leaves this module is :class:`~thidua.errors.DataError`,
  carrying every problem found (all duplicate keys, tags, ...); parsing stops at the
  first syntax error (libyaml cannot go on past one), and the problems found before it
  are kept. :func:`parse_yaml_partly` gives the tree read until then as well, so that
  what came before the error can still be checked.
"""

from __future__ import annotations

import errno
import pathlib
import re
import stat
from dataclasses import dataclass
from fractions import Fraction

from thidua.errors import DataError, Position, Problem, error
from thidua.numbers import count, number
from thidua.read.yamltree import (
    _BIDI_CONTROLS,
    _LINE_BREAK,
    MAX_DEPTH,
    MAX_TEXT_CHARS,
    _build,
)
from thidua.sources import SourceMap, YamlPath

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "Parsed",
    "SourceMap",
    "YamlPath",
    "parse_yaml",
    "parse_yaml_partly",
    "read_file",
]

MAX_FILE_BYTES = 20 * 1024 * 1024

_MIB = 1024 * 1024

# Characters YAML 1.1 allows in a stream (the set libyaml's reader enforces), less the
# invisible bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
# that reorder how text is shown ("Trojan Source"). We check them ourselves to report a
# precise position and a friendly message. One character class: one fast pass over a file.
_FORBIDDEN_CHAR = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\u061b\u061d-\u200d\u2010-\u2029\u202f-\u2065"
    "\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Lines git leaves when a merge conflicts; `=======` must be alone on its line.
_CONFLICT_MARKER = re.compile(r"^(?:(?:<{7}|\|{7}|>{7})(?:[ \t\r]|$)|={7}[ \t\r]*$)", re.MULTILINE)

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"


# --------------------------------------------------------------------------- entry points


def read_file(file: pathlib.Path, display_path: str) -> bytes:
    """The bytes of ``file``; not a regular file, too large or unreadable: DataError."""
    start = Position(display_path, 1, 1)
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataError(
                [error(start, "không đọc được tệp: đây không phải là tệp thông thường")]
            )
        # Checked before reading, so a huge file is never loaded into memory.
        if info.st_size > MAX_FILE_BYTES:
            raise DataError([error(start, _too_large(info.st_size))])
        return file.read_bytes()
    except OSError as exc:
        raise DataError([error(start, f"không đọc được tệp: {_os_reason(exc)}")]) from None


def parse_yaml(data: bytes, display_path: str) -> tuple[object, SourceMap]:
    """Parse one YAML document from ``data``; raise DataError listing every problem."""
    parsed = parse_yaml_partly(data, display_path)
    if parsed.problems:
        raise DataError(parsed.problems)
    return parsed.root, parsed.source


@dataclass(frozen=True)
class Parsed:
    """A parsed file with its problems: the whole tree when ``problems`` is empty.

    ``stopped`` is where the parser gave up at a syntax error (the last problem): the
    path of the innermost collection still open there; ``root`` then holds what came
    before the error, the last item of each open collection possibly cut short. None
    when the file was read to its end (a tree with problems is still not to be used).
    """

    root: object
    source: SourceMap
    problems: list[Problem]
    stopped: YamlPath | None


def parse_yaml_partly(data: bytes, display_path: str) -> Parsed:
    """Parse one YAML document from ``data``, returning its problems with what was read.

    Raises DataError only when nothing could be parsed: too large, not UTF-8, forbidden
    characters, git conflict markers.
    """
    if len(data) > MAX_FILE_BYTES:
        raise DataError([error(Position(display_path, 1, 1), _too_large(len(data)))])
    data, text = _decode(data, display_path)
    _refuse_conflict_markers(text, display_path)
    return Parsed(*_build(data, text, display_path))


# --------------------------------------------------------------------------- bytes → text


def _decode(data: bytes, path: str) -> tuple[bytes, str]:
    """Strict UTF-8 text without BOM, plus the same bytes; refuse what YAML refuses."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            message = (
                f"tệp không mã hóa UTF-8 (có dấu BOM của {name}); hãy lưu lại tệp với mã hóa UTF-8"
            )
            raise DataError([error(Position(path, 1, 1), message)])
    if data.startswith(_UTF8_BOM):
        # Line 1 column 1 is the first character after the BOM, as in any editor.
        data = data[len(_UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte decodes, so we can place it exactly.
        before = data[: exc.start].decode("utf-8")
        line, column = _line_column(before, len(before))
        message = (
            f"tệp không phải UTF-8 hợp lệ: byte 0x{data[exc.start]:02x} không đọc được; "
            "hãy lưu lại tệp với mã hóa UTF-8"
        )
        raise DataError([error(Position(path, line, column), message)]) from None
    # Control characters would stop libyaml with an offset-only error; finding them
    # here gives a line and column and a message that names the character.
    bad = _FORBIDDEN_CHAR.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        raise DataError([error(Position(path, line, column), _forbidden_char(bad.group()))])
    # An invisible BOM left inside the text (files pasted together) makes libyaml report
    # a confusing error next to it, or silently glues it to a key; name it instead.
    inner_bom = text.find("\ufeff")
    if inner_bom >= 0:
        line, column = _line_column(text, inner_bom)
        message = (
            "ký tự vô hình U+FEFF (dấu BOM) nằm giữa tệp, thường do ghép nối nhiều tệp "
            "hoặc sao chép; hãy xóa ký tự này"
        )
        raise DataError([error(Position(path, line, column), message)])
    return data, text


def _refuse_conflict_markers(text: str, path: str) -> None:
    """Refuse a file git left mid-merge, at the first marker line."""
    # Plain substring tests first: they cost next to nothing on an 8 MB year.
    if not any(sign * 7 in text for sign in "<=>|"):
        return
    marker = _CONFLICT_MARKER.search(text)
    if marker is None:
        return
    line, _ = _line_column(text, marker.start())
    message = (
        "tệp còn dấu xung đột của git chưa giải quyết (các dòng bắt đầu bằng "
        '"<<<<<<<", "=======", ">>>>>>>" do git merge hoặc git pull để lại); hãy giữ '
        "lại phiên bản đúng giữa các dấu này, xóa phiên bản kia và xóa hết các dòng "
        "đánh dấu, rồi chạy lại thidua check"
    )
    raise DataError([error(Position(path, line, 1), message)])


def _forbidden_char(char: str) -> str:
    code = ord(char)
    if char in _BIDI_CONTROLS:
        return (
            f"ký tự điều khiển hướng chữ U+{code:04X} (vô hình, làm đảo thứ tự hiển thị "
            "văn bản) không được phép trong tệp dữ liệu; hãy xóa ký tự này"
        )
    if code == 0:
        return (
            "ký tự NUL (U+0000) không được phép trong tệp dữ liệu; tệp có thể bị hỏng "
            "hoặc được lưu bằng mã hóa UTF-16 — hãy lưu lại tệp với mã hóa UTF-8"
        )
    kind = "ký tự điều khiển" if code < 0x20 or 0x7F <= code <= 0x9F else "ký tự không hợp lệ"
    return (
        f"{kind} U+{code:04X} không được phép trong tệp dữ liệu; hãy xóa ký tự này "
        "(thường lẫn vào khi sao chép từ phần mềm khác)"
    )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``text[offset]``."""
    line = 1
    line_start = 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        line += 1
        line_start = match.end()
    return line, offset - line_start + 1


def _too_large(size: int) -> str:
    limit = _megabytes(MAX_FILE_BYTES)
    return f"tệp quá lớn ({_megabytes(size)} MB); tối đa {limit} MB cho một tệp dữ liệu"


def _megabytes(size: int) -> str:
    """``20``, ``1,5``, ``21,0``: whole megabytes, else one decimal (half up)."""
    if size % _MIB == 0:
        return count(size // _MIB)
    return number(Fraction(size, _MIB), 1, fixed=True)


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOENT: "tệp không tồn tại; hãy kiểm tra đường dẫn",
        errno.EACCES: "không có quyền đọc tệp",
        errno.EPERM: "không có quyền đọc tệp",
        errno.EISDIR: "đây là thư mục, không phải tệp",
        errno.ENAMETOOLONG: "đường dẫn quá dài",
    }
    reason = reasons.get(exc.errno) if exc.errno is not None else None
    return reason or f"lỗi hệ điều hành ({exc.strerror or exc})"
