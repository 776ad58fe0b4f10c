"""The conference kit's view model: what the vote-count minutes, the ballot papers, the
appraisal notices and the per-criterion score annex show (issue 12, DOMAIN.md §6).

:func:`kit_context` adds to a document's template context (see
:mod:`thidua.present.render` and :func:`thidua.present.context.build_context`, which gives
``draft``, ``heading`` and ``doc`` to every document), depending on the document:

- ``kiem-phieu``: ``counts``, one :class:`CountMinutes` per ballot (the count committee's
  minutes); ``count_committee`` (:class:`Seat`, blank seats when the data names nobody),
  ``signature_rows`` (the seats three to a row) and ``count_heading`` (the committee as
  issuing body, under the cluster's name);
- ``phieu-bau``: ``papers``, one :class:`PaperSheet` per ballot defined in the year's
  ballot file (the papers need only the definition, not the result);
- ``thong-bao``: ``notices``, one :class:`~thidua.present.kit_scores.Notice` per member (or
  only the member asked for);
- ``phu-luc-diem``: ``annex`` (:class:`~thidua.present.kit_scores.Annex`).

Everything here is words an official writes: member names, never
codes; no file, key or command. Numbers that :func:`thidua.present.explain.render_explain`
also prints are formatted the same way (:func:`thidua.numbers.points` with ``approx``).
Pure: no I/O, no template engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.collate import sort_key
from thidua.compute.results import over_text, rule_text
from thidua.compute.voting import YES, max_choices, meets, options_of
from thidua.numbers import count, percent
from thidua.present.docparts import Heading, heading
from thidua.present.documents import Doc
from thidua.present.kit_scores import annex, notice

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.present.context import BallotRow, BallotView, DocInfo

__all__ = ["CountMinutes", "PaperSheet", "Seat", "kit_context"]

# A committee the data does not name: a head and two members, names left blank.
BLANK_COMMITTEE = ("Trưởng ban", "Thành viên", "Thành viên")
# Signature columns per row of the committee's signatures.
SIGNATURES_PER_ROW = 3
# Ballot papers on one A4 sheet, measured in Chromium (points): the height a portrait page
# holds (less room for a note), a yes/no paper, a paper besides its candidates (frame, title,
# instructions, table head), a candidate's row, the draft mark.
PAGE_PT = 690
YES_NO_PT = 203
PAPER_PT = 163
ROW_PT = 21
NAME_CHARS = 60  # a longer name wraps in the candidates' column
MAX_PAPERS_PER_PAGE = 4


# --- shared -----------------------------------------------------------------------------------


# --- biên bản kiểm phiếu ----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """One member of the count committee: what is known of them, and their role."""

    name: str | None
    title: str | None
    unit: str | None  # the member unit's full name
    role: str  # "Trưởng ban", "Thành viên"

    @property
    def description(self) -> str | None:
        """``Nguyễn Văn A, Phó Cục trưởng, Cục Thuế tỉnh Hòa Bình``; None when unknown."""
        parts = [part for part in (self.name, self.title, self.unit) if part]
        return ", ".join(parts) or None


@dataclass(frozen=True)
class CountMinutes:
    """The count committee's minutes of one ballot."""

    view: BallotView
    subject: str  # what was voted on
    rule_of_choice: str  # "mỗi phiếu chọn tối đa 1 trong 7 đơn vị"
    members: int
    present: int | None
    invalid_reasons: tuple[str, ...]  # "1 phiếu: chọn 2 đơn vị, quá số được chọn (tối đa 1)"
    unexplained: int  # invalid papers whose reason the data does not give
    rows: tuple[BallotRow, ...]  # in the order of the ballot paper
    votes_header: str  # "Số phiếu", "Tổng điểm xếp thứ tự"
    points_note: str | None  # a ranked ballot: how the points are counted
    share_header: str | None  # "Tỷ lệ trên số phiếu hợp lệ (7)"; None for a ranked ballot
    verdicts: tuple[str, ...]  # the result against the regulation's threshold


_RULES = (
    ("leading", "đơn vị dẫn đầu Khối"),
    ("leader_election", "việc bầu Trưởng khối năm {next}"),
    ("deputy_election", "việc bầu Phó khối năm {next}"),
)


def _committee(result: YearResult) -> list[Seat]:
    data = result.data
    names = {member.id: member.name for member in data.cluster.members}
    given = data.conference.count_committee if data.conference is not None else []
    if not given:
        return [Seat(None, None, None, role) for role in BLANK_COMMITTEE]
    return [
        Seat(
            c.name,
            c.title,
            names.get(c.member) if c.member else None,
            c.role or "Thành viên",
        )
        for c in given
    ]


def _reworded(reason: str) -> str | None:
    """A paper's reason as the committee writes it; None if the data does not give it.

    The count names members in full (:mod:`thidua.compute.voting`); what a paper wrote that is
    no candidate is said in words, not quoted (the data may only hold a code for it).
    """
    if reason == "phiếu được ghi là không hợp lệ":
        return None
    if "không đúng loại cuộc bỏ phiếu" in reason:
        return "phiếu không đúng mẫu"
    if reason.endswith("không phải là đơn vị thành viên"):
        return "ghi tên đơn vị không có trong danh sách"
    if reason.endswith("không phải là ứng viên"):
        return "chọn đơn vị không có trong danh sách ứng viên"
    return re.sub(r"quá số tối đa (\d+)", r"quá số đơn vị được chọn (tối đa \1)", reason)


def _invalid_reasons(view: BallotView) -> tuple[list[str], int]:
    """Reasons of the invalid papers, grouped (``2 phiếu: không chọn đơn vị nào``), and the
    number of invalid papers the data gives no reason for."""
    tally = view.tally
    if not tally.from_papers:
        return [], tally.invalid
    grouped: dict[str, int] = {}
    unexplained = 0
    for paper in tally.papers:
        if paper.valid:
            continue
        reason = _reworded(paper.reason) if paper.reason else None
        if reason is None:
            unexplained += 1
        else:
            grouped[reason] = grouped.get(reason, 0) + 1
    return [f"{count(n)} phiếu: {reason}" for reason, n in grouped.items()], unexplained


def _how_many(ballot: m.Ballot, candidates: int) -> str:
    """What a paper of ``ballot`` may do, for the minutes and the papers."""
    if ballot.kind is m.BallotKind.YES_NO:
        return "mỗi phiếu chọn một trong hai ý kiến: đồng ý hoặc không đồng ý"
    if ballot.kind is m.BallotKind.RANKED:
        return f"mỗi phiếu xếp thứ tự các đơn vị trong số {count(candidates)} đơn vị"
    return f"mỗi phiếu chọn tối đa {count(max_choices(ballot))} trong số {count(candidates)} đơn vị"


def _subject(ballot: m.Ballot, names: Mapping[str, str]) -> str:
    if ballot.question:
        return ballot.question
    subject = names.get(ballot.subject) if ballot.subject is not None else None
    if ballot.kind is m.BallotKind.YES_NO and subject is not None:
        return f"{ballot.title}: {subject}"
    return ballot.title


def _verdicts(
    result: YearResult, view: BallotView, names: Mapping[str, str], draft: bool
) -> list[str]:
    """For each rule of the regulation decided by this ballot: what it needs, who meets it."""
    data = result.data
    tally = view.tally
    n = len(data.cluster.members)
    ranked = view.ranked
    out: list[str] = []
    for attr, purpose in _RULES:
        rule: m.VoteRule | None = getattr(data.regulation, attr)
        if rule is None or rule.ballot != tally.ballot.id:
            continue
        need = f"Theo quy chế, {purpose.format(next=data.year + 1)} cần đạt {rule_text(rule)}"
        den = tally.denominator(rule.denominator, n)
        if not den:
            out.append(f"{need}; chưa xác định được tỷ lệ vì chưa có {rule.denominator.label}.")
            continue
        unit = "điểm" if ranked else "phiếu"
        if view.yes_no:
            share = tally.share(YES, rule.denominator, n)
            votes = tally.votes_of(YES)
            verdict = "đạt" if meets(share, rule) else "không đạt"
            shown = percent(share) if share is not None else ""
            out.append(
                f"{need}. Kết quả: {count(votes)}/{count(den)} phiếu đồng ý ({shown}), "
                f"{verdict} tỷ lệ quy định."
            )
            continue
        passing = []
        for option in tally.options:
            share = tally.share(option, rule.denominator, n)
            if meets(share, rule) and share is not None:
                votes = tally.votes_of(option)
                passing.append(
                    f"{names.get(option, option)} ({count(votes)}/{count(den)} {unit}, "
                    f"{percent(share)})"
                )
        if passing:
            out.append(f"{need}. Đơn vị đạt tỷ lệ này: {'; '.join(passing)}.")
        else:
            out.append(f"{need}. Không có đơn vị nào đạt tỷ lệ này.")
    if draft and out:
        out = [text[:-1] + " (kết quả tạm tính)." for text in out]
    return out


def _count_minutes(
    result: YearResult, views: Sequence[BallotView], draft: bool
) -> list[CountMinutes]:
    data = result.data
    names = {member.id: member.name for member in data.cluster.members}
    n = len(names)
    out: list[CountMinutes] = []
    for view in views:
        ballot = view.tally.ballot
        reasons, unexplained = _invalid_reasons(view)
        rows = view.rows
        if not view.yes_no:
            rows = tuple(sorted(rows, key=lambda row: sort_key(row.label)))
        den = view.denominator
        share_header = None
        if not view.ranked:
            # The denominator of the view: the one of the first rule this ballot decides.
            which = next(
                (
                    rule.denominator
                    for attr, _ in _RULES
                    if (rule := getattr(data.regulation, attr)) is not None
                    and rule.ballot == ballot.id
                ),
                m.Denominator.VALID,
            )
            share_header = f"Tỷ lệ trên {over_text(which)}" + (
                f" ({count(den)})" if den is not None else ""
            )
        candidates = len(view.tally.options)
        votes_header = "Tổng điểm xếp thứ tự" if view.ranked else "Số phiếu"
        points_note = None
        if view.ranked:
            points_note = (
                f"Mỗi phiếu hợp lệ cho đơn vị xếp thứ 1 được {count(candidates - 1)} điểm, mỗi "
                "thứ sau ít hơn 1 điểm; đơn vị không được xếp thứ tự được 0 điểm."
            )
        out.append(
            CountMinutes(
                view=view,
                subject=_subject(ballot, names),
                rule_of_choice=_how_many(ballot, candidates),
                members=n,
                present=view.present,
                invalid_reasons=tuple(reasons),
                unexplained=unexplained,
                rows=rows,
                votes_header=votes_header,
                points_note=points_note,
                share_header=share_header,
                verdicts=tuple(_verdicts(result, view, names, draft)),
            )
        )
    return out


# --- phiếu bầu --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperSheet:
    """The papers of one ballot: the paper's content, and how many fit on an A4 sheet."""

    title: str  # "PHIẾU BẦU"
    heading: str  # the ballot's title, with the year when it does not say it
    question: str | None  # a yes/no ballot: what is proposed
    yes_no: bool
    ranked: bool
    candidates: tuple[str, ...]  # member names, Vietnamese alphabetical order
    mark_header: str  # "Đánh dấu X", "Thứ tự"
    how_many: str | None  # "Chọn tối đa 1 đơn vị"
    how_to_mark: str
    invalid_when: str
    copies: int  # papers on one sheet

    @property
    def copy_numbers(self) -> range:
        return range(self.copies)


def _paper(ballot: m.Ballot, result: YearResult) -> PaperSheet:
    data = result.data
    names = {member.id: member.name for member in data.cluster.members}
    yes_no = ballot.kind is m.BallotKind.YES_NO
    ranked = ballot.kind is m.BallotKind.RANKED
    heading = ballot.title
    if str(data.year) not in heading and str(data.year + 1) not in heading:
        heading = f"{heading} năm {data.year}"
    candidates: tuple[str, ...] = ()
    question = None
    if yes_no:
        question = _subject(ballot, names)
        how_many = None
        how_to_mark = "Đánh dấu “X” vào một trong hai ô “Đồng ý” hoặc “Không đồng ý”."
        invalid_when = (
            "Phiếu không hợp lệ: đánh dấu cả hai ô, không đánh dấu ô nào, không phải phiếu do "
            "Ban kiểm phiếu phát ra, hoặc ghi thêm nội dung khác."
        )
        height = YES_NO_PT
    else:
        ids = options_of(ballot, data.member_ids)
        candidates = tuple(sorted((names[i] for i in ids), key=sort_key))
        height = PAPER_PT + sum(ROW_PT * (1 + len(name) // NAME_CHARS) for name in candidates)
        if ranked:
            how_many = f"Xếp thứ tự các đơn vị trong số {count(len(candidates))} đơn vị"
            how_to_mark = (
                "Ghi thứ tự 1, 2, 3, … vào cột “Thứ tự” (1 là đơn vị xếp cao nhất); đơn vị "
                "không xếp thứ tự thì để trống."
            )
            invalid_when = (
                "Phiếu không hợp lệ: hai đơn vị cùng một thứ tự, thứ tự không liền nhau từ 1, "
                "không xếp thứ tự đơn vị nào, không phải phiếu do Ban kiểm phiếu phát ra, hoặc "
                "ghi thêm nội dung khác."
            )
        else:
            k = max_choices(ballot)
            how_many = f"Chọn tối đa {count(k)} đơn vị"
            how_to_mark = "Đánh dấu “X” vào ô của đơn vị được chọn."
            invalid_when = (
                f"Phiếu không hợp lệ: chọn quá {count(k)} đơn vị, không chọn đơn vị nào, không "
                "phải phiếu do Ban kiểm phiếu phát ra, hoặc ghi thêm nội dung khác."
            )
    copies = max(1, min(MAX_PAPERS_PER_PAGE, PAGE_PT // height))
    return PaperSheet(
        title="PHIẾU BẦU",
        heading=heading,
        question=question,
        yes_no=yes_no,
        ranked=ranked,
        candidates=candidates,
        mark_header="Thứ tự" if ranked else "Đánh dấu",
        how_many=how_many,
        how_to_mark=how_to_mark,
        invalid_when=invalid_when,
        copies=copies,
    )


# --- the context ------------------------------------------------------------------------------


def _ballot_definitions(result: YearResult) -> list[m.Ballot]:
    ballots = result.data.ballots
    return list(ballots.ballots) if ballots is not None else []


def kit_context(
    result: YearResult,
    doc: Doc,
    base: Mapping[str, Any],
    *,
    member: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """What ``doc`` adds to the context ``base`` (:func:`thidua.present.context.build_context`).

    ``member``: the notice of that member only (a member id of the year); by default every
    member's notice, in member-list order.
    """
    data = result.data
    draft = not data.final
    out: dict[str, Any] = {}
    if doc is Doc.COUNT:
        issuer = heading(data)
        out["count_heading"] = Heading("Ban kiểm phiếu", issuer.name, issuer.place)
        out["count_committee"] = _committee(result)
        out["signature_rows"] = _rows_of(out["count_committee"], SIGNATURES_PER_ROW)
        out["counts"] = _count_minutes(result, base["ballots"], draft)
    elif doc is Doc.PAPERS:
        out["papers"] = [_paper(ballot, result) for ballot in _ballot_definitions(result)]
    elif doc is Doc.NOTICE:
        # Sent after the appraisal, before the conference: dated when it is issued
        # (SOURCE_DATE_EPOCH), else a blank date to fill by hand.
        info: DocInfo = replace(base["doc"], date=today)
        rows = list(result.rows) if member is None else [result.row(member)]
        order = {member_id: i for i, member_id in enumerate(data.member_ids)}
        rows.sort(key=lambda row: order.get(row.member.id, len(order)))
        out["notices"] = [notice(result, row, info, draft) for row in rows]
    elif doc is Doc.ANNEX:
        out["annex"] = annex(result)
    return out


def _rows_of(items: Iterable[Seat], size: int) -> list[list[Seat]]:
    rows: list[list[Seat]] = []
    for item in items:
        if not rows or len(rows[-1]) >= size:
            rows.append([])
        rows[-1].append(item)
    return rows
