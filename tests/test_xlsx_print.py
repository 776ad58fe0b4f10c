"""The Excel score summary as the secretariat prints it (issue 12, part 7).

Title rows above each table, borders, the header repeated on every page, A4 page setup,
page numbers, numbers shown as the documents show them (106; 84,5; 67,75; -1) while staying
numbers, deductions negative on every sheet, notes wrapped on one page width. The
``external`` test prints the workbook to PDF with LibreOffice in a Vietnamese locale and
reads the pages back, as the secretariat would see them.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.form import number_format
from thidua.present.xlsx_summary import render_scores_xlsx
from thidua.repo.years import open_year_or_raise
from xlsxtable import column, header_row, table
from yeardata import write_year

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
ISSUER = (
    "KHỐI THI ĐUA CÁC CƠ QUAN TRUNG ƯƠNG QUẢN LÝ NHÀ NƯỚC VỀ KINH TẾ - THỐNG KÊ TRÊN ĐỊA BÀN "
    "TỈNH HÒA BÌNH"
)
TABLES = {
    "Tổng hợp": ("Tổng điểm và xếp hạng", "Xếp hạng"),
    "Theo nhóm": ("Điểm theo nhóm tiêu chí", "STT"),
    "Chi tiết": ("Điểm chi tiết theo tiêu chí", "Đơn vị"),
}


def workbook(result: YearResult) -> Any:
    return load_workbook(io.BytesIO(render_scores_xlsx(result)))


@pytest.fixture(scope="module")
def book_2020() -> Any:
    data, _ = open_year_or_raise(BUNDLED, 2020)
    return workbook(rank_year(data))


# --- title rows ---------------------------------------------------------------------------


def test_title_rows_of_a_final_year(book_2020: Any) -> None:
    """2020 is closed: issuer, title, what the sheet shows, the illustrative label; no draft."""
    for name, (subtitle, first) in TABLES.items():
        ws = book_2020[name]
        titles = [ws.cell(row=r, column=1).value for r in range(1, 6)]
        assert titles == [
            ISSUER,
            "BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020",
            subtitle,
            "(Số liệu minh họa, không phải số liệu thật của Khối)",
            None,
        ]
        assert ws.print_title_rows == "$6:$6"  # the header row, on every printed page
        assert ws.cell(row=6, column=1).value == first
        assert ws.freeze_panes == "A7"
        last = ws.cell(row=6, column=ws.max_column).column_letter
        assert {str(r) for r in ws.merged_cells.ranges} == {f"A{r}:{last}{r}" for r in (1, 2, 3, 4)}
        assert ws.auto_filter.ref == f"A6:{last}{ws.max_row}"
        assert ws["A2"].font.b and ws["A2"].font.sz == 14 and ws["A3"].font.i


def test_a_year_in_progress_is_a_draft() -> None:
    """2021 is in progress: every sheet says "DỰ THẢO – kết quả tạm tính" under the title."""
    data, _ = open_year_or_raise(BUNDLED, 2021)
    book = workbook(rank_year(data))
    for name in (*TABLES, "Ghi chú"):
        ws = book[name]
        assert [ws.cell(row=r, column=1).value for r in (2, 4)] == [
            "BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2021",
            "DỰ THẢO – kết quả tạm tính",
        ]
        assert ws["A4"].font.b


def test_plain_data_has_no_illustrative_line(tmp_path: Path) -> None:
    """A closed year of real data: issuer, title, subtitle, then the table."""
    write_year(tmp_path)
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    ws = workbook(rank_year(data))["Tổng hợp"]
    assert [ws.cell(row=r, column=1).value for r in range(1, 6)] == [
        "KHỐI THI ĐUA THỬ NGHIỆM",
        "BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020",
        "Tổng điểm và xếp hạng",
        None,
        "Xếp hạng",
    ]


# --- the printed table --------------------------------------------------------------------


def test_every_table_cell_has_a_border(book_2020: Any) -> None:
    """Thin borders on every header and data cell; none on the title rows."""
    for name in TABLES:
        ws = book_2020[name]
        head = header_row(ws)
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            for cell in row:
                sides = [cell.border.left, cell.border.right, cell.border.top, cell.border.bottom]
                styles = {side.style for side in sides}
                assert styles == ({"thin"} if cell.row >= head else {None}), cell.coordinate


def test_page_setup(book_2020: Any) -> None:
    """A4; tables landscape, notes portrait; one page wide; margins; page numbers; no grid."""
    for ws in book_2020.worksheets:
        setup = ws.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        wide = ws.title != "Ghi chú"
        assert setup.orientation == ("landscape" if wide else "portrait")
        margins = ws.page_margins
        mm = [round(v * 25.4) for v in (margins.top, margins.bottom, margins.left, margins.right)]
        assert mm == [20, 20, 20 if wide else 30, 15]
        assert ws.oddFooter.center.text == "Trang &P/&N"
        assert ws.print_options.horizontalCentered and not ws.print_options.gridLines


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (106, 2, "#,##0"),
        (Decimal("84.5"), 2, "#,##0.0"),
        (Decimal("67.75"), 2, "#,##0.00"),
        (-1, 2, "#,##0"),
        (Decimal("26.6666666667"), 2, "#,##0.00"),
        (Decimal("9.995"), 2, "#,##0"),  # rounds half up to 10
        (Decimal("0.125"), 10, "#,##0.000"),
        (Decimal("85.7142857143"), 1, "#,##0.0"),
    ],
)
def test_number_format_shows_the_decimals_the_value_needs(
    value: Decimal | int, places: int, expected: str
) -> None:
    assert number_format(value, places) == expected


def test_numbers_stay_numbers_shown_as_the_documents_show_them(book_2020: Any) -> None:
    """106; 84,5; 67,75; -1 (with the reader's separator); shares 85,7 %; ranks whole."""
    ws = book_2020["Tổng hợp"]
    rows = {row["Đơn vị"]: row for row in table(ws)}
    first = rows["Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình"]
    assert (first["Tổng điểm sau thẩm định"], first["Số phiếu bình chọn"]) == (106, 6)
    assert rows["Kho bạc Nhà nước Hòa Bình"]["Tổng điểm sau thẩm định"] == 84.5
    customs = rows["Chi cục Hải quan Hòa Bình"]
    assert (customs["Tổng điểm sau thẩm định"], customs["Điểm trừ"]) == (67.75, -1)
    head = header_row(ws)
    formats = {}
    for r in range(head + 1, ws.max_row + 1):
        for header in ("Xếp hạng", "Tổng điểm sau thẩm định", "Điểm trừ", "Tỷ lệ phiếu"):
            cell = ws[f"{column(ws, header)}{r}"]
            assert isinstance(cell.value, int | float), cell.coordinate
            formats[cell.value, header] = cell.number_format
    assert formats[106, "Tổng điểm sau thẩm định"] == "#,##0"
    assert formats[84.5, "Tổng điểm sau thẩm định"] == "#,##0.0"
    assert formats[67.75, "Tổng điểm sau thẩm định"] == "#,##0.00"
    assert formats[-1, "Điểm trừ"] == "#,##0"
    assert formats[1, "Xếp hạng"] == "0"
    share = next(v for (v, h) in formats if h == "Tỷ lệ phiếu" and v > 0.8)
    assert formats[share, "Tỷ lệ phiếu"] == "#,##0.0\\ %"


def test_a_decimal_is_stored_exactly(tmp_path: Path) -> None:
    """9,5 + 10 is stored as the decimal text 19.5 in the sheet XML (no float noise)."""
    write_year(
        tmp_path,
        {
            "diem/A.yaml": "nam: 2020\ndon_vi: A\ndiem:\n  '1.1': {tu_cham: 9.5}\n"
            "  '1.2': {tu_cham: đạt}\n"
        },
    )
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    content = render_scores_xlsx(rank_year(data))
    rows = {r["Đơn vị"]: r for r in table(load_workbook(io.BytesIO(content))["Tổng hợp"])}
    assert rows["Đơn vị thử nghiệm A"]["Tổng điểm tự chấm"] == 19.5
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "<v>19.5</v>" in z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_deductions_are_negative_on_every_sheet(book_2020: Any) -> None:
    """Hải quan's 1-point deduction: -1 in Tổng hợp, in its group, and in Chi tiết."""
    name = "Chi cục Hải quan Hòa Bình"
    total = {row["Đơn vị"]: row for row in table(book_2020["Tổng hợp"])}[name]
    assert total["Điểm trừ"] == -1
    groups = {row["Đơn vị"]: row for row in table(book_2020["Theo nhóm"])}[name]
    assert groups["Nhóm IV sau thẩm định"] == -1
    detail = [
        row
        for row in table(book_2020["Chi tiết"])
        if row["Đơn vị"] == name and row["Tiêu chí"] == "4.2"
    ]
    assert [
        (r["Tự chấm"], r["Điểm tự chấm"], r["Thẩm định"], r["Điểm thẩm định"], r["Điểm tính tổng"])
        for r in detail
    ] == [(0, 0, -1, -1, -1)]
    # Every deduction on the detail sheet: values and points never positive.
    for row in table(book_2020["Chi tiết"]):
        if row["Cách chấm"] == "điểm trừ":
            for header in ("Tự chấm", "Điểm tự chấm", "Thẩm định", "Điểm thẩm định"):
                assert row[header] is None or row[header] <= 0, row


def test_detail_shows_a_quantity_in_words(book_2020: Any) -> None:
    detail = table(book_2020["Chi tiết"])
    first = next(r for r in detail if r["Tiêu chí"] == "1.1")
    assert first["Tự chấm"] == "thực hiện 106, chỉ tiêu 100"


def test_no_code_of_the_program_in_the_tables(book_2020: Any) -> None:
    """No member code column: units are named by their names."""
    for name in TABLES:
        headers = [c.value for c in book_2020[name][header_row(book_2020[name])]]
        assert "Mã" not in headers and "Mã đơn vị" not in headers


def test_no_formula_and_every_text_is_text(book_2020: Any) -> None:
    for ws in book_2020.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"


# --- notes --------------------------------------------------------------------------------


def test_notes_wrap_on_one_portrait_page_width(book_2020: Any) -> None:
    ws = book_2020["Ghi chú"]
    assert ws.max_column == 1
    assert ws.column_dimensions["A"].width == 64
    texts = [ws.cell(row=r, column=1) for r in range(1, ws.max_row + 1)]
    assert all(cell.alignment.wrap_text for cell in texts if cell.value)
    lines = [cell.value for cell in texts]
    assert "Điểm trừ ghi số âm trên mọi trang (ví dụ -1 là bị trừ 1 điểm)." in lines
    assert not any("thidua" in (line or "") for line in lines)


# --- printed by LibreOffice -----------------------------------------------------------------


def _print_pdf(tmp_path: Path, xlsx: Path) -> Path:
    """``xlsx`` printed to PDF by LibreOffice in a Vietnamese locale (decimal comma)."""
    assert SOFFICE is not None
    out = tmp_path / "pdf"
    env = dict(os.environ, HOME=str(tmp_path), LANG="vi_VN.UTF-8", LC_ALL="vi_VN.UTF-8")
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        capture_output=True,
        timeout=300,
        env=env,
        check=True,
    )
    return out / (xlsx.stem + ".pdf")


def _pages(pdf: Path) -> list[str]:
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _overflow(pdf: Path) -> list[float]:
    """For each page, how far its rightmost word reaches into the right margin (15 mm),
    in points; positive: past it (cut when printed)."""
    assert PDFTOTEXT is not None
    box = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    out = []
    for page in box.split("<page ")[1:]:
        width = float(re.search(r'width="([0-9.]+)"', page).group(1))  # type: ignore[union-attr]
        right = max(float(x) for x in re.findall(r'<word [^>]*xMax="([0-9.]+)"', page))
        out.append(right - (width - 15 / 25.4 * 72))
    return out


@pytest.mark.external
@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="cần LibreOffice (soffice) và poppler-utils (pdftotext) trong PATH",
)
def test_printed_by_libreoffice(tmp_path: Path) -> None:
    """The summary printed: titles and page numbers on every page, the header on every
    page of the detail, numbers as the documents write them, nothing off the page."""
    data, _ = open_year_or_raise(BUNDLED, 2020)
    xlsx = tmp_path / "bang-diem-2020.xlsx"
    xlsx.write_bytes(render_scores_xlsx(rank_year(data)))
    pdf = _print_pdf(tmp_path, xlsx)
    pages = _pages(pdf)
    n = len(pages)
    assert n >= 4
    for i, page in enumerate(pages, start=1):
        assert f"Trang {i}/{n}" in page
    assert pages[0].startswith(ISSUER + " BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020 Tổng điểm và")
    first = pages[0]
    for shown in (" 106 ", " 84,5 ", " 67,75 ", " -1 ", " 85,7 % "):
        assert shown in f" {first} ", shown
    assert "106,00" not in first and "84,50" not in first
    detail = [p for p in pages if "Nội dung tiêu chí" in p]
    assert len(detail) >= 2  # the detail runs over pages, each with its header
    assert "Điểm trừ ghi số âm trên mọi trang" in pages[-1]
    assert all(past <= 1 for past in _overflow(pdf))  # nothing printed into the right margin
