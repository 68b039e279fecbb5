"""Who may see which client's site: the access file that `milepost access` keeps.

For each client, the people who may log in (the login is their email address) and the secret
part of the client's calendar subscription address; agency staff see every client. Only a
bcrypt hash of each password is kept: a copy of the file does not give anyone a password.
Every change is checked first and written in one atomic replace, so a refused command leaves
the file as it was.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import bcrypt
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.docs import docs_url
from generator.format.load import SLUG, YamlFile, read_yaml
from generator.problems import MilepostError, Problem

# bcrypt's cost: 2^4 rounds, about 1 ms a check. Both servers check the hash of every
# request that carries a login (nginx keeps no cache), so this cost is paid per file served,
# and the time it takes is what tells a listed login from an unlisted one: it is kept at
# bcrypt's lowest. What keeps a stolen access file or configuration safe is the passwords
# themselves: generated ones carry ~124 bits of chance, chosen ones need MIN_GUESSES (the
# arithmetic is in the docs, docs/pages/guide/hosting.md).
BCRYPT_ROUNDS = 4
# A chosen password must need at least 10^16 guesses, as zxcvbn estimates them: a current
# high-end GPU tries on the order of 500,000 cost-4 bcrypt hashes a second, so that is ~600
# years of one GPU.
MIN_GUESSES_LOG10 = 16
# Shorter passwords cannot reach it: zxcvbn rates even a random character as 10 guesses.
MIN_LENGTH = MIN_GUESSES_LOG10
# Letters and digits that cannot be mistaken for one another when read out or retyped.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
HASH = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")
TOKEN = re.compile(r"[0-9a-f]{40}")
# Every field is one line of printable text: a line break or another control character in a
# login would write a second line into the servers' user files.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header() -> str:
    """The access file's opening comment (the docs' address may be the agency's own)."""
    return f"""\
# Who may see which client's site, written by `milepost access`. Only bcrypt hashes of the
# passwords are kept; `feed` is the secret part of the client's calendar subscription
# address. Keep this file private. See {docs_url('guide/hosting.html')}
"""


@dataclass(frozen=True)
class Person:
    """Someone who may log in."""

    email: str            # the login
    hash: str             # bcrypt hash of the password
    since: date           # when access was given
    changed: date | None = None  # when the password was last replaced


@dataclass(frozen=True)
class ClientAccess:
    """Who may see one client's site, and its calendar subscription secret."""

    feed: str                           # secret part of the subscription address (hex)
    people: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Access:
    """The whole access file."""

    clients: dict[str, ClientAccess] = field(default_factory=dict)
    agency: tuple[Person, ...] = ()     # agency staff: every client

    def logins_for(self, slug: str) -> tuple[Person, ...]:
        """Everyone who may open this client's site: its people, then the agency's."""
        own = self.clients[slug].people if slug in self.clients else ()
        return (*own, *self.agency)


# --- passwords ---------------------------------------------------------------------------------

def new_password() -> str:
    """25 characters in five groups, e.g. `k7m2q-...`: about 124 bits of chance."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(25))
    return "-".join(chars[i:i + 5] for i in range(0, 25, 5))


def new_feed_token() -> str:
    return secrets.token_hex(20)


def weak_password(password: str, hints: Sequence[str] = ()) -> str | None:
    """Why a chosen password is refused, or None when it may be used. `hints` are the words
    an attacker would try first: the login, the person's name, the client's name."""
    if not password:
        return "the password is empty"
    if CONTROL.search(password):
        return "the password contains a control character or a line break"
    if len(password.encode("utf-8")) > 72:
        return ("the password is longer than 72 bytes, and bcrypt ignores the rest: use a "
                "shorter one")
    from zxcvbn import zxcvbn  # its word lists take a fifth of a second to load: only here

    rated = zxcvbn(password, user_inputs=list(hints))
    if rated["guesses_log10"] >= MIN_GUESSES_LOG10 and len(password) >= MIN_LENGTH:
        return None
    return _why_weak(rated, len(password))


def _why_weak(rated: Mapping[str, Any], length: int) -> str:
    """zxcvbn's findings in words: how many guesses, what it is built on, what would help."""
    found = int(rated["guesses_log10"])
    within = f"about 10^{found} guesses" if found >= 1 else "a few guesses"
    why = [f"the password is too weak: a cracking program would find it within {within}, "
           f"and at least 10^{MIN_GUESSES_LOG10} are needed"]
    if length < MIN_LENGTH:
        why.append(f"it has {length} characters, and no password shorter than {MIN_LENGTH} "
                   "gets there")
    own = sorted({m["matched_word"] for m in rated["sequence"]
                  if m.get("dictionary_name") == "user_inputs"})
    if own:
        words = ", ".join(f"'{w}'" for w in own)
        why.append(f"it is built on {words}, from the login, the person's name or the "
                   "client's name")
    feedback = rated["feedback"]
    # zxcvbn's sentences ("Add another word or two. Uncommon words are better.") become
    # clauses of the one message
    for tip in [feedback["warning"], *feedback["suggestions"]]:
        if tip:
            clause = tip.strip().rstrip(".").replace('"', "'")
            why.append(re.sub(r"(^|\. )([A-Z])", lambda m: (m[1] and ": ") + m[2].lower(),
                              clause))
    if not any("another word" in clause for clause in why):
        why.append("add another word or two: uncommon words are better")
    return "; ".join(why)


def password_hints(email: str, names: Sequence[str] = ()) -> list[str]:
    """The words of a login and of names, as zxcvbn takes them: an attacker with the access
    file knows every login, and the clients and people are named on their sites."""
    local, _, domain = email.partition("@")
    words = [email, local, *re.split(r"[._%+-]+", local), *domain.split(".")[:-1]]
    for name in names:
        words += [name, *re.split(r"[\W_]+", name)]
    return sorted({w.lower() for w in words if len(w) >= 3})


def names_for(projects: Path, slug: str | None, email: str) -> list[str]:
    """The client's name and the person's name as its client.yml has them (for the agency:
    every client's), for `password_hints`. A file that cannot be read gives nothing:
    `validate` reports it, and the password is still rated on the login."""
    folders = [projects / slug] if slug else sorted(p for p in projects.glob("*")
                                                    if p.is_dir()) if projects.is_dir() else []
    names: list[str] = []
    for folder in folders:
        try:
            data = yaml.safe_load((folder / "client.yml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        names += [str(data["name"])] if data.get("name") else []
        team = data.get("team")
        names += [str(t["name"]) for t in (team if isinstance(team, list) else [])
                  if isinstance(t, dict) and t.get("name")
                  and str(t.get("email", "")).strip().lower() == email]
    return names


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def check_email(email: str) -> str:
    """The login as stored: lowercase, so `Mia@…` and `mia@…` are one person."""
    login = email.strip().lower()
    if not EMAIL.fullmatch(login):
        raise MilepostError(f"'{email}' is not an email address (the login is the person's "
                            "email, e.g. mia@northwind.example)")
    return login


# --- changes: pure functions from one Access to the next ---------------------------------------

def _find(people: tuple[Person, ...], email: str) -> Person | None:
    return next((p for p in people if p.email == email), None)


def _where(slug: str | None) -> str:
    return "the agency" if slug is None else slug


def add_person(access: Access, slug: str | None, person: Person) -> Access:
    """Access with `person` added to a client (or to the agency when slug is None)."""
    if slug is None:
        if _find(access.agency, person.email):
            raise MilepostError(f"{person.email} is already on the agency's list: to give "
                                "a new password, use `milepost access rotate --agency "
                                f"{person.email}`")
        return replace(access, agency=(*access.agency, person))
    current = access.clients.get(slug) or ClientAccess(new_feed_token())
    if _find(current.people, person.email):
        raise MilepostError(f"{person.email} can already see {slug}: to give a new password, "
                            f"use `milepost access rotate {slug} {person.email}`")
    updated = replace(current, people=(*current.people, person))
    return replace(access, clients={**access.clients, slug: updated})


def _people_of(access: Access, slug: str | None, email: str) -> tuple[Person, ...]:
    people = access.agency if slug is None else (
        access.clients[slug].people if slug in access.clients else ())
    if _find(people, email) is None:
        listed = ", ".join(p.email for p in people) or "nobody"
        raise MilepostError(f"{email} is not on the list of {_where(slug)} (listed: {listed})")
    return people


def revoke_person(access: Access, slug: str | None, email: str) -> Access:
    """Access without that person. A client's subscription address changes too: the person
    may know it."""
    people = tuple(p for p in _people_of(access, slug, email) if p.email != email)
    if slug is None:
        return replace(access, agency=people)
    updated = ClientAccess(new_feed_token(), people)
    return replace(access, clients={**access.clients, slug: updated})


def rotate_person(access: Access, slug: str | None, email: str, new_hash: str,
                  today: date) -> Access:
    """Access with a new password for that person; a client's subscription address changes
    too, as on revocation."""
    people = tuple(replace(p, hash=new_hash, changed=today) if p.email == email else p
                   for p in _people_of(access, slug, email))
    if slug is None:
        return replace(access, agency=people)
    updated = ClientAccess(new_feed_token(), people)
    return replace(access, clients={**access.clients, slug: updated})


def listing(access: Access, slug: str | None) -> list[str]:
    """Who can see what, since when: one line per person, agency staff under every client."""
    slugs = [slug] if slug else sorted(access.clients)
    lines = []
    for name in slugs:
        if slug and name not in access.clients:
            raise MilepostError(f"nobody is listed for {name} (besides the agency): add "
                                f"someone with `milepost access add {name} EMAIL`")
        lines.append(f"{name}:")
        lines += [f"  {p.email}  since {_dates(p)}" for p in access.clients[name].people]
        lines.append(f"  calendar subscription: /_feeds/{access.clients[name].feed}/calendar.ics")
    lines.append("agency (every client):")
    lines += [f"  {p.email}  since {_dates(p)}" for p in access.agency] or ["  nobody"]
    return lines


def _dates(p: Person) -> str:
    changed = f", password changed {p.changed.isoformat()}" if p.changed else ""
    return p.since.isoformat() + changed


# --- the file ----------------------------------------------------------------------------------

def load_access(path: Path, missing_ok: bool = False) -> Access:
    """The access file, checked in full; every problem is reported with file:line:col."""
    if not path.exists():
        if missing_ok:
            return Access()
        raise MilepostError(f"no access file at {path}: give someone access first with "
                            "`milepost access add SLUG EMAIL` (or pass --access FILE)")
    yf = read_yaml(path, str(path))
    problems = list(yf.problems)
    access = _access(yf, yf.node, problems) if not problems else None
    if problems or access is None:
        listing_ = "\n".join(p.text() for p in sorted(set(problems)))
        raise MilepostError(f"the access file {path} is not valid; nothing was changed:\n"
                            f"{listing_}")
    return access


def save_access(path: Path, access: Access) -> None:
    """Write the file in one atomic replace, readable by its owner only."""
    text = header() + yaml.safe_dump(_as_data(access), sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def _as_data(access: Access) -> dict:
    def person(p: Person) -> dict:
        data = {"email": p.email, "hash": p.hash, "since": p.since}
        return data | ({"changed": p.changed} if p.changed else {})

    return {
        "agency": [person(p) for p in access.agency],
        "clients": {slug: {"feed": c.feed, "people": [person(p) for p in c.people]}
                    for slug, c in sorted(access.clients.items())},
    }


# Reading: the node tree from the strict loader, so every problem has a line and column.

def _mapping(yf: YamlFile, node: Node | None, path: str, keys: dict[str, bool],
             problems: list[Problem]) -> dict[str, Node] | None:
    """A mapping's values by key; `keys` says which are allowed and which are required."""
    if not isinstance(node, MappingNode):
        problems.append(yf.problem(node, path, "expected a mapping (key: value lines)"))
        return None
    found = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
    for key, _value in node.value:
        if key.value not in keys:
            allowed = ", ".join(keys)
            problems.append(yf.problem(key, path, f"unknown key '{key.value}' (allowed: "
                                       f"{allowed})"))
    for key, required in keys.items():
        if required and key not in found:
            problems.append(yf.problem(node, path, f"'{key}' is missing"))
    return found


def _control(yf: YamlFile, node: Node, path: str, problems: list[Problem]) -> bool:
    """True (and a problem) when a scalar holds a control character: whatever the field,
    a line break in it would become a second line of a server's user file."""
    if isinstance(node, ScalarNode) and CONTROL.search(node.value):
        problems.append(yf.problem(node, path, f"{node.value!r} contains a control character "
                                   "(a line break, a tab, …): every field is one line of "
                                   "text"))
        return True
    return False


def _text(yf: YamlFile, node: Node, path: str, pattern: re.Pattern, what: str,
          problems: list[Problem]) -> str | None:
    if _control(yf, node, path, problems):
        return None
    if isinstance(node, ScalarNode) and pattern.fullmatch(node.value):
        return node.value
    shown = node.value if isinstance(node, ScalarNode) else "a list or mapping"
    problems.append(yf.problem(node, path, f"'{shown}' is not {what}"))
    return None


def _date(yf: YamlFile, node: Node, path: str, problems: list[Problem]) -> date | None:
    if _control(yf, node, path, problems):
        return None
    if isinstance(node, ScalarNode):  # a list or mapping is no date either
        try:
            return date.fromisoformat(node.value)
        except ValueError:
            pass
    problems.append(yf.problem(node, path, "expected a date (YYYY-MM-DD)"))
    return None


_PERSON_KEYS = {"email": True, "hash": True, "since": True, "changed": False}


def _person(yf: YamlFile, node: Node, path: str, problems: list[Problem]) -> Person | None:
    values = _mapping(yf, node, path, _PERSON_KEYS, problems)
    if values is None or not all(k in values for k in ("email", "hash", "since")):
        return None
    before = len(problems)
    email = _text(yf, values["email"], f"{path}.email", EMAIL, "a lowercase email address",
                  problems)
    hashed = _text(yf, values["hash"], f"{path}.hash", HASH, "a bcrypt hash (write it with "
                   "`milepost access`, never by hand)", problems)
    since = _date(yf, values["since"], f"{path}.since", problems)
    changed = _date(yf, values["changed"], f"{path}.changed", problems) \
        if "changed" in values else None
    if len(problems) > before or email is None or hashed is None or since is None:
        return None
    return Person(email, hashed, since, changed)


def _people(yf: YamlFile, node: Node | None, path: str,
            problems: list[Problem]) -> tuple[Person, ...]:
    if node is None or (isinstance(node, ScalarNode) and node.value in ("", "null", "~")):
        return ()
    if not isinstance(node, SequenceNode):
        problems.append(yf.problem(node, path, "expected a list of people"))
        return ()
    people: list[Person] = []
    for i, item in enumerate(node.value):
        person = _person(yf, item, f"{path}[{i}]", problems)
        if person and _find(tuple(people), person.email):
            problems.append(yf.problem(item, f"{path}[{i}]", f"{person.email} is listed "
                                       "twice: keep one"))
        elif person:
            people.append(person)
    return tuple(people)


def _client(yf: YamlFile, node: Node, path: str,
            problems: list[Problem]) -> ClientAccess | None:
    values = _mapping(yf, node, path, {"feed": True, "people": False}, problems)
    if values is None or "feed" not in values:
        return None
    feed = _text(yf, values["feed"], f"{path}.feed", TOKEN, "a subscription secret (40 hex "
                 "digits, written by `milepost access`)", problems)
    people = _people(yf, values.get("people"), f"{path}.people", problems)
    return ClientAccess(feed, people) if feed else None


def _access(yf: YamlFile, node: Node | None, problems: list[Problem]) -> Access | None:
    if node is None:
        return Access()
    values = _mapping(yf, node, "", {"agency": False, "clients": False}, problems)
    if values is None:
        return None
    agency = _people(yf, values.get("agency"), "agency", problems)
    clients: dict[str, ClientAccess] = {}
    listed = values.get("clients")
    if listed is not None and not (isinstance(listed, ScalarNode) and listed.value == ""):
        if not isinstance(listed, MappingNode):
            problems.append(yf.problem(listed, "clients", "expected client slugs as keys"))
            return None
        for key, value in listed.value:
            if _control(yf, key, "clients", problems):
                continue
            if not SLUG.fullmatch(key.value):
                problems.append(yf.problem(key, "clients", f"'{key.value}' is not a client "
                                           "slug (lowercase letters, digits and '-')"))
                continue
            client = _client(yf, value, f"clients.{key.value}", problems)
            if client:
                clients[key.value] = client
    return Access(clients, agency)
