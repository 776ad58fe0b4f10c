"""Hostile or broken input is refused at its place (issue 10, input validation).

Control and bidirectional characters (also when a YAML escape makes them), values too long
or numbers with too many digits, digits of other scripts, member ids that collide as file
names, git conflict markers, more papers than members, and a minutes vote without a
majority.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from thidua.cli import app
from thidua.errors import DataError
from thidua.read import yamltree
from thidua.read.yamlio import parse_yaml
from yeardata import KHOI, problems, score_file, write_year

PATH = "du_lieu/khoi.yaml"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # problems name files relative to the current folder


def yaml_problems(text: str) -> list[str]:
    with pytest.raises(DataError) as info:
        parse_yaml(text.encode("utf-8"), PATH)
    return [str(p) for p in info.value.problems]


# --- 1. control characters -----------------------------------------------------------------


def escaped(code: str, kind: str) -> str:
    return (
        f"giá trị chứa {kind} U+{code}, tạo ra bởi mã thoát bắt đầu bằng dấu "
        '"\\" trong chuỗi ngoặc kép; ký tự này không hiển thị được, làm rối màn hình và làm '
        "hỏng bảng tính Excel, văn bản Word; hãy xóa mã thoát đó"
    )


CONTROL = "ký tự điều khiển"
BIDI = "ký tự điều khiển hướng chữ"
INVALID = "ký tự không hợp lệ"


@pytest.mark.parametrize(
    ("escape", "code", "kind"),
    [
        ("\\x01", "0001", CONTROL),
        ("\\u0000", "0000", CONTROL),
        ("\\0", "0000", CONTROL),
        ("\\e", "001B", CONTROL),
        ("\\a", "0007", CONTROL),
        ("\\r", "000D", CONTROL),
        ("\\x7f", "007F", CONTROL),
        ("\\N", "0085", CONTROL),
        ("\\x80", "0080", CONTROL),
        ("\\x9F", "009F", CONTROL),
        ("\\u202E", "202E", BIDI),
        ("\\u202A", "202A", BIDI),
        ("\\u2066", "2066", BIDI),
        ("\\u2069", "2069", BIDI),
        ("\\u200E", "200E", BIDI),
        ("\\u200F", "200F", BIDI),
        ("\\u061C", "061C", BIDI),
        ("\\uFEFF", "FEFF", INVALID),
        ("\\uFFFE", "FFFE", INVALID),
        ("\\uFFFF", "FFFF", INVALID),
    ],
)
def test_escaped_control_in_value_refused(escape: str, code: str, kind: str) -> None:
    """An escape in a double-quoted value is refused at the value's start."""
    text = f'nam: 2020\nten:   "Khối {escape} thử"\n'
    assert yaml_problems(text) == [f"{PATH}:2:8: lỗi: {escaped(code, kind)}"]


def test_escaped_control_in_key_and_list_item_refused() -> None:
    text = 'a:\n  "k\\x1b[31m": 1\n  b:\n    - x\n    - "\\u202Egnp.exe"\n'
    assert yaml_problems(text) == [
        f"{PATH}:2:3: lỗi: {escaped('001B', CONTROL)}",
        f"{PATH}:5:7: lỗi: {escaped('202E', BIDI)}",
    ]


def test_lone_surrogate_refused_by_pure_python_parser() -> None:
    """pyyaml's own parser turns "\\uD800" into a lone surrogate (libyaml refuses it)."""
    with mock.patch.object(yamltree, "_LIBYAML", None):
        assert yaml_problems('a: "x\\uD800"\n') == [f"{PATH}:1:4: lỗi: {escaped('D800', INVALID)}"]


def test_escaped_tab_and_newline_still_allowed() -> None:
    assert parse_yaml(b"a: \"x\\ty\\nz\"\nb: '\\x01'\n", PATH)[0] == {"a": "x\ty\nz", "b": "\\x01"}


@pytest.mark.parametrize("char", ["\u202e", "\u2067", "\u200f", "\u061c"])
def test_raw_bidi_control_refused_at_the_character(char: str) -> None:
    """Written as is (not escaped), a bidi control is refused where it stands, comments too."""
    code = f"{ord(char):04X}"
    message = (
        f"ký tự điều khiển hướng chữ U+{code} (vô hình, làm đảo thứ tự hiển thị văn bản) "
        "không được phép trong tệp dữ liệu; hãy xóa ký tự này"
    )
    assert yaml_problems(f"nam: 2020\nten: Khối {char}x\n") == [f"{PATH}:2:11: lỗi: {message}"]
    assert yaml_problems(f"nam: 2020  # ghi chú {char}\n") == [f"{PATH}:1:22: lỗi: {message}"]


def test_check_refuses_escape_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`thidua check` reports the escaped control with its position and exits 1."""
    khoi = KHOI.replace("ten: Đơn vị thử nghiệm A", 'ten: "Đơn vị \\e[2J thử nghiệm A"')
    write_year(tmp_path, {"khoi.yaml": khoi})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "2020"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"data/2020/khoi.yaml:10:10: lỗi: {escaped('001B', CONTROL)}"
    )


# --- 2. bounded work per value ---------------------------------------------------------------

TOO_LONG = (
    "giá trị quá dài ({n} ký tự); mỗi giá trị tối đa 32.767 ký tự (sức chứa của một ô Excel); "
    "hãy rút gọn hoặc tách thành nhiều mục"
)


def test_text_up_to_one_excel_cell() -> None:
    value = "ạ" * 32_767
    assert parse_yaml(f"a: {value}\n".encode(), PATH)[0] == {"a": value}
    assert yaml_problems(f"a: x\nb: {value}b\n") == [
        f"{PATH}:2:4: lỗi: " + TOO_LONG.format(n="32.768")
    ]
    # A key that long must be an explicit key ("? "): a plain one stops at 1,024 characters.
    assert yaml_problems(f'? "{value}k"\n: 1\n') == [
        f"{PATH}:1:3: lỗi: " + TOO_LONG.format(n="32.768")
    ]


def test_huge_value_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 19 MB value (which took `fmt` 22 s) is refused by its length, before any work on it."""
    big = "x" * (19 * 1024 * 1024)
    write_year(tmp_path, {"nhiem-vu.yaml": f"nam: 2020\nghi_chu: {big}\n"})
    monkeypatch.chdir(tmp_path)
    expected = "data/2020/nhiem-vu.yaml:2:10: lỗi: " + TOO_LONG.format(n="19.922.944")
    result = CliRunner().invoke(app, ["check", "2020"])
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines(), result.stderr
    result = CliRunner().invoke(app, ["fmt", "2020"])  # names the file; the error is check's
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "Bỏ qua các tệp có lỗi (chưa định dạng): data/2020/nhiem-vu.yaml; "
        "xem lỗi bằng lệnh: thidua check\n"
    )


def too_many_digits(shown: str, count: int) -> str:
    return (
        f'số "{shown}" có {count} chữ số, quá mức tối đa 30 chữ số (không kể các số 0 ở đầu); '
        "hãy kiểm tra lại số này"
    )


def test_score_with_too_many_digits(tmp_path: Path) -> None:
    """30 digits pass; a plain 10**5000 and a 0.000…1 are refused before any arithmetic."""
    thirty = "1" + "0" * 29
    write_year(
        tmp_path,
        {
            "diem/A.yaml": score_file("A", first=f"0000{thirty[:-2]}.00"),
            "diem/B.yaml": score_file("B", first="1" + "0" * 5000),
            "diem/C.yaml": score_file("C", first="0." + "0" * 30 + "1"),
        },
    )
    found = problems(tmp_path)
    head = "1" + "0" * 56 + "…"
    assert [p for p in found if "chữ số" in p] == [
        f"data/2020/diem/B.yaml:5:14: lỗi: {too_many_digits(head, 5001)}",
        "data/2020/diem/C.yaml:5:14: lỗi: " + too_many_digits("0." + "0" * 30 + "1", 31),
    ]
    # A's score is only out of bounds (30 digits are read), not refused as a number.
    assert not any("diem/A.yaml" in p and "chữ số" in p for p in found)


def test_exponent_and_huge_counts_refused(tmp_path: Path) -> None:
    """`1e999999` is no number; a 5,000-digit count is refused before int() sees it."""
    ballots = (
        "nam: 2020\ncuoc_bau:\n  - ma: b\n    ten: Bình chọn\n    loai: chon\n"
        f"    phat_ra: {'9' * 5000}\n    thu_ve: 3\n    ket_qua:\n      A: 1e999999\n"
    )
    write_year(tmp_path, {"phieu-bau.yaml": ballots})
    found = problems(tmp_path)
    assert found == [
        "data/2020/phieu-bau.yaml:6:14: lỗi: " + too_many_digits("9" * 57 + "…", 5000),
        "data/2020/phieu-bau.yaml:9:10: lỗi: cần một số nguyên không âm (ví dụ 7), "
        'nhưng gặp "1e999999"',
    ]


def test_share_with_too_many_digits(tmp_path: Path) -> None:
    regulation = (
        "nam: 2020\nxep_hang:\n  thu_tu: [diem]\ndan_dau:\n  cuoc_bau: b\n"
        f"  nguong: {'1' * 31}/{'3' * 31}\n"
    )
    write_year(tmp_path, {"quy-che.yaml": regulation})
    assert problems(tmp_path) == [
        "data/2020/quy-che.yaml:6:11: lỗi: " + too_many_digits("1" * 31 + "/" + "3" * 25 + "…", 31)
    ]


# --- 3. digits of other scripts ---------------------------------------------------------------

OTHER_DIGITS = (
    '"{v}" không phải là số: chỉ dùng các chữ số 0–9 thông thường (không dùng chữ số toàn '
    "độ rộng hay chữ số của chữ viết khác); hãy gõ lại số này bằng bàn phím"
)


def test_unicode_digits_are_not_numbers(tmp_path: Path) -> None:
    write_year(
        tmp_path,
        {
            "diem/A.yaml": score_file("A", first="１５"),
            "diem/B.yaml": score_file("B", first="١٥.٥"),
            "diem/C.yaml": score_file("C", year=2020).replace("nam: 2020", "nam: ٢٠٢٠"),
            "hoi-nghi.yaml": "nam: 2020\nten: Hội nghị\nngay: ٣٠/١٢/٢٠٢٠\n",
        },
    )
    assert problems(tmp_path) == [
        "data/2020/diem/A.yaml:5:14: lỗi: " + OTHER_DIGITS.format(v="１５"),
        "data/2020/diem/B.yaml:5:14: lỗi: " + OTHER_DIGITS.format(v="١٥.٥"),
        "data/2020/diem/C.yaml:1:6: lỗi: " + OTHER_DIGITS.format(v="٢٠٢٠"),
        "data/2020/hoi-nghi.yaml:3:7: lỗi: cần một ngày dạng 2020-12-30 hoặc 30/12/2020, "
        'nhưng gặp "٣٠/١٢/٢٠٢٠"',
    ]


def test_year_folder_in_other_digits_is_not_a_year(tmp_path: Path) -> None:
    from thidua.read.load import available_years

    (tmp_path / "٢٠٢٠").mkdir()
    (tmp_path / "2021").mkdir()
    assert available_years(tmp_path) == [2021]


# --- 4. member ids that collide as file names -------------------------------------------------


def members(*ids: str) -> str:
    head = KHOI.split("thanh_vien:")[0].replace("truong_khoi: A\npho_khoi: B\n", "")
    items = "".join(f"  - ma: {i}\n    ten_ngan: Đơn vị {i}\n    ten: Đơn vị {i}\n" for i in ids)
    return head + "thanh_vien:\n" + items


def device(mid: str) -> str:
    return (
        f'mã đơn vị "{mid}" trùng tên thiết bị dành riêng của Windows (CON, PRN, AUX, NUL, '
        f"COM1–COM9, LPT1–LPT9) nên không tạo được tệp điểm diem/{mid}.yaml trên Windows; "
        "hãy đặt mã khác"
    )


def test_member_ids_differing_only_by_case(tmp_path: Path) -> None:
    write_year(tmp_path, {"khoi.yaml": members("A", "B", "C", "hq", "HQ", "Hq")})
    found = [p for p in problems(tmp_path) if "chữ hoa" in p]
    assert found == [
        f'data/2020/khoi.yaml:{line}:9: lỗi: mã đơn vị "{mid}" chỉ khác mã "hq" (mục thứ 4) '
        f"ở chữ hoa, chữ thường; trên Windows và macOS hai tệp điểm diem/hq.yaml và "
        f"diem/{mid}.yaml là một, nên hãy đặt hai mã khác hẳn nhau"
        for line, mid in ((18, "HQ"), (21, "Hq"))
    ]


def test_windows_device_names_refused(tmp_path: Path) -> None:
    ids = ("A", "B", "C", "CON", "nul", "Com1", "LPT9", "aux.x", "PRN.yaml")
    fine = ("COM0", "CONS", "COM10", "LPT", "NUL1", "XCON")
    write_year(tmp_path, {"khoi.yaml": members(*ids, *fine)})
    found = [p for p in problems(tmp_path) if "thiết bị" in p]
    assert found == [
        f"data/2020/khoi.yaml:{6 + 3 * i}:9: lỗi: {device(mid)}"
        for i, mid in enumerate(ids)
        if i >= 3
    ]


# --- 5. git conflict markers ------------------------------------------------------------------

CONFLICT = (
    "tệp còn dấu xung đột của git chưa giải quyết (các dòng bắt đầu bằng "
    '"<<<<<<<", "=======", ">>>>>>>" do git merge hoặc git pull để lại); hãy giữ lại phiên '
    "bản đúng giữa các dấu này, xóa phiên bản kia và xóa hết các dòng đánh dấu, rồi chạy "
    "lại thidua check"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("nam: 2020\n<<<<<<< HEAD\nten: A\n=======\nten: B\n>>>>>>> nhanh\n", 2),
        # Inside a block scalar the markers would silently become text.
        ("ghi_chu: |\n  a\n=======\n  b\n", 3),
        ("a: 1\r\n=======\r\n", 2),
        ("a: 1\n>>>>>>>\n", 2),
        ("a: 1\n||||||| base\n", 2),
    ],
)
def test_conflict_markers(text: str, line: int) -> None:
    assert yaml_problems(text) == [f"{PATH}:{line}:1: lỗi: {CONFLICT}"]


def test_marker_like_text_inside_values_is_fine() -> None:
    text = 'a: |\n  =======\n  <<<<<<< x\nb: "======="\nc: ========\n'
    assert parse_yaml(text.encode(), PATH)[0] == {
        "a": "=======\n<<<<<<< x\n",
        "b": "=======",
        "c": "========",
    }


# --- 6. more papers than members ---------------------------------------------------------------


def ballot(issued: int, returned: int, papers: int, present: str = "") -> str:
    lines = "".join("      - [A]\n" for _ in range(papers))
    return (
        "nam: 2020\ncuoc_bau:\n  - ma: b\n    ten: Bình chọn\n    loai: chon\n"
        f"{present}    phat_ra: {issued}\n    thu_ve: {returned}\n    phieu:\n{lines}"
    )


def test_more_papers_than_members(tmp_path: Path) -> None:
    """Without co_mat, 5 papers in a 3-member cluster are refused at each count."""
    write_year(tmp_path, {"phieu-bau.yaml": ballot(5, 5, 5)})
    assert problems(tmp_path) == [
        "data/2020/phieu-bau.yaml:6:14: lỗi: số phiếu phát ra (5) lớn hơn số thành viên của "
        "Khối (3); mỗi thành viên chỉ được phát một phiếu, hãy kiểm tra lại biên bản kiểm phiếu",
        "data/2020/phieu-bau.yaml:7:13: lỗi: số phiếu thu về (5) lớn hơn số thành viên của "
        "Khối (3); mỗi thành viên chỉ bỏ một phiếu, hãy kiểm tra lại biên bản kiểm phiếu",
    ]


def test_more_papers_listed_than_members(tmp_path: Path) -> None:
    write_year(tmp_path, {"phieu-bau.yaml": ballot(3, 3, 4)})
    assert problems(tmp_path) == [
        "data/2020/phieu-bau.yaml:9:7: lỗi: phieu ghi 4 phiếu, nhiều hơn số thành viên của "
        "Khối (3); mỗi thành viên chỉ bỏ một phiếu, hãy kiểm tra lại biên bản kiểm phiếu",
    ]


def test_as_many_papers_as_members_is_fine(tmp_path: Path) -> None:
    write_year(tmp_path, {"phieu-bau.yaml": ballot(3, 3, 3)})
    assert problems(tmp_path) == []


def test_more_papers_than_members_with_present(tmp_path: Path) -> None:
    """With co_mat, returned > present already says it; issued is still bounded."""
    write_year(tmp_path, {"phieu-bau.yaml": ballot(4, 3, 3, present="    co_mat: 3\n")})
    assert problems(tmp_path) == [
        "data/2020/phieu-bau.yaml:7:14: lỗi: số phiếu phát ra (4) lớn hơn số thành viên của "
        "Khối (3); mỗi thành viên chỉ được phát một phiếu, hãy kiểm tra lại biên bản kiểm phiếu",
    ]


# --- 7. minutes adopted only by a majority ------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed", "present", "warned"), [(2, 4, True), (0, 0, True), (3, 5, False)]
)
def test_minutes_vote_without_majority_warned(
    tmp_path: Path, agreed: int, present: int, warned: bool
) -> None:
    conference = (
        "nam: 2020\nten: Hội nghị\nngay: 2020-12-30\nthong_qua_bien_ban:\n"
        f"  tan_thanh: {agreed}\n  co_mat: {present}\n"
    )
    write_year(tmp_path, {"hoi-nghi.yaml": conference})
    expected = [
        f"data/2020/hoi-nghi.yaml:5:14: cảnh báo: số tán thành ({agreed}) không quá một nửa "
        f"số có mặt ({present}) nên biên bản không được thông qua; hãy kiểm tra lại số liệu "
        "biểu quyết"
    ]
    assert problems(tmp_path) == (expected if warned else [])
