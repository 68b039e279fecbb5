"""`milepost init-ci`: write a CI pipeline that validates and publishes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.docs import docs_url
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    ci = commands.add_parser("init-ci", help="write a CI pipeline that validates and publishes",
                             description="Write a pipeline for GitHub Actions or GitLab CI "
                             "that validates every client on each change and publishes the "
                             "sites from the main branch, then list what is left to set up "
                             "(secrets, the server).")
    ci.add_argument("system", choices=["github", "gitlab"], help="the CI service: github "
                    "(GitHub Actions) or gitlab (GitLab CI)")
    ci.add_argument("--deploy", choices=["ssh", "pages"], default="ssh", help="where it "
                    "publishes: ssh (the default: a new release on the agency's own server, "
                    "behind a login, over HTTPS) or pages (GitHub's gh-pages branch or GitLab "
                    "Pages: public, anyone with the address reads every client's site)")
    ci.add_argument("--server", choices=["nginx", "caddy"], help="with --deploy ssh: the "
                    "web server there (default: nginx)")
    ci.add_argument("--domain", metavar="NAME", help="with --deploy ssh: the server's name, "
                    "e.g. portal.agency.example (its SSH login and the site's address)")
    ci.add_argument("--digest-schedule", choices=["weekly", "daily"], help="send the email "
                    "digests on a schedule (weekly: Mondays 07:00 UTC; daily: weekdays) in a "
                    "job of their own, instead of after each publish")
    ci.add_argument("--shards", type=int, default=None, metavar="N", help="with --deploy ssh: "
                    "build the clients in N jobs at once, each on a machine of its own "
                    "(`milepost publish --shard K/N`), then one job puts them together with "
                    "the agency's view (`milepost assemble --agency`) and publishes them as "
                    "one release (default: one job builds every client)")
    ci.add_argument("--root", default=".", help="the repository's root folder, where the "
                    "pipeline file is written (default: the working folder)")
    ci.add_argument("--force", action="store_true", help="overwrite an existing pipeline")
    ci.add_argument("--package", metavar="SPEC", help="how the pipeline installs Milepost: a "
                    "pip spec such as a git URL at a tag or a wheel (default: '.', the "
                    "repository itself, when its pyproject.toml names milepost)")
    ci.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.ship.ci import shards_given, write_pipeline

    setup = write_pipeline(args.system, Path(args.root), force=args.force, package=args.package,
                           deploy=args.deploy, server=args.server,
                           digest_schedule=args.digest_schedule, domain=args.domain,
                           shards=shards_given(args.shards))
    if setup.warning:
        print(_wrapped(f"warning: {setup.warning}."), file=sys.stderr, flush=True)
    print(_wrapped(f"wrote {setup.done}."))
    print("Left to do:")
    for n, step in enumerate(setup.todo, 1):
        print(_wrapped(f"{n}. {step}.", "  ", "     "))
    print(f"See {docs_url('guide/ci.html')}")
    return 0


def _wrapped(text: str, first: str = "", rest: str = "  ") -> str:
    """Text wrapped at 100 columns, never inside a `command`, so each one is copied whole."""
    import re
    import textwrap

    kept = re.sub(r"`[^`]*`", lambda m: m.group().replace(" ", "\0"), text)
    return textwrap.fill(kept, 100, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False).replace("\0", " ")
