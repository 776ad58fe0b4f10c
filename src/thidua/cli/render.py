"""``thidua render``: the conference documents of a year, as Markdown or print-ready HTML.

Thin: load the year (problems stop it with the messages of ``thidua check``), rank it,
render through :mod:`thidua.present.render` (imported inside the command: jinja2 is heavy), and
print the text or write it atomically.

Output files (``-o``): one document goes to the file named; ``all`` needs a folder and
writes every document there as ``bien-ban-2020.md``, ``bao-cao-2020.md``,
``to-trinh-2020.md``, ``bang-diem-2020.md``, ``xep-hang-2020.md`` (``.html`` with
``--format html``). ``all`` writes nothing unless every document can be rendered.
Without ``--format``, the format follows the extension of ``-o`` (``.html``/``.htm`` or
``.md``), else Markdown.

Every document carries the data's fingerprint (:func:`thidua.repo.verify.fingerprint_of`: the
content digest of the year, and the git commit when the year folder is clean), which
``thidua verify`` reads back.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua.cli.common import (
    DEFAULT_DATA,
    DataDir,
    echo,
    print_problems,
    run,
    source_date_epoch,
)
from thidua.errors import ThiduaError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from thidua.compute.results import YearResult
    from thidua.present.context import Doc

__all__ = ["DocName", "FormatName", "register", "render"]


class DocName(enum.Enum):
    MINUTES = "minutes"
    REPORT = "report"
    PROPOSAL = "proposal"
    SCORES = "scores"
    RANKING = "ranking"
    ALL = "all"


class FormatName(enum.Enum):
    MD = "md"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"


BINARY = (FormatName.DOCX, FormatName.XLSX)


def register(app: typer.Typer) -> None:
    """Add ``render`` to ``app``."""
    app.command("render")(render)


def render(
    year: Annotated[
        int, typer.Argument(help="Năm cần lập văn bản, ví dụ 2020.", show_default=False)
    ],
    doc: Annotated[
        DocName,
        typer.Argument(
            help=(
                "Văn bản cần lập: minutes (biên bản hội nghị), report (báo cáo tổng kết), "
                "proposal (tờ trình đề nghị khen thưởng), scores (bảng tổng hợp điểm), "
                "ranking (kết quả xếp hạng), all (tất cả, cần -o THƯ_MỤC)."
            ),
            show_default=False,
        ),
    ],
    fmt: Annotated[
        FormatName | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "Định dạng: md (Markdown, xem được trên GitHub/GitLab), html (một tệp "
                "in ra khổ A4), docx (Word, cần -o) hoặc xlsx (Excel, chỉ cho scores, cần -o). "
                "Mặc định theo đuôi tệp của -o, nếu không thì md."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=(
                "Ghi ra tệp này (hoặc vào thư mục này, với tên tệp như bien-ban-2020.md) "
                "thay vì in ra màn hình. Với all: thư mục để ghi mọi văn bản."
            ),
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Lập văn bản hội nghị tổng kết: biên bản, báo cáo, tờ trình, bảng điểm, xếp hạng.

    Mẫu văn bản có sẵn có thể được thay bằng mẫu cùng tên trong thư mục templates/ đặt
    cạnh thư mục dữ liệu.
    """
    run(lambda: _render(year, doc, fmt, output, data))


def _render(
    year: int, doc: DocName, fmt_name: FormatName | None, output: Path | None, data_dir: Path
) -> None:
    from thidua.present import render as r
    from thidua.present.word import render_docx
    from thidua.present.xlsx_summary import render_scores_xlsx
    from thidua.read.load import load_next_tasks
    from thidua.repo.verify import fingerprint_of

    fmt_name = _infer_format(fmt_name, output, doc)
    ext = fmt_name.value
    binary = fmt_name in BINARY
    if binary and output is None:
        raise UsageError(
            f"định dạng {ext} là tệp nhị phân, cần -o TỆP (ví dụ: thidua render {year} "
            f"{doc.value} --format {ext} -o {doc.value}-{year}.{ext})"
        )
    if fmt_name is FormatName.XLSX and doc is not DocName.SCORES:
        raise UsageError("định dạng xlsx chỉ dùng cho bảng tổng hợp điểm (scores)")
    if doc is DocName.ALL:
        if output is None:
            raise UsageError(
                "thidua render NĂM all cần -o THƯ_MỤC: thư mục để ghi mọi văn bản "
                f"(ví dụ: thidua render {year} all -o van-ban)"
            )
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output} đã có và không phải là thư mục")

    epoch = source_date_epoch()
    today = epoch.date() if epoch is not None else None
    result = _ranked(data_dir, year)
    fingerprint = fingerprint_of(result.data, data_dir)

    next_tasks = load_next_tasks(result.data)
    templates = r.user_templates_dir(data_dir)
    make: Callable[[r.Doc], str | bytes]
    if fmt_name is FormatName.XLSX:

        def make(one: r.Doc) -> str | bytes:
            return render_scores_xlsx(result, epoch=epoch, fingerprint=fingerprint)

    elif fmt_name is FormatName.DOCX:

        def make(one: r.Doc) -> str | bytes:
            return render_docx(
                result,
                one,
                templates,
                next_tasks=next_tasks,
                today=today,
                epoch=epoch,
                fingerprint=fingerprint,
            )

    else:
        env = r.make_environment(templates)
        fmt = r.Format(ext)

        def make(one: r.Doc) -> str | bytes:
            return r.render_document(
                result,
                one,
                fmt,
                env=env,
                next_tasks=next_tasks,
                today=today,
                fingerprint=fingerprint,
            )

    docs = list(r.Doc) if doc is DocName.ALL else [r.Doc(doc.value)]
    contents = _render_each(docs, make, all_or_nothing=doc is DocName.ALL)

    if output is None:
        for content in contents.values():
            sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return
    if doc is DocName.ALL:
        output.mkdir(parents=True, exist_ok=True)
        targets = {one: output / f"{one.stem}-{year}.{ext}" for one in contents}
    else:
        (one,) = contents
        target = output / f"{one.stem}-{year}.{ext}" if output.is_dir() else output
        if not target.parent.is_dir():
            raise UsageError(f"không có thư mục {target.parent} để ghi {target.name}")
        targets = {one: target}
    _write_all({targets[one]: contents[one] for one in contents})


def _infer_format(fmt_name: FormatName | None, output: Path | None, doc: DocName) -> FormatName:
    """The --format given, else the one the -o file's extension names, else Markdown."""
    if fmt_name is not None:
        return fmt_name
    if output is not None and doc is not DocName.ALL:
        suffix = output.suffix.lower().lstrip(".")
        if suffix == "htm":
            return FormatName.HTML
        if suffix in {f.value for f in FormatName}:
            return FormatName(suffix)
    return FormatName.MD


def _ranked(data_dir: Path, year: int) -> YearResult:
    from thidua.compute.ranking import rank_year
    from thidua.repo.years import open_year_or_raise

    data, warnings = open_year_or_raise(data_dir, year)
    if warnings:
        print_problems(warnings)
    return rank_year(data)


def _render_each(
    docs: list[Doc], make: Callable[[Doc], str | bytes], *, all_or_nothing: bool
) -> dict[Doc, str | bytes]:
    """Render every document; with ``all``, report every failure and render nothing."""
    from thidua.present.context import RenderError

    contents: dict[Doc, str | bytes] = {}
    failures: list[str] = []
    for one in docs:
        try:
            contents[one] = make(one)
        except ThiduaError as exc:
            if not all_or_nothing:
                raise
            failures.append(f"{one.label}: {exc.message}")
    if failures:
        raise RenderError(
            "không ghi văn bản nào vì có văn bản không lập được:\n  - " + "\n  - ".join(failures)
        )
    return contents


def _write_all(files: dict[Path, str | bytes]) -> None:
    from thidua.repo.atomic import write_bytes_atomic

    for path, content in files.items():
        try:
            write_bytes_atomic(
                path, content.encode("utf-8") if isinstance(content, str) else content
            )
        except OSError as exc:
            raise ThiduaError(f"không ghi được {path}: {exc.strerror or exc}") from None
        echo(f"Đã ghi {path}")
