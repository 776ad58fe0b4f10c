"""What changed in a year's data between two git revisions, and what it did to the ranking.

``thidua diff YEAR [REV_A [REV_B]]`` compares revision A (default ``HEAD``) with revision B
(default: the working tree, i.e. the files as they are on disk now). Each side is read
with the same loader as ``thidua check``; a side with errors stops the comparison, with
its problems shown as ``REV:path:line:col``. Then, per section:

- **Điểm**: per member and criterion, each of self-score, appraised score, reason,
  evidence and explanation that differs; a member's exclusion (``khong_xet``);
- **Phiếu bầu**: per ballot, the counts (present, issued, returned, valid, invalid) and the
  votes of each option as tallied (so anonymous papers count as totals do);
- **Hội nghị**, **Khối**, **Quy chế**, **Bảng tiêu chí**, **Nhiệm vụ**: each top-level
  fact that differs (long lists are summarised);
- **Văn bản** (``van-ban.yaml``): the issuer's name, each line of a signer, and per
  document its addressing and each report section that differs, named in words (a
  section's text shown on one line from just before where it first differs);
- **Tổng điểm và thứ hạng**: each member whose final total or rank moved (from
  :func:`thidua.compute.ranking.rank_year` on both sides);
- **Kết quả**: the leading unit, proposed awards, next year's leader and deputy.

Comparison is on the validated models, so pure layout changes (comments, quoting, key
order) are not changes. Output order follows the member list and the scoring table, never
dict or file order. This module is the pure comparison; the git part (temporary folders) is
:func:`thidua.repo.diff.diff_year`, the output :mod:`thidua.present.diff`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from thidua import models as m
from thidua.compute.results import rule_text
from thidua.numbers import number
from thidua.year import YearData

if TYPE_CHECKING:
    from thidua.compute.results import YearResult


# Section ids (JSON) and titles (text), in output order.
SECTIONS = {
    "diem": "Điểm",
    "phieu_bau": "Phiếu bầu",
    "hoi_nghi": "Hội nghị",
    "khoi": "Khối",
    "quy_che": "Quy chế",
    "tieu_chi": "Bảng tiêu chí",
    "nhiem_vu": "Nhiệm vụ",
    "van_ban": "Văn bản",
    "ket_qua": "Kết quả",
}

ENTRY_FIELDS = {
    "tu_cham": "tự chấm",
    "tham_dinh": "thẩm định",
    "ly_do": "lý do",
    "minh_chung": "minh chứng",
    "giai_trinh": "giải trình",
}

COUNT_FIELDS = {
    "co_mat": "có mặt",
    "phat_ra": "phát ra",
    "thu_ve": "thu về",
    "hop_le": "hợp lệ",
    "khong_hop_le": "không hợp lệ",
}

FIELD_LABELS = {
    # hoi-nghi.yaml
    "ten": "tên",
    "ngay": "ngày",
    "bat_dau": "giờ bắt đầu",
    "ket_thuc": "giờ kết thúc",
    "dia_diem": "địa điểm",
    "chu_tri": "chủ trì",
    "thu_ky": "thư ký",
    "thanh_phan": "thành phần tham dự",
    "khach_moi": "khách mời",
    "chuong_trinh": "chương trình",
    "thao_luan": "thảo luận",
    "ket_luan": "kết luận",
    "ban_kiem_phieu": "ban kiểm phiếu",
    "thong_qua_bien_ban": "thông qua biên bản",
    "so_van_ban": "số văn bản",
    "noi_nhan": "nơi nhận",
    "nguon": "nguồn",
    "ghi_chu": "ghi chú",
    # khoi.yaml
    "ten_ngan": "tên ngắn",
    "dia_ban": "địa bàn",
    "co_quan_cap_tren": "cơ quan cấp trên",
    "trang_thai": "trạng thái",
    "truong_khoi": "Trưởng khối",
    "pho_khoi": "Phó khối",
    "thanh_vien": "thành viên",
    "minh_hoa": "minh họa",
    # quy-che.yaml
    "can_cu": "căn cứ",
    "xep_hang": "thứ tự xếp hạng",
    "dan_dau": "quy tắc đơn vị dẫn đầu",
    "khen_thuong": "khen thưởng",
    "bau_truong_khoi": "bầu Trưởng khối",
    "bau_pho_khoi": "bầu Phó khối",
    "luan_phien": "thứ tự luân phiên",
    # tieu-chi.yaml
    "tong_diem": "tổng điểm",
    "nhom": "nhóm và tiêu chí",
    "loai": "loại",
    "toi_da": "điểm tối đa",
    "cach_cham": "cách chấm",
    "cach_tinh": "cách tính",
    "diem_moi_lan": "điểm mỗi lần",
    "huong_dan": "hướng dẫn",
    # nhiem-vu.yaml
    "so_nhiem_vu_trong_tam": "số nhiệm vụ trọng tâm",
    "nhiem_vu_trong_tam": "nhiệm vụ trọng tâm",
    "phong_trao": "phong trào thi đua",
}


@dataclass(frozen=True)
class Change:
    """One fact that differs: where (section, subject), which field, old and new text."""

    section: str  # a key of SECTIONS
    subject: str  # e.g. "NHNN, tiêu chí 1.1", "binh-chon", "" for the file itself
    field: str  # Vietnamese label, e.g. "tự chấm"
    key: str  # the YAML key, e.g. "tu_cham" (for programs)
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Move:
    """A member's final total and rank on each side (None: not a member there)."""

    member: str
    name: str
    old_total: Fraction | None
    new_total: Fraction | None
    old_rank: int | None
    new_rank: int | None


@dataclass(frozen=True)
class YearDiff:
    year: int
    label_a: str
    label_b: str
    changes: tuple[Change, ...]
    moves: tuple[Move, ...]  # only members whose total or rank moved

    @property
    def empty(self) -> bool:
        return not self.changes and not self.moves


# --------------------------------------------------------------------------- values


def show(value: object) -> str | None:
    """A value as a reader sees it: Vietnamese numbers and dates; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (Decimal, Fraction, int)):
        return number(value, 4)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, m.Quantity):
        return f"thực hiện {number(value.actual, 4)}, chỉ tiêu {number(value.target, 4)}"
    if isinstance(value, m.Person):
        parts = [p for p in (value.name, value.title) if p]
        text = ", ".join(parts) or "(chưa ghi họ tên)"
        return f"{text} ({value.member})" if value.member else text
    if isinstance(value, m.Attendance):
        return value.member
    if isinstance(value, m.CommitteeMember):
        about = ", ".join(p for p in (value.role, value.title, value.member) if p)
        return f"{value.name} ({about})" if about else value.name
    if isinstance(value, m.MinutesVote):
        return f"{value.agreed}/{value.present} tán thành"
    if isinstance(value, m.Member):
        return f"{value.id} ({value.short_name})"
    if isinstance(value, m.VoteRule):
        return f"cuộc bầu {value.ballot}, {rule_text(value)}"
    if isinstance(value, m.Ranking):
        return ", ".join(value.keys)
    if isinstance(value, list):
        simple = all(isinstance(v, (str, m.Member, m.Attendance, m.CommitteeMember)) for v in value)
        if simple and len(value) <= 5:
            return "; ".join(show(v) or "" for v in value)
        return f"{len(value)} mục"
    if isinstance(value, BaseModel):
        return "(đã sửa)"
    if isinstance(value, enum.Enum):  # the Vietnamese label where the model has one
        return str(getattr(value, "label", value.value))
    return str(value)


def _field_changes(
    section: str,
    subject: str,
    old: BaseModel | None,
    new: BaseModel | None,
    skip: Sequence[str] = (),
) -> Iterator[Change]:
    """Changes of the top-level fields of one file (or one model), in field order."""
    present = new if new is not None else old
    if present is None:
        return
    for name, info in type(present).model_fields.items():
        key = info.alias or name
        if key in skip:
            continue
        a = getattr(old, name) if old is not None else None
        b = getattr(new, name) if new is not None else None
        if a == b or (_blank(a) and _blank(b)):
            continue
        sa, sb = show(a), show(b)
        if sa == sb and isinstance(a, (list, BaseModel)):
            sa, sb = "(trước khi sửa)", "(đã sửa)"
        yield Change(section, subject, FIELD_LABELS.get(key, key), key, sa, sb)


def _table_changes(ta: m.ScoringTableFile, tb: m.ScoringTableFile) -> Iterator[Change]:
    """Groups and criteria of the scoring table added, removed or changed."""
    groups_a = {g.id: g for g in ta.groups}
    groups_b = {g.id: g for g in tb.groups}
    for gid in _ordered(groups_a, groups_b):
        ga, gb = groups_a.get(gid), groups_b.get(gid)
        subject = f"nhóm {gid}"
        if ga is None or gb is None:
            yield Change("tieu_chi", subject, "nhóm", "nhom", _name(ga), _name(gb))
            continue
        yield from _field_changes("tieu_chi", subject, ga, gb, skip=("ma", "tieu_chi"))
    crit_a = {c.id: c for g in ta.groups for c in g.criteria}
    crit_b = {c.id: c for g in tb.groups for c in g.criteria}
    for cid in _ordered(crit_a, crit_b):
        ca, cb = crit_a.get(cid), crit_b.get(cid)
        subject = f"tiêu chí {cid}"
        if ca is None or cb is None:
            yield Change("tieu_chi", subject, "tiêu chí", "tieu_chi", _name(ca), _name(cb))
            continue
        yield from _field_changes("tieu_chi", subject, ca, cb, skip=("ma",))


def _name(item: m.Group | m.Criterion | None) -> str | None:
    return item.name if item is not None else None


def _blank(value: object) -> bool:
    return value is None or value == [] or value == {}


# --------------------------------------------------------------------------- compare


def compare(a: YearResult, b: YearResult, label_a: str, label_b: str) -> YearDiff:
    """Every change from ``a`` to ``b`` (two results of the same year). Pure."""
    da, db = a.data, b.data
    changes: list[Change] = []
    changes += _score_changes(da, db)
    changes += _ballot_changes(a, b)
    if da.conference is not None or db.conference is not None:
        changes += _field_changes("hoi_nghi", "", da.conference, db.conference)
    changes += _field_changes("khoi", "", da.cluster, db.cluster)
    changes += _field_changes("quy_che", "", da.regulation, db.regulation)
    changes += _field_changes("tieu_chi", "", da.table, db.table, skip=("nhom",))
    changes += _table_changes(da.table, db.table)
    if da.tasks is not None or db.tasks is not None:
        changes += _field_changes("nhiem_vu", "", da.tasks, db.tasks)
    changes += _documents_changes(da.documents, db.documents)
    changes += _outcome_changes(a, b)
    return YearDiff(da.year, label_a, label_b, tuple(changes), tuple(_moves(a, b)))


# --------------------------------------------------------------------------- van-ban.yaml

# The documents of van-ban.yaml with an addressing of their own: key -> model field, label.
DOCUMENT_PARTS = {
    "bao_cao": ("report", "báo cáo tổng kết"),
    "to_trinh": ("proposal", "tờ trình đề nghị khen thưởng"),
    "bien_ban": ("minutes", "biên bản hội nghị"),
    "xep_hang": ("ranking", "kết quả xếp hạng"),
    "thong_bao": ("notice", "thông báo kết quả thẩm định"),
}
DOCUMENT_LABELS = {
    "ten_co_quan": "tên cơ quan ban hành",
    "kinh_gui": "kính gửi",
    "noi_nhan": "nơi nhận",
    "ho_so_kem_theo": "hồ sơ kèm theo",
    "thay_mat": "người ký: thay mặt",
    "chuc_danh": "người ký: chức danh",
    "chuc_vu": "người ký: chức vụ",
    "ho_ten": "người ký: họ tên",
}
_EXCERPT = 60  # characters of a section's text shown in a change


def _documents_changes(a: m.DocumentsFile | None, b: m.DocumentsFile | None) -> Iterator[Change]:
    """Changes of ``van-ban.yaml``: file-level facts, the common signer, each document."""
    if a is None and b is None:
        return
    skip = ("nguoi_ky", *DOCUMENT_PARTS)
    for change in _field_changes("van_ban", "", a, b, skip=skip):
        label = DOCUMENT_LABELS.get(change.key, change.field)
        yield Change("van_ban", "", label, change.key, change.old, change.new)
    yield from _signer_changes("", "nguoi_ky", _get(a, "signer"), _get(b, "signer"))
    for key, (name, label) in DOCUMENT_PARTS.items():
        yield from _document_changes(key, label, _get(a, name), _get(b, name))


def _get(model: BaseModel | None, name: str) -> Any:
    return getattr(model, name) if model is not None else None


def _document_changes(
    key: str, subject: str, a: m.Addressing | None, b: m.Addressing | None
) -> Iterator[Change]:
    present = b if b is not None else a
    if present is None:
        return
    for name, info in type(present).model_fields.items():
        field = info.alias or name
        va, vb = _get(a, name), _get(b, name)
        if field == "nguoi_ky":
            yield from _signer_changes(subject, f"{key}.nguoi_ky", va, vb)
            continue
        if va == vb or (_blank(va) and _blank(vb)):
            continue
        if field in m.REPORT_SECTIONS:
            label = f"phần {m.REPORT_SECTIONS[field]}"
            sa, sb = _excerpts(va, vb)
        else:
            label = DOCUMENT_LABELS.get(field, field)
            sa, sb = (None if _blank(v) else show(v) for v in (va, vb))
        if sa == sb:
            sa, sb = "(trước khi sửa)", "(đã sửa)"
        yield Change("van_ban", subject, label, f"{key}.{field}", sa, sb)


def _signer_changes(
    subject: str, key: str, a: m.Signer | None, b: m.Signer | None
) -> Iterator[Change]:
    for name, info in m.Signer.model_fields.items():
        field = info.alias or name
        va, vb = _get(a, name), _get(b, name)
        if va != vb:
            sa, sb = (None if v is None else v or "(không in)" for v in (va, vb))
            yield Change("van_ban", subject, DOCUMENT_LABELS[field], f"{key}.{field}", sa, sb)


def _excerpts(a: str | None, b: str | None) -> tuple[str | None, str | None]:
    """Two texts of a report section on one line each, from where they first differ.

    Their opening words when those differ; else from a few words before the first
    difference, with a leading "…". Texts that differ only in line breaks say so.
    """
    fa, fb = (" ".join(t.split()) if t is not None and t.strip() else None for t in (a, b))
    if fa is None or fb is None or _cut(fa) != _cut(fb):
        return _cut(fa), _cut(fb)
    if fa == fb:
        return "(trước khi sửa)", "(đã sửa cách ngắt đoạn, xuống dòng)"
    wa, wb = fa.split(" "), fb.split(" ")
    differ = next((i for i, (x, y) in enumerate(zip(wa, wb, strict=False)) if x != y), None)
    start = max(0, (differ if differ is not None else min(len(wa), len(wb))) - 3)
    return "…" + str(_cut(" ".join(wa[start:]))), "…" + str(_cut(" ".join(wb[start:])))


def _cut(flat: str | None) -> str | None:
    """``flat`` up to about ``_EXCERPT`` characters, cut at a word with "…"."""
    if flat is None or len(flat) <= _EXCERPT:
        return flat
    return flat[:_EXCERPT].rsplit(" ", 1)[0] + "…"


def _ordered(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """``second``'s order, then what only ``first`` has, in its order (no duplicates)."""
    out = list(dict.fromkeys(second))
    out += [x for x in dict.fromkeys(first) if x not in out]
    return out


def _criterion_ids(data: YearData) -> list[str]:
    return [c.id for g in data.table.groups for c in g.criteria]


def _score_changes(da: YearData, db: YearData) -> Iterator[Change]:
    members = _ordered(da.member_ids, db.member_ids)
    members += [x for x in _ordered(da.scores, db.scores) if x not in members]
    criteria = _ordered(_criterion_ids(da), _criterion_ids(db))
    empty = m.ScoreEntry.model_validate({})
    for mid in members:
        fa, fb = da.scores.get(mid), db.scores.get(mid)
        sa = fa.scores if fa is not None else {}
        sb = fb.scores if fb is not None else {}
        for cid in [*criteria, *(c for c in _ordered(sa, sb) if c not in criteria)]:
            ea, eb = sa.get(cid, empty), sb.get(cid, empty)
            if ea == eb:
                continue
            for name, info in m.ScoreEntry.model_fields.items():
                key = info.alias or name
                va, vb = getattr(ea, name), getattr(eb, name)
                if va != vb:
                    subject = f"{mid}, tiêu chí {cid}"
                    yield Change("diem", subject, ENTRY_FIELDS[key], key, show(va), show(vb))
        xa = fa.exclusion.reason if fa is not None and fa.exclusion else None
        xb = fb.exclusion.reason if fb is not None and fb.exclusion else None
        if xa != xb:
            yield Change("diem", mid, "không xét (lý do)", "khong_xet", xa, xb)


def _ballot_changes(a: YearResult, b: YearResult) -> Iterator[Change]:
    for bid in _ordered(a.tallies, b.tallies):
        ta, tb = a.tallies.get(bid), b.tallies.get(bid)
        if ta is None or tb is None:
            present = tb if tb is not None else ta
            title = present.ballot.title if present is not None else bid
            yield Change(
                "phieu_bau",
                bid,
                "cuộc bầu",
                "cuoc_bau",
                None if ta is None else title,
                None if tb is None else title,
            )
            continue
        if ta.ballot.title != tb.ballot.title:
            yield Change("phieu_bau", bid, "tên", "ten", ta.ballot.title, tb.ballot.title)
        for key, label in COUNT_FIELDS.items():
            va, vb = _count(ta, key), _count(tb, key)
            if va != vb:
                yield Change(
                    "phieu_bau",
                    bid,
                    f"số phiếu {label}" if key != "co_mat" else label,
                    key,
                    show(va),
                    show(vb),
                )
        for option in _ordered(ta.votes, tb.votes):
            va, vb = ta.votes.get(option), tb.votes.get(option)
            if va != vb:
                yield Change(
                    "phieu_bau",
                    bid,
                    f"số phiếu cho {option}",
                    f"ket_qua.{option}",
                    show(va),
                    show(vb),
                )


def _count(t: Any, key: str) -> int | None:
    value = {
        "co_mat": t.present,
        "phat_ra": t.issued,
        "thu_ve": t.returned,
        "hop_le": t.valid,
        "khong_hop_le": t.invalid,
    }[key]
    return value if isinstance(value, int) else None


def _outcome_changes(a: YearResult, b: YearResult) -> Iterator[Change]:
    def member(x: m.Member | None) -> str | None:
        return x.short_name if x is not None else None

    if member(a.leading) != member(b.leading):
        yield Change(
            "ket_qua", "", "đơn vị dẫn đầu", "dan_dau", member(a.leading), member(b.leading)
        )
    awards_a = _awards(a)
    awards_b = _awards(b)
    for name in _ordered(awards_a, awards_b):
        va, vb = awards_a.get(name), awards_b.get(name)
        if va != vb:
            yield Change("ket_qua", "", name, "khen_thuong", va, vb)
    for ea, eb, key in (
        (a.next_leader, b.next_leader, "truong_khoi_nam_sau"),
        (a.next_deputy, b.next_deputy, "pho_khoi_nam_sau"),
    ):
        if member(ea.member) != member(eb.member):
            label = f"{eb.office} năm {b.data.year + 1}"
            yield Change("ket_qua", "", label, key, member(ea.member), member(eb.member))


def _awards(result: YearResult) -> dict[str, str]:
    names: dict[str, list[str]] = {}
    for award in result.awards:
        names.setdefault(award.name, []).append(award.member.short_name)
    return {name: ", ".join(members) for name, members in names.items()}


def _moves(a: YearResult, b: YearResult) -> Iterator[Move]:
    rows_a = {row.member.id: row for row in a.rows}
    rows_b = {row.member.id: row for row in b.rows}
    for mid in _ordered(a.data.member_ids, b.data.member_ids):
        ra, rb = rows_a.get(mid), rows_b.get(mid)
        ta = ra.score.total_exact if ra is not None else None
        tb = rb.score.total_exact if rb is not None else None
        ka = ra.rank if ra is not None else None
        kb = rb.rank if rb is not None else None
        if ta != tb or ka != kb:
            row = rb if rb is not None else ra
            name = row.member.short_name if row is not None else mid
            yield Move(mid, name, ta, tb, ka, kb)
