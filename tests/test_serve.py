"""`milepost serve`: a real live-reload server, started by the test, rebuilt on a YAML edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from generator.pipeline import check_projects
from generator.ship.serve import BANNER_ID, banner_html
from tests.conftest import example_client, free_port

pytestmark = pytest.mark.slow  # a real preview server, or MkDocs

ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_preview_rebuilds_on_change_and_keeps_the_last_good_one(tmp_path: Path):
    shutil.copytree(example_client("harbor-health"), tmp_path / "projects" / "harbor-health")
    client = tmp_path / "projects" / "harbor-health" / "client.yml"
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "harbor-health",
                             "--port", str(port), "--as-of", "2026-11-23"], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/index.html"
    try:
        assert wait_for(lambda: "Patient portal" in fetch(url)), \
            (tmp_path / "serve.log").read_text()
        assert "livereload" in fetch(url)  # the page reloads itself after a rebuild
        text = client.read_text(encoding="utf-8")
        client.write_text(text.replace("project: Patient portal", "project: Patient app"),
                          encoding="utf-8")
        assert wait_for(lambda: "Patient app" in fetch(url)), \
            (tmp_path / "serve.log").read_text()
        client.write_text(text.replace("start: 2026-11-02", "start: 2026-11-31"),
                          encoding="utf-8")
        assert wait_for(lambda: "is not a real date" in (tmp_path / "serve.log").read_text())
        assert "Patient app" in fetch(url)  # the last good preview stays
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def _banner(page: str) -> str:
    """The preview's problem banner in a served page, or '' when there is none."""
    start = page.find(f'<div id="{BANNER_ID}"')
    return "" if start < 0 else page[start:page.index("</div>", start)]


def _screenshot(url: str, name: str) -> None:
    """A picture of the banner for people to look at, where Chromium and Playwright exist."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return
    if not chromium.exists():
        return
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            assert page.locator(f"#{BANNER_ID}").is_visible()
            page.screenshot(path=str(ROOT / "test-artifacts" / name))
            assert dialogs == []  # the <script> quoted in the message did not run
        finally:
            browser.close()


def test_preview_shows_the_problems_in_a_banner_until_they_are_fixed(tmp_path: Path):
    shutil.copytree(example_client("harbor-health"), tmp_path / "projects" / "harbor-health")
    client = tmp_path / "projects" / "harbor-health" / "client.yml"
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    # The client's folder in place of its slug.
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve",
                             "projects/harbor-health", "--port", str(port),
                             "--as-of", "2026-11-23"], cwd=tmp_path, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    home = f"http://127.0.0.1:{port}/index.html"
    roadmap = f"http://127.0.0.1:{port}/roadmap.html"
    try:
        assert wait_for(lambda: "Patient portal" in fetch(home)), \
            (tmp_path / "serve.log").read_text()
        assert _banner(fetch(home)) == ""
        text = client.read_text(encoding="utf-8")
        client.write_text(text.replace("start: 2026-11-02",
                                       'start: "<script>alert(1)</script>"'), encoding="utf-8")
        assert wait_for(lambda: _banner(fetch(home)) != ""), \
            (tmp_path / "serve.log").read_text()
        expected = ("projects/harbor-health/client.yml:4:8: error: start: "
                    "&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; is not a date")
        for url in (home, roadmap):  # on every page, the last good one underneath
            page = fetch(url)
            assert expected in _banner(page), _banner(page)
            assert "<script>alert(1)" not in page
            assert "1 error: not rebuilt, this is the last good preview" in _banner(page)
        assert "Patient portal" in fetch(home)
        assert "&lt;script&gt;" not in fetch(f"http://127.0.0.1:{port}/search/search_index.json")
        _screenshot(home, "serve-problem-banner.png")
        client.write_text(text, encoding="utf-8")
        assert wait_for(lambda: _banner(fetch(home)) == ""), \
            (tmp_path / "serve.log").read_text()
        assert _banner(fetch(roadmap)) == ""
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_the_banner_is_never_in_built_or_published_output(tmp_path: Path):
    """The banner is added while serving only: the site built or published from files that
    `serve` shows a banner for (warnings: updates after --as-of) carries no trace of it."""
    from generator.cli import main

    shutil.copytree(example_client("harbor-health"), tmp_path / "projects" / "harbor-health")
    early = "2026-11-10"
    warned = check_projects(tmp_path / "projects", date.fromisoformat(early)).problems
    assert warned and BANNER_ID in banner_html(warned)
    for command, out in (("build", "--out"), ("publish", "--to")):
        assert main([command, "--projects", str(tmp_path / "projects"), out, str(tmp_path / command),
                     "--as-of", early, "-j", "1"]) == 0
    pages = [*(tmp_path / "build").rglob("*.html"), *(tmp_path / "publish").rglob("*.html")]
    assert len(pages) > 10
    assert not [p for p in pages if BANNER_ID in p.read_text(encoding="utf-8")]


def test_a_killed_preview_leaves_nothing_behind_after_the_next_one(tmp_path: Path):
    """A preview's scratch folder holds the client's Markdown and a mkdocs.yml with local
    paths: the next preview removes the one a killed preview left, and its own when it stops."""
    shutil.copytree(example_client("harbor-health"), tmp_path / "projects" / "harbor-health")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}

    def preview() -> tuple[subprocess.Popen, int]:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "harbor-health",
                                 "--port", str(port), "--as-of", "2026-11-23"], cwd=tmp_path,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: "Patient portal" in fetch(f"http://127.0.0.1:{port}/"))
        return proc, port

    killed, _ = preview()
    killed.kill()
    killed.wait()
    (left,) = tmp.glob("milepost-serve-harbor-health-*")
    assert list(left.rglob("mkdocs.yml")) or list(left.rglob("*.html"))
    second, _ = preview()
    try:
        assert not left.exists()
        assert len(list(tmp.glob("milepost-serve-*"))) == 1
    finally:
        second.terminate()
        second.wait(timeout=10)
    assert list(tmp.iterdir()) == []
