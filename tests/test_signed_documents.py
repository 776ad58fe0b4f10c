"""Documents a secretariat signs as they come out (issue 12): who issues and signs them, to
whom they go, the report's own words, provisional years marked as drafts, outcomes in an
official's words. Exact strings: the signature blocks, headers and sentences are pinned.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format, RenderError
from thidua.present.render import render_document
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise
from yeardata import KHOI, write_year

BUNDLED = Path(__file__).resolve().parents[1] / "data"
BLANK_LINE = "…" * 26
# The five documents of the conference whose layout this file pins.
SIGNED = (Doc.MINUTES, Doc.REPORT, Doc.PROPOSAL, Doc.SCORES, Doc.RANKING)

# Leader A's head is known: title and name.
KHOI_HEAD = KHOI.replace(
    "    ten: Đơn vị thử nghiệm A\n",
    "    ten: Đơn vị thử nghiệm A\n"
    "    chuc_danh_thu_truong: Giám đốc\n"
    "    ho_ten_thu_truong: Nguyễn Văn An\n",
)

AWARDS = """\
nam: 2020
xep_hang:
  thu_tu: [diem]
khen_thuong:
  - hinh_thuc: Bằng khen thử nghiệm
    doi_tuong: dan_dau
"""

CONFERENCE = """\
nam: 2020
ten: Hội nghị tổng kết thử nghiệm
ngay: 2020-12-30
thu_ky: {ho_ten: Trần Thị Bình}
chu_tri: {ho_ten: Nguyễn Văn An, chuc_vu: Giám đốc, don_vi: A}
noi_nhan: [Ban Thi đua - Khen thưởng thành phố, Lưu hồ sơ]
"""

VAN_BAN = """\
nam: 2020
ten_co_quan: Khối thi đua các sở
nguoi_ky:
  ho_ten: Trần Văn Bình
bao_cao:
  kinh_gui: [Ủy ban nhân dân thành phố, Ban Thi đua - Khen thưởng thành phố]
  noi_nhan: [Như trên, "Lưu: VT Khối"]
  tinh_hinh: |
    Năm 2020 là năm "đặc biệt", nhiều khó khăn
    do dịch bệnh.

    Khối đã:
    - tổ chức 4 cuộc họp;
    - ký giao ước thi đua.
  uu_diem:
to_trinh:
  kinh_gui: [Hội đồng Thi đua - Khen thưởng thành phố]
  noi_nhan: [Như trên, Các sở thành viên]
  nguoi_ky:
    thay_mat: ""
    chuc_danh: KT. Trưởng khối
    chuc_vu: Phó Giám đốc Sở Tài chính
    ho_ten: Lê Thị Cúc
bien_ban:
  noi_nhan: [Các đơn vị dự hội nghị, Lưu hồ sơ hội nghị]
xep_hang:
  noi_nhan: [Các đơn vị thành viên, "Lưu: VT"]
"""


def year(tmp_path: Path, files: dict[str, str | bytes | None] | None = None) -> YearResult:
    """The three-member base year (A 28, B 25, C 12 points) with ``files`` on top."""
    write_year(tmp_path, files)
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    return rank_year(data)


def md(result: YearResult, doc: Doc) -> str:
    return render_document(result, doc, Format.MD, next_tasks=load_next_tasks(result.data))


def html(result: YearResult, doc: Doc) -> lxml.html.HtmlElement:
    text = render_document(result, doc, Format.HTML, next_tasks=load_next_tasks(result.data))
    return lxml.html.document_fromstring(text)


def texts(elements: list[lxml.html.HtmlElement]) -> list[str]:
    return [" ".join(el.text_content().split()) for el in elements]


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(BUNDLED, 2020)
    return rank_year(data)


# --- signature and addressing by default ------------------------------------------------------


def test_default_signature_is_the_leader_units_head(tmp_path: Path) -> None:
    """Without van-ban.yaml the cluster signs: TM. <cluster> / TRƯỞNG KHỐI / the head's post
    (title and unit of the year's leader) / the head's name; "Nơi nhận" stands beside it."""
    result = year(tmp_path, {"khoi.yaml": KHOI_HEAD, "quy-che.yaml": AWARDS})
    assert (
        "| ***Nơi nhận:***<br>- Ban Thi đua - Khen thưởng Thành phố thử nghiệm;"
        "<br>- Các đơn vị thành viên Khối;<br>- Lưu: VT. "
        "| **TM. KHỐI THI ĐUA THỬ NGHIỆM**<br>**TRƯỞNG KHỐI**<br>"
        "**GIÁM ĐỐC ĐƠN VỊ THỬ NGHIỆM A**<br><br><br><br>**Nguyễn Văn An** |\n"
        "| :--- | :---: |\n"
    ) in md(result, Doc.REPORT)
    proposal = md(result, Doc.PROPOSAL)
    assert "**Kính gửi:** Hội đồng Thi đua - Khen thưởng Thành phố thử nghiệm.\n" in proposal
    assert "| ***Nơi nhận:***<br>- Như trên;<br>- Các đơn vị thành viên Khối;<br>- Lưu: VT. |" in (
        proposal
    )
    assert "Kính gửi" not in md(result, Doc.REPORT)


def test_signature_without_a_known_head_leaves_the_name_to_write(tmp_path: Path) -> None:
    """No leader (or no head's title) in khoi.yaml: no post line, a dotted line for the name."""
    result = year(tmp_path, {"khoi.yaml": KHOI.replace("truong_khoi: A\n", "")})
    assert (
        "| **TM. KHỐI THI ĐUA THỬ NGHIỆM**<br>**TRƯỞNG KHỐI**<br><br><br><br>**……………** |"
    ) in md(result, Doc.RANKING)


def test_signature_and_recipients_side_by_side_in_html(tmp_path: Path) -> None:
    """HTML: one signature table, "Nơi nhận" in its left cell, the signature in its right."""
    result = year(tmp_path, {"khoi.yaml": KHOI_HEAD})
    page = html(result, Doc.RANKING)
    (sign,) = page.find_class("sign")
    left, right = sign.findall(".//td")
    assert texts(left.find_class("label")) == ["Nơi nhận:"]
    assert texts(left.findall(".//li")) == [
        "Ban Thi đua - Khen thưởng Thành phố thử nghiệm;",
        "Các đơn vị thành viên Khối;",
        "Lưu: VT.",
    ]
    assert texts(right.find_class("office")) == [
        "TM. KHỐI THI ĐUA THỬ NGHIỆM",
        "TRƯỞNG KHỐI",
        "GIÁM ĐỐC ĐƠN VỊ THỬ NGHIỆM A",
    ]
    assert texts(right.find_class("signer")) == ["Nguyễn Văn An"]
    assert not page.find_class("hint")


def test_minutes_are_signed_by_secretary_and_chair(tmp_path: Path) -> None:
    """Form 1.9: THƯ KÝ left, CHỦ TỌA right, with their names; "Nơi nhận" under them, from
    hoi-nghi.yaml."""
    result = year(tmp_path, {"hoi-nghi.yaml": CONFERENCE})
    assert (
        "| **THƯ KÝ**<br><br><br><br>**Trần Thị Bình** "
        "| **CHỦ TỌA**<br><br><br><br>**Nguyễn Văn An** |\n"
        "| :---: | :---: |\n"
        "\n"
        "***Nơi nhận:***\n"
        "\n"
        "- Ban Thi đua - Khen thưởng thành phố;\n"
        "- Lưu hồ sơ.\n"
    ) in md(result, Doc.MINUTES)


def test_issuer_is_the_short_name_on_one_or_two_lines(bundled: YearResult) -> None:
    """The header names the cluster by its short name, its dash never starting a line."""
    page = html(bundled, Doc.REPORT)
    assert [el.text_content() for el in page.find_class("issuer")] == [
        "KHỐI THI ĐUA KINH TẾ\u00a0- THỐNG KÊ"
    ]
    assert md(bundled, Doc.SCORES).startswith("| **KHỐI THI ĐUA KINH TẾ\u00a0- THỐNG KÊ** |")


# --- signature and addressing from van-ban.yaml -----------------------------------------------


@pytest.fixture
def addressed(tmp_path: Path) -> YearResult:
    return year(
        tmp_path,
        {
            "khoi.yaml": KHOI_HEAD,
            "quy-che.yaml": AWARDS,
            "hoi-nghi.yaml": CONFERENCE,
            "van-ban.yaml": VAN_BAN,
        },
    )


def test_van_ban_names_the_issuer_and_the_signer(addressed: YearResult) -> None:
    """ten_co_quan heads every document; the file's nguoi_ky names the signer of all."""
    for doc in (Doc.REPORT, Doc.SCORES, Doc.RANKING, Doc.PROPOSAL):
        assert md(addressed, doc).startswith("| **KHỐI THI ĐUA CÁC SỞ**"), doc
    assert (
        "| ***Nơi nhận:***<br>- Như trên;<br>- Lưu: VT Khối. "
        "| **TM. KHỐI THI ĐUA CÁC SỞ**<br>**TRƯỞNG KHỐI**<br>"
        "**GIÁM ĐỐC ĐƠN VỊ THỬ NGHIỆM A**<br><br><br><br>**Trần Văn Bình** |"
    ) in md(addressed, Doc.REPORT)


def test_a_documents_own_signer_and_addressing(addressed: YearResult) -> None:
    """to_trinh: its own kinh_gui, noi_nhan and signer (no "TM." line, a deputy signing)."""
    proposal = md(addressed, Doc.PROPOSAL)
    assert "**Kính gửi:** Hội đồng Thi đua - Khen thưởng thành phố.\n" in proposal
    assert "kính trình Hội đồng Thi đua - Khen thưởng thành phố xem xét, đề nghị" in proposal
    assert (
        "| ***Nơi nhận:***<br>- Như trên;<br>- Các sở thành viên. "
        "| **KT. TRƯỞNG KHỐI**<br>**PHÓ GIÁM ĐỐC SỞ TÀI CHÍNH**<br><br><br><br>"
        "**Lê Thị Cúc** |"
    ) in proposal


def test_report_addressed_to_several(addressed: YearResult) -> None:
    assert (
        "**Kính gửi:**\n\n- Ủy ban nhân dân thành phố;\n- Ban Thi đua - Khen thưởng thành phố.\n"
    ) in md(addressed, Doc.REPORT)


def test_minutes_and_ranking_recipients_from_van_ban(addressed: YearResult) -> None:
    """bien_ban's noi_nhan wins over hoi-nghi.yaml's; xep_hang has its own."""
    assert "***Nơi nhận:***\n\n- Các đơn vị dự hội nghị;\n- Lưu hồ sơ hội nghị.\n" in md(
        addressed, Doc.MINUTES
    )
    assert "| ***Nơi nhận:***<br>- Các đơn vị thành viên;<br>- Lưu: VT. |" in md(
        addressed, Doc.RANKING
    )


# --- the report's own words -------------------------------------------------------------------


def test_report_sections_carry_the_data_words(addressed: YearResult) -> None:
    """Paragraphs and "- " lists as written (lines joined, quotes curly); a blank section is
    lines to fill by hand."""
    out = md(addressed, Doc.REPORT)
    assert (
        "Năm 2020 là năm “đặc biệt”, nhiều khó khăn do dịch bệnh.\n"
        "\n"
        "Khối đã:\n"
        "\n"
        "- tổ chức 4 cuộc họp;\n"
        "- ký giao ước thi đua.\n"
        "\n"
        "## II."
    ) in out
    assert f"### 1. Ưu điểm\n\n{BLANK_LINE}\n\n{BLANK_LINE}\n\n### 2." in out
    page = html(addressed, Doc.REPORT)
    assert "<p>Năm 2020 là năm “đặc biệt”, nhiều khó khăn do dịch bệnh.</p>" in (
        lxml.html.tostring(page, encoding="unicode")
    )


def test_bundled_report_draws_on_the_article(bundled: YearResult) -> None:
    """2020: the situation from van-ban.yaml, the movements listed from nhiem-vu.yaml before
    their results; what the article does not say is blank."""
    out = md(bundled, Doc.REPORT)
    assert "Năm 2020, trong điều kiện gặp nhiều khó khăn, thách thức do ảnh hưởng" in out
    assert (
        "### 2. Kết quả các phong trào thi đua\n\n"
        "Các phong trào thi đua được phát động, triển khai trong năm:\n\n"
        "- Thi đua hoàn thành xuất sắc nhiệm vụ chính trị"
    ) in out
    assert f"### 4. Ký kết và thực hiện giao ước thi đua\n\n{BLANK_LINE}\n\n{BLANK_LINE}\n" in out


# --- provisional years ------------------------------------------------------------------------


IN_PROGRESS = KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")


@pytest.mark.parametrize("doc", SIGNED, ids=lambda d: d.value)
def test_a_year_in_progress_is_a_draft(tmp_path: Path, doc: Doc) -> None:
    """Every document says DỰ THẢO under the header, and its results are "tạm tính"."""
    result = year(
        tmp_path, {"khoi.yaml": IN_PROGRESS, "quy-che.yaml": AWARDS, "hoi-nghi.yaml": CONFERENCE}
    )
    out = md(result, doc)
    assert "| :---: | :---: |\n\n**DỰ THẢO**\n\n# " in out
    assert "tạm tính" in out.lower()
    page = html(result, doc)
    assert texts(page.find_class("draft")) == ["DỰ THẢO"]


@pytest.mark.parametrize("doc", SIGNED, ids=lambda d: d.value)
def test_a_closed_year_is_no_draft(tmp_path: Path, doc: Doc) -> None:
    result = year(tmp_path, {"quy-che.yaml": AWARDS, "hoi-nghi.yaml": CONFERENCE})
    out = md(result, doc)
    assert "DỰ THẢO" not in out
    assert "tạm tính" not in out


LEAD_BALLOT = """\
nam: 2020
xep_hang:
  thu_tu: [diem]
dan_dau: {cuoc_bau: binh-chon, nguong: 50%}
khen_thuong:
  - {hinh_thuc: Bằng khen thử nghiệm, doi_tuong: dan_dau}
  - {hinh_thuc: Giấy khen thử nghiệm, doi_tuong: tiep_theo, so_luong: 1}
"""


def test_nothing_proposed_before_the_deciding_ballot(tmp_path: Path) -> None:
    """Scores complete, the ballot choosing the leading unit not held: no leading unit, no
    award, no "đề nghị" in the table; the outcomes say why."""
    result = year(
        tmp_path,
        {"khoi.yaml": IN_PROGRESS, "quy-che.yaml": LEAD_BALLOT, "hoi-nghi.yaml": CONFERENCE},
    )
    out = md(result, Doc.REPORT)
    assert (
        "a) Đơn vị dẫn đầu Khối thi đua năm 2020: chưa xác định, do chưa có kết quả bỏ phiếu "
        "bình chọn đơn vị dẫn đầu.\n\n"
        "b) Đề nghị khen thưởng: chưa xét, do chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn "
        "đầu.\n"
    ) in out
    assert "Đề nghị Bằng khen" not in out
    assert "Đơn vị dẫn đầu Khối;" not in out


# --- outcomes in words ------------------------------------------------------------------------


def test_one_line_per_award(bundled: YearResult) -> None:
    out = md(bundled, Doc.MINUTES)
    assert (
        "b) Đề nghị khen thưởng:\n\n"
        "- Cờ thi đua của Ủy ban nhân dân tỉnh: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh "
        "Hòa Bình;\n"
        "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: Cục Quản lý thị trường tỉnh Hòa Bình, "
        "Kho bạc Nhà nước Hòa Bình.\n"
    ) in out
    assert "*Theo quy chế, đơn vị dẫn đầu phải đạt trên 50 % số phiếu hợp lệ.*" in out
    assert "Ngưỡng theo quy chế" not in out


def test_conclusions_continue_the_lettering(tmp_path: Path) -> None:
    """The conference's own conclusions follow a)-d) as đ), e), not as bullets."""
    conference = CONFERENCE + (
        "ket_luan:\n  - Giao Văn phòng Khối hoàn thiện hồ sơ\n"
        '  - Tổ chức hội nghị năm sau tại "Đơn vị thử nghiệm B".\n'
    )
    result = year(tmp_path, {"hoi-nghi.yaml": conference})
    out = md(result, Doc.MINUTES)
    assert (
        "\n\nđ) Giao Văn phòng Khối hoàn thiện hồ sơ.\n\n"
        "e) Tổ chức hội nghị năm sau tại “Đơn vị thử nghiệm B”.\n\n## 6."
    ) in out
    page = lxml.html.tostring(html(result, Doc.MINUTES), encoding="unicode")
    assert "<p>đ) Giao Văn phòng Khối hoàn thiện hồ sơ.</p>" in page


@pytest.mark.parametrize(
    ("agreed", "present", "sentence"),
    [
        (3, 3, "với 3/3 đơn vị có mặt tán thành (100 %)."),
        (9, 12, "với 9/12 đại biểu có mặt tán thành (75 %)."),
    ],
)
def test_minutes_vote_counts_units_or_delegates(
    tmp_path: Path, agreed: int, present: int, sentence: str
) -> None:
    """No more voters than members: the units voted; more: the delegates did."""
    conference = CONFERENCE + f"thong_qua_bien_ban: {{tan_thanh: {agreed}, co_mat: {present}}}\n"
    result = year(tmp_path, {"hoi-nghi.yaml": conference})
    assert sentence in md(result, Doc.MINUTES)


def test_award_over_its_limit_is_said_in_words(tmp_path: Path) -> None:
    """An award proposed beyond the regulation's limit: the minutes and the proposal print
    what the regulation allows, next to the awards."""
    rules = AWARDS + "    gioi_han: {ty_le: 20%}\n"
    result = year(tmp_path, {"quy-che.yaml": rules, "hoi-nghi.yaml": CONFERENCE})
    (note,) = result.award_notes
    assert "tối đa" in note
    assert f"- Bằng khen thử nghiệm: Đơn vị thử nghiệm A.\n\n{note}\n" in md(result, Doc.MINUTES)
    assert f"| 1 | Đơn vị thử nghiệm A | Bằng khen thử nghiệm | 28 | 1 |\n\n{note}\n" in md(
        result, Doc.PROPOSAL
    )


def test_committee_with_roles(tmp_path: Path) -> None:
    """The ballot-counting committee, one line each, with its role and unit."""
    conference = CONFERENCE + (
        "ban_kiem_phieu:\n"
        "  - {ho_ten: Phạm Văn Dũng, chuc_vu: Chánh Văn phòng, don_vi: B, nhiem_vu: Trưởng ban}\n"
        "  - Hoàng Thị Em\n"
    )
    ballots = """\
        nam: 2020
        cuoc_bau:
          - {ma: bc, ten: Bình chọn đơn vị dẫn đầu, loai: chon, phat_ra: 3, thu_ve: 3,
             hop_le: 3, khong_hop_le: 0, ket_qua: {A: 2, B: 1}}
        """
    result = year(tmp_path, {"hoi-nghi.yaml": conference, "phieu-bau.yaml": ballots})
    assert (
        "Ban kiểm phiếu gồm:\n\n"
        "- Trưởng ban: Phạm Văn Dũng, Chánh Văn phòng, Đơn vị thử nghiệm B;\n"
        "- Hoàng Thị Em.\n"
    ) in md(result, Doc.MINUTES)


# --- print layout the templates ask for -------------------------------------------------------


def test_wide_tables_sit_in_landscape_sections(bundled: YearResult) -> None:
    """The score sheet is a landscape document; the report's score annex a landscape page."""
    scores = html(bundled, Doc.SCORES)
    (section,) = scores.find_class("landscape")
    assert section.find_class("header") and section.find_class("data")
    report = html(bundled, Doc.REPORT)
    (annex,) = report.find_class("landscape")
    assert texts(annex.findall(".//h1")) == ["PHỤ LỤC 1"]


# --- wording ----------------------------------------------------------------------------------

NESTED = re.compile(r"\([^()]*\(")


@pytest.mark.parametrize("which", [2020, 2021])
def test_no_nested_brackets_straight_quotes_or_double_colons(which: int) -> None:
    """Read as printed: no "(… (…))", no straight quotes beside curly ones, no "a: b: c"."""
    data, _ = open_year_or_raise(BUNDLED, which)
    result = rank_year(data)
    for doc in SIGNED:
        for fmt in Format:
            try:
                text = render_document(result, doc, fmt, next_tasks=load_next_tasks(result.data))
            except RenderError:
                continue  # 2021 has no conference and no award yet
            if fmt is Format.HTML:
                text = lxml.html.document_fromstring(text).find("body").text_content()
            for line in text.splitlines():
                assert not NESTED.search(line), (doc, line)
                assert '"' not in line, (doc, line)
                assert not re.search(r": [^:;|.]+: ", line), (doc, line)
