"""What a document shows: :func:`build_context`, the view model the templates read (see
:mod:`thidua.present.render` for the names a template can use). The parts written in words
(heading, signature, addressing, the report's own text, outcomes, notes) are built by
:mod:`thidua.present.docparts`. No Jinja2 here: building the context needs no template engine.

Nothing in the context is a path, a setting name or a command: a document shows only what an
official writes (the member ids stay inside the model objects, for lookups).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.results import over_text, rule_text
from thidua.numbers import criterion_number, group_number
from thidua.present.docparts import (
    Heading,
    Signature,
    addressing,
    curly,
    heading,
    outcomes,
    paragraphs,
    province,
    ranking_notes,
    signature,
    task_list,
)
from thidua.present.documents import Doc, Format

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
    draft: bool = False  # the year is not final: "DỰ THẢO", results "tạm tính"
    heading: Heading | None = None  # the issuing body (the header macro's first argument)
    signature: Signature = field(default_factory=lambda: Signature((), None))
    to: tuple[str, ...] = ()  # "Kính gửi"
    recipients: tuple[str, ...] = ()  # "Nơi nhận"


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
    rules: tuple[str, ...]  # "đơn vị dẫn đầu phải đạt trên 50 % số phiếu hợp lệ"
    invalid_reasons: tuple[str, ...]  # "Phiếu thứ 3: chọn 3 đơn vị, quá số tối đa 1"


@dataclass(frozen=True)
class MinutesVote:
    """The vote on the minutes, and whether it adopts them: more than half of those present.

    ``voters`` is who is counted: "đơn vị" when no more voted than the cluster has members
    (member units vote, one voice each), else "đại biểu" (the delegates voted).
    """

    agreed: int
    present: int
    adopted: bool
    voters: str = "đơn vị"


def _minutes_vote(conference: m.ConferenceFile | None, members: int) -> MinutesVote | None:
    vote = conference.minutes_vote if conference is not None else None
    if vote is None:
        return None
    voters = "đơn vị" if vote.present <= members else "đại biểu"
    return MinutesVote(vote.agreed, vote.present, 2 * vote.agreed > vote.present, voters)


@dataclass(frozen=True)
class Adjustment:
    """A criterion whose appraised score differs from the self-score."""

    member: m.Member
    criterion: m.Criterion
    group: m.Group
    self_points: Decimal | None  # negative for a deduction criterion (points taken off)
    appraised_points: Decimal | None  # likewise
    reason: str | None
    number: str = ""  # the criterion's number as documents print it ("1.2")


_RULE_LABELS = {
    "leading": "đơn vị dẫn đầu",
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
    """``đơn vị dẫn đầu phải đạt trên 50 % số phiếu hợp lệ`` (the wording of ``rule_text``)."""
    return f"{label} phải đạt {rule_text(rule)}"


def _by_name(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each member id standing alone replaced by the member's name."""
    if not names:
        return text
    pattern = "|".join(re.escape(code) for code in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<![\w.-])({pattern})(?![\w.-])", lambda mt: names[mt.group(1)], text)


def ballot_views(data: YearData, tallies: Mapping[str, Tally]) -> list[BallotView]:
    members = {member.id: member for member in data.cluster.members}
    names = {member.id: member.name for member in data.cluster.members}
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
            curly(_by_name(f"Phiếu thứ {paper.index + 1}: {paper.reason}", names))
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
                denominator_label=over_text(which),
                denominator=tally.denominator(which, n),
                rules=tuple(_rule_text(label, rule) for label, rule in own),
                invalid_reasons=reasons,
            )
        )
    return views


def _adjustments(result: YearResult, numbers: Mapping[str, str]) -> list[Adjustment]:
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
                    reason=curly(entry.reason) if entry.reason else None,
                    number=numbers.get(crit.criterion.id, ""),
                )
            )
    return out


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


@dataclass(frozen=True)
class GroupView:
    """A group of the scoring table as documents show it: ``label`` is its number ("I")."""

    id: str
    label: str
    name: str
    maximum: Decimal | None


def numbering(table: m.ScoringTableFile) -> tuple[list[GroupView], dict[str, str]]:
    """The groups as documents show them, and each criterion's printed number (by id)."""
    groups: list[GroupView] = []
    numbers: dict[str, str] = {}
    for gi, group in enumerate(table.groups, start=1):
        label = group_number(gi, group.id)
        groups.append(GroupView(group.id, label, group.name, group.maximum))
        for ci, crit in enumerate(group.criteria, start=1):
            numbers[crit.id] = criterion_number(gi, ci, crit.id)
    return groups, numbers


def build_context(
    result: YearResult,
    doc: Doc,
    fmt: Format,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
    fingerprint: Fingerprint | None = None,
) -> dict[str, Any]:
    """Everything a template may use (see also :mod:`thidua.present.render`).

    Besides the data (``cluster``, ``regulation``, ``table``, ``tasks``, ``conference``,
    ``members``, ``rows`` ...), the words of a signed document:

    - ``doc`` (:class:`DocInfo`): number, date, ``draft``, ``heading``, ``signature``,
      ``to`` ("Kính gửi") and ``recipients`` ("Nơi nhận") of this document;
    - ``draft``: the year is not final (DỰ THẢO, "kết quả tạm tính"); ``heading``: the
      issuing body (the header macro's first argument);
    - ``groups`` (:class:`GroupView`, with the printed ``label``), ``criterion_numbers``;
    - ``report_text``: the report's sections from ``van-ban.yaml`` by field name
      (``situation``, ``direction``, ``movements``, ``focus_tasks``, ``covenant``,
      ``awards_received``, ``strengths``, ``shortcomings``, ``lessons``,
      ``recommendations``), each a tuple of :class:`~thidua.present.docparts.Paragraph`
      (empty: lines to fill by hand);
    - ``focus_tasks``, ``movements``, ``next_focus_tasks``, ``next_movements``
      (:class:`~thidua.present.docparts.TaskList`); ``agenda``, ``discussion`` and
      ``committee`` (lines of the minutes);
    - ``outcome`` (:class:`~thidua.present.docparts.Outcomes`), ``ranking_notes``,
      ``key_labels`` (the ranking order in words), ``votes_column`` (a ballot's votes to
      show beside the ranking), ``minutes_vote``, ``ballots``, ``adjustments``.

    ``fingerprint`` is the data's fingerprint the CLI computed (content digest, and the git
    commit when the year folder was clean); thidua adds it to the rendered document itself.
    """
    data = result.data
    cluster = data.cluster
    members = {member.id: member for member in cluster.members}
    conference = data.conference
    documents = data.documents
    report = documents.report if documents is not None else None
    draft = not data.final
    to, recipients = addressing(data, doc)
    groups, criterion_numbers = numbering(data.table)
    tasks = data.tasks
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
            draft=draft,
            heading=heading(data),
            signature=signature(data, doc),
            to=to,
            recipients=recipients,
        ),
        "draft": draft,
        "heading": heading(data),
        "year": data.year,
        "next_year": data.year + 1,
        "result": result,
        "data": data,
        "cluster": cluster,
        "regulation": data.regulation,
        "table": data.table,
        "groups": groups,
        "criterion_numbers": criterion_numbers,
        "tasks": tasks,
        "next_tasks": next_tasks,
        "focus_tasks": task_list(tasks.tasks, tasks.declared_tasks) if tasks else task_list([]),
        "movements": task_list(tasks.movements if tasks else []),
        "next_focus_tasks": (
            task_list(next_tasks.tasks, next_tasks.declared_tasks) if next_tasks else task_list([])
        ),
        "next_movements": task_list(next_tasks.movements if next_tasks else []),
        "report_text": {
            name: paragraphs(getattr(report, name) if report is not None else None)
            for name, info in m.ReportText.model_fields.items()
            if info.alias in m.REPORT_SECTIONS
        },
        "conference": conference,
        "agenda": [curly(item) for item in conference.agenda] if conference else [],
        "discussion": [curly(item) for item in conference.discussion] if conference else [],
        "committee": _committee(conference, members),
        "members": list(cluster.members),
        "member_by_id": members,
        "leader": members.get(cluster.leader) if cluster.leader else None,
        "deputy": members.get(cluster.deputy) if cluster.deputy else None,
        "rows": list(result.rows),
        "row_by_id": row_by_id,
        "member_rows": [row_by_id[member_id] for member_id in result.scores],
        "votes_column": result.vote_ballot is not None and result.vote_ballot in result.tallies,
        "outcome": outcomes(result, conference.conclusions if conference else ()),
        "ranking_notes": ranking_notes(result),
        "key_labels": _key_labels(result),
        "minutes_vote": _minutes_vote(conference, len(members)),
        "ballots": ballot_views(data, result.tallies),
        "adjustments": _adjustments(result, criterion_numbers),
        "province": province(cluster),
        "today": today,
        "illustrative": data.illustrative,
        "fingerprint": fingerprint,
        "blank": BLANK,
        "long_blank": LONG_BLANK,
    }


def _key_labels(result: YearResult) -> list[str]:
    """The regulation's ranking order in words (a group by its printed number)."""
    return [curly(key.label) for key in result.keys]


def _committee(conference: m.ConferenceFile | None, members: Mapping[str, m.Member]) -> list[str]:
    """The ballot-counting committee, one line each: ``Trưởng ban: Nguyễn Văn A, Chánh Văn
    phòng, Cục Thống kê tỉnh Hòa Bình``; the role only when the data gives it."""
    lines: list[str] = []
    for person in conference.count_committee if conference is not None else []:
        unit = members[person.member].name if person.member and person.member in members else None
        who = ", ".join(part for part in (person.name, person.title, unit) if part)
        lines.append(f"{person.role}: {who}" if person.role else who)
    return lines
