"""A link checker for a static site in a folder: no network, the standard library only.

:func:`check` reads every ``.html`` and ``.svg`` file of the folder with
:class:`html.parser.HTMLParser` and every ``.css`` file as text, and collects each address
it finds:

- in attributes: ``href``, ``src``, ``srcset``, ``poster``, ``data``, ``action``,
  ``formaction``, ``xlink:href``, ``background``, ``cite``, ``longdesc``, the ``url=`` of a
  ``<meta http-equiv="refresh">``;
- ``url(…)`` in any attribute (``style``, and SVG presentation attributes such as
  ``clip-path="url(#p1)"``), in ``<style>`` elements and in stylesheets, and the target
  of ``@import``.

Each address must be relative (no scheme, no host, no leading ``/``; ``data:`` is allowed:
it is embedded, not fetched), stay inside the folder once resolved against the file that
names it, and name an existing file (not a folder: ``file://`` shows a folder as a
listing, not its ``index.html``). A ``#fragment`` must name an ``id`` (or an ``<a name>``)
of the target page, which must then be HTML or SVG; an address that is only ``#`` is
reported too (a placeholder, it goes nowhere).

:func:`unreachable` lists the files no chain of links from the start page reaches.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "poster",
        "data",
        "action",
        "formaction",
        "xlink:href",
        "background",
        "cite",
        "longdesc",
    }
)
PARSED = (".html", ".htm", ".svg")  # files whose ids a fragment can name
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)


def css_urls(text: str) -> list[str]:
    """The addresses of ``url(…)`` and ``@import "…"`` in CSS text, in order."""
    found = []
    for pattern in (CSS_URL, CSS_IMPORT):
        for match in pattern.finditer(text):
            found.append(next(g for g in match.groups() if g is not None))
    return found


class _Page(HTMLParser):
    """The ids and the addresses (with their line) of one HTML or SVG file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str]] = []
        self._in_style = False

    def _add(self, url: str) -> None:
        self.urls.append((self.getpos()[0], url))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                self._add(value.strip())
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self._add(candidate.split()[0])
            if "url(" in value.lower():
                for url in css_urls(value):
                    self._add(url)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = REFRESH.search(values.get("content", ""))
            if match:
                self._add(match.group(1).strip())
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in css_urls(data):
                self._add(url)


@dataclass
class Report:
    """What :func:`check` found: the links followed and the problems, one line each."""

    files: list[str] = field(default_factory=list)  # every file, relative to the folder
    links: dict[str, set[str]] = field(default_factory=dict)  # file -> files it links to
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def _read(path: Path) -> tuple[set[str], list[tuple[int, str]]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":
        urls = []
        for number, line in enumerate(text.splitlines(), start=1):
            urls += [(number, url) for url in css_urls(line)]
        return set(), urls
    page = _Page()
    page.feed(text)
    page.close()
    return page.ids, page.urls


def check(root: Path) -> Report:
    """Every address in the HTML, SVG and CSS files under ``root``, checked as above."""
    root = root.resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    read = {
        p.relative_to(root).as_posix(): _read(p) for p in files if p.suffix in (*PARSED, ".css")
    }
    report = Report(files=[p.relative_to(root).as_posix() for p in files])
    for name, (_, urls) in read.items():
        report.links[name] = set()
        for line, url in urls:
            report.checked += 1
            problem = _problem(root, name, url, read)
            if problem is None:
                target = _target(name, url)
                if target != name and not url.lower().startswith("data:"):
                    report.links[name].add(target)
            else:
                report.problems.append(f"{name}:{line}: {url!r}: {problem}")
    return report


def _target(page: str, url: str) -> str:
    """The folder-relative file ``url`` names, from ``page`` (itself for ``#x``)."""
    path = unquote(urlsplit(url).path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page


def _problem(
    root: Path, page: str, url: str, read: dict[str, tuple[set[str], list[tuple[int, str]]]]
) -> str | None:
    if url.lower().startswith("data:"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return "not a relative address"
    if not url:
        return "empty address"
    if parts.path.startswith("/"):
        return "absolute path"
    target = _target(page, url)
    if target == ".." or target.startswith("../"):
        return "leaves the folder"
    path = root / target
    if not path.exists():
        return f"no such file: {target}"
    if not path.is_file():
        return f"not a file: {target}"
    if "#" not in url:
        return None
    fragment = unquote(parts.fragment)
    if not fragment:
        return "an empty fragment"
    if target not in read or target.endswith(".css"):
        return f"a fragment into a file that has no ids: {target}"
    if fragment not in read[target][0]:
        return f"no id {fragment!r} in {target}"
    return None


def unreachable(report: Report, start: str = "index.html") -> list[str]:
    """The files of the folder not reached by following links from ``start``."""
    seen = {start}
    todo = [start]
    while todo:
        for target in sorted(report.links.get(todo.pop(), ())):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return sorted(set(report.files) - seen)
