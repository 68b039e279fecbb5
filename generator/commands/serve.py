"""`milepost serve`: preview one client, or the agency's view, rebuilt when the YAML
changes."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.problems import MilepostError, report
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands
    from generator.site.build import BuildResult, BuildSettings


def add(commands: Commands, shared: Shared) -> None:
    sv = commands.add_parser("serve", parents=[shared.projects, shared.as_of, shared.engine],
                             help="preview one client, rebuilt when its YAML changes",
                             description="Build one client's site and serve it on this "
                             "computer, rebuilding it each time one of its files is saved; "
                             "problems are shown on the page itself. Stop it with Ctrl+C.")
    sv.add_argument("slug", nargs="?", help="the client's folder name (or the path to its "
                    "folder)")
    sv.add_argument("--agency", action="store_true", help="preview the agency's view of "
                    "every client instead (staff only)")
    sv.add_argument("--host", default="127.0.0.1", help="the address to listen on "
                    "(default: 127.0.0.1, this computer only)")
    sv.add_argument("--port", type=port_number, default=8000, help="the port to listen on "
                    "(default: 8000)")
    sv.set_defaults(run=run)


def port_number(text: str) -> int:
    """A TCP port to listen on: 0 would pick a random one, so it is refused too."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number: use a whole number "
                                         "from 1 to 65535, e.g. 8000")
    return int(text)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.project.folders import locate_client
    from generator.ship.serve import serve

    if args.agency:
        if args.slug:
            raise MilepostError(f"give SLUG ({args.slug}) or --agency, not both: --agency "
                                "previews the agency's view of every client")
        return _serve_agency(args, settings)
    if not args.slug:
        raise MilepostError("say what to preview: a client's SLUG, or --agency for the "
                            "agency's view")
    projects, slug = locate_client(settings.projects, args.slug)
    serve(projects, slug, settings.today, args.host, args.port, settings.engine)
    return 0


def _serve_agency(args: argparse.Namespace, settings: Settings) -> int:
    from generator.agency import FOLDER as AGENCY_FOLDER
    from generator.pipeline import Job, run_all
    from generator.problems import display_path
    from generator.project.folders import client_scope, select_clients
    from generator.ship.serve import serve_agency

    projects, _ = client_scope(settings.projects)

    def build_all(build: BuildSettings) -> BuildResult:
        # every client too: the agency's view holds a copy of each client's site
        folders = select_clients(projects)
        job = Job(projects, display_path(projects), build, "site", settings.jobs)
        results = run_all(job, folders, agency=folders)
        problems = [p for x in results for p in x.problems]
        if problems:
            print(report(problems, "text", len(folders)), file=sys.stderr)
        return next(x for x in results if x.slug == AGENCY_FOLDER)

    serve_agency(projects, settings.today, args.host, args.port, build_all, settings.engine)
    return 0
