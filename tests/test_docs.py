"""README's field reference and the committed JSON Schemas are generated from records.py:
these tests fail when either falls behind."""

from __future__ import annotations

import json
from pathlib import Path

from generator.format.reference import README, readme_with_reference
from generator.format.schema import SCHEMA_FILES, file_schema
from tests.conftest import EXAMPLE_CLIENTS, example_client

ROOT = Path(__file__).resolve().parent.parent


def test_readme_field_reference_is_up_to_date():
    text = README.read_text(encoding="utf-8")
    assert "<!-- format:start -->" in text
    assert readme_with_reference(text) == text, \
        "README's field reference is stale: run `python -m generator.format.reference`"


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
