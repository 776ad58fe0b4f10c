"""One canonical layout for the data files, without losing a comment or a value.

``thidua fmt`` rewrites each file so that two people who write the same data get the same
bytes, and a diff shows only real changes. The layout:

- keys in the order of the model's fields (``nam`` first, then as documented); keys that
  are data (criterion ids under ``diem``, member ids under ``ket_qua``) keep their order;
- two spaces per level, list items ``- `` indented two spaces under their key;
- Unicode kept as written (no ``\\u`` escapes), all text in NFC, long lines never folded;
- a value is quoted (with ``"``) only where needed: where YAML syntax requires it, or where
  another YAML reader (YAML 1.1 or 1.2) would read the plain text as something other than
  text — ids such as ``"1.1"``, ``"010"``, ``"no"``, times ``"08:00"``, dates
  ``"2020-12-30"``. Numbers in number fields (``toi_da: 20``, ``tu_cham: 9.5``) stay plain;
- comments are kept, each full-line comment aligned with the line it precedes; a comment
  directly above a key moves with that key when keys are reordered;
- flow collections (``[a, b]``, ``{thuc_hien: 110, chi_tieu: 100}``) and block scalars
  (``|``, ``>``) keep their style; line endings stay as the file had them (LF or CRLF);
  a UTF-8 byte-order mark is dropped.

Lossless by construction *and* by check: after formatting, the result is read back with
:mod:`thidua.yamlio` and must give exactly the same data, and the comments found by the
YAML scanner in the old and the new text must be the same; otherwise the file is left
alone and a problem is reported. Formatting an already formatted file changes nothing.

No file is written here: :func:`format_source` maps text to text, :func:`plan` reads a
year and says what would change. The CLI writes, atomically.
"""

from __future__ import annotations

import enum
import functools
import io
import os
import re
import types
import typing
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)
from ruamel.yaml.tag import Tag

from thidua import loader
from thidua import models as m
from thidua.errors import DataError, Position, Problem, error
from thidua.yamlio import parse_yaml, read_file

__all__ = [
    "FilePlan",
    "FmtPlan",
    "dump_round_trip",
    "format_source",
    "load_round_trip",
    "model_for",
    "plan",
    "year_files",
]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

# Every implicit type YAML 1.1 or 1.2 knows (bool, int, float, null, timestamp, merge,
# value). A plain scalar matching one of these is read as something other than text by
# some YAML reader, so a text value that looks like this must be quoted.
_IMPLICIT = tuple(regexp for _versions, _tag, regexp, _first in implicit_resolvers)
# Numbers every YAML reader reads as the number written (no octal, no sexagesimal).
_PLAIN_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

_MSG_UNVERIFIED = (
    "thidua không định dạng được tệp này mà vẫn giữ nguyên mọi giá trị và chú thích, "
    "nên để nguyên tệp; xin báo lỗi này cho người phát triển thidua, kèm theo tệp"
)


# --------------------------------------------------------------------------- shapes


class _Kind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"


@dataclass(frozen=True)
class _Scalar:
    kind: _Kind


@dataclass(frozen=True)
class _Model:
    model: type[BaseModel]


@dataclass(frozen=True)
class _List:
    item: _Shape


@dataclass(frozen=True)
class _Dict:
    value: _Shape


@dataclass(frozen=True)
class _Union:
    options: tuple[_Shape, ...]


_Shape = _Scalar | _Model | _List | _Dict | _Union
_TEXT = _Scalar(_Kind.TEXT)


def _shape_of(tp: Any) -> _Shape:
    """What a field's type expects in the file: a model, list, mapping or scalar kind."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _shape_of(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        options = tuple(_shape_of(a) for a in typing.get_args(tp) if a is not type(None))
        return options[0] if len(options) == 1 else _Union(options)
    if origin is list:
        return _List(_shape_of(typing.get_args(tp)[0]))
    if origin is dict:
        return _Dict(_shape_of(typing.get_args(tp)[1]))
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return _Model(tp)
        if issubclass(tp, bool):
            return _Scalar(_Kind.BOOL)
        if issubclass(tp, (Decimal, int)):
            return _Scalar(_Kind.NUMBER)
    return _TEXT


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, _Shape]:
    """The model's keys as written in the files, in field order, with their shapes."""
    return {
        (info.alias or name): _shape_of(info.annotation)
        for name, info in model.model_fields.items()
    }


def _pick(shape: _Shape, kind: type[_Model] | type[_Dict] | type[_List]) -> _Shape | None:
    if isinstance(shape, _Union):
        for option in shape.options:
            if isinstance(option, kind):
                return option
        return None
    return shape if isinstance(shape, kind) else None


def _scalar_kind(shape: _Shape) -> _Kind:
    options = shape.options if isinstance(shape, _Union) else (shape,)
    kinds = {o.kind for o in options if isinstance(o, _Scalar)}
    if _Kind.NUMBER in kinds:
        return _Kind.NUMBER
    if _Kind.BOOL in kinds:
        return _Kind.BOOL
    return _Kind.TEXT


def model_for(name: str) -> type[m.Model] | None:
    """The model of a file of the year folder, by its name (``khoi.yaml``, ``diem/A.yaml``)."""
    if name in loader.REQUIRED:
        return loader.REQUIRED[name]
    if name in loader.OPTIONAL:
        return loader.OPTIONAL[name]
    head, _, tail = name.partition("/")
    if head == loader.SCORES_DIR and tail.endswith((".yaml", ".yml")) and "/" not in tail:
        return m.ScoreFile
    return None


# --------------------------------------------------------------------------- quoting


def _plain_ok(text: str, kind: _Kind, flow: bool) -> bool:
    """May ``text`` be written without quotes, and still be read back as the same text?"""
    if not text or text != text.strip() or any(c in text for c in "\n\r\t\x85\u2028\u2029\ufeff"):
        return False
    if any(regexp.match(text) for regexp in _IMPLICIT):
        if kind is _Kind.NUMBER and _PLAIN_NUMBER.fullmatch(text):
            return True
        return kind is _Kind.BOOL and text in ("true", "false")
    first = text[0]
    if first in "!&*|>'\"%@`#,[]{}?:":
        return False
    if first == "-" and not (len(text) > 1 and (text[1].isdigit() or text[1] == ".")):
        return False
    if ": " in text or " #" in text or text.endswith(":") or text.startswith(("---", "...")):
        return False
    return not (flow and any(c in text for c in ",[]{}:#"))


def _styled(value: str, kind: _Kind, flow: bool) -> str:
    block = isinstance(value, (LiteralScalarString, FoldedScalarString))
    if block:  # "|" and ">" keep their style
        return value
    if _plain_ok(value, kind, flow):
        return str(value)
    quoted: str = DoubleQuotedScalarString(value)
    return quoted


# --------------------------------------------------------------------------- tree walk


def _is_flow(node: CommentedMap | CommentedSeq) -> bool:
    return bool(node.fa.flow_style())


def _restyle(node: Any, shape: _Shape, flow: bool, reorder: dict[int, list[Any]]) -> None:
    """Quote values where needed and order the keys of flow mappings.

    Block mappings whose keys are out of order are recorded in ``reorder`` (node
    identity -> wanted key order): they are reordered line by line in :func:`_reorder_text`.
    """
    if isinstance(node, CommentedMap):
        flow = flow or _is_flow(node)
        model = _pick(shape, _Model)
        known: dict[str, _Shape] = {}
        if isinstance(model, _Model):
            known = _fields(model.model)
            order = [k for k in known if k in node] + [k for k in node if k not in known]
            if list(node) != order:
                if flow:
                    for key in order:
                        node.move_to_end(key)
                else:
                    reorder[id(node)] = order
        mapping = _pick(shape, _Dict)
        default = mapping.value if isinstance(mapping, _Dict) else _TEXT
        for key, value in list(node.items()):
            sub = known.get(key, default)
            if isinstance(value, str):
                node[key] = _styled(value, _scalar_kind(sub), flow)
            else:
                _restyle(value, sub, flow, reorder)
    elif isinstance(node, CommentedSeq):
        flow = flow or _is_flow(node)
        sequence = _pick(shape, _List)
        item = sequence.item if isinstance(sequence, _List) else _TEXT
        for index, value in enumerate(node):
            if isinstance(value, str):
                node[index] = _styled(value, _scalar_kind(item), flow)
            else:
                _restyle(value, item, flow, reorder)


# --------------------------------------------------------------------------- ruamel


class _TextResolver(VersionedResolver):
    """Every plain scalar is text, except the empty ones yamlio reads as null.

    So the round trip keeps the exact text of every value (``010`` stays ``010``), like
    :mod:`thidua.yamlio` reads it; quoting is decided by :func:`_plain_ok`.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return Tag(suffix=_NULL if value in _NULLS else _STR)
        return super().resolve(kind, value, implicit)


class _Representer(RoundTripRepresenter):
    """Keys are quoted like values: only where needed (criterion ids such as "1.1")."""

    def represent_key(self, data: Any) -> Any:
        if isinstance(data, str) and not _plain_ok(data, _Kind.TEXT, flow=True):
            data = DoubleQuotedScalarString(data)
        return super().represent_key(data)


def _ruamel() -> YAML:
    y = YAML(typ="rt")
    y.Resolver = _TextResolver
    y.Representer = _Representer
    y.allow_unicode = True
    y.width = 1_000_000  # never fold a long line
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(root: Any) -> str:
    out = io.StringIO()
    _ruamel().dump(root, out)
    return out.getvalue()


def _source_text(source: bytes) -> tuple[str, bool]:
    """The text to format: BOM dropped, LF line ends, NFC; and whether it used CRLF."""
    text = source.decode("utf-8").removeprefix("\ufeff")
    crlf = "\r\n" in text
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")), crlf


def load_round_trip(source: bytes) -> Any:
    """The comment-keeping tree of a data file, every scalar as its text (for editing)."""
    return _ruamel().load(_source_text(source)[0])


def dump_round_trip(root: Any) -> str:
    """Text of a tree from :func:`load_round_trip`; pass it to :func:`format_source`."""
    return _dump(root)


# --------------------------------------------------------------------------- comments


@dataclass(frozen=True)
class _Comment:
    line: int  # 0-based
    column: int
    text: str
    full_line: bool


def _comments(text: str) -> list[_Comment]:
    """Every comment, found between the tokens of libyaml's scanner (never inside a value)."""
    lines = _LINE_BREAK.split(text)
    found: list[_Comment] = []
    line, column = 0, 0
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def gap(to_line: int, to_column: int) -> None:
        for i in range(line, min(to_line, len(lines) - 1) + 1):
            start = column if i == line else 0
            stop = to_column if i == to_line else len(lines[i])
            at = lines[i].find("#", start, stop)
            if at >= 0:
                body = lines[i][at:]
                full = not lines[i][:at].strip()
                found.append(_Comment(i, at, body.rstrip(), full))

    for token in yaml.scan(text, Loader=loader_cls):
        start, end = token.start_mark, token.end_mark
        if start is None or end is None:  # pragma: no cover - libyaml always sets marks
            continue
        gap(start.line, start.column)
        if (end.line, end.column) > (line, column):
            line, column = end.line, end.column
    gap(len(lines) - 1, len(lines[-1]))
    return found


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _content_column(text: str) -> int:
    """Where the content of a line starts, after its indentation and any ``- `` markers."""
    column = _indent(text)
    while text.startswith("- ", column) or text[column:] == "-":
        column += 2
        column += _indent(text[column:])
    return column


@dataclass(frozen=True)
class _Placed:
    """A full-line comment and its neighbours: the code lines after and before it."""

    comment: _Comment
    next_col: int | None  # indentation of the next code line
    prev_col: int | None  # content column of the previous code line


def _placed_comments(text: str) -> list[_Placed]:
    lines = text.split("\n")
    comments = [c for c in _comments(text) if c.full_line]
    comment_lines = {c.line for c in comments}

    def code(i: int) -> bool:
        return i not in comment_lines and bool(lines[i].strip())

    placed: list[_Placed] = []
    for c in comments:
        following = next((j for j in range(c.line + 1, len(lines)) if code(j)), None)
        previous = next((j for j in range(c.line - 1, -1, -1) if code(j)), None)
        placed.append(
            _Placed(
                c,
                _indent(lines[following]) if following is not None else None,
                _content_column(lines[previous]) if previous is not None else None,
            )
        )
    return placed


def _align_comments(text: str, original: str | None = None) -> str:
    """Indent each full-line comment like the code it belongs to.

    A comment no deeper than the line after it is aligned with that line (it introduces
    it); a comment at least as deep as the content of the line before it is aligned with
    that content (it closes a block); one in between keeps its column within those
    bounds. When ``original`` (the text before re-indenting) is given and has the same
    comments, that decision is taken on the original indentation, which the author chose.
    """
    placed = _placed_comments(text)
    if not placed:
        return text
    before = _placed_comments(original) if original is not None else None
    if before is not None and [p.comment.text for p in before] != [p.comment.text for p in placed]:
        before = None
    lines = text.split("\n")
    for n, here in enumerate(placed):
        column = here.comment.column
        next_col = here.next_col or 0
        prev_col = here.prev_col or 0
        wanted = max(next_col, min(column, prev_col))
        if before is not None:
            old = before[n]
            if old.comment.column <= (old.next_col or 0):
                wanted = next_col
            elif old.prev_col is not None and old.comment.column >= old.prev_col:
                wanted = max(next_col, prev_col)
        elif column <= next_col:
            wanted = next_col
        lines[here.comment.line] = " " * wanted + lines[here.comment.line].strip()
    return "\n".join(lines)


# --------------------------------------------------------------------------- reordering


def _reorder_text(text: str, shape: _Shape) -> str:
    """Put the keys of block mappings in model order by moving whole lines.

    A mapping entry is its key line, the lines of its value, and the comments directly
    above the key (no blank line between) at the key's indentation or less; so comments
    travel with the key they describe. What stands before the first key (a file's header
    comment) and after the last entry, less indented than the keys, stays in place.
    """
    root = _ruamel().load(text)
    targets: dict[int, list[Any]] = {}
    _restyle(root, shape, False, targets)
    if not targets:
        return text
    lines = text.split("\n")
    comment_lines = {c.line for c in _comments(text) if c.full_line}

    def render(node: Any, start: int, end: int) -> list[str]:
        if isinstance(node, CommentedMap) and node and not _is_flow(node):
            return render_map(node, start, end)
        if isinstance(node, CommentedSeq) and node and not _is_flow(node):
            starts = [node.lc.item(i)[0] for i in range(len(node))]
            bounds = [*starts, end]
            out = lines[start : starts[0]]
            for i, item in enumerate(node):
                out += render(item, bounds[i], bounds[i + 1])
            return out
        return lines[start:end]

    def render_map(node: CommentedMap, start: int, end: int) -> list[str]:
        keys = list(node)
        key_lines = [node.lc.key(k)[0] for k in keys]
        col = node.lc.key(keys[0])[1]
        starts = [key_lines[0]]
        for i in range(1, len(keys)):
            s = key_lines[i]
            while (
                s - 1 > key_lines[i - 1] and s - 1 in comment_lines and _indent(lines[s - 1]) <= col
            ):
                s -= 1
            starts.append(s)
        tail = end
        while tail - 1 > key_lines[-1] and (
            not lines[tail - 1].strip()
            or (tail - 1 in comment_lines and _indent(lines[tail - 1]) <= col)
        ):
            tail -= 1
        bounds = [*starts, tail]
        chunks: dict[Any, list[str]] = {}
        for i, key in enumerate(keys):
            a, b, kl = bounds[i], bounds[i + 1], key_lines[i]
            value = node[key]
            if isinstance(value, (CommentedMap, CommentedSeq)) and not _is_flow(value):
                chunks[key] = lines[a : kl + 1] + render(value, kl + 1, b)
            else:
                chunks[key] = lines[a:b]
        order = targets.get(id(node), keys)
        if order[0] != keys[0]:
            # The first key of a list item carries the "- " marker: move it to the new first.
            first = chunks[keys[0]]
            offset = key_lines[0] - starts[0]
            marker = first[offset][:col]
            first[offset] = " " * col + first[offset][col:]
            new_first = chunks[order[0]]
            at = key_lines[keys.index(order[0])] - starts[keys.index(order[0])]
            new_first[at] = marker + new_first[at][col:]
        out = lines[start : starts[0]]
        for key in order:
            out += chunks[key]
        return out + lines[tail:end]

    return "\n".join(render(root, 0, len(lines)))


# --------------------------------------------------------------------------- entry points


def format_source(source: bytes, model: type[m.Model], shown: str) -> bytes:
    """The canonical form of one data file of kind ``model``; ``shown`` names it in problems.

    Raises :class:`DataError` when the file cannot be read, or when the result would not
    hold exactly the same data and comments (then nothing should be written).
    """
    original, _ = parse_yaml(source, shown)  # problems of the file itself, as `check` says
    text, crlf = _source_text(source)
    shape = _Model(model)
    try:
        root = _ruamel().load(text)
        if not isinstance(root, CommentedMap):
            raise DataError([error(Position(shown, 1, 1), _MSG_UNVERIFIED)])
        reorder: dict[int, list[Any]] = {}
        _restyle(root, shape, False, reorder)
        result = _align_comments(_dump(root), text)
        if reorder:
            result = _align_comments(_reorder_text(result, shape))
    except (YAMLError, yaml.YAMLError, ValueError, KeyError, IndexError, TypeError):
        raise DataError([error(Position(shown, 1, 1), _MSG_UNVERIFIED)]) from None
    _verify(text, result, original, shown)
    if crlf:
        result = result.replace("\n", "\r\n")
    return result.encode("utf-8")


def _verify(before: str, after: str, original: object, shown: str) -> None:
    try:
        again, _ = parse_yaml(after.encode("utf-8"), shown)
        same_comments = Counter(c.text for c in _comments(before)) == Counter(
            c.text for c in _comments(after)
        )
    except (DataError, yaml.YAMLError):
        same_comments, again = False, None
    if not same_comments or original != again:
        raise DataError([error(Position(shown, 1, 1), _MSG_UNVERIFIED)])


# --------------------------------------------------------------------------- a year


@dataclass
class FilePlan:
    """One data file: where it is, the bytes read, and the canonical bytes if they differ.

    ``read_only`` is set for a file that needs formatting but that the user may not write
    (no write permission bit): the CLI leaves it alone and says so.
    """

    path: Path
    shown: str
    source: bytes
    new: bytes | None = None
    read_only: bool = False

    @property
    def changed(self) -> bool:
        return self.new is not None


@dataclass
class FmtPlan:
    files: list[FilePlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files with errors, left alone


def year_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The data files of a year folder that thidua reads, as (name, path)."""
    for name in (*loader.REQUIRED, *loader.OPTIONAL):
        path = folder / name
        if path.is_file():
            yield name, path
    scores = folder / loader.SCORES_DIR
    if scores.is_dir():
        for path in sorted(scores.iterdir()):
            if path.is_file() and path.suffix in (".yaml", ".yml"):
                yield f"{loader.SCORES_DIR}/{path.name}", path


_MSG_OUTSIDE = (
    "tệp này thực ra là {real} (qua liên kết tượng trưng), nằm ngoài thư mục dữ liệu "
    "{data}; fmt không sửa tệp ngoài thư mục dữ liệu"
)


def _outside(path: Path, root: Path) -> Path | None:
    """The real path of ``path`` if it lies outside ``root`` (followed through links)."""
    real = Path(os.path.realpath(path))
    return None if root in real.parents else real


def _read_only(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:  # gone meanwhile: the write will notice (expected=)
        return False
    return not (mode & 0o222) or not os.access(path, os.W_OK)


def plan(data_dir: Path, years: list[int] | None) -> FmtPlan:
    """What ``fmt`` would change in ``years`` (all years when None); reads, never writes.

    A file with an error (of its own, or found by the cross-file checks at a place in it)
    is not formatted: its problems are returned and its name is listed in ``skipped``.
    So is a file to change whose real path (through symbolic links) is outside
    ``data_dir``. A linked file inside ``data_dir`` is written through its link.
    """
    result = FmtPlan()
    root = Path(os.path.realpath(data_dir))
    for year in years if years else loader.available_years(data_dir):
        _data, problems = loader.load_year(data_dir, year)
        folder = loader.year_folder(data_dir, year)
        bad = {p.position.path for p in problems if p.is_error}
        result.problems.extend(p for p in problems if p.is_error)
        for name, path in year_files(folder):
            shown = loader.display_path(path)
            model = model_for(name)
            if model is None:  # pragma: no cover - year_files yields known names only
                continue
            if shown in bad:
                result.skipped.append(shown)
                continue
            try:  # read again: the loader's copy is not kept, and it may have changed
                source = read_file(path, shown)
                new = format_source(source, model, shown)
            except DataError as exc:
                result.problems.extend(exc.problems)
                result.skipped.append(shown)
                continue
            if new == source:
                result.files.append(FilePlan(path, shown, source))
                continue
            real = _outside(path, root)
            if real is not None:
                message = _MSG_OUTSIDE.format(real=real, data=loader.display_path(data_dir))
                result.problems.append(error(Position(shown), message))
                result.skipped.append(shown)
                continue
            result.files.append(FilePlan(path, shown, source, new, _read_only(path)))
    return result
