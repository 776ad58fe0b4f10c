"""The data's fingerprint: what ``render`` stamps, and ``thidua verify FILE`` checks.

:func:`fingerprint_of` is the fingerprint of a year as it is on disk: its content digest
(:func:`thidua.compute.seal.content_digest`) and, when git says the year folder is clean
(nothing modified, staged, untracked or ignored in it, nor in the next year's
``nhiem-vu.yaml`` the report reads), the last commit that changed them. Without git, outside
a repository or before the first commit there is no commit, never an error. (In a shallow
clone that is the oldest commit the clone holds when the folder was last changed before it.)

:func:`verify_file` reads a document's fingerprint back
(:func:`thidua.present.fingerprint.read_fingerprint`), computes the fingerprint of the same
year now, and when they differ and the document names a commit git has, what changed since
(the comparison of ``thidua diff``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from thidua.compute.seal import content_digest
from thidua.errors import DataError, ThiduaError, UsageError
from thidua.present.fingerprint import MAX_DOCUMENT_BYTES, Fingerprint, Verdict, read_fingerprint
from thidua.read.load import display_path
from thidua.repo.atomic import os_reason
from thidua.repo.diff import diff_year
from thidua.repo.git import run_git
from thidua.repo.years import open_year
from thidua.year import TASKS, YearData

__all__ = ["clean_commit", "fingerprint_of", "verify_file"]


def fingerprint_of(data: YearData, data_dir: Path) -> Fingerprint:
    """The fingerprint of ``data`` (read from ``data_dir``) for the documents made from it."""
    folder = data_dir / str(data.year)
    # The report of a year reads the next year's tasks (load_next_tasks): they count too.
    also = f"../{data.year + 1}/{TASKS}"
    return Fingerprint(data.year, content_digest(data), clean_commit(folder, also))


def clean_commit(folder: Path, *also: str) -> str | None:
    """The full id of the last commit that changed ``folder`` (or the paths ``also``,
    relative to it), when they hold exactly what ``HEAD`` holds; else None.

    The last commit of the data, not ``HEAD``: a commit elsewhere in the repository (another
    year, code) leaves the stamp, and so the documents' bytes, as they were. None too when
    git is missing, ``folder`` is in no repository or git fails.
    """
    paths = [".", *also]
    try:
        status = run_git(
            ["status", "--porcelain", "--ignored", "--untracked-files=all", "--", *paths], folder
        )
        if status.returncode != 0 or status.stdout.strip():
            return None
        tracked = run_git(["ls-files", "--", "."], folder)
        if tracked.returncode != 0 or not tracked.stdout.strip():
            return None
        last = run_git(
            ["log", "-1", "--no-show-signature", "--format=%H", "HEAD", "--", *paths], folder
        )
    except ThiduaError:  # no git: a document without a commit
        return None
    commit = last.stdout.decode("ascii", "replace").strip()
    return commit if last.returncode == 0 and commit else None


def verify_file(path: Path, data_dir: Path) -> Verdict:
    """Check the document at ``path`` against the data in ``data_dir`` (module docstring)."""
    shown = display_path(path)
    content = _read(path, shown)
    found = read_fingerprint(content)
    if found is None:
        return Verdict(shown, None)
    # The seal is not checked: a sealed year changed since is exactly what to report here.
    data, problems = open_year(data_dir, found.year, seal=False)
    if data is None:
        raise DataError(problems)
    current = content_digest(data)
    if current == found.digest:
        return Verdict(shown, found, current)
    if found.commit is None:
        return Verdict(
            shown,
            found,
            current,
            why_no_changes=(
                "Văn bản không ghi phiên bản dữ liệu (lúc lập, dữ liệu có thay đổi chưa "
                "commit) nên không liệt kê được các thay đổi; xem thay đổi giữa hai phiên bản "
                f"bằng: thidua diff {found.year} PHIÊN_BẢN"
            ),
        )
    short = found.short_commit
    if any(p.is_error for p in problems):
        why = (
            f"Dữ liệu hiện tại của năm {found.year} có lỗi (xem bằng: thidua check "
            f"{found.year}) nên không liệt kê được các thay đổi."
        )
        return Verdict(shown, found, current, why_no_changes=why)
    try:
        changes = diff_year(data_dir, found.year, found.commit, None)
    except DataError:
        why = (
            f"Dữ liệu năm {found.year} ở phiên bản {short} có lỗi nên không liệt kê được các "
            f"thay đổi; xem bằng: thidua diff {found.year} {short}"
        )
        return Verdict(shown, found, current, why_no_changes=why)
    except ThiduaError:
        why = (
            f"Kho git không có phiên bản {short} mà văn bản ghi (hoặc không đọc được kho) nên "
            "không liệt kê được các thay đổi."
        )
        return Verdict(shown, found, current, why_no_changes=why)
    labelled = dataclasses.replace(
        changes, label_a=f"phiên bản {short}", label_b="dữ liệu hiện tại"
    )
    return Verdict(shown, found, current, changes=labelled)


def _read(path: Path, shown: str) -> bytes:
    if not path.is_file():
        raise UsageError(f"không có tệp {shown}")
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            return b""
        with path.open("rb") as stream:
            return stream.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise ThiduaError(f"không đọc được tệp {shown}: {os_reason(exc)}") from None
