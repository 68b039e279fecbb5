"""Decisions: the index, newest first, and one page per decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.views.shared import Badge, Link, decision_link, or_dash, related_places

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


def _status(dec: r.Decision, superseded: dict[str, list[str]]) -> Badge:
    """'Accepted', or 'Superseded by DR-004' with what replaced it."""
    label = dec.status.capitalize()
    if dec.status == "superseded" and dec.id in superseded:
        label += " by " + ", ".join(superseded[dec.id])
    return Badge(f"decision-{dec.status}", label)


@dataclass(frozen=True)
class DecisionRow:
    link: Link
    status: Badge
    date: str
    deciders: str


@dataclass(frozen=True)
class DecisionsView:
    decisions: tuple[DecisionRow, ...]   # newest first


def decisions(p: Project, today: date, version: SiteVersion | None = None) -> DecisionsView:
    superseded = derive.superseded_by(p)
    return DecisionsView(tuple(
        DecisionRow(decision_link(dec, ""), _status(dec, superseded), wording.long_date(dec.date),
                    or_dash(", ".join(dec.deciders)))
        for dec in derive.decisions_newest_first(p)))


@dataclass(frozen=True)
class Replacement:
    """A decision that replaced this one: its page's name (without '.html'), ID and title."""

    page: str
    id: str
    title: str


@dataclass(frozen=True)
class OptionView:
    name: str
    summary: str | None
    pros: tuple[str, ...]
    cons: tuple[str, ...]


@dataclass(frozen=True)
class DecisionView:
    id: str
    title: str
    replaced_by: tuple[Replacement, ...]   # only while it is shown as superseded
    status: Badge
    date: str
    deciders: str
    context: str | None          # Markdown fields, as written
    options: tuple[OptionView, ...]
    decision: str | None
    consequences: str | None
    supersedes: tuple[Link, ...]
    related: tuple[Link, ...]    # a link's url is '' where the ID is not shown on the site
    evidence: str = ""           # 'Decided by email on … by …', when inbox wrote it in

    @property
    def has_links(self) -> bool:
        return bool(self.supersedes or self.related)


def _related(ids: list[str], places: dict[str, tuple[str, str]], up: str) -> tuple[Link, ...]:
    return tuple(Link(f"{i} {places[i][0]}", up + places[i][1]) if i in places else Link(i, "")
                 for i in ids)


def decision(p: Project, dec: r.Decision) -> DecisionView:
    """One decision's page, beside the index in decisions/."""
    return decision_pages(p, [dec])[0]


def decision_pages(p: Project, chosen: list[r.Decision] | None = None) -> list[DecisionView]:
    """The pages of the `chosen` decisions (every decision by default). What they share
    (the decisions by ID, which replaced which, every place a record can point to) is
    worked out once, not once a page: a three-year client has over a hundred decisions."""
    by_id = {x.id: x for x in p.decisions}
    superseded = derive.superseded_by(p)
    places = related_places(p)
    return [DecisionView(
        id=dec.id, title=dec.title,
        replaced_by=tuple(Replacement(new.lower(), new, by_id[new].title)
                          for new in (superseded.get(dec.id, [])
                                      if dec.status == "superseded" else [])),
        status=_status(dec, {}), date=wording.long_date(dec.date),
        deciders=", ".join(dec.deciders),
        context=dec.context,
        options=tuple(OptionView(o.name, o.summary, tuple(o.pros), tuple(o.cons))
                      for o in dec.options),
        decision=dec.decision, consequences=dec.consequences,
        supersedes=tuple(decision_link(by_id[old], "") for old in dec.supersedes),
        related=_related(dec.related, places, "../"),
        evidence=wording.by_email("Decided", dec.evidence),
    ) for dec in (p.decisions if chosen is None else chosen)]
