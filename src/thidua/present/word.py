"""Word documents: the conference documents as .docx.

Word documents (:func:`render_docx`)
------------------------------------
A .docx carries the same content as the HTML document of :mod:`thidua.present.render`: the HTML
is rendered from the same :class:`~thidua.compute.results.YearResult` through the same templates
(so a data repository's own ``templates/minutes.html`` changes the .docx too), and its
elements are laid out as Word paragraphs and tables with python-docx. The conversion
understands the vocabulary of the built-in templates (``templates/_base.html``): the
Decree 30 header table (``table.header``: ``issuer``, ``rule``, ``number``, ``nation``,
``motto``, ``place-date``), ``h1``-``h3``, ``subtitle``, paragraphs, ``ul.dash`` and ``ol``
lists, data tables (``table.data``, with ``thead``, ``rowspan``/``colspan``, blocks and
tables inside cells), signature blocks (``table.sign``: ``office``, ``hint``, ``space``,
``signer``, and ``recipients`` in a column of its own), ``recipients`` (Nơi nhận),
``note``, ``section.appendix`` (a new page) and ``section.landscape`` (landscape pages).
A few properties of an element's own ``style`` attribute are honoured, as the browser
would: font size and margins of paragraphs, ``text-indent: 0``, ``text-align``; a table's
font size and ``break-inside``; a cell's ``width``, ``height``, ``padding`` and dashed
``border``. Anything else becomes a plain paragraph of its text, so no content is lost.

Layout (Decree 30/2020/NĐ-CP), as the HTML prints in a browser:

- A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm. A
  ``section.landscape`` is a Word section of its own on landscape A4 (section breaks before
  and after, width and height swapped, the same margins as the page is read).
- Times New Roman in every script slot (``w:rFonts`` ascii, hAnsi, cs and eastAsia, theme
  fonts removed) of the document defaults and of every style, so that Vietnamese never
  falls back to another font; body 14 pt, tables and header 13 pt; language vi-VN.
- Page numbers centred in the top margin from page 2 on (a PAGE field in the header, the
  first page of the document without: ``w:titlePg``), numbered on through landscape parts.
- The header: the national name and motto on one line each in a right column of 90 mm (half
  the width on a landscape page), the issuing body in the rest, its parent body (the
  left column's lines without a class) in 12 pt; a dash inside a name there never starts a
  line.
- Data tables repeat their header rows on every page (``w:tblHeader``) and no row splits
  across pages (``w:cantSplit``); a table of at most :data:`SHORT_TABLE_ROWS` body rows is
  kept on one page (every row but the last keeps with the next) and the paragraph before a
  table or a signature block (a heading, "… như sau:") stays with it.

A user's own Word template: ``templates/<doc>.docx`` (``minutes.docx``, ``report.docx``,
``proposal.docx`` ...) in the data repository's templates folder replaces the built-in
layout when ``docxtpl`` is installed: it is rendered with the context of
:func:`thidua.present.render.build_context` (Jinja2 tags inside Word, e.g.
``{{ cluster.name }}``, ``{% for row in rows %}``).

The data's fingerprint (:mod:`thidua.present.fingerprint`), when given: the line "Mã dữ liệu:
…" in the page footer of every page (9 pt, right), the digest in the core property
``identifier`` and the record in ``keywords``; a user's Word template gets them too.

Reproducible bytes: see :mod:`thidua.present.ooxml`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua.present.ooxml import (
    _doc_date,
    freeze_zip,
    package_time,
)
from thidua.present.word_parts import (
    _BLOCK_TAGS,
    BODY_PT,
    BREAK,
    LANDSCAPE_TEXT_MM,
    TABLE_PT,
    TEXT_MM,
    HtmlElement,
    _box,
    _classes,
    _drop_empty_last_section,
    _format,
    _has_blocks,
    _inline,
    _length_mm,
    _length_pt,
    _margins_pt,
    _rule,
    _runs,
    _section_break,
    _section_is_empty,
    _segments,
    _set_fonts,
    _set_page,
    _spacer,
    _Style,
    _Writer,
)
from thidua.present.word_tables import (
    CELL_SIDE_MM,
    _cell_frame,
    _cell_margins,
    _cell_padding,
    _column_widths,
    _fixed_widths,
    _grid,
    _grid_borders,
    _min_row_height,
    _no_borders,
    _row_props,
    _vertical_alignment,
)
from thidua.read.load import display_path

if TYPE_CHECKING:
    import jinja2
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

    from thidua import models as m
    from thidua.compute.results import YearResult
    from thidua.present.documents import Doc
    from thidua.present.fingerprint import Fingerprint

FINGERPRINT_PT = 9
# The header's right column holds "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (12 pt bold, 88 mm)
# on one line; the issuing body's name gets the rest of the width (75 mm on A4 portrait),
# where a parent body of 30 letters fits on one line at 12 pt (Decree 30: 12-13 pt).
HEADER_RIGHT_MM = 90.0
HEADER_PAD_MM = 0.5
PARENT_PT = 12
# A data table of at most this many body rows is kept on one page.
SHORT_TABLE_ROWS = 10


def _blocks(w: _Writer, el: HtmlElement, container: Any) -> None:
    """Lay out the block children of ``el`` into ``container`` (the body or a cell)."""
    loose: list[tuple[str, _Style]] = []

    def flush() -> None:
        if any(t.strip() for t, _ in loose if t != BREAK):
            par = w.paragraph(container)
            _runs(par, loose, size=w.pt)
            _format(par, indent=True)
        loose.clear()

    if el.text:
        loose.append((el.text, _Style()))
    for child in el:
        if not isinstance(child.tag, str) or child.tag not in _BLOCK_TAGS | {"li"}:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    loose.append((BREAK, _Style()))
                else:
                    loose.extend(_segments(child, _Style().with_(child.tag, _classes(child))))
            if child.tail:
                loose.append((child.tail, _Style()))
            continue
        flush()
        _block(w, child, container)
        if child.tail:
            loose.append((child.tail, _Style()))
    flush()


def _block(w: _Writer, el: HtmlElement, container: Any) -> None:
    tag = el.tag
    cls = _classes(el)
    if tag == "table":
        if "header" in cls:
            _header_table(w, el, container)
        elif "sign" in cls:
            _sign_table(w, el, container)
        else:
            _data_table(w, el, container)
        return
    if tag == "section":
        if "landscape" in cls and container is w.document:
            _landscape(w, el)
            return
        if "appendix" in cls and not (container is w.document and _section_is_empty(w.document)):
            w.page_break = True  # a new section (after a landscape part) starts a page already
        _blocks(w, el, container)
        return
    if tag in ("ul", "ol"):
        _list(w, el, container, numbered=tag == "ol")
        return
    if "recipients" in cls:
        _recipients(w, el, container)
        return
    if tag in ("div", "blockquote", "article", "header", "footer", "main") and _has_blocks(el):
        _blocks(w, el, container)
        return
    _paragraph(w, el, container)


def _paragraph(w: _Writer, el: HtmlElement, container: Any) -> None:
    """A heading, subtitle, note, list item or paragraph; its own ``style`` attribute may
    set the font size, the margins (space before and after), ``text-indent: 0`` and
    ``text-align``."""
    tag = el.tag
    cls = _classes(el)
    style = _inline(el)
    size = _length_pt(style.get("font-size")) or w.pt
    heading = tag in ("h1", "h2", "h3", "h4")
    if heading:
        base = _Style(bold=True, italic=tag in ("h3", "h4"))
        size = _length_pt(style.get("font-size"))  # headings are 14 pt wherever they stand
    elif "subtitle" in cls:
        base = _Style(bold="plain" not in cls, italic="plain" in cls)
    else:
        base = _Style(italic="note" in cls)
    par = w.paragraph(container)
    prefix = "- " if tag == "li" else ""
    _runs(par, list(_segments(el, base)), size=12 if "note" in cls else size, prefix=prefix)
    if tag == "h1":
        fmt: dict[str, Any] = {"align": "center", "before": 12, "after": 0, "keep_next": True}
    elif heading:
        fmt = {"indent": True, "before": 6, "after": 3, "keep_next": True}
    elif "subtitle" in cls:
        fmt = {"align": "center", "after": 12, "keep_next": True}
    elif "note" in cls:
        fmt = {"after": 10}
    elif tag == "li":
        fmt = {"indent": True, "after": 3}
    elif "to" in cls:
        fmt = {"align": "center", "after": 10}
    else:
        fmt = {"indent": True}
    before, after = _margins_pt(style)
    if before is not None:
        fmt["before"] = before
    if after is not None:
        fmt["after"] = after
    if _length_mm(style.get("text-indent")) == 0:
        fmt["indent"] = False
    if style.get("text-align") in ("left", "center", "right", "justify"):
        fmt["align"] = style["text-align"]
    _format(par, **fmt)
    if "note" in cls:
        _box(par)


def _landscape(w: _Writer, el: HtmlElement) -> None:
    """``section.landscape``: its own landscape section, then portrait again."""
    _section_break(w.document, landscape=True)
    w.page_break = False  # the section starts a page anyway
    w.text_mm = LANDSCAPE_TEXT_MM
    _blocks(w, el, w.document)
    _section_break(w.document, landscape=False)
    w.page_break = False
    w.text_mm = TEXT_MM


def _list(w: _Writer, el: HtmlElement, container: Any, *, numbered: bool) -> None:
    items = [c for c in el if isinstance(c.tag, str) and c.tag == "li"]
    for number, li in enumerate(items, start=1):
        par = w.paragraph(container)
        prefix = f"{number}. " if numbered else "- "
        _runs(par, list(_segments(li, _Style())), prefix=prefix, size=w.pt)
        _format(par, indent=True, after=3)


def _recipients(w: _Writer, el: HtmlElement, container: Any, *, first_before: float = 14) -> None:
    first = True
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("ul", "ol"):
            for li in child:
                if isinstance(li.tag, str) and li.tag == "li":
                    par = w.paragraph(container)
                    _runs(par, list(_segments(li, _Style())), size=11, prefix="- ")
                    _format(par, align="left", after=0, keep_next=True)
            continue
        par = w.paragraph(container)
        _runs(par, list(_segments(child, _Style(bold=True, italic=True))), size=12)
        _format(par, align="left", before=first_before if first else 0, after=0, keep_next=True)
        first = False


def _header_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    """The Decree 30 header: issuing body left, national name and motto right; no borders."""
    from docx.shared import Pt

    cells = list(el.iter("td"))
    text_mm = w.text_mm
    right = max(HEADER_RIGHT_MM, text_mm / 2)  # halves on a landscape page
    widths = (
        [text_mm - right, right] if len(cells) == 2 else [text_mm / max(1, len(cells))] * len(cells)
    )
    _break_before_table(w, container)
    table = container.add_table(rows=1, cols=max(1, len(cells)))
    _no_borders(table)
    _fixed_widths(table, widths)
    _cell_margins(table, HEADER_PAD_MM)
    for column, (td, cell, width) in enumerate(
        zip(cells, table.rows[0].cells, widths, strict=False)
    ):
        for div in td:
            if not isinstance(div.tag, str):
                continue
            cls = _classes(div)
            par = w.paragraph(cell)
            if "rule" in cls:
                _rule(par, width * 0.3, width)
                continue
            style = _Style().with_(div.tag, cls)
            size = 12 if "nation" in cls else BODY_PT if "place-date" in cls else TABLE_PT
            if column == 0 and not cls:
                size = PARENT_PT  # the parent body, above the issuing body
            segments = list(_segments(div, style))
            _runs(par, _dash_on_line(segments) if column == 0 else segments, size=size)
            motto = "motto" in cls or any(
                isinstance(c.tag, str) and "motto" in _classes(c) for c in div
            )
            _format(par, align="center", after=0, before=8 if "place-date" in cls else 0)
            if motto:
                for run in par.runs:
                    run.bold = True
                # Decree 30: a full line under the motto, as long as the motto.
                _rule(w.paragraph(cell), 58, width)
        w.take(cell)  # an empty column keeps its one paragraph
    spacer = w.paragraph(container)
    spacer.paragraph_format.space_after = Pt(6)


def _dash_on_line(segments: Iterable[tuple[str, _Style]]) -> list[tuple[str, _Style]]:
    """No line of a name starts with its dash: "KINH TẾ - THỐNG KÊ" breaks after the dash."""
    return [(text.replace(" - ", "\u00a0- "), style) for text, style in segments]


def _sign_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    """Signature columns (THƯ KÝ / CHỦ TỌA, TRƯỞNG KHỐI …) without borders, kept together
    and with the paragraph before them; "Nơi nhận" may stand in a column of its own."""
    from docx.shared import Pt

    cells = list(el.iter("td"))
    n = max(1, len(cells))
    previous = _last_paragraph(container)
    if previous is not None:
        previous.paragraph_format.keep_with_next = True
    spacer = w.paragraph(container)
    spacer.paragraph_format.space_before = Pt(14)
    spacer.paragraph_format.keep_with_next = True
    table = container.add_table(rows=1, cols=n)
    _no_borders(table)
    _fixed_widths(table, [w.text_mm / n] * n)
    _row_props(table, 0)
    for td, cell in zip(cells, table.rows[0].cells, strict=False):
        for div in td:
            if not isinstance(div.tag, str):
                continue
            cls = _classes(div)
            if "recipients" in cls:
                _recipients(w, div, cell, first_before=0)
                continue
            if "space" in cls:
                for _ in range(3):
                    blank = w.paragraph(cell)
                    _format(blank, align="center", after=0)
                continue
            par = w.paragraph(cell)
            style = _Style().with_(div.tag, cls)
            _runs(par, list(_segments(div, style)), size=TABLE_PT if "hint" in cls else None)
            _format(par, align="center", after=0, keep_next=True)
        w.take(cell)


def _data_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    """A bordered table; its ``style`` may set ``font-size`` and ``break-inside`` (``avoid``:
    kept on one page, ``auto``: may break; else kept when it has at most
    :data:`SHORT_TABLE_ROWS` body rows), a cell's ``width``, ``font-size``, ``height``,
    ``text-align`` and a dashed ``border``. A cell may hold blocks, a table among them."""
    from docx.oxml.ns import qn
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    style = _inline(el)
    pt = _length_pt(style.get("font-size")) or TABLE_PT
    caption = el.find("caption")
    if caption is not None:
        par = w.paragraph(container)
        _runs(par, list(_segments(caption, _Style(italic=True))), size=pt)
        _format(par, align="left", after=2, keep_next=True)
    slots, nrows, ncols, header_rows = _grid(el)
    if nrows == 0 or ncols == 0:
        return
    _break_before_table(w, container)
    table = container.add_table(rows=nrows, cols=ncols)
    _keep_previous_with(table)
    _grid_borders(table)
    _cell_margins(table, CELL_SIDE_MM)
    widths = _column_widths(slots, ncols, w.text_mm, pt)
    _fixed_widths(table, widths)
    _row_props(table, header_rows)
    # The grid's cells, taken once before any merge: python-docx's table.cell() rebuilds the
    # whole grid on each call, which made a table's conversion quadratic in its cells.
    grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for slot in slots:
        cell = grid[slot.row][slot.col]
        if slot.rows > 1 or slot.cols > 1:
            cell = cell.merge(grid[slot.row + slot.rows - 1][slot.col + slot.cols - 1])
        head = slot.header or slot.el.tag == "th"
        cls = _classes(slot.el) | _classes(slot.el.getparent())
        own = _inline(slot.el)
        size = _length_pt(own.get("font-size")) or pt
        if _has_blocks(slot.el):
            width = sum(widths[slot.col : slot.col + slot.cols]) - 2 * CELL_SIDE_MM
            outer = (w.text_mm, w.pt)
            w.text_mm, w.pt = width, size
            _blocks(w, slot.el, cell)
            w.text_mm, w.pt = outer
            w.take(cell)
        else:
            style_ = _Style(bold=head or "total" in cls)
            _runs(w.paragraph(cell), list(_segments(slot.el, style_)), size=size)
            align = "center" if head or "c" in cls else "right" if "n" in cls else "left"
            if own.get("text-align") in ("left", "center", "right", "justify"):
                align = own["text-align"]
            for p in cell.paragraphs:
                _format(p, align=align, after=0)
        _vertical_alignment(cell, "center" if head else "top")
        if "dashed" in own.get("border", "").split():
            _cell_frame(cell, "dashed")
        if "padding" in own:
            _cell_padding(cell, own["padding"])
        height = _length_pt(own.get("height"))
        if height:
            _min_row_height(table, slot.row, height)
    keep = style.get("break-inside")
    if keep == "avoid" or (keep != "auto" and nrows - header_rows <= SHORT_TABLE_ROWS):
        _keep_rows_together(table)
    # Word needs a paragraph after a table; it is the table's bottom margin (10 pt).
    # (python-docx adds one after a table in a cell: that one).
    _, margin = _margins_pt(style)
    follows = table._tbl.getnext()
    if follows is not None and follows.tag == qn("w:p"):
        spacer = Paragraph(follows, container)
    else:
        spacer = w.paragraph(container)
    _spacer(spacer, 10 if margin is None else margin)


def _break_before_table(w: _Writer, container: Any) -> None:
    """A pending page break (a new appendix) before a table: a table cannot carry one, so a
    paragraph one point high does."""
    if w.page_break:
        _spacer(w.paragraph(container), 1)


def _last_paragraph(container: Any) -> Paragraph | None:
    """The last block of ``container`` if it is a paragraph (not a table)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    element = getattr(container, "_body", container)._element  # the document's w:body
    blocks = [c for c in element if c.tag in (qn("w:p"), qn("w:tbl"))]
    if blocks and blocks[-1].tag == qn("w:p"):
        return Paragraph(blocks[-1], container)
    return None


def _keep_previous_with(table: Any) -> None:
    """The paragraph just before ``table`` (a heading, "Kết quả như sau:") stays with it."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    previous = table._tbl.getprevious()
    if previous is not None and previous.tag == qn("w:p"):
        Paragraph(previous, table._parent).paragraph_format.keep_with_next = True


def _keep_rows_together(table: Any) -> None:
    """Every row but the last keeps with the next (Word's way to keep a table on one page)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = True


def html_to_docx(
    html: str, *, title: str, when: dt.datetime, fingerprint: Fingerprint | None = None
) -> bytes:
    """A Word document laid out from one of thidua's HTML documents (module docstring)."""
    import importlib

    import docx

    lxml_html: Any = importlib.import_module("lxml.html")
    root = lxml_html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        body = root
    document = docx.Document()
    _set_fonts(document)
    _set_page(document)
    # The default template starts with no paragraph; the writer adds all of them.
    writer = _Writer(document)
    _blocks(writer, body, document)
    _drop_empty_last_section(document)
    props = document.core_properties
    props.title = title
    props.author = "thidua"
    props.last_modified_by = "thidua"
    props.language = "vi-VN"
    props.revision = 1
    props.created = when
    props.modified = when
    if fingerprint is not None:
        stamp_fingerprint(document, fingerprint)
    stream = io.BytesIO()
    document.save(stream)
    return freeze_zip(stream.getvalue(), when)


def stamp_fingerprint(document: DocxDocument, fp: Fingerprint) -> None:
    """The fingerprint in the core properties and in every page footer of ``document``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    props = document.core_properties
    props.identifier = fp.digest
    props.keywords = fp.record()
    odd_even = bool(document.settings.odd_and_even_pages_header_footer)
    for index, section in enumerate(document.sections):
        footers = [section.footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        if odd_even:
            footers.append(section.even_page_footer)
        for footer in footers:
            if index and footer.is_linked_to_previous:
                continue  # shows the footer of the section before, stamped already
            pars = footer.paragraphs
            empty = len(pars) == 1 and not pars[0].text and not pars[0].runs
            par = pars[0] if empty else footer.add_paragraph()
            par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = par.add_run(fp.line)
            run.font.size = Pt(FINGERPRINT_PT)


def render_docx(
    result: YearResult,
    doc: Doc,
    templates_dir: Path | None = None,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
    epoch: dt.datetime | None = None,
    fingerprint: Fingerprint | None = None,
    member: str | None = None,
    env: jinja2.Environment | None = None,
) -> bytes:
    """``doc`` (minutes, report, proposal …) of ``result`` as .docx bytes.

    ``fingerprint`` (the data's, from the CLI) goes into the footer and the properties.
    ``member`` (a member id): the appraisal notice of that member only, as
    :func:`thidua.present.render.render_document` makes it.

    ``epoch`` (the CLI's ``SOURCE_DATE_EPOCH``) stamps the package and its properties, else
    the document's date does (:func:`thidua.present.ooxml.package_time`).

    ``templates_dir`` is the data repository's own templates folder
    (:func:`thidua.present.render.user_templates_dir`): its ``<doc>.docx`` is used as a docxtpl
    template when present, else its ``<doc>.html`` (or the built-in one) is laid out, with
    ``env`` when given (``make_environment(templates_dir)``, shared by several documents).
    Raises :class:`thidua.present.render.RenderError` when the document cannot be made.
    """
    from thidua.present import render as r

    when = package_time(_doc_date(result, today), epoch)
    title = f"{doc.label[:1].upper()}{doc.label[1:]} năm {result.data.year}"
    user_docx = templates_dir / f"{doc.value}.docx" if templates_dir is not None else None
    if user_docx is not None and user_docx.is_file():
        return _render_user_docx(
            result,
            doc,
            user_docx,
            when,
            next_tasks=next_tasks,
            today=today,
            fingerprint=fingerprint,
            member=member,
        )
    # The HTML without the fingerprint: the Word document carries it in its own places.
    html = r.render_document(
        result,
        doc,
        r.Format.HTML,
        env=env or r.make_environment(templates_dir),
        next_tasks=next_tasks,
        today=today,
        member=member,
    )
    return html_to_docx(html, title=title, when=when, fingerprint=fingerprint)


def _render_user_docx(
    result: YearResult,
    doc: Doc,
    path: Path,
    when: dt.datetime,
    *,
    next_tasks: m.TasksFile | None,
    today: dt.date | None,
    fingerprint: Fingerprint | None,
    member: str | None,
) -> bytes:
    """A user's Word template (docxtpl: Jinja2 inside Word) with the context the HTML
    template of ``doc`` gets (the conference kit's too, ``member``'s notice only if given)."""
    import importlib

    from thidua.present import render as r

    try:
        docxtpl: Any = importlib.import_module("docxtpl")
    except ImportError:
        raise r.RenderError(
            f"có mẫu Word {display_path(path)} nhưng chưa cài gói docxtpl để dùng mẫu này; "
            "hãy cài (pip install docxtpl) hoặc bỏ tệp mẫu để dùng mẫu có sẵn"
        ) from None
    import jinja2

    context = r.document_context(
        result,
        doc,
        r.Format.HTML,
        next_tasks=next_tasks,
        today=today,
        fingerprint=fingerprint,
        member=member,
    )
    env = r.make_environment(None)
    try:
        template = docxtpl.DocxTemplate(str(path))
        # The same budget of loop work, output, time and memory as the text templates.
        with r.render_limits():
            template.render(context, jinja_env=env, autoescape=True)
    except (jinja2.TemplateError, RecursionError, MemoryError) as exc:
        raise r.RenderError(f"mẫu Word {display_path(path)} có lỗi: {r.explain(exc)}") from None
    except Exception as exc:  # a damaged .docx: zip, XML errors
        raise r.RenderError(
            f"không đọc được mẫu Word {display_path(path)} ({type(exc).__name__}: {exc})"
        ) from None
    props = template.docx.core_properties
    props.created = when
    props.modified = when
    props.last_modified_by = "thidua"
    if fingerprint is not None:
        stamp_fingerprint(template.docx, fingerprint)
    stream = io.BytesIO()
    template.save(stream)
    return freeze_zip(stream.getvalue(), when)
