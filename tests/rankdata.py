"""Small cluster-years for the scoring, ranking and ``thidua rank`` tests, built inline.

``write(tmp_path, files)`` writes ``tmp_path/data/2020/`` from YAML text (dedented);
``load`` also reads it back and fails the test on any error, so that each test states the
whole cluster it ranks. Helpers build the repetitive files:

- :func:`khoi`: members ``ids`` named "Đơn vị <id>", optional leader, year state;
- :data:`TABLE`: group I (1.1 graded, max 60), group II (2.1 graded, max 40), group III
  (3.1 bonus, max 10; 3.2 deduction, max 10) — 100 points plus bonus;
- :func:`points`: a score file for :data:`TABLE` from four numbers;
- :func:`approval`: an approval ballot recorded as totals.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.errors import Problem
from thidua.repo.years import open_year
from thidua.year import YearData

YEAR = 2020

TABLE = """\
nam: 2020
nhom:
  - ma: I
    ten: Nhiệm vụ chuyên môn
    tieu_chi:
      - {ma: "1.1", ten: Chuyên môn, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 60}
  - ma: II
    ten: Phong trào
    tieu_chi:
      - {ma: "2.1", ten: Phong trào, loai: dinh_tinh, cach_cham: thang_diem, toi_da: 40}
  - ma: III
    ten: Điểm cộng, điểm trừ
    tieu_chi:
      - {ma: "3.1", ten: Điểm cộng, loai: cong, toi_da: 10}
      - {ma: "3.2", ten: Điểm trừ, loai: tru, toi_da: 10}
"""


def khoi(
    ids: str = "A B C",
    *,
    leader: str | None = None,
    state: str = "da_ket_thuc",
    extra: str = "",
) -> str:
    """``khoi.yaml`` with members named "Đơn vị <id>", in the order of ``ids``."""
    lines = [
        f"nam: {YEAR}",
        "ten: Khối thi đua thử nghiệm",
        "dia_ban: Tỉnh thử nghiệm",
        f"trang_thai: {state}",
    ]
    if leader is not None:
        lines.append(f"truong_khoi: {leader}")
    lines.append("thanh_vien:")
    for mid in ids.split():
        lines += [f"  - ma: {mid}", f"    ten_ngan: Đơn vị {mid}", f"    ten: Đơn vị thử {mid}"]
    return "\n".join(lines) + "\n" + extra


def points(
    mid: str,
    i: str,
    ii: str = "0",
    bonus: str = "0",
    deduction: str = "0",
    *,
    exclusion: str | None = None,
) -> str:
    """A score file for :data:`TABLE`: self-scores only."""
    text = (
        f"nam: {YEAR}\ndon_vi: {mid}\ndiem:\n"
        f'  "1.1": {{tu_cham: {i}}}\n  "2.1": {{tu_cham: {ii}}}\n'
        f'  "3.1": {{tu_cham: {bonus}}}\n  "3.2": {{tu_cham: {deduction}}}\n'
    )
    if exclusion is not None:
        text += f"khong_xet:\n  ly_do: {exclusion}\n"
    return text


def approval(
    ballot_id: str,
    title: str,
    votes: dict[str, int],
    *,
    valid: int,
    choose: int = 1,
    present: int | None = None,
) -> str:
    """One approval ballot (``chon``) as a ``cuoc_bau`` list item, counted from totals."""
    lines = [
        f"  - ma: {ballot_id}",
        f"    ten: {title}",
        "    loai: chon",
        f"    so_chon_toi_da: {choose}",
    ]
    if present is not None:
        lines.append(f"    co_mat: {present}")
    lines += [
        f"    phat_ra: {valid}",
        f"    thu_ve: {valid}",
        f"    hop_le: {valid}",
        "    khong_hop_le: 0",
        "    ket_qua:",
    ]
    lines += [f"      {mid}: {n}" for mid, n in votes.items()]
    return "\n".join(lines) + "\n"


def ballots(*items: str) -> str:
    return f"nam: {YEAR}\ncuoc_bau:\n" + "".join(items)


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write the files of year 2020 under ``tmp_path/data``; return the data folder."""
    data = tmp_path / "data"
    folder = data / str(YEAR)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return data


def load_with_problems(tmp_path: Path, files: dict[str, str]) -> tuple[YearData, list[Problem]]:
    data, problems = open_year(write(tmp_path, files), YEAR)
    assert data is not None, [str(p) for p in problems]
    return data, problems


def load(tmp_path: Path, files: dict[str, str]) -> YearData:
    """Write and load; the year must have no error (warnings are allowed)."""
    data, problems = load_with_problems(tmp_path, files)
    errors = [str(p) for p in problems if p.is_error]
    assert not errors, errors
    return data


def rank(tmp_path: Path, files: dict[str, str]) -> YearResult:
    return rank_year(load(tmp_path, files))


def order(result: YearResult) -> list[tuple[int, str]]:
    """(rank, member id) of every row, best first."""
    return [(row.rank, row.member.id) for row in result.rows]


def quy_che(keys: str = "[diem]", extra: str = "") -> str:
    """``quy-che.yaml`` with the sort keys ``keys`` (YAML flow list) and more rules."""
    return f"nam: {YEAR}\nxep_hang:\n  thu_tu: {keys}\n" + textwrap.dedent(extra)
