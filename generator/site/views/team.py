"""Team & communication: who is who on each side, and how they keep in touch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.project.model import Project
from generator.site.views.shared import or_dash

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class Person:
    name: str
    lead: str        # 'Lead decision maker' or 'Project lead' for a side's lead, else ''
    role: str
    email: str | None
    phone: str


@dataclass(frozen=True)
class TeamSide:
    title: str       # 'Your team' or 'Our team'
    people: tuple[Person, ...]


@dataclass(frozen=True)
class ChannelView:
    channel: str
    when: str
    address: str
    response: str


@dataclass(frozen=True)
class LeadView:
    name: str
    role: str | None


@dataclass(frozen=True)
class TeamView:
    lead: LeadView | None        # the lead decision maker on the client's side
    sides: tuple[TeamSide, ...]  # the client's first, only sides with people
    channels: tuple[ChannelView, ...]


def _person(c: r.Contact) -> Person:
    lead = ("Lead decision maker" if c.side == "client" else "Project lead") if c.lead else ""
    return Person(c.name, lead, or_dash(c.role), c.email, or_dash(c.phone))


def team(p: Project, today: date, version: SiteVersion | None = None) -> TeamView:
    people = p.client.team
    sides = [TeamSide(title, tuple(_person(c) for c in people if c.side == side))
             for title, side in (("Your team", "client"), ("Our team", "team"))]
    lead = next((c for c in people if c.side == "client" and c.lead), None)
    return TeamView(
        lead=LeadView(lead.name, lead.role) if lead else None,
        sides=tuple(s for s in sides if s.people),
        channels=tuple(ChannelView(ch.channel, or_dash(ch.when), or_dash(ch.address),
                                   or_dash(ch.response)) for ch in p.client.communication),
    )
