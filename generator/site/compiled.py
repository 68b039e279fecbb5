"""The theme's templates, compiled once per process and handed to every MkDocs build through
MkDocs' own `on_env` event. Imported only by a build: it imports MkDocs."""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.plugins import BasePlugin


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates, compiled once per process: MkDocs makes a new Jinja
    environment for every build, which compiles Material's templates again (about a fifth
    of a one-year client's build). Jinja checks each template's source against what was
    compiled, so an edited template is compiled anew; the key includes the environment's
    settings, so two environments that compile differently never share code."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        settings = (sorted(environment.extensions), environment.block_start_string,
                    environment.variable_start_string, environment.comment_start_string,
                    environment.line_statement_prefix, environment.trim_blocks,
                    environment.lstrip_blocks, environment.newline_sequence,
                    environment.keep_trailing_newline, repr(environment.autoescape))
        return super().get_bucket(environment, f"{settings!r}\0{name}", filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


class KeepCompiled(BasePlugin):
    """Gives the theme's Jinja environment the compiled templates. MkDocs fires `on_env` after
    making the environment and before it loads any template, so nothing is compiled twice."""

    def on_env(self, env: jinja2.Environment, /, *, config: Any, files: Any) -> jinja2.Environment:
        env.bytecode_cache = COMPILED
        return env
