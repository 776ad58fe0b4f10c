"""Time ``thidua check`` and ``thidua rank`` against the yardsticks their targets name.

Usage::

    python bench/run.py [--quick] [--reps N] [--large-reps N] [--enforce] [--output FILE]

Every measurement is the wall time of a fresh subprocess, as a user would see it. The
commands run interleaved, one round after another (each round runs every command once),
so that a slow moment of the machine hits all of them alike and the ratios stay fair.
One warm-up round first fills the bytecode caches; its times are dropped. Bytecode is
cached as a user's Python does by default, even when ``PYTHONDONTWRITEBYTECODE`` is set
here, but under a temporary ``PYTHONPYCACHEPREFIX`` so that nothing is written to the tree.
Nothing else persists between runs: thidua keeps no cache of its own.

Measured (median and minimum over the rounds, plus the median CPU time, user + system,
of the child process: on a busy machine it moves much less than the wall time):

- ``thidua check 2020`` and ``thidua rank 2020`` on the bundled data (7 members), and
  their yardstick, bench/reference_app.py: a one-command Typer app that reads one YAML
  file with the C loader, validates one pydantic model and prints a rich table;
- for information: the bare interpreter (``python -c pass``), the bare imports
  ``import typer, yaml, pydantic, rich.table`` (``import pydantic`` alone is lazy: it
  does not load the model machinery that every BaseModel needs), the reference app with
  pydantic's plugin discovery off (thidua turns it off unless the user sets
  ``PYDANTIC_DISABLE_PLUGINS``) and ``import typer, yaml, thidua.models``;
- for generated clusters (bench/gen.py) of 7, 100 and 1,000 members x 100 criteria
  (as many ballot papers as members): ``thidua check 2020``, ``thidua rank 2020`` and the
  bare libyaml parse of the same files (every ``.yaml`` of the year loaded with
  ``yaml.load(..., Loader=yaml.CSafeLoader)`` in one ``python -c``), and how the
  commands grow from 100 to 1,000 members;
- for information, ``thidua render 2020 scores`` (the score sheet, Markdown, to stdout)
  of a generated cluster of 2,000 members x 10 criteria: rendering must stay linear in
  the number of members (a lookup inside a template loop once made it quadratic: 16 s).

Targets (issue 11), compared on median wall times of the same run:

- ``thidua check 2020`` <= 1.2 x the reference app, ``thidua rank 2020`` <= 1.2 x;
- 1,000 x 100: ``check`` <= 1.2 x the libyaml parse of the same files, ``rank`` <= 1.6 x;
- linear growth: time(1,000 members) / time(100 members) <= 10 for ``check`` and ``rank``
  (the report also gives the cost per member, and the marginal cost per added member
  from 7 to 100 and from 100 to 1,000, which a fixed start-up cost does not hide).

``thidua`` is the console script next to ``sys.executable`` (what users run) when it
exists, else ``sys.executable -m thidua`` with ``src/`` on ``PYTHONPATH``; the report says
which. Prints a Markdown report; exit status 0, or 1 with ``--enforce`` when a target is
missed or could not be measured.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
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
GROWTH_FROM = 100  # linear growth: time(LARGE) / time(GROWTH_FROM) <= LARGE / GROWTH_FROM
YEAR = 2020
RENDER_MEMBERS = 2000  # the render case: many members, few criteria (rendering, not loading)
RENDER_CRITERIA = 10
REFERENCE_APP = HERE / "reference_app.py"
# Not targets, shown to explain the gap: the bare imports (``import pydantic`` is lazy and
# leaves out the model machinery that any BaseModel needs), then thidua's own models.
BARE_IMPORTS = "import typer, yaml, pydantic, rich.table"
WITH_MODELS = "import typer, yaml, thidua.models"
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
    against: str  # the key of the case it is divided by


TARGETS = (
    Target("check 2020 ≤ 1.2 × reference app", "check_2020", 1.2, "reference_app"),
    Target("rank 2020 ≤ 1.2 × reference app", "rank_2020", 1.2, "reference_app"),
    Target(
        f"check {LARGE:,} × {CRITERIA} ≤ 1.2 × libyaml parse",
        f"check_{LARGE}",
        1.2,
        f"parse_{LARGE}",
    ),
    Target(
        f"rank {LARGE:,} × {CRITERIA} ≤ 1.6 × libyaml parse", f"rank_{LARGE}", 1.6, f"parse_{LARGE}"
    ),
    Target(
        f"check: time({LARGE:,}) ≤ 10 × time({GROWTH_FROM})",
        f"check_{LARGE}",
        10.0,
        f"check_{GROWTH_FROM}",
    ),
    Target(
        f"rank: time({LARGE:,}) ≤ 10 × time({GROWTH_FROM})",
        f"rank_{LARGE}",
        10.0,
        f"rank_{GROWTH_FROM}",
    ),
)


def environment(work: Path) -> tuple[list[str], dict[str, str], str]:
    """How to run thidua: argv prefix, the environment of every case, a note for the report."""
    env = dict(os.environ)
    env.pop("THIDUA_DATA", None)  # every case names its own data folder
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Python caches bytecode
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)  # the reference app runs as a plain app would
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
    reference = [py, str(REFERENCE_APP), f"data/{YEAR}"]
    shown_reference = f"python bench/reference_app.py data/{YEAR}"

    cases = [
        Case("bare", "(info) bare interpreter", [py, "-c", "pass"], ROOT, shown="python -c pass"),
        Case(
            "bare_imports",
            "(info) the stack's bare imports",
            [py, "-c", BARE_IMPORTS],
            ROOT,
            shown=f'python -c "{BARE_IMPORTS}"',
            floor="reference_app",
        ),
        Case(
            "reference_app",
            "reference app (the start-up yardstick)",
            reference,
            ROOT,
            shown=shown_reference,
        ),
        # thidua turns pydantic's plugin discovery off (unless the user sets the
        # variable): the scan of every installed distribution's entry points that the
        # first model build does. This is the reference app under the same condition.
        Case(
            "reference_app_noplugins",
            "(info) reference app, pydantic plugins off",
            reference,
            ROOT,
            shown=f"PYDANTIC_DISABLE_PLUGINS=__all__ {shown_reference}",
            floor="reference_app",
            extra_env={"PYDANTIC_DISABLE_PLUGINS": "__all__"},
        ),
        Case(
            "with_models",
            "(info) + thidua.models",
            [py, "-c", WITH_MODELS],
            ROOT,
            shown=f'python -c "{WITH_MODELS}"',
            floor="reference_app",
        ),
        Case(
            "check_2020",
            "bundled 2020",
            [*thidua, *check],
            ROOT,
            shown="thidua check 2020",
            floor="reference_app",
        ),
        Case(
            "rank_2020",
            "bundled 2020",
            [*thidua, *rank],
            ROOT,
            shown="thidua rank 2020",
            floor="reference_app",
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
                parse=parse,
            ),
            Case(
                f"rank_{n}",
                label,
                [*thidua, *rank],
                cwd,
                large,
                "thidua rank 2020",
                parse=parse,
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
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(case.argv, cwd=case.cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
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


def growth_lines(by_key: dict[str, Case]) -> list[str]:
    """How check and rank grow with the number of members: totals, per member, marginal."""
    lines = [
        "## Growth with the number of members",
        "",
        f"Median wall time per member, and the marginal cost of each member added between two "
        f"sizes ((t(b) − t(a)) / (b − a)); linear growth keeps the marginal cost flat. "
        f"Sizes × {CRITERIA} criteria, as many papers as members.",
        "",
        "| command | "
        + " | ".join(f"{n:,} (s)" for n in SIZES)
        + f" | t({LARGE:,}) / t({GROWTH_FROM}) | per member at {LARGE:,} (ms) | "
        + " | ".join(f"marginal {a:,}→{b:,} (ms)" for a, b in itertools.pairwise(SIZES))
        + " |",
        "|---|" + "---:|" * (2 * len(SIZES) + 1),
    ]
    for command in ("parse", "check", "rank"):
        cases = [by_key[f"{command}_{n}"] for n in SIZES]
        if any(not c.times for c in cases):
            lines.append(f"| {command} | not measured |" + " |" * (2 * len(SIZES)))
            continue
        t = {n: c.median for n, c in zip(SIZES, cases, strict=True)}
        cells = [fmt_s(t[n]) for n in SIZES]
        cells.append(f"{t[LARGE] / t[GROWTH_FROM]:.2f} ×")
        cells.append(f"{1000 * t[LARGE] / LARGE:.2f}")
        cells += [f"{1000 * (t[b] - t[a]) / (b - a):.2f}" for a, b in itertools.pairwise(SIZES)]
        name = "libyaml parse" if command == "parse" else f"thidua {command} 2020"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


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
        "| case | command | median (s) | min (s) | CPU median (s) | × bare | × ref. app / parse |",
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
        for ref_key, name in ((case.floor, "ref. app"), (case.parse, "parse")):
            ref = by_key.get(ref_key) if ref_key else None
            if ref is not None and ref.times:
                ratios.append(f"{case.median / ref.median:.2f} × {name}")
        other = ", ".join(ratios) or "—"
        cpu = fmt_s(statistics.median(case.cpu)) if resource is not None else "—"
        lines.append(
            f"| {case.label} | `{case.shown}` | {fmt_s(case.median)} | {fmt_s(case.best)} | "
            f"{cpu} | {x_bare} | {other} |"
        )
    lines += [""]
    lines += growth_lines(by_key)
    lines += ["## Targets", "", "| target | measured | result |", "|---|---|---|"]
    all_met = True
    for t in TARGETS:
        subject, ref = by_key[t.case], by_key[t.against]
        unmeasured = [c for c in (subject, ref) if not c.times]
        if unmeasured:
            why = unmeasured[0].failure or "no data"
            lines.append(f"| {t.label} | not measured ({why}) | ✗ |")
            all_met = False
            continue
        value = subject.median / ref.median
        shown = f"{value:.2f} × ({fmt_s(subject.median)} s / {fmt_s(ref.median)} s)"
        met = value <= t.limit
        all_met &= met
        verdict = "met" if met else f"**missed** ({value / t.limit:.2f} × the limit)"
        lines.append(f"| {t.label} | {shown} | {verdict} |")
    return "\n".join(lines) + "\n", all_met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds, 3 for the large cases")
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
    large_reps = max(1, min(reps, args.large_reps or (3 if args.quick else 5)))

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
