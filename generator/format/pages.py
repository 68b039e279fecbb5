"""The pages every client site writes: the one list of them, which everything else reads.

Each kind of page is named once, here, with its title, path and template, when a site has it,
which records it shows and which sections of What changed it shows. The site writes them
and lays them out in this order in its navigation; the agency's copy puts what is held back
of a record beside the page that shows it; the digest links each section of what changed to
its page. They belong to the format because they reserve names: a decision ID becomes a page
(`decision_page`), and a version becomes a folder beside these pages, so neither may take
one of their names.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from generator.format import records as r

# When a site has a page: always, only when there is something to show, or only in a
# versioned site (What changed compares a version with the one before).
When = Literal["always", "with feedback", "with glossary", "versioned"]


@dataclass(frozen=True)
class PageKind:
    """One page of a client's site."""

    key: str                   # names the page in code; `site.views` builds it by this name
    title: str                 # in the navigation, and the page's own title but Overview's
    path: str                  # relative to the site's docs/, e.g. "decisions/index.md"
    template: str              # in content/templates/
    wide: bool = False         # tables need the room: no table of contents on the side
    when: When = "always"
    records: tuple[type, ...] = ()   # kinds of record it shows: the agency's copy puts what
                                     # is held back of them beside it
    sections: tuple[str, ...] = ()   # sections of What changed whose news it shows: the
                                     # digest links each to it
    project_named: bool = False      # titled with the project's name, not `title`

    @property
    def html(self) -> str:
        """The page's address within the built site, e.g. "decisions/index.html"."""
        return self.path.removesuffix(".md") + ".html"

    @property
    def folder(self) -> str:
        """The folder the page stands in, e.g. "decisions/"; "" at the top of the site."""
        return self.path.rpartition("/")[0] + "/" if "/" in self.path else ""


# Each page kind, named for the code that links to it.
OVERVIEW = PageKind("overview", "Overview", "index.md", "overview.md.j2", project_named=True,
                    records=(r.Client, r.Budget, r.Theme), sections=("Project", "Budget"))
WHAT_CHANGED = PageKind("what_changed", "What changed", "what-changed.md", "what-changed.md.j2",
                        when="versioned")
WAITING = PageKind("waiting", "Waiting on you", "waiting.md", "waiting.md.j2", wide=True,
                   records=(r.ClientTask,), sections=("Your tasks",))
ROADMAP = PageKind("roadmap", "Roadmap", "roadmap.md", "roadmap.md.j2", wide=True,
                   records=(r.Roadmap, r.Milestone), sections=("Milestones",))
DECISIONS = PageKind("decisions", "Decisions", "decisions/index.md", "decisions.md.j2",
                     records=(r.Decision, r.Option), sections=("Decisions",))
SIGNOFFS = PageKind("signoffs", "Sign-offs", "signoffs.md", "signoffs.md.j2", wide=True,
                    records=(r.Deliverable, r.Signoff), sections=("Sign-offs",))
CHANGES = PageKind("changes", "Scope changes", "changes.md", "changes.md.j2", wide=True,
                   records=(r.Change, r.Estimate), sections=("Scope changes",))
RISKS = PageKind("risks", "Risks", "risks.md", "risks.md.j2", wide=True,
                 records=(r.Risk,), sections=("Risks",))
UPDATES = PageKind("updates", "Updates", "updates/index.md", "updates.md.j2",
                   records=(r.Update,), sections=("Updates",))
FEEDBACK = PageKind("feedback", "Your feedback", "feedback.md", "feedback.md.j2",
                    when="with feedback", records=(r.Feedback,), sections=("Your feedback",))
TEAM = PageKind("team", "Team & communication", "team.md", "team.md.j2",
                records=(r.Contact, r.Channel))
GLOSSARY = PageKind("glossary", "Glossary", "glossary.md", "glossary.md.j2",
                    when="with glossary")

# Every page kind, in the navigation's order: what the site, the agency and the digest read.
PAGES: tuple[PageKind, ...] = (OVERVIEW, WHAT_CHANGED, WAITING, ROADMAP, DECISIONS, SIGNOFFS,
                               CHANGES, RISKS, UPDATES, FEEDBACK, TEAM, GLOSSARY)

# The pages written one per thing, beside a listed page and not in the navigation: each
# public decision's page beside Decisions, each month's status updates beside Updates.
DECISION_TEMPLATE = "decision.md.j2"
UPDATE_MONTH_TEMPLATE = "update-month.md.j2"


def site_pages(*, feedback: bool, glossary: bool, versioned: bool) -> list[PageKind]:
    """The listed pages a client's site has, in the navigation's order: Your feedback only
    with public feedback, Glossary only with terms, What changed only in a versioned site."""
    shown = {"always": True, "with feedback": feedback, "with glossary": glossary,
             "versioned": versioned}
    return [kind for kind in PAGES if shown[kind.when]]


def navigation(paths: Collection[str]) -> list[tuple[str, str]]:
    """(title, path) of each listed page among `paths`, in the navigation's order."""
    return [(kind.title, kind.path) for kind in PAGES if kind.path in paths]


def page_showing(record_type: type) -> PageKind:
    """The page that shows a kind of record; Overview for any other (the client's own)."""
    return next((kind for kind in PAGES if record_type in kind.records), OVERVIEW)


def page_of_section(title: str) -> PageKind:
    """The page that shows the news of a section of What changed; Overview for any other."""
    return next((kind for kind in PAGES if title in kind.sections), OVERVIEW)


def navigation_rank(title: str) -> int:
    """Where a page, by its title, comes in the navigation's order; after every listed page
    when it is none of them."""
    titles = [kind.title for kind in PAGES]
    return titles.index(title) if title in titles else len(titles)


def pages_beside_decisions() -> list[PageKind]:
    """The listed pages in the folder of decision pages: no decision ID may take their names."""
    return [kind for kind in PAGES if kind.folder == DECISIONS.folder]


def names_in_site_folder() -> set[str]:
    """What the listed pages take at the top of a built site's folder: a page's file, or the
    folder it stands in (no version may take them)."""
    return {kind.path.split("/", 1)[0] if "/" in kind.path else kind.html for kind in PAGES}


def decision_page(decision_id: str) -> str:
    """A public decision's own page, named after its ID in small letters."""
    return f"{DECISIONS.folder}{decision_id.lower()}.md"


def update_month_page(month_key: str) -> str:
    """The page of one month's status updates, e.g. "updates/2026-03.md"."""
    return f"{UPDATES.folder}{month_key}.md"
