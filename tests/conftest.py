"""Shared fixtures: a tiny projects folder built from a dict, and the real CLI.

`VALID_TEXT` is one complete, valid client ("acme") written as exact YAML text, so tests
that replace one file know every line number of the others. `valid_data()` gives the same
client as Python objects to mutate; `make_project` writes either kind.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
# The tool's own copy of the example clients. Tests never read the repository's projects/:
# an agency replaces those with its own clients, which `milepost validate` checks instead.
EXAMPLES = REPO / "tests" / "examples"

AS_OF = "2026-06-01"
TODAY = date.fromisoformat(AS_OF)

VALID_TEXT: dict[str, str] = {
    "client.yml": """\
name: Acme & Co
project: Website relaunch
start: 2026-01-05
end: 2026-12-18
summary: A new website for Acme.
team:
  - name: Pat Lee
    side: team
    role: Project manager
    email: pat@agency.example
  - name: Cleo Client
    side: client
    role: Marketing lead
    lead: true
communication:
  - channel: Weekly status call
    when: Mondays 10:00
budget:
  currency: EUR
  total: 48000
  spent: 12000
  as_of: 2026-03-01
glossary:
  CMS: Content management system
""",
    "roadmap.yml": """\
milestones:
  - id: M1
    title: Discovery
    phase: Planning
    planned: 2026-02-02
    done: 2026-02-04
    deliverables:
      - id: D1
        title: Project plan
        signoff: true
  - id: M2
    title: Design
    phase: Build
    planned: 2026-04-01
    forecast: 2026-04-10
    depends_on: [M1]
    deliverables:
      - id: D2
        title: Visual design
        signoff: true
      - id: D3
        title: Style guide
client_tasks:
  - id: T1
    title: Send brand assets
    owner: Cleo Client
    due: 2026-03-01
    blocks: [M2]
""",
    "decisions/DR-001.yml": """\
id: DR-001
title: Use a headless CMS
status: accepted
date: 2026-01-20
deciders: [Cleo Client, Pat Lee]
context: We need editors to publish without developers.
options:
  - name: Headless CMS
    pros: [Flexible]
  - name: Static pages
    cons: [Editors need developers]
decision: Headless CMS.
related: [M2]
""",
    "signoffs.yml": """\
- deliverable: D1
  version: "1.0"
  date: 2026-02-04
  by: Cleo Client
  outcome: approved
  via: email
""",
    "changes.yml": """\
- id: CR-1
  title: Add a blog
  requested_by: Cleo Client
  date: 2026-02-10
  status: approved
  decided: 2026-02-12
  estimate: {days: 5, cost: 4000}
  schedule_impact_days: 3
  related: [M2]
""",
    "risks.yml": """\
- id: R1
  title: Content arrives late
  likelihood: medium
  impact: high
  owner: Pat Lee
  status: open
  mitigation: Agree dates for each page.
""",
    "updates/2026-03-02.yml": """\
date: 2026-03-02
overall: green
schedule: amber
summary: Design is under way.
done: [Discovery signed off]
next: [Design review]
""",
}


def valid_files(**overrides: Any) -> dict[str, Any]:
    """The valid client's files as text; `overrides` replace files (None removes one).

    File names with '/' cannot be keyword arguments: pass them through `files_with`.
    """
    return files_with(overrides)


def files_with(overrides: dict[str, Any]) -> dict[str, Any]:
    files: dict[str, Any] = dict(VALID_TEXT)
    for name, content in overrides.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_VALID_DATA = {name: yaml.load(text, Loader=_SAFE_LOADER) for name, text in VALID_TEXT.items()}


def valid_data() -> dict[str, Any]:
    """The valid client's files as Python objects (a fresh deep copy each call)."""
    return copy.deepcopy(_VALID_DATA)


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """safe_dump, but shared objects are written out in full (Milepost refuses aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


def write_client(folder: Path, files: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_text(dump(content), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """make_project({slug: {relative_file_name: text | bytes | object | None}}) -> projects/.

    Strings and bytes are written as-is (exact YAML text and line numbers); other objects
    are dumped with yaml.safe_dump(sort_keys=False), without aliases; None skips the file.
    Calling it twice adds to the same folder.
    """

    def make(clients: dict[str, dict[str, Any]]) -> Path:
        root = tmp_path / "projects"
        root.mkdir(exist_ok=True)
        for slug, files in clients.items():
            write_client(root / slug, files)
        return root

    return make


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """Run `milepost ARGS` in-process with the working folder at tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        from generator.cli import main

        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def run_subprocess(tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """Run `python -m generator ARGS` as a real process with cwd=tmp_path."""

    def run(*args: str) -> tuple[int, str, str]:
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout, proc.stderr

    return run
