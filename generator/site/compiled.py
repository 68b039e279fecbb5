"""Compiled templates, kept between builds and between processes: Milepost's page templates
and the theme's, which MkDocs receives through its own `on_env` event.

Compiling the templates is a good part of a small site's build (Material's alone are about a
fifth of a one-year client's), and every `milepost build` is a new process, so the compiled
code is kept on disk, in the user's cache folder ($XDG_CACHE_HOME/milepost, else
~/.cache/milepost), never in the output. Without a usable cache folder it is kept for the
process only. This module imports MkDocs only when a build hands the cache to it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache

if TYPE_CHECKING:
    from mkdocs.plugins import BasePlugin


def cache_folder() -> Path:
    """Where compiled templates are kept: one folder per Jinja and Python version, since
    Jinja's compiled code depends on both. Material's version is not in the name: Jinja
    checks each template's source before using its compiled code, so a template that an
    upgrade changed is compiled anew (and its entry replaced)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    tag = sys.implementation.cache_tag or "python"
    return Path(root) / "milepost" / f"templates-jinja{jinja2.__version__}-{tag}"


def _settings(environment: jinja2.Environment) -> str:
    """What decides the code Jinja compiles a template to, besides its source: two
    environments that compile differently (Milepost's and the theme's) never share code."""
    finalize = environment.finalize
    return repr((
        sorted(environment.extensions), environment.block_start_string,
        environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string,
        environment.comment_end_string, environment.line_statement_prefix,
        environment.line_comment_prefix, environment.trim_blocks, environment.lstrip_blocks,
        environment.newline_sequence, environment.keep_trailing_newline,
        repr(environment.autoescape), environment.optimized, environment.is_async,
        environment.sandboxed, environment.code_generator_class.__qualname__,
        finalize is not None, getattr(finalize, "jinja_pass_arg", None),
    ))


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in memory for this process, and on disk for the next ones.

    Jinja checks each template's source against what was compiled, so an edited template
    (a repository's override, while `serve` runs) is compiled anew. Two processes may write
    the same entry at once: each writes a file of its own and renames it into place, so a
    reader finds a whole entry or none; an entry that cannot be read counts as none."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else cache_folder()
        super().__init__(str(self.folder))
        self.compiled: dict[str, bytes] = {}
        self.on_disk = True  # until the folder turns out not to be writable

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        return super().get_bucket(environment, f"{_settings(environment)}\0{name}", filename,
                                  source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
            return
        if self.on_disk:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry: compile again, and write it anew
                bucket.reset()
            if bucket.code is not None:
                self.compiled[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()
        if self.on_disk:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:  # read-only home, full disk: keep it for this process only
                self.on_disk = False


COMPILED = CompiledTemplates()


def keep_compiled() -> BasePlugin:
    """A MkDocs plugin that gives the theme's Jinja environment the compiled templates.
    MkDocs makes a new environment for every build and fires `on_env` after making it and
    before it loads any template, so nothing is compiled twice."""
    from mkdocs.plugins import BasePlugin

    class KeepCompiled(BasePlugin):
        def on_env(self, env: jinja2.Environment, /, *, config: Any,
                   files: Any) -> jinja2.Environment:
            env.bytecode_cache = COMPILED
            return env

    return KeepCompiled()
