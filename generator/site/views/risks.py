"""Risks: the open ones, most severe first, then those closed or occurred."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.markup import plain
from generator.site.views.shared import Badge, or_dash

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class OpenRisk:
    id: str
    title: str
    severity: Badge
    likelihood: str
    impact: str
    owner: str
    yours: bool      # owned by someone on the client's side
    mitigation: str  # flattened to one line, or a dash


@dataclass(frozen=True)
class PastRisk:
    id: str
    title: str
    status: Badge
    severity: str
    owner: str
    mitigation: str


@dataclass(frozen=True)
class RisksView:
    open: tuple[OpenRisk, ...]   # most severe first
    past: tuple[PastRisk, ...]   # closed and occurred, by ID


def _open_risk(x: r.Risk, yours: set[str]) -> OpenRisk:
    label = wording.severity_label(x)
    return OpenRisk(x.id, x.title, Badge(f"severity-{label.lower()}", label), x.likelihood,
                    x.impact, x.owner, x.owner in yours, or_dash(plain(x.mitigation)))


def risks(p: Project, today: date, version: SiteVersion | None = None) -> RisksView:
    yours = derive.client_people(p)
    # By ID regardless of capitals, as the page has always listed them.
    past = sorted((x for x in p.risks if x.status != "open"), key=lambda x: x.id.lower())
    return RisksView(
        open=tuple(_open_risk(x, yours) for x in derive.open_risks(p)),
        past=tuple(PastRisk(x.id, x.title, Badge(f"risk-{x.status}", x.status.capitalize()),
                            wording.severity_label(x), x.owner, or_dash(plain(x.mitigation)))
                   for x in past),
    )
