"""Where a client's published site lives, for the links that leave it: the Atom feed's and
the email digest's.

MkDocs' own `site_url` in the base mkdocs.yml is the host's root; each client's site is
`<site_url>/<slug>/`, unless the client's `site_url` in client.yml says otherwise. Without
either, there is no absolute address: the feed links relative to itself, and the digest is
not sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from generator.format.validate import URL_PATTERN
from generator.problems import MilepostError
from generator.project.model import Project


class _Lenient(yaml.SafeLoader):
    """Reads a mkdocs.yml that uses MkDocs' own tags (!ENV, !!python/name:...) as plain data."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def read_base_config(base_config: Path) -> dict[str, Any]:
    """The base mkdocs.yml as plain data; {} when it cannot be read (the engine itself
    reports an unreadable config when it builds)."""
    try:
        data = yaml.load(base_config.read_text(encoding="utf-8"), Loader=_Lenient)
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def base_site_url(base_config: Path) -> str | None:
    """`site_url` of the base mkdocs.yml, or None when it has none."""
    value = read_base_config(base_config).get("site_url")
    if not isinstance(value, str) or not value.strip():
        return None
    if not URL_PATTERN.fullmatch(value.strip()):
        raise MilepostError(f"{base_config}: site_url '{value}' is not a web address: write "
                            "the host's root in full, e.g. https://projects.example.com/")
    return value.strip()


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def client_site_url(p: Project, base_config: Path) -> str | None:
    """The absolute address of the client's site, ending in '/', or None if unknown."""
    if p.client.site_url:
        return _with_slash(p.client.site_url)
    base = base_site_url(base_config)
    return f"{_with_slash(base)}{quote(p.slug)}/" if base else None


def page_url(site: str | None, page: str, versioned: bool) -> str:
    """The address of a page (`waiting.md`) of the client's site: absolute when the site's
    address is known, else relative to the client's folder. Versioned sites keep the
    current pages in latest/."""
    rel = ("latest/" if versioned else "") + (page[:-3] + ".html" if page.endswith(".md")
                                              else page)
    return (site or "") + rel
