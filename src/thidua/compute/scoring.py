"""Points of every criterion, group subtotals and totals, per member. Pure, no I/O.

Criterion kinds (``tieu-chi.yaml``, :class:`thidua.models.CriterionKind`) and the score
value each expects (``diem/<ID>.yaml``, ``tu_cham`` and ``tham_dinh``):

- ``dinh_tinh`` with ``cach_cham: dat_khong_dat``: ``đạt`` gives the maximum, ``không
  đạt`` gives 0; with ``cach_cham: thang_diem``: a number in [0, max]. (Without
  ``cach_cham``, a check error, both shapes are accepted.)
- ``dinh_luong``: ``{thuc_hien: A, chi_tieu: T}``, ratio r = A/T.

  * ``cach_tinh: so_voi_dan_dau`` (the published pattern; also the default): r < 1 gives
    0,5·max·r; r = 1 gives 0,5·max; above target (r > 1), the best ratio in the cluster,
    L, gives the maximum and any other member 0,5·max + 0,5·max·(r − 1)/(L − 1).
    L is the largest ratio among the members that have a value at that stage (a member
    without a value does not count); the final stage uses each member's appraised value
    where given, else its self value; the self stage uses the self values only. So a
    member's final points can differ from its self points without an appraisal of its
    own (another member's appraisal moved L). Members tied at L all get the maximum.
    When nobody is above target (L ≤ 1) nobody gets the maximum: the maximum rewards
    exceeding the plan, and giving it to the best of a group that all fell short would
    make 0,5·max·r jump to max. Excluded members (khong_xet) still count toward L: their
    results are real.
  * ``cach_tinh: ty_le``: max·r, capped at the maximum.

- ``dem`` (per count): a whole number of times n ≥ 0; n × ``diem_moi_lan``, capped at max.
- ``cong`` / ``tru``: a number in [0, max]; a deduction is subtracted from the totals
  (its points are positive in ``final_points`` and negative in ``signed_points``).

Stages: the final value is ``tham_dinh`` where given, else ``tu_cham``, else nothing
(0 points, counted as missing). The reason ``ly_do`` is required when both are given and
differ (:func:`scoring_problems`).

Exactness: every input is a decimal, so every kind gives an exact :class:`Decimal`
(arithmetic at :data:`PRECISION` significant digits, far beyond any typed value) except
``dinh_luong``, computed in integers, whose divisions can give a repeating decimal
(15·(1,07 − 1)/(1,09 − 1) = 11,666…). Such a value is kept exactly as a
:class:`~fractions.Fraction` in the ``*_repeating`` field, and the :class:`Decimal` field
then holds it rounded half up to :data:`DECIMAL_PLACES` places. Subtotals and totals are
computed exactly (``MemberScore.total_exact`` …) and the Decimal totals are derived from
them the same way. Ranking compares exact values only. Display rounds to 2 places
(:mod:`thidua.numbers`), half up, and only there.

A member counts as *appraised* when at least one of its criteria has a ``tham_dinh``
value, or when the year is closed (``trang_thai: da_ket_thuc``: the conference adopted
the scores, so a criterion without ``tham_dinh`` kept its self-score).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.exact import _exact, _split, _value, to_decimal
from thidua.numbers import number

if TYPE_CHECKING:
    from thidua.year import YearData

__all__ = [
    "CriterionResult",
    "MemberScore",
    "formula",
    "score_year",
]

#: Significant digits of Decimal arithmetic while scoring: far beyond any typed value.
PRECISION = 1000

SELF = "tu_cham"
APPRAISED = "tham_dinh"
STAGE_LABELS = {SELF: "điểm tự chấm", APPRAISED: "điểm thẩm định"}

_ZERO = Decimal(0)
_FZERO = Fraction(0)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one member, at each stage.

    The Decimal points are exact unless the matching ``*_repeating`` field is set (a
    quantitative result with a repeating decimal expansion); ``*_exact`` always give the
    exact value. The formulas are built on demand (ranking never needs them).
    """

    criterion: m.Criterion
    group: m.Group
    entry: m.ScoreEntry | None
    self_points: Decimal | None  # points the self-score gives (None: no self-score)
    appraised_points: Decimal | None  # points the appraised value gives (None: not appraised)
    final_points: Decimal  # appraised if given, else self, else 0; deductions POSITIVE here
    signed_points: Decimal  # final_points, negative for a deduction criterion
    missing: bool  # no self-score and no appraised score
    self_repeating: Fraction | None = None
    appraised_repeating: Fraction | None = None
    final_repeating: Fraction | None = None
    self_best: Fraction | None = None  # quantitative: L over the self values
    final_best: Fraction | None = None  # quantitative: L over the final values

    @property
    def formula(self) -> str | None:
        """How the final points arise (quantitative, per count), Vietnamese; else None."""
        if self.appraised_points is not None:
            return self.appraised_formula
        if self.self_points is not None and self.entry is not None:
            return formula(self.criterion, self.entry.self_score, self.final_best)
        return None

    @property
    def self_formula(self) -> str | None:
        """The same for the self stage (L over the self values)."""
        if self.self_points is None or self.entry is None:
            return None
        return formula(self.criterion, self.entry.self_score, self.self_best)

    @property
    def appraised_formula(self) -> str | None:
        """The same for the appraised stage (L over the final values)."""
        if self.appraised_points is None or self.entry is None:
            return None
        return formula(self.criterion, self.entry.appraised, self.final_best)

    @property
    def deduction(self) -> bool:
        return self.criterion.kind is m.CriterionKind.DEDUCTION

    @property
    def stage(self) -> str | None:
        """Which stage the final points come from: ``tham_dinh``, ``tu_cham`` or None."""
        if self.appraised_points is not None:
            return APPRAISED
        if self.self_points is not None:
            return SELF
        return None

    @property
    def self_exact(self) -> Fraction | None:
        if self.self_points is None:
            return None
        return _exact(self.self_points, self.self_repeating)

    @property
    def appraised_exact(self) -> Fraction | None:
        if self.appraised_points is None:
            return None
        return _exact(self.appraised_points, self.appraised_repeating)

    @property
    def final_exact(self) -> Fraction:
        return _exact(self.final_points, self.final_repeating)

    @property
    def changed(self) -> bool:
        """The appraisal gave different points from the self-score."""
        return (
            self.self_points is not None
            and self.appraised_points is not None
            and self.self_exact != self.appraised_exact
        )


@dataclass(frozen=True)
class Column:
    """One criterion of the scoring table as the year's scoring sees it (shared by members)."""

    group: m.Group
    criterion: m.Criterion
    best_self: Fraction | None  # quantitative: L over the self values
    best_final: Fraction | None  # quantitative: L over the final values

    @property
    def sign(self) -> int:
        return -1 if self.criterion.kind is m.CriterionKind.DEDUCTION else 1


@dataclass(frozen=True)
class MemberScore:
    """One member's criteria, subtotals and totals. Deductions are subtracted.

    The totals are computed when the year is scored; the per-criterion results
    (:attr:`criteria`) on first use, from the same points (ranking needs only the totals,
    and a large year has 100,000 criterion results).
    """

    member: m.Member
    columns: tuple[Column, ...]  # the scoring table, in order
    file: m.ScoreFile | None  # the member's diem/<ID>.yaml, if any
    self_groups: dict[str, Decimal]  # group id -> subtotal of self points
    groups: dict[str, Decimal]  # group id -> subtotal of final points
    self_total: Decimal
    total: Decimal  # final total
    bonus: Decimal  # sum of final bonus points
    deductions: Decimal  # sum of final deduction points (positive)
    appraised: bool  # some criterion has tham_dinh, or the year is closed (module doc)
    missing: int  # criteria without any score
    total_exact: Fraction = Fraction(0)
    self_total_exact: Fraction = Fraction(0)
    groups_exact: dict[str, Fraction] = field(default_factory=dict)
    self_groups_exact: dict[str, Fraction] = field(default_factory=dict)
    appraised_entries: int = 0  # criteria with a tham_dinh value
    repeating: bool = False  # some value is a repeating decimal (Decimal fields rounded)

    @property
    def has_file(self) -> bool:
        """The member has a diem/<ID>.yaml file."""
        return self.file is not None

    @property
    def scored(self) -> bool:
        """Some criterion has a value, self-assessed or appraised: a unit without a score file,
        or with an empty one, has not scored itself yet (it is not "not appraised": there is
        nothing to appraise)."""
        return self.missing < len(self.columns)

    @functools.cached_property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Every criterion's result, in scoring-table order."""
        scores = self.file.scores if self.file is not None else {}
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return tuple(_criterion_result(c, scores.get(c.criterion.id)) for c in self.columns)


# --- points of one value ------------------------------------------------------------------

Ratio = tuple[int, int]  # numerator, denominator > 0


def _ratio(q: m.Quantity) -> Ratio:
    """A/T as integers (Decimal.as_integer_ratio is exact and fast); T > 0."""
    an, ad = q.actual.as_integer_ratio()
    tn, td = q.target.as_integer_ratio()
    return an * td, ad * tn


def _quantitative(crit: m.Criterion, q: m.Quantity, best: Fraction | None) -> Decimal | Fraction:
    """Points of A/T in integer arithmetic (module doc for the rules), exact."""
    top = crit.maximum
    mn, md = top.as_integer_ratio()
    rn, rd = _ratio(q)
    if crit.quantitative_mode is m.QuantitativeMode.PROPORTIONAL:
        return top if rn >= rd else _value(mn * rn, md * rd)
    # RELATIVE_TO_BEST (also the default when cach_tinh is missing)
    if rn <= rd:  # r < 1: 0,5·max·r; r = 1: 0,5·max
        return _value(mn * rn, 2 * md * rd)
    assert best is not None  # r > 1 is among the ratios L is taken over
    ln, ld = best.numerator, best.denominator
    if rn * ld == ln * rd:
        return top
    # 0,5·max + 0,5·max·(r − 1)/(L − 1) = 0,5·max·(L + r − 2)/(L − 1)
    return _value(mn * (ln * rd + rn * ld - 2 * ld * rd), 2 * md * rd * (ln - ld))


def _points(crit: m.Criterion, value: object, best: Fraction | None) -> Decimal | Fraction | None:
    """Points of one score value, exactly.

    No value, or a value of the wrong shape, gives ``None`` (no points at that stage);
    :func:`scoring_problems` reports it, and the ranking refuses data with errors.
    """
    if value is None:
        return None
    kind = crit.kind
    if kind is m.CriterionKind.QUANTITATIVE:
        return _quantitative(crit, value, best) if isinstance(value, m.Quantity) else None
    if kind is m.CriterionKind.QUALITATIVE:
        mode = crit.qualitative_mode
        if isinstance(value, m.Met) and mode is not m.QualitativeMode.GRADED:
            return crit.maximum if value is m.Met.MET else _ZERO
        if isinstance(value, Decimal) and mode is not m.QualitativeMode.MET:
            return value
        return None
    if not isinstance(value, Decimal):
        return None
    if kind is m.CriterionKind.PER_COUNT:
        raw = value * _each(crit)
        return crit.maximum if raw > crit.maximum else raw
    return value  # BONUS, DEDUCTION


def _each(crit: m.Criterion) -> Decimal:
    return crit.points_each if crit.points_each is not None else Decimal(1)


# --- formulas (for explain and documents; built on demand) ---------------------------------


def _n(value: Decimal | Fraction, places: int = 4) -> str:
    """A number in a formula, "≈" when rounded for display."""
    return number(value, places, approx=True)


def formula(crit: m.Criterion, value: object, best: Fraction | None) -> str | None:
    """How ``value`` gives its points, numbers filled in, Vietnamese; None for plain kinds."""
    pts = _points(crit, value, best)
    if pts is None:
        return None
    top = crit.maximum
    if isinstance(value, m.Quantity):
        r = Fraction(*_ratio(value))
        shown_r = f"thực hiện/chỉ tiêu = {_n(value.actual)}/{_n(value.target)} = {_n(r)}"
        if crit.quantitative_mode is m.QuantitativeMode.PROPORTIONAL:
            raw = Fraction(top) * r
            text = f"{shown_r}; {_n(top)} × {_n(r)} = {_n(raw, 2)}"
            return f"{text}, vượt tối đa: {_n(top)}" if raw > top else text
        if r < 1:
            return f"{shown_r} < 1; 0,5 × {_n(top)} × {_n(r)} = {_n(pts, 2)}"
        if r == 1:
            return f"{shown_r} (đạt chỉ tiêu); 0,5 × {_n(top)} = {_n(pts, 2)}"
        if r == best:
            return f"{shown_r}, cao nhất Khối; tối đa {_n(top)}"
        assert best is not None
        return (
            f"{shown_r}; cao nhất Khối L = {_n(best)}; 0,5 × {_n(top)} + 0,5 × {_n(top)} × "
            f"({_n(r)} − 1)/({_n(best)} − 1) = {_n(pts, 2)}"
        )
    if crit.kind is m.CriterionKind.PER_COUNT and isinstance(value, Decimal):
        times = value * _each(crit)
        text = f"{_n(value)} lần × {_n(_each(crit))} = {_n(times)}"
        return f"{text}, vượt tối đa: {_n(top)}" if times > top else text
    return None


# --- the year -----------------------------------------------------------------------------


def _best_ratios(entries: list[m.ScoreEntry | None]) -> tuple[Fraction | None, Fraction | None]:
    """L over the self values and over the final values (appraised where given): O(members).

    ``None`` when no member has a value of the right shape at that stage.
    """
    best_self: Ratio | None = None
    best_final: Ratio | None = None
    for entry in entries:
        if entry is None:
            continue
        final = entry.appraised if entry.appraised is not None else entry.self_score
        if isinstance(entry.self_score, m.Quantity):
            rn, rd = _ratio(entry.self_score)
            if best_self is None or rn * best_self[1] > best_self[0] * rd:
                best_self = (rn, rd)
        if isinstance(final, m.Quantity):
            rn, rd = _ratio(final)
            if best_final is None or rn * best_final[1] > best_final[0] * rd:
                best_final = (rn, rd)
    self_l = Fraction(*best_self) if best_self is not None else None
    final_l = Fraction(*best_final) if best_final is not None else None
    return self_l, final_l


def _criteria(table: m.ScoringTableFile) -> Iterator[tuple[m.Group, m.Criterion]]:
    for group in table.groups:
        for crit in group.criteria:
            yield group, crit


def score_year(data: YearData) -> dict[str, MemberScore]:
    """Every member's scores, keyed by member id, in member-list order."""
    with localcontext() as ctx:
        # Sums and products of the decimals people type are exact at this precision.
        ctx.prec = PRECISION
        return _score_year(data)


def _score_year(data: YearData) -> dict[str, MemberScore]:
    # The hot loop of a large year (1,000 members x 100 criteria): one pass over the
    # criteria, one inner loop over the members, running sums kept per member; no
    # per-criterion objects (MemberScore.criteria builds them on demand).
    members = data.cluster.members
    files = [data.scores.get(member.id) for member in members]
    closed = data.cluster.state is m.YearState.CLOSED
    sums = [_Sums([g.id for g in data.table.groups]) for _ in members]
    columns: list[Column] = []
    for group, crit in _criteria(data.table):
        gid = group.id
        kind = crit.kind
        cid = crit.id
        entries = [f.scores.get(cid) if f is not None else None for f in files]
        best_self = best_final = None
        if kind is m.CriterionKind.QUANTITATIVE:
            best_self, best_final = _best_ratios(entries)
        column = Column(group, crit, best_self, best_final)
        columns.append(column)
        sign = column.sign
        bonus = kind is m.CriterionKind.BONUS
        for total, entry in zip(sums, entries, strict=True):
            if entry is None:
                total.missing += 1
                continue
            s_pts, a_pts, f_pts = _stage_points(crit, entry, best_self, best_final)
            total.add(gid, s_pts, a_pts, f_pts, sign, bonus, entry)
    table = tuple(columns)
    return {
        member.id: sums[i].score(member, table, files[i], closed)
        for i, member in enumerate(members)
    }


def _stage_points(
    crit: m.Criterion,
    entry: m.ScoreEntry,
    best_self: Fraction | None,
    best_final: Fraction | None,
) -> tuple[Decimal | Fraction | None, Decimal | Fraction | None, Decimal | Fraction | None]:
    """Points of the self value, of the appraised value, and the final points; exact."""
    self_value, appraised_value = entry.self_score, entry.appraised
    s_pts = _points(crit, self_value, best_self)
    if appraised_value is not None:
        # An appraised value is compared with the cluster as it stands after appraisal.
        a_pts = _points(crit, appraised_value, best_final)
        if a_pts is not None:
            return s_pts, a_pts, a_pts
    else:
        a_pts = None
    if s_pts is not None and best_self != best_final:
        # Kept self value, but the cluster's best moved with another member's appraisal.
        return s_pts, a_pts, _points(crit, self_value, best_final)
    return s_pts, a_pts, s_pts


def _criterion_result(column: Column, entry: m.ScoreEntry | None) -> CriterionResult:
    s_rep = a_rep = f_rep = None
    if entry is None:
        s_dec = a_dec = None
        f_dec = _ZERO
        missing = True
    else:
        missing = entry.self_score is None and entry.appraised is None
        s_pts, a_pts, f_pts = _stage_points(
            column.criterion, entry, column.best_self, column.best_final
        )
        s_dec, s_rep = _split(s_pts) if s_pts is not None else (None, None)
        a_dec, a_rep = _split(a_pts) if a_pts is not None else (None, None)
        f_dec, f_rep = _split(f_pts) if f_pts is not None else (_ZERO, None)
    return CriterionResult(
        criterion=column.criterion,
        group=column.group,
        entry=entry,
        self_points=s_dec,
        appraised_points=a_dec,
        final_points=f_dec,
        signed_points=-f_dec if column.sign < 0 else f_dec,
        missing=missing,
        self_repeating=s_rep,
        appraised_repeating=a_rep,
        final_repeating=f_rep,
        self_best=column.best_self,
        final_best=column.best_final,
    )


class _Sums:
    """One member's running sums. Decimals are summed as Decimals (fast, exact within
    PRECISION); only the rare repeating quantitative values are summed as Fractions."""

    __slots__ = (
        "appraised",
        "bonus",
        "deductions",
        "final_dec",
        "final_frac",
        "missing",
        "self_dec",
        "self_frac",
    )

    def __init__(self, group_ids: list[str]) -> None:
        self.final_dec = dict.fromkeys(group_ids, _ZERO)
        self.self_dec = dict.fromkeys(group_ids, _ZERO)
        self.final_frac: dict[str, Fraction] = {}
        self.self_frac: dict[str, Fraction] = {}
        self.bonus = self.deductions = _ZERO
        self.missing = self.appraised = 0

    def add(
        self,
        gid: str,
        s: Decimal | Fraction | None,
        a: Decimal | Fraction | None,
        f: Decimal | Fraction | None,
        sign: int,
        bonus: bool,
        entry: m.ScoreEntry,
    ) -> None:
        # isinstance(x, Decimal) is quick; isinstance(x, Fraction) goes through the numbers
        # ABCs, slow for the 100,000 Decimals of a large year: hence Decimal first.
        if f is None:  # no value, or one of the wrong shape: 0 points
            if entry.self_score is None and entry.appraised is None:
                self.missing += 1
        elif isinstance(f, Decimal):
            if sign > 0:
                self.final_dec[gid] += f
            else:
                self.final_dec[gid] -= f
            # Bonus and deduction values are always Decimals.
            if bonus:
                self.bonus += f
            elif sign < 0:
                self.deductions += f
        else:  # a repeating decimal (quantitative only)
            self.final_frac[gid] = self.final_frac.get(gid, _FZERO) + (f if sign > 0 else -f)
        if isinstance(s, Decimal):
            if sign > 0:
                self.self_dec[gid] += s
            else:
                self.self_dec[gid] -= s
        elif s is not None:
            self.self_frac[gid] = self.self_frac.get(gid, _FZERO) + (s if sign > 0 else -s)
        if a is not None:
            self.appraised += 1

    def score(
        self,
        member: m.Member,
        columns: tuple[Column, ...],
        file: m.ScoreFile | None,
        closed: bool,
    ) -> MemberScore:
        groups, groups_exact, total, total_exact = _totals(self.final_dec, self.final_frac)
        self_groups, self_groups_exact, self_total, self_total_exact = _totals(
            self.self_dec, self.self_frac
        )
        return MemberScore(
            member=member,
            columns=columns,
            file=file,
            self_groups=self_groups,
            groups=groups,
            self_total=self_total,
            total=total,
            bonus=self.bonus,
            deductions=self.deductions,
            appraised=closed or self.appraised > 0,
            missing=self.missing,
            total_exact=total_exact,
            self_total_exact=self_total_exact,
            groups_exact=groups_exact,
            self_groups_exact=self_groups_exact,
            appraised_entries=self.appraised,
            repeating=bool(self.final_frac or self.self_frac),
        )


def _totals(
    decimals: dict[str, Decimal], fractions: dict[str, Fraction]
) -> tuple[dict[str, Decimal], dict[str, Fraction], Decimal, Fraction]:
    """Group subtotals and the total, as Decimals (module doc) and exactly."""
    exact = {
        gid: Fraction(value) + fractions[gid] if gid in fractions else Fraction(value)
        for gid, value in decimals.items()
    }
    total_exact = sum(exact.values(), Fraction(0))
    if not fractions:
        return decimals, exact, sum(decimals.values(), _ZERO), total_exact
    shown = {
        gid: to_decimal(exact[gid]) if gid in fractions else value
        for gid, value in decimals.items()
    }
    return shown, exact, to_decimal(total_exact), total_exact
