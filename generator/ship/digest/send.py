"""The digest as an email, handed to an SMTP relay or written to a file.

The message has the standard library's default policy (a header value can never hold a line
break, so no text from YAML can add a header), its addresses folded by `headers.POLICY`, a
text part and an HTML part (`render`), and a Message-ID that the same digest always has.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, AddressHeader
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from generator.problems import MilepostError, redact
from generator.ship.digest.content import Digest
from generator.ship.digest.headers import POLICY, one_line
from generator.ship.digest.render import as_html, as_text

PASSWORD_VARIABLE = "MILEPOST_SMTP_PASSWORD"


def message_id(d: Digest, base: str, state: str) -> str:
    """The same digest (client, what it compares, the state it describes, the day) always
    has the same Message-ID, so a retried send is recognised as the same message."""
    digest = hashlib.sha256("\0".join([d.slug, base, state, d.today.isoformat()]).encode())
    host = urlsplit(d.site).hostname or "milepost.invalid"
    return f"<{d.slug}.digest.{digest.hexdigest()[:24]}@{host}>"


def as_message(d: Digest, sender: Address, msgid: str, now: datetime) -> EmailMessage:
    """The email, with the standard library's default policy (a header value can never hold
    a line break, so no text from YAML can add a header) and its addresses folded so that
    every reader finds exactly them (`headers.DigestPolicy`)."""
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
    msg.add_alternative(as_html(d), subtype="html")
    return msg


def write_eml(msg: EmailMessage, folder: Path, slug: str) -> Path:
    """The message as `<slug>.eml` in `folder`, replaced whole (never half written)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slug}.eml"
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_bytes(msg.as_bytes())
    os.replace(tmp, target)
    return target


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
