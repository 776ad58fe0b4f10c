"""The rules of the member list (``khoi.yaml``): ids, leader and deputy, names with marks.

A plain function ``YearData -> Iterator[Problem]``, registered with the other cross-file rules
in :mod:`thidua.compute.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from thidua.compute.suggest import did_you_mean, ids_text
from thidua.errors import Problem, error, warning
from thidua.sources import YamlPath
from thidua.year import CLUSTER, SCORES_DIR, YearData

__all__ = ["DEVICE_NAME", "check_members"]


# Names Windows reserves for devices, whatever the case and even with an extension: a
# score file diem/CON.yaml cannot be created or checked out there.
DEVICE_NAME = re.compile(r"(?:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(?:\..*)?", re.IGNORECASE)


# Syllables common in unit names that are always written with a mark there (Sở, Công,
# Thương, Cục, Ngân hàng, Nhà nước, tỉnh, …): an all-ASCII name holding one of them was
# typed without diacritics. Syllables also correct unmarked in names (thi, quan, ban, hoa,
# thanh, y, …) are deliberately left out, to keep false alarms rare.
_SYLLABLE_TEXT = (
    "so cong thuong cuc ngan nuoc nha bac thue ly truong ke thong tinh vien nhanh hai "
    "bao hiem xa hoi phong dan uy tai chinh dau tu hoach khoi nong nghiep giao duc binh "
    "kiem toan lien doan"
)
_MARKED_SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_ASCII_WORD = re.compile(r"[A-Za-z]+")


def _undiacritized(name: str) -> str | None:
    """The first marked syllable of ``name`` when the name is typed without diacritics.

    Only names of two or more words, all ASCII (no mark anywhere), with at least one
    word in ``_MARKED_SYLLABLES``; None otherwise.
    """
    if not name.isascii():
        return None
    words = _ASCII_WORD.findall(name)
    if len(words) < 2:
        return None
    return next((w for w in words if w.casefold() in _MARKED_SYLLABLES), None)


def _name_warnings(data: YearData, path: YamlPath, name: str | None) -> Iterator[Problem]:
    word = _undiacritized(name) if name is not None else None
    if word is not None:
        yield warning(
            data.pos(CLUSTER, path),
            f'tên "{name}" viết không dấu (ví dụ "{word}"); tên được in trên biên bản, báo '
            "cáo, nên hãy viết đủ dấu tiếng Việt như trong văn bản chính thức",
        )


def check_members(data: YearData) -> Iterator[Problem]:
    """Members are listed once; leader and deputy are members and not the same one.

    A member's id names its score file ``diem/<ID>.yaml``, so two ids may not differ only
    by case (one file on Windows and macOS) and no id may be a Windows device name. Names
    (``ten``, ``ten_ngan``) of the cluster and its members typed without diacritics
    ("So Cong Thuong") are warned (see ``_undiacritized``).
    """
    yield from _name_warnings(data, ("ten",), data.cluster.name)
    yield from _name_warnings(data, ("ten_ngan",), data.cluster.short_name)
    seen: dict[str, int] = {}
    folded: dict[str, tuple[str, int]] = {}
    for i, member in enumerate(data.cluster.members):
        yield from _name_warnings(data, ("thanh_vien", i, "ten_ngan"), member.short_name)
        yield from _name_warnings(data, ("thanh_vien", i, "ten"), member.name)
        where = data.pos(CLUSTER, ("thanh_vien", i, "ma"))
        if member.id in seen:
            yield error(
                where,
                f'đơn vị "{member.id}" được liệt kê hai lần trong danh sách thành viên '
                f"(lần đầu ở mục thứ {seen[member.id] + 1}); mỗi đơn vị chỉ ghi một lần",
            )
            continue
        seen[member.id] = i
        other = folded.setdefault(member.id.casefold(), (member.id, i))
        if other[0] != member.id:
            yield error(
                where,
                f'mã đơn vị "{member.id}" chỉ khác mã "{other[0]}" (mục thứ {other[1] + 1}) '
                f"ở chữ hoa, chữ thường; trên Windows và macOS hai tệp điểm "
                f"{SCORES_DIR}/{other[0]}.yaml và {SCORES_DIR}/{member.id}.yaml là một, "
                "nên hãy đặt hai mã khác hẳn nhau",
            )
        if DEVICE_NAME.fullmatch(member.id):
            yield error(
                where,
                f'mã đơn vị "{member.id}" trùng tên thiết bị dành riêng của Windows (CON, PRN, '
                "AUX, NUL, COM1–COM9, LPT1–LPT9) nên không tạo được tệp điểm "
                f"{SCORES_DIR}/{member.id}.yaml trên Windows; hãy đặt mã khác",
            )
    known = set(seen)
    for key, label, value in (
        ("truong_khoi", "Trưởng khối", data.cluster.leader),
        ("pho_khoi", "Phó khối", data.cluster.deputy),
    ):
        if value is not None and value not in known:
            yield error(
                data.pos(CLUSTER, (key,)),
                f'{label} "{value}" không phải là đơn vị thành viên'
                f"{did_you_mean(value, data.member_ids)}; "
                f"cần một trong các mã: {ids_text(data.member_ids)}",
            )
    if data.cluster.leader is not None and data.cluster.leader == data.cluster.deputy:
        yield error(
            data.pos(CLUSTER, ("pho_khoi",)),
            f'Phó khối trùng với Trưởng khối ("{data.cluster.leader}"); '
            "hai chức danh phải do hai đơn vị khác nhau đảm nhiệm",
        )
