"""Documents are a function of the data and of the command line (issue 11, item 5).

The CLI reads the environment once (``SOURCE_DATE_EPOCH``, the data folder) and passes a
date and paths down; a document says the same whether the command runs in the data
repository or anywhere else, and an invalid ``SOURCE_DATE_EPOCH`` is the same usage error
for every command that stamps a date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app
from thidua.cli.common import source_date_epoch
from thidua.compute.ranking import rank_year
from thidua.errors import UsageError
from thidua.present import render as r
from thidua.present.form import build_form, form_bytes
from thidua.present.ooxml import package_time
from thidua.present.word import render_docx
from thidua.present.xlsx_summary import render_scores_xlsx
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
runner = CliRunner()

EPOCH_2021 = "1609459200"  # 2021-01-01 00:00:00 UTC
EPOCH_2021_02 = "1612137600"  # 2021-02-01 00:00:00 UTC


def bad_epoch(value: str) -> str:
    """The one message for an invalid SOURCE_DATE_EPOCH, whichever command reads it."""
    return (
        "Lỗi: biến môi trường SOURCE_DATE_EPOCH phải là số giây kể từ 01/01/1970 "
        f'(ví dụ SOURCE_DATE_EPOCH=1609286400), không phải "{value}"\n'
    )


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def render_from(
    cwd: Path, data: str, args: list[str], out: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    """``thidua render ARGS --data DATA -o OUT`` run in ``cwd``; the files written."""
    out.mkdir(parents=True)
    with monkeypatch.context() as m:
        m.chdir(cwd)
        result = runner.invoke(app, ["render", *args, "--data", data, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return files_of(out)


# Every document that renders from the bundled data, in every format it has; with
# SOURCE_DATE_EPOCH set too where it shows (the proposal's date, the package stamps).
RENDERS = [
    *(["2020", "all", "--format", f] for f in ("md", "html", "docx")),
    ["2020", "scores", "--format", "xlsx"],
    *(
        ["2021", doc, "--format", f]
        for doc in ("report", "scores", "ranking")
        for f in ("md", "html")
    ),
    ["2021", "report", "--format", "docx"],
    ["2021", "scores", "--format", "xlsx"],
]
WITH_EPOCH = [
    ["2020", "proposal", "--format", "md"],
    ["2020", "all", "--format", "docx"],
    ["2020", "scores", "--format", "xlsx"],
]
CASES = [(args, None) for args in RENDERS] + [(args, EPOCH_2021) for args in WITH_EPOCH]


@pytest.mark.parametrize(
    ("args", "epoch"), CASES, ids=lambda v: "-".join(v[:2] + v[3:]) if isinstance(v, list) else v
)
def test_documents_are_the_same_from_any_folder(
    args: list[str], epoch: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the repository (``--data data``) and from ``/`` (``--data /…/data``): same bytes."""
    if epoch is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    here = render_from(ROOT, "data", args, tmp_path / "here", monkeypatch)
    there = render_from(Path("/"), str(DATA), args, tmp_path / "there", monkeypatch)
    assert here
    assert here == there


def test_a_year_without_ballots_renders_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year without ballots renders the same minutes from any folder, naming no path."""
    repo = tmp_path / "khoi"
    shutil.copytree(DATA / "2020", repo / "data" / "2020")
    (repo / "data" / "2020" / "phieu-bau.yaml").unlink()
    (repo / "data" / "2020" / "khoa-so.yaml").unlink()  # else the sealed year is refused
    args = ["2020", "minutes", "--format", "md"]
    runs = [
        render_from(repo, "data", args, tmp_path / "repo", monkeypatch),
        render_from(repo / "data", ".", args, tmp_path / "dot", monkeypatch),
        render_from(repo / "data" / "2020", "..", args, tmp_path / "dotdot", monkeypatch),
        render_from(Path("/"), str(repo / "data"), args, tmp_path / "root", monkeypatch),
        render_from(tmp_path, "khoi/data", args, tmp_path / "above", monkeypatch),
    ]
    assert all(run == runs[0] for run in runs)
    text = runs[0]["bien-ban-2020.md"].decode("utf-8")
    assert (
        "a) Đơn vị dẫn đầu Khối thi đua năm 2020: chưa xác định, do chưa có kết quả bỏ phiếu "
        "bình chọn đơn vị dẫn đầu.\n"
    ) in text
    assert "phieu-bau" not in text and str(tmp_path) not in text


def test_the_epoch_changes_the_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another SOURCE_DATE_EPOCH gives another date in the packages and on the proposal."""
    made: dict[str, dict[str, bytes]] = {}
    for epoch in (EPOCH_2021, EPOCH_2021_02):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        made[epoch] = {
            **render_from(
                Path("/"),
                str(DATA),
                ["2020", "minutes", "-f", "docx"],
                tmp_path / epoch,
                monkeypatch,
            ),
            **render_from(
                ROOT, "data", ["2020", "scores", "-f", "xlsx"], tmp_path / f"x{epoch}", monkeypatch
            ),
        }
    first, second = made[EPOCH_2021], made[EPOCH_2021_02]
    assert sorted(first) == sorted(second) == ["bang-diem-2020.xlsx", "bien-ban-2020.docx"]
    for name in first:
        assert first[name] != second[name]
        for content, day in ((first[name], 1), (second[name], 2)):
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                assert {i.date_time for i in z.infolist()} == {(2021, day, 1, 0, 0, 0)}
                core = z.read("docProps/core.xml").decode("utf-8")
            stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
            assert stamps == [f"2021-0{day}-01T00:00:00Z"] * 2
    for epoch, day in ((EPOCH_2021, "01 tháng 01"), (EPOCH_2021_02, "01 tháng 02")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        result = runner.invoke(app, ["render", "2020", "proposal", "--data", str(DATA)])
        assert result.exit_code == 0, result.output
        assert f"ngày {day} năm 2021" in result.stdout


def test_sheet_is_the_same_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scoring form: same bytes from the repository and from ``/``; stamped by the epoch."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2021_02)
    made = []
    for cwd, data, name in ((ROOT, "data", "a.xlsx"), (Path("/"), str(DATA), "b.xlsx")):
        monkeypatch.chdir(cwd)
        target = tmp_path / name
        result = runner.invoke(app, ["sheet", "2021", "QLTT", "-o", str(target), "--data", data])
        assert result.exit_code == 0, result.output
        made.append(target.read_bytes())
    assert made[0] == made[1]
    with zipfile.ZipFile(io.BytesIO(made[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2021, 2, 1, 0, 0, 0)}


# --- one reading of SOURCE_DATE_EPOCH, one policy ----------------------------------------------


BAD = ["hôm nay", "-1", "1.5", "١٦٠٩٤٥٩٢٠٠", "9" * 30]


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(
    "command",
    [
        ["render", "2020", "minutes"],
        ["render", "2020", "all", "--format", "docx", "-o", "out"],
        ["render", "2020", "scores", "--format", "xlsx", "-o", "out.xlsx"],
        ["sheet", "2021", "QLTT", "-o", "form.xlsx"],
        ["init", "khoi"],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_an_invalid_epoch_is_one_usage_error(
    command: list[str], value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render, sheet and init refuse it alike: exit 2, one message; nothing is written."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    data = [] if command[0] == "init" else ["--data", str(DATA)]
    result = runner.invoke(app, [*command, *data])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == bad_epoch(value)
    assert list(tmp_path.iterdir()) == []


def test_init_takes_the_first_year_from_the_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01 00:00 UTC
    result = runner.invoke(app, ["init", "khoi"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "khoi" / "data" / "2025" / "khoi.yaml").is_file()


def test_source_date_epoch_is_read_once_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset or blank: None; seconds: that moment in UTC; anything else: a usage error."""
    assert source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    assert source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609286400")
    assert source_date_epoch() == dt.datetime(2020, 12, 30, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hôm nay")
    with pytest.raises(UsageError) as info:
        source_date_epoch()
    assert f"Lỗi: {info.value.message}\n" == bad_epoch("hôm nay")


# --- below the CLI nothing reads the environment -----------------------------------------------


def test_below_the_cli_the_environment_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layers under cli/ give the same bytes with or without SOURCE_DATE_EPOCH and
    THIDUA_DATA set (even to junk): only what they are passed counts."""
    data, _ = open_year_or_raise(DATA, 2020)
    result = rank_year(data)
    next_tasks = load_next_tasks(data)

    def everything() -> list[bytes]:
        return [
            r.render_document(result, r.Doc.PROPOSAL, r.Format.MD, next_tasks=next_tasks).encode(),
            render_docx(result, r.Doc.MINUTES, None, next_tasks=next_tasks),
            render_scores_xlsx(result),
            form_bytes(build_form(data, "QLTT"), package_time(None)),
        ]

    plain = everything()
    for epoch in (EPOCH_2021, "hôm nay"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        monkeypatch.setenv("THIDUA_DATA", str(tmp_path / "nowhere"))
        assert everything() == plain


def test_no_module_below_the_cli_reads_these_variables() -> None:
    """A source check to back the behaviour test: only cli/ names SOURCE_DATE_EPOCH or
    THIDUA_DATA next to os.environ/getenv; the one environ below cli/ is git's subprocess."""
    package = ROOT / "src" / "thidua"
    readers = re.compile(r"os\.environ|getenv")
    found = {
        path.relative_to(package).as_posix()
        for layer in ("present", "compute", "read", "repo")
        for path in (package / layer).rglob("*.py")
        if readers.search(path.read_text(encoding="utf-8"))
    }
    assert found == {"repo/git.py"}
    git = (package / "repo" / "git.py").read_text(encoding="utf-8")
    assert "SOURCE_DATE_EPOCH" not in git
    assert "THIDUA_DATA" not in git
