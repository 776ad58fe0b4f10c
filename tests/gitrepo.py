"""A git repository for tests: what the ``git_repo`` fixture (tests/conftest.py) returns.

Tests that need git take ``git_repo``: an empty repository (``git init``) in
``tmp_path/repo``, made the current folder, with the fixed identity and configuration of
the ``gitenv`` fixture. Both fixtures skip the test where git is not installed, and mark
it ``external`` (see ``pytest_collection_modifyitems`` in conftest.py).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Repo:
    """A git working tree at ``root``."""

    root: Path

    def git(self, *args: str, stdin: bytes | None = None) -> str:
        """Run ``git ARGS`` in the repository; fail the test if git fails; return stdout."""
        proc = subprocess.run(
            ["git", *args], cwd=self.root, input=stdin, capture_output=True, check=False
        )
        assert proc.returncode == 0, (args, proc.stderr.decode("utf-8", "replace"))
        return proc.stdout.decode("utf-8")

    def commit_all(self, message: str) -> None:
        """Commit every file of the working tree (``git add -A``, then ``git commit``)."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
