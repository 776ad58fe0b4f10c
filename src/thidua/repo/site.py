"""``thidua site``: open the years, rank them, make their documents, write the site.

:func:`build_site` reads every year asked for (all the years of the data folder by default)
with the checks of ``thidua check``: one error in one of them and nothing is written. Then
each year is ranked, its documents are made (:mod:`thidua.present.site_docs`) with the
data's fingerprint (:func:`thidua.repo.verify.fingerprint_of`, as ``thidua render`` stamps
it), and the pages are drawn (:mod:`thidua.present.site`).

Writing (:func:`write_site`): the whole site is written into a new folder beside the output
folder (``.trang.1a2b3c4d.tmp`` next to ``trang``), which then takes the output folder's
place: a failure half-way leaves the old site as it was (or no site), never a mix. Nothing
is written outside the output folder and that temporary one, nothing in the data folder. An
existing output folder is replaced only when it is empty or holds a site ``thidua site``
wrote (its ``index.html`` carries the site's policy): any other folder is refused, so that a
slip of ``-o`` cannot delete someone's files. The output folder may be neither the data
folder, nor inside it, nor hold it.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from thidua.compute.ranking import rank_year
from thidua.errors import DataError, Problem, ThiduaError, UsageError
from thidua.present.render import make_environment, user_templates_dir
from thidua.read.load import available_years, display_path, load_next_tasks
from thidua.repo.atomic import os_reason
from thidua.repo.verify import fingerprint_of
from thidua.repo.years import open_year

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["SiteReport", "build_site", "write_site"]

# The first bytes of every page of a site thidua wrote (present/site: the policy meta).
_SITE_MARK = b'<meta http-equiv="Content-Security-Policy" content="default-src'


@dataclass(frozen=True)
class SiteReport:
    """What was written, for the command to say."""

    folder: Path
    years: tuple[int, ...]
    pages: int  # .html pages
    documents: int  # files to download
    skipped: tuple[str, ...]  # "Năm 2021: biên bản hội nghị tổng kết: chưa có …"
    warnings: tuple[Problem, ...]


def build_site(
    data_dir: Path, years: list[int] | None, output: Path, *, epoch: dt.datetime | None
) -> SiteReport:
    """Write the site of ``years`` (every year of ``data_dir`` when None) into ``output``."""
    from thidua.present.site import DOCS_FOLDER, SiteYear, build_pages
    from thidua.present.site_docs import year_documents

    chosen = sorted(set(years)) if years else available_years(data_dir)
    if not chosen:
        raise UsageError(
            f"thư mục dữ liệu {display_path(data_dir)} chưa có năm nào (cần các thư mục như "
            f"{display_path(data_dir / '2020')})"
        )
    check_output(output, data_dir)
    problems: list[Problem] = []
    opened = []
    for year in chosen:
        data, found = open_year(data_dir, year)
        problems.extend(found)
        if data is not None:
            opened.append(data)
    if len(opened) < len(chosen) or any(p.is_error for p in problems):
        raise DataError(problems)

    templates = user_templates_dir(data_dir)
    env = make_environment(templates)  # compiled once for every year
    files: dict[str, bytes] = {}
    items: list[SiteYear] = []
    skipped: list[str] = []
    for data in opened:
        result = rank_year(data)
        fingerprint = fingerprint_of(data, data_dir)
        docs = year_documents(
            result,
            templates=templates,
            next_tasks=load_next_tasks(data),
            epoch=epoch,
            fingerprint=fingerprint,
            env=env,
        )
        for name, content in docs.files.items():
            files[f"{data.year}/{DOCS_FOLDER}/{name}"] = content
        skipped += [f"Năm {data.year}: {failure}" for failure in docs.failures]
        items.append(SiteYear(result, fingerprint, docs.links))
    pages = build_pages(items, updated=epoch.date() if epoch is not None else None)
    for path, text in pages.items():
        files[path] = text.encode("utf-8")
    write_site(output, files)
    return SiteReport(
        folder=output,
        years=tuple(chosen),
        pages=sum(1 for path in pages if path.endswith(".html")),
        documents=sum(1 for path in files if f"/{DOCS_FOLDER}/" in path),
        skipped=tuple(skipped),
        warnings=tuple(problems),
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(output: Path, data_dir: Path) -> None:
    """Refuse an output folder that would touch the data or someone's files (module doc)."""
    shown = display_path(output)
    if output.is_symlink():
        raise UsageError(f"{shown} là một liên kết; hãy ghi trang web vào một thư mục thật")
    if output.exists() and not output.is_dir():
        raise UsageError(f"{shown} đã có và không phải là thư mục")
    target, data = output.resolve(), data_dir.resolve()
    if _inside(target, data) or _inside(data, target):
        raise UsageError(
            f"không ghi trang web vào {shown}: thư mục này là, nằm trong hoặc chứa thư mục dữ "
            f"liệu {display_path(data_dir)}; hãy chọn một thư mục khác (ví dụ: -o trang-web)"
        )
    if output.is_dir() and any(output.iterdir()) and not _is_site(output):
        raise UsageError(
            f"thư mục {shown} đã có tệp và không phải trang web do thidua site lập: thidua "
            "không xóa các tệp đó; hãy chọn một thư mục trống hoặc chưa có"
        )


def _is_site(folder: Path) -> bool:
    index = folder / "index.html"
    try:
        with index.open("rb") as stream:
            head = stream.read(1024)
    except OSError:
        return False
    return _SITE_MARK in head


def write_site(output: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (path inside the site → content) as the folder ``output``, replacing
    the site there: built beside it, then swapped in (module docstring)."""
    parent = output.parent
    token = secrets.token_hex(4)
    building = parent / f".{output.name}.{token}.tmp"
    old = parent / f".{output.name}.{token}.old"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        building.mkdir()
    except OSError as exc:
        raise ThiduaError(
            f"không tạo được thư mục {display_path(parent)}: {os_reason(exc)}"
        ) from None
    try:
        for name, content in sorted(files.items()):
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                raise ValueError(f"not a path inside the site: {name}")
            path = building.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if output.exists():
            output.rename(old)
            building.rename(output)
            shutil.rmtree(old, ignore_errors=True)
        else:
            building.rename(output)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        if old.exists() and not output.exists():
            old.replace(output)  # the old site back where it was
        raise ThiduaError(
            f"không ghi được trang web vào {display_path(output)}: {os_reason(exc)}"
        ) from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
