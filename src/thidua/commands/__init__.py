"""Command groups. Each module defines ``register(app)``; imports stay cheap at module level."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from thidua.commands import documents, gitflow, office, ranking

    for module in (ranking, documents, gitflow, office):
        module.register(app)
