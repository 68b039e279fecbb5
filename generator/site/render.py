"""Stage 4, render: a client's public model becomes Markdown pages and a MkDocs config.

Templates live in `content/templates` (a project's own `content/templates` overrides them).
Every `{{ value }}` is escaped for Markdown and HTML unless it is already `Markup`: text from
YAML is data, never markup, and it is never used as template source.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from generator.format.pages import (
    DECISION_TEMPLATE,
    UPDATE_MONTH_TEMPLATE,
    PageKind,
    decision_page,
    navigation,
    site_pages,
    update_month_page,
)
from generator.numbers import plural
from generator.project.model import Project, Section
from generator.site import views, wording
from generator.site.markup import RichText, abbreviations, attr, inert, inert_headings, md_text

_PACKAGE = Path(__file__).resolve().parent.parent  # the generator package
_SOURCE = _PACKAGE.parent
# Shared templates and the base config: the source tree's content/ and mkdocs.yml, or the
# copies a wheel carries inside the package (see pyproject.toml).
if (_SOURCE / "content" / "templates").is_dir() and (_SOURCE / "mkdocs.yml").is_file():
    CONTENT, BASE_CONFIG = _SOURCE / "content", _SOURCE / "mkdocs.yml"
else:
    CONTENT, BASE_CONFIG = _PACKAGE / "_content", _PACKAGE / "_base" / "mkdocs.yml"


@dataclass(frozen=True)
class SiteVersion:
    """Which version of a client's site is being built, and its history."""

    name: str                      # "latest" or the version's name, e.g. "v2"
    date: date                     # the version's "today": its tag date
    is_latest: bool
    note: str = ""
    # `dt.date` below: inside this class, `date` is the field above, not the type.
    previous: tuple[str, dt.date] | None = None   # the version compared with
    changes: list[Section] = field(default_factory=list)
    slips: dict[str, list[str]] = field(default_factory=dict)  # milestone -> phrases
    baseline: dict[str, dt.date] = field(default_factory=dict)  # first version's planned

    @property
    def changes_since(self) -> str:
        """'3 changes since v2 (2 November 2026)': one per sentence of What changed; '' when
        nothing changed ('0 changes since v2' read like a fault of the site)."""
        n = sum(len(s.sentences) for s in self.changes)
        if self.previous is None or n == 0:
            return ""
        name, day = self.previous
        return f"{plural(n, 'change')} since {name} ({wording.long_date(day)})"


@dataclass(frozen=True)
class Page:
    path: str        # relative to docs/, e.g. "decisions/dr-001.md"
    template: str
    title: str       # plain text, for the browser tab and the navigation
    context: dict[str, Any] = field(default_factory=dict)
    wide: bool = False  # tables need the room: no table of contents on the side


def template_dirs(project_root: Path | None = None) -> list[Path]:
    """Where templates are looked up: the project's own overrides first, then Milepost's."""
    dirs = []
    if project_root is not None:
        own = project_root / "content" / "templates"
        if own.is_dir() and own.resolve() != (CONTENT / "templates").resolve():
            dirs.append(own)
    return [*dirs, CONTENT / "templates"]


def _finalize(value: Any) -> Markup:
    """Applied to every `{{ value }}`: data is escaped for Markdown and HTML alike."""
    if value is None:
        return Markup("")
    return value if isinstance(value, Markup) else Markup(md_text(value))


def environment(project_root: Path | None = None) -> jinja2.Environment:
    """The templates' environment for a repository, as its template folders are now."""
    return _environment(_template_files(template_dirs(project_root)))


def _template_files(dirs: list[Path]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each template folder with the files in a repository's own: what decides which file
    each page is made from. Looked at on every call, since `serve` runs for hours and the
    PM may create content/templates/, or add a template to it, meanwhile (Jinja itself
    only notices a change to the file it already uses)."""
    own = dirs[:-1]  # the last is Milepost's, which does not change while it runs
    return (*((str(d), tuple(sorted(str(f.relative_to(d)) for f in d.rglob("*")
                                    if f.is_file()))) for d in own),
            (str(dirs[-1]), ()))


@functools.lru_cache(maxsize=8)
def _environment(template_files: tuple[tuple[str, tuple[str, ...]], ...]
                 ) -> jinja2.Environment:
    """One environment per set of template files: Jinja then compiles each template once,
    and keeps the compiled code for the next process (see `compiled`)."""
    from generator.site.compiled import COMPILED

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([folder for folder, _ in template_files]),
        # Autoescape makes macro output Markup; `_finalize` escapes data for Markdown first,
        # so Jinja's own HTML escaping never applies twice.
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=COMPILED,
    )
    # Only helpers that lay out: what a page shows comes worked out in its view.
    env.globals.update(
        link=link, mailto=mailto, rag=rag, badge=badge, html=html_text, bar=bar, cell=cell,
    )
    return env


# --- helpers the templates call: each returns Markup built from escaped parts ---------------

def link(text: Any, url: str) -> Markup:
    """A Markdown link; `url` is built by Milepost from IDs, never taken from YAML."""
    return Markup(f"[{md_text(text)}]({url})")


def mailto(email: str) -> Markup:
    """A link to write to someone: the address is validated, and quoted for the URL."""
    return link(email, "mailto:" + urllib.parse.quote(email, safe="@.+-_"))


def html_text(value: Any) -> Markup:
    return Markup(attr(value))


def badge(key: str, label: Any) -> Markup:
    """A state in a coloured box: left out of search, whose snippets it would break up."""
    return Markup(f'<span class="mp-badge mp-{attr(key)}" data-search-exclude>'
                  f"{attr(label)}</span>")


def cell(column: str) -> Markup:
    """Names a table cell's column, for a phone: there a table whose cells do so becomes a
    card per row, each value after its column's name (milepost.css). The name is drawn from
    `data-label`, so it is not in the cell's text: search, sorting and copying skip it."""
    return Markup(f'<span class="mp-cell" data-label="{attr(column)}"></span>')


def rag(value: str | None) -> Markup:
    """Health in words and colour: colour alone does not carry the meaning."""
    if not value:
        return badge("none", "Not reported")
    return badge(f"rag-{value}", f"{value.capitalize()}: {wording.RAG_WORDS[value]}")


def bar(part: float, whole: float, label: str) -> Markup:
    share = 0 if whole <= 0 else min(part / whole, 1.0)
    over = " mp-bar-over" if whole > 0 and part > whole else ""
    return Markup(
        f'<div class="mp-bar{over}" role="img" aria-label="{attr(label)}">'
        f'<span style="width: {share * 100:.1f}%"></span></div>')


# --- pages ------------------------------------------------------------------------------------

def pages(p: Project, today: date, version: SiteVersion | None = None) -> list[Page]:
    """Every page of a client's site, each with its view (see `views`). A template gets
    its view and `rich`, the safe rendering of the Markdown fields the view holds as
    written (with the glossary's terms marked): not the project, nor the day, since what
    a page shows is worked out in its view."""
    common = {"rich": RichText(p.client.glossary)}

    result = [
        Page(kind.path, kind.template, p.client.project if kind.project_named else kind.title,
             {"view": _view_of(kind)(p, today, version)}, wide=kind.wide)
        for kind in site_pages(feedback=bool(p.feedback), glossary=bool(p.client.glossary),
                               versioned=version is not None)
    ]
    for decision, view in zip(p.decisions, views.decision_pages(p), strict=True):
        result.append(Page(decision_page(decision.id), DECISION_TEMPLATE,
                           f"{decision.id}: {decision.title}", {"view": view}))
    for month in views.update_months(p, today, version):
        result.append(Page(update_month_page(month.key), UPDATE_MONTH_TEMPLATE,
                           f"Updates of {month.name}", {"view": month}))
    return [replace(x, context={**common, **x.context}) for x in result]


def _view_of(kind: PageKind) -> Callable[[Project, date, SiteVersion | None], object]:
    """The view that works out what a listed page shows: `views` has one by the page's key."""
    build: Callable[[Project, date, SiteVersion | None], object] = getattr(views, kind.key)
    return build


def render_pages(p: Project, today: date, project_root: Path | None = None,
                 version: SiteVersion | None = None) -> dict[str, str]:
    """Page path -> Markdown text. Each page ends with the glossary as abbreviations; its
    headings are `inert`, whichever template (Milepost's or the project's) wrote them."""
    env = environment(project_root)
    glossary = abbreviations(p.client.glossary)
    out = {}
    for page in pages(p, today, version):
        text = inert_headings(env.get_template(page.template).render(page.context))
        if version is not None and not version.is_latest:
            text = _banner(version, page.path) + text
        body = text.rstrip() + ("\n\n" + glossary if glossary else "") + "\n"
        out[page.path] = _front_matter(page) + body
    return out


def _front_matter(page: Page) -> str:
    """The page's title (`inert`: the theme prints it raw, and shows it as HTML in a
    tooltip) and layout."""
    return front_matter(inert(page.title), page.wide)


def front_matter(title: str, wide: bool) -> str:
    """YAML front matter with the page's title, and for a wide page no table of contents.
    A printable title is written as a JSON string, which YAML reads as the same text (and
    is some 40 times quicker to write than by PyYAML's emitter, once per page); any other
    is left to PyYAML, which escapes what YAML would read as a line break."""
    hide = "hide:\n- toc\n" if wide else ""
    if title.isprintable():
        return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{hide}---\n"
    meta: dict[str, Any] = {"title": title, **({"hide": ["toc"]} if wide else {})}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _banner(version: SiteVersion, page_path: str) -> str:
    """Every page of an older version says so first, with a way to the latest."""
    up = "../" * (page_path.count("/") + 1)
    return (f'<div class="mp-callout mp-callout-version"><strong>You are viewing the plan '
            f"as of {attr(version.name)} ({attr(wording.long_date(version.date))}).</strong> "
            f'<a href="{up}latest/{page_path[:-3]}.html">See the latest.</a></div>\n\n')


def site_name(name: str) -> str:
    """The client's name for MkDocs' site_name: `inert`, as Material shows it in the header's
    tooltip, and with '"' escaped for the attribute (aria-label) the theme prints it in raw."""
    return inert(name).replace('"', "&quot;")


def site_config(p: Project, base_config: Path, docs_dir: str, site_dir: str,
                page_paths: list[str], versioned: bool = False) -> str:
    """The client's mkdocs.yml: inherits the base config, adds name, branding and nav."""
    config: dict[str, Any] = {
        "INHERIT": str(base_config),
        "site_name": site_name(p.client.name),
        "docs_dir": docs_dir,
        "site_dir": site_dir,
        "nav": [{title: path} for title, path in navigation(page_paths)],
    }
    if versioned:
        # Material's version selector reads ../versions.json, written in mike's format.
        config["extra"] = {"version": {"provider": "mike"}}
    theme = p.client.theme
    if theme is not None:
        palette = {k: v for k, v in (("primary", theme.primary), ("accent", theme.accent)) if v}
        config["theme"] = {"palette": palette} if palette else {}
        if theme.logo:
            config["theme"]["logo"] = f"assets/{theme.logo}"
        if not config["theme"]:
            del config["theme"]
    # Milepost's theme overrides (content/overrides/main.html): every page is marked noindex
    # and announces the client's Atom feed.
    config.setdefault("theme", {})["custom_dir"] = str(CONTENT / "overrides")
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
