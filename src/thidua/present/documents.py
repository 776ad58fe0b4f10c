"""The documents thidua renders and the formats they come in: names, labels, file names."""

from __future__ import annotations

import enum

from thidua.errors import ThiduaError

__all__ = ["Doc", "Format", "RenderError", "file_name"]


class RenderError(ThiduaError):
    """A document cannot be rendered: a template error, or data the document needs."""


class Format(enum.Enum):
    MD = "md"
    HTML = "html"


class Doc(enum.Enum):
    """The documents thidua renders. The value is the template's base name."""

    MINUTES = "minutes"
    REPORT = "report"
    PROPOSAL = "proposal"
    SCORES = "scores"
    RANKING = "ranking"
    # The conference kit (issue 12): the count committee's minutes of every ballot, the
    # ballot papers to print, the appraisal notice to each member, the per-criterion annex.
    COUNT = "kiem-phieu"
    PAPERS = "phieu-bau"
    NOTICE = "thong-bao"
    ANNEX = "phu-luc-diem"

    @property
    def label(self) -> str:
        return _DOC_LABELS[self][0]

    @property
    def stem(self) -> str:
        """Base of the output file name: ``bien-ban`` -> ``bien-ban-2020.md``."""
        return _DOC_LABELS[self][1]

    @property
    def code(self) -> str | None:
        """Decree 30 type code in the document number, if the document carries one."""
        return _DOC_LABELS[self][2]

    @property
    def per_member(self) -> bool:
        """One document per member unit (``thong-bao-2020-NHNN.md``), not one per year."""
        return self is Doc.NOTICE


_DOC_LABELS: dict[Doc, tuple[str, str, str | None]] = {
    Doc.MINUTES: ("biên bản hội nghị tổng kết", "bien-ban", "BB"),
    Doc.REPORT: ("báo cáo tổng kết", "bao-cao", "BC"),
    Doc.PROPOSAL: ("tờ trình đề nghị khen thưởng", "to-trinh", "TTr"),
    Doc.SCORES: ("bảng tổng hợp điểm", "bang-diem", None),
    Doc.RANKING: ("kết quả xếp hạng", "xep-hang", None),
    Doc.COUNT: ("biên bản kiểm phiếu", "kiem-phieu", None),
    Doc.PAPERS: ("phiếu bầu", "phieu-bau", None),
    Doc.NOTICE: ("thông báo kết quả thẩm định điểm thi đua", "thong-bao", "TB"),
    Doc.ANNEX: ("phụ lục điểm chi tiết theo tiêu chí", "phu-luc-diem", None),
}


def file_name(doc: Doc, year: int, fmt: Format | str, member: str | None = None) -> str:
    """``bien-ban-2020.md``, ``bao-cao-2020.html``, ... (see :class:`Doc`); a document of one
    member carries its code: ``thong-bao-2020-NHNN.md``. ``fmt`` may be an extension
    (``"docx"``) for the formats made outside the templates.
    """
    ext = fmt.value if isinstance(fmt, Format) else fmt
    return f"{doc.stem}-{year}{f'-{member}' if member else ''}.{ext}"
