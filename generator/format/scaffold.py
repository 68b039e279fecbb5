"""`milepost new`: a commented client folder that validates cleanly, ready to fill in."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generator.docs import docs_url
from generator.format import records as r
from generator.format.load import SLUG
from generator.format.schema import SCHEMA_FILES, write_schemas
from generator.problems import MilepostError, visible


@dataclass(frozen=True)
class Placeholder:
    """A text `milepost new` writes for the PM to replace. The checks warn while it is still
    there and publishing refuses it: it must never reach a client."""

    record: type  # the kind of record it is written in
    field: str
    text: str     # as written, with CLIENT_NAME standing for the client's name
    ask: str      # what to write instead, for the warning

    def written(self, client_name: str) -> str:
        """The text as `milepost new` writes it into a client of this name."""
        return self.text.replace(CLIENT_NAME, client_name)


CLIENT_NAME = "{name}"
# The project's name when `milepost new` is not given one: the client's site shows it
# everywhere, so it is a placeholder like the others.
PROJECT = Placeholder(r.Client, "project", f"Project for {CLIENT_NAME}",
                      "the project's name, as the client knows it")
SUMMARY = Placeholder(r.Client, "summary", "What the project is for, in two or three "
                      "sentences the client's CFO would agree with.",
                      "what the project is for, in a few sentences")
TEAM_MEMBER = Placeholder(r.Contact, "name", "Your name",
                          "the person's full name (owner, by and deciders use it)")
CALL_TIME = Placeholder(r.Channel, "when", "Day and time, e.g. Mondays 10:00",
                        "when it happens, e.g. Mondays 10:00 CET")
MILESTONE = Placeholder(r.Milestone, "title", "First milestone",
                        "what is reached at this milestone (and check its planned date)")
DELIVERABLE = Placeholder(r.Deliverable, "title", "First deliverable",
                          "what is handed to the client at this milestone")
UPDATE_SUMMARY = Placeholder(r.Update, "summary", "How the project stands, in a few "
                             "sentences.", "how the project stands this week")
UPDATE_NEXT = Placeholder(r.Update, "next", "What comes next", "the next steps")
PLACEHOLDERS = (PROJECT, SUMMARY, TEAM_MEMBER, CALL_TIME, MILESTONE, DELIVERABLE, UPDATE_SUMMARY,
                UPDATE_NEXT)

# Git keeps no empty folder: this file keeps decisions/ and updates/ (the loader reads only
# .yml and .yaml files there, so it is never taken for a record).
KEEP_FILE = ".gitkeep"


def _quote(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: any name is safe this way.
    return json.dumps(text, ensure_ascii=False)


def _schema_line(target: Path, schemas: Path, kind: str) -> str:
    rel = os.path.relpath(schemas / SCHEMA_FILES[kind], target.parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"


def client_files(name: str, project: str, start: date, slug: str = "client") -> dict[str, str]:
    """File name -> text of a new client's folder (without the schema lines)."""
    first = start + timedelta(days=28)
    q = _quote
    fields = "reference/fields.html"
    return {
        "client.yml": f"""\
# Who the client is and how the project runs. Fields: {docs_url(fields, 'client-yml')}
# Replace every placeholder: `milepost validate` warns about each one still here, and
# publishing refuses them (a client must never see them).
name: {q(name)}
project: {q(project)}
start: {start.isoformat()}
summary: {q(SUMMARY.text)}
team:
  # side: team (the agency) or client; lead: true marks the client's lead decision maker.
  - {{name: {q(TEAM_MEMBER.text)}, role: Project manager, side: team}}
  # The client's people; notify: true sends them the email digest (`milepost notify`):
  # - {{name: Jane Doe, role: Marketing director, side: client, lead: true,
  #    email: jane@client.example, notify: true}}
# site_url: the address of this client's site, for the digest's links (not needed when the
# agency's base mkdocs.yml has a site_url: then it is that address followed by {slug}/):
# site_url: https://portal.agency.example/{slug}/
communication:
  - {{channel: Weekly status call, when: {q(CALL_TIME.text)}}}
# budget: {{currency: EUR, total: 10000, spent: 0, as_of: {start.isoformat()}}}
# glossary:
#   CMS: Content management system, where your team edits the website.
# Anything under internal_notes, and any record with internal: true, stays with the agency.
internal_notes: Notes for the agency only.
""",
        "roadmap.yml": f"""\
# Milestones (planned = the baseline date agreed with the client) and client tasks.
# Fields: {docs_url(fields, 'roadmap-yml')}
milestones:
  - id: M1
    title: {q(MILESTONE.text)}
    phase: Planning
    planned: {first.isoformat()}
    # forecast: today's best estimate; done: the date it was reached.
    deliverables:
      - {{id: D1, title: {q(DELIVERABLE.text)}, signoff: true}}
client_tasks: []
""",
        "signoffs.yml": """\
# The sign-off history, oldest first. One entry per answer from the client, e.g.
# - {deliverable: D1, version: "1.0", date: 2026-01-30, by: Jane Doe, outcome: approved, via: email}
""" + f"# Fields: {docs_url(fields, 'signoffs-yml')}\n[]\n",
        "changes.yml": "# Change requests: scope added, removed or changed after the plan.\n"
                       f"# Fields: {docs_url(fields, 'changes-yml')}\n[]\n",
        "risks.yml": "# The risk register: likelihood and impact are low, medium or high.\n"
                     f"# Fields: {docs_url(fields, 'risks-yml')}\n[]\n",
        "feedback.yml": f"""\
# The client's ratings (score 1 to 5) and comments, and what we did about each (response,
# responded). `milepost inbox` adds the ratings the client sends by email, e.g.
# - {{date: 2026-01-30, by: Jane Doe, about: M1, score: 4, comment: Clear and on time.}}
# Fields: {docs_url(fields, 'feedback-yml')}
[]
""",
        f"decisions/{KEEP_FILE}": "# One decision per file, e.g. DR-001.yml; fields: "
                                 f"{docs_url(fields, 'decisions')}\n",
        f"updates/{KEEP_FILE}": "# One status update per file, named after its date; fields: "
                               f"{docs_url(fields, 'updates')}\n",
        f"updates/{start.isoformat()}.yml": f"""\
# A status update; add one file per update (usually weekly), named after its date.
date: {start.isoformat()}
overall: green
schedule: green
budget: green
scope: green
summary: {q(UPDATE_SUMMARY.text)}
next:
  - {q(UPDATE_NEXT.text)}
""",
    }


def new_client(projects: Path, slug: str, name: str, project: str | None, start: date,
               schemas: Path) -> Path:
    """Create `projects/slug`; refuses a bad slug or an existing folder. Without a project
    name, the folder gets a placeholder for it."""
    if not SLUG.fullmatch(slug):
        raise MilepostError(f"'{visible(slug)}' is not a valid client slug: use lowercase "
                            "letters, digits and '-', starting with a letter or digit")
    folder = projects / slug
    if folder.exists():
        raise MilepostError(f"{folder} already exists: choose another slug")
    if not schemas.is_dir():
        write_schemas(schemas)
    (folder / "decisions").mkdir(parents=True)
    (folder / "updates").mkdir()
    files = client_files(name, project or PROJECT.written(name), start, slug)
    for rel, text in files.items():
        target = folder / rel
        kind = rel.split("/", 1)[0]
        schema = "" if target.name == KEEP_FILE else _schema_line(target, schemas, kind)
        target.write_text(schema + text, encoding="utf-8")
    return folder
