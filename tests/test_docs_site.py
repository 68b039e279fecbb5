"""Milepost's own documentation, checked as a client's site is: it builds strict with no
MkDocs warning, every link and anchor inside it leads somewhere, nothing is fetched from
another host, and it opens from disk in Chromium, search included. And every docs address
Milepost's code can print (a message, a `--help` text, a scaffolded file's comment, a
pipeline's comment) names a page and an anchor the built docs have.

The links the code holds are read from its source: each `docs_url("page", "anchor")` and
`reference_line("verb")` whose words are written out (or bound once to a name in the same
function), and the one call whose words are not (each command's `--help`) worked out here for
every command.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.docs import BASE
from tests.test_safety import (
    LOADED,
    LOADING_LINK_RELS,
    MATERIAL_CONDITIONAL_LOADS,
    THIRD_PARTY_HOSTS,
)

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CONFIG = REPO / "docs" / "mkdocs.yml"
PACKAGE = REPO / "generator"
# The functions that make a docs address (generator/docs.py) and what each call links to.
LINKERS = {"docs_url": lambda page, anchor="": (page, anchor),
           "reference_line": lambda verb: ("reference/commands.html", verb)}
# The page a web server shows for an address that has none, at any depth: MkDocs writes its
# links from the root of the docs' host. A reader from disk never lands on it.
SERVED_ONLY = "404.html"
# Calls whose words are worked out when the code runs, each with the function it sits in:
# this test works out the same words (see code_links).
EVALUATED = {("generator/cli.py", "parser")}


# --- the built docs --------------------------------------------------------------------------

@dataclass
class Built:
    """The docs as `mkdocs build --strict` wrote them, and what it said."""

    site: Path
    log: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = tmp_path_factory.mktemp("docs-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Without --quiet: with it MkDocs drops its warnings before strict mode counts them.
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(CONFIG), "--site-dir", str(site)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(site, done.stdout + done.stderr)


@dataclass
class Page:
    """What one built page holds: its ids, the links a reader follows, and what a browser
    fetches by itself."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # inline scripts' text


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.in_script = False

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.page.ids.add(attrs[key])
        rels = set(attrs.get("rel", "").lower().split())
        for name, value in attrs.items():
            if (tag, name) in LOADED or (tag == "link" and name == "href"
                                         and rels & LOADING_LINK_RELS):
                self.page.fetched.append(value)
            elif name in ("href", "src"):
                self.page.links.append(value)
        self.in_script = tag == "script" and "src" not in attrs

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.page.scripts.append(data)


def read_page(path: Path) -> Page:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.page


@pytest.fixture(scope="module")
def pages(built: Built) -> dict[str, Page]:
    """Every built page, by its path in the site."""
    return {p.relative_to(built.site).as_posix(): read_page(p)
            for p in sorted(built.site.rglob("*.html"))}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def broken(site: Path, pages: dict[str, Page], rel: str, url: str) -> str | None:
    """Why a link of page `rel` leads nowhere from disk, or None when it leads somewhere."""
    parts = urlsplit(url)
    if url.startswith("/") and rel != SERVED_ONLY:
        return "starts at the root: from disk that is the root of the computer"
    folder = site if url.startswith("/") else (site / rel).parent
    target = folder / unquote(parts.path.lstrip("/")) if parts.path else site / rel
    target = target.resolve()
    if not target.is_relative_to(site.resolve()):
        return "leads outside the docs"
    if target.is_dir():
        return "names a folder: from disk a browser lists it instead of a page"
    if not target.is_file():
        return "no such file"
    page = pages.get(target.relative_to(site.resolve()).as_posix())
    if parts.fragment and page is not None and unquote(parts.fragment) not in page.ids:
        return f"no #{parts.fragment} on that page"
    return None


# --- the links the code holds ------------------------------------------------------------------

def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr \
        if isinstance(func, ast.Attribute) else ""


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef]:
    """Each node of a module and the top-level function it is in."""
    inside = {}
    for top in tree.body:
        if isinstance(top, ast.FunctionDef):
            for node in ast.walk(top):
                inside[node] = top
    return inside


def _strings_named(function: ast.FunctionDef | None) -> dict[str, str]:
    """The names a function binds once to a string, as in `fields = "reference/fields.html"`."""
    bound: dict[str, list[object]] = {}
    for node in ast.walk(function) if function else []:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    value = node.value.value if isinstance(node.value, ast.Constant) else None
                    bound.setdefault(target.id, []).append(value)
    return {name: values[0] for name, values in bound.items()
            if len(values) == 1 and isinstance(values[0], str)}


def _word(node: ast.expr, named: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return named.get(node.id) if isinstance(node, ast.Name) else None


def calls_in_source() -> Iterator[tuple[str, str, list[object] | None]]:
    """(file, function, words) of each call of a docs linker outside generator/docs.py;
    words is None when an argument is neither a string nor a name the function binds once
    to a string."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel == "generator/docs.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = _enclosing_functions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in LINKERS:
                function = inside.get(node)
                named = _strings_named(function)
                args = [*node.args, *(k.value for k in node.keywords)]
                words = [_word(a, named) for a in args]
                yield (rel, function.name if function else "",
                       None if None in words else [_called(node), *words])


def command_verbs() -> list[str]:
    from generator.cli import parser

    return list(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def code_links() -> set[tuple[str, str]]:
    """Every (page, anchor) the code can print: the calls with their words written out, and
    each command's `--help` (cli.parser gives every command its reference line)."""
    links = set()
    for _, _, words in calls_in_source():
        if words is not None:
            linker, *args = words
            links.add(LINKERS[str(linker)](*args))
    links |= {LINKERS["reference_line"](verb) for verb in command_verbs()}
    return links


def test_every_docs_link_in_the_code_is_written_out_or_evaluated_here():
    """A call whose page or anchor is computed is one this test cannot check: each is
    listed in EVALUATED, and this test works out its words itself."""
    computed = {(rel, function) for rel, function, words in calls_in_source() if words is None}
    assert computed == EVALUATED
    written = [words for _, _, words in calls_in_source() if words is not None]
    assert len(written) >= 15  # the collector finds the calls it is meant to


def test_no_code_names_the_docs_host_or_a_readme_section():
    """The base address is written once, in generator/docs.py; nothing points a user at the
    README (it is not installed with Milepost, and its sections moved to the docs)."""
    host = urlsplit(BASE).netloc
    pointer = re.compile(r"README\.md#|(see|in) the README|README: ")
    found = []
    for path in sorted([*PACKAGE.rglob("*.py"), *(REPO / "content").rglob("*")]):
        if not path.is_file() or path == PACKAGE / "docs.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(REPO).as_posix()
        found += [f"{rel}: names {host}" for _ in [1] if host in text]
        found += [f"{rel}: {m.group(0)!r}" for m in pointer.finditer(text)]
    assert found == []


# --- the tests of the built docs --------------------------------------------------------------

@pytest.mark.slow
def test_the_docs_build_without_a_warning(built: Built):
    warnings = [line for line in built.log.splitlines() if "WARNING" in line]
    assert warnings == []
    assert (built.site / "index.html").is_file()


@pytest.mark.slow
def test_every_link_and_anchor_inside_the_docs_leads_somewhere(built: Built,
                                                               pages: dict[str, Page]):
    assert len(pages) >= 18, sorted(pages)
    problems = [f"{rel}: {url}: {why}"
                for rel, page in pages.items()
                for url in page.links + page.fetched if is_local(url) and url
                for why in [broken(built.site, pages, rel, url)] if why]
    assert problems == []


@pytest.mark.slow
def test_the_docs_fetch_nothing_from_another_host(built: Built, pages: dict[str, Page]):
    """A page loads only the docs' own files: no fonts, styles or scripts from elsewhere,
    none written into a page, a style sheet or a script (Material's bundle may name its two
    conditional loads, which a page of the docs never triggers)."""
    found = [f"{rel}: fetches {url}" for rel, page in pages.items() for url in page.fetched
             if not is_local(url)]
    found += [f"{rel}: inline script names {m}" for rel, page in pages.items()
              for m in re.findall(r"https?://[^\s\"'`]+", " ".join(page.scripts))]
    for path in sorted([*built.site.rglob("*.css"), *built.site.rglob("*.js")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(built.site).as_posix()
        if path.suffix == ".css":
            found += [f"{rel}: {m}" for m in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)"
                                                        r"|@import[^;]*", text)]
        for host in THIRD_PARTY_HOSTS:
            found += [f"{rel}: {m}" for m in re.findall(rf"https?://{re.escape(host)}"
                                                        r"[^\s\"'`)]*", text)
                      if m not in MATERIAL_CONDITIONAL_LOADS]
    assert found == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_docs_open_from_disk_and_search_works_there(built: Built, pages: dict[str, Page]):
    """Each page opened as a file, as a reader who downloaded the docs would: Material starts,
    no error, no request outside the docs' folder; search finds pages from disk too."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_browser import CHROMIUM_ARGS, search

    home = built.site.resolve().as_uri() + "/"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            seen: list[str] = []  # on the page open now
            tab.on("request", lambda r: None if r.url.startswith(home)
                   else seen.append(f"request outside the docs: {r.url}"))
            tab.on("console", lambda m: seen.append(f"console: {m.text}")
                   if m.type == "error" else None)
            tab.on("pageerror", lambda e: seen.append(f"script error: {e}"))
            problems = []
            for rel in [*sorted(set(pages) - {SERVED_ONLY}), "index.html"]:
                seen.clear()
                tab.goto(home + rel, wait_until="load")
                tab.wait_for_function("() => typeof window.component$ !== 'undefined'",
                                      timeout=5_000)
                problems += [f"{rel}: {x}" for x in seen]
            assert problems == []
            results = search(tab, "milepost")  # on the home page, opened last
            assert results and all(r.startswith(home) for r in results), results
            assert seen == []
        finally:
            browser.close()


@pytest.mark.slow
def test_every_docs_link_the_code_can_print_exists(built: Built, pages: dict[str, Page]):
    links = code_links()
    # The fields reference, the commands reference (each command) and guide pages at least.
    assert {page for page, _ in links} >= {"reference/fields.html", "reference/commands.html",
                                            "guide/hosting.html"}
    missing = [f"{page}#{anchor}" if anchor else page for page, anchor in sorted(links)
               if page not in pages or (anchor and anchor not in pages[page].ids)]
    assert missing == []


@pytest.mark.slow
def test_the_link_checker_sees_what_is_broken(tmp_path: Path):
    """The checker of the built docs, on a tiny site with one of each fault."""
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text('<h2 id="top">x</h2>', encoding="utf-8")
    (tmp_path / "guide" / "a.html").write_text("", encoding="utf-8")
    pages = {"index.html": Page(ids={"top"}), "guide/a.html": Page()}
    verdicts = {url: broken(tmp_path, pages, "guide/a.html", url)
                for url in ("../index.html#top", "../index.html#gone", "../nowhere.html",
                            "/index.html", "../guide/", "../../outside.html", "#top")}
    served = broken(tmp_path, pages, SERVED_ONLY, "/guide/a.html")
    assert verdicts == {
        "../index.html#top": None,
        "../index.html#gone": "no #gone on that page",
        "../nowhere.html": "no such file",
        "/index.html": "starts at the root: from disk that is the root of the computer",
        "../guide/": "names a folder: from disk a browser lists it instead of a page",
        "../../outside.html": "leads outside the docs",
        "#top": "no #top on that page",
    }
    assert served is None
