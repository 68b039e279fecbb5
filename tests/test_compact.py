"""Pages are written without the theme's indentation, and a browser sees the same page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.site.compact import compact_html

PAGE = """<!doctype html>
<html lang="en">
  <head>
    <script>let s = "</pre>";
      if (a < b) {
        go();
      }</script>

    <STYLE>
      p { color: red }
    </style>
  </head>
  <body>
    <p title="one
      two">A paragraph
      that wraps</p>
    <pre><code>def f():
    return 1
</code></pre>
    <textarea>
  kept
    </textarea>
    <span>a</span>
    <span>b</span>
  </body>
</html>
"""


class _Events(HTMLParser):
    """What a browser builds from a page: tags with their attributes, and text, where a run
    of whitespace counts as one space outside the elements that keep it."""

    KEEP = {"pre", "textarea", "script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, object]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", (tag, tuple(attrs))))
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if self.KEEP & set(self.open):
            self.events.append(("kept", data))
        elif (words := " ".join(data.split())) or data:
            # whitespace-only text between tags is one space or nothing to a browser
            last = self.events[-1] if self.events else None
            text = words if words else " "
            if last and last[0] == "text":
                self.events[-1] = ("text", " ".join(f"{last[1]} {text}".split()) or " ")
            else:
                self.events.append(("text", text))


def events(html: str) -> list[tuple[str, object]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return [(k, v) for k, v in parser.events if (k, v) != ("text", " ")]


def test_the_gaps_between_tags_become_one_line_break():
    compacted = compact_html(PAGE)
    indented = [line for line in compacted.splitlines() if line.lstrip().startswith("<")
                and line != line.lstrip()]
    assert indented == ["    </style>", "    </textarea>"]  # inside what keeps its spaces
    assert "\n\n" not in compacted
    assert len(PAGE) - len(compacted) == 37  # the 37 spaces and blank lines between tags


def test_what_keeps_its_whitespace_is_kept_byte_for_byte():
    compacted = compact_html(PAGE)
    for part in ['<script>let s = "</pre>";\n      if (a < b) {\n        go();\n      }</script>',
                 "<STYLE>\n      p { color: red }\n    </style>",
                 "<pre><code>def f():\n    return 1\n</code></pre>",
                 "<textarea>\n  kept\n    </textarea>",
                 'title="one\n      two"', "A paragraph\n      that wraps"]:
        assert part in compacted


def test_a_browser_sees_the_same_page():
    assert events(compact_html(PAGE)) == events(PAGE)
    assert compact_html(compact_html(PAGE)) == compact_html(PAGE)


@pytest.mark.slow
def test_built_pages_are_written_compacted(example_sites: Path, hostile_sites: Path):
    pages = [*example_sites.rglob("*.html"), *hostile_sites.rglob("*.html")]
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert compact_html(html) == html, f"{page} was not compacted"
