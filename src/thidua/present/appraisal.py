"""One member unit's appraisal in one year, as ``thidua explain``, the appraisal notice
(``thong-bao``) and the site's unit page show it: built here once, laid out by each.

- :func:`appraisal` (:class:`Appraisal`): every criteria group with its printed number and
  totals, and in it every criterion (:class:`CriterionLine`): its maximum, the
  self-assessed and the appraised value (:class:`Stage`) with the points each gives and how
  they are computed, whether the appraisal kept the self-assessed score, the final points,
  why they changed, the appraisal's reason and the unit's explanation (giải trình);
- :func:`rank_sentence`: its rank, with what the rank does not rest on yet (a unit that has
  not scored itself has no rank to speak of; one not appraised is ranked on its self-scores);
- :func:`rank_reasons`: why the unit sits where it sits (what the regulation ranks by, the
  unit's values, ties, the units just above and below, an exclusion), naming units as the
  caller says; a vote not held yet is named but neither shown as 0 votes nor called equal;
- :func:`vote_sentences`: its votes in the ballot the regulation ranks by.

A unit *has not scored* (``MemberScore.scored`` false, :data:`NOT_SCORED`) when none of its
criteria has a value, its file missing or empty: such a unit is not called "not appraised" (there is
nothing to appraise) and no rank, tie or total "after appraisal" is said of it.

Points read as :func:`pts` writes them (``84,5``, ``≈26,67``); the strings of a
:class:`CriterionLine` are signed, a deduction reading ``-1``. Each renderer keeps what is its
own: the text layout of :mod:`~thidua.present.explain`, the document of
:mod:`~thidua.present.kit_scores`, the links and chart of :mod:`~thidua.present.site_unit`.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import option_of, rule_text, separation_text, votes_text
from thidua.compute.voting import meets
from thidua.numbers import count, exact, points
from thidua.present.context import numbering

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from thidua.compute.results import Row, SortKey, YearResult
    from thidua.compute.scoring import CriterionResult

__all__ = [
    "NOT_SCORED",
    "Appraisal",
    "CriterionLine",
    "GroupLines",
    "Stage",
    "appraisal",
    "ballot_pending",
    "criterion_line",
    "pts",
    "rank_reasons",
    "rank_sentence",
    "totals_line",
    "value_text",
    "vote_sentences",
]

# Why final points differ from self-assessed ones when the appraisal set no value.
RECALCULATED = "tính lại theo kết quả cao nhất của Khối sau thẩm định"

#: Said of a unit none of whose criteria has a value (``MemberScore.scored`` false), where a unit
#: with scores not yet appraised is "chưa thẩm định".
NOT_SCORED = "chưa tự chấm điểm"


def pts(value: Decimal | Fraction) -> str:
    """Points as ``thidua explain`` prints them: ``84,5``, ``≈26,67``, ``-1``."""
    return points(value, approx=True)


def value_text(value: object) -> str:
    """A score value for people: ``9,5``, ``đạt``, ``thực hiện 106, chỉ tiêu 100``."""
    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        return f"thực hiện {exact(value.actual)}, chỉ tiêu {exact(value.target)}"
    if isinstance(value, Decimal):
        return exact(value)
    return str(value)


# --- criteria ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A criterion's value as the unit assessed it (tự chấm) or as the appraisal set it
    (thẩm định), and the points it gives."""

    value: str  # as entered: "thực hiện 106, chỉ tiêu 100", "đạt", "9,5", "3 lần"
    earned: Fraction | None  # positive even for a deduction; None: no points can be computed
    formula: str | None  # how the points arise (quantitative, counted criteria)
    spelled: bool  # the value is not itself the points (met, quantity, count)


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of the unit. The ``*_points`` strings, ``reason`` and ``changed`` are
    the notice's columns; ``self_score``, ``appraised_score``, ``final_score`` and ``notes``
    the site's cells; :mod:`~thidua.present.explain` lays out the fields itself."""

    id: str  # as the data writes it
    number: str  # as documents print it: "1.2"
    name: str
    kind: str  # "định lượng"
    maximum: str  # "30"; "≈0,13" when rounded (the notice)
    maximum_plain: str  # rounded without "≈" (explain, the site)
    deduction: bool
    self_value: Stage | None  # None: no self-assessed value
    appraised_value: Stage | None  # None: the appraisal gave no value
    kept: bool  # no appraised value: the self-assessed points stand
    missing: bool  # no points at all: the criterion counts 0
    final: Fraction  # positive even for a deduction
    recalculated: bool  # kept, yet the points moved with the cluster's best after appraisal
    changed: bool  # the final points differ from the self-assessed ones (or there were none)
    formula: str | None  # how the final points arise (quantitative, counted criteria)
    stated_reason: str | None  # the appraisal's reason (lý do) as recorded
    explanation: str | None  # the unit's giải trình as recorded

    def signed(self, value: Fraction) -> str:
        """``value`` as points of this criterion: negative for a deduction."""
        return pts(-value if self.deduction else value)

    @property
    def self_points(self) -> str:
        """The self-assessed points, or "chưa có"."""
        stage = self.self_value
        if stage is None or stage.earned is None:
            return "chưa có"
        return self.signed(stage.earned)

    @property
    def final_points(self) -> str:
        return self.signed(self.final)

    @property
    def kind_shown(self) -> str | None:
        """The kind to print after the name, None when the name already begins with it
        ("Điểm cộng (Cờ thi đua …)" is not followed by "(điểm cộng)")."""
        return None if self.name.casefold().startswith(self.kind.casefold()) else self.kind

    @property
    def reason(self) -> str | None:
        """Why the points changed: the appraisal's reason ("" when it gave none), or
        :data:`RECALCULATED`; None when they did not change."""
        if not self.changed:
            return None
        appraised = self.appraised_value
        if appraised is not None and appraised.earned is not None:
            return self.stated_reason or ""
        return RECALCULATED

    def _stage_score(self, stage: Stage) -> str:
        if stage.earned is None:
            return f"{stage.value} (không tính được điểm)"
        if stage.spelled:
            return f"{stage.value} → {self.signed(stage.earned)}"
        return self.signed(stage.earned)

    @property
    def self_score(self) -> str:
        """``thực hiện 106, chỉ tiêu 100 → 9,5``, ``đạt → 10``, ``9,5``, ``chưa có``."""
        return "chưa có" if self.self_value is None else self._stage_score(self.self_value)

    @property
    def appraised_score(self) -> str:
        """Likewise; "" when the appraisal gave no value."""
        return "" if self.appraised_value is None else self._stage_score(self.appraised_value)

    @property
    def final_score(self) -> str:
        """``9,5``; a deduction ``-1``; ``0 (chưa có điểm)``."""
        return "0 (chưa có điểm)" if self.missing else self.final_points

    @property
    def notes(self) -> tuple[str, ...]:
        """``Tính lại …``, ``Lý do: …``, ``Giải trình: …``, ``Cách tính: …``."""
        notes: list[str] = []
        if self.recalculated:
            notes.append(RECALCULATED[:1].upper() + RECALCULATED[1:] + ".")
        if self.stated_reason:
            notes.append(f"Lý do: {self.stated_reason}")
        if self.explanation:
            notes.append(f"Giải trình: {self.explanation}")
        if self.formula:
            notes.append(f"Cách tính: {self.formula}")
        return tuple(notes)


def _stage(value: object, earned: Fraction | None, formula: str | None, per_count: bool) -> Stage:
    return Stage(
        value=value_text(value) + (" lần" if per_count else ""),
        earned=earned,
        formula=formula,
        spelled=isinstance(value, m.Met | m.Quantity) or per_count,
    )


def criterion_line(c: CriterionResult, number: str) -> CriterionLine:
    """The line of ``c``, printed as criterion ``number``."""
    crit = c.criterion
    entry = c.entry
    per_count = crit.kind is m.CriterionKind.PER_COUNT
    self_value = entry.self_score if entry is not None else None
    appraised_value = entry.appraised if entry is not None else None
    self_exact = c.self_exact
    final = c.final_exact
    return CriterionLine(
        id=crit.id,
        number=number,
        name=crit.name,
        kind=crit.kind.label,
        maximum=pts(crit.maximum),
        maximum_plain=points(crit.maximum),
        deduction=c.deduction,
        self_value=(
            None
            if self_value is None
            else _stage(self_value, self_exact, c.self_formula, per_count)
        ),
        appraised_value=(
            None
            if appraised_value is None
            else _stage(appraised_value, c.appraised_exact, c.appraised_formula, per_count)
        ),
        kept=appraised_value is None and c.self_points is not None,
        missing=c.missing,
        final=final,
        recalculated=not c.missing and c.appraised_points is None and final != self_exact,
        changed=not c.missing and (self_exact is None or self_exact != final),
        formula=c.formula,
        stated_reason=entry.reason if entry is not None else None,
        explanation=entry.explanation if entry is not None else None,
    )


@dataclass(frozen=True)
class GroupLines:
    """A criteria group of the unit: its criteria and its points."""

    id: str  # as the data writes it
    number: str  # as documents print it: "I"
    name: str
    maximum: str | None  # as :attr:`CriterionLine.maximum`; None: the group has none
    maximum_plain: str | None  # as :attr:`CriterionLine.maximum_plain`
    lines: tuple[CriterionLine, ...]  # empty for a group without criteria
    self_total: str
    total: str


@dataclass(frozen=True)
class Appraisal:
    """A unit's points in a year, group by group. The notice and the site's unit page extend
    it with what is their own."""

    member: m.Member
    groups: tuple[GroupLines, ...]  # every group of the scoring table, in order
    self_total: str
    total: str
    bonus: str
    deductions: str
    deductions_shown: bool  # the table has a deduction criterion (its points read -1)
    scored: bool  # some criterion has a value (``MemberScore.scored``)
    appraised: bool  # some criterion is appraised, or the year is closed


def appraisal(result: YearResult, row: Row) -> Appraisal:
    """The appraisal of ``row``'s unit."""
    score = row.score
    views, numbers = numbering(result.data.table)
    by_group: dict[str, list[CriterionResult]] = {}
    for c in score.criteria:
        by_group.setdefault(c.group.id, []).append(c)
    groups = tuple(
        GroupLines(
            id=view.id,
            number=view.label,
            name=view.name,
            maximum=pts(view.maximum) if view.maximum is not None else None,
            maximum_plain=points(view.maximum) if view.maximum is not None else None,
            lines=tuple(
                criterion_line(c, numbers[c.criterion.id]) for c in by_group.get(view.id, [])
            ),
            self_total=pts(score.self_groups_exact[view.id]),
            total=pts(score.groups_exact[view.id]),
        )
        for view in views
    )
    return Appraisal(
        member=row.member,
        groups=groups,
        self_total=pts(score.self_total_exact),
        total=pts(score.total_exact),
        bonus=points(score.bonus),
        deductions=points(score.deductions),
        deductions_shown=any(c.deduction for c in score.criteria),
        scored=score.scored,
        appraised=score.appraised,
    )


# --- rank and votes ---------------------------------------------------------------------------


def _tied(rows: Sequence[Row], index: int) -> tuple[int, int]:
    """The first and last index of the run of rows around ``index`` that share its rank."""
    rank = rows[index].rank
    first, last = index, index
    while first > 0 and rows[first - 1].rank == rank:
        first -= 1
    while last + 1 < len(rows) and rows[last + 1].rank == rank:
        last += 1
    return first, last


# What a rank of a unit not yet appraised rests on.
ON_SELF_SCORES = "tạm theo điểm tự chấm, chưa thẩm định"


def totals_line(view: Appraisal, *, draft: bool = False) -> str:
    """The unit's totals, as the notice and the site's unit page say them: "after appraisal"
    only of an appraised unit, none of a unit that has not scored itself; ``draft`` adds
    "(kết quả tạm tính)"."""
    if not view.scored:
        return f"Tổng điểm: chưa có, vì đơn vị {NOT_SCORED}."
    provisional = " (kết quả tạm tính)" if draft else ""
    parts = f"trong đó điểm cộng {view.bonus}, điểm trừ {view.deductions}"
    if view.appraised:
        return (
            f"Tổng điểm tự chấm: {view.self_total} điểm; tổng điểm sau thẩm định: {view.total} "
            f"điểm, {parts}{provisional}."
        )
    ranked = ""
    if view.total != view.self_total:  # another unit's appraisal moved the cluster's best
        ranked = f"; tổng điểm tạm dùng để xếp hạng: {view.total} điểm"
    return (
        f"Tổng điểm tự chấm: {view.self_total} điểm, {parts}{ranked}; điểm chưa được thẩm "
        f"định{provisional}."
    )


def rank_sentence(
    result: YearResult, row: Row, *, units: str = "", shared: bool = False, also: str = ""
) -> str:
    """``Thứ hạng: 2/7.``; ``units`` follows the count (" đơn vị"), ``shared`` adds
    ", đồng hạng" to a shared rank, ``also`` goes in the brackets ("kết quả tạm tính").
    A unit not appraised is ranked :data:`ON_SELF_SCORES`; one that has not scored itself
    has no rank to speak of: the sentence says so, and where the ranking puts it."""
    of = f"{row.rank}/{len(result.rows)}{units}"
    if not row.score.scored:
        return (
            f"Thứ hạng: chưa có, vì đơn vị {NOT_SCORED} (bảng xếp hạng tạm ghi hạng {of}, "
            f"{pts(row.score.total_exact)} điểm)."
        )
    by_points = any(k.key in ("diem", "diem_tu_cham") for k in result.keys)
    notes = [ON_SELF_SCORES] if by_points and not row.score.appraised else []
    if also:
        notes.append(also)
    tie = ", đồng hạng" if shared and row.shared else ""
    bracket = f" ({'; '.join(notes)})" if notes else ""
    return f"Thứ hạng: {of}{tie}{bracket}."


def ballot_pending(result: YearResult, key: SortKey) -> bool:
    """``key`` counts the votes of a ballot whose result is not recorded yet (everyone 0)."""
    return key.votes and key.key.partition(":")[2] not in result.tallies


def rank_reasons(
    result: YearResult, index: int, name: Callable[[m.Member], str], *, listed: bool = False
) -> tuple[str, ...]:
    """Why the unit of ``result.rows[index]`` sits where it sits: what the regulation ranks
    by, the unit's values, the units it ties with, what separates it from the unit just above
    and just below, its exclusion. ``name`` names a unit; ``listed`` adds that tied units are
    listed in member-list order.

    A ballot without a result is named as such, and its votes (0 for everyone) are neither
    shown nor said to be equal; when the regulation ranks by such ballots only, that is said
    instead of values and ties. Of a unit that has not scored itself (``MemberScore.scored``
    false) only what the regulation ranks by and its exclusion are said: its 0 points explain
    nothing."""
    rows = result.rows
    row = rows[index]
    member_id = row.member.id
    keys = [k for k in result.keys if not ballot_pending(result, k)]
    lines = [
        "Xếp hạng theo: "
        + ", rồi ".join(
            f"{k.label} (chưa có kết quả bỏ phiếu)" if ballot_pending(result, k) else k.label
            for k in result.keys
        )
        + "."
    ]
    if not keys:
        lines.append(
            "Chưa có kết quả bỏ phiếu mà quy chế dùng để xếp hạng: các đơn vị tạm đồng hạng."
        )
    elif row.score.scored:
        values = []
        for k in keys:
            value = f"{k.label} {k.show(member_id)}"
            if k.key == "diem" and not row.score.appraised:
                value += " (điểm tự chấm, chưa thẩm định)"
            values.append(value)
        lines.append("Số liệu của đơn vị: " + "; ".join(values) + ".")
        lines += _neighbours(result, index, keys, name, listed)
    if not row.eligible:
        lines.append(
            f"Không được xét: {row.exclusion} (không thể là đơn vị dẫn đầu, không được đề "
            "nghị khen thưởng)."
        )
    return tuple(lines)


def _neighbours(
    result: YearResult,
    index: int,
    keys: Sequence[SortKey],
    name: Callable[[m.Member], str],
    listed: bool,
) -> list[str]:
    """The units the unit of ``index`` ties with, and what separates it from the units just
    above and below, on the ``keys`` that have values."""
    rows = result.rows
    row = rows[index]
    member_id = row.member.id
    lines = []
    # The rows sharing a rank are next to each other: look no further than they go.
    first, last = _tied(rows, index)
    tied = [r for r in rows[first : last + 1] if r is not row]
    if tied:
        names = ", ".join(name(r.member) for r in tied)
        criteria = (
            "mọi tiêu chí xếp hạng đã có kết quả"
            if len(keys) < len(result.keys)
            else "mọi tiêu chí xếp hạng của quy chế"
        )
        order = (
            "; trong bảng, các đơn vị đồng hạng ghi theo thứ tự danh sách thành viên"
            if listed
            else ""
        )
        lines.append(f"Đồng hạng {row.rank} với {names}: bằng nhau ở {criteria}{order}.")
    if first > 0:
        above = rows[first - 1]
        why = separation_text(keys, above.member.id, member_id)
        lines.append(f"Xếp sau {name(above.member)} (hạng {above.rank}): {why}.")
    if last + 1 < len(rows):
        below = rows[last + 1]
        why = separation_text(keys, member_id, below.member.id)
        lines.append(f"Xếp trên {name(below.member)} (hạng {below.rank}): {why}.")
    return lines


def vote_sentences(result: YearResult, member_id: str) -> tuple[str, ...]:
    """The unit's votes in the ballot the regulation ranks by, then, when that ballot also
    chooses the leading unit, whether they meet its threshold; nothing when the regulation has
    no vote."""
    if result.vote_ballot is None:
        return ()
    t = result.tallies.get(result.vote_ballot)
    if t is None:
        return ("Phiếu: chưa có kết quả bỏ phiếu.",)
    option = option_of(t, member_id)
    if option is None:
        return (f'Phiếu: không có tên trong cuộc bỏ phiếu "{t.ballot.title}".',)
    if t.ballot.kind is m.BallotKind.RANKED:
        # Borda points are points: "13/5 điểm Borda (260 %)" read as 13 out of 5.
        shown = f"{count(t.votes.get(option, 0))} điểm Borda"
    else:
        unit = "phiếu đồng ý" if t.ballot.kind is m.BallotKind.YES_NO else "phiếu"
        shown = votes_text(t, option, result.vote_denominator, len(result.rows), unit)
    lines = [f'Phiếu: {shown} trong cuộc bỏ phiếu "{t.ballot.title}".']
    rule = result.data.regulation.leading
    if rule is not None and rule.ballot == t.ballot.id:
        verdict = "đạt" if meets(result.row(member_id).vote_share, rule) else "chưa đạt"
        lines.append(f"Ngưỡng chọn đơn vị dẫn đầu: {rule_text(rule)} ({verdict}).")
    return tuple(lines)
