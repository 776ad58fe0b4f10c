"""Shared pytest options, markers and fixtures.

``--update-golden`` rewrites the stored golden files (tests/golden/) from the current
output instead of comparing with them; review the diff before committing. The HTML goldens
leave out the stylesheet every HTML document shares: it is tests/golden/_style.css.

Tests that start an outside program (git, pre-commit, LibreOffice, Chromium,
check-jsonschema) are marked ``external``; ``pytest -m "not external"`` leaves them out
for a fast loop. A test that uses the ``gitenv`` fixture (so every ``git_repo`` test) is
marked automatically; the others carry the mark themselves.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitrepo import Repo


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing with them",
    )


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "gitenv" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.external)


@pytest.fixture
def gitenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git with a fixed identity and no user or system configuration; skip without git."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Văn phòng Khối")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "vanphong@example.org")


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitenv: None) -> Repo:
    """An empty git repository in ``tmp_path/repo``, which becomes the current folder."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    repo = Repo(root)
    repo.git("init", "-q")
    return repo
