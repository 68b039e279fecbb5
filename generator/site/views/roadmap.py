"""The roadmap: the timeline, each milestone against its plan, and how dates moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.timeline import timeline_svg
from generator.site.views.shared import Badge, Described, or_dash

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class DeliverableState:
    id: str
    signoff: str     # 'approved', 'awaiting your sign-off', ...


@dataclass(frozen=True)
class RoadmapRow:
    """One milestone in the roadmap's table; dates short, so a cell does not wrap."""

    id: str
    title: str
    planned: str
    forecast: str
    done: str
    against_plan: str   # '14 days later', '3 days earlier', 'On plan' or 'No new date yet'
    state: Badge        # 'Overdue by 5 days' only once the planned date has passed
    deliverables: tuple[DeliverableState, ...]
    depends_on: str


@dataclass(frozen=True)
class Phase:
    name: str
    milestones: tuple[RoadmapRow, ...]


@dataclass(frozen=True)
class Slip:
    """How one milestone's date moved across the versions of the plan."""

    id: str
    title: str
    moves: str       # 'planned 13 Nov 2026 in v1; forecast 27 Nov 2026 in v2'


@dataclass(frozen=True)
class RoadmapView:
    as_of: str
    timeline: Markup
    phases: tuple[Phase, ...]
    dates_moved: bool            # a versioned site with dates that moved
    first_planned_marked: bool   # the timeline marks the first version's dates
    slips: tuple[Slip, ...]
    about: tuple[Described, ...]


def _roadmap_row(m: r.Milestone, today: date, blockers: set[str],
                 history: dict[str, list[r.Signoff]]) -> RoadmapRow:
    state = wording.milestone_words(m, derive.milestone_state(m, today, blockers))
    return RoadmapRow(
        m.id, m.title, wording.short_date(m.planned), or_dash(wording.short_date(m.forecast)),
        or_dash(wording.short_date(m.done)), wording.against_plan(m, today),
        Badge(state.key, state.short),
        tuple(DeliverableState(dl.id, wording.signoff_words(
            derive.signoff_state(m, dl, history.get(dl.id, []))).short)
              for dl in m.deliverables),
        or_dash(", ".join(m.depends_on)))


def roadmap(p: Project, today: date, version: SiteVersion | None = None) -> RoadmapView:
    blockers, history = derive.overdue_blockers(p, today), derive.signoff_history(p)
    slips = version.slips if version else {}
    baseline = version.baseline if version else {}
    return RoadmapView(
        as_of=wording.long_date(today),
        timeline=Markup(timeline_svg(p, today, baseline)),
        phases=tuple(Phase(name, tuple(_roadmap_row(m, today, blockers, history) for m in ms))
                     for name, ms in derive.phases(p, wording.UNPHASED)),
        dates_moved=bool(slips),
        first_planned_marked=bool(baseline),
        slips=tuple(Slip(m.id, m.title, "; ".join(slips[m.id]))
                    for m in p.milestones if m.id in slips),
        about=tuple(Described(m.id, m.title, m.description)
                    for m in p.milestones if m.description),
    )
