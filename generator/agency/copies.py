"""The agency's copy of a client's site: the client's own pages, and what is held back from
them shown in place.

A project manager checks what the client sees and what is held back side by side: the copy
is the client's built site itself (the same pages, the same bytes but for the boxes), and each
page gets one box, marked internal, with the internal records and `internal_notes` that belong
on it. The boxes are put into the built pages rather than the pages being built again: a second
MkDocs build of every client would double the build.

The copy is made of hard links to the client's files where it can, so it costs next to
nothing; every file the copy changes is written as a new file (`_write_new`), never through a
link, so nothing of the boxes can reach the client's own files.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from generator.agency.full import AgencyClient, Held, Note
from generator.agency.views import BOX_ID
from generator.history.versions import LATEST
from generator.numbers import plural, possessive
from generator.site.build import ZENSICAL, search_index_of
from generator.site.output import VERSIONED, layout_of
from generator.site.render import CONTENT

# Material wraps each page's content in this element; the box goes after the page's title.
ARTICLE = re.compile(r'<article\b[^>]*\bclass="[^"]*\bmd-content__inner\b[^"]*"[^>]*>')
TITLE_END = "</h1>"


class CopyError(Exception):
    """A built page the box cannot be put into (a theme that writes no Material article)."""


@dataclass(frozen=True)
class HeldView:
    """One internal record in a box: what it is, and each field as written."""

    anchor: str
    about: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]   # (field, its lines)


@dataclass(frozen=True)
class NoteView:
    about: str
    where: str                 # the file and key path it was written at
    lines: tuple[str, ...]     # the note's lines: the page keeps its line breaks


@dataclass(frozen=True)
class BoxView:
    """What one page of the copy says about itself, in finished words."""

    title: str
    says: str
    agency_href: str
    summary_href: str
    summary_text: str
    held: tuple[HeldView, ...]
    notes: tuple[NoteView, ...]
    current_href: str = ""     # on an earlier version's page: the same page now


def current_pages(site: Path) -> str:
    """Where a built client site keeps the pages of now: latest/ in a versioned site."""
    return f"{LATEST}/" if layout_of(site) == VERSIONED else ""


def items_by_page(c: AgencyClient, pages: set[str]) -> dict[str, tuple[list[Held], list[Note]]]:
    """Each page of the copy and what is held back from it. An item whose page the site
    does not have (no glossary, say) stands on the overview, so nothing is left out."""
    found: dict[str, tuple[list[Held], list[Note]]] = {}
    for h in c.held:
        found.setdefault(h.link if h.link in pages else "index.html", ([], []))[0].append(h)
    for n in c.notes:
        found.setdefault(n.link if n.link in pages else "index.html", ([], []))[1].append(n)
    return found


def box_view(c: AgencyClient, page: str, held: list[Held], notes: list[Note],
             agency_root: str) -> BoxView:
    """The box of one page; `page` is its address within the client's current pages and
    `agency_root` the agency site's root, from the copy's current pages."""
    up = "../" * page.count("/") + agency_root
    name = c.public.client.name
    if held or notes:
        parts = [*([plural(len(held), "internal record")] if held else []),
                 *([plural(len(notes), "internal note")] if notes else [])]
        verb = "is" if len(held) + len(notes) == 1 else "are"
        says = (f"{name} sees this page without this box: {' and '.join(parts)} "
                f"belonging here {verb} held back from their site.")
    else:
        says = (f"Nothing on this page is held back: {name} sees exactly what follows.")
    return BoxView(
        title=f"Internal: the agency's copy of {possessive(name)} site",
        says=says, agency_href=f"{up}index.html",
        summary_href=f"{up}clients/{c.slug}.html", summary_text=f"{name} in the agency's view",
        held=tuple(HeldView(f"{BOX_ID}-{k + 1}", h.about,
                           tuple((name, tuple(value.strip().splitlines()))
                                 for name, value in h.fields))
                  for k, h in enumerate(held)),
        notes=tuple(NoteView(n.about, n.file + (f", {n.path}" if n.path else ""),
                             tuple(n.text.strip().splitlines())) for n in notes))


def version_box_view(c: AgencyClient, version: str, page: str, now: str,
                     agency_root: str) -> BoxView:
    """The box of a page of an earlier version (`page` within the version's folder, `now`
    the current page it leads to): it is what the client saw then; what is held back is
    shown on the current pages."""
    up = "../" * page.count("/") + agency_root
    name = c.public.client.name
    return BoxView(
        title=f"Internal: the agency's copy of {possessive(name)} site",
        says=(f"This is {version}, as {name} saw it. What is held back from the client is "
              "shown on the current pages."),
        agency_href=f"{up}index.html", summary_href=f"{up}clients/{c.slug}.html",
        summary_text=f"{name} in the agency's view", held=(), notes=(),
        current_href="../" * (page.count("/") + 1) + f"{LATEST}/{now}")


@functools.cache
def _box_template() -> jinja2.Template:
    # HTML, escaped by Jinja: every value in the box is text from YAML.
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True,
                             loader=jinja2.FileSystemLoader(str(CONTENT / "agency" / "templates")))
    return env.get_template("held-back.html.j2")


def render_box(view: BoxView) -> str:
    return _box_template().render(view=view)


def with_box(page_html: str, box: str, page: str) -> str:
    """The page with the box after its title (or at the top of its content)."""
    article = ARTICLE.search(page_html)
    if article is None:
        raise CopyError(f"{page}: the built page has no Material content area "
                        '(<article class="md-content__inner">) to put the agency\'s box in; '
                        "does a theme override replace it?")
    end = page_html.find(TITLE_END, article.end())
    at = end + len(TITLE_END) if end != -1 else article.end()
    return page_html[:at] + "\n" + box + page_html[at:]


def _write_new(path: Path, text: str) -> None:
    """Write `path` as a new file: a hard link to the client's file is replaced, never
    written through."""
    fresh = path.with_name(f".{path.name}.new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a real copy
        shutil.copy2(source, target)


def _search_entries(page: str, view: BoxView) -> list[dict[str, str]]:
    """Search entries for the box, so internal text is found in the copy. Material shows an
    entry's title and text as HTML: both are escaped."""
    records = [f"{h.about}: " + "; ".join(f"{name}: {' '.join(lines)}" for name, lines in h.fields)
               for h in view.held]
    notes = [f"{n.about}: {' '.join(n.lines)}" for n in view.notes]
    text = " ".join([view.says, *records, *notes])
    return [{"location": f"{page}#{BOX_ID}", "title": str(escape(view.title)),
             "text": str(escape(text))}]


def add_to_search(site: Path, entries: list[dict[str, Any]]) -> None:
    """Put the boxes' entries in the site's search index, in the shape of the engine that
    built it (MkDocs' `docs`, Zensical's `items`, whose entries also name their level, the
    page's place in the navigation and tags)."""
    found = search_index_of(site)
    if not entries or found is None:
        return
    index_file = site / found.file
    index: dict[str, Any] = json.loads(index_file.read_text(encoding="utf-8"))
    listed = index.setdefault(found.entries, [])
    if found.entries == ZENSICAL.search.entries:
        titles = {e["location"]: e.get("path", []) for e in listed if "#" not in e["location"]}
        entries = [{**e, "level": 2, "path": titles.get(e["location"].split("#")[0], []),
                    "tags": []} for e in entries]
    listed.extend(entries)
    _write_new(index_file, json.dumps(index, ensure_ascii=False, separators=(",", ":")))


def copy_site(site: Path, into: Path, c: AgencyClient, agency_root: str) -> int:
    """Copy the client's built site to `into`, a box on every current page; returns the
    number of pages that hold something held back. `agency_root` is the agency site's root
    from the copy's folder."""
    # Hidden files too are left out: the copy is no client's folder, whatever its layout.
    shutil.copytree(site, into, copy_function=_link_or_copy,
                    ignore=lambda _, names: {n for n in names if n.startswith(".")})
    now = current_pages(site)
    current = into / now
    agency_root = "../" * now.count("/") + agency_root
    pages = {p.relative_to(current).as_posix(): p for p in sorted(current.rglob("*.html"))}
    items = items_by_page(c, set(pages))
    entries: list[dict[str, Any]] = []
    for rel, path in pages.items():
        held, notes = items.get(rel, ([], []))
        view = box_view(c, rel, held, notes, agency_root)
        _write_new(path, with_box(path.read_text(encoding="utf-8"), render_box(view), rel))
        if held or notes:
            entries += _search_entries(rel, view)
    add_to_search(current, entries)
    if now:
        _mark_versions(into, c, agency_root)
    return sum(1 for held, notes in items.values() if held or notes)


def _mark_versions(into: Path, c: AgencyClient, agency_root: str) -> None:
    """A box on every page of each earlier version of a versioned copy: without one, a page
    of v1 would look like a page with nothing held back."""
    for folder in sorted(p for p in into.iterdir() if p.is_dir() and p.name != LATEST):
        for path in sorted(folder.rglob("*.html")):
            rel = path.relative_to(folder).as_posix()
            text = path.read_text(encoding="utf-8")
            if ARTICLE.search(text) is None:  # not a page of the site (a redirect, say)
                continue
            now = rel if (into / LATEST / rel).is_file() else "index.html"
            box = render_box(version_box_view(c, folder.name, rel, now, agency_root))
            _write_new(path, with_box(text, box, f"{folder.name}/{rel}"))
