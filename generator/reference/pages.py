"""The Reference pages and where they are written: docs/pages/reference/ of the source
checkout this package sits in. Nothing is written anywhere else, and an installed copy of
Milepost (a wheel, with no docs/ beside the package) writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.format.reference import fields_page
from generator.reference.commands import commands_page
from generator.reference.messages import messages_page

# The pages, by file name in docs/pages/reference/, each from the function that writes it.
PAGES: dict[str, Callable[[], str]] = {
    "fields.md": fields_page,
    "commands.md": commands_page,
    "messages.md": messages_page,
}

CHECKOUT = Path(__file__).resolve().parents[2]


def reference_folder(checkout: Path | None = None) -> Path | None:
    """docs/pages/reference/ of the source checkout the package is in (or of `checkout`), or
    None when it is not in one: the docs' config beside the package tells a checkout from
    an installed package."""
    checkout = checkout or CHECKOUT
    if not (checkout / "docs" / "mkdocs.yml").is_file():
        return None
    return checkout / "docs" / "pages" / "reference"


def stale_pages(folder: Path) -> list[str]:
    """The pages whose committed text differs from what the code generates now."""
    return [name for name, page in PAGES.items()
            if not (folder / name).is_file()
            or (folder / name).read_text(encoding="utf-8") != page()]


def write_pages(folder: Path) -> list[str]:
    """Write every page that changed; returns their names."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, page in PAGES.items():
        text, target = page(), folder / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(name)
    return written
