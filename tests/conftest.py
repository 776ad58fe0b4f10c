"""Shared pytest options and fixtures.

``--update-golden`` rewrites the stored golden files (tests/golden/) from the current
output instead of comparing with them; review the diff before committing. The HTML goldens
leave out the stylesheet every HTML document shares: it is tests/golden/_style.css.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing with them",
    )


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
