"""The client's news as an Atom feed (feed.xml): status updates, decisions proposed and
settled, deliverables sent for sign-off and their answers, change requests decided, and
released versions with what changed in them.

Written from the public model only, so nothing internal can be in it. Each
entry's ID is derived from the client, the kind of news, what it is about and its date, so
it survives rebuilds and versions: a feed reader shows each item once, and again only when
it is news of its own (a decision settled is a new entry, not an edit of "proposed"). The
`updated` date is the date of the event itself, never the day of the build.

The feed's few elements are written here rather than with feedgen, whose import (with lxml
and dateutil) took about 35 ms of CPU in every build process; the tests hold this writer to
feedgen's output byte for byte.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from generator.format import pages
from generator.format.pages import decision_page, update_month_page
from generator.project import derive
from generator.project.model import Project, Section
from generator.site import wording
from generator.site.markup import plain
from generator.site.urls import page_url

# Fixed for good: changing it would change every entry ID and repeat every item in readers.
ID_NAMESPACE = uuid.UUID("7c1f5b1e-4f0a-5d0e-9a8e-6d696c65706f")
# Characters XML 1.0 cannot carry at all (a YAML escape can write them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Release:
    """A released version of the client's site, as the feed announces it."""

    name: str
    date: date
    note: str
    changes: list[Section]  # against the version before it; empty for the first


@dataclass(frozen=True)
class Entry:
    """One item of news."""

    kind: str       # update | decision | signoff-request | signoff | change | version
    key: str        # what the news is about within its kind: an ID, a status, a version
    day: date       # when it happened: the entry's `updated` date
    title: str
    text: str
    page: str       # where it is shown, relative to the current site (e.g. "signoffs.md")
    in_client_folder: bool = False  # `page` is relative to the client's folder instead


def entry_id(slug: str, e: Entry) -> str:
    """A stable, globally unique ID: the same news always gets the same ID."""
    name = "\0".join([slug, e.kind, e.key, e.day.isoformat()])
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, name)}"


def feed_id(slug: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, slug + chr(0) + 'feed')}"


def _words(*parts: str | None) -> str:
    """Parts joined into plain text, one line each, empty ones left out."""
    return "\n".join(x for x in parts if x)


def _list(title: str, items: list[str]) -> str | None:
    return f"{title}: " + "; ".join(" ".join(i.split()) for i in items) if items else None


# --- the news of each kind ------------------------------------------------------------------

def update_entries(p: Project) -> Iterator[Entry]:
    latest = derive.latest_update(p)
    for u in p.updates:
        health = [f"Overall: {u.overall}, {wording.RAG_WORDS[u.overall].lower()}."]
        health += [f"{what.capitalize()}: {value}." for what, value in
                   (("schedule", u.schedule), ("budget", u.budget), ("scope", u.scope)) if value]
        page = pages.UPDATES.path if u is latest else update_month_page(f"{u.date:%Y-%m}")
        yield Entry("update", u.date.isoformat(), u.date,
                    f"Status update of {wording.long_date(u.date)}: "
                    f"{wording.RAG_WORDS[u.overall].lower()}",
                    _words(" ".join(health), plain(u.summary), _list("Done", u.done),
                           _list("Next", u.next), _list("Problems", u.problems),
                           _list("What we need from you", u.asks)), page)


def decision_entries(p: Project) -> Iterator[Entry]:
    dates = {d.id: d.date for d in p.decisions}
    replaced_by = derive.superseded_by(p)
    for d in p.decisions:
        day = d.date
        status: str = d.status  # or "superseded by ..." below
        if d.status == "superseded" and replaced_by.get(d.id):
            by = replaced_by[d.id]
            day = max(dates[x] for x in by)
            status = f"superseded by {', '.join(by)}"
        text = _words(plain(d.decision) or plain(d.context),
                      _list("Deciders", d.deciders))
        yield Entry("decision", f"{d.id}/{d.status}", day, f"Decision {d.id} {d.title}: "
                    f"{status}", text, decision_page(d.id))


def signoff_request_entries(p: Project) -> Iterator[Entry]:
    history = derive.signoff_history(p)
    for m, dl in derive.deliverables(p):
        if not dl.signoff:
            continue
        state = derive.signoff_state(m, dl, history.get(dl.id, []))
        handed_over = dl.delivered or (state.since if state.key == "awaiting" else None)
        if handed_over:
            yield Entry("signoff-request", dl.id, handed_over,
                        f"Sent for your sign-off: {dl.id} {dl.title}",
                        f"Delivered on {wording.long_date(handed_over)} for milestone {m.id} "
                        f"{m.title}.", pages.WAITING.path)


SIGNOFF_OUTCOMES = {"approved": "approved", "changes-requested": "changes requested",
                    "rejected": "rejected"}


def signoff_entries(p: Project) -> Iterator[Entry]:
    titles = {d.id: d.title for _, d in derive.deliverables(p)}
    for s in p.signoffs:
        name = f"{s.deliverable} {titles.get(s.deliverable, '')}".strip()
        yield Entry("signoff", f"{s.deliverable}/{s.version}/{s.outcome}", s.date,
                    f"Sign-off of {name} version {s.version}: {SIGNOFF_OUTCOMES[s.outcome]}",
                    _words(f"Answered by {s.by} on {wording.long_date(s.date)} ({s.via}).",
                           plain(s.notes)), pages.SIGNOFFS.path)


def change_entries(p: Project) -> Iterator[Entry]:
    for x in p.changes:
        if x.status == "requested":
            continue
        cost = []
        if x.estimate and x.estimate.days:
            cost.append(f"{x.estimate.days:g} days of effort")
        if x.schedule_impact_days:
            cost.append(f"moves the schedule by {x.schedule_impact_days:g} days")
        yield Entry("change", f"{x.id}/{x.status}", x.decided or x.date,
                    f"Change request {x.id} {x.title}: {x.status}",
                    _words(f"Requested by {x.requested_by} on {wording.long_date(x.date)}.",
                           plain(x.description), ("Estimate: " + ", ".join(cost) + ".")
                           if cost else None), pages.CHANGES.path)


def release_entries(releases: list[Release]) -> Iterator[Entry]:
    for v in releases:
        changes = [f"{s.title}: " + " ".join(s.sentences) for s in v.changes]
        summary = changes if v.changes else (
            ["The first version of the plan."] if v is releases[0] else ["Nothing changed."])
        yield Entry("version", v.name, v.date,
                    f"Version {v.name} released" + (f": {v.note}" if v.note else ""),
                    _words(*summary), f"{v.name}/what-changed.md", in_client_folder=True)


def entries(p: Project, releases: list[Release]) -> list[Entry]:
    """Every item of news, newest first."""
    found = [*update_entries(p), *decision_entries(p), *signoff_request_entries(p),
             *signoff_entries(p), *change_entries(p), *release_entries(releases)]
    return sorted(found, key=lambda e: (e.day, e.kind, e.key), reverse=True)


# --- the feed -------------------------------------------------------------------------------

def xml_safe(text: str) -> str:
    """Text XML can carry: each character it cannot becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def one_line(text: str) -> str:
    """A title or a name: runs of spaces and line breaks become one space."""
    return xml_safe(" ".join(text.split()))


def moment(day: date) -> datetime:
    """A day as the feed dates it: its start, in UTC."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def feed_author(p: Project) -> str:
    """Who writes the news: the agency's project lead, else the project's team."""
    lead = next((c for c in p.client.team if c.side == "team" and c.lead), None)
    return lead.name if lead else f"The {p.client.project} team"


def entry_href(site: str | None, e: Entry, versioned: bool) -> str:
    """Where an entry links: its page in the current site, or in the client's folder."""
    if e.in_client_folder:
        return page_url(site, e.page, versioned=False)
    return page_url(site, e.page, versioned)


# XML's escapes as libxml2 writes them (feedgen's serializer): in text, '<', '>', '&' and a
# carriage return (which a reader would otherwise turn into a line feed); in an attribute,
# the quote and the other white space too.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def _element(indent: str, name: str, text: str, attributes: str = "") -> str:
    """One element of text on a line of its own (an empty one closes itself)."""
    if not text:
        return f"{indent}<{name}{attributes}/>\n"
    return f"{indent}<{name}{attributes}>{text.translate(_TEXT)}</{name}>\n"


def _link(indent: str, href: str, rel: str | None = None, kind: str | None = None) -> str:
    attributes = "".join(f' {name}="{value.translate(_ATTRIBUTE)}"' for name, value in
                         (("href", href), ("rel", rel), ("type", kind)) if value)
    return f"{indent}<link{attributes}/>\n"


def _entry(slug: str, e: Entry, site: str | None, versioned: bool) -> str:
    """An entry's link names only its address (as feedgen wrote it: readers take a link
    without `rel` as the entry's page)."""
    day = moment(e.day).isoformat()
    return ("  <entry>\n" + _element("    ", "id", entry_id(slug, e))
            + _element("    ", "title", one_line(e.title)) + _element("    ", "updated", day)
            + _element("    ", "content", xml_safe(e.text) or one_line(e.title), ' type="text"')
            + _link("    ", entry_href(site, e, versioned))
            + _element("    ", "published", day) + "  </entry>\n")


def atom_feed(p: Project, releases: list[Release], site: str | None, versioned: bool) -> bytes:
    """feed.xml for the client's folder. `site` is the site's absolute address (ending in
    '/'), or None: links are then relative to the feed itself, which a feed reader resolves
    against the address it fetched the feed from."""
    news = entries(p, releases)
    author = one_line(feed_author(p))
    updated = moment(max((e.day for e in news), default=p.client.start)).isoformat()
    head = ("<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
            + _element("  ", "id", feed_id(p.slug))
            + _element("  ", "title", one_line(f"{p.client.project} · {p.client.name}"))
            + _element("  ", "updated", updated)
            + (f"  <author>\n{_element('    ', 'name', author)}  </author>\n" if author else "")
            + _link("  ", page_url(site, pages.OVERVIEW.path, versioned), "alternate",
                    "text/html")
            + (_link("  ", site + "feed.xml", "self", "application/atom+xml") if site else "")
            + _element("  ", "generator", "Milepost")
            + _element("  ", "subtitle", "What changed and what waits on you"))
    body = "".join(_entry(p.slug, e, site, versioned) for e in news)
    return (head + body + "</feed>\n").encode("utf-8")
