"""Runs the pipeline for many clients at once: each worker process validates one client and,
if it is valid, builds or publishes it. Validation runs in the workers too, so it is
parallel with the rest rather than a serial step before it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Literal

from generator.build import BuildResult, BuildSettings, build_client
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


def run_all(folders: list[Path], shown_root: str, settings: BuildSettings, mode: Mode,
            projects_dir: Path, jobs: int,
            on_done: Callable[[BuildResult], None] | None = None) -> list[BuildResult]:
    """Every client, `jobs` at a time; `on_done` hears of each result as it lands."""
    args = [(f, shown_root, settings, mode, projects_dir) for f in folders]
    results: list[BuildResult] = []
    if jobs <= 1 or len(args) <= 1:
        for a in args:
            results.append(check_and_build(*a))
            if on_done:
                on_done(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(args))) as pool:
        for future in as_completed([pool.submit(check_and_build, *a) for a in args]):
            results.append(future.result())
            if on_done:
                on_done(results[-1])
    return sorted(results, key=lambda x: x.slug)
