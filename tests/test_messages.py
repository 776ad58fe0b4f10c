"""Issue 14: messages that point the user the right way (unit codes on the command line,
fixed answers typed without their marks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app
from thidua.cli.common import choose_code, member_code
from thidua.errors import UsageError
from thidua.read.spelling import unmarked_hint
from thidua.repo.years import open_year
from yeardata import problems, score_file, write_year

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


# --------------------------------------------------------------------------- "thiếu dấu"

ANSWERS = '"đồng ý", "không đồng ý" hoặc "không hợp lệ"'
MET = '"đạt" hoặc "không đạt"'
PAPERS = """\
nam: 2020
cuoc_bau:
  - ma: suy-ton
    ten: Suy tôn Trưởng khối
    loai: tan_thanh
    de_xuat: A
    phat_ra: 6
    thu_ve: 6
    phieu:
      - đồng ý
      - dong y
      - Khong dong y
      - khong hop le
      - đông y
      - dồng ỳ
"""


def test_ballot_answers_without_marks_get_the_hint(tmp_path: Path) -> None:
    """A paper written "dong y", "Khong dong y", "khong hop le" or with some marks left
    out ("đông y") is told what is missing; a wrong mark ("ỳ") is not a missing one."""
    write_year(tmp_path, {"phieu-bau.yaml": PAPERS})
    assert problems(tmp_path) == [
        f'data/2020/phieu-bau.yaml:11:9: lỗi: "dong y" thiếu dấu: hãy viết {ANSWERS}',
        f'data/2020/phieu-bau.yaml:12:9: lỗi: "Khong dong y" thiếu dấu: hãy viết {ANSWERS}',
        f'data/2020/phieu-bau.yaml:13:9: lỗi: "khong hop le" thiếu dấu: hãy viết {ANSWERS}',
        f'data/2020/phieu-bau.yaml:14:9: lỗi: "đông y" thiếu dấu: hãy viết {ANSWERS}',
        "data/2020/phieu-bau.yaml:15:9: lỗi: cần một phiếu: danh sách đơn vị được chọn, bảng "
        '"đơn vị: thứ hạng", hoặc "đồng ý" / "không đồng ý" / "không hợp lệ", nhưng gặp '
        '"dồng ỳ"',
    ]


def test_scores_without_marks_get_the_same_hint(tmp_path: Path) -> None:
    """In a score file, the hint is the same function's: for a self-score, an appraisal,
    and a word with only some marks left out ("đat", which the score parser alone does
    not recognise)."""
    a_file = score_file("A", second="đat") + "    tham_dinh: KHONG DAT\n    ly_do: Thiếu\n"
    write_year(tmp_path, {"diem/A.yaml": a_file})
    assert problems(tmp_path) == [
        f'data/2020/diem/A.yaml:7:14: lỗi: "đat" thiếu dấu: hãy viết {MET}',
        f'data/2020/diem/A.yaml:8:16: lỗi: "KHONG DAT" thiếu dấu: hãy viết {MET}',
    ]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("dat", f'"dat" thiếu dấu: hãy viết {MET}'),
        (" khong dat ", f'" khong dat " thiếu dấu: hãy viết {MET}'),
        ("đạt", None),  # accepted as it is
        ("Đạt", None),  # case, not marks
        ("dật", None),  # a wrong mark
        ("dat x", None),
        ("", None),
    ],
)
def test_unmarked_hint(typed: str, hint: str | None) -> None:
    assert unmarked_hint(typed, ["đạt", "không đạt"]) == hint


def test_unmarked_hint_needs_marked_choices() -> None:
    """Codes without marks ("dang_dien_ra") have nothing to leave out."""
    assert unmarked_hint("dang_dien_ra", ["dang_dien_ra", "da_ket_thuc"]) is None
