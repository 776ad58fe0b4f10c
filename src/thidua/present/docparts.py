"""The parts of a signed document that the view model (:mod:`thidua.present.context`) builds
in words: who issues it (:class:`Heading`), who signs it (:class:`Signature`), to whom it goes
(:func:`addressing`), the report's own words (:func:`paragraphs`), the outcomes of the year
(:class:`Outcomes`) and the notes under a ranking (:func:`ranking_notes`).

Everything here is what an official writes and signs: names, never ids; no setting, key, file,
command or warning. The data decides (``van-ban.yaml``, ``khoi.yaml``, ``hoi-nghi.yaml``); what
it does not give falls back to the defaults of DOMAIN.md §6 or is left blank (``None``: the
template prints a dotted line to fill by hand). Pure, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from thidua import models as m
from thidua.compute.results import ballot_words, pending_ballots
from thidua.present.documents import Doc

if TYPE_CHECKING:
    from thidua.compute.results import Election, YearResult
    from thidua.year import YearData

__all__ = [
    "LETTERS",
    "AwardLine",
    "ElectionView",
    "Heading",
    "Outcomes",
    "Paragraph",
    "Signature",
    "TaskList",
    "addressing",
    "appraisal_note",
    "curly",
    "heading",
    "incomplete_note",
    "outcomes",
    "paragraphs",
    "pending_note",
    "ranking_notes",
    "repeating_note",
    "signature",
    "task_list",
]

#: The letters of numbered points in a Vietnamese document: a), b), c), d), đ), e), g), …
LETTERS = (
    "a b c d đ e g h i k l m n o p q r s t u v x y".split()  # noqa: SIM905 (readable)
)
# Lists of members longer than this are summed up by their count.
MAX_NAMED = 5
# "KINH TẾ - THỐNG KÊ": a non-breaking space before the dash, so no line starts with it.
NBSP = "\u00a0"


def keep_dash(text: str) -> str:
    """``text`` with a non-breaking space before each spaced dash (" - ")."""
    return text.replace(" - ", f"{NBSP}- ")


def curly(text: str) -> str:
    """Straight double quotes in pairs become the document's “ ”; an odd one stays."""
    if text.count('"') % 2:
        return text
    parts = text.split('"')
    return "".join(
        part if i == 0 else ("“" if i % 2 else "”") + part for i, part in enumerate(parts)
    )


# --- who issues, who signs, to whom -----------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """The issuing body as the header prints it (upper case there): ``name`` under the
    ``parent_body`` when there is one; ``place`` for the place-and-date line."""

    name: str
    parent_body: str | None
    place: str


def heading(data: YearData) -> Heading:
    """The short name of the issuing body: ``van-ban.yaml`` ``ten_co_quan``, else the
    cluster's short name (``ten_ngan``), else its full name."""
    cluster = data.cluster
    documents = data.documents
    name = (documents.issuer if documents else None) or cluster.short_name or cluster.name
    return Heading(keep_dash(name), cluster.parent_body, cluster.place)


@dataclass(frozen=True)
class Signature:
    """A signature column: the lines above the space for signature and seal (bold, upper
    case: ``TM. KHỐI THI ĐUA …``, ``TRƯỞNG KHỐI``, the post), then the name (None: a dotted
    line to write it by hand)."""

    office: tuple[str, ...]
    name: str | None


_ADDRESSED: dict[Doc, str] = {
    Doc.MINUTES: "minutes",
    Doc.REPORT: "report",
    Doc.PROPOSAL: "proposal",
    Doc.RANKING: "ranking",
}


def _own(data: YearData, doc: Doc) -> m.Addressing | None:
    """What ``van-ban.yaml`` says of ``doc`` (its ``kinh_gui``, ``noi_nhan``, ``nguoi_ky``)."""
    documents = data.documents
    if documents is None:
        return None
    attr = _ADDRESSED.get(doc) or ("notice" if doc.value == "thong-bao" else None)
    found = getattr(documents, attr) if attr else None
    return found if isinstance(found, m.Addressing) else None


def signature(data: YearData, doc: Doc) -> Signature:
    """Who signs ``doc`` for the cluster, part by part: the document's own ``nguoi_ky``, else
    the file's ``nguoi_ky``, else the default: ``TM. <issuing body>`` / ``TRƯỞNG KHỐI`` / the
    post of the year's leader unit's head (title and unit, when the title is known) / the
    head's name (``khoi.yaml``). An empty ``thay_mat`` drops the "TM." line."""
    own = _own(data, doc)
    signers = [s for s in (own.signer if own else None, _general(data)) if s is not None]
    cluster = data.cluster
    leader = next((mb for mb in cluster.members if mb.id == cluster.leader), None)
    default_post = (
        f"{leader.head_title} {leader.name}" if leader is not None and leader.head_title else None
    )
    defaults = {
        "on_behalf": f"TM. {heading(data).name}",
        "capacity": "TRƯỞNG KHỐI",
        "post": default_post,
        "name": leader.head_name if leader is not None else None,
    }

    def pick(field: str) -> str | None:
        for signer in signers:
            value = getattr(signer, field)
            if value is not None:
                return str(value) or None  # "" leaves the line out
        return defaults[field]

    lines = [pick("on_behalf"), pick("capacity"), pick("post")]
    office = tuple(keep_dash(line.upper()) for line in lines if line)
    return Signature(office, pick("name"))


def _general(data: YearData) -> m.Signer | None:
    return data.documents.signer if data.documents is not None else None


def province(cluster: m.ClusterFile) -> str:
    """``tỉnh Hòa Bình`` when the cluster's name says so, else the place as written."""
    for prefix in ("tỉnh", "thành phố"):
        if f"{prefix} {cluster.place}".lower() in cluster.name.lower():
            return f"{prefix} {cluster.place}"
    return cluster.place


def addressing(data: YearData, doc: Doc) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ "Kính gửi" and "Nơi nhận" of ``doc``: ``van-ban.yaml`` first (for the minutes, then
    ``hoi-nghi.yaml`` ``noi_nhan``), else the defaults: the proposal goes to the province's
    emulation council, copied to the members; the others to the province's emulation board and
    the members. The score sheet, an attachment, has neither."""
    own = _own(data, doc)
    board = "Ban Thi đua - Khen thưởng " + province(data.cluster)
    members = "Các đơn vị thành viên Khối"
    if doc is Doc.PROPOSAL:
        to: tuple[str, ...] = ("Hội đồng Thi đua - Khen thưởng " + province(data.cluster),)
        recipients: tuple[str, ...] = ("Như trên", members, "Lưu: VT")
    elif doc is Doc.SCORES:
        to, recipients = (), ()
    else:
        to, recipients = (), (board, members, "Lưu: VT")
        conference = data.conference
        if doc is Doc.MINUTES and conference is not None and conference.recipients:
            recipients = tuple(conference.recipients)
    if own is not None:
        to = tuple(own.to) or to
        recipients = tuple(own.recipients) or recipients
    return to, recipients


# --- the report's own words -------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the secretariat's text (one item), or a list (its items)."""

    items: tuple[str, ...]
    listed: bool


def paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    """``text`` as written in ``van-ban.yaml``: paragraphs separated by a blank line, lines
    starting with "- " items of a list; a line that does neither continues the paragraph or
    item before it. Empty or None: ``()`` (the template prints lines to fill by hand)."""
    out: list[Paragraph] = []
    for block in re.split(r"\n[ \t]*\n", (text or "").strip()):
        items: list[str] = []
        listed = False
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("- ") or line == "-":
                if items and not listed:
                    out.append(Paragraph((curly(" ".join(items)),), False))
                    items = []
                listed = True
                items.append(line[2:].strip())
            elif items:
                items[-1] = f"{items[-1]} {line}"
            else:
                items.append(line)
        if items and listed:
            out.append(Paragraph(tuple(curly(item) for item in items if item), True))
        elif items:
            out.append(Paragraph((curly(" ".join(items)),), False))
    return tuple(p for p in out if p.items)


@dataclass(frozen=True)
class TaskList:
    """Focus tasks (or movements) of a year: ``declared`` tasks announced, the ones written
    down, and a blank line (None) for each announced task the data does not name."""

    declared: int | None
    items: tuple[str | None, ...]


def task_list(written: Sequence[str], declared: int | None = None) -> TaskList:
    items: list[str | None] = [curly(task) for task in written]
    if declared is not None and declared > len(items):
        items += [None] * (declared - len(items))
    return TaskList(declared, tuple(items))


# --- outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardLine:
    """One award and every unit proposed for it, in rank order."""

    name: str
    members: tuple[m.Member, ...]


@dataclass(frozen=True)
class ElectionView:
    """Next year's leader or deputy: the unit (None: a blank to fill) and how, or why not yet
    (printed in brackets after the name or the blank)."""

    office: str
    member: m.Member | None
    how: str


@dataclass(frozen=True)
class Outcomes:
    """What the year concluded, in words: a) the leading unit, b) the awards proposed, c) and
    d) next year's leader and deputy, then the conference's own conclusions, lettered on
    (đ, e, …)."""

    leading: m.Member | None
    leading_rest: str | None  # the reason after the unit's name, when it starts with it
    leading_reason: str
    # With no leading unit, what follows "Đơn vị dẫn đầu …:": "chưa xác định, do …" while
    # scores or the deciding ballot are missing, else "không có." and the reason.
    undecided: str
    awards: tuple[AwardLine, ...]
    awards_pending: str | None  # why no award is proposed yet ("chưa có kết quả …")
    award_notes: tuple[str, ...]  # what the regulation allows, when a count or limit is passed
    next_leader: ElectionView
    next_deputy: ElectionView
    more: tuple[tuple[str, str], ...]  # (letter, conclusion) after a)-d)


_NO_LEADING = "Không có đơn vị dẫn đầu: "


def _pending_words(result: YearResult) -> str | None:
    """Why the leading unit and the awards cannot be decided yet, or None."""
    data = result.data
    why: list[str] = []
    if any(score.missing for score in result.scores.values()):
        why.append("còn đơn vị chưa có đủ điểm các tiêu chí")
    pending = list(dict.fromkeys(ballot_words(data, b) for b in pending_ballots(data)))
    if pending:
        why.append("chưa có kết quả " + _joined(pending))
    return " và ".join(why) or None


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def _letter(index: int) -> str:
    """The ``index``-th point's letter (0: "a"); past "y", numbers go on (24, 25, …)."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def _sentence(text: str) -> str:
    """``text`` ending as a sentence does (a full stop unless it has its own mark)."""
    return text if text.endswith((".", "!", "?", "…", ":")) else text + "."


def _election(e: Election) -> ElectionView:
    return ElectionView(e.office, e.member, curly(e.how))


def outcomes(result: YearResult, conclusions: Sequence[str] = ()) -> Outcomes:
    reason = curly(result.leading_reason)
    leading = result.leading
    rest = None
    if leading is not None and reason.startswith(leading.name + " "):
        rest = reason[len(leading.name) :]
    elif leading is None and reason.startswith(_NO_LEADING):
        tail = reason[len(_NO_LEADING) :]
        reason = tail[:1].upper() + tail[1:]
    pending = _pending_words(result)
    by_name: dict[str, list[m.Member]] = {}
    for award in result.awards:
        by_name.setdefault(award.name, []).append(award.member)
    return Outcomes(
        leading=leading,
        leading_rest=rest,
        leading_reason=reason,
        undecided=f"chưa xác định, do {pending}." if pending else f"không có. {reason}",
        awards=tuple(AwardLine(name, tuple(units)) for name, units in by_name.items()),
        awards_pending=pending if not result.awards and result.data.regulation.awards else None,
        award_notes=tuple(curly(note) for note in result.award_notes),
        next_leader=_election(result.next_leader),
        next_deputy=_election(result.next_deputy),
        more=tuple((_letter(4 + i), _sentence(curly(c))) for i, c in enumerate(conclusions)),
    )


# --- notes under a ranking --------------------------------------------------------------------


def _units(members: Sequence[m.Member]) -> str:
    if len(members) > MAX_NAMED:
        return f"{len(members)} đơn vị"
    return _joined([member.name for member in members])


def ranking_notes(result: YearResult) -> tuple[str, ...]:
    """What a reader of the ranking must know, as an official writes it: scores not yet
    appraised, criteria without scores, results still pending, rounded repeating decimals.
    (The notes and warnings of :class:`~thidua.compute.results.YearResult` are for the
    terminal: they may name keys, files and commands.)"""
    notes = (
        appraisal_note(result),
        incomplete_note(result),
        pending_note(result),
        repeating_note(result),
    )
    return tuple(note for note in notes if note is not None)


def appraisal_note(result: YearResult) -> str | None:
    """The note of :func:`ranking_notes` on scores not yet appraised."""
    scores = list(result.scores.values())
    # A unit that has not scored is not "not appraised": there is nothing to appraise.
    pending = [s.member for s in scores if s.scored and not s.appraised]
    if not pending:
        return None
    who = "các đơn vị" if len(pending) == len(scores) else _units(pending)
    return f"Điểm của {who} chưa được thẩm định; thứ tự xếp hạng tạm tính theo điểm tự chấm."


def incomplete_note(result: YearResult) -> str | None:
    """The note of :func:`ranking_notes` on criteria without scores."""
    scores = list(result.scores.values())
    incomplete = [s.member for s in scores if s.missing]
    if not incomplete:
        return None
    who = "Các đơn vị" if len(incomplete) == len(scores) else _units(incomplete)
    return f"{who} còn tiêu chí chưa có điểm (tính 0 điểm)."


def pending_note(result: YearResult) -> str | None:
    """The note of :func:`ranking_notes` on ballots whose results are not recorded."""
    data = result.data
    ballots = list(dict.fromkeys(ballot_words(data, b) for b in pending_ballots(data)))
    return f"Chưa có kết quả {_joined(ballots)}." if ballots else None


def repeating_note(result: YearResult) -> str | None:
    """The note of :func:`ranking_notes` on repeating decimals, shown rounded."""
    if not any(s.repeating for s in result.scores.values()):
        return None
    return (
        "Một số điểm định lượng là số thập phân vô hạn tuần hoàn: bảng ghi làm tròn đến hai "
        "chữ số thập phân, còn thứ tự xếp hạng so sánh giá trị chính xác."
    )
