"""``thidua import``: a filled scoring form (:mod:`thidua.present.form_read`) into a score file.

The YAML is edited with the round-trip reader and writer of ``thidua fmt``
(:func:`thidua.repo.fmt.load_round_trip`, :func:`~thidua.repo.fmt.dump_round_trip`), so
comments, key order and quoting elsewhere in the file are kept; only ``tu_cham``,
``minh_chung`` and ``giai_trinh`` of the member's criteria change (``giai_trinh`` not at
all from a form of layout 1, which has no such column), and a value equal to the one in the file
keeps its spelling. Line ends (LF or CRLF) and a byte-order mark are kept as the file had
them. The new text is checked by opening the year from a temporary copy of its YAML data
files (regular files only, never through a symbolic link, size-bounded); the score file is
written only by :meth:`ImportPlan.write`, atomically, refused if it changed since it was read.

The seal: a closed year (``trang_thai: da_ket_thuc``, sealed or not) takes no import
(:class:`YearClosed`, raised before the form is read); a dry run may still build the plan,
whose :meth:`ImportPlan.write` refuses the same way. A member already appraised keeps its
appraised scores: the import changes self-scores only, and where a new self-score now
differs from the appraisal without a reason (``ly_do``), the import is not refused for that
(``thidua check`` reports it until the reason is written) but :meth:`ImportPlan.warning`
names those criteria.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua import models as m
from thidua.compute.history import YearStatus
from thidua.errors import DataError, Position, Problem, ThiduaError, UsageError
from thidua.present.appraisal import value_text
from thidua.present.form import _member
from thidua.present.form_read import FormValue, read_form
from thidua.present.form_rules import plain_number
from thidua.present.xlsx_safety import MAX_UNZIPPED, FormError
from thidua.read.load import display_path
from thidua.read.yamlio import MAX_FILE_BYTES
from thidua.repo.atomic import ABSENT, ChangedMeanwhile, WriteError, os_reason, write_text_atomic
from thidua.repo.years import open_year
from thidua.year import OPTIONAL, REQUIRED, SCORES_DIR, TABLE, YearData

__all__ = [
    "ImportPlan",
    "Unexplained",
    "YearClosed",
    "apply_values",
    "open_for_import",
    "plan_form_import",
    "plan_import",
    "read_form_file",
]


class YearClosed(ThiduaError):
    """The year is closed: its scores are not to change until it is reopened (exit code 1).

    ``reason``: how the year stands, lower-case, e.g. ``năm 2020 đã khóa sổ ngày
    30/12/2020 (Văn phòng Khối)``; ``hint``: how to reopen it.
    """

    def __init__(self, status: YearStatus) -> None:
        if status.sealed is not None:
            text = status.sentence()
            reason = text[0].lower() + text[1:]
        else:
            reason = f"năm {status.year} đã kết thúc (trang_thai: da_ket_thuc trong khoi.yaml)"
        self.year = status.year
        self.reason = reason
        self.hint = (
            f"Muốn sửa điểm, hãy mở lại năm {status.year} bằng lệnh: "
            f'thidua reopen {status.year} --ly-do "…"'
        )
        super().__init__(f"{reason} nên không nhập được điểm. {self.hint}")


def _refuse_if_closed(data: YearData) -> YearStatus | None:
    """The year's status when it is closed, else None."""
    status = YearStatus.of(data)
    return status if status.closed else None


# --- applying the values to the YAML file ------------------------------------------------------


def _yaml_value(value: Decimal | m.Met | m.Quantity) -> Any:
    """A score value as the round-trip tree of :mod:`thidua.repo.fmt` holds it: plain text."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        pair = CommentedMap()
        pair["thuc_hien"] = plain_number(value.actual)
        pair["chi_tieu"] = plain_number(value.target)
        pair.fa.set_flow_style()  # {thuc_hien: 110, chi_tieu: 100}, as the data files write it
        return pair
    return plain_number(value)


# Text another YAML reader would take for a number, a boolean, a null or a date.
_NOT_TEXT = re.compile(
    r"[-+]?(\.?\d[\d_.,:eE+-]*|\.inf|\.nan)|y|n|yes|no|on|off|true|false|null|~|"
    r"\d{4}-\d{1,2}-\d{1,2}.*",
    re.IGNORECASE,
)


def _yaml_text(text: str) -> Any:
    """Evidence text: a literal block when it has line breaks, quoted if it looks like a number."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return LiteralScalarString(text)
    if _NOT_TEXT.fullmatch(text):
        return DoubleQuotedScalarString(text)
    return text


def _same_evidence(old: str | None, new: str | None) -> bool:
    return (old or "").strip() == (new or "").strip()


def _same_explanation(old: m.ScoreEntry | None, fv: FormValue) -> bool:
    """The form leaves the explanation as the file has it (or has no explanation column)."""
    return not fv.explained or _same_evidence(old.explanation if old else None, fv.explanation)


def apply_values(
    text: str | None,
    data: YearData,
    member_id: str,
    values: Sequence[FormValue],
) -> str:
    """The score file's new text: ``text`` with ``tu_cham``, ``minh_chung`` and ``giai_trinh``
    set from ``values``.

    ``text`` None: the member has no score file yet; a new one is started. A value equal
    to the one in the file (by value: 9.5 = 9.50) leaves the file's spelling of it alone.
    """
    from ruamel.yaml.comments import CommentedMap

    from thidua.repo.fmt import dump_round_trip, load_round_trip

    if text is None:
        text = (
            f"# Điểm năm {data.year} của đơn vị {member_id}, nhập từ biểu mẫu Excel "
            "(thidua import).\n"
            f"nam: {data.year}\n"
            f"don_vi: {member_id}\n"
            "diem: {}\n"
        )
    doc = load_round_trip(text.encode("utf-8"))
    scores = doc.get("diem")
    if not isinstance(scores, CommentedMap):
        scores = CommentedMap()
        doc["diem"] = scores
    current = data.scores.get(member_id)
    order = [c.id for g in data.table.groups for c in g.criteria]
    for fv in values:
        cid = fv.criterion.id
        old = current.scores.get(cid) if current is not None else None
        old_value = old.self_score if old is not None else None
        old_evidence = old.evidence if old is not None else None
        value_same = old_value == fv.self_score
        evidence_same = _same_evidence(old_evidence, fv.evidence)
        explanation_same = _same_explanation(old, fv)
        if value_same and evidence_same and explanation_same:
            continue
        entry = scores.get(cid)
        if not isinstance(entry, CommentedMap):
            if fv.self_score is None and fv.evidence is None and fv.explanation is None:
                continue
            entry = CommentedMap()
            _insert_in_order(scores, cid, entry, order)
        if not value_same:
            _set(
                entry,
                "tu_cham",
                None if fv.self_score is None else _yaml_value(fv.self_score),
                first=True,
            )
        if not evidence_same:
            _set(entry, "minh_chung", None if fv.evidence is None else _yaml_text(fv.evidence))
        if not explanation_same:
            text = None if fv.explanation is None else _yaml_text(fv.explanation)
            _set(entry, "giai_trinh", text, last=True)
        if not entry:
            del scores[cid]
    if scores and scores.fa.flow_style():
        scores.fa.set_block_style()
    return dump_round_trip(doc)


def _set(entry: Any, key: str, value: Any, *, first: bool = False, last: bool = False) -> None:
    if value is None:
        if key in entry:
            del entry[key]
        return
    if key in entry:
        entry[key] = value
    elif first:
        entry.insert(0, key, value)
    elif last:
        entry[key] = value  # giai_trinh after the appraisal, as the data files write it
    else:
        # minh_chung right after tu_cham when there is one, as the data files write it.
        keys = list(entry)
        pos = keys.index("tu_cham") + 1 if "tu_cham" in keys else len(keys)
        entry.insert(pos, key, value)


def _insert_in_order(scores: Any, cid: str, entry: Any, order: list[str]) -> None:
    """Insert ``cid`` after the last present criterion that precedes it in the table."""
    rank = {c: i for i, c in enumerate(order)}
    keys = [str(k) for k in scores]
    pos = len(keys)
    mine = rank[cid]
    for i, key in enumerate(keys):
        if key in rank and rank[key] > mine:
            pos = i
            break
    scores.insert(pos, cid, entry)  # the dumper quotes "1.1" (it would read as a number)


def read_form_file(path: Path) -> bytes:
    """The bytes of a filled form; too large or unreadable: FormError."""
    shown = display_path(path)
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_UNZIPPED + 1)
    except OSError as exc:
        raise FormError([f"{shown}: không đọc được tệp ({os_reason(exc)})"]) from None
    if len(content) > MAX_UNZIPPED:
        raise FormError(
            [f"{shown}: tệp quá lớn để là một biểu mẫu chấm điểm (hơn {MAX_UNZIPPED // 2**20} MB)"]
        )
    return content


# --- the whole import ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unexplained:
    """A criterion whose new self-score differs from its appraisal, with no reason given."""

    criterion: m.Criterion
    self_score: m.ScoreValue
    appraised: m.ScoreValue


@dataclass(frozen=True)
class ImportPlan:
    """What ``thidua import`` would write: the score file, its old and new text."""

    path: Path
    old: str | None  # None: the file does not exist yet
    new: str
    changed: int  # criteria whose self-score, evidence or explanation changes
    member: str = ""
    closed: YearStatus | None = None  # the year is closed: write() refuses
    appraised: bool = False  # the member has appraised scores (tham_dinh), kept as they are
    unexplained: tuple[Unexplained, ...] = ()

    def warning(self) -> list[str]:
        """Lines to tell the user when the member was appraised; empty when it was not."""
        if not self.appraised:
            return []
        lines = [
            f"Cảnh báo: đơn vị {self.member} đã được thẩm định; điểm thẩm định được giữ nguyên, "
            "biểu mẫu chỉ đổi điểm tự chấm, minh chứng và giải trình."
        ]
        if self.unexplained:
            lines.append(
                "Điểm tự chấm mới khác điểm thẩm định mà chưa ghi lý do (ly_do) ở "
                f"{len(self.unexplained)} tiêu chí:"
            )
            lines += [
                f"  - {u.criterion.id} {u.criterion.name}: tự chấm {value_text(u.self_score)}, "
                f"thẩm định {value_text(u.appraised)}"
                for u in self.unexplained
            ]
            lines.append(
                f"Hãy ghi lý do hoặc thẩm định lại trong {display_path(self.path)}; "
                "đến lúc đó thidua check báo lỗi ở các tiêu chí này."
            )
        return lines

    def write(self) -> None:
        """Write the new text, unless the file changed since it was read (ChangedMeanwhile).

        A score file linked to somewhere outside its year folder is not written (WriteError);
        nothing is written into a closed year (YearClosed).
        """
        if self.closed is not None:
            raise YearClosed(self.closed)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(self.path.parent, os_reason(exc), folder=True) from None
        expected = ABSENT if self.old is None else self.old
        year_folder = self.path.parents[1]  # <year>/diem/<file>
        write_text_atomic(self.path, self.new, expected=expected, inside=year_folder)

    def diff(self) -> str:
        """A unified diff of the score file, ``a/<path>`` → ``b/<path>``."""
        shown = display_path(self.path)
        old_lines = (self.old or "").splitlines(keepends=True)
        new_lines = self.new.splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(
                old_lines,
                new_lines,
                fromfile="/dev/null" if self.old is None else f"a/{shown}",
                tofile=f"b/{shown}",
            )
        )


def _score_path(data: YearData, member_id: str) -> Path:
    name = data.score_files.get(member_id)
    if name is not None:
        return data.folder / name
    for suffix in (".yaml", ".yml"):
        path = data.folder / SCORES_DIR / f"{member_id}{suffix}"
        if member_id in data.unreadable_scores and os.path.lexists(path):
            # The file is there but did not load: never overwrite what the user must fix.
            raise UsageError(
                f"tệp điểm {display_path(path)} đang có lỗi nên chưa nhập được; hãy sửa theo "
                f"thidua check {data.year} rồi nhập lại"
            )
    path = data.folder / SCORES_DIR / f"{member_id}.yaml"
    owner = next(
        (mid for mid, file in data.score_files.items() if data.folder / file == path), None
    )
    if owner is not None:
        # It loaded, but holds another member's scores (a warning only): not ours to write.
        raise UsageError(
            f'tệp điểm {display_path(path)} đang chứa điểm của đơn vị "{owner}" (khóa don_vi); '
            f"hãy đổi tên tệp đó thành {SCORES_DIR}/{owner}.yaml rồi nhập lại"
        )
    if os.path.lexists(path):
        raise UsageError(
            f"{display_path(path)} không phải là tệp điểm đọc được; hãy sửa theo "
            f"thidua check {data.year} rồi nhập lại"
        )
    return path


def _read_text(raw: bytes) -> tuple[str, str, bool]:
    """(text with \\n line ends, the file's line end, whether it starts with a BOM)."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline, bom


def open_for_import(data_dir: Path, year: int) -> tuple[YearData, list[Problem]]:
    """The year a form is imported into, and its problems; DataError when it does not load.

    The CLI opens the year with this, resolves the unit code typed on the command line in
    it, then plans the import (:func:`plan_form_import`): the year is read once.
    """
    data, problems = open_year(data_dir, year)
    if data is None:
        raise DataError(problems)
    return data, problems


def plan_import(
    data_dir: Path,
    year: int,
    member_id: str,
    content: bytes,
    name: str,
    *,
    closed_ok: bool = False,
) -> ImportPlan:
    """:func:`open_for_import`, then :func:`plan_form_import` (``member_id`` exactly)."""
    data, problems = open_for_import(data_dir, year)
    return plan_form_import(data, problems, member_id, content, name, closed_ok=closed_ok)


def plan_form_import(
    data: YearData,
    problems: Sequence[Problem],
    member_id: str,
    content: bytes,
    name: str,
    *,
    closed_ok: bool = False,
) -> ImportPlan:
    """Read the form, build the new score file and validate it; write nothing.

    ``data`` and ``problems``: the year as :func:`open_for_import` opened it. Raises
    :class:`FormError` for a bad form, :class:`DataError` when the scoring table has errors
    or the new file would add errors, :class:`UsageError` for an unknown member,
    :class:`YearClosed` for a closed year before the form is read, unless ``closed_ok``
    (a dry run: the plan is built, and its :meth:`~ImportPlan.write` refuses).
    """
    _member(data, member_id)
    closed = _refuse_if_closed(data)
    if closed is not None and not closed_ok:
        raise YearClosed(closed)
    table_errors = [p for p in problems if p.is_error and p.position.path == _table_path(data)]
    if table_errors:
        raise DataError(table_errors)
    values = read_form(content, name, data, member_id)
    path = _score_path(data, member_id)
    if path.exists():
        try:  # the file loaded a moment ago: a failure here means it changed since
            raw = path.read_bytes()
            text, newline, bom = _read_text(raw)
            old_text: str | None = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise ChangedMeanwhile(path) from None
        new = apply_values(text, data, member_id, values)
        new = ("\ufeff" if bom else "") + new.replace("\n", newline)
    else:
        new = apply_values(None, data, member_id, values)
        old_text = None
    changed = _count_changes(data, member_id, values)
    if changed == 0 and old_text is not None:
        new = old_text  # nothing to change: not even the quoting of other values
    appraised, unexplained = _unexplained(data, member_id, values)
    if old_text != new:
        _validate(data, member_id, path, new, {u.criterion.id for u in unexplained})
    return ImportPlan(
        path, old_text, new, changed, member_id, closed, appraised, tuple(unexplained)
    )


def _unexplained(
    data: YearData, member_id: str, values: Sequence[FormValue]
) -> tuple[bool, list[Unexplained]]:
    """(whether the member has appraised scores, the criteria where the self-score after
    the import differs from the appraisal with no reason), in table order."""
    current = data.scores.get(member_id)
    if current is None or all(e.appraised is None for e in current.scores.values()):
        return False, []
    new = {fv.criterion.id: fv.self_score for fv in values}
    out: list[Unexplained] = []
    for group in data.table.groups:
        for crit in group.criteria:
            entry = current.scores.get(crit.id)
            if entry is None or entry.appraised is None or (entry.reason or "").strip():
                continue
            value = new.get(crit.id, entry.self_score)
            if value is not None and value != entry.appraised:
                out.append(Unexplained(crit, value, entry.appraised))
    return True, out


def _table_path(data: YearData) -> str:
    return data.pos(TABLE).path


def _count_changes(data: YearData, member_id: str, values: Sequence[FormValue]) -> int:
    current = data.scores.get(member_id)
    n = 0
    for fv in values:
        old = current.scores.get(fv.criterion.id) if current is not None else None
        same = (
            (old.self_score if old else None) == fv.self_score
            and _same_evidence(old.evidence if old else None, fv.evidence)
            and _same_explanation(old, fv)
        )
        n += not same
    return n


def _missing(data: YearData, member_id: str) -> int:
    score = data.scores.get(member_id)
    n = 0
    for group in data.table.groups:
        for crit in group.criteria:
            entry = score.scores.get(crit.id) if score is not None else None
            n += entry is None or (entry.self_score is None and entry.appraised is None)
    return n


def _data_names(folder: Path) -> list[str]:
    """The year's data files the loader reads, relative: top-level files and diem/*.y(a)ml."""
    names = [*REQUIRED, *OPTIONAL]
    scores = folder / SCORES_DIR
    if scores.is_dir() and not scores.is_symlink():
        with os.scandir(scores) as entries:
            names += [
                f"{SCORES_DIR}/{e.name}"
                for e in entries
                if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")
            ]
    return names


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The first ``limit`` + 1 bytes of a regular file; None for a symlink, a device, a FIFO,
    a folder or a missing file (never followed, never blocked on)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _copy_data_files(folder: Path, target: Path) -> None:
    """Copy the year's YAML data files (only those, regular files only) into ``target``.

    A file too large to load is copied cut just past the loader's limit, so that the
    loader refuses the copy as it refuses the original.
    """
    (target / SCORES_DIR).mkdir(parents=True)
    for name in _data_names(folder):
        content = _read_regular(folder / name, MAX_FILE_BYTES)
        if content is not None:
            (target / name).write_bytes(content)


def _validate(data: YearData, member_id: str, path: Path, new: str, unexplained: set[str]) -> None:
    """Load the year from a temporary copy holding ``new``; refuse if errors appear.

    Errors the year already had are not this import's business, nor is the seal (a closed
    year takes no import; a dry run on one shows what would change). The "scores missing"
    error of a closed year is tolerated while the import does not add missing criteria.
    So is an appraisal of a criterion in ``unexplained`` that now differs from the
    self-score without a reason: the appraisal is kept, and the import warns instead.
    """
    rel = path.relative_to(data.folder)
    with tempfile.TemporaryDirectory(prefix="thidua-import-") as tmp:
        tmp_year = Path(tmp) / str(data.year)
        _copy_data_files(data.folder, tmp_year)
        before_data, before = open_year(Path(tmp), data.year, seal=False)
        target = tmp_year / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new.encode("utf-8"))
        after_data, after = open_year(Path(tmp), data.year, seal=False)
        tmp_shown = display_path(tmp_year)
        real_shown = display_path(data.folder)
        own = display_path(target)

        def key(p: Problem) -> tuple[str, ...]:
            if p.position.path == own:
                return ("own", p.message)
            return (p.position.path, str(p.position.line), str(p.position.column), p.message)

        known = Counter(key(p) for p in before if p.is_error)
        fresh: list[Problem] = []
        incomplete = None
        kept: set[Position] = set()
        if after_data is not None and rel.as_posix() in after_data.sources:
            incomplete = after_data.pos(rel.as_posix(), ("diem",))
            kept = {
                after_data.pos(rel.as_posix(), ("diem", cid, "tham_dinh")) for cid in unexplained
            }
        more_missing = (
            after_data is None
            or before_data is None
            or _missing(after_data, member_id) > _missing(before_data, member_id)
        )
        for p in after:
            if not p.is_error:
                continue
            k = key(p)
            if known[k] > 0:
                known[k] -= 1
                continue
            if p.position == incomplete and not more_missing:
                continue
            if p.position in kept and "cần ghi lý do" in p.message:
                continue
            shown = p.position.path.replace(tmp_shown, real_shown, 1)
            fresh.append(
                Problem(
                    type(p.position)(shown, p.position.line, p.position.column),
                    p.message,
                    p.severity,
                )
            )
    if fresh:
        raise DataError(fresh)
