"""`milepost new`: a new client folder that validates cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.docs import docs_url
from generator.settings import Settings, today_from

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    n = commands.add_parser("new", parents=[shared.projects],
                            help="create a new client folder that validates cleanly")
    n.add_argument("slug", help="folder name: lowercase letters, digits and '-'")
    n.add_argument("--name", required=True, help="the client's name")
    n.add_argument("--project", help="the project's name")
    n.add_argument("--start", help="start date (YYYY-MM-DD, default today)")
    n.add_argument("--schemas", default="schemas", help="where the JSON Schemas live")
    n.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.format.scaffold import new_client

    start = today_from(args.start, settings.source_date_epoch, "--start")
    folder = new_client(settings.projects, args.slug, args.name, args.project, start,
                        Path(args.schemas))
    print(f"created {folder}: replace the placeholders in its files (`milepost validate "
          f"--projects {folder}` lists each one left), then preview it with `milepost serve "
          f"{folder}`. The file format: {docs_url('reference/fields.html')}")
    return 0
