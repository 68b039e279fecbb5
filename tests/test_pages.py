"""The one list of a client site's pages (`format/pages.py`): a page added there is in the
navigation, among the pages written, where the agency's copy puts what is held back, in the
digest's links and among the names versions and decision IDs may not take; and the list
matches the views and templates. Fast."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.agency import full
from generator.format import pages
from generator.format import records as r
from generator.history.versions import reserved_version_names
from generator.project.client import read_and_check
from generator.project.model import Project, Section
from generator.ship.digest.content import Digest
from generator.ship.digest.render import as_html, as_text
from generator.site import views
from generator.site.render import CONTENT, site_config
from generator.site.render import pages as site_pages
from tests.conftest import AS_OF, VALID_TEXT, files_with

TODAY = date(2026, 6, 1)
BUDGET_PAGE = pages.PageKind("budget", "Budget", "budget.md", "budget.md.j2", wide=True,
                             records=(r.Budget,), sections=("Budget",))


@pytest.fixture
def budget_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of its own for the budget, after Scope changes, added in the one list (its
    record and section taken from Overview), with the view that builds it."""
    listed = []
    for kind in pages.PAGES:
        if kind.key == "overview":
            kind = dataclasses.replace(kind, records=(r.Client, r.Theme), sections=("Project",))
        listed.append(kind)
        if kind.key == "changes":
            listed.append(BUDGET_PAGE)
    monkeypatch.setattr(pages, "PAGES", tuple(listed))
    monkeypatch.setattr(views, "budget", lambda p, today, version: ("budget view", p.slug),
                        raising=False)


def project() -> Project:
    client = r.Client(name="Acme & Co", project="Relaunch", start=date(2026, 1, 5),
                      budget=r.Budget(currency="EUR", total=1000))
    return Project(slug="acme", folder=Path("acme"), client=client)


def digest(*changes: Section) -> Digest:
    return Digest(slug="acme", project="Relaunch", client="Acme & Co", today=TODAY,
                  site="https://portal.example/acme/", to=[], reply_to=None, answerer=None,
                  subject="Relaunch", needs=[], changes=list(changes), since=None,
                  first=True, status=None)


@pytest.mark.usefixtures("budget_page")
def test_a_page_added_to_the_list_is_written_and_in_the_navigation() -> None:
    written = site_pages(project(), TODAY)
    budget = next(x for x in written if x.path == "budget.md")
    assert (budget.template, budget.title, budget.wide) == ("budget.md.j2", "Budget", True)
    assert budget.context["view"] == ("budget view", "acme")
    config = site_config(project(), Path("mkdocs.yml"), "docs", "site",
                         [x.path for x in written])
    nav = [title for entry in yaml.safe_load(config)["nav"] for title in entry]
    assert nav == ["Overview", "Waiting on you", "Roadmap", "Decisions", "Sign-offs",
                   "Scope changes", "Budget", "Risks", "Updates", "Team & communication"]


@pytest.mark.usefixtures("budget_page")
def test_a_page_added_to_the_list_is_where_the_agency_and_the_digest_find_it() -> None:
    assert full.page_of(r.Budget(currency="EUR", total=1000)) == ("Budget", "budget.html")
    assert full.page_of(r.Theme()) == ("Overview", "index.html")
    assert full.page_rank("Scope changes") < full.page_rank("Budget") < full.page_rank("Risks")
    d = digest(Section("Budget", ["The budget rose to EUR 1,200."]))
    assert "https://portal.example/acme/latest/budget.html" in as_text(d)
    assert 'href="https://portal.example/acme/latest/budget.html"' in as_html(d)
    assert "budget.html" in reserved_version_names()


def test_without_the_added_page_the_budget_stands_on_the_overview() -> None:
    """The counterpart of the tests above, with the list as it is."""
    assert full.page_of(r.Budget(currency="EUR", total=1000)) == ("Overview", "index.html")
    assert "latest/index.html" in as_text(digest(Section("Budget", ["It rose."])))
    assert "budget.md" not in [x.path for x in site_pages(project(), TODAY)]


def test_the_list_names_each_page_once_with_a_view_and_a_template() -> None:
    for field in ("key", "title", "path", "template"):
        values = [getattr(kind, field) for kind in pages.PAGES]
        assert len(values) == len(set(values)), field
    for kind in pages.PAGES:
        view = getattr(views, kind.key, None)
        assert callable(view), f"no view named {kind.key}"
        inspect.signature(view).bind("p", "today", "version")  # as render calls it


def test_the_lists_templates_are_the_page_templates_that_exist() -> None:
    """Every page's template exists, and every page template (a partial's name starts
    with '_') is some page's."""
    used = {kind.template for kind in pages.PAGES} | {pages.DECISION_TEMPLATE,
                                                      pages.UPDATE_MONTH_TEMPLATE}
    templates = CONTENT / "templates"
    existing = {f.name for f in templates.glob("*.md.j2") if not f.name.startswith("_")}
    assert used == existing


def test_every_kind_of_record_stands_on_a_page() -> None:
    """A new kind of record needs a page in the list (the agency's copy puts what is held
    back of it there); evidence of an answer stands with the record it answers."""
    kinds = [x for _, x in inspect.getmembers(r, inspect.isclass)
             if dataclasses.is_dataclass(x) and x.__module__ == r.__name__
             and "where" in {f.name for f in dataclasses.fields(x)} and x is not r.Evidence]
    shown = {t for kind in pages.PAGES for t in kind.records}
    assert set(kinds) == shown


def test_a_page_added_beside_the_decisions_reserves_its_name(
        monkeypatch: pytest.MonkeyPatch, make_project) -> None:
    archive = pages.PageKind("archive", "Archived decisions", "decisions/archive.md",
                             "archive.md.j2")
    monkeypatch.setattr(pages, "PAGES", (*pages.PAGES, archive))
    decision = VALID_TEXT["decisions/DR-001.yml"].replace("id: DR-001", "id: Archive")
    folder = make_project({"acme": files_with({"decisions/DR-001.yml": decision})}) / "acme"
    problems = read_and_check(folder, "projects/acme", date.fromisoformat(AS_OF)).problems
    assert [x.message for x in problems] == [
        "decision ID 'Archive' would replace the Archived decisions page "
        "(decisions/archive.md): each decision gets a page named after its ID, and these IDs "
        "are reserved for pages the site writes: archive, index (in any capitals); choose "
        "another ID, e.g. DR-001"]
