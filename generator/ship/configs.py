"""Configuration files from templates: the pipelines `init-ci` writes (content/ci/) and the
nginx and Caddy configurations `host` writes (content/hosting/).

A template only lays out: what a file says (every name, path and choice) comes in a view that
Python filled, with each value already quoted for its place (YAML, shell, nginx, Caddy, HTML).
Two guards keep a template from becoming a way to add lines to a configuration: a value may
not span lines unless Python built it as `Lines`, and a name the template asks for that the
view does not have is an error, never an empty string.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import jinja2

from generator.problems import MilepostError
from generator.site.render import CONTENT

FOLDERS = ("ci", "hosting")  # in content/: a template is named "ci/github.yml.j2"


class Lines(str):
    """Text of several lines that Python laid out and quoted for its place (a page in an
    nginx string, a Caddy token over several lines): the only kind of value that may hold a
    line break."""

    __slots__ = ()


def _is_html(name: str | None) -> bool:
    return bool(name) and str(name).endswith(".html.j2")


@functools.cache
def environment() -> jinja2.Environment:
    """One environment for every configuration template, compiled once per process.

    Delimiters are [[ value ]], [% block %] and [# comment #]: GitHub's workflows use
    `${{ … }}` themselves, and neither shell, YAML, nginx nor Caddy writes `[[`, `[%` or
    `[#`, so a template reads like the file it writes. HTML (the refusal page) is escaped;
    nothing else is, as each value comes quoted for its own syntax."""
    return jinja2.Environment(
        loader=jinja2.PrefixLoader({folder: jinja2.FileSystemLoader(CONTENT / folder)
                                    for folder in FOLDERS}),
        block_start_string="[%", block_end_string="%]",
        variable_start_string="[[", variable_end_string="]]",
        comment_start_string="[#", comment_end_string="#]",
        autoescape=_is_html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, view: Any) -> str:
    """The file `template` writes for `view`, once every value of the view is checked to
    stay on its line."""
    _check_lines(view, type(view).__name__, template)
    return environment().get_template(template).render(view=view)


def _check_lines(value: Any, where: str, template: str) -> None:
    """A line break in a value would start a configuration line of its own: only `Lines`
    may hold one."""
    if isinstance(value, Lines):
        return
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            raise MilepostError(f"{where} holds a line break, which would start a line of "
                                f"its own in {template}: {value[:60]!r}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _check_lines(getattr(value, f.name), f"{where}.{f.name}", template)
    elif isinstance(value, (tuple, list)):
        for k, item in enumerate(value):
            _check_lines(item, f"{where}[{k}]", template)
