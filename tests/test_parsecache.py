"""The parse cache of large years: used only when it cannot change a result."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua import parsecache
from thidua.cli import app
from thidua.errors import DataError, Position
from thidua.loader import load_year
from thidua.parsecache import ParseCache, cache_directory, open_for, read_parsed
from thidua.ranking import rank_year
from thidua.rankview import result_json
from thidua.spelling import Found
from thidua.yamlio import SourceMap

REPO = Path(__file__).resolve().parents[1]
TEXT = "ten: Hòa Bình\nthanh_vien:\n  - ma: A\n    ghi_chu: Khánh Hoà\n"


FINGERPRINT = b"f" * 32


def reopen(tmp_path: Path, fingerprint: bytes = FINGERPRINT) -> ParseCache:
    """The cache of one year, as a new run opens it."""
    return ParseCache(tmp_path / "cache" / "year.bin", fingerprint)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "khoi.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_without_a_cache_the_file_is_read_and_parsed(tmp_path: Path) -> None:
    """read_parsed gives what parsing gives, with the display path in every position."""
    file = tmp_path / "a.yaml"
    file.write_bytes("tên: Hòa\n".encode())
    result, source, found = read_parsed(file, "nam_2024/a.yaml", None)
    assert result == {"tên": "Hòa"}
    assert source.at(("tên",)) == Position("nam_2024/a.yaml", 1, 6)
    assert found == [(("tên",), ("Hòa",))]


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes, display_path: str) -> None:
        raise AssertionError("parsed although the cache holds the file")

    monkeypatch.setattr(parsecache, "parse_yaml", refuse)


def count_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths of the files parsed from now on, in this process."""
    calls: list[str] = []
    real_parse = parsecache.parse_yaml

    def counting(data: bytes, display_path: str) -> object:
        calls.append(display_path)
        return real_parse(data, display_path)

    monkeypatch.setattr(parsecache, "parse_yaml", counting)
    return calls


def first_run(tmp_path: Path, data_file: Path) -> tuple[object, SourceMap, Found]:
    cache = reopen(tmp_path)
    parsed = read_parsed(data_file, "a/khoi.yaml", cache)
    cache.save()
    return parsed


def test_a_hit_gives_what_parsing_gave(
    tmp_path: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tree, positions (under the display path of this run) and words come back unchanged."""
    root, source, found = first_run(tmp_path, data_file)
    forbid_parsing(monkeypatch)
    root2, source2, found2 = read_parsed(data_file, "b/khoi.yaml", reopen(tmp_path))
    assert root2 == root == {"ten": "Hòa Bình", "thanh_vien": [{"ma": "A", "ghi_chu": "Khánh Hoà"}]}
    assert found2 == found == [(("ten",), ("Hòa",)), (("thanh_vien", 0, "ghi_chu"), ("Hoà",))]
    assert source2.values == source.values and source2.keys == source.keys
    assert source2.at(("thanh_vien", 0, "ghi_chu")) == Position("b/khoi.yaml", 4, 14)


def test_an_edited_file_is_parsed_again(tmp_path: Path, data_file: Path) -> None:
    first_run(tmp_path, data_file)
    data_file.write_text(TEXT.replace("ma: A", "ma: B"), encoding="utf-8")
    root, _, _ = read_parsed(data_file, "khoi.yaml", reopen(tmp_path))
    assert root == {"ten": "Hòa Bình", "thanh_vien": [{"ma": "B", "ghi_chu": "Khánh Hoà"}]}


def test_another_reader_does_not_use_the_cache(
    tmp_path: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A different fingerprint (thidua, Python, PyYAML version…) is a miss."""
    first_run(tmp_path, data_file)
    calls = count_parsing(monkeypatch)
    read_parsed(data_file, "khoi.yaml", reopen(tmp_path, b"g" * 32))
    assert calls == ["khoi.yaml"]
    read_parsed(data_file, "khoi.yaml", reopen(tmp_path))
    assert calls == ["khoi.yaml"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),  # one bit of the content
        lambda blob: b"",
        lambda blob: b"x" * 200,
    ],
    ids=["truncated", "bit-flip", "empty", "garbage"],
)
def test_a_damaged_cache_is_a_miss(
    damage: Callable[[bytes], bytes],
    tmp_path: Path,
    data_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = first_run(tmp_path, data_file)
    entry = tmp_path / "cache" / "year.bin"
    entry.write_bytes(damage(entry.read_bytes()))
    calls = count_parsing(monkeypatch)
    root, source, found = read_parsed(data_file, "a/khoi.yaml", reopen(tmp_path))
    assert calls == ["a/khoi.yaml"]
    assert (root, source, found) == expected


def test_files_with_problems_are_not_cached(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        cache = reopen(tmp_path)
        with pytest.raises(DataError) as exc:
            read_parsed(bad, "bad.yaml", cache)
        cache.save()
        assert [p.message for p in exc.value.problems] == [
            'khóa "a" bị lặp lại (đã có ở dòng 1); mỗi khóa chỉ được xuất hiện một lần'
        ]
    assert not (tmp_path / "cache").exists()


def test_an_unusable_cache_directory_changes_nothing(tmp_path: Path, data_file: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    for _ in range(2):
        cache = ParseCache(blocker / "cache" / "year.bin", FINGERPRINT)
        root, _, _ = read_parsed(data_file, "khoi.yaml", cache)
        cache.save()
        assert root["ten"] == "Hòa Bình"  # type: ignore[index]


def test_the_cache_is_rewritten_only_when_a_file_changed(tmp_path: Path, data_file: Path) -> None:
    """One cache file per year, replaced on change: it does not grow with every edit."""
    entry = tmp_path / "cache" / "year.bin"
    # A rewrite renames a new file over the old one, so it has another inode number.
    before = None
    for n in range(3):
        data_file.write_text(TEXT + f"ghi_chu: lần {n}\n", encoding="utf-8")
        first_run(tmp_path, data_file)
        written = entry.stat().st_ino
        assert written != before
        first_run(tmp_path, data_file)  # unchanged: not rewritten
        assert entry.stat().st_ino == written
        before = written
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["year.bin"]


def test_only_large_years_use_it(tmp_path: Path, data_file: Path) -> None:
    assert open_for(tmp_path, [data_file]) is None
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * (parsecache.MIN_YEAR_BYTES // 5 + 1))
    assert isinstance(open_for(tmp_path, [data_file, big, tmp_path / "missing.yaml"]), ParseCache)


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
    assert open_for(tmp_path, [big]) is None


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
    assert len(list(cache_dir.iterdir())) == 1  # one cache file for the year
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


# --- the first run of a large year: two processes ---------------------------------------------


def load(folder: Path) -> tuple[object, list[str]]:
    """The whole result of the year, and its problems."""
    data, problems = load_year(folder, 2020)
    assert data is not None
    return result_json(rank_year(data)), sorted(str(p) for p in problems)


@pytest.fixture
def bundled_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled 2020 that counts as large, whose 16 files count as many."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "2020", data / "2020")
    monkeypatch.setattr(parsecache, "MIN_YEAR_BYTES", 0)
    monkeypatch.setattr(parsecache, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "cache"))
    return data


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_first_run_parses_on_two_processes(
    bundled_year: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_NO_CACHE", "1")
    expected = load(bundled_year)
    monkeypatch.delenv("THIDUA_NO_CACHE")
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        forks.append(pid)  # the parent's list only: the child never returns here
        return pid

    monkeypatch.setattr(os, "fork", fork)
    parsed: list[str] = []
    real_parse = parsecache.parse_yaml

    def parse(data: bytes, display_path: str) -> object:
        parsed.append(display_path)  # counted in this process only
        return real_parse(data, display_path)

    monkeypatch.setattr(parsecache, "parse_yaml", parse)
    assert load(bundled_year) == expected
    assert len(forks) == 1 and forks[0] > 0
    files = sorted((bundled_year / "2020").rglob("*.yaml"))
    # This process parsed one half; the other half came from the child.
    assert len(parsed) == len(files) // 2
    assert len(list((tmp_path / "cache").iterdir())) == 1  # the hand-over file is gone
    assert load(bundled_year) == expected  # and then from the cache alone
    assert len(forks) == 1 and len(parsed) == len(files) // 2


def test_a_child_that_does_nothing_only_leaves_misses(
    bundled_year: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is the only channel: whatever the child did not write is parsed as usual."""
    monkeypatch.setenv("THIDUA_NO_CACHE", "1")
    expected = load(bundled_year)
    monkeypatch.delenv("THIDUA_NO_CACHE")
    monkeypatch.setattr(os, "fork", lambda: 999_999, raising=False)  # "the parent"
    monkeypatch.setattr(os, "waitpid", lambda pid, options: (pid, 0), raising=False)
    assert load(bundled_year) == expected


def test_no_second_process_for_a_threaded_program(
    bundled_year: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking a program that runs several threads could deadlock the child: not done."""

    def refuse() -> int:
        raise AssertionError("forked a threaded program")

    monkeypatch.setattr(os, "fork", refuse, raising=False)
    monkeypatch.setattr(parsecache.threading, "active_count", lambda: 2)
    load(bundled_year)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.usefixtures("gitenv")
def test_diff_leaves_no_cache_for_exported_revisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revision exported to a temporary folder is read without the cache (never reused)."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "data" / "2020", repo / "data" / "2020")
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(cache_dir))
    monkeypatch.setattr(parsecache, "MIN_YEAR_BYTES", 0)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "2020"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["diff", "2020"])
    assert result.exit_code == 0, result.output
    # Only the working tree's year folder has a cache file.
    worktree = open_for(repo / "data" / "2020", [])
    assert worktree is not None
    assert [p.name for p in cache_dir.iterdir()] == [worktree.path.name]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file owners")
def test_a_cache_file_of_another_user_is_ignored(
    tmp_path: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_run(tmp_path, data_file)
    calls = count_parsing(monkeypatch)
    read_parsed(data_file, "khoi.yaml", reopen(tmp_path))
    assert calls == []
    owner = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    read_parsed(data_file, "khoi.yaml", reopen(tmp_path))
    assert calls == ["khoi.yaml"]
