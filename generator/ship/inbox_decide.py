"""What an email says, and whether to trust it: pure functions from a message's bytes and
the clients' public projects to an answer to write, or the reason it is listed for the PM.

An answer is applied only when all of these hold, and listed with the first that does not:
the message is small and readable, has a Message-ID, carries one answer reference (from the
subject or the part of the body above any quoted earlier email) signed with the agency's
key, for a client and an item that still waits on that answer (the same version of a
deliverable); the receiving server named by `--authserv-id` recorded a passing DMARC result
(or a passing DKIM signature aligned with the From domain) in its own, topmost
Authentication-Results header; and the sender is a client-side person of that client who
may give that answer (RFC 8601 for the header; docs/pages/guide/answers.md explains it to
the PM).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site.answers import Reference, genuine, parse_reference

MAX_MESSAGE_BYTES = 5_000_000  # a reply with a signed PDF fits; a 10 MB body is listed
REFERENCE_TEXT = re.compile(r"\[mp:[^\]\s]{1,200}\]")
# Where an earlier email starts below a reply: "On … wrote:", Outlook's separator and header
# block, or a quoted line.
# Matched against one stripped line.
QUOTE_START = re.compile(r"^(>|On .{0,300}wrote:|-{2,}\s*Original Message\s*-{2,}|_{10,}|"
                         r"From:\s|Le .{0,300}a écrit\s*:|Am .{0,300}schrieb.{0,100}:)",
                         re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# What each answer says in the email's "Answer:" line, as the link wrote it.
ANSWER_WORDS = {"approve": "approved", "changes": "changes requested", "done": "done",
                "time": "we need more time", "agree": "agreed", "question": "a question",
                "decline": "declined"}
FREE = {"question", "time"}  # answers a PM reads and answers; nothing is written


@dataclass(frozen=True)
class Mail:
    """The parts of an email the inbox reads."""

    message_id: str
    sender: str          # the From address, lowercased
    sender_name: str
    day: date | None     # the Date header's day, as the sender wrote it
    subject: str
    text: str            # the text part above any quoted earlier email
    references: tuple[str, ...]  # answer references found in the subject and that text
    auth_results: tuple[str, ...]  # Authentication-Results headers, topmost first


@dataclass(frozen=True)
class Applied:
    """An answer to write: which client, what, and the evidence it came with."""

    slug: str
    ref: Reference
    evidence: r.Evidence
    notes: str | None    # what the client wrote besides clicking
    said: str            # for the report: "sign-off D2 approved by Dana Cruz"


@dataclass(frozen=True)
class Listed:
    """A message left for the PM, and why."""

    why: str
    slug: str | None = None
    item: str | None = None
    done_already: bool = False  # already applied: marked processed like an applied one


@dataclass(frozen=True)
class Clients:
    """The public projects the inbox answers for, by folder name (None: invalid client)."""

    projects: dict[str, Project | None] = field(default_factory=dict)


# --- reading the message --------------------------------------------------------------------

def read_mail(raw: bytes) -> Mail | Listed:
    """The parts of a message, or why it cannot be read safely."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return Listed(f"too large to read ({len(raw):,} bytes; the limit is "
                      f"{MAX_MESSAGE_BYTES:,})")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    try:
        subject = str(msg.get("Subject", "")).strip()
        froms = msg.get_all("From") or []
        msgid = str(msg.get("Message-ID", "")).strip()
    except Exception as exc:  # the email package raises many kinds on a malformed header
        return Listed(f"a header cannot be read ({type(exc).__name__})")
    if _CONTROL.search(subject):
        return Listed("the subject holds line breaks or control characters (header injection?)")
    if len(froms) != 1:
        return Listed(f"{len(froms)} From headers: a reply has exactly one")
    addresses = getaddresses([str(froms[0])])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        return Listed("the From header does not hold exactly one address")
    name, sender = addresses[0]
    text = _text_of(msg)
    if isinstance(text, Listed):
        return text
    above = above_quote(text)
    refs = tuple(dict.fromkeys(REFERENCE_TEXT.findall(subject) + REFERENCE_TEXT.findall(above)))
    return Mail(msgid, sender.strip().lower(), " ".join(name.split()), _day(msg), subject,
                above, refs, tuple(str(h) for h in msg.get_all("Authentication-Results", [])))


def _day(msg: EmailMessage) -> date | None:
    try:
        when = parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return when.date() if when else None


def _text_of(msg: EmailMessage) -> str | Listed:
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        return Listed("no plain-text part (HTML only): read it in your mail program")
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:
        return Listed(f"its text cannot be decoded ({type(exc).__name__}: charset "
                      f"{part.get_content_charset() or 'unknown'})")
    if not isinstance(content, str):
        return Listed("its text part is not text")
    if "\ufffd" in content:  # bytes the declared charset does not hold: what was meant is unknown
        return Listed(f"its text is not valid {part.get_content_charset() or 'ASCII'}")
    return content


def above_quote(text: str) -> str:
    """The reply itself: the lines before the first quoted line or earlier-email marker, so
    a reference in an older, quoted answer is never taken for this one."""
    lines = []
    for line in text.splitlines():
        if QUOTE_START.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines)


# --- whom to trust --------------------------------------------------------------------------

def _strip_comments(value: str) -> str:
    out, depth, quoted = [], 0, False
    for ch in value:
        if ch == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            continue
        elif not quoted and ch == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return "".join(out)


def parse_auth_results(value: str) -> tuple[str, list[dict[str, str]]]:
    """An Authentication-Results header as (authserv-id, results): each result a dict of
    'method', 'result' and its properties ('header.from', 'header.d', …). RFC 8601."""
    parts = [p.strip() for p in _strip_comments(" ".join(value.split())).split(";")]
    head = parts[0].split()
    server = head[0].lower() if head else ""
    if "=" in server:  # no authserv-id at all (Office 365 writes none)
        server, parts = "", ["", *parts]
    results = []
    for part in parts[1:]:
        words = part.split()
        if not words or "=" not in words[0]:
            continue
        method, _, result = words[0].partition("=")
        found = {"method": method.split("/")[0].lower(), "result": result.lower()}
        for w in words[1:]:
            key, eq, val = w.partition("=")
            if eq:
                found[key.lower()] = val.strip('"').lower()
        results.append(found)
    return server, results


def aligned(d: str, from_domain: str) -> bool:
    """Relaxed DKIM alignment (RFC 7489): the signing domain is the From domain or a parent
    of it (not a bare top-level domain)."""
    d = d.lstrip("@").split("@")[-1]
    return "." in d and (from_domain == d or from_domain.endswith("." + d))


def authenticated(headers: tuple[str, ...], authserv_id: str, from_domain: str) -> str | None:
    """None when the receiving server's own header records DMARC pass (or aligned DKIM pass)
    for the From domain; else why not. Only the topmost header with our authserv-id counts:
    our server adds its header above what the message came with, so one below it, or one
    from any other server, may have been written by the sender."""
    ours = next((h for h in headers if parse_auth_results(h)[0] == authserv_id.lower()), None)
    if ours is None:
        others = sorted({parse_auth_results(h)[0] or "(none)" for h in headers})
        return ("no Authentication-Results from " + authserv_id
                + (f" (only from: {', '.join(others)})" if others else ""))
    results = parse_auth_results(ours)[1]
    for x in results:
        if (x["method"] == "dmarc" and x["result"] == "pass"
                and x.get("header.from", from_domain) == from_domain):
            return None
    failed = [x for x in results if x["method"] == "dmarc" and x["result"] not in ("none",)]
    for x in [] if failed else results:  # a failed DMARC check is never outweighed by DKIM
        d = x.get("header.d") or x.get("header.i", "")
        if x["method"] == "dkim" and x["result"] == "pass" and d and aligned(d, from_domain):
            return None
    said = ", ".join(f"{x['method']}={x['result']}" for x in results
                     if x["method"] in ("dmarc", "dkim", "spf")) or "no DMARC or DKIM result"
    return f"not authenticated by {authserv_id} for {from_domain} ({said})"


# --- deciding ---------------------------------------------------------------------------------

def decide(mail: Mail, clients: Clients, key: bytes | None, authserv_id: str,
           today: date) -> Applied | Listed:
    """What to do with one readable message."""
    if not mail.message_id:
        return Listed("no Message-ID: it could not be applied only once")
    if not mail.references:
        return _free_reply(mail, clients)
    if len(mail.references) > 1:
        return Listed("more than one answer reference in the reply: which one is meant?")
    ref = parse_reference(mail.references[0])
    if ref is None:
        return Listed("the answer reference is damaged (edited by hand?)")
    if key is None:
        return Listed("no MILEPOST_ANSWER_KEY is set: answers cannot be checked", ref.slug,
                      ref.item)
    if not genuine(ref, key):
        return Listed("the answer reference's signature does not match (edited by hand, or "
                      "the link was made with another key)", ref.slug, ref.item)
    if ref.slug not in clients.projects:
        return Listed(f"no client {ref.slug}", ref.slug, ref.item)
    p = clients.projects[ref.slug]
    if p is None:
        return Listed(f"{ref.slug} has validation errors: fix them, then run inbox again",
                      ref.slug, ref.item)
    domain = mail.sender.rsplit("@", 1)[-1]
    why = authenticated(mail.auth_results, authserv_id, domain)
    if why:
        return Listed(why, ref.slug, ref.item)
    person = _client_person(p, mail.sender)
    if person is None:
        return Listed(f"{mail.sender} is not a client-side person of {ref.slug}", ref.slug,
                      ref.item)
    if already_applied(p, mail.message_id):
        return Listed("already applied", ref.slug, ref.item, done_already=True)
    refused = _may_answer(p, person, ref) or _still_waiting(p, ref, today)
    if refused:
        return Listed(refused, ref.slug, ref.item)
    if ref.answer in FREE:
        return Listed(f"{ANSWER_WORDS[ref.answer]} from {person.name}: answer it yourself",
                      ref.slug, ref.item)
    changed = _answer_line_changed(mail.text, ref, p)
    if changed:
        return Listed(changed, ref.slug, ref.item)
    day = min(mail.day or today, today)
    evidence = r.Evidence(message_id=mail.message_id, sender=mail.sender, by=person.name,
                          date=day)
    return Applied(ref.slug, ref, evidence, notes_of(mail.text, ref),
                   f"{describe(ref, p)} by {person.name}")


def _free_reply(mail: Mail, clients: Clients) -> Listed:
    """A reply without an answer reference: a question, a reply to the digest."""
    for slug, p in clients.projects.items():
        if p is not None and _client_person(p, mail.sender):
            return Listed("a reply that is not an answer: read it", slug)
    return Listed("not an answer, and not from a client-side person of any client")


def _client_person(p: Project, sender: str) -> r.Contact | None:
    return next((c for c in p.client.team if c.side == "client" and c.email
                 and c.email.strip().lower() == sender), None)


def already_applied(p: Project, message_id: str) -> bool:
    records: list = [*p.signoffs, *p.client_tasks, *p.decisions, *p.changes, *p.feedback]
    return any(x.evidence and x.evidence.message_id == message_id for x in records)


def _may_answer(p: Project, person: r.Contact, ref: Reference) -> str | None:
    """Tasks and ratings: any client-side person. Sign-offs and change requests: the client's
    lead or those with signs_off: true. Decisions: the lead or one of its deciders."""
    if ref.kind in ("task", "rating") or person.lead:
        return None
    if ref.kind in ("signoff", "change") and person.signs_off:
        return None
    if ref.kind == "decision":
        dec = next((d for d in p.decisions if d.id == ref.item), None)
        if dec is not None and person.name in dec.deciders:
            return None
        return f"{person.name} is not among the deciders of {ref.item} nor the client's lead"
    what = "sign off" if ref.kind == "signoff" else "approve change requests"
    return (f"{person.name} may not {what} (the client's lead may, and those with "
            "signs_off: true)")


def _still_waiting(p: Project, ref: Reference, today: date) -> str | None:
    if ref.kind == "task":
        t = next((x for x in p.client_tasks if x.id == ref.item), None)
        return None if t and not t.done else f"task {ref.item} is already done or gone"
    if ref.kind == "signoff":
        found = next((s for _, dl, s in derive.awaiting_signoff(p) if dl.id == ref.item), None)
        if found is None:
            return f"deliverable {ref.item} no longer waits for sign-off (already answered?)"
        since = found.since.isoformat() if found.since else "-"
        return None if since == ref.version else (
            f"deliverable {ref.item} changed since the link was sent (handed over {since}, "
            f"the answer is for {ref.version})")
    if ref.kind == "decision":
        dec = next((d for d in derive.awaiting_decisions(p) if d.id == ref.item), None)
        if dec is None:
            return f"decision {ref.item} no longer waits on the client (already taken?)"
        n = int(ref.answer[1:]) if re.fullmatch(r"o[1-4]", ref.answer) else 0
        return None if n <= len(dec.options) else f"decision {ref.item} has no option {n}"
    if ref.kind == "change":
        waiting = any(x.id == ref.item for x in derive.awaiting_changes(p))
        return None if waiting else f"change request {ref.item} is no longer waiting"
    # A rating: each one is kept (a later one shows the trend), for a milestone still there.
    return None if any(m.id == ref.item for m in p.milestones) else f"no milestone {ref.item}"


def option_name(p: Project, ref: Reference) -> str | None:
    dec = next((d for d in p.decisions if d.id == ref.item), None)
    if dec and re.fullmatch(r"o[1-4]", ref.answer) and int(ref.answer[1:]) <= len(dec.options):
        return dec.options[int(ref.answer[1:]) - 1].name
    return None


def expected_answer(ref: Reference, p: Project) -> str:
    if ref.kind == "rating":
        return f"{ref.answer} of 5"
    chosen = option_name(p, ref)
    return f"we choose {chosen}" if chosen else ANSWER_WORDS[ref.answer]


def _answer_line(text: str) -> str | None:
    found = re.search(r"^\s*Answer:\s*(.*)$", text, re.MULTILINE)
    return " ".join(found.group(1).split()) if found else None


def _answer_line_changed(text: str, ref: Reference, p: Project) -> str | None:
    """The reference is what was clicked; a reply whose Answer line says something else
    (edited to "not approved") is for the PM to read."""
    line = _answer_line(text)
    expected = " ".join(expected_answer(ref, p).split())
    if line is None or line.lower().startswith(expected.lower()):
        return None
    return f"the Answer line was changed to '{line[:80]}' (the link said '{expected}')"


def notes_of(text: str, ref: Reference) -> str | None:
    """What the client added: after "Notes:" or "Comment:" (up to the reference line), and
    for a change request, what follows "changes requested:" on the Answer line."""
    parts = []
    line = _answer_line(text) or ""
    if ":" in line and ref.answer == "changes":
        extra = line.split(":", 1)[1].strip(" …")
        if extra:
            parts.append(extra)
    found = re.search(r"^\s*(?:Notes|Comment):[ \t]*(.*?)(?=^\s*Reference:|\Z)", text,
                      re.MULTILINE | re.DOTALL)
    if found:
        note = "\n".join(x.rstrip() for x in found.group(1).strip().splitlines())
        if note:
            parts.append(note)
    return "\n\n".join(parts) or None


def describe(ref: Reference, p: Project) -> str:
    if ref.kind == "signoff":
        said = "approved" if ref.answer == "approve" else "changes requested"
        return f"sign-off {ref.item} {said}"
    if ref.kind == "task":
        return f"task {ref.item} done"
    if ref.kind == "decision":
        chosen = option_name(p, ref)
        return f"decision {ref.item} taken" + (f": {chosen}" if chosen else "")
    if ref.kind == "change":
        return f"change request {ref.item} {'approved' if ref.answer == 'approve' else 'declined'}"
    return f"rating {ref.answer} of 5 on {ref.item}"
