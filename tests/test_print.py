"""The documents print as a secretariat files them: from HTML in a real browser (headless
Chromium) and from Word in LibreOffice, each checked on its PDF (poppler).

For every document of the bundled 2020 (every member of :class:`Doc`, so a new document is
covered as soon as it exists; one that cannot be made for the year is skipped, saying why):
page numbers at the top from page 2 on and none on page 1 (Decree 30), no table of at most
10 body rows split across pages, no heading left alone at the bottom of a page, landscape
pages exactly where the HTML has a ``<section class="landscape">``. Each document is
rendered and printed once per session (module fixtures). Small HTML fragments check the
same rules where the bundled documents happen not to test them: a short table that would
straddle a page break, a landscape part, a long issuing body in the header.

Needs ``chromium``, LibreOffice (``soffice``) and poppler's ``pdfinfo``, ``pdftotext``,
``pdffonts`` (Debian: chromium, libreoffice-writer, poppler-utils, fonts-liberation2 or
fonts-croscore for a Times-compatible font with the Vietnamese letters); the tests skip,
saying what is missing, where they are not installed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

import pdfcheck
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format, RenderError
from thidua.present.render import make_environment, render_document
from thidua.present.word import html_to_docx, render_docx
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise

ROOT = Path(__file__).resolve().parents[1]
BROWSER = pdfcheck.chromium()
OFFICE = pdfcheck.soffice()
POPPLER = [name for name in ("pdfinfo", "pdftotext", "pdffonts") if shutil.which(name) is None]
INSTALL = "Debian: apt-get install chromium libreoffice-writer poppler-utils fonts-liberation2"
PRINTERS = ("chromium", "libreoffice")


def _missing(printer: str) -> list[str]:
    tool = BROWSER if printer == "chromium" else OFFICE
    return ([] if tool else [printer if printer == "chromium" else "soffice"]) + POPPLER


def _skip_without(printer: str) -> None:
    if missing := _missing(printer):
        pytest.skip(
            f"cần {printer} và poppler để in thử ra PDF; thiếu: {', '.join(missing)} ({INSTALL})"
        )


pytestmark = pytest.mark.external

# Pages a sane rendering of the bundled 2020 data takes in the browser, per document.
PAGES = {
    Doc.MINUTES: range(2, 7),
    Doc.REPORT: range(4, 11),
    Doc.PROPOSAL: range(2, 5),
    Doc.SCORES: range(1, 4),
    Doc.RANKING: range(1, 4),
}
COMMON = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
SPECIFIC = {
    Doc.MINUTES: [
        "BIÊN BẢN",
        "Thư ký (người ghi biên bản)",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "Chi cục Hải quan Hòa Bình",
        "85,7 %",
    ],
    Doc.REPORT: ["BÁO CÁO", "Hòa Bình, ngày 30 tháng 12 năm 2020", "PHỤ LỤC 1"],
    Doc.PROPOSAL: ["TỜ TRÌNH", "Kính gửi"],
    Doc.SCORES: ["BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020", "67,75"],
    Doc.RANKING: ["KẾT QUẢ XẾP HẠNG THI ĐUA NĂM 2020", "Cục Quản lý thị trường tỉnh Hòa Bình"],
}


# --- the bundled documents, rendered and printed once ---------------------------------------


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(ROOT / "data", 2020)
    return rank_year(data)


@pytest.fixture(scope="module")
def documents(bundled: YearResult) -> dict[Doc, str | RenderError]:
    """The HTML of every document of 2020, or why it cannot be made for the year."""
    out: dict[Doc, str | RenderError] = {}
    for doc in Doc:
        try:
            out[doc] = render_document(
                bundled,
                doc,
                Format.HTML,
                env=make_environment(),
                next_tasks=load_next_tasks(bundled.data),
            )
        except RenderError as exc:
            out[doc] = exc
    return out


def _made(documents: dict[Doc, str | RenderError]) -> dict[Doc, str]:
    return {doc: html for doc, html in documents.items() if isinstance(html, str)}


def _html(documents: dict[Doc, str | RenderError], doc: Doc) -> str:
    html = documents[doc]
    if isinstance(html, RenderError):
        pytest.skip(f"không lập được {doc.label} cho năm 2020: {html.message}")
    return html


@pytest.fixture(scope="module")
def chromium_pdfs(
    documents: dict[Doc, str | RenderError], tmp_path_factory: pytest.TempPathFactory
) -> dict[Doc, Path]:
    _skip_without("chromium")
    assert BROWSER is not None
    folder = tmp_path_factory.mktemp("chromium")
    out = {}
    for doc, html in _made(documents).items():
        page = folder / f"{doc.value}.html"
        page.write_text(html, encoding="utf-8")
        out[doc] = folder / f"{doc.value}.pdf"
        pdfcheck.print_html(BROWSER, page, out[doc], folder / "profile")
    return out


@pytest.fixture(scope="module")
def libreoffice_pdfs(
    bundled: YearResult,
    documents: dict[Doc, str | RenderError],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Doc, Path]:
    _skip_without("libreoffice")
    assert OFFICE is not None
    folder = tmp_path_factory.mktemp("libreoffice")
    made = _made(documents)
    files = []
    for doc in made:
        path = folder / f"{doc.value}.docx"
        path.write_bytes(render_docx(bundled, doc, None, next_tasks=load_next_tasks(bundled.data)))
        files.append(path)
    pdfs = pdfcheck.office_pdfs(OFFICE, files, folder / "pdf", folder)
    return dict(zip(made, pdfs, strict=True))


def _printed(request: pytest.FixtureRequest, printer: str, doc: Doc) -> tuple[str, Path]:
    _skip_without(printer)
    html = _html(request.getfixturevalue("documents"), doc)
    pdfs: dict[Doc, Path] = request.getfixturevalue(f"{printer}_pdfs")
    return html, pdfs[doc]


each_document = pytest.mark.parametrize("doc", list(Doc), ids=lambda d: d.value)
each_printer = pytest.mark.parametrize("printer", PRINTERS)


# --- page numbers, tables, headings, orientation ---------------------------------------------


def check_page_numbers(pages: list[list[str]]) -> None:
    """Page N ≥ 2 begins with the line "N"; page 1 begins with something else."""
    assert pages
    assert pages[0][0] != "1", pages[0][:3]
    for number, lines in enumerate(pages[1:], start=2):
        assert lines and lines[0] == str(number), (number, lines[:3])


def check_short_tables(html: str, pages: list[list[str]]) -> int:
    """No table of at most 10 body rows spans two pages; how many short tables were seen."""
    placed = pdfcheck.place_tables(pdfcheck.html_tables(html), pages)
    short = [p for p in placed if p.table.short]
    for p in short:
        assert p.pages[0] == p.pages[-1], (
            f"{p.table.name()} bị tách qua trang {p.pages[0]} và {p.pages[-1]}"
        )
    return len(short)


def check_orientation(html: str, pages: list[list[str]], landscape: list[bool]) -> None:
    """Tables in a landscape section print on landscape pages, the others on portrait ones;
    no landscape page without a landscape section."""
    placed = pdfcheck.place_tables(pdfcheck.html_tables(html), pages)
    for p in placed:
        turned = {landscape[page - 1] for page in p.pages}
        assert turned == {p.table.landscape}, (p.table.name(), p.pages)
    if not pdfcheck.landscape_sections(html):
        assert not any(landscape)
    else:
        assert any(landscape)


def check_headings(html: str, pages: list[list[str]]) -> None:
    """No page but the last ends with a heading (or its last line)."""
    titles = [h for h in pdfcheck.headings(html) if h]
    for number, lines in enumerate(pages[:-1], start=1):
        last = lines[-1]
        alone = [h for h in titles if h == last or (h.endswith(last) and len(last.split()) > 1)]
        assert not alone, f"trang {number} kết thúc bằng đề mục «{alone[0]}»"


@each_document
@each_printer
def test_page_numbers_from_page_two(request: pytest.FixtureRequest, printer: str, doc: Doc) -> None:
    """Decree 30: the number centred at the top of every page but the first."""
    _, pdf = _printed(request, printer, doc)
    check_page_numbers(pdfcheck.page_lines(pdf))


@each_document
@each_printer
def test_short_tables_are_not_split(request: pytest.FixtureRequest, printer: str, doc: Doc) -> None:
    """Every table of at most 10 rows lies on one page; every row of every table is found."""
    html, pdf = _printed(request, printer, doc)
    check_short_tables(html, pdfcheck.page_lines(pdf))


def check_new_pages(html: str, pages: list[list[str]]) -> None:
    """Each appendix or landscape part begins a page (after the page number), in order."""
    page = 0
    for words in pdfcheck.new_page_sections(html):
        while page < len(pages):
            lines = pages[page][1:] if page else pages[page]  # page 1 has no number
            page += 1
            if " ".join(lines).split()[: len(words)] == words:
                break
        else:
            raise AssertionError(f"phần «{' '.join(words)} …» không bắt đầu một trang mới")


@each_document
@each_printer
def test_appendices_start_a_new_page(
    request: pytest.FixtureRequest, printer: str, doc: Doc
) -> None:
    html, pdf = _printed(request, printer, doc)
    check_new_pages(html, pdfcheck.page_lines(pdf))


@each_document
@each_printer
def test_no_heading_alone_at_a_page_bottom(
    request: pytest.FixtureRequest, printer: str, doc: Doc
) -> None:
    html, pdf = _printed(request, printer, doc)
    check_headings(html, pdfcheck.page_lines(pdf))


@each_document
@each_printer
def test_landscape_where_the_document_says(
    request: pytest.FixtureRequest, printer: str, doc: Doc
) -> None:
    html, pdf = _printed(request, printer, doc)
    pages = pdfcheck.page_lines(pdf)
    check_orientation(html, pages, pdfcheck.landscape_pages(pdf, len(pages)))


@each_document
@each_printer
def test_nothing_printed_in_the_side_margins(
    request: pytest.FixtureRequest, printer: str, doc: Doc
) -> None:
    """Every word lies between the left (30 mm) and the right (15 mm) margins: no table
    wider than the page, no header line running off it."""
    _, pdf = _printed(request, printer, doc)
    assert pdfcheck.words_outside(pdf, left_mm=30, right_mm=15) == []


def fonts(pdf: Path) -> list[str]:
    """Names of the fonts embedded in ``pdf`` (pdffonts), subset prefixes removed."""
    out = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [name.split("+", 1)[-1] for name in names]


@each_document
def test_document_prints_to_pdf(request: pytest.FixtureRequest, doc: Doc) -> None:
    """The bundled document prints to a PDF of a sane length with its Vietnamese text intact,
    every glyph from a Times-compatible serif font."""
    html, pdf = _printed(request, "chromium", doc)
    pages = pdfcheck.page_lines(pdf)
    if doc in PAGES:
        assert len(pages) in PAGES[doc]
    text = " ".join(line for page in pages for line in page)
    headed = 'class="header"' in html
    for expected in (COMMON if headed else []) + SPECIFIC.get(doc, []):
        assert expected in text, expected
    assert "None" not in text
    # A fallback (DejaVu Sans, a Type 3 font) means the font stack misses the letters.
    serif = ("TimesNewRoman", "Times", "LiberationSerif", "Tinos")
    strange = [f for f in fonts(pdf) if not f.startswith(serif)]
    assert not strange, (
        f"phông chữ không phải Times/Liberation Serif/Tinos: {strange}; "
        "cài fonts-liberation2 hoặc fonts-croscore (có đủ chữ tiếng Việt)"
    )


# --- fragments: the rules where the bundled documents may not test them ---------------------


def page_of(body: str) -> str:
    """``body`` in the page of every HTML document (templates/_base.html)."""
    template = make_environment().from_string(
        '{% extends "_base.html" %}{% block body %}' + body + "{% endblock %}"
    )
    return template.render()


def print_both(html: str, tmp_path: Path, printer: str) -> Path:
    """``html`` printed by ``printer``: Chromium directly, LibreOffice from its .docx."""
    _skip_without(printer)
    if printer == "chromium":
        assert BROWSER is not None
        page = tmp_path / "page.html"
        page.write_text(html, encoding="utf-8")
        pdf = tmp_path / "page.pdf"
        pdfcheck.print_html(BROWSER, page, pdf, tmp_path / "profile")
        return pdf
    assert OFFICE is not None
    docx = tmp_path / "page.docx"
    docx.write_bytes(html_to_docx(html, title="thử", when=dt.datetime(2020, 12, 30)))
    (pdf,) = pdfcheck.office_pdfs(OFFICE, [docx], tmp_path / "pdf", tmp_path)
    return pdf


def vote_table(rows: int, mark: str) -> str:
    body = "".join(
        f'<tr><td class="c">{i}</td><td>Đơn vị {mark} thứ {i} của Khối</td>'
        f'<td class="n">{i * 3}</td></tr>'
        for i in range(1, rows + 1)
    )
    return (
        '<table class="data"><thead><tr><th>STT</th><th>Đơn vị</th><th>Số phiếu</th></tr>'
        f"</thead><tbody>{body}</tbody></table>"
    )


def filler(lines: int) -> str:
    return "".join(
        f"<p>Đoạn {i}: nội dung báo cáo kết quả thực hiện nhiệm vụ năm, một dòng.</p>"
        for i in range(lines)
    )


LEAD = "Kết quả bỏ phiếu như sau:"


@each_printer
def test_short_table_at_a_page_break_moves_whole(tmp_path: Path, printer: str) -> None:
    """A 7-row table (with its heading and lead paragraph) that would straddle the bottom of
    the page moves to the next page whole, whatever text comes before it; an 11-row table
    may break (its header row repeats)."""
    parts = []
    for n, lines in enumerate(range(17, 31, 2)):
        if n:
            parts.append('<section class="appendix">')
        parts.append(filler(lines))
        parts.append(f"<h2>Bảng số {n}</h2><p>{LEAD}</p>")
        parts.append(vote_table(7, f"bảng {n}"))
        if n:
            parts.append("</section>")
    parts.append(f'<section class="appendix">{filler(22)}{vote_table(11, "dài")}</section>')
    html = page_of("".join(parts))
    pages = pdfcheck.page_lines(print_both(html, tmp_path, printer))
    assert check_short_tables(html, pages) == 7
    # The lead paragraph goes with its table.
    leads = [n for n, lines in enumerate(pages, 1) for line in lines if line == LEAD]
    placed = pdfcheck.place_tables(pdfcheck.html_tables(html), pages)
    assert leads == [p.pages[0] for p in placed[:7]]
    check_headings(html, pages)
    check_page_numbers(pages)
    long = pdfcheck.place_tables(pdfcheck.html_tables(html), pages)[-1]
    assert not long.table.short and long.pages[0] != long.pages[-1]  # long tables do break
    header_lines = [line for line in pages[long.pages[-1] - 1] if line == "STT Đơn vị Số phiếu"]
    assert header_lines  # ... and repeat their header row


@each_printer
def test_landscape_section_prints_on_landscape_pages(tmp_path: Path, printer: str) -> None:
    """A landscape section between portrait text: its pages are landscape, numbered on; the
    text before and after stays portrait; a document may end in landscape."""
    head = "".join(f"<th>Tiêu chí {j}</th>" for j in range(1, 13))
    rows = "".join(
        f"<tr><td>Đơn vị {i}</td>"
        + "".join(f'<td class="n">{i * j}</td>' for j in range(1, 13))
        + "</tr>"
        for i in range(1, 4)
    )
    wide = (
        f'<table class="data"><thead><tr><th>Đơn vị</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    html = page_of(
        f"<p>Trang đầu, khổ dọc.</p>{vote_table(3, 'dọc')}"
        f'<section class="landscape"><h2>Phụ lục ngang</h2>{wide}</section>'
        f"<p>Lại khổ dọc.</p>{vote_table(2, 'sau')}"
        f'<section class="landscape"><p>Khổ ngang cuối.</p>{vote_table(2, "cuối")}</section>'
    )
    pdf = print_both(html, tmp_path, printer)
    pages = pdfcheck.page_lines(pdf)
    assert pdfcheck.landscape_pages(pdf, len(pages)) == [False, True, False, True]
    check_page_numbers(pages)
    check_orientation(html, pages, pdfcheck.landscape_pages(pdf, len(pages)))


ISSUERS = {
    # The cluster's full name, 98 letters: at most four lines.
    "long": (
        "KHỐI THI ĐUA CÁC CƠ QUAN TRUNG ƯƠNG QUẢN LÝ NHÀ NƯỚC VỀ KINH TẾ - THỐNG KÊ "
        "TRÊN ĐỊA BÀN TỈNH HÒA BÌNH",
        4,
    ),
    # Its short name: two lines, the second not "- THỐNG KÊ".
    "short": ("KHỐI THI ĐUA KINH TẾ - THỐNG KÊ", 2),
}


@each_printer
@pytest.mark.parametrize("name", list(ISSUERS))
def test_issuing_body_keeps_the_header_in_shape(tmp_path: Path, printer: str, name: str) -> None:
    """The national name and the motto stay on one line each, the issuing body takes few
    lines, and no line of it starts with its dash."""
    issuer_name, most = ISSUERS[name]
    html = page_of(
        '<table class="header"><tr><td class="left">'
        f'<div class="issuer">{issuer_name}</div><div class="rule"></div>'
        '<div class="number">Số: …/BC-…</div></td><td class="right">'
        '<div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
        '<div><span class="motto">Độc lập - Tự do - Hạnh phúc</span></div>'
        '<div class="place-date">Hòa Bình, ngày 30 tháng 12 năm 2020</div></td></tr></table>'
        "<h1>BÁO CÁO</h1>"
    )
    (lines,) = pdfcheck.page_lines(print_both(html, tmp_path, printer))
    nation, motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
    assert lines[0].endswith(nation) and lines[1].endswith(motto), lines[:2]
    issuer = []
    for line in lines[: next(i for i, line in enumerate(lines) if line.startswith("Số:"))]:
        left = line.removesuffix(nation).removesuffix(motto).split("Hòa Bình, ngày")[0]
        if left.strip():
            issuer.append(left.strip())
    assert " ".join(issuer) == issuer_name
    assert len(issuer) <= most, issuer
    assert not any(line.startswith("-") for line in issuer)
