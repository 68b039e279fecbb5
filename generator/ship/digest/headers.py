"""The digest's headers: addresses every mail server takes, and folded so that every reader
finds exactly them (RFC 5322 for the address lists, RFC 2047 for names that are not ASCII).

No header can hold a line break (`one_line`, and the standard library's default policy), so
no text from YAML can add a header; a display name is written so that none of its characters
(a comma, a quote, an angle bracket) can be read as part of the address list.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from email import errors as email_errors
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.policy import EmailPolicy
from itertools import groupby
from typing import cast

from generator.format import records as r
from generator.problems import MilepostError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: object) -> str:
    """Text for a header or a line of the digest: no line breaks, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


# --- addresses -------------------------------------------------------------------------------

def plain_address(name: str, addr_spec: str) -> Address:
    """An address every mail server takes: its domain in IDNA (bäckerei.de becomes
    xn--bckerei-wxa.de); one whose local part needs SMTPUTF8 is refused (ValueError)."""
    found = Address(display_name=one_line(name), addr_spec=addr_spec.strip())
    if not found.username.isascii():
        raise ValueError("the part before @ is not ASCII")
    domain = found.domain if found.domain.isascii() else found.domain.encode("idna").decode()
    return Address(display_name=found.display_name, username=found.username, domain=domain)


def written_address(name: str, addr_spec: str, where: r.Where, key: str, what: str) -> Address:
    """A header address from a client's files; one that is not an address is refused with
    where it was written (email headers can carry nothing else)."""
    try:
        return plain_address(name, addr_spec)
    except (ValueError, IndexError, email_errors.MessageError):
        line, column = where.at(key)
        raise MilepostError(f"{where.file}:{line}:{column}: {where.path}.{key}: "
                            f"'{addr_spec}' cannot be used as an email address for the "
                            f"{what}: write a plain address such as name@example.com")


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


# --- folding an address header ---------------------------------------------------------------

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
