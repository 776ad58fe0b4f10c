"""Rank the members of a cluster-year and derive the outcomes the regulation names. Pure.

Rules (``quy-che.yaml``; the Vietnamese text of each decision is in docs/data-format.md):

- **Order.** Members are sorted by the regulation's keys (``xep_hang.thu_tu``, see
  :class:`thidua.models.Ranking`), compared on exact values. Members equal on every key
  share a rank, standard competition style (1, 1, 3). Within a shared rank the display
  order is the member list order of ``khoi.yaml``; it never decides anything. A ``phieu:``
  key whose ballot has no result yet counts 0 for everybody (and a note says so).
- **Eligibility.** A member with ``khong_xet`` in its score file stays in the table with its
  rank and the reason, but cannot be the leading unit nor receive an award.
- **Votes of a member** in a ballot: its own votes when it is a candidate; for a yes/no
  ballot ("suy tôn X"), the ``dong_y`` papers count for the member ``de_xuat`` and the
  other members are not on the ballot.
- **Leading unit.** The best-ranked eligible member that reaches the ``dan_dau`` vote
  threshold. Lower-ranked members are considered in turn when a better-ranked one misses
  the threshold. When several eligible members share the rank where the first success
  happens, the vote decides: the one with strictly the most votes among those reaching the
  threshold leads; if the vote does not separate them either, there is no leading unit
  (the cluster must decide, e.g. by a new vote). Without a ``dan_dau`` rule the leading
  unit is the best-ranked eligible member, unless that rank is shared (then none).
- **Awards.** ``dan_dau`` awards go to the leading unit. ``tiep_theo`` awards go to the
  eligible members other than the leading unit, in rank order, skipping members that got
  an earlier ``tiep_theo`` award; how many: ``so_luong``, or ``ty_le`` × number of
  members rounded down, or all when neither is given; members below ``diem_toi_thieu``
  are skipped. When the cut-off falls inside a shared rank, all the tied members are
  proposed and a warning says the count was exceeded (never an arbitrary pick).
  ``gioi_han`` (e.g. the ≤ 20 % Government-flag rule) only warns: proposals above
  ``ty_le`` × ``tren_so`` (default: the number of members). No award is proposed while
  some member still lacks a score (a year in progress); a note says so.
- **Next leader and deputy.** From the ``bau_truong_khoi`` / ``bau_pho_khoi`` ballot when
  its result is recorded: a yes/no ballot elects its ``de_xuat`` member if the ``dong_y``
  share reaches the threshold; another kind elects the member with strictly the most
  votes if its share reaches the threshold (a vote held but not passed leaves the office
  undecided). Without a recorded result, from ``luan_phien``: the leader is
  the member after this year's leader (cyclically), the deputy the member after the next
  leader. Otherwise undecided (``member`` None, ``how`` says why).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.scoring import MemberScore, score_year
from thidua.compute.voting import Tally, meets, tally
from thidua.errors import Problem, warning
from thidua.numbers import is_rounded, number, percent

if TYPE_CHECKING:
    from thidua.read.load import YearData

__all__ = [
    "Award",
    "Election",
    "Row",
    "SortKey",
    "YearResult",
    "option_of",
    "rank_year",
    "share_text",
]

REGULATION = "quy-che.yaml"  # same as thidua.read.load.REGULATION, without importing the loader
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
        return str(int(value)) if self.votes else number(value, 2)


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
    """A threshold for readers: ``50 %``, ``66,67 %`` is shown as ``2/3``."""
    if is_rounded(share * 100, 2):
        return f"{share.numerator}/{share.denominator}"
    return percent(share, 2)


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
        return f"{votes} {unit} (không rõ {which.label})"
    return f"{votes}/{den} {unit} ({percent(share)} {which.label})"


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


def _order(drafts: list[_Draft], keys: Sequence[SortKey]) -> list[_Draft]:
    def sort_key(d: _Draft) -> tuple[tuple[Fraction, ...], int]:
        return tuple(k.order(d.member.id) for k in keys), d.index

    ordered = sorted(drafts, key=sort_key)
    previous: tuple[Fraction, ...] | None = None
    for position, d in enumerate(ordered, start=1):
        values = sort_key(d)[0]
        d.rank = ordered[position - 2].rank if values == previous else position
        previous = values
    counts: dict[int, int] = {}
    for d in ordered:
        counts[d.rank] = counts.get(d.rank, 0) + 1
    for d in ordered:
        d.shared = counts[d.rank] > 1
    return ordered


def _tie_notes(ordered: list[_Draft], keys: Sequence[SortKey]) -> list[str | None]:
    by_rank: dict[int, list[_Draft]] = {}
    for d in ordered:
        by_rank.setdefault(d.rank, []).append(d)
    notes: list[str | None] = []
    for i, d in enumerate(ordered):
        parts: list[str] = []
        tied = [o for o in by_rank[d.rank] if o is not d]
        if len(tied) > MAX_NAMED:
            parts.append(f"đồng hạng {d.rank} với {len(tied)} đơn vị khác")
        elif tied:
            parts.append(f"đồng hạng {d.rank} với {_names([o.member for o in tied])}")
        # Neighbours equal on the first key: say which later key separated them.
        if i > 0 and ordered[i - 1].rank != d.rank:
            up = ordered[i - 1]
            index = _separating(keys, up.member.id, d.member.id)
            if index is not None and index > 0:
                parts.append(
                    f"xếp sau {up.member.short_name} do {keys[index].label}: "
                    f"{keys[index].show(d.member.id)} so với {keys[index].show(up.member.id)}"
                )
        if i + 1 < len(ordered) and ordered[i + 1].rank != d.rank:
            down = ordered[i + 1]
            index = _separating(keys, d.member.id, down.member.id)
            if index is not None and index > 0:
                parts.append(
                    f"xếp trên {down.member.short_name} do {keys[index].label}: "
                    f"{keys[index].show(d.member.id)} so với {keys[index].show(down.member.id)}"
                )
        notes.append("; ".join(parts) or None)
    return notes


def _vote_source(data: YearData, tallies: dict[str, Tally]) -> tuple[str | None, m.Denominator]:
    rule = data.regulation.leading
    if rule is not None:
        return rule.ballot, rule.denominator
    for key in data.regulation.ranking.keys:
        if key.startswith("phieu:"):
            return key.partition(":")[2], m.Denominator.VALID
    return None, m.Denominator.VALID


# --- the leading unit ---------------------------------------------------------------------


def _points(d: _Draft) -> str:
    return number(d.score.total_exact, 2)


def _leading(
    data: YearData, ordered: list[_Draft], tallies: dict[str, Tally]
) -> tuple[_Draft | None, str]:
    rule = data.regulation.leading
    members = len(ordered)
    eligible = [d for d in ordered if d.eligible]
    top_excluded = [d for d in ordered if d.rank == 1 and not d.eligible]
    excluded_text = "".join(
        f" Đơn vị có điểm cao nhất, {d.member.short_name}, không được xét: {d.exclusion}."
        for d in top_excluded
    )
    if not eligible:
        return None, (
            "Không có đơn vị dẫn đầu: không đơn vị nào đủ điều kiện xét (mọi đơn vị đều "
            "thuộc diện không xét)." + excluded_text
        )
    if rule is None:
        best = eligible[0]
        tied = [d for d in eligible if d.rank == best.rank]
        if len(tied) > 1:
            return None, _tie_reason(tied, voted=False) + excluded_text
        return best, (
            f"{best.member.short_name} là đơn vị đủ điều kiện xếp hạng cao nhất (hạng "
            f"{best.rank}, {_points(best)} điểm); quy chế không yêu cầu bỏ phiếu chọn đơn vị "
            "dẫn đầu." + _skipped_text(ordered, best, None, None)
        )
    t = tallies.get(rule.ballot)
    if t is None:
        return None, (
            f'Không có đơn vị dẫn đầu: chưa có kết quả cuộc bỏ phiếu "{rule.ballot}" mà quy '
            "chế dùng để chọn đơn vị dẫn đầu." + excluded_text
        )
    ranks = sorted({d.rank for d in eligible})
    for rank in ranks:
        group = [d for d in eligible if d.rank == rank]
        passing = [d for d in group if meets(d.share, rule)]
        if not passing:
            continue
        most = max(d.votes or 0 for d in passing)
        winners = [d for d in passing if (d.votes or 0) == most]
        if len(winners) > 1:
            return None, _tie_reason(winners, voted=True) + excluded_text
        best = winners[0]
        shown = _draft_votes(t, best, rule, members)
        return best, (
            f"{best.member.short_name} là đơn vị đủ điều kiện xếp hạng cao nhất (hạng "
            f"{best.rank}, {_points(best)} điểm) đạt ngưỡng phiếu: được {shown} trong cuộc "
            f'bỏ phiếu "{t.ballot.title}", quy chế yêu cầu {rule_text(rule)}.'
            + _skipped_text(ordered, best, t, rule)
        )
    on_ballot = [d for d in eligible if d.votes is not None]
    if not on_ballot:
        return None, (
            "Không có đơn vị dẫn đầu: không đơn vị đủ điều kiện nào có tên trong cuộc bỏ phiếu "
            f'"{t.ballot.title}".' + excluded_text
        )
    top = max(d.votes or 0 for d in on_ballot)
    best_rows = [d for d in on_ballot if d.votes == top]
    shown = _draft_votes(t, best_rows[0], rule, members)
    return None, (
        f"Không có đơn vị dẫn đầu: không đơn vị đủ điều kiện nào đạt ngưỡng {rule_text(rule)} "
        f'trong cuộc bỏ phiếu "{t.ballot.title}"; cao nhất là '
        f"{_names([d.member for d in best_rows])} với {shown}." + excluded_text
    )


def _draft_votes(t: Tally, d: _Draft, rule: m.VoteRule, members: int) -> str:
    option = option_of(t, d.member.id)
    if option is None:
        return "không có tên trong cuộc bỏ phiếu"
    return votes_text(t, option, rule.denominator, members, _unit(t))


def _tie_reason(tied: Sequence[_Draft], voted: bool) -> str:
    also = " và cùng số phiếu đạt ngưỡng" if voted else ""
    return (
        f"Không có đơn vị dẫn đầu: {_names([d.member for d in tied])} đồng hạng {tied[0].rank}, "
        f"bằng nhau ở mọi khóa xếp hạng{also}; quy chế không phân định được, Khối cần quyết "
        "định (ví dụ bỏ phiếu lại giữa các đơn vị này)."
    )


def _skipped_text(
    ordered: list[_Draft], best: _Draft, t: Tally | None, rule: m.VoteRule | None
) -> str:
    """Why the members ranked at or above the leading unit were passed over."""
    parts: list[str] = []
    members = len(ordered)
    for d in ordered:
        if d is best:
            continue
        if d.rank > best.rank:
            break
        where = f"{d.member.short_name} (hạng {d.rank})"
        if not d.eligible:
            parts.append(f"{where} không được xét: {d.exclusion}")
        elif t is not None and rule is not None:
            shown = _draft_votes(t, d, rule, members)
            if d.votes is None:
                parts.append(f"{where} {shown}")
            elif meets(d.share, rule):
                parts.append(f"{where} được {shown}, ít hơn")
            else:
                parts.append(f"{where} chỉ được {shown}, chưa đạt ngưỡng")
    if not parts:
        return ""
    return " Không chọn " + "; ".join(parts) + "."


# --- awards -------------------------------------------------------------------------------


def _awards(
    data: YearData, ordered: list[_Draft], leading: _Draft | None
) -> tuple[list[tuple[str, _Draft]], list[Problem]]:
    members = len(ordered)
    given: list[tuple[str, _Draft]] = []
    warnings: list[Problem] = []
    if any(d.score.missing for d in ordered):
        return given, warnings  # a note says why (_notes)
    had_next: set[str] = set()
    for i, rule in enumerate(data.regulation.awards):
        where = data.pos(REGULATION, ("khen_thuong", i))

        def enough(d: _Draft, rule: m.AwardRule = rule) -> bool:
            return rule.min_score is None or d.score.total_exact >= Fraction(rule.min_score)

        if rule.target is m.AwardTarget.LEADING:
            chosen = [leading] if leading is not None and enough(leading) else []
        else:
            pool = [
                d
                for d in ordered
                if d.eligible and d is not leading and d.member.id not in had_next and enough(d)
            ]
            limit = _award_count(rule, members)
            chosen = pool if limit is None else pool[:limit]
            if limit is not None and 0 < limit < len(pool) and pool[limit].rank == chosen[-1].rank:
                rank = chosen[-1].rank
                tied = [d for d in pool if d.rank == rank]
                chosen = [d for d in pool if d.rank <= rank]
                warnings.append(
                    warning(
                        where,
                        f'hình thức "{rule.name}" dành cho {limit} đơn vị, nhưng '
                        f"{_names([d.member for d in tied])} đồng hạng {rank} ở ranh giới nên "
                        f"cả {len(chosen)} đơn vị đều được đề nghị; Khối cần xem xét, quyết định",
                    )
                )
            had_next.update(d.member.id for d in chosen)
        given.extend((rule.name, d) for d in chosen)
        if rule.limit is not None:
            base = rule.limit.base if rule.limit.base is not None else members
            cap = rule.limit.share * base
            if len(chosen) > cap:
                of = f"{base} đơn vị" if rule.limit.base is not None else f"{base} thành viên"
                note = f"; {rule.limit.note}" if rule.limit.note else ""
                warnings.append(
                    warning(
                        where,
                        f'đề nghị {len(chosen)} đơn vị nhận "{rule.name}", vượt giới hạn '
                        f"{share_text(rule.limit.share)} của {of} (tối đa {int(cap)} đơn "
                        f"vị{note}); đây là cảnh báo, không phải lỗi",
                    )
                )
    return given, warnings


def _award_count(rule: m.AwardRule, members: int) -> int | None:
    counts = []
    if rule.count is not None:
        counts.append(rule.count)
    if rule.share is not None:
        counts.append(int(rule.share * members))  # rounded down
    return min(counts) if counts else None


# --- next leader and deputy ---------------------------------------------------------------


def _by_vote(office: str, rule: m.VoteRule, t: Tally, members: dict[str, m.Member]) -> Election:
    n = len(members)
    if t.ballot.kind is m.BallotKind.YES_NO:
        subject = t.ballot.subject
        member = members.get(subject) if subject is not None else None
        if member is None:
            return Election(
                office, None, "chưa xác định: cuộc bỏ phiếu không ghi đơn vị được đề xuất", t
            )
        shown = votes_text(t, "dong_y", rule.denominator, n, "phiếu đồng ý")
        share = t.share("dong_y", rule.denominator, n)
        if meets(share, rule):
            unanimous = t.votes.get("khong_dong_y", 0) == 0 and share == 1
            verb = "nhất trí suy tôn" if unanimous else "suy tôn"
            return Election(office, member, f"{verb} với {shown}", t)
        return Election(
            office,
            None,
            f"chưa xác định: đề xuất {member.short_name} được {shown}, chưa đạt ngưỡng "
            f"{rule_text(rule)}",
            t,
        )
    if not t.options:
        return Election(office, None, "chưa xác định: cuộc bỏ phiếu không có ứng viên", t)
    top = max(t.votes.get(o, 0) for o in t.options)
    best = [o for o in t.options if t.votes.get(o, 0) == top]
    unit = _unit(t)
    if len(best) > 1:
        tied = _names([members[o] for o in best if o in members])
        return Election(office, None, f"chưa xác định: {tied} cùng được {top} {unit}", t)
    winner = members[best[0]]
    shown = votes_text(t, winner.id, rule.denominator, n, unit)
    if meets(t.share(winner.id, rule.denominator, n), rule):
        return Election(office, winner, f"bầu với {shown}", t)
    return Election(
        office,
        None,
        f"chưa xác định: cao nhất là {winner.short_name} với {shown}, chưa đạt ngưỡng "
        f"{rule_text(rule)}",
        t,
    )


def _after(rotation: Sequence[str], current: str | None) -> str | None:
    if current is None or current not in rotation:
        return None
    return rotation[(rotation.index(current) + 1) % len(rotation)]


def _elect(
    office: str,
    key: str,
    rule: m.VoteRule | None,
    data: YearData,
    tallies: dict[str, Tally],
    members: dict[str, m.Member],
    previous: Callable[[], tuple[str | None, str]],
) -> Election:
    missing = ""
    if rule is not None:
        t = tallies.get(rule.ballot)
        if t is not None:
            return _by_vote(office, rule, t, members)
        missing = f'chưa có kết quả cuộc bỏ phiếu "{rule.ballot}"'
    rotation = [mid for mid in data.regulation.rotation if mid in members]
    if rotation:
        current, whose = previous()
        nxt = _after(rotation, current)
        if nxt is not None and current is not None:
            how = f"theo thứ tự luân phiên (sau {members[current].short_name}, {whose})"
            return Election(office, members[nxt], how, None)
        reason = f"không rõ {whose} nên không suy ra được từ thứ tự luân phiên"
        return Election(
            office, None, "chưa xác định: " + "; ".join(filter(None, (missing, reason))), None
        )
    if missing:
        return Election(office, None, f"chưa xác định: {missing}", None)
    return Election(
        office,
        None,
        f"chưa xác định: quy chế không quy định bầu {office} ({key}) hay thứ tự luân phiên "
        "(luan_phien)",
        None,
    )


# --- notes --------------------------------------------------------------------------------


def _notes(data: YearData, scores: dict[str, MemberScore]) -> list[str]:
    notes: list[str] = []
    if data.illustrative:
        notes.append(ILLUSTRATIVE_NOTE)
    if data.cluster.state is m.YearState.IN_PROGRESS:
        notes.append(f"Năm {data.year} đang diễn ra: kết quả là tạm tính.")
    pending = [s.member for s in scores.values() if not s.appraised]
    if len(pending) > MAX_NAMED:
        notes.append(
            f"{len(pending)} đơn vị chưa được thẩm định điểm; xếp hạng tạm theo điểm tự chấm."
        )
    elif pending:
        notes.append(f"Chưa thẩm định điểm: {_names(pending)}; xếp hạng tạm theo điểm tự chấm.")
    incomplete = [s for s in scores.values() if s.missing]
    if incomplete and data.regulation.awards:
        notes.append(
            f"Chưa đề nghị khen thưởng: {len(incomplete)} đơn vị chưa có đủ điểm các tiêu chí."
        )
    if len(incomplete) > MAX_NAMED:
        notes.append(
            f"{len(incomplete)} đơn vị còn thiếu điểm (tính 0 điểm); xem chi tiết bằng lệnh "
            f"thidua check {data.year}."
        )
        incomplete = []
    for s in incomplete:
        if not s.has_file:
            notes.append(f"{s.member.short_name} chưa có tệp điểm (tính 0 điểm).")
        else:
            notes.append(
                f"{s.member.short_name} còn thiếu điểm {s.missing} tiêu chí (tính 0 điểm)."
            )
    if any(s.repeating for s in scores.values()):
        notes.append(
            "Một số điểm định lượng là số thập phân vô hạn tuần hoàn: bảng hiển thị làm tròn "
            "đến 2 chữ số thập phân, còn việc xếp hạng so sánh giá trị chính xác."
        )
    return notes


# --- entry point --------------------------------------------------------------------------


def rank_year(data: YearData) -> YearResult:
    """Scores, tallies, ranking and outcomes of one cluster-year."""
    return _rank_year(data)


def _rank_year(data: YearData) -> YearResult:
    scores = score_year(data)
    member_ids = data.member_ids
    members = {member.id: member for member in data.cluster.members}
    tallies: dict[str, Tally] = {}
    if data.ballots is not None:
        for ballot in data.ballots.ballots:
            tallies.setdefault(ballot.id, tally(ballot, member_ids))
    keys, key_notes = _sort_keys(data, scores, tallies)
    vote_ballot, denominator = _vote_source(data, tallies)
    vote_tally = tallies.get(vote_ballot) if vote_ballot is not None else None

    drafts: list[_Draft] = []
    for index, (mid, score) in enumerate(scores.items()):
        d = _Draft(index, score.member, score)
        file = data.scores.get(mid)
        if file is not None and file.exclusion is not None:
            d.eligible = False
            d.exclusion = file.exclusion.reason
        option = option_of(vote_tally, mid) if vote_tally is not None else None
        if vote_tally is not None and option is not None:
            d.votes = vote_tally.votes[option]
            d.share = vote_tally.share(option, denominator, len(scores))
        drafts.append(d)
    ordered = _order(drafts, keys)
    tie_notes = _tie_notes(ordered, keys)
    leading, leading_reason = _leading(data, ordered, tallies)
    given, warnings = _awards(data, ordered, leading)

    rows = tuple(
        d.row(
            leading=d is leading,
            awards=tuple(name for name, a in given if a is d),
            tie_note=note,
        )
        for d, note in zip(ordered, tie_notes, strict=True)
    )
    next_leader = _elect(
        LEADER,
        "bau_truong_khoi",
        data.regulation.leader_election,
        data,
        tallies,
        members,
        lambda: (data.cluster.leader, f"Trưởng khối năm {data.year}"),
    )
    next_deputy = _elect(
        DEPUTY,
        "bau_pho_khoi",
        data.regulation.deputy_election,
        data,
        tallies,
        members,
        lambda: (
            next_leader.member.id if next_leader.member is not None else None,
            f"Trưởng khối năm {data.year + 1}",
        ),
    )
    return YearResult(
        data=data,
        scores=scores,
        tallies=tallies,
        rows=rows,
        leading=leading.member if leading is not None else None,
        leading_reason=leading_reason,
        awards=tuple(Award(name, d.member) for name, d in given),
        next_leader=next_leader,
        next_deputy=next_deputy,
        notes=tuple(_notes(data, scores) + key_notes),
        warnings=tuple(warnings),
        keys=tuple(keys),
        vote_ballot=vote_ballot,
        vote_denominator=denominator,
    )
