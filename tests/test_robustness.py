"""Hostile and odd input never crashes `thidua check` nor changes a file; editor quirks are read.

The Acceptance list of issue 2: every malformed input gives exit code 1 and a message naming
the file and the line, quickly, with no traceback and no file changed; a UTF-8 BOM, CRLF line
ends and decomposed Unicode are read as the data they encode.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from thidua.cli import app
from thidua.errors import Problem
from thidua.repo.years import open_year
from thidua.year import YearData
from yeardata import KHOI, QUY_CHE, score_file, write_year

REPO = Path(__file__).resolve().parents[1]
BUNDLED_2020 = REPO / "data" / "2020"
MIB = 1024 * 1024


def run_check(*args: str) -> Result:
    return CliRunner().invoke(app, ["check", *args])


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str | None]]:
    """Every file under ``root``: size, mtime, mode and SHA-256 (None if unreadable)."""
    out: dict[str, tuple[int, int, int, str | None]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest: str | None = None
        if stat.S_ISREG(info.st_mode):
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:
                digest = None
        out[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns, info.st_mode, digest)
    return out


def exact(line: str) -> str:
    return re.escape(line)


# --- malformed input ---------------------------------------------------------------------

Setup = Callable[[Path], None]


def files(overrides: dict[str, str | bytes | None]) -> Setup:
    def setup(root: Path) -> None:
        write_year(root, overrides)

    return setup


def sparse(name: str, size: int) -> Setup:
    """A file of ``size`` bytes written in no time (a sparse file of NULs)."""

    def setup(root: Path) -> None:
        folder = write_year(root)
        with (folder / name).open("r+b") as f:
            f.truncate(size)

    return setup


def big_yaml(root: Path) -> None:
    """A real YAML file just over 21 MiB: valid keys followed by many comment lines."""
    folder = write_year(root)
    line = b"# " + b"x" * 1021 + b"\n"  # 1 KiB a line
    with (folder / "quy-che.yaml").open("ab") as f:
        f.write(line * (21 * 1024))


def directory_instead_of_file(root: Path) -> None:
    folder = write_year(root, {"quy-che.yaml": None})
    (folder / "quy-che.yaml").mkdir()
    (folder / "quy-che.yaml" / "ghi-chu.txt").write_text("x\n", encoding="utf-8")


def unreadable(root: Path) -> None:
    folder = write_year(root)
    (folder / "quy-che.yaml").chmod(0)


def alias_bomb() -> str:
    text = QUY_CHE + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


REGULATION_KEYS = (
    "nam, minh_hoa, ten, can_cu, xep_hang, dan_dau, khen_thuong, bau_truong_khoi, "
    "bau_pho_khoi, luan_phien, ghi_chu"
)

MALFORMED: dict[str, tuple[Setup, str]] = {
    "syntax-error-bracket": (
        files({"quy-che.yaml": "nam: 2020\nxep_hang:\n  thu_tu: [diem\n"}),
        exact(
            "data/2020/quy-che.yaml:4:1: lỗi: danh sách trong ngoặc vuông mở ở dòng 3 chưa đúng: "
            'thiếu dấu "," giữa các mục hoặc thiếu dấu "]" đóng; nếu một mục chứa ",", "[" hoặc '
            '"]", hãy đặt mục đó trong dấu ngoặc kép'
        ),
    ),
    "syntax-error-unclosed-quote": (
        files({"quy-che.yaml": 'nam: 2020\nten: "Quy chế\nxep_hang:\n  thu_tu: [diem]\n'}),
        exact(
            'data/2020/quy-che.yaml:2:6: lỗi: chuỗi mở bằng dấu " ở đây chưa được đóng: không '
            'tìm thấy dấu " đóng trước khi hết tệp; hãy thêm dấu " ở cuối giá trị'
        ),
    ),
    "wrong-type": (
        files({"quy-che.yaml": "nam: 2020\nxep_hang:\n  thu_tu: diem\n"}),
        exact(
            "data/2020/quy-che.yaml:3:11: lỗi: cần một danh sách (mỗi mục một dòng bắt đầu bằng "
            '"- "), nhưng gặp "diem"'
        ),
    ),
    "wrong-type-in-score-file": (
        files({"diem/A.yaml": 'nam: 2020\ndon_vi: A\ndiem:\n  "1.1": 18\n'}),
        exact(
            'data/2020/diem/A.yaml:4:10: lỗi: cần một bảng các khóa (khóa: giá trị), nhưng gặp "18"'
        ),
    ),
    "duplicate-key": (
        files({"quy-che.yaml": QUY_CHE + "nam: 2021\n"}),
        exact(
            'data/2020/quy-che.yaml:4:1: lỗi: khóa "nam" bị lặp lại (đã có ở dòng 1); '
            "mỗi khóa chỉ được xuất hiện một lần"
        ),
    ),
    "unknown-key": (
        files({"quy-che.yaml": QUY_CHE + "zz: 1\n"}),
        exact(
            'data/2020/quy-che.yaml:4:1: lỗi: khóa "zz" không có trong mẫu dữ liệu; '
            f"các khóa được dùng ở đây: {REGULATION_KEYS}"
        ),
    ),
    "unknown-criterion-id": (
        files({"diem/A.yaml": score_file("A") + '  "1.3":\n    tu_cham: 1\n'}),
        exact(
            'data/2020/diem/A.yaml:8:3: lỗi: tiêu chí "1.3" không có trong bảng tiêu chí năm '
            "2020; cần một trong các mã: 1.1, 1.2"
        ),
    ),
    "unknown-member-id": (
        files({"khoi.yaml": KHOI.replace("truong_khoi: A", "truong_khoi: NHNN")}),
        exact(
            'data/2020/khoi.yaml:5:14: lỗi: Trưởng khối "NHNN" không phải là đơn vị thành viên; '
            "cần một trong các mã: A, B, C"
        ),
    ),
    "out-of-range-score": (
        files({"diem/A.yaml": score_file("A", first="20.5")}),
        exact(
            'data/2020/diem/A.yaml:5:14: lỗi: điểm tự chấm tiêu chí "1.1" (định tính): điểm 20.5 '
            "vượt quá điểm tối đa 20; cần từ 0 đến 20"
        ),
    ),
    "python-tag": (
        files(
            {
                "quy-che.yaml": "nam: !!python/object/apply:os.system ['touch HACKED']\n"
                "xep_hang:\n  thu_tu: [diem]\n"
            }
        ),
        exact(
            'data/2020/quy-che.yaml:1:6: lỗi: thẻ YAML "!!python/object/apply:os.system" không '
            "được phép trong tệp dữ liệu; hãy xóa thẻ và ghi giá trị bình thường"
        ),
    ),
    "python-tag-whole-file": (
        files({"khoi.yaml": "!!python/object/apply:os.system\n- touch HACKED\n"}),
        exact(
            'data/2020/khoi.yaml:1:1: lỗi: thẻ YAML "!!python/object/apply:os.system" không '
            "được phép trong tệp dữ liệu; hãy xóa thẻ và ghi giá trị bình thường"
        ),
    ),
    "alias-bomb": (
        files({"quy-che.yaml": alias_bomb()}),
        exact(
            "data/2020/quy-che.yaml:4:4: lỗi: không dùng neo (&) và bí danh (*) trong tệp dữ "
            "liệu; hãy viết đầy đủ giá trị"
        ),
    ),
    "invalid-utf8": (
        files({"quy-che.yaml": b"nam: 2020\nten: Quy ch\xe9\nxep_hang:\n  thu_tu: [diem]\n"}),
        exact(
            "data/2020/quy-che.yaml:2:12: lỗi: tệp không phải UTF-8 hợp lệ: byte 0xe9 không đọc "
            "được; hãy lưu lại tệp với mã hóa UTF-8"
        ),
    ),
    "utf16": (
        files({"quy-che.yaml": QUY_CHE.encode("utf-16")}),
        exact(
            "data/2020/quy-che.yaml:1:1: lỗi: tệp không mã hóa UTF-8 (có dấu BOM của UTF-16); "
            "hãy lưu lại tệp với mã hóa UTF-8"
        ),
    ),
    "nul-byte": (
        files({"quy-che.yaml": b"nam: 2020\x00\nxep_hang:\n  thu_tu: [diem]\n"}),
        exact(
            "data/2020/quy-che.yaml:1:10: lỗi: ký tự NUL (U+0000) không được phép trong tệp dữ "
            "liệu; tệp có thể bị hỏng hoặc được lưu bằng mã hóa UTF-16 — hãy lưu lại tệp với mã "
            "hóa UTF-8"
        ),
    ),
    "tab-indentation": (
        files({"quy-che.yaml": "nam: 2020\nxep_hang:\n\tthu_tu: [diem]\n"}),
        exact(
            "data/2020/quy-che.yaml:3:1: lỗi: không dùng ký tự Tab để thụt lề; hãy dùng dấu cách"
        ),
    ),
    "empty-file": (
        files({"quy-che.yaml": ""}),
        exact(
            "data/2020/quy-che.yaml:1:1: lỗi: tệp rỗng: cần nội dung quy chế xếp hạng; "
            "xem mẫu trong docs/data-format.md"
        ),
    ),
    "deep-nesting": (
        files({"quy-che.yaml": QUY_CHE + "x: " + "[" * 50_000 + "]" * 50_000 + "\n"}),
        r"data/2020/quy-che\.yaml:4:\d+: lỗi: dữ liệu lồng nhau quá sâu \(quá 100 cấp\); .*",
    ),
    "two-documents": (
        files({"quy-che.yaml": QUY_CHE + "---\nnam: 2021\n"}),
        r"data/2020/quy-che\.yaml:4:1: lỗi: tệp chỉ được chứa một tài liệu YAML .*",
    ),
    "large-sparse-file": (
        sparse("tieu-chi.yaml", 25 * MIB),
        exact(
            "data/2020/tieu-chi.yaml:1:1: lỗi: tệp quá lớn (25 MB); tối đa 20 MB cho một tệp "
            "dữ liệu"
        ),
    ),
    "large-real-file": (
        big_yaml,
        exact(
            "data/2020/quy-che.yaml:1:1: lỗi: tệp quá lớn (21,0 MB); tối đa 20 MB cho một tệp "
            "dữ liệu"
        ),
    ),
    "missing-required-file": (
        files({"quy-che.yaml": None}),
        r"data/2020/quy-che\.yaml:\d+:\d+: lỗi: thiếu tệp quy-che\.yaml \(quy chế xếp hạng\); "
        r"xem mẫu trong docs/data-format\.md",
    ),
    "missing-score-file-closed-year": (
        files({"diem/B.yaml": None}),
        r'data/2020/diem/B\.yaml:\d+:\d+: lỗi: chưa có tệp điểm của đơn vị "B" '
        r"\(năm đã kết thúc\)",
    ),
    "directory-instead-of-file": (
        directory_instead_of_file,
        r"data/2020/quy-che\.yaml:\d+:\d+: lỗi: .+",
    ),
    "unreadable-file": (
        unreadable,
        exact("data/2020/quy-che.yaml:1:1: lỗi: không đọc được tệp: không có quyền đọc tệp"),
    ),
}

PROBLEM_LINE = re.compile(r"data/2020/\S+:[1-9]\d*:[1-9]\d*: (lỗi|cảnh báo): \S.*")
TOTAL_LINE = re.compile(r"Tổng cộng: [1-9]\d* lỗi, \d+ cảnh báo\.")


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_exit_1_with_position(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Malformed input: exit 1, `file:line:col` message, quickly, no traceback, no file changed."""
    if case == "unreadable-file" and os.geteuid() == 0:
        pytest.skip("running as root: a chmod 000 file stays readable")
    monkeypatch.chdir(tmp_path)
    setup, expected = MALFORMED[case]
    setup(tmp_path)
    before = snapshot(tmp_path)

    result = run_check()

    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 1, result.output
    out = result.stderr.splitlines()
    assert any(re.fullmatch(expected, line) for line in out), "\n".join(out)
    # Every line is a positioned problem, and the last one is the total.
    assert TOTAL_LINE.fullmatch(out[-1]), out[-1]
    unplaced = [line for line in out[:-1] if not PROBLEM_LINE.fullmatch(line)]
    assert unplaced == []
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "HACKED").exists()


def test_json_format_on_malformed_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format json on a syntax error: valid JSON with a 1-based line and column, exit 1."""
    import json

    monkeypatch.chdir(tmp_path)
    write_year(tmp_path, {"quy-che.yaml": b"nam: 2020\nten: Quy ch\xe9\n"})
    result = CliRunner().invoke(app, ["check", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "data/2020/quy-che.yaml",
            "line": 2,
            "column": 12,
            "severity": "error",
            "message": "tệp không phải UTF-8 hợp lệ: byte 0xe9 không đọc được; hãy lưu lại tệp "
            "với mã hóa UTF-8",
        }
    ]


# --- legitimate variations ---------------------------------------------------------------


def with_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def with_crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def with_nfd(data: bytes) -> bytes:
    return unicodedata.normalize("NFD", data.decode("utf-8")).encode("utf-8")


VARIATIONS: dict[str, Callable[[bytes], bytes]] = {
    "bom": with_bom,
    "crlf": with_crlf,
    "nfd": with_nfd,
    "bom-crlf-nfd": lambda data: with_bom(with_crlf(with_nfd(data))),
}


def copy_2020(root: Path, transform: Callable[[bytes], bytes] | None = None) -> Path:
    folder = root / "data" / "2020"
    shutil.copytree(BUNDLED_2020, folder)
    if transform is not None:
        for path in sorted(folder.rglob("*.yaml")):
            path.write_bytes(transform(path.read_bytes()))
    return folder


def content(data: YearData) -> tuple[object, ...]:
    """What a year says, without where it was read from."""
    return (
        data.cluster,
        data.regulation,
        data.table,
        data.tasks,
        data.ballots,
        data.conference,
        data.scores,
        data.score_files,
    )


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_editor_variations_read_as_same_data(
    variation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BOM, CRLF line ends or NFD text in every file of 2020: same data, same output, exit 0."""
    original = tmp_path / "original"
    changed = tmp_path / "changed"
    copy_2020(original)
    folder = copy_2020(changed, VARIATIONS[variation])
    assert all(
        p.read_bytes() != (BUNDLED_2020 / p.relative_to(folder)).read_bytes()
        for p in folder.rglob("*.yaml")
    )

    monkeypatch.chdir(original)
    expected = run_check("2020")
    monkeypatch.chdir(changed)
    result = run_check("2020")

    assert expected.exit_code == 0, expected.output
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.stdout
    assert result.stderr == expected.stderr == ""

    base, base_problems = open_year(original / "data", 2020)
    data, problems = open_year(changed / "data", 2020)
    assert base_problems == problems == []
    assert base is not None and data is not None
    assert content(data) == content(base)


def test_positions_with_bom_and_crlf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a BOM and CRLF line ends, positions are still the lines and columns an editor shows."""
    monkeypatch.chdir(tmp_path)
    text = "nam: 2020\r\nxep_hang:\r\n  thu_tu: [diem]\r\nzz: 1\r\n"
    write_year(tmp_path, {"quy-che.yaml": b"\xef\xbb\xbf" + text.encode("utf-8")})
    result = run_check()
    assert result.stderr.splitlines()[0] == (
        'data/2020/quy-che.yaml:4:1: lỗi: khóa "zz" không có trong mẫu dữ liệu; '
        f"các khóa được dùng ở đây: {REGULATION_KEYS}"
    )


# --- property: garbled bundled files never crash the loader -----------------------------

ORIGINAL = {
    str(p.relative_to(BUNDLED_2020)): p.read_bytes() for p in sorted(BUNDLED_2020.rglob("*.yaml"))
}
FRAGMENTS = [
    b"- ",
    b": ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a x",
    b"*a",
    b"<<: *a",
    b"!!python/object/apply:os.system ['touch HACKED']",
    b"!foo x",
    b"? x",
    b"---",
    b"...",
    b"%YAML 1.1",
    b"\t",
    b"\tx: 1",
    b"nam: 2019",
    b"nam: no",
    b"don_vi: ZZ",
    b"don_vi: NHNN",
    b"diem: 5",
    b"diem:",
    b"x: |\n  y",
    b"x: >-",
    b'"unterminated',
    b"'",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\xe9",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\r",
    b"  - ma: Q",
    b"    tu_cham: 9,5",
    b"    tu_cham: {thuc_hien: 1, chi_tieu: 0}",
    b'  "1.1": {tu_cham: 100}',
    b'  "9.9":\n    tu_cham: 1',
    b"toi_da: -1",
    b"thanh_vien: []",
    b"ngay: 2020-02-30",
    b"nguong: 200%",
    b"trang_thai: dang_dien_ra",
    b"truong_khoi: ZZ",
    b"null: 1",
    b"~: 1",
    b"[a, b]: 1",
    b"{a: 1}: 2",
    b"Ho\xc3\xa0 B\xc3\xacnh",
    "Hòa".encode(),
    b"\xc2\xa0key: 1",
]


@st.composite
def garbled(draw: st.DrawFn) -> dict[str, bytes]:
    """One to three bundled 2020 files, each with one to four random mutations."""
    names = draw(st.lists(st.sampled_from(sorted(ORIGINAL)), min_size=1, max_size=3, unique=True))
    out: dict[str, bytes] = {}
    for name in names:
        data = ORIGINAL[name]
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["flip", "delete", "duplicate", "insert", "truncate"]))
            lines = data.split(b"\n")
            if kind == "flip" and data:
                i = draw(st.integers(0, len(data) - 1))
                data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
            elif kind == "delete":
                del lines[draw(st.integers(0, len(lines) - 1))]
                data = b"\n".join(lines)
            elif kind == "duplicate":
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(i, lines[i])
                data = b"\n".join(lines)
            elif kind == "insert":
                fragment = draw(
                    st.sampled_from(FRAGMENTS)
                    | st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass"))
                    | st.binary(max_size=12)
                )
                i = draw(st.integers(0, len(lines)))
                indent = draw(st.sampled_from([b"", b"  ", b"    ", b"      "]))
                lines.insert(i, indent + fragment)
                data = b"\n".join(lines)
            elif kind == "truncate":
                data = data[: draw(st.integers(0, len(data)))]
        out[name] = data
    return out


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy_2020(root)
        yield root / "data"


def check_problem(p: Problem) -> None:
    assert isinstance(p, Problem)
    assert p.position.path
    assert p.position.line >= 1, str(p)
    assert p.position.column >= 1, str(p)
    assert isinstance(p.message, str) and p.message.strip()
    assert "Traceback" not in p.message
    str(p)
    p.to_json()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(mutation=garbled())
def test_garbled_files_never_crash_the_loader(scratch: Path, mutation: dict[str, bytes]) -> None:
    """Random byte flips, deleted, duplicated or inserted lines: problems, never an exception."""
    folder = scratch / "2020"
    try:
        for name, data in mutation.items():
            (folder / name).write_bytes(data)
        data_, found = open_year(scratch, 2020)
        for p in found:
            check_problem(p)
        if data_ is None:
            assert any(p.is_error for p in found)
    finally:
        for name in mutation:
            (folder / name).write_bytes(ORIGINAL[name])


@settings(max_examples=100, deadline=None, database=None)
@given(text=st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_random_text_as_a_score_file(scratch: Path, text: str) -> None:
    """Any text at all in a score file gives problems with positions, never an exception."""
    path = scratch / "2020" / "diem" / "NHNN.yaml"
    try:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _, found = open_year(scratch, 2020)
        for p in found:
            check_problem(p)
    finally:
        path.write_bytes(ORIGINAL["diem/NHNN.yaml"])
