"""Secret-ballot tallies: paper verdicts, Borda and approval counts, counts, shares, problems.

Expected values are computed by hand in the comments; the random profiles at the end are
checked against the independent library pref_voting.
"""

from __future__ import annotations

import random
import unicodedata
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from thidua import models as m
from thidua.compute import voting
from thidua.compute.ballot_rules import ballots_problems, tally_problems
from thidua.compute.voting import PaperVerdict, YamlPath, meets, tally
from thidua.errors import Position, Problem, Severity
from thidua.read.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ["QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ"]
EXPECTED_IDS = "cần một trong các mã: QLTT, NHNN, CTK, KBNN, THUE, BHXH, HQ"
CHECK = "hãy kiểm tra lại kết quả kiểm phiếu"


def ballot(**fields: Any) -> m.Ballot:
    """A ballot from YAML-like string values; counts default to 7 issued and returned."""
    data: dict[str, Any] = {"ma": "b", "ten": "Bình chọn", "phat_ra": "7", "thu_ve": "7"}
    data.update(fields)
    return m.Ballot.model_validate(data)


def path_pos(path: YamlPath) -> Position:
    """A fake position that spells the path, so tests can pin where a problem points."""
    return Position("/".join(str(p) for p in path))


def problems(b: m.Ballot) -> list[tuple[str, str]]:
    return [(p.position.path, p.message) for p in tally_problems(b, MEMBERS, path_pos)]


def rule(threshold: str, comparison: str, denominator: str = "hop_le") -> m.VoteRule:
    return m.VoteRule.model_validate(
        {"cuoc_bau": "b", "nguong": threshold, "so_sanh": comparison, "mau_so": denominator}
    )


# --- approval ---------------------------------------------------------------------------


def test_approval_papers_counted_and_judged() -> None:
    """Approval papers: valid ones give one vote per member; each invalid sort has its reason."""
    b = ballot(
        loai="chon",
        so_chon_toi_da="2",
        ung_vien=["NHNN", "QLTT", "CTK"],
        phat_ra="10",
        thu_ve="10",
        phieu=[
            ["NHNN", "QLTT"],
            ["NHNN"],
            ["CTK", "NHNN"],
            ["NHNN", "QLTT", "CTK"],
            ["NHNN", "NHNN"],
            ["XYZ"],
            ["KBNN"],
            "không hợp lệ",
            [],
            {"NHNN": "1"},
        ],
    )
    t = tally(b, MEMBERS)
    # Options follow the member list, not ung_vien's order.
    assert t.options == ("QLTT", "NHNN", "CTK")
    # Valid papers 0-2: NHNN 3, QLTT 1, CTK 1.
    assert t.votes == {"QLTT": 1, "NHNN": 3, "CTK": 1}
    assert (t.issued, t.returned, t.valid, t.invalid) == (10, 10, 3, 7)
    assert t.from_papers
    assert t.papers == (
        PaperVerdict(0, True, None),
        PaperVerdict(1, True, None),
        PaperVerdict(2, True, None),
        PaperVerdict(3, False, "chọn 3 đơn vị, quá số tối đa 2"),
        PaperVerdict(4, False, "ghi NHNN hai lần"),
        PaperVerdict(5, False, '"XYZ" không phải là đơn vị thành viên'),
        PaperVerdict(6, False, "KBNN không phải là ứng viên"),
        PaperVerdict(7, False, "phiếu được ghi là không hợp lệ"),
        PaperVerdict(8, False, "không chọn đơn vị nào"),
        PaperVerdict(
            9,
            False,
            "phiếu ghi bảng thứ hạng, không đúng loại cuộc bỏ phiếu (chọn tối đa 2 đơn vị)",
        ),
    )


def test_approval_default_is_one_choice() -> None:
    """Without so_chon_toi_da a paper may mark one member; two marks make it invalid."""
    b = ballot(loai="chon", thu_ve="2", phieu=[["NHNN"], ["NHNN", "QLTT"]])
    t = tally(b, MEMBERS)
    assert voting.max_choices(b) == 1
    assert t.options == tuple(MEMBERS)
    assert t.votes == dict.fromkeys(MEMBERS, 0) | {"NHNN": 1}
    assert t.papers[1] == PaperVerdict(1, False, "chọn 2 đơn vị, quá số tối đa 1")


def test_approval_totals_as_declared() -> None:
    """With totals the votes and counts are as declared; non-candidates get no option."""
    b = ballot(
        loai="chon",
        co_mat="7",
        hop_le="6",
        khong_hop_le="1",
        ung_vien=["NHNN", "QLTT"],
        ket_qua={"NHNN": "5", "QLTT": "1", "KBNN": "2"},
    )
    t = tally(b, MEMBERS)
    assert t.options == ("QLTT", "NHNN")
    assert t.votes == {"QLTT": 1, "NHNN": 5}
    assert (t.present, t.issued, t.returned, t.valid, t.invalid) == (7, 7, 7, 6, 1)
    assert t.papers == ()
    assert not t.from_papers
    assert t.votes_of("KBNN") == 0


@pytest.mark.parametrize(
    ("fields", "valid", "invalid"),
    [
        ({"hop_le": "6", "khong_hop_le": "1"}, 6, 1),
        ({"khong_hop_le": "2"}, 5, 2),  # valid = 7 returned - 2
        ({"hop_le": "4"}, 4, 3),  # invalid = 7 returned - 4
        ({}, 7, 0),  # every returned paper valid
        ({"khong_hop_le": "9"}, 0, 9),  # never below 0 (and a problem)
    ],
)
def test_declared_counts_derived(fields: dict[str, str], valid: int, invalid: int) -> None:
    """A missing valid or invalid count is the returned count minus the other one."""
    t = tally(ballot(loai="chon", ket_qua={}, **fields), MEMBERS)
    assert (t.valid, t.invalid) == (valid, invalid)


# --- ranked (Borda) -----------------------------------------------------------------------


def test_borda_full_rankings() -> None:
    """Full rankings of 4 candidates give 3, 2, 1, 0 points, in mapping or list form."""
    b = ballot(
        loai="xep_hang",
        ung_vien=["NHNN", "QLTT", "CTK", "KBNN"],
        thu_ve="3",
        phieu=[
            {"NHNN": "1", "QLTT": "2", "CTK": "3", "KBNN": "4"},  # NHNN 3, QLTT 2, CTK 1
            ["QLTT", "NHNN", "KBNN", "CTK"],  # QLTT 3, NHNN 2, KBNN 1
            {"KBNN": "2", "NHNN": "1", "CTK": "4", "QLTT": "3"},  # NHNN 3, KBNN 2, QLTT 1
        ],
    )
    t = tally(b, MEMBERS)
    assert t.options == ("QLTT", "NHNN", "CTK", "KBNN")
    assert t.votes == {"QLTT": 6, "NHNN": 8, "CTK": 1, "KBNN": 3}
    assert (t.valid, t.invalid) == (3, 0)


def test_borda_partial_rankings() -> None:
    """Rank r of n candidates gives n - r points; unranked candidates get 0."""
    b = ballot(
        loai="xep_hang",
        ung_vien=["NHNN", "QLTT", "CTK", "KBNN"],
        thu_ve="4",
        phieu=[
            {"NHNN": "1"},  # NHNN 3
            ["QLTT", "CTK"],  # QLTT 3, CTK 2
            {"KBNN": "1", "NHNN": "2", "QLTT": "3"},  # KBNN 3, NHNN 2, QLTT 1
            ["CTK", "KBNN", "NHNN"],  # CTK 3, KBNN 2, NHNN 1 (same as a full ranking)
        ],
    )
    t = tally(b, MEMBERS)
    assert t.votes == {"QLTT": 4, "NHNN": 6, "CTK": 5, "KBNN": 5}
    assert all(v.valid for v in t.papers)


def test_ranked_invalid_papers() -> None:
    """Shared ranks, gaps, rank 0, repeats, unknown ids, non-candidates and blanks are void."""
    b = ballot(
        loai="xep_hang",
        ung_vien=["NHNN", "QLTT", "CTK", "KBNN"],
        phat_ra="12",
        thu_ve="12",
        phieu=[
            {"NHNN": "1", "QLTT": "1"},
            {"NHNN": "1", "QLTT": "3"},
            {"NHNN": "0"},
            ["NHNN", "QLTT", "NHNN"],
            {"XYZ": "1"},
            ["HQ"],
            {},
            [],
            "đồng ý",
            "không hợp lệ",
            {"NHNN": "2", "QLTT": "3"},
            ["CTK"],
        ],
    )
    t = tally(b, MEMBERS)
    assert [v.reason for v in t.papers] == [
        "NHNN và QLTT cùng thứ hạng 1",
        "thứ hạng phải liên tiếp từ 1 đến 2, nhưng gặp 1, 3",
        "thứ hạng phải là 1, nhưng gặp 0",
        "ghi NHNN hai lần",
        '"XYZ" không phải là đơn vị thành viên',
        "HQ không phải là ứng viên",
        "không xếp hạng đơn vị nào",
        "không xếp hạng đơn vị nào",
        'phiếu ghi "đồng ý", không đúng loại cuộc bỏ phiếu (xếp thứ tự)',
        "phiếu được ghi là không hợp lệ",
        "thứ hạng phải liên tiếp từ 1 đến 2, nhưng gặp 2, 3",
        None,
    ]
    # Only the last paper counts: CTK first of 4 candidates, 3 points.
    assert t.votes == {"QLTT": 0, "NHNN": 0, "CTK": 3, "KBNN": 0}
    assert (t.valid, t.invalid) == (1, 11)
    # The results name members in full: the reasons are printed in the vote-count minutes.
    names = {"NHNN": "Ngân hàng Nhà nước", "QLTT": "Cục Quản lý thị trường", "HQ": "Hải quan"}
    named = tally(b, MEMBERS, names)
    assert [v.reason for v in named.papers][:6] == [
        "Ngân hàng Nhà nước và Cục Quản lý thị trường cùng thứ hạng 1",
        "thứ hạng phải liên tiếp từ 1 đến 2, nhưng gặp 1, 3",
        "thứ hạng phải là 1, nhưng gặp 0",
        "ghi Ngân hàng Nhà nước hai lần",
        '"XYZ" không phải là đơn vị thành viên',
        "Hải quan không phải là ứng viên",
    ]


def test_ranked_totals_are_borda_points() -> None:
    """A ranked ballot's ket_qua holds Borda points, taken as they are."""
    b = ballot(
        loai="xep_hang",
        ung_vien=["NHNN", "QLTT", "CTK"],
        thu_ve="2",
        phat_ra="2",
        ket_qua={"NHNN": "4", "QLTT": "2"},
    )
    t = tally(b, MEMBERS)
    assert t.votes == {"QLTT": 2, "NHNN": 4, "CTK": 0}
    assert problems(b) == []


# --- yes / no -----------------------------------------------------------------------------


def test_yes_no_papers() -> None:
    """Yes/no papers: đồng ý and không đồng ý counted; spoiled and wrong-shaped are void."""
    b = ballot(
        loai="tan_thanh",
        de_xuat="QLTT",
        phat_ra="8",
        thu_ve="8",
        phieu=["đồng ý"] * 5 + ["không đồng ý", "không hợp lệ", ["QLTT"]],
    )
    t = tally(b, MEMBERS)
    assert t.options == ("dong_y", "khong_dong_y")
    assert t.votes == {"dong_y": 5, "khong_dong_y": 1}
    assert (t.valid, t.invalid) == (6, 2)
    assert t.papers[7] == PaperVerdict(
        7,
        False,
        "phiếu ghi danh sách đơn vị, không đúng loại cuộc bỏ phiếu (tán thành / không tán thành)",
    )


def test_yes_no_totals() -> None:
    """Yes/no totals: a missing option counts 0."""
    t = tally(ballot(loai="tan_thanh", de_xuat="QLTT", ket_qua={"dong_y": "7"}), MEMBERS)
    assert t.votes == {"dong_y": 7, "khong_dong_y": 0}


# --- denominators, shares, thresholds -----------------------------------------------------


def test_denominators() -> None:
    """Members, present (co_mat) and valid papers, each as the regulation names it."""
    t = tally(
        ballot(loai="chon", co_mat="6", thu_ve="6", hop_le="5", ket_qua={"NHNN": "5"}),
        MEMBERS,
    )
    assert t.denominator(m.Denominator.MEMBERS, 7) == 7
    assert t.denominator(m.Denominator.PRESENT, 7) == 6
    assert t.denominator(m.Denominator.VALID, 7) == 5
    assert t.share("NHNN", m.Denominator.MEMBERS, 7) == Fraction(5, 7)
    assert t.share("NHNN", m.Denominator.PRESENT, 7) == Fraction(5, 6)
    assert t.share("NHNN", m.Denominator.VALID, 7) == 1
    assert t.share("QLTT", m.Denominator.VALID, 7) == 0


def test_unknown_or_zero_denominator_gives_no_share() -> None:
    """Without co_mat, or with no valid paper, there is no share, and no threshold is met."""
    t = tally(ballot(loai="chon", hop_le="0", khong_hop_le="7", ket_qua={}), MEMBERS)
    assert t.denominator(m.Denominator.PRESENT, 7) is None
    assert t.share("NHNN", m.Denominator.PRESENT, 7) is None
    assert t.share("NHNN", m.Denominator.VALID, 7) is None
    assert not meets(None, rule("0%", "tu"))


def test_half_is_not_more_than_half() -> None:
    """Exactly 50 %: meets "từ 50%" (>=) but not "lớn hơn 50%" (>)."""
    t = tally(
        ballot(loai="chon", phat_ra="10", thu_ve="10", ket_qua={"NHNN": "5", "QLTT": "5"}), MEMBERS
    )
    share = t.share("NHNN", m.Denominator.VALID, 7)
    assert share == Fraction(1, 2)
    assert not meets(share, rule("50%", "lon_hon"))
    assert meets(share, rule("50%", "tu"))
    assert meets(Fraction(6, 10), rule("50%", "lon_hon"))


def test_two_thirds_boundary() -> None:
    """4 of 6 is exactly 2/3: meets "tu 2/3" not "lon_hon 2/3"; 66.67% is a bit more than 2/3."""
    share = Fraction(4, 6)
    assert meets(share, rule("2/3", "tu"))
    assert not meets(share, rule("2/3", "lon_hon"))
    assert not meets(share, rule("66.67%", "tu"))
    assert meets(share, rule("66.66%", "lon_hon"))


def test_seventy_percent_boundary() -> None:
    """7 of 10 meets "tu 70%" but not "lon_hon 70%"."""
    assert meets(Fraction(7, 10), rule("70%", "tu"))
    assert not meets(Fraction(7, 10), rule("70%", "lon_hon"))
    assert not meets(Fraction(69, 100), rule("70%", "tu"))


# --- problems -----------------------------------------------------------------------------

APPROVAL_OK: dict[str, Any] = {
    "loai": "chon",
    "co_mat": "7",
    "hop_le": "7",
    "khong_hop_le": "0",
    "ket_qua": {"NHNN": "6", "QLTT": "1"},
}


def test_consistent_ballots_have_no_problem() -> None:
    """The three kinds, consistent, give no problem."""
    assert problems(ballot(**APPROVAL_OK)) == []
    yes_no = ballot(loai="tan_thanh", de_xuat="QLTT", ket_qua={"dong_y": "6", "khong_dong_y": "1"})
    assert problems(yes_no) == []
    papers = ballot(loai="xep_hang", thu_ve="1", phieu=[["NHNN"]], hop_le="1", khong_hop_le="0")
    assert problems(papers) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"hop_le": "6", "ket_qua": {"NHNN": "5", "QLTT": "1"}},
            [
                (
                    "hop_le",
                    "số phiếu hợp lệ (6) cộng không hợp lệ (0) là 6, khác số phiếu thu về (7); "
                    "hãy kiểm tra lại biên bản kiểm phiếu",
                )
            ],
            id="valid-plus-invalid",
        ),
        pytest.param(
            {"co_mat": None, "thu_ve": "8", "hop_le": "8", "ket_qua": {"NHNN": "8"}},
            [
                (
                    "thu_ve",
                    "số phiếu thu về (8) lớn hơn số phiếu phát ra (7); "
                    "hãy kiểm tra lại biên bản kiểm phiếu",
                )
            ],
            id="returned-over-issued",
        ),
        pytest.param(
            {"co_mat": "6"},
            [
                (
                    "thu_ve",
                    "số phiếu thu về (7) lớn hơn số thành viên có mặt (6); "
                    "mỗi thành viên có mặt chỉ bỏ một phiếu",
                )
            ],
            id="returned-over-present",
        ),
        pytest.param(
            {"co_mat": "8"},
            [
                (
                    "co_mat",
                    "số thành viên có mặt (8) lớn hơn số thành viên của Khối (7); hãy kiểm tra lại",
                )
            ],
            id="present-over-members",
        ),
        pytest.param(
            {"ket_qua": {"NHNN": "6", "QLTT": "1", "XYZ": "1"}},
            [
                (
                    "ket_qua/XYZ",
                    f'"XYZ" trong ket_qua không phải là đơn vị thành viên; {EXPECTED_IDS}',
                )
            ],
            id="totals-non-member",
        ),
        pytest.param(
            {"ung_vien": ["NHNN", "QLTT"], "ket_qua": {"NHNN": "6", "QLTT": "1", "KBNN": "1"}},
            [
                (
                    "ket_qua/KBNN",
                    '"KBNN" không có trong ung_vien của cuộc bỏ phiếu này; hãy bỏ dòng này '
                    "hoặc thêm KBNN vào ung_vien",
                )
            ],
            id="totals-non-candidate",
        ),
        pytest.param(
            {"so_chon_toi_da": "2", "ket_qua": {"NHNN": "7", "QLTT": "6", "CTK": "2"}},
            [
                (
                    "ket_qua",
                    "tổng số phiếu bầu cho các đơn vị (15) lớn hơn số phiếu hợp lệ (7) nhân số "
                    f"đơn vị được chọn tối đa (2) là 14; {CHECK}",
                )
            ],
            id="approval-sum-over-max",
        ),
        pytest.param(
            {"so_chon_toi_da": "2", "ket_qua": {"NHNN": "8", "QLTT": "1"}},
            [("ket_qua/NHNN", f"NHNN được 8 phiếu, nhiều hơn số phiếu hợp lệ (7); {CHECK}")],
            id="approval-member-over-valid",
        ),
        pytest.param(
            {"ket_qua": {"NHNN": "5", "QLTT": "1"}},
            [
                (
                    "ket_qua",
                    "tổng số phiếu bầu cho các đơn vị (6) nhỏ hơn số phiếu hợp lệ (7), mà mỗi "
                    "phiếu hợp lệ chọn ít nhất một đơn vị (phiếu không chọn ai là phiếu không "
                    f"hợp lệ); {CHECK}",
                )
            ],
            id="approval-sum-under-valid",
        ),
        pytest.param(
            {"phieu": [["NHNN"]] * 7},
            [
                (
                    "",
                    "cuộc bỏ phiếu ghi cả kết quả (ket_qua) lẫn từng phiếu (phieu); hãy chỉ giữ "
                    "một trong hai (khi có cả hai, thidua đếm theo phieu)",
                )
            ],
            id="papers-and-totals",
        ),
        pytest.param(
            {"ket_qua": None},
            [
                (
                    "",
                    "cuộc bỏ phiếu chưa có kết quả; hãy ghi ket_qua (số phiếu của mỗi lựa chọn) "
                    "hoặc phieu (từng phiếu, không ghi người bỏ phiếu)",
                )
            ],
            id="no-result",
        ),
        pytest.param(
            {"de_xuat": "NHNN"},
            [
                (
                    "de_xuat",
                    "de_xuat chỉ dùng cho cuộc bỏ phiếu loại tan_thanh; cuộc bỏ phiếu này có "
                    "loại chon, hãy bỏ dòng này (các ứng viên ghi ở ung_vien)",
                )
            ],
            id="subject-on-approval",
        ),
        pytest.param(
            {"ung_vien": [], "hop_le": "0", "khong_hop_le": "7", "ket_qua": {}},
            [
                (
                    "ung_vien",
                    "ung_vien trống; hãy ghi ít nhất một đơn vị, hoặc bỏ ung_vien để mọi thành "
                    "viên đều là ứng viên",
                )
            ],
            id="no-candidate",
        ),
        pytest.param(
            {"ung_vien": ["NHNN", "XYZ", "NHNN", "QLTT"]},
            [
                ("ung_vien/1", f'ứng viên "XYZ" không phải là đơn vị thành viên; {EXPECTED_IDS}'),
                ("ung_vien/2", 'ứng viên "NHNN" được ghi hai lần; mỗi đơn vị chỉ ghi một lần'),
            ],
            id="candidate-unknown-and-repeated",
        ),
        pytest.param(
            {"khong_hop_le": None, "hop_le": "8", "ket_qua": {"NHNN": "8"}},
            [
                (
                    "hop_le",
                    "số phiếu hợp lệ (8) lớn hơn số phiếu thu về (7); "
                    "hãy kiểm tra lại biên bản kiểm phiếu",
                )
            ],
            id="valid-over-returned",
        ),
        pytest.param(
            {"hop_le": None, "khong_hop_le": "9", "ket_qua": {}},
            [
                (
                    "khong_hop_le",
                    "số phiếu không hợp lệ (9) lớn hơn số phiếu thu về (7); "
                    "hãy kiểm tra lại biên bản kiểm phiếu",
                )
            ],
            id="invalid-over-returned",
        ),
    ],
)
def test_approval_problems(fields: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    """Each inconsistency of an approval ballot is reported once, where it is, in Vietnamese."""
    data = {**APPROVAL_OK, **fields}
    data = {k: v for k, v in data.items() if v is not None}
    b = ballot(**data)
    assert problems(b) == expected


YES_NO_OK: dict[str, Any] = {
    "loai": "tan_thanh",
    "de_xuat": "QLTT",
    "ket_qua": {"dong_y": "7", "khong_dong_y": "0"},
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"ket_qua": {"dong_y": "7", "khong_dong_y": "1"}},
            [
                (
                    "ket_qua",
                    "số phiếu đồng ý (7) cộng không đồng ý (1) là 8, khác số phiếu hợp lệ (7); "
                    "mỗi phiếu hợp lệ là đồng ý hoặc không đồng ý",
                )
            ],
            id="yes-plus-no",
        ),
        pytest.param(
            {"ket_qua": {"dong_y": "7", "NHNN": "1"}},
            [
                (
                    "ket_qua/NHNN",
                    "kết quả cuộc bỏ phiếu loại tan_thanh chỉ ghi dong_y và khong_dong_y, nhưng "
                    'gặp "NHNN"',
                )
            ],
            id="yes-no-other-option",
        ),
        pytest.param(
            {"so_chon_toi_da": "1"},
            [
                (
                    "so_chon_toi_da",
                    "so_chon_toi_da chỉ dùng cho cuộc bỏ phiếu loại chon (chọn tối đa k đơn "
                    "vị); cuộc bỏ phiếu này có loại tan_thanh, hãy bỏ dòng này",
                )
            ],
            id="max-choices-on-yes-no",
        ),
        pytest.param(
            {"de_xuat": None},
            [
                (
                    "",
                    "cuộc bỏ phiếu loại tan_thanh cần de_xuat: mã đơn vị mà đề xuất nói đến "
                    "(ví dụ de_xuat: QLTT)",
                )
            ],
            id="no-subject",
        ),
        pytest.param(
            {"de_xuat": "XYZ"},
            [("de_xuat", f'"XYZ" không phải là đơn vị thành viên; {EXPECTED_IDS}')],
            id="subject-not-member",
        ),
        pytest.param(
            {"ung_vien": ["QLTT"]},
            [
                (
                    "ung_vien",
                    "ung_vien không dùng cho cuộc bỏ phiếu loại tan_thanh; đơn vị được đề xuất "
                    "ghi ở de_xuat, hãy bỏ ung_vien",
                )
            ],
            id="candidates-on-yes-no",
        ),
    ],
)
def test_yes_no_problems(fields: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    """Each inconsistency of a yes/no ballot is reported once, where it is."""
    data = {k: v for k, v in {**YES_NO_OK, **fields}.items() if v is not None}
    assert problems(ballot(**data)) == expected


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        pytest.param(
            {"NHNN": "5", "QLTT": "1"},
            [
                (
                    "ket_qua/NHNN",
                    "NHNN được 5 điểm Borda, nhiều hơn mức tối đa 4 (2 phiếu hợp lệ × 2 điểm "
                    f"của hạng nhất); {CHECK}",
                )
            ],
            id="member-over-max",
        ),
        pytest.param(
            {"NHNN": "4", "QLTT": "3"},
            [
                (
                    "ket_qua",
                    "tổng điểm Borda (7) lớn hơn mức tối đa 6 (2 phiếu hợp lệ × 3 điểm của một "
                    f"phiếu xếp đủ 3 ứng viên); {CHECK}",
                )
            ],
            id="sum-over-max",
        ),
        pytest.param(
            {"NHNN": "2", "QLTT": "1"},
            [
                (
                    "ket_qua",
                    "tổng điểm Borda (3) nhỏ hơn mức tối thiểu 4 (2 phiếu hợp lệ × 2 điểm của "
                    f"đơn vị xếp thứ nhất); {CHECK}",
                )
            ],
            id="sum-under-min",
        ),
    ],
)
def test_borda_totals_problems(totals: dict[str, str], expected: list[tuple[str, str]]) -> None:
    """Borda totals of 3 candidates and 2 valid papers: each at most 4, in sum 4 to 6."""
    b = ballot(
        loai="xep_hang", ung_vien=["NHNN", "QLTT", "CTK"], phat_ra="2", thu_ve="2", ket_qua=totals
    )
    assert problems(b) == expected


def test_paper_count_problems() -> None:
    """Papers must number the returned count and agree with a declared valid/invalid count."""
    b = ballot(
        loai="chon",
        hop_le="7",
        khong_hop_le="0",
        phieu=[["NHNN"]] * 5 + ["không hợp lệ"],
    )
    assert problems(b) == [
        (
            "phieu",
            "phieu ghi 6 phiếu, khác số phiếu thu về (7); hãy ghi đủ từng phiếu thu về, kể cả "
            'phiếu "không hợp lệ"',
        ),
        (
            "hop_le",
            "số phiếu hợp lệ ghi là 7, nhưng đếm trong phieu được 5; hãy sửa hop_le hoặc kiểm "
            "tra lại từng phiếu",
        ),
        (
            "khong_hop_le",
            "số phiếu không hợp lệ ghi là 0, nhưng đếm trong phieu được 1; hãy sửa khong_hop_le "
            "hoặc kiểm tra lại từng phiếu",
        ),
    ]


@pytest.mark.parametrize(
    ("kind", "paper", "expected"),
    [
        (
            "chon",
            {"NHNN": "1"},
            "phiếu thứ 2 ghi bảng thứ hạng, nhưng cuộc bỏ phiếu này có loại chon (chọn tối đa 1 "
            "đơn vị); hãy ghi danh sách mã các đơn vị được chọn",
        ),
        (
            "xep_hang",
            "đồng ý",
            'phiếu thứ 2 ghi "đồng ý", nhưng cuộc bỏ phiếu này có loại xep_hang (xếp thứ tự); '
            'hãy ghi bảng "đơn vị: thứ hạng" hoặc danh sách đơn vị theo thứ tự',
        ),
        (
            "tan_thanh",
            ["QLTT"],
            "phiếu thứ 2 ghi danh sách đơn vị, nhưng cuộc bỏ phiếu này có loại tan_thanh (tán "
            'thành / không tán thành); hãy ghi "đồng ý", "không đồng ý" hoặc "không hợp lệ"',
        ),
    ],
)
def test_wrong_shaped_paper_is_an_entry_error(kind: str, paper: Any, expected: str) -> None:
    """A paper of the wrong shape for the ballot's kind is an error at that paper."""
    first = "đồng ý" if kind == "tan_thanh" else ["NHNN"]
    fields = {"de_xuat": "QLTT"} if kind == "tan_thanh" else {}
    b = ballot(loai=kind, thu_ve="2", phieu=[first, paper], **fields)
    found = tally_problems(b, MEMBERS, path_pos)
    assert [(p.position.path, p.message, p.severity) for p in found] == [
        ("phieu/1", expected, Severity.ERROR)
    ]


def test_unknown_id_on_paper_is_a_warning() -> None:
    """A paper naming an unknown id is void, with a warning in case it is a typing slip."""
    b = ballot(loai="chon", thu_ve="2", phieu=[["NHNN"], ["NHM"]])
    found = tally_problems(b, MEMBERS, path_pos)
    assert [(p.position.path, p.message, p.severity) for p in found] == [
        (
            "phieu/1",
            'phiếu thứ 2 ghi "NHM", không phải mã đơn vị thành viên, nên được tính là phiếu '
            f"không hợp lệ; nếu đây là lỗi nhập liệu, hãy sửa lại mã ({EXPECTED_IDS})",
            Severity.WARNING,
        )
    ]
    assert tally(b, MEMBERS).invalid == 1


def test_ballots_problems_paths_from_file_root() -> None:
    """For a whole file, paths start at cuoc_bau[i], and a repeated ballot id is reported."""
    file = m.BallotsFile.model_validate(
        {
            "nam": "2020",
            "cuoc_bau": [
                {"ma": "b", "ten": "Một", "phat_ra": "7", "thu_ve": "7", **APPROVAL_OK},
                {"ma": "b", "ten": "Hai", "phat_ra": "7", "thu_ve": "8", **APPROVAL_OK},
            ],
        }
    )
    found = ballots_problems(file, MEMBERS, path_pos)
    assert [(p.position.path, p.message) for p in found] == [
        (
            "cuoc_bau/1/ma",
            'mã cuộc bỏ phiếu "b" bị lặp lại; mỗi cuộc bỏ phiếu cần một mã riêng',
        ),
        (
            "cuoc_bau/1/thu_ve",
            "số phiếu thu về (8) lớn hơn số phiếu phát ra (7); "
            "hãy kiểm tra lại biên bản kiểm phiếu",
        ),
        (
            "cuoc_bau/1/thu_ve",
            "số phiếu thu về (8) lớn hơn số thành viên có mặt (7); "
            "mỗi thành viên có mặt chỉ bỏ một phiếu",
        ),
        (
            "cuoc_bau/1/hop_le",
            "số phiếu hợp lệ (7) cộng không hợp lệ (0) là 7, khác số phiếu thu về (8); "
            "hãy kiểm tra lại biên bản kiểm phiếu",
        ),
    ]


def test_problem_positions_in_a_real_file() -> None:
    """Through the YAML source map, a problem points at the line and column of the value."""
    text = (
        "nam: 2020\n"
        "cuoc_bau:\n"
        "  - ma: b\n"
        "    ten: Bình chọn\n"
        "    loai: chon\n"
        "    phat_ra: 7\n"
        "    thu_ve: 7\n"
        "    ket_qua:\n"
        "      NHNN: 6\n"
        "      XYZ: 1\n"
    )
    root, source = parse_yaml(text.encode(), "phieu-bau.yaml")
    file = m.BallotsFile.model_validate(root)
    found = ballots_problems(file, MEMBERS, source.at)
    assert [str(p) for p in found] == [
        "phieu-bau.yaml:10:12: lỗi: "
        f'"XYZ" trong ket_qua không phải là đơn vị thành viên; {EXPECTED_IDS}',
        "phieu-bau.yaml:9:7: lỗi: "
        "tổng số phiếu bầu cho các đơn vị (6) nhỏ hơn số phiếu hợp lệ (7), mà mỗi phiếu hợp lệ "
        f"chọn ít nhất một đơn vị (phiếu không chọn ai là phiếu không hợp lệ); {CHECK}",
    ]


def test_bundled_2020_ballots() -> None:
    """The bundled 2020 ballots are consistent: NHNN 6/7 leads, QLTT elected 7/7."""
    root, source = parse_yaml(
        (ROOT / "data" / "2020" / "phieu-bau.yaml").read_bytes(), "phieu-bau.yaml"
    )
    file = m.BallotsFile.model_validate(root)
    members_root, _ = parse_yaml((ROOT / "data" / "2020" / "khoi.yaml").read_bytes(), "khoi.yaml")
    members = [member.id for member in m.ClusterFile.model_validate(members_root).members]
    assert ballots_problems(file, members, source.at) == []
    lead, leader = (tally(b, members) for b in file.ballots)
    assert lead.votes["NHNN"] == 6
    assert lead.share("NHNN", m.Denominator.VALID, 7) == Fraction(6, 7)
    assert meets(lead.share("NHNN", m.Denominator.VALID, 7), rule("50%", "lon_hon"))
    assert leader.votes == {"dong_y": 7, "khong_dong_y": 0}
    assert leader.share("dong_y", m.Denominator.PRESENT, 7) == 1


def test_messages_are_nfc() -> None:
    """Every Vietnamese text in voting.py and ballot_rules.py is NFC, as the user must see it."""
    for name in ("voting.py", "ballot_rules.py"):
        source = (ROOT / "src" / "thidua" / "compute" / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", source)


# --- cross-check against pref_voting ------------------------------------------------------


@pytest.fixture(scope="module")
def pv() -> SimpleNamespace:
    """pref_voting, imported with numba's JIT off.

    pref_voting compiles its numba helpers on first use, which alone takes ~4 s; run as
    plain Python they give the same integers in milliseconds on these small profiles.
    """
    import numba  # type: ignore[import-untyped]

    previous = numba.config.DISABLE_JIT
    numba.config.DISABLE_JIT = True  # read by @jit when pref_voting's modules are imported
    try:
        from pref_voting.grade_profiles import GradeProfile  # type: ignore[import-untyped]
        from pref_voting.profiles import Profile  # type: ignore[import-untyped]
        from pref_voting.profiles_with_ties import ProfileWithTies  # type: ignore[import-untyped]
        from pref_voting.scoring_methods import domination_borda_scores  # type: ignore[import-untyped]
    finally:
        numba.config.DISABLE_JIT = previous
    return SimpleNamespace(
        GradeProfile=GradeProfile,
        Profile=Profile,
        ProfileWithTies=ProfileWithTies,
        domination_borda_scores=domination_borda_scores,
    )


def _profile_ballot(kind: str, papers: list[Any], **fields: str) -> m.Ballot:
    n = str(len(papers))
    return ballot(loai=kind, phat_ra=n, thu_ve=n, phieu=papers, **fields)


def test_borda_matches_pref_voting_on_random_full_rankings(pv: SimpleNamespace) -> None:
    """Borda totals of random full rankings equal pref_voting's Profile.borda_scores()."""
    rng = random.Random(20201230)
    for _ in range(150):
        n = rng.randint(3, 8)
        ids = [f"U{c}" for c in range(n)]
        members = rng.sample(ids, n)  # member order independent of pref_voting's numbering
        rankings = [rng.sample(range(n), n) for _ in range(rng.randint(1, 40))]
        papers: list[Any] = [
            [ids[c] for c in r]
            if rng.random() < 0.5
            else {ids[c]: str(i + 1) for i, c in enumerate(r)}
            for r in rankings
        ]
        t = tally(_profile_ballot("xep_hang", papers), members)
        expected = pv.Profile(rankings).borda_scores()
        assert t.options == tuple(members)
        assert t.votes == {ids[c]: int(score) for c, score in expected.items()}
        assert t.valid == len(rankings)


def test_partial_borda_matches_pref_voting_on_random_truncated_rankings(
    pv: SimpleNamespace,
) -> None:
    """Partial rankings: our points equal pref_voting's domination Borda scores."""
    rng = random.Random(30122020)
    for _ in range(60):
        n = rng.randint(3, 8)
        ids = [f"U{c}" for c in range(n)]
        rankings = [rng.sample(range(n), rng.randint(1, n)) for _ in range(rng.randint(1, 40))]
        papers: list[Any] = [[ids[c] for c in r] for r in rankings]
        t = tally(_profile_ballot("xep_hang", papers), ids)
        profile = pv.ProfileWithTies(
            [{c: i + 1 for i, c in enumerate(r)} for r in rankings], candidates=list(range(n))
        )
        expected = pv.domination_borda_scores(profile)
        assert t.votes == {ids[c]: int(score) for c, score in expected.items()}


def test_approval_matches_pref_voting_on_random_profiles(pv: SimpleNamespace) -> None:
    """Approval counts of random subsets equal pref_voting's approval scores on valid papers."""
    rng = random.Random(7)
    for _ in range(150):
        n = rng.randint(3, 8)
        limit = rng.randint(1, n)
        ids = [f"U{c}" for c in range(n)]
        members = rng.sample(ids, n)
        subsets = [rng.sample(range(n), rng.randint(0, n)) for _ in range(rng.randint(1, 40))]
        papers: list[Any] = [[ids[c] for c in s] for s in subsets]
        t = tally(_profile_ballot("chon", papers, so_chon_toi_da=str(limit)), members)
        valid = [s for s in subsets if 1 <= len(s) <= limit]
        assert (t.valid, t.invalid) == (len(valid), len(subsets) - len(valid))
        if not valid:
            assert t.votes == dict.fromkeys(members, 0)
            continue
        grades = pv.GradeProfile(
            [{c: int(c in s) for c in range(n)} for s in valid],
            grades=[0, 1],
            candidates=list(range(n)),
        )
        expected = grades.approval_scores()
        assert t.votes == {ids[c]: int(score) for c, score in expected.items()}


def test_problem_type_is_hashable_for_dedup() -> None:
    """Problems are values: the checks layer can merge identical ones from two rules."""
    b = ballot(loai="tan_thanh", de_xuat="XYZ", ket_qua={"dong_y": "7"})
    found = tally_problems(b, MEMBERS, path_pos)
    assert len(set(found)) == len(found) == 1
    assert isinstance(found[0], Problem)
