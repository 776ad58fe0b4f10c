"""Reading a year folder: files found or missing, file shapes, all problems at once, sorted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from thidua.errors import DataError, Problem, Severity, UsageError
from thidua.read.load import available_years
from thidua.repo.years import open_year, open_year_or_raise
from yeardata import KHOI, QUY_CHE, TIEU_CHI, problems, score_file, write_year


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def raw(tmp_path: Path, year: int = 2020) -> list[Problem]:
    _, found = open_year(tmp_path / "data", year)
    return sorted(found, key=Problem.sort_key)


def test_base_year_is_clean(tmp_path: Path) -> None:
    """The test helper's base year loads with no problem at all (tests rely on it)."""
    write_year(tmp_path)
    data, found = open_year(tmp_path / "data", 2020)
    assert found == []
    assert data is not None
    assert data.member_ids == ["A", "B", "C"]
    assert sorted(data.scores) == ["A", "B", "C"]


def test_missing_required_files(tmp_path: Path) -> None:
    """Each missing required file is an error naming the file, its role and the docs.

    What cannot be checked without it is said once, on the file (nothing for the
    regulation: only its own content needs it).
    """
    write_year(tmp_path, {"quy-che.yaml": None, "tieu-chi.yaml": None})
    data, found = open_year(tmp_path / "data", 2020)
    assert data is None
    shown = [(p.position.path, p.severity, p.message) for p in sorted(found, key=Problem.sort_key)]
    assert shown == [
        (
            "data/2020/quy-che.yaml",
            Severity.ERROR,
            "thiếu tệp quy-che.yaml (quy chế xếp hạng); xem mẫu trong docs/data-format.md",
        ),
        (
            "data/2020/tieu-chi.yaml",
            Severity.ERROR,
            "thiếu tệp tieu-chi.yaml (bảng tiêu chí); xem mẫu trong docs/data-format.md",
        ),
        (
            "data/2020/tieu-chi.yaml",
            Severity.WARNING,
            "vì chưa đọc được tệp này nên chưa kiểm tra được những gì cần đến nó: mã tiêu "
            "chí trong các tệp điểm, điểm còn thiếu của các đơn vị, cách ghi và giới hạn của "
            "điểm; sửa xong tệp này, hãy chạy lại thidua check để kiểm tra nốt",
        ),
    ]


def test_missing_optional_files_are_fine(tmp_path: Path) -> None:
    """Tasks, ballots and conference files are optional."""
    write_year(tmp_path)
    data, found = open_year(tmp_path / "data", 2020)
    assert found == []
    assert data is not None
    assert (data.tasks, data.ballots, data.conference) == (None, None, None)


@pytest.mark.parametrize("content", ["", "\n\n", "# chỉ có chú thích\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    """An empty (or comment-only) file is an error at 1:1 saying what content it needs."""
    write_year(tmp_path, {"quy-che.yaml": content})
    assert problems(tmp_path) == [
        "data/2020/quy-che.yaml:1:1: lỗi: tệp rỗng: cần nội dung quy chế xếp hạng; "
        "xem mẫu trong docs/data-format.md"
    ]


def test_empty_score_file(tmp_path: Path) -> None:
    """An empty score file names the content it needs ("điểm của một đơn vị")."""
    write_year(tmp_path, {"diem/A.yaml": ""})
    assert (
        "data/2020/diem/A.yaml:1:1: lỗi: tệp rỗng: cần nội dung điểm của một đơn vị; "
        "xem mẫu trong docs/data-format.md"
    ) in problems(tmp_path)


def test_file_that_is_a_list(tmp_path: Path) -> None:
    """A file whose top level is a list is refused at 1:1."""
    write_year(tmp_path, {"quy-che.yaml": "- nam: 2020\n"})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:1:1: lỗi: tệp phải là một bảng các khóa (ví dụ "nam: 2020"), '
        "không phải một danh sách"
    ]


def test_file_that_is_a_scalar(tmp_path: Path) -> None:
    """A file holding a single value is refused at 1:1."""
    write_year(tmp_path, {"quy-che.yaml": "chào\n"})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:1:1: lỗi: tệp phải là một bảng các khóa (ví dụ "nam: 2020"), '
        "không phải một giá trị đơn"
    ]


def test_score_file_for_member_given_twice(tmp_path: Path) -> None:
    """A second score file for the same member is an error at its don_vi; the first counts."""
    write_year(tmp_path, {"diem/A2.yaml": score_file("A", first="1")})
    data, found = open_year(tmp_path / "data", 2020)
    assert [str(p) for p in found] == [
        'data/2020/diem/A2.yaml:2:9: lỗi: đơn vị "A" đã có tệp điểm diem/A.yaml; '
        "mỗi đơn vị chỉ có một tệp điểm"
    ]
    assert data is not None
    assert data.score_files["A"] == "diem/A.yaml"


def test_score_files_yml_and_other_files(tmp_path: Path) -> None:
    """.yml score files are read; other files in diem/ are ignored."""
    write_year(
        tmp_path,
        {"diem/C.yaml": None, "diem/C.yml": score_file("C"), "diem/ghi-chu.txt": "không đọc\n"},
    )
    data, found = open_year(tmp_path / "data", 2020)
    assert found == []
    assert data is not None
    assert data.score_files["C"] == "diem/C.yml"


def test_unknown_year_is_a_usage_error(tmp_path: Path) -> None:
    """An absent year folder is a usage error (exit 2) listing the years present."""
    write_year(tmp_path)
    write_year(tmp_path, year=2021)
    with pytest.raises(UsageError) as info:
        open_year(tmp_path / "data", 2019)
    assert info.value.exit_code == 2
    assert info.value.message == (
        "không có dữ liệu năm 2019: thiếu thư mục data/2019 (đang có: 2020, 2021)"
    )


def test_unknown_year_when_no_year_exists(tmp_path: Path) -> None:
    """With an empty data folder the message says no year exists yet."""
    (tmp_path / "data").mkdir()
    with pytest.raises(UsageError) as info:
        open_year(tmp_path / "data", 2019)
    assert info.value.message == (
        "không có dữ liệu năm 2019: thiếu thư mục data/2019 (đang có: chưa có năm nào)"
    )


def test_missing_data_folder(tmp_path: Path) -> None:
    """A data folder that does not exist is a usage error naming it."""
    with pytest.raises(UsageError) as info:
        available_years(tmp_path / "khong-co")
    assert info.value.message == (
        f"không tìm thấy thư mục dữ liệu khong-co (đã tìm ở {tmp_path / 'khong-co'}); "
        "hãy chỉ ra thư mục dữ liệu bằng --data THƯ_MỤC hoặc biến môi trường THIDUA_DATA, "
        "hoặc tạo kho dữ liệu mới bằng thidua init THƯ_MỤC"
    )


def test_available_years_only_four_digit_folders(tmp_path: Path) -> None:
    """Only folders named by four digits are years, oldest first."""
    write_year(tmp_path, year=2021)
    write_year(tmp_path, year=2020)
    (tmp_path / "data" / "mau").mkdir()
    (tmp_path / "data" / "20201").mkdir()
    (tmp_path / "data" / "2019").write_text("không phải thư mục\n", encoding="utf-8")
    assert available_years(tmp_path / "data") == [2020, 2021]


def test_problems_of_several_files_all_reported_sorted(tmp_path: Path) -> None:
    """Problems in several files come all at once, sorted by file, then line, then column."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("dia_ban:", "dia_bna:"),
            "tieu-chi.yaml": TIEU_CHI.replace("toi_da: 20", "toi_da: hai mươi"),
            "diem/B.yaml": score_file("B", first="x"),
            "quy-che.yaml": QUY_CHE + "nam: 2020\n",
        },
    )
    with pytest.raises(DataError) as info:
        open_year_or_raise(tmp_path / "data", 2020)
    assert [str(p) for p in info.value.problems] == [
        'data/2020/diem/B.yaml:5:14: lỗi: cần một số điểm (ví dụ 9.5), "đạt"/"không đạt", '
        'hoặc {thuc_hien: ..., chi_tieu: ...}, nhưng gặp "x"',
        'data/2020/khoi.yaml:1:1: lỗi: thiếu khóa bắt buộc "dia_ban"',
        'data/2020/khoi.yaml:3:1: lỗi: khóa "dia_bna" không có trong mẫu dữ liệu; '
        'có phải ý bạn là "dia_ban"?',
        "data/2020/khoi.yaml:3:1: cảnh báo: vì chưa đọc được tệp này nên chưa kiểm tra được "
        "những gì cần đến nó: mã đơn vị ghi trong các tệp điểm, điểm còn thiếu của các đơn "
        "vị; sửa xong tệp này, hãy chạy lại thidua check để kiểm tra nốt",
        'data/2020/quy-che.yaml:4:1: lỗi: khóa "nam" bị lặp lại (đã có ở dòng 1); '
        "mỗi khóa chỉ được xuất hiện một lần",
        'data/2020/tieu-chi.yaml:12:17: lỗi: cần một số (ví dụ 9.5), nhưng gặp "hai mươi"',
        "data/2020/tieu-chi.yaml:12:17: cảnh báo: vì chưa đọc được tệp này nên chưa kiểm tra "
        "được những gì cần đến nó: mã tiêu chí trong các tệp điểm, điểm còn thiếu của các "
        "đơn vị, cách ghi và giới hạn của điểm; sửa xong tệp này, hãy chạy lại thidua check "
        "để kiểm tra nốt",
    ]
    assert info.value.message == "Dữ liệu có 5 lỗi."


def test_load_or_raise_returns_warnings(tmp_path: Path) -> None:
    """Warnings alone do not fail loading: they come back with the data."""
    write_year(
        tmp_path, {"khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra"), "diem/C.yaml": None}
    )
    data, warnings = open_year_or_raise(tmp_path / "data", 2020)
    assert data.year == 2020
    assert [(p.severity, p.message) for p in warnings] == [
        (Severity.WARNING, 'chưa có tệp điểm của đơn vị "C" (năm đang diễn ra)')
    ]


def test_invalid_score_file_is_not_also_reported_missing(tmp_path: Path) -> None:
    """A score file that exists but is invalid is reported for its fault only.

    It must not also be called absent ("chưa có tệp điểm"): the file is there, and that
    message (without a line) sends the user looking for a file they already have.
    """
    write_year(tmp_path, {"diem/A.yaml": score_file("A", first="9,5")})
    assert problems(tmp_path) == [
        'data/2020/diem/A.yaml:5:14: lỗi: "9,5" không phải là số: hãy dùng dấu chấm thập '
        "phân, ví dụ 9.5"
    ]


def test_yaml_11_traps_keep_their_text(tmp_path: Path) -> None:
    """`no`, `010`, `1:30`, `2020-12-30` keep their meaning: ids stay text, no base-60 times."""
    khoi = KHOI.replace("ma: A", "ma: no").replace("truong_khoi: A", "truong_khoi: no")
    khoi = khoi.replace("ma: C", "ma: 010")
    conference = (
        "nam: 2020\nten: Hội nghị tổng kết\nngay: 2020-12-30\nbat_dau: 1:30\nket_thuc: 2:45\n"
        "thanh_phan:\n  - don_vi: no\n  - don_vi: 010\n"
    )
    write_year(
        tmp_path,
        {
            "khoi.yaml": khoi,
            "hoi-nghi.yaml": conference,
            "diem/A.yaml": score_file("no"),
            "diem/C.yaml": score_file("010", first="12", second="không đạt"),
        },
    )
    data, found = open_year(tmp_path / "data", 2020)
    assert data is not None
    assert data.member_ids == ["no", "B", "010"]
    assert data.cluster.leader == "no"
    assert data.conference is not None
    assert data.conference.start == dt.time(1, 30)
    assert data.conference.date == dt.date(2020, 12, 30)
    # The files are named A.yaml and C.yaml: only the name warnings remain.
    assert [p.message for p in sorted(found, key=Problem.sort_key)] == [
        'tệp diem/A.yaml chứa điểm của đơn vị "no"; nên đặt tên tệp là diem/no.yaml để mỗi '
        "đơn vị dễ tìm tệp của mình",
        'tệp diem/C.yaml chứa điểm của đơn vị "010"; nên đặt tên tệp là diem/010.yaml để mỗi '
        "đơn vị dễ tìm tệp của mình",
    ]


def test_paths_relative_to_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Positions use the path relative to the working directory, so editors can open it."""
    write_year(tmp_path, {"quy-che.yaml": "- nam: 2020\n"})
    monkeypatch.chdir(tmp_path / "data")
    _, found = open_year(tmp_path / "data", 2020)
    assert [p.position.path for p in found] == [str(Path("2020") / "quy-che.yaml")]


def test_paths_outside_current_directory_stay_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder outside the working directory is shown by its full path, not ../.."""
    write_year(tmp_path, {"quy-che.yaml": "- nam: 2020\n"})
    elsewhere = tmp_path / "khac"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, found = open_year(tmp_path / "data", 2020)
    assert [p.position.path for p in found] == [str(tmp_path / "data" / "2020" / "quy-che.yaml")]


def test_nfc_normalised_on_input(tmp_path: Path) -> None:
    """Decomposed text (NFD, as macOS may save it) is read as the precomposed NFC text."""
    import unicodedata

    write_year(tmp_path, {"khoi.yaml": unicodedata.normalize("NFD", KHOI).encode("utf-8")})
    data, found = open_year(tmp_path / "data", 2020)
    assert found == []
    assert data is not None
    assert data.cluster.name == "Khối thi đua thử nghiệm"
    assert unicodedata.is_normalized("NFC", data.cluster.members[0].name)


def test_year_data_knows_illustrative(tmp_path: Path) -> None:
    """A year is illustrative as soon as one of its made-up files says minh_hoa: true."""
    write_year(tmp_path)
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None and not data.illustrative
    write_year(tmp_path, {"tieu-chi.yaml": TIEU_CHI + "minh_hoa: true\n"})
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None and data.illustrative


def test_raw_problems_are_problem_values(tmp_path: Path) -> None:
    """Loader problems are values with a path, a 1-based line and column, and a message."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("dia_ban:", "dia_bna:")})
    for p in raw(tmp_path):
        assert p.position.path == "data/2020/khoi.yaml"
        assert p.position.line >= 1 and p.position.column >= 1
        assert p.message


def test_blank_key_is_named(tmp_path: Path) -> None:
    """A key left blank is named in the message, which says what it expects."""
    write_year(
        tmp_path,
        {
            "khoi.yaml": KHOI.replace("dia_ban: Thành phố thử nghiệm", "dia_ban:"),
            "tieu-chi.yaml": TIEU_CHI.replace("toi_da: 20", "toi_da:"),
        },
    )
    found = [p for p in problems(tmp_path) if "chưa được điền" in p]
    assert found == [
        'data/2020/khoi.yaml:3:9: lỗi: "dia_ban" chưa được điền: cần một đoạn văn bản',
        'data/2020/tieu-chi.yaml:12:16: lỗi: "toi_da" chưa được điền: cần một số (ví dụ 9.5)',
    ]


def test_next_year_tasks_are_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next year's tasks file is optional; when present it is validated with positions."""
    from thidua.read.load import load_next_tasks

    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {})
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    assert load_next_tasks(data) is None
    nxt = tmp_path / "data" / "2021"
    nxt.mkdir()
    (nxt / "nhiem-vu.yaml").write_text("nam: 2021\nphong_trao: [Thi đua A]\n", encoding="utf-8")
    tasks = load_next_tasks(data)
    assert tasks is not None
    assert tasks.movements == ["Thi đua A"]
    (nxt / "nhiem-vu.yaml").write_text("nam: 2021\nphong_trao: 7x\nabc: 1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_next_tasks(data)
    assert [str(p) for p in info.value.problems] == [
        "data/2021/nhiem-vu.yaml:2:13: lỗi: cần một danh sách (mỗi mục một dòng bắt đầu bằng "
        '"- "), nhưng gặp "7x"',
        'data/2021/nhiem-vu.yaml:3:1: lỗi: khóa "abc" không có trong mẫu dữ liệu; các khóa '
        "được dùng ở đây: nam, so_nhiem_vu_trong_tam, nhiem_vu_trong_tam, phong_trao, nguon, "
        "ghi_chu",
    ]
