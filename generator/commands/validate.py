"""`milepost validate`: check every client's YAML and report all problems."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING

from generator.commands.options import Shared, format_option
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
                            "column. Exit code 1 when any client has an error; warnings alone "
                            "leave it 0 unless --strict.")
    v.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.pipeline import check_projects

    checked = check_projects(settings.projects, settings.today, settings.clients)
    problems = checked.problems
    if settings.strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    print(report(problems, args.format, checked.clients))
    return 1 if errors(problems) else 0
