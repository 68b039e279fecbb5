"""`milepost notify`, client by client: compose the digest, write it (--eml) or send it
(--smtp), remember what was sent in git, and push that memory (--push)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from generator.history import git
from generator.numbers import plural, possessive
from generator.problems import MilepostError, errors, redact
from generator.project.client import check_client_folder
from generator.project.model import Project
from generator.ship.digest import content, memory
from generator.ship.digest.content import FIRST, Baseline, Digest
from generator.ship.digest.headers import parse_sender
from generator.ship.digest.send import (
    PASSWORD_VARIABLE,
    as_message,
    message_id,
    parse_relay,
    send,
    write_eml,
)
from generator.site.urls import client_site_url

SENDER_VARIABLE = "MILEPOST_FROM"


@dataclass(frozen=True)
class Options:
    eml: Path | None = None    # write each digest to this folder, send nothing
    smtp: str | None = None    # send through this relay
    sender: str | None = None  # From (else who answers for the agency)
    since: str | None = None   # compare with this commit, tag or branch
    push: str | None = None    # push the tags that remember each digest sent to this remote


@dataclass(frozen=True)
class Outcome:
    """What became of one client's digest, said for the PM."""

    slug: str
    sent: bool
    message: str
    failed: bool = False  # the command ends in an error
    error: bool = False   # nothing was made: `message` says why (--all goes on with the rest)

    @property
    def line(self) -> str:
        """What the command prints for it."""
        return f"error: {self.message}" if self.error else f"{self.slug}: {self.message}"


def notify_clients(projects_dir: Path, slugs: list[str], today: date, base_config: Path,
                   options: Options, *, keep_going: bool) -> Iterator[Outcome]:
    """Each client's digest in turn, as it is done. With `keep_going` (--all), a client
    whose digest cannot be made is an outcome and the others go on; else it is raised."""
    for slug in slugs:
        try:
            outcome = notify_client(projects_dir, slug, today, base_config, options)
        except MilepostError as exc:
            if not keep_going:
                raise
            outcome = Outcome(slug, False, str(exc), failed=True, error=True)
        yield outcome


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
    if not content.recipients(p):
        return Outcome(slug, False, "nobody to notify (no client-side team member with "
                       "notify: true and an email): nothing sent")
    where = memory.locate(projects_dir, slug)
    sending = options.smtp is not None
    if sending:
        memory.check_committed(where, slug)
    with tempfile.TemporaryDirectory(prefix="milepost-notify-") as scratch:
        before = baseline(where, slug, options.since, today, Path(scratch))
    d = content.compose(p, before, today, site)
    sender = parse_sender(options.sender) if options.sender else d.reply_to
    if sender is None:
        raise nobody_answers(p)
    news = content.something_to_say(d, before)
    since = f" since {before.since}" if before.since else ""
    if not news and sending:
        return Outcome(slug, False, f"nothing new{since}: nothing sent")
    msgid = message_id(d, before.commit, git.working_fingerprint(projects_dir / slug))
    msg = as_message(d, sender, msgid, now or datetime.now(UTC))
    if options.smtp is None:  # not sending
        if options.eml is None:
            raise MilepostError("give --eml DIR to write the digest or --smtp URL to send it")
        target = write_eml(msg, options.eml, slug)
        wrote = f"wrote {target} (for {plural(len(d.to), 'person', 'people')}; nothing sent)"
        if not news:
            wrote = f"nothing new{since}, so --smtp would send nothing; {wrote}"
        return Outcome(slug, False, wrote + _stand_in(d))
    # Sending: check_committed has made sure the client is committed in a repository.
    assert where.repo is not None
    try:
        refused = send(msg, parse_relay(options.smtp), os.environ.get(PASSWORD_VARIABLE))
    except MilepostError as exc:
        raise MilepostError(f"{slug}: digest not sent: {exc}; nothing was marked as sent, so "
                            "the next run tries again")
    tag = memory.remember(where.repo, slug, str(msg["Subject"]), str(msg["Message-ID"]),
                          len(d.to), now or datetime.now(UTC))
    pushed = ""
    if options.push:
        try:
            git.push_tag(where.repo, options.push, tag)
            pushed = f", pushed to {redact(options.push)}"
        except MilepostError as exc:
            return Outcome(slug, True, f"sent ({msgid}) and remembered as {tag}, but the tag "
                           f"was not pushed, so the next pipeline would send it again: {exc}",
                           failed=True)
    note = (f"sent to {len(d.to) - len(refused)} of {len(d.to)} ({msgid}); remembered as "
            f"{tag}{pushed}{_stand_in(d)}")
    if refused:
        return Outcome(slug, True, note + "; refused: " + "; ".join(
            f"{k}: {v}" for k, v in refused.items()), failed=True)
    return Outcome(slug, True, note)


def baseline(where: memory.Where, slug: str, since: str | None, today: date,
             scratch: Path) -> Baseline:
    """What to compare with: `--since REF`, else the last digest sent, else the last
    released version, else nothing. Without a digest sent before, it is a first digest."""
    if where.repo is None:
        if since:
            raise MilepostError(f"--since {since}: {slug} is not in a git repository")
        return FIRST
    sent = memory.last_sent(where.repo, slug)
    ref = memory.reference(where.repo, slug, since, sent)
    if ref is None:
        return FIRST
    project = memory.model_at(where, ref.commit, ref.day, scratch)
    if project is None:  # the client did not exist then
        return Baseline(None, None, None, None, first=sent is None)
    return content.baseline(project, ref, today, first=sent is None)


def current_project(projects_dir: Path, slug: str, today: date) -> Project:
    project, problems = check_client_folder((projects_dir / slug).resolve(),
                                            str(projects_dir), today, publishing=True)
    if project is None:
        listing = "\n".join(p.text() for p in errors(problems))
        raise MilepostError(f"{slug} does not validate; no digest:\n{listing}")
    return project


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
