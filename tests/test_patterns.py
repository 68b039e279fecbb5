"""Every regular expression in generator/ that checks a whole value checks all of it.

Python's `$` also matches before a final line break, so `re.match(r"^[a-z]+$", "acme\\n")`
accepts the line break: a client folder `acme⏎` validated and built, and `host` then wrote
`location ^~ /acme⏎/`. These tests read the code itself: no pattern ends with `$`, and every
module-level pattern used to check a whole value is checked with `fullmatch` (or ends with
`\\Z`), refuses its valid sample with a line break added, and is never used with `match` or
`search` where that would let a longer text through. Fast: imports and parses source only.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
import re._parser as sre  # the standard library's own reading of a pattern
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import VALID_TEXT, files_with

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
RE_CALLS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall",
            "finditer"}

# A valid value for every module-level pattern that checks a whole value: each must refuse it
# with a line break added. A new pattern of that kind must be given one here.
SAMPLES = {
    "generator.site.answers.REFERENCE": "[mp:acme/signoff/D2/approve/2026-05-20/unsigned]",
    "generator.project.shards._SHARD": "2/3",
    "generator.docs.PLAIN_URL": "https://docs.agency.example/milepost/",
    "generator.format.load.SLUG": "northwind-bakery",
    "generator.history.git.VERSION_NAME": "v1.2",
    "generator.format.validate.GLOSSARY_TERM": "CMS",
    "generator.format.validate.ID_PATTERN": "DR-001",
    "generator.format.validate.EMAIL_PATTERN": "mia@acme.example",
    "generator.format.validate.URL_PATTERN": "https://portal.agency.example/acme/",
    "generator.format.validate.DATE_PATTERN": "2026-03-01",
    "generator.format.validate.INT_PATTERN": "42",
    "generator.format.validate.FLOAT_PATTERN": "4.5",
    "generator.format.checks.LOGO_NAME": "logo.svg",
    "generator.site.output.SCRATCH_NAME": ".acme.building-p123-abcd1234",
    "generator.site.zensical._WARNING": "Warning: page does not exist",
    "generator.site.zensical._SOURCE": " 38 │ [broken](nowhere.md)",
    "generator.site.zensical._MARK": "    │          ─────┬────",
    "generator.ship.access.EMAIL": "mia@acme.example",
    "generator.ship.host.SAFE_PATH": "/srv/milepost/releases/1/site",
    "generator.ship.host.HOST_NAME": "portal.agency.example",
    "generator.ship.host.AGENCY_NAME": "Brightfold & Co.",
    "generator.ship.host.CONTACT_URL": "https://agency.example/contact",
    "generator.ship.digest.headers._ATOM": "O'Neill",
    "generator.site.answers._EMAIL": "mailto:hello@agency.example",
    "generator.site.markup._ATX_HEADING": "## Roadmap",
    "generator.site.markup._UNDERLINE": "===",
    "generator.site.markup._ONE_PLAIN_LINE": "The export is done, as agreed.",
    "generator.site.markup._WORDS": "Design review 12 March",
}


@functools.cache
def sources() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # importing it would run the command
            continue
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[module] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _nodes(tree: Any) -> Iterator[tuple[int, Any]]:
    """Every element of a parsed pattern, inside groups, branches and repeats too."""
    if isinstance(tree, sre.SubPattern):
        for op, av in tree:
            yield op, av
            yield from _nodes(av)
    elif isinstance(tree, list | tuple):
        for item in tree:
            yield from _nodes(item)


def anchors(pattern: str | bytes, flags: int = 0) -> tuple[set[Any], int]:
    """The anchors a pattern uses (`^`, `$`, `\\A`, `\\Z`) and its flags, inline ones included."""
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    parsed = sre.parse(text, flags)
    return {av for op, av in _nodes(parsed) if op is sre.AT}, parsed.state.flags | flags


def _flags(call: ast.Call) -> int:
    """The re.X flags a call names (re.M, re.S, re.MULTILINE | re.I, …)."""
    names = [n.attr for arg in [*call.args[1:], *(k.value for k in call.keywords)]
             for n in ast.walk(arg) if isinstance(n, ast.Attribute)
             and isinstance(n.value, ast.Name) and n.value.id == "re"]
    value = 0
    for name in names:
        flag = getattr(re, name, 0)
        value |= flag if isinstance(flag, int) else 0
    return value


def pattern_literals() -> Iterator[tuple[str, str | bytes, int]]:
    """(file:line, pattern, flags) of every pattern written in a call of the re module."""
    for path, tree in sources().values():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in RE_CALLS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str | bytes)):
                yield (f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value,
                       _flags(node))


def test_the_walker_finds_the_patterns_and_their_anchors():
    found = {where: p for where, p, _ in pattern_literals()}
    assert any(p == r"[a-z0-9][a-z0-9-]*" for p in found.values())  # load.SLUG
    assert len(found) >= 20
    assert anchors(r"^acme$")[0] == {sre.AT_BEGINNING, sre.AT_END}
    assert not anchors(r"^acme$")[1] & re.M
    assert sre.AT_END in anchors(r"(?:a|(b$))")[0]  # inside a group and a branch
    assert anchors(r"^x$", re.M)[1] & re.M and anchors(r"(?m)^x$")[1] & re.M


def test_no_pattern_ends_a_value_with_a_dollar():
    """`$` outside MULTILINE means "the end, or before a final line break": a check with it
    lets `acme\\n` through. Use fullmatch (or `\\Z`)."""
    wrong = [f"{where}: {pattern!r}" for where, pattern, flags in pattern_literals()
             if sre.AT_END in anchors(pattern, flags)[0]
             and not anchors(pattern, flags)[1] & re.M]
    assert wrong == []


@functools.cache
def module_patterns() -> dict[str, re.Pattern]:
    """Every re.Pattern a module of generator/ defines at its top level, by full name."""
    found = {}
    for module, (_, tree) in sources().items():
        loaded = importlib.import_module(module)
        names = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
                 for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                 if isinstance(t, ast.Name)}
        for name in sorted(names):
            value = getattr(loaded, name, None)
            if isinstance(value, re.Pattern):
                found[f"{module}.{name}"] = value
    return found


def _imported(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> the full name it stands for, for `from generator… import X` and the
    module's own top-level names."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator"):
                    names[alias.asname or alias.name] = alias.name
    return names


@functools.cache
def pattern_uses() -> dict[str, list[tuple[str, str]]]:
    """Full pattern name -> every (method, file:line) where a module calls a method on it."""
    patterns = module_patterns()
    uses: dict[str, list[tuple[str, str]]] = {name: [] for name in patterns}
    for module, (path, tree) in sources().items():
        local = _imported(tree, module)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            if isinstance(target, ast.Name):
                full = local.get(target.id, f"{module}.{target.id}")
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                full = f"{local.get(target.value.id, target.value.id)}.{target.attr}"
            else:
                continue
            if full in uses:
                uses[full].append((node.func.attr, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return uses


def whole_value_patterns() -> dict[str, re.Pattern]:
    """The patterns that check a whole value: used with fullmatch, or ending with `\\Z`."""
    uses = pattern_uses()
    return {name: p for name, p in module_patterns().items()
            if any(method == "fullmatch" for method, _ in uses[name])
            or sre.AT_END_STRING in anchors(p.pattern, p.flags)[0]}


def test_every_whole_value_pattern_has_a_sample_and_no_sample_is_stale():
    whole = set(whole_value_patterns())
    assert sorted(whole - set(SAMPLES)) == [], "give each a valid sample in SAMPLES"
    assert sorted(set(SAMPLES) - whole) == [], "SAMPLES names a pattern that is gone"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_whole_value_pattern_refuses_its_sample_with_a_line_break(name: str):
    pattern = module_patterns()[name]
    sample = SAMPLES[name]
    assert pattern.fullmatch(sample), f"{name}: the sample must be valid"
    for broken in (sample + "\n", sample + "\r\n", "\n" + sample, sample + "\n" + sample):
        assert pattern.fullmatch(broken) is None, (name, broken)
    ends_itself = sre.AT_END_STRING in anchors(pattern.pattern, pattern.flags)[0]
    for method, where in pattern_uses()[name]:
        # match() and search() are whole-value checks only with \Z (and ^ for search).
        if method in ("match", "search"):
            assert ends_itself, f"{where}: {name}.{method}() lets a longer text through: " \
                                "use fullmatch"
            assert getattr(pattern, method)(sample + "\n") is None, where


# --- what a PM sees ----------------------------------------------------------------------------

def test_a_client_folder_ending_in_a_line_break_is_refused_with_a_clear_message(
        make_project, run_cli):
    make_project({"acme\n": files_with({}), "beta": files_with({})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", "2026-06-01")
    assert code == 1
    assert out.splitlines() == [
        "projects/acme\\n: error: folder name 'acme\\n' is not a valid client slug (it holds a "
        "line break): use lowercase letters, digits and '-', starting with a letter or digit "
        "(e.g. 'northwind-bakery')",
        "2 clients checked: 1 error, 0 warnings (1 with errors)"]


@pytest.mark.parametrize("file, old, new, message", [
    ("roadmap.yml", "  - id: M1\n", '  - id: "M1\\n"\n', "is not a valid ID"),
    ("client.yml", "    email: pat@agency.example\n", '    email: "pat@agency.example\\n"\n',
     "is not an email address"),
    ("client.yml", "  CMS: Content", '  "CMS\\n": Content', "glossary"),
    ("client.yml", "start: 2026-01-05\n",
     'start: 2026-01-05\nsite_url: "https://portal.agency.example/acme/\\n"\n', "site_url"),
])
def test_a_value_ending_in_a_line_break_is_refused(file: str, old: str, new: str, message: str,
                                                   make_project, run_cli):
    text = VALID_TEXT[file]
    assert old in text
    make_project({"acme": files_with({file: text.replace(old, new, 1)})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", "2026-06-01")
    assert code == 1, out
    assert f"projects/acme/{file}:" in out and ": error: " in out and message in out


@pytest.mark.parametrize("option, value, message", [
    ("--server-name", "portal.agency.example\n", "is not a host name"),
    ("--root", "/srv/milepost/site\n", "has characters a server configuration cannot hold"),
])
def test_host_refuses_a_name_or_path_ending_in_a_line_break(option: str, value: str,
                                                           message: str, tmp_path: Path,
                                                           run_cli):
    (tmp_path / "site" / "acme").mkdir(parents=True)
    (tmp_path / "site" / "acme" / "index.html").write_text("<html></html>")
    (tmp_path / "site" / "acme" / "calendar.ics").write_text("BEGIN:VCALENDAR\r\n")
    (tmp_path / "access.yml").write_text("clients: {}\nagency: []\n")
    (tmp_path / "projects" / "acme").mkdir(parents=True)  # the client `host` may serve
    (tmp_path / "projects" / "acme" / "client.yml").write_text("name: Acme\n")
    code, out, err = run_cli("host", "nginx", "--site", "site", "--out", "deploy",
                             "--access", "access.yml", option, value)
    assert (code, out) == (1, "") and message in err, err
    assert not (tmp_path / "deploy").exists()
