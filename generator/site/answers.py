"""Answer links: one click opens the client's own mail program with a message to the
agency's project lead already written, so answering a sign-off, a decision, a change request
or a task takes a click, and the project manager can record the answer as written (`via:
email`).

Built at build time, as plain mailto: links: no script and no third party. Every part of a
link is percent-encoded (RFC 6068), and the subject is one line, so no text from YAML can
add a header or a recipient in the mail program. Used by the Waiting on you page and the
email digest, which therefore offer the same answers, to the same person (`who_answers`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from markupsafe import Markup

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.markup import attr

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_OPTIONS = 4  # a decision with more options gets a link to say which one, not one each
# A communication channel's address that is an email address (not a phone or a link).
_EMAIL = re.compile(r"(?:mailto:)?([^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+)")
# Roles that run the project for the agency, and any role that leads or manages.
_PROJECT_ROLE = re.compile(r"\b(project|delivery|account|programme|program|engagement|client)"
                           r"\b.*\b(lead|manager|director|owner)\b|\bhead of (delivery|projects?)"
                           r"\b|\bproject lead\b", re.IGNORECASE)
_ANY_LEAD_ROLE = re.compile(r"\b(lead|manager|head)\b", re.IGNORECASE)


# --- the reference each answer carries, so `milepost inbox` can tell what it answers ------

KEY_VARIABLE = "MILEPOST_ANSWER_KEY"
UNSIGNED = "unsigned"
# [mp:acme/signoff/D2/approve/2026-11-20/4be1…]: client folder, kind, item ID, answer, the
# version answered (a deliverable's handover date; '-' for other kinds) and a signature.
# Nothing in it is internal: the folder name is in the site's address, the ID on its pages.
REFERENCE = re.compile(r"\[mp:([a-z0-9][a-z0-9-]*)/(task|signoff|decision|change|rating)/"
                       r"([A-Za-z][A-Za-z0-9_.-]*)/([a-z0-9]{1,12})/([0-9-]{1,10})/"
                       r"([0-9a-f]{24}|unsigned)\]")


@dataclass(frozen=True)
class Reference:
    """What an answer link answers: the client, the item, the answer and its version."""

    slug: str
    kind: str      # task | signoff | decision | change | rating
    item: str      # the item's ID (a milestone's, for a rating)
    answer: str    # approve, changes, done, time, agree, question, o1…o4, decline, 1…5
    version: str   # a deliverable's handover date (YYYY-MM-DD); '-' for other kinds
    signature: str = UNSIGNED

    def payload(self) -> str:
        return f"{self.slug}/{self.kind}/{self.item}/{self.answer}/{self.version}"

    def text(self) -> str:
        return f"[mp:{self.payload()}/{self.signature}]"


def answer_key() -> bytes | None:
    """The agency's secret that signs every reference (a CI secret, like the SMTP password):
    the site build and `milepost inbox` must see the same. None when it is not set."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    return key.encode() if key else None


def signature(key: bytes, payload: str) -> str:
    return hmac.new(key, f"milepost-answer-1\0{payload}".encode(), hashlib.sha256
                    ).hexdigest()[:24]


def signed(ref: Reference, key: bytes | None) -> Reference:
    """The reference with its signature; without a key, marked unsigned (inbox then lists
    the answer for the PM instead of applying it)."""
    mark = signature(key, ref.payload()) if key else UNSIGNED
    return Reference(ref.slug, ref.kind, ref.item, ref.answer, ref.version, mark)


def genuine(ref: Reference, key: bytes) -> bool:
    return ref.signature != UNSIGNED and hmac.compare_digest(
        ref.signature, signature(key, ref.payload()))


def parse_reference(text: str) -> Reference | None:
    found = REFERENCE.fullmatch(text)
    return Reference(*found.groups()) if found else None


@dataclass(frozen=True)
class Answer:
    label: str   # what the link says, e.g. "Approve"
    url: str     # the mailto: link, percent-encoded


@dataclass(frozen=True)
class Answerer:
    """Who the client's answers (and replies to the digest) reach."""

    name: str            # 'Pat Lee', or a channel's name: 'Project inbox'
    email: str
    role: str | None     # 'Delivery lead', shown beside the name
    chosen: str          # why this one, for the PM: 'lead: true', 'the role Delivery lead', …
    where: r.Where = field(default_factory=r.Where, compare=False)  # the record it came from
    key: str = "email"   # the record's field that holds the address


def _line(text: object) -> str:
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def who_answers(p: Project) -> Answerer | None:
    """The agency's project lead (`lead: true` on the team side); where no one is marked,
    who a client would take for them, in this order: the one whose role says they run the
    project (Project manager, Delivery lead, …), the only agency-side person with an email,
    a communication channel whose address is an email, anyone whose role leads or manages.
    None when there is nobody to write to."""
    team = [c for c in p.client.team if c.side == "team" and c.email and c.email.strip()]

    def person(c: r.Contact, chosen: str) -> Answerer:
        return Answerer(_line(c.name), (c.email or "").strip(), c.role and _line(c.role),
                        chosen, c.where)

    lead = next((c for c in team if c.lead), None)
    if lead:
        return person(lead, "lead: true")
    runs = next((c for c in team if c.role and _PROJECT_ROLE.search(c.role)), None)
    if runs:
        return person(runs, f"the role {_line(runs.role)}")
    if len(team) == 1:
        return person(team[0], "the only agency-side person with an email")
    for ch in p.client.communication:
        found = _EMAIL.fullmatch((ch.address or "").strip())
        if found:
            return Answerer(_line(ch.channel), found.group(1), None,
                            "the communication address", ch.where, "address")
    leads = next((c for c in team if c.role and _ANY_LEAD_ROLE.search(c.role)), None)
    return person(leads, f"the role {_line(leads.role)}") if leads else None


def lead_email(p: Project) -> str | None:
    """Where answers go: the address of `who_answers`."""
    found = who_answers(p)
    return found.email if found else None


def mailto(to: str, subject: str, body: str) -> str:
    """A mailto: link with every reserved character of every part percent-encoded."""
    lines = body.split("\n")  # our own line breaks, written as CRLF (RFC 6068)
    return (f"mailto:{quote(to, safe='@')}?subject={quote(_line(subject), safe='')}"
            f"&body={'%0D%0A'.join(quote(_line(x), safe='') for x in lines)}")


def _answer(p: Project, label: str, subject: str, facts: list[str], answer: str,
            ref: tuple[str, str, str, str], notes: str = "Notes:") -> Answer:
    to = lead_email(p)
    assert to is not None
    kind, item, code, version = ref
    mark = signed(Reference(p.slug, kind, item, code, version), answer_key()).text()
    body = "\n".join([f"Client: {p.client.name}", f"Project: {p.client.project}", *facts,
                      f"Answer: {answer}", "", notes, "", "", f"Reference: {mark}"])
    return Answer(label, mailto(to, f"{p.client.name}: {subject}: {answer} {mark}", body))


def signoff_answers(p: Project, deliverable_id: str) -> list[Answer]:
    found = next(((m, dl, s) for m, dl, s in derive.awaiting_signoff(p)
                  if dl.id == deliverable_id), None)
    if found is None:
        return []
    m, dl, state = found
    # The format records a version only with the answer: the delivery date names it.
    version = f"the version delivered on {wording.long_date(state.since)}"
    facts = [f"Sign-off of: {dl.id} {dl.title} (milestone {m.id} {m.title})",
             f"Version: {version}"]
    subject = f"Sign-off {dl.id} ({version})"
    on = state.since.isoformat() if state.since else "-"
    return [_answer(p, "Approve", subject, facts, "approved", ("signoff", dl.id, "approve", on)),
            _answer(p, "Request changes", subject, facts, "changes requested: …",
                    ("signoff", dl.id, "changes", on))]


def decision_answers(p: Project, decision_id: str) -> list[Answer]:
    dec = next((d for d in p.decisions if d.id == decision_id), None)
    if dec is None:
        return []
    facts = [f"Decision: {dec.id} {dec.title} (proposed on {wording.long_date(dec.date)})"]
    subject = f"Decision {dec.id}"
    if 0 < len(dec.options) <= MAX_OPTIONS:
        return [_answer(p, f"Choose {_line(o.name)}", subject, facts, f"we choose {o.name}",
                        ("decision", dec.id, f"o{i}", "-"))
                for i, o in enumerate(dec.options, start=1)]
    return [_answer(p, "Agree", subject, facts, "agreed", ("decision", dec.id, "agree", "-")),
            _answer(p, "Ask a question", subject, facts, "a question: …",
                    ("decision", dec.id, "question", "-"))]


def task_answers(p: Project, task_id: str) -> list[Answer]:
    t = next((x for x in p.client_tasks if x.id == task_id and not x.done), None)
    if t is None:
        return []
    facts = [f"Task: {t.id} {t.title} (due {wording.long_date(t.due)})"]
    subject = f"Task {t.id}"
    return [_answer(p, "Tell us it is done", subject, facts, "done", ("task", t.id, "done", "-")),
            _answer(p, "Ask for more time", subject, facts, "we need more time, until …",
                    ("task", t.id, "time", "-"))]


def change_answers(p: Project, change_id: str) -> list[Answer]:
    x = next((c for c in derive.awaiting_changes(p) if c.id == change_id), None)
    if x is None:
        return []
    terms = wording.change_terms(x, p)
    facts = [f"Change request: {x.id} {x.title} (requested by {x.requested_by} on "
             f"{wording.long_date(x.date)})", *([f"Terms: {terms}"] if terms else [])]
    subject = f"Change request {x.id}"
    return [_answer(p, "Approve", subject, facts, "approved", ("change", x.id, "approve", "-")),
            _answer(p, "Decline", subject, facts, "declined", ("change", x.id, "decline", "-")),
            _answer(p, "Ask a question", subject, facts, "a question: …",
                    ("change", x.id, "question", "-"))]


def rating_answers(p: Project, milestone_id: str) -> list[Answer]:
    """'How did we do on M3? 1 2 3 4 5': one link per score."""
    m = next((x for x in p.milestones if x.id == milestone_id), None)
    if m is None:
        return []
    facts = [f"Rating of: {m.id} {m.title}", "Scale: 1 (poor) to 5 (excellent)"]
    return [_answer(p, str(n), f"How did we do on {m.id}?", facts, f"{n} of 5",
                    ("rating", m.id, str(n), "-"), notes="Comment:") for n in range(1, 6)]


KINDS = {"signoff": signoff_answers, "decision": decision_answers, "task": task_answers,
         "change": change_answers, "rating": rating_answers}


def waiting_items(p: Project, today: date) -> list[tuple[str, str, str]]:
    """Every item waiting on the client as (kind, ID, label), in the Waiting on you page's
    order: the same items the page, the overview and the digest count (`derive.waiting`)."""
    w = derive.waiting(p, today)
    return [*(("task", t.id, f"{t.title} ({t.id})") for t in w.tasks),
            *(("signoff", dl.id, f"Sign off {dl.title} ({dl.id})") for _, dl, _ in w.signoffs),
            *(("decision", d.id, f"Decide {d.id}: {d.title}") for d in w.decisions),
            *(("change", x.id, f"Change request {x.id}: {x.title}")
              for x in w.changes)]


def answers_for(p: Project, kind: str, item_id: str) -> list[Answer]:
    """The answer links for one item waiting on the client; none without anyone at the
    agency to write to."""
    if lead_email(p) is None:
        return []
    return KINDS[kind](p, item_id)


# --- on the Waiting on you page ----------------------------------------------------------------

def answer_link(a: Answer) -> Markup:
    """An answer as an HTML link for a Markdown page: the URL is already percent-encoded,
    and `attr` makes what is left inert to HTML and Markdown alike."""
    return Markup(f'<a class="mp-answer" href="{attr(a.url)}">{attr(a.label)}</a>')


def waiting_answers(p: Project, today: date) -> list[tuple[str, Markup]]:
    """Each item waiting on the client, in the page's order, with its answer links."""
    found = [(label, answers_for(p, kind, item_id))
             for kind, item_id, label in waiting_items(p, today)]
    return [(label, Markup(" · ").join(answer_link(a) for a in answers))
            for label, answers in found if answers]
