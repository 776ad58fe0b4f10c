"""``thidua render … --format docx|xlsx``: Word documents and the Excel score summary."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "data")
runner = CliRunner()


def _render(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["render", "2020", *args, "--data", DATA])
    return result.exit_code, result.stdout, result.stderr


def _xml(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def test_minutes_as_docx(tmp_path: Path) -> None:
    """--format docx -o FILE writes a Word document holding the minutes' Vietnamese text."""
    out = tmp_path / "bb.docx"
    code, stdout, _ = _render("minutes", "--format", "docx", "-o", str(out))
    assert code == 0
    assert stdout == f"Đã ghi {out}\n"
    body = _xml(out, "word/document.xml")
    assert "BIÊN BẢN" in body
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body


def test_format_follows_the_output_extension(tmp_path: Path) -> None:
    """Without --format, an .xlsx or .docx -o file chooses the format."""
    xlsx = tmp_path / "diem.xlsx"
    assert _render("scores", "-o", str(xlsx))[0] == 0
    assert "xl/workbook.xml" in zipfile.ZipFile(xlsx).namelist()
    docx = tmp_path / "bc.docx"
    assert _render("report", "-o", str(docx))[0] == 0
    assert "BÁO CÁO" in _xml(docx, "word/document.xml")


def test_all_as_docx_into_a_folder(tmp_path: Path) -> None:
    """`all --format docx -o DIR` writes every document under its standard name: the 8 of the
    cluster and an appraisal notice for each of the 7 members."""
    code, _, _ = _render("all", "--format", "docx", "-o", str(tmp_path / "vb"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "vb").iterdir()) == [
        "bang-diem-2020.docx",
        "bao-cao-2020.docx",
        "bien-ban-2020.docx",
        "kiem-phieu-2020.docx",
        "phieu-bau-2020.docx",
        "phu-luc-diem-2020.docx",
        "thong-bao-2020-BHXH.docx",
        "thong-bao-2020-CTK.docx",
        "thong-bao-2020-HQ.docx",
        "thong-bao-2020-KBNN.docx",
        "thong-bao-2020-NHNN.docx",
        "thong-bao-2020-QLTT.docx",
        "thong-bao-2020-THUE.docx",
        "to-trinh-2020.docx",
        "xep-hang-2020.docx",
    ]
    hq = _xml(tmp_path / "vb" / "thong-bao-2020-HQ.docx", "word/document.xml")
    assert "Chi cục Hải quan Hòa Bình" in hq
    assert "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình" not in hq


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["minutes", "--format", "docx"],
            "Lỗi: định dạng docx là tệp nhị phân, cần -o TỆP (ví dụ: thidua render 2020 "
            "minutes --format docx -o minutes-2020.docx)\n",
        ),
        (
            ["minutes", "--format", "xlsx", "-o", "x.xlsx"],
            "Lỗi: định dạng xlsx chỉ dùng cho bảng tổng hợp điểm (scores)\n",
        ),
    ],
)
def test_binary_format_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    """A binary format needs -o; xlsx exists only for the score summary. Exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = _render(*args)
    assert (code, stdout, stderr) == (2, "", message)
    assert list(tmp_path.iterdir()) == []
