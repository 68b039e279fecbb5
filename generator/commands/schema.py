"""`milepost schema`: JSON Schemas for editor completion."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.options import Shared
from generator.settings import Settings

if TYPE_CHECKING:
    from generator.commands.options import Commands


def add(commands: Commands, shared: Shared) -> None:
    s = commands.add_parser("schema", help="write JSON Schemas for editor completion",
                            description="Write the JSON Schemas of the client files, which "
                            "editors such as VS Code use to complete and check fields as you "
                            "type.")
    s.add_argument("--out", default="schemas", help="folder to write to (default: schemas)")
    s.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from generator.format.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0
