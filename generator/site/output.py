"""The output folder, written so that a reader never sees half a site.

A client's site is built in a scratch folder and swapped in whole (one atomic rename where
the system allows it); a publish builds into a hard-linked staging copy. Scratch folders
carry their owner's process ID and a lock, so a later run removes only those a killed run
left. Hidden names (scratch folders, editor files) are never carried into a site.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import filecmp
import hashlib
import itertools
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.format.load import find_clients
from generator.problems import MilepostError
from generator.project.shards import Shard

INPUTS_FILE = ".milepost-inputs"  # a version folder's fingerprint of what it was built from


LAYOUT_FILE = ".milepost-layout"  # in each client's output folder: "plain" or "versioned"


PLAIN, VERSIONED = "plain", "versioned"


# In the output folder: one copy of each file that sites share (the theme's scripts, styles and
# fonts are the same in every client and every version), named by its content's hash. Each
# site's file is a hard link to it, so 50 clients with two versions keep one copy on disk, and
# a server or rsync sees ordinary files. Hidden: never served, staged or published as a site.
SHARED = ".milepost-shared"
# The theme's folders in a site's (or a version's) assets/: the same in every site. A client's
# own files (its logo, beside them) stay the client's.
THEME_FOLDERS = frozenset({"javascripts", "stylesheets", "images", "fonts"})


# Every scratch folder Milepost makes: `.<slug>.building-p<pid>-<random>` beside the output,
# `.<slug>.publishing-p<pid>-…` in a published folder, `milepost-<what>-…-p<pid>-…` in the
# system's temporary folder. They hold Markdown and a mkdocs.yml with local paths: they must
# never stay behind, and never be published.
SCRATCH_NAME = re.compile(r"(?:\..+\.(?:building|publishing)|milepost-[a-z]+(?:-.*)?)"
                          r"-p(?P<pid>\d+)-[a-z0-9_]{8}")


def layout_of(folder: Path) -> str | None:
    """Which layout a client's output folder holds: PLAIN (the site itself), VERSIONED
    (latest/ and one folder per version), or None when there is nothing there yet. Folders
    written before the marker existed are told apart by versions.json."""
    if not folder.is_dir() or not any(folder.iterdir()):
        return None
    marker = folder / LAYOUT_FILE
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    return VERSIONED if (folder / "versions.json").is_file() else PLAIN


def made_by_milepost(folder: Path) -> bool:
    """True for a client's output folder that Milepost wrote (it carries a layout marker or
    versions.json): only those may ever be removed as a client that is gone."""
    return (folder / LAYOUT_FILE).is_file() or (folder / "versions.json").is_file()


def gone_clients(published: Path, projects_dir: Path) -> list[Path]:
    """Client folders in the published folder whose client is no longer in projects/. Only
    folders Milepost wrote count, so a web root's other files are never touched."""
    if not published.is_dir():
        return []
    current = {f.name for f in find_clients(projects_dir)}
    return sorted(p for p in published.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.name not in current
                  and made_by_milepost(p))


@contextlib.contextmanager
def scratch_folder(parent: Path | None, prefix: str) -> Iterator[Path]:
    """A private working folder in `parent` (None: the system's temporary folder), removed at
    the end. Its name carries our pid and we hold a lock on it while it exists, so that
    `remove_stale_scratch` can tell one left by a killed run from one in use right now."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}p{os.getpid()}-", dir=parent))
    lock = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def _pid_running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, but not locked by us (we checked): a run before us had our pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # someone else's process
    return True


def remove_stale_scratch(folder: Path | None = None) -> None:
    """Remove the scratch folders in `folder` (None: the system's temporary folder) that a
    killed or interrupted run left. One is stale only when its owner is not running and
    nobody holds its lock: a build running at the same time keeps its own. Shared copies that
    no site links to any more go too."""
    folder = Path(tempfile.gettempdir()) if folder is None else folder
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        match = SCRATCH_NAME.fullmatch(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        if _pid_running(int(match["pid"])):
            continue
        try:
            lock = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass  # locked: in use after all
        finally:
            os.close(lock)
    prune_shared(folder)


def settle(site: Path, target: Path) -> None:
    """Before the complete `site` is swapped in at `target` (a folder of the output): each
    file byte-identical to the one it replaces keeps that file, so an unchanged rebuild
    leaves every file, its date included, as it was (a copy or an rsync of the output sees
    nothing new); each of the theme's files becomes a link to the output's one shared copy;
    and files alike within the client's folder (a versioned site's feed beside latest's, the
    versions' sitemaps and robots.txt) become one file. Nothing ever writes into a built file
    in place (new files are renamed over old ones), so a file is never changed through one of
    its links. Where the system has no hard links, sites keep their own files, as before."""
    try:
        files = regular_files(site)  # one walk for the three steps (an agency has thousands)
        keep_unchanged(site, target, files)
        _share_theme(site, target.parent / SHARED, files)
        _one_file_each(site, files)
    except OSError:
        pass  # no hard links here (or a file went away): the new files are complete as they are


def regular_files(site: Path) -> list[tuple[Path, Path]]:
    """Every regular file below `site` (no symbolic link, nothing a link leads to), with its
    path relative to `site`, in the order of their paths."""
    found: list[tuple[Path, Path]] = []
    pending = [site]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    path = Path(entry.path)
                    found.append((path, path.relative_to(site)))
    return sorted(found)


def keep_unchanged(site: Path, target: Path,
                   files: list[tuple[Path, Path]] | None = None) -> None:
    """Each file of `site` byte-identical to the one at its place in `target` becomes that
    file (see `settle`); a file that already is the same file is not read again. `files`:
    `regular_files(site)`, when the caller has them."""
    if not target.is_dir():
        return
    for path, rel in regular_files(site) if files is None else files:
        try:
            old = os.lstat(target / rel)
        except OSError:
            continue
        new = os.stat(path)
        if not stat.S_ISREG(old.st_mode) or (old.st_dev, old.st_ino) == (new.st_dev, new.st_ino):
            continue
        if old.st_size == new.st_size and filecmp.cmp(target / rel, path, shallow=False):
            _replace_with_link(target / rel, path)


def _share_theme(site: Path, store: Path, files: list[tuple[Path, Path]]) -> None:
    # A file that is already a shared copy (a link the site was built from, as the agency's
    # copies of the client sites are made) is known by its inode: not read and hashed again.
    shared_inodes = _inodes(store)
    for path, rel in files:
        if not _theme_file(rel):
            continue
        info = path.stat()
        if info.st_nlink > 1 and (info.st_dev, info.st_ino) in shared_inodes:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        shared = store / digest[:2] / digest
        if shared.exists() and os.path.samefile(shared, path):
            continue
        shared.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, shared)  # the first site with this file gives the shared copy
            continue
        except FileExistsError:
            pass  # another site (maybe another worker, right now) gave it first
        _replace_with_link(shared, path)


def _inodes(store: Path) -> set[tuple[int, int]]:
    """The (device, inode) of every shared copy in `store`."""
    found: set[tuple[int, int]] = set()
    if store.is_dir():
        for entry in store.glob("*/*"):
            with contextlib.suppress(OSError):
                info = entry.stat()
                found.add((info.st_dev, info.st_ino))
    return found


def _one_file_each(site: Path, files: list[tuple[Path, Path]]) -> None:
    """Files with the same bytes within one client's folder become links to one of them
    (the first by path): only the client's own files, so nothing crosses between clients."""
    by_size: dict[int, list[Path]] = {}
    for path, rel in files:
        # The theme's files are already one copy for the whole output: not hashed again.
        if not _theme_file(rel):
            by_size.setdefault(path.stat().st_size, []).append(path)
    # Only files of the same size can be alike: a file of a size of its own is not read.
    first: dict[tuple[int, str], Path] = {}
    for size, paths in by_size.items():
        if len(paths) < 2:
            continue
        for path in paths:
            key = (size, hashlib.sha256(path.read_bytes()).hexdigest())
            kept = first.setdefault(key, path)
            if kept != path and not os.path.samefile(kept, path):
                _replace_with_link(kept, path)


def _replace_with_link(source: Path, path: Path) -> None:
    """`path` becomes another name of `source`, in one rename: never half a file."""
    tmp = path.with_name(f".{path.name}.link-{os.getpid()}")
    os.link(source, tmp)
    os.replace(tmp, path)


def _theme_file(rel: Path) -> bool:
    """assets/<theme folder>/..., in a site or in a version's folder of it."""
    parts = rel.parts[:-1]
    return any(a == "assets" and b in THEME_FOLDERS
               for a, b in itertools.pairwise(parts))


def prune_shared(out: Path) -> None:
    """Remove the shared copies no site links to any more (a replaced theme, a removed
    client): a copy with one link is held by the shared folder alone."""
    store = out / SHARED
    if not store.is_dir():
        return
    for entry in store.glob("*/*"):
        with contextlib.suppress(OSError):
            if entry.stat().st_nlink == 1:
                entry.unlink()


OWN_HIDDEN = (INPUTS_FILE, LAYOUT_FILE)  # hidden files of ours: a hash and a layout word


def hidden(name: str) -> bool:
    """Names that never belong in a published site: scratch folders, editor and system files.
    Our own fingerprint and layout files are the hidden names kept (they hold only a hash and
    the word plain or versioned)."""
    return name.startswith(".") and name not in OWN_HIDDEN


def stage_copy(published: Path, staging: Path) -> None:
    """A copy of a published client folder to build into, made of hard links (cheap; falls
    back to copies). Hidden entries are left out, so a scratch folder a killed run left in
    the output is never carried into the next site."""
    if not published.is_dir():
        staging.mkdir(parents=True)
        return
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if hidden(n)}

    try:
        shutil.copytree(published, staging, copy_function=os.link, ignore=ignore)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(published, staging, ignore=ignore)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported.
    The C library is the one Python itself runs on: looking for it by name
    (`ctypes.util.find_library`) starts a program, which costs more than the rest."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Put the folder `new` at `target`; readers see the old site or the new, never a mix."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the old site
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def check_out_dir(out: Path, projects_dir: Path) -> None:
    """Refuse an output folder that would overwrite the sources."""
    out_r, src = out.resolve(), projects_dir.resolve()
    if out_r == src or src.is_relative_to(out_r) or out_r.is_relative_to(src):
        raise MilepostError(f"--out {out} overlaps the projects folder {projects_dir}: "
                            "choose another output folder")


# --- shards: one part of the output, built on a machine of its own -------------------------

# At the top of a shard's output: which shard it is and the clients it built, for `assemble`
# to check that every client comes from exactly one shard. Hidden: never served or published.
SHARD_FILE = ".milepost-shard"


def write_shard_marker(out: Path, shard: Shard, clients: list[str],
                       made_with: dict[str, str]) -> None:
    """Say, in `out`, that it is the output of `shard` ("K/N") holding `clients`, built with
    `made_with` (the date and the engine: every shard and `assemble` must share them)."""
    out.mkdir(parents=True, exist_ok=True)  # a shard may have had no client to build
    text = json.dumps({"shard": str(shard), "clients": clients, "made_with": made_with},
                      indent=1) + "\n"
    tmp = out / f"{SHARD_FILE}.tmp-{os.getpid()}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out / SHARD_FILE)


def read_shard_marker(folder: Path) -> tuple[str, list[str], dict[str, str]]:
    """The shard ("K/N") a shard's output says it is, the clients it built, and what it was
    built with (the date and the engine)."""
    marker = folder / SHARD_FILE
    if not folder.is_dir():
        raise MilepostError(f"{folder}: no such folder (expected the output of `milepost "
                            "build --shard K/N` or `publish --shard K/N`)")
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        shard, clients, made_with = data["shard"], data["clients"], data["made_with"]
        if not isinstance(shard, str) or not all(isinstance(c, str) for c in clients) \
                or not all(isinstance(v, str) for v in made_with.values()):
            raise TypeError
    except FileNotFoundError:
        raise MilepostError(f"{folder} is not a shard's output (it has no {SHARD_FILE}): "
                            "give the folders that `milepost build --shard K/N` or `publish "
                            "--shard K/N` wrote") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise MilepostError(f"{marker} is damaged: build that shard again") from None
    return shard, list(clients), dict(made_with)


def take_client(shard_out: Path, out: Path, slug: str) -> None:
    """Put the client's folder of a shard's output into `out`, whole: a copy made of hard
    links where it can be, swapped in like a site just built (a reader sees the old folder or
    the new one); the shard's output is left as it was."""
    with scratch_folder(out, f".{slug}.building-") as work:
        stage_copy(shard_out / slug, work / "site")
        settle(work / "site", out / slug)
        swap_in(work / "site", out / slug)
