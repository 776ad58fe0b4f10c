"""Read the data as it was at a git revision, through git itself.

Only plumbing commands are used (``rev-parse``, ``ls-tree``, ``cat-file``), with paths
passed after ``--`` and revisions checked before use, so that nothing a user types is
taken for an option. The working tree, the index and the refs are never touched.

A revision is untrusted input: anyone can push a branch whose trees hold entries named
``..``, ``.git``, symbolic links or submodules. So no file name from git is ever joined
onto a path unchecked: :meth:`GitRepo.export` walks the year folder one tree at a time,
takes only the year's known data files (regular blobs named like ``khoi.yaml`` or
``diem/<name>.yaml``), refuses a revision whose year folder holds a hostile entry, and
writes each file with ``O_EXCL | O_NOFOLLOW`` into a folder it has just created.

Every failure the user can cause (git missing, not a repository, a repository git refuses,
unknown revision, a hostile revision) is a :class:`~thidua.errors.ThiduaError` with a
Vietnamese message (exit code 1).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NoReturn

from thidua.errors import ThiduaError, UsageError
from thidua.read.load import display_path
from thidua.read.yamlio import MAX_FILE_BYTES
from thidua.repo.atomic import os_reason
from thidua.year import OPTIONAL, REQUIRED, SCORES_DIR

__all__ = ["GitRepo", "find_repo", "run_git"]

_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")

_TREE = "040000"
_REGULAR = ("100644", "100755")
_SYMLINK = "120000"
_GITLINK = "160000"
_DATA_FILES = frozenset([*REQUIRED, *OPTIONAL])
_SCORE_SUFFIXES = (".yaml", ".yml")
# Characters no single file name may hold: they separate or end paths somewhere.
_NOT_IN_NAME = ("/", "\\", "\0")


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
    try:
        return subprocess.run(
            [exe, *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
        )
    except OSError as exc:
        raise ThiduaError(
            f"không chạy được chương trình git ({exe}); hãy kiểm tra bản cài git "
            f"(lỗi của hệ điều hành: {exc.strerror or exc})"
        ) from None


@dataclass(frozen=True)
class _Entry:
    """One entry of a git tree: its mode, object id and name (one path component)."""

    mode: str
    oid: str
    name: str
    size: int | None = None  # bytes, for a blob


@dataclass(frozen=True)
class GitRepo:
    """A git working tree: its top folder."""

    root: Path

    def commit(self, rev: str) -> str:
        """The full commit id ``rev`` names; a clear error if it names none."""
        if rev.startswith("-") or not rev.strip():
            raise UsageError(_unknown(rev))
        proc = run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.root)
        if proc.returncode != 0:
            if rev == "HEAD" and not self._has_commits():
                raise ThiduaError(
                    'kho git chưa có commit nào nên chưa có phiên bản "HEAD" để so sánh; '
                    "hãy commit dữ liệu trước (git add, git commit)"
                )
            raise UsageError(_unknown(rev))
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
                f"{_folder(path)} không nằm trong kho git {display_path(self.root)}"
            ) from None
        return PurePosixPath(rel.as_posix())

    def export(self, rev: str, folder: PurePosixPath, dest: Path) -> bool:
        """Copy the year's data files under ``folder`` at ``rev`` into ``dest``.

        ``folder`` is a year folder (``data/2020``); ``dest`` must not exist yet and is
        created. Only the files the loader reads are copied: the known top-level files
        and ``diem/<name>.yaml``, when they are regular files. Returns False when
        ``folder`` is not a folder at ``rev``. Raises :class:`ThiduaError` when the year
        folder holds an entry that could point outside it (``..``, ``.git``, a name with
        a slash) or a symbolic link or submodule where a data file or folder should be.
        """
        tree = self._year_tree(rev, self.commit(rev), folder)
        if tree is None:
            return False
        wanted: dict[tuple[str, ...], str] = {}  # path below folder -> blob id
        seen: set[str] = set()
        for entry in self._list(tree):
            shown = f"{folder}/{entry.name}"
            _check_name(rev, shown, entry)
            if entry.name not in _DATA_FILES and entry.name != SCORES_DIR:
                continue  # never read, never written
            if entry.name in seen:
                _refuse(rev, shown, "có hai mục cùng tên")
            seen.add(entry.name)
            if entry.name != SCORES_DIR or entry.mode != _TREE:
                _take(wanted, (entry.name,), rev, shown, entry)
                continue
            for sub in self._list(entry.oid):
                sub_shown = f"{shown}/{sub.name}"
                _check_name(rev, sub_shown, sub)
                if sub.name.endswith(_SCORE_SUFFIXES) and not sub.name.startswith("."):
                    _take(wanted, (SCORES_DIR, sub.name), rev, sub_shown, sub)
        contents = self._read_blobs(rev, folder, wanted)
        _write_files(dest, contents)
        return True

    def _year_tree(self, rev: str, commit: str, folder: PurePosixPath) -> str | None:
        """The tree id of ``folder`` at ``commit``; None when it is not a folder there."""
        oid = commit
        walked: list[str] = []
        for part in folder.parts:
            walked.append(part)
            entry = next((e for e in self._list(oid) if e.name == part), None)
            if entry is None:
                return None
            if entry.mode in (_SYMLINK, _GITLINK):
                _refuse(rev, "/".join(walked), _link_reason(entry.mode, "một thư mục"))
            if entry.mode != _TREE:
                return None
            oid = entry.oid
        return oid

    def _list(self, tree: str) -> list[_Entry]:
        """The entries of one tree (``tree`` is an object id git gave), not recursing."""
        proc = run_git(["ls-tree", "-l", "-z", tree], self.root)
        if proc.returncode != 0:
            raise ThiduaError(_git_failed(proc))
        entries: list[_Entry] = []
        for record in proc.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, _kind, oid, size = meta.decode("ascii").split()
            blob_size = int(size) if size.isdigit() else None
            entries.append(_Entry(mode, oid, name.decode("utf-8", "surrogateescape"), blob_size))
        return entries

    def _read_blobs(
        self, rev: str, folder: PurePosixPath, wanted: dict[tuple[str, ...], str]
    ) -> dict[tuple[str, ...], bytes]:
        if not wanted:
            return {}
        batch = run_git(
            ["cat-file", "--batch"], self.root, "".join(f"{o}\n" for o in wanted.values()).encode()
        )
        if batch.returncode != 0:
            raise ThiduaError(_git_failed(batch))
        out = batch.stdout
        at = 0
        contents: dict[tuple[str, ...], bytes] = {}
        for parts, oid in wanted.items():
            header_end = out.find(b"\n", at)
            header = out[at:header_end].decode("ascii", "replace").split()
            if header_end < 0 or len(header) != 3 or header[:2] != [oid, "blob"]:
                shown = _printable("/".join([str(folder), *parts]))
                raise ThiduaError(
                    f'git không đọc được tệp {shown} ở phiên bản "{rev}" (đối tượng {oid} '
                    "thiếu hoặc không phải một tệp); hãy kiểm tra kho bằng: git fsck"
                )
            start = header_end + 1
            size = int(header[2])
            contents[parts] = out[start : start + size]
            at = start + size + 1  # the content is followed by a newline
        return contents


def _check_name(rev: str, shown: str, entry: _Entry) -> None:
    """Refuse an entry whose name is not one plain file name."""
    name = entry.name
    if name.lower() == ".git":
        _refuse(rev, shown, "tên dành riêng cho git")
    if name in ("", ".", "..") or any(c in name for c in _NOT_IN_NAME):
        _refuse(rev, shown, "tên không phải một tên tệp hợp lệ, có thể trỏ ra ngoài thư mục")


def _take(
    wanted: dict[tuple[str, ...], str], parts: tuple[str, ...], rev: str, shown: str, e: _Entry
) -> None:
    """Add a data file to ``wanted`` if it is a regular file; refuse a link in its place."""
    if e.mode in (_SYMLINK, _GITLINK):
        what = f"thư mục {SCORES_DIR}" if parts == (SCORES_DIR,) else "một tệp dữ liệu"
        _refuse(rev, shown, _link_reason(e.mode, what))
    if e.mode not in _REGULAR:
        return
    if parts in wanted:
        _refuse(rev, shown, "có hai mục cùng tên")
    if e.size is not None and e.size > MAX_FILE_BYTES:
        # Never read a blob larger than any data file may be (the reader refuses it anyway).
        raise ThiduaError(
            f'tệp {_printable(shown)} ở phiên bản "{rev}" quá lớn ({e.size} byte; tối đa '
            f"{MAX_FILE_BYTES} byte cho một tệp dữ liệu); thidua không đọc phiên bản này"
        )
    wanted[parts] = e.oid


def _link_reason(mode: str, what: str) -> str:
    kind = "liên kết tượng trưng (symlink)" if mode == _SYMLINK else "kho con git (submodule)"
    return f"{kind} ở chỗ của {what}"


def _refuse(rev: str, shown: str, reason: str) -> NoReturn:
    raise ThiduaError(
        f'phiên bản "{rev}" có mục không an toàn "{_printable(shown)}" ({reason}); thidua '
        "không đọc phiên bản này — hãy kiểm tra ai đã tạo nó trước khi dùng"
    )


def _printable(text: str) -> str:
    """``text`` with control and other invisible characters written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _write_files(dest: Path, contents: dict[tuple[str, ...], bytes]) -> None:
    """Create ``dest`` and write each file below it, never following a link."""
    flags = (
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_BINARY", 0)
    )  # fmt: skip
    try:
        dest.mkdir(mode=0o700, parents=True)
        base = os.path.realpath(dest)
        for parts, content in contents.items():
            target = dest.joinpath(*parts)
            real = os.path.realpath(target)
            if os.path.commonpath([base, real]) != base:  # pragma: no cover - names checked
                raise ThiduaError(f"tên tệp {_printable('/'.join(parts))} trỏ ra ngoài thư mục tạm")
            target.parent.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(target, flags, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
    except OSError as exc:
        raise ThiduaError(
            f"không ghi được bản sao dữ liệu vào thư mục tạm {dest}: {os_reason(exc)}"
        ) from None


def find_repo(path: Path) -> GitRepo:
    """The git working tree that holds ``path``; a clear error when there is none."""
    start = path
    while not start.is_dir() and start != start.parent:
        start = start.parent
    proc = run_git(["rev-parse", "--show-toplevel"], start if start.is_dir() else Path.cwd())
    if proc.returncode == 0:
        return GitRepo(Path(proc.stdout.decode("utf-8", "surrogateescape").strip()))
    stderr = proc.stderr.decode("utf-8", "replace")
    if "dubious ownership" in stderr:
        found = re.search(r"repository at '(.*)'", stderr)
        where = found[1] if found else str(path.resolve())
        quoted = f'"{where}"' if " " in where else where
        raise ThiduaError(
            f"git từ chối đọc kho {where} vì thư mục này thuộc về một người dùng khác với "
            "người đang chạy lệnh (git gọi là sở hữu đáng ngờ — dubious ownership); nếu tin "
            f"tưởng kho này, hãy cho phép bằng: git config --global --add safe.directory {quoted}"
        )
    if "not a git repository" not in stderr:
        raise ThiduaError(_git_failed(proc))
    raise ThiduaError(
        f"{_folder(path)} không nằm trong một kho git; lệnh này đọc các phiên bản "
        "dữ liệu qua git — hãy chạy trong kho dữ liệu (tạo kho mới bằng: thidua init THƯ_MỤC)"
    )


def _folder(path: Path) -> str:
    """A folder as the user should read it; never empty (``.`` is the current folder)."""
    shown = display_path(path)
    return shown if shown not in ("", ".") else "thư mục hiện tại"


def _unknown(rev: str) -> str:
    return (
        f'không tìm thấy phiên bản "{rev}" trong kho git; hãy ghi một mã commit, tên nhánh '
        "hoặc thẻ (ví dụ HEAD, HEAD~1, main); xem danh sách bằng: git log --oneline"
    )


def _git_failed(proc: subprocess.CompletedProcess[bytes]) -> str:
    detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return "git báo lỗi: " + (detail[-1] if detail else f"mã thoát {proc.returncode}")
