"""Write a file so that a crash leaves either the old content or the new, never half of it.

The new content goes to a temporary file ``.NAME.<random>.tmp`` in the same folder (so the
final rename stays on one file system), is flushed and ``fsync``-ed, gets the permissions
the old file had (or the usual ones for a new file), and then replaces the target with
:func:`os.replace`, which is atomic on POSIX and on Windows. Where the platform allows
it, the folder is synced too, so that the rename itself survives a power cut.

Text is written as UTF-8 exactly as given: no newline translation, no BOM.

Failures: every :class:`OSError` (disk full, no permission, read-only file system, ...)
becomes a :class:`WriteError` naming the file, in Vietnamese; the temporary file is
removed and the target is left as it was.

Lost updates: a caller that read the file, computed new content and writes it back passes
what it read as ``expected``. Right before the rename the target is read again and must
still be the same file (device and inode as when the write started) holding exactly
``expected``; otherwise nothing is written and :class:`ChangedMeanwhile` is raised.
``expected=None`` means no check; ``expected=ABSENT`` means the target must not exist
(a new file); ``expected=b""`` means it exists and is empty.

Symlinks: writing to a symbolic link writes the file it points to (the link stays a link;
the temporary file is made next to the real file). A caller that must stay inside a folder
passes ``inside=``: a target whose real path is outside that folder (through a linked file
or a linked folder) is refused with a :class:`WriteError`.

Stale temporary files: a write killed half-way leaves ``.NAME.<random>.tmp``; the next
write of NAME removes such files of the current user that are older than
:data:`STALE_AFTER` seconds. Younger ones may belong to a writer still running, and are
left alone.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, Literal

from thidua.errors import ThiduaError
from thidua.read.load import display_path

__all__ = [
    "ABSENT",
    "STALE_AFTER",
    "ChangedMeanwhile",
    "WriteError",
    "create_dir_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]

STALE_AFTER: Final = 3600.0  # seconds; a temporary file this old belongs to a dead writer


class _Absent(enum.Enum):
    ABSENT = "absent"


ABSENT: Final = _Absent.ABSENT
"""``expected=ABSENT``: the target must not exist when it is written."""

Expected = bytes | Literal[_Absent.ABSENT] | None

_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM)
_REASONS = {
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.EEXIST: "đã có một tệp hoặc thư mục trùng tên",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.EISDIR: "đường dẫn là một thư mục",
    errno.ENOENT: "không có thư mục chứa nó",
    errno.ENAMETOOLONG: "tên quá dài",
    errno.EIO: "lỗi đọc ghi của ổ đĩa",
}


def _shown(path: Path) -> str:
    return display_path(path)


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Vietnamese."""
    if exc.errno in _FULL:
        return "ổ đĩa đã đầy"
    if exc.errno in _DENIED:
        return "không có quyền ghi"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"lỗi của hệ điều hành ({exc.strerror or exc})"


class WriteError(ThiduaError):
    """A file or folder could not be written; nothing was half-written (exit code 1)."""

    def __init__(self, path: Path, reason: str, *, folder: bool = False) -> None:
        self.path = path
        what = "thư mục" if folder else "tệp"
        super().__init__(f"không ghi được {what} {_shown(path)}: {reason}; không có gì bị ghi dở")

    @classmethod
    def from_os_error(cls, path: Path, exc: OSError, *, folder: bool = False) -> WriteError:
        return cls(path, os_reason(exc), folder=folder)


class ChangedMeanwhile(WriteError):
    """The target changed after it was read: it is left alone (exit code 1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        ThiduaError.__init__(
            self,
            f"tệp {_shown(path)} đã được sửa trong lúc thidua đang chạy; thidua không ghi "
            "đè để không làm mất thay đổi đó — hãy chạy lại lệnh",
        )


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _unchanged(real: Path, expected: Expected, identity: tuple[int, int] | None) -> bool:
    """Is ``real`` still the file (and content) the caller expects?"""
    if expected is None:
        return True
    if expected is ABSENT:
        return _identity(real) is None
    try:
        with real.open("rb") as stream:
            now = os.fstat(stream.fileno())
            data = stream.read()
    except FileNotFoundError:
        return False
    return identity == (now.st_dev, now.st_ino) and data == expected


def _remove_stale(folder: Path, name: str) -> None:
    """Remove this user's temporary files for ``name`` left by a killed writer."""
    prefix = f".{name}."
    uid = os.getuid() if hasattr(os, "getuid") else None
    limit = time.time() - STALE_AFTER
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if uid is not None and st.st_uid != uid:
                    continue
                if st.st_mtime >= limit:
                    continue
                if stat.S_ISREG(st.st_mode):
                    Path(entry.path).unlink()
                elif stat.S_ISDIR(st.st_mode):
                    shutil.rmtree(entry.path, ignore_errors=True)


def _real_target(target: Path, inside: Path | None) -> Path:
    real = Path(os.path.realpath(target))
    if inside is not None:
        root = Path(os.path.realpath(inside))
        if real != root and root not in real.parents:
            raise WriteError(
                target,
                f"đường dẫn này trỏ ra ngoài thư mục {_shown(inside)} (qua liên kết tượng "
                f"trưng, tới {real}); thidua không ghi ra ngoài thư mục đó",
            )
    return real


def write_bytes_atomic(
    path: Path | str,
    data: bytes,
    *,
    expected: Expected = None,
    inside: Path | None = None,
) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring).

    Raises :class:`ChangedMeanwhile` if ``expected`` is given and the target no longer
    matches it, :class:`WriteError` for every other failure.
    """
    target = Path(path)
    real = _real_target(target, inside)
    try:
        identity = _identity(real)
        if not _unchanged(real, expected, identity):
            raise ChangedMeanwhile(target)
        try:
            mode = stat.S_IMODE(real.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        _remove_stale(real.parent, real.name)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise WriteError.from_os_error(target, exc) from None
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.chmod(mode)
        if not _unchanged(real, expected, identity):
            raise ChangedMeanwhile(target)
        tmp.replace(real)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteError.from_os_error(target, exc) from None
        raise
    sync_dir(real.parent)


def write_text_atomic(
    path: Path | str,
    text: str,
    *,
    expected: str | Expected = None,
    inside: Path | None = None,
) -> None:
    """Replace ``path`` with ``text`` encoded as UTF-8, atomically (see the module docstring)."""
    if isinstance(expected, str):
        expected = expected.encode("utf-8")
    write_bytes_atomic(path, text.encode("utf-8"), expected=expected, inside=inside)


def create_dir_atomic(
    target: Path, files: Mapping[str, bytes], check: Callable[[Path], None] | None = None
) -> None:
    """Create the folder ``target`` holding ``files`` (``"a.yaml"``, ``"sub/b.yaml"``) at once.

    The folder is built under a hidden temporary folder next to ``target``, with the same
    name as ``target``; ``check`` (if given) may inspect it there and raise to abandon it;
    then it is renamed into place. Either the whole folder appears or nothing does.
    Raises :class:`FileExistsError` if ``target`` exists (nothing is written then), and
    :class:`WriteError` (naming ``target``) for any other operating-system failure.
    """
    if target.exists():
        raise FileExistsError(str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target.parent, target.name)
        holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise WriteError.from_os_error(target, exc, folder=True) from None
    try:
        built = holder / target.name
        built.mkdir(mode=0o777)
        for name, data in files.items():
            path = built.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        if check is not None:
            check(built)
        if target.exists():  # appeared meanwhile: never replace someone's folder
            raise FileExistsError(str(target))
        try:
            built.rename(target)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise FileExistsError(str(target)) from None
            raise
    except FileExistsError:
        raise
    except OSError as exc:
        raise WriteError.from_os_error(target, exc, folder=True) from None
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    sync_dir(target.parent)


def sync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable, where the platform supports it."""
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals renames.
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
