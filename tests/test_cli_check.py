"""`thidua check` via the CLI: summary, problems, --strict, --format json, usage errors, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner, Result

from thidua.cli import app
from yeardata import KHOI, score_file, write_year

REPO = Path(__file__).resolve().parents[1]

SUMMARY_2020 = (
    "✓ Năm 2020 (đã kết thúc): 7 đơn vị; 9 tiêu chí trong 4 nhóm; điểm đã nhập 63, "
    "còn thiếu 0; 2 cuộc bỏ phiếu; hội nghị ngày 30/12/2020. — số liệu minh họa"
)
SUMMARY_2021 = (
    "… Năm 2021 (đang diễn ra): 7 đơn vị; 9 tiêu chí trong 4 nhóm; điểm đã nhập 0, "
    "còn thiếu 63; chưa có kết quả bỏ phiếu; 9 nhiệm vụ trọng tâm (đã ghi 5). — số liệu minh họa"
)
MEMBERS = ["BHXH", "CTK", "HQ", "KBNN", "NHNN", "QLTT", "THUE"]
WARNINGS_2021 = [
    f'data/2021/diem/{mid}.yaml:6:7: cảnh báo: đơn vị "{mid}" chưa chấm tiêu chí nào '
    "(năm đang diễn ra)"
    for mid in MEMBERS
]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def lines(text: str) -> list[str]:
    return text.splitlines()


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    # SystemExit is how an exit code leaves; any other exception is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THIDUA_DATA", raising=False)
    return tmp_path


# --- success -----------------------------------------------------------------------------


@pytest.mark.usefixtures("in_repo")
def test_check_all_bundled_years() -> None:
    """`thidua check` checks every year: summaries on stdout, 2021's warnings on stderr, exit 0."""
    result = invoke("check")
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert lines(result.stdout) == [SUMMARY_2020, SUMMARY_2021]
    assert lines(result.stderr) == [*WARNINGS_2021, "Tổng cộng: 0 lỗi, 7 cảnh báo."]


@pytest.mark.usefixtures("in_repo")
def test_check_one_year() -> None:
    """`thidua check 2020` checks only 2020, which is clean: one summary, nothing on stderr."""
    result = invoke("check", "2020")
    assert result.exit_code == 0
    assert lines(result.stdout) == [SUMMARY_2020]
    assert result.stderr == ""


@pytest.mark.usefixtures("in_repo")
def test_check_years_in_order_once() -> None:
    """Years given twice or out of order are checked once each, oldest first."""
    result = invoke("check", "2021", "2020", "2021")
    assert result.exit_code == 0
    assert lines(result.stdout) == [SUMMARY_2020, SUMMARY_2021]


@pytest.mark.usefixtures("in_tmp")
def test_data_option() -> None:
    """--data DIR (and -d) points at another data folder."""
    for flag in ("--data", "-d"):
        result = invoke("check", flag, str(REPO / "data"), "2020")
        assert result.exit_code == 0, result.output
        assert lines(result.stdout) == [SUMMARY_2020]


def test_data_environment_variable(in_tmp: Path) -> None:
    """THIDUA_DATA gives the data folder when --data is not given."""
    result = invoke("check", "2020", env={"THIDUA_DATA": str(REPO / "data")})
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [SUMMARY_2020]


def test_data_option_wins_over_environment(in_tmp: Path) -> None:
    """An explicit --data overrides THIDUA_DATA."""
    result = invoke(
        "check", "--data", str(REPO / "data"), "2020", env={"THIDUA_DATA": str(in_tmp / "khong")}
    )
    assert result.exit_code == 0, result.output


# --- problems ----------------------------------------------------------------------------


def write_faulty(root: Path) -> None:
    """Two errors and one warning, in two files."""
    write_year(
        root,
        {
            "khoi.yaml": KHOI.replace("pho_khoi: B", "pho_khoi: Y"),
            "diem/A.yaml": score_file("A", first="25"),
            "diem/b.yaml": score_file("B", first="15"),
            "diem/B.yaml": None,
        },
    )


FAULTS = [
    'data/2020/diem/A.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 25 vượt '
    "quá điểm tối đa 20; cần từ 0 đến 20",
    'data/2020/diem/b.yaml:2:9: cảnh báo: tệp diem/b.yaml chứa điểm của đơn vị "B"; nên đặt '
    "tên tệp là diem/B.yaml để mỗi đơn vị dễ tìm tệp của mình",
    'data/2020/khoi.yaml:6:11: lỗi: Phó khối "Y" không phải là đơn vị thành viên; cần một '
    "trong các mã: A, B, C",
]


def test_problems_exit_1_with_positions(in_tmp: Path) -> None:
    """Problems: `path:line:col: lỗi|cảnh báo: …` on stderr, sorted, a total line, exit 1."""
    write_faulty(in_tmp)
    result = invoke("check")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert lines(result.stderr) == [*FAULTS, "Tổng cộng: 2 lỗi, 1 cảnh báo."]
    assert result.stdout == ""


def test_problems_in_one_year_other_year_still_checked(in_tmp: Path) -> None:
    """A faulty year does not hide another year's problems: all are reported at once."""
    write_faulty(in_tmp)
    khoi_2021 = KHOI.replace("nam: 2020", "nam: 2021").replace("pho_khoi: B", "pho_khoi: A")
    write_year(in_tmp, {"khoi.yaml": khoi_2021}, year=2021)
    result = invoke("check")
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        *FAULTS,
        'data/2021/khoi.yaml:6:11: lỗi: Phó khối trùng với Trưởng khối ("A"); hai chức danh '
        "phải do hai đơn vị khác nhau đảm nhiệm",
        "Tổng cộng: 3 lỗi, 1 cảnh báo.",
    ]


@pytest.mark.usefixtures("in_repo")
def test_strict_makes_warnings_fail() -> None:
    """--strict: 2021's warnings fail the check (exit 1) and no summary is printed."""
    result = invoke("check", "--strict", "2021")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [*WARNINGS_2021, "Tổng cộng: 0 lỗi, 7 cảnh báo."]


@pytest.mark.usefixtures("in_repo")
def test_strict_passes_clean_year() -> None:
    """--strict on a year without warnings still passes."""
    result = invoke("check", "--strict", "2020")
    assert result.exit_code == 0
    assert lines(result.stdout) == [SUMMARY_2020]


def test_json_format(in_tmp: Path) -> None:
    """--format json prints the same problems as a JSON list on stdout, exit 1."""
    write_faulty(in_tmp)
    result = invoke("check", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {
            "path": "data/2020/diem/A.yaml",
            "line": 5,
            "column": 14,
            "severity": "error",
            "message": FAULTS[0].split(": lỗi: ", 1)[1],
        },
        {
            "path": "data/2020/diem/b.yaml",
            "line": 2,
            "column": 9,
            "severity": "warning",
            "message": FAULTS[1].split(": cảnh báo: ", 1)[1],
        },
        {
            "path": "data/2020/khoi.yaml",
            "line": 6,
            "column": 11,
            "severity": "error",
            "message": FAULTS[2].split(": lỗi: ", 1)[1],
        },
    ]


@pytest.mark.usefixtures("in_repo")
def test_json_format_clean_is_empty_list() -> None:
    """On clean data, -f json prints exactly `[]` (stdout stays pure JSON), exit 0."""
    result = invoke("check", "-f", "json", "2020")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.usefixtures("in_repo")
def test_json_format_warnings_and_strict() -> None:
    """JSON lists warnings as such; with --strict they fail the check."""
    result = invoke("check", "--format", "json", "2021")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert [i["severity"] for i in items] == ["warning"] * 7
    assert [f"{i['path']}:{i['line']}:{i['column']}" for i in items] == [
        w.split(": cảnh báo:")[0] for w in WARNINGS_2021
    ]
    strict = invoke("check", "--format", "json", "--strict", "2021")
    assert strict.exit_code == 1
    assert json.loads(strict.stdout) == items


# --- usage errors ------------------------------------------------------------------------


def test_missing_data_folder_exit_2(in_tmp: Path) -> None:
    """--data naming no folder is a usage error: one Vietnamese line, exit 2."""
    result = invoke("check", "--data", "khong-co")
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Lỗi: không tìm thấy thư mục dữ liệu khong-co (đã tìm ở {in_tmp / 'khong-co'}); "
        "hãy chỉ ra thư mục dữ liệu bằng --data THƯ_MỤC hoặc biến môi trường THIDUA_DATA, "
        "hoặc tạo kho dữ liệu mới bằng thidua init THƯ_MỤC\n"
    )


def test_missing_default_data_folder_exit_2(in_tmp: Path) -> None:
    """Without ./data and without --data: usage error, exit 2."""
    result = invoke("check", "2020")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Lỗi: không tìm thấy thư mục dữ liệu data (đã tìm ở {in_tmp / 'data'}); "
        "hãy chỉ ra thư mục dữ liệu bằng --data THƯ_MỤC hoặc biến môi trường THIDUA_DATA, "
        "hoặc tạo kho dữ liệu mới bằng thidua init THƯ_MỤC\n"
    )


@pytest.mark.usefixtures("in_repo")
def test_unknown_year_exit_2() -> None:
    """An unknown year is a usage error listing the years present."""
    result = invoke("check", "2019")
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: không có dữ liệu năm 2019: thiếu thư mục data/2019 (đang có: 2020, 2021)\n"
    )


def test_empty_data_folder_exit_2(in_tmp: Path) -> None:
    """A data folder without any year is a usage error saying what is expected."""
    (in_tmp / "data").mkdir()
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: thư mục dữ liệu data chưa có năm nào (cần các thư mục như data/2020)\n"
    )


@pytest.mark.usefixtures("in_repo")
@pytest.mark.parametrize(
    "args",
    [
        ["check", "--khong-co"],
        ["check", "--format", "xml"],
        ["check", "hai-nghin"],
        ["check", "--data"],
        ["khong-co-lenh"],
    ],
)
def test_bad_usage_exit_2(args: list[str]) -> None:
    """Unknown options, bad option values, a non-number year, unknown commands: exit 2."""
    result = invoke(*args)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout == ""


# --- help --------------------------------------------------------------------------------


def commands() -> dict[str, Any]:
    """The registered subcommands (typer 0.29 vendors its own click: no click types here)."""
    group = typer.main.get_command(app)
    registered = getattr(group, "commands", None)
    assert isinstance(registered, dict), "thidua must be a group of subcommands"
    return dict(registered)


def test_check_is_registered() -> None:
    """`check` is a subcommand of the thidua group."""
    assert "check" in commands()


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_main_help_vietnamese(flag: str) -> None:
    """`thidua --help` describes the tool in Vietnamese and lists the commands."""
    result = invoke(flag)
    assert result.exit_code == 0
    assert "Chấm điểm, kiểm phiếu, xếp hạng thi đua" in result.stdout
    for name in commands():
        assert f"  {name} " in result.stdout


def test_check_help_vietnamese() -> None:
    """`thidua check --help` explains the command and each option in Vietnamese."""
    result = invoke("check", "--help")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    for text in (
        "Kiểm tra dữ liệu: cú pháp, kiểu, mã đơn vị và tiêu chí, giới hạn điểm, số phiếu.",
        "Các năm cần kiểm tra (mặc định: mọi năm trong thư mục dữ liệu).",
        "Thư mục dữ liệu chứa các năm",
        "THIDUA_DATA",
        "--strict",
        "Coi cảnh báo là lỗi",
        "--format",
    ):
        assert text in out


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_help(name: str) -> None:
    """Every registered command answers --help (exit 0) with its Vietnamese description."""
    command = commands()[name]
    result = invoke(name, "--help")
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert command.help, f"{name} has no help text"
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()[:4]) in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_and_parameter_documented(name: str) -> None:
    """Meta-test: every command and every one of its parameters has Vietnamese help text."""
    command = commands()[name]
    assert command.help and not command.help.isascii(), f"{name}: help missing or not Vietnamese"
    for param in command.params:
        if param.name == "help":
            continue
        text = getattr(param, "help", None)
        assert text, f"{name}: parameter {param.name} has no help"
        assert not text.isascii(), f"{name}: help of {param.name} is not Vietnamese: {text!r}"


# --- a real process ----------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.pop("THIDUA_DATA", None)
    return env


def test_python_m_thidua_check() -> None:
    """`python -m thidua check 2020` in a real process: exit 0, UTF-8 summary on stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "thidua", "check", "2020"],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stdout.decode("utf-8").splitlines() == [SUMMARY_2020]
    assert proc.stderr == b""


def test_check_does_not_import_rendering() -> None:
    """`check` imports nothing only rendering needs (jinja2 stays out, for start-up time)."""
    code = (
        "import sys\n"
        "from thidua.cli import app\n"
        "try:\n"
        "    app(['check', '2020'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print(sorted(m for m in ('jinja2', 'docx', 'openpyxl', 'ruamel') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stdout.decode("utf-8").splitlines()[-1] == "[]"
