"""`DIR/_agency/`: the agency's site, built with MkDocs beside the client sites.

It is built after the clients, from a second reading of their folders (`full.py`), in a
scratch folder of its own and swapped in whole, like a client's site. Nothing here writes
into a client's folder, and no client page links here: a client's site is the same bytes
with or without `--agency`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from generator.agency import portfolio as pf
from generator.agency.full import AgencyClient, read_agency_client
from generator.agency.render import AGENCY, FOLDER, AgencyView, agency_config, render_agency
from generator.history import git
from generator.history.compare import slip_history
from generator.history.versions import LATEST, gather, version_model
from generator.site.build import ROBOTS, BuildResult, BuildSettings, failed, run_mkdocs, source_date
from generator.site.model import Project
from generator.site.output import scratch_folder, swap_in
from generator.site.render import CONTENT


def version_snapshots(c: AgencyClient, projects_dir: Path, scratch: Path) -> list[
        tuple[str, Project]]:
    """The client's public model at each released version that still validates, then now:
    what the client saw version after version. Empty outside git or without versions."""
    cv = gather(c.slug, projects_dir)
    if cv.repo is None or not cv.versions:
        return []
    snapshots = []
    for k, v in enumerate(cv.versions):
        model, _ = version_model(cv, k, scratch / c.slug)
        if model is not None:
            snapshots.append((v.name, model))
    return [*snapshots, (LATEST, c.public)] if snapshots else []


def gather_view(folders: list[Path], shown_root: str, settings: BuildSettings,
                projects_dir: Path, versioned: bool) -> AgencyView:
    """Read every client for the agency, with each one's slips since its last version."""
    clients, invalid = [], []
    for folder in folders:
        c = read_agency_client(folder, shown_root, settings.today)
        (clients.append(c) if c is not None else invalid.append(folder.name))
    slips: list[pf.Slip] = []
    with_versions = 0
    in_git = git.repo_root(projects_dir.resolve()) is not None
    with scratch_folder(None, "milepost-agency-") as scratch:
        for c in clients if in_git else []:
            snapshots = version_snapshots(c, projects_dir, scratch)
            with_versions += bool(snapshots)
            slips += pf.slipped(c.slug, c.full.client.name, snapshots, slip_history(snapshots))
    slips.sort(key=lambda x: (-x.days, x.client.lower(), x.milestone.id))
    return AgencyView(settings.today, clients, invalid, slips, with_versions, versioned)


def write_agency_project(view: AgencyView, settings: BuildSettings, work: Path) -> int:
    docs = work / "docs"
    pages = render_agency(view, settings.project_root)
    for rel, text in pages.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (docs / "robots.txt").write_text(ROBOTS, encoding="utf-8")
    assets = docs / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONTENT / "assets" / "milepost.css", assets / "milepost.css")
    shutil.copytree(AGENCY / "assets", assets, dirs_exist_ok=True)
    names = {f"clients/{c.slug}.md": c.full.client.name for c in view.clients}
    config = agency_config(settings.base_config, list(pages), names)
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    return len(pages)


def build_agency(folders: list[Path], shown_root: str, settings: BuildSettings,
                 projects_dir: Path, versioned: bool) -> BuildResult:
    """Build `settings.out/_agency/`; never raises (a failure leaves the last one)."""
    started = time.perf_counter()
    try:
        view = gather_view(folders, shown_root, settings, projects_dir, versioned)
        target = settings.out / FOLDER
        target.parent.mkdir(parents=True, exist_ok=True)
        with scratch_folder(target.parent, f".{FOLDER}.building-") as work:
            with source_date(settings.today):
                pages = write_agency_project(view, settings, work)
                run_mkdocs(work / "mkdocs.yml")
            swap_in(work / "site", target)
        return BuildResult(FOLDER, True, pages, time.perf_counter() - started)
    except Exception as exc:
        return failed(FOLDER, started, exc)
