"""`milepost notify`: the email digest that tells a client what needs them and what changed.

The digest is made from the public model only (nothing internal can be in it) and goes to
the client-side team members with `notify: true`; the agency's project lead (`lead: true` on
the team side) is its Reply-To. What changed is computed by `compare.what_changed` between
the client's files at the last digest sent and now, so it reads like the site's What
changed page; what needs the client comes from `derive`, like the Waiting on you page.

Milepost remembers each digest it sent as a git tag `<slug>/digest/<UTC timestamp>` at the
commit it described. The next digest compares against that commit; a send that failed
tags nothing, so the next run tries again.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email import errors as email_errors
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.format import records as r
from generator.format.pages import decision_page
from generator.history import git
from generator.history.compare import what_changed
from generator.numbers import possessive
from generator.problems import MilepostError, errors
from generator.site import derive
from generator.site.answers import Answer, answers_for
from generator.site.client import check_client_folder
from generator.site.markup import plain
from generator.site.model import Project, Section
from generator.site.urls import client_site_url, page_url

DIGEST_TAG = "{slug}/digest/"
PASSWORD_VARIABLE = "MILEPOST_SMTP_PASSWORD"
# Where each section of What changed is shown on the site.
SECTION_PAGES = {"Milestones": "roadmap.md", "Sign-offs": "signoffs.md",
                 "Decisions": "decisions/index.md", "Scope changes": "changes.md",
                 "Risks": "risks.md", "Your tasks": "waiting.md", "Budget": "index.md",
                 "Updates": "updates/index.md"}
RAG_COLOURS = {"green": "#1a7f37", "amber": "#9a6700", "red": "#cf222e"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: object) -> str:
    """Text for a header or a line of the digest: no line breaks, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


# --- what the digest says ------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    """One thing waiting on the client, said in one sentence."""

    kind: str        # task | signoff | decision
    id: str
    sentence: str
    overdue: int     # days overdue (tasks only), 0 when not overdue
    page: str        # where it is shown on the site
    answers: list[Answer] = field(default_factory=list)


def _holds_up(p: Project, ids: list[str]) -> str:
    titles = {m.id: m.title for m in p.milestones}
    named = [f"{i} {titles[i]}" for i in ids if i in titles]
    return f"; holds up {', '.join(named)}" if named else ""


def _days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


def needs(p: Project, today: date) -> list[Need]:
    """What waits on the client, overdue first, with dates and what each holds up: the
    same items as the Waiting on you page."""
    tasks = derive.open_tasks(p, today)
    found = []
    for t in tasks:
        late = derive.overdue_days(t, today)
        when = (f"overdue by {_days(late)} (due {derive.long_date(t.due)})" if late
                else f"due {derive.long_date(t.due)}")
        found.append(Need("task", t.id, f"{t.title} ({t.id}), {when}{_holds_up(p, t.blocks)}."
                          f" Owner: {t.owner}.", late, "waiting.md"))
    for m, dl, state in derive.awaiting_signoff(p):
        waited = (today - state.since).days if state.since else 0
        found.append(Need("signoff", dl.id, f"Sign off {dl.title} ({dl.id}), with you since "
                          f"{derive.long_date(state.since)} ({_days(waited)}); part of "
                          f"milestone {m.id} {m.title}.", 0, "waiting.md"))
    for dec in derive.awaiting_decisions(p):
        found.append(Need("decision", dec.id, f"Decide {dec.id} {dec.title}, proposed on "
                          f"{derive.long_date(dec.date)}{_holds_up(p, dec.related)}.", 0,
                          decision_page(dec.id)))
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
    return one_line(f"Latest status, {derive.long_date(u.date)}: {u.overall}, "
                    f"{derive.RAG_WORDS[u.overall].lower()}. {first}")


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
    return f"{m.id} moved to {day.day} {derive.MONTHS[day.month - 1][:3]}"


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
    return one_line(f"{p.client.project}: " + " · ".join(parts or ["news"]))


# --- who it goes to --------------------------------------------------------------------------

def _address(p: Project, person: r.Contact, what: str) -> Address:
    """A person as a header address; an address that is not one is refused with where it
    was written (email headers can carry nothing else)."""
    try:
        return Address(display_name=one_line(person.name), addr_spec=(person.email or "").strip())
    except (ValueError, IndexError, email_errors.MessageError):
        line, column = person.where.at("email")
        raise MilepostError(f"{person.where.file}:{line}:{column}: {person.where.path}.email: "
                            f"'{person.email}' cannot be used as an email address for the "
                            f"{what}: write a plain address such as name@example.com")


def recipients(p: Project) -> list[Address]:
    """Client-side people who asked for the digest. The model is public: internal people
    are not in it, so they cannot be recipients."""
    return [_address(p, c, "digest") for c in p.client.team
            if c.side == "client" and c.notify and c.email]


def agency_lead(p: Project) -> Address | None:
    lead = next((c for c in p.client.team if c.side == "team" and c.lead and c.email), None)
    return _address(p, lead, "Reply-To (the agency's project lead)") if lead else None


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
    subject: str
    needs: list[Need]
    changes: list[Section]
    since: str | None         # "the last digest (9 November 2026)", None for a first digest
    status: str | None

    def link(self, page: str) -> str:
        # Digests follow `milepost publish`, which keeps the current pages in latest/.
        return page_url(self.site, page, versioned=True)


@dataclass(frozen=True)
class Baseline:
    """What the last digest described: the client at a commit, and that commit's day."""

    project: Project | None   # None: nothing to compare with (a first digest)
    day: date | None
    label: str | None         # "the last digest (9 November 2026)"
    commit: str = ""


def something_to_say(d: Digest, before: Baseline) -> bool:
    """Changes since the last digest, or something newly waiting on the client (including
    an item that became overdue); otherwise nothing is sent."""
    if d.changes:
        return True
    if before.project is None or before.day is None:
        return bool(d.needs)
    then = {(x.kind, x.id, bool(x.overdue)) for x in needs(before.project, before.day)}
    return any((x.kind, x.id, bool(x.overdue)) not in then for x in d.needs)


def compose(p: Project, before: Baseline, today: date, site: str) -> Digest:
    """The digest of a client's public project, against what the last digest described."""
    changes = (what_changed(before.project, p, since="the last digest")
               if before.project is not None else [])
    lead = agency_lead(p)
    waiting = [replace(n, answers=answers_for(p, n.kind, n.id)) for n in needs(p, today)]
    return Digest(
        slug=p.slug, project=one_line(p.client.project), client=one_line(p.client.name),
        today=today, site=site, to=recipients(p), reply_to=lead,
        subject=subject(p, waiting, changes, moved_milestone(before.project, p)),
        needs=waiting, changes=changes, since=before.label, status=status_line(p))


def as_text(d: Digest) -> str:
    lines = [f"{d.project} · {d.client}", f"Digest of {derive.long_date(d.today)}", ""]
    if d.status:
        lines += [d.status, ""]
    if d.needs:
        lines += [f"WHAT NEEDS YOU NOW ({len(d.needs)})", ""]
        for n in d.needs:
            lines.append(("* OVERDUE: " if n.overdue else "* ") + one_line(n.sentence))
            lines.append(f"  {d.link(n.page)}")
        # Answer links are in the HTML part: as text they would be lines of %-codes.
        lines += ["", "To answer, reply to this email, or use the answer links next to each "
                  "item on the site's Waiting on you page.", ""]
    if d.changes:
        lines += [f"WHAT CHANGED SINCE {d.since.upper()}" if d.since else "WHAT CHANGED", ""]
        for s in d.changes:
            lines += [f"{s.title}:", *(f"  - {one_line(x)}" for x in s.sentences),
                      f"  {d.link(SECTION_PAGES.get(s.title, 'index.md'))}", ""]
    lines.append(f"The project site: {d.link('index.md')}")
    if d.reply_to:
        lines.append(f"Reply to this email to reach {one_line(d.reply_to.display_name)}.")
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
    return (f'<h2 style="{_H2}">What needs you now ({len(d.needs)})</h2>'
            f'<ul style="padding-left:20px;margin:0">{"".join(items)}</ul>')


def _changes_html(d: Digest) -> str:
    if not d.changes:
        return ""
    title = f"What changed since {d.since}" if d.since else "What changed"
    parts = [f'<h2 style="{_H2}">{_e(title)}</h2>']
    for s in d.changes:
        page = SECTION_PAGES.get(s.title, "index.md")
        items = "".join(f'<li style="{_LI}">{_e(x)}</li>' for x in s.sentences)
        parts.append(f'<h3 style="font-size:15px;margin:16px 0 6px">{_e(s.title)} '
                     f'<span style="{_SMALL};font-weight:normal">'
                     f'({_a(d.link(page), "see on the site")})</span></h3>'
                     f'<ul style="padding-left:20px;margin:0">{items}</ul>')
    return "".join(parts)


def as_html(d: Digest, overall: str | None = None) -> str:
    """The HTML part: inline styles only, no images, nothing fetched, every text escaped."""
    reply = (f"<p style=\"{_SMALL}\">Reply to this email to reach "
             f"{_e(d.reply_to.display_name)}.</p>" if d.reply_to else "")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(d.subject)}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f5f7">'
        '<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;'
        'font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1f2328">'
        f'<p style="{_SMALL};margin:0 0 4px">{_e(d.client)} · digest of '
        f"{_e(derive.long_date(d.today))}</p>"
        f'<h1 style="font-size:22px;margin:0 0 16px">{_e(d.project)}</h1>'
        f"{_status_html(d, overall)}{_needs_html(d)}{_changes_html(d)}"
        f'<p style="margin:24px 0 8px">{_a(d.link("index.md"), "Open the project site")}</p>'
        f"{reply}</div></body></html>\n")


def message_id(d: Digest, base: str, state: str) -> str:
    """The same digest (client, what it compares, the state it describes, the day) always
    has the same Message-ID, so a retried send is recognised as the same message."""
    digest = hashlib.sha256("\0".join([d.slug, base, state, d.today.isoformat()]).encode())
    host = urlsplit(d.site).hostname or "milepost.invalid"
    return f"<{d.slug}.digest.{digest.hexdigest()[:24]}@{host}>"


def as_message(d: Digest, sender: Address, msgid: str, now: datetime,
               overall: str | None = None) -> EmailMessage:
    """The email, with the standard library's default policy: a header value can never
    hold a line break, so no text from YAML can add a header."""
    msg = EmailMessage()
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
        return f"{self.scheme}://{self.user + '@' if self.user else ''}{self.host}:{self.port}"


DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_relay(url: str) -> Relay:
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MilepostError(f"--smtp '{url}' is not an SMTP address: use smtp://HOST:PORT (a "
                            "local relay, no TLS), smtp+starttls://USER@HOST:587 or "
                            "smtps://USER@HOST:465")
    if parts.password is not None:
        raise MilepostError(f"--smtp must not hold a password (it would show in logs): put it "
                            f"in the environment variable {PASSWORD_VARIABLE}")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MilepostError(f"--smtp '{url}': the port is not a number")
    user = unquote(parts.username) if parts.username else None
    if user and parts.scheme == "smtp" and parts.hostname not in LOOPBACK:
        raise MilepostError(f"--smtp {url}: smtp:// sends the password unencrypted: use "
                            "smtp+starttls:// or smtps://")
    return Relay(parts.scheme, parts.hostname, port, user)


def send(msg: EmailMessage, relay: Relay, password: str | None) -> dict[str, str]:
    """Hand the message to the relay; returns the recipients it refused (others got it).
    Raises MilepostError when it took the message for nobody."""
    if relay.user and not password:
        raise MilepostError(f"--smtp names the user {relay.user}: set the password in the "
                            f"environment variable {PASSWORD_VARIABLE}")
    context = ssl.create_default_context()
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
            refused = server.send_message(msg)
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


def baseline(where: Where, slug: str, since: str | None, scratch: Path) -> Baseline:
    """What to compare with: `--since REF`, else the last digest sent, else the last
    released version, else nothing (a first digest)."""
    if where.repo is None:
        if since:
            raise MilepostError(f"--since {since}: {slug} is not in a git repository")
        return Baseline(None, None, None)
    if since:
        found = git.commit_of(where.repo, since)
        if found is None:
            raise MilepostError(f"--since '{since}' is not a commit, tag or branch of this "
                                "repository")
        commit, day, label = *found, f"{since} ({derive.long_date(found[1])})"
    else:
        mark = git.last_mark(where.repo, DIGEST_TAG.format(slug=slug))
        versions = git.list_versions(where.repo, slug)
        if mark:
            commit, day = mark.commit, mark.date
            label = f"the last digest ({derive.long_date(day)})"
        elif versions:
            commit, day = versions[-1].commit, versions[-1].date
            label = f"version {versions[-1].name} ({derive.long_date(day)})"
        else:
            return Baseline(None, None, None)
    project = _model_at(where.repo, where.folder, commit, day, scratch)
    return Baseline(project, day, label if project else None, commit)


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


def _sender(options: Options, lead: Address | None, slug: str) -> Address:
    if options.sender:
        try:
            return Address(addr_spec=options.sender.strip())
        except (ValueError, IndexError, email_errors.MessageError):
            raise MilepostError(f"--from '{options.sender}' is not an email address")
    if lead is None:
        raise MilepostError(f"{slug} has no agency project lead with an email (lead: true on "
                            "a team-side member of client.yml) to send from: add one, or "
                            "give --from ADDRESS")
    return lead


def notify_client(projects_dir: Path, slug: str, today: date, base_config: Path,
                  options: Options, now: datetime | None = None) -> Outcome:
    """Write (--eml) or send (--smtp) one client's digest, if there is anything to say."""
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
        before = baseline(where, slug, options.since, Path(scratch))
    d = compose(p, before, today, site)
    if not something_to_say(d, before):
        since = f" since {before.label}" if before.label else ""
        return Outcome(slug, False, f"nothing new{since}: nothing sent")
    msgid = message_id(d, before.commit, git.working_fingerprint(projects_dir / slug))
    overall = u.overall if (u := derive.latest_update(p)) else None
    msg = as_message(d, _sender(options, d.reply_to, slug), msgid,
                     now or datetime.now(UTC), overall)
    if options.smtp is None:  # not sending
        if options.eml is None:
            raise MilepostError("give --eml DIR to write the digest or --smtp URL to send it")
        return _write_eml(msg, options.eml, slug, len(d.to))
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
            pushed = f", pushed to {options.push}"
        except MilepostError as exc:
            return Outcome(slug, True, f"sent ({msgid}) and remembered as {tag}, but the tag "
                           f"was not pushed, so the next pipeline would send it again: {exc}",
                           failed=True)
    note = f"sent to {len(d.to) - len(refused)} of {len(d.to)} ({msgid}); remembered as " \
           f"{tag}{pushed}"
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
    return Outcome(slug, False, f"wrote {target} (for {people} "
                   f"{'person' if people == 1 else 'people'}; nothing sent)")


def _remember(repo: Path, slug: str, msg: EmailMessage, people: int, now: datetime) -> str:
    """Tag the commit the digest described, so the next one starts from it."""
    head = git.commit_of(repo, "HEAD")
    assert head is not None  # the client's files are committed (_check_committed)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    tag, n = f"{DIGEST_TAG.format(slug=slug)}{stamp}", 1
    while git.tag_exists(repo, tag):
        n += 1
        tag = f"{DIGEST_TAG.format(slug=slug)}{stamp}-{n}"
    git.create_mark(repo, tag, f"Digest sent to {people} "
                    f"{'person' if people == 1 else 'people'}: {msg['Subject']}\n\n"
                    f"Message-ID: {msg['Message-ID']}", head[0])
    return tag
