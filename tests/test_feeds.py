"""The client's Atom feed (feed.xml): valid Atom, read by a real feed parser, with entry IDs
and dates that survive rebuilds and versions, links to the exact pages, and nothing internal.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from tests.conftest import AS_OF, REPO, files_with
from tests.conftest import git as run_git

pytestmark = pytest.mark.slow  # builds with MkDocs and git

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://projects.example.com/acme/"

INTERNAL = {
    "decisions/DR-009.yml": """\
id: DR-009
title: INTERNAL-ONLY staffing choice
status: proposed
date: 2026-05-02
internal: true
""",
    "updates/2026-05-01.yml": """\
date: 2026-05-01
overall: red
summary: INTERNAL-ONLY margin worries.
internal: true
""",
}


def client_yml(extra: str = "") -> str:
    from tests.conftest import VALID_TEXT

    return VALID_TEXT["client.yml"] + extra


def build(run_cli, projects: Path, out: Path, *extra: str) -> None:
    code, _, err = run_cli("build", "--projects", str(projects), "--out", str(out), "--as-of", AS_OF,
                           "-j", "1", *extra)
    assert code == 0, err


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def assert_valid_atom(path: Path) -> ElementTree.Element:
    """RFC 4287's required elements: id, title and updated on the feed and on every entry,
    an author on the feed (or on each entry), and a link or content on each entry."""
    root = ElementTree.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed"
    for what in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{what}") or "").strip(), f"feed has no {what}"
    has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for what in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{what}") or "").strip(), f"entry has no {what}"
        assert has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        assert entry.find(f"{ATOM}link") is not None or entry.find(f"{ATOM}content") is not None
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
    return root


def by_title(parsed: feedparser.FeedParserDict) -> dict[str, feedparser.FeedParserDict]:
    return {e.title: e for e in parsed.entries}


@pytest.fixture
def acme(make_project) -> Path:
    return make_project({"acme": files_with({
        "client.yml": client_yml(f"site_url: {SITE_URL}\n"), **INTERNAL})})


def test_feed_is_valid_atom_with_an_entry_per_kind_of_news(acme, run_cli, tmp_path):
    build(run_cli, acme, tmp_path / "site")
    feed = tmp_path / "site" / "acme" / "feed.xml"
    assert_valid_atom(feed)
    parsed = parse(feed)
    assert parsed.feed.title == "Website relaunch · Acme & Co"
    assert parsed.feed.author == "The Website relaunch team"
    entries = by_title(parsed)
    assert set(entries) == {
        "Status update of 2 March 2026: on track",
        "Decision DR-001 Use a headless CMS: accepted",
        "Sign-off of D1 Project plan version 1.0: approved",
        "Change request CR-1 Add a blog: approved",
    }
    assert [e.title for e in parsed.entries][0].startswith("Status update")  # newest first
    update = entries["Status update of 2 March 2026: on track"]
    assert update.updated == "2026-03-02T00:00:00+00:00"
    assert "Design is under way." in update.content[0].value
    assert update.content[0].type == "text/plain"
    assert update.link == SITE_URL + "updates/index.html"
    assert entries["Decision DR-001 Use a headless CMS: accepted"].link == \
        SITE_URL + "decisions/dr-001.html"
    assert parsed.feed.updated == "2026-03-02T00:00:00+00:00"  # the newest news, not today
    self_link = [x.href for x in parsed.feed.links if x.rel == "self"]
    assert self_link == [SITE_URL + "feed.xml"]


def test_internal_records_are_never_in_the_feed(acme, run_cli, tmp_path):
    build(run_cli, acme, tmp_path / "site")
    raw = (tmp_path / "site" / "acme" / "feed.xml").read_text(encoding="utf-8")
    assert "INTERNAL-ONLY" not in raw and "DR-009" not in raw and "1 May 2026" not in raw


def test_every_page_announces_the_feed_and_the_overview_links_it(acme, run_cli, tmp_path):
    build(run_cli, acme, tmp_path / "site")
    site = tmp_path / "site" / "acme"
    head = '<link rel="alternate" type="application/atom+xml" title="News of this project ' \
           '(Atom)" href="{}">'
    assert head.format("./feed.xml") in (site / "index.html").read_text(encoding="utf-8")
    assert head.format("../feed.xml") in \
        (site / "decisions" / "dr-001.html").read_text(encoding="utf-8")
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="feed.xml" type="application/atom+xml">Follow this project' in overview


def test_ids_and_dates_survive_rebuilds_and_change_only_with_the_news(acme, run_cli,
                                                                      tmp_path):
    build(run_cli, acme, tmp_path / "one")
    first = {e.id: (e.title, e.updated) for e in parse(tmp_path / "one/acme/feed.xml").entries}
    # Another day, an unrelated edit: the feed is the same, byte for byte.
    (acme / "acme" / "risks.yml").write_text(
        (acme / "acme" / "risks.yml").read_text().replace("medium", "high"), encoding="utf-8")
    code, _, err = run_cli("build", "--projects", str(acme), "--out", str(tmp_path / "two"), "--as-of",
                           "2026-07-15", "-j", "1")
    assert code == 0, err
    assert (tmp_path / "two/acme/feed.xml").read_bytes() == \
        (tmp_path / "one/acme/feed.xml").read_bytes()
    # A new update adds one entry; the others keep their IDs and dates.
    (acme / "acme" / "updates" / "2026-03-09.yml").write_text(
        "date: 2026-03-09\noverall: amber\nsummary: Design review moved.\n", encoding="utf-8")
    build(run_cli, acme, tmp_path / "three")
    third = {e.id: (e.title, e.updated)
             for e in parse(tmp_path / "three/acme/feed.xml").entries}
    assert set(first) < set(third)
    assert {k: third[k] for k in first} == first
    assert [v for k, v in third.items() if k not in first] == [
        ("Status update of 9 March 2026: needs attention", "2026-03-09T00:00:00+00:00")]


def test_without_a_site_address_links_are_relative_to_the_feed(make_project, run_cli,
                                                               tmp_path):
    projects = make_project({"acme": files_with({})})
    build(run_cli, projects, tmp_path / "site")
    feed = tmp_path / "site" / "acme" / "feed.xml"
    assert_valid_atom(feed)
    root = ElementTree.fromstring(feed.read_bytes())
    hrefs = [x.get("href") for x in root.iter(f"{ATOM}link")]
    assert "index.html" in hrefs and "signoffs.html" in hrefs
    assert not [h for h in hrefs if "://" in h or h.startswith("/")]
    assert not [x for x in root.iter(f"{ATOM}link") if x.get("rel") == "self"]


def test_the_base_mkdocs_site_url_is_the_hosts_root(make_project, run_cli, tmp_path):
    projects = make_project({"acme": files_with({})})
    base = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(base + "site_url: https://clients.example.org\n",
                                         encoding="utf-8")
    build(run_cli, projects, tmp_path / "site")
    parsed = parse(tmp_path / "site" / "acme" / "feed.xml")
    assert parsed.feed.link == "https://clients.example.org/acme/index.html"


def test_a_client_site_url_must_be_a_web_address(make_project, run_cli):
    projects = make_project({"acme": files_with({
        "client.yml": client_yml("site_url: javascript:alert(1)\n")})})
    code, out, _ = run_cli("validate", "--projects", str(projects))
    assert code == 1
    assert ("projects/acme/client.yml:25:11: error: site_url: 'javascript:alert(1)' is not a web address: "
            "write it in full, e.g. https://projects.example.com/acme/") in out


# --- versioned sites ---------------------------------------------------------------------

def git(repo: Path, *args: str, day: str = "2026-04-01") -> None:
    """The shared git helper, committing on 1 April unless told otherwise."""
    run_git(repo, *args, day=day)


def test_a_versioned_site_has_one_feed_with_its_released_versions(acme, run_cli, tmp_path):
    build(run_cli, acme, tmp_path / "plain")
    plain_ids = {e.title: e.id for e in parse(tmp_path / "plain/acme/feed.xml").entries}
    repo = acme.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "projects")
    git(repo, "commit", "-qm", "Plan", day="2026-04-01")
    git(repo, "tag", "-a", "acme/v1", "-m", "Signed plan", day="2026-04-01")
    roadmap = acme / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text().replace("forecast: 2026-04-10",
                                                   "forecast: 2026-04-24"), encoding="utf-8")
    git(repo, "commit", "-qam", "M2 later", day="2026-04-15")
    git(repo, "tag", "-a", "acme/v2", "-m", "Design later", day="2026-04-15")
    build(run_cli, acme, tmp_path / "site", "--versions")
    feed = tmp_path / "site" / "acme" / "feed.xml"
    # Pages announce the copy in latest/ (Material fetches a sitemap.xml beside it).
    assert (tmp_path / "site/acme/latest/feed.xml").read_bytes() == feed.read_bytes()
    assert_valid_atom(feed)
    entries = by_title(parse(feed))
    v2 = entries["Version v2 released: Design later"]
    assert v2.link == SITE_URL + "v2/what-changed.html"
    assert ("Milestones: Milestone M2 Design: forecast moved from 10 April 2026 to 24 April "
            "2026 (14 days later than in v1), 23 days after the planned 1 April.") in \
        v2.content[0].value
    assert entries["Version v1 released: Signed plan"].content[0].value == \
        "The first version of the plan."
    update = entries["Status update of 2 March 2026: on track"]
    assert update.link == SITE_URL + "latest/updates/index.html"
    # The same news has the same ID in a versioned site as in a plain one.
    assert {t: i for t, i in plain_ids.items()} == \
        {t: e.id for t, e in entries.items() if not t.startswith("Version ")}
    page = (tmp_path / "site/acme/latest/index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="News of this project (Atom)" ' \
           'href="./../latest/feed.xml">' in page
    assert '<a href="../feed.xml" type="application/atom+xml">' in page


def test_a_rebuild_with_nothing_changed_keeps_the_feed(acme, run_cli, tmp_path):
    repo = acme.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "projects")
    git(repo, "commit", "-qm", "Plan")
    git(repo, "tag", "-a", "acme/v1", "-m", "Signed plan")
    build(run_cli, acme, tmp_path / "site", "--versions")
    feed = tmp_path / "site" / "acme" / "feed.xml"
    before = feed.read_bytes()
    feed.unlink()  # a feed that went missing is written again, even with nothing to rebuild
    build(run_cli, acme, tmp_path / "site", "--versions")
    assert feed.read_bytes() == before


# --- hostile text ------------------------------------------------------------------------

def test_hostile_text_is_plain_text_in_the_feed(run_cli, tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(REPO / "tests" / "fixtures" / "hostile", fixtures / "hostile")
    code, _, err = run_cli("build", "--projects", str(fixtures), "--out", str(tmp_path / "site"),
                           "--as-of", "2026-11-23", "-j", "1")
    assert code == 0, err
    feed = tmp_path / "site" / "hostile" / "feed.xml"
    root = assert_valid_atom(feed)
    # Only Atom's own elements, every text construct plain text: nothing a reader renders.
    assert {x.tag.split("}")[0] + "}" for x in root.iter()} == {ATOM}
    for x in root.iter():
        assert x.get("type") in (None, "text", "text/html", "application/atom+xml"), x.tag
        if x.tag in (f"{ATOM}content", f"{ATOM}title", f"{ATOM}summary",
                     f"{ATOM}subtitle"):
            assert x.get("type") in (None, "text")
    parsed = parse(feed)
    assert "<script>alert(1)</script>" in parsed.feed.title  # shown as the text it is
    assert all(e.content[0].type == "text/plain" for e in parsed.entries)
    raw = feed.read_text(encoding="utf-8")
    assert "<script" not in raw and "INTERNAL-ONLY" not in raw
    hrefs = [x.get("href") for x in root.iter(f"{ATOM}link")]
    assert all(h and "javascript" not in h.lower() and ":" not in h for h in hrefs)
