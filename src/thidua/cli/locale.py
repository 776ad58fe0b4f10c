"""Vietnamese help screens and usage errors for the ``thidua`` command.

typer 0.29 vendors click as ``typer._click``, whose help screens and usage errors are
hard-coded English. Everything a user of ``thidua`` reads is Vietnamese, so:

- :class:`VietnameseGroup` (``typer.Typer(cls=VietnameseGroup)``) gives itself and every
  subcommand a :class:`VietnameseContext`, whose :class:`VietnameseFormatter` writes the
  usage prefix and metavars, the section headings, the help option's text, the
  ``[default: …]`` / ``[env var: …]`` / ``[required]`` markers and the type labels in
  Vietnamese. Commands keep being registered with a plain ``app.command()``.
- The group turns every click error raised while parsing or dispatching into a
  :class:`LocalizedUsageError` (exit 2) or :class:`LocalizedError` (the original exit
  code), whose ``show()`` prints ``Lỗi: …`` and where to read the help. The translation
  lives in the group, not in ``main()``, so ``CliRunner().invoke(app, …)`` shows it too.

Messages are built from the exception's structure (its class, its parameter, the pydantic
error behind a bad value) rather than by parsing English; a table of click's English
patterns covers the rest, and an unknown English message still becomes a generic
Vietnamese one that quotes the offending value. A message that is already Vietnamese
(non-ASCII, e.g. a ``typer.BadParameter`` raised by thidua itself) passes through.

Help output is forced to the plain (non-rich) formatter: rich's panels carry their own
English titles. Only modules typer has already imported are used: start-up stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from enum import Enum
from typing import IO, Any

import typer
from typer._click.core import Command, Context
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort, Exit

ERROR_PREFIX = "Lỗi: "
HELP_HINT = "Xem thêm: {command} {option}"
ABORTED = "Đã hủy."
USAGE_PREFIX = "Cách dùng: "
HELP_OPTION_TEXT = "Hiện hướng dẫn này rồi thoát."

# What typer/click write, and what the user reads instead.
_CLICK_HELP_OPTION_TEXT = "Show this message and exit."
_HEADINGS = {"Options": "Tùy chọn", "Arguments": "Tham số", "Commands": "Lệnh"}
_USAGE_TOKENS = {"[OPTIONS]": "[TÙY CHỌN]", "COMMAND": "LỆNH", "[ARGS]...": "[THAM SỐ]..."}
_MARKER_PREFIXES = (("default: ", "mặc định: "), ("env var: ", "biến môi trường: "))
_MARKER_WORDS = {"required": "bắt buộc"}
_MARKER_VALUES = {"(dynamic)": "(tính lúc chạy)"}
_TYPE_LABELS = {
    "int": "số nguyên",
    "float": "số",
    "Decimal": "số",
    "str": "chuỗi",
    "path": "đường dẫn",
    "file": "tệp",
    "dir": "thư mục",
    "datetime": "ngày giờ",
    "bool": "true|false",
}
_PATH_KINDS = {"file": "tệp", "dir": "thư mục", "path": "đường dẫn"}


# --- help screens --------------------------------------------------------------------------


def _deprecated(text: str) -> str:
    return text.replace("(DEPRECATED)", "(đã lỗi thời)").replace("(DEPRECATED: ", "(đã lỗi thời: ")


def vietnamese_definition(text: str) -> str:
    """The help column of an option, argument or command, with click's markers translated.

    typer appends ``  [default: x; env var: Y; required]`` to a parameter's help; the
    bracket is only rewritten when it holds such markers, so a help text of the project's
    own that happens to end in ``]`` stays as written.
    """
    if text == _CLICK_HELP_OPTION_TEXT:
        return HELP_OPTION_TEXT
    text = _deprecated(text)
    if not text.endswith("]"):
        return text
    start = text.rfind("  [")
    if start >= 0:
        head, inner = text[: start + 2], text[start + 3 : -1]
    elif text.startswith("["):
        head, inner = "", text[1:-1]
    else:
        return text
    items = inner.split("; ")
    translated = [_marker(item) for item in items]
    if translated == items:
        return text
    return f"{head}[{'; '.join(translated)}]"


def _marker(item: str) -> str:
    if item in _MARKER_WORDS:
        return _MARKER_WORDS[item]
    for english, vietnamese in _MARKER_PREFIXES:
        if item.startswith(english):
            value = item[len(english) :]
            return vietnamese + _MARKER_VALUES.get(value, value)
    return item


def vietnamese_term(text: str) -> str:
    """The name column of an option or argument, with its ``<type>`` label translated.

    Labels typer derives from Python types (``<int>``, ``<list[int]>``, ``<path>``) become
    Vietnamese; choices (``<text|json>``) and the project's own metavars stay as written.
    A list is shown as its element type: ``...`` after the name already says "repeatable".
    """
    return re.sub(r"<([^<>]+)>", lambda m: f"<{_type_label(m[1])}>", text)


def _type_label(label: str) -> str:
    while label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    label = label.removesuffix(" range")
    return ",".join(_TYPE_LABELS.get(part, part) for part in label.split(","))


class VietnameseFormatter(HelpFormatter):
    """click's plain help formatter, writing Vietnamese boilerplate."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = " ".join(_USAGE_TOKENS.get(token, token) for token in args.split(" "))
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_text(self, text: str) -> None:
        super().write_text(_deprecated(text))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(vietnamese_term(term), vietnamese_definition(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class VietnameseContext(Context):
    """A context that formats help in Vietnamese and owns the errors its parsing raises."""

    formatter_class = VietnameseFormatter

    @contextmanager
    def scope(self, cleanup: bool = True) -> Iterator[Context]:
        # click's option parser raises some errors ("--data" without a value) with no
        # context; the command they belong to is the one being parsed in this scope.
        try:
            with super().scope(cleanup) as ctx:
                yield ctx
        except UsageError as exc:
            if exc.ctx is None:
                exc.ctx = self
            raise


ARGUMENT_METAVARS = {
    "year": "NĂM",
    "years": "NĂM",
    "unit": "ĐƠN_VỊ",
    "doc": "VĂN_BẢN",
    "rev_a": "PHIÊN_BẢN_A",
    "rev_b": "PHIÊN_BẢN_B",
    "folder": "THƯ_MỤC",
    "file": "TỆP",
}


def localize(command: Command) -> None:
    """Make ``command`` (and, for a plain typer group, its subcommands) speak Vietnamese.

    Idempotent. A command with a context class of its own is left alone.
    """
    if command.context_class is Context:
        command.context_class = VietnameseContext
    for param in command.params:
        # Positional arguments are shown by name in usage lines and errors: name them in
        # Vietnamese unless the command chose a metavar itself.
        if param.param_type_name == "argument" and not getattr(param, "metavar", None):
            metavar = ARGUMENT_METAVARS.get(param.name or "")
            if metavar is not None:
                param.metavar = metavar
    if isinstance(command, TyperCommand | TyperGroup):
        # rich's help panels and error boxes have English titles of their own.
        command.rich_markup_mode = None
    if isinstance(command, TyperGroup) and not isinstance(command, VietnameseGroup):
        for sub in command.commands.values():
            localize(sub)


# --- errors --------------------------------------------------------------------------------


class UnknownCommandError(UsageError):
    """No subcommand of that name; carries the close matches to suggest."""

    def __init__(self, name: str, suggestions: Sequence[str], ctx: Context | None) -> None:
        super().__init__(f"không có lệnh {_quote(name)}{_suggest(suggestions)}", ctx)
        self.name = name
        self.suggestions = list(suggestions)


class LocalizedUsageError(UsageError):
    """A usage error whose message is Vietnamese: ``Lỗi: …`` then where to read help."""

    def show(self, file: IO[Any] | None = None) -> None:
        lines = [ERROR_PREFIX + self.message]
        hint = _help_hint(self.ctx)
        if hint:
            lines.append(hint)
        typer.echo("\n".join(lines), file=file, err=file is None)


class LocalizedError(ClickException):
    """Any other click error, with its message in Vietnamese and its exit code kept."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        typer.echo(ERROR_PREFIX + self.message, file=file, err=file is None)


def _help_hint(ctx: Context | None) -> str | None:
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return None
    names = ctx.help_option_names
    option = next((n for n in names if n.startswith("--")), names[0])
    return HELP_HINT.format(command=ctx.command_path, option=option)


def localized(exc: ClickException) -> ClickException:
    """``exc`` as a Vietnamese error (the same object when there is nothing to translate)."""
    if isinstance(exc, LocalizedUsageError | LocalizedError | NoArgsIsHelpError):
        return exc  # already Vietnamese; or a help screen, written by our formatter
    message = vietnamese_message(exc)
    if isinstance(exc, UsageError):
        error: ClickException = LocalizedUsageError(message, exc.ctx)
    else:
        error = LocalizedError(message, exc.exit_code)
    error.exit_code = exc.exit_code
    return error


@contextmanager
def vietnamese_errors() -> Iterator[None]:
    """Re-raise click's errors in Vietnamese; an abort says so in Vietnamese, exit 1."""
    try:
        yield
    except ClickException as exc:
        error = localized(exc)
        if error is exc:
            raise
        raise error from exc
    except (Abort, EOFError):
        typer.echo(ABORTED, err=True)
        raise Exit(1) from None


def vietnamese_message(exc: ClickException) -> str:
    """The Vietnamese text of a click error, without the ``Lỗi: `` prefix."""
    if isinstance(exc, MissingParameter):
        return _missing(exc)
    if isinstance(exc, BadParameter):
        detail = _bad_value(exc)
        label = _param_label(exc.param) if exc.param is not None else _hint(exc.param_hint)
        return f"{label}: {detail}" if label else detail
    if isinstance(exc, NoSuchOption):
        return f"không có tùy chọn {exc.option_name}{_suggest(sorted(exc.possibilities or ()))}"
    for pattern, render in _MESSAGES:
        match = re.fullmatch(pattern, exc.message, re.DOTALL)
        if match:
            return render(match)
    if is_vietnamese(exc.message):
        return exc.message
    generic = "cách gọi lệnh không đúng" if isinstance(exc, UsageError) else "không thực hiện được"
    token = _quoted_token(exc.message)
    return f"{generic}: {_quote(token)}" if token is not None else generic


def is_vietnamese(message: str) -> bool:
    """Whether ``message`` is worded in Vietnamese, not merely quoting a Vietnamese value.

    click's English messages quote what the user typed (``'năm'``, ``(thừa)``), so only
    the text outside quotes and parentheses counts.
    """
    bare = re.sub(r"'[^']*'|\"[^\"]*\"|\([^()]*\)", "", message)
    return not bare.isascii()


def _suggest(names: Sequence[str]) -> str:
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} hay {names[-1]}"
    return f" (có phải ý bạn là {listed}?)"


def _quote(value: object) -> str:
    if not isinstance(value, str):
        return str(value)
    shown = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in value
    )
    return f"'{shown}'"


def _quoted_token(message: str) -> str | None:
    match = re.search(r"'([^']*)'|\"([^\"]*)\"", message)
    if match is None:
        return None
    return match[1] if match[1] is not None else match[2]


def _hint(param_hint: Sequence[str] | str | None) -> str:
    if param_hint is None:
        return ""
    return param_hint if isinstance(param_hint, str) else " / ".join(param_hint)


def _param_label(param: Any) -> str:
    """``tùy chọn --format`` or ``tham số year``, as the help screen names them."""
    if getattr(param, "param_type_name", None) == "option":
        opts = list(getattr(param, "opts", None) or [param.name])
        long = [opt for opt in opts if opt.startswith("--")]
        return f"tùy chọn {(long or opts)[0]}"
    return f"tham số {getattr(param, 'metavar', None) or param.name}"


def _choices(param: Any) -> list[str]:
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in choices]


def _choose_from(choices: Sequence[str]) -> str:
    return f" (chọn một trong: {', '.join(choices)})" if choices else ""


def _missing(exc: MissingParameter) -> str:
    if exc.param is not None:
        what = _param_label(exc.param)
    else:
        kind = {"option": "tùy chọn", "argument": "tham số"}.get(exc.param_type or "", "tham số")
        what = f"{kind} {_hint(exc.param_hint)}".rstrip()
    extra = f": {exc.message}" if is_vietnamese(exc.message) else ""
    return f"thiếu {what}{extra}{_choose_from(_choices(exc.param))}"


def _bad_value(exc: BadParameter) -> str:
    """Why the value was refused: from the pydantic error behind it, else click's text."""
    errors = getattr(exc.__cause__, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return _pydantic_detail(found[0], exc.param)
    for pattern, render in _VALUE_MESSAGES:
        match = re.fullmatch(pattern, exc.message, re.DOTALL)
        if match:
            return render(match)
    if is_vietnamese(exc.message):
        return exc.message
    token = _quoted_token(exc.message)
    return (
        f"{_quote(token)} không phải là giá trị hợp lệ"
        if token is not None
        else "giá trị không hợp lệ"
    )


_PYDANTIC_KINDS: dict[str, str] = {
    "int_parsing": "không phải là số nguyên",
    "int_type": "không phải là số nguyên",
    "int_from_float": "không phải là số nguyên",
    "float_parsing": "không phải là số",
    "float_type": "không phải là số",
    "decimal_parsing": "không phải là số",
    "decimal_type": "không phải là số",
    "bool_parsing": "không phải là giá trị đúng/sai (true, false, yes, no, 1, 0)",
    "bool_type": "không phải là giá trị đúng/sai (true, false, yes, no, 1, 0)",
    "datetime_parsing": "không phải là ngày giờ hợp lệ",
    "datetime_from_date_parsing": "không phải là ngày giờ hợp lệ",
    "date_parsing": "không phải là ngày hợp lệ",
    "date_from_datetime_parsing": "không phải là ngày hợp lệ",
    "uuid_parsing": "không phải là UUID hợp lệ",
}
_PYDANTIC_BOUNDS = {
    "greater_than_equal": ("ge", "phải lớn hơn hoặc bằng"),
    "greater_than": ("gt", "phải lớn hơn"),
    "less_than_equal": ("le", "phải nhỏ hơn hoặc bằng"),
    "less_than": ("lt", "phải nhỏ hơn"),
}


def _pydantic_detail(error: Any, param: Any) -> str:
    kind = str(error.get("type", ""))
    shown = _quote(error.get("input"))
    context = error.get("ctx") or {}
    if kind in _PYDANTIC_KINDS:
        return f"{shown} {_PYDANTIC_KINDS[kind]}"
    if kind in _PYDANTIC_BOUNDS and _PYDANTIC_BOUNDS[kind][0] in context:
        key, words = _PYDANTIC_BOUNDS[kind]
        return f"{shown} {words} {context[key]}"
    if kind != "value_error":
        return f"{shown} không phải là giá trị hợp lệ"
    reason = str(context.get("error", ""))
    choices = _choices(param)
    if not choices:
        # typer's choice check: "'x' is not one of 'a', 'b'."
        match = re.search(r"is not one of (.*)\.$", reason)
        choices = re.findall(r"'([^']*)'", match[1]) if match else []
    if choices:
        return f"{shown} không phải là một lựa chọn hợp lệ{_choose_from(choices)}"
    if is_vietnamese(reason):
        return reason  # a ValueError of the project's own, from a custom parser
    return f"{shown} không phải là giá trị hợp lệ"


_Render = Callable[[re.Match[str]], str]
_Q = r"['\"](.+)['\"]"  # click quotes names with repr(): '--x', or "it's" when needed

# Errors raised with only an English message (click's parser, typer's group).
_MESSAGES: list[tuple[str, _Render]] = [
    (
        rf"Option {_Q} requires an argument\.",
        lambda m: f"tùy chọn {m[1]} cần một giá trị",
    ),
    (
        rf"Option {_Q} requires (\d+) arguments\.",
        lambda m: f"tùy chọn {m[1]} cần {m[2]} giá trị",
    ),
    (
        rf"Option {_Q} does not take a value\.",
        lambda m: f"tùy chọn {m[1]} không nhận giá trị",
    ),
    (
        rf"Argument {_Q} takes (\d+) values\.",
        lambda m: f"tham số {m[1]} cần {m[2]} giá trị",
    ),
    (
        r"Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)",
        lambda m: f"thừa tham số {_quote(m[1])}",
    ),
    (r"Missing command\.", lambda m: "thiếu tên lệnh"),
    (
        rf"No such command {_Q}\.(?: Did you mean (.*)\?)?",
        lambda m: f"không có lệnh {_quote(m[1])}" + _suggest(re.findall(r"'([^']*)'", m[2] or "")),
    ),
    (
        r"No such option: (\S+)(?: \(Possible options: (.*)\))?",
        lambda m: f"không có tùy chọn {m[1]}" + _suggest((m[2] or "").split(", ") if m[2] else []),
    ),
]

# Why a value was refused, when no pydantic error is behind it (typer's path checks...).
_VALUE_MESSAGES: list[tuple[str, _Render]] = [
    (
        rf"(file|dir|path) {_Q} does not exist\.",
        lambda m: f"không có {_PATH_KINDS[m[1]]} {_quote(m[2])}",
    ),
    (
        rf"(?:file|dir|path) {_Q} is a file\.",
        lambda m: f"{_quote(m[1])} là một tệp, không phải thư mục",
    ),
    (
        rf"(?:file|dir|path) {_Q} is a directory\.",
        lambda m: f"{_quote(m[1])} là một thư mục, không phải tệp",
    ),
    (
        rf"(?:file|dir|path) {_Q} is not readable\.",
        lambda m: f"không đọc được {_quote(m[1])}",
    ),
    (
        rf"(?:file|dir|path) {_Q} is not writable\.",
        lambda m: f"không ghi được vào {_quote(m[1])}",
    ),
    (r"Value must be an iterable\.", lambda m: "cần một danh sách giá trị"),
    (
        r"Value (.*) is not a valid .*\.",
        lambda m: f"{m[1]} không phải là giá trị hợp lệ",
    ),
]


# --- the group -----------------------------------------------------------------------------


class VietnameseGroup(TyperGroup):
    """The ``thidua`` group: Vietnamese help for it and every subcommand, Vietnamese errors.

    Use as ``typer.Typer(cls=VietnameseGroup)``; subcommands need nothing of their own.
    """

    context_class = VietnameseContext

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.rich_markup_mode = None
        for command in self.commands.values():
            localize(command)

    def add_command(self, cmd: Command, name: str | None = None) -> None:
        localize(cmd)
        super().add_command(cmd, name)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            localize(command)
        return command

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        # typer's version appends an English "Did you mean ...?" to the message; this one
        # keeps the name and the close matches as data (same lookup rules otherwise).
        cmd_name = args[0]
        command = self.get_command(ctx, cmd_name)
        if command is None and ctx.token_normalize_func is not None:
            cmd_name = ctx.token_normalize_func(cmd_name)
            command = self.get_command(ctx, cmd_name)
        if command is None:
            if ctx.resilient_parsing:
                return None, None, args[1:]
            if cmd_name[:1] and not cmd_name[:1].isalnum():
                self.parse_args(ctx, args)  # an option where a command belongs: say so
            visible = [name for name, cmd in self.commands.items() if not cmd.hidden]
            close = get_close_matches(args[0], visible) if self.suggest_commands else []
            raise UnknownCommandError(args[0], close, ctx)
        return cmd_name, command, args[1:]

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with vietnamese_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with vietnamese_errors():
            return super().invoke(ctx)
