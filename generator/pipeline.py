"""Many clients at once: which clients a command is about, checking them all, and building
or publishing them in parallel. Each worker process validates one client and, if it is
valid, builds or publishes it: validation runs in the workers too, so it is parallel with
the rest rather than a serial step before it.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from generator.agency import FOLDER as AGENCY_FOLDER
from generator.format.load import RECORD_FOLDERS, find_clients
from generator.problems import MilepostError, Problem, display_path, errors
from generator.project.client import check_client_folder, read_and_check
from generator.project.model import Project
from generator.site.build import BuildResult, BuildSettings, build_client, failed
from generator.site.output import remove_stale_scratch

if TYPE_CHECKING:  # the agency's wing is imported only by a run that builds its site, and
    # the worker processes' machinery only by a run that has workers
    from concurrent.futures import Future, ProcessPoolExecutor

    from generator.agency.build import AgencyPart

Mode = Literal["site", "versions", "publish"]


# --- which clients, and checking them ----------------------------------------------------------

@dataclass
class Checked:
    """The outcome of checking a projects folder: models of the valid clients, all problems."""

    projects: list[Project]
    problems: list[Problem]
    clients: int
    failed: list[str]


def _whole(path: Path) -> Path:
    # `.` and `..` have no name: spell them out, so the client's slug is known.
    return path.resolve() if path.name in ("", ".", "..") else path


def client_scope(path: Path, only: list[str] | None = None) -> tuple[Path, list[str] | None]:
    """The projects folder and the clients to take, for a folder the PM named: a projects
    folder (one folder per client) or one client's own folder (it holds client.yml)."""
    path = _whole(path)
    if not path.is_dir():
        raise MilepostError(f"{path}: no such folder (expected a projects folder, with one "
                            "folder per client, or a client's folder, with its client.yml)")
    if (path / "client.yml").is_file():
        others = sorted(set(only or []) - {path.name})
        if others:
            raise MilepostError(f"{path} is the folder of client {path.name}, but --client "
                                f"names {', '.join(others)}: give the projects folder "
                                f"{path.parent} to choose among its clients")
        return path.parent, [path.name]
    found = _client_things(path)
    if found and not any((p / "client.yml").is_file() for p in find_clients(path)):
        raise MilepostError(
            f"{path} is neither a client's folder (there is no client.yml in it) nor a projects "
            f"folder (it holds {', '.join(found)} but no client folders): name a client's "
            "folder or the projects folder that holds them; a client's folder needs a "
            "client.yml (see README.md#the-client-folder)")
    return path, only


def _client_things(path: Path) -> list[str]:
    """What in `path` belongs inside a client folder: YAML files or the record folders (a
    projects folder holds one folder per client)."""
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in path.iterdir()
                   if p.name in RECORD_FOLDERS or (p.is_file() and p.suffix in (".yml", ".yaml")))
    return names[:4] + (["…"] if len(names) > 4 else [])


def locate_client(projects_dir: Path, slug: str) -> tuple[Path, str]:
    """The projects folder and slug of the one client a command is about: SLUG in the
    projects folder, or SLUG given as the client's folder, or --projects naming it."""
    named = _whole(Path(slug))
    if not (projects_dir / slug).is_dir() and (named / "client.yml").is_file():
        return named.parent, named.name
    projects_dir, only = client_scope(projects_dir)
    if only is not None and only != [slug]:
        raise MilepostError(f"--projects {projects_dir / only[0]} is the folder of client "
                            f"{only[0]}, not of '{slug}'")
    return projects_dir, slug


def select_clients(projects_dir: Path, only: list[str] | None = None) -> list[Path]:
    """The client folders of a projects folder (or of a client's own folder), or only those
    named."""
    projects_dir, only = client_scope(projects_dir, only)
    folders = find_clients(projects_dir)
    if only:
        names = {f.name for f in folders}
        unknown = [s for s in only if s not in names]
        if unknown:
            raise MilepostError(f"no client folder named {', '.join(unknown)} in "
                                f"{projects_dir} (clients: {', '.join(sorted(names)) or 'none'})")
        folders = [f for f in folders if f.name in only]
    return folders


def check_projects(projects_dir: Path, today: date, only: list[str] | None = None) -> Checked:
    """Check every client (or those named) of a projects folder, or one client's folder."""
    projects_dir, only = client_scope(projects_dir, only)
    folders = select_clients(projects_dir, only)
    shown_root = display_path(projects_dir)
    result = Checked([], [], len(folders), [])
    for folder in folders:
        project, problems = check_client_folder(folder, shown_root, today)
        result.problems += problems
        if project is None:
            result.failed.append(folder.name)
        else:
            result.projects.append(project)
    return result


# --- building many clients in parallel --------------------------------------------------------


# A worker's answer: the client's result, and its part of the agency's site when asked.
Outcome = tuple[BuildResult, "AgencyPart | None"]


def check_and_build(folder: Path, shown_root: str, settings: BuildSettings, mode: Mode,
                    projects_dir: Path, agency_work: Path | None = None) -> Outcome:
    """Validate one client and, when it has no errors, build it the way `mode` says; with
    `agency_work`, also make its part of the agency's site there, from what was read."""
    read = read_and_check(folder, shown_root, settings.today, publishing=mode == "publish")
    problems = read.problems
    if settings.strict:
        problems = [replace(p, severity="error") for p in problems]
    project = read.project
    if project is None or errors(problems):
        return BuildResult(folder.name, False, problems=tuple(problems), invalid=True,
                           message="invalid (see the errors above)"), None
    if mode == "versions":
        from generator.history.versions import VersionedJob, build_versioned_client

        result = build_versioned_client(VersionedJob(project, projects_dir, settings))
    elif mode == "publish":
        from generator.ship.publish import publish_client

        result = publish_client(project, projects_dir, settings)
    else:
        result = build_client(project, settings)
    result = replace(result, problems=(*problems, *result.problems))  # MkDocs' after ours
    part = None
    if agency_work is not None:
        from generator.agency.build import client_part

        part = client_part(read, settings.out / project.slug, result.ok, agency_work,
                           projects_dir, versioned=mode != "site")
    return result, part


def check_and_build_guarded(folder: Path, shown_root: str, settings: BuildSettings, mode: Mode,
                            projects_dir: Path, agency_work: Path | None = None) -> Outcome:
    """`check_and_build` that never raises: an error nobody foresaw (in validation, git or
    MkDocs) fails this client only, and the others are still built and listed."""
    started = time.perf_counter()
    try:
        return check_and_build(folder, shown_root, settings, mode, projects_dir, agency_work)
    except Exception as exc:
        return failed(folder.name, started, exc), None


def _outcome(future: Future, name: str) -> Outcome:
    """A worker's answer, or a failed result when the worker itself broke (it was killed,
    or its answer could not be sent back)."""
    try:
        return future.result()
    except Exception as exc:
        return failed(name, time.perf_counter(), exc), None


def run_all(folders: list[Path], shown_root: str, settings: BuildSettings, mode: Mode,
            projects_dir: Path, jobs: int,
            on_done: Callable[[BuildResult], None] | None = None,
            agency: list[Path] | None = None) -> list[BuildResult]:
    """Every client, `jobs` at a time; `on_done` hears of each result as it lands. With
    `agency` (every client folder), each worker also makes its client's part of the
    agency's site, and the agency's site is built from the parts when all are in, by one
    of the same workers (its templates are compiled already)."""
    parallel = jobs > 1 and len(folders) > 1
    with _workers(min(jobs, len(folders)) if parallel else 0, settings.out) as pool:
        if agency is None:
            return [result for result, _ in _run_clients(
                pool, folders, shown_root, settings, mode, projects_dir, on_done, None)]
        from generator.agency.build import agency_work

        with agency_work(settings.out) as work:
            outcomes = _run_clients(pool, folders, shown_root, settings, mode, projects_dir,
                                    on_done, work)
            agency_result = _agency_in(pool, outcomes, agency, shown_root, settings, mode,
                                       projects_dir, work)
    if on_done:
        on_done(agency_result)
    return sorted([*(result for result, _ in outcomes), agency_result], key=lambda x: x.slug)


def _agency_in(pool: ProcessPoolExecutor | None, *args: Any) -> BuildResult:
    """`agency_site` in one of the workers (or here, without any)."""
    if pool is None:
        return agency_site(*args)
    started = time.perf_counter()
    try:
        return pool.submit(agency_site, *args).result()
    except Exception as exc:  # the worker broke, or its answer could not be sent back
        return failed(AGENCY_FOLDER, started, exc)


def agency_site(outcomes: list[Outcome], every: list[Path], shown_root: str,
                settings: BuildSettings, mode: Mode, projects_dir: Path,
                work: Path) -> BuildResult:
    """The agency's site from the parts the workers made, and from the clients this run
    did not build (`--client` named others): the agency's view is of every client. Never
    raises: an unforeseen error fails the agency's site only."""
    from generator.agency.build import build_agency, folder_part

    started = time.perf_counter()
    try:
        parts = [part for _, part in outcomes if part is not None]
        done = {result.slug for result, _ in outcomes}
        invalid = [result.slug for result, part in outcomes if part is None]
        for folder in every:
            if folder.name not in done:
                part = folder_part(folder, shown_root, settings, work, projects_dir,
                                   versioned=mode != "site")
                parts.append(part) if part is not None else invalid.append(folder.name)
        return build_agency(sorted(parts, key=lambda x: x.client.slug), invalid, work,
                            settings)
    except Exception as exc:
        return failed(AGENCY_FOLDER, started, exc)


@contextlib.contextmanager
def _workers(count: int, out: Path) -> Iterator[ProcessPoolExecutor | None]:
    """`count` worker processes (None: work in this process), ended on the way out. Ctrl+C
    stops them at once and removes their scratch folders."""
    if count <= 1:
        yield None
        return
    # Workers start with Ctrl+C held back (they inherit the mask), then ignore it: the parent
    # alone hears it and stops them all, so no worker prints a traceback of its own.
    from concurrent.futures import ProcessPoolExecutor

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pool = ProcessPoolExecutor(max_workers=count, initializer=_worker_start)
    try:
        yield pool
    except BaseException:  # Ctrl+C, mostly: stop now rather than wait for builds
        _stop_workers(pool)
        remove_stale_scratch(out)  # the stopped workers' scratch folders
        remove_stale_scratch()
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    pool.shutdown()


def _run_clients(pool: ProcessPoolExecutor | None, folders: list[Path], shown_root: str,
                 settings: BuildSettings, mode: Mode, projects_dir: Path,
                 on_done: Callable[[BuildResult], None] | None,
                 work: Path | None) -> list[Outcome]:
    tasks = [(f.name, (f, shown_root, settings, mode, projects_dir, work)) for f in folders]
    outcomes: list[Outcome] = []
    if pool is None:
        for _, a in tasks:
            outcomes.append(check_and_build_guarded(*a))
            if on_done:
                on_done(outcomes[-1][0])
        return outcomes
    from concurrent.futures import as_completed

    futures = {pool.submit(check_and_build_guarded, *a): name for name, a in tasks}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for future in as_completed(futures):
        outcomes.append(_outcome(future, futures[future]))
        if on_done:
            on_done(outcomes[-1][0])
    return sorted(outcomes, key=lambda x: x[0].slug)


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker now. A worker stopped mid-build leaves its scratch folder, never a
    half-written site: sites are swapped in whole."""
    # The pool has no public way to end its workers before Python 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
