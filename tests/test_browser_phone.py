"""Every page of the example clients and of the agency's site, read on a phone (390×844) and
on a desktop (1280×900) in Chromium, as a client or a project manager would.

On each page: nothing makes the page scroll sideways, every text a reader can see is 12 px
or more (a drawing's text at the size it is drawn on screen), and every status badge (a
milestone's, a task's, a sign-off's, a client's health) is in view whole, never behind a
table's sideways scroll. The roadmap shows a status for each of the client's milestones.
On a phone the hostile fixture's pages are read too: its long unbroken texts must wrap, not
widen the page or push a status out of view. (On a desktop a table holding a 100-character
word scrolls in its own frame, Material's way, rather than break ordinary words everywhere.)
A full-page screenshot of each page goes to the test's temporary folder, to look at.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE_CLIENTS, example_client
from tests.test_browser import (  # noqa: F401 (browser and server are fixtures)
    DESKTOP,
    PHONE,
    Tab,
    browser,
    html_pages,
    server,
    site_prefix,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
AS_OF = "2026-12-02"  # the day: one milestone overdue, others forecast after plan
CLIENTS = {slug: example_client(slug) for slug in EXAMPLE_CLIENTS}
CLIENTS["hostile"] = FIXTURES / "hostile"
SMALLEST = 12  # px
STATES = ("mp-done", "mp-on-track", "mp-at-risk", "mp-late")  # a milestone's status badge


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Path:
    """The example clients with the agency's site, and the hostile fixture, built side by
    side (two processes)."""
    folder = tmp_path_factory.mktemp("phone-served")
    common = ["--out", str(folder), "--as-of", AS_OF]
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--projects",
                              str(src), *common, *extra], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
            for src, extra in ((examples, ["--agency"]), (FIXTURES, ["--client", "hostile"]))]
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output
    return folder


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def tabs(browser, server: str) -> Iterator:  # noqa: ANN001, F811
    opened: list[Tab] = []

    def make(prefix: str, viewport: dict[str, int]) -> Tab:
        opened.append(Tab(browser, server, prefix, viewport))
        return opened[-1]

    yield make
    for t in opened:
        t.close()


READS_WELL = """(smallest) => {
  const width = innerWidth, problems = [];
  const shown = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const name = el => (el.textContent || el.getAttribute('data-label') || '').trim()
    .replace(/\\s+/g, ' ').slice(0, 50);

  const scrolled = document.documentElement.scrollWidth;
  if (scrolled > width) {
    const wide = [...document.body.querySelectorAll('*')].filter(el =>
      el.getBoundingClientRect().right > width + 0.5 && shown(el)).slice(-3)
      .map(el => `<${el.localName} class="${el.getAttribute('class') || ''}">`);
    problems.push(`the page scrolls sideways: ${scrolled}px wide (${wide.join(', ')})`);
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!range.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el.closest('svg')) {  // a drawing's text is drawn at the drawing's scale
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    if (size < smallest - 0.01)
      problems.push(`text "${name(el)}" at ${size.toFixed(1)}px`);
  }
  for (const el of document.querySelectorAll('.mp-cell')) {  // a table cell's own label
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el, '::before').fontSize);
    if (size < smallest - 0.01)
      problems.push(`label "${name(el)}" at ${size.toFixed(1)}px`);
  }

  for (const badge of document.querySelectorAll('.md-content .mp-badge')) {
    if (!shown(badge)) continue;
    const box = badge.getBoundingClientRect();
    let hidden = box.left < -0.5 || box.right > width + 0.5;
    for (let up = badge.parentElement; up && !hidden; up = up.parentElement) {
      if (getComputedStyle(up).overflowX === 'visible') continue;
      const frame = up.getBoundingClientRect();
      hidden = box.left < frame.left - 0.5 || box.right > frame.right + 0.5;
    }
    if (hidden)
      problems.push(`status "${name(badge)}" out of view (${Math.round(box.left)} to `
                    + `${Math.round(box.right)} px)`);
  }
  return problems;
}"""

MILESTONE_STATES = f"""() => [...document.querySelectorAll(
    '.md-content table .mp-badge:is({", ".join("." + s for s in STATES)})')]
  .map(b => b.textContent.trim())"""


def public_milestones(slug: str) -> int:
    roadmap = yaml.safe_load((CLIENTS[slug] / "roadmap.yml").read_text("utf-8")) or {}
    return sum(1 for m in roadmap.get("milestones", []) if not m.get("internal"))


def read_every_page(tab: Tab, pages: list[str], label: str, shots: Path) -> list[str]:
    problems = []
    for rel in pages:
        # How a page reads, not what it loads: test_browser*.py check every request.
        tab.open(rel)
        found = tab.page.evaluate(READS_WELL, SMALLEST)
        name = f"{label}-{rel.replace('/', '-')[:-5]}.png"
        tab.page.screenshot(path=str(shots / name), full_page=True)
        problems += [f"{label} {rel}: {p}" for p in found]
    return problems


VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
CASES = [pytest.param(slug, viewport.values[0], id=f"{slug}-{viewport.id}")
         for slug in CLIENTS for viewport in VIEWPORTS
         if slug != "hostile" or viewport.id == "phone"]


@pytest.mark.parametrize(("slug", "viewport"), CASES)
def test_every_client_page_reads_well(tabs, out: Path, shots: Path, slug: str,  # noqa: ANN001
                                      viewport: dict[str, int]) -> None:
    tab = tabs(site_prefix(out, slug), viewport)
    label = f"{slug}-{viewport['width']}"
    problems = read_every_page(tab, html_pages(out, slug), label, shots)
    assert not problems, "\n".join(problems[:40])
    # Each milestone's status, on the roadmap, in view (checked above) and said in words.
    tab.open("roadmap.html")
    states = tab.page.evaluate(MILESTONE_STATES)
    assert len(states) == public_milestones(slug) and all(states), states


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_agency_page_reads_well(tabs, out: Path, shots: Path,  # noqa: ANN001
                                      viewport: dict[str, int]) -> None:
    """The agency's own pages, and its copy of northwind's site (the one with the most held
    back: a box with tables on most pages)."""
    root = out / "_agency"
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                   if not p.relative_to(root).as_posix().startswith("sites/")
                   or p.relative_to(root).as_posix().startswith("sites/northwind/"))
    assert {"index.html", "across.html", "timeline.html", "sites/northwind/roadmap.html"} \
        <= set(pages)
    tab = tabs("/_agency/", viewport)
    problems = read_every_page(tab, pages, f"agency-{viewport['width']}", shots)
    assert not problems, "\n".join(problems[:40])
