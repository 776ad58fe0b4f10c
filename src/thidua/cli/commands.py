"""Command groups. Each module defines ``register(app)``; imports stay cheap at module level."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from thidua.cli import gitflow, rank, render, sheet

    for module in (rank, render, gitflow, sheet):
        module.register(app)
