"""``thidua init --don-vi MA:Tên``: the members in khoi.yaml, one score file each; codes by
the one rule for unit codes; without members, the next steps say how to add them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()

NHNN = "NHNN:Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình"
CTK = 'CTK:Cục Thống kê: tỉnh "Hòa Bình"'  # a colon and quotes in the name


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025


@pytest.mark.usefixtures("gitenv")
def test_members_listed_with_a_score_file_each(tmp_path: Path) -> None:
    """Each --don-vi (or -t) becomes a member of khoi.yaml, short name left to fill, with
    an empty score file; check then points only at the blanks; every file is canonical."""
    result = runner.invoke(app, ["init", "kho", "--don-vi", NHNN, "-t", CTK])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Đã tạo kho dữ liệu thi đua tại kho (năm 2025).",
        "Thành viên: 2 đơn vị (NHNN, CTK), mỗi đơn vị một tệp điểm trong kho/data/2025/diem/.",
        "Việc tiếp theo:",
        "  1. điền kho/data/2025/khoi.yaml (tên ngắn các đơn vị, Trưởng khối, Phó khối, …), "
        "quy-che.yaml, tieu-chi.yaml;",
        "  2. chạy: thidua check 2025 (trong thư mục kho);",
        "  3. cài móc kiểm tra: pip install pre-commit && pre-commit install;",
        '  4. ghi lần đầu: git add . && git commit -m "Khởi tạo dữ liệu".',
        "Xem hướng dẫn trong README.md.",
    ]
    folder = tmp_path / "kho" / "data" / "2025"
    khoi = (folder / "khoi.yaml").read_text(encoding="utf-8")
    assert khoi.endswith(
        "thanh_vien:\n"
        "  - ma: NHNN\n"
        "    ten_ngan:\n"
        "    ten: Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình\n"
        "    chuc_danh_thu_truong:\n"
        "    ho_ten_thu_truong:\n"
        "  - ma: CTK\n"
        "    ten_ngan:\n"
        '    ten: "Cục Thống kê: tỉnh \\"Hòa Bình\\""\n'
        "    chuc_danh_thu_truong:\n"
        "    ho_ten_thu_truong:\n"
    )
    assert sorted(p.name for p in (folder / "diem").iterdir()) == ["CTK.yaml", "NHNN.yaml"]
    assert (folder / "diem" / "NHNN.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schema/diem.json\n"
        "# Điểm năm 2025 của Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình (NHNN).\n"
        '# Đơn vị tự chấm vào mục "diem", theo mã tiêu chí trong tieu-chi.yaml, ví dụ:\n'
        '#   "1.1":\n'
        "#     tu_cham: 9.5  # điểm tự chấm, từ 0 đến điểm tối đa của tiêu chí\n"
        "#     minh_chung: Báo cáo kết quả thực hiện nhiệm vụ năm\n"
        "nam: 2025\n"
        "don_vi: NHNN\n"
        "diem: {}\n"
    )
    check = runner.invoke(app, ["check", "--data", "kho/data"])
    blank = "chưa được điền: cần một đoạn văn bản"
    assert [
        line for line in check.stderr.splitlines() if "khoi.yaml:" in line and "lỗi" in line
    ] == [
        f'kho/data/2025/khoi.yaml:7:5: lỗi: "ten" {blank}',
        f'kho/data/2025/khoi.yaml:11:9: lỗi: "dia_ban" {blank}',
        f'kho/data/2025/khoi.yaml:26:14: lỗi: "ten_ngan" {blank}',
        f'kho/data/2025/khoi.yaml:31:14: lỗi: "ten_ngan" {blank}',
    ]
    # Blanks filled: each member's score file is found and read (nothing scored yet).
    khoi = re.sub(r"(?m)^ten:$", "ten: Khối thi đua thử nghiệm", khoi)
    khoi = re.sub(r"(?m)^dia_ban:$", "dia_ban: Hòa Bình", khoi)
    khoi = khoi.replace("ten_ngan:\n    ten: Ngân", "ten_ngan: NHNN tỉnh\n    ten: Ngân")
    khoi = khoi.replace('ten_ngan:\n    ten: "Cục', 'ten_ngan: Cục Thống kê\n    ten: "Cục')
    (folder / "khoi.yaml").write_text(khoi, encoding="utf-8")
    table = (folder / "tieu-chi.yaml").read_text(encoding="utf-8")
    table = table.replace("    ten:\n    toi_da:\n", "    ten: Nhóm I\n    toi_da: 100\n")
    table = table.replace("        ten:\n", "        ten: Tiêu chí 1.1\n")
    table = table.replace("        toi_da:\n", "        toi_da: 100\n")
    (folder / "tieu-chi.yaml").write_text(table, encoding="utf-8")
    check = runner.invoke(app, ["check", "--data", "kho/data"])
    assert check.exit_code == 0, check.output
    assert check.stderr.splitlines()[:2] == [
        'kho/data/2025/diem/CTK.yaml:9:7: cảnh báo: đơn vị "CTK" chưa chấm tiêu chí nào '
        "(năm đang diễn ra)",
        'kho/data/2025/diem/NHNN.yaml:9:7: cảnh báo: đơn vị "NHNN" chưa chấm tiêu chí nào '
        "(năm đang diễn ra)",
    ]
    fmt = runner.invoke(app, ["fmt", "--check", "--data", "kho/data"])
    assert fmt.exit_code == 0, fmt.output


@pytest.mark.usefixtures("gitenv")
def test_without_members_the_next_steps_say_how_to_add_them() -> None:
    """No --don-vi: one blank member as before, and the steps name both ways to add members."""
    result = runner.invoke(app, ["init", "kho"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:4] == [
        "Việc tiếp theo:",
        "  1. điền kho/data/2025/khoi.yaml, quy-che.yaml, tieu-chi.yaml;",
        '  2. thêm các đơn vị thành viên: mỗi đơn vị một mục "- ma: …" trong thanh_vien của '
        "khoi.yaml và một tệp điểm kho/data/2025/diem/<MÃ>.yaml (mẫu trong README.md); hoặc "
        "xóa thư mục kho rồi tạo lại kèm các đơn vị: thidua init kho --don-vi "
        '"MÃ:Tên đầy đủ" (mỗi đơn vị một lần --don-vi);',
    ]
    assert not (Path("kho") / "data" / "2025" / "diem").exists()


EXAMPLE = 'ví dụ --don-vi "NHNN:Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình"'


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["NHNN"], f'--don-vi "NHNN": cần viết MÃ:Tên đầy đủ, {EXAMPLE}'),
        ([":Ngân hàng"], f'--don-vi ":Ngân hàng": cần viết MÃ:Tên đầy đủ, {EXAMPLE}'),
        (["NHNN: "], f'--don-vi "NHNN: ": cần viết MÃ:Tên đầy đủ, {EXAMPLE}'),
        (
            ["Sở CT:Sở Công Thương"],
            'mã đơn vị "Sở CT" không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số và các dấu '
            '". _ -", bắt đầu bằng chữ hoặc số, tối đa 64 ký tự (ví dụ NHNN)',
        ),
        (
            [f"{'A' * 65}:Đơn vị"],
            f'mã đơn vị "{"A" * 65}" không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số và các '
            'dấu ". _ -", bắt đầu bằng chữ hoặc số, tối đa 64 ký tự (ví dụ NHNN)',
        ),
        (
            [NHNN, "nhnn:Ngân hàng"],
            'mã đơn vị "nhnn" chỉ khác mã "NHNN" ở chữ hoa, chữ thường; trên Windows và macOS '
            "hai tệp điểm diem/NHNN.yaml và diem/nhnn.yaml là một, nên hãy đặt hai mã khác "
            "hẳn nhau",
        ),
        ([NHNN, NHNN], 'mã đơn vị "NHNN" được ghi hai lần; mỗi đơn vị ghi một lần'),
        (
            ["Con:Đơn vị"],
            'mã đơn vị "Con" trùng tên thiết bị dành riêng của Windows (CON, PRN, AUX, NUL, '
            "COM1–COM9, LPT1–LPT9) nên không tạo được tệp điểm diem/Con.yaml trên Windows; "
            "hãy đặt mã khác",
        ),
        (
            ["A:Đơn vị\x1b[31m"],
            "--don-vi có ký tự điều khiển hoặc ký tự vô hình U+001B; hãy gõ lại mã và tên đơn vị",
        ),
    ],
)
def test_bad_member_refused_before_anything_is_made(
    tmp_path: Path, specs: list[str], message: str
) -> None:
    """A code against the rule, a duplicate (any case), a malformed option: exit 2, no folder."""
    args = ["init", "kho"]
    for spec in specs:
        args += ["--don-vi", spec]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == f"Lỗi: {message}\n"
    assert list(tmp_path.iterdir()) == []
