"""The example client's Markdown matches its golden copy; `make golden` accepts a change."""

from __future__ import annotations

import difflib

from tests.golden import current_pages, golden_pages


def test_generated_markdown_matches_the_golden_copy():
    current, golden = current_pages(), golden_pages()
    assert sorted(current) == sorted(golden), "pages added or removed: run `make golden`"
    diffs = []
    for name in sorted(current):
        diffs += difflib.unified_diff(golden[name].splitlines(), current[name].splitlines(),
                                      f"golden/{name}", f"now/{name}", lineterm="")
    assert not diffs, "generated Markdown changed (run `make golden` if intended):\n" + \
        "\n".join(diffs[:200])
