"""The documentation's screenshots, taken in Chromium from the example clients' sites as the
code builds them today, so the pictures in the docs never show an older Milepost.

Every run takes each one into the test's temporary folder and checks it: the page opened with
no error and no request outside its site, it shows what it is a picture of, and the image is
not blank. `make screenshots` (MILEPOST_SCREENSHOTS=docs/pages/images) also writes them
where the docs embed them. Each is the size of the window, not of the whole page, so the
committed images stay small.
"""

from __future__ import annotations

import base64
import email
import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest

from tests.conftest import REPO, example_client, git, milepost, serve_folder
from tests.test_browser import (  # noqa: F401 (browser is a fixture)
    DESKTOP,
    PHONE,
    Tab,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Set by `make screenshots`: the folder the docs' images live in (relative to the repository).
TARGET = os.environ.get("MILEPOST_SCREENSHOTS")
DAY = "2026-11-23"  # the example clients' day (conftest's EXAMPLES_DAY)
SITE_URL = "https://projects.agency.example/northwind/"
DIGEST_VIEW = {"width": 720, "height": 1000}


@dataclass(frozen=True)
class Shot:
    """One screenshot: which page, in which window, and a text the page must show."""

    name: str
    site: str       # "examples" (the example clients and the agency's view) or "versioned"
    path: str       # the page's URL path on that site's server: /client-folder/page
    viewport: dict[str, int]
    shows: str      # in the page's main heading or article


SHOTS = [
    Shot("overview.png", "examples", "/northwind/index.html", DESKTOP, "Online shop relaunch"),
    Shot("overview-phone.png", "examples", "/northwind/index.html", PHONE, "Online shop relaunch"),
    Shot("waiting.png", "examples", "/northwind/waiting.html", DESKTOP, "Waiting on you"),
    Shot("roadmap.png", "examples", "/northwind/roadmap.html", DESKTOP, "Roadmap"),
    Shot("changes.png", "versioned", "/northwind/latest/what-changed.html", DESKTOP,
         "M4 Catalogue and CMS built"),
    Shot("agency.png", "examples", "/_agency/index.html", DESKTOP, "Northwind Bakery"),
]


# --- the sites ---------------------------------------------------------------------------------

def _without_the_last_fortnight(client: Path) -> None:
    """Northwind as its plan stood on 6 November: M4 still on time, delivery zones not yet
    proposed, no update after 6 November."""
    roadmap = client / "roadmap.yml"
    text = roadmap.read_text(encoding="utf-8")
    assert "    forecast: 2026-11-27\n" in text, "northwind's M4 forecast changed: update this"
    roadmap.write_text(text.replace("    forecast: 2026-11-27\n", "", 1), encoding="utf-8")
    (client / "decisions" / "005-delivery-zones.yml").unlink()
    for update in (client / "updates").glob("*.yml"):
        if update.stem > "2026-11-06":
            update.unlink()


def _northwind_with_site_url(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(example_client("northwind"), target)
    client = target / "client.yml"
    client.write_text(client.read_text(encoding="utf-8") + f"site_url: {SITE_URL}\n",
                      encoding="utf-8")


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with northwind's version 1 (6 November) and its files of today
    committed after it: What changed and the digest have something to say."""
    repo = tmp_path_factory.mktemp("versioned")
    client = repo / "projects" / "northwind"
    git(repo, "init", "-q", "-b", "main")
    _northwind_with_site_url(client)
    _without_the_last_fortnight(client)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan", day="2026-11-06")
    git(repo, "tag", "-a", "northwind/v1", "-m", "November plan", day="2026-11-06")
    _northwind_with_site_url(client)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Two weeks on", day="2026-11-20")
    return repo


@pytest.fixture(scope="module")
def servers(example_sites_with_agency: Path, versioned: Path) -> Iterator[dict[str, str]]:
    built = milepost(versioned, "build", "--versions", "--client", "northwind", "--out", "site",
                     "--as-of", DAY)
    assert built.returncode == 0, built.stdout + built.stderr
    with serve_folder(example_sites_with_agency) as examples, \
            serve_folder(versioned / "site") as versions:
        yield {"examples": examples, "versioned": versions}


# --- the pictures ------------------------------------------------------------------------------

# Where the page's text ends (and a margin): a short page is not pictured with the empty
# window below it.
CONTENT_BOTTOM = """() => Math.ceil(Math.max(...[...document.querySelectorAll('article > *')]
  .map(e => e.getBoundingClientRect().bottom)) + 32)"""

COLOURS = """async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return {width: canvas.width, height: canvas.height, colours: counts.size,
          commonest: Math.max(...counts.values()) / (data.length / 4)};
}"""


def picture(chromium, png: bytes) -> dict:  # noqa: ANN001 (a playwright Browser)
    """Size and colours of a PNG, as Chromium decodes it."""
    page = chromium.new_page()
    try:
        return page.evaluate(COLOURS, "data:image/png;base64," + base64.b64encode(png).decode())
    finally:
        page.close()


def assert_not_blank(facts: dict, size: dict[str, int]) -> None:
    """The image is of a drawn page: hundreds of colours (text is drawn smooth) and no one
    colour nearly everywhere. A window that drew nothing, or only a background, has a handful
    of colours; that it is the right page is the test's own check of the page's text."""
    assert (facts["width"], facts["height"]) == (size["width"], size["height"]), facts
    assert facts["colours"] >= 300 and facts["commonest"] <= 0.95, facts


def smaller(png: bytes) -> bytes:
    """The same image, its pixel data compressed harder (Chromium favours speed): the
    chunks are kept, the image data joined into one chunk compressed at level 9."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, data, at = [], b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b"IDAT":
            data += body
            if png[at + 4:at + 8] != b"IDAT":
                chunks.append((kind, zlib.compress(zlib.decompress(data), 9)))
        else:
            chunks.append((kind, body))
    return png[:8] + b"".join(struct.pack(">I", len(body)) + kind + body
                              + struct.pack(">I", zlib.crc32(kind + body))
                              for kind, body in chunks)


def keep(png: bytes, name: str, shots: Path) -> Path:
    """The screenshot into this run's folder, and into the docs when asked to."""
    png = smaller(png)
    (shots / name).write_bytes(png)
    if TARGET:
        folder = REPO / TARGET
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
    return shots / name


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_screenshot(browser, servers: dict[str, str], shots: Path, shot: Shot) -> None:  # noqa: ANN001, F811
    # Only the client's own folder may load (a versioned site's pages read ../versions.json).
    _, client, page = shot.path.split("/", 2)
    tab = Tab(browser, servers[shot.site], f"/{client}/", shot.viewport)
    try:
        visit = tab.open(page)
        assert not visit.problems(), visit.problems()
        assert shot.shows in tab.page.inner_text("article"), shot
        width = tab.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= shot.viewport["width"], f"{shot.name}: the page scrolls sideways"
        height = min(shot.viewport["height"], tab.page.evaluate(CONTENT_BOTTOM))
        size = {"width": shot.viewport["width"], "height": height}
        png = keep(tab.page.screenshot(clip={"x": 0, "y": 0, **size}), shot.name,
                   shots).read_bytes()
    finally:
        tab.close()
    assert_not_blank(picture(browser, png), size)
    assert len(png) < 300_000, f"{shot.name} is {len(png)} bytes"


def test_digest_screenshot(browser, versioned: Path, shots: Path) -> None:  # noqa: ANN001, F811
    """The digest's HTML part, as a mail program that shows HTML draws it."""
    done = milepost(versioned, "notify", "northwind", "--eml", "mail", "--as-of", DAY)
    assert done.returncode == 0, done.stdout + done.stderr
    message = email.message_from_bytes((versioned / "mail" / "northwind.eml").read_bytes(),
                                       policy=policy.default)
    body = message.get_body(("html",))  # type: ignore[attr-defined]
    page = browser.new_page(viewport=DIGEST_VIEW)
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.set_content(body.get_content())
        assert requests == []  # a digest loads nothing: no images, fonts or styles
        text = page.inner_text("body")
        assert "What needs you now" in text or "WHAT NEEDS YOU NOW" in text.upper(), text
        assert "M4 Catalogue and CMS built" in text, text
        png = keep(page.screenshot(), "digest.png", shots).read_bytes()
    finally:
        page.close()
    assert_not_blank(picture(browser, png), DIGEST_VIEW)
    assert len(png) < 300_000, f"digest.png is {len(png)} bytes"


def pixel_data(png: bytes) -> bytes:
    """A PNG's image data, uncompressed (its rows, each with its filter byte)."""
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        if png[at + 4:at + 8] == b"IDAT":
            data += png[at + 8:at + 8 + length]
        at += 12 + length
    return zlib.decompress(data)


def test_smaller_changes_no_pixel(browser) -> None:  # noqa: ANN001, F811
    page = browser.new_page(viewport={"width": 200, "height": 120})
    try:
        page.set_content("<body style='margin:0;background:linear-gradient(90deg,red,blue)'>"
                         "<h1 style='color:#fff'>Milepost</h1></body>")
        original = page.screenshot()
    finally:
        page.close()
    again = smaller(original)
    assert pixel_data(again) == pixel_data(original)
    assert picture(browser, again) == picture(browser, original)
    assert len(again) <= len(original)
