"""The Messages page: every message validation can give, each shown with a broken file that
produces it (from `corpus.py`), the exact text Milepost printed for it, and what to do.

The messages are not written here: each case is run through the real validation
(`read_and_check`, as `milepost validate` runs it) in a temporary folder, and the page shows
what came out. A test checks that the cases reach every place in the validation code that
words a message (`sites.py`)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from generator.problems import MilepostError, Problem
from generator.project.client import read_and_check
from generator.reference.corpus import (
    ACCESS_CASES,
    BASE,
    CASES,
    MESSAGE_GROUPS,
    TODAY,
    AccessCase,
    Case,
    Files,
)
from generator.reference.sites import UNSHOWN, Raised, Site, message_sites, raised_errors
from generator.ship.access import load_access

SHOWN_ROOT = "projects"  # messages name files as `milepost validate --projects projects` does

# The errors that stop a command, by the page's section (its anchor) and the modules that
# raise them: every module that raises one is in exactly one section (a test checks).
ERROR_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "errors-commands": ("Errors: commands, options and folders", (
        "commands/", "settings.py", "project/folders.py", "format/scaffold.py")),
    "errors-shards": ("Errors: shards", ("project/shards.py",)),
    "errors-building": ("Errors: building sites", ("site/",)),
    "errors-versions": ("Errors: versions and git", ("history/",)),
    "errors-publishing": ("Errors: publishing and CI pipelines", ("ship/publish.py",
                                                                  "ship/ci.py")),
    "errors-hosting": ("Errors: hosting, access and preview", (
        "ship/host.py", "ship/access.py", "ship/configs.py", "ship/serve.py")),
    "errors-email": ("Errors: digests and answers by email", ("ship/digest/",
                                                              "ship/inbox.py")),
}
UNSHOWN_ANCHOR = "unshown"
# Every section of the page (## headings), by anchor: other pages and messages may link to
# reference/messages.html#<anchor>, so these stay as they are.
ANCHORS = (*MESSAGE_GROUPS, UNSHOWN_ANCHOR, *ERROR_GROUPS)

INTRO = f"""\
# Messages

Every message `milepost validate` can give about a client's files, with a small broken file
that produces it and what to do about it. `milepost build`, `publish`, `serve` and `release`
check the files the same way and print the same messages.

Each message starts with where the problem is: the file, then the line and column (when the
problem has a place in the file), then `error` or `warning`, then the key path inside the
file (`milestones[1].title`: the title of the second milestone; lists count from 0). A
client with an error gets no site; a warning is shown but does not stop the build, unless
`--strict` is given.

The examples are generated: each broken file below was checked by Milepost itself, on
{TODAY.day} {TODAY:%B %Y} (dates after it count as in the future), and the message shown is what it
printed.

The last sections list the errors that stop a command (a folder that does not exist, an
option that does not fit, git or a mail server refusing): Milepost prints `error:` and the
message, and exits with code 1. Each message says what to do; they are given as the code
words them, with … where a name, a path or a value is filled in. A value the argument
parser refuses (`--port 0`) is printed after the command's usage line instead.
"""


def write_files(folder: Path, files: Files) -> None:
    for name, content in files.items():
        target = folder / name
        if content is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def run_case(case: Case) -> list[Problem]:
    """What validation says about the case's client, in the order `validate` prints it."""
    with tempfile.TemporaryDirectory(prefix="milepost-messages-") as tmp:
        folder = Path(tmp) / SHOWN_ROOT / case.slug
        folder.mkdir(parents=True)
        write_files(folder, {**BASE, **case.also, **case.files})
        if case.setup is not None:
            case.setup(folder)
        return read_and_check(folder, SHOWN_ROOT, TODAY, publishing=case.publishing).problems


ACCESS_FILE = "access.yml"  # the access file's default name, as messages show it


def run_access_case(case: AccessCase) -> list[str]:
    """What `milepost access` and `milepost host` print about the case's access file."""
    with tempfile.TemporaryDirectory(prefix="milepost-messages-") as tmp:
        path = Path(tmp) / ACCESS_FILE
        path.write_text(case.text, encoding="utf-8")
        try:
            load_access(path)
        except MilepostError as exc:
            return f"error: {exc}".replace(str(path), ACCESS_FILE).splitlines()
    return []


def access_section(case: AccessCase) -> list[str]:
    said = [line for message in run_access_case(case) for line in quoted(message)][:-1]
    return [f"### {case.title} {{#{case.id}}}", "",
            *fence(case.text, f'yaml title="{ACCESS_FILE}" linenums="1"'), "",
            "Milepost says:", "", *said, "", f"What to do: {case.fix}", ""]


def snippet(case: Case) -> list[str]:
    """The broken file as a code block, titled with its name and numbered like the lines the
    message names; or the case's own description of what is broken."""
    if case.shown:
        return fence(case.shown, "text")
    name, content = next(iter(case.files.items()))
    if isinstance(content, bytes):
        return fence(content.decode("utf-8", "replace"), "text")
    language = "xml" if name.endswith(".svg") else "yaml"
    return fence(content or "", f'{language} title="{name}" linenums="1"')


def fence(text: str, info: str) -> list[str]:
    """A code block that no run of backticks inside the text can end."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{info}", text.rstrip("\n"), ticks]


def code(text: str) -> str:
    """Text as inline code, whatever backticks it holds. Inline code wraps on a phone's
    narrow screen, where a code block would have to be scrolled sideways."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def quoted(message: str) -> list[str]:
    """A message as printed, quoted."""
    return [f"> {code(message)}", ">"]


def case_section(case: Case) -> list[str]:
    said = [line for p in run_case(case) for line in quoted(p.text())][:-1]
    return [f"### {case.title} {{#{case.id}}}", "", *snippet(case), "",
            "Milepost says:", "", *said, "", f"What to do: {case.fix}", ""]


def unshown_section(sites: list[Site]) -> list[str]:
    """The messages no example can produce on every machine, with why."""
    lines = [f"## Messages without an example {{#{UNSHOWN_ANCHOR}}}", "",
             "These messages come from the computer rather than from what a file says, so no "
             "example file produces them everywhere. Their text is given as the code words "
             "it, with … where a value is filled in.", ""]
    for site in sites:
        lines += [f"- {code(site.words)}: {UNSHOWN[site.key]}"]
    return [*lines, ""]


def messages_page() -> str:
    """The whole Messages page, as Markdown."""
    lines = [INTRO]
    for group, title in MESSAGE_GROUPS.items():
        lines += [f"## {title} {{#{group}}}", ""]
        for case in (c for c in CASES if c.group == group):
            lines += case_section(case)
        if group == "access":
            lines += ["`milepost access` and `milepost host` read the access file and refuse "
                      "it whole when anything in it is wrong: they name each problem.", ""]
            for access_case in ACCESS_CASES:
                lines += access_section(access_case)
    lines += unshown_section([s for s in message_sites() if s.key in UNSHOWN])
    raised = raised_errors()
    for anchor, (title, modules) in ERROR_GROUPS.items():
        lines += error_section(anchor, title, [r for r in raised if r.module.startswith(modules)])
    return "\n".join(lines).rstrip() + "\n"


def error_section(anchor: str, title: str, raised: list[Raised]) -> list[str]:
    """One group of the errors that stop a command, each once, as the code words it."""
    said = dict.fromkeys(" ".join(r.words.split()) for r in raised)
    return [f"## {title} {{#{anchor}}}", "", *(f"- {code('error: ' + words)}" for words in said),
            ""]
