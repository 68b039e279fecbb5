"""The options several commands share, each defined once as a parent parser, and the one
spelling of the projects folder.

The projects folder is the option `--projects DIR` in every command: commands about one
client already take SLUG (and `diff SLUG FROM TO`, `access add SLUG EMAIL`) as positionals,
so a positional folder could not be added to them without guessing which word is which; as
an option it reads the same everywhere, and most runs need nothing at all (the default is
`projects`). The positional PROJECTS that validate, build, publish and plan took before is
still understood, with a deprecation note.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.docs import docs_url
from generator.problems import MilepostError
from generator.settings import DEFAULT_PROJECTS

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def _parent() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


def _projects_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--projects", metavar="DIR", help="the projects folder, with one folder per "
                   f"client, or one client's folder (default: {DEFAULT_PROJECTS})")
    return p


def _old_projects() -> argparse.ArgumentParser:
    """PROJECTS as a positional, the spelling before --projects (not shown in --help)."""
    p = _parent()
    p.add_argument("old_projects", nargs="?", metavar="PROJECTS", help=argparse.SUPPRESS)
    return p


def _as_of_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--as-of", metavar="DATE", help="today's date, for what is overdue or late "
                   "and for date checks (YYYY-MM-DD; default: SOURCE_DATE_EPOCH, else today)")
    return p


def _clients_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--client", action="append", metavar="SLUG",
                   help="only this client (repeatable)")
    return p


def _jobs_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="clients built in parallel (default: number of cores)")
    return p


def _strict_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--strict", action="store_true", help="treat every warning as an error "
                   "(validation's and, in build and publish, the engine's): a client with "
                   "one is not built or published")
    return p


def _engine_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--engine", choices=("mkdocs", "zensical"), metavar="NAME",
                   help="what builds the sites: mkdocs (MkDocs with Material) or zensical, "
                   "its successor (pip install 'milepost[zensical]'); default: the base "
                   "mkdocs.yml's extra: milepost: engine:, else mkdocs")
    return p


def _shard_option() -> argparse.ArgumentParser:
    p = _parent()
    p.add_argument("--shard", metavar="K/N", help="only the clients of shard K of N, to spread "
                   "a build over N machines: every client is in exactly one shard, the shards "
                   "are about the same size (the clients' YAML, in bytes) and adding a client "
                   "moves few others; with --client (where the command takes it), those "
                   "named that are in shard K. "
                   "`milepost assemble` puts the N outputs together (see "
                   f"{docs_url('reference/commands.html', 'assemble')})")
    return p


def format_option(*choices: str) -> argparse.ArgumentParser:
    """--format, its first choice the default."""
    p = _parent()
    p.add_argument("--format", choices=choices, default=choices[0],
                   help=f"how to print the result (default: {choices[0]})")
    return p


def access_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--access", metavar="FILE", help="the access file (default: "
                        "$MILEPOST_ACCESS, else access.yml)")


@dataclass(frozen=True)
class Shared:
    """The shared options, made once and given to each command as parents."""

    projects: argparse.ArgumentParser
    old_projects: argparse.ArgumentParser
    as_of: argparse.ArgumentParser
    clients: argparse.ArgumentParser
    jobs: argparse.ArgumentParser
    strict: argparse.ArgumentParser
    shard: argparse.ArgumentParser
    engine: argparse.ArgumentParser

    @property
    def many(self) -> list[argparse.ArgumentParser]:
        """The options of the commands about every client (or some)."""
        return [self.projects, self.old_projects, self.clients, self.as_of]


def shared() -> Shared:
    return Shared(_projects_option(), _old_projects(), _as_of_option(), _clients_option(),
                  _jobs_option(), _strict_option(), _shard_option(), _engine_option())


def take_old_projects(args: argparse.Namespace) -> str:
    """Settle the projects folder: --projects, else the old positional PROJECTS, else the
    default. Returns the deprecation note for the old spelling ('' without it)."""
    old = getattr(args, "old_projects", None)
    if not hasattr(args, "projects"):
        return ""
    if old is not None and args.projects is not None and old != args.projects:
        raise MilepostError(f"the projects folder is given twice ({old} and --projects "
                            f"{args.projects}): give it once, as --projects DIR")
    note = ""
    if old is not None and not Path(old).is_dir() and (Path(DEFAULT_PROJECTS) / old).is_dir():
        # `milepost build acme`, as `serve acme` is written: the client, not a folder of them.
        better = f"--client {old}" if hasattr(args, "client") else \
            f"--projects {Path(DEFAULT_PROJECTS) / old}"
        raise MilepostError(f"'{old}' is a client in {DEFAULT_PROJECTS}/, not a projects "
                            f"folder: write `milepost {args.command} {better}`")
    if old is not None:
        note = (f"note: `milepost {args.command} {old}` is deprecated: write `milepost "
                f"{args.command} --projects {old}` (the folder as a positional argument will "
                "stop working in a later version)")
    args.projects = args.projects or old or DEFAULT_PROJECTS
    return note
