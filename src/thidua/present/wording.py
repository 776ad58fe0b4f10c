"""The sentences thidua writes about a ranked unit, in one place for every output.

The documents' templates (``templates/_macros.md`` and ``_macros.html``, through the
global ``outcome_note`` of :func:`thidua.present.render.make_environment`), hence Word,
``thidua rank`` (table and Markdown, :mod:`thidua.present.rankview`) and the Excel summary
(:mod:`thidua.present.xlsx_summary`) all take the outcome note from here. Numbers are
written by :mod:`thidua.numbers`. Pure, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thidua.compute.results import Row

__all__ = ["NOT_APPRAISED", "outcome_note"]

#: Added by ``thidua rank`` after the note of a member whose scores are not appraised yet.
NOT_APPRAISED = "chưa thẩm định"


def outcome_note(row: Row, ties: bool = False) -> str:
    """The outcome of ``row``: leading unit, awards proposed, exclusion, tie; "" if none.

    ``Đơn vị dẫn đầu Khối; đề nghị Cờ thi đua của Ủy ban nhân dân tỉnh``; ``Không xét khen
    thưởng: bị kỷ luật``. With ``ties``, the note of the ranking on a tie (which key
    separated the member from its neighbour) replaces the bare "đồng hạng" of a shared rank.
    The first letter is a capital.
    """
    notes: list[str] = []
    if row.leading:
        notes.append("Đơn vị dẫn đầu Khối")
    if row.awards:
        notes.append("đề nghị " + ", ".join(row.awards))
    if not row.eligible:
        notes.append("không xét khen thưởng: " + (row.exclusion or "không đủ điều kiện"))
    if ties and row.tie_note:
        notes.append(row.tie_note)
    elif row.shared:
        notes.append("đồng hạng")
    text = "; ".join(notes)
    return text[:1].upper() + text[1:]
