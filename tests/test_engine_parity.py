"""Parity of the two engines: the example clients (with the agency's view) and the hostile
fixture built with MkDocs and with Zensical, compared page by page: article text,
navigation, links and search entries (the agency copies' too).

What may differ is spelled out here, each in one normalisation, and listed on the guide's
Engines page (docs/pages/guide/engines.md): how a link to the same page is written
(`./index.html`, `../decisions/dr-001.html` from decisions/), and the markup and spacing
inside a search entry's text (Zensical keeps paragraphs and lists only). Anything else is a failure.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

import pytest

from generator.site import zensical
from tests.conftest import REPO, build_sites

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not zensical.available(), reason="Zensical is not installed "
                                 "(the `zensical` extra)")]

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
PRIMARY_NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', re.S)
NAV_LINK = re.compile(r'<a href="([^"]*)" class="md-nav__link[^"]*"[^>]*>(.*?)</a>', re.S)
HREF = re.compile(r'href="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
INDEXES = (("search/search_index.json", "docs"), ("search.json", "items"))


def text(markup: str) -> str:
    """What a reader reads: tags gone, entities read, white space as one space, and none
    inside brackets or before punctuation (a tag dropped there leaves one in either)."""
    said = " ".join(html.unescape(TAG.sub(" ", markup)).split())
    said = re.sub(r"\s+([).,;:!?·])", r"\1", re.sub(r"·\s+", "·", said))
    return re.sub(r"\(\s+", "(", said)


def resolved(page: str, url: str) -> str:
    """A link as the page it leads to (the engines spell the same link differently)."""
    if not url or url.startswith(("#", "http:", "https:", "mailto:", "webcal:", "data:")):
        return url
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), url))


def article(page: Path) -> str | None:
    found = ARTICLE.search(page.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def navigation(page: Path, rel: str) -> list[tuple[str, str]]:
    found = PRIMARY_NAV.search(page.read_text(encoding="utf-8"))
    assert found is not None, page
    return [(text(title), resolved(rel, url)) for url, title in NAV_LINK.findall(found.group(0))]


def search_entries(site: Path) -> dict[str, tuple[str, str]]:
    for name, key in INDEXES:
        if (site / name).is_file():
            entries = json.loads((site / name).read_text(encoding="utf-8"))[key]
            return {e["location"]: (text(e["title"]), text(e["text"])) for e in entries}
    raise AssertionError(f"{site}: no search index")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, example_sites_with_agency: Path,
          hostile_sites: Path, examples: Path) -> list[tuple[Path, Path]]:
    """Each output built by MkDocs (the run's shared builds) beside the same built by
    Zensical: the example clients with the agency's view, and the hostile fixture."""
    folder = tmp_path_factory.mktemp("parity")
    zensical_examples = build_sites(examples, folder / "examples", "--agency", "--engine",
                                    "zensical")
    zensical_hostile = build_sites(REPO / "tests" / "fixtures", folder / "hostile", "--client",
                                   "hostile", "--engine", "zensical")
    return [(example_sites_with_agency, zensical_examples), (hostile_sites, zensical_hostile)]


def sites(out: Path) -> list[Path]:
    """Every site in an output: each client's, the agency's and its copies of the clients'."""
    found = [p for p in sorted(out.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    copies = out / "_agency" / "sites"
    return found + (sorted(p for p in copies.iterdir() if p.is_dir()) if copies.is_dir() else [])


def test_both_engines_write_the_same_pages_with_the_same_text_navigation_and_links(built):
    compared = 0
    for mkdocs, zensical_out in built:
        compared += _compare_pages(mkdocs, zensical_out)
    assert compared > 100, compared


def _compare_pages(mkdocs: Path, zensical_out: Path) -> int:
    compared = 0
    for site in sites(mkdocs):
        other = zensical_out / site.relative_to(mkdocs)
        pages = sorted(p.relative_to(site).as_posix() for p in site.glob("*.html"))
        pages += sorted(p.relative_to(site).as_posix() for p in site.glob("*/*.html")
                        if p.parent.name != "sites")
        theirs = sorted(p.relative_to(other).as_posix() for p in other.glob("*.html"))
        theirs += sorted(p.relative_to(other).as_posix() for p in other.glob("*/*.html")
                         if p.parent.name != "sites")
        assert pages == theirs, site
        for rel in pages:
            ours, their = article(site / rel), article(other / rel)
            assert (ours is None) == (their is None), rel
            if ours is None or their is None:
                continue
            where = f"{site.relative_to(mkdocs)}/{rel}"
            assert text(ours) == text(their), where
            assert sorted({resolved(rel, u) for u in HREF.findall(ours)}) == \
                sorted({resolved(rel, u) for u in HREF.findall(their)}), where
            assert navigation(site / rel, rel) == navigation(other / rel, rel), where
            compared += 1
    return compared


def test_both_engines_index_the_same_entries_with_the_same_text(built):
    for mkdocs, zensical_out in built:
        for site in sites(mkdocs):
            ours = search_entries(site)
            theirs = search_entries(zensical_out / site.relative_to(mkdocs))
            assert sorted(ours) == sorted(theirs), site
            for location, entry in ours.items():
                assert entry == theirs[location], (site.name, location)


def test_zensicals_index_reads_tables_as_sentences_and_leaves_out_drawings(built):
    entries = search_entries(built[0][1] / "northwind")
    roadmap = entries["roadmap.html"][1]
    assert "Sep2026Oct" not in roadmap  # the timeline's labels, run together
    assert any(text.startswith("Milestone: M") for _, text in entries.values())
