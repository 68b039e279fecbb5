"""One client folder read for the agency: internal records and `internal_notes` kept.

The client path (`project/client.py`) drops `internal_notes` while reading and internal records
while modelling, so no page of a client can show them. This module is the one other way in,
used only by the agency's site: it reads the same files with the same checks, keeps every
record, and collects every `internal_notes` text from the YAML nodes, with where it stands.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.format import pages
from generator.format import records as r
from generator.format.load import ClientFiles
from generator.format.pages import decision_page, navigation_rank, page_showing
from generator.format.validate import ClientRecords
from generator.project.client import ReadClient, read_and_check
from generator.project.model import Project, settle_superseded
from generator.site import wording


def page_rank(title: str) -> int:
    """Where a client page comes in the site's order (a decision's page with Decisions)."""
    if title.startswith("Decision "):
        title = pages.DECISIONS.title
    return navigation_rank(title)


@dataclass(frozen=True)
class Note:
    """One `internal_notes` text: the record (or mapping) it was written on."""

    file: str    # within the client's folder, e.g. roadmap.yml, decisions/001.yml
    path: str    # key path of the mapping it sits in, e.g. milestones[2]
    about: str   # the record it is about, in words: "Milestone M3 Design sign-off"
    page: str    # the client page that record is shown on
    link: str    # that page, relative to the client's site
    text: str


@dataclass(frozen=True)
class Held:
    """One internal record: every field it has, as text, for the agency only."""

    about: str
    page: str
    link: str
    fields: tuple[tuple[str, str], ...]   # (field path, value as written), nested ones dotted


@dataclass(frozen=True)
class AgencyClient:
    """What the agency knows of one client: what the client sees, and everything."""

    public: Project      # exactly the model the client's site is built from
    full: Project        # the same with internal records kept
    notes: tuple[Note, ...]
    held: tuple[Held, ...]

    @property
    def slug(self) -> str:
        return self.public.slug


def full_model(c: ClientRecords) -> Project:
    """Every record of a client, internal ones included (the agency's view only)."""
    if c.client is None:
        raise ValueError("full_model takes a validated client: its client.yml was not read")
    return Project(
        slug=c.slug, folder=c.folder, client=c.client,
        milestones=list(c.roadmap.milestones), client_tasks=list(c.roadmap.client_tasks),
        decisions=settle_superseded(list(c.decisions)), signoffs=list(c.signoffs),
        changes=list(c.changes), risks=list(c.risks),
        updates=sorted(c.updates, key=lambda u: u.date),
        feedback=sorted(c.feedback, key=lambda x: x.date),
    )


def agency_client(read: ReadClient) -> AgencyClient | None:
    """The agency's view of a client folder already read and checked (by the build, in the
    same process: nothing is read twice); None when it has errors (the build names them for
    the client; the agency's site leaves the client out)."""
    if read.project is None:
        return None
    notes = tuple(_notes(read.files, read.records))
    held = tuple(_held(read.records))
    if not read.project.feedback:  # no "Your feedback" page: the copy shows them on Overview
        held = tuple(_on_overview_if(h, pages.FEEDBACK.html) for h in held)
        notes = tuple(_on_overview_if(n, pages.FEEDBACK.html) for n in notes)
    return AgencyClient(read.project, full_model(read.records), notes, held)


def _on_overview_if(item: Any, link: str) -> Any:
    """A held record or note moved from the page `link` to Overview, where the copy puts
    what belongs on a page the client's site does not have."""
    if item.link != link:
        return item
    return dataclasses.replace(item, page=pages.OVERVIEW.title, link=pages.OVERVIEW.html)


def read_agency_client(folder: Path, shown_root: str, today: date) -> AgencyClient | None:
    """The agency's reading of one client folder the build did not read this time."""
    return agency_client(read_and_check(folder, shown_root, today))


# --- every record, by where it was written --------------------------------------------------

@functools.cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(x.name for x in r.public_fields(record_type))


def _holds_records(hint: Any) -> bool:
    """Whether a field of this type can hold a record (or a list of them)."""
    if dataclasses.is_dataclass(hint):
        return True
    return any(_holds_records(arg) for arg in typing.get_args(hint))


@functools.cache
def _record_fields(record_type: type) -> tuple[str, ...]:
    """The fields of a record type that can hold records: only those are walked."""
    hints = typing.get_type_hints(record_type)
    return tuple(name for name in _field_names(record_type) if _holds_records(hints[name]))


def _children(rec: Any) -> list[Any]:
    """The records directly inside a record (a milestone's deliverables, a decision's
    options, the client's budget...)."""
    found: list[Any] = []
    kind: type = type(rec)
    for name in _record_fields(kind):
        value = getattr(rec, name)
        found += value if isinstance(value, list) else [] if value is None else [value]
    return found


def _all_records(c: ClientRecords) -> list[Any]:
    stack: list[Any] = [c.client, c.roadmap, *c.decisions, *c.signoffs, *c.changes,
                        *c.risks, *c.updates, *c.feedback]
    found = []
    while stack:
        rec = stack.pop()
        found.append(rec)
        stack += _children(rec)
    return found


def _records_by_place(c: ClientRecords) -> dict[tuple[str, str], Any]:
    return {(x.where.file, x.where.path): x for x in _all_records(c)}


def describe(rec: Any) -> str:
    """A record in words, as a PM would look for it: 'Milestone M3: Design sign-off'."""
    kind = {"ClientTask": "Client task", "Signoff": "Sign-off"}.get(
        type(rec).__name__, type(rec).__name__)
    if isinstance(rec, r.Signoff):
        return f"{kind} of {rec.deliverable} version {rec.version} ({rec.date.isoformat()})"
    if isinstance(rec, r.Update):
        return f"{kind} of {rec.date.isoformat()}"
    if isinstance(rec, r.Feedback):
        return f"{kind} of {rec.date.isoformat()} by {rec.by}"
    ident = getattr(rec, "id", None)
    label = (getattr(rec, "title", None) or getattr(rec, "name", None)
             or getattr(rec, "channel", None) or "")
    if ident:
        return f"{kind} {ident}: {label}"
    return f"{kind} {label}".strip()


# --- internal_notes, from the nodes ---------------------------------------------------------

def _notes(files: ClientFiles, records: ClientRecords) -> list[Note]:
    """Every internal_notes of the files validation read (their nodes are kept)."""
    found: list[Note] = []
    index: dict[tuple[str, str], Any] | None = None   # worked out at the first note
    for name, yaml_file in files.files.items():
        if yaml_file.node is not None:
            for path, text in _note_nodes(yaml_file.node, ""):
                index = _records_by_place(records) if index is None else index
                top = index.get((yaml_file.shown, ""))
                found.append(_note(name, index.get((yaml_file.shown, path)), top, path, text))
    return found


def _note_nodes(node: Node, path: str) -> list[tuple[str, str]]:
    """(mapping path, text) for every `internal_notes` key, at any depth, in file order;
    paths are spelled as validation spells them (`milestones[2].deliverables[0]`)."""
    found: list[tuple[str, str]] = []
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            found += _note_nodes(child, f"{path}[{i}]")
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            if key.value == "internal_notes" and isinstance(value, ScalarNode):
                found.append((path, value.value))
            else:
                found += _note_nodes(value, f"{path}.{key.value}" if path else key.value)
    return found


def _note(file: str, rec: Any, top: Any, path: str, text: str) -> Note:
    if rec is None:  # a mapping that is not a record: the glossary
        return Note(file, path, "Glossary", pages.GLOSSARY.title, pages.GLOSSARY.html, text)
    title, link = page_of(top if isinstance(top, r.Decision | r.Update) else rec)
    return Note(file, path, describe(rec), title, link, text)


def page_of(rec: Any) -> tuple[str, str]:
    """The client page a record is shown on (title, address within the client's site): a
    public decision has a page of its own; every other record stands on its kind's page."""
    if isinstance(rec, r.Decision) and not rec.internal:
        return (f"Decision {rec.id}", decision_page(rec.id)[:-3] + ".html")
    shown_on = page_showing(type(rec))
    return (shown_on.title, shown_on.html)


# --- internal records --------------------------------------------------------------------

def _held(c: ClientRecords) -> list[Held]:
    """Every internal record, outermost only: what is inside one is held back with it."""
    found: list[Held] = []
    stack = [c.client, c.roadmap, *c.decisions, *c.signoffs, *c.changes, *c.risks,
             *c.updates, *c.feedback]
    for rec in stack:
        found += _held_in(rec)
    return sorted(found, key=lambda h: page_rank(h.page))


def _held_in(rec: Any) -> list[Held]:
    if getattr(rec, "internal", False):
        title, link = page_of(rec)
        return [Held(describe(rec), title, link, tuple(field_texts(rec)))]
    return [h for child in _children(rec) for h in _held_in(child)]


def field_texts(rec: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Every field of a record that has a value, as (dotted name, text); nested records
    and lists of them are spelled out field by field, so nothing internal is left out."""
    found: list[tuple[str, str]] = []
    for spec in r.public_fields(type(rec)):
        value = getattr(rec, spec.name)
        name = f"{prefix}{spec.name}"
        if spec.name == "internal" or value is None or value == [] or value == {} or \
                (spec.default is not dataclasses.MISSING and value == spec.default):
            continue  # nothing written, or the default the PM did not write
        if dataclasses.is_dataclass(value):
            found += field_texts(value, f"{name}.")
        elif isinstance(value, list) and dataclasses.is_dataclass(value[0]):
            for i, item in enumerate(value):
                found += field_texts(item, f"{name}[{i}].")
        else:
            found.append((name, value_text(value)))
    return found


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return wording.long_date(value)
    if isinstance(value, list):
        return "; ".join(map(value_text, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    return str(value)
