"""Scoring: every criterion kind, the stages, totals, exactness, and the score-value problems.

Every expected number is computed by hand in the comment next to it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from rankdata import YEAR, khoi, load, load_with_problems, quy_che
from thidua.compute.exact import to_decimal
from thidua.compute.score_rules import scoring_problems
from thidua.compute.scoring import CriterionResult, score_year
from thidua.year import YearData

D = Decimal


def table(*criteria: str) -> str:
    """A scoring table with one group "I" holding ``criteria`` (YAML flow mappings)."""
    items = "".join(f"      - {c}\n" for c in criteria)
    return f"nam: {YEAR}\nnhom:\n  - ma: I\n    ten: Nhóm một\n    tieu_chi:\n{items}"


def scores(mid: str, entries: dict[str, str]) -> str:
    """A score file: criterion id -> flow mapping body, e.g. ``tu_cham: 9.5``."""
    body = "".join(f'  "{cid}": {{{entry}}}\n' for cid, entry in entries.items())
    return f"nam: {YEAR}\ndon_vi: {mid}\ndiem:\n{body}"


def year(
    tmp_path: Path,
    criteria: list[str],
    members: dict[str, dict[str, str]],
    state: str = "da_ket_thuc",
) -> YearData:
    files = {
        "khoi.yaml": khoi(" ".join(members), state=state),
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": table(*criteria),
    }
    for mid, entries in members.items():
        files[f"diem/{mid}.yaml"] = scores(mid, entries)
    return load(tmp_path, files)


def crit(data: YearData, mid: str, cid: str = "1") -> CriterionResult:
    score = score_year(data)[mid]
    return next(c for c in score.criteria if c.criterion.id == cid)


QUANT = '{ma: "1", ten: Kế hoạch, loai: dinh_luong, cach_tinh: so_voi_dan_dau, toi_da: 30}'


def quantity(actual: str, target: str = "100", stage: str = "tu_cham") -> str:
    return f"{stage}: {{thuc_hien: {actual}, chi_tieu: {target}}}"


# --- qualitative ------------------------------------------------------------------------


def test_met_gives_maximum_and_not_met_zero(tmp_path: Path) -> None:
    """ "đạt" gives the maximum (10), "không đạt" gives 0."""
    data = year(
        tmp_path,
        ['{ma: "1", ten: Kế hoạch, loai: dinh_tinh, cach_cham: dat_khong_dat, toi_da: 10}'],
        {"A": {"1": "tu_cham: đạt"}, "B": {"1": "tu_cham: không đạt"}},
    )
    assert crit(data, "A").final_points == D(10)
    assert crit(data, "B").final_points == D(0)
    assert crit(data, "A").formula is None


def test_graded_score_is_taken_as_written(tmp_path: Path) -> None:
    """A graded criterion scores the number itself: 9.5 of 10."""
    data = year(
        tmp_path,
        ['{ma: "1", ten: Chất lượng, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 10}'],
        {"A": {"1": "tu_cham: 9.5"}},
    )
    assert crit(data, "A").final_points == D("9.5")


# --- quantitative, relative to the best -------------------------------------------------


def test_relative_to_best_every_branch(tmp_path: Path) -> None:
    """Below, at, above target, the best, and a member without a value (DOMAIN.md §3)."""
    data = year(
        tmp_path,
        [QUANT],
        {
            "A": {"1": quantity("110")},  # r = 1,1 = L, the best -> max 30
            "B": {"1": quantity("106")},  # 15 + 15·(1,06 − 1)/(1,1 − 1) = 15 + 9 = 24
            "C": {"1": quantity("95")},  # 0,5·30·0,95 = 14,25
            "D": {"1": quantity("100")},  # r = 1 -> 0,5·30 = 15
            "E": {"1": 'ly_do: "chưa nộp"'},  # no value: 0, does not count toward L
        },
        state="dang_dien_ra",
    )
    assert crit(data, "A").final_points == D(30)
    assert crit(data, "B").final_points == D(24)
    assert crit(data, "C").final_points == D("14.25")
    assert crit(data, "D").final_points == D(15)
    e = crit(data, "E")
    assert (e.final_points, e.missing) == (D(0), True)
    assert crit(data, "B").formula == (
        "thực hiện/chỉ tiêu = 106/100 = 1,06; cao nhất Khối L = 1,1; "
        "0,5 × 30 + 0,5 × 30 × (1,06 − 1)/(1,1 − 1) = 24"
    )
    assert crit(data, "A").formula == "thực hiện/chỉ tiêu = 110/100 = 1,1, cao nhất Khối; tối đa 30"
    assert crit(data, "C").formula == (
        "thực hiện/chỉ tiêu = 95/100 = 0,95 < 1; 0,5 × 30 × 0,95 = 14,25"
    )
    assert (
        crit(data, "D").formula == "thực hiện/chỉ tiêu = 100/100 = 1 (đạt chỉ tiêu); 0,5 × 30 = 15"
    )


def test_relative_to_best_repeating_decimal_is_kept_exact(tmp_path: Path) -> None:
    """15 + 15·0,07/0,09 = 15 + 35/3 = 80/3 exactly; the Decimal is rounded to 10 places."""
    data = year(
        tmp_path,
        [QUANT],
        {"A": {"1": quantity("109")}, "B": {"1": quantity("107")}},
    )
    b = crit(data, "B")
    assert b.final_exact == Fraction(80, 3)
    assert b.final_repeating == Fraction(80, 3)
    assert b.final_points == D("26.6666666667")
    total = score_year(data)["B"]
    assert total.total_exact == Fraction(80, 3)
    assert total.total == D("26.6666666667")
    assert total.repeating
    assert b.formula is not None and b.formula.endswith("= ≈26,67")


def test_relative_to_best_ties_for_best_all_get_maximum(tmp_path: Path) -> None:
    """Two members at the best ratio 1,08 both get 30; 1,04 gets 15 + 15·0,04/0,08 = 22,5."""
    data = year(
        tmp_path,
        [QUANT],
        {
            "A": {"1": quantity("108")},
            "B": {"1": quantity("108")},
            "C": {"1": quantity("104")},
        },
    )
    assert [crit(data, mid).final_points for mid in "ABC"] == [D(30), D(30), D("22.5")]


def test_relative_to_best_nobody_above_target_nobody_gets_maximum(tmp_path: Path) -> None:
    """L ≤ 1: the best (at target) gets 0,5·30 = 15, not 30; 0,9 gives 0,5·30·0,9 = 13,5."""
    data = year(
        tmp_path,
        [QUANT],
        {"A": {"1": quantity("100")}, "B": {"1": quantity("90")}},
    )
    assert crit(data, "A").final_points == D(15)
    assert crit(data, "B").final_points == D("13.5")


def test_relative_to_best_uses_appraised_values_for_the_best(tmp_path: Path) -> None:
    """Final L is taken over appraised-where-given values, self L over self values."""
    data = year(
        tmp_path,
        [QUANT],
        {
            # self 1,2 (the self-stage best), appraised down to 1,05
            "A": {"1": quantity("120") + ", " + quantity("105", stage="tham_dinh") + ", ly_do: x"},
            "B": {"1": quantity("110")},  # 1,1: the final-stage best
        },
    )
    a, b = crit(data, "A"), crit(data, "B")
    # Self stage, L = 1,2: A 30; B 15 + 15·0,1/0,2 = 22,5.
    assert (a.self_points, b.self_points) == (D(30), D("22.5"))
    # Final stage, L = 1,1: B 30; A 15 + 15·0,05/0,1 = 22,5.
    assert (a.appraised_points, a.final_points, b.final_points) == (D("22.5"), D("22.5"), D(30))
    scored = score_year(data)
    assert (scored["A"].self_total, scored["A"].total) == (D(30), D("22.5"))


def test_proportional_is_capped_and_exact(tmp_path: Path) -> None:
    """max·A/T: 20·95/100 = 19; 20·120/100 = 24 capped to 20; 20·50/150 = 20/3."""
    data = year(
        tmp_path,
        ['{ma: "1", ten: Thu, loai: dinh_luong, cach_tinh: ty_le, toi_da: 20}'],
        {
            "A": {"1": quantity("95")},
            "B": {"1": quantity("120")},
            "C": {"1": quantity("50", "150")},
        },
    )
    assert crit(data, "A").final_points == D(19)
    assert crit(data, "B").final_points == D(20)
    assert crit(data, "B").formula == (
        "thực hiện/chỉ tiêu = 120/100 = 1,2; 20 × 1,2 = 24, vượt tối đa: 20"
    )
    assert crit(data, "C").final_exact == Fraction(20, 3)


# --- per count, bonus, deduction, totals -------------------------------------------------


def test_per_count_multiplies_and_caps(tmp_path: Path) -> None:
    """3 times × 2 = 6; 7 times × 2 = 14, capped at the maximum 10."""
    data = year(
        tmp_path,
        ['{ma: "1", ten: Điển hình, loai: dem, diem_moi_lan: 2, toi_da: 10}'],
        {"A": {"1": "tu_cham: 3"}, "B": {"1": "tu_cham: 7"}},
    )
    assert crit(data, "A").final_points == D(6)
    assert crit(data, "A").formula == "3 lần × 2 = 6"
    assert crit(data, "B").final_points == D(10)
    assert crit(data, "B").formula == "7 lần × 2 = 14, vượt tối đa: 10"


def test_bonus_adds_and_deduction_subtracts(tmp_path: Path) -> None:
    """Total = 8 + bonus 10 − deduction 2 = 16; deductions stay positive in their own sum."""
    data = year(
        tmp_path,
        [
            '{ma: "1", ten: Chuyên môn, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 10}',
            '{ma: "2", ten: Cộng, loai: cong, toi_da: 15}',
            '{ma: "3", ten: Trừ, loai: tru, toi_da: 10}',
        ],
        {"A": {"1": "tu_cham: 8", "2": "tu_cham: 10", "3": "tu_cham: 2"}},
    )
    s = score_year(data)["A"]
    assert (s.total, s.self_total, s.bonus, s.deductions) == (D(16), D(16), D(10), D(2))
    assert s.groups == {"I": D(16)}
    ded = crit(data, "A", "3")
    assert (ded.final_points, ded.signed_points) == (D(2), D(-2))


def test_stages_appraised_replaces_self_and_missing_counts_zero(tmp_path: Path) -> None:
    """Final = appraised (18) where given, else self (9); no score at all counts 0 and missing."""
    graded = "loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20"
    data = year(
        tmp_path,
        [
            f'{{ma: "1", ten: Một, {graded}}}',
            f'{{ma: "2", ten: Hai, {graded}}}',
            f'{{ma: "3", ten: Ba, {graded}}}',
        ],
        {
            "A": {
                "1": "tu_cham: 20, tham_dinh: 18, ly_do: Chậm",
                "2": "tu_cham: 9",
                "3": 'minh_chung: "-"',
            }
        },
        state="dang_dien_ra",
    )
    s = score_year(data)["A"]
    one, two, three = s.criteria
    assert (one.self_points, one.appraised_points, one.final_points) == (D(20), D(18), D(18))
    assert one.changed and one.stage == "tham_dinh"
    assert (two.appraised_points, two.final_points, two.stage) == (None, D(9), "tu_cham")
    assert (three.final_points, three.missing, three.stage) == (D(0), True, None)
    # self 20 + 9 = 29; final 18 + 9 = 27
    assert (s.self_total, s.total, s.missing, s.appraised_entries) == (D(29), D(27), 1, 1)


def test_appraised_flag(tmp_path: Path) -> None:
    """In a year in progress a member is appraised once one criterion has tham_dinh."""
    graded = '{ma: "1", ten: Một, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}'
    members = {"A": {"1": "tu_cham: 20, tham_dinh: 20"}, "B": {"1": "tu_cham: 20"}}
    data = year(tmp_path / "open", [graded], members, state="dang_dien_ra")
    assert [s.appraised for s in score_year(data).values()] == [True, False]
    closed = year(tmp_path / "closed", [graded], members)
    assert [s.appraised for s in score_year(closed).values()] == [True, True]


def test_member_without_file_scores_zero(tmp_path: Path) -> None:
    """A member with no score file gets 0 everywhere, all criteria missing."""
    graded = '{ma: "1", ten: Một, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}'
    files = {
        "khoi.yaml": khoi("A B", state="dang_dien_ra"),
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": table(graded),
        "diem/A.yaml": scores("A", {"1": "tu_cham: 5"}),
    }
    s = score_year(load(tmp_path, files))["B"]
    assert (s.total, s.missing, s.has_file) == (D(0), 1, False)


def test_bundled_2020_totals() -> None:
    """The bundled 2020 totals, hand-checked (NHNN 106 … HQ 67,75), in member-list order."""
    from thidua.repo.years import open_year_or_raise

    data, _ = open_year_or_raise(Path(__file__).parent.parent / "data", 2020)
    totals = {mid: s.total for mid, s in score_year(data).items()}
    # NHNN: 30 + 19 + 10 + 10 + 4×2 + 9,5 + 9,5 + 10 (bonus) = 106
    # QLTT: 24 + 19 (appraised) + 10 + 10 + 3×2 + 9,5 + 9,5 = 88
    # KBNN: 22,5 + 18,5 + 10 + 9,5 (appraised) + 3×2 + 9 + 9 = 84,5
    # THUE: 19,5 + 18,5 + 10 + 9 + 2×2 + 9 + 9 = 79
    # CTK: 18 + 18 + 10 + 9 + 2×2 + 9 + 8,5 (appraised) = 76,5
    # BHXH: 15 + 18 + 10 + 9 + 2×2 + 9 + 8,5 = 73,5
    # HQ: 14,25 + 17,5 + 10 + 8,5 + 1×2 + 8,5 + 8 − 1 (appraised deduction) = 67,75
    assert totals == {
        "QLTT": D(88),
        "NHNN": D(106),
        "CTK": D("76.5"),
        "KBNN": D("84.5"),
        "THUE": D(79),
        "BHXH": D("73.5"),
        "HQ": D("67.75"),
    }


def test_to_decimal_exact_or_ten_places() -> None:
    """Finite decimals convert exactly (even with > 28 digits); others round half up at 10."""
    assert to_decimal(Fraction(169, 2)) == D("84.5")
    assert to_decimal(Fraction(2, 3)) == D("0.6666666667")
    assert to_decimal(Fraction(-2, 3)) == D("-0.6666666667")
    big = Fraction(10**40 + 1, 10**5)
    assert to_decimal(big) == D(str(10**35) + ".00001")


# --- problems ---------------------------------------------------------------------------


def messages(problems: list[object]) -> list[str]:
    return [str(p) for p in problems]


def test_scoring_problems_shapes_bounds_counts_and_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each wrong value is reported at its own line and column, with what is expected."""
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the current directory
    files = {
        "khoi.yaml": khoi("A"),
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": table(
            '{ma: "1", ten: Một, loai: dinh_tinh, cach_cham: dat_khong_dat, toi_da: 10}',
            '{ma: "2", ten: Hai, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}',
            '{ma: "3", ten: Ba, loai: dinh_luong, cach_tinh: ty_le, toi_da: 30}',
            '{ma: "4", ten: Bốn, loai: dem, diem_moi_lan: 2, toi_da: 10}',
            '{ma: "5", ten: Năm, loai: tru, toi_da: 10}',
            '{ma: "6", ten: Sáu, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}',
            '{ma: "7", ten: Bảy, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}',
        ),
        "diem/A.yaml": """\
            nam: 2020
            don_vi: A
            diem:
              "1":
                tu_cham: 10
              "2":
                tu_cham: đạt
                tham_dinh: {thuc_hien: 1, chi_tieu: 2}
                ly_do: x
              "3":
                tu_cham: 30
              "4":
                tu_cham: 2.5
              "5":
                tu_cham: 0
                tham_dinh: -1
                ly_do: x
              "6":
                tu_cham: 25
              "7":
                tu_cham: 20
                tham_dinh: 18
            """,
    }
    data, _ = load_with_problems(tmp_path, files)
    path = "data/2020/diem/A.yaml"
    assert messages(scoring_problems(data)) == [
        f'{path}:5:14: lỗi: điểm tự chấm tiêu chí "1" (định tính) cần "đạt" hoặc "không đạt", '
        "nhưng gặp số 10",
        f'{path}:7:14: lỗi: điểm tự chấm tiêu chí "2" (định tính) cần một số điểm từ 0 đến 20, '
        'nhưng gặp "đạt"',
        f'{path}:8:16: lỗi: điểm thẩm định tiêu chí "2" (định tính) cần một số điểm từ 0 đến 20, '
        "nhưng gặp thực hiện/chỉ tiêu {thuc_hien: 1, chi_tieu: 2}",
        f'{path}:11:14: lỗi: điểm tự chấm tiêu chí "3" (định lượng) cần thực hiện và chỉ tiêu, '
        "ví dụ {thuc_hien: 105, chi_tieu: 100}, nhưng gặp số 30",
        f'{path}:13:14: lỗi: điểm tự chấm tiêu chí "4" (chấm thẳng): số lần phải là số nguyên '
        "không âm (ví dụ 3), nhưng gặp 2.5",
        f'{path}:16:16: lỗi: điểm thẩm định tiêu chí "5" (điểm trừ): điểm -1 là số âm; cần từ 0 '
        "đến 10 (điểm trừ ghi số dương, thidua tự trừ khi cộng tổng)",
        f'{path}:19:14: lỗi: điểm tự chấm tiêu chí "6" (định tính): điểm 25 vượt quá điểm tối đa '
        "20; cần từ 0 đến 20",
        f'{path}:22:16: lỗi: điểm thẩm định tiêu chí "7" (18) khác điểm tự chấm (20): cần ghi lý '
        'do ở khóa "ly_do"',
    ]


def test_scoring_problems_accepts_equal_values_and_reasons(tmp_path: Path) -> None:
    """20 and 20.0 are the same score (no reason needed); a change with ly_do is fine."""
    graded = "loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20"
    data = year(
        tmp_path,
        [f'{{ma: "1", ten: Một, {graded}}}', f'{{ma: "2", ten: Hai, {graded}}}'],
        {
            "A": {
                "1": "tu_cham: 20, tham_dinh: 20.0",
                "2": "tu_cham: 20, tham_dinh: 18, ly_do: Chậm",
            }
        },
    )
    assert scoring_problems(data) == []


def test_rank_is_refused_on_scoring_problems(tmp_path: Path) -> None:
    """The loader's checks include scoring_problems, so a bad value is a data error."""
    graded = '{ma: "1", ten: Một, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 20}'
    files = {
        "khoi.yaml": khoi("A"),
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": table(graded),
        "diem/A.yaml": scores("A", {"1": "tu_cham: 21"}),
    }
    _, problems = load_with_problems(tmp_path, files)
    assert any("vượt quá điểm tối đa 20" in p.message for p in problems if p.is_error)
