"""What ``thidua check`` and ``thidua rank`` import, and that rendering libraries stay out.

Usage::

    python bench/imports.py [--top 15] [--data DIR] [--year 2020] [COMMAND ...]

Runs ``python -X importtime -m thidua COMMAND YEAR`` (after one run that fills a
temporary bytecode cache) (default commands: ``check`` and
``rank``) from the repository root with ``src/`` on ``PYTHONPATH``, parses the import
times Python writes to stderr, and prints for each command:

- the modules that only rendering or office export need, if any was imported
  (jinja2, markupsafe, ruamel, openpyxl, docx): these must stay out of check and rank;
- the top modules by self time, and the self time summed per top-level package.

Exit status: 1 when a command imported a forbidden module; else 2 when a command could
not run at all (e.g. it does not exist yet); else 0. ``-X importtime`` adds its own
overhead; use the figures to compare modules, not as wall times.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("jinja2", "markupsafe", "ruamel", "openpyxl", "docx")
_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


@dataclass(frozen=True)
class Import:
    module: str
    self_us: int
    cumulative_us: int
    depth: int

    @property
    def package(self) -> str:
        return self.module.split(".", 1)[0]


def parse_importtime(stderr: str) -> list[Import]:
    """The ``-X importtime`` lines of ``stderr``, in the order Python wrote them."""
    out = []
    for line in stderr.splitlines():
        if m := _LINE.match(line):
            depth = (len(m[3]) - 1) // 2
            out.append(Import(m[4], int(m[1]), int(m[2]), depth))
    return out


def forbidden(imports: list[Import]) -> list[str]:
    return sorted({i.module for i in imports if i.package in FORBIDDEN})


def run_command(args: list[str], data: Path | None, pycache: Path) -> tuple[int, str]:
    """Run once to fill the bytecode cache, then again under ``-X importtime``."""
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)
    # Compilation would dominate the figures: cache bytecode as users' Python does,
    # under a temporary prefix so that nothing is written to the tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    argv = [sys.executable, "-m", "thidua", *args]
    if data is not None:
        argv += ["--data", str(data)]
    subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    argv[1:1] = ["-X", "importtime"]
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def report(command: str, imports: list[Import], top: int) -> list[str]:
    total = sum(i.self_us for i in imports)
    lines = [f"### thidua {command}: {len(imports)} modules, {total / 1000:.1f} ms self time", ""]
    bad = forbidden(imports)
    lines.append(
        "forbidden imports: " + (", ".join(bad) + "  <-- MUST NOT be imported" if bad else "none")
    )
    lines += [
        "",
        f"top {top} by self time:",
        "",
        "| self (ms) | cumulative (ms) | module |",
        "|---:|---:|---|",
    ]
    for i in sorted(imports, key=lambda i: (-i.self_us, i.module))[:top]:
        lines.append(f"| {i.self_us / 1000:.1f} | {i.cumulative_us / 1000:.1f} | {i.module} |")
    per_package: dict[str, int] = defaultdict(int)
    for i in imports:
        per_package[i.package] += i.self_us
    lines += [
        "",
        "self time per top-level package:",
        "",
        "| self (ms) | modules | package |",
        "|---:|---:|---|",
    ]
    counts: dict[str, int] = defaultdict(int)
    for i in imports:
        counts[i.package] += 1
    for pkg, us in sorted(per_package.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        lines.append(f"| {us / 1000:.1f} | {counts[pkg]} | {pkg} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commands", nargs="*", default=["check", "rank"])
    parser.add_argument("--year", default="2020")
    parser.add_argument("--data", type=Path, help="data directory (default ./data of the repo)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    found_forbidden = could_not_run = False
    pycache = Path(tempfile.mkdtemp(prefix="thidua-imports-"))
    try:
        for command in args.commands:
            code, stderr = run_command([command, args.year], args.data, pycache)
            imports = parse_importtime(stderr)
            if code not in (0, 1) or not imports:
                shown = [ln for ln in stderr.splitlines() if ln and "import time:" not in ln]
                print(f"### thidua {command}: could not run (exit {code}): {shown[-1:]}\n")
                could_not_run = True
                continue
            print("\n".join(report(command, imports, args.top)) + "\n")
            found_forbidden |= bool(forbidden(imports))
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    return 1 if found_forbidden else 2 if could_not_run else 0


if __name__ == "__main__":
    sys.exit(main())
