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
from thidua.numbers import count, percent, points, threshold

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
    label: str  # Vietnamese, e.g. "điểm cuối cùng", 'số phiếu "Bình chọn ..."'
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
    how: str  # Vietnamese: "nhất trí suy tôn với 7/7 phiếu đồng ý (100 % ...)", ...
    tally: Tally | None


@dataclass(frozen=True)
class YearResult:
    data: YearData
    scores: dict[str, MemberScore]
    tallies: dict[str, Tally]  # ballot id -> tally, in file order
    rows: tuple[Row, ...]  # ranked, best first; shared ranks ordered by member list order
    leading: m.Member | None
    leading_reason: str  # Vietnamese: why this member, or why there is none
    awards: tuple[Award, ...]
    next_leader: Election
    next_deputy: Election
    notes: tuple[str, ...]  # Vietnamese notes for readers
    warnings: tuple[Problem, ...]  # e.g. the ≤ 20 % Government-flag limit passed
    keys: tuple[SortKey, ...] = ()  # the regulation's sort keys, in order
    vote_ballot: str | None = None  # the ballot of Row.votes (dan_dau, else first phieu: key)
    vote_denominator: m.Denominator = m.Denominator.VALID  # the denominator of Row.vote_share

    def row(self, member_id: str) -> Row:
        for row in self.rows:
            if row.member.id == member_id:
                return row
        raise KeyError(member_id)


# --- small texts --------------------------------------------------------------------------


def share_text(share: Fraction) -> str:
    """A threshold for readers (:func:`thidua.numbers.threshold`): ``50 %``, ``2/3``."""
    return threshold(share)


def rule_text(rule: m.VoteRule) -> str:
    """``trên 50 % số phiếu hợp lệ``, ``từ 2/3 số thành viên có mặt``."""
    word = "trên" if rule.comparison is m.Comparison.GREATER else "từ"
    return f"{word} {share_text(rule.threshold)} {rule.denominator.label}"


def votes_text(t: Tally, option: str, which: m.Denominator, members: int, unit: str) -> str:
    """``6/7 phiếu (85,7 % số phiếu hợp lệ)``; ``6 phiếu (không rõ số thành viên có mặt)``."""
    votes = t.votes.get(option, 0)
    den = t.denominator(which, members)
    share = t.share(option, which, members)
    if den is None or share is None:
        return f"{count(votes)} {unit} (không rõ {which.label})"
    return f"{count(votes)}/{count(den)} {unit} ({percent(share)} {which.label})"


def _unit(t: Tally) -> str:
    if t.ballot.kind is m.BallotKind.RANKED:
        return "điểm Borda"
    return "phiếu đồng ý" if t.ballot.kind is m.BallotKind.YES_NO else "phiếu"


def option_of(t: Tally, member_id: str) -> str | None:
    """The option of ``t`` that counts for the member: itself when a candidate, ``dong_y``
    when it is the subject of a yes/no ballot ("suy tôn X"), else None (not on the ballot)."""
    if t.ballot.kind is m.BallotKind.YES_NO:
        return "dong_y" if t.ballot.subject == member_id else None
    return member_id if member_id in t.votes else None


def _names(rows: Sequence[Row] | Sequence[m.Member]) -> str:
    names = [r.member.short_name if isinstance(r, Row) else r.short_name for r in rows]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


# --- sort keys ----------------------------------------------------------------------------


def _sort_keys(
    data: YearData, scores: dict[str, MemberScore], tallies: dict[str, Tally]
) -> tuple[list[SortKey], list[str]]:
    keys: list[SortKey] = []
    notes: list[str] = []
    ids = list(scores)
    for key in data.regulation.ranking.keys:
        kind, _, ref = key.partition(":")
        if kind == "diem":
            keys.append(
                SortKey(key, "điểm cuối cùng", True, {i: scores[i].total_exact for i in ids})
            )
        elif kind == "diem_tu_cham":
            keys.append(
                SortKey(key, "điểm tự chấm", True, {i: scores[i].self_total_exact for i in ids})
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
            keys.append(SortKey(key, f"điểm nhóm {ref}", True, values))
        else:  # phieu:<ballot>
            t = tallies.get(ref)
            if t is None:
                notes.append(
                    f'Chưa có kết quả cuộc bỏ phiếu "{ref}": khóa xếp hạng "{key}" chưa được '
                    "xét (mọi đơn vị tính 0 phiếu)."
                )
                label = f'số phiếu cuộc bỏ phiếu "{ref}"'
                values = dict.fromkeys(ids, Fraction(0))
            else:
                label = f'số {_unit(t)} "{t.ballot.title}"'
                values = {}
                for i in ids:
                    option = option_of(t, i)
                    values[i] = Fraction(t.votes[option] if option is not None else 0)
            keys.append(SortKey(key, label, True, values, votes=True))
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
