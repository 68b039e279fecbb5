"""`milepost inbox`: the client's answers by email, written into their YAML."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.problems import MilepostError
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    ib = commands.add_parser("inbox", parents=[shared.projects, shared.as_of], help="write the "
                             "client's answers by email (sign-offs, tasks, decisions, change "
                             "requests, ratings) into their YAML",
                             description="Read the client's email replies to the digest and "
                             "write the answers they give (sign-offs, done tasks, decisions, "
                             "change requests, ratings) into the client's YAML files. Only "
                             "mail your own server authenticated from a listed address is "
                             "taken.")
    box = ib.add_mutually_exclusive_group(required=True)
    box.add_argument("--maildir", metavar="DIR", help="read a Maildir folder")
    box.add_argument("--imap", metavar="URL", help="read imaps://USER@HOST/FOLDER or "
                     "imap+starttls://USER@HOST/FOLDER (TLS verified); the password comes "
                     "from MILEPOST_IMAP_PASSWORD")
    ib.add_argument("--authserv-id", required=True, metavar="NAME", help="your receiving "
                    "mail server's name in its Authentication-Results header, e.g. "
                    "mx.agency.example: only its results are trusted")
    ib.add_argument("--dry-run", action="store_true", help="say what would be applied; "
                    "write and mark nothing")
    ib.add_argument("--commit", action="store_true", help="commit the changed files")
    ib.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.project.folders import client_scope
    from generator.ship.inbox import commit_answers, open_source, run_inbox

    if args.commit and args.dry_run:
        raise MilepostError("--commit writes a commit; --dry-run writes nothing: give one")
    projects, _ = client_scope(settings.projects)
    source = open_source(args.maildir, args.imap)
    try:
        report = run_inbox(projects, source, args.authserv_id, settings.today, args.dry_run)
    finally:
        source.close()
    for line in report.lines:
        print(line)
    print(report.summary() + (" (dry run: nothing written or marked)" if args.dry_run else
                              "; review with git diff, then commit" if report.applied
                              and not args.commit else ""))
    if args.commit and report.files:
        print(f"committed {commit_answers(projects, report)} file(s)")
    return 0
