"""Pages written without the theme's indentation: the blank lines and leading spaces between
one tag and the next.

Material's templates are deeply indented, and every client's and every version's copy of a
page carries that indentation: about a seventh of a page's bytes. Pages are the part of a
site that cannot be shared between sites (the theme's files already are), so this is what
decides the output's size on disk and what a browser downloads.

Only whitespace that runs from the end of one tag to the start of the next and holds a line
break is touched, and it stays one line break: a browser shows the page exactly as before
(whitespace between tags is one space or nothing either way). Text and attribute values are
never changed, and neither is anything inside `pre`, `textarea`, `script` or `style`, where
whitespace counts (code blocks) or is hashed (the hosting policy pins inline scripts and
styles by their exact bytes).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.plugins import BasePlugin

# The elements whose content is kept byte for byte, whole, with their tags: found by their
# opening tag (one search from a '<', whatever the case of the name), then by their own end.
_KEPT_OPEN = re.compile(r"<(?i:(pre|textarea|script|style))\b")
_KEPT_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I)
               for name in ("pre", "textarea", "script", "style")}
# From the end of a tag, through a line break, to the start of the next tag.
_GAP = re.compile(r">[ \t]*\n[ \t\n]*<")


def compact_html(html: str) -> str:
    """The page with the gaps between tags reduced to one line break each."""
    out, start = [], 0
    while (kept := _KEPT_OPEN.search(html, start)) is not None:
        close = _KEPT_CLOSE[kept.group(1).lower()].search(html, kept.end())
        end = close.end() if close is not None else len(html)  # unclosed: kept to the end
        # The kept element's first '<' and last '>' go with the text around it, so the gaps
        # before and after it are found too.
        out += [_GAP.sub(">\n<", html[start:kept.start() + 1]),
                html[kept.start() + 1:end - 1]]
        start = end - 1
    out.append(_GAP.sub(">\n<", html[start:]))
    return "".join(out)


def compact_pages() -> BasePlugin:
    """A MkDocs plugin that writes every page compacted (its search entry is made earlier,
    from the page's content, and does not change)."""
    from mkdocs.plugins import BasePlugin

    class CompactPages(BasePlugin):
        def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
            return compact_html(output)

    return CompactPages()
