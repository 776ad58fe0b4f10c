"""Errors in waves: one run reports every file's problems, whatever file is broken.

A file that does not load (syntax error, invalid content, missing) hides only the checks
that need it; a file with a syntax error is still checked up to the error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from thidua.cli import app
from thidua.read.yamlio import parse_yaml_partly
from thidua.repo.years import open_year
from yeardata import KHOI, TIEU_CHI, problems, score_file, write_year

REPO = Path(__file__).resolve().parents[1]

BALLOTS = """\
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
      D: 1
"""
# The two problems of BALLOTS, both found with khoi.yaml alone.
BALLOT_PROBLEMS = [
    "data/2020/phieu-bau.yaml:12:7: lỗi: tổng số phiếu bầu cho các đơn vị (2) nhỏ hơn số "
    "phiếu hợp lệ (3), mà mỗi phiếu hợp lệ chọn ít nhất một đơn vị (phiếu không chọn ai là "
    "phiếu không hợp lệ); hãy kiểm tra lại kết quả kiểm phiếu",
    'data/2020/phieu-bau.yaml:13:10: lỗi: "D" trong ket_qua không phải là đơn vị thành viên; '
    "cần một trong các mã: A, B, C",
]
# A score file whose line 6 lacks its ":" (libyaml stops there).
A_NO_COLON = """\
nam: 2020
don_vi: A
diem:
  "1.1":
    tu_cham: 18
  "1.2"
    tu_cham: đạt
"""
NO_COLON = (
    'data/2020/diem/A.yaml:6:3: lỗi: không tìm thấy dấu ":" sau khóa; mỗi dòng trong bảng '
    'phải có dạng "khóa: giá trị" (nếu đây là phần tiếp của giá trị ở dòng trên, hãy đặt cả '
    "giá trị trong dấu ngoặc kép)"
)
STOPPED = (
    "cảnh báo: trình đọc YAML dừng ở lỗi cú pháp đầu tiên nên phần tệp từ đây trở đi chưa "
    "được đọc; sửa lỗi này rồi chạy lại thidua check để kiểm tra nốt phần còn lại"
)
B_OVER = (
    'data/2020/diem/B.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 25 vượt '
    "quá điểm tối đa 20; cần từ 0 đến 20"
)
UNCHECKED = "cảnh báo: vì chưa đọc được tệp này nên chưa kiểm tra được những gì cần đến nó: "
AGAIN = "; sửa xong tệp này, hãy chạy lại thidua check để kiểm tra nốt"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def test_three_faults_in_three_files_in_one_run(tmp_path: Path) -> None:
    """A syntax error in one score file, an unknown unit in the ballots and a score over
    the maximum in another score file: all in the first run, by file then line."""
    write_year(
        tmp_path,
        {
            "diem/A.yaml": A_NO_COLON,
            "diem/B.yaml": score_file("B", first="25"),
            "phieu-bau.yaml": BALLOTS,
        },
    )
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{NO_COLON}\n"
        f"data/2020/diem/A.yaml:6:3: {STOPPED}\n"
        f"{B_OVER}\n"
        f"{BALLOT_PROBLEMS[0]}\n"
        f"{BALLOT_PROBLEMS[1]}\n"
        "Tổng cộng: 4 lỗi, 1 cảnh báo.\n"
    )


def test_same_output_every_run_no_duplicates(tmp_path: Path) -> None:
    """Byte-identical output from run to run, each message once."""
    write_year(
        tmp_path,
        {
            "tieu-chi.yaml": "nam: 2020\nnhom: [\n",
            "diem/A.yaml": A_NO_COLON,
            "diem/B.yaml": score_file("B", first="25"),
            "phieu-bau.yaml": BALLOTS,
        },
    )
    first = invoke("check", "2020").stderr
    assert invoke("check", "2020").stderr == first
    assert len(set(first.splitlines())) == len(first.splitlines())


def test_a_file_is_checked_up_to_its_syntax_error(tmp_path: Path) -> None:
    """Before the error: a score over the maximum and a misspelt key are reported. The
    entry the error cuts short (its reason may follow) and the criteria after it are not
    taken as missing; the member is not said to lack scores."""
    a_file = (
        "nam: 2020\n"
        "don_vi: A\n"
        "diem:\n"
        '  "1.1":\n'
        "    tu_cham: 21\n"
        "    minh_chug: Báo cáo năm\n"
        '  "1.2":\n'
        "    tu_cham: đạt\n"
        "    tham_dinh: không đạt\n"
        "     ly_do: Chưa có minh chứng\n"
    )
    write_year(tmp_path, {"diem/A.yaml": a_file})
    assert problems(tmp_path) == [
        'data/2020/diem/A.yaml:6:5: lỗi: khóa "minh_chug" không có trong mẫu dữ liệu; '
        'có phải ý bạn là "minh_chung"?',
        "data/2020/diem/A.yaml:10:6: lỗi: lỗi thụt lề: dòng này thụt vào 5 dấu cách, các "
        "khóa cùng cấp ở trên thụt 4 (hoặc 2); hãy thụt dòng này thẳng hàng với các khóa "
        'cùng cấp với nó (chỉ dùng dấu cách; không thêm dấu "-")',
        f"data/2020/diem/A.yaml:10:6: {STOPPED}",
    ]
    fixed_key = a_file.replace("minh_chug", "minh_chung")
    write_year(tmp_path, {"diem/A.yaml": fixed_key})
    assert problems(tmp_path)[0] == (
        'data/2020/diem/A.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 21 '
        "vượt quá điểm tối đa 20; cần từ 0 đến 20"
    )
    assert len(problems(tmp_path)) == 3


def test_what_comes_before_the_error_never_stands_for_the_file(tmp_path: Path) -> None:
    """The year handed to commands has no trace of the half-read file (an import must
    not take it for the member's scores)."""
    write_year(tmp_path, {"diem/A.yaml": A_NO_COLON})
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    assert sorted(data.scores) == ["B", "C"]
    assert "diem/A.yaml" not in data.sources
    assert data.unreadable_scores == {"A"}


def test_nothing_is_said_missing_where_the_file_stopped(tmp_path: Path) -> None:
    """khoi.yaml stops in its member list: a misspelt key above is reported; the keys and
    members that may follow the error are not said to be missing."""
    khoi = KHOI.replace("dia_ban:", "dia_bn:").replace(
        "    ten: Đơn vị thử nghiệm B\n", "    ten: [Đơn vị thử nghiệm B\n"
    )
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:3:1: lỗi: khóa "dia_bn" không có trong mẫu dữ liệu; '
        'có phải ý bạn là "dia_ban"?',
        "data/2020/khoi.yaml:14:7: lỗi: danh sách trong ngoặc vuông mở ở dòng 13 chưa đúng: "
        'thiếu dấu "," giữa các mục hoặc thiếu dấu "]" đóng; nếu một mục chứa ",", "[" hoặc '
        '"]", hãy đặt mục đó trong dấu ngoặc kép',
        f"data/2020/khoi.yaml:14:7: {STOPPED}",
        f"data/2020/khoi.yaml:14:7: {UNCHECKED}mã đơn vị ghi trong các tệp điểm, "
        f"điểm còn thiếu của các đơn vị{AGAIN}",
    ]


def test_broken_table_hides_only_what_needs_it(tmp_path: Path) -> None:
    """Without tieu-chi.yaml, scores cannot be checked (said once, on that file); the
    ballots and a score file's unit code still are."""
    write_year(
        tmp_path,
        {
            "tieu-chi.yaml": TIEU_CHI.replace("toi_da: 20", "toi_da: [20"),
            "diem/B.yaml": score_file("B", first="25"),
            "diem/C.yaml": score_file("D"),
            "phieu-bau.yaml": BALLOTS,
        },
    )
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'data/2020/diem/C.yaml:2:9: lỗi: "D" không phải là đơn vị thành viên của Khối năm '
        "2020; cần một trong các mã: A, B, C",
        *BALLOT_PROBLEMS,
        "data/2020/tieu-chi.yaml:13:11: lỗi: danh sách trong ngoặc vuông mở ở dòng 12 chưa "
        'đúng: thiếu dấu "," giữa các mục hoặc thiếu dấu "]" đóng; nếu một mục chứa ",", "[" '
        'hoặc "]", hãy đặt mục đó trong dấu ngoặc kép',
        f"data/2020/tieu-chi.yaml:13:11: {STOPPED}",
        f"data/2020/tieu-chi.yaml:13:11: {UNCHECKED}mã tiêu chí trong các tệp điểm, điểm "
        f"còn thiếu của các đơn vị, cách ghi và giới hạn của điểm{AGAIN}",
        "Tổng cộng: 4 lỗi, 2 cảnh báo.",
    ]


def test_broken_cluster_hides_only_what_needs_it(tmp_path: Path) -> None:
    """Without a valid khoi.yaml, unit codes cannot be checked; scores against the table
    still are (a score over the maximum, an unknown criterion)."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("trang_thai: da_ket_thuc\n", ""),
            "diem/B.yaml": score_file("B", first="25") + '  "9.9":\n    tu_cham: 1\n',
            "phieu-bau.yaml": BALLOTS,
        },
    )
    assert problems(tmp_path) == [
        B_OVER,
        'data/2020/diem/B.yaml:8:3: lỗi: tiêu chí "9.9" không có trong bảng tiêu chí năm '
        "2020; cần một trong các mã: 1.1, 1.2",
        'data/2020/khoi.yaml:1:1: lỗi: thiếu khóa bắt buộc "trang_thai"',
        f"data/2020/khoi.yaml:1:1: {UNCHECKED}mã đơn vị ghi trong các tệp điểm, điểm còn "
        f"thiếu của các đơn vị, mã đơn vị và số phiếu trong kết quả bỏ phiếu{AGAIN}",
    ]


def test_broken_regulation_hides_nothing_else(tmp_path: Path) -> None:
    """quy-che.yaml is read by no other file's check: no note, every other check runs."""
    write_year(
        tmp_path,
        {"quy-che.yaml": "nam: 2020\nxep_hang: {thu_tu: [diem]\n", "phieu-bau.yaml": BALLOTS},
    )
    assert problems(tmp_path) == [
        *BALLOT_PROBLEMS,
        "data/2020/quy-che.yaml:3:1: lỗi: bảng trong ngoặc nhọn mở ở dòng 2 chưa đúng: thiếu dấu "
        '"," giữa các cặp "khóa: giá trị" hoặc thiếu dấu "}" đóng; nếu một giá trị chứa ",", '
        '"{" hoặc "}", hãy đặt giá trị đó trong dấu ngoặc kép',
        f"data/2020/quy-che.yaml:3:1: {STOPPED}",
    ]


@pytest.mark.parametrize("broken", ["khoi.yaml", "quy-che.yaml", "tieu-chi.yaml"])
def test_each_required_file_broken_in_the_bundled_year(tmp_path: Path, broken: str) -> None:
    """Every rule copes with each required file missing from a full year: exit 1, no
    crash, the missing file named, every other rule's problems still found."""
    shutil.copytree(REPO / "data" / "2020", tmp_path / "data" / "2020")
    folder = tmp_path / "data" / "2020"
    (folder / broken).unlink()
    (folder / "khoa-so.yaml").unlink()
    ballots = folder / "phieu-bau.yaml"
    ballots.write_text(
        ballots.read_text(encoding="utf-8").replace("QLTT: 1", "QLT: 1"), encoding="utf-8"
    )
    result = invoke("check", "2020")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        sum(line.startswith(f"data/2020/{broken}:1:1: lỗi: thiếu tệp {broken} (") for line in lines)
        == 1
    )
    unknown_unit = '"QLT" trong ket_qua không phải là đơn vị thành viên'
    assert any(unknown_unit in line for line in lines) is (broken != "khoi.yaml")


def test_other_commands_refuse_listing_every_problem(tmp_path: Path) -> None:
    """rank refuses a year with errors, listing them all at once, cross-file ones too."""
    write_year(
        tmp_path,
        {"tieu-chi.yaml": TIEU_CHI.replace("toi_da: 20", "toi_da: [20"), "phieu-bau.yaml": BALLOTS},
    )
    check = invoke("check", "2020")
    rank = invoke("rank", "2020")
    assert rank.exit_code == 1
    assert rank.stdout == ""
    assert [line for line in rank.stderr.splitlines() if line.startswith("data/")] == [
        line for line in check.stderr.splitlines() if line.startswith("data/")
    ]
    assert BALLOT_PROBLEMS[1] in rank.stderr.splitlines()


def test_partly_parsed_tells_where_it_stopped() -> None:
    """parse_yaml_partly: the tree up to a syntax error, and the open collection there."""
    parsed = parse_yaml_partly(A_NO_COLON.encode(), "A.yaml")
    assert parsed.root == {"nam": "2020", "don_vi": "A", "diem": {"1.1": {"tu_cham": "18"}}}
    assert parsed.stopped == ("diem",)
    assert [str(p) for p in parsed.problems] == [NO_COLON.replace("data/2020/diem/", "")]
    whole = parse_yaml_partly(b"a: [1, 2]\n", "x.yaml")
    assert (whole.root, whole.problems, whole.stopped) == ({"a": ["1", "2"]}, [], None)


def test_the_note_names_every_check_the_missing_cluster_held_back(tmp_path: Path) -> None:
    """Without khoi.yaml, the note lists the unit codes of scores, ballots, the conference
    and the documents file (van-ban.yaml: committee units, report sections)."""
    shutil.copytree(REPO / "data" / "2020", tmp_path / "data" / "2020")
    (tmp_path / "data" / "2020" / "khoi.yaml").unlink()
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/2020/khoi.yaml:1:1: lỗi: thiếu tệp khoi.yaml (thông tin Khối và thành viên); "
        "xem mẫu trong docs/data-format.md",
        "data/2020/khoi.yaml:1:1: cảnh báo: vì chưa đọc được tệp này nên chưa kiểm tra được "
        "những gì cần đến nó: mã đơn vị ghi trong các tệp điểm, điểm còn thiếu của các đơn vị, "
        "mã đơn vị và số phiếu trong kết quả bỏ phiếu, mã đơn vị trong hội nghị tổng kết, lời "
        "văn báo cáo và ban kiểm phiếu; sửa xong tệp này, hãy chạy lại thidua check để kiểm "
        "tra nốt",
        "Tổng cộng: 1 lỗi, 1 cảnh báo.",
    ]
