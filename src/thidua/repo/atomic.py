"""Write a file so that a crash leaves either the old content or the new, never half of it.

The new content goes to a temporary file in the same folder (so the final rename stays on
one file system), is flushed and ``fsync``-ed, gets the permissions the old file had (or
the usual ones for a new file), and then replaces the target with :func:`os.replace`,
which is atomic on POSIX and on Windows. Where the platform allows it, the folder is
synced too, so that the rename itself survives a power cut.

Text is written as UTF-8 exactly as given: no newline translation, no BOM.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["create_dir_atomic", "write_bytes_atomic", "write_text_atomic"]


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring)."""
    target = Path(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    sync_dir(target.parent)


def write_text_atomic(path: Path | str, text: str) -> None:
    """Replace ``path`` with ``text`` encoded as UTF-8, atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def create_dir_atomic(
    target: Path, files: Mapping[str, bytes], check: Callable[[Path], None] | None = None
) -> None:
    """Create the folder ``target`` holding ``files`` (``"a.yaml"``, ``"sub/b.yaml"``) at once.

    The folder is built under a hidden temporary folder next to ``target``, with the same
    name as ``target``; ``check`` (if given) may inspect it there and raise to abandon it;
    then it is renamed into place. Either the whole folder appears or nothing does.
    Raises :class:`FileExistsError` if ``target`` exists (nothing is written then).
    """
    if target.exists():
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        built = holder / target.name
        built.mkdir(mode=0o777)
        for name, data in files.items():
            path = built.joinpath(*name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        if check is not None:
            check(built)
        if target.exists():  # appeared meanwhile: never replace someone's folder
            raise FileExistsError(str(target))
        built.rename(target)
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
