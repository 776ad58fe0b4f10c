"""Reproducible OOXML packages (.docx, .xlsx): fixed stamps and zip entries, row heights.

Documents are stamped with the CLI's ``SOURCE_DATE_EPOCH`` when set, else the conference date
(:func:`package_time`), and :func:`freeze_zip` fixes the zip entries' dates and
attributes, so the same input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thidua.compute.results import YearResult

_CORE = "docProps/core.xml"
_STAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_ZIP_EPOCH = dt.datetime(1980, 1, 1)


# --- reproducible packages ---------------------------------------------------------------------


def package_time(fallback: dt.date | None, epoch: dt.datetime | None = None) -> dt.datetime:
    """The time stamped into a document: ``epoch`` (the CLI's ``SOURCE_DATE_EPOCH``, UTC) if
    given, else ``fallback``.

    ``fallback`` (e.g. the conference date) is taken at midnight; without one, 1 January
    1980, the earliest date a zip file can hold. Never the clock, so output is reproducible.
    """
    if epoch is not None:
        utc = epoch if epoch.tzinfo is None else epoch.astimezone(dt.UTC)
        when = utc.replace(tzinfo=None)
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


def _doc_date(result: YearResult, today: dt.date | None) -> dt.date | None:
    conference = result.data.conference
    return conference.date if conference is not None else today


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
