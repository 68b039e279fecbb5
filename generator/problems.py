"""Problems are data: every check yields them, one function reports them.

A `Problem` says where (file, line, column, key path), what was found, what is allowed and,
where it helps, what to do next. Nothing in the pipeline prints or exits on its own.
"""

from __future__ import annotations

import json
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

    def what(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def text(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        # One problem, one line: a line break quoted from the PM's text is shown as \n.
        what = self.what().replace("\r", "\\r").replace("\n", "\\n")
        return f"{where}: {self.severity}: {what}"

    def github(self) -> str:
        # GitHub annotations need %, CR and LF escaped inside the message.
        message = self.what().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        place = f"file={self.file}"
        if self.line:
            place += f",line={self.line},col={self.column}"
        return f"::{self.severity} {place}::{message}"


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
        return json.dumps([asdict(p) for p in ordered], indent=2, ensure_ascii=False)
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    return "\n".join([*lines, summary(ordered, clients)])


def display_path(path: Path) -> str:
    """Paths as the PM typed them: relative to the working folder when possible."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
    return "" if shown == "." else shown
