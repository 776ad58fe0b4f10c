"""``thidua diff YEAR [REV_A [REV_B]]``: read both sides of a year from git, then compare.

Revision A defaults to ``HEAD``, revision B to the working tree (the files as they are on
disk now). Each side is opened as ``thidua check`` opens it; a side with errors stops the
comparison, with its problems shown as ``REV:path:line:col``. The comparison itself is
:mod:`thidua.compute.compare`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from thidua.compute.compare import YearDiff, compare
from thidua.compute.ranking import rank_year
from thidua.errors import DataError, Position, Problem, ThiduaError
from thidua.read.load import display_path
from thidua.repo.atomic import os_reason
from thidua.repo.git import GitRepo, find_repo
from thidua.repo.years import open_year
from thidua.year import YearData

__all__ = ["diff_year"]

WORKTREE = "thư mục làm việc"


# --------------------------------------------------------------------------- git


def diff_year(data_dir: Path, year: int, rev_a: str | None, rev_b: str | None) -> YearDiff:
    """Compare ``year`` at ``rev_a`` (default HEAD) with ``rev_b`` (default working tree)."""

    repo = find_repo(data_dir)
    folder = repo.relative(data_dir) / str(year)
    label_a = rev_a or "HEAD"
    try:
        temporary = tempfile.TemporaryDirectory(prefix="thidua-diff-")
    except OSError as exc:
        raise ThiduaError(
            "không tạo được thư mục tạm để chép các phiên bản ra so sánh "
            f"({os_reason(exc)}); hãy kiểm tra thư mục tạm của hệ thống (biến môi "
            "trường TMPDIR, TEMP hoặc TMP)"
        ) from None
    with temporary as tmp:
        side_a = _at_revision(repo, label_a, folder, year, Path(tmp) / "a")
        if rev_b is None:
            label_b = WORKTREE
            if not (data_dir / str(year)).is_dir():
                raise ThiduaError(
                    f"năm {year} không có trong {WORKTREE}: thiếu thư mục "
                    f"{display_path(data_dir / str(year))}"
                )
            side_b = _checked(open_year(data_dir, year, seal=False), None, None)
        else:
            label_b = rev_b
            side_b = _at_revision(repo, rev_b, folder, year, Path(tmp) / "b")
        return compare(rank_year(side_a), rank_year(side_b), label_a, label_b)


def _at_revision(repo: GitRepo, rev: str, folder: PurePosixPath, year: int, dest: Path) -> YearData:
    if not repo.export(rev, folder, dest / str(year)):
        raise ThiduaError(f'năm {year} không có ở phiên bản "{rev}": thiếu thư mục {folder}')
    return _checked(open_year(dest, year, seal=False), dest, f"{rev}:{folder.parent}")


def _checked(
    loaded: tuple[YearData | None, list[Problem]], tmp: Path | None, shown: str | None
) -> YearData:
    """The data, or DataError with paths inside ``tmp`` shown as ``REV:path``."""
    data, problems = loaded
    errors = [p for p in problems if p.is_error]
    if data is not None and not errors:
        return data
    if tmp is not None and shown is not None:
        prefix = display_path(tmp)
        errors = [_relocate(p, prefix, shown) for p in errors]
    raise DataError(errors)


def _relocate(problem: Problem, prefix: str, shown: str) -> Problem:
    path = problem.position.path
    if path.startswith(prefix):
        path = shown + path[len(prefix) :].replace("\\", "/")
    pos = Position(path, problem.position.line, problem.position.column)
    return Problem(pos, problem.message, problem.severity)
