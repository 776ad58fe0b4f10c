"""`thidua site`: the unit pages of a year in progress where some units have scored and some
have not, the ballot not held yet. Each page says what the data holds and no more: a unit
that has not scored is not "not appraised", has no total after appraisal and no rank as a
result; a unit not appraised gives its self-assessed total; votes not cast are not counted;
the chart's best and average are those of the units that have scores.

Units (member order A B C D E): A self-scored and appraised (83), B and E self-scored only
(70, tied), C with an empty score file, D with none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest
from typer.testing import CliRunner

from rankdata import TABLE, khoi, points, quy_che, rank, write
from thidua.cli import app
from thidua.present.rankview import row_note

FILES = {
    "khoi.yaml": khoi("A B C D E", state="dang_dien_ra"),
    "quy-che.yaml": quy_che(
        '[diem, "phieu:binh-chon", "nhom:I"]',
        "dan_dau:\n  cuoc_bau: binh-chon\n  nguong: 50%\n",
    ),
    "tieu-chi.yaml": TABLE,
    "diem/A.yaml": (
        "nam: 2020\ndon_vi: A\ndiem:\n"
        '  "1.1": {tu_cham: 50, tham_dinh: 48, ly_do: Thiếu minh chứng}\n'
        '  "2.1": {tu_cham: 30}\n  "3.1": {tu_cham: 5}\n  "3.2": {tu_cham: 0}\n'
    ),
    "diem/B.yaml": points("B", "40", "30"),
    "diem/C.yaml": "nam: 2020\ndon_vi: C\ndiem: {}\n",
    "diem/E.yaml": points("E", "40", "30"),
}

ORDER = (
    "Xếp hạng theo: tổng điểm sau thẩm định, rồi số phiếu bình chọn đơn vị dẫn đầu (chưa có kết "
    "quả bỏ phiếu), rồi điểm nhóm I."
)
NO_VOTE = ["Phiếu: chưa có kết quả bỏ phiếu.", "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu."]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partly")
    data = write(root, FILES)
    out = root / "trang"
    result = CliRunner().invoke(app, ["site", "-o", str(out), "--data", str(data)])
    assert result.exit_code == 0, result.output
    return out / "2020"


def _page(site: Path, unit: str) -> Any:
    return lxml.html.fromstring((site / f"{unit}.html").read_bytes())


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _summary(doc: Any) -> list[str]:
    """The status line, then each sentence of "Tổng điểm và thứ hạng"."""
    status = [_text(p) for p in doc.xpath('//p[@class="status"]')]
    section = doc.xpath('//section[@class="summary"]')[0]
    return status + [_text(e) for e in section.xpath("./p|./ul/li")]


def _chart_table(doc: Any) -> list[list[str]]:
    table = doc.xpath("//figure/table")[0]
    return [[_text(c) for c in row.xpath("./th|./td")] for row in table.xpath(".//tr")]


def _others(doc: Any) -> str:
    return _text(doc.xpath('//nav[@aria-label="Các đơn vị khác"]')[0])


def test_an_appraised_unit(site: Path) -> None:
    doc = _page(site, "A")
    assert _summary(doc) == [
        "Tổng điểm tự chấm: 85 điểm; tổng điểm sau thẩm định: 83 điểm, trong đó điểm cộng 5, "
        "điểm trừ 0.",
        "Thứ hạng: 1/5.",
        ORDER,
        "Số liệu của đơn vị: tổng điểm sau thẩm định 83; điểm nhóm I 48.",
        "Xếp trên Đơn vị thử B (hạng 2): khác ở tổng điểm sau thẩm định: 83 so với 70.",
        *NO_VOTE,
    ]
    # Best and average of A, B and E: C and D, without scores, do not pull the average down.
    assert _chart_table(doc) == [
        ["Nhóm tiêu chí", "Đơn vị A", "Cao nhất Khối", "Trung bình các đơn vị đã chấm"],
        ["Nhóm I. Nhiệm vụ chuyên môn", "48", "48", "≈42,67"],
        ["Nhóm II. Phong trào", "30", "30", "30"],
        ["Nhóm III. Điểm cộng, điểm trừ", "5", "5", "≈1,67"],
    ]
    assert _text(doc.xpath("//figcaption")[0]) == (
        "Điểm từng nhóm tiêu chí của Đơn vị A so với Khối, năm 2020. Cao nhất và trung bình tính "
        "trên 3/5 đơn vị đã chấm điểm. Bảng dưới đây ghi số liệu của biểu đồ."
    )
    assert _others(doc) == "Bảng xếp hạng năm 2020 Đơn vị sau: Đơn vị thử B"


def test_a_unit_not_appraised_gives_its_self_assessed_total(site: Path) -> None:
    doc = _page(site, "B")
    assert _summary(doc) == [
        "Điểm chưa được thẩm định: tạm dùng điểm tự chấm.",
        "Tổng điểm tự chấm: 70 điểm, trong đó điểm cộng 0, điểm trừ 0; điểm chưa được thẩm định.",
        "Thứ hạng: 2/5, đồng hạng (tạm theo điểm tự chấm, chưa thẩm định).",
        ORDER,
        "Số liệu của đơn vị: tổng điểm sau thẩm định 70 (điểm tự chấm, chưa thẩm định); điểm "
        "nhóm I 40.",
        # Not "equal in every criterion": the vote is still to come.
        "Đồng hạng 2 với Đơn vị thử E: bằng nhau ở mọi tiêu chí xếp hạng đã có kết quả.",
        "Xếp sau Đơn vị thử A (hạng 1): khác ở tổng điểm sau thẩm định: 83 so với 70.",
        "Xếp trên Đơn vị thử C (hạng 4): khác ở tổng điểm sau thẩm định: 70 so với 0.",
        *NO_VOTE,
    ]
    assert "sau thẩm định:" not in _summary(doc)[1]
    # Tied with E, yet listed before it: the links say where in the table, not above/below.
    assert _others(doc) == (
        "Đơn vị trước trong bảng xếp hạng: Đơn vị thử A Bảng xếp hạng năm 2020 Đơn vị sau: Đơn "
        "vị thử E"
    )
    assert _others(_page(site, "E")) == (
        "Đơn vị trước trong bảng xếp hạng: Đơn vị thử B Bảng xếp hạng năm 2020 Đơn vị sau: Đơn "
        "vị thử C"
    )


@pytest.mark.parametrize("unit", ["C", "D"])
def test_a_unit_that_has_not_scored_is_said_so(site: Path, unit: str) -> None:
    """An empty score file (C) or none (D): not "not appraised", no total after appraisal, no
    tie with the other unit without scores, the rank only as where the table puts it."""
    doc = _page(site, unit)
    assert _summary(doc) == [
        "Đơn vị chưa tự chấm điểm: mọi tiêu chí tạm tính 0 điểm.",
        "Tổng điểm: chưa có, vì đơn vị chưa tự chấm điểm.",
        "Thứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng 4/5, 0 điểm).",
        ORDER,
        *NO_VOTE,
    ]
    # Others have scores: the chart is drawn, against them.
    assert _chart_table(doc)[1] == ["Nhóm I. Nhiệm vụ chuyên môn", "0", "48", "≈42,67"]


def test_the_kind_is_not_said_twice(site: Path) -> None:
    """A name that begins with its kind ("Điểm cộng") is not followed by it again."""
    table = _page(site, "A").xpath('//table[contains(@class, "scores")]')[0]
    names = [_text(row.xpath("./td")[1]) for row in table.xpath("./tbody/tr[not(@class)]")]
    assert names == ["Chuyên môn (định tính)", "Phong trào (định tính)", "Điểm cộng", "Điểm trừ"]


def test_ranking_notes_tell_not_scored_from_not_appraised(tmp_path: Path) -> None:
    result = rank(tmp_path, FILES)
    assert [(row.member.id, row_note(row)) for row in result.rows] == [
        ("A", ""),
        ("B", "Đồng hạng 2 với Đơn vị thử E; chưa thẩm định"),
        ("E", "Đồng hạng 2 với Đơn vị thử B; chưa thẩm định"),
        ("C", "Đồng hạng 4 với Đơn vị thử D; chưa tự chấm điểm"),
        ("D", "Đồng hạng 4 với Đơn vị thử C; chưa tự chấm điểm"),
    ]
