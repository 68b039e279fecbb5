"""Golden copy of the example client's generated Markdown.

`python -m tests.golden` (or `make golden`) regenerates it after an intended change; the test
in test_golden.py shows any other difference as a diff.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.pipeline import check_projects
from generator.site.render import render_pages
from tests.conftest import example_client

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "northwind"
AS_OF = date(2026, 11, 23)


def current_pages() -> dict[str, str]:
    checked = check_projects(example_client("northwind"), AS_OF)
    assert not checked.failed, checked.problems
    return render_pages(checked.projects[0], AS_OF, ROOT)


def golden_pages() -> dict[str, str]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(GOLDEN.rglob("*.md"))}


def regenerate() -> None:
    for old in GOLDEN.rglob("*.md"):
        old.unlink()
    for rel, text in current_pages().items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
    print(f"regenerated {GOLDEN.relative_to(ROOT)}")
