"""The only module that talks to git: tags, files as they were at a tag, what changed since,
and the published branch's worktree. No other module runs git, so every git command has a
time limit and a missing git is one clear message.

Client files of a version are read from git objects (`git archive`), never by checking out
the working tree, so building old versions never disturbs a PM's uncommitted work.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.numbers import plural
from generator.problems import MilepostError, redact

VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

# Seconds a git command may take: a local one that takes longer is stuck (a lock another
# process holds); talking to a remote may take longer over a slow network.
TIMEOUT = 120
REMOTE_TIMEOUT = 600
NOT_INSTALLED = ("git is not installed (no `git` on PATH): versions, releases, `diff`, `plan`, "
                 "digests and `publish --branch` read and write git; install git and run again")


def _run(repo: Path, args: tuple[str, ...], *, binary: bool = False,
         timeout: int | None = None) -> subprocess.CompletedProcess:
    """Run one git command in `repo` (within `timeout` seconds, default TIMEOUT). Git never
    prompts (CI has nobody to answer: a push without credentials fails at once instead of
    waiting)."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    timeout = timeout or TIMEOUT
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=not binary,
                              timeout=timeout, env=env)
    except FileNotFoundError:
        if shutil.which("git") is None:
            raise MilepostError(NOT_INSTALLED)
        raise  # the folder itself is missing: reported with its name
    except subprocess.TimeoutExpired:
        raise MilepostError(redact(f"git {' '.join(args)} did not finish within "
                                   f"{plural(timeout, 'second')} (in {repo}): is another git "
                                   "process holding a lock there?"))


def run_git(repo: Path, *args: str, check: bool = True, timeout: int | None = None) -> str:
    """Git's output; with `check`, a failure is an error quoting git. For this module's
    functions: the rest of Milepost calls those, each named after what it does."""
    done = _run(repo, args, timeout=timeout)
    if check and done.returncode != 0:
        # A remote may be a URL with a token in it, and git may quote it back.
        raise MilepostError(redact(f"git {' '.join(args)} failed: {done.stderr.strip()}"))
    return done.stdout


def repo_root(path: Path) -> Path | None:
    """The root of the git work tree holding `path`, or None outside one."""
    done = _run(path, ("rev-parse", "--show-toplevel"))
    return Path(done.stdout.strip()) if done.returncode == 0 else None


@dataclass(frozen=True)
class Version:
    """A released version of one client: the tag `slug/name`."""

    slug: str
    name: str
    date: date           # the tag's date: that version's "today"
    note: str
    commit: str
    time: str = ""       # the tag's time of day, 'HH:MM' in its own time zone

    @property
    def tag(self) -> str:
        return f"{self.slug}/{self.name}"


def list_versions(repo: Path, slug: str) -> list[Version]:
    """Every tag `slug/…` as a version, oldest first (by tag date, then name)."""
    fmt = "%(refname:strip=2)%00%(creatordate:short)%00%(*objectname)%00%(objectname)%00" \
          "%(objecttype)%00%(creatordate:format:%H:%M)%00%(contents:subject)"
    out = run_git(repo, "for-each-ref", f"--format={fmt}", f"refs/tags/{slug}/")
    versions = []
    for line in out.splitlines():
        tag, day, peeled, obj, kind, time, subject = line.split("\0")
        name = tag.split("/", 1)[1]  # may be any name git accepts: versions.py judges it
        versions.append(Version(slug, name, date.fromisoformat(day), release_note(kind, subject),
                                peeled or obj, time))
    return sorted(versions, key=lambda v: (v.date, v.name))


def release_note(object_type: str, subject: str) -> str:
    """Only an annotated tag has a message of its own. For a lightweight tag git reports the
    commit's subject, which was written for the repository (and may be about another
    client), never for this client's readers."""
    return subject.strip() if object_type == "tag" else ""


def default_note(slug: str, name: str) -> str:
    """The note `milepost release` gives a version released without one."""
    return f"Version {name} of {slug}"


def is_shallow_without_tags(repo: Path) -> bool:
    shallow = run_git(repo, "rev-parse", "--is-shallow-repository", check=False).strip()
    return shallow == "true" and not run_git(repo, "tag", "--list", check=False).strip()


def tree_listing(repo: Path, rev: str, folder: str) -> str:
    """`git ls-tree` of a folder at a revision: blob IDs fingerprint its exact contents."""
    return run_git(repo, "ls-tree", "-r", rev, "--", folder)


def export_folder(repo: Path, rev: str, folder: str, target: Path) -> Path:
    """Write `folder` as it was at `rev` into `target`; returns the exported folder."""
    data = _run(repo, ("archive", "--format=tar", rev, "--", folder), binary=True)
    if data.returncode != 0:
        raise MilepostError(f"cannot read {folder} at {rev}: "
                            f"{data.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target / folder


def working_fingerprint(folder: Path) -> str:
    """A hash of every file below `folder` as it is on disk."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dirty_files(repo: Path, folder: str) -> list[str]:
    # Untracked files count even where the PM's git settings hide them from `git status`.
    out = run_git(repo, "status", "--porcelain", "--untracked-files=normal", "--", folder)
    return [line[3:] for line in out.splitlines()]


def create_tag(repo: Path, tag: str, note: str) -> None:
    run_git(repo, "tag", "-a", tag, "-m", note)


def tag_exists(repo: Path, tag: str) -> bool:
    return bool(run_git(repo, "tag", "--list", tag).strip())


def merge_base(repo: Path, rev: str) -> str:
    """The commit where HEAD's history left `rev` (`rev` itself when HEAD descends from it)."""
    done = run_git(repo, "merge-base", rev, "HEAD", check=False).strip()
    if not done:
        raise MilepostError(f"'{rev}' is not a commit of this repository, or shares no history "
                            "with HEAD (in a shallow clone, run `git fetch --unshallow` first)")
    return done


def commit_date(repo: Path, commit: str) -> date:
    return date.fromisoformat(run_git(repo, "log", "-1", "--format=%cs", commit).strip())


def changed_paths(repo: Path, since: str) -> list[str]:
    """Paths changed between `since` and the working tree, untracked files included."""
    run_git(repo, "rev-parse", "--verify", f"{since}^{{commit}}")
    changed = run_git(repo, "diff", "--name-only", since, "--").splitlines()
    untracked = run_git(repo, "ls-files", "--others", "--exclude-standard").splitlines()
    return sorted(set(changed + untracked))


# --- what was sent: digests are remembered as tags ------------------------------------------

@dataclass(frozen=True)
class Mark:
    """A tag that remembers an event, e.g. a digest sent: its name, day and commit."""

    tag: str
    date: date
    commit: str


def last_mark(repo: Path, prefix: str) -> Mark | None:
    """The newest tag under `prefix` (names sort by their timestamp), or None."""
    fmt = "%(refname:strip=2)%00%(creatordate:short)%00%(*objectname)%00%(objectname)"
    out = run_git(repo, "for-each-ref", "--sort=-refname", "--count=1", f"--format={fmt}",
                  f"refs/tags/{prefix}")
    if not out.strip():
        return None
    tag, day, peeled, obj = out.splitlines()[0].split("\0")
    return Mark(tag, date.fromisoformat(day), peeled or obj)


def commit_of(repo: Path, rev: str) -> tuple[str, date] | None:
    """The commit a revision names and its date, or None if it names none."""
    out = run_git(repo, "log", "-1", "--format=%H%x00%cs", f"{rev}^{{commit}}", "--",
                  check=False).strip()
    if not out:
        return None
    commit, day = out.split("\0")
    return commit, date.fromisoformat(day)


def create_mark(repo: Path, tag: str, note: str, commit: str) -> None:
    """An annotated tag at `commit`; works where git has no user configured (CI)."""
    run_git(repo, "-c", "user.name=milepost", "-c", "user.email=milepost@localhost",
            "tag", "-a", tag, "-m", note, commit)


def push_tag(repo: Path, remote: str, tag: str) -> None:
    run_git(repo, "push", "-q", remote, f"refs/tags/{tag}", timeout=REMOTE_TIMEOUT)


def head_commit(repo: Path) -> str:
    """HEAD's abbreviated commit ID, as a published commit's message names it."""
    return run_git(repo, "rev-parse", "--short", "HEAD").strip()


def has_path(repo: Path, rev: str, folder: str) -> bool:
    """Whether `folder` exists at `rev` (a client that is new since then does not)."""
    return bool(run_git(repo, "ls-tree", rev, "--", folder).strip())


# --- the published branch: a worktree of its own, one commit per publish ---------------------

def prune_worktrees(repo: Path) -> None:
    """Forget worktrees whose folders are gone (a killed publish's, once swept)."""
    run_git(repo, "worktree", "prune", check=False)


def add_worktree(repo: Path, folder: Path, branch: str) -> None:
    """Check `branch` out into `folder`; a branch that does not exist yet starts empty, with
    no history of its own."""
    if run_git(repo, "branch", "--list", branch).strip():
        run_git(repo, "worktree", "add", "-q", str(folder), branch)
    else:
        run_git(repo, "worktree", "add", "-q", "--detach", str(folder))
        run_git(folder, "checkout", "-q", "--orphan", branch)
        run_git(folder, "rm", "-rfq", "--ignore-unmatch", ".")


def remove_worktree(repo: Path, folder: Path) -> None:
    run_git(repo, "worktree", "remove", "--force", str(folder), check=False)


def commit_everything(folder: Path, message: str) -> bool:
    """Commit every change in the work tree at `folder`; False when nothing changed. Works
    where git has no user configured (CI)."""
    run_git(folder, "add", "-A")
    if not run_git(folder, "status", "--porcelain").strip():
        return False
    run_git(folder, "-c", "user.name=milepost", "-c", "user.email=milepost@localhost",
            "commit", "-q", "-m", message)
    return True


def commit_files(repo: Path, files: list[str], message: str) -> None:
    """Commit exactly these files (paths relative to `repo`), whatever else is staged."""
    run_git(repo, "add", "--", *files)
    # The PM's own name where git knows it; in CI, where it often does not, Milepost's.
    known = run_git(repo, "config", "user.email", check=False).strip()
    who = () if known else ("-c", "user.name=milepost", "-c", "user.email=milepost@localhost")
    run_git(repo, *who, "commit", "-q", "-m", message, "--", *files)


def push_branch(repo: Path, remote: str, branch: str) -> None:
    run_git(repo, "push", remote, branch, timeout=REMOTE_TIMEOUT)
