"""Word documents laid out for print: page numbers, landscape sections, short tables kept
whole, the header's columns, "Nơi nhận" beside the signature, the templates' inline styles.

These read the .docx made by :func:`thidua.present.word.html_to_docx` from small HTML
fragments; tests/test_print.py prints whole documents through LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Pt

from thidua.present.word import html_to_docx

WHEN = dt.datetime(2020, 12, 30)
TWIPS_PER_MM = 1440 / 25.4


def convert(body: str) -> docx.document.Document:
    html = f'<html lang="vi"><body>{body}</body></html>'
    return docx.Document(io.BytesIO(html_to_docx(html, title="thử", when=WHEN)))


def rows_table(rows: int, style: str = "") -> str:
    body = "".join(
        f'<tr><td class="c">{i}</td><td>Đơn vị thứ {i}</td><td class="n">{i}</td></tr>'
        for i in range(1, rows + 1)
    )
    attr = f' style="{style}"' if style else ""
    return (
        f'<table class="data"{attr}><thead><tr><th>STT</th><th>Đơn vị</th><th>Số phiếu</th>'
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def keeps(par: docx.text.paragraph.Paragraph) -> bool:
    return bool(par.paragraph_format.keep_with_next)


def widths_mm(table: docx.table.Table) -> list[float]:
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    return [round(int(col.get(qn("w:w"))) / TWIPS_PER_MM, 1) for col in grid]


# --- page numbers -------------------------------------------------------------------------


def test_page_number_in_the_header_from_page_two() -> None:
    """Decree 30: a PAGE field centred in the header; the first page has its own, empty one."""
    document = convert("<p>Một trang.</p>")
    (section,) = document.sections
    assert section.different_first_page_header_footer
    (par,) = section.header.paragraphs
    assert par.alignment == 1  # centre
    fields = par._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
    assert not section.first_page_header.paragraphs[0].text


# --- landscape sections ----------------------------------------------------------------------


def test_landscape_section_between_portrait_text() -> None:
    """A landscape part is its own section: new page, A4 turned, the same margins; the text
    before and after stays portrait; only the first page goes without a number."""
    document = convert(
        "<p>Trước.</p>"
        '<section class="landscape"><h2>Phụ lục</h2>' + rows_table(3) + "</section>"
        "<p>Sau.</p>"
        '<section class="landscape"><p>Cuối.</p></section>'
    )
    sections = list(document.sections)
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
    ]
    for s in sections:
        turned = s.orientation == WD_ORIENT.LANDSCAPE
        size = (round(s.page_width.mm), round(s.page_height.mm))
        assert size == ((297, 210) if turned else (210, 297))
        margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
        assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert [s.start_type for s in sections[1:]] == [WD_SECTION.NEW_PAGE] * 3
    assert [s.different_first_page_header_footer for s in sections] == [True, False, False, False]
    # The later sections show the first one's header (the page number): no header of their own.
    assert [s.header.is_linked_to_previous for s in sections] == [False, True, True, True]
    # Each part's text in its own section: the breaks sit in the last paragraph of a part.
    breaks = [p.text for p in document.paragraphs if p._p.xpath("./w:pPr/w:sectPr")]
    assert breaks == ["Trước.", "", "Sau."]  # "" : the paragraph after the landscape table
    # The table in the landscape part spans the landscape text width: 297 - 30 - 15 mm.
    assert sum(widths_mm(document.tables[0])) == pytest.approx(252, abs=0.5)


def test_document_all_landscape_is_one_section() -> None:
    """A document that is all landscape (the score sheet) is one landscape section with the
    page numbers from page 2 and no empty portrait section after it."""
    document = convert(
        '<section class="landscape"><p>Bảng điểm.</p>' + rows_table(2) + "</section>"
    )
    (section,) = document.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.different_first_page_header_footer


def test_appendix_after_landscape_part_adds_no_blank_page() -> None:
    """A section after a landscape part starts on a new page already: no page break more."""
    document = convert(
        '<p>Báo cáo.</p><section class="appendix landscape"><p>Phụ lục 1.</p></section>'
        '<section class="appendix"><p>Phụ lục 2.</p></section>'
    )
    breaks = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == []
    assert [s.orientation for s in document.sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]


# --- short tables, headings ---------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "kept"), [(1, True), (10, True), (11, False)])
def test_short_table_rows_keep_together(rows: int, kept: bool) -> None:
    """Up to 10 body rows: every row but the last keeps with the next, so Word moves the
    table whole; a longer table may break. The heading and the lead paragraph go with it."""
    document = convert("<h2>Kết quả</h2><p>Như sau:</p>" + rows_table(rows) + "<p>Sau bảng.</p>")
    (table,) = document.tables
    flags = [all(keeps(p) for c in row.cells for p in c.paragraphs) for row in table.rows]
    assert flags == [kept] * len(table.rows[:-1]) + [False]
    heading, lead, after = document.paragraphs[0], document.paragraphs[1], document.paragraphs[-1]
    assert keeps(heading) and keeps(lead) and not keeps(after)


@pytest.mark.parametrize(
    ("style", "kept"), [("break-inside: auto", False), ("break-inside: avoid", True)]
)
def test_table_style_decides_keeping(style: str, kept: bool) -> None:
    """A table's own break-inside wins: auto lets a short table break (ballot papers to cut),
    avoid keeps a long one whole."""
    document = convert(rows_table(3 if not kept else 12, style))
    (table,) = document.tables
    assert keeps(table.rows[0].cells[0].paragraphs[0]) is kept


# --- the header ---------------------------------------------------------------------------------


HEADER = (
    '<table class="header"><tr><td class="left"><div>ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH</div>'
    '<div class="issuer">KHỐI THI ĐUA KINH TẾ - THỐNG KÊ</div><div class="rule"></div>'
    '<div class="number">Số: …/BC-…</div></td><td class="right">'
    '<div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
    '<div><span class="motto">Độc lập - Tự do - Hạnh phúc</span></div></td></tr></table>'
)


def test_header_columns_fit_the_national_name() -> None:
    """Right column 90 mm (the national name, 12 pt bold, is 88 mm) with 0,5 mm cell
    margins; the issuing body gets the other 75 mm, its parent body in 12 pt; on a landscape
    page the columns are halves."""
    document = convert(HEADER)
    table = document.tables[0]
    assert widths_mm(table) == [75.0, 90.0]
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert {m.tag.split("}")[1]: m.get(qn("w:w")) for m in margins} == {
        "top": "0",
        "left": "28",
        "bottom": "0",
        "right": "28",
    }
    parent, issuer = table.rows[0].cells[0].paragraphs[:2]
    assert [r.font.size for r in parent.runs] == [Pt(12)]
    assert [r.font.size for r in issuer.runs] == [Pt(13)]
    turned = convert(f'<section class="landscape">{HEADER}</section>')
    assert widths_mm(turned.tables[0]) == [126.0, 126.0]


def test_dash_in_the_issuing_body_never_starts_a_line() -> None:
    """Left column: a no-break space before " - " ("KINH TẾ - THỐNG KÊ" breaks after the
    dash, if at all); the motto on the right is left as it is."""
    left, right = convert(HEADER).tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
        "KHỐI THI ĐUA KINH TẾ\u00a0- THỐNG KÊ",
        "Số: …/BC-…",
    ]
    assert "Độc lập - Tự do - Hạnh phúc" in [p.text for p in right.paragraphs]


# --- signature and "Nơi nhận" --------------------------------------------------------------------


def test_recipients_beside_the_signature() -> None:
    """ "Nơi nhận" in the left column of the signature table: left-aligned, the label bold
    italic 12 pt, the items 11 pt with dashes; the signature centred on the right; the
    paragraph before the signature stays with it."""
    document = convert(
        "<p>Nơi gửi đến, trân trọng./.</p>"
        '<table class="sign"><tr><td><div class="recipients"><div class="label">Nơi nhận:</div>'
        "<ul><li>Như trên;</li><li>Lưu: VT.</li></ul></div></td>"
        '<td><div class="office">TM. KHỐI THI ĐUA</div><div class="office">TRƯỞNG KHỐI</div>'
        '<div class="space"></div><div class="signer">Nguyễn Văn A</div></td></tr></table>'
    )
    assert keeps(document.paragraphs[0])
    left, right = document.tables[0].rows[0].cells
    label, *items = left.paragraphs
    assert [label.text] + [p.text for p in items] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert all(r.bold and r.italic and r.font.size == Pt(12) for r in label.runs)
    assert all(r.font.size == Pt(11) for p in items for r in p.runs)
    assert {p.alignment for p in left.paragraphs} == {0}  # left
    assert [p.text for p in right.paragraphs if p.text] == [
        "TM. KHỐI THI ĐUA",
        "TRƯỞNG KHỐI",
        "Nguyễn Văn A",
    ]
    assert {p.alignment for p in right.paragraphs} == {1}  # centre


# --- the templates' inline styles ----------------------------------------------------------------


def test_cell_widths_sizes_and_nested_tables() -> None:
    """Widths a cell states (mm, %) are kept, the other columns share the rest; a table's
    font size applies to its cells; a table inside a cell is as wide as the cell; a dashed
    border, a padding and a height on a cell are Word's too."""
    inner = (
        '<table class="data" style="font-size: 12pt; margin: 4pt 0 6pt;"><thead><tr>'
        '<th style="width: 50%;">Đồng ý</th><th style="width: 50%;">Không đồng ý</th></tr></thead>'
        '<tbody><tr><td style="height: 28pt;"></td><td></td></tr></tbody></table>'
    )
    document = convert(
        '<table class="data" style="font-size: 10.5pt;"><tbody><tr>'
        '<td style="width: 20mm;">1</td><td>Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh</td>'
        '<td style="border: 1px dashed #000; padding: 8pt 10pt 10pt; width: 80mm;">'
        f'<p style="margin: 0; text-indent: 0; font-size: 11pt;">Phiếu</p>{inner}</td>'
        "</tr></tbody></table>"
    )
    outer, nested = document.tables[0], document.tables[0].rows[0].cells[2].tables[0]
    assert widths_mm(outer) == [20.0, 65.0, 80.0]
    assert outer.rows[0].cells[1].paragraphs[0].runs[0].font.size == Pt(10.5)
    # Cell margins 4 pt left and right, as the stylesheet's padding; the nested table fills
    # the cell within them.
    mar = outer._tbl.tblPr.find(qn("w:tblCellMar"))
    assert [m.get(qn("w:w")) for m in mar] == ["0", "80", "0", "80"]
    assert sum(widths_mm(nested)) == pytest.approx(80 - 2 * 25.4 * 4 / 72, abs=0.2)
    assert widths_mm(nested)[0] == widths_mm(nested)[1]
    assert nested.rows[1].height == Pt(28)
    cell = outer.rows[0].cells[2]
    tcpr = cell._tc.tcPr
    assert {b.get(qn("w:val")) for b in tcpr.find(qn("w:tcBorders"))} == {"dashed"}
    mar = {m.tag.split("}")[1]: int(m.get(qn("w:w"))) for m in tcpr.find(qn("w:tcMar"))}
    assert mar == {"top": 160, "left": 200, "bottom": 200, "right": 200}  # pt × 20
    phieu = cell.paragraphs[0]
    assert phieu.text == "Phiếu"
    assert phieu.runs[0].font.size == Pt(11)
    assert (
        phieu.paragraph_format.space_after == 0 and phieu.paragraph_format.first_line_indent is None
    )
    # python-docx's paragraph after the nested table is its bottom margin, not one more line.
    after = [p for p in cell.paragraphs if not p.text]
    assert len(after) == 1 and after[0].paragraph_format.line_spacing == Pt(6)


def test_text_columns_get_the_width_numbers_do_not_need() -> None:
    """Without stated widths, a column of names is wider than the columns of numbers, every
    column at least as wide as its longest word, a number cell (class "n") as wide as its
    whole text (it does not wrap in the browser either), together the text width."""
    rows = "".join(
        f'<tr><td class="c">{i}</td><td>Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình</td>'
        f'<td class="n">106</td><td class="n">6 (85,7 %)</td>'
        "<td>Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh</td></tr>"
        for i in range(1, 4)
    )
    document = convert(
        '<table class="data"><thead><tr><th>STT</th><th>Đơn vị</th><th>Điểm sau thẩm định</th>'
        f"<th>Số phiếu</th><th>Ghi chú</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    stt, name, points, votes, note = widths_mm(document.tables[0])
    assert sum((stt, name, points, votes, note)) == pytest.approx(165, abs=0.5)
    assert min(name, note) > max(stt, points)
    assert votes >= 19.5 + 2.8  # "6 (85,7 %)" at 13 pt (as Chromium measures) and margins


def test_appendix_starting_with_a_table_starts_a_page() -> None:
    """A second notice (an appendix section opening with its own header table) starts on a
    new page: a one-point paragraph before the table carries the page break."""
    document = convert(
        f"<section>{HEADER}<p>Thông báo một.</p></section>"
        f'<section class="appendix">{HEADER}<p>Thông báo hai.</p></section>'
        f'<section class="appendix">{rows_table(2)}</section>'
    )
    body = document.element.body
    tables = body.findall(qn("w:tbl"))
    assert len(tables) == 3
    for table in tables[1:]:
        before = docx.text.paragraph.Paragraph(table.getprevious(), document)
        assert before.paragraph_format.page_break_before
        assert not before.text and before.paragraph_format.line_spacing == Pt(1)
