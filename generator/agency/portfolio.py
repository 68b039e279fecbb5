"""The agency's figures: one row per client, and the lists across clients.

Pure functions of the agency's models and a date, like `site/derive.py` (whose rules they
reuse: a figure here is the figure the client's own pages show); `views.py` words them for
the pages. Everything the agency knows counts, internal records included; the lists say
which items are internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.agency.full import AgencyClient
from generator.format import records as r
from generator.numbers import percent
from generator.site import derive
from generator.site.model import Project

STALE_AFTER = 14          # days without a status update before a client is flagged
TREND_UPDATES = 4         # the last updates the health trend is drawn from
RAG_SCORE = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Burn:
    """Budget spent against the schedule: the share of the budget spent and the share of
    the project's time gone by, both on the day the spent figure was taken."""

    spent: float      # 0..n (over 1 when over budget)
    elapsed: float    # 0..1
    on: date

    @property
    def faster(self) -> bool:
        """Spending runs ahead of the calendar: more budget gone than time."""
        return self.spent > self.elapsed

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
                  t.due, derive.overdue_days(t, today), t.internal, "waiting.html")
             for c in clients for t in c.full.client_tasks if derive.overdue_days(t, today)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


def waiting_signoffs(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every deliverable waiting for the client's sign-off, longest waiting first."""
    found = [Item(c.slug, c.full.client.name, f"{d.id}: {d.title}", f"milestone {m.id}",
                  s.since, (today - s.since).days if s.since else 0,
                  d.internal or m.internal, "signoffs.html")
             for c in clients for m, d, s in derive.awaiting_signoff(c.full)]
    return sorted(found, key=lambda x: (-x.days, x.client.lower(), x.what))


def waiting_changes(clients: list[AgencyClient], today: date) -> list[Item]:
    """Every change request still waiting for the client's answer, oldest first."""
    found = [Item(c.slug, c.full.client.name, f"{x.id}: {x.title}",
                  derive.change_terms(x, c.full) or "no cost or schedule impact given",
                  x.date, (today - x.date).days, x.internal, "changes.html")
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
                      derive.severity_label(x))
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
