"""The page of one unit in one year (``<năm>/<MÃ>.html`` of :mod:`thidua.present.site`).

What ``thidua explain YEAR UNIT`` says, laid out as a page: each criterion's maximum, the
self-assessed and the appraised value with the points each gives, the final points, the
appraisal's reason, the unit's explanation and, for a quantitative or counted criterion, how
the points are computed (:attr:`~thidua.compute.scoring.CriterionResult.formula`); each
group's and the whole total; the votes, the rank and what separates the unit from its
neighbours; its outcome. Points as ``explain`` and the appraisal notice print them
(:func:`thidua.present.kit_scores.pts`: ``84,5``, ``≈26,67``), a deduction as a negative
number. A chart sets the unit's group scores against the cluster's best and average, with
its table. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import separation_text
from thidua.numbers import points
from thidua.present import charts
from thidua.present.context import numbering
from thidua.present.docparts import curly
from thidua.present.explain import _vote_lines, value_text
from thidua.present.kit_scores import RECALCULATED, pts
from thidua.present.site_parts import Cell, Column, Figure, Link, Table, decimal, inline_svg
from thidua.present.wording import NOT_APPRAISED, outcome_note

if TYPE_CHECKING:
    from thidua.compute.results import Election, Row, YearResult
    from thidua.compute.scoring import CriterionResult
    from thidua.present.site_docs import DocLinks

__all__ = ["CriterionLine", "GroupBlock", "UnitView", "row_note", "unit_page"]


def row_note(row: Row) -> str:
    """The note of ``thidua rank``: the outcome (ties explained), then "chưa thẩm định"."""
    note = outcome_note(row, ties=True)
    parts = [note] if note else []
    if not row.score.appraised:
        parts.append(NOT_APPRAISED)
    return "; ".join(parts)


@dataclass(frozen=True)
class CriterionLine:
    number: str  # "1.2"
    name: str
    kind: str  # "định lượng"
    maximum: str
    self_score: str  # "thực hiện 106, chỉ tiêu 100 → 9,5", "đạt → 10", "9,5", "chưa có"
    appraised: str  # likewise; "" when the appraisal kept the self-assessed score
    kept: bool  # the appraisal gave no value: the self-assessed score stands
    final: str  # "9,5"; a deduction "-1"; "0 (chưa có điểm)"
    notes: tuple[str, ...]  # "Lý do: …", "Giải trình: …", "Cách tính: …"


@dataclass(frozen=True)
class GroupBlock:
    number: str
    name: str
    maximum: str | None
    lines: tuple[CriterionLine, ...]
    self_total: str
    total: str


@dataclass(frozen=True)
class UnitView:
    member: m.Member
    status: str | None  # no score file; not appraised
    groups: tuple[GroupBlock, ...]
    self_total: str
    total: str
    bonus: str
    deductions: str
    deduction_shown: bool
    kept: bool  # some criterion kept its self-assessed score (an empty "Thẩm định" cell)
    rank: str  # "Thứ hạng: 2/7."
    rank_lines: tuple[str, ...]  # the order of keys, ties, neighbours, exclusion
    votes: tuple[str, ...]
    outcome: tuple[str, ...]
    figure: Figure
    documents: tuple[tuple[str, tuple[Link, ...]], ...]
    previous: Link | None
    following: Link | None


def _stage(value: object, earned: Fraction | None, sign: int, per_count: bool) -> str:
    """A value as entered and the points it gives, as ``explain`` says it."""
    shown = value_text(value) + (" lần" if per_count else "")
    if earned is None:
        return f"{shown} (không tính được điểm)"
    if isinstance(value, m.Met | m.Quantity) or per_count:
        return f"{shown} → {pts(sign * earned)}"
    return pts(sign * earned)


def criterion_line(c: CriterionResult, number: str) -> CriterionLine:
    crit = c.criterion
    entry = c.entry
    sign = -1 if c.deduction else 1
    per_count = crit.kind is m.CriterionKind.PER_COUNT
    self_value = entry.self_score if entry is not None else None
    appraised_value = entry.appraised if entry is not None else None
    if self_value is None:
        self_text = "chưa có"
    else:
        self_text = _stage(self_value, c.self_exact, sign, per_count)
    appraised_text = ""
    if appraised_value is not None:
        appraised_text = _stage(appraised_value, c.appraised_exact, sign, per_count)
    notes: list[str] = []
    if c.missing:
        final = "0 (chưa có điểm)"
    else:
        final = pts(sign * c.final_exact)
        if c.appraised_points is None and c.final_exact != c.self_exact:
            notes.append(RECALCULATED[:1].upper() + RECALCULATED[1:] + ".")
    if entry is not None and entry.reason:
        notes.append(f"Lý do: {entry.reason}")
    if entry is not None and entry.explanation:
        notes.append(f"Giải trình: {entry.explanation}")
    if c.formula:
        notes.append(f"Cách tính: {c.formula}")
    return CriterionLine(
        number=number,
        name=crit.name,
        kind=crit.kind.label,
        maximum=points(crit.maximum),
        self_score=self_text,
        appraised=appraised_text,
        kept=appraised_value is None and c.self_points is not None,
        final=final,
        notes=tuple(notes),
    )


def _rank_lines(result: YearResult, index: int) -> tuple[str, tuple[str, ...]]:
    """The rank, then why, in the words of ``thidua explain``."""
    row = result.rows[index]
    member_id = row.member.id
    shared = ", đồng hạng" if row.shared else ""
    rank = f"Thứ hạng: {row.rank}/{len(result.rows)}{shared}."
    keys = result.keys
    lines = ["Thứ tự xét: " + "; ".join(f"{k.label} {k.show(member_id)}" for k in keys) + "."]
    # The rows sharing a rank are next to each other: look no further than they go.
    first, last = _tied(result.rows, index)
    tied = [r for r in result.rows[first : last + 1] if r is not row]
    if tied:
        names = ", ".join(r.member.name for r in tied)
        lines.append(f"Đồng hạng {row.rank} với {names}: bằng nhau ở mọi khóa xếp hạng.")
    above = result.rows[first - 1] if first > 0 else None
    below = result.rows[last + 1] if last + 1 < len(result.rows) else None
    if above is not None:
        why = separation_text(keys, above.member.id, member_id)
        lines.append(f"Xếp sau {above.member.name} (hạng {above.rank}): {why}.")
    if below is not None:
        why = separation_text(keys, member_id, below.member.id)
        lines.append(f"Xếp trên {below.member.name} (hạng {below.rank}): {why}.")
    if not row.eligible:
        lines.append(
            f"Không được xét: {row.exclusion} (không thể là đơn vị dẫn đầu, không được đề "
            "nghị khen thưởng)."
        )
    return rank, tuple(lines)


def _tied(rows: Sequence[Row], index: int) -> tuple[int, int]:
    """The first and last index of the run of rows around ``index`` that share its rank."""
    rank = rows[index].rank
    first, last = index, index
    while first > 0 and rows[first - 1].rank == rank:
        first -= 1
    while last + 1 < len(rows) and rows[last + 1].rank == rank:
        last += 1
    return first, last


def _election(result: YearResult, election: Election) -> str:
    assert election.member is not None
    return f"{election.office} năm {result.data.year + 1}: {election.member.name} ({election.how})."


def _outcome(result: YearResult, row: Row) -> tuple[str, ...]:
    lines: list[str] = []
    if row.leading:
        lines.append(f"Đơn vị dẫn đầu Khối: {result.leading_reason}")
    elif result.leading is not None:
        lines.append(f"Đơn vị dẫn đầu Khối là {result.leading.name}.")
    else:
        lines.append(result.leading_reason)
    if row.awards:
        lines.append("Đề nghị khen thưởng: " + "; ".join(row.awards) + ".")
    for election in (result.next_leader, result.next_deputy):
        if election.member is not None and election.member.id == row.member.id:
            lines.append(_election(result, election))
    return tuple(lines)


@dataclass(frozen=True)
class Standing:
    """The cluster's best and average points of each criteria group, in table order."""

    best: tuple[Fraction, ...]
    average: tuple[Fraction, ...]


def standing(result: YearResult) -> Standing:
    """Computed once a year, for every unit's chart."""
    groups, _ = numbering(result.data.table)
    everyone = [r.score for r in result.rows]
    return Standing(
        tuple(max(s.groups_exact[g.id] for s in everyone) for g in groups),
        tuple(
            sum((s.groups_exact[g.id] for s in everyone), Fraction(0)) / len(everyone)
            for g in groups
        ),
    )


def unit_figure(result: YearResult, row: Row, cluster: Standing) -> Figure:
    """The unit's points per group against the cluster's best and average."""
    groups, _ = numbering(result.data.table)
    own = [row.score.groups_exact[g.id] for g in groups]
    best, average = cluster.best, cluster.average
    name = row.member.short_name
    title = f"Điểm từng nhóm tiêu chí của {name} so với Khối, năm {result.data.year}"
    svg = charts.unit_vs_cluster(
        [f"Nhóm {g.label}" for g in groups],
        [decimal(v) for v in own],
        [decimal(v) for v in best],
        [decimal(v) for v in average],
        unit_label=name,
        title=title,
    )
    table = Table(
        (
            Column("Nhóm tiêu chí"),
            Column(name, True),
            Column("Cao nhất Khối", True),
            Column("Trung bình Khối", True),
        ),
        tuple(
            (
                Cell(f"Nhóm {g.label}. {g.name}", head=True),
                Cell(pts(u), True),
                Cell(pts(b), True),
                Cell(pts(a), True),
            )
            for g, u, b, a in zip(groups, own, best, average, strict=True)
        ),
    )
    return Figure(inline_svg(svg), f"{title}. Bảng dưới đây ghi số liệu của biểu đồ.", table)


def unit_page(
    result: YearResult,
    index: int,
    documents: Sequence[DocLinks],
    folder: str,
    units: Mapping[str, str],
    cluster: Standing,
) -> UnitView:
    """The view of the unit of ``result.rows[index]``; ``documents``: its own, ``folder``
    where they are; ``units``: each unit's page; ``cluster``: the year's :func:`standing`."""
    row = result.rows[index]
    score = row.score
    views, numbers = numbering(result.data.table)
    by_group: dict[str, list[CriterionResult]] = {}
    for c in score.criteria:
        by_group.setdefault(c.group.id, []).append(c)
    groups = tuple(
        GroupBlock(
            number=view.label,
            name=view.name,
            maximum=points(view.maximum) if view.maximum is not None else None,
            lines=tuple(criterion_line(c, numbers[c.criterion.id]) for c in by_group[view.id]),
            self_total=pts(score.self_groups_exact[view.id]),
            total=pts(score.groups_exact[view.id]),
        )
        for view in views
        if view.id in by_group
    )
    status = None
    if not score.has_file:
        status = "Đơn vị chưa gửi kết quả tự chấm điểm: mọi tiêu chí tính 0 điểm."
    elif not score.appraised:
        status = "Điểm chưa được thẩm định: tạm dùng điểm tự chấm."
    rank, rank_lines = _rank_lines(result, index)
    votes = tuple(
        curly(line.strip()) for line in _vote_lines(result, row.member.id) if line.strip()
    )
    before = result.rows[index - 1] if index > 0 else None
    after = result.rows[index + 1] if index + 1 < len(result.rows) else None
    own_docs = tuple(
        (d.title, tuple(Link(f.label, folder + f.name) for f in d.files)) for d in documents
    )
    return UnitView(
        member=row.member,
        status=status,
        groups=groups,
        self_total=pts(score.self_total_exact),
        total=pts(score.total_exact),
        bonus=points(score.bonus),
        deductions=points(score.deductions),
        deduction_shown=any(c.deduction for c in score.criteria),
        kept=score.appraised and any(line.kept for group in groups for line in group.lines),
        rank=rank,
        rank_lines=rank_lines,
        votes=votes,
        outcome=_outcome(result, row),
        figure=unit_figure(result, row, cluster),
        documents=own_docs,
        previous=Link(before.member.name, units[before.member.id]) if before else None,
        following=Link(after.member.name, units[after.member.id]) if after else None,
    )
