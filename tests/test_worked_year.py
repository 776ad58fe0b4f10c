"""A small year worked out by hand, beside the golden files.

The golden files (tests/golden/) pin what thidua prints for the bundled 2020 data, but
nobody worked those numbers out on paper: a golden file only says the output has not
changed. This four-member year is small enough to compute by hand; the comment below does
it, and the test asserts those hand-made numbers, never numbers recomputed by code.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from rankdata import TABLE, ballots, khoi, points, quy_che, rank
from thidua import models as m

# The scoring table is rankdata.TABLE: 1.1 graded (max 60), 2.1 graded (max 40), 3.1 bonus
# (max 10), 3.2 deduction (max 10). No criterion is computed from other members' results.
#
# Totals (final = appraised score where there is one, else self-score; bonus added,
# deduction subtracted):
#   A: 52.5 + 35    + 2 - 0   = 89.5
#   B: 55   + 37    + 0 - 1   = 91
#   C: 48   + 32.25 + 1 - 0   = 81.25
#   D: 40   + 28    + 0 - 3   = 65      (2.1 self-scored 30, appraised 28: 28 counts;
#                                        D's self-score total is 40 + 30 - 3 = 67)
# Ranking by total (xep_hang: [diem]): 1 B (91), 2 A (89.5), 3 C (81.25), 4 D (65).
#
# The ballot "binh-chon": 4 papers issued and returned, 1 invalid, 3 valid: A 2, B 1.
# The leading-unit rule counts the share over the 4 members (mau_so: thanh_vien), at least
# (so_sanh: tu) 50 %, i.e. at least 2 votes:
#   B 1/4 = 25 %  -> below 50 %: the best-ranked member does not lead;
#   A 2/4 = 50 %  -> exactly 50 %, "từ 50 %" includes it: A leads (rank 2);
#   C 0/4 = 0 %,  D 0/4 = 0 %.
# (Over the 3 valid papers A would have 2/3; the denominator is the members, not the papers.)
#
# Awards, in the order of khen_thuong:
#   Cờ thi đua (dan_dau): the leading unit, A.
#   Bằng khen (tiep_theo, ty_le 50 %): 50 % x 4 members = 2 members, taken in rank order
#     among the eligible members other than the leading unit: B (rank 1), C (rank 3).
#   Giấy khen (tiep_theo, so_luong 1, diem_toi_thieu 70): the next member is D, but
#     65 < 70: nobody.
REGULATION = quy_che(
    extra="""\
    dan_dau:
      cuoc_bau: binh-chon
      nguong: 50%
      so_sanh: tu
      mau_so: thanh_vien
    khen_thuong:
      - {hinh_thuc: Cờ thi đua, doi_tuong: dan_dau}
      - {hinh_thuc: Bằng khen, doi_tuong: tiep_theo, ty_le: 50%}
      - {hinh_thuc: Giấy khen, doi_tuong: tiep_theo, so_luong: 1, diem_toi_thieu: 70}
    """
)

BALLOT = ballots(
    """\
  - ma: binh-chon
    ten: Bình chọn đơn vị dẫn đầu
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 4
    thu_ve: 4
    hop_le: 3
    khong_hop_le: 1
    ket_qua: {A: 2, B: 1}
"""
)

D_SCORES = """\
nam: 2020
don_vi: D
diem:
  "1.1": {tu_cham: 40}
  "2.1": {tu_cham: 30, tham_dinh: 28, ly_do: Thiếu minh chứng một phong trào}
  "3.1": {tu_cham: 0}
  "3.2": {tu_cham: 3}
"""

FILES = {
    "khoi.yaml": khoi("A B C D"),
    "quy-che.yaml": REGULATION,
    "tieu-chi.yaml": TABLE,
    "phieu-bau.yaml": BALLOT,
    "diem/A.yaml": points("A", "52.5", "35", "2", "0"),
    "diem/B.yaml": points("B", "55", "37", "0", "1"),
    "diem/C.yaml": points("C", "48", "32.25", "1", "0"),
    "diem/D.yaml": D_SCORES,
}


def test_worked_year_totals_shares_leading_unit_and_awards(tmp_path: Path) -> None:
    """Every number of the hand computation above, exactly."""
    result = rank(tmp_path, FILES)
    rows = [
        (row.rank, row.member.id, row.score.total_exact, row.votes, row.vote_share)
        for row in result.rows
    ]
    assert rows == [
        (1, "B", Fraction(91), 1, Fraction(1, 4)),
        (2, "A", Fraction(179, 2), 2, Fraction(1, 2)),
        (3, "C", Fraction(325, 4), 0, Fraction(0)),
        (4, "D", Fraction(65), 0, Fraction(0)),
    ]
    assert result.row("D").score.self_total == Decimal(67)
    assert result.vote_denominator is m.Denominator.MEMBERS
    rule = result.data.regulation.leading
    assert rule is not None
    assert (rule.threshold, rule.comparison) == (Fraction(1, 2), m.Comparison.AT_LEAST)
    tally = result.tallies["binh-chon"]
    assert (tally.issued, tally.returned, tally.valid, tally.invalid) == (4, 4, 3, 1)
    assert result.leading is not None and result.leading.id == "A"
    assert [row.member.id for row in result.rows if row.leading] == ["A"]
    assert [(award.name, award.member.id) for award in result.awards] == [
        ("Cờ thi đua", "A"),
        ("Bằng khen", "B"),
        ("Bằng khen", "C"),
    ]
    assert {row.member.id: row.awards for row in result.rows} == {
        "A": ("Cờ thi đua",),
        "B": ("Bằng khen",),
        "C": ("Bằng khen",),
        "D": (),
    }
    assert result.warnings == ()
