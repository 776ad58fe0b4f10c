"""Is a closed year still what was sealed? Run by :func:`thidua.repo.years.open_year`.

A year closed with ``thidua close`` has ``trang_thai: da_ket_thuc`` in ``khoi.yaml`` and a
last ``khoa_so`` event in ``khoa-so.yaml`` holding the digest of its content
(:func:`thidua.compute.seal.content_digest`). Opening such a year recomputes the digest;
when it differs, the error names what changed since the seal: the sealed state is read
from git (the commit that last wrote that digest) and compared with the data now. Without
git, the error says the content changed and how to see it.

The two files must agree: closed with a last ``mo_lai``, or in progress with a last
``khoa_so``, is an error. A closed year with no ``khoa-so.yaml`` is a warning, and only
in a data folder where some year has one (the secretariat seals its years, so this one was
closed by hand): a repository from before the seal, which has none, keeps checking clean.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from thidua import models as m
from thidua.compute.checks import run_checks
from thidua.compute.seal import content_digest, short_code
from thidua.errors import Problem, ThiduaError, error, warning
from thidua.read.load import available_years, read_year
from thidua.year import CLUSTER, SEAL, YearData

__all__ = ["seal_problems", "unsealed_message", "uses_seals", "vn_date"]

# The sections of a comparison that are data (the results follow from them).
_DATA_SECTIONS = (
    "diem",
    "phieu_bau",
    "hoi_nghi",
    "khoi",
    "quy_che",
    "tieu_chi",
    "nhiem_vu",
    "van_ban",
)


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def unsealed_message(year: int) -> str:
    return (
        f"năm {year} đã kết thúc nhưng chưa khóa sổ (không có tệp {SEAL}): dữ liệu có thể bị "
        f"sửa mà không ai biết; hãy khóa sổ bằng lệnh: thidua close {year}"
    )


def _reopen_hint(year: int) -> str:
    return f'thidua reopen {year} --ly-do "…"'


def seal_problems(data: YearData, checked: list[Problem], *, sealing: bool) -> list[Problem]:
    """The seal's problems for ``data``; ``checked`` are the problems found so far.

    ``sealing``: some year of the data folder has a seal file (see the module docstring).
    """
    closed = data.cluster.state is m.YearState.CLOSED
    seal = data.seal
    year = data.year
    if seal is None:
        # A seal file that failed to load has its problems reported already.
        if closed and sealing and SEAL not in data.sources:
            return [warning(data.pos(CLUSTER, ("trang_thai",)), unsealed_message(year))]
        return []
    last_index = len(seal.events) - 1
    last = seal.last
    shown = vn_date(last.date)
    if closed and last.action is m.SealAction.REOPEN:
        return [
            error(
                data.pos(CLUSTER, ("trang_thai",)),
                f"{CLUSTER} ghi năm {year} đã kết thúc nhưng lần ghi cuối trong {SEAL} là mở "
                f"lại ngày {shown} ({last.by}): hai tệp không khớp; hãy khóa sổ lại bằng lệnh "
                f"thidua close {year}, đừng sửa tay trang_thai",
            )
        ]
    if not closed and last.action is m.SealAction.CLOSE:
        return [
            error(
                data.pos(CLUSTER, ("trang_thai",)),
                f"{CLUSTER} ghi năm {year} đang diễn ra nhưng lần ghi cuối trong {SEAL} là khóa "
                f"sổ ngày {shown} ({last.by}): hai tệp không khớp; muốn sửa năm đã khóa sổ, "
                f"hãy mở lại bằng lệnh: {_reopen_hint(year)}",
            )
        ]
    if not closed:
        return []
    recorded = last.digest or ""
    now = content_digest(data)
    if now == recorded:
        return []
    where = data.pos(SEAL, ("lich_su", last_index, "ma_du_lieu"))
    head = (
        f"năm {year} đã khóa sổ ngày {shown} ({last.by}, mã {short_code(recorded)}) nhưng "
        f"dữ liệu không còn khớp mã đó (mã của dữ liệu hiện tại: {short_code(now)})"
    )
    has_errors = any(p.is_error for p in checked)
    return [error(where, _explain(data, recorded, now, head, has_errors))]


def _explain(data: YearData, recorded: str, now: str, head: str, has_errors: bool) -> str:
    year = data.year
    sealed = None if has_errors else _sealed_state(data, recorded)
    if sealed is None:
        return (
            f"{head}: dữ liệu hoặc mã đã bị sửa sau khi khóa sổ; xem các thay đổi bằng "
            f"thidua diff {year} <lần commit khóa sổ>; muốn sửa năm đã khóa sổ, hãy mở lại "
            f"bằng lệnh: {_reopen_hint(year)}"
        )
    commit, old = sealed
    if content_digest(old) == now:
        return (
            f"{head}: mã này được ghi ở commit {commit[:7]} nhưng không phải mã của dữ liệu "
            f"ở commit đó, tức là mã trong {SEAL} đã bị sửa tay; xem lịch sử bằng: "
            f"git log -p -- {data.shown(SEAL)}"
        )
    lines = _changes(old, data)
    if not lines:
        lines = ["  - thay đổi không hiện trong thidua diff (ví dụ ghi chú, minh họa)"]
    return (
        f"{head}; hãy trả lại như cũ, hoặc mở lại năm bằng lệnh: {_reopen_hint(year)}. "
        f"Thay đổi so với lúc khóa sổ (commit {commit[:7]}):\n" + "\n".join(lines)
    )


def _changes(old: YearData, new: YearData) -> list[str]:
    from thidua.compute.compare import SECTIONS, compare
    from thidua.compute.ranking import rank_year

    try:
        diff = compare(rank_year(old), rank_year(new), "khóa sổ", "hiện tại")
    except ThiduaError:  # pragma: no cover - both sides passed the checks
        return []
    out = []
    for c in diff.changes:
        if c.section not in _DATA_SECTIONS:
            continue
        subject = f"{c.subject}, " if c.subject else ""
        old_text = "(trống)" if c.old is None else c.old
        new_text = "(trống)" if c.new is None else c.new
        out.append(f"  - {SECTIONS[c.section]}: {subject}{c.field}: {old_text} → {new_text}")
    return out


def _sealed_state(data: YearData, digest: str) -> tuple[str, YearData] | None:
    """The commit that last wrote ``digest`` into the seal file, and the year there."""
    from thidua.repo.git import find_repo, run_git

    try:
        repo = find_repo(data.folder.parent)
        folder = repo.relative(data.folder)
        proc = run_git(
            ["log", "-1", "--format=%H", f"-S{digest}", "--", f"{folder}/{SEAL}"], repo.root
        )
        commit = proc.stdout.decode("ascii", "replace").strip() if proc.returncode == 0 else ""
        if not commit:
            return None
        with tempfile.TemporaryDirectory(prefix="thidua-seal-") as tmp:
            dest = Path(tmp)
            if not repo.export(commit, folder, dest / str(data.year)):
                return None
            old, problems = read_year(dest, data.year)
            if old is None:
                return None
            problems.extend(run_checks(old))
            if any(p.is_error for p in problems):
                return None
            return commit, old
    except (ThiduaError, OSError):
        return None


def uses_seals(data_dir: Path) -> bool:
    """Does some year folder of ``data_dir`` hold a seal file?"""
    return any((data_dir / str(year) / SEAL).is_file() for year in available_years(data_dir))
