"""Limits of a template (issue 10): what one rendering of a document may do.

A data repository's templates are not trusted: besides the sandbox's rules
(:class:`thidua.present.render.Sandbox`), what one rendering may do is bounded, so that no
template can hang thidua or exhaust memory: no value over :data:`MAX_VALUE` characters or
items, no whole number over :data:`MAX_NUMBER_BITS` bits, at most :data:`MAX_LOOP` loop
iterations, :data:`MAX_OUTPUT` characters of output, :data:`MAX_SECONDS` seconds of
processor time and :data:`MAX_MEMORY` more address space per rendering. A document of
10,000 members stays far below every limit.

:class:`LimitedSandbox` carries the checks (a custom code generator routes every loop,
piece of output and ``~`` through the budget; ``*``, ``**``, ``+``, ``%`` and calls are
intercepted); :func:`limit_environment` bounds the filters and ``range``;
:func:`render_limits` opens the budget of one rendering.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from thidua import numbers as vnformat

__all__ = [
    "MAX_LOOP",
    "MAX_MEMORY",
    "MAX_NUMBER_BITS",
    "MAX_OUTPUT",
    "MAX_SECONDS",
    "MAX_VALUE",
    "LimitedSandbox",
    "TemplateLimitError",
    "limit_environment",
    "render_limits",
]

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
    """A template went beyond a limit of this module (message in Vietnamese)."""


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
        f"{what} tạo ra giá trị quá lớn (hơn {vnformat.count(MAX_VALUE)} ký tự hoặc phần tử)"
    )


def _check_size(value: Any, what: str) -> Any:
    if isinstance(value, str | list | tuple | dict | set | frozenset) and len(value) > MAX_VALUE:
        raise _too_long(what)
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        raise _too_big_number(what)
    return value


def _too_big_number(what: str) -> TemplateLimitError:
    return TemplateLimitError(
        f"{what} tạo ra số quá lớn (hơn {vnformat.count(MAX_NUMBER_BITS)} bit)"
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
            f"vòng lặp chạy quá nhiều lượt (hơn {vnformat.count(MAX_LOOP)} lượt trong một "
            "văn bản, kể cả các số do range() tạo ra)"
        )
    if budget.output > MAX_OUTPUT:
        raise TemplateLimitError(
            f"văn bản quá dài (hơn {vnformat.count(MAX_OUTPUT)} ký tự, kể cả phần do macro tạo ra)"
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


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the limits above: ``*``, ``**``, ``+``, ``%`` and ``~``
    cannot build huge values, every loop and piece of output is charged to the budget of
    the rendering.
    """

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    limit_loop = staticmethod(_loop)
    limit_output = staticmethod(_output)

    @staticmethod
    def limit_value(value: Any) -> Any:
        return _check_size(value, 'phép nối "~"')

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


def limit_environment(env: jinja2.Environment) -> None:
    """Bound every filter of ``env`` and its ``range``; drop ``lipsum``."""
    env.filters = {name: _limited_filter(name, f) for name, f in env.filters.items()}
    env.globals["range"] = _range
    del env.globals["lipsum"]  # lipsum(10**6) would write a book
