"""The documents a year's page of the site offers for download (``<năm>/van-ban/``).

Every document ``thidua render YEAR all`` can make, each as Word (``.docx``) and as the
printable HTML page, and the score summary as Excel (``bang-diem-2020.xlsx``): the same bytes
as ``thidua render`` writes for the same data, templates, ``SOURCE_DATE_EPOCH`` and
fingerprint. The appraisal notice is made once per member, as the printable page only
(``thong-bao-2020-NHNN.html``, linked from the member's page, which shows the same figures):
a member reads and prints its notice; the Word form is the secretariat's, from ``thidua
render``. A Word file per member would also make the site's time grow by a Word conversion
per member and year (docs/performance.md). A document the year cannot make yet (no
conference, no ballot) is left out; why is returned for the command to say.

Pure apart from the templates the environment reads: nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from thidua.present.documents import Doc, Format, RenderError, file_name
from thidua.present.render import make_environment, render_document
from thidua.present.word import render_docx
from thidua.present.xlsx_summary import render_scores_xlsx

if TYPE_CHECKING:
    import jinja2

    from thidua import models as m
    from thidua.compute.results import YearResult
    from thidua.present.fingerprint import Fingerprint

__all__ = ["DocFile", "DocLinks", "YearDocuments", "year_documents"]

# How each format is offered, in the order of the links.
FORMAT_LABELS = {"docx": "Word (.docx)", "html": "Bản in (.html)", "xlsx": "Excel (.xlsx)"}


@dataclass(frozen=True)
class DocFile:
    """One file to download: the format's label (``Word (.docx)``) and its file name."""

    label: str
    name: str


@dataclass(frozen=True)
class DocLinks:
    """A document in every format it was made in; ``member``: the id of a member's own."""

    doc: Doc
    member: str | None
    files: tuple[DocFile, ...]

    @property
    def title(self) -> str:
        """``Biên bản hội nghị tổng kết``: the label with a capital."""
        label = self.doc.label
        return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class YearDocuments:
    files: dict[str, bytes]  # file name -> content
    links: tuple[DocLinks, ...]  # in the order of Doc, a member's notices in member order
    failures: tuple[str, ...]  # "biên bản hội nghị tổng kết: chưa có …", once per document


def year_documents(
    result: YearResult,
    *,
    templates: Path | None,
    next_tasks: m.TasksFile | None,
    epoch: dt.datetime | None,
    fingerprint: Fingerprint,
    env: jinja2.Environment | None = None,
) -> YearDocuments:
    """Every document of ``result``'s year (module docstring); ``templates`` is the data
    repository's own templates folder, as ``thidua render`` uses it; ``env``, when given,
    the environment of ``make_environment(templates)`` (one for every year of a site)."""
    year = result.data.year
    today = epoch.date() if epoch is not None else None
    env = env or make_environment(templates)
    files: dict[str, bytes] = {}
    links: list[DocLinks] = []
    failures: list[str] = []

    def keep(doc: Doc, member: str | None, made: dict[str, bytes]) -> None:
        entries = []
        for ext, content in made.items():
            name = file_name(doc, year, ext, member)
            files[name] = content
            entries.append(DocFile(FORMAT_LABELS[ext], name))
        links.append(DocLinks(doc, member, tuple(entries)))

    for doc in Doc:
        members: list[str | None] = list(result.data.member_ids) if doc.per_member else [None]
        for member in members:
            try:
                html = render_document(
                    result,
                    doc,
                    Format.HTML,
                    env=env,
                    next_tasks=next_tasks,
                    today=today,
                    fingerprint=fingerprint,
                    member=member,
                )
                made = {"html": html.encode("utf-8")}
                if member is None:
                    docx = render_docx(
                        result,
                        doc,
                        templates,
                        next_tasks=next_tasks,
                        today=today,
                        epoch=epoch,
                        fingerprint=fingerprint,
                        env=env,
                    )
                    made = {"docx": docx, **made}
            except RenderError as exc:
                failure = f"{doc.label}: {exc.message}"
                if failure not in failures:
                    failures.append(failure)
                break  # a document of every member fails for all alike
            if doc is Doc.SCORES:
                made["xlsx"] = render_scores_xlsx(result, epoch=epoch, fingerprint=fingerprint)
            keep(doc, member, made)
    return YearDocuments(files, tuple(links), tuple(failures))
