"""The conference kit (issue 12): the vote-count minutes (kiem-phieu), the ballot papers
(phieu-bau), the appraisal notices (thong-bao) and the per-criterion score annex
(phu-luc-diem), as Markdown, HTML, Word and printed PDF, and their place in ``render``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from typer.testing import CliRunner

from thidua.cli import app
from thidua.collate import sort_key
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format, RenderError, file_name
from thidua.present.render import make_environment, render_document
from thidua.repo.years import open_year, open_year_or_raise
from yeardata import KHOI, write_year

ROOT = Path(__file__).resolve().parents[1]
DATA = str(ROOT / "data")
KIT = (Doc.COUNT, Doc.PAPERS, Doc.NOTICE, Doc.ANNEX)
CODES_2020 = ("QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ")
# The issuing body as printed: a dash never starts a line (a no-break space before it).
ISSUER = "KHỐI THI ĐUA KINH TẾ\u00a0- THỐNG KÊ"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(ROOT / "data", 2020)
    return rank_year(data)


def render(result: YearResult, doc: Doc, fmt: Format = Format.MD, **kw: str) -> str:
    return render_document(result, doc, fmt, env=make_environment(), **kw)


def ranked(root: Path, files: dict[str, str | bytes | None]) -> YearResult:
    """The test year of ``yeardata`` with ``files``, ranked; it must check clean."""
    write_year(root, files)
    data, problems = open_year(root / "data", 2020)
    assert data is not None
    assert [str(p) for p in problems if p.is_error] == []
    return rank_year(data)


# A year of three units with a count committee of four (one written as a plain name), an
# approval ballot counted paper by paper (two invalid papers), a ranked ballot with a tie,
# and a regulation that decides the leading unit by the first ballot only.
COMMITTEE_YEAR: dict[str, str | bytes | None] = {
    "quy-che.yaml": """\
        nam: 2020
        xep_hang:
          thu_tu: [diem, "phieu:binh-chon"]
        dan_dau:
          cuoc_bau: binh-chon
          nguong: 50%
        """,
    "phieu-bau.yaml": """\
        nam: 2020
        cuoc_bau:
          - ma: binh-chon
            ten: Bình chọn đơn vị dẫn đầu
            loai: chon
            so_chon_toi_da: 1
            co_mat: 3
            phat_ra: 3
            thu_ve: 3
            phieu:
              - [A]
              - [A, B]
              - không hợp lệ
          - ma: thu-tu
            ten: Xếp thứ tự các đơn vị
            loai: xep_hang
            co_mat: 3
            phat_ra: 3
            thu_ve: 3
            phieu:
              - {C: 1, A: 2, B: 3}
              - {A: 1, B: 1}
              - [B, C]
        """,
    "hoi-nghi.yaml": """\
        nam: 2020
        ten: Hội nghị tổng kết năm 2020
        ngay: 2020-12-30
        dia_diem: Hội trường tầng 3
        ban_kiem_phieu:
          - ho_ten: Nguyễn Văn An
            chuc_vu: Phó Cục trưởng
            don_vi: B
            nhiem_vu: Trưởng ban
          - Trần Thị Bình
          - ho_ten: Lê Văn Cường
            don_vi: C
          - ho_ten: Phạm Thị Dung
            nhiem_vu: Thư ký
        """,
}


# --- biên bản kiểm phiếu ---------------------------------------------------------------------


def test_count_minutes_of_bundled_2020(bundled: YearResult) -> None:
    """One minutes per ballot: counts, votes and shares in the order of the paper, the result
    against the regulation, and a blank committee (the article names none) that signs."""
    out = render(bundled, Doc.COUNT)
    assert out.count("# BIÊN BẢN KIỂM PHIẾU") == 2
    assert f"| {ISSUER}<br>**BAN KIỂM PHIẾU** |" in out
    first, second = out.split("# BIÊN BẢN KIỂM PHIẾU")[1:]
    assert (
        "**Ban kiểm phiếu gồm:**\n\n"
        "- Trưởng ban: …………………………;\n"
        "- Thành viên: …………………………;\n"
        "- Thành viên: ………………………….\n\n"
        "**Nội dung bỏ phiếu:** Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020.\n\n"
        "**Hình thức:** bỏ phiếu kín, mỗi phiếu chọn tối đa 1 trong số 7 đơn vị.\n\n"
        "## 1. Số đơn vị có mặt và số phiếu\n\n"
        "- Số đơn vị thành viên của Khối: 7;\n"
        "- Số đơn vị thành viên có mặt: 7/7;\n"
        "- Số phiếu phát ra: 7;\n"
        "- Số phiếu thu về: 7;\n"
        "- Số phiếu hợp lệ: 7;\n"
        "- Số phiếu không hợp lệ: 0.\n\n"
        "## 2. Kết quả kiểm phiếu\n\n"
        "| STT | Đơn vị | Số phiếu | Tỷ lệ trên số phiếu hợp lệ (7) |\n"
        "| :---: | :--- | ---: | ---: |\n"
        "| 1 | Bảo hiểm xã hội tỉnh Hòa Bình | 0 | 0 % |\n"
        "| 2 | Chi cục Hải quan Hòa Bình | 0 | 0 % |\n"
        "| 3 | Cục Quản lý thị trường tỉnh Hòa Bình | 1 | 14,3 % |\n"
        "| 4 | Cục Thống kê tỉnh Hòa Bình | 0 | 0 % |\n"
        "| 5 | Cục Thuế tỉnh Hòa Bình | 0 | 0 % |\n"
        "| 6 | Kho bạc Nhà nước Hòa Bình | 0 | 0 % |\n"
        "| 7 | Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình | 6 | 85,7 % |\n\n"
        "## 3. Đối chiếu với quy chế\n\n"
        "Theo quy chế, đơn vị dẫn đầu Khối cần đạt trên 50 % số phiếu hợp lệ. Đơn vị đạt tỷ "
        "lệ này: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình (6/7 phiếu, 85,7 %).\n\n"
        "Biên bản được lập xong vào … giờ …, ngày 30 tháng 12 năm 2020 và được công bố tại "
        "Hội nghị./.\n\n"
        "| **TRƯỞNG BAN**<br><br><br><br>**……………** | **THÀNH VIÊN**<br><br><br><br>**……………** "
        "| **THÀNH VIÊN**<br><br><br><br>**……………** |\n"
    ) in first
    assert "**Suy tôn Trưởng khối thi đua năm 2021**" in second
    assert (
        "**Nội dung bỏ phiếu:** Suy tôn Cục Quản lý thị trường tỉnh Hòa Bình làm Trưởng khối "
        "năm 2021.\n\n"
        "**Hình thức:** bỏ phiếu kín, mỗi phiếu chọn một trong hai ý kiến: đồng ý hoặc không "
        "đồng ý.\n"
    ) in second
    assert (
        "| STT | Ý kiến | Số phiếu | Tỷ lệ trên số đơn vị có mặt (7) |\n| :---: | :--- | ---: "
        "| ---: |\n| 1 | Đồng ý | 7 | 100 % |\n| 2 | Không đồng ý | 0 | 0 % |\n"
    ) in second
    assert (
        "Theo quy chế, việc bầu Trưởng khối năm 2021 cần đạt trên 50 % số đơn vị có mặt. "
        "Kết quả: 7/7 phiếu đồng ý (100 %), đạt tỷ lệ quy định.\n"
    ) in second
    assert "DỰ THẢO" not in out  # 2020 is closed


def test_count_minutes_committee_and_invalid_papers(tmp_path: Path) -> None:
    """The committee of hoi-nghi.yaml (a plain name too) is listed and signs, three to a row;
    invalid papers are grouped by reason, in names, and a reason the data lacks is a blank."""
    out = render(ranked(tmp_path, COMMITTEE_YEAR), Doc.COUNT)
    first, second = out.split("# BIÊN BẢN KIỂM PHIẾU")[1:]
    assert (
        "**Ban kiểm phiếu gồm:**\n\n"
        "- Trưởng ban: Nguyễn Văn An, Phó Cục trưởng, Đơn vị thử nghiệm B;\n"
        "- Thành viên: Trần Thị Bình;\n"
        "- Thành viên: Lê Văn Cường, Đơn vị thử nghiệm C;\n"
        "- Thư ký: Phạm Thị Dung.\n"
    ) in first
    assert "**Địa điểm:** Hội trường tầng 3.\n" in first
    assert (
        "- Số phiếu hợp lệ: 1;\n"
        "- Số phiếu không hợp lệ: 2.\n\n"
        "Lý do phiếu không hợp lệ:\n\n"
        "- 1 phiếu: chọn 2 đơn vị, quá số đơn vị được chọn (tối đa 1);\n"
        "- 1 phiếu: ………………………….\n"
    ) in first
    assert (
        "| **TRƯỞNG BAN**<br><br><br><br>**Nguyễn Văn An** | **THÀNH VIÊN**<br><br><br><br>"
        "**Trần Thị Bình** | **THÀNH VIÊN**<br><br><br><br>**Lê Văn Cường** |\n"
        "| :---: | :---: | :---: |\n\n"
        "| **THƯ KÝ**<br><br><br><br>**Phạm Thị Dung** |\n"
        "| :---: |\n"
    ) in first
    assert (
        "Theo quy chế, đơn vị dẫn đầu Khối cần đạt trên 50 % số phiếu hợp lệ. Đơn vị đạt tỷ "
        "lệ này: Đơn vị thử nghiệm A (1/1 phiếu, 100 %).\n"
    ) in first
    # The ranked ballot: points, no share; a tie named by the units; no rule for it.
    assert (
        "| STT | Đơn vị | Tổng điểm xếp thứ tự |\n| :---: | :--- | ---: |\n"
        "| 1 | Đơn vị thử nghiệm A | 1 |\n"
        "| 2 | Đơn vị thử nghiệm B | 2 |\n"
        "| 3 | Đơn vị thử nghiệm C | 3 |\n\n"
        "Mỗi phiếu hợp lệ cho đơn vị xếp thứ 1 được 2 điểm, mỗi thứ sau ít hơn 1 điểm; đơn vị "
        "không được xếp thứ tự được 0 điểm.\n"
    ) in second
    assert "- 1 phiếu: Đơn vị thử nghiệm A và Đơn vị thử nghiệm B cùng thứ hạng 1.\n" in second
    assert (
        "Quy chế không quy định tỷ lệ phiếu cho nội dung này; kết quả kiểm phiếu được báo cáo "
        "để Hội nghị xem xét, quyết định.\n"
    ) in second


def test_count_minutes_html_signed_by_every_member(tmp_path: Path) -> None:
    """HTML: every committee member has a signature column with role and name; each ballot
    after the first starts a new page."""
    out = render(ranked(tmp_path, COMMITTEE_YEAR), Doc.COUNT, Format.HTML)
    signers = re.findall(r'<div class="signer">([^<]*)</div>', out)
    assert signers == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"] * 2
    assert re.findall(r'<div class="office">([^<]*)</div>', out)[:4] == [
        "TRƯỞNG BAN",
        "THÀNH VIÊN",
        "THÀNH VIÊN",
        "THƯ KÝ",
    ]
    assert out.count('<section class="appendix">') == 1


def test_count_minutes_need_ballot_results(tmp_path: Path) -> None:
    """Without any ballot the minutes are refused, in words, without a path."""
    with pytest.raises(RenderError) as err:
        render(ranked(tmp_path, {}), Doc.COUNT)
    assert err.value.message == (
        "chưa có kết quả bỏ phiếu kín năm 2020 (phieu-bau.yaml): cần để lập biên bản kiểm phiếu"
    )


# --- phiếu bầu --------------------------------------------------------------------------------


def test_ballot_papers_of_bundled_2020(bundled: YearResult) -> None:
    """Each ballot's paper: title, candidates in Vietnamese alphabetical order with a column
    to mark, how many may be chosen, how to mark, what makes it invalid; no voter's name."""
    out = render(bundled, Doc.PAPERS)
    names = [m.name for m in bundled.data.cluster.members]
    ordered = sorted(names, key=sort_key)
    assert ordered == [
        "Bảo hiểm xã hội tỉnh Hòa Bình",
        "Chi cục Hải quan Hòa Bình",
        "Cục Quản lý thị trường tỉnh Hòa Bình",
        "Cục Thống kê tỉnh Hòa Bình",
        "Cục Thuế tỉnh Hòa Bình",
        "Kho bạc Nhà nước Hòa Bình",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
    ]
    table = "".join(f"| {i} | {name} |   |\n" for i, name in enumerate(ordered, start=1))
    assert (
        f"{ISSUER}\n\n"
        "# PHIẾU BẦU\n\n"
        "**BÌNH CHỌN ĐƠN VỊ DẪN ĐẦU KHỐI THI ĐUA NĂM 2020**\n\n"
        "*(Chọn tối đa 1 đơn vị)*\n\n"
        "| STT | Tên đơn vị | Đánh dấu |\n| :---: | :--- | :---: |\n" + table + "\n"
        "*Cách ghi phiếu:* Đánh dấu “X” vào ô của đơn vị được chọn.\n\n"
        "*Phiếu không hợp lệ: chọn quá 1 đơn vị, không chọn đơn vị nào, không phải phiếu do "
        "Ban kiểm phiếu phát ra, hoặc ghi thêm nội dung khác.*\n"
    ) in out
    assert (
        "**SUY TÔN TRƯỞNG KHỐI THI ĐUA NĂM 2021**\n\n"
        "**Nội dung:** Suy tôn Cục Quản lý thị trường tỉnh Hòa Bình làm Trưởng khối năm 2021.\n\n"
        "| Đồng ý | Không đồng ý |\n| :---: | :---: |\n|   |   |\n"
    ) in out
    for word in ("họ tên", "Họ tên", "người bỏ phiếu"):
        assert word not in out


def test_ballot_papers_several_to_a_sheet(bundled: YearResult) -> None:
    """HTML: as many papers as fit on one A4 sheet (two long approval papers, three yes/no
    papers), each ballot on its own sheet."""
    out = render(bundled, Doc.PAPERS, Format.HTML)
    sheets = out.split("<section")[1:]
    assert [sheet.count(">PHIẾU BẦU</h1>") for sheet in sheets] == [2, 3]
    assert 'class="appendix"' in sheets[1]


def test_ballot_papers_need_only_the_ballots_definition(tmp_path: Path) -> None:
    """Papers are made from the ballot's definition: a ballot with no result yet still has
    its papers (ranked: a column to write the order; candidates restricted by ung_vien)."""
    write_year(
        tmp_path,
        {
            "phieu-bau.yaml": """\
                nam: 2020
                cuoc_bau:
                  - ma: thu-tu
                    ten: Xếp thứ tự đơn vị
                    loai: xep_hang
                    ung_vien: [C, A]
                    phat_ra: 0
                    thu_ve: 0
                """,
        },
    )
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    out = render(rank_year(data), Doc.PAPERS)
    assert (
        "**XẾP THỨ TỰ ĐƠN VỊ NĂM 2020**\n\n"
        "*(Xếp thứ tự các đơn vị trong số 2 đơn vị)*\n\n"
        "| STT | Tên đơn vị | Thứ tự |\n| :---: | :--- | :---: |\n"
        "| 1 | Đơn vị thử nghiệm A |   |\n"
        "| 2 | Đơn vị thử nghiệm C |   |\n"
    ) in out


def test_ballot_papers_need_a_ballot(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as err:
        render(ranked(tmp_path, {}), Doc.PAPERS)
    assert err.value.message == (
        "chưa có cuộc bỏ phiếu nào của năm 2020 (phieu-bau.yaml): cần tên, loại và số đơn vị "
        "được chọn của từng cuộc bỏ phiếu để lập phiếu bầu"
    )


# --- thông báo kết quả thẩm định ---------------------------------------------------------------


def _vn(plain: str) -> str:
    """``thidua explain --format json`` numbers (``67.75``) as documents write them."""
    return plain.replace(".", ",")


def _notice_rows(out: str) -> dict[str, list[str]]:
    """Table rows of a Markdown notice: first cell -> the other cells, bold marks removed."""
    rows: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line.startswith("| ") and not line.startswith("| :"):
            cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
            rows[cells[0] or cells[1]] = cells[1:]
    return rows


@pytest.mark.parametrize("code", CODES_2020)
def test_notice_numbers_are_those_of_explain(bundled: YearResult, code: str) -> None:
    """Every criterion's self and appraised points, group subtotals, totals and the rank of
    the notice are the numbers of ``thidua explain 2020 UNIT``."""
    res = runner.invoke(app, ["explain", "2020", code, "--format", "json", "-d", DATA])
    assert res.exit_code == 0, res.output
    expected = json.loads(res.stdout)
    text = runner.invoke(app, ["explain", "2020", code, "-d", DATA]).stdout
    out = render(bundled, Doc.NOTICE, member=code)
    rows = _notice_rows(out)
    for c in expected["tieu_chi"]:
        _name, maximum, self_points, final, _reason = rows[c["ma"]]
        sign = "-" if c["loai"] == "tru" and c["tu_cham"] != "0" else ""
        assert (maximum, self_points, final) == (
            _vn(c["toi_da"]),
            sign + _vn(c["tu_cham"]),
            _vn(c["diem_co_dau"]),
        ), c["ma"]
    for group, total in expected["nhom"].items():
        assert rows[group][2:4] == [_vn(expected["nhom_tu_cham"][group]), _vn(total)]
    assert rows["Tổng cộng"][2:4] == [_vn(expected["diem_tu_cham"]), _vn(expected["diem"])]
    rank = f"Thứ hạng: {expected['hang']}/{expected['so_don_vi']}"
    assert f"\n{rank}." in text
    assert f"\n\n{rank} đơn vị.\n" in out
    assert (
        f"Tổng điểm tự chấm: {_vn(expected['diem_tu_cham'])} điểm; tổng điểm sau thẩm định: "
        f"{_vn(expected['diem'])} điểm, trong đó điểm cộng {_vn(expected['diem_cong'])}, "
        f"điểm trừ {_vn(expected['diem_tru'])}.\n"
    ) in out
    assert f"**Kính gửi:** {expected['ten']}.\n" in out


def test_notice_of_a_unit_whose_points_changed(bundled: YearResult) -> None:
    """The notice to Chi cục Hải quan: the changed deduction with its reason, a blank date to
    explain by, the leader's signature in the cluster's name and Nơi nhận beside it."""
    out = render(bundled, Doc.NOTICE, member="HQ")
    assert out.startswith(
        f"| **{ISSUER}**<br>Số: …/TB-… | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - "
        "Tự do - Hạnh phúc**<br>*Hòa Bình, ngày … tháng … năm …* |\n"
    )
    assert "# THÔNG BÁO\n\n**Kết quả thẩm định điểm thi đua năm 2020**\n" in out
    assert (
        "| 4.2 | Điểm trừ (báo cáo chậm, vi phạm quy chế Khối; 1 điểm mỗi lần) | 10 | 0 | -1 | "
        "Gửi báo cáo tổng kết năm chậm so với thời hạn của Khối |\n"
    ) in out
    assert (
        "Có 1 tiêu chí được điều chỉnh điểm sau thẩm định (lý do ghi tại bảng trên). Điểm trừ "
        "ghi số âm.\n"
    ) in out
    assert (
        "Trường hợp có ý kiến khác về kết quả thẩm định, đề nghị Chi cục Hải quan Hòa Bình gửi "
        "văn bản giải trình, kèm tài liệu chứng minh, về Trưởng khối trước ngày … tháng … năm "
        "…. Quá thời hạn trên, kết quả thẩm định được dùng để tổng hợp, xếp hạng thi đua năm "
        "2020 của Khối./.\n"
    ) in out
    assert (
        f"| ***Nơi nhận:***<br>- Như trên;<br>- Lưu: VT. | **TM. {ISSUER}**<br>**TRƯỞNG KHỐI**"
        "<br><br><br><br>**……………** |\n"
    ) in out
    unchanged = render(bundled, Doc.NOTICE, member="THUE")
    assert "Kết quả thẩm định giữ nguyên điểm tự chấm của đơn vị ở mọi tiêu chí." in unchanged


def test_notice_signer_and_addressing_from_the_data(tmp_path: Path) -> None:
    """The leader unit's head signs by default; van-ban.yaml's thong_bao overrides the name
    and the recipients; an excluded unit is told why."""
    result = ranked(
        tmp_path,
        {
            "khoi.yaml": """\
                nam: 2020
                ten: Khối thi đua thử nghiệm
                ten_ngan: Khối thi đua số 1
                dia_ban: Thành phố thử nghiệm
                trang_thai: da_ket_thuc
                truong_khoi: A
                thanh_vien:
                  - ma: A
                    ten_ngan: Đơn vị A
                    ten: Cục Thử nghiệm A
                    chuc_danh_thu_truong: Cục trưởng
                    ho_ten_thu_truong: Nguyễn Văn Tâm
                  - ma: B
                    ten_ngan: Đơn vị B
                    ten: Đơn vị thử nghiệm B
                  - ma: C
                    ten_ngan: Đơn vị C
                    ten: Đơn vị thử nghiệm C
                """,
            "diem/C.yaml": """\
                nam: 2020
                don_vi: C
                diem:
                  "1.1":
                    tu_cham: 12
                  "1.2":
                    tu_cham: không đạt
                khong_xet:
                  ly_do: Có cán bộ bị kỷ luật trong năm
                """,
        },
    )
    out = render(result, Doc.NOTICE, member="C")
    assert (
        "| **TM. KHỐI THI ĐUA SỐ 1**<br>**TRƯỞNG KHỐI**<br>**CỤC TRƯỞNG CỤC THỬ NGHIỆM A**<br>"
        "<br><br><br>**Nguyễn Văn Tâm** |\n"
    ) in out
    assert (
        "Đơn vị không được xét chọn đơn vị dẫn đầu và đề nghị khen thưởng: Có cán bộ bị kỷ luật "
        "trong năm.\n"
    ) in out
    write_year(
        tmp_path,
        {
            "van-ban.yaml": """\
                nam: 2020
                thong_bao:
                  noi_nhan: [Như trên, Các đơn vị thành viên Khối, Lưu VP Khối]
                  nguoi_ky:
                    chuc_danh: KT. TRƯỞNG KHỐI
                    ho_ten: Lê Thị Hoa
                """,
        },
        base=False,
    )
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    out = render(rank_year(data), Doc.NOTICE, member="B")
    assert (
        "| ***Nơi nhận:***<br>- Như trên;<br>- Các đơn vị thành viên Khối;<br>- Lưu VP Khối. "
        "| **TM. KHỐI THI ĐUA SỐ 1**<br>**KT. TRƯỞNG KHỐI**<br>**CỤC TRƯỞNG CỤC THỬ NGHIỆM A**"
        "<br><br><br><br>**Lê Thị Hoa** |\n"
    ) in out


def test_notices_of_every_unit_in_one_document(bundled: YearResult) -> None:
    """Without a unit, the document holds every unit's notice in member order, each on a new
    page; with a unit of another document, or an unknown one, it is refused."""
    out = render(bundled, Doc.NOTICE, Format.HTML)
    sent = re.findall(r'<p class="to">Kính gửi: ([^<]*)\.</p>', out)
    assert sent == [m.name for m in bundled.data.cluster.members]
    assert out.count('<section class="appendix">') == 6
    with pytest.raises(RenderError, match="văn bản chung cả Khối"):
        render(bundled, Doc.ANNEX, member="HQ")
    with pytest.raises(RenderError, match="không có đơn vị này trong Khối"):
        render(bundled, Doc.NOTICE, member="XYZ")


# --- phụ lục điểm chi tiết ---------------------------------------------------------------------


def test_score_annex_of_bundled_2020(bundled: YearResult) -> None:
    """Members × criteria, self and appraised, a changed point in bold, totals and rank, the
    criteria named below; in a landscape section of the HTML."""
    out = render(bundled, Doc.ANNEX)
    assert "# PHỤ LỤC\n\n**ĐIỂM CHI TIẾT THEO TIÊU CHÍ NĂM 2020**\n" in out
    assert (
        "| STT | Đơn vị | Điểm | 1.1 (30) | 1.2 (20) | 2.1 (10) | 2.2 (10) | 2.3 (10) | 3.1 (10) "
        "| 3.2 (10) | 4.1 (15) | 4.2 (10) | Tổng điểm | Xếp hạng |\n"
    ) in out
    assert (
        "| 7 | Chi cục Hải quan Hòa Bình | Tự chấm | 14,25 | 17,5 | 10 | 8,5 | 2 | 8,5 | 8 | 0 "
        "| 0 | 68,75 | 7 |\n"
        "|   |   | Thẩm định | 14,25 | 17,5 | 10 | 8,5 | 2 | 8,5 | 8 | 0 | **-1** | 67,75 |   |\n"
    ) in out
    assert (
        "- 4.2. Điểm trừ (báo cáo chậm, vi phạm quy chế Khối; 1 điểm mỗi lần) (tối đa 10 điểm; "
        "điểm trừ, ghi số âm).\n"
    ) in out
    html = render(bundled, Doc.ANNEX, Format.HTML)
    assert html.count('<section class="landscape">') == 1
    assert html.index('<section class="landscape">') < html.index("<table")


def test_score_annex_splits_many_criteria_into_tables(tmp_path: Path) -> None:
    """Thirteen criteria: two tables (a group is not split), totals in the last only."""
    criteria = "".join(
        f'      - {{ma: "{g}.{i}", ten: Tiêu chí {g}.{i}, loai: dinh_tinh, '
        f"cach_cham: thang_diem, toi_da: 1}}\n"
        for g, n in ((1, 8), (2, 5))
        for i in range(1, n + 1)
    )
    first, second = criteria.split('      - {ma: "2.1"')
    table = (
        "nam: 2020\nnhom:\n  - ma: I\n    ten: Nhóm một\n    tieu_chi:\n"
        + first
        + "  - ma: II\n    ten: Nhóm hai\n    tieu_chi:\n"
        + '      - {ma: "2.1"'
        + second
    )
    scores = {f"diem/{u}.yaml": f"nam: 2020\ndon_vi: {u}\n" for u in "ABC"}
    write_year(tmp_path, {"tieu-chi.yaml": table, **scores})
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    out = render(rank_year(data), Doc.ANNEX)
    heads = [line for line in out.splitlines() if line.startswith("| STT |")]
    assert len(heads) == 2
    assert "1.8 (1) |" in heads[0] and "2.1" not in heads[0] and "Tổng điểm" not in heads[0]
    assert heads[1].startswith("| STT | Đơn vị | Điểm | 2.1 (1) |")
    assert heads[1].endswith("| Tổng điểm | Xếp hạng |")


# --- every kit document ------------------------------------------------------------------------


def test_provisional_year_is_a_draft() -> None:
    """A year in progress: every kit document it can make is a DỰ THẢO, results tạm tính."""
    data, _ = open_year(ROOT / "data", 2021)
    assert data is not None and not data.final
    result = rank_year(data)
    for doc in (Doc.NOTICE, Doc.ANNEX):
        for fmt in Format:
            assert "DỰ THẢO" in render(result, doc, fmt), (doc, fmt)
    notice = render(result, Doc.NOTICE, member="NHNN")
    assert "\n\n**DỰ THẢO**\n\n# THÔNG BÁO\n" in notice
    assert "Đơn vị chưa gửi kết quả tự chấm điểm: các tiêu chí chưa có điểm tính 0 điểm." in notice
    assert "\n\nTổng điểm: chưa có, vì đơn vị chưa tự chấm điểm.\n" in notice
    assert (
        "\n\nThứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng 1/7 đơn "
        "vị, 0 điểm).\n"
    ) in notice
    # Nothing was appraised: the notice does not say the appraisal kept every score.
    assert "giữ nguyên" not in notice
    html = render(result, Doc.NOTICE, Format.HTML, member="NHNN")
    assert "giữ nguyên" not in html
    assert "<p>Điểm trừ ghi số âm.</p>" in html


def test_notice_of_a_unit_not_appraised_without_deductions_has_no_empty_paragraph(
    tmp_path: Path,
) -> None:
    """Nothing changed, nothing appraised, no deduction criterion: no sentence under the
    table at all (an empty paragraph would print as a blank line in Word)."""
    in_progress = KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
    result = ranked(tmp_path, {"khoi.yaml": in_progress})
    html = render(result, Doc.NOTICE, Format.HTML, member="A")
    assert "<p></p>" not in html
    assert "Điểm trừ ghi số âm" not in html
    assert "giữ nguyên" not in html
    assert "Điểm của đơn vị chưa được thẩm định: tạm dùng điểm tự chấm." in html


# Program talk a signed document must never show (issue 12): codes, keys, files, commands.
PROGRAM_TALK = re.compile(
    r"\b(?:" + "|".join(CODES_2020) + r")\b|\.yaml|thidua|cảnh báo|binh-chon|truong-khoi|"
    r"phieu:|ket_qua|ban_kiem_phieu|\bNone\b"
)


@pytest.mark.parametrize("doc", KIT, ids=lambda d: d.value)
@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_kit_documents_show_no_program(bundled: YearResult, doc: Doc, fmt: Format) -> None:
    """No code, key, file, command or warning in any kit document of the bundled 2020, nor
    in those a year in progress can make."""
    data, _ = open_year(ROOT / "data", 2021)
    assert data is not None
    results = [bundled] + ([rank_year(data)] if doc in (Doc.NOTICE, Doc.ANNEX) else [])
    for result in results:
        out = render(result, doc, fmt)
        # The illustrative note is the template helper's; it is checked elsewhere.
        out = re.sub(r"(?s)<div class=\"note\">.*?</div>|> \*\*Lưu ý:\*\*.*?\n\n", "", out)
        assert PROGRAM_TALK.findall(out) == [], (doc, fmt, result.data.year)


def test_file_names_of_the_kit() -> None:
    assert file_name(Doc.COUNT, 2020, Format.MD) == "kiem-phieu-2020.md"
    assert file_name(Doc.PAPERS, 2020, Format.HTML) == "phieu-bau-2020.html"
    assert file_name(Doc.ANNEX, 2020, "docx") == "phu-luc-diem-2020.docx"
    assert file_name(Doc.NOTICE, 2020, Format.MD, "NHNN") == "thong-bao-2020-NHNN.md"
    assert [d for d in Doc if d.per_member] == [Doc.NOTICE]


# --- the command line --------------------------------------------------------------------------


def test_cli_notice_of_one_unit_by_the_one_code_rule() -> None:
    """``thong-bao nhnn`` is NHNN's notice; an unknown code is a usage error with a hint."""
    res = runner.invoke(app, ["render", "2020", "thong-bao", "nhnn", "-d", DATA])
    assert res.exit_code == 0, res.output
    assert "**Kính gửi:** Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình.\n" in res.stdout
    assert res.stdout.count("# THÔNG BÁO") == 1
    res = runner.invoke(app, ["render", "2020", "thong-bao", "NHHN", "-d", DATA])
    assert res.exit_code == 2
    assert res.stderr == (
        'Lỗi: không có đơn vị "NHHN" trong Khối năm 2020 (có phải ý bạn là NHNN?); các mã '
        "có: QLTT, NHNN, CTK, KBNN, THUE, BHXH, HQ\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["thong-bao"],
            "Lỗi: thidua render NĂM thong-bao không kèm mã đơn vị lập mỗi đơn vị một tệp, cần "
            "-o THƯ_MỤC/ (ví dụ: thidua render 2020 thong-bao -o thong-bao/), hoặc ghi mã một "
            "đơn vị (ví dụ: thidua render 2020 thong-bao NHNN)\n",
        ),
        (
            ["kiem-phieu", "NHNN"],
            'Lỗi: chỉ thong-bao nhận mã đơn vị; kiem-phieu lập chung cho cả Khối, hãy bỏ "NHNN"\n',
        ),
    ],
)
def test_cli_notice_usage_errors(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["render", "2020", *args, "-d", DATA])
    assert (res.exit_code, res.stderr) == (2, message)


def test_cli_notices_of_every_unit_into_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "tb"
    res = runner.invoke(app, ["render", "2020", "thong-bao", "-o", f"{out}/", "-d", DATA])
    assert res.exit_code == 0, res.output
    names = [f"thong-bao-2020-{code}.md" for code in CODES_2020]
    assert res.stdout == "".join(f"Đã ghi {out / n}\n" for n in names)
    hq = (out / "thong-bao-2020-HQ.md").read_text(encoding="utf-8")
    assert "**Kính gửi:** Chi cục Hải quan Hòa Bình." in hq
    assert "Mã dữ liệu:" in hq


def test_cli_all_writes_the_kit(tmp_path: Path) -> None:
    """``all`` writes the kit with the other documents, a notice per unit."""
    out = tmp_path / "vb"
    res = runner.invoke(app, ["render", "2020", "all", "-o", str(out), "-d", DATA])
    assert res.exit_code == 0, res.output
    written = {p.name for p in out.iterdir()}
    kit = {"kiem-phieu-2020.md", "phieu-bau-2020.md", "phu-luc-diem-2020.md"}
    notices = {f"thong-bao-2020-{code}.md" for code in CODES_2020}
    assert kit | notices <= written
    assert len(written) == len(Doc) - 1 + len(CODES_2020)


def test_cli_all_reports_what_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year without ballots: the minutes of the count and the papers are listed with the
    reason, once; the other documents (a notice per unit) are written; exit 1."""
    write_year(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "all", "-o", "vb"])
    assert res.exit_code == 1
    assert (
        "  - biên bản kiểm phiếu: chưa có kết quả bỏ phiếu kín năm 2020 (phieu-bau.yaml): cần "
        "để lập biên bản kiểm phiếu\n"
        "  - phiếu bầu: chưa có cuộc bỏ phiếu nào của năm 2020 (phieu-bau.yaml): cần tên, loại "
        "và số đơn vị được chọn của từng cuộc bỏ phiếu để lập phiếu bầu\n"
    ) in res.stderr
    written = {p.name for p in (tmp_path / "vb").iterdir()}
    assert {"thong-bao-2020-A.md", "thong-bao-2020-C.md", "phu-luc-diem-2020.md"} <= written
    assert not {"kiem-phieu-2020.md", "phieu-bau-2020.md"} & written


def test_cli_format_help_says_what_all_writes_as_xlsx() -> None:
    res = runner.invoke(app, ["render", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.stdout.replace("│", " ").split())
    assert (
        "xlsx (Excel, cần -o: chỉ bảng tổng hợp điểm có dạng này; với all, ghi những văn bản "
        "có dạng xlsx và liệt kê những văn bản không có)"
    ) in text
    assert "thong-bao (thông báo kết quả thẩm định cho từng đơn vị)" in text


# --- Word ----------------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in document.element.body.iter(qn("w:p"))
    )


def test_cli_kit_as_word(tmp_path: Path) -> None:
    """Each kit document opens in python-docx with its words; the annex is a landscape
    section; a single unit's notice is its own Word file."""
    out = tmp_path / "vb"
    res = runner.invoke(app, ["render", "2020", "all", "-f", "docx", "-o", str(out), "-d", DATA])
    assert res.exit_code == 0, res.output
    expected = {
        "kiem-phieu-2020.docx": ["BIÊN BẢN KIỂM PHIẾU", "TRƯỞNG BAN", "85,7 %"],
        "phieu-bau-2020.docx": ["PHIẾU BẦU", "Không đồng ý", "Kho bạc Nhà nước Hòa Bình"],
        "thong-bao-2020-HQ.docx": ["THÔNG BÁO", "Kính gửi: Chi cục Hải quan Hòa Bình.", "67,75"],
        "phu-luc-diem-2020.docx": ["PHỤ LỤC", "ĐIỂM CHI TIẾT THEO TIÊU CHÍ NĂM 2020", "68,75"],
    }
    for name, words in expected.items():
        text = _docx_text((out / name).read_bytes())
        for word in words:
            assert word in text, (name, word)
    annex = docx.Document(str(out / "phu-luc-diem-2020.docx"))
    assert WD_ORIENT.LANDSCAPE in [s.orientation for s in annex.sections]
    one = tmp_path / "hq.docx"
    res = runner.invoke(app, ["render", "2020", "thong-bao", "hq", "-o", str(one), "-d", DATA])
    assert res.exit_code == 0, res.output
    assert one.read_bytes() == (out / "thong-bao-2020-HQ.docx").read_bytes()


# --- printed from the browser --------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


BROWSER = _chromium()
NO_PRINT = BROWSER is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None
PRINT_SKIP = "cần chromium và poppler (pdftotext, pdfinfo) để in thử ra PDF"


def _print(html: str, tmp_path: Path, name: str) -> Path:
    assert BROWSER is not None
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return pdf


def _pages(pdf: Path) -> list[str]:
    """The text of each page, whitespace collapsed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


@pytest.mark.external
@pytest.mark.skipif(NO_PRINT, reason=PRINT_SKIP)
def test_printed_papers_stay_whole(bundled: YearResult, tmp_path: Path) -> None:
    """Printed from the browser, every paper sits whole on one page: each ballot's papers fill
    one A4 sheet, as many titles as closing lines on every page."""
    pdf = _print(render(bundled, Doc.PAPERS, Format.HTML), tmp_path, "phieu-bau")
    pages = _pages(pdf)
    assert len(pages) == 2
    for page in pages:
        titles = page.count("PHIẾU BẦU")
        assert titles == page.count("Phiếu không hợp lệ:") > 0
    assert pages[0].count("BÌNH CHỌN ĐƠN VỊ DẪN ĐẦU") == 2
    assert pages[1].count("SUY TÔN TRƯỞNG KHỐI") == 3


@pytest.mark.external
@pytest.mark.skipif(NO_PRINT, reason=PRINT_SKIP)
def test_printed_annex_is_landscape_and_notice_fits(bundled: YearResult, tmp_path: Path) -> None:
    """The annex prints on landscape A4 pages; a notice on two portrait pages with its
    signature; each ballot's count minutes keep their vote table on one page."""
    pdf = _print(render(bundled, Doc.ANNEX, Format.HTML), tmp_path, "annex")
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert width > height
    notice = _pages(_print(render(bundled, Doc.NOTICE, Format.HTML, member="HQ"), tmp_path, "tb"))
    assert len(notice) == 2
    assert "TRƯỞNG KHỐI" in notice[-1] and "Nơi nhận:" in notice[-1]
    count = _pages(_print(render(bundled, Doc.COUNT, Format.HTML), tmp_path, "kp"))
    table = [i for i, page in enumerate(count) if "Ngân hàng Nhà nước Việt Nam chi nhánh" in page]
    assert len(table) == 1
    assert "Bảo hiểm xã hội tỉnh Hòa Bình" in count[table[0]]
