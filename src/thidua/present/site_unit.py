"""The page of one unit in one year (``<năm>/<MÃ>.html`` of :mod:`thidua.present.site`).

What ``thidua explain YEAR UNIT`` says, laid out as a page: the unit's
:class:`~thidua.present.appraisal.Appraisal` (each criterion's maximum, the self-assessed and
the appraised value with the points each gives, the final points, the appraisal's reason, the
unit's explanation and how a quantitative or counted criterion's points are computed; each
group's and the whole total), its votes, its rank and what separates it from its neighbours
(:func:`~thidua.present.appraisal.rank_reasons`, units by their full names), its outcome, its
documents and the units before and after it in the ranking table. A chart sets the unit's
group scores against the best and the average of the units that have scores, with its table.

Nothing is said that the data does not hold: a unit that has not scored itself is said so
(not "not appraised", no total "after appraisal", no tie nor rank as a result), a unit not
appraised gives its self-assessed total, and a year where no unit has scores draws no chart.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from thidua.numbers import count
from thidua.present import charts
from thidua.present.appraisal import (
    NOT_SCORED,
    Appraisal,
    CriterionLine,
    appraisal,
    pts,
    rank_reasons,
    rank_sentence,
    totals_line,
    vote_sentences,
)
from thidua.present.context import numbering
from thidua.present.docparts import curly
from thidua.present.site_parts import Cell, Column, Figure, Link, Table, decimal, inline_svg

if TYPE_CHECKING:
    from thidua.compute.results import Election, Row, YearResult
    from thidua.present.site_docs import DocLinks

__all__ = ["NO_CHART", "UnitView", "unit_page"]

#: Said instead of a chart while no unit of the year has a score.
NO_CHART = "Chưa có điểm để vẽ biểu đồ."


@dataclass(frozen=True)
class Cells:
    """A criterion's cells in the table of scores, each kept in one piece but at its commas,
    before its arrow and before a bracket (a narrow printed column breaks only there):
    ``thực hiện 95,`` / ``chỉ tiêu 100`` / ``→ 14,25``."""

    self_score: str
    appraised_score: str
    final_score: str


@dataclass(frozen=True)
class UnitView(Appraisal):
    """The unit's appraisal (its groups without criteria left out), with the page's own
    parts."""

    status: str | None  # not scored; not appraised; criteria without a score
    kept: bool  # some criterion kept its self-assessed score (an empty "Thẩm định" cell)
    totals: str  # "Tổng điểm tự chấm: 85; tổng điểm sau thẩm định: 84,5 (…)."
    rank: str  # "Thứ hạng: 2/7."
    rank_lines: tuple[str, ...]  # what the regulation ranks by, values, ties, neighbours
    votes: tuple[str, ...]
    outcome: tuple[str, ...]
    cells: Mapping[str, Cells]  # criterion id -> its cells
    figure: Figure | None  # None: no unit has scores (the page says NO_CHART)
    documents: tuple[tuple[str, tuple[Link, ...]], ...]
    previous: Link | None  # the row before in the ranking table
    following: Link | None
    no_chart: ClassVar[str] = NO_CHART


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


def _status(row: Row) -> str | None:
    score = row.score
    if not score.scored:
        return f"Đơn vị {NOT_SCORED}: mọi tiêu chí tạm tính 0 điểm."
    sentences = []
    if not score.appraised:
        sentences.append("Điểm chưa được thẩm định: tạm dùng điểm tự chấm.")
    if score.missing:
        sentences.append(
            f"Còn {count(score.missing)}/{count(len(score.columns))} tiêu chí chưa có điểm "
            "(tính 0 điểm)."
        )
    return " ".join(sentences) or None


NBSP = "\u00a0"


def _in_pieces(text: str) -> str:
    """``text`` with non-breaking spaces but after a comma, before an arrow or a bracket."""
    glued = text.replace(" ", NBSP)
    return glued.replace("," + NBSP, ", ").replace(NBSP + "→", " →").replace(NBSP + "(", " (")


def _cells(line: CriterionLine) -> Cells:
    return Cells(
        _in_pieces(line.self_score),
        _in_pieces(line.appraised_score),
        _in_pieces(line.final_score),
    )


@dataclass(frozen=True)
class Standing:
    """The best and average points of each criteria group among the units that have scores
    (units that have not scored left out), in table order."""

    best: tuple[Fraction, ...]  # empty when no unit has scores
    average: tuple[Fraction, ...]
    scored: int  # units with scores
    units: int  # units of the year


def standing(result: YearResult) -> Standing:
    """Computed once a year, for every unit's chart."""
    groups, _ = numbering(result.data.table)
    everyone = [r.score for r in result.rows]
    scored = [s for s in everyone if s.scored]
    if not scored:
        return Standing((), (), 0, len(everyone))
    return Standing(
        tuple(max(s.groups_exact[g.id] for s in scored) for g in groups),
        tuple(
            sum((s.groups_exact[g.id] for s in scored), Fraction(0)) / len(scored) for g in groups
        ),
        len(scored),
        len(everyone),
    )


def unit_figure(result: YearResult, row: Row, cluster: Standing) -> Figure | None:
    """The unit's points per group against the best and the average of the units that have
    scores; None while no unit has any."""
    if not cluster.scored:
        return None
    groups, _ = numbering(result.data.table)
    own = [row.score.groups_exact[g.id] for g in groups]
    best, average = cluster.best, cluster.average
    name = row.member.short_name
    title = f"Điểm từng nhóm tiêu chí của {name} so với Khối, năm {result.data.year}"
    # Over whom the average is taken, in the legend, the table and the caption alike.
    partial = cluster.scored < cluster.units
    average_label = "Trung bình các đơn vị đã chấm" if partial else "Trung bình Khối"
    svg = charts.unit_vs_cluster(
        [f"Nhóm {g.label}" for g in groups],
        [decimal(v) for v in own],
        [decimal(v) for v in best],
        [decimal(v) for v in average],
        unit_label=name,
        title=title,
        average_label=average_label,
    )
    caption = f"{title}."
    if partial:
        caption += (
            f" Cao nhất và trung bình tính trên {count(cluster.scored)}/{count(cluster.units)} "
            "đơn vị đã chấm điểm."
        )
    table = Table(
        (
            Column("Nhóm tiêu chí"),
            Column(name, True),
            Column("Cao nhất Khối", True),
            Column(average_label, True),
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
    return Figure(inline_svg(svg), f"{caption} Bảng dưới đây ghi số liệu của biểu đồ.", table)


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
    before = result.rows[index - 1] if index > 0 else None
    after = result.rows[index + 1] if index + 1 < len(result.rows) else None
    own_docs = tuple(
        (d.title, tuple(Link(f.label, folder + f.name) for f in d.files)) for d in documents
    )
    return UnitView(
        **(vars(view) | {"groups": groups}),  # the appraisal's fields
        status=_status(row),
        kept=score.appraised and any(line.kept for group in groups for line in group.lines),
        totals=totals_line(view),
        rank=rank_sentence(result, row, shared=True),
        rank_lines=rank_reasons(result, index, lambda member: member.name),
        votes=tuple(curly(line) for line in vote_sentences(result, row.member.id)),
        outcome=_outcome(result, row),
        cells={line.id: _cells(line) for group in groups for line in group.lines},
        figure=unit_figure(result, row, cluster),
        documents=own_docs,
        previous=Link(before.member.name, units[before.member.id]) if before else None,
        following=Link(after.member.name, units[after.member.id]) if after else None,
    )
