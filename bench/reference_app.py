"""A do-nothing app of thidua's stack: the start-up yardstick of ``check`` and ``rank``.

Usage::

    python bench/reference_app.py data/2020          # a year folder: reads its khoi.yaml
    python bench/reference_app.py data/2020/khoi.yaml

One Typer command with one parameter, one YAML file read with libyaml's C loader, one
small pydantic model validated, one rich table printed. Nothing of thidua is imported:
this is what any program built on typer, PyYAML, pydantic and rich pays before doing work
of its own. bench/run.py times ``thidua check 2020`` and ``thidua rank 2020`` against it.
"""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


class Member(BaseModel):
    ma: str
    ten_ngan: str
    ten: str


class Cluster(BaseModel):
    nam: int
    ten: str
    thanh_vien: list[Member]


@app.command()
def main(target: Path) -> None:
    """Print the members of a cluster file (``khoi.yaml``, or the one in a year folder)."""
    path = target / "khoi.yaml" if target.is_dir() else target
    raw = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    cluster = Cluster.model_validate(raw)
    table = Table(title=f"{cluster.ten} ({cluster.nam})")
    for column in ("#", "Mã", "Tên ngắn", "Tên"):
        table.add_column(column)
    for number, member in enumerate(cluster.thanh_vien, 1):
        table.add_row(str(number), member.ma, member.ten_ngan, member.ten)
    Console().print(table)


if __name__ == "__main__":
    app()
