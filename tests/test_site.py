"""`thidua site`: the pages, their numbers against `rank`/`explain`, policy, links, bytes.

The bundled data is copied to a temporary folder (outside git, so the documents carry no
commit) and its site is built once for the module; the other tests build small sites of
their own. Browser tests and the link checker of the whole site are in
tests/test_site_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
from typer.testing import CliRunner, Result

import pdfcheck
from thidua.cli import app
from thidua.compute.seal import content_digest, short_code
from thidua.numbers import percent, points
from thidua.present.site import CSP
from thidua.present.site_parts import unit_files
from thidua.repo.years import open_year
from yeardata import KHOI, score_file, tree_hashes, write_year

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1609286400"  # 30/12/2020
UNITS_2020 = ["NHNN", "QLTT", "KBNN", "THUE", "CTK", "BHXH", "HQ"]  # rank order
MEMBERS = ["QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ"]  # member order


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def ok(*args: str, env: dict[str, str] | None = None) -> Result:
    result = invoke(*args, env=env)
    assert result.exit_code == 0, result.output
    return result


@dataclass(frozen=True)
class Built:
    data: Path
    site: Path
    before: dict[str, str]  # the data folder's hashes before the build
    result: Result


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The site of the bundled years, built from a copy of data/ (no SOURCE_DATE_EPOCH)."""
    root = tmp_path_factory.mktemp("bundled")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    before = tree_hashes(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        result = ok("site", "-o", str(root / "trang"), "--data", str(data))
        yield Built(data, root / "trang", before, result)


def page(site: Path, name: str) -> Any:
    return lxml.html.fromstring((site / name).read_bytes())


def texts(element: Any) -> list[str]:
    """The text of each cell of a row (th and td), spaces normalised."""
    return [" ".join(cell.text_content().split()) for cell in element.xpath("./th|./td")]


def body_rows(table: Any) -> list[Any]:
    return list(table.xpath("./tbody/tr"))


def rank_json(data: Path, year: int) -> dict[str, Any]:
    out = ok("rank", str(year), "--format", "json", "--data", str(data)).stdout
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def explain_json(data: Path, year: int, unit: str) -> dict[str, Any]:
    out = ok("explain", str(year), unit, "--format", "json", "--data", str(data)).stdout
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def code(data: Path, year: int) -> str:
    opened, _ = open_year(data, year)
    assert opened is not None
    return short_code(content_digest(opened))


# --- layout ------------------------------------------------------------------------------------


DOCS_2020 = [
    "bang-diem-2020.docx",
    "bang-diem-2020.html",
    "bang-diem-2020.xlsx",
    "bao-cao-2020.docx",
    "bao-cao-2020.html",
    "bien-ban-2020.docx",
    "bien-ban-2020.html",
    "kiem-phieu-2020.docx",
    "kiem-phieu-2020.html",
    "phieu-bau-2020.docx",
    "phieu-bau-2020.html",
    "phu-luc-diem-2020.docx",
    "phu-luc-diem-2020.html",
    *(f"thong-bao-2020-{u}.html" for u in sorted(MEMBERS)),
    "to-trinh-2020.docx",
    "to-trinh-2020.html",
    "xep-hang-2020.docx",
    "xep-hang-2020.html",
]
# 2021 is in progress: no conference, no ballot, no award yet.
DOCS_2021 = [
    "bang-diem-2021.docx",
    "bang-diem-2021.html",
    "bang-diem-2021.xlsx",
    "bao-cao-2021.docx",
    "bao-cao-2021.html",
    "phu-luc-diem-2021.docx",
    "phu-luc-diem-2021.html",
    *(f"thong-bao-2021-{u}.html" for u in sorted(MEMBERS)),
    "xep-hang-2021.docx",
    "xep-hang-2021.html",
]


def test_the_site_has_the_layout_of_the_design(bundled: Built) -> None:
    files = sorted(p.relative_to(bundled.site).as_posix() for p in bundled.site.rglob("*"))
    expected = ["2020", "2021", "index.html", "lich-su.html", "style.css"]
    for year, docs in ((2020, DOCS_2020), (2021, DOCS_2021)):
        expected += [f"{year}/{u}.html" for u in MEMBERS] + [f"{year}/index.html"]
        expected += [f"{year}/van-ban"] + [f"{year}/van-ban/{d}" for d in docs]
    assert files == sorted(expected)
    # Nothing beside the site: the temporary folder it was built in is gone.
    assert sorted(p.name for p in bundled.site.parent.iterdir()) == ["data", "trang"]


def test_the_command_says_what_it_wrote_and_what_could_not_be_made(bundled: Built) -> None:
    assert bundled.result.stdout == (
        f"Đã ghi trang web năm 2020, 2021 vào {bundled.site}: 18 trang, 40 văn bản để tải về.\n"
    )
    skipped = [line for line in bundled.result.stderr.splitlines() if "Chưa lập" in line]
    assert skipped == [
        "Chưa lập được: Năm 2021: biên bản hội nghị tổng kết: chưa có thông tin hội nghị tổng "
        "kết năm 2021 (hoi-nghi.yaml): cần để lập biên bản",
        "Chưa lập được: Năm 2021: tờ trình đề nghị khen thưởng: không lập được tờ trình đề "
        "nghị khen thưởng: chưa có đơn vị nào được đề nghị khen thưởng (Chưa có kết quả bỏ "
        "phiếu bình chọn đơn vị dẫn đầu.)",
        "Chưa lập được: Năm 2021: biên bản kiểm phiếu: chưa có kết quả bỏ phiếu kín năm 2021 "
        "(phieu-bau.yaml): cần để lập biên bản kiểm phiếu",
        "Chưa lập được: Năm 2021: phiếu bầu: chưa có cuộc bỏ phiếu nào của năm 2021 "
        "(phieu-bau.yaml): cần tên, loại và số đơn vị được chọn của từng cuộc bỏ phiếu để lập "
        "phiếu bầu",
    ]


def test_writing_the_site_leaves_the_data_untouched(bundled: Built) -> None:
    assert tree_hashes(bundled.data) == bundled.before


# --- the ranking against `rank --format json` ----------------------------------------------------


def ranking_table(site: Path, year: int) -> Any:
    """The table of the ranking section (``#xep-hang``) of the year's page."""
    return page(site, f"{year}/index.html").get_element_by_id("xep-hang").xpath(".//table")[0]


def test_ranking_table_of_2020_reads_as_rank_shows_it(bundled: Built) -> None:
    table = ranking_table(bundled.site, 2020)
    assert texts(table.xpath("./thead/tr")[0]) == [
        "Hạng",
        "Đơn vị",
        "Tổng điểm",
        "Nhóm I",
        "Nhóm II",
        "Nhóm III",
        "Nhóm IV",
        "Tự chấm",
        "Số phiếu",
        "Tỷ lệ phiếu",
        "Kết quả, ghi chú",
    ]
    rows = [texts(row) for row in body_rows(table)]
    assert rows[0] == [
        "1",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "106",
        "49",
        "28",
        "19",
        "10",
        "106",
        "6",
        "85,7 %",
        "Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh",
    ]
    assert rows[2][:10] == [
        "3",
        "Kho bạc Nhà nước Hòa Bình",
        "84,5",
        "41",
        "25,5",
        "18",
        "0",
        "85",
        "0",
        "0 %",
    ]
    assert rows[6][:7] == ["7", "Chi cục Hải quan Hòa Bình", "67,75", "31,75", "20,5", "16,5", "-1"]
    # Each unit's name links to its page.
    links = [row.xpath(".//a/@href") for row in body_rows(table)]
    assert links == [[f"{unit}.html"] for unit in UNITS_2020]


@pytest.mark.parametrize("year", [2020, 2021])
def test_ranking_table_holds_the_values_of_rank_json(bundled: Built, year: int) -> None:
    """Every cell's data-gia-tri is the JSON field its column names; its text, that value
    written the Vietnamese way."""
    ranking = rank_json(bundled.data, year)
    table = ranking_table(bundled.site, year)
    keys = [th.get("data-cot") for th in table.xpath("./thead/tr/th")]
    groups = [g["ma"] for g in ranking["nhom"]]
    votes = ["phieu", "ty_le_phieu"] if ranking["cuoc_bau"] else []
    assert keys == [
        "hang",
        "ten",
        "diem",
        *(f"nhom.{g}" for g in groups),
        "diem_tu_cham",
        *votes,
        None,
    ]
    rows = body_rows(table)
    assert len(rows) == len(ranking["xep_hang"])
    for row, expected in zip(rows, ranking["xep_hang"], strict=True):
        cells = row.xpath("./th|./td")
        for key, cell in zip(keys[:-1], cells, strict=False):
            field, _, group = key.partition(".")
            value = expected[field][group] if group else expected[field]
            shown = "" if value is None else str(value)
            assert cell.get("data-gia-tri") == shown, (expected["ma"], key)
            text = " ".join(cell.text_content().split())
            if field in ("diem", "nhom", "diem_tu_cham"):
                assert text == points(Decimal(value))
            elif field == "ty_le_phieu":
                assert text == ("" if value is None else percent(Decimal(value)))
            else:
                assert text == shown


def test_year_page_gives_the_outcomes_ballots_and_documents(bundled: Built) -> None:
    doc = page(bundled.site, "2020/index.html")
    body = " ".join(doc.text_content().split())
    for sentence in (
        "Đơn vị dẫn đầu: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình.",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình đạt 106 điểm, xếp thứ nhất, được "
        "6/7 phiếu bình chọn (85,7 % số phiếu hợp lệ, quy chế yêu cầu trên 50 %).",
        "Cờ thi đua của Ủy ban nhân dân tỉnh: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: Cục Quản lý thị trường tỉnh Hòa Bình, Kho "
        "bạc Nhà nước Hòa Bình",
        "Trưởng khối năm 2021: Cục Quản lý thị trường tỉnh Hòa Bình (được 7/7 đơn vị có mặt "
        "nhất trí suy tôn).",
        "Phó khối năm 2021: chưa xác định (do Hội nghị bầu bổ sung).",
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối).",
    ):
        assert sentence in body
    assert "Kết quả tạm tính" not in body
    # The ballots: counts, then each option's votes beside the chart.
    ballots = doc.xpath('//section[@class="ballot"]')
    assert [b.xpath("./h3")[0].text_content() for b in ballots] == [
        "Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020",
        "Suy tôn Trưởng khối thi đua năm 2021",
    ]
    counts = [texts(row) for row in body_rows(ballots[0].xpath("./table")[0])]
    assert counts == [
        ["Số đơn vị có mặt", "7"],
        ["Số phiếu phát ra", "7"],
        ["Số phiếu thu về", "7"],
        ["Số phiếu hợp lệ", "7"],
        ["Số phiếu không hợp lệ", "0"],
    ]
    figure = ballots[0].xpath("./figure")[0]
    assert figure.xpath("./svg/title")[0].text == "Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020"
    assert [texts(r)[:2] for r in body_rows(figure.xpath("./table")[0])][:2] == [
        ["Cục Quản lý thị trường tỉnh Hòa Bình", "1"],
        ["Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình", "6"],
    ]
    assert "số phiếu tối thiểu để đạt ngưỡng (4)" in figure.xpath("./figcaption")[0].text
    # The totals chart and its table, in rank order.
    totals = doc.xpath('//h2[@id="tong-diem"]/following-sibling::figure[1]')[0]
    assert texts(body_rows(totals.xpath("./table")[0])[0]) == [
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "49",
        "28",
        "19",
        "10",
        "106",
    ]
    # Every document made is offered, and only those.
    offered = sorted(
        href[len("van-ban/") :] for href in doc.xpath('//a[starts-with(@href, "van-ban/")]/@href')
    )
    assert offered == DOCS_2020


def test_a_year_in_progress_says_its_results_are_provisional_on_each_page(bundled: Built) -> None:
    for name in ["2021/index.html", *(f"2021/{u}.html" for u in MEMBERS)]:
        banner = page(bundled.site, name).xpath('//p[@class="provisional"]')
        assert [" ".join(b.text_content().split()) for b in banner] == [
            "Kết quả tạm tính — Năm 2021 đang diễn ra: các số liệu còn thay đổi."
        ], name
    for name in ["2020/index.html", *(f"2020/{u}.html" for u in MEMBERS), "index.html"]:
        assert "tạm tính —" not in (bundled.site / name).read_text(encoding="utf-8"), name


# --- the unit page against `explain --format json` -----------------------------------------------


def test_unit_page_of_kbnn_2020(bundled: Built) -> None:
    doc = page(bundled.site, "2020/KBNN.html")
    table = doc.xpath('//table[contains(@class, "scores")]')[0]
    rows = [texts(row) for row in table.xpath("./tbody/tr")]
    assert rows[:3] == [
        ["I", "Thực hiện nhiệm vụ chính trị, chuyên môn", "50", "41", "", "41", ""],
        [
            "1.1",
            "Mức hoàn thành các chỉ tiêu kế hoạch được giao (định lượng)",
            "30",
            "thực hiện 105, chỉ tiêu 100 → 22,5",
            "",
            "22,5",
            "Cách tính: thực hiện/chỉ tiêu = 105/100 = 1,05; cao nhất Khối L = 1,1; 0,5 × 30 + "
            "0,5 × 30 × (1,05 − 1)/(1,1 − 1) = 22,5",
        ],
        [
            "1.2",
            "Chất lượng thực hiện nhiệm vụ chuyên môn (định tính)",
            "20",
            "18,5",
            "",
            "18,5",
            "",
        ],
    ]
    assert rows[5] == [
        "2.2",
        "Tham gia đầy đủ các hoạt động chung của Khối (định tính)",
        "10",
        "10",
        "9,5",
        "9,5",
        "Lý do: Vắng một buổi sinh hoạt chung của Khối không báo trước",
    ]
    assert rows[6][3:] == ["3 lần → 6", "", "6", "Cách tính: 3 lần × 2 = 6"]
    # The kind is not said again after a name that begins with it.
    assert [row[1] for row in rows[11:13]] == [
        "Điểm cộng (Cờ thi đua cấp tỉnh, cấp Bộ +10; Cờ thi đua của Chính phủ +15)",
        "Điểm trừ (báo cáo chậm, vi phạm quy chế Khối; 1 điểm mỗi lần)",
    ]
    assert rows[-1] == ["", "Tổng cộng", "", "85", "", "84,5", ""]
    # A narrow printed column breaks a score only after its commas and before its arrow.
    score = table.xpath("./tbody/tr")[1].xpath("./td")[3].text_content()
    assert score == "thực\xa0hiện\xa0105, chỉ\xa0tiêu\xa0100 →\xa022,5"
    body = " ".join(doc.text_content().split())
    for sentence in (
        "Tổng điểm tự chấm: 85 điểm; tổng điểm sau thẩm định: 84,5 điểm, trong đó điểm cộng 0, "
        "điểm trừ 0.",
        "Thứ hạng: 3/7.",
        "Xếp hạng theo: tổng điểm sau thẩm định, rồi số phiếu bình chọn đơn vị dẫn đầu, rồi điểm "
        "nhóm I, rồi điểm trừ (ít hơn xếp trên).",
        "Số liệu của đơn vị: tổng điểm sau thẩm định 84,5; số phiếu bình chọn đơn vị dẫn đầu 0; "
        "điểm nhóm I 41; điểm trừ (ít hơn xếp trên) 0.",
        "Xếp sau Cục Quản lý thị trường tỉnh Hòa Bình (hạng 2): khác ở tổng điểm sau thẩm định: "
        "88 so với 84,5.",
        "Phiếu: 0/7 phiếu (0 % số phiếu hợp lệ) trong cuộc bỏ phiếu “Bình chọn đơn vị dẫn đầu "
        "Khối thi đua năm 2020”.",
        "Đề nghị khen thưởng: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh.",
        "Ô “Thẩm định” để trống: kết quả thẩm định giữ nguyên điểm tự chấm của đơn vị.",
    ):
        assert sentence in body
    figure = doc.xpath("//figure")[0]
    assert [texts(r) for r in body_rows(figure.xpath("./table")[0])][1] == [
        "Nhóm II. Công tác thi đua, khen thưởng",
        "25,5",
        "28",
        "≈24,14",
    ]
    # The notice to print, as the printable page only (the Word form is the secretariat's),
    # and the units before and after in the ranking table: navigation, not printed.
    documents, others = doc.xpath('//nav[@class="pager"]')
    assert doc.xpath('//a[starts-with(@href, "van-ban/")]/@href') == [
        "van-ban/thong-bao-2020-KBNN.html"
    ]
    assert documents.xpath(".//a/@href") == ["van-ban/thong-bao-2020-KBNN.html"]
    assert " ".join(others.text_content().split()) == (
        "Đơn vị trước trong bảng xếp hạng: Cục Quản lý thị trường tỉnh Hòa Bình Bảng xếp hạng "
        "năm 2020 Đơn vị sau: Cục Thuế tỉnh Hòa Bình"
    )


@pytest.mark.parametrize("year", [2020, 2021])
def test_every_unit_page_holds_the_numbers_of_explain_json(bundled: Built, year: int) -> None:
    for unit in MEMBERS:
        explained = explain_json(bundled.data, year, unit)
        doc = page(bundled.site, f"{year}/{unit}.html")
        table = doc.xpath('//table[contains(@class, "scores")]')[0]
        lines = [row for row in table.xpath("./tbody/tr") if not row.get("class")]
        assert len(lines) == len(explained["tieu_chi"])
        for row, c in zip(lines, explained["tieu_chi"], strict=True):
            cells = texts(row)
            assert cells[0] == c["ma"]
            assert cells[2] == points(Decimal(c["toi_da"]))
            final = Decimal(c["diem_co_dau"])
            assert cells[5] == ("0 (chưa có điểm)" if c["thieu_diem"] else points(final))
            notes = [" ".join(p.text_content().split()) for p in row.xpath("./td[7]/p")]
            if c["cong_thuc"]:
                assert f"Cách tính: {c['cong_thuc']}" in notes
            if c["ly_do"]:
                assert f"Lý do: {c['ly_do']}" in notes
        total = texts(table.xpath("./tbody/tr")[-1])
        assert total[3] == points(Decimal(explained["diem_tu_cham"]))
        assert total[5] == points(Decimal(explained["diem"]))
        body = " ".join(doc.text_content().split())
        of = f"{explained['hang']}/{explained['so_don_vi']}"
        if explained["so_tieu_chi_thieu_diem"] == len(explained["tieu_chi"]):  # 2021
            rank = (
                "Thứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng "
                f"{of}, 0 điểm)."
            )
        else:
            assert explained["da_tham_dinh"]  # 2020
            rank = f"Thứ hạng: {of}{', đồng hạng' if explained['dong_hang'] else ''}."
        assert rank in body


def test_unit_page_of_a_unit_that_has_not_scored(bundled: Built) -> None:
    """2021: no unit has scored yet. The page says so, and no more: no total after appraisal,
    no rank or tie as if a result, no vote count of a ballot not held, no empty chart."""
    doc = page(bundled.site, "2021/BHXH.html")
    assert [" ".join(p.text_content().split()) for p in doc.xpath('//p[@class="status"]')] == [
        "Đơn vị chưa tự chấm điểm: mọi tiêu chí tạm tính 0 điểm."
    ]
    summary = doc.xpath('//section[@class="summary"]')[0]
    assert [" ".join(e.text_content().split()) for e in summary.xpath("./p|./ul/li")] == [
        "Tổng điểm: chưa có, vì đơn vị chưa tự chấm điểm.",
        "Thứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng 1/7, 0 điểm).",
        "Xếp hạng theo: tổng điểm sau thẩm định, rồi số phiếu bình chọn đơn vị dẫn đầu (chưa có "
        "kết quả bỏ phiếu), rồi điểm nhóm I, rồi điểm trừ (ít hơn xếp trên).",
        "Phiếu: chưa có kết quả bỏ phiếu.",
        "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu.",
    ]
    assert doc.xpath("//svg|//figure") == []
    heading = doc.xpath('//h2[text()="So sánh với Khối"]')[0]
    assert heading.getnext().tag == "p"
    assert heading.getnext().text_content() == "Chưa có điểm để vẽ biểu đồ."
    # Tied with every unit: before and after in the table, not "above" and "below".
    others = doc.xpath('//nav[@aria-label="Các đơn vị khác"]')[0]
    assert " ".join(others.text_content().split()) == (
        "Đơn vị trước trong bảng xếp hạng: Cục Thuế tỉnh Hòa Bình Bảng xếp hạng năm 2021 Đơn vị "
        "sau: Chi cục Hải quan Hòa Bình"
    )


@pytest.mark.external
def test_unit_page_printed(bundled: Built, tmp_path: Path) -> None:
    """On paper: no links to documents or other units, and a quantitative self-score in its
    three parts (value, target, points), not broken word by word."""
    browser = pdfcheck.chromium()
    if browser is None or shutil.which("pdftotext") is None:
        pytest.skip("Chromium and poppler (pdftotext) are needed to print a page")
    pdf = tmp_path / "KBNN.pdf"
    pdfcheck.print_html(browser, bundled.site / "2020" / "KBNN.html", pdf, tmp_path / "profile")
    lines = [line for page_lines in pdfcheck.page_lines(pdf) for line in page_lines]
    assert [line for line in lines if "(.html)" in line or "Đơn vị sau" in line] == []
    first = next(i for i, line in enumerate(lines) if line.startswith("1.1 "))
    assert "thực hiện 105," in lines[first]
    assert "chỉ tiêu 100" in lines[first + 1]
    assert "→ 22,5" in lines[first + 2]


# --- the cluster and history pages ---------------------------------------------------------------


def test_cluster_page_lists_years_members_and_offices(bundled: Built) -> None:
    doc = page(bundled.site, "index.html")
    tables = doc.xpath("//table")
    years, members, offices = tables
    assert [texts(r) for r in body_rows(years)] == [
        [
            "Năm 2020",
            "Đã khóa sổ ngày 30/12/2020 (Văn phòng Khối)",
            "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
            code(bundled.data, 2020),
        ],
        ["Năm 2021", "Đang diễn ra; kết quả tạm tính", "chưa có", code(bundled.data, 2021)],
    ]
    assert years.xpath(".//a/@href") == ["2020/index.html", "2020/NHNN.html", "2021/index.html"]
    assert [texts(r)[:4] for r in body_rows(members)][:2] == [
        ["1", "Cục Quản lý thị trường tỉnh Hòa Bình", "Cục Quản lý thị trường", "2020, 2021"],
        [
            "2",
            "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
            "NHNN tỉnh Hòa Bình",
            "2020, 2021",
        ],
    ]
    # The article does not name the leader of 2020: said so, not made up.
    assert [texts(r) for r in body_rows(offices)] == [
        ["2020", "chưa có thông tin", "chưa có thông tin"],
        ["2021", "Cục Quản lý thị trường tỉnh Hòa Bình", "chưa có thông tin"],
    ]


def test_history_page_gives_each_units_rank_and_total_of_closed_years(bundled: Built) -> None:
    history = json.loads(ok("history", "--format", "json", "--data", str(bundled.data)).stdout)
    doc = page(bundled.site, "lich-su.html")
    # One closed year: its table, and no chart of ranks across years.
    assert doc.xpath("//figure") == []
    assert " ".join(doc.xpath("//main/p")[0].text_content().split()) == (
        "Mới có kết quả chính thức của một năm (năm 2020) nên chưa vẽ biểu đồ thứ hạng qua các năm."
    )
    rows = [texts(r) for r in body_rows(doc.xpath("//table")[0])]
    expected = [
        [r["ten_ngan"], str(r["hang"]), points(Decimal(r["diem"]))] for r in history["ket_qua"]
    ]
    names = {
        "Cục Quản lý thị trường": "Cục Quản lý thị trường tỉnh Hòa Bình",
        "NHNN tỉnh Hòa Bình": "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
    }
    assert [[names.get(n, n), *rest] for n, *rest in expected][:2] == rows[:2]
    assert len(rows) == len(expected) == 7
    assert [row[1:] for row in rows] == [row[1:] for row in expected]
    notes = [" ".join(li.text_content().split()) for li in doc.xpath("//main/ul/li")]
    assert notes == [
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối).",
        "Năm 2021 đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào bảng; xem kết quả "
        "tạm tính năm 2021.",
    ]


# --- policy, fingerprint, links ------------------------------------------------------------------


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "van-ban" not in p.parts)


def test_every_page_has_the_policy_and_the_data_code(bundled: Built) -> None:
    codes = {year: code(bundled.data, year) for year in (2020, 2021)}
    for path in html_pages(bundled.site):
        name = path.relative_to(bundled.site).as_posix()
        doc = lxml.html.fromstring(path.read_bytes())
        policy = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert policy == [CSP] == ["default-src 'none'; style-src 'self'; img-src 'self' data:"]
        assert doc.xpath("//script") == [], name  # no script, so none to allow
        lines = [p.text_content() for p in doc.xpath('//p[@class="fingerprint"]')]
        year = name[:4]
        if year.isdigit():
            assert lines == [f"Mã dữ liệu: {codes[int(year)]}"], name
            record = doc.xpath('//meta[@name="thidua-data"]/@content')[0]
            assert record.startswith(f"nam={year};ma=sha256:"), name
        else:
            assert lines == [f"Năm {y} — Mã dữ liệu: {c}" for y, c in codes.items()], name
        # No build time without SOURCE_DATE_EPOCH.
        assert "Cập nhật" not in doc.text_content()


def test_a_page_of_the_site_is_verified_as_a_document(bundled: Built) -> None:
    """A year page carries the record `thidua verify` reads: it names the data it shows."""
    result = ok("verify", str(bundled.site / "2020" / "KBNN.html"), "--data", str(bundled.data))
    shown = code(bundled.data, 2020)
    assert result.stdout == (
        f"Văn bản được lập từ dữ liệu hiện tại của năm 2020 (mã dữ liệu {shown}).\n"
    )


def test_every_address_is_relative_and_names_a_file_of_the_site(bundled: Built) -> None:
    site = bundled.site
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        # No address of another place, not even a namespace (the charts' are taken out).
        assert re.search(r"\b(?:https?|ftp|file):", text, re.IGNORECASE) is None, path
        doc = lxml.html.fromstring(path.read_bytes())
        ids = set(doc.xpath("//@id"))
        for _element, _attribute, address, _ in doc.iterlinks():
            if address == "data:,":  # the page's empty icon: no request at all
                continue
            parts = urlsplit(address)
            assert not parts.scheme and not parts.netloc, (path, address)
            assert not address.startswith(("/", "//")), (path, address)
            if not parts.path:  # a fragment of this page: an id on it
                assert parts.fragment in ids, (path, address)
                continue
            target = PurePosixPath(path.relative_to(site).parent.as_posix(), parts.path)
            resolved = (site / target).resolve()
            assert resolved.is_file() and site.resolve() in resolved.parents, (path, address)
        for url in re.findall(r"url\(([^)]*)\)", text):
            assert url.startswith("#"), (path, url)


def test_each_chart_sits_in_a_figure_with_its_table(bundled: Built) -> None:
    counts = {}
    for path in html_pages(bundled.site):
        doc = lxml.html.fromstring(path.read_bytes())
        for svg in doc.xpath("//svg"):
            figure = svg.getparent()
            assert figure.tag == "figure"
            assert [child.tag for child in figure] == ["svg", "figcaption", "table"]
            assert svg.xpath("./*[1]")[0].tag == "title"
            assert svg.get("role") == "img" and svg.get("style") is None
        counts[path.relative_to(bundled.site).as_posix()] = len(doc.xpath("//svg"))
    assert counts["2020/index.html"] == 3  # two ballots, the totals
    # 2021: no ballot yet, no unit has scored: nothing to draw.
    assert counts["2021/index.html"] == counts["2021/KBNN.html"] == 0
    assert counts["2020/KBNN.html"] == 1
    assert counts["index.html"] == counts["lich-su.html"] == 0  # one closed year


def test_documents_are_the_bytes_thidua_render_writes(bundled: Built, tmp_path: Path) -> None:
    data = str(bundled.data)
    for doc, name in (
        ("minutes", "bien-ban-2020.html"),
        ("scores", "bang-diem-2020.xlsx"),
        ("proposal", "to-trinh-2020.docx"),
    ):
        ok("render", "2020", doc, "-o", str(tmp_path / name), "--data", data)
        site_file = bundled.site / "2020" / "van-ban" / name
        assert site_file.read_bytes() == (tmp_path / name).read_bytes(), name
    ok("render", "2020", "thong-bao", "HQ", "-o", str(tmp_path / "tb.html"), "--data", data)
    notice = bundled.site / "2020" / "van-ban" / "thong-bao-2020-HQ.html"
    assert notice.read_bytes() == (tmp_path / "tb.html").read_bytes()


def test_building_again_gives_the_same_bytes(bundled: Built, tmp_path: Path) -> None:
    again = tmp_path / "lan-hai"
    ok("site", "-o", str(again), "--data", str(bundled.data), env={"SOURCE_DATE_EPOCH": ""})
    assert tree_hashes(again) == tree_hashes(bundled.site)


# --- small sites ----------------------------------------------------------------------------------


def small(tmp_path: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    write_year(tmp_path, files)
    return tmp_path / "data"


def site_of(data: Path, out: Path, *years: str, env: dict[str, str] | None = None) -> Result:
    return invoke("site", *years, "-o", str(out), "--data", str(data), env=env)


def test_a_date_appears_only_from_source_date_epoch(tmp_path: Path) -> None:
    data = small(tmp_path)
    ok("site", "-o", str(tmp_path / "a"), "--data", str(data), env={"SOURCE_DATE_EPOCH": EPOCH})
    text = (tmp_path / "a" / "2020" / "A.html").read_text(encoding="utf-8")
    assert '<p class="updated">Cập nhật ngày 30/12/2020.</p>' in text
    ok("site", "-o", str(tmp_path / "b"), "--data", str(data), env={"SOURCE_DATE_EPOCH": ""})
    assert "Cập nhật" not in (tmp_path / "b" / "2020" / "A.html").read_text(encoding="utf-8")


def test_a_year_with_errors_writes_nothing(tmp_path: Path) -> None:
    data = small(tmp_path, {"diem/B.yaml": score_file("B", first="25")})
    out = tmp_path / "trang"
    result = site_of(data, out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "Tổng cộng: 1 lỗi, 0 cảnh báo."
    assert result.stderr.splitlines()[0] == (
        f'{data}/2020/diem/B.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 25 '
        "vượt quá điểm tối đa 20; cần từ 0 đến 20"
    )
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_year_with_errors_leaves_the_previous_site(tmp_path: Path) -> None:
    data = small(tmp_path)
    out = tmp_path / "trang"
    ok("site", "-o", str(out), "--data", str(data))
    before = tree_hashes(out)
    write_year(tmp_path, {"diem/B.yaml": score_file("B", first="25")})
    assert site_of(data, out).exit_code == 1
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "trang"]


def test_a_new_site_replaces_the_old_one_whole(tmp_path: Path) -> None:
    data = small(tmp_path)
    write_year(tmp_path, year=2021)
    out = tmp_path / "trang"
    ok("site", "-o", str(out), "--data", str(data))
    assert (out / "2021" / "index.html").is_file()
    ok("site", "2020", "-o", str(out), "--data", str(data))
    assert sorted(p.name for p in out.iterdir()) == [
        "2020",
        "index.html",
        "lich-su.html",
        "style.css",
    ]
    nav = page(out, "index.html").xpath("//header//a/@href")
    assert nav == ["index.html", "index.html", "2020/index.html", "lich-su.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "trang"]


def test_a_failure_while_writing_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = small(tmp_path)
    out = tmp_path / "trang"
    ok("site", "-o", str(out), "--data", str(data))
    before = tree_hashes(out)
    written = []
    real = Path.write_bytes

    def full_disk(self: Path, content: bytes) -> int:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real(self, content)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    result = site_of(data, out)
    assert result.exit_code == 1
    assert result.stderr == f"Lỗi: không ghi được trang web vào {out}: ổ đĩa đã đầy\n"
    monkeypatch.undo()
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "trang"]


def test_a_folder_that_is_not_a_site_is_not_replaced(tmp_path: Path) -> None:
    data = small(tmp_path)
    out = tmp_path / "tai-lieu"
    out.mkdir()
    (out / "ghi-chep.txt").write_text("của tôi", encoding="utf-8")
    result = site_of(data, out)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Lỗi: thư mục {out} đã có tệp và không phải trang web do thidua site lập: thidua không "
        "xóa các tệp đó; hãy chọn một thư mục trống hoặc chưa có\n"
    )
    assert [p.name for p in out.iterdir()] == ["ghi-chep.txt"]
    # An empty folder is fine.
    empty = tmp_path / "trong"
    empty.mkdir()
    ok("site", "-o", str(empty), "--data", str(data))
    assert (empty / "index.html").is_file()


@pytest.mark.parametrize("where", ["data", "data/2020/trang", "."])
def test_the_site_is_never_written_into_the_data(tmp_path: Path, where: str) -> None:
    data = small(tmp_path)
    before = tree_hashes(tmp_path)
    out = (tmp_path / where).resolve()
    result = site_of(data, out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Lỗi: không ghi trang web vào {out}: thư mục này là, nằm")
    assert tree_hashes(tmp_path) == before


def test_text_from_the_data_is_escaped(tmp_path: Path) -> None:
    data = small(
        tmp_path, {"khoi.yaml": KHOI.replace("Đơn vị thử nghiệm A", '<b onclick="x()">A&</b>')}
    )
    ok("site", "-o", str(tmp_path / "trang"), "--data", str(data))
    text = (tmp_path / "trang" / "2020" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b onclick=&#34;x()&#34;&gt;A&amp;&lt;/b&gt;" in text
    assert "<b onclick" not in text


def test_unit_pages_never_take_the_year_pages_name() -> None:
    assert unit_files(["NHNN", "index", "nhnn", "INDEX", "B"]) == {
        "NHNN": "NHNN.html",
        "index": "index-2.html",
        "nhnn": "nhnn-2.html",
        "INDEX": "INDEX-3.html",
        "B": "B.html",
    }


def test_an_unknown_year_is_a_usage_error(tmp_path: Path) -> None:
    data = small(tmp_path)
    result = site_of(data, tmp_path / "trang", "2019")
    assert result.exit_code == 2
    assert not (tmp_path / "trang").exists()


def test_a_reopened_year_says_when_and_why_on_its_pages(tmp_path: Path) -> None:
    data = small(tmp_path)
    epoch = {"SOURCE_DATE_EPOCH": EPOCH}
    ok("close", "2020", "--by", "Văn phòng Khối", "--data", str(data), env=epoch)
    reopen = ["reopen", "2020", "--ly-do", "sửa điểm B", "--by", "Chánh văn phòng"]
    ok(*reopen, "--data", str(data), env=epoch)
    out = tmp_path / "trang"
    ok("site", "-o", str(out), "--data", str(data), env={"SOURCE_DATE_EPOCH": ""})
    years = page(out, "index.html").xpath("//table")[0]
    assert [texts(r)[:2] for r in body_rows(years)] == [
        [
            "Năm 2020",
            "Mở lại ngày 30/12/2020 (Chánh văn phòng) — lý do: sửa điểm B; kết quả tạm tính",
        ]
    ]
    for name in ("2020/index.html", "2020/A.html"):
        banner = page(out, name).xpath('//p[@class="provisional"]')[0]
        assert " ".join(banner.text_content().split()) == (
            "Kết quả tạm tính — Năm 2020 đã mở lại ngày 30/12/2020 (Chánh văn phòng) — lý do: "
            "sửa điểm B."
        )
    # No closed year: the history has no table, only what to look at instead.
    history = page(out, "lich-su.html")
    assert history.xpath("//table") == []
    assert " ".join(history.xpath("//main/p")[0].text_content().split()) == (
        "Chưa có năm nào đã kết thúc."
    )


def test_the_documents_follow_the_repositorys_own_templates(tmp_path: Path) -> None:
    """A template of the data repository (templates/ beside data/) shapes the documents of the
    site as it shapes those of `thidua render`, in HTML and in Word."""
    data = small(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ranking.html").write_text(
        '{% extends "default:ranking.html" %}{% block notes %}<p>Mẫu riêng của Khối.</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    out = tmp_path / "trang"
    ok("site", "-o", str(out), "--data", str(data))
    docs = out / "2020" / "van-ban"
    assert "<p>Mẫu riêng của Khối.</p>" in (docs / "xep-hang-2020.html").read_text("utf-8")
    with zipfile.ZipFile(docs / "xep-hang-2020.docx") as word:
        assert "Mẫu riêng của Khối." in word.read("word/document.xml").decode("utf-8")
    ok("render", "2020", "ranking", "-o", str(tmp_path / "x.docx"), "--data", str(data))
    assert (docs / "xep-hang-2020.docx").read_bytes() == (tmp_path / "x.docx").read_bytes()
