"""Tests for thidua.read.yamlio: safe YAML reading with positions and Vietnamese problems."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.errors import DataError, Position
from thidua.read import yamlio, yamltree
from thidua.read.yamlio import SourceMap, parse_yaml, read_file

PATH = "du_lieu/khoi.yaml"
MIB = 1024 * 1024

MSG_TAB = "không dùng ký tự Tab để thụt lề; hãy dùng dấu cách"
MSG_ANCHOR = "không dùng neo (&) và bí danh (*) trong tệp dữ liệu; hãy viết đầy đủ giá trị"
MSG_TOO_DEEP = (
    "dữ liệu lồng nhau quá sâu (quá 100 cấp); hãy kiểm tra lại thụt lề và các dấu ngoặc [ ] { }"
)
MSG_SECOND_DOCUMENT = (
    "tệp chỉ được chứa một tài liệu YAML nhưng ở đây bắt đầu tài liệu thứ hai; "
    'hãy xóa dòng "---" (hoặc "...") phân cách, hoặc tách phần sau thành tệp riêng'
)


def parse(text: str | bytes) -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_yaml(data, PATH)[0]


def problems(text: str | bytes) -> list[tuple[int, int, str]]:
    """(line, column, message) of every problem, in the order DataError sorts them."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(DataError) as info:
        parse_yaml(data, PATH)
    for problem in info.value.problems:
        assert problem.position.path == PATH
        assert problem.is_error
    return [(p.position.line, p.position.column, p.message) for p in info.value.problems]


def tag_message(tag: str) -> str:
    return (
        f'thẻ YAML "{tag}" không được phép trong tệp dữ liệu; '
        "hãy xóa thẻ và ghi giá trị bình thường"
    )


def duplicate_message(key: str, first_line: int) -> str:
    return (
        f'khóa "{key}" bị lặp lại (đã có ở dòng {first_line}); mỗi khóa chỉ được xuất hiện một lần'
    )


@contextmanager
def pure_python_parser() -> Iterator[None]:
    with mock.patch.object(yamltree, "_LIBYAML", None):
        yield


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "raw",
    [
        "no", "yes", "No", "off", "on", "y", "n", "true", "False",
        "010", "0o17", "0x1F", "0b101", "1_000", "+1", "-0",
        "1:30", "190:20:30",
        "2020-12-30", "2020-12-30T10:00:00Z", "2020-12-30 10:00:00",
        "1.1", "1e3", "1.0e+3", ".5", ".inf", "-.Inf", ".nan",
        "=", "<<",
    ],
)  # fmt: skip
def test_yaml11_trap_values_stay_strings(raw: str) -> None:
    """A plain scalar YAML 1.1 would convert (bool, octal, time, date, float) stays its text."""
    assert parse(f"v: {raw}\n") == {"v": raw}
    assert parse(f"- {raw}\n") == [raw]
    assert parse(f"{raw}: x\n") == {raw: "x"}


def test_scalars_are_only_strings_lists_dicts_none() -> None:
    """Nested block and flow collections give dicts, lists and strings in document order."""
    text = "b: 1\na:\n  - x\n  - {c: [2, 3], d: 'e'}\n  - |\n    dòng 1\n    dòng 2\n"
    result = parse(text)
    assert result == {"b": "1", "a": ["x", {"c": ["2", "3"], "d": "e"}, "dòng 1\ndòng 2\n"]}
    assert isinstance(result, dict)
    assert list(result) == ["b", "a"]


@pytest.mark.parametrize("raw", ["", "~", "null", "Null", "NULL"])
def test_plain_null_forms_become_none(raw: str) -> None:
    """An empty plain scalar and the plain words ~, null, Null, NULL are None."""
    assert parse(f"v: {raw}\n") == {"v": None}
    assert parse(f"- {raw}\n") == [None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"null"', "null"),
        ("'~'", "~"),
        ('""', ""),
        ("''", ""),
        ("!!str", ""),
        ("!!str null", "null"),
        ("!!str ~", "~"),
        ("nULL", "nULL"),
        ("none", "none"),
        ("|\n", ""),
    ],
)
def test_quoted_or_tagged_null_words_stay_strings(raw: str, expected: str) -> None:
    """Quoted scalars, !!str-tagged scalars and other spellings are text, never None."""
    assert parse(f"v: {raw}\n") == {"v": expected}


def test_str_tag_is_allowed_in_both_spellings() -> None:
    """!!str and its verbatim form !<tag:yaml.org,2002:str> are accepted and give the text."""
    assert parse("a: !!str 010\nb: !<tag:yaml.org,2002:str> 1.5\n!!str c: d\n") == {
        "a": "010",
        "b": "1.5",
        "c": "d",
    }


def test_keys_and_values_are_normalized_to_nfc() -> None:
    """Decomposed text (o + combining grave) in keys and values, plain or quoted, becomes NFC."""
    result, source = parse_yaml(
        'Ho\u0300a: Ho\u0300a\n"Bi\u0300nh": ["Ho\u0300a"]\n'.encode(), PATH
    )
    assert result == {"Hòa": "Hòa", "Bình": ["Hòa"]}
    assert isinstance(result, dict)
    assert all(unicodedata.is_normalized("NFC", key) for key in result)
    assert source.key_at(("Hòa",)) == Position(PATH, 1, 1)
    # Columns count code points as written: the decomposed ì before it takes two.
    assert source.at(("Bình", 0)) == Position(PATH, 2, 11)


# --------------------------------------------------------------------------- positions


def test_source_map_records_values_and_keys() -> None:
    """Every node start and every key start is recorded under its path, 1-based."""
    text = "ten: Khối 1\nthanh_vien:\n  - ma: A\n    diem: [9, 10]\n  - ma: B\n"
    _, source = parse_yaml(text.encode(), PATH)
    assert source.path == PATH
    assert {path: source.at(path) for path in source.values} == {
        (): Position(PATH, 1, 1),
        ("ten",): Position(PATH, 1, 6),
        ("thanh_vien",): Position(PATH, 3, 3),
        ("thanh_vien", 0): Position(PATH, 3, 5),
        ("thanh_vien", 0, "ma"): Position(PATH, 3, 9),
        ("thanh_vien", 0, "diem"): Position(PATH, 4, 11),
        ("thanh_vien", 0, "diem", 0): Position(PATH, 4, 12),
        ("thanh_vien", 0, "diem", 1): Position(PATH, 4, 15),
        ("thanh_vien", 1): Position(PATH, 5, 5),
        ("thanh_vien", 1, "ma"): Position(PATH, 5, 9),
    }
    assert {path: source.key_at(path) for path in source.keys} == {
        ("ten",): Position(PATH, 1, 1),
        ("thanh_vien",): Position(PATH, 2, 1),
        ("thanh_vien", 0, "ma"): Position(PATH, 3, 5),
        ("thanh_vien", 0, "diem"): Position(PATH, 4, 5),
        ("thanh_vien", 1, "ma"): Position(PATH, 5, 5),
    }


def test_columns_count_characters_not_bytes() -> None:
    """Vietnamese text before a node or an error does not shift columns (one per character)."""
    _, source = parse_yaml('tên: "Hòa Bình"\nđiểm: 9\n'.encode(), PATH)
    assert source.at(("tên",)) == Position(PATH, 1, 6)
    assert source.at(("điểm",)) == Position(PATH, 2, 7)
    assert problems('tên: "Hòa Bình" x: 1\n') == [
        (
            1,
            17,
            "không tìm thấy khóa như mong đợi: dòng này thụt lề không thẳng hàng với các khóa "
            "cùng cấp, hoặc có nội dung thừa sau giá trị; các khóa cùng cấp phải thẳng hàng, "
            'mỗi dòng một cặp "khóa: giá trị"',
        )
    ]


def test_source_map_at_falls_back_to_longest_existing_prefix() -> None:
    """at() gives the node, else its nearest recorded ancestor, else line 1 column 1."""
    _, source = parse_yaml(b"a:\n  b:\n    c: 1\n", PATH)
    assert source.at(("a", "b", "c")) == Position(PATH, 3, 8)
    assert source.at(("a", "b", "missing")) == Position(PATH, 3, 5)
    assert source.at(("a", "b", "missing", 3, "x")) == Position(PATH, 3, 5)
    assert source.at(("a", "zzz")) == Position(PATH, 2, 3)
    assert source.at(("nothing",)) == Position(PATH, 1, 1)
    assert source.at(()) == Position(PATH, 1, 1)
    empty = SourceMap("rong.yaml", {}, {})
    assert empty.at(("a", 0)) == Position("rong.yaml", 1, 1)


def test_source_map_key_at_falls_back_to_at() -> None:
    """key_at() gives the key start when known, else the position at() gives."""
    _, source = parse_yaml(b"a:\n  b: 1\nc: [x]\n", PATH)
    assert source.key_at(("a", "b")) == Position(PATH, 2, 3)
    assert source.at(("a", "b")) == Position(PATH, 2, 6)
    assert source.key_at(("c", 0)) == Position(PATH, 3, 5)
    assert source.key_at(("a", "missing")) == Position(PATH, 2, 3)


# --------------------------------------------------------------------------- keys


def test_two_duplicate_keys_give_two_problems() -> None:
    """Every repeated key is reported at the repeat, naming the line of the first one."""
    assert problems("ma: 1\nten: a\nma: 2\nx:\n  y: 1\n  y: 2\nten: b\n") == [
        (3, 1, duplicate_message("ma", 1)),
        (6, 3, duplicate_message("y", 5)),
        (7, 1, duplicate_message("ten", 2)),
    ]


def test_third_occurrence_still_names_the_first() -> None:
    """A key written three times gives two problems, both pointing back to the first line."""
    assert problems("a: 1\na: 2\na: 3\n") == [
        (2, 1, duplicate_message("a", 1)),
        (3, 1, duplicate_message("a", 1)),
    ]


def test_same_key_in_different_mappings_is_fine() -> None:
    """Equal keys in sibling mappings and flow mappings are not duplicates."""
    assert parse("- ma: 1\n- ma: 2\n- {ma: 3}\n") == [{"ma": "1"}, {"ma": "2"}, {"ma": "3"}]


def test_duplicate_keys_differing_only_in_unicode_form() -> None:
    """Keys equal after NFC (precomposed vs decomposed ò) are duplicates."""
    assert problems("Hòa: 1\nHo\u0300a: 2\n") == [(2, 1, duplicate_message("Hòa", 1))]


def test_duplicate_flow_keys_and_quoted_keys() -> None:
    """Duplicates are found in flow mappings and between quoted and plain spellings."""
    assert problems('a: {b: 1, b: 2}\n"c": 1\nc: 2\n') == [
        (1, 11, duplicate_message("b", 1)),
        (3, 1, duplicate_message("c", 2)),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "a: 1\n? \n: x\n",
            2,
            2,
            'thiếu tên khóa trước dấu ":"; mỗi mục phải có dạng "khóa: giá trị"',
        ),
        (
            "a: 1\nnull: 2\n",
            2,
            1,
            'khóa "null" được YAML hiểu là giá trị rỗng (null) nên không dùng làm khóa được; '
            'nếu đây đúng là tên khóa, hãy viết "null" (có dấu ngoặc kép)',
        ),
        (
            "~: 2\n",
            1,
            1,
            'khóa "~" được YAML hiểu là giá trị rỗng (null) nên không dùng làm khóa được; '
            'nếu đây đúng là tên khóa, hãy viết "~" (có dấu ngoặc kép)',
        ),
    ],
)
def test_null_key_is_a_problem(text: str, line: int, column: int, message: str) -> None:
    """A key that is empty or a plain null word is refused with advice to quote it."""
    assert problems(text) == [(line, column, message)]


def test_quoted_null_word_is_a_valid_key() -> None:
    """A quoted "null" or empty string is an ordinary key."""
    assert parse('"null": 1\n"": 2\n') == {"null": "1", "": "2"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("[a, b]: 1\n", 1, 1), ("{a: 1}: 2\n", 1, 1), ("? [a]\n: 1\n", 1, 3), ("? {a: 1}\n", 1, 3)],
)
def test_collection_key_is_a_problem(text: str, line: int, column: int) -> None:
    """A mapping or sequence used as a key is refused at the key."""
    message = (
        "khóa phải là một chuỗi văn bản, không được là bảng hay danh sách; "
        'hãy viết dạng "khóa: giá trị" với khóa là một tên'
    )
    assert problems(text) == [(line, column, message)]


def test_problems_after_a_collection_key_are_still_found() -> None:
    """Parsing goes on after a bad key, so later duplicates are reported too."""
    assert [(line, col) for line, col, _ in problems("? [a]\n: 1\nb: 1\nb: 2\n")] == [
        (1, 3),
        (4, 1),
    ]


def test_key_indented_with_no_break_space_is_a_problem() -> None:
    """A key starting with U+00A0 (indentation pasted from Word) is refused at the key."""
    assert problems("a:\n\xa0\xa0b: 1\n") == [
        (
            2,
            1,
            "khóa bắt đầu bằng dấu cách không ngắt (U+00A0), thường lẫn vào khi sao chép từ "
            "Word hoặc trang web; hãy thay bằng dấu cách thường",
        )
    ]


# --------------------------------------------------------------------------- tags, anchors


@pytest.mark.parametrize(
    ("text", "column", "shown"),
    [
        ("a: !!python/object/apply:os.system ['ls']\n", 4, "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", 4, "!!python/name:os.system"),
        ("a: !!float 1.5\n", 4, "!!float"),
        ("a: !!int 1\n", 4, "!!int"),
        ("a: !!bool yes\n", 4, "!!bool"),
        ("a: !!null ''\n", 4, "!!null"),
        ("a: !!timestamp 2020-01-01\n", 4, "!!timestamp"),
        ("a: !!binary aGk=\n", 4, "!!binary"),
        ("a: !!map {b: 1}\n", 4, "!!map"),
        ("a: !!seq [1]\n", 4, "!!seq"),
        ("a: !!set {b}\n", 4, "!!set"),
        ("a: !!omap [{b: 1}]\n", 4, "!!omap"),
        ("a: !!str [1]\n", 4, "!!str"),
        ("a: !foo x\n", 4, "!foo"),
        ("a: ! x\n", 4, "!"),
        ("a: !<tag:yaml.org,2002:int> 1\n", 4, "!!int"),
        ("a: !<tag:example.com,2000:x> 1\n", 4, "tag:example.com,2000:x"),
        ("a: !e!x 1\n", 4, "!e!x"),
        ("!!int 1: a\n", 1, "!!int"),
    ],
)
def test_refused_tags(text: str, column: int, shown: str) -> None:
    """Every tag but !!str is refused at the node, shown as written (!! prefix restored)."""
    assert problems(text) == [(1, column, tag_message(shown))]


def test_tag_declared_by_directive_is_refused() -> None:
    """A %TAG-declared handle expands to its URI and is refused like any tag."""
    text = "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n"
    assert problems(text) == [(3, 4, tag_message("tag:example.com,2000:x"))]


def test_every_refused_tag_in_a_file_is_reported() -> None:
    """Tag problems do not stop parsing: each tagged node gets its own problem."""
    assert problems("a: !!int 1\nb: !!float 2\n") == [
        (1, 4, tag_message("!!int")),
        (2, 4, tag_message("!!float")),
    ]


def test_billion_laughs_is_refused_quickly() -> None:
    """An alias bomb is refused at its first anchor, without expanding anything."""
    lol = ", ".join(['"lol"'] * 9)
    lines = [f"a: &a [{lol}]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    found = problems("\n".join(lines) + "\n")
    assert found == [(1, 4, MSG_ANCHOR)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: &x 1\n", 1, 4),
        ("a: &x 1\nb: &y 2\nc: *x\n", 1, 4),
        ("a: 1\nb: *x\n", 2, 4),
        ("a:\n  &x b: 1\n", 2, 3),
        ("- &x [1]\n", 1, 3),
        ("a: {b: 1}\nc:\n  <<: *x\n", 3, 7),
        ("*x : 1\n", 1, 1),
    ],
)
def test_anchors_and_aliases_are_refused_once(text: str, line: int, column: int) -> None:
    """The first anchor or alias (merge keys included) is the one problem reported."""
    assert problems(text) == [(line, column, MSG_ANCHOR)]


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\n---\nb: 2\n", 2), ("--- a\n--- b\n", 2), ("a: 1\n---\n", 2), ("a: 1\n...\n---\n", 3)],
)
def test_second_document_is_a_problem(text: str, line: int) -> None:
    """A second document is reported at its start."""
    assert problems(text) == [(line, 1, MSG_SECOND_DOCUMENT)]


def test_explicit_start_and_end_of_one_document_are_fine() -> None:
    """A single document with '---' and '...' markers is accepted."""
    assert parse("---\na: 1\n...\n") == {"a": "1"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n",
        b"   \n",
        b"# ghi ch\xc3\xba\n# more\n",
        b"~\n",
        b"null",
        b"---\n",
        b"\xef\xbb\xbf",
    ],
)
def test_empty_comment_only_or_null_file_gives_none(data: bytes) -> None:
    """Files with no content (or only null) parse to None; the caller decides what that means."""
    result, source = parse_yaml(data, PATH)
    assert result is None
    assert source.path == PATH
    assert source.at(()).line >= 1


# --------------------------------------------------------------------------- bytes


def test_utf8_bom_is_stripped_without_shifting_positions() -> None:
    """A leading UTF-8 BOM is dropped; line 1 column 1 is the first character after it."""
    result, source = parse_yaml(b"\xef\xbb\xbfa: 1\nb:\n", PATH)
    assert result == {"a": "1", "b": None}
    assert source.key_at(("a",)) == Position(PATH, 1, 1)
    assert source.at(("a",)) == Position(PATH, 1, 4)
    assert problems(b"\xef\xbb\xbfa: b: c\n")[0][:2] == (1, 5)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_line_endings_keep_line_numbers(newline: bytes) -> None:
    """Windows (CRLF) and old Mac (CR) line endings count one line each."""
    data = newline.join([b"a: 1", b"b:", b"  - x", b"  - 'y'", b""])
    result, source = parse_yaml(data, PATH)
    assert result == {"a": "1", "b": ["x", "y"]}
    assert source.at(("b", 1)) == Position(PATH, 4, 5)
    bad = newline.join([b"a: 1", b"b: 2", b"c: d: e", b""])
    assert problems(bad)[0][:2] == (3, 5)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("a: 1\n".encode("utf-16"), "UTF-16"),
        (b"\xfe\xff" + "a: 1\n".encode("utf-16-be"), "UTF-16"),
        ("a: 1\n".encode("utf-32"), "UTF-32"),
        (b"\x00\x00\xfe\xff" + "a: 1\n".encode("utf-32-be"), "UTF-32"),
    ],
)
def test_utf16_or_utf32_bom_is_refused(data: bytes, name: str) -> None:
    """A UTF-16/32 file is refused with advice to save it as UTF-8."""
    message = f"tệp không mã hóa UTF-8 (có dấu BOM của {name}); hãy lưu lại tệp với mã hóa UTF-8"
    assert problems(data) == [(1, 1, message)]


@pytest.mark.parametrize(
    ("data", "column", "byte"),
    [
        (b"a: 1\nb: H\xc3\xb2a\nc: Ph\xfa\n", 6, "0xfa"),
        (b"a: 1\nb: 2\nc: H\xc3\xb2a B\xc3\xacnh \xff\n", 13, "0xff"),
        (b"a: 1\r\nb: 2\r\n\xc3(\n", 1, "0xc3"),
        (b"a: 1\nb: 2\nc: \xed\xa0\x80\n", 4, "0xed"),
    ],
)
def test_invalid_utf8_is_reported_at_the_bad_byte(data: bytes, column: int, byte: str) -> None:
    """Undecodable bytes are reported at their line and character column (here line 3)."""
    message = (
        f"tệp không phải UTF-8 hợp lệ: byte {byte} không đọc được; hãy lưu lại tệp với mã hóa UTF-8"
    )
    assert problems(data) == [(3, column, message)]


def test_nul_byte_is_refused_at_its_position() -> None:
    """A NUL byte is refused where it is, hinting at a wrong encoding."""
    assert problems(b"a: 1\nb: x\x00y\n") == [
        (
            2,
            5,
            "ký tự NUL (U+0000) không được phép trong tệp dữ liệu; tệp có thể bị hỏng hoặc "
            "được lưu bằng mã hóa UTF-16 — hãy lưu lại tệp với mã hóa UTF-8",
        )
    ]


@pytest.mark.parametrize(
    ("char", "kind", "code"),
    [
        ("\x07", "ký tự điều khiển", "0007"),
        ("\x1b", "ký tự điều khiển", "001B"),
        ("\x7f", "ký tự điều khiển", "007F"),
        ("\x80", "ký tự điều khiển", "0080"),
        ("\ufffe", "ký tự không hợp lệ", "FFFE"),
    ],
)
def test_control_characters_are_refused_at_their_position(char: str, kind: str, code: str) -> None:
    """Characters YAML forbids are named by code point at their line and column."""
    message = (
        f"{kind} U+{code} không được phép trong tệp dữ liệu; hãy xóa ký tự này "
        "(thường lẫn vào khi sao chép từ phần mềm khác)"
    )
    assert problems(f"tên: Hòa{char}\n") == [(1, 9, message)]


def test_bom_inside_the_text_is_refused() -> None:
    """A U+FEFF left in the middle of the file (pasted files) is named at its position."""
    assert problems("a: 1\n\ufeffb: 2\n") == [
        (
            2,
            1,
            "ký tự vô hình U+FEFF (dấu BOM) nằm giữa tệp, thường do ghép nối nhiều tệp hoặc "
            "sao chép; hãy xóa ký tự này",
        )
    ]


def test_huge_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_yaml refuses data over MAX_FILE_BYTES, giving sizes in MB with a decimal comma."""
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", MIB)
    assert problems(b"a: 1\n" + b" " * (MIB + MIB // 2 - 5)) == [
        (1, 1, "tệp quá lớn (1,5 MB); tối đa 1 MB cho một tệp dữ liệu")
    ]
    assert parse(b"a: 1" + b" " * (MIB - 4)) == {"a": "1"}


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    """read_file refuses a 25,3 MB (sparse) file from its size alone."""
    big = tmp_path / "lon.yaml"
    with big.open("wb") as handle:
        handle.truncate(int(25.3 * MIB))
    with pytest.raises(DataError) as info:
        read_file(big, "lon.yaml")
    assert [(p.position, p.message) for p in info.value.problems] == [
        (Position("lon.yaml", 1, 1), "tệp quá lớn (25,3 MB); tối đa 20 MB cho một tệp dữ liệu")
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("khong_co.yaml", "không đọc được tệp: tệp không tồn tại; hãy kiểm tra đường dẫn"),
        (".", "không đọc được tệp: đây không phải là tệp thông thường"),
    ],
)
def test_unreadable_file_is_a_data_error(tmp_path: Path, name: str, message: str) -> None:
    """A missing file or a directory becomes a DataError with a Vietnamese reason."""
    with pytest.raises(DataError) as info:
        read_file(tmp_path / name, "x.yaml")
    assert [(p.position, p.message) for p in info.value.problems] == [
        (Position("x.yaml", 1, 1), message)
    ]


# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a:\n\tb: 1\n", 2, 1),
        ("a: 1\n\tb: 2\n", 2, 1),
        ("a:\n  b: 1\n \tc: 2\n", 3, 2),
        ("a:\n  - b\n\t- c\n", 3, 1),
        ("- a\n-\tb\n", 2, 2),
        ("a: |\n\tx\n", 2, 1),
        ("a: >\n  x\n \ty\n", 3, 2),
        ("\ta: 1\n", 1, 1),
    ],
)
def test_tab_indentation_is_explained(text: str, line: int, column: int) -> None:
    """Whatever libyaml error a tab in the indentation causes, the message says to use spaces."""
    assert problems(text) == [(line, column, MSG_TAB)]


def test_tabs_outside_indentation_are_fine() -> None:
    """Tabs as separators after ':' and inside quoted text or flow collections are accepted."""
    assert parse('a:\tb\nc: "x\ty"\nd: [1,\n\t2]\n') == {"a": "b", "c": "x\ty", "d": ["1", "2"]}


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_is_reported_at_the_opening_quote(quote: str) -> None:
    """An unclosed quoted string is reported where it opens, not at the end of the file."""
    message = (
        f"chuỗi mở bằng dấu {quote} ở đây chưa được đóng: không tìm thấy dấu {quote} đóng "
        f"trước khi hết tệp; hãy thêm dấu {quote} ở cuối giá trị"
    )
    assert problems(f"a: 1\nb: {quote}Hòa\nc: 2\n") == [(2, 4, message)]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        pytest.param(
            "a: b: c\n",
            1,
            5,
            'dấu ":" không được phép ở đây (có thể thiếu dấu cách sau ":", '
            "hoặc cần đặt giá trị trong dấu ngoặc kép)",
            id="mapping-values",
        ),
        pytest.param(
            "a: 1\nb\n",
            2,
            1,
            'không tìm thấy dấu ":" sau khóa; mỗi dòng trong bảng phải có dạng "khóa: giá trị" '
            "(nếu đây là phần tiếp của giá trị ở dòng trên, hãy đặt cả giá trị trong dấu "
            "ngoặc kép)",
            id="missing-colon",
        ),
        pytest.param(
            'a:\n  b: "x" y\n',
            2,
            10,
            "không tìm thấy khóa như mong đợi: dòng này thụt lề không thẳng hàng với các khóa "
            "cùng cấp, hoặc có nội dung thừa sau giá trị; các khóa cùng cấp phải thẳng hàng, "
            'mỗi dòng một cặp "khóa: giá trị"',
            id="expected-key",
        ),
        pytest.param(
            "- a\nb: 1\n",
            2,
            1,
            'thiếu dấu "-" ở đầu mục danh sách: các mục cùng cấp của một danh sách phải cùng '
            'bắt đầu bằng "- " và thẳng hàng với nhau',
            id="expected-dash",
        ),
        pytest.param(
            "a: ]\n",
            1,
            4,
            'thiếu giá trị ở đây (ký tự "]" không thể bắt đầu một giá trị); hãy ghi giá trị, '
            "hoặc đặt giá trị trong dấu ngoặc kép nếu nó chứa ký tự đặc biệt",
            id="node-content",
        ),
        pytest.param(
            "a: [\n",
            2,
            1,
            "thiếu giá trị: tệp kết thúc khi giá trị chưa được ghi (có thể thiếu dấu ngoặc "
            "đóng ] hoặc }); hãy ghi giá trị hoặc đóng các dấu ngoặc",
            id="node-content-at-end",
        ),
        pytest.param(
            "a: @x\n",
            1,
            4,
            'ký tự "@" không thể bắt đầu một giá trị ở đây (YAML dành riêng ký tự này); '
            "hãy đặt giá trị trong dấu ngoặc kép",
            id="cannot-start-token",
        ),
        pytest.param(
            'a: "C:\\Users\\x"\n',
            1,
            9,
            'dấu "\\" trong chuỗi ngoặc kép bắt đầu một ký tự thoát không hợp lệ (ví dụ đường '
            'dẫn "C:\\Users"); hãy viết "\\\\" thay cho mỗi dấu "\\", hoặc dùng dấu nháy đơn '
            "'...' thay cho ngoặc kép",
            id="hex-escape",
        ),
        pytest.param(
            'a: "x\\qy"\n',
            1,
            6,
            'dấu "\\" trong chuỗi ngoặc kép bắt đầu một ký tự thoát không hợp lệ (ví dụ đường '
            'dẫn "C:\\Users"); hãy viết "\\\\" thay cho mỗi dấu "\\", hoặc dùng dấu nháy đơn '
            "'...' thay cho ngoặc kép",
            id="unknown-escape",
        ),
        pytest.param(
            "a: - b\n",
            1,
            4,
            'dấu "-" (mục danh sách) không được phép ở đây; danh sách phải bắt đầu ở dòng mới '
            'và thụt lề dưới khóa của nó (ví dụ "khóa:" rồi xuống dòng "  - mục"); nếu "-" là '
            "một phần của văn bản, hãy đặt giá trị trong dấu ngoặc kép",
            id="block-sequence-entry",
        ),
        pytest.param(
            "a: ? b\n",
            1,
            4,
            'dấu "?" không được phép ở đây; nếu giá trị bắt đầu bằng "?", hãy đặt giá trị '
            "trong dấu ngoặc kép",
            id="mapping-key-indicator",
        ),
        pytest.param(
            "a: !<foo x\n",
            1,
            9,
            'thẻ YAML (bắt đầu bằng "!") viết sai và không được phép trong tệp dữ liệu; nếu '
            'giá trị bắt đầu bằng "!", hãy đặt giá trị trong dấu ngoặc kép',
            id="bad-tag",
        ),
        pytest.param("a: !e!x y\n", 1, 4, tag_message("!e!x"), id="undefined-tag-handle"),
        pytest.param(
            "a: * x\n",
            1,
            5,
            'ký tự "*" ở đầu giá trị là ký hiệu bí danh của YAML nhưng không có tên hợp lệ '
            "theo sau; nếu đây là văn bản, hãy đặt giá trị trong dấu ngoặc kép",
            id="alias-without-name",
        ),
        pytest.param(
            "a: & x\n",
            1,
            5,
            'ký tự "&" ở đầu giá trị là ký hiệu neo của YAML nhưng không có tên hợp lệ theo '
            "sau; nếu đây là văn bản, hãy đặt giá trị trong dấu ngoặc kép",
            id="anchor-without-name",
        ),
        pytest.param(
            "a: | x\n  y\n",
            1,
            6,
            'sau dấu "|" (khối văn bản nhiều dòng) không được ghi gì thêm trên cùng dòng ngoài '
            '"-", "+" hoặc một chữ số 1–9; hãy xuống dòng và thụt lề nội dung (nếu đây là văn '
            "bản thường, hãy đặt trong dấu ngoặc kép)",
            id="block-scalar-header",
        ),
        pytest.param(
            "a: >0\n  y\n",
            1,
            5,
            'sau dấu ">" (khối văn bản nhiều dòng) không được ghi gì thêm trên cùng dòng ngoài '
            '"-", "+" hoặc một chữ số 1–9; hãy xuống dòng và thụt lề nội dung (nếu đây là văn '
            "bản thường, hãy đặt trong dấu ngoặc kép)",
            id="block-scalar-indent-zero",
        ),
        pytest.param(
            "a: [1, 2\nb: 3\n",
            2,
            2,
            'danh sách trong ngoặc vuông mở ở dòng 1 chưa đúng: thiếu dấu "," giữa các mục '
            'hoặc thiếu dấu "]" đóng; nếu một mục chứa ",", "[" hoặc "]", hãy đặt mục đó '
            "trong dấu ngoặc kép",
            id="flow-sequence",
        ),
        pytest.param(
            "a: {b: 1 c: 2}\n",
            1,
            11,
            'bảng trong ngoặc nhọn mở ở dòng 1 chưa đúng: thiếu dấu "," giữa các cặp "khóa: '
            'giá trị" hoặc thiếu dấu "}" đóng; nếu một giá trị chứa ",", "{" hoặc "}", hãy '
            "đặt giá trị đó trong dấu ngoặc kép",
            id="flow-mapping",
        ),
        pytest.param(
            "a: 1\n...\nb: 2\n",
            3,
            1,
            'nội dung thừa sau khi tài liệu YAML đã kết thúc (sau dòng "..." hoặc sau một giá '
            "trị trong ngoặc [ ] / { } ở cấp ngoài cùng); hãy xóa phần thừa — mỗi tệp chỉ "
            "chứa một tài liệu",
            id="document-start",
        ),
        pytest.param(
            'a: "x\n---\ny"\n',
            2,
            1,
            'dòng bắt đầu bằng "---" hoặc "..." nằm trong chuỗi ngoặc kép mở ở dòng 1; hãy '
            "đóng dấu ngoặc kép trước dòng này hoặc thụt lề dòng này",
            id="document-indicator-in-quotes",
        ),
        pytest.param(
            "%YAML 2.0\n---\na: 1\n",
            1,
            1,
            'chỉ thị YAML (dòng bắt đầu bằng "%") không được dùng trong tệp dữ liệu; hãy xóa '
            'dòng này (nếu đây là giá trị bắt đầu bằng "%", hãy đặt trong dấu ngoặc kép)',
            id="directive",
        ),
    ],
)
def test_syntax_errors_are_translated(text: str, line: int, column: int, message: str) -> None:
    """Each libyaml syntax error is explained in Vietnamese at the right place."""
    assert problems(text) == [(line, column, message)]


def test_unknown_syntax_error_keeps_the_original_text() -> None:
    """An error string missing from the table is shown as 'lỗi cú pháp YAML: <English>'."""
    mark = yaml.Mark("x", 0, 0, 2, None, 0)
    exc = yaml.scanner.ScannerError("while testing", mark, "a brand new complaint", mark)
    problem = yamltree._syntax_problem(exc, "ab\n", PATH)
    assert (problem.position, problem.message) == (
        Position(PATH, 1, 3),
        "lỗi cú pháp YAML: a brand new complaint",
    )


def test_problems_before_a_syntax_error_are_kept() -> None:
    """Duplicate keys, tags and anchors found before a syntax error are reported with it."""
    found = problems("a: 1\na: 2\nb: !!int 3\nc: &x 4\nd: e: f\n")
    assert [(line, col) for line, col, _ in found] == [(2, 1), (3, 4), (4, 4), (5, 5)]
    assert found[-1][2].startswith('dấu ":" không được phép ở đây')


@pytest.mark.parametrize(
    "text", ["[" * 100_000, "{a: " * 100_000, "- " * 100_000 + "x", "a:\n" + "- " * 50_000]
)
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    """Hostile nesting ends in the depth problem quickly, never in a RecursionError."""
    found = problems(text)
    assert len(found) == 1
    assert found[0][2] == MSG_TOO_DEEP


def test_nesting_up_to_the_limit_is_accepted() -> None:
    """Exactly MAX_DEPTH nested collections are fine; one more is refused."""
    limit = yamlio.MAX_DEPTH
    result = parse("[" * limit + "]" * limit)
    for _ in range(limit - 1):
        assert isinstance(result, list)
        result = result[0]
    assert result == []
    assert problems("[" * (limit + 1) + "]" * (limit + 1)) == [(1, limit + 1, MSG_TOO_DEEP)]


# --------------------------------------------------------------------------- parsers


AGREEMENT_CASES = [
    "a: no\nb: 010\nc: [1:30, ~, '']\nd:\n  e: |\n    x\n",
    "- Ho\u0300a\n- {k: v}\n-\n- 'null'\n",
    "a: 1\r\nb: 2\r\n",
    "ma: 1\nma: 2\nx: !!int 3\ny: &a 1\n",
    "",
]


@pytest.mark.parametrize("text", AGREEMENT_CASES)
def test_pure_python_parser_agrees_with_libyaml(text: str) -> None:
    """Without libyaml the same data, positions and semantic problems come out."""

    def run() -> tuple[object, object]:
        try:
            result, source = parse_yaml(text.encode(), PATH)
        except DataError as exc:
            return "error", exc.problems
        return result, (source.values, source.keys)

    with_libyaml = run()
    with pure_python_parser():
        assert run() == with_libyaml


def test_libyaml_is_used_when_available() -> None:
    """The fast libyaml parser is picked whenever pyyaml was built with it."""
    assert (yamltree._LIBYAML is not None) == yaml.__with_libyaml__


# --------------------------------------------------------------------------- properties


def assert_outcome_is_clean(data: bytes) -> None:
    """parse_yaml returns plain data or raises DataError with well-formed problems."""
    try:
        result, source = parse_yaml(data, PATH)
    except DataError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.position.path == PATH
            assert problem.position.line >= 1
            assert problem.position.column >= 1
            assert problem.message
            assert unicodedata.is_normalized("NFC", problem.message)
        return
    pending = [result]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            assert all(type(k) is str and unicodedata.is_normalized("NFC", k) for k in node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        else:
            assert node is None or (type(node) is str and unicodedata.is_normalized("NFC", node))
    assert all(p.line >= 1 and p.column >= 1 for p in map(source.at, source.values))


FRAGMENTS = [
    ":", ": ", "-", "- ", "&", "&a ", "*", "*a", "!", "!!", "!!str ", "!!int ", "!e!", "?",
    '"', "'", "\\", "\t", "\n", "\r\n", "\r", " ", "  ", "{", "}", "[", "]", ",", "|", ">",
    "#", "%", "@", "`", "---", "...", "~", "null", "<<", "a", "b", "ma", "1", "0x1", "tên",
    "Hòa", "Ho\u0300a", "đ", "\xa0", "\u2028", "\x85", "\ufeff", "\x00", "\x07", "😀",
]  # fmt: skip

yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_data_or_data_error(data: bytes) -> None:
    """Any bytes: a result or DataError with positioned, non-empty problems; nothing else."""
    assert_outcome_is_clean(data)


@settings(max_examples=200, deadline=None)
@given(yamlish, st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_yamlish_text_gives_data_or_data_error(text: str, prefix: bytes) -> None:
    """YAML-like fragments: a result or DataError with positioned problems; nothing else."""
    assert_outcome_is_clean(prefix + text.encode("utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=None)
@given(yamlish)
def test_yamlish_text_with_pure_python_parser(text: str) -> None:
    """The pure-Python fallback keeps the same promise on YAML-like fragments."""
    with pure_python_parser():
        assert_outcome_is_clean(text.encode("utf-8"))


def _indent_message(column: int, expected: str) -> str:
    return (
        f"lỗi thụt lề: dòng này thụt vào {column} dấu cách, các khóa cùng cấp ở trên "
        f"thụt {expected}; hãy thụt dòng này thẳng hàng với các khóa cùng cấp với nó "
        '(chỉ dùng dấu cách; không thêm dấu "-")'
    )


INDENTATION_CASES = [
    pytest.param(
        "a:\n    b: 1\n     c: 2\n", 3, 6, _indent_message(5, "4 (hoặc 0)"), id="5-after-4"
    ),
    pytest.param("a:\n    b: 1\n   c: 2\n", 3, 4, _indent_message(3, "4 (hoặc 0)"), id="3-after-4"),
    pytest.param(
        "a:\n  - x: 1\n    y: 2\n   z: 3\n", 4, 4, _indent_message(3, "4 (hoặc 2)"), id="list-3"
    ),
    pytest.param(
        "a:\n  - x: 1\n    y: 2\n     z: 3\n", 4, 6, _indent_message(5, "4 (hoặc 2)"), id="list-5"
    ),
    pytest.param("a:\n  b: 1\n c: 2\n", 3, 2, _indent_message(1, "2 (hoặc 0)"), id="1-after-2"),
    pytest.param("a: 1\n b: 2\n", 2, 2, _indent_message(1, "0"), id="top-level"),
    pytest.param(
        "a:\n  b: |\n     text\n  # note\n\n  c: 1\n   d: 2\n",
        7,
        4,
        _indent_message(3, "2 (hoặc 0)"),
        id="block-scalar-and-comment-skipped",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), INDENTATION_CASES)
def test_misindented_key_is_reported_as_indentation(
    text: str, line: int, column: int, message: str
) -> None:
    """A key off its siblings' column is an indentation problem, not a ":" or "-" one."""
    assert problems(text) == [(line, column, message)]


@pytest.mark.parametrize(("text", "line", "column", "message"), INDENTATION_CASES)
def test_misindented_key_pure_python_parser(
    text: str, line: int, column: int, message: str
) -> None:
    with pure_python_parser():
        assert problems(text) == [(line, column, message)]


def test_aligned_key_keeps_the_colon_message() -> None:
    """The indentation diagnosis does not replace a real misplaced ":"."""
    assert problems("a:\n  b: c: d\n") == [
        (
            2,
            7,
            'dấu ":" không được phép ở đây (có thể thiếu dấu cách sau ":", '
            "hoặc cần đặt giá trị trong dấu ngoặc kép)",
        )
    ]
