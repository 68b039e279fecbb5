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
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.agency import FOLDER as AGENCY_FOLDER
from generator.format.load import SLUG
from generator.problems import MilepostError
from generator.ship.access import BCRYPT_ROUNDS, EMAIL, Access, Person

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


# The refusal page's look: in the page itself, so that it needs nothing from a client area.
REFUSAL_STYLE = """
body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
color:#1f2328;background:#f3f4f6}
main{max-width:34rem;margin:12vh auto 2rem;padding:1.6rem 2rem;background:#fff;
border-top:4px solid #3f51b5;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
.who{margin:0 0 .4rem;color:#5f6368;font-size:.85rem;letter-spacing:.04em;
text-transform:uppercase}
h1{font-size:1.45rem;line-height:1.25;margin:0 0 .9rem}
h2{font-size:1.05rem;margin:1.4rem 0 .3rem}
p{margin:.5rem 0}
a{color:#1a5fb4}
@media (max-width:36rem){main{margin:0;border-radius:0;box-shadow:none}}
"""

# For every answer that is not one of a client's pages (refusals, errors, feeds): nothing
# may run or load, except the refusal page's own style. Refusals all carry this one, so a
# stranger cannot tell areas apart.
CLOSED_POLICY = ("default-src 'none'; "
                 f"style-src {_csp_hash(REFUSAL_STYLE)}; base-uri 'none'; "
                 "form-action 'none'; frame-ancestors 'none'")


def refusal_page(r: Refusal) -> str:
    """The 401 page, the same bytes for every refused address: it names no client (the
    address may be a guess), says what the site is, and whom to ask."""
    agency = html.escape(r.agency)
    if EMAIL.fullmatch(r.contact):
        ask = f'<a href="mailto:{html.escape(r.contact)}">{html.escape(r.contact)}</a>'
    elif r.contact:
        ask = f'<a href="{html.escape(r.contact)}">{html.escape(r.contact)}</a>'
    else:
        ask = f"your contact at {agency or 'the agency'}, who gave you this address"
    keeper = f" that {agency} keeps" if agency else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        "<title>Login needed</title>",
        f"<style>{REFUSAL_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<p class="who">{agency or "Client project sites"}</p>',
        "<h1>This address needs a login</h1>",
        f"<p>It is part of a private project site{keeper} for one of its clients. It "
        "opens only for the people who were given access, with the email address and "
        "password they were sent.</p>",
        "<p>If your browser no longer asks for them, close all its windows and open the "
        "address again.</p>",
        "<h2>No login yet, or a password that no longer works?</h2>",
        f"<p>Ask {ask}. Access is given person by person; a lost password is replaced "
        "with a new one, never sent again.</p>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


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

MIME_TYPES = {
    "text/html": "html", "text/css": "css", "text/javascript": "js mjs",
    "application/json": "json map", "image/svg+xml": "svg", "image/png": "png",
    "image/jpeg": "jpg jpeg", "image/gif": "gif", "image/webp": "webp",
    "image/x-icon": "ico", "text/calendar": "ics", "application/atom+xml": "atom",
    "application/xml": "xml", "text/plain": "txt", "font/woff2": "woff2", "font/woff": "woff",
    "application/manifest+json": "webmanifest", "application/gzip": "gz",
}


def htpasswd(people: tuple[Person, ...]) -> str:
    """nginx's user file: `login:bcrypt-hash` lines (nginx verifies them with the system's
    crypt(), which reads bcrypt hashes on Debian)."""
    lines = ["# written by `milepost host nginx` from the access file: do not edit"]
    return "\n".join([*lines, *(f"{p.email}:{p.hash}" for p in people)]) + "\n"


def _nginx_headers(policy: str, indent: str) -> list[str]:
    lines = [f'{indent}add_header {name} "{value}" always;' for name, value in security_headers()]
    return [*lines, f"{indent}add_header Content-Security-Policy {policy} always;"]


def _policy_variable(c: ClientSite) -> str:
    return "$csp_" + c.slug.replace("-", "_")


def _nginx_policy_map(c: ClientSite) -> list[str]:
    """The client's policy on its pages (2xx, 3xx); on refusals and errors the closed one,
    exactly as everywhere else."""
    return [f"    map $status {_policy_variable(c)} {{",
            f'        ~^[23] "{content_security_policy(c)}";',
            f'        default "{CLOSED_POLICY}";',
            "    }"]


def _calendar_pattern(slug: str) -> str:
    """The calendar address file of every version of one client (`/a/assets/…` in a plain
    site, `/a/latest/assets/…`, `/a/v1/assets/…` in a versioned one)."""
    return f"^/{slug}/([^/]+/)?{re.escape(CALENDAR_ADDRESS)}$"


def _nginx_client(c: ClientSite, root: str, feed: str | None) -> list[str]:
    users = f"users/{c.slug}.htpasswd"
    calendar = [
        "            # the calendar subscription address, for the Roadmap: a file served (after",
        "            # the login) rather than `return`, which nginx would answer before it",
        f"            location ~ {_calendar_pattern(c.slug)} {{",
        f"                alias calendar/{c.slug}.txt;",
        "            }",
    ] if feed and c.feeds else []
    lines = [
        f"        # {c.slug}: its people and the agency's",
        f"        location ^~ /{c.slug}/ {{",
        f"            auth_basic_user_file {users};",
        *_nginx_headers(_policy_variable(c), "            "),
        *calendar,
        "            # hidden files and folders (stamps, scratch copies): never served, and",
        "            # answered only after the login, like everything else",
        "            location ~ /\\. {",
        "                root empty;",
        "            }",
        "            # a folder: its index.html or nothing, never a listing",
        "            location ~ /$ {",
        "                try_files ${uri}index.html =404;",
        "            }",
        "        }",
        f"        location = /{c.slug} {{",
        f"            auth_basic_user_file {users};",
        "        }",
    ]
    for name in c.feeds if feed else ():
        lines += [
            f"        location = /_feeds/{feed}/{name.rsplit('/', 1)[-1]} {{",
            "            auth_basic off;  # calendar apps cannot log in: the address is the key",
            "            log_not_found off;  # the error log would hold the address",
            f"            alias {root}/{c.slug}/{name};",
            "        }",
        ]
    return lines


def _nginx_agency(a: ClientSite) -> list[str]:
    """The agency's view: the agency's user file only, never a client's."""
    users = "users/_agency.htpasswd"
    return [
        "        # the agency's view: agency staff only",
        f"        location ^~ /{a.slug}/ {{",
        f"            auth_basic_user_file {users};",
        *_nginx_headers(_policy_variable(a), "            "),
        "            location ~ /\\. {",
        "                root empty;",
        "            }",
        "            location ~ /$ {",
        "                try_files ${uri}index.html =404;",
        "            }",
        "        }",
        f"        location = /{a.slug} {{",
        f"            auth_basic_user_file {users};",
        "        }",
    ]


def _nginx_tls(tls: tuple[str, str] | None) -> list[str]:
    """HTTPS with the agency's certificate: Basic authentication sends the password with
    every request, so it must never cross the network in the clear."""
    if tls is None:
        return []
    return [f"        ssl_certificate {tls[0]};", f"        ssl_certificate_key {tls[1]};",
            "        ssl_protocols TLSv1.2 TLSv1.3;"]


def _nginx_string(text: str) -> str:
    """A double-quoted nginx string of `text`, which holds no `$` (no variable)."""
    assert "$" not in text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _nginx_limits(plan: HostPlan) -> tuple[list[str], list[str]]:
    """The rate limit's zone (http level) and its use (server level)."""
    if not plan.rate:
        return [], []
    burst = plan.rate * BURST_SECONDS
    return ([
        "    # One address may ask RATE times a second on average, and get ahead of that by a",
        "    # page or a few: beyond, it is slowed, then refused with 429 (a burst of",
        "    # password guesses too: nginx counts before it checks the login).",
        f"    limit_req_zone $binary_remote_addr zone=per_address:10m rate={plan.rate}r/s;",
        "    limit_req_status 429;",
    ], [f"        limit_req zone=per_address burst={burst} delay={burst // 2};"])


def nginx_config(plan: HostPlan) -> str:
    """A complete main configuration for `nginx -p DEPLOY -c nginx.conf`; paths without a
    leading / are inside DEPLOY."""
    listen = f"{plan.listen}:{plan.port}" if plan.listen else str(plan.port)
    if ":" in plan.listen:
        listen = f"[{plan.listen}]:{plan.port}"
    types = [f"        {mime} {exts};" for mime, exts in MIME_TYPES.items()]
    clients = [line for c in plan.clients for line in _nginx_client(
        c, plan.root, plan.access.clients[c.slug].feed if c.slug in plan.access.clients
        else None)]
    robots = ROBOTS.replace("\n", "\\n")
    maps = [line for c in plan.clients for line in _nginx_policy_map(c)]
    agency: list[str] = []
    if plan.agency is not None:
        maps += _nginx_policy_map(plan.agency)
        agency = _nginx_agency(plan.agency)
    zone, limit = _nginx_limits(plan)
    return "\n".join([
        "# Written by `milepost host nginx`. Run it with",
        "#   nginx -p DEPLOY/ -c nginx.conf -g 'daemon off;'",
        "# (DEPLOY is this folder); reload after each `milepost host` run with",
        "#   nginx -p DEPLOY/ -c nginx.conf -s reload",
        "worker_processes auto;",
        "pid logs/nginx.pid;",
        "# failed logins are logged here with the name tried: logs/ is its owner's only",
        "error_log logs/error.log;",
        "events {",
        "    worker_connections 1024;",
        "}",
        "http {",
        "    server_tokens off;",
        "    charset utf-8;",
        "    types {",
        *types,
        "    }",
        "    default_type application/octet-stream;",
        "    # The access log leaves out login names and query strings, and a path with a",
        "    # calendar subscription secret in it is written without it.",
        "    map $asked $logged_path {",
        '        "~[0-9A-Fa-f]{40}" "(a calendar subscription address)";',
        "        default $asked;",
        "    }",
        "    log_format milepost '$remote_addr [$time_local] \"$request_method $logged_path\" '",
        "                        '$status $body_bytes_sent \"$http_user_agent\"';",
        "    access_log logs/access.log milepost;",
        *zone,
        "    client_body_temp_path tmp/body;",
        "    proxy_temp_path tmp/proxy;",
        "    fastcgi_temp_path tmp/fastcgi;",
        "    uwsgi_temp_path tmp/uwsgi;",
        "    scgi_temp_path tmp/scgi;",
        "    sendfile on;",
        "    autoindex off;",
        "    absolute_redirect off;",
        "    merge_slashes on;",
        *maps,
        "    server {",
        f"        listen {listen}{' ssl' if plan.tls else ''} default_server;",
        f"        server_name {plan.name or '_'};",
        *_nginx_tls(plan.tls),
        f"        root {plan.root};",
        "        index index.html;",
        "        set $asked $uri;  # the path asked for, as the access log writes it",
        *limit,
        f'        auth_basic "{REALM}";',
        "        # everywhere else, the root included: agency staff only, and nothing to see",
        "        auth_basic_user_file users/_agency.htpasswd;",
        *_nginx_headers(f'"{CLOSED_POLICY}"', "        "),
        "        # every refusal: one page, the same wherever it is asked",
        "        error_page 401 @refused;",
        "        location @refused {",
        "            auth_basic off;",
        "            types { }  # HTML, whatever the name asked for ends in",
        "            default_type text/html;",
        f"            return 401 {_nginx_string(refusal_page(plan.refusal))};",
        "        }",
        "        location / {",
        "            root empty;",
        "        }",
        "        location = /robots.txt {",
        "            auth_basic off;",
        "            default_type text/plain;",
        f'            return 200 "{robots}";',
        "        }",
        *clients,
        *agency,
        "    }",
        "}",
        "",
    ])


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

def _caddy_headers(indent: str) -> list[str]:
    lines = [f"{indent}header {{", f"{indent}\t-Server"]
    lines += [f'{indent}\t{name} "{value}"' for name, value in security_headers()]
    return [*lines, f"{indent}}}"]


def _caddy_policy(policy: str, indent: str) -> str:
    return f'{indent}header Content-Security-Policy "{policy}"'


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


def _caddy_logins(people: tuple[Person, ...], indent: str) -> list[str]:
    """The login of an area. Caddy's basicauth checks an unknown name against a cost-14
    decoy hash (2 s of a core) and caches the result per password: that made an unlisted
    login slower than a listed one and cheap to turn into load. So a request whose
    credentials do not start with a listed login is refused first, with the same 401 (a
    missing one too: basicauth would not check anything for it either). Several
    Authorization headers are joined with commas, which base64 never holds: refused too."""
    if not people:  # nobody may enter yet (Caddy refuses an empty basicauth)
        return [f'{indent}header WWW-Authenticate "{_caddy_quoted(CHALLENGE)}"',
                f"{indent}error 401"]
    logins = "|".join(basic_prefix(p.email) for p in people)
    return [f"{indent}@stranger not vars_regexp {{http.request.header.Authorization}} "
            f'"^(?i:basic) (?:{logins})"',
            f'{indent}header @stranger WWW-Authenticate "{_caddy_quoted(CHALLENGE)}"',
            f"{indent}error @stranger 401",
            f'{indent}basicauth bcrypt "{REALM}" {{',
            *(f"{indent}\t{p.email} {p.hash}" for p in people), f"{indent}}}"]


def _caddy_quoted(text: str) -> str:
    """`text` inside a double-quoted Caddyfile token."""
    return text.replace('"', '\\"')


def _caddy_area(c: ClientSite, people: tuple[Person, ...], matcher: str,
                calendar: str | None) -> list[str]:
    """One area behind its login, in the order written (a `route`: in a `handle`, Caddy
    would sort basicauth before the refusal of strangers)."""
    answer = [
        f"\t\t\t@calendar path_regexp ^/{c.slug}/([^/]+/)?{_literal(CALENDAR_ADDRESS)}$",
        f'\t\t\trespond @calendar "{calendar}" 200',
    ] if calendar else []
    return [
        f"\t{matcher} path /{c.slug} /{c.slug}/*",
        f"\thandle {matcher} {{",
        "\t\troute {",
        _caddy_policy(content_security_policy(c), "\t\t\t"),
        *_caddy_logins(people, "\t\t\t"),
        "\t\t\t# hidden files and folders: never served (after the login, like everything)",
        "\t\t\t@hidden path */.*",
        "\t\t\terror @hidden 404",
        *(["\t\t\t# the calendar subscription address, for the Roadmap"] if calendar else []),
        *answer,
        "\t\t\tfile_server",
        "\t\t}",
        "\t}",
    ]


def _caddy_client(c: ClientSite, access: Access) -> list[str]:
    feed = access.clients[c.slug].feed if c.slug in access.clients else None
    lines: list[str] = []
    for k, name in enumerate(c.feeds if feed else ()):
        lines += [
            f"\t@feed_{c.slug.replace('-', '_')}_{k} path /_feeds/{feed}/{name.rsplit('/', 1)[-1]}",
            f"\thandle @feed_{c.slug.replace('-', '_')}_{k} {{",
            "\t\t# calendar apps cannot log in: the address is the key",
            _caddy_policy(CLOSED_POLICY, "\t\t"),
            f"\t\trewrite * /{c.slug}/{name}",
            "\t\tfile_server",
            "\t}",
        ]
    calendar = _feed_path(feed, c.feeds[0]) if feed and c.feeds else None
    return [*lines, f"\t# {c.slug}: its people and the agency's",
            *_caddy_area(c, access.logins_for(c.slug), f"@{c.slug.replace('-', '_')}",
                         calendar)]


def _caddy_agency(a: ClientSite, access: Access) -> list[str]:
    return ["\t# the agency's view: agency staff only",
            *_caddy_area(a, access.agency, "@agency", None)]


def caddy_config(plan: HostPlan, admin_socket: Path) -> str:
    """A Caddyfile for `caddy run --config DEPLOY/Caddyfile --adapter caddyfile`: HTTPS
    for a domain, plain HTTP on the port otherwise."""
    if plan.name:
        address = plan.name + (f":{plan.port}" if plan.port != 443 else "")
    else:
        address = f"http://:{plan.port}"
    options = [f"\tadmin unix/{admin_socket}", *([] if plan.name else ["\tauto_https off"])]
    robots = ROBOTS  # a quoted Caddyfile token keeps its line breaks (no escapes in 2.6)
    return "\n".join([
        "# Written by `milepost host caddy`. Run it with",
        "#   caddy run --config DEPLOY/Caddyfile --adapter caddyfile",
        "# and reload after each `milepost host` run with",
        "#   caddy reload --config DEPLOY/Caddyfile --adapter caddyfile \\",
        f"#     --address unix/{admin_socket}",
        "{",
        *options,
        "}",
        f"{address} {{",
        *([f"\tbind {plan.listen}"] if plan.listen else []),
        f"\troot * {plan.root}",
        *_caddy_headers("\t"),
        "\thandle /robots.txt {",
        _caddy_policy(CLOSED_POLICY, "\t\t"),
        f'\t\trespond "{robots}" 200',
        "\t}",
        *[line for c in plan.clients for line in _caddy_client(c, plan.access)],
        *(_caddy_agency(plan.agency, plan.access) if plan.agency else []),
        "\t# everywhere else, the root included: agency staff only, and nothing to see",
        "\thandle {",
        "\t\troute {",
        _caddy_policy(CLOSED_POLICY, "\t\t\t"),
        *_caddy_logins(plan.access.agency, "\t\t\t"),
        "\t\t\terror 404",
        "\t\t}",
        "\t}",
        "\t# Caddy drops the headers above from error answers: set them again",
        "\thandle_errors {",
        *_caddy_headers("\t\t"),
        _caddy_policy(CLOSED_POLICY, "\t\t"),
        "\t\t# every refusal: one page, the same wherever it is asked",
        "\t\t@refused expression {err.status_code} == 401",
        "\t\thandle @refused {",
        '\t\t\theader Content-Type "text/html; charset=utf-8"',
        f'\t\t\trespond "{_caddy_quoted(refusal_page(plan.refusal))}" 401',
        "\t\t}",
        "\t\thandle {",
        '\t\t\trespond "{err.status_code} {err.status_text}"',
        "\t\t}",
        "\t}",
        "}",
        "",
    ])


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
    server's worker reads them, so they are readable by others (see the README)."""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        os.replace(tmp, path)
