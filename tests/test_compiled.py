"""Compiled templates kept on disk between processes: reused, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.site.compiled import CompiledTemplates, cache_folder


def environment(templates: Path, cache: CompiledTemplates, **settings: object) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                              bytecode_cache=cache, **settings)  # type: ignore[arg-type]


def never_compile(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")
    monkeypatch.setattr(env, "compile", refuse)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.j2").write_text("Hello {{ name }}!", encoding="utf-8")
    return folder


def test_a_new_process_uses_what_an_earlier_one_compiled(
        tmp_path: Path, templates: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "cache"
    first = environment(templates, CompiledTemplates(folder))
    assert first.get_template("page.j2").render(name="A") == "Hello A!"
    assert len(list(folder.iterdir())) == 1
    later = environment(templates, CompiledTemplates(folder))  # nothing in memory
    never_compile(later, monkeypatch)
    assert later.get_template("page.j2").render(name="B") == "Hello B!"


def test_an_edited_template_is_compiled_anew(tmp_path: Path, templates: Path):
    folder = tmp_path / "cache"
    environment(templates, CompiledTemplates(folder)).get_template("page.j2")
    (templates / "page.j2").write_text("Goodbye {{ name }}.", encoding="utf-8")
    later = environment(templates, CompiledTemplates(folder))
    assert later.get_template("page.j2").render(name="B") == "Goodbye B."


def test_environments_that_compile_differently_never_share_code(
        tmp_path: Path, templates: Path):
    (templates / "page.j2").write_text("{{ name }}\n", encoding="utf-8")
    cache = CompiledTemplates(tmp_path / "cache")
    plain = environment(templates, cache)
    kept = environment(templates, cache, keep_trailing_newline=True,
                       finalize=lambda value: f"<{value}>")
    assert plain.get_template("page.j2").render(name="A") == "A"
    assert kept.get_template("page.j2").render(name="A") == "<A>\n"
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_a_damaged_entry_is_compiled_anew_and_replaced(tmp_path: Path, templates: Path):
    folder = tmp_path / "cache"
    environment(templates, CompiledTemplates(folder)).get_template("page.j2")
    (entry,) = folder.iterdir()
    entry.write_bytes(entry.read_bytes()[:30])
    later = environment(templates, CompiledTemplates(folder))
    assert later.get_template("page.j2").render(name="C") == "Hello C!"
    later2 = environment(templates, CompiledTemplates(folder))
    assert later2.get_template("page.j2").render(name="D") == "Hello D!"


def test_without_a_usable_cache_folder_templates_are_kept_for_the_process(
        tmp_path: Path, templates: Path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    cache = CompiledTemplates(blocked / "cache")  # cannot be made: a file is in the way
    env = environment(templates, cache)
    assert env.get_template("page.j2").render(name="E") == "Hello E!"
    assert not cache.on_disk and len(cache.compiled) == 1


def test_the_cache_is_in_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder().parent == tmp_path / "milepost"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_folder().parent == Path.home() / ".cache" / "milepost"
