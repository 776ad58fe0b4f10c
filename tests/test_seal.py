"""Issue 13: the seal of a closed year (khoa-so.yaml), thidua close / reopen, and check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gitrepo import Repo
from thidua.cli import app
from thidua.compute.seal import canonical, content_digest, short_code
from thidua.read.load import read_year

REPO = Path(__file__).resolve().parents[1]
SEALED_2020 = "sha256:5bab7461ca7571479101aa4ad4dad88ce8b6d3be62682e945ec620cb7b157ed0"
EPOCH = {"SOURCE_DATE_EPOCH": "1609286400"}  # 30/12/2020
HINT = 'thidua reopen 2020 --ly-do "…"'
HEAD = (
    "data/2020/khoa-so.yaml:9:17: lỗi: năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối, "
    "mã 5BAB-7461) nhưng dữ liệu không còn khớp mã đó (mã của dữ liệu hiện tại: {now})"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled data (2020 closed and sealed, 2021 in progress), as ./data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THIDUA_DATA", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path / "data"


def digest(root: Path, year: int = 2020) -> str:
    loaded, problems = read_year(root, year)
    assert loaded is not None, problems
    return content_digest(loaded)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_score(root: Path) -> None:
    edit(root / "2020/diem/BHXH.yaml", '"1.2":\n    tu_cham: 18\n', '"1.2":\n    tu_cham: 19\n')


def change_reason(root: Path) -> None:
    edit(root / "2020/diem/CTK.yaml", "    tu_cham: 2\n", "    tu_cham: 2\n    ly_do: sửa lại\n")


def change_votes(root: Path) -> None:
    edit(
        root / "2020/phieu-bau.yaml",
        "      NHNN: 6\n      QLTT: 1\n",
        "      NHNN: 5\n      QLTT: 2\n",
    )


# --------------------------------------------------------------------------- the digest


def test_the_bundled_2020_is_sealed_with_its_digest() -> None:
    assert digest(REPO / "data") == SEALED_2020
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", SEALED_2020)
    assert short_code(SEALED_2020) == "5BAB-7461"
    assert short_code("sha256:3f9ac21b" + "0" * 56) == "3F9A-C21B"
    seal = (REPO / "data/2020/khoa-so.yaml").read_text(encoding="utf-8")
    assert seal.startswith("# yaml-language-server: $schema=../../schema/khoa-so.json\n")
    assert seal.endswith(
        'nam: 2020\nlich_su:\n  - viec: khoa_so\n    ngay: "2020-12-30"\n'
        f"    nguoi: Văn phòng Khối\n    ma_du_lieu: {SEALED_2020}\n"
    )


def test_digest_ignores_layout_comments_key_order_and_the_state(data: Path) -> None:
    khoi = data / "2020/khoi.yaml"
    edit(khoi, "trang_thai: da_ket_thuc\n", "trang_thai: dang_dien_ra\n")
    text = khoi.read_text(encoding="utf-8")
    # Move the first key line to the end and add comments and quotes.
    first = next(line for line in text.splitlines(keepends=True) if line.startswith("nam:"))
    khoi.write_text(text.replace(first, "") + "# một chú thích\n" + first, encoding="utf-8")
    edit(data / "2020/diem/BHXH.yaml", "tu_cham: 18\n", 'tu_cham: "18"   # đã soát\n')
    (data / "2020/khoa-so.yaml").unlink()
    assert digest(data) == SEALED_2020
    assert invoke("fmt").exit_code == 0
    assert digest(data) == SEALED_2020


@pytest.mark.parametrize("change", [change_score, change_reason, change_votes])
def test_digest_changes_with_the_content(data: Path, change: object) -> None:
    assert callable(change)
    change(data)
    assert digest(data) != SEALED_2020


# --------------------------------------------------------------------------- close, reopen


def test_close_refuses_while_check_strict_finds_anything(data: Path) -> None:
    result = invoke("close", "2021", "--by", "Văn phòng Khối")
    assert result.exit_code == 1
    err = result.stderr.splitlines()
    assert err[0] == (
        'data/2021/diem/BHXH.yaml:6:7: cảnh báo: đơn vị "BHXH" chưa chấm tiêu chí nào '
        "(năm đang diễn ra)"
    )
    assert err[-2:] == [
        "Tổng cộng: 0 lỗi, 7 cảnh báo.",
        "Lỗi: chưa khóa sổ năm 2021: dữ liệu còn 7 vấn đề (lỗi hoặc cảnh báo, như thidua "
        "check --strict 2021 báo); hãy sửa hết rồi khóa sổ lại",
    ]
    assert not (data / "2021/khoa-so.yaml").exists()
    assert "trang_thai: dang_dien_ra" in (data / "2021/khoi.yaml").read_text(encoding="utf-8")


def test_close_refuses_a_year_already_sealed(data: Path) -> None:
    result = invoke("close", "2020", "--by", "X")
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng Khối, mã 5BAB-7461); muốn sửa, "
        f"hãy mở lại bằng lệnh: {HINT}\n"
    )


def test_reopen_needs_a_reason_and_a_closed_year(data: Path) -> None:
    result = invoke("reopen", "2020", "--ly-do", "  ", "--by", "X")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Lỗi: mở lại năm đã khóa sổ cần lý do: {HINT} (ví dụ: ")
    result = invoke("reopen", "2021", "--ly-do", "sửa", "--by", "X")
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: năm 2021 chưa kết thúc (trang_thai: dang_dien_ra trong khoi.yaml) nên không "
        "cần mở lại\n"
    )


def test_close_needs_a_name_without_git_identity(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    result = invoke("reopen", "2020", "--ly-do", "sửa điểm")
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không biết ai mở lại: chưa đặt tên người dùng git (git config user.name); "
        'hãy ghi rõ bằng tùy chọn --by, ví dụ --by "Văn phòng Khối"\n'
    )


def test_reopen_then_close_appends_and_keeps_the_history(data: Path) -> None:
    seal = data / "2020/khoa-so.yaml"
    edit(seal, "lich_su:\n", "lich_su:\n  # lần khóa sổ sau hội nghị\n")
    before = seal.read_text(encoding="utf-8")
    result = invoke(
        "reopen", "2020", "--ly-do", "sửa điểm BHXH", "--by", "Chánh văn phòng", env=EPOCH
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Đã mở lại năm 2020 ngày 30/12/2020 (Chánh văn phòng): sửa điểm BHXH.\n"
        "Sửa xong, hãy kiểm tra (thidua check 2020) rồi khóa sổ lại: thidua close 2020\n"
    )
    assert "trang_thai: dang_dien_ra\n" in (data / "2020/khoi.yaml").read_text(encoding="utf-8")
    assert invoke("check", "2020").exit_code == 0
    change_score(data)
    result = invoke("close", "2020", "--by", "Văn phòng Khối", env=EPOCH)
    assert result.exit_code == 0, result.output
    now = digest(data)
    assert result.stdout == (
        f"Đã khóa sổ năm 2020 ngày 30/12/2020 (Văn phòng Khối), mã dữ liệu {short_code(now)}.\n"
    )
    text = seal.read_text(encoding="utf-8")
    assert text.startswith(before)  # history is appended, never rewritten
    added = text[len(before) :]
    assert re.fullmatch(
        r"  - viec: mo_lai\n    ngay: \"2020-12-30\"\n    nguoi: Chánh văn phòng\n"
        r"    ly_do: sửa điểm BHXH\n"
        r"  - viec: khoa_so\n    ngay: \"2020-12-30\"\n    nguoi: Văn phòng Khối\n"
        rf"    ma_du_lieu: {now}\n",
        added,
    )
    assert "trang_thai: da_ket_thuc\n" in (data / "2020/khoi.yaml").read_text(encoding="utf-8")
    assert invoke("check", "--strict", "2020").exit_code == 0


def test_close_creates_the_seal_file_of_an_unsealed_closed_year(data: Path) -> None:
    (data / "2020/khoa-so.yaml").unlink()
    # A data folder where no year is sealed (from before the seal) checks as it did.
    result = invoke("check", "--strict", "2020")
    assert result.exit_code == 0, result.output
    # Where some year is sealed, a year closed by hand is warned about.
    (data / "2021/khoa-so.yaml").write_text(
        "nam: 2021\nlich_su:\n  - viec: mo_lai\n    ngay: 2021-03-01\n    nguoi: X\n"
        "    ly_do: thử\n",
        encoding="utf-8",
    )
    result = invoke("check", "2020")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "data/2020/khoi.yaml:10:13: cảnh báo: năm 2020 đã kết thúc nhưng chưa khóa sổ (không "
        "có tệp khoa-so.yaml): dữ liệu có thể bị sửa mà không ai biết; hãy khóa sổ bằng lệnh: "
        "thidua close 2020",
        "Tổng cộng: 0 lỗi, 1 cảnh báo.",
    ]
    result = invoke("close", "2020", "--by", "Văn phòng Khối", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert (data / "2020/khoa-so.yaml").read_bytes() == (
        REPO / "data/2020/khoa-so.yaml"
    ).read_bytes()
    assert invoke("check", "--strict", "2020").exit_code == 0


# --------------------------------------------------------------------------- check


def test_state_and_seal_must_agree(data: Path) -> None:
    edit(data / "2020/khoi.yaml", "trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "data/2020/khoi.yaml:10:13: lỗi: khoi.yaml ghi năm 2020 đang diễn ra nhưng lần ghi cuối "
        "trong khoa-so.yaml là khóa sổ ngày 30/12/2020 (Văn phòng Khối): hai tệp không khớp; "
        f"muốn sửa năm đã khóa sổ, hãy mở lại bằng lệnh: {HINT}"
    )


def test_check_without_git_says_the_content_changed(data: Path) -> None:
    change_score(data)
    now = short_code(digest(data))
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        HEAD.format(now=now) + ": dữ liệu hoặc mã đã bị sửa sau khi khóa sổ; xem các thay đổi "
        "bằng thidua diff 2020 <lần commit khóa sổ>; muốn sửa năm đã khóa sổ, hãy mở lại bằng "
        f"lệnh: {HINT}",
        "Tổng cộng: 1 lỗi, 0 cảnh báo.",
    ]
    # rank and render open the year the same way: they refuse too.
    assert invoke("rank", "2020").exit_code == 1


def committed(git_repo: Repo) -> Path:
    shutil.copytree(REPO / "data", git_repo.root / "data")
    git_repo.commit_all("Dữ liệu năm 2020, đã khóa sổ")
    return git_repo.root / "data"


def test_check_with_git_names_what_changed_since_the_seal(git_repo: Repo) -> None:
    root = committed(git_repo)
    sealed = git_repo.git("rev-parse", "--short=7", "HEAD").strip()
    change_score(root)
    change_reason(root)
    change_votes(root)
    now = short_code(digest(root))
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        HEAD.format(now=now) + f"; hãy trả lại như cũ, hoặc mở lại năm bằng lệnh: {HINT}. "
        f"Thay đổi so với lúc khóa sổ (commit {sealed}):",
        "  - Điểm: CTK, tiêu chí 2.3, lý do: (trống) → sửa lại",
        "  - Điểm: BHXH, tiêu chí 1.2, tự chấm: 18 → 19",
        "  - Phiếu bầu: binh-chon, số phiếu cho QLTT: 1 → 2",
        "  - Phiếu bầu: binh-chon, số phiếu cho NHNN: 6 → 5",
        "Tổng cộng: 1 lỗi, 0 cảnh báo.",
    ]
    # thidua diff still shows the changes of a sealed year.
    shown = invoke("diff", "2020")
    assert shown.exit_code == 0, shown.output
    assert "    tự chấm: 18 → 19" in shown.stdout


def test_a_digest_edited_by_hand_is_caught(git_repo: Repo) -> None:
    root = committed(git_repo)
    edit(root / "2020/khoa-so.yaml", "ma_du_lieu: sha256:5bab", "ma_du_lieu: sha256:6bab")
    result = invoke("check", "2020")
    assert result.exit_code == 1
    lead = (
        "data/2020/khoa-so.yaml:9:17: lỗi: năm 2020 đã khóa sổ ngày 30/12/2020 (Văn phòng "
        "Khối, mã 6BAB-7461) nhưng dữ liệu không còn khớp mã đó (mã của dữ liệu hiện tại: "
        "5BAB-7461)"
    )
    assert result.stderr.splitlines()[0] == (
        lead + ": dữ liệu hoặc mã đã bị sửa sau khi khóa sổ; xem các thay đổi bằng thidua diff "
        f"2020 <lần commit khóa sổ>; muốn sửa năm đã khóa sổ, hãy mở lại bằng lệnh: {HINT}"
    )
    git_repo.commit_all("sửa mã")
    forged = git_repo.git("rev-parse", "--short=7", "HEAD").strip()
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        lead + f": mã này được ghi ở commit {forged} nhưng không phải mã của dữ liệu ở commit "
        "đó, tức là mã trong khoa-so.yaml đã bị sửa tay; xem lịch sử bằng: git log -p -- "
        "data/2020/khoa-so.yaml"
    )


def test_the_seal_survives_a_merge_that_keeps_the_content(git_repo: Repo) -> None:
    root = committed(git_repo)
    git_repo.git("checkout", "-q", "-b", "other")
    edit(root / "2020/diem/NHNN.yaml", "nam: 2020\n", "# soát lại, không đổi\nnam: 2020\n")
    git_repo.commit_all("chú thích NHNN")
    git_repo.git("checkout", "-q", "main")
    edit(root / "2020/diem/BHXH.yaml", "tu_cham: 18\n", 'tu_cham: "18"\n')
    git_repo.commit_all("nháy kép BHXH")
    git_repo.git("merge", "-q", "--no-edit", "other")
    result = invoke("check", "--strict", "2020")
    assert result.exit_code == 0, result.output


def test_the_check_hook_refuses_a_commit_of_a_changed_sealed_year(git_repo: Repo) -> None:
    root = committed(git_repo)
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "  entry: thidua check\n" in hooks
    change_score(root)
    proc = subprocess.run(
        [sys.executable, "-m", "thidua", "check"],
        cwd=git_repo.root,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "năm 2020 đã khóa sổ ngày 30/12/2020" in proc.stderr.decode("utf-8")


def test_in_a_git_repository_close_and_reopen_say_what_to_commit(git_repo: Repo) -> None:
    committed(git_repo)
    git_repo.git("config", "user.name", "Chánh văn phòng")
    result = invoke("reopen", "2020", "--ly-do", "sửa điểm", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        # Without --by, the name is git's user.name in the data repository.
        "Đã mở lại năm 2020 ngày 30/12/2020 (Chánh văn phòng): sửa điểm.",
        "Sửa xong, hãy kiểm tra (thidua check 2020) rồi khóa sổ lại: thidua close 2020",
        'Hãy commit thay đổi: git add data/2020 && git commit -m "Mở lại năm 2020"',
    ]
    result = invoke("close", "2020", "--by", "Văn phòng Khối", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        'Hãy commit thay đổi: git add data/2020 && git commit -m "Khóa sổ năm 2020"'
    )


def test_close_and_reopen_put_right_two_files_that_disagree(data: Path) -> None:
    khoi = data / "2020/khoi.yaml"
    # trang_thai set to in progress by hand: reopening records it.
    edit(khoi, "trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
    result = invoke("reopen", "2020", "--ly-do", "sửa điểm", "--by", "X", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert invoke("check", "--strict", "2020").exit_code == 0
    # trang_thai set back to closed by hand, after a reopening: closing seals it.
    edit(khoi, "trang_thai: dang_dien_ra", "trang_thai: da_ket_thuc")
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "data/2020/khoi.yaml:10:13: lỗi: khoi.yaml ghi năm 2020 đã kết thúc nhưng lần ghi cuối "
        "trong khoa-so.yaml là mở lại ngày 30/12/2020 (X): hai tệp không khớp; hãy khóa sổ lại "
        "bằng lệnh thidua close 2020, đừng sửa tay trang_thai"
    )
    result = invoke("close", "2020", "--by", "X", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert invoke("check", "--strict", "2020").exit_code == 0


def test_a_seal_file_with_a_fault_is_reported_once(data: Path) -> None:
    seal = data / "2020/khoa-so.yaml"
    edit(seal, "nam: 2020", "nam: 2019")
    text = seal.read_text(encoding="utf-8")
    seal.write_text(text[: text.index("    ma_du_lieu")], encoding="utf-8")
    result = invoke("check", "2020")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'data/2020/khoa-so.yaml:6:5: lỗi: lần khóa sổ cần "ma_du_lieu" (mã của dữ liệu lúc '
        "khóa sổ)",
        "Tổng cộng: 1 lỗi, 0 cảnh báo.",
    ]


def test_canonical_score_entries_are_the_models_json_dump() -> None:
    loaded, _ = read_year(REPO / "data", 2020)
    assert loaded is not None
    form = canonical(loaded)
    assert "trang_thai" not in form["khoi.yaml"]
    assert "khoa-so.yaml" not in form
    for member, score in loaded.scores.items():
        dumped = score.model_dump(mode="json", by_alias=True, exclude_defaults=True, warnings=False)
        assert form[f"diem/{member}.yaml"] == dumped


def test_a_key_left_at_its_default_is_not_in_the_sealed_content() -> None:
    """A later thidua adding an optional key must not change the digest of a sealed year."""
    loaded, _ = read_year(REPO / "data", 2020)
    assert loaded is not None
    member = canonical(loaded)["khoi.yaml"]["thanh_vien"][0]
    assert member == {
        "ma": "QLTT",
        "ten_ngan": "Cục Quản lý thị trường",
        "ten": "Cục Quản lý thị trường tỉnh Hòa Bình",
    }
