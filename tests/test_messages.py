"""Issue 14: messages that point the user the right way (unit codes on the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app
from thidua.cli.common import choose_code, member_code
from thidua.errors import UsageError
from thidua.repo.years import open_year
from yeardata import write_year

runner = CliRunner()

CODES = ["NHNN", "STC", "KBNN", "CTK"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("typed", "code"), [("STC", "STC"), ("stc", "STC"), ("Nhnn", "NHNN")])
def test_choose_code_matches_ignoring_case(typed: str, code: str) -> None:
    assert choose_code(typed, CODES, "trong Khối năm 2026") == code


def test_choose_code_prefers_the_exact_code_over_another_case() -> None:
    assert choose_code("ab", ["AB", "ab"], "ở đây") == "ab"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "sct",
            'không có đơn vị "sct" trong Khối năm 2026 (có phải ý bạn là STC?); '
            "các mã có: NHNN, STC, KBNN, CTK",
        ),
        (
            "XYZW",
            'không có đơn vị "XYZW" trong Khối năm 2026; các mã có: NHNN, STC, KBNN, CTK',
        ),
    ],
)
def test_choose_code_refuses_with_a_suggestion(typed: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        choose_code(typed, CODES, "trong Khối năm 2026")
    assert info.value.message == message
    assert info.value.exit_code == 2


def test_choose_code_without_codes() -> None:
    with pytest.raises(UsageError) as info:
        choose_code("A", [], "trong kết quả các năm đã kết thúc (không có năm nào)")
    assert info.value.message == (
        'không có đơn vị "A" trong kết quả các năm đã kết thúc (không có năm nào); '
        "các mã có: không có"
    )


def test_member_code_names_the_year(tmp_path: Path) -> None:
    write_year(tmp_path)
    data, _ = open_year(tmp_path / "data", 2020)
    assert data is not None
    assert member_code(data, "c") == "C"
    with pytest.raises(UsageError) as info:
        member_code(data, "CC")
    assert info.value.message == (
        'không có đơn vị "CC" trong Khối năm 2020 (có phải ý bạn là C?); các mã có: A, B, C'
    )


def test_history_unit_ignores_case_and_suggests(tmp_path: Path) -> None:
    write_year(tmp_path)
    upper = runner.invoke(app, ["history", "B", "--format", "csv"])
    lower = runner.invoke(app, ["history", "b", "--format", "csv"])
    assert upper.exit_code == 0, upper.output
    assert lower.stdout == upper.stdout
    assert ",B," in upper.stdout and ",A," not in upper.stdout
    wrong = runner.invoke(app, ["history", "bb"])
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        'Lỗi: không có đơn vị "bb" trong kết quả các năm đã kết thúc (2020) '
        "(có phải ý bạn là B?); các mã có: A, B, C\n"
    )
