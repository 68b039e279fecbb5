"""Zensical, Material for MkDocs' successor: it reads the same mkdocs.yml and theme overrides.

Zensical is a Rust program with a Python face (`zensical.build`) that prints its warnings,
drawn for a terminal, instead of logging them. They are read back from what it prints and
worded like MkDocs' (`Doc file 'team.md' …`), so that a warning is one kind of problem
whichever engine built the site, and --strict is decided by Milepost, not by Zensical
(whose own --strict ends in a traceback).

Zensical keeps a cache beside the config file. Each build writes its config into a scratch
folder that is new every time, so the cache is kept per client in the user's cache folder
(see `cache_folder`) and linked into the scratch folder. Zensical's own cache spares it the
Markdown, not the theme's templates and files, which are most of its time on pages this
small: so the cache also keeps the last site built, with its warnings, under the
fingerprint of everything it was built from (`fingerprint`); an unchanged client is that
site again, copied. The published output never holds the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from generator.problems import MilepostError

PACKAGE = "zensical"
CACHE_ENV = "MILEPOST_CACHE"   # where Milepost keeps caches; else $XDG_CACHE_HOME/milepost
CACHE_NAME = ".cache"          # Zensical's cache, beside the config file it is given
ENGINE_CACHE = "zensical"      # in a client's cache folder: what is linked as CACHE_NAME
KEPT_SITE = "site"             # beside it: the last site built
KEPT_ABOUT = "site.json"       # and its fingerprint and Zensical's warnings
# Zensical reads the client's mkdocs.yml through this one, which adds what only Zensical needs:
# the search marks kept in the pages (see search.py).
CONFIG = """INHERIT: {config}
markdown_extensions:
  - generator.site.search
"""
INSTALL_HINT = "install it with `pip install 'milepost[zensical]'`"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_WARNING = re.compile(r"^(?P<kind>Warning|Error): (?P<message>.+)\Z")
_WHERE = re.compile(r"\[ (?P<file>.+?):(?P<line>\d+):(?P<column>\d+) \]")
_SOURCE = re.compile(r"^ *(?P<line>\d+) │ (?P<text>.*)\Z")
_MARK = re.compile(r"^ *│ (?P<marks>.*)\Z")
_UNDERLINE = frozenset("─┬")


def available() -> bool:
    """Whether Zensical is installed beside Milepost (the `zensical` extra)."""
    return importlib.util.find_spec(PACKAGE) is not None


def cache_root() -> Path:
    """The user's cache folder for Milepost: $MILEPOST_CACHE, else the XDG cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "milepost"


def site_cache(kind: str, source: Path, name: str) -> Path:
    """A cache of one site: kept per client folder (`source`, the same whether the site is
    built, published or previewed, and wherever it goes) and site (`name`, made from the
    slug, with the version for a version's site)."""
    where = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    return cache_root() / kind / where / name


def cache_folder(source: Path, label: str) -> Path:
    """Zensical's cache for one site."""
    return site_cache("zensical", source, label)


def _underlined(source: str, marks: str) -> str:
    """The part of the source line that Zensical's drawing underlines (the link it means)."""
    picked = "".join(ch for ch, mark in zip(source, marks, strict=False) if mark in _UNDERLINE)
    return picked.strip()


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Each warning's first line's message, with the lines that draw where it is."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        warning = _WARNING.match(line)
        if warning is not None:
            blocks.append((warning["message"].strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def _in_mkdocs_words(message: str, drawing: list[str]) -> str:
    where = next((m for m in map(_WHERE.search, drawing) if m), None)
    if where is None:
        return message
    at = next((k for k, line in enumerate(drawing) if _SOURCE.match(line)), None)
    link = ""
    if at is not None:
        source = _SOURCE.match(drawing[at])
        marks = next((m for m in map(_MARK.match, drawing[at + 1:]) if m and "─" in m[0]),
                     None)
        if source is not None and marks is not None:
            link = _underlined(source["text"], marks["marks"])
    page = f"Doc file '{where['file']}' (line {where['line']})"
    return f"{page} contains a link '{link}': {message}" if link else f"{page}: {message}"


def warnings_in(printed: str) -> list[str]:
    """Zensical's warnings in what it printed, each as one line in MkDocs' words:
    "Doc file 'team.md' (line 38) contains a link 'nowhere.md': page does not exist"."""
    lines = [_ANSI.sub("", line) for line in printed.splitlines()]
    return [_in_mkdocs_words(message, drawing) for message, drawing in _blocks(lines)]


@contextlib.contextmanager
def _printed() -> Iterator[list[str]]:
    """What is written to this process's standard output and error meanwhile (Zensical's
    Rust part writes to them directly, not through Python), kept from the terminal and
    handed back as one text in the list yielded, once the block ends."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    said: list[str] = []
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 1)
        os.dup2(caught.fileno(), 2)
        try:
            yield said
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            caught.seek(0)
            said.append(caught.read().decode("utf-8", errors="replace"))


def _failure(printed: str) -> str:
    said = [_ANSI.sub("", line).strip() for line in printed.splitlines() if line.strip()]
    return "; ".join(line for line in said[-3:] if not line.startswith("Build "))


def run_zensical(config_file: Path, cache: Path | None) -> list[str]:
    """Build the site `config_file` describes with Zensical; returns its warnings. Raises
    MilepostError when Zensical is missing or fails.

    Zensical runs in this process (a worker's, in a build of many clients): a process of its
    own would cost more than an unchanged client's whole build from the cache."""
    if not available():
        raise MilepostError(f"the engine zensical is not installed: {INSTALL_HINT}, or build "
                            "with `--engine mkdocs`")
    from zensical import build  # the optional extra: only where it is chosen

    work = config_file.parent.resolve()
    ours = work / f".zensical-{config_file.name}"
    ours.write_text(CONFIG.format(config=config_file.name), encoding="utf-8")
    if cache is not None:
        (cache / ENGINE_CACHE).mkdir(parents=True, exist_ok=True)
        link = work / CACHE_NAME
        if not link.exists():
            link.symlink_to(cache / ENGINE_CACHE, target_is_directory=True)
    with _printed() as printed:
        try:
            build(str(ours), {"strict": False, "clean": False})
        except Exception as exc:  # Zensical's own errors: a bad config, a page it cannot read
            failed: Exception | None = exc
        else:
            failed = None
    if failed is not None:
        said = str(failed).strip() or _failure(printed[0]) or type(failed).__name__
        raise MilepostError(f"Zensical failed: {said}")
    return warnings_in(printed[0])


# --- the last site built, kept ------------------------------------------------------------------



def _files_under(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.is_file())


def _config_sources(config_file: Path) -> list[Path]:
    """The files a config draws on besides the scratch folder: the configs it INHERITs, and
    every file of each theme override folder (custom_dir) they name."""
    found: list[Path] = []
    config: Path | None = config_file
    while config is not None and config.is_file() and config not in found:
        found.append(config)
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        theme = data.get("theme") if isinstance(data, dict) else None
        custom = theme.get("custom_dir") if isinstance(theme, dict) else None
        if isinstance(custom, str):
            found += _files_under(config.parent / custom)
        inherit = data.get("INHERIT") if isinstance(data, dict) else None
        config = config.parent / inherit if isinstance(inherit, str) else None
    return found


def fingerprint(work: Path, config_file: Path, *code: Path) -> str:
    """Everything a site is built from: the scratch folder's files (pages, assets, the
    config), the configs and theme overrides the config draws on, the build's date, the
    Zensical release, and `code` (Milepost's own files that change the site)."""
    digest = hashlib.sha256(importlib.metadata.version(PACKAGE).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    kept = [p for p in _files_under(work)
            if p.relative_to(work).parts[0] not in (KEPT_SITE, CACHE_NAME)]
    for path in [*kept, *_config_sources(config_file), *code]:
        digest.update(str(path.relative_to(work) if path.is_relative_to(work) else path).encode())
        digest.update(b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def reuse(cache: Path, key: str, site: Path) -> list[str] | None:
    """The kept site copied to `site` and its warnings, when it was built from exactly the
    same (`key`); else None."""
    about = cache / KEPT_ABOUT
    try:
        kept = json.loads(about.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("fingerprint") != key:
        return None
    shutil.copytree(cache / KEPT_SITE, site)
    return [str(w) for w in kept.get("warnings", [])]


def keep(cache: Path, key: str, site: Path, warnings: list[str]) -> None:
    """Keep `site` and its warnings as the last site built from `key` (replacing the one
    kept before; a reader of the cache sees the old pair or the new one)."""
    (cache / KEPT_ABOUT).unlink(missing_ok=True)  # the old pair is void from here on
    fresh = cache / f".{KEPT_SITE}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site, fresh)
    shutil.rmtree(cache / KEPT_SITE, ignore_errors=True)
    os.replace(fresh, cache / KEPT_SITE)
    about = cache / f".{KEPT_ABOUT}.new-{os.getpid()}"
    about.write_text(json.dumps({"fingerprint": key, "warnings": warnings}), encoding="utf-8")
    os.replace(about, cache / KEPT_ABOUT)
