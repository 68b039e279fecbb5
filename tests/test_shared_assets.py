"""The theme's files are the same in every client and every version: the output keeps one
copy of each (`.milepost-shared/`) and every site's file is a hard link to it, so disk use
grows with pages, not with clients times versions; a rebuild never changes a file another
site links to."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from generator.site.output import SHARED, prune_shared, settle
from tests.conftest import copy_examples, git, valid_files

AS_OF = "2026-06-01"


def asset_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*"))
            if p.is_file() and "javascripts" in p.relative_to(site).parts[:-1]}


def shared_copies(out: Path) -> list[Path]:
    return sorted((out / SHARED).glob("*/*"))


def put(out: Path, name: str, files: dict[str, str]) -> Path:
    """Write a site as a build does: complete in a scratch folder, settled, swapped in."""
    new = out.parent / f"new-{name}"
    for rel, text in files.items():
        (new / rel).parent.mkdir(parents=True, exist_ok=True)
        (new / rel).write_text(text)
    out.mkdir(exist_ok=True)
    settle(new, out / name)
    if (out / name).exists():  # swap_in's rename, without the C library lookup it starts
        shutil.rmtree(out / name)
    new.rename(out / name)
    return out / name


CSS = "assets/stylesheets/main.css"


def test_identical_theme_files_become_one_copy_and_the_rest_stay_apart(tmp_path: Path):
    out = tmp_path / "out"
    for name, css in (("a", "body{}"), ("b", "body{}"), ("c", "p{}")):
        put(out, name, {CSS: css, "assets/logo.png": "the same logo",
                        "index.html": "<p>same page</p>"})
    a, b, c = (out / x / CSS for x in "abc")
    assert os.path.samefile(a, b) and not os.path.samefile(a, c)
    assert a.stat().st_nlink == 3  # a, b and the shared copy
    # pages, and a client's own files beside the theme's, stay the client's however alike
    assert not os.path.samefile(out / "a" / "index.html", out / "b" / "index.html")
    logos = [out / x / "assets" / "logo.png" for x in "ab"]
    assert not os.path.samefile(*logos)
    assert len(shared_copies(out)) == 2


def test_files_alike_within_one_client_are_one_file(tmp_path: Path):
    out = tmp_path / "out"
    site = put(out, "a", {"feed.xml": "<feed/>", "latest/feed.xml": "<feed/>",
                          "latest/index.html": "<p>now</p>", "v1/index.html": "<p>then</p>"})
    assert os.path.samefile(site / "feed.xml", site / "latest" / "feed.xml")
    assert not os.path.samefile(site / "latest" / "index.html", site / "v1" / "index.html")
    other = put(out, "b", {"feed.xml": "<feed/>"})
    assert not os.path.samefile(site / "feed.xml", other / "feed.xml")  # another client's


def test_an_unchanged_rebuild_keeps_every_file_and_a_changed_one_is_new(tmp_path: Path):
    out = tmp_path / "out"
    site = put(out, "a", {CSS: "body{}", "index.html": "<p>v1</p>", "team.html": "<p>us</p>"})
    before = {p.name: p.stat() for p in site.rglob("*") if p.is_file()}
    time.sleep(0.01)
    put(out, "a", {CSS: "body{}", "index.html": "<p>v2</p>", "team.html": "<p>us</p>"})
    after = {p.name: p.stat() for p in site.rglob("*") if p.is_file()}
    for name in ("main.css", "team.html"):
        assert (after[name].st_ino, after[name].st_mtime_ns) == (
            before[name].st_ino, before[name].st_mtime_ns), name
    assert after["index.html"].st_ino != before["index.html"].st_ino
    assert (site / "index.html").read_text() == "<p>v2</p>"


def test_a_copy_no_site_links_to_any_more_is_pruned(tmp_path: Path):
    out = tmp_path / "out"
    for name in "ab":
        put(out, name, {f"assets/javascripts/{name}.js": f"// {name}"})
    put(out, "b", {"index.html": "rebuilt without its script"})
    prune_shared(out)
    assert [p.read_text() for p in shared_copies(out)] == ["// a"]


@pytest.mark.slow
def test_clients_versions_and_the_agency_view_keep_one_copy_of_the_theme(
        tmp_path: Path, make_project, run_cli):
    projects = make_project({"acme": valid_files(), "bolt": valid_files()})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "clients", day="2026-05-01")
    git(tmp_path, "tag", "-a", "acme/v1", "-m", "First", day="2026-05-01")
    code, _, err = run_cli("build", "--projects", str(projects), "--out", "out", "--as-of",
                           AS_OF, "--agency", "-j1")
    assert code == 0, err
    out = tmp_path / "out"
    acme, bolt = asset_files(out / "acme"), asset_files(out / "bolt")
    assert acme and acme.keys() == bolt.keys()
    for name, path in acme.items():
        assert os.path.samefile(path, bolt[name]), name
    copies = asset_files(out / "_agency")
    assert copies and all(p.stat().st_nlink > 1 for p in copies.values())
    before = {p.read_bytes() for p in shared_copies(out)}

    code, _, err = run_cli("build", "--projects", str(projects), "--out", "out", "--as-of",
                           AS_OF, "--versions", "--client", "acme", "-j1")
    assert code == 0, err
    latest, v1 = asset_files(out / "acme" / "latest"), asset_files(out / "acme" / "v1")
    for name, path in latest.items():
        if name in v1:
            assert os.path.samefile(path, v1[name]), name
        if name in bolt:
            assert os.path.samefile(path, bolt[name]), name
    # the rebuild wrote new files beside the shared ones, never into them
    assert {p.read_bytes() for p in shared_copies(out)} >= before
    assert all(p.stat().st_nlink > 1 for p in shared_copies(out))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_an_rsync_after_an_unchanged_rebuild_moves_nothing(tmp_path: Path, run_cli):
    """A server kept in step with rsync gets nothing when nothing changed: an unchanged
    rebuild keeps every file as it was, its date included (rsync compares size and date)."""
    projects = tmp_path / "projects"
    copy_examples(projects)
    build = ("build", "--projects", str(projects), "--out", "out", "--as-of", AS_OF,
             "--agency", "-j1")
    assert run_cli(*build)[0] == 0
    server = tmp_path / "server"
    subprocess.run(["rsync", "-a", "--delete", f"{tmp_path / 'out'}/", f"{server}/"],
                   check=True)
    assert run_cli(*build)[0] == 0
    again = subprocess.run(["rsync", "-a", "--delete", "--itemize-changes", "--stats",
                            f"{tmp_path / 'out'}/", f"{server}/"],
                           check=True, capture_output=True, text=True).stdout
    assert "Number of regular files transferred: 0" in again, again
