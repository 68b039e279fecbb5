"""`milepost diff`: what changed between two versions of a client."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.commands.options import Shared, format_option
from generator.problems import MilepostError
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    df = commands.add_parser("diff", parents=[shared.projects, shared.as_of,
                                              format_option("text", "markdown")],
                             help="what changed between two versions of a client",
                             description="Say what changed for the client between two "
                             "versions (or a version and the files as they are now): "
                             "milestones moved, sign-offs, decisions, change requests and "
                             "risks, in the words the site uses.")
    df.add_argument("slug", help="the client's folder name (or the path to its folder)")
    df.add_argument("frm", nargs="?", metavar="FROM", help="version (default: the last one)")
    df.add_argument("to", nargs="?", metavar="TO", help="version (default: the working tree)")
    df.add_argument("--since", metavar="REF", help="compare with the client's files where "
                    "this branch left REF (their merge base: REF itself for a commit or tag of "
                    "this branch), e.g. origin/main for a pull request, instead of a version")
    df.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.history.compare import as_markdown, as_text
    from generator.history.release import changes
    from generator.project.folders import locate_client

    projects, slug = locate_client(settings.projects, args.slug)
    today = settings.today
    if args.since and args.frm:
        raise MilepostError(f"give FROM ({args.frm}) or --since ({args.since}), not both")
    heading, sections = changes(projects, slug, today, args.frm, args.to, args.since)
    render = as_markdown if args.format == "markdown" else as_text
    print(render(sections, heading), end="")
    return 0
