"""``thidua fmt``: one canonical layout, lossless (every comment and value kept), idempotent."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from thidua import models as m
from thidua.cli import app
from thidua.errors import DataError
from thidua.read.yamlio import parse_yaml
from thidua.repo import fmt
from yeardata import BASE, tree_hashes, write_year

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def fmt_text(text: str, model: type[m.Model] = m.ScoreFile) -> str:
    """Format dedented ``text`` as a file of kind ``model``."""
    source = textwrap.dedent(text).encode("utf-8")
    return fmt.format_source(source, model, "t.yaml").decode("utf-8")


def comments(text: str) -> list[str]:
    return sorted(c.text for c in fmt._comments(text))


# --------------------------------------------------------------------------- layout


def test_canonical_file_is_unchanged() -> None:
    """A file already in the canonical layout comes back byte for byte."""
    text = BASE["khoi.yaml"]
    assert fmt_text(text, m.ClusterFile) == text


def test_bundled_cluster_files_are_canonical() -> None:
    """The bundled khoi.yaml files are already canonical (comments, long names, lists)."""
    for year in (2020, 2021):
        path = ROOT / "data" / str(year) / "khoi.yaml"
        source = path.read_bytes()
        assert fmt.format_source(source, m.ClusterFile, str(path)) == source


def test_keys_follow_model_order_and_comments_move_with_their_key() -> None:
    """Keys take the model's order; a comment directly above a key travels with it."""
    text = """\
        # Đầu tệp: giữ nguyên ở trên cùng.

        diem: {}
        # Về đơn vị
        don_vi: A   # mã
        nam: 2020
        """
    assert fmt_text(text) == (
        "# Đầu tệp: giữ nguyên ở trên cùng.\n\nnam: 2020\n# Về đơn vị\ndon_vi: A   # mã\ndiem: {}\n"
    )


def test_nested_and_list_item_keys_are_reordered() -> None:
    """Keys inside list items are reordered too; the "- " marker moves to the new first key."""
    text = """\
        nam: 2020
        ten: K
        dia_ban: X
        trang_thai: dang_dien_ra
        thanh_vien:
          - ten: Đơn vị A đầy đủ
            ma: A
            ten_ngan: Đơn vị A
        """
    assert fmt_text(text, m.ClusterFile) == (
        "nam: 2020\n"
        "ten: K\n"
        "dia_ban: X\n"
        "trang_thai: dang_dien_ra\n"
        "thanh_vien:\n"
        "  - ma: A\n"
        "    ten_ngan: Đơn vị A\n"
        "    ten: Đơn vị A đầy đủ\n"
    )


def test_flow_mapping_keys_are_reordered_in_place() -> None:
    """A flow mapping keeps its style, with keys in model order."""
    text = """\
        nam: 2020
        don_vi: A
        diem:
          "1.1":
            tu_cham: {chi_tieu: 100, thuc_hien: 110}
        """
    assert "tu_cham: {thuc_hien: 110, chi_tieu: 100}\n" in fmt_text(text)


def test_indentation_becomes_two_spaces_and_comments_follow() -> None:
    """Four-space indentation becomes two; full-line comments align with their line."""
    text = """\
        nam: 2020
        don_vi: A
        diem:
            # tiêu chí đầu
            "1.1":
                tu_cham: 18
                # hết 1.1
        """
    assert fmt_text(text) == (
        'nam: 2020\ndon_vi: A\ndiem:\n  # tiêu chí đầu\n  "1.1":\n    tu_cham: 18\n    # hết 1.1\n'
    )


def test_sequences_are_indented_under_their_key() -> None:
    """A sequence written flush with its key is indented by two, "- " first."""
    text = """\
        nam: 2020
        phong_trao:
        - Một
        - Hai
        """
    assert fmt_text(text, m.TasksFile) == "nam: 2020\nphong_trao:\n  - Một\n  - Hai\n"


# --------------------------------------------------------------------------- quoting


def test_ids_and_yaml_11_lookalikes_are_quoted() -> None:
    """Text that another YAML reader would take for a number, bool, time or date is quoted.

    ``8:30`` is 510 (base 60) in YAML 1.1; ``08:00`` is text everywhere (no leading zero
    in a sexagesimal), so it stays plain.
    """
    text = """\
        nam: 2020
        ten: "Hội nghị"
        ngay: 2020-12-30
        bat_dau: 08:00
        ket_thuc: 8:30
        dia_diem: no
        khach_moi: [010, on, "1.1", 1e3]
        """
    assert fmt_text(text, m.ConferenceFile) == (
        "nam: 2020\n"
        "ten: Hội nghị\n"
        'ngay: "2020-12-30"\n'
        "bat_dau: 08:00\n"
        'ket_thuc: "8:30"\n'
        'dia_diem: "no"\n'
        'khach_moi: ["010", "on", "1.1", "1e3"]\n'
    )


def test_numbers_in_number_fields_stay_plain() -> None:
    """Scores, maxima and counts stay plain numbers; an octal-looking count is quoted."""
    text = """\
        nam: "2020"
        don_vi: '1.5'
        diem:
          '1.1':
            tu_cham: "9.5"
            tham_dinh: 010
        """
    assert fmt_text(text) == (
        'nam: 2020\ndon_vi: "1.5"\ndiem:\n  "1.1":\n    tu_cham: 9.5\n    tham_dinh: "010"\n'
    )


def test_syntax_requires_quotes() -> None:
    """Values YAML cannot take plain are double-quoted; needless quotes go."""
    text = """\
        nam: 2020
        ten: 'Phiên họp: tổng kết'
        dia_diem: "- gạch đầu"
        khach_moi: ["a, b", "x:y", 'Ông A']
        ket_luan:
          - "#1"
          - ''
          - " đệm "
          - 'null'
        """
    assert fmt_text(text, m.ConferenceFile) == (
        "nam: 2020\n"
        'ten: "Phiên họp: tổng kết"\n'
        'dia_diem: "- gạch đầu"\n'
        'khach_moi: ["a, b", "x:y", Ông A]\n'
        "ket_luan:\n"
        '  - "#1"\n'
        '  - ""\n'
        '  - " đệm "\n'
        '  - "null"\n'
    )


def test_long_lines_are_not_folded_and_unicode_is_kept() -> None:
    """A 300-character Vietnamese value stays on one line, without escapes."""
    long = "Đẩy mạnh thi đua " * 18
    text = f"nam: 2020\nphong_trao:\n  - {long.strip()}\n"
    assert fmt_text(text, m.TasksFile) == text


def test_block_scalars_keep_their_style() -> None:
    """A literal block stays a literal block; a "#" line inside it is text, not a comment."""
    text = """\
        nam: 2020
        ghi_chu: |
          dòng một
          # không phải chú thích
        """
    assert fmt_text(text, m.TasksFile) == textwrap.dedent(text)


# --------------------------------------------------------------------------- text level


def test_nfc_bom_and_crlf() -> None:
    """Decomposed text becomes NFC, a BOM is dropped, CRLF line ends are kept."""
    decomposed = unicodedata.normalize("NFD", "nam: 2020\nten: Hòa Bình\n")
    source = ("\ufeff" + decomposed).replace("\n", "\r\n").encode("utf-8")
    out = fmt.format_source(source, m.ConferenceFile, "t.yaml")
    assert out == "nam: 2020\r\nten: Hòa Bình\r\n".encode()


def test_file_full_of_comments_keeps_every_comment_and_value() -> None:
    """Every comment and every value survive; a second run changes nothing."""
    text = textwrap.dedent(
        """\
        # Quy chế — đầu tệp
        # (hai dòng)

        khen_thuong:   # sau khóa
            # trước mục đầu
            -   doi_tuong: dan_dau   # đối tượng
                # về hình thức
                hinh_thuc: Cờ thi đua
            # giữa hai mục
            - so_luong: "2"
              doi_tuong: tiep_theo
              hinh_thuc: 'Bằng khen: của tỉnh'
        ten: "Quy chế 2020" # tên
        # về năm
        nam: 2020
        xep_hang:
            # các khóa
            thu_tu: [diem, "phieu:binh-chon"]   # cuối dòng
            # hết xếp hạng
        dan_dau: {mau_so: hop_le, nguong: 50%, cuoc_bau: binh-chon}  # quy tắc
        can_cu:
        - "Luật # không phải chú thích"
        # cuối tệp
        """
    )
    once = fmt_text(text, m.RegulationFile)
    assert comments(once) == comments(text)
    before, _ = parse_yaml(text.encode(), "a")
    after, _ = parse_yaml(once.encode(), "b")
    assert before == after
    assert fmt_text(once, m.RegulationFile) == once
    # Model order; each comment above a key moved with it; end-of-line comments keep
    # their column; the header stays on top and the last comment at the end.
    assert once == textwrap.dedent(
        """\
        # Quy chế — đầu tệp
        # (hai dòng)

        # về năm
        nam: 2020
        ten: Quy chế 2020   # tên
        can_cu:
          - "Luật # không phải chú thích"
        xep_hang:
          # các khóa
          thu_tu: [diem, "phieu:binh-chon"]     # cuối dòng
          # hết xếp hạng
        dan_dau: {cuoc_bau: binh-chon, nguong: 50%, mau_so: hop_le}  # quy tắc
        khen_thuong:   # sau khóa
          # trước mục đầu
          # về hình thức
          - hinh_thuc: Cờ thi đua
            doi_tuong: dan_dau       # đối tượng
          # giữa hai mục
          - hinh_thuc: "Bằng khen: của tỉnh"
            doi_tuong: tiep_theo
            so_luong: 2
        # cuối tệp
        """
    )


def test_unverifiable_result_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the result lost a comment, nothing is returned: a problem names the file."""
    monkeypatch.setattr(fmt, "_align_comments", lambda text, original=None: "nam: 2020\n")
    with pytest.raises(DataError) as caught:
        fmt_text("# chú thích\nnam: 2020\nphong_trao: []\n", m.TasksFile)
    assert [str(p) for p in caught.value.problems] == [
        "t.yaml:1:1: lỗi: thidua không định dạng được tệp này mà vẫn giữ nguyên mọi giá trị "
        "và chú thích, nên để nguyên tệp; xin báo lỗi này cho người phát triển thidua, kèm "
        "theo tệp"
    ]


def test_model_for_names() -> None:
    """File names map to their models; unknown names to None."""
    assert fmt.model_for("khoi.yaml") is m.ClusterFile
    assert fmt.model_for("diem/NHNN.yml") is m.ScoreFile
    assert fmt.model_for("diem/a/b.yaml") is None
    assert fmt.model_for("ghi-chu.yaml") is None


# --------------------------------------------------------------------------- property


_TRICKY = st.sampled_from(
    ["9.5", "010", "no", "on", "1:30", "2020-12-30", "~", "null", "a: b", "x #y", "#z", "- a",
     "[b]", "{c}", "đạt", "Hòa Bình", " đệm", "true", "1e3", "-2", "50%", "'q'", '"d"', "",
     "@x", "`t`", "a,b", "?", ":", "&a", "*b", "!c", "%d", "|", ">"]
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.tuples(_TRICKY, _TRICKY), min_size=1, max_size=5),
    note=st.one_of(st.none(), _TRICKY),
    extra=st.lists(st.tuples(st.integers(0, 40), st.sampled_from([0, 2, 4, 6, 8])), max_size=6),
)
def test_random_values_round_trip(
    values: list[tuple[str, str]], note: str | None, extra: list[tuple[int, int]]
) -> None:
    """Tricky text, out-of-order keys and stray comments: lossless and idempotent."""
    import json

    lines = ["nam: 2020", "don_vi: A", "diem:"]
    for i, (reason, evidence) in enumerate(values):
        lines += [
            f'  "{i}.1":  # tiêu chí {i}',
            f"    minh_chung: {json.dumps(evidence, ensure_ascii=False)}",
            f"    # lý do {i}",
            f"    ly_do: {json.dumps(reason, ensure_ascii=False)}",
        ]
    if note is not None:
        lines.insert(0, f"ghi_chu: {json.dumps(note, ensure_ascii=False)}")
    for n, (at, indent) in enumerate(extra):
        lines.insert(at % (len(lines) + 1), " " * indent + f"# thêm {n}")
    text = "\n".join(lines) + "\n"
    once = fmt_text(text)
    assert parse_yaml(once.encode(), "x")[0] == parse_yaml(text.encode(), "x")[0]
    assert comments(once) == comments(text)
    assert fmt_text(once) == once


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    orders=st.lists(
        st.permutations(["ma", "ten_ngan", "ten", "chuc_danh_thu_truong"]), min_size=1, max_size=3
    ),
    top=st.permutations(["nam", "ten", "dia_ban", "trang_thai", "thanh_vien"]),
    extra=st.lists(st.tuples(st.integers(0, 60), st.sampled_from([0, 2, 4, 6])), max_size=5),
    dash=st.sampled_from(["- ", "-   "]),
)
def test_random_list_item_orders_round_trip(
    orders: list[list[str]], top: list[str], extra: list[tuple[int, int]], dash: str
) -> None:
    """Members with keys in any order, stray comments, any dash spacing: lossless, idempotent."""
    pad = " " * len(dash)
    values = {
        "ma": "A{i}",
        "ten_ngan": "Đơn vị {i}",
        "ten": "Tên {i}",
        "chuc_danh_thu_truong": "010",
    }
    members: list[str] = []
    for i, order in enumerate(orders):
        for j, key in enumerate(order):
            lead = "  " + (dash if j == 0 else pad)
            members.append(f"{lead}{key}: {values[key].format(i=i)}  # {key} {i}")
    blocks = {
        "nam": ["nam: 2020"],
        "ten": ["ten: K"],
        "dia_ban": ["dia_ban: X"],
        "trang_thai": ["trang_thai: dang_dien_ra"],
        "thanh_vien": ["thanh_vien:", *members],
    }
    lines = [line for key in top for line in blocks[key]]
    for n, (at, indent) in enumerate(extra):
        lines.insert(at % (len(lines) + 1), " " * indent + f"# thêm {n}")
    text = "\n".join(lines) + "\n"
    once = fmt_text(text, m.ClusterFile)
    assert parse_yaml(once.encode(), "x")[0] == parse_yaml(text.encode(), "x")[0]
    assert comments(once) == comments(text)
    assert fmt_text(once, m.ClusterFile) == once
    assert [line.split(":")[0] for line in once.splitlines() if line[:1].isalpha()] == [
        "nam", "ten", "dia_ban", "trang_thai", "thanh_vien"
    ]  # fmt: skip


# --------------------------------------------------------------------------- command

# The base scoring table of yeardata, in canonical order (toi_da before cach_cham).
CANONICAL_TABLE = """\
nam: 2020
tong_diem: 30
nhom:
  - ma: I
    ten: Nhóm thử nghiệm
    toi_da: 30
    tieu_chi:
      - ma: "1.1"
        ten: Tiêu chí chấm theo thang điểm
        loai: dinh_tinh
        toi_da: 20
        cach_cham: thang_diem
      - ma: "1.2"
        ten: Tiêu chí đạt hoặc không đạt
        loai: dinh_tinh
        toi_da: 10
        cach_cham: dat_khong_dat
"""
# A's complete score file with its first two keys swapped.
UNORDERED_A = 'don_vi: A\nnam: 2020\ndiem:\n  "1.1":\n    tu_cham: 18\n  "1.2":\n    tu_cham: đạt\n'


def test_check_lists_files_and_changes_nothing(tmp_path: Path) -> None:
    """``fmt --check`` exits 1, names the files to reformat, and writes nothing."""
    write_year(tmp_path, {"diem/A.yaml": UNORDERED_A, "tieu-chi.yaml": CANONICAL_TABLE})
    before = tree_hashes(tmp_path)
    result = runner.invoke(app, ["fmt", "--check", "--data", str(tmp_path / "data")])
    assert result.exit_code == 1
    shown = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    assert result.stdout == (
        f"Cần định dạng lại: {shown}\n1 tệp cần định dạng lại; hãy chạy: thidua fmt\n"
    )
    assert tree_hashes(tmp_path) == before


def test_fmt_rewrites_then_check_passes(tmp_path: Path) -> None:
    """``fmt`` rewrites only the files that need it; then ``--check`` exits 0."""
    write_year(tmp_path, {"diem/A.yaml": UNORDERED_A, "tieu-chi.yaml": CANONICAL_TABLE})
    data = str(tmp_path / "data")
    result = runner.invoke(app, ["fmt", "2020", "--data", data])
    assert result.exit_code == 0
    shown = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    assert result.stdout == (
        f"Đã định dạng: {shown}\nĐã định dạng lại 1 tệp; 5 tệp đã đúng định dạng.\n"
    )
    assert shown.read_text(encoding="utf-8") == (
        'nam: 2020\ndon_vi: A\ndiem:\n  "1.1":\n    tu_cham: 18\n  "1.2":\n    tu_cham: đạt\n'
    )
    again = runner.invoke(app, ["fmt", "--check", "--data", data])
    assert again.exit_code == 0
    assert again.stdout == "Mọi tệp đã đúng định dạng (6 tệp).\n"
    assert not list((tmp_path / "data" / "2020").rglob("*.tmp"))


def test_file_with_errors_is_not_rewritten(tmp_path: Path) -> None:
    """A file with an error is left alone and its problem is reported; others are formatted."""
    write_year(
        tmp_path,
        {
            "diem/A.yaml": UNORDERED_A,
            "diem/B.yaml": "nam: 2020\ndon_vi: B\nsai_khoa: 1\n",
            "tieu-chi.yaml": CANONICAL_TABLE,
        },
    )
    bad = tmp_path / "data" / "2020" / "diem" / "B.yaml"
    before = bad.read_bytes()
    result = runner.invoke(app, ["fmt", "--data", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert bad.read_bytes() == before
    assert result.stderr == (
        f"Bỏ qua các tệp có lỗi (chưa định dạng): {bad}; xem lỗi bằng lệnh: thidua check\n"
    )  # the error itself is check's to print: once in a pre-commit run
    good = tmp_path / "data" / "2020" / "diem" / "A.yaml"
    assert good.read_text(encoding="utf-8").startswith("nam: 2020\ndon_vi: A\n")


def test_errors_and_nothing_to_format(tmp_path: Path) -> None:
    """Files with errors, the rest canonical: one line naming them, no "Mọi tệp" claim."""
    write_year(
        tmp_path,
        {
            "diem/B.yaml": "nam: 2020\ndon_vi: B\nsai_khoa: 1\n",
            "diem/C.yaml": "nam: 2020\ndon_vi: C\nsai: 2\n",
            "tieu-chi.yaml": CANONICAL_TABLE,
        },
    )
    scores = tmp_path / "data" / "2020" / "diem"
    result = runner.invoke(app, ["fmt", "--data", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert result.stdout == "Các tệp còn lại đã đúng định dạng (4 tệp).\n"
    assert result.stderr == (
        f"Bỏ qua các tệp có lỗi (chưa định dạng): {scores / 'B.yaml'}, {scores / 'C.yaml'}; "
        "xem lỗi bằng lệnh: thidua check\n"
    )
    checked = runner.invoke(app, ["fmt", "--check", "--data", str(tmp_path / "data")])
    assert checked.exit_code == 1
    assert checked.stdout == "Các tệp còn lại đã đúng định dạng (4 tệp).\n"
    assert checked.stderr == result.stderr


def test_hook_manifest_leaves_the_errors_to_check() -> None:
    """Both hooks run; only check prints the errors (fmt names the files in one line)."""
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "# fmt leaves files with errors alone and names them in one line" in manifest


def test_unknown_year_is_a_usage_error(tmp_path: Path) -> None:
    """Formatting a year that has no folder exits 2 with the loader's message."""
    write_year(tmp_path)
    result = runner.invoke(app, ["fmt", "2031", "--data", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: không có dữ liệu năm 2031")


def test_crash_during_write_leaves_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the old file is whole and no temporary file is left."""
    from thidua.repo import atomic

    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")

    def boom(self: Path, other: Path) -> None:
        raise OSError("mất điện")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(atomic.WriteError):
        atomic.write_text_atomic(target, "new\n")
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.yaml"]


def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    """A rewritten file keeps the permission bits it had."""
    from thidua.repo import atomic

    target = tmp_path / "f.yaml"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    atomic.write_bytes_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640
