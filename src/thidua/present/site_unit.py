"""The page of one unit in one year (``<năm>/<MÃ>.html`` of :mod:`thidua.present.site`).

What ``thidua explain YEAR UNIT`` says, laid out as a page: the unit's
:class:`~thidua.present.appraisal.Appraisal` (each criterion's maximum, the self-assessed and
the appraised value with the points each gives, the final points, the appraisal's reason, the
unit's explanation and how a quantitative or counted criterion's points are computed; each
group's and the whole total), its votes, its rank and what separates it from its neighbours
(:func:`~thidua.present.appraisal.rank_reasons`, units by their full names), its outcome, its
documents and the units ranked just above and below. A chart sets the unit's group scores
against the cluster's best and average, with its table. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua.present import charts
from thidua.present.appraisal import Appraisal, appraisal, pts, rank_reasons, vote_sentences
from thidua.present.context import numbering
from thidua.present.docparts import curly
from thidua.present.site_parts import Cell, Column, Figure, Link, Table, decimal, inline_svg
from thidua.present.wording import NOT_APPRAISED, outcome_note

if TYPE_CHECKING:
    from thidua.compute.results import Election, Row, YearResult
    from thidua.present.site_docs import DocLinks

__all__ = ["UnitView", "row_note", "unit_page"]


def row_note(row: Row) -> str:
    """The note of ``thidua rank``: the outcome (ties explained), then "chưa thẩm định"."""
    note = outcome_note(row, ties=True)
    parts = [note] if note else []
    if not row.score.appraised:
        parts.append(NOT_APPRAISED)
    return "; ".join(parts)


@dataclass(frozen=True)
class UnitView(Appraisal):
    """The unit's appraisal (its groups without criteria left out), with the page's own
    parts."""

    status: str | None  # no score file; not appraised
    kept: bool  # some criterion kept its self-assessed score (an empty "Thẩm định" cell)
    rank: str  # "Thứ hạng: 2/7."
    rank_lines: tuple[str, ...]  # the order of keys, ties, neighbours, exclusion
    votes: tuple[str, ...]
    outcome: tuple[str, ...]
    figure: Figure
    documents: tuple[tuple[str, tuple[Link, ...]], ...]
    previous: Link | None
    following: Link | None


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
    view = appraisal(result, row)
    groups = tuple(group for group in view.groups if group.lines)
    status = None
    if not score.has_file:
        status = "Đơn vị chưa gửi kết quả tự chấm điểm: mọi tiêu chí tính 0 điểm."
    elif not score.appraised:
        status = "Điểm chưa được thẩm định: tạm dùng điểm tự chấm."
    shared = ", đồng hạng" if row.shared else ""
    before = result.rows[index - 1] if index > 0 else None
    after = result.rows[index + 1] if index + 1 < len(result.rows) else None
    own_docs = tuple(
        (d.title, tuple(Link(f.label, folder + f.name) for f in d.files)) for d in documents
    )
    return UnitView(
        **(vars(view) | {"groups": groups}),  # the appraisal's fields
        status=status,
        kept=score.appraised and any(line.kept for group in groups for line in group.lines),
        rank=f"Thứ hạng: {row.rank}/{len(result.rows)}{shared}.",
        rank_lines=rank_reasons(result, index, lambda member: member.name),
        votes=tuple(curly(line) for line in vote_sentences(result, row.member.id)),
        outcome=_outcome(result, row),
        figure=unit_figure(result, row, cluster),
        documents=own_docs,
        previous=Link(before.member.name, units[before.member.id]) if before else None,
        following=Link(after.member.name, units[after.member.id]) if after else None,
    )
