"""Runs the pipeline for many clients at once: each worker process validates one client and,
if it is valid, builds or publishes it. Validation runs in the workers too, so it is
parallel with the rest rather than a serial step before it.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Literal

from generator.build import (
    BuildResult,
    BuildSettings,
    build_client,
    failed,
    remove_stale_scratch,
)
from generator.model import check_client_folder
from generator.problems import errors

Mode = Literal["site", "versions", "publish"]


def check_and_build(folder: Path, shown_root: str, settings: BuildSettings, mode: Mode,
                    projects_dir: Path) -> BuildResult:
    """Validate one client and, when it has no errors, build it the way `mode` says."""
    project, problems = check_client_folder(folder, shown_root, settings.today,
                                            publishing=mode == "publish")
    if project is None or errors(problems):
        return BuildResult(folder.name, False, problems=tuple(problems), invalid=True,
                           message="invalid (see the errors above)")
    if mode == "versions":
        from generator.versions import VersionedJob, build_versioned_client

        result = build_versioned_client(VersionedJob(project, projects_dir, settings))
    elif mode == "publish":
        from generator.publish import publish_client

        result = publish_client(project, projects_dir, settings)
    else:
        result = build_client(project, settings)
    return replace(result, problems=tuple(problems))


def check_and_build_guarded(folder: Path, shown_root: str, settings: BuildSettings, mode: Mode,
                            projects_dir: Path) -> BuildResult:
    """`check_and_build` that never raises: an error nobody foresaw (in validation, git or
    MkDocs) fails this client only, and the others are still built and listed."""
    started = time.perf_counter()
    try:
        return check_and_build(folder, shown_root, settings, mode, projects_dir)
    except Exception as exc:
        return failed(folder.name, started, exc)


def _outcome(future: Future, folder: Path) -> BuildResult:
    """A worker's result, or a failed one when the worker itself broke (it was killed, or its
    result could not be sent back)."""
    try:
        return future.result()
    except Exception as exc:
        return failed(folder.name, time.perf_counter(), exc)


def run_all(folders: list[Path], shown_root: str, settings: BuildSettings, mode: Mode,
            projects_dir: Path, jobs: int,
            on_done: Callable[[BuildResult], None] | None = None) -> list[BuildResult]:
    """Every client, `jobs` at a time; `on_done` hears of each result as it lands."""
    args = [(f, shown_root, settings, mode, projects_dir) for f in folders]
    results: list[BuildResult] = []
    if jobs <= 1 or len(args) <= 1:
        for a in args:
            results.append(check_and_build_guarded(*a))
            if on_done:
                on_done(results[-1])
        return results
    # Workers start with Ctrl+C held back (they inherit the mask), then ignore it: the parent
    # alone hears it and stops them all, so no worker prints a traceback of its own.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(args)), initializer=_worker_start)
    try:
        futures = {pool.submit(check_and_build_guarded, *a): a[0] for a in args}
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for future in as_completed(futures):
            results.append(_outcome(future, futures[future]))
            if on_done:
                on_done(results[-1])
    except BaseException:  # Ctrl+C, mostly: stop now rather than wait for builds
        _stop_workers(pool)
        remove_stale_scratch(settings.out)  # the stopped workers' scratch folders
        remove_stale_scratch()
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    pool.shutdown()
    return sorted(results, key=lambda x: x.slug)


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
