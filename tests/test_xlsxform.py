"""The Excel scoring form: ``thidua sheet`` writes it, ``thidua import`` reads it back.

The year below has one criterion of every kind, so that every input rule is exercised.
Rows of the form (fixed by the layout): 7 group I, 8 "1.1" (quantitative), 9 "1.2"
(graded, max 10), 10 "1.3" (met / not met, max 10), 11 "1.4" (per count, 2 points each,
max 10), 12 group II, 13 "2.1" (bonus, max 5), 14 "2.2" (deduction, max 5), 15 total.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from thidua.cli import app
from yeardata import KHOI, write_year

TABLE = """\
nam: 2020
ten: Bảng tiêu chí thử nghiệm
tong_diem: 50
nhom:
  - ma: I
    ten: Nhiệm vụ chuyên môn
    toi_da: 50
    tieu_chi:
      - ma: "1.1"
        ten: Hoàn thành chỉ tiêu kế hoạch
        loai: dinh_luong
        cach_tinh: so_voi_dan_dau
        toi_da: 20
      - ma: "1.2"
        ten: Chất lượng chuyên môn
        loai: dinh_tinh
        cach_cham: thang_diem
        toi_da: 10
      - ma: "1.3"
        ten: Ký giao ước thi đua
        loai: dinh_tinh
        cach_cham: dat_khong_dat
        toi_da: 10
      - ma: "1.4"
        ten: Gương điển hình được biểu dương
        loai: dem
        diem_moi_lan: 2
        toi_da: 10
  - ma: II
    ten: Điểm cộng, điểm trừ
    tieu_chi:
      - ma: "2.1"
        ten: Điểm cộng
        loai: cong
        toi_da: 5
      - ma: "2.2"
        ten: Điểm trừ
        loai: tru
        toi_da: 5
"""

SCORES_A = """\
# Điểm của đơn vị A.
nam: 2020
don_vi: A
diem:
  "1.1":
    tu_cham: {thuc_hien: 110, chi_tieu: 100}  # theo báo cáo năm
    minh_chung: Báo cáo số 5/BC
  "1.2":
    tu_cham: 9.50
  "1.3":
    tu_cham: đạt
  "2.1":
    tu_cham: 0
  "2.2":
    tu_cham: 0
"""

SCORES_B = """\
# Điểm của đơn vị B: chưa chấm.
nam: 2020
don_vi: B
diem: {}
"""

ROW = {"1.1": 8, "1.2": 9, "1.3": 10, "1.4": 11, "2.1": 13, "2.2": 14}
runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def make_year(root: Path, year: int = 2020, files: dict[str, str | None] | None = None) -> Path:
    """A year in progress with the table above; A has some scores, B none, C no file."""
    contents: dict[str, str | bytes | None] = {
        "khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra"),
        "tieu-chi.yaml": TABLE,
        "diem/A.yaml": SCORES_A,
        "diem/B.yaml": SCORES_B,
        "diem/C.yaml": None,
    }
    contents.update(files or {})
    folder = write_year(root, contents, year=year)
    for name in ("tieu-chi.yaml", "diem/A.yaml", "diem/B.yaml"):
        path = folder / name
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8").replace("nam: 2020", f"nam: {year}"))
    return folder


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def sheet(year: int, unit: str, out: str) -> None:
    """Run ``thidua sheet`` and insist it succeeds."""
    result = runner.invoke(app, ["sheet", str(year), unit, "-o", out])
    assert result.exit_code == 0, result.output
    assert Path(out).is_file()


def fill(src: str, dst: str, cells: dict[str, object]) -> None:
    """Fill a form as a member's script would: openpyxl, values into the Điểm sheet."""
    wb = load_workbook(src)
    ws = wb["Điểm"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)


def do_import(year: int, unit: str, file: str, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", str(year), unit, file, *extra])
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_cell(src: str, dst: str, ref: str, inner: str) -> None:
    """Rewrite the XML of cell ``ref`` of the Điểm sheet, as another program would save it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text, n = re.subn(
                    rf'<c r="{ref}"([^>]*)>.*?</c>',
                    rf'<c r="{ref}"\1>{inner}</c>',
                    data.decode("utf-8"),
                )
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(info, data)


# --- the form -------------------------------------------------------------------------------


def test_sheet_lays_out_table_and_current_scores(tmp_path: Path) -> None:
    """The form shows groups, criteria, kinds, maxima and A's current self-scores and evidence."""
    make_year(tmp_path)
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    assert wb.sheetnames == ["Điểm", "_thidua"]
    ws = wb["Điểm"]
    assert ws["A1"].value == "PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM 2020"
    assert ws["A3"].value == "Đơn vị: Đơn vị thử nghiệm A (mã A)"
    rows = [[ws[f"{c}{r}"].value for c in "ABCDEF"] for r in range(7, 16)]
    assert rows == [
        ["I", "Nhiệm vụ chuyên môn", None, None, None, 50],
        [
            "1.1",
            "Hoàn thành chỉ tiêu kế hoạch",
            "định lượng – so với đơn vị cao nhất Khối",
            110,
            100,
            20,
        ],
        ["1.2", "Chất lượng chuyên môn", "định tính – chấm theo thang điểm", 9.5, None, 10],
        ["1.3", "Ký giao ước thi đua", "định tính – đạt/không đạt", "đạt", None, 10],
        ["1.4", "Gương điển hình được biểu dương", "chấm thẳng – 2 điểm/lần", None, None, 10],
        ["II", "Điểm cộng, điểm trừ", None, None, None, None],
        ["2.1", "Điểm cộng", "điểm cộng – để trống là 0 điểm", 0, None, 5],
        ["2.2", "Điểm trừ", "điểm trừ – để trống là 0 điểm", 0, None, 5],
        [None, "TỔNG CỘNG", None, None, None, 50],
    ]
    assert ws["H8"].value == "Báo cáo số 5/BC"
    # Points thidua computed from the current data: values, never formulas.
    assert [ws[f"G{r}"].value for r in range(7, 16)] == [
        39.5,
        20,
        9.5,
        10,
        None,
        0,
        0,
        0,
        39.5,
    ]
    assert ws.freeze_panes == "A7"


def test_sheet_has_a_signature_block() -> None:
    """Below the notes: a date line and the head of the unit's signature."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    ws = load_workbook("a.xlsx")["Điểm"]
    assert [ws[f"F{r}"].value for r in (24, 25, 26)] == [
        "Ngày ..... tháng ..... năm ..........",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên, đóng dấu)",
    ]
    assert "F25:I25" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["F25"].protection.locked


def test_signature_block_uses_the_head_title() -> None:
    """A member's ``chuc_danh_thu_truong`` is the signer's title."""
    folder = make_year(Path.cwd())
    khoi = (folder / "khoi.yaml").read_text(encoding="utf-8")
    (folder / "khoi.yaml").write_text(
        khoi.replace(
            "    ten: Đơn vị thử nghiệm A\n",
            "    ten: Đơn vị thử nghiệm A\n    chuc_danh_thu_truong: Giám đốc\n",
        ),
        encoding="utf-8",
    )
    sheet(2020, "A", "a.xlsx")
    assert load_workbook("a.xlsx")["Điểm"]["F25"].value == "GIÁM ĐỐC"


def test_sheet_locks_all_but_input_cells() -> None:
    """Sheet protection is on (no password); only D, H, I (and E for quantitative) are
    unlocked."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    ws = wb["Điểm"]
    assert ws.protection.sheet is True
    assert not ws.protection.password
    assert wb.security is not None and wb.security.lockStructure
    unlocked = {
        f"{c}{r}"
        for r in range(1, 30)
        for c in "ABCDEFGHIJK"
        if not ws[f"{c}{r}"].protection.locked
    }
    expected = {f"{c}{r}" for r in ROW.values() for c in "DHI"} | {"E8"}
    assert unlocked == expected
    meta = wb["_thidua"]
    assert meta.sheet_state == "hidden"
    assert [meta[f"A{r}"].value for r in range(1, 8)] == [
        "thidua",
        "phien_ban",
        "nam",
        "don_vi",
        "bang_tieu_chi",
        "giai_trinh",
        "tieu_chi",
    ]
    assert [meta[f"B{r}"].value for r in (1, 2, 3, 4, 6)] == [
        "thidua: phiếu tự chấm điểm",
        "2",
        "2020",
        "A",
        "I",
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", meta["B5"].value)
    assert {meta[f"A{r}"].value: meta[f"B{r}"].value for r in range(8, 14)} == {
        cid: str(row) for cid, row in ROW.items()
    }


def test_sheet_validation_follows_each_kind() -> None:
    """Excel validation: decimal 0..max, list đạt/không đạt, whole ≥ 0, actual ≥ 0, target > 0."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    ws = load_workbook("a.xlsx")["Điểm"]
    rules = {
        str(dv.sqref): (dv.type, dv.operator, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }
    assert rules == {
        "D8": ("decimal", "greaterThanOrEqual", "0", None),
        "E8": ("decimal", "greaterThan", "0", None),
        "D9": ("decimal", "between", "0", "10"),
        "D10": ("list", None, '"đạt,không đạt"', None),
        "D11": ("whole", "greaterThanOrEqual", "0", None),
        "D13": ("decimal", "between", "0", "5"),
        "D14": ("decimal", "between", "0", "5"),
    }
    assert all(dv.showErrorMessage and dv.allow_blank for dv in ws.data_validations.dataValidation)


def test_sheet_bytes_are_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs give identical bytes; SOURCE_DATE_EPOCH sets the document and zip dates."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    sheet(2020, "A", "b.xlsx")
    assert Path("a.xlsx").read_bytes() == Path("b.xlsx").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609286400")  # 2020-12-30 00:00:00 UTC
    sheet(2020, "A", "c.xlsx")
    with zipfile.ZipFile("c.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
        assert {info.date_time for info in z.infolist()} == {(2020, 12, 30, 0, 0, 0)}
    assert "<dcterms:created" in core
    assert core.count("2020-12-30T00:00:00Z") == 2


def test_sheet_unknown_member_is_usage_error() -> None:
    """An unknown member id exits 2 and names the valid ids."""
    make_year(Path.cwd())
    result = runner.invoke(app, ["sheet", "2020", "X", "-o", "x.xlsx"])
    assert result.exit_code == 2
    assert result.stderr == ('Lỗi: không có đơn vị "X" trong Khối năm 2020; các mã có: A, B, C\n')
    assert not Path("x.xlsx").exists()


def test_sheet_default_name() -> None:
    """Without -o the form is phieu-cham-diem-<year>-<unit>.xlsx in the current folder."""
    make_year(Path.cwd())
    result = runner.invoke(app, ["sheet", "2020", "B"])
    assert result.exit_code == 0
    assert result.stdout == (
        "Đã ghi biểu mẫu chấm điểm của đơn vị B năm 2020: phieu-cham-diem-2020-B.xlsx\n"
    )
    assert Path("phieu-cham-diem-2020-B.xlsx").is_file()


# --- import: the happy paths -------------------------------------------------------------------


FILLED_A = """\
# Điểm của đơn vị A.
nam: 2020
don_vi: A
diem:
  "1.1":
    tu_cham: {thuc_hien: 110, chi_tieu: 100}  # theo báo cáo năm
    minh_chung: Báo cáo số 5/BC
  "1.2":
    tu_cham: 8.5
    minh_chung: Biên bản kiểm tra
  "1.3":
    tu_cham: đạt
  "1.4":
    tu_cham: 3
  "2.1":
    tu_cham: 0
  "2.2":
    tu_cham: 1
"""


def test_import_changes_only_self_scores_and_evidence() -> None:
    """Changed cells land in the YAML; comments, 9.50-style spelling of unchanged values kept."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "filled.xlsx", {"D9": 8.5, "H9": "Biên bản kiểm tra", "D11": 3, "D14": 1})
    code, out, err = do_import(2020, "A", "filled.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu filled.xlsx vào data/2020/diem/A.yaml: 3 tiêu chí thay đổi.\n"
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == FILLED_A


def test_import_keeps_unchanged_spelling() -> None:
    """An untouched form imports as "no change" and leaves the file byte-identical (9.50 stays)."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    before = digest(Path("data/2020/diem/A.yaml"))
    code, out, _ = do_import(2020, "A", "a.xlsx")
    assert code == 0
    assert out == "Không có gì thay đổi: data/2020/diem/A.yaml đã khớp với biểu mẫu a.xlsx.\n"
    assert digest(Path("data/2020/diem/A.yaml")) == before


def test_import_dry_run_prints_diff_and_writes_nothing() -> None:
    """--dry-run prints a unified diff of the score file and leaves it untouched."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "filled.xlsx", {"D9": 8.5})
    before = digest(Path("data/2020/diem/A.yaml"))
    code, out, _ = do_import(2020, "A", "filled.xlsx", "--dry-run")
    assert code == 0
    assert out == (
        "--- a/data/2020/diem/A.yaml\n"
        "+++ b/data/2020/diem/A.yaml\n"
        "@@ -6,7 +6,7 @@\n"
        "     tu_cham: {thuc_hien: 110, chi_tieu: 100}  # theo báo cáo năm\n"
        "     minh_chung: Báo cáo số 5/BC\n"
        '   "1.2":\n'
        "-    tu_cham: 9.50\n"
        "+    tu_cham: 8.5\n"
        '   "1.3":\n'
        "     tu_cham: đạt\n"
        '   "2.1":\n'
        "Chạy thử: 1 tiêu chí sẽ thay đổi; chưa ghi gì vào data/2020/diem/A.yaml.\n"
    )
    assert digest(Path("data/2020/diem/A.yaml")) == before


def test_import_into_empty_flow_mapping() -> None:
    """B's ``diem: {}`` becomes a block mapping in table order, keys quoted like the data files."""
    make_year(Path.cwd())
    sheet(2020, "B", "b.xlsx")
    fill(
        "b.xlsx",
        "b2.xlsx",
        {"D13": 2, "D8": 95, "E8": 100, "D10": "không đạt", "H10": "Chưa ký\ngiao ước"},
    )
    code, _, err = do_import(2020, "B", "b2.xlsx")
    assert (code, err) == (0, "")
    assert Path("data/2020/diem/B.yaml").read_text(encoding="utf-8") == (
        "# Điểm của đơn vị B: chưa chấm.\n"
        "nam: 2020\n"
        "don_vi: B\n"
        "diem:\n"
        '  "1.1":\n'
        "    tu_cham: {thuc_hien: 95, chi_tieu: 100}\n"
        '  "1.3":\n'
        "    tu_cham: không đạt\n"
        "    minh_chung: |-\n"
        "      Chưa ký\n"
        "      giao ước\n"
        '  "2.1":\n'
        "    tu_cham: 2\n"
        '  "2.2":\n'
        "    tu_cham: 0\n"
    )


def test_import_creates_missing_score_file() -> None:
    """C has no score file: the import starts one with year, member and the scores."""
    make_year(Path.cwd())
    sheet(2020, "C", "c.xlsx")
    fill("c.xlsx", "c2.xlsx", {"D9": 7})
    code, _, _ = do_import(2020, "C", "c2.xlsx")
    assert code == 0
    assert Path("data/2020/diem/C.yaml").read_text(encoding="utf-8") == (
        "# Điểm năm 2020 của đơn vị C, nhập từ biểu mẫu Excel (thidua import).\n"
        "nam: 2020\n"
        "don_vi: C\n"
        "diem:\n"
        '  "1.2":\n'
        "    tu_cham: 7\n"
        '  "2.1":\n'
        "    tu_cham: 0\n"
        '  "2.2":\n'
        "    tu_cham: 0\n"
    )


def test_import_reads_decimals_exactly() -> None:
    """A cell holding 9.3000000000000007 (Excel's 17 digits for 9.3) comes back as exactly 9.3."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D9": 1, "D13": 1})
    rewrite_cell("f.xlsx", "g.xlsx", "D9", "<v>9.3000000000000007</v>")
    rewrite_cell("g.xlsx", "h.xlsx", "D13", "<v>0.30000000000000004</v>")
    code, _, err = do_import(2020, "A", "h.xlsx")
    assert (code, err) == (0, "")
    text = Path("data/2020/diem/A.yaml").read_text(encoding="utf-8")
    assert '  "1.2":\n    tu_cham: 9.3\n' in text
    # 0.1 + 0.2 is a different double from 0.3; Excel would show it as 0.3 but holds more.
    assert '  "2.1":\n    tu_cham: 0.30000000000000004\n' in text


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"D9": "9,5"}, "tu_cham: 9.5"),
        ({"D9": " 3.5 "}, "tu_cham: 3.5"),
        ({"D9": "\u00a07\u00a0"}, "tu_cham: 7"),
        ({"D11": " 3 "}, "tu_cham: 3"),
        ({"D8": "1,250", "E8": "1000"}, "tu_cham: {thuc_hien: 1.25, chi_tieu: 1000}"),
    ],
)
def test_import_reads_a_number_typed_as_text(cells: dict[str, object], expected: str) -> None:
    """Text with one comma or point as decimal separator, spaces around it, is a number."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "b.xlsx", cells)
    code, _, err = do_import(2020, "A", "b.xlsx")
    assert code == 0, err
    assert expected in Path("data/2020/diem/A.yaml").read_text(encoding="utf-8")


def test_import_clears_an_emptied_cell() -> None:
    """A self-score the member deleted is removed; an entry left empty disappears."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D10": None})
    code, _, _ = do_import(2020, "A", "f.xlsx")
    assert code == 0
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == SCORES_A.replace(
        '  "1.3":\n    tu_cham: đạt\n', ""
    )


def test_blank_bonus_and_deduction_are_zero() -> None:
    """A bonus or deduction cell left (or made) blank is 0 points, not "not scored"; the form
    says so in the kind column, the cell's prompt and the notes."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    ws = load_workbook("a.xlsx")["Điểm"]
    assert ws["C14"].value == "điểm trừ – để trống là 0 điểm"
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    assert prompts["D13"] == "Nhập điểm cộng từ 0 đến 5; để trống là 0 điểm."
    assert prompts["D14"] == "Nhập số điểm bị trừ, số dương từ 0 đến 5; để trống là 0 điểm."
    notes = [ws[f"A{r}"].value for r in range(16, 24)]
    assert (
        "- Điểm trừ ghi số dương ở cột D; cột G ghi số âm và tổng cộng đã trừ. Ô điểm cộng, "
        "điểm trừ để trống được nhập là 0 điểm." in notes
    )
    fill("a.xlsx", "f.xlsx", {"D13": 2, "D14": 1})
    assert do_import(2020, "A", "f.xlsx")[0] == 0
    fill("a.xlsx", "g.xlsx", {"D13": None, "D14": "  "})
    assert do_import(2020, "A", "g.xlsx")[0] == 0
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == SCORES_A


def test_import_keeps_crlf_and_bom() -> None:
    """A score file saved on Windows (CRLF, BOM) keeps its line ends and BOM."""
    bom_crlf = "\ufeff" + SCORES_A.replace("\n", "\r\n")
    folder = make_year(Path.cwd())
    (folder / "diem/A.yaml").write_bytes(bom_crlf.encode("utf-8"))
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D11": 1})
    code, _, err = do_import(2020, "A", "f.xlsx")
    assert (code, err) == (0, "")
    raw = (folder / "diem/A.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == SCORES_A.replace(
        '  "2.1"', '  "1.4":\n    tu_cham: 1\n  "2.1"'
    ).replace("\n", "\r\n")


# --- the explanation (giải trình) and the appraisal ---------------------------------------------

APPRAISED_A = """\
# Điểm của đơn vị A, đã thẩm định.
nam: 2020
don_vi: A
diem:
  "1.1":
    tu_cham: {thuc_hien: 110, chi_tieu: 100}
  "1.2":
    tu_cham: 9.50
    tham_dinh: 8
    ly_do: Thiếu biên bản kiểm tra
    giai_trinh: Đã bổ sung biên bản
  "1.3":
    tu_cham: đạt
    tham_dinh: đạt
  "2.1":
    tu_cham: 0
  "2.2":
    tu_cham: 0
"""


def test_form_has_an_explanation_column() -> None:
    """Column I: "Giải trình của đơn vị", open for each criterion, with the file's text."""
    make_year(
        Path.cwd(),
        files={
            "diem/A.yaml": SCORES_A.replace(
                "    tu_cham: 9.50\n", "    tu_cham: 9.50\n    giai_trinh: Chấm theo biên bản\n"
            )
        },
    )
    sheet(2020, "A", "a.xlsx")
    ws = load_workbook("a.xlsx")["Điểm"]
    assert [ws[f"{c}6"].value for c in "HIJ"] == ["Minh chứng", "Giải trình của đơn vị", None]
    assert [ws[f"I{r}"].value for r in range(7, 16)] == [
        None, None, "Chấm theo biên bản", None, None, None, None, None, None
    ]  # fmt: skip
    assert ws["I9"].fill.fgColor.rgb == "00FFF2CC" and not ws["I9"].protection.locked
    assert ws["I7"].protection.locked and ws["I15"].protection.locked
    assert ws["A4"].value == (
        "Chỉ nhập vào các ô nền vàng: cột D (điểm tự chấm; với tiêu chí định lượng là số thực "
        "hiện), cột E (chỉ tiêu, chỉ với tiêu chí định lượng), cột H (minh chứng) và cột I "
        "(giải trình, nếu có). Các ô khác đã khóa (không đặt mật khẩu)."
    )
    assert ws["A22"].value == "- Cột I: ý kiến giải trình của đơn vị về điểm của tiêu chí (nếu có)."


def test_import_writes_the_explanation() -> None:
    """A typed explanation lands as giai_trinh, after the criterion's other keys; an emptied
    one is removed; a multi-line one is a literal block."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"I9": "Đã có biên bản kiểm tra", "I8": "Theo báo cáo\nnăm 2020"})
    code, out, err = do_import(2020, "A", "f.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 2 tiêu chí thay đổi.\n"
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == SCORES_A.replace(
        "    minh_chung: Báo cáo số 5/BC\n",
        "    minh_chung: Báo cáo số 5/BC\n    giai_trinh: |-\n      Theo báo cáo\n      năm 2020\n",
    ).replace("    tu_cham: 9.50\n", "    tu_cham: 9.50\n    giai_trinh: Đã có biên bản kiểm tra\n")
    sheet(2020, "A", "b.xlsx")
    fill("b.xlsx", "g.xlsx", {"I8": None, "I9": " "})
    assert do_import(2020, "A", "g.xlsx")[:3:2] == (0, "")
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == SCORES_A


def test_appraised_member_sees_the_appraisal_read_only() -> None:
    """I: points after the appraisal (bold where it changed the self-score; group sums and
    total), J: its reason, both locked; K: the explanation, open."""
    make_year(Path.cwd(), files={"diem/A.yaml": APPRAISED_A})
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    ws = wb["Điểm"]
    assert [ws[f"{c}6"].value for c in "GHIJK"] == [
        "Điểm theo số liệu hiện có",
        "Minh chứng",
        "Điểm sau thẩm định",
        "Lý do thẩm định",
        "Giải trình của đơn vị",
    ]
    rows = [[ws[f"{c}{r}"].value for c in "GIJK"] for r in range(7, 16)]
    assert rows == [
        [39.5, 38, None, None],
        [20, 20, None, None],
        [9.5, 8, "Thiếu biên bản kiểm tra", "Đã bổ sung biên bản"],
        [10, 10, None, None],
        [None, None, None, None],
        [0, 0, None, None],
        [0, 0, None, None],
        [0, 0, None, None],
        [39.5, 38, None, None],
    ]
    assert [ws[f"I{r}"].font.b for r in (8, 9, 10)] == [False, True, False]
    unlocked = {
        f"{c}{r}"
        for r in range(1, 30)
        for c in "ABCDEFGHIJKL"
        if not ws[f"{c}{r}"].protection.locked
    }
    assert unlocked == {f"{c}{r}" for r in ROW.values() for c in "DHK"} | {"E8"}
    assert ws.protection.sheet
    assert wb["_thidua"]["B6"].value == "K"
    assert ws["A22"].value == (
        "- Cột I, J: điểm sau thẩm định và lý do thẩm định, chỉ để xem (đã khóa); nhập biểu "
        "mẫu không làm thay đổi kết quả thẩm định. Đơn vị không nhất trí thì ghi ý kiến vào "
        "cột K."
    )
    assert [ws[f"I{r}"].value for r in (24, 25, 26)] == [
        "Ngày ..... tháng ..... năm ..........",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên, đóng dấu)",
    ]


def test_import_never_changes_the_appraisal() -> None:
    """The unit answers in K; appraisal cells edited on an unprotected sheet are not read."""
    make_year(Path.cwd(), files={"diem/A.yaml": APPRAISED_A})
    sheet(2020, "A", "a.xlsx")
    fill(
        "a.xlsx",
        "f.xlsx",
        {"K9": "Biên bản đã gửi ngày 05/12", "I9": 10, "J9": "Sửa tay", "I10": 0},
    )
    code, out, err = do_import(2020, "A", "f.xlsx")
    assert code == 0
    assert out == "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n"
    assert err == (
        "Cảnh báo: đơn vị A đã được thẩm định; điểm thẩm định được giữ nguyên, biểu mẫu chỉ "
        "đổi điểm tự chấm, minh chứng và giải trình.\n"
    )
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == APPRAISED_A.replace(
        "Đã bổ sung biên bản", "Biên bản đã gửi ngày 05/12"
    )


def test_form_made_before_the_appraisal_reads_its_own_explanation_column() -> None:
    """The hidden sheet, not today's data, says where the explanation is: a form sent
    before the appraisal (column I) imports after it, I read, nothing right of it."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"I9": "Đã có biên bản", "K9": "Không đọc"})
    (folder / "diem/A.yaml").write_text(APPRAISED_A, encoding="utf-8")
    code, _, _ = do_import(2020, "A", "f.xlsx")
    assert code == 0
    # 1.1's evidence was on the form (from the file of the day): it comes back too.
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == APPRAISED_A.replace(
        "Đã bổ sung biên bản", "Đã có biên bản"
    ).replace("chi_tieu: 100}\n", "chi_tieu: 100}\n    minh_chung: Báo cáo số 5/BC\n")


def _as_layout_1(src: str, dst: str) -> None:
    """``src`` as thidua made forms before the explanation column (layout 1)."""
    wb = load_workbook(src)
    meta = wb["_thidua"]
    meta.delete_rows(6)
    meta["B2"] = "1"
    ws = wb["Điểm"]
    for row in range(6, 16):
        ws[f"I{row}"] = None
    wb.save(dst)


def test_form_of_layout_1_imports_and_keeps_the_explanation() -> None:
    """A form sent before the explanation column: its scores import, the file's giai_trinh
    stays, and nothing typed right of the table is read."""
    make_year(Path.cwd(), files={"diem/A.yaml": APPRAISED_A})
    sheet(2020, "A", "a.xlsx")
    _as_layout_1("a.xlsx", "old.xlsx")
    fill("old.xlsx", "f.xlsx", {"H9": "Biên bản số 7", "K9": "Không đọc"})
    code, out, _ = do_import(2020, "A", "f.xlsx")
    assert (code, out) == (
        0,
        "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n",
    )
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == APPRAISED_A.replace(
        "    tu_cham: 9.50\n", "    tu_cham: 9.50\n    minh_chung: Biên bản số 7\n"
    )


def test_explanation_that_is_not_text_is_refused() -> None:
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"I9": True})
    assert refused("f.xlsx") == (
        "Điểm!I9: cần một đoạn văn bản giải trình, nhưng ô chứa giá trị đúng/sai (TRUE/FALSE) "
        '(tiêu chí "1.2")\n'
        "Không nhập biểu mẫu f.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"
    )


# --- import: refusals --------------------------------------------------------------------------


def refused(file: str, unit: str = "A", year: int = 2020) -> str:
    """Import ``file``; insist it fails with exit 1 and no file under data/ changes."""
    before = {p: digest(p) for p in Path("data").rglob("*") if p.is_file()}
    code, out, err = do_import(year, unit, file)
    assert code == 1, (out, err)
    assert out == ""
    after = {p: digest(p) for p in Path("data").rglob("*") if p.is_file()}
    assert after == before
    return err


def cell_refusal(cells: dict[str, object]) -> str:
    """The refusal for A's form filled with ``cells``."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "bad.xlsx", cells)
    return refused("bad.xlsx")


FOOT = "Không nhập biểu mẫu bad.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            {"D9": 12},
            'Điểm!D9: điểm 12 ngoài giới hạn; cần từ 0 đến 10 (tiêu chí "1.2")',
        ),
        (
            {"D9": -0.5},
            'Điểm!D9: điểm -0,5 ngoài giới hạn; cần từ 0 đến 10 (tiêu chí "1.2")',
        ),
        (
            {"D9": "mười"},
            'Điểm!D9: cần một số điểm từ 0 đến 10, nhưng ô chứa chữ "mười" (tiêu chí "1.2")',
        ),
        (
            {"D9": "1.250,5"},
            'Điểm!D9: chữ "1.250,5" không rõ là số nào (có nhiều dấu phẩy hoặc dấu chấm); hãy '
            "ghi số với nhiều nhất một dấu phẩy thập phân, không dùng dấu phân cách hàng nghìn, "
            'ví dụ 9,5 (tiêu chí "1.2")',
        ),
        (
            {"D8": "1,250.5"},
            'Điểm!D8: chữ "1,250.5" không rõ là số nào (có nhiều dấu phẩy hoặc dấu chấm); hãy '
            "ghi số với nhiều nhất một dấu phẩy thập phân, không dùng dấu phân cách hàng nghìn, "
            'ví dụ 9,5 (tiêu chí "1.1")',
        ),
        (
            {"D9": "9,,5"},
            'Điểm!D9: cần một số điểm từ 0 đến 10, nhưng ô chứa chữ "9,,5" (tiêu chí "1.2")',
        ),
        (
            {"D9": "١٠"},
            'Điểm!D9: cần một số điểm từ 0 đến 10, nhưng ô chứa chữ "١٠" (tiêu chí "1.2")',
        ),
        (
            {"D9": "10,5"},
            'Điểm!D9: điểm 10,5 ngoài giới hạn; cần từ 0 đến 10 (tiêu chí "1.2")',
        ),
        (
            {"D11": "2,5"},
            'Điểm!D11: số lần 2,5 không hợp lệ; cần một số nguyên ≥ 0 (tiêu chí "1.4")',
        ),
        (
            {"D9": True},
            "Điểm!D9: cần một số điểm từ 0 đến 10, nhưng ô chứa giá trị đúng/sai (TRUE/FALSE) "
            '(tiêu chí "1.2")',
        ),
        (
            {"D9": "=5+4"},
            'Điểm!D9: ô nhập liệu chứa công thức =5+4 (tiêu chí "1.2"); hãy nhập giá trị, '
            "không dùng công thức",
        ),
        (
            {"D10": "dat"},
            'Điểm!D10: "dat" thiếu dấu: hãy viết "đạt" hoặc "không đạt" (tiêu chí "1.3")',
        ),
        (
            {"D10": " Khong dat "},
            'Điểm!D10: "Khong dat" thiếu dấu: hãy viết "đạt" hoặc "không đạt" (tiêu chí "1.3")',
        ),
        (
            {"D10": "dạt"},
            'Điểm!D10: cần "đạt" hoặc "không đạt", nhưng ô chứa chữ "dạt" (tiêu chí "1.3")',
        ),
        (
            {"D10": 10},
            'Điểm!D10: cần "đạt" hoặc "không đạt", nhưng ô chứa số 10 (tiêu chí "1.3")',
        ),
        (
            {"D11": 2.5},
            'Điểm!D11: số lần 2,5 không hợp lệ; cần một số nguyên ≥ 0 (tiêu chí "1.4")',
        ),
        (
            {"D11": "ba"},
            'Điểm!D11: cần số lần, một số nguyên ≥ 0, nhưng ô chứa chữ "ba" (tiêu chí "1.4")',
        ),
        (
            {"E8": None},
            'Điểm!E8: thiếu chỉ tiêu (đã nhập ô D8); tiêu chí định lượng "1.1" cần cả thực hiện '
            "và chỉ tiêu",
        ),
        (
            {"E8": 0},
            'Điểm!E8: chỉ tiêu 0 phải lớn hơn 0 (tiêu chí "1.1")',
        ),
        (
            {"D8": -1},
            'Điểm!D8: số thực hiện -1 là số âm; cần một số ≥ 0 (tiêu chí "1.1")',
        ),
        (
            {"D14": 6},
            'Điểm!D14: điểm 6 ngoài giới hạn; cần từ 0 đến 5 (tiêu chí "2.2")',
        ),
        (
            {"H9": "=A1"},
            'Điểm!H9: ô nhập liệu chứa công thức =A1 (tiêu chí "1.2"); hãy nhập giá trị, '
            "không dùng công thức",
        ),
    ],
)
def test_bad_cell_is_refused_with_sheet_and_cell(cells: dict[str, object], message: str) -> None:
    """Out of range, text in a number cell, formulas, bad lists: refused, naming sheet!cell."""
    assert cell_refusal(cells) == message + "\n" + FOOT


def test_the_hint_is_the_one_the_score_files_give() -> None:
    """ "dat" in a score file and in a form cell: the same words, there with file:line:col."""
    make_year(Path.cwd(), files={"diem/A.yaml": SCORES_A.replace("tu_cham: đạt", "tu_cham: dat")})
    check = runner.invoke(app, ["check", "2020"])
    assert check.exit_code == 1
    assert (
        'data/2020/diem/A.yaml:11:14: lỗi: "dat" thiếu dấu: hãy viết "đạt" hoặc "không đạt"\n'
        in check.stderr
    )


def test_every_bad_cell_is_reported_at_once() -> None:
    """All faults are listed, in table order, before anything would be written."""
    err = cell_refusal({"D14": 9, "D9": 11, "D10": "có"})
    assert err == (
        'Điểm!D9: điểm 11 ngoài giới hạn; cần từ 0 đến 10 (tiêu chí "1.2")\n'
        'Điểm!D10: cần "đạt" hoặc "không đạt", nhưng ô chứa chữ "có" (tiêu chí "1.3")\n'
        'Điểm!D14: điểm 9 ngoài giới hạn; cần từ 0 đến 5 (tiêu chí "2.2")\n'
        "Không nhập biểu mẫu bad.xlsx: 3 lỗi; tệp điểm được giữ nguyên.\n"
    )


def test_import_takes_unit_codes_by_the_one_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import 2020 a` is A, as `sheet` takes it; the year is read once."""
    import thidua.repo.importer as importer

    make_year(Path.cwd())
    sheet(2020, "a", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D9": 8.5})
    real = importer.open_year
    opened: list[Path] = []

    def counted(data_dir: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(data_dir)
        return real(data_dir, *args, **kwargs)

    monkeypatch.setattr(importer, "open_year", counted)
    code, out, err = do_import(2020, "a", "f.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n"
    # The data folder once; then the result is validated in a temporary copy (before, after).
    assert opened[0] == Path("data") and Path("data") not in opened[1:]
    assert "tu_cham: 8.5" in Path("data/2020/diem/A.yaml").read_text(encoding="utf-8")


def test_import_suggests_a_unit_code(tmp_path: Path) -> None:
    """An unknown code: a usage error (exit 2) with a suggestion, before the form is read."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    Path("f.xlsx").write_bytes(b"not read")
    code, out, err = do_import(2021, "QLT", "f.xlsx")
    assert (code, out) == (2, "")
    assert err == (
        'Lỗi: không có đơn vị "QLT" trong Khối năm 2021 (có phải ý bạn là QLTT?); các mã có: '
        "QLTT, NHNN, CTK, KBNN, THUE, BHXH, HQ\n"
    )


def test_wrong_member_is_refused() -> None:
    """B's form imported as A's is refused at the member cell of the metadata."""
    make_year(Path.cwd())
    sheet(2020, "B", "bad.xlsx")
    assert refused("bad.xlsx", unit="A") == (
        'bad.xlsx: đây là biểu mẫu của đơn vị "Đơn vị thử nghiệm B (mã B)" (ghi ở dòng 3 '
        'trang "Điểm"), nhưng lệnh nhập điểm cho đơn vị "Đơn vị thử nghiệm A (mã A)"; hãy '
        "dùng biểu mẫu của Đơn vị thử nghiệm A (mã A), hoặc nhập biểu mẫu này cho đúng đơn "
        "vị: thidua import 2020 B bad.xlsx\n" + FOOT
    )


def test_wrong_member_names_the_unit_printed_on_the_form() -> None:
    """The unit is named as the member sees it on the form (here renamed since), not by the
    hidden sheet; a unit of no member of the cluster is a tampered form."""
    make_year(Path.cwd())
    sheet(2020, "B", "b.xlsx")
    wb = load_workbook("b.xlsx")
    wb["Điểm"]["A3"] = "Đơn vị: Sở B cũ (mã B)"
    wb.save("bad.xlsx")
    assert refused("bad.xlsx", unit="A").startswith(
        'bad.xlsx: đây là biểu mẫu của đơn vị "Sở B cũ (mã B)" (ghi ở dòng 3 trang "Điểm"), '
    )
    wb["_thidua"]["B4"] = "Z"
    wb.save("bad.xlsx")
    assert refused("bad.xlsx", unit="A") == (
        "bad.xlsx: biểu mẫu đã bị sửa ở phần thông tin ẩn; hãy lập lại biểu mẫu bằng lệnh "
        "thidua sheet 2020 A và chép điểm sang\n" + FOOT
    )


def test_wrong_year_is_refused() -> None:
    """A 2020 form imported into 2021 is refused at the year cell, though the table is the same."""
    make_year(Path.cwd(), 2020)
    make_year(Path.cwd(), 2021)
    sheet(2020, "A", "bad.xlsx")
    assert refused("bad.xlsx", year=2021) == (
        "bad.xlsx: biểu mẫu của năm 2020, không phải năm 2021; hãy dùng biểu mẫu năm 2021 "
        "(lập bằng lệnh thidua sheet 2021 A)\n" + FOOT
    )


def edit_table(folder: Path, *pairs: tuple[str, str]) -> None:
    """Change the year's scoring table after a form was made."""
    text = (folder / "tieu-chi.yaml").read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    (folder / "tieu-chi.yaml").write_text(text, encoding="utf-8")


TABLE_CHANGED = (
    "bad.xlsx: bảng tiêu chí năm 2020 đã thay đổi sau khi lập biểu mẫu ({}); hãy lập biểu mẫu "
    "mới bằng lệnh thidua sheet 2020 A và chép điểm sang\n" + FOOT
)


def test_changed_table_is_refused() -> None:
    """A form made before a maximum changed (10 → 12) is refused, saying so in words."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "bad.xlsx")
    edit_table(
        folder,
        ("tong_diem: 50", "tong_diem: 52"),
        ("toi_da: 50", "toi_da: 52"),
        ("cach_cham: thang_diem\n        toi_da: 10", "cach_cham: thang_diem\n        toi_da: 12"),
    )
    assert refused("bad.xlsx") == TABLE_CHANGED.format("tiêu chí 1.2: điểm tối đa 10 → 12")


def test_added_removed_and_rekinded_criteria_are_named() -> None:
    """A new criterion, a dropped one and a changed kind are each said in words."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "bad.xlsx")
    edit_table(
        folder,
        ('ma: "1.4"', 'ma: "1.5"'),
        ("cach_cham: dat_khong_dat", "cach_cham: thang_diem"),
    )
    assert refused("bad.xlsx") == TABLE_CHANGED.format(
        "tiêu chí 1.3: loại định tính – đạt/không đạt → định tính – chấm theo thang điểm; "
        "tiêu chí 1.5 mới; tiêu chí 1.4 đã bỏ"
    )


def test_reordered_criteria_are_refused() -> None:
    """Criteria swapped (same ids, kinds, maxima) move rows: the form no longer fits."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "bad.xlsx")
    b12 = '      - ma: "1.2"\n        ten: Chất lượng chuyên môn\n'
    b13 = '      - ma: "1.3"\n        ten: Ký giao ước thi đua\n'
    text = (folder / "tieu-chi.yaml").read_text(encoding="utf-8")
    one, two = text.split(b12)
    mid, rest = two.split(b13)
    rest_13, tail = rest.split("      - ma:", 1)
    swapped = one + b13 + rest_13 + b12 + mid + "      - ma:" + tail
    (folder / "tieu-chi.yaml").write_text(swapped, encoding="utf-8")
    assert refused("bad.xlsx") == TABLE_CHANGED.format("thứ tự tiêu chí hoặc nhóm đã đổi")


def test_form_without_kinds_says_the_table_changed() -> None:
    """A form whose hidden sheet holds no kinds and maxima (made by an earlier thidua)."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    for row in wb["_thidua"].iter_rows(min_col=3, max_col=4):
        for cell in row:
            cell.value = None
    wb.save("bad.xlsx")
    edit_table(
        folder,
        ("cach_cham: thang_diem\n        toi_da: 10", "cach_cham: thang_diem\n        toi_da: 12"),
        ("tong_diem: 50", "tong_diem: 52"),
        ("toi_da: 50", "toi_da: 52"),
    )
    assert refused("bad.xlsx") == TABLE_CHANGED.format("loại hoặc điểm tối đa của tiêu chí đã đổi")


def test_renamed_criterion_keeps_the_form() -> None:
    """Rewording a criterion or a group (ids, kinds, maxima unchanged) keeps forms valid."""
    folder = make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D9": 8})
    edit_table(
        folder,
        ("ten: Chất lượng chuyên môn", "ten: Chất lượng công tác chuyên môn"),
        ("ten: Nhiệm vụ chuyên môn", "ten: Nhiệm vụ trọng tâm"),
    )
    code, _, err = do_import(2020, "A", "f.xlsx")
    assert (code, err) == (0, "")
    assert '  "1.2":\n    tu_cham: 8\n' in Path("data/2020/diem/A.yaml").read_text(encoding="utf-8")


def test_guidance_change_keeps_fingerprint() -> None:
    """Rewording only the guidance (huong_dan) does not invalidate forms already sent."""
    from thidua.present.form import table_fingerprint
    from thidua.repo.years import open_year

    folder = make_year(Path.cwd())
    before = open_year(Path("data"), 2020)[0]
    text = (folder / "tieu-chi.yaml").read_text(encoding="utf-8")
    (folder / "tieu-chi.yaml").write_text(
        text.replace("toi_da: 20\n", "toi_da: 20.0\n        huong_dan: Theo % kế hoạch.\n"),
        encoding="utf-8",
    )
    after = open_year(Path("data"), 2020)[0]
    assert before is not None and after is not None
    assert table_fingerprint(before.table) == table_fingerprint(after.table)


def test_not_a_thidua_form_is_refused() -> None:
    """An ordinary workbook is refused: it has no _thidua sheet."""
    make_year(Path.cwd())
    wb = Workbook()
    wb.active["D9"] = 5  # type: ignore[index]
    wb.save("bad.xlsx")
    assert refused("bad.xlsx") == (
        'bad.xlsx: không phải biểu mẫu chấm điểm của thidua (thiếu trang ẩn "_thidua"); hãy lập '
        "biểu mẫu bằng lệnh thidua sheet 2020 A\n" + FOOT
    )


def test_missing_marker_is_refused() -> None:
    """A _thidua sheet without the marker is not taken for a form."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    wb["_thidua"]["B1"] = None
    wb.save("bad.xlsx")
    assert refused("bad.xlsx") == (
        'bad.xlsx: không phải biểu mẫu chấm điểm của thidua (thiếu dấu nhận biết "thidua: phiếu '
        'tự chấm điểm"); hãy lập biểu mẫu bằng lệnh thidua sheet 2020 A\n' + FOOT
    )


def test_not_xlsx_is_refused() -> None:
    """A file that is not a zip (text, an old .xls) is refused without a traceback."""
    make_year(Path.cwd())
    Path("bad.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    assert refused("bad.xlsx") == (
        "bad.xlsx: không phải tệp Excel .xlsx (không mở được như một tệp nén zip); tệp .xls cũ "
        "hoặc tệp đặt mật khẩu mở cần được lưu lại thành .xlsx không mật khẩu\n" + FOOT
    )


def test_corrupt_xlsx_is_refused() -> None:
    """A zip that is not a spreadsheet package is refused as a broken .xlsx."""
    make_year(Path.cwd())
    with zipfile.ZipFile("bad.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
    err = refused("bad.xlsx")
    assert err.startswith("bad.xlsx: tệp .xlsx bị hỏng, không đọc được (")
    assert err.endswith(")\n" + FOOT)


def test_truncated_xlsx_is_refused() -> None:
    """A form cut short in transfer is refused as not a readable zip."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    Path("bad.xlsx").write_bytes(Path("a.xlsx").read_bytes()[:2000])
    assert refused("bad.xlsx").startswith("bad.xlsx: không phải tệp Excel .xlsx")


def test_cached_formula_in_input_cell_is_refused() -> None:
    """A cell saved with a formula and its cached value is refused, not read as the cache."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    rewrite_cell("a.xlsx", "bad.xlsx", "D9", "<f>19/2</f><v>9.5</v>")
    assert refused("bad.xlsx") == (
        'Điểm!D9: ô nhập liệu chứa công thức =19/2 (tiêu chí "1.2"); hãy nhập giá trị, '
        "không dùng công thức\n" + FOOT
    )


def test_inserted_row_is_refused() -> None:
    """Rows moved (protection lifted, a row inserted) are detected at the first shifted id."""
    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    wb = load_workbook("a.xlsx")
    wb["Điểm"].insert_rows(13)
    wb.save("bad.xlsx")
    assert refused("bad.xlsx").startswith(
        'Điểm!A13: ô mã tiêu chí phải là "2.1", nhưng gặp ""; cấu trúc biểu mẫu đã bị sửa '
        "(chèn hoặc xóa dòng), hãy lập lại biểu mẫu bằng lệnh thidua sheet 2020 A\n"
    )


def test_result_is_validated_before_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """New text that would fail `check` is refused: the year is loaded from a copy holding it.

    (A self-score differing from the appraisal without a reason is no longer refused; the
    import warns instead: tests/test_seal_respected.py.)
    """
    from thidua.repo import importer

    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "bad.xlsx", {"D9": 8})
    apply_values = importer.apply_values

    def with_unknown_criterion(*args: Any) -> str:
        return apply_values(*args) + '  "9.9":\n    tu_cham: 1\n'

    monkeypatch.setattr(importer, "apply_values", with_unknown_criterion)
    err = refused("bad.xlsx")
    assert err == (
        'data/2020/diem/A.yaml:16:3: lỗi: tiêu chí "9.9" không có trong bảng tiêu chí năm 2020; '
        "cần một trong các mã: 1.1, 1.2, 1.3, 1.4, 2.1, 2.2\n"
        "Tổng cộng: 1 lỗi, 0 cảnh báo.\n"
        "Không nhập biểu mẫu bad.xlsx; tệp điểm được giữ nguyên.\n"
    )


def test_missing_file_is_usage_error() -> None:
    """A form path that does not exist exits 2."""
    make_year(Path.cwd())
    code, _, err = do_import(2020, "A", "nowhere.xlsx")
    assert code == 2
    assert err == "Lỗi: không tìm thấy tệp nowhere.xlsx\n"


def test_broken_score_file_is_not_overwritten() -> None:
    """A member whose score file does not load cannot import (the file is the user's to fix)."""
    make_year(Path.cwd(), files={"diem/C.yaml": "nam: 2020\ndon_vi: C\ndiem: [\n"})
    sheet(2020, "C", "c.xlsx")
    before = digest(Path("data/2020/diem/C.yaml"))
    code, _, err = do_import(2020, "C", "c.xlsx")
    assert code == 2
    assert err == (
        "Lỗi: tệp điểm data/2020/diem/C.yaml đang có lỗi nên chưa nhập được; hãy sửa theo "
        "thidua check 2020 rồi nhập lại\n"
    )
    assert digest(Path("data/2020/diem/C.yaml")) == before


def test_form_reads_through_bytes_api() -> None:
    """read_form takes bytes (no file name needed) and returns values in table order."""
    from decimal import Decimal

    from thidua import models as m
    from thidua.present.form_read import read_form
    from thidua.repo.years import open_year

    make_year(Path.cwd())
    sheet(2020, "A", "a.xlsx")
    data = open_year(Path("data"), 2020)[0]
    assert data is not None
    values = read_form(io.BytesIO(Path("a.xlsx").read_bytes()).getvalue(), "a", data, "A")
    assert [(v.criterion.id, v.self_score, v.evidence) for v in values] == [
        (
            "1.1",
            m.Quantity.model_validate({"thuc_hien": "110", "chi_tieu": "100"}),
            "Báo cáo số 5/BC",
        ),
        ("1.2", Decimal("9.5"), None),
        ("1.3", m.Met.MET, None),
        ("1.4", None, None),
        ("2.1", Decimal(0), None),
        ("2.2", Decimal(0), None),
    ]


def test_evidence_that_looks_like_a_number_is_quoted() -> None:
    """Evidence "12" or "2020-12-30" is written quoted, so no YAML reader takes it for a number."""
    make_year(Path.cwd())
    sheet(2020, "B", "b.xlsx")
    fill("b.xlsx", "b2.xlsx", {"D9": 5, "H9": "12", "D13": 1, "H13": "2020-12-30"})
    code, _, err = do_import(2020, "B", "b2.xlsx")
    assert (code, err) == (0, "")
    assert (
        Path("data/2020/diem/B.yaml")
        .read_text(encoding="utf-8")
        .endswith(
            "diem:\n"
            '  "1.2":\n'
            "    tu_cham: 5\n"
            '    minh_chung: "12"\n'
            '  "2.1":\n'
            "    tu_cham: 1\n"
            '    minh_chung: "2020-12-30"\n'
            '  "2.2":\n'
            "    tu_cham: 0\n"
        )
    )


def test_sheet_refuses_a_broken_table() -> None:
    """A scoring table with errors gives no form: the problems are printed, exit 1.

    Line 14, column 9 is the item of criterion "1.2" ("- ma: ..." after 6 spaces and "- ").
    """
    broken = TABLE.replace("        cach_cham: thang_diem\n", "", 1)
    make_year(Path.cwd(), files={"tieu-chi.yaml": broken})
    result = runner.invoke(app, ["sheet", "2020", "A", "-o", "a.xlsx"])
    assert result.exit_code == 1
    assert result.stderr == (
        'data/2020/tieu-chi.yaml:14:9: lỗi: tiêu chí "1.2" là định tính nên cần '
        '"cach_cham": dat_khong_dat (đạt được tối đa, không đạt được 0) hoặc thang_diem '
        "(chấm từ 0 đến tối đa)\n"
        "Tổng cộng: 1 lỗi, 0 cảnh báo.\n"
    )
    assert not Path("a.xlsx").exists()


def test_other_members_errors_do_not_block_import() -> None:
    """An error already in C's file is not A's import's business: A imports."""
    make_year(
        Path.cwd(),
        files={"diem/C.yaml": 'nam: 2020\ndon_vi: C\ndiem:\n  "1.2":\n    tu_cham: 99\n'},
    )
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "f.xlsx", {"D11": 2})
    code, out, err = do_import(2020, "A", "f.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n"


# --- saved again by LibreOffice -----------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.external
@pytest.mark.skipif(SOFFICE is None, reason="cần LibreOffice (soffice) trong PATH")
def test_form_saved_again_by_libreoffice_still_imports(tmp_path: Path) -> None:
    """An appraised member's form, filled (a decimal comma typed as text, an explanation)
    and saved again by LibreOffice in its own XML: it imports, the appraisal untouched."""
    import os
    import subprocess

    assert SOFFICE is not None
    make_year(Path.cwd(), files={"diem/A.yaml": APPRAISED_A})
    sheet(2020, "A", "a.xlsx")
    fill("a.xlsx", "filled.xlsx", {"D9": "9,5", "K9": "Biên bản gửi kèm", "D11": 2})
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            "lo",
            "filled.xlsx",
        ],
        capture_output=True,
        timeout=300,
        env=dict(os.environ, HOME=str(tmp_path)),
        check=True,
    )
    resaved = Path("lo/filled.xlsx")
    assert resaved.read_bytes() != Path("filled.xlsx").read_bytes()
    code, out, err = do_import(2020, "A", str(resaved))
    assert (code, out) == (
        0,
        "Đã nhập biểu mẫu lo/filled.xlsx vào data/2020/diem/A.yaml: 2 tiêu chí thay đổi.\n",
    )
    assert err.startswith("Cảnh báo: đơn vị A đã được thẩm định;")
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == APPRAISED_A.replace(
        "Đã bổ sung biên bản", "Biên bản gửi kèm"
    ).replace('  "2.1"', '  "1.4":\n    tu_cham: 2\n  "2.1"')
