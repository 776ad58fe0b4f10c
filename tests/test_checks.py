"""Cross-file rules (checks.RULES): each fault at its exact place with its exact message."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from thidua import models as m
from thidua.compute import checks, member_rules
from thidua.compute.suggest import suggest_code
from thidua.errors import Problem, Severity
from thidua.repo.years import open_year
from yeardata import KHOI, QUY_CHE, TIEU_CHI, problems, score_file, write_year


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# Which test covers which rule; the meta-test below keeps this list complete.
COVERED = {
    "check_years_match": "test_year_mismatch_in_every_file",
    "check_members": "test_member_listed_twice",
    "check_table": "test_table_ids_settings_and_sums",
    "check_scores": "test_scores_unknown_member_criterion_and_file_name",
    "check_score_values": "test_score_out_of_bounds",
    "check_regulation": "test_regulation_names_unknown_groups_ballots_members",
    "check_ballots": "test_ballot_names_members_only",
    "check_conference": "test_conference_members_dates_and_minutes_vote",
    "check_tasks": "test_more_tasks_than_declared",
    "check_spelling": "test_two_tone_placements_warned",
    "check_documents": "test_documents_sections_and_committee",
}

EXPECTED_IDS = "cần một trong các mã: A, B, C"


def test_every_rule_is_covered_and_documented() -> None:
    """Every rule in checks.RULES has a docstring and a test named in COVERED."""
    names = [rule.__name__ for rule in checks.RULES]
    assert sorted(names) == sorted(COVERED)
    for rule in checks.RULES:
        assert rule.__doc__, rule.__name__
    for test in COVERED.values():
        assert test in globals(), test


# --- years, members ----------------------------------------------------------------------


def test_year_mismatch_in_every_file(tmp_path: Path) -> None:
    """A file whose `nam` differs from its folder is an error at that `nam`, in any file."""
    write_year(
        tmp_path,
        {
            "quy-che.yaml": QUY_CHE.replace("nam: 2020", "nam: 2019"),
            "tieu-chi.yaml": TIEU_CHI.replace("nam: 2020", "nam: 2021"),
            "khoi.yaml": KHOI.replace("nam: 2020", "nam: 2019"),
            "diem/B.yaml": score_file("B", year=2021),
            "nhiem-vu.yaml": "nam: 2019\n",
            "phieu-bau.yaml": "nam: 2019\n",
            "hoi-nghi.yaml": "nam: 2019\nten: Hội nghị tổng kết\nngay: 2020-12-30\n",
        },
    )

    def msg(year: int) -> str:
        return (
            f"năm ghi trong tệp là {year}, khác năm của thư mục (2020); "
            f"hãy sửa thành nam: 2020 hoặc chuyển tệp sang thư mục {year}"
        )

    assert problems(tmp_path) == [
        f"data/2020/diem/B.yaml:1:6: lỗi: {msg(2021)}",
        f"data/2020/hoi-nghi.yaml:1:6: lỗi: {msg(2019)}",
        f"data/2020/khoi.yaml:1:6: lỗi: {msg(2019)}",
        f"data/2020/nhiem-vu.yaml:1:6: lỗi: {msg(2019)}",
        f"data/2020/phieu-bau.yaml:1:6: lỗi: {msg(2019)}",
        f"data/2020/quy-che.yaml:1:6: lỗi: {msg(2019)}",
        f"data/2020/tieu-chi.yaml:1:6: lỗi: {msg(2021)}",
    ]


def test_member_listed_twice(tmp_path: Path) -> None:
    """A member id listed twice is an error at the second `ma`, naming the first item."""
    khoi = KHOI + "  - ma: A\n    ten_ngan: Lặp\n    ten: Đơn vị lặp lại\n"
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:17:9: lỗi: đơn vị "A" được liệt kê hai lần trong danh sách thành '
        "viên (lần đầu ở mục thứ 1); mỗi đơn vị chỉ ghi một lần"
    ]


def test_leader_and_deputy_not_members(tmp_path: Path) -> None:
    """A leader or deputy that is not a member is an error at that key, listing the ids."""
    khoi = KHOI.replace("truong_khoi: A", "truong_khoi: X").replace("pho_khoi: B", "pho_khoi: Y")
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == [
        f'data/2020/khoi.yaml:5:14: lỗi: Trưởng khối "X" không phải là đơn vị thành viên; '
        f"{EXPECTED_IDS}",
        f'data/2020/khoi.yaml:6:11: lỗi: Phó khối "Y" không phải là đơn vị thành viên; '
        f"{EXPECTED_IDS}",
    ]


def test_member_list_hint_names_each_member_once(tmp_path: Path) -> None:
    """The list of accepted ids in a hint names each member once, even if listed twice."""
    khoi = KHOI.replace("truong_khoi: A", "truong_khoi: X")
    khoi += "  - ma: A\n    ten_ngan: Lặp\n    ten: Đơn vị lặp lại\n"
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert (
        f'data/2020/khoi.yaml:5:14: lỗi: Trưởng khối "X" không phải là đơn vị thành viên; '
        f"{EXPECTED_IDS}"
    ) in problems(tmp_path)


def test_leader_equals_deputy(tmp_path: Path) -> None:
    """The same member as leader and deputy is an error at pho_khoi."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("pho_khoi: B", "pho_khoi: A")})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:6:11: lỗi: Phó khối trùng với Trưởng khối ("A"); hai chức danh '
        "phải do hai đơn vị khác nhau đảm nhiệm"
    ]


def test_no_leader_is_fine(tmp_path: Path) -> None:
    """Leader and deputy are optional (the article names neither for 2020)."""
    khoi = KHOI.replace("truong_khoi: A\n", "").replace("pho_khoi: B\n", "")
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == []


# --- scoring table -----------------------------------------------------------------------

BAD_TABLE = """\
nam: 2020
tong_diem: 100
nhom:
  - ma: I
    ten: Nhóm một
    toi_da: 40
    tieu_chi:
      - ma: "1.1"
        ten: Tiêu chí thiếu cách chấm
        loai: dinh_tinh
        toi_da: 20
      - ma: "1.2"
        ten: Tiêu chí đếm số lần
        loai: dem
        cach_tinh: ty_le
        toi_da: 10
  - ma: I
    ten: Nhóm lặp mã
    tieu_chi:
      - ma: "1.1"
        ten: Điểm cộng lặp mã
        loai: cong
        cach_cham: thang_diem
        diem_moi_lan: 1
        toi_da: 5
"""


def test_table_ids_settings_and_sums(tmp_path: Path) -> None:
    """Duplicate ids, missing or misplaced settings and wrong sums are each reported.

    Group I: criteria 20 + 10 = 30 ≠ 40 declared. The second group has no maximum and
    only a bonus criterion, so it adds 0; the groups add to 40 ≠ tong_diem 100.
    """
    write_year(
        tmp_path,
        {
            "tieu-chi.yaml": BAD_TABLE,
            "diem/A.yaml": None,
            "diem/B.yaml": None,
            "diem/C.yaml": None,
            "khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra"),
        },
    )
    found = [p for p in problems(tmp_path) if p.startswith("data/2020/tieu-chi.yaml")]
    assert found == [
        "data/2020/tieu-chi.yaml:2:12: lỗi: tổng điểm ghi là 100, nhưng cộng điểm tối đa các "
        "nhóm được 40; hãy sửa cho khớp",
        "data/2020/tieu-chi.yaml:6:13: lỗi: điểm tối đa của nhóm I ghi là 40, nhưng tổng điểm "
        "tối đa các tiêu chí (không kể điểm cộng, điểm trừ) là 30; hãy sửa cho khớp",
        'data/2020/tieu-chi.yaml:8:9: lỗi: tiêu chí "1.1" là định tính nên cần "cach_cham": '
        "dat_khong_dat (đạt được tối đa, không đạt được 0) hoặc thang_diem (chấm từ 0 đến tối "
        "đa)",
        'data/2020/tieu-chi.yaml:12:9: lỗi: tiêu chí "1.2" là chấm thẳng theo số lần nên cần '
        '"diem_moi_lan" (số điểm cho mỗi lần)',
        'data/2020/tieu-chi.yaml:15:20: lỗi: "cach_tinh" chỉ dùng cho tiêu chí loại dinh_luong '
        '(định lượng), còn tiêu chí "1.2" thuộc loại dem (chấm thẳng); hãy bỏ khóa này',
        'data/2020/tieu-chi.yaml:17:9: lỗi: mã nhóm "I" bị lặp lại; mỗi nhóm cần một mã riêng',
        'data/2020/tieu-chi.yaml:20:13: lỗi: mã tiêu chí "1.1" bị lặp lại (đã dùng trong nhóm '
        "I); mỗi tiêu chí cần một mã riêng",
        'data/2020/tieu-chi.yaml:23:20: lỗi: "cach_cham" chỉ dùng cho tiêu chí loại dinh_tinh '
        '(định tính), còn tiêu chí "1.1" thuộc loại cong (điểm cộng); hãy bỏ khóa này',
        'data/2020/tieu-chi.yaml:24:23: lỗi: "diem_moi_lan" chỉ dùng cho tiêu chí loại dem '
        '(chấm thẳng), còn tiêu chí "1.1" thuộc loại cong (điểm cộng); hãy bỏ khóa này',
    ]


def test_table_sums_without_declared_maxima(tmp_path: Path) -> None:
    """Without group maxima, tong_diem is compared with the criteria maxima (bonus excluded).

    20 + 10 scored, + a bonus of 5 not counted: 30, so tong_diem 35 is wrong.
    """
    table = TIEU_CHI.replace("tong_diem: 30", "tong_diem: 35").replace("    toi_da: 30\n", "")
    table += (
        '  - ma: II\n    ten: Điểm cộng\n    tieu_chi:\n      - ma: "2.1"\n'
        "        ten: Điểm cộng\n        loai: cong\n        toi_da: 5\n"
    )
    write_year(
        tmp_path, {"tieu-chi.yaml": table, "khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra")}
    )
    found = [p for p in problems(tmp_path) if p.startswith("data/2020/tieu-chi.yaml")]
    assert found == [
        "data/2020/tieu-chi.yaml:2:12: lỗi: tổng điểm ghi là 35, nhưng cộng điểm tối đa các "
        "nhóm được 30; hãy sửa cho khớp"
    ]


# --- scores ------------------------------------------------------------------------------


def test_scores_unknown_member_criterion_and_file_name(tmp_path: Path) -> None:
    """Unknown member (error), unknown criterion (error at its key), misnamed file (warning)."""
    c_scores = (
        'nam: 2020\ndon_vi: C\ndiem:\n  "1.1":\n    tu_cham: 5\n  "9.9":\n    tu_cham: 1\n'
        '  "1.2":\n    tu_cham: đạt\n'
    )
    write_year(
        tmp_path,
        {
            "diem/X.yaml": score_file("X"),
            "diem/B.yaml": None,
            "diem/b-file.yaml": score_file("B"),
            "diem/C.yaml": c_scores,
        },
    )
    assert problems(tmp_path) == [
        'data/2020/diem/C.yaml:6:3: lỗi: tiêu chí "9.9" không có trong bảng tiêu chí năm 2020; '
        "cần một trong các mã: 1.1, 1.2",
        'data/2020/diem/X.yaml:2:9: lỗi: "X" không phải là đơn vị thành viên của Khối năm 2020; '
        f"{EXPECTED_IDS}",
        "data/2020/diem/b-file.yaml:2:9: cảnh báo: tệp diem/b-file.yaml chứa điểm của đơn vị "
        '"B"; nên đặt tên tệp là diem/B.yaml để mỗi đơn vị dễ tìm tệp của mình',
    ]


def _missing_scores(tmp_path: Path, state: str) -> list[Problem]:
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("da_ket_thuc", state),
            "diem/A.yaml": None,
            "diem/B.yaml": "nam: 2020\ndon_vi: B\ndiem: {}\n",
            "diem/C.yaml": 'nam: 2020\ndon_vi: C\ndiem:\n  "1.1":\n    tham_dinh: 5\n'
            '  "1.2":\n    ly_do: chưa chấm\n',
        },
    )
    _, found = open_year(tmp_path / "data", 2020)
    return sorted(found, key=Problem.sort_key)


@pytest.mark.parametrize(
    ("state", "severity", "label"),
    [
        ("dang_dien_ra", Severity.WARNING, "năm đang diễn ra"),
        ("da_ket_thuc", Severity.ERROR, "năm đã kết thúc"),
    ],
)
def test_missing_scores(tmp_path: Path, state: str, severity: Severity, label: str) -> None:
    """Missing scores: warnings while the year runs, errors once closed; three forms.

    A has no file; B has an empty `diem`; C scored 1.1 (appraised only, which counts) and
    gave 1.2 a reason but no score, so 1.2 is missing.
    """
    found = _missing_scores(tmp_path, state)
    assert [(p.position.path, p.severity, p.message) for p in found] == [
        ("data/2020/diem/A.yaml", severity, f'chưa có tệp điểm của đơn vị "A" ({label})'),
        ("data/2020/diem/B.yaml", severity, f'đơn vị "B" chưa chấm tiêu chí nào ({label})'),
        (
            "data/2020/diem/C.yaml",
            severity,
            f'đơn vị "C" còn thiếu điểm 1 tiêu chí: 1.2 ({label})',
        ),
    ]
    # B and C point at their `diem` mapping.
    assert [(p.position.line, p.position.column) for p in found[1:]] == [(3, 7), (4, 3)]


def test_missing_diem_key_counts_as_nothing_scored(tmp_path: Path) -> None:
    """A score file without `diem` at all: nothing scored, shown at the file's start."""
    write_year(tmp_path, {"diem/B.yaml": "nam: 2020\ndon_vi: B\n"})
    assert problems(tmp_path) == [
        'data/2020/diem/B.yaml:1:1: lỗi: đơn vị "B" chưa chấm tiêu chí nào (năm đã kết thúc)'
    ]


def test_score_out_of_bounds(tmp_path: Path) -> None:
    """A score above the criterion's maximum is an error at the value (scoring rules)."""
    write_year(tmp_path, {"diem/A.yaml": score_file("A", first="25")})
    assert problems(tmp_path) == [
        'data/2020/diem/A.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 25 '
        "vượt quá điểm tối đa 20; cần từ 0 đến 20"
    ]


# --- regulation --------------------------------------------------------------------------

REGULATION = """\
nam: 2020
xep_hang:
  thu_tu: [diem, "phieu:khong-co", "nhom:IX", "nhom:I", "phieu:binh-chon"]
dan_dau:
  cuoc_bau: khong-co
  nguong: 50%
bau_truong_khoi:
  cuoc_bau: binh-chon
  nguong: 2/3
bau_pho_khoi:
  cuoc_bau: pho
  nguong: 50%
luan_phien: [A, Z, B, A]
khen_thuong:
  - hinh_thuc: Bằng khen
    doi_tuong: tiep_theo
    so_luong: 2
    ty_le: 50%
  - hinh_thuc: Cờ thi đua
    doi_tuong: dan_dau
"""

GOOD_BALLOTS = """\
nam: 2020
cuoc_bau:
  - ma: binh-chon
    ten: Bình chọn đơn vị dẫn đầu
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 3
    thu_ve: 3
    hop_le: 3
    khong_hop_le: 0
    ket_qua:
      A: 2
      B: 1
"""

ROTATION_AND_AWARDS = [
    'data/2020/quy-che.yaml:13:17: lỗi: "Z" trong thứ tự luân phiên không phải là đơn vị thành '
    f"viên; {EXPECTED_IDS}",
    'data/2020/quy-che.yaml:13:23: lỗi: "A" xuất hiện hai lần trong thứ tự luân phiên; mỗi đơn '
    "vị chỉ ghi một lần",
    'data/2020/quy-che.yaml:15:5: lỗi: hình thức "Bằng khen": chỉ ghi một trong hai "so_luong" '
    'hoặc "ty_le"',
]


def test_regulation_names_unknown_groups_ballots_members(tmp_path: Path) -> None:
    """Sort keys and vote rules name existing groups and ballots; rotation names members."""
    write_year(tmp_path, {"quy-che.yaml": REGULATION, "phieu-bau.yaml": GOOD_BALLOTS})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:3:18: lỗi: khóa xếp hạng "phieu:khong-co" nói đến cuộc bỏ phiếu '
        '"khong-co" không có trong phieu-bau.yaml; cần một trong: binh-chon',
        'data/2020/quy-che.yaml:3:36: lỗi: khóa xếp hạng "nhom:IX" nói đến nhóm "IX" không có '
        "trong bảng tiêu chí; cần một trong các nhóm: I",
        'data/2020/quy-che.yaml:5:13: lỗi: cuộc bỏ phiếu "khong-co" không có trong '
        "phieu-bau.yaml; cần một trong: binh-chon",
        'data/2020/quy-che.yaml:11:13: lỗi: cuộc bỏ phiếu "pho" không có trong phieu-bau.yaml; '
        "cần một trong: binh-chon",
        *ROTATION_AND_AWARDS,
    ]


def test_regulation_ballots_not_checked_before_the_vote(tmp_path: Path) -> None:
    """Without phieu-bau.yaml (no vote yet) ballot names in the regulation are not errors."""
    write_year(tmp_path, {"quy-che.yaml": REGULATION})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:3:36: lỗi: khóa xếp hạng "nhom:IX" nói đến nhóm "IX" không có '
        "trong bảng tiêu chí; cần một trong các nhóm: I",
        *ROTATION_AND_AWARDS,
    ]


def test_regulation_with_empty_ballot_file(tmp_path: Path) -> None:
    """With a ballot file holding no ballot, every ballot named is unknown, said plainly."""
    write_year(tmp_path, {"quy-che.yaml": REGULATION, "phieu-bau.yaml": "nam: 2020\n"})
    none = "(chưa có cuộc bỏ phiếu nào)"
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:3:18: lỗi: khóa xếp hạng "phieu:khong-co" nói đến cuộc bỏ phiếu '
        f'"khong-co" không có trong phieu-bau.yaml; cần một trong: {none}',
        'data/2020/quy-che.yaml:3:36: lỗi: khóa xếp hạng "nhom:IX" nói đến nhóm "IX" không có '
        "trong bảng tiêu chí; cần một trong các nhóm: I",
        'data/2020/quy-che.yaml:3:57: lỗi: khóa xếp hạng "phieu:binh-chon" nói đến cuộc bỏ phiếu '
        f'"binh-chon" không có trong phieu-bau.yaml; cần một trong: {none}',
        'data/2020/quy-che.yaml:5:13: lỗi: cuộc bỏ phiếu "khong-co" không có trong '
        f"phieu-bau.yaml; cần một trong: {none}",
        'data/2020/quy-che.yaml:8:13: lỗi: cuộc bỏ phiếu "binh-chon" không có trong '
        f"phieu-bau.yaml; cần một trong: {none}",
        'data/2020/quy-che.yaml:11:13: lỗi: cuộc bỏ phiếu "pho" không có trong phieu-bau.yaml; '
        f"cần một trong: {none}",
        *ROTATION_AND_AWARDS,
    ]


# --- ballots -----------------------------------------------------------------------------

BAD_NAMES = """\
nam: 2020
cuoc_bau:
  - ma: binh-chon
    ten: Bình chọn đơn vị dẫn đầu
    loai: chon
    so_chon_toi_da: 1
    ung_vien: [A, B, Z]
    phat_ra: 3
    thu_ve: 3
    hop_le: 3
    khong_hop_le: 0
    ket_qua:
      A: 2
      B: 1
  - ma: binh-chon
    ten: Suy tôn Trưởng khối
    loai: tan_thanh
    de_xuat: Q
    phat_ra: 3
    thu_ve: 3
    hop_le: 3
    khong_hop_le: 0
    ket_qua:
      dong_y: 3
      khong_dong_y: 0
"""


def test_ballot_names_members_only(tmp_path: Path) -> None:
    """Candidates and the proposal's subject are members; ballot ids are unique."""
    write_year(tmp_path, {"phieu-bau.yaml": BAD_NAMES})
    assert problems(tmp_path) == [
        f'data/2020/phieu-bau.yaml:7:22: lỗi: ứng viên "Z" không phải là đơn vị thành viên; '
        f"{EXPECTED_IDS}",
        'data/2020/phieu-bau.yaml:15:9: lỗi: mã cuộc bỏ phiếu "binh-chon" bị lặp lại; mỗi cuộc '
        "bỏ phiếu cần một mã riêng",
        f'data/2020/phieu-bau.yaml:18:14: lỗi: "Q" không phải là đơn vị thành viên; {EXPECTED_IDS}',
    ]


BAD_COUNTS = """\
nam: 2020
cuoc_bau:
  - ma: binh-chon
    ten: Bình chọn đơn vị dẫn đầu
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 3
    thu_ve: 4
    hop_le: 2
    khong_hop_le: 1
    ket_qua:
      A: 2
"""


def test_ballot_counts_must_add_up(tmp_path: Path) -> None:
    """Returned > issued, and valid + invalid ≠ returned, are errors at those counts."""
    write_year(tmp_path, {"phieu-bau.yaml": BAD_COUNTS})
    assert problems(tmp_path) == [
        "data/2020/phieu-bau.yaml:8:13: lỗi: số phiếu thu về (4) lớn hơn số phiếu phát ra (3); "
        "hãy kiểm tra lại biên bản kiểm phiếu",
        "data/2020/phieu-bau.yaml:9:13: lỗi: số phiếu hợp lệ (2) cộng không hợp lệ (1) là 3, "
        "khác số phiếu thu về (4); hãy kiểm tra lại biên bản kiểm phiếu",
    ]


def test_ballot_totals_name_members(tmp_path: Path) -> None:
    """A non-member in a ballot's totals is an error on its line."""
    write_year(tmp_path, {"phieu-bau.yaml": GOOD_BALLOTS.replace("      B: 1", "      Z: 1")})
    assert (
        'data/2020/phieu-bau.yaml:13:10: lỗi: "Z" trong ket_qua không phải là đơn vị thành viên; '
        f"{EXPECTED_IDS}"
    ) in problems(tmp_path)


# --- conference, tasks -------------------------------------------------------------------

CONFERENCE = """\
nam: 2020
ten: Hội nghị tổng kết
ngay: 2022-01-05
bat_dau: 14:00
ket_thuc: 8h30
chu_tri:
  ho_ten: Nguyễn Văn An
  don_vi: Z
thu_ky:
  don_vi: Y
thanh_phan:
  - don_vi: A
  - don_vi: W
  - don_vi: A
thong_qua_bien_ban:
  tan_thanh: 4
  co_mat: 3
"""


def test_conference_members_dates_and_minutes_vote(tmp_path: Path) -> None:
    """Conference people are members, once; the date fits the year; times and votes agree."""
    write_year(tmp_path, {"hoi-nghi.yaml": CONFERENCE})
    assert problems(tmp_path) == [
        "data/2020/hoi-nghi.yaml:3:7: cảnh báo: hội nghị tổng kết năm 2020 lại họp vào năm 2022; "
        "hãy kiểm tra lại ngày họp",
        "data/2020/hoi-nghi.yaml:5:11: lỗi: giờ kết thúc phải sau giờ bắt đầu",
        f'data/2020/hoi-nghi.yaml:8:11: lỗi: "Z" không phải là đơn vị thành viên; {EXPECTED_IDS}',
        f'data/2020/hoi-nghi.yaml:10:11: lỗi: "Y" không phải là đơn vị thành viên; {EXPECTED_IDS}',
        f'data/2020/hoi-nghi.yaml:13:13: lỗi: "W" không phải là đơn vị thành viên; {EXPECTED_IDS}',
        'data/2020/hoi-nghi.yaml:14:13: lỗi: đơn vị "A" được ghi hai lần trong thành phần tham dự',
        "data/2020/hoi-nghi.yaml:16:14: lỗi: số tán thành (4) lớn hơn số có mặt (3)",
    ]


@pytest.mark.parametrize(
    ("date", "warned"), [("2020-12-30", False), ("15/01/2021", False), ("2019-12-30", True)]
)
def test_conference_date_in_year_or_next(tmp_path: Path, date: str, warned: bool) -> None:
    """The year-end conference may meet in the year or in January after; else a warning."""
    write_year(tmp_path, {"hoi-nghi.yaml": f"nam: 2020\nten: Hội nghị\nngay: {date}\n"})
    expected = (
        [
            "data/2020/hoi-nghi.yaml:3:7: cảnh báo: hội nghị tổng kết năm 2020 lại họp vào năm "
            "2019; hãy kiểm tra lại ngày họp"
        ]
        if warned
        else []
    )
    assert problems(tmp_path) == expected


def test_conference_end_equal_to_start(tmp_path: Path) -> None:
    """An end time equal to the start is also an error."""
    conference = "nam: 2020\nten: Hội nghị\nngay: 2020-12-30\nbat_dau: 08:00\nket_thuc: 8h00\n"
    write_year(tmp_path, {"hoi-nghi.yaml": conference})
    assert problems(tmp_path) == [
        "data/2020/hoi-nghi.yaml:5:11: lỗi: giờ kết thúc phải sau giờ bắt đầu"
    ]


def test_more_tasks_than_declared(tmp_path: Path) -> None:
    """Naming more focus tasks than the declared count is an error at the count."""
    tasks = "nam: 2020\nso_nhiem_vu_trong_tam: 1\nnhiem_vu_trong_tam:\n  - Một\n  - Hai\n"
    write_year(tmp_path, {"nhiem-vu.yaml": tasks})
    assert problems(tmp_path) == [
        "data/2020/nhiem-vu.yaml:2:24: lỗi: ghi 1 nhiệm vụ trọng tâm nhưng danh sách có 2; "
        "hãy sửa cho khớp"
    ]


def test_fewer_tasks_than_declared_is_fine(tmp_path: Path) -> None:
    """Naming only some of the declared tasks is allowed (the article names only some)."""
    tasks = "nam: 2020\nso_nhiem_vu_trong_tam: 9\nnhiem_vu_trong_tam:\n  - Một\n  - Hai\n"
    write_year(tmp_path, {"nhiem-vu.yaml": tasks})
    assert problems(tmp_path) == []


# --- spelling ----------------------------------------------------------------------------

HOA_OLD = KHOI.replace("dia_ban: Thành phố thử nghiệm", "dia_ban: Hòa Bình").replace(
    "ten: Đơn vị thử nghiệm B", "ten: Đơn vị thử nghiệm B tỉnh Hoà Bình"
)


def test_two_tone_placements_warned(tmp_path: Path) -> None:
    """Writing "Hoà" after "Hòa" warns at the second spelling, citing the first's position."""
    write_year(tmp_path, {"khoi.yaml": HOA_OLD})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:13:10: cảnh báo: "Hoà" và "Hòa" (data/2020/khoi.yaml:3:10) là cùng '
        "một chữ nhưng đặt dấu khác nhau; nên thống nhất một cách viết"
    ]


def test_two_tone_placements_across_files(tmp_path: Path) -> None:
    """The first spelling is the first by file and line, across the files of the year."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("dia_ban: Thành phố thử nghiệm", "dia_ban: Hoà Bình"),
            "hoi-nghi.yaml": "nam: 2020\nten: Hội nghị tỉnh Hòa Bình\nngay: 2020-12-30\n",
        },
    )
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:3:10: cảnh báo: "Hoà" và "Hòa" (data/2020/hoi-nghi.yaml:2:6) là '
        "cùng một chữ nhưng đặt dấu khác nhau; nên thống nhất một cách viết"
    ]


def test_thuy_tone_placements_warned(tmp_path: Path) -> None:
    """Other oa/oe/uy words too: "Thuỷ" after "Thủy"."""
    khoi = KHOI.replace("dia_ban: Thành phố thử nghiệm", "dia_ban: Thủy Nguyên").replace(
        "ten: Đơn vị thử nghiệm B", "ten: Thuỷ"
    )
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:13:10: cảnh báo: "Thuỷ" và "Thủy" (data/2020/khoi.yaml:3:10) là '
        "cùng một chữ nhưng đặt dấu khác nhau; nên thống nhất một cách viết"
    ]


def test_case_difference_is_not_a_spelling_difference(tmp_path: Path) -> None:
    """Upper case "HÒA" and "Hòa" are the same spelling in another case: no warning."""
    khoi = KHOI.replace("dia_ban: Thành phố thử nghiệm", "dia_ban: Hòa Bình").replace(
        "ten: Đơn vị thử nghiệm B", "ten: HÒA BÌNH"
    )
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == []


def test_nfd_is_not_a_spelling_difference(tmp_path: Path) -> None:
    """The same text decomposed (NFD) gives no warning and exactly the same data."""
    consistent = HOA_OLD.replace("Hoà", "Hòa")
    write_year(tmp_path / "nfc", {"khoi.yaml": consistent})
    write_year(tmp_path / "nfd", {"khoi.yaml": unicodedata.normalize("NFD", consistent)})
    # Mixed: one value precomposed, another decomposed, in the same file.
    lines = consistent.splitlines(keepends=True)
    lines[12] = unicodedata.normalize("NFD", lines[12])
    write_year(tmp_path / "mixed", {"khoi.yaml": "".join(lines)})
    loaded = {}
    for name in ("nfc", "nfd", "mixed"):
        data, found = open_year(tmp_path / name / "data", 2020)
        assert found == [], name
        assert data is not None
        loaded[name] = data.cluster
    assert loaded["nfd"] == loaded["nfc"]
    assert loaded["mixed"] == loaded["nfc"]
    assert loaded["nfc"].place == "Hòa Bình"


def test_lower_case_code_in_its_own_file_is_one_problem(tmp_path: Path) -> None:
    """diem/B.yaml saying don_vi: b: the code is the problem (with the likely code), not
    a "no score file" pointing at the very file that exists."""
    write_year(tmp_path, {"diem/B.yaml": score_file("b")})
    assert problems(tmp_path) == [
        'data/2020/diem/B.yaml:2:9: lỗi: "b" không phải là đơn vị thành viên của Khối năm '
        f"2020 (có phải ý bạn là B?); {EXPECTED_IDS}",
    ]


def test_mistyped_code_in_another_file_name_is_one_problem(tmp_path: Path) -> None:
    """diem/B.yaml saying don_vi: X: no suggestion for X, but B's file is there."""
    write_year(tmp_path, {"diem/B.yaml": score_file("X")})
    assert problems(tmp_path) == [
        'data/2020/diem/B.yaml:2:9: lỗi: "X" không phải là đơn vị thành viên của Khối năm '
        f"2020; {EXPECTED_IDS}",
    ]


def test_unknown_leader_and_attendee_codes_suggest_the_member(tmp_path: Path) -> None:
    """Trưởng khối "a" and a rotation entry "c" are suggested A and C."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("truong_khoi: A", "truong_khoi: a"),
            "quy-che.yaml": QUY_CHE + "luan_phien: [A, B, c]\n",
        },
    )
    found = [p for p in problems(tmp_path) if "có phải ý bạn là" in p]
    assert found == [
        'data/2020/khoi.yaml:5:14: lỗi: Trưởng khối "a" không phải là đơn vị thành viên '
        f"(có phải ý bạn là A?); {EXPECTED_IDS}",
        'data/2020/quy-che.yaml:4:20: lỗi: "c" trong thứ tự luân phiên không phải là đơn vị '
        f"thành viên (có phải ý bạn là C?); {EXPECTED_IDS}",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("stc", "STC"),  # letter case first
        ("sct", "STC"),  # then the closest spelling, case-insensitively
        ("NHN", "NHNN"),
        ("Stc", "STC"),
        ("XYZW", None),
        ("", None),
    ],
)
def test_suggest_code(typed: str, expected: str | None) -> None:
    assert suggest_code(typed, ["NHNN", "STC", "KBNN", "CTK"]) == expected


def test_suggest_code_prefers_exact_case_match_over_closer_spelling() -> None:
    assert suggest_code("kbn", ["KBNN", "kbn2", "KBN"]) == "KBN"


def test_names_without_diacritics_are_warned(tmp_path: Path) -> None:
    """Cluster and member names of 2+ ASCII words holding a syllable that needs a mark."""
    khoi = (
        KHOI.replace("ten: Khối thi đua thử nghiệm", "ten: Khoi thi dua thu nghiem")
        .replace("ten_ngan: Đơn vị B", "ten_ngan: So Cong Thuong")
        .replace("ten: Đơn vị thử nghiệm C", "ten: Cuc Thue tinh Hoa Binh")
    )
    write_year(tmp_path, {"khoi.yaml": khoi})
    tail = (
        "; tên được in trên biên bản, báo cáo, nên hãy viết đủ dấu tiếng Việt như trong văn "
        "bản chính thức"
    )
    assert problems(tmp_path) == [
        f'data/2020/khoi.yaml:2:6: cảnh báo: tên "Khoi thi dua thu nghiem" viết không dấu '
        f'(ví dụ "Khoi"){tail}',
        f'data/2020/khoi.yaml:12:15: cảnh báo: tên "So Cong Thuong" viết không dấu '
        f'(ví dụ "So"){tail}',
        f'data/2020/khoi.yaml:16:10: cảnh báo: tên "Cuc Thue tinh Hoa Binh" viết không dấu '
        f'(ví dụ "Cuc"){tail}',
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Sở Công Thương",  # marked
        "So Cong Thương",  # one mark: typed with diacritics, just unevenly
        "NHNN",  # one word
        "Cong",  # one word
        "Thanh Hoa",  # ASCII words correct unmarked too (Thanh, Hoa)
        "Tax Office",  # no Vietnamese syllable that needs a mark
    ],
)
def test_names_not_warned(name: str) -> None:
    assert member_rules._undiacritized(name) is None


# --- van-ban.yaml, the ballot-counting committee ----------------------------------------

IN_PROGRESS = KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
MEETING = "nam: 2020\nten: Hội nghị tổng kết\nngay: 2020-12-30\n"
SECTIONS_BUT_TWO = (
    "nam: 2020\n"
    "bao_cao:\n"
    "  kinh_gui: [Ban Thi đua - Khen thưởng tỉnh]\n"
    "  tinh_hinh: |\n"
    "    Năm 2020, dịch bệnh Covid-19.\n"
    "  chi_dao:\n"
    "  ket_qua_phong_trao:\n"
    "  nhiem_vu_trong_tam:\n"
    "  giao_uoc:\n"
    "  khen_thuong:\n"
    "  han_che:\n"
    "  kien_nghi:\n"
)
COMMITTEE = (
    "nam: 2020\n"
    "ten: Hội nghị tổng kết\n"
    "ngay: 2020-12-30\n"
    "ban_kiem_phieu:\n"
    "  - ho_ten: Nguyễn Văn An\n"
    "    don_vi: a\n"
    "  - ho_ten: Trần Thị Bình\n"
    "    don_vi: X\n"
    "  - Lê Văn Cường\n"
)
UNWRITTEN = (
    "báo cáo tổng kết chưa có {what} nên sẽ in dòng chấm để viết tay; nếu cố ý để trống, "
    'hãy ghi tên phần trong bao_cao mà không ghi lời văn, ví dụ "{first}:"'
)
NO_HEAD = (
    "Ban kiểm phiếu có 3 người nhưng chưa ghi ai là Trưởng ban (biên bản kiểm phiếu do "
    'Trưởng ban ký); hãy ghi "nhiem_vu: Trưởng ban" cho người đứng đầu (mỗi người một mục '
    "có ho_ten, nhiem_vu)"
)


def test_documents_sections_and_committee(tmp_path: Path) -> None:
    """Before a provisional year's report goes out, each section not written is named in
    words at bao_cao; committee units are members (with a suggestion); a head is named."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": IN_PROGRESS,
            "hoi-nghi.yaml": COMMITTEE,
            "van-ban.yaml": SECTIONS_BUT_TWO,
        },
    )
    what = 'phần: "ưu điểm" (uu_diem), "bài học kinh nghiệm" (bai_hoc)'
    assert problems(tmp_path) == [
        "data/2020/hoi-nghi.yaml:4:1: cảnh báo: " + NO_HEAD,
        'data/2020/hoi-nghi.yaml:6:13: lỗi: "a" không phải là đơn vị thành viên (có phải ý '
        f"bạn là A?); {EXPECTED_IDS}",
        f'data/2020/hoi-nghi.yaml:8:13: lỗi: "X" không phải là đơn vị thành viên; {EXPECTED_IDS}',
        "data/2020/van-ban.yaml:2:1: cảnh báo: "
        + UNWRITTEN.format(what=f"2 {what}", first="uu_diem"),
    ]


def test_one_section_unwritten_named_alone(tmp_path: Path) -> None:
    """One section missing is named alone, its key as the example."""
    documents = SECTIONS_BUT_TWO + "  uu_diem:\n"
    write_year(
        tmp_path,
        {"khoi.yaml": IN_PROGRESS, "hoi-nghi.yaml": MEETING, "van-ban.yaml": documents},
    )
    assert problems(tmp_path) == [
        "data/2020/van-ban.yaml:2:1: cảnh báo: "
        + UNWRITTEN.format(what='phần "bài học kinh nghiệm" (bai_hoc)', first="bai_hoc")
    ]


def test_no_report_at_all_names_every_section(tmp_path: Path) -> None:
    """A documents file without bao_cao: every section is named, at the file's first key."""
    documents = "# Người ký\nnam: 2020\nten_co_quan: KHỐI THI ĐUA THỬ NGHIỆM\n"
    write_year(
        tmp_path,
        {"khoi.yaml": IN_PROGRESS, "hoi-nghi.yaml": MEETING, "van-ban.yaml": documents},
    )
    named = ", ".join(f'"{label}" ({key})' for key, label in m.REPORT_SECTIONS.items())
    assert problems(tmp_path) == [
        "data/2020/van-ban.yaml:2:1: cảnh báo: "
        + UNWRITTEN.format(what=f"10 phần: {named}", first="tinh_hinh")
    ]


@pytest.mark.parametrize(
    ("khoi", "conference", "documents"),
    [
        (KHOI, MEETING, SECTIONS_BUT_TWO),  # the year is final: the report is what it is
        (IN_PROGRESS, None, SECTIONS_BUT_TWO),  # no conference yet
        (IN_PROGRESS, MEETING, SECTIONS_BUT_TWO + "  uu_diem:\n  bai_hoc: ''\n"),  # blank
        (IN_PROGRESS, MEETING, None),  # no documents file: nothing to point at
    ],
)
def test_unwritten_sections_not_warned(
    tmp_path: Path, khoi: str, conference: str | None, documents: str | None
) -> None:
    files = {"khoi.yaml": khoi, "hoi-nghi.yaml": conference, "van-ban.yaml": documents}
    write_year(tmp_path, files)
    assert problems(tmp_path) == []


def test_committee_with_a_head_not_warned(tmp_path: Path) -> None:
    """A head written in any letter case satisfies the committee; members may omit don_vi."""
    conference = MEETING + (
        "ban_kiem_phieu:\n"
        "  - {ho_ten: Nguyễn Văn An, don_vi: A, nhiem_vu: trưởng ban}\n"
        "  - Trần Thị Bình\n"
    )
    write_year(tmp_path, {"hoi-nghi.yaml": conference})
    assert problems(tmp_path) == []
