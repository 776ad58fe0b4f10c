"""Issue 14: commands that behaved differently from each other and from the README.

``render``'s output file (extension against ``--format``, a trailing slash for a folder),
``render all`` with a format not every document has, and what ``all`` writes when some
documents cannot be made.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = str(ROOT / "data")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def test_render_refuses_an_extension_it_does_not_write(tmp_path: Path) -> None:
    """``-o bb.pdf`` used to get Markdown; now: exit 2, the possible extensions, no file."""
    target = tmp_path / "bb.pdf"
    res = runner.invoke(app, ["render", "2020", "minutes", "-o", str(target), "-d", DATA])
    assert res.exit_code == 2
    assert res.stderr == (
        "Lỗi: thidua không lập được tệp .pdf (bb.pdf); đuôi tệp có thể dùng: "
        ".md, .html, .htm, .docx, .xlsx\n"
    )
    assert not target.exists()


def test_render_refuses_an_extension_contradicting_the_format(tmp_path: Path) -> None:
    """``-f md -o bb.html`` is a contradiction: exit 2, the extension the format wants."""
    target = tmp_path / "bb.html"
    res = runner.invoke(
        app, ["render", "2020", "minutes", "-f", "md", "-o", str(target), "-d", DATA]
    )
    assert res.exit_code == 2
    assert res.stderr == (
        "Lỗi: đuôi tệp .html của bb.html không khớp với --format md; với định dạng này "
        "hãy dùng đuôi .md\n"
    )
    assert not target.exists()
    res = runner.invoke(
        app, ["render", "2020", "minutes", "-f", "html", "-o", str(target), "-d", DATA]
    )
    assert res.exit_code == 0, res.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_trailing_slash_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-o moi/`` creates the folder and writes the default name inside, not a file ``moi``."""
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "minutes", "-o", "moi/", "-d", DATA])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "moi").is_dir()
    assert [p.name for p in (tmp_path / "moi").iterdir()] == ["bien-ban-2020.md"]
    assert res.stdout == f"Đã ghi {Path('moi') / 'bien-ban-2020.md'}\n"


def test_render_all_xlsx_writes_the_score_summary(tmp_path: Path) -> None:
    """``all -f xlsx`` writes what has an Excel form and names the documents that have none."""
    out = tmp_path / "van-ban"
    res = runner.invoke(app, ["render", "2020", "all", "-f", "xlsx", "-o", str(out), "-d", DATA])
    assert res.exit_code == 0, res.output
    assert [p.name for p in out.iterdir()] == ["bang-diem-2020.xlsx"]
    assert (out / "bang-diem-2020.xlsx").read_bytes().startswith(b"PK")
    assert res.stderr == (
        "Chỉ bảng tổng hợp điểm có dạng xlsx; không có dạng xlsx: biên bản hội nghị tổng kết, "
        "báo cáo tổng kết, tờ trình đề nghị khen thưởng, kết quả xếp hạng, biên bản kiểm "
        "phiếu, phiếu bầu, thông báo kết quả thẩm định điểm thi đua, phụ lục điểm chi tiết "
        "theo tiêu chí\n"
    )
    assert res.stdout == f"Đã ghi {out / 'bang-diem-2020.xlsx'}\n"


def test_render_single_document_xlsx_still_only_for_scores(tmp_path: Path) -> None:
    """One document other than scores as xlsx stays a usage error."""
    res = runner.invoke(
        app, ["render", "2020", "minutes", "-o", str(tmp_path / "bb.xlsx"), "-d", DATA]
    )
    assert res.exit_code == 2
    assert res.stderr == "Lỗi: định dạng xlsx chỉ dùng cho bảng tổng hợp điểm (scores)\n"


def test_sheet_takes_unit_codes_by_the_one_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sheet 2020 nhnn` is NHNN, as for explain; a path-like code is refused before any path."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    ok = CliRunner().invoke(app, ["sheet", "2020", "nhnn"])
    assert (ok.exit_code, ok.stdout) == (
        0,
        "Đã ghi biểu mẫu chấm điểm của đơn vị NHNN năm 2020: phieu-cham-diem-2020-NHNN.xlsx\n",
    )
    bad = CliRunner().invoke(app, ["sheet", "2020", "../../x"])
    assert (bad.exit_code, bad.stderr) == (
        2,
        'Lỗi: không có đơn vị "../../x" trong Khối năm 2020; các mã có: QLTT, NHNN, CTK, KBNN, '
        "THUE, BHXH, HQ\n",
    )


def test_render_offers_every_document_thidua_makes_and_all() -> None:
    """The command's choices are written out (the CLI starts without loading present/); a
    document added to ``Doc`` and not to the command would be unreachable."""
    from thidua.cli.render import DocName
    from thidua.present.documents import Doc

    assert [d.value for d in DocName] == [*(d.value for d in Doc), "all"]
