"""`milepost host nginx|caddy`: a web-server configuration that serves each client its own
site, and nobody anything else.

The configuration is default-deny: one protected area per client folder found in the built
site (its people and the agency's may log in), and everything else, the root included, is
an area only agency staff may enter, where nothing is served. A stranger therefore gets the
same 401 for a wrong password, a missing one and a path that does not exist. The login is
checked before anything else (hidden files, folders, redirects), so no answer says whether a
client exists. Both servers normalise the path (`%2e%2e`, `%2F`, `//`) before choosing the
area, and the tests check every spelling against the real servers.

Logins cost both servers the same: one bcrypt check at the lowest cost for a listed login,
none for any other (Caddy's own check of an unknown name against a cost-14 decoy is never
reached: a matcher answers first), and nginx limits how often one address may ask. Every
refusal is one small page that names no client.

What each configuration says is worked out here, in a view (NginxView, CaddyView, RefusalView)
with every string quoted for its server; content/hosting/ lays it out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html.parser
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from generator.agency import FOLDER as AGENCY_FOLDER
from generator.format.load import SLUG
from generator.problems import MilepostError
from generator.ship import configs
from generator.ship.access import BCRYPT_ROUNDS, EMAIL, Access, Person
from generator.site.render import CONTENT

REALM = "Client sites"  # the same everywhere: the login prompt must not name the client
CHALLENGE = f'Basic realm="{REALM}"'  # as both servers' basic authentication sends it
# Files a calendar app or feed reader fetches without a password, from the latest version.
FEED_FILES = ("calendar.ics",)
ROBOTS = "User-agent: *\nDisallow: /\n"
# Paths written into a configuration: nothing a server would read as syntax or a variable
# (`$` in nginx, `{}` in Caddy, quotes, `;`, spaces).
SAFE_PATH = re.compile(r"[A-Za-z0-9_./@+=,:~-]+")
HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*"
                       r"[A-Za-z0-9])?)*")
# The agency's name on the refusal page: words, nothing a server or a page reads as syntax.
AGENCY_NAME = re.compile(r"[^\W_][\w .,&'()-]{0,79}")
CONTACT_URL = re.compile(r"https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?")
# nginx: how often one address may ask, on average, and how far ahead of that it may get
# (a page and its dozen files at once, a few pages in a row) before it is slowed, then
# refused. Everything counts: nginx limits requests before it checks the login.
DEFAULT_RATE = 10   # requests a second
BURST_SECONDS = 6   # 60 requests ahead at the default; half of them without delay
# Where the Roadmap's script asks for the client's calendar subscription address: a file of
# the built site that is empty (content/assets/), which the private host answers instead
# with the address, behind the client's login.
CALENDAR_ADDRESS = "assets/calendar-address.txt"
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


@dataclass(frozen=True)
class ClientSite:
    """One client's folder in the built site, as the server sees it."""

    slug: str
    feeds: tuple[str, ...]          # feed files, relative to the client's folder
    script_hashes: tuple[str, ...]  # CSP hashes of the inline scripts of its pages
    style_hashes: tuple[str, ...] = ()  # and of their style="…" attributes


@dataclass(frozen=True)
class Refusal:
    """What the 401 page says: whose sites these are and whom to ask (both optional)."""

    agency: str = ""     # the agency's name
    contact: str = ""    # an email address or an https:// address


@dataclass(frozen=True)
class HostPlan:
    """Everything a configuration says, checked: plain data for the two writers."""

    root: str                        # where the site folder is on the server
    port: int
    listen: str                      # address to listen on; "" for every address
    name: str                        # nginx server_name / Caddy domain; "" for none
    clients: tuple[ClientSite, ...]
    access: Access
    agency: ClientSite | None = None  # `_agency/`, the agency's view: its staff only
    tls: tuple[str, str] | None = None  # nginx: certificate and key files on the server
    rate: int = DEFAULT_RATE          # nginx: requests a second per address; 0: no limit
    refusal: Refusal = Refusal()
    gone: tuple[str, ...] = ()        # client folders in the site whose client was removed


# --- what is in the built site -----------------------------------------------------------------

def _is_client_site(folder: Path) -> bool:
    """A folder that `milepost build` or `publish` wrote for one client."""
    return (folder / "index.html").is_file() and (
        (folder / "calendar.ics").is_file() or (folder / "versions.json").is_file())


class _InlineCode(html.parser.HTMLParser):
    """The text of every inline script that a browser would run, and every style="…"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: set[str] = set()
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        style = found.get("style")
        if style:
            self.styles.add(style)
        if tag == "script" and "src" not in found and \
                (found.get("type") or "").lower() in JS_TYPES:
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# Zensical's search draws its dialog in a shadow root with a <style> element its bundle
# writes from a string: `o.appendChild(C("style",{},Tc.toString()))`, `var Tc='…'`. That
# element is inline style too; its text is read from the engine's own bundle, so the policy
# follows the engine's release. Material's bundle (MkDocs) has none.
_STYLE_FROM_STRING = re.compile(r'appendChild\(\w+\("style",\{\},(\w+)(?:\.toString\(\))?\)\)')
_JS_ESCAPE = re.compile(r"\\(.)", re.S)
_JS_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


def _js_string(script: str, name: str) -> str | None:
    """The value of `name='…'` (a plain single-quoted string) in a minified script."""
    found = re.search(rf"\b{re.escape(name)}='((?:[^'\\]|\\.)*)'", script)
    if found is None:
        return None
    return _JS_ESCAPE.sub(lambda m: _JS_ESCAPED.get(m.group(1), m.group(1)), found.group(1))


def script_styles(folder: Path) -> set[str]:
    """The text of each <style> element the theme's scripts put in the page themselves."""
    styles: set[str] = set()
    for bundle in folder.rglob("assets/javascripts/bundle.*.js"):
        script = bundle.read_text(encoding="utf-8", errors="replace")
        for name in _STYLE_FROM_STRING.findall(script):
            text = _js_string(script, name)
            if text is not None:
                styles.add(text)
    return styles


def inline_hashes(folder: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CSP hashes of every inline script and style attribute in the folder's pages. Material
    puts a few small scripts in each page and the budget bar has a width: allowing exactly
    those keeps 'unsafe-inline' out. They stay in the client's own answers (a style hash
    of one client's budget share would tell another client something)."""
    scripts: set[str] = set()
    styles: set[str] = set()
    for page in folder.rglob("*.html"):
        if any(part.startswith(".") for part in page.relative_to(folder).parts):
            continue
        parser = _InlineCode()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        scripts.update(map(_csp_hash, parser.scripts))
        styles.update(map(_csp_hash, parser.styles))
    styles.update(map(_csp_hash, script_styles(folder)))
    return tuple(sorted(scripts)), tuple(sorted(styles))


def _feeds(folder: Path) -> tuple[str, ...]:
    latest = "latest/" if (folder / "versions.json").is_file() else ""
    return tuple(f"{latest}{name}" for name in FEED_FILES if (folder / latest / name).is_file())


def find_client_sites(site: Path) -> tuple[ClientSite, ...]:
    """Every client folder in a built site; refuses a folder that is not one."""
    if not site.is_dir():
        raise MilepostError(f"--site {site} is not a folder: build the sites first with "
                            f"`milepost build --out {site}` (or `milepost publish --to {site}`)")
    folders = [p for p in sorted(site.iterdir())
               if p.is_dir() and SLUG.fullmatch(p.name) and _is_client_site(p)]
    if not folders:
        raise MilepostError(f"--site {site} is not a Milepost output: it holds no client site "
                            "(a SLUG/ folder with index.html and calendar.ics or versions.json, "
                            "as `milepost build` or `publish` writes)")
    return tuple(ClientSite(p.name, _feeds(p), *inline_hashes(p)) for p in folders)


def find_agency_site(site: Path) -> ClientSite | None:
    """`_agency/` when `build --agency` wrote it: served to agency staff, nobody else."""
    folder = site / AGENCY_FOLDER
    if not (folder / "index.html").is_file():
        return None
    return ClientSite(AGENCY_FOLDER, (), *inline_hashes(folder))


# --- headers -----------------------------------------------------------------------------------

def content_security_policy(c: ClientSite) -> str:
    """As strict as Material's pages allow (measured in Chromium by the tests): everything
    from the site itself, inline code only where its exact hash is listed, no eval, no
    frames, no plug-ins. Material's icons are data: URIs in its CSS."""
    scripts = " ".join(("'self'", *c.script_hashes))
    styles = " ".join(("'self'", *(("'unsafe-hashes'", *c.style_hashes) if c.style_hashes
                                   else ())))
    return ("default-src 'none'; "
            f"script-src {scripts}; style-src {styles}; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "worker-src 'self'; manifest-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@functools.cache
def refusal_style() -> str:
    """The refusal page's look, in the page itself so that it needs nothing from a client
    area: the text of its <style> element, exactly, as its hash is the policy's."""
    return "\n" + (CONTENT / "hosting" / "refusal.css").read_text(encoding="utf-8")


@functools.cache
def closed_policy() -> str:
    """For every answer that is not one of a client's pages (refusals, errors, feeds):
    nothing may run or load, except the refusal page's own style. Refusals all carry this
    one, so a stranger cannot tell areas apart."""
    return ("default-src 'none'; "
            f"style-src {_csp_hash(refusal_style())}; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class RefusalView:
    """What the 401 page says (content/hosting/refusal.html.j2), escaped for HTML."""

    agency: Markup        # the agency's name; "" for none
    contact: Markup       # whom to ask: an email address or an https:// address; "" for none
    contact_link: Markup  # where that link goes: mailto:… or the address


def refusal_view(r: Refusal) -> RefusalView:
    contact = Markup(html.escape(r.contact))
    link = Markup("mailto:") + contact if EMAIL.fullmatch(r.contact) else contact
    return RefusalView(Markup(html.escape(r.agency)), contact, link)


def refusal_page(r: Refusal) -> str:
    """The 401 page, the same bytes for every refused address: it names no client (the
    address may be a guess), says what the site is, and whom to ask."""
    return configs.render("hosting/refusal.html.j2", refusal_view(r))


def security_headers() -> list[tuple[str, str]]:
    """The headers every answer carries, errors included, besides its policy."""
    return [
        ("X-Robots-Tag", "noindex, nofollow"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "private"),  # no shared cache may keep a client's pages
    ]


# --- the plan ----------------------------------------------------------------------------------

def _check_path(path: str, option: str) -> str:
    if not SAFE_PATH.fullmatch(path):
        raise MilepostError(f"{option} {path!r} has characters a server configuration cannot "
                            "hold safely (spaces, quotes, $, {{ }}, ;): use a path of letters, "
                            "digits and ._-/")
    return path


def _check_name(name: str, option: str) -> str:
    if name and not HOST_NAME.fullmatch(name):
        raise MilepostError(f"{option} '{name}' is not a host name (e.g. portal.agency.example)")
    return name


def _check_listen(address: str) -> str:
    if not address:
        return ""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise MilepostError(f"--listen '{address}' is not an IP address (e.g. 127.0.0.1)")
    return address


def _check_refusal(r: Refusal) -> Refusal:
    if r.agency and not AGENCY_NAME.fullmatch(r.agency):
        raise MilepostError(f"--agency-name {r.agency!r} is not a name a page can show as it "
                            "is: use letters, digits, spaces and . , & ' ( ) - (at most 80)")
    if r.contact and not (EMAIL.fullmatch(r.contact) or CONTACT_URL.fullmatch(r.contact)):
        raise MilepostError(f"--contact {r.contact!r} is neither a lowercase email address "
                            "nor an https:// address (e.g. support@agency.example)")
    return r


def make_plan(site: Path, access: Access, port: int, listen: str = "", name: str = "",
              root: str | None = None, name_option: str = "--server-name",
              rate: int = DEFAULT_RATE, refusal: Refusal = Refusal(),
              current: frozenset[str] | None = None,
              tls: tuple[str, str] | None = None) -> HostPlan:
    """Check every input and gather what the configuration will say; writes nothing.
    `current`: the clients in the projects folder; a client folder of the site that is not
    one of them (a removed client) is left out and named in `gone`."""
    if not 0 < port < 65536:
        raise MilepostError(f"--port {port} is not a port number (1-65535)")
    if rate < 0:
        raise MilepostError(f"--rate {rate} is not a number of requests a second (0 for no "
                            "limit)")
    found = find_client_sites(site)
    clients = tuple(c for c in found if current is None or c.slug in current)
    gone = tuple(c.slug for c in found if c not in clients)
    if not clients:
        raise MilepostError(f"--site {site} holds no site of a client in the projects folder "
                            f"(it has {', '.join(gone)}): build the current clients first")
    server_root = _check_path(root or str(site.resolve()), "--root" if root else "--site")
    if tls:  # paths on the server, read by nginx there: only their spelling is checked here
        tls = (_check_path(tls[0], "--cert"), _check_path(tls[1], "--key"))
    return HostPlan(server_root.rstrip("/") or "/", port, _check_listen(listen),
                    _check_name(name, name_option), clients, access, find_agency_site(site),
                    tls, rate, _check_refusal(refusal), gone)


def unlisted(plan: HostPlan) -> tuple[list[str], list[str]]:
    """Clients with a site but nobody of theirs listed, and listed clients without a site."""
    sites = {c.slug for c in plan.clients}
    nobody = sorted(s for s in sites if not plan.access.clients.get(s, None)
                    or not plan.access.clients[s].people)
    no_site = sorted(set(plan.access.clients) - sites - set(plan.gone))
    return nobody, no_site


def old_hashes(plan: HostPlan) -> list[str]:
    """Logins whose hash has another cost than `milepost access` writes now (an access file
    from before, cost 10): they still open, but each of their requests costs nginx that
    much more, and a wrong password for them takes longer than for an unknown login."""
    people = [*plan.access.agency, *(p for c in plan.clients for p in
                                     plan.access.logins_for(c.slug))]
    return sorted({p.email for p in people if bcrypt_cost(p.hash) != BCRYPT_ROUNDS})


def bcrypt_cost(hashed: str) -> int:
    return int(hashed.split("$")[2])


# --- nginx -------------------------------------------------------------------------------------

def htpasswd(people: tuple[Person, ...]) -> str:
    """nginx's user file: `login:bcrypt-hash` lines (nginx verifies them with the system's
    crypt(), which reads bcrypt hashes on Debian)."""
    lines = ["# written by `milepost host nginx` from the access file: do not edit"]
    return "\n".join([*lines, *(f"{p.email}:{p.hash}" for p in people)]) + "\n"


@dataclass(frozen=True)
class Header:
    """A header every answer carries, its value quoted for the server."""

    name: str
    value: str


@dataclass(frozen=True)
class NginxCalendar:
    """Where a client's Roadmap asks for its calendar address, and the file that answers."""

    pattern: str  # a location regex: the address file of every version of the site
    file: str     # calendar/SLUG.txt, beside the configuration


@dataclass(frozen=True)
class NginxFeed:
    """A calendar feed, open without a login: its secret address is the key."""

    address: str  # /_feeds/TOKEN/calendar.ics
    file: str     # the feed file on the server


@dataclass(frozen=True)
class NginxArea:
    """A folder behind a login: one client's site, or the agency's view."""

    slug: str
    users: str                     # its user file, beside the configuration
    policy: str                    # the variable holding its Content-Security-Policy
    open_policy: str               # that policy on its pages, quoted
    calendar: NginxCalendar | None = None
    feeds: tuple[NginxFeed, ...] = ()


@dataclass(frozen=True)
class RateLimit:
    """How often one address may ask (nginx counts before it checks the login)."""

    per_second: int
    burst: int    # how far ahead of that it may get before it is refused
    delay: int    # how many of those are answered without delay


@dataclass(frozen=True)
class Tls:
    """The agency's certificate (full chain) and key, as paths on the server."""

    certificate: str
    key: str


@dataclass(frozen=True)
class NginxView:
    """What nginx.conf says (content/hosting/nginx.conf.j2), every quoted string quoted."""

    listen: str                 # [address:]port
    server_name: str            # "_" for any
    tls: Tls | None             # HTTPS with these; None: plain HTTP (tests, a proxy in front)
    root: str                   # the site folder on the server
    rate: RateLimit | None      # None: no limit
    realm: str                  # the login prompt, quoted
    headers: tuple[Header, ...]
    closed_policy: str          # quoted
    refusal: configs.Lines      # the refusal page, quoted
    robots: str                 # robots.txt, quoted
    clients: tuple[NginxArea, ...]
    agency: NginxArea | None

    @property
    def areas(self) -> tuple[NginxArea, ...]:
        return (*self.clients, *((self.agency,) if self.agency else ()))


def _nginx_string(text: str) -> str:
    """A double-quoted nginx string of `text`, which holds no `$` (no variable)."""
    assert "$" not in text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _policy_variable(c: ClientSite) -> str:
    return "$csp_" + c.slug.replace("-", "_")


def _calendar_pattern(slug: str) -> str:
    """The calendar address file of every version of one client (`/a/assets/…` in a plain
    site, `/a/latest/assets/…`, `/a/v1/assets/…` in a versioned one)."""
    return f"^/{slug}/([^/]+/)?{re.escape(CALENDAR_ADDRESS)}$"


def _nginx_area(c: ClientSite, users: str, root: str = "", feed: str | None = None
                ) -> NginxArea:
    calendar = NginxCalendar(_calendar_pattern(c.slug), f"calendar/{c.slug}.txt") \
        if feed and c.feeds else None
    feeds = tuple(NginxFeed(_feed_path(feed, name), f"{root}/{c.slug}/{name}")
                  for name in c.feeds) if feed else ()
    return NginxArea(c.slug, users, _policy_variable(c),
                     _nginx_string(content_security_policy(c)), calendar, feeds)


def _listen(plan: HostPlan) -> str:
    if ":" in plan.listen:
        return f"[{plan.listen}]:{plan.port}"
    return f"{plan.listen}:{plan.port}" if plan.listen else str(plan.port)


def nginx_view(plan: HostPlan) -> NginxView:
    """Everything nginx.conf says for the plan."""
    feeds = {slug: c.feed for slug, c in plan.access.clients.items()}
    burst = plan.rate * BURST_SECONDS
    return NginxView(
        listen=_listen(plan), server_name=plan.name or "_",
        tls=Tls(*plan.tls) if plan.tls else None, root=plan.root,
        rate=RateLimit(plan.rate, burst, burst // 2) if plan.rate else None,
        realm=_nginx_string(REALM),
        headers=tuple(Header(name, _nginx_string(value)) for name, value in security_headers()),
        closed_policy=_nginx_string(closed_policy()),
        refusal=configs.Lines(_nginx_string(refusal_page(plan.refusal))),
        robots=_nginx_string(ROBOTS).replace("\n", "\\n"),
        clients=tuple(_nginx_area(c, f"users/{c.slug}.htpasswd", plan.root, feeds.get(c.slug))
                      for c in plan.clients),
        agency=_nginx_area(plan.agency, "users/_agency.htpasswd") if plan.agency else None)


def nginx_config(plan: HostPlan) -> str:
    """A complete main configuration for `nginx -p DEPLOY -c nginx.conf`; paths without a
    leading / are inside DEPLOY."""
    return configs.render("hosting/nginx.conf.j2", nginx_view(plan))


def write_nginx(plan: HostPlan, out: Path) -> list[Path]:
    """nginx.conf, one user file per client and one for the agency, each client's calendar
    address, and the folders nginx writes to; returns the files written."""
    files = {out / "nginx.conf": nginx_config(plan),
             out / "users" / "_agency.htpasswd": htpasswd(plan.access.agency)}
    for c in plan.clients:
        files[out / "users" / f"{c.slug}.htpasswd"] = htpasswd(plan.access.logins_for(c.slug))
        if c.slug in plan.access.clients and c.feeds:
            feed = plan.access.clients[c.slug].feed
            files[out / "calendar" / f"{c.slug}.txt"] = _feed_path(feed, c.feeds[0])
    for folder in ("users", "calendar"):
        for stale in (out / folder).iterdir() if (out / folder).is_dir() else ():
            if stale.is_file() and stale not in files:
                stale.unlink()  # a client no longer served: its logins must not linger
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    _private_folder(out / "logs")
    _write_all(files)
    return list(files)


def _feed_path(feed: str, name: str) -> str:
    return f"/_feeds/{feed}/{name.rsplit('/', 1)[-1]}"


def _private_folder(folder: Path) -> None:
    """The logs' folder, for its owner (and group) only: the error log names the logins
    that failed. nginx's master opens the logs as root, so it needs no more."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        folder.chmod(0o750)
    except PermissionError:  # made by the server's user: theirs to keep private
        pass


# --- Caddy -------------------------------------------------------------------------------------

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _literal(text: str) -> str:
    """`text` as a regular expression without backslashes (nginx, Go and Python alike read
    it, and no configuration quoting touches it): each sign in a class of its own."""
    return "".join(c if c.isalnum() or c == "/" else f"[{c}]" for c in text)


def basic_prefix(login: str) -> str:
    """A regular expression for the start of `Basic …` credentials of this login, whatever
    the password: base64 of `login:`. Each whole 3-byte group is 4 exact characters; the
    last 1 or 2 bytes fix all bits of 2 or 3 more characters but the last few, which the
    password's first byte fills in (a class of 16 or 4 characters)."""
    raw = (login + ":").encode()
    whole = len(raw) // 3 * 3
    exact = base64.b64encode(raw[:whole]).decode()
    rest = raw[whole:]
    if len(rest) == 1:
        exact += B64[rest[0] >> 2]
        last = [((rest[0] & 3) << 4) | low for low in range(16)]
    elif len(rest) == 2:
        exact += B64[rest[0] >> 2] + B64[((rest[0] & 3) << 4) | (rest[1] >> 4)]
        last = [((rest[1] & 15) << 2) | low for low in range(4)]
    else:
        return _literal(exact)
    return _literal(exact) + "[" + "".join(B64[i] for i in last) + "]"


@dataclass(frozen=True)
class Login:
    """Someone who may log in, as the server checks it."""

    login: str  # an email address (checked when the access file was read)
    hash: str   # the bcrypt hash of the password


@dataclass(frozen=True)
class CaddyLogins:
    """Who may enter an area: strangers (credentials that do not start with a listed
    login) are refused before Caddy's own check, which would cost them more than a listed
    login (see content/hosting/_caddy-logins.j2)."""

    known: str                   # a quoted regex: the start of a listed login's credentials
    people: tuple[Login, ...]    # none: nobody may enter yet


@dataclass(frozen=True)
class CaddyCalendar:
    """Where a client's Roadmap asks for its calendar address, and the answer."""

    pattern: str  # a path regex: the address file of every version of the site
    answer: str   # the feed's address, quoted


@dataclass(frozen=True)
class CaddyFeed:
    """A calendar feed, open without a login: its secret address is the key."""

    matcher: str  # @feed_SLUG_N
    address: str  # /_feeds/TOKEN/calendar.ics
    file: str     # the feed file, inside the site


@dataclass(frozen=True)
class CaddyArea:
    """A folder behind a login: one client's site, or the agency's view."""

    slug: str
    agency: bool                  # the agency's view, for its staff only
    matcher: str                  # @SLUG
    policy: str                   # its Content-Security-Policy, quoted
    logins: CaddyLogins
    calendar: CaddyCalendar | None = None
    feeds: tuple[CaddyFeed, ...] = ()


@dataclass(frozen=True)
class CaddyView:
    """What the Caddyfile says (content/hosting/Caddyfile.j2), every quoted token quoted."""

    admin_socket: str           # where `caddy reload` finds the running server
    https: bool                 # a domain: Caddy's automatic HTTPS; otherwise plain HTTP
    address: str                # the site's address: the domain, or http://:PORT
    bind: str                   # the address to listen on; "" for every address
    root: str                   # the site folder on the server
    realm: str                  # the login prompt, quoted
    challenge: str              # the WWW-Authenticate header of a refusal, quoted
    headers: tuple[Header, ...]
    closed_policy: str          # quoted
    robots: configs.Lines       # robots.txt, quoted (a quoted token keeps its line breaks)
    refusal: configs.Lines      # the refusal page, quoted
    areas: tuple[CaddyArea, ...]  # the clients', then the agency's view
    agency_logins: CaddyLogins  # everywhere else: agency staff only


def _caddy_quoted(text: str) -> str:
    """`text` inside a double-quoted Caddyfile token."""
    return text.replace('"', '\\"')


def _caddy_token(text: str) -> str:
    """`text` as a double-quoted Caddyfile token (line breaks kept: no escapes in 2.6)."""
    return f'"{_caddy_quoted(text)}"'


def _caddy_logins(people: tuple[Person, ...]) -> CaddyLogins:
    """Several Authorization headers are joined with commas, which base64 never holds: a
    request with more than one is refused too."""
    known = "|".join(basic_prefix(p.email) for p in people)
    return CaddyLogins(_caddy_token(f"^(?i:basic) (?:{known})"),
                       tuple(Login(p.email, p.hash) for p in people))


def _matcher(prefix: str, slug: str) -> str:
    return prefix + slug.replace("-", "_")


def _caddy_area(c: ClientSite, access: Access) -> CaddyArea:
    feed = access.clients[c.slug].feed if c.slug in access.clients else None
    feeds = tuple(CaddyFeed(f"{_matcher('@feed_', c.slug)}_{k}", _feed_path(feed, name),
                            f"/{c.slug}/{name}")
                  for k, name in enumerate(c.feeds)) if feed else ()
    calendar = CaddyCalendar(
        f"^/{c.slug}/([^/]+/)?{_literal(CALENDAR_ADDRESS)}$",
        _caddy_token(_feed_path(feed, c.feeds[0]))) if feed and c.feeds else None
    return CaddyArea(c.slug, False, _matcher("@", c.slug),
                     _caddy_token(content_security_policy(c)),
                     _caddy_logins(access.logins_for(c.slug)), calendar, feeds)


def _caddy_agency(a: ClientSite, access: Access) -> CaddyArea:
    return CaddyArea(a.slug, True, "@agency", _caddy_token(content_security_policy(a)),
                     _caddy_logins(access.agency))


def caddy_view(plan: HostPlan, admin_socket: Path) -> CaddyView:
    """Everything the Caddyfile says for the plan."""
    if plan.name:
        address = plan.name + (f":{plan.port}" if plan.port != 443 else "")
    else:
        address = f"http://:{plan.port}"
    areas = tuple(_caddy_area(c, plan.access) for c in plan.clients)
    if plan.agency:
        areas += (_caddy_agency(plan.agency, plan.access),)
    return CaddyView(
        admin_socket=str(admin_socket), https=bool(plan.name), address=address,
        bind=plan.listen, root=plan.root, realm=_caddy_token(REALM),
        challenge=_caddy_token(CHALLENGE),
        headers=tuple(Header(name, _caddy_token(value)) for name, value in security_headers()),
        closed_policy=_caddy_token(closed_policy()),
        robots=configs.Lines(_caddy_token(ROBOTS)),
        refusal=configs.Lines(_caddy_token(refusal_page(plan.refusal))),
        areas=areas, agency_logins=_caddy_logins(plan.access.agency))


def caddy_config(plan: HostPlan, admin_socket: Path) -> str:
    """A Caddyfile for `caddy run --config DEPLOY/Caddyfile --adapter caddyfile`: HTTPS
    for a domain, plain HTTP on the port otherwise."""
    return configs.render("hosting/Caddyfile.j2", caddy_view(plan, admin_socket))


def write_caddy(plan: HostPlan, out: Path, admin_socket: str | None = None) -> list[Path]:
    """The Caddyfile; its admin socket (for reloads) beside it, or where the server keeps
    it when the configuration is written elsewhere (in CI, for a release folder)."""
    target = out / "Caddyfile"
    socket = Path(_check_path(admin_socket, "--admin-socket")) if admin_socket \
        else out.resolve() / "caddy-admin.sock"
    _write_all({target: caddy_config(plan, socket)})
    return [target]


def _write_all(files: dict[Path, str]) -> None:
    """Each file replaced atomically, so a running server never reads half a file. The
    server's worker reads them, so they are readable by others (docs/pages/guide/hosting.md)."""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        os.replace(tmp, path)
