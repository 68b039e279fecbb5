"""What git remembers of the digests sent, and what a digest compares with.

Milepost remembers each digest it sent as a git tag `<slug>/digest/<UTC timestamp>` at the
commit it described. The next digest compares against that commit; a send that failed
tags nothing, so the next run tries again. A client never sent one gets one: what waits on
them is news the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from generator.history import git
from generator.history.versions import version_name_problem
from generator.numbers import plural
from generator.problems import MilepostError
from generator.project.client import check_client_folder
from generator.project.model import Project

DIGEST_TAG = "{slug}/digest/"


@dataclass(frozen=True)
class Where:
    """Where a client's files are in git (None outside a repository)."""

    repo: Path | None
    folder: str


@dataclass(frozen=True)
class Reference:
    """What a digest compares with, as git knows it (`content.named` words it)."""

    commit: str
    day: date          # the commit's day: the client is read as of it
    # "last email": the last digest sent; "version": a released version; "email": --since
    # named a digest of ours; "day": --since named any other commit
    kind: Literal["last email", "version", "email", "day"]
    version: str = ""               # the version's name (kind "version")
    version_day: date | None = None  # the day it was released (kind "version")


def locate(projects_dir: Path, slug: str) -> Where:
    folder = (projects_dir / slug).resolve()
    repo = git.repo_root(folder)
    if repo is None:
        return Where(None, "")
    return Where(repo, folder.relative_to(repo.resolve()).as_posix())


def last_sent(repo: Path, slug: str) -> git.Mark | None:
    """The tag of the last digest sent to this client, or None."""
    return git.last_mark(repo, DIGEST_TAG.format(slug=slug))


def _versions(repo: Path, slug: str) -> list[git.Version]:
    # Only the tags the site shows as versions (never this client's digest tags).
    return [v for v in git.list_versions(repo, slug) if not version_name_problem(v.name)]


def reference(repo: Path, slug: str, since: str | None,
              sent: git.Mark | None) -> Reference | None:
    """What to compare with: `--since REF`, else the last digest sent, else the last
    released version, else nothing."""
    if since:
        return _since(repo, slug, since)
    if sent:
        return Reference(sent.commit, sent.date, "last email")
    versions = _versions(repo, slug)
    if versions:
        last = versions[-1]
        return Reference(last.commit, last.date, "version", last.name, last.date)
    return None


def _since(repo: Path, slug: str, since: str) -> Reference:
    """What `--since` names: a version or an email of ours when it is one, else a day."""
    found = git.commit_of(repo, since)
    if found is None:
        raise MilepostError(f"--since '{since}' is not a commit, tag or branch of this "
                            "repository")
    commit, day = found
    tags = {since, since.removeprefix("refs/tags/")}
    version = next((v for v in _versions(repo, slug)
                    if tags & {v.tag, v.name} and v.commit == commit), None)
    if version:
        return Reference(commit, day, "version", version.name, version.date)
    if any(t.startswith(DIGEST_TAG.format(slug=slug)) for t in tags):
        return Reference(commit, day, "email")
    return Reference(commit, day, "day")


def model_at(where: Where, commit: str, day: date, scratch: Path) -> Project | None:
    """The client's public model as its files were at `commit`; None if it did not exist."""
    assert where.repo is not None
    exported = git.export_folder(where.repo, commit, where.folder, scratch)
    if not (exported / "client.yml").is_file():
        return None  # the client did not exist yet
    project, _ = check_client_folder(exported, f"{commit}:{Path(where.folder).parent}", day)
    return project


def check_committed(where: Where, slug: str) -> None:
    """A sent digest is remembered at a commit: it must describe exactly that commit."""
    if where.repo is None:
        raise MilepostError(f"{slug} is not in a git repository: Milepost remembers the "
                            "digests it sent in git, so it sends only from one (--eml "
                            "writes the message without sending)")
    # Checked before sending: the tag needs a commit, and one that holds this client (files
    # that .gitignore hides, or a git set to hide untracked files, show nothing in status).
    if git.commit_of(where.repo, "HEAD") is None:
        raise MilepostError(f"{slug} cannot be sent from a repository with no commit yet: "
                            "Milepost remembers each digest sent as a tag on the commit it "
                            f"describes; commit the client's files first (git add "
                            f"{where.folder}, then git commit), or write the message with --eml")
    client_file = f"{where.folder}/client.yml"
    if not git.has_path(where.repo, "HEAD", client_file):
        raise MilepostError(f"{slug} is not in the last commit ({client_file} is not "
                            "committed; is it ignored by .gitignore?): commit the client's "
                            "files first, so the digest describes exactly what is in git")
    dirty = git.dirty_files(where.repo, where.folder)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise MilepostError(f"{slug} has uncommitted changes ({shown}): commit them first, "
                            "so the digest describes exactly what is in git")


def remember(repo: Path, slug: str, subject: str, message_id: str, people: int,
             now: datetime) -> str:
    """Tag the commit the digest described, so the next one starts from it."""
    head = git.commit_of(repo, "HEAD")
    assert head is not None  # the client's files are committed (check_committed)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    tag, n = f"{DIGEST_TAG.format(slug=slug)}{stamp}", 1
    while git.tag_exists(repo, tag):
        n += 1
        tag = f"{DIGEST_TAG.format(slug=slug)}{stamp}-{n}"
    git.create_mark(repo, tag, f"Digest sent to {plural(people, 'person', 'people')}: "
                    f"{subject}\n\nMessage-ID: {message_id}", head[0])
    return tag
