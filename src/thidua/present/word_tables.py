"""Word tables: borders, margins, widths, row properties, and the grid of an HTML table.

Used by :mod:`thidua.present.word` (the layout is described there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from thidua.present.word_parts import (
    _W,
    BREAK,
    TABLE_PT,
    HtmlElement,
    _classes,
    _inline,
    _length_mm,
    _segments,
    _Style,
)

if TYPE_CHECKING:
    from docx.table import Table, _Cell


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


def _cell_margins(table: Table, side_mm: float) -> None:
    """Left and right cell margins of every cell of ``table`` (no top or bottom margin)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", 0.0), ("left", side_mm), ("bottom", 0.0), ("right", side_mm)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(Mm(mm).twips)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _replace_child(table._tbl.tblPr, margins)


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


# The w:tcPr children that come after w:vAlign in the schema (python-docx's CT_TcPr).
_AFTER_VALIGN = frozenset(
    f"{{{_W}}}{tag}"
    for tag in ("hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")
)


def _vertical_alignment(cell: _Cell, value: str) -> None:
    """``cell.vertical_alignment = …`` (``top``, ``center``) as python-docx writes it, built
    directly: its setter searches the schema's order of children on every call."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    valign = tcpr.find(qn("w:vAlign"))
    if valign is None:
        valign = OxmlElement("w:vAlign")
        after = next((c for c in tcpr if c.tag in _AFTER_VALIGN), None)
        if after is None:
            tcpr.append(valign)
        else:
            after.addprevious(valign)
    valign.set(qn("w:val"), value)


def _row_props(table: Table, header_rows: int) -> None:
    """Header rows repeat on each page; no row splits across a page break."""
    from docx.oxml import OxmlElement

    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            trpr.append(OxmlElement("w:tblHeader"))


def _cell_padding(cell: _Cell, padding: str) -> None:
    """CSS ``padding`` (1 to 4 lengths) as the cell's own margins."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    values = [_length_mm(p) for p in padding.split()]
    sizes = [v for v in values if v is not None]
    if not 1 <= len(sizes) <= 4 or len(sizes) != len(values):
        return
    top = sizes[0]
    right = sizes[1] if len(sizes) > 1 else top
    bottom = sizes[2] if len(sizes) > 2 else top
    left = sizes[3] if len(sizes) > 3 else right
    margins = OxmlElement("w:tcMar")
    for side, mm in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(Mm(mm).twips)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tcpr = cell._tc.get_or_add_tcPr()
    # CT_TcPr order: tcW, gridSpan, hMerge, vMerge, tcBorders, shd, noWrap, tcMar, ...
    before = ("tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap")
    after = [qn(f"w:{t}") for t in before]
    index = max((i + 1 for i, c in enumerate(tcpr) if c.tag in after), default=0)
    tcpr.insert(index, margins)


def _min_row_height(table: Table, row: int, pt: float) -> None:
    """Row ``row`` of ``table`` at least ``pt`` points high (an empty box to mark)."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Pt

    table.rows[row].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    table.rows[row].height = Pt(pt)


def _cell_frame(cell: _Cell, kind: str) -> None:
    """All four borders of ``cell`` drawn ``kind`` ("dashed": a line to cut along)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), kind)
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    # CT_TcPr order: tcW, gridSpan, vMerge/hMerge, tcBorders, shd, ..., vAlign, ...
    after = [qn(f"w:{t}") for t in ("tcW", "gridSpan", "hMerge", "vMerge")]
    index = max((i + 1 for i, c in enumerate(tcpr) if c.tag in after), default=0)
    tcpr.insert(index, borders)


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


# Advance widths in em of Times New Roman, roughly: narrow punctuation, digits, capitals,
# the rest; a Vietnamese letter (NFC) is as wide as its base letter.
_NARROW = set(" .,;:!'|()[]/-ijlfrtI")
_WIDE = set("mwMW%")
# A data cell's left and right margins: 4 pt, as the stylesheet's padding.
CELL_SIDE_MM = 4 * 25.4 / 72
CELL_PAD_MM = 2 * CELL_SIDE_MM + 1.0  # both margins and a little air


def _text_mm(text: str, pt: float = TABLE_PT) -> float:
    """About how wide ``text`` prints in Times New Roman at ``pt`` points, in mm."""
    import unicodedata

    em = 0.0
    for ch in unicodedata.normalize("NFC", text):
        base = unicodedata.normalize("NFD", ch)[0]
        if base in _NARROW:
            em += 0.3
        elif base in _WIDE:
            em += 0.8
        elif base.isdigit():
            em += 0.5
        elif base.isupper():
            em += 0.7
        else:
            em += 0.47
    return em * pt * 25.4 / 72


def _column_widths(
    slots: Sequence[_Slot], ncols: int, text_mm: float, pt: float = TABLE_PT
) -> list[float]:
    """Widths in mm that add up to ``text_mm``, the text width.

    A column whose cell says its width (``style="width: 12mm"`` or a percentage) has it.
    Each other column needs at least its longest word (:func:`_text_mm` at ``pt``, header
    words in bold a little wider) and would like its longest text on one line (a header on
    up to three, a text column up to 60 % of the width); these columns share what the fixed
    ones leave, giving up their wish in proportion to what they can spare, and share what
    is left over in proportion to their wish.
    """
    fixed: dict[int, float] = {}
    for slot in slots:
        width = _length_mm(_inline(slot.el).get("width"), text_mm) if slot.cols == 1 else None
        if width:
            fixed[slot.col] = width
    if sum(fixed.values()) >= text_mm or len(fixed) == ncols:
        widths = [fixed.get(col, 8.0) for col in range(ncols)]
        return [text_mm * x / sum(widths) for x in widths]
    free = _free_widths(slots, ncols, text_mm - sum(fixed.values()), pt, skip=set(fixed))
    return [fixed.get(col, free[col]) for col in range(ncols)]


def _free_widths(
    slots: Sequence[_Slot], ncols: int, total: float, pt: float, skip: set[int]
) -> list[float]:
    """Widths of the columns not in ``skip`` that add up to ``total`` (see above)."""
    minimum = [0.0 if col in skip else 8.0 for col in range(ncols)]
    desired = list(minimum)
    cap = total * 0.6
    for slot in slots:
        if slot.cols != 1 or slot.col in skip:
            continue
        text = "".join(t for t, _ in _segments(slot.el, _Style()))  # <br> as a line break
        lines = [" ".join(line.split()) for line in text.split(BREAK)]
        head = slot.header or slot.el.tag == "th"
        scale = 1.08 if head else 1.0
        nowrap = "n" in _classes(slot.el) or _inline(slot.el).get("white-space") == "nowrap"
        # A number cell (class "n", as the stylesheet has it) or a nowrap cell stays whole.
        pieces = lines if nowrap else [word for line in lines for word in line.split()]
        low = max((_text_mm(piece, pt) for piece in pieces), default=0.0) * scale + CELL_PAD_MM
        wish = max(_text_mm(line, pt) for line in lines) * scale / (2.6 if head else 1.0)
        minimum[slot.col] = max(minimum[slot.col], low)
        desired[slot.col] = max(desired[slot.col], min(wish + CELL_PAD_MM, cap), low)
    if sum(minimum) >= total:
        return [total * x / sum(minimum) for x in minimum]
    if sum(desired) <= total:
        return [total * x / sum(desired) for x in desired]
    need = sum(desired) - total
    slack = [d - m for d, m in zip(desired, minimum, strict=True)]
    spare = sum(slack)
    return [d - need * s / spare for d, s in zip(desired, slack, strict=True)]
