"""Private hosting against the real servers: nginx and Caddy started from the configuration
`milepost host` writes, on 127.0.0.1, checked over real HTTP with two clients (a, b, both
with a tagged version) and one agency account."""

from __future__ import annotations

import base64
import collections
import concurrent.futures
import contextlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import VALID_TEXT, free_port, git, milepost

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # real servers, git and the CLI
PASSWORDS = {"mia@a.example": "alpha orchard lantern quarry",
             "leo@a.example": "lantern quarry bramble canyon",
             "bo@b.example": "bramble canyon harbour dune",
             "dana@agency.example": "dune meadow orchard juniper"}
MIA, LEO, BO, DANA = PASSWORDS
NAMES = {"a": "Alpha Foods", "b": "Beta Bank"}
HEADERS = {"x-robots-tag": "noindex", "referrer-policy": "no-referrer",
           "x-content-type-options": "nosniff", "x-frame-options": "DENY"}


def readable_by_all(folder: Path, base: Path) -> None:
    """nginx started as root reads the site as an unprivileged user: open the way to it."""
    for path in [folder, *folder.parents]:
        path.chmod(0o755)
        if path == base:
            break


@pytest.fixture(scope="module")
def repo() -> Iterator[Path]:
    """Clients a and b, each with version v1 and a later latest; a built site; access for
    two people of a, one of b and one of the agency. Outside pytest's own temporary folder,
    which only root may enter: nginx's workers read the site as an unprivileged user."""
    repo = Path(tempfile.mkdtemp(prefix="milepost-hosting-"))
    try:
        yield from _hosting_repo(repo)
    finally:
        shutil.rmtree(repo, ignore_errors=True)


HELD_BACK = "Zebracorn margin is thin"  # an internal note of client a: the agency's alone


def _hosting_repo(repo: Path, *engine: str) -> Iterator[Path]:
    git(repo, "init", "-q", "-b", "main")
    for slug, name in NAMES.items():
        folder = repo / "projects" / slug
        folder.mkdir(parents=True)
        held_back = f"internal_notes: {HELD_BACK}\n" if slug == "a" else ""
        (folder / "client.yml").write_text(
            VALID_TEXT["client.yml"].replace("Acme & Co", name) + held_back, encoding="utf-8")
        (folder / "roadmap.yml").write_text(VALID_TEXT["roadmap.yml"], encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start", day="2026-03-01")
    for slug in NAMES:
        git(repo, "tag", "-a", f"{slug}/v1", "-m", "first plan", day="2026-03-01")
    built = milepost(repo, "build", "--versions", "--agency", "--out", "site", "--as-of",
                     "2026-06-01", *engine)
    assert built.returncode == 0, built.stderr
    (repo / "site" / "a" / ".a.publishing-x").mkdir()  # scratch left by a publish
    # a client deleted from projects/ whose folder is still in the site
    shutil.copytree(repo / "site" / "b", repo / "site" / "gone")
    (repo / "site" / "a" / ".a.publishing-x" / "index.html").write_text("scratch")
    for slug, email in (("a", MIA), ("a", LEO), ("b", BO), (None, DANA)):
        who = ["--agency", email] if slug is None else [slug, email]
        added = milepost(repo, "access", "add", *who, "--password-stdin",
                         stdin=PASSWORDS[email] + "\n")
        assert added.returncode == 0, added.stderr
    readable_by_all(repo / "site", repo)
    yield repo


def wait_for(check: Callable[[], bool], what: str) -> None:
    """A bounded wait for a server to come up or take a new configuration (not a timing)."""
    for _ in range(200):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


AGENCY_NAME, CONTACT = "Brightfold Studio", "access@agency.example"
# The tests below ask far more often than a person: the rate limit has its own tests, with
# the default, on servers of their own (`defaults`).
MANY = ("--rate", "100000")


@dataclass
class Server:
    kind: str
    port: int
    repo: Path
    process: subprocess.Popen
    env: dict[str, str]
    options: tuple[str, ...] = ()
    name: str = ""

    @property
    def deploy(self) -> Path:
        return self.repo / f"deploy-{self.name or self.kind}"

    def write_config(self) -> subprocess.CompletedProcess:
        options = self.options if self.kind == "nginx" else \
            tuple(o for o in self.options if o not in MANY)
        return milepost(self.repo, "host", self.kind, "--site", "site", "--out",
                        self.deploy.name, "--port", str(self.port), "--listen", "127.0.0.1",
                        "--agency-name", AGENCY_NAME, "--contact", CONTACT, *options)

    def reload(self) -> None:
        written = self.write_config()
        assert written.returncode == 0, written.stderr
        if self.kind == "nginx":
            command = ["nginx", "-p", f"{self.deploy}/", "-c", "nginx.conf", "-s", "reload"]
        else:
            command = ["caddy", "reload", "--config", str(self.deploy / "Caddyfile"),
                       "--adapter", "caddyfile", "--address",
                       f"unix/{self.deploy / 'caddy-admin.sock'}"]
        workers = self.workers()
        done = subprocess.run(command, env=self.env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # nginx reloads gracefully: the old workers answer until they have exited
        wait_for(lambda: not workers & self.workers(), f"{self.kind}'s old workers to exit")

    def workers(self) -> set[str]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return set(children.read_text().split()) if children.exists() else set()


def start(kind: str, repo: Path, tmp: Path, options: tuple[str, ...] = MANY,
          name: str = "") -> Server:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_DATA_HOME": str(tmp / "data")}  # Caddy keeps its state there
    server = Server(kind, free_port(), repo, None, env, options, name)  # type: ignore[arg-type]
    written = server.write_config()
    assert written.returncode == 0, written.stderr
    readable_by_all(server.deploy, repo)
    if kind == "nginx":
        command = ["nginx", "-p", f"{server.deploy}/", "-c", "nginx.conf", "-g", "daemon off;"]
    else:
        command = ["caddy", "run", "--config", str(server.deploy / "Caddyfile"), "--adapter",
                   "caddyfile"]
    log = (tmp / f"{kind}.log").open("w")
    server.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: listening(server.port) or server.process.poll() is not None,
             f"{kind} to listen")
    assert server.process.poll() is None, (tmp / f"{kind}.log").read_text()
    return server


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def server(request: pytest.FixtureRequest, repo: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    kind = request.param
    if shutil.which(kind) is None:
        pytest.skip(f"{kind} is not installed (apt-get install {kind}); .ci/run installs it")
    running = start(kind, repo, tmp_path_factory.mktemp(f"{kind}-state"))
    try:
        yield running
    finally:
        stop(running)


def stop(running: Server) -> None:
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.wait()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(server: Server, path: str, login: str | None = None, method: str = "GET",
          password: str | None = None) -> Answer:
    """One request with the path sent exactly as written (no client-side clean-up)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {}
    if login:
        secret = password if password is not None else PASSWORDS[login]
        headers["Authorization"] = "Basic " + base64.b64encode(
            f"{login}:{secret}".encode()).decode()
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
    finally:
        conn.close()


def feed_path(repo: Path, slug: str) -> str:
    access = yaml.safe_load((repo / "access.yml").read_text(encoding="utf-8"))
    return f"/_feeds/{access['clients'][slug]['feed']}/calendar.ics"


def assert_headers(answer: Answer, path: str) -> None:
    for name, value in HEADERS.items():
        assert value in answer.headers.get(name, ""), (path, answer.status, name, answer.headers)
    policy = answer.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, (path, policy)
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy, policy
    assert "server" not in answer.headers or answer.headers["server"] in ("nginx",), answer.headers


def refusal(answer: Answer) -> tuple[int, bytes, dict[str, str]]:
    """What a stranger can compare between two refusals (the date aside)."""
    return answer.status, answer.body, {k: v for k, v in answer.headers.items() if k != "date"}


A_PATHS = ["/a/", "/a/index.html", "/a/versions.json", "/a/latest/index.html",
           "/a/latest/roadmap.html", "/a/latest/search/search_index.json",
           "/a/latest/calendar.ics", "/a/v1/roadmap.html", "/a/v1/calendar.ics",
           "/a/latest/assets/milepost.css"]
B_SPELLINGS = ["/b/", "/B/", "/a/../b/", "/a/%2e%2e/b/", "/a/..%2fb/", "//b/", "/a/%2F..%2Fb/",
               "/b/latest/index.html", "/a/../b/latest/index.html", "/a/%2e%2e/b/versions.json",
               "/b/latest/calendar.ics"]


def test_without_credentials_everything_is_refused_alike(server: Server):
    paths = [*A_PATHS, *B_SPELLINGS, "/", "/nosuch/", "/nosuch.html", "/a/nosuch.html",
             "/_feeds/", "/_feeds/0000/calendar.ics", "/a/latest/.milepost-inputs"]
    first = refusal(fetch(server, "/"))
    assert first[0] == 401
    for path in paths:
        for method in ("GET", "HEAD"):
            answer = fetch(server, path, method=method)
            assert answer.status == 401, (path, method)
            assert_headers(answer, path)
            if method == "GET":
                assert refusal(answer) == first, path  # nothing tells areas apart
    wrong = fetch(server, "/a/latest/index.html", MIA, password="not-her-password")
    assert refusal(wrong) == first


def test_a_person_sees_their_site_its_versions_and_feeds(server: Server):
    for path in A_PATHS:
        answer = fetch(server, path, MIA)
        assert answer.status == 200, path
        assert_headers(answer, path)
        assert NAMES["b"].encode() not in answer.body
    assert b"Alpha Foods" in fetch(server, "/a/latest/index.html", MIA).body
    assert fetch(server, "/a/latest/calendar.ics", MIA).body.startswith(b"BEGIN:VCALENDAR")
    assert fetch(server, "/a", MIA).status in (301, 308)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_client_is_refused_on_the_other_client_however_the_path_is_spelled(
        server: Server, method: str):
    for path in B_SPELLINGS:
        answer = fetch(server, path, MIA, method=method)
        assert answer.status == 401, (path, method, answer.status)
        assert NAMES["b"].encode() not in answer.body
        assert_headers(answer, path)
    assert fetch(server, "/b/latest/index.html", BO, method=method).status == 200


AGENCY_PATHS = ["/_agency/", "/_agency/index.html", "/_agency/across.html",
                "/_agency/timeline.html", "/_agency/clients/a.html",
                "/_agency/search/search_index.json", "/_agency/assets/sort.js",
                # the copy of a client's site, with what is held back from it
                "/_agency/sites/a/latest/index.html", "/_agency/sites/a/latest/risks.html",
                "/_agency/sites/a/latest/calendar.ics", "/_agency/sites/b/versions.json",
                "/_agency/sites/b/latest/search/search_index.json"]
AGENCY_SPELLINGS = [*AGENCY_PATHS, "/_agency", "/_AGENCY/", "/_Agency/index.html",
                    "/a/../_agency/", "/a/%2e%2e/_agency/", "/a/..%2f_agency/", "//_agency/",
                    "/a/%2F..%2F_agency/", "/%5fagency/", "/_agency%2Findex.html",
                    "/a/latest/../../_agency/index.html", "/a/latest/%2e%2e/%2e%2e/_agency/",
                    "/_agency/./index.html", "/b/../_agency/across.html",
                    "/a/../_agency/sites/a/latest/index.html", "/_AGENCY/sites/a/latest/",
                    "/a/latest/%2e%2e/%2e%2e/_agency/sites/a/latest/roadmap.html"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_clients_login_is_refused_on_the_agency_view_however_the_path_is_spelled(
        server: Server, method: str):
    closed = refusal(fetch(server, "/"))
    for login in (MIA, BO):
        for path in AGENCY_SPELLINGS:
            answer = fetch(server, path, login, method=method)
            assert answer.status == 401, (login, path, method, answer.status)
            assert_headers(answer, path)
            if method == "GET":
                assert refusal(answer) == closed, (login, path)  # nothing tells it apart
    for path in AGENCY_SPELLINGS:
        assert fetch(server, path, method=method).status == 401, path


def test_the_agency_opens_its_view_with_its_own_policy(server: Server):
    for path in AGENCY_PATHS:
        answer = fetch(server, path, DANA)
        assert answer.status == 200, path
        assert_headers(answer, path)
        assert "script-src 'self'" in answer.headers["content-security-policy"], path
    page = fetch(server, "/_agency/index.html", DANA).body
    assert b"Portfolio" in page and all(n.encode() in page for n in NAMES.values())
    assert fetch(server, "/_agency", DANA).status in (301, 308)
    assert fetch(server, "/_agency/.hidden", DANA).status == 404


def test_the_agency_sees_both_clients(server: Server):
    for slug in NAMES:
        answer = fetch(server, f"/{slug}/latest/index.html", DANA)
        assert answer.status == 200 and NAMES[slug].encode() in answer.body
        assert fetch(server, f"/{slug}/v1/roadmap.html", DANA).status == 200


def test_the_root_and_unknown_paths_name_no_client_and_nothing_is_listed(server: Server):
    for login in (None, MIA, DANA):
        for path in ("/", "/nosuch/", "/index.html", "/a/latest/assets/", "/a/latest/assets",
                     "/a/latest/search/", "/a/latest/.milepost-inputs", "/a/.a.publishing-x/",
                     "/a/.a.publishing-x/index.html", "/b/v1/assets/javascripts/"):
            answer = fetch(server, path, login)
            assert answer.status in (401, 404, 301, 308), (login, path, answer.status)
            assert_headers(answer, path)
            for word in (*NAMES.values(), "milepost.css", "Index of", "scratch", "v1"):
                assert word.encode() not in answer.body, (login, path, word)
    assert fetch(server, "/a/latest/.milepost-inputs", MIA).status == 404
    assert fetch(server, "/a/.a.publishing-x/index.html", DANA).status == 404


def test_robots_txt_forbids_everything(server: Server):
    answer = fetch(server, "/robots.txt")
    assert answer.status == 200 and answer.body == b"User-agent: *\nDisallow: /\n"
    assert_headers(answer, "/robots.txt")


def test_the_calendar_subscription_needs_no_password_and_shows_nothing_else(server: Server):
    feed = feed_path(server.repo, "a")
    answer = fetch(server, feed)
    assert answer.status == 200 and answer.body.startswith(b"BEGIN:VCALENDAR")
    assert answer.headers["content-type"].startswith("text/calendar")
    assert_headers(answer, feed)
    folder = feed.rsplit("/", 1)[0]
    for path in (f"{folder}/", f"{folder}/index.html", f"{folder}/../a/latest/index.html",
                 f"{folder}/versions.json", f"{folder}/calendar.ics/../index.html"):
        assert fetch(server, path).status == 401, path
    assert fetch(server, feed_path(server.repo, "b")).body != answer.body  # each its own


def test_revoked_and_rotated_people_are_refused_after_host_and_reload(server: Server):
    repo = server.repo
    old_feed = feed_path(repo, "a")
    assert fetch(server, "/a/latest/index.html", LEO).status == 200
    revoked = milepost(repo, "access", "revoke", "a", LEO)
    assert revoked.returncode == 0, revoked.stderr
    old, new = PASSWORDS[BO], f"bramble harbour juniper tundra {server.kind}"
    rotated = milepost(repo, "access", "rotate", "b", BO, "--password-stdin", stdin=new)
    assert rotated.returncode == 0, rotated.stderr
    server.reload()
    new_feed = feed_path(repo, "a")
    try:
        assert fetch(server, new_feed).status == 200
        assert fetch(server, "/a/latest/index.html", LEO).status == 401
        assert fetch(server, old_feed).status == 401
        assert fetch(server, "/b/latest/index.html", BO, password=old).status == 401
        assert fetch(server, "/b/latest/index.html", BO, password=new).status == 200
        assert fetch(server, "/a/latest/index.html", MIA).status == 200
    finally:  # the other server's run starts from the same people
        PASSWORDS[BO] = new
        milepost(repo, "access", "add", "a", LEO, "--password-stdin", stdin=PASSWORDS[LEO])


def test_every_refusal_is_one_branded_page_that_names_no_client(server: Server):
    """A stranger, a wrong password, an unlisted login and another client's login get the
    same page wherever they ask: whose sites these are and whom to ask, no client's name."""
    first = fetch(server, "/")
    page = first.body.decode()
    assert first.status == 401 and first.headers["content-type"].startswith("text/html")
    assert first.headers["www-authenticate"] == 'Basic realm="Client sites"'  # still asked
    assert "<h1>This address needs a login</h1>" in page and AGENCY_NAME in page
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in page
    assert "<script" not in page and "src=" not in page and "http" not in page  # self-contained
    for name in (*NAMES.values(), "/a/", "/b/", "_agency", "gone"):
        assert name not in page
    asked = [fetch(server, path, login, password=password)
             for path in ("/a/", "/b/latest/index.html", "/nosuch/", "/_agency/", "/gone/",
                          feed_path(server.repo, "a") + "/")
             for login, password in ((None, None), (MIA, "not her password"),
                                     ("nobody@else.example", "any password at all"))]
    asked.append(fetch(server, "/b/latest/index.html", MIA))
    for answer in asked:
        assert refusal(answer) == refusal(first)  # byte for byte, headers too


def test_a_removed_clients_folder_is_not_served(server: Server):
    """`gone/` is a client folder of the site whose client was deleted from projects/: the
    configuration leaves it out, so it falls in the agency-only area where nothing is."""
    assert fetch(server, "/gone/latest/index.html", DANA).status == 404
    assert refusal(fetch(server, "/gone/latest/index.html", MIA)) == refusal(fetch(server, "/"))
    assert fetch(server, "/b/latest/index.html", DANA).status == 200  # its copy's original


def calendar_secrets(repo: Path) -> dict[str, str]:
    access = yaml.safe_load((repo / "access.yml").read_text(encoding="utf-8"))
    return {slug: c["feed"] for slug, c in access["clients"].items()}


def test_the_calendar_address_is_answered_behind_the_clients_login_only(server: Server):
    feeds = {slug: feed_path(server.repo, slug) for slug in NAMES}
    for path in ("/a/latest/assets/calendar-address.txt", "/a/v1/assets/calendar-address.txt"):
        for login in (MIA, DANA):
            answer = fetch(server, path, login)
            assert answer.status == 200 and answer.body.decode() == feeds["a"], (path, login)
            assert answer.headers["content-type"].startswith("text/plain")
        for login in (None, BO, "nobody@else.example"):
            assert fetch(server, path, login, password="x" if login else None).status == 401
    assert fetch(server, "/b/latest/assets/calendar-address.txt", BO).body.decode() == feeds["b"]
    for path in ("/b/../a/latest/assets/calendar-address.txt",
                 "/b/%2e%2e/a/latest/assets/calendar-address.txt",
                 "//a/latest/assets/calendar-address.txt", "/A/latest/assets/calendar-address.txt"):
        answer = fetch(server, path, BO)
        assert answer.status == 401 and feeds["a"].encode() not in answer.body, path
    # the agency's copy of a's site is not a's area: its file stays the site's empty one
    assert fetch(server, "/_agency/sites/a/latest/assets/calendar-address.txt", DANA).body == b""


def test_no_built_file_holds_a_calendar_secret(repo: Path):
    """The secrets live in the access file and the server's configuration only: not in a
    page, the search index, a feed or the agency's copies."""
    secrets = calendar_secrets(repo).values()
    files = [p for p in (repo / "site").rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        assert not any(s.encode() in data for s in secrets), path


@pytest.mark.parametrize("server", ["nginx"], indirect=True)  # Caddy writes no access log
def test_nginx_logs_neither_logins_nor_calendar_secrets(server: Server):
    feed = feed_path(server.repo, "a")
    assert fetch(server, feed).status == 200
    assert fetch(server, feed.replace("_feeds", "_%66eeds") + "?x=1").status == 200
    assert fetch(server, feed + "/", MIA).status == 401
    assert fetch(server, "/a/latest/index.html", MIA).status == 200
    assert fetch(server, "/a/latest/index.html", "nobody@else.example", password="x").status == 401
    logs = server.deploy / "logs"
    assert logs.stat().st_mode & 0o007 == 0  # the error log names failed logins: not for all
    lines = (logs / "access.log").read_text(encoding="utf-8", errors="replace").splitlines()
    assert any('"GET /a/latest/index.html" 200' in line for line in lines)
    assert sum('"GET (a calendar subscription address)"' in line for line in lines) >= 3
    for word in (*calendar_secrets(server.repo).values(), MIA, "nobody@else", "x=1"):
        assert not any(word in line for line in lines), word


# --- in a browser: Material's search and version selector behind the login --------------------

CHROMIUM = Path("/usr/bin/chromium")
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@dataclass
class Watched:
    """A Chromium page logged in as one person, and what went wrong on it."""

    page: Any
    errors: list[str]   # console errors and page errors
    failed: list[str]   # answers of 400 and over, to every request (the search worker's too)

    def problems(self) -> tuple[list[str], list[str], list[str]]:
        """CSP violations of the page open now, errors and failed answers so far. Chromium
        sends the login only once challenged: that first 401 is logged, and left out."""
        return (self.page.evaluate("window.__violations"),
                [e for e in self.errors if "status of 401" not in e], self.failed)


@contextlib.contextmanager
def logged_in(email: str | None) -> Iterator[Watched]:
    """A Chromium page that logs in as `email` when asked (None: a stranger)."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_browser import CHROMIUM_ARGS, DESKTOP

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            credentials = {"username": email, "password": PASSWORDS[email]} if email else None
            context = browser.new_context(viewport=DESKTOP, http_credentials=credentials)
            context.add_init_script(RECORD_VIOLATIONS)
            watched = Watched(context.new_page(), [], [])
            watched.page.on("console", lambda m: watched.errors.append(m.text)
                            if m.type == "error" else None)
            watched.page.on("pageerror", lambda e: watched.errors.append(str(e)))
            context.on("response", lambda r: watched.failed.append(f"{r.status} {r.url}")
                       if r.status >= 400 else None)
            yield watched
        finally:
            browser.close()


def search_and_select_versions(port: int, search: Callable[[Any, str], list[str]]) -> None:
    """Logged in as a client: search finds a page, the version selector lists the versions
    and goes to latest, and no policy, script or request fails on the way."""
    base = f"http://127.0.0.1:{port}"
    with logged_in(MIA) as watched:
        page = watched.page
        page.goto(f"{base}/a/")
        page.wait_for_url(f"{base}/a/latest/index.html")
        links = search(page, "discovery")  # the search worker and its index, logged in
        assert any("roadmap.html" in link for link in links), links
        violations = page.evaluate("window.__violations")
        page.goto(f"{base}/a/v1/roadmap.html")
        page.locator(".md-version__current").wait_for(timeout=10_000)
        titles = [t.strip() for t in page.locator(".md-version__link").all_inner_texts()]
        assert titles == ["latest", "v1 (1\u00a0Mar\u00a02026): first plan"], titles
        page.locator(".md-version").hover()
        page.locator(".md-version__link", has_text="latest").click()
        page.wait_for_url(f"{base}/a/latest/**")
        now, errors, failed = watched.problems()
        violations += now
        assert violations == [] and errors == [] and failed == [], (violations, errors, failed)


@pytest.mark.browser
def test_search_and_the_version_selector_work_behind_the_login(server: Server):
    from tests.test_browser import search

    search_and_select_versions(server.port, search)


@pytest.mark.browser
def test_the_agency_reads_its_copy_of_a_client_site_behind_its_login(server: Server):
    """The copy with what is held back: its box, its search and its version selector work
    under the agency area's policy; the client's own site does not have the note."""
    from tests.test_browser import search

    base = f"http://127.0.0.1:{server.port}"
    assert HELD_BACK.encode() not in fetch(server, "/a/latest/index.html", MIA).body
    with logged_in(DANA) as watched:
        page = watched.page
        page.goto(f"{base}/_agency/sites/a/latest/index.html")
        box = page.locator("#mp-held-back")
        assert HELD_BACK in box.inner_text() and "Internal" in box.inner_text()
        links = search(page, "zebracorn")
        assert any(link.endswith("index.html?h=zebracorn#mp-held-back") for link in links), links
        violations = page.evaluate("window.__violations")
        page.goto(f"{base}/_agency/sites/a/v1/roadmap.html")
        page.locator(".md-version__current").wait_for(timeout=10_000)
        page.locator(".md-version").hover()
        page.locator(".md-version__link", has_text="latest").click()
        page.wait_for_url(f"{base}/_agency/sites/a/latest/**")
        page.locator("#mp-held-back").wait_for(timeout=10_000)
        now, errors, failed = watched.problems()
        violations += now
        assert violations == [] and errors == [] and failed == [], (violations, errors, failed)


@pytest.mark.browser
def test_the_roadmap_offers_the_calendar_subscription_behind_the_login(server: Server):
    """The page's script asks the server for the address: shown (webcal:// and plain, with
    a copy button) to the client's people; the address opens the calendar without a login.
    The agency's copy has no address to show, and keeps the calendar.ics link."""
    base = f"http://127.0.0.1:{server.port}"
    feed = feed_path(server.repo, "a")
    with logged_in(MIA) as watched:
        page = watched.page
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(f"{base}/a/latest/roadmap.html")
        box = page.locator("#mp-subscribe")
        box.wait_for(state="visible", timeout=10_000)
        assert box.locator("code").inner_text() == base + feed
        webcal = f"webcal://127.0.0.1:{server.port}{feed}"
        assert box.locator("a").get_attribute("href") == webcal
        assert page.locator(f'a[href="{webcal}"]').count() == 2  # the intro's link too
        box.locator("button").click()
        assert page.evaluate("navigator.clipboard.readText()") == base + feed
        assert box.locator("button").inner_text() == "Copied"
        assert watched.problems() == ([], [], [])
        other = feed_path(server.repo, "b").split("/")[2]
        assert other not in page.content()
    calendar = fetch(server, feed)  # what a calendar app does with it: no login
    assert calendar.status == 200 and calendar.body.startswith(b"BEGIN:VCALENDAR")
    with logged_in(DANA) as watched:
        page = watched.page
        page.goto(f"{base}/_agency/sites/a/latest/roadmap.html")
        page.wait_for_load_state("networkidle")
        assert page.locator("#mp-subscribe").is_hidden()
        assert page.locator('a[href="calendar.ics"]').count() == 1
        assert watched.problems() == ([], [], [])


@pytest.mark.browser
def test_a_stranger_sees_the_refusal_page_styled_and_inert(server: Server):
    """What a browser shows when its login prompt is cancelled: the 401 page, under the
    server's own headers. (Headless Chromium aborts on the challenge instead, so the answer
    is passed on without its WWW-Authenticate, and nothing else changed.)"""

    def unchallenged(route: Any) -> None:
        answer = route.fetch()
        headers = {k: v for k, v in answer.headers.items() if k != "www-authenticate"}
        route.fulfill(response=answer, headers=headers)

    with logged_in(None) as watched:
        page = watched.page
        page.route("**/*", unchallenged)
        answer = page.goto(f"http://127.0.0.1:{server.port}/a/latest/index.html")
        assert answer is not None and answer.status == 401
        assert page.locator("h1").inner_text() == "This address needs a login"
        assert page.locator("a").get_attribute("href") == f"mailto:{CONTACT}"
        # its style (allowed by its hash in the policy) applies: the card's top border
        assert page.locator("main").evaluate("m => getComputedStyle(m).borderTopWidth") == "4px"
        violations, errors, _ = watched.problems()
        assert violations == [] and errors == []


def test_every_built_page_says_noindex_and_every_site_has_a_robots_txt(repo: Path):
    site = repo / "site"
    pages = [p for p in site.rglob("*.html") if ".a.publishing-x" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        assert '<meta name="robots" content="noindex">' in page.read_text(encoding="utf-8"), page
    for folder in (site / "a", site / "a" / "latest", site / "a" / "v1", site / "b"):
        assert (folder / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n", folder


# --- logins cannot be probed or priced: the servers as `host` writes them by default ----------

@pytest.fixture
def defaults(repo: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A server of its own, with the default configuration (the rate limit included), so
    that no other test's requests count against it."""
    kind = request.param
    if shutil.which(kind) is None:
        pytest.skip(f"{kind} is not installed")
    running = start(kind, repo, tmp_path, options=(), name=f"{kind}-{tmp_path.name}")
    try:
        yield running
    finally:
        stop(running)


def timed(server: Server, path: str, login: str, password: str) -> tuple[int, float]:
    """One refused login as a prober sends it, on a connection of its own: the status and the
    seconds from the request to the end of the answer (the TCP handshake left out)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.connect()
    auth = base64.b64encode(f"{login}:{password}".encode()).decode()
    try:
        began = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Basic {auth}"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - began
    finally:
        conn.close()


def cpu_seconds(server: Server) -> float:
    """CPU time the server has used so far: Caddy's process, or nginx's master and workers."""
    pids = [str(server.process.pid), *server.workers()]
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def guess() -> str:
    """A new password each time: Caddy caches each (hash, password) it has checked."""
    return base64.b64encode(os.urandom(12)).decode()


@pytest.mark.parametrize("defaults", ["nginx", "caddy"], indirect=True)
def test_a_listed_login_and_an_unlisted_one_take_the_same_time_to_refuse(defaults: Server):
    """Before: nginx answered an unlisted login in 0.3 ms and a listed one with a wrong
    password in ~60 ms (bcrypt at cost 10); Caddy the reverse (its decoy hash is cost 14:
    ~1 s). Now the medians of 30 of each, interleaved, differ by less than 5 ms."""
    listed: list[float] = []
    unlisted: list[float] = []
    for i in range(35):  # the first 5 of each warm up the workers and their caches
        for login, times in ((MIA, listed), (f"{guess()[:8].lower()}@probe.example", unlisted)):
            status, seconds = timed(defaults, "/a/latest/index.html", login, guess())
            assert status == 401
            if i >= 5:
                times.append(seconds)
        time.sleep(0.25)  # 8 requests a second: under nginx's limit, which would delay them
    gap = abs(statistics.median(listed) - statistics.median(unlisted))
    assert gap < 0.005, (defaults.kind, statistics.median(listed), statistics.median(unlisted))


@pytest.mark.parametrize("defaults", ["nginx", "caddy"], indirect=True)
def test_wrong_logins_cost_the_server_little(defaults: Server):
    """Before: eight unlisted logins cost Caddy ~10 s of CPU, and each try of a listed login
    cost nginx ~0.06 s. Now 100 of each cost well under a second, together."""
    spent = cpu_seconds(defaults)
    for _ in range(100):
        assert timed(defaults, "/b/", f"{guess()[:8].lower()}@probe.example", guess())[0] == 401
        assert timed(defaults, "/b/", BO, guess())[0] in (401, 429)
    assert cpu_seconds(defaults) - spent < 1.0


@pytest.mark.parametrize("defaults", ["nginx"], indirect=True)
def test_nginx_slows_then_refuses_a_burst_of_wrong_logins_from_one_address(defaults: Server):
    """200 wrong passwords for a listed login, 50 at a time: half a minute's worth go
    through at once, as many more are delayed to 10 a second, the rest are refused (429)
    without a check of the hash."""
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(lambda _: timed(defaults, "/a/", MIA, guess()), range(200)))
    statuses = collections.Counter(status for status, _ in answers)
    assert set(statuses) == {401, 429} and statuses[429] >= 80, statuses
    slowest = max(seconds for status, seconds in answers if status == 401)
    assert slowest > 1, slowest  # the delayed ones
    assert statuses[401] <= 60 + 10 * (time.perf_counter() - began) + 10, statuses


def page_load(browser: Any, url: str, email: str) -> tuple[float, int]:
    """A first visit in a new browser profile: seconds until the load event (the login's
    challenge included), and how many requests the page made."""
    from tests.test_browser import DESKTOP

    context = browser.new_context(viewport=DESKTOP, http_credentials={
        "username": email, "password": PASSWORDS[email]})
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.status != 401 else None)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        entries = page.evaluate("performance.getEntriesByType('resource').length")
        seconds = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        assert failed == [], failed
        return seconds / 1000, entries + 1
    finally:
        context.close()


@pytest.mark.browser
def test_a_page_loads_as_fast_behind_nginx_as_behind_caddy(repo: Path, tmp_path: Path):
    """Before: nginx checked a cost-10 bcrypt hash on each of a page's requests and took
    2-4 times Caddy's time. Now a first visit of the Roadmap with its files (the default
    rate limit in place) takes at most 1.5 times Caddy's, medians of 7 interleaved visits."""
    if shutil.which("nginx") is None or shutil.which("caddy") is None:
        pytest.skip("needs both nginx and caddy")
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_browser import CHROMIUM_ARGS

    servers = {kind: start(kind, repo, tmp_path, options=(), name=f"{kind}-pages")
               for kind in ("nginx", "caddy")}
    times: dict[str, list[float]] = {kind: [] for kind in servers}
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for i in range(8):  # the first visit of each warms up the server and Chromium
                    for kind, server in servers.items():
                        url = f"http://127.0.0.1:{server.port}/a/latest/roadmap.html"
                        seconds, requests = page_load(browser, url, MIA)
                        assert requests >= 10, requests  # the page and its files
                        if i:
                            times[kind].append(seconds)
                    time.sleep(1.5)  # a reader's pace: within nginx's rate, never delayed
            finally:
                browser.close()
    finally:
        for server in servers.values():
            stop(server)
    nginx, caddy = (statistics.median(times[k]) for k in ("nginx", "caddy"))
    assert nginx <= 1.5 * caddy, (nginx, caddy, times)


# --- the same behind nginx, the sites built with Zensical -------------------------------------

@pytest.fixture(scope="module")
def zensical_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """nginx serving clients a and b and the agency's view built with Zensical, under the
    policies `milepost host` made from Zensical's own output."""
    from generator.site import zensical

    if not zensical.available():
        pytest.skip("Zensical is not installed (the `zensical` extra)")
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (apt-get install nginx); .ci/run installs it")
    repo = Path(tempfile.mkdtemp(prefix="milepost-hosting-zensical-"))
    try:
        for built in _hosting_repo(repo, "--engine", "zensical"):
            running = start("nginx", built, tmp_path_factory.mktemp("nginx-zensical"))
            try:
                yield running
            finally:
                stop(running)
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def zensical_search(page: Any, word: str) -> list[str]:
    """Zensical's search dialog (in a shadow root: Playwright's locators enter it)."""
    from tests.test_browser_zensical import zensical_search as search

    return search(page, word)


@pytest.mark.browser
def test_zensicals_search_and_version_selector_work_behind_the_login(zensical_server: Server):
    search_and_select_versions(zensical_server.port, zensical_search)


@pytest.mark.browser
def test_the_agency_finds_what_is_held_back_in_zensicals_copy(zensical_server: Server):
    base = f"http://127.0.0.1:{zensical_server.port}"
    with logged_in(DANA) as watched:
        page = watched.page
        page.goto(f"{base}/_agency/sites/a/latest/index.html")
        assert HELD_BACK in page.locator("#mp-held-back").inner_text()
        links = zensical_search(page, "zebracorn")
        assert any(link.endswith("index.html?h=zebracorn#mp-held-back") for link in links), links
        now, errors, failed = watched.problems()
        assert now == [] and errors == [] and failed == [], (now, errors, failed)
