"""Real clients: LibreOffice opens every generated .docx and .xlsx, and re-saves a filled form.

LibreOffice (``soffice``) converts each file to PDF headless, with a throw-away user
profile, and ``pdftotext`` reads the PDF back: the Vietnamese text and the numbers must
come through, in Times New Roman or its metric twin Liberation Serif (``pdffonts``), never
a fallback font. The round trip ``sheet`` → filled by a script → ``import`` → ``check`` →
``rank`` runs everywhere; the same with the form re-saved by LibreOffice needs it.

These tests skip, saying why, where LibreOffice or poppler-utils is absent (CI installs
``libreoffice-writer libreoffice-calc poppler-utils fonts-liberation``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from thidua.cli import app
from thidua.compute.ranking import rank_year
from thidua.present import render as r
from thidua.present.word import render_docx
from thidua.present.xlsx_summary import render_scores_xlsx
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")
needs_office = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or PDFFONTS is None,
    reason=(
        "cần LibreOffice (soffice) và poppler-utils (pdftotext, pdffonts) trong PATH: "
        "apt-get install libreoffice-writer libreoffice-calc poppler-utils fonts-liberation"
    ),
)
runner = CliRunner()

# The form of QLTT for 2021, filled as a member would (rows of the bundled 2021 table:
# 8 "1.1" quantitative, 9 "1.2", 11 "2.1" met, 12 "2.2", 13 "2.3" per count (2 each),
# 15 "3.1", 16 "3.2", 18 "4.1" bonus, 19 "4.2" deduction).
FILL = {
    "D8": 105,
    "E8": 100,
    "H8": "Báo cáo kết quả thực hiện kế hoạch năm 2021",
    "D9": 19.5,
    "D11": "đạt",
    "D12": 9,
    "D13": 3,
    "H13": "Quyết định biểu dương số 12/QĐ-UBND",
    "D15": 9,
    "D16": 8.5,
    "D18": 10,
    "D19": 1,
}
# By hand: 1.1 is the only quantitative value in the cluster, 105/100 above target and
# the best ratio, so it gets the maximum 30. I = 30 + 19,5 = 49,5; II = 10 + 9 + 3 × 2 =
# 25; III = 9 + 8,5 = 17,5; IV = 10 − 1 = 9; total 101.
EXPECTED_GROUPS = {"I": "49.5", "II": "25", "III": "17.5", "IV": "9"}
EXPECTED_TOTAL = "101"
IMPORTED = """\
# yaml-language-server: $schema=../../../schema/diem.json
# Điểm năm 2021 của đơn vị QLTT: chưa chấm (năm đang diễn ra).
# Đơn vị tự chấm vào mục "diem", theo mã tiêu chí trong tieu-chi.yaml.
nam: 2021
don_vi: QLTT
diem:
  "1.1":
    tu_cham: {thuc_hien: 105, chi_tieu: 100}
    minh_chung: Báo cáo kết quả thực hiện kế hoạch năm 2021
  "1.2":
    tu_cham: 19.5
  "2.1":
    tu_cham: đạt
  "2.2":
    tu_cham: 9
  "2.3":
    tu_cham: 3
    minh_chung: Quyết định biểu dương số 12/QĐ-UBND
  "3.1":
    tu_cham: 9
  "3.2":
    tu_cham: 8.5
  "4.1":
    tu_cham: 10
  "4.2":
    tu_cham: 1
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def soffice(tmp_path: Path, target: str, files: list[Path], outdir: Path) -> list[Path]:
    """Convert ``files`` with LibreOffice headless into ``outdir``; the converted paths."""
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    ext = target.split(":", 1)[0]
    out = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [p.name for p in out if not p.is_file()]
    assert not missing, f"LibreOffice did not write {missing}:\n{proc.stdout}\n{proc.stderr}"
    return out


def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return " ".join(text.split())


def contains(text: str, phrase: str) -> bool:
    """``phrase`` is in ``text``, or (a table cell may wrap it) every one of its words is."""
    words = set(text.split())
    return phrase in text or all(word in words for word in phrase.split())


def pdf_fonts(pdf: Path) -> str:
    assert PDFFONTS is not None
    return subprocess.run(
        [PDFFONTS, str(pdf)], capture_output=True, check=True, timeout=60, text=True
    ).stdout


def serif_only(fonts: str) -> None:
    """Every font in the PDF is Times New Roman or Liberation Serif (no fallback)."""
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names
    for name in names:
        base = name.split("+", 1)[-1]
        assert base.startswith(("TimesNewRoman", "LiberationSerif", "Times-")), fonts


# --- documents --------------------------------------------------------------------------------


@pytest.mark.external
@needs_office
def test_docx_documents_open_in_libreoffice(tmp_path: Path) -> None:
    """Minutes, report and proposal convert to PDF with their Vietnamese text and numbers."""
    data, _ = open_year_or_raise(BUNDLED, 2020)
    result = rank_year(data)
    next_tasks = load_next_tasks(data)
    files = []
    for doc in (r.Doc.MINUTES, r.Doc.REPORT, r.Doc.PROPOSAL):
        path = tmp_path / f"{doc.value}.docx"
        path.write_bytes(render_docx(result, doc, None, next_tasks=next_tasks))
        files.append(path)
    minutes, report, proposal = soffice(tmp_path, "pdf", files, tmp_path / "pdf")
    common = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "Cục Quản lý thị trường tỉnh Hòa Bình",
    ]
    text = pdf_text(minutes)
    for phrase in [
        *common,
        "BIÊN BẢN",
        "Số: …/BB-…",
        "Thời gian bắt đầu: … giờ …, ngày 30 tháng 12 năm 2020.",
        "Kết quả bỏ phiếu kín",
        "85,7 %",
        "84,5",
        "67,75",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Nơi nhận:",
    ]:
        assert contains(text, phrase), phrase
    text = pdf_text(report)
    for phrase in [
        *common,
        "BÁO CÁO",
        "Hòa Bình, ngày 30 tháng 12 năm 2020",
        "PHỤ LỤC 1",
        "TRƯỞNG KHỐI",
    ]:
        assert contains(text, phrase), phrase
    text = pdf_text(proposal)
    for phrase in [*common, "TỜ TRÌNH", "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Hòa Bình."]:
        assert contains(text, phrase), phrase
    for pdf in (minutes, report, proposal):
        serif_only(pdf_fonts(pdf))


@pytest.mark.external
@needs_office
def test_scores_xlsx_opens_in_libreoffice(tmp_path: Path) -> None:
    """The score summary converts to PDF with names, totals (as the documents show them)
    and shares."""
    data, _ = open_year_or_raise(BUNDLED, 2020)
    path = tmp_path / "bang-diem-2020.xlsx"
    path.write_bytes(render_scores_xlsx(rank_year(data)))
    (pdf,) = soffice(tmp_path, "pdf", [path], tmp_path / "pdf")
    text = pdf_text(pdf)
    for phrase in [
        "Xếp hạng",
        "Tổng điểm sau thẩm định",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "Chi cục Hải quan Hòa Bình",
        "Đơn vị dẫn đầu Khối",
        "Nhóm I tự chấm",
        "Mức hoàn thành các chỉ tiêu kế hoạch được giao",
    ]:
        assert contains(text, phrase), phrase
    # Decimal separator depends on LibreOffice's locale; the digits do not.
    for number in (r"\b106\b", r"\b84[.,]5\b", r"\b67[.,]75\b", r"\b85[.,]7 ?%"):
        assert re.search(number, text), number


@pytest.mark.external
@needs_office
def test_form_opens_in_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scoring form converts to PDF with the table, the member and the recomputed total."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BUNDLED, tmp_path / "data")
    assert runner.invoke(app, ["sheet", "2020", "NHNN", "-o", "form.xlsx"]).exit_code == 0
    (pdf,) = soffice(tmp_path, "pdf", [tmp_path / "form.xlsx"], tmp_path / "pdf")
    text = pdf_text(pdf)
    for phrase in [
        "PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM 2020",
        "Đơn vị: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình (mã NHNN)",
        "định tính – đạt/không đạt",
        "chấm thẳng – 2 điểm/lần",
        "TỔNG CỘNG",
        "Báo cáo kết quả thực hiện kế hoạch năm 2020 (% kế hoạch)",
    ]:
        assert contains(text, phrase), phrase
    # NHNN's self-scores: 30 (above target: the form shows the maximum) + 19 + 10 + 10
    # + 4 × 2 + 9,5 + 9,5 + 10 − 0 = 106, computed by thidua when it made the form.
    assert re.search(r"TỔNG CỘNG 100 106\b", text), text


# --- the round trip ---------------------------------------------------------------------------


def _fill(src: Path, dst: Path) -> None:
    wb = load_workbook(src)
    ws = wb["Điểm"]
    for ref, value in FILL.items():
        ws[ref] = value
    wb.save(dst)


def _check_and_rank() -> None:
    """`check 2021` passes and `rank 2021` puts QLTT first with the hand-computed scores."""
    checked = runner.invoke(app, ["check", "2021"])
    assert checked.exit_code == 0, checked.output
    ranked = runner.invoke(app, ["rank", "2021", "--format", "json"])
    assert ranked.exit_code == 0, ranked.output
    rows = json.loads(ranked.stdout)["xep_hang"]
    first = rows[0]
    assert (first["ma"], first["hang"], first["dong_hang"]) == ("QLTT", 1, False)
    assert first["diem_tu_cham"] == EXPECTED_TOTAL
    assert first["diem"] == EXPECTED_TOTAL
    assert first["nhom"] == EXPECTED_GROUPS
    assert all(row["diem"] == "0" for row in rows[1:])


def test_round_trip_through_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sheet → filled by a script → import → check passes and rank reflects the scores."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BUNDLED, tmp_path / "data")
    assert runner.invoke(app, ["sheet", "2021", "QLTT", "-o", "form.xlsx"]).exit_code == 0
    _fill(tmp_path / "form.xlsx", tmp_path / "filled.xlsx")
    done = runner.invoke(app, ["import", "2021", "QLTT", "filled.xlsx"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "data/2021/diem/QLTT.yaml").read_text(encoding="utf-8") == IMPORTED
    _check_and_rank()


@pytest.mark.external
@needs_office
def test_round_trip_resaved_by_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A filled form saved again by LibreOffice (its own XML) imports the same."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BUNDLED, tmp_path / "data")
    assert runner.invoke(app, ["sheet", "2021", "QLTT", "-o", "form.xlsx"]).exit_code == 0
    _fill(tmp_path / "form.xlsx", tmp_path / "filled.xlsx")
    (resaved,) = soffice(
        tmp_path, "xlsx:Calc MS Excel 2007 XML", [tmp_path / "filled.xlsx"], tmp_path / "lo"
    )
    assert resaved.read_bytes() != (tmp_path / "filled.xlsx").read_bytes()
    # The form holds no formula, so LibreOffice has none to store either.
    with zipfile.ZipFile(resaved) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(
            b"<f>" in package.read(n) or b"<f " in package.read(n) for n in sheets
        )
    done = runner.invoke(app, ["import", "2021", "QLTT", str(resaved)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "data/2021/diem/QLTT.yaml").read_text(encoding="utf-8") == IMPORTED
    _check_and_rank()


@pytest.mark.external
@needs_office
def test_resaved_bad_value_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out-of-range input survives a LibreOffice re-save and is still refused by cell."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BUNDLED, tmp_path / "data")
    assert runner.invoke(app, ["sheet", "2021", "QLTT", "-o", "form.xlsx"]).exit_code == 0
    wb = load_workbook(tmp_path / "form.xlsx")
    wb["Điểm"]["D9"] = 25
    wb.save(tmp_path / "bad.xlsx")
    soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", [tmp_path / "bad.xlsx"], tmp_path / "lo")
    before = (tmp_path / "data/2021/diem/QLTT.yaml").read_bytes()
    done = runner.invoke(app, ["import", "2021", "QLTT", "lo/bad.xlsx"])
    assert done.exit_code == 1
    assert done.stderr == (
        'Điểm!D9: điểm 25 ngoài giới hạn; cần từ 0 đến 20 (tiêu chí "1.2")\n'
        "Không nhập biểu mẫu lo/bad.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"
    )
    assert (tmp_path / "data/2021/diem/QLTT.yaml").read_bytes() == before
