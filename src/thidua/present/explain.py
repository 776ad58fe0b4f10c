"""``thidua explain YEAR MEMBER``: how one member's total, rank and outcomes come about, step by
step, as plain text. A pure function of the :class:`~thidua.compute.results.YearResult`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import option_of, rule_text, separation_text, votes_text
from thidua.compute.voting import meets
from thidua.numbers import count, exact, points
from thidua.present.rankview import _election_line, _row_json, status_line

if TYPE_CHECKING:
    from thidua.compute.results import YearResult
    from thidua.compute.scoring import CriterionResult


# --- explain ------------------------------------------------------------------------------


def value_text(value: object) -> str:
    """A score value for people: ``9,5``, ``đạt``, ``thực hiện 106, chỉ tiêu 100``."""
    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        return f"thực hiện {exact(value.actual)}, chỉ tiêu {exact(value.target)}"
    if isinstance(value, Decimal):
        return exact(value)
    return str(value)


def _points_text(value: Fraction) -> str:
    return points(value, approx=True)


def _criterion_lines(c: CriterionResult) -> list[str]:
    crit = c.criterion
    lines = [
        f"  {crit.id} {crit.name} ({crit.kind.label}, tối đa {points(crit.maximum)})",
    ]
    entry = c.entry
    per_count = crit.kind is m.CriterionKind.PER_COUNT
    for label, value, earned, formula in (
        ("Tự chấm", entry.self_score if entry else None, c.self_exact, c.self_formula),
        ("Thẩm định", entry.appraised if entry else None, c.appraised_exact, c.appraised_formula),
    ):
        if value is None:
            if label == "Thẩm định" and c.self_points is not None:
                lines.append("      Thẩm định: không ghi (giữ điểm tự chấm)")
            elif label == "Tự chấm":
                lines.append("      Tự chấm: chưa có")
            continue
        shown = value_text(value) + (" lần" if per_count else "")
        if earned is None:
            lines.append(f"      {label}: {shown} (không tính được điểm)")
            continue
        lines.append(f"      {label}: {shown} → {_points_text(earned)} điểm")
        if formula:
            lines.append(f"        {formula}")
    if c.missing:
        lines.append("      Cuối cùng: 0 (chưa có điểm)")
    elif c.appraised_points is None and c.final_exact != c.self_exact:
        lines.append(
            f"      Cuối cùng: {_points_text(c.final_exact)} (tính lại theo tỷ lệ cao nhất Khối "
            "sau thẩm định)"
        )
        if c.formula:
            lines.append(f"        {c.formula}")
    else:
        sign = " (điểm trừ, trừ vào tổng)" if c.deduction else ""
        lines.append(f"      Cuối cùng: {_points_text(c.final_exact)}{sign}")
    if entry is not None and entry.reason:
        lines.append(f"      Lý do: {entry.reason}")
    if entry is not None and entry.explanation:
        lines.append(f"      Giải trình: {entry.explanation}")
    return lines


def _vote_lines(result: YearResult, member_id: str) -> list[str]:
    """The member's votes, preceded by a blank line; nothing when the regulation has no vote."""
    if result.vote_ballot is None:
        return []
    t = result.tallies.get(result.vote_ballot)
    option = option_of(t, member_id) if t is not None else None
    if t is None:
        return ["", "Phiếu: chưa có kết quả bỏ phiếu."]
    if option is None:
        return ["", f'Phiếu: không có tên trong cuộc bỏ phiếu "{t.ballot.title}".']
    if t.ballot.kind is m.BallotKind.RANKED:
        # Borda points are points: "13/5 điểm Borda (260 %)" read as 13 out of 5.
        shown = f"{count(t.votes.get(option, 0))} điểm Borda"
    else:
        unit = "phiếu đồng ý" if t.ballot.kind is m.BallotKind.YES_NO else "phiếu"
        shown = votes_text(t, option, result.vote_denominator, len(result.rows), unit)
    lines = ["", f'Phiếu: {shown} trong cuộc bỏ phiếu "{t.ballot.title}".']
    rule = result.data.regulation.leading
    if rule is not None and rule.ballot == t.ballot.id:
        verdict = "đạt" if meets(result.row(member_id).vote_share, rule) else "chưa đạt"
        lines.append(f"  Ngưỡng chọn đơn vị dẫn đầu: {rule_text(rule)} ({verdict}).")
    return lines


def render_explain(result: YearResult, member_id: str) -> str:
    """How ``member_id``'s total arises, its votes, and why it sits where it sits."""

    data = result.data
    row = result.row(member_id)
    score = row.score
    member = row.member
    lines = [
        f"Giải thích điểm và thứ hạng năm {data.year}: {member.short_name} ({member.id})",
        member.name,
        status_line(result) or f"Năm {data.year} đang diễn ra: kết quả là tạm tính.",
    ]
    if not score.has_file:
        lines.append("Đơn vị chưa có tệp điểm: mọi tiêu chí tính 0 điểm.")
    elif not score.appraised:
        lines.append("Điểm chưa được thẩm định: dùng điểm tự chấm.")
    by_group: dict[str, list[CriterionResult]] = {}
    for c in score.criteria:
        by_group.setdefault(c.group.id, []).append(c)
    for group in data.table.groups:
        top = f", tối đa {points(group.maximum)}" if group.maximum is not None else ""
        lines.append("")
        lines.append(f"{group.id}. {group.name}{top}")
        for c in by_group.get(group.id, []):
            lines += _criterion_lines(c)
        lines.append(
            f"  Cộng nhóm {group.id}: tự chấm {_points_text(score.self_groups_exact[group.id])}; "
            f"cuối cùng {_points_text(score.groups_exact[group.id])}"
        )
    lines.append("")
    lines.append(
        f"Tổng điểm: tự chấm {_points_text(score.self_total_exact)}; cuối cùng "
        f"{_points_text(score.total_exact)} (điểm cộng {points(score.bonus)}, điểm trừ "
        f"{points(score.deductions)})"
    )
    lines += _vote_lines(result, member_id)
    lines.append("")
    lines.append(f"Thứ hạng: {row.rank}/{len(result.rows)}.")
    keys = result.keys
    lines.append("  Thứ tự xét: " + "; ".join(f"{k.label} {k.show(member_id)}" for k in keys) + ".")
    index = result.rows.index(row)
    tied = [r for r in result.rows if r.rank == row.rank and r is not row]
    if tied:
        names = ", ".join(r.member.short_name for r in tied)
        lines.append(
            f"  Đồng hạng {row.rank} với {names}: bằng nhau ở mọi khóa xếp hạng; trong bảng, "
            "các đơn vị đồng hạng ghi theo thứ tự danh sách thành viên."
        )
    above = next((r for r in reversed(result.rows[:index]) if r.rank < row.rank), None)
    below = next((r for r in result.rows[index + 1 :] if r.rank > row.rank), None)
    if above is not None:
        why = separation_text(keys, above.member.id, member_id)
        lines.append(f"  Xếp sau {above.member.short_name} (hạng {above.rank}): {why}.")
    if below is not None:
        why = separation_text(keys, member_id, below.member.id)
        lines.append(f"  Xếp trên {below.member.short_name} (hạng {below.rank}): {why}.")
    if not row.eligible:
        lines.append(
            f"  Không được xét: {row.exclusion} (không thể là đơn vị dẫn đầu, không được đề "
            "nghị khen thưởng)."
        )
    lines.append("")
    if row.leading:
        lines.append(f"Đơn vị dẫn đầu: {result.leading_reason}")
    elif result.leading is not None:
        lines.append(f"Đơn vị dẫn đầu Khối là {result.leading.short_name}.")
    else:
        lines.append(result.leading_reason)
    if row.awards:
        lines.append("Đề nghị khen thưởng: " + "; ".join(row.awards) + ".")
    for election in (result.next_leader, result.next_deputy):
        if election.member is not None and election.member.id == member_id:
            lines.append(_election_line(result, election))
    return "\n".join(lines) + "\n"


def render_explain_json(result: YearResult, member_id: str) -> str:
    """The member's row as data: totals, votes, outcomes, and every criterion line (with the
    formula and the appraisal reason), the same fields as the member in ``rank --format json``.
    """
    import json

    row = result.row(member_id)
    data = {
        "nam": result.data.year,
        "so_don_vi": len(result.rows),
        "cuoc_bau_phieu": result.vote_ballot,
        **_row_json(result, row),
        "thu_tu_xet": [{"khoa": k.label, "gia_tri": k.show(member_id)} for k in result.keys],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
