"""`milepost notify`: email a client's team what needs them and what changed since the
last digest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.problems import MilepostError, redact, visible
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    nt = commands.add_parser("notify", parents=[shared.projects, shared.as_of],
                             help="email a client's team what needs them and what changed "
                             "since the last digest",
                             description="Email the client-side people with notify: true "
                             "what waits on them and what changed since the last digest, then "
                             "remember what was sent with a git tag, so the next digest starts "
                             "from there.")
    nt.add_argument("slug", nargs="?", help="the client's folder name (or the path to its "
                    "folder)")
    nt.add_argument("--all", action="store_true", help="every client with something new")
    nt.add_argument("--changed-since", metavar="REF", help="with --all: only the clients "
                    "whose files changed since this commit")
    nt.add_argument("--since", metavar="REF", help="compare with the client's files at this "
                    "commit or tag (default: the last digest sent)")
    how = nt.add_mutually_exclusive_group(required=True)
    how.add_argument("--eml", metavar="DIR", help="write DIR/SLUG.eml, send nothing")
    how.add_argument("--smtp", metavar="URL", help="send: smtp://HOST:PORT (no TLS), "
                     "smtp+starttls://USER@HOST:587 or smtps://USER@HOST:465; the password "
                     "comes from MILEPOST_SMTP_PASSWORD")
    nt.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender address, e.g. "
                    "'Brightfold projects <projects@agency.example>' (default: "
                    "$MILEPOST_FROM, else who answers for the agency: its project lead)")
    nt.add_argument("--push", metavar="REMOTE", help="push the tag that remembers the digest")
    nt.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.project.folders import client_scope, locate_client, select_clients
    from generator.ship.digest.notify import Options, notify_clients
    from generator.ship.publish import plan
    from generator.site.build import base_config_for

    if bool(args.slug) == bool(args.all):
        raise MilepostError("name one client (`milepost notify SLUG`) or give --all")
    if args.changed_since and not args.all:
        raise MilepostError("--changed-since chooses among all clients: use it with --all")
    today = settings.today
    if args.all:
        projects, only = client_scope(settings.projects)
        slugs = [f.name for f in select_clients(projects, only)]
        if args.changed_since:
            changed = set(plan(projects, args.changed_since))
            slugs = [s for s in slugs if s in changed]
    else:
        projects, slug = locate_client(settings.projects, args.slug)
        slugs = [slug]
    options = Options(eml=Path(args.eml) if args.eml else None, smtp=settings.smtp,
                      sender=settings.sender, since=args.since, push=args.push)
    if settings.smtp and not args.push and settings.in_ci:
        print("warning: no --push: the tags that remember each digest stay in this CI "
              "checkout, so the next pipeline does not know what was sent and sends it "
              "again; push them with --push REMOTE", file=sys.stderr, flush=True)
    base = base_config_for(projects.resolve().parent)
    failed = []
    for outcome in notify_clients(projects, slugs, today, base, options, keep_going=args.all):
        # An error lists problems one per line; an outcome is one line.
        print(visible(redact(outcome.line), lines=outcome.error),
              file=sys.stderr if outcome.failed else sys.stdout, flush=True)
        if outcome.failed:
            failed.append(outcome.slug)
    if failed:
        print(f"error: digest not done for: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
