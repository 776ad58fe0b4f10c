"""Conference documents from Jinja2 templates: the environment, filters and context.

Rendering returns a string; only the CLI writes files. Output depends only on the data,
the templates and the ``today`` argument (the CLI takes it from ``SOURCE_DATE_EPOCH``,
never from the clock; nothing here reads the environment), so the same input gives
byte-identical documents.

Templates
---------
Built-in templates live in the top-level ``templates/`` folder of the source tree and
ship inside the wheel as ``thidua/templates``. A data repository may keep its own
``templates/`` folder next to its data folder (``<data dir>/../templates``, i.e.
``templates/`` beside ``data/``); a file there overrides the built-in template of the
same name (``minutes.html``, ``_macros.md``, ...), and can extend the built-in one
through the ``default:`` prefix: ``{% extends "default:minutes.html" %}``.

Every template runs in Jinja2's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`
(no access to private attributes, no mutation of lists and dicts; see :class:`Sandbox`:
no file access through paths either, and bounded work (:mod:`thidua.present.template_limits`):
no value over ``MAX_VALUE`` characters or items, at most ``MAX_LOOP`` loop iterations,
``MAX_OUTPUT`` characters of output and ``MAX_SECONDS`` seconds per rendering, no endless
recursion; a template that goes beyond fails with a :class:`RenderError` naming its file
and line), with
:class:`~jinja2.StrictUndefined` (a misspelt variable fails, naming template and line).
Data is only ever passed as values, never used as template source, so Jinja syntax in
the data is shown as text.

Escaping: ``.html`` templates are HTML-autoescaped. ``.md`` templates are escaped for
Markdown the same way: every ``{{ value }}`` that is plain text has the characters that
Markdown would read as markup backslash-escaped (``| * _ < >`` ...), and line breaks
become spaces, so that a value cannot break a table or inject HTML. Macro results and
values marked ``|safe`` are output as they are.

Every ``{{ value }}`` also goes through :func:`_finalize`: ``None`` prints as the blank
"…" of printed forms (never "None"); a :class:`~decimal.Decimal` or
:class:`~fractions.Fraction` prints as points (:func:`thidua.numbers.points`: "95,5"),
rounded half up to two decimals for display only.

Context of every document (see :func:`build_context`): ``doc`` (:class:`DocInfo`),
``year``, ``next_year``, ``result`` (:class:`thidua.compute.results.YearResult`), ``data``,
``cluster``, ``regulation``, ``table``, ``groups``, ``tasks``, ``next_tasks``,
``conference``, ``members``, ``member_by_id``, ``leader``, ``deputy``, ``rows`` (rank
order), ``row_by_id``, ``member_rows`` (the rows in member order), ``minutes_vote``
(:class:`~thidua.present.context.MinutesVote`: adopted or not, decided here), ``ballots``
(:class:`BallotView`), ``adjustments`` (:class:`Adjustment`), ``province``,
``today``, ``files`` (where missing files would go), ``illustrative``, ``fingerprint``
(:class:`~thidua.present.fingerprint.Fingerprint` or None: ``fingerprint.line`` is
"Mã dữ liệu: 3F9A-C21B"), ``blank`` and ``long_blank``; the globals ``BLANK``,
``LONG_BLANK``, ``BLANK_LINE`` and ``outcome_note``
(:func:`thidua.present.wording.outcome_note`: the note of a ranked unit, ``outcome_note(row,
ties)``).

The conference kit (:mod:`thidua.present.kit`) adds to its own documents: ``counts``,
``count_committee``, ``signature_rows`` and ``count_heading`` (``kiem-phieu``), ``papers``
(``phieu-bau``), ``notices`` (``thong-bao``), ``annex`` (``phu-luc-diem``).

The fingerprint: when :func:`render_document` is given one, it adds it to the rendered text
whatever the template (:mod:`thidua.present.fingerprint`): a last line "Mã dữ liệu: …" and,
hidden, the record ``thidua verify`` reads back (a comment on the last line of Markdown, a
``<meta name="thidua-data">`` element in HTML). A template need not, and should not, show it.

Filters: ``vn_date`` ("ngày 05 tháng 3 năm 2020"; with a place, "Hòa Bình, ngày …"),
``vn_number`` (95,5; 1.000), ``vn_count`` (votes, Borda points: 6; 1.234),
``vn_percent`` (85,7 %), ``vn_sort`` (Vietnamese
alphabetical order), ``vn_time`` ("8 giờ 05"), ``md`` (explicit Markdown escape) and
``or_blank`` (the blank "…" for a missing or empty value).
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

import thidua
from thidua import models as m
from thidua import numbers as vnformat
from thidua.collate import sort_key
from thidua.present.context import (
    BLANK,
    BLANK_LINE,
    LONG_BLANK,
    build_context,
)
from thidua.present.documents import Doc, Format, RenderError
from thidua.present.fingerprint import Fingerprint, add_to_html, add_to_markdown
from thidua.present.kit import kit_context
from thidua.present.template_limits import (
    MAX_MEMORY,
    LimitedSandbox,
    TemplateLimitError,
    limit_environment,
    render_limits,
)
from thidua.present.textsafe import md_escape
from thidua.present.wording import outcome_note
from thidua.read.load import display_path
from thidua.year import BALLOTS, CONFERENCE

if TYPE_CHECKING:
    from thidua.compute.results import YearResult

__all__ = [
    "BLANK",
    "LONG_BLANK",
    "Doc",
    "Format",
    "RenderError",
    "Sandbox",
    "TemplateLimitError",
    "build_context",
    "builtin_templates_dir",
    "document_context",
    "explain",
    "make_environment",
    "render_document",
    "render_limits",
    "render_template",
    "user_templates_dir",
]


# --- where templates come from -------------------------------------------------------------


def builtin_templates_dir() -> Path:
    """``thidua/templates`` inside an installed wheel, else ``templates/`` of the source tree."""
    packaged = Path(thidua.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(thidua.__file__).resolve().parents[2] / "templates"


def user_templates_dir(data_dir: Path) -> Path:
    """A data repository's own templates: ``templates/`` beside the data folder."""
    return data_dir.absolute().parent / "templates"


# --- filters ----------------------------------------------------------------------------------


def vn_date(value: dt.date | None, place: str | None = None) -> str:
    """``ngày 05 tháng 3 năm 2020``; with ``place``: ``Hòa Bình, ngày 30 tháng 12 năm 2020``.

    A missing date gives the blanks of a printed form: ``ngày … tháng … năm …``.
    """
    text = vnformat.date(value) if value is not None else f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"{place}, {text}" if place else text


def vn_time(value: dt.time | None) -> str:
    """``8 giờ 05``; a missing time gives ``… giờ …``."""
    if value is None:
        return f"{BLANK} giờ {BLANK}"
    return f"{value.hour} giờ {value.minute:02d}"


def vn_number(value: Decimal | Fraction | int | None, places: int = 2) -> str:
    """``95,5``; ``1.000``; rounded half up to ``places`` decimals, trailing zeros dropped."""
    if value is None:
        return BLANK
    return vnformat.number(value, places)


def vn_count(value: int | None) -> str:
    """Votes, Borda points, members: ``6``; ``1.234`` (:func:`thidua.numbers.count`)."""
    if value is None:
        return BLANK
    return vnformat.count(value)


def vn_percent(value: Fraction | Decimal | int | None, places: int = 1) -> str:
    """A share in [0, 1] as ``85,7 %``; an unknown share gives ``… %``."""
    if value is None:
        return f"{BLANK} %"
    return vnformat.percent(value, places)


def vn_share(part: int | Decimal | None, whole: int | Decimal | None, places: int = 1) -> str:
    """``part`` of ``whole`` as a percentage (``6`` of ``7`` → ``85,7 %``), exactly."""
    if part is None or not whole:
        return f"{BLANK} %"
    return vnformat.percent(Fraction(part) / Fraction(whole), places)


def or_blank(value: object, blank: str = BLANK) -> object:
    """``value``, or the blank "…" when it is missing or empty."""
    if value is None or value == "" or value == [] or value == ():
        return blank
    return value


@jinja2.pass_environment
def vn_sort(
    environment: jinja2.Environment, items: Iterable[Any], attribute: str | None = None
) -> list[Any]:
    """``items`` in Vietnamese alphabetical order (of ``attribute``, dotted, if given)."""
    if attribute is None:
        return sorted(items, key=lambda item: sort_key(str(item)))
    get = jinja2.filters.make_attrgetter(environment, attribute)
    return sorted(items, key=lambda item: sort_key(str(get(item))))


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    if value is None:
        value = BLANK
    elif isinstance(value, Decimal | Fraction):
        value = vnformat.points(value)
    name = context.name or ""
    if name.endswith(".md") and not isinstance(value, Markup | jinja2.Undefined):
        # str() of a StrictUndefined raises: a misspelt name still fails loudly.
        return Markup(md_escape(str(value)))
    return value


def _md_filter(value: object) -> Markup:
    return Markup(md_escape(str(value)))


FILTERS: dict[str, Callable[..., Any]] = {
    "vn_date": vn_date,
    "vn_time": vn_time,
    "vn_number": vn_number,
    "vn_count": vn_count,
    "vn_percent": vn_percent,
    "vn_share": vn_share,
    "vn_sort": vn_sort,
    "or_blank": or_blank,
    "md": _md_filter,
}


# --- the environment -------------------------------------------------------------------------


# What a template may read of a path (the context holds the data folder): its name, never
# a method that reads or writes files.
_SAFE_PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix", "parts", "parent", "as_posix"})


class Sandbox(LimitedSandbox):
    """Jinja2's immutable sandbox, no file access through :class:`~pathlib.Path` values, and
    the limits of :class:`~thidua.present.template_limits.LimitedSandbox`: ``*``, ``**``,
    ``+``, ``%`` and ``~`` cannot build huge values, every loop and piece of output is
    charged to the budget of the rendering.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The answer depends only on the type and the name; asking costs a tenth of the
        # rendering of a large year.
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            if isinstance(obj, PurePath) and attr not in _SAFE_PATH_ATTRIBUTES:
                safe = False
            else:
                safe = bool(super().is_safe_attribute(obj, attr, value))
            self._safe[key] = safe
        return safe


def make_environment(user_dir: Path | None = None) -> Sandbox:
    """A sandboxed environment: user templates first, then the built-in ones.

    ``user_dir`` (usually :func:`user_templates_dir`) is skipped when it does not exist or
    is the built-in folder itself (the thidua source tree is its own data repository).
    """
    builtin = builtin_templates_dir()
    builtin_loader = jinja2.FileSystemLoader(str(builtin), encoding="utf-8")
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None and user_dir.is_dir() and not _same_dir(user_dir, builtin):
        loaders.append(jinja2.FileSystemLoader(str(user_dir), encoding="utf-8"))
    loaders += [builtin_loader, jinja2.PrefixLoader({"default": builtin_loader}, delimiter=":")]
    env = Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "md"), default_for_string=False, default=False
        ),
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        {
            "BLANK": BLANK,
            "LONG_BLANK": LONG_BLANK,
            "BLANK_LINE": BLANK_LINE,
            # The outcome note of a ranked unit, the same text as thidua rank and Excel.
            "outcome_note": outcome_note,
        }
    )
    limit_environment(env)
    return env


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name``; any template fault becomes a :class:`RenderError`."""
    try:
        with render_limits():
            template = env.get_template(name)
            return template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = _describe(env, exc.filename, exc.name)
        raise RenderError(
            f"mẫu văn bản {where}, dòng {exc.lineno}: lỗi cú pháp: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if isinstance(exc.name, str) else name
        raise RenderError(
            f'không tìm thấy mẫu văn bản "{missing}" (đã tìm trong: {_search_path(env)})'
        ) from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
        RecursionError,
        MemoryError,
    ) as exc:
        frame = _template_frame(exc)
        if frame is None and not isinstance(
            exc, jinja2.TemplateError | RecursionError | MemoryError
        ):
            raise  # a fault of thidua itself, not of a template: keep the traceback
        where, line = frame if frame is not None else (f'"{name}"', 0)
        at = f", dòng {line}" if line else ""
        raise RenderError(
            f"mẫu văn bản {_describe(env, where, None)}{at}: {explain(exc)}"
        ) from None


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """File and line of the innermost template frame in ``exc``'s traceback."""
    found: tuple[str, int] | None = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            found = (frame.f_code.co_filename, line)
    return found


def _loader_dirs(env: jinja2.Environment) -> list[str]:
    dirs: list[str] = []
    loader = env.loader
    subs = loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]
    for sub in subs:
        if isinstance(sub, jinja2.FileSystemLoader):
            dirs.extend(str(p) for p in sub.searchpath)
    return dirs


def _search_path(env: jinja2.Environment) -> str:
    return ", ".join(display_path(Path(d)) for d in _loader_dirs(env))


def _describe(env: jinja2.Environment, filename: str | None, name: str | None) -> str:
    """How a template is named in a message: its path, or its name for a built-in one."""
    if filename:
        path = Path(filename)
        builtin = builtin_templates_dir()
        if path.is_absolute() and _is_below(path, builtin):
            return f"{path.relative_to(builtin.resolve()).as_posix()} (mẫu có sẵn của thidua)"
        return display_path(path) if path.is_absolute() else filename
    return f'"{name}"' if name else "(không rõ)"


def _is_below(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


_NO_ATTR = re.compile(r"^'(.+)' has no attribute '(.+)'$")
_UNDEFINED = re.compile(r"^'(.+)' is undefined$")


def explain(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, TemplateLimitError):
        return text
    if isinstance(exc, MemoryError):
        return f"dựng văn bản cần quá nhiều bộ nhớ (hơn {MAX_MEMORY >> 20} MiB)"
    if isinstance(exc, RecursionError):
        return (
            "mẫu văn bản gọi lại chính nó không dừng (include, extends, import hoặc macro "
            "lồng nhau quá nhiều tầng)"
        )
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"thao tác không được phép trong mẫu văn bản (chặn vì lý do an toàn): {text}"
    if isinstance(exc, jinja2.UndefinedError):
        if mt := _UNDEFINED.match(text):
            return f'biến "{mt[1]}" chưa được định nghĩa'
        if mt := _NO_ATTR.match(text):
            return f'không có thuộc tính "{mt[2]}" (trong {mt[1]})'
        return f"giá trị chưa được định nghĩa: {text}"
    if isinstance(exc, jinja2.TemplateError):
        return f"lỗi khi dựng văn bản: {text}"
    return f"lỗi khi dựng văn bản ({type(exc).__name__}): {text}"


def _require(result: YearResult, doc: Doc, member: str | None = None) -> None:
    """Refuse, saying in words what is missing, when ``doc`` cannot be honest.

    The messages name the facts and the year's file that holds them, never a path: they are
    read by the person who runs the command, whatever folder it runs in.
    """
    data = result.data
    year = data.year
    if doc is Doc.MINUTES and data.conference is None:
        raise RenderError(
            f"chưa có thông tin hội nghị tổng kết năm {year} ({CONFERENCE}): cần để lập biên bản"
        )
    if doc is Doc.PROPOSAL and not result.awards:
        if not data.regulation.awards:
            why = "quy chế chưa quy định hình thức khen thưởng"
        else:
            why = f"chưa có đơn vị nào được đề nghị khen thưởng ({result.leading_reason})"
        raise RenderError(f"không lập được tờ trình đề nghị khen thưởng: {why}")
    if doc is Doc.COUNT and not result.tallies:
        raise RenderError(
            f"chưa có kết quả bỏ phiếu kín năm {year} ({BALLOTS}): cần để lập biên bản kiểm phiếu"
        )
    if doc is Doc.PAPERS and (data.ballots is None or not data.ballots.ballots):
        raise RenderError(
            f"chưa có cuộc bỏ phiếu nào của năm {year} ({BALLOTS}): cần tên, loại và số đơn vị "
            "được chọn của từng cuộc bỏ phiếu để lập phiếu bầu"
        )
    if member is not None and (doc is not Doc.NOTICE or member not in data.member_ids):
        why = "không có đơn vị này trong Khối" if doc is Doc.NOTICE else "văn bản chung cả Khối"
        raise RenderError(f'không lập được {doc.label} cho đơn vị "{member}": {why}')


def document_context(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
    fingerprint: Fingerprint | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """The context of ``doc``'s template: :func:`build_context` and the conference kit's
    (``member``'s notice only, if given). Raises :class:`RenderError` when the year cannot
    make ``doc`` yet."""
    _require(result, doc, member)
    context = build_context(
        result, doc, fmt, next_tasks=next_tasks, today=today, fingerprint=fingerprint
    )
    context.update(kit_context(result, doc, context, member=member, today=today))
    return context


def render_document(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    env: jinja2.Environment | None = None,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
    fingerprint: Fingerprint | None = None,
    member: str | None = None,
) -> str:
    """The text of ``doc`` for ``result`` in ``fmt``: template ``<doc>.<fmt>``.

    With ``fingerprint``, the text ends with the data's fingerprint (module docstring).
    ``member`` (a member id) makes the appraisal notice of that member only; without it the
    notice document holds every member's notice, one after the other.
    """
    context = document_context(
        result,
        doc,
        fmt,
        next_tasks=next_tasks,
        today=today,
        fingerprint=fingerprint,
        member=member,
    )
    text = render_template(env or make_environment(), f"{doc.value}.{fmt.value}", context)
    if fmt is Format.MD:
        text = tidy_markdown(text)
        if fingerprint is not None:
            text = add_to_markdown(text, fingerprint)
    elif fingerprint is not None:
        text = _inside_last_section(add_to_html(text, fingerprint))
    return text


_TRAILING_LINE = re.compile(r'</section>\n(<p class="fingerprint">[^<]*</p>\n)(</body>)')


def _inside_last_section(text: str) -> str:
    """The fingerprint line inside the last ``<section>`` when the body ends with one: the
    line stays on the last page of a landscape section instead of a portrait page of its own.
    """
    return _TRAILING_LINE.sub(r"\1</section>\n\2", text, count=1)


def tidy_markdown(text: str) -> str:
    """One blank line between blocks, no trailing spaces, one final newline.

    Templates stay readable when they may leave extra blank lines; Markdown ignores them,
    and the stored documents then diff cleanly.
    """
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
