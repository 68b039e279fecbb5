"""What several pages' views share: links, badges, an update as shown, a record's
description, and where each ID is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.format import records as r
from generator.format.pages import decision_page
from generator.project.model import Project
from generator.site import wording

DASH = "–"  # an empty table cell


def or_dash(text: str | None) -> str:
    return text if text else DASH


@dataclass(frozen=True)
class Link:
    """A link Milepost makes: `url` is built from IDs, never taken from YAML."""

    text: str
    url: str


def decision_link(dec: r.Decision, prefix: str = "decisions/") -> Link:
    return Link(f"{dec.id}: {dec.title}", f"{prefix}{dec.id.lower()}.md")


def change_link(x: r.Change) -> Link:
    return Link(f"{x.id}: {x.title}", "changes.md")


@dataclass(frozen=True)
class Badge:
    """A state in words and colour: `key` names the state's kind and value for the style."""

    key: str
    label: str


@dataclass(frozen=True)
class Health:
    """An update's four health signals (green, amber, red, or None for not reported)."""

    overall: str | None
    schedule: str | None
    budget: str | None
    scope: str | None


@dataclass(frozen=True)
class UpdateView:
    """One status update as a page shows it."""

    date: str
    health: Health
    summary: str | None  # Markdown, as written
    done: tuple[str, ...]
    next: tuple[str, ...]
    problems: tuple[str, ...]
    asks: tuple[str, ...]


def update_view(u: r.Update) -> UpdateView:
    return UpdateView(wording.long_date(u.date), Health(u.overall, u.schedule, u.budget, u.scope),
                      u.summary, tuple(u.done), tuple(u.next), tuple(u.problems),
                      tuple(u.asks))


@dataclass(frozen=True)
class Described:
    """A record's own Markdown description, under its ID and title."""

    id: str
    title: str
    description: str


def related_places(p: Project) -> dict[str, tuple[str, str]]:
    """Every ID a record can relate to, with its title and the page that shows it (a
    milestone's ID wins over a deliverable's, as the roadmap shows both)."""
    places: dict[str, tuple[str, str]] = {}
    for m in p.milestones:
        places[m.id] = (m.title, "roadmap.md")
        for dl in m.deliverables:
            places.setdefault(dl.id, (dl.title, "signoffs.md"))
    for change in p.changes:
        places.setdefault(change.id, (change.title, "changes.md"))
    for risk in p.risks:
        places.setdefault(risk.id, (risk.title, "risks.md"))
    for dec in p.decisions:
        places.setdefault(dec.id, (dec.title, decision_page(dec.id)))
    return places
