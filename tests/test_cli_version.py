"""``thidua --version`` names the installed version."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

import thidua
from thidua.cli import app


def test_version_option_prints_the_package_version() -> None:
    """--version prints 'thidua X.Y.Z' (the version the package was installed as) and exits 0."""
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"thidua {thidua.__version__}\n"
    assert thidua.__version__ == version("thidua")
