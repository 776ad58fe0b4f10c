"""`thidua rank` and `thidua explain` through the CLI, on the bundled 2020 data and inline years."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from rankdata import TABLE, khoi, points, quy_che, write
from thidua.cli import app

REPO = Path(__file__).resolve().parents[1]
DATA = str(REPO / "data")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stdout


# --- every format on the bundled year -----------------------------------------------------


def test_rank_table_2020() -> None:
    """The table shows ranks, totals, groups, votes and the leading unit, then the outcomes."""
    out = ok("rank", "2020", "--data", DATA)
    lines = out.splitlines()
    assert lines[:2] == [
        "Kết quả xếp hạng thi đua năm 2020 — Khối thi đua các cơ quan Trung ương quản lý Nhà "
        "nước về Kinh tế - Thống kê trên địa bàn tỉnh Hòa Bình",
        "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối).",
    ]
    # The note is the documents' outcome note (thidua.present.wording), wrapped in its column.
    assert (
        "│    1 │ NHNN tỉnh Hòa Bình     │     106 │   106 │     49 │      28 │       19 │      10"
        " │     6 │ 85,7 % │ Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy    │"
    ) in lines
    assert (
        "│    3 │ Kho bạc Nhà nước       │      85 │  84,5 │     41 │    25,5 │       18 │       0"
        " │     0 │    0 % │ Đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân    │"
    ) in lines
    assert (
        "│    7 │ Chi cục Hải quan       │   68,75 │ 67,75 │  31,75 │    20,5 │     16,5 │      -1"
        " │     0 │    0 % │                                                   │"
    ) in lines
    tail = lines[lines.index("Đơn vị dẫn đầu: NHNN tỉnh Hòa Bình.") :]
    assert tail[2:] == [
        "Đề nghị khen thưởng:",
        "  - Cờ thi đua của Ủy ban nhân dân tỉnh: NHNN tỉnh Hòa Bình",
        "  - Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: Cục Quản lý thị trường, Kho bạc Nhà nước",
        "Trưởng khối năm 2021: Cục Quản lý thị trường — được 7/7 đơn vị có mặt nhất trí suy tôn.",
        "Phó khối năm 2021: chưa xác định (do Hội nghị bầu bổ sung).",
        "Ghi chú:",
        "  - Số liệu điểm và phiếu là minh họa, không phải số liệu thật của Khối.",
        # The terminal's hint names the keys; the documents never do.
        "Gợi ý:",
        "  - quy chế không quy định bầu Phó khối (bau_pho_khoi) hay thứ tự luân phiên (luan_phien)",
    ]
    assert all(line == line.rstrip() for line in lines)


def test_rank_json_2020() -> None:
    """JSON: exact numbers as strings, Vietnamese text unescaped, outcomes included."""
    out = ok("rank", "2020", "--data", DATA, "--format", "json")
    assert "Hòa Bình" in out  # ensure_ascii=False
    doc = json.loads(out)
    rows = doc["xep_hang"]
    assert [(r["hang"], r["ma"], r["diem"]) for r in rows] == [
        (1, "NHNN", "106"),
        (2, "QLTT", "88"),
        (3, "KBNN", "84.5"),
        (4, "THUE", "79"),
        (5, "CTK", "76.5"),
        (6, "BHXH", "73.5"),
        (7, "HQ", "67.75"),
    ]
    qltt = rows[1]
    assert (qltt["diem_tu_cham"], qltt["nhom"]["I"], qltt["phieu"], qltt["mau_so_phieu"]) == (
        "89",
        "43",
        1,
        7,
    )
    assert qltt["ty_le_phieu"] == "0.1428571429"  # 1/7 rounded half up at 10 places
    assert qltt["tieu_chi"][1] == {
        "ma": "1.2",
        "nhom": "I",
        "loai": "dinh_tinh",
        "toi_da": "20",
        "tu_cham": "20",
        "tham_dinh": "19",
        "diem": "19",
        "diem_co_dau": "19",
        "cong_thuc": None,
        "ly_do": "Một chỉ tiêu kiểm tra chuyên đề hoàn thành chậm so với kế hoạch",
        "thieu_diem": False,
    }
    assert rows[6]["diem_tru"] == "1"
    assert doc["dan_dau"]["ma"] == "NHNN"
    assert doc["truong_khoi_nam_sau"]["ma"] == "QLTT"
    assert doc["truong_khoi_nam_sau"]["cuoc_bau"] == "truong-khoi-2021"
    assert [(a["hinh_thuc"], a["ma"]) for a in doc["khen_thuong"]] == [
        ("Cờ thi đua của Ủy ban nhân dân tỉnh", "NHNN"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "QLTT"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "KBNN"),
    ]
    assert doc["cuoc_bau"][1]["ket_qua"] == {"dong_y": 7, "khong_dong_y": 0}
    assert doc["canh_bao"] == []
    assert (doc["khoa_so"]["ngay"], doc["khoa_so"]["nguoi"], doc["mo_lai"]) == (
        "2020-12-30",
        "Văn phòng Khối",
        None,
    )


def test_rank_csv_2020() -> None:
    """CSV: one line per member, exact numbers with a decimal point."""
    out = ok("rank", "2020", "--data", DATA, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["hang"], r["ma"], r["diem"], r["diem_tu_cham"]) for r in rows][:3] == [
        ("1", "NHNN", "106", "106"),
        ("2", "QLTT", "88", "89"),
        ("3", "KBNN", "84.5", "85"),
    ]
    assert rows[0]["dan_dau"] == "true" and rows[0]["khen_thuong"] == (
        "Cờ thi đua của Ủy ban nhân dân tỉnh"
    )
    assert rows[1]["chuc_vu_nam_sau"] == "Trưởng khối"
    assert "nam_2021" not in rows[0]  # the old, cryptic header
    assert (rows[6]["nhom_IV"], rows[6]["diem_tru"]) == ("-1", "1")
    assert "\r" not in out


def test_rank_markdown_2020() -> None:
    """Markdown: a GFM table with Vietnamese numbers, the leading unit in bold."""
    out = ok("rank", "2020", "--data", DATA, "-f", "markdown")
    lines = out.splitlines()
    assert lines[2] == "Năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối)."
    assert lines[4:7] == [
        "| Hạng | Đơn vị | Tự chấm | Điểm | Nhóm I | Nhóm II | Nhóm III | Nhóm IV | Phiếu | Tỷ lệ "
        "| Ghi chú |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        "| 1 | **NHNN tỉnh Hòa Bình** | 106 | 106 | 49 | 28 | 19 | 10 | 6 | 85,7 % "
        "| Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh |",
    ]
    assert (
        "| 3 | Kho bạc Nhà nước | 85 | 84,5 | 41 | 25,5 | 18 | 0 | 0 | 0 % "
        "| Đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh |"
    ) in lines
    assert "| 4 | Cục Thuế | 79 | 79 | 38 | 23 | 18 | 0 | 0 | 0 % |  |" in lines
    assert (
        "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: Cục Quản lý thị trường, Kho bạc Nhà nước"
        in lines
    )


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_rank_output_is_byte_identical_across_runs(fmt: str) -> None:
    """The same data gives the same bytes in every format."""
    first = invoke("rank", "2020", "--data", DATA, "-f", fmt)
    second = invoke("rank", "2020", "--data", DATA, "-f", fmt)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


# --- explain ------------------------------------------------------------------------------


def test_explain_qltt_2020() -> None:
    """Line by line: the quantitative formula, the appraisal with its reason, votes, neighbours."""
    out = ok("explain", "2020", "QLTT", "--data", DATA)
    lines = out.splitlines()
    assert lines[:2] == [
        "Giải thích điểm và thứ hạng năm 2020: Cục Quản lý thị trường (QLTT)",
        "Cục Quản lý thị trường tỉnh Hòa Bình",
    ]
    expected = [
        "  1.1 Mức hoàn thành các chỉ tiêu kế hoạch được giao (định lượng, tối đa 30)",
        "      Tự chấm: thực hiện 106, chỉ tiêu 100 → 24 điểm",
        "        thực hiện/chỉ tiêu = 106/100 = 1,06; cao nhất Khối L = 1,1; 0,5 × 30 + 0,5 × 30 "
        "× (1,06 − 1)/(1,1 − 1) = 24",
        "      Thẩm định: không ghi (giữ điểm tự chấm)",
        "      Cuối cùng: 24",
        "  1.2 Chất lượng thực hiện nhiệm vụ chuyên môn (định tính, tối đa 20)",
        "      Tự chấm: 20 → 20 điểm",
        "      Thẩm định: 19 → 19 điểm",
        "      Cuối cùng: 19",
        "      Lý do: Một chỉ tiêu kiểm tra chuyên đề hoàn thành chậm so với kế hoạch",
        "  Cộng nhóm I: tự chấm 44; cuối cùng 43",
    ]
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected
    assert "Tổng điểm: tự chấm 89; cuối cùng 88 (điểm cộng 0, điểm trừ 0)" in lines
    assert (
        'Phiếu: 1/7 phiếu (14,3 % số phiếu hợp lệ) trong cuộc bỏ phiếu "Bình chọn đơn vị dẫn đầu '
        'Khối thi đua năm 2020".'
    ) in lines
    assert "Thứ hạng: 2/7." in lines
    assert (
        "  Xếp sau NHNN tỉnh Hòa Bình (hạng 1): khác ở tổng điểm sau thẩm định: 106 so với 88."
    ) in lines
    assert (
        "  Xếp trên Kho bạc Nhà nước (hạng 3): khác ở tổng điểm sau thẩm định: 88 so với 84,5."
    ) in lines
    assert lines[-1] == (
        "Trưởng khối năm 2021: Cục Quản lý thị trường — được 7/7 đơn vị có mặt nhất trí suy tôn."
    )


def test_explain_accepts_any_letter_case() -> None:
    """``hq`` names the member HQ; its appraised deduction is subtracted."""
    out = ok("explain", "2020", "hq", "--data", DATA)
    assert "      Cuối cùng: 1 (điểm trừ, trừ vào tổng)" in out.splitlines()
    assert "Tổng điểm: tự chấm 68,75; cuối cùng 67,75 (điểm cộng 0, điểm trừ 1)" in out


def test_explain_tie_broken_by_a_later_key(tmp_path: Path) -> None:
    """Two members equal on points: explain names the key that separates them, with values."""
    data = write(
        tmp_path,
        {
            "khoi.yaml": khoi("A B"),
            "quy-che.yaml": quy_che('[diem, "nhom:I"]'),
            "tieu-chi.yaml": TABLE,
            "diem/A.yaml": points("A", "50", "30"),
            "diem/B.yaml": points("B", "40", "40"),
        },
    )
    out = ok("explain", "2020", "B", "--data", str(data))
    assert (
        "  Xếp sau Đơn vị A (hạng 1): bằng tổng điểm sau thẩm định; khác ở điểm nhóm I: 50 so "
        "với 40."
    ) in out.splitlines()


# --- errors -------------------------------------------------------------------------------


def test_unknown_year_is_a_usage_error() -> None:
    """Exit 2 with the years that exist."""
    result = invoke("rank", "1999", "--data", DATA)
    assert result.exit_code == 2
    assert result.stderr.endswith("(đang có: 2020, 2021)\n")
    assert result.stdout == ""


def test_unknown_unit_lists_valid_ids() -> None:
    """Exit 2 and the member ids of the year."""
    result = invoke("explain", "2020", "XYZ", "--data", DATA)
    assert result.exit_code == 2
    assert result.stderr == (
        'Lỗi: không có đơn vị "XYZ" trong Khối năm 2020; các mã có: QLTT, NHNN, CTK, KBNN, '
        "THUE, BHXH, HQ\n"
    )


def test_data_problems_stop_rank_with_the_check_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A score above its maximum: rank and explain exit 1 with exactly what check prints."""
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "khoi.yaml": khoi("A B"),
            "quy-che.yaml": quy_che(),
            "tieu-chi.yaml": TABLE,
            "diem/A.yaml": points("A", "61", "30"),
            "diem/B.yaml": points("B", "40", "40"),
        },
    )
    check = invoke("check", "2020", "--data", "data")
    rank = invoke("rank", "2020", "--data", "data")
    explain = invoke("explain", "2020", "A", "--data", "data")
    assert check.exit_code == rank.exit_code == explain.exit_code == 1
    assert rank.stderr == explain.stderr == check.stderr
    assert rank.stderr.splitlines()[0] == (
        'data/2020/diem/A.yaml:4:20: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 61 vượt '
        "quá điểm tối đa 60; cần từ 0 đến 60"
    )
    assert rank.stdout == ""


def test_warnings_go_to_stderr_and_ranking_to_stdout() -> None:
    """2021 is in progress: warnings on stderr, the provisional table on stdout, exit 0."""
    result = invoke("rank", "2021", "--data", DATA, "-f", "csv")
    assert result.exit_code == 0
    assert "cảnh báo" in result.stderr
    assert result.stdout.startswith("hang,dong_hang,ma,")


def test_markdown_notes_tell_a_unit_that_has_not_scored() -> None:
    """2021: no unit has scored yet; the note says so, not "chưa thẩm định" (nothing to
    appraise), as the site's ranking does."""
    result = invoke("rank", "2021", "--data", DATA, "-f", "markdown")
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if "Đồng hạng 1 với 6" in line]
    assert len(rows) == 7
    assert all(row.endswith("| Đồng hạng 1 với 6 đơn vị khác; chưa tự chấm điểm |") for row in rows)


def test_table_wraps_only_the_notes_column() -> None:
    """A narrow width wraps the last column word by word; other columns keep their size."""
    from thidua.present.rankview import box_table

    lines = box_table(
        ["Hạng", "Đơn vị", "Ghi chú"],
        [["1", "Cục Thuế", "đồng hạng 1 với Kho bạc Nhà nước"], ["3", "Kho bạc", ""]],
        [True, False, False],
        width=32,
    )
    # Fixed part: 4 + 8 + 3 × 3 + 1 = 22 columns, so the notes get 32 − 22 = 10.
    assert lines == [
        "┏━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃ Hạng ┃ Đơn vị   ┃ Ghi chú    ┃",
        "┡━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│    1 │ Cục Thuế │ đồng hạng  │",
        "│      │          │ 1 với Kho  │",
        "│      │          │ bạc Nhà    │",
        "│      │          │ nước       │",
        "│    3 │ Kho bạc  │            │",
        "└──────┴──────────┴────────────┘",
    ]
    assert all(len(line) == 32 for line in lines)


def test_explain_final_points_moved_by_another_members_appraisal(tmp_path: Path) -> None:
    """B kept its self value but A's appraisal lowered the cluster's best: B's points move."""
    table = (
        "nam: 2020\nnhom:\n  - ma: I\n    ten: Một\n    tieu_chi:\n"
        '      - {ma: "1", ten: Kế hoạch, loai: dinh_luong, cach_tinh: so_voi_dan_dau, '
        "toi_da: 30}\n"
    )
    quantity = '"1": {{tu_cham: {{thuc_hien: {}, chi_tieu: 100}}{}}}'
    data = write(
        tmp_path,
        {
            "khoi.yaml": khoi("A B"),
            "quy-che.yaml": quy_che(),
            "tieu-chi.yaml": table,
            "diem/A.yaml": "nam: 2020\ndon_vi: A\ndiem:\n  "
            + quantity.format(120, ", tham_dinh: {thuc_hien: 105, chi_tieu: 100}, ly_do: x")
            + "\n",
            "diem/B.yaml": "nam: 2020\ndon_vi: B\ndiem:\n  " + quantity.format(110, "") + "\n",
        },
    )
    out = ok("explain", "2020", "B", "--data", str(data)).splitlines()
    # Self stage, L = 1,2: 15 + 15·0,1/0,2 = 22,5. Final stage, L = 1,1 (A appraised to
    # 1,05): B is the best, 30.
    start = out.index("      Tự chấm: thực hiện 110, chỉ tiêu 100 → 22,5 điểm")
    assert out[start : start + 5] == [
        "      Tự chấm: thực hiện 110, chỉ tiêu 100 → 22,5 điểm",
        "        thực hiện/chỉ tiêu = 110/100 = 1,1; cao nhất Khối L = 1,2; 0,5 × 30 + 0,5 × 30 "
        "× (1,1 − 1)/(1,2 − 1) = 22,5",
        "      Thẩm định: không ghi (giữ điểm tự chấm)",
        "      Cuối cùng: 30 (tính lại theo tỷ lệ cao nhất Khối sau thẩm định)",
        "        thực hiện/chỉ tiêu = 110/100 = 1,1, cao nhất Khối; tối đa 30",
    ]


# --- hostile names ------------------------------------------------------------------------

HOSTILE_KHOI = """\
nam: 2020
ten: Khối thi đua thử nghiệm
dia_ban: Tỉnh thử nghiệm
trang_thai: da_ket_thuc
thanh_vien:
  - ma: A
    ten_ngan: "<script>alert(1)</script>"
    ten: Đơn vị thử A
  - ma: B
    ten_ngan: "<img src=x onerror=alert(1)>"
    ten: Đơn vị thử B
  - ma: C
    ten_ngan: "[x](javascript:alert(1))"
    ten: Đơn vị thử C
  - ma: D
    ten_ngan: "=HYPERLINK(\\"http://example.invalid\\")"
    ten: Đơn vị thử D
  - ma: E
    ten_ngan: "+1+2"
    ten: Đơn vị thử E
  - ma: F
    ten_ngan: "-2+3"
    ten: Đơn vị thử F
  - ma: G
    ten_ngan: "@SUM(A1)"
    ten: Đơn vị thử G
"""


def hostile_year(tmp_path: Path) -> Path:
    files = {
        "khoi.yaml": HOSTILE_KHOI,
        "quy-che.yaml": quy_che(),
        "tieu-chi.yaml": TABLE,
    }
    for n, mid in enumerate("ABCDEFG"):
        files[f"diem/{mid}.yaml"] = points(mid, str(60 - n), deduction="1")
    files["diem/G.yaml"] = points("G", "1", exclusion="=1+1 vi phạm")
    return write(tmp_path, files)


def test_rank_markdown_escapes_hostile_names(tmp_path: Path) -> None:
    """HTML, links and table syntax in names are shown as text in the Markdown table."""
    from markdown_it import MarkdownIt

    out = ok("rank", "2020", "--data", str(hostile_year(tmp_path)), "-f", "markdown")
    lines = out.splitlines()
    assert (
        "| 1 | **\\<script\\>alert(1)\\</script\\>** | 59 | 59 | 60 | 0 | -1 "
        "| Đơn vị dẫn đầu Khối |" in lines
    )
    assert "| 2 | \\<img src=x onerror=alert(1)\\> | 58 | 58 | 59 | 0 | -1 |  |" in lines
    assert "| 3 | \\[x\\](javascript:alert(1)) | 57 | 57 | 58 | 0 | -1 |  |" in lines
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rank_csv_neutralises_formulas(tmp_path: Path) -> None:
    """Text cells a spreadsheet would run as a formula get a leading ', numbers stay numbers."""
    out = ok("rank", "2020", "--data", str(hostile_year(tmp_path)), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    names = {r["ma"]: r["ten_ngan"] for r in rows}
    assert names["A"] == "<script>alert(1)</script>"
    assert names["D"] == '\'=HYPERLINK("http://example.invalid")'
    assert names["E"] == "'+1+2"
    assert names["F"] == "'-2+3"
    assert names["G"] == "'@SUM(A1)"
    last = rows[-1]
    assert last["ma"] == "G"
    assert last["ly_do_khong_xet"] == "'=1+1 vi phạm"
    assert (last["diem"], last["nhom_III"], last["diem_tru"]) == ("1", "0", "0")
    assert (rows[0]["nhom_III"], rows[0]["diem_tru"]) == ("-1", "1")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("err", [False, True], ids=["stdout", "stderr"])
@pytest.mark.parametrize(("tty", "shown"), [(True, "a\ufffd[31mb\ufffdc\td\n"), (False, None)])
def test_output_to_a_terminal_has_no_control_characters(
    monkeypatch: pytest.MonkeyPatch, tty: bool, shown: str | None, err: bool
) -> None:
    """Escape sequences and bidi controls that slip into the data never reach a terminal,
    whether in rank's tables or in a message quoting a value (every command writes this way).
    """
    import sys

    from thidua.cli.common import write

    text = "a\x1b[31mb\u202ec\td\n"
    out = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr" if err else "stdout", out)
    write(text, err=err)
    assert out.getvalue() == (shown if shown is not None else text)


# --- issue 14: points are points, ballot counts in the text output --------------------------

BORDA = """\
nam: 2020
cuoc_bau:
  - ma: xh
    ten: Xếp thứ tự thử
    loai: xep_hang
    ung_vien: [A, B, C]
    phat_ra: 5
    thu_ve: 4
    phieu:
      - [A, B, C]
      - [A, C, B]
      - [B, A, C]
      - {A: 1, B: 1}
"""


def borda_year(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            "khoi.yaml": khoi("A B C D E"),
            "quy-che.yaml": quy_che('[diem, "phieu:xh"]'),
            "tieu-chi.yaml": TABLE,
            "phieu-bau.yaml": BORDA,
            "diem/A.yaml": points("A", "50", "30"),
            "diem/B.yaml": points("B", "40", "30"),
            "diem/C.yaml": points("C", "30", "30"),
            "diem/D.yaml": points("D", "20", "30"),
            "diem/E.yaml": points("E", "10", "30"),
        },
    )


def test_rank_shows_borda_points_as_points_and_ballot_counts(tmp_path: Path) -> None:
    """A ranked ballot: a "Điểm Borda" column without a percentage; one line per ballot."""
    data = borda_year(tmp_path)
    out = ok("rank", "2020", "--data", str(data))
    assert "Điểm Borda" in out and "Tỷ lệ" not in out and "%" not in out
    row_a = next(line for line in out.splitlines() if "Đơn vị A" in line)
    assert row_a.split("│")[8].strip() == "5"
    ballot = next(line for line in out.splitlines() if line.startswith("Phiếu "))
    assert ballot == (
        'Phiếu "Xếp thứ tự thử": phát ra 5, thu về 4, hợp lệ 3, không hợp lệ 1 — Đơn vị thử A '
        "và Đơn vị thử B cùng thứ hạng 1: 1 phiếu."
    )
    md = ok("rank", "2020", "--data", str(data), "-f", "markdown")
    assert "| Điểm Borda |" in md and "%" not in md


def test_rank_table_lists_each_ballot_2020() -> None:
    """The bundled year: issued, returned, valid, invalid of both ballots under the table."""
    lines = ok("rank", "2020", "--data", DATA).splitlines()
    assert (
        'Phiếu "Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020": có mặt 7, phát ra 7, thu về 7, '
        "hợp lệ 7, không hợp lệ 0."
    ) in lines
    assert (
        'Phiếu "Suy tôn Trưởng khối thi đua năm 2021": có mặt 7, phát ra 7, thu về 7, '
        "hợp lệ 7, không hợp lệ 0."
    ) in lines


def test_explain_borda_points_are_points(tmp_path: Path) -> None:
    """explain says "5 điểm Borda", not "5/3 điểm Borda (166,7 %)"."""
    out = ok("explain", "2020", "A", "--data", str(borda_year(tmp_path)))
    assert 'Phiếu: 5 điểm Borda trong cuộc bỏ phiếu "Xếp thứ tự thử".' in out.splitlines()


def test_explain_says_nothing_of_votes_without_a_vote(tmp_path: Path) -> None:
    """A regulation with no vote: no "Phiếu:" line at all."""
    data = write(
        tmp_path,
        {
            "khoi.yaml": khoi("A B"),
            "quy-che.yaml": quy_che("[diem]"),
            "tieu-chi.yaml": TABLE,
            "diem/A.yaml": points("A", "50", "30"),
            "diem/B.yaml": points("B", "40", "40"),
        },
    )
    out = ok("explain", "2020", "A", "--data", str(data))
    assert "Phiếu" not in out
    lines = out.splitlines()
    total = next(i for i, line in enumerate(lines) if line.startswith("Tổng điểm:"))
    assert lines[total + 1 : total + 3] == ["", "Thứ hạng: 1/2."]


def test_explain_json_gives_the_criterion_lines_as_data() -> None:
    """``explain -f json``: the member's row, every criterion line with formula and reason."""
    out = json.loads(ok("explain", "2020", "qltt", "--data", DATA, "-f", "json"))
    assert (out["nam"], out["ma"], out["hang"], out["so_don_vi"]) == (2020, "QLTT", 2, 7)
    assert (out["diem_tu_cham"], out["diem"]) == ("89", "88")
    lines = {c["ma"]: c for c in out["tieu_chi"]}
    assert lines["1.1"]["cong_thuc"] == (
        "thực hiện/chỉ tiêu = 106/100 = 1,06; cao nhất Khối L = 1,1; 0,5 × 30 + 0,5 × 30 × "
        "(1,06 − 1)/(1,1 − 1) = 24"
    )
    assert (lines["1.2"]["tu_cham"], lines["1.2"]["tham_dinh"], lines["1.2"]["ly_do"]) == (
        "20",
        "19",
        "Một chỉ tiêu kiểm tra chuyên đề hoàn thành chậm so với kế hoạch",
    )
    assert out["thu_tu_xet"][0] == {"khoa": "tổng điểm sau thẩm định", "gia_tri": "88"}


def test_explain_output_file(tmp_path: Path) -> None:
    """``explain -o FILE`` writes the text there and says so; a missing folder is refused."""
    target = tmp_path / "qltt.txt"
    res = invoke("explain", "2020", "QLTT", "--data", DATA, "-o", str(target))
    assert res.exit_code == 0, res.output
    assert res.stdout == f"Đã ghi {target}\n"
    assert target.read_text(encoding="utf-8") == ok("explain", "2020", "QLTT", "--data", DATA)
    missing = tmp_path / "khong-co" / "x.json"
    res = invoke("explain", "2020", "QLTT", "--data", DATA, "-f", "json", "-o", str(missing))
    assert res.exit_code == 2
    assert res.stderr == (f"Lỗi: không ghi được {missing}: cần tên một tệp trong thư mục đã có\n")
