"""``thidua explain YEAR MEMBER``: how one member's total, rank and outcomes come about, step by
step, as plain text. A pure function of the :class:`~thidua.compute.results.YearResult`.

The criteria, totals, votes and rank reasons are the member's view in
:mod:`thidua.present.appraisal`, shared with the appraisal notice and the site's unit page;
the text layout (codes, indentation, one line per stage with its formula, units by their short
names) is this module's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from thidua.present.appraisal import (
    CriterionLine,
    appraisal,
    pts,
    rank_reasons,
    rank_sentence,
    vote_sentences,
)
from thidua.present.rankview import _election_line, _row_json, status_line

if TYPE_CHECKING:
    from thidua.compute.results import YearResult

__all__ = ["render_explain", "render_explain_json"]


# --- explain ------------------------------------------------------------------------------


def _criterion_lines(line: CriterionLine, appraised: bool) -> list[str]:
    """The lines of one criterion; ``appraised``: the unit's scores are appraised (else an
    empty appraisal is not said to keep the self-assessed score)."""
    lines = [f"  {line.id} {line.name} ({line.kind}, tối đa {line.maximum_plain})"]
    for label, stage in (("Tự chấm", line.self_value), ("Thẩm định", line.appraised_value)):
        if stage is None:
            if label == "Thẩm định" and line.kept and appraised:
                lines.append("      Thẩm định: không ghi (giữ điểm tự chấm)")
            elif label == "Tự chấm":
                lines.append("      Tự chấm: chưa có")
            continue
        if stage.earned is None:
            lines.append(f"      {label}: {stage.value} (không tính được điểm)")
            continue
        lines.append(f"      {label}: {stage.value} → {pts(stage.earned)} điểm")
        if stage.formula:
            lines.append(f"        {stage.formula}")
    if line.missing:
        lines.append("      Cuối cùng: 0 (chưa có điểm)")
    elif line.recalculated:
        lines.append(
            f"      Cuối cùng: {pts(line.final)} (tính lại theo tỷ lệ cao nhất Khối sau thẩm định)"
        )
        if line.formula:
            lines.append(f"        {line.formula}")
    else:
        sign = " (điểm trừ, trừ vào tổng)" if line.deduction else ""
        lines.append(f"      Cuối cùng: {pts(line.final)}{sign}")
    if line.stated_reason:
        lines.append(f"      Lý do: {line.stated_reason}")
    if line.explanation:
        lines.append(f"      Giải trình: {line.explanation}")
    return lines


def _vote_lines(result: YearResult, member_id: str) -> list[str]:
    """The member's votes, preceded by a blank line; nothing when the regulation has no vote."""
    sentences = vote_sentences(result, member_id)
    if not sentences:
        return []
    return ["", sentences[0], *(f"  {s}" for s in sentences[1:])]


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
    elif not score.scored:
        lines.append("Đơn vị chưa tự chấm tiêu chí nào: mọi tiêu chí tính 0 điểm.")
    elif not score.appraised:
        lines.append("Điểm chưa được thẩm định: dùng điểm tự chấm.")
    view = appraisal(result, row)
    for group in view.groups:
        top = f", tối đa {group.maximum_plain}" if group.maximum_plain is not None else ""
        lines.append("")
        lines.append(f"{group.id}. {group.name}{top}")
        for line in group.lines:
            lines += _criterion_lines(line, score.appraised)
        lines.append(f"  Cộng nhóm {group.id}: tự chấm {group.self_total}; cuối cùng {group.total}")
    lines.append("")
    lines.append(
        f"Tổng điểm: tự chấm {view.self_total}; cuối cùng {view.total} (điểm cộng {view.bonus}, "
        f"điểm trừ {view.deductions})"
    )
    lines += _vote_lines(result, member_id)
    lines.append("")
    lines.append(rank_sentence(result, row))
    reasons = rank_reasons(
        result, result.rows.index(row), lambda member: member.short_name, listed=True
    )
    lines += (f"  {reason}" for reason in reasons)
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
