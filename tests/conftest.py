"""Shared pytest options.

``--update-golden`` rewrites the stored golden files (tests/golden/) from the current
output instead of comparing with them; review the diff before committing.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing with them",
    )
