"""The parse cache of large years: used only when it cannot change a result."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua import parsecache
from thidua.cli import app
from thidua.errors import DataError, Position
from thidua.parsecache import ParseCache, cache_directory, open_for, read_parsed

REPO = Path(__file__).resolve().parents[1]
TEXT = "ten: Hòa Bình\nthanh_vien:\n  - ma: A\n    ghi_chu: Khánh Hoà\n"


@pytest.fixture
def cache(tmp_path: Path) -> ParseCache:
    return ParseCache(tmp_path / "cache", b"f" * 32)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "khoi.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes, display_path: str) -> None:
        raise AssertionError("parsed although the cache holds the file")

    monkeypatch.setattr(parsecache, "parse_yaml", refuse)


def test_a_hit_gives_what_parsing_gave(
    cache: ParseCache, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tree, positions (under the display path of this run) and words come back unchanged."""
    root, source, found = read_parsed(data_file, "a/khoi.yaml", cache)
    forbid_parsing(monkeypatch)
    root2, source2, found2 = read_parsed(data_file, "b/khoi.yaml", cache)
    assert root2 == root == {"ten": "Hòa Bình", "thanh_vien": [{"ma": "A", "ghi_chu": "Khánh Hoà"}]}
    assert found2 == found == [(("ten",), ("Hòa",)), (("thanh_vien", 0, "ghi_chu"), ("Hoà",))]
    assert source2.values == source.values and source2.keys == source.keys
    assert source2.at(("thanh_vien", 0, "ghi_chu")) == Position("b/khoi.yaml", 4, 14)


def test_an_edited_file_is_parsed_again(cache: ParseCache, data_file: Path) -> None:
    read_parsed(data_file, "khoi.yaml", cache)
    data_file.write_text(TEXT.replace("ma: A", "ma: B"), encoding="utf-8")
    root, _, _ = read_parsed(data_file, "khoi.yaml", cache)
    assert root == {"ten": "Hòa Bình", "thanh_vien": [{"ma": "B", "ghi_chu": "Khánh Hoà"}]}


def test_another_reader_does_not_use_the_entries(tmp_path: Path, data_file: Path) -> None:
    """A different fingerprint (thidua, Python, PyYAML version…) is a miss."""
    data = data_file.read_bytes()
    ParseCache(tmp_path / "cache", b"a" * 32).put(data_file, data, (1, {}, {}, []))
    assert ParseCache(tmp_path / "cache", b"b" * 32).get(data_file, data) is None
    assert ParseCache(tmp_path / "cache", b"a" * 32).get(data_file, data) == (1, {}, {}, [])


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),  # one bit of the payload
        lambda blob: b"",
        lambda blob: b"x" * 200,
    ],
    ids=["truncated", "bit-flip", "empty", "garbage"],
)
def test_a_damaged_entry_is_a_miss(
    damage: object, cache: ParseCache, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read_parsed(data_file, "khoi.yaml", cache)
    (entry,) = cache.directory.iterdir()
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    calls: list[str] = []
    real_parse = parsecache.parse_yaml

    def counting(data: bytes, display_path: str) -> object:
        calls.append(display_path)
        return real_parse(data, display_path)

    monkeypatch.setattr(parsecache, "parse_yaml", counting)
    root, source, found = read_parsed(data_file, "khoi.yaml", cache)
    assert calls == ["khoi.yaml"]
    assert (root, source.values, source.keys, found) == (
        expected[0],
        expected[1].values,
        expected[1].keys,
        expected[2],
    )


def test_files_with_problems_are_not_cached(cache: ParseCache, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError) as exc:
            read_parsed(bad, "bad.yaml", cache)
        assert [p.message for p in exc.value.problems] == [
            'khóa "a" bị lặp lại (đã có ở dòng 1); mỗi khóa chỉ được xuất hiện một lần'
        ]
    assert not cache.directory.exists()


def test_an_unusable_cache_directory_changes_nothing(tmp_path: Path, data_file: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    cache = ParseCache(blocker / "cache", b"f" * 32)
    for _ in range(2):
        root, _, _ = read_parsed(data_file, "khoi.yaml", cache)
        assert root["ten"] == "Hòa Bình"  # type: ignore[index]


def test_one_entry_per_data_file(cache: ParseCache, data_file: Path) -> None:
    """Edits replace the file's entry: the cache does not grow with every change."""
    for n in range(3):
        data_file.write_text(TEXT + f"ghi_chu: lần {n}\n", encoding="utf-8")
        read_parsed(data_file, "khoi.yaml", cache)
    assert len(list(cache.directory.iterdir())) == 1


def test_only_large_years_use_it(tmp_path: Path, data_file: Path) -> None:
    assert open_for([data_file]) is None
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * (parsecache.MIN_YEAR_BYTES // 5 + 1))
    assert isinstance(open_for([data_file, big, tmp_path / "missing.yaml"]), ParseCache)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"THIDUA_CACHE_DIR": "/srv/cache"}, Path("/srv/cache")),
        ({"XDG_CACHE_HOME": "/xdg"}, Path("/xdg/thidua")),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/home/u"}, Path("/home/u/.cache/thidua")),
        ({"HOME": "/home/u"}, Path("/home/u/.cache/thidua")),
        ({"THIDUA_CACHE_DIR": "/srv/cache", "THIDUA_NO_CACHE": "1"}, None),
        ({"THIDUA_NO_CACHE": "0", "HOME": "/home/u"}, Path("/home/u/.cache/thidua")),
    ],
)
@pytest.mark.skipif(os.name == "nt", reason="POSIX locations")
def test_where_the_cache_lives(
    env: dict[str, str], expected: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("THIDUA_CACHE_DIR", "THIDUA_NO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_directory() == expected


def test_no_cache_turns_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_NO_CACHE", "1")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * (parsecache.MIN_YEAR_BYTES // 5 + 1))
    assert open_for([big]) is None


# --- through the CLI: the cache never changes what a command says --------------------------


def run(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--data", str(data)])
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def test_cli_results_are_the_same_cold_warm_and_without_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check and rank of a year that uses the cache, before and after an edit."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "2020", data / "2020")
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(cache_dir))
    monkeypatch.setattr(parsecache, "MIN_YEAR_BYTES", 0)  # the bundled year is small
    commands = [("check", "2020"), ("rank", "2020"), ("rank", "2020", "--format", "json")]

    def outputs(no_cache: bool) -> list[tuple[int, str]]:
        if no_cache:
            monkeypatch.setenv("THIDUA_NO_CACHE", "1")
        else:
            monkeypatch.delenv("THIDUA_NO_CACHE", raising=False)
        return [run(data, *command) for command in commands]

    before = snapshot(data)
    expected = outputs(no_cache=True)
    assert not cache_dir.exists()
    assert outputs(no_cache=False) == expected  # cold: fills the cache
    assert len(list(cache_dir.iterdir())) == len(before)
    assert outputs(no_cache=False) == expected  # warm
    assert snapshot(data) == before  # the data files are never touched

    # An edit is seen at once: NHNN's self-score of criterion 1.2 drops from 19 to 0.
    path = data / "2020" / "diem" / "NHNN.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"1.2":\n    tu_cham: 19', '"1.2":\n    tu_cham: 0'), "utf-8")
    edited = outputs(no_cache=True)
    assert [code for code, _ in edited] == [0, 0, 0]
    assert edited[1] != expected[1] and edited[2] != expected[2]
    assert outputs(no_cache=False) == edited
