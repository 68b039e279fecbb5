"""The overview: the project at a glance, what waits on the client, the next and final
milestones, the budget, and the rating asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.format import records as r
from generator.numbers import money, plural
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.answers import answer_link, answers_for
from generator.site.views.shared import Link, UpdateView, decision_link, update_view
from generator.site.views.waiting import (
    AwaitingChange,
    AwaitingSignoff,
    OpenTask,
    awaiting_change,
    awaiting_signoff,
    open_task,
)

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


OVERVIEW_ITEMS = 3  # of each kind waiting on the client, on the overview


@dataclass(frozen=True)
class MilestoneWhen:
    """A milestone's dates in a sentence, and where it stands."""

    id: str
    title: str
    planned: str
    done: str            # '' while open
    forecast: str        # '' when done, without a forecast, or forecast as planned
    slip: str            # '7 days later than planned' (the date shown against the plan), or ''
    state_key: str
    state_label: str


def milestone_when(m: r.Milestone, today: date, blockers: set[str]) -> MilestoneWhen:
    state = wording.milestone_words(m, derive.milestone_state(m, today, blockers))
    forecast = m.forecast if not m.done and m.forecast and m.forecast != m.planned else None
    return MilestoneWhen(m.id, m.title, wording.long_date(m.planned), wording.long_date(m.done),
                         wording.long_date(forecast), wording.shown_slip(m), state.key,
                         state.label)


@dataclass(frozen=True)
class WaitingSummary:
    """The first few items of each kind waiting on the client, and how many there are."""

    count: int
    headline: str    # '3 items need' (the template adds 'your attention')
    tasks: tuple[OpenTask, ...]
    signoffs: tuple[AwaitingSignoff, ...]
    decisions: tuple[Link, ...]
    changes: tuple[AwaitingChange, ...]
    more: int        # how many are not shown


@dataclass(frozen=True)
class BudgetView:
    sentence: str    # '83,600 EUR of 148,000 EUR spent (56%), as of 20 November 2026.'
    spent: float
    total: float
    bar_label: str
    changes_add: str  # the approved changes' cost, '' when they cost nothing


@dataclass(frozen=True)
class OverviewView:
    project: str
    client: str
    as_of: str
    summary: str | None          # Markdown, as written
    changes_since: str           # '3 changes since v2 (2 November 2026)', or ''
    latest: UpdateView | None
    waiting: WaitingSummary
    next: MilestoneWhen | None
    final: MilestoneWhen | None
    final_is_next: bool
    project_end: str             # 'The project is planned to end on …', or ''
    budget: BudgetView | None
    feed: str                    # the Atom feed's address, relative to the page
    rating: RatingAsk | None = None  # "How did we do on M3?", until they answer


@dataclass(frozen=True)
class RatingAsk:
    question: str                # 'How did we do on M3 Design?'
    links: Markup                # the scores 1 to 5, each a one-click email


def _waiting_summary(p: Project, today: date) -> WaitingSummary:
    w = derive.waiting(p, today)
    shown = w.first(OVERVIEW_ITEMS)
    titles = {m.id: m.title for m in p.milestones}
    return WaitingSummary(
        count=w.count,
        headline=plural(w.count, "item needs", "items need"),
        tasks=tuple(open_task(t, today, titles) for t in shown.tasks),
        signoffs=tuple(awaiting_signoff(m, dl, s, today) for m, dl, s in shown.signoffs),
        decisions=tuple(decision_link(dec) for dec in shown.decisions),
        changes=tuple(awaiting_change(x, p) for x in shown.changes),
        more=w.count - shown.count,
    )


def _budget(p: Project) -> BudgetView | None:
    b = p.client.budget
    if b is None:
        return None
    cost = derive.change_totals(p).cost
    label = f"Budget: {money(b.spent, b.currency)} of {money(b.total, b.currency)} spent"
    return BudgetView(wording.budget_sentence(b), b.spent, b.total, label,
                      money(cost, b.currency) if cost else "")


def overview(p: Project, today: date, version: SiteVersion | None = None) -> OverviewView:
    latest = derive.latest_update(p)
    nxt, final = derive.next_milestone(p), derive.final_milestone(p)
    blockers = derive.overdue_blockers(p, today)
    return OverviewView(
        project=p.client.project,
        client=p.client.name,
        as_of=wording.long_date(today),
        summary=p.client.summary,
        changes_since=version.changes_since if version else "",
        latest=update_view(latest) if latest else None,
        waiting=_waiting_summary(p, today),
        next=milestone_when(nxt, today, blockers) if nxt else None,
        final=milestone_when(final, today, blockers) if final else None,
        final_is_next=final is not None and final is nxt,
        project_end=wording.project_end(p),
        budget=_budget(p),
        feed=("../" if version else "") + "feed.xml",
        rating=rating_ask(p) if version is None or version.is_latest else None,
    )


def rating_ask(p: Project) -> RatingAsk | None:
    m = derive.rating_milestone(p)
    links = answers_for(p, "rating", m.id) if m else []
    if m is None or not links:
        return None
    return RatingAsk(f"How did we do on {m.id} {m.title}?",
                     Markup(" ").join(answer_link(a) for a in links))
