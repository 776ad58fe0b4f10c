"""The CLI speaks Vietnamese: help screens and usage errors (typer's vendored click is English).

Checked on the real ``thidua`` app, through ``CliRunner`` (``app``) and a real
``python -m thidua`` process (``main()``), and on a small demo app built here for the
parameter kinds thidua does not have yet (required option, bounds, pairs, aborts).
"""

from __future__ import annotations

import enum
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
from typer._click.exceptions import (
    BadArgumentUsage,
    BadOptionUsage,
    BadParameter,
    ClickException,
    UsageError,
)
from typer.testing import CliRunner, Result

from thidua.cli import app
from thidua.cli.locale import (
    VietnameseGroup,
    is_vietnamese,
    vietnamese_definition,
    vietnamese_message,
    vietnamese_term,
)

REPO = Path(__file__).resolve().parents[1]

# click's English boilerplate, as whole words (case-insensitive), and typer's type labels.
ENGLISH = re.compile(
    r"\b(usage|options?|arguments?|commands?|show this message|default|required|env var"
    r"|try|error|missing|invalid|no such|did you mean|aborted|deprecated)\b"
    r"|\[OPTIONS\]|\[ARGS\]|<(int|str|path|float|list\[)",
    re.IGNORECASE,
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", None)
    assert isinstance(commands, dict)
    return sorted(commands)


def flat(text: str) -> str:
    """Whitespace-normalised text, so that pins do not depend on where lines wrap."""
    return " ".join(text.split())


# --- help screens ------------------------------------------------------------------------


HELP_SCREENS = [["--help"], ["-h"], *([name, "--help"] for name in command_names())]


@pytest.mark.parametrize("args", HELP_SCREENS, ids=" ".join)
def test_help_has_no_english_boilerplate(args: list[str]) -> None:
    """Every help screen (main, each command) is free of click's English words."""
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Cách dùng: thidua ")
    assert ENGLISH.search(result.stdout) is None, ENGLISH.search(result.stdout)


def test_no_arguments_shows_vietnamese_help() -> None:
    """`thidua` alone prints the (Vietnamese) help on stderr and exits 2, as typer does."""
    result = invoke()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Cách dùng: thidua [TÙY CHỌN] LỆNH [THAM SỐ]...\n")
    assert ENGLISH.search(result.stderr) is None


def test_main_help_layout() -> None:
    """`thidua --help`: Vietnamese usage line, headings and help option text."""
    out = invoke("--help").stdout
    assert out.startswith("Cách dùng: thidua [TÙY CHỌN] LỆNH [THAM SỐ]...\n\n")
    assert (
        "\nTùy chọn:\n  --version   In số phiên bản của thidua rồi thoát.\n"
        "  -h, --help  Hiện hướng dẫn này rồi thoát.\n\nLệnh:\n  check "
    ) in out


def test_check_help_layout() -> None:
    """`thidua check --help`: headings, type labels and markers are Vietnamese."""
    out = invoke("check", "--help").stdout
    assert out.startswith("Cách dùng: thidua check [TÙY CHỌN] [NĂM]...\n\n")
    assert "\nTham số:\n  NĂM <số nguyên>  " in out
    assert "\nTùy chọn:\n  -d, --data <đường dẫn>  " in out
    text = flat(out)
    assert "[biến môi trường: THIDUA_DATA]" in text
    assert "-f, --format <text|json>" in text
    assert "[mặc định: text]" in text
    assert "-h, --help Hiện hướng dẫn này rồi thoát." in text


def test_required_marker() -> None:
    """A required argument is marked ``[bắt buộc]`` (here `rank`'s year)."""
    assert "[bắt buộc]" in flat(invoke("rank", "--help").stdout)


# --- usage errors, through CliRunner -----------------------------------------------------


def hint(command: str) -> str:
    return f"Xem thêm: thidua{command} --help\n"


USAGE_ERRORS = [
    (["check", "--khong-co"], "Lỗi: không có tùy chọn --khong-co\n" + hint(" check")),
    (
        ["check", "--formt", "json"],
        "Lỗi: không có tùy chọn --formt (có phải ý bạn là --format?)\n" + hint(" check"),
    ),
    (["--x"], "Lỗi: không có tùy chọn --x\n" + hint("")),
    (["rank"], "Lỗi: thiếu tham số NĂM\n" + hint(" rank")),
    (
        ["check", "hai-nghin"],
        "Lỗi: tham số NĂM: 'hai-nghin' không phải là số nguyên\n" + hint(" check"),
    ),
    (["rank", "20.5"], "Lỗi: tham số NĂM: '20.5' không phải là số nguyên\n" + hint(" rank")),
    (
        ["check", "--format", "xml"],
        "Lỗi: tùy chọn --format: 'xml' không phải là một lựa chọn hợp lệ "
        "(chọn một trong: text, json)\n" + hint(" check"),
    ),
    (
        ["chek"],
        "Lỗi: không có lệnh 'chek' (có phải ý bạn là check hay schema?)\n" + hint(""),
    ),
    (["khong-co-lenh"], "Lỗi: không có lệnh 'khong-co-lenh'\n" + hint("")),
    (["rank", "2020", "2021"], "Lỗi: thừa tham số '2021'\n" + hint(" rank")),
    (["rank", "2020", "a", "b"], "Lỗi: thừa tham số 'a b'\n" + hint(" rank")),
    (["check", "--data"], "Lỗi: tùy chọn --data cần một giá trị\n" + hint(" check")),
    (["check", "--strict=có"], "Lỗi: tùy chọn --strict không nhận giá trị\n" + hint(" check")),
    (["--"], "Lỗi: thiếu tên lệnh\n" + hint("")),
    # Vietnamese input inside click's English messages must not pass for Vietnamese text.
    (["rank", "2020", "thừa"], "Lỗi: thừa tham số 'thừa'\n" + hint(" rank")),
    (["check", "năm"], "Lỗi: tham số NĂM: 'năm' không phải là số nguyên\n" + hint(" check")),
    (
        ["check", "-f", "xóa"],
        "Lỗi: tùy chọn --format: 'xóa' không phải là một lựa chọn hợp lệ "
        "(chọn một trong: text, json)\n" + hint(" check"),
    ),
    (["check", "--năm"], "Lỗi: không có tùy chọn --năm\n" + hint(" check")),
    (["chék"], "Lỗi: không có lệnh 'chék' (có phải ý bạn là check?)\n" + hint("")),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS, ids=lambda v: repr(v)[:40])
def test_usage_error_message(args: list[str], expected: str) -> None:
    """Each usage error: one Vietnamese line, where to read help, exit 2, nothing on stdout."""
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == expected


# --- usage errors, in a real process (main()) --------------------------------------------


SUBPROCESS_CASES = [
    (["check", "--khong-co"], "Lỗi: không có tùy chọn --khong-co", " check"),
    (["rank"], "Lỗi: thiếu tham số NĂM", " rank"),
    (["check", "abc"], "Lỗi: tham số NĂM: 'abc' không phải là số nguyên", " check"),
    (
        ["check", "-f", "x"],
        "Lỗi: tùy chọn --format: 'x' không phải là một lựa chọn hợp lệ "
        "(chọn một trong: text, json)",
        " check",
    ),
    (["chek"], "Lỗi: không có lệnh 'chek' (có phải ý bạn là check hay schema?)", ""),
    (["rank", "2020", "2021"], "Lỗi: thừa tham số '2021'", " rank"),
]


def run_thidua(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.pop("THIDUA_DATA", None)
    env["COLUMNS"] = "80"
    return subprocess.run(
        [sys.executable, "-m", "thidua", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(("args", "message", "command"), SUBPROCESS_CASES, ids=repr)
def test_usage_error_in_real_process(args: list[str], message: str, command: str) -> None:
    """`python -m thidua …` (main()) prints the same Vietnamese error and exits 2."""
    proc = run_thidua(*args)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.decode("utf-8") == (
        f"{message}\nXem thêm: python -m thidua{command} --help\n"
    )


def test_help_in_real_process() -> None:
    """`python -m thidua check --help` in a real process: Vietnamese, exit 0."""
    proc = run_thidua("check", "--help")
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    assert out.startswith("Cách dùng: python -m thidua check [TÙY CHỌN] [NĂM]...\n")
    assert ENGLISH.search(out) is None


# --- a demo app: parameter kinds thidua does not use (yet) -------------------------------


class Kind(enum.Enum):
    TEXT = "text"
    JSON = "json"


demo = typer.Typer(
    name="demo",
    cls=VietnameseGroup,
    add_completion=False,
    rich_markup_mode="rich",  # forced back to plain: rich's panels have English titles
)


@demo.command()
def run(
    year: Annotated[int, typer.Argument(help="Năm.")],
    name: Annotated[str, typer.Option("--name", envvar="DEMO_NAME", show_envvar=True, help="Tên.")],
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="Kiểu.")] = Kind.TEXT,
    count: Annotated[int, typer.Option("--count", min=1, help="Số lần.")] = 1,
    pair: Annotated[tuple[int, int] | None, typer.Option("--pair", help="Cặp số.")] = None,
) -> None:
    """Chạy thử."""


@demo.command()
def fail(how: Annotated[str, typer.Argument(help="Cách hỏng.")]) -> None:
    """Hỏng theo cách được chọn."""
    if how == "abort":
        raise typer.Abort()
    if how == "vi":
        raise typer.BadParameter("năm phải có bốn chữ số")
    if how == "vi-click":
        raise ClickException("ổ đĩa đã đầy")
    raise ClickException("disk 'C:' is full")


def invoke_demo(*args: str) -> Result:
    return CliRunner().invoke(demo, list(args), env={"DEMO_NAME": None})


def test_demo_command_help_exact() -> None:
    """A command's whole help screen, markers and type labels included (width 80)."""
    result = invoke_demo("run", "--help")
    assert result.exit_code == 0
    assert result.stdout == (
        "Cách dùng: demo run [TÙY CHỌN] {NĂM}\n"
        "\n"
        "  Chạy thử.\n"
        "\n"
        "Tham số:\n"
        "  NĂM <số nguyên>  Năm.  [bắt buộc]\n"
        "\n"
        "Tùy chọn:\n"
        "  --name <chuỗi>                  Tên.  [biến môi trường: DEMO_NAME; bắt buộc]\n"
        "  -k, --kind <text|json>          Kiểu.  [mặc định: text]\n"
        "  --count <số nguyên>             Số lần.  [mặc định: 1; x>=1]\n"
        "  --pair <số nguyên,số nguyên>...\n"
        "                                  Cặp số.\n"
        "  --help                          Hiện hướng dẫn này rồi thoát.\n"
    )


def test_demo_group_help_exact() -> None:
    """The group's help screen, with rich markup requested: still plain and Vietnamese."""
    result = invoke_demo("--help")
    assert result.exit_code == 0
    assert result.stdout == (
        "Cách dùng: demo [TÙY CHỌN] LỆNH [THAM SỐ]...\n"
        "\n"
        "Tùy chọn:\n"
        "  --help  Hiện hướng dẫn này rồi thoát.\n"
        "\n"
        "Lệnh:\n"
        "  run   Chạy thử.\n"
        "  fail  Hỏng theo cách được chọn.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "2020"], "Lỗi: thiếu tùy chọn --name"),
        (
            ["run", "2020", "--name", "a", "--count", "0"],
            "Lỗi: tùy chọn --count: '0' phải lớn hơn hoặc bằng 1",
        ),
        (["run", "2020", "--name", "a", "--pair", "1"], "Lỗi: tùy chọn --pair cần 2 giá trị"),
        (
            ["run", "2020", "--name", "a", "-k", "XML"],
            "Lỗi: tùy chọn --kind: 'XML' không phải là một lựa chọn hợp lệ "
            "(chọn một trong: text, json)",
        ),
    ],
)
def test_demo_usage_errors(args: list[str], message: str) -> None:
    """Required option, bound, option pair, choice: Vietnamese message, exit 2."""
    result = invoke_demo(*args)
    assert result.exit_code == 2
    assert result.stderr == f"{message}\nXem thêm: demo run --help\n"


def test_vietnamese_bad_parameter_passes_through() -> None:
    """A BadParameter already in Vietnamese is shown as written, still exit 2."""
    result = invoke_demo("fail", "vi")
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: năm phải có bốn chữ số\nXem thêm: demo fail --help\n"


@pytest.mark.parametrize(
    ("how", "stderr"),
    [
        ("abort", "Đã hủy.\n"),
        ("vi-click", "Lỗi: ổ đĩa đã đầy\n"),
        ("en-click", "Lỗi: không thực hiện được: 'C:'\n"),
    ],
)
def test_other_errors_exit_1(how: str, stderr: str) -> None:
    """An abort or a non-usage click error: Vietnamese, exit 1, no help pointer."""
    result = invoke_demo("fail", how)
    assert result.exit_code == 1
    assert result.stderr == stderr


# --- the translation pieces --------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        (
            "Tên.  [env var: DEMO_NAME; default: an; required]",
            "Tên.  [biến môi trường: DEMO_NAME; mặc định: an; bắt buộc]",
        ),
        ("[default: (dynamic)]", "[mặc định: (tính lúc chạy)]"),
        ("Số lần.  [x>=1]", "Số lần.  [x>=1]"),
        ("Xem mục [2]", "Xem mục [2]"),
        ("Show this message and exit.", "Hiện hướng dẫn này rồi thoát."),
        ("Cũ. (DEPRECATED: dùng rank)", "Cũ. (đã lỗi thời: dùng rank)"),
        ("Cũ. (DEPRECATED)", "Cũ. (đã lỗi thời)"),
    ],
)
def test_definition_markers(english: str, vietnamese: str) -> None:
    """typer's help markers become Vietnamese; brackets of the project's own stay."""
    assert vietnamese_definition(english) == vietnamese
    assert vietnamese_definition(vietnamese) == vietnamese


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("years... <list[int]>", "years... <số nguyên>"),
        ("-d, --data <path>", "-d, --data <đường dẫn>"),
        ("-f, --format <text|json>", "-f, --format <text|json>"),
        ("--at <float range>", "--at <số>"),
        ("--pair <int,str>...", "--pair <số nguyên,chuỗi>..."),
        ("--out <file>", "--out <tệp>"),
        ("--to <NĂM>", "--to <NĂM>"),
    ],
)
def test_term_type_labels(english: str, vietnamese: str) -> None:
    """Type labels derived from Python types become Vietnamese; choices and metavars stay."""
    assert vietnamese_term(english) == vietnamese


@pytest.mark.parametrize(
    ("exc", "vietnamese"),
    [
        (
            BadOptionUsage("--pair", "Option '--pair' requires 2 arguments."),
            "tùy chọn --pair cần 2 giá trị",
        ),
        (BadArgumentUsage("Argument 'xy' takes 2 values."), "tham số xy cần 2 giá trị"),
        (UsageError("Got unexpected extra argument(s) (a b)"), "thừa tham số 'a b'"),
        (
            UsageError("No such command 'x'. Did you mean 'a', 'b', 'c'?"),
            "không có lệnh 'x' (có phải ý bạn là a, b hay c?)",
        ),
        (UsageError("No such command 'x'."), "không có lệnh 'x'"),
        (UsageError("Missing command."), "thiếu tên lệnh"),
        (BadParameter("file 'a.xlsx' does not exist."), "không có tệp 'a.xlsx'"),
        (BadParameter("dir 'ra' is a file."), "'ra' là một tệp, không phải thư mục"),
        (BadParameter("file 'ra' is a directory."), "'ra' là một thư mục, không phải tệp"),
        (BadParameter("Something about 'q' went wrong."), "'q' không phải là giá trị hợp lệ"),
        (BadParameter("Nothing quoted."), "giá trị không hợp lệ"),
        (UsageError("Strange thing with 'zz'."), "cách gọi lệnh không đúng: 'zz'"),
        (UsageError("Strange thing."), "cách gọi lệnh không đúng"),
        (UsageError("năm 2019 chưa có"), "năm 2019 chưa có"),
        (UsageError("Strange thing with 'năm'."), "cách gọi lệnh không đúng: 'năm'"),
        (UsageError("Got unexpected extra argument(s) (thừa)"), "thừa tham số 'thừa'"),
        (BadParameter("không có tệp 'a'"), "không có tệp 'a'"),
        (ClickException("Broken."), "không thực hiện được"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_message_table(exc: Any, vietnamese: str) -> None:
    """click's English messages map to Vietnamese; unknown ones fall back, keeping the value."""
    assert vietnamese_message(exc) == vietnamese


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("năm phải có bốn chữ số", True),
        ("không có lệnh 'chek'", True),
        ("No such option: 'năm'", False),
        ('Value "xóa" is bad', False),
        ("Got unexpected extra argument(s) (thừa)", False),
        ("Plain English.", False),
    ],
)
def test_is_vietnamese(message: str, expected: bool) -> None:
    """Only the wording counts: Vietnamese values quoted in English do not make it Vietnamese."""
    assert is_vietnamese(message) is expected
