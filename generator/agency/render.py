"""The agency's pages: Markdown from the templates in `content/agency/templates`.

The same rules as a client's pages (`site/render.py`, whose helpers the templates call):
every `{{ value }}` is escaped, text from YAML is data. Figures come from `portfolio.py`,
worded in `views.py`; the templates only lay them out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator.agency import FOLDER as FOLDER  # where the site goes, for those that build it
from generator.agency import portfolio as pf
from generator.agency import views
from generator.agency.full import AgencyClient
from generator.site.markup import inert, inert_headings
from generator.site.render import CONTENT, environment

AGENCY = CONTENT / "agency"
WIDE = ("index.md", "across.md")


@dataclass(frozen=True)
class AgencyView:
    """Everything the agency's site shows, computed before any page is written."""

    today: date
    clients: list[AgencyClient]
    invalid: list[str]
    slips: list[pf.Slip]
    versioned_clients: int
    versioned: frozenset[str]  # clients whose site keeps its current pages in latest/
    copied: frozenset[str]     # clients whose site's copy is in sites/


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
    return env


def pages(view: AgencyView) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Page path -> (title, template, context)."""
    rows = pf.portfolio(view.clients, view.today)
    result: dict[str, tuple[str, str, dict[str, Any]]] = {
        "index.md": ("Portfolio", "portfolio.md.j2", {
            "view": views.portfolio(rows, view.invalid, view.today, view.versioned)}),
        "across.md": ("Across clients", "across.md.j2", {
            "view": views.across(view.clients, view.slips, view.versioned_clients,
                                 view.today)}),
        "timeline.md": ("Timeline", "timeline.md.j2", {
            "view": views.timeline(view.clients, view.today)}),
    }
    by_slug = {x.slug: x for x in rows}
    for c in sorted(view.clients, key=lambda c: c.full.client.name.lower()):
        result[f"clients/{c.slug}.md"] = (c.full.client.name, "client.md.j2", {
            "view": views.client(c, by_slug[c.slug], c.slug in view.copied,
                                 c.slug in view.versioned,
                                 view.today)})
    return result


def render_agency(view: AgencyView, project_root: Path | None = None) -> dict[str, str]:
    """Page path -> Markdown text."""
    env = agency_environment(project_root)
    out = {}
    for path, (title, template, context) in pages(view).items():
        body = inert_headings(env.get_template(template).render(context)).rstrip() + "\n"
        # the wide tables need the whole width: no navigation beside them, no contents
        hide = ["navigation", "toc"] if path in WIDE else ["toc"]
        meta = {"title": inert(title), "hide": hide}
        out[path] = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + \
            "---\n" + body
    return out


def agency_config(base_config: Path, page_paths: list[str], names: dict[str, str]) -> str:
    """The agency site's mkdocs.yml: the base config, its own nav, styles and sort script."""
    clients = [{inert(names[p]): p} for p in page_paths if p.startswith("clients/")]
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
