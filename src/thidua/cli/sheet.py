"""``thidua sheet`` and ``thidua import``: a member's scoring form out to Excel and back.

Thin on purpose: the form is built by :mod:`thidua.present.form`, read back by
:mod:`thidua.present.form_read`, and written into the score file by
:mod:`thidua.repo.importer` (imported inside these functions, so that other commands never
load openpyxl or ruamel.yaml). Files are written atomically (:mod:`thidua.repo.atomic`).

Exit codes: 0 done, 1 a refused form, problems in the data or a closed year, 2 wrong usage.

Both commands read a unit code by the one command-line rule
(:func:`thidua.cli.common.member_code`: exactly, else ignoring case, else a suggestion), in
the year they opened, once.

A closed year takes no import: the refusal says since when and by whom it is closed, and
how to reopen it. ``--dry-run`` on a closed year still prints the diff, then says the form
could not be imported (exit 1). Importing for a member already appraised warns that the
appraised scores stay, naming the criteria whose new self-score now differs from the
appraisal without a reason (stderr; also on a dry run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from thidua.errors import DataError, UsageError
from thidua.year import TABLE

__all__ = ["import_form", "register", "sheet"]

Year = Annotated[int, typer.Argument(help="Năm của biểu mẫu, ví dụ 2021.", show_default=False)]
Unit = Annotated[
    str,
    typer.Argument(
        help="Mã đơn vị thành viên, ví dụ QLTT (như trong khoi.yaml).", show_default=False
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``sheet`` and ``import`` to ``app``."""
    app.command("sheet")(sheet)
    app.command("import")(import_form)


def sheet(
    year: Year,
    unit: Unit,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=(
                "Tệp .xlsx cần ghi (mặc định: phieu-cham-diem-<NĂM>-<MÃ>.xlsx "
                "trong thư mục hiện tại)."
            ),
            show_default=False,
        ),
    ] = None,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Lập biểu mẫu Excel để đơn vị tự chấm điểm: bảng tiêu chí, điểm và minh chứng hiện có."""
    from thidua.present.form import build_form, form_bytes, form_file_name
    from thidua.present.ooxml import package_time
    from thidua.read.load import display_path
    from thidua.repo.atomic import write_bytes_atomic
    from thidua.repo.years import open_year

    def action() -> int:
        epoch = source_date_epoch()
        loaded, problems = open_year(data, year)
        if loaded is None:
            raise DataError(problems)
        code = member_code(loaded, unit)
        # The form needs a sound scoring table and member list; a fault in some member's
        # score file is that member's to fix (possibly with this very form).
        blocking = [
            p
            for p in problems
            if p.is_error
            and p.position.path in (loaded.pos(TABLE).path, loaded.pos("khoi.yaml").path)
        ]
        if blocking:
            raise DataError(blocking)
        target = output if output is not None else Path(form_file_name(year, code))
        if target.suffix.lower() != ".xlsx":
            raise UsageError(f"tệp biểu mẫu phải có đuôi .xlsx: {display_path(target)}")
        if target.is_dir():
            raise UsageError(f"{display_path(target)} là một thư mục; hãy ghi rõ tên tệp .xlsx")
        if not target.parent.is_dir():
            raise UsageError(f"không có thư mục {display_path(target.parent)} để ghi biểu mẫu")
        conference = loaded.conference
        when = package_time(conference.date if conference is not None else None, epoch)
        content = form_bytes(build_form(loaded, code), when)
        write_bytes_atomic(target, content)
        echo(f"Đã ghi biểu mẫu chấm điểm của đơn vị {code} năm {year}: {display_path(target)}")
        return 0

    code = run(action)
    if code:
        raise typer.Exit(code)


def import_form(
    year: Year,
    unit: Unit,
    file: Annotated[
        Path,
        typer.Argument(help="Biểu mẫu .xlsx đã điền (lập bằng thidua sheet).", show_default=False),
    ],
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=(
                "Chỉ in phần thay đổi của tệp điểm (dạng diff), không ghi gì. Năm đã kết "
                "thúc vẫn in được, kèm lời báo không nhập được."
            ),
        ),
    ] = False,
    data: DataDir = Path(DEFAULT_DATA),
) -> None:
    """Nhập điểm tự chấm và minh chứng từ biểu mẫu Excel vào tệp điểm của đơn vị."""
    from thidua.present.form_read import FormError
    from thidua.read.load import display_path
    from thidua.repo.importer import YearClosed, open_for_import, plan_form_import, read_form_file

    def action() -> int:
        if not file.is_file():
            raise UsageError(f"không tìm thấy tệp {display_path(file)}")
        shown = display_path(file)
        try:
            loaded, problems = open_for_import(data, year)
            code = member_code(loaded, unit)  # a usage error (exit 2) is not caught here
            content = read_form_file(file)
            plan = plan_form_import(loaded, problems, code, content, file.name, closed_ok=dry_run)
        except YearClosed as exc:
            echo(f"Không nhập biểu mẫu {shown}: {exc.reason}; tệp điểm được giữ nguyên.", err=True)
            echo(exc.hint, err=True)
            return 1
        except FormError as exc:
            for line in exc.faults:
                echo(line, err=True)
            echo(
                f"Không nhập biểu mẫu {shown}: {len(exc.faults)} lỗi; tệp điểm được giữ nguyên.",
                err=True,
            )
            return 1
        except DataError as exc:
            print_problems(exc.problems)
            echo(f"Không nhập biểu mẫu {shown}; tệp điểm được giữ nguyên.", err=True)
            return 1
        target = display_path(plan.path)
        if plan.closed is not None:  # a dry run: show what would change, and the refusal
            import sys

            refusal = YearClosed(plan.closed)
            sys.stdout.write(plan.diff())
            echo(
                f"Chạy thử: {plan.changed} tiêu chí sẽ thay đổi, nhưng không nhập được vì "
                f"{refusal.reason}; chưa ghi gì vào {target}.",
                err=True,
            )
            echo(refusal.hint, err=True)
            return 1
        if plan.old == plan.new:
            echo(f"Không có gì thay đổi: {target} đã khớp với biểu mẫu {shown}.")
            return 0
        if dry_run:
            import sys

            sys.stdout.write(plan.diff())
            echo(f"Chạy thử: {plan.changed} tiêu chí sẽ thay đổi; chưa ghi gì vào {target}.")
        else:
            plan.write()
            echo(f"Đã nhập biểu mẫu {shown} vào {target}: {plan.changed} tiêu chí thay đổi.")
        for line in plan.warning():
            echo(line, err=True)
        return 0

    code = run(action)
    if code:
        raise typer.Exit(code)
