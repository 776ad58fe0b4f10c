"""Checks of ``van-ban.yaml`` (the report's own words, signer, addressing) and of the
people named in ``hoi-nghi.yaml`` who sign documents (the ballot-counting committee)."""

from __future__ import annotations

from collections.abc import Iterator

from thidua.errors import Problem
from thidua.year import YearData


def check_documents(data: YearData) -> Iterator[Problem]:
    """Problems of the documents file; none yet."""
    return iter(())
