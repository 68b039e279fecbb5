"""Releasing a version (an annotated tag, after the client validates at HEAD) and loading
the two sides of a comparison: a version, the working tree, or where a branch left a ref.
`milepost diff` and the review comment in CI read both sides through here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.history import git
from generator.history.compare import what_changed
from generator.history.versions import (
    LATEST,
    NAME_LIMIT,
    gather,
    version_model,
    version_name_problem,
)
from generator.problems import MilepostError, errors
from generator.project.client import check_client_folder
from generator.project.model import Project, Section
from generator.site.output import scratch_folder


def release(projects_dir: Path, slug: str, name: str, note: str | None, today: date) -> str:
    """Tag the client's files at HEAD as version `name`; returns the tag. Refuses a dirty
    folder, an invalid client and an existing version."""
    folder = (projects_dir / slug).resolve()
    if not folder.is_dir():
        raise MilepostError(f"no client folder {projects_dir / slug}")
    why = version_name_problem(name)
    if why:
        raise MilepostError(f"'{name}' cannot be a version name: {why}. Use letters, digits, "
                            f"'.', '-' or '_', at most {NAME_LIMIT} characters, e.g. v1 or "
                            "2026-11")
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
    with scratch_folder(None, "milepost-release-") as scratch:
        exported = git.export_folder(repo, "HEAD", rel, scratch)
        # A version is kept and published: placeholders are refused here too.
        _, problems = check_client_folder(exported, Path(rel).parent.as_posix(), today,
                                          publishing=True)
    if errors(problems):
        listing = "\n".join(p.text() for p in errors(problems))
        raise MilepostError(f"{slug} does not validate at HEAD; not released:\n{listing}")
    git.create_tag(repo, tag, note or git.default_note(slug, name))
    return tag


def changes(projects_dir: Path, slug: str, today: date, frm: str | None = None,
            to: str | None = None, since: str | None = None) -> tuple[str, list[Section]]:
    """What changed in a client, with a heading that names both sides: from version `frm`
    (default: the last one) or from where this branch left `since`, to version `to`
    (default: the working tree)."""
    if since:
        old_name, old_date, old = load_at_revision(projects_dir, slug, since, today)
    else:
        frm = frm or last_version_name(projects_dir, slug)
        old_name, old_date, old = load_side(projects_dir, slug, frm, today)
    new_name, _, new = load_side(projects_dir, slug, to, today)
    heading = f"{slug}: changes in {new_name} since {old_name} ({old_date.isoformat()})"
    return heading, what_changed(old, new, old_name)


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
    with scratch_folder(None, "milepost-diff-") as scratch:
        project, reason = version_model(cv, k, scratch)
    if project is None:
        raise MilepostError(f"version {which} of {slug} no longer validates: {reason}")
    return which, cv.versions[k].date, project


def load_at_revision(projects_dir: Path, slug: str, rev: str, today: date) -> tuple[
        str, date, Project]:
    """The client's model as its files were where this branch left `rev` (the merge base of
    `rev` and HEAD), so a pull request is compared with its base, not with what the base
    gained since."""
    projects = projects_dir.resolve()
    repo = git.repo_root(projects) if projects.is_dir() else None
    if repo is None:
        raise MilepostError(f"{projects_dir} is not in a git repository: --since needs one")
    base = git.merge_base(repo, rev)
    rel = (projects / slug).relative_to(repo.resolve()).as_posix()
    if not git.has_path(repo, base, rel):
        raise MilepostError(f"{slug} is not in {rev}: a new client has nothing to compare with")
    with scratch_folder(None, "milepost-diff-") as scratch:
        exported = git.export_folder(repo, base, rel, scratch)
        project, problems = check_client_folder(exported, f"{rev}:{Path(rel).parent.as_posix()}",
                                                today)
    if project is None:
        listing = "\n".join(p.text() for p in errors(problems))
        raise MilepostError(f"{slug} does not validate in {rev}; nothing to compare with:\n"
                            f"{listing}")
    return rev, git.commit_date(repo, base), project


def last_version_name(projects_dir: Path, slug: str) -> str:
    cv = gather(slug, projects_dir)
    if not cv.versions:
        hint = f" ({cv.warning})" if cv.warning else ""
        raise MilepostError(f"{slug} has no versions yet{hint}: release one with "
                            f"`milepost release {slug} v1`")
    return cv.versions[-1].name
