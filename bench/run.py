"""Benchmark: what Milepost costs on top of the MkDocs build it wraps, and how that cost scales.

Absolute timings depend on the machine, so every target is a ratio of two timings taken in
the same run, on the same machine, a few seconds apart; the two commands of a ratio run in
turn (A B A B ...) and each counts by its median:

1. overhead: `milepost build -j 1` of a synthetic 1-year client (wall clock of the whole
   command) against `mkdocs build` of the very MkDocs project Milepost writes for that
   client (its docs/ and mkdocs.yml, written by the pipeline's own function). The
   difference is Milepost's own cost: reading and checking the YAML, rendering the pages,
   the feed and the calendar, and its search plugin. Target <= 1.15. Milepost's compiled
   templates and each site's rendered Markdown fields are kept in the user's cache folder,
   as for every build after a machine's first (a project manager's commit changes a few
   fields; here none changes); one build with empty caches is timed too, for information.
2. the same for a 3-year client (every record list x3), and the growth of the Milepost build
   time from 1 to 3 years. Target <= 3.5 (linear growth in records would give about 3).
   The 1-year client again with `--engine zensical` against the default MkDocs engine, both
   `milepost build -j 1`: a second build of the unchanged client, each engine's cache kept.
   Target <= 0.5 (the first build, caches empty, is printed beside it).
3. parallelism: 20 one-year clients built with `-j 1` against `-j 2`. Target <= 0.6.
   The same 20 clients with `--agency` (the agency's site too) against without, both
   `-j 2`: the agency's view costs under 15 %. Target <= 1.15.
4. a no-op `milepost build --versions` of the example clients, each with two tagged
   versions in a git repository made for the run: seconds, not a ratio (the issue's bound
   is absolute). Target < 2 s.
5. disk: 50 one-year clients with two tagged versions each, built with `--versions`: the
   bytes the output takes on disk (the theme's files are kept once, every site links to
   them) against the bytes it would take if every site kept its own copy of every file.
   Target <= 0.4.

What keeps Milepost's own share small: a build imports only what it uses (the calendar and
the Atom feed are a few lines of Milepost's own, not libraries), validation composes YAML
with libyaml in C wherever the strict composer would give the same tree and runs in each
client's worker, the compiled templates (Milepost's and Material's) and each site's rendered
Markdown fields are kept in the user's cache folder, so a build compiles none of them and
renders only the fields it has not rendered before, and a one-line plain field is written
without the Markdown parser.

Milepost's modules are compiled to bytecode before anything is timed, as an installed
Milepost has them (pip compiles a wheel's modules when it installs them); otherwise, under
PYTHONDONTWRITEBYTECODE, every run would compile them again and count it as Milepost's cost.

One figure helps read the ratios and is not a target: the best `-j 2 / -j 1` the machine
allows at that moment, from two CPU-bound processes side by side (other work on a shared
machine shows up here).

The synthetic data is deterministic (fixed seed, fixed --as-of date) and must pass
`milepost validate`. Results are printed as a table and written, with the date and the
machine, to bench/RESULTS.md and bench/out/results.json; the exit status is 1 if any target
is missed.

    python bench/run.py [--years 1 3] [--clients 20] [--repeat 7] [--keep DIR]
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import py_compile
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "out" / "results.json"
REPORT = HERE / "RESULTS.md"
AS_OF = date(2026, 11, 20)
SEED = 20261120

sys.path[:0] = [str(ROOT), str(HERE)]

from synthetic import write_clients  # noqa: E402

from generator.pipeline import check_projects  # noqa: E402
from generator.site.build import (  # noqa: E402
    BuildSettings,
    base_config_for,
    source_date,
    write_client_project,
)

TARGET_OVERHEAD = 1.15
TARGET_GROWTH = 3.5
TARGET_PARALLEL = 0.6
TARGET_NOOP_SECONDS = 2.0
TARGET_AGENCY = 1.15
TARGET_DISK = 0.4
TARGET_ZENSICAL_WARM = 0.5


@dataclass(frozen=True)
class Target:
    """One measured figure (a ratio, or seconds where the bound is absolute) against its
    target; lower is better."""

    name: str
    measured: float
    target: float
    detail: str

    @property
    def passed(self) -> bool:
        return self.measured <= self.target


@dataclass(frozen=True)
class ClientTiming:
    """Median wall-clock seconds of one client's Milepost build and of MkDocs' build of the
    project Milepost writes for it."""

    years: int
    slug: str
    pages: int
    milepost: float
    mkdocs: float
    milepost_cold: float     # one build with empty caches (compiled templates, kept fields)
    validate_seconds: float  # in-process single runs: where Milepost's own time goes
    write_seconds: float     # pages, feed, calendar and mkdocs.yml

    @property
    def overhead(self) -> float:
        return self.milepost / self.mkdocs


# --- subprocesses ------------------------------------------------------------------------

def tool_env() -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def tool(name: str, module: str) -> list[str]:
    """The console script beside this interpreter, else `python -m module`."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.is_file() else [sys.executable, "-m", module]


def run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env or tool_env(), capture_output=True, text=True,
                            cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}\n"
                         f"{result.stdout}{result.stderr}")
    return result


def wall_clock(cmd: list[str], clean: Path, env: dict[str, str] | None = None) -> float:
    """Seconds one run of `cmd` takes, starting from an empty output folder `clean`."""
    shutil.rmtree(clean, ignore_errors=True)
    started = time.perf_counter()
    run(cmd, env)
    return time.perf_counter() - started


def in_turn(repeat: int, *jobs: Callable[[], float], warm_up: bool = True) -> list[float]:
    """Median time of each job over `repeat` rounds; jobs run in turn, A B A B, so a change
    in the machine's speed hits all alike. With `warm_up`, one round is run first and not
    counted (it fills the disk's cache, and Milepost's cache of compiled templates)."""
    for job in jobs if warm_up else ():
        job()
    times: list[list[float]] = [[] for _ in jobs]
    for _ in range(repeat):
        for i, job in enumerate(jobs):
            times[i].append(job())
    return [statistics.median(t) for t in times]


def milepost_build(projects: Path, out: Path, jobs: int, client: str | None = None,
                   agency: bool = False) -> list[str]:
    cmd = [*tool("milepost", "generator"), "build", "--projects", str(projects), "--out", str(out),
           "--as-of", AS_OF.isoformat(), "-j", str(jobs), *(["--agency"] if agency else [])]
    return cmd + (["--client", client] if client else [])


def validate_or_abort(projects: Path) -> None:
    """Generated data must be valid: stop with Milepost's own report if it is not."""
    cmd = [*tool("milepost", "generator"), "validate", "--projects", str(projects),
           "--as-of", AS_OF.isoformat()]
    result = subprocess.run(cmd, env=tool_env(), capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"synthetic data in {projects} does not validate:\n"
                         f"{result.stdout}{result.stderr}")
    print(f"  validate: {result.stdout.strip().splitlines()[-1]}", flush=True)


# --- the MkDocs project Milepost writes --------------------------------------------------

def write_mkdocs_project(projects: Path, slug: str, folder: Path) -> tuple[int, float, float]:
    """Write into `folder` the MkDocs project (docs/ and mkdocs.yml) that `milepost build`
    writes for the client, with the pipeline's own function and settings. Returns the page
    count and the in-process seconds spent validating, and writing the project (single runs:
    where Milepost's own time goes)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    root = projects.resolve().parent
    settings = BuildSettings(folder / "out", AS_OF, base_config_for(root), root)
    started = time.perf_counter()
    (project,) = check_projects(projects, AS_OF, [slug]).projects
    validated = time.perf_counter()
    with source_date(AS_OF):
        pages = write_client_project(project, settings, folder)
    return pages, validated - started, time.perf_counter() - validated


def html_pages(site: Path) -> int:
    return sum(1 for x in site.rglob("*.html") if x.name != "404.html")


# --- the measurements --------------------------------------------------------------------

def time_client(work: Path, years: int, repeat: int) -> ClientTiming:
    """`milepost build -j 1` of one synthetic client against `mkdocs build` of the project
    Milepost writes for it, in turn."""
    print(f"{years}-year client:", flush=True)
    folder = work / f"{years}y"
    (spec,) = write_clients(folder / "projects", years, 1, AS_OF, SEED)
    validate_or_abort(folder / "projects")
    pages, validate_s, write_s = write_mkdocs_project(folder / "projects", spec.slug,
                                                      folder / "mkdocs-project")
    config = folder / "mkdocs-project" / "mkdocs.yml"
    out = folder / "out"
    build = milepost_build(folder / "projects", out, 1, spec.slug)
    empty = folder / "empty-cache"
    cold = wall_clock(build, out, dict(tool_env(), XDG_CACHE_HOME=str(empty),
                                       MILEPOST_CACHE=str(empty)))
    shutil.rmtree(empty, ignore_errors=True)
    milepost_s, mkdocs_s = in_turn(repeat, lambda: wall_clock(build, out),
                                   lambda: mkdocs_build(config))
    counts = {html_pages(out / spec.slug), html_pages(config.parent / "site"), pages}
    if len(counts) != 1:
        raise SystemExit(f"page counts differ: Milepost rendered {pages}, its site has "
                         f"{html_pages(out / spec.slug)} pages, MkDocs' build of its project "
                         f"{html_pages(config.parent / 'site')}")
    timing = ClientTiming(years, spec.slug, pages, milepost_s, mkdocs_s, cold, validate_s,
                          write_s)
    print(f"  {pages} pages: milepost -j 1 {milepost_s:.2f} s, mkdocs build of its project "
          f"{mkdocs_s:.2f} s (x{timing.overhead:.2f}); with empty caches "
          f"{cold:.2f} s; in-process single runs: validate {validate_s:.2f} s, write the "
          f"project {write_s:.2f} s", flush=True)
    return timing


def mkdocs_build(config: Path) -> float:
    """Seconds of one `mkdocs build` of `config`, from an empty site folder."""
    env = dict(tool_env(), SOURCE_DATE_EPOCH=str(epoch(AS_OF)))  # as Milepost sets it
    cmd = [*tool("mkdocs", "mkdocs"), "build", "-q", "-f", str(config)]
    return wall_clock(cmd, config.parent / "site", env)


def epoch(day: date) -> int:
    """SOURCE_DATE_EPOCH of a day, as Milepost sets it for its own MkDocs build."""
    return int(datetime.combine(day, dtime(0), tzinfo=UTC).timestamp())


def machine_parallelism(repeat: int = 3, loops: int = 20_000_000) -> float:
    """Wall clock of two CPU-bound processes side by side against one alone (median of
    `repeat` each): 1.0 on two idle cores, up to 2.0 when the cores are shared or busy.
    Halved, it is the best `-j 2 / -j 1` this machine can reach right now."""
    burn = [sys.executable, "-c", f"for i in range({loops}): pass"]

    def alone() -> float:
        started = time.perf_counter()
        subprocess.run(burn, check=True)
        return time.perf_counter() - started

    def side_by_side() -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen(burn) for _ in range(2)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    one, two = in_turn(repeat, alone, side_by_side, warm_up=False)
    return two / one / 2


def time_fleet(work: Path, clients: int, repeat: int) -> dict[str, Any]:
    """`milepost build -j 1` against `-j 2` over `clients` one-year clients."""
    print(f"{clients} one-year clients:", flush=True)
    projects = work / "fleet" / "projects"
    specs = write_clients(projects, 1, clients, AS_OF, SEED)
    if len({s.slug for s in specs}) != clients or len({s.name for s in specs}) != clients:
        raise SystemExit("synthetic client slugs or names are not distinct")
    validate_or_abort(projects)
    out = work / "fleet" / "out"
    serial, parallel, agency = in_turn(
        repeat,
        lambda: wall_clock(milepost_build(projects, out, 1), out),
        lambda: wall_clock(milepost_build(projects, out, 2), out),
        lambda: wall_clock(milepost_build(projects, out, 2, agency=True), out),
        warm_up=False,  # the single-client builds filled the caches
    )
    allowed = machine_parallelism()
    print(f"  -j 1 {serial:.2f} s, -j 2 {parallel:.2f} s (the best -j 2 / -j 1 this machine "
          f"allows right now, from two CPU-bound processes: {allowed:.2f})", flush=True)
    print(f"  -j 2 --agency {agency:.2f} s", flush=True)
    return {"clients": len(specs), "serial": serial, "parallel": parallel, "agency": agency,
            "machine_parallelism": allowed}


def git(repo: Path, *args: str, day: str) -> None:
    env = dict(tool_env(), GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE=f"{day}T12:00:00+00:00",
               GIT_COMMITTER_DATE=f"{day}T12:00:00+00:00")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def time_versions_noop(work: Path, repeat: int) -> dict[str, Any]:
    """A `build --versions` with nothing changed, after a full one, on the example clients
    with two tagged versions each."""
    print("example clients with versions, no-op rebuild:", flush=True)
    repo = work / "versions"
    shutil.copytree(ROOT / "projects", repo / "projects")
    clients = sorted(p.name for p in (repo / "projects").iterdir() if p.is_dir())
    git(repo, "init", "-q", day="2026-10-01")
    git(repo, "add", "-A", day="2026-10-01")
    git(repo, "commit", "-qm", "plan", day="2026-10-01")
    for slug in clients:
        git(repo, "tag", "-a", f"{slug}/v1", "-m", "Signed plan", day="2026-10-01")
        with (repo / "projects" / slug / "client.yml").open("a", encoding="utf-8") as f:
            f.write("# reviewed\n")
    git(repo, "commit", "-qam", "review", day="2026-11-02")
    for slug in clients:
        git(repo, "tag", "-a", f"{slug}/v2", "-m", "Baseline", day="2026-11-02")
    out = repo / "site"
    cmd = [*tool("milepost", "generator"), "build", "--projects", str(repo / "projects"),
           "--out", str(out), "--versions", "--as-of", AS_OF.isoformat()]
    started = time.perf_counter()
    run(cmd)
    full = time.perf_counter() - started

    def noop() -> float:
        began = time.perf_counter()
        result = run(cmd)
        if "rebuilt nothing" not in result.stdout:
            raise SystemExit(f"the no-op rebuild rebuilt something:\n{result.stdout}")
        return time.perf_counter() - began

    (seconds,) = in_turn(repeat, noop, warm_up=False)
    print(f"  {len(clients)} clients x (v1, v2, latest): full build {full:.2f} s, "
          f"no-op rebuild {seconds:.2f} s", flush=True)
    return {"clients": len(clients), "full": full, "noop": seconds}


def time_zensical(work: Path, years: int, repeat: int) -> dict[str, Any] | None:
    """The `years`-year client (already written by `time_client`) built with
    `--engine zensical` against the default MkDocs engine, both `milepost build -j 1`: a
    second build of the unchanged client (each engine's cache kept), and a first one (its
    cache empty). None where Zensical is not installed."""
    try:
        import zensical  # noqa: F401
    except ImportError:
        print("Zensical is not installed (pip install '.[zensical]'): no engine figures",
              flush=True)
        return None
    print(f"{years}-year client, Zensical against MkDocs:", flush=True)
    projects = work / f"{years}y" / "projects"
    (slug,) = [p.name for p in projects.iterdir() if p.is_dir()]
    out, cache = work / "engines" / "out", work / "engines" / "cache"
    env = dict(tool_env(), MILEPOST_CACHE=str(cache), XDG_CACHE_HOME=str(cache))
    mkdocs, zensical_build = (milepost_build(projects, out, 1, slug) + ["--engine", engine]
                              for engine in ("mkdocs", "zensical"))

    def cold(cmd: list[str]) -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return wall_clock(cmd, out, env)

    mkdocs_cold, zensical_cold = in_turn(2, lambda: cold(mkdocs), lambda: cold(zensical_build),
                                         warm_up=False)
    mkdocs_warm, zensical_warm = in_turn(repeat, lambda: wall_clock(mkdocs, out, env),
                                         lambda: wall_clock(zensical_build, out, env))
    print(f"  second build: zensical {zensical_warm:.2f} s, mkdocs {mkdocs_warm:.2f} s; "
          f"first build: zensical {zensical_cold:.2f} s, mkdocs {mkdocs_cold:.2f} s",
          flush=True)
    return {"years": years, "zensical_warm": zensical_warm, "mkdocs_warm": mkdocs_warm,
            "zensical_cold": zensical_cold, "mkdocs_cold": mkdocs_cold}


def disk_bytes(folder: Path) -> tuple[int, int]:
    """Bytes on disk of everything below `folder`: each file once however many links it
    has, and counted again for every link (what the sites would take with a copy each)."""
    once: dict[tuple[int, int], int] = {}
    every = 0
    for path in folder.rglob("*"):
        info = path.lstat()
        size = info.st_blocks * 512
        every += size
        once[(info.st_dev, info.st_ino)] = size
    return sum(once.values()), every


def measure_disk(work: Path, clients: int) -> dict[str, Any]:
    """`clients` one-year clients with two tagged versions each, built with --versions -j 2:
    what the output takes on disk, with the theme's files shared and as if they were not."""
    print(f"{clients} one-year clients with two versions each, on disk:", flush=True)
    repo = work / "disk"
    specs = write_clients(repo / "projects", 1, clients, AS_OF, SEED + 1)
    git(repo, "init", "-q", day="2026-10-01")
    git(repo, "add", "-A", day="2026-10-01")
    git(repo, "commit", "-qm", "plan", day="2026-10-01")
    for spec in specs:
        git(repo, "tag", "-a", f"{spec.slug}/v1", "-m", "Signed plan", day="2026-10-01")
        git(repo, "tag", "-a", f"{spec.slug}/v2", "-m", "Baseline", day="2026-10-01")
    out = repo / "site"
    run([*tool("milepost", "generator"), "build", "--projects", str(repo / "projects"),
         "--out", str(out), "--versions", "--as-of", AS_OF.isoformat(), "-j", "2"])
    shared, separate = disk_bytes(out)
    print(f"  {shared / 2**20:.1f} MiB on disk; {separate / 2**20:.1f} MiB with a copy of "
          "every file in every site", flush=True)
    return {"clients": len(specs), "bytes": shared, "bytes_unshared": separate}


def overhead_detail(t: ClientTiming) -> str:
    return (f"{t.pages} pages: {t.milepost:.2f} s / {t.mkdocs:.2f} s; "
            f"{t.milepost_cold:.2f} s with empty caches (a machine's first build)")


def targets(small: ClientTiming, large: ClientTiming, fleet: dict[str, Any],
            versions: dict[str, Any], disk: dict[str, Any],
            engines: dict[str, Any] | None) -> list[Target]:
    serial, parallel = fleet["serial"], fleet["parallel"]
    return [
        Target(f"{small.years}-year client: milepost build -j 1 / mkdocs build of its project",
               small.overhead, TARGET_OVERHEAD, overhead_detail(small)),
        Target(f"{large.years}-year client: milepost build -j 1 / mkdocs build of its project",
               large.overhead, TARGET_OVERHEAD, overhead_detail(large)),
        Target(f"{large.years}-year / {small.years}-year milepost build",
               large.milepost / small.milepost, TARGET_GROWTH,
               f"mkdocs build grows x{large.mkdocs / small.mkdocs:.2f}"),
        *engine_targets(engines),
        Target(f"{fleet['clients']} one-year clients: -j 2 / -j 1", parallel / serial,
               TARGET_PARALLEL, f"{parallel:.2f} s / {serial:.2f} s; {os.cpu_count()} cores "
               f"allow {fleet['machine_parallelism']:.2f} now"),
        Target(f"{fleet['clients']} one-year clients: --agency / without",
               fleet["agency"] / parallel, TARGET_AGENCY,
               f"{fleet['agency']:.2f} s / {parallel:.2f} s, both -j 2"),
        Target("no-op build --versions (seconds)", versions["noop"], TARGET_NOOP_SECONDS,
               f"{versions['clients']} example clients with 2 versions each; the full build "
               f"took {versions['full']:.2f} s"),
        Target(f"{disk['clients']} clients x 2 versions: disk / unshared",
               disk["bytes"] / disk["bytes_unshared"], TARGET_DISK,
               f"{disk['bytes'] / 2**20:.0f} MiB / {disk['bytes_unshared'] / 2**20:.0f} MiB"),
    ]


def engine_targets(engines: dict[str, Any] | None) -> list[Target]:
    if engines is None:
        return []
    return [Target(f"{engines['years']}-year client, second build: zensical / mkdocs",
                   engines["zensical_warm"] / engines["mkdocs_warm"], TARGET_ZENSICAL_WARM,
                   f"{engines['zensical_warm']:.2f} s / {engines['mkdocs_warm']:.2f} s, both "
                   f"milepost build -j 1; first build {engines['zensical_cold']:.2f} s / "
                   f"{engines['mkdocs_cold']:.2f} s")]


# --- report ------------------------------------------------------------------------------

def rows_of(targets: list[Target]) -> list[tuple[str, ...]]:
    return [(t.name, f"{t.measured:.2f}", f"<= {t.target:g}", "PASS" if t.passed else "MISS",
             t.detail) for t in targets]


HEADER = ("measure", "measured", "target", "result", "detail")


def table(targets: list[Target]) -> str:
    cells = [HEADER, *rows_of(targets)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine(load_before: float) -> dict[str, Any]:
    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "processor": platform.processor() or None,
            "load_before": load_before, "load_after": os.getloadavg()[0]}


def report(targets: list[Target], when: datetime, box: dict[str, Any], args: argparse.Namespace,
           seconds: float) -> str:
    """bench/RESULTS.md: the last run's figures, with when and where they were measured."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`, whose docstring says what each measure is);",
        "every run replaces this file. Ratios are of two timings taken in turn in the same run,",
        "each the median of its runs, so they hold across machines better than seconds do.",
        "",
        f"- date: {when:%Y-%m-%d %H:%M} UTC",
        f"- machine: {box['cores']} cores, {box['platform']}, Python {box['python']}",
        f"- load average: {box['load_before']:.1f} before, {box['load_after']:.1f} after"
        + (" (above the core count: other work shared the machine and the figures are noisier)"
           if max(box["load_before"], box["load_after"]) > box["cores"] else
           " (within the core count)"),
        f"- runs: {args.repeat} per single-client timing, {args.fleet_repeat} per timing of "
        f"all {args.clients} clients; the run took {seconds:.0f} s",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + " --- |" * len(HEADER),
        *("| " + " | ".join(row) + " |" for row in rows_of(targets)),
        "",
    ]
    return "\n".join(lines)


def write_results(targets: list[Target], clients: list[ClientTiming], fleet: dict[str, Any],
                  versions: dict[str, Any], disk: dict[str, Any], args: argparse.Namespace,
                  when: datetime, box: dict[str, Any]) -> None:
    data = {
        "date": when.isoformat(timespec="seconds"),
        "as_of": AS_OF.isoformat(),
        "seed": SEED,
        "repeat": {"client": args.repeat, "fleet": args.fleet_repeat},
        "machine": box,
        "targets": [{**asdict(t), "passed": t.passed} for t in targets],
        "clients": [{**asdict(c), "overhead": c.overhead} for c in clients],
        "fleet": fleet,
        "versions": versions,
        "disk": disk,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--years", type=int, nargs=2, default=[1, 3], metavar=("SMALL", "LARGE"),
                   help="engagement lengths of the two single-client builds (default: 1 3)")
    p.add_argument("--clients", type=int, default=20,
                   help="one-year clients for the -j 1 / -j 2 comparison (default: 20)")
    p.add_argument("--repeat", type=int, default=7,
                   help="runs per single-client timing; the median counts (default: 7)")
    p.add_argument("--fleet-repeat", type=int, default=2,
                   help="runs per timing of all clients; the median counts (default: 2)")
    p.add_argument("--disk-clients", type=int, default=50,
                   help="one-year clients, two versions each, for the disk measure (default: 50)")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="generate into DIR and keep it (default: a temporary folder)")
    return p.parse_args(argv)


def compile_sources() -> None:
    """Milepost's modules as bytecode, as an installed Milepost has them (see above)."""
    compileall.compile_dir(ROOT / "generator", quiet=1,
                           invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_sources()
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="milepost-bench-"))
    started = time.perf_counter()
    when = datetime.now(UTC)
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"note: load average {load:.1f} before the run: other processes use the CPU, "
              "so ratios are noisier", flush=True)
    try:
        small = time_client(work, args.years[0], args.repeat)
        large = time_client(work, args.years[1], args.repeat)
        fleet = time_fleet(work, args.clients, args.fleet_repeat)
        engines = time_zensical(work, args.years[0], args.repeat)
        versions = time_versions_noop(work, args.repeat)
        disk = measure_disk(work, args.disk_clients)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = targets(small, large, fleet, versions, disk, engines)
    box = machine(load)
    seconds = time.perf_counter() - started
    write_results(rows, [small, large], fleet, versions, disk, args, when, box)
    REPORT.write_text(report(rows, when, box, args, seconds), encoding="utf-8")
    print(f"\n{table(rows)}\n\n(load average {load:.1f} before, {box['load_after']:.1f} after; "
          f"total {seconds:.0f} s; written to {REPORT.relative_to(ROOT)} and "
          f"{RESULTS.relative_to(ROOT)})")
    return 0 if all(t.passed for t in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
