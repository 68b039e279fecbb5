"""Versions in a real browser: Material's version selector reads versions.json (mike's
format) and moves between versions; the banner of an old version leads to the latest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.site import zensical
from tests.conftest import milepost, serve_folder
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.test_versions import repo as repo  # noqa: F401 (the git repository fixture)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def versioned_site(repo: Path, request: pytest.FixtureRequest) -> Path:  # noqa: F811
    """The versioned site, built by each engine (the selector is the theme's, in both)."""
    engine = request.param
    if engine == "zensical" and not zensical.available():
        pytest.skip("Zensical is not installed (the `zensical` extra)")
    result = milepost(repo, "build", "--versions", "--client", "kestrel", "--out",
                      f"browser-site-{engine}", "--as-of", "2026-11-23", "--engine", engine)
    assert result.returncode == 0, result.stderr
    return repo / f"browser-site-{engine}"


@pytest.fixture(scope="module")
def base_url(versioned_site: Path) -> Iterator[str]:
    with serve_folder(versioned_site) as url:
        yield url


def test_version_selector_lists_and_switches_versions(base_url: str):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP)
            outside: list[str] = []
            page.on("request", lambda r: None if r.url.startswith(base_url)
                    else outside.append(r.url))
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base_url}/kestrel/v1/roadmap.html")
            current = page.locator(".md-version__current")
            current.wait_for(timeout=10_000)
            assert current.inner_text() == "v1 (1\u00a0Oct\u00a02026): Signed plan"
            titles = page.locator(".md-version__link").all_inner_texts()
            assert [t.strip() for t in titles] == [
                "latest", "v2 (2\u00a0Nov\u00a02026): November baseline",
                "v1 (1\u00a0Oct\u00a02026): Signed plan"]
            page.locator(".md-version").hover()
            page.locator(".md-version__link", has_text="November baseline").click()
            page.wait_for_url(f"{base_url}/kestrel/v2/**")
            assert "You are viewing the plan as of v2" in page.inner_text("article")
            page.get_by_role("link", name="See the latest.").click()
            page.wait_for_url(f"{base_url}/kestrel/latest/**")
            assert "You are viewing the plan" not in page.inner_text("article")
            assert outside == [] and errors == []
        finally:
            browser.close()


def test_the_client_folder_leads_to_latest(base_url: str):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base_url}/kestrel/")
            page.wait_for_url(f"{base_url}/kestrel/latest/index.html")
        finally:
            browser.close()
