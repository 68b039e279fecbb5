"""The engine choice: MkDocs (the default) or Zensical, and what reads either's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.problems import MilepostError
from generator.site import zensical
from generator.site.build import (
    MKDOCS,
    ZENSICAL,
    engine_named,
    engine_setting,
    search_index_of,
)
from tests.conftest import AS_OF
from tests.test_site import broken_override  # noqa: F401  (a fixture)

needs_zensical = pytest.mark.skipif(not zensical.available(),
                                    reason="Zensical is not installed (the `zensical` extra)")

# What Zensical 0.0.73 prints about two broken links of one page, colours and all.
E = "\x1b["
PRINTED = (
    "Build started\n"
    f"{E}33mWarning:{E}0m page does not exist\n"
    f"    {E}38;5;246m╭{E}0m{E}38;5;246m─{E}0m{E}38;5;246m[{E}0m team.md:38:10 "
    f"{E}38;5;246m]{E}0m\n"
    f"    {E}38;5;246m│{E}0m\n"
    f" {E}38;5;246m38 │{E}0m {E}38;5;249m[broken]({E}0m{E}33mnowhere.md{E}0m"
    f"{E}38;5;249m) and [anchor](roadmap.md#nope){E}0m\n"
    f" {E}38;5;240m   │{E}0m          {E}33m─────┬────{E}0m  \n"
    f" {E}38;5;240m   │{E}0m               {E}33m╰──────{E}0m page does not exist\n"
    f"{E}38;5;246m────╯{E}0m\n"
    f"{E}33mWarning:{E}0m anchor does not exist\n"
    "    ╭─[ team.md:38:46 ]\n"
    "    │\n"
    " 38 │ [broken](nowhere.md) and [anchor](roadmap.md#nope)\n"
    "    │                                              ──┬─  \n"
    "    │                                                ╰─── anchor does not exist\n"
    "────╯\n"
    "2 issues found\n"
    "Build finished in 0.21s\n"
)


def test_zensicals_warnings_are_read_back_in_mkdocs_words():
    assert zensical.warnings_in(PRINTED) == [
        "Doc file 'team.md' (line 38) contains a link 'nowhere.md': page does not exist",
        "Doc file 'team.md' (line 38) contains a link 'nope': anchor does not exist",
    ]
    assert zensical.warnings_in("Build started\nNo issues found\nBuild finished\n") == []
    assert zensical.warnings_in("Warning: something without a place\n") == [
        "something without a place"]


def test_the_engine_is_the_flag_else_the_base_config_else_mkdocs(tmp_path: Path):
    base = tmp_path / "mkdocs.yml"
    base.write_text("site_name: X\nextra:\n  generator: false\n", encoding="utf-8")
    assert engine_setting(base) == "mkdocs"
    assert engine_setting(base, "zensical") == "zensical"
    base.write_text("site_name: X\nextra:\n  milepost:\n    engine: zensical\n",
                    encoding="utf-8")
    assert engine_setting(base) == "zensical"
    assert engine_setting(base, "mkdocs") == "mkdocs"
    base.write_text("extra:\n  milepost:\n    engine: hugo\n", encoding="utf-8")
    with pytest.raises(MilepostError) as caught:
        engine_setting(base)
    assert str(caught.value) == (f"{base}: extra: milepost: engine: is 'hugo'; write one of "
                                 "mkdocs, zensical")
    with pytest.raises(MilepostError, match="--engine 'hugo' is no engine"):
        engine_named("hugo")


def test_milepost_s_base_config_names_mkdocs_and_mkdocs_takes_it_without_a_warning():
    from generator.site.render import BASE_CONFIG

    assert engine_setting(BASE_CONFIG) == "mkdocs"


def test_the_search_index_is_found_whichever_engine_wrote_it(tmp_path: Path):
    assert search_index_of(tmp_path) is None
    (tmp_path / "search.json").write_text("{}", encoding="utf-8")
    assert search_index_of(tmp_path) == ZENSICAL.search
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("{}", encoding="utf-8")
    assert search_index_of(tmp_path) == MKDOCS.search


def test_the_agency_boxes_join_zensicals_search_index_in_its_shape(tmp_path: Path):
    from generator.agency.copies import add_to_search

    index = {"config": {"lang": ["en"]}, "items": [
        {"location": "risks.html", "level": 1, "title": "Risks", "text": "",
         "path": ["Risks"], "tags": []}]}
    (tmp_path / "search.json").write_text(json.dumps(index), encoding="utf-8")
    add_to_search(tmp_path, [{"location": "risks.html#mp-held-back", "title": "Internal",
                               "text": "R4 held back"}])
    items = json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))["items"]
    assert items[-1] == {"location": "risks.html#mp-held-back", "title": "Internal",
                         "text": "R4 held back", "level": 2, "path": ["Risks"], "tags": []}


def test_zensicals_cache_is_kept_per_client_outside_the_output(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "cache"))
    one = zensical.cache_folder(tmp_path / "projects" / "acme", "acme")
    assert one == zensical.cache_folder(tmp_path / "projects" / "acme", "acme")
    assert one != zensical.cache_folder(tmp_path / "projects" / "beta", "beta")
    assert one.parent == zensical.cache_folder(tmp_path / "projects" / "acme", "acme.v1").parent
    assert one.is_relative_to(tmp_path / "cache")
    monkeypatch.delenv("MILEPOST_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert zensical.cache_root() == tmp_path / "xdg" / "milepost"


def test_without_zensical_installed_the_engine_says_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from generator.site import build

    monkeypatch.setattr(zensical, "available", lambda: False)
    monkeypatch.setattr(build, "zensical_available", lambda: False)
    said = ("the engine zensical is not installed: install it with `pip install "
            "'milepost[zensical]'`, or build with `--engine mkdocs`")
    with pytest.raises(MilepostError) as caught:
        zensical.run_zensical(tmp_path / "mkdocs.yml", None)
    assert str(caught.value) == said
    with pytest.raises(MilepostError) as caught:  # before anything is built
        engine_setting(tmp_path / "mkdocs.yml", "zensical")
    assert str(caught.value) == said
    assert engine_setting(tmp_path / "mkdocs.yml", "mkdocs") == "mkdocs"


# --- Zensical's warnings, reported as MkDocs' are, and --strict -------------------------------

BROKEN_LINK = ("acme: {severity}: Zensical (page team.md): Doc file 'team.md' (line {line}) "
               "contains a link 'nope.md': page does not exist; pages are made from the "
               "templates, so check those your repository's content/templates/ overrides")


@pytest.mark.slow
@needs_zensical
def test_zensical_warnings_are_reported_and_strict_holds_the_site_back(
        broken_override, run_cli, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "cache"))
    build = ("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "1",
             "--engine", "zensical")
    code, out, err = run_cli(*build)
    assert code == 0, err
    warned = [line for line in err.splitlines() if line.startswith("acme: warning: Zensical")]
    assert len(warned) == 1, err
    line = warned[0].split("(line ")[1].split(")")[0]
    assert warned[0] == BROKEN_LINK.format(severity="warning", line=line)
    site = tmp_path / "site" / "acme"
    assert (site / "team.html").is_file() and (site / "search.json").is_file()
    assert not (site / "404.html").exists() and not (site / ".cache").exists()
    assert any((tmp_path / "cache" / "zensical").rglob("*")), "the cache is kept"

    (site / "team.html").write_text("last good", encoding="utf-8")
    code, out, err = run_cli(*build, "--strict")
    assert code == 1
    assert BROKEN_LINK.format(severity="error", line=line) in err.splitlines()
    assert "error: not built: acme (what was there before is unchanged)" in err
    assert "Traceback" not in err + out
    assert (site / "team.html").read_text(encoding="utf-8") == "last good"


def test_an_unchanged_site_is_taken_from_the_cache_and_any_change_builds_again(tmp_path: Path):
    work, cache, base = tmp_path / "work", tmp_path / "cache", tmp_path / "base.yml"
    (work / "docs").mkdir(parents=True)
    (work / "docs" / "index.md").write_text("# Hello\n", encoding="utf-8")
    base.write_text("site_name: X\n", encoding="utf-8")
    config = work / "mkdocs.yml"
    config.write_text(f"INHERIT: {base}\nsite_name: Acme\n", encoding="utf-8")
    key = zensical.fingerprint(work, config)
    assert zensical.reuse(cache, key, work / "site") is None
    built = tmp_path / "built"
    built.mkdir()
    (built / "index.html").write_text("<h1>Hello</h1>", encoding="utf-8")
    cache.mkdir()
    zensical.keep(cache, key, built, ["a warning"])
    assert zensical.reuse(cache, key, work / "site") == ["a warning"]
    assert (work / "site" / "index.html").read_text(encoding="utf-8") == "<h1>Hello</h1>"
    # the site it made is not an input; a page, the base config or the date are
    assert zensical.fingerprint(work, config) == key
    (work / "docs" / "index.md").write_text("# Hello again\n", encoding="utf-8")
    assert zensical.fingerprint(work, config) != key
    (work / "docs" / "index.md").write_text("# Hello\n", encoding="utf-8")
    base.write_text("site_name: Y\n", encoding="utf-8")
    assert zensical.fingerprint(work, config) != key
    base.write_text("site_name: X\n", encoding="utf-8")
    assert zensical.fingerprint(work, config) == key
    assert zensical.reuse(cache, "another", tmp_path / "elsewhere") is None


@pytest.mark.slow
@needs_zensical
def test_a_second_build_of_an_unchanged_client_is_the_same_site_from_the_cache(
        make_project, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.conftest import tree_bytes, valid_files

    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "cache"))
    make_project({"acme": valid_files()})
    build = ("build", "--projects", "projects", "--as-of", AS_OF, "-j", "1", "--engine",
             "zensical")
    assert run_cli(*build, "--out", "one")[0] == 0
    kept = next((tmp_path / "cache").rglob(zensical.KEPT_ABOUT))
    first = kept.stat().st_mtime_ns
    assert run_cli(*build, "--out", "two")[0] == 0
    assert kept.stat().st_mtime_ns == first  # taken from the cache, not built again
    assert tree_bytes(tmp_path / "one" / "acme") == tree_bytes(tmp_path / "two" / "acme")
    roadmap = tmp_path / "projects" / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace("title: Discovery\n", "title: Discovery call\n"),
                       encoding="utf-8")
    assert run_cli(*build, "--out", "two")[0] == 0
    assert "Discovery call" in (tmp_path / "two" / "acme" / "roadmap.html").read_text("utf-8")
