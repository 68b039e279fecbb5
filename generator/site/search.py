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

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

EXCLUDE = "data-search-exclude"  # Material's own marker, on what we write in HTML
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_EMPTY_CELL = {"", "–", "-"}


@dataclass
class _Table:
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None   # the text of the cell being read
    in_head: bool = False
    headings_row: bool = False      # the row being read has only <th> cells so far


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


class _Reader(HTMLParser):
    """Copies HTML, leaving out drawings and excluded elements, and writing each table as one
    paragraph per row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0        # depth inside an element left out
        self.table: _Table | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            self.skipping += tag not in _VOID
            return
        if tag == "svg" or any(name == EXCLUDE for name, _ in attrs):
            self.skipping = int(tag not in _VOID)
            return
        if tag == "table":
            self.table = _Table()
        elif self.table is not None:
            self._table_start(self.table, tag)
        else:
            self.out.append(f"<{tag}{''.join(_attribute(n, v) for n, v in attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.skipping:  # <svg/>: nothing inside to skip
            self.skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= tag not in _VOID
            return
        table = self.table
        if table is None:
            if tag not in _VOID:
                self.out.append(f"</{tag}>")
        elif tag == "table":
            self.out += [f"<p>{html.escape(row_text(table.headers, row), quote=False)}</p>\n"
                         for row in table.rows if any(c.strip() not in _EMPTY_CELL for c in row)]
            self.table = None
        else:
            self._table_end(table, tag)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.table is None:
            self.out.append(html.escape(data, quote=False))
        elif self.table.cell is not None:
            self.table.cell.append(data)

    @staticmethod
    def _table_start(table: _Table, tag: str) -> None:
        if tag == "thead":
            table.in_head = True
        elif tag == "tr" and not table.in_head:
            table.rows.append([])
            table.headings_row = True
        elif tag in ("td", "th"):
            table.cell = []
            table.headings_row &= tag == "th"
        elif tag == "br" and table.cell is not None:
            table.cell.append(", ")

    @staticmethod
    def _table_end(table: _Table, tag: str) -> None:
        if tag == "thead":
            table.in_head = False
        elif tag == "tr" and table.headings_row and not table.headers and table.rows:
            table.headers = table.rows.pop()  # a table without <thead>: its row of <th>
        elif tag in ("td", "th") and table.cell is not None:
            text = " ".join("".join(table.cell).split())
            if table.in_head:
                table.headers.append(text)
            elif table.rows:
                table.rows[-1].append(text)
            table.cell = None


def _attribute(name: str, value: str | None) -> str:
    return f" {name}" if value is None else f' {name}="{html.escape(value)}"'


def searchable(page_html: str) -> str:
    """The page's content as search should read it (see the module's docstring)."""
    reader = _Reader()
    reader.feed(page_html)
    reader.close()
    return "".join(reader.out)


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
