"""Build small data trees for tests: a valid base year, with per-file overrides.

``write_year(tmp_path, {...})`` writes ``tmp_path/data/<year>/`` from the base files below,
replacing, adding or (with ``None``) removing the files the test names, so that each test
states only what differs from a clean year. Overrides are YAML text (dedented) or raw bytes.

The base year has three members A, B, C (leader A, deputy B), one group "I" of two
qualitative criteria "1.1" (graded, max 20) and "1.2" (met / not met, max 10), every
criterion scored, and is closed (``da_ket_thuc``): it checks clean, with no warning.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

from thidua.errors import Problem
from thidua.repo.years import open_year

KHOI = """\
nam: 2020
ten: Khối thi đua thử nghiệm
dia_ban: Thành phố thử nghiệm
trang_thai: da_ket_thuc
truong_khoi: A
pho_khoi: B
thanh_vien:
  - ma: A
    ten_ngan: Đơn vị A
    ten: Đơn vị thử nghiệm A
  - ma: B
    ten_ngan: Đơn vị B
    ten: Đơn vị thử nghiệm B
  - ma: C
    ten_ngan: Đơn vị C
    ten: Đơn vị thử nghiệm C
"""

QUY_CHE = """\
nam: 2020
xep_hang:
  thu_tu: [diem]
"""

TIEU_CHI = """\
nam: 2020
tong_diem: 30
nhom:
  - ma: I
    ten: Nhóm thử nghiệm
    toi_da: 30
    tieu_chi:
      - ma: "1.1"
        ten: Tiêu chí chấm theo thang điểm
        loai: dinh_tinh
        cach_cham: thang_diem
        toi_da: 20
      - ma: "1.2"
        ten: Tiêu chí đạt hoặc không đạt
        loai: dinh_tinh
        cach_cham: dat_khong_dat
        toi_da: 10
"""


def score_file(member: str, year: int = 2020, first: str = "18", second: str = "đạt") -> str:
    """A complete score file of ``member``: "1.1" scored ``first``, "1.2" scored ``second``."""
    return (
        f"nam: {year}\n"
        f"don_vi: {member}\n"
        "diem:\n"
        '  "1.1":\n'
        f"    tu_cham: {first}\n"
        '  "1.2":\n'
        f"    tu_cham: {second}\n"
    )


BASE: dict[str, str] = {
    "khoi.yaml": KHOI,
    "quy-che.yaml": QUY_CHE,
    "tieu-chi.yaml": TIEU_CHI,
    "diem/A.yaml": score_file("A"),
    "diem/B.yaml": score_file("B", first="15"),
    "diem/C.yaml": score_file("C", first="12", second="không đạt"),
}


def write_year(
    root: Path,
    files: dict[str, str | bytes | None] | None = None,
    *,
    year: int = 2020,
    base: bool = True,
) -> Path:
    """Write ``root/data/<year>/`` (base files unless ``base=False``, then ``files``).

    A ``str`` override is dedented and written as UTF-8; ``bytes`` are written as is;
    ``None`` removes the file. The base files say ``nam: 2020``; for another ``year``
    they say that year. Returns the year folder.
    """
    folder = root / "data" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes | None] = {}
    if base:
        contents.update(
            {name: text.replace("nam: 2020", f"nam: {year}") for name, text in BASE.items()}
        )
    contents.update(files or {})
    for name, content in contents.items():
        path = folder / name
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(textwrap.dedent(content).encode("utf-8"))
    return folder


def problems(root: Path, year: int = 2020) -> list[str]:
    """Every problem of ``year`` under ``root/data``, sorted, as ``path:line:col: …`` lines."""
    _, found = open_year(root / "data", year)
    return [str(p) for p in sort(found)]


def sort(found: list[Problem]) -> list[Problem]:
    return sorted(set(found), key=Problem.sort_key)


def tree_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path -> digest), to prove nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
