"""Waiting on you: everything waiting on the client, overdue first, the answer links,
and the tasks they have done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.answers import waiting_answers
from generator.site.views.shared import Link, change_link, decision_link

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class Holdup:
    """A milestone an open task holds up."""

    id: str
    title: str


@dataclass(frozen=True)
class OpenTask:
    id: str
    title: str
    owner: str
    due: str
    overdue: str     # 'Overdue by 3 days', or '' when not overdue
    due_label: str   # 'Due in 5 days', 'Due today' or the overdue words
    holds_up: tuple[Holdup, ...]


@dataclass(frozen=True)
class AwaitingSignoff:
    deliverable_id: str
    deliverable: str
    milestone_id: str
    milestone: str
    since: str
    waiting: str     # '5 days'


@dataclass(frozen=True)
class AwaitingDecision:
    link: Link
    date: str
    deciders: str    # names, comma-separated ('' for nobody named)


@dataclass(frozen=True)
class AwaitingChange:
    link: Link
    requested_by: str
    date: str
    terms: str       # 'it costs 2,500 EUR and moves the schedule by 4 days', or ''


@dataclass(frozen=True)
class DoneTask:
    id: str
    title: str
    owner: str
    due: str
    done: str
    timeliness: str  # 'On time' or '3 days late'


@dataclass(frozen=True)
class AnswerRow:
    """An item waiting on the client with its answer links, each a prefilled email."""

    item: str        # 'Sign off Design (D1)'
    links: Markup    # the links, built and escaped in answers.py


@dataclass(frozen=True)
class WaitingView:
    as_of: str
    tasks: tuple[OpenTask, ...]
    signoffs: tuple[AwaitingSignoff, ...]
    decisions: tuple[AwaitingDecision, ...]
    changes: tuple[AwaitingChange, ...]
    done_tasks: tuple[DoneTask, ...]
    answers: tuple[AnswerRow, ...] = ()  # each item with answer links, in the page's order

    @property
    def decisions_or_changes(self) -> bool:
        return bool(self.decisions or self.changes)


def open_task(t: r.ClientTask, today: date, titles: dict[str, str]) -> OpenTask:
    return OpenTask(t.id, t.title, t.owner, wording.long_date(t.due),
                    wording.overdue_label(t, today), wording.due_label(t, today),
                    tuple(Holdup(ms, titles[ms]) for ms in t.blocks))


def awaiting_signoff(m: r.Milestone, dl: r.Deliverable, state: derive.SignoffState,
                     today: date) -> AwaitingSignoff:
    return AwaitingSignoff(dl.id, dl.title, m.id, m.title, wording.long_date(state.since),
                           wording.waiting_since(state, today))


def _awaiting_decision(dec: r.Decision) -> AwaitingDecision:
    return AwaitingDecision(decision_link(dec), wording.long_date(dec.date),
                            ", ".join(dec.deciders))


def awaiting_change(x: r.Change, p: Project) -> AwaitingChange:
    return AwaitingChange(change_link(x), x.requested_by, wording.long_date(x.date),
                         wording.change_terms(x, p))


def waiting(p: Project, today: date, version: SiteVersion | None = None) -> WaitingView:
    """Everything waiting on the client, overdue first, and the tasks they have done."""
    w = derive.waiting(p, today)
    titles = {m.id: m.title for m in p.milestones}
    done = [DoneTask(t.id, t.title, t.owner, wording.long_date(t.due), wording.long_date(t.done),
                     wording.task_timeliness(t)) for t in derive.done_tasks(p)]
    return WaitingView(
        as_of=wording.long_date(today),
        tasks=tuple(open_task(t, today, titles) for t in w.tasks),
        signoffs=tuple(awaiting_signoff(m, dl, s, today) for m, dl, s in w.signoffs),
        decisions=tuple(_awaiting_decision(dec) for dec in w.decisions),
        changes=tuple(awaiting_change(x, p) for x in w.changes),
        done_tasks=tuple(done),
        answers=tuple(AnswerRow(item, links) for item, links in waiting_answers(p, today)),
    )
