"""`milepost inbox`: the client's answers, read from a mailbox and written into the record.

The edges are here: a mailbox (a Maildir through the standard library, or IMAP over verified
TLS) and the loop that reads each client, decides (`inbox_decide`, pure) and writes
(`inbox_write`). An applied message, and one already applied, is marked processed: on IMAP
with the keyword `$MilepostApplied` (and seen), in a Maildir by moving it to its `Applied`
subfolder. A message listed for the PM stays where it was.
"""

from __future__ import annotations

import imaplib
import mailbox
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from generator.history import git
from generator.problems import MilepostError, display_path, visible
from generator.project.client import check_client_folder
from generator.ship.inbox_decide import (
    MAX_MESSAGE_BYTES,
    Applied,
    Clients,
    Listed,
    Mail,
    decide,
    read_mail,
)
from generator.ship.inbox_write import write_answer
from generator.site.answers import answer_key

PASSWORD_VARIABLE = "MILEPOST_IMAP_PASSWORD"
APPLIED_KEYWORD = "$MilepostApplied"
APPLIED_FOLDER = "Applied"


class Source(Protocol):
    """A mailbox: its messages (bytes, or the size of one too large to fetch) and a way to
    mark one processed."""

    def messages(self) -> Iterator[tuple[str, bytes | int]]: ...
    def mark_processed(self, key: str) -> None: ...
    def close(self) -> None: ...


# --- Maildir -----------------------------------------------------------------------------

class MaildirSource:
    def __init__(self, path: Path) -> None:
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise MilepostError(f"{path} is not a Maildir (it has no cur/ and new/)")
        self.box = mailbox.Maildir(path, factory=None, create=False)

    def messages(self) -> Iterator[tuple[str, bytes | int]]:
        for key in sorted(self.box.keys()):
            with self.box.get_file(key) as f:
                raw = f.read(MAX_MESSAGE_BYTES + 1)
            yield key, (raw if len(raw) <= MAX_MESSAGE_BYTES else MAX_MESSAGE_BYTES + 1)

    def mark_processed(self, key: str) -> None:
        msg = self.box.get_message(key)
        msg.set_subdir("cur")
        msg.add_flag("S")
        try:
            done = self.box.get_folder(APPLIED_FOLDER)
        except mailbox.NoSuchMailboxError:
            done = self.box.add_folder(APPLIED_FOLDER)
        done.add(msg)
        self.box.remove(key)

    def close(self) -> None:
        self.box.close()


# --- IMAP ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImapAddress:
    tls: str          # "imaps" or "starttls"
    user: str
    host: str
    port: int
    folder: str


def parse_imap(url: str) -> ImapAddress:
    """imaps://USER@HOST[:PORT]/FOLDER or imap+starttls://USER@HOST[:PORT]/FOLDER."""
    parts = urlsplit(url)
    tls = {"imaps": "imaps", "imap+starttls": "starttls"}.get(parts.scheme)
    if tls is None:
        raise MilepostError(f"--imap must start with imaps:// or imap+starttls:// (TLS, "
                            f"verified), not {parts.scheme or 'nothing'}://")
    if parts.password is not None:
        raise MilepostError(f"give the password in {PASSWORD_VARIABLE}, not in the address")
    if not parts.hostname or not parts.username:
        raise MilepostError("--imap needs the login and the server: imaps://USER@HOST/INBOX")
    try:
        port = parts.port or (993 if tls == "imaps" else 143)
    except ValueError:
        raise MilepostError(f"--imap: '{parts.netloc}' has no valid port")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapAddress(tls, unquote(parts.username), parts.hostname, port, folder)


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource:
    def __init__(self, address: ImapAddress, password: str, timeout: float = 30) -> None:
        context = ssl.create_default_context()  # verifies; honours SSL_CERT_FILE
        try:
            if address.tls == "imaps":
                self.imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    address.host, address.port, ssl_context=context, timeout=timeout)
            else:
                self.imap = imaplib.IMAP4(address.host, address.port, timeout=timeout)
                self.imap.starttls(ssl_context=context)
            self.imap.login(address.user, password)
            kind, _ = self.imap.select(_quoted(address.folder))
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise MilepostError(f"IMAP {address.host}:{address.port}: {exc}")
        if kind != "OK":
            raise MilepostError(f"IMAP: no folder {address.folder}")

    def _uid(self, *args: str) -> list:
        kind, data = self.imap.uid(*args)
        if kind != "OK":
            raise MilepostError(f"IMAP {args[0]} failed: {data}")
        return data

    def messages(self) -> Iterator[tuple[str, bytes | int]]:
        found = self._uid("SEARCH", "UNKEYWORD", APPLIED_KEYWORD)
        for uid in (found[0] or b"").split():
            key = uid.decode()
            sized = self._uid("FETCH", key, "(RFC822.SIZE)")
            size = re.search(rb"RFC822\.SIZE (\d+)", sized[0] if sized and sized[0] else b"")
            if size is None or int(size.group(1)) > MAX_MESSAGE_BYTES:
                yield key, int(size.group(1)) if size else MAX_MESSAGE_BYTES + 1
                continue
            data = self._uid("FETCH", key, "(BODY.PEEK[])")
            raw = next((x[1] for x in data if isinstance(x, tuple)), b"")
            yield key, raw

    def mark_processed(self, key: str) -> None:
        self._uid("STORE", key, "+FLAGS", f"(\\Seen {APPLIED_KEYWORD})")

    def close(self) -> None:
        try:
            self.imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


# --- the loop ---------------------------------------------------------------------------------

@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    applied: int = 0
    listed: int = 0
    already: int = 0
    files: set[Path] = field(default_factory=set)

    def summary(self) -> str:
        return (f"{self.applied} applied, {self.listed} listed for you, {self.already} "
                "already applied")


def _who(mail: Mail | None) -> str:
    if mail is None:
        return ""
    subject = mail.subject if len(mail.subject) <= 70 else mail.subject[:69] + "…"
    return f" (from {mail.sender}, “{subject}”)"


def run_inbox(projects_dir: Path, source: Source, authserv_id: str, today: date,
              dry_run: bool = False) -> Report:
    """Read every message of `source`, apply what can be trusted, list the rest."""
    folders = {f.name: f for f in sorted(projects_dir.iterdir())
               if (f / "client.yml").is_file()}
    shown = display_path(projects_dir)
    clients = Clients({slug: check_client_folder(f, shown, today)[0]
                       for slug, f in folders.items()})
    key, report = answer_key(), Report()
    for msg_key, raw in source.messages():
        mail: Mail | None = None
        outcome: Applied | Listed
        if isinstance(raw, int):
            outcome = Listed(f"too large to read ({raw:,} bytes or more; the limit is "
                             f"{MAX_MESSAGE_BYTES:,})")
        else:
            read = read_mail(raw)
            mail = read if isinstance(read, Mail) else None
            outcome = read if isinstance(read, Listed) else decide(
                read, clients, key, authserv_id, today)
        if isinstance(outcome, Applied):
            p = clients.projects[outcome.slug]
            assert p is not None
            written = write_answer(folders[outcome.slug], outcome, p, shown, today, dry_run)
            if written.error:
                outcome = Listed(written.error, outcome.slug, outcome.ref.item)
            else:
                report.applied += 1
                report.files.add(folders[outcome.slug] / written.file)
                report.lines.append(visible(f"{'would apply' if dry_run else 'applied'}: "
                                            f"{outcome.slug}: {outcome.said} → {written.file}"
                                            f"{_who(mail)}"))
                if not dry_run:
                    source.mark_processed(msg_key)
                    # Read the client again: the next message sees this answer.
                    clients.projects[outcome.slug] = check_client_folder(
                        folders[outcome.slug], shown, today)[0]
                continue
        where = ": ".join(x for x in (outcome.slug, outcome.item) if x)
        if outcome.done_already:
            report.already += 1
            if not dry_run:
                source.mark_processed(msg_key)
        else:
            report.listed += 1
        report.lines.append(visible(f"listed for you: {where + ': ' if where else ''}"
                                    f"{outcome.why}{_who(mail)}"))
    return report


def commit_answers(projects_dir: Path, report: Report) -> int:
    """Commit the files the answers changed; returns how many there were."""
    repo = git.repo_root(projects_dir)
    if repo is None:
        raise MilepostError(f"{projects_dir} is not in a git repository: nothing committed")
    files = [str(f.resolve().relative_to(repo.resolve())) for f in sorted(report.files)]
    git.commit_files(repo, files, f"Answers by email: {report.applied} applied by milepost "
                     "inbox")
    return len(files)


def open_source(maildir: str | None, imap: str | None) -> Source:
    if maildir:
        return MaildirSource(Path(maildir).expanduser())
    assert imap is not None
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        raise MilepostError(f"set {PASSWORD_VARIABLE} to the mailbox's password")
    return ImapSource(parse_imap(imap), password)
