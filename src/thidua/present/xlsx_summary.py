"""Excel score summary (:func:`render_scores_xlsx`), made to be printed as it comes out.

Sheets ``Tổng hợp`` (totals and rank, in rank order), ``Theo nhóm`` (group subtotals,
self and final, in member order), ``Chi tiết`` (one row per member and criterion) and
``Ghi chú`` (what a reader must know about the figures, e.g. that they are illustrative).

Every table sheet opens with title rows: the issuing body, "BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM
…", what the sheet shows, "DỰ THẢO – kết quả tạm tính" while the year is not final
(:attr:`thidua.year.YearData.final`), and a line saying the figures are illustrative when
the data says so. Then the table: thin borders on every cell, the header row repeated on
every printed page, frozen and filtered. Pages: A4, landscape when the table is wider
than a portrait page, fitted to one page width, Decree 30 margins, "Trang 1/3" centred
in the footer (and the data's fingerprint on the right). ``Ghi chú`` wraps its text on
one portrait page width.

Numbers are numbers (sums work), shown as the documents show them (:mod:`thidua.numbers`):
106; 84,5; 67,75; -1. A number format cannot fix the decimal separator — Excel and
LibreOffice always use the reader's locale — so each cell gets a format with exactly
the decimals its value needs (``#,##0``, ``#,##0.0``, ``#,##0.00``, see
:func:`thidua.present.form.number_format`): on a Vietnamese system 84,5 and 1.234, on an
English one 84.5 and 1,234. (The shorter ``0.##`` would print "106." in Excel.) Points
show at most 2 decimals; maxima and the values typed by the units show every decimal.

Deductions are negative on every sheet: the "Điểm trừ" column of ``Tổng hợp``, the
group and total columns, and in ``Chi tiết`` both the value of a deduction criterion and
its points.

Every number is written as a value, never a formula, so every reader sees the same
numbers; every text is written as text (:func:`thidua.present.xlsx_safety.put`), so a
name starting with ``=`` is never run.

The data's fingerprint (:mod:`thidua.present.fingerprint`), when given: the line "Mã dữ liệu:
…" in the printed footer of every sheet and as the last line of ``Ghi chú``, the digest in
the core property ``identifier`` and the record in ``keywords``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.exact import to_decimal
from thidua.numbers import exact
from thidua.present.appraisal import value_text
from thidua.present.form import form_bytes, number_format
from thidua.present.ooxml import _doc_date, package_time, row_height
from thidua.present.word_parts import DOCX_FONT
from thidua.present.wording import outcome_note
from thidua.present.xlsx_safety import put

if TYPE_CHECKING:
    import datetime as dt

    from thidua.compute.results import YearResult
    from thidua.present.fingerprint import Fingerprint


__all__ = ["DRAFT", "PAGE_FOOTER", "render_scores_xlsx", "scores_workbook"]

DRAFT = "DỰ THẢO – kết quả tạm tính"
ILLUSTRATIVE = "Số liệu minh họa, không phải số liệu thật của Khối"
PAGE_FOOTER = "Trang &P/&N"
WHOLE_FORMAT = "0"
HEADER_FILL = "D9E2F3"
# Column widths (Excel units) that fit an A4 portrait page at 100 %; wider: landscape.
PORTRAIT_WIDTH = 95
# LibreOffice does not shrink a sheet of one column to the page: the notes' one column is
# narrow enough for a portrait page at 100 % (LibreOffice measures a unit wider than Excel).
NOTES_WIDTH = 64.0
# Margins in inches: Decree 30 (top, bottom 20 mm; left 30 mm; right 15 mm); in
# landscape the left margin is the same 20 mm as the others.
MM = 1 / 25.4


@dataclass(frozen=True)
class Column:
    """A table column: its header, width and what its numbers are.

    ``kind``: ``text``; ``points`` (a score, at most 2 decimals); ``exact`` (as typed: a
    maximum, a unit's value); ``whole`` (a rank, a count); ``share`` (a vote share).
    """

    header: str
    width: float
    kind: str = "text"


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


def _negated(value: Decimal | None) -> Decimal | None:
    """A deduction as the summary shows it: negative (0 stays 0, never -0)."""
    if value is None or value == 0:
        return value
    return -value


def _score_value(value: object, crit: m.Criterion) -> object:
    """A typed self-score or appraised value as a cell shows it: 9.5, "đạt", "thực hiện
    105, chỉ tiêu 100"; the value of a deduction criterion negative, like its points."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if crit.kind is m.CriterionKind.DEDUCTION:
            value = _negated(value)
        return _cell_number(value)
    return value_text(value)


def _format(value: object, kind: str) -> str | None:
    """The number format of a numeric cell of a column of ``kind``; None for text."""
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return None
    if kind == "points":
        return number_format(value, 2)
    if kind == "exact":
        return number_format(value, 10)
    if kind == "share":
        return number_format(value * 100, 1) + "\\ %"
    return WHOLE_FORMAT


class _Book:
    """The workbook being built and its styles."""

    def __init__(self, result: YearResult) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Border, Font, PatternFill, Side

        self.result = result
        self.wb = Workbook()
        self.font = Font(name=DOCX_FONT, size=12)
        self.bold = Font(name=DOCX_FONT, size=12, bold=True)
        self.italic = Font(name=DOCX_FONT, size=12, italic=True)
        self.big = Font(name=DOCX_FONT, size=14, bold=True)
        self.fill = PatternFill("solid", fgColor=HEADER_FILL)
        thin = Side(style="thin", color="000000")
        self.box = Border(left=thin, right=thin, top=thin, bottom=thin)
        data = result.data
        issuer = data.documents.issuer if data.documents is not None else None
        self.issuer = (issuer or data.cluster.name).upper()
        self.title = f"BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM {data.year}"
        self.unused: Any = self.wb.active  # the sheet a new workbook starts with

    def sheet(self, name: str) -> Any:
        """A new sheet called ``name`` (the first one is the workbook's own)."""
        if self.unused is not None:
            ws, self.unused = self.unused, None
            ws.title = name
            return ws
        return self.wb.create_sheet(name)

    def title_rows(self, ws: Any, subtitle: str, widths: Sequence[float]) -> int:
        """Write the title rows across the columns of ``widths``; the row of the header
        (after a blank row)."""
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        data = self.result.data
        lines = [(self.issuer, self.bold), (self.title, self.big), (subtitle, self.italic)]
        if not data.final:
            lines.append((DRAFT, self.bold))
        if data.illustrative:
            lines.append((f"({ILLUSTRATIVE})", self.italic))
        last = get_column_letter(len(widths))
        for row, (text, font) in enumerate(lines, start=1):
            if len(widths) > 1:
                ws.merge_cells(f"A{row}:{last}{row}")
            cell = ws.cell(row=row, column=1)
            put(cell, text, f"{ws.title}!A{row}")
            cell.font = font
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            # row_height counts 16 points a line of 12 pt text; 14 pt needs 19.
            lines_needed = row_height([(text, sum(widths))]) / 16
            ws.row_dimensions[row].height = lines_needed * (19.0 if font is self.big else 17.0)
        return len(lines) + 2

    def table(
        self,
        ws: Any,
        subtitle: str,
        columns: Sequence[Column],
        rows: Sequence[Sequence[object]],
        labels: Sequence[str],
    ) -> None:
        """A table sheet (module docstring). ``labels[i]`` names the data of ``rows[i]``
        (``đơn vị A, tiêu chí "1.2"``) in the refusal of a text too long for a cell."""
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        widths = [c.width for c in columns]
        head = self.title_rows(ws, subtitle, widths)
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        for col, column in enumerate(columns, start=1):
            cell = ws.cell(row=head, column=col)
            put(cell, column.header, f"{ws.title}!{cell.coordinate}")
            cell.font = self.bold
            cell.fill = self.fill
            cell.border = self.box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[head].height = max(
            32.0, row_height([(c.header, c.width) for c in columns])
        )
        for r, (values, label) in enumerate(zip(rows, labels, strict=True), start=head + 1):
            for col, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
                cell = ws.cell(row=r, column=col)
                put(cell, value, f"{label} (ô {ws.title}!{cell.coordinate})")
                cell.font = self.font
                cell.border = self.box
                fmt = _format(value, column.kind)
                if fmt is not None:
                    cell.number_format = fmt
                centred = column.kind == "whole" or (column.kind == "text" and column.width < 10)
                cell.alignment = Alignment(
                    horizontal="center" if centred else None,
                    vertical="top",
                    wrap_text=isinstance(value, str),
                )
            # Programs do not agree on fitting rows to wrapped text: set the heights.
            ws.row_dimensions[r].height = row_height(list(zip(values, widths, strict=True)))
        last = get_column_letter(len(columns))
        ws.freeze_panes = f"A{head + 1}"
        ws.auto_filter.ref = f"A{head}:{last}{head + max(1, len(rows))}"
        ws.print_title_rows = f"{head}:{head}"
        _page_setup(ws, sum(widths))

    def notes(self, lines: Sequence[str], fingerprint: Fingerprint | None) -> None:
        """``Ghi chú``: the notes, wrapped on one portrait page width."""
        from openpyxl.styles import Alignment

        ws = self.sheet("Ghi chú")
        width = NOTES_WIDTH
        ws.column_dimensions["A"].width = width
        first = self.title_rows(ws, "Ghi chú", [width])
        all_lines = [*lines, *(["", fingerprint.line] if fingerprint is not None else [])]
        for row, text in enumerate(all_lines, start=first):
            cell = ws.cell(row=row, column=1)
            put(cell, text or None, f"{ws.title}!A{row}")
            cell.font = self.font
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            ws.row_dimensions[row].height = row_height([(text, width)])
        _page_setup(ws, width)


def _page_setup(ws: Any, width: float) -> None:
    """A4, landscape when wider than a portrait page, one page wide, margins, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    landscape = width > PORTRAIT_WIDTH
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    margins = ws.page_margins
    margins.top = margins.bottom = 20 * MM
    margins.left = (20 if landscape else 30) * MM
    margins.right = 15 * MM
    margins.header = margins.footer = 8 * MM
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = False
    footer = ws.oddFooter.center
    footer.text = PAGE_FOOTER
    footer.font = DOCX_FONT
    footer.size = 11


def scores_workbook(result: YearResult, fingerprint: Fingerprint | None = None) -> Any:
    """The score summary as an openpyxl workbook (module docstring)."""
    data = result.data
    groups = data.table.groups
    book = _Book(result)

    # Tổng hợp: rank order.
    columns = [
        Column("Xếp hạng", 8, "whole"),
        Column("Đơn vị", 38),
        Column("Tổng điểm tự chấm", 11, "points"),
        Column("Tổng điểm sau thẩm định", 11, "points"),
        Column("Điểm cộng", 9, "points"),
        Column("Điểm trừ", 9, "points"),
        Column("Số phiếu bình chọn", 10, "whole"),
        Column("Tỷ lệ phiếu", 9, "share"),
        Column("Kết quả", 30),
        Column("Ghi chú", 24),
    ]
    rows: list[list[object]] = []
    for row in result.rows:
        missing = row.score.missing
        rows.append(
            [
                row.rank,
                row.member.name,
                _cell_number(row.score.self_total),
                _cell_number(row.score.total),
                _cell_number(row.score.bonus),
                _cell_number(_negated(row.score.deductions)),
                row.votes,
                _cell_number(row.vote_share) if row.vote_share is not None else None,
                outcome_note(row, ties=True) or None,
                f"còn {missing} tiêu chí chưa có điểm (tính 0)" if missing else None,
            ]
        )
    labels = [f"đơn vị {row.member.id}" for row in result.rows]
    book.table(book.sheet("Tổng hợp"), "Tổng điểm và xếp hạng", columns, rows, labels)

    # Theo nhóm: member order.
    columns = [Column("STT", 5, "whole"), Column("Đơn vị", 36)]
    for g in groups:
        top = f" (tối đa {exact(g.maximum)})" if g.maximum is not None else ""
        columns += [
            Column(f"Nhóm {g.id} tự chấm{top}", 11, "points"),
            Column(f"Nhóm {g.id} sau thẩm định{top}", 11, "points"),
        ]
    columns += [
        Column("Tổng điểm tự chấm", 11, "points"),
        Column("Tổng điểm sau thẩm định", 11, "points"),
        Column("Xếp hạng", 8, "whole"),
    ]
    rows = []
    for i, (mid, score) in enumerate(result.scores.items(), start=1):
        line: list[object] = [i, score.member.name]
        for g in groups:
            line += [_cell_number(score.self_groups[g.id]), _cell_number(score.groups[g.id])]
        line += [_cell_number(score.self_total), _cell_number(score.total), result.row(mid).rank]
        rows.append(line)
    labels = [f"đơn vị {mid}" for mid in result.scores]
    book.table(book.sheet("Theo nhóm"), "Điểm theo nhóm tiêu chí", columns, rows, labels)

    # Chi tiết: member × criterion.
    columns = [
        Column("Đơn vị", 24),
        Column("Nhóm", 6),
        Column("Tiêu chí", 7),
        Column("Nội dung tiêu chí", 36),
        Column("Cách chấm", 11),
        Column("Tối đa", 8, "exact"),
        Column("Tự chấm", 11, "exact"),
        Column("Điểm tự chấm", 9, "points"),
        Column("Thẩm định", 11, "exact"),
        Column("Điểm thẩm định", 9, "points"),
        Column("Điểm tính tổng", 9, "points"),
        Column("Cách tính", 26),
        Column("Lý do thẩm định", 26),
        Column("Minh chứng", 26),
    ]
    rows = []
    labels = []
    for mid, score in result.scores.items():
        for c in score.criteria:
            entry, crit = c.entry, c.criterion
            sign = _negated if crit.kind is m.CriterionKind.DEDUCTION else _same
            labels.append(f'đơn vị {mid}, tiêu chí "{crit.id}"')
            rows.append(
                [
                    score.member.name,
                    c.group.id,
                    crit.id,
                    crit.name,
                    crit.kind.label,
                    _cell_number(crit.maximum),
                    _score_value(entry.self_score if entry else None, crit),
                    _cell_number(sign(c.self_points)),
                    _score_value(entry.appraised if entry else None, crit),
                    _cell_number(sign(c.appraised_points)),
                    _cell_number(c.signed_points) if not c.missing else None,
                    c.formula,
                    entry.reason if entry else None,
                    entry.evidence if entry else None,
                ]
            )
    book.table(book.sheet("Chi tiết"), "Điểm chi tiết theo tiêu chí", columns, rows, labels)

    leading = result.leading.name if result.leading else "không có"
    book.notes(
        [
            *result.notes,
            f"Đơn vị dẫn đầu: {leading}. {result.leading_reason}",
            "",
            "Điểm ghi bằng số, không có công thức; hiển thị đến 2 chữ số thập phân, thứ hạng "
            "xếp theo điểm chính xác.",
            "Điểm trừ ghi số âm trên mọi trang (ví dụ -1 là bị trừ 1 điểm).",
            "Các nhóm tiêu chí:",
            *[
                f"- Nhóm {g.id}: {g.name}"
                + (f" (tối đa {exact(g.maximum)} điểm)" if g.maximum is not None else "")
                for g in groups
            ],
        ],
        fingerprint,
    )
    if fingerprint is not None:
        _stamp(book.wb, fingerprint)
    return book.wb


def _same(value: Decimal | None) -> Decimal | None:
    return value


def _stamp(wb: Any, fp: Fingerprint) -> None:
    """The fingerprint in every sheet's printed footer and in the core properties."""
    for ws in wb.worksheets:
        footer = ws.oddFooter.right
        footer.text = fp.line
        footer.font = DOCX_FONT
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
