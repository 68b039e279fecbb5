"""`milepost plan`: the clients whose inputs changed since a commit, for CI."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.commands.options import Shared, format_option
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    pl = commands.add_parser("plan", parents=[shared.projects, shared.old_projects,
                                              format_option("text", "json")],
                             help="list the clients whose inputs changed since a commit")
    pl.add_argument("--changed-since", required=True, metavar="REF")
    pl.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from generator.project.folders import client_scope
    from generator.ship.publish import plan

    projects, only = client_scope(settings.projects)
    clients = [c for c in plan(projects, args.changed_since) if only is None or c in only]
    if args.format == "json":
        print(json.dumps({"clients": clients}))
    else:
        print("\n".join(clients))
    return 0
