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
import re
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

EXCLUDE = "data-search-exclude"  # Material's own marker, on what we write in HTML
_EMPTY_CELL = {"", "–", "-"}

# What search leaves out starts with one of these tags: a drawing, or an element marked.
_LEFT_OUT = re.compile(rf"<(svg)\b[^>]*>|<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\s{EXCLUDE}\b[^>]*>")
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
    if EXCLUDE in page_html or "<svg" in page_html:
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
