"""The Atom feed's own writer against feedgen, which wrote the feed before: the same bytes,
whatever the text from YAML holds."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from feedgen.feed import FeedGenerator
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import pages
from generator.pipeline import check_projects
from generator.project.model import Project, Section
from generator.site import feeds
from tests.conftest import EXAMPLE_CLIENTS, REPO, example_client

AS_OF = date(2026, 11, 23)
SITES = [None, "https://portal.example/northwind/", 'https://x.example/a&b<"c">/']


def with_feedgen(p: Project, releases: list[feeds.Release], site: str | None,
                 versioned: bool) -> bytes:
    """The feed as feedgen wrote it (the code this module's writer replaced)."""
    news = feeds.entries(p, releases)
    fg = FeedGenerator()
    fg.id(feeds.feed_id(p.slug))
    fg.title(feeds.one_line(f"{p.client.project} · {p.client.name}"))
    fg.subtitle("What changed and what waits on you")
    fg.author({"name": feeds.one_line(feeds.feed_author(p))})
    fg.link(href=feeds.page_url(site, pages.OVERVIEW.path, versioned), rel="alternate",
            type="text/html")
    if site:
        fg.link(href=site + "feed.xml", rel="self", type="application/atom+xml")
    fg.language("en")
    fg.generator("Milepost")
    fg.updated(feeds.moment(max((e.day for e in news), default=p.client.start)))
    for e in reversed(news):
        fe = fg.add_entry()
        fe.id(feeds.entry_id(p.slug, e))
        fe.title(feeds.one_line(e.title))
        fe.updated(feeds.moment(e.day))
        fe.published(feeds.moment(e.day))
        fe.link(href=feeds.entry_href(site, e, versioned), rel="alternate", type="text/html")
        fe.content(feeds.xml_safe(e.text) or feeds.one_line(e.title), type="text")
    return fg.atom_str(pretty=True)


@functools.cache
def projects() -> list[Project]:
    found = [p for slug in EXAMPLE_CLIENTS
             for p in check_projects(example_client(slug), AS_OF).projects]
    return found + check_projects(REPO / "tests" / "fixtures" / "hostile", AS_OF).projects


RELEASES = [feeds.Release("v1", date(2026, 10, 1), "Signed <plan> & co", []),
            feeds.Release("v2", date(2026, 11, 2), "",
                          [Section("Roadmap", ["M1 moved\r\nby a week;", "x\x01y"])])]


@pytest.mark.parametrize("site", SITES)
def test_every_example_feed_is_written_as_feedgen_wrote_it(site: str | None):
    for p in projects():
        for releases, versioned in (([], False), (RELEASES, True)):
            assert feeds.atom_feed(p, releases, site, versioned) == with_feedgen(
                p, releases, site, versioned), p.slug


TEXT = st.text(st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=4), st.sampled_from(SITES))
def test_any_text_is_written_as_feedgen_wrote_it(news: list[tuple[str, str, str]],
                                                 site: str | None):
    p = next(x for x in projects() if x.slug == "northwind")
    releases = [feeds.Release(f"v{n}", date(2026, 10, n + 1), note,
                              [Section(title, [sentence])])
                for n, (note, title, sentence) in enumerate(news, start=1)]
    assert feeds.atom_feed(p, releases, site, True) == with_feedgen(p, releases, site, True)
