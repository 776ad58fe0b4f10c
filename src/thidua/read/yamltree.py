# ruff: noqa: RUF005  -- `path + (key,)` is ~40% faster than `(*path, key)` in the hot loop
"""YAML parser events into the plain tree and its :class:`~thidua.sources.SourceMap`.

The invariants are those of :mod:`thidua.read.yamlio` (the entry points): an explicit
stack and a depth limit, only ``!!str`` tags, no anchors or aliases, no duplicate or
null keys, no value over ``MAX_TEXT_CHARS`` characters, no control or bidirectional
character made by a double-quoted scalar's escapes; every refusal is a Vietnamese
problem at its position.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from thidua.errors import Position, Problem, error
from thidua.numbers import count
from thidua.sources import _COLUMN_BITS, SourceMap, YamlPath

# Real data files nest a handful of levels. The limit keeps hostile input cheap: every
# node's path is a tuple as long as its depth, so depth multiplies memory use.
MAX_DEPTH = 100


_STR_TAG = "tag:yaml.org,2002:str"
_CORE_PREFIX = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Stands in for a key that could not be used (null, alias or collection key) so that
# parsing can go on and find further problems. The tree is discarded in that case
# (a problem always ends in DataError), and NUL can never appear in accepted text.
_BAD_KEY = "\x00"


# Line breaks exactly as YAML (and libyaml's marks) count them.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# What a double-quoted scalar's escapes (\x01, \u0000, \e, \N, \r, \u202E, ...) can put
# into a value that the raw text could not hold: anything that is not legal in XML 1.0
# (openpyxl and python-docx refuse it), other C0/C1 controls (raw escape sequences on a
# terminal), bidirectional controls and U+FEFF. Tab and line feed stay allowed.
_UNSAFE_IN_VALUE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff\ufffe\uffff]"
)
# One text value at most fills one Excel cell; it also bounds the work any single value
# can cause (formatting, rendering, comparing).
MAX_TEXT_CHARS = 32_767


_MSG_TAB = "không dùng ký tự Tab để thụt lề; hãy dùng dấu cách"
_MSG_ANCHOR = "không dùng neo (&) và bí danh (*) trong tệp dữ liệu; hãy viết đầy đủ giá trị"
_MSG_TOO_DEEP = (
    f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp); "
    "hãy kiểm tra lại thụt lề và các dấu ngoặc [ ] { }"
)
_MSG_NBSP_KEY = (
    "khóa bắt đầu bằng dấu cách không ngắt (U+00A0), thường lẫn vào khi sao chép từ Word "
    "hoặc trang web; hãy thay bằng dấu cách thường"
)


def _escaped_char(char: str) -> str:
    code = ord(char)
    if char in _BIDI_CONTROLS:
        kind = "ký tự điều khiển hướng chữ"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "ký tự điều khiển"
    else:
        kind = "ký tự không hợp lệ"
    return (
        f'giá trị chứa {kind} U+{code:04X}, tạo ra bởi mã thoát bắt đầu bằng dấu "\\" '
        "trong chuỗi ngoặc kép; ký tự này không hiển thị được, làm rối màn hình và làm "
        "hỏng bảng tính Excel, văn bản Word; hãy xóa mã thoát đó"
    )


def _too_long_text(length: int) -> str:
    return (
        f"giá trị quá dài ({_thousands(length)} ký tự); mỗi giá trị tối đa "
        f"{_thousands(MAX_TEXT_CHARS)} ký tự (sức chứa của một ô Excel); hãy rút gọn "
        "hoặc tách thành nhiều mục"
    )


def _thousands(number: int) -> str:
    # Vietnamese groups thousands with a dot.
    return count(number)


def _line_text(text: str, line: int) -> str:
    """The text of 1-based ``line`` without its break; '' past the end."""
    start = 0
    for _ in range(line - 1):
        match = _LINE_BREAK.search(text, start)
        if match is None:
            return ""
        start = match.end()
    match = _LINE_BREAK.search(text, start)
    return text[start : match.start() if match else len(text)]


# --------------------------------------------------------------------------- events → tree


class _EventSource(Protocol):
    def get_event(self) -> Any: ...
    def dispose(self) -> None: ...


class _PureParser(Reader, Scanner, Parser):
    """pyyaml's pure-Python event parser, for installs without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


def _libyaml_parser() -> Callable[[bytes], _EventSource] | None:
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - pyyaml built without libyaml
        return None
    return CParser


# libyaml's parser when available (several times faster); tests set this to None to
# exercise the pure-Python path as well.
_LIBYAML = _libyaml_parser()


def _open_parser(data: bytes, text: str) -> _EventSource:
    if _LIBYAML is not None:
        # libyaml reads the (validated, BOM-free) UTF-8 bytes directly; handing it the
        # str would only make pyyaml encode it back to UTF-8 first.
        return _LIBYAML(data)
    return _PureParser(text)


_ROOT, _MAP, _SEQ = 0, 1, 2


def _build(
    data: bytes, text: str, path: str
) -> tuple[object, SourceMap, list[Problem], YamlPath | None]:
    """Run the event parser and assemble the tree, source map and problems.

    The last item tells where the parser stopped at a syntax error, its last problem: the
    path of the innermost collection still open there (``()`` for the root); None when
    it read the file to its end. The tree then holds what came before the error.
    """
    values: dict[YamlPath, int] = {}
    keys: dict[YamlPath, int] = {}
    problems: list[Problem] = []
    source_map = SourceMap(path, values, keys)
    at = source_map.position
    is_nfc = unicodedata.is_normalized
    normalize = unicodedata.normalize
    nulls = _NULLS
    str_tag = _STR_TAG
    max_chars = MAX_TEXT_CHARS
    unsafe = _UNSAFE_IN_VALUE.search

    root: object = None
    # The current container and its state live in locals; outer ones are on ``stack``.
    # ``key`` is the pending key of a mapping, None while a key is expected.
    stack: list[tuple[Any, YamlPath, str | None, int]] = []
    container: Any = None
    node_path: YamlPath = ()
    key: str | None = None
    kind = _ROOT
    documents = 0
    anchor_reported = False
    stopped: YamlPath | None = None
    parser: _EventSource | None = None
    event: Any  # pyyaml's stubs make marks optional; the parser always sets them.
    try:
        parser = _open_parser(data, text)
        get_event = parser.get_event
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                mark = event.start_mark
                pos = mark.line << _COLUMN_BITS | mark.column
                scalar: str = event.value
                if not is_nfc("NFC", scalar):
                    scalar = normalize("NFC", scalar)
                if len(scalar) > max_chars:
                    problems.append(error(at(pos), _too_long_text(len(scalar))))
                elif event.style == '"' and (bad := unsafe(scalar)) is not None:
                    # Only escapes make such characters: the raw text was checked whole.
                    problems.append(error(at(pos), _escaped_char(bad.group())))
                value: str | None = scalar
                tag = event.tag
                if tag is not None:
                    if tag != str_tag:
                        problems.append(_tag_problem(at(pos), tag))
                elif not event.style and value in nulls:
                    # Only plain scalars can be null; '' and "null" quoted stay text.
                    value = None
                if event.anchor is not None and not anchor_reported:
                    anchor_reported = True
                    problems.append(error(at(pos), _MSG_ANCHOR))
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                container, node_path, key, kind = stack.pop()
                continue
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                mark = event.start_mark
                pos = mark.line << _COLUMN_BITS | mark.column
                if event.tag is not None:
                    problems.append(_tag_problem(at(pos), event.tag))
                if event.anchor is not None and not anchor_reported:
                    anchor_reported = True
                    problems.append(error(at(pos), _MSG_ANCHOR))
                if len(stack) >= MAX_DEPTH:
                    problems.append(error(at(pos), _MSG_TOO_DEEP))
                    break
                new: Any = {} if cls is MappingStartEvent else []
                if kind == _MAP:
                    if key is None:
                        problems.append(
                            error(
                                at(pos),
                                "khóa phải là một chuỗi văn bản, không được là bảng hay "
                                'danh sách; hãy viết dạng "khóa: giá trị" với khóa là một tên',
                            )
                        )
                        # The collection is read (for further problems) but not kept;
                        # the value that follows goes under the placeholder key.
                        key = _BAD_KEY
                        keys[node_path + (key,)] = pos
                        new_path = node_path + (key,)
                    else:
                        new_path = node_path + (key,)
                        container[key] = new
                        key = None
                elif kind == _SEQ:
                    new_path = node_path + (len(container),)
                    container.append(new)
                else:
                    new_path = ()
                    root = new
                values[new_path] = pos
                stack.append((container, node_path, key, kind))
                container = new
                node_path = new_path
                key = None
                kind = _MAP if cls is MappingStartEvent else _SEQ
                continue
            elif cls is AliasEvent:
                mark = event.start_mark
                pos = mark.line << _COLUMN_BITS | mark.column
                if not anchor_reported:
                    anchor_reported = True
                    problems.append(error(at(pos), _MSG_ANCHOR))
                # Never resolved: an alias is a hole in the (discarded) tree.
                value = _BAD_KEY if kind == _MAP and key is None else None
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    problems.append(
                        error(
                            Position(path, mark.line + 1, mark.column + 1),
                            "tệp chỉ được chứa một tài liệu YAML nhưng ở đây bắt đầu tài "
                            'liệu thứ hai; hãy xóa dòng "---" (hoặc "...") phân cách, hoặc '
                            "tách phần sau thành tệp riêng",
                        )
                    )
                    break
                continue
            elif cls is StreamEndEvent:
                break
            else:  # stream start, document end
                continue

            # A scalar (or alias) node: place it.
            if kind == _MAP:
                if key is None:
                    if value is None:
                        problems.append(_null_key_problem(at(pos), event.value))
                        value = _BAD_KEY
                    key_path = node_path + (value,)
                    if value in container and value != _BAD_KEY:
                        first = keys.get(key_path)
                        where = f" (đã có ở dòng {at(first).line})" if first is not None else ""
                        problems.append(
                            error(
                                at(pos),
                                f"khóa {_show(value)} bị lặp lại{where}; "
                                "mỗi khóa chỉ được xuất hiện một lần",
                            )
                        )
                    else:
                        if value[:1] == "\xa0" and not event.style:
                            problems.append(error(at(pos), _MSG_NBSP_KEY))
                        keys[key_path] = pos
                    key = value
                else:
                    item_path = node_path + (key,)
                    values[item_path] = pos
                    container[key] = value
                    key = None
            elif kind == _SEQ:
                values[node_path + (len(container),)] = pos
                container.append(value)
            else:
                values[()] = pos
                root = value
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, text, path))
        stopped = node_path
    except yaml.YAMLError as exc:
        # Reader errors cannot happen (the text is checked first); keep a safe net.
        problems.append(error(Position(path, 1, 1), f"lỗi cú pháp YAML: {exc}"))
    except (MemoryError, RecursionError):
        problems.append(
            error(
                Position(path, 1, 1),
                "tệp quá phức tạp để đọc (không đủ bộ nhớ); hãy kiểm tra lại cấu trúc tệp",
            )
        )
    finally:
        if parser is not None:
            parser.dispose()
    return root, source_map, problems, stopped


def _show(text: str) -> str:
    """``text`` in double quotes for a message, escaped and shortened."""
    if len(text) > 60:
        text = text[:57] + "…"
    return json.dumps(text, ensure_ascii=False)


def _show_tag(tag: str) -> str:
    # libyaml expands "!!x" to "tag:yaml.org,2002:x"; show what the user wrote.
    return "!!" + tag[len(_CORE_PREFIX) :] if tag.startswith(_CORE_PREFIX) else tag


def _tag_problem(pos: Position, tag: str) -> Problem:
    return error(
        pos,
        f'thẻ YAML "{_show_tag(tag)}" không được phép trong tệp dữ liệu; '
        "hãy xóa thẻ và ghi giá trị bình thường",
    )


def _null_key_problem(pos: Position, raw: str) -> Problem:
    if raw == "":
        return error(pos, 'thiếu tên khóa trước dấu ":"; mỗi mục phải có dạng "khóa: giá trị"')
    return error(
        pos,
        f'khóa "{raw}" được YAML hiểu là giá trị rỗng (null) nên không dùng làm khóa được; '
        f'nếu đây đúng là tên khóa, hãy viết "{raw}" (có dấu ngoặc kép)',
    )


# --------------------------------------------------------------------------- syntax errors

# A line that starts a block-mapping entry: optional "- " list markers, then a key
# (plain or quoted) followed by ":" and a space or the end of the line.
_KEY_LINE = re.compile(r"""(?:-[ ]+)*(?:"[^"]*"|'[^']*'|[^\s#"'\-?:\[\]{},][^#]*?):(?:[ ]|$)""")
_OPENS_BLOCK = re.compile(r"(?::|^[ ]*-)[ ]*(?:#.*)?$")
_BLOCK_SCALAR_END = re.compile(r":[ ]+[|>][-+0-9]*[ ]*(?:#.*)?$")


def _open_columns(text: str, line: int) -> tuple[list[int], bool]:
    """The key columns still open just before 1-based ``line``, outermost first.

    A simplified replay of YAML's block indentation over the lines above: blank and
    comment lines are skipped, as is the body of a ``|``/``>`` block scalar; a line
    ``- key: …`` opens both the dash's column and the key's. The flag tells whether
    the last line above ends with a bare "key:" (its value may start a deeper block).
    """
    stack: list[int] = []
    scalar_parent: int | None = None
    opens = False
    for number in range(1, line):
        raw = _line_text(text, number)
        body = raw.lstrip(" ")
        column = len(raw) - len(body)
        if scalar_parent is not None:
            if not body or column > scalar_parent:
                continue
            scalar_parent = None
        if not body or body.startswith("#") or body.startswith(("---", "...")):
            continue
        while stack and stack[-1] > column:
            stack.pop()
        if not stack or stack[-1] < column:
            stack.append(column)
        rest = body
        while rest.startswith("- ") or rest == "-":
            inner = rest[1:].lstrip(" ")
            column += len(rest) - len(inner)
            if inner:
                stack.append(column)
            rest = inner
        if _BLOCK_SCALAR_END.search(raw):
            scalar_parent = column
        opens = _OPENS_BLOCK.search(raw) is not None
    return stack, opens


def _indentation_problem(text: str, line: int, path: str) -> Problem | None:
    """An indentation diagnosis for a key line not aligned with any open key column.

    libyaml reports such a line as a misplaced ":" (indented too far) or a missing
    "-" or key (indented too little); the cause to fix is the indentation.
    """
    raw = _line_text(text, line)
    body = raw.lstrip(" ")
    column = len(raw) - len(body)
    if not _KEY_LINE.match(body):
        return None
    stack, opens = _open_columns(text, line)
    if not stack or column in stack or (opens and column > stack[-1]):
        return None
    # Nearest columns first; on a tie the deeper one (the sibling just above).
    nearest = sorted(stack, key=lambda c: (abs(c - column), -c))[:2]
    expected = str(nearest[0]) + (f" (hoặc {nearest[1]})" if len(nearest) > 1 else "")
    return error(
        Position(path, line, column + 1),
        f"lỗi thụt lề: dòng này thụt vào {column} dấu cách, các khóa cùng cấp ở trên "
        f"thụt {expected}; hãy thụt dòng này thẳng hàng với các khóa cùng cấp với nó "
        '(chỉ dùng dấu cách; không thêm dấu "-")',
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    """Translate a libyaml (or pyyaml) syntax error into a Vietnamese problem."""
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return error(Position(path, 1, 1), f"lỗi cú pháp YAML: {problem or exc}")
    line = _line_text(text, mark.line + 1)
    char = line[mark.column] if mark.column < len(line) else ""
    ctx_mark = exc.context_mark
    ctx_line = ctx_mark.line + 1 if ctx_mark is not None else mark.line + 1

    def at(m: Any) -> Position:
        return Position(path, m.line + 1, m.column + 1)

    here = at(mark)
    indent = len(line) - len(line.lstrip(" \t"))
    # Tabs cause many different libyaml errors; whichever is raised, a tab at the mark
    # or in the indentation the mark lies in is the thing to fix.
    if (
        "tab character" in problem
        or char == "\t"
        or (mark.column <= indent and "\t" in line[:indent])
    ):
        return error(here, _MSG_TAB)

    if (
        "mapping values are not allowed" in problem
        or "did not find expected '-' indicator" in problem
        or "did not find expected key" in problem
        or ("expected <block end>" in problem and "block" in context)
    ):
        misindented = _indentation_problem(text, mark.line + 1, path)
        if misindented is not None:
            return misindented

    if "mapping values are not allowed" in problem or "found unexpected ':'" in problem:
        message = (
            'dấu ":" không được phép ở đây (có thể thiếu dấu cách sau ":", '
            "hoặc cần đặt giá trị trong dấu ngoặc kép)"
        )
    elif "could not find expected ':'" in problem:
        # libyaml marks the start of the *next* line; the line lacking ':' is where
        # the simple key began (the context mark).
        if ctx_mark is not None:
            here = at(ctx_mark)
        message = (
            'không tìm thấy dấu ":" sau khóa; mỗi dòng trong bảng phải có dạng '
            '"khóa: giá trị" (nếu đây là phần tiếp của giá trị ở dòng trên, '
            "hãy đặt cả giá trị trong dấu ngoặc kép)"
        )
    elif (
        "found unexpected end of stream" in problem
        and "quoted scalar" in context
        and ctx_mark is not None
    ):
        # The end of the file is not where the fix goes: the opening quote is.
        here = at(ctx_mark)
        ctx_text = _line_text(text, ctx_mark.line + 1)
        quote = ctx_text[ctx_mark.column : ctx_mark.column + 1] or '"'
        message = (
            f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng: không tìm thấy dấu "
            f"{quote} đóng trước khi hết tệp; hãy thêm dấu {quote} ở cuối giá trị"
        )
    elif (
        "escape character" in problem
        or "hexdecimal number" in problem
        or "hexadecimal numbers" in problem
        or "Unicode character escape code" in problem
    ):
        message = (
            'dấu "\\" trong chuỗi ngoặc kép bắt đầu một ký tự thoát không hợp lệ '
            '(ví dụ đường dẫn "C:\\Users"); hãy viết "\\\\" thay cho mỗi dấu "\\", '
            "hoặc dùng dấu nháy đơn '...' thay cho ngoặc kép"
        )
    elif "sequence entries are not allowed" in problem:
        message = (
            'dấu "-" (mục danh sách) không được phép ở đây; danh sách phải bắt đầu ở '
            'dòng mới và thụt lề dưới khóa của nó (ví dụ "khóa:" rồi xuống dòng '
            '"  - mục"); nếu "-" là một phần của văn bản, hãy đặt giá trị trong dấu ngoặc kép'
        )
    elif "mapping keys are not allowed" in problem:
        message = (
            'dấu "?" không được phép ở đây; nếu giá trị bắt đầu bằng "?", '
            "hãy đặt giá trị trong dấu ngoặc kép"
        )
    elif "did not find expected '-' indicator" in problem or (
        "expected <block end>" in problem and "block collection" in context
    ):
        message = (
            'thiếu dấu "-" ở đầu mục danh sách: các mục cùng cấp của một danh sách phải '
            'cùng bắt đầu bằng "- " và thẳng hàng với nhau'
        )
    elif "did not find expected key" in problem or "expected <block end>" in problem:
        message = (
            "không tìm thấy khóa như mong đợi: dòng này thụt lề không thẳng hàng với các "
            "khóa cùng cấp, hoặc có nội dung thừa sau giá trị; các khóa cùng cấp phải "
            'thẳng hàng, mỗi dòng một cặp "khóa: giá trị"'
        )
    elif "node content" in problem:
        if char:
            message = (
                f'thiếu giá trị ở đây (ký tự "{char}" không thể bắt đầu một giá trị); hãy ghi '
                "giá trị, hoặc đặt giá trị trong dấu ngoặc kép nếu nó chứa ký tự đặc biệt"
            )
        else:
            message = (
                "thiếu giá trị: tệp kết thúc khi giá trị chưa được ghi (có thể thiếu dấu "
                "ngoặc đóng ] hoặc }); hãy ghi giá trị hoặc đóng các dấu ngoặc"
            )
    elif "cannot start any token" in problem:
        message = (
            f'ký tự "{char}" không thể bắt đầu một giá trị ở đây (YAML dành riêng ký tự này); '
            "hãy đặt giá trị trong dấu ngoặc kép"
        )
    elif "undefined tag handle" in problem:
        token = line[mark.column :].split()
        return _tag_problem(here, token[0] if token else "!")
    elif context.endswith("a tag"):  # "while scanning/parsing a tag", not a directive
        message = (
            'thẻ YAML (bắt đầu bằng "!") viết sai và không được phép trong tệp dữ liệu; '
            'nếu giá trị bắt đầu bằng "!", hãy đặt giá trị trong dấu ngoặc kép'
        )
    elif "alphabetic or numeric character" in problem and (
        "alias" in context or "anchor" in context
    ):
        sign = "*" if "alias" in context else "&"
        message = (
            f'ký tự "{sign}" ở đầu giá trị là ký hiệu {"bí danh" if sign == "*" else "neo"} '
            "của YAML nhưng không có tên hợp lệ theo sau; nếu đây là văn bản, "
            "hãy đặt giá trị trong dấu ngoặc kép"
        )
    elif "block scalar" in context:
        ctx_text = _line_text(text, ctx_line)
        sign = ctx_text[ctx_mark.column : ctx_mark.column + 1] if ctx_mark else "|"
        message = (
            f'sau dấu "{sign}" (khối văn bản nhiều dòng) không được ghi gì thêm trên cùng dòng '
            'ngoài "-", "+" hoặc một chữ số 1–9; hãy xuống dòng và thụt lề nội dung '
            "(nếu đây là văn bản thường, hãy đặt trong dấu ngoặc kép)"
        )
    elif "expected ',' or ']'" in problem:
        message = (
            f"danh sách trong ngoặc vuông mở ở dòng {ctx_line} chưa đúng: thiếu dấu "
            '"," giữa các mục hoặc thiếu dấu "]" đóng; nếu một mục chứa ",", "[" hoặc '
            '"]", hãy đặt mục đó trong dấu ngoặc kép'
        )
    elif "expected ',' or '}'" in problem:
        message = (
            f"bảng trong ngoặc nhọn mở ở dòng {ctx_line} chưa đúng: thiếu dấu "
            '"," giữa các cặp "khóa: giá trị" hoặc thiếu dấu "}" đóng; nếu một giá trị '
            'chứa ",", "{" hoặc "}", hãy đặt giá trị đó trong dấu ngoặc kép'
        )
    elif "document start" in problem:
        message = (
            'nội dung thừa sau khi tài liệu YAML đã kết thúc (sau dòng "..." hoặc sau một '
            "giá trị trong ngoặc [ ] / { } ở cấp ngoài cùng); hãy xóa phần thừa — mỗi tệp "
            "chỉ chứa một tài liệu"
        )
    elif "document indicator" in problem or "document separator" in problem:
        message = (
            f'dòng bắt đầu bằng "---" hoặc "..." nằm trong chuỗi ngoặc kép mở ở dòng '
            f"{ctx_line}; hãy đóng dấu ngoặc kép trước dòng này hoặc thụt lề dòng này"
        )
    elif "directive" in context or "directive" in problem or "YAML document" in problem:
        message = (
            'chỉ thị YAML (dòng bắt đầu bằng "%") không được dùng trong tệp dữ liệu; '
            'hãy xóa dòng này (nếu đây là giá trị bắt đầu bằng "%", hãy đặt trong dấu '
            "ngoặc kép)"
        )
    elif "nesting depth" in problem:
        # libyaml's own limit (deeper than ours, but reached while still scanning).
        message = _MSG_TOO_DEEP
    else:
        message = f"lỗi cú pháp YAML: {problem or exc}"
    return error(here, message)
