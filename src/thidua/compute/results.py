"""What a ranking produces (:class:`YearResult` and its rows), the texts of its rules, and
the sort keys of the regulation. Pure; the ranking itself is :mod:`thidua.compute.ranking`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.scoring import MemberScore
from thidua.compute.voting import Tally
from thidua.errors import Problem
from thidua.numbers import count, group_number, percent, points, threshold
from thidua.year import BALLOTS, REGULATION

if TYPE_CHECKING:
    from thidua.year import YearData


LEADER = "Trưởng khối"
DEPUTY = "Phó khối"
# Longer lists of members in notes are summarised by their count (1,000 members happen).
MAX_NAMED = 5
ILLUSTRATIVE_NOTE = "Số liệu điểm và phiếu là minh họa, không phải số liệu thật của Khối."


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    """One ranking key with every member's value (exact)."""

    key: str  # as written in the regulation: "diem", "phieu:binh-chon", "nhom:I"
    label: str  # official words: "tổng điểm sau thẩm định", "số phiếu bình chọn đơn vị dẫn đầu"
    higher_first: bool
    values: dict[str, Fraction]  # member id -> value
    votes: bool = False  # the values are votes (shown as whole numbers)

    def order(self, member_id: str) -> Fraction:
        value = self.values[member_id]
        return -value if self.higher_first else value

    def show(self, member_id: str) -> str:
        """The value for a reader: ``6`` votes, ``84,5`` points."""
        value = self.values[member_id]
        return count(int(value)) if self.votes else points(value)


@dataclass(frozen=True)
class Row:
    rank: int  # 1-based; equal for members sharing a rank
    shared: bool  # True if another member has the same rank (đồng hạng)
    member: m.Member
    score: MemberScore
    votes: int | None  # votes in the ranking/leading ballot, if any
    vote_share: Fraction | None
    eligible: bool
    exclusion: str | None  # reason from khong_xet
    leading: bool  # this member is the leading unit
    awards: tuple[str, ...]  # award names proposed for this member
    tie_note: str | None  # Vietnamese: which key separated it from its neighbour / "đồng hạng"


@dataclass(frozen=True)
class Award:
    name: str
    member: m.Member


@dataclass(frozen=True)
class Election:
    office: str  # "Trưởng khối" / "Phó khối"
    member: m.Member | None  # None: not decided
    # How, or why not decided, in an official's words (a document prints it in brackets
    # after the name or the blank, so it has none of its own): "được 7/7 đơn vị có mặt
    # nhất trí suy tôn", "chưa có kết quả bỏ phiếu bầu Trưởng khối", "do Hội nghị bầu bổ
    # sung".
    how: str
    tally: Tally | None
    hint: str | None = None  # for the terminal only: the keys or ids behind an undecided one


@dataclass(frozen=True)
class YearResult:
    data: YearData
    scores: dict[str, MemberScore]
    tallies: dict[str, Tally]  # ballot id -> tally, in file order
    rows: tuple[Row, ...]  # ranked, best first; shared ranks ordered by member list order
    leading: m.Member | None
    leading_reason: str  # official words: why this member, or why there is none
    awards: tuple[Award, ...]
    next_leader: Election
    next_deputy: Election
    notes: tuple[str, ...]  # Vietnamese notes for readers (thidua.compute.ranking._notes)
    warnings: tuple[Problem, ...]  # e.g. the ≤ 20 % Government-flag limit passed
    keys: tuple[SortKey, ...] = ()  # the regulation's sort keys, in order
    vote_ballot: str | None = None  # the ballot of Row.votes (dan_dau, else first phieu: key)
    vote_denominator: m.Denominator = m.Denominator.VALID  # the denominator of Row.vote_share

    def row(self, member_id: str) -> Row:
        for row in self.rows:
            if row.member.id == member_id:
                return row
        raise KeyError(member_id)

    @property
    def provisional(self) -> bool:
        """The results are "tạm tính": the year is not final (:attr:`YearData.final`)."""
        return not self.data.final

    @property
    def award_notes(self) -> tuple[str, ...]:
        """Official sentences on awards beyond their count or limit (:func:`award_notes`)."""
        return award_notes(self)

    @property
    def hints(self) -> tuple[str, ...]:
        """Terminal-only hints with ids and keys (:func:`terminal_hints`); never a document."""
        return terminal_hints(self)


# --- small texts --------------------------------------------------------------------------
#
# Sentences that may reach a signed document (``leading_reason``, ``Election.how``, the sort
# keys' labels, the notes made here, :func:`award_notes`) are an official's words: full unit
# names, no ids, keys, file names or commands, no nested brackets, curly quotes. What helps
# only the person at the terminal (which key, which ballot id) is in :func:`terminal_hints`.

# What a share of a ballot is taken over, in words: units vote, one paper each.
_OVER = {
    m.Denominator.VALID: "số phiếu hợp lệ",
    m.Denominator.PRESENT: "số đơn vị có mặt",
    m.Denominator.MEMBERS: "tổng số đơn vị thành viên",
}
# The same, counted: "6/7 phiếu hợp lệ", "7/7 đơn vị có mặt".
_COUNTED = {
    m.Denominator.VALID: "phiếu hợp lệ",
    m.Denominator.PRESENT: "đơn vị có mặt",
    m.Denominator.MEMBERS: "đơn vị thành viên",
}
_ORDINAL = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
_RANK_WORD = ("nhất", "nhì", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
BORDA_WORDS = "tổng điểm bình chọn theo thứ tự ưu tiên"


def share_text(share: Fraction) -> str:
    """A threshold for readers (:func:`thidua.numbers.threshold`): ``50 %``, ``2/3``."""
    return threshold(share)


def over_text(which: m.Denominator) -> str:
    """What a share is taken over: ``số phiếu hợp lệ``, ``số đơn vị có mặt``."""
    return _OVER[which]


def bound_text(rule: m.VoteRule) -> str:
    """``trên 50 %``, ``từ 2/3``: the threshold without what it is taken over."""
    word = "trên" if rule.comparison is m.Comparison.GREATER else "từ"
    return f"{word} {share_text(rule.threshold)}"


def rule_text(rule: m.VoteRule) -> str:
    """``trên 50 % số phiếu hợp lệ``, ``từ 2/3 số đơn vị có mặt``."""
    return f"{bound_text(rule)} {over_text(rule.denominator)}"


def place_text(rank: int, shared: bool) -> str:
    """``xếp thứ nhất``, ``xếp thứ tư``, ``đồng hạng nhì``, ``xếp thứ 11``."""
    if shared:
        return "đồng hạng " + (_RANK_WORD[rank - 1] if rank <= len(_RANK_WORD) else str(rank))
    return "xếp thứ " + (_ORDINAL[rank - 1] if rank <= len(_ORDINAL) else str(rank))


def votes_text(t: Tally, option: str, which: m.Denominator, members: int, unit: str) -> str:
    """``6/7 phiếu (85,7 % số phiếu hợp lệ)``; ``6 phiếu (không rõ số thành viên có mặt)``.

    For the terminal (``thidua explain``); documents use the sentences of
    :mod:`thidua.compute.awards`.
    """
    votes = t.votes.get(option, 0)
    den = t.denominator(which, members)
    share = t.share(option, which, members)
    if den is None or share is None:
        return f"{count(votes)} {unit} (không rõ {which.label})"
    return f"{count(votes)}/{count(den)} {unit} ({percent(share)} {which.label})"


def option_of(t: Tally, member_id: str) -> str | None:
    """The option of ``t`` that counts for the member: itself when a candidate, ``dong_y``
    when it is the subject of a yes/no ballot ("suy tôn X"), else None (not on the ballot)."""
    if t.ballot.kind is m.BallotKind.YES_NO:
        return "dong_y" if t.ballot.subject == member_id else None
    return member_id if member_id in t.votes else None


def _names(rows: Sequence[Row] | Sequence[m.Member]) -> str:
    names = [r.member.short_name if isinstance(r, Row) else r.short_name for r in rows]
    return _joined(names)


def full_names(members: Sequence[m.Member]) -> str:
    """``A``, ``A và B``, ``A, B và C`` with each member's full name (``ten``)."""
    return _joined([member.name for member in members])


def _joined(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def quoted(text: str) -> str:
    """``“text”``: the curly quotes of a document."""
    return f"“{text}”"


# --- ballots the regulation relies on -------------------------------------------------------


def ballot_words(data: YearData, ballot_id: str) -> str:
    """A ballot by what it decides: ``bỏ phiếu bình chọn đơn vị dẫn đầu``, ``bỏ phiếu bầu
    Trưởng khối``; else ``bỏ phiếu bình chọn`` (never its id)."""
    reg = data.regulation
    if reg.leading is not None and reg.leading.ballot == ballot_id:
        return "bỏ phiếu bình chọn đơn vị dẫn đầu"
    if reg.leader_election is not None and reg.leader_election.ballot == ballot_id:
        return f"bỏ phiếu bầu {LEADER}"
    if reg.deputy_election is not None and reg.deputy_election.ballot == ballot_id:
        return f"bỏ phiếu bầu {DEPUTY}"
    return "bỏ phiếu bình chọn"


def recorded(data: YearData) -> set[str]:
    """Ids of the ballots whose results are recorded (the held ballots of ``phieu-bau.yaml``;
    a ballot written ahead of the vote has none)."""
    if data.ballots is None:
        return set()
    return {b.id for b in data.ballots.ballots if b.held}


def deciding_ballots(data: YearData) -> list[tuple[str, str]]:
    """The ballots that decide the order, the leading unit and so the awards, as (ballot id,
    where the regulation names it: ``dan_dau`` or the ranking key), in that order."""
    out: list[tuple[str, str]] = []
    reg = data.regulation
    if reg.leading is not None:
        out.append((reg.leading.ballot, "dan_dau"))
    for key in reg.ranking.keys:
        kind, _, ref = key.partition(":")
        if kind == "phieu":
            out.append((ref, f'khóa xếp hạng "{key}"'))
    return out


def pending_ballots(data: YearData) -> list[str]:
    """Ids of the :func:`deciding_ballots` without results yet, once each, in order.

    While one is pending there is no leading unit and no award is proposed (a provisional
    year before its conference, or a closed year whose ballot was never recorded).
    """
    done = recorded(data)
    out: list[str] = []
    for ballot_id, _ in deciding_ballots(data):
        if ballot_id not in done and ballot_id not in out:
            out.append(ballot_id)
    return out


# --- awards against the regulation's counts and limits ---------------------------------------


def award_count(rule: m.AwardRule, members: int) -> int | None:
    """How many members a ``tiep_theo`` award is for: ``so_luong``, ``ty_le`` × members
    rounded down, the smaller of both; None when neither is given (all eligible)."""
    counts = []
    if rule.count is not None:
        counts.append(rule.count)
    if rule.share is not None:
        counts.append(int(rule.share * members))  # rounded down
    return min(counts) if counts else None


def limit_of(limit: m.AwardLimit, members: int) -> tuple[Fraction, str]:
    """The cap of ``gioi_han`` (share × base, exact) and its base in words."""
    if limit.base is not None:
        return limit.share * limit.base, f"{count(limit.base)} đơn vị"
    return limit.share * members, f"{count(members)} đơn vị thành viên của Khối"


def award_notes(result: YearResult) -> tuple[str, ...]:
    """What the documents must say about the proposed awards, in an official's words: an
    award proposed to more units than the regulation gives it (a tie at the cut-off), or
    beyond its limit (``gioi_han``; "quy chế cho phép tối đa … đơn vị"). Never silent: the
    proposal and the minutes print these next to the awards. ``()`` when nothing to say."""
    data = result.data
    members = len(result.rows)
    rank_of = {row.member.id: row.rank for row in result.rows}
    notes: list[str] = []
    for rule in data.regulation.awards:
        given = [a.member for a in result.awards if a.name == rule.name]
        if not given:
            continue
        limit = award_count(rule, members) if rule.target is m.AwardTarget.NEXT else None
        if limit is not None and len(given) > limit:
            last = max(rank_of[mb.id] for mb in given)
            tied = [mb for mb in given if rank_of[mb.id] == last]
            notes.append(
                f"Quy chế dành {quoted(rule.name)} cho {count(limit)} đơn vị; "
                f"{full_names(tied)} {place_text(last, True)} ở ranh giới nên cả "
                f"{count(len(given))} đơn vị đều được đề nghị, đề nghị Hội nghị xem xét, "
                "quyết định."
            )
        if rule.limit is not None:
            cap, base = limit_of(rule.limit, members)
            if len(given) > cap:
                whole = int(cap)
                note = f"; {rule.limit.note}" if rule.limit.note else ""
                share = share_text(rule.limit.share)
                if whole >= 1:
                    allowed = f"tối đa {count(whole)} đơn vị ({share} của {base}{note})"
                else:
                    allowed = f"tối đa {share} của {base}, tức là chưa đủ một đơn vị" + (
                        f" ({rule.limit.note})" if rule.limit.note else ""
                    )
                notes.append(
                    f"Đề nghị {count(len(given))} đơn vị nhận {quoted(rule.name)}, trong khi "
                    f"quy chế cho phép {allowed}."
                )
    return tuple(notes)


def terminal_hints(result: YearResult) -> tuple[str, ...]:
    """For the person at the terminal, never for a document: what in the data makes a
    result pending or undecided, by its ids and keys (``thidua rank`` prints them).

    One line per ballot the regulation names that has no results, with every place that
    names it; then what an undecided office lacks when no ballot is the reason.
    """
    data = result.data
    reg = data.regulation
    done = set(result.tallies) | recorded(data)
    named = deciding_ballots(data)
    offices = ((reg.leader_election, "bau_truong_khoi"), (reg.deputy_election, "bau_pho_khoi"))
    named += [(rule.ballot, key) for rule, key in offices if rule is not None]
    places: dict[str, list[str]] = {}
    for ballot_id, where in named:
        if ballot_id not in done:
            places.setdefault(ballot_id, []).append(where)
    hints = [
        f'chưa có kết quả cuộc bỏ phiếu "{ballot_id}" ({", ".join(where)} trong {REGULATION}): '
        f"ghi kết quả vào {BALLOTS}"
        for ballot_id, where in places.items()
    ]
    for election, (rule, _) in zip((result.next_leader, result.next_deputy), offices, strict=True):
        pending = rule is not None and rule.ballot in places
        if election.hint is not None and not pending:
            hints.append(election.hint)
    return tuple(hints)


# --- sort keys ----------------------------------------------------------------------------


def ballot_label(data: YearData, ballot_id: str, t: Tally | None) -> str:
    """A ``phieu:`` sort key in words: ``số phiếu bình chọn đơn vị dẫn đầu``, ``tổng điểm bình
    chọn theo thứ tự ưu tiên``, ``số phiếu “<title>”``; never the ballot's id."""
    leading = data.regulation.leading
    for_leading = leading is not None and leading.ballot == ballot_id
    if t is not None and t.ballot.kind is m.BallotKind.RANKED:
        if for_leading:
            return "tổng điểm bình chọn đơn vị dẫn đầu theo thứ tự ưu tiên"
        return f"{BORDA_WORDS} {quoted(t.ballot.title)}"
    agree = "đồng ý " if t is not None and t.ballot.kind is m.BallotKind.YES_NO else ""
    if for_leading:
        return f"số phiếu {agree}bình chọn đơn vị dẫn đầu"
    if t is None:
        return "số phiếu bình chọn"
    return f"số phiếu {agree}{quoted(t.ballot.title)}"


def _sort_keys(
    data: YearData, scores: dict[str, MemberScore], tallies: dict[str, Tally]
) -> tuple[list[SortKey], list[str]]:
    """The regulation's sort keys with every member's value, and the notes they need (a
    ballot without results; then no award is proposed, see :func:`pending_ballots`)."""
    keys: list[SortKey] = []
    notes: list[str] = []
    ids = list(scores)
    for key in data.regulation.ranking.keys:
        kind, _, ref = key.partition(":")
        if kind == "diem":
            keys.append(
                SortKey(
                    key, "tổng điểm sau thẩm định", True, {i: scores[i].total_exact for i in ids}
                )
            )
        elif kind == "diem_tu_cham":
            keys.append(
                SortKey(
                    key, "tổng điểm tự chấm", True, {i: scores[i].self_total_exact for i in ids}
                )
            )
        elif kind == "diem_tru":
            keys.append(
                SortKey(
                    key,
                    "điểm trừ (ít hơn xếp trên)",
                    False,
                    {i: Fraction(scores[i].deductions) for i in ids},
                )
            )
        elif kind == "diem_cong":
            keys.append(
                SortKey(key, "điểm cộng", True, {i: Fraction(scores[i].bonus) for i in ids})
            )
        elif kind == "nhom":
            values = {i: scores[i].groups_exact.get(ref, Fraction(0)) for i in ids}
            keys.append(SortKey(key, f"điểm nhóm {_group_number(data, ref)}", True, values))
        else:  # phieu:<ballot>
            t = tallies.get(ref)
            label = ballot_label(data, ref, t)
            if t is None:
                notes.append(
                    f"Chưa có kết quả {ballot_words(data, ref)} nên thứ tự xếp hạng chưa tính "
                    "đến số phiếu."
                )
                values = dict.fromkeys(ids, Fraction(0))
            else:
                values = {}
                for i in ids:
                    option = option_of(t, i)
                    values[i] = Fraction(t.votes[option] if option is not None else 0)
            keys.append(SortKey(key, label, True, values, votes=True))
    pending = pending_ballots(data)
    complete = not any(s.missing for s in scores.values())
    if pending and data.regulation.awards and complete:
        what = _joined([ballot_words(data, ballot_id) for ballot_id in pending])
        notes.append(f"Chưa đề nghị khen thưởng vì chưa có kết quả {what}.")
    return keys, notes


def _separating(keys: Sequence[SortKey], a: str, b: str) -> int | None:
    """Index of the first key on which members ``a`` and ``b`` differ, None if none."""
    for index, key in enumerate(keys):
        if key.values[a] != key.values[b]:
            return index
    return None


def separation_text(keys: Sequence[SortKey], upper: str, lower: str) -> str | None:
    """Why ``upper`` is above ``lower``: the first key that differs, with both values."""
    index = _separating(keys, upper, lower)
    if index is None:
        return None
    key = keys[index]
    equal = ""
    if index > 0:
        equal = "bằng " + ", ".join(k.label for k in keys[:index]) + "; "
    return f"{equal}khác ở {key.label}: {key.show(upper)} so với {key.show(lower)}"


# --- the ranking --------------------------------------------------------------------------


class _Draft:
    """A row under construction (a plain class: one dataclass less to build at import)."""

    __slots__ = (
        "eligible",
        "exclusion",
        "index",
        "member",
        "rank",
        "score",
        "share",
        "shared",
        "votes",
    )

    def __init__(self, index: int, member: m.Member, score: MemberScore) -> None:
        self.index = index  # position in the member list
        self.member = member
        self.score = score
        self.rank = 0
        self.shared = False
        self.eligible = True
        self.exclusion: str | None = None
        self.votes: int | None = None
        self.share: Fraction | None = None

    def row(self, leading: bool, awards: tuple[str, ...], tie_note: str | None) -> Row:
        return Row(
            rank=self.rank,
            shared=self.shared,
            member=self.member,
            score=self.score,
            votes=self.votes,
            vote_share=self.share,
            eligible=self.eligible,
            exclusion=self.exclusion,
            leading=leading,
            awards=awards,
            tie_note=tie_note,
        )


def _group_number(data: YearData, group_id: str) -> str:
    """The group as documents number it ("I", or its position when the id is a code)."""
    for position, group in enumerate(data.table.groups, start=1):
        if group.id == group_id:
            return group_number(position, group_id)
    return group_id
