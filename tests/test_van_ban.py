"""``van-ban.yaml``: what the reader refuses, the skeleton ``init`` and ``new-year`` write,
what ``new-year`` carries, and how ``diff`` names a change."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gitrepo import Repo
from thidua import models as m
from thidua.cli import app
from thidua.repo.documents_file import documents_text
from thidua.repo.scaffold import files
from thidua.repo.years import open_year
from yeardata import KHOI, QUY_CHE, problems, write_year

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

IN_PROGRESS = KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")
MEETING = "nam: 2020\nten: Hội nghị tổng kết\nngay: 2020-12-30\n"
SECTIONS = list(m.REPORT_SECTIONS)


@pytest.fixture
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# --- the reader ---------------------------------------------------------------------------


@pytest.mark.usefixtures("_in_tmp")
def test_misspelt_section_gets_the_key_meant(tmp_path: Path) -> None:
    """An unknown section key is an error at the key with the likely meant one."""
    write_year(tmp_path, {"van-ban.yaml": "nam: 2020\nbao_cao:\n  uu_diemm: Tốt.\n"})
    assert problems(tmp_path) == [
        'data/2020/van-ban.yaml:3:3: lỗi: khóa "uu_diemm" không có trong mẫu dữ liệu; có '
        'phải ý bạn là "uu_diem"?'
    ]


@pytest.mark.usefixtures("_in_tmp")
def test_control_character_in_a_section_refused(tmp_path: Path) -> None:
    """A control character pasted into a section's text is refused where it is."""
    write_year(tmp_path, {"van-ban.yaml": "nam: 2020\nbao_cao:\n  han_che: |\n    Có\x07 lỗi\n"})
    assert problems(tmp_path) == [
        "data/2020/van-ban.yaml:4:7: lỗi: ký tự điều khiển U+0007 không được phép trong tệp "
        "dữ liệu; hãy xóa ký tự này (thường lẫn vào khi sao chép từ phần mềm khác)"
    ]


# --- the skeleton -------------------------------------------------------------------------


def _documents(folder: Path, year: int = 2020) -> m.DocumentsFile:
    data, found = open_year(folder, year)
    assert data is not None, found
    assert data.documents is not None
    return data.documents


@pytest.mark.usefixtures("_in_tmp")
def test_skeleton_has_every_section_blank_and_is_not_warned(tmp_path: Path) -> None:
    """Every section key present with no value: a provisional year with its conference
    checks clean; nothing else is set (signer and addressing at their defaults)."""
    text = files(2020)["data/2020/van-ban.yaml"].decode()
    assert text.startswith("# yaml-language-server: $schema=../../schema/van-ban.json\n")
    write_year(tmp_path, {"khoi.yaml": IN_PROGRESS, "hoi-nghi.yaml": MEETING, "van-ban.yaml": text})
    assert problems(tmp_path) == []
    documents = _documents(tmp_path / "data")
    assert documents.report is not None
    assert documents.report.model_fields_set == {
        name for name, info in m.ReportText.model_fields.items() if info.alias in SECTIONS
    }
    dumped = documents.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    assert dumped == {"nam": 2020, "bao_cao": {}}


@pytest.mark.usefixtures("_in_tmp")
def test_skeleton_comments_work_as_written(tmp_path: Path) -> None:
    """What the comments show, copied without "#", reads as they say: paragraphs apart by a
    blank line, "- " items; the signer and another document's addressing."""
    text = documents_text(2020)
    lines = text.splitlines()
    assert (
        "#   - một đoạn văn viết trên một hay nhiều dòng đều được; giữa hai đoạn để một dòng trống;"
    ) in lines
    assert '#   - mỗi ý liệt kê là một dòng bắt đầu bằng "- ".' in lines

    def uncomment(first: str, count: int) -> str:
        at = lines.index(first)
        return "".join(line[2:] + "\n" for line in lines[at : at + count])

    example = textwrap.dedent(uncomment("#   uu_diem: |", 5))
    text = text.replace("  uu_diem:\n", textwrap.indent(example, "  "))
    text = text.replace("\nbao_cao:\n", "\n" + uncomment("# nguoi_ky:", 3) + "bao_cao:\n")
    text += uncomment("# to_trinh:", 7)
    write_year(tmp_path, {"van-ban.yaml": text})
    assert problems(tmp_path) == []
    documents = _documents(tmp_path / "data")
    assert documents.report is not None
    assert documents.report.strengths == (
        "Các đơn vị trong Khối đã chủ động triển khai các phong trào thi đua.\n"
        "\n"
        "- Hoàn thành các chỉ tiêu được giao;\n"
        "- Thực hiện tốt giao ước thi đua."
    )
    assert documents.signer == m.Signer.model_validate(
        {"chuc_vu": "CỤC TRƯỞNG CỤC QUẢN LÝ THỊ TRƯỜNG", "ho_ten": "Nguyễn Văn An"}
    )
    assert documents.proposal is not None
    assert documents.proposal.to == ["Hội đồng Thi đua - Khen thưởng tỉnh"]
    assert documents.proposal.recipients == ["Như trên", "Các đơn vị thành viên Khối", "Lưu: VT"]


# --- new-year -----------------------------------------------------------------------------

WRITTEN = """\
nam: 2020
ten_co_quan: KHỐI THI ĐUA THỬ NGHIỆM
nguoi_ky:
  chuc_danh: TRƯỞNG KHỐI
  chuc_vu: GIÁM ĐỐC ĐƠN VỊ A
  ho_ten: Nguyễn Văn An
bao_cao:
  kinh_gui: [Ban Thi đua - Khen thưởng tỉnh]
  noi_nhan: [Như trên, "Lưu: VT"]
  tinh_hinh: |
    Năm 2020, dịch bệnh Covid-19.
  uu_diem: Làm tốt.
to_trinh:
  kinh_gui: [Hội đồng Thi đua - Khen thưởng tỉnh]
  nguoi_ky:
    ho_ten: Trần Thị Bình
  ho_so_kem_theo: [Biên bản họp Khối]
bien_ban:
  noi_nhan: [Các đơn vị thành viên Khối]
nguon: Ghi chép của Văn phòng Khối
ghi_chu: Năm thử
"""
COMMITTEE = MEETING + "ban_kiem_phieu:\n  - {ho_ten: Lê Văn Cường, nhiem_vu: Trưởng ban}\n"
A_ELECTED = {
    "quy-che.yaml": QUY_CHE + "bau_truong_khoi:\n  cuoc_bau: truong-khoi-2021\n  nguong: 50%\n",
    "phieu-bau.yaml": (
        "nam: 2020\n"
        "cuoc_bau:\n"
        "  - ma: truong-khoi-2021\n"
        "    ten: Bầu Trưởng khối năm 2021\n"
        "    loai: chon\n"
        "    phat_ra: 3\n"
        "    thu_ve: 3\n"
        "    hop_le: 3\n"
        "    ket_qua: {A: 3}\n"
    ),
}
BLANK_SECTIONS = dict.fromkeys(SECTIONS)
CARRIED = "  - van-ban.yaml: tên cơ quan, người ký, kính gửi, nơi nhận chép từ năm 2020; các phần "


def _new_year(tmp_path: Path, extra: dict[str, str | None]) -> tuple[list[str], str]:
    files = {"van-ban.yaml": WRITTEN, "hoi-nghi.yaml": COMMITTEE, **extra}
    write_year(tmp_path, files)
    assert problems(tmp_path) == []
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "2021"
    assert not (folder / "hoi-nghi.yaml").exists()  # nor its ballot-counting committee
    assert runner.invoke(app, ["check", "2021"]).exit_code == 0
    fmt = runner.invoke(app, ["fmt", "--check", "2021"])
    assert fmt.exit_code == 0, fmt.output
    return result.stdout.splitlines(), (folder / "van-ban.yaml").read_text(encoding="utf-8")


@pytest.mark.usefixtures("_in_tmp")
def test_new_year_carries_issuer_signer_addressing_not_the_words(tmp_path: Path) -> None:
    """The same leader unit: issuer, signers and addressing carried whole; sections, the
    dossier, source and note not; sections present and empty."""
    lines, text = _new_year(tmp_path, dict(A_ELECTED))
    assert CARRIED + "lời văn báo cáo để trống." in lines
    assert text.splitlines()[:4] == [
        "# yaml-language-server: $schema=../../schema/van-ban.json",
        "# Văn bản của Khối năm 2021: lời văn báo cáo tổng kết do Văn phòng Khối viết; người ký,",
        "# nơi gửi các văn bản của Khối.",
        "# Tên cơ quan, người ký, kính gửi, nơi nhận chép từ năm 2020.",
    ]
    assert yaml.safe_load(text) == {
        "nam": 2021,
        "ten_co_quan": "KHỐI THI ĐUA THỬ NGHIỆM",
        "nguoi_ky": {
            "chuc_danh": "TRƯỞNG KHỐI",
            "chuc_vu": "GIÁM ĐỐC ĐƠN VỊ A",
            "ho_ten": "Nguyễn Văn An",
        },
        "bao_cao": {
            "kinh_gui": ["Ban Thi đua - Khen thưởng tỉnh"],
            "noi_nhan": ["Như trên", "Lưu: VT"],
            **BLANK_SECTIONS,
        },
        "to_trinh": {
            "kinh_gui": ["Hội đồng Thi đua - Khen thưởng tỉnh"],
            "nguoi_ky": {"ho_ten": "Trần Thị Bình"},
        },
        "bien_ban": {"noi_nhan": ["Các đơn vị thành viên Khối"]},
    }


@pytest.mark.usefixtures("_in_tmp")
def test_new_year_with_another_leader_leaves_the_signer_person(tmp_path: Path) -> None:
    """Another leader unit next year: a signer's post and name are not carried (the new
    leader's head signs by default), and the output says why."""
    rotation = {"quy-che.yaml": QUY_CHE + "luan_phien: [A, B, C]\n"}
    lines, text = _new_year(tmp_path, rotation)
    at = lines.index(CARRIED + "lời văn báo cáo để trống;")
    assert lines[at + 1] == (
        "    Người ký: không chép chức vụ, họ tên vì Trưởng khối năm 2021 là B, không còn là "
        "A; để trống thì ký là thủ trưởng đơn vị Trưởng khối ghi trong khoi.yaml."
    )
    loaded = yaml.safe_load(text)
    assert loaded["nguoi_ky"] == {"chuc_danh": "TRƯỞNG KHỐI"}
    assert "nguoi_ky" not in loaded["to_trinh"]


@pytest.mark.usefixtures("_in_tmp")
def test_new_year_without_a_documents_file_writes_the_skeleton(tmp_path: Path) -> None:
    """No van-ban.yaml the year before: the new year gets the blank skeleton all the same."""
    write_year(tmp_path)
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "data" / "2021" / "van-ban.yaml").read_text(encoding="utf-8")
    assert text == (
        "# yaml-language-server: $schema=../../schema/van-ban.json\n" + documents_text(2021)
    )


# --- diff ---------------------------------------------------------------------------------


def _changed(text: str) -> str:
    text = text.replace("ten_co_quan: KHỐI THI ĐUA THỬ NGHIỆM\n", "")
    text = text.replace("  ho_ten: Nguyễn Văn An\n", '  thay_mat: ""\n  ho_ten: Nguyễn Văn Ân\n')
    text = text.replace("Năm 2020, dịch bệnh", "Năm 2020, đại dịch")
    text = text.replace("  uu_diem: Làm tốt.\n", "  uu_diem: Làm tốt.\n  han_che: Còn chậm.\n")
    return text.replace("[Hội đồng Thi đua - Khen thưởng tỉnh]", "[Hội đồng TĐKT tỉnh]")


LONG = (
    "Các đơn vị trong Khối đã chủ động triển khai các phong trào thi đua gắn với nhiệm vụ "
    "chính trị của từng ngành, "
)


def test_diff_names_van_ban_changes_in_words(git_repo: Repo) -> None:
    """A changed issuer, signer line, section and addressing line, each named in Vietnamese."""
    root = git_repo.root
    write_year(root, {"van-ban.yaml": WRITTEN})
    git_repo.commit_all("năm 2020")
    write_year(root, {"van-ban.yaml": _changed(WRITTEN)})
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\n"
        "\n"
        "Văn bản:\n"
        "  tên cơ quan ban hành: KHỐI THI ĐUA THỬ NGHIỆM → (trống)\n"
        "  người ký: thay mặt: (trống) → (không in)\n"
        "  người ký: họ tên: Nguyễn Văn An → Nguyễn Văn Ân\n"
        "  báo cáo tổng kết:\n"
        "    phần đặc điểm, tình hình: Năm 2020, dịch bệnh Covid-19. → Năm 2020, đại dịch "
        "Covid-19.\n"
        "    phần tồn tại, hạn chế và nguyên nhân: (trống) → Còn chậm.\n"
        "  tờ trình đề nghị khen thưởng:\n"
        "    kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh → Hội đồng TĐKT tỉnh\n"
    )


def test_diff_shows_a_long_section_from_where_it_changed(git_repo: Repo) -> None:
    """A change past the opening words shows both texts from just before it, cut at a word;
    a change of line breaks only says so."""
    root = git_repo.root
    before = f"nam: 2020\nbao_cao:\n  uu_diem: |\n    {LONG}kịp thời.\n  han_che: Một hai ba.\n"
    write_year(root, {"van-ban.yaml": before})
    git_repo.commit_all("năm 2020")
    after = before.replace("kịp thời.", "đúng hạn.").replace("Một hai", "Một\n    hai")
    after = after.replace("han_che: Một", "han_che: |\n    Một")
    write_year(root, {"van-ban.yaml": after})
    result = runner.invoke(app, ["diff", "2020", "-f", "json"])
    assert result.exit_code == 0, result.output
    changes = yaml.safe_load(result.stdout)["thay_doi"]
    assert [(c["khoa"], c["ten"], c["cu"], c["moi"]) for c in changes] == [
        (
            "bao_cao.uu_diem",
            "phần ưu điểm",
            "…của từng ngành, kịp thời.",
            "…của từng ngành, đúng hạn.",
        ),
        (
            "bao_cao.han_che",
            "phần tồn tại, hạn chế và nguyên nhân",
            "(trước khi sửa)",
            "(đã sửa cách ngắt đoạn, xuống dòng)",
        ),
    ]


def test_seal_message_names_a_van_ban_change(git_repo: Repo) -> None:
    """A sealed year whose report text changed says what changed, in words."""
    shutil.copytree(ROOT / "data", git_repo.root / "data")
    git_repo.commit_all("Dữ liệu năm 2020, đã khóa sổ")
    path = git_repo.root / "data" / "2020" / "van-ban.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  uu_diem:\n", "  uu_diem: Làm tốt.\n"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "2020"])
    assert result.exit_code == 1
    assert "  - Văn bản: báo cáo tổng kết, phần ưu điểm: (trống) → Làm tốt." in result.stderr


def test_diff_names_committee_members(git_repo: Repo) -> None:
    """A change to the ballot-counting committee lists its people by name and role."""
    root = git_repo.root
    write_year(root, {"hoi-nghi.yaml": COMMITTEE})
    git_repo.commit_all("năm 2020")
    write_year(root, {"hoi-nghi.yaml": COMMITTEE + "  - Trần Thị Bình\n"})
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → thư mục làm việc\n"
        "\n"
        "Hội nghị:\n"
        "  ban kiểm phiếu: Lê Văn Cường (Trưởng ban) → Lê Văn Cường (Trưởng ban); Trần Thị Bình\n"
    )
