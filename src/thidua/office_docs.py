"""Office documents: the conference documents as .docx, the score summary as .xlsx.

Word documents (:func:`render_docx`)
------------------------------------
A .docx carries the same content as the HTML document of :mod:`thidua.render`: the HTML
is rendered from the same :class:`~thidua.ranking.YearResult` through the same templates
(so a data repository's own ``templates/minutes.html`` changes the .docx too), and its
elements are laid out as Word paragraphs and tables with python-docx. The conversion
understands the vocabulary of the built-in templates (``templates/_base.html``): the
Decree 30 header table (``table.header``: ``issuer``, ``rule``, ``number``, ``nation``,
``motto``, ``place-date``), ``h1``-``h3``, ``subtitle``, paragraphs, ``ul.dash`` and ``ol``
lists, data tables (``table.data``, with ``thead``, ``rowspan``/``colspan``), signature
blocks (``table.sign``: ``office``, ``hint``, ``space``, ``signer``), ``recipients`` (Nơi
nhận), ``note`` and ``section.appendix`` (a new page). Anything else becomes a plain
paragraph of its text, so no content is lost.

Layout (Decree 30/2020/NĐ-CP): A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman in every script slot (``w:rFonts`` ascii, hAnsi, cs and
eastAsia, theme fonts removed) of the document defaults and of every style, so that
Vietnamese never falls back to another font; body 14 pt, tables and header 13 pt;
language vi-VN; page numbers centred at the top from page 2. Data tables repeat their
header rows on every page (``w:tblHeader``) and no row splits across pages
(``w:cantSplit``).

A user's own Word template: ``templates/<doc>.docx`` (``minutes.docx``, ``report.docx``,
``proposal.docx`` ...) in the data repository's templates folder replaces the built-in
layout when ``docxtpl`` is installed: it is rendered with the context of
:func:`thidua.render.build_context` (Jinja2 tags inside Word, e.g.
``{{ cluster.name }}``, ``{% for row in rows %}``).

Excel score summary (:func:`render_scores_xlsx`)
------------------------------------------------
Sheets ``Tổng hợp`` (totals and rank, in rank order), ``Theo nhóm`` (group subtotals,
self and final, in member order), ``Chi tiết`` (one row per member and criterion) and
``Ghi chú`` (notes, e.g. that figures are illustrative). Every number is written as a
value, never a formula, so every reader sees the same numbers; every text is written as
text (:func:`thidua.xlsxform.put`), so a name starting with ``=`` is never run. Points
carry the number format ``#,##0.00``: the format string is locale-neutral and
Excel/LibreOffice show it with the reader's separators, i.e. ``1.234,50`` on a
Vietnamese system. Shares use ``0.0%``, ranks and votes ``0``. The header row of each
table sheet is frozen and filtered.

Reproducible bytes: documents are stamped with ``SOURCE_DATE_EPOCH`` when set, else the
conference date (:func:`package_time`), and :func:`freeze_zip` fixes the zip entries'
dates and attributes, so the same input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    from thidua import models as m
    from thidua.ranking import YearResult
    from thidua.render import Doc

__all__ = [
    "DOCX_FONT",
    "freeze_zip",
    "html_to_docx",
    "package_time",
    "render_docx",
    "render_scores_xlsx",
    "row_height",
    "scores_workbook",
]

# lxml ships no type information; its elements are handled as Any.
HtmlElement = Any

DOCX_FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm
INDENT_MM = 10

_CORE = "docProps/core.xml"
_STAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_ZIP_EPOCH = dt.datetime(1980, 1, 1)


# --- reproducible packages ---------------------------------------------------------------------


def package_time(fallback: dt.date | None, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The time stamped into a document: ``SOURCE_DATE_EPOCH`` (UTC) if set, else ``fallback``.

    ``fallback`` (e.g. the conference date) is taken at midnight; without one, 1 January
    1980, the earliest date a zip file can hold. Never the clock, so output is reproducible.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isdigit():
        when = dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).replace(tzinfo=None)
    elif fallback is not None:
        when = dt.datetime(fallback.year, fallback.month, fallback.day)
    else:
        when = _ZIP_EPOCH
    return max(when, _ZIP_EPOCH)


def freeze_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an OOXML package so that its bytes depend on its content only.

    Every member gets the time stamp ``when`` and fixed attributes, in the original
    order, and the created/modified dates of ``docProps/core.xml`` are set to ``when``
    (libraries stamp the clock there when saving).
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == _CORE:
                content = _STAMP.sub(lambda mt: mt.group(1) + stamp + mt.group(3), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, content, compresslevel=6)
    return out.getvalue()


# --- Word: document set-up ---------------------------------------------------------------------


def _set_fonts(document: DocxDocument) -> None:
    """Times New Roman in every script slot of the defaults and of every style; vi-VN."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    if rpr.find(qn("w:rFonts")) is None:
        rpr.insert(0, OxmlElement("w:rFonts"))
    for lang in rpr.findall(qn("w:lang")):
        rpr.remove(lang)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT  # creates the style's own w:rFonts
    from docx.shared import Pt

    normal.font.size = Pt(BODY_PT)
    for rfonts in styles.iter(qn("w:rFonts")):
        # Theme attributes win over explicit ones: drop them, then set all four slots.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme", "w:hint"):
            if rfonts.get(qn(attr)) is not None:
                del rfonts.attrib[qn(attr)]
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(slot), DOCX_FONT)
    pformat = normal.paragraph_format
    pformat.space_after = Pt(0)
    pformat.space_before = Pt(0)
    pformat.line_spacing = 1.15


def _set_page(document: DocxDocument) -> None:
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width = Mm(PAGE_MM[0])
    section.page_height = Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Decree 30: page numbers centred in the top margin, from the second page on.
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(par, "PAGE", "2")


def _field(par: Paragraph, instr: str, shown: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    fld.append(run)
    par._p.append(fld)


# --- Word: HTML to paragraphs ------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    underline: bool = False

    def with_(self, tag: str, classes: set[str]) -> _Style:
        bold = (
            self.bold
            or tag in ("strong", "b", "th")
            or bool(classes & {"issuer", "nation", "motto", "office", "signer", "label"})
        )
        italic = self.italic or tag in ("em", "i") or bool(classes & {"hint", "place-date"})
        underline = self.underline or tag == "u"
        return _Style(bold, italic, underline)


BREAK = "\n"  # a <br> in the segment stream
_SPACE = re.compile(r"[ \t\r\n\f]+")
_BLOCK_TAGS = {
    "p", "div", "section", "table", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote",
    "article", "header", "footer", "main",
}  # fmt: skip


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _segments(el: HtmlElement, style: _Style) -> Iterator[tuple[str, _Style]]:
    """Text pieces of ``el`` with their style, ``BREAK`` for ``<br>``; whitespace raw."""
    if el.text:
        yield el.text, style
    for child in el:
        if not isinstance(child.tag, str):  # comment, processing instruction
            if child.tail:
                yield child.tail, style
            continue
        if child.tag == "br":
            yield BREAK, style
        elif child.tag not in ("script", "style"):
            yield from _segments(child, style.with_(child.tag, _classes(child)))
        if child.tail:
            yield child.tail, style


def _collapse(segments: Sequence[tuple[str, _Style]]) -> list[tuple[str, _Style]]:
    """HTML whitespace rules: runs of blanks become one space, none at line starts or ends."""
    out: list[tuple[str, _Style]] = []
    at_line_start = True
    pending_space: _Style | None = None
    for text, style in segments:
        if text == BREAK:
            pending_space = None
            out.append((BREAK, style))
            at_line_start = True
            continue
        collapsed = _SPACE.sub(" ", text)
        if not collapsed:
            continue
        if collapsed.startswith(" "):
            if not at_line_start:
                pending_space = pending_space or style
            collapsed = collapsed[1:]
        if not collapsed:
            continue
        if pending_space is not None:
            out.append((" ", pending_space))
            pending_space = None
        if collapsed.endswith(" "):
            pending_space = style
            collapsed = collapsed[:-1]
        out.append((collapsed, style))
        at_line_start = False
    return out


@dataclass
class _Writer:
    """Adds paragraphs and tables to a body or a cell; remembers a pending page break."""

    document: DocxDocument
    page_break: bool = False
    # The w:tc elements whose initial empty paragraph is taken. The elements themselves
    # are kept (not their id()): lxml hands out the same proxy only while one is alive.
    used_cells: set[Any] = field(default_factory=set)

    def taken(self, cell: _Cell) -> bool:
        return cell._tc in self.used_cells

    def take(self, cell: _Cell) -> None:
        self.used_cells.add(cell._tc)

    def paragraph(self, container: Any) -> Paragraph:
        from docx.table import _Cell

        if isinstance(container, _Cell) and not self.taken(container):
            self.take(container)
            par: Paragraph = container.paragraphs[0]
        else:
            par = container.add_paragraph()
        if self.page_break:
            par.paragraph_format.page_break_before = True
            self.page_break = False
        return par


def _runs(
    par: Paragraph,
    segments: Sequence[tuple[str, _Style]],
    *,
    size: float | None = None,
    base: _Style = _Style(),
    prefix: str = "",
) -> None:
    from docx.shared import Pt

    pieces = _collapse(segments)
    if prefix:
        pieces = [(prefix, base), *pieces]
    for text, style in pieces:
        run = par.add_run()
        if text == BREAK:
            run.add_break()
        else:
            run.text = text
        if style.bold or base.bold:
            run.bold = True
        if style.italic or base.italic:
            run.italic = True
        if style.underline or base.underline:
            run.underline = True
        if size is not None:
            run.font.size = Pt(size)


def _format(
    par: Paragraph,
    *,
    align: str = "justify",
    indent: bool = False,
    before: float = 0,
    after: float = 6,
    keep_next: bool = False,
    left_mm: float = 0,
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    pf = par.paragraph_format
    pf.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    if indent:
        pf.first_line_indent = Mm(INDENT_MM)
    if left_mm:
        pf.left_indent = Mm(left_mm)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if keep_next:
        pf.keep_with_next = True


def _has_blocks(el: HtmlElement) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el)


def _blocks(w: _Writer, el: HtmlElement, container: Any) -> None:
    """Lay out the block children of ``el`` into ``container`` (the body or a cell)."""
    loose: list[tuple[str, _Style]] = []

    def flush() -> None:
        if any(t.strip() for t, _ in loose if t != BREAK):
            par = w.paragraph(container)
            _runs(par, loose)
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
        if "appendix" in cls:
            w.page_break = True
        _blocks(w, el, container)
        return
    if tag in ("h1", "h2", "h3", "h4"):
        par = w.paragraph(container)
        _runs(par, list(_segments(el, _Style(bold=True, italic=tag in ("h3", "h4")))))
        if tag == "h1":
            _format(par, align="center", before=12, after=0, keep_next=True)
        else:
            _format(par, indent=True, before=6, after=3, keep_next=True)
        return
    if tag in ("ul", "ol"):
        _list(w, el, container, numbered=tag == "ol")
        return
    if tag == "li":
        par = w.paragraph(container)
        _runs(par, list(_segments(el, _Style())), prefix="- ")
        _format(par, indent=True, after=3)
        return
    if "recipients" in cls:
        _recipients(w, el, container)
        return
    if "subtitle" in cls:
        par = w.paragraph(container)
        plain = "plain" in cls
        _runs(par, list(_segments(el, _Style(bold=not plain, italic=plain))))
        _format(par, align="center", after=12, keep_next=True)
        return
    if "note" in cls:
        par = w.paragraph(container)
        _runs(par, list(_segments(el, _Style(italic=True))), size=12)
        _format(par, after=10)
        _box(par)
        return
    if tag in ("div", "blockquote", "article", "header", "footer", "main") and _has_blocks(el):
        _blocks(w, el, container)
        return
    par = w.paragraph(container)
    _runs(par, list(_segments(el, _Style())))
    if "to" in cls:
        _format(par, align="center", after=10)
    else:
        _format(par, indent=True)


def _list(w: _Writer, el: HtmlElement, container: Any, *, numbered: bool) -> None:
    items = [c for c in el if isinstance(c.tag, str) and c.tag == "li"]
    for number, li in enumerate(items, start=1):
        par = w.paragraph(container)
        prefix = f"{number}. " if numbered else "- "
        _runs(par, list(_segments(li, _Style())), prefix=prefix)
        _format(par, indent=True, after=3)


def _recipients(w: _Writer, el: HtmlElement, container: Any) -> None:
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
        _format(par, align="left", before=14 if first else 0, after=0, keep_next=True)
        first = False


def _box(par: Paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "dashed")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "4")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    _insert_ppr_child(ppr, borders)


# Order of w:pPr children that matter here (ECMA-376 CT_PPrBase sequence).
_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
    "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _insert_ppr_child(ppr: Any, child: Any) -> None:
    """Insert ``child`` into ``w:pPr`` at its schema position (Word is strict about it)."""
    name = child.tag.rsplit("}", 1)[1]
    rank = _PPR_ORDER.index(name)
    for i, existing in enumerate(ppr):
        tag = existing.tag.rsplit("}", 1)[1]
        if tag in _PPR_ORDER and _PPR_ORDER.index(tag) > rank:
            ppr.insert(i, child)
            return
    ppr.append(child)


def _rule(par: Paragraph, width_mm: float, cell_mm: float) -> None:
    """A short centred line (under the issuing body's name) as a paragraph border."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    side = max(0.0, (cell_mm - width_mm) / 2)
    pf = par.paragraph_format
    pf.left_indent = Mm(side)
    pf.right_indent = Mm(side)
    pf.space_after = Pt(4)
    pf.line_spacing = Pt(2)
    ppr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "6")
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    _insert_ppr_child(ppr, borders)


def _no_borders(table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    _replace_child(tblpr, borders)


def _grid_borders(table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    _replace_child(tblpr, borders)


# Order of w:tblPr children (ECMA-376 CT_TblPrBase sequence).
_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
]  # fmt: skip


def _replace_child(tblpr: Any, child: Any) -> None:
    name = child.tag.rsplit("}", 1)[1]
    for existing in list(tblpr):
        if existing.tag == child.tag:
            tblpr.remove(existing)
    rank = _TBLPR_ORDER.index(name)
    for i, existing in enumerate(tblpr):
        tag = existing.tag.rsplit("}", 1)[1]
        if tag in _TBLPR_ORDER and _TBLPR_ORDER.index(tag) > rank:
            tblpr.insert(i, child)
            return
    tblpr.append(child)


def _fixed_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Column widths for Word (tcW) and LibreOffice (tblGrid), fixed layout, full width."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    tbl = table._tbl
    tblw = OxmlElement("w:tblW")
    tblw.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    tblw.set(qn("w:type"), "dxa")
    _replace_child(tbl.tblPr, tblw)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _replace_child(tbl.tblPr, layout)
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            if i < len(widths_mm):
                cell.width = Mm(widths_mm[i])


def _row_props(table: Table, header_rows: int) -> None:
    """Header rows repeat on each page; no row splits across a page break."""
    from docx.oxml import OxmlElement

    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            trpr.append(OxmlElement("w:tblHeader"))


def _header_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    """The Decree 30 header: issuing body left, national name and motto right; no borders."""
    from docx.shared import Pt

    cells = list(el.iter("td"))
    widths = (
        [TEXT_MM * 0.4, TEXT_MM * 0.6]
        if len(cells) == 2
        else [TEXT_MM / max(1, len(cells))] * len(cells)
    )
    table = container.add_table(rows=1, cols=max(1, len(cells)))
    _no_borders(table)
    _fixed_widths(table, widths)
    for td, cell, width in zip(cells, table.rows[0].cells, widths, strict=False):
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
            _runs(par, list(_segments(div, style)), size=size)
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


def _sign_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    """Signature columns (THƯ KÝ / CHỦ TỌA, TRƯỞNG KHỐI …) without borders, kept together."""
    from docx.shared import Pt

    cells = list(el.iter("td"))
    n = max(1, len(cells))
    spacer = w.paragraph(container)
    spacer.paragraph_format.space_before = Pt(14)
    spacer.paragraph_format.keep_with_next = True
    table = container.add_table(rows=1, cols=n)
    _no_borders(table)
    _fixed_widths(table, [TEXT_MM / n] * n)
    _row_props(table, 0)
    for td, cell in zip(cells, table.rows[0].cells, strict=False):
        for div in td:
            if not isinstance(div.tag, str):
                continue
            cls = _classes(div)
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


@dataclass
class _Slot:
    el: HtmlElement
    row: int
    col: int
    rows: int
    cols: int
    header: bool


def _grid(el: HtmlElement) -> tuple[list[_Slot], int, int, int]:
    """Cells of an HTML table on a grid (rowspan, colspan): slots, rows, columns, header rows."""
    rows: list[tuple[HtmlElement, bool]] = []
    for part in el:
        if not isinstance(part.tag, str):
            continue
        if part.tag == "tr":
            rows.append((part, False))
        elif part.tag in ("thead", "tbody", "tfoot"):
            rows.extend((tr, part.tag == "thead") for tr in part if tr.tag == "tr")
    taken: set[tuple[int, int]] = set()
    slots: list[_Slot] = []
    ncols = 0
    for r, (tr, in_head) in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs = max(1, int(td.get("rowspan", "1") or 1))
            cs = max(1, int(td.get("colspan", "1") or 1))
            rs = min(rs, len(rows) - r)
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            slots.append(_Slot(td, r, c, rs, cs, in_head))
            c += cs
            ncols = max(ncols, c)
    header_rows = sum(1 for _, head in rows if head)
    return slots, len(rows), ncols, header_rows


def _column_widths(slots: Sequence[_Slot], ncols: int) -> list[float]:
    """Widths in mm that add up to the text width.

    Each column needs at least its longest word (about 2.8 mm a character at 13 pt, plus
    padding of 5 mm) and would like its longest text on one line (a header on up to three);
    columns give up their wish in proportion to what they can spare.
    """
    minimum = [8.0] * ncols
    desired = [8.0] * ncols
    for slot in slots:
        if slot.cols != 1:
            continue
        text = "".join(t for t, _ in _segments(slot.el, _Style()))  # <br> as a line break
        lines = [" ".join(line.split()) for line in text.split(BREAK)]
        longest = max((len(word) for line in lines for word in line.split()), default=1)
        head = slot.header or slot.el.tag == "th"
        low = longest * 2.8 + 5
        wish = max(len(line) for line in lines) * 2.4 / (2.6 if head else 1.0) + 5
        minimum[slot.col] = max(minimum[slot.col], low)
        desired[slot.col] = max(desired[slot.col], min(wish, 90.0), low)
    total = float(TEXT_MM)
    if sum(minimum) >= total:
        return [total * x / sum(minimum) for x in minimum]
    if sum(desired) <= total:
        return [total * x / sum(desired) for x in desired]
    need = sum(desired) - total
    slack = [d - m for d, m in zip(desired, minimum, strict=True)]
    spare = sum(slack)
    return [d - need * s / spare for d, s in zip(desired, slack, strict=True)]


def _data_table(w: _Writer, el: HtmlElement, container: Any) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    caption = el.find("caption")
    if caption is not None:
        par = w.paragraph(container)
        _runs(par, list(_segments(caption, _Style(italic=True))), size=TABLE_PT)
        _format(par, align="left", after=2, keep_next=True)
    slots, nrows, ncols, header_rows = _grid(el)
    if nrows == 0 or ncols == 0:
        return
    pending_break = w.page_break
    if pending_break:  # a table cannot carry a page break: give it a paragraph
        w.paragraph(container)
    table = container.add_table(rows=nrows, cols=ncols)
    _grid_borders(table)
    _fixed_widths(table, _column_widths(slots, ncols))
    _row_props(table, header_rows)
    for slot in slots:
        cell = table.cell(slot.row, slot.col)
        if slot.rows > 1 or slot.cols > 1:
            cell = cell.merge(table.cell(slot.row + slot.rows - 1, slot.col + slot.cols - 1))
        head = slot.header or slot.el.tag == "th"
        cls = _classes(slot.el) | _classes(slot.el.getparent())
        style = _Style(bold=head or "total" in cls)
        if _has_blocks(slot.el):
            _blocks(w, slot.el, cell)
        else:
            _runs(w.paragraph(cell), list(_segments(slot.el, style)), size=TABLE_PT)
        align = "center" if head or "c" in cls else "right" if "n" in cls else "left"
        for p in cell.paragraphs:
            _format(p, align=align, after=0)
        cell.vertical_alignment = (
            WD_CELL_VERTICAL_ALIGNMENT.CENTER if head else WD_CELL_VERTICAL_ALIGNMENT.TOP
        )
    after = w.paragraph(container)
    _format(after, after=4)


def html_to_docx(html: str, *, title: str, when: dt.datetime) -> bytes:
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
    props = document.core_properties
    props.title = title
    props.author = "thidua"
    props.last_modified_by = "thidua"
    props.language = "vi-VN"
    props.revision = 1
    props.created = when
    props.modified = when
    stream = io.BytesIO()
    document.save(stream)
    return freeze_zip(stream.getvalue(), when)


def _doc_date(result: YearResult, today: dt.date | None) -> dt.date | None:
    conference = result.data.conference
    return conference.date if conference is not None else today


def render_docx(
    result: YearResult,
    doc: Doc,
    templates_dir: Path | None = None,
    *,
    next_tasks: m.TasksFile | None = None,
    today: dt.date | None = None,
) -> bytes:
    """``doc`` (minutes, report, proposal …) of ``result`` as .docx bytes.

    ``templates_dir`` is the data repository's own templates folder
    (:func:`thidua.render.user_templates_dir`): its ``<doc>.docx`` is used as a docxtpl
    template when present, else its ``<doc>.html`` (or the built-in one) is laid out.
    Raises :class:`thidua.render.RenderError` when the document cannot be made.
    """
    from thidua import render as r

    when = package_time(_doc_date(result, today))
    title = f"{doc.label[:1].upper()}{doc.label[1:]} năm {result.data.year}"
    user_docx = templates_dir / f"{doc.value}.docx" if templates_dir is not None else None
    if user_docx is not None and user_docx.is_file():
        return _render_user_docx(result, doc, user_docx, when, next_tasks=next_tasks, today=today)
    env = r.make_environment(templates_dir)
    html = r.render_document(
        result, doc, r.Format.HTML, env=env, next_tasks=next_tasks, today=today
    )
    return html_to_docx(html, title=title, when=when)


def _render_user_docx(
    result: YearResult,
    doc: Doc,
    path: Path,
    when: dt.datetime,
    *,
    next_tasks: m.TasksFile | None,
    today: dt.date | None,
) -> bytes:
    """A user's Word template (docxtpl: Jinja2 inside Word) with the documents' context."""
    import importlib

    from thidua import render as r
    from thidua.loader import display_path

    try:
        docxtpl: Any = importlib.import_module("docxtpl")
    except ImportError:
        raise r.RenderError(
            f"có mẫu Word {display_path(path)} nhưng chưa cài gói docxtpl để dùng mẫu này; "
            "hãy cài (pip install docxtpl) hoặc bỏ tệp mẫu để dùng mẫu có sẵn"
        ) from None
    import jinja2

    context = r.build_context(result, doc, r.Format.HTML, next_tasks=next_tasks, today=today)
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
    stream = io.BytesIO()
    template.save(stream)
    return freeze_zip(stream.getvalue(), when)


# --- Excel: the score summary ------------------------------------------------------------------

POINTS_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
WHOLE_FORMAT = "0"


def _cell_number(value: Decimal | Fraction | int | None) -> Decimal | int | None:
    """A value as Excel stores it: exact decimals as Decimal (a repeating one was already
    rounded to 10 places by scoring), Fractions rounded half up to 10 places."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        from thidua.scoring import to_decimal

        value = to_decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format(value.normalize(), "f"))


def _score_value(value: object) -> object:
    """A self-score or appraised value as a cell shows it: 9.5, "đạt", "105/100"."""
    from thidua import models as m

    if value is None:
        return None
    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        return f"{_plain(value.actual)}/{_plain(value.target)}"
    if isinstance(value, Decimal):
        return _cell_number(value)
    return str(value)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def row_height(cells: Sequence[tuple[object, float]]) -> float:
    """Points of height for a row of wrapped text cells given as (value, column width).

    About 1.1 characters per unit of Excel column width, 16 points per line at 12 pt.
    """
    import math

    lines = 1
    for value, width in cells:
        if not isinstance(value, str):
            continue
        per_line = max(1, int(width / 1.1))
        needed = sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))
        lines = max(lines, needed)
    return 16.0 * lines


def scores_workbook(result: YearResult) -> Any:
    """The score summary as an openpyxl workbook (module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from thidua.xlsxform import put

    data = result.data
    groups = data.table.groups
    wb = Workbook()
    font = Font(name=DOCX_FONT, size=12)
    bold = Font(name=DOCX_FONT, size=12, bold=True)
    fill = PatternFill("solid", fgColor="D9E2F3")

    def table_sheet(
        ws: Any,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        formats: Mapping[int, str],
        widths: Sequence[float],
        labels: Sequence[str],
    ) -> None:
        """``labels[i]`` names the data of ``rows[i]`` (``đơn vị A, tiêu chí "1.2"``)."""
        for col, text in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=col)
            put(cell, text, f"{ws.title}!{cell.coordinate}")
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, (values, label) in enumerate(zip(rows, labels, strict=True), start=2):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col)
                put(cell, value, f"{label} (ô {ws.title}!{cell.coordinate})")
                cell.font = font
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
                if col in formats and isinstance(value, int | Decimal):
                    cell.number_format = formats[col]
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        # Programs do not agree on fitting rows to wrapped text: set the heights.
        for r, values in enumerate(rows, start=2):
            ws.row_dimensions[r].height = row_height(list(zip(values, widths, strict=False)))
        ws.row_dimensions[1].height = max(32.0, row_height(list(zip(headers, widths, strict=True))))
        ws.freeze_panes = "A2"
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        if ws.sheet_properties.pageSetUpPr is not None:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"

    # Tổng hợp: rank order.
    total_ws = wb.active
    assert total_ws is not None
    total_ws.title = "Tổng hợp"
    vote_header = "Số phiếu bình chọn"
    headers = [
        "Xếp hạng", "Mã", "Đơn vị", "Tổng điểm tự chấm", "Tổng điểm sau thẩm định",
        "Điểm cộng", "Điểm trừ", vote_header, "Tỷ lệ phiếu", "Kết quả", "Ghi chú",
    ]  # fmt: skip
    rows: list[list[object]] = []
    for row in result.rows:
        outcome = []
        if row.leading:
            outcome.append("Đơn vị dẫn đầu Khối")
        if row.awards:
            outcome.append("đề nghị " + ", ".join(row.awards))
        if not row.eligible:
            outcome.append("không xét khen thưởng: " + (row.exclusion or "không đủ điều kiện"))
        text = "; ".join(outcome)
        notes = [n for n in (row.tie_note,) if n]
        if row.score.missing:
            notes.append(f"còn {row.score.missing} tiêu chí chưa có điểm (tính 0)")
        rows.append(
            [
                row.rank,
                row.member.id,
                row.member.name,
                _cell_number(row.score.self_total),
                _cell_number(row.score.total),
                _cell_number(row.score.bonus),
                _cell_number(row.score.deductions),
                row.votes,
                _cell_number(row.vote_share) if row.vote_share is not None else None,
                text[:1].upper() + text[1:] if text else None,
                "; ".join(notes) or None,
            ]
        )
    table_sheet(
        total_ws,
        headers,
        rows,
        {
            1: WHOLE_FORMAT,
            4: POINTS_FORMAT,
            5: POINTS_FORMAT,
            6: POINTS_FORMAT,
            7: POINTS_FORMAT,
            8: WHOLE_FORMAT,
            9: SHARE_FORMAT,
        },
        [9, 9, 42, 13, 13, 10, 10, 11, 10, 32, 40],
        [f"đơn vị {row.member.id}" for row in result.rows],
    )

    # Theo nhóm: member order.
    group_ws = wb.create_sheet("Theo nhóm")
    headers = ["STT", "Mã", "Đơn vị"]
    for g in groups:
        top = f", tối đa {_plain(g.maximum)}" if g.maximum is not None else ""
        headers += [f"Nhóm {g.id} tự chấm{top}", f"Nhóm {g.id} sau thẩm định{top}"]
    headers += ["Tổng điểm tự chấm", "Tổng điểm sau thẩm định", "Xếp hạng"]
    rows = []
    for i, (mid, score) in enumerate(result.scores.items(), start=1):
        line: list[object] = [i, mid, score.member.name]
        for g in groups:
            line += [_cell_number(score.self_groups[g.id]), _cell_number(score.groups[g.id])]
        line += [_cell_number(score.self_total), _cell_number(score.total), result.row(mid).rank]
        rows.append(line)
    ncols = len(headers)
    formats = dict.fromkeys(range(4, ncols), POINTS_FORMAT)
    formats[1] = WHOLE_FORMAT
    formats[ncols] = WHOLE_FORMAT
    table_sheet(
        group_ws,
        headers,
        rows,
        formats,
        [6, 9, 42] + [13] * (ncols - 3),
        [f"đơn vị {mid}" for mid in result.scores],
    )

    # Chi tiết: member × criterion.
    detail_ws = wb.create_sheet("Chi tiết")
    headers = [
        "Mã đơn vị", "Đơn vị", "Nhóm", "Mã tiêu chí", "Tiêu chí", "Cách chấm", "Tối đa",
        "Tự chấm", "Điểm tự chấm", "Thẩm định", "Điểm thẩm định", "Điểm tính tổng",
        "Cách tính", "Lý do thẩm định", "Minh chứng",
    ]  # fmt: skip
    rows = []
    labels = []
    for mid, score in result.scores.items():
        for c in score.criteria:
            entry = c.entry
            labels.append(f'đơn vị {mid}, tiêu chí "{c.criterion.id}"')
            rows.append(
                [
                    mid,
                    score.member.name,
                    c.group.id,
                    c.criterion.id,
                    c.criterion.name,
                    c.criterion.kind.label,
                    _cell_number(c.criterion.maximum),
                    _score_value(entry.self_score if entry else None),
                    _cell_number(c.self_points),
                    _score_value(entry.appraised if entry else None),
                    _cell_number(c.appraised_points),
                    _cell_number(c.signed_points) if not c.missing else None,
                    c.formula,
                    entry.reason if entry else None,
                    entry.evidence if entry else None,
                ]
            )
    table_sheet(
        detail_ws,
        headers,
        rows,
        {7: POINTS_FORMAT, 9: POINTS_FORMAT, 11: POINTS_FORMAT, 12: POINTS_FORMAT},
        [10, 30, 7, 9, 44, 14, 9, 11, 11, 11, 11, 11, 40, 30, 30],
        labels,
    )

    # Ghi chú: what a reader must know about these figures.
    notes_ws = wb.create_sheet("Ghi chú")
    lines = [
        f"Bảng tổng hợp điểm thi đua năm {data.year}",
        data.cluster.name,
        "",
        *result.notes,
        f"Đơn vị dẫn đầu: {result.leading.name if result.leading else 'không có'}. "
        f"{result.leading_reason}",
        "",
        "Điểm ghi bằng giá trị (không có công thức), làm tròn khi hiển thị đến 2 chữ số "
        "thập phân; thứ hạng do thidua xếp trên điểm chính xác.",
        "Các nhóm tiêu chí:",
        *[
            f"- Nhóm {g.id}: {g.name}"
            + (f" (tối đa {_plain(g.maximum)} điểm)" if g.maximum is not None else "")
            for g in groups
        ],
    ]
    for i, text in enumerate(lines, start=1):
        cell = notes_ws.cell(row=i, column=1)
        put(cell, text or None, f"{notes_ws.title}!A{i}")
        cell.font = bold if i == 1 else font
    notes_ws.column_dimensions["A"].width = 120
    return wb


def render_scores_xlsx(result: YearResult) -> bytes:
    """The score summary workbook as .xlsx bytes, identical run to run."""
    from thidua.xlsxform import form_bytes

    wb = scores_workbook(result)
    wb.properties.title = f"Bảng tổng hợp điểm thi đua năm {result.data.year}"
    wb.properties.language = "vi-VN"
    return form_bytes(wb, package_time(_doc_date(result, None)))
