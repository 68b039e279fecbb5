"""Many clients at once: checking them all, and building or publishing them in parallel, as
one `Job` says (which clients a command means is settled before, by
`generator.project.folders`). Each worker process validates one client and, if it is valid,
builds or publishes it: validation runs in the workers too, so it is parallel with the rest
rather than a serial step before it.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from generator.agency import FOLDER as AGENCY_FOLDER
from generator.problems import Problem, display_path, errors
from generator.project.client import check_client_folder, read_and_check
from generator.project.folders import client_scope, select_clients
from generator.project.model import Project
from generator.site.build import (
    BuildResult,
    BuildSettings,
    base_config_for,
    build_client,
    engine_setting,
    failed,
)
from generator.site.output import remove_stale_scratch

if TYPE_CHECKING:  # the agency's wing is imported only by a run that builds its site, and
    # the worker processes' machinery only by a run that has workers
    from concurrent.futures import Future, ProcessPoolExecutor

    from generator.agency.build import AgencyPart

# What a run makes of each client: a site of its current files (site), every tagged version
# beside it (versions), or the versions swapped into a published folder (publish).
Mode = Literal["site", "versions", "publish"]


# --- checking every client -------------------------------------------------------------------

@dataclass
class Checked:
    """The outcome of checking a projects folder: models of the valid clients, all problems."""

    projects: list[Project]
    problems: list[Problem]
    clients: int
    failed: list[str]


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

@dataclass(frozen=True)
class Job:
    """One run over many clients: where they are, what to make of each and where, how many
    at a time. Plain data: each worker gets a copy."""

    projects_dir: Path    # the projects folder the clients' folders are in
    shown_root: str       # the projects folder as problems name it
    build: BuildSettings  # where the sites go, today, the base config, --strict
    mode: Mode = "site"
    jobs: int = 1         # clients at the same time (1: all in this process)

    @property
    def versioned(self) -> bool:
        return self.mode != "site"

    @property
    def publishing(self) -> bool:
        return self.mode == "publish"


def new_job(projects_dir: Path, out: Path, today: date, mode: Mode, *, strict: bool = False,
            jobs: int = 1, engine: str | None = None) -> Job:
    """The job of building (or publishing) a projects folder's clients into `out`, with the
    base mkdocs.yml beside the projects folder (else Milepost's) and the engine `engine`
    (None: the one that base config names, else MkDocs)."""
    root = projects_dir.resolve().parent
    base = base_config_for(root)
    build = BuildSettings(out.resolve(), today, base, root, strict, engine_setting(base, engine))
    return Job(projects_dir, display_path(projects_dir), build, mode, jobs)


# A worker's answer: the client's result, and its part of the agency's site when asked.
Outcome = tuple[BuildResult, "AgencyPart | None"]


def check_and_build(folder: Path, job: Job, agency_work: Path | None = None) -> Outcome:
    """Validate one client and, when it has no errors, build it the way the job says; with
    `agency_work`, also make its part of the agency's site there, from what was read."""
    settings = job.build
    read = read_and_check(folder, job.shown_root, settings.today, publishing=job.publishing)
    problems = read.problems
    if settings.strict:
        problems = [replace(p, severity="error") for p in problems]
    project = read.project
    if project is None or errors(problems):
        return BuildResult(folder.name, False, problems=tuple(problems), invalid=True,
                           message="invalid (see the errors above)"), None
    if job.mode == "versions":
        from generator.history.versions import VersionedJob, build_versioned_client

        result = build_versioned_client(VersionedJob(project, job.projects_dir, settings))
    elif job.publishing:
        from generator.ship.publish import publish_client

        result = publish_client(project, job.projects_dir, settings)
    else:
        result = build_client(project, settings)
    result = replace(result, problems=(*problems, *result.problems))  # MkDocs' after ours
    part = None
    if agency_work is not None:
        from generator.agency.build import client_part

        part = client_part(read, settings.out / project.slug, result.ok, agency_work,
                           job.projects_dir, versioned=job.versioned)
    return result, part


def check_and_build_guarded(folder: Path, job: Job, agency_work: Path | None = None) -> Outcome:
    """`check_and_build` that never raises: an error nobody foresaw (in validation, git or
    MkDocs) fails this client only, and the others are still built and listed."""
    started = time.perf_counter()
    try:
        return check_and_build(folder, job, agency_work)
    except Exception as exc:
        return failed(folder.name, started, exc), None


def _outcome(future: Future, name: str) -> Outcome:
    """A worker's answer, or a failed result when the worker itself broke (it was killed,
    or its answer could not be sent back)."""
    try:
        return future.result()
    except Exception as exc:
        return failed(name, time.perf_counter(), exc), None


def run_all(job: Job, folders: list[Path],
            on_done: Callable[[BuildResult], None] | None = None,
            agency: list[Path] | None = None) -> list[BuildResult]:
    """Every client, `job.jobs` at a time; `on_done` hears of each result as it lands. With
    `agency` (every client folder), each worker also makes its client's part of the
    agency's site, and the agency's site is built from the parts when all are in, by one
    of the same workers (its templates are compiled already)."""
    parallel = job.jobs > 1 and len(folders) > 1
    with _workers(min(job.jobs, len(folders)) if parallel else 0, job.build.out) as pool:
        if agency is None:
            return [result for result, _ in _run_clients(pool, job, folders, on_done, None)]
        from generator.agency.build import agency_work

        with agency_work(job.build.out) as work:
            outcomes = _run_clients(pool, job, folders, on_done, work)
            agency_result = _agency_in(pool, job, outcomes, agency, work)
    if on_done:
        on_done(agency_result)
    return sorted([*(result for result, _ in outcomes), agency_result], key=lambda x: x.slug)


def _agency_in(pool: ProcessPoolExecutor | None, job: Job, outcomes: list[Outcome],
               every: list[Path], work: Path) -> BuildResult:
    """`agency_site` in one of the workers (or here, without any)."""
    if pool is None:
        return agency_site(job, outcomes, every, work)
    started = time.perf_counter()
    try:
        return pool.submit(agency_site, job, outcomes, every, work).result()
    except Exception as exc:  # the worker broke, or its answer could not be sent back
        return failed(AGENCY_FOLDER, started, exc)


def agency_site(job: Job, outcomes: list[Outcome], every: list[Path], work: Path) -> BuildResult:
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
                part = folder_part(folder, job.shown_root, job.build, work, job.projects_dir,
                                   versioned=job.versioned)
                parts.append(part) if part is not None else invalid.append(folder.name)
        return build_agency(sorted(parts, key=lambda x: x.client.slug), invalid, work,
                            job.build)
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


def _run_clients(pool: ProcessPoolExecutor | None, job: Job, folders: list[Path],
                 on_done: Callable[[BuildResult], None] | None,
                 work: Path | None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    if pool is None:
        for folder in folders:
            outcomes.append(check_and_build_guarded(folder, job, work))
            if on_done:
                on_done(outcomes[-1][0])
        return outcomes
    from concurrent.futures import as_completed

    futures = {pool.submit(check_and_build_guarded, f, job, work): f.name for f in folders}
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


def agency_alone(job: Job, every: list[Path]) -> BuildResult:
    """The agency's site of every client, from the client sites already in the output
    (`milepost assemble`, after shards built them elsewhere): each client is read again and
    its site copied; nothing is rebuilt. (Reading and copying them in parallel gained
    nothing measurable: most of this is the one MkDocs build of the agency's pages.)"""
    from generator.agency.build import agency_work

    with agency_work(job.build.out) as work:
        return agency_site(job, [], every, work)
