"""``thidua render``: the conference documents of a year, as Markdown or print-ready HTML.

Thin: load the year (problems stop it with the messages of ``thidua check``), rank it,
render through :mod:`thidua.render` (imported inside the command: jinja2 is heavy), and
print the text or write it atomically.

Output files (``-o``): one document goes to the file named; ``all`` needs a folder and
writes every document there as ``bien-ban-2020.md``, ``bao-cao-2020.md``,
``to-trinh-2020.md``, ``bang-diem-2020.md``, ``xep-hang-2020.md`` (``.html`` with
``--format html``). ``all`` writes nothing unless every document can be rendered.
Without ``--format``, the format follows the extension of ``-o`` (``.html``/``.htm`` or
``.md``), else Markdown.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua.cliutil import DEFAULT_DATA, DataDir, echo, print_problems, run
from thidua.errors import ThiduaError, UsageError

if TYPE_CHECKING:
    from thidua.render import Format

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
    from thidua import render as r
    from thidua.loader import load_year_or_raise
    from thidua.ranking import rank_year

    if fmt_name is None and output is not None and doc is not DocName.ALL:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in ("docx", "xlsx"):
            fmt_name = FormatName(suffix)
    if fmt_name in BINARY:
        _render_binary(year, doc, fmt_name, output, data_dir)
        return
    fmt = _choose_format(fmt_name, output if doc is not DocName.ALL else None)
    if doc is DocName.ALL:
        if output is None:
            raise UsageError(
                "thidua render NĂM all cần -o THƯ_MỤC: thư mục để ghi mọi văn bản "
                f"(ví dụ: thidua render {year} all -o van-ban)"
            )
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output} đã có và không phải là thư mục")
    today = r.today_from_epoch()
    data, warnings = load_year_or_raise(data_dir, year)
    if warnings:
        print_problems(warnings)
    result = rank_year(data)
    env = r.make_environment(r.user_templates_dir(data_dir))
    next_tasks = r.read_next_tasks(data)

    docs = list(r.Doc) if doc is DocName.ALL else [r.Doc(doc.value)]
    texts: dict[r.Doc, str] = {}
    failures: list[str] = []
    for one in docs:
        try:
            texts[one] = r.render_document(
                result, one, fmt, env=env, next_tasks=next_tasks, today=today
            )
        except ThiduaError as exc:
            if doc is not DocName.ALL:
                raise
            failures.append(f"{one.label}: {exc.message}")
    if failures:
        raise r.RenderError(
            "không ghi văn bản nào vì có văn bản không lập được:\n  - " + "\n  - ".join(failures)
        )

    if output is None:
        for text in texts.values():
            sys.stdout.write(text)
        return
    if doc is DocName.ALL:
        output.mkdir(parents=True, exist_ok=True)
        targets = {one: output / r.file_name(one, year, fmt) for one in texts}
    else:
        (one,) = texts
        target = output / r.file_name(one, year, fmt) if output.is_dir() else output
        if not target.parent.is_dir():
            raise UsageError(f"không có thư mục {target.parent} để ghi {target.name}")
        targets = {one: target}
    _write_all({targets[one]: texts[one] for one in texts})


def _render_binary(
    year: int, doc: DocName, fmt_name: FormatName, output: Path | None, data_dir: Path
) -> None:
    """Word documents and the Excel score summary: binary, so only ever written to -o."""
    from thidua import render as r
    from thidua.loader import load_year_or_raise
    from thidua.ranking import rank_year

    ext = fmt_name.value
    if output is None:
        raise UsageError(
            f"định dạng {ext} là tệp nhị phân, cần -o TỆP (ví dụ: thidua render {year} "
            f"{doc.value} --format {ext} -o {doc.value}-{year}.{ext})"
        )
    if fmt_name is FormatName.XLSX and doc not in (DocName.SCORES,):
        raise UsageError("định dạng xlsx chỉ dùng cho bảng tổng hợp điểm (scores)")
    if doc is DocName.ALL and output.exists() and not output.is_dir():
        raise UsageError(f"{output} đã có và không phải là thư mục")
    data, warnings = load_year_or_raise(data_dir, year)
    if warnings:
        print_problems(warnings)
    result = rank_year(data)
    from thidua import office_docs

    docs = list(r.Doc) if doc is DocName.ALL else [r.Doc(doc.value)]
    contents: dict[Path, bytes] = {}
    failures: list[str] = []
    for one in docs:
        name = f"{one.stem}-{year}.{ext}"
        if doc is DocName.ALL:
            target = output / name
        else:
            target = output / name if output.is_dir() else output
        try:
            if fmt_name is FormatName.XLSX:
                contents[target] = office_docs.render_scores_xlsx(result)
            else:
                contents[target] = office_docs.render_docx(
                    result,
                    one,
                    r.user_templates_dir(data_dir),
                    next_tasks=r.read_next_tasks(data),
                    today=r.today_from_epoch(),
                )
        except ThiduaError as exc:
            if doc is not DocName.ALL:
                raise
            failures.append(f"{one.label}: {exc.message}")
    if failures:
        raise r.RenderError(
            "không ghi văn bản nào vì có văn bản không lập được:\n  - " + "\n  - ".join(failures)
        )
    if doc is DocName.ALL:
        output.mkdir(parents=True, exist_ok=True)
    for target in contents:
        if not target.parent.is_dir():
            raise UsageError(f"không có thư mục {target.parent} để ghi {target.name}")
    from thidua.atomic import write_bytes_atomic

    for target, content in contents.items():
        try:
            write_bytes_atomic(target, content)
        except OSError as exc:
            raise ThiduaError(f"không ghi được {target}: {exc.strerror or exc}") from None
        echo(f"Đã ghi {target}")


def _choose_format(fmt_name: FormatName | None, output: Path | None) -> Format:
    from thidua.render import Format

    if fmt_name is not None:
        return Format(fmt_name.value)
    if output is not None and output.suffix.lower() in (".html", ".htm"):
        return Format.HTML
    return Format.MD


def _write_all(files: dict[Path, str]) -> None:
    from thidua.atomic import write_text_atomic

    for path, text in files.items():
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            raise ThiduaError(f"không ghi được {path}: {exc.strerror or exc}") from None
        echo(f"Đã ghi {path}")
