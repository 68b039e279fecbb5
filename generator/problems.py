"""Problems are data: every check yields them, one function reports them.

A `Problem` says where (file, line, column, key path), what was found, what is allowed and,
where it helps, what to do next. Nothing in the pipeline prints or exits on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from generator.numbers import plural

Severity = Literal["error", "warning"]


class MilepostError(Exception):
    """The one root exception: caught once at the top, printed as `error: ...`, exit code 1."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"
    client: str = ""

    def __post_init__(self) -> None:
        # A message may quote a value as written (a site_url with a login in it): it is
        # printed, annotated in CI and written as JSON, so it never holds the secret.
        object.__setattr__(self, "message", redact(self.message))

    def what(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def text(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return visible(f"{where}: {self.severity}: {self.what()}")

    def github(self) -> str:
        # The workflow-command rules: in the message %, CR and LF are escaped; in a property
        # also ':' and ',' (else a file name could end the property or start a forged line).
        place = f"file={_github_property(self.file)}"
        if self.line:
            place += f",line={self.line},col={self.column}"
        return f"::{self.severity} {place}::{_github_message(self.what())}"


# Characters that would act on the terminal (ESC starts colour, title and clear-screen
# sequences; CR returns to the line start): anything quoted from input is shown escaped.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str, lines: bool = False) -> str:
    """Text safe to print on one line: line breaks as \\n, other control characters as \\xNN.
    With `lines`, line breaks stay (a message that lists problems one per line)."""
    def shown(m: re.Match[str]) -> str:
        c = m.group()
        return c if lines and c == "\n" else _NAMED.get(c, f"\\x{ord(c):02x}")

    return _UNPRINTABLE.sub(shown, text)


# The user info of a URL (`user:password@`, or a token as the user name, as GitHub and
# GitLab take it): everything between `//` and the last `@` before the host ends.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def redact(text: str) -> str:
    """Text with the user info of every URL in it replaced by `***`: what Milepost prints
    (errors, git's own messages, where it pushed) may end up in a CI log anyone on the
    project reads, so it never holds a password or token given in a URL."""
    return _USERINFO.sub(r"\1***@", text)


def _github_message(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _github_property(text: str) -> str:
    return _github_message(text).replace(":", "%3A").replace(",", "%2C")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.path, p.message))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def summary(problems: list[Problem], clients: int) -> str:
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    bad = len({p.client for p in errors(problems)})
    checked = f"{plural(clients, 'client')} checked"
    if not problems:
        return f"{checked}: no problems"
    counts = f"{plural(n_err, 'error')}, {plural(n_warn, 'warning')}"
    return f"{checked}: {counts}" + (f" ({bad} with errors)" if bad else "")


def report(problems: list[Problem], fmt: str, clients: int) -> str:
    """The whole report as text in the chosen format: `text`, `github` or `json`."""
    ordered = sort_problems(problems)
    if fmt == "json":
        # json escapes C0 controls itself, but not DEL and C1 (U+0080-U+009F).
        dumped = json.dumps([asdict(p) for p in ordered], indent=2, ensure_ascii=False)
        return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", dumped)
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    return "\n".join([*lines, summary(ordered, clients)])


def display_path(path: Path) -> str:
    """Paths as the PM typed them: relative to the working folder when possible."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
    return "" if shown == "." else shown
