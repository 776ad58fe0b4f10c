"""No document shows the program (issue 12): every document thidua renders, for the bundled
2020 and 2021 and for a deliberately incomplete year, in Markdown and HTML, is free of member,
ballot and criterion codes, setting and key names, file names, the program's name, warning
and error words, and the "(Ký, ghi rõ họ tên …)" hint of a blank form.

The documents are taken from the ``Doc`` enum, so a new document is covered the day it is
added. A document that cannot honestly be made for a year (a :class:`RenderError`) is
skipped, but its message must be Vietnamese.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from pydantic import BaseModel

from thidua import models as m
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format, RenderError
from thidua.present.render import render_document
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise
from yeardata import write_year

BUNDLED = Path(__file__).resolve().parents[1] / "data"

# A year in progress that lacks what can lack: no ballots, no conference, no documents
# file, no leader or deputy, one member without scores, codes that are not numbering
# (a group "chinh-tri", criteria "ke-hoach" and "phoi-hop"), ballots the regulation names
# but nobody recorded, a rotation that cannot be followed.
INCOMPLETE = {
    "khoi.yaml": """\
        nam: 2020
        ten: Khối thi đua các sở kinh tế tỉnh Thử Nghiệm
        ten_ngan: Khối thi đua các sở kinh tế
        dia_ban: Thử Nghiệm
        trang_thai: dang_dien_ra
        thanh_vien:
          - {ma: STC, ten_ngan: Sở Tài chính, ten: Sở Tài chính tỉnh Thử Nghiệm}
          - {ma: SXD, ten_ngan: Sở Xây dựng, ten: Sở Xây dựng tỉnh Thử Nghiệm}
          - {ma: SYT, ten_ngan: Sở Y tế, ten: Sở Y tế tỉnh Thử Nghiệm}
        """,
    "quy-che.yaml": """\
        nam: 2020
        xep_hang:
          thu_tu: [diem, "phieu:binh-chon-so", "nhom:chinh-tri", diem_tru]
        dan_dau: {cuoc_bau: binh-chon-so, nguong: 50%, so_sanh: lon_hon, mau_so: hop_le}
        khen_thuong:
          - {hinh_thuc: Cờ thi đua của Ủy ban nhân dân tỉnh, doi_tuong: dan_dau}
          - hinh_thuc: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh
            doi_tuong: tiep_theo
            so_luong: 1
        bau_truong_khoi: {cuoc_bau: bau-truong-khoi-so, nguong: 50%, mau_so: co_mat}
        luan_phien: [SXD, SYT, STC]
        """,
    "tieu-chi.yaml": """\
        nam: 2020
        nhom:
          - ma: chinh-tri
            ten: Thực hiện nhiệm vụ chính trị
            toi_da: 30
            tieu_chi:
              - {ma: ke-hoach, ten: Hoàn thành kế hoạch, loai: dinh_tinh, toi_da: 20,
                 cach_cham: thang_diem}
              - {ma: phoi-hop, ten: Phối hợp trong Khối, loai: dinh_tinh, toi_da: 10,
                 cach_cham: dat_khong_dat}
        """,
    "diem/STC.yaml": """\
        nam: 2020
        don_vi: STC
        diem:
          ke-hoach: {tu_cham: 18, tham_dinh: 17, ly_do: Một chỉ tiêu hoàn thành chậm}
          phoi-hop: {tu_cham: đạt}
        """,
    "diem/SXD.yaml": """\
        nam: 2020
        don_vi: SXD
        diem:
          ke-hoach: {tu_cham: 15}
        """,
    "diem/A.yaml": None,
    "diem/B.yaml": None,
    "diem/C.yaml": None,
}


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory: pytest.TempPathFactory) -> YearResult:
    root = tmp_path_factory.mktemp("incomplete")
    write_year(root, INCOMPLETE)
    data, _ = open_year_or_raise(root / "data", 2020)
    return rank_year(data)


@pytest.fixture(scope="module")
def years(incomplete: YearResult) -> dict[str, YearResult]:
    out = {"incomplete": incomplete}
    for year in (2020, 2021):
        data, _ = open_year_or_raise(BUNDLED, year)
        out[str(year)] = rank_year(data)
    return out


# --- what must not appear ---------------------------------------------------------------------


def _models() -> Iterator[type[BaseModel]]:
    for value in vars(m).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
            yield value


def snake_case_keys() -> set[str]:
    """Every key of the data files written in snake_case (``bau_pho_khoi``, ``ten_ngan``) and
    every such value of a setting (``dang_dien_ra``, ``tiep_theo``, ``diem_tu_cham``)."""
    keys = {
        info.alias
        for model in _models()
        for info in model.model_fields.values()
        if info.alias is not None and "_" in info.alias
    }
    for value in vars(m).values():
        if isinstance(value, type) and issubclass(value, enum.Enum):
            keys |= {str(e.value) for e in value if "_" in str(e.value)}
    return keys | {"diem_tu_cham", "diem_tru", "diem_cong", "dong_y", "khong_dong_y"}


def test_the_key_list_is_not_empty() -> None:
    """The keys searched for include the ones the issue found in a signed document."""
    keys = snake_case_keys()
    assert {"bau_pho_khoi", "luan_phien", "minh_hoa", "ten_ngan", "dang_dien_ra"} <= keys


WORDS = (".yaml", "thidua", "cảnh báo", "lỗi", "ký, ghi rõ", "phieu:", "nhom:", "data/")
# A group or criterion code that reads as the table's own numbering ("I", "1.2") is what the
# documents print as the number: it is not a code showing through.
NUMBERING = re.compile(r"^(?:[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*)$")
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def codes(result: YearResult) -> set[str]:
    """Member, ballot, group and criterion codes of the year (ballots the regulation names
    without results included)."""
    data = result.data
    found = set(data.member_ids)
    if data.ballots is not None:
        found |= {b.id for b in data.ballots.ballots}
    reg = data.regulation
    for rule in (reg.leading, reg.leader_election, reg.deputy_election):
        if rule is not None:
            found.add(rule.ballot)
    found |= {key.partition(":")[2] for key in reg.ranking.keys if ":" in key}
    for group in data.table.groups:
        found |= {group.id, *(c.id for c in group.criteria)}
    return {code for code in found if code and not NUMBERING.match(code)}


def names(result: YearResult) -> list[str]:
    """Names in which a code may legitimately appear ("NHNN tỉnh Hòa Bình"), longest first."""
    data = result.data
    found = {data.cluster.name, data.cluster.short_name or ""}
    for member in data.cluster.members:
        found |= {member.name, member.short_name}
    return sorted((n for n in found if n), key=len, reverse=True)


def visible(text: str, fmt: Format) -> str:
    if fmt is Format.MD:
        return text
    root = lxml.html.document_fromstring(text)
    for style in root.iter("style"):
        style.drop_tree()
    return str(root.text_content())


def program_talk(text: str, result: YearResult) -> list[str]:
    """What in ``text`` is the program's, not an official's."""
    lowered = text.lower()
    found = [word for word in WORDS if word in lowered]
    found += sorted(key for key in snake_case_keys() if key in text)
    plain = text
    for name in names(result):
        plain = plain.replace(name, " ")
    for code in sorted(codes(result)):
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", plain):
            found.append(code)
    return found


def documents(result: YearResult, fmt: Format) -> Iterator[tuple[str, str]]:
    """Every document of ``result`` in ``fmt`` as (what, text); a per-member document both
    for every member and for one."""
    next_tasks = load_next_tasks(result.data)
    for doc in Doc:
        runs: list[dict[str, str]] = [{}]
        if getattr(doc, "per_member", False):
            runs.append({"member": result.data.member_ids[0]})
        for extra in runs:
            what = f"{doc.value} {extra}".strip()
            try:
                text = render_document(result, doc, fmt, next_tasks=next_tasks, **extra)
            except RenderError as exc:
                assert VIETNAMESE.search(exc.message), f"{what}: {exc.message}"
                assert "Traceback" not in exc.message
                continue
            yield what, visible(text, fmt)


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
@pytest.mark.parametrize("year", ["2020", "2021", "incomplete"])
def test_no_document_shows_the_program(
    years: dict[str, YearResult], year: str, fmt: Format
) -> None:
    """Rendered as the secretariat receives them, no document names a code, key, file,
    command or warning: what the regulation leaves open is a blank or an official's words."""
    result = years[year]
    made = 0
    for what, text in documents(result, fmt):
        made += 1
        assert program_talk(text, result) == [], what
    assert made >= 3  # at least the report, the score sheet and the ranking


def test_the_incomplete_year_would_show_its_codes(incomplete: YearResult) -> None:
    """The search finds a code, a key and a file name where they would show."""
    text = "Chưa có kết quả cuộc bỏ phiếu binh-chon-so (bau_pho_khoi) trong quy-che.yaml; SXD"
    found = program_talk(text, incomplete)
    assert {".yaml", "bau_pho_khoi", "SXD", "binh-chon-so"} <= set(found)
    # Inside a name a code is not a code: "Sở Y tế" holds no "SYT", but a short name might.
    assert program_talk("Sở Tài chính tỉnh Thử Nghiệm", incomplete) == []
