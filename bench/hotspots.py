"""Where the time of ``thidua check`` / ``thidua rank`` goes on a generated cluster.

Usage::

    python bench/hotspots.py [check|rank] [--members 1000] [--criteria 100] [--papers N]
                             [--runs 3] [--top 25] [--save FILE.prof]

Generates a cluster with bench/gen.py in a temporary folder, then:

1. runs ``python -m thidua COMMAND 2020`` in ``--runs`` fresh interpreters (after one
   warm-up run that fills a temporary bytecode cache), as users run it (the cyclic garbage
   collector on), timing its main phases in CPU time, no profiler: reading the files,
   YAML parsing, recording spellings, pydantic validation, the cross-file checks, scoring,
   ranking, printing; everything else (interpreter start, imports, typer, listing the
   files, summaries, output) is "other". The time the garbage collector took, wherever
   it ran, is shown on its own line (part of the rows above). Medians over the runs;
2. runs it once more under cProfile and prints the top functions by own time. cProfile
   slows Python-heavy code more than C code: trust the phase times for shares.

The phases are found by function name, in whichever ``thidua`` module defines the
function (an import hook wraps them as each module is loaded), so that moving modules
around does not break this script; a phase whose function was renamed is reported as
not timed, and its time shows under "other".
"""

from __future__ import annotations

import argparse
import importlib.abc
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Phase label -> the names of the functions it times (the first that exists is enough).
READING = "reading the files (bytes)"
PARSING = "YAML parsing (parse_yaml)"
SPELLING = "spelling (finding and recording words)"
PER_FILE = "per-file total"
CHECKS = "cross-file checks"
SCORING = "scoring (score_year)"
RANKING = "ranking (rank_year, with scoring)"
PRINTING = "printing the table"
PHASES: dict[str, tuple[str, ...]] = {
    READING: ("read_file",),
    PARSING: ("parse_yaml",),
    SPELLING: ("find_words", "record_spellings"),
    PER_FILE: ("_read_model",),
    CHECKS: ("run_checks",),
    SCORING: ("score_year",),
    RANKING: ("rank_year",),
    PRINTING: ("_print_table",),
}
VALIDATION = "pydantic validation (per file, less reading, parsing, spelling)"
RANKING_ONLY = "ranking (rank_year, less scoring)"
GC = "of which: garbage collection (spread over the rows above)"
TOTAL = "process total"
STARTED = "interpreter start and this harness"
OTHER = "other (imports, typer, listing files, summaries, output)"


def _phase_wrappers(totals: dict[str, float]) -> Callable[[types.ModuleType], None]:
    """A function that wraps, in one freshly executed module, the phase functions it defines."""
    by_name = {name: label for label, names in PHASES.items() for name in names}
    depth = dict.fromkeys(PHASES, 0)  # per label: a nested or recursive call counts once

    def wrap(label: str, inner: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if depth[label]:
                return inner(*args, **kwargs)
            depth[label] += 1
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                depth[label] -= 1
                totals[label] = totals.get(label, 0.0) + time.process_time() - start

        timed.__wrapped__ = inner  # type: ignore[attr-defined]
        return timed

    def wrap_module(module: types.ModuleType) -> None:
        for name, label in by_name.items():
            obj = getattr(module, name, None)
            if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
                setattr(module, name, wrap(label, obj))
                totals.setdefault(label, 0.0)

    return wrap_module


class _WrapOnLoad(importlib.abc.MetaPathFinder):
    """Let another finder find each ``thidua`` module, then wrap its phases once executed.

    Modules that import a phase function by name (``from ... import parse_yaml``) are
    executed after the defining module, so they get the wrapper too.
    """

    def __init__(self, wrap_module: Callable[[types.ModuleType], None]) -> None:
        self.wrap_module = wrap_module

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.partition(".")[0] != "thidua":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is not None and hasattr(loader, "exec_module"):
            execute = loader.exec_module

            def exec_and_wrap(module: types.ModuleType) -> None:
                execute(module)
                self.wrap_module(module)

            loader.exec_module = exec_and_wrap
        return spec


def _run_thidua(args: Sequence[str]) -> int:
    """Run ``python -m thidua ARGS`` in this interpreter; the exit code."""
    import runpy

    saved = sys.argv
    sys.argv = ["thidua", *args]
    try:
        runpy.run_module("thidua", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return 0


def child_phases(out: Path, args: list[str]) -> None:
    """Time the phases of one run in this fresh interpreter; write them as JSON to ``out``."""
    import gc

    started = time.process_time()
    totals: dict[str, float] = {}
    sys.meta_path.insert(0, _WrapOnLoad(_phase_wrappers(totals)))
    collecting = [0.0, 0.0]  # total, start of the current collection

    def on_gc(phase: str, info: dict[str, int]) -> None:
        now = time.process_time()
        if phase == "start":
            collecting[1] = now
        else:
            collecting[0] += now - collecting[1]

    gc.callbacks.append(on_gc)
    code = _run_thidua(args)
    gc.callbacks.remove(on_gc)
    totals[TOTAL] = time.process_time()
    totals[STARTED] = started
    totals[GC] = collecting[0]
    out.write_text(json.dumps({"code": code, "totals": totals}), encoding="utf-8")


def child_profile(out: Path, args: list[str]) -> None:
    """Run once under cProfile; dump the raw profile to ``out``."""
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    code = _run_thidua(args)
    profiler.disable()
    if code != 0:
        raise SystemExit(f"thidua {' '.join(args)} exited with {code}")
    profiler.dump_stats(out)


def derived(t: dict[str, float]) -> dict[str, float]:
    """Leaf phases from the wrapped totals (nested ones subtracted), plus "other"."""
    d = dict(t)
    per_file = d.pop(PER_FILE, None)
    if per_file is not None:
        d[VALIDATION] = per_file - d.get(READING, 0) - d.get(PARSING, 0) - d.get(SPELLING, 0)
    if RANKING in d:
        d[RANKING_ONLY] = d.pop(RANKING) - d.get(SCORING, 0)
    leaves = (
        READING,
        PARSING,
        SPELLING,
        VALIDATION,
        CHECKS,
        SCORING,
        RANKING_ONLY,
        PRINTING,
        STARTED,
    )
    d[OTHER] = d[TOTAL] - sum(d.get(k, 0) for k in leaves)
    return d


def phases_table(runs: list[dict[str, float]]) -> list[str]:
    rows = [derived(r) for r in runs]
    order = (
        STARTED,
        READING,
        PARSING,
        SPELLING,
        VALIDATION,
        CHECKS,
        SCORING,
        RANKING_ONLY,
        PRINTING,
        OTHER,
        TOTAL,
        GC,
    )
    median = {k: statistics.median(r.get(k, 0.0) for r in rows) for k in order}
    lines = [
        f"| phase | CPU s (median of {len(rows)}) | share | min–max |",
        "|---|---:|---:|---:|",
    ]
    total = median[TOTAL] or 1
    for key in order:
        if key not in rows[0]:
            continue
        values = [r[key] for r in rows]
        share = "" if key == TOTAL else f"{100 * median[key] / total:.0f} %"
        spread = f"{min(values):.2f}–{max(values):.2f}"
        lines.append(f"| {key} | {median[key]:.2f} | {share} | {spread} |")
    missing = [label for label in PHASES if label not in runs[0]]
    if missing:
        lines += ["", "not timed (not loaded by this command, or renamed): " + "; ".join(missing)]
    return lines


def _child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cache bytecode as users' Python does,
    env["PYTHONPYCACHEPREFIX"] = str(pycache)  # outside the tree
    return env


def run_child(mode: str, out: Path, cli_args: list[str], pycache: Path) -> None:
    cmd = [sys.executable, __file__, mode, str(out), "--", *cli_args]
    proc = subprocess.run(
        cmd, env=_child_env(pycache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr.decode('utf-8', 'replace')}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-phases"]:
        child_phases(Path(argv[1]), argv[3:])
        return 0
    if argv[:1] == ["--child-profile"]:
        child_profile(Path(argv[1]), argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="check", choices=("check", "rank"))
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--papers", type=int, help="default: as many as members")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also save the raw profile here")
    args = parser.parse_args(argv)
    papers = args.members if args.papers is None else args.papers

    sys.path.insert(0, str(HERE))
    import gen  # bench/gen.py, next to this file

    with tempfile.TemporaryDirectory(prefix="thidua-profile-") as tmp:
        data = Path(tmp) / "data"
        gen.generate(data, args.members, args.criteria, papers, 2020, seed=1)
        cli_args = [args.command, "2020", "--data", str(data)]
        pycache = Path(tmp) / "pycache"
        out = Path(tmp) / "phases.json"
        runs: list[dict[str, float]] = []
        for i in range(args.runs + 1):  # run 0 fills the bytecode cache
            run_child("--child-phases", out, cli_args, pycache)
            result = json.loads(out.read_text(encoding="utf-8"))
            if result["code"] != 0:
                print(f"thidua {' '.join(cli_args)} exited with {result['code']}", file=sys.stderr)
                return 1
            if i:
                runs.append(result["totals"])
        profile = Path(tmp) / "run.prof"
        run_child("--child-profile", profile, cli_args, pycache)
        text = io.StringIO()
        stats = pstats.Stats(str(profile), stream=text)
        stats.sort_stats("tottime").print_stats(args.top)
        if args.save:
            stats.dump_stats(args.save)

    print(
        f"## thidua {args.command} 2020 on {args.members:,} members × {args.criteria} "
        f"criteria, {papers:,} papers\n"
    )
    print("\n".join(phases_table(runs)))
    print()
    print("cProfile, top functions by own time:\n")
    print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
