"""``thidua render``: the conference documents of a year, as Markdown or print-ready HTML.

Thin: load the year (problems stop it with the messages of ``thidua check``), rank it,
render through :mod:`thidua.present.render` (imported inside the command: jinja2 is heavy), and
print the text or write it atomically.

Output files (``-o``): one document goes to the file named; ``all`` needs a folder and
writes every document there as ``bien-ban-2020.md``, ``bao-cao-2020.md``,
``to-trinh-2020.md``, ``bang-diem-2020.md``, ``xep-hang-2020.md``, ``kiem-phieu-2020.md``,
``phieu-bau-2020.md``, ``phu-luc-diem-2020.md`` and one appraisal notice per member,
``thong-bao-2020-NHNN.md`` (``.html`` with ``--format html``). ``thong-bao UNIT`` makes the
notice of one member (the code by the command line's one rule,
:func:`thidua.cli.common.member_code`); ``thong-bao`` without a unit needs a folder and
writes every member's. ``all`` writes the documents that can be made and lists why the
others cannot, once per document (exit 1); with ``xlsx`` it writes the score summary, the
only one with an Excel form, and names the others. A trailing slash (``-o van-ban/``)
names a folder, created when absent.
Without ``--format``, the format follows the extension of ``-o`` (``.md``, ``.html``/``.htm``,
``.docx``, ``.xlsx``), else Markdown; any other extension, or one contradicting ``--format``,
is refused (exit 2).

Every document carries the data's fingerprint (:func:`thidua.repo.verify.fingerprint_of`: the
content digest of the year, and the git commit when the year folder is clean), which
``thidua verify`` reads back.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua.cli.common import (
    DEFAULT_DATA,
    DataDir,
    echo,
    member_code,
    print_problems,
    run,
    source_date_epoch,
)
from thidua.errors import ThiduaError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from thidua.compute.results import YearResult
    from thidua.present.documents import Doc

    # A document to make: which one, and for which member when it is one per member.
    Job = tuple[Doc, str | None]

__all__ = ["DocName", "FormatName", "register", "render"]


class DocName(enum.Enum):
    MINUTES = "minutes"
    REPORT = "report"
    PROPOSAL = "proposal"
    SCORES = "scores"
    RANKING = "ranking"
    COUNT = "kiem-phieu"
    PAPERS = "phieu-bau"
    NOTICE = "thong-bao"
    ANNEX = "phu-luc-diem"
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
                "ranking (kết quả xếp hạng), kiem-phieu (biên bản kiểm phiếu), phieu-bau "
                "(phiếu bầu để in), thong-bao (thông báo kết quả thẩm định cho từng đơn vị), "
                "phu-luc-diem (phụ lục điểm chi tiết theo tiêu chí), all (tất cả, cần -o "
                "THƯ_MỤC)."
            ),
            show_default=False,
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Argument(
            metavar="[ĐƠN_VỊ]",
            help=(
                "Chỉ với thong-bao: mã đơn vị nhận thông báo (không phân biệt chữ hoa, chữ "
                "thường). Không ghi thì lập thông báo cho mọi đơn vị, mỗi đơn vị một tệp "
                "(cần -o THƯ_MỤC)."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        FormatName | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "Định dạng: md (Markdown, xem được trên GitHub/GitLab), html (một tệp "
                "in ra khổ A4), docx (Word, cần -o) hoặc xlsx (Excel, cần -o: chỉ bảng tổng "
                "hợp điểm có dạng này; với all, ghi những văn bản có dạng xlsx và liệt kê "
                "những văn bản không có). Mặc định theo đuôi tệp của -o, nếu không thì md."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help=(
                "Ghi ra tệp này (hoặc vào thư mục này, với tên tệp như bien-ban-2020.md; "
                "tên kết thúc bằng / là thư mục, được tạo nếu chưa có) thay vì in ra màn "
                "hình. Với all: thư mục để ghi mọi văn bản."
            ),
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Lập văn bản hội nghị tổng kết: biên bản, báo cáo, tờ trình, bảng điểm, xếp hạng,
    biên bản kiểm phiếu, phiếu bầu, thông báo kết quả thẩm định, phụ lục điểm.

    Mẫu văn bản có sẵn có thể được thay bằng mẫu cùng tên trong thư mục templates/ đặt
    cạnh thư mục dữ liệu.
    """
    run(lambda: _render(year, doc, unit, fmt, output, data))


def _render(
    year: int,
    doc: DocName,
    unit: str | None,
    fmt_name: FormatName | None,
    raw_output: str | None,
    data_dir: Path,
) -> None:
    from thidua.present import render as r
    from thidua.present.documents import RenderError, file_name
    from thidua.present.word import render_docx
    from thidua.present.xlsx_summary import render_scores_xlsx
    from thidua.read.load import load_next_tasks
    from thidua.repo.verify import fingerprint_of

    output = Path(raw_output) if raw_output is not None else None
    # A trailing slash names a folder, whether it exists or not (Path drops the slash).
    to_folder = raw_output is not None and (
        raw_output.endswith(("/", os.sep)) or Path(raw_output).is_dir()
    )
    fmt_name = _infer_format(fmt_name, output if not to_folder else None, doc)
    ext = fmt_name.value
    binary = fmt_name in BINARY
    if unit is not None and doc is not DocName.NOTICE:
        raise UsageError(
            f'chỉ thong-bao nhận mã đơn vị; {doc.value} lập chung cho cả Khối, hãy bỏ "{unit}"'
        )
    if binary and output is None:
        raise UsageError(
            f"định dạng {ext} là tệp nhị phân, cần -o TỆP (ví dụ: thidua render {year} "
            f"{doc.value} --format {ext} -o {doc.value}-{year}.{ext})"
        )
    if fmt_name is FormatName.XLSX and doc not in (DocName.SCORES, DocName.ALL):
        raise UsageError("định dạng xlsx chỉ dùng cho bảng tổng hợp điểm (scores)")
    if doc is DocName.ALL:
        if output is None:
            raise UsageError(
                "thidua render NĂM all cần -o THƯ_MỤC: thư mục để ghi mọi văn bản "
                f"(ví dụ: thidua render {year} all -o van-ban)"
            )
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output} đã có và không phải là thư mục")
    if doc is DocName.NOTICE and unit is None and (output is None or not to_folder):
        raise UsageError(
            "thidua render NĂM thong-bao không kèm mã đơn vị lập mỗi đơn vị một tệp, cần "
            f"-o THƯ_MỤC/ (ví dụ: thidua render {year} thong-bao -o thong-bao/), hoặc ghi mã "
            f"một đơn vị (ví dụ: thidua render {year} thong-bao NHNN)"
        )

    epoch = source_date_epoch()
    today = epoch.date() if epoch is not None else None
    result = _ranked(data_dir, year)
    member = member_code(result.data, unit) if unit is not None else None
    fingerprint = fingerprint_of(result.data, data_dir)

    next_tasks = load_next_tasks(result.data)
    templates = r.user_templates_dir(data_dir)
    env = r.make_environment(templates)
    make: Callable[[Job], str | bytes]
    if fmt_name is FormatName.XLSX:

        def make(job: Job) -> str | bytes:
            return render_scores_xlsx(result, epoch=epoch, fingerprint=fingerprint)

    elif fmt_name is FormatName.DOCX:

        def make(job: Job) -> str | bytes:
            one, code = job
            return render_docx(
                result,
                one,
                templates,
                next_tasks=next_tasks,
                today=today,
                epoch=epoch,
                fingerprint=fingerprint,
                member=code,
                env=env,
            )

    else:
        fmt = r.Format(ext)

        def make(job: Job) -> str | bytes:
            one, code = job
            return r.render_document(
                result,
                one,
                fmt,
                env=env,
                next_tasks=next_tasks,
                today=today,
                fingerprint=fingerprint,
                member=code,
            )

    docs = list(r.Doc) if doc is DocName.ALL else [r.Doc(doc.value)]
    if fmt_name is FormatName.XLSX and doc is DocName.ALL:
        docs = [r.Doc.SCORES]
        others = ", ".join(one.label for one in r.Doc if one is not r.Doc.SCORES)
        echo(f"Chỉ bảng tổng hợp điểm có dạng xlsx; không có dạng xlsx: {others}", err=True)
    # A document of one member is made for the member asked for, else for every member.
    jobs: list[Job] = []
    for one in docs:
        if not one.per_member:
            jobs.append((one, None))
        elif member is not None:
            jobs.append((one, member))
        else:
            jobs.extend((one, code) for code in result.data.member_ids)
    many = doc is DocName.ALL or (doc is DocName.NOTICE and member is None)
    contents, failures = _render_each(jobs, make, keep_going=many)

    if output is None:
        for content in contents.values():
            sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return
    if many or to_folder:
        if contents:
            _make_folder(output)
        targets = {job: output / file_name(job[0], year, ext, job[1]) for job in contents}
    else:
        (job,) = contents
        if not output.parent.is_dir():
            raise UsageError(f"không có thư mục {output.parent} để ghi {output.name}")
        targets = {job: output}
    _write_all({targets[job]: contents[job] for job in contents})
    if failures:
        raise RenderError(
            f"không lập được {len(failures)} trong {len(jobs)} văn bản"
            + (" (các văn bản khác đã được ghi)" if contents else "")
            + ":\n  - "
            + "\n  - ".join(failures)
        )


EXTENSIONS = {
    ".md": FormatName.MD,
    ".html": FormatName.HTML,
    ".htm": FormatName.HTML,
    ".docx": FormatName.DOCX,
    ".xlsx": FormatName.XLSX,
}


def _infer_format(fmt_name: FormatName | None, output: Path | None, doc: DocName) -> FormatName:
    """The --format given, else the one the -o file's extension names, else Markdown.

    ``output`` is None when it names a folder. An extension thidua does not write, or one that
    contradicts ``--format``, is a usage error: a ``.pdf`` holding Markdown helps nobody.
    """
    suffix = output.suffix.lower() if output is not None and doc is not DocName.ALL else ""
    if not suffix:
        return fmt_name or FormatName.MD
    named = EXTENSIONS.get(suffix)
    if named is None:
        raise UsageError(
            f"thidua không lập được tệp {suffix} ({output.name if output else ''}); "
            f"đuôi tệp có thể dùng: {', '.join(EXTENSIONS)}"
        )
    if fmt_name is not None and fmt_name is not named:
        wanted = ", ".join(e for e, f in EXTENSIONS.items() if f is fmt_name)
        raise UsageError(
            f"đuôi tệp {suffix} của {output.name if output else ''} không khớp với "
            f"--format {fmt_name.value}; với định dạng này hãy dùng đuôi {wanted}"
        )
    return named


def _make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} đã có và không phải là thư mục")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ThiduaError(f"không tạo được thư mục {folder}: {exc.strerror or exc}") from None


def _ranked(data_dir: Path, year: int) -> YearResult:
    from thidua.compute.ranking import rank_year
    from thidua.repo.years import open_year_or_raise

    data, warnings = open_year_or_raise(data_dir, year)
    if warnings:
        print_problems(warnings)
    return rank_year(data)


def _render_each(
    jobs: list[Job], make: Callable[[Job], str | bytes], *, keep_going: bool
) -> tuple[dict[Job, str | bytes], list[str]]:
    """Render every document; with ``all``, the ones made and why the others were not.

    A document of every member that fails for one fails for all alike (the reason is the
    year's): it is listed once.
    """
    contents: dict[Job, str | bytes] = {}
    failures: list[str] = []
    for job in jobs:
        try:
            contents[job] = make(job)
        except ThiduaError as exc:
            if not keep_going:
                raise
            failure = f"{job[0].label}: {exc.message}"
            if failure not in failures:
                failures.append(failure)
    return contents, failures


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
