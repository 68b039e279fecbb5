"""The documentation's reference pages and the committed JSON Schemas are generated from the
code: these tests fail when either falls behind, when a command or option has no help, and
when validation can give a message that the Messages page has no example of."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from generator.cli import parser
from generator.format import records as r
from generator.format.reference import FILE_SECTIONS, fields_page, nested_records
from generator.format.schema import SCHEMA_FILES, file_schema
from generator.problems import Problem
from generator.reference import __main__ as writer
from generator.reference import pages
from generator.reference.commands import commands_page, every_command, options
from generator.reference.corpus import ACCESS_CASES, CASES, MESSAGE_GROUPS
from generator.reference.messages import (
    ANCHORS,
    ERROR_GROUPS,
    messages_page,
    run_access_case,
    run_case,
)
from generator.reference.sites import UNSHOWN, Site, message_sites, raised_errors, sites_in
from tests.conftest import EXAMPLE_CLIENTS, example_client

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "pages" / "reference"


@pytest.mark.parametrize("name", sorted(pages.PAGES))
def test_reference_page_is_up_to_date(name: str):
    committed = (REFERENCE / name).read_text(encoding="utf-8")
    assert committed == pages.PAGES[name](), \
        f"docs/pages/reference/{name} is stale: run `make reference`"


def test_committed_schemas_are_up_to_date():
    for kind, name in SCHEMA_FILES.items():
        committed = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert committed == file_schema(kind), f"schemas/{name} is stale: run `milepost schema`"


def test_example_files_point_at_the_schemas():
    """Each example file's first line gives an editor the committed schema of its kind."""
    paths = [p for slug in EXAMPLE_CLIENTS for p in sorted(example_client(slug).rglob("*.yml"))]
    assert len(paths) > 40
    for path in paths:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        assert target.parent == ROOT / "schemas", f"{path}: {target} is not in schemas/"


# --- where the pages are written ------------------------------------------------------------

def test_the_pages_are_written_only_into_a_checkout(tmp_path: Path):
    assert pages.reference_folder() == REFERENCE
    assert pages.reference_folder(tmp_path) is None  # an installed package: no docs/ beside it
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert pages.reference_folder(tmp_path) == tmp_path / "docs" / "pages" / "reference"


def test_outside_a_checkout_the_writer_says_so_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(pages, "CHECKOUT", tmp_path / "site-packages")
    assert writer.main() == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a source checkout" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_writer_rewrites_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pages, "PAGES", {"a.md": lambda: "A\n", "b.md": lambda: "B\n"})
    assert pages.write_pages(tmp_path) == ["a.md", "b.md"]
    (tmp_path / "b.md").write_text("old\n", encoding="utf-8")
    assert pages.stale_pages(tmp_path) == ["b.md"]
    assert pages.write_pages(tmp_path) == ["b.md"]
    assert pages.stale_pages(tmp_path) == []


# --- fields ------------------------------------------------------------------------------

def test_fields_page_has_the_fixed_anchor_of_every_file():
    """Error messages and other pages link to these: they stay as they are."""
    text = fields_page()
    assert [section[0] for section in FILE_SECTIONS.values()] == [
        "client-yml", "roadmap-yml", "decisions", "signoffs-yml", "changes-yml", "risks-yml",
        "updates", "feedback-yml"]
    assert list(FILE_SECTIONS) == list(r.FILE_KINDS), "every file kind has its section"
    for file_id, title, _ in FILE_SECTIONS.values():
        assert f"\n## {title} {{#{file_id}}}\n" in text


def test_fields_page_lists_every_field_of_every_record():
    lines = fields_page().splitlines()
    for record_type, _ in r.FILE_KINDS.values():
        for inner in [record_type, *nested_records(record_type)]:
            for spec in r.public_fields(inner):
                entry = next((k for k, line in enumerate(lines)
                              if line.startswith(f"`{spec.name}` ")), None)
                assert entry is not None, f"{inner.__name__}.{spec.name}"
                assert lines[entry + 1].startswith(":   "), f"{inner.__name__}.{spec.name}"


# --- commands --------------------------------------------------------------------------------

def test_every_command_and_option_has_help():
    """--help and the Commands page say what each one is for."""
    missing = []
    for name, p in [("", parser()), *every_command()]:
        if not (p.description or "").strip():
            missing.append(f"milepost {name}: no description")
        missing += [f"milepost {name} {a.option_strings or a.dest}: no help"
                    for a in options(p) if not (a.help or "").strip()]
    assert missing == []


def test_commands_page_has_every_command_and_option():
    text = commands_page()
    for name, p in every_command():
        anchor = name.replace(" ", "-")
        assert f" {name} {{#{anchor}}}\n" in text, name
        for action in options(p):
            for flag in action.option_strings:
                assert f"`{flag}" in text, f"{name} {flag}"


def test_hidden_options_stay_off_the_commands_page():
    """An old spelling still understood but hidden from --help is not shown either."""
    hidden = {a.metavar for _, p in every_command() for a in p._actions
              if a.help == argparse.SUPPRESS}
    assert len(hidden) == 1 and None not in hidden, "the old positional folder is hidden"
    page = commands_page()
    assert not any(str(name) in page for name in hidden)


# --- messages -----------------------------------------------------------------------------

def test_each_case_gives_the_message_it_shows():
    wrong = [f"{case.id}: {[p.text() for p in run_case(case)]}" for case in CASES
             if not any(case.expect in p.text() for p in run_case(case))]
    assert wrong == []
    wrong = [f"{case.id}: {run_access_case(case)}" for case in ACCESS_CASES
             if not any(case.expect in line for line in run_access_case(case)[1:])]
    assert wrong == []


def test_message_anchors_are_unique_and_grouped():
    ids = [case.id for case in CASES] + [case.id for case in ACCESS_CASES] + list(ANCHORS)
    assert len(ids) == len(set(ids))
    groups = {case.group for case in CASES} | ({"access"} if ACCESS_CASES else set())
    assert groups == set(MESSAGE_GROUPS), "a group without examples"


def _reached_lines(run: Callable[[], Any], files: set[str]) -> set[tuple[str, int]]:
    """The lines of `files` that `run` executes."""
    hits: set[tuple[str, int]] = set()

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            hits.add((frame.f_code.co_filename, frame.f_lineno))
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename in files else None

    previous = sys.gettrace()  # a coverage run's own tracer, given back afterwards
    sys.settrace(calls)
    try:
        run()
    finally:
        sys.settrace(previous)
    return hits


def _reached(sites: list[Site]) -> Iterator[Site]:
    files = {s.path for s in sites}
    hits: set[tuple[str, int]] = set()
    printed: list[str] = []
    for case in CASES:
        found: list[Problem] = []
        hits |= _reached_lines(lambda c=case, into=found: into.extend(run_case(c)), files)
        printed += [p.message for p in found]
    for access_case in ACCESS_CASES:
        said: list[str] = []
        hits |= _reached_lines(lambda c=access_case, into=said: into.extend(
            run_access_case(c)), files)
        printed += said
    for site in sites:
        if any((site.path, line) in hits for line in range(site.first, site.last + 1)):
            yield site
        elif "…" not in site.words and any(site.words in text for text in printed):
            # A message with nothing filled in, printed as it stands: reached. (A trace
            # function cannot see the lines run after a RecursionError: Python drops it.)
            yield site


def test_the_corpus_reaches_every_message_validation_can_give():
    """A new message in the validation code needs an example in corpus.py (or, if no file
    can produce it everywhere, a reason in sites.UNSHOWN)."""
    sites = message_sites()
    assert len(sites) > 150
    reached = {s.key for s in _reached(sites)}
    missing = [f"{s.path}:{s.first}: {s.words}" for s in sites
               if s.key not in reached and s.key not in UNSHOWN]
    assert missing == [], "add a case to generator/reference/corpus.py"
    assert sorted(reached & UNSHOWN.keys()) == [], "an example reaches it: drop it from UNSHOWN"
    assert sorted(UNSHOWN.keys() - {s.key for s in sites}) == [], "UNSHOWN names no message"


def test_the_site_finder_sees_a_new_message(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'LIMIT = "a module constant, not a message"\n'
        "def check(rec):\n"
        '    """A docstring is not a message."""\n'
        '    if "many words here" in rec.text:\n'
        '        yield Problem("f", 0, 0, "", f"{rec.id} has a new problem: fix it")\n'
        "    for side, role in ((1, 'the lead'), (2, 'the other')):\n"
        "        pass\n"
        "class Reader:\n"
        '    kind = "a class constant"\n'
        "    def error(self):\n"
        "        hint = f' (did you mean {self.x}?)' if self.x else ''\n",
        encoding="utf-8")
    found = [(s.function, s.first, s.words) for s in sites_in(probe, "probe")]
    assert found == [("check", 5, "… has a new problem: fix it"),
                     ("check", 6, "the lead / the other"),
                     ("Reader.error", 11, " (did you mean …?)")]


def test_messages_page_shows_each_case_with_its_anchor():
    text = messages_page()
    for group, title in MESSAGE_GROUPS.items():
        assert f"\n## {title} {{#{group}}}\n" in text
    for case in [*CASES, *ACCESS_CASES]:
        assert f"\n### {case.title} {{#{case.id}}}\n" in text
    assert "/tmp" not in text and str(ROOT) not in text


def test_every_error_that_stops_a_command_is_on_the_page():
    """Each module that raises an error is in one section; each message is listed."""
    raised = raised_errors()
    assert len(raised) > 100
    homes = {r.module: [a for a, (_, mods) in ERROR_GROUPS.items() if r.module.startswith(mods)]
             for r in raised}
    assert {m: h for m, h in homes.items() if len(h) != 1} == {}, "add it to ERROR_GROUPS"
    text = " ".join(messages_page().split())
    missing = [f"{r.module}:{r.line}" for r in raised
               if f"error: {' '.join(r.words.split())}" not in text]
    assert missing == []


def test_the_error_finder_reads_each_way_a_message_is_written(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    from generator.reference import sites

    monkeypatch.setattr(sites, "PACKAGE", tmp_path)
    probe = tmp_path / "probe.py"
    probe.write_text(
        'GONE = "git is not installed"\n'
        "def f(x):\n"
        "    raise MilepostError(GONE)\n"
        "    raise MilepostError(redact(f'git {x} failed: {x.err}'))\n"
        "    raise argparse.ArgumentTypeError('not a port: ' + x)\n"
        "    raise MilepostError(f'see {docs_url(\"guide/ci.html\")} or {x}')\n"
        "    raise ValueError('not a message of a command')\n",
        encoding="utf-8")
    assert [(r.line, r.words) for r in sites.raised_errors()] == [
        (3, "git is not installed"), (4, "git … failed: …"), (5, "not a port: …"),
        (6, "see …/guide/ci.html or …")]
