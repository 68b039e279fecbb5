"""Stage 5, build: render each valid client into a complete static site with MkDocs.

Each client builds in its own temporary folder beside the output; only a complete site is
swapped in, with one atomic rename where the system allows it. A failed or interrupted build
leaves the last good site exactly as it was. Clients build in parallel processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

from generator.calendar import calendar_ics
from generator.model import Project
from generator.problems import MilepostError, Problem
from generator.render import BASE_CONFIG, CONTENT, SiteVersion, render_pages, site_config

INPUTS_FILE = ".milepost-inputs"  # a version folder's fingerprint of what it was built from
LAYOUT_FILE = ".milepost-layout"  # in each client's output folder: "plain" or "versioned"
PLAIN, VERSIONED = "plain", "versioned"
ROBOTS = "User-agent: *\nDisallow: /\n"  # no search engine may index a client's site

# Every scratch folder Milepost makes: `.<slug>.building-p<pid>-<random>` beside the output,
# `.<slug>.publishing-p<pid>-…` in a published folder, `milepost-<what>-…-p<pid>-…` in the
# system's temporary folder. They hold Markdown and a mkdocs.yml with local paths: they must
# never stay behind, and never be published.
SCRATCH_NAME = re.compile(r"^(?:\..+\.(?:building|publishing)|milepost-[a-z]+(?:-.*)?)"
                          r"-p(?P<pid>\d+)-[a-z0-9_]{8}$")


@dataclass(frozen=True)
class BuildResult:
    slug: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    message: str = ""
    problems: tuple[Problem, ...] = ()  # what validation found, warnings included
    invalid: bool = False               # not built because validation found errors
    detail: str = ""                    # an unexpected failure's traceback, for --debug


def failed(slug: str, started: float, exc: BaseException) -> BuildResult:
    """A client whose build broke unexpectedly: one line for the results, the traceback kept
    for --debug. Used wherever one client's failure must not stop the others."""
    lines = str(exc).strip().splitlines()
    reason = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return BuildResult(slug, False, 0, time.perf_counter() - started, reason,
                       detail="".join(traceback.format_exception(exc)))


@dataclass(frozen=True)
class BuildSettings:
    """Everything a worker needs to build one client; plain data so it crosses processes."""

    out: Path
    today: date
    base_config: Path
    project_root: Path | None


def base_config_for(project_root: Path | None) -> Path:
    """The project's own mkdocs.yml if it has one, else Milepost's."""
    if project_root is not None and (project_root / "mkdocs.yml").is_file():
        return (project_root / "mkdocs.yml").resolve()
    return BASE_CONFIG


def epoch_of(day: date) -> int:
    return int(datetime.combine(day, dtime(0), tzinfo=UTC).timestamp())


def write_client_project(p: Project, settings: BuildSettings, work: Path,
                         version: SiteVersion | None = None) -> int:
    """Write the client's Markdown pages and mkdocs.yml into `work`; returns the page count."""
    docs = work / "docs"
    pages = render_pages(p, settings.today, settings.project_root, version)
    for rel, text in pages.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (docs / "calendar.ics").write_bytes(calendar_ics(p, settings.today).encode("utf-8"))
    (docs / "robots.txt").write_text(ROBOTS, encoding="utf-8")  # a copy on a plain host too
    assets = docs / "assets"
    shutil.copytree(CONTENT / "assets", assets, dirs_exist_ok=True)
    theme = p.client.theme
    if theme is not None and theme.logo:
        shutil.copyfile(p.folder / theme.logo, assets / theme.logo)
    config = site_config(p, settings.base_config, "docs", "site", list(pages),
                         versioned=version is not None)
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    return len(pages)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path) -> list[str]:
    """Build with MkDocs' Python API; returns its warnings. Raises on failure.

    The theme's 404.html is removed: MkDocs renders it for a site served at the host's root
    (links and assets under '/'), while each client's site lives in a folder of its own."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_file))
        build(config)
    finally:
        logger.removeHandler(handler)
    (Path(config.site_dir) / "404.html").unlink(missing_ok=True)
    return handler.messages


@contextlib.contextmanager
def source_date(day: date) -> Iterator[None]:
    """Reproducible output: MkDocs dates the sitemap with SOURCE_DATE_EPOCH."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch_of(day))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


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
    nobody holds its lock: a build running at the same time keeps its own."""
    folder = Path(tempfile.gettempdir()) if folder is None else folder
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        match = SCRATCH_NAME.match(entry.name)
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


def build_site(p: Project, settings: BuildSettings, target: Path,
               version: SiteVersion | None = None, stamp: str | None = None,
               layout: str | None = None) -> int:
    """Build one site in a temporary folder beside `target` and swap it in only when it is
    complete; `stamp` is written into it as INPUTS_FILE, `layout` as LAYOUT_FILE. Returns
    the page count."""
    target.parent.mkdir(parents=True, exist_ok=True)
    label = f"{p.slug}.{version.name}" if version else p.slug
    with scratch_folder(target.parent, f".{label}.building-") as work:
        with source_date(settings.today):
            pages = write_client_project(p, settings, work, version)
            run_mkdocs(work / "mkdocs.yml")
        if stamp is not None:
            (work / "site" / INPUTS_FILE).write_text(stamp + "\n", encoding="utf-8")
        if layout is not None:
            (work / "site" / LAYOUT_FILE).write_text(layout + "\n", encoding="utf-8")
        swap_in(work / "site", target)
        return pages


def build_client(p: Project, settings: BuildSettings) -> BuildResult:
    """Build one client into `settings.out/<slug>`; never raises."""
    started = time.perf_counter()
    target = settings.out / p.slug
    try:
        replaced = layout_of(target) == VERSIONED
        pages = build_site(p, settings, target, layout=PLAIN)
        note = ("replaced the versioned site (latest/ and every version) with a plain one; "
                "`build --versions` builds the versions again" if replaced else "")
        return BuildResult(p.slug, True, pages, time.perf_counter() - started, note)
    except Exception as exc:  # one client's failure must not stop the others
        return failed(p.slug, started, exc)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
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
