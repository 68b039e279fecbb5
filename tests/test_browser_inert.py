"""What Material inserts as HTML, in a real browser (Debian's Chromium through Playwright).

Material shows the text of an element cut short by an ellipsis (the site name and the page
title in the header, a label of the navigation or of the table of contents) as a tooltip,
by inserting that text, as the browser decoded it, as HTML; it inserts the version titles of
versions.json as HTML too. The hostile fixture, released as two versions (each with a hostile
release note) and built with `--versions --agency`, is opened page by page: the client's
latest pages, an earlier version's, the agency's own pages and the agency's copy of the
client's site. On each, the mouse points at the header's logo and titles and at every label
of the navigation and of the table of contents, and waits for each tooltip Material gives.
Nothing may run (the payload sets window.__pwned, or calls alert), nothing may navigate (a
<meta http-equiv="refresh"> to another host), no tooltip may hold an element, and every
tooltip reads as the text it explains.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import git, milepost, serve_folder
from tests.test_browser import (  # noqa: F401 (browser is a fixture)
    DESKTOP,
    FIXTURES,
    Tab,
    browser,
    sync_api,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = "2026-11-23"
# Release notes short enough to show whole in the version menu.
NOTES = ("<img src=x onerror=__pwned=1> R&D", "<meta http-equiv=refresh content=0;url=//x>")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture in a git repository, released as v1 and v2 on one day (each with
    a hostile note), then built with every version and the agency's view."""
    repo = tmp_path_factory.mktemp("inert")
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURES / "hostile", repo / "projects" / "hostile")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan", day="2026-11-02")
    git(repo, "tag", "-a", "hostile/v1", "-m", NOTES[0], day="2026-11-02")
    roadmap = repo / "projects" / "hostile" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text("utf-8") + "\n", encoding="utf-8")
    git(repo, "commit", "-qam", "Later", day="2026-11-02")
    git(repo, "tag", "-a", "hostile/v2", "-m", NOTES[1], day="2026-11-02")
    done = milepost(repo, "build", "--versions", "--agency", "--out", "site", "--as-of", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "site"


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[str]:
    with serve_folder(out) as url:
        yield url


# Records every Material tooltip as it is added (the header's, `.md-tooltip`, and the
# others, `.md-tooltip2`): its text and any element inside it.
WATCH = """() => {
  window.__tips = [];
  const record = tip => {
    const inner = tip.querySelector('.md-tooltip__inner, .md-tooltip2__inner') || tip;
    window.__tips.push({text: inner.textContent,
      elements: [...inner.querySelectorAll('*')].map(e => e.outerHTML.slice(0, 120))});
  };
  new MutationObserver(records => {
    for (const r of records) for (const node of r.addedNodes) {
      if (!(node instanceof Element)) continue;
      if (node.matches('.md-tooltip, .md-tooltip2')) record(node);
      else node.querySelectorAll('.md-tooltip, .md-tooltip2').forEach(record);
    }
  }).observe(document.body, {childList: true, subtree: true});
}"""

# What a reader can point at that Material may give a tooltip: the header's logo and titles,
# every label of the navigation and of the table of contents.
TARGETS = """() => {
  const hosts = [...document.querySelectorAll(
      '.md-header .md-logo, .md-header__topic .md-ellipsis, '
      + '.md-sidebar .md-nav__link')];
  window.__targets = hosts;
  return hosts.length;
}"""

# Brings target `i` into view (the header's page title shows once the page is scrolled);
# returns its centre and the text it shows, or null when no reader could point at it.
AIM = """(i) => {
  const el = window.__targets[i];
  const topic = el.closest('.md-header__topic');
  if (topic) {
    const second = topic.matches('[data-md-component="header-topic"]');
    window.scrollTo(0, second ? 600 : 0);
  } else if (el.closest('.md-sidebar')) {
    el.scrollIntoView({block: 'center'});
  }
  const box = el.getBoundingClientRect();
  const x = box.left + Math.min(box.width / 2, 40), y = box.top + box.height / 2;
  const hit = box.width && box.height ? document.elementFromPoint(x, y) : null;
  if (!hit || !(el.contains(hit) || hit.contains(el))) return null;
  // Material shows an ellipsis' text, and the logo's title, as the tooltip.
  const host = el.closest('a') || el, title = host.getAttribute('title');
  return {x, y, text: title || el.innerText, titled: title !== null};
}"""

# What Material would insert for each text it may show as HTML, parsed as HTML in an inert
# template: the elements found there, if any (checked for every target, hovered or not, and
# for the version selector, which Material fills from versions.json when the page loads).
MARKUP_IN_TEXTS = """() => {
  const parse = text => {
    const t = document.createElement('template');
    t.innerHTML = text;
    return [...t.content.querySelectorAll('*')].map(e => e.outerHTML.slice(0, 80));
  };
  const found = [];
  for (const el of window.__targets) {
    const host = el.closest('a') || el;
    for (const text of [el.innerText, host.getAttribute('title') || ''])
      for (const markup of parse(text)) found.push(`${el.className}: ${markup}`);
  }
  for (const el of document.querySelectorAll('.md-version__current, .md-version__link'))
    for (const child of el.querySelectorAll('*')) found.push(`version: ${child.outerHTML.slice(0, 80)}`);
  return found;
}"""


def shown(text: str) -> str:
    """Text as Material's tooltips may show it: '<' and '>' as look-alikes."""
    return " ".join(text.split()).replace("<", "‹").replace(">", "›")


def point_at_everything(tab: Tab) -> tuple[int, list[str]]:
    """Points the mouse at every target of the open page in turn; waits for the tooltip of
    each that Material gave one. Returns how many tooltips showed, and what went wrong."""
    page, problems, tips = tab.page, [], 0
    page.evaluate(WATCH)
    count = page.evaluate(TARGETS)
    problems += [f"markup Material would insert: {m}" for m in page.evaluate(MARKUP_IN_TEXTS)]
    aim = None
    for i in range(count):
        try:
            aim = page.evaluate(AIM, i)
            if aim is None:
                continue
            before = page.evaluate("() => window.__tips.length")
            page.mouse.move(aim["x"], aim["y"])
            if not aim["titled"]:
                continue
            page.wait_for_function("n => window.__tips.length > n", arg=before, timeout=3_000)
        except sync_api.Error as exc:  # the page went away (a refresh), or no tooltip came
            what = aim["text"][:60] if aim else f"target {i}"
            problems.append(f"pointing at {what!r}: {str(exc).splitlines()[0]}")
            if page.url != tab.visit.url:
                break
            continue
        tips += 1
        tip = page.evaluate("() => window.__tips[window.__tips.length - 1]")
        if tip["elements"]:
            problems.append(f"markup inside a tooltip: {tip['elements'][:3]}")
        elif " ".join(tip["text"].split()) != html.unescape(" ".join(aim["text"].split())):
            problems.append(f"the tooltip reads {tip['text'][:80]!r}, the page "
                            f"{aim['text'][:80]!r}")
        page.mouse.move(0, 400)
    page.wait_for_timeout(300)  # a late image error, a refresh, gets its chance to happen
    if page.url == tab.visit.url and page.evaluate("() => window.__pwned"):
        problems.append("script ran: window.__pwned is set")
    return tips, problems


def visit_every_page(tab: Tab, pages: list[str]) -> tuple[int, list[str]]:
    problems, tips = [], 0
    for rel in pages:
        visit = tab.open(rel)
        count, found = point_at_everything(tab)
        tips += count
        if tab.page.url != visit.url:
            found.append(f"navigated to {tab.page.url}")
        problems += [f"{rel}: {p}" for p in visit.problems() + found]
    return tips, problems


def html_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def client_name() -> str:
    return yaml.safe_load((FIXTURES / "hostile" / "client.yml").read_text("utf-8"))["name"]


@pytest.fixture
def tabs(browser, server: str) -> Iterator:  # noqa: ANN001, F811
    made: list[Tab] = []

    def make(prefix: str) -> Tab:
        made.append(Tab(browser, server, prefix, DESKTOP))
        return made[-1]

    yield make
    for t in made:
        t.close()


def test_the_client_site_shows_every_title_as_text(tabs, out: Path) -> None:  # noqa: ANN001
    """Every page of the latest version and of v1. (Before the fix: pointing at the site's
    name in the header ran its <img onerror> and followed its <meta> refresh.)"""
    tab = tabs("/hostile/")
    site = out / "hostile"
    pages = [f"{v}/{rel}" for v in ("latest", "v1") for rel in html_files(site / v)]
    tips, problems = visit_every_page(tab, pages)
    assert not problems, "\n".join(problems[:30])
    assert tips >= len(pages), f"only {tips} tooltips on {len(pages)} pages"


def test_the_header_and_the_version_menu_read_as_written(tabs) -> None:  # noqa: ANN001
    """The site's name reads as the client wrote it ('<' and '>' as look-alikes), in the
    header and in its tooltip; the version menu names each version with its note."""
    tab = tabs("/hostile/")
    visit = tab.open("v1/index.html")
    name = tab.page.locator(".md-header__topic .md-ellipsis").first
    assert " ".join(name.inner_text().split()) == shown(client_name())
    tab.page.locator(".md-version__current").wait_for(timeout=10_000)
    titles = [" ".join(t.split()) for t in
              tab.page.locator(".md-version__link").all_inner_texts()]
    assert titles == ["latest", f"v2 (2 Nov 2026): {shown(NOTES[1])}",
                      f"v1 (2 Nov 2026): {shown(NOTES[0])}"]
    _, problems = point_at_everything(tab)
    assert not problems and not visit.problems(), problems + visit.problems()


def test_the_agency_view_and_its_copy_show_every_title_as_text(tabs, out: Path) -> None:  # noqa: ANN001
    """The agency's own pages (the client's name is a navigation label and a page title)
    and every page of its copy of the client's site."""
    tab = tabs("/_agency/")
    agency = out / "_agency"
    pages = [rel for rel in html_files(agency) if not rel.startswith("sites/")]
    copy = agency / "sites" / "hostile"
    # An earlier version's pages in the copy are the client's (tested above) with a box.
    pages += [f"sites/hostile/latest/{rel}" for rel in html_files(copy / "latest")]
    pages += ["sites/hostile/v1/index.html"]
    assert "clients/hostile.html" in pages and len(pages) > 15, pages
    tips, problems = visit_every_page(tab, pages)
    assert not problems, "\n".join(problems[:30])
    assert tips >= len(pages), f"only {tips} tooltips on {len(pages)} pages"
