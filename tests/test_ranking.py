"""Ranking and outcomes: sort keys, shared ranks, leading unit, awards, elections, notes.

Clusters use the table of rankdata.TABLE (1.1 max 60, 2.1 max 40, 3.1 bonus, 3.2
deduction); totals are the plain sums written next to each member.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from rankdata import TABLE, approval, ballots, khoi, order, points, quy_che, rank
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.errors import Severity
from thidua.repo.years import open_year_or_raise

ROOT = Path(__file__).resolve().parent.parent

LEAD_RULE = """\
dan_dau:
  cuoc_bau: binh-chon
  nguong: 50%
  so_sanh: lon_hon
  mau_so: hop_le
"""


def cluster(
    scores: dict[str, str],
    *,
    keys: str = "[diem]",
    rules: str = "",
    votes: str | None = None,
    ids: str | None = None,
    leader: str | None = None,
    state: str = "da_ket_thuc",
) -> dict[str, str]:
    """The files of a cluster: members ``ids`` (default: the keys of ``scores``)."""
    files = {
        "khoi.yaml": khoi(ids or " ".join(scores), leader=leader, state=state),
        "quy-che.yaml": quy_che(keys, rules),
        "tieu-chi.yaml": TABLE,
    }
    files.update({f"diem/{mid}.yaml": text for mid, text in scores.items()})
    if votes is not None:
        files["phieu-bau.yaml"] = votes
    return files


def vote(counts: dict[str, int], *, valid: int = 3, choose: int = 1) -> str:
    return ballots(approval("binh-chon", "Bình chọn", counts, valid=valid, choose=choose))


# --- the bundled year ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(ROOT / "data", 2020)
    return rank_year(data)


def test_bundled_2020_order_leading_awards_and_leader(bundled: YearResult) -> None:
    """NHNN 1st and leading, QLTT 2nd, KBNN 3rd; QLTT elected Trưởng khối 2021 by 7/7."""
    assert order(bundled) == [
        (1, "NHNN"),
        (2, "QLTT"),
        (3, "KBNN"),
        (4, "THUE"),
        (5, "CTK"),
        (6, "BHXH"),
        (7, "HQ"),
    ]
    assert bundled.leading is not None and bundled.leading.id == "NHNN"
    assert bundled.leading_reason == (
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình đạt 106 điểm, xếp thứ nhất, được "
        "6/7 phiếu bình chọn (85,7 % số phiếu hợp lệ, quy chế yêu cầu trên 50 %)."
    )
    assert [(a.name, a.member.id) for a in bundled.awards] == [
        ("Cờ thi đua của Ủy ban nhân dân tỉnh", "NHNN"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "QLTT"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "KBNN"),
    ]
    leader = bundled.next_leader
    assert leader.member is not None and leader.member.id == "QLTT"
    assert leader.how == "được 7/7 đơn vị có mặt nhất trí suy tôn"
    assert bundled.next_deputy.member is None
    assert bundled.next_deputy.how == "do Hội nghị bầu bổ sung"
    assert bundled.next_deputy.hint == (
        "quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)"
    )
    assert bundled.notes == (
        "Số liệu điểm và phiếu là minh họa, không phải số liệu thật của Khối.",
    )
    assert bundled.warnings == ()
    nhnn = bundled.rows[0]
    assert (nhnn.votes, nhnn.vote_share, nhnn.leading) == (6, Fraction(6, 7), True)


# --- order and shared ranks ---------------------------------------------------------------


def test_tie_only_votes_break(tmp_path: Path) -> None:
    """A and B both 80 points; the vote key puts B (2 votes) above A (1 vote)."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "30"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            keys='[diem, "phieu:binh-chon"]',
            rules=LEAD_RULE,
            votes=vote({"A": 1, "B": 2}),
        ),
    )
    assert order(result) == [(1, "B"), (2, "A"), (3, "C")]
    notes = [row.tie_note for row in result.rows]
    assert notes == [
        "xếp trên Đơn vị thử A do số phiếu bình chọn đơn vị dẫn đầu: 2 so với 1",
        "xếp sau Đơn vị thử B do số phiếu bình chọn đơn vị dẫn đầu: 1 so với 2",
        None,  # C is below A on points, the first key
    ]
    assert result.leading is not None and result.leading.id == "B"
    assert result.leading_reason == (
        "Đơn vị thử B đạt 80 điểm, xếp thứ nhất, được 2/3 phiếu bình chọn (66,7 % số phiếu hợp "
        "lệ, quy chế yêu cầu trên 50 %)."
    )


def test_tie_nothing_breaks_shares_the_rank_and_no_leading_unit(tmp_path: Path) -> None:
    """A and B equal on points and votes: both rank 1 (listed in member order), C rank 3."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "30"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            ids="B A C",
            keys='[diem, "phieu:binh-chon"]',
            rules=LEAD_RULE.replace("lon_hon", "tu"),
            votes=vote({"A": 3, "B": 3}, choose=2),  # each 3/3: both reach ≥ 50 %
        ),
    )
    assert order(result) == [(1, "B"), (1, "A"), (3, "C")]
    assert [row.shared for row in result.rows] == [True, True, False]
    assert result.rows[0].tie_note == "đồng hạng 1 với Đơn vị thử A"
    assert result.leading is None
    assert result.leading_reason == (
        "Không có đơn vị dẫn đầu: Đơn vị thử B và Đơn vị thử A đồng hạng nhất, bằng nhau ở mọi "
        "tiêu chí xếp hạng và cùng số phiếu đạt mức quy chế yêu cầu; quy chế không phân định "
        "được, đề nghị Hội nghị xem xét, quyết định (có thể bỏ phiếu lại giữa các đơn vị này)."
    )


def test_shared_rank_decided_by_the_vote_when_votes_are_no_sort_key(tmp_path: Path) -> None:
    """Tied on every key, but only B reaches the threshold: B leads, A is told why not."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "30"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            rules=LEAD_RULE,
            votes=vote({"A": 1, "B": 2}),
        ),
    )
    assert order(result) == [(1, "A"), (1, "B"), (3, "C")]
    assert result.leading is not None and result.leading.id == "B"
    assert result.leading_reason == (
        "Đơn vị thử B đạt 80 điểm, đồng hạng nhất, được 2/3 phiếu bình chọn (66,7 % số phiếu "
        "hợp lệ, quy chế yêu cầu trên 50 %). Đơn vị thử A đồng hạng nhất nhưng chỉ được 1/3 "
        "phiếu bình chọn, bằng 33,3 % số phiếu hợp lệ, chưa đạt mức quy chế yêu cầu."
    )


def test_sort_keys_deductions_group_and_bonus(tmp_path: Path) -> None:
    """All four total 80; fewer deductions, then group I, then bonus decide."""
    scores = {
        "A": points("A", "50", "30"),  # I 50
        "B": points("B", "40", "40"),  # I 40
        "C": points("C", "50", "32", deduction="2"),  # 50 + 32 − 2 = 80, deduction 2
        "D": points("D", "45", "30", bonus="5"),  # 45 + 30 + 5 = 80, I 45
    }
    result = rank(tmp_path / "1", cluster(scores, keys='[diem, diem_tru, "nhom:I", diem_cong]'))
    assert order(result) == [(1, "A"), (2, "D"), (3, "B"), (4, "C")]
    assert result.rows[1].tie_note == (
        "xếp sau Đơn vị thử A do điểm nhóm I: 45 so với 50; "
        "xếp trên Đơn vị thử B do điểm nhóm I: 45 so với 40"
    )
    assert result.rows[3].tie_note == (
        "xếp sau Đơn vị thử B do điểm trừ (ít hơn xếp trên): 2 so với 0"
    )
    result = rank(tmp_path / "2", cluster(scores, keys="[diem, diem_cong]"))
    assert order(result) == [(1, "D"), (2, "A"), (2, "B"), (2, "C")]


def test_self_total_key_differs_from_final_total(tmp_path: Path) -> None:
    """A self 60 + 30 = 90 appraised to 40 + 30 = 70; B 80: diem_tu_cham puts A first."""
    a = points("A", "60", "30").replace(
        '"1.1": {tu_cham: 60}', '"1.1": {tu_cham: 60, tham_dinh: 40, ly_do: Thiếu minh chứng}'
    )
    scores = {"A": a, "B": points("B", "50", "30")}
    assert order(rank(tmp_path / "1", cluster(scores, keys="[diem_tu_cham]"))) == [
        (1, "A"),
        (2, "B"),
    ]
    assert order(rank(tmp_path / "2", cluster(scores, keys="[diem]"))) == [(1, "B"), (2, "A")]


def test_exact_values_decide_what_display_rounds_equal(tmp_path: Path) -> None:
    """20/3 = 6,6667 and 6,67 both show "6,67"; the exact comparison ranks 6,67 first."""
    table = """\
        nam: 2020
        nhom:
          - ma: I
            ten: Một
            tieu_chi:
              - {ma: "1", ten: Thu, loai: dinh_luong, cach_tinh: ty_le, toi_da: 10}
        """
    head, body = "nam: 2020\ndon_vi: ", 'diem:\n  "1": {tu_cham: '
    files = {
        "khoi.yaml": khoi("A B"),
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": table,
        "diem/A.yaml": f"{head}A\n{body}{{thuc_hien: 200, chi_tieu: 300}}}}\n",
        "diem/B.yaml": f"{head}B\n{body}{{thuc_hien: 667, chi_tieu: 1000}}}}\n",
    }
    result = rank(tmp_path, files)
    assert order(result) == [(1, "B"), (2, "A")]
    assert result.rows[1].score.total_exact == Fraction(20, 3)
    assert result.notes[-1] == (
        "Một số điểm định lượng là số thập phân vô hạn tuần hoàn: bảng hiển thị làm tròn đến 2 "
        "chữ số thập phân, còn việc xếp hạng so sánh giá trị chính xác."
    )


# --- the leading unit ---------------------------------------------------------------------


def test_no_leading_unit_when_nobody_reaches_the_threshold(tmp_path: Path) -> None:
    """A has 2/3 = 66,7 %, below "từ 70 %": no leading unit, the best share is named."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "40"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            rules=LEAD_RULE.replace("50%", "70%").replace("lon_hon", "tu"),
            votes=vote({"A": 2, "B": 1}),
        ),
    )
    assert result.leading is None
    assert not any(row.leading for row in result.rows)
    assert result.leading_reason == (
        "Không có đơn vị dẫn đầu: không đơn vị nào đạt mức quy chế yêu cầu là từ 70 % số phiếu "
        "hợp lệ; cao nhất là Đơn vị thử A, được 2/3 phiếu bình chọn, bằng 66,7 % số phiếu hợp lệ."
    )


def test_no_leading_unit_without_the_ballot(tmp_path: Path) -> None:
    """The regulation names a ballot that has no result yet."""
    result = rank(
        tmp_path,
        cluster({"A": points("A", "50", "40"), "B": points("B", "50", "30")}, rules=LEAD_RULE),
    )
    assert result.leading is None
    assert result.leading_reason == "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu."


def test_ineligible_top_scorer_stays_listed_but_cannot_lead_nor_be_awarded(tmp_path: Path) -> None:
    """A (95, excluded) keeps rank 1; B leads; the certificate goes to C, not A."""
    rules = LEAD_RULE + (
        "khen_thuong:\n"
        "  - {hinh_thuc: Cờ thi đua, doi_tuong: dan_dau}\n"
        "  - {hinh_thuc: Bằng khen, doi_tuong: tiep_theo, so_luong: 1}\n"
    )
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "55", "40", exclusion="Có cán bộ bị kỷ luật cảnh cáo"),
                "B": points("B", "50", "40"),
                "C": points("C", "40", "30"),
            },
            rules=rules,
            votes=vote({"B": 3}),
        ),
    )
    assert order(result) == [(1, "A"), (2, "B"), (3, "C")]
    a = result.rows[0]
    assert (a.eligible, a.exclusion, a.leading, a.awards) == (
        False,
        "Có cán bộ bị kỷ luật cảnh cáo",
        False,
        (),
    )
    assert result.leading is not None and result.leading.id == "B"
    assert result.leading_reason == (
        "Đơn vị thử B đạt 90 điểm, xếp thứ hai, được 3/3 phiếu bình chọn (100 % số phiếu hợp "
        "lệ, quy chế yêu cầu trên 50 %). Đơn vị thử A xếp thứ nhất nhưng không thuộc diện xét "
        "khen thưởng: Có cán bộ bị kỷ luật cảnh cáo."
    )
    assert [(a.name, a.member.id) for a in result.awards] == [
        ("Cờ thi đua", "B"),
        ("Bằng khen", "C"),
    ]


def test_ineligible_top_scorer_named_when_there_is_no_leading_unit(tmp_path: Path) -> None:
    """Nobody eligible reaches the threshold: the reason also says the top scorer is excluded."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "55", "40", exclusion="Chưa hoàn thành nhiệm vụ được giao"),
                "B": points("B", "50", "40"),
                "C": points("C", "40", "30"),
            },
            rules=LEAD_RULE,
            votes=vote({"A": 2, "B": 1}),
        ),
    )
    assert result.leading is None
    assert result.leading_reason == (
        "Không có đơn vị dẫn đầu: không đơn vị nào đạt mức quy chế yêu cầu là trên 50 % số "
        "phiếu hợp lệ; cao nhất là Đơn vị thử B, được 1/3 phiếu bình chọn, bằng 33,3 % số phiếu "
        "hợp lệ. Đơn vị thử A có điểm cao nhất nhưng không thuộc diện xét khen thưởng: Chưa "
        "hoàn thành nhiệm vụ được giao."
    )


def test_lower_ranked_member_leads_when_the_better_one_misses_the_threshold(
    tmp_path: Path,
) -> None:
    """A (95) has 1/3 of the votes, B (90) 2/3: B is the best-ranked member above 50 %."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "55", "40"),
                "B": points("B", "50", "40"),
                "C": points("C", "40", "30"),
            },
            rules=LEAD_RULE,
            votes=vote({"A": 1, "B": 2}),
        ),
    )
    assert result.leading is not None and result.leading.id == "B"
    assert result.leading_reason == (
        "Đơn vị thử B đạt 90 điểm, xếp thứ hai, được 2/3 phiếu bình chọn (66,7 % số phiếu hợp "
        "lệ, quy chế yêu cầu trên 50 %). Đơn vị thử A xếp thứ nhất nhưng chỉ được 1/3 phiếu "
        "bình chọn, bằng 33,3 % số phiếu hợp lệ, chưa đạt mức quy chế yêu cầu."
    )


def test_leading_unit_without_a_vote_rule_is_the_best_eligible(tmp_path: Path) -> None:
    """No dan_dau rule: the best-ranked eligible member leads, no vote needed."""
    result = rank(tmp_path, cluster({"A": points("A", "50", "40"), "B": points("B", "50", "30")}))
    assert result.leading is not None and result.leading.id == "A"
    assert result.leading_reason == "Đơn vị thử A đạt 90 điểm, xếp thứ nhất."


def test_unknown_denominator_never_meets_the_threshold(tmp_path: Path) -> None:
    """Share over members present, but the ballot does not record co_mat: no leading unit."""
    result = rank(
        tmp_path,
        cluster(
            {"A": points("A", "50", "40"), "B": points("B", "50", "30")},
            rules=LEAD_RULE.replace("hop_le", "co_mat"),
            votes=vote({"A": 2}, valid=2),
        ),
    )
    assert result.leading is None
    assert result.leading_reason == (
        "Không có đơn vị dẫn đầu: không đơn vị nào đạt mức quy chế yêu cầu là trên 50 % số đơn "
        "vị có mặt; cao nhất là Đơn vị thử A, được 2 phiếu bình chọn, chưa rõ số đơn vị có mặt."
    )


# --- awards -------------------------------------------------------------------------------


def test_award_cut_off_inside_a_shared_rank_takes_all_and_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One certificate, but B and C share rank 2: both proposed, with a warning."""
    monkeypatch.chdir(tmp_path)
    rules = (
        "khen_thuong:\n"
        "  - hinh_thuc: Cờ thi đua\n"
        "    doi_tuong: dan_dau\n"
        "  - hinh_thuc: Bằng khen\n"
        "    doi_tuong: tiep_theo\n"
        "    so_luong: 1\n"
    )
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "40"),  # 90
                "B": points("B", "50", "30"),  # 80
                "C": points("C", "40", "40"),  # 80
                "D": points("D", "40", "30"),  # 70
            },
            rules=rules,
        ),
    )
    assert [(a.name, a.member.id) for a in result.awards] == [
        ("Cờ thi đua", "A"),
        ("Bằng khen", "B"),
        ("Bằng khen", "C"),
    ]
    assert [str(w) for w in result.warnings] == [
        'data/2020/quy-che.yaml:7:5: cảnh báo: hình thức "Bằng khen" dành cho 1 đơn vị, nhưng '
        "Đơn vị B và Đơn vị C đồng hạng 2 ở ranh giới nên cả 2 đơn vị đều được đề nghị; Khối "
        "cần xem xét, quyết định"
    ]
    assert result.warnings[0].severity is Severity.WARNING


def test_award_share_rounds_down_and_minimum_score(tmp_path: Path) -> None:
    """50 % of 5 members = 2,5 -> 2 (B, C); the next rule skips them and E (50 < 55)."""
    rules = (
        "khen_thuong:\n"
        "  - {hinh_thuc: Bằng khen, doi_tuong: tiep_theo, ty_le: 50%}\n"
        "  - {hinh_thuc: Giấy khen, doi_tuong: tiep_theo, so_luong: 5, diem_toi_thieu: 55}\n"
    )
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "40"),  # 90, leading (no vote rule)
                "B": points("B", "50", "30"),  # 80
                "C": points("C", "40", "30"),  # 70
                "D": points("D", "30", "30"),  # 60
                "E": points("E", "20", "30"),  # 50
            },
            rules=rules,
        ),
    )
    assert [(a.name, a.member.id) for a in result.awards] == [
        ("Bằng khen", "B"),
        ("Bằng khen", "C"),
        ("Giấy khen", "D"),
    ]
    assert result.warnings == ()


@pytest.mark.parametrize(("base", "warned"), [(4, True), (5, False)])
def test_government_flag_limit_warns(tmp_path: Path, base: int, warned: bool) -> None:
    """≤ 20 % of 4 leading units is 0,8: one proposal passes it; of 5 it is exactly 1."""
    rules = (
        "khen_thuong:\n"
        "  - hinh_thuc: Cờ thi đua của Chính phủ\n"
        "    doi_tuong: dan_dau\n"
        "    gioi_han:\n"
        "      ty_le: 20%\n"
        f"      tren_so: {base}\n"
        "      ghi_chu: Nghị định 98/2023/NĐ-CP\n"
    )
    result = rank(
        tmp_path, cluster({"A": points("A", "50", "40"), "B": points("B", "50", "30")}, rules=rules)
    )
    assert [a.member.id for a in result.awards] == ["A"]
    messages = [w.message for w in result.warnings]
    assert messages == (
        [
            'đề nghị 1 đơn vị nhận "Cờ thi đua của Chính phủ", vượt giới hạn 20 % của 4 đơn vị '
            "(tối đa 0 đơn vị; Nghị định 98/2023/NĐ-CP); đây là cảnh báo, không phải lỗi"
        ]
        if warned
        else []
    )


# --- next leader and deputy ---------------------------------------------------------------


def test_election_by_ballot_elected_and_failed(tmp_path: Path) -> None:
    """Leader: B has 2/3 > 50 % of valid papers. Deputy: C gets 1/3 "đồng ý", not > 50 %."""
    rules = (
        "bau_truong_khoi: {cuoc_bau: truong-khoi, nguong: 50%}\n"
        "bau_pho_khoi: {cuoc_bau: pho-khoi, nguong: 50%, mau_so: co_mat}\n"
    )
    votes = ballots(
        approval("truong-khoi", "Bầu Trưởng khối", {"B": 2, "C": 1}, valid=3),
        "  - ma: pho-khoi\n"
        "    ten: Suy tôn Phó khối\n"
        "    loai: tan_thanh\n"
        "    de_xuat: C\n"
        "    co_mat: 3\n"
        "    phat_ra: 3\n"
        "    thu_ve: 3\n"
        "    ket_qua: {dong_y: 1, khong_dong_y: 2}\n",
    )
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "40"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            rules=rules,
            votes=votes,
        ),
    )
    leader, deputy = result.next_leader, result.next_deputy
    assert leader.member is not None and leader.member.id == "B"
    assert leader.how == "được bầu với 2/3 phiếu hợp lệ, bằng 66,7 %"
    assert leader.office == "Trưởng khối"
    assert deputy.member is None
    assert deputy.how == (
        "Đơn vị thử C được đề xuất nhưng chỉ được 1/3 đơn vị có mặt đồng ý, bằng 33,3 %, chưa "
        "đạt mức trên 50 % số đơn vị có mặt theo quy chế"
    )


def test_election_tie_is_undecided(tmp_path: Path) -> None:
    """Two candidates with the same votes: nobody is elected."""
    result = rank(
        tmp_path,
        cluster(
            {"A": points("A", "50", "40"), "B": points("B", "50", "30")},
            rules="bau_truong_khoi: {cuoc_bau: truong-khoi, nguong: 50%, so_sanh: tu}\n",
            votes=ballots(approval("truong-khoi", "Bầu", {"A": 1, "B": 1}, valid=2)),
        ),
    )
    assert result.next_leader.member is None
    assert result.next_leader.how == "Đơn vị thử A và Đơn vị thử B cùng được 1 phiếu bầu"


def test_election_by_rotation_is_cyclic(tmp_path: Path) -> None:
    """Rotation A, B, C with leader C: next leader A (wraps around), next deputy B."""
    result = rank(
        tmp_path,
        cluster(
            {
                "A": points("A", "50", "40"),
                "B": points("B", "50", "30"),
                "C": points("C", "40", "30"),
            },
            rules="luan_phien: [A, B, C]\n",
            leader="C",
        ),
    )
    leader, deputy = result.next_leader, result.next_deputy
    assert (leader.member and leader.member.id, deputy.member and deputy.member.id) == ("A", "B")
    assert leader.how == "theo thứ tự luân phiên, sau Đơn vị thử C là Trưởng khối năm 2020"
    assert deputy.how == "theo thứ tự luân phiên, sau Đơn vị thử A là Trưởng khối năm 2021"
    assert leader.tally is None


def test_rotation_without_a_current_leader_is_undecided(
    tmp_path: Path,
) -> None:
    """The ballot has no result and this year's leader is unknown: undecided, both reasons."""
    result = rank(
        tmp_path,
        cluster(
            {"A": points("A", "50", "40"), "B": points("B", "50", "30")},
            rules="bau_truong_khoi: {cuoc_bau: truong-khoi, nguong: 50%}\nluan_phien: [A, B]\n",
        ),
    )
    assert result.next_leader.member is None
    assert result.next_leader.how == (
        "chưa có kết quả bỏ phiếu bầu Trưởng khối; chưa rõ Trưởng khối năm 2020 nên chưa xác "
        "định được theo thứ tự luân phiên"
    )
    assert result.next_leader.hint == (
        'chưa có kết quả cuộc bỏ phiếu "truong-khoi" (bau_truong_khoi trong quy chế)'
    )
    # The deputy follows the next leader in the rotation, and that one is undecided.
    assert result.next_deputy.how == (
        "chưa rõ Trưởng khối năm 2021 nên chưa xác định được theo thứ tự luân phiên"
    )


# --- notes --------------------------------------------------------------------------------


def test_notes_for_a_year_in_progress(tmp_path: Path) -> None:
    """Provisional year: illustrative, not appraised, no awards yet, missing file."""
    files = cluster(
        {"A": points("A", "50", "40"), "B": points("B", "50", "30")},
        ids="A B C",
        state="dang_dien_ra",
        rules="khen_thuong:\n  - {hinh_thuc: Bằng khen, doi_tuong: tiep_theo, so_luong: 1}\n",
    )
    files["khoi.yaml"] = files["khoi.yaml"].replace("nam: 2020", "nam: 2020\nminh_hoa: true")
    result = rank(tmp_path, files)
    assert result.notes == (
        "Số liệu điểm và phiếu là minh họa, không phải số liệu thật của Khối.",
        "Năm 2020 đang diễn ra: kết quả là tạm tính.",
        # C has not scored: nothing to appraise, so it is said once, as not submitted.
        "Chưa thẩm định điểm: Đơn vị thử A và Đơn vị thử B; xếp hạng tạm theo điểm tự chấm.",
        "Chưa đề nghị khen thưởng: 1 đơn vị chưa có đủ điểm các tiêu chí.",
        "Đơn vị thử C chưa gửi kết quả tự chấm điểm (tính 0 điểm).",
    )
    assert result.awards == ()
    assert order(result) == [(1, "A"), (2, "B"), (3, "C")]


def test_leading_unit_by_acclamation_yes_no_ballot(tmp_path: Path) -> None:
    """ "Suy tôn A" as a yes/no ballot: A's votes are the "đồng ý" papers; B is not on it."""
    votes = ballots(
        "  - ma: binh-chon\n"
        "    ten: Suy tôn đơn vị dẫn đầu\n"
        "    loai: tan_thanh\n"
        "    de_xuat: A\n"
        "    phat_ra: 2\n"
        "    thu_ve: 2\n"
        "    ket_qua: {dong_y: 2, khong_dong_y: 0}\n"
    )
    result = rank(
        tmp_path,
        cluster(
            {"A": points("A", "50", "40"), "B": points("B", "50", "30")},
            rules=LEAD_RULE,
            votes=votes,
        ),
    )
    assert result.leading is not None and result.leading.id == "A"
    assert [(row.votes, row.vote_share) for row in result.rows] == [(2, Fraction(1)), (None, None)]
    assert result.leading_reason == (
        "Đơn vị thử A đạt 90 điểm, xếp thứ nhất, được 2/2 phiếu đồng ý (100 % số phiếu hợp lệ, "
        "quy chế yêu cầu trên 50 %)."
    )
