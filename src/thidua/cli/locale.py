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

Every English text and its Vietnamese replacement is a row of the one table in
:mod:`thidua.cli.locale_table`; this module holds no wording of its own. Messages are
built from the exception's structure (its class, its parameter, the pydantic error behind
a bad value) where it has one; the rest are recognised by the table's English, and an
unknown English message still becomes a generic Vietnamese one that quotes the offending
value. A message that is already Vietnamese (e.g. a ``typer.BadParameter`` raised by
thidua itself) passes through.

What typer exports is used where it can be: ``typer.BadParameter``, ``typer.Abort``,
``typer.Exit``, ``typer.echo``, ``typer.Context`` (the base of
:class:`VietnameseContext`) and ``typer.core.TyperGroup`` / ``TyperCommand``. typer has no
public name for the rest, which therefore still comes from ``typer._click``:

- ``HelpFormatter``: the class a context formats help with; Vietnamese headings, usage
  and markers need a subclass of it;
- ``ClickException`` and ``UsageError``: typer's ``main`` shows and exits only on these,
  so the Vietnamese errors must be instances of them, and usage errors are told from
  other failures by class (exit code 2 and a help pointer);
- ``MissingParameter``, ``NoSuchOption``, ``NoArgsIsHelpError``: their fields (the
  parameter, the option and its close matches) are what the Vietnamese is built from, and
  a no-arguments help screen must pass through untouched;
- ``Command`` and click's base ``Context``, for type annotations only: the methods this
  module overrides are declared with them.

Help output is forced to the plain (non-rich) formatter: rich's panels carry their own
English titles. Only modules typer has already imported are used: start-up stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from enum import Enum
from functools import cache
from typing import IO, TYPE_CHECKING, Any

import typer
from typer._click import HelpFormatter
from typer._click.exceptions import (
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from thidua.cli.locale_table import PYDANTIC_ERRORS, TABLE

if TYPE_CHECKING:
    from typer._click import Command, Context


# --- the table -----------------------------------------------------------------------------


def _quote(value: object) -> str:
    """A value the user typed, as thidua shows it: ``'2021'``, control characters escaped."""
    if not isinstance(value, str):
        return str(value)
    shown = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in value
    )
    return f"'{shown}'"


# A field of a table row: {name}, {name!r} (click's repr quoting), {name!q} (thidua's).
_FIELD = re.compile(r"\{(\w+)(?:!([rq]))?\}")


def vietnamese(key: str, **fields: object) -> str:
    """The Vietnamese of table row ``key``, its fields filled in."""

    def fill(field: re.Match[str]) -> str:
        value = fields[field[1]]
        return _quote(value) if field[2] == "q" else str(value)

    return _FIELD.sub(fill, TABLE[key].vietnamese)


@cache
def english_pattern(key: str) -> re.Pattern[str]:
    """Table row ``key``'s English as a regular expression, one named group per field.

    ``{name!r}`` matches a value click quoted with ``repr()`` (``'--x'``, or ``"it's"``)
    and captures it without the quotes; ``{name}`` matches any text.
    """
    english = TABLE[key].english
    parts, end = [], 0
    for field in _FIELD.finditer(english):
        parts.append(re.escape(english[end : field.start()]))
        name = field[1]
        parts.append(f"['\"](?P<{name}>.+)['\"]" if field[2] == "r" else f"(?P<{name}>.*)")
        end = field.end()
    parts.append(re.escape(english[end:]))
    return re.compile("".join(parts), re.DOTALL)


def translate(prefix: str, english: str) -> str | None:
    """The Vietnamese of the first row under ``prefix`` whose English is ``english``."""
    for key, row in TABLE.items():
        if key.startswith(prefix) and row.english:
            match = english_pattern(key).fullmatch(english)
            if match:
                return vietnamese(key, **match.groupdict())
    return None


# --- help screens --------------------------------------------------------------------------


def _deprecated(text: str) -> str:
    row = TABLE["help.deprecated"]
    return text.replace(row.english, row.vietnamese)


def vietnamese_definition(text: str) -> str:
    """The help column of an option, argument or command, with click's markers translated.

    typer appends ``  [default: x; env var: Y; required]`` to a parameter's help; the
    bracket is only rewritten when it holds such markers, so a help text of the project's
    own that happens to end in ``]`` stays as written.
    """
    if text == TABLE["help.option"].english:
        return vietnamese("help.option")
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
    translated = [translate("marker.", item) or item for item in items]
    if translated == items:
        return text
    return f"{head}[{'; '.join(translated)}]"


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
    return translate("type.", label) or label


class VietnameseFormatter(HelpFormatter):
    """click's plain help formatter, writing Vietnamese boilerplate."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = " ".join(translate("usage.", token) or token for token in args.split(" "))
        super().write_usage(prog, args, vietnamese("usage.prefix") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(translate("heading.", heading) or heading)

    def write_text(self, text: str) -> None:
        super().write_text(_deprecated(text))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(vietnamese_term(term), vietnamese_definition(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class VietnameseContext(typer.Context):
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
    if issubclass(VietnameseContext, command.context_class):
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
        message = vietnamese(
            "error.no_such_command", name=name, suggest=_suggest("suggest.command", suggestions)
        )
        super().__init__(message, ctx)
        self.name = name
        self.suggestions = list(suggestions)


class LocalizedUsageError(UsageError):
    """A usage error whose message is Vietnamese: ``Lỗi: …`` then where to read help."""

    def show(self, file: IO[Any] | None = None) -> None:
        lines = [vietnamese("error.prefix") + self.message]
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
        typer.echo(vietnamese("error.prefix") + self.message, file=file, err=file is None)


def _help_hint(ctx: Context | None) -> str | None:
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return None
    names = ctx.help_option_names
    option = next((n for n in names if n.startswith("--")), names[0])
    return vietnamese("error.hint", command=ctx.command_path, option=option)


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
    except (typer.Abort, EOFError):
        typer.echo(vietnamese("error.aborted"), err=True)
        raise typer.Exit(1) from None


def vietnamese_message(exc: ClickException) -> str:
    """The Vietnamese text of a click error, without the ``Lỗi: `` prefix."""
    if isinstance(exc, MissingParameter):
        return _missing(exc)
    if isinstance(exc, typer.BadParameter):
        reason = _bad_value(exc)
        if exc.param is not None:
            return vietnamese("error.invalid_value", param=_param_label(exc.param), reason=reason)
        if exc.param_hint:
            return vietnamese("error.invalid_value", param=_hint(exc.param_hint), reason=reason)
        return vietnamese("error.invalid_value_unnamed", reason=reason)
    if isinstance(exc, NoSuchOption):
        suggest = _suggest("suggest.option", sorted(exc.possibilities or ()))
        return vietnamese("error.no_such_option", name=exc.option_name, suggest=suggest)
    translated = translate("message.", exc.message)
    if translated is not None:
        return translated
    if is_vietnamese(exc.message):
        return exc.message
    kind = "error.usage" if isinstance(exc, UsageError) else "error.other"
    token = _quoted_token(exc.message)
    return vietnamese(f"{kind}_quoting", value=token) if token is not None else vietnamese(kind)


def is_vietnamese(message: str) -> bool:
    """Whether ``message`` is worded in Vietnamese, not merely quoting a Vietnamese value.

    click's English messages quote what the user typed (``'năm'``, ``(thừa)``), so only
    the text outside quotes and parentheses counts.
    """
    bare = re.sub(r"'[^']*'|\"[^\"]*\"|\([^()]*\)", "", message)
    return not bare.isascii()


def _suggest(key: str, names: Sequence[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        listed = names[0]
    else:
        listed = vietnamese("suggest.or", names=", ".join(names[:-1]), last=names[-1])
    return vietnamese(key, names=listed)


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
    """``tùy chọn --format`` or ``tham số NĂM``, as the help screen names them."""
    if getattr(param, "param_type_name", None) == "option":
        opts = list(getattr(param, "opts", None) or [param.name])
        long = [opt for opt in opts if opt.startswith("--")]
        return vietnamese("param.option", name=(long or opts)[0])
    return vietnamese("param.argument", name=getattr(param, "metavar", None) or param.name)


def _choices(param: Any) -> list[str]:
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in choices]


def _choose_from(choices: Sequence[str]) -> str:
    return vietnamese("error.choose_from", choices=", ".join(choices)) if choices else ""


def _missing(exc: MissingParameter) -> str:
    if exc.param is not None:
        what = _param_label(exc.param)
    else:
        kind = "param.option" if exc.param_type == "option" else "param.argument"
        what = vietnamese(kind, name=_hint(exc.param_hint)).rstrip()
    reason = f": {exc.message}" if is_vietnamese(exc.message) else ""
    return vietnamese(
        "error.missing", param=what, reason=reason, choices=_choose_from(_choices(exc.param))
    )


def _bad_value(exc: typer.BadParameter) -> str:
    """Why the value was refused: from the pydantic error behind it, else click's text."""
    errors = getattr(exc.__cause__, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return _pydantic_detail(found[0], exc.param)
    translated = translate("value.", exc.message)
    if translated is not None:
        return translated
    if is_vietnamese(exc.message):
        return exc.message
    token = _quoted_token(exc.message)
    return (
        vietnamese("error.invalid", value=token)
        if token is not None
        else vietnamese("error.invalid_unquoted")
    )


def _pydantic_detail(error: Any, param: Any) -> str:
    kind = str(error.get("type", ""))
    value = error.get("input")
    if kind in PYDANTIC_ERRORS:
        return vietnamese(PYDANTIC_ERRORS[kind], value=value)
    if kind != "value_error":
        return vietnamese("error.invalid", value=value)
    reason = str((error.get("ctx") or {}).get("error", ""))
    choices = _choices(param)
    if not choices:
        # typer's choice check: "'x' is not one of 'a', 'b'."
        match = re.search(r"is not one of (.*)\.$", reason)
        choices = re.findall(r"'([^']*)'", match[1]) if match else []
    if choices:
        return vietnamese("error.not_a_choice", value=value, choices=_choose_from(choices))
    if is_vietnamese(reason):
        return reason  # a ValueError of the project's own, from a custom parser
    return vietnamese("error.invalid", value=value)


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
