"""``thidua close`` and ``thidua reopen``: seal a year, or open it again with a reason.

Closing appends a ``khoa_so`` event (date, who, the digest of the content) to the year's
``khoa-so.yaml`` and sets ``trang_thai: da_ket_thuc`` in ``khoi.yaml``; reopening appends
a ``mo_lai`` event with its reason and sets ``trang_thai: dang_dien_ra``. The history is
never rewritten: both files are edited round-trip (comments kept) and written atomically,
each only if nobody changed it since it was read. ``khoi.yaml`` is written first, so a
failure between the two writes leaves a closed year without its seal (a warning that
``thidua close`` repairs), never a seal the data contradicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from thidua import models as m
from thidua.compute.seal import content_digest, short_code
from thidua.errors import DataError, ThiduaError
from thidua.read.load import display_path, year_folder
from thidua.repo.atomic import ABSENT, write_text_atomic
from thidua.repo.fmt import dump_round_trip, format_source, load_round_trip
from thidua.repo.git import find_repo, run_git
from thidua.repo.newyear import schema_comment
from thidua.repo.sealcheck import vn_date
from thidua.repo.years import open_year
from thidua.year import CLUSTER, SEAL, YearData

__all__ = ["SealReport", "close_year", "git_user_name", "reopen_year"]


@dataclass
class SealReport:
    """What ``close`` or ``reopen`` did, as lines for the user."""

    lines: list[str] = field(default_factory=list)


def git_user_name(data_dir: Path) -> str | None:
    """``git config user.name`` as the data repository sees it; None when unset or no git."""
    start = data_dir if data_dir.is_dir() else Path.cwd()
    try:
        proc = run_git(["config", "user.name"], start)
    except ThiduaError:
        return None
    name = proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else ""
    return name or None


def _who(by: str | None, data_dir: Path, verb: str) -> str:
    if by is not None and by.strip():
        return by.strip()
    name = git_user_name(data_dir)
    if name is None:
        raise ThiduaError(
            f"không biết ai {verb}: chưa đặt tên người dùng git (git config user.name); "
            'hãy ghi rõ bằng tùy chọn --by, ví dụ --by "Văn phòng Khối"'
        )
    return name


def close_year(data_dir: Path, year: int, by: str | None, today: dt.date) -> SealReport:
    """Seal ``year``: refuse while ``check --strict`` finds anything, then write both files."""
    folder = year_folder(data_dir, year)
    # The seal's own checks are left out: closing is what puts them right (a year closed
    # by hand, or whose two files disagree); a sealed year is refused below.
    data, problems = open_year(data_dir, year, seal=False)
    if data is not None:
        seal = data.seal
        if (
            seal is not None
            and seal.last.action is m.SealAction.CLOSE
            and data.cluster.state is m.YearState.CLOSED
        ):
            last = seal.last
            raise ThiduaError(
                f"năm {year} đã khóa sổ ngày {vn_date(last.date)} ({last.by}, mã "
                f"{short_code(last.digest or '')}); muốn sửa, hãy mở lại bằng lệnh: "
                f'thidua reopen {year} --ly-do "…"'
            )
    if data is None or problems:
        raise CloseRefused(problems, year, len(problems))
    who = _who(by, data_dir, "khóa sổ")
    digest = content_digest(data)
    _set_state(data, m.YearState.CLOSED)
    _append(
        data,
        {
            "viec": m.SealAction.CLOSE.value,
            "ngay": today.isoformat(),
            "nguoi": who,
            "ma_du_lieu": digest,
        },
    )
    report = SealReport(
        [f"Đã khóa sổ năm {year} ngày {vn_date(today)} ({who}), mã dữ liệu {short_code(digest)}."]
    )
    report.lines += _commit_hint(data_dir, folder, f"Khóa sổ năm {year}")
    return report


class CloseRefused(DataError):
    """``close`` refused: the problems, and a last line saying to fix them first."""

    def __init__(self, problems: list[Any], year: int, count: int) -> None:
        super().__init__(problems)
        self.message = (
            f"chưa khóa sổ năm {year}: dữ liệu còn {count} vấn đề (lỗi hoặc cảnh báo, như "
            f"thidua check --strict {year} báo); hãy sửa hết rồi khóa sổ lại"
        )


def reopen_year(
    data_dir: Path, year: int, reason: str, by: str | None, today: dt.date
) -> SealReport:
    """Open a closed ``year`` again: append a ``mo_lai`` event with ``reason``."""
    reason = reason.strip()
    if not reason:
        raise ThiduaError(
            f'mở lại năm đã khóa sổ cần lý do: thidua reopen {year} --ly-do "…" (ví dụ: '
            '"sửa điểm tiêu chí 1.2 của NHNN theo kết luận thẩm định lại")'
        )
    folder = year_folder(data_dir, year)
    data, problems = open_year(data_dir, year, seal=False)
    if data is None:
        raise DataError(problems)
    sealed = data.seal is not None and data.seal.last.action is m.SealAction.CLOSE
    # In progress with a last khoa_so (trang_thai edited by hand): reopening records it.
    if data.cluster.state is not m.YearState.CLOSED and not sealed:
        raise ThiduaError(
            f"năm {year} chưa kết thúc (trang_thai: dang_dien_ra trong {CLUSTER}) nên không "
            "cần mở lại"
        )
    who = _who(by, data_dir, "mở lại")
    _set_state(data, m.YearState.IN_PROGRESS)
    _append(
        data,
        {
            "viec": m.SealAction.REOPEN.value,
            "ngay": today.isoformat(),
            "nguoi": who,
            "ly_do": reason,
        },
    )
    report = SealReport([f"Đã mở lại năm {year} ngày {vn_date(today)} ({who}): {reason}."])
    report.lines.append(
        f"Sửa xong, hãy kiểm tra (thidua check {year}) rồi khóa sổ lại: thidua close {year}"
    )
    report.lines += _commit_hint(data_dir, folder, f"Mở lại năm {year}")
    return report


def _set_state(data: YearData, state: m.YearState) -> None:
    path = data.folder / CLUSTER
    before = path.read_bytes()
    root = load_round_trip(before)
    root["trang_thai"] = state.value
    text = dump_round_trip(root)
    text = format_source(text.encode("utf-8"), m.ClusterFile, data.shown(CLUSTER)).decode()
    write_text_atomic(path, text, expected=before)


def _append(data: YearData, event: dict[str, str]) -> None:
    path = data.folder / SEAL
    shown = data.shown(SEAL)
    if path.exists():
        before: bytes | None = path.read_bytes()
        assert before is not None
        root = load_round_trip(before)
        history = root.get("lich_su")
        history.append(CommentedMap(event))
        text = dump_round_trip(root)
    else:
        before = None
        items = "".join(
            f"  - {k}: {v}\n" if i == 0 else f"    {k}: {v}\n"
            for i, (k, v) in enumerate(_quoted(event).items())
        )
        text = (
            f"{schema_comment(SEAL)}\n"
            f"# Lịch sử khóa sổ năm {data.year}: mỗi lần khóa sổ (thidua close) hoặc mở lại\n"
            "# (thidua reopen) thêm một mục, mới nhất ở cuối. Không sửa tay tệp này.\n"
            f"nam: {data.year}\n"
            "lich_su:\n" + items
        )
    text = format_source(text.encode("utf-8"), m.SealFile, shown).decode()
    write_text_atomic(path, text, expected=before if before is not None else ABSENT)


def _quoted(event: dict[str, str]) -> dict[str, str]:
    return {k: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for k, v in event.items()}


def _commit_hint(data_dir: Path, folder: Path, message: str) -> list[str]:
    try:
        find_repo(data_dir)
    except ThiduaError:
        return []
    return [f'Hãy commit thay đổi: git add {display_path(folder)} && git commit -m "{message}"']
