"""The site of `thidua site`, built once from the bundled data and opened as a member would.

Without a browser: every link, image and stylesheet address of every page resolves inside
the folder (tests/linkcheck.py), and every file is reached from the cluster page.

In headless Chromium (Playwright's sync API driving the system's ``chromium``, no browser
download; marked ``external``, skipped with the reason when Playwright or Chromium is
missing): every page loads from ``file://`` with no console error or warning, no script
error and no request outside the folder (any such request is also aborted, so the tests
never reach the network); every image loads and every inline SVG chart has a size; the
ranking table (the table of the section ``#xep-hang``) reads, row by row, as ``thidua rank
YEAR --format json``, also with JavaScript off; over a local ``http.server`` nothing leaves
localhost and the server is asked only for files of the site (no ``/favicon.ico``). The
year page of 2020 and the leading unit's page are kept as screenshots in
tests/artifacts/site/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from typer.testing import CliRunner

import linkcheck
import pdfcheck
from thidua import numbers
from thidua.cli import app

REPO = Path(__file__).resolve().parents[1]
DATA = str(REPO / "data")
YEARS = (2020, 2021)  # the bundled years: one closed, one in progress
ARTIFACTS = REPO / "tests" / "artifacts" / "site"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--data", DATA])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of every bundled year, written once for this module."""
    out = tmp_path_factory.mktemp("site") / "trang"
    _invoke("site", "-o", str(out))
    return out.resolve()


def _ranking(year: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(_invoke("rank", str(year), "--format", "json"))[
        "xep_hang"
    ]
    return rows


def _json_field(row: dict[str, Any], key: str) -> Any:
    """The field ``key`` of a row (``"nhom.I"``: the group I of ``nhom``)."""
    value: Any = row
    for part in key.split("."):
        value = value[part]
    return value


# How the site writes each field of a ranking row (present/site.py: rank as is, full name,
# points with thidua.numbers.points, votes with count, their share with percent).
SHOWN: dict[str, Callable[[Any], str]] = {
    "hang": str,
    "ten": str,
    "diem": lambda v: numbers.points(Decimal(v)),
    "diem_tu_cham": lambda v: numbers.points(Decimal(v)),
    "phieu": numbers.count,
    "ty_le_phieu": lambda v: numbers.percent(Decimal(v)),
}


def _shown(key: str, value: Any) -> str:
    if value is None:
        return ""
    return SHOWN["diem" if key.startswith("nhom.") else key](value)


def _expected_rows(year: int, keys: list[str]) -> list[dict[str, str]]:
    """Each row of ``rank --format json``: the fields ``keys``, as the site writes them."""
    return [{key: _shown(key, _json_field(row, key)) for key in keys} for row in _ranking(year)]


# --- the link checker, then the site's links -----------------------------------------------


def test_linkcheck_reports_every_kind_of_bad_address(tmp_path: Path) -> None:
    """The checker itself: each bad address is reported with its file and line, good ones not."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.html").write_text(
        '<p id="top"><a href="../index.html#x">ok</a>\n'
        '<a href="https://example.org/">web</a> <img src="/etc/hosts">\n'
        '<img src="../../outside.png"> <a href="missing.html">m</a> <a href="#nope">f</a>\n'
        '<a href="#">placeholder</a> <a href="../a/">folder</a> <a href="#top">ok</a>\n'
        '<svg><rect clip-path="url(#gone)"/><use xlink:href="#top"/></svg>\n'
        '<img srcset="../pic.png 1x, //cdn.example.org/pic.png 2x" src="data:image/png;base64,A">\n'
        '<a href="../style.css#x">css</a> <a href="../t%E1%BB%87p.txt">ok</a>\n',
        encoding="utf-8",
    )
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="style.css"><a id="x" href="a/p.html">p</a>\n'
        "<style>b { background: url('pic.png') }</style>",
        encoding="utf-8",
    )
    (tmp_path / "style.css").write_text(
        '@import "other.css";\nbody { background: url(pic.png) }\n'
        'i { background: url("http://example.org/x.png") }\n',
        encoding="utf-8",
    )
    (tmp_path / "pic.png").write_bytes(b"")
    (tmp_path / "tệp.txt").write_text("", encoding="utf-8")
    (tmp_path / "orphan.txt").write_text("", encoding="utf-8")

    report = linkcheck.check(tmp_path)

    assert report.problems == [
        "a/p.html:2: 'https://example.org/': not a relative address",
        "a/p.html:2: '/etc/hosts': absolute path",
        "a/p.html:3: '../../outside.png': leaves the folder",
        "a/p.html:3: 'missing.html': no such file: a/missing.html",
        "a/p.html:3: '#nope': no id 'nope' in a/p.html",
        "a/p.html:4: '#': an empty fragment",
        "a/p.html:4: '../a/': not a file: a",
        "a/p.html:5: '#gone': no id 'gone' in a/p.html",
        "a/p.html:6: '//cdn.example.org/pic.png': not a relative address",
        "a/p.html:7: '../style.css#x': a fragment into a file that has no ids: style.css",
        "style.css:1: 'other.css': no such file: other.css",
        "style.css:3: 'http://example.org/x.png': not a relative address",
    ]
    assert report.checked == 22
    assert linkcheck.unreachable(report) == ["orphan.txt"]


def test_site_links_resolve_inside_the_folder(site: Path) -> None:
    """Every address on every page, chart and stylesheet names a file of the site."""
    report = linkcheck.check(site)
    assert report.problems == []
    pages = {name for name in report.files if name.endswith(".html")}
    assert {"index.html", "lich-su.html", "2020/index.html", "2021/index.html"} <= pages
    assert report.checked >= len(pages)


def test_every_file_of_the_site_is_reached_from_the_cluster_page(site: Path) -> None:
    """A member clicking from index.html reaches every page, chart and document."""
    report = linkcheck.check(site)
    assert linkcheck.unreachable(report) == []
    for year in YEARS:
        units = [row["ma"] for row in _ranking(year)]
        assert {f"{year}/{unit}.html" for unit in units} <= set(report.files)


# --- in the browser ------------------------------------------------------------------------


def _sync_api() -> Any:
    try:
        from playwright import sync_api
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright; no browser download)")
    return sync_api


@dataclass(frozen=True)
class Chromium:
    """The system's Chromium, to launch through Playwright."""

    playwright: Any
    executable: str

    def launch(self, *args: str) -> Any:
        root = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return self.playwright.chromium.launch(executable_path=self.executable, args=[*root, *args])


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """Playwright driving the system's Chromium; skipped when either is missing."""
    sync_api = _sync_api()
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        yield Chromium(playwright, executable)


@pytest.fixture(scope="module")
def browser(chromium: Chromium) -> Iterator[Any]:
    """One browser for the module's tests."""
    launched = chromium.launch()
    yield launched
    launched.close()


@dataclass
class Watch:
    """What the pages of one browser context did: console, script errors, requests."""

    allowed: Callable[[str], bool]
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, context: Any, *, abort: bool = True) -> None:
        """Watch the pages of ``context``; with ``abort``, requests not allowed are aborted."""
        if abort:
            context.route(lambda url: not self.allowed(url), lambda route: route.abort())
        context.on("page", self._page)

    def _page(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            where = message.location
            self.console.append(
                f"{message.type}: {message.text} ({where['url']}:{where['lineNumber'] + 1})"
            )

    def _request(self, request: Any) -> None:
        self.requests.append(request.url)
        if not self.allowed(request.url):
            self.outside.append(request.url)

    def trouble(self) -> dict[str, list[str]]:
        found = {
            "console": self.console,
            "script errors": self.errors,
            "requests outside": self.outside,
            "failed requests": self.failed,
        }
        return {kind: items for kind, items in found.items() if items}


def _inside(site: Path) -> Callable[[str], bool]:
    prefix = site.as_uri() + "/"
    return lambda url: url.startswith(prefix) or url.startswith("data:")


@pytest.fixture
def watched(browser: Any, site: Path) -> Iterator[tuple[Any, Watch]]:
    """A fresh browser context whose pages are watched; only the site's files may load."""
    context = browser.new_context()
    watch = Watch(_inside(site))
    watch.attach(context)
    yield context, watch
    context.close()


IMAGES = """() => Array.from(document.images)
    .filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src'))"""
# Outermost inline SVGs (a chart may nest others) that have no content or no size.
EMPTY_SVGS = """() => Array.from(document.querySelectorAll('svg'))
    .filter(svg => !svg.parentElement.closest('svg'))
    .filter(svg => {
        const box = svg.getBoundingClientRect();
        return svg.childElementCount === 0 || box.width === 0 || box.height === 0;
    })
    .map(svg => svg.id || svg.querySelector('title')?.textContent || svg.outerHTML.slice(0, 80))"""


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.external
def test_every_page_loads_cleanly_from_file(site: Path, watched: tuple[Any, Watch]) -> None:
    """Every page: no console error or warning, no request leaves the folder, images load."""
    context, watch = watched
    pages = _pages(site)
    broken: dict[str, dict[str, list[str]]] = {}
    svgs = 0
    page = context.new_page()
    for path in pages:
        page.goto(path.as_uri())
        name = path.relative_to(site).as_posix()
        missing = page.evaluate(IMAGES)
        empty = page.evaluate(EMPTY_SVGS)
        if missing or empty:
            broken[name] = {"images not loaded": missing, "empty inline SVG": empty}
        svgs += page.locator("svg").count()
    assert watch.trouble() == {}
    assert broken == {}
    # The year pages requested their stylesheet: the watch did see the site's requests.
    assert (site / "style.css").as_uri() in watch.requests
    assert svgs > 0 or any(url.endswith(".svg") for url in watch.requests)


TABLE = """table => ({
    keys: Array.from(table.tHead.rows[0].cells).map(th => th.dataset.cot || null),
    rows: Array.from(table.tBodies[0].rows).map(tr => Array.from(tr.cells).map(
        cell => ({text: cell.innerText, value: cell.dataset.giaTri ?? null})))
})"""


@dataclass
class Ranking:
    """The ranking table of a year page: the ``rank --format json`` field each column shows
    (``data-cot``), then per row the text of each such cell, and its exact value
    (``data-gia-tri``)."""

    keys: list[str]
    texts: list[dict[str, str]]
    values: list[dict[str, str | None]]


def _ranking_table(page: Any) -> Ranking:
    """Read through Playwright's own script world: works with the page's JavaScript off."""
    table = page.locator("#xep-hang table").evaluate(TABLE)
    columns = [(i, key) for i, key in enumerate(table["keys"]) if key is not None]
    rows = table["rows"]
    return Ranking(
        [key for _, key in columns],
        [{key: " ".join(row[i]["text"].split()) for i, key in columns} for row in rows],
        [{key: row[i]["value"] for i, key in columns} for row in rows],
    )


def _assert_reads_as_rank_json(table: Ranking, year: int) -> None:
    assert table.keys[:3] == ["hang", "ten", "diem"]
    assert table.texts == _expected_rows(year, table.keys)
    # Each cell also holds the JSON's exact value, as the JSON writes it ("" for null).
    assert table.values == [
        {key: "" if (value := _json_field(row, key)) is None else str(value) for key in table.keys}
        for row in _ranking(year)
    ]


@pytest.mark.external
@pytest.mark.parametrize("year", YEARS)
def test_ranking_table_reads_as_rank_json(
    year: int, site: Path, watched: tuple[Any, Watch]
) -> None:
    """Rank, full name and total of each row, in order, as `rank --format json` gives them."""
    context, watch = watched
    page = context.new_page()
    page.goto((site / str(year) / "index.html").as_uri())
    _assert_reads_as_rank_json(_ranking_table(page), year)
    assert watch.trouble() == {}


@pytest.mark.external
def test_ranking_table_without_javascript(browser: Any, site: Path) -> None:
    """With JavaScript off the year page still shows the whole ranking table."""
    context = browser.new_context(java_script_enabled=False)
    watch = Watch(_inside(site))
    watch.attach(context)
    page = context.new_page()
    page.goto((site / "2020" / "index.html").as_uri())
    table = _ranking_table(page)
    context.close()
    _assert_reads_as_rank_json(table, 2020)
    assert watch.trouble() == {}


@pytest.mark.external
def test_the_rankings_address_shows_its_heading(site: Path, watched: tuple[Any, Watch]) -> None:
    """Opened at #xep-hang, the year page shows the heading "Bảng xếp hạng" at the top."""
    context, watch = watched
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto((site / "2020" / "index.html").as_uri() + "#xep-hang")
    heading = page.locator("#xep-hang > h2")
    assert heading.inner_text() == "Bảng xếp hạng"
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert -1 < top < 50  # at the top of the window (a fraction of a pixel above, at most)
    assert watch.trouble() == {}


# Wider than the window: the page's own width, and each box that scrolls inside it.
WIDTHS = """() => ({
    page: document.documentElement.scrollWidth,
    inside: Array.from(document.querySelectorAll('.scroll, figure.chart'))
        .filter(box => box.scrollWidth > box.clientWidth).length
})"""


@pytest.mark.external
def test_no_page_scrolls_sideways_on_a_phone(site: Path, watched: tuple[Any, Watch]) -> None:
    """At 420 px every page fits the window; a wide table scrolls inside its own box."""
    context, watch = watched
    page = context.new_page()
    page.set_viewport_size({"width": 420, "height": 800})
    wider: dict[str, int] = {}
    inside: dict[str, int] = {}
    for path in _pages(site):
        if "van-ban" in path.parts:
            continue  # the documents are A4 pages to print, not pages of the site
        page.goto(path.as_uri())
        widths = page.evaluate(WIDTHS)
        name = path.relative_to(site).as_posix()
        if widths["page"] > 420:
            wider[name] = widths["page"]
        inside[name] = widths["inside"]
    assert wider == {}
    assert inside["2020/index.html"] >= 1  # the ranking, in its own box
    assert watch.trouble() == {}


@pytest.fixture(scope="module")
def printer() -> str:
    """Chromium's command that prints to PDF, and poppler to read the PDF back."""
    browser = pdfcheck.chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed (pdftotext, pdfinfo)")
    return browser


def _print(printer: str, html: Path, tmp_path: Path) -> tuple[Path, list[list[str]]]:
    pdf = tmp_path / (html.stem + ".pdf")
    pdfcheck.print_html(printer, html, pdf, tmp_path / "profile")
    return pdf, pdfcheck.page_lines(pdf)


@pytest.mark.external
def test_the_ranking_prints_whole_on_a_landscape_sheet(
    site: Path, printer: str, tmp_path: Path
) -> None:
    """Printed, the year page's first sheet is landscape A4 with the title and the whole
    ranking, a row of the table on one line each (not a word a line); then portrait."""
    html = site / "2020" / "index.html"
    pdf, pages = _print(printer, html, tmp_path)
    assert pdfcheck.landscape_pages(pdf, len(pages)) == [True] + [False] * (len(pages) - 1)
    assert "KẾT QUẢ THI ĐUA NĂM 2020" in pages[0]
    root = lxml.html.fromstring(html.read_bytes())
    ranking = lxml.html.tostring(root.get_element_by_id("xep-hang"), encoding="unicode")
    placed = pdfcheck.place_tables(pdfcheck.html_tables(ranking), pages)
    assert [p.pages for p in placed] == [[1] * 7]
    # Every group of the legend is on that sheet too.
    assert [line for line in pages[0] if line.startswith("• Nhóm")] == [
        line for page in pages for line in page if line.startswith("• Nhóm")
    ]
    assert not any("KẾT QUẢ TẠM TÍNH" in line for page in pages for line in page)


@pytest.mark.external
@pytest.mark.parametrize("name", ["2021/index.html", "2021/NHNN.html"])
def test_every_printed_sheet_of_a_year_not_final_says_so(
    site: Path, printer: str, tmp_path: Path, name: str
) -> None:
    """The year page of 2021 (in progress) and a unit's page: "KẾT QUẢ TẠM TÍNH" heads every
    sheet, not only the first."""
    pdf, pages = _print(printer, site / name, tmp_path)
    assert len(pages) > 1
    assert [page[0] for page in pages] == ["KẾT QUẢ TẠM TÍNH"] * len(pages)
    if name.endswith("index.html"):  # the ranking's sheets landscape, as for a final year
        assert pdfcheck.landscape_pages(pdf, len(pages))[0]


@pytest.mark.external
def test_screenshots_of_year_and_unit_pages(site: Path, watched: tuple[Any, Watch]) -> None:
    """The 2020 year page and the leading unit's page, kept as PNG for a person to look at."""
    context, watch = watched
    leader = _ranking(2020)[0]["ma"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "nam-2020.png": site / "2020" / "index.html",
        f"don-vi-2020-{leader}.png": site / "2020" / f"{leader}.html",
    }
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in shots.items():
        page.goto(path.as_uri())
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        assert (ARTIFACTS / name).read_bytes().startswith(b"\x89PNG")
    assert watch.trouble() == {}


class _QuietHandler(SimpleHTTPRequestHandler):
    asked: list[str]  # every path the browser asked for, in order (set by the fixture)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.asked.append(self.path)
        super().do_GET()


@dataclass
class Served:
    url: str  # "http://127.0.0.1:PORT/"
    asked: list[str]  # the paths the server was asked for (what the browser requested)


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    """The site served by http.server on 127.0.0.1 (a free port) in a thread; the server
    keeps the path of every request (the browser's own, such as an icon, included)."""
    asked: list[str] = []
    handler_class = type("_Handler", (_QuietHandler,), {"asked": asked})
    handler = functools.partial(handler_class, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", asked)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.external
def test_year_page_over_http_stays_on_localhost(
    chromium: Chromium, served: Served, site: Path
) -> None:
    """Served by a web server, the year page loads everything from that server only, and
    the server is asked only for files of the site: no /favicon.ico (the page names an
    empty icon of its own), so no 404 in the console.

    A browser of its own, whose requests are not routed through Playwright (with a route,
    Chromium asks for no icon at all): a proxy that is not there takes every request that
    is not to this machine, so none reaches the network."""
    launched = chromium.launch("--proxy-server=http://127.0.0.1:9")
    context = launched.new_context()
    watch = Watch(lambda url: url.startswith(served.url) or url.startswith("data:"))
    watch.attach(context, abort=False)
    statuses: list[tuple[str, int]] = []
    context.on("response", lambda r: statuses.append((r.url, r.status)))
    page = context.new_page()
    page.goto(served.url + "2020/index.html")
    page.wait_for_load_state("networkidle")  # the browser asks for an icon after the load
    missing = page.evaluate(IMAGES)
    table = _ranking_table(page)
    context.close()
    launched.close()
    assert watch.trouble() == {}
    assert missing == []
    assert [(url, status) for url, status in statuses if status != 200] == []
    assert served.url + "style.css" in watch.requests
    assert served.asked[:2] == ["/2020/index.html", "/style.css"]
    assert "/favicon.ico" not in served.asked
    assert [path for path in served.asked if not (site / path.lstrip("/")).is_file()] == []
    _assert_reads_as_rank_json(table, 2020)


@pytest.mark.external
def test_watch_sees_what_it_guards(browser: Any, tmp_path: Path) -> None:
    """The watch itself: a request out of the folder, a console error and a broken image."""
    folder = tmp_path / "trang"
    folder.mkdir()
    (tmp_path / "ngoai.css").write_text("", encoding="utf-8")
    (folder / "index.html").write_text(
        '<link rel="stylesheet" href="../ngoai.css">'
        '<img src="https://example.invalid/logo.png"><img src="khong-co.png">'
        "<script>console.error('lỗi')</script><script>ham_khong_co()</script>",
        encoding="utf-8",
    )
    context = browser.new_context()
    watch = Watch(_inside(folder.resolve()))
    watch.attach(context)
    page = context.new_page()
    page_url = (folder / "index.html").resolve().as_uri()
    page.goto(page_url)
    missing = page.evaluate(IMAGES)
    context.close()
    assert sorted(watch.outside) == [
        (tmp_path / "ngoai.css").resolve().as_uri(),
        "https://example.invalid/logo.png",
    ]
    assert sorted(line.split(" (")[0] for line in watch.console) == [
        "error: Failed to load resource: net::ERR_FAILED",
        "error: Failed to load resource: net::ERR_FAILED",
        "error: Failed to load resource: net::ERR_FILE_NOT_FOUND",
        "error: lỗi",
    ]
    assert watch.errors == [f"{page_url}: ham_khong_co is not defined"]
    assert sorted(watch.failed) == [
        (tmp_path / "ngoai.css").resolve().as_uri() + ": net::ERR_FAILED",
        f"{folder.resolve().as_uri()}/khong-co.png: net::ERR_FILE_NOT_FOUND",
        "https://example.invalid/logo.png: net::ERR_FAILED",
    ]
    assert missing == ["https://example.invalid/logo.png", "khong-co.png"]
