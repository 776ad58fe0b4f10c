"""Where the time of ``thidua check`` / ``thidua rank`` goes on a generated cluster.

Usage::

    python bench/hotspots.py [check|rank] [--members 1000] [--criteria 100] [--papers N]
                             [--cache warm|cold] [--top 25] [--save FILE.prof]

Generates a cluster with bench/gen.py in a temporary folder, then:

1. runs the command in two fresh interpreters (after a warm-up run that fills a
   temporary bytecode cache and, with ``--cache warm``, the default, a temporary parse
   cache; ``--cache cold`` turns the parse cache off), with the cyclic garbage collector
   on (as users run it) and off, timing its main phases (CPU time, no profiler): YAML
   reading, recording spellings, pydantic validation, the cross-file checks, scoring and
   ranking, printing; the difference between the two runs is what the collector costs;
2. runs it once more in-process under cProfile and prints the top functions by own time.
   cProfile slows Python-heavy code more than C code: trust the phase times for shares.

The phases are found by wrapping functions of thidua by name; a function that has been
renamed or moved is skipped (its time then shows under "other").
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SRC))

import gen  # noqa: E402

READING = "YAML reading (parse, or parse cache)"
SPELLING = "spelling (recording words found)"

# (label, module, attribute). Nested phases are subtracted from their parent below.
PHASES = (
    ("load_year (total)", "thidua.repo.years", "open_year"),
    (READING, "thidua.read.load", "read_parsed"),
    (SPELLING, "thidua.read.load", "record_spellings"),
    ("per-file total (read + spelling + validate)", "thidua.read.load", "_read_model"),
    ("cross-file checks", "thidua.repo.years", "run_checks"),
    ("scoring (score_year)", "thidua.compute.ranking", "score_year"),
    ("ranking (rank_year, with scoring)", "thidua.compute.ranking", "rank_year"),
    ("printing the table", "thidua.cli.rank", "_print_table"),
)


def run_cli(args: list[str]) -> int:
    """Run the real CLI in-process with output discarded; the exit code."""
    from thidua.cli import app

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            app(args, standalone_mode=False)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        except Exception:  # click errors surface here without standalone mode
            return 1
    return 0


def _wrap(module: Any, attr: str, totals: dict[str, float], label: str) -> None:
    inner: Callable[..., Any] = getattr(module, attr)
    depth = 0

    def timed(*args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        if depth:  # recursion: count the outer call only
            return inner(*args, **kwargs)
        depth += 1
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            depth -= 1
            totals[label] = totals.get(label, 0.0) + time.process_time() - start

    setattr(module, attr, timed)


def child(args: list[str], gc_on: bool) -> None:
    """Time the phases of one run in this fresh interpreter; print them as JSON."""
    import gc

    start = time.process_time()
    import thidua.cli  # noqa: F401

    imported = time.process_time() - start
    totals: dict[str, float] = {}
    for label, module_name, attr in PHASES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attr):
            _wrap(module, attr, totals, label)
    if not gc_on:
        gc.disable()
    start = time.process_time()
    code = run_cli(args)
    totals["command (total, after importing thidua.cli)"] = time.process_time() - start
    totals["importing thidua.cli"] = imported
    print(json.dumps({"code": code, "totals": totals}))


def phases_table(on: dict[str, float], off: dict[str, float]) -> list[str]:
    def derived(t: dict[str, float]) -> dict[str, float]:
        d = dict(t)
        per_file = d.pop("per-file total (read + spelling + validate)", None)
        if per_file is not None:
            d["pydantic validation"] = per_file - d.get(READING, 0) - d.get(SPELLING, 0)
        if "ranking (rank_year, with scoring)" in d:
            d["ranking (rank_year, without scoring)"] = d.pop(
                "ranking (rank_year, with scoring)"
            ) - d.get("scoring (score_year)", 0)
        if "load_year (total)" in d:
            inside = sum(
                d.get(k, 0)
                for k in (READING, SPELLING, "pydantic validation", "cross-file checks")
            )  # fmt: skip
            d["other loading"] = d.pop("load_year (total)") - inside
        total = d.get("command (total, after importing thidua.cli)", 0)
        counted = sum(
            v for k, v in d.items() if k not in ("command (total, after importing thidua.cli)",
                                                 "importing thidua.cli")
        )  # fmt: skip
        d["other (typer, lazy imports, summary, output)"] = total - counted
        return d

    a, b = derived(on), derived(off)
    order = [
        "importing thidua.cli",
        READING,
        SPELLING,
        "pydantic validation",
        "cross-file checks",
        "other loading",
        "scoring (score_year)",
        "ranking (rank_year, without scoring)",
        "printing the table",
        "other (typer, lazy imports, summary, output)",
        "command (total, after importing thidua.cli)",
    ]
    total = a.get("command (total, after importing thidua.cli)", 0) or 1
    lines = [
        "| phase | CPU s, gc on | share | CPU s, gc off |",
        "|---|---:|---:|---:|",
    ]
    for key in order:
        if key in a:
            share = (
                "" if key.startswith(("command", "importing")) else f"{100 * a[key] / total:.0f} %"
            )
            lines.append(f"| {key} | {a[key]:.2f} | {share} | {b.get(key, 0):.2f} |")
    return lines


def run_child(
    cli_args: list[str], gc_on: bool, pycache: Path, cache: Path | None
) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)
    env.pop("THIDUA_NO_CACHE", None)
    if cache is None:
        env["THIDUA_NO_CACHE"] = "1"
    else:
        env["THIDUA_CACHE_DIR"] = str(cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cache bytecode as users' Python does,
    env["PYTHONPYCACHEPREFIX"] = str(pycache)  # outside the tree
    cmd = [sys.executable, __file__, "--child", "on" if gc_on else "off", "--", *cli_args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"thidua {' '.join(cli_args)} exited with {result['code']}")
    totals: dict[str, float] = result["totals"]
    return totals


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[3:], gc_on=argv[1] == "on")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="check", choices=("check", "rank"))
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--papers", type=int, help="default: as many as members")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also save the raw profile here")
    parser.add_argument(
        "--cache",
        choices=("warm", "cold"),
        default="warm",
        help="warm: the parse cache holds every file (filled by the warm-up run), as on "
        "every run after the first; cold: no parse cache (THIDUA_NO_CACHE=1)",
    )
    args = parser.parse_args(argv)
    papers = args.members if args.papers is None else args.papers

    with tempfile.TemporaryDirectory(prefix="thidua-profile-") as tmp:
        data = Path(tmp) / "data"
        gen.generate(data, args.members, args.criteria, papers, 2020, seed=1)
        cli_args = [args.command, "2020", "--data", str(data)]
        pycache = Path(tmp) / "pycache"
        cache = Path(tmp) / "parse-cache" if args.cache == "warm" else None
        # Warm-up: fills the bytecode cache (and the parse cache when warm).
        run_child(cli_args, gc_on=True, pycache=pycache, cache=cache)
        on = run_child(cli_args, gc_on=True, pycache=pycache, cache=cache)
        off = run_child(cli_args, gc_on=False, pycache=pycache, cache=cache)
        if cache is None:
            os.environ["THIDUA_NO_CACHE"] = "1"
        else:
            os.environ.pop("THIDUA_NO_CACHE", None)
            os.environ["THIDUA_CACHE_DIR"] = str(cache)

        profiler = cProfile.Profile()
        profiler.enable()
        code = run_cli(cli_args)
        profiler.disable()
        if code != 0:
            print(f"thidua {' '.join(cli_args)} exited with {code}", file=sys.stderr)
            return 1

    print(
        f"## thidua {args.command} 2020 on {args.members:,} members × {args.criteria} "
        f"criteria, {papers:,} papers, parse cache {args.cache}\n"
    )
    print("\n".join(phases_table(on, off)))
    print()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    print("cProfile, top functions by own time:\n")
    print(out.getvalue())
    if args.save:
        stats.dump_stats(args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
