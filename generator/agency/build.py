"""`DIR/_agency/`: the agency's site, built with MkDocs beside the client sites.

Each client's part is made in the worker that built the client, from the records that worker
already read (`client_part`): the agency's view of the client, its slips since the last
version, and the copy of its built site with what is held back in place (`copies.py`). The
agency's own pages are built once every part is in, in a scratch folder of their own, and the
whole is swapped in like a client's site. Nothing here writes into a client's folder, and no
client page links here: a client's site is the same bytes with or without `--agency`.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.agency import portfolio as pf
from generator.agency.copies import CopyError, copy_site
from generator.agency.full import AgencyClient, agency_client, read_agency_client
from generator.agency.render import AGENCY, FOLDER, AgencyView, agency_config, render_agency
from generator.agency.views import COPIES
from generator.history import git
from generator.history.compare import slip_history
from generator.history.versions import LATEST, gather, version_model
from generator.numbers import possessive
from generator.problems import Problem
from generator.project.client import ReadClient
from generator.project.model import Project
from generator.site.build import (
    ROBOTS,
    BuildResult,
    BuildSettings,
    StrictWarnings,
    engine_named,
    failed,
    mkdocs_problem,
    source_date,
)
from generator.site.output import (
    VERSIONED,
    keep_unchanged,
    layout_of,
    scratch_folder,
    settle,
    swap_in,
)
from generator.site.render import CONTENT
from generator.site.zensical import cache_folder


@dataclass(frozen=True)
class AgencyPart:
    """What one client gives the agency's site: plain data, sent back from its worker."""

    client: AgencyClient
    slips: tuple[pf.Slip, ...]
    has_versions: bool        # it has released versions to compare with
    copied: bool              # its site's copy, with what is held back, is in the work folder
    versioned: bool           # its site keeps its current pages in latest/
    trouble: str = ""         # why its copy could not be made


@contextlib.contextmanager
def agency_work(out: Path) -> Iterator[Path]:
    """The scratch folder the agency's site is put together in, beside the client sites
    (the copies are hard links to their files); removed unless swapped in."""
    out.mkdir(parents=True, exist_ok=True)
    with scratch_folder(out, f".{FOLDER}.building-") as work:
        (work / COPIES).mkdir()  # before the workers put their copies in it, side by side
        yield work


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


def _slips(c: AgencyClient, projects_dir: Path) -> tuple[tuple[pf.Slip, ...], bool]:
    if git.repo_root(projects_dir.resolve()) is None:
        return (), False
    with scratch_folder(None, "milepost-agency-") as scratch:
        snapshots = version_snapshots(c, projects_dir, scratch)
    slips = pf.slipped(c.slug, c.full.client.name, snapshots, slip_history(snapshots))
    return tuple(slips), bool(snapshots)


def part_of(c: AgencyClient, site: Path, built: bool, work: Path, projects_dir: Path,
            versioned: bool) -> AgencyPart:
    """The client's part: its slips, and (when `built`: the site is the one just built from
    these very records) a copy of its site in `work`. `versioned` is what the run builds,
    for a client that has no site yet."""
    if site.is_dir():
        versioned = layout_of(site) == VERSIONED
    copied, trouble = False, ""
    if built and (site / "index.html").is_file():
        try:
            copy_site(site, work / COPIES / c.slug, c, "../../")
            # Compared with the copy the last build published here, in this client's worker,
            # rather than all copies at once when the agency's site is settled at the end.
            keep_unchanged(work / COPIES / c.slug, site.parent / FOLDER / COPIES / c.slug)
            copied = True
        except (CopyError, OSError) as exc:  # the client's site stands; only its copy is missing
            shutil.rmtree(work / COPIES / c.slug, ignore_errors=True)
            trouble = str(exc)
    slips, has_versions = _slips(c, projects_dir)
    return AgencyPart(c, slips, has_versions, copied, versioned, trouble)


def client_part(read: ReadClient, site: Path, built: bool, work: Path, projects_dir: Path,
                versioned: bool) -> AgencyPart | None:
    """The part of a client the build just read (and built at `site`, when `built`); None
    when the client has errors."""
    c = agency_client(read)
    if c is None:
        return None
    return part_of(c, site, built, work, projects_dir, versioned)


def folder_part(folder: Path, shown_root: str, settings: BuildSettings, work: Path,
                projects_dir: Path, versioned: bool) -> AgencyPart | None:
    """The part of a client this run did not build (`--client` named others): read now, its
    copy made from the site the last build left, if any."""
    c = read_agency_client(folder, shown_root, settings.today)
    if c is None:
        return None
    return part_of(c, settings.out / c.slug, True, work, projects_dir, versioned)


def gather_view(parts: list[AgencyPart], invalid: list[str], settings: BuildSettings
                ) -> AgencyView:
    """The agency's view of every client, from their parts."""
    slips = sorted((s for p in parts for s in p.slips),
                   key=lambda x: (-x.days, x.client.lower(), x.milestone.id))
    return AgencyView(settings.today, [p.client for p in parts], sorted(invalid), slips,
                      sum(p.has_versions for p in parts),
                      frozenset(p.client.slug for p in parts if p.versioned),
                      frozenset(p.client.slug for p in parts if p.copied))


def copy_problems(parts: list[AgencyPart]) -> list[Problem]:
    """A warning for each client whose copy could not be made: its own site stands."""
    return [Problem(FOLDER, 0, 0, "", f"the agency's copy of {possessive(p.client.slug)} site "
                    f"was not made, so its page links to the client's own site: {p.trouble}",
                    "warning", FOLDER) for p in parts if p.trouble]


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


# The engine's warning about a link whose target is not among the agency site's own pages
# (Zensical's are worded like MkDocs', with the line: see site/zensical.py).
_LINK = re.compile(r"Doc file '(?P<page>[^']+)' (?:\(line \d+\) )?contains a link "
                   r"'(?P<url>[^'#?]*)")


def by_design(warning: str) -> bool:
    """True for MkDocs' warning about a link the agency's pages make on purpose to what
    MkDocs does not know: the copies of the client sites (put in after it, in sites/) and the
    client sites beside `_agency/`. Any other warning is reported."""
    link = _LINK.match(warning)
    if link is None:
        return False
    target = posixpath.normpath(posixpath.join(posixpath.dirname(link["page"]), link["url"]))
    return target.startswith((f"{COPIES}/", "../"))


def build_agency(parts: list[AgencyPart], invalid: list[str], work: Path,
                 settings: BuildSettings) -> BuildResult:
    """Build `settings.out/_agency/` from every client's part, put together in `work`;
    never raises (a failure leaves the last one)."""
    started = time.perf_counter()
    try:
        view = gather_view(parts, invalid, settings)
        with source_date(settings.today):
            pages = write_agency_project(view, settings, work)
            # MkDocs' warnings are reported as a client's are, and --strict holds them too
            engine = engine_named(settings.engine)
            said = engine.run(work / "mkdocs.yml", cache_folder(settings.out, FOLDER))
            found = [*copy_problems(parts),
                     *(mkdocs_problem(FOLDER, None, m, settings.strict, engine.title)
                       for m in said if not by_design(m))]
        if found and settings.strict:
            raise StrictWarnings(found, engine.title)
        os.replace(work / COPIES, work / "site" / COPIES)
        settle(work / "site", settings.out / FOLDER)
        swap_in(work / "site", settings.out / FOLDER)
        return BuildResult(FOLDER, True, pages, time.perf_counter() - started,
                           problems=tuple(found))
    except StrictWarnings as exc:
        return BuildResult(FOLDER, False, 0, time.perf_counter() - started, str(exc),
                           problems=exc.problems)
    except Exception as exc:
        return failed(FOLDER, started, exc)
