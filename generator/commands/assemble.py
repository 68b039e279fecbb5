"""`milepost assemble`: put the outputs of `build --shard K/N` (or `publish --shard K/N`),
built on N machines, together into one output folder, and build the agency's view there."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.problems import report, visible
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    a = commands.add_parser(
        "assemble", parents=[shared.projects, shared.as_of, shared.strict, shared.engine],
        help="put the shards' outputs together into one output folder (and the agency's view)",
        description="Put the folders that `milepost build --shard K/N` (or `publish --shard "
        "K/N`) wrote on N machines together into one output folder, checking that every "
        "client of the projects folder comes from exactly one shard; nothing is rebuilt. "
        "With --agency, then build the agency's view of every client there.")
    a.add_argument("shards", nargs="+", metavar="SHARD_DIR",
                   help="the output of each shard, all N of them")
    a.add_argument("--out", default="site", metavar="FOLDER", help="the output folder "
                   "(default: site)")
    a.add_argument("--agency", action="store_true", help="also build FOLDER/_agency/, the "
                   "agency's view of every client, internal records included (staff only)")
    a.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.commands.build import Progress, results_table, warn_gone_clients
    from generator.commands.publish import agency_kept_private
    from generator.pipeline import agency_alone, new_job
    from generator.project.folders import client_scope, select_clients
    from generator.project.shards import check_made_alike, made_with, match_shards
    from generator.site.output import check_out_dir, read_shard_marker, take_client

    if args.agency:
        agency_kept_private(args.out)
    projects_dir, _ = client_scope(settings.projects)
    every = select_clients(projects_dir)
    out = Path(args.out)
    check_out_dir(out, projects_dir)
    markers = {folder: read_shard_marker(Path(folder)) for folder in args.shards}
    source = match_shards({f: (shard, clients) for f, (shard, clients, _) in markers.items()},
                          [f.name for f in every])
    job = new_job(projects_dir, out, settings.today, "site", strict=settings.strict,
                  engine=settings.engine)
    check_made_alike({f: made for f, (_, _, made) in markers.items()},
                     made_with(job.build.today, job.build.engine))
    out.mkdir(parents=True, exist_ok=True)
    for slug in sorted(source):
        take_client(Path(source[slug]), out, slug)
        print(visible(f"{slug}: taken from {source[slug]}"), flush=True)
    warn_gone_clients(out, settings.projects)
    if not args.agency:
        return 0
    progress = Progress(1, live=settings.live)
    result = agency_alone(job, every)
    progress(result)
    progress.finish()
    if result.problems:
        print(report(list(result.problems), "text", len(every)), file=sys.stderr)
    print(results_table([result]))
    if not result.ok:
        print(f"error: not built: {result.slug} (what was there before is unchanged)",
              file=sys.stderr)
        return 1
    return 0
