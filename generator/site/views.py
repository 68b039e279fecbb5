"""What each page shows, worked out in Python: one small view per page.

A view is built by a pure function of the public project, the day the site is built for and
the version being built. It does all the computing a page needs (filtering, sorting,
counting, cutting lists, totals) and gives every date, amount and number as the text a
client reads (through `generator.numbers` and `derive`). Templates then only lay it out:
they loop, branch on a field and print it, and their wording stays theirs.

Text from YAML stays data here: views hold plain strings, and the templates' printing
escapes them (see `render._finalize`). Markdown fields are kept as written, for the
template's `rich(...)` to render safely; a view holds `Markup` only for what Milepost
draws itself (the timeline, a signed number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.numbers import money, plural
from generator.site import derive
from generator.site.model import Project

if TYPE_CHECKING:  # render imports this module: the type only, to keep imports one way
    from generator.site.render import SiteVersion

DASH = "–"  # an empty table cell
OVERVIEW_ITEMS = 3  # of each kind waiting on the client, on the overview


def _or_dash(text: str | None) -> str:
    return text if text else DASH


# --- pieces several pages share ----------------------------------------------------------------

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
    return UpdateView(derive.long_date(u.date), Health(u.overall, u.schedule, u.budget, u.scope),
                      u.summary, tuple(u.done), tuple(u.next), tuple(u.problems),
                      tuple(u.asks))


@dataclass(frozen=True)
class MilestoneWhen:
    """A milestone's dates in a sentence, and where it stands."""

    id: str
    title: str
    planned: str
    done: str            # '' while open
    forecast: str        # '' when done, without a forecast, or forecast as planned
    slip: str            # '+7 days' between the plan and the date shown, or ''
    state_key: str
    state_label: str


def milestone_when(m: r.Milestone, today: date, blockers: set[str]) -> MilestoneWhen:
    state = derive.milestone_state(m, today, blockers)
    forecast = m.forecast if not m.done and m.forecast and m.forecast != m.planned else None
    return MilestoneWhen(m.id, m.title, derive.long_date(m.planned), derive.long_date(m.done),
                         derive.long_date(forecast), derive.shown_slip(m), state.key,
                         state.label)


# --- Waiting on you ----------------------------------------------------------------------------

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
class WaitingView:
    as_of: str
    tasks: tuple[OpenTask, ...]
    signoffs: tuple[AwaitingSignoff, ...]
    decisions: tuple[AwaitingDecision, ...]
    changes: tuple[AwaitingChange, ...]
    done_tasks: tuple[DoneTask, ...]

    @property
    def decisions_or_changes(self) -> bool:
        return bool(self.decisions or self.changes)


def _open_task(t: r.ClientTask, today: date, titles: dict[str, str]) -> OpenTask:
    return OpenTask(t.id, t.title, t.owner, derive.long_date(t.due),
                    derive.overdue_label(t, today), derive.due_label(t, today),
                    tuple(Holdup(ms, titles[ms]) for ms in t.blocks))


def _awaiting_signoff(m: r.Milestone, dl: r.Deliverable, state: derive.SignoffState,
                      today: date) -> AwaitingSignoff:
    return AwaitingSignoff(dl.id, dl.title, m.id, m.title, derive.long_date(state.since),
                           derive.waiting_since(state, today))


def _awaiting_decision(dec: r.Decision) -> AwaitingDecision:
    return AwaitingDecision(decision_link(dec), derive.long_date(dec.date),
                            ", ".join(dec.deciders))


def _awaiting_change(x: r.Change, p: Project) -> AwaitingChange:
    return AwaitingChange(change_link(x), x.requested_by, derive.long_date(x.date),
                          derive.change_terms(x, p))


def waiting(p: Project, today: date, version: SiteVersion | None = None) -> WaitingView:
    """Everything waiting on the client, overdue first, and the tasks they have done."""
    w = derive.waiting(p, today)
    titles = {m.id: m.title for m in p.milestones}
    done = [DoneTask(t.id, t.title, t.owner, derive.long_date(t.due), derive.long_date(t.done),
                     derive.task_timeliness(t)) for t in derive.done_tasks(p)]
    return WaitingView(
        as_of=derive.long_date(today),
        tasks=tuple(_open_task(t, today, titles) for t in w.tasks),
        signoffs=tuple(_awaiting_signoff(m, dl, s, today) for m, dl, s in w.signoffs),
        decisions=tuple(_awaiting_decision(dec) for dec in w.decisions),
        changes=tuple(_awaiting_change(x, p) for x in w.changes),
        done_tasks=tuple(done),
    )


# --- Overview ----------------------------------------------------------------------------------

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


def _waiting_summary(p: Project, today: date) -> WaitingSummary:
    w = derive.waiting(p, today)
    shown = w.first(OVERVIEW_ITEMS)
    titles = {m.id: m.title for m in p.milestones}
    return WaitingSummary(
        count=w.count,
        headline=plural(w.count, "item needs", "items need"),
        tasks=tuple(_open_task(t, today, titles) for t in shown.tasks),
        signoffs=tuple(_awaiting_signoff(m, dl, s, today) for m, dl, s in shown.signoffs),
        decisions=tuple(decision_link(dec) for dec in shown.decisions),
        changes=tuple(_awaiting_change(x, p) for x in shown.changes),
        more=w.count - shown.count,
    )


def _budget(p: Project) -> BudgetView | None:
    b = p.client.budget
    if b is None:
        return None
    cost = derive.change_totals(p).cost
    label = f"Budget: {money(b.spent, b.currency)} of {money(b.total, b.currency)} spent"
    return BudgetView(derive.budget_sentence(b), b.spent, b.total, label,
                      money(cost, b.currency) if cost else "")


def overview(p: Project, today: date, version: SiteVersion | None = None) -> OverviewView:
    latest = derive.latest_update(p)
    nxt, final = derive.next_milestone(p), derive.final_milestone(p)
    blockers = derive.overdue_blockers(p, today)
    return OverviewView(
        project=p.client.project,
        client=p.client.name,
        as_of=derive.long_date(today),
        summary=p.client.summary,
        changes_since=version.changes_since if version else "",
        latest=update_view(latest) if latest else None,
        waiting=_waiting_summary(p, today),
        next=milestone_when(nxt, today, blockers) if nxt else None,
        final=milestone_when(final, today, blockers) if final else None,
        final_is_next=final is not None and final is nxt,
        project_end=derive.project_end(p),
        budget=_budget(p),
        feed=("../" if version else "") + "feed.xml",
    )


# --- Updates and their monthly archive ---------------------------------------------------------

@dataclass(frozen=True)
class MonthEntry:
    """One month of earlier updates, as the Updates page lists it."""

    link: Link
    count: str                    # '3 updates'
    overall: tuple[str, ...]      # each update's overall health, oldest first


@dataclass(frozen=True)
class UpdatesView:
    latest: UpdateView | None
    months: tuple[MonthEntry, ...]  # every update but the latest, newest month first


@dataclass(frozen=True)
class MonthView:
    """One month's archive page."""

    key: str                      # '2026-10': the page is updates/2026-10.md
    name: str                     # 'October 2026'
    updates: tuple[UpdateView, ...]  # newest first


def _earlier_months(p: Project) -> list[tuple[str, list[r.Update]]]:
    """Every update but the latest, by month: the latest is on the Updates page in full."""
    return derive.updates_by_month(p.updates[:-1])


def updates(p: Project, today: date, version: SiteVersion | None = None) -> UpdatesView:
    latest = derive.latest_update(p)
    months = [MonthEntry(Link(derive.month_name(key), f"{key}.md"), plural(len(us), "update"),
                         tuple(u.overall for u in reversed(us)))
              for key, us in _earlier_months(p)]
    return UpdatesView(update_view(latest) if latest else None, tuple(months))


def update_months(p: Project, today: date,
                  version: SiteVersion | None = None) -> tuple[MonthView, ...]:
    """One archive page per month of earlier updates."""
    return tuple(MonthView(key, derive.month_name(key), tuple(update_view(u) for u in us))
                 for key, us in _earlier_months(p))
