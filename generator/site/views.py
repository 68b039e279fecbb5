"""What each page shows, worked out in Python: one small view per page.

A view is built by a pure function of the public project, the day the site is built for and
the version being built. It does all the computing a page needs (filtering, sorting,
counting, cutting lists, totals) and gives every date, amount and number as the text a
client reads (through `generator.numbers` and `derive`). Templates then only lay it out:
they loop, branch on a field and print it, and their wording stays theirs.

Text from YAML stays data here: views hold plain strings, and the templates' printing
escapes them (see `render._finalize`). Markdown fields are kept as written, for the
template's `rich(...)` to render safely; a view holds `Markup` only for what Milepost
draws itself (the timeline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.format import records as r
from generator.format.pages import decision_page
from generator.numbers import days, money, plural
from generator.project import derive
from generator.project.model import Project, Section
from generator.site import wording
from generator.site.answers import answer_link, answers_for
from generator.site.markup import plain
from generator.site.timeline import timeline_svg

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
    return OpenTask(t.id, t.title, t.owner, wording.long_date(t.due),
                    wording.overdue_label(t, today), wording.due_label(t, today),
                    tuple(Holdup(ms, titles[ms]) for ms in t.blocks))


def _awaiting_signoff(m: r.Milestone, dl: r.Deliverable, state: derive.SignoffState,
                      today: date) -> AwaitingSignoff:
    return AwaitingSignoff(dl.id, dl.title, m.id, m.title, wording.long_date(state.since),
                           wording.waiting_since(state, today))


def _awaiting_decision(dec: r.Decision) -> AwaitingDecision:
    return AwaitingDecision(decision_link(dec), wording.long_date(dec.date),
                            ", ".join(dec.deciders))


def _awaiting_change(x: r.Change, p: Project) -> AwaitingChange:
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


# --- Your feedback -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackEntry:
    date: str
    by: str
    about: str                   # 'M3 Design', or 'the project'
    score: str                   # '4 of 5', or ''
    comment: str | None          # Markdown, as written
    response: str | None         # Markdown, as written
    status: str                  # 'We responded on …' or 'Waiting on us since … (5 days)'
    waiting: bool


@dataclass(frozen=True)
class FeedbackView:
    entries: tuple[FeedbackEntry, ...]   # newest first
    open: int                            # how many wait on the agency


def _feedback_entry(x: r.Feedback, places: dict[str, tuple[str, str]], today: date
                    ) -> FeedbackEntry:
    about = f"{x.about} {places[x.about][0]}" if x.about in places else x.about or "the project"
    if x.responded:
        status = f"We responded on {wording.long_date(x.responded)}"
    else:
        waited = (today - x.date).days
        status = (f"Waiting on us since {wording.long_date(x.date)} "
                  f"({days(waited) if waited else 'today'})")
    return FeedbackEntry(wording.long_date(x.date), x.by, about,
                         f"{x.score:g} of 5" if x.score is not None else "", x.comment,
                         x.response, status, x.responded is None)


def feedback(p: Project, today: date, version: SiteVersion | None = None) -> FeedbackView:
    places = related_places(p)
    entries = tuple(_feedback_entry(x, places, today) for x in reversed(p.feedback))
    return FeedbackView(entries, sum(e.waiting for e in entries))


# --- Updates and their monthly archive ---------------------------------------------------------

@dataclass(frozen=True)
class MonthEntry:
    """One month of earlier updates, as the Updates page lists it."""

    link: Link
    count: str                    # '3 updates'
    overall: tuple[str, ...]      # each update's overall health, oldest first

    @property
    def trail(self) -> str:
        """'amber → amber → green': the month's overall health, oldest first."""
        return " → ".join(self.overall)


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
    months = [MonthEntry(Link(wording.month_name(key), f"{key}.md"), plural(len(us), "update"),
                         tuple(u.overall for u in reversed(us)))
              for key, us in _earlier_months(p)]
    return UpdatesView(update_view(latest) if latest else None, tuple(months))


def update_months(p: Project, today: date,
                  version: SiteVersion | None = None) -> tuple[MonthView, ...]:
    """One archive page per month of earlier updates."""
    return tuple(MonthView(key, wording.month_name(key), tuple(update_view(u) for u in us))
                 for key, us in _earlier_months(p))


# --- Roadmap -----------------------------------------------------------------------------------

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
class Described:
    """A record's own Markdown description, under its ID and title."""

    id: str
    title: str
    description: str


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
        m.id, m.title, wording.short_date(m.planned), _or_dash(wording.short_date(m.forecast)),
        _or_dash(wording.short_date(m.done)), wording.against_plan(m, today),
        Badge(state.key, state.short),
        tuple(DeliverableState(dl.id, wording.signoff_words(
            derive.signoff_state(m, dl, history.get(dl.id, []))).short)
              for dl in m.deliverables),
        _or_dash(", ".join(m.depends_on)))


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


# --- Sign-offs ---------------------------------------------------------------------------------

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
                        _or_dash(plain(s.notes)))


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


# --- Decisions: the index and one page each ------------------------------------------------------

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
                    _or_dash(", ".join(dec.deciders)))
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


def _related(ids: list[str], places: dict[str, tuple[str, str]], up: str) -> tuple[Link, ...]:
    return tuple(Link(f"{i} {places[i][0]}", up + places[i][1]) if i in places else Link(i, "")
                 for i in ids)


def decision(p: Project, dec: r.Decision) -> DecisionView:
    """One decision's page, beside the index in decisions/."""
    by_id = {x.id: x for x in p.decisions}
    replaced = derive.superseded_by(p).get(dec.id, []) if dec.status == "superseded" else []
    return DecisionView(
        id=dec.id, title=dec.title,
        replaced_by=tuple(Replacement(new.lower(), new, by_id[new].title) for new in replaced),
        status=_status(dec, {}), date=wording.long_date(dec.date),
        deciders=", ".join(dec.deciders),
        context=dec.context,
        options=tuple(OptionView(o.name, o.summary, tuple(o.pros), tuple(o.cons))
                      for o in dec.options),
        decision=dec.decision, consequences=dec.consequences,
        supersedes=tuple(decision_link(by_id[old], "") for old in dec.supersedes),
        related=_related(dec.related, related_places(p), "../"),
        evidence=wording.by_email("Decided", dec.evidence),
    )


# --- Scope changes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeRow:
    id: str
    title: str
    status: Badge
    requested: str
    requested_by: str
    decided: str
    effort: str      # '2.05 days', or a dash
    cost: str        # '3,600 EUR', or a dash
    schedule: str    # '+10 days', or a dash


@dataclass(frozen=True)
class BudgetWithChanges:
    """The budget against the approved changes, each amount in the budget's currency."""

    original: str
    approved: str
    with_changes: str
    spent: str
    as_of: str       # the date the spent figure was taken, or ''


@dataclass(frozen=True)
class ChangesView:
    any: bool                    # any change request at all
    totals: str                  # '2 approved changes add 14 days of work and …'
    budget: BudgetWithChanges | None
    changes: tuple[ChangeRow, ...]      # newest first
    details: tuple[Described, ...]      # those with a description, in file order


def _change_row(x: r.Change, p: Project) -> ChangeRow:
    return ChangeRow(x.id, x.title, Badge(f"change-{x.status}", x.status.capitalize()),
                     wording.long_date(x.date), x.requested_by,
                     _or_dash(wording.long_date(x.decided)), wording.change_effort(x),
                     wording.change_cost(x, p), wording.change_schedule(x))


def _budget_with_changes(p: Project) -> BudgetWithChanges | None:
    b = p.client.budget
    if b is None:
        return None
    cost = derive.change_totals(p).cost
    return BudgetWithChanges(money(b.total, b.currency), money(cost, b.currency),
                             money(b.total + cost, b.currency), money(b.spent, b.currency),
                             wording.long_date(b.as_of))


def changes(p: Project, today: date, version: SiteVersion | None = None) -> ChangesView:
    newest_first = sorted(p.changes, key=lambda x: x.date, reverse=True)
    return ChangesView(
        any=bool(p.changes),
        totals=wording.change_totals_sentence(p),
        budget=_budget_with_changes(p),
        changes=tuple(_change_row(x, p) for x in newest_first),
        details=tuple(Described(x.id, x.title, x.description) for x in p.changes
                      if x.description),
    )


# --- Risks -------------------------------------------------------------------------------------

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
                    x.impact, x.owner, x.owner in yours, _or_dash(plain(x.mitigation)))


def risks(p: Project, today: date, version: SiteVersion | None = None) -> RisksView:
    yours = derive.client_people(p)
    # By ID regardless of capitals, as the page has always listed them.
    past = sorted((x for x in p.risks if x.status != "open"), key=lambda x: x.id.lower())
    return RisksView(
        open=tuple(_open_risk(x, yours) for x in derive.open_risks(p)),
        past=tuple(PastRisk(x.id, x.title, Badge(f"risk-{x.status}", x.status.capitalize()),
                            wording.severity_label(x), x.owner, _or_dash(plain(x.mitigation)))
                   for x in past),
    )


# --- Team & communication ----------------------------------------------------------------------

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
    return Person(c.name, lead, _or_dash(c.role), c.email, _or_dash(c.phone))


def team(p: Project, today: date, version: SiteVersion | None = None) -> TeamView:
    people = p.client.team
    sides = [TeamSide(title, tuple(_person(c) for c in people if c.side == side))
             for title, side in (("Your team", "client"), ("Our team", "team"))]
    lead = next((c for c in people if c.side == "client" and c.lead), None)
    return TeamView(
        lead=LeadView(lead.name, lead.role) if lead else None,
        sides=tuple(s for s in sides if s.people),
        channels=tuple(ChannelView(ch.channel, _or_dash(ch.when), _or_dash(ch.address),
                                   _or_dash(ch.response)) for ch in p.client.communication),
    )


# --- Glossary ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    term: str
    meaning: str


@dataclass(frozen=True)
class GlossaryView:
    terms: tuple[Term, ...]      # alphabetical, regardless of capitals


def glossary(p: Project, today: date, version: SiteVersion | None = None) -> GlossaryView:
    terms = sorted(p.client.glossary.items(), key=lambda kv: kv[0].lower())
    return GlossaryView(tuple(Term(t, m) for t, m in terms))


# --- What changed ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WhatChangedView:
    """What changed in this version of the site against the one before it."""

    is_latest: bool
    name: str                    # the version's name, e.g. 'v2'
    date: str
    compared: bool               # False for the first version: nothing to compare with
    since: str                   # the version compared with, e.g. 'v1'
    since_date: str
    scope: str                   # 'this site' for latest, else the version's name
    note: str                    # the release note, shown on a released version only
    sections: tuple[Section, ...]


def what_changed(p: Project, today: date, version: SiteVersion | None = None) -> WhatChangedView:
    if version is None:
        raise ValueError("What changed needs the version being built")
    since, since_day = version.previous or ("", None)
    return WhatChangedView(
        is_latest=version.is_latest, name=version.name, date=wording.long_date(version.date),
        compared=version.previous is not None, since=since,
        since_date=wording.long_date(since_day),
        scope="this site" if version.is_latest else version.name,
        note="" if version.is_latest else version.note,
        sections=tuple(version.changes),
    )
