"""The `milepost` command: one parser made of each command's own (`generator/commands/`),
and the one place where an error becomes a message and an exit code."""

from __future__ import annotations

import argparse
import sys
import traceback

from generator import __version__
from generator.commands import (
    access,
    assemble,
    build,
    diff,
    host,
    inbox,
    init_ci,
    new,
    notify,
    plan,
    publish,
    release,
    schema,
    serve,
    validate,
)
from generator.commands.options import shared, take_old_projects
from generator.docs import base, reference_line
from generator.problems import MilepostError, redact, visible
from generator.settings import settings_from

# In the order --help lists them.
COMMANDS = (validate, build, assemble, serve, release, diff, publish, plan, notify, inbox,
            init_ci, schema, new, access, host)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="milepost", description=(
        "Validate clients' project records and publish one site per client."),
        epilog=f"Documentation: {base()}")
    p.add_argument("--version", action="version", version=f"milepost {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on failure")
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    options = shared()
    for command in COMMANDS:
        command.add(commands, options)
    # Each command's --help ends with the address of its reference (`access add`'s and
    # `host nginx`'s too: their commands set those).
    for verb, command_parser in commands.choices.items():
        command_parser.epilog = reference_line(verb)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        note = take_old_projects(args)
        if note:
            print(visible(note), file=sys.stderr, flush=True)
        return int(args.run(args, settings_from(args)))
    except MilepostError as exc:
        print(visible(redact(f"error: {exc}"), lines=True), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: stopped; every client not finished keeps its last good site",
              file=sys.stderr)
        return 130
    except OSError as exc:  # a folder that cannot be written, a file that is not a folder
        where = f"{exc.filename}: " if exc.filename else ""
        print(visible(redact(f"error: {where}{exc.strerror or exc}")), file=sys.stderr)
        return 1
    except Exception as exc:  # a traceback is a bug: say so plainly, show it only with --debug
        if args.debug:
            print(redact(traceback.format_exc()), end="", file=sys.stderr)
        else:
            print(visible(redact(f"error: internal error ({type(exc).__name__}: {exc}); this "
                                 "is a bug in Milepost: run again with --debug and report it")),
                  file=sys.stderr)
        return 2
