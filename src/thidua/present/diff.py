"""The output of ``thidua diff``: a :class:`~thidua.compute.compare.YearDiff` as text or JSON."""

from __future__ import annotations

import json
from fractions import Fraction

from thidua.compute.compare import SECTIONS, YearDiff
from thidua.numbers import plain, points

# --------------------------------------------------------------------------- output


def _arrow(old: str | None, new: str | None) -> str:
    if old is None:
        return f"(trống) → {new}"
    if new is None:
        return f"{old} → (trống)"
    return f"{old} → {new}"


def _change(old: str | None, new: str | None) -> str:
    return f"{new} (không đổi)" if old == new else _arrow(old, new)


def render_text(diff: YearDiff) -> str:
    """The changes for people, grouped by section; one line per change."""
    head = f"So sánh dữ liệu năm {diff.year}: {diff.label_a} → {diff.label_b}"
    if diff.empty:
        return f"{head}\nKhông có thay đổi nào.\n"
    lines = [head]
    for section, title in SECTIONS.items():
        items = [c for c in diff.changes if c.section == section]
        if section == "ket_qua" and diff.moves:
            lines += ["", "Tổng điểm và thứ hạng:"]
            for mv in diff.moves:
                total = _change(_points(mv.old_total), _points(mv.new_total))
                rank = _change(_rank(mv.old_rank), _rank(mv.new_rank))
                lines.append(f"  {mv.member} ({mv.name}): điểm {total}; hạng {rank}")
        if not items:
            continue
        lines += ["", f"{title}:"]
        subject = None
        for c in items:
            if c.subject and c.subject != subject:
                subject = c.subject
                lines.append(f"  {subject}:")
            indent = "    " if c.subject else "  "
            lines.append(f"{indent}{c.field}: {_arrow(c.old, c.new)}")
    return "\n".join(lines) + "\n"


def _points(value: Fraction | None) -> str | None:
    return None if value is None else points(value)


def _rank(value: int | None) -> str | None:
    return None if value is None else str(value)


def render_json(diff: YearDiff) -> str:
    """The changes for programs: exact numbers as decimal strings, fixed key order."""

    doc = {
        "nam": diff.year,
        "tu": diff.label_a,
        "den": diff.label_b,
        "thay_doi": [
            {
                "muc": c.section,
                "doi_tuong": c.subject,
                "khoa": c.key,
                "ten": c.field,
                "cu": c.old,
                "moi": c.new,
            }
            for c in diff.changes
        ],
        "xep_hang": [
            {
                "ma": mv.member,
                "ten_ngan": mv.name,
                "diem_cu": plain(mv.old_total),
                "diem_moi": plain(mv.new_total),
                "hang_cu": mv.old_rank,
                "hang_moi": mv.new_rank,
            }
            for mv in diff.moves
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
