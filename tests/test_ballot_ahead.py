"""A ballot written before the vote (no counts, no result): papers print, nothing is decided."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from thidua.cli import app
from yeardata import KHOI, problems, write_year

runner = CliRunner()

AHEAD = """\
nam: 2020
cuoc_bau:
  - ma: binh-chon
    ten: Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020
    loai: chon
    so_chon_toi_da: 1
"""
LEADING = """\
nam: 2020
xep_hang:
  thu_tu: [diem]
dan_dau:
  cuoc_bau: binh-chon
  nguong: 50%
"""
IN_PROGRESS = KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: dang_dien_ra")


def test_a_ballot_ahead_of_the_vote_checks_clean_while_the_year_is_in_progress(
    tmp_path: Path,
) -> None:
    write_year(
        tmp_path, {"phieu-bau.yaml": AHEAD, "quy-che.yaml": LEADING, "khoi.yaml": IN_PROGRESS}
    )
    assert problems(tmp_path) == []


def test_its_papers_print_and_no_leading_unit_is_named(tmp_path: Path) -> None:
    write_year(
        tmp_path, {"phieu-bau.yaml": AHEAD, "quy-che.yaml": LEADING, "khoi.yaml": IN_PROGRESS}
    )
    data = ["--data", str(tmp_path / "data")]
    papers = runner.invoke(app, ["render", "2020", "phieu-bau", *data])
    assert papers.exit_code == 0, papers.output
    assert "Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020".upper() in papers.stdout.upper()
    assert "Đơn vị thử nghiệm C" in papers.stdout
    # A blank ballot paper is not a draft of anything, though the year is in progress.
    assert "DỰ THẢO" not in papers.stdout
    ranked = runner.invoke(app, ["rank", "2020", "--format", "json", *data])
    assert ranked.exit_code == 0, ranked.output
    assert json.loads(ranked.stdout)["dan_dau"] == {
        "ma": None,
        "ten": None,
        "ly_do": "Chưa có kết quả bỏ phiếu bình chọn đơn vị dẫn đầu.",
    }


def test_a_closed_year_needs_the_result_of_every_ballot(tmp_path: Path) -> None:
    write_year(tmp_path, {"phieu-bau.yaml": AHEAD, "quy-che.yaml": LEADING})
    assert problems(tmp_path) == [
        f"{tmp_path}/data/2020/phieu-bau.yaml:3:5: lỗi: năm 2020 đã kết thúc nhưng cuộc bỏ "
        "phiếu “Bình chọn đơn vị dẫn đầu Khối thi đua năm 2020” chưa có kết quả; hãy ghi "
        "phat_ra, thu_ve và ket_qua (hoặc phieu) theo biên bản kiểm phiếu, hoặc bỏ cuộc bỏ "
        "phiếu không tiến hành"
    ]


def test_a_held_ballot_needs_its_counts(tmp_path: Path) -> None:
    held = AHEAD + "    ket_qua: {A: 2, B: 1}\n"
    write_year(tmp_path, {"phieu-bau.yaml": held, "quy-che.yaml": LEADING})
    assert problems(tmp_path) == [
        f"{tmp_path}/data/2020/phieu-bau.yaml:3:5: lỗi: cuộc bỏ phiếu đã có kết quả cần ghi số "
        "phiếu phát ra (phat_ra) và số phiếu thu về (thu_ve); còn thiếu phat_ra và thu_ve"
    ]
