"""The rules of the score values (``diem/<ID>.yaml``): shapes, bounds and reasons, as problems
at their place in the file. Pure; the scoring is :mod:`thidua.compute.scoring`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.scoring import APPRAISED, SELF, STAGE_LABELS, _criteria
from thidua.errors import Problem, error

if TYPE_CHECKING:
    from thidua.year import YearData


# --- problems -----------------------------------------------------------------------------


def _show_value(value: object) -> str:
    if isinstance(value, m.Met):
        return f'"{value.value}"'
    if isinstance(value, m.Quantity):
        return f"{{thuc_hien: {value.actual}, chi_tieu: {value.target}}}"
    return str(value)


def _shape_name(value: object) -> str:
    if isinstance(value, m.Met):
        return f'"{value.value}"'
    if isinstance(value, m.Quantity):
        return "thực hiện/chỉ tiêu " + _show_value(value)
    return f"số {value}"


def _expected(crit: m.Criterion) -> str:
    """What a value of ``crit`` must look like, in Vietnamese."""
    kind = crit.kind
    top = crit.maximum
    if kind is m.CriterionKind.QUANTITATIVE:
        return "thực hiện và chỉ tiêu, ví dụ {thuc_hien: 105, chi_tieu: 100}"
    if kind is m.CriterionKind.QUALITATIVE:
        if crit.qualitative_mode is m.QualitativeMode.MET:
            return '"đạt" hoặc "không đạt"'
        if crit.qualitative_mode is m.QualitativeMode.GRADED:
            return f"một số điểm từ 0 đến {top}"
        return f'"đạt", "không đạt" hoặc một số điểm từ 0 đến {top}'
    if kind is m.CriterionKind.PER_COUNT:
        return "số lần, là một số nguyên không âm (ví dụ 3)"
    return f"một số điểm từ 0 đến {top}"


def _shape_ok(crit: m.Criterion, value: object) -> bool:
    # A value is a Decimal, a Met or a Quantity. isinstance on a pydantic model goes
    # through the ABC machinery (slow when it fails): Quantity is tested only where needed.
    kind = crit.kind
    if kind is m.CriterionKind.QUANTITATIVE:
        return isinstance(value, m.Quantity)
    if kind is m.CriterionKind.QUALITATIVE:
        if isinstance(value, m.Met):
            return crit.qualitative_mode is not m.QualitativeMode.GRADED
        if isinstance(value, Decimal):
            return crit.qualitative_mode is not m.QualitativeMode.MET
        return False
    return isinstance(value, Decimal)


def _quick_ok(crit: m.Criterion, value: object) -> bool:
    """The common case, decided fast: a well-formed value within bounds (checks run on
    every load, 200,000 values for a large year). False means "look closer"."""
    kind = crit.kind
    if type(value) is Decimal:
        if kind is m.CriterionKind.PER_COUNT:
            return value >= 0 and value == value.to_integral_value()
        if kind is m.CriterionKind.QUANTITATIVE or (
            kind is m.CriterionKind.QUALITATIVE and crit.qualitative_mode is m.QualitativeMode.MET
        ):
            return False
        return 0 <= value <= crit.maximum
    return _shape_ok(crit, value)


def _value_problems(crit: m.Criterion, value: object, stage: str) -> Iterator[str]:
    """Messages for one score value; empty when it is well-formed and within bounds."""
    where = f'{STAGE_LABELS[stage]} tiêu chí "{crit.id}" ({crit.kind.label})'
    if not _shape_ok(crit, value):
        yield f"{where} cần {_expected(crit)}, nhưng gặp {_shape_name(value)}"
        return
    if not isinstance(value, Decimal):
        return
    top = crit.maximum
    if crit.kind is m.CriterionKind.PER_COUNT:
        if value < 0 or value != value.to_integral_value():
            yield f"{where}: số lần phải là số nguyên không âm (ví dụ 3), nhưng gặp {value}"
        return
    if value < 0:
        yield f"{where}: điểm {value} là số âm; cần từ 0 đến {top}" + (
            " (điểm trừ ghi số dương, thidua tự trừ khi cộng tổng)"
            if crit.kind is m.CriterionKind.DEDUCTION
            else ""
        )
    elif value > top:
        yield f"{where}: điểm {value} vượt quá điểm tối đa {top}; cần từ 0 đến {top}"


def scoring_problems(data: YearData) -> list[Problem]:
    """Score values of the wrong shape for their kind, out of bounds, or changed without reason.

    Positions point at the value (``diem.<criterion>.tu_cham`` / ``tham_dinh``) in the
    member's file. Criterion ids unknown to the table are left to :mod:`thidua.compute.checks`.
    """
    criteria: Mapping[str, m.Criterion] = {c.id: c for _, c in _criteria(data.table)}
    problems: list[Problem] = []
    for mid, score in data.scores.items():
        file = data.score_files.get(mid)
        if file is None:
            continue
        for cid, entry in score.scores.items():
            crit = criteria.get(cid)
            if crit is None:
                continue
            self_value, appraised = entry.self_score, entry.appraised
            for stage, value in ((SELF, self_value), (APPRAISED, appraised)):
                if value is None or _quick_ok(crit, value):
                    continue
                for message in _value_problems(crit, value, stage):
                    problems.append(error(data.pos(file, ("diem", cid, stage)), message))
            if (
                appraised is not None
                and self_value is not None
                and self_value != appraised
                and not (entry.reason or "").strip()
            ):
                problems.append(
                    error(
                        data.pos(file, ("diem", cid, APPRAISED)),
                        f'điểm thẩm định tiêu chí "{cid}" ({_show_value(entry.appraised)}) khác '
                        f"điểm tự chấm ({_show_value(entry.self_score)}): cần ghi lý do ở khóa "
                        '"ly_do"',
                    )
                )
    return problems
