"""What ``thidua fmt`` would change in a data folder: every year's files, opened and formatted
in memory with :func:`thidua.repo.fmt.format_source`; files with errors are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from thidua.errors import DataError, Problem
from thidua.read.load import available_years, display_path, year_folder
from thidua.repo.fmt import format_source, model_for
from thidua.repo.years import open_year
from thidua.year import year_files


@dataclass
class FilePlan:
    """One data file: where it is, and its canonical bytes if they differ from the file."""

    path: Path
    shown: str
    new: bytes | None = None

    @property
    def changed(self) -> bool:
        return self.new is not None


@dataclass
class FmtPlan:
    files: list[FilePlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files with errors, left alone


def plan(data_dir: Path, years: list[int] | None) -> FmtPlan:
    """What ``fmt`` would change in ``years`` (all years when None); reads, never writes.

    A file with an error (of its own, or found by the cross-file checks at a place in it)
    is not formatted: its problems are returned and its name is listed in ``skipped``.
    """
    result = FmtPlan()
    for year in years if years else available_years(data_dir):
        _data, problems = open_year(data_dir, year)
        folder = year_folder(data_dir, year)
        bad = {p.position.path for p in problems if p.is_error}
        result.problems.extend(p for p in problems if p.is_error)
        for name, path in year_files(folder):
            shown = display_path(path)
            model = model_for(name)
            if model is None:  # pragma: no cover - year_files yields known names only
                continue
            if shown in bad:
                result.skipped.append(shown)
                continue
            source = path.read_bytes()
            try:
                new = format_source(source, model, shown)
            except DataError as exc:
                result.problems.extend(exc.problems)
                result.skipped.append(shown)
                continue
            result.files.append(FilePlan(path, shown, None if new == source else new))
    return result
