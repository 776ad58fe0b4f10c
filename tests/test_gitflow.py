"""Living in git: ``diff`` between revisions, ``new-year``, ``history``, ``init``, ``schema``,
the pre-commit hooks, and two members' branches merging without conflict."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gitrepo import Repo
from thidua.cli import app
from yeardata import BASE, KHOI, QUY_CHE, score_file, tree_hashes, write_year

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
runner = CliRunner()


def tool(name: str) -> str | None:
    """An executable installed next to this interpreter (the venv), else on PATH."""
    here = BIN / name
    return str(here) if here.exists() else shutil.which(name)


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args))


# =========================================================================== diff

B_RAISED = score_file("B", first="19")


def test_diff_head_against_working_tree(git_repo: Repo) -> None:
    """A changed self-score shows per member and criterion, with totals, ranks and the leader.

    Base year: A 18 + 10 = 28, B 15 + 10 = 25, C 12 + 0 = 12. B's 1.1 from 15 to 19 gives
    B 29: B first, A second; without a dan_dau rule the best-ranked member leads.
    """
    root = git_repo.root
    write_year(root)
    git_repo.commit_all("năm 2020")
    write_year(root, {"diem/B.yaml": B_RAISED})
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\n"
        "\n"
        "Điểm:\n"
        "  B, tiêu chí 1.1:\n"
        "    tự chấm: 15 → 19\n"
        "\n"
        "Tổng điểm và thứ hạng:\n"
        "  A (Đơn vị A): điểm 28 (không đổi); hạng 1 → 2\n"
        "  B (Đơn vị B): điểm 25 → 29; hạng 2 → 1\n"
        "\n"
        "Kết quả:\n"
        "  đơn vị dẫn đầu: Đơn vị A → Đơn vị B\n"
    )


def test_diff_between_two_revisions_as_json(git_repo: Repo) -> None:
    """Two commits compared; JSON gives exact values as strings and every change."""
    root = git_repo.root
    write_year(root)
    git_repo.commit_all("một")
    write_year(
        root,
        {
            "diem/B.yaml": B_RAISED + '    ly_do: "Sửa theo biên bản"\n',
            "phieu-bau.yaml": """\
                nam: 2020
                cuoc_bau:
                  - ma: binh-chon
                    ten: Bình chọn
                    loai: chon
                    so_chon_toi_da: 1
                    phat_ra: 3
                    thu_ve: 3
                    hop_le: 3
                    khong_hop_le: 0
                    ket_qua: {A: 1, B: 2}
                """,
        },
    )
    git_repo.commit_all("hai")
    (root / "data" / "2020" / "diem" / "C.yaml").unlink()  # not committed: ignored
    result = runner.invoke(app, ["diff", "2020", "HEAD~1", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tu"] == "HEAD~1" and doc["den"] == "HEAD"
    changes = [(c["muc"], c["doi_tuong"], c["khoa"], c["cu"], c["moi"]) for c in doc["thay_doi"]]
    assert changes == [
        ("diem", "B, tiêu chí 1.1", "tu_cham", "15", "19"),
        ("diem", "B, tiêu chí 1.2", "ly_do", None, "Sửa theo biên bản"),
        ("phieu_bau", "binh-chon", "cuoc_bau", None, "Bình chọn"),
        ("ket_qua", "", "dan_dau", "Đơn vị A", "Đơn vị B"),
    ]
    assert doc["xep_hang"] == [
        {"ma": "A", "ten_ngan": "Đơn vị A", "diem_cu": "28", "diem_moi": "28", "hang_cu": 1,
         "hang_moi": 2},
        {"ma": "B", "ten_ngan": "Đơn vị B", "diem_cu": "25", "diem_moi": "29", "hang_cu": 2,
         "hang_moi": 1},
    ]  # fmt: skip


def test_diff_ballot_and_conference_changes(git_repo: Repo) -> None:
    """Ballot counts and votes, and conference facts, are compared field by field."""
    root = git_repo.root
    ballots = """\
        nam: 2020
        cuoc_bau:
          - ma: binh-chon
            ten: Bình chọn
            loai: chon
            so_chon_toi_da: 1
            phat_ra: 3
            thu_ve: 3
            hop_le: {valid}
            khong_hop_le: {invalid}
            ket_qua: {{A: {a}, B: 1}}
        """
    conference = """\
        nam: 2020
        ten: Hội nghị tổng kết
        ngay: {day}
        """
    write_year(
        root,
        {
            "phieu-bau.yaml": ballots.format(valid=3, invalid=0, a=2),
            "hoi-nghi.yaml": conference.format(day="2020-12-30"),
        },
    )
    git_repo.commit_all("một")
    write_year(
        root,
        {
            "phieu-bau.yaml": ballots.format(valid=2, invalid=1, a=1),
            "hoi-nghi.yaml": conference.format(day="31/12/2020") + "dia_diem: Hội trường\n",
        },
    )
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\n"
        "\n"
        "Phiếu bầu:\n"
        "  binh-chon:\n"
        "    số phiếu hợp lệ: 3 → 2\n"
        "    số phiếu không hợp lệ: 0 → 1\n"
        "    số phiếu cho A: 2 → 1\n"
        "\n"
        "Hội nghị:\n"
        "  ngày: 30/12/2020 → 31/12/2020\n"
        "  địa điểm: (trống) → Hội trường\n"
    )


def test_diff_cluster_and_table_changes(git_repo: Repo) -> None:
    """The year's state and leader, and the scoring table's maxima, are compared too."""
    root = git_repo.root
    write_year(root)
    git_repo.commit_all("một")
    khoi = KHOI.replace("da_ket_thuc", "dang_dien_ra").replace("pho_khoi: B", "pho_khoi: C")
    table = (
        BASE["tieu-chi.yaml"]
        .replace("tong_diem: 30", "tong_diem: 35")
        .replace("    toi_da: 30", "    toi_da: 35")
        .replace("        toi_da: 20", "        toi_da: 25")
    )
    write_year(root, {"khoi.yaml": khoi, "tieu-chi.yaml": table})
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\n"
        "\n"
        "Khối:\n"
        "  trạng thái: đã kết thúc → đang diễn ra\n"
        "  Phó khối: B → C\n"
        "\n"
        "Bảng tiêu chí:\n"
        "  tổng điểm: 30 → 35\n"
        "  nhóm I:\n"
        "    điểm tối đa: 30 → 35\n"
        "  tiêu chí 1.1:\n"
        "    điểm tối đa: 20 → 25\n"
    )


def test_diff_without_changes(git_repo: Repo) -> None:
    """Layout-only edits (comments, quotes, key order) are not changes."""
    root = git_repo.root
    write_year(root)
    git_repo.commit_all("một")
    write_year(root, {"diem/A.yaml": "# chú thích\n" + score_file("A").replace("18", '"18"')})
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\nKhông có thay đổi nào.\n"
    )


def test_diff_errors(git_repo: Repo) -> None:
    """A year absent at a revision or on disk, no commit yet: exit 1; unknown revision: 2."""
    root = git_repo.root
    write_year(root)
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        'Lỗi: kho git chưa có commit nào nên chưa có phiên bản "HEAD" để so sánh; '
        "hãy commit dữ liệu trước (git add, git commit)\n"
    )
    git_repo.commit_all("một")
    unknown = (
        'Lỗi: không tìm thấy phiên bản "{}" trong kho git; hãy ghi một mã commit, tên nhánh '
        "hoặc thẻ (ví dụ HEAD, HEAD~1, main); xem danh sách bằng: git log --oneline\n"
    )
    for rev in ("khong-co", "--output=x"):  # never taken for a git option
        result = runner.invoke(app, ["diff", "2020", "HEAD", "--", rev])
        assert result.exit_code == 2
        assert result.stderr == unknown.format(rev)
    write_year(root, year=2021)
    result = runner.invoke(app, ["diff", "2021"])
    assert result.exit_code == 1
    assert result.stderr == 'Lỗi: năm 2021 không có ở phiên bản "HEAD": thiếu thư mục data/2021\n'
    shutil.rmtree(root / "data" / "2020")
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: năm 2020 không có trong thư mục làm việc: thiếu thư mục data/2020\n"
    )


def test_diff_reports_problems_of_a_revision(git_repo: Repo) -> None:
    """A revision whose data has errors: its problems, shown as REV:path:line:col, exit 1."""
    root = git_repo.root
    write_year(root, {"diem/B.yaml": "nam: 2020\ndon_vi: B\nsai: 1\n"})
    git_repo.commit_all("sai")
    write_year(root)
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'HEAD:data/2020/diem/B.yaml:3:1: lỗi: khóa "sai" không có trong mẫu dữ liệu'
    )


@pytest.mark.external  # git looks for a repository
def test_diff_outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a git repository: a clear message, exit 1."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_year(tmp_path)
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: data không nằm trong một kho git; lệnh này đọc các phiên bản dữ liệu qua git "
        "— hãy chạy trong kho dữ liệu (tạo kho mới bằng: thidua init THƯ_MỤC)\n"
    )


@pytest.mark.external  # git looks for a repository
def test_diff_outside_git_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--data .`` outside git: the message names the folder (it used to be blank)."""
    write_year(tmp_path)
    monkeypatch.chdir(tmp_path / "data")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = runner.invoke(app, ["diff", "2020", "--data", "."])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: thư mục hiện tại không nằm trong một kho git; lệnh này đọc các phiên bản dữ "
        "liệu qua git — hãy chạy trong kho dữ liệu (tạo kho mới bằng: thidua init THƯ_MỤC)\n"
    )


# =========================================================================== new-year

ROTATION = """\
    # Quy chế thử: luân phiên A, B, C.
    nam: 2020
    ten: Quy chế năm 2020
    xep_hang:
      thu_tu: [diem]
    bau_truong_khoi:
      cuoc_bau: truong-khoi-2021  # bầu tại hội nghị
      nguong: 50%
    luan_phien: [A, B, C]
    """


def test_new_year_carries_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members carried, leader and deputy from the rotation, empty score files, checks clean.

    Leader in 2020 is A and the election ballot has no result, so by rotation the 2021
    leader is the member after A (B) and the deputy the member after B (C).
    """
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": ROTATION})
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Đã tạo dữ liệu năm 2021 tại data/2021 (từ năm 2020):"
    assert lines[1] == "  - khoi.yaml: 3 đơn vị thành viên, năm đang diễn ra;"
    assert lines[2].startswith("    Trưởng khối: B (Đơn vị B) — ")
    assert lines[3].startswith("    Phó khối: C (Đơn vị C) — ")
    assert lines[4:] == [
        "  - quy-che.yaml, tieu-chi.yaml: chép từ năm 2020, đã đổi năm; mã cuộc bầu: "
        "truong-khoi-2021 → truong-khoi-2022;",
        "  - diem/: 3 tệp điểm trống;",
        "  - van-ban.yaml: các phần lời văn báo cáo để trống, chờ Văn phòng Khối viết.",
        "Việc tiếp theo: xem lại quy-che.yaml và tieu-chi.yaml, ghi nhiem-vu.yaml, "
        "rồi chạy: thidua check 2021",
    ]
    folder = tmp_path / "data" / "2021"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == [
        "diem", "diem/A.yaml", "diem/B.yaml", "diem/C.yaml", "khoi.yaml", "quy-che.yaml",
        "tieu-chi.yaml", "van-ban.yaml",
    ]  # fmt: skip
    expected_khoi = (
        "# yaml-language-server: $schema=../../schema/khoi.json\n"
        "# Khối thi đua năm 2021, tạo bằng lệnh thidua new-year từ dữ liệu năm 2020.\n"
        "# Trưởng khối, Phó khối năm 2021 lấy theo kết quả năm 2020; thành viên chép từ năm "
        "trước.\n" + KHOI.replace("2020", "2021")
    )
    expected_khoi = expected_khoi.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
    expected_khoi = expected_khoi.replace(
        "truong_khoi: A\npho_khoi: B", "truong_khoi: B\npho_khoi: C"
    )
    assert (folder / "khoi.yaml").read_text(encoding="utf-8") == expected_khoi
    assert (folder / "quy-che.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schema/quy-che.json\n"
        "# Quy chế thử: luân phiên A, B, C.\n"
        "nam: 2021\n"
        "ten: Quy chế năm 2021\n"
        "xep_hang:\n"
        "  thu_tu: [diem]\n"
        "bau_truong_khoi:\n"
        "  cuoc_bau: truong-khoi-2022  # bầu tại hội nghị\n"
        "  nguong: 50%\n"
        "luan_phien: [A, B, C]\n"
    )
    assert (folder / "diem" / "A.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schema/diem.json\n"
        "# Điểm năm 2021 của Đơn vị thử nghiệm A (A).\n"
        '# Đơn vị tự chấm vào mục "diem", theo mã tiêu chí trong tieu-chi.yaml, ví dụ:\n'
        '#   "1.1":\n'
        "#     tu_cham: 18\n"
        "#     minh_chung: Báo cáo kết quả thực hiện nhiệm vụ năm\n"
        "nam: 2021\n"
        "don_vi: A\n"
        "diem: {}\n"
    )
    check = runner.invoke(app, ["check", "2021"])
    assert check.exit_code == 0, check.output
    again = runner.invoke(app, ["fmt", "--check", "2021"])
    assert again.exit_code == 0, again.output


def test_a_rotation_of_one_member_elects_no_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``luan_phien: [A]``: no one comes after A, so neither office is decided by rotation
    (it used to make A both leader and deputy, and new-year then failed)."""
    monkeypatch.chdir(tmp_path)
    one = ROTATION.replace("luan_phien: [A, B, C]", "luan_phien: [A]").replace(
        "    bau_truong_khoi:\n      cuoc_bau: truong-khoi-2021  # bầu tại hội nghị\n"
        "      nguong: 50%\n",
        "",
    )
    write_year(tmp_path, {"quy-che.yaml": textwrap.dedent(one)})
    check = runner.invoke(app, ["check", "2020"])
    assert check.exit_code == 0
    assert check.stderr.splitlines()[0] == (
        "data/2020/quy-che.yaml:6:13: cảnh báo: thứ tự luân phiên chỉ có một đơn vị: Trưởng "
        "khối, Phó khối năm sau không xác định được theo luân phiên; cần ghi ít nhất hai đơn vị"
    )
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:4] == [
        "    Trưởng khối: thứ tự luân phiên chỉ có một đơn vị nên không xác định được theo "
        "luân phiên;",
        "    Phó khối: chưa rõ Trưởng khối năm 2021 nên chưa xác định được theo thứ tự luân phiên;",
    ]
    khoi = (tmp_path / "data" / "2021" / "khoi.yaml").read_text(encoding="utf-8")
    assert "truong_khoi" not in khoi
    assert "pho_khoi" not in khoi


def test_new_year_from_an_earlier_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--from`` skips years: titles and ballot ids move by the gap (2020 → 2023)."""
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": ROTATION})
    result = runner.invoke(app, ["new-year", "2023", "--from", "2020"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "data" / "2023" / "quy-che.yaml").read_text(encoding="utf-8")
    assert "nam: 2023\nten: Quy chế năm 2023\n" in text
    assert "cuoc_bau: truong-khoi-2024" in text


def test_new_year_from_bundled_2020(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the bundled 2020 data: Cục Quản lý thị trường leads 2021, no deputy decided."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "data" / "2020", tmp_path / "data" / "2020")
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    khoi = yaml.safe_load((tmp_path / "data" / "2021" / "khoi.yaml").read_text(encoding="utf-8"))
    assert khoi["truong_khoi"] == "QLTT"
    assert "pho_khoi" not in khoi
    assert khoi["trang_thai"] == "dang_dien_ra"
    assert [m["ma"] for m in khoi["thanh_vien"]] == [
        "QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ"
    ]  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "data" / "2021" / "diem").iterdir()) == [
        "BHXH.yaml", "CTK.yaml", "HQ.yaml", "KBNN.yaml", "NHNN.yaml", "QLTT.yaml", "THUE.yaml"
    ]  # fmt: skip
    assert runner.invoke(app, ["check", "2021"]).exit_code == 0


def test_new_year_refuses_an_existing_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An existing year folder is never touched: a wrong invocation (exit 2), nothing written."""
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path)
    write_year(tmp_path, year=2021)
    before = tree_hashes(tmp_path)
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: đã có thư mục năm 2021 (data/2021); new-year không ghi đè một năm đã có — "
        "hãy xóa hoặc đổi tên thư mục đó nếu muốn tạo lại\n"
    )
    assert tree_hashes(tmp_path) == before


def test_new_year_refuses_a_previous_year_with_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The previous year must check clean; otherwise its problems, exit 1, nothing written."""
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"diem/C.yaml": score_file("C", first="25")})
    before = tree_hashes(tmp_path)
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 1
    assert "data/2020/diem/C.yaml:5:14: lỗi:" in result.stderr
    assert tree_hashes(tmp_path) == before
    assert not any(p.name.endswith(".tmp") for p in (tmp_path / "data").iterdir())


def test_new_year_without_previous_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No data for the previous year: the loader's usage message, exit 2."""
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path)
    result = runner.invoke(app, ["new-year", "2030"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: không có dữ liệu năm 2029: thiếu thư mục data/2029 (đang có: 2020)\n"
    )


# =========================================================================== history

AWARD = QUY_CHE + "khen_thuong:\n  - hinh_thuc: Cờ thi đua\n    doi_tuong: dan_dau\n"


def _three_years(root: Path) -> None:
    """2019 (closed): B 28, A 25, C 12. 2020 (closed): A 28, B 25, C 12. 2021 in progress."""
    write_year(
        root,
        {
            "quy-che.yaml": AWARD.replace("2020", "2019"),
            "diem/A.yaml": score_file("A", 2019, first="15"),
            "diem/B.yaml": score_file("B", 2019, first="18"),
            "diem/C.yaml": score_file("C", 2019, first="12", second="không đạt"),
        },
        year=2019,
    )
    write_year(root, {"quy-che.yaml": AWARD})
    write_year(root, {"khoi.yaml": KHOI.replace("da_ket_thuc", "dang_dien_ra")}, year=2021)


def test_history_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One line per member and closed year; the year in progress is left out."""
    monkeypatch.chdir(tmp_path)
    _three_years(tmp_path)
    result = runner.invoke(app, ["history", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "nam,ma,ten_ngan,hang,dong_hang,diem,dan_dau,khen_thuong,khoa_so_ngay,khoa_so_nguoi\n"
        "2019,A,Đơn vị A,2,false,25,false,,,\n"
        "2020,A,Đơn vị A,1,false,28,true,Cờ thi đua,,\n"
        "2019,B,Đơn vị B,1,false,28,true,Cờ thi đua,,\n"
        "2020,B,Đơn vị B,2,false,25,false,,,\n"
        "2019,C,Đơn vị C,3,false,12,false,,,\n"
        "2020,C,Đơn vị C,3,false,12,false,,,\n"
    )


def test_history_csv_cells_are_never_formulas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names a spreadsheet would run as formulas get a leading ', numbers stay numbers."""
    monkeypatch.chdir(tmp_path)
    khoi = KHOI.replace("ten_ngan: Đơn vị A", "ten_ngan: '=HYPERLINK(\"http://x\")'")
    khoi = khoi.replace("ten_ngan: Đơn vị C", "ten_ngan: '-2+3'")
    write_year(
        tmp_path, {"khoi.yaml": khoi, "quy-che.yaml": AWARD.replace("Cờ thi đua", "'@SUM(1)'")}
    )
    result = runner.invoke(app, ["history", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "nam,ma,ten_ngan,hang,dong_hang,diem,dan_dau,khen_thuong,khoa_so_ngay,khoa_so_nguoi\n"
        '2020,A,"\'=HYPERLINK(""http://x"")",1,false,28,true,\'@SUM(1),,\n'
        "2020,B,Đơn vị B,2,false,25,false,,,\n"
        "2020,C,'-2+3,3,false,12,false,,,\n"
    )


def test_history_of_one_unit_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """UNIT (any case) keeps one member; JSON names the years and the year in progress."""
    monkeypatch.chdir(tmp_path)
    _three_years(tmp_path)
    result = runner.invoke(app, ["history", "b", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["nam"] == [2019, 2020]
    assert doc["nam_dang_dien_ra"] == [2021]
    assert [
        (r["nam"], r["ma"], r["hang"], r["diem"], r["khen_thuong"]) for r in doc["ket_qua"]
    ] == [
        (2019, "B", 1, "28", ["Cờ thi đua"]),
        (2020, "B", 2, "25", []),
    ]
    assert doc["ghi_chu"] == [
        "Năm 2019 đã kết thúc nhưng chưa khóa sổ.",
        "Năm 2020 đã kết thúc nhưng chưa khóa sổ.",
        "Năm 2021 đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào "
        "(xem kết quả tạm tính bằng: thidua rank 2021).",
    ]


def test_history_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table shows each member once, its years below, then each year's seal and the note."""
    monkeypatch.chdir(tmp_path)
    _three_years(tmp_path)
    result = runner.invoke(app, ["history", "A"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Lịch sử thi đua các năm 2019, 2020",
        "┏━━━━┳━━━━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Mã ┃ Đơn vị   ┃  Năm ┃ Hạng ┃ Điểm ┃ Kết quả             ┃",
        "┡━━━━╇━━━━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━━━━┩",
        "│ A  │ Đơn vị A │ 2019 │    2 │   25 │                     │",
        "│    │          │ 2020 │    1 │   28 │ dẫn đầu; Cờ thi đua │",
        "└────┴──────────┴──────┴──────┴──────┴─────────────────────┘",
        "Năm 2019 đã kết thúc nhưng chưa khóa sổ.",
        "Năm 2020 đã kết thúc nhưng chưa khóa sổ.",
        "Năm 2021 đang diễn ra: chưa có kết quả chính thức nên chưa đưa vào (xem kết quả tạm "
        "tính bằng: thidua rank 2021).",
    ]


def test_history_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown unit: exit 2; a closed year with errors: its problems, exit 1."""
    monkeypatch.chdir(tmp_path)
    _three_years(tmp_path)
    result = runner.invoke(app, ["history", "X"])
    assert result.exit_code == 2
    assert result.stderr == (
        'Lỗi: không có đơn vị "X" trong kết quả các năm đã kết thúc (2019, 2020); '
        "các mã có: A, B, C\n"
    )
    write_year(tmp_path, {"diem/C.yaml": score_file("C", first="25")})
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 1
    assert "data/2020/diem/C.yaml:5:14: lỗi:" in result.stderr


# =========================================================================== schema


def test_schema_writes_one_file_per_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``schema -o DIR`` writes the eight schemas; a second run gives the same bytes."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Đã ghi 9 lược đồ vào out: khoi.json, quy-che.json, tieu-chi.json, nhiem-vu.json, "
        "diem.json, phieu-bau.json, hoi-nghi.json, van-ban.json, khoa-so.json.\n"
    )
    first = tree_hashes(tmp_path / "out")
    assert runner.invoke(app, ["schema", "-o", "out"]).exit_code == 0
    assert tree_hashes(tmp_path / "out") == first
    diem = json.loads((tmp_path / "out" / "diem.json").read_text(encoding="utf-8"))
    assert diem["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(diem["properties"]) == ["nam", "don_vi", "minh_hoa", "diem", "khong_xet", "ghi_chu"]
    assert diem["additionalProperties"] is False


def test_schema_to_a_file_path_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-o`` naming a file: a message, exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("x")
    result = runner.invoke(app, ["schema", "-o", "taken"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được thư mục taken: đã có một tệp hoặc thư mục trùng tên; không có gì "
        "bị ghi dở\n"
    )


def _check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    exe = tool("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema is not installed")
    return subprocess.run(
        [exe, "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.external
@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("khoi", "khoi.yaml"),
        ("quy-che", "quy-che.yaml"),
        ("tieu-chi", "tieu-chi.yaml"),
        ("nhiem-vu", "nhiem-vu.yaml"),
        ("phieu-bau", "phieu-bau.yaml"),
        ("hoi-nghi", "hoi-nghi.yaml"),
        ("diem", "diem/*.yaml"),
    ],
)
def test_schemas_accept_the_bundled_data(tmp_path: Path, kind: str, pattern: str) -> None:
    """An independent validator (check-jsonschema) accepts every bundled file of each kind."""
    from thidua.repo.schema import render_all

    schema = tmp_path / f"{kind}.json"
    schema.write_text(render_all()[f"{kind}.json"], encoding="utf-8")
    files = sorted((ROOT / "data").glob(f"*/{pattern}"))
    assert files
    proc = _check_jsonschema(schema, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.external
def test_schemas_accept_numbers_as_text_and_refuse_unknown_keys(tmp_path: Path) -> None:
    """Quoted numbers pass, as thidua reads them; an unknown key or a non-number score fails."""
    from thidua.repo.schema import render_all

    schema = tmp_path / "diem.json"
    schema.write_text(render_all()["diem.json"], encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(
        'nam: "2020"\ndon_vi: 1.5\ndiem:\n  "1.1": {tu_cham: "9.5", tham_dinh: 9}\n'
        '  "1.2": {tu_cham: đạt}\n  "1.3": {tu_cham: {thuc_hien: 110, chi_tieu: "100"}}\n'
        "minh_hoa: true\n",
        encoding="utf-8",
    )
    assert _check_jsonschema(schema, good).returncode == 0
    for bad_text in (
        "nam: 2020\ndon_vi: A\nsai_khoa: 1\n",
        'nam: 2020\ndon_vi: A\ndiem:\n  "1.1": {tu_cham: "chín"}\n',
        "nam: 2020\ndon_vi: A\nminh_hoa: có\n",
    ):
        bad = tmp_path / "bad.yaml"
        bad.write_text(bad_text, encoding="utf-8")
        assert _check_jsonschema(schema, bad).returncode == 1, bad_text


# =========================================================================== init


def test_init_creates_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitenv: None
) -> None:
    """A git repository with the first year's skeleton, README, hooks, schemas, editor settings."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01 00:00 UTC
    result = runner.invoke(app, ["init", "khoi"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Đã tạo kho dữ liệu thi đua tại khoi (năm 2025)."
    repo = tmp_path / "khoi"
    made = sorted(
        str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    assert made == [
        ".gitattributes", ".pre-commit-config.yaml", ".vscode/settings.json", "README.md",
        "data/2025/khoi.yaml", "data/2025/quy-che.yaml", "data/2025/tieu-chi.yaml",
        "data/2025/van-ban.yaml",
        "schema/diem.json", "schema/hoi-nghi.json", "schema/khoa-so.json", "schema/khoi.json",
        "schema/nhiem-vu.json",
        "schema/phieu-bau.json", "schema/quy-che.json", "schema/tieu-chi.json",
        "schema/van-ban.json",
    ]  # fmt: skip
    top = Repo(repo).git("rev-parse", "--show-toplevel").strip()
    assert Path(top).resolve() == repo.resolve()
    settings = json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["./schema/diem.json"] == ["data/*/diem/*.yaml"]
    khoi = (repo / "data" / "2025" / "khoi.yaml").read_text(encoding="utf-8")
    assert khoi.startswith("# yaml-language-server: $schema=../../schema/khoi.json\n")


def test_init_skeleton_explains_what_to_fill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``thidua check`` on the skeleton points at each blank to fill, by line and column."""
    from thidua.repo.scaffold import files

    monkeypatch.chdir(tmp_path)
    for name, data in files(2025).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1

    def blank(key: str) -> str:
        return f'lỗi: "{key}" chưa được điền: cần một đoạn văn bản'

    lines = result.stderr.splitlines()
    assert lines[:7] == [
        f"data/2025/khoi.yaml:7:5: {blank('ten')}",
        f"data/2025/khoi.yaml:11:9: {blank('dia_ban')}",
        f"data/2025/khoi.yaml:25:8: {blank('ma')}",
        f"data/2025/khoi.yaml:26:14: {blank('ten_ngan')}",
        f"data/2025/khoi.yaml:27:9: {blank('ten')}",
        f"data/2025/tieu-chi.yaml:20:9: {blank('ten')}",  # group name
        f"data/2025/tieu-chi.yaml:25:13: {blank('ten')}",  # criterion name
    ]
    assert lines[7] == (
        'data/2025/tieu-chi.yaml:27:16: lỗi: "toi_da" chưa được điền: cần một số (ví dụ 9.5)'
    )
    assert lines[8:] == ["Tổng cộng: 8 lỗi, 0 cảnh báo."]


def _fill(repo: Path, year: int) -> None:
    """Fill the skeleton's blanks: one member A, one criterion worth 100."""
    folder = repo / "data" / str(year)
    khoi = (folder / "khoi.yaml").read_text(encoding="utf-8")
    khoi = re.sub(r"(?m)^ten:$", "ten: Khối thi đua thử nghiệm", khoi)
    khoi = re.sub(r"(?m)^dia_ban:$", "dia_ban: Tỉnh thử nghiệm", khoi)
    khoi = khoi.replace(
        "  - ma:\n    ten_ngan:\n    ten:\n",
        "  - ma: A\n    ten_ngan: Đơn vị A\n    ten: Đơn vị thử nghiệm A\n",
    )
    (folder / "khoi.yaml").write_text(khoi, encoding="utf-8")
    table = (folder / "tieu-chi.yaml").read_text(encoding="utf-8")
    table = table.replace("    ten:\n    toi_da:\n", "    ten: Nhóm I\n    toi_da: 100\n")
    table = table.replace("        ten:\n", "        ten: Tiêu chí 1.1\n")
    table = table.replace("        toi_da:\n", "        toi_da: 100\n")
    (folder / "tieu-chi.yaml").write_text(table, encoding="utf-8")


def test_init_filled_skeleton_checks_and_is_canonical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the blanks are filled, ``check`` passes and ``fmt --check`` finds nothing to do."""
    from thidua.repo.scaffold import files

    monkeypatch.chdir(tmp_path)
    for name, data in files(2025).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    _fill(tmp_path, 2025)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["fmt", "--check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Mọi tệp đã đúng định dạng (4 tệp).\n"


def test_init_refuses_a_folder_with_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that already has files is left alone: exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "khoi").mkdir()
    (tmp_path / "khoi" / "ghi-chu.txt").write_text("x")
    result = runner.invoke(app, ["init", "khoi"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: khoi đã có nội dung; thidua init chỉ tạo kho dữ liệu mới trong một thư mục "
        "chưa có hoặc còn trống\n"
    )
    assert [p.name for p in (tmp_path / "khoi").iterdir()] == ["ghi-chu.txt"]


@pytest.mark.usefixtures("gitenv")
def test_init_into_an_empty_folder_with_a_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An existing empty folder is fine; ``--year`` chooses the first year."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "khoi").mkdir()
    result = runner.invoke(app, ["init", "khoi", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "khoi" / "data" / "2026" / "quy-che.yaml").is_file()
    assert (tmp_path / "khoi" / ".git").is_dir()


def test_init_with_a_bad_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable SOURCE_DATE_EPOCH is explained; nothing is created."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hôm nay")
    result = runner.invoke(app, ["init", "khoi"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: biến môi trường SOURCE_DATE_EPOCH phải là số giây kể từ 01/01/1970 "
        '(ví dụ SOURCE_DATE_EPOCH=1609286400), không phải "hôm nay"\n'
    )
    assert not (tmp_path / "khoi").exists()


# =========================================================================== pre-commit


def _shim(tmp_path: Path) -> dict[str, str]:
    """An environment where ``thidua`` runs this source tree (as an installed thidua would)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "thidua"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m thidua "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    env.pop("THIDUA_DATA", None)
    return env


@pytest.mark.skipif(os.name != "posix", reason="the thidua shim is a POSIX shell script")
@pytest.mark.usefixtures("gitenv")
def test_pre_commit_runs_the_hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit tool runs thidua-fmt and thidua-check from ``init``'s configuration."""
    pre_commit = tool("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    assert runner.invoke(app, ["init", "khoi"]).exit_code == 0
    repo = tmp_path / "khoi"
    _fill(repo, 2025)
    Repo(repo).git("add", "-A")
    env = _shim(tmp_path)

    def run_hooks() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "run", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )

    ok = run_hooks()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "thidua fmt (định dạng tệp dữ liệu)" in ok.stdout
    assert "thidua check (kiểm tra dữ liệu)" in ok.stdout
    khoi = repo / "data" / "2025" / "khoi.yaml"
    khoi.write_text(khoi.read_text(encoding="utf-8").replace("ma: A", "ma: A\n    sai: 1"))
    Repo(repo).git("add", "-A")
    failed = run_hooks()
    assert failed.returncode == 1
    assert 'data/2025/khoi.yaml:26:5: lỗi: khóa "sai" không có trong mẫu dữ liệu' in failed.stdout


def test_hook_manifest() -> None:
    """``.pre-commit-hooks.yaml`` declares thidua-check and thidua-fmt as the issue asks."""
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in manifest}
    assert sorted(by_id) == ["thidua-check", "thidua-fmt"]
    for hook_id, entry in (("thidua-check", "thidua check"), ("thidua-fmt", "thidua fmt")):
        hook = by_id[hook_id]
        assert hook["entry"] == entry
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert re.search(hook["files"], "data/2020/khoi.yaml")
        assert re.search(hook["files"], "a.yml")
        assert not re.search(hook["files"], "README.md")


@pytest.mark.external
def test_hook_manifest_is_valid_for_pre_commit() -> None:
    """pre-commit itself accepts ``.pre-commit-hooks.yaml``."""
    pre_commit = tool("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    proc = subprocess.run(
        [pre_commit, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# =========================================================================== merging


def test_two_members_merge_without_conflict(git_repo: Repo) -> None:
    """A and B edit their own score files on two branches; git merges cleanly; check passes."""
    root = git_repo.root
    write_year(root)
    git_repo.commit_all("năm 2020")
    git_repo.git("switch", "-q", "-c", "diem-A")
    write_year(root, {"diem/A.yaml": score_file("A", first="19") + "    minh_chung: Báo cáo A\n"})
    git_repo.commit_all("A tự chấm")
    git_repo.git("switch", "-q", "main")
    git_repo.git("switch", "-q", "-c", "diem-B")
    write_year(root, {"diem/B.yaml": score_file("B", first="16", second="không đạt")})
    git_repo.commit_all("B tự chấm")
    git_repo.git("switch", "-q", "main")
    git_repo.git("merge", "-q", "--no-edit", "diem-A")
    git_repo.git("merge", "-q", "--no-edit", "diem-B")
    assert git_repo.git("status", "--porcelain") == ""
    folder = root / "data" / "2020" / "diem"
    assert "tu_cham: 19" in (folder / "A.yaml").read_text(encoding="utf-8")
    assert "tu_cham: 16" in (folder / "B.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert BASE["diem/C.yaml"] == (folder / "C.yaml").read_text(encoding="utf-8")
