"""The outcomes of a ranking (see :mod:`thidua.compute.ranking` for the rules): the leading
unit, the proposed awards, next year's leader and deputy. Pure.

Their sentences (``leading_reason``, :attr:`Election.how`) may be printed in a signed
document, so they are an official's: full unit names, no ids or keys, no nested brackets;
counts say "đơn vị" (member units vote, one paper each). What only helps at the terminal
is :attr:`Election.hint` and :func:`thidua.compute.results.terminal_hints`.

While a ballot that decides the order or the leading unit has no results
(:func:`thidua.compute.results.pending_ballots`) there is no leading unit and no award is
proposed: a year in progress before its conference proposes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import (
    _COUNTED,
    BORDA_WORDS,
    Election,
    _Draft,
    _names,
    award_count,
    ballot_words,
    bound_text,
    full_names,
    limit_of,
    option_of,
    over_text,
    pending_ballots,
    place_text,
    quoted,
    rule_text,
    share_text,
)
from thidua.compute.voting import Tally, meets
from thidua.errors import Problem, warning
from thidua.numbers import count, percent, points
from thidua.year import BALLOTS, REGULATION

if TYPE_CHECKING:
    from thidua.year import YearData


# --- votes in words -----------------------------------------------------------------------


def _ranked(t: Tally) -> bool:
    return t.ballot.kind is m.BallotKind.RANKED


def _noun(t: Tally) -> str:
    """What one vote is called on the ballot that chooses the leading unit."""
    return "phiếu đồng ý" if t.ballot.kind is m.BallotKind.YES_NO else "phiếu bình chọn"


def _got(t: Tally, option: str, which: m.Denominator, members: int) -> str:
    """``được 6/7 phiếu bình chọn``; ``có tổng điểm bình chọn theo thứ tự ưu tiên là 13 điểm``;
    ``được 6 phiếu bình chọn`` when the denominator is unknown."""
    votes = t.votes.get(option, 0)
    if _ranked(t):
        return f"có {BORDA_WORDS} là {count(votes)} điểm"
    den = t.denominator(which, members)
    shown = count(votes) if den is None else f"{count(votes)}/{count(den)}"
    return f"được {shown} {_noun(t)}"


def _share(t: Tally, option: str, which: m.Denominator, members: int) -> str:
    """``, bằng 33,3 % số phiếu hợp lệ``; ``, chưa rõ số đơn vị có mặt``; "" for points."""
    if _ranked(t):
        return ""
    share = t.share(option, which, members)
    if share is None:
        return f", chưa rõ {over_text(which)}"
    return f", bằng {percent(share)} {over_text(which)}"


def _required(t: Tally, rule: m.VoteRule, members: int) -> str:
    """The regulation's threshold for this ballot: ``trên 50 % số phiếu hợp lệ``; for points,
    the points it comes to (``trên 3,5 điểm``), a share of papers meaning nothing there."""
    den = t.denominator(rule.denominator, members)
    if _ranked(t) and den is not None:
        word = "trên" if rule.comparison is m.Comparison.GREATER else "từ"
        return f"{word} {points(rule.threshold * den)} điểm"
    return rule_text(rule)


def _winning(t: Tally, option: str, rule: m.VoteRule, members: int) -> str:
    """``được 6/7 phiếu bình chọn (85,7 % số phiếu hợp lệ, quy chế yêu cầu trên 50 %)``."""
    got = _got(t, option, rule.denominator, members)
    share = t.share(option, rule.denominator, members)
    if _ranked(t) or share is None:
        return f"{got} (quy chế yêu cầu {_required(t, rule, members)})"
    return (
        f"{got} ({percent(share)} {over_text(rule.denominator)}, quy chế yêu cầu "
        f"{bound_text(rule)})"
    )


# --- the leading unit ---------------------------------------------------------------------


def _points(d: _Draft) -> str:
    return points(d.score.total_exact)


def _place(d: _Draft) -> str:
    return place_text(d.rank, d.shared)


def _leading(
    data: YearData, ordered: list[_Draft], tallies: dict[str, Tally]
) -> tuple[_Draft | None, str]:
    rule = data.regulation.leading
    members = len(ordered)
    eligible = [d for d in ordered if d.eligible]
    top_excluded = [d for d in ordered if d.rank == 1 and not d.eligible]
    excluded_text = "".join(
        f" {d.member.name} có điểm cao nhất nhưng không thuộc diện xét khen thưởng: {d.exclusion}."
        for d in top_excluded
    )
    if not eligible:
        return None, (
            "Không có đơn vị dẫn đầu: không đơn vị nào thuộc diện xét khen thưởng." + excluded_text
        )
    pending = pending_ballots(data)
    if pending:
        if rule is not None and pending[0] == rule.ballot:
            return None, "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu."
        return None, (
            f"Chưa có kết quả {ballot_words(data, pending[0])} nên chưa xác định đơn vị dẫn đầu."
        )
    if rule is None:
        best = eligible[0]
        tied = [d for d in eligible if d.rank == best.rank]
        if len(tied) > 1:
            return None, _tie_reason(tied, voted=False) + excluded_text
        return best, (
            f"{best.member.name} đạt {_points(best)} điểm, {_place(best)}."
            + _skipped_text(ordered, best, None, None)
        )
    t = tallies[rule.ballot]  # not pending
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
        option = option_of(t, best.member.id)
        assert option is not None  # it reached the threshold, so it is on the ballot
        return best, (
            f"{best.member.name} đạt {_points(best)} điểm, {_place(best)}, "
            f"{_winning(t, option, rule, members)}." + _skipped_text(ordered, best, t, rule)
        )
    on_ballot = [d for d in eligible if d.votes is not None]
    if not on_ballot:
        return None, (
            "Không có đơn vị dẫn đầu: không đơn vị nào thuộc diện xét khen thưởng có tên trong "
            f"phiếu bình chọn {quoted(t.ballot.title)}." + excluded_text
        )
    top = max(d.votes or 0 for d in on_ballot)
    best_rows = [d for d in on_ballot if d.votes == top]
    option = option_of(t, best_rows[0].member.id)
    assert option is not None
    got = _got(t, option, rule.denominator, members) + _share(t, option, rule.denominator, members)
    return None, (
        "Không có đơn vị dẫn đầu: không đơn vị nào đạt mức quy chế yêu cầu là "
        f"{_required(t, rule, members)}; cao nhất là "
        f"{full_names([d.member for d in best_rows])}, {got}." + excluded_text
    )


def _tie_reason(tied: Sequence[_Draft], voted: bool) -> str:
    also = " và cùng số phiếu đạt mức quy chế yêu cầu" if voted else ""
    return (
        f"Không có đơn vị dẫn đầu: {full_names([d.member for d in tied])} "
        f"{place_text(tied[0].rank, True)}, bằng nhau ở mọi tiêu chí xếp hạng{also}; quy chế "
        "không phân định được, đề nghị Hội nghị xem xét, quyết định (có thể bỏ phiếu lại giữa "
        "các đơn vị này)."
    )


def _skipped_text(
    ordered: list[_Draft], best: _Draft, t: Tally | None, rule: m.VoteRule | None
) -> str:
    """Why the members ranked at or above the leading unit were passed over, one sentence
    each."""
    parts: list[str] = []
    members = len(ordered)
    for d in ordered:
        if d is best:
            continue
        if d.rank > best.rank:
            break
        who = f"{d.member.name} {_place(d)}"
        if not d.eligible:
            parts.append(f"{who} nhưng không thuộc diện xét khen thưởng: {d.exclusion}.")
        elif t is not None and rule is not None:
            option = option_of(t, d.member.id)
            if option is None:
                parts.append(f"{who} nhưng không có tên trong phiếu bình chọn.")
                continue
            got = _got(t, option, rule.denominator, members)
            if meets(d.share, rule):
                parts.append(f"{who}, cũng đạt mức quy chế yêu cầu nhưng {got}, ít hơn.")
            else:
                share = _share(t, option, rule.denominator, members)
                parts.append(f"{who} nhưng chỉ {got}{share}, chưa đạt mức quy chế yêu cầu.")
    return "".join(" " + part for part in parts)


# --- awards -------------------------------------------------------------------------------


def _awards(
    data: YearData, ordered: list[_Draft], leading: _Draft | None
) -> tuple[list[tuple[str, _Draft]], list[Problem]]:
    """The proposals, and warnings for the terminal (positions in quy-che.yaml). Documents
    say the same in words: :func:`thidua.compute.results.award_notes`."""
    members = len(ordered)
    given: list[tuple[str, _Draft]] = []
    warnings: list[Problem] = []
    if any(d.score.missing for d in ordered):
        return given, warnings  # a note says why (ranking._notes)
    if pending_ballots(data):
        return given, warnings  # a note says why (results._sort_keys)
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
            limit = award_count(rule, members)
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
            cap, of = limit_of(rule.limit, members)
            if len(chosen) > cap:
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


# --- next leader and deputy ---------------------------------------------------------------


def _counted(t: Tally, option: str, which: m.Denominator, members: int) -> str:
    """``2/3 phiếu hợp lệ, bằng 66,7 %``; ``7/7 đơn vị có mặt``; ``2 phiếu, chưa rõ số đơn vị
    có mặt``."""
    votes = t.votes.get(option, 0)
    den = t.denominator(which, members)
    share = t.share(option, which, members)
    if den is None or share is None:
        return f"{count(votes)} phiếu, chưa rõ {over_text(which)}"
    return f"{count(votes)}/{count(den)} {_COUNTED[which]}, bằng {percent(share)}"


def _by_vote(office: str, rule: m.VoteRule, t: Tally, members: dict[str, m.Member]) -> Election:
    n = len(members)
    which = rule.denominator
    below = f"chưa đạt mức {_required(t, rule, n)} theo quy chế"
    if t.ballot.kind is m.BallotKind.YES_NO:
        subject = t.ballot.subject
        member = members.get(subject) if subject is not None else None
        if member is None:
            return Election(
                office,
                None,
                "phiếu suy tôn không nêu đơn vị được đề xuất",
                t,
                hint=f'cuộc bỏ phiếu "{t.ballot.id}" trong {BALLOTS} thiếu de_xuat',
            )
        share = t.share("dong_y", which, n)
        den = t.denominator(which, n)
        agreed = count(t.votes.get("dong_y", 0))
        if share is None or den is None:
            return Election(
                office,
                None,
                f"{member.name} được đề xuất, được {agreed} phiếu đồng ý nhưng chưa rõ "
                f"{over_text(which)} để so với mức quy chế yêu cầu",
                t,
            )
        if meets(share, rule):
            if t.votes.get("khong_dong_y", 0) == 0 and share == 1:
                return Election(
                    office,
                    member,
                    f"được {agreed}/{count(den)} {_COUNTED[which]} nhất trí suy tôn",
                    t,
                )
            return Election(
                office,
                member,
                f"được {agreed}/{count(den)} {_COUNTED[which]} đồng ý suy tôn, bằng "
                f"{percent(share)}",
                t,
            )
        return Election(
            office,
            None,
            f"{member.name} được đề xuất nhưng chỉ được {agreed}/{count(den)} {_COUNTED[which]} "
            f"đồng ý, bằng {percent(share)}, {below}",
            t,
        )
    if not t.options:
        return Election(office, None, "phiếu bầu không có đơn vị ứng cử", t)
    top = max(t.votes.get(o, 0) for o in t.options)
    best = [o for o in t.options if t.votes.get(o, 0) == top]
    if len(best) > 1:
        tied = full_names([members[o] for o in best if o in members])
        if _ranked(t):
            return Election(office, None, f"{tied} cùng có {BORDA_WORDS} là {count(top)} điểm", t)
        return Election(office, None, f"{tied} cùng được {count(top)} phiếu bầu", t)
    winner = members[best[0]]
    if _ranked(t):
        elected = f"được bầu, có {BORDA_WORDS} cao nhất là {count(top)} điểm"
        got = f"có {BORDA_WORDS} là {count(top)} điểm"
    else:
        counted = _counted(t, winner.id, which, n)
        elected = f"được bầu với {counted}"
        got = f"được {counted}"
    if meets(t.share(winner.id, which, n), rule):
        return Election(office, winner, elected, t)
    return Election(office, None, f"cao nhất là {winner.name}, {got}, {below}", t)


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
    hint: str | None = None
    if rule is not None:
        t = tallies.get(rule.ballot)
        if t is not None:
            return _by_vote(office, rule, t, members)
        missing = f"chưa có kết quả bỏ phiếu bầu {office}"
        hint = f'chưa có kết quả cuộc bỏ phiếu "{rule.ballot}" ({key} trong quy chế)'
    rotation = [mid for mid in data.regulation.rotation if mid in members]
    if rotation:
        current, whose = previous()
        nxt = _after(rotation, current)
        if nxt is not None and current is not None and nxt != current:
            how = f"theo thứ tự luân phiên, sau {members[current].name} là {whose}"
            return Election(office, members[nxt], how, None)
        if nxt is not None:  # a rotation of one member: no one comes after anyone
            reason = "thứ tự luân phiên chỉ có một đơn vị nên không xác định được theo luân phiên"
        else:
            reason = f"chưa rõ {whose} nên chưa xác định được theo thứ tự luân phiên"
        return Election(office, None, "; ".join(filter(None, (missing, reason))), None, hint)
    if missing:
        return Election(office, None, missing, None, hint)
    return Election(
        office,
        None,
        "do Hội nghị bầu bổ sung",
        None,
        f"quy chế không quy định bầu {office} ({key}) hay thứ tự luân phiên (luan_phien)",
    )
