"""`milepost access`: who may see which client's site (add, list, revoke, rotate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared, access_option
from generator.docs import reference_line
from generator.problems import MilepostError
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    ac = commands.add_parser("access", help="who may see which client's site (add, list, "
                             "revoke, rotate)",
                             description="Keep the access file: who may log in to which "
                             "client's site, with a password Milepost makes. `milepost host` "
                             "turns it into the web server's login configuration.")
    acs = ac.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "give a person access (prints a new password once)"),
                         ("rotate", "give a person a new password"),
                         ("revoke", "take a person's access away")):
        a = acs.add_parser(action, parents=[shared.projects] if action != "revoke" else [],
                           help=text, description=text[0].upper() + text[1:] + ".")
        a.add_argument("slug", nargs="?", metavar="SLUG", help="the client (not with --agency)")
        a.add_argument("email", nargs="?", metavar="EMAIL", help="the person's login")
        a.add_argument("--agency", metavar="EMAIL", help="agency staff: every client")
        if action != "revoke":
            a.add_argument("--password-stdin", action="store_true",
                           help="read the password from standard input instead of making one")
    al = acs.add_parser("list", help="who can see what, since when",
                        description="Who can see what, since when.")
    al.add_argument("slug", nargs="?", metavar="SLUG", help="only this client "
                    "(default: every client and the agency)")
    for a in (acs.choices[name] for name in ("add", "rotate", "revoke", "list")):
        access_option(a)
        a.set_defaults(run=run, agency=None, email=None)
        a.epilog = reference_line("access")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.ship import access as acc

    path = settings.access
    if args.action == "list":
        print("\n".join(acc.listing(acc.load_access(path), args.slug)))
        return 0
    slug, email = _who(args)
    current = acc.load_access(path, missing_ok=args.action == "add")
    today = settings.today
    if args.action == "revoke":
        acc.save_access(path, acc.revoke_person(current, slug, email))
        print(f"{email} can no longer see {'any client' if slug is None else slug}; run "
              "`milepost host` again and reload the server")
        return 0
    if slug is not None and args.action == "add":
        _check_client(settings.projects, slug)
    password, show = _password(args, settings.projects, slug, email)
    hashed = acc.hash_password(password)
    if args.action == "add":
        updated = acc.add_person(current, slug, acc.Person(email, hashed, today))
    else:
        updated = acc.rotate_person(current, slug, email, hashed, today)
    acc.save_access(path, updated)
    where = "every client (agency)" if slug is None else slug
    print(f"{email} can see {where}; run `milepost host` again and reload the server")
    if show:
        print(f"password (shown only now, send it privately): {password}")
    return 0


def _who(args: argparse.Namespace) -> tuple[str | None, str]:
    """`SLUG EMAIL` or `--agency EMAIL`, as the access commands take them."""
    from generator.ship.access import check_email

    if args.agency is not None:
        if args.slug is not None:
            raise MilepostError("give either SLUG EMAIL or --agency EMAIL, not both")
        return None, check_email(args.agency)
    if args.slug is None or args.email is None:
        raise MilepostError("say who: SLUG EMAIL for a client's person, or --agency EMAIL")
    return args.slug, check_email(args.email)


def _password(args: argparse.Namespace, projects: Path, slug: str | None,
              email: str) -> tuple[str, bool]:
    """The password from stdin (checked against the login, the person's and the client's
    names), or a new one; True when it must be shown."""
    from generator.ship.access import names_for, new_password, password_hints, weak_password

    if not args.password_stdin:
        return new_password(), True
    given = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    hints = password_hints(email, names_for(projects, slug, email))
    problem = weak_password(given, hints)
    if problem:
        raise MilepostError(f"{problem}; nothing was changed (leave out --password-stdin to "
                            "get a generated one)")
    return given, False


def _check_client(projects: Path, slug: str) -> None:
    if not (projects / slug / "client.yml").is_file():
        from generator.format.load import find_clients

        known = [p.name for p in find_clients(projects)] if projects.is_dir() else []
        raise MilepostError(f"there is no client '{slug}' in {projects} (clients: "
                            f"{', '.join(known) or 'none'}); nothing was changed")
