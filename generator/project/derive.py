"""Facts derived from the model and a date: status, lateness, what waits on the client.

Pure functions only: the same project and the same `today` always give the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from generator.format import records as r
from generator.numbers import days, money, percent, plural  # templates: d.days, ...
from generator.project.model import Project

LEVEL_SCORE = {"low": 1, "medium": 2, "high": 3}


# --- milestones ---------------------------------------------------------------------------

def expected_date(m: r.Milestone) -> date:
    """When the milestone is (or was) expected: done, else forecast, else planned."""
    return m.done or m.forecast or m.planned


def days_overdue(m: r.Milestone, today: date) -> int:
    """How late a milestone is: the days since its planned (agreed) date passed while it is
    not done; 0 when it is done or its date has not come yet, whatever the forecast says."""
    return (today - m.planned).days if not m.done and m.planned < today else 0


def plan_shift(m: r.Milestone) -> int:
    """Days from the planned date to the date the milestone is expected on (done, else
    forecast): positive later, negative earlier, 0 without another date. Not lateness: a
    forecast after the plan is a warning until the planned date passes (`days_overdue`)."""
    return (expected_date(m) - m.planned).days


def shift_words(n: int) -> str:
    """'14 days later than planned', '3 days earlier than planned', or 'as planned'."""
    if n == 0:
        return "as planned"
    return f"{days(abs(n))} {'later' if n > 0 else 'earlier'} than planned"


def against_plan(m: r.Milestone, today: date) -> str:
    """A milestone's date against its plan, for a table cell headed so: '14 days later',
    '3 days earlier', 'On plan', '14 days later · forecast passed' for an open milestone
    whose forecast is behind us, or 'No new date yet' for an overdue milestone whose only
    date is the one that passed."""
    n = plan_shift(m)
    if n:
        passed = not m.done and m.forecast is not None and m.forecast < today
        return f"{days(abs(n))} {'later' if n > 0 else 'earlier'}" + (
            " · forecast passed" if passed else "")
    return "No new date yet" if days_overdue(m, today) else "On plan"


@dataclass(frozen=True)
class MilestoneState:
    key: str    # done | on-track | at-risk | late
    label: str  # plain words for the client
    short: str  # the same for a table cell


def milestone_state(m: r.Milestone, today: date, overdue_blockers: set[str]) -> MilestoneState:
    """Where a milestone stands. Late ('Overdue by 5 days') means its planned (agreed) date
    has passed and it is not done, whatever the forecast says. At risk means not late yet,
    but forecast after plan or held up by an overdue task of the client's."""
    if m.done:
        late = (m.done - m.planned).days
        return MilestoneState("done", "Done" + (f", {days(late)} late" if late > 0 else ""),
                              "Done")
    if m.planned < today:
        return _overdue(m, today)
    if m.forecast and m.forecast < today:
        return MilestoneState("at-risk", f"At risk: its forecast ({long_date(m.forecast)}) has"
                              " passed", "At risk")
    if m.forecast and m.forecast > m.planned:
        return MilestoneState("at-risk", f"At risk: forecast "
                              f"{days((m.forecast - m.planned).days)} after plan", "At risk")
    if m.id in overdue_blockers:
        return MilestoneState("at-risk", "At risk: waiting on an overdue task of yours",
                              "At risk")
    return MilestoneState("on-track", "On track", "On track")


def _overdue(m: r.Milestone, today: date) -> MilestoneState:
    """An open milestone past its planned date: how many days, and whether its forecast has
    passed too (in a table, the Against plan column says that)."""
    late = f"Overdue by {days(days_overdue(m, today))}"
    if m.forecast and m.forecast < today and m.forecast != m.planned:
        return MilestoneState("late", f"{late} · its forecast ({long_date(m.forecast)}) has "
                              "passed", late)
    return MilestoneState("late", late, late)


def next_milestone(p: Project) -> r.Milestone | None:
    open_ones = [m for m in p.milestones if not m.done]
    return min(open_ones, key=lambda m: (m.forecast or m.planned, m.planned), default=None)


def final_milestone(p: Project) -> r.Milestone | None:
    """The milestone planned last (the launch, or the close of the project)."""
    return max(reversed(p.milestones), key=lambda m: m.planned, default=None)


def shown_slip(m: r.Milestone) -> str:
    """'7 days later than planned': how far the date shown beside the plan (done, else
    forecast) is from it; '' when there is no other date or it is the planned one."""
    n = plan_shift(m)
    return shift_words(n) if n else ""


def project_end(p: Project) -> str:
    """'The project is planned to end on 18 December 2026.' ('' without an end date)."""
    end = p.client.end
    return f"The project is planned to end on {long_date(end)}." if end else ""


def phases(p: Project) -> list[tuple[str, list[r.Milestone]]]:
    """Milestones grouped by phase, phases in order of first appearance."""
    groups: dict[str, list[r.Milestone]] = {}
    for m in p.milestones:
        groups.setdefault(m.phase or "Milestones", []).append(m)
    return list(groups.items())


# --- client tasks -------------------------------------------------------------------------

def overdue_days(t: r.ClientTask, today: date) -> int:
    return (today - t.due).days if not t.done and t.due < today else 0


def open_tasks(p: Project, today: date) -> list[r.ClientTask]:
    """Open client tasks, overdue first (most overdue first), then by due date."""
    return sorted((t for t in p.client_tasks if not t.done),
                  key=lambda t: (-overdue_days(t, today), t.due, t.id))


def done_tasks(p: Project) -> list[r.ClientTask]:
    return sorted((t for t in p.client_tasks if t.done), key=lambda t: (t.done, t.id),
                  reverse=True)


def overdue_label(t: r.ClientTask, today: date) -> str:
    """'Overdue by 3 days', or '' for a task that is not overdue."""
    n = overdue_days(t, today)
    return f"Overdue by {days(n)}" if n else ""


def due_label(t: r.ClientTask, today: date) -> str:
    """How an open task stands against its due date: overdue, due today, or due in N days."""
    if t.due < today:
        return overdue_label(t, today)
    return f"Due in {days((t.due - today).days)}" if t.due > today else "Due today"


def task_timeliness(t: r.ClientTask) -> str:
    late = (t.done - t.due).days if t.done else 0
    return "On time" if late <= 0 else f"{days(late)} late"


def overdue_blockers(p: Project, today: date) -> set[str]:
    """Milestones blocked by an overdue client task."""
    return {ms for t in p.client_tasks if overdue_days(t, today) for ms in t.blocks}


# --- sign-offs ----------------------------------------------------------------------------

SIGNOFF_WORDS = {
    "approved": "approved", "awaiting": "awaiting your sign-off",
    "changes-requested": "changes requested", "rejected": "rejected",
    "not-delivered": "not delivered yet", "not-required": "no sign-off needed",
}


@dataclass(frozen=True)
class SignoffState:
    key: str    # approved | awaiting | changes-requested | rejected | not-delivered | not-required
    label: str
    since: date | None = None
    last: r.Signoff | None = None

    @property
    def short(self) -> str:
        return SIGNOFF_WORDS[self.key]


def deliverables(p: Project) -> list[tuple[r.Milestone, r.Deliverable]]:
    return [(m, d) for m in p.milestones for d in m.deliverables]


def signoff_history(p: Project) -> dict[str, list[r.Signoff]]:
    history: dict[str, list[r.Signoff]] = defaultdict(list)
    for s in p.signoffs:
        history[s.deliverable].append(s)
    return history


def signoff_state(m: r.Milestone, d: r.Deliverable, history: list[r.Signoff]) -> SignoffState:
    if not d.signoff:
        return SignoffState("not-required", "Sign-off not required")
    last = history[-1] if history else None
    handed_over = d.delivered or (m.done if not history else None)
    if last and last.outcome == "approved":
        return SignoffState("approved", f"Approved: version {last.version} on "
                            f"{long_date(last.date)} by {last.by}", last.date, last)
    if handed_over and (last is None or handed_over > last.date):
        return SignoffState("awaiting", "Awaiting your sign-off", handed_over, last)
    if last and last.outcome == "changes-requested":
        return SignoffState("changes-requested", f"Changes requested on {long_date(last.date)}:"
                            " we are revising it", last.date, last)
    if last and last.outcome == "rejected":
        return SignoffState("rejected", f"Rejected on {long_date(last.date)}", last.date, last)
    return SignoffState("not-delivered", "Not delivered yet")


def by_email(what: str, e: r.Evidence | None) -> str:
    """'Signed off by email on 3 December 2026 by Dana Cruz': the evidence of an answer that
    `milepost inbox` wrote in from the client's email; '' for one written by hand."""
    return f"{what} by email on {long_date(e.date)} by {e.by}" if e else ""


def rating_milestone(p: Project) -> r.Milestone | None:
    """The milestone to ask the client to rate: the last one done, unless they rated it."""
    rated = {f.about for f in p.feedback if f.score is not None}
    done = sorted((m for m in p.milestones if m.done), key=lambda m: (m.done, m.id))
    return done[-1] if done and done[-1].id not in rated else None


def waiting_since(state: SignoffState, today: date) -> str:
    """How long a deliverable has been with the client for sign-off: '5 days'."""
    return days((today - state.since).days) if state.since else ""


def awaiting_signoff(p: Project) -> list[tuple[r.Milestone, r.Deliverable, SignoffState]]:
    history = signoff_history(p)
    found = [(m, d, signoff_state(m, d, history.get(d.id, []))) for m, d in deliverables(p)]
    # An awaiting deliverable always has the date it was handed over (`since`).
    return sorted([x for x in found if x[2].key == "awaiting"],
                  key=lambda x: x[2].since or date.min)


# --- decisions ----------------------------------------------------------------------------

def superseded_by(p: Project) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for d in p.decisions:
        for old in d.supersedes:
            result[old].append(d.id)
    return dict(result)


def decisions_newest_first(p: Project) -> list[r.Decision]:
    return sorted(p.decisions, key=lambda d: (d.date, d.id), reverse=True)


def awaiting_decisions(p: Project) -> list[r.Decision]:
    """Proposed decisions the client takes part in (or with nobody named yet)."""
    client_side = {c.name for c in p.client.team if c.side == "client"}
    return sorted((d for d in p.decisions if d.status == "proposed"
                   and (not d.deciders or client_side & set(d.deciders))),
                  key=lambda d: (d.date, d.id))


def awaiting_changes(p: Project) -> list[r.Change]:
    """Change requests not answered yet: each is a yes or no the client owes, oldest first."""
    return sorted((x for x in p.changes if x.status == "requested"),
                  key=lambda x: (x.date, x.id))


def change_terms(x: r.Change, p: Project) -> str:
    """What a yes to a change means: 'it costs 2,500 EUR and moves the schedule by 4 days',
    each part only where the change request gives it ('' if it gives neither)."""
    parts = []
    if x.estimate and x.estimate.cost is not None:
        parts.append(f"costs {money(x.estimate.cost, currency(p))}")
    if x.schedule_impact_days is not None:
        parts.append(schedule_move(x.schedule_impact_days, one=True))
    return "it " + " and ".join(parts) if parts else ""


def schedule_move(moved: float, *, one: bool) -> str:
    """'moves the schedule by 4 days', 'brings the schedule forward by 2 days' or 'does not
    move the schedule' ('move', 'bring', 'do not' after a plural)."""
    verbs = ("moves", "brings", "does") if one else ("move", "bring", "do")
    if moved > 0:
        return f"{verbs[0]} the schedule by {days(moved)}"
    if moved < 0:
        return f"{verbs[1]} the schedule forward by {days(-moved)}"
    return f"{verbs[2]} not move the schedule"


@dataclass(frozen=True)
class Waiting:
    """Everything waiting on the client: tasks, sign-offs, decisions and change requests."""

    tasks: list[r.ClientTask]
    signoffs: list[tuple[r.Milestone, r.Deliverable, SignoffState]]
    decisions: list[r.Decision]
    changes: list[r.Change]

    @property
    def count(self) -> int:
        return len(self.tasks) + len(self.signoffs) + len(self.decisions) + len(self.changes)

    def first(self, n: int) -> Waiting:
        """The first `n` of each kind: the overview shows a few, the Waiting page all."""
        return Waiting(self.tasks[:n], self.signoffs[:n], self.decisions[:n], self.changes[:n])


def waiting(p: Project, today: date) -> Waiting:
    return Waiting(open_tasks(p, today), awaiting_signoff(p), awaiting_decisions(p),
                   awaiting_changes(p))


# --- risks, changes, budget -----------------------------------------------------------------

def severity(risk: r.Risk) -> int:
    return LEVEL_SCORE[risk.likelihood] * LEVEL_SCORE[risk.impact]


def severity_label(risk: r.Risk) -> str:
    score = severity(risk)
    return "High" if score >= 6 else "Medium" if score >= 3 else "Low"


def client_people(p: Project) -> set[str]:
    return {c.name for c in p.client.team if c.side == "client"}


def open_risks(p: Project) -> list[r.Risk]:
    return sorted((x for x in p.risks if x.status == "open"),
                  key=lambda x: (-severity(x), x.id))


def approved_changes(p: Project) -> list[r.Change]:
    return [x for x in p.changes if x.status in ("approved", "done")]


@dataclass(frozen=True)
class ChangeTotals:
    count: int
    days: float
    cost: float
    schedule_days: float


def change_totals(p: Project) -> ChangeTotals:
    approved = approved_changes(p)
    return ChangeTotals(
        count=len(approved),
        days=sum((x.estimate.days or 0) for x in approved if x.estimate),
        cost=sum((x.estimate.cost or 0) for x in approved if x.estimate),
        schedule_days=sum(x.schedule_impact_days or 0 for x in approved),
    )


def currency(p: Project) -> str:
    """The budget's currency: every amount of a client is in it ('' without a budget)."""
    return p.client.budget.currency if p.client.budget else ""


def change_effort(x: r.Change) -> str:
    """'2.05 days' of extra work, or '–' without an estimate of days."""
    return days(x.estimate.days) if x.estimate and x.estimate.days is not None else "–"


def change_cost(x: r.Change, p: Project) -> str:
    """'3,600 EUR' of extra cost, or '–' without an estimate of cost."""
    cost = x.estimate.cost if x.estimate else None
    return "–" if cost is None else money(cost, currency(p))


def change_schedule(x: r.Change) -> str:
    """'+10 days' the change moves the schedule, or '–' when it does not."""
    return days(x.schedule_impact_days, sign=True) if x.schedule_impact_days else "–"


def change_totals_sentence(p: Project) -> str:
    """'2 approved changes add 14 days of work and 12,600 EUR, and move the schedule by 10
    days.' Only what is known and not nothing: no '0 days', no '0 EUR', nothing about the
    schedule when no approved change gives its effect (the amount only with a budget,
    whose currency it is in)."""
    approved, t = approved_changes(p), change_totals(p)
    if not approved:
        agreed = "scope, budget and schedule" if p.client.budget else "scope and schedule"
        return f"No change request has been approved yet: the agreed {agreed} stand."
    one = t.count == 1
    added = [*([f"{days(t.days)} of work"] if t.days else []),
             *([money(t.cost, currency(p))] if p.client.budget and t.cost else [])]
    clauses = [f"{'adds' if one else 'add'} {' and '.join(added)}"] if added else []
    if any(x.schedule_impact_days is not None for x in approved):
        clauses.append(schedule_move(t.schedule_days, one=one))
    counted = plural(t.count, "approved change")
    return f"{counted} {', and '.join(clauses)}." if clauses else f"{counted}, not estimated yet."


def budget_sentence(b: r.Budget) -> str:
    """'83,600 EUR of 148,000 EUR spent (56%), as of 20 November 2026.'"""
    as_of = f", as of {long_date(b.as_of)}" if b.as_of else ""
    return (f"{money(b.spent, b.currency)} of {money(b.total, b.currency)} spent "
            f"({percent(b.spent, b.total)}){as_of}.")


# --- updates ------------------------------------------------------------------------------

def latest_update(p: Project) -> r.Update | None:
    return p.updates[-1] if p.updates else None


def updates_by_month(updates: list[r.Update]) -> list[tuple[str, list[r.Update]]]:
    """(YYYY-MM, updates newest first), newest month first."""
    months: dict[str, list[r.Update]] = defaultdict(list)
    for u in updates:
        months[u.date.strftime("%Y-%m")].append(u)
    return [(k, sorted(v, key=lambda u: u.date, reverse=True))
            for k, v in sorted(months.items(), reverse=True)]


# --- words ---------------------------------------------------------------------------------

RAG_WORDS = {"green": "On track", "amber": "Needs attention", "red": "In trouble"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def long_date(d: date | None) -> str:
    """13 November 2026: unambiguous in every country."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def short_date(d: date | None) -> str:
    """13 Nov 2026, with no-break spaces so a table cell never splits it."""
    return f"{d.day}\u00a0{MONTHS[d.month - 1][:3]}\u00a0{d.year}" if d else ""


def month_name(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


