"""Facts derived from the model and a date: status, lateness, what waits on the client.

Pure functions only: the same project and the same `today` always give the same answers.
They answer in numbers, dates, records and state keys, never in words: how a client reads
a fact ('Overdue by 3 days', '13 November 2026') is the site's (`generator.site.wording`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from generator.format import records as r
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


@dataclass(frozen=True)
class MilestoneState:
    """Where a milestone stands, and why."""

    key: str        # done | on-track | at-risk | late
    why: str = ""   # at-risk: forecast-passed | forecast-after-plan | blocked; late:
                    # forecast-passed when its forecast has passed too, else ''
    days: int = 0   # done: days after plan (0 on time or early); late: days overdue;
                    # forecast-after-plan: days the forecast is after plan


def milestone_state(m: r.Milestone, today: date, overdue_blockers: set[str]) -> MilestoneState:
    """Where a milestone stands. Late means its planned (agreed) date has passed and it is
    not done, whatever the forecast says. At risk means not late yet, but forecast after
    plan (or a forecast already passed) or held up by an overdue task of the client's."""
    if m.done:
        return MilestoneState("done", days=max((m.done - m.planned).days, 0))
    if m.planned < today:
        passed = bool(m.forecast and m.forecast < today and m.forecast != m.planned)
        return MilestoneState("late", "forecast-passed" if passed else "",
                              days_overdue(m, today))
    if m.forecast and m.forecast < today:
        return MilestoneState("at-risk", "forecast-passed")
    if m.forecast and m.forecast > m.planned:
        return MilestoneState("at-risk", "forecast-after-plan", (m.forecast - m.planned).days)
    if m.id in overdue_blockers:
        return MilestoneState("at-risk", "blocked")
    return MilestoneState("on-track")


def next_milestone(p: Project) -> r.Milestone | None:
    open_ones = [m for m in p.milestones if not m.done]
    return min(open_ones, key=lambda m: (m.forecast or m.planned, m.planned), default=None)


def final_milestone(p: Project) -> r.Milestone | None:
    """The milestone planned last (the launch, or the close of the project)."""
    return max(reversed(p.milestones), key=lambda m: m.planned, default=None)


def phases(p: Project, unnamed: str) -> list[tuple[str, list[r.Milestone]]]:
    """Milestones grouped by phase, phases in order of first appearance; those without a
    phase go with the phase named `unnamed` (the site's word for them)."""
    groups: dict[str, list[r.Milestone]] = {}
    for m in p.milestones:
        groups.setdefault(m.phase or unnamed, []).append(m)
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


def overdue_blockers(p: Project, today: date) -> set[str]:
    """Milestones blocked by an overdue client task."""
    return {ms for t in p.client_tasks if overdue_days(t, today) for ms in t.blocks}


# --- sign-offs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SignoffState:
    """Where a deliverable's sign-off stands, since when, and the client's last answer."""

    key: str    # approved | awaiting | changes-requested | rejected | not-delivered | not-required
    since: date | None = None
    last: r.Signoff | None = None


def deliverables(p: Project) -> list[tuple[r.Milestone, r.Deliverable]]:
    return [(m, d) for m in p.milestones for d in m.deliverables]


def signoff_history(p: Project) -> dict[str, list[r.Signoff]]:
    history: dict[str, list[r.Signoff]] = defaultdict(list)
    for s in p.signoffs:
        history[s.deliverable].append(s)
    return history


def signoff_state(m: r.Milestone, d: r.Deliverable, history: list[r.Signoff]) -> SignoffState:
    if not d.signoff:
        return SignoffState("not-required")
    last = history[-1] if history else None
    handed_over = d.delivered or (m.done if not history else None)
    if last and last.outcome == "approved":
        return SignoffState("approved", last.date, last)
    if handed_over and (last is None or handed_over > last.date):
        return SignoffState("awaiting", handed_over, last)
    if last and last.outcome in ("changes-requested", "rejected"):
        return SignoffState(last.outcome, last.date, last)
    return SignoffState("not-delivered")


def rating_milestone(p: Project) -> r.Milestone | None:
    """The milestone to ask the client to rate: the last one done, unless they rated it."""
    rated = {f.about for f in p.feedback if f.score is not None}
    done = sorted((m for m in p.milestones if m.done), key=lambda m: (m.done, m.id))
    return done[-1] if done and done[-1].id not in rated else None


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


def severity_level(risk: r.Risk) -> str:
    """'high', 'medium' or 'low': likelihood times impact, as a level."""
    score = severity(risk)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


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
