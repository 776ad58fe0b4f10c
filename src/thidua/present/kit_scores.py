"""The conference kit's score documents: the appraisal notice to each member and the
per-criterion score annex (see :mod:`thidua.present.kit`, which puts them in the context).

The notice is the member's :class:`~thidua.present.appraisal.Appraisal`, the view
``thidua explain`` and the site's unit page share, with what a signed document adds: the
recipients and signature, the totals and rank in its words, the criteria whose points
changed and the explanations received. Points as :func:`~thidua.present.appraisal.pts` writes
them (``84,5``, ``≈26,67``), signed: a deduction reads ``-1``, as in the other documents.
Member names, never codes. Pure: no I/O, no template engine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.numbers import count
from thidua.present.appraisal import (
    Appraisal,
    appraisal,
    criterion_line,
    pts,
    rank_sentence,
    totals_line,
)
from thidua.present.context import numbering

if TYPE_CHECKING:
    from thidua.compute.results import Row, YearResult
    from thidua.present.context import DocInfo
    from thidua.year import YearData

__all__ = ["Annex", "Notice", "annex", "notice"]

# Criteria per table of the annex (a landscape page holds about this many pairs of columns).
ANNEX_COLUMNS = 12


# --- thông báo kết quả thẩm định -------------------------------------------------------------


@dataclass(frozen=True)
class Notice(Appraisal):
    """The appraisal notice to one member: its groups of criteria (each line's ``number``,
    ``name``, ``maximum``, ``self_points``, ``final_points``, ``changed``, ``reason``) and
    totals, with the document's own parts."""

    doc: DocInfo  # to the member; "Nơi nhận", signature of the notice
    totals_line: str  # "Tổng điểm tự chấm: 89 điểm; tổng điểm sau thẩm định: 88 điểm, …"
    rank_line: str  # "Thứ hạng: 2/7 đơn vị."; of a unit without scores, that it has none
    status: str | None  # not scored, not appraised
    exclusion: str | None
    changes: int  # criteria whose points changed
    table_note: str  # under the table: what the appraisal changed, how deductions read; or ""
    explained: tuple[tuple[str, str], ...]  # (criterion, giải trình) recorded


def _table_note(changes: int, appraised: bool, deductions_shown: bool) -> str:
    """The sentences under the notice's table: what the appraisal changed (nothing is said of
    an appraisal that has not taken place) and that deductions read negative."""
    parts = []
    if changes:
        parts.append(
            f"Có {count(changes)} tiêu chí được điều chỉnh điểm sau thẩm định (lý do ghi tại "
            "bảng trên)."
        )
    elif appraised:
        parts.append("Kết quả thẩm định giữ nguyên điểm tự chấm của đơn vị ở mọi tiêu chí.")
    if deductions_shown:
        parts.append("Điểm trừ ghi số âm.")
    return " ".join(parts)


def notice(result: YearResult, row: Row, doc: DocInfo, draft: bool) -> Notice:
    """The notice to ``row``'s member. ``doc`` is the notice's :class:`DocInfo` (signature,
    issuing body); it goes to the member, copied to the van-ban.yaml ``thong_bao`` recipients,
    else "Như trên" and the archive."""
    data = result.data
    score = row.score
    member = row.member
    view = appraisal(result, row)
    lines = [line for group in view.groups for line in group.lines]
    status = None
    if not view.scored:
        status = "Đơn vị chưa gửi kết quả tự chấm điểm: các tiêu chí chưa có điểm tính 0 điểm."
    elif not score.appraised:
        status = "Điểm của đơn vị chưa được thẩm định: tạm dùng điểm tự chấm."
    changes = sum(1 for line in lines if line.changed)
    return Notice(
        **vars(view),  # the appraisal's fields
        doc=_addressed(data, member, doc),
        totals_line=totals_line(view, draft=draft),
        rank_line=rank_sentence(
            result, row, units=" đơn vị", shared=True, also="kết quả tạm tính" if draft else ""
        ),
        status=status,
        exclusion=row.exclusion if not row.eligible else None,
        changes=changes,
        table_note=_table_note(changes, score.appraised, view.deductions_shown),
        explained=tuple(
            (f"{line.number}. {line.name}", line.explanation) for line in lines if line.explanation
        ),
    )


def _addressed(data: YearData, member: m.Member, doc: DocInfo) -> DocInfo:
    """``doc`` to ``member``, copied to the van-ban.yaml ``thong_bao`` recipients, else "Như
    trên" and the archive."""
    documents = data.documents
    own = documents.notice if documents is not None else None
    to = tuple(own.to) if own is not None and own.to else (member.name,)
    recipients = (
        tuple(own.recipients) if own is not None and own.recipients else ("Như trên", "Lưu: VT")
    )
    return replace(doc, to=to, recipients=recipients)


# --- phụ lục điểm chi tiết --------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexGroup:
    number: str
    maximum: str | None
    span: int  # criteria of the group in this table


@dataclass(frozen=True)
class AnnexColumn:
    number: str
    maximum: str


@dataclass(frozen=True)
class AnnexRow:
    number: int
    name: str
    self_points: tuple[str, ...]
    final_points: tuple[str, ...]
    changed: tuple[bool, ...]
    self_total: str | None  # in the last table only
    total: str | None
    rank: str | None


@dataclass(frozen=True)
class AnnexTable:
    groups: tuple[AnnexGroup, ...]
    columns: tuple[AnnexColumn, ...]
    rows: tuple[AnnexRow, ...]
    last: bool


@dataclass(frozen=True)
class Annex:
    tables: tuple[AnnexTable, ...]
    legend: tuple[str, ...]  # "1.1. Mức hoàn thành … (tối đa 30 điểm)"


def _chunks(table: m.ScoringTableFile) -> list[list[tuple[m.Group, m.Criterion]]]:
    """The criteria in tables of at most :data:`ANNEX_COLUMNS`, a group not split unless it
    is larger than a table."""
    chunks: list[list[tuple[m.Group, m.Criterion]]] = [[]]
    for group in table.groups:
        items = [(group, c) for c in group.criteria]
        if chunks[-1] and len(chunks[-1]) + len(items) > ANNEX_COLUMNS:
            chunks.append([])
        for item in items:
            if len(chunks[-1]) >= ANNEX_COLUMNS:
                chunks.append([])
            chunks[-1].append(item)
    return chunks


def annex(result: YearResult) -> Annex:
    """Every member's points per criterion, in member order (the rows of the score sheet)."""
    data = result.data
    chunks = _chunks(data.table)
    views, numbers = numbering(data.table)
    labels = {view.id: view.label for view in views}
    row_by_id = {row.member.id: row for row in result.rows}
    member_rows = [row_by_id[member_id] for member_id in result.scores]
    # One pass over every member's criteria: (self, final, changed) per criterion id.
    cells: list[dict[str, tuple[str, str, bool]]] = []
    for row in member_rows:
        mine: dict[str, tuple[str, str, bool]] = {}
        for c in row.score.criteria:
            line = criterion_line(c, numbers[c.criterion.id])
            self_shown = "" if line.self_points == "chưa có" else line.self_points
            mine[c.criterion.id] = (self_shown, line.final_points, line.changed)
        cells.append(mine)
    tables: list[AnnexTable] = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        groups: list[AnnexGroup] = []
        for group, _ in chunk:
            if groups and groups[-1].number == labels[group.id]:
                groups[-1] = replace(groups[-1], span=groups[-1].span + 1)
            else:
                top = pts(group.maximum) if group.maximum is not None else None
                groups.append(AnnexGroup(labels[group.id], top, 1))
        ids = [c.id for _, c in chunk]
        rows = []
        for number, (row, mine) in enumerate(zip(member_rows, cells, strict=True), start=1):
            score = row.score
            rows.append(
                AnnexRow(
                    number=number,
                    name=row.member.name,
                    self_points=tuple(mine[i][0] for i in ids),
                    final_points=tuple(mine[i][1] for i in ids),
                    changed=tuple(mine[i][2] for i in ids),
                    self_total=pts(score.self_total_exact) if last else None,
                    total=pts(score.total_exact) if last else None,
                    rank=(f"{row.rank}{' (đồng hạng)' if row.shared else ''}" if last else None),
                )
            )
        tables.append(
            AnnexTable(
                groups=tuple(groups),
                columns=tuple(AnnexColumn(numbers[c.id], pts(c.maximum)) for _, c in chunk),
                rows=tuple(rows),
                last=last,
            )
        )
    legend = tuple(
        f"{numbers[c.id]}. {c.name} (tối đa {pts(c.maximum)} điểm"
        + ("; điểm trừ, ghi số âm" if c.kind is m.CriterionKind.DEDUCTION else "")
        + ")"
        for group in data.table.groups
        for c in group.criteria
    )
    return Annex(tables=tuple(tables), legend=legend)
