"""Building blocks of the Word documents: page and fonts, text runs, borders, table grids.

The layout (Decree 30/2020/NĐ-CP) and the HTML vocabulary are described in
:mod:`thidua.present.word`, which lays the blocks out with these pieces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph


# lxml ships no type information; its elements are handled as Any.
HtmlElement = Any

DOCX_FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm
INDENT_MM = 10


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
