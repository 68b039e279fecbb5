"""Built sites in a real browser: Debian's Chromium, driven by Playwright, over local HTTP.

Every page of an example client and of the hostile fixture is opened with nothing allowed
to leave the client's own folder on 127.0.0.1: no console error, no script error, no dialog
(hostile content calls alert() when it runs), the page readable and not covered. Search and
the roadmap timeline are checked on northwind; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import example_client, serve_folder

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright package (pip install "
    "playwright); its own browser downloads are not used")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# --- the sites, served --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, example_sites: Path,
        hostile_sites: Path) -> Path:
    """The example clients' sites and the hostile fixture's side by side, copied from
    conftest's builds into one folder to serve."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copytree(example_sites, folder, dirs_exist_ok=True)
    shutil.copytree(hostile_sites / "hostile", folder / "hostile")
    return folder


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[str]:
    """The output folder over HTTP on 127.0.0.1 (a free port), from a daemon thread."""
    with serve_folder(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def site_prefix(out: Path, slug: str) -> str:
    """The URL path of a client's home folder (its latest version, if sites are versioned)."""
    for rel in (f"{slug}/latest", slug):
        if (out / rel / "index.html").is_file():
            return f"/{rel}/"
    raise AssertionError(f"no index.html for {slug} in {out}")


def html_pages(out: Path, slug: str) -> list[str]:
    """Every HTML page of a client's site, relative to its home folder."""
    root = out / site_prefix(out, slug).strip("/")
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


# --- one visit ----------------------------------------------------------------------------------

@dataclass
class Visit:
    """Everything one page did while it was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request outside the site: {u}" for u in self.blocked]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"dialog opened: {m}" for m in self.dialogs]
                + [f"failed request: {m}" for m in self.failed])


def harmless_abort(url: str, failure: str, navigation: bool, server: str,
                   page_left: bool = False) -> bool:
    """A request Chromium itself gave up on, to our own server: the favicon it asks for on
    its own, a navigation that the next `goto` replaced, the search worker's fetch of its
    index when the page it served went away before the index came, or anything else the
    page the tab has just left still waited for (its worker's script, the sitemap), which
    Chromium cancels on leaving (net::ERR_ABORTED; a busy machine, or the suite on every
    core, is slow enough for that). Nothing the page asked another host for is ever
    harmless: those stay failures, and a file that is missing answers 404, not this."""
    same_origin = urlsplit(url)[:2] == urlsplit(server)[:2]
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    left_behind = (navigation or page_left or name.startswith("favicon.")
                   or name == "search_index.json")
    return same_origin and "ERR_ABORTED" in failure and left_behind


class Tab:
    """One browser context and page on one client's site. Only URLs under `server + prefix`
    load; anything else is recorded and aborted. Dialogs are recorded and dismissed. Each
    `open` starts a fresh Visit."""

    def __init__(self, browser, server: str, prefix: str,  # noqa: ANN001 (a Browser)
                 viewport: dict[str, int] = DESKTOP) -> None:
        self.server, self.prefix = server, prefix
        self.allowed = server + prefix
        self.visit = Visit("")
        self.left: list[str] = []  # what the page the tab last left asked for
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda req: self.visit.requests.append(req.url))
        self.page.on("requestfailed", self._failed)
        self.page.on("console", lambda msg: self.visit.console_errors.append(msg.text)
                     if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.visit.page_errors.append(str(exc)))
        self.page.on("dialog", self._dialog)

    def _route(self, route) -> None:  # noqa: ANN001 (a playwright Route)
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.visit.blocked.append(url)
            route.abort()

    def _failed(self, request) -> None:  # noqa: ANN001 (a playwright Request)
        if request.url in self.visit.blocked:
            return  # reported as a request outside the site
        # The page left: a request of the previous page that this one has not made (yet).
        page_left = request.url in self.left and request.url not in self.visit.requests
        if harmless_abort(request.url, request.failure or "", request.is_navigation_request(),
                          self.server, page_left):
            return
        self.visit.failed.append(f"{request.url} ({request.failure})")

    def _dialog(self, dialog) -> None:  # noqa: ANN001 (a playwright Dialog)
        self.visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, rel: str, material: bool = True) -> Visit:
        """Opens a page of the site; `material=False` for a file that is not a page."""
        self.left, self.visit = self.visit.requests, Visit(self.allowed + rel)
        self.page.goto(self.visit.url, wait_until="load")
        if not material:
            self.page.wait_for_timeout(100)
            return self.visit
        try:
            # Material's bundle is running once it has published its observables.
            self.page.wait_for_function("() => typeof window.component$ !== 'undefined'",
                                        timeout=3_000)
        except sync_api.TimeoutError:
            self.visit.page_errors.append("Material's JavaScript did not start")
        self.page.wait_for_timeout(100)  # late handlers (failed images, timers) get to run
        for request in self.visit.requests:
            if not request.startswith(self.allowed) and request not in self.visit.blocked:
                self.visit.blocked.append(request)
        return self.visit

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, server: str, out: Path) -> Iterator:  # noqa: ANN001
    """A desktop tab factory: tab(slug) -> Tab, closed after the test."""
    tabs: list[Tab] = []

    def make(slug: str, viewport: dict[str, int] = DESKTOP) -> Tab:
        tabs.append(Tab(browser, server, site_prefix(out, slug), viewport))
        return tabs[-1]

    yield make
    for t in tabs:
        t.close()


def check_pages(tab: Tab, slug: str, pages: list[str], hostile: bool) -> list[str]:
    problems = []
    for rel in pages:
        found = tab.open(rel).problems()
        if hostile:
            found += layout_problems(tab.page)
        problems += [f"{slug}/{rel}: {p}" for p in found]
    return problems


LAYOUT_CHECK = """() => {
  const problems = [];
  const body = document.body;
  const style = getComputedStyle(body);
  const rect = body.getBoundingClientRect();
  if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0'
      || rect.width === 0 || rect.height === 0) problems.push('document.body is not visible');
  const content = document.querySelector('.md-content');
  if (!content || content.getBoundingClientRect().height === 0
      || getComputedStyle(content).visibility === 'hidden') problems.push('no visible .md-content');
  const el = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  if (!el || !el.closest('.md-container, .md-header')) {
    problems.push('the centre of the page is not Material layout: '
                  + (el ? el.outerHTML.slice(0, 120) : 'nothing'));
  }
  const material = '.md-header, .md-sidebar, .md-search, .md-dialog, .md-top, .md-tooltip, .md-tooltip2';
  for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
    const position = getComputedStyle(node).position;
    if (position === 'fixed' && !node.closest(material)) {
      problems.push('the centre of the page is covered by a fixed element: '
                    + node.outerHTML.slice(0, 120));
    }
  }
  for (const node of document.querySelectorAll('.md-content *')) {
    if (getComputedStyle(node).position === 'fixed' && !node.closest(material))
      problems.push('fixed element in the content: ' + node.outerHTML.slice(0, 120));
  }
  return problems;
}"""


def layout_problems(page) -> list[str]:  # noqa: ANN001 (a playwright Page)
    return page.evaluate(LAYOUT_CHECK)


# --- every page -------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "failure", "navigation", "harmless"), [
    ("http://127.0.0.1:8123/favicon.ico", "net::ERR_ABORTED", False, True),
    ("http://127.0.0.1:8123/acme/assets/images/favicon.png", "net::ERR_ABORTED", False, True),
    ("http://127.0.0.1:8123/acme/roadmap.html", "net::ERR_ABORTED", True, True),
    ("http://127.0.0.1:8123/acme/assets/app.js", "net::ERR_ABORTED", False, False),
    ("http://127.0.0.1:8123/acme/search/search_index.json", "net::ERR_ABORTED", False, True),
    ("http://127.0.0.1:8123/acme/search/search_index.json", "net::ERR_FAILED", False, False),
    ("https://cdn.example/search/search_index.json", "net::ERR_ABORTED", False, False),
    ("http://127.0.0.1:8123/favicon.ico", "net::ERR_CONNECTION_RESET", False, False),
    ("http://127.0.0.1:9999/favicon.ico", "net::ERR_ABORTED", False, False),
    ("https://cdn.example/favicon.ico", "net::ERR_ABORTED", False, False),
    ("https://cdn.example/index.html", "net::ERR_ABORTED", True, False),
])
def test_only_aborted_favicons_navigations_and_search_indexes_on_our_server_are_ignored(
        url: str, failure: str, navigation: bool, harmless: bool) -> None:
    assert harmless_abort(url, failure, navigation, "http://127.0.0.1:8123") is harmless


@pytest.mark.parametrize(("url", "failure", "harmless"), [
    ("http://127.0.0.1:8123/acme/assets/javascripts/workers/search.js", "net::ERR_ABORTED", True),
    ("http://127.0.0.1:8123/acme/sitemap.xml", "net::ERR_ABORTED", True),
    ("http://127.0.0.1:8123/acme/assets/app.js", "net::ERR_FAILED", False),
    ("http://127.0.0.1:9999/acme/sitemap.xml", "net::ERR_ABORTED", False),
    ("https://cdn.example/app.js", "net::ERR_ABORTED", False),
])
def test_what_a_page_left_behind_is_ignored_only_if_chromium_gave_it_up_on_our_server(
        url: str, failure: str, harmless: bool) -> None:
    assert harmless_abort(url, failure, False, "http://127.0.0.1:8123", page_left=True) \
        is harmless


@pytest.mark.parametrize("slug", ["northwind", "hostile"])
def test_every_page_is_clean(tab, out: Path, slug: str) -> None:  # noqa: ANN001
    """No request leaves the client's folder on 127.0.0.1, no console or script error, no
    dialog; hostile pages are also visible and not covered."""
    pages = html_pages(out, slug)
    assert "index.html" in pages and len(pages) > 8, pages
    problems = check_pages(tab(slug), slug, pages, hostile=slug == "hostile")
    assert not problems, "\n".join(problems[:30])


def test_hostile_search_runs_no_script(tab) -> None:  # noqa: ANN001
    """Search results are rendered as HTML by Material: hostile titles and text in the index
    must still not run."""
    hostile = tab("hostile")
    visit = hostile.open("index.html")
    # Every hostile text carries "*emphasis*": nearly every section of the site matches.
    results = search(hostile.page, "emphasis")
    assert len(results) > 5, results
    hostile.page.wait_for_timeout(200)
    assert not visit.problems(), visit.problems()


def test_clean_svg_logo_is_shown(tab) -> None:  # noqa: ANN001
    """The hostile fixture's logo, an SVG as editors save it (metadata, gradient, style, reused
    symbol), passes the logo checks, is drawn in the header, and opened on its own does
    nothing but draw."""
    hostile = tab("hostile")
    visit = hostile.open("index.html")
    logo = hostile.page.locator(".md-header img").first
    assert logo.get_attribute("src") == "assets/logo.svg"
    assert logo.is_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 48
    assert not visit.problems(), visit.problems()
    visit = hostile.open("assets/logo.svg", material=False)
    assert hostile.page.evaluate("() => document.documentElement.localName") == "svg"
    assert not visit.problems(), visit.problems()


# --- northwind --------------------------------------------------------------------------------

@pytest.mark.parametrize(("viewport", "shown"), [(DESKTOP, "wide"), (PHONE, "narrow")])
def test_timeline_is_visible(tab, viewport: dict[str, int], shown: str) -> None:  # noqa: ANN001
    """One of the two drawings is shown: the wide one on a desktop, the narrow one on a
    phone, as wide as the page's text."""
    northwind = tab("northwind", viewport)
    visit = northwind.open("roadmap.html")
    drawings = northwind.page.locator("svg.mp-timeline")
    assert drawings.count() == 2
    timeline = northwind.page.locator(f"svg.mp-timeline-{shown}")
    assert timeline.is_visible() and sum(d.is_visible() for d in drawings.all()) == 1
    box = timeline.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 50, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert not visit.problems(), visit.problems()


def search(page, word: str) -> list[str]:  # noqa: ANN001 (a playwright Page)
    """Material's search, as a reader uses it: '/' opens it, then type. Result link hrefs,
    once the results are those of the whole word (not of the first letters typed)."""
    box = page.locator("input.md-search__input")
    page.keyboard.press("/")
    if not box.is_visible():
        page.locator("label.md-header__button[for='__search']").click()
    box.fill(word)
    box.press("End")  # Material listens to key events, not only to input
    page.wait_for_function("""word => {
        const links = [...document.querySelectorAll('.md-search-result__item a')];
        const hs = links.map(a => new URL(a.href, location.href).searchParams.get('h'));
        return links.length > 0 && hs.every(h => !h || h === word);
    }""", arg=word, timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item a",
                                     "links => links.map(a => a.getAttribute('href'))")


def distinctive_context_word() -> tuple[str, str]:
    """A word of one public northwind decision's context that appears nowhere else in
    northwind's files (so only that page can match it), and that decision's ID."""
    folder = example_client("northwind")
    everything = " ".join(p.read_text("utf-8") for p in folder.rglob("*.yml")).lower()
    counts: dict[str, int] = {}
    for word in re.findall(r"[a-z]+", everything):
        counts[word] = counts.get(word, 0) + 1
    for path in sorted((folder / "decisions").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if data.get("internal") or not data.get("context"):
            continue
        words = sorted(set(re.findall(r"\b[a-z]{7,}\b", data["context"].lower())))
        for word in words:
            # Once in all of northwind, and no other word shares its stem (lunr stems).
            if counts[word] == 1 and everything.count(word[:6]) == 1:
                return word, data["id"]
    raise AssertionError("no distinctive word in northwind's decision contexts")


def test_search_finds_a_decision_by_its_context(tab) -> None:  # noqa: ANN001
    word, decision = distinctive_context_word()
    northwind = tab("northwind")
    visit = northwind.open("index.html")
    links = search(northwind.page, word)
    pages = {urlsplit(link).path.rsplit("/", 1)[-1] for link in links}
    assert f"{decision.lower()}.html" in pages, (word, links)
    assert not visit.problems(), visit.problems()


# Text that runs together in a search snippet: a health card's label and badge
# ('OverallAmber'), a date's number and the next label ('Sep 26Oct 26', '2026M1').
RUN_TOGETHER = re.compile(r"\b(?:Overall|Schedule|Budget|Scope) ?(?:Green|Amber|Red)\b|\d[A-Z]")


def drawings_and_cards(page_html: str) -> list[str]:
    """What a page draws (each SVG's description, and its labels two by two, as they ran
    together) and what its health cards say (label and badge): none of it is for search."""
    texts = []
    for svg in re.findall(r"<svg\b.*?</svg>", page_html, re.S):
        texts += [html.unescape(d) for d in re.findall(r"<desc[^>]*>(.*?)</desc>", svg, re.S)]
        labels = [html.unescape(re.sub(r"<title>.*?</title>", "", x, flags=re.S)).strip()
                  for x in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
        texts += [a + b for a, b in zip(labels, labels[1:], strict=False) if a and b]
    for card in re.findall(r'<div class="mp-health-item">(.*?)</div>', page_html, re.S):
        texts.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split()))
    return texts


@pytest.mark.parametrize("slug", ["alder-and-finch", "harbor-health", "northwind"])
def test_search_leaves_out_drawings_and_badges(out: Path, slug: str) -> None:
    """Search reads each page as a reader does: no timeline, no badge, no health card, and
    a table row as sentences under its headings. (Before: 'Roadmap timeline of …', 'Sep
    26Oct 26…', 'OverallAmber: Needs attention ScheduleAmber…' in the snippets.)"""
    root = out / site_prefix(out, slug).strip("/")
    docs = json.loads((root / "search" / "search_index.json").read_text("utf-8"))["docs"]
    index = " ".join(html.unescape(d["text"]) for d in docs)
    left_out = {t for rel in html_pages(out, slug)
                for t in drawings_and_cards((root / rel).read_text("utf-8"))}
    assert any("Overall" in t for t in left_out) and any(len(t) > 40 for t in left_out)
    assert [t for t in left_out if t in index] == []
    assert RUN_TOGETHER.findall(index) == []
    roadmap = [d["text"] for d in docs if d["location"].startswith("roadmap.html#")]
    assert any(re.search(r"<p>Milestone: M\d+ [^<]+\. Planned: \d+", t) for t in roadmap), roadmap


def test_a_search_result_reads_as_sentences(tab) -> None:  # noqa: ANN001
    """Searching a word of a sign-off's notes shows the note as written, under its heading,
    and no snippet runs labels and values together."""
    northwind = tab("northwind")
    visit = northwind.open("index.html")
    search(northwind.page, "photos")
    snippets = northwind.page.eval_on_selector_all(
        ".md-search-result__article", "all => all.map(a => a.textContent)")
    assert any("Notes: Product photos look too dark on the homepage; use the lighter shots "
               "from the spring shoot." in " ".join(s.split()) for s in snippets), snippets
    assert [s for s in snippets if RUN_TOGETHER.search(s)] == []
    assert not visit.problems(), visit.problems()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_overview_screenshot(tab, name: str, viewport: dict[str, int]) -> None:  # noqa: ANN001
    northwind = tab("northwind", viewport)
    visit = northwind.open("index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"northwind-overview-{name}.png"
    northwind.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    width = northwind.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways at {viewport}: {width}px"
    assert not visit.problems(), visit.problems()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_health_badges_fit_their_cards(tab, name: str,  # noqa: ANN001
                                       viewport: dict[str, int]) -> None:
    northwind = tab("northwind", viewport)
    northwind.open("index.html")
    spills = northwind.page.evaluate("""() =>
        [...document.querySelectorAll('.mp-health-item')].flatMap(card => {
          const box = card.getBoundingClientRect();
          return [...card.querySelectorAll('.mp-badge')]
            .filter(b => b.getBoundingClientRect().right > box.right + 0.5)
            .map(b => `${b.textContent}: ${Math.round(b.getBoundingClientRect().right
                                                      - box.right)} px past its card`);
        })""")
    assert not spills, spills


CELLS_OUT_OF_VIEW = """() =>
    [...document.querySelectorAll('.md-content table')].flatMap(table => {
      const view = (table.closest('.md-typeset__scrollwrap') || table).getBoundingClientRect();
      const right = Math.min(view.right, window.innerWidth) + 0.5;
      return [...table.querySelectorAll('th, td')]
        .filter(cell => cell.getBoundingClientRect().right > right)
        .map(cell => `${cell.textContent.trim() || '(empty)'}: ${Math.round(
          cell.getBoundingClientRect().right - right)} px out of view`);
    })"""


def test_waiting_on_you_fits_a_phone(tab) -> None:  # noqa: ANN001
    """At 390 px every column of Waiting on you is in view, the status column above all:
    nothing the client must act on is hidden behind a sideways scroll."""
    northwind = tab("northwind", PHONE)
    visit = northwind.open("waiting.html")
    ARTIFACTS.mkdir(exist_ok=True)
    northwind.page.screenshot(path=str(ARTIFACTS / "northwind-waiting-phone.png"),
                              full_page=True)
    statuses = northwind.page.locator("table .mp-badge")
    assert statuses.count() >= 5
    assert northwind.page.evaluate(CELLS_OUT_OF_VIEW) == []
    assert not visit.problems(), visit.problems()


def test_every_timeline_mark_is_labelled(tab) -> None:  # noqa: ANN001
    """Each mark of the timeline (milestones, the client's tasks, the legend) has a <title>:
    a tooltip on hover, and a name for what it is."""
    northwind = tab("northwind")
    northwind.open("roadmap.html")
    unlabelled = northwind.page.evaluate("""() =>
        [...document.querySelectorAll('svg.mp-timeline polygon')]
          .filter(mark => !(mark.querySelector('title')?.textContent || '').trim())
          .map(mark => mark.outerHTML.slice(0, 100))""")
    assert unlabelled == []
    task = northwind.page.locator("svg.mp-timeline polygon.mp-tl-task-overdue title").first
    assert task.text_content().startswith(
        "Your task T4: Sign the merchant contract with the new payment provider, due 13 "
        "November 2026")


# --- glossary tooltips --------------------------------------------------------------------------

# Records, inside the page, every Material tooltip as it is added: its text and any element
# inside it (a tooltip's content is inserted as HTML: an element there is markup from data).
WATCH_TOOLTIPS = """() => {
  window.__tooltips = [];
  new MutationObserver(records => {
    for (const record of records) for (const node of record.addedNodes) {
      if (!(node instanceof Element)) continue;
      const tips = node.matches('.md-tooltip2') ? [node] : [...node.querySelectorAll('.md-tooltip2')];
      for (const tip of tips) {
        const inner = tip.querySelector('.md-tooltip2__inner') || tip;
        window.__tooltips.push({id: tip.id, text: inner.textContent,
          elements: [...inner.querySelectorAll('*')].map(e => e.outerHTML.slice(0, 120))});
      }
      if (node.closest('.md-tooltip2') && !node.matches('.md-tooltip2, .md-tooltip2__inner'))
        window.__tooltips.push({id: '', text: '', elements: [node.outerHTML.slice(0, 120)]});
    }
  }).observe(document.body, {childList: true, subtree: true});
  return document.querySelectorAll('abbr[title]').length;
}"""

# One step of hovering: waits (a few frames at most) for the tooltip of abbreviation
# `shown`, then brings abbreviation `next` into view. Returns whether the tooltip showed and
# the centre of `next`, or null if a reader could not point at it (hidden or covered).
HOVER_STEP = """async ([shown, next]) => {
  const all = document.querySelectorAll('abbr');
  let showed = true;
  if (shown >= 0) {
    const has = () => {
      const id = all[shown].getAttribute('aria-describedby');
      return !!id && window.__tooltips.some(t => t.id === id);
    };
    for (let frame = 0; frame < 120 && !has(); frame++)
      await new Promise(requestAnimationFrame);
    showed = has();
  }
  if (next < 0) return {showed, centre: null};
  const centre = () => {
    const box = all[next].getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = box.width && box.height ? document.elementFromPoint(x, y) : null;
    return hit && all[next].contains(hit) ? {x, y} : null;
  };
  let found = centre();
  if (!found) {  // in a table that scrolls sideways, say
    all[next].scrollIntoView({block: 'center', inline: 'center'});
    found = centre();
  }
  return {showed, centre: found};
}"""


def glossary_tooltips() -> dict[str, set[str]]:
    """What each abbreviation of the hostile fixture should show on hover: its meaning as
    text, with '<' and '>' as look-alikes (from the glossary, and from abbreviations a
    Markdown field defines for itself)."""
    def shown(meaning: str) -> str:
        # Entity text reads as the character, as it does in any Markdown text.
        return html.unescape(" ".join(meaning.split()).replace("<", "‹").replace(">", "›"))

    folder = FIXTURES / "hostile"
    expected: dict[str, set[str]] = {}
    client = yaml.safe_load((folder / "client.yml").read_text("utf-8"))
    for term, meaning in client["glossary"].items():
        expected.setdefault(term, set()).add(shown(meaning))
    for path in folder.rglob("*.yml"):
        for term, meaning in re.findall(r"^\s*\*\[([^\]\\]+)\]:[ ]*(.+)$",
                                        path.read_text("utf-8"), re.M):
            expected.setdefault(term, set()).add(shown(meaning))
    return expected


def hover_again(page, i: int, tries: int = 3) -> bool:  # noqa: ANN001 (a playwright Page)
    """Hovers abbreviation `i` once more, after every tooltip has closed: the one before may
    have opened over it, and a tooltip the mouse is on stays open. A few tries: on a loaded
    machine the tooltip can take longer than the frames one try waits."""
    for _ in range(tries):
        page.mouse.move(0, 0)
        page.wait_for_function("() => !document.querySelector('.md-tooltip2--active')",
                               timeout=5_000)
        centre = page.evaluate(HOVER_STEP, [-1, i])["centre"]
        if centre is None:
            return False
        page.mouse.move(centre["x"], centre["y"])
        if page.evaluate(HOVER_STEP, [i, -1])["showed"]:
            return True
    return False


def template_of(rel: str) -> str:
    """The kind of page `rel` is: one decision's page, or one month of updates, stands for
    every page made from the same template."""
    rel = re.sub(r"^decisions/(?!index\.html$)[^/]+\.html$", "decisions/*.html", rel)
    return re.sub(r"^updates/\d{4}-\d{2}\.html$", "updates/*.html", rel)


Tooltip = tuple[str, str, str]  # (the kind of page, the abbreviation, its title)


def hover_every_abbreviation(tab: Tab, kind: str, seen: set[Tooltip]
                             ) -> tuple[int, set[Tooltip], list[str]]:
    """Points the mouse at each abbreviation of the open page whose tooltip (its term and
    title) has not been pointed at on this kind of page yet, one after the other, and waits
    each time for Material's tooltip; adds what it pointed at to `seen`. Returns how many
    were hovered, the page's tooltips, and what went wrong: a tooltip that did not show,
    markup inside a tooltip, a tooltip that does not show a meaning as written."""
    page, problems = tab.page, []
    found = page.eval_on_selector_all(
        "abbr", "all => all.map(a => [a.textContent, a.getAttribute('title') || ''])")
    assert page.evaluate(WATCH_TOOLTIPS) == len(found), "an <abbr> without a title"
    tooltips = [(kind, term, title) for term, title in found]
    # A window as tall as the page: most abbreviations can be pointed at without scrolling.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": DESKTOP["width"], "height": min(height, 16_000)})
    hovered, last = 0, -1
    for i in [*range(len(found)), None]:
        if i is not None and tooltips[i] in seen:
            continue
        step = page.evaluate(HOVER_STEP, [last, i if i is not None else -1])
        if last >= 0 and not step["showed"]:
            if not hover_again(page, last):
                problems.append(f"no tooltip on hovering {found[last][0]!r} (abbreviation {last})")
            step = page.evaluate(HOVER_STEP, [-1, i if i is not None else -1])
        last = -1
        if i is None:
            break
        if step["centre"] is None:  # hidden or covered here: another of its kind may do
            continue
        page.mouse.move(step["centre"]["x"], step["centre"]["y"])
        seen.add(tooltips[i])
        hovered, last = hovered + 1, i
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # the last tooltip closes; late image errors get to fire
    page.set_viewport_size(DESKTOP)
    every = set().union(*glossary_tooltips().values())
    content = []
    for tip in page.evaluate("() => window.__tooltips"):
        if tip["elements"]:
            content.append(f"markup inside a tooltip: {tip['elements'][:3]}")
        elif tip["text"] not in every:
            content.append(f"tooltip shows {tip['text'][:120]!r}, not a meaning as written")
    return hovered, set(tooltips), content + problems


def test_every_glossary_tooltip_is_inert(tab, out: Path) -> None:  # noqa: ANN001
    """Material's tooltips insert an abbreviation's title as HTML. On every page of the
    hostile fixture, hover each abbreviation whose term and meaning were not hovered yet on
    a page of the same kind (one decision's page stands for all): no dialog, no console or
    script error, no request outside the site, no element inside any tooltip, the meaning
    shown as text, and every distinct tooltip of every kind of page pointed at.
    (Before the fix: hovering any glossary term ran the <img onerror> of its meaning.)"""
    hostile = tab("hostile")
    problems: list[str] = []
    seen: set[Tooltip] = set()
    present: set[Tooltip] = set()
    for rel in html_pages(out, "hostile"):
        visit = hostile.open(rel)
        _, on_page, found = hover_every_abbreviation(hostile, template_of(rel), seen)
        present |= on_page
        problems += [f"{rel}: {p}" for p in visit.problems() + found]
    missed = sorted(present - seen)
    problems += [f"{kind}: no reader can point at {term!r} ({title[:40]!r}…)"
                 for kind, term, title in missed]
    assert not problems, "\n".join(problems[:30])
    # Each kind of page (a dozen) shows at least the five terms every payload holds.
    terms = {kind: {term for k, term, _ in seen if k == kind} for kind, _, _ in seen}
    assert len(terms) >= 10 and all(len(x) >= 5 for x in terms.values()), terms
