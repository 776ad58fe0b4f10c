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
    from docx.section import Section
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph


# lxml ships no type information; its elements are handled as Any.
HtmlElement = Any

DOCX_FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm
# A landscape page keeps the margins as the page is read: 297 - 30 - 15 = 252 mm of text.
LANDSCAPE_TEXT_MM = PAGE_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"]
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
    _orient(section, landscape=False)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Decree 30: page numbers centred in the top margin, from the second page on.
    section.different_first_page_header_footer = True
    par = section.header.paragraphs[0]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(par, "PAGE", "2")


def _orient(section: Section, *, landscape: bool) -> None:
    """A4 portrait or landscape, with the Decree 30 margins as the page is read."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long = PAGE_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(long if landscape else short)
    section.page_height = Mm(short if landscape else long)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])


def _inner_sectpr(par: Any) -> Any:
    """The section break a paragraph carries (``w:pPr/w:sectPr``), or None."""
    from docx.oxml.ns import qn

    ppr = par.find(qn("w:pPr"))
    return None if ppr is None else ppr.find(qn("w:sectPr"))


def _section_is_empty(document: DocxDocument) -> bool:
    """Nothing in the body yet after the last section break (or at all)."""
    from docx.oxml.ns import qn

    last = document.element.body.sectPr.getprevious()
    return last is None or (last.tag == qn("w:p") and _inner_sectpr(last) is not None)


def _section_break(document: DocxDocument, *, landscape: bool) -> None:
    """End the section at the body's last paragraph; what follows is a new section on a
    new page, ``landscape`` or portrait, with the page numbers of the first section.

    The break sits in the last paragraph (a new empty one only after a table), so that no
    paragraph of its own can spill onto a blank page. An empty section is only turned.
    """
    import copy

    from docx.enum.section import WD_SECTION
    from docx.oxml.ns import qn

    body = document.element.body
    final = body.sectPr
    if not _section_is_empty(document):
        last = final.getprevious()
        if last.tag != qn("w:p"):
            last = body.add_p()
        last.get_or_add_pPr().append(copy.deepcopy(final))
        for ref in final.findall(qn("w:headerReference")) + final.findall(qn("w:footerReference")):
            final.remove(ref)  # the new section shows the headers and footers of the one before
    section = document.sections[-1]
    section.start_type = WD_SECTION.NEW_PAGE
    # Only the document's first page goes without a number.
    section.different_first_page_header_footer = len(document.sections) == 1
    _orient(section, landscape=landscape)


def _drop_empty_last_section(document: DocxDocument) -> None:
    """A break at the very end (after a landscape part) would leave a blank page: the last
    section break becomes the end of the document."""
    from docx.oxml.ns import qn

    body = document.element.body
    final = body.sectPr
    last = final.getprevious()
    if last is None or last.tag != qn("w:p"):
        return
    inner = _inner_sectpr(last)
    if inner is None:
        return
    inner.getparent().remove(inner)
    body.replace(final, inner)


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
    text_mm: float = TEXT_MM  # the width of the current container: section or cell
    pt: float | None = None  # the font size the current container gives (None: the body's)
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
    """The segments as runs of ``par``: bold, italic, underline, size in points.

    The elements are built directly (python-docx's property setters search the schema's
    order of children for every property set): the same XML as ``par.add_run()``, ``run.text``,
    ``run.bold`` … would write.
    """
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    pieces = _collapse(segments)
    if prefix:
        pieces = [(prefix, base), *pieces]
    half_points = str(int(Pt(size).pt * 2)) if size is not None else None
    p = par._p
    for text, style in pieces:
        run = OxmlElement("w:r")
        flags = [
            tag
            for tag, on in (
                ("w:b", style.bold or base.bold),
                ("w:i", style.italic or base.italic),
            )
            if on
        ]
        underline = style.underline or base.underline
        if flags or underline or half_points is not None:
            rpr = OxmlElement("w:rPr")
            for tag in flags:
                rpr.append(OxmlElement(tag))
            if half_points is not None:
                rpr.append(OxmlElement("w:sz", {_W_VAL: half_points}))
            if underline:
                rpr.append(OxmlElement("w:u", {_W_VAL: "single"}))
            run.append(rpr)
        if text == BREAK:
            run.append(OxmlElement("w:br"))
        else:
            _run_text(run, text)
        p.append(run)


def _run_text(run: Any, text: str) -> None:
    """``text`` into the ``w:r`` as python-docx's ``run.text`` does: tabs and line breaks as
    elements, the rest in ``w:t`` (``xml:space="preserve"`` when it has outer spaces)."""
    from docx.oxml import OxmlElement

    for i, piece in enumerate(_CONTROL.split(text)):
        if i % 2:
            run.append(OxmlElement("w:tab" if piece == "\t" else "w:br"))
        elif piece:
            t = OxmlElement("w:t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_XML_SPACE, "preserve")
            run.append(t)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_VAL = f"{{{_W}}}val"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CONTROL = re.compile(r"([\t\r\n])")
_ALIGN = {"justify": "both", "center": "center", "left": "left", "right": "right"}


def _ppr_child(ppr: Any, tag: str) -> Any:
    """The ``w:<tag>`` child of ``ppr``, added at its place in the schema's order if absent."""
    from docx.oxml import OxmlElement

    found = ppr.find(f"{{{_W}}}{tag}")
    if found is None:
        found = OxmlElement(f"w:{tag}")
        _insert_ppr_child(ppr, found)
    return found


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
    """Alignment, first-line or left indent, spacing and keep-with-next of ``par``: the XML
    python-docx's ``paragraph_format`` setters write, built directly (see :func:`_runs`)."""
    from docx.shared import Mm, Pt

    ppr = par._p.get_or_add_pPr()
    _ppr_child(ppr, "jc").set(_W_VAL, _ALIGN[align])
    if indent:
        ind = _ppr_child(ppr, "ind")
        ind.attrib.pop(f"{{{_W}}}hanging", None)
        ind.set(f"{{{_W}}}firstLine", str(Mm(INDENT_MM).twips))
    if left_mm:
        _ppr_child(ppr, "ind").set(f"{{{_W}}}left", str(Mm(left_mm).twips))
    spacing = _ppr_child(ppr, "spacing")
    spacing.set(f"{{{_W}}}before", str(Pt(before).twips))
    spacing.set(f"{{{_W}}}after", str(Pt(after).twips))
    if keep_next:
        keep = _ppr_child(ppr, "keepNext")
        keep.attrib.pop(_W_VAL, None)


def _inline(el: HtmlElement) -> dict[str, str]:
    """The element's own ``style`` attribute as {property: value}, lower case."""
    out: dict[str, str] = {}
    for decl in (el.get("style") or "").split(";"):
        name, colon, value = decl.partition(":")
        if colon:
            out[name.strip().lower()] = value.strip().lower()
    return out


_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}
_LENGTH = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)(mm|cm|in|pt|px|%)?")


def _length_mm(value: str | None, whole_mm: float = 0.0) -> float | None:
    """A CSS length (``12mm``, ``1cm``, ``6pt``, ``50%`` of ``whole_mm``, ``0``) in mm."""
    found = _LENGTH.fullmatch((value or "").strip())
    if found is None:
        return None
    number, unit = float(found.group(1)), found.group(2)
    if unit == "%":
        return number * whole_mm / 100
    if unit is None:
        return 0.0 if number == 0 else None
    return number * _UNIT_MM[unit]


def _length_pt(value: str | None) -> float | None:
    mm = _length_mm(value)
    return None if mm is None else round(mm * 72 / 25.4, 1)


def _margins_pt(style: dict[str, str]) -> tuple[float | None, float | None]:
    """Space before and after from ``margin``, ``margin-top``, ``margin-bottom`` in pt."""
    parts = style.get("margin", "").split()
    top = _length_pt(parts[0]) if parts else None
    bottom = _length_pt(parts[2] if len(parts) > 2 else parts[0]) if parts else None
    if "margin-top" in style:
        top = _length_pt(style["margin-top"])
    if "margin-bottom" in style:
        bottom = _length_pt(style["margin-bottom"])
    return top, bottom


def _spacer(par: Paragraph, pt: float) -> None:
    """An empty paragraph exactly ``pt`` points high (at least 1)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf = par.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(max(1.0, pt))


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
    pf.space_before = Pt(2)
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
