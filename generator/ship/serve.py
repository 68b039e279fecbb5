"""`milepost serve SLUG`: preview one client's site, rebuilt whenever its YAML changes.

Uses MkDocs' own live-reload server. A rebuild that finds errors prints them and keeps the
last good preview on screen, as a published site would; the browser reloads and every page
shows a banner listing the problems until the files are valid again. The banner is added to
pages as they are served, never written into the site: `build` and `publish` cannot carry it.
"""

from __future__ import annotations

import html
import re
import signal
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.numbers import plural
from generator.problems import MilepostError, Problem, display_path, errors, report, sort_problems
from generator.project.client import check_client_folder
from generator.site.build import (
    BuildResult,
    BuildSettings,
    base_config_for,
    build_site,
    engine_setting,
)
from generator.site.output import remove_stale_scratch, scratch_folder
from generator.site.render import template_dirs

if TYPE_CHECKING:  # imported only when a preview starts
    from mkdocs.livereload import LiveReloadServer

BANNER_ID = "milepost-problems"
_BODY = re.compile(rb"<body[^>]*>")
# Inline styles: the preview's own banner must not depend on the theme or on another host.
# In the page's flow, above the theme's header: it covers neither the header's menu nor its
# search, and scrolls away with the page.
_BANNER_STYLE = ("position:relative;z-index:100000;max-height:45vh;"
                 "overflow:auto;margin:0;padding:.6rem 1rem;font:14px/1.4 monospace;"
                 "color:#fff;background:{background};box-shadow:0 2px 6px rgba(0,0,0,.4)")


def banner_html(problems: list[Problem]) -> str:
    """The preview's banner listing every problem as file:line:col: message (escaped), or ''
    when there is none. Errors mean the page is the last good version."""
    if not problems:
        return ""
    n_errors = len(errors(problems))
    if n_errors:
        heading = (f"{plural(n_errors, 'error')}: not rebuilt, this is the last good preview. "
                   "Fix the files and this page reloads.")
    else:
        heading = f"{plural(len(problems), 'warning')}: fix before publishing."
    items = "".join(f"<li>{html.escape(p.text())}</li>" for p in sort_problems(problems))
    style = _BANNER_STYLE.format(background="#b71c1c" if n_errors else "#6d4c00")
    return (f'<div id="{BANNER_ID}" role="alert" style="{style}"><strong>milepost serve: '
            f'{html.escape(heading)}</strong><ul style="margin:.3rem 0 0;padding-left:1.2rem">'
            f"{items}</ul></div>")


def with_banner(page: bytes, banner: str) -> bytes:
    """The page with the banner first in its body (nothing added when there is no banner)."""
    if not banner:
        return page
    body = _BODY.search(page)
    at = body.end() if body else 0
    return page[:at] + banner.encode("utf-8") + page[at:]


class Preview:
    """What the preview shows beside the last good site: the banner of the latest check."""

    def __init__(self) -> None:
        self.banner = ""


def _preview_server(preview: Preview, **options: Any) -> LiveReloadServer:
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        # MkDocs adds its reload script to each HTML page as it is served; the banner goes in
        # at the same point, so it never reaches the files on disk.
        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            return with_banner(super()._inject_js_into_html(content, epoch), preview.banner)

    return PreviewServer(**options)


def serve(projects_dir: Path, slug: str, today: date, host: str, port: int,
          engine: str | None = None) -> None:
    folder = projects_dir / slug
    if not (folder / "client.yml").is_file():
        raise MilepostError(f"{folder}: no client.yml here (is '{slug}' the right slug?)")
    remove_stale_scratch()  # previews a killed `serve` left behind
    signal.signal(signal.SIGTERM, _stop)  # stopped by a process manager: clean up as for Ctrl+C
    with scratch_folder(None, f"milepost-serve-{slug}-") as work:
        _preview(projects_dir, slug, folder, today, host, port, work, engine)


def serve_agency(projects_dir: Path, today: date, host: str, port: int,
                 build_all: Callable[[BuildSettings], BuildResult],
                 engine: str | None = None) -> None:
    """`milepost serve --agency`: the agency's view of every client, rebuilt when any
    client's files change. `build_all` builds every client and the agency's site into the
    settings' folder (the agency's copies of the client sites are made from them) and gives
    the agency site's result."""
    from generator.agency.render import AGENCY, FOLDER

    remove_stale_scratch()
    signal.signal(signal.SIGTERM, _stop)
    root = projects_dir.resolve().parent
    with scratch_folder(None, "milepost-serve-agency-") as work:
        base = base_config_for(root)
        settings = BuildSettings(work, today, base, root, engine=engine_setting(base, engine))
        preview = Preview()

        def rebuild() -> None:
            result = build_all(settings)
            print("rebuilt the agency's view" if result.ok else
                  f"not rebuilt: {result.message}", flush=True)

        rebuild()
        if not (work / FOLDER).is_dir():
            raise MilepostError("the agency's view could not be built: nothing to preview")
        # Served from above `_agency/`: its links to the client sites beside it work too.
        server = _preview_server(preview, builder=rebuild, host=host, port=port,
                                 root=str(work))
        server.watch(str(projects_dir))
        server.watch(str(AGENCY))
        print(f"previewing the agency's view at http://{host}:{port}/{FOLDER}/ (Ctrl+C to "
              "stop)", flush=True)
        _run_server(server, host, port)


def _run_server(server: LiveReloadServer, host: str, port: int) -> None:
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, or not ours to use
        raise MilepostError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (is "
                            "another preview running? try --port)")
    finally:
        server.shutdown()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _preview(projects_dir: Path, slug: str, folder: Path, today: date, host: str, port: int,
             work: Path, engine: str | None) -> None:
    root = projects_dir.resolve().parent
    site = work / "site"
    base = base_config_for(root)
    settings = BuildSettings(work, today, base, root, engine=engine_setting(base, engine))
    preview = Preview()

    def rebuild() -> None:
        project, problems = check_client_folder(folder, display_path(projects_dir), today)
        if problems:
            print(report(problems, "text", 1), file=sys.stderr, flush=True)
        if project is None or errors(problems):
            print("not rebuilt: fix the errors above; the preview shows the last good "
                  "version", file=sys.stderr, flush=True)
        else:
            warned = list(build_site(project, settings, site).warnings)
            if warned:
                print(report(warned, "text", 1), file=sys.stderr, flush=True)
            problems = [*problems, *warned]
            print(f"rebuilt {slug}", flush=True)
        # Returning (not raising) lets the browser reload, so the banner appears at once.
        preview.banner = banner_html(problems)

    rebuild()
    if not site.is_dir():
        raise MilepostError(f"{slug} has errors: nothing to preview yet")
    server = _preview_server(preview, builder=rebuild, host=host, port=port, root=str(site))
    server.watch(str(folder))
    for templates in template_dirs(root):
        server.watch(str(templates))
    print(f"previewing {slug} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    _run_server(server, host, port)
