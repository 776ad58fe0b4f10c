"""The year's ``van-ban.yaml`` as ``thidua init`` and ``thidua new-year`` write it.

Every report section of :data:`thidua.models.REPORT_SECTIONS` is present and empty (the
key with no value: the report prints lines to fill by hand, and ``check`` does not ask for
it), each under a Vietnamese comment saying what goes there; the header says how text is
written (plain text, a blank line between paragraphs, ``- `` for list items) and the
comments what the issuer, signer and addressing default to when left out.

``new-year`` passes what it carries from the previous year (:func:`carried`): the issuer's
printed name, the signer and each document's addressing (``kinh_gui``, ``noi_nhan``,
``nguoi_ky``). The narrative sections, the proposal's dossier, the source and the note
belong to their year and are not carried. A signer's post and name (``chuc_vu``,
``ho_ten``) are carried only while the leader unit stays the same: they name a person of
that unit, and left out they default to the head of the new leader unit (``khoi.yaml``).

The text is not in ``thidua fmt``'s layout until passed to
:func:`thidua.repo.fmt.format_source` (carried values are written JSON-quoted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from thidua import models as m

__all__ = ["Carried", "carried", "documents_text"]

# What each report section holds, after its name in words (m.REPORT_SECTIONS).
_SECTION_HINTS = {
    "tinh_hinh": "bối cảnh của năm, thuận lợi, khó khăn",
    "chi_dao": "Khối đã phát động, hướng dẫn gì",
    "ket_qua_phong_trao": "từng phong trào đạt được gì",
    "nhiem_vu_trong_tam": "từng nhiệm vụ ghi trong nhiem-vu.yaml",
    "giao_uoc": "đã ký những gì, thực hiện ra sao",
    "khen_thuong": "tập thể, cá nhân được khen và hình thức khen",
    "uu_diem": "những việc làm tốt",
    "han_che": "việc chưa làm được và vì sao",
    "bai_hoc": "rút ra từ công tác thi đua trong năm",
    "kien_nghi": "với Hội đồng Thi đua - Khen thưởng, Ủy ban nhân dân tỉnh",
}

# The documents with an addressing of their own: key in van-ban.yaml -> model field.
_DOCUMENTS = {
    "bao_cao": "report",
    "to_trinh": "proposal",
    "bien_ban": "minutes",
    "xep_hang": "ranking",
    "thong_bao": "notice",
}

HEADER = """\
# Văn bản của Khối năm {year}: lời văn báo cáo tổng kết do Văn phòng Khối viết; người ký,
# nơi gửi các văn bản của Khối.{origin}
#
# Lời văn mỗi phần của báo cáo (trong bao_cao) viết như văn bản thường:
#   - sau tên phần ghi dấu "|", lời văn bắt đầu từ dòng dưới, lùi vào hai dấu cách so
#     với tên phần;
#   - một đoạn văn viết trên một hay nhiều dòng đều được; giữa hai đoạn để một dòng trống;
#   - mỗi ý liệt kê là một dòng bắt đầu bằng "- ".
# Ví dụ:
#   uu_diem: |
#     Các đơn vị trong Khối đã chủ động triển khai các phong trào thi đua.
#
#     - Hoàn thành các chỉ tiêu được giao;
#     - Thực hiện tốt giao ước thi đua.
# Phần nào chưa viết thì để trống (tên phần rồi dấu ":"): báo cáo in dòng chấm để viết
# tay. Giữ đủ tên các phần: thiếu phần nào, thidua check nhắc trước hội nghị.
nam: {year}
"""

ISSUER = """\
# Tên cơ quan ban hành in ở đầu văn bản, ngắn gọn trên một dòng; để trống thì in tên ngắn
# của Khối (ten_ngan trong khoi.yaml), không có thì tên đầy đủ. Ví dụ:
# ten_co_quan: KHỐI THI ĐUA KINH TẾ - THỐNG KÊ
"""

SIGNER = """\
# Người ký các văn bản của Khối. Để trống thì ký "TM. <tên Khối>", "TRƯỞNG KHỐI", chức
# danh thủ trưởng và tên đơn vị Trưởng khối, họ tên thủ trưởng (chuc_danh_thu_truong,
# ho_ten_thu_truong của đơn vị đó trong khoi.yaml). Chỉ ghi dòng muốn khác, ví dụ:
# nguoi_ky:
#   chuc_vu: CỤC TRƯỞNG CỤC QUẢN LÝ THỊ TRƯỜNG
#   ho_ten: Nguyễn Văn An
"""

ADDRESSING = """\
# Mỗi văn bản có mục riêng: bao_cao (báo cáo tổng kết), to_trinh (tờ trình đề nghị khen
# thưởng), bien_ban (biên bản hội nghị), xep_hang (kết quả xếp hạng), thong_bao (thông báo
# kết quả thẩm định). Trong mỗi mục có thể ghi kinh_gui (kính gửi), noi_nhan (nơi nhận) và
# nguoi_ky (nếu khác người ký ở trên); để trống thì dùng nơi gửi, nơi nhận thường dùng.
# Ví dụ:
# to_trinh:
#   kinh_gui:
#     - Hội đồng Thi đua - Khen thưởng tỉnh
#   noi_nhan:
#     - Như trên
#     - Các đơn vị thành viên Khối
#     - "Lưu: VT"
"""


@dataclass(frozen=True)
class Carried:
    """What a new year takes from the previous year's ``van-ban.yaml``."""

    prev: int
    issuer: str | None
    signer: m.Signer | None
    addressing: dict[str, m.Addressing]  # by the document's key (bao_cao, to_trinh, …)
    # Where a signer's post and name were left behind (the leader unit changed): "" for
    # the common signer, else the document's key.
    dropped_person: list[str] = field(default_factory=list)

    @property
    def parts(self) -> list[str]:
        """What was carried, in words: "tên cơ quan", "người ký", "kính gửi", "nơi nhận"."""
        docs = self.addressing.values()
        found = {
            "tên cơ quan": self.issuer is not None,
            "người ký": self.signer is not None or any(d.signer is not None for d in docs),
            "kính gửi": any(d.to for d in docs),
            "nơi nhận": any(d.recipients for d in docs),
        }
        return [part for part, present in found.items() if present]


def carried(prev: int, documents: m.DocumentsFile, same_leader: bool) -> Carried:
    """The issuer, signer and addressing of ``documents`` (the year ``prev``), nothing else.

    With ``same_leader`` false a signer's ``chuc_vu`` and ``ho_ten`` are left out.
    """
    dropped: list[str] = []
    empty = m.Signer.model_validate({})

    def signer(where: str, value: m.Signer | None) -> m.Signer | None:
        if value is None or value == empty:
            return None
        if same_leader or (value.post is None and value.name is None):
            return value
        dropped.append(where)
        kept = value.model_copy(update={"post": None, "name": None})
        return None if kept == empty else kept

    common = signer("", documents.signer)
    addressing: dict[str, m.Addressing] = {}
    for key, name in _DOCUMENTS.items():
        doc = getattr(documents, name)
        if doc is None:
            continue
        kept = m.Addressing.model_validate({"kinh_gui": doc.to, "noi_nhan": doc.recipients})
        kept = kept.model_copy(update={"signer": signer(key, doc.signer)})
        if kept != m.Addressing.model_validate({}):
            addressing[key] = kept
    return Carried(prev, documents.issuer, common, addressing, dropped)


def documents_text(year: int, carry: Carried | None = None) -> str:
    """``van-ban.yaml`` of ``year``: every report section empty, commented; ``carry``'s
    issuer, signer and addressing written in."""
    origin = ""
    if carry is not None and carry.parts:
        what = ", ".join(carry.parts)
        origin = f"\n# {what[0].upper()}{what[1:]} chép từ năm {carry.prev}."
    out = [HEADER.format(year=year, origin=origin)]
    issuer = carry.issuer if carry is not None else None
    out.append(ISSUER if issuer is None else f"ten_co_quan: {_quoted(issuer)}\n")
    common = carry.signer if carry is not None else None
    out.append(SIGNER if common is None else "nguoi_ky:\n" + _signer(common, "  "))
    out.append(ADDRESSING)
    addressing = carry.addressing if carry is not None else {}
    out.append("bao_cao:\n")
    if "bao_cao" in addressing:
        out.append(_addressing(addressing["bao_cao"], "  "))
    for key, label in m.REPORT_SECTIONS.items():
        out.append(f"  # {label[0].upper()}{label[1:]}: {_SECTION_HINTS[key]}.\n  {key}:\n")
    for key in _DOCUMENTS:
        if key != "bao_cao" and key in addressing:
            out.append(f"{key}:\n" + _addressing(addressing[key], "  "))
    return "".join(out)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _addressing(doc: m.Addressing, indent: str) -> str:
    out = []
    for key, items in (("kinh_gui", doc.to), ("noi_nhan", doc.recipients)):
        if items:
            out.append(f"{indent}{key}:\n")
            out += [f"{indent}  - {_quoted(item)}\n" for item in items]
    if doc.signer is not None:
        out.append(f"{indent}nguoi_ky:\n" + _signer(doc.signer, indent + "  "))
    return "".join(out)


def _signer(signer: m.Signer, indent: str) -> str:
    out = []
    for name, info in m.Signer.model_fields.items():
        value = getattr(signer, name)
        if value is not None:
            out.append(f"{indent}{info.alias}: {_quoted(value)}\n")
    return "".join(out)
