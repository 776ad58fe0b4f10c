"""One cluster-year: the names of its files and :class:`YearData`, the validated bundle.

The files of one year (see docs/data-format.md):

    khoi.yaml        the cluster, members, leader and deputy, the year's state  (required)
    quy-che.yaml     the regulation: ranking keys, vote thresholds, awards      (required)
    tieu-chi.yaml    the scoring table                                           (required)
    nhiem-vu.yaml    focus tasks and emulation movements                         (optional)
    diem/<ID>.yaml   one member's scores, one file per member                    (optional)
    phieu-bau.yaml   secret-ballot results                                       (optional)
    hoi-nghi.yaml    the year-end conference                                     (optional)
    van-ban.yaml     the report's own words, who signs, to whom                  (optional)
    khoa-so.yaml     the seal: when the year was closed (reopened), by whom       (optional)

Read by :mod:`thidua.read.load`; everything above the reader works on :class:`YearData`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from thidua import models as m
from thidua.errors import Position
from thidua.sources import SourceMap, YamlPath

CLUSTER = "khoi.yaml"
REGULATION = "quy-che.yaml"
TABLE = "tieu-chi.yaml"
TASKS = "nhiem-vu.yaml"
BALLOTS = "phieu-bau.yaml"
CONFERENCE = "hoi-nghi.yaml"
SEAL = "khoa-so.yaml"
DOCUMENTS = "van-ban.yaml"
SCORES_DIR = "diem"

REQUIRED: dict[str, type[m.Model]] = {
    CLUSTER: m.ClusterFile,
    REGULATION: m.RegulationFile,
    TABLE: m.ScoringTableFile,
}
OPTIONAL: dict[str, type[m.Model]] = {
    TASKS: m.TasksFile,
    BALLOTS: m.BallotsFile,
    CONFERENCE: m.ConferenceFile,
    DOCUMENTS: m.DocumentsFile,
    SEAL: m.SealFile,
}
FILE_LABELS = {
    CLUSTER: "thông tin Khối và thành viên",
    REGULATION: "quy chế xếp hạng",
    TABLE: "bảng tiêu chí",
    TASKS: "nhiệm vụ trọng tâm và phong trào",
    BALLOTS: "kết quả bỏ phiếu",
    CONFERENCE: "hội nghị tổng kết",
    DOCUMENTS: "lời văn báo cáo, người ký, nơi nhận",
    SEAL: "lịch sử khóa sổ",
}

# Each tone-ambiguous word's spellings seen in a year, with the first place of each.
Spellings = dict[str, dict[str, Position]]


@dataclass
class YearData:
    """One cluster-year: the validated files and where each came from.

    ``sources`` maps a file's name inside the year folder (``khoi.yaml``,
    ``diem/NHNN.yaml``) to its source map, for positions in later checks.
    """

    year: int
    folder: Path
    cluster: m.ClusterFile
    regulation: m.RegulationFile
    table: m.ScoringTableFile
    tasks: m.TasksFile | None = None
    ballots: m.BallotsFile | None = None
    conference: m.ConferenceFile | None = None
    documents: m.DocumentsFile | None = None
    seal: m.SealFile | None = None
    scores: dict[str, m.ScoreFile] = field(default_factory=dict)
    sources: dict[str, SourceMap] = field(default_factory=dict)
    score_files: dict[str, str] = field(default_factory=dict)  # member id -> file name
    # Stems of score files that failed to load: their problems are already reported,
    # so the member must not also be reported as having no scores.
    unreadable_scores: set[str] = field(default_factory=set)
    spellings: Spellings = field(default_factory=dict)  # for the tone-placement check
    # The current directory when the year was read, given by the reader: paths in
    # messages are shown relative to it without looking at the environment again.
    cwd: str | None = None

    def shown(self, file: str) -> str:
        """``file`` (a name inside the year folder) as messages show it."""
        path = self.folder / file
        return str(path) if self.cwd is None else shown_path(path, self.cwd)

    def pos(self, file: str, path: YamlPath = ()) -> Position:
        src = self.sources.get(file)
        if src is None:
            return Position(self.shown(file), 1, 1)
        return src.at(path)

    def key_pos(self, file: str, path: YamlPath) -> Position:
        src = self.sources.get(file)
        if src is None:
            return self.pos(file)
        return src.key_at(path)

    @property
    def final(self) -> bool:
        """The year's results are final: the year is over and not reopened.

        A year still in progress, or reopened after closing (its seal's last event is a
        reopening), is provisional: documents are drafts and results "tạm tính".
        """
        if self.cluster.state is not m.YearState.CLOSED:
            return False
        return self.seal is None or self.seal.last.action is m.SealAction.CLOSE

    @property
    def member_ids(self) -> list[str]:
        return [member.id for member in self.cluster.members]

    @property
    def illustrative(self) -> bool:
        return (
            self.cluster.illustrative
            or self.regulation.illustrative
            or self.table.illustrative
            or (self.ballots is not None and self.ballots.illustrative)
            or (self.documents is not None and self.documents.illustrative)
            or any(s.illustrative for s in self.scores.values())
        )


def shown_path(path: Path, cwd: str) -> str:
    """``path`` relative to ``cwd`` when below it, so editors can jump to it; else as given."""
    folder = _shown_folder(str(path.parent), cwd)
    if folder is None:
        return str(path)
    return path.name if folder == "." else str(Path(folder, path.name))


@functools.lru_cache(maxsize=64)
def _shown_folder(folder: str, cwd: str) -> str | None:
    # relpath is lexical, so a file's relative path is its folder's plus its name; a
    # large year has a thousand files in one folder (relpath costs ~0.1 ms a call).
    try:
        rel = os.path.relpath(Path(cwd, folder), cwd)
    except ValueError:  # another drive on Windows
        return None
    return None if rel.startswith("..") else rel


def score_paths(folder: Path) -> list[Path]:
    """The score files of a year folder (``diem/*.yaml``, ``*.yml``), sorted by name."""
    scores = folder / SCORES_DIR
    if not scores.is_dir():
        return []
    return [p for p in sorted(scores.iterdir()) if p.suffix in (".yaml", ".yml")]


def year_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The data files of a year folder that thidua reads, as (name, path)."""
    for name in (*REQUIRED, *OPTIONAL):
        path = folder / name
        if path.is_file():
            yield name, path
    for path in score_paths(folder):
        if path.is_file():
            yield f"{SCORES_DIR}/{path.name}", path
