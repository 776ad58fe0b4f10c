"""Issue 13: the commands that write or show a year respect its seal.

- ``import`` into a closed year is refused before the form is read, and nothing is
  written; ``--dry-run`` still shows the diff, then says the form cannot be imported;
- ``import`` for a member already appraised warns that the appraised scores stay, and
  lists the criteria whose new self-score now differs from the appraisal without a reason;
- ``rank``, ``explain`` and ``history`` say when the year was sealed and by whom, when and
  why it was reopened, or that it is in progress;
- ``fmt`` on a sealed year changes the layout only (the seal still holds), and
  ``new-year`` never writes into an existing, sealed year.

Years are closed and reopened with ``thidua close`` / ``thidua reopen`` themselves, dated
by ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from thidua.cli import app
from yeardata import KHOI, score_file, tree_hashes, write_year

runner = CliRunner()

CLOSED_2019 = "1577664000"  # 30/12/2019, UTC
CLOSED_2020 = "1609286400"  # 30/12/2020
REOPENED = "1609804800"  # 05/01/2021
REASON = "Sửa điểm tiêu chí 1.2 của đơn vị B"
OFFICE = "Văn phòng Khối"
OPEN_KHOI = KHOI.replace("da_ket_thuc", "dang_dien_ra")
REOPEN_HINT = 'Muốn sửa điểm, hãy mở lại năm 2020 bằng lệnh: thidua reopen 2020 --ly-do "…"\n'

# Rows of the base year's form (tests/yeardata.py): 8 is "1.1" (graded, max 20), 9 is
# "1.2" (met / not met); column D the self-score, H the evidence.


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def invoke(*args: str, epoch: str | None = None) -> Result:
    result = runner.invoke(app, list(args), env={"SOURCE_DATE_EPOCH": epoch} if epoch else None)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def close(year: int = 2020, epoch: str = CLOSED_2020) -> None:
    result = invoke("close", str(year), "--by", OFFICE, epoch=epoch)
    assert result.exit_code == 0, result.output


def reopen(year: int = 2020) -> None:
    result = invoke("reopen", str(year), "--ly-do", REASON, "--by", OFFICE, epoch=REOPENED)
    assert result.exit_code == 0, result.output


def form(cells: dict[str, object], name: str = "f.xlsx", unit: str = "A") -> str:
    """``thidua sheet 2020 UNIT``, then ``cells`` filled in as a member would."""
    result = invoke("sheet", "2020", unit, "-o", "blank.xlsx")
    assert result.exit_code == 0, result.output
    wb = load_workbook("blank.xlsx")
    for ref, value in cells.items():
        wb["Điểm"][ref] = value
    wb.save(name)
    return name


def data_hashes() -> dict[str, str]:
    return tree_hashes(Path("data"))


# --- import into a closed year -----------------------------------------------------------------


def test_import_into_a_sealed_year_is_refused_and_writes_nothing() -> None:
    """The refusal says when and by whom the year was sealed, and how to reopen it."""
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    form({"D8": 15})
    close()
    before = data_hashes()
    result = invoke("import", "2020", "A", "f.xlsx")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Không nhập biểu mẫu f.xlsx: năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối); "
        "tệp điểm được giữ nguyên.\n" + REOPEN_HINT
    )
    assert data_hashes() == before


def test_closed_year_is_refused_before_the_form_is_read() -> None:
    """Even a file that is no form at all gets the closed-year refusal, not a form error."""
    write_year(Path.cwd())
    close()
    Path("junk.xlsx").write_bytes(b"not a workbook")
    before = data_hashes()
    result = invoke("import", "2020", "A", "junk.xlsx")
    assert result.exit_code == 1
    assert result.stderr == (
        "Không nhập biểu mẫu junk.xlsx: năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối); "
        "tệp điểm được giữ nguyên.\n" + REOPEN_HINT
    )
    assert data_hashes() == before


def test_import_into_a_closed_year_without_a_seal_is_refused() -> None:
    """``trang_thai: da_ket_thuc`` alone (a repository from before the seal) is enough."""
    write_year(Path.cwd())
    form({"D8": 15})
    before = data_hashes()
    result = invoke("import", "2020", "A", "f.xlsx")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Không nhập biểu mẫu f.xlsx: năm 2020 đã kết thúc (trang_thai: da_ket_thuc trong "
        "khoi.yaml); tệp điểm được giữ nguyên.\n" + REOPEN_HINT
    )
    assert data_hashes() == before


def test_dry_run_on_a_sealed_year_shows_the_diff_then_says_it_cannot_import() -> None:
    """The diff goes to stdout as usual; the refusal to stderr; exit 1; nothing written."""
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    form({"D8": 15})
    close()
    before = data_hashes()
    result = invoke("import", "2020", "A", "f.xlsx", "--dry-run")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/data/2020/diem/A.yaml\n"
        "+++ b/data/2020/diem/A.yaml\n"
        "@@ -2,6 +2,6 @@\n"
        " don_vi: A\n"
        " diem:\n"
        '   "1.1":\n'
        "-    tu_cham: 18\n"
        "+    tu_cham: 15\n"
        '   "1.2":\n'
        "     tu_cham: đạt\n"
    )
    assert result.stderr == (
        "Chạy thử: 1 tiêu chí sẽ thay đổi, nhưng không nhập được vì năm 2020 đã khóa sổ ngày "
        "30/12/2020 (Văn phòng Khối); chưa ghi gì vào data/2020/diem/A.yaml.\n" + REOPEN_HINT
    )
    assert data_hashes() == before


def test_a_dry_run_plan_of_a_closed_year_cannot_be_written() -> None:
    """The plan a dry run builds for a closed year refuses to write, whoever calls it."""
    from thidua.repo.importer import YearClosed, plan_import

    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    form({"D8": 15})
    close()
    before = data_hashes()
    with pytest.raises(YearClosed):
        plan_import(Path("data"), 2020, "A", b"", "f.xlsx")
    plan = plan_import(
        Path("data"), 2020, "A", Path("f.xlsx").read_bytes(), "f.xlsx", closed_ok=True
    )
    assert plan.changed == 1
    with pytest.raises(YearClosed) as refused:
        plan.write()
    assert refused.value.message == (
        "năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối) nên không nhập được điểm. "
        + REOPEN_HINT.rstrip("\n")
    )
    assert data_hashes() == before


def test_a_reopened_year_takes_the_import_again() -> None:
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    form({"D8": 15})
    close()
    reopen()
    result = invoke("import", "2020", "A", "f.xlsx")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 1 tiêu chí thay đổi.\n"
    )
    assert "    tu_cham: 15\n" in Path("data/2020/diem/A.yaml").read_text(encoding="utf-8")


# --- import for an appraised member ------------------------------------------------------------

APPRAISED_A = """\
nam: 2020
don_vi: A
diem:
  "1.1":
    tu_cham: 18
    tham_dinh: 18
  "1.2":
    tu_cham: đạt
    tham_dinh: đạt
"""

KEPT = (
    "Cảnh báo: đơn vị A đã được thẩm định; điểm thẩm định được giữ nguyên, biểu mẫu chỉ đổi "
    "điểm tự chấm, minh chứng và giải trình.\n"
)
FIX = (
    "Hãy ghi lý do hoặc thẩm định lại trong data/2020/diem/A.yaml; đến lúc đó thidua check "
    "báo lỗi ở các tiêu chí này.\n"
)


def test_import_for_an_appraised_member_lists_exactly_the_unexplained_criteria() -> None:
    """1.1 now differs from its appraisal (listed); 1.2 still equals its own (not listed)."""
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI, "diem/A.yaml": APPRAISED_A})
    form({"D8": 15, "H9": "Biên bản ký giao ước"})
    result = invoke("import", "2020", "A", "f.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Đã nhập biểu mẫu f.xlsx vào data/2020/diem/A.yaml: 2 tiêu chí thay đổi.\n"
    )
    assert result.stderr == (
        KEPT + "Điểm tự chấm mới khác điểm thẩm định mà chưa ghi lý do (ly_do) ở 1 tiêu chí:\n"
        "  - 1.1 Tiêu chí chấm theo thang điểm: tự chấm 15, thẩm định 18\n" + FIX
    )
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == (
        APPRAISED_A.replace("tu_cham: 18", "tu_cham: 15").replace(
            "    tu_cham: đạt\n", "    tu_cham: đạt\n    minh_chung: Biên bản ký giao ước\n"
        )
    )
    # The warning names what check now reports.
    check = invoke("check", "2020")
    assert check.exit_code == 1
    assert check.stderr.startswith(
        'data/2020/diem/A.yaml:6:16: lỗi: điểm thẩm định tiêu chí "1.1" (18) khác điểm tự chấm '
        '(15): cần ghi lý do ở khóa "ly_do"\n'
    )


def test_a_criterion_with_a_reason_is_not_listed() -> None:
    """1.1 differs but has its reason; 1.2 now differs without one; listed in table order."""
    appraised = APPRAISED_A.replace(
        "    tham_dinh: 18\n", "    tham_dinh: 16\n    ly_do: Thiếu minh chứng\n"
    )
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI, "diem/A.yaml": appraised})
    form({"D8": 17, "D9": "không đạt"})
    result = invoke("import", "2020", "A", "f.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        KEPT + "Điểm tự chấm mới khác điểm thẩm định mà chưa ghi lý do (ly_do) ở 1 tiêu chí:\n"
        "  - 1.2 Tiêu chí đạt hoặc không đạt: tự chấm không đạt, thẩm định đạt\n" + FIX
    )


def test_every_unexplained_criterion_is_listed_on_a_dry_run_too() -> None:
    """--dry-run shows the same warning, in table order, and writes nothing."""
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI, "diem/A.yaml": APPRAISED_A})
    form({"D8": 12.5, "D9": "không đạt"})
    before = data_hashes()
    result = invoke("import", "2020", "A", "f.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "Chạy thử: 2 tiêu chí sẽ thay đổi; chưa ghi gì vào data/2020/diem/A.yaml.\n"
    )
    assert result.stderr == (
        KEPT + "Điểm tự chấm mới khác điểm thẩm định mà chưa ghi lý do (ly_do) ở 2 tiêu chí:\n"
        "  - 1.1 Tiêu chí chấm theo thang điểm: tự chấm 12,5, thẩm định 18\n"
        "  - 1.2 Tiêu chí đạt hoặc không đạt: tự chấm không đạt, thẩm định đạt\n" + FIX
    )
    assert data_hashes() == before


def test_appraised_member_whose_scores_still_agree_is_told_the_appraisal_stays() -> None:
    """Only the evidence changes: the appraisal is kept, nothing to list."""
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI, "diem/A.yaml": APPRAISED_A})
    form({"H8": "Báo cáo số 5/BC"})
    result = invoke("import", "2020", "A", "f.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr == KEPT


def test_member_not_appraised_gets_no_warning() -> None:
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    form({"D8": 15})
    result = invoke("import", "2020", "A", "f.xlsx")
    assert (result.exit_code, result.stderr) == (0, "")


# --- rank and explain --------------------------------------------------------------------------


def test_rank_of_a_sealed_year_says_when_and_by_whom() -> None:
    write_year(Path.cwd())
    close()
    table = invoke("rank", "2020")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[:2] == [
        "Kết quả xếp hạng thi đua năm 2020 — Khối thi đua thử nghiệm",
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối).",
    ]
    assert lines[2].startswith("┏")
    assert not any("tạm tính" in line for line in lines)
    doc = json.loads(invoke("rank", "2020", "-f", "json").stdout)
    seal = (Path("data/2020/khoa-so.yaml")).read_text(encoding="utf-8")
    digest = seal.split("ma_du_lieu: ")[1].split()[0]
    assert digest.startswith("sha256:")
    assert (doc["trang_thai"], doc["khoa_so"], doc["mo_lai"]) == (
        "da_ket_thuc",
        {"ngay": "2020-12-30", "nguoi": OFFICE, "ma_du_lieu": digest},
        None,
    )
    markdown = invoke("rank", "2020", "-f", "markdown").stdout.splitlines()
    assert markdown[:4] == [
        "## Kết quả xếp hạng thi đua năm 2020 — Khối thi đua thử nghiệm",
        "",
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối).",
        "",
    ]
    explain = invoke("explain", "2020", "A").stdout.splitlines()
    assert explain[2] == "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối)."


def test_rank_of_a_reopened_year_says_when_and_why_and_that_results_are_provisional() -> None:
    write_year(Path.cwd())
    close()
    reopen()
    table = invoke("rank", "2020")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[1] == (
        "Năm 2020 đã mở lại ngày 05/01/2021 (Văn phòng Khối) — lý do: Sửa điểm tiêu chí 1.2 "
        "của đơn vị B."
    )
    assert "  - Năm 2020 đang diễn ra: kết quả là tạm tính." in lines
    doc = json.loads(invoke("rank", "2020", "-f", "json").stdout)
    assert (doc["trang_thai"], doc["khoa_so"], doc["mo_lai"]) == (
        "dang_dien_ra",
        None,
        {"ngay": "2021-01-05", "nguoi": OFFICE, "ly_do": REASON},
    )
    markdown = invoke("rank", "2020", "-f", "markdown").stdout.splitlines()
    assert markdown[2] == (
        "Năm 2020 đã mở lại ngày 05/01/2021 (Văn phòng Khối) — lý do: Sửa điểm tiêu chí 1.2 "
        "của đơn vị B."
    )
    assert "- Năm 2020 đang diễn ra: kết quả là tạm tính." in markdown


def test_rank_of_a_year_in_progress_says_its_results_are_provisional() -> None:
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI})
    table = invoke("rank", "2020")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[1].startswith("┏")  # no seal to tell of
    assert "  - Năm 2020 đang diễn ra: kết quả là tạm tính." in lines
    doc = json.loads(invoke("rank", "2020", "-f", "json").stdout)
    assert (doc["trang_thai"], doc["khoa_so"], doc["mo_lai"]) == ("dang_dien_ra", None, None)
    explain = invoke("explain", "2020", "A").stdout.splitlines()
    assert explain[2] == "Năm 2020 đang diễn ra: kết quả là tạm tính."


def test_rank_of_a_closed_year_without_a_seal_says_so() -> None:
    write_year(Path.cwd())
    table = invoke("rank", "2020")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[1] == "Năm 2020 đã kết thúc nhưng chưa khóa sổ."


# --- history -----------------------------------------------------------------------------------


def _three_years() -> None:
    """2019 sealed; 2020 sealed, then reopened; 2021 in progress, never closed."""
    write_year(
        Path.cwd(),
        {
            "diem/A.yaml": score_file("A", 2019, first="15"),
            "diem/B.yaml": score_file("B", 2019, first="18"),
        },
        year=2019,
    )
    close(2019, CLOSED_2019)
    write_year(Path.cwd())
    close()
    reopen()
    write_year(Path.cwd(), {"khoi.yaml": OPEN_KHOI}, year=2021)


IN_PROGRESS_2020 = (
    "Năm 2020 đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào (xem kết quả tạm tính "
    "bằng: thidua rank 2020)."
)
IN_PROGRESS_2021 = IN_PROGRESS_2020.replace("2020", "2021")
REOPENED_2020 = (
    "Năm 2020 đã mở lại ngày 05/01/2021 (Văn phòng Khối) — lý do: Sửa điểm tiêu chí 1.2 của "
    "đơn vị B."
)


def test_history_table_tells_each_years_seal() -> None:
    _three_years()
    result = invoke("history", "B")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Lịch sử thi đua các năm 2019",
        "┏━━━━┳━━━━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━┓",
        "┃ Mã ┃ Đơn vị   ┃  Năm ┃ Hạng ┃ Điểm ┃ Kết quả ┃",
        "┡━━━━╇━━━━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━┩",
        "│ B  │ Đơn vị B │ 2019 │    1 │   28 │ dẫn đầu │",
        "└────┴──────────┴──────┴──────┴──────┴─────────┘",
        "Năm 2019 đã khóa sổ ngày 30/12/2019 (Văn phòng Khối).",
        REOPENED_2020,
        IN_PROGRESS_2020,
        IN_PROGRESS_2021,
    ]


def test_history_json_and_csv_carry_the_seal() -> None:
    _three_years()
    result = invoke("history", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tinh_trang"] == [
        {
            "nam": 2019,
            "trang_thai": "da_ket_thuc",
            "khoa_so": {"ngay": "2019-12-30", "nguoi": OFFICE},
            "mo_lai": None,
            "ghi_chu": "Năm 2019 đã khóa sổ ngày 30/12/2019 (Văn phòng Khối).",
        },
        {
            "nam": 2020,
            "trang_thai": "dang_dien_ra",
            "khoa_so": None,
            "mo_lai": {"ngay": "2021-01-05", "nguoi": OFFICE, "ly_do": REASON},
            "ghi_chu": REOPENED_2020,
        },
        {
            "nam": 2021,
            "trang_thai": "dang_dien_ra",
            "khoa_so": None,
            "mo_lai": None,
            "ghi_chu": "Năm 2021 đang diễn ra.",
        },
    ]
    assert {row["khoa_so"]["ngay"] for row in doc["ket_qua"]} == {"2019-12-30"}
    assert doc["ghi_chu"] == [
        "Năm 2019 đã khóa sổ ngày 30/12/2019 (Văn phòng Khối).",
        REOPENED_2020,
        IN_PROGRESS_2020,
        IN_PROGRESS_2021,
    ]
    out = invoke("history", "-f", "csv").stdout
    assert out.splitlines()[:2] == [
        "nam,ma,ten_ngan,hang,dong_hang,diem,dan_dau,khen_thuong,khoa_so_ngay,khoa_so_nguoi",
        "2019,A,Đơn vị A,2,false,25,false,,2019-12-30,Văn phòng Khối",
    ]
    assert len(list(csv.DictReader(io.StringIO(out)))) == 3


def test_history_csv_seal_cells_are_never_formulas() -> None:
    """Who sealed the year is text from the data: a leading = gets a '."""
    write_year(Path.cwd())
    result = invoke("close", "2020", "--by", "=1+1", epoch=CLOSED_2020)
    assert result.exit_code == 0, result.output
    out = invoke("history", "A", "-f", "csv").stdout
    assert out.splitlines()[1] == "2020,A,Đơn vị A,1,false,28,true,,2020-12-30,'=1+1"


# --- fmt and new-year on a sealed year ---------------------------------------------------------


def test_fmt_on_a_sealed_year_changes_layout_only() -> None:
    """The seal covers what the data says, so reformatting keeps it: check stays clean."""
    write_year(Path.cwd())
    close()
    Path("data/2020/diem/A.yaml").write_text(
        "nam: 2020\ndon_vi: A\ndiem:\n  '1.1': {tu_cham: 18}\n  '1.2': {tu_cham: đạt}\n",
        encoding="utf-8",
    )
    assert invoke("fmt", "2020", "--check").exit_code == 1
    assert invoke("fmt", "2020").exit_code == 0
    assert Path("data/2020/diem/A.yaml").read_text(encoding="utf-8") == (
        'nam: 2020\ndon_vi: A\ndiem:\n  "1.1": {tu_cham: 18}\n  "1.2": {tu_cham: đạt}\n'
    )
    check = invoke("check", "--strict", "2020")
    assert (check.exit_code, check.stderr) == (0, "")
    assert invoke("rank", "2020").stdout.splitlines()[1] == (
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối)."
    )


def test_new_year_never_writes_into_a_sealed_year() -> None:
    write_year(Path.cwd(), year=2019)
    write_year(Path.cwd())
    close()
    before = data_hashes()
    result = invoke("new-year", "2020", "--from", "2019")
    assert result.exit_code == 2  # naming an existing year is a wrong invocation
    assert result.stderr == (
        "Lỗi: đã có thư mục năm 2020 (data/2020); new-year không ghi đè một năm đã có — hãy xóa "
        "hoặc đổi tên thư mục đó nếu muốn tạo lại\n"
    )
    assert data_hashes() == before
