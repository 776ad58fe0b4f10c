"""The pages of ``thidua site``: what each page shows (a view model), drawn with Jinja2.

:func:`build_pages` turns the ranked years (:class:`SiteYear`: the result, the data's
fingerprint, the documents made for download) into the text of every file of the site, by
path inside the output folder:

- ``index.html``: the cluster: members, leader and deputy by year, the years with their
  status (in progress, closed on a date, reopened on a date and why), links;
- ``lich-su.html``: each unit's rank and total in every closed year, table and line chart,
  and each year's outcome (:mod:`thidua.present.site_cluster`);
- ``style.css``: the one stylesheet (``templates/site/style.css``), print rules included;
- ``<năm>/index.html``: a year: the ranking (printed on a landscape sheet, with the top of
  the page) and its notes, each unit still lacking scores named with how many criteria it
  lacks; leading unit, awards, next leader and deputy, ballots with their chart, totals
  chart (a sentence instead while no unit has any score), documents to download (offered
  as "Word (.docx)", "Xem và in (.html)", "Excel (.xlsx)", with a sentence on the "…" the
  secretariat fills in when issuing them);
- ``<năm>/<MÃ>.html``: a unit in a year: every criterion's self and appraised score, maximum,
  reason and formula (what ``thidua explain`` says), totals, rank, a chart against the
  cluster's best and average.

The cluster and history pages are made by :mod:`thidua.present.site_cluster`, a unit's page
by :mod:`thidua.present.site_unit`, from the pieces of :mod:`thidua.present.site_parts`.

The year page's ranking is the section ``<section id="xep-hang">``: its heading, then the
table (so the address ``#xep-hang`` shows the heading). The table has one body row per
unit in rank order, and its cells are, in this order: rank, full name (a link to the
unit's page), final total, the final points of each criteria group, the self-assessed
total, the votes (Borda points for a ranked ballot) and their share when the regulation
counts votes, and the outcome note of ``thidua rank``. Each header cell names the field of a row of
``thidua rank YEAR --format json`` it shows (``data-cot="diem"``, ``"nhom.I"``) and each
body cell holds that field's exact value (``data-gia-tri="84.5"``), the text being the
number written the Vietnamese way (``84,5``).

Every page has the Content-Security-Policy :data:`CSP` in a ``<meta>`` element (no script:
none is needed, the pages work with JavaScript off), an empty icon of its own (``data:,``,
so a browser asks no server for ``/favicon.ico``), links only to files of the site, by
relative address, and shows the data it was made from: ``Mã dữ liệu: 3F9A-C21B`` (the
year's :class:`~thidua.present.fingerprint.Fingerprint`; the cluster and history pages give
each year's). A year and a unit page also carry the record ``thidua verify`` reads back. A
year that is not final says "Kết quả tạm tính" at the top of each of its pages and, printed,
at the top of every sheet (:attr:`~thidua.present.site_parts.Page.body_class`). No date of
building appears unless one is given (the command's ``SOURCE_DATE_EPOCH``).

The charts come from :mod:`thidua.present.charts` (imported here: only the site loads
matplotlib), each inlined in a ``<figure>`` with its caption and the table it is drawn
from. Everything read is the words of an official: full names of units, no codes, keys,
files or commands (the codes appear only in the names of files). Pure apart from reading
the templates: nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from thidua.compute.history import YearStatus, day_text
from thidua.compute.voting import meets
from thidua.numbers import count, percent, plain, points
from thidua.present import charts
from thidua.present.context import ballot_views, numbering
from thidua.present.docparts import (
    appraisal_note,
    pending_note,
    repeating_note,
)
from thidua.present.rankview import row_note, status_line, vote_columns
from thidua.present.render import builtin_templates_dir
from thidua.present.site_cluster import cluster_page, history_page
from thidua.present.site_parts import (
    DOCS_FOLDER,
    HISTORY,
    Cell,
    Column,
    Figure,
    Link,
    Page,
    SiteYear,
    Table,
    awards_by_name,
    decimal,
    inline_svg,
)
from thidua.present.site_unit import NO_CHART, standing, unit_page

if TYPE_CHECKING:
    from thidua.compute.results import Election, YearResult
    from thidua.present.site_docs import DocLinks

__all__ = ["CSP", "DOCS_FOLDER", "SiteYear", "build_pages", "environment"]

CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:"
STYLESHEET = "style.css"


def provisional_sentence(result: YearResult) -> str | None:
    """Why a year's results are provisional, or None for a final year."""
    if not result.provisional:
        return None
    status = YearStatus.of(result.data)
    if status.reopened is not None:
        return status.line()
    return f"Năm {result.data.year} đang diễn ra: các số liệu còn thay đổi."


# --- the year page ----------------------------------------------------------------------------


def ranking_table(result: YearResult, units: Mapping[str, str]) -> Table:
    """The ranking, every column of ``thidua rank`` (module docstring for the order)."""
    groups, _ = numbering(result.data.table)
    votes, borda = vote_columns(result)
    columns = [
        Column("Hạng", True, "hang"),
        Column("Đơn vị", False, "ten"),
        Column("Tổng điểm", True, "diem"),
        *(Column(f"Nhóm {g.label}", True, f"nhom.{g.id}") for g in groups),
        Column("Tự chấm", True, "diem_tu_cham"),
    ]
    if votes:
        columns.append(Column("Điểm Borda" if borda else "Số phiếu", True, "phieu"))
        if not borda:
            columns.append(Column("Tỷ lệ phiếu", True, "ty_le_phieu"))
    columns.append(Column("Kết quả, ghi chú"))
    rows = []
    for row in result.rows:
        score = row.score
        cells = [
            Cell(str(row.rank), True, value=str(row.rank)),
            Cell(row.member.name, href=units[row.member.id], value=row.member.name, head=True),
            Cell(points(score.total_exact), True, value=plain(score.total_exact)),
            *(
                Cell(points(score.groups_exact[g.id]), True, value=plain(score.groups_exact[g.id]))
                for g in groups
            ),
            Cell(points(score.self_total_exact), True, value=plain(score.self_total_exact)),
        ]
        if votes:
            shown = "" if row.votes is None else count(row.votes)
            cells.append(Cell(shown, True, value="" if row.votes is None else str(row.votes)))
            if not borda:
                share = row.vote_share
                cells.append(
                    Cell("" if share is None else percent(share), True, value=plain(share) or "")
                )
        cells.append(Cell(row_note(row)))
        rows.append(tuple(cells))
    return Table(tuple(columns), tuple(rows))


@dataclass(frozen=True)
class Note:
    """A note under the ranking, and the lines it lists (the units it names), if any."""

    text: str
    items: tuple[str, ...] = ()


def missing_scores(result: YearResult) -> Note | None:
    """Every unit that still lacks the score of some criterion, by full name, and how many
    of the criteria it lacks (as ``thidua rank`` says it), in the members' order."""
    lines = []
    for score in result.scores.values():
        if not score.missing:
            continue
        lacking = f"{count(score.missing)}/{count(len(score.columns))} tiêu chí"
        if score.scored:
            lines.append(f"{score.member.name}: còn thiếu điểm {lacking}.")
        elif score.has_file:
            lines.append(f"{score.member.name}: chưa tự chấm điểm (thiếu điểm {lacking}).")
        else:
            lines.append(
                f"{score.member.name}: chưa gửi kết quả tự chấm điểm (thiếu điểm {lacking})."
            )
    if not lines:
        return None
    return Note("Các đơn vị còn tiêu chí chưa có điểm (tính 0 điểm):", tuple(lines))


def year_notes(result: YearResult) -> list[Note]:
    """The notes of the ranking (:func:`~thidua.present.docparts.ranking_notes`), the one on
    criteria without scores naming each unit and how many it lacks."""
    notes = [
        appraisal_note(result),
        missing_scores(result),  # for incomplete_note, naming the units
        pending_note(result),
        repeating_note(result),
    ]
    return [Note(n) if isinstance(n, str) else n for n in notes if n is not None]


def totals_figure(result: YearResult) -> Figure | None:
    """Each unit's total stacked by criteria group, with its table; None while no unit has
    the score of any criterion (an empty chart says nothing: the page says :data:`NO_CHART`)."""
    if not any(score.scored for score in result.scores.values()):
        return None
    groups, _ = numbering(result.data.table)
    labels = [f"Nhóm {g.label}" for g in groups]
    rows = result.rows
    title = f"Tổng điểm của các đơn vị năm {result.data.year}, theo nhóm tiêu chí"
    svg = charts.stacked_totals(
        [row.member.short_name for row in rows],
        labels,
        [[decimal(row.score.groups_exact[g.id]) for g in groups] for row in rows],
        title=title,
    )
    table = Table(
        (
            Column("Đơn vị"),
            *(Column(f"Nhóm {g.label}. {g.name}", True) for g in groups),
            Column("Tổng điểm", True),
        ),
        tuple(
            (
                Cell(row.member.name, head=True),
                *(Cell(points(row.score.groups_exact[g.id]), True) for g in groups),
                Cell(points(row.score.total_exact), True),
            )
            for row in rows
        ),
    )
    caption = f"{title}. Bảng dưới đây ghi số liệu của biểu đồ."
    return Figure(inline_svg(svg), caption, table)


@dataclass(frozen=True)
class BallotSection:
    title: str
    question: str | None
    counts: Table  # present, issued, returned, valid, invalid
    figure: Figure
    rules: tuple[str, ...]
    invalid_reasons: tuple[str, ...]


def _threshold(result: YearResult, ballot_id: str, denominator: int | None) -> int | None:
    """The fewest votes that pass the regulation's threshold on ``ballot_id``
    (:func:`~thidua.compute.voting.meets`, as the election applies it), if any can."""
    reg = result.data.regulation
    for rule in (reg.leading, reg.leader_election, reg.deputy_election):
        if rule is None or rule.ballot != ballot_id or not denominator:
            continue
        passing = (n for n in range(denominator + 1) if meets(Fraction(n, denominator), rule))
        return next(passing, None)
    return None


def ballot_sections(result: YearResult) -> list[BallotSection]:
    sections = []
    for view in ballot_views(result.data, result.tallies):
        counted = [
            ("Số đơn vị có mặt", view.present),
            ("Số phiếu phát ra", view.issued),
            ("Số phiếu thu về", view.returned),
            ("Số phiếu hợp lệ", view.valid),
            ("Số phiếu không hợp lệ", view.invalid),
        ]
        counts = Table(
            (Column(""), Column("Số lượng", True)),
            tuple(
                (Cell(label, head=True), Cell(count(n), True))
                for label, n in counted
                if n is not None
            ),
        )
        unit = "Điểm Borda" if view.ranked else "Số phiếu"
        threshold = (
            None if view.ranked else _threshold(result, view.tally.ballot.id, view.denominator)
        )
        svg = charts.ballot_bars(
            [row.member.short_name if row.member else row.label for row in view.rows],
            [row.votes for row in view.rows],
            title=view.title,
            threshold=threshold,
        )
        columns = [Column("Lựa chọn"), Column(unit, True)]
        if not view.ranked:
            columns.append(Column(f"Tỷ lệ (trên {view.denominator_label})", True))
        table = Table(
            tuple(columns),
            tuple(
                (
                    Cell(row.label, head=True),
                    Cell(count(row.votes), True),
                    *(
                        []
                        if view.ranked
                        else [Cell("" if row.share is None else percent(row.share), True)]
                    ),
                )
                for row in view.rows
            ),
        )
        caption = f"Kết quả bỏ phiếu: {view.title}."
        if threshold is not None:
            caption += f" Đường đứt nét: số phiếu tối thiểu để đạt ngưỡng ({count(threshold)})."
        sections.append(
            BallotSection(
                title=view.title,
                question=view.question,
                counts=counts,
                figure=Figure(inline_svg(svg), caption, table),
                rules=view.rules,
                invalid_reasons=view.invalid_reasons,
            )
        )
    return sections


def election_line(result: YearResult, election: Election) -> str:
    """``Trưởng khối năm 2021: Cục Quản lý thị trường tỉnh Hòa Bình (được 7/7 …).``"""
    year = result.data.year + 1
    if election.member is None:
        return f"{election.office} năm {year}: chưa xác định ({election.how})."
    return f"{election.office} năm {year}: {election.member.name} ({election.how})."


# How the site offers each format, by the file's extension: words an officer knows.
FILE_LABELS = {".docx": "Word (.docx)", ".html": "Xem và in (.html)", ".xlsx": "Excel (.xlsx)"}


def offered(links: Sequence[DocLinks]) -> tuple[DocLinks, ...]:
    """``links`` with each file labelled as the site offers it (:data:`FILE_LABELS`)."""
    return tuple(
        replace(
            d,
            files=tuple(
                replace(f, label=FILE_LABELS.get(f.name[f.name.rfind(".") :], f.label))
                for f in d.files
            ),
        )
        for d in links
    )


def _doc_links(links: Sequence[DocLinks], member: str | None, base: str) -> list[Any]:
    return [
        {"title": d.title, "files": [Link(f.label, base + f.name) for f in d.files]}
        for d in links
        if d.member == member
    ]


def year_page(item: SiteYear) -> Page:
    result = item.result
    data = result.data
    groups, _ = numbering(data.table)
    leading = result.leading
    names = {member.id: member.name for member in data.cluster.members}
    documents = offered(item.documents)
    notices = [
        {
            "unit": Link(names[d.member], item.units[d.member]),
            "files": [Link(f.label, f"{DOCS_FOLDER}/{f.name}") for f in d.files],
        }
        for d in documents
        if d.member is not None
    ]
    context = {
        "year": data.year,
        "cluster": data.cluster.name,
        "status": status_line(result),
        "illustrative": data.illustrative,
        "ranking": ranking_table(result, item.units),
        "groups": [
            f"Nhóm {g.label}: {g.name}"
            + (f" (tối đa {points(g.maximum)} điểm)" if g.maximum is not None else "")
            for g in groups
        ],
        "notes": year_notes(result),
        "leading": Link(leading.name, item.units[leading.id]) if leading is not None else None,
        "leading_reason": result.leading_reason,
        "awards": awards_by_name(result),
        "awards_none": not result.awards and bool(data.regulation.awards),
        "award_notes": result.award_notes,
        "elections": [election_line(result, e) for e in (result.next_leader, result.next_deputy)],
        "ballots": ballot_sections(result),
        "totals": totals_figure(result),
        "no_scores": NO_CHART,
        "documents": _doc_links(documents, None, f"{DOCS_FOLDER}/"),
        "notices": notices,
    }
    return Page(
        path=f"{data.year}/index.html",
        template="year.html",
        title=f"Kết quả thi đua năm {data.year} — {data.cluster.name}",
        context=context,
        codes=(item.fingerprint.line,),
        provisional=provisional_sentence(result),
        record=item.fingerprint.record(";"),
        nav=str(data.year),
        wide_start=True,
    )


# --- rendering --------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    """An autoescaping environment over the site's templates (``templates/site/``)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(builtin_templates_dir() / "site"), encoding="utf-8"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


@dataclass(frozen=True)
class Site:
    """What every page shows around its content: the cluster's name, the navigation."""

    name: str
    nav: tuple[tuple[str, str, str], ...]  # (key, text, path from the site's folder)
    updated: str | None
    csp: Markup = Markup(CSP)  # noqa: RUF009 (a constant, not a default built per call)
    stylesheet: str = STYLESHEET
    years: tuple[int, ...] = field(default_factory=tuple)


def build_pages(years: Sequence[SiteYear], *, updated: dt.date | None = None) -> dict[str, str]:
    """Every page of the site and its stylesheet, by path inside the site's folder.

    ``years``: oldest first, at least one. ``updated`` (the command's ``SOURCE_DATE_EPOCH``):
    the date shown as the site's update; none without it.
    """
    if not years:
        raise ValueError("a site needs at least one year")
    env = environment()
    latest = years[-1].result.data.cluster
    site = Site(
        name=latest.name,
        nav=(
            ("index", "Khối thi đua", "index.html"),
            *((str(item.year), f"Năm {item.year}", f"{item.year}/index.html") for item in years),
            ("lich-su", "Lịch sử các năm", HISTORY),
        ),
        updated=f"ngày {day_text(updated)}" if updated is not None else None,
        years=tuple(item.year for item in years),
    )
    pages = [cluster_page(years), history_page(years)]
    for item in years:
        pages.append(year_page(item))
        cluster = standing(item.result)
        own: dict[str | None, list[DocLinks]] = {}
        for d in offered(item.documents):
            own.setdefault(d.member, []).append(d)
        for index, row in enumerate(item.result.rows):
            unit = unit_page(
                item.result,
                index,
                own.get(row.member.id, []),
                f"{DOCS_FOLDER}/",
                item.units,
                cluster,
            )
            pages.append(
                Page(
                    path=f"{item.year}/{item.units[row.member.id]}",
                    template="unit.html",
                    title=f"{row.member.name} — kết quả thi đua năm {item.year}",
                    context={"unit": unit, "year": item.year},
                    codes=(item.fingerprint.line,),
                    provisional=provisional_sentence(item.result),
                    record=item.fingerprint.record(";"),
                    nav=str(item.year),
                )
            )
    out = {STYLESHEET: (builtin_templates_dir() / "site" / STYLESHEET).read_text(encoding="utf-8")}
    for page in pages:
        template = env.get_template(page.template)
        out[page.path] = template.render(page=page, site=site, **page.context)
    return out
