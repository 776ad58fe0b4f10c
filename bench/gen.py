"""Generate a synthetic cluster-year for benchmarks: N members x M criteria x P ballot papers.

Usage::

    python bench/gen.py OUT_DIR --members N --criteria M --papers P [--year 2020] [--seed S]

writes ``OUT_DIR/<year>/`` in the data format of docs/data-format.md:

- ``khoi.yaml``: N members ``DV0001`` ... (closed year, leader and deputy set);
- ``quy-che.yaml``: ranking keys, leading-unit rule, awards, leader election rule;
- ``tieu-chi.yaml``: M criteria in groups of at most 10, cycling through every kind
  (qualitative met/not met and graded, quantitative relative-to-best and proportional,
  per count, bonus, deduction); group maxima and the total add up;
- ``nhiem-vu.yaml``: a few focus tasks and movements;
- ``diem/<ID>.yaml``: per member a self-score for every criterion, about one in ten
  appraised to a different value with a reason (``ly_do``), some with evidence;
- ``phieu-bau.yaml``: an approval ballot for the leading unit with P anonymous, valid
  papers (issued = returned = valid = P, invalid 0), and a yes/no ballot electing next
  year's leader (totals);
- ``hoi-nghi.yaml``: the year-end conference.

Every value lies within its bounds and every id is unique, so ``thidua check`` passes.
The output depends only on the arguments: same seed, byte-identical files. YAML is
written by hand (not ``yaml.dump``) so that the files look like what people type and
criterion ids are quoted (``"1.1"``), as the format asks.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

GROUP_SIZE = 10
# The kind cycle: every kind appears once every 8 criteria (qualitative twice, graded).
KINDS = (
    "dinh_tinh/thang_diem",
    "dinh_luong/so_voi_dan_dau",
    "dinh_tinh/dat_khong_dat",
    "dem",
    "dinh_tinh/thang_diem",
    "dinh_luong/ty_le",
    "cong",
    "tru",
)
KIND_LABELS = {
    "dinh_tinh/thang_diem": "định tính, chấm theo thang điểm",
    "dinh_tinh/dat_khong_dat": "định tính, đạt hoặc không đạt",
    "dinh_luong/so_voi_dan_dau": "định lượng, so với đơn vị dẫn đầu",
    "dinh_luong/ty_le": "định lượng, theo tỷ lệ hoàn thành",
    "dem": "chấm thẳng theo số lần",
    "cong": "điểm cộng",
    "tru": "điểm trừ",
}
_PLAIN = re.compile(r"[A-Za-z0-9À-ỹĐđ][A-Za-z0-9À-ỹĐđ ,.()/%+-]*")
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def q(text: str) -> str:
    """``text`` as a YAML scalar: plain when unambiguous, else double-quoted (JSON is YAML)."""
    plain = (
        _PLAIN.fullmatch(text)
        and not text.endswith(" ")
        and text.lower() not in _RESERVED
        and not re.fullmatch(r"[0-9.+-]+", text)  # would read as a number
        and ": " not in text
        and " #" not in text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def dec(value: Decimal) -> str:
    """A decimal as people write it: ``10``, ``9.5`` (never ``1E+1`` nor ``10.0``)."""
    return format(value.normalize(), "f")


def member_id(i: int) -> str:
    return f"DV{i:04d}"


class Criterion:
    def __init__(self, cid: str, kind: str, maximum: Decimal, points_each: Decimal | None):
        self.id = cid
        self.kind = kind
        self.maximum = maximum
        self.points_each = points_each

    @property
    def scored(self) -> bool:
        """Counts towards its group's maximum (bonus and deduction do not)."""
        return self.kind not in ("cong", "tru")


def make_table(m_criteria: int, rng: random.Random) -> list[tuple[str, list[Criterion]]]:
    groups: list[tuple[str, list[Criterion]]] = []
    for index in range(m_criteria):
        g, j = divmod(index, GROUP_SIZE)
        if j == 0:
            groups.append((roman(g + 1), []))
        kind = KINDS[index % len(KINDS)]
        points_each: Decimal | None = None
        if kind == "dem":
            points_each = rng.choice((Decimal("0.5"), Decimal(1), Decimal(2)))
            maximum = Decimal(10)
        elif kind == "cong":
            maximum = Decimal(15)
        elif kind == "tru":
            maximum = Decimal(10)
        else:
            maximum = Decimal(rng.choice((5, 10, 10, 15, 20)))
        groups[-1][1].append(Criterion(f"{g + 1}.{j + 1}", kind, maximum, points_each))
    return groups


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def gen_cluster(year: int, n: int) -> list[str]:
    lines = [
        "# Khối thi đua tổng hợp, sinh tự động cho đo hiệu năng (bench/gen.py).",
        f"nam: {year}",
        f"ten: Khối thi đua tổng hợp gồm {n} đơn vị (dữ liệu sinh tự động)",
        "ten_ngan: Khối tổng hợp",
        "dia_ban: Hòa Bình",
        "trang_thai: da_ket_thuc",
        f"truong_khoi: {member_id(1)}",
    ]
    if n >= 2:
        lines.append(f"pho_khoi: {member_id(2)}")
    lines += ["minh_hoa: true", "thanh_vien:"]
    for i in range(1, n + 1):
        lines += [
            f"  - ma: {member_id(i)}",
            f"    ten_ngan: Đơn vị số {i}",
            f"    ten: Đơn vị thành viên số {i} tỉnh Hòa Bình",
            "    chuc_danh_thu_truong: Cục trưởng",
        ]
    return lines


def gen_regulation(year: int, n: int, first_group: str) -> list[str]:
    return [
        "# Quy chế xếp hạng, sinh tự động.",
        f"nam: {year}",
        f"ten: Quy chế xếp hạng thi đua năm {year} (dữ liệu sinh tự động)",
        "minh_hoa: true",
        "can_cu:",
        "  - Luật Thi đua, Khen thưởng năm 2022",
        "xep_hang:",
        f'  thu_tu: [diem, "phieu:binh-chon", "nhom:{first_group}", diem_tru]',
        "dan_dau:",
        "  cuoc_bau: binh-chon",
        "  nguong: 50%",
        "  so_sanh: lon_hon",
        "  mau_so: hop_le",
        "khen_thuong:",
        "  - hinh_thuc: Cờ thi đua của Ủy ban nhân dân tỉnh",
        "    doi_tuong: dan_dau",
        "  - hinh_thuc: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "    doi_tuong: tiep_theo",
        # Within the 20 % limit below, so that rank shows no warning.
        f"    so_luong: {max(1, n // 5)}" if n >= 2 else "    ty_le: 20%",
        "    gioi_han:",
        '      ty_le: "20%"',
        "bau_truong_khoi:",
        "  cuoc_bau: truong-khoi",
        "  nguong: 50%",
        "  so_sanh: lon_hon",
        "  mau_so: co_mat",
    ]


def gen_table(year: int, groups: list[tuple[str, list[Criterion]]]) -> list[str]:
    body: list[str] = []
    total = Decimal(0)
    for gi, (gid, criteria) in enumerate(groups):
        scored = sum((c.maximum for c in criteria if c.scored), Decimal(0))
        total += scored
        body += [f"  - ma: {gid}", f"    ten: Nhóm tiêu chí thứ {gi + 1}"]
        if scored:
            body.append(f"    toi_da: {dec(scored)}")
        body.append("    tieu_chi:")
        for c in criteria:
            kind, _, mode = c.kind.partition("/")
            body += [
                f'      - ma: "{c.id}"',
                f"        ten: Nội dung tiêu chí {c.id} ({KIND_LABELS[c.kind]})",
                f"        loai: {kind}",
            ]
            if kind == "dinh_tinh":
                body.append(f"        cach_cham: {mode}")
            elif kind == "dinh_luong":
                body.append(f"        cach_tinh: {mode}")
            elif kind == "dem":
                assert c.points_each is not None
                body.append(f"        diem_moi_lan: {dec(c.points_each)}")
            body.append(f"        toi_da: {dec(c.maximum)}")
    return [
        "# Bảng tiêu chí, sinh tự động.",
        f"nam: {year}",
        "ten: Bảng tiêu chí và thang điểm thi đua (dữ liệu sinh tự động)",
        "minh_hoa: true",
        f"tong_diem: {dec(total)}",
        "nhom:",
        *body,
    ]


def gen_tasks(year: int) -> list[str]:
    return [
        f"nam: {year}",
        "so_nhiem_vu_trong_tam: 3",
        "nhiem_vu_trong_tam:",
        "  - Hoàn thành xuất sắc nhiệm vụ chính trị được giao",
        "  - Đẩy mạnh cải cách hành chính",
        "phong_trao:",
        "  - Thi đua hoàn thành xuất sắc các chỉ tiêu kế hoạch",
    ]


def _score_value(c: Criterion, rng: random.Random, strength: float) -> str:
    """One value for criterion ``c``; ``strength`` in [0, 1] biases members apart."""
    if c.kind == "dinh_tinh/dat_khong_dat":
        return "đạt" if rng.random() < 0.85 + 0.15 * strength else "không đạt"
    if c.kind == "dinh_tinh/thang_diem":
        halves = int(c.maximum * 2)
        low = int(halves * (0.5 + 0.4 * strength))
        return dec(Decimal(rng.randint(low, halves)) / 2)
    if c.kind.startswith("dinh_luong"):
        actual = rng.randint(80, 105) + int(25 * strength)
        return f"{{thuc_hien: {actual}, chi_tieu: 100}}"
    if c.kind == "dem":
        assert c.points_each is not None
        return str(rng.randint(0, int(c.maximum / c.points_each)))
    if c.kind == "cong":
        return rng.choice(("0", "0", "0", "10", "15"))
    # tru: deduction points, mostly none
    return rng.choice(("0", "0", "0", "0", "1", "2"))


def _appraised_value(c: Criterion, self_value: str, rng: random.Random) -> str | None:
    """A different, in-bounds appraised value, or None when no sensible one exists."""
    if c.kind == "dinh_tinh/dat_khong_dat":
        return "không đạt" if self_value == "đạt" else "đạt"
    if c.kind.startswith("dinh_luong"):
        return None
    value = Decimal(self_value)
    step = Decimal("0.5") if c.kind == "dinh_tinh/thang_diem" else Decimal(1)
    # Appraisal is stricter than the member: one step less, or one more deduction point.
    other = value + step if c.kind == "tru" else value - step
    points = other * (c.points_each or 1) if c.kind == "dem" else other
    return dec(other) if Decimal(0) <= points <= c.maximum else None


REASONS = (
    "Minh chứng chưa đầy đủ so với hướng dẫn chấm điểm",
    "Một chỉ tiêu hoàn thành chậm so với kế hoạch",
    "Đoàn thẩm định đối chiếu lại hồ sơ, điều chỉnh theo thực tế",
)


def gen_scores(
    year: int,
    mid: str,
    table: list[Criterion],
    rng: random.Random,
    strength: float,
) -> list[str]:
    lines = [
        f"# Điểm năm {year} của đơn vị {mid} (dữ liệu sinh tự động).",
        f"nam: {year}",
        f"don_vi: {mid}",
        "minh_hoa: true",
        "diem:",
    ]
    for c in table:
        value = _score_value(c, rng, strength)
        lines += [f'  "{c.id}":', f"    tu_cham: {value}"]
        roll = rng.random()
        if roll < 0.1:
            appraised = _appraised_value(c, value, rng)
            if appraised is not None:
                lines += [f"    tham_dinh: {appraised}", f"    ly_do: {q(rng.choice(REASONS))}"]
        elif roll < 0.2:
            lines.append(f"    minh_chung: Báo cáo số {rng.randint(1, 999)}/BC ngày 15/12/{year}")
    return lines


def gen_ballots(year: int, n: int, papers: int, rng: random.Random) -> list[str]:
    k = min(3, n)
    members = [member_id(i) for i in range(1, n + 1)]
    favourite = members[0]
    lines = [
        "# Kết quả bỏ phiếu kín, sinh tự động. Phiếu ẩn danh: không ghi người bỏ phiếu.",
        f"nam: {year}",
        "minh_hoa: true",
        "cuoc_bau:",
        "  - ma: binh-chon",
        f"    ten: Bình chọn đơn vị dẫn đầu Khối thi đua năm {year}",
        "    loai: chon",
        f"    so_chon_toi_da: {k}",
    ]
    if papers <= n:
        lines.append(f"    co_mat: {n}")
    lines += [
        f"    phat_ra: {papers}",
        f"    thu_ve: {papers}",
        f"    hop_le: {papers}",
        "    khong_hop_le: 0",
    ]
    # No paper at all: the ballot still needs a result, so write zero totals.
    lines += ["    phieu:"] if papers else ["    ket_qua:", f"      {favourite}: 0"]
    for _ in range(papers):
        size = rng.randint(1, k)
        chosen: list[str] = []
        if rng.random() < 0.75:
            chosen.append(favourite)
        while len(chosen) < size:
            pick = members[min(int(rng.expovariate(0.15)), n - 1)]
            if pick not in chosen:
                chosen.append(pick)
        chosen.sort()
        lines.append(f"      - [{', '.join(chosen)}]")
    elected = members[1] if n >= 2 else members[0]
    lines += [
        "  - ma: truong-khoi",
        f"    ten: Suy tôn Trưởng khối thi đua năm {year + 1}",
        "    loai: tan_thanh",
        f"    de_xuat: {elected}",
        f"    noi_dung: Suy tôn đơn vị {elected} làm Trưởng khối năm {year + 1}",
        f"    co_mat: {n}",
        f"    phat_ra: {n}",
        f"    thu_ve: {n}",
        f"    hop_le: {n}",
        "    khong_hop_le: 0",
        "    ket_qua:",
        f"      dong_y: {n}",
        "      khong_dong_y: 0",
    ]
    return lines


def gen_conference(year: int, n: int) -> list[str]:
    lines = [
        f"nam: {year}",
        f"ten: Hội nghị tổng kết công tác thi đua, khen thưởng năm {year}",
        f"ngay: {year}-12-30",
        'bat_dau: "08:00"',
        'ket_thuc: "11:30"',
        "dia_diem: Hội trường tầng 3, thành phố Hòa Bình",
        "chu_tri:",
        "  ho_ten: Nguyễn Văn An",
        "  chuc_vu: Cục trưởng",
        f"  don_vi: {member_id(1)}",
        "thu_ky:",
        "  ho_ten: Trần Thị Bình",
        "  chuc_vu: Chuyên viên",
        f"  don_vi: {member_id(1)}",
        "thanh_phan:",
    ]
    for i in range(1, n + 1):
        lines.append(f"  - don_vi: {member_id(i)}")
    lines += [
        "chuong_trinh:",
        f"  - Tổng kết công tác thi đua, khen thưởng năm {year}",
        "  - Bình chọn đơn vị dẫn đầu Khối",
        f"  - Suy tôn Trưởng khối năm {year + 1}",
        "ket_luan:",
        "  - Thống nhất kết quả chấm điểm và bình chọn",
        "thong_qua_bien_ban:",
        f"  tan_thanh: {n}",
        f"  co_mat: {n}",
    ]
    return lines


def generate(
    out_dir: Path, members: int, criteria: int, papers: int, year: int = 2020, seed: int = 0
) -> Path:
    """Write the cluster-year into ``out_dir/<year>/`` and return that folder."""
    if members < 1 or criteria < 1 or papers < 0:
        raise ValueError("members and criteria must be at least 1, papers at least 0")
    rng = random.Random(seed)
    folder = out_dir / str(year)
    groups = make_table(criteria, rng)
    flat = [c for _, cs in groups for c in cs]
    write(folder / "khoi.yaml", gen_cluster(year, members))
    write(folder / "quy-che.yaml", gen_regulation(year, members, groups[0][0]))
    write(folder / "tieu-chi.yaml", gen_table(year, groups))
    write(folder / "nhiem-vu.yaml", gen_tasks(year))
    scores_dir = folder / "diem"
    if scores_dir.is_dir():  # a previous, larger run must not leave stale members behind
        for old in scores_dir.glob("*.yaml"):
            old.unlink()
    for i in range(1, members + 1):
        mid = member_id(i)
        # Member 1 is strongest, then it fades: a clear but not total order.
        strength = 1.0 if i == 1 else rng.random() * (1 - i / (members + 1))
        write(scores_dir / f"{mid}.yaml", gen_scores(year, mid, flat, rng, strength))
    write(folder / "phieu-bau.yaml", gen_ballots(year, members, papers, rng))
    write(folder / "hoi-nghi.yaml", gen_conference(year, members))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="data directory; the year folder goes inside")
    parser.add_argument("--members", type=int, required=True, help="number of members (N)")
    parser.add_argument("--criteria", type=int, required=True, help="number of criteria (M)")
    parser.add_argument(
        "--papers", type=int, required=True, help="anonymous papers in the leading-unit ballot (P)"
    )
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        folder = generate(
            args.out_dir, args.members, args.criteria, args.papers, args.year, args.seed
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
