"""The sentences thidua builds outside the templates read as an official writes them.

``leading_reason``, ``Election.how``, the sort keys' labels, the notes about ballots and
:attr:`YearResult.award_notes` may be printed in a signed document: full unit names, no
ids, keys, file names, commands or warnings, no nested brackets, curly quotes. What only
helps at the terminal (``YearResult.hints``, ``Election.hint``) names the keys instead.
Also: nothing is proposed before the ballot that decides it, an award beyond its limit is
said in words, and ``thidua rank`` marks a year that is not final as "kết quả tạm tính".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rankdata import TABLE, approval, ballots, khoi, points, quy_che, rank, write
from thidua.cli import app
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.rankview import render_markdown, render_table
from thidua.repo.years import open_year_or_raise

BUNDLED = Path(__file__).resolve().parent.parent / "data"

LEAD = "dan_dau: {cuoc_bau: binh-chon, nguong: 50%, so_sanh: lon_hon, mau_so: hop_le}\n"
AWARDS = (
    "khen_thuong:\n"
    "  - {hinh_thuc: Cờ thi đua, doi_tuong: dan_dau}\n"
    "  - {hinh_thuc: Bằng khen, doi_tuong: tiep_theo, so_luong: 1}\n"
)
SCORES = {
    "A": points("A", "50", "40"),  # 90
    "B": points("B", "50", "30"),  # 80
    "C": points("C", "40", "30"),  # 70
}


def files(
    *, keys: str = "[diem]", rules: str = "", votes: str | None = None, state: str = "da_ket_thuc"
) -> dict[str, str]:
    out = {
        "khoi.yaml": khoi("A B C", state=state),
        "quy-che.yaml": quy_che(keys, rules),
        "tieu-chi.yaml": TABLE,
        **{f"diem/{mid}.yaml": text for mid, text in SCORES.items()},
    }
    if votes is not None:
        out["phieu-bau.yaml"] = votes
    return out


def document_sentences(result: YearResult) -> Iterator[str]:
    """Every sentence this code makes that a document may print."""
    yield result.leading_reason
    yield result.next_leader.how
    yield result.next_deputy.how
    yield from (key.label for key in result.keys)
    yield from result.award_notes
    yield from (row.tie_note or "" for row in result.rows)


PROGRAM_TALK = re.compile(
    r'"|[a-z]+_[a-z_]+|phieu:|\.ya?ml|thidua|cảnh báo|binh-chon|truong-khoi|lệnh|khóa xếp hạng'
)


def assert_official(result: YearResult) -> None:
    for text in document_sentences(result):
        assert PROGRAM_TALK.search(text) is None, text
        assert re.search(r"\([^()]*\(", text) is None, f"nested brackets: {text}"


# --- the bundled years --------------------------------------------------------------------


@pytest.fixture(scope="module")
def result_2020() -> YearResult:
    data, _ = open_year_or_raise(BUNDLED, 2020)
    return rank_year(data)


@pytest.fixture(scope="module")
def result_2021() -> YearResult:
    data, _ = open_year_or_raise(BUNDLED, 2021)
    return rank_year(data)


def test_bundled_2020_in_an_officials_words(result_2020: YearResult) -> None:
    """Full name, points, place, votes with the rule in one bracket; no key in the deputy."""
    assert result_2020.leading_reason == (
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình đạt 106 điểm, xếp thứ nhất, được "
        "6/7 phiếu bình chọn (85,7 % số phiếu hợp lệ, quy chế yêu cầu trên 50 %)."
    )
    assert result_2020.next_leader.how == "được 7/7 đơn vị có mặt nhất trí suy tôn"
    assert result_2020.next_deputy.how == "do Hội nghị bầu bổ sung"
    assert [key.label for key in result_2020.keys] == [
        "tổng điểm sau thẩm định",
        "số phiếu bình chọn đơn vị dẫn đầu",
        "điểm nhóm I",
        "điểm trừ (ít hơn xếp trên)",
    ]
    assert result_2020.award_notes == ()
    assert result_2020.hints == (
        "quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)",
    )
    assert not result_2020.provisional
    assert_official(result_2020)


def test_bundled_2021_names_no_ballot_id_nor_key(result_2021: YearResult) -> None:
    """The year in progress: what is pending in words; the ids only in the hints."""
    assert result_2021.provisional
    assert result_2021.leading is None and result_2021.awards == ()
    assert result_2021.leading_reason == "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu."
    assert result_2021.next_leader.how == "chưa có kết quả bỏ phiếu bầu Trưởng khối"
    assert result_2021.notes[-1] == (
        "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu nên thứ tự xếp hạng chưa tính đến "
        "số phiếu."
    )
    assert result_2021.hints == (
        'chưa có kết quả cuộc bỏ phiếu "binh-chon" (dan_dau, khóa xếp hạng "phieu:binh-chon" '
        "trong quy-che.yaml): ghi kết quả vào phieu-bau.yaml",
        'chưa có kết quả cuộc bỏ phiếu "truong-khoi-2022" (bau_truong_khoi trong '
        "quy-che.yaml): ghi kết quả vào phieu-bau.yaml",
        "quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)",
    )
    assert_official(result_2021)


# --- nothing proposed before the ballot that decides it -----------------------------------


def test_year_in_progress_proposes_nothing_before_the_vote(tmp_path: Path) -> None:
    """Every score in, no ballot yet: no leading unit, no award, and a note says why."""
    result = rank(
        tmp_path / "before",
        files(keys='[diem, "phieu:binh-chon"]', rules=LEAD + AWARDS, state="dang_dien_ra"),
    )
    assert result.provisional
    assert (result.leading, result.awards) == (None, ())
    assert result.leading_reason == "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu."
    assert result.notes[-2:] == (
        "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu nên thứ tự xếp hạng chưa tính đến "
        "số phiếu.",
        "Chưa đề nghị khen thưởng vì chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu.",
    )
    # Once the conference has voted, the draft proposes (the year is still in progress).
    voted = ballots(approval("binh-chon", "Bình chọn", {"A": 3}, valid=3))
    result = rank(
        tmp_path / "after",
        files(
            keys='[diem, "phieu:binh-chon"]', rules=LEAD + AWARDS, votes=voted, state="dang_dien_ra"
        ),
    )
    assert [(a.name, a.member.id) for a in result.awards] == [
        ("Cờ thi đua", "A"),
        ("Bằng khen", "B"),
    ]


def test_a_vote_key_without_results_leaves_no_leading_unit_even_without_a_vote_rule(
    tmp_path: Path,
) -> None:
    """No dan_dau rule, but the order depends on a ballot not yet counted."""
    result = rank(tmp_path, files(keys='[diem, "phieu:binh-chon"]', rules=AWARDS))
    assert (result.leading, result.awards) == (None, ())
    assert result.leading_reason == (
        "Chưa có kết quả bỏ phiếu bình chọn nên chưa xác định đơn vị dẫn đầu."
    )
    assert [key.label for key in result.keys] == ["tổng điểm sau thẩm định", "số phiếu bình chọn"]
    assert result.hints == (
        'chưa có kết quả cuộc bỏ phiếu "binh-chon" (khóa xếp hạng "phieu:binh-chon" trong '
        "quy-che.yaml): ghi kết quả vào phieu-bau.yaml",
        "quy chế không quy định bầu Trưởng khối (bau_truong_khoi) hay thứ tự luân phiên "
        "(luan_phien)",
        "quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)",
    )
    assert_official(result)


# --- awards beyond what the regulation allows -----------------------------------------------


def government_flag(base: int | None) -> str:
    on = f"      tren_so: {base}\n" if base is not None else ""
    return (
        "khen_thuong:\n"
        "  - hinh_thuc: Cờ thi đua của Chính phủ\n"
        "    doi_tuong: dan_dau\n"
        "    gioi_han:\n"
        "      ty_le: 20%\n"
        f"{on}"
        "      ghi_chu: Nghị định 98/2023/NĐ-CP\n"
    )


def test_a_limit_that_comes_to_no_unit_is_said_in_words(tmp_path: Path) -> None:
    """20 % of 4 leading units is 0,8: the proposal stands, and the result says so."""
    result = rank(tmp_path, files(rules=government_flag(4)))
    assert [a.member.id for a in result.awards] == ["A"]
    assert result.award_notes == (
        "Đề nghị 1 đơn vị nhận “Cờ thi đua của Chính phủ”, trong khi quy chế cho phép tối đa "
        "20 % của 4 đơn vị, tức là chưa đủ một đơn vị (Nghị định 98/2023/NĐ-CP).",
    )
    assert_official(result)
    table = render_table(result, width=2000).splitlines()
    assert f"  {result.award_notes[0]}" in table
    assert f"{result.award_notes[0]}" in render_markdown(result).splitlines()
    doc = json.loads(
        CliRunner()
        .invoke(app, ["rank", "2020", "--data", str(tmp_path / "data"), "-f", "json"])
        .stdout
    )
    assert doc["khen_thuong_luu_y"] == list(result.award_notes)


def test_a_limit_below_the_proposals_names_the_maximum(tmp_path: Path) -> None:
    """Two awards of one kind where 20 % of 5 members allows one: "tối đa 1 đơn vị"."""
    rules = government_flag(None).replace("dan_dau", "tiep_theo\n    so_luong: 2")
    more = files(rules=rules)
    more["khoi.yaml"] = khoi("A B C D E")
    more["diem/D.yaml"] = points("D", "30", "30")
    more["diem/E.yaml"] = points("E", "20", "30")
    result = rank(tmp_path, more)
    assert [a.member.id for a in result.awards] == ["B", "C"]
    assert result.award_notes == (
        "Đề nghị 2 đơn vị nhận “Cờ thi đua của Chính phủ”, trong khi quy chế cho phép tối đa 1 "
        "đơn vị (20 % của 5 đơn vị thành viên của Khối; Nghị định 98/2023/NĐ-CP).",
    )


def test_a_tie_at_the_cut_off_is_said_in_words(tmp_path: Path) -> None:
    """One certificate, B and C share rank 2: both proposed; the words name both units."""
    tied = files(rules=AWARDS)
    tied["diem/C.yaml"] = points("C", "40", "40")  # 80, as B
    result = rank(tmp_path, tied)
    assert [a.member.id for a in result.awards] == ["A", "B", "C"]
    assert result.award_notes == (
        "Quy chế dành “Bằng khen” cho 1 đơn vị; Đơn vị thử B và Đơn vị thử C đồng hạng nhì ở "
        "ranh giới nên cả 2 đơn vị đều được đề nghị, đề nghị Hội nghị xem xét, quyết định.",
    )
    assert_official(result)


# --- ballots of other kinds ----------------------------------------------------------------

BORDA = """\
nam: 2020
cuoc_bau:
  - ma: binh-chon
    ten: Bình chọn theo thứ tự
    loai: xep_hang
    phat_ra: 3
    thu_ve: 3
    phieu:
      - [A, B, C]
      - [A, C, B]
      - [B, A, C]
"""


def test_borda_leading_unit_is_points_in_words_without_a_percentage(tmp_path: Path) -> None:
    """A: 2 + 2 + 1 = 5 points; above 50 % of 3 valid papers is above 1,5 points."""
    result = rank(tmp_path, files(keys='[diem, "phieu:binh-chon"]', rules=LEAD, votes=BORDA))
    assert result.leading_reason == (
        "Đơn vị thử A đạt 90 điểm, xếp thứ nhất, có tổng điểm bình chọn theo thứ tự ưu tiên là "
        "5 điểm (quy chế yêu cầu trên 1,5 điểm)."
    )
    assert result.keys[1].label == "tổng điểm bình chọn đơn vị dẫn đầu theo thứ tự ưu tiên"
    assert "%" not in result.leading_reason
    assert_official(result)


def test_borda_with_nobody_above_the_threshold(tmp_path: Path) -> None:
    """Each member 3 points of 3 papers; above 100 % of 3 valid papers is above 3 points."""
    even = BORDA.replace("[A, C, B]", "[B, C, A]").replace("[B, A, C]", "[C, A, B]")
    rule = LEAD.replace("nguong: 50%", "nguong: 100%")
    result = rank(tmp_path, files(rules=rule, votes=even))
    assert result.leading_reason == (
        "Không có đơn vị dẫn đầu: không đơn vị nào đạt mức quy chế yêu cầu là trên 3 điểm; cao "
        "nhất là Đơn vị thử A, Đơn vị thử B và Đơn vị thử C, có tổng điểm bình chọn theo thứ tự "
        "ưu tiên là 3 điểm."
    )


def test_election_sentences_without_nested_brackets(tmp_path: Path) -> None:
    """Elected by 2 of 3 units present, not unanimous; a deputy elected by Borda points."""
    votes = ballots(
        "  - ma: truong-khoi\n"
        "    ten: Suy tôn Trưởng khối\n"
        "    loai: tan_thanh\n"
        "    de_xuat: B\n"
        "    co_mat: 3\n"
        "    phat_ra: 3\n"
        "    thu_ve: 3\n"
        "    ket_qua: {dong_y: 2, khong_dong_y: 1}\n",
        BORDA.split("cuoc_bau:\n")[1].replace("binh-chon", "pho-khoi"),
    )
    rules = (
        "bau_truong_khoi: {cuoc_bau: truong-khoi, nguong: 50%, mau_so: co_mat}\n"
        "bau_pho_khoi: {cuoc_bau: pho-khoi, nguong: 50%}\n"
    )
    result = rank(tmp_path, files(rules=rules, votes=votes))
    assert result.next_leader.how == "được 2/3 đơn vị có mặt đồng ý suy tôn, bằng 66,7 %"
    assert result.next_deputy.how == (
        "được bầu, có tổng điểm bình chọn theo thứ tự ưu tiên cao nhất là 5 điểm"
    )
    assert_official(result)


def test_a_ballot_that_is_not_the_leading_units_is_named_by_its_title(tmp_path: Path) -> None:
    """A vote key on another ballot: its title in curly quotes, never its id."""
    votes = ballots(approval("tin-nhiem", "Phiếu tín nhiệm", {"A": 1, "B": 2}, valid=3))
    result = rank(tmp_path, files(keys='[diem, "phieu:tin-nhiem"]', votes=votes))
    assert result.keys[1].label == "số phiếu “Phiếu tín nhiệm”"


# --- thidua rank ---------------------------------------------------------------------------


def test_rank_title_says_provisional_and_the_hints_stay_on_the_terminal() -> None:
    """2021 (in progress): the title ends "(kết quả tạm tính)"; only the table has hints."""
    runner = CliRunner()
    table = runner.invoke(app, ["rank", "2021", "--data", str(BUNDLED)])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0] == (
        "Kết quả xếp hạng thi đua năm 2021 — Khối thi đua các cơ quan Trung ương quản lý Nhà "
        "nước về Kinh tế - Thống kê trên địa bàn tỉnh Hòa Bình (kết quả tạm tính)"
    )
    assert "Trưởng khối năm 2022: chưa xác định (chưa có kết quả bỏ phiếu bầu Trưởng khối)." in (
        lines
    )
    assert "Phó khối năm 2022: chưa xác định (do Hội nghị bầu bổ sung)." in lines
    assert "Gợi ý:" in lines
    markdown = runner.invoke(app, ["rank", "2021", "--data", str(BUNDLED), "-f", "markdown"])
    assert markdown.stdout.startswith(f"## {lines[0]}\n")
    assert "Gợi ý" not in markdown.stdout and "bau_pho_khoi" not in markdown.stdout
    doc = json.loads(
        runner.invoke(app, ["rank", "2021", "--data", str(BUNDLED), "-f", "json"]).stdout
    )
    assert doc["tam_tinh"] is True
    assert doc["goi_y"][-1] == (
        "quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)"
    )
    assert doc["pho_khoi_nam_sau"]["goi_y"] == doc["goi_y"][-1]
    assert doc["pho_khoi_nam_sau"]["cach_chon"] == "do Hội nghị bầu bổ sung"


def test_rank_title_of_a_final_year_has_no_mark(tmp_path: Path) -> None:
    data = write(tmp_path, files())
    out = CliRunner().invoke(app, ["rank", "2020", "--data", str(data)]).stdout
    assert out.splitlines()[0] == "Kết quả xếp hạng thi đua năm 2020 — Khối thi đua thử nghiệm"
