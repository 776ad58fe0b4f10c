"""A member's scoring form in Excel: out with ``thidua sheet``, back in with ``thidua import``.

The form is one visible sheet, ``Điểm``: the scoring table (groups, criteria, kind, maxima)
with the member's current self-scores, evidence and explanations. Only the input cells are
unlocked — column D (the self-score, or the actual result of a quantitative criterion),
column E (the target of a quantitative criterion), column H (evidence) and the last column
(the member's explanation, ``giai_trinh``) — and the score cells carry Excel's own data
validation for their kind (:mod:`thidua.present.form_rules`). The sheet and the workbook
structure are protected **without a password** (anyone may lift it with Review → Unprotect
Sheet; the protection guards against slips, not against intent, and the import re-checks
every value). Column G shows the points thidua computed from the data when the form was
made, and the totals, as values: the form holds no formula at all, and every text cell is
written as text (a unit name or evidence starting with ``=`` never becomes a live formula,
see :func:`thidua.present.xlsx_safety.put`). The import reads nothing but the input cells,
and refuses an input cell holding a formula.

A member with appraised scores (``tham_dinh``) gets two more columns before the
explanation, locked: each criterion's points after the appraisal (bold where the appraisal
changed the self-score, with the group and total sums) and the appraisal's reason, so that
the unit can answer the appraisal on the same form. The import never reads them.

A hidden sheet, ``_thidua``, identifies the form: a marker, the layout version, the year,
the member, a fingerprint (SHA-256) of the scoring table and the explanation's column, then
the row, kind and maximum of each criterion. The import refuses a form of another year or
member, or made from a scoring table whose ids, kinds or maxima changed. A form of layout 1
(made before the explanation column) is still read, without explanations.

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
from thidua.present.form_rules import plain_number, validations
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
LAYOUT_VERSION = "2"
# Forms of layout 1 (before the explanation column) are still read: their criteria list
# starts a row earlier and they have no explanation, which the import then leaves alone.
OLD_LAYOUTS = {"1": 7}

# Columns of the form sheet; then, when the member was appraised, the points after the
# appraisal and its reason (read-only), and last the member's explanation (giải trình).
COL_ID, COL_NAME, COL_KIND, COL_VALUE, COL_TARGET, COL_MAX, COL_POINTS, COL_EVIDENCE = "ABCDEFGH"
COL_APPRAISED, COL_REASON, COL_EXPLANATION_APPRAISED = "IJK"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1

# Rows of the metadata sheet (column B holds the value).
META_MARKER, META_VERSION, META_YEAR, META_MEMBER, META_TABLE = 1, 2, 3, 4, 5
META_EXPLANATION = 6  # the column of the explanation
META_FIRST_CRITERION = 8  # after the line "tieu_chi, dong"

FONT = "Times New Roman"
INPUT_FILL = "FFF2CC"  # pale yellow: "type here"
HEADER_FILL = "D9E2F3"
GROUP_FILL = "EDEDED"


def form_file_name(year: int, member_id: str) -> str:
    """Default name of a member's form: ``phieu-cham-diem-2021-QLTT.xlsx``."""
    return f"phieu-cham-diem-{year}-{member_id}.xlsx"


# --- the scoring table's fingerprint ---------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def table_fingerprint(table: m.ScoringTableFile) -> str:
    """SHA-256 of what a score depends on: ids, names, kinds, modes, maxima, points per count.

    Guidance (``huong_dan``), titles and notes are left out: rewording the help text does
    not invalidate the forms already sent. Numbers are compared by value (10 = 10.0).
    """
    lines = []
    for group in table.groups:
        lines.append("\t".join(("G", group.id, _nfc(group.name), plain_number(group.maximum))))
        for crit in group.criteria:
            fields = (
                "C",
                crit.id,
                _nfc(crit.name),
                crit.kind.value,
                plain_number(crit.maximum),
                crit.qualitative_mode.value if crit.qualitative_mode else "",
                crit.quantitative_mode.value if crit.quantitative_mode else "",
                plain_number(crit.points_each),
            )
            lines.append("\t".join(fields))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


# --- what each criterion expects ---------------------------------------------------------------


def criterion_spec(crit: m.Criterion) -> tuple[str, str]:
    """What an entered score means for a criterion, in words: its kind (with the way it is
    scored) and its maximum. Forms stay valid while these (and the ids) are unchanged."""
    return kind_text(crit), plain_number(crit.maximum)


# Kinds whose blank self-score cell is read as 0 (no bonus, no deduction), not "not scored".
BLANK_IS_ZERO = frozenset({m.CriterionKind.BONUS, m.CriterionKind.DEDUCTION})


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
    appraised: bool = False  # the appraisal columns are shown

    @property
    def explanation(self) -> str:
        """The column of the member's explanation (giải trình)."""
        return COL_EXPLANATION_APPRAISED if self.appraised else COL_APPRAISED

    @property
    def columns(self) -> str:
        """Every column of the form, A to the explanation."""
        return "ABCDEFGH" + ("IJK" if self.appraised else "I")


def _layout(table: m.ScoringTableFile, appraised: bool = False) -> _Layout:
    rows: dict[str, int] = {}
    group_rows: dict[str, int] = {}
    row = FIRST_ROW
    for group in table.groups:
        group_rows[group.id] = row
        row += 1
        for crit in group.criteria:
            rows[crit.id] = row
            row += 1
    return _Layout(rows, group_rows, row, appraised)


def _cell_number(value: Decimal) -> int | Decimal:
    """A decimal in the form Excel writes best: an int when whole, else plain notation."""
    if value == value.to_integral_value():
        return int(value)
    return Decimal(plain_number(value))


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


def _is_appraised(score: m.ScoreFile | None) -> bool:
    """The member has an appraised score: its form shows the appraisal."""
    return score is not None and any(e.appraised is not None for e in score.scores.values())


def build_form(data: YearData, member_id: str) -> Workbook:
    """The member's scoring form as an openpyxl workbook (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    member = _member(data, member_id)
    table = data.table
    score = data.scores.get(member_id)
    layout = _layout(table, _is_appraised(score))
    points = score_year(data)[member_id]
    results = {c.criterion.id: c for c in points.criteria}
    cols = layout.columns
    last = cols[-1]

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = FORM_SHEET

    font = Font(name=FONT, size=12)
    bold = Font(name=FONT, size=12, bold=True)
    italic = Font(name=FONT, size=12, italic=True)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    unlocked = Protection(locked=False)
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)

    widths = {"A": 8, "B": 50, "C": 26, "D": 13, "E": 13, "F": 9, "G": 13, "H": 36}
    if layout.appraised:
        widths |= {COL_APPRAISED: 13, COL_REASON: 32}
    widths[layout.explanation] = 36
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    full = sum(widths.values())

    def title(row: int, text: str, *, strong: bool = False, size: int = 12) -> None:
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws[f"A{row}"]
        put(cell, text, f"{FORM_SHEET}!A{row}")
        cell.font = Font(name=FONT, size=size, bold=strong)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = row_height([(text, full)]) * (1.25 if size > 12 else 1)

    title(1, f"PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM {data.year}", strong=True, size=14)
    title(2, data.cluster.name)
    title(3, f"Đơn vị: {member.name} (mã {member.id})", strong=True)
    title(
        4,
        "Chỉ nhập vào các ô nền vàng: cột D (điểm tự chấm; với tiêu chí định lượng là số "
        "thực hiện), cột E (chỉ tiêu, chỉ với tiêu chí định lượng), cột H (minh chứng) và "
        f"cột {layout.explanation} (giải trình, nếu có). Các ô khác đã khóa (không đặt mật "
        "khẩu).",
    )

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
    if layout.appraised:
        headers |= {COL_APPRAISED: "Điểm sau thẩm định", COL_REASON: "Lý do thẩm định"}
    headers[layout.explanation] = "Giải trình của đơn vị"
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

    dvs: list[DataValidation] = []
    for gi, group in enumerate(table.groups):
        grow = layout.group_rows[group.id]
        fill = PatternFill("solid", fgColor=GROUP_FILL)
        for col in cols:
            styled(f"{col}{grow}", None)
            ws[f"{col}{grow}"].fill = fill
        styled(f"A{grow}", group.id, f=bold, align=center)
        styled(f"B{grow}", group.name, f=bold)
        top = _cell_number(group.maximum) if group.maximum is not None else None
        styled(f"F{grow}", top, f=bold, align=center)
        styled(f"G{grow}", _cell_number(points.self_groups[group.id]), f=bold, align=center)
        _show_points(ws[f"G{grow}"])
        if layout.appraised:
            final = _cell_number(points.groups[group.id])
            styled(f"{COL_APPRAISED}{grow}", final, f=bold, align=center)
            _show_points(ws[f"{COL_APPRAISED}{grow}"])
        for ci, crit in enumerate(group.criteria):
            row = layout.rows[crit.id]
            entry = score.scores.get(crit.id) if score is not None else None
            where = str(data.pos(TABLE, ("nhom", gi, "tieu_chi", ci)))
            _criterion_row(data, member_id, crit, row, entry, results[crit.id], styled, where)
            _show_points(ws[f"{COL_POINTS}{row}"])
            if layout.appraised:
                _appraisal_cells(ws, row, entry, results[crit.id], styled, bold)
            file = data.score_files.get(member_id, "")
            at = str(data.pos(file, ("diem", crit.id, "giai_trinh")))
            styled(
                f"{layout.explanation}{row}",
                entry.explanation if entry is not None else None,
                where=at,
            )
            quantitative = crit.kind is m.CriterionKind.QUANTITATIVE
            inputs = (COL_VALUE, COL_EVIDENCE, layout.explanation)
            for col in inputs + ((COL_TARGET,) if quantitative else ()):
                cell = ws[f"{col}{row}"]
                cell.protection = unlocked
                cell.fill = input_fill
            dvs.extend(validations(crit, f"{COL_VALUE}{row}", f"{COL_TARGET}{row}"))

    # Programs do not agree on fitting row heights to wrapped text: set them.
    texts = (COL_NAME, COL_KIND, COL_EVIDENCE, layout.explanation) + (
        (COL_REASON,) if layout.appraised else ()
    )
    for row in range(FIRST_ROW, layout.total_row):
        ws.row_dimensions[row].height = row_height(
            [(ws[f"{col}{row}"].value, widths[col]) for col in texts]
        )

    total = layout.total_row
    for col in cols:
        styled(f"{col}{total}", None)
    styled(f"B{total}", "TỔNG CỘNG", f=bold)
    top = _cell_number(table.total) if table.total is not None else None
    styled(f"F{total}", top, f=bold, align=center)
    styled(f"G{total}", _cell_number(points.self_total), f=bold, align=center)
    _show_points(ws[f"G{total}"])
    if layout.appraised:
        styled(f"{COL_APPRAISED}{total}", _cell_number(points.total), f=bold, align=center)
        _show_points(ws[f"{COL_APPRAISED}{total}"])

    notes = _notes(layout)
    for i, text in enumerate(notes, start=total + 2):
        ws.merge_cells(f"A{i}:{last}{i}")
        cell = ws[f"A{i}"]
        put(cell, text, f"{FORM_SHEET}!A{i}")
        cell.font = bold if i == total + 2 else font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = row_height([(text, full)])

    # The head of the unit signs the filled form before it is sent.
    sign = total + 2 + len(notes) + 1
    head = (member.head_title or "Thủ trưởng đơn vị").upper()
    block = cols[-3] if layout.appraised else "F"
    for i, (text, style) in enumerate(
        (
            ("Ngày ..... tháng ..... năm ..........", italic),
            (head, bold),
            ("(Ký, ghi rõ họ tên, đóng dấu)", italic),
        ),
        start=sign,
    ):
        ws.merge_cells(f"{block}{i}:{last}{i}")
        cell = ws[f"{block}{i}"]
        put(cell, text, f"{FORM_SHEET}!{block}{i}")
        cell.font = style
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)

    for dv in dvs:
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


def _notes(layout: _Layout) -> list[str]:
    """The notes under the table."""
    notes = [
        "Ghi chú:",
        "- Cột G và dòng tổng: điểm tính theo số liệu đã có khi lập biểu mẫu, không tự tính "
        "lại khi sửa; điểm được tính lại khi Văn phòng Khối nhập biểu mẫu và khi xếp hạng.",
        "- Tiêu chí định lượng so với đơn vị cao nhất Khối: vượt chỉ tiêu thì điểm phụ thuộc "
        "kết quả của các đơn vị khác.",
        "- Điểm trừ ghi số dương ở cột D; cột G ghi số âm và tổng cộng đã trừ. Ô điểm cộng, "
        "điểm trừ để trống được nhập là 0 điểm.",
        "- Số thập phân nhập theo cách Excel của máy (ví dụ 9,5). Không dùng công thức trong "
        "các ô nhập.",
    ]
    if layout.appraised:
        notes.append(
            f"- Cột {COL_APPRAISED}, {COL_REASON}: điểm sau thẩm định và lý do thẩm định, chỉ "
            "để xem (đã khóa); nhập biểu mẫu không làm thay đổi kết quả thẩm định. Đơn vị "
            f"không nhất trí thì ghi ý kiến vào cột {layout.explanation}."
        )
    else:
        notes.append(
            f"- Cột {layout.explanation}: ý kiến giải trình của đơn vị về điểm của tiêu chí "
            "(nếu có)."
        )
    return notes


def _appraisal_cells(
    ws: Any,
    row: int,
    entry: m.ScoreEntry | None,
    result: CriterionResult,
    styled: Any,
    bold: Any,
) -> None:
    """The criterion's points after the appraisal and the appraisal's reason (read-only);
    in bold where the appraisal changed the self-score."""
    from openpyxl.styles import Alignment

    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    changed = entry is not None and entry.appraised not in (None, entry.self_score)
    final = None if result.missing else _cell_number(result.signed_points)
    ref = f"{COL_APPRAISED}{row}"
    if changed:
        styled(ref, final, f=bold, align=center)
    else:
        styled(ref, final, align=center)
    _show_points(ws[ref])
    styled(f"{COL_REASON}{row}", entry.reason if entry is not None else None)


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


def _metadata_sheet(wb: Workbook, data: YearData, member: m.Member, layout: _Layout) -> None:
    meta = wb.create_sheet(META_SHEET)
    rows: list[tuple[str, str]] = [
        ("thidua", MARKER),
        ("phien_ban", LAYOUT_VERSION),
        ("nam", str(data.year)),
        ("don_vi", member.id),
        ("bang_tieu_chi", table_fingerprint(data.table)),
        ("giai_trinh", layout.explanation),
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
