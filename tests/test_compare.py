"""The comparison behind ``thidua diff`` (:func:`thidua.compute.compare.compare`), in memory.

Two versions of a year are written to two folders and read with the loader, then compared
directly: no git, no command line (tests/test_gitflow.py runs ``thidua diff`` on a real
repository). The base year is yeardata's: A 18 + 10 = 28, B 15 + 10 = 25, C 12 + 0 = 12,
ranked by total, no leading-unit vote, no awards.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from thidua.compute.compare import Change, Move, compare
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.repo.years import open_year_or_raise
from yeardata import KHOI, score_file, write_year

BALLOTS = """\
    nam: 2020
    cuoc_bau:
      - ma: binh-chon
        ten: Bình chọn
        loai: chon
        so_chon_toi_da: 1
        phat_ra: 3
        thu_ve: 3
        hop_le: {valid}
        khong_hop_le: {invalid}
        ket_qua: {{A: {a}, B: 1}}
    """


def version(folder: Path, files: dict[str, str | bytes | None] | None = None) -> YearResult:
    """The base year plus ``files``, written under ``folder`` and ranked."""
    write_year(folder, files)
    data, _ = open_year_or_raise(folder / "data", 2020)
    return rank_year(data)


def test_a_changed_score(tmp_path: Path) -> None:
    """B's 1.1 from 15 to 19: B 25 -> 29 overtakes A (28), who keeps 28; B now leads."""
    old = version(tmp_path / "a")
    new = version(tmp_path / "b", {"diem/B.yaml": score_file("B", first="19")})
    diff = compare(old, new, "HEAD", "thư mục làm việc")
    assert (diff.year, diff.label_a, diff.label_b) == (2020, "HEAD", "thư mục làm việc")
    assert diff.changes == (
        Change("diem", "B, tiêu chí 1.1", "tự chấm", "tu_cham", "15", "19"),
        Change("ket_qua", "", "đơn vị dẫn đầu", "dan_dau", "Đơn vị A", "Đơn vị B"),
    )
    assert diff.moves == (
        Move("A", "Đơn vị A", Fraction(28), Fraction(28), 1, 2),
        Move("B", "Đơn vị B", Fraction(25), Fraction(29), 2, 1),
    )
    assert not diff.empty


def test_a_changed_ballot_count(tmp_path: Path) -> None:
    """One valid paper for A becomes invalid: two counts and A's votes change; the ranking
    (by total only) does not move."""
    old = version(tmp_path / "a", {"phieu-bau.yaml": BALLOTS.format(valid=3, invalid=0, a=2)})
    new = version(tmp_path / "b", {"phieu-bau.yaml": BALLOTS.format(valid=2, invalid=1, a=1)})
    diff = compare(old, new, "a", "b")
    assert diff.changes == (
        Change("phieu_bau", "binh-chon", "số phiếu hợp lệ", "hop_le", "3", "2"),
        Change("phieu_bau", "binh-chon", "số phiếu không hợp lệ", "khong_hop_le", "0", "1"),
        Change("phieu_bau", "binh-chon", "số phiếu cho A", "ket_qua.A", "2", "1"),
    )
    assert diff.moves == ()


def test_a_member_added(tmp_path: Path) -> None:
    """D joins with 10 + 0 = 10 points: its two scores, the member list, and D ranked 4th;
    A, B and C keep their totals and ranks, so only D is listed as moved."""
    khoi = KHOI + "  - ma: D\n    ten_ngan: Đơn vị D\n    ten: Đơn vị thử nghiệm D\n"
    old = version(tmp_path / "a")
    new = version(
        tmp_path / "b",
        {"khoi.yaml": khoi, "diem/D.yaml": score_file("D", first="10", second="không đạt")},
    )
    diff = compare(old, new, "a", "b")
    assert diff.changes == (
        Change("diem", "D, tiêu chí 1.1", "tự chấm", "tu_cham", None, "10"),
        Change("diem", "D, tiêu chí 1.2", "tự chấm", "tu_cham", None, "không đạt"),
        Change(
            "khoi",
            "",
            "thành viên",
            "thanh_vien",
            "A (Đơn vị A); B (Đơn vị B); C (Đơn vị C)",
            "A (Đơn vị A); B (Đơn vị B); C (Đơn vị C); D (Đơn vị D)",
        ),
    )
    assert diff.moves == (Move("D", "Đơn vị D", None, Fraction(10), None, 4),)


def test_the_same_year_twice_is_no_change(tmp_path: Path) -> None:
    """Layout only (a comment, a quoted number): nothing to report."""
    old = version(tmp_path / "a")
    new = version(
        tmp_path / "b", {"diem/A.yaml": "# chú thích\n" + score_file("A").replace("18", '"18"')}
    )
    diff = compare(old, new, "a", "b")
    assert (diff.changes, diff.moves, diff.empty) == ((), (), True)
