"""What a document shows: :func:`build_context`, the view model the templates read
(see :mod:`thidua.present.render` for the names a template can use), and the documents
and formats there are. No Jinja2 here: building the context needs no template engine.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.results import rule_text
from thidua.present.documents import Doc, Format
from thidua.year import BALLOTS, CONFERENCE, TASKS

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.compute.voting import Tally
    from thidua.present.fingerprint import Fingerprint
    from thidua.year import YearData


BLANK = "…"
LONG_BLANK = "……………"
BLANK_LINE = "…" * 26  # a line left blank to fill by hand


# --- the context -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocInfo:
    """What a template needs to know about the document being rendered."""

    name: str  # "minutes", "report", ...
    label: str  # "biên bản hội nghị tổng kết"
    code: str | None  # "BB", "BC", "TTr" or None
    number: str | None  # "…/BB-…" or the number given in hoi-nghi.yaml (so_van_ban)
    date: dt.date | None  # the date of the place-and-date line (None: blanks)
    format: str  # "md" or "html"


@dataclass(frozen=True)
class BallotRow:
    label: str  # the member's full name, or "Đồng ý" / "Không đồng ý"
    member: m.Member | None
    votes: int
    share: Fraction | None  # over the ballot's denominator; None if unknown or ranked


@dataclass(frozen=True)
class BallotView:
    """One ballot, ready to print: counts, votes and shares per option."""

    tally: Tally
    title: str
    kind: str
    ranked: bool  # votes are Borda points: no percentage
    yes_no: bool
    question: str | None
    present: int | None
    issued: int
    returned: int
    valid: int
    invalid: int
    rows: tuple[BallotRow, ...]
    denominator_label: str  # "số phiếu hợp lệ"
    denominator: int | None
    rules: tuple[str, ...]  # "Đơn vị dẫn đầu: cần trên 50 % số phiếu hợp lệ"
    invalid_reasons: tuple[str, ...]  # "Phiếu thứ 3: chọn 3 đơn vị, quá số tối đa 1"


@dataclass(frozen=True)
class MinutesVote:
    """The vote on the minutes, and whether it adopts them: more than half of those present."""

    agreed: int
    present: int
    adopted: bool


def _minutes_vote(conference: m.ConferenceFile | None) -> MinutesVote | None:
    vote = conference.minutes_vote if conference is not None else None
    if vote is None:
        return None
    return MinutesVote(vote.agreed, vote.present, adopted=2 * vote.agreed > vote.present)


@dataclass(frozen=True)
class Adjustment:
    """A criterion whose appraised score differs from the self-score."""

    member: m.Member
    criterion: m.Criterion
    group: m.Group
    self_points: Decimal | None  # negative for a deduction criterion (points taken off)
    appraised_points: Decimal | None  # likewise
    reason: str | None


_RULE_LABELS = {
    "leading": "Đơn vị dẫn đầu",
    "leader_election": "Trưởng khối",
    "deputy_election": "Phó khối",
}


def _rules_of(regulation: m.RegulationFile) -> list[tuple[str, m.VoteRule]]:
    out: list[tuple[str, m.VoteRule]] = []
    for attr, label in _RULE_LABELS.items():
        rule = getattr(regulation, attr)
        if rule is not None:
            out.append((label, rule))
    return out


def _rule_text(label: str, rule: m.VoteRule) -> str:
    """``Đơn vị dẫn đầu: cần trên 50 % số phiếu hợp lệ`` (the wording of ``rule_text``)."""
    return f"{label}: cần {rule_text(rule)}"


def _ballot_views(data: YearData, tallies: Mapping[str, Tally]) -> list[BallotView]:
    members = {member.id: member for member in data.cluster.members}
    n = len(members)
    rules = _rules_of(data.regulation)
    views: list[BallotView] = []
    for ballot_id, tally in tallies.items():
        ballot = tally.ballot
        own = [(label, rule) for label, rule in rules if rule.ballot == ballot_id]
        which = own[0][1].denominator if own else m.Denominator.VALID
        ranked = ballot.kind is m.BallotKind.RANKED
        yes_no = ballot.kind is m.BallotKind.YES_NO
        rows: list[BallotRow] = []
        for option in tally.options:
            member = members.get(option)
            if yes_no:
                label = "Đồng ý" if option == "dong_y" else "Không đồng ý"
            else:
                label = member.name if member is not None else option
            votes = tally.votes.get(option, 0)
            share = None if ranked else tally.share(option, which, n)
            rows.append(BallotRow(label, member, votes, share))
        reasons = tuple(
            f"Phiếu thứ {paper.index + 1}: {paper.reason}"
            for paper in tally.papers
            if not paper.valid and paper.reason
        )
        views.append(
            BallotView(
                tally=tally,
                title=ballot.title,
                kind=ballot.kind.label,
                ranked=ranked,
                yes_no=yes_no,
                question=ballot.question,
                present=tally.present,
                issued=tally.issued,
                returned=tally.returned,
                valid=tally.valid,
                invalid=tally.invalid,
                rows=tuple(rows),
                denominator_label=which.label,
                denominator=tally.denominator(which, n),
                rules=tuple(_rule_text(label, rule) for label, rule in own),
                invalid_reasons=reasons,
            )
        )
    return views


def _adjustments(result: YearResult) -> list[Adjustment]:
    out: list[Adjustment] = []
    for score in result.scores.values():
        for crit in score.criteria:
            entry = crit.entry
            if entry is None or entry.appraised is None:
                continue
            if crit.appraised_points == crit.self_points:
                continue
            sign = -1 if crit.criterion.kind is m.CriterionKind.DEDUCTION else 1
            out.append(
                Adjustment(
                    member=score.member,
                    criterion=crit.criterion,
                    group=crit.group,
                    self_points=None if crit.self_points is None else sign * crit.self_points,
                    appraised_points=(
                        None if crit.appraised_points is None else sign * crit.appraised_points
                    ),
                    reason=entry.reason,
                )
            )
    return out


def _province(cluster: m.ClusterFile) -> str:
    """``tỉnh Hòa Bình`` when the cluster's name says so, else the place as written."""
    for prefix in ("tỉnh", "thành phố"):
        if f"{prefix} {cluster.place}".lower() in cluster.name.lower():
            return f"{prefix} {cluster.place}"
    return cluster.place


def _document_number(doc: Doc, conference: m.ConferenceFile | None) -> str | None:
    if doc.code is None:
        return None
    numbers = conference.numbers if conference is not None else None
    given = {
        Doc.MINUTES: numbers.minutes if numbers else None,
        Doc.REPORT: numbers.report if numbers else None,
        Doc.PROPOSAL: numbers.proposal if numbers else None,
    }.get(doc)
    return given or f"{BLANK}/{doc.code}-{BLANK}"


def _document_date(
    doc: Doc, conference: m.ConferenceFile | None, today: dt.date | None
) -> dt.date | None:
    # The proposal is written after the conference: dated "today" (SOURCE_DATE_EPOCH) if
    # known, else left blank. Every other document belongs to the conference.
    if doc is Doc.PROPOSAL:
        return today
    if conference is not None:
        return conference.date
    return today


def repository_path(folder: Path, year: int, name: str) -> str:
    """Where file ``name`` of ``year`` sits in the data repository: ``data/2021/nhiem-vu.yaml``.

    Made of the data folder's name (the parent of the year ``folder`` the CLI opened), the
    year and the file name, so a document says the same whatever folder the command runs in.
    """
    data_name = folder.parent.name
    if data_name in ("", ".", ".."):  # --data . or --data ..: the name of that folder
        data_name = PurePath(os.path.normpath(folder.parent.absolute())).name
    return PurePath(data_name, str(year), name).as_posix()


def build_context(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
    fingerprint: Fingerprint | None = None,
) -> dict[str, Any]:
    """Everything a template may use (documented in the module docstring).

    ``fingerprint`` is the data's fingerprint the CLI computed (content digest, and the git
    commit when the year folder was clean); thidua adds it to the rendered document itself.
    """
    data = result.data
    cluster = data.cluster
    members = {member.id: member for member in cluster.members}
    conference = data.conference
    folder = data.folder
    # Lookups are built here, once: filtering a list inside a loop of the template would
    # make rendering quadratic in the number of members.
    row_by_id = {row.member.id: row for row in result.rows}
    return {
        "doc": DocInfo(
            name=doc.value,
            label=doc.label,
            code=doc.code,
            number=_document_number(doc, conference),
            date=_document_date(doc, conference, today),
            format=fmt.value,
        ),
        "year": data.year,
        "next_year": data.year + 1,
        "result": result,
        "data": data,
        "cluster": cluster,
        "regulation": data.regulation,
        "table": data.table,
        "groups": data.table.groups,
        "tasks": data.tasks,
        "next_tasks": next_tasks,
        "conference": conference,
        "members": list(cluster.members),
        "member_by_id": members,
        "leader": members.get(cluster.leader) if cluster.leader else None,
        "deputy": members.get(cluster.deputy) if cluster.deputy else None,
        "rows": list(result.rows),
        "row_by_id": row_by_id,
        "member_rows": [row_by_id[member_id] for member_id in result.scores],
        "minutes_vote": _minutes_vote(conference),
        "ballots": _ballot_views(data, result.tallies),
        "adjustments": _adjustments(result),
        "province": _province(cluster),
        "today": today,
        "files": {
            "conference": repository_path(folder, data.year, CONFERENCE),
            "ballots": repository_path(folder, data.year, BALLOTS),
            "tasks": repository_path(folder, data.year, TASKS),
            "next_tasks": repository_path(folder, data.year + 1, TASKS),
        },
        "illustrative": data.illustrative,
        "fingerprint": fingerprint,
        "blank": BLANK,
        "long_blank": LONG_BLANK,
    }
