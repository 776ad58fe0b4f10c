"""The bundled data carries editor schema comments, and the committed schemas are current."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from thidua.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schemas_match_the_models(tmp_path: Path) -> None:
    """schema/ holds exactly what `thidua schema` writes now (regenerate when models change)."""
    result = CliRunner().invoke(app, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in (ROOT / "schema").iterdir()}
    assert committed == fresh


def test_every_bundled_file_points_to_its_schema() -> None:
    """Each data file's first line is the yaml-language-server comment naming an existing schema."""
    files = sorted((ROOT / "data").rglob("*.yaml"))
    assert len(files) == 26  # khoa-so.yaml of the sealed 2020 and its van-ban.yaml included
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        target = (path.parent / first.removeprefix(prefix)).resolve()
        kind = "diem" if path.parent.name == "diem" else path.stem
        assert target == ROOT / "schema" / f"{kind}.json", path
