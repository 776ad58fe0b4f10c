"""Conference documents from Jinja2 templates: the environment, filters and context.

Rendering returns a string; only the CLI writes files. Output depends only on the data,
the templates and the ``today`` argument (the CLI takes it from ``SOURCE_DATE_EPOCH``,
never from the clock), so the same input gives byte-identical documents.

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
no file access through paths either, and bounded work: no value over
:data:`MAX_VALUE` characters or items, at most :data:`MAX_LOOP` loop iterations,
:data:`MAX_OUTPUT` characters of output and :data:`MAX_SECONDS` seconds per rendering,
no endless recursion; a template that goes beyond fails with a :class:`RenderError`
naming its file and line), with
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
:class:`~fractions.Fraction` prints as a Vietnamese number ("95,5"), rounded half up to
two decimals for display only.

Context of every document (see :func:`build_context`): ``doc`` (:class:`DocInfo`),
``year``, ``next_year``, ``result`` (:class:`thidua.ranking.YearResult`), ``data``,
``cluster``, ``regulation``, ``table``, ``groups``, ``tasks``, ``next_tasks``,
``conference``, ``members``, ``member_by_id``, ``leader``, ``deputy``, ``rows`` (rank
order), ``row_by_id``, ``member_rows`` (the rows in member order), ``minutes_vote``
(:class:`MinutesVote`: adopted or not, decided here), ``ballots`` (:class:`BallotView`),
``adjustments`` (:class:`Adjustment`), ``province``,
``today``, ``files`` (where missing files would go), ``illustrative``, ``blank`` and
``long_blank``; the globals ``BLANK``, ``LONG_BLANK`` and ``BLANK_LINE``.

Filters: ``vn_date`` ("ngày 05 tháng 3 năm 2020"; with a place, "Hòa Bình, ngày …"),
``vn_number`` (95,5; 1.000), ``vn_percent`` (85,7 %), ``vn_sort`` (Vietnamese
alphabetical order), ``vn_time`` ("8 giờ 05"), ``md`` (explicit Markdown escape) and
``or_blank`` (the blank "…" for a missing or empty value).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

import thidua
from thidua import models as m
from thidua import vnformat
from thidua.errors import ThiduaError
from thidua.loader import BALLOTS, CONFERENCE, TASKS, display_path
from thidua.textsafe import md_escape
from thidua.vncollate import sort_key

if TYPE_CHECKING:
    from thidua.loader import YearData
    from thidua.ranking import YearResult
    from thidua.voting import Tally

__all__ = [
    "BLANK",
    "LONG_BLANK",
    "Adjustment",
    "BallotRow",
    "BallotView",
    "Doc",
    "DocInfo",
    "Format",
    "MinutesVote",
    "RenderError",
    "Sandbox",
    "TemplateLimitError",
    "build_context",
    "builtin_templates_dir",
    "file_name",
    "make_environment",
    "render_document",
    "render_limits",
    "render_template",
    "today_from_epoch",
    "user_templates_dir",
]

BLANK = "…"
LONG_BLANK = "……………"
BLANK_LINE = "…" * 26  # a line left blank to fill by hand


class RenderError(ThiduaError):
    """A document cannot be rendered: a template error, or data the document needs."""


class Format(enum.Enum):
    MD = "md"
    HTML = "html"


class Doc(enum.Enum):
    """The documents thidua renders. The value is the template's base name."""

    MINUTES = "minutes"
    REPORT = "report"
    PROPOSAL = "proposal"
    SCORES = "scores"
    RANKING = "ranking"

    @property
    def label(self) -> str:
        return _DOC_LABELS[self][0]

    @property
    def stem(self) -> str:
        """Base of the output file name: ``bien-ban`` -> ``bien-ban-2020.md``."""
        return _DOC_LABELS[self][1]

    @property
    def code(self) -> str | None:
        """Decree 30 type code in the document number, if the document carries one."""
        return _DOC_LABELS[self][2]


_DOC_LABELS: dict[Doc, tuple[str, str, str | None]] = {
    Doc.MINUTES: ("biên bản hội nghị tổng kết", "bien-ban", "BB"),
    Doc.REPORT: ("báo cáo tổng kết", "bao-cao", "BC"),
    Doc.PROPOSAL: ("tờ trình đề nghị khen thưởng", "to-trinh", "TTr"),
    Doc.SCORES: ("bảng tổng hợp điểm", "bang-diem", None),
    Doc.RANKING: ("kết quả xếp hạng", "xep-hang", None),
}


def file_name(doc: Doc, year: int, fmt: Format) -> str:
    """``bien-ban-2020.md``, ``bao-cao-2020.html``, ... (see :class:`Doc`)."""
    return f"{doc.stem}-{year}.{fmt.value}"


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
        value = vnformat.number(value)
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
    "vn_percent": vn_percent,
    "vn_share": vn_share,
    "vn_sort": vn_sort,
    "or_blank": or_blank,
    "md": _md_filter,
}


# --- limits of a template --------------------------------------------------------------------
#
# A data repository's templates are not trusted: besides the sandbox's rules, what one
# rendering may do is bounded, so that no template can hang thidua or exhaust memory. A
# document of 10,000 members stays far below every limit.

MAX_VALUE = 10_000_000  # characters or items of one value a template builds
MAX_NUMBER_BITS = 10_000  # size of a whole number a template computes (about 3,000 digits)
MAX_LOOP = 5_000_000  # loop iterations and range() items in one rendering
MAX_OUTPUT = 50_000_000  # characters written in one rendering, counted again by each macro
MAX_SECONDS = 10  # processor time of one rendering (a busy machine does not count)
MAX_MEMORY = 512 << 20  # more address space one rendering may take (Linux): 512 MiB

_SIZE_ARGUMENT_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_SIZE_ARGUMENT_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
# A width or precision of 7 digits or more, or taken from the arguments (``*``, ``{}``).
_PERCENT_WIDTH = re.compile(r"%[-#0 +]*(?:\*|\d{7,}|\.\*|\.\d{7,})|%[-#0 +]*\d*\.(?:\*|\d{7,})")
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(?:\d{7,}|\{)")


class TemplateLimitError(jinja2.TemplateError):
    """A template went beyond a limit of :mod:`thidua.render` (message in Vietnamese)."""


@dataclass
class _Budget:
    deadline: float
    loop: int = 0
    output: int = 0
    pieces: int = 0  # of output


_BUDGET: ContextVar[_Budget | None] = ContextVar("thidua_render_budget", default=None)


@contextlib.contextmanager
def render_limits() -> Iterator[None]:
    """Give the renderings inside one budget of loop work, output and time (:data:`MAX_LOOP`,
    :data:`MAX_OUTPUT`, :data:`MAX_SECONDS`). Without it, only the size of values is bounded.
    """
    token = _BUDGET.set(_Budget(deadline=time.process_time() + MAX_SECONDS))
    try:
        with _memory_cap():
            yield
    finally:
        _BUDGET.reset(token)


@contextlib.contextmanager
def _memory_cap() -> Iterator[None]:
    """At most :data:`MAX_MEMORY` more address space while rendering (a MemoryError then).

    The checks of sizes above cannot see everything a template may build (a list holding
    the same long text a thousand times prints as a billion characters); this is the
    backstop. Linux only (``/proc/self/statm``); elsewhere, nothing.
    """
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    cap = pages * os.sysconf("SC_PAGE_SIZE") + MAX_MEMORY
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already tighter
        return
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _too_long(what: str) -> TemplateLimitError:
    return TemplateLimitError(
        f"{what} tạo ra giá trị quá lớn (hơn {vnformat.number(MAX_VALUE)} ký tự hoặc phần tử)"
    )


def _check_size(value: Any, what: str) -> Any:
    if isinstance(value, str | list | tuple | dict | set | frozenset) and len(value) > MAX_VALUE:
        raise _too_long(what)
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise _too_big_number(what)
    return value


def _too_big_number(what: str) -> TemplateLimitError:
    return TemplateLimitError(
        f"{what} tạo ra số quá lớn (hơn {vnformat.number(MAX_NUMBER_BITS)} bit)"
    )


def _bits(value: Any) -> int | None:
    """Size in bits of an exact number (int or Fraction), None for anything else."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value.bit_length()
    if isinstance(value, Fraction):
        return max(value.numerator.bit_length(), value.denominator.bit_length())
    return None


def _check_format(fmt: str, brace: bool) -> None:
    if (_BRACE_WIDTH if brace else _PERCENT_WIDTH).search(fmt):
        raise TemplateLimitError(
            "định dạng có độ rộng quá lớn hoặc lấy độ rộng từ tham số (chặn vì lý do an toàn)"
        )


def _spend(budget: _Budget, loop: int = 0, output: int = 0) -> None:
    budget.loop += loop
    budget.output += output
    if budget.loop > MAX_LOOP:
        raise TemplateLimitError(
            f"vòng lặp chạy quá nhiều lượt (hơn {vnformat.number(MAX_LOOP)} lượt trong một "
            "văn bản, kể cả các số do range() tạo ra)"
        )
    if budget.output > MAX_OUTPUT:
        raise TemplateLimitError(
            f"văn bản quá dài (hơn {vnformat.number(MAX_OUTPUT)} ký tự, kể cả phần do macro tạo ra)"
        )
    if time.process_time() > budget.deadline:
        raise TemplateLimitError(f"dựng văn bản quá lâu (hơn {MAX_SECONDS} giây)")


def _tick() -> None:
    """Check the time of the rendering: called by every filter, call and operator."""
    budget = _BUDGET.get()
    if budget is not None and time.process_time() > budget.deadline:
        _spend(budget)


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: each item is charged to the budget."""
    budget = _BUDGET.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.loop += 1
        if budget.loop % 1024 == 0:  # the checks cost more than counting
            _spend(budget)
        yield item


def _output(value: Any) -> Any:
    """Every piece of output goes through this: its length is charged to the budget."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.output += len(value)
        budget.pieces += 1
        if budget.output > MAX_OUTPUT or budget.pieces % 1024 == 0:
            _spend(budget)
    return value


def _range(*args: int) -> range:
    """``range`` of templates: at most :data:`MAX_VALUE` numbers, charged to the budget."""
    numbers = range(*args)
    if len(numbers) > MAX_VALUE:
        raise _too_long("range()")
    budget = _BUDGET.get()
    if budget is not None:
        _spend(budget, loop=len(numbers))
    return numbers


def _limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with its size arguments bounded and its result checked."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _tick()
        what = f'bộ lọc "{name}"'
        if name == "join":  # a generator has no length to check: make it a list
            args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
        values = [a for a in args if not isinstance(a, jinja2.Environment | Context | EvalContext)]
        if name in _SIZE_ARGUMENT_FILTERS:
            _check_size_arguments([*values[1:], *kwargs.values()], what)
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0], brace=False)
        if name in ("replace", "join"):
            _check_join_or_replace(name, values, kwargs, what)
        return _check_size(func(*args, **kwargs), what)

    return wrapper


def _check_size_arguments(values: Iterable[Any], what: str) -> None:
    for value in values:
        if isinstance(value, int) and abs(value) > MAX_VALUE:
            raise _too_long(what)
        if isinstance(value, str) and len(value) > 1000:  # indent(" " * 10**6)
            raise _too_long(what)


def _check_join_or_replace(
    name: str, values: list[Any], kwargs: Mapping[str, Any], what: str
) -> None:
    """Refuse before the work when the result would be too long (it can be a product)."""
    if name == "replace" and len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
        text, old, new = values[:3]
        times = text.count(old) if old else len(text) + 1
        if len(text) + times * len(new) > MAX_VALUE:
            raise _too_long(what)
    if name == "join" and values and isinstance(values[0], list | tuple | str):
        sep = values[1] if len(values) > 1 else kwargs.get("d", "")
        if isinstance(sep, str) and len(sep) * len(values[0]) > MAX_VALUE:
            raise _too_long(what)


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, with every loop, piece of output and ``~`` bounded."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not isinstance(node.iter, nodes.Call) or not _is_limit(node.iter.node, "limit_loop"):
            node.iter = nodes.Call(
                nodes.EnvironmentAttribute("limit_loop"),
                [node.iter],
                [],
                None,
                None,
                lineno=node.iter.lineno,
            )
        super().visit_For(node, frame)

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.limit_output({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("environment.limit_output(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.limit_value(")
        super().visit_Concat(node, frame)
        self.write(")")


def _is_limit(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.EnvironmentAttribute) and node.name == name


# --- the environment -------------------------------------------------------------------------


# What a template may read of a path (the context holds the data folder): its name, never
# a method that reads or writes files.
_SAFE_PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix", "parts", "parent", "as_posix"})


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, no file access through :class:`~pathlib.Path` values, and
    the limits above: ``*``, ``**``, ``+``, ``%`` and ``~`` cannot build huge values, every
    loop and piece of output is charged to the budget of the rendering.
    """

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    limit_loop = staticmethod(_loop)
    limit_output = staticmethod(_output)

    @staticmethod
    def limit_value(value: Any) -> Any:
        return _check_size(value, 'phép nối "~"')

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

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        what = f'phép "{operator}"'
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_VALUE
                ):
                    raise _too_long(what)
            lbits, rbits = _bits(left), _bits(right)
            if lbits is not None and rbits is not None and lbits + rbits > MAX_NUMBER_BITS:
                raise _too_big_number(what)
        elif operator == "**":
            base = _bits(left)
            if (
                base is not None
                and base > 1
                and isinstance(right, int)
                and abs(right) * base > MAX_NUMBER_BITS
            ):
                raise _too_big_number(what)
        elif operator == "%" and isinstance(left, str):
            _check_format(left, brace=False)
        return _check_size(super().call_binop(context, operator, left, right), what)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _tick()
        target = getattr(obj, "__wrapped__", obj)  # str.format comes wrapped by the sandbox
        owner = getattr(target, "__self__", None)
        name = getattr(target, "__name__", "")
        what = f'hàm "{name}"'
        if isinstance(owner, str):
            if name in ("format", "format_map"):
                _check_format(owner, brace=True)
            elif name in _SIZE_ARGUMENT_METHODS:
                _check_size_arguments([*args, *kwargs.values()], what)
            elif name == "replace":
                _check_join_or_replace(name, [owner, *args], kwargs, what)
            elif name == "join" and args:
                items = list(args[0]) if isinstance(args[0], Iterator) else args[0]
                args = (items, *args[1:])
                _check_join_or_replace(name, [items, owner], {}, what)
        result = super().call(context, obj, *args, **kwargs)
        if isinstance(obj, jinja2.runtime.Macro):
            return result  # its output was charged to the budget as it was written
        return _check_size(result, what)


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
    env.filters = {name: _limited_filter(name, f) for name, f in env.filters.items()}
    env.globals.update({"BLANK": BLANK, "LONG_BLANK": LONG_BLANK, "BLANK_LINE": BLANK_LINE})
    env.globals["range"] = _range
    del env.globals["lipsum"]  # lipsum(10**6) would write a book
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


# --- the context -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocInfo:
    """What a template needs to know about the document being rendered."""

    name: str  # "minutes", "report", ...
    label: str  # "biên bản hội nghị tổng kết"
    code: str | None  # "BB", "BC", "TTr" or None
    number: str | None  # "…/BB-…" or the number given in hoi-nghi.yaml (so_van_ban)
    date: dt.date | None  # the date of the place-and-date line (None: blanks)
    format: str  # "md" or "html"


@dataclass(frozen=True)
class BallotRow:
    label: str  # the member's full name, or "Đồng ý" / "Không đồng ý"
    member: m.Member | None
    votes: int
    share: Fraction | None  # over the ballot's denominator; None if unknown or ranked


@dataclass(frozen=True)
class BallotView:
    """One ballot, ready to print: counts, votes and shares per option."""

    tally: Tally
    title: str
    kind: str
    ranked: bool  # votes are Borda points: no percentage
    yes_no: bool
    question: str | None
    present: int | None
    issued: int
    returned: int
    valid: int
    invalid: int
    rows: tuple[BallotRow, ...]
    denominator_label: str  # "số phiếu hợp lệ"
    denominator: int | None
    rules: tuple[str, ...]  # "Đơn vị dẫn đầu: cần trên 50 % số phiếu hợp lệ"
    invalid_reasons: tuple[str, ...]  # "Phiếu thứ 3: chọn 3 đơn vị, quá số tối đa 1"


@dataclass(frozen=True)
class MinutesVote:
    """The vote on the minutes, and whether it adopts them: more than half of those present."""

    agreed: int
    present: int
    adopted: bool


def _minutes_vote(conference: m.ConferenceFile | None) -> MinutesVote | None:
    vote = conference.minutes_vote if conference is not None else None
    if vote is None:
        return None
    return MinutesVote(vote.agreed, vote.present, adopted=2 * vote.agreed > vote.present)


@dataclass(frozen=True)
class Adjustment:
    """A criterion whose appraised score differs from the self-score."""

    member: m.Member
    criterion: m.Criterion
    group: m.Group
    self_points: Decimal | None  # negative for a deduction criterion (points taken off)
    appraised_points: Decimal | None  # likewise
    reason: str | None


_RULE_LABELS = {
    "leading": "Đơn vị dẫn đầu",
    "leader_election": "Trưởng khối",
    "deputy_election": "Phó khối",
}


def _rules_of(regulation: m.RegulationFile) -> list[tuple[str, m.VoteRule]]:
    out: list[tuple[str, m.VoteRule]] = []
    for attr, label in _RULE_LABELS.items():
        rule = getattr(regulation, attr)
        if rule is not None:
            out.append((label, rule))
    return out


def _rule_text(label: str, rule: m.VoteRule) -> str:
    from thidua.ranking import share_text

    word = "trên" if rule.comparison is m.Comparison.GREATER else "từ"
    return f"{label}: cần {word} {share_text(rule.threshold)} {rule.denominator.label}"


def _ballot_views(data: YearData, tallies: Mapping[str, Tally]) -> list[BallotView]:
    members = {member.id: member for member in data.cluster.members}
    n = len(members)
    rules = _rules_of(data.regulation)
    views: list[BallotView] = []
    for ballot_id, tally in tallies.items():
        ballot = tally.ballot
        own = [(label, rule) for label, rule in rules if rule.ballot == ballot_id]
        which = own[0][1].denominator if own else m.Denominator.VALID
        ranked = ballot.kind is m.BallotKind.RANKED
        yes_no = ballot.kind is m.BallotKind.YES_NO
        rows: list[BallotRow] = []
        for option in tally.options:
            member = members.get(option)
            if yes_no:
                label = "Đồng ý" if option == "dong_y" else "Không đồng ý"
            else:
                label = member.name if member is not None else option
            votes = tally.votes.get(option, 0)
            share = None if ranked else tally.share(option, which, n)
            rows.append(BallotRow(label, member, votes, share))
        reasons = tuple(
            f"Phiếu thứ {paper.index + 1}: {paper.reason}"
            for paper in tally.papers
            if not paper.valid and paper.reason
        )
        views.append(
            BallotView(
                tally=tally,
                title=ballot.title,
                kind=ballot.kind.label,
                ranked=ranked,
                yes_no=yes_no,
                question=ballot.question,
                present=tally.present,
                issued=tally.issued,
                returned=tally.returned,
                valid=tally.valid,
                invalid=tally.invalid,
                rows=tuple(rows),
                denominator_label=which.label,
                denominator=tally.denominator(which, n),
                rules=tuple(_rule_text(label, rule) for label, rule in own),
                invalid_reasons=reasons,
            )
        )
    return views


def _adjustments(result: YearResult) -> list[Adjustment]:
    out: list[Adjustment] = []
    for score in result.scores.values():
        for crit in score.criteria:
            entry = crit.entry
            if entry is None or entry.appraised is None:
                continue
            if crit.appraised_points == crit.self_points:
                continue
            sign = -1 if crit.criterion.kind is m.CriterionKind.DEDUCTION else 1
            out.append(
                Adjustment(
                    member=score.member,
                    criterion=crit.criterion,
                    group=crit.group,
                    self_points=None if crit.self_points is None else sign * crit.self_points,
                    appraised_points=(
                        None if crit.appraised_points is None else sign * crit.appraised_points
                    ),
                    reason=entry.reason,
                )
            )
    return out


def _province(cluster: m.ClusterFile) -> str:
    """``tỉnh Hòa Bình`` when the cluster's name says so, else the place as written."""
    for prefix in ("tỉnh", "thành phố"):
        if f"{prefix} {cluster.place}".lower() in cluster.name.lower():
            return f"{prefix} {cluster.place}"
    return cluster.place


def _document_number(doc: Doc, conference: m.ConferenceFile | None) -> str | None:
    if doc.code is None:
        return None
    numbers = conference.numbers if conference is not None else None
    given = {
        Doc.MINUTES: numbers.minutes if numbers else None,
        Doc.REPORT: numbers.report if numbers else None,
        Doc.PROPOSAL: numbers.proposal if numbers else None,
    }.get(doc)
    return given or f"{BLANK}/{doc.code}-{BLANK}"


def _document_date(
    doc: Doc, conference: m.ConferenceFile | None, today: dt.date | None
) -> dt.date | None:
    # The proposal is written after the conference: dated "today" (SOURCE_DATE_EPOCH) if
    # known, else left blank. Every other document belongs to the conference.
    if doc is Doc.PROPOSAL:
        return today
    if conference is not None:
        return conference.date
    return today


def build_context(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything a template may use (documented in the module docstring)."""
    data = result.data
    cluster = data.cluster
    members = {member.id: member for member in cluster.members}
    conference = data.conference
    folder = data.folder
    # Lookups are built here, once: filtering a list inside a loop of the template would
    # make rendering quadratic in the number of members.
    row_by_id = {row.member.id: row for row in result.rows}
    return {
        "doc": DocInfo(
            name=doc.value,
            label=doc.label,
            code=doc.code,
            number=_document_number(doc, conference),
            date=_document_date(doc, conference, today),
            format=fmt.value,
        ),
        "year": data.year,
        "next_year": data.year + 1,
        "result": result,
        "data": data,
        "cluster": cluster,
        "regulation": data.regulation,
        "table": data.table,
        "groups": data.table.groups,
        "tasks": data.tasks,
        "next_tasks": next_tasks,
        "conference": conference,
        "members": list(cluster.members),
        "member_by_id": members,
        "leader": members.get(cluster.leader) if cluster.leader else None,
        "deputy": members.get(cluster.deputy) if cluster.deputy else None,
        "rows": list(result.rows),
        "row_by_id": row_by_id,
        "member_rows": [row_by_id[member_id] for member_id in result.scores],
        "minutes_vote": _minutes_vote(conference),
        "ballots": _ballot_views(data, result.tallies),
        "adjustments": _adjustments(result),
        "province": _province(cluster),
        "today": today,
        "files": {
            "conference": display_path(folder / CONFERENCE),
            "ballots": display_path(folder / BALLOTS),
            "tasks": display_path(folder / TASKS),
            "next_tasks": display_path(folder.parent / str(data.year + 1) / TASKS),
        },
        "illustrative": data.illustrative,
        "blank": BLANK,
        "long_blank": LONG_BLANK,
    }


def _require(result: YearResult, doc: Doc) -> None:
    """Refuse, naming what is missing and where it goes, when ``doc`` cannot be honest."""
    data = result.data
    if doc is Doc.MINUTES and data.conference is None:
        raise RenderError(
            f"chưa có tệp {display_path(data.folder / CONFERENCE)} (hội nghị tổng kết): "
            "cần để lập biên bản"
        )
    if doc is Doc.PROPOSAL and not result.awards:
        if not data.regulation.awards:
            why = (
                f"quy chế ({display_path(data.folder / 'quy-che.yaml')}) chưa có mục "
                "khen_thuong (hình thức khen thưởng)"
            )
        else:
            why = f"chưa có đơn vị nào được đề nghị khen thưởng ({result.leading_reason})"
        raise RenderError(f"không lập được tờ trình đề nghị khen thưởng: {why}")


def render_document(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    env: jinja2.Environment | None = None,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
) -> str:
    """The text of ``doc`` for ``result`` in ``fmt``: template ``<doc>.<fmt>``."""
    _require(result, doc)
    context = build_context(result, doc, fmt, next_tasks=next_tasks, today=today)
    text = render_template(env or make_environment(), f"{doc.value}.{fmt.value}", context)
    if fmt is Format.MD:
        text = tidy_markdown(text)
    return text


def tidy_markdown(text: str) -> str:
    """One blank line between blocks, no trailing spaces, one final newline.

    Templates stay readable when they may leave extra blank lines; Markdown ignores them,
    and the stored documents then diff cleanly.
    """
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def today_from_epoch(environ: Mapping[str, str] | None = None) -> dt.date | None:
    """The date of ``SOURCE_DATE_EPOCH`` (UTC), or None when it is not set.

    Raises :class:`RenderError` when it is set but not a whole number of seconds.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise RenderError(
            "biến môi trường SOURCE_DATE_EPOCH phải là số giây (ví dụ 1609286400), "
            f'không phải "{raw}"'
        )
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).date()
