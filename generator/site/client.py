"""One client folder to its public model: read strictly, checked, internal records removed.

The single way from a folder to a `Project`: every command that builds, compares or
previews a client goes through `check_client_folder`.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from generator.format.checks import check_client, placeholders
from generator.format.validate import read_client_records
from generator.problems import Problem, errors, sort_problems
from generator.site.model import Project, build_model


def check_client_folder(folder: Path, shown_root: str, today: date, *,
                        publishing: bool = False) -> tuple[Project | None, list[Problem]]:
    """Check one client; `publishing` makes a placeholder on a public record an error.

    What records say about each other is checked on every record that could be read, also
    when others could not: all problems in one run, in the order of files and lines. A model
    is built only when every record was read and nothing is wrong."""
    records, problems = read_client_records(folder, shown_root)
    problems += check_client(records, today)
    problems += placeholders(records, publishing)
    problems = sort_problems(dataclasses.replace(p, client=folder.name) for p in problems)
    if not records.complete or errors(problems):
        return None, problems
    return build_model(records), problems
