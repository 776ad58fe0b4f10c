"""The pieces every page of the site is made of (:mod:`thidua.present.site`): links, table
cells and columns, tables, charts with their tables, pages. Pure, no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from thidua.numbers import plain

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.present.fingerprint import Fingerprint
    from thidua.present.site_docs import DocLinks

__all__ = [
    "DOCS_FOLDER",
    "HISTORY",
    "NONE",
    "Cell",
    "Column",
    "Figure",
    "Link",
    "Page",
    "SiteYear",
    "Table",
    "awards_by_name",
    "decimal",
    "inline_svg",
    "unit_files",
]

NONE = "—"  # a table cell with nothing to say
HISTORY = "lich-su.html"
DOCS_FOLDER = "van-ban"


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, a link, whether it is a number (right-aligned), and the exact
    value of the ``rank --format json`` field it shows (``data-gia-tri``)."""

    text: str
    number: bool = False
    href: str | None = None
    value: str | None = None
    head: bool = False  # the row's header cell (th scope="row")


@dataclass(frozen=True)
class Column:
    label: str
    number: bool = False
    key: str | None = None  # the field of a rank --format json row (data-cot)
    span: int = 1  # columns of a group header


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    top: tuple[Column, ...] = ()  # a first header row of grouped columns, if any
    id: str | None = None


@dataclass(frozen=True)
class Figure:
    """A chart inlined, its caption, and the table it is drawn from."""

    svg: Markup
    caption: str
    table: Table


@dataclass(frozen=True)
class Page:
    """One HTML page: where it is, what it is called, the template and what it shows."""

    path: str  # inside the site: "2020/NHNN.html"
    template: str
    title: str
    context: Mapping[str, Any]
    codes: tuple[str, ...]  # the fingerprint lines
    provisional: str | None = None  # the "Kết quả tạm tính" banner's sentence
    record: str | None = None  # the fingerprint record (meta thidua-data), one year only
    nav: str = ""  # which item of the navigation this page is ("index", "2020", "lich-su")
    wide_start: bool = False  # printed, the first sheet is landscape (the year's ranking)

    @property
    def body_class(self) -> str:
        """The classes of ``<body>`` the printed page follows: ``not-final`` (every sheet says
        "Kết quả tạm tính" at the top), ``wide-start`` (the first sheet is landscape)."""
        names = ["not-final"] if self.provisional else []
        if self.wide_start:
            names.append("wide-start")
        return " ".join(names)

    @property
    def root(self) -> str:
        """The relative address of the site's folder from this page: ``""`` or ``"../"``."""
        return "../" * self.path.count("/")


def inline_svg(svg: str) -> Markup:
    """A chart as an element of an HTML page: the HTML parser puts ``<svg>`` in its namespace,
    so the namespace declarations (addresses, although never fetched) go, and ``xlink:href``
    becomes the ``href`` of SVG 2."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    root = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg[start:end])
    return Markup(root + svg[end:].replace(" xlink:href=", " href="))


def decimal(value: Fraction) -> Decimal:
    """An exact value for a chart (a repeating decimal to 10 places, as JSON has it)."""
    return Decimal(plain(value) or "0")


def unit_files(member_ids: Sequence[str]) -> dict[str, str]:
    """The page of each unit in a year's folder: ``NHNN.html``; a name the year page holds
    (``index``) or one a case-blind file system would confuse with an earlier unit's
    (``nhnn`` after ``NHNN``) gets a number: ``index-2.html``."""
    files: dict[str, str] = {}
    taken = {"index.html"}
    for member_id in member_ids:
        name, n = f"{member_id}.html", 2
        while name.casefold() in taken:
            name, n = f"{member_id}-{n}.html", n + 1
        taken.add(name.casefold())
        files[member_id] = name
    return files


@dataclass(frozen=True)
class SiteYear:
    """One year to publish: its ranking, its data's fingerprint, its documents."""

    result: YearResult
    fingerprint: Fingerprint
    documents: tuple[DocLinks, ...] = ()

    @property
    def year(self) -> int:
        return self.result.data.year

    @functools.cached_property
    def units(self) -> dict[str, str]:
        """Each unit's page in the year's folder (:func:`unit_files`)."""
        return unit_files(self.result.data.member_ids)


def awards_by_name(result: YearResult) -> list[tuple[str, list[str]]]:
    """Each award proposed and the full names of its units, in the order of the awards."""
    by_name: dict[str, list[str]] = {}
    for award in result.awards:
        by_name.setdefault(award.name, []).append(award.member.name)
    return list(by_name.items())
