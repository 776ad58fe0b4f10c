"""Start-up cost: the everyday commands never import what only rendering needs.

``thidua check`` and ``thidua rank`` are timed against a do-nothing app of the same stack
(bench/reference_app.py, measured by bench/run.py); importing jinja2 or an office library
would blow that budget.
Each case runs in a fresh interpreter, since this test process may have imported anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HEAVY = ("jinja2", "markupsafe", "ruamel", "openpyxl", "docx")

# Runs the real console entry point with the given arguments, then records which heavy
# modules ended up in sys.modules. The result goes to a file: stdout belongs to thidua.
PROBE = """
import json, sys
out, heavy, argv = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
sys.argv = ["thidua", *argv]
from thidua.cli import main
code = None
if argv:
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": code, "heavy": loaded}, f)
"""


def probe(tmp_path: Path, *args: str) -> tuple[int | None, list[str], str]:
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out = tmp_path / "probe.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), json.dumps(HEAVY), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert out.is_file(), f"probe did not finish:\n{proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    return result["code"], result["heavy"], proc.stderr


def registered(name: str) -> bool:
    from thidua.cli import app

    return any(
        (c.name or (c.callback.__name__ if c.callback else "")) == name
        for c in app.registered_commands
    )


def test_importing_the_cli_stays_light(tmp_path: Path) -> None:
    """Importing thidua.cli (every command registered) imports no rendering library."""
    code, heavy, _ = probe(tmp_path)
    assert code is None
    assert heavy == []


def test_help_stays_light(tmp_path: Path) -> None:
    """``thidua --help`` succeeds without importing any rendering library."""
    code, heavy, stderr = probe(tmp_path, "--help")
    assert code == 0, stderr
    assert heavy == []


def test_check_does_not_import_rendering_libraries(tmp_path: Path) -> None:
    """``thidua check 2020`` on the bundled data passes and never imports jinja2 & co."""
    code, heavy, stderr = probe(tmp_path, "check", "2020", "--data", str(DATA))
    assert code == 0, stderr
    assert heavy == []


def test_rank_does_not_import_rendering_libraries(tmp_path: Path) -> None:
    """``thidua rank 2020`` on the bundled data succeeds and never imports jinja2 & co."""
    if not registered("rank"):
        pytest.skip("thidua rank is not registered yet")
    code, heavy, stderr = probe(tmp_path, "rank", "2020", "--data", str(DATA))
    assert code == 0, stderr
    assert heavy == []
