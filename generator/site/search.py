"""What the site's search finds: each page as a reader would read it aloud.

Material's search indexes a page's HTML as it stands: the timeline's labels ran together
("Sep 26Oct 26Nov 26…"), the health cards read "OverallAmber: Needs attention ScheduleAmber…"
and a table became its cells one after the other. Material shows that text as each result's
snippet. So Material indexes, instead of the page, a copy of it made for reading
(`searchable`): without drawings (SVG) and without what is marked `data-search-exclude` (the
badges and the health cards), and with each table row written as a sentence of its own
("Milestone: M4 Catalogue and CMS built. Planned: 13 Nov 2026. …"). The page itself, and
what the reader sees, stay exactly as built. Material honours `data-search-exclude` itself,
but ends an excluded element at the first closing tag of the same name (a nested <div>):
`searchable` leaves out the whole element.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

EXCLUDE = "data-search-exclude"  # Material's own marker, on what we write in HTML
# Zensical drops Material's marker from the pages it writes (and indexes what it marked): for
# Zensical the marker is renamed as each page is rendered (`KeepSearchMarks`), so that
# `searchable` still finds it in the built page.
KEPT_EXCLUDE = "data-mp-search-exclude"
_EMPTY_CELL = {"", "–", "-"}

# What search leaves out starts with one of these tags: a drawing, or an element marked.
_LEFT_OUT = re.compile(rf"<(svg)\b[^>]*>|<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*"
                       rf"\s(?:{EXCLUDE}|{KEPT_EXCLUDE})\b[^>]*>")
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", re.S)
_BREAK = re.compile(r"<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


@functools.cache
def _tags_named(name: str) -> re.Pattern[str]:
    """Opening, closing and self-closing tags of one name."""
    return re.compile(rf"<(/?){name}\b[^>]*?(/?)>", re.IGNORECASE)


def _without_left_out(page: str) -> str:
    """`page` without its drawings and marked elements, each with all it holds (counting the
    tags of its name, so a nested element of the same name does not end it)."""
    kept, at = [], 0
    while (start := _LEFT_OUT.search(page, at)) is not None:
        kept.append(page[at:start.start()])
        at = start.end()
        if start.group(0).endswith("/>"):
            continue
        depth = 1
        for tag in _tags_named(start.group(1) or start.group(2)).finditer(page, at):
            depth += 0 if tag.group(2) else -1 if tag.group(1) else 1
            if depth == 0:
                at = tag.end()
                break
        else:
            at = len(page)  # never closed: the rest of the page belongs to it
    return "".join(kept) + page[at:]


def _cell_text(cell: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(", ", cell))).split())


def _label(header: str) -> str:
    return header.rstrip(":").strip()


def _sentence(header: str, value: str) -> str:
    """'Planned: 13 Nov 2026.': a value ending a sentence of its own gets no second stop."""
    value = value.strip()
    stop = "" if value.endswith((".", "!", "?", "…")) else "."
    return f"{header}: {value}{stop}" if header else f"{value}{stop}"


def row_text(headers: list[str], cells: list[str]) -> str:
    """One table row as sentences, each cell under its column's heading; empty cells left
    out."""
    return " ".join(_sentence(_label(headers[k]) if k < len(headers) else "", cell)
                    for k, cell in enumerate(cells) if cell.strip() not in _EMPTY_CELL)


def _table_as_sentences(table: re.Match[str]) -> str:
    """A table as one paragraph per row; its heading row (the first, of <th> cells) names
    each cell."""
    rows = [[(kind, _cell_text(text)) for kind, text in _CELL.findall(row)]
            for row in _ROW.findall(table.group(1))]
    headers: list[str] = []
    if rows and rows[0] and all(kind == "h" for kind, _ in rows[0]):
        headers = [text for _, text in rows.pop(0)]
    return "".join(f"<p>{html.escape(row_text(headers, cells), quote=False)}</p>\n"
                   for cells in ([text for _, text in row] for row in rows)
                   if any(c not in _EMPTY_CELL for c in cells))


def searchable(page_html: str) -> str:
    """The page's content as search should read it (see the module's docstring)."""
    if EXCLUDE in page_html or KEPT_EXCLUDE in page_html or "<svg" in page_html:
        page_html = _without_left_out(page_html)
    return _TABLE.sub(_table_as_sentences, page_html) if "<table" in page_html else page_html


class SearchText(BasePlugin):
    """Gives Material's search the `searchable` copy of each page, then the page back."""

    @event_priority(100)  # before Material's search (priority 0)
    def _give_searchable(self, context: dict[str, Any], *, page: Any, **_: Any
                         ) -> dict[str, Any]:
        self._page = page.content
        page.content = searchable(page.content or "")
        return context

    @event_priority(-100)  # after it: the page is built from its own content
    def _give_back(self, context: dict[str, Any], *, page: Any, **_: Any) -> dict[str, Any]:
        page.content = self._page
        return context

    on_page_context = CombinedEvent(_give_searchable, _give_back)


# --- Zensical: the same reading, put into its index after the build ----------------------------
# Zensical runs no MkDocs plugin: it indexes each page's HTML as built (the timeline's labels
# run together again, tables become their cells). So once it has built the site, each entry
# of its index gets the text of its section of the `searchable` copy of the page instead.

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
_HEADING = re.compile(r"<h([1-6])\b[^>]*\bid=\"([^\"]+)\"[^>]*>.*?</h\1>", re.S)
_KEPT = re.compile(r"<(/?)(p|ul|ol|li)\b[^>]*>")  # what Zensical's entries keep as markup
_ANY_TAG = re.compile(r"<[^>]*>")


def _entry_text(section: str) -> str:
    """A section's HTML as Zensical writes an entry's text: paragraphs and lists kept (bare),
    every other tag dropped, white space as one space."""
    kept = _KEPT.sub(lambda m: f"\0{m.group(1)}{m.group(2)}\1", section)
    text = _ANY_TAG.sub("", kept).replace("\0", "<").replace("\1", ">")
    return " ".join(text.split())


def page_sections(page_html: str) -> dict[str, str]:
    """The text of each section of the page's article, as search should read it, by its
    heading's id; the page's title (its <h1>) under ''."""
    article = _ARTICLE.search(page_html)
    if article is None:
        return {}
    body = searchable(article.group(1))
    heads = list(_HEADING.finditer(body))
    found: dict[str, str] = {}
    for k, head in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(body)
        found["" if k == 0 and head.group(1) == "1" else head.group(2)] = \
            _entry_text(body[head.end():end])
    return found


def readable_index(site: Path, index_file: str, entries: str) -> None:
    """Give each entry of the search index at `site/index_file` (its list under `entries`)
    the text of its section of the page as `searchable` reads it."""
    path = site / index_file
    if not path.is_file():
        return
    index: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    pages: dict[str, dict[str, str]] = {}
    for entry in index.get(entries, []):
        page, _, anchor = str(entry.get("location", "")).partition("#")
        if page not in pages:
            built = site / page
            pages[page] = (page_sections(built.read_text(encoding="utf-8"))
                           if page and built.is_file() else {})
        text = pages[page].get(anchor)
        if text is not None:
            entry["text"] = text
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


class _RenameMarks(Postprocessor):
    def run(self, text: str) -> str:
        return re.sub(rf"(\s){EXCLUDE}\b", rf"\1{KEPT_EXCLUDE}", text)


class KeepSearchMarks(Extension):
    """For Zensical only (its config adds it, see zensical.py): each page's marks of what
    search leaves out, renamed so that Zensical keeps them in the page it writes."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's name)
        # after the raw HTML is put back (priority 30): the marks are in raw HTML
        md.postprocessors.register(_RenameMarks(md), "milepost-search-marks", 5)


def makeExtension(**kwargs: Any) -> KeepSearchMarks:  # noqa: N802 (Markdown's name)
    return KeepSearchMarks(**kwargs)
