"""Benchmark: what Milepost costs on top of the MkDocs build it wraps, and how that cost scales.

Absolute timings depend on the machine, so every target is a ratio of two timings taken in
the same run, on the same machine, a few seconds apart:

1. overhead: `milepost build` of a synthetic 1-year client (wall clock of the whole command,
   best of N) against a bare `mkdocs build` of a plain Markdown site with the same number of
   pages, of similar length, the same nav shape and the same theme settings (its mkdocs.yml
   INHERITs the repository's base config, as every client site does). Target <= 1.2.
2. the same for a 3-year client (every record list x3), and the growth of the Milepost build
   time from 1 to 3 years. Target <= 3.5 (linear growth in records would give about 3).
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

Two figures help read the ratios and are not targets: MkDocs alone on the very Markdown
Milepost renders (Milepost's pages carry raw HTML blocks, which MkDocs handles faster than
the bare twin's Markdown tables, so `milepost - that` is Milepost's own work), and the best
`-j 2 / -j 1` the machine allows at that moment, from two CPU-bound processes side by side
(other work on a shared machine shows up here).

The synthetic data is deterministic (fixed seed, fixed --as-of date) and must pass
`milepost validate`. Results are printed as a table and written to bench/out/results.json;
the exit status is 1 if any target is missed.

    python bench/run.py [--years 1 3] [--clients 20] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
BASE_CONFIG = ROOT / "mkdocs.yml"
ASSETS = ROOT / "content" / "assets"
RESULTS = HERE / "out" / "results.json"
AS_OF = date(2026, 11, 20)
SEED = 20261120

sys.path[:0] = [str(ROOT), str(HERE)]

import yaml  # noqa: E402
from synthetic import write_clients  # noqa: E402

from generator.format.pages import navigation  # noqa: E402
from generator.pipeline import check_projects  # noqa: E402
from generator.project.model import Project  # noqa: E402
from generator.site.render import render_pages  # noqa: E402

TARGET_OVERHEAD = 1.2
TARGET_GROWTH = 3.5
TARGET_PARALLEL = 0.6
TARGET_NOOP_SECONDS = 2.0
TARGET_AGENCY = 1.15
TARGET_DISK = 0.4


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
    """Best wall-clock seconds of one client's Milepost build and its bare MkDocs twin."""

    years: int
    slug: str
    pages: int
    markdown_chars: int
    milepost: float
    mkdocs: float
    mkdocs_same_markdown: float  # diagnosis: MkDocs alone on the Markdown Milepost renders
    validate_seconds: float
    render_seconds: float

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


def best_of(repeat: int, *jobs: Callable[[], float]) -> list[float]:
    """Best time of each job over `repeat` rounds; jobs alternate, so drift hits all alike."""
    best = [float("inf")] * len(jobs)
    for _ in range(repeat):
        for i, job in enumerate(jobs):
            best[i] = min(best[i], job())
    return best


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


# --- the bare MkDocs twin ----------------------------------------------------------------

def milepost_pages(projects: Path, slug: str) -> tuple[dict[str, str], Project, float, float]:
    """The client's Markdown pages as Milepost renders them, its model, and the in-process
    seconds spent validating and rendering (a single run: where Milepost's own time goes)."""
    started = time.perf_counter()
    checked = check_projects(projects, AS_OF, [slug])
    validated = time.perf_counter()
    project = checked.projects[0]
    pages = render_pages(project, AS_OF, projects.resolve().parent)
    return pages, project, validated - started, time.perf_counter() - validated


def bare_page(path: str, length: int) -> str:
    """A plain Markdown page of about `length` characters: headings, prose and a table."""
    title = Path(path).stem.replace("-", " ").capitalize()
    parts = [f"# {title}\n"]
    size, section = len(parts[0]), 0
    while size < length:
        section += 1
        chunk = (
            f"\n## Section {section}\n\n"
            f"This section of {title.lower()} explains what happened, what comes next and "
            "what is needed from the client, in a few plain sentences of ordinary length. "
            "It is **plain Markdown**, with a list and a table like a status page has.\n\n"
            "- First point of the section, a short line\n"
            "- Second point of the section, a little longer than the first\n\n"
            "| ID | Item | Owner | Due | State |\n|---|---|---|---|---|\n"
            + "".join(f"| X{section}-{r} | Item {r} of section {section} | A. Person | "
                      f"2026-{r % 12 + 1:02d}-15 | open |\n" for r in range(1, 5))
        )
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


def bare_config(project: Project, page_paths: list[str]) -> dict[str, Any]:
    """A plain mkdocs.yml with the client site's shape: same base, name, theme and nav."""
    config: dict[str, Any] = {
        "INHERIT": str(BASE_CONFIG),
        "site_name": project.client.name,
        "docs_dir": "docs",
        "site_dir": "site",
        "nav": [{title: path} for title, path in navigation(page_paths)],
    }
    theme = project.client.theme
    if theme is not None and (theme.primary or theme.accent):
        palette = {k: v for k, v in (("primary", theme.primary), ("accent", theme.accent)) if v}
        config["theme"] = {"palette": palette}
    return config


def write_site(folder: Path, pages: dict[str, str], project: Project) -> Path:
    """Write a plain MkDocs project of these Markdown pages; returns its mkdocs.yml."""
    shutil.rmtree(folder, ignore_errors=True)
    docs = folder / "docs"
    for path, text in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copytree(ASSETS, docs / "assets")
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump(bare_config(project, list(pages)), sort_keys=False,
                                     allow_unicode=True), encoding="utf-8")
    return config


def html_pages(site: Path) -> int:
    return sum(1 for x in site.rglob("*.html") if x.name != "404.html")


# --- the measurements --------------------------------------------------------------------

def time_client(work: Path, years: int, repeat: int) -> ClientTiming:
    """Milepost build of one synthetic client against its bare MkDocs twin. For diagnosis
    only, MkDocs also builds the very Markdown Milepost renders (same config as the twin)."""
    print(f"{years}-year client:", flush=True)
    folder = work / f"{years}y"
    (spec,) = write_clients(folder / "projects", years, 1, AS_OF, SEED)
    validate_or_abort(folder / "projects")
    pages, project, validate_s, render_s = milepost_pages(folder / "projects", spec.slug)
    bare = write_site(folder / "bare", {k: bare_page(k, len(v)) for k, v in pages.items()},
                      project)
    same = write_site(folder / "same-markdown", pages, project)
    out = folder / "out"
    milepost_s, mkdocs_s, same_s = best_of(
        repeat,
        lambda: wall_clock(milepost_build(folder / "projects", out, 1, spec.slug), out),
        lambda: mkdocs_build(bare),
        lambda: mkdocs_build(same),
    )
    counts = {html_pages(out / spec.slug), html_pages(bare.parent / "site"), len(pages)}
    if len(counts) != 1:
        raise SystemExit(f"page counts differ: Milepost rendered {len(pages)}, its site has "
                         f"{html_pages(out / spec.slug)} pages, the bare site "
                         f"{html_pages(bare.parent / 'site')}")
    timing = ClientTiming(years, spec.slug, len(pages), sum(map(len, pages.values())),
                          milepost_s, mkdocs_s, same_s, validate_s, render_s)
    print(f"  {timing.pages} pages: milepost {milepost_s:.2f} s, bare mkdocs {mkdocs_s:.2f} s; "
          f"mkdocs of Milepost's own Markdown {same_s:.2f} s; in-process single runs: "
          f"validate {validate_s:.2f} s, render {render_s:.2f} s", flush=True)
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
    """Wall clock of two CPU-bound processes side by side against one alone (best of
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

    one, two = best_of(repeat, alone, side_by_side)
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
    serial, parallel, agency = best_of(
        repeat,
        lambda: wall_clock(milepost_build(projects, out, 1), out),
        lambda: wall_clock(milepost_build(projects, out, 2), out),
        lambda: wall_clock(milepost_build(projects, out, 2, agency=True), out),
    )
    machine = machine_parallelism()
    print(f"  -j 1 {serial:.2f} s, -j 2 {parallel:.2f} s (the best -j 2 / -j 1 this machine "
          f"allows right now, from two CPU-bound processes: {machine:.2f})", flush=True)
    print(f"  -j 2 --agency {agency:.2f} s", flush=True)
    return {"clients": len(specs), "serial": serial, "parallel": parallel, "agency": agency,
            "machine_parallelism": machine}


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

    (seconds,) = best_of(repeat, noop)
    print(f"  {len(clients)} clients x (v1, v2, latest): full build {full:.2f} s, "
          f"no-op rebuild {seconds:.2f} s", flush=True)
    return {"clients": len(clients), "full": full, "noop": seconds}


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
    return (f"{t.pages} pages: {t.milepost:.2f} s / {t.mkdocs:.2f} s (MkDocs alone on "
            f"Milepost's Markdown: {t.mkdocs_same_markdown:.2f} s)")


def targets(small: ClientTiming, large: ClientTiming, fleet: dict[str, Any],
            versions: dict[str, Any], disk: dict[str, Any]) -> list[Target]:
    serial, parallel = fleet["serial"], fleet["parallel"]
    return [
        Target(f"{small.years}y build / bare mkdocs", small.overhead, TARGET_OVERHEAD,
               overhead_detail(small)),
        Target(f"{large.years}y build / bare mkdocs", large.overhead, TARGET_OVERHEAD,
               overhead_detail(large)),
        Target(f"{large.years}y / {small.years}y build", large.milepost / small.milepost,
               TARGET_GROWTH, f"bare mkdocs grows x{large.mkdocs / small.mkdocs:.2f}"),
        Target(f"{fleet['clients']} clients: -j 2 / -j 1", parallel / serial, TARGET_PARALLEL,
               f"{parallel:.2f} s / {serial:.2f} s; {os.cpu_count()} cores allow "
               f"{fleet['machine_parallelism']:.2f} now"),
        Target(f"{fleet['clients']} clients: --agency / without", fleet["agency"] / parallel,
               TARGET_AGENCY, f"{fleet['agency']:.2f} s / {parallel:.2f} s, both -j 2"),
        Target("no-op build --versions (s)", versions["noop"], TARGET_NOOP_SECONDS,
               f"{versions['clients']} example clients with 2 versions each; the full build "
               f"took {versions['full']:.2f} s"),
        Target(f"{disk['clients']} clients x 2 versions: disk / unshared",
               disk["bytes"] / disk["bytes_unshared"], TARGET_DISK,
               f"{disk['bytes'] / 2**20:.0f} MiB / {disk['bytes_unshared'] / 2**20:.0f} MiB"),
    ]


# --- report ------------------------------------------------------------------------------

def table(rows: list[Target]) -> str:
    cells = [("measure", "ratio", "target", "result", "detail")]
    cells += [(t.name, f"{t.measured:.2f}", f"<= {t.target:g}", "PASS" if t.passed else "MISS",
               t.detail) for t in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_results(rows: list[Target], clients: list[ClientTiming], fleet: dict[str, Any],
                  versions: dict[str, Any], disk: dict[str, Any], args: argparse.Namespace,
                  load: float) -> None:
    data = {
        "as_of": AS_OF.isoformat(),
        "seed": SEED,
        "repeat": {"client": args.repeat, "fleet": args.fleet_repeat},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_before": load,
                    "load_after": os.getloadavg()[0]},
        "targets": [{**asdict(t), "passed": t.passed} for t in rows],
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
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per single-client timing; the best counts (default: 3)")
    p.add_argument("--fleet-repeat", type=int, default=2,
                   help="runs per -j timing of all clients; the best counts (default: 2)")
    p.add_argument("--disk-clients", type=int, default=50,
                   help="one-year clients, two versions each, for the disk measure (default: 50)")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="generate into DIR and keep it (default: a temporary folder)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="milepost-bench-"))
    started = time.perf_counter()
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"note: load average {load:.1f} before the run: other processes use the CPU, "
              "so ratios are noisier", flush=True)
    try:
        small = time_client(work, args.years[0], args.repeat)
        large = time_client(work, args.years[1], args.repeat)
        fleet = time_fleet(work, args.clients, args.fleet_repeat)
        versions = time_versions_noop(work, args.repeat)
        disk = measure_disk(work, args.disk_clients)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = targets(small, large, fleet, versions, disk)
    write_results(rows, [small, large], fleet, versions, disk, args, load)
    print(f"\n{table(rows)}\n\n(total {time.perf_counter() - started:.0f} s; "
          f"written to {RESULTS.relative_to(ROOT)})")
    return 0 if all(t.passed for t in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
