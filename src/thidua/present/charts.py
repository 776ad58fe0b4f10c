"""The site's charts (``thidua site``), drawn at build time as SVG with matplotlib.

Four functions, each returning one SVG document as text (no XML declaration, no DOCTYPE),
ready to be written to a file or placed inside a page:

- :func:`stacked_totals`: each unit's total, stacked by criteria group;
- :func:`ballot_bars`: the votes of a ballot, with an optional threshold line;
- :func:`unit_vs_cluster`: one unit's group scores against the cluster's best and average;
- :func:`history_lines`: each unit's rank across the years.

Only this module imports matplotlib, and only the site imports this module: ``check``,
``rank`` and ``render`` never load it. The figures use matplotlib's object API
(:class:`~matplotlib.figure.Figure`, no pyplot state) with settings applied only while a
chart is drawn (over matplotlib's defaults: a matplotlibrc changes nothing). No layout
engine places the axes (a constrained layout draws a figure twice to write it once): this
module does, with margins measured from the glyphs of the labels, the legend below the x
axis label; writing a chart draws it once.

Every chart is:

- deterministic byte for byte: ids are hashed with a fixed salt, no date or program name is
  written (no ``<metadata>``), and the glyphs come from the DejaVu Sans matplotlib ships, as
  paths, so the drawing does not depend on the fonts of the reader's machine;
- accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` saying every figure in words
  (the glyphs are paths, so the labels are neither searchable nor read aloud);
- readable in grey scale and in print: series differ by shade *and* hatching or marker
  and line style, never by colour alone; numbers are Vietnamese (``84,5``, via
  :mod:`thidua.numbers`);
- safe to put inline in a page under ``Content-Security-Policy: style-src 'self'``: styles
  are written as presentation attributes (``fill="#fff"``), not ``style=""`` nor
  ``<style>``, which that policy blocks; the only ids are those the chart refers to
  (clip paths, glyphs, hatches), prefixed with a digest of the chart, so several charts
  in one page do not share ids;
- safe with any name: a ``$`` in a unit's name is text, not TeX.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from xml.sax.saxutils import escape

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import XAxis, YAxis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from thidua import numbers

__all__ = ["ballot_bars", "history_lines", "stacked_totals", "unit_vs_cluster"]

WIDTH = 7.0  # inches
NO_DATA = "Chưa có số liệu"

# (face, hatch) of the n-th series: shade and pattern both differ, so grey print tells them apart.
_FILLS = (
    ("#404040", ""),
    ("#ffffff", "////"),
    ("#b0b0b0", ""),
    ("#ffffff", "xxx"),
    ("#d8d8d8", "\\\\\\\\"),
    ("#808080", ""),
    ("#ffffff", "---"),
    ("#e8e8e8", "++"),
)
_CLUSTER = ("Cao nhất Khối", "Trung bình Khối")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINES = ("-", "--", ":", "-.")
_GREYS = ("#000000", "#505050", "#909090")

_POINTS = FuncFormatter(lambda x, _pos: numbers.points(Decimal(x)))
_COUNT = FuncFormatter(lambda x, _pos: numbers.count(round(x)))


# --- the four charts ------------------------------------------------------------------------


def stacked_totals(
    units: Sequence[str],
    groups: Sequence[str],
    values: Sequence[Sequence[Decimal]],
    *,
    title: str,
) -> str:
    """Each unit's total as a horizontal bar (first unit at the top), one segment per group.

    ``values[i][j]`` is unit ``i``'s points in group ``j``; a negative group (deductions)
    is drawn to the left of 0. The total is written at the bar's end.
    """
    _check_rows(values, len(units), len(groups))
    totals = [sum(row, Decimal(0)) for row in values]
    desc = "Tổng điểm của từng đơn vị, chia theo nhóm tiêu chí. " + " ".join(
        f"{unit}: {_points(total)} điểm ("
        + "; ".join(f"{g}: {_points(v)}" for g, v in zip(groups, row, strict=True))
        + ")."
        for unit, total, row in zip(units, totals, values, strict=True)
    )
    with _drawing():
        ax, fig = _bar_axes(units, legend_rows=_legend_rows(groups))
        if not units or not groups:
            return _empty(fig, ax, title)
        right = [Decimal(0)] * len(units)
        left = [Decimal(0)] * len(units)
        keys: list[Artist] = []
        for j in range(len(groups)):
            column = [row[j] for row in values]
            starts = [right[i] if v >= 0 else left[i] for i, v in enumerate(column)]
            face, hatch = _FILLS[j % len(_FILLS)]
            bars = ax.barh(
                range(len(units)),
                [float(v) for v in column],
                left=[float(s) for s in starts],
                height=0.6,
                color=face,
                hatch=hatch,
                edgecolor="black",
                linewidth=0.5,
            )
            keys.append(bars.patches[0])
            for i, v in enumerate(column):
                if v >= 0:
                    right[i] += v
                else:
                    left[i] += v
        for i, total in enumerate(totals):
            _value_label(ax, right[i], i, _points(total))
        _points_axis(ax, min(left), max(right))
        _arrange(fig, ax, keys, groups)
        return _svg(fig, title, desc)


def ballot_bars(
    options: Sequence[str],
    votes: Sequence[int],
    *,
    title: str,
    threshold: int | None = None,
    unit: str = "phiếu",
) -> str:
    """The votes per option as horizontal bars; a dashed line at ``threshold`` votes.

    ``unit`` is what is counted: ``phiếu``, or ``điểm Borda`` for a ranked ballot.
    """
    if len(votes) != len(options):
        raise ValueError(f"{len(options)} options but {len(votes)} vote counts")
    desc = f"Số {unit} của từng lựa chọn. " + " ".join(
        f"{option}: {numbers.count(n)} {unit}." for option, n in zip(options, votes, strict=True)
    )
    if threshold is not None:
        desc += f" Ngưỡng (đường đứt nét): {numbers.count(threshold)} {unit}."
    with _drawing():
        ax, fig = _bar_axes(options, legend_rows=0 if threshold is None else 1)
        if not options:
            return _empty(fig, ax, title)
        ax.barh(
            range(len(options)),
            list(votes),
            height=0.6,
            color="#b0b0b0",
            edgecolor="black",
            linewidth=0.5,
        )
        for i, n in enumerate(votes):
            _value_label(ax, Decimal(max(n, 0)), i, numbers.count(n))
        top = max([*votes, threshold or 0, 1])
        ax.set_xlim(min([*votes, 0]), top * 1.12)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_COUNT)
        ax.set_xlabel(f"Số {unit}")
        if threshold is None:
            _arrange(fig, ax)
        else:
            line = ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
            _arrange(fig, ax, [line], [f"Ngưỡng: {numbers.count(threshold)} {unit}"])
        return _svg(fig, title, desc)


def unit_vs_cluster(
    groups: Sequence[str],
    unit: Sequence[Decimal],
    best: Sequence[Decimal],
    average: Sequence[Decimal],
    *,
    unit_label: str,
    title: str,
    average_label: str = _CLUSTER[1],
) -> str:
    """Per criteria group, three bars: this unit, the cluster's best, the cluster's average
    (``average_label`` in the legend: over whom, when not every unit counts)."""
    if not len(unit) == len(best) == len(average) == len(groups):
        raise ValueError(f"{len(groups)} groups but {len(unit)}/{len(best)}/{len(average)} values")
    mean = average_label[:1].lower() + average_label[1:]
    desc = (
        f"Điểm từng nhóm tiêu chí của {unit_label}, so với điểm cao nhất Khối và điểm {mean}. "
        + " ".join(
            f"{group}: {unit_label} {_points(u)}, cao nhất {_points(b)}, {mean} {_points(a)}."
            for group, u, b, a in zip(groups, unit, best, average, strict=True)
        )
    )
    with _drawing():
        labels = [unit_label, _CLUSTER[0], average_label]
        ax, fig = _bar_axes(groups, legend_rows=_legend_rows(labels), bars=3)
        if not groups:
            return _empty(fig, ax, title)
        height = 0.26
        keys: list[Artist] = []
        for k, values in enumerate((unit, best, average)):
            face, hatch = _FILLS[k]
            ys = [i + (k - 1) * height for i in range(len(groups))]
            bars = ax.barh(
                ys,
                [float(v) for v in values],
                height=height,
                color=face,
                hatch=hatch,
                edgecolor="black",
                linewidth=0.5,
            )
            keys.append(bars.patches[0])
            for y, v in zip(ys, values, strict=True):
                _value_label(ax, max(v, Decimal(0)), y, _points(v), size=7)
        everything = [*unit, *best, *average]
        _points_axis(ax, min([*everything, Decimal(0)]), max([*everything, Decimal(0)]))
        _arrange(fig, ax, keys, labels)
        return _svg(fig, title, desc)


def history_lines(
    years: Sequence[int],
    series: Mapping[str, Sequence[int | None]],
    *,
    title: str,
) -> str:
    """Each unit's rank per year as a line (rank 1 at the top); None is a year without rank."""
    for name, ranks in series.items():
        if len(ranks) != len(years):
            raise ValueError(f"{name}: {len(ranks)} ranks for {len(years)} years")
    desc = "Hạng của từng đơn vị qua các năm (hạng 1 là cao nhất). " + " ".join(
        f"{name}: "
        + ", ".join(
            f"năm {year} " + ("không có hạng" if rank is None else f"hạng {rank}")
            for year, rank in zip(years, ranks, strict=True)
        )
        + "."
        for name, ranks in series.items()
    )
    ranked = [r for ranks in series.values() for r in ranks if r is not None]
    with _drawing():
        rows = _legend_rows(list(series))
        fig = _figure(3.0 + 0.2 * rows)
        ax = fig.add_axes((0, 0, 1, 1))
        if not years or not ranked:
            return _empty(fig, ax, title)
        keys: list[Artist] = []
        for k, ranks in enumerate(series.values()):
            (line,) = ax.plot(
                list(years),
                [math.nan if r is None else r for r in ranks],
                color=_GREYS[k % len(_GREYS)],
                linestyle=_LINES[k % len(_LINES)],
                marker=_MARKERS[k % len(_MARKERS)],
                markerfacecolor="white",
                linewidth=1.2,
            )
            keys.append(line)
        last = max(ranked)
        ax.set_ylim(last + 0.5, 0.5)
        ax.yaxis.set_major_locator(
            FixedLocator(range(1, last + 1)) if last <= 12 else MaxNLocator(integer=True)
        )
        ax.yaxis.set_major_formatter(_COUNT)
        ax.set_xticks(list(years), [str(y) for y in years])
        ax.set_xlim(min(years) - 0.3, max(years) + 0.3)
        ax.set_xlabel("Năm")
        ax.set_ylabel("Hạng")
        ax.grid(axis="y", color="#d0d0d0", linewidth=0.5)
        _arrange(fig, ax, keys, list(series), ytick=mpl.rcParams["ytick.major.size"])
        return _svg(fig, title, desc)


# --- drawing helpers ------------------------------------------------------------------------

_FONT = "DejaVu Sans"  # shipped with matplotlib; every Vietnamese letter
_SIZE = 9  # points


@contextmanager
def _drawing() -> Iterator[None]:
    """matplotlib's defaults and these settings, whatever a matplotlibrc says; restored after."""
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(
            {
                "svg.hashsalt": "thidua",  # ids hashed from the content, not from uuid4
                "svg.fonttype": "path",  # glyphs as paths: the same drawing on every machine
                "font.family": _FONT,
                "font.size": _SIZE,
                "text.parse_math": False,  # "$x$" in a name is text
                "axes.spines.top": False,
                "axes.spines.right": False,
                "hatch.linewidth": 0.6,
                "legend.frameon": False,
            }
        )
        yield


def _check_rows(values: Sequence[Sequence[Decimal]], rows: int, columns: int) -> None:
    if len(values) != rows or any(len(row) != columns for row in values):
        raise ValueError(f"values must be {rows} rows of {columns} groups")


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def _points(value: Decimal) -> str:
    """Points as every document shows them: ``84,5``; ``≈38,82`` when rounded."""
    return numbers.points(value, approx=True)


def _legend_columns(labels: Sequence[str]) -> tuple[int, int]:
    """(columns, characters a line) of a legend below a 7-inch chart: long labels take 2."""
    longest = max(map(len, labels), default=0)
    return (4, 18) if longest <= 18 else (3, 26) if longest <= 26 else (2, 40)


def _legend_rows(labels: Sequence[str]) -> int:
    """Text lines the legend takes: the tallest entry of each row."""
    columns, width = _legend_columns(labels)
    lines = [_wrap(label, width).count("\n") + 1 for label in labels]
    return sum(max(lines[i : i + columns]) for i in range(0, len(lines), columns))


def _figure(height: float) -> Figure:
    return Figure(figsize=(WIDTH, round(height, 2)))


def _bar_axes(labels: Sequence[str], *, legend_rows: int, bars: int = 1) -> tuple[Axes, Figure]:
    """A figure tall enough for a row of ``bars`` bars per label (wrapped), and the legend."""
    wrapped = [_wrap(label, 30) for label in labels]
    lines = max((w.count("\n") + 1 for w in wrapped), default=1)
    row = max(0.3 * bars, 0.18 + 0.15 * lines)
    fig = _figure(max(1.8, 0.8 + row * len(labels) + 0.2 * legend_rows))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_yticks(range(len(labels)), wrapped)
    ax.tick_params(axis="y", left=False, length=0)  # no tick marks: not drawn at all
    ax.invert_yaxis()
    return ax, fig


def _value_label(ax: Axes, x: Decimal, y: float, text: str, *, size: float = 8) -> None:
    ax.annotate(
        text,
        (float(x), y),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=size,
    )


def _points_axis(ax: Axes, low: Decimal, high: Decimal) -> None:
    """Points on x from ``low`` (<= 0) to ``high``, room for the labels, a line at 0."""
    span = float(high - low) or 1.0
    ax.set_xlim(float(low) - (0.04 * span if low < 0 else 0), float(high) + 0.12 * span)
    if low < 0:
        ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(_POINTS)
    ax.set_xlabel("Điểm")


def _empty(fig: Figure, ax: Axes, title: str) -> str:
    ax.set_axis_off()
    ax.text(0.5, 0.5, NO_DATA, transform=ax.transAxes, ha="center", va="center")
    return _svg(fig, title, NO_DATA + ".")


# --- placing the axes and the legend --------------------------------------------------------
#
# By hand, not by a layout engine: matplotlib's constrained layout draws the whole figure once
# to measure it, then once more to write it. The margins are measured from the text itself,
# in points, as matplotlib lays text out (``Text._get_layout``: each line at least as tall as
# the font's ascent and descent, lines apart by its line gap), around matplotlib's default
# paddings (the settings are ``rcdefaults``); nothing is drawn to measure.

_EDGE = 4.0  # points between the drawing and the edge of the picture
_GAP = 6.0  # points between the x axis label and the legend


class _Text:
    """Sizes in points of text in the charts' font, measured from its glyphs, not drawn."""

    def __init__(self) -> None:
        self.font = FontProperties(family=_FONT, size=_SIZE)
        face = get_font(findfont(self.font))
        table = face.get_sfnt_table("OS/2")
        if table is None:
            raise RuntimeError(f"{_FONT} has no OS/2 table: check this module")
        em = _SIZE / face.units_per_EM
        self.ascent = table["sTypoAscender"] * em
        self.descent = -table["sTypoDescender"] * em
        self.line_gap = table["sTypoLineGap"] * em
        self._glyphs = TextToPath()

    def lines(self, text: str) -> list[tuple[float, float, float]]:
        """(width, ascent, descent) of each line of ``text``, as matplotlib spaces the lines."""
        lines = text.split("\n")
        half_gap = self.line_gap / 2 if len(lines) > 1 else 0.0
        sizes = []
        for line in lines:
            w, h, d = self._glyphs.get_text_width_height_descent(line, self.font, ismath=False)
            sizes.append((w, max(h - d, self.ascent) + half_gap, max(d, self.descent) + half_gap))
        return sizes

    def size(self, text: str) -> tuple[float, float]:
        """(width, height) of ``text``, its lines one under the other."""
        lines = self.lines(text)
        return max(w for w, _, _ in lines), sum(a + d for _, a, d in lines)

    def legend_height(self, labels: Sequence[str], columns: int) -> float:
        """The height of a legend of ``labels`` (reading order) in ``columns``.

        matplotlib stacks each column on its own and lines the columns up on the baseline of
        their first entry; an entry of several lines is centred on its key.
        """
        spacing = float(mpl.rcParams["legend.labelspacing"]) * _SIZE
        tops, bottoms = [], []
        for column in range(columns):
            entries = [self.lines(label) for label in labels[column::columns]]
            tall = [sum(a + d for _, a, d in entry) for entry in entries]
            first = entries[0]
            top = first[0][1] if len(first) == 1 else (tall[0] + self.ascent) / 2
            tops.append(top)
            bottoms.append(top - sum(tall) - spacing * (len(entries) - 1))
        return max(tops) - min(bottoms) + 2 * float(mpl.rcParams["legend.borderpad"]) * _SIZE


def _tick_labels(axis: XAxis | YAxis, low: float, high: float) -> list[tuple[float, str]]:
    """The ticks ``axis`` shows between ``low`` and ``high``, with their labels."""
    room = (high - low) * 1e-9
    ticks = [t for t in axis.get_major_locator()() if low - room <= t <= high + room]
    return list(zip(ticks, axis.get_major_formatter().format_ticks(ticks), strict=True))


def _arrange(
    fig: Figure,
    ax: Axes,
    keys: Sequence[Artist] = (),
    labels: Sequence[str] = (),
    *,
    ytick: float = 0.0,
) -> None:
    """Place ``ax`` in ``fig`` around its labels, and the legend of ``labels`` below it.

    Left of the axes: the y tick labels (``ytick``: their tick marks' length) and the y axis
    label; below: the x tick labels (numbers, one line), the x axis label and the legend,
    centred, read row by row; right: whatever the last x tick label reaches beyond the axes.
    """
    rc = mpl.rcParams
    text = _Text()
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    below = (  # tick marks, tick labels and the label of the x axis
        rc["xtick.major.size"]
        + rc["xtick.major.pad"]
        + text.ascent
        + text.descent
        + rc["axes.labelpad"]
        + text.size(ax.get_xlabel())[1]
    )
    bottom = _EDGE + below
    columns, chars = _legend_columns(labels)
    columns = min(columns, len(labels))
    wrapped = [_wrap(label, chars) for label in labels]
    if labels:
        bottom += _GAP + text.legend_height(wrapped, columns)
    top = _EDGE

    def place(left: float, right: float) -> float:
        """The axes ``left`` and ``right`` points in from the edges; its width in points."""
        inner = width - left - right
        ax.set_position((left / width, bottom / height, inner / width, 1 - (top + bottom) / height))
        return inner

    place(_EDGE, _EDGE)  # how many ticks an axis shows may depend on its length
    low, high = sorted(ax.get_ylim())
    ticks = _tick_labels(ax.yaxis, low, high)
    left = _EDGE + max((text.size(label)[0] for _, label in ticks), default=0.0)
    left += rc["ytick.major.pad"] + ytick
    if ax.get_ylabel():
        left += text.size(ax.get_ylabel())[1] + rc["axes.labelpad"]
    low, high = ax.get_xlim()
    scale = place(left, _EDGE) / (high - low)
    halves = [(x, text.size(label)[0] / 2) for x, label in _tick_labels(ax.xaxis, low, high)]
    out_left = max((half - (x - low) * scale for x, half in halves), default=0.0)
    out_right = max((half - (high - x) * scale for x, half in halves), default=0.0)
    place(max(left, _EDGE + out_left), _EDGE + max(out_right, 0.0))
    if labels:
        order = [i for j in range(columns) for i in range(j, len(labels), columns)]
        fig.legend(
            [keys[i] for i in order],  # given: matplotlib would leave out a label "_…"
            [wrapped[i] for i in order],  # matplotlib fills the columns one after the other
            loc="upper center",
            bbox_to_anchor=(0.5, (bottom - below - _GAP) / height),
            borderaxespad=0,
            ncols=columns,
        )


# --- writing the SVG ------------------------------------------------------------------------

# What matplotlib writes that the site does not want: the prolog and the <metadata> (date,
# program); a <style> element and style="" attributes, which a page's Content-Security-Policy
# (style-src 'self') blocks in inline SVG, so written as presentation attributes instead; and
# the ids nothing refers to (figure_1, axes_1…), which would repeat from chart to chart.
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_DEFAULT_STYLE = re.compile(r'\s*<defs>\s*<style type="text/css">\*\{([^}<]*)\}</style>\s*</defs>')
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_ID = re.compile(r' id="([^"]*)"')
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]*)')
_ID_OR_REFERENCE = re.compile(r'( id="|href="#|url\(#)')


def _attributes(css: str) -> str:
    """``fill: #fff; stroke: #000`` → `` fill="#fff" stroke="#000"``."""
    pairs = (declaration.split(":", 1) for declaration in css.split(";") if declaration.strip())
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _svg(fig: Figure, title: str, desc: str) -> str:
    """``fig`` as one ``<svg>`` element: role, title and desc first, styles as attributes."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata=_NO_METADATA)
    text = out.getvalue()
    text = text[text.index("<svg ") :]
    default = _DEFAULT_STYLE.search(text)
    if default is None:
        raise RuntimeError("matplotlib wrote no default style: check this module")
    text = text[: default.start()] + text[default.end() :]
    text = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    used = set(_REFERENCE.findall(text))
    text = _ID.sub(lambda m: m.group(0) if m.group(1) in used else "", text)
    # Ids of this chart only (a digest of it): charts in one page never use each other's.
    prefix = "c" + hashlib.sha256(text.encode()).hexdigest()[:8] + "-"
    text = _ID_OR_REFERENCE.sub(lambda m: m.group(1) + prefix, text)
    root, rest = text.split(">", 1)
    return (
        f'{root} role="img"{_attributes(default.group(1))}>\n'
        f" <title>{escape(title)}</title>\n <desc>{escape(desc)}</desc>{rest}"
    )
