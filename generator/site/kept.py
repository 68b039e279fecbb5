"""Rendered Markdown fields, kept between builds of a site.

A project manager's commit changes a few fields; the next build renders every field again,
and rendering Markdown is most of Milepost's own work on a large client (a three-year client
has some 650 fields). So each site keeps the HTML of its fields in the user's cache folder
(never in the output), and a build renders only the fields it has not rendered before.

- One file per site (client folder and site label), holding only the fields its last build
  used: it never grows beyond one site's fields, and nothing of one client is read while
  building another.
- A field is found by a digest of its text (and, for a rich field, of the glossary, whose
  terms become abbreviations), so a changed field or glossary is rendered anew.
- The file is tied to the rendering code: a new Milepost or Python-Markdown starts afresh.
- A missing, unreadable or foreign file is a cache miss, never an error; a folder that cannot
  be written keeps the fields for the process only.

The rendered HTML is trusted as Milepost's own (like the compiled templates kept beside it):
the cache folder must be writable by its user only, which is the default for ~/.cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = 1


def rendering_code() -> str:
    """What decides a field's HTML besides its text: Milepost's rendering code and
    Python-Markdown's version."""
    import markdown

    from generator.site import markup
    source = Path(markup.__file__).read_bytes()
    return hashlib.sha256(source + markdown.__version__.encode()).hexdigest()[:16]


def digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


class KeptFields:
    """The fields of one site: those its last build kept, and those this build used."""

    def __init__(self, file: Path | None, code: str) -> None:
        self.file, self.code = file, code
        self.before: dict[str, str] = self._read() if file is not None else {}
        self.used: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        assert self.file is not None
        try:
            kept = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("code") != self.code or kept.get(
                "schema") != _SCHEMA or not isinstance(kept.get("fields"), dict):
            return {}
        return {k: v for k, v in kept["fields"].items() if isinstance(v, str)}

    def html(self, key: str, render: Callable[[], str]) -> str:
        found = self.used.get(key)
        if found is None:
            found = self.before.get(key)
        if found is None:
            found = render()
        self.used[key] = found
        return found

    def save(self) -> None:
        """Write the fields this build used, if they differ from those it found (atomic: a
        build beside it reads the old file or the new one, never half of one)."""
        if self.file is None or self.used == self.before:
            return
        text = json.dumps({"schema": _SCHEMA, "code": self.code, "fields": self.used},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        partial = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.file)
        except OSError:  # read-only home, full disk: the next build renders them again
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)


_CURRENT: list[KeptFields] = []


@contextmanager
def keeping_fields(file: Path | None) -> Iterator[KeptFields]:
    """Within the block, rendered fields are looked up in, and added to, `file`."""
    fields = KeptFields(file, rendering_code())
    _CURRENT.append(fields)
    try:
        yield fields
    finally:
        _CURRENT.pop()
    fields.save()


def kept_html(kind: str, text: str, render: Callable[[str], str]) -> str:
    """`render(text)`, or the HTML the site's last build kept for the same text and `kind`
    (the rendering and, for rich fields, the glossary's digest)."""
    if not _CURRENT:
        return render(text)
    return _CURRENT[-1].html(digest(kind, text), lambda: render(text))
