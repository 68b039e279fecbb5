"""`milepost validate`: check every client's YAML and report all problems."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING

from generator.commands.options import Shared, format_option
from generator.docs import docs_url
from generator.problems import errors, report
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    v = commands.add_parser("validate", parents=[*shared.many, shared.strict,
                                                 format_option("text", "github", "json")],
                            help="check every client's YAML and report all problems",
                            description="Check every client's files (or those named) and "
                            "report every problem at once, each with its file, line and "
                            "column. What records say about each other (an owner in the team, "
                            "a deliverable on the roadmap) is checked on the records that could "
                            "be read, so fixing a broken record can bring out more. Exit code 1 "
                            "when any client has an error; warnings alone leave it 0 unless "
                            "--strict.")
    v.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.pipeline import check_projects

    checked = check_projects(settings.projects, settings.today, settings.clients)
    problems = checked.problems
    if settings.strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    print(report(problems, args.format, checked.clients))
    if problems and args.format == "text" and sys.stdout.isatty():  # for a person reading
        print(f"What each message means and what to do: {docs_url('reference/messages.html')}")
    return 1 if errors(problems) else 0
