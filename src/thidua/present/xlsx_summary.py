"""Excel score summary (:func:`render_scores_xlsx`).

Sheets ``Tổng hợp`` (totals and rank, in rank order), ``Theo nhóm`` (group subtotals,
self and final, in member order), ``Chi tiết`` (one row per member and criterion) and
``Ghi chú`` (notes, e.g. that figures are illustrative). Every number is written as a
value, never a formula, so every reader sees the same numbers; every text is written as
text (:func:`thidua.present.xlsx_safety.put`), so a name starting with ``=`` is never run.
Points carry the number format ``#,##0.00``: the format string is locale-neutral and
Excel/LibreOffice show it with the reader's separators, i.e. ``1.234,50`` on a
Vietnamese system. Shares use ``0.0%``, ranks and votes ``0``. The header row of each
table sheet is frozen and filtered.

The data's fingerprint (:mod:`thidua.present.fingerprint`), when given: the line "Mã dữ liệu:
…" in the printed footer of every sheet and as the last line of ``Ghi chú``, the digest in
the core property ``identifier`` and the record in ``keywords``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.exact import to_decimal
from thidua.numbers import exact
from thidua.present.form import form_bytes
from thidua.present.ooxml import (
    _doc_date,
    package_time,
    row_height,
)
from thidua.present.word_parts import (
    DOCX_FONT,
)
from thidua.present.wording import outcome_note
from thidua.present.xlsx_safety import put

if TYPE_CHECKING:
    import datetime as dt

    from thidua.compute.results import YearResult
    from thidua.present.fingerprint import Fingerprint


# --- Excel: the score summary ------------------------------------------------------------------

POINTS_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
WHOLE_FORMAT = "0"


def _cell_number(value: Decimal | Fraction | int | None) -> Decimal | int | None:
    """A value as Excel stores it: exact decimals as Decimal (a repeating one was already
    rounded to 10 places by scoring), Fractions rounded half up to 10 places."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        value = to_decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))


def _score_value(value: object) -> object:
    """A self-score or appraised value as a cell shows it: 9.5, "đạt", "105/100"."""

    if value is None:
        return None
    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        return f"{exact(value.actual)}/{exact(value.target)}"
    if isinstance(value, Decimal):
        return _cell_number(value)
    return str(value)


def scores_workbook(result: YearResult, fingerprint: Fingerprint | None = None) -> Any:
    """The score summary as an openpyxl workbook (module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    data = result.data
    groups = data.table.groups
    wb = Workbook()
    font = Font(name=DOCX_FONT, size=12)
    bold = Font(name=DOCX_FONT, size=12, bold=True)
    fill = PatternFill("solid", fgColor="D9E2F3")

    def table_sheet(
        ws: Any,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        formats: Mapping[int, str],
        widths: Sequence[float],
        labels: Sequence[str],
    ) -> None:
        """``labels[i]`` names the data of ``rows[i]`` (``đơn vị A, tiêu chí "1.2"``)."""
        for col, text in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=col)
            put(cell, text, f"{ws.title}!{cell.coordinate}")
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, (values, label) in enumerate(zip(rows, labels, strict=True), start=2):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col)
                put(cell, value, f"{label} (ô {ws.title}!{cell.coordinate})")
                cell.font = font
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
                if col in formats and isinstance(value, int | Decimal):
                    cell.number_format = formats[col]
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        # Programs do not agree on fitting rows to wrapped text: set the heights.
        for r, values in enumerate(rows, start=2):
            ws.row_dimensions[r].height = row_height(list(zip(values, widths, strict=False)))
        ws.row_dimensions[1].height = max(32.0, row_height(list(zip(headers, widths, strict=True))))
        ws.freeze_panes = "A2"
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        if ws.sheet_properties.pageSetUpPr is not None:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"

    # Tổng hợp: rank order.
    total_ws = wb.active
    assert total_ws is not None
    total_ws.title = "Tổng hợp"
    vote_header = "Số phiếu bình chọn"
    headers = [
        "Xếp hạng", "Mã", "Đơn vị", "Tổng điểm tự chấm", "Tổng điểm sau thẩm định",
        "Điểm cộng", "Điểm trừ", vote_header, "Tỷ lệ phiếu", "Kết quả", "Ghi chú",
    ]  # fmt: skip
    rows: list[list[object]] = []
    for row in result.rows:
        text = outcome_note(row, ties=True)
        notes = []
        if row.score.missing:
            notes.append(f"còn {row.score.missing} tiêu chí chưa có điểm (tính 0)")
        rows.append(
            [
                row.rank,
                row.member.id,
                row.member.name,
                _cell_number(row.score.self_total),
                _cell_number(row.score.total),
                _cell_number(row.score.bonus),
                _cell_number(row.score.deductions),
                row.votes,
                _cell_number(row.vote_share) if row.vote_share is not None else None,
                text or None,
                "; ".join(notes) or None,
            ]
        )
    table_sheet(
        total_ws,
        headers,
        rows,
        {
            1: WHOLE_FORMAT,
            4: POINTS_FORMAT,
            5: POINTS_FORMAT,
            6: POINTS_FORMAT,
            7: POINTS_FORMAT,
            8: WHOLE_FORMAT,
            9: SHARE_FORMAT,
        },
        [9, 9, 42, 13, 13, 10, 10, 11, 10, 32, 40],
        [f"đơn vị {row.member.id}" for row in result.rows],
    )

    # Theo nhóm: member order.
    group_ws = wb.create_sheet("Theo nhóm")
    headers = ["STT", "Mã", "Đơn vị"]
    for g in groups:
        top = f", tối đa {exact(g.maximum)}" if g.maximum is not None else ""
        headers += [f"Nhóm {g.id} tự chấm{top}", f"Nhóm {g.id} sau thẩm định{top}"]
    headers += ["Tổng điểm tự chấm", "Tổng điểm sau thẩm định", "Xếp hạng"]
    rows = []
    for i, (mid, score) in enumerate(result.scores.items(), start=1):
        line: list[object] = [i, mid, score.member.name]
        for g in groups:
            line += [_cell_number(score.self_groups[g.id]), _cell_number(score.groups[g.id])]
        line += [_cell_number(score.self_total), _cell_number(score.total), result.row(mid).rank]
        rows.append(line)
    ncols = len(headers)
    formats = dict.fromkeys(range(4, ncols), POINTS_FORMAT)
    formats[1] = WHOLE_FORMAT
    formats[ncols] = WHOLE_FORMAT
    table_sheet(
        group_ws,
        headers,
        rows,
        formats,
        [6, 9, 42] + [13] * (ncols - 3),
        [f"đơn vị {mid}" for mid in result.scores],
    )

    # Chi tiết: member × criterion.
    detail_ws = wb.create_sheet("Chi tiết")
    headers = [
        "Mã đơn vị", "Đơn vị", "Nhóm", "Mã tiêu chí", "Tiêu chí", "Cách chấm", "Tối đa",
        "Tự chấm", "Điểm tự chấm", "Thẩm định", "Điểm thẩm định", "Điểm tính tổng",
        "Cách tính", "Lý do thẩm định", "Minh chứng",
    ]  # fmt: skip
    rows = []
    labels = []
    for mid, score in result.scores.items():
        for c in score.criteria:
            entry = c.entry
            labels.append(f'đơn vị {mid}, tiêu chí "{c.criterion.id}"')
            rows.append(
                [
                    mid,
                    score.member.name,
                    c.group.id,
                    c.criterion.id,
                    c.criterion.name,
                    c.criterion.kind.label,
                    _cell_number(c.criterion.maximum),
                    _score_value(entry.self_score if entry else None),
                    _cell_number(c.self_points),
                    _score_value(entry.appraised if entry else None),
                    _cell_number(c.appraised_points),
                    _cell_number(c.signed_points) if not c.missing else None,
                    c.formula,
                    entry.reason if entry else None,
                    entry.evidence if entry else None,
                ]
            )
    table_sheet(
        detail_ws,
        headers,
        rows,
        {7: POINTS_FORMAT, 9: POINTS_FORMAT, 11: POINTS_FORMAT, 12: POINTS_FORMAT},
        [10, 30, 7, 9, 44, 14, 9, 11, 11, 11, 11, 11, 40, 30, 30],
        labels,
    )

    # Ghi chú: what a reader must know about these figures.
    notes_ws = wb.create_sheet("Ghi chú")
    lines = [
        f"Bảng tổng hợp điểm thi đua năm {data.year}",
        data.cluster.name,
        "",
        *result.notes,
        f"Đơn vị dẫn đầu: {result.leading.name if result.leading else 'không có'}. "
        f"{result.leading_reason}",
        "",
        "Điểm ghi bằng giá trị (không có công thức), làm tròn khi hiển thị đến 2 chữ số "
        "thập phân; thứ hạng do thidua xếp trên điểm chính xác.",
        "Các nhóm tiêu chí:",
        *[
            f"- Nhóm {g.id}: {g.name}"
            + (f" (tối đa {exact(g.maximum)} điểm)" if g.maximum is not None else "")
            for g in groups
        ],
    ]
    if fingerprint is not None:
        lines += ["", fingerprint.line]
    for i, text in enumerate(lines, start=1):
        cell = notes_ws.cell(row=i, column=1)
        put(cell, text or None, f"{notes_ws.title}!A{i}")
        cell.font = bold if i == 1 else font
    notes_ws.column_dimensions["A"].width = 120
    if fingerprint is not None:
        _stamp(wb, fingerprint)
    return wb


def _stamp(wb: Any, fp: Fingerprint) -> None:
    """The fingerprint in every sheet's printed footer and in the core properties."""
    for ws in wb.worksheets:
        footer = ws.oddFooter.right
        footer.text = fp.line
        footer.size = 8
    wb.properties.identifier = fp.digest
    wb.properties.keywords = fp.record()


def render_scores_xlsx(
    result: YearResult,
    *,
    epoch: dt.datetime | None = None,
    fingerprint: Fingerprint | None = None,
) -> bytes:
    """The score summary workbook as .xlsx bytes, identical run to run.

    Stamped with ``epoch`` (the CLI's ``SOURCE_DATE_EPOCH``) if given, else the conference date;
    carries ``fingerprint`` (the data's, from the CLI) when given.
    """

    wb = scores_workbook(result, fingerprint)
    wb.properties.title = f"Bảng tổng hợp điểm thi đua năm {result.data.year}"
    wb.properties.language = "vi-VN"
    return form_bytes(wb, package_time(_doc_date(result, None), epoch))
