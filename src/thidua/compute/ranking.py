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
  leader (a rotation of one member decides neither). Otherwise undecided (``member`` None,
  ``how`` says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.awards import _awards, _elect, _leading
from thidua.compute.results import (
    DEPUTY,
    ILLUSTRATIVE_NOTE,
    LEADER,
    MAX_NAMED,
    Award,
    SortKey,
    YearResult,
    _Draft,
    _separating,
    _sort_keys,
    full_names,
    option_of,
)
from thidua.compute.scoring import MemberScore, score_year
from thidua.compute.voting import Tally, tally

if TYPE_CHECKING:
    from thidua.year import YearData

__all__ = ["rank_year"]


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
            parts.append(f"đồng hạng {d.rank} với {full_names([o.member for o in tied])}")
        # Neighbours equal on the first key: say which later key separated them.
        if i > 0 and ordered[i - 1].rank != d.rank:
            up = ordered[i - 1]
            index = _separating(keys, up.member.id, d.member.id)
            if index is not None and index > 0:
                parts.append(
                    f"xếp sau {up.member.name} do {keys[index].label}: "
                    f"{keys[index].show(d.member.id)} so với {keys[index].show(up.member.id)}"
                )
        if i + 1 < len(ordered) and ordered[i + 1].rank != d.rank:
            down = ordered[i + 1]
            index = _separating(keys, d.member.id, down.member.id)
            if index is not None and index > 0:
                parts.append(
                    f"xếp trên {down.member.name} do {keys[index].label}: "
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


# --- notes --------------------------------------------------------------------------------


def _notes(data: YearData, scores: dict[str, MemberScore]) -> list[str]:
    notes: list[str] = []
    if data.illustrative:
        notes.append(ILLUSTRATIVE_NOTE)
    if data.cluster.state is m.YearState.IN_PROGRESS:
        notes.append(f"Năm {data.year} đang diễn ra: kết quả là tạm tính.")
    pending = [s.member for s in scores.values() if s.scored and not s.appraised]
    if len(pending) > MAX_NAMED:
        notes.append(
            f"{len(pending)} đơn vị chưa được thẩm định điểm; xếp hạng tạm theo điểm tự chấm."
        )
    elif pending:
        notes.append(f"Chưa thẩm định điểm: {full_names(pending)}; xếp hạng tạm theo điểm tự chấm.")
    incomplete = [s for s in scores.values() if s.missing]
    if incomplete and data.regulation.awards:
        notes.append(
            f"Chưa đề nghị khen thưởng: {len(incomplete)} đơn vị chưa có đủ điểm các tiêu chí."
        )
    if len(incomplete) > MAX_NAMED:
        notes.append(f"{len(incomplete)} đơn vị còn thiếu điểm một số tiêu chí (tính 0 điểm).")
        incomplete = []
    for s in incomplete:
        if not s.has_file:
            notes.append(f"{s.member.name} chưa gửi kết quả tự chấm điểm (tính 0 điểm).")
        else:
            notes.append(f"{s.member.name} còn thiếu điểm {s.missing} tiêu chí (tính 0 điểm).")
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
        names = {member.id: member.name for member in data.cluster.members}
        for ballot in data.ballots.ballots:
            if ballot.held:  # a ballot not held yet has no result
                tallies.setdefault(ballot.id, tally(ballot, member_ids, names))
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
