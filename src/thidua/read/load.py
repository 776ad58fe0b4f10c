"""Read ``data/<year>/`` into validated models plus a list of problems. Never prints.

The files of a year are listed in :mod:`thidua.year`. Every file is read and validated
even when another one fails, so that the user sees all problems at once. Pydantic errors
are mapped back to ``file:line:col`` through the :class:`~thidua.sources.SourceMap` of
the file. Cross-file rules are not run here: they are :mod:`thidua.compute.checks`, and
:func:`thidua.repo.years.open_year` reads a year and runs them.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from thidua import models as m
from thidua.errors import DataError, Position, Problem, UsageError, error
from thidua.read.spelling import find_words, record_spellings
from thidua.read.yamlio import parse_yaml, read_file
from thidua.sources import SourceMap, YamlPath
from thidua.year import (
    BALLOTS,
    CLUSTER,
    CONFERENCE,
    DOCUMENTS,
    FILE_LABELS,
    REGULATION,
    SCORES_DIR,
    SEAL,
    TABLE,
    TASKS,
    Spellings,
    YearData,
    score_paths,
    shown_path,
)

_YEAR_DIR = re.compile(r"[0-9]{4}")  # ASCII digits only: int() takes "٢٠٢٠" too
M = TypeVar("M", bound=m.Model)


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when below it, so editors can jump to it."""
    return shown_path(path, str(Path.cwd()))


def available_years(data_dir: Path) -> list[int]:
    """Years present as ``data_dir/<YYYY>/`` folders, oldest first."""
    if not data_dir.is_dir():
        # Say where it looked and the three ways out (--data, THIDUA_DATA, init).
        raise UsageError(
            f"không tìm thấy thư mục dữ liệu {display_path(data_dir)} "
            f"(đã tìm ở {data_dir.resolve()}); hãy chỉ ra thư mục dữ liệu bằng "
            "--data THƯ_MỤC hoặc biến môi trường THIDUA_DATA, hoặc tạo kho dữ liệu mới "
            "bằng thidua init THƯ_MỤC"
        )
    return sorted(
        int(p.name) for p in data_dir.iterdir() if p.is_dir() and _YEAR_DIR.fullmatch(p.name)
    )


def year_folder(data_dir: Path, year: int) -> Path:
    folder = data_dir / str(year)
    if not folder.is_dir():
        have = ", ".join(str(y) for y in available_years(data_dir)) or "chưa có năm nào"
        raise UsageError(
            f"không có dữ liệu năm {year}: thiếu thư mục {display_path(folder)} (đang có: {have})"
        )
    return folder


def read_year(data_dir: Path, year: int) -> tuple[YearData | None, list[Problem]]:
    """Read and validate every file of ``year``; no cross-file checks (see open_year).

    Returns the data (``None`` when a required file is missing or invalid) and every
    problem found, unsorted. Raises :class:`UsageError` when the year folder is absent.
    """
    folder = year_folder(data_dir, year)
    return _read_year(folder, year)


def _read_year(folder: Path, year: int) -> tuple[YearData | None, list[Problem]]:
    problems: list[Problem] = []
    sources: dict[str, SourceMap] = {}
    spellings: Spellings = {}
    scores_dir = folder / SCORES_DIR
    paths = score_paths(folder)

    def read(name: str, model: type[M], required: bool) -> M | None:
        path = folder / name
        if not path.exists():
            if required:
                problems.append(
                    error(
                        Position(display_path(path), 1, 1),
                        f"thiếu tệp {name} ({FILE_LABELS[name]}); "
                        "xem mẫu trong docs/data-format.md",
                    )
                )
            return None
        return _read_model(path, name, model, problems, sources, spellings)

    cluster = read(CLUSTER, m.ClusterFile, True)
    regulation = read(REGULATION, m.RegulationFile, True)
    table = read(TABLE, m.ScoringTableFile, True)
    tasks = read(TASKS, m.TasksFile, False)
    ballots = read(BALLOTS, m.BallotsFile, False)
    conference = read(CONFERENCE, m.ConferenceFile, False)
    documents = read(DOCUMENTS, m.DocumentsFile, False)
    seal = read(SEAL, m.SealFile, False)

    scores: dict[str, m.ScoreFile] = {}
    score_files: dict[str, str] = {}
    unreadable: set[str] = set()
    if scores_dir.exists() and not scores_dir.is_dir():
        problems.append(
            error(
                Position(display_path(scores_dir), 1, 1),
                f"{SCORES_DIR} phải là thư mục chứa các tệp điểm (mỗi đơn vị một tệp "
                f"{SCORES_DIR}/<MÃ>.yaml), không phải một tệp",
            )
        )
    else:
        for path in paths:
            name = f"{SCORES_DIR}/{path.name}"
            score = _read_model(path, name, m.ScoreFile, problems, sources, spellings)
            if score is None:
                unreadable.add(path.stem)
                continue
            if score.member in scores:
                problems.append(
                    error(
                        sources[name].at(("don_vi",)),
                        f'đơn vị "{score.member}" đã có tệp điểm {score_files[score.member]}; '
                        "mỗi đơn vị chỉ có một tệp điểm",
                    )
                )
                continue
            scores[score.member] = score
            score_files[score.member] = name

    if cluster is None or regulation is None or table is None:
        return None, problems
    data = YearData(
        year=year,
        folder=folder,
        cluster=cluster,
        regulation=regulation,
        table=table,
        tasks=tasks,
        ballots=ballots,
        conference=conference,
        documents=documents,
        seal=seal,
        scores=scores,
        sources=sources,
        score_files=score_files,
        unreadable_scores=unreadable,
        spellings=spellings,
        cwd=str(Path.cwd()),
    )
    return data, problems


def load_next_tasks(data: YearData) -> m.TasksFile | None:
    """Next year's ``nhiem-vu.yaml`` (the directions of a year's report), None if absent.

    Raises :class:`DataError` when the file exists but has problems.
    """
    path = data.folder.parent / str(data.year + 1) / TASKS
    if not path.exists():
        return None
    problems: list[Problem] = []
    tasks = _read_model(path, TASKS, m.TasksFile, problems, {}, {})
    if tasks is None:
        raise DataError(problems)
    return tasks


def _read_model(
    path: Path,
    name: str,
    model: type[M],
    problems: list[Problem],
    sources: dict[str, SourceMap],
    spellings: Spellings,
) -> M | None:
    shown = display_path(path)
    try:
        raw, source = parse_yaml(read_file(path, shown), shown)
        found = find_words(raw)
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    sources[name] = source
    record_spellings(found, source, spellings)
    if raw is None:
        problems.append(
            error(
                Position(shown, 1, 1),
                f"tệp rỗng: cần nội dung {_label(name)}; xem mẫu trong docs/data-format.md",
            )
        )
        return None
    if not isinstance(raw, dict):
        problems.append(
            error(
                source.at(()),
                'tệp phải là một bảng các khóa (ví dụ "nam: 2020"), không phải '
                + ("một danh sách" if isinstance(raw, list) else "một giá trị đơn"),
            )
        )
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.extend(translate_errors(exc, model, source))
        return None


def _label(name: str) -> str:
    return FILE_LABELS.get(name, "điểm của một đơn vị")


# --- pydantic errors -> Vietnamese problems ----------------------------------------------


def translate_errors(
    exc: ValidationError, model: type[BaseModel], source: SourceMap
) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _clean_loc(err["loc"], source)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = _allowed_keys(model, path[:-1])
            hint = ""
            if key.isdigit():
                # `{tu_cham: 9,5}` splits at the comma into `9` and a key `5`.
                hint = (
                    "; nếu đây là phần thập phân của một số viết bằng dấu phẩy (ví dụ 9,5), "
                    "hãy dùng dấu chấm: 9.5"
                )
            elif close := difflib.get_close_matches(key, allowed, n=1, cutoff=0.6):
                hint = f'; có phải ý bạn là "{close[0]}"?'
            elif allowed:
                hint = "; các khóa được dùng ở đây: " + ", ".join(allowed)
            out.append(error(source.key_at(path), f'khóa "{key}" không có trong mẫu dữ liệu{hint}'))
            continue
        if kind == "missing":
            key = str(path[-1]) if path else "?"
            parent = path[:-1]
            out.append(
                error(
                    source.at(parent),
                    f'thiếu khóa bắt buộc "{key}"'
                    + (f' trong "{_show_path(parent)}"' if parent else ""),
                )
            )
            continue
        message = _message(err)
        empty = ", nhưng gặp giá trị trống"
        if err.get("input") is None and path and isinstance(path[-1], str) and empty in message:
            # A key left blank (as in a skeleton to fill in): name it.
            message = f'"{path[-1]}" chưa được điền: ' + message.replace(empty, "")
        out.append(error(source.at(path), message))
    return out


def _clean_loc(loc: tuple[int | str, ...], source: SourceMap) -> YamlPath:
    """Drop the parts of a pydantic location that are not in the file (union tags)."""
    path: YamlPath = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in source.values or candidate in source.keys:
            path = candidate
        elif isinstance(part, str) and not _is_tag(part):
            path = candidate  # a missing or extra key still names the place
    return path


def _is_tag(part: str) -> bool:
    return "[" in part or part.startswith(("function-", "constrained-"))


def _show_path(path: YamlPath) -> str:
    return ".".join(str(p) for p in path)


def _message(err: Any) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    shown = f'"{value}"' if isinstance(value, str) else _shape(value)
    if kind == "thidua":
        return str(err["msg"])
    if kind in ("string_type", "str_type"):
        return f"cần một đoạn văn bản, nhưng gặp {shown}"
    if kind == "string_too_short":
        return "giá trị không được để trống"
    if kind == "string_too_long":
        return f"quá dài: tối đa {ctx.get('max_length')} ký tự"
    if kind == "string_pattern_mismatch" and str(ctx.get("pattern", "")).startswith("^(diem"):
        return (
            f"khóa xếp hạng {shown} không hợp lệ; chỉ nhận: diem, diem_tu_cham, diem_tru, "
            "diem_cong, phieu:<mã cuộc bỏ phiếu>, nhom:<mã nhóm>"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"mã {shown} không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số và các dấu "
            '". _ -", bắt đầu bằng chữ hoặc số (ví dụ NHNN, 1.2)'
        )
    if kind in ("list_type", "tuple_type"):
        return f'cần một danh sách (mỗi mục một dòng bắt đầu bằng "- "), nhưng gặp {shown}'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"cần một bảng các khóa (khóa: giá trị), nhưng gặp {shown}"
    if kind == "too_short":
        return "danh sách không được để trống"
    if kind == "enum":
        expected = ctx.get("expected", "")
        return f"giá trị {shown} không hợp lệ; chỉ nhận: {_or_list(expected)}"
    if kind == "literal_error":
        return f"giá trị {shown} không hợp lệ; chỉ nhận: {_or_list(ctx.get('expected', ''))}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return f"giá trị {shown} ngoài giới hạn: cần {op} {bound}"
    return f"giá trị {shown} không hợp lệ ({err.get('msg', kind)})"


def _or_list(expected: str) -> str:
    return expected.replace("' or '", "', '").replace("'", '"')


def _shape(value: object) -> str:
    if value is None:
        return "giá trị trống"
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, dict):
        return "một bảng các khóa"
    return f'"{value}"'


def _allowed_keys(model: type[BaseModel], path: YamlPath) -> list[str]:
    """The keys a mapping at ``path`` accepts, for "did you mean" hints."""
    current: Any = model
    for part in path:
        current = _descend(current, part)
        if current is None:
            return []
    current = _unwrap_model(current)
    if current is None:
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _descend(tp: Any, part: str | int) -> Any:
    model = _unwrap_model(tp)
    if model is not None and isinstance(part, str):
        for name, f in model.model_fields.items():
            if (f.alias or name) == part:
                return f.annotation
        return None
    for arg in _args(tp):
        origin = typing.get_origin(arg)
        if origin is list and isinstance(part, int):
            return typing.get_args(arg)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(arg)[1]
    return None


def _args(tp: Any) -> Iterable[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        yield from _args(typing.get_args(tp)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            yield from _args(arg)
    else:
        yield tp


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    for arg in _args(tp):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
