"""`milepost publish`: build what changed and swap it into a folder, or commit it to a
branch; remove the sites of clients that are gone."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.build import build_clients
from generator.commands.options import Shared
from generator.docs import docs_url
from generator.problems import MilepostError, redact
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    pb = commands.add_parser("publish", parents=[*shared.many, shared.shard, shared.jobs,
                                                 shared.strict, shared.engine],
                             help="build what changed and swap it into a folder",
                             description="Build the clients whose files changed and swap "
                             "each new site into the published folder in one step (or commit "
                             "the sites to a branch), so a visitor never sees a half-written "
                             "site; the sites of clients that are gone are removed.")
    where = pb.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="the published folder (e.g. a web root)")
    where.add_argument("--branch", help="publish as a commit on this branch (e.g. gh-pages)")
    pb.add_argument("--push", metavar="REMOTE", help="with --branch: push it afterwards")
    pb.add_argument("--prune", action=argparse.BooleanOptionalAction, default=None,
                    help="remove published clients that are no longer in the projects folder "
                    "(default: yes in CI, where CI=true; elsewhere a warning names them)")
    pb.add_argument("--agency", action="store_true", help="also publish _agency/, the agency's "
                    "view of every client (staff only)")
    pb.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.shard is not None and not args.to:
        raise MilepostError(f"--shard {settings.shard} publishes one part of the site, so it "
                            "cannot be committed to a branch on its own: publish each shard "
                            "--to DIR, then put them together with `milepost assemble`")
    if args.agency:
        agency_kept_private(args.to)
    if args.to:
        code = build_clients(settings, Path(args.to), "publish", "published", args.agency)
        # A shard's folder holds its own clients only: the others are not gone, and
        # `assemble` takes exactly the clients of the projects folder.
        if code == 0 and settings.shard is None:
            _prune(args, settings, Path(args.to), args.to.rstrip("/") + "/")
        return code
    from generator.ship import publish

    with publish.branch_checkout(settings.projects, args.branch) as branch:
        code = build_clients(settings, branch.folder, "publish", "published", args.agency)
        if code == 0:
            _prune(args, settings, branch.folder, f"{args.branch}:")
            changed = publish.commit_branch(branch)
            print(f"committed to {args.branch}" if changed else
                  f"{args.branch} is up to date", flush=True)
            if changed and args.push:
                publish.push_branch(branch, args.push)
                print(f"pushed {args.branch} to {redact(args.push)}")
    return code


def agency_kept_private(to: str | None) -> None:
    """Refuse to publish the agency's view where anyone may read it."""
    if not to:
        # A branch is how GitHub Pages publishes, and Pages are public: the agency's view
        # holds every internal record and note, and a commit keeps them in its history.
        raise MilepostError("--agency cannot be published to a branch: a branch such as "
                            "gh-pages is served to anyone, and the agency's view holds every "
                            "internal record and note; publish it with --to DIR to your own "
                            f"server behind a login (see {docs_url('guide/hosting.html')})")
    from generator.ship.publish import served_publicly

    public = served_publicly(Path(to), os.environ, Path.cwd())
    if public:
        raise MilepostError(f"--agency cannot be published into {to}: {public}, and "
                            "the agency's view holds every internal record and note; "
                            "publish it to your own server behind a login (`milepost "
                            f"init-ci` does by default; see {docs_url('guide/hosting.html')})")


def _prune(args: argparse.Namespace, settings: Settings, published: Path, shown: str) -> None:
    """Remove (with --prune, or in CI unless --no-prune) each published client folder whose
    client is no longer in the projects folder, saying so; otherwise warn about each."""
    from generator.project.folders import client_scope
    from generator.ship.publish import remove_gone_clients
    from generator.site.output import gone_clients

    # Gone from the projects folder, even when a client's own folder was named: the other
    # clients in it are not gone.
    projects_dir, only = client_scope(settings.projects)
    where = args.projects if only is None else projects_dir
    if settings.in_ci if args.prune is None else args.prune:
        for folder in remove_gone_clients(published, projects_dir):
            print(f"removed {shown}{folder.name}/: {folder.name} is no longer in {where}",
                  flush=True)
        return
    for folder in gone_clients(published, projects_dir):
        print(f"warning: {shown}{folder.name}/ is still published, but {folder.name} is no "
              f"longer in {where}: pass --prune to remove it (the default in CI)",
              file=sys.stderr, flush=True)
