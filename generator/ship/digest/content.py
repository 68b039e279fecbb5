"""What a digest says, worked out and worded in Python: pure functions of a client's public
model, what it is compared with and a date (the templates in `content/email/` only lay it out).

The digest is made from the public model only (nothing internal can be in it) and goes to
the client-side team members with `notify: true`; who answers for the agency (its project
lead, or who stands in: `answers.who_answers`) is its Reply-To. What changed is computed by
`compare.what_changed` between the client's files at the last digest sent and now, so it
reads like the site's What changed page; what needs the client is `derive.waiting`, the
items the overview counts and the Waiting on you page lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from email.headerregistry import Address

from generator.history.compare import what_changed
from generator.numbers import days, plural
from generator.project import derive
from generator.project.model import Project, Section
from generator.ship.digest.headers import one_line, written_address
from generator.ship.digest.memory import Reference
from generator.site import wording
from generator.site.answers import Answer, Answerer, answers_for, who_answers
from generator.site.markup import plain
from generator.site.urls import page_url
from generator.site.views.shared import change_link, decision_link


@dataclass(frozen=True)
class Need:
    """One thing waiting on the client, said in one sentence."""

    kind: str        # task | signoff | decision | change (as answers.answers_for names them)
    id: str
    sentence: str
    overdue: int     # days overdue (tasks only), 0 when not overdue
    page: str        # where it is shown on the site
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class Baseline:
    """What the digest compares with: the client at a commit, that commit's day, and how the
    digest names it (as the site names versions and dates, never by a tag)."""

    project: Project | None   # None: nothing to compare with
    day: date | None
    since: str | None         # "our last email of 9 November", "version 2 (2 December 2026)"
    in_sentences: str | None  # what a moved date is measured against: "our last email"
    first: bool               # no digest was sent to this client before
    commit: str = ""


FIRST = Baseline(None, None, None, None, first=True)  # nothing to compare with, never sent


@dataclass(frozen=True)
class Digest:
    """One client's digest: who it goes to, and everything it says."""

    slug: str
    project: str
    client: str
    today: date
    site: str                 # the site's absolute address, ending in '/'
    to: list[Address]
    reply_to: Address | None
    answerer: Answerer | None  # who answers for the agency (the Reply-To)
    subject: str
    needs: list[Need]
    changes: list[Section]
    since: str | None         # "our last email of 9 November", None: nothing to compare with
    first: bool               # no digest was sent to this client before
    status: str | None
    rating: tuple[str, list[Answer]] | None = None  # "How did we do on M3 Design?", 1…5
    health: str | None = None  # the latest update's: green, amber or red

    def link(self, page: str) -> str:
        # Digests follow `milepost publish`, which keeps the current pages in latest/.
        return page_url(self.site, page, versioned=True)


# --- what needs the client -----------------------------------------------------------------

def _holds_up(p: Project, ids: list[str]) -> str:
    titles = {m.id: m.title for m in p.milestones}
    named = [f"{i} {titles[i]}" for i in ids if i in titles]
    return f"; holds up {', '.join(named)}" if named else ""


def needs(p: Project, today: date) -> list[Need]:
    """What waits on the client, overdue first, with dates and what each holds up: the
    items of `derive.waiting`, which the overview counts and the Waiting on you page lists."""
    w = derive.waiting(p, today)
    found = []
    for t in w.tasks:
        late = derive.overdue_days(t, today)
        when = (f"overdue by {days(late)} (due {wording.long_date(t.due)})" if late
                else f"due {wording.long_date(t.due)}")
        found.append(Need("task", t.id, f"{t.title} ({t.id}), {when}{_holds_up(p, t.blocks)}."
                          f" Owner: {t.owner}.", late, "waiting.md"))
    for m, dl, state in w.signoffs:
        waited = (today - state.since).days if state.since else 0
        found.append(Need("signoff", dl.id, f"Sign off {dl.title} ({dl.id}), with you since "
                          f"{wording.long_date(state.since)} ({days(waited)}); part of "
                          f"milestone {m.id} {m.title}.", 0, "waiting.md"))
    for dec in w.decisions:
        found.append(Need("decision", dec.id, f"Decide {dec.id} {dec.title}, proposed on "
                          f"{wording.long_date(dec.date)}{_holds_up(p, dec.related)}.", 0,
                          decision_link(dec).url))
    for x in w.changes:
        terms = wording.change_terms(x, p)
        found.append(Need("change", x.id, f"Approve or decline change request {x.id} "
                          f"{x.title}, requested by {x.requested_by} on "
                          f"{wording.long_date(x.date)}{': ' + terms if terms else ''}.", 0,
                          change_link(x).url))
    # Overdue first (most overdue first), then in the page's order.
    return sorted(found, key=lambda n: -n.overdue)


# --- the headline and the status -------------------------------------------------------------

def status_line(p: Project) -> str | None:
    """The latest status in one line, with its health."""
    u = derive.latest_update(p)
    if u is None:
        return None
    summary = plain(u.summary)
    first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0] if summary else ""
    if len(first) > 200:
        first = first[:199].rstrip() + "…"
    return one_line(f"Latest status, {wording.long_date(u.date)}: {u.overall}, "
                    f"{wording.RAG_WORDS[u.overall].lower()}. {first}")


def moved_milestone(old: Project | None, new: Project) -> str | None:
    """The milestone whose expected date moved most, as a headline: 'M3 moved to 4 Dec'."""
    if old is None:
        return None
    before = {m.id: derive.expected_date(m) for m in old.milestones if not m.done}
    moves = [(abs((derive.expected_date(m) - before[m.id]).days), m) for m in new.milestones
             if not m.done and m.id in before and derive.expected_date(m) != before[m.id]]
    if not moves:
        return None
    _, m = max(moves, key=lambda x: x[0])
    day = derive.expected_date(m)
    return f"{m.id} moved to {day.day} {wording.MONTHS[day.month - 1][:3]}"


def subject(p: Project, waiting: list[Need], changes: list[Section], moved: str | None) -> str:
    """The most important thing first: what needs them, then the biggest date move."""
    parts = []
    if waiting:
        late = sum(1 for x in waiting if x.overdue)
        parts.append(f"{plural(len(waiting), 'item needs', 'items need')} you"
                     + (f" ({late} overdue)" if late else ""))
    if moved:
        parts.append(moved)
    elif changes:
        parts.append(plural(sum(len(s.sentences) for s in changes), "change"))
    return one_line(f"{p.client.project}: " + " · ".join(parts or ["project update"]))


# --- who it goes to, and who answers ---------------------------------------------------------

def recipients(p: Project) -> list[Address]:
    """Client-side people who asked for the digest. The model is public: internal people
    are not in it, so they cannot be recipients."""
    return [written_address(c.name, c.email or "", c.where, "email", "digest")
            for c in p.client.team if c.side == "client" and c.notify and c.email]


def reply_address(who: Answerer | None) -> Address | None:
    """Who answers for the agency, as the digest's Reply-To."""
    if who is None:
        return None
    return written_address(who.name, who.email, who.where, who.key,
                           "Reply-To (who answers for the agency)")


# --- what it is compared with ----------------------------------------------------------------

def version_words(name: str) -> str:
    """A version as a client reads it: 'version 2' for the tag's name v2."""
    numbered = re.fullmatch(r"[vV](\d.*)", name)
    return f"version {numbered.group(1) if numbered else name}"


def _day(d: date, today: date) -> str:
    """'25 November', with the year only when it is not this year's."""
    text = wording.long_date(d)
    return text.rsplit(" ", 1)[0] if d.year == today.year else text


def named(ref: Reference, today: date) -> tuple[str, str | None]:
    """How a digest names what it compares with: as a version or an email of ours when it is
    one, else by its day (a commit's name means nothing to a client). Returns the words for
    the heading and those a moved date is measured against ('3 days later than in …')."""
    if ref.kind == "last email":
        return f"our last email of {_day(ref.day, today)}", "our last email"
    if ref.kind == "email":
        return f"our email of {_day(ref.day, today)}", f"our email of {_day(ref.day, today)}"
    if ref.kind == "version":
        words = version_words(ref.version)
        return f"{words} ({wording.long_date(ref.version_day)})", words
    return wording.long_date(ref.day), None


def baseline(project: Project, ref: Reference, today: date, *, first: bool) -> Baseline:
    """The client as it was at `ref`, named for the client."""
    since, in_sentences = named(ref, today)
    return Baseline(project, ref.day, since, in_sentences, first, ref.commit)


def something_to_say(d: Digest, before: Baseline) -> bool:
    """A first digest always has something to say (what waits on the client is news to them
    the first time); a later one, changes since the last, or something newly waiting on the
    client (including an item that became overdue). Otherwise nothing is sent."""
    if before.first or d.changes:
        return True
    if before.project is None or before.day is None:
        return bool(d.needs)
    then = {(x.kind, x.id, bool(x.overdue)) for x in needs(before.project, before.day)}
    return any((x.kind, x.id, bool(x.overdue)) not in then for x in d.needs)


def rating_ask(p: Project, before: Project | None) -> tuple[str, list[Answer]] | None:
    """Ask once for a rating: when the milestone to rate (the last one done, not rated yet)
    was done, or one of its deliverables signed off, since the last digest."""
    m = derive.rating_milestone(p)
    if m is None:
        return None
    was = next((x for x in before.milestones if x.id == m.id), None) if before else None
    approved_before = {(s.deliverable, s.date) for s in before.signoffs} if before else set()
    news = (was is None or was.done is None or any(
        s.outcome == "approved" and (s.deliverable, s.date) not in approved_before
        for s in p.signoffs if s.deliverable in {d.id for d in m.deliverables}))
    links = answers_for(p, "rating", m.id)
    return (f"How did we do on {m.id} {m.title}?", links) if news and links else None


def compose(p: Project, before: Baseline, today: date, site: str) -> Digest:
    """The digest of a client's public project, against what the last digest described."""
    changes = (what_changed(before.project, p, since=before.in_sentences)
               if before.project is not None else [])
    who = who_answers(p)
    waiting = [replace(n, answers=answers_for(p, n.kind, n.id)) for n in needs(p, today)]
    latest = derive.latest_update(p)
    return Digest(
        slug=p.slug, project=one_line(p.client.project), client=one_line(p.client.name),
        today=today, site=site, to=recipients(p), reply_to=reply_address(who), answerer=who,
        subject=subject(p, waiting, changes, moved_milestone(before.project, p)),
        needs=waiting, changes=changes, since=before.since if changes else None,
        first=before.first, status=status_line(p), rating=rating_ask(p, before.project),
        health=latest.overall if latest else None)


# --- the sentences both parts say (the text part and the HTML part say the same) -------------

def opening(d: Digest) -> str | None:
    """A first digest says what these emails are."""
    if not d.first:
        return None
    return ("This is our first email digest of the project: from now on we write when "
            "something needs you or the plan changes.")


def needs_heading(d: Digest) -> str:
    return f"What needs you now ({len(d.needs)})"


def changes_heading(d: Digest) -> str:
    return f"What changed since {d.since}" if d.since else "What changed"


def how_to_answer(d: Digest, links_here: bool) -> str:
    """The HTML part has each item's answer links beside it; the text part points to the
    site's (as text they would be lines of %-codes)."""
    if not any(n.answers for n in d.needs):
        return "To answer, reply to this email."
    if links_here:
        return "To answer, reply to this email, or use the answer links above."
    return ("To answer, reply to this email, or use the answer links on the site's Waiting "
            f"on you page: {d.link('waiting.md')}")


def who_answers_sentence(d: Digest) -> str | None:
    """Who a reply reaches: the agency's project lead, or who stands in for them."""
    who = d.answerer
    if who is None:
        return None
    if who.key != "email":  # a shared inbox, named by its channel
        return f"Reply to this email to reach {who.name} ({who.email})."
    return f"Reply to this email to reach {who.name}" + (f", {who.role}." if who.role else ".")
