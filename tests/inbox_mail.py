"""Helpers for the inbox tests: a client with people who answer, and replies built from the
very answer links Milepost writes, as a mail program sends them after a click."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tests.conftest import VALID_TEXT

AUTHSERV = "mx.agency.example"
KEY = "test-answer-key-0123456789abcdef"

CLIENT = VALID_TEXT["client.yml"].replace("""\
  - name: Cleo Client
    side: client
    role: Marketing lead
    lead: true
""", """\
  - name: Cleo Client
    side: client
    role: Marketing lead
    email: cleo@client.example
    lead: true
    notify: true
  - name: Sam Staff
    side: client
    role: Editor
    email: sam@client.example
""").replace("    email: pat@agency.example\n", "    email: pat@agency.example\n    lead: true\n")

# One of each kind waits on the client on 2026-06-01: T1 (a task), D2 (a sign-off, handed
# over on 20 May), DR-002 (a decision with two options), CR-2 (a change request).
ROADMAP = VALID_TEXT["roadmap.yml"].replace(
    "        title: Visual design\n        signoff: true\n",
    "        title: Visual design\n        signoff: true\n        delivered: 2026-05-20\n")
DECISION = """\
# Proposed in the design review.
id: DR-002
title: Hosting provider
status: proposed
date: 2026-05-15
deciders: [Cleo Client, Pat Lee]
options:
  - name: Cloud A
  - name: Cloud B
"""
CHANGES = VALID_TEXT["changes.yml"] + """\
- id: CR-2
  title: Add a shop
  requested_by: Cleo Client
  date: 2026-05-10
  status: requested
  estimate: {days: 8, cost: 6400}
"""


def answering_client() -> dict[str, str]:
    return {**VALID_TEXT, "client.yml": CLIENT, "roadmap.yml": ROADMAP,
            "decisions/DR-002.yml": DECISION, "changes.yml": CHANGES}


def auth_header(domain: str = "client.example", server: str = AUTHSERV,
                result: str = "pass") -> str:
    return (f"{server}; dkim=pass header.d={domain} header.s=s1; spf=pass "
            f"smtp.mailfrom={domain}; dmarc={result} (p=reject) header.from={domain}")


def reply(link: str, sender: str = "Cleo Client <cleo@client.example>",
          auth: list[str] | None = None, msgid: str = "<r1@mail.client.example>",
          notes: str = "", when: datetime | None = None, **headers: str) -> bytes:
    """The email a mail program sends when the client clicks `link` and presses Send."""
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    msg = EmailMessage()
    # The receiving server's header is added on top, above what the sender wrote.
    for value in auth if auth is not None else [auth_header()]:
        msg["Authentication-Results"] = value
    msg["From"] = sender
    msg["To"] = unquote(parts.path)
    msg["Subject"] = query["subject"]
    msg["Date"] = format_datetime(when or datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = msgid
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    body = query["body"].replace("\r\n", "\n")
    if notes:
        body = body.replace("Notes:\n", f"Notes:\n{notes}\n").replace(
            "Comment:\n", f"Comment:\n{notes}\n")
    msg.set_content(body)
    return msg.as_bytes()


def maildir_with(path: Path, *messages: bytes) -> mailbox.Maildir:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(mailbox.MaildirMessage(raw))
    return box
