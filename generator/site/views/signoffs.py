"""Sign-offs: where each deliverable's sign-off stands, and every answer the client gave."""

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
class SignoffEntry:
    """One answer of the client to a version of a deliverable."""

    version: str
    date: str
    outcome: Badge
    by: str
    via: str         # 'email', or with its evidence: 'Signed off by email on … by …'
    notes: str       # flattened to one line for the table, or a dash


@dataclass(frozen=True)
class DeliverableSignoffs:
    id: str
    title: str
    state: Badge
    description: str | None      # Markdown, as written
    entries: tuple[SignoffEntry, ...]


@dataclass(frozen=True)
class MilestoneSignoffs:
    id: str
    title: str
    deliverables: tuple[DeliverableSignoffs, ...]


@dataclass(frozen=True)
class SignoffsView:
    milestones: tuple[MilestoneSignoffs, ...]   # those with deliverables, in roadmap order


def _signoff_entry(s: r.Signoff) -> SignoffEntry:
    outcome = Badge(f"signoff-{s.outcome}", s.outcome.replace("-", " ").capitalize())
    said = "Signed off" if s.outcome == "approved" else outcome.label
    via = wording.by_email(said, s.evidence) or s.via.replace("-", " ")
    return SignoffEntry(s.version, wording.long_date(s.date), outcome, s.by, via,
                        or_dash(plain(s.notes)))


def _deliverable_signoffs(m: r.Milestone, dl: r.Deliverable,
                          history: list[r.Signoff]) -> DeliverableSignoffs:
    state = wording.signoff_words(derive.signoff_state(m, dl, history))
    return DeliverableSignoffs(dl.id, dl.title, Badge(f"signoff-{state.key}", state.label),
                               dl.description, tuple(_signoff_entry(s) for s in history))


def signoffs(p: Project, today: date, version: SiteVersion | None = None) -> SignoffsView:
    history = derive.signoff_history(p)
    return SignoffsView(tuple(
        MilestoneSignoffs(m.id, m.title, tuple(_deliverable_signoffs(m, dl, history.get(dl.id, []))
                                               for dl in m.deliverables))
        for m in p.milestones if m.deliverables))
