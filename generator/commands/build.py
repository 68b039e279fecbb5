"""`milepost build`: one static site per client; and what `build` and `publish` share,
building many clients in parallel with a line for each as it finishes, then a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.problems import MilepostError, report, visible
from generator.settings import Settings

if TYPE_CHECKING:  # the commands import the pipeline only when they run
    from generator.commands.options import Commands
    from generator.pipeline import Mode
    from generator.site.build import BuildResult


def add(commands: Commands, shared: Shared) -> None:
    b = commands.add_parser("build", parents=[*shared.many, shared.shard, shared.jobs,
                                              shared.strict, shared.engine],
                            help="build one static site per client",
                            description="Validate every client (or those named) and build "
                            "one static site per client into the output folder, FOLDER/SLUG/. "
                            "A client with errors is not built and keeps its last good site; "
                            "the others are built, several at once.")
    b.add_argument("--out", default="site", metavar="FOLDER", help="the output folder, where "
                   "each client's site goes into a folder of its own (default: site)")
    b.add_argument("--agency", action="store_true", help="also build FOLDER/_agency/, the "
                   "agency's view of every client, internal records included (staff only)")
    b.add_argument("--versions", action="store_true", help="also build every tagged version "
                   "(tags SLUG/VERSION) into FOLDER/SLUG/VERSION, the current files into "
                   "FOLDER/SLUG/latest")
    b.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out)
    code = build_clients(settings, out, "versions" if args.versions else "site", "built",
                         args.agency)
    warn_gone_clients(out, settings.projects)
    return code


def build_clients(settings: Settings, out: Path, mode: Mode, verb: str, agency: bool) -> int:
    """Validate and build (or publish) every client named, in parallel; report like
    `validate`, then a table; exit 1 naming the clients that were not done."""
    from generator.pipeline import new_job, run_all
    from generator.project.folders import client_scope, select_clients
    from generator.project.shards import made_with, shard_of
    from generator.site.output import check_out_dir, remove_stale_scratch, write_shard_marker

    projects_dir, only = client_scope(settings.projects, settings.clients)
    check_out_dir(out, projects_dir)
    today = settings.today
    shard = settings.shard
    if shard is not None and agency:
        raise MilepostError(f"--agency cannot be built in shard {shard}: the agency's view is "
                            "of every client, so it is built once all shards are done, by "
                            "`milepost assemble SHARD_DIR... --out DIR --agency`")
    folders = select_clients(projects_dir, only)
    if shard is not None:  # shards are of every client, whichever --client names
        in_shard = set(shard_of(select_clients(projects_dir), shard))
        folders = [f for f in folders if f in in_shard]
        if not folders:  # more shards than clients, or none named here: not an error
            print(f"note: shard {shard} has no client{' of those named' if only else ''} to "
                  "build; it is marked as done for `milepost assemble`", flush=True)
    job = new_job(projects_dir, out, today, mode, strict=settings.strict, jobs=settings.jobs,
                  engine=settings.engine)
    remove_stale_scratch(job.build.out)  # what a killed run left: never published
    remove_stale_scratch()
    # The agency's view covers every client, whichever were named: it is of the whole agency.
    every = select_clients(projects_dir) if agency else None
    progress = Progress(len(folders) + (every is not None), live=settings.live)
    try:
        results = run_all(job, folders, on_done=progress, agency=every)
    finally:
        progress.finish()
    problems = [p for x in results for p in x.problems]
    if problems:
        print(report(problems, "text", len(folders)), file=sys.stderr)
    print(results_table(results))
    if settings.debug:
        for x in results:
            if x.detail:
                print(f"{x.slug}:\n{x.detail}", file=sys.stderr, end="")
    if shard is not None:
        write_shard_marker(out, shard, sorted(x.slug for x in results if x.ok),
                           made_with(job.build.today, job.build.engine))
    failed = [x.slug for x in results if not x.ok]
    if failed:
        print(f"error: not {verb}: {visible(', '.join(sorted(failed)))} (what was there before is "
              "unchanged)", file=sys.stderr)
        return 1
    return 0


def warn_gone_clients(out: Path, projects: Path) -> None:
    """Name each client folder in the output whose client is no longer in the projects
    folder: `build` never removes what it did not build this time, and `host` leaves such a
    folder unserved."""
    from generator.project.folders import client_scope
    from generator.site.output import gone_clients

    projects_dir, _ = client_scope(projects, None)
    shown = str(out).rstrip("/")
    for folder in gone_clients(out, projects_dir):
        print(visible(f"warning: {shown}/{folder.name}/ is left from {folder.name}, which is no "
                      f"longer in {projects}: `milepost host` does not serve it; remove the "
                      "folder (`milepost publish --to DIR --prune` removes such folders)"),
              file=sys.stderr, flush=True)


class Progress:
    """One line per client as it finishes; on a terminal, also a counter kept up to date on
    the last line (CI logs get plain lines only)."""

    def __init__(self, total: int, live: bool) -> None:
        self.total, self.done, self.live = total, 0, live
        self._counter()

    def __call__(self, result: BuildResult) -> None:
        self.done += 1
        state = "built" if result.ok else (
            "not built: invalid" if result.invalid else f"FAILED: {result.message}")
        if result.ok and result.message:
            state += f": {result.message}"
        clear = "\r\033[K" if self.live else ""
        print(f"{clear}{visible(f'{result.slug}: {state}')} ({result.pages} pages, "
              f"{result.seconds:.1f} s)",
              flush=True)
        self._counter()

    def _counter(self) -> None:
        if self.live and self.done < self.total:
            print(f"building: {self.done} of {self.total} clients done…", end="", flush=True)

    def finish(self) -> None:
        if self.live and self.done < self.total:
            print(flush=True)


def results_table(results: list[BuildResult]) -> str:
    def outcome(x: BuildResult) -> str:
        return "ok" if x.ok else "invalid (see errors above)" if x.invalid else "build failed"

    rows = sorted((visible(x.slug), str(x.pages), f"{x.seconds:.1f}", outcome(x)) for x in results)
    header = ("client", "pages", "seconds", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines)
