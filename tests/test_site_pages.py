"""`thidua site`: what a member unit's officer reads on the pages, as the review asked.

The ranking's address shows its heading; the body's classes the print follows (landscape
ranking, "Kết quả tạm tính" on every sheet: printed in tests/test_site_browser.py); an icon
of the page's own; units lacking scores named; the history's outcomes, one year without a
chart; the cluster's member links, notes column, offices said in words, the data code
explained; the documents' sentence and labels; the navigation's current page; no empty
chart.

The bundled data is copied outside git and its site built once for the module (as in
tests/test_site.py), with a site of 2020 alone beside it; two small sites show what the
bundled data has not: a former member and a unit not considered (two closed years), and
units lacking some scores or their score file (a year in progress).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from typer.testing import CliRunner

from thidua.cli import app
from yeardata import KHOI, score_file, write_year

REPO = Path(__file__).resolve().parents[1]
MEMBERS = ["QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ"]  # member order
NAMES = [
    "Cục Quản lý thị trường tỉnh Hòa Bình",
    "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
    "Cục Thống kê tỉnh Hòa Bình",
    "Kho bạc Nhà nước Hòa Bình",
    "Cục Thuế tỉnh Hòa Bình",
    "Bảo hiểm xã hội tỉnh Hòa Bình",
    "Chi cục Hải quan Hòa Bình",
]


def build(data: Path, out: Path, *years: str) -> Path:
    result = CliRunner().invoke(app, ["site", *years, "-o", str(out), "--data", str(data)])
    assert result.exit_code == 0, result.output
    return out


@dataclass(frozen=True)
class Sites:
    all: Path  # 2020 and 2021
    only_2020: Path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("bundled")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        return Sites(build(data, root / "trang"), build(data, root / "nam-2020", "2020"))


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2020 closed, its khoi.yaml without leader or deputy; 2021 closed, C no longer a
    member, A first in rank but not considered for an award."""
    root = tmp_path_factory.mktemp("hai-nam")
    write_year(root, {"khoi.yaml": KHOI.replace("truong_khoi: A\npho_khoi: B\n", "")})
    without_c = KHOI.replace("nam: 2020", "nam: 2021").replace(
        "  - ma: C\n    ten_ngan: Đơn vị C\n    ten: Đơn vị thử nghiệm C\n", ""
    )
    excluded = score_file("A", 2021).replace(
        "diem:", "khong_xet:\n  ly_do: Có cán bộ bị kỷ luật trong năm\ndiem:"
    )
    write_year(
        root, {"khoi.yaml": without_c, "diem/C.yaml": None, "diem/A.yaml": excluded}, year=2021
    )
    return build(root / "data", root / "trang")


@pytest.fixture(scope="module")
def in_progress(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2020 in progress: B has scored one criterion of two, C has no score file."""
    root = tmp_path_factory.mktemp("dang-dien-ra")
    write_year(
        root,
        {
            "khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra"),
            "diem/B.yaml": 'nam: 2020\ndon_vi: B\ndiem:\n  "1.1":\n    tu_cham: 15\n',
            "diem/C.yaml": None,
        },
    )
    return build(root / "data", root / "trang")


def page(site: Path, name: str) -> Any:
    return lxml.html.fromstring((site / name).read_bytes())


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


def rows(table: Any) -> list[list[str]]:
    return [[text(cell) for cell in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]


def header(table: Any) -> list[str]:
    return [text(th) for th in table.xpath("./thead/tr[last()]/th")]


def html_pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if "van-ban" not in p.parts
    )


# --- the year page: the ranking and its print ------------------------------------------------


def test_the_rankings_address_shows_its_heading(bundled: Sites) -> None:
    """``#xep-hang`` is the section that starts with the heading, not the table under it."""
    doc = page(bundled.all, "2020/index.html")
    section = doc.get_element_by_id("xep-hang")
    assert section.tag == "section"
    assert [(child.tag, text(child)) for child in section[:1]] == [("h2", "Bảng xếp hạng")]
    table = section.xpath('./div[@class="scroll"]/table')[0]
    assert header(table)[:3] == ["Hạng", "Đơn vị", "Tổng điểm"]
    assert doc.xpath('//nav[@class="contents"]//a/@href')[0] == "#xep-hang"
    assert page(bundled.all, "2020/KBNN.html").xpath('//a[@href="index.html#xep-hang"]')


def test_the_top_of_a_year_page_and_its_ranking_print_together_landscape(bundled: Sites) -> None:
    """The print rules (style.css) take the body's class and the section.wide: the title, the
    ranking and its notes on the landscape sheet, then the rest."""
    doc = page(bundled.all, "2020/index.html")
    assert doc.xpath("//body/@class") == ["wide-start"]
    wide = doc.xpath('//main/section[@class="wide"]')
    assert len(wide) == 1
    assert [child.tag for child in wide[0]][:2] == ["h1", "p"]
    assert wide[0].xpath("./section/@id") == ["xep-hang"]
    assert wide[0].getnext().get("id") == "ket-qua"


def test_every_page_of_a_year_not_final_is_marked_for_print(bundled: Sites) -> None:
    """body.not-final puts "KẾT QUẢ TẠM TÍNH" at the top of every printed sheet."""
    classes = {
        name: page(bundled.all, name).xpath("//body/@class") for name in html_pages(bundled.all)
    }
    assert classes == {
        "2020/index.html": ["wide-start"],
        "2021/index.html": ["not-final wide-start"],
        "index.html": [],
        "lich-su.html": [],
        **{f"2020/{u}.html": [] for u in MEMBERS},
        **{f"2021/{u}.html": ["not-final"] for u in MEMBERS},
    }


def test_every_page_names_an_empty_icon_the_policy_allows(bundled: Sites) -> None:
    """No browser asks a server for /favicon.ico: the icon is the page's own, empty."""
    for name in html_pages(bundled.all):
        doc = page(bundled.all, name)
        assert doc.xpath('//head/link[@rel="icon"]/@href') == ["data:,"], name
        policy = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
        assert "img-src 'self' data:" in policy


def _notes(doc: Any) -> list[str | list[str]]:
    """The notes under the ranking: each note's text, then the lines it lists, if any."""
    out: list[str | list[str]] = []
    for li in doc.xpath('//section[@id="xep-hang"]/ul[not(@class)]/li'):
        out.append(" ".join((li.text or "").split()))
        listed = [text(item) for item in li.xpath("./ul/li")]
        if listed:
            out.append(listed)
    return out


def test_the_units_still_lacking_scores_are_named(bundled: Sites, in_progress: Path) -> None:
    # No unit has scored (empty files): none is said to be "not appraised".
    assert _notes(page(bundled.all, "2021/index.html")) == [
        "Các đơn vị còn tiêu chí chưa có điểm (tính 0 điểm):",
        [f"{name}: chưa tự chấm điểm (thiếu điểm 9/9 tiêu chí)." for name in NAMES],
        "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu.",
    ]
    assert _notes(page(in_progress, "2020/index.html")) == [
        "Điểm của Đơn vị thử nghiệm A và Đơn vị thử nghiệm B chưa được thẩm định; thứ tự xếp "
        "hạng tạm tính theo điểm tự chấm.",
        "Các đơn vị còn tiêu chí chưa có điểm (tính 0 điểm):",
        [
            "Đơn vị thử nghiệm B: còn thiếu điểm 1/2 tiêu chí.",
            "Đơn vị thử nghiệm C: chưa gửi kết quả tự chấm điểm (thiếu điểm 2/2 tiêu chí).",
        ],
    ]
    assert _notes(page(bundled.all, "2020/index.html")) == []


def test_no_chart_of_totals_while_no_unit_has_a_score(bundled: Sites, in_progress: Path) -> None:
    doc = page(bundled.all, "2021/index.html")
    after = doc.xpath('//h2[@id="tong-diem"]/following-sibling::*[1]')[0]
    assert (after.tag, text(after)) == ("p", "Chưa có điểm để vẽ biểu đồ.")
    assert doc.xpath("//figure") == doc.xpath("//svg") == []
    # One unit with a score is enough for the chart.
    shown = page(in_progress, "2020/index.html")
    assert shown.xpath('//h2[@id="tong-diem"]/following-sibling::*[1]')[0].tag == "figure"
    assert "Chưa có điểm để vẽ biểu đồ." not in text(shown)


# --- the year page: documents ------------------------------------------------------------------


FILLED_BY_HAND = (
    "Các chỗ “…” còn để trống trong văn bản (số và ký hiệu văn bản, ngày tháng, chữ ký và họ "
    "tên người ký, những phần không có trong số liệu) do Văn phòng Khối điền khi ban hành văn "
    "bản."
)
LABELS = {"Word (.docx)", "Xem và in (.html)", "Excel (.xlsx)"}


def test_the_documents_say_who_fills_the_blanks_and_offer_files_in_words(bundled: Sites) -> None:
    doc = page(bundled.all, "2020/index.html")
    after = doc.xpath('//h2[@id="van-ban"]/following-sibling::*[1]')[0]
    assert (after.tag, text(after)) == ("p", FILLED_BY_HAND)
    scores = doc.xpath('//tr[th="Bảng tổng hợp điểm"]//a')
    assert [(a.text, a.get("href")) for a in scores] == [
        ("Word (.docx)", "van-ban/bang-diem-2020.docx"),
        ("Xem và in (.html)", "van-ban/bang-diem-2020.html"),
        ("Excel (.xlsx)", "van-ban/bang-diem-2020.xlsx"),
    ]
    for name in html_pages(bundled.all):
        here = page(bundled.all, name)
        labels = {a.text for a in here.xpath('//a[starts-with(@href, "van-ban/")]')}
        assert labels <= LABELS, name
        assert "Bản in" not in text(here), name
    notice = page(bundled.all, "2020/KBNN.html").xpath('//a[starts-with(@href, "van-ban/")]')
    assert [(a.text, a.get("href")) for a in notice] == [
        ("Xem và in (.html)", "van-ban/thong-bao-2020-KBNN.html")
    ]


# --- the navigation --------------------------------------------------------------------------


def test_only_the_page_itself_is_current_in_the_menu(bundled: Sites) -> None:
    current = {
        name: page(bundled.all, name).xpath('//header//a[@aria-current="page"]/@href')
        for name in html_pages(bundled.all)
    }
    assert current == {
        "index.html": ["index.html"],
        "lich-su.html": ["lich-su.html"],
        "2020/index.html": ["../2020/index.html"],
        "2021/index.html": ["../2021/index.html"],
        **{f"{y}/{u}.html": [] for y in (2020, 2021) for u in MEMBERS},
    }
    # A unit's page still shows which year it belongs to.
    nav = page(bundled.all, "2020/KBNN.html").xpath("//header//strong")
    assert [text(s) for s in nav] == ["Năm 2020"]


# --- the cluster page --------------------------------------------------------------------------


CODE_NOTE = (
    "Mã dữ liệu cho biết kết quả của năm được lập từ bộ số liệu nào: các văn bản tải về của "
    "năm đó ghi cùng mã, nên trang và văn bản cùng mã là cùng một số liệu."
)


def test_cluster_page_links_members_and_explains_the_data_code(bundled: Sites) -> None:
    doc = page(bundled.all, "index.html")
    years, members, _ = doc.xpath("//table")
    assert text(years.getparent().getnext()) == CODE_NOTE
    # No member left: no notes column.
    assert header(members) == ["STT", "Đơn vị", "Tên gọi tắt", "Các năm"]
    links = [(text(a), a.get("href")) for a in members.xpath("./tbody/tr/th/a")]
    assert links == [(name, f"2021/{u}.html") for name, u in zip(NAMES, MEMBERS, strict=True)]
    text_of_page = text(doc)
    for word in ("verify", "thidua", "yaml", ".html"):
        assert word not in text_of_page


def test_offices_the_data_does_not_give_are_said_in_words(bundled: Sites) -> None:
    offices = page(bundled.all, "index.html").xpath("//table")[2]
    assert rows(offices) == [
        ["2020", "chưa có thông tin", "chưa có thông tin"],
        ["2021", NAMES[0], "chưa có thông tin"],
    ]
    # The year after the last one published, when that year elected one of them.
    offices = page(bundled.only_2020, "index.html").xpath("//table")[2]
    assert rows(offices) == [
        ["2020", "chưa có thông tin", "chưa có thông tin"],
        ["2021 (theo kết quả bầu năm 2020)", NAMES[0], "chưa xác định (do Hội nghị bầu bổ sung)"],
    ]


def test_a_former_member_links_to_its_last_year_with_a_note(two_years: Path) -> None:
    members = page(two_years, "index.html").xpath("//table")[1]
    assert header(members) == ["STT", "Đơn vị", "Tên gọi tắt", "Các năm", "Ghi chú"]
    assert rows(members) == [
        ["1", "Đơn vị thử nghiệm A", "Đơn vị A", "2020, 2021", ""],
        ["2", "Đơn vị thử nghiệm B", "Đơn vị B", "2020, 2021", ""],
        ["3", "Đơn vị thử nghiệm C", "Đơn vị C", "2020", "không còn là thành viên"],
    ]
    assert members.xpath("./tbody/tr/th/a/@href") == ["2021/A.html", "2021/B.html", "2020/C.html"]


# --- the history page --------------------------------------------------------------------------


def test_history_of_one_year_is_a_table_and_says_why_no_chart(bundled: Sites) -> None:
    doc = page(bundled.all, "lich-su.html")
    assert doc.xpath("//svg") == doc.xpath("//figure") == []
    assert [text(h) for h in doc.xpath("//h2")] == [
        "Thứ hạng và tổng điểm của từng đơn vị",
        "Kết quả từng năm: đơn vị dẫn đầu, khen thưởng",
        "Ghi chú",
    ]
    ranks, outcomes = doc.xpath("//table")
    assert header(ranks) == ["Đơn vị", "Hạng", "Tổng điểm"]
    assert rows(ranks)[:2] == [[NAMES[0], "2", "88"], [NAMES[1], "1", "106"]]
    after = ranks.getparent().getnext()
    assert (after.tag, text(after)) == (
        "p",
        "Mới có kết quả chính thức của một năm (năm 2020) nên chưa vẽ biểu đồ thứ hạng qua các "
        "năm.",
    )
    assert header(outcomes) == [
        "Năm",
        "Đơn vị dẫn đầu Khối",
        "Đề nghị khen thưởng",
        "Không xét khen thưởng",
    ]
    assert rows(outcomes) == [
        [
            "Năm 2020",
            f"{NAMES[1]} đạt 106 điểm, xếp thứ nhất, được 6/7 phiếu bình chọn (85,7 % số phiếu "
            "hợp lệ, quy chế yêu cầu trên 50 %).",
            f"Cờ thi đua của Ủy ban nhân dân tỉnh: {NAMES[1]}; Bằng khen của Chủ tịch Ủy ban "
            f"nhân dân tỉnh: {NAMES[0]}, {NAMES[3]}",
            "không có",
        ]
    ]


def test_history_says_why_the_first_in_rank_does_not_lead(two_years: Path) -> None:
    doc = page(two_years, "lich-su.html")
    figure = doc.xpath("//figure")[0]
    assert figure.xpath("./svg/title")[0].text == "Thứ hạng của các đơn vị qua các năm"
    assert text(figure.xpath("./figcaption")[0]) == (
        "Thứ hạng của các đơn vị qua các năm (hạng 1 ở trên cùng). Bảng dưới đây ghi hạng và "
        "tổng điểm của từng đơn vị trong 2 năm."
    )
    assert rows(figure.xpath("./table")[0]) == [
        ["Đơn vị thử nghiệm A", "1", "28", "1", "28"],
        ["Đơn vị thử nghiệm B", "2", "25", "2", "25"],
        ["Đơn vị thử nghiệm C", "3", "12", "—", "—"],
    ]
    outcomes = doc.xpath("//table")[-1]
    assert rows(outcomes) == [
        ["Năm 2020", "Đơn vị thử nghiệm A đạt 28 điểm, xếp thứ nhất.", "không có", "không có"],
        [
            "Năm 2021",
            "Đơn vị thử nghiệm B đạt 25 điểm, xếp thứ hai. Đơn vị thử nghiệm A xếp thứ nhất "
            "nhưng không thuộc diện xét khen thưởng: Có cán bộ bị kỷ luật trong năm.",
            "không có",
            "Đơn vị thử nghiệm A (Có cán bộ bị kỷ luật trong năm)",
        ],
    ]


def test_ballot_charts_draw_the_regulation_s_threshold(bundled: Sites) -> None:
    """Both 2020 ballots pass with more than 50 % of 7 units (so_sanh: lon_hon): 4 votes,
    the line drawn and said in the chart's description."""
    doc = page(bundled.all, "2020/index.html")
    descs = [d.text for d in doc.xpath("//*[local-name()='svg']/*[local-name()='desc']")]
    ballots = [d for d in descs if d.startswith("Số phiếu của từng lựa chọn.")]
    assert len(ballots) == 2
    assert all(d.endswith(" Ngưỡng (đường đứt nét): 4 phiếu.") for d in ballots)
