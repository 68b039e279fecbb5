"""`milepost release`: tag a client's current files as a version."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    rl = commands.add_parser("release", parents=[shared.projects, shared.as_of],
                             help="tag the client's current files as a version",
                             description="Tag the client's files as they are committed now "
                             "as a version (a git tag SLUG/VERSION), after checking that they "
                             "validate. Built with --versions, the site then shows each version "
                             "and what changed between them.")
    rl.add_argument("slug", help="the client's folder name (or the path to its folder)")
    rl.add_argument("version", help="version name, e.g. v1 or 2026-11")
    rl.add_argument("-m", "--message", help="note shown on the site with this version")
    rl.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.history.release import release
    from generator.project.folders import locate_client

    projects, slug = locate_client(settings.projects, args.slug)
    tag = release(projects, slug, args.version, args.message, settings.today)
    print(f"released {tag}: push it with `git push origin {tag}`")
    return 0
