"""Word documents and the Excel score summary: Decree 30 layout, fonts, content, exact bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present import render as r
from thidua.present.ooxml import package_time
from thidua.present.word import html_to_docx, render_docx
from thidua.present.xlsx_summary import render_scores_xlsx
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise
from yeardata import write_year

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"
DOCS = (r.Doc.MINUTES, r.Doc.REPORT, r.Doc.PROPOSAL)
FONT = "Times New Roman"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def result_2020() -> YearResult:
    data, _ = open_year_or_raise(BUNDLED, 2020)
    return rank_year(data)


def make_docx(result: YearResult, doc: r.Doc) -> bytes:
    return render_docx(result, doc, None, next_tasks=load_next_tasks(result.data))


def body_text(document: docx.document.Document) -> str:
    """Every paragraph of the body and its tables, in document order, one per line."""
    lines: list[str] = []
    for block in document.element.body.iter(qn("w:p")):
        parts = [
            (node.text or "") if node.tag == qn("w:t") else "\n"
            for node in block.iter(qn("w:t"), qn("w:br"))
        ]
        lines.append("".join(parts))
    return "\n".join(lines)


# --- layout ---------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCS)
def test_page_is_a4_with_decree_30_margins(result_2020: YearResult, doc: r.Doc) -> None:
    """A4 portrait; margins top 20, bottom 20, left 30, right 15 mm (in twips: mm × 1440/25,4)."""
    with zipfile.ZipFile(io.BytesIO(make_docx(result_2020, doc))) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    # 210 mm = 11906, 297 mm = 16838, 20 mm = 1134, 30 mm = 1701, 15 mm = 850 twips.
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in xml
    assert re.search(r'<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"', xml)


def test_times_new_roman_in_every_script_slot(result_2020: YearResult) -> None:
    """Every w:rFonts of styles.xml names TNR for ascii, hAnsi, cs and eastAsia, no theme font."""
    content = make_docx(result_2020, r.Doc.MINUTES)
    document = docx.Document(io.BytesIO(content))
    styles = document.styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert fonts  # the defaults and the styles that name a font
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")) is not None
    for rfonts in fonts:
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert rfonts.get(qn(slot)) == FONT
        assert not [k for k in rfonts.attrib if k.endswith(("Theme", "theme"))]
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(14)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    # Body runs do not name another font (they inherit Times New Roman).
    assert "w:rFonts" not in xml


def _header(document: docx.document.Document) -> tuple[list[str], list[str], object]:
    table = document.tables[0]
    left, right = table.rows[0].cells
    texts = [[p.text for p in cell.paragraphs if p.text] for cell in (left, right)]
    return texts[0], texts[1], table


def _html_header_left(result: YearResult, doc: r.Doc) -> list[str]:
    """The lines of the HTML header's left column (issuing body, number), as printed."""
    html = r.render_document(result, doc, r.Format.HTML, next_tasks=load_next_tasks(result.data))
    (left,) = lxml.html.document_fromstring(html).find_class("left")
    lines = [" ".join(div.text_content().split()) for div in left.iter("div")]
    return [line for line in lines if line]


def test_minutes_header_has_no_date_line(result_2020: YearResult) -> None:
    """Minutes (form 1.9): issuing body and number left; nation and motto right; no date line.
    A dash inside the issuing body's name never starts a line (a no-break space before it)."""
    document = docx.Document(io.BytesIO(make_docx(result_2020, r.Doc.MINUTES)))
    left, right, table = _header(document)
    lines = _html_header_left(result_2020, r.Doc.MINUTES)
    assert lines[-1] == "Số: …/BB-…"
    assert left == [line.replace(" - ", "\u00a0- ") for line in lines]
    name = lines[-2]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    cells = table.rows[0].cells  # type: ignore[attr-defined]
    issuer = next(p for p in cells[0].paragraphs if p.text == name.replace(" - ", "\u00a0- "))
    nation, motto = (p for p in cells[1].paragraphs if p.text)
    assert all(run.bold for p in (issuer, nation, motto) for run in p.runs)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))  # type: ignore[attr-defined]
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_report_header_has_italic_place_date(result_2020: YearResult) -> None:
    """The report's header ends with the italic place-and-date line of the conference."""
    document = docx.Document(io.BytesIO(make_docx(result_2020, r.Doc.REPORT)))
    left, right, table = _header(document)
    assert left[-1] == "Số: …/BC-…"
    assert right[-1] == "Hòa Bình, ngày 30 tháng 12 năm 2020"
    last = [p for p in table.rows[0].cells[1].paragraphs if p.text][-1]  # type: ignore[attr-defined]
    assert all(run.italic for run in last.runs)


def test_proposal_without_date_leaves_blanks(result_2020: YearResult) -> None:
    """The proposal is dated when written: without SOURCE_DATE_EPOCH the date is "…" blanks."""
    document = docx.Document(io.BytesIO(make_docx(result_2020, r.Doc.PROPOSAL)))
    _, right, _ = _header(document)
    assert right[-1] == "Hòa Bình, ngày … tháng … năm …"


@pytest.mark.parametrize("doc", DOCS)
def test_data_tables_repeat_header_and_rows_do_not_split(
    result_2020: YearResult, doc: r.Doc
) -> None:
    """Every bordered table: header rows carry w:tblHeader, every row w:cantSplit."""
    document = docx.Document(io.BytesIO(make_docx(result_2020, doc)))
    data_tables = [
        t
        for t in document.tables
        if {b.get(qn("w:val")) for b in t._tbl.tblPr.find(qn("w:tblBorders"))} == {"single"}
    ]
    assert data_tables
    for table in data_tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert all(
            tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows
        )
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        heads = [tr for tr in rows if tr.trPr.find(qn("w:tblHeader")) is not None]
        assert rows[: len(heads)] == heads  # header rows come first


def test_minutes_signatures_and_recipients(result_2020: YearResult) -> None:
    """THƯ KÝ left, CHỦ TỌA right, bold, in a borderless table; then "Nơi nhận:"."""
    document = docx.Document(io.BytesIO(make_docx(result_2020, r.Doc.MINUTES)))
    sign = next(t for t in document.tables if t.rows[0].cells[0].paragraphs[0].text == "THƯ KÝ")
    left, right = sign.rows[0].cells
    assert next(p.text for p in right.paragraphs if p.text) == "CHỦ TỌA"
    assert all(run.bold for cell in (left, right) for run in cell.paragraphs[0].runs)
    borders = sign._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    text = body_text(document)
    assert "\nNơi nhận:\n- Ban Thi đua - Khen thưởng tỉnh Hòa Bình;\n" in text
    assert text.endswith("- Lưu: VT.")


def test_missing_data_shows_blanks(result_2020: YearResult) -> None:
    """What the data lacks (venue, chair, start time) shows the same "…" blanks as the HTML."""
    text = body_text(docx.Document(io.BytesIO(make_docx(result_2020, r.Doc.MINUTES))))
    assert "Thời gian bắt đầu: … giờ …, ngày 30 tháng 12 năm 2020." in text
    assert "Chủ trì (chủ tọa): ……………." in text
    assert "Cuộc họp kết thúc vào … giờ …, ngày 30 tháng 12 năm 2020./." in text


# --- the same content as the HTML ----------------------------------------------------------------


def _words(text: str) -> Counter[str]:
    return Counter(text.split())


@pytest.mark.parametrize("doc", DOCS)
def test_same_words_as_html(result_2020: YearResult, doc: r.Doc) -> None:
    """The .docx holds exactly the HTML's words, plus list dashes, list numbers and page numbers."""
    nt = load_next_tasks(result_2020.data)
    html = r.render_document(result_2020, doc, r.Format.HTML, next_tasks=nt)
    body = lxml.html.document_fromstring(html).find("body")
    for el in body.iter("p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "br"):
        # Block and cell boundaries separate words, as a browser shows them.
        el.text = " " + (el.text or "")
        el.tail = " " + (el.tail or "")
    html_words = _words(body.text_content())
    document = docx.Document(io.BytesIO(make_docx(result_2020, doc)))
    docx_words = _words(body_text(document))
    assert html_words - docx_words == Counter()
    extra = docx_words - html_words
    assert set(extra) <= {"-"} | {f"{n}." for n in range(1, 30)}, extra
    dashes = len(body.xpath("//ul/li"))
    assert extra["-"] == dashes


# --- reproducible bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCS)
def test_docx_bytes_are_reproducible(result_2020: YearResult, doc: r.Doc) -> None:
    """Two renderings are byte-identical; dates come from the conference, not the clock."""
    first = make_docx(result_2020, doc)
    assert make_docx(result_2020, doc) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2020, 12, 30, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [
        "2020-12-30T00:00:00Z",
        "2020-12-30T00:00:00Z",
    ]


def test_source_date_epoch_sets_the_stamp(result_2020: YearResult) -> None:
    """The CLI's SOURCE_DATE_EPOCH (passed down as ``epoch``) wins over the conference date."""
    epoch = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)  # SOURCE_DATE_EPOCH=1609459200
    content = render_docx(result_2020, r.Doc.MINUTES, None, epoch=epoch)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert {i.date_time for i in z.infolist()} == {(2021, 1, 1, 0, 0, 0)}
        assert "2021-01-01T00:00:00Z" in z.read("docProps/core.xml").decode("utf-8")


def test_package_time_rules() -> None:
    """Epoch first, then the fallback date at midnight, else 1980-01-01 (the zip minimum)."""
    assert package_time(dt.date(2020, 12, 30)) == dt.datetime(2020, 12, 30)
    day_one = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    assert package_time(None, day_one) == dt.datetime(1980, 1, 1)
    epoch = dt.datetime(2020, 12, 30, tzinfo=dt.UTC)
    assert package_time(dt.date(2020, 1, 1), epoch) == dt.datetime(2020, 12, 30)
    assert package_time(None) == dt.datetime(1980, 1, 1)


# --- the HTML conversion on its own ---------------------------------------------------------


def test_rowspan_colspan_become_merged_cells() -> None:
    """rowspan/colspan in a data table become merged Word cells, the thead rows headers."""
    html = """<html><body><table class="data"><thead>
    <tr><th rowspan="2">STT</th><th colspan="2">Nhóm</th></tr>
    <tr><th>I</th><th>II</th></tr></thead>
    <tbody><tr><td class="c">1</td><td class="n">9,5</td><td class="n">10</td></tr></tbody>
    </table></body></html>"""
    document = docx.Document(
        io.BytesIO(html_to_docx(html, title="t", when=dt.datetime(2020, 1, 1)))
    )
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["STT", "Nhóm", "Nhóm"],
        ["STT", "I", "II"],
        ["1", "9,5", "10"],
    ]
    rows = table._tbl.findall(qn("w:tr"))
    assert [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows] == [True, True, False]


def test_whitespace_and_inline_styles() -> None:
    """HTML whitespace collapses; <strong>/<em> become bold/italic runs; <br> a line break."""
    html = "<html><body><p>  Một\n   <strong>hai</strong>  <em>ba</em><br>bốn </p></body></html>"
    document = docx.Document(
        io.BytesIO(html_to_docx(html, title="t", when=dt.datetime(2020, 1, 1)))
    )
    par = document.paragraphs[0]
    assert [(run.text, bool(run.bold), bool(run.italic)) for run in par.runs] == [
        ("Một", False, False),
        (" ", False, False),
        ("hai", True, False),
        (" ", False, False),
        ("ba", False, True),
        ("\n", False, False),
        ("bốn", False, False),
    ]
    assert par.runs[5]._r.find(qn("w:br")) is not None


# --- a user's own Word template ----------------------------------------------------------------


def test_user_docx_template_overrides(result_2020: YearResult, tmp_path: Path) -> None:
    """templates/minutes.docx (docxtpl) replaces the built-in layout, with the same context."""
    pytest.importorskip("docxtpl")
    template = docx.Document()
    template.add_paragraph("{{ cluster.short_name }} – năm {{ year }}")
    template.add_paragraph("Dẫn đầu: {{ result.leading.name }}; địa điểm: {{ conference.venue }}")
    (tmp_path / "minutes.docx").write_bytes(_saved(template))
    content = render_docx(result_2020, r.Doc.MINUTES, tmp_path)
    text = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert text == [
        "Khối thi đua Kinh tế - Thống kê – năm 2020",
        "Dẫn đầu: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình; địa điểm: …",
    ]
    assert render_docx(result_2020, r.Doc.MINUTES, tmp_path) == content


def test_user_docx_template_of_a_notice_gets_the_member_s_notice(
    result_2020: YearResult, tmp_path: Path
) -> None:
    """templates/thong-bao.docx serves one member's notice too, with the kit's context (it
    used to be skipped for one member, and had no ``notices`` for any)."""
    pytest.importorskip("docxtpl")
    template = docx.Document()
    template.add_paragraph(
        "{% for n in notices %}{{ n.member.name }}: {{ n.total }} điểm; {% endfor %}"
    )
    (tmp_path / "thong-bao.docx").write_bytes(_saved(template))
    content = render_docx(result_2020, r.Doc.NOTICE, tmp_path, member="HQ")
    text = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert text == ["Chi cục Hải quan Hòa Bình: 67,75 điểm; "]  # as rank --format json


def test_broken_user_template_is_a_render_error(result_2020: YearResult, tmp_path: Path) -> None:
    """A misspelt name in a user's Word template fails with a Vietnamese message, no traceback."""
    pytest.importorskip("docxtpl")
    template = docx.Document()
    template.add_paragraph("{{ clusterr.name }}")
    (tmp_path / "report.docx").write_bytes(_saved(template))
    with pytest.raises(r.RenderError) as info:
        render_docx(result_2020, r.Doc.REPORT, tmp_path)
    assert info.value.message.startswith(f"mẫu Word {tmp_path / 'report.docx'} có lỗi: ")
    assert "clusterr" in info.value.message


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "vòng lặp chạy quá nhiều lượt (hơn 5.000.000 lượt trong một văn bản, kể cả các "
            "số do range() tạo ra)",
        ),
        (
            "{{ 'a' * 10**10 }}",
            'phép "*" tạo ra giá trị quá lớn (hơn 10.000.000 ký tự hoặc phần tử)',
        ),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "mẫu văn bản gọi lại chính nó không dừng (include, extends, import hoặc macro "
            "lồng nhau quá nhiều tầng)",
        ),
    ],
)
def test_hostile_user_word_template_is_bounded(
    result_2020: YearResult, tmp_path: Path, body: str, reason: str
) -> None:
    """A Word template gets the text templates' limits: a message, never a hang or a crash."""
    pytest.importorskip("docxtpl")
    template = docx.Document()
    template.add_paragraph(body)
    (tmp_path / "minutes.docx").write_bytes(_saved(template))
    with pytest.raises(r.RenderError) as info:
        render_docx(result_2020, r.Doc.MINUTES, tmp_path)
    assert info.value.message == f"mẫu Word {tmp_path / 'minutes.docx'} có lỗi: {reason}"


def _saved(document: docx.document.Document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


# --- the Excel score summary ----------------------------------------------------------------------


@pytest.fixture
def small_result(tmp_path: Path) -> YearResult:
    """The base year of yeardata: A 18 + đạt(10) = 28, B 15 + 10 = 25, C 12 + 0 = 12."""
    write_year(tmp_path)
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    return rank_year(data)


def test_scores_xlsx_sheets_and_values(small_result: YearResult) -> None:
    """Tổng hợp (rank order), Theo nhóm, Chi tiết: hand-computed values, written as values,
    below three title rows and a blank one (the header in row 5, frozen above row 6)."""
    wb = load_workbook(io.BytesIO(render_scores_xlsx(small_result)))
    assert wb.sheetnames == ["Tổng hợp", "Theo nhóm", "Chi tiết", "Ghi chú"]
    total = wb["Tổng hợp"]
    rows = [list(row) for row in total.iter_rows(min_row=6, max_col=6, values_only=True)]
    assert rows[:3] == [
        [1, "Đơn vị thử nghiệm A", 28, 28, 0, 0],
        [2, "Đơn vị thử nghiệm B", 25, 25, 0, 0],
        [3, "Đơn vị thử nghiệm C", 12, 12, 0, 0],
    ]
    groups = wb["Theo nhóm"]
    assert [c.value for c in groups[5]] == [
        "STT",
        "Đơn vị",
        "Nhóm I tự chấm (tối đa 30)",
        "Nhóm I sau thẩm định (tối đa 30)",
        "Tổng điểm tự chấm",
        "Tổng điểm sau thẩm định",
        "Xếp hạng",
    ]
    assert [c.value for c in groups[8]] == [3, "Đơn vị thử nghiệm C", 12, 12, 12, 12, 3]
    detail = wb["Chi tiết"]
    assert [c.value for c in detail[6]][:11] == [
        "Đơn vị thử nghiệm A", "I", "1.1", "Tiêu chí chấm theo thang điểm", "định tính",
        20, 18, 18, None, None, 18,
    ]  # fmt: skip
    assert [c.value for c in detail[11]][:11] == [
        "Đơn vị thử nghiệm C", "I", "1.2", "Tiêu chí đạt hoặc không đạt", "định tính",
        10, "không đạt", 0, None, None, 0,
    ]  # fmt: skip
    for ws in (total, groups, detail):
        assert ws.freeze_panes == "A6"
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    assert total["C6"].number_format == "#,##0"
    assert total["A6"].number_format == "0"


def test_scores_xlsx_decimals_exact(tmp_path: Path) -> None:
    """A 9.5 score is stored as the decimal text 9.5 in the sheet XML (no float noise)."""
    write_year(
        tmp_path,
        {
            "diem/A.yaml": "nam: 2020\ndon_vi: A\ndiem:\n  '1.1': {tu_cham: 9.5}\n"
            "  '1.2': {tu_cham: đạt}\n"
        },
    )
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    content = render_scores_xlsx(rank_year(data))
    ws = load_workbook(io.BytesIO(content))["Tổng hợp"]
    row = next(r for r in range(6, 9) if ws.cell(r, 2).value == "Đơn vị thử nghiệm A")
    assert ws.cell(row, 3).value == 19.5
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<v>19.5</v>" in sheet
    assert Decimal("19.5") == Decimal(str(ws.cell(row, 3).value))


def test_scores_xlsx_reproducible(small_result: YearResult) -> None:
    """Two renderings of the workbook are byte-identical."""
    assert render_scores_xlsx(small_result) == render_scores_xlsx(small_result)


@pytest.mark.parametrize(
    "text", ["\tA  b\n", " lề trái", "phải ", "x\r\ny", "\u00a0nbsp", "a\t\tb", "một"]
)
def test_runs_are_the_xml_python_docx_writes(text: str) -> None:
    """The Word writer builds runs and paragraph formats as XML itself (python-docx's setters
    are slow): the same elements and attributes as ``run.text``, ``run.bold``, ``font.size``
    and ``paragraph_format`` write, tabs, breaks and outer spaces included."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt
    from lxml import etree

    from thidua.present.word_parts import INDENT_MM, _format, _runs, _Style

    ours = docx.Document().add_paragraph()
    _runs(ours, [], prefix=text, size=13, base=_Style(bold=True, italic=True, underline=True))
    _format(ours, align="center", indent=True, before=3, after=0, keep_next=True, left_mm=5)
    theirs = docx.Document().add_paragraph()
    run = theirs.add_run()
    run.text = text
    run.bold = run.italic = run.underline = True
    run.font.size = Pt(13)
    pf = theirs.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf.first_line_indent = Mm(INDENT_MM)
    pf.left_indent = Mm(5)
    pf.space_before = Pt(3)
    pf.space_after = Pt(0)
    pf.keep_with_next = True
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
