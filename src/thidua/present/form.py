"""A member's scoring form in Excel: out with ``thidua sheet``, back in with ``thidua import``.

The form is one visible sheet, ``Điểm``: the scoring table (groups, criteria, kind, maxima)
with the member's current self-scores and evidence. Only the input cells are unlocked —
column D (the self-score, or the actual result of a quantitative criterion), column E (the
target of a quantitative criterion) and column H (evidence) — and each input cell carries
Excel's own data validation for its kind. The sheet and the workbook structure are
protected **without a password** (anyone may lift it with Review → Unprotect Sheet; the
protection guards against slips, not against intent, and the import re-checks every value).
Column G shows the points thidua computed from the data when the form was made, and the
totals, as values: the form holds no formula at all, and every text cell is written as
text (a unit name or evidence starting with ``=`` never becomes a live formula, see
:func:`thidua.present.xlsx_safety.put`). The import reads nothing but the input cells, and
refuses an input cell holding a formula.

A hidden sheet, ``_thidua``, identifies the form: a marker, the layout version, the year,
the member and a fingerprint (SHA-256) of the scoring table, then the row of each criterion.
The import refuses a form of another year or member, or made from a different scoring table.

Exactness: Excel stores numbers as binary doubles. A number cell is read as the shortest
decimal that round-trips that double (``repr``), i.e. the number Excel itself shows, and
becomes an exact :class:`~decimal.Decimal`; no arithmetic happens in floating point.

Reading a filled form back is :mod:`thidua.present.form_read`; writing its values into the
score file (``thidua import``) is :mod:`thidua.repo.importer`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.scoring import CriterionResult, score_year
from thidua.errors import UsageError
from thidua.numbers import exact, round_half_up
from thidua.present.ooxml import freeze_zip, row_height
from thidua.present.xlsx_safety import put
from thidua.year import TABLE, YearData

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "BLANK_IS_ZERO",
    "FORM_SHEET",
    "META_SHEET",
    "build_form",
    "criterion_spec",
    "form_bytes",
    "form_file_name",
    "kind_text",
    "number_format",
    "table_fingerprint",
]

FORM_SHEET = "Điểm"
META_SHEET = "_thidua"
MARKER = "thidua: phiếu tự chấm điểm"
LAYOUT_VERSION = "1"

# Columns of the form sheet.
COL_ID, COL_NAME, COL_KIND, COL_VALUE, COL_TARGET, COL_MAX, COL_POINTS, COL_EVIDENCE = "ABCDEFGH"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1

# Rows of the metadata sheet (column B holds the value).
META_MARKER, META_VERSION, META_YEAR, META_MEMBER, META_TABLE = 1, 2, 3, 4, 5
META_FIRST_CRITERION = 7

FONT = "Times New Roman"
INPUT_FILL = "FFF2CC"  # pale yellow: "type here"
HEADER_FILL = "D9E2F3"
GROUP_FILL = "EDEDED"


def form_file_name(year: int, member_id: str) -> str:
    """Default name of a member's form: ``phieu-cham-diem-2021-QLTT.xlsx``."""
    return f"phieu-cham-diem-{year}-{member_id}.xlsx"


# --- the scoring table's fingerprint ---------------------------------------------------------


def _num(value: Decimal | None) -> str:
    """A decimal as plain text without exponent or trailing zeros: 10, 9.5 (None: empty)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def table_fingerprint(table: m.ScoringTableFile) -> str:
    """SHA-256 of what a score depends on: ids, names, kinds, modes, maxima, points per count.

    Guidance (``huong_dan``), titles and notes are left out: rewording the help text does
    not invalidate the forms already sent. Numbers are compared by value (10 = 10.0).
    """
    lines = []
    for group in table.groups:
        lines.append("\t".join(("G", group.id, _nfc(group.name), _num(group.maximum))))
        for crit in group.criteria:
            fields = (
                "C",
                crit.id,
                _nfc(crit.name),
                crit.kind.value,
                _num(crit.maximum),
                crit.qualitative_mode.value if crit.qualitative_mode else "",
                crit.quantitative_mode.value if crit.quantitative_mode else "",
                _num(crit.points_each),
            )
            lines.append("\t".join(fields))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


# --- what each criterion expects ---------------------------------------------------------------


def criterion_spec(crit: m.Criterion) -> tuple[str, str]:
    """What an entered score means for a criterion, in words: its kind (with the way it is
    scored) and its maximum. Forms stay valid while these (and the ids) are unchanged."""
    return kind_text(crit), _num(crit.maximum)


# Kinds whose blank self-score cell is read as 0 (no bonus, no deduction), not "not scored".
BLANK_IS_ZERO = frozenset({m.CriterionKind.BONUS, m.CriterionKind.DEDUCTION})


def _is_met(crit: m.Criterion) -> bool:
    return (
        crit.kind is m.CriterionKind.QUALITATIVE and crit.qualitative_mode is m.QualitativeMode.MET
    )


def kind_text(crit: m.Criterion) -> str:
    """The kind as the form shows it: "định tính – đạt/không đạt", "chấm thẳng – 2 điểm/lần"."""
    kind = crit.kind
    if kind is m.CriterionKind.QUALITATIVE:
        if crit.qualitative_mode is m.QualitativeMode.MET:
            return "định tính – đạt/không đạt"
        return "định tính – chấm theo thang điểm"
    if kind is m.CriterionKind.QUANTITATIVE:
        if crit.quantitative_mode is m.QuantitativeMode.PROPORTIONAL:
            return "định lượng – theo tỷ lệ thực hiện/chỉ tiêu"
        return "định lượng – so với đơn vị cao nhất Khối"
    if kind is m.CriterionKind.PER_COUNT:
        each = crit.points_each if crit.points_each is not None else Decimal(1)
        return f"chấm thẳng – {exact(each)} điểm/lần"
    if kind in BLANK_IS_ZERO:
        return f"{kind.label} – để trống là 0 điểm"
    return kind.label


# --- building the form -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    rows: dict[str, int]  # criterion id -> row
    group_rows: dict[str, int]  # group id -> row
    total_row: int


def _layout(table: m.ScoringTableFile) -> _Layout:
    rows: dict[str, int] = {}
    group_rows: dict[str, int] = {}
    row = FIRST_ROW
    for group in table.groups:
        group_rows[group.id] = row
        row += 1
        for crit in group.criteria:
            rows[crit.id] = row
            row += 1
    return _Layout(rows, group_rows, row)


def _cell_number(value: Decimal) -> int | Decimal:
    """A decimal in the form Excel writes best: an int when whole, else plain notation."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(_num(value))


def number_format(value: Decimal | int, places: int) -> str:
    """The Excel number format that shows ``value`` as the documents do (:mod:`thidua.numbers`):
    rounded to at most ``places`` decimals, without trailing zeros, thousands grouped.

    ``#,##0`` for 106, ``#,##0.0`` for 84.5, ``#,##0.00`` for 67.75. The separators are
    the reader's (a format cannot choose them): 84,5 and 1.234 on a Vietnamese system. The
    shorter ``0.##`` is not used: Excel shows 106 with it as "106.".
    """
    rounded = round_half_up(value, places)
    decimals = next(d for d in range(places + 1) if (rounded * 10**d).denominator == 1)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _prompt(crit: m.Criterion) -> tuple[str, str]:
    """Excel's input message for the self-score cell (title ≤ 32, text ≤ 255 characters)."""
    title = f"Tiêu chí {crit.id}"[:32]
    top = exact(crit.maximum)
    kind = crit.kind
    if kind is m.CriterionKind.QUANTITATIVE:
        return title, "Cột D: số thực hiện (≥ 0); cột E: chỉ tiêu được giao (> 0)."
    if _is_met(crit):
        return title, f"Chọn đạt ({top} điểm) hoặc không đạt (0 điểm)."
    if kind is m.CriterionKind.PER_COUNT:
        return title, "Nhập số lần (số nguyên ≥ 0)."
    if kind is m.CriterionKind.DEDUCTION:
        return title, f"Nhập số điểm bị trừ, số dương từ 0 đến {top}; để trống là 0 điểm."
    if kind is m.CriterionKind.BONUS:
        return title, f"Nhập điểm cộng từ 0 đến {top}; để trống là 0 điểm."
    return title, f"Nhập điểm từ 0 đến {top}."


def build_form(data: YearData, member_id: str) -> Workbook:
    """The member's scoring form as an openpyxl workbook (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    member = _member(data, member_id)
    table = data.table
    layout = _layout(table)
    score = data.scores.get(member_id)
    points = score_year(data)[member_id]
    results = {c.criterion.id: c for c in points.criteria}

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM_SHEET

    font = Font(name=FONT, size=12)
    bold = Font(name=FONT, size=12, bold=True)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)

    widths = {"A": 8, "B": 58, "C": 30, "D": 13, "E": 13, "F": 9, "G": 13, "H": 42}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width

    def title(row: int, text: str, *, strong: bool = False, size: int = 12) -> None:
        ws.merge_cells(f"A{row}:H{row}")
        cell = ws[f"A{row}"]
        put(cell, text, f"{FORM_SHEET}!A{row}")
        cell.font = Font(name=FONT, size=size, bold=strong)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    title(1, f"PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM {data.year}", strong=True, size=14)
    title(2, data.cluster.name)
    title(3, f"Đơn vị: {member.name} (mã {member.id})", strong=True)
    title(
        4,
        "Chỉ nhập vào các ô nền vàng: cột D (điểm tự chấm; với tiêu chí định lượng là số "
        "thực hiện), cột E (chỉ tiêu, chỉ với tiêu chí định lượng) và cột H (minh chứng). "
        "Các ô khác đã khóa (không đặt mật khẩu).",
    )
    ws.row_dimensions[2].height = 32
    ws.row_dimensions[4].height = 32

    headers = {
        COL_ID: "Mã",
        COL_NAME: "Nhóm, tiêu chí",
        COL_KIND: "Cách chấm",
        COL_VALUE: "Tự chấm (định lượng: thực hiện)",
        COL_TARGET: "Chỉ tiêu (định lượng)",
        COL_MAX: "Tối đa",
        COL_POINTS: "Điểm theo số liệu hiện có",
        COL_EVIDENCE: "Minh chứng",
    }
    for col, text in headers.items():
        cell = ws[f"{col}{HEADER_ROW}"]
        put(cell, text, f"{FORM_SHEET}!{col}{HEADER_ROW}")
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = box
    ws.row_dimensions[HEADER_ROW].height = 45

    def styled(
        ref: str, value: object, *, f: Font = font, align: Alignment = wrap, where: str = ""
    ) -> None:
        cell = ws[ref]
        put(cell, value, where or f"{FORM_SHEET}!{ref}")
        cell.font = f
        cell.alignment = align
        cell.border = box

    validations: list[DataValidation] = []
    for gi, group in enumerate(table.groups):
        grow = layout.group_rows[group.id]
        fill = PatternFill("solid", fgColor=GROUP_FILL)
        for col in "ABCDEFGH":
            ws[f"{col}{grow}"].fill = fill
        styled(f"A{grow}", group.id, f=bold, align=center)
        styled(f"B{grow}", group.name, f=bold)
        styled(f"C{grow}", None)
        styled(f"D{grow}", None)
        styled(f"E{grow}", None)
        styled(
            f"F{grow}",
            _cell_number(group.maximum) if group.maximum is not None else None,
            f=bold,
            align=center,
        )
        styled(f"G{grow}", _cell_number(points.self_groups[group.id]), f=bold, align=center)
        styled(f"H{grow}", None)
        _show_points(ws[f"G{grow}"])
        for ci, crit in enumerate(group.criteria):
            row = layout.rows[crit.id]
            entry = score.scores.get(crit.id) if score is not None else None
            where = str(data.pos(TABLE, ("nhom", gi, "tieu_chi", ci)))
            _criterion_row(data, member_id, crit, row, entry, results[crit.id], styled, where)
            _show_points(ws[f"{COL_POINTS}{row}"])
            for col in (COL_VALUE, COL_EVIDENCE) + (
                (COL_TARGET,) if crit.kind is m.CriterionKind.QUANTITATIVE else ()
            ):
                cell = ws[f"{col}{row}"]
                cell.protection = unlocked
                cell.fill = input_fill
            validations.extend(_validations(crit, row))

    # Programs do not agree on fitting row heights to wrapped text: set them.
    for row in range(FIRST_ROW, layout.total_row):
        ws.row_dimensions[row].height = row_height(
            [(ws[f"{col}{row}"].value, widths[col]) for col in (COL_NAME, COL_KIND, COL_EVIDENCE)]
        )

    total = layout.total_row
    styled(f"A{total}", None)
    styled(f"B{total}", "TỔNG CỘNG", f=bold)
    for col in "CDE":
        styled(f"{col}{total}", None)
    styled(
        f"F{total}",
        _cell_number(table.total) if table.total is not None else None,
        f=bold,
        align=center,
    )
    styled(f"G{total}", _cell_number(points.self_total), f=bold, align=center)
    _show_points(ws[f"G{total}"])
    styled(f"H{total}", None)

    notes = [
        "Ghi chú:",
        "- Cột G và dòng tổng: điểm tính theo số liệu đã có khi lập biểu mẫu, không tự tính "
        "lại khi sửa; thidua tính lại điểm khi nhập biểu mẫu (thidua import) và khi xếp hạng.",
        "- Tiêu chí định lượng so với đơn vị cao nhất Khối: vượt chỉ tiêu thì điểm phụ thuộc "
        "kết quả của các đơn vị khác.",
        "- Điểm trừ ghi số dương ở cột D; cột G ghi số âm và tổng cộng đã trừ. Ô điểm cộng, "
        "điểm trừ để trống được nhập là 0 điểm.",
        "- Số thập phân nhập theo cách Excel của máy (ví dụ 9,5). Không dùng công thức trong "
        "các ô nhập.",
    ]
    for i, text in enumerate(notes, start=total + 2):
        ws.merge_cells(f"A{i}:H{i}")
        cell = ws[f"A{i}"]
        put(cell, text, f"{FORM_SHEET}!A{i}")
        cell.font = bold if i == total + 2 else font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 30 if i > total + 2 else 16

    # The head of the unit signs the filled form before it is sent.
    sign = total + 2 + len(notes) + 1
    head = (member.head_title or "Thủ trưởng đơn vị").upper()
    for i, (text, style) in enumerate(
        (
            ("Ngày ..... tháng ..... năm ..........", Font(name=FONT, size=12, italic=True)),
            (head, bold),
            ("(Ký, ghi rõ họ tên, đóng dấu)", Font(name=FONT, size=12, italic=True)),
        ),
        start=sign,
    ):
        ws.merge_cells(f"F{i}:H{i}")
        cell = ws[f"F{i}"]
        put(cell, text, f"{FORM_SHEET}!F{i}")
        cell.font = style
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)

    for dv in validations:
        ws.add_data_validation(dv)

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    setup = ws.sheet_properties.pageSetUpPr
    if setup is not None:
        setup.fitToPage = True
    ws.protection.sheet = True
    # Let the member resize rows and columns; everything else stays locked.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    _metadata_sheet(wb, data, member, layout)
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


def _show_points(cell: Any) -> None:
    """Points shown as the documents show them (:func:`number_format`): 106; 84,5; -1."""
    if isinstance(cell.value, int | Decimal):
        cell.number_format = number_format(cell.value, 2)


def _criterion_row(
    data: YearData,
    member_id: str,
    crit: m.Criterion,
    row: int,
    entry: m.ScoreEntry | None,
    result: CriterionResult,
    styled: Any,
    where: str,
) -> None:
    """One criterion's row; ``where`` is the criterion's place in the scoring table."""
    from openpyxl.styles import Alignment

    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    styled(f"{COL_ID}{row}", crit.id, align=center)
    name = crit.name if not crit.guidance else f"{crit.name}\n({crit.guidance})"
    styled(f"{COL_NAME}{row}", name, where=f'{where} (tên và hướng dẫn của tiêu chí "{crit.id}")')
    styled(f"{COL_KIND}{row}", kind_text(crit))
    value: object = None
    target: object = None
    current = entry.self_score if entry is not None else None
    if isinstance(current, m.Quantity):
        value, target = _cell_number(current.actual), _cell_number(current.target)
    elif isinstance(current, m.Met):
        value = current.value
    elif isinstance(current, Decimal):
        value = _cell_number(current)
    styled(f"{COL_VALUE}{row}", value, align=center)
    styled(f"{COL_TARGET}{row}", target, align=center)
    styled(f"{COL_MAX}{row}", _cell_number(crit.maximum), align=center)
    pts = result.self_points
    if pts is not None and crit.kind is m.CriterionKind.DEDUCTION:
        pts = -pts
    styled(f"{COL_POINTS}{row}", None if pts is None else _cell_number(pts), align=center)
    file = data.score_files.get(member_id, "")
    at = str(data.pos(file, ("diem", crit.id, "minh_chung")))
    styled(f"{COL_EVIDENCE}{row}", entry.evidence if entry is not None else None, where=at)


def _validations(crit: m.Criterion, row: int) -> list[Any]:
    from openpyxl.worksheet.datavalidation import DataValidation

    title, prompt = _prompt(crit)
    common: dict[str, Any] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "promptTitle": title,
        "prompt": prompt,
        "errorTitle": "Giá trị không hợp lệ",
        "errorStyle": "stop",
    }
    value_ref = f"{COL_VALUE}{row}"
    top = _num(crit.maximum)
    kind = crit.kind
    out: list[DataValidation] = []
    if kind is m.CriterionKind.QUANTITATIVE:
        actual = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Số thực hiện phải là một số không âm.",
            **common,
        )
        actual.add(value_ref)
        target = DataValidation(
            type="decimal",
            operator="greaterThan",
            formula1="0",
            error="Chỉ tiêu phải là một số lớn hơn 0.",
            **common,
        )
        target.add(f"{COL_TARGET}{row}")
        out += [actual, target]
    elif _is_met(crit):
        dv = DataValidation(
            type="list",
            formula1='"đạt,không đạt"',
            error="Chỉ chọn đạt hoặc không đạt.",
            **common,
        )
        dv.add(value_ref)
        out.append(dv)
    elif kind is m.CriterionKind.PER_COUNT:
        dv = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Số lần phải là số nguyên không âm.",
            **common,
        )
        dv.add(value_ref)
        out.append(dv)
    else:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=top,
            error=f"Điểm phải từ 0 đến {exact(crit.maximum)}.",
            **common,
        )
        dv.add(value_ref)
        out.append(dv)
    return out


def _metadata_sheet(wb: Workbook, data: YearData, member: m.Member, layout: _Layout) -> None:
    meta = wb.create_sheet(META_SHEET)
    rows: list[tuple[str, str]] = [
        ("thidua", MARKER),
        ("phien_ban", LAYOUT_VERSION),
        ("nam", str(data.year)),
        ("don_vi", member.id),
        ("bang_tieu_chi", table_fingerprint(data.table)),
        ("tieu_chi", "dong"),
    ]
    specs = {c.id: criterion_spec(c) for g in data.table.groups for c in g.criteria}
    extra: dict[int, tuple[str, str]] = {}
    for i, (cid, row) in enumerate(layout.rows.items(), start=len(rows) + 1):
        rows.append((cid, str(row)))
        extra[i] = specs[cid]
    for i, (key, value) in enumerate(rows, start=1):
        # Everything is text, so no program turns "2021" into 2,021 or "1.10" into 1.1.
        # Columns C and D of a criterion's line: its kind and maximum when the form was made,
        # so that an import can say in words what changed in the table since.
        for col, text in ((1, key), (2, value), *zip((3, 4), extra.get(i, ()), strict=False)):
            cell = meta.cell(row=i, column=col)
            put(cell, text, f"{META_SHEET}!{'ABCD'[col - 1]}{i}")
            cell.number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def form_bytes(wb: Workbook, when: dt.datetime) -> bytes:
    """Any thidua workbook as .xlsx bytes, identical run to run: fixed authorship and
    dates (``when``), zip entries frozen (see :func:`thidua.present.ooxml.freeze_zip`)."""

    wb.properties.creator = "thidua"
    wb.properties.lastModifiedBy = "thidua"
    wb.properties.created = when
    wb.properties.modified = when
    stream = io.BytesIO()
    wb.save(stream)
    return freeze_zip(stream.getvalue(), when)


def _member(data: YearData, member_id: str) -> m.Member:
    for member in data.cluster.members:
        if member.id == member_id:
            return member
    ids = ", ".join(data.member_ids)
    raise UsageError(
        f'"{member_id}" không phải là đơn vị thành viên của Khối năm {data.year}; '
        f"cần một trong các mã: {ids}"
    )
