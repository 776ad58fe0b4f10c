"""The data's fingerprint on every document: written by the renderers, read back by ``verify``.

A :class:`Fingerprint` is the year, the content digest of its data
(:func:`thidua.compute.seal.content_digest`) and, when the data repository's year folder was
clean, the last git commit that changed that folder. Each document shows it as an office would, one
discreet line ``Mã dữ liệu: 3F9A-C21B · phiên bản 1a2b3c4`` (:attr:`Fingerprint.line`), and
carries it in full where readers do not look (:meth:`Fingerprint.record`,
``nam=2020; ma=sha256:…; commit=…``):

- Markdown: the line, then ``<!-- thidua-data: nam=…; ma=…; commit=… -->`` as the last line
  (an HTML comment: invisible once rendered);
- HTML: ``<meta name="thidua-data" content="nam=…;ma=…;commit=…">`` in the head and the line
  as ``<p class="fingerprint">`` at the end of the body;
- Word and Excel: the core properties ``identifier`` (the digest) and ``keywords`` (the
  record); the line in the page footer (and, in Excel, at the end of the notes sheet).

:func:`read_fingerprint` finds the record again in the bytes of any of these files; it
never raises on a damaged or hostile file, and inflates no more of a zip than its small
``docProps/core.xml``.
"""

from __future__ import annotations

import enum
import html
import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from thidua.compute.seal import short_code
from thidua.present.diff import render_text
from thidua.present.xlsx_safety import MAX_ENTRIES

if TYPE_CHECKING:
    from thidua.compute.compare import YearDiff

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "Fingerprint",
    "Outcome",
    "Verdict",
    "add_to_html",
    "add_to_markdown",
    "parse_record",
    "read_fingerprint",
    "verdict_text",
]

META_NAME = "thidua-data"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # no document thidua makes comes near this
_MAX_CORE_BYTES = 256 * 1024  # docProps/core.xml is a few hundred bytes
_SHORT_COMMIT = 7

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_YEAR = re.compile(r"[0-9]{4}")
_MD_RECORD = re.compile(r"<!--\s*thidua-data:([^<>]*)-->")
_META = re.compile(r'<meta\s+name="thidua-data"\s+content="([^"<>]*)"\s*/?>', re.IGNORECASE)
_KEYWORDS = re.compile(r"<cp:keywords(?:\s[^>]*)?>([^<]*)</cp:keywords>")
_CORE = "docProps/core.xml"


@dataclass(frozen=True)
class Fingerprint:
    """Which data a document was made from."""

    year: int
    digest: str  # "sha256:" and 64 hex digits
    commit: str | None = None  # the full commit id, when the year folder was clean

    @property
    def code(self) -> str:
        """The short form people read and compare: ``3F9A-C21B``."""
        return short_code(self.digest)

    @property
    def short_commit(self) -> str | None:
        return self.commit[:_SHORT_COMMIT] if self.commit else None

    @property
    def line(self) -> str:
        """``Mã dữ liệu: 3F9A-C21B``, with ``· phiên bản 1a2b3c4`` when the commit is known."""
        text = f"Mã dữ liệu: {self.code}"
        if self.short_commit:
            text += f" · phiên bản {self.short_commit}"
        return text

    def record(self, sep: str = "; ") -> str:
        """``nam=2020; ma=sha256:…; commit=…`` (no commit part when it is unknown)."""
        parts = [f"nam={self.year}", f"ma={self.digest}"]
        if self.commit:
            parts.append(f"commit={self.commit}")
        return sep.join(parts)


def parse_record(text: str) -> Fingerprint | None:
    """The fingerprint a record (:meth:`Fingerprint.record`) holds; None if it is not one."""
    fields: dict[str, str] = {}
    for part in text.split(";"):
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or key in fields:
            return None
        fields[key] = value
    if not set(fields) <= {"nam", "ma", "commit"}:
        return None
    year, digest, commit = fields.get("nam", ""), fields.get("ma", ""), fields.get("commit")
    if not (_YEAR.fullmatch(year) and _DIGEST.fullmatch(digest)):
        return None
    if commit is not None and not _COMMIT.fullmatch(commit):
        return None
    return Fingerprint(int(year), digest, commit)


# --- writing ---------------------------------------------------------------------------------


def add_to_markdown(text: str, fp: Fingerprint) -> str:
    """``text`` (ending with a newline) with the line and, last, the hidden record."""
    return f"{text.rstrip()}\n\n*{fp.line}*\n\n<!-- {META_NAME}: {fp.record()} -->\n"


def add_to_html(text: str, fp: Fingerprint) -> str:
    """``text`` with the meta element before ``</head>`` and the line before ``</body>``.

    A template of a data repository may have neither: the meta element then opens the
    text and the line closes it.
    """
    meta = f'<meta name="{META_NAME}" content="{html.escape(fp.record(";"))}">\n'
    footer = f'<p class="fingerprint">{html.escape(fp.line)}</p>\n'
    head = _last(text, "</head>")
    text = meta + text if head < 0 else text[:head] + meta + text[head:]
    body = _last(text, "</body>")
    if body < 0:
        return text + ("" if text.endswith("\n") else "\n") + footer
    return text[:body] + footer + text[body:]


def _last(text: str, tag: str) -> int:
    return text.lower().rfind(tag)


# --- reading back ----------------------------------------------------------------------------


def read_fingerprint(content: bytes) -> Fingerprint | None:
    """The fingerprint of a document thidua made (md, html, docx, xlsx); None for any other
    content, including a damaged, oversized or hostile file."""
    if len(content) > MAX_DOCUMENT_BYTES:
        return None
    if content.startswith(b"PK"):
        return _from_package(content)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = [*_META.finditer(text), *_MD_RECORD.finditer(text)]
    if not found:
        return None
    last = max(found, key=lambda mt: mt.start())
    return parse_record(html.unescape(last.group(1)).strip())


def _from_package(content: bytes) -> Fingerprint | None:
    """The record in ``keywords`` of an OOXML package's core properties."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                return None
            core = [info for info in infos if info.filename == _CORE]
            if len(core) != 1 or core[0].file_size > _MAX_CORE_BYTES:
                return None
            with archive.open(core[0]) as entry:
                raw = entry.read(_MAX_CORE_BYTES + 1)  # declared sizes can lie
    except Exception:  # any fault of a damaged or hostile package: not a thidua document
        return None
    if len(raw) > _MAX_CORE_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = _KEYWORDS.search(text)
    if found is None:
        return None
    return parse_record(html.unescape(found.group(1)))


# --- the answer of ``thidua verify`` ---------------------------------------------------------


class Outcome(enum.Enum):
    """What ``thidua verify`` found; the value is its exit code."""

    CURRENT = 0  # made from the data as it is now
    EARLIER = 1  # made from an earlier state of the data
    FOREIGN = 2  # not a document thidua made


@dataclass(frozen=True)
class Verdict:
    """A document checked against the data as it is now."""

    shown: str  # the document's name as the user gave it
    found: Fingerprint | None  # None: not a document thidua made
    current: str | None = None  # the digest of the year's data now
    changes: YearDiff | None = None  # what changed since, when git had the recorded commit
    why_no_changes: str | None = None  # why the changes are not listed

    @property
    def outcome(self) -> Outcome:
        if self.found is None:
            return Outcome.FOREIGN
        return Outcome.CURRENT if self.found.digest == self.current else Outcome.EARLIER


def verdict_text(verdict: Verdict) -> str:
    """The answer, in Vietnamese; several lines when the changes are listed."""
    fp = verdict.found
    if fp is None:
        return (
            f"{verdict.shown}: không phải văn bản do thidua lập (không tìm thấy mã dữ liệu "
            "trong tệp).\n"
        )
    if verdict.outcome is Outcome.CURRENT:
        return f"Văn bản được lập từ dữ liệu hiện tại của năm {fp.year} (mã dữ liệu {fp.code}).\n"
    now = short_code(verdict.current) if verdict.current else "?"
    made = f" · phiên bản {fp.short_commit}" if fp.short_commit else ""
    lines = [
        f"Văn bản được lập từ một trạng thái dữ liệu trước đây của năm {fp.year} (mã dữ liệu "
        f"{fp.code}{made}); dữ liệu hiện tại có mã {now}."
    ]
    if verdict.changes is not None:
        lines += ["", render_text(verdict.changes).rstrip("\n")]
    elif verdict.why_no_changes:
        lines.append(verdict.why_no_changes)
    return "\n".join(lines) + "\n"
