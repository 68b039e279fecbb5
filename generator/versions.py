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
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator import __version__, git
from generator.build import (
    CONTENT,
    INPUTS_FILE,
    BuildResult,
    BuildSettings,
    build_site,
    failed,
)
from generator.compare import slip_history, what_changed
from generator.model import Project, check_client_folder
from generator.problems import MilepostError, errors
from generator.render import SiteVersion

LATEST = "latest"


def tool_fingerprint(base_config: Path, project_root: Path | None) -> str:
    """Milepost's code, templates, assets and the base config: a change rebuilds everything."""
    digest = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).resolve().parent, CONTENT]
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


def gather(slug: str, projects_dir: Path) -> ClientVersions:
    folder = (projects_dir / slug).resolve()
    repo = git.repo_root(folder)
    if repo is None:
        return ClientVersions(slug, folder, None, "", [], [])
    rel = folder.relative_to(repo.resolve()).as_posix()
    versions = git.list_versions(repo, slug)
    warning = ""
    if not versions and git.is_shallow_without_tags(repo):
        warning = ("this is a shallow clone without tags, so no versions were found: run "
                   "`git fetch --tags --unshallow` (in CI, check out with full history)")
    listings = [git.tree_listing(repo, v.tag, rel) for v in versions]
    return ClientVersions(slug, folder, repo, rel, versions, listings, warning)


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


def _version_model(cv: ClientVersions, k: int, scratch: Path) -> tuple[Project | None, str]:
    """Version k's public model, read from git, or None and the first reason it is invalid
    (a version released under older rules may not pass today's)."""
    v = cv.versions[k]
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
        model, reason = _version_model(cv, k, scratch)
        if model is None:
            notes.append(f"version {v.name} no longer validates, left as it was ({reason})")
        else:
            keep.append(k)
            models.append(model)
    readable = replace(cv, versions=[cv.versions[k] for k in keep],
                       listings=[cv.listings[k] for k in keep])
    return readable, models, notes


def _site_version(cv: ClientVersions, models: list[Project], k: int, latest: Project | None,
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
    changes = what_changed(models[k - 1], current) if k > 0 else []
    return SiteVersion(
        name=name, date=day, is_latest=k == len(cv.versions), note=note, previous=previous,
        changes=changes, slips=slip_history(history),
        baseline={m.id: m.planned for m in models[0].milestones} if models else {},
    )


def _build_one(project: Project, version: SiteVersion, settings: BuildSettings, target: Path,
               fingerprint: str) -> int:
    """A version's site, dated by its tag, stamped with the fingerprint of its inputs."""
    return build_site(project, replace(settings, today=version.date), target, version,
                      stamp=fingerprint)


def versions_json(cv: ClientVersions) -> str:
    """mike's format, newest first, so Material's version selector lists every version."""
    entries = [{"version": LATEST, "title": "latest", "aliases": []}]
    entries += [{"version": v.name, "title": f"{v.name} ({v.date.isoformat()})", "aliases": []}
                for v in reversed(cv.versions)]
    return json.dumps(entries, indent=2) + "\n"


REDIRECT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Redirecting to the latest version</title>
<meta http-equiv="refresh" content="0; url=latest/index.html">
<link rel="canonical" href="latest/index.html">
</head><body><p><a href="latest/index.html">Go to the latest version</a></p></body></html>
"""


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class VersionedJob:
    project: Project         # latest, from the working tree (already validated)
    projects_dir: Path
    settings: BuildSettings  # settings.out is the folder that holds <slug>/
    keep_published: bool = False


def build_versioned_client(job: VersionedJob) -> BuildResult:
    """Build the versions of one client that need it into `out/<slug>/`; never raises."""
    started = time.perf_counter()
    slug = job.project.slug
    try:
        cv = gather(slug, job.projects_dir)
        tool = tool_fingerprint(job.settings.base_config, job.settings.project_root)
        prints = fingerprints(cv, tool, job.settings.today)
        client_out = job.settings.out / slug
        client_out.mkdir(parents=True, exist_ok=True)
        needed = [name for name, fp in prints.items()
                  if (_published_print(client_out / name) != fp)
                  and not (job.keep_published and name != LATEST
                           and (client_out / name).is_dir())]
        pages, notes, listed = 0, [], cv
        if needed:
            with tempfile.TemporaryDirectory(prefix="milepost-versions-") as scratch:
                readable, models, notes = _readable_versions(cv, Path(scratch))
                for k, v in enumerate([*readable.versions, None]):
                    name = v.name if v else LATEST
                    if name not in needed:
                        continue
                    project = models[k] if v else job.project
                    site_version = _site_version(readable, models, k, job.project,
                                                 job.settings.today)
                    pages += _build_one(project, site_version, job.settings,
                                        client_out / name, prints[name])
            listed = replace(cv, versions=[v for v in cv.versions if v in readable.versions
                                           or (client_out / v.name).is_dir()])
            needed = [n for n in needed if n == LATEST
                      or any(v.name == n for v in readable.versions)]
        _write_atomic(client_out / "versions.json", versions_json(listed))
        _write_atomic(client_out / "index.html", REDIRECT)
        rebuilt = ", ".join(needed) if needed else "nothing (up to date)"
        warnings = [*notes, *([cv.warning] if cv.warning else [])]
        message = f"rebuilt {rebuilt}" + "".join(f"; warning: {w}" for w in warnings)
        return BuildResult(slug, True, pages, time.perf_counter() - started, message)
    except MilepostError as exc:
        return BuildResult(slug, False, 0, time.perf_counter() - started, str(exc))
    except Exception as exc:  # one client's failure must not stop the others
        return failed(slug, started, exc)


# --- release and diff -------------------------------------------------------------------------

def release(projects_dir: Path, slug: str, name: str, note: str | None, today: date) -> str:
    """Tag the client's files at HEAD as version `name`; returns the tag. Refuses a dirty
    folder, an invalid client and an existing version."""
    folder = (projects_dir / slug).resolve()
    if not folder.is_dir():
        raise MilepostError(f"no client folder {projects_dir / slug}")
    if name == LATEST or not git.VERSION_NAME.match(name):
        raise MilepostError(f"'{name}' cannot be a version name: use letters, digits, '.', "
                            "'-' or '_' (e.g. v1, 2026-11), and not 'latest'")
    repo = git.repo_root(folder)
    if repo is None:
        raise MilepostError(f"{projects_dir} is not in a git repository: versions are git tags")
    rel = folder.relative_to(repo.resolve()).as_posix()
    tag = f"{slug}/{name}"
    if git.tag_exists(repo, tag):
        raise MilepostError(f"version {name} of {slug} exists already (tag {tag}): choose "
                            "another name; published versions never change")
    dirty = git.dirty_files(repo, rel)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise MilepostError(f"{slug} has uncommitted changes ({shown}): commit them first, "
                            "so the version is exactly what is in git")
    with tempfile.TemporaryDirectory(prefix="milepost-release-") as scratch:
        exported = git.export_folder(repo, "HEAD", rel, Path(scratch))
        _, problems = check_client_folder(exported, Path(rel).parent.as_posix(), today)
    if errors(problems):
        listing = "\n".join(p.text() for p in errors(problems))
        raise MilepostError(f"{slug} does not validate at HEAD; not released:\n{listing}")
    git.create_tag(repo, tag, note or f"Version {name} of {slug}")
    return tag


def load_side(projects_dir: Path, slug: str, which: str | None, today: date) -> tuple[
        str, date, Project]:
    """A version's model by name, or the working tree for None/'working'/'latest'."""
    folder = (projects_dir / slug).resolve()
    if which in (None, "working", LATEST):
        project, problems = check_client_folder(folder, str(projects_dir), today)
        if project is None:
            listing = "\n".join(p.text() for p in errors(problems))
            raise MilepostError(f"{slug} does not validate in the working tree:\n{listing}")
        return "the working tree", today, project
    cv = gather(slug, projects_dir)
    match = [k for k, v in enumerate(cv.versions) if v.name == which]
    if not match:
        known = ", ".join(v.name for v in cv.versions) or "none"
        hint = f"; {cv.warning}" if cv.warning else ""
        raise MilepostError(f"{slug} has no version '{which}' (versions: {known}){hint}")
    k = match[0]
    with tempfile.TemporaryDirectory(prefix="milepost-diff-") as scratch:
        project, reason = _version_model(cv, k, Path(scratch))
    if project is None:
        raise MilepostError(f"version {which} of {slug} no longer validates: {reason}")
    return which, cv.versions[k].date, project


def last_version_name(projects_dir: Path, slug: str) -> str:
    cv = gather(slug, projects_dir)
    if not cv.versions:
        hint = f" ({cv.warning})" if cv.warning else ""
        raise MilepostError(f"{slug} has no versions yet{hint}: release one with "
                            f"`milepost release {slug} v1`")
    return cv.versions[-1].name
