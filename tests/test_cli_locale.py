"""The CLI speaks Vietnamese: help screens and usage errors (typer's vendored click is English).

Checked on the real ``thidua`` app, through ``CliRunner`` (``app``) and a real
``python -m thidua`` process (``main()``), and on a small demo app declaring the parameter
kinds thidua declares, built twice: in Vietnamese, and as plain typer, whose English
output pins every row of :data:`thidua.cli.locale_table.TABLE` to the installed typer.
"""

from __future__ import annotations

import enum
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import pytest
import typer
import typer.main
from typer._click.exceptions import ClickException, UsageError
from typer.testing import CliRunner, Result

from thidua.cli import app
from thidua.cli.locale import (
    VietnameseGroup,
    english_pattern,
    is_vietnamese,
    vietnamese_definition,
    vietnamese_message,
    vietnamese_term,
)
from thidua.cli.locale_table import TABLE

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


# --- a demo app, built twice: Vietnamese, and plain typer for the English -----------------


class Kind(enum.Enum):
    TEXT = "text"
    JSON = "json"


def make_demo(*, vietnamese: bool) -> typer.Typer:
    """The parameter kinds thidua declares (int and list[int] arguments; str, int, Path,
    flag and choice options; an env var), plus a deprecated command and ways to fail."""
    demo = typer.Typer(
        name="demo",
        add_completion=False,
        # Vietnamese: forced back to plain, rich's panels have English titles.
        # English: plain, so that the output is click's text.
        rich_markup_mode="rich" if vietnamese else None,
        **({"cls": VietnameseGroup} if vietnamese else {}),
    )

    @demo.command()
    def run(
        year: Annotated[int, typer.Argument(help="Năm.")],
        years: Annotated[list[int] | None, typer.Argument(help="Các năm khác.")] = None,
        name: Annotated[
            str, typer.Option("--name", envvar="DEMO_NAME", show_envvar=True, help="Tên.")
        ] = "an",
        kind: Annotated[Kind, typer.Option("--kind", "-k", help="Kiểu.")] = Kind.TEXT,
        data: Annotated[Path | None, typer.Option("--data", help="Thư mục.")] = None,
        strict: Annotated[bool, typer.Option("--strict", help="Chặt.")] = False,
        count: Annotated[int | None, typer.Option("--count", help="Số lần.")] = None,
    ) -> None:
        """Chạy thử."""

    @demo.command(deprecated=True)
    def old() -> None:
        """Lệnh cũ."""

    @demo.command()
    def fail(how: Annotated[str, typer.Argument(help="Cách hỏng.")]) -> None:
        """Hỏng theo cách được chọn."""
        if how == "abort":
            raise typer.Abort()
        if how == "vi":
            raise typer.BadParameter("năm phải có bốn chữ số")
        if how == "en":
            raise typer.BadParameter("Bad 'x'.")
        if how == "vi-click":
            raise ClickException("ổ đĩa đã đầy")
        raise ClickException("disk 'C:' is full")

    return demo


DEMO = make_demo(vietnamese=True)
PLAIN = make_demo(vietnamese=False)


def invoke_demo(*args: str, app: typer.Typer = DEMO) -> Result:
    return CliRunner().invoke(app, list(args), env={"DEMO_NAME": None})


def test_demo_command_help_exact() -> None:
    """A command's whole help screen, markers and type labels included (width 80)."""
    result = invoke_demo("run", "--help")
    assert result.exit_code == 0
    assert result.stdout == (
        "Cách dùng: demo run [TÙY CHỌN] {NĂM} [NĂM]...\n"
        "\n"
        "  Chạy thử.\n"
        "\n"
        "Tham số:\n"
        "  NĂM <số nguyên>  Năm.  [bắt buộc]\n"
        "  NĂM <số nguyên>  Các năm khác.\n"
        "\n"
        "Tùy chọn:\n"
        "  --name <chuỗi>          Tên.  [biến môi trường: DEMO_NAME; mặc định: an]\n"
        "  -k, --kind <text|json>  Kiểu.  [mặc định: text]\n"
        "  --data <đường dẫn>      Thư mục.\n"
        "  --strict                Chặt.\n"
        "  --count <số nguyên>     Số lần.\n"
        "  --help                  Hiện hướng dẫn này rồi thoát.\n"
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
        "  old   Lệnh cũ. (đã lỗi thời)\n"
        "  fail  Hỏng theo cách được chọn.\n"
    )


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


# --- the table, row by row, against the installed typer ----------------------------------


class Case(NamedTuple):
    args: list[str]
    english: str  # what plain typer writes: an instance of the row's English
    vietnamese: str  # what the Vietnamese app writes instead


# Each row of the table with an English side, provoked through the demo app.
CASES: dict[str, Case] = {
    "usage.prefix": Case(["run", "--help"], "Usage: demo run", "Cách dùng: demo run"),
    "usage.options": Case(["--help"], "demo [OPTIONS] ", "demo [TÙY CHỌN] "),
    "usage.command": Case(["--help"], "] COMMAND [", "] LỆNH ["),
    "usage.args": Case(["--help"], " [ARGS]...\n", " [THAM SỐ]...\n"),
    "heading.arguments": Case(["run", "--help"], "\nArguments:\n", "\nTham số:\n"),
    "heading.options": Case(["run", "--help"], "\nOptions:\n", "\nTùy chọn:\n"),
    "heading.commands": Case(["--help"], "\nCommands:\n", "\nLệnh:\n"),
    "help.option": Case(
        ["--help"], "  Show this message and exit.\n", "  Hiện hướng dẫn này rồi thoát.\n"
    ),
    "help.deprecated": Case(["old", "--help"], "Lệnh cũ. (DEPRECATED)", "Lệnh cũ. (đã lỗi thời)"),
    "marker.default": Case(["run", "--help"], "[default: text]", "[mặc định: text]"),
    "marker.env_var": Case(
        ["run", "--help"],
        "[env var: DEMO_NAME; default: an]",
        "[biến môi trường: DEMO_NAME; mặc định: an]",
    ),
    "marker.required": Case(["run", "--help"], "Năm.  [required]", "Năm.  [bắt buộc]"),
    "type.int": Case(["run", "--help"], "--count <int>", "--count <số nguyên>"),
    "type.str": Case(["run", "--help"], "--name <str>", "--name <chuỗi>"),
    "type.path": Case(["run", "--help"], "--data <path>", "--data <đường dẫn>"),
    "error.prefix": Case(["--"], "\nError: Missing command.\n", "Lỗi: thiếu tên lệnh\n"),
    "error.hint": Case(
        ["run", "x"], "Try 'demo run --help' for help.", "\nXem thêm: demo run --help\n"
    ),
    "error.aborted": Case(["fail", "abort"], "Aborted!\n", "Đã hủy.\n"),
    "message.option_needs_value": Case(
        ["run", "1", "--name"],
        "Option '--name' requires an argument.",
        "Lỗi: tùy chọn --name cần một giá trị\n",
    ),
    "message.option_takes_no_value": Case(
        ["run", "1", "--strict=có"],
        "Option '--strict' does not take a value.",
        "Lỗi: tùy chọn --strict không nhận giá trị\n",
    ),
    "message.extra_arguments": Case(
        ["old", "a", "b"], "Got unexpected extra argument(s) (a b)", "Lỗi: thừa tham số 'a b'\n"
    ),
    "message.missing_command": Case(["--"], "Missing command.", "Lỗi: thiếu tên lệnh\n"),
    "error.no_such_command": Case(["zzz"], "No such command 'zzz'.", "Lỗi: không có lệnh 'zzz'\n"),
    "suggest.command": Case(
        ["rn"], "No such command 'rn'. Did you mean 'run'?", "'rn' (có phải ý bạn là run?)\n"
    ),
    "error.no_such_option": Case(
        ["run", "--zzz"], "No such option: --zzz", "Lỗi: không có tùy chọn --zzz\n"
    ),
    "suggest.option": Case(
        ["run", "--nam"],
        "(Possible options: --name)",
        "Lỗi: không có tùy chọn --nam (có phải ý bạn là --name?)\n",
    ),
    "error.missing": Case(["run"], "Missing argument 'year'.", "Lỗi: thiếu tham số NĂM\n"),
    "error.invalid_value": Case(
        ["run", "1", "--count", "x"],
        "Invalid value for '--count': ",
        "Lỗi: tùy chọn --count: 'x' không phải là số nguyên\n",
    ),
    "error.invalid_value_unnamed": Case(
        ["fail", "en"], "Invalid value: Bad 'x'.", "Lỗi: 'x' không phải là giá trị hợp lệ\n"
    ),
    "error.not_an_integer": Case(
        ["run", "x"],
        "Input should be a valid integer, unable to parse string as an integer",
        "Lỗi: tham số NĂM: 'x' không phải là số nguyên\n",
    ),
    "error.not_a_choice": Case(
        ["run", "1", "-k", "x"],
        "Value error, 'x' is not one of 'text', 'json'.",
        "'x' không phải là một lựa chọn hợp lệ (chọn một trong: text, json)\n",
    ),
    "value.path_not_readable": Case(
        ["run", "1", "--data", "."],
        "path '.' is not readable.",
        "Lỗi: tùy chọn --data: không đọc được '.'\n",
    ),
}


def test_every_english_row_has_a_case() -> None:
    """The table's rows with an English side are exactly those provoked below."""
    assert sorted(CASES) == sorted(key for key, row in TABLE.items() if row.english)


@pytest.mark.parametrize("key", sorted(CASES))
def test_table_row_against_installed_typer(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """typer still writes the row's English, and the Vietnamese app writes its Vietnamese.

    A typer upgrade that rewords the message fails here (the plain output no longer holds
    the English), instead of a thidua user reading English.
    """
    case = CASES[key]
    assert english_pattern(key).search(case.english), "the case is not an instance of the row"
    if key == "value.path_not_readable":
        monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # even as root
    plain = invoke_demo(*case.args, app=PLAIN)
    assert case.english in plain.output
    result = invoke_demo(*case.args)
    assert result.exit_code == plain.exit_code
    assert case.vietnamese in result.output
    assert case.english not in result.output
    assert ENGLISH.search(result.output) is None, ENGLISH.search(result.output)


# --- the translation pieces --------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        (
            "Tên.  [env var: DEMO_NAME; default: an; required]",
            "Tên.  [biến môi trường: DEMO_NAME; mặc định: an; bắt buộc]",
        ),
        ("Số lần.  [x>=1]", "Số lần.  [x>=1]"),
        ("Xem mục [2]", "Xem mục [2]"),
        ("Show this message and exit.", "Hiện hướng dẫn này rồi thoát."),
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
        ("--unit <str>", "--unit <chuỗi>"),
        ("-f, --format <text|json>", "-f, --format <text|json>"),
        ("--to <NĂM>", "--to <NĂM>"),
    ],
)
def test_term_type_labels(english: str, vietnamese: str) -> None:
    """Type labels derived from Python types become Vietnamese; choices and metavars stay."""
    assert vietnamese_term(english) == vietnamese


@pytest.mark.parametrize(
    ("exc", "vietnamese"),
    [
        (UsageError("Got unexpected extra argument(s) (a b)"), "thừa tham số 'a b'"),
        (UsageError("Got unexpected extra argument(s) (thừa)"), "thừa tham số 'thừa'"),
        (UsageError("Missing command."), "thiếu tên lệnh"),
        (typer.BadParameter("Something about 'q' went wrong."), "'q' không phải là giá trị hợp lệ"),
        (typer.BadParameter("Nothing quoted."), "giá trị không hợp lệ"),
        (typer.BadParameter("không có tệp 'a'"), "không có tệp 'a'"),
        (UsageError("Strange thing with 'zz'."), "cách gọi lệnh không đúng: 'zz'"),
        (UsageError("Strange thing."), "cách gọi lệnh không đúng"),
        (UsageError("năm 2019 chưa có"), "năm 2019 chưa có"),
        (UsageError("Strange thing with 'năm'."), "cách gọi lệnh không đúng: 'năm'"),
        (ClickException("Broken."), "không thực hiện được"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_message_fallbacks(exc: Any, vietnamese: str) -> None:
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
