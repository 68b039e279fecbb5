"""What the model's facts say to a reader: dates, states, lateness and amounts in words.

`project/derive.py` works out the facts (a milestone is late by 5 days, a sign-off awaits
the client since a date); this module says them the one way every page, feed, calendar,
digest and agency page says them ('Overdue by 5 days', '13 November 2026'). Pure functions
of the model, its facts and a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.format import records as r
from generator.numbers import days, money, percent, plural
from generator.project import derive
from generator.project.model import Project

RAG_WORDS = {"green": "On track", "amber": "Needs attention", "red": "In trouble"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
UNPHASED = "Milestones"  # the heading of the milestones that name no phase


# --- dates ---------------------------------------------------------------------------------

def long_date(d: date | None) -> str:
    """13 November 2026: unambiguous in every country."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def short_date(d: date | None) -> str:
    """13 Nov 2026, with no-break spaces so a table cell never splits it."""
    return f"{d.day}\u00a0{MONTHS[d.month - 1][:3]}\u00a0{d.year}" if d else ""


def month_name(key: str) -> str:
    """'October 2026' for the month key '2026-10'."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


# --- milestones ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Worded:
    """A state as the client reads it: `key` names it for the style, `label` says it in a
    sentence, `short` in a table cell."""

    key: str
    label: str
    short: str


def milestone_words(m: r.Milestone, state: derive.MilestoneState) -> Worded:
    """'Overdue by 5 days', 'At risk: forecast 21 days after plan', 'Done, 7 days late'."""
    if state.key == "done":
        return Worded("done", "Done" + (f", {days(state.days)} late" if state.days else ""),
                      "Done")
    if state.key == "late":
        late = f"Overdue by {days(state.days)}"
        passed = f" · its forecast ({long_date(m.forecast)}) has passed"
        return Worded("late", late + (passed if state.why == "forecast-passed" else ""), late)
    if state.key == "at-risk":
        why = {"forecast-passed": f"its forecast ({long_date(m.forecast)}) has passed",
               "forecast-after-plan": f"forecast {days(state.days)} after plan",
               "blocked": "waiting on an overdue task of yours"}[state.why]
        return Worded("at-risk", f"At risk: {why}", "At risk")
    return Worded("on-track", "On track", "On track")


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
    n = derive.plan_shift(m)
    if n:
        passed = not m.done and m.forecast is not None and m.forecast < today
        return f"{days(abs(n))} {'later' if n > 0 else 'earlier'}" + (
            " · forecast passed" if passed else "")
    return "No new date yet" if derive.days_overdue(m, today) else "On plan"


def shown_slip(m: r.Milestone) -> str:
    """'7 days later than planned': how far the date shown beside the plan (done, else
    forecast) is from it; '' when there is no other date or it is the planned one."""
    n = derive.plan_shift(m)
    return shift_words(n) if n else ""


def project_end(p: Project) -> str:
    """'The project is planned to end on 18 December 2026.' ('' without an end date)."""
    end = p.client.end
    return f"The project is planned to end on {long_date(end)}." if end else ""


# --- client tasks --------------------------------------------------------------------------

def overdue_label(t: r.ClientTask, today: date) -> str:
    """'Overdue by 3 days', or '' for a task that is not overdue."""
    n = derive.overdue_days(t, today)
    return f"Overdue by {days(n)}" if n else ""


def due_label(t: r.ClientTask, today: date) -> str:
    """How an open task stands against its due date: overdue, due today, or due in N days."""
    if t.due < today:
        return overdue_label(t, today)
    return f"Due in {days((t.due - today).days)}" if t.due > today else "Due today"


def task_timeliness(t: r.ClientTask) -> str:
    """'On time', or '3 days late' for a task done after its due date."""
    late = (t.done - t.due).days if t.done else 0
    return "On time" if late <= 0 else f"{days(late)} late"


# --- sign-offs -----------------------------------------------------------------------------

SIGNOFF_WORDS = {
    "approved": "approved", "awaiting": "awaiting your sign-off",
    "changes-requested": "changes requested", "rejected": "rejected",
    "not-delivered": "not delivered yet", "not-required": "no sign-off needed",
}


def signoff_words(state: derive.SignoffState) -> Worded:
    """'Approved: version 2 on 3 May 2026 by Dana Cruz', 'Awaiting your sign-off', …"""
    last = state.last
    if state.key == "approved" and last:
        label = f"Approved: version {last.version} on {long_date(last.date)} by {last.by}"
    elif state.key == "changes-requested" and last:
        label = f"Changes requested on {long_date(last.date)}: we are revising it"
    elif state.key == "rejected" and last:
        label = f"Rejected on {long_date(last.date)}"
    else:
        label = {"awaiting": "Awaiting your sign-off", "not-delivered": "Not delivered yet",
                 "not-required": "Sign-off not required"}[state.key]
    return Worded(state.key, label, SIGNOFF_WORDS[state.key])


def waiting_since(state: derive.SignoffState, today: date) -> str:
    """How long a deliverable has been with the client for sign-off: '5 days'."""
    return days((today - state.since).days) if state.since else ""


def by_email(what: str, e: r.Evidence | None) -> str:
    """'Signed off by email on 3 December 2026 by Dana Cruz': the evidence of an answer that
    `milepost inbox` wrote in from the client's email; '' for one written by hand."""
    return f"{what} by email on {long_date(e.date)} by {e.by}" if e else ""


# --- risks ---------------------------------------------------------------------------------

def severity_label(risk: r.Risk) -> str:
    """'High', 'Medium' or 'Low'."""
    return derive.severity_level(risk).capitalize()


# --- changes and budget --------------------------------------------------------------------

def change_terms(x: r.Change, p: Project) -> str:
    """What a yes to a change means: 'it costs 2,500 EUR and moves the schedule by 4 days',
    each part only where the change request gives it ('' if it gives neither)."""
    parts = []
    if x.estimate and x.estimate.cost is not None:
        parts.append(f"costs {money(x.estimate.cost, derive.currency(p))}")
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


def change_effort(x: r.Change) -> str:
    """'2.05 days' of extra work, or '–' without an estimate of days."""
    return days(x.estimate.days) if x.estimate and x.estimate.days is not None else "–"


def change_cost(x: r.Change, p: Project) -> str:
    """'3,600 EUR' of extra cost, or '–' without an estimate of cost."""
    cost = x.estimate.cost if x.estimate else None
    return "–" if cost is None else money(cost, derive.currency(p))


def change_schedule(x: r.Change) -> str:
    """'+10 days' the change moves the schedule, or '–' when it does not."""
    return days(x.schedule_impact_days, sign=True) if x.schedule_impact_days else "–"


def change_totals_sentence(p: Project) -> str:
    """'2 approved changes add 14 days of work and 12,600 EUR, and move the schedule by 10
    days.' Only what is known and not nothing: no '0 days', no '0 EUR', nothing about the
    schedule when no approved change gives its effect (the amount only with a budget,
    whose currency it is in)."""
    approved, t = derive.approved_changes(p), derive.change_totals(p)
    if not approved:
        agreed = "scope, budget and schedule" if p.client.budget else "scope and schedule"
        return f"No change request has been approved yet: the agreed {agreed} stand."
    one = t.count == 1
    added = [*([f"{days(t.days)} of work"] if t.days else []),
             *([money(t.cost, derive.currency(p))] if p.client.budget and t.cost else [])]
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
