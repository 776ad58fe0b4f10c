"""Reading a filled scoring form back (see :mod:`thidua.present.form` for the layout).

Only the input cells are read; a cell holding a formula is refused, and every value is
checked against its criterion. Refusals name the sheet and the cell (``Điểm!D14: …``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.errors import ThiduaError
from thidua.present.form import (
    COL_EVIDENCE,
    COL_ID,
    COL_TARGET,
    COL_VALUE,
    FORM_SHEET,
    LAYOUT_VERSION,
    MARKER,
    MAX_UNZIPPED,
    META_FIRST_CRITERION,
    META_MARKER,
    META_MEMBER,
    META_SHEET,
    META_TABLE,
    META_VERSION,
    META_YEAR,
    _is_met,
    _member,
    _nfc,
    _num,
    _vn,
    table_fingerprint,
)
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


def _open_workbook(content: bytes, name: str) -> Workbook:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            size = sum(info.file_size for info in archive.infolist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise FormError(
            [
                f"{name}: không phải tệp Excel .xlsx (không mở được như một tệp nén zip); "
                "tệp .xls cũ hoặc tệp đặt mật khẩu mở cần được lưu lại thành .xlsx không "
                "mật khẩu"
            ]
        ) from None
    if damaged is not None:
        raise FormError([f"{name}: tệp .xlsx bị hỏng (phần {damaged} không đọc được)"])
    if size > MAX_UNZIPPED:
        raise FormError([f"{name}: tệp quá lớn để là một biểu mẫu chấm điểm ({size} byte)"])
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. conditional formats); the
            # import reads plain cell values only, so those warnings are irrelevant.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(content), data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken package
        raise FormError(
            [f"{name}: tệp .xlsx bị hỏng, không đọc được ({type(exc).__name__}: {exc})"]
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


def _check_meta(wb: Workbook, name: str, data: YearData, member_id: str) -> dict[str, int]:
    """The form's identity; returns criterion id -> row. Raises FormError."""
    command = f"thidua sheet {data.year} {member_id}"
    if META_SHEET not in wb.sheetnames:
        raise FormError(
            [
                f"{name}: không phải biểu mẫu chấm điểm của thidua "
                f'(thiếu trang ẩn "{META_SHEET}"); hãy lập biểu mẫu bằng lệnh {command}'
            ]
        )
    meta = wb[META_SHEET]

    def value(row: int) -> str:
        return _text(meta.cell(row=row, column=2).value)

    ref = f"{META_SHEET}!B"
    if value(META_MARKER) != MARKER:
        raise FormError(
            [
                f"{ref}{META_MARKER}: không phải biểu mẫu chấm điểm của thidua (thiếu dấu nhận "
                f'biết "{MARKER}"); hãy lập biểu mẫu bằng lệnh {command}'
            ]
        )
    if value(META_VERSION) != LAYOUT_VERSION:
        raise FormError(
            [
                f'{ref}{META_VERSION}: biểu mẫu theo mẫu phiên bản "{value(META_VERSION)}", '
                f"thidua này đọc phiên bản {LAYOUT_VERSION}; hãy lập lại biểu mẫu bằng lệnh "
                f"{command}"
            ]
        )
    faults = []
    year = value(META_YEAR)
    if year != str(data.year):
        faults.append(
            f"{ref}{META_YEAR}: biểu mẫu của năm {year or '(trống)'}, không phải năm {data.year}; "
            f"hãy dùng biểu mẫu năm {data.year} (lập bằng lệnh {command})"
        )
    form_member = value(META_MEMBER)
    if form_member != member_id:
        faults.append(
            f'{ref}{META_MEMBER}: biểu mẫu của đơn vị "{form_member or "(trống)"}", không phải '
            f'của đơn vị "{member_id}"; hãy nhập vào đúng đơn vị hoặc dùng đúng biểu mẫu'
        )
    if not faults:
        expected = table_fingerprint(data.table)
        found = value(META_TABLE)
        if found != expected:
            faults.append(
                f"{ref}{META_TABLE}: bảng tiêu chí năm {data.year} đã thay đổi sau khi lập "
                f"biểu mẫu (mã bảng trong biểu mẫu {found[:12] or '(trống)'}, hiện nay "
                f"{expected[:12]}); hãy lập biểu mẫu mới bằng lệnh {command} và chép điểm sang"
            )
    if faults:
        raise FormError(faults)
    rows: dict[str, int] = {}
    for r in range(META_FIRST_CRITERION, META_FIRST_CRITERION + 10_000):
        cid = _text(meta.cell(row=r, column=1).value)
        if not cid:
            break
        row_text = _text(meta.cell(row=r, column=2).value)
        if not row_text.isdigit():
            raise FormError([f'{META_SHEET}!B{r}: vị trí dòng của tiêu chí "{cid}" không đọc được'])
        rows[cid] = int(row_text)
    return rows


def read_form(content: bytes, name: str, data: YearData, member_id: str) -> list[FormValue]:
    """Every criterion's self-score and evidence from a filled form, in table order.

    Raises :class:`FormError` listing every fault found (sheet and cell named).
    """
    _member(data, member_id)
    wb = _open_workbook(content, name)
    rows = _check_meta(wb, name, data, member_id)
    if FORM_SHEET not in wb.sheetnames:
        raise FormError([f'{name}: thiếu trang "{FORM_SHEET}" của biểu mẫu'])
    ws = wb[FORM_SHEET]
    faults: list[str] = []
    values: list[FormValue] = []
    command = f"thidua sheet {data.year} {member_id}"
    for group in data.table.groups:
        for crit in group.criteria:
            row = rows.get(crit.id)
            if row is None:
                faults.append(
                    f"{META_SHEET}!A{META_FIRST_CRITERION}: không có dòng của tiêu chí "
                    f'"{crit.id}"; hãy lập lại biểu mẫu bằng lệnh {command}'
                )
                continue
            shown_id = _text(ws[f"{COL_ID}{row}"].value)
            if shown_id != crit.id:
                faults.append(
                    f'{FORM_SHEET}!{COL_ID}{row}: ô mã tiêu chí phải là "{crit.id}", nhưng gặp '
                    f'"{shown_id}"; cấu trúc biểu mẫu đã bị sửa (chèn hoặc xóa dòng), hãy lập '
                    f"lại biểu mẫu bằng lệnh {command}"
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
    return f'chữ "{value}"'


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
            f"{_ref(col, row)}: ô nhập liệu chứa công thức {_formula_text(cell)} "
            f'(tiêu chí "{crit.id}"); hãy nhập giá trị, không dùng công thức'
        )
        return ...
    if cell.data_type == "e":
        faults.append(
            f'{_ref(col, row)}: ô chứa giá trị lỗi {cell.value} (tiêu chí "{crit.id}"); '
            "hãy nhập giá trị"
        )
        return ...
    value = cell.value
    if isinstance(value, str):
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
