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
text (a unit name or evidence starting with ``=`` never becomes a live formula). The import
reads nothing but the input cells, and refuses an input cell holding a formula.

The import refuses a zip bomb from the zip's directory (declared sizes, compression ratio,
entry count) before inflating anything, and then inflates with a running bound. The hidden
sheet is checked cell by cell against what thidua would write; any other value is a
tampered form.

A hidden sheet, ``_thidua``, identifies the form: a marker, the layout version, the year,
the member and a fingerprint (SHA-256) of the scoring table, then the row of each criterion.
The import refuses a form of another year or member, or made from a different scoring table.

Exactness: Excel stores numbers as binary doubles. A number cell is read as the shortest
decimal that round-trips that double (``repr``), i.e. the number Excel itself shows, and
becomes an exact :class:`~decimal.Decimal`; no arithmetic happens in floating point.

Refusals name the sheet and the cell (``Điểm!D14: …``) and the score file is never touched:
the new YAML text is built in memory, checked by loading the year from a temporary copy of
its YAML data files (regular files only, never through a symbolic link, size-bounded), and
only then handed to the CLI to write atomically, refused if the score file changed since
it was read. The YAML is edited with the round-trip
reader and writer of ``thidua fmt`` (:func:`thidua.fmt.load_round_trip`,
:func:`~thidua.fmt.dump_round_trip`), so comments, key order and quoting elsewhere in the
file are kept; only ``tu_cham`` and ``minh_chung`` of the member's criteria change, and a
value equal to the one in the file keeps its spelling. Line ends (LF or CRLF) and a
byte-order mark are kept as the file had them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import os
import re
import stat
import tempfile
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.errors import DataError, Problem, ThiduaError, UsageError
from thidua.loader import (
    OPTIONAL,
    REQUIRED,
    SCORES_DIR,
    TABLE,
    YearData,
    display_path,
    load_year,
)
from thidua.scoring import CriterionResult, score_year

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORM_SHEET",
    "META_SHEET",
    "FormError",
    "FormValue",
    "ImportPlan",
    "apply_values",
    "build_form",
    "form_bytes",
    "form_file_name",
    "plan_import",
    "put",
    "read_form",
    "read_form_file",
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

# A scoring form is a few kB: refuse zip bombs from the zip's directory, before inflating.
MAX_UNZIPPED = 50 * 1024 * 1024  # bytes, all entries together
MAX_ENTRIES = 2_000
MAX_RATIO = 200  # inflated / compressed size of an entry larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
EXCEL_CELL_MAX = 32_767  # characters an Excel cell holds
EXCEL_CELL_TEXT = "32.767"

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


def _cell_length(text: str) -> int:
    """Characters as Excel counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def put(cell: Any, value: object, where: str) -> None:
    """Write ``value`` into ``cell``; text always as text, never as a formula.

    ``where`` names the data (``data/2021/diem/A.yaml:7:5``, ``đơn vị A, tiêu chí 1.2``)
    in the refusal of a text longer than an Excel cell holds.
    """
    if not isinstance(value, str):
        cell.value = value
        return
    from openpyxl.utils.exceptions import IllegalCharacterError

    n = _cell_length(value)
    if n > EXCEL_CELL_MAX:
        raise ThiduaError(
            f"{where}: nội dung dài {n} ký tự, vượt giới hạn {EXCEL_CELL_TEXT} ký tự của một ô "
            "Excel; hãy rút gọn"
        )
    try:
        cell.value = value
    except IllegalCharacterError:
        raise ThiduaError(
            f"{where}: nội dung có ký tự điều khiển không ghi được vào ô Excel; hãy xóa ký tự đó"
        ) from None
    cell.data_type = "s"  # "=…", "+…", "@…" stay text: no live formula in any workbook


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
        return f"chấm thẳng – {_vn(each)} điểm/lần"
    return kind.label


def _vn(value: Decimal) -> str:
    """A decimal with a decimal comma, for messages and labels: 9,5; 10; 1E+308."""
    if value.is_finite() and not -15 <= value.adjusted() <= 15:
        return str(value.normalize()).replace(".", ",")
    return _num(value).replace(".", ",")


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


def _prompt(crit: m.Criterion) -> tuple[str, str]:
    """Excel's input message for the self-score cell (title ≤ 32, text ≤ 255 characters)."""
    title = f"Tiêu chí {crit.id}"[:32]
    top = _vn(crit.maximum)
    kind = crit.kind
    if kind is m.CriterionKind.QUANTITATIVE:
        return title, "Cột D: số thực hiện (≥ 0); cột E: chỉ tiêu được giao (> 0)."
    if _is_met(crit):
        return title, f"Chọn đạt ({top} điểm) hoặc không đạt (0 điểm)."
    if kind is m.CriterionKind.PER_COUNT:
        return title, "Nhập số lần (số nguyên ≥ 0)."
    if kind is m.CriterionKind.DEDUCTION:
        return title, f"Nhập số điểm bị trừ, số dương từ 0 đến {top}."
    return title, f"Nhập điểm từ 0 đến {top}."


def build_form(data: YearData, member_id: str) -> Workbook:
    """The member's scoring form as an openpyxl workbook (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from thidua.office_docs import row_height

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
        ws[f"G{grow}"].number_format = "0.##"
        for ci, crit in enumerate(group.criteria):
            row = layout.rows[crit.id]
            entry = score.scores.get(crit.id) if score is not None else None
            where = str(data.pos(TABLE, ("nhom", gi, "tieu_chi", ci)))
            _criterion_row(data, member_id, crit, row, entry, results[crit.id], styled, where)
            ws[f"{COL_POINTS}{row}"].number_format = "0.##"
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
    ws[f"G{total}"].number_format = "0.##"
    styled(f"H{total}", None)

    notes = [
        "Ghi chú:",
        "- Cột G và dòng tổng: điểm tính theo số liệu đã có khi lập biểu mẫu, không tự tính "
        "lại khi sửa; thidua tính lại điểm khi nhập biểu mẫu (thidua import) và khi xếp hạng.",
        "- Tiêu chí định lượng so với đơn vị cao nhất Khối: vượt chỉ tiêu thì điểm phụ thuộc "
        "kết quả của các đơn vị khác.",
        "- Điểm trừ ghi số dương ở cột D; cột G ghi số âm và tổng cộng đã trừ.",
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
            error=f"Điểm phải từ 0 đến {_vn(crit.maximum)}.",
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
    rows += [(cid, str(row)) for cid, row in layout.rows.items()]
    for i, (key, value) in enumerate(rows, start=1):
        # Everything is text, so no program turns "2021" into 2,021 or "1.10" into 1.1.
        for col, text in ((1, key), (2, value)):
            cell = meta.cell(row=i, column=col)
            put(cell, text, f"{META_SHEET}!{'AB'[col - 1]}{i}")
            cell.number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def form_bytes(wb: Workbook, when: dt.datetime) -> bytes:
    """Any thidua workbook as .xlsx bytes, identical run to run: fixed authorship and
    dates (``when``), zip entries frozen (see :func:`office_docs.freeze_zip`)."""
    from thidua.office_docs import freeze_zip

    wb.properties.creator = "thidua"
    wb.properties.lastModifiedBy = "thidua"
    wb.properties.created = when
    wb.properties.modified = when
    stream = io.BytesIO()
    wb.save(stream)
    return freeze_zip(stream.getvalue(), when)


# --- reading a filled form back --------------------------------------------------------------


class FormError(ThiduaError):
    """The form cannot be imported; ``faults`` are lines ``Điểm!D14: …`` (exit code 1)."""

    def __init__(self, faults: Sequence[str]) -> None:
        self.faults = tuple(faults)
        super().__init__("\n".join(self.faults))


@dataclass(frozen=True)
class FormValue:
    """What the form says for one criterion: the self-score and the evidence (None: empty)."""

    criterion: m.Criterion
    self_score: Decimal | m.Met | m.Quantity | None
    evidence: str | None


def read_form_file(path: Path) -> bytes:
    """The bytes of a filled form; too large or unreadable: FormError."""
    shown = display_path(path)
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_UNZIPPED + 1)
    except OSError as exc:
        from thidua.atomic import os_reason

        raise FormError([f"{shown}: không đọc được tệp ({os_reason(exc)})"]) from None
    if len(content) > MAX_UNZIPPED:
        raise FormError(
            [f"{shown}: tệp quá lớn để là một biểu mẫu chấm điểm (hơn {MAX_UNZIPPED // 2**20} MB)"]
        )
    return content


def _open_workbook(content: bytes, name: str) -> Workbook:
    from openpyxl import load_workbook

    _check_zip(content, name)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. conditional formats); the
            # import reads plain cell values only, so those warnings are irrelevant.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(content), data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise FormError(
            [
                f"{name}: tệp .xlsx bị hỏng, không đọc được "
                f"({type(exc).__name__}: {_shown(str(exc))})"
            ]
        ) from None


def _check_zip(content: bytes, name: str) -> None:
    """Refuse a broken package or a zip bomb: sizes from the zip's directory first, then
    every entry inflated with a running bound (declared sizes can lie)."""
    too_big = FormError(
        [
            f"{name}: tệp quá lớn khi giải nén để là một biểu mẫu chấm điểm (tệp nén bất "
            "thường); hãy lập lại biểu mẫu bằng lệnh thidua sheet"
        ]
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise too_big
            if sum(info.file_size for info in infos) > MAX_UNZIPPED:
                raise too_big
            for info in infos:
                if info.file_size > max(RATIO_FLOOR, MAX_RATIO * info.compress_size):
                    raise too_big
            inflated = 0
            for info in infos:
                try:
                    with archive.open(info) as entry:
                        while chunk := entry.read(64 * 1024):
                            inflated += len(chunk)
                            if inflated > MAX_UNZIPPED:
                                raise too_big
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
                    raise FormError(
                        [f"{name}: tệp .xlsx bị hỏng (phần {info.filename} không đọc được)"]
                    ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise FormError(
            [
                f"{name}: không phải tệp Excel .xlsx (không mở được như một tệp nén zip); "
                "tệp .xls cũ hoặc tệp đặt mật khẩu mở cần được lưu lại thành .xlsx không "
                "mật khẩu"
            ]
        ) from None


def _shown(text: str, limit: int = 60) -> str:
    """Cell text as a message quotes it: control characters as "?", cut to ``limit``."""
    text = "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def _text(value: object) -> str:
    """A metadata cell as text (a program re-saving the form may turn "2021" into 2021)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _nfc(str(value)).strip()


def _is_formula(cell: Any) -> bool:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula | DataTableFormula)


def _formula_text(cell: Any) -> str:
    value = cell.value
    text = getattr(value, "text", None)
    return str(text if text is not None else value)


def _check_meta(wb: Workbook, name: str, data: YearData, member_id: str) -> None:
    """Check the form's identity (hidden sheet); raises FormError."""
    from openpyxl.worksheet.worksheet import Worksheet

    command = f"thidua sheet {data.year} {member_id}"
    redo = (
        f"{name}: biểu mẫu đã bị sửa ở phần thông tin ẩn; hãy lập lại biểu mẫu bằng lệnh "
        f"{command} và chép điểm sang"
    )
    if META_SHEET not in wb.sheetnames:
        raise FormError(
            [
                f"{name}: không phải biểu mẫu chấm điểm của thidua "
                f'(thiếu trang ẩn "{META_SHEET}"); hãy lập biểu mẫu bằng lệnh {command}'
            ]
        )
    meta = wb[META_SHEET]
    if not isinstance(meta, Worksheet):
        raise FormError([redo])

    def value(row: int, col: int = 2) -> str:
        return _text(meta.cell(row=row, column=col).value)

    if value(META_MARKER) != MARKER:
        raise FormError(
            [
                f"{name}: không phải biểu mẫu chấm điểm của thidua (thiếu dấu nhận biết "
                f'"{MARKER}"); hãy lập biểu mẫu bằng lệnh {command}'
            ]
        )
    if value(META_VERSION) != LAYOUT_VERSION:
        raise FormError([redo])
    faults = []
    year = value(META_YEAR)
    if year != str(data.year):
        faults.append(
            f"{name}: biểu mẫu của năm {_shown(year) or '(trống)'}, không phải năm {data.year}; "
            f"hãy dùng biểu mẫu năm {data.year} (lập bằng lệnh {command})"
        )
    form_member = value(META_MEMBER)
    if form_member != member_id:
        faults.append(
            f'{name}: biểu mẫu của đơn vị "{_shown(form_member) or "(trống)"}", không phải '
            f'của đơn vị "{member_id}"; hãy nhập vào đúng đơn vị hoặc dùng đúng biểu mẫu'
        )
    if not faults:
        expected = table_fingerprint(data.table)
        found = value(META_TABLE)
        if found != expected:
            faults.append(
                f"{name}: bảng tiêu chí năm {data.year} đã thay đổi sau khi lập biểu mẫu "
                f"(mã bảng trong biểu mẫu {_shown(found[:12]) or '(trống)'}, hiện nay "
                f"{expected[:12]}); hãy lập biểu mẫu mới bằng lệnh {command} và chép điểm sang"
            )
    if faults:
        raise FormError(faults)
    # The table is the one the form was made from: its rows are known; the hidden list
    # must say the same, or the form was tampered with.
    expected_rows = [
        ("tieu_chi", "dong"),
        *((c, str(r)) for c, r in _layout(data.table).rows.items()),
    ]
    for i, pair in enumerate(expected_rows, start=META_FIRST_CRITERION - 1):
        if (value(i, 1), value(i)) != pair:
            raise FormError([redo])


def read_form(content: bytes, name: str, data: YearData, member_id: str) -> list[FormValue]:
    """Every criterion's self-score and evidence from a filled form, in table order.

    Raises :class:`FormError` listing every fault found (sheet and cell named).
    """
    _member(data, member_id)
    from openpyxl.worksheet.worksheet import Worksheet

    wb = _open_workbook(content, name)
    _check_meta(wb, name, data, member_id)
    rows = _layout(data.table).rows
    if FORM_SHEET not in wb.sheetnames or not isinstance(wb[FORM_SHEET], Worksheet):
        raise FormError([f'{name}: thiếu trang "{FORM_SHEET}" của biểu mẫu'])
    ws = wb[FORM_SHEET]
    faults: list[str] = []
    values: list[FormValue] = []
    command = f"thidua sheet {data.year} {member_id}"
    for group in data.table.groups:
        for crit in group.criteria:
            row = rows[crit.id]
            shown_id = _text(ws[f"{COL_ID}{row}"].value)
            if shown_id != crit.id:
                faults.append(
                    f'{FORM_SHEET}!{COL_ID}{row}: ô mã tiêu chí phải là "{crit.id}", nhưng gặp '
                    f'"{_shown(shown_id)}"; cấu trúc biểu mẫu đã bị sửa (chèn hoặc xóa dòng), '
                    f"hãy lập lại biểu mẫu bằng lệnh {command}"
                )
                continue
            value = _read_value(ws, crit, row, faults)
            evidence = _read_evidence(ws, crit, row, faults)
            values.append(FormValue(crit, value, evidence))
    if faults:
        raise FormError(faults)
    return values


def _ref(col: str, row: int) -> str:
    return f"{FORM_SHEET}!{col}{row}"


def _describe(value: object) -> str:
    """A cell's content as a message shows it."""
    if isinstance(value, bool):
        return "giá trị đúng/sai (TRUE/FALSE)"
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return "một ngày hoặc giờ"
    if isinstance(value, int | float):
        return f"số {_vn(_decimal(value))}"
    return f'chữ "{_shown(str(value))}"'


def _decimal(value: int | float) -> Decimal:
    """The exact decimal a number cell shows (module docstring: shortest round-trip)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))


def _raw(ws: Worksheet, col: str, row: int, crit: m.Criterion, faults: list[str]) -> object:
    """A cell's value; a formula or an error value is a fault (returns ``...``)."""
    cell = ws[f"{col}{row}"]
    if _is_formula(cell):
        faults.append(
            f"{_ref(col, row)}: ô nhập liệu chứa công thức {_shown(_formula_text(cell))} "
            f'(tiêu chí "{crit.id}"); hãy nhập giá trị, không dùng công thức'
        )
        return ...
    if cell.data_type == "e":
        faults.append(
            f"{_ref(col, row)}: ô chứa giá trị lỗi {_shown(str(cell.value))} "
            f'(tiêu chí "{crit.id}"); hãy nhập giá trị'
        )
        return ...
    value = cell.value
    if isinstance(value, str):
        n = _cell_length(value)
        if n > EXCEL_CELL_MAX:
            faults.append(
                f"{_ref(col, row)}: ô dài {n} ký tự, vượt giới hạn {EXCEL_CELL_TEXT} ký tự của "
                f'một ô Excel (tiêu chí "{crit.id}")'
            )
            return ...
        bad = next(
            (ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None
        )
        if bad is not None:
            faults.append(
                f"{_ref(col, row)}: ô chứa ký tự điều khiển U+{ord(bad):04X} không in được "
                f'(tiêu chí "{crit.id}"); hãy xóa ký tự đó'
            )
            return ...
        value = _nfc(value).strip()
        if not value:
            return None
    return value


def _number(
    value: object, col: str, row: int, crit: m.Criterion, expected: str, faults: list[str]
) -> Decimal | None:
    """A number cell's exact value; text, dates and booleans are faults (None)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            faults.append(
                f'{_ref(col, row)}: cần {expected}, nhưng gặp {value} (tiêu chí "{crit.id}")'
            )
            return None
        return _decimal(value)
    faults.append(
        f'{_ref(col, row)}: cần {expected}, nhưng ô chứa {_describe(value)} (tiêu chí "{crit.id}")'
    )
    return None


def _read_value(
    ws: Worksheet, crit: m.Criterion, row: int, faults: list[str]
) -> Decimal | m.Met | m.Quantity | None:
    kind = crit.kind
    raw = _raw(ws, COL_VALUE, row, crit, faults)
    if kind is m.CriterionKind.QUANTITATIVE:
        raw_target = _raw(ws, COL_TARGET, row, crit, faults)
        if raw is ... or raw_target is ...:
            return None
        if raw is None and raw_target is None:
            return None
        if raw is None or raw_target is None:
            col, other = (COL_VALUE, COL_TARGET) if raw is None else (COL_TARGET, COL_VALUE)
            what = "số thực hiện" if raw is None else "chỉ tiêu"
            faults.append(
                f"{_ref(col, row)}: thiếu {what} (đã nhập ô {other}{row}); tiêu chí định "
                f'lượng "{crit.id}" cần cả thực hiện và chỉ tiêu'
            )
            return None
        actual = _number(raw, COL_VALUE, row, crit, "số thực hiện (một số ≥ 0)", faults)
        target = _number(raw_target, COL_TARGET, row, crit, "chỉ tiêu (một số > 0)", faults)
        if actual is not None and actual < 0:
            faults.append(
                f"{_ref(COL_VALUE, row)}: số thực hiện {_vn(actual)} là số âm; cần một số ≥ 0 "
                f'(tiêu chí "{crit.id}")'
            )
            actual = None
        if target is not None and target <= 0:
            faults.append(
                f"{_ref(COL_TARGET, row)}: chỉ tiêu {_vn(target)} phải lớn hơn 0 "
                f'(tiêu chí "{crit.id}")'
            )
            target = None
        if actual is None or target is None:
            return None
        return m.Quantity.model_validate({"thuc_hien": actual, "chi_tieu": target})
    if raw is ... or raw is None:
        return None
    if _is_met(crit):
        if isinstance(raw, str) and raw.lower() in (m.Met.MET.value, m.Met.NOT_MET.value):
            return m.Met(raw.lower())
        faults.append(
            f'{_ref(COL_VALUE, row)}: cần "đạt" hoặc "không đạt", nhưng ô chứa '
            f'{_describe(raw)} (tiêu chí "{crit.id}")'
        )
        return None
    top = crit.maximum
    if kind is m.CriterionKind.PER_COUNT:
        count = _number(raw, COL_VALUE, row, crit, "số lần, một số nguyên ≥ 0", faults)
        if count is not None and (count < 0 or count != count.to_integral_value()):
            faults.append(
                f"{_ref(COL_VALUE, row)}: số lần {_vn(count)} không hợp lệ; cần một số nguyên "
                f'≥ 0 (tiêu chí "{crit.id}")'
            )
            return None
        return None if count is None else Decimal(int(count))
    expected = f"một số điểm từ 0 đến {_vn(top)}"
    points = _number(raw, COL_VALUE, row, crit, expected, faults)
    if points is not None and not 0 <= points <= top:
        faults.append(
            f"{_ref(COL_VALUE, row)}: điểm {_vn(points)} ngoài giới hạn; cần từ 0 đến {_vn(top)} "
            f'(tiêu chí "{crit.id}")'
        )
        return None
    return points


def _read_evidence(ws: Worksheet, crit: m.Criterion, row: int, faults: list[str]) -> str | None:
    raw = _raw(ws, COL_EVIDENCE, row, crit, faults)
    if raw is ... or raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        faults.append(
            f"{_ref(COL_EVIDENCE, row)}: cần một đoạn văn bản mô tả minh chứng, nhưng ô chứa "
            f'{_describe(raw)} (tiêu chí "{crit.id}")'
        )
        return None
    if isinstance(raw, str):
        # Excel writes a line break in a cell as \n (or \r\n from some programs).
        return "\n".join(line.rstrip() for line in raw.replace("\r\n", "\n").split("\n"))
    return _num(_decimal(raw))


# --- applying the values to the YAML file ------------------------------------------------------


def _member(data: YearData, member_id: str) -> m.Member:
    for member in data.cluster.members:
        if member.id == member_id:
            return member
    ids = ", ".join(data.member_ids)
    raise UsageError(
        f'"{member_id}" không phải là đơn vị thành viên của Khối năm {data.year}; '
        f"cần một trong các mã: {ids}"
    )


def _yaml_value(value: Decimal | m.Met | m.Quantity) -> Any:
    """A score value as the round-trip tree of :mod:`thidua.fmt` holds it: plain text."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        pair = CommentedMap()
        pair["thuc_hien"] = _num(value.actual)
        pair["chi_tieu"] = _num(value.target)
        pair.fa.set_flow_style()  # {thuc_hien: 110, chi_tieu: 100}, as the data files write it
        return pair
    return _num(value)


# Text another YAML reader would take for a number, a boolean, a null or a date.
_NOT_TEXT = re.compile(
    r"[-+]?(\.?\d[\d_.,:eE+-]*|\.inf|\.nan)|y|n|yes|no|on|off|true|false|null|~|"
    r"\d{4}-\d{1,2}-\d{1,2}.*",
    re.IGNORECASE,
)


def _yaml_text(text: str) -> Any:
    """Evidence text: a literal block when it has line breaks, quoted if it looks like a number."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return LiteralScalarString(text)
    if _NOT_TEXT.fullmatch(text):
        return DoubleQuotedScalarString(text)
    return text


def _same_evidence(old: str | None, new: str | None) -> bool:
    return (old or "").strip() == (new or "").strip()


def apply_values(
    text: str | None,
    data: YearData,
    member_id: str,
    values: Sequence[FormValue],
) -> str:
    """The score file's new text: ``text`` with ``tu_cham``/``minh_chung`` set from ``values``.

    ``text`` None: the member has no score file yet; a new one is started. A value equal
    to the one in the file (by value: 9.5 = 9.50) leaves the file's spelling of it alone.
    """
    from ruamel.yaml.comments import CommentedMap

    from thidua.fmt import dump_round_trip, load_round_trip

    if text is None:
        text = (
            f"# Điểm năm {data.year} của đơn vị {member_id}, nhập từ biểu mẫu Excel "
            "(thidua import).\n"
            f"nam: {data.year}\n"
            f"don_vi: {member_id}\n"
            "diem: {}\n"
        )
    doc = load_round_trip(text.encode("utf-8"))
    scores = doc.get("diem")
    if not isinstance(scores, CommentedMap):
        scores = CommentedMap()
        doc["diem"] = scores
    current = data.scores.get(member_id)
    order = [c.id for g in data.table.groups for c in g.criteria]
    for fv in values:
        cid = fv.criterion.id
        old = current.scores.get(cid) if current is not None else None
        old_value = old.self_score if old is not None else None
        old_evidence = old.evidence if old is not None else None
        value_same = old_value == fv.self_score
        evidence_same = _same_evidence(old_evidence, fv.evidence)
        if value_same and evidence_same:
            continue
        entry = scores.get(cid)
        if not isinstance(entry, CommentedMap):
            if fv.self_score is None and fv.evidence is None:
                continue
            entry = CommentedMap()
            _insert_in_order(scores, cid, entry, order)
        if not value_same:
            _set(
                entry,
                "tu_cham",
                None if fv.self_score is None else _yaml_value(fv.self_score),
                first=True,
            )
        if not evidence_same:
            _set(entry, "minh_chung", None if fv.evidence is None else _yaml_text(fv.evidence))
        if not entry:
            del scores[cid]
    if scores and scores.fa.flow_style():
        scores.fa.set_block_style()
    return dump_round_trip(doc)


def _set(entry: Any, key: str, value: Any, *, first: bool = False) -> None:
    if value is None:
        if key in entry:
            del entry[key]
        return
    if key in entry:
        entry[key] = value
    elif first:
        entry.insert(0, key, value)
    else:
        # minh_chung right after tu_cham when there is one, as the data files write it.
        keys = list(entry)
        pos = keys.index("tu_cham") + 1 if "tu_cham" in keys else len(keys)
        entry.insert(pos, key, value)


def _insert_in_order(scores: Any, cid: str, entry: Any, order: list[str]) -> None:
    """Insert ``cid`` after the last present criterion that precedes it in the table."""
    rank = {c: i for i, c in enumerate(order)}
    keys = [str(k) for k in scores]
    pos = len(keys)
    mine = rank[cid]
    for i, key in enumerate(keys):
        if key in rank and rank[key] > mine:
            pos = i
            break
    scores.insert(pos, cid, entry)  # the dumper quotes "1.1" (it would read as a number)


# --- the whole import ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """What ``thidua import`` would write: the score file, its old and new text."""

    path: Path
    old: str | None  # None: the file does not exist yet
    new: str
    changed: int  # criteria whose self-score or evidence changes

    def write(self) -> None:
        """Write the new text, unless the file changed since it was read (ChangedMeanwhile).

        A score file linked to somewhere outside its year folder is not written (WriteError).
        """
        from thidua.atomic import ABSENT, WriteError, os_reason, write_text_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(self.path.parent, os_reason(exc), folder=True) from None
        expected = ABSENT if self.old is None else self.old
        year_folder = self.path.parents[1]  # <year>/diem/<file>
        write_text_atomic(self.path, self.new, expected=expected, inside=year_folder)

    def diff(self) -> str:
        """A unified diff of the score file, ``a/<path>`` → ``b/<path>``."""
        shown = display_path(self.path)
        old_lines = (self.old or "").splitlines(keepends=True)
        new_lines = self.new.splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(
                old_lines,
                new_lines,
                fromfile="/dev/null" if self.old is None else f"a/{shown}",
                tofile=f"b/{shown}",
            )
        )


def _score_path(data: YearData, member_id: str) -> Path:
    name = data.score_files.get(member_id)
    if name is not None:
        return data.folder / name
    for suffix in (".yaml", ".yml"):
        path = data.folder / SCORES_DIR / f"{member_id}{suffix}"
        if member_id in data.unreadable_scores and os.path.lexists(path):
            # The file is there but did not load: never overwrite what the user must fix.
            raise UsageError(
                f"tệp điểm {display_path(path)} đang có lỗi nên chưa nhập được; hãy sửa theo "
                f"thidua check {data.year} rồi nhập lại"
            )
    path = data.folder / SCORES_DIR / f"{member_id}.yaml"
    owner = next(
        (mid for mid, file in data.score_files.items() if data.folder / file == path), None
    )
    if owner is not None:
        # It loaded, but holds another member's scores (a warning only): not ours to write.
        raise UsageError(
            f'tệp điểm {display_path(path)} đang chứa điểm của đơn vị "{owner}" (khóa don_vi); '
            f"hãy đổi tên tệp đó thành {SCORES_DIR}/{owner}.yaml rồi nhập lại"
        )
    if os.path.lexists(path):
        raise UsageError(
            f"{display_path(path)} không phải là tệp điểm đọc được; hãy sửa theo "
            f"thidua check {data.year} rồi nhập lại"
        )
    return path


def _read_text(raw: bytes) -> tuple[str, str, bool]:
    """(text with \\n line ends, the file's line end, whether it starts with a BOM)."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline, bom


def plan_import(data_dir: Path, year: int, member_id: str, content: bytes, name: str) -> ImportPlan:
    """Read the form, build the new score file and validate it; write nothing.

    Raises :class:`FormError` for a bad form, :class:`DataError` when the year does not
    load or the new file would add errors, :class:`UsageError` for an unknown member.
    """
    data, problems = load_year(data_dir, year)
    if data is None:
        raise DataError(problems)
    _member(data, member_id)
    table_errors = [p for p in problems if p.is_error and p.position.path == _table_path(data)]
    if table_errors:
        raise DataError(table_errors)
    values = read_form(content, name, data, member_id)
    path = _score_path(data, member_id)
    if path.exists():
        from thidua.atomic import ChangedMeanwhile

        try:  # the file loaded a moment ago: a failure here means it changed since
            raw = path.read_bytes()
            text, newline, bom = _read_text(raw)
            old_text: str | None = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise ChangedMeanwhile(path) from None
        new = apply_values(text, data, member_id, values)
        new = ("\ufeff" if bom else "") + new.replace("\n", newline)
    else:
        new = apply_values(None, data, member_id, values)
        old_text = None
    changed = _count_changes(data, member_id, values)
    if changed == 0 and old_text is not None:
        new = old_text  # nothing to change: not even the quoting of other values
    if old_text != new:
        _validate(data, member_id, path, new)
    return ImportPlan(path, old_text, new, changed)


def _table_path(data: YearData) -> str:
    return data.pos(TABLE).path


def _count_changes(data: YearData, member_id: str, values: Sequence[FormValue]) -> int:
    current = data.scores.get(member_id)
    n = 0
    for fv in values:
        old = current.scores.get(fv.criterion.id) if current is not None else None
        same = (old.self_score if old else None) == fv.self_score and _same_evidence(
            old.evidence if old else None, fv.evidence
        )
        n += not same
    return n


def _missing(data: YearData, member_id: str) -> int:
    score = data.scores.get(member_id)
    n = 0
    for group in data.table.groups:
        for crit in group.criteria:
            entry = score.scores.get(crit.id) if score is not None else None
            n += entry is None or (entry.self_score is None and entry.appraised is None)
    return n


def _data_names(folder: Path) -> list[str]:
    """The year's data files the loader reads, relative: top-level files and diem/*.y(a)ml."""
    names = [*REQUIRED, *OPTIONAL]
    scores = folder / SCORES_DIR
    if scores.is_dir() and not scores.is_symlink():
        with os.scandir(scores) as entries:
            names += [
                f"{SCORES_DIR}/{e.name}"
                for e in entries
                if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")
            ]
    return names


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The first ``limit`` + 1 bytes of a regular file; None for a symlink, a device, a FIFO,
    a folder or a missing file (never followed, never blocked on)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _copy_data_files(folder: Path, target: Path) -> None:
    """Copy the year's YAML data files (only those, regular files only) into ``target``.

    A file too large to load is copied cut just past the loader's limit, so that the
    loader refuses the copy as it refuses the original.
    """
    from thidua.yamlio import MAX_FILE_BYTES

    (target / SCORES_DIR).mkdir(parents=True)
    for name in _data_names(folder):
        content = _read_regular(folder / name, MAX_FILE_BYTES)
        if content is not None:
            (target / name).write_bytes(content)


def _validate(data: YearData, member_id: str, path: Path, new: str) -> None:
    """Load the year from a temporary copy holding ``new``; refuse if errors appear.

    Errors the year already had are not this import's business. The "scores missing"
    error of a closed year is tolerated while the import does not add missing criteria.
    """
    rel = path.relative_to(data.folder)
    with tempfile.TemporaryDirectory(prefix="thidua-import-") as tmp:
        tmp_year = Path(tmp) / str(data.year)
        _copy_data_files(data.folder, tmp_year)
        before_data, before = load_year(Path(tmp), data.year)
        target = tmp_year / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new.encode("utf-8"))
        after_data, after = load_year(Path(tmp), data.year)
        tmp_shown = display_path(tmp_year)
        real_shown = display_path(data.folder)
        own = display_path(target)

        def key(p: Problem) -> tuple[str, ...]:
            if p.position.path == own:
                return ("own", p.message)
            return (p.position.path, str(p.position.line), str(p.position.column), p.message)

        known = Counter(key(p) for p in before if p.is_error)
        fresh: list[Problem] = []
        incomplete = None
        if after_data is not None and rel.as_posix() in after_data.sources:
            incomplete = after_data.pos(rel.as_posix(), ("diem",))
        more_missing = (
            after_data is None
            or before_data is None
            or _missing(after_data, member_id) > _missing(before_data, member_id)
        )
        for p in after:
            if not p.is_error:
                continue
            k = key(p)
            if known[k] > 0:
                known[k] -= 1
                continue
            if p.position == incomplete and not more_missing:
                continue
            shown = p.position.path.replace(tmp_shown, real_shown, 1)
            fresh.append(
                Problem(
                    type(p.position)(shown, p.position.line, p.position.column),
                    p.message,
                    p.severity,
                )
            )
    if fresh:
        raise DataError(fresh)
