"""Where Milepost's documentation lives: the one base address that every message, `--help`
text, scaffolded file and generated pipeline points to.

Pages are named as the built docs name them (`guide/hosting.html`: the docs keep `.html` so
they also open from disk). Guide pages are linked without an anchor, as their headings may
be reworded; reference pages are linked with the ids they keep for that purpose. An agency
that hosts its own copy of the docs sets MILEPOST_DOCS_URL to its address.
"""

from __future__ import annotations

import functools
import os
import re
import sys

BASE = "https://milepost.readthedocs.io/en/latest/"

# The address goes into YAML comments, pipelines and messages as it is: one line, no quote,
# no space, nothing that would end a comment or a string.
PLAIN_URL = re.compile(r"https?://[^\s\"'`<>\\\x00-\x1f\x7f]+")


def base() -> str:
    """The docs' address, always ending in '/': MILEPOST_DOCS_URL if set, else BASE."""
    return _checked(os.environ.get("MILEPOST_DOCS_URL", "").strip())


@functools.lru_cache(maxsize=8)
def _checked(chosen: str) -> str:
    if not chosen:
        return BASE
    if not PLAIN_URL.fullmatch(chosen):
        # Said once, and not an error: this runs while `--help` is being put together.
        print(f"warning: MILEPOST_DOCS_URL is not a plain http(s) address; using {BASE}",
              file=sys.stderr)
        return BASE
    return chosen if chosen.endswith("/") else chosen + "/"


def docs_url(page: str, anchor: str = "") -> str:
    """The address of a page of the docs, e.g. docs_url("reference/fields.html", "roadmap-yml")."""
    return base() + page + (f"#{anchor}" if anchor else "")


def reference_line(verb: str) -> str:
    """The last line of a command's `--help`: where its reference is."""
    return f"Reference: {docs_url('reference/commands.html', verb)}"
