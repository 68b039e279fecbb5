"""The theme's files are the same in every client and every version: the output keeps one
copy of each (`.milepost-shared/`) and every site's file is a hard link to it, so disk use
grows with pages, not with clients times versions; a rebuild never changes a file another
site links to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.site.output import SHARED, prune_shared, share_identical
from tests.conftest import git, valid_files

AS_OF = "2026-06-01"


def asset_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*"))
            if p.is_file() and "javascripts" in p.relative_to(site).parts[:-1]}


def shared_copies(out: Path) -> list[Path]:
    return sorted((out / SHARED).glob("*/*"))


def test_identical_files_become_one_copy_and_different_ones_stay_apart(tmp_path: Path):
    out = tmp_path / "out"
    for name, css in (("a", "body{}"), ("b", "body{}"), ("c", "p{}")):
        (out / name / "assets" / "stylesheets").mkdir(parents=True)
        (out / name / "assets" / "stylesheets" / "main.css").write_text(css)
        (out / name / "assets" / "logo.png").write_text("the same logo")
        (out / name / "index.html").write_text("<p>same page</p>")
        share_identical(out / name, out)
    a, b, c = (out / x / "assets" / "stylesheets" / "main.css" for x in "abc")
    assert os.path.samefile(a, b) and not os.path.samefile(a, c)
    assert a.stat().st_nlink == 3  # a, b and the shared copy
    # pages, and a client's own files beside the theme's, stay the client's however alike
    assert not os.path.samefile(out / "a" / "index.html", out / "b" / "index.html")
    logos = [out / x / "assets" / "logo.png" for x in "ab"]
    assert not os.path.samefile(*logos)
    assert len(shared_copies(out)) == 2
    # sharing again changes nothing
    share_identical(out / "a", out)
    assert a.stat().st_nlink == 3


def test_a_copy_no_site_links_to_any_more_is_pruned(tmp_path: Path):
    out = tmp_path / "out"
    for name in "ab":
        (out / name / "assets" / "javascripts").mkdir(parents=True)
        (out / name / "assets" / "javascripts" / f"{name}.js").write_text(f"// {name}")
        share_identical(out / name, out)
    (out / "b" / "assets" / "javascripts" / "b.js").unlink()  # client b was rebuilt without it
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
