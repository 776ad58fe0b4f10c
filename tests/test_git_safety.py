"""Reading a revision someone else made: ``thidua diff`` against a hostile branch.

A branch is untrusted input. Its trees can hold entries named ``..`` or ``.git``, names
with a slash, symbolic links and submodules (``git clone`` and ``git fetch`` accept all
of them). thidua must never write outside its temporary folder nor follow a link, and must
say which revision and entry it refused, instead of reporting "no change".

The hostile trees are built with ``git mktree`` (and ``git hash-object --literally`` for
names mktree refuses), then committed with ``git commit-tree`` on a branch, in the shared
``git_repo`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitrepo import Repo
from thidua.cli import app
from thidua.repo import git as gitio
from yeardata import write_year

runner = CliRunner()

Entry = tuple[str, str, str, str]  # mode, kind, object id, name
TREE = "040000"
REFUSED = (
    'Lỗi: phiên bản "their-branch" có mục không an toàn "{}" ({}); thidua không đọc phiên '
    "bản này — hãy kiểm tra ai đã tạo nó trước khi dùng\n"
)
BAD_NAME = "tên không phải một tên tệp hợp lệ, có thể trỏ ra ngoài thư mục"


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    return Repo(repo).git(*args, stdin=stdin)


def blob(repo: Path, content: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", stdin=content).strip()


def mktree(repo: Path, entries: list[Entry], *options: str) -> str:
    text = "".join(f"{mode} {kind} {oid}\t{name}\n" for mode, kind, oid, name in entries)
    return git(repo, "mktree", *options, stdin=text.encode()).strip()


def raw_tree(repo: Path, entries: list[Entry]) -> str:
    """A tree object written byte by byte: names mktree refuses (with a slash) pass."""
    body = b"".join(
        f"{mode.lstrip('0')} {name}".encode() + b"\0" + bytes.fromhex(oid)
        for mode, _kind, oid, name in entries
    )
    return git(
        repo, "hash-object", "-t", "tree", "--literally", "-w", "--stdin", stdin=body
    ).strip()


def ls(repo: Path, tree: str) -> list[Entry]:
    out: list[Entry] = []
    for record in git(repo, "ls-tree", "-z", tree).split("\0"):
        if record:
            meta, name = record.split("\t", 1)
            mode, kind, oid = meta.split()
            out.append((mode, kind, oid, name))
    return out


def with_entries(repo: Path, tree: str, path: list[str], entries: list[Entry]) -> str:
    """``tree`` where the folder at ``path`` also holds ``entries`` (replacing same names)."""
    current = ls(repo, tree)
    if not path:
        names = {e[3] for e in entries}
        return mktree(repo, [e for e in current if e[3] not in names] + entries)
    head, *rest = path
    sub = next(e for e in current if e[3] == head)
    new = with_entries(repo, sub[2], rest, entries)
    return mktree(repo, [e for e in current if e[3] != head] + [(TREE, "tree", new, head)])


def branch(repo: Path, tree: str) -> None:
    commit = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", "nhánh lạ").strip()
    git(repo, "update-ref", "refs/heads/their-branch", commit)


@pytest.fixture
def repo(git_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared repository (tmp_path/repo) with the base year committed; temporary
    folders go to tmp_path/tmp, so that an escape lands where the test can see it."""
    write_year(git_repo.root)
    git_repo.commit_all("năm 2020")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return git_repo.root


def head_tree(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD^{tree}").strip()


def dotdot_chain(repo: Path, depth: int) -> str:
    """A tree ``../victim``, ``../../victim``, … ``depth`` levels up, each a ``victim``."""
    victim = blob(repo, b"echo pwned\n")
    tree = mktree(repo, [("100644", "blob", victim, "victim")])
    for _ in range(depth):
        tree = mktree(repo, [(TREE, "tree", tree, ".."), ("100644", "blob", victim, "victim")])
    return tree


def assert_untouched(tmp_path: Path) -> None:
    """No ``victim`` anywhere, and the temporary folder is gone."""
    assert not [p for p in tmp_path.rglob("*") if p.name == "victim"]
    assert list((tmp_path / "tmp").iterdir()) == []


def refused(repo: Path, shown: str, reason: str) -> None:
    result = runner.invoke(app, ["diff", "2020", "HEAD", "their-branch"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        REFUSED.format(shown, reason),
    )


@pytest.mark.parametrize(
    "where", [["data", "2020"], ["data", "2020", "diem"]], ids=["year", "diem"]
)
def test_dotdot_chain_is_refused_and_writes_nothing(
    repo: Path, tmp_path: Path, where: list[str]
) -> None:
    """``..`` entries in the year folder or its diem folder: refused, nothing written."""
    chain = dotdot_chain(repo, 8)
    branch(repo, with_entries(repo, head_tree(repo), where, [(TREE, "tree", chain, "..")]))
    refused(repo, "/".join([*where, ".."]), BAD_NAME)
    assert_untouched(tmp_path)


@pytest.mark.parametrize("name", ["/tmp/victim.yaml", "..\\..\\victim.yaml", "a/../../victim.yaml"])
def test_name_with_a_slash_is_refused(repo: Path, tmp_path: Path, name: str) -> None:
    """An absolute-looking name, a Windows path, a path with a slash: refused."""
    content = blob(repo, b"nam: 2020\ndon_vi: A\n")
    diem = ls(repo, head_tree(repo) + ":data/2020/diem")
    hostile = raw_tree(repo, [*diem, ("100644", "blob", content, name)])
    tree = with_entries(repo, head_tree(repo), ["data", "2020"], [(TREE, "tree", hostile, "diem")])
    branch(repo, tree)
    refused(repo, f"data/2020/diem/{name}", BAD_NAME)
    assert_untouched(tmp_path)


@pytest.mark.parametrize("name", [".git", ".GIT"])
def test_git_folder_in_the_year_is_refused(repo: Path, tmp_path: Path, name: str) -> None:
    hook = blob(repo, b"#!/bin/sh\necho pwned > victim\n")
    hooks = mktree(repo, [("100755", "blob", hook, "post-checkout")])
    dotgit = mktree(repo, [(TREE, "tree", hooks, "hooks")])
    branch(
        repo, with_entries(repo, head_tree(repo), ["data", "2020"], [(TREE, "tree", dotgit, name)])
    )
    refused(repo, f"data/2020/{name}", "tên dành riêng cho git")
    assert_untouched(tmp_path)


@pytest.mark.parametrize(
    ("where", "name", "what"),
    [
        (["data", "2020"], "khoi.yaml", "một tệp dữ liệu"),
        (["data", "2020", "diem"], "A.yaml", "một tệp dữ liệu"),
        (["data", "2020"], "diem", "thư mục diem"),
        (["data"], "2020", "một thư mục"),
    ],
)
def test_symlink_in_place_of_data_is_refused(
    repo: Path, tmp_path: Path, where: list[str], name: str, what: str
) -> None:
    """A symbolic link where a data file or folder should be is never followed."""
    (tmp_path / "secret.yaml").write_text("nam: 2020\n")
    link = blob(repo, str(tmp_path / "secret.yaml").encode())
    branch(repo, with_entries(repo, head_tree(repo), where, [("120000", "blob", link, name)]))
    refused(repo, "/".join([*where, name]), f"liên kết tượng trưng (symlink) ở chỗ của {what}")
    assert_untouched(tmp_path)


@pytest.mark.parametrize(
    ("where", "name", "what"),
    [
        (["data", "2020", "diem"], "B.yaml", "một tệp dữ liệu"),
        (["data", "2020"], "diem", "thư mục diem"),
        (["data"], "2020", "một thư mục"),
    ],
)
def test_submodule_in_place_of_data_is_refused(
    repo: Path, tmp_path: Path, where: list[str], name: str, what: str
) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    branch(repo, with_entries(repo, head_tree(repo), where, [("160000", "commit", head, name)]))
    refused(repo, "/".join([*where, name]), f"kho con git (submodule) ở chỗ của {what}")
    assert_untouched(tmp_path)


def test_two_entries_with_one_name_are_refused(repo: Path, tmp_path: Path) -> None:
    year = ls(repo, head_tree(repo) + ":data/2020")
    khoi = next(e for e in year if e[3] == "khoi.yaml")
    twice = mktree(repo, [*year, khoi])
    branch(repo, with_entries(repo, head_tree(repo), ["data"], [(TREE, "tree", twice, "2020")]))
    refused(repo, "data/2020/khoi.yaml", "có hai mục cùng tên")
    assert_untouched(tmp_path)


def test_oversized_blob_is_never_read(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file larger than any data file may be is refused from its size in the tree."""
    monkeypatch.setattr(gitio, "MAX_FILE_BYTES", 100_000)  # above every file of the base year
    big = blob(repo, b"#" * 100_001)
    branch(
        repo,
        with_entries(
            repo, head_tree(repo), ["data", "2020"], [("100644", "blob", big, "khoi.yaml")]
        ),
    )
    result = runner.invoke(app, ["diff", "2020", "HEAD", "their-branch"])
    assert (result.exit_code, result.stderr) == (
        1,
        'Lỗi: tệp data/2020/khoi.yaml ở phiên bản "their-branch" quá lớn (100001 byte; tối '
        "đa 100000 byte cho một tệp dữ liệu); thidua không đọc phiên bản này\n",
    )
    assert_untouched(tmp_path)


def test_links_and_odd_folders_elsewhere_are_ignored(repo: Path, tmp_path: Path) -> None:
    """Entries thidua never reads (a README link, a deep ``..`` chain, a hidden score
    file) are neither followed nor written, and do not stop the comparison."""
    link = blob(repo, b"/etc/passwd")
    docs = mktree(repo, [(TREE, "tree", dotdot_chain(repo, 8), "..")])
    entries = [("120000", "blob", link, "README"), (TREE, "tree", docs, "tai-lieu")]
    tree = with_entries(repo, head_tree(repo), ["data", "2020"], entries)
    hidden = blob(repo, b"khong phai yaml: [\n")
    tree = with_entries(
        repo, tree, ["data", "2020", "diem"], [("100644", "blob", hidden, ".x.yaml")]
    )
    branch(repo, tree)
    result = runner.invoke(app, ["diff", "2020", "HEAD", "their-branch"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "So sánh dữ liệu năm 2020: HEAD → their-branch\nKhông có thay đổi nào.\n"
    )
    assert_untouched(tmp_path)


def test_missing_object_is_a_clear_error(repo: Path, tmp_path: Path) -> None:
    """A data file whose object the repository lacks (a broken or partial clone)."""
    missing = "0123456789abcdef0123456789abcdef01234567"
    year = ls(repo, head_tree(repo) + ":data/2020")
    entries = [e for e in year if e[3] != "khoi.yaml"] + [("100644", "blob", missing, "khoi.yaml")]
    broken = mktree(repo, entries, "--missing")
    branch(repo, with_entries(repo, head_tree(repo), ["data"], [(TREE, "tree", broken, "2020")]))
    result = runner.invoke(app, ["diff", "2020", "HEAD", "their-branch"])
    assert result.exit_code == 1
    assert result.stderr == (
        'Lỗi: git không đọc được tệp data/2020/khoi.yaml ở phiên bản "their-branch" '
        f"(đối tượng {missing} thiếu hoặc không phải một tệp); hãy kiểm tra kho bằng: "
        "git fsck\n"
    )
    assert_untouched(tmp_path)


def test_dubious_ownership_says_why_and_how(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository owned by another user: git's reason and remedy, not "not in git"."""
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    where = str(repo.resolve())
    assert result.stderr == (
        f"Lỗi: git từ chối đọc kho {where} vì thư mục này thuộc về một người dùng khác với "
        "người đang chạy lệnh (git gọi là sở hữu đáng ngờ — dubious ownership); nếu tin "
        f"tưởng kho này, hãy cho phép bằng: git config --global --add safe.directory {where}\n"
    )


def test_unusable_temporary_folder_is_a_clear_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "khong-co"))
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Lỗi: không tạo được thư mục tạm để chép các phiên bản ra so sánh (không có thư mục "
        "chứa nó); hãy kiểm tra thư mục tạm của hệ thống (biến môi trường TMPDIR, TEMP "
        "hoặc TMP)\n"
    )


def test_git_that_cannot_run_is_a_clear_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``git`` found on PATH that the system refuses to run: no traceback."""
    fake = tmp_path / "git"
    fake.write_text("not a program\n")
    fake.chmod(0o644)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake))
    result = runner.invoke(app, ["diff", "2020"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Lỗi: không chạy được chương trình git ({fake}); hãy kiểm tra bản cài git (lỗi của "
        "hệ điều hành: Permission denied)\n"
    )
