"""Writing files safely: no lost edit, no half-written file, no traceback, links kept.

:mod:`thidua.repo.atomic` directly, then the commands that write (``fmt``, ``new-year``,
``init``, ``schema -o``). Disk full and permission errors are simulated by monkeypatching
the ``os`` calls, because tests may run as root, where ``chmod`` does not stop writes.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thidua import models as m
from thidua.cli import app
from thidua.repo import atomic
from thidua.repo import fmt_plan as fmt_module
from yeardata import score_file, tree_hashes, write_year

runner = CliRunner()

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
UNORDERED_A = 'don_vi: A\nnam: 2020\ndiem:\n  "1.1":\n    tu_cham: 18\n  "1.2":\n    tu_cham: đạt\n'
UNORDERED_B = 'don_vi: B\nnam: 2020\ndiem:\n  "1.1":\n    tu_cham: 15\n  "1.2":\n    tu_cham: đạt\n'
FULL = "ổ đĩa đã đầy; không có gì bị ghi dở"


def failing(exc_errno: int) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(exc_errno, os.strerror(exc_errno))

    return fail


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def formatted_year(root: Path, files: dict[str, str | bytes | None]) -> None:
    """A year in the canonical layout except for ``files``, written afterwards."""
    write_year(root)
    assert runner.invoke(app, ["fmt", "--data", str(root / "data")]).exit_code == 0
    write_year(root, files, base=False)


# =========================================================================== atomic: errors


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_disk_full_at_any_step_is_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    """Disk full while writing, syncing or renaming: a Vietnamese message, old file whole."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    monkeypatch.setattr(os, call, failing(code))
    with pytest.raises(atomic.WriteError) as caught:
        atomic.write_bytes_atomic(target, b"new\n")
    assert caught.value.message == f"không ghi được tệp f.yaml: {FULL}"
    assert caught.value.exit_code == 1
    assert target.read_bytes() == b"old\n"
    assert names(tmp_path) == ["f.yaml"]


def test_disk_full_on_a_new_file_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new file that cannot be written does not appear, not even empty."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "write", failing(errno.ENOSPC))
    with pytest.raises(atomic.WriteError):
        atomic.write_text_atomic(tmp_path / "new.yaml", "x\n")
    assert names(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "không có quyền ghi"),
        (errno.EPERM, "không có quyền ghi"),
        (errno.EROFS, "ổ đĩa chỉ cho phép đọc"),
        (errno.EIO, "lỗi đọc ghi của ổ đĩa"),
        (errno.ETIMEDOUT, f"lỗi của hệ điều hành ({os.strerror(errno.ETIMEDOUT)})"),
    ],
)
def test_read_only_folder_is_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    """No permission / read-only file system when creating the temporary file: the reason."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    monkeypatch.setattr(tempfile, "mkstemp", failing(code))
    with pytest.raises(atomic.WriteError) as caught:
        atomic.write_bytes_atomic(target, b"new\n")
    assert caught.value.message == f"không ghi được tệp f.yaml: {reason}; không có gì bị ghi dở"
    assert target.read_bytes() == b"old\n"


@pytest.mark.skipif(IS_ROOT, reason="root writes into a read-only folder anyway")
def test_really_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder without write permission, for real."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f.yaml").write_bytes(b"old\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(atomic.WriteError) as caught:
            atomic.write_bytes_atomic(folder / "f.yaml", b"new\n")
    finally:
        folder.chmod(0o755)
    assert caught.value.message == "không ghi được tệp ro/f.yaml: không có quyền ghi; " + (
        "không có gì bị ghi dở"
    )
    assert (folder / "f.yaml").read_bytes() == b"old\n"


# =========================================================================== atomic: expected

CHANGED = (
    "tệp f.yaml đã được sửa trong lúc thidua đang chạy; thidua không ghi đè để không làm "
    "mất thay đổi đó — hãy chạy lại lệnh"
)


def test_expected_matches_then_written(tmp_path: Path) -> None:
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    atomic.write_bytes_atomic(target, b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"new\n"
    atomic.write_text_atomic(target, "newer\n", expected="new\n")
    assert target.read_bytes() == b"newer\n"


def test_changed_before_the_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file no longer holds what the caller read: left alone, no temporary file."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "f.yaml"
    target.write_bytes(b"edited\n")
    with pytest.raises(atomic.ChangedMeanwhile) as caught:
        atomic.write_bytes_atomic(target, b"new\n", expected=b"old\n")
    assert isinstance(caught.value, atomic.WriteError)
    assert caught.value.message == CHANGED
    assert target.read_bytes() == b"edited\n"
    assert names(tmp_path) == ["f.yaml"]


def test_changed_during_the_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the file while the temporary file is being written: their save wins."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    real_fsync = os.fsync

    def save_meanwhile(fd: int) -> None:
        target.write_bytes(b"saved by someone\n")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", save_meanwhile)
    with pytest.raises(atomic.ChangedMeanwhile):
        atomic.write_bytes_atomic(target, b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"saved by someone\n"
    assert names(tmp_path) == ["f.yaml"]


def test_replaced_by_another_file_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes but another file (an editor saved by rename): still not overwritten."""
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    real_fsync = os.fsync

    def swap(fd: int) -> None:
        other = tmp_path / "other"
        other.write_bytes(b"old\n")
        other.replace(target)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", swap)
    with pytest.raises(atomic.ChangedMeanwhile):
        atomic.write_bytes_atomic(target, b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"old\n"


def test_absent_means_the_file_must_not_exist(tmp_path: Path) -> None:
    """``expected=ABSENT``: written when missing, refused when it appeared; b"" is not absent."""
    target = tmp_path / "f.yaml"
    atomic.write_bytes_atomic(target, b"one\n", expected=atomic.ABSENT)
    assert target.read_bytes() == b"one\n"
    with pytest.raises(atomic.ChangedMeanwhile):
        atomic.write_bytes_atomic(target, b"two\n", expected=atomic.ABSENT)
    with pytest.raises(atomic.ChangedMeanwhile):
        atomic.write_bytes_atomic(tmp_path / "missing.yaml", b"x", expected=b"")
    assert target.read_bytes() == b"one\n"
    assert names(tmp_path) == ["f.yaml"]


# =========================================================================== atomic: links


def test_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    """Writing through a link writes the file it points to; the link stays a link."""
    real = tmp_path / "real.yaml"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    atomic.write_bytes_atomic(link, b"new\n", expected=b"old\n", inside=tmp_path)
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


def test_symlink_outside_the_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``inside=``, a link (of the file or of a folder) leading outside is refused."""
    monkeypatch.chdir(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.yaml").write_bytes(b"old\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "sub").symlink_to(outside)
    (data / "f.yaml").symlink_to(outside / "f.yaml")
    for path in (data / "f.yaml", data / "sub" / "f.yaml"):
        with pytest.raises(atomic.WriteError) as caught:
            atomic.write_bytes_atomic(path, b"new\n", inside=data)
        assert caught.value.message == (
            f"không ghi được tệp {path.relative_to(tmp_path)}: đường dẫn này trỏ ra ngoài "
            f"thư mục data (qua liên kết tượng trưng, tới {outside / 'f.yaml'}); thidua "
            "không ghi ra ngoài thư mục đó; không có gì bị ghi dở"
        )
    assert (outside / "f.yaml").read_bytes() == b"old\n"
    assert names(outside) == ["f.yaml"]


# =========================================================================== atomic: stale


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    """Old temporary files of the same name go; young ones (a live writer's) and others stay."""
    old = tmp_path / ".f.yaml.abc123.tmp"
    young = tmp_path / ".f.yaml.def456.tmp"
    other = tmp_path / ".g.yaml.abc123.tmp"
    for p in (old, young, other):
        p.write_bytes(b"half")
    hours_ago = time.time() - 2 * atomic.STALE_AFTER
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    atomic.write_bytes_atomic(tmp_path / "f.yaml", b"new\n")
    assert names(tmp_path) == [young.name, other.name, "f.yaml"]


def test_stale_temporary_folder_of_new_year_is_removed(tmp_path: Path) -> None:
    """A killed ``create_dir_atomic`` leaves ``.NAME.x.tmp/``; the next one removes it."""
    stale = tmp_path / ".2021.abc.tmp"
    (stale / "2021").mkdir(parents=True)
    hours_ago = time.time() - 2 * atomic.STALE_AFTER
    os.utime(stale, (hours_ago, hours_ago))
    atomic.create_dir_atomic(tmp_path / "2021", {"a.yaml": b"x"})
    assert names(tmp_path) == ["2021"]


def test_create_dir_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "write", failing(errno.ENOSPC))
    with pytest.raises(atomic.WriteError) as caught:
        atomic.create_dir_atomic(tmp_path / "new", {"a.yaml": b"x"})
    assert caught.value.message == f"không ghi được thư mục new: {FULL}"
    assert names(tmp_path) == []


# =========================================================================== fmt


def test_fmt_does_not_revert_an_edit_saved_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A score saved while fmt runs is kept; fmt says so, exits 1, formats the other files."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": UNORDERED_A, "diem/B.yaml": UNORDERED_B})
    a = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    edited = UNORDERED_A.replace("18", "19").encode("utf-8")
    real_format = fmt_module.format_source

    def format_then_edit(source: bytes, model: type[m.Model], shown: str) -> bytes:
        result = real_format(source, model, shown)
        if shown.endswith("A.yaml"):
            a.write_bytes(edited)  # the secretariat saves a score meanwhile
        return result

    monkeypatch.setattr(fmt_module, "format_source", format_then_edit)
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert a.read_bytes() == edited
    assert result.stderr == (
        "Lỗi: tệp data/2020/diem/A.yaml đã được sửa trong lúc thidua đang chạy; thidua không "
        "ghi đè để không làm mất thay đổi đó — hãy chạy lại lệnh\n"
        "Chưa định dạng 1 tệp: data/2020/diem/A.yaml.\n"
    )
    assert result.stdout == (
        "Đã định dạng: data/2020/diem/B.yaml\nĐã định dạng lại 1 tệp; 4 tệp đã đúng định dạng.\n"
    )
    b = tmp_path / "data" / "2020" / "diem" / "B.yaml"
    assert b.read_text(encoding="utf-8").startswith("nam: 2020\ndon_vi: B\n")


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_fmt_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    """Disk full: one message naming the file, exit 1, nothing half-written."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": UNORDERED_A})
    before = tree_hashes(tmp_path)
    monkeypatch.setattr(os, call, failing(errno.ENOSPC))
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert result.stderr == f"Lỗi: không ghi được tệp data/2020/diem/A.yaml: {FULL}\n"
    assert tree_hashes(tmp_path) == before
    assert not list(tmp_path.rglob("*.tmp"))


def test_fmt_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No permission to create the temporary file: a message, exit 1."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": UNORDERED_A})
    monkeypatch.setattr(tempfile, "mkstemp", failing(errno.EACCES))
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được tệp data/2020/diem/A.yaml: không có quyền ghi; không có gì bị ghi dở\n"
    )


def test_fmt_leaves_a_read_only_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file without write permission is not reformatted: a warning, exit 1."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": UNORDERED_A, "diem/B.yaml": UNORDERED_B})
    a = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    a.chmod(0o444)
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert a.read_text(encoding="utf-8") == UNORDERED_A
    assert stat.S_IMODE(a.stat().st_mode) == 0o444
    assert result.stderr == (
        "Cảnh báo: data/2020/diem/A.yaml chỉ cho phép đọc (không có quyền ghi); fmt để "
        "nguyên tệp này.\n"
        "Chưa định dạng 1 tệp: data/2020/diem/A.yaml.\n"
    )
    assert result.stdout == (
        "Đã định dạng: data/2020/diem/B.yaml\nĐã định dạng lại 1 tệp; 4 tệp đã đúng định dạng.\n"
    )
    check = runner.invoke(app, ["fmt", "--check", "2020"])
    assert check.exit_code == 1
    assert "Cần định dạng lại: data/2020/diem/A.yaml\n" in check.stdout


def test_fmt_keeps_a_symlinked_score_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A score file linked to another file in the data folder: formatted through the link."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": None})
    shared = tmp_path / "data" / "chung-A.yaml"
    shared.write_text(UNORDERED_A, encoding="utf-8")
    link = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    link.symlink_to(shared)
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 0
    assert result.stdout == (
        "Đã định dạng: data/2020/diem/A.yaml\nĐã định dạng lại 1 tệp; 5 tệp đã đúng định dạng.\n"
    )
    assert link.is_symlink()
    assert shared.read_text(encoding="utf-8").startswith("nam: 2020\ndon_vi: A\n")


def test_fmt_refuses_files_outside_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``diem/`` linked to a folder outside the data folder: those files are not rewritten."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": None, "diem/B.yaml": None, "diem/C.yaml": None})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "A.yaml").write_text(UNORDERED_A, encoding="utf-8")
    (outside / "B.yaml").write_text(score_file("B", first="15"), encoding="utf-8")
    (outside / "C.yaml").write_text(score_file("C", first="12"), encoding="utf-8")
    scores = tmp_path / "data" / "2020" / "diem"
    scores.rmdir()
    scores.symlink_to(outside)
    before = tree_hashes(outside)
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert tree_hashes(outside) == before
    assert (
        f"data/2020/diem/A.yaml: lỗi: tệp này thực ra là {outside / 'A.yaml'} (qua liên kết "
        "tượng trưng), nằm ngoài thư mục dữ liệu data; fmt không sửa tệp ngoài thư mục dữ "
        "liệu\n"
    ) in result.stderr
    assert result.stderr.endswith("Không định dạng các tệp có lỗi: data/2020/diem/A.yaml.\n")


# =========================================================================== new-year, init, schema

ROTATION = """\
    nam: 2020
    ten: Quy chế năm 2020
    xep_hang:
      thu_tu: [diem]
    luan_phien: [A, B, C]
    """


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_new_year_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": ROTATION})
    monkeypatch.setattr(os, call, failing(errno.ENOSPC))
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 1
    assert result.stderr == f"Lỗi: không ghi được thư mục data/2021: {FULL}\n"
    assert names(tmp_path / "data") == ["2020"]


def test_new_year_read_only_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": ROTATION})
    monkeypatch.setattr(tempfile, "mkdtemp", failing(errno.EROFS))
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được thư mục data/2021: ổ đĩa chỉ cho phép đọc; không có gì bị ghi dở\n"
    )
    assert names(tmp_path / "data") == ["2020"]


@pytest.mark.skipif(IS_ROOT, reason="root writes into a read-only folder anyway")
def test_new_year_really_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": ROTATION})
    (tmp_path / "data").chmod(0o555)
    try:
        result = runner.invoke(app, ["new-year", "2021"])
    finally:
        (tmp_path / "data").chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được thư mục data/2021: không có quyền ghi; không có gì bị ghi dở\n"
    )


def test_init_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``init`` into an empty folder on a full disk: a message; the empty folder stays."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "khoi").mkdir()
    monkeypatch.setattr(os, "write", failing(errno.ENOSPC))
    result = runner.invoke(app, ["init", "khoi", "--year", "2025"])
    assert result.exit_code == 1
    assert result.stderr == f"Lỗi: không ghi được thư mục khoi: {FULL}\n"
    assert names(tmp_path) == ["khoi"]
    assert names(tmp_path / "khoi") == []


def test_init_no_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "mkdtemp", failing(errno.EACCES))
    result = runner.invoke(app, ["init", "khoi", "--year", "2025"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được thư mục khoi: không có quyền ghi; không có gì bị ghi dở\n"
    )
    assert names(tmp_path) == []


def test_schema_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "write", failing(errno.ENOSPC))
    result = runner.invoke(app, ["schema", "-o", "out"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: không ghi được tệp out/")
    assert result.stderr.endswith(f": {FULL}\n")
    assert names(tmp_path / "out") == []


def test_schema_to_a_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``-o`` naming a file: a Vietnamese reason, not the system's English one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("x")
    result = runner.invoke(app, ["schema", "-o", "taken"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không ghi được thư mục taken: đã có một tệp hoặc thư mục trùng tên; "
        "không có gì bị ghi dở\n"
    )


def test_fmt_file_removed_before_formatting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file deleted after it was listed: reported as unreadable, no traceback."""
    monkeypatch.chdir(tmp_path)
    formatted_year(tmp_path, {"diem/A.yaml": UNORDERED_A})
    real_files = fmt_module.year_files

    def list_then_delete(folder: Path) -> Iterator[tuple[str, Path]]:
        for name, path in real_files(folder):
            if name == "diem/A.yaml":
                path.unlink()
            yield name, path

    monkeypatch.setattr(fmt_module, "year_files", list_then_delete)
    result = runner.invoke(app, ["fmt", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        "data/2020/diem/A.yaml:1:1: lỗi: không đọc được tệp: tệp không tồn tại; hãy kiểm tra "
        "đường dẫn\n"
        "Tổng cộng: 1 lỗi, 0 cảnh báo.\n"
        "Không định dạng các tệp có lỗi: data/2020/diem/A.yaml.\n"
    )
