"""`milepost serve SLUG`: preview one client's site, rebuilt whenever its YAML changes.

Uses MkDocs' own live-reload server. A rebuild that finds errors prints them and keeps the
last good preview on screen, as a published site would.
"""

from __future__ import annotations

import signal
import sys
from datetime import date
from pathlib import Path

from generator.build import (
    BuildSettings,
    base_config_for,
    build_site,
    remove_stale_scratch,
    scratch_folder,
)
from generator.model import check_client_folder
from generator.problems import MilepostError, display_path, errors, report
from generator.render import template_dirs


def serve(projects_dir: Path, slug: str, today: date, host: str, port: int) -> None:
    folder = projects_dir / slug
    if not (folder / "client.yml").is_file():
        raise MilepostError(f"{folder}: no client.yml here (is '{slug}' the right slug?)")
    remove_stale_scratch()  # previews a killed `serve` left behind
    signal.signal(signal.SIGTERM, _stop)  # stopped by a process manager: clean up as for Ctrl+C
    with scratch_folder(None, f"milepost-serve-{slug}-") as work:
        _preview(projects_dir, slug, folder, today, host, port, work)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _preview(projects_dir: Path, slug: str, folder: Path, today: date, host: str, port: int,
             work: Path) -> None:
    from mkdocs.livereload import LiveReloadServer

    root = projects_dir.resolve().parent
    site = work / "site"
    settings = BuildSettings(work, today, base_config_for(root), root)

    def rebuild() -> None:
        project, problems = check_client_folder(folder, display_path(projects_dir), today)
        if problems:
            print(report(problems, "text", 1), file=sys.stderr, flush=True)
        if project is None or errors(problems):
            print("not rebuilt: fix the errors above; the preview shows the last good "
                  "version", file=sys.stderr, flush=True)
            return
        build_site(project, settings, site)
        print(f"rebuilt {slug}", flush=True)

    rebuild()
    if not site.is_dir():
        raise MilepostError(f"{slug} has errors: nothing to preview yet")
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    server.watch(str(folder))
    for templates in template_dirs(root):
        server.watch(str(templates))
    print(f"previewing {slug} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, or not ours to use
        raise MilepostError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (is "
                            "another preview running? try --port)")
    finally:
        server.shutdown()
