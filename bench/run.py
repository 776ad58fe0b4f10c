"""Time ``thidua check`` and ``thidua rank`` against the floors their dependencies set.

Usage::

    python bench/run.py [--quick] [--reps N] [--large-reps N] [--enforce] [--output FILE]

Every measurement is the wall time of a fresh subprocess, as a user would see it. The
commands run interleaved, one round after another (each round runs every command once),
so that a slow moment of the machine hits all of them alike and the ratios stay fair.
One warm-up round first fills the bytecode caches; its times are dropped. Bytecode is
cached as a user's Python does by default, even when ``PYTHONDONTWRITEBYTECODE`` is set
here, but under a temporary ``PYTHONPYCACHEPREFIX`` so that nothing is written to the tree.

Measured (median and minimum over the rounds, plus the median CPU time, user + system,
of the child process: on a busy machine it moves much less than the wall time):

- ``python -c pass``: the bare interpreter;
- ``python -c "import typer, yaml, pydantic"``: the floor of ``thidua check``;
- ``python -c "import typer, yaml, pydantic, rich.table"``: the floor of ``thidua rank``;
- for information, ``import typer, yaml; from pydantic import BaseModel, ...`` (what
  thidua.models imports from pydantic) and
  ``import typer, yaml, thidua.models`` (``import pydantic`` alone is lazy: it does not
  load the model machinery that every BaseModel needs);
- ``thidua check 2020`` and ``thidua rank 2020`` on the bundled data, and for
  information ``check 2020`` with pydantic's plugin discovery turned off;
- for information, a minimal typer app (one command, one ``int`` argument): typer 0.29
  coerces every parameter through a pydantic ``TypeAdapter``, so this is the floor of any
  typer 0.29 command, before any work of its own;
- ``check`` and ``rank`` of 1,000 members on the first run, with an empty parse cache
  (a new temporary folder for every run; see src/thidua/parsecache.py), and for
  information with the cache turned off (``THIDUA_NO_CACHE=1``); the other 1,000-member
  rows are repeat runs, whose parse cache (a temporary folder, filled by the warm-up
  round) holds every file, as for a user who runs the commands again after editing some;
- for generated clusters (bench/gen.py) of 7, 100 and 1,000 members x 100 criteria
  (as many ballot papers as members): ``thidua check 2020``, ``thidua rank 2020`` and the
  bare libyaml parse of the same files (every ``.yaml`` of the year loaded with
  ``yaml.load(..., Loader=yaml.CSafeLoader)`` in one ``python -c``);
- for information, ``thidua render 2020 scores`` (the score sheet, Markdown, to stdout)
  of a generated cluster of 2,000 members x 10 criteria: rendering must stay linear in
  the number of members (a lookup inside a template loop once made it quadratic: 16 s).

Targets (issues 2 and 3), compared on median wall times:

- ``thidua check 2020`` <= 1.3 x ``import typer, yaml, pydantic``;
- ``thidua rank 2020`` <= 1.3 x ``import typer, yaml, pydantic, rich.table``;
- 1,000 x 100 ``check`` <= 3 s and <= 3 x the libyaml parse of the same files;
- 1,000 x 100 ``rank`` with 1,000 papers <= 3 s;
- each of the 3 s targets both on repeat runs and on the first run (no parse cache).

``thidua`` is the console script next to ``sys.executable`` (what users run) when it
exists, else ``sys.executable -m thidua`` with ``src/`` on ``PYTHONPATH``; the report says
which. Prints a Markdown report; exit status 0, or 1 with ``--enforce`` when a target is
missed or could not be measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402  (bench/gen.py, next to this file)

try:
    import resource
except ImportError:  # Windows: no CPU time of children
    resource = None  # type: ignore[assignment]

SIZES = (7, 100, 1000)
CRITERIA = 100
LARGE = 1000
YEAR = 2020
RENDER_MEMBERS = 2000  # the render case: many members, few criteria (rendering, not loading)
RENDER_CRITERIA = 10
FLOOR_CHECK = "import typer, yaml, pydantic"
FLOOR_RANK = "import typer, yaml, pydantic, rich.table"
# Not targets, shown to explain the gap: ``import pydantic`` is lazy and leaves out the
# model machinery (pydantic.main) that any BaseModel needs; then thidua's own models.
WITH_BASEMODEL = (
    "import typer, yaml; from pydantic import BaseModel, BeforeValidator, ConfigDict, Field"
)
WITH_MODELS = "import typer, yaml, thidua.models"
MINIMAL_TYPER = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def main(year: int) -> None:\n"
    "    pass\n"
    "app()\n"
)
LIBYAML_PARSE = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    cwd: Path
    large: bool = False
    shown: str = ""  # the command as the report shows it
    floor: str | None = None  # key of the case it is compared with
    parse: str | None = None  # key of the libyaml parse of the same files
    extra_env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False  # every run gets a new, empty parse cache folder
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


@dataclass
class Target:
    label: str
    case: str
    limit: float
    against: str | None = None  # a case key: ratio target; None: seconds


TARGETS = (
    Target("check 2020 ≤ 1.3 × its floor", "check_2020", 1.3, "floor_check"),
    Target("rank 2020 ≤ 1.3 × its floor", "rank_2020", 1.3, "floor_rank"),
    Target("check 1,000 × 100 ≤ 3 s, repeat run", f"check_{LARGE}", 3.0),
    Target("check 1,000 × 100 ≤ 3 s, first run", f"check_{LARGE}_cold", 3.0),
    Target(
        "check 1,000 × 100 ≤ 3 × libyaml parse, first run",
        f"check_{LARGE}_cold",
        3.0,
        f"parse_{LARGE}",
    ),
    Target("rank 1,000 × 100, 1,000 papers ≤ 3 s, repeat run", f"rank_{LARGE}", 3.0),
    Target("rank 1,000 × 100, 1,000 papers ≤ 3 s, first run", f"rank_{LARGE}_cold", 3.0),
)


def environment(work: Path) -> tuple[list[str], dict[str, str], str]:
    """How to run thidua: argv prefix, the environment of every case, a note for the report."""
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)  # every case names its own data folder
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Python caches bytecode
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)  # the what-if case sets it itself
    env.pop("THIDUA_NO_CACHE", None)  # the first-run cases set it themselves
    env["THIDUA_CACHE_DIR"] = str(work / "parse-cache")  # never the user's cache
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    script = Path(sys.executable).parent / ("thidua.exe" if os.name == "nt" else "thidua")
    if script.is_file():
        return [str(script)], env, f"console script `{script}`"
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    how = f"`python -m thidua` with `PYTHONPATH={src}` (no console script installed)"
    return [sys.executable, "-m", "thidua"], env, how


def build_cases(work: Path, thidua: list[str]) -> list[Case]:
    py = sys.executable
    check, rank = ["check", str(YEAR)], ["rank", str(YEAR)]

    def python_c(key: str, label: str, code: str, floor: str | None = None) -> Case:
        return Case(key, label, [py, "-c", code], ROOT, shown=f'python -c "{code}"', floor=floor)

    cases = [
        Case("bare", "bare interpreter", [py, "-c", "pass"], ROOT, shown="python -c pass"),
        python_c("floor_check", "floor of check", FLOOR_CHECK),
        python_c("floor_rank", "floor of rank", FLOOR_RANK),
        python_c(
            "with_basemodel", "(info) + pydantic's model machinery", WITH_BASEMODEL, "floor_check"
        ),
        python_c("with_models", "(info) + thidua.models", WITH_MODELS, "floor_check"),
        Case(
            "minimal_typer",
            "(info) minimal typer app, one int argument",
            [py, "-c", MINIMAL_TYPER, "2020"],
            ROOT,
            shown="python -c '<typer app: def main(year: int)>' 2020",
            floor="floor_check",
        ),
        Case(
            "check_2020",
            "bundled 2020",
            [*thidua, *check],
            ROOT,
            shown="thidua check 2020",
            floor="floor_check",
        ),
        Case(
            "rank_2020",
            "bundled 2020",
            [*thidua, *rank],
            ROOT,
            shown="thidua rank 2020",
            floor="floor_rank",
        ),
        # What-if: pydantic scans every installed distribution's entry points for plugins
        # the first time a model is built (importlib.metadata and all it imports).
        Case(
            "check_2020_noplugins",
            "(info) bundled 2020, pydantic plugins off",
            [*thidua, *check],
            ROOT,
            shown="PYDANTIC_DISABLE_PLUGINS=__all__ thidua check 2020",
            floor="floor_check",
            extra_env={"PYDANTIC_DISABLE_PLUGINS": "__all__"},
        ),
    ]
    for n in SIZES:
        cwd = work / f"n{n}"
        large = n >= LARGE
        label = f"{n:,} × {CRITERIA}, {n:,} papers"
        parse = f"parse_{n}"
        cases += [
            Case(
                parse,
                label,
                [py, "-c", LIBYAML_PARSE, f"data/{YEAR}"],
                cwd,
                large,
                "libyaml parse (CSafeLoader)",
            ),
            Case(
                f"check_{n}",
                label,
                [*thidua, *check],
                cwd,
                large,
                "thidua check 2020",
                floor="floor_check",
                parse=parse,
            ),
            Case(
                f"rank_{n}",
                label,
                [*thidua, *rank],
                cwd,
                large,
                "thidua rank 2020",
                floor="floor_rank",
                parse=parse,
            ),
        ]
    # The first run: an empty parse cache (filled as the command goes), or none at all.
    for command in (check, rank):
        cases += [
            Case(
                f"{command[0]}_{LARGE}_cold",
                f"{LARGE:,} × {CRITERIA}, {LARGE:,} papers, first run",
                [*thidua, *command],
                work / f"n{LARGE}",
                large=True,
                shown=f"thidua {' '.join(command)} (empty parse cache)",
                parse=f"parse_{LARGE}",
                fresh_cache=True,
            ),
            Case(
                f"{command[0]}_{LARGE}_nocache",
                f"(info) {LARGE:,} × {CRITERIA}, {LARGE:,} papers, no cache",
                [*thidua, *command],
                work / f"n{LARGE}",
                large=True,
                shown=f"THIDUA_NO_CACHE=1 thidua {' '.join(command)}",
                parse=f"parse_{LARGE}",
                extra_env={"THIDUA_NO_CACHE": "1"},
            ),
        ]
    cases.append(
        Case(
            "render_scores",
            f"(info) {RENDER_MEMBERS:,} × {RENDER_CRITERIA}, {RENDER_MEMBERS:,} papers",
            [*thidua, "render", str(YEAR), "scores"],
            work / "render",
            large=True,
            shown="thidua render 2020 scores",
        )
    )
    return cases


def _children_cpu() -> float:
    if resource is None:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(case: Case, env: dict[str, str]) -> None:
    if case.extra_env:
        env = {**env, **case.extra_env}
    fresh = Path(tempfile.mkdtemp(prefix="cache-", dir=case.cwd)) if case.fresh_cache else None
    if fresh is not None:
        env = {**env, "THIDUA_CACHE_DIR": str(fresh)}
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(case.argv, cwd=case.cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if fresh is not None:
        shutil.rmtree(fresh, ignore_errors=True)
    cpu = _children_cpu() - cpu_before
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stderr.decode("utf-8", "replace").splitlines()]
        last = next((ln for ln in reversed(lines) if ln), "")
        if len(last) > 100:
            last = last[:99] + "…"
        case.failure = f"exit {proc.returncode}: {last}".replace("|", "\\|")
        return
    case.times.append(elapsed)
    case.cpu.append(cpu)


def measure(
    cases: Sequence[Case], env: dict[str, str], reps: int, large_reps: int, progress: bool
) -> None:
    for round_no in range(reps + 1):  # round 0 is the warm-up
        for case in cases:
            if case.failure is not None or (case.large and round_no > large_reps):
                continue
            time_once(case, env)
            if round_no == 0:
                case.times.clear()
                case.cpu.clear()
        if progress:
            print(f"  round {round_no}/{reps} done", file=sys.stderr, flush=True)


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.2f}"


def _load() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_lines(how: str) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    import yaml

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for dist in ("typer", "click", "pydantic", "pydantic-core", "PyYAML", "rich"):
        try:
            versions.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            versions.append(f"{dist} ?")
    libyaml = "absent"
    if yaml.__with_libyaml__:
        from yaml import _yaml

        libyaml = _yaml.get_version_string()
    return [
        f"- machine: {platform.system()} {platform.release()}, {cpu}, nproc {os.cpu_count()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- libyaml {libyaml}, " + ", ".join(versions),
        f"- thidua run as: {how}",
    ]


def report(
    cases: Sequence[Case], how: str, reps: int, large_reps: int, loads: tuple[str, str]
) -> tuple[str, bool]:
    by_key = {c.key: c for c in cases}
    lines = ["## Figures", ""]
    lines += machine_lines(how)
    lines += [
        f"- load average (1, 5, 15 min) at start {loads[0]}, at end {loads[1]}",
        f"- {reps} rounds ({large_reps} for the 1,000-member cases) after one warm-up round; "
        "wall time of a fresh process; CPU = user + system time of that process",
        "",
        "| case | command | median (s) | min (s) | CPU median (s) | × bare | × floor / parse |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    bare = by_key["bare"]
    for case in cases:
        if not case.times:
            why = case.failure or "not run"
            lines.append(f"| {case.label} | `{case.shown}` | — | — | — | — | {why} |")
            continue
        x_bare = f"{case.median / bare.median:.1f}" if bare.times else "—"
        ratios = []
        for ref_key, name in ((case.floor, "floor"), (case.parse, "parse")):
            ref = by_key.get(ref_key) if ref_key else None
            if ref is not None and ref.times:
                ratios.append(f"{case.median / ref.median:.2f} × {name}")
        other = ", ".join(ratios) or "—"
        cpu = fmt_s(statistics.median(case.cpu)) if resource is not None else "—"
        lines.append(
            f"| {case.label} | `{case.shown}` | {fmt_s(case.median)} | {fmt_s(case.best)} | "
            f"{cpu} | {x_bare} | {other} |"
        )
    lines += ["", "## Targets", "", "| target | measured | result |", "|---|---|---|"]
    all_met = True
    for t in TARGETS:
        subject = by_key[t.case]
        ref = by_key[t.against] if t.against else None
        unmeasured = [c for c in (subject, ref) if c is not None and not c.times]
        if unmeasured:
            why = unmeasured[0].failure or "no data"
            lines.append(f"| {t.label} | not measured ({why}) | ✗ |")
            all_met = False
            continue
        if ref is None:
            value, shown = subject.median, f"{fmt_s(subject.median)} s"
        else:
            value = subject.median / ref.median
            shown = f"{value:.2f} × ({fmt_s(subject.median)} s / {fmt_s(ref.median)} s)"
        met = value <= t.limit
        all_met &= met
        verdict = "met" if met else f"**missed** ({value / t.limit:.2f} × the limit)"
        lines.append(f"| {t.label} | {shown} | {verdict} |")
    return "\n".join(lines) + "\n", all_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds, 2 for the large cases")
    parser.add_argument("--reps", type=int, help="rounds for the small cases (default 21)")
    parser.add_argument("--large-reps", type=int, help="rounds for 1,000 members (default 5)")
    parser.add_argument(
        "--enforce",
        action="store_true",
        help="exit 1 when a target is missed or could not be measured",
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    parser.add_argument(
        "--work", type=Path, help="folder for the generated clusters (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    reps = args.reps or (5 if args.quick else 21)
    large_reps = max(1, min(reps, args.large_reps or (2 if args.quick else 5)))

    with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
        work = (args.work or Path(tmp)).resolve()
        for n in SIZES:
            gen.generate(work / f"n{n}" / "data", n, CRITERIA, n, YEAR, seed=n)
        gen.generate(
            work / "render" / "data",
            RENDER_MEMBERS,
            RENDER_CRITERIA,
            RENDER_MEMBERS,
            YEAR,
            seed=RENDER_MEMBERS,
        )
        thidua, env, how = environment(work)
        cases = build_cases(work, thidua)
        print(f"timing {len(cases)} commands, {reps} rounds…", file=sys.stderr)
        load_start = _load()
        measure(cases, env, reps, large_reps, progress=True)
        load_end = _load()
    text, all_met = report(cases, how, reps, large_reps, (load_start, load_end))
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 1 if args.enforce and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
