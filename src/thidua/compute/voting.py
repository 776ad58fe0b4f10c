"""Secret-ballot tallies: counts, paper verdicts, votes per option, shares. Pure, no I/O.

A ballot (:class:`thidua.models.Ballot`, one entry of ``phieu-bau.yaml``) records its
result in exactly one of two ways, and never a voter's identity:

- ``ket_qua``: totals per option, as the count committee's minutes give them;
- ``phieu``: every returned paper, anonymously, in any order.

When both are given (a problem), the papers are counted; when neither is, every option
has 0 votes.

Kinds and papers
----------------
Options are the candidates in the order of the cluster's member list. Candidates are all
members unless ``ung_vien`` restricts them (ids in ``ung_vien`` that are not members are
not options). A yes/no ballot has the two options ``dong_y`` and ``khong_dong_y``.

- ``chon`` (approval): a paper is a list of member ids. At most ``so_chon_toi_da``
  members (default 1). Each listed candidate gets one vote. Invalid: more distinct
  members than the maximum, a member listed twice, an id that is not a member or not a
  candidate, and an empty list. An empty list counts as invalid, not as an abstention,
  following Vietnamese election law, where a paper crossing out every name is void
  (Luật Bầu cử đại biểu Quốc hội và đại biểu HĐND, Luật số 85/2015/QH13, Điều 74).
  Hence every valid paper gives between 1 and ``so_chon_toi_da`` votes.
- ``xep_hang`` (ranked, Borda count): a paper is a mapping id -> rank (1 = best) or a list
  (its order is the ranking, best first). It may rank only some candidates (a partial
  ranking): with ``n`` candidates, the candidate ranked ``r`` gets ``n - r`` points and
  every unranked candidate gets 0. So a full ranking gives n-1, n-2, ..., 0, and a paper
  ranking the top ``k`` gives the same points to those ``k`` as a full ranking that starts
  the same way; ranking n-1 candidates equals ranking all n. Invalid: two members sharing
  a rank, ranks that are not exactly 1, 2, ..., k for the k members ranked (no gaps, no
  0), a member listed twice, an id that is not a member or not a candidate, and an empty
  paper. In totals (``ket_qua``) a ranked ballot records Borda points, not papers.
- ``tan_thanh`` (yes/no on one proposal about the member ``de_xuat``): a paper is
  ``đồng ý`` or ``không đồng ý``.

A paper ``không hợp lệ`` is invalid in every kind (void for a reason the data does not
show). A paper of the wrong shape for the kind (a ranking on an approval ballot, ``đồng
ý`` on a ranked one, ...) is invalid too, and :func:`tally_problems` reports it as an
entry mistake.

Counts
------
``phat_ra`` (issued) and ``thu_ve`` (returned) are as declared. With papers, valid and
invalid are counted from the papers; a declared ``hop_le`` / ``khong_hop_le`` must agree
with the count, and the number of papers must equal ``thu_ve``. With totals, valid and
invalid are as declared; when one is missing it is ``thu_ve`` minus the other (never
below 0), when both are missing all returned papers are valid.

Consistency rules reported by :func:`tally_problems`: valid + invalid = returned;
returned <= issued; issued, returned and the papers listed <= members (one paper per
member: the regulation has no delegates voting separately); returned <= present and
present <= members, when ``co_mat`` is given (one paper per member present); totals name
candidates only; approval totals lie between valid and valid x ``so_chon_toi_da`` in sum
(and no member above valid); Borda totals lie between valid x (n-1) and valid x n(n-1)/2
in sum (no member above valid x (n-1)); yes/no totals add up to exactly valid (a valid
paper is either yes or no); a ballot has exactly one of ``ket_qua`` and ``phieu``;
``so_chon_toi_da`` only on ``chon``, ``de_xuat`` (required, a member) and no
``ung_vien`` on ``tan_thanh``; ``ung_vien`` members, each once. All are errors except
one: a paper naming an id that is no member is counted invalid with a warning (it may be
a typing slip). :func:`ballots_problems` adds repeated ballot ids for a whole file.

Shares
------
``share = votes / denominator`` as an exact :class:`~fractions.Fraction`, the denominator
named by the regulation: all members, members present (``co_mat``; unknown when not
given), or valid papers. For a ranked ballot the votes are Borda points, so the share can
exceed 1. :func:`meets` compares a share with a rule's threshold, strictly (``lon_hon``)
or not (``tu``); an unknown share never meets it. Comparisons are exact: 4 of 6 reaches
``2/3`` but not ``66.67%``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from thidua import models as m
from thidua.errors import Position

YamlPath = tuple[str | int, ...]
PositionOf = Callable[[YamlPath], Position]

YES = "dong_y"
NO = "khong_dong_y"
YES_NO_OPTIONS = (YES, NO)
DEFAULT_MAX_CHOICES = 1


@dataclass(frozen=True)
class PaperVerdict:
    """Whether one anonymous paper counts, and if not, why (Vietnamese)."""

    index: int  # 0-based position of the paper in ``phieu``
    valid: bool
    reason: str | None


@dataclass(frozen=True)
class Tally:
    """The counted result of one ballot."""

    ballot: m.Ballot
    options: tuple[str, ...]  # candidates in member-list order, or YES_NO_OPTIONS
    present: int | None
    issued: int
    returned: int
    valid: int
    invalid: int
    votes: dict[str, int]  # every option, 0 if none; ranked ballot: Borda points
    papers: tuple[PaperVerdict, ...]  # empty when only totals were recorded
    from_papers: bool = False  # counted paper by paper (``phieu``) rather than from totals

    def votes_of(self, option: str) -> int:
        """Votes of ``option``; 0 for anything that is not an option (a non-candidate)."""
        return self.votes.get(option, 0)

    def denominator(self, which: m.Denominator, members: int) -> int | None:
        """The count a share is taken over; ``None`` when it is not known."""
        if which is m.Denominator.MEMBERS:
            return members
        if which is m.Denominator.PRESENT:
            return self.present
        return self.valid

    def share(self, option: str, which: m.Denominator, members: int) -> Fraction | None:
        """Votes of ``option`` over the denominator; ``None`` if it is unknown or 0."""
        denominator = self.denominator(which, members)
        if not denominator:
            return None
        return Fraction(self.votes_of(option), denominator)


def meets(share: Fraction | None, rule: m.VoteRule) -> bool:
    """Whether ``share`` passes the rule's threshold (``>`` or ``>=``)."""
    if share is None:
        return False
    if rule.comparison is m.Comparison.GREATER:
        return share > rule.threshold
    return share >= rule.threshold


def max_choices(ballot: m.Ballot) -> int:
    """How many members an approval paper may mark (``so_chon_toi_da``, default 1)."""
    return ballot.max_choices if ballot.max_choices is not None else DEFAULT_MAX_CHOICES


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def options_of(ballot: m.Ballot, member_ids: Sequence[str]) -> tuple[str, ...]:
    """The options of ``ballot``: its candidates in member-list order, or yes and no."""
    if ballot.kind is m.BallotKind.YES_NO:
        return YES_NO_OPTIONS
    members = _unique(member_ids)
    if ballot.candidates is None:
        return members
    wanted = set(ballot.candidates)
    return tuple(mid for mid in members if mid in wanted)


def _kind_label(ballot: m.Ballot) -> str:
    if ballot.kind is m.BallotKind.APPROVAL:
        return f"chọn tối đa {max_choices(ballot)} đơn vị"
    return ballot.kind.label


def _shape_error(kind: m.BallotKind, paper: m.Paper) -> str | None:
    """What the paper holds when that does not fit the kind of ballot, else ``None``."""
    if paper is m.Answer.SPOILED:
        return None
    if isinstance(paper, m.Answer):
        return None if kind is m.BallotKind.YES_NO else f'"{paper.value}"'
    if kind is m.BallotKind.YES_NO:
        return "danh sách đơn vị" if isinstance(paper, list) else "bảng thứ hạng"
    if kind is m.BallotKind.APPROVAL and isinstance(paper, dict):
        return "bảng thứ hạng"
    return None


class _Judge:
    """Decides one paper: the reason it is invalid, or its choices (best first)."""

    def __init__(
        self, ballot: m.Ballot, member_ids: Sequence[str], names: Mapping[str, str]
    ) -> None:
        self.ballot = ballot
        self.names = names
        self.kind = ballot.kind
        self.members = frozenset(member_ids)
        self.options = options_of(ballot, member_ids)
        self.candidates = frozenset(self.options)
        self.limit = max_choices(ballot)

    def shown(self, mid: str) -> str:
        """How a reason names a member: its full name when known, else the code written."""
        return self.names.get(mid, mid)

    def _names(self, ids: Sequence[str]) -> str | None:
        # Fast path first: a paper may rank a thousand members.
        if len(set(ids)) == len(ids) and self.candidates.issuperset(ids):
            return None
        seen: set[str] = set()
        for mid in ids:
            if mid in seen:
                return f"ghi {self.shown(mid)} hai lần"
            seen.add(mid)
        for mid in ids:
            if mid not in self.members:
                return f'"{mid}" không phải là đơn vị thành viên'
            if mid not in self.candidates:
                return f"{self.shown(mid)} không phải là ứng viên"
        return None

    def __call__(self, paper: m.Paper) -> tuple[str | None, tuple[str, ...]]:
        if paper is m.Answer.SPOILED:
            return "phiếu được ghi là không hợp lệ", ()
        shape = _shape_error(self.kind, paper)
        if shape is not None:
            kind = _kind_label(self.ballot)
            return f"phiếu ghi {shape}, không đúng loại cuộc bỏ phiếu ({kind})", ()
        if isinstance(paper, m.Answer):
            return None, (YES if paper is m.Answer.YES else NO,)
        if isinstance(paper, list):
            if not paper:
                verb = "chọn" if self.kind is m.BallotKind.APPROVAL else "xếp hạng"
                return f"không {verb} đơn vị nào", ()
            reason = self._names(paper)
            if reason is None and self.kind is m.BallotKind.APPROVAL and len(paper) > self.limit:
                reason = f"chọn {len(paper)} đơn vị, quá số tối đa {self.limit}"
            return reason, (() if reason else tuple(paper))
        return self._ranking(paper)

    def _ranking(self, paper: dict[str, int]) -> tuple[str | None, tuple[str, ...]]:
        if not paper:
            return "không xếp hạng đơn vị nào", ()
        reason = self._names(list(paper))
        if reason is not None:
            return reason, ()
        holder: dict[int, str] = {}
        for mid, rank in paper.items():
            if rank in holder:
                first, second = self.shown(holder[rank]), self.shown(mid)
                return f"{first} và {second} cùng thứ hạng {rank}", ()
            holder[rank] = mid
        ranks = sorted(holder)
        k = len(ranks)
        if ranks != list(range(1, k + 1)):
            seen = ", ".join(str(r) for r in ranks)
            if k == 1:
                return f"thứ hạng phải là 1, nhưng gặp {seen}", ()
            return f"thứ hạng phải liên tiếp từ 1 đến {k}, nhưng gặp {seen}", ()
        return None, tuple(holder[r] for r in ranks)


def tally(
    ballot: m.Ballot, member_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> Tally:
    """Count ``ballot`` for a cluster whose members are ``member_ids`` (in list order).

    ``names`` (member id -> full name) is how the reasons of invalid papers name members:
    the results print them in the vote-count minutes, where codes mean nothing; checks of
    the data leave it out and name the codes as written in the file.
    """
    if ballot.issued is None or ballot.returned is None:
        raise ValueError(f"ballot {ballot.id} has no counts: only a held ballot is counted")
    options = options_of(ballot, member_ids)
    votes = dict.fromkeys(options, 0)
    verdicts: list[PaperVerdict] = []
    if ballot.papers is not None:
        judge = _Judge(ballot, member_ids, names or {})
        n = len(options)
        ranked = ballot.kind is m.BallotKind.RANKED
        for index, paper in enumerate(ballot.papers):
            reason, choices = judge(paper)
            verdicts.append(PaperVerdict(index, reason is None, reason))
            for place, option in enumerate(choices, start=1):
                votes[option] += n - place if ranked else 1
        valid = sum(1 for v in verdicts if v.valid)
        invalid = len(verdicts) - valid
    else:
        if ballot.totals is not None:
            for option in options:
                votes[option] = ballot.totals.get(option, 0)
        valid, invalid = _declared_counts(ballot, ballot.returned)
    return Tally(
        ballot=ballot,
        options=options,
        present=ballot.present,
        issued=ballot.issued,
        returned=ballot.returned,
        valid=valid,
        invalid=invalid,
        votes=votes,
        papers=tuple(verdicts),
        from_papers=ballot.papers is not None,
    )


def _declared_counts(ballot: m.Ballot, returned: int) -> tuple[int, int]:
    valid, invalid = ballot.valid, ballot.invalid
    if valid is None and invalid is None:
        return returned, 0
    if valid is None:
        assert invalid is not None
        return max(returned - invalid, 0), invalid
    if invalid is None:
        return valid, max(returned - valid, 0)
    return valid, invalid
