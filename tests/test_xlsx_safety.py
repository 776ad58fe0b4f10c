"""Spreadsheets thidua writes hold no live formula, and ``import`` survives hostile input.

Hostile data: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(a spreadsheet would run it as a formula), text longer than an Excel cell, zip bombs,
an edited hidden sheet, special files in the year folder, a score file edited while
``import`` runs, a full disk, and cells of every odd kind.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from thidua.cli import app
from xlsxtable import table
from yeardata import KHOI
from yeardata import write_year as write_base_year

runner = CliRunner()
OPEN_KHOI = KHOI.replace("da_ket_thuc", "dang_dien_ra")


def write_year(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """The base year of :mod:`yeardata`, but in progress: a closed year takes no import."""
    return write_base_year(root, {"khoi.yaml": OPEN_KHOI, **(files or {})})


EVIDENCE = '=WEBSERVICE("http://x/")'
REASON = "+1+2"
NAME_A = '=HYPERLINK("http://x/","A")'
NAME_B = "@SUM(1)"
NAME_C = "-2+3"
TAB_EVIDENCE = "\t=1+1"

# Rows of the base year's form: 7 group I, 8 "1.1" (graded, max 20), 9 "1.2" (met), 10 total.


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


SCORES_A = (
    "nam: 2020\n"
    "don_vi: A\n"
    "diem:\n"
    '  "1.1":\n'
    "    tu_cham: 18\n"
    "    tham_dinh: 17\n"
    f"    ly_do: {_quoted(REASON)}\n"
    f"    minh_chung: {_quoted(EVIDENCE)}\n"
    '  "1.2":\n'
    "    tu_cham: đạt\n"
    f"    minh_chung: {_quoted(TAB_EVIDENCE)}\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def hostile_year(files: dict[str, str | bytes | None] | None = None) -> Path:
    khoi = (
        OPEN_KHOI.replace("ten: Đơn vị thử nghiệm A", f"ten: {_quoted(NAME_A)}")
        .replace("ten: Đơn vị thử nghiệm B", f"ten: {_quoted(NAME_B)}")
        .replace("ten: Đơn vị thử nghiệm C", f"ten: {_quoted(NAME_C)}")
    )
    return write_year(Path.cwd(), {"khoi.yaml": khoi, "diem/A.yaml": SCORES_A, **(files or {})})


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def sheet(unit: str = "A", out: str = "a.xlsx") -> None:
    code, _, err = invoke("sheet", "2020", unit, "-o", out)
    assert code == 0, err


def live_formulas(path: str | Path) -> list[str]:
    """Every ``<f>`` element of every worksheet: a formula a spreadsheet would run."""
    with zipfile.ZipFile(path) as z:
        return [
            name
            for name in z.namelist()
            if name.startswith("xl/worksheets/")
            and re.search(rb"<f[ >/]", z.read(name)) is not None
        ]


def set_text(src: str, dst: str, cells: dict[str, str]) -> None:
    """Type text into cells of the Điểm sheet, as text (the way Excel stores '=x)."""
    wb = load_workbook(src)
    ws = wb["Điểm"]
    for ref, text in cells.items():
        ws[ref] = text
        ws[ref].data_type = "s"
    wb.save(dst)


# --- 1. no live formula ---------------------------------------------------------------------


def test_scores_xlsx_writes_hostile_text_as_text() -> None:
    """Unit names, reasons and evidence starting with = + - @ tab stay text in the summary."""
    hostile_year()
    code, _, err = invoke("render", "2020", "scores", "--format", "xlsx", "-o", "s.xlsx")
    assert code == 0, err
    assert live_formulas("s.xlsx") == []
    wb = load_workbook("s.xlsx")
    names = [row["Đơn vị"] for row in table(wb["Tổng hợp"])]
    assert sorted(str(n) for n in names) == sorted([NAME_A, NAME_B, NAME_C])
    detail = table(wb["Chi tiết"])
    assert (detail[0]["Lý do thẩm định"], detail[0]["Minh chứng"]) == (REASON, EVIDENCE)
    assert detail[1]["Minh chứng"] == TAB_EVIDENCE.strip()  # the loader trims text
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_form_has_no_formula_and_round_trips_hostile_evidence() -> None:
    """The form holds values only; sheet → import leaves the score file byte for byte."""
    folder = hostile_year()
    before = (folder / "diem/A.yaml").read_bytes()
    sheet()
    assert live_formulas("a.xlsx") == []
    ws = load_workbook("a.xlsx")["Điểm"]
    assert (ws["H8"].value, ws["H9"].value) == (EVIDENCE, TAB_EVIDENCE.strip())
    assert ws["A3"].value == f"Đơn vị: {NAME_A} (mã A)"
    # Column G: points thidua computed (self-scores), not formulas.
    assert [ws[f"G{r}"].value for r in (7, 8, 9, 10)] == [28, 18, 10, 28]
    code, out, err = invoke("import", "2020", "A", "a.xlsx")
    assert (code, err) == (0, "")
    assert out == "Không có gì thay đổi: data/2020/diem/A.yaml đã khớp với biểu mẫu a.xlsx.\n"
    assert (folder / "diem/A.yaml").read_bytes() == before


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1-1", "@A1", "\t=A1", "\r=A1", "=A1\n=B1"])
def test_hostile_evidence_typed_in_the_form_survives_two_round_trips(text: str) -> None:
    """Evidence typed as '=… in Excel is imported as text, and the next form keeps it text."""
    folder = write_year(Path.cwd())
    sheet()
    set_text("a.xlsx", "b.xlsx", {"H8": text})
    code, _, err = invoke("import", "2020", "A", "b.xlsx")
    assert (code, err) == (0, "")
    stored = text.replace("\r", "").strip()
    from thidua.repo.years import open_year

    data, _ = open_year(Path("data"), 2020)
    assert data is not None
    evidence = data.scores["A"].scores["1.1"].evidence
    assert evidence is not None and evidence.strip() == stored.strip()
    after_first = (folder / "diem/A.yaml").read_bytes()
    sheet(out="c.xlsx")
    assert live_formulas("c.xlsx") == []
    code, out, _ = invoke("import", "2020", "A", "c.xlsx")
    assert code == 0 and out.startswith("Không có gì thay đổi")
    assert (folder / "diem/A.yaml").read_bytes() == after_first


# --- 2. the 32,767-character cell ------------------------------------------------------------


def test_text_longer_than_a_cell_is_refused_on_writing() -> None:
    """A criterion's name and guidance together longer than a cell: refused, place named."""
    from yeardata import TIEU_CHI

    table = TIEU_CHI.replace(
        "        ten: Tiêu chí chấm theo thang điểm\n",
        f"        ten: {'a' * 20000}\n        huong_dan: {'b' * 20000}\n",
    )
    write_year(Path.cwd(), {"tieu-chi.yaml": table})
    code, _, err = invoke("sheet", "2020", "A", "-o", "a.xlsx")
    assert code == 1
    assert err == (
        'Lỗi: data/2020/tieu-chi.yaml:8:9 (tên và hướng dẫn của tiêu chí "1.1"): nội dung dài '
        "40003 ký tự, vượt giới hạn 32.767 ký tự của một ô Excel; hãy rút gọn\n"
    )
    assert not Path("a.xlsx").exists()


def test_scores_xlsx_refuses_composed_text_longer_than_a_cell() -> None:
    """The summary's helper refuses an over-long text, naming the unit (and criterion)."""
    from openpyxl import Workbook

    from thidua.errors import ThiduaError
    from thidua.present.xlsx_safety import put

    cell = Workbook().active["A1"]  # type: ignore[index]
    with pytest.raises(ThiduaError) as exc:
        put(cell, "x" * 32_768, 'đơn vị A, tiêu chí "1.1" (ô Chi tiết!M2)')
    assert exc.value.message == (
        'đơn vị A, tiêu chí "1.1" (ô Chi tiết!M2): nội dung dài 32768 ký tự, vượt giới hạn '
        "32.767 ký tự của một ô Excel; hãy rút gọn"
    )
    put(cell, "x" * 32_767, "")
    assert cell.value == "x" * 32_767


# --- 3. zip bombs -----------------------------------------------------------------------------


def _bomb(size: int, declared: int | None = None) -> bytes:
    """A zip holding ``size`` zero bytes; ``declared`` replaces the directory's size."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    data = bytearray(stream.getvalue())
    if declared is not None:
        central = data.rindex(b"PK\x01\x02")
        data[central + 24 : central + 28] = declared.to_bytes(4, "little")
        local = data.index(b"PK\x03\x04")
        data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    return bytes(data)


def _inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the bytes every zip entry read returns."""
    counts: list[int] = []
    original = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        data = original(self, n)
        counts.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return counts


def test_compressible_bomb_is_refused_before_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    """20 MB of zeros in a few kB: refused from the zip's directory, nothing inflated."""
    write_year(Path.cwd())
    Path("bomb.xlsx").write_bytes(_bomb(20 * 1024 * 1024))
    counts = _inflated(monkeypatch)
    code, _, err = invoke("import", "2020", "A", "bomb.xlsx")
    assert code == 1
    assert err == (
        "bomb.xlsx: tệp quá lớn khi giải nén để là một biểu mẫu chấm điểm (tệp nén bất "
        "thường); hãy lập lại biểu mẫu bằng lệnh thidua sheet\n"
        "Không nhập biểu mẫu bomb.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"
    )
    assert sum(counts) == 0


def test_huge_declared_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory declaring 4 GB is refused without inflating anything."""
    write_year(Path.cwd())
    Path("bomb.xlsx").write_bytes(_bomb(1000, declared=0xFFFF_FFF0))
    counts = _inflated(monkeypatch)
    code, _, err = invoke("import", "2020", "A", "bomb.xlsx")
    assert code == 1
    assert err.startswith("bomb.xlsx: tệp quá lớn khi giải nén")
    assert sum(counts) == 0


def test_lying_declared_size_inflates_no_more_than_declared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An entry declaring 1000 bytes but holding 60 MB: at most the declared bytes are read."""
    write_year(Path.cwd())
    Path("liar.xlsx").write_bytes(_bomb(60 * 1024 * 1024, declared=1000))
    counts = _inflated(monkeypatch)
    code, _, err = invoke("import", "2020", "A", "liar.xlsx")
    assert code == 1
    assert err == (
        "liar.xlsx: tệp .xlsx bị hỏng (phần xl/worksheets/sheet1.xml không đọc được)\n"
        "Không nhập biểu mẫu liar.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"
    )
    assert sum(counts) <= 1000


def test_too_many_entries_is_refused() -> None:
    write_year(Path.cwd())
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as z:
        for i in range(2001):
            z.writestr(f"x{i}", b"")
    Path("many.xlsx").write_bytes(stream.getvalue())
    code, _, err = invoke("import", "2020", "A", "many.xlsx")
    assert code == 1
    assert err.startswith("many.xlsx: tệp quá lớn khi giải nén")


# --- 4. the hidden sheet ----------------------------------------------------------------------

REDO = (
    "a2.xlsx: biểu mẫu đã bị sửa ở phần thông tin ẩn; hãy lập lại biểu mẫu bằng lệnh "
    "thidua sheet 2020 A và chép điểm sang"
)
HOSTILE_META: list[object] = [
    0,
    9999999,
    "¹",
    1e308,
    float("nan"),
    True,
    dt.date(2020, 1, 1),
    "x" * 40000,
    None,
]


def _edit_meta(ref: str, value: object) -> None:
    wb = load_workbook("a.xlsx")
    ws = wb["_thidua"]
    ws[ref] = value
    wb.save("a2.xlsx")


@pytest.mark.parametrize("value", HOSTILE_META, ids=repr)
@pytest.mark.parametrize("ref", ["B1", "B2", "B3", "B4", "A6", "B6", "A7", "B7", "A8", "B8"])
def test_edited_hidden_sheet_is_refused_in_plain_words(ref: str, value: object) -> None:
    """Any value in any cell of the hidden sheet: a refusal naming the form, no traceback."""
    write_year(Path.cwd())
    sheet()
    _edit_meta(ref, value)
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith("a2.xlsx: ")
    assert len(first) < 400
    expected = {
        "B1": "a2.xlsx: không phải biểu mẫu chấm điểm của thidua",
        "B3": "a2.xlsx: biểu mẫu của năm",
    }.get(ref, REDO)
    assert first.startswith(expected)


@pytest.mark.parametrize("value", HOSTILE_META, ids=repr)
@pytest.mark.parametrize("ref", ["C8", "D8", "C9", "D9"])
def test_edited_kind_or_maximum_is_a_table_change(ref: str, value: object) -> None:
    """A criterion's kind or maximum in the hidden sheet edited, and the table fingerprint
    (B5) no longer matching: the form is refused as made from another table, in words."""
    write_year(Path.cwd())
    sheet()
    wb = load_workbook("a.xlsx")
    wb["_thidua"]["B5"] = "khác"
    wb["_thidua"][ref] = value
    wb.save("a2.xlsx")
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    first = err.splitlines()[0] if err else ""
    assert (code, first[:60]) == (
        1,
        "a2.xlsx: bảng tiêu chí năm 2020 đã thay đổi sau khi lập biểu"[:60],
    )
    assert len(first) < 400


@pytest.mark.parametrize("value", HOSTILE_META, ids=repr)
def test_edited_fingerprint_alone_changes_nothing(value: object) -> None:
    """B5 holds a fingerprint that rewording the table changes too: ids, kinds and maxima
    decide whether the form still fits, so a B5 edited alone does not refuse the form."""
    write_year(Path.cwd())
    sheet()
    _edit_meta("B5", value)
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert (code, err) == (0, "")


def test_edited_criterion_row_message() -> None:
    write_year(Path.cwd())
    sheet()
    _edit_meta("B8", "¹")
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err == f"{REDO}\nKhông nhập biểu mẫu a2.xlsx: 1 lỗi; tệp điểm được giữ nguyên.\n"


def test_chartsheet_in_place_of_the_form_is_refused() -> None:
    """A chart sheet named like the hidden sheet is refused, not a traceback."""
    write_year(Path.cwd())
    sheet()
    wb = load_workbook("a.xlsx")
    wb.remove(wb["_thidua"])
    wb.create_chartsheet("_thidua")
    wb.save("a2.xlsx")
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err.startswith("a2.xlsx: ")


# --- 5. special files in the year folder ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs symlinks and FIFOs")
def test_import_ignores_special_files_in_the_year_folder() -> None:
    """Symlinks to /dev/zero and FIFOs beside the data are never read: the import goes on."""
    folder = write_year(Path.cwd())
    sheet()
    (folder / "zero.bin").symlink_to("/dev/zero")
    (folder / "nhiem-vu.yaml").symlink_to("/dev/zero")
    (folder / "diem" / "Z.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.yaml")
    os.mkfifo(folder / "phieu-bau.yaml")
    os.mkfifo(folder / "diem" / "F.yaml")
    wb = load_workbook("a.xlsx")
    wb["Điểm"]["D8"] = 19
    wb.save("a2.xlsx")
    code, out, err = invoke("import", "2020", "A", "a2.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu a2.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n"
    assert "tu_cham: 19" in (folder / "diem/A.yaml").read_text(encoding="utf-8")


def test_data_files_copied_are_only_regular_yaml(tmp_path: Path) -> None:
    """The validation copy holds the loader's YAML files, regular ones only, bounded."""
    from thidua.repo.importer import _copy_data_files

    folder = write_year(tmp_path)
    (folder / "notes.txt").write_text("x")
    (folder / "diem" / "link.yaml").symlink_to(folder / "diem" / "A.yaml")
    (folder / "diem" / "Z.yaml").symlink_to("/dev/zero")
    target = tmp_path / "copy"
    _copy_data_files(folder, target)
    copied = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert copied == [
        "diem/A.yaml",
        "diem/B.yaml",
        "diem/C.yaml",
        "khoi.yaml",
        "quy-che.yaml",
        "tieu-chi.yaml",
    ]


# --- 6. writing the score file ----------------------------------------------------------------


def _form_with_19() -> Path:
    folder = write_year(Path.cwd())
    sheet()
    wb = load_workbook("a.xlsx")
    wb["Điểm"]["D8"] = 19
    wb.save("a2.xlsx")
    return folder / "diem" / "A.yaml"


def test_score_file_edited_meanwhile_is_not_overwritten(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another edit between reading and writing: refused, the other edit kept."""
    import thidua.repo.importer as importer
    from thidua.repo.importer import ImportPlan

    path = _form_with_19()
    real = importer.plan_form_import

    def plan_then_edit(*args: object, **kwargs: object) -> ImportPlan:
        plan = real(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text(path.read_text(encoding="utf-8") + "# sửa tay\n", encoding="utf-8")
        return plan

    monkeypatch.setattr(importer, "plan_form_import", plan_then_edit)
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err == (
        "Lỗi: tệp data/2020/diem/A.yaml đã được sửa trong lúc thidua đang chạy; thidua không "
        "ghi đè để không làm mất thay đổi đó — hãy chạy lại lệnh\n"
    )
    assert path.read_text(encoding="utf-8").endswith("# sửa tay\n")
    assert "tu_cham: 18" in path.read_text(encoding="utf-8")


def test_new_score_file_created_meanwhile_is_not_overwritten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member without a file: if one appears meanwhile, it is kept."""
    import thidua.repo.importer as importer
    from thidua.repo.importer import ImportPlan

    folder = write_year(Path.cwd(), {"diem/C.yaml": None})
    sheet("C", "c.xlsx")
    wb = load_workbook("c.xlsx")
    wb["Điểm"]["D8"] = 5
    wb.save("c2.xlsx")
    real = importer.plan_form_import

    def plan_then_create(*args: object, **kwargs: object) -> ImportPlan:
        plan = real(*args, **kwargs)  # type: ignore[arg-type]
        (folder / "diem" / "C.yaml").write_text("# người khác\n", encoding="utf-8")
        return plan

    monkeypatch.setattr(importer, "plan_form_import", plan_then_create)
    code, _, err = invoke("import", "2020", "C", "c2.xlsx")
    assert code == 1
    assert "đã được sửa trong lúc thidua đang chạy" in err
    assert (folder / "diem" / "C.yaml").read_text(encoding="utf-8") == "# người khác\n"


def test_disk_full_is_a_vietnamese_message(monkeypatch: pytest.MonkeyPatch) -> None:
    path = _form_with_19()
    before = path.read_bytes()

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err == (
        "Lỗi: không ghi được tệp data/2020/diem/A.yaml: ổ đĩa đã đầy; không có gì bị ghi dở\n"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["A.yaml", "B.yaml", "C.yaml"]


# --- 7. a warning does not block ----------------------------------------------------------------


def test_score_file_with_only_a_warning_is_imported() -> None:
    """diem/a.yaml holding A's scores only earns a naming warning: the import writes it."""
    folder = write_year(Path.cwd(), {"diem/A.yaml": None})
    (folder / "diem" / "a.yaml").write_text(
        "nam: 2020\ndon_vi: A\ndiem:\n  '1.1':\n    tu_cham: 18\n", encoding="utf-8"
    )
    sheet()
    wb = load_workbook("a.xlsx")
    wb["Điểm"]["D8"] = 19
    wb.save("a2.xlsx")
    code, out, err = invoke("import", "2020", "A", "a2.xlsx")
    assert (code, err) == (0, "")
    assert out == "Đã nhập biểu mẫu a2.xlsx vào data/2020/diem/a.yaml: 1 tiêu chí thay đổi.\n"


def test_file_named_for_a_member_holding_another_is_not_called_broken() -> None:
    """diem/C.yaml that loads but holds B's scores (a warning): refused, saying so."""
    folder = write_year(Path.cwd(), {"diem/B.yaml": None})
    (folder / "diem" / "C.yaml").write_text(
        "nam: 2020\ndon_vi: B\ndiem:\n  '1.1':\n    tu_cham: 12\n", encoding="utf-8"
    )
    sheet("C", "c.xlsx")
    code, _, err = invoke("import", "2020", "C", "c.xlsx")
    assert code == 2
    assert err == (
        'Lỗi: tệp điểm data/2020/diem/C.yaml đang chứa điểm của đơn vị "B" (khóa don_vi); '
        "hãy đổi tên tệp đó thành diem/B.yaml rồi nhập lại\n"
    )


# --- 8. hostile cells -------------------------------------------------------------------------


_NO_TYPE = re.compile(r' t="[^"]*"')


def _rewrite(src: str, dst: str, ref: str, inner: str, attrs: str = "") -> None:
    """Replace cell ``ref`` of the Điểm sheet with raw XML, as a crafted file would."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text, n = re.subn(
                    rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)',
                    lambda mt: f'<c r="{ref}"{_NO_TYPE.sub("", mt[1])}{attrs}>{inner}</c>',
                    data.decode("utf-8"),
                )
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(info, data)


HOSTILE_CELLS: list[tuple[str, str]] = [
    (' t="inlineStr"', "<is><t>a\x85b</t></is>"),
    (' t="inlineStr"', f"<is><t>{'x' * 40000}</t></is>"),
    ("", "<v>1e308</v>"),
    ("", "<v>-1e308</v>"),
    ("", "<v>NaN</v>"),
    ("", "<v>INF</v>"),
    (' t="inlineStr"', "<is><t>NaN</t></is>"),
    (' t="b"', "<v>1</v>"),
    (' t="d"', "<v>2020-01-01T00:00:00</v>"),
    (' t="e"', "<v>#REF!</v>"),
    (' t="str"', "<f>1/0</f><v>#DIV/0!</v>"),
    (' t="s"', "<v>99999</v>"),
    ("", "<v>abc</v>"),
    (' t="n"', "<v>1e-400</v>"),
]


@pytest.mark.parametrize(("attrs", "inner"), HOSTILE_CELLS)
@pytest.mark.parametrize("ref", ["D8", "D9", "H8"])
def test_hostile_cells_never_give_a_traceback(ref: str, attrs: str, inner: str) -> None:
    write_year(Path.cwd())
    sheet()
    _rewrite("a.xlsx", "a2.xlsx", ref, inner, attrs)
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code in (0, 1), err
    if code == 1:
        assert "a2.xlsx" in err
        assert all(len(line) < 600 for line in err.splitlines())


def test_control_character_is_refused_with_the_cell() -> None:
    write_year(Path.cwd())
    sheet()
    _rewrite("a.xlsx", "a2.xlsx", "H8", "<is><t>a\x85b</t></is>", ' t="inlineStr"')
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err.splitlines()[0] == (
        'Điểm!H8: ô chứa ký tự điều khiển U+0085 không in được (tiêu chí "1.1"); hãy xóa ký tự đó'
    )


def test_over_long_cell_is_refused_with_the_cell() -> None:
    write_year(Path.cwd())
    sheet()
    _rewrite("a.xlsx", "a2.xlsx", "H8", f"<is><t>{'x' * 40000}</t></is>", ' t="inlineStr"')
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err.splitlines()[0] == (
        'Điểm!H8: ô dài 40000 ký tự, vượt giới hạn 32.767 ký tự của một ô Excel (tiêu chí "1.1")'
    )


def test_oversized_form_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import thidua.repo.importer as importer

    write_year(Path.cwd())
    monkeypatch.setattr(importer, "MAX_UNZIPPED", 10)
    Path("big.xlsx").write_bytes(b"x" * 11)
    code, _, err = invoke("import", "2020", "A", "big.xlsx")
    assert code == 1
    assert err.splitlines()[0] == "big.xlsx: tệp quá lớn để là một biểu mẫu chấm điểm (hơn 0 MB)"


def test_huge_number_is_refused_in_short_words() -> None:
    write_year(Path.cwd())
    sheet()
    _rewrite("a.xlsx", "a2.xlsx", "D8", "<v>1e308</v>")
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err.splitlines()[0] == (
        'Điểm!D8: điểm 1E+308 ngoài giới hạn; cần từ 0 đến 20 (tiêu chí "1.1")'
    )


def test_encrypted_entry_is_refused() -> None:
    """An entry flagged as encrypted (zipfile wants a password): refused as damaged."""
    write_year(Path.cwd())
    data = bytearray(_bomb(100))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 1  # general purpose flag bit 0: encrypted
    Path("enc.xlsx").write_bytes(bytes(data))
    code, _, err = invoke("import", "2020", "A", "enc.xlsx")
    assert code == 1
    assert err.splitlines()[0] == (
        "enc.xlsx: tệp .xlsx bị hỏng (phần xl/worksheets/sheet1.xml không đọc được)"
    )


def test_control_character_is_refused_on_writing() -> None:
    from openpyxl import Workbook

    from thidua.errors import ThiduaError
    from thidua.present.xlsx_safety import put

    cell = Workbook().active["A1"]  # type: ignore[index]
    with pytest.raises(ThiduaError) as exc:
        put(cell, "a\x07b", "data/2020/khoi.yaml:9:10")
    assert exc.value.message == (
        "data/2020/khoi.yaml:9:10: nội dung có ký tự điều khiển không ghi được vào ô Excel; "
        "hãy xóa ký tự đó"
    )


def test_score_file_linked_outside_the_year_is_not_written(tmp_path: Path) -> None:
    """diem/A.yaml as a symbolic link to a file outside the year folder: refused, untouched."""
    path = _form_with_19()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_bytes()
    code, _, err = invoke("import", "2020", "A", "a2.xlsx")
    assert code == 1
    assert err.startswith(
        "Lỗi: không ghi được tệp data/2020/diem/A.yaml: đường dẫn này trỏ ra ngoài thư mục "
        "data/2020 (qua liên kết tượng trưng"
    )
    assert outside.read_bytes() == before
