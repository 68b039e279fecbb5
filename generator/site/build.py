"""Stage 5, build: render each valid client into a complete static site with an engine.

The engine is MkDocs with Material (the default) or Zensical, Material's successor, which
reads the same mkdocs.yml (`--engine`, or `extra: milepost: engine:` in the base
mkdocs.yml). `Engine` is all the rest of Milepost knows of either: its name, how to build
a site from a config file, and where the built site's search index is and in what shape.

Each client builds in its own scratch folder beside the output; only a complete site is
swapped in (see `output.py`). A failed or interrupted build leaves the last good site exactly
as it was. The engine's own warnings (a broken link in a repository's template override, say)
are collected per client and page and reported like validation's; under `--strict` they fail
the client's build, so its last good site stays.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

from generator.problems import MilepostError, Problem
from generator.project.model import Project
from generator.site.feeds import Release, atom_feed
from generator.site.ical import calendar_ics
from generator.site.output import (
    INPUTS_FILE,
    LAYOUT_FILE,
    PLAIN,
    VERSIONED,
    layout_of,
    scratch_folder,
    settle,
    swap_in,
)
from generator.site.render import BASE_CONFIG, CONTENT, SiteVersion, render_pages, site_config
from generator.site.urls import client_site_url, read_base_config
from generator.site.zensical import INSTALL_HINT, cache_folder, run_zensical
from generator.site.zensical import available as zensical_available

ROBOTS = "User-agent: *\nDisallow: /\n"  # no search engine may index a client's site


@dataclass(frozen=True)
class BuildResult:
    slug: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    message: str = ""
    problems: tuple[Problem, ...] = ()  # what validation and MkDocs found, warnings included
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
    strict: bool = False  # --strict: any warning (validation's or the engine's) fails it
    engine: str = "mkdocs"  # the name of the `Engine` that builds the sites


def base_config_for(project_root: Path | None) -> Path:
    """The project's own mkdocs.yml if it has one, else Milepost's."""
    if project_root is not None and (project_root / "mkdocs.yml").is_file():
        return (project_root / "mkdocs.yml").resolve()
    return BASE_CONFIG


def epoch_of(day: date) -> int:
    return int(datetime.combine(day, dtime(0), tzinfo=UTC).timestamp())


def client_feed(p: Project, base_config: Path, releases: list[Release] | None = None) -> bytes:
    """The client's Atom feed. A versioned site (`releases` given, even if empty) keeps its
    current pages in latest/ and announces each released version."""
    return atom_feed(p, releases or [], client_site_url(p, base_config),
                     versioned=releases is not None)


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
    if version is None:  # a versioned site has one feed, beside its versions (versions.py)
        (docs / "feed.xml").write_bytes(client_feed(p, settings.base_config))
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


@contextlib.contextmanager
def _collected(logger: logging.Logger) -> Iterator[_Collect]:
    """Catch `logger`'s warnings (kept from the root logger's handlers: they are reported as
    problems instead), then leave the logger exactly as it was: its level, its handlers and
    whether it passes records on."""
    level, propagate = logger.level, logger.propagate
    handler = _Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def run_mkdocs(config_file: Path) -> list[str]:
    """Build with MkDocs' Python API; returns its warnings. Raises on failure.

    Search indexes each page as `search.searchable` writes it for reading. The theme's
    404.html is removed: MkDocs renders it for a site served at the host's root
    (links and assets under '/'), while each client's site lives in a folder of its own."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.site.compact import compact_pages
    from generator.site.compiled import keep_compiled
    from generator.site.search import SearchText

    with _collected(logging.getLogger("mkdocs")) as handler:
        config = load_config(config_file=str(config_file))
        config.plugins["milepost/search-text"] = SearchText()  # what search reads, and shows
        config.plugins["milepost/compiled-templates"] = keep_compiled()
        config.plugins["milepost/compact-pages"] = compact_pages()  # no indentation on disk
        build(config)
    (Path(config.site_dir) / "404.html").unlink(missing_ok=True)
    return handler.messages


def _run_zensical(config_file: Path, cache: Path | None) -> list[str]:
    """Build with Zensical; returns its warnings. As with MkDocs, its 404.html goes, and
    search reads each page as `search.searchable` writes it (put in after the build:
    Zensical runs no MkDocs plugin). An unchanged client's last site is taken from the
    cache (see zensical.py)."""
    from generator.site import search
    from generator.site.zensical import fingerprint, keep, reuse

    site = config_file.parent / "site"
    key = fingerprint(config_file.parent, config_file, Path(search.__file__),
                      Path(__file__)) if cache is not None else None
    if cache is not None and key is not None:
        kept = reuse(cache, key, site)
        if kept is not None:
            return kept
    found = run_zensical(config_file, cache)
    (site / "404.html").unlink(missing_ok=True)
    search.readable_index(site, ZENSICAL.search.file, ZENSICAL.search.entries)
    if cache is not None and key is not None:
        keep(cache, key, site, found)
    return found


@dataclass(frozen=True)
class SearchIndex:
    """Where an engine writes a site's search index, and the key of its list of entries."""

    file: str     # from the site's root
    entries: str  # the key of the list of entries in that JSON file


@dataclass(frozen=True)
class Engine:
    """What Milepost knows of the program that turns a client's Markdown into its site."""

    name: str
    title: str    # as messages name it
    search: SearchIndex
    # Builds the site a config file describes (into its site_dir); returns the warnings.
    # The second argument is where the engine may keep a cache between builds, or None.
    run: Callable[[Path, Path | None], list[str]]


MKDOCS = Engine("mkdocs", "MkDocs", SearchIndex("search/search_index.json", "docs"),
                lambda config, _cache: run_mkdocs(config))
ZENSICAL = Engine("zensical", "Zensical", SearchIndex("search.json", "items"), _run_zensical)
ENGINES = {e.name: e for e in (MKDOCS, ZENSICAL)}


def engine_named(name: str) -> Engine:
    """The engine of that name; refuses another."""
    if name not in ENGINES:
        raise MilepostError(f"--engine {name!r} is no engine: choose one of "
                            f"{', '.join(ENGINES)}")
    return ENGINES[name]


def engine_setting(base_config: Path, chosen: str | None = None) -> str:
    """The engine to build with: `chosen` (--engine) if given, else the base mkdocs.yml's
    `extra: milepost: engine:`, else MkDocs. Refuses a name that is no engine's."""
    if chosen is not None:
        return _installed(engine_named(chosen).name)
    extra = read_base_config(base_config).get("extra")
    milepost = extra.get("milepost") if isinstance(extra, dict) else None
    name = milepost.get("engine") if isinstance(milepost, dict) else None
    if name is None:
        return MKDOCS.name
    if name not in ENGINES:
        raise MilepostError(f"{base_config}: extra: milepost: engine: is {name!r}; write one of "
                            f"{', '.join(ENGINES)}")
    return _installed(str(name))


def _installed(name: str) -> str:
    """Refuse, before anything is built, an engine that is not installed."""
    if name == ZENSICAL.name and not zensical_available():
        raise MilepostError(f"the engine zensical is not installed: {INSTALL_HINT}, or build "
                            "with `--engine mkdocs`")
    return name


def search_index_of(site: Path) -> SearchIndex | None:
    """The search index a built site holds, whichever engine built it; None for none."""
    return next((e.search for e in ENGINES.values() if (site / e.search.file).is_file()),
                None)


# MkDocs names the page in its warnings about a page's links and anchors.
_PAGE = re.compile(r"Doc file '([^']+)'")


def mkdocs_problem(slug: str, version: str | None, message: str, strict: bool,
                   engine: str = "MkDocs") -> Problem:
    """One warning of the engine as a problem of the client: which version and page it is
    about, and where to look (pages come from the templates, a repository's own first)."""
    page = _PAGE.match(message)
    where = ", ".join([*([f"version {version}"] if version else []),
                       *([f"page {page.group(1)}"] if page else [])])
    said = message.strip().rstrip(".")
    return Problem(slug, 0, 0, "", f"{engine}{f' ({where})' if where else ''}: {said}; pages are "
                   "made from the templates, so check those your repository's content/templates/ "
                   "overrides", "error" if strict else "warning", slug)


class StrictWarnings(MilepostError):
    """Under --strict, the engine warned: the site is not swapped in."""

    def __init__(self, problems: list[Problem], engine: str = "MkDocs") -> None:
        super().__init__(f"{engine} warned ({len(problems)}) and --strict makes warnings "
                         "errors")
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Built:
    """One site built: its page count and what MkDocs warned about."""

    pages: int
    warnings: tuple[Problem, ...] = ()


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


def build_site(p: Project, settings: BuildSettings, target: Path,
               version: SiteVersion | None = None, stamp: str | None = None,
               layout: str | None = None, in_output: bool = False) -> Built:
    """Build one site in a temporary folder beside `target` and swap it in only when it is
    complete (under --strict, also free of MkDocs warnings); `stamp` is written into it as
    INPUTS_FILE, `layout` as LAYOUT_FILE. With `in_output`, `target` is a client's folder in
    the output, and the new site is settled first (`output.settle`: unchanged files kept,
    the theme's files shared)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    label = f"{p.slug}.{version.name}" if version else p.slug
    with scratch_folder(target.parent, f".{label}.building-") as work:
        with source_date(settings.today):
            pages = write_client_project(p, settings, work, version)
            engine = engine_named(settings.engine)
            found = [mkdocs_problem(p.slug, version.name if version else None, m,
                                    settings.strict, engine.title)
                     for m in engine.run(work / "mkdocs.yml",
                                         cache_folder(p.folder, label))]
        if found and settings.strict:
            raise StrictWarnings(found, engine.title)
        if stamp is not None:
            (work / "site" / INPUTS_FILE).write_text(stamp + "\n", encoding="utf-8")
        if layout is not None:
            (work / "site" / LAYOUT_FILE).write_text(layout + "\n", encoding="utf-8")
        if in_output:
            settle(work / "site", target)
        swap_in(work / "site", target)
        return Built(pages, tuple(found))


def build_client(p: Project, settings: BuildSettings) -> BuildResult:
    """Build one client into `settings.out/<slug>`; never raises."""
    started = time.perf_counter()
    target = settings.out / p.slug
    try:
        replaced = layout_of(target) == VERSIONED
        built = build_site(p, settings, target, layout=PLAIN, in_output=True)
        note = ("replaced the versioned site (latest/ and every version) with a plain one; "
                "`build --versions` builds the versions again" if replaced else "")
        return BuildResult(p.slug, True, built.pages, time.perf_counter() - started, note,
                           problems=built.warnings)
    except StrictWarnings as exc:
        return BuildResult(p.slug, False, 0, time.perf_counter() - started, str(exc),
                           problems=exc.problems)
    except Exception as exc:  # one client's failure must not stop the others
        return failed(p.slug, started, exc)


