"""What the agency's pages show, worked out and worded in Python: one small view per page.

The agency's counterpart of `site/views/`: `portfolio.py` computes the figures (days,
shares, counts), and the views here give every date, figure and word as the text staff read,
dates as a client's pages spell them (`wording.long_date`, `wording.short_date`) and numbers
through `generator.numbers`. The templates in `content/agency/templates` then only lay them
out, with the same helpers as a client's templates (`link`, `badge`, `rag`).

Text from YAML stays data here: views hold plain strings, and the templates' printing
escapes them. A view holds `Markup` only for what Milepost draws itself (the timeline, a
signed number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from generator.agency import portfolio as pf
from generator.agency.full import AgencyClient, page_rank
from generator.agency.timeline import portfolio_timeline
from generator.format.pages import site_pages
from generator.numbers import days, percent, plural
from generator.site import wording
from generator.site.views.shared import DASH, Badge, Link

TREND_ARROW = " → "   # between the health of one update and the next
COPIES = "sites"     # in the agency's site, the copy of each client's site (copies.py)
BOX_ID = "mp-held-back"   # the box, marked internal, on each page of a client's copy


def client_site(slug: str, versioned: bool, up: str = "") -> str:
    """The client's site from an agency page: beside `_agency/`, in latest/ when versioned."""
    return f"{up}../{slug}/{'latest/' if versioned else ''}"


def client_page(slug: str, name: str) -> Link:
    """The agency's own page on a client, from a page at the top of the agency's site."""
    return Link(name, f"clients/{slug}.md")


def _count_and_oldest(count: int, oldest: int) -> tuple[str, str]:
    """'2' and '7 days' (the oldest's age), or '0' and '' when there are none."""
    return str(count), days(oldest) if count else ""


# --- Portfolio ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioRow:
    """One client in the portfolio's table."""

    client: Link                # the agency's page on the client
    health: str | None          # green, amber, red, or None for not reported (for `rag`)
    health_internal: bool       # from an internal update: the client's site shows another
    trend: str                  # 'amber → red', or '–' without updates
    trend_word: str             # 'worse', 'better', 'steady', or '' with fewer than two
    next: str                   # 'M4: Catalogue built', or '–' when every milestone is done
    next_internal: bool
    next_state: Badge | None    # 'Overdue by 5 days', 'At risk', 'On track' (as Roadmap)
    against_plan: Markup        # '+14 days', '−3 days', '0 days': a real minus, as it is
    overdue_tasks: str          # '1'
    oldest_overdue: str         # '7 days', or '' with no overdue task
    signoffs_waiting: str
    longest_signoff_wait: str   # '2 days', or '–' with none waiting
    changes_waiting: str
    oldest_change_wait: str     # '3 days', or '' with none waiting
    spent: str                  # '56%', or '–' without a budget to compare
    faster: bool                # more of the budget gone than of the time, past the tolerance
    elapsed: str                # '53%', or '–'
    last_update: str            # '20 Nov 2026', or 'none'
    stale: str                  # 'No update for 20 days', 'No update yet', or ''
    site: Link                  # the client's own site


@dataclass(frozen=True)
class PortfolioView:
    as_of: str                  # '20 November 2026'
    clients: str                # '3 clients'
    invalid: str                # 'acme, globex': clients not shown, or ''
    rows: tuple[PortfolioRow, ...]
    stale_after: str            # '14 days'
    burn_tolerance: str         # '10 percentage points': how far ahead spending is flagged


def trend_word(trend: tuple[str, ...]) -> str:
    """'worse', 'better' or 'steady': the latest health against the one before."""
    if len(trend) < 2:
        return ""
    now, before = pf.RAG_SCORE[trend[-1]], pf.RAG_SCORE[trend[-2]]
    return "worse" if now > before else "better" if now < before else "steady"


def stale_words(x: pf.Row) -> str:
    """'No update for 20 days', 'No update yet', or '' for a client updated lately."""
    if not x.stale:
        return ""
    if x.days_since_update is None:
        return "No update yet"
    return f"No update for {days(x.days_since_update)}"


def _next_state(x: pf.Row) -> Badge | None:
    """Where the next milestone stands, in the words of the client's Roadmap."""
    if x.next is None or x.next_state is None:
        return None
    return Badge(x.next_state.key, wording.milestone_words(x.next, x.next_state).short)


def portfolio_row(x: pf.Row, versioned: bool) -> PortfolioRow:
    overdue, oldest_overdue = _count_and_oldest(x.overdue_tasks, x.oldest_overdue)
    changes, oldest_change = _count_and_oldest(x.changes_waiting, x.oldest_change_wait)
    return PortfolioRow(
        client=client_page(x.slug, x.name),
        health=x.health, health_internal=x.health_internal,
        trend=TREND_ARROW.join(x.trend) or DASH,
        trend_word=trend_word(x.trend),
        next=f"{x.next.id}: {x.next.title}" if x.next else DASH,
        next_internal=bool(x.next and x.next.internal),
        next_state=_next_state(x),
        against_plan=Markup(days(x.shift, sign=True)) if x.next else Markup(DASH),
        overdue_tasks=overdue, oldest_overdue=oldest_overdue,
        signoffs_waiting=str(x.signoffs_waiting),
        longest_signoff_wait=days(x.longest_signoff_wait) if x.signoffs_waiting else DASH,
        changes_waiting=changes, oldest_change_wait=oldest_change,
        spent=percent(x.burn.spent, 1) if x.burn else DASH,
        faster=bool(x.burn and x.burn.faster),
        elapsed=percent(x.burn.elapsed, 1) if x.burn else DASH,
        last_update=wording.short_date(x.last_update) if x.last_update else "none",
        stale=stale_words(x),
        site=Link("Open", client_site(x.slug, versioned) + "index.html"),
    )


def portfolio(rows: list[pf.Row], invalid: list[str], today: date,
              versioned: frozenset[str]) -> PortfolioView:
    """The portfolio page: `rows` as `portfolio.portfolio` sorted them, most troubled first."""
    return PortfolioView(
        as_of=wording.long_date(today),
        clients=plural(len(rows), "client"),
        invalid=", ".join(invalid),
        rows=tuple(portfolio_row(x, x.slug in versioned) for x in rows),
        stale_after=days(pf.STALE_AFTER),
        burn_tolerance=plural(pf.BURN_TOLERANCE, "percentage point"),
    )


# --- Across clients ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemRow:
    """One overdue task, waiting sign-off or waiting change request of some client."""

    client: Link
    what: str          # 'T4: Send product photos'
    internal: bool
    since: str         # the due, handed-over or request date: '13 Nov 2026'
    age: str           # '7 days'
    detail: str


@dataclass(frozen=True)
class SlipRow:
    """A milestone expected later now than in its client's last version."""

    client: Link
    milestone: str     # 'M2: Design'
    was: str           # '10 Apr 2026'
    version: str       # the last version: 'v1'
    now: str
    later_by: str      # '14 days'
    history: str       # 'planned 13 Nov 2026 in v1; forecast 27 Nov 2026 in latest', or '–'


@dataclass(frozen=True)
class RiskRow:
    client: Link
    risk: str          # 'R1: Texts late'
    internal: bool
    severity: Badge
    likelihood: str
    impact: str
    owner: str


@dataclass(frozen=True)
class AcrossView:
    as_of: str
    tasks: tuple[ItemRow, ...]
    signoffs: tuple[ItemRow, ...]
    changes: tuple[ItemRow, ...]
    slips: tuple[SlipRow, ...]
    any_version: bool  # some client has a released version to compare with
    risks: tuple[RiskRow, ...]
    satisfaction: SatisfactionView


def item_row(x: pf.Item) -> ItemRow:
    return ItemRow(client_page(x.slug, x.client), x.what, x.internal,
                   wording.short_date(x.since), days(x.days), x.detail)


def slip_row(x: pf.Slip) -> SlipRow:
    return SlipRow(client_page(x.slug, x.client), f"{x.milestone.id}: {x.milestone.title}",
                   wording.short_date(x.was), x.version, wording.short_date(x.now),
                   days(x.days), "; ".join(x.history) or DASH)


def risk_row(x: pf.RiskItem) -> RiskRow:
    # the badge's key names the style of its label: mp-severity-high, -medium, -low
    return RiskRow(client_page(x.slug, x.client), f"{x.risk.id}: {x.risk.title}",
                   x.risk.internal, Badge(f"severity-{x.label.lower()}", x.label),
                   x.risk.likelihood, x.risk.impact, x.risk.owner)


def across(clients: list[AgencyClient], slips: list[pf.Slip], versioned_clients: int,
           today: date) -> AcrossView:
    """The lists across clients: what each owes, what waits, what slipped, what may go wrong."""
    return AcrossView(
        as_of=wording.long_date(today),
        tasks=tuple(item_row(x) for x in pf.overdue_tasks(clients, today)),
        signoffs=tuple(item_row(x) for x in pf.waiting_signoffs(clients, today)),
        changes=tuple(item_row(x) for x in pf.waiting_changes(clients, today)),
        slips=tuple(slip_row(x) for x in slips),
        any_version=versioned_clients > 0,
        risks=tuple(risk_row(x) for x in pf.risks_by_severity(clients)),
        satisfaction=satisfaction(clients, today),
    )


# --- Timeline ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineView:
    as_of: str
    timeline: Markup   # the SVG Milepost draws, every text in it escaped


def timeline(clients: list[AgencyClient], today: date) -> TimelineView:
    """Every client's milestones on one SVG, the clients in the order of their names."""
    ordered = sorted(clients, key=lambda c: c.full.client.name.lower())
    return TimelineView(wording.long_date(today),
                        Markup(portfolio_timeline([c.full for c in ordered], today)))


# --- The agency's page on one client --------------------------------------------------------

@dataclass(frozen=True)
class HeldRecord:
    """An internal record, every field it has as written."""

    about: str                          # 'Risk R7: Fixed price overrun'
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # (field, the lines of its value)


@dataclass(frozen=True)
class NoteRow:
    on: str      # 'Risk R1: Texts late (risks.yml, [0])'
    lines: tuple[str, ...]   # the note, line by line: a table cell keeps its line breaks


@dataclass(frozen=True)
class Section:
    """What is held back from one page of the client's site."""

    heading: str                 # 'Beside Risks'
    page: Link                   # that page: of the agency's copy when there is one
    held: tuple[HeldRecord, ...]
    notes: tuple[NoteRow, ...]


@dataclass(frozen=True)
class ClientView:
    name: str
    project: str
    as_of: str
    row: PortfolioRow
    budget: str                  # '62% spent, 48% of the time', or '–'
    copied: bool                 # the agency's copy of the client's site was made
    pages: tuple[Link, ...]      # each page the client sees (in the copy when there is one)
    own_site: Link
    sections: tuple[Section, ...]
    satisfaction: SatisfactionView   # its ratings, and the feedback we owe it


def lines_of(text: str) -> tuple[str, ...]:
    """A text's lines without the blank ones (a Markdown field's paragraphs)."""
    return tuple(line for line in (x.strip() for x in text.strip().splitlines()) if line)


def copy_of(slug: str, versioned: bool, up: str = "") -> str:
    """The agency's copy of the client's site (what is held back in place), from the root."""
    return f"{up}{COPIES}/{slug}/{'latest/' if versioned else ''}"


def _client_pages(c: AgencyClient, base: str) -> tuple[Link, ...]:
    """Each page the client's site has, under `base`."""
    shown = site_pages(feedback=bool(c.public.feedback),
                       glossary=bool(c.public.client.glossary), versioned=False)
    return tuple(Link(kind.title, base + kind.html) for kind in shown)


def _sections(c: AgencyClient, base: str, copied: bool) -> tuple[Section, ...]:
    """What is held back, by the client page it would stand on, in the site's order: each
    with that page under `base` (the copy's pages, where the box is; or the client's)."""
    places = sorted({(h.page, h.link) for h in c.held} | {(n.page, n.link) for n in c.notes},
                    key=lambda place: (page_rank(place[0]), place[1]))
    found = []
    for title, link in places:
        held = tuple(HeldRecord(h.about, tuple((name, lines_of(value)) for name, value in h.fields))
                     for h in c.held if h.link == link)
        notes = tuple(NoteRow(f"{n.about} ({n.file}{', ' + n.path if n.path else ''})",
                              lines_of(n.text)) for n in c.notes if n.link == link)
        page = (Link(f"The client's {title} page, with this in place", f"{base}{link}#{BOX_ID}")
                if copied else Link(f"The client's {title} page", base + link))
        found.append(Section(f"Beside {title}", page, held, notes))
    return tuple(found)


def client(c: AgencyClient, x: pf.Row, copied: bool, versioned: bool,
           today: date) -> ClientView:
    """The agency's page on one client, from `clients/`: its figures, the pages it sees, and
    what is held back from each."""
    own = client_site(c.slug, versioned, "../")
    base = copy_of(c.slug, versioned, "../") if copied else own
    return ClientView(
        name=x.name, project=x.project, as_of=wording.long_date(today),
        row=portfolio_row(x, versioned), budget=x.burn.words if x.burn else DASH,
        copied=copied, pages=_client_pages(c, base),
        own_site=Link("The client's own site", own + "index.html"),
        sections=_sections(c, base, copied), satisfaction=client_satisfaction(c, today))


# --- Satisfaction and feedback ---------------------------------------------------------------

@dataclass(frozen=True)
class SatisfactionRow:
    """One client's ratings and our answers to its feedback."""

    client: Link
    latest: str            # '3 of 5', or '–' never rated
    latest_internal: bool  # the latest rating is internal: the client's page does not show it
    rated_on: str          # '20 Nov 2026', or ''
    rated: str             # what the latest rating is about: 'M3: Design', 'the project'
    ratings: str           # '5 → 4 → 3', or '–'
    trend_word: str        # 'falling', 'rising', 'steady', or '' with fewer than two
    falling: bool
    unanswered: str        # '2'
    oldest_unanswered: str  # '12 days', 'today', or '' with none waiting
    median_response: str   # '3 days', '2.5 days', or '–' with none answered yet
    answered: str          # '4 answered', or ''


@dataclass(frozen=True)
class SatisfactionView:
    rows: tuple[SatisfactionRow, ...]       # the lowest and falling ratings first
    waiting: tuple[ItemRow, ...]            # feedback waiting on us, the oldest first
    trend_ratings: str                      # '4 ratings'


def rating_trend_word(x: pf.Satisfaction) -> str:
    """'falling', 'rising' or 'steady': the latest score against the one before."""
    if len(x.ratings) < 2:
        return ""
    return "falling" if x.change < 0 else "rising" if x.change > 0 else "steady"


def waited(n: int) -> str:
    """'today', '1 day', '12 days'."""
    return days(n) if n else "today"


def satisfaction_row(x: pf.Satisfaction) -> SatisfactionRow:
    last = x.latest
    return SatisfactionRow(
        client=client_page(x.slug, x.name),
        latest=f"{last.score:g} of 5" if last and last.score is not None else DASH,
        latest_internal=x.latest_internal,
        rated_on=wording.short_date(last.date) if last else "",
        rated=x.latest_about,
        ratings=TREND_ARROW.join(map(str, x.ratings)) or DASH,
        trend_word=rating_trend_word(x), falling=x.falling,
        unanswered=str(x.unanswered),
        oldest_unanswered=waited(x.oldest_unanswered) if x.unanswered else "",
        median_response=(days(x.median_response) if x.median_response is not None else DASH),
        answered=f"{x.answered} answered" if x.answered else "",
    )


def feedback_row(x: pf.Item) -> ItemRow:
    """Feedback waiting on us: given on, and how long it has waited ('today' on the day)."""
    return ItemRow(client_page(x.slug, x.client), x.what, x.internal,
                   wording.short_date(x.since), waited(x.days), x.detail)


def satisfaction(clients: list[AgencyClient], today: date) -> SatisfactionView:
    """Every client's ratings, the lowest and falling first, and the feedback we owe."""
    return SatisfactionView(
        rows=tuple(satisfaction_row(x) for x in pf.satisfaction_rows(clients, today)),
        waiting=tuple(feedback_row(x) for x in pf.unanswered_feedback(clients, today)),
        trend_ratings=plural(pf.TREND_RATINGS, "rating"))


def client_satisfaction(c: AgencyClient, today: date) -> SatisfactionView:
    """The same for the agency's page on one client."""
    return satisfaction([c], today)
