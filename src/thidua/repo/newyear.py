"""Start a new year from the previous one (``thidua new-year YEAR [--from PREV]``).

What the new folder ``data/<YEAR>/`` holds:

- ``khoi.yaml``: the previous year's cluster and members, ``nam`` set to the new year,
  ``trang_thai: dang_dien_ra``, and ``truong_khoi`` / ``pho_khoi`` taken from the previous
  year's result (:attr:`~thidua.compute.results.YearResult.next_leader` and ``next_deputy``: the
  election ballot, else the rotation order); a key is left out when its office is not
  decided. The header comment is replaced by one saying where the file came from; other
  comments are kept.
- ``quy-che.yaml`` and ``tieu-chi.yaml``: copied with every comment, ``nam`` set to the new
  year; in the titles (``ten``) the previous year is replaced by the new one, and ballot
  ids the regulation names (``cuoc_bau``, ``phieu:<id>``) that end in the previous year or
  the one after are moved forward by the same number of years
  (``truong-khoi-2021`` → ``truong-khoi-2022``), since each year votes again; in their
  leading comment block the previous year standing alone (not in a date like 30/12/2020
  or a range like 2016-2020) becomes the new one (:func:`shift_header_year`);
- ``diem/<ID>.yaml``: an empty score file (``diem: {}``) for every member, its comment
  showing how to score the table's first criterion in the form its kind asks for
  (:func:`score_example`);
- ``van-ban.yaml``: every report section present and empty, commented; the previous
  year's issuer name, signer and addressing carried over, the narrative not
  (:mod:`thidua.repo.documents_file`); a signer's post and name only while the leader
  unit stays the same;
- no ``phieu-bau.yaml``, ``hoi-nghi.yaml`` (so no ballot-counting committee) or
  ``nhiem-vu.yaml``: those belong to the year.

Every file starts with the ``yaml-language-server`` schema comment pointing to
``schema/<kind>.json`` beside the data folder (``thidua schema -o schema`` writes them), and
is in the layout of ``thidua fmt``. The previous year must check without errors. The new
folder is checked by the loader before it appears, and appears all at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua import models as m
from thidua.compute.ranking import rank_year
from thidua.errors import DataError, ThiduaError
from thidua.read.load import display_path
from thidua.repo.documents_file import carried, documents_text
from thidua.repo.years import open_year, open_year_or_raise
from thidua.year import CLUSTER, DOCUMENTS, REGULATION, SCORES_DIR, TABLE, TASKS

__all__ = [
    "NewYear",
    "build",
    "check_folder",
    "schema_comment",
    "schema_kind",
    "score_example",
    "score_file",
    "shift_header_year",
]

SCHEMA_COMMENT = "# yaml-language-server: $schema="


@dataclass
class NewYear:
    """The files of the new year (name -> bytes) and what to tell the user."""

    year: int
    prev: int
    folder: Path
    files: dict[str, bytes] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)


def schema_kind(name: str) -> str:
    """The schema a data file follows: ``khoi.yaml`` → ``khoi``, ``diem/A.yaml`` → ``diem``."""
    head, _, _tail = name.partition("/")
    return SCORES_DIR if head == SCORES_DIR else name.removesuffix(".yaml")


def schema_comment(name: str) -> str:
    """The editor comment for file ``name`` of a year folder (``khoi.yaml``, ``diem/A.yaml``).

    The schema folder is ``schema/`` beside the data folder: ``../../schema/khoi.json``
    from ``data/2021/khoi.yaml``, one more ``../`` from a score file.
    """
    up = "../" * (name.count("/") + 2)  # out of the year folder, then the data folder
    return f"{SCHEMA_COMMENT}{up}schema/{schema_kind(name)}.json"


def _with_schema(text: str, comment: str) -> str:
    """``text`` with ``comment`` as its first line (replacing an older schema comment)."""
    first, newline, rest = text.partition("\n")
    if first.startswith(SCHEMA_COMMENT):
        return comment + "\n" + rest
    return comment + "\n" + text if newline or not text else comment + "\n" + text + "\n"


_YEAR_WORD = r"(?<![0-9]){}(?![0-9])"


def _shift_id(ballot: str, prev: int, year: int) -> str:
    """``truong-khoi-2021`` → ``truong-khoi-2022`` when going from 2020 to 2021."""
    delta = year - prev

    def shift(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return str(n + delta) if n in (prev, prev + 1) else match.group(1)

    return re.sub(r"(?<![0-9])([0-9]{4})$", shift, ballot)


def build(data_dir: Path, year: int, prev: int | None) -> NewYear:
    """Everything ``new-year`` would write; reads ``prev``, writes nothing."""
    from thidua.repo.fmt import format_source, model_for

    prev = year - 1 if prev is None else prev
    target = data_dir / str(year)
    if target.exists():
        raise ThiduaError(
            f"đã có thư mục năm {year} ({display_path(target)}); new-year không ghi "
            "đè một năm đã có — hãy xóa hoặc đổi tên thư mục đó nếu muốn tạo lại"
        )
    if prev == year:
        raise ThiduaError(f"năm nguồn (--from) phải khác năm {year} cần tạo")
    data, _warnings = open_year_or_raise(data_dir, prev)
    result = rank_year(data)
    plan = NewYear(year, prev, target)
    folder = data.folder

    leader = result.next_leader
    deputy = result.next_deputy
    texts: dict[str, str] = {}

    # khoi.yaml
    root = _load_rt(folder / CLUSTER)
    root["nam"] = str(year)
    root["trang_thai"] = m.YearState.IN_PROGRESS.value
    for key, election in (("truong_khoi", leader), ("pho_khoi", deputy)):
        if election.member is not None:
            root[key] = election.member.id
        elif key in root:
            del root[key]
    root.ca.comment = None
    root.yaml_set_start_comment(
        f"Khối thi đua năm {year}, tạo bằng lệnh thidua new-year từ dữ liệu năm {prev}.\n"
        f"Trưởng khối, Phó khối năm {year} lấy theo kết quả năm {prev}; "
        "thành viên chép từ năm trước."
    )
    texts[CLUSTER] = _dump_rt(root)

    # quy-che.yaml, tieu-chi.yaml
    renamed: list[str] = []
    for name in (REGULATION, TABLE):
        root = _load_rt(folder / name)
        root["nam"] = str(year)
        title = root.get("ten")
        if isinstance(title, str):
            new_title = re.sub(_YEAR_WORD.format(prev), str(year), title)
            if new_title != title:
                root["ten"] = new_title
        if name == REGULATION:
            renamed += _shift_ballots(root, prev, year)
        texts[name] = shift_header_year(_dump_rt(root), prev, year)

    members = data.cluster.members
    first = data.table.groups[0].criteria[0]
    for member in members:
        texts[f"{SCORES_DIR}/{member.id}.yaml"] = score_file(member, year, first)

    # van-ban.yaml: a signer's post and name belong to the leader unit's head.
    same_leader = leader.member is not None and leader.member.id == data.cluster.leader
    carry = None
    if data.documents is not None:
        carry = carried(prev, data.documents, same_leader)
    texts[DOCUMENTS] = documents_text(year, carry)

    for name, text in texts.items():
        model = model_for(name)
        assert model is not None
        shown = f"{year}/{name}"
        canonical = format_source(text.encode("utf-8"), model, shown).decode("utf-8")
        plan.files[name] = _with_schema(canonical, schema_comment(name)).encode()

    shown_target = display_path(target)
    plan.report.append(f"Đã tạo dữ liệu năm {year} tại {shown_target} (từ năm {prev}):")
    plan.report.append(f"  - {CLUSTER}: {len(members)} đơn vị thành viên, năm đang diễn ra;")
    for office, election in ((leader.office, leader), (deputy.office, deputy)):
        who = election.member
        if who is None:
            plan.report.append(f"    {office}: {election.how};")
        else:
            plan.report.append(f"    {office}: {who.id} ({who.short_name}) — {election.how};")
    copied = f"  - {REGULATION}, {TABLE}: chép từ năm {prev}, đã đổi năm"
    if renamed:
        copied += "; mã cuộc bầu: " + ", ".join(renamed)
    plan.report.append(copied + ";")
    plan.report.append(f"  - {SCORES_DIR}/: {len(members)} tệp điểm trống;")
    blank = "các phần lời văn báo cáo để trống"
    if carry is None or not carry.parts:
        plan.report.append(f"  - {DOCUMENTS}: {blank}, chờ Văn phòng Khối viết.")
    else:
        end = ";" if carry.dropped_person else "."
        plan.report.append(
            f"  - {DOCUMENTS}: {', '.join(carry.parts)} chép từ năm {prev}; {blank}{end}"
        )
    if carry is not None and carry.dropped_person:
        if leader.member is None:
            why = f"chưa xác định Trưởng khối năm {year}"
        elif data.cluster.leader is None:
            why = f"năm {prev} không ghi Trưởng khối"
        else:
            why = (
                f"Trưởng khối năm {year} là {leader.member.id}, không còn là {data.cluster.leader}"
            )
        plan.report.append(
            f"    Người ký: không chép chức vụ, họ tên vì {why}; để trống thì ký là thủ "
            f"trưởng đơn vị Trưởng khối ghi trong {CLUSTER}."
        )
    if data.cluster.state is m.YearState.IN_PROGRESS:
        plan.report.append(
            f"Lưu ý: năm {prev} chưa kết thúc (trang_thai: dang_dien_ra), "
            "nên Trưởng khối, Phó khối lấy theo kết quả tạm tính."
        )
    plan.report.append(
        f"Việc tiếp theo: xem lại {REGULATION} và {TABLE}, ghi {TASKS}, "
        f"rồi chạy: thidua check {year}"
    )
    return plan


def check_folder(year: int) -> Callable[[Path], None]:
    """Check for :func:`.atomic.create_dir_atomic`: the new folder must load cleanly."""

    def check(built: Path) -> None:
        _data, problems = open_year(built.parent, year)
        errors = [p for p in problems if p.is_error]
        if errors:  # pragma: no cover - would be a bug in new-year
            raise DataError(errors)

    return check


def _shift_ballots(root: Any, prev: int, year: int) -> list[str]:
    """Move the regulation's ballot ids forward a year; return ``old → new`` notes."""
    notes: list[str] = []
    for key in ("dan_dau", "bau_truong_khoi", "bau_pho_khoi"):
        rule = root.get(key)
        if isinstance(rule, dict) and isinstance(rule.get("cuoc_bau"), str):
            old = rule["cuoc_bau"]
            new = _shift_id(old, prev, year)
            if new != old:
                rule["cuoc_bau"] = new
                notes.append(f"{old} → {new}")
    ranking = root.get("xep_hang")
    keys = ranking.get("thu_tu") if isinstance(ranking, dict) else None
    if isinstance(keys, list):
        for i, key in enumerate(keys):
            if isinstance(key, str) and key.startswith("phieu:"):
                new = "phieu:" + _shift_id(key.removeprefix("phieu:"), prev, year)
                if new != key:
                    keys[i] = new
                    note = f"{key.removeprefix('phieu:')} → {new.removeprefix('phieu:')}"
                    if note not in notes:
                        notes.append(note)
    return notes


# A year in a header comment is the data's year only when it stands alone: not part of a
# date (30/12/2020), a number (2020.5) or a range (2016-2020).
_HEADER_YEAR = r"(?<![0-9/\-–])(?<![0-9]\.){}(?![0-9/\-–]|\.[0-9])"


def shift_header_year(text: str, prev: int, year: int) -> str:
    """``text`` with ``prev`` replaced by ``year`` in its leading comment block only."""
    lines = text.split("\n")
    pattern = re.compile(_HEADER_YEAR.format(prev))
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            break
        if not line.startswith(SCHEMA_COMMENT):
            lines[i] = pattern.sub(str(year), line)
    return "\n".join(lines)


def _number(value: Decimal) -> str:
    """``value`` as YAML writes a score: ``18``, ``4.5`` (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def score_example(criterion: m.Criterion) -> str:
    """What ``tu_cham`` of ``criterion`` looks like, in the form its kind asks for."""
    kind = criterion.kind
    if kind is m.CriterionKind.QUALITATIVE:
        if criterion.qualitative_mode is m.QualitativeMode.MET:
            return "đạt"
        return _number(criterion.maximum * Decimal("0.9"))  # within the maximum
    if kind is m.CriterionKind.QUANTITATIVE:
        return "{thuc_hien: 105, chi_tieu: 100}  # thực hiện so với chỉ tiêu, cùng đơn vị tính"
    if kind is m.CriterionKind.PER_COUNT:
        return "2  # số lần"
    half = _number(criterion.maximum / 2)
    if kind is m.CriterionKind.BONUS:
        return f"{half}  # điểm cộng, từ 0 đến {_number(criterion.maximum)}"
    return f"{half}  # điểm trừ, ghi số dương, từ 0 đến {_number(criterion.maximum)}"


def score_file(member: m.Member, year: int, first: m.Criterion | None) -> str:
    """An empty score file of ``member``, its comment showing how to score ``first``.

    ``first`` is None while the table is not written yet (``thidua init``): the example is
    then criterion "1.1" scored with a number, its bounds left to the table.
    """
    example = (
        "9.5  # điểm tự chấm, từ 0 đến điểm tối đa của tiêu chí"
        if first is None
        else score_example(first)
    )
    return (
        f"# Điểm năm {year} của {member.name} ({member.id}).\n"
        '# Đơn vị tự chấm vào mục "diem", theo mã tiêu chí trong tieu-chi.yaml, ví dụ:\n'
        f'#   "{first.id if first is not None else "1.1"}":\n'
        f"#     tu_cham: {example}\n"
        "#     minh_chung: Báo cáo kết quả thực hiện nhiệm vụ năm\n"
        f"nam: {year}\n"
        f"don_vi: {member.id}\n"
        "diem: {}\n"
    )


def _load_rt(path: Path) -> Any:
    from thidua.repo.fmt import load_round_trip

    return load_round_trip(path.read_bytes())


def _dump_rt(root: Any) -> str:
    from thidua.repo.fmt import dump_round_trip

    return dump_round_trip(root)
