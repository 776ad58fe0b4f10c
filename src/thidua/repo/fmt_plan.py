"""What ``thidua fmt`` would change in a data folder: every year's files, opened and formatted
in memory with :func:`thidua.repo.fmt.format_source`; files with errors are left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from thidua.errors import DataError, Position, Problem, error
from thidua.read.load import available_years, display_path, year_folder
from thidua.read.yamlio import read_file
from thidua.repo.fmt import format_source, model_for
from thidua.repo.years import open_year
from thidua.year import year_files


@dataclass
class FilePlan:
    """One data file: where it is, the bytes read, and the canonical bytes if they differ.

    ``read_only`` is set for a file that needs formatting but that the user may not write
    (no write permission bit): the CLI leaves it alone and says so.
    """

    path: Path
    shown: str
    source: bytes
    new: bytes | None = None
    read_only: bool = False

    @property
    def changed(self) -> bool:
        return self.new is not None


@dataclass
class FmtPlan:
    files: list[FilePlan] = field(default_factory=list)
    # fmt's own problems (a file outside the data folder, one unreadable meanwhile): no
    # other command reports them, so fmt prints them
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # left alone for those problems
    # files left alone for data errors: ``thidua check`` prints those, fmt only names them
    with_errors: list[str] = field(default_factory=list)


_MSG_OUTSIDE = (
    "tệp này thực ra là {real} (qua liên kết tượng trưng), nằm ngoài thư mục dữ liệu "
    "{data}; fmt không sửa tệp ngoài thư mục dữ liệu"
)


def _outside(path: Path, root: Path) -> Path | None:
    """The real path of ``path`` if it lies outside ``root`` (followed through links)."""
    real = Path(os.path.realpath(path))
    return None if root in real.parents else real


def _read_only(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:  # gone meanwhile: the write will notice (expected=)
        return False
    return not (mode & 0o222) or not os.access(path, os.W_OK)


def plan(data_dir: Path, years: list[int] | None) -> FmtPlan:
    """What ``fmt`` would change in ``years`` (all years when None); reads, never writes.

    A file with a data error (of its own, or found by the cross-file checks at a place in
    it) is not formatted: its name is listed in ``with_errors`` (its problems are
    ``check``'s to print). A file that cannot be read or formatted, and a file to change
    whose real path (through symbolic links) is outside ``data_dir``, are not formatted
    either: their problems are returned and their names listed in ``skipped``.
    A linked file inside ``data_dir`` is written through its link.
    """
    result = FmtPlan()
    root = Path(os.path.realpath(data_dir))
    for year in years if years else available_years(data_dir):
        _data, problems = open_year(data_dir, year)
        folder = year_folder(data_dir, year)
        bad = {p.position.path for p in problems if p.is_error}
        for name, path in year_files(folder):
            shown = display_path(path)
            model = model_for(name)
            if model is None:  # pragma: no cover - year_files yields known names only
                continue
            if shown in bad:
                result.with_errors.append(shown)
                continue
            try:  # read again: the loader's copy is not kept, and it may have changed
                source = read_file(path, shown)
                new = format_source(source, model, shown)
            except DataError as exc:
                result.problems.extend(exc.problems)
                result.skipped.append(shown)
                continue
            if new == source:
                result.files.append(FilePlan(path, shown, source))
                continue
            real = _outside(path, root)
            if real is not None:
                message = _MSG_OUTSIDE.format(real=real, data=display_path(data_dir))
                result.problems.append(error(Position(shown), message))
                result.skipped.append(shown)
                continue
            result.files.append(FilePlan(path, shown, source, new, _read_only(path)))
    return result
