"""The agency's view in a real browser (Debian's Chromium through Playwright, over local
HTTP): every page opens with no console error and no request outside `_agency/`, the
tables sort with the site's own script and stay readable at phone width. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import serve_folder
from tests.test_browser import (  # noqa: F401 (browser is a fixture)
    ARTIFACTS,
    DESKTOP,
    PHONE,
    Tab,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def out(example_sites_with_agency: Path) -> Path:
    """The example clients with the agency's view (conftest builds it once)."""
    return example_sites_with_agency


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[str]:
    with serve_folder(out) as url:
        yield url


@pytest.fixture
def agency(browser, server: str) -> Iterator:  # noqa: ANN001, F811
    tabs: list[Tab] = []

    def make(viewport: dict[str, int] = DESKTOP) -> Tab:
        tabs.append(Tab(browser, server, "/_agency/", viewport))
        return tabs[-1]

    yield make
    for t in tabs:
        t.close()


def test_every_agency_page_opens_cleanly(agency, out: Path) -> None:  # noqa: ANN001
    tab = agency()
    pages = sorted(p.relative_to(out / "_agency").as_posix()
                   for p in (out / "_agency").rglob("*.html"))
    assert {"index.html", "across.html", "timeline.html", "clients/northwind.html"} <= set(pages)
    problems = [f"{rel}: {p}" for rel in pages for p in tab.open(rel).problems()]
    assert problems == []


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_portfolio_is_readable(agency, name: str, viewport: dict[str, int]) -> None:  # noqa: ANN001
    tab = agency(viewport)
    visit = tab.open("index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"agency-portfolio-{name}.png"
    tab.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    page = tab.page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        rows: document.querySelectorAll('.md-content table tbody tr').length,
        small: [...document.querySelectorAll('.md-content table :is(th, td)')]
          .filter(c => parseFloat(getComputedStyle(c).fontSize) < 11).length,
        clipped: [...document.querySelectorAll('.md-content table')].filter(t => {
          const wrap = t.closest('.md-typeset__scrollwrap');
          return t.scrollWidth > (wrap || t).clientWidth + 1
            && !(wrap && ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX));
        }).length,
    })""")
    # the page never scrolls sideways: a wide table scrolls inside its own frame
    assert page["width"] <= viewport["width"], page
    assert page["rows"] == 3 and page["small"] == 0 and page["clipped"] == 0, page
    assert not visit.problems(), visit.problems()


COLUMN = """(name) => {
  const table = document.querySelector('.md-content table');
  const k = [...table.tHead.rows[0].cells].findIndex(th => th.textContent.trim() === name);
  return [...table.tBodies[0].rows].map(r => r.cells[k].textContent.trim());
}"""


def test_a_click_on_a_heading_sorts_the_table(agency) -> None:  # noqa: ANN001
    tab = agency()
    visit = tab.open("index.html")
    heading = tab.page.locator(".md-content table th", has_text="Time elapsed")

    def numbers() -> list[float]:
        cells = tab.page.evaluate(COLUMN, "Time elapsed")
        return [float(c.rstrip("%")) for c in cells]

    assert sorted(numbers()) != numbers()  # most troubled first, not by time
    heading.locator("button").click()
    assert numbers() == sorted(numbers())
    assert heading.get_attribute("aria-sort") == "ascending"
    heading.locator("button").press("Enter")
    assert numbers() == sorted(numbers(), reverse=True)
    names = tab.page.locator(".md-content table th", has_text="Client").locator("button")
    names.click()
    clients = tab.page.evaluate(COLUMN, "Client")
    assert clients == sorted(clients, key=str.lower)
    assert not visit.problems(), visit.problems()


def test_the_timeline_draws_every_client(agency) -> None:  # noqa: ANN001
    tab = agency()
    visit = tab.open("timeline.html")
    labels = tab.page.locator("svg.mp-timeline-wide .mp-tl-label").all_text_contents()
    assert len(labels) == 3 and any("Northwind" in x for x in labels), labels
    marks = tab.page.locator("svg.mp-timeline-wide polygon title").count()
    assert marks > 10
    assert not visit.problems(), visit.problems()
