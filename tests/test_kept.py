"""Rendered Markdown fields kept between builds: found again only for the same text, the same
glossary and the same rendering code, and a site built from them is the site built without."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.site import kept
from generator.site.kept import KeptFields, keeping_fields, kept_html
from generator.site.markup import RichText, plain
from tests.conftest import build_sites, copy_examples, tree_bytes


def counting(calls: list[str]):
    def render(text: str) -> str:
        calls.append(text)
        return f"<p>{text.upper()}</p>"
    return render


def test_a_field_is_rendered_once_and_found_again_by_the_next_build(tmp_path: Path):
    file, calls = tmp_path / "site.json", []
    with keeping_fields(file):
        assert kept_html("k", "a *b*", counting(calls)) == "<p>A *B*</p>"
        assert kept_html("k", "a *b*", counting(calls)) == "<p>A *B*</p>"
    assert calls == ["a *b*"]
    with keeping_fields(file):
        assert kept_html("k", "a *b*", counting(calls)) == "<p>A *B*</p>"
        assert kept_html("other kind", "a *b*", counting(calls)) == "<p>A *B*</p>"
    assert calls == ["a *b*", "a *b*"]  # the same text of another kind is rendered anew


def test_only_the_fields_the_last_build_used_are_kept(tmp_path: Path):
    file = tmp_path / "site.json"
    with keeping_fields(file):
        kept_html("k", "old", counting([]))
        kept_html("k", "both", counting([]))
    with keeping_fields(file):
        kept_html("k", "both", counting([]))
    assert len(json.loads(file.read_text(encoding="utf-8"))["fields"]) == 1


def test_another_rendering_code_or_a_broken_file_starts_afresh(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    file, calls = tmp_path / "site.json", []
    with keeping_fields(file):
        kept_html("k", "x", counting(calls))
    monkeypatch.setattr(kept, "rendering_code", lambda: "a newer Milepost")
    with keeping_fields(file):
        kept_html("k", "x", counting(calls))
    assert calls == ["x", "x"]
    for broken in ["{", "[]", '{"schema": 1, "code": "a newer Milepost", "fields": []}', ""]:
        file.write_text(broken, encoding="utf-8")
        assert KeptFields(file, "a newer Milepost").before == {}


def test_a_folder_that_cannot_be_written_keeps_them_for_the_process_only(tmp_path: Path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    with keeping_fields(blocked / "site.json"):
        assert kept_html("k", "x", counting([])) == "<p>X</p>"
    assert blocked.is_file()


def test_outside_a_build_nothing_is_kept():
    calls: list[str] = []
    assert kept_html("k", "x", counting(calls)) == "<p>X</p>"
    assert kept_html("k", "x", counting(calls)) == "<p>X</p>"
    assert calls == ["x", "x"]


def test_a_changed_glossary_renders_the_field_anew(tmp_path: Path):
    text = "The CMS is *ready*.\n\nSecond paragraph."
    with keeping_fields(tmp_path / "site.json"):
        before = RichText({})(text)
        after = RichText({"CMS": "Content management system"})(text)
    assert "<abbr" not in before and '<abbr title="Content management system">CMS</abbr>' in after
    with keeping_fields(tmp_path / "site.json"):
        assert plain("A *b*\n\nc") == "A b c"


@pytest.mark.slow
def test_a_site_built_from_kept_fields_is_the_site_built_without(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    """Build, change a field and the glossary, build again with the cache of the first build:
    byte for byte the site a build with an empty cache gives."""
    projects = copy_examples(tmp_path / "projects")
    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "cache"))
    build_sites(projects, tmp_path / "first", "--client", "northwind")
    client = projects / "northwind" / "client.yml"
    client.write_text(client.read_text(encoding="utf-8").replace(
        "glossary:", "glossary:\n  sprint: A two-week block of work", 1), encoding="utf-8")
    roadmap = projects / "northwind" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace(
        "description: |\n", "description: |\n      A sprint of *new* words.\n\n", 1),
        encoding="utf-8")
    warm = build_sites(projects, tmp_path / "warm", "--client", "northwind")
    assert any((tmp_path / "cache" / "fields").rglob("northwind.json"))
    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "empty"))
    cold = build_sites(projects, tmp_path / "cold", "--client", "northwind")
    assert tree_bytes(warm / "northwind") == tree_bytes(cold / "northwind")
    shutil.rmtree(tmp_path / "empty")
