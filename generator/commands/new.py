"""`milepost new`: a new client folder that validates cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.docs import docs_url
from generator.settings import DEFAULT_PROJECTS, Settings, today_from

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    n = commands.add_parser("new", parents=[shared.projects],
                            help="create a new client folder that validates cleanly",
                            description="Create the folder of a new client in the projects "
                            "folder: every file a client holds (client.yml, roadmap.yml, "
                            "the lists and the first update) with text to fill in. The text "
                            "to replace is marked: validate warns while any is left, and "
                            "publishing refuses it on a page the client sees.")
    n.add_argument("slug", help="the client's folder name: lowercase letters, digits and '-', "
                   "e.g. northwind-bakery (it is also the client's address on the site)")
    n.add_argument("--name", required=True, help="the client's name, as the site shows it")
    n.add_argument("--project", help="the project's name (default: a placeholder to replace)")
    n.add_argument("--start", help="the project's start date (YYYY-MM-DD; default: today)")
    n.add_argument("--schemas", default="schemas", help="the folder of the JSON Schemas, "
                   "which each new file points an editor at (default: schemas)")
    n.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.format.scaffold import new_client

    start = today_from(args.start, settings.source_date_epoch, "--start")
    folder = new_client(settings.projects, args.slug, args.name, args.project, start,
                        Path(args.schemas))
    # The commands as README's week writes them, where the projects folder is the default.
    usual = settings.projects == Path(DEFAULT_PROJECTS)
    validate = "milepost validate" if usual else f"milepost validate --projects {folder}"
    serve = f"milepost serve {args.slug}" if usual else f"milepost serve {folder}"
    print(f"created {folder}: replace the placeholders in its files, those in decisions/ and "
          f"updates/ too (`{validate}` lists each one left), then preview it with `{serve}`. "
          f"The file format: {docs_url('reference/fields.html')}")
    return 0
