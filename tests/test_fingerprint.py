"""The data's fingerprint on every document, and ``thidua verify`` reading it back."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from gitrepo import Repo
from thidua.cli import app
from thidua.compute.seal import content_digest
from thidua.present.fingerprint import Fingerprint, parse_record, read_fingerprint
from thidua.repo.years import open_year_or_raise
from yeardata import KHOI, score_file, write_year

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]

FORMATS = ["md", "html", "docx", "xlsx"]


def digest_of(root: Path) -> str:
    data, _ = open_year_or_raise(root / "data", 2020)
    return content_digest(data)


def code_of(digest: str) -> str:
    return f"{digest[7:11].upper()}-{digest[11:15].upper()}"


def render(root: Path, fmt: str, name: str = "bang-diem", doc: str = "scores") -> Path:
    """``thidua render 2020 DOC --format FMT -o NAME.FMT`` in ``root``; the file written."""
    out = root / f"{name}.{fmt}"
    res = runner.invoke(
        app,
        ["render", "2020", doc, "--format", fmt, "-o", str(out), "--data", str(root / "data")],
    )
    assert res.exit_code == 0, res.output
    return out


def verify(root: Path, target: Path) -> tuple[int, str, str]:
    res = runner.invoke(app, ["verify", str(target), "--data", str(root / "data")])
    assert isinstance(res.exception, SystemExit | None), res.exception
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture
def year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small year outside any git repository, the current folder."""
    write_year(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


# --- every document carries it ------------------------------------------------------------------


def test_markdown_ends_with_the_line_and_a_hidden_record(year: Path) -> None:
    digest = digest_of(year)
    text = render(year, "md").read_text(encoding="utf-8")
    assert text.endswith(
        f"\n\n*Mã dữ liệu: {code_of(digest)}*\n\n<!-- thidua-data: nam=2020; ma={digest} -->\n"
    )


def test_html_has_a_meta_element_and_a_last_line(year: Path) -> None:
    """The line ends the body; a document whose body ends with a section (the score sheet's
    landscape one) has it as that section's last line, so it prints on the section's last
    page rather than alone on a portrait page."""
    digest = digest_of(year)
    line = f'<p class="fingerprint">Mã dữ liệu: {code_of(digest)}</p>\n'
    text = render(year, "html").read_text(encoding="utf-8")
    head, _, body = text.partition("</head>")
    assert f'<meta name="thidua-data" content="nam=2020;ma={digest}">\n' in head
    assert body.endswith(f"</table>\n\n{line}</section>\n</body>\n</html>\n")
    assert body.count("<section") == body.count("</section>") == 1
    assert '<section class="landscape">' in body
    assert body.count("Mã dữ liệu") == 1
    # The ranking has no section: the line comes last in the body itself.
    ranking = render(year, "html", "xep-hang", "ranking").read_text(encoding="utf-8")
    assert "<section" not in ranking
    assert ranking.endswith(f"</table>\n\n{line}</body>\n</html>\n")
    assert ranking.count("Mã dữ liệu") == 1


def test_word_has_it_in_the_footers_and_properties(year: Path) -> None:
    digest = digest_of(year)
    document = docx.Document(str(render(year, "docx")))
    props = document.core_properties
    assert props.identifier == digest
    assert props.keywords == f"nam=2020; ma={digest}"
    (section,) = document.sections
    line = f"Mã dữ liệu: {code_of(digest)}"
    for footer in (section.footer, section.first_page_footer):
        assert [p.text for p in footer.paragraphs] == [line]
    assert all("Mã dữ liệu" not in p.text for p in document.paragraphs)


def test_excel_has_it_in_the_sheet_footers_notes_and_properties(year: Path) -> None:
    digest = digest_of(year)
    wb = openpyxl.load_workbook(render(year, "xlsx"))
    line = f"Mã dữ liệu: {code_of(digest)}"
    assert wb.properties.identifier == digest
    assert wb.properties.keywords == f"nam=2020; ma={digest}"
    for ws in wb.worksheets:
        assert ws.oddFooter.right.text == line
    notes = wb["Ghi chú"]
    assert notes.cell(row=notes.max_row, column=1).value == line


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_data_gives_the_same_bytes(year: Path, fmt: str) -> None:
    assert render(year, fmt, "a").read_bytes() == render(year, fmt, "b").read_bytes()


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_every_document_of_all_carries_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """``render all`` on a copy of the bundled data: each of the 8 documents of the cluster
    and the appraisal notice of each of the 7 members verifies."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "all", "-f", fmt, "-o", "vb", "--data", "data"])
    assert res.exit_code == 0, res.output
    digest = digest_of(tmp_path)
    written = sorted((tmp_path / "vb").iterdir())
    stems = ["bien-ban", "bao-cao", "to-trinh", "bang-diem", "xep-hang", "kiem-phieu"]
    stems += ["phieu-bau", "phu-luc-diem"]
    notices = [f"thong-bao-2020-{code}" for code in ("QLTT", "NHNN", "CTK", "KBNN")]
    notices += [f"thong-bao-2020-{code}" for code in ("THUE", "BHXH", "HQ")]
    names = [f"{stem}-2020.{fmt}" for stem in stems] + [f"{n}.{fmt}" for n in notices]
    assert [path.name for path in written] == sorted(names)
    for path in written:
        assert read_fingerprint(path.read_bytes()) == Fingerprint(2020, digest), path.name
        assert verify(tmp_path, path)[0] == 0


def test_a_word_template_of_the_repository_gets_it_too(year: Path) -> None:
    """templates/scores.docx (docxtpl): its footers and properties carry the fingerprint."""
    pytest.importorskip("docxtpl")
    template = docx.Document()
    template.add_paragraph("Bảng điểm riêng năm {{ year }}")
    (year / "templates").mkdir()
    template.save(str(year / "templates" / "scores.docx"))
    target = render(year, "docx")
    document = docx.Document(str(target))
    digest = digest_of(year)
    assert [p.text for p in document.paragraphs] == ["Bảng điểm riêng năm 2020"]
    assert [p.text for p in document.sections[0].footer.paragraphs] == [
        f"Mã dữ liệu: {code_of(digest)}"
    ]
    assert document.core_properties.identifier == digest
    assert verify(year, target)[0] == 0


# --- verify ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_verify_right_after_rendering_says_current(year: Path, fmt: str) -> None:
    target = render(year, fmt)
    code, out, _ = verify(year, target)
    assert code == 0
    assert out == (
        "Văn bản được lập từ dữ liệu hiện tại của năm 2020 "
        f"(mã dữ liệu {code_of(digest_of(year))}).\n"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_verify_after_a_score_changed_says_earlier(year: Path, fmt: str) -> None:
    target = render(year, fmt)
    before = code_of(digest_of(year))
    write_year(year, {"diem/B.yaml": score_file("B", first="16")})
    code, out, _ = verify(year, target)
    assert code == 1
    assert out == (
        f"Văn bản được lập từ một trạng thái dữ liệu trước đây của năm 2020 (mã dữ liệu "
        f"{before}); dữ liệu hiện tại có mã {code_of(digest_of(year))}.\n"
        "Văn bản không ghi phiên bản dữ liệu (lúc lập, dữ liệu có thay đổi chưa commit) nên "
        "không liệt kê được các thay đổi; xem thay đổi giữa hai phiên bản bằng: "
        "thidua diff 2020 PHIÊN_BẢN\n"
    )


def test_layout_and_comments_do_not_count_as_changes(year: Path) -> None:
    target = render(year, "md")
    write_year(year, {"khoi.yaml": "# Khối thử nghiệm\n" + KHOI.replace("ten:", "ten:  ")})
    assert verify(year, target)[0] == 0


def test_verify_with_git_names_the_changed_score(git_repo: Repo) -> None:
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    commit = git_repo.git("rev-parse", "HEAD").strip()
    target = render(git_repo.root, "docx")
    fp = read_fingerprint(target.read_bytes())
    assert fp is not None and fp.commit == commit
    before = fp.code
    write_year(git_repo.root, {"diem/B.yaml": score_file("B", first="16")})
    git_repo.commit_all("sửa điểm B")
    code, out, _ = verify(git_repo.root, target)
    assert code == 1
    assert out == (
        f"Văn bản được lập từ một trạng thái dữ liệu trước đây của năm 2020 (mã dữ liệu "
        f"{before} · phiên bản {commit[:7]}); dữ liệu hiện tại có mã "
        f"{code_of(digest_of(git_repo.root))}.\n"
        "\n"
        f"So sánh dữ liệu năm 2020: phiên bản {commit[:7]} → dữ liệu hiện tại\n"
        "\n"
        "Điểm:\n"
        "  B, tiêu chí 1.1:\n"
        "    tự chấm: 15 → 16\n"
        "\n"
        "Tổng điểm và thứ hạng:\n"
        "  B (Đơn vị B): điểm 25 → 26; hạng 2 (không đổi)\n"
    )


def test_a_sealed_year_changed_since_lists_the_changes(git_repo: Repo) -> None:
    """The seal's own error about the change does not hide what changed."""
    write_year(git_repo.root)
    seal = (
        "nam: 2020\nlich_su:\n  - viec: khoa_so\n    ngay: 2020-12-30\n"
        f"    nguoi: Văn phòng Khối\n    ma_du_lieu: {digest_of(git_repo.root)}\n"
    )
    write_year(git_repo.root, {"khoa-so.yaml": seal})
    git_repo.commit_all("năm 2020, khóa sổ")
    target = render(git_repo.root, "html")
    write_year(git_repo.root, {"diem/B.yaml": score_file("B", first="16")})
    code, out, _ = verify(git_repo.root, target)
    assert code == 1
    assert "  B, tiêu chí 1.1:\n    tự chấm: 15 → 16\n" in out


def test_changes_are_not_listed_from_data_with_errors(git_repo: Repo) -> None:
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    target = render(git_repo.root, "md")
    write_year(git_repo.root, {"diem/B.yaml": score_file("B", first="99")})
    code, out, _ = verify(git_repo.root, target)
    assert code == 1
    assert out.splitlines()[1] == (
        "Dữ liệu hiện tại của năm 2020 có lỗi (xem bằng: thidua check 2020) nên không liệt kê "
        "được các thay đổi."
    )


def test_the_commit_is_recorded_only_when_the_year_folder_is_clean(git_repo: Repo) -> None:
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    commit = git_repo.git("rev-parse", "HEAD").strip()
    digest = digest_of(git_repo.root)
    text = render(git_repo.root, "md").read_text(encoding="utf-8")
    assert f"*Mã dữ liệu: {code_of(digest)} · phiên bản {commit[:7]}*\n" in text
    assert text.endswith(f"<!-- thidua-data: nam=2020; ma={digest}; commit={commit} -->\n")
    (git_repo.root / "data" / "2020" / "ghi-chu.txt").write_text("chưa commit\n")
    text = render(git_repo.root, "md").read_text(encoding="utf-8")
    assert text.endswith(f"<!-- thidua-data: nam=2020; ma={digest} -->\n")
    assert "phiên bản" not in text


def test_the_commit_is_the_last_one_that_changed_the_year(git_repo: Repo) -> None:
    """A later commit elsewhere in the repository leaves the documents' bytes as they were."""
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    commit = git_repo.git("rev-parse", "HEAD").strip()
    before = render(git_repo.root, "md").read_bytes()
    (git_repo.root / "templates").mkdir()
    (git_repo.root / "templates" / "ghi-chu.txt").write_text("mẫu văn bản\n", encoding="utf-8")
    git_repo.commit_all("thêm ghi chú mẫu")
    assert git_repo.git("rev-parse", "HEAD").strip() != commit
    assert render(git_repo.root, "md").read_bytes() == before
    assert f"commit={commit} -->".encode() in before


def test_the_next_year_s_tasks_count_for_the_commit(git_repo: Repo) -> None:
    """The report of 2020 reads 2021/nhiem-vu.yaml: a commit of it is the stamp's commit,
    and while it is not committed there is none."""
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    tasks = git_repo.root / "data" / "2021" / "nhiem-vu.yaml"
    tasks.parent.mkdir()
    tasks.write_text("nam: 2021\nnhiem_vu_trong_tam:\n  - Làm tốt\n", encoding="utf-8")
    assert "commit=" not in render(git_repo.root, "md").read_text(encoding="utf-8")
    git_repo.commit_all("nhiệm vụ năm 2021")
    commit = git_repo.git("rev-parse", "HEAD").strip()
    assert (
        render(git_repo.root, "md").read_text(encoding="utf-8").endswith(f"commit={commit} -->\n")
    )


def test_a_commit_git_does_not_have(year: Path) -> None:
    target = year / "cu.md"
    record = f"nam=2020; ma=sha256:{'0' * 64}; commit={'a' * 40}"
    target.write_text(f"Bảng điểm\n\n<!-- thidua-data: {record} -->\n", encoding="utf-8")
    code, out, _ = verify(year, target)
    assert code == 1
    assert out.splitlines()[1] == (
        "Kho git không có phiên bản aaaaaaa mà văn bản ghi (hoặc không đọc được kho) nên "
        "không liệt kê được các thay đổi."
    )


def test_a_record_in_the_data_is_not_taken_for_the_document_s(year: Path) -> None:
    """A member's name holding a record is shown escaped; verify reads the document's own."""
    forged = f"<!-- thidua-data: nam=2020; ma=sha256:{'0' * 64} -->"
    write_year(year, {"khoi.yaml": KHOI.replace("Đơn vị thử nghiệm A", f'"{forged}"')})
    for fmt in ("md", "html"):
        assert verify(year, render(year, fmt))[0] == 0


NOT_OURS = "không phải văn bản do thidua lập (không tìm thấy mã dữ liệu trong tệp).\n"


def _plain_docx() -> bytes:
    stream = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Mã dữ liệu: 3F9A-C21B")
    document.save(stream)
    return stream.getvalue()


def _plain_xlsx() -> bytes:
    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    return stream.getvalue()


def _bomb() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("docProps/core.xml", b"<" * (50 * 1024 * 1024))
    return stream.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rac.md", b"\x00\xff\xfe garbage \x80"),
        ("rac.docx", b"PK\x03\x04 not really a zip"),
        ("khac.docx", _plain_docx()),
        ("khac.xlsx", _plain_xlsx()),
        ("khac.md", "# Bảng điểm\n\nMã dữ liệu: 3F9A-C21B\n".encode()),
        ("hong.md", b"<!-- thidua-data: nam=2020; ma=sha256:123 -->\n"),
        ("bom.xlsx", _bomb()),
        ("rong.html", b""),
    ],
)
def test_not_a_thidua_document(year: Path, name: str, content: bytes) -> None:
    target = year / name
    target.write_bytes(content)
    code, out, err = verify(year, target)
    assert (code, out, err) == (2, f"{name}: {NOT_OURS}", "")


def test_verify_a_missing_file_is_a_usage_error(year: Path) -> None:
    code, out, err = verify(year, year / "khong-co.md")
    assert (code, out, err) == (2, "", "Lỗi: không có tệp khong-co.md\n")


def test_a_document_of_a_year_not_in_the_data(year: Path) -> None:
    target = year / "2019.md"
    target.write_text(f"<!-- thidua-data: nam=2019; ma=sha256:{'1' * 64} -->\n", "utf-8")
    code, out, err = verify(year, target)
    assert (code, out) == (2, "")
    assert err == "Lỗi: không có dữ liệu năm 2019: thiếu thư mục data/2019 (đang có: 2020)\n"


# --- the record ---------------------------------------------------------------------------------


def test_record_round_trip() -> None:
    fp = Fingerprint(2020, "sha256:" + "ab" * 32, "c" * 40)
    assert fp.line == "Mã dữ liệu: ABAB-ABAB · phiên bản ccccccc"
    assert parse_record(fp.record()) == fp
    assert parse_record(fp.record(";")) == fp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nam=2020",
        f"nam=20; ma=sha256:{'a' * 64}",
        f"nam=2020; ma=sha256:{'A' * 64}",
        f"nam=2020; ma=sha256:{'a' * 64}; commit=xyz",
        f"nam=2020; ma=sha256:{'a' * 64}; nam=2021",
        f"nam=2020; ma=sha256:{'a' * 64}; khac=1",
    ],
)
def test_record_refuses_anything_else(text: str) -> None:
    assert parse_record(text) is None


def test_the_record_is_read_from_the_last_line_of_markdown() -> None:
    first = f"<!-- thidua-data: nam=2019; ma=sha256:{'1' * 64} -->"
    last = f"<!-- thidua-data: nam=2020; ma=sha256:{'2' * 64} -->"
    found = read_fingerprint(f"{first}\nvăn bản\n{last}\n".encode())
    assert found == Fingerprint(2020, "sha256:" + "2" * 64)
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", found.code)
