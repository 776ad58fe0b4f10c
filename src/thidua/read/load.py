"""Read ``data/<year>/`` into validated models plus a list of problems. Never prints.

The files of a year are listed in :mod:`thidua.year`. Every file is read and validated
even when another one fails, so that the user sees all problems at once. Pydantic errors
are mapped back to ``file:line:col`` through the :class:`~thidua.sources.SourceMap` of
the file. Cross-file rules are not run here: they are :mod:`thidua.compute.checks`, and
:func:`thidua.repo.years.open_year` reads a year and runs them.

A required file that cannot be read (missing, or with errors) does not stop the others:
:func:`read_all` stands a placeholder in for it (see :class:`YearReading`) so that the
cross-file rules that do not need it still run; only :func:`read_year`'s callers, which
need the whole year, get ``None``.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from thidua import models as m
from thidua.errors import DataError, Position, Problem, UsageError, error, warning
from thidua.read.spelling import find_words, record_spellings, unmarked_hint
from thidua.read.yamlio import Parsed, parse_yaml_partly, read_file
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


@dataclasses.dataclass(frozen=True)
class YearReading:
    """Every file of a year read and validated, whatever failed.

    ``data`` is for the cross-file checks only; ``complete`` is the year as it loaded, or
    None when a required file could not be read.

    ``broken`` maps the required files (:data:`thidua.year.REQUIRED`) that could not be
    read, missing or with errors, to the place of their last problem (where a note on
    what they keep from being checked goes). In ``data`` each of them is a placeholder
    that holds only its ``nam`` (the folder's year): a rule that reads more of it must
    not run (:func:`thidua.compute.checks.run_checks` knows which rules need which file).

    ``data`` also holds what a score file with a syntax error says before the error
    (see :func:`_read_before_stop`), so that those scores are checked too; the file
    stays among :attr:`~thidua.year.YearData.unreadable_scores`, and is in neither
    ``complete.scores`` nor ``complete.sources``: no command may take it for the file.
    """

    data: YearData
    complete: YearData | None
    broken: dict[str, Position]
    problems: list[Problem]


def read_year(data_dir: Path, year: int) -> tuple[YearData | None, list[Problem]]:
    """Read and validate every file of ``year``; no cross-file checks (see open_year).

    Returns the data (``None`` when a required file is missing or invalid) and every
    problem found, unsorted. Raises :class:`UsageError` when the year folder is absent.
    """
    reading = read_all(data_dir, year)
    return reading.complete, reading.problems


def read_all(data_dir: Path, year: int) -> YearReading:
    """Read and validate every file of ``year``, standing in for broken required files.

    Raises :class:`UsageError` when the year folder is absent.
    """
    return _read_year(year_folder(data_dir, year), year)


def _read_year(folder: Path, year: int) -> YearReading:
    problems: list[Problem] = []
    sources: dict[str, SourceMap] = {}
    spellings: Spellings = {}
    scores_dir = folder / SCORES_DIR
    paths = score_paths(folder)

    cut_short: dict[str, tuple[m.Model, SourceMap]] = {}

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
            score = _read_model(path, name, m.ScoreFile, problems, sources, spellings, cut_short)
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

    broken: dict[str, Position] = {}
    for name, model in ((CLUSTER, cluster), (REGULATION, regulation), (TABLE, table)):
        if model is None:
            shown = display_path(folder / name)
            own = [p.position for p in problems if p.position.path == shown]
            broken[name] = max(own, default=Position(shown, 1, 1))
    data = YearData(
        year=year,
        folder=folder,
        cluster=cluster or m.ClusterFile.model_construct(year=year),
        regulation=regulation or m.RegulationFile.model_construct(year=year),
        table=table or m.ScoringTableFile.model_construct(year=year),
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
    checked = dataclasses.replace(
        data,
        scores=dict(scores),
        score_files=dict(score_files),
        sources=dict(sources),
    )
    for name, (partial, source) in cut_short.items():
        if isinstance(partial, m.ScoreFile) and partial.member not in checked.scores:
            checked.scores[partial.member] = partial
            checked.score_files[partial.member] = name
            checked.sources[name] = source
    return YearReading(checked, None if broken else data, broken, problems)


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
    cut_short: dict[str, tuple[m.Model, SourceMap]] | None = None,
) -> M | None:
    """The model of one file, or None with its problems added to ``problems``.

    A file with a syntax error is still checked up to the error (:func:`_read_before_stop`);
    with ``cut_short``, the model of what came before it, if valid, goes there.
    """
    shown = display_path(path)
    try:
        parsed = parse_yaml_partly(read_file(path, shown), shown)
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    if parsed.problems:
        problems.extend(parsed.problems)
        if parsed.stopped is not None:
            problems.append(warning(parsed.problems[-1].position, _STOPPED))
            if len(parsed.problems) == 1:  # a syntax error alone: the tree is sound
                partial = _read_before_stop(parsed, model, problems)
                if partial is not None and cut_short is not None:
                    cut_short[name] = (partial, parsed.source)
        return None
    raw, source = parsed.root, parsed.source
    sources[name] = source
    record_spellings(find_words(raw), source, spellings)
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


# libyaml gives up at the first syntax error; what follows it is not read at all.
_STOPPED = (
    "trình đọc YAML dừng ở lỗi cú pháp đầu tiên nên phần tệp từ đây trở đi chưa được "
    "đọc; sửa lỗi này rồi chạy lại thidua check để kiểm tra nốt phần còn lại"
)


def _read_before_stop(parsed: Parsed, model: type[M], problems: list[Problem]) -> M | None:
    """Check what a file says before its syntax error; its model if that is valid alone.

    The entry being read when the parser stopped (the item of a top-level collection
    that holds the error, e.g. one criterion's scores) is dropped, being possibly cut
    short; so is a text right before the error (a line run into the faulty one). What an
    open collection lacks may come after the error: it is not reported.
    """
    root, stopped = parsed.root, parsed.stopped
    if not isinstance(root, dict) or stopped is None:
        return None
    if len(stopped) >= 2:
        del _node(root, stopped[:1])[stopped[1]]
    else:
        node = _node(root, stopped)
        if isinstance(node, dict) and node and _is_text(node[last := next(reversed(node))]):
            del node[last]
        elif isinstance(node, list) and node and _is_text(node[-1]):
            node.pop()
    try:
        return model.model_validate(root)
    except ValidationError as exc:
        unfinished = frozenset(stopped[:end] for end in range(len(stopped) + 1))
        problems.extend(translate_errors(exc, model, parsed.source, unfinished))
        return None


def _node(root: dict[str, Any], path: YamlPath) -> Any:
    node: Any = root
    for part in path:
        node = node[part]
    return node


def _is_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _label(name: str) -> str:
    return FILE_LABELS.get(name, "điểm của một đơn vị")


# --- pydantic errors -> Vietnamese problems ----------------------------------------------


def translate_errors(
    exc: ValidationError,
    model: type[BaseModel],
    source: SourceMap,
    unfinished: frozenset[YamlPath] = frozenset(),
) -> list[Problem]:
    """Pydantic's errors as Vietnamese problems at their place in the file.

    ``unfinished``: collections a syntax error cut short; what they lack (a required
    key, an item, a value another one needs) is not reported.
    """
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _clean_loc(err["loc"], source)
        kind = err["type"]
        if path in unfinished or (kind == "missing" and path[:-1] in unfinished):
            continue
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
        typed = err.get("input")
        if isinstance(typed, str) and (unmarked := unmarked_hint(typed, _fixed_texts(model, path))):
            out.append(error(source.at(path), unmarked))
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


def _fixed_texts(model: type[BaseModel], path: YamlPath) -> list[str]:
    """The texts a value at ``path`` may be as one of an enumeration ("đạt", "đồng ý")."""
    current: Any = model
    for part in path:
        current = _descend(current, part)
        if current is None:
            return []
    return [
        member.value
        for arg in _args(current)
        if isinstance(arg, type) and issubclass(arg, enum.Enum)
        for member in arg
        if isinstance(member.value, str)
    ]


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
