"""A new cluster's first hour: what ``init`` and ``new-year`` write, and the data guide."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from thidua import models as m
from thidua.cli import app
from thidua.repo.newyear import score_example, shift_header_year

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _criterion(**fields: object) -> m.Criterion:
    return m.Criterion.model_validate({"ma": "1.1", "ten": "Tiêu chí", **fields})


# --------------------------------------------------------------------------- new-year


@pytest.mark.parametrize(
    ("fields", "example"),
    [
        ({"loai": "dinh_tinh", "cach_cham": "thang_diem", "toi_da": 20}, "18"),
        ({"loai": "dinh_tinh", "cach_cham": "thang_diem", "toi_da": 5}, "4.5"),
        ({"loai": "dinh_tinh", "cach_cham": "dat_khong_dat", "toi_da": 10}, "đạt"),
        (
            {"loai": "dinh_luong", "cach_tinh": "so_voi_dan_dau", "toi_da": 30},
            "{thuc_hien: 105, chi_tieu: 100}  # thực hiện so với chỉ tiêu, cùng đơn vị tính",
        ),
        ({"loai": "dem", "diem_moi_lan": 2, "toi_da": 10}, "2  # số lần"),
        ({"loai": "cong", "toi_da": 5}, "2.5  # điểm cộng, từ 0 đến 5"),
        ({"loai": "tru", "toi_da": 10}, "5  # điểm trừ, ghi số dương, từ 0 đến 10"),
    ],
)
def test_score_example_follows_the_kind(fields: dict[str, object], example: str) -> None:
    """The example self-score has the form the criterion's kind asks for."""
    assert score_example(_criterion(**fields)) == example


@pytest.mark.parametrize(
    "fields",
    [
        {"loai": "dinh_tinh", "cach_cham": "thang_diem", "toi_da": 20},
        {"loai": "dinh_tinh", "cach_cham": "dat_khong_dat", "toi_da": 10},
        {"loai": "dinh_luong", "toi_da": 30},
        {"loai": "dem", "diem_moi_lan": 2, "toi_da": 10},
        {"loai": "cong", "toi_da": 5},
        {"loai": "tru", "toi_da": 10},
    ],
)
def test_score_example_is_a_valid_score(fields: dict[str, object]) -> None:
    """Uncommented, the example reads as a score value thidua accepts."""
    value = yaml.safe_load("tu_cham: " + score_example(_criterion(**fields)))["tu_cham"]
    assert m.parse_score_value(value if isinstance(value, dict) else str(value)) is not None


def _new_year_from_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "data" / "2020", tmp_path / "data" / "2020")
    result = runner.invoke(app, ["new-year", "2021"])
    assert result.exit_code == 0, result.output
    return tmp_path / "data" / "2021"


def test_new_year_score_file_example_for_a_quantitative_first_criterion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled table starts with a quantitative 1.1: the example is a quantity."""
    folder = _new_year_from_bundled(tmp_path, monkeypatch)
    text = (folder / "diem" / "NHNN.yaml").read_text(encoding="utf-8")
    assert (
        '#   "1.1":\n'
        "#     tu_cham: {thuc_hien: 105, chi_tieu: 100}  # thực hiện so với chỉ tiêu, cùng "
        "đơn vị tính\n"
        "#     minh_chung: Báo cáo kết quả thực hiện nhiệm vụ năm\n"
    ) in text
    assert "tu_cham: 18" not in text


def test_new_year_moves_the_year_in_copied_header_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copied headers name the new year; the rest of each file is as copied."""
    folder = _new_year_from_bundled(tmp_path, monkeypatch)
    table = (folder / "tieu-chi.yaml").read_text(encoding="utf-8").splitlines()
    assert table[1] == "# Bảng tiêu chí và thang điểm thi đua năm 2021."
    regulation = (folder / "quy-che.yaml").read_text(encoding="utf-8").splitlines()
    assert regulation[1] == "# Quy chế xếp hạng năm 2021."
    old = (ROOT / "data" / "2020" / "quy-che.yaml").read_text(encoding="utf-8")
    body = regulation[regulation.index("nam: 2021") + 1 :]
    assert "Nghị định số 91/2017/NĐ-CP" in "\n".join(body)
    assert not re.search(r"^#.*\b2021\b", old, re.MULTILINE)


def test_shift_header_year_only_the_leading_block_and_standalone_year() -> None:
    """Dates, ranges and other numbers stay; comments after the first key stay."""
    text = (
        "# yaml-language-server: $schema=../../schema/quy-che.json\n"
        "# Quy chế năm 2020, giai đoạn 2016-2020, họp ngày 30/12/2020, số 12020, 2020.5.\n"
        "# (năm 2020).\n"
        "nam: 2021\n"
        "# ghi chú năm 2020\n"
        "ten: Quy chế năm 2020\n"
    )
    assert shift_header_year(text, 2020, 2021) == (
        "# yaml-language-server: $schema=../../schema/quy-che.json\n"
        "# Quy chế năm 2021, giai đoạn 2016-2020, họp ngày 30/12/2020, số 12020, 2020.5.\n"
        "# (năm 2021).\n"
        "nam: 2021\n"
        "# ghi chú năm 2020\n"
        "ten: Quy chế năm 2020\n"
    )


# --------------------------------------------------------------------------- docs


def _doc_example(heading: str) -> str:
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = doc[doc.index(heading) :]
    start = section.index("```yaml\n") + 8
    return section[start : section.index("\n```", start)]


def test_data_format_guests_example_is_one_guest_each() -> None:
    """The conference example's guest with a comma in its name stays one guest."""
    conference = yaml.safe_load(_doc_example("### `hoi-nghi.yaml`"))
    assert conference["khach_moi"] == ["Đại diện Ban Thi đua - Khen thưởng, Sở Nội vụ"]
    assert conference["chuong_trinh"][0] == "Tổng kết công tác thi đua, khen thưởng năm 2020"


def test_data_format_explains_commas_and_positions() -> None:
    """The guide says how to keep an item with a comma whole, and what chuc_vu holds."""
    doc = " ".join((ROOT / "docs" / "data-format.md").read_text(encoding="utf-8").split())
    assert (
        "Trong danh sách viết trên một dòng (`[…, …]`), dấu phẩy ngăn cách các mục: một mục có "
        'dấu phẩy trong nội dung (như "Đại diện Ban Thi đua - Khen thưởng, Sở Nội vụ") phải '
        "đặt trong dấu ngoặc kép, hoặc viết danh sách mỗi mục một dòng bắt đầu bằng `- `, nếu "
        "không YAML sẽ tách nó thành hai mục."
    ) in doc
    assert (
        "`chuc_vu` chỉ ghi chức vụ (ví dụ `Cục trưởng`), không lặp lại tên đơn vị: tên đơn vị "
        "lấy từ `don_vi`."
    ) in doc
