"""The one table of what typer writes in English and what a ``thidua`` user reads instead.

Each row is ``key: Row(english, vietnamese)``. ``english`` is the text typer 0.29 (or the
click it vendors, or pydantic behind a bad value) writes, with its variable parts as fields:
``{name!r}`` stands for a value click quotes with ``repr()``, ``{name}`` for any text.
``vietnamese`` is what :mod:`thidua.cli.locale` writes instead: the same fields for a
row recognised by its English, the exception's own for the others; ``{name!q}`` quotes
a value the way thidua shows what the user typed (``'2021'``). A row whose ``english`` is
empty is thidua's own wording, with no English counterpart.

The key's prefix says how the code uses the row:

- ``usage.``, ``heading.``, ``help.``, ``marker.``, ``type.``: help screens, looked up by
  the English text the formatter is handed;
- ``message.``: errors click raises with nothing but an English message (the parser's,
  the group's), recognised by matching ``english``;
- ``value.``: why a value was refused, when no pydantic error is behind it, recognised by
  matching ``english``;
- ``error.``, ``param.``, ``suggest.``: built from the exception's fields (its class, its
  parameter, the pydantic error behind it); ``english`` is what typer would have written.

``tests/test_cli_locale.py`` provokes every row with an ``english`` through a small typer
app, once plain (the English must still be what typer writes) and once in Vietnamese (the
output must be the row's Vietnamese): an upgrade that rewords a message fails a test
instead of showing English. Only what thidua's own commands can show is here: int, str,
Path, flag and choice parameters, arguments and options; no bounds, tuples, files or dates.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    english: str
    vietnamese: str


TABLE: dict[str, Row] = {
    # --- help screens ---------------------------------------------------------------------
    "usage.prefix": Row("Usage: ", "Cách dùng: "),
    "usage.options": Row("[OPTIONS]", "[TÙY CHỌN]"),
    "usage.command": Row("COMMAND", "LỆNH"),
    "usage.args": Row("[ARGS]...", "[THAM SỐ]..."),
    "heading.arguments": Row("Arguments", "Tham số"),
    "heading.options": Row("Options", "Tùy chọn"),
    "heading.commands": Row("Commands", "Lệnh"),
    "help.option": Row("Show this message and exit.", "Hiện hướng dẫn này rồi thoát."),
    "help.deprecated": Row("(DEPRECATED)", "(đã lỗi thời)"),
    # The bracket typer appends to a parameter's help: [env var: X; default: y; required].
    "marker.default": Row("default: {value}", "mặc định: {value}"),
    "marker.env_var": Row("env var: {value}", "biến môi trường: {value}"),
    "marker.required": Row("required", "bắt buộc"),
    # Type labels typer derives from Python types (<int>, <list[int]> is shown as <int>).
    "type.int": Row("int", "số nguyên"),
    "type.str": Row("str", "chuỗi"),
    "type.path": Row("path", "đường dẫn"),
    # --- errors ---------------------------------------------------------------------------
    "error.prefix": Row("Error: ", "Lỗi: "),
    "error.hint": Row("Try '{command} {option}' for help.", "Xem thêm: {command} {option}"),
    "error.aborted": Row("Aborted!", "Đã hủy."),
    "error.usage": Row("", "cách gọi lệnh không đúng"),
    "error.other": Row("", "không thực hiện được"),
    "error.usage_quoting": Row("", "cách gọi lệnh không đúng: {value!q}"),
    "error.other_quoting": Row("", "không thực hiện được: {value!q}"),
    "message.option_needs_value": Row(
        "Option {name!r} requires an argument.", "tùy chọn {name} cần một giá trị"
    ),
    "message.option_takes_no_value": Row(
        "Option {name!r} does not take a value.", "tùy chọn {name} không nhận giá trị"
    ),
    "message.extra_arguments": Row(
        "Got unexpected extra argument(s) ({args})", "thừa tham số {args!q}"
    ),
    "message.missing_command": Row("Missing command.", "thiếu tên lệnh"),
    "error.no_such_command": Row("No such command {name!r}.", "không có lệnh {name!q}{suggest}"),
    "error.no_such_option": Row("No such option: {name}", "không có tùy chọn {name}{suggest}"),
    "suggest.command": Row("Did you mean {names}?", " (có phải ý bạn là {names}?)"),
    "suggest.option": Row("(Possible options: {names})", " (có phải ý bạn là {names}?)"),
    "suggest.or": Row("", "{names} hay {last}"),
    "param.option": Row("", "tùy chọn {name}"),
    "param.argument": Row("", "tham số {name}"),
    "error.missing": Row("Missing {kind} {name!r}.", "thiếu {param}{reason}{choices}"),
    "error.invalid_value": Row("Invalid value for {name!r}: {reason}", "{param}: {reason}"),
    "error.invalid_value_unnamed": Row("Invalid value: {reason}", "{reason}"),
    "error.not_an_integer": Row(
        "Input should be a valid integer, unable to parse string as an integer",
        "{value!q} không phải là số nguyên",
    ),
    "error.not_a_choice": Row(
        "Value error, {value!r} is not one of {choices}.",
        "{value!q} không phải là một lựa chọn hợp lệ{choices}",
    ),
    "error.choose_from": Row("", " (chọn một trong: {choices})"),
    "error.invalid": Row("", "{value!q} không phải là giá trị hợp lệ"),
    "error.invalid_unquoted": Row("", "giá trị không hợp lệ"),
    "value.path_not_readable": Row("path {name!r} is not readable.", "không đọc được {name!q}"),
}

# The pydantic error types behind a refused value, and the row that says why in Vietnamese.
PYDANTIC_ERRORS: dict[str, str] = {
    "int_parsing": "error.not_an_integer",
    "int_type": "error.not_an_integer",
    "int_from_float": "error.not_an_integer",
}
