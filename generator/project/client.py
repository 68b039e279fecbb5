"""One client folder to its public model: read strictly, checked, internal records removed.

The single way from a folder to a `Project`: every command that builds, compares or
previews a client goes through `read_and_check` (or `check_client_folder`, its short form).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.format.checks import check_client, placeholders
from generator.format.load import ClientFiles, read_client
from generator.format.validate import ClientRecords, records_of
from generator.problems import Problem, errors, sort_problems
from generator.project.model import Project, build_model


@dataclass(frozen=True)
class ReadClient:
    """One client folder read and checked: its files and records as read (internal ones
    too), every problem found, and the public model when nothing is wrong. The files and
    records stay in the process that read them; only the agency's reading uses them."""

    files: ClientFiles
    records: ClientRecords
    problems: list[Problem]
    project: Project | None


def read_and_check(folder: Path, shown_root: str, today: date, *,
                   publishing: bool = False) -> ReadClient:
    """Check one client; `publishing` makes a placeholder on a public record an error.

    What records say about each other is checked on every record that could be read, also
    when others could not: all problems in one run, in the order of files and lines. A model
    is built only when every record was read and nothing is wrong."""
    files = read_client(folder, shown_root)
    records, problems = records_of(files)
    problems += check_client(records, today)
    problems += placeholders(records, publishing)
    problems = sort_problems(dataclasses.replace(p, client=folder.name) for p in problems)
    valid = records.complete and not errors(problems)
    return ReadClient(files, records, problems, build_model(records) if valid else None)


def check_client_folder(folder: Path, shown_root: str, today: date, *,
                        publishing: bool = False) -> tuple[Project | None, list[Problem]]:
    """The public model of one client (None when it has errors) and the problems found."""
    read = read_and_check(folder, shown_root, today, publishing=publishing)
    return read.project, read.problems
