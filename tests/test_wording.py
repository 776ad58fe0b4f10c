"""One wording, one number format: the outcome note of a ranked unit is the same text in
``thidua rank`` (table and Markdown), the Markdown and HTML documents, Word and Excel
(:mod:`thidua.present.wording`); every number is written by one function of
:mod:`thidua.numbers` per kind.
"""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import docx
import lxml.html
import pytest
from openpyxl import load_workbook

from rankdata import TABLE, approval, ballots, khoi, points, quy_che, rank
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.numbers import count, exact, percent, plain, threshold
from thidua.numbers import points as points_text
from thidua.present import render as r
from thidua.present.rankview import render_markdown, render_table
from thidua.present.textsafe import md_escape
from thidua.present.word import render_docx
from thidua.present.wording import NOT_APPRAISED, outcome_note
from thidua.present.xlsx_summary import render_scores_xlsx
from thidua.repo.years import open_year_or_raise

BUNDLED = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def result_2020() -> YearResult:
    data, _ = open_year_or_raise(BUNDLED, 2020)
    return rank_year(data)


LEAD_RULE = """\
dan_dau:
  cuoc_bau: binh-chon
  nguong: 50%
  so_sanh: lon_hon
  mau_so: hop_le
khen_thuong:
  - {hinh_thuc: Giấy khen, doi_tuong: tiep_theo, so_luong: 1}
"""


def tie_result(tmp_path: Path) -> YearResult:
    """E has most points but is excluded; A and B tie on points and the vote puts B first;
    C and D share rank 4. No score is appraised yet."""
    return rank(
        tmp_path,
        {
            "khoi.yaml": khoi("A B C D E", state="dang_dien_ra"),  # not appraised yet
            "quy-che.yaml": quy_che('[diem, "phieu:binh-chon"]', LEAD_RULE),
            "tieu-chi.yaml": TABLE,
            "diem/A.yaml": points("A", "50", "30"),
            "diem/B.yaml": points("B", "50", "30"),
            "diem/C.yaml": points("C", "40", "30"),
            "diem/D.yaml": points("D", "40", "30"),
            "diem/E.yaml": points("E", "60", "30", exclusion="vi phạm | kỷ luật"),
            "phieu-bau.yaml": ballots(
                approval("binh-chon", "Bình chọn", {"A": 1, "B": 4}, valid=5),
            ),
        },
    )


# --- the outcome note ---------------------------------------------------------------------


def test_outcome_note_of_the_tie_case(tmp_path: Path) -> None:
    """Leading unit, award, tie broken by votes, shared rank, exclusion: exact sentences."""
    result = tie_result(tmp_path)
    notes = {row.member.id: outcome_note(row, ties=True) for row in result.rows}
    assert notes == {
        "B": "Đơn vị dẫn đầu Khối; xếp trên Đơn vị thử A do số phiếu bình chọn đơn vị dẫn đầu: 4 "
        "so với 1",
        "A": "Đề nghị Giấy khen; xếp sau Đơn vị thử B do số phiếu bình chọn đơn vị dẫn đầu: "
        "1 so với 4",
        "C": "Đồng hạng 4 với Đơn vị thử D",
        "D": "Đồng hạng 4 với Đơn vị thử C",
        "E": "Không xét khen thưởng: vi phạm | kỷ luật",
    }
    shared = {row.member.id: outcome_note(row) for row in result.rows}
    assert shared["C"] == shared["D"] == "Đồng hạng"
    assert shared["B"] == "Đơn vị dẫn đầu Khối"


def _rank_markdown_notes(result: YearResult) -> dict[str, str]:
    lines = render_markdown(result).splitlines()
    rows = [line for line in lines if line.startswith("| ") and line[2:3].isdigit()]
    return {
        row.member.id: line.split(" | ")[-1][:-2]
        for row, line in zip(result.rows, rows, strict=True)
    }


def _document_cells(result: YearResult, fmt: r.Format, doc: r.Doc) -> list[str]:
    """The last cell of every row of the ranking table of ``doc``."""
    text = r.render_document(result, doc, fmt)
    if fmt is r.Format.MD:
        start = text.index("| Xếp hạng | Đơn vị | Tổng điểm")
        table = text[start:].split("\n\n")[0].splitlines()[2:]
        return [line.split(" | ")[-1][:-2] for line in table]
    tree = lxml.html.fromstring(text)
    for table in tree.iter("table"):
        heads = [th.text_content() for th in table.iter("th")]
        if heads and heads[-1] == "Kết quả, ghi chú":
            return [
                tr.findall("td")[-1].text_content() for tr in table.iter("tr") if tr.findall("td")
            ]
    raise AssertionError("no ranking table")


def _docx_cells(result: YearResult, doc: r.Doc) -> list[str]:
    document = docx.Document(io.BytesIO(render_docx(result, doc, None)))
    for table in document.tables:
        if table.rows[0].cells[-1].text == "Kết quả, ghi chú":
            return [row.cells[-1].text for row in table.rows[1:]]
    raise AssertionError("no ranking table")


def _xlsx_cells(result: YearResult) -> list[str]:
    """The "Kết quả" column below its header (title rows may stand above it)."""
    sheet = load_workbook(io.BytesIO(render_scores_xlsx(result)))["Tổng hợp"]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if "Kết quả" in row)
    column = rows[top].index("Kết quả")
    body = rows[top + 1 : top + 1 + len(result.rows)]
    return [str(row[column] or "") for row in body]


def _check_everywhere(result: YearResult) -> None:
    with_ties = [outcome_note(row, ties=True) for row in result.rows]
    plain_notes = [outcome_note(row) for row in result.rows]
    extra = [
        ("; " if note else "") + NOT_APPRAISED if not row.score.appraised else ""
        for row, note in zip(result.rows, with_ties, strict=True)
    ]
    # thidua rank: table (wide enough not to wrap) and Markdown.
    table = render_table(result, width=2000).splitlines()
    rows = [line for line in table if line.startswith("│")]
    assert [line.split("│")[-2].strip() for line in rows] == [
        note + more for note, more in zip(with_ties, extra, strict=True)
    ]
    assert list(_rank_markdown_notes(result).values()) == [
        md_escape(note + more) for note, more in zip(with_ties, extra, strict=True)
    ]
    # The documents: the ranking shows how ties were broken, the report a shared rank only.
    ranking_md = _document_cells(result, r.Format.MD, r.Doc.RANKING)
    assert ranking_md == [md_escape(note) for note in with_ties]
    assert _document_cells(result, r.Format.HTML, r.Doc.RANKING) == with_ties
    assert _document_cells(result, r.Format.MD, r.Doc.REPORT) == [
        md_escape(note) for note in plain_notes
    ]
    assert _document_cells(result, r.Format.HTML, r.Doc.REPORT) == plain_notes
    # Word is laid out from the HTML; Excel writes the ranking's note.
    assert _docx_cells(result, r.Doc.RANKING) == with_ties
    assert _xlsx_cells(result) == with_ties


def test_outcome_note_is_the_same_everywhere_2020(result_2020: YearResult) -> None:
    """The bundled year: rank, Markdown, HTML, Word and Excel show one note per unit."""
    assert outcome_note(result_2020.rows[0], ties=True) == (
        "Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh"
    )
    _check_everywhere(result_2020)


def test_outcome_note_is_the_same_everywhere_with_ties(tmp_path: Path) -> None:
    """Ties, a shared rank, an exclusion with Markdown syntax, unappraised scores."""
    result = tie_result(tmp_path)
    assert not result.rows[0].score.appraised
    _check_everywhere(result)
    markdown = render_markdown(result)
    assert "| Không xét khen thưởng: vi phạm \\| kỷ luật; chưa thẩm định |" in markdown


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (106, "106"),
        (Decimal("106.00"), "106"),
        (Decimal("84.5"), "84,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal("1234.5"), "1.234,5"),
        (Decimal("-1"), "-1"),
        (Decimal("-0.004"), "0"),
        (Fraction(80, 3), "26,67"),
        (Decimal("68.125"), "68,13"),  # half up
    ],
)
def test_points(value: Decimal | Fraction | int, shown: str) -> None:
    """Points: decimal comma, dot thousands, at most 2 decimals, hyphen-minus sign."""
    assert points_text(value) == shown


def test_points_approx() -> None:
    assert points_text(Fraction(80, 3), approx=True) == "≈26,67"
    assert points_text(Decimal("84.5"), approx=True) == "84,5"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("9.50"), "9,5"),
        (Decimal("0.125"), "0,125"),  # never rounded
        (Decimal("1000"), "1.000"),
        (Decimal("1E+2"), "100"),
        (Decimal("-1.5"), "-1,5"),
        (Decimal("1E+308"), "1E+308"),  # a typing slip stays short
        (10, "10"),
    ],
)
def test_exact(value: Decimal | int, shown: str) -> None:
    assert exact(value) == shown


def test_count() -> None:
    assert [count(n) for n in (0, 6, 999, 1234, 5_000_000)] == [
        "0",
        "6",
        "999",
        "1.234",
        "5.000.000",
    ]


def test_percent_and_threshold() -> None:
    """Shares: 1 decimal, half up, a space before %; thresholds: 2 decimals or a fraction."""
    assert percent(Fraction(6, 7)) == "85,7 %"
    assert percent(Fraction(1, 7)) == "14,3 %"
    assert percent(Fraction(1, 8)) == "12,5 %"
    assert percent(Fraction(1, 16)) == "6,3 %"  # 6,25 half up
    assert percent(Fraction(0)) == "0 %"
    assert threshold(Fraction(1, 2)) == "50 %"
    assert threshold(Fraction(133, 200)) == "66,5 %"
    assert threshold(Fraction(2, 3)) == "2/3"


def test_plain_for_programs() -> None:
    """JSON and CSV: a decimal point, exact, a repeating decimal to 10 places."""
    assert plain(Decimal("84.50")) == "84.5"
    assert plain(Decimal("1E+2")) == "100"
    assert plain(Fraction(1, 3)) == "0.3333333333"
    assert plain(Fraction(-2, 3)) == "-0.6666666667"
    assert plain(Fraction(1, 2**20)) == "0.00000095367431640625"
    assert plain(Decimal("-0.0")) == "0"
    assert plain(7) == "7"
    assert plain(None) is None


def test_rank_and_documents_write_points_alike(result_2020: YearResult) -> None:
    """The total of each unit reads the same in rank's Markdown and the ranking document."""
    ranking = r.render_document(result_2020, r.Doc.RANKING, r.Format.MD)
    markdown = render_markdown(result_2020)
    for row in result_2020.rows:
        shown = points_text(row.score.total_exact)
        assert f"| {row.rank} | {md_escape(row.member.name)} | {shown} |" in ranking
        assert f" | {shown} | " in markdown
