"""The outcomes of a ranking (see :mod:`thidua.compute.ranking` for the rules): the leading
unit, the proposed awards, next year's leader and deputy. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import (
    Election,
    _Draft,
    _names,
    _unit,
    option_of,
    rule_text,
    share_text,
    votes_text,
)
from thidua.compute.voting import Tally, meets
from thidua.errors import Problem, warning
from thidua.numbers import points
from thidua.year import REGULATION

if TYPE_CHECKING:
    from thidua.year import YearData


# --- the leading unit ---------------------------------------------------------------------


def _points(d: _Draft) -> str:
    return points(d.score.total_exact)


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
