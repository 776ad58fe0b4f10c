"""Shared pytest options and fixtures.

``--update-golden`` rewrites the stored golden files (tests/golden/) from the current
output instead of comparing with them; review the diff before committing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing with them",
    )


@pytest.fixture(autouse=True)
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Large test years never touch the user's parse cache (~/.cache/thidua).

    The variable is set in ``os.environ`` itself so that CLI subprocesses inherit it.
    """
    directory = tmp_path_factory.getbasetemp() / "parse-cache"
    saved = {name: os.environ.get(name) for name in ("THIDUA_CACHE_DIR", "THIDUA_NO_CACHE")}
    os.environ["THIDUA_CACHE_DIR"] = str(directory)
    os.environ.pop("THIDUA_NO_CACHE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def gitenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git with a fixed identity and no user or system configuration."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Văn phòng Khối")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "vanphong@example.org")
