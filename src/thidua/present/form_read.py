"""Reading a filled scoring form back (see :mod:`thidua.present.form` for the layout).

Only the input cells are read; a cell holding a formula is refused, and every value is
checked against its criterion. Refusals name the sheet and the cell (``Điểm!D14: …``).

The package is checked for a zip bomb before anything is inflated
(:func:`thidua.present.xlsx_safety.check_zip`), and the hidden sheet is checked cell by
cell against what thidua would write; any other value is a tampered form.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.numbers import exact
from thidua.present.form import (
    BLANK_IS_ZERO,
    COL_APPRAISED,
    COL_EVIDENCE,
    COL_EXPLANATION_APPRAISED,
    COL_ID,
    COL_TARGET,
    COL_VALUE,
    FORM_SHEET,
    LAYOUT_VERSION,
    MARKER,
    META_EXPLANATION,
    META_FIRST_CRITERION,
    META_MARKER,
    META_MEMBER,
    META_SHEET,
    META_TABLE,
    META_VERSION,
    META_YEAR,
    OLD_LAYOUTS,
    _layout,
    _member,
    _nfc,
    criterion_spec,
    table_fingerprint,
)
from thidua.present.form_rules import is_met, plain_number
from thidua.present.xlsx_safety import (
    EXCEL_CELL_MAX,
    EXCEL_CELL_TEXT,
    FormError,
    cell_length,
    check_zip,
)
from thidua.present.xlsx_safety import shown as _shown
from thidua.year import YearData

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FormError",
    "FormValue",
    "read_form",
]


# --- reading a filled form back --------------------------------------------------------------


@dataclass(frozen=True)
class FormValue:
    """What the form says for one criterion: the self-score, the evidence and the member's
    explanation (None: empty). ``explained`` is False for a form without an explanation
    column (layout 1), whose import leaves the explanation in the score file as it is."""

    criterion: m.Criterion
    self_score: Decimal | m.Met | m.Quantity | None
    evidence: str | None
    explanation: str | None = None
    explained: bool = True


@dataclass(frozen=True)
class _Meta:
    """What the hidden sheet says about the layout: the row of its first criterion and the
    explanation's column (None: layout 1, no explanation)."""

    first: int
    explanation: str | None


def _open_workbook(content: bytes, name: str) -> Workbook:
    from openpyxl import load_workbook

    check_zip(content, name)
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


def _check_meta(wb: Workbook, name: str, data: YearData, member_id: str) -> _Meta:
    """Check the form's identity (hidden sheet); raises FormError. Returns its layout."""
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
    version = value(META_VERSION)
    if version == LAYOUT_VERSION:
        explanation: str | None = value(META_EXPLANATION)
        allowed = (COL_APPRAISED, COL_EXPLANATION_APPRAISED)
        if value(META_EXPLANATION, 1) != "giai_trinh" or explanation not in allowed:
            raise FormError([redo])
        meta_layout = _Meta(META_FIRST_CRITERION, explanation)
    elif version in OLD_LAYOUTS:
        meta_layout = _Meta(OLD_LAYOUTS[version], None)
    else:
        raise FormError([redo])
    first = meta_layout.first
    faults = []
    year = value(META_YEAR)
    if year != str(data.year):
        faults.append(
            f"{name}: biểu mẫu của năm {_shown(year) or '(trống)'}, không phải năm {data.year}; "
            f"hãy dùng biểu mẫu năm {data.year} (lập bằng lệnh {command})"
        )
    form_member = value(META_MEMBER)
    if form_member != member_id:
        faults.append(_wrong_member(wb, name, data, form_member, member_id, redo))
    if not faults and value(META_TABLE) != table_fingerprint(data.table):
        changes = _table_changes(value, data, first)
        if changes is not None:
            faults.append(
                f"{name}: bảng tiêu chí năm {data.year} đã thay đổi sau khi lập biểu mẫu "
                f"({'; '.join(changes)}); hãy lập biểu mẫu mới bằng lệnh {command} và chép "
                "điểm sang"
            )
    if faults:
        raise FormError(faults)
    # The table is the one the form was made from: its rows are known; the hidden list
    # must say the same, or the form was tampered with.
    expected_rows = [
        ("tieu_chi", "dong"),
        *((c, str(r)) for c, r in _layout(data.table).rows.items()),
    ]
    for i, pair in enumerate(expected_rows, start=first - 1):
        if (value(i, 1), value(i)) != pair:
            raise FormError([redo])
    return meta_layout


def _wrong_member(
    wb: Workbook, name: str, data: YearData, form_member: str, asked: str, redo: str
) -> str:
    """The refusal of another unit's form, naming the units as the member reads them (the
    unit printed on the form, the unit the command named); an unknown unit is tampering."""
    from openpyxl.worksheet.worksheet import Worksheet

    if form_member not in data.member_ids:
        return redo
    other, member = _member(data, form_member), _member(data, asked)
    wanted = f"{member.name} (mã {member.id})"
    prefix = "Đơn vị: "
    ws = wb[FORM_SHEET] if FORM_SHEET in wb.sheetnames else None
    printed = _text(ws["A3"].value) if isinstance(ws, Worksheet) else ""
    unit = printed[len(prefix) :].strip() if printed.startswith(prefix) else ""
    if not unit or unit == wanted:
        unit = f"{other.name} (mã {other.id})"
    return (
        f'{name}: đây là biểu mẫu của đơn vị "{_shown(unit)}" (ghi ở dòng 3 trang '
        f'"{FORM_SHEET}"), nhưng lệnh nhập điểm cho đơn vị "{wanted}"; hãy dùng biểu mẫu của '
        f"{wanted}, hoặc nhập biểu mẫu này cho đúng đơn vị: thidua import {data.year} "
        f"{form_member} {name}"
    )


def _table_changes(value: Any, data: YearData, first: int) -> list[str] | None:
    """What changed in the table since the form was made, in words; None: only wording
    (names, guidance), so the form is still good. ``value(row, col)`` reads the hidden sheet,
    whose criteria start at row ``first``."""
    old: dict[str, tuple[str, str] | None] = {}
    row = first
    while cid := value(row, 1):
        old[cid] = (value(row, 3), value(row, 4)) if value(row, 3) else None
        row += 1
    new = {c.id: criterion_spec(c) for g in data.table.groups for c in g.criteria}
    changes: list[str] = []
    for cid, spec in new.items():
        if cid not in old:
            changes.append(f"tiêu chí {_shown(cid)} mới")
            continue
        was = old[cid]
        if was is None:  # a form made before the hidden sheet held kinds and maxima
            continue
        if was[0] != spec[0]:
            changes.append(f"tiêu chí {cid}: loại {_shown(was[0])} → {spec[0]}")
        if was[1] != spec[1]:
            before = exact(Decimal(was[1])) if _DECIMAL.fullmatch(was[1]) else _shown(was[1])
            changes.append(f"tiêu chí {cid}: điểm tối đa {before} → {exact(Decimal(spec[1]))}")
    changes += [f"tiêu chí {_shown(cid)} đã bỏ" for cid in old if cid not in new]
    if not changes and any(spec is None for spec in old.values()):
        changes.append("loại hoặc điểm tối đa của tiêu chí đã đổi")
    rows = {cid: str(r) for cid, r in _layout(data.table).rows.items()}
    if not changes and rows != {cid: value(r, 2) for r, cid in enumerate(old, start=first)}:
        changes.append("thứ tự tiêu chí hoặc nhóm đã đổi")
    return changes or None


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def read_form(content: bytes, name: str, data: YearData, member_id: str) -> list[FormValue]:
    """Every criterion's self-score, evidence and explanation from a filled form, in table
    order.

    Raises :class:`FormError` listing every fault found (sheet and cell named).
    """
    _member(data, member_id)
    from openpyxl.worksheet.worksheet import Worksheet

    wb = _open_workbook(content, name)
    meta = _check_meta(wb, name, data, member_id)
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
            evidence = _read_text(ws, COL_EVIDENCE, crit, row, faults, "mô tả minh chứng")
            if meta.explanation is None:
                values.append(FormValue(crit, value, evidence, explained=False))
                continue
            explanation = _read_text(ws, meta.explanation, crit, row, faults, "giải trình")
            values.append(FormValue(crit, value, evidence, explanation))
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
        return f"số {exact(_decimal(value))}"
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
        n = cell_length(value)
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


# A number typed as text: ASCII digits, at most one decimal separator (comma or point),
# an optional minus sign; spaces around it (and the no-break space) are ignored.
_NUMBER_SPACES = re.compile(r"^[\s\u00a0]+|[\s\u00a0]+$")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
# Digits with more than one separator (1.250,5; 1,250.5; 1.250.000): refused as ambiguous.
_GROUPED_TEXT = re.compile(r"-?[0-9]+(?:[.,][0-9]+){2,}")


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
    if isinstance(value, str):
        text = _NUMBER_SPACES.sub("", value)
        if _NUMBER_TEXT.fullmatch(text):
            return Decimal(text.replace(",", "."))
        if _GROUPED_TEXT.fullmatch(text):
            faults.append(
                f'{_ref(col, row)}: chữ "{_shown(value)}" không rõ là số nào (có nhiều dấu phẩy '
                f"hoặc dấu chấm); hãy ghi số với nhiều nhất một dấu phẩy thập phân, không dùng "
                f'dấu phân cách hàng nghìn, ví dụ 9,5 (tiêu chí "{crit.id}")'
            )
            return None
    faults.append(
        f'{_ref(col, row)}: cần {expected}, nhưng ô chứa {_describe(value)} (tiêu chí "{crit.id}")'
    )
    return None


def _unmarked(text: str) -> str | None:
    """The "thiếu dấu" hint the score files give for ``text`` ("dat", "khong dat"), or None.

    The hint is the score reader's own (:func:`thidua.models.parse_score_value`), so the
    form and the YAML files say the same words.
    """
    from pydantic_core import PydanticCustomError

    try:
        m.parse_score_value(text)
    except PydanticCustomError as exc:
        message = exc.message()
        return message if "thiếu dấu" in message else None
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
                f"{_ref(COL_VALUE, row)}: số thực hiện {exact(actual)} là số âm; cần một số ≥ 0 "
                f'(tiêu chí "{crit.id}")'
            )
            actual = None
        if target is not None and target <= 0:
            faults.append(
                f"{_ref(COL_TARGET, row)}: chỉ tiêu {exact(target)} phải lớn hơn 0 "
                f'(tiêu chí "{crit.id}")'
            )
            target = None
        if actual is None or target is None:
            return None
        return m.Quantity.model_validate({"thuc_hien": actual, "chi_tieu": target})
    if raw is ...:
        return None
    if raw is None:
        # A bonus or deduction left blank is none awarded: 0 (the form says so by the rows).
        return Decimal(0) if kind in BLANK_IS_ZERO else None
    if is_met(crit):
        if isinstance(raw, str) and raw.lower() in (m.Met.MET.value, m.Met.NOT_MET.value):
            return m.Met(raw.lower())
        hint = _unmarked(raw) if isinstance(raw, str) else None
        if hint is not None:
            faults.append(f'{_ref(COL_VALUE, row)}: {hint} (tiêu chí "{crit.id}")')
            return None
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
                f"{_ref(COL_VALUE, row)}: số lần {exact(count)} không hợp lệ; cần một số nguyên "
                f'≥ 0 (tiêu chí "{crit.id}")'
            )
            return None
        return None if count is None else Decimal(int(count))
    expected = f"một số điểm từ 0 đến {exact(top)}"
    points = _number(raw, COL_VALUE, row, crit, expected, faults)
    if points is not None and not 0 <= points <= top:
        faults.append(
            f"{_ref(COL_VALUE, row)}: điểm {exact(points)} ngoài giới hạn; cần từ 0 đến "
            f'{exact(top)} (tiêu chí "{crit.id}")'
        )
        return None
    return points


def _read_text(
    ws: Worksheet, col: str, crit: m.Criterion, row: int, faults: list[str], what: str
) -> str | None:
    """A text cell (evidence, explanation); a number is taken as its text, ``what`` names
    the text in the refusal of anything else."""
    raw = _raw(ws, col, row, crit, faults)
    if raw is ... or raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        faults.append(
            f"{_ref(col, row)}: cần một đoạn văn bản {what}, nhưng ô chứa "
            f'{_describe(raw)} (tiêu chí "{crit.id}")'
        )
        return None
    if isinstance(raw, str):
        # Excel writes a line break in a cell as \n (or \r\n from some programs).
        return "\n".join(line.rstrip() for line in raw.replace("\r\n", "\n").split("\n"))
    return plain_number(_decimal(raw))
