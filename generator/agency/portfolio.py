"""The agency's figures: one row per client, and the lists across clients.

Pure functions of the agency's models and a date, like `project/derive.py` (whose rules they
reuse: a figure here is the figure the client's own pages show); `views.py` words them for
the pages. Everything the agency knows counts, internal records included; the lists say
which items are internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.agency.full import AgencyClient
from generator.format import pages
from generator.format import records as r
from generator.numbers import percent
from generator.project import derive
from generator.project.model import Project
from generator.site import wording

STALE_AFTER = 14          # days without a status update before a client is flagged
TREND_UPDATES = 4         # the last updates the health trend is drawn from
RAG_SCORE = {"green": 0, "amber": 1, "red": 2}
# Percentage points the budget spent may run ahead of the time gone by before it is flagged:
# spending is never exactly even (a deposit, a design phase heavy with people), and a flag at
# 38% spent against 36% of the time only teaches staff to ignore it.
BURN_TOLERANCE = 10


@dataclass(frozen=True)
class Burn:
    """Budget spent against the schedule: the share of the budget spent and the share of
    the project's time gone by, both on the day the spent figure was taken."""

    spent: float      # 0..n (over 1 when over budget)
    elapsed: float    # 0..1
    on: date

    @property
    def faster(self) -> bool:
        """Spending runs well ahead of the calendar: more than BURN_TOLERANCE points more
        of the budget gone than of the time."""
        return round((self.spent - self.elapsed) * 100, 6) > BURN_TOLERANCE

    @property
    def words(self) -> str:
        """'62% spent, 48% of the time'."""
        return f"{percent(self.spent, 1)} spent, {percent(self.elapsed, 1)} of the time"


@dataclass(frozen=True)
class Row:
    """One client in the portfolio."""

    slug: str
    name: str
    project: str
    health: str | None              # the latest update's overall health
    health_internal: bool           # ... of an internal update: the client sees another
    trend: tuple[str, ...]          # overall health of the last updates, oldest first
    next: r.Milestone | None
    next_state: derive.MilestoneState | None   # where it stands, as the client's Roadmap says
    overdue: int                    # days the next milestone is past its planned date
    shift: int                      # days from its planned date to its forecast (+ later)
    overdue_tasks: int
    oldest_overdue: int             # days the most overdue client task is late
    signoffs_waiting: int
    longest_signoff_wait: int       # days the oldest sign-off has waited
    changes_waiting: int
    oldest_change_wait: int         # days since the oldest requested change was asked
    burn: Burn | None
    last_update: date | None
    days_since_update: int | None

    @property
    def stale(self) -> bool:
        """No status update for more than two weeks (or none at all)."""
        return self.days_since_update is None or self.days_since_update > STALE_AFTER

    @property
    def health_order(self) -> int:
        """Red first when sorted: 2 red, 1 amber, 0 green, -1 not reported."""
        return RAG_SCORE.get(self.health or "", -1)


def project_end(p: Project) -> date | None:
    """The planned end: `end` in client.yml, else the milestone planned last."""
    final = derive.final_milestone(p)
    return p.client.end or (final.planned if final else None)


def burn(p: Project, today: date) -> Burn | None:
    """None without a budget, a total or an end after the start."""
    b, end = p.client.budget, project_end(p)
    if b is None or not b.total or end is None or end <= p.client.start:
        return None
    on = b.as_of or today
    elapsed = (on - p.client.start).days / (end - p.client.start).days
    return Burn(b.spent / b.total, min(max(elapsed, 0.0), 1.0), on)


def row(c: AgencyClient, today: date) -> Row:
    p = c.full
    nxt = derive.next_milestone(p)
    blockers = derive.overdue_blockers(p, today)
    overdue = [t for t in p.client_tasks if derive.overdue_days(t, today)]
    signoffs = derive.awaiting_signoff(p)
    changes = derive.awaiting_changes(p)
    last = derive.latest_update(p)
    return Row(
        slug=p.slug, name=p.client.name, project=p.client.project,
        health=last.overall if last else None,
        health_internal=bool(last and last.internal),
        trend=tuple(u.overall for u in p.updates[-TREND_UPDATES:]),
        next=nxt, next_state=derive.milestone_state(nxt, today, blockers) if nxt else None,
        overdue=derive.days_overdue(nxt, today) if nxt else 0,
        shift=derive.plan_shift(nxt) if nxt else 0,
        overdue_tasks=len(overdue),
        oldest_overdue=max((derive.overdue_days(t, today) for t in overdue), default=0),
        signoffs_waiting=len(signoffs),
        longest_signoff_wait=max(((today - s.since).days for _, _, s in signoffs if s.since),
                                 default=0),
        changes_waiting=len(changes),
        oldest_change_wait=max(((today - x.date).days for x in changes), default=0),
        burn=burn(p, today),
        last_update=last.date if last else None,
        days_since_update=(today - last.date).days if last else None,
    )


def portfolio(clients: list[AgencyClient], today: date) -> list[Row]:
    """One row per client, the most troubled first: red before amber before green, then
    the next milestone most overdue, then the one forecast furthest after its plan."""
    rows = [row(c, today) for c in clients]
    return sorted(rows, key=lambda x: (-x.health_order, -x.overdue, -x.shift, x.name.lower()))


# --- across clients ------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One line of a list across clients: whose it is, what it is, and how old."""

    slug: str
    client: str
    what: str            # 'T4: Send product photos'
    detail: str          # owner, milestone, ... in words
    since: date | None   # due date, handed-over date, request date
    days: int            # days overdue / waiting / slipped
    internal: bool
    page: str            # the client page it is shown on, relative to the client's site


def overdue_tasks(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every overdue client task of every client, oldest first."""
    found = [Item(c.slug, c.full.client.name, f"{t.id}: {t.title}",
                  f"owner {t.owner}" + (f"; holds up {', '.join(t.blocks)}" if t.blocks else ""),
                  t.due, derive.overdue_days(t, today), t.internal, pages.WAITING.html)
             for c in clients for t in c.full.client_tasks if derive.overdue_days(t, today)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


def waiting_signoffs(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every deliverable waiting for the client's sign-off, longest waiting first."""
    found = [Item(c.slug, c.full.client.name, f"{d.id}: {d.title}", f"milestone {m.id}",
                  s.since, (today - s.since).days if s.since else 0,
                  d.internal or m.internal, pages.SIGNOFFS.html)
             for c in clients for m, d, s in derive.awaiting_signoff(c.full)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


def waiting_changes(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every change request still waiting for the client's answer, oldest first."""
    found = [Item(c.slug, c.full.client.name, f"{x.id}: {x.title}",
                  wording.change_terms(x, c.full) or "no cost or schedule impact given",
                  x.date, (today - x.date).days, x.internal, pages.CHANGES.html)
             for c in clients for x in derive.awaiting_changes(c.full)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


@dataclass(frozen=True)
class RiskItem:
    slug: str
    client: str
    risk: r.Risk
    severity: int
    label: str


def risks_by_severity(clients: list[AgencyClient]) -> list[RiskItem]:
    """Every open risk of every client, the most severe first."""
    found = [RiskItem(c.slug, c.full.client.name, x, derive.severity(x),
                      wording.severity_label(x))
             for c in clients for x in c.full.risks if x.status == "open"]
    return sorted(found, key=lambda x: (-x.severity, x.client.lower(), x.risk.id))


@dataclass(frozen=True)
class Slip:
    """A milestone expected later now than in the client's last version."""

    slug: str
    client: str
    milestone: r.Milestone
    version: str
    was: date
    now: date
    history: tuple[str, ...]   # 'planned 13 Nov 2026 in v1', ... (every version)

    @property
    def days(self) -> int:
        return (self.now - self.was).days


def slipped(slug: str, client: str, snapshots: list[tuple[str, Project]],
            history: dict[str, list[str]]) -> list[Slip]:
    """Milestones whose expected date (done, else forecast, else planned) is later in the
    last snapshot than in the one before it: the last version against now."""
    if len(snapshots) < 2:
        return []
    (version, before), (_, now) = snapshots[-2], snapshots[-1]
    old = {m.id: m for m in before.milestones}
    found = []
    for m in now.milestones:
        was = old.get(m.id)
        if was and derive.expected_date(m) > derive.expected_date(was):
            found.append(Slip(slug, client, m, version, derive.expected_date(was),
                              derive.expected_date(m), tuple(history.get(m.id, []))))
    return found


# --- satisfaction and feedback ---------------------------------------------------------------

TREND_RATINGS = 4         # the last ratings a client's rating trend is drawn from


@dataclass(frozen=True)
class Satisfaction:
    """One client's ratings and how quickly the agency answers its feedback. Every feedback
    counts, internal included (`latest_internal` says the latest rating is one)."""

    slug: str
    name: str
    latest: r.Feedback | None       # the latest feedback with a score
    latest_about: str               # what it rates: 'M3: Design', 'the project'; or ''
    ratings: tuple[int, ...]        # the last scores, oldest first
    unanswered: int                 # feedback without a response (as "Your feedback" shows)
    oldest_unanswered: int          # days the oldest of them has waited
    answered: int                   # feedback with a response
    median_response: float | None   # days from the feedback to our response; None: none yet

    @property
    def latest_internal(self) -> bool:
        return bool(self.latest and self.latest.internal)

    @property
    def change(self) -> int:
        """The latest score against the one before: negative when falling, 0 with one."""
        return self.ratings[-1] - self.ratings[-2] if len(self.ratings) > 1 else 0

    @property
    def falling(self) -> bool:
        return self.change < 0


def scored_in_order(feedback: list[r.Feedback]) -> list[r.Feedback]:
    """The feedback that has a score, oldest first (as written on the same day)."""
    return sorted((x for x in feedback if x.score is not None), key=lambda x: x.date)


def median(values: list[int]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def response_days(feedback: list[r.Feedback]) -> list[int]:
    """Days from each answered feedback to our response."""
    return [(x.responded - x.date).days for x in feedback if x.responded is not None]


def waiting_feedback(feedback: list[r.Feedback]) -> list[r.Feedback]:
    """Feedback without a response: it waits on the agency, as the client's page says."""
    return [x for x in feedback if x.responded is None]


def satisfaction(c: AgencyClient, today: date) -> Satisfaction:
    feedback = c.full.feedback
    scored = scored_in_order(feedback)
    waiting = waiting_feedback(feedback)
    answered = response_days(feedback)
    return Satisfaction(
        slug=c.slug, name=c.full.client.name,
        latest=scored[-1] if scored else None,
        latest_about=feedback_about(scored[-1], c.full) if scored else "",
        ratings=tuple(int(x.score or 0) for x in scored[-TREND_RATINGS:]),
        unanswered=len(waiting),
        oldest_unanswered=max(((today - x.date).days for x in waiting), default=0),
        answered=len(answered), median_response=median(answered),
    )


def satisfaction_order(x: Satisfaction) -> tuple[int, int, int, int, str]:
    """The lowest latest rating first; at the same rating, the one that fell most first; then
    the oldest feedback waiting on us. Clients never rated come last."""
    score = x.ratings[-1] if x.ratings else 6
    return (score, x.change, -x.oldest_unanswered if x.unanswered else 1, -x.unanswered,
            x.name.lower())


def satisfaction_rows(clients: list[AgencyClient], today: date) -> list[Satisfaction]:
    """Every client's satisfaction, the lowest and falling ratings first."""
    return sorted((satisfaction(c, today) for c in clients), key=satisfaction_order)


def unanswered_feedback(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every feedback of every client still without our response, the oldest first."""
    found = [Item(c.slug, c.full.client.name, feedback_what(x, c.full),
                  feedback_detail(x), x.date, (today - x.date).days, x.internal,
                  pages.FEEDBACK.html)
             for c in clients for x in waiting_feedback(c.full.feedback)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


def feedback_about(x: r.Feedback, p: Project) -> str:
    """'M3: Design', 'D2: Visual design' or 'the project'."""
    if x.about is None:
        return "the project"
    titles = {m.id: m.title for m in p.milestones}
    titles |= {d.id: d.title for m in p.milestones for d in m.deliverables}
    return f"{x.about}: {titles[x.about]}" if x.about in titles else x.about


def feedback_what(x: r.Feedback, p: Project) -> str:
    """'Rated 2 of 5 on M3: Design', or 'Comment on the project'."""
    about = feedback_about(x, p)
    return f"Rated {x.score:g} of 5 on {about}" if x.score is not None else f"Comment on {about}"


COMMENT_SHOWN = 80   # characters of a comment shown in a list


def feedback_detail(x: r.Feedback) -> str:
    """'by Cleo Client: "The designs came late …"': who, and the start of what they said."""
    line = " ".join((x.comment or "").split())
    if len(line) > COMMENT_SHOWN:
        line = line[:COMMENT_SHOWN].rsplit(" ", 1)[0] + " …"
    return f"by {x.by}" + (f": “{line}”" if line else "")
