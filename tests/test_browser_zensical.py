"""Sites built with Zensical, in Chromium, each area under the hosting policy made from its
own output (`milepost host`'s): search, glossary tooltips, the agency copy's search for what
is held back, and no policy violation or error anywhere."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.site import zensical
from tests.conftest import QuietHandler, build_sites, serve_folder
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not zensical.available(), reason="Zensical is not installed "
                                 "(the `zensical` extra)")]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright")

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Path:
    return build_sites(examples, tmp_path_factory.mktemp("zensical"), "--agency", "--engine",
                       "zensical")


@contextlib.contextmanager
def served_with_policies(site: Path) -> Iterator[str]:
    """The output over HTTP, each area with its policy as `milepost host` writes it."""
    from generator.ship.host import content_security_policy, find_agency_site, find_client_sites

    areas = {c.slug: content_security_policy(c) for c in find_client_sites(site)}
    agency = find_agency_site(site)
    assert agency is not None
    areas[agency.slug] = content_security_policy(agency)

    class WithPolicy(QuietHandler):
        def end_headers(self) -> None:
            area = self.path.lstrip("/").split("/", 1)[0]
            if area in areas:
                self.send_header("Content-Security-Policy", areas[area])
            super().end_headers()

    with serve_folder(site, WithPolicy) as url:
        yield url


@pytest.fixture(scope="module")
def page(out: Path) -> Iterator:  # noqa: ANN001 (a playwright Page)
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p, served_with_policies(out) as base:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP)
            context.add_init_script(RECORD_VIOLATIONS)
            tab = context.new_page()
            tab.errors = []
            tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: tab.errors.append(str(e)))
            tab.base = base
            yield tab
        finally:
            browser.close()


def zensical_search(page, word: str) -> list[str]:  # noqa: ANN001
    """Zensical's search, as a reader uses it: its button opens a dialog (in a shadow root,
    which Playwright's locators enter), then type. The result links' addresses."""
    page.locator(".md-search__button").first.click()
    box = page.locator("dialog input[role=combobox]")
    box.fill(word)
    page.wait_for_function("""word => {
        const host = [...document.body.children].find(e => e.shadowRoot);
        const links = host ? [...host.shadowRoot.querySelectorAll('a[role=option]')] : [];
        return links.length > 0 && links.every(a => new URL(a.href).searchParams.get('h') === word);
    }""", arg=word, timeout=10_000)
    links = page.locator("dialog a[role=option]")
    found = [links.nth(k).get_attribute("href") or "" for k in range(links.count())]
    page.keyboard.press("Escape")
    return found


def clean(page) -> None:  # noqa: ANN001
    assert page.evaluate("window.__violations") == [] and page.errors == [], \
        (page.evaluate("window.__violations"), page.errors)


def test_search_opens_styled_and_finds_a_page_under_the_sites_policy(page):  # noqa: ANN001
    page.goto(f"{page.base}/northwind/index.html")
    links = zensical_search(page, "discovery")
    assert any("/northwind/signoffs.html?h=discovery#" in link for link in links), links
    clean(page)


def test_a_glossary_term_shows_its_meaning_on_hover(page):  # noqa: ANN001
    page.goto(f"{page.base}/northwind/glossary.html")
    term = page.locator("abbr[title]").first
    meaning = term.get_attribute("title")
    term.hover()
    tip = page.locator(".md-tooltip2")
    tip.first.wait_for(timeout=10_000)
    assert meaning in tip.first.inner_text()
    clean(page)


def test_the_agency_copy_finds_what_is_held_back(page):  # noqa: ANN001
    page.goto(f"{page.base}/_agency/sites/northwind/updates/index.html")
    assert "held back" in page.locator("#mp-held-back").inner_text()
    links = zensical_search(page, "pre-call")
    assert any(link.endswith("updates/index.html?h=pre-call#mp-held-back") for link in links), \
        links
    clean(page)
