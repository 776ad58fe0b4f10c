"""Read the data as it was at a git revision, through git itself.

Only plumbing commands are used (``rev-parse``, ``ls-tree``, ``cat-file``), with paths
passed after ``--`` and revisions checked before use, so that nothing a user types is
taken for an option. Files are copied out of git's object store into a folder the caller
owns (a temporary one); the working tree, the index and the refs are never touched.

Every failure the user can cause (git missing, not a repository, unknown revision, a
folder absent at that revision) is a :class:`~thidua.errors.ThiduaError` with a
Vietnamese message (exit code 1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from thidua.errors import ThiduaError
from thidua.read.load import display_path

__all__ = ["GitRepo", "find_repo", "run_git"]

_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


def run_git(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("git")
    if exe is None:
        raise ThiduaError(
            "không tìm thấy chương trình git; hãy cài git (https://git-scm.com) rồi chạy lại"
        )
    # A hook or an outer tool may have set these; they would point git elsewhere.
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env["LC_ALL"] = "C"
    return subprocess.run(
        [exe, *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
    )


@dataclass(frozen=True)
class GitRepo:
    """A git working tree: its top folder."""

    root: Path

    def commit(self, rev: str) -> str:
        """The full commit id ``rev`` names; a clear error if it names none."""
        if rev.startswith("-") or not rev.strip():
            raise ThiduaError(_unknown(rev))
        proc = run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.root)
        if proc.returncode != 0:
            if rev == "HEAD" and not self._has_commits():
                raise ThiduaError(
                    'kho git chưa có commit nào nên chưa có phiên bản "HEAD" để so sánh; '
                    "hãy commit dữ liệu trước (git add, git commit)"
                )
            raise ThiduaError(_unknown(rev))
        return proc.stdout.decode("ascii").strip()

    def _has_commits(self) -> bool:
        proc = run_git(["rev-list", "-n", "1", "--all"], self.root)
        return proc.returncode == 0 and bool(proc.stdout.strip())

    def relative(self, path: Path) -> PurePosixPath:
        """``path`` (a folder inside the working tree) relative to the top, as git writes it."""
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            raise ThiduaError(
                f"thư mục {display_path(path)} không nằm trong kho git {display_path(self.root)}"
            ) from None
        return PurePosixPath(rel.as_posix())

    def export(self, commit: str, folder: PurePosixPath, dest: Path) -> int:
        """Copy the files under ``folder`` at ``commit`` into ``dest``; return how many.

        ``dest/<path below folder>`` receives each regular file; symbolic links and
        submodules are skipped.
        """
        listing = run_git(
            ["ls-tree", "-r", "-z", "--full-tree", commit, "--", str(folder)], self.root
        )
        if listing.returncode != 0:
            raise ThiduaError(_git_failed(listing))
        entries: list[tuple[str, PurePosixPath]] = []
        for record in listing.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid = meta.decode("ascii").split()
            path = PurePosixPath(raw_path.decode("utf-8", "surrogateescape"))
            if kind == "blob" and mode in ("100644", "100755"):
                entries.append((oid, path))
        if not entries:
            return 0
        batch = run_git(
            ["cat-file", "--batch"], self.root, "".join(f"{o}\n" for o, _ in entries).encode()
        )
        if batch.returncode != 0:
            raise ThiduaError(_git_failed(batch))
        out = batch.stdout
        at = 0
        for oid, path in entries:
            header_end = out.index(b"\n", at)
            got_oid, _kind, size = out[at:header_end].decode("ascii").split()
            if got_oid != oid:  # pragma: no cover - git answers in request order
                raise ThiduaError(f"git trả về dữ liệu không khớp cho {path}")
            start = header_end + 1
            content = out[start : start + int(size)]
            at = start + int(size) + 1  # the content is followed by a newline
            target = dest.joinpath(*path.relative_to(folder).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return len(entries)


def find_repo(path: Path) -> GitRepo:
    """The git working tree that holds ``path``; a clear error when there is none."""
    start = path
    while not start.is_dir() and start != start.parent:
        start = start.parent
    proc = run_git(["rev-parse", "--show-toplevel"], start if start.is_dir() else Path.cwd())
    if proc.returncode != 0:
        raise ThiduaError(
            f"{display_path(path)} không nằm trong một kho git; lệnh này đọc các phiên bản "
            "dữ liệu qua git — hãy chạy trong kho dữ liệu (tạo kho mới bằng: thidua init THƯ_MỤC)"
        )
    return GitRepo(Path(proc.stdout.decode("utf-8", "surrogateescape").strip()))


def _unknown(rev: str) -> str:
    return (
        f'không tìm thấy phiên bản "{rev}" trong kho git; hãy ghi một mã commit, tên nhánh '
        "hoặc thẻ (ví dụ HEAD, HEAD~1, main); xem danh sách bằng: git log --oneline"
    )


def _git_failed(proc: subprocess.CompletedProcess[bytes]) -> str:
    detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return "git báo lỗi: " + (detail[-1] if detail else f"mã thoát {proc.returncode}")
