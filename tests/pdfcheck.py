"""Printing documents to PDF (Chromium, LibreOffice) and reading the pages back (poppler).

What the print tests look at: the text of each page (``pdftotext -layout``, one list of
lines a page), which pages are landscape (``pdfinfo``), and on which page each body row of
each table of the HTML document lands. A row is found on the line that shows the first
line of each of its cells, left to right: the beginning (one word or more) of every
non-empty cell, in order, one right after the other on one printed line. Rows are looked for
one after the other, so identical rows (ballot papers) are told apart by their order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html


def chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_html(browser: str, html: Path, pdf: Path, profile: Path) -> None:
    """``html`` printed by headless Chromium to ``pdf`` (no browser header or footer)."""
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def office_pdfs(office: str, files: list[Path], outdir: Path, home: Path) -> list[Path]:
    """``files`` converted to PDF by LibreOffice headless, with a throw-away profile."""
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            office,
            f"-env:UserInstallation={(home / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, HOME=str(home)),
        check=False,
    )
    out = [outdir / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in out if not p.is_file()]
    assert not missing, f"LibreOffice did not write {missing}:\n{proc.stdout}\n{proc.stderr}"
    return out


def page_lines(pdf: Path) -> list[list[str]]:
    """The non-empty lines of each page, NFC, blanks collapsed (``pdftotext -layout``)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    pages = unicodedata.normalize("NFC", out).split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    return [
        [" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in pages
    ]


def landscape_pages(pdf: Path, count: int) -> list[bool]:
    """For each of the ``count`` pages: wider than high."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(count), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    sizes = [
        line.split(":", 1)[1].split()
        for line in info.splitlines()
        if line.startswith("Page ") and " size:" in line
    ]
    assert len(sizes) == count, info
    return [float(size[0]) > float(size[2]) for size in sizes]


def words_outside(pdf: Path, left_mm: float, right_mm: float, slack_mm: float = 1.5) -> list[str]:
    """Words printed left of the left margin or right of the right margin (``pdftotext
    -bbox``), as "page N: word"; the margins as the page is read, portrait or landscape."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    root = lxml.html.fromstring(out.encode("utf-8"))
    mm = 72 / 25.4
    found = []
    for number, page in enumerate(root.iter("page"), 1):
        right = float(page.get("width")) - (right_mm - slack_mm) * mm
        left = (left_mm - slack_mm) * mm
        for word in page.iter("word"):
            if float(word.get("xmin")) < left or float(word.get("xmax")) > right:
                found.append(f"trang {number}: {word.text_content()}")
    return found


# --- tables of the HTML, found on the pages -----------------------------------------------


@dataclass
class HtmlTable:
    """A bordered table of the HTML document: its body rows (cells as lists of words)."""

    rows: list[list[list[str]]]
    body_rows: int  # empty rows included
    short: bool  # kept on one page: at most 10 body rows, not marked break-inside: auto
    landscape: bool  # inside a <section class="landscape">
    nested: list[tuple[int, HtmlTable]] = field(default_factory=list)  # (row, table)

    def name(self) -> str:
        first = " ".join(" ".join(cell) for cell in self.rows[0]) if self.rows else ""
        return f"bảng {self.body_rows} hàng, hàng đầu «{first[:60]}»"


def _words(el: Any) -> list[str]:
    return unicodedata.normalize("NFC", el.text_content()).split()


def _body_rows(table: Any) -> list[Any]:
    rows = []
    for part in table:
        if part.tag == "tr":
            rows.append(part)
        elif part.tag in ("tbody",):
            rows.extend(tr for tr in part if tr.tag == "tr")
    return rows


def _table(el: Any) -> HtmlTable:
    rows = _body_rows(el)
    style = " ".join((el.get("style") or "").replace(":", " ").split())
    landscape = any(
        "landscape" in (a.get("class") or "").split() for a in el.iterancestors("section")
    )
    table = HtmlTable(
        rows=[],
        body_rows=len(rows),
        short=len(rows) <= 10 and "break-inside auto" not in style,
        landscape=landscape,
    )
    for tr in rows:
        cells = [_words(td) for td in tr if td.tag in ("td", "th")]
        cells = [c for c in cells if c]
        if not cells:
            continue
        index = len(table.rows)
        table.rows.append(cells)
        for td in tr:
            for inner in td.iter("table"):
                if inner is not td and _is_data(inner) and _outer(inner) is td:
                    table.nested.append((index, _table(inner)))
    return table


def _is_data(el: Any) -> bool:
    classes = set((el.get("class") or "").split())
    return not classes & {"header", "sign"}


def _outer(table: Any) -> Any:
    """The cell a table stands in, or None at the top level."""
    return next(table.iterancestors("td", "th"), None)


def html_tables(html: str) -> list[HtmlTable]:
    """The top-level bordered tables of ``html`` in document order (nested ones inside)."""
    root = lxml.html.document_fromstring(html)
    return [_table(t) for t in root.iter("table") if _is_data(t) and _outer(t) is None]


def landscape_sections(html: str) -> int:
    """How many ``<section class="landscape">`` the document has."""
    root = lxml.html.document_fromstring(html)
    return sum("landscape" in (s.get("class") or "").split() for s in root.iter("section"))


def new_page_sections(html: str) -> list[list[str]]:
    """The first three words of each ``section.appendix`` and ``section.landscape``: parts
    that start a page."""
    root = lxml.html.document_fromstring(html)
    out = []
    for section in root.iter("section"):
        if {"appendix", "landscape"} & set((section.get("class") or "").split()):
            words = _words(section)[:3]
            if words:
                out.append(words)
    return out


def headings(html: str) -> list[str]:
    """The texts of the h1-h3 headings of ``html``, blanks collapsed."""
    root = lxml.html.document_fromstring(html)
    return [" ".join(_words(h)) for h in root.iter("h1", "h2", "h3")]


def _starts_cells(line: str, pos: int, cells: list[list[str]]) -> bool:
    if not cells:
        return True
    first = cells[0]
    for k in range(len(first), 0, -1):
        start = "".join(first[:k])
        if line.startswith(start, pos) and _starts_cells(line, pos + len(start), cells[1:]):
            return True
    return False


def row_on_line(line: str, cells: list[list[str]]) -> bool:
    """``line`` shows the beginning (whole words) of each of ``cells`` in order, one right
    after the other, from the start of a word of the line. Blanks are left out of the
    comparison: a PDF may print "0 %" as "0%". A row of one cell must fill the line (a word
    of it could be anywhere)."""
    words = line.split()
    if len(cells) == 1:
        return bool(words) and "".join(words) in {
            "".join(cells[0][:k]) for k in range(1, len(cells[0]) + 1)
        }
    joined = "".join(words)
    starts = [sum(len(w) for w in words[:i]) for i in range(len(words))]
    return any(_starts_cells(joined, pos, cells) for pos in starts)


@dataclass
class Placed:
    """Where a table's rows were printed: the page (1-based) of each row, in order."""

    table: HtmlTable
    pages: list[int]


def place_tables(tables: list[HtmlTable], pages: list[list[str]]) -> list[Placed]:
    """The page of every row of every table (nested tables included), or AssertionError
    naming the first row not found."""
    lines = [(number, line) for number, page in enumerate(pages, 1) for line in page]
    placed: list[Placed] = []
    cursor = 0
    for table in tables:
        cursor = _place(table, lines, cursor, placed)
    return [p for p in placed if p.pages]  # a table of empty boxes shows no text to find


def _place(table: HtmlTable, lines: list[tuple[int, str]], start: int, placed: list[Placed]) -> int:
    found: list[int] = []
    where = start
    for row in table.rows:
        at = next(
            (i for i in range(where, len(lines)) if row_on_line(lines[i][1], row)),
            None,
        )
        assert at is not None, (
            f"không thấy hàng «{' | '.join(' '.join(c) for c in row)}» của {table.name()} trong PDF"
        )
        found.append(at)
        where = at + 1
    placed.append(Placed(table, [lines[i][0] for i in found]))
    end = where
    for row, inner in table.nested:
        end = max(end, _place(inner, lines, found[row], placed))
    return end
