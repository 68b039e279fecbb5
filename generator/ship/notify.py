"""`milepost notify`: the email digest that tells a client what needs them and what changed.

The digest is made from the public model only (nothing internal can be in it) and goes to
the client-side team members with `notify: true`; who answers for the agency (its project
lead, or who stands in: `answers.who_answers`) is its Reply-To. What changed is computed by
`compare.what_changed` between the client's files at the last digest sent and now, so it
reads like the site's What changed page; what needs the client is `derive.waiting`, the
items the overview counts and the Waiting on you page lists.

Milepost remembers each digest it sent as a git tag `<slug>/digest/<UTC timestamp>` at the
commit it described. The next digest compares against that commit; a send that failed
tags nothing, so the next run tries again. A client never sent one gets one: what waits on
them is news the first time.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email import errors as email_errors
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from itertools import groupby
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from generator.format import records as r
from generator.format.pages import page_of_section
from generator.history import git
from generator.history.compare import what_changed
from generator.history.versions import version_name_problem
from generator.numbers import days, plural, possessive
from generator.problems import MilepostError, errors, redact
from generator.project import derive
from generator.project.client import check_client_folder
from generator.project.model import Project, Section
from generator.site import wording
from generator.site.answers import Answer, Answerer, answers_for, who_answers
from generator.site.markup import plain
from generator.site.urls import client_site_url, page_url
from generator.site.views.shared import change_link, decision_link

DIGEST_TAG = "{slug}/digest/"
PASSWORD_VARIABLE = "MILEPOST_SMTP_PASSWORD"
SENDER_VARIABLE = "MILEPOST_FROM"
RAG_COLOURS = {"green": "#1a7f37", "amber": "#9a6700", "red": "#cf222e"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: object) -> str:
    """Text for a header or a line of the digest: no line breaks, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


# --- what the digest says ------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    """One thing waiting on the client, said in one sentence."""

    kind: str        # task | signoff | decision | change (as answers.answers_for names them)
    id: str
    sentence: str
    overdue: int     # days overdue (tasks only), 0 when not overdue
    page: str        # where it is shown on the site
    answers: list[Answer] = field(default_factory=list)


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
        n, late = len(waiting), sum(1 for x in waiting if x.overdue)
        parts.append(f"{n} {'item needs' if n == 1 else 'items need'} you"
                     + (f" ({late} overdue)" if late else ""))
    if moved:
        parts.append(moved)
    elif changes:
        count = sum(len(s.sentences) for s in changes)
        parts.append(f"{count} {'change' if count == 1 else 'changes'}")
    return one_line(f"{p.client.project}: " + " · ".join(parts or ["project update"]))


# --- who it goes to, and who answers ----------------------------------------------------------

def plain_address(name: str, addr_spec: str) -> Address:
    """An address every mail server takes: its domain in IDNA (bäckerei.de becomes
    xn--bckerei-wxa.de); one whose local part needs SMTPUTF8 is refused (ValueError)."""
    found = Address(display_name=one_line(name), addr_spec=addr_spec.strip())
    if not found.username.isascii():
        raise ValueError("the part before @ is not ASCII")
    domain = found.domain if found.domain.isascii() else found.domain.encode("idna").decode()
    return Address(display_name=found.display_name, username=found.username, domain=domain)


def _address(name: str, addr_spec: str, where: r.Where, key: str, what: str) -> Address:
    """A header address; one that is not an address is refused with where it was written
    (email headers can carry nothing else)."""
    try:
        return plain_address(name, addr_spec)
    except (ValueError, IndexError, email_errors.MessageError):
        line, column = where.at(key)
        raise MilepostError(f"{where.file}:{line}:{column}: {where.path}.{key}: "
                            f"'{addr_spec}' cannot be used as an email address for the "
                            f"{what}: write a plain address such as name@example.com")


def recipients(p: Project) -> list[Address]:
    """Client-side people who asked for the digest. The model is public: internal people
    are not in it, so they cannot be recipients."""
    return [_address(c.name, c.email or "", c.where, "email", "digest") for c in p.client.team
            if c.side == "client" and c.notify and c.email]


def reply_address(who: Answerer | None) -> Address | None:
    """Who answers for the agency, as the digest's Reply-To."""
    if who is None:
        return None
    return _address(who.name, who.email, who.where, who.key,
                    "Reply-To (who answers for the agency)")


# --- the headers ---------------------------------------------------------------------------------

ADDRESS_HEADERS = ("from", "to", "reply-to")
_ATOM = re.compile(r"[A-Za-z0-9'-]+")  # a word written as it is: nothing any parser reads
# A token fits a line after "Reply-To: " (RFC 5322 asks for lines of 78). An encoded word
# of 39 bytes is 64 characters (RFC 2047 allows 75).
_TOKEN = 64
_WORD_BYTES = 39


def _pieces(text: str, fits: Callable[[str], bool]) -> list[str]:
    """`text` in pieces that fit: cut after a space where it can, else between characters."""
    pieces = [""]
    for part in re.findall(r"[^ ]+ ?| ", text):
        for bit in [part] if fits(part) else list(part):
            if pieces[-1] and not fits(pieces[-1] + bit):
                pieces.append("")
            pieces[-1] += bit
    return [x for x in pieces if x]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted(text: str) -> list[str]:
    """ASCII words as quoted strings; where there are several, a space in the text stands
    between them (every parser reads the whitespace between two as one space)."""
    return [_q(x.rstrip(" ")) for x in _pieces(text + " ", lambda t: len(_q(t)) <= _TOKEN)]


def _encoded(text: str) -> list[str]:
    """Text as RFC 2047 encoded words (UTF-8, base64). A decoder joins adjacent ones with
    nothing between, so spaces stay inside them. (Python's default-policy parser keeps the
    line fold between two as a space, as it does for its own headers.)"""
    def ew(t: str) -> str:
        return f"=?utf-8?b?{base64.b64encode(t.encode()).decode()}?="

    return [ew(x) for x in _pieces(text, lambda t: len(t.encode()) <= _WORD_BYTES)]


def _kind(word: str) -> str:
    if _ATOM.fullmatch(word) and len(word) <= _TOKEN:
        return "atom"
    if word.isascii() and "=?" not in word and len(_q(word)) <= _TOKEN:
        return "quoted"
    return "encoded"  # also a word that looks like an encoded word, or one too long for a line


def _name(name: str) -> list[str]:
    """A display name as tokens a line may be folded between, chosen so that no character
    of it (a comma, a quote, an angle bracket) can be read as part of the address list:
    words of letters and digits as they are, other ASCII as quoted strings, the rest as
    encoded words. Each run of one kind is written together, so spaces read as written."""
    tokens: list[str] = []
    for kind, run in groupby(name.split(" "), key=_kind):
        words = list(run)
        tokens += (words if kind == "atom" else _quoted(" ".join(words)) if kind == "quoted"
                   else _encoded(" ".join(words)))
    return tokens


def _mailbox(a: Address) -> list[str]:
    """One address as tokens a line may be folded between."""
    if not a.display_name:
        return [a.addr_spec]
    return [*_name(a.display_name), f"<{a.addr_spec}>"]


def fold_addresses(name: str, addresses: tuple[Address, ...], policy: EmailPolicy) -> str:
    """An address header, folded between words only (at most 78 characters a line where
    words allow)."""
    words: list[str] = []
    for i, a in enumerate(addresses):
        mailbox = _mailbox(a)
        words += mailbox[:-1] + [mailbox[-1] + ("," if i < len(addresses) - 1 else "")]
    limit = policy.max_line_length or 78
    lines, line = [], f"{name}:"
    for word in words:
        if len(line) + 1 + len(word) > limit and line.strip() != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    return policy.linesep.join([*lines, line]) + policy.linesep


class DigestPolicy(EmailPolicy):
    """The standard library's default policy (a header value can never hold a line break),
    except that From, To and Reply-To are folded by `fold_addresses`: Python's own folding
    drops the quotes of a long display name, and a name with a comma and `<…>` then read as
    another address."""

    def fold(self, name: str, value: object) -> str:
        addresses = getattr(value, "addresses", None)
        if name.lower() in ADDRESS_HEADERS and addresses is not None:
            return fold_addresses(name, addresses, self)
        return super().fold(name, value)  # type: ignore[arg-type]

    def fold_binary(self, name: str, value: object) -> bytes:
        if name.lower() in ADDRESS_HEADERS and hasattr(value, "addresses"):
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)  # type: ignore[arg-type]


POLICY = DigestPolicy()


# --- the digest ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Digest:
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

    def link(self, page: str) -> str:
        # Digests follow `milepost publish`, which keeps the current pages in latest/.
        return page_url(self.site, page, versioned=True)


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
    return Digest(
        slug=p.slug, project=one_line(p.client.project), client=one_line(p.client.name),
        today=today, site=site, to=recipients(p), reply_to=reply_address(who), answerer=who,
        subject=subject(p, waiting, changes, moved_milestone(before.project, p)),
        needs=waiting, changes=changes, since=before.since if changes else None,
        first=before.first, status=status_line(p), rating=rating_ask(p, before.project))


# --- the words both parts say (the text part and the HTML part say the same) ---------------

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


def as_text(d: Digest) -> str:
    lines = [f"{d.project} · {d.client}", f"Digest of {wording.long_date(d.today)}", ""]
    if (first := opening(d)):
        lines += [first, ""]
    if d.status:
        lines += [d.status, ""]
    if d.needs:
        lines += [needs_heading(d).upper(), ""]
        for n in d.needs:
            lines.append(("* OVERDUE: " if n.overdue else "* ") + one_line(n.sentence))
            lines.append(f"  {d.link(n.page)}")
        lines += ["", how_to_answer(d, links_here=False), ""]
    if d.changes:
        lines += [changes_heading(d).upper(), ""]
        for s in d.changes:
            lines += [f"{s.title}:", *(f"  - {one_line(x)}" for x in s.sentences),
                      f"  {d.link(page_of_section(s.title).path)}", ""]
    if d.rating:
        lines += [d.rating[0].upper(), "", "Rate it from 1 (poor) to 5 (excellent): the links "
                  "are in this email's HTML view and on the site's overview: "
                  f"{d.link('index.md')}", ""]
    lines.append(f"The project site: {d.link('index.md')}")
    if (reply := who_answers_sentence(d)):
        lines.append(reply)
    return "\n".join(lines) + "\n"


def _e(text: object) -> str:
    return html.escape(one_line(text), quote=True)


def _a(url: str, label: str, style: str = "color:#0969da") -> str:
    return f'<a href="{html.escape(url, quote=True)}" style="{style}">{_e(label)}</a>'


_H2 = "font-size:17px;margin:24px 0 8px;color:#1f2328"
_LI = "margin:0 0 10px;line-height:1.45"
_SMALL = "font-size:13px;color:#57606a"


def _status_html(d: Digest, p_overall: str | None) -> str:
    if not d.status:
        return ""
    colour = RAG_COLOURS.get(p_overall or "", "#57606a")
    return (f'<p style="margin:0 0 16px;padding:10px 12px;border-left:4px solid {colour};'
            f'background:#f6f8fa">{_e(d.status)}</p>')


def _needs_html(d: Digest) -> str:
    if not d.needs:
        return ""
    items = []
    for n in d.needs:
        flag = ('<strong style="color:#cf222e">Overdue:</strong> ' if n.overdue else "")
        answers = " · ".join(_a(a.url, a.label) for a in n.answers)
        items.append(f'<li style="{_LI}">{flag}{_e(n.sentence)}<br>'
                     f'<span style="{_SMALL}">{answers + " · " if answers else ""}'
                     f'{_a(d.link(n.page), "See it on the site")}</span></li>')
    return (f'<h2 style="{_H2}">{_e(needs_heading(d))}</h2>'
            f'<ul style="padding-left:20px;margin:0">{"".join(items)}</ul>'
            f'<p style="{_SMALL}">{_e(how_to_answer(d, links_here=True))}</p>')


def _changes_html(d: Digest) -> str:
    if not d.changes:
        return ""
    parts = [f'<h2 style="{_H2}">{_e(changes_heading(d))}</h2>']
    for s in d.changes:
        page = page_of_section(s.title).path
        items = "".join(f'<li style="{_LI}">{_e(x)}</li>' for x in s.sentences)
        parts.append(f'<h3 style="font-size:15px;margin:16px 0 6px">{_e(s.title)} '
                     f'<span style="{_SMALL};font-weight:normal">'
                     f'({_a(d.link(page), "see on the site")})</span></h3>'
                     f'<ul style="padding-left:20px;margin:0">{items}</ul>')
    return "".join(parts)


def _rating_html(d: Digest) -> str:
    if not d.rating:
        return ""
    question, answers = d.rating
    scores = " ".join(_a(a.url, a.label, "color:#0969da;font-size:17px;padding:0 6px")
                      for a in answers)
    return (f'<h2 style="{_H2}">{_e(question)}</h2><p style="margin:0 0 8px">{scores}</p>'
            f'<p style="{_SMALL}">1 is poor, 5 excellent. Each opens an email to us; add a '
            "comment if you like, then send it.</p>")


def as_html(d: Digest, overall: str | None = None) -> str:
    """The HTML part: inline styles only, no images, nothing fetched, every text escaped."""
    first = opening(d)
    reply = who_answers_sentence(d)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(d.subject)}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f5f7">'
        '<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;'
        'font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1f2328">'
        f'<p style="{_SMALL};margin:0 0 4px">{_e(d.client)} · digest of '
        f"{_e(wording.long_date(d.today))}</p>"
        f'<h1 style="font-size:22px;margin:0 0 16px">{_e(d.project)}</h1>'
        + (f'<p style="margin:0 0 16px">{_e(first)}</p>' if first else "")
        + f"{_status_html(d, overall)}{_needs_html(d)}{_changes_html(d)}{_rating_html(d)}"
        f'<p style="margin:24px 0 8px">{_a(d.link("index.md"), "Open the project site")}</p>'
        + (f'<p style="{_SMALL}">{_e(reply)}</p>' if reply else "")
        + "</div></body></html>\n")


def message_id(d: Digest, base: str, state: str) -> str:
    """The same digest (client, what it compares, the state it describes, the day) always
    has the same Message-ID, so a retried send is recognised as the same message."""
    digest = hashlib.sha256("\0".join([d.slug, base, state, d.today.isoformat()]).encode())
    host = urlsplit(d.site).hostname or "milepost.invalid"
    return f"<{d.slug}.digest.{digest.hexdigest()[:24]}@{host}>"


def as_message(d: Digest, sender: Address, msgid: str, now: datetime,
               overall: str | None = None) -> EmailMessage:
    """The email, with the standard library's default policy (a header value can never hold
    a line break, so no text from YAML can add a header) and its addresses folded so that
    every reader finds exactly them (`DigestPolicy`)."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = d.subject
    msg["From"] = sender
    msg["To"] = d.to
    if d.reply_to:
        msg["Reply-To"] = d.reply_to
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = msgid
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(as_text(d))
    msg.add_alternative(as_html(d, overall), subtype="html")
    return msg


# --- sending ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Relay:
    """An SMTP server from a URL: smtp:// (no TLS), smtp+starttls://, smtps:// (TLS)."""

    scheme: str
    host: str
    port: int
    user: str | None

    @property
    def shown(self) -> str:
        # Without the user: some services take an API token as the user name.
        return f"{self.scheme}://{self.host}:{self.port}"


DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_relay(url: str) -> Relay:
    parts = urlsplit(url)
    shown = redact(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MilepostError(f"--smtp '{shown}' is not an SMTP address: use smtp://HOST:PORT (a "
                            "local relay, no TLS), smtp+starttls://USER@HOST:587 or "
                            "smtps://USER@HOST:465")
    if parts.password is not None:
        raise MilepostError(f"--smtp must not hold a password (it would show in logs): put it "
                            f"in the environment variable {PASSWORD_VARIABLE}")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MilepostError(f"--smtp '{shown}': the port is not a number")
    user = unquote(parts.username) if parts.username else None
    if user and parts.scheme == "smtp" and parts.hostname not in LOOPBACK:
        raise MilepostError(f"--smtp {shown}: smtp:// sends the password unencrypted: use "
                            "smtp+starttls:// or smtps://")
    return Relay(parts.scheme, parts.hostname, port, user)


def envelope(msg: EmailMessage) -> tuple[str, list[str]]:
    """The sender and recipients for SMTP, from the addresses the headers were made of
    (never read back from their folded text)."""
    sender = cast(AddressHeader, msg["From"]).addresses[0].addr_spec
    return sender, [a.addr_spec for a in cast(AddressHeader, msg["To"]).addresses]


def send(msg: EmailMessage, relay: Relay, password: str | None) -> dict[str, str]:
    """Hand the message to the relay; returns the recipients it refused (others got it).
    Raises MilepostError when it took the message for nobody."""
    if relay.user and not password:
        raise MilepostError(f"--smtp names a user: set the password in the environment "
                            f"variable {PASSWORD_VARIABLE}")
    context = ssl.create_default_context()
    sender, to = envelope(msg)
    try:
        server: smtplib.SMTP
        if relay.scheme == "smtps":
            server = smtplib.SMTP_SSL(relay.host, relay.port, timeout=60, context=context)
        else:
            server = smtplib.SMTP(relay.host, relay.port, timeout=60)
        with server:
            if relay.scheme == "smtp+starttls":
                server.starttls(context=context)
            if relay.user:
                server.login(relay.user, password or "")
            refused = server.send_message(msg, sender, to)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MilepostError(f"{relay.shown} refused every recipient: "
                            f"{_replies(exc.recipients)}")
    except smtplib.SMTPResponseException as exc:
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        raise MilepostError(f"{relay.shown} refused the message: {exc.smtp_code} "
                            f"{one_line(reply)}")
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MilepostError(f"cannot send through {relay.shown}: {one_line(exc) or type(exc)}")
    return {k: f"{code} {one_line(text.decode('utf-8', 'replace'))}"
            for k, (code, text) in refused.items()}


def _replies(recipients: dict) -> str:
    return "; ".join(f"{k}: {code} {one_line(text.decode('utf-8', 'replace'))}"
                     for k, (code, text) in recipients.items())


# --- one client, end to end --------------------------------------------------------------------

@dataclass(frozen=True)
class Where:
    """Where a client's files are in git (None outside a repository)."""

    repo: Path | None
    folder: str


def _locate(projects_dir: Path, slug: str) -> Where:
    folder = (projects_dir / slug).resolve()
    repo = git.repo_root(folder)
    if repo is None:
        return Where(None, "")
    return Where(repo, folder.relative_to(repo.resolve()).as_posix())


def _model_at(repo: Path, folder: str, rev: str, day: date, scratch: Path) -> Project | None:
    exported = git.export_folder(repo, rev, folder, scratch)
    if not (exported / "client.yml").is_file():
        return None  # the client did not exist yet
    project, _ = check_client_folder(exported, f"{rev}:{Path(folder).parent}", day)
    return project


def _day(d: date, today: date) -> str:
    """'25 November', with the year only when it is not this year's."""
    text = wording.long_date(d)
    return text.rsplit(" ", 1)[0] if d.year == today.year else text


def version_words(name: str) -> str:
    """A version as a client reads it: 'version 2' for the tag's name v2."""
    numbered = re.fullmatch(r"[vV](\d.*)", name)
    return f"version {numbered.group(1) if numbered else name}"


def _versions(repo: Path, slug: str) -> list[git.Version]:
    # Only the tags the site shows as versions (never this client's digest tags).
    return [v for v in git.list_versions(repo, slug) if not version_name_problem(v.name)]


def _named(where: Where, slug: str, rev: str, commit: str, day: date,
           today: date) -> tuple[str, str | None]:
    """How a digest names what `--since` gave: as a version or an email of ours when it is
    one, else by its day (a commit's name means nothing to a client)."""
    assert where.repo is not None
    tags = {rev, rev.removeprefix("refs/tags/")}
    version = next((v for v in _versions(where.repo, slug)
                    if tags & {v.tag, v.name} and v.commit == commit), None)
    if version:
        words = version_words(version.name)
        return f"{words} ({wording.long_date(version.date)})", words
    if any(t.startswith(DIGEST_TAG.format(slug=slug)) for t in tags):
        return f"our email of {_day(day, today)}", f"our email of {_day(day, today)}"
    return wording.long_date(day), None


def baseline(where: Where, slug: str, since: str | None, today: date,
             scratch: Path) -> Baseline:
    """What to compare with: `--since REF`, else the last digest sent, else the last
    released version, else nothing. Without a digest sent before, it is a first digest."""
    if where.repo is None:
        if since:
            raise MilepostError(f"--since {since}: {slug} is not in a git repository")
        return Baseline(None, None, None, None, first=True)
    mark = git.last_mark(where.repo, DIGEST_TAG.format(slug=slug))
    versions = _versions(where.repo, slug)
    if since:
        found = git.commit_of(where.repo, since)
        if found is None:
            raise MilepostError(f"--since '{since}' is not a commit, tag or branch of this "
                                "repository")
        commit, day = found
        label, in_sentences = _named(where, slug, since, commit, day, today)
    elif mark:
        commit, day = mark.commit, mark.date
        label, in_sentences = f"our last email of {_day(day, today)}", "our last email"
    elif versions:
        commit, day = versions[-1].commit, versions[-1].date
        words = version_words(versions[-1].name)
        label, in_sentences = f"{words} ({wording.long_date(day)})", words
    else:
        return Baseline(None, None, None, None, first=True)
    project = _model_at(where.repo, where.folder, commit, day, scratch)
    if project is None:  # the client did not exist then
        return Baseline(None, None, None, None, first=mark is None)
    return Baseline(project, day, label, in_sentences, mark is None, commit)


@dataclass(frozen=True)
class Outcome:
    slug: str
    sent: bool
    message: str
    failed: bool = False


@dataclass(frozen=True)
class Options:
    eml: Path | None = None
    smtp: str | None = None
    sender: str | None = None
    since: str | None = None
    push: str | None = None


def current_project(projects_dir: Path, slug: str, today: date) -> Project:
    project, problems = check_client_folder((projects_dir / slug).resolve(),
                                            str(projects_dir), today, publishing=True)
    if project is None:
        listing = "\n".join(p.text() for p in errors(problems))
        raise MilepostError(f"{slug} does not validate; no digest:\n{listing}")
    return project


def parse_sender(text: str) -> Address:
    """--from (or MILEPOST_FROM): an address, with a name or without:
    `projects@agency.example` or `Brightfold projects <projects@agency.example>`."""
    header = cast(AddressHeader, HeaderRegistry()("from", one_line(text)))
    found = header.addresses
    try:
        if len(found) != 1 or getattr(header, "defects", None):
            raise ValueError("not one address")
        return plain_address(found[0].display_name, found[0].addr_spec)
    except (ValueError, IndexError, email_errors.MessageError):
        raise MilepostError(f"--from '{one_line(text)}' is not an email address: write "
                            "name@example.com, or Name <name@example.com>")


def nobody_answers(p: Project) -> MilepostError:
    """The refusal when a digest would have neither a sender nor anyone to answer it."""
    return MilepostError(
        f"{p.slug} has nobody at the agency to send the digest from or to answer it. In "
        f"{p.client.where.file}, mark the agency's project lead with `lead: true` (a "
        "team-side member with an email, e.g. `- {name: Pat Lee, side: team, role: Project "
        "manager, email: pat@agency.example, lead: true}`), or give an email address under "
        "communication (e.g. `- {channel: Project inbox, address: projects@agency.example}`);"
        f" or give --from ADDRESS (or set {SENDER_VARIABLE}), and replies go there")


def _stand_in(d: Digest) -> str:
    """For the PM: who answers when nobody is marked `lead: true`, and how to choose."""
    who = d.answerer
    if who is None or who.chosen == "lead: true":
        return ""
    return (f"; answers go to {who.name} <{who.email}>, chosen by {who.chosen} (mark the "
            "agency's project lead with lead: true in client.yml to choose)")


def notify_client(projects_dir: Path, slug: str, today: date, base_config: Path,
                  options: Options, now: datetime | None = None) -> Outcome:
    """Write (--eml) or send (--smtp) one client's digest: --smtp sends only when there is
    something to say; --eml always writes what would be sent."""
    p = current_project(projects_dir, slug, today)
    site = client_site_url(p, base_config)
    if site is None:
        raise MilepostError(f"{slug} has no site address for the digest's links: set site_url "
                            "in the base mkdocs.yml (the host's root; the client's site is "
                            f"<site_url>/{slug}/) or site_url in {possessive(slug)} client.yml")
    d_to = recipients(p)
    if not d_to:
        return Outcome(slug, False, "nobody to notify (no client-side team member with "
                       "notify: true and an email): nothing sent")
    where = _locate(projects_dir, slug)
    sending = options.smtp is not None
    if sending:
        _check_committed(where, slug)
    with tempfile.TemporaryDirectory(prefix="milepost-notify-") as scratch:
        before = baseline(where, slug, options.since, today, Path(scratch))
    d = compose(p, before, today, site)
    sender = parse_sender(options.sender) if options.sender else d.reply_to
    if sender is None:
        raise nobody_answers(p)
    news = something_to_say(d, before)
    if not news and sending:
        since = f" since {before.since}" if before.since else ""
        return Outcome(slug, False, f"nothing new{since}: nothing sent")
    msgid = message_id(d, before.commit, git.working_fingerprint(projects_dir / slug))
    overall = u.overall if (u := derive.latest_update(p)) else None
    msg = as_message(d, sender, msgid, now or datetime.now(UTC), overall)
    if options.smtp is None:  # not sending
        if options.eml is None:
            raise MilepostError("give --eml DIR to write the digest or --smtp URL to send it")
        written = _write_eml(msg, options.eml, slug, len(d.to))
        if news:
            return replace(written, message=written.message + _stand_in(d))
        since = f" since {before.since}" if before.since else ""
        return replace(written, message=f"nothing new{since}, so --smtp would send nothing; "
                       f"{written.message}" + _stand_in(d))
    # Sending: _check_committed has made sure the client is committed in a repository.
    assert where.repo is not None
    try:
        refused = send(msg, parse_relay(options.smtp), os.environ.get(PASSWORD_VARIABLE))
    except MilepostError as exc:
        raise MilepostError(f"{slug}: digest not sent: {exc}; nothing was marked as sent, so "
                            "the next run tries again")
    tag = _remember(where.repo, slug, msg, len(d.to), now or datetime.now(UTC))
    pushed = ""
    if options.push:
        try:
            git.push_tag(where.repo, options.push, tag)
            pushed = f", pushed to {redact(options.push)}"
        except MilepostError as exc:
            return Outcome(slug, True, f"sent ({msgid}) and remembered as {tag}, but the tag "
                           f"was not pushed, so the next pipeline would send it again: {exc}",
                           failed=True)
    note = f"sent to {len(d.to) - len(refused)} of {len(d.to)} ({msgid}); remembered as " \
           f"{tag}{pushed}{_stand_in(d)}"
    if refused:
        return Outcome(slug, True, note + "; refused: " + "; ".join(
            f"{k}: {v}" for k, v in refused.items()), failed=True)
    return Outcome(slug, True, note)


def _check_committed(where: Where, slug: str) -> None:
    """A sent digest is remembered at a commit: it must describe exactly that commit."""
    if where.repo is None:
        raise MilepostError(f"{slug} is not in a git repository: Milepost remembers the "
                            "digests it sent in git, so it sends only from one (--eml "
                            "writes the message without sending)")
    # Checked before sending: the tag needs a commit, and one that holds this client (files
    # that .gitignore hides, or a git set to hide untracked files, show nothing in status).
    if git.commit_of(where.repo, "HEAD") is None:
        raise MilepostError(f"{slug} cannot be sent from a repository with no commit yet: "
                            "Milepost remembers each digest sent as a tag on the commit it "
                            f"describes; commit the client's files first (git add "
                            f"{where.folder}, then git commit), or write the message with --eml")
    client_file = f"{where.folder}/client.yml"
    if not git.has_path(where.repo, "HEAD", client_file):
        raise MilepostError(f"{slug} is not in the last commit ({client_file} is not "
                            "committed; is it ignored by .gitignore?): commit the client's "
                            "files first, so the digest describes exactly what is in git")
    dirty = git.dirty_files(where.repo, where.folder)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise MilepostError(f"{slug} has uncommitted changes ({shown}): commit them first, "
                            "so the digest describes exactly what is in git")


def _write_eml(msg: EmailMessage, folder: Path, slug: str, people: int) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slug}.eml"
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_bytes(msg.as_bytes())
    os.replace(tmp, target)
    return Outcome(slug, False, f"wrote {target} (for {plural(people, 'person', 'people')}; "
                   "nothing sent)")


def _remember(repo: Path, slug: str, msg: EmailMessage, people: int, now: datetime) -> str:
    """Tag the commit the digest described, so the next one starts from it."""
    head = git.commit_of(repo, "HEAD")
    assert head is not None  # the client's files are committed (_check_committed)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    tag, n = f"{DIGEST_TAG.format(slug=slug)}{stamp}", 1
    while git.tag_exists(repo, tag):
        n += 1
        tag = f"{DIGEST_TAG.format(slug=slug)}{stamp}-{n}"
    git.create_mark(repo, tag, f"Digest sent to {plural(people, 'person', 'people')}: "
                    f"{msg['Subject']}\n\n"
                    f"Message-ID: {msg['Message-ID']}", head[0])
    return tag
