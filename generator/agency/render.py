"""The agency's pages: Markdown from the templates in `content/agency/templates`.

The same rules as a client's pages (`site/render.py`, whose helpers the templates call):
every `{{ value }}` is escaped, text from YAML is data. Figures and words come from
`portfolio.py`; the templates only lay them out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from generator.agency import portfolio as pf
from generator.agency.full import PAGE_ORDER, AgencyClient, Held, Note
from generator.agency.timeline import portfolio_timeline
from generator.format.pages import NAV
from generator.site import derive
from generator.site.markup import plain, title_text
from generator.site.render import CONTENT, environment

AGENCY = CONTENT / "agency"
FOLDER = "_agency"   # beside the client folders; no client slug can start with '_'
WIDE = ("index.md", "across.md")


@dataclass(frozen=True)
class AgencyView:
    """Everything the agency's site shows, computed before any page is written."""

    today: date
    clients: list[AgencyClient]
    invalid: list[str]
    slips: list[pf.Slip]
    versioned_clients: int
    versioned: bool            # client sites keep their current pages in latest/


def agency_environment(project_root: Path | None = None) -> jinja2.Environment:
    """The client pages' environment (escaping, helpers), reading the agency's templates."""
    return _agency_environment(environment(project_root))


@functools.lru_cache(maxsize=4)
def _agency_environment(base: jinja2.Environment) -> jinja2.Environment:
    """Kept per client pages' environment, which follows the repository's template folders."""
    own = base.loader
    assert isinstance(own, jinja2.FileSystemLoader)  # environment() reads template folders
    env = base.overlay(loader=jinja2.FileSystemLoader([str(AGENCY / "templates"),
                                                      *own.searchpath]))
    # The agency's templates still format dates and figures themselves (the client pages'
    # templates get finished text from site/views.py); these helpers serve them alone.
    env.globals.update(d=derive, signed=lambda n: Markup(derive.signed_days(n)))
    env.filters.update(long=derive.long_date, short=derive.short_date, plain=plain)
    return env


def client_site(slug: str, versioned: bool, up: str = "") -> str:
    """The client's site from an agency page: beside `_agency/`, in latest/ when versioned."""
    return f"{up}../{slug}/{'latest/' if versioned else ''}"


def _client_pages(c: AgencyClient, versioned: bool) -> list[tuple[str, str]]:
    """(title, address) of each page the client's site has, from a page in clients/."""
    base = client_site(c.slug, versioned, "../")
    shown = [(t, path) for t, path in NAV if path != "what-changed.md"
             and (path != "glossary.md" or c.public.client.glossary)]
    return [(t, base + path[:-3] + ".html") for t, path in shown]


def _sections(c: AgencyClient, versioned: bool) -> list[tuple[str, str, list[Held], list[Note]]]:
    """What is held back, by the client page it would stand on, in the site's order."""
    base = client_site(c.slug, versioned, "../")
    found: list[tuple[str, str, list[Held], list[Note]]] = []
    for title in PAGE_ORDER:
        held = [h for h in c.held if h.page == title]
        notes = [n for n in c.notes if n.page == title]
        if held or notes:
            link = held[0].link if held else notes[0].link
            found.append((title, base + link, held, notes))
    return found


def pages(view: AgencyView) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Page path -> (title, template, context)."""
    rows = pf.portfolio(view.clients, view.today)
    common = {"today": view.today}
    result: dict[str, tuple[str, str, dict[str, Any]]] = {
        "index.md": ("Portfolio", "portfolio.md.j2", {
            "rows": rows, "invalid": view.invalid, "stale_after": pf.STALE_AFTER,
            "site_links": {c.slug: client_site(c.slug, view.versioned) + "index.html"
                           for c in view.clients}}),
        "across.md": ("Across clients", "across.md.j2", {
            "tasks": pf.overdue_tasks(view.clients, view.today),
            "signoffs": pf.waiting_signoffs(view.clients, view.today),
            "changes": pf.waiting_changes(view.clients, view.today),
            "slips": view.slips, "versioned_clients": view.versioned_clients,
            "risks": pf.risks_by_severity(view.clients)}),
        "timeline.md": ("Timeline", "timeline.md.j2", {
            "timeline": Markup(portfolio_timeline(
                [c.full for c in sorted(view.clients, key=lambda c: c.full.client.name.lower())],
                view.today))}),
    }
    by_slug = {x.slug: x for x in rows}
    for c in sorted(view.clients, key=lambda c: c.full.client.name.lower()):
        result[f"clients/{c.slug}.md"] = (c.full.client.name, "client.md.j2", {
            "x": by_slug[c.slug], "client_pages": _client_pages(c, view.versioned),
            "sections": _sections(c, view.versioned)})
    return {path: (title, template, {**common, **context})
            for path, (title, template, context) in result.items()}


def render_agency(view: AgencyView, project_root: Path | None = None) -> dict[str, str]:
    """Page path -> Markdown text."""
    env = agency_environment(project_root)
    out = {}
    for path, (title, template, context) in pages(view).items():
        body = env.get_template(template).render(context).rstrip() + "\n"
        # the wide tables need the whole width: no navigation beside them, no contents
        hide = ["navigation", "toc"] if path in WIDE else ["toc"]
        meta = {"title": title_text(title), "hide": hide}
        out[path] = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + \
            "---\n" + body
    return out


def agency_config(base_config: Path, page_paths: list[str], names: dict[str, str]) -> str:
    """The agency site's mkdocs.yml: the base config, its own nav, styles and sort script."""
    clients = [{title_text(names[p]): p} for p in page_paths if p.startswith("clients/")]
    config: dict[str, Any] = {
        "INHERIT": str(base_config),
        "site_name": "Agency view",
        "docs_dir": "docs",
        "site_dir": "site",
        "nav": [{"Portfolio": "index.md"}, {"Across clients": "across.md"},
                {"Timeline": "timeline.md"}, *([{"Clients": clients}] if clients else [])],
        "extra_css": ["assets/milepost.css", "assets/agency.css"],
        "extra_javascript": ["assets/sort.js"],
        "theme": {"custom_dir": str(AGENCY / "overrides")},
    }
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
