"""Stage 6, publish: put built client sites where readers are, atomically.

`publish` builds each client's versions into a staging copy of its published folder (hard
links, so unchanged files cost nothing), never rebuilding a published version, then swaps the
staging folder in with one atomic exchange. With `--branch`, the published folder is a
worktree of that branch and the result is one commit: as atomic for readers as a swap.
`plan` tells CI which clients need building.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from generator.format.load import find_clients
from generator.history import git
from generator.history.versions import VersionedJob, build_versioned_client
from generator.problems import MilepostError
from generator.project.model import Project
from generator.site.build import BuildResult, BuildSettings
from generator.site.output import (
    gone_clients,
    hidden,
    scratch_folder,
    settle,
    stage_copy,
    swap_in,
)


def publish_client(project: Project, projects_dir: Path, settings: BuildSettings) -> BuildResult:
    """Build into a staging copy of `to/<slug>` and swap it in whole; never raises."""
    try:
        return _publish(project, projects_dir, settings)
    except OSError as exc:  # e.g. the published folder cannot be written
        return BuildResult(project.slug, False, message=f"cannot publish into "
                           f"{settings.out}: {exc.strerror or exc}")


def _publish(project: Project, projects_dir: Path, settings: BuildSettings) -> BuildResult:
    to = settings.out
    to.mkdir(parents=True, exist_ok=True)
    with scratch_folder(to, f".{project.slug}.publishing-") as scratch:
        staging_root = scratch / "out"
        stage_copy(to / project.slug, staging_root / project.slug)
        job = VersionedJob(project, projects_dir, replace(settings, out=staging_root),
                           keep_published=True, staged=True)
        result = build_versioned_client(job)
        if result.ok:
            settle(staging_root / project.slug, to / project.slug)
            swap_in(staging_root / project.slug, to / project.slug)
        return result


def remove_published(folder: Path) -> None:
    """Take a gone client's site offline in one rename, then delete it."""
    hidden = folder.with_name(f".{folder.name}.removing-{os.getpid()}")
    os.rename(folder, hidden)
    shutil.rmtree(hidden, ignore_errors=True)


def remove_gone_clients(published: Path, projects_dir: Path) -> Iterator[Path]:
    """Remove each gone client's site, one at a time: each folder is given once it is
    offline, so a failure part way is preceded by what was done."""
    for folder in gone_clients(published, projects_dir):
        remove_published(folder)
        yield folder


# Paths outside projects/ whose change affects every client's site.
SHARED_INPUTS = ("mkdocs.yml", "content/", "generator/", "pyproject.toml")


def plan(projects_dir: Path, since: str) -> list[str]:
    """Clients whose inputs changed since the git revision `since` (working tree included)."""
    repo = git.repo_root(projects_dir.resolve())
    if repo is None:
        raise MilepostError(f"{projects_dir} is not in a git repository")
    rel = projects_dir.resolve().relative_to(repo.resolve()).as_posix()
    prefix = "" if rel == "." else rel + "/"
    parent = Path(rel).parent.as_posix()
    shared = tuple(x if parent == "." else f"{parent}/{x}" for x in SHARED_INPUTS)
    clients = [f.name for f in find_clients(projects_dir)]
    try:
        changed = git.changed_paths(repo, since)
    except MilepostError:
        raise MilepostError(f"'{since}' is not a commit of this repository (in a shallow "
                            "clone, run `git fetch --unshallow` first)")
    if any(p.startswith(shared) for p in changed):
        return clients
    touched = {p[len(prefix):].split("/", 1)[0] for p in changed if p.startswith(prefix)}
    return [c for c in clients if c in touched]


# --- folders a public host serves --------------------------------------------------------------

def served_publicly(to: Path, env: Mapping[str, str], cwd: Path) -> str | None:
    """Why a Pages host would serve the folder `to` to anyone, or None. The agency's view
    holds every internal record and note: it must never be published into one. Known: GitLab
    Pages serves the `public/` folder of the project's pipeline (CI_PROJECT_DIR) to anyone,
    whichever job writes it; GitHub Pages serves a branch's root, which `publish --branch`
    marks with `.nojekyll` (a checkout of such a branch, or a folder inside one)."""
    where = (cwd / to).resolve()
    if env.get("GITLAB_CI"):
        pages = (Path(env.get("CI_PROJECT_DIR") or cwd) / "public").resolve()
        if where.is_relative_to(pages):
            return ("in GitLab CI, GitLab Pages serves public/ (to anyone who has the address, "
                    "unless the project's Pages access control is on)")
    for folder in (where, *where.parents):
        if (folder / ".nojekyll").is_file():
            return (f"{folder} is a GitHub Pages folder (it holds .nojekyll): GitHub Pages "
                    "serves it to anyone who has the address")
    return None


# --- publishing to a branch (GitHub Pages' "deploy from a branch") ---------------------------

@dataclass(frozen=True)
class Branch:
    """The branch being published, checked out in a temporary worktree of the repository."""

    repo: Path
    name: str
    folder: Path  # the worktree: what is published goes here


@contextlib.contextmanager
def branch_checkout(projects: Path, branch: str) -> Iterator[Branch]:
    """A temporary worktree of `branch` of the repository that holds the projects folder
    (the branch is created empty if it does not exist yet)."""
    repo = git.repo_root(projects.resolve())
    if repo is None:
        raise MilepostError(f"{projects} is not in a git repository: --branch needs one")
    with branch_worktree(repo, branch) as folder:
        yield Branch(repo, branch, folder)


def commit_branch(branch: Branch) -> bool:
    """Everything published, as one commit named after the commit it was built from; False
    when nothing changed."""
    return commit_published(branch.folder, f"Publish {git.head_commit(branch.repo)}")


def push_branch(branch: Branch, remote: str) -> None:
    git.push_branch(branch.folder, remote, branch.name)


@contextlib.contextmanager
def branch_worktree(repo: Path, branch: str) -> Iterator[Path]:
    """A temporary worktree of `branch` (created empty if it does not exist yet)."""
    git.prune_worktrees(repo)
    with scratch_folder(None, "milepost-branch-") as folder, _worktree(repo, branch, folder):
        yield folder


@contextlib.contextmanager
def _worktree(repo: Path, branch: str, folder: Path) -> Iterator[None]:
    try:
        git.add_worktree(repo, folder, branch)
        yield
    finally:
        git.remove_worktree(repo, folder)


# Hidden entries a published branch may hold: git's own, and the file that tells GitHub
# Pages to serve folders starting with '_'. Our fingerprint files are kept everywhere.
BRANCH_HIDDEN = (".git", ".nojekyll")


def drop_hidden(folder: Path) -> None:
    """Remove every hidden entry below `folder` but ours: a scratch folder a killed run left,
    an editor's backup. Readers must never be served one."""
    for root, dirs, files in os.walk(folder):
        top = Path(root) == folder
        for name in [*dirs, *files]:
            if not hidden(name) or (top and name in BRANCH_HIDDEN):
                continue
            path = Path(root) / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        dirs[:] = [d for d in dirs if not d.startswith(".") and (Path(root) / d).is_dir()]


def commit_published(folder: Path, message: str) -> bool:
    """Commit everything in the worktree; False when nothing changed."""
    drop_hidden(folder)
    (folder / ".nojekyll").touch()  # GitHub Pages: serve folders that start with '_' too
    return git.commit_everything(folder, message)
