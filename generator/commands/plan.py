"""`milepost plan`: the clients whose inputs changed since a commit, for CI."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.commands.options import Shared, format_option
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    pl = commands.add_parser("plan", parents=[shared.projects, shared.old_projects, shared.shard,
                                              format_option("text", "json")],
                             help="list the clients whose inputs changed since a commit, or "
                             "those of a shard",
                             description="List the clients a CI job has to build: those "
                             "whose files changed since a commit, or those of one shard. "
                             "Builds nothing.")
    pl.add_argument("--changed-since", metavar="REF", help="the clients whose inputs changed "
                    "since REF (all of them when templates, the base config or Milepost did)")
    pl.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from generator.problems import MilepostError
    from generator.project.folders import client_scope, select_clients
    from generator.project.shards import shard_of
    from generator.ship.publish import plan

    if args.changed_since is None and settings.shard is None:
        raise MilepostError("plan needs --changed-since REF (the clients whose inputs "
                            "changed), --shard K/N (the clients of that shard) or both")
    projects, only = client_scope(settings.projects)
    clients = plan(projects, args.changed_since) if args.changed_since is not None else \
        [f.name for f in select_clients(projects)]
    if settings.shard is not None:
        in_shard = {f.name for f in shard_of(select_clients(projects), settings.shard)}
        clients = [c for c in clients if c in in_shard]
    clients = [c for c in clients if only is None or c in only]
    if args.format == "json":
        print(json.dumps({"clients": clients}))
    else:
        print("\n".join(clients))
    return 0
