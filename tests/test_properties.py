"""Property: whatever a PM does to a file, validation reports problems or passes; it never
raises. Mutations start from the valid client of conftest.py."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import check_projects
from generator.problems import errors, report
from tests.conftest import TODAY, VALID_TEXT, dump, valid_data, write_client

FILES = sorted(VALID_TEXT)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "~", "null", "yes", "no", "1.10", "2026-02-30", "30/09/2026", "-1",
                     "1,000", "M1", "D1", "DR-001", "Pat Lee", "Cleo Client", "superseded",
                     "../x", "a: b", "*a", "&a", "!!str", "\t", "#", "'", '"']),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(),
    st.dates(),
    st.none(),
    st.booleans(),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
)
raw_chars = st.one_of(
    st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?~\t\n\r ") + ["\ufeff", "\x00", "\x85"]),
    st.characters(codec="utf-8"),
)


def paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """The path to every node (mapping values, list items) of a parsed YAML document."""
    found = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found += paths(value, (*prefix, i))
    return found


def get(obj: Any, path: tuple) -> Any:
    for part in path:
        obj = obj[part]
    return obj


def check_never_raises(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "projects"
        write_client(root / "acme", files)
        checked = check_projects(root, TODAY)  # must not raise
        for problem in checked.problems:
            assert problem.severity in ("error", "warning")
            assert problem.file.startswith(str(root / "acme")) or problem.file.startswith(
                "projects/acme"), problem
            assert problem.message
            assert problem.line >= 0 and problem.column >= 0
        if checked.projects:
            assert not errors(checked.problems)
        else:
            assert errors(checked.problems)
        for fmt in ("text", "github"):
            assert report(checked.problems, fmt, checked.clients)
        assert isinstance(json.loads(report(checked.problems, "json", checked.clients)), list)


@SETTINGS
@given(data=st.data())
def test_structural_mutations_never_raise(data: st.DataObject) -> None:
    files: dict[str, Any] = valid_data()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        name = data.draw(st.sampled_from(FILES), label="file")
        doc = files[name]
        path = data.draw(st.sampled_from(paths(doc)), label="path")
        action = data.draw(st.sampled_from(["replace", "delete", "insert-key"]), label="action")
        if path == ():
            if action == "replace":
                files[name] = data.draw(values, label="whole file")
            continue
        parent, key = get(doc, path[:-1]), path[-1]
        if action == "replace":
            parent[key] = data.draw(values, label="value")
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            parent[data.draw(st.text(max_size=12), label="new key")] = data.draw(values)
        else:
            parent.insert(key, data.draw(values, label="new item"))
    check_never_raises({name: dump(doc) for name, doc in files.items()})


@SETTINGS
@given(data=st.data())
def test_text_mutations_never_raise(data: st.DataObject) -> None:
    files: dict[str, Any] = dict(VALID_TEXT)
    name = data.draw(st.sampled_from(FILES), label="file")
    text = files[name]
    action = data.draw(st.sampled_from(["insert", "truncate", "delete", "bytes"]),
                       label="action")
    at = data.draw(st.integers(0, len(text)), label="position")
    if action == "insert":
        files[name] = text[:at] + data.draw(st.text(raw_chars, min_size=1, max_size=8)) + text[at:]
    elif action == "truncate":
        files[name] = text[:at]
    elif action == "delete":
        end = data.draw(st.integers(at, min(len(text), at + 20)), label="end")
        files[name] = text[:at] + text[end:]
    else:
        raw = text.encode("utf-8")
        files[name] = raw[:at] + data.draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    check_never_raises(files)
