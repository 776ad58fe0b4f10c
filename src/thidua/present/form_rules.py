"""Excel's own data validation of a scoring form's input cells (:mod:`thidua.present.form`).

Each input cell checks what its criterion's kind allows as the member types it (a number
in range, a whole count, "đạt"/"không đạt") and shows a prompt saying so. This is a help
for the member, not a safeguard: the import checks every value again
(:mod:`thidua.present.form_read`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from thidua import models as m
from thidua.numbers import exact

__all__ = ["is_met", "plain_number", "validations"]


def plain_number(value: Decimal | None) -> str:
    """A decimal as plain text without exponent or trailing zeros: 10, 9.5 (None: empty)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def is_met(crit: m.Criterion) -> bool:
    """The criterion is scored "đạt" or "không đạt"."""
    return (
        crit.kind is m.CriterionKind.QUALITATIVE and crit.qualitative_mode is m.QualitativeMode.MET
    )


def _prompt(crit: m.Criterion) -> tuple[str, str]:
    """Excel's input message for the self-score cell (title ≤ 32, text ≤ 255 characters)."""
    title = f"Tiêu chí {crit.id}"[:32]
    top = exact(crit.maximum)
    kind = crit.kind
    if kind is m.CriterionKind.QUANTITATIVE:
        return title, "Cột D: số thực hiện (≥ 0); cột E: chỉ tiêu được giao (> 0)."
    if is_met(crit):
        return title, f"Chọn đạt ({top} điểm) hoặc không đạt (0 điểm)."
    if kind is m.CriterionKind.PER_COUNT:
        return title, "Nhập số lần (số nguyên ≥ 0)."
    if kind is m.CriterionKind.DEDUCTION:
        return title, f"Nhập số điểm bị trừ, số dương từ 0 đến {top}; để trống là 0 điểm."
    if kind is m.CriterionKind.BONUS:
        return title, f"Nhập điểm cộng từ 0 đến {top}; để trống là 0 điểm."
    return title, f"Nhập điểm từ 0 đến {top}."


def validations(crit: m.Criterion, value_ref: str, target_ref: str) -> list[Any]:
    """Excel's own checks of the input cells of ``crit`` (the value, and the target of a
    quantitative criterion), with their prompts."""
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
    top = plain_number(crit.maximum)
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
        target.add(target_ref)
        out += [actual, target]
    elif is_met(crit):
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
