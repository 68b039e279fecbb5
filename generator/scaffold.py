"""`milepost new`: a commented client folder that validates cleanly, ready to fill in."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

from generator.load import SLUG
from generator.problems import MilepostError
from generator.schema import SCHEMA_FILES, write_schemas


def _quote(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: any name is safe this way.
    return json.dumps(text, ensure_ascii=False)


def _schema_line(target: Path, schemas: Path, kind: str) -> str:
    rel = os.path.relpath(schemas / SCHEMA_FILES[kind], target.parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"


def client_files(name: str, project: str, start: date) -> dict[str, str]:
    """File name -> text of a new client's folder (without the schema lines)."""
    first = start + timedelta(days=28)
    return {
        "client.yml": f"""\
# Who the client is and how the project runs. Fields: see README (File format).
name: {_quote(name)}
project: {_quote(project)}
start: {start.isoformat()}
summary: |
  What the project is for, in two or three sentences the client's CFO would agree with.
team:
  # side: team (the agency) or client; lead: true marks the client's lead decision maker.
  - {{name: Project manager, role: Project manager, side: team}}
communication:
  - {{channel: Weekly status call, when: "Mondays 10:00"}}
# budget: {{currency: EUR, total: 10000, spent: 0, as_of: {start.isoformat()}}}
# glossary:
#   CMS: Content management system, where your team edits the website.
# Anything under internal_notes, and any record with internal: true, stays with the agency.
internal_notes: Notes for the agency only.
""",
        "roadmap.yml": f"""\
# Milestones (planned = the baseline date agreed with the client) and client tasks.
milestones:
  - id: M1
    title: Kick-off and discovery
    phase: Planning
    planned: {first.isoformat()}
    # forecast: today's best estimate; done: the date it was reached.
    deliverables:
      - {{id: D1, title: Project plan, signoff: true}}
client_tasks: []
""",
        "signoffs.yml": """\
# The sign-off history, oldest first. One entry per answer from the client, e.g.
# - {deliverable: D1, version: "1.0", date: 2026-01-30, by: Jane Doe, outcome: approved, via: email}
[]
""",
        "changes.yml": "# Change requests: scope added, removed or changed after the plan.\n[]\n",
        "risks.yml": "# The risk register: likelihood and impact are low, medium or high.\n[]\n",
        f"updates/{start.isoformat()}.yml": f"""\
# A status update; add one file per update (usually weekly), named after its date.
date: {start.isoformat()}
overall: green
schedule: green
budget: green
scope: green
summary: The project has started.
next:
  - Kick-off meeting
""",
    }


def new_client(projects: Path, slug: str, name: str, project: str, start: date,
               schemas: Path) -> Path:
    """Create `projects/slug`; refuses a bad slug or an existing folder."""
    if not SLUG.match(slug):
        raise MilepostError(f"'{slug}' is not a valid client slug: use lowercase letters, "
                            "digits and '-', starting with a letter or digit")
    folder = projects / slug
    if folder.exists():
        raise MilepostError(f"{folder} already exists: choose another slug")
    if not schemas.is_dir():
        write_schemas(schemas)
    (folder / "decisions").mkdir(parents=True)
    (folder / "updates").mkdir()
    for rel, text in client_files(name, project, start).items():
        target = folder / rel
        kind = rel.split("/", 1)[0]
        target.write_text(_schema_line(target, schemas, kind) + text, encoding="utf-8")
    return folder
