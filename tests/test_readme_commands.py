"""README's first sections, followed as written in a fresh shell: every command they give is
found. (`milepost: command not found` after `make site` was a new agency's first hour.)
And the README stays a page a newcomer reads in two minutes: short, and pointing to pages of
the documentation that exist."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = "https://milepost.readthedocs.io/en/latest/"
# The rest of the manual lives in the documentation site; README only points to it.
LIMIT = 8000


def first_steps() -> list[str]:
    """The shell lines of README's code blocks up to the end of "A project manager's week",
    in order: what a newcomer types first."""
    readme = README.read_text(encoding="utf-8")
    week = readme.index("\n## A project manager's week")
    head = readme[:readme.index("\n## ", week + 1)]
    blocks = re.findall(r"```sh\n(.*?)```", head, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def first_words(line: str) -> list[str]:
    """The command of each part of a shell line (`a && b | c; d`), comments left out.
    $EDITOR is the reader's own editor: it stands for `true`. Nothing is run."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words, start = [], True
    for token in lexer:
        if token in ("&&", "||", "|", ";", "&"):
            start = True
        elif start:
            words.append("true" if token == "$EDITOR" else token)
            start = False
    return words


def test_the_first_sections_have_commands_to_follow():
    lines = first_steps()
    assert any(line.startswith("make site") for line in lines)
    assert any(line.startswith("make test") for line in lines)
    assert any(line.startswith(". .venv/bin/activate") for line in lines)
    assert sum(line.startswith("milepost ") for line in lines) >= 4
    assert first_words('git add x && git commit -m "a # b"   # note') == ["git", "git"]
    assert first_words("# then, week by week:") == []


@pytest.mark.slow
def test_every_command_of_the_first_sections_is_found_in_a_fresh_shell(tmp_path: Path):
    """Each line runs as the README says in one shell, from a checkout where `make site` has
    made .venv (here: the environment running the tests): a line that sets the shell up
    (`. .venv/bin/activate`, `cd`, `export`) runs; of every other line, each command must be
    found (none of them is run)."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "activate").is_file() or not (venv / "bin" / "milepost").is_file():
        pytest.skip("the tests do not run in a virtual environment with milepost installed")
    (tmp_path / ".venv").symlink_to(venv)
    # A fresh shell: nothing that holds milepost on the PATH.
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if p and not (Path(p) / "milepost").exists())
    script = []
    for line in first_steps():
        if re.match(r"(\.|source|cd|export)\s", line):
            script.append(line)
            continue
        for word in first_words(line):
            script.append(f"command -v {shlex.quote(word)} > /dev/null || echo "
                          f"{shlex.quote(f'not found: {word} in: {line}')}")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60,
                          env={"PATH": path, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_the_readme_is_short():
    assert len(README.read_text(encoding="utf-8")) < LIMIT


def docs_links(text: str) -> list[str]:
    """The pages of the documentation site a text links to, as paths below its base address
    (`guide/first-client.html`); the base address itself is `index.html`."""
    pages = re.findall(re.escape(DOCS) + r"([\w/.-]*)", text)
    return [page or "index.html" for page in pages]


def test_the_readme_says_where_to_read_on():
    """The documentation site's address, and how to build and open it from the checkout."""
    readme = README.read_text(encoding="utf-8")
    assert DOCS in readme
    assert "make docs" in readme and "docs/site/index.html" in readme
    assert "docs/pages/images/overview.png" in readme


def test_every_page_the_readme_links_to_is_a_page_of_the_documentation():
    """Each address below the documentation's base is a page built from docs/pages/ (a
    Markdown file of the same path), and each is in the navigation, so the build makes it."""
    pages = docs_links(README.read_text(encoding="utf-8"))
    assert len(set(pages)) >= 8, pages
    nav = (ROOT / "docs" / "mkdocs.yml").read_text(encoding="utf-8")
    for page in pages:
        source = Path(page).with_suffix(".md").as_posix()
        assert page.endswith(".html") and (ROOT / "docs" / "pages" / source).is_file(), page
        assert re.search(rf":\s*{re.escape(source)}\s*$", nav, re.M), f"{source} not in the nav"


def test_docs_links_are_read_as_pages():
    text = f"see {DOCS} or [x]({DOCS}guide/ci.html) and {DOCS}reference/fields.html#roadmap-yml."
    assert docs_links(text) == ["index.html", "guide/ci.html", "reference/fields.html"]


def week_block(text: str, heading: str) -> str:
    """The first shell block after a heading."""
    return re.search(r"```sh\n(.*?)```", text[text.index(heading):], re.S).group(1)


def test_the_weeks_commands_are_the_same_in_readme_and_guide():
    """README's week is the guide's week page's, line for line: one cannot move alone."""
    guide = (ROOT / "docs" / "pages" / "guide" / "week.md").read_text(encoding="utf-8")
    assert (week_block(README.read_text(encoding="utf-8"), "## A project manager's week")
            == week_block(guide, "# The project manager's week"))
