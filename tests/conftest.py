"""Shared fixtures: a tiny projects folder built from a dict, the real CLI, git, and the
guard that keeps the fast tier fast.

`VALID_TEXT` is one complete, valid client ("acme") written as exact YAML text, so tests
that replace one file know every line number of the others. `valid_data()` gives the same
client as Python objects to mutate; `make_project` writes either kind.

Tests come in two tiers. A test that starts a process (the real CLI, git, a web server, a
browser), runs MkDocs or opens a server socket is marked `slow`; every other test is the
fast tier, `make test-fast` (`pytest -m "not slow"`), which runs in seconds. The guard below
fails any unmarked test that does one of those, so the tiers stay what they say.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import http.server
import multiprocessing.process
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
# The example clients have one copy, in the repository's projects/ (where `make site` builds
# them and each file's schema comment points at schemas/). Tests reach them only through
# `example_client` and the `examples` fixture below, by these names and never the folder as
# a whole: an agency's own clients beside them, valid or not, change nothing `make test`
# checks (checking those is `milepost validate`'s job).
PROJECTS = REPO / "projects"
EXAMPLE_CLIENTS = ("alder-and-finch", "harbor-health", "northwind")

AS_OF = "2026-06-01"
TODAY = date.fromisoformat(AS_OF)

VALID_TEXT: dict[str, str] = {
    "client.yml": """\
name: Acme & Co
project: Website relaunch
start: 2026-01-05
end: 2026-12-18
summary: A new website for Acme.
team:
  - name: Pat Lee
    side: team
    role: Project manager
    email: pat@agency.example
  - name: Cleo Client
    side: client
    role: Marketing lead
    lead: true
communication:
  - channel: Weekly status call
    when: Mondays 10:00
budget:
  currency: EUR
  total: 48000
  spent: 12000
  as_of: 2026-03-01
glossary:
  CMS: Content management system
""",
    "roadmap.yml": """\
milestones:
  - id: M1
    title: Discovery
    phase: Planning
    planned: 2026-02-02
    done: 2026-02-04
    deliverables:
      - id: D1
        title: Project plan
        signoff: true
  - id: M2
    title: Design
    phase: Build
    planned: 2026-04-01
    forecast: 2026-04-10
    depends_on: [M1]
    deliverables:
      - id: D2
        title: Visual design
        signoff: true
      - id: D3
        title: Style guide
client_tasks:
  - id: T1
    title: Send brand assets
    owner: Cleo Client
    due: 2026-03-01
    blocks: [M2]
""",
    "decisions/DR-001.yml": """\
id: DR-001
title: Use a headless CMS
status: accepted
date: 2026-01-20
deciders: [Cleo Client, Pat Lee]
context: We need editors to publish without developers.
options:
  - name: Headless CMS
    pros: [Flexible]
  - name: Static pages
    cons: [Editors need developers]
decision: Headless CMS.
related: [M2]
""",
    "signoffs.yml": """\
- deliverable: D1
  version: "1.0"
  date: 2026-02-04
  by: Cleo Client
  outcome: approved
  via: email
""",
    "changes.yml": """\
- id: CR-1
  title: Add a blog
  requested_by: Cleo Client
  date: 2026-02-10
  status: approved
  decided: 2026-02-12
  estimate: {days: 5, cost: 4000}
  schedule_impact_days: 3
  related: [M2]
""",
    "risks.yml": """\
- id: R1
  title: Content arrives late
  likelihood: medium
  impact: high
  owner: Pat Lee
  status: open
  mitigation: Agree dates for each page.
""",
    "updates/2026-03-02.yml": """\
date: 2026-03-02
overall: green
schedule: amber
summary: Design is under way.
done: [Discovery signed off]
next: [Design review]
""",
}


def valid_files(**overrides: Any) -> dict[str, Any]:
    """The valid client's files as text; `overrides` replace files (None removes one).

    File names with '/' cannot be keyword arguments: pass them through `files_with`.
    """
    return files_with(overrides)


def files_with(overrides: dict[str, Any]) -> dict[str, Any]:
    files: dict[str, Any] = dict(VALID_TEXT)
    for name, content in overrides.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_VALID_DATA = {name: yaml.load(text, Loader=_SAFE_LOADER) for name, text in VALID_TEXT.items()}


def valid_data() -> dict[str, Any]:
    """The valid client's files as Python objects (a fresh deep copy each call)."""
    return copy.deepcopy(_VALID_DATA)


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """safe_dump, but shared objects are written out in full (Milepost refuses aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


def write_client(folder: Path, files: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_text(dump(content), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """make_project({slug: {relative_file_name: text | bytes | object | None}}) -> projects/.

    Strings and bytes are written as-is (exact YAML text and line numbers); other objects
    are dumped with yaml.safe_dump(sort_keys=False), without aliases; None skips the file.
    Calling it twice adds to the same folder.
    """

    def make(clients: dict[str, dict[str, Any]]) -> Path:
        root = tmp_path / "projects"
        root.mkdir(exist_ok=True)
        for slug, files in clients.items():
            write_client(root / slug, files)
        return root

    return make


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run `milepost ARGS` in-process with the working folder at tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        from generator.cli import main

        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def run_subprocess(tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """Run `python -m generator ARGS` as a real process with cwd=tmp_path."""

    def run(*args: str) -> tuple[int, str, str]:
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout, proc.stderr

    return run


# --- the example clients ----------------------------------------------------------------------

def example_client(slug: str, projects: Path = PROJECTS) -> Path:
    """One example client's folder in projects/, read in place: tests never write into it."""
    if slug not in EXAMPLE_CLIENTS:
        raise ValueError(f"{slug!r} is not one of the example clients {EXAMPLE_CLIENTS}")
    return projects / slug


def copy_examples(target: Path, projects: Path = PROJECTS) -> Path:
    """A projects folder at `target` holding the example clients and nothing else, for a test
    that takes a whole projects folder (a build of every client, the agency's view)."""
    for slug in EXAMPLE_CLIENTS:
        shutil.copytree(example_client(slug, projects), target / slug)
    return target


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example clients as a projects folder of their own (one copy for the session: tests
    only read it; one that changes a client copies that client to its own tmp_path)."""
    return copy_examples(tmp_path_factory.mktemp("examples"))


# --- the example clients' sites, built once -----------------------------------------------------

# The day the example clients were written for: their built pages are checked as of it.
EXAMPLES_DAY = "2026-11-23"


def build_sites(projects: Path, out: Path, *args: str) -> Path:
    """`milepost build` of a projects folder into `out`, as a real process, on EXAMPLES_DAY."""
    done = milepost(REPO, "build", "--projects", str(projects), "--out", str(out),
                    "--as-of", EXAMPLES_DAY, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


# One build of each for the whole run, shared by every test that reads it (the pages'
# wording, the agency's figures, safety scans, the browser): those tests never change it.

@pytest.fixture(scope="session")
def example_sites(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Path:
    """The example clients' sites, built without the agency's view."""
    return build_sites(examples, tmp_path_factory.mktemp("example-sites"))


@pytest.fixture(scope="session")
def example_sites_with_agency(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Path:
    """The example clients' sites and the agency's view beside them (`_agency/`)."""
    return build_sites(examples, tmp_path_factory.mktemp("agency-sites"), "--agency")


@pytest.fixture(scope="session")
def hostile_sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture's site (tests/fixtures/hostile: every text field an attack)."""
    return build_sites(REPO / "tests" / "fixtures", tmp_path_factory.mktemp("hostile-sites"),
                       "--client", "hostile")


# --- helpers several test files use -------------------------------------------------------------

def milepost(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m generator ARGS` as a real process in `cwd`, as a user or CI runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("MILEPOST_ACCESS", None)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)


def git(repo: Path, *args: str, day: str | None = None) -> str:
    """Run git in `repo` as a PM would, committing on `day` (YYYY-MM-DD) when given."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "PM", "GIT_AUTHOR_EMAIL": "pm@agency.example",
           "GIT_COMMITTER_NAME": "PM", "GIT_COMMITTER_EMAIL": "pm@agency.example"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    """A TCP port nobody listens on right now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every entry below `folder`, hidden ones included: files by content, folders by name."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/"
            for p in sorted(folder.rglob("*"))}


class _ArticleText(HTMLParser):
    """The text inside a page's <article>, entities decoded."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "article":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def article_text(path: Path) -> str:
    """The visible text of a built page's article (what the client reads), whitespace folded."""
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


class _TableRows(HTMLParser):
    """Table rows as the text of each cell (whitespace folded): of the page's first table,
    or, with `anchor`, of every table after the h2 with that id, up to the next h2."""

    def __init__(self, anchor: str | None) -> None:
        super().__init__()
        self.anchor, self.on = anchor, anchor is None
        self.tables = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "h2" and self.anchor is not None:
            self.on = dict(attrs).get("id") == self.anchor
        elif tag == "table":
            self.tables += 1
        elif self.on and (self.anchor is not None or self.tables == 1):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(page: Path, anchor: str | None = None) -> list[list[str]]:
    """A built page's table as rows of cell texts, heading row first: the page's first
    table, or every table of the section whose h2 has the id `anchor`."""
    parser = _TableRows(anchor)
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.rows


# --- the fast tier stays fast ---------------------------------------------------------------

def _refuse(what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"this test {what}: mark it @pytest.mark.slow (the fast tier "
                             "starts no process, runs no MkDocs and opens no server)")
    return refuse


def _forbid_slow_things(patch: pytest.MonkeyPatch) -> None:
    """Make starting a process, building with MkDocs or listening on a socket fail."""
    import mkdocs.commands.build

    patch.setattr(subprocess.Popen, "__init__", _refuse("starts a process"))
    patch.setattr(multiprocessing.process.BaseProcess, "start",
                  _refuse("starts a worker process"))
    patch.setattr(mkdocs.commands.build, "build", _refuse("builds with MkDocs"))
    patch.setattr(socket.socket, "bind", _refuse("opens a server socket"))


def _fast_run(config: pytest.Config) -> bool:
    return config.getoption("markexpr", "").replace(" ", "") == "notslow"


@pytest.fixture(autouse=True)
def _fast_tier_guard(request: pytest.FixtureRequest) -> Any:
    """Every test not marked slow is held to the fast tier's rules, in every run."""
    if request.node.get_closest_marker("slow"):
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        _forbid_slow_things(patch)
        yield


def _starts_workers(config: pytest.Config) -> bool:
    """This process hands the tests to pytest-xdist's workers (`-n`) and runs none itself:
    it must be free to start them; each worker holds its own tests to the rules."""
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", 0))


def pytest_sessionstart(session: pytest.Session) -> None:
    """In a fast run, also before fixtures wider than one test (a module's built site)."""
    if _fast_run(session.config) and not _starts_workers(session.config):
        session.config._fast_patch = pytest.MonkeyPatch()  # type: ignore[attr-defined]
        _forbid_slow_things(session.config._fast_patch)  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session) -> None:
    patch = getattr(session.config, "_fast_patch", None)
    if patch is not None:
        patch.undo()


@pytest.fixture
def readable_tmp() -> Iterator[Path]:
    """A temporary folder a web server's unprivileged workers can read (nginx started as root
    reads as another user): outside pytest's own, which only its owner may enter."""
    folder = Path(tempfile.mkdtemp(prefix="milepost-served-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Files of a folder, without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """A folder over HTTP on 127.0.0.1 (a free port), from a daemon thread: Material's search
    needs http, not file:. The browser tests' servers are all this one; `handler` may add
    headers (a subclass of QuietHandler)."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session", autouse=True)
def _engine_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Zensical's cache (kept per client between builds) goes to this run's temporary folder,
    never to the user's cache folder; processes the tests start inherit it."""
    saved = os.environ.get("MILEPOST_CACHE")
    os.environ["MILEPOST_CACHE"] = str(tmp_path_factory.mktemp("engine-cache"))
    yield
    if saved is None:
        os.environ.pop("MILEPOST_CACHE", None)
    else:
        os.environ["MILEPOST_CACHE"] = saved
