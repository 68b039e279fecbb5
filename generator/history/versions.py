"""Versions of a client's site: each tag `slug/<version>` is built from the files as they were
at that tag, next to `latest` from the working tree, with mike's versions.json.

A version is rebuilt only when its inputs changed (its files and every earlier version's,
Milepost itself, the templates and the base config); `publish` never rebuilds a version that
is already published.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator import __version__
from generator.format.pages import names_in_site_folder
from generator.history import git
from generator.history.compare import slip_history, what_changed
from generator.problems import MilepostError, Problem, errors
from generator.project.client import check_client_folder
from generator.project.model import Project
from generator.site import wording
from generator.site.build import (
    CONTENT,
    ROBOTS,
    BuildResult,
    BuildSettings,
    Built,
    StrictWarnings,
    build_site,
    client_feed,
    failed,
)
from generator.site.feeds import Release
from generator.site.markup import inert
from generator.site.output import (
    INPUTS_FILE,
    LAYOUT_FILE,
    PLAIN,
    VERSIONED,
    layout_of,
    scratch_folder,
    settle,
    stage_copy,
    swap_in,
)
from generator.site.render import SiteVersion

LATEST = "latest"
VERSIONS_FILE = "versions.json"   # mike's list of versions, read by Material's selector
REDIRECT_FILE = "index.html"      # leads from the client's folder to latest/
FEED_FILE = "feed.xml"            # the client's Atom feed, beside its versions
NAME_LIMIT = 64                   # a version's folder name, with room for scratch names
# What build.py and the engines write in a site's folder besides the pages (MkDocs its
# search/ folder, Zensical its search.json).
SITE_FILES = ("assets", "calendar.ics", "feed.xml", "robots.txt", "search", "search.json",
              "sitemap.xml", "sitemap.xml.gz")


def reserved_version_names() -> list[str]:
    """Names a version folder cannot take: what the versioned layout writes beside the
    version folders, and what a client's unversioned site writes at the same level (the
    client's folder may hold one, from `build` without --versions)."""
    return sorted({LATEST, VERSIONS_FILE, REDIRECT_FILE, *names_in_site_folder(), *SITE_FILES})


def version_name_problem(name: str) -> str:
    """Why `name` cannot be a version (it becomes a folder of the client's site), or ''."""
    if len(name) > NAME_LIMIT:
        return f"it is longer than {NAME_LIMIT} characters"
    if not git.VERSION_NAME.fullmatch(name):
        return ("a version name holds only letters, digits, '.', '-' and '_', and starts "
                "with a letter or digit")
    if name.casefold() in {n.casefold() for n in reserved_version_names()}:
        return ("the site uses that name itself (in any capitals): "
                + ", ".join(reserved_version_names()))
    return ""


def tool_fingerprint(base_config: Path, project_root: Path | None) -> str:
    """Milepost's code, templates, assets and the base config: a change rebuilds everything."""
    digest = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).resolve().parent.parent, CONTENT]  # the whole package
    if project_root is not None and (project_root / "content").is_dir():
        roots.append(project_root / "content")
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and
                           "__pycache__" not in p.parts):
            digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    digest.update(base_config.read_bytes())
    return digest.hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ClientVersions:
    """What a client's versioned build needs to know, gathered before building."""

    slug: str
    folder: Path            # the client's folder in the working tree
    repo: Path | None
    folder_in_repo: str
    versions: list[git.Version]
    listings: list[str]     # `git ls-tree` of the folder at each version
    warning: str = ""
    skipped: tuple[str, ...] = ()   # a warning for each tag that cannot be a version


def _usable(tags: list[git.Version]) -> tuple[list[git.Version], tuple[str, ...]]:
    """The tags whose names can be version folders, and a warning for each other one (a tag
    made by hand, not with `milepost release`): it is skipped, never built over a file."""
    usable, skipped = [], []
    for v in tags:
        why = version_name_problem(v.name)
        if why:
            skipped.append(f"tag {v.tag} skipped: '{v.name}' cannot be a version name ({why}); "
                           f"rename it: git tag -a {v.slug}/NEW {v.tag}^{{}} && git tag -d "
                           f"{v.tag}")
        else:
            usable.append(v)
    return usable, tuple(skipped)


def gather(slug: str, projects_dir: Path) -> ClientVersions:
    folder = (projects_dir / slug).resolve()
    repo = git.repo_root(folder)
    if repo is None:
        return ClientVersions(slug, folder, None, "", [], [])
    rel = folder.relative_to(repo.resolve()).as_posix()
    tags = git.list_versions(repo, slug)
    versions, skipped = _usable(tags)
    warning = ""
    if not tags and git.is_shallow_without_tags(repo):
        warning = ("this is a shallow clone without tags, so no versions were found: run "
                   "`git fetch --tags --unshallow` (in CI, check out with full history)")
    listings = [git.tree_listing(repo, v.tag, rel) for v in versions]
    return ClientVersions(slug, folder, repo, rel, versions, listings, warning, skipped)


def fingerprints(cv: ClientVersions, tool: str, today: date) -> dict[str, str]:
    """Inputs of each version folder: its own files, every earlier version's, the tool."""
    # A version is its name, date and note as well as its files: all of them show on pages.
    seen = [f"{v.name}\0{v.date.isoformat()}\0{v.note}\0{listing}"
            for v, listing in zip(cv.versions, cv.listings, strict=True)]
    prints = {v.name: _hash(tool, *seen[: k + 1]) for k, v in enumerate(cv.versions)}
    prints[LATEST] = _hash(tool, today.isoformat(), *seen, git.working_fingerprint(cv.folder))
    return prints


def _published_print(target: Path) -> str | None:
    marker = target / INPUTS_FILE
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def version_model(cv: ClientVersions, k: int, scratch: Path) -> tuple[Project | None, str]:
    """Version k's public model, read from git, or None and the first reason it is invalid
    (a version released under older rules may not pass today's)."""
    v = cv.versions[k]
    assert cv.repo is not None  # versions are read from git: no repository, no versions
    exported = git.export_folder(cv.repo, v.tag, cv.folder_in_repo, scratch / str(k))
    shown = f"{v.tag}:{Path(cv.folder_in_repo).parent.as_posix()}"
    project, problems = check_client_folder(exported, shown, v.date)
    if project is None:
        return None, errors(problems)[0].text() if errors(problems) else "unreadable"
    return replace(project, folder=exported), ""


def _readable_versions(cv: ClientVersions, scratch: Path) -> tuple[ClientVersions,
                                                                   list[Project], list[str]]:
    """The versions that still validate, their models, and a note for each that does not:
    those are left as they were published and skipped when comparing."""
    keep, models, notes = [], [], []
    for k, v in enumerate(cv.versions):
        model, reason = version_model(cv, k, scratch)
        if model is None:
            notes.append(f"version {v.name} no longer validates, left as it was ({reason})")
        else:
            keep.append(k)
            models.append(model)
    readable = replace(cv, versions=[cv.versions[k] for k in keep],
                       listings=[cv.listings[k] for k in keep])
    return readable, models, notes


def _site_version(cv: ClientVersions, models: list[Project], k: int, latest: Project,
                  today: date) -> SiteVersion:
    """Version k (or latest when k == len(versions)) with its comparison and history."""
    snapshots = [(v.name, m) for v, m in zip(cv.versions, models, strict=True)]
    if k < len(cv.versions):
        v, current = cv.versions[k], models[k]
        name, day, note, history = v.name, v.date, v.note, snapshots[: k + 1]
    else:
        name, day, note, current = LATEST, today, "", latest
        history = [*snapshots, ("latest", latest)]
    previous = (cv.versions[k - 1].name, cv.versions[k - 1].date) if k > 0 else None
    changes = what_changed(models[k - 1], current, previous[0]) if previous else []
    return SiteVersion(
        name=name, date=day, is_latest=k == len(cv.versions), note=note, previous=previous,
        changes=changes, slips=slip_history(history),
        baseline={m.id: m.planned for m in models[0].milestones} if models else {},
    )


def _build_one(project: Project, version: SiteVersion, settings: BuildSettings, target: Path,
               fingerprint: str, client_folder: Path) -> Built:
    """A version's site, dated by its tag, stamped with the fingerprint of its inputs. Its
    caches are the client folder's (`client_folder`), not those of the folder the version
    was exported to for this run."""
    return build_site(project, replace(settings, today=version.date), target, version,
                      stamp=fingerprint, cache_source=client_folder)


def releases(cv: ClientVersions, models: list[Project]) -> list[Release]:
    """Each readable version with what changed against the one before it, for the feed."""
    return [Release(v.name, v.date, v.note,
                    what_changed(models[k - 1], models[k], since=cv.versions[k - 1].name)
                    if k else [])
            for k, v in enumerate(cv.versions)]


NOTE_IN_MENU = 48  # characters of a release note the version menu shows


def _menu_note(v: git.Version) -> str:
    """The release note, cut at a word to fit the menu; '' for none, or for the note
    `milepost release` writes when given none (it only repeats the version's name)."""
    note = " ".join(v.note.split())
    if note == git.default_note(v.slug, v.name):
        return ""
    if len(note) <= NOTE_IN_MENU:
        return note
    return note[:NOTE_IN_MENU].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def version_title(v: git.Version, same_day: bool) -> str:
    """A version in Material's menu: 'v2 (2 Nov 2026): November baseline'. Its note tells
    it from the others; without one, a version released on the same day as another gets
    its time ('v2 (2 Nov 2026, 16:40)'). `inert`: the menu inserts titles as HTML."""
    note = _menu_note(v)
    when = wording.short_date(v.date) + (f", {v.time}" if same_day and v.time and not note
                                        else "")
    return inert(f"{v.name} ({when})" + (f": {note}" if note else ""))


def versions_json(cv: ClientVersions) -> str:
    """mike's format, newest first, so Material's version selector lists every version."""
    days = Counter(v.date for v in cv.versions)
    entries = [{"version": LATEST, "title": "latest", "aliases": []}]
    entries += [{"version": v.name, "title": version_title(v, days[v.date] > 1), "aliases": []}
                for v in reversed(cv.versions)]
    return json.dumps(entries, indent=2) + "\n"


REDIRECT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Redirecting to the latest version</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=latest/index.html">
<link rel="canonical" href="latest/index.html">
</head><body><p><a href="latest/index.html">Go to the latest version</a></p></body></html>
"""


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file at `path` in one step, inside a private copy of the client's folder;
    a folder in its way (a version once built under that name) is removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class VersionedJob:
    project: Project         # latest, from the working tree (already validated)
    projects_dir: Path
    settings: BuildSettings  # settings.out is the folder that holds <slug>/
    keep_published: bool = False
    staged: bool = False     # settings.out is already a private copy (publish makes one)


def _listed(cv: ClientVersions, folder: Path) -> ClientVersions:
    """The versions that have a folder: those versions.json offers."""
    return replace(cv, versions=[v for v in cv.versions if (folder / v.name).is_dir()])


def _layout_files(cv: ClientVersions, folder: Path) -> dict[str, str]:
    return {VERSIONS_FILE: versions_json(_listed(cv, folder)), REDIRECT_FILE: REDIRECT,
            LAYOUT_FILE: VERSIONED + "\n", "robots.txt": ROBOTS}


def _files_current(folder: Path, files: dict[str, str]) -> bool:
    return all((folder / name).is_file() and not (folder / name).is_symlink()
               and (folder / name).read_text(encoding="utf-8") == text
               for name, text in files.items())


def _update(job: VersionedJob, cv: ClientVersions, prints: dict[str, str], needed: list[str],
            target: Path) -> tuple[int, list[str], list[str], list[Problem]]:
    """Build the `needed` versions into `target`, a private copy of the client's folder, then
    write the feed, versions.json and the redirect. Returns the pages built, the warnings
    about versions that no longer validate, the versions rebuilt and MkDocs' warnings."""
    pages = 0
    notes: list[str] = []
    warned: list[Problem] = []
    feed = target / FEED_FILE
    if needed or not feed.is_file():
        with scratch_folder(None, "milepost-versions-") as scratch:
            readable, models, notes = _readable_versions(cv, scratch)
            for k, v in enumerate([*readable.versions, None]):
                name = v.name if v else LATEST
                if name not in needed:
                    continue
                project = models[k] if v else job.project
                site_version = _site_version(readable, models, k, job.project,
                                             job.settings.today)
                built = _build_one(project, site_version, job.settings, target / name,
                                   prints[name], job.project.folder)
                pages += built.pages
                warned += built.warnings
            news = client_feed(job.project, job.settings.base_config,
                               releases(readable, models)).decode("utf-8")
            _write_atomic(feed, news)
            if (target / LATEST).is_dir():  # the copy every page announces
                _write_atomic(target / LATEST / FEED_FILE, news)
        needed = [n for n in needed if n == LATEST or any(v.name == n for v in readable.versions)]
    for name, text in _layout_files(cv, target).items():
        _write_atomic(target / name, text)
    return pages, notes, needed, warned


def build_versioned_client(job: VersionedJob) -> BuildResult:
    """Build the versions of one client that need it into `out/<slug>/`; never raises.

    Everything is built into a copy of the client's folder (hard links) that is swapped in
    whole at the end: a failure halfway leaves the folder exactly as it was."""
    started = time.perf_counter()
    slug = job.project.slug
    try:
        cv = gather(slug, job.projects_dir)
        tool = tool_fingerprint(job.settings.base_config, job.settings.project_root)
        prints = fingerprints(cv, tool, job.settings.today)
        client_out = job.settings.out / slug
        needed = [name for name, fp in prints.items()
                  if (_published_print(client_out / name) != fp)
                  and not (job.keep_published and name != LATEST
                           and (client_out / name).is_dir())]
        pages = 0
        notes: list[str] = []
        warned: list[Problem] = []
        replacing = layout_of(client_out) == PLAIN
        if job.staged:
            client_out.mkdir(parents=True, exist_ok=True)
            pages, notes, needed, warned = _update(job, cv, prints, needed, client_out)
        elif (needed or replacing or not (client_out / FEED_FILE).is_file()
              or not _files_current(client_out, _layout_files(cv, client_out))):
            job.settings.out.mkdir(parents=True, exist_ok=True)
            with scratch_folder(job.settings.out, f".{slug}.building-") as scratch:
                if replacing:
                    # A plain site's pages would stay beside latest/: start from nothing.
                    (scratch / slug).mkdir()
                else:
                    stage_copy(client_out, scratch / slug)
                pages, notes, needed, warned = _update(job, cv, prints, needed,
                                                       scratch / slug)
                settle(scratch / slug, client_out)
                swap_in(scratch / slug, client_out)
        rebuilt = ", ".join(needed) if needed else "nothing (up to date)"
        if replacing and not job.staged:
            rebuilt = ("replaced the plain site with the versioned one (latest/ and one folder "
                       f"per version); rebuilt {rebuilt}")
        else:
            rebuilt = f"rebuilt {rebuilt}"
        warnings = [*notes, *cv.skipped, *([cv.warning] if cv.warning else [])]
        message = rebuilt + "".join(f"; warning: {w}" for w in warnings)
        return BuildResult(slug, True, pages, time.perf_counter() - started, message,
                           problems=tuple(warned))
    except StrictWarnings as exc:
        return BuildResult(slug, False, 0, time.perf_counter() - started, str(exc),
                           problems=exc.problems)
    except MilepostError as exc:
        return BuildResult(slug, False, 0, time.perf_counter() - started, str(exc))
    except Exception as exc:  # one client's failure must not stop the others
        return failed(slug, started, exc)
