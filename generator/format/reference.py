"""The documentation's Fields page, generated from `records.py` (the same source as validation
and the JSON Schemas): `python -m generator.reference` writes it with the other reference
pages; a test keeps it in step."""

from __future__ import annotations

import dataclasses
import re
import typing
from types import NoneType, UnionType
from typing import Any

from generator.format import records as r
from generator.format.schema import type_schema, whole
from generator.format.validate import ID_PATTERN

# Each file's section: its anchor (fixed: error messages and other pages link to them) and
# what it holds. In the order a PM meets the files.
FILE_SECTIONS = {
    "client.yml": ("client-yml", "client.yml", "Who the client is and how the project is run. "
                   "Required: a client folder without it is refused."),
    "roadmap.yml": ("roadmap-yml", "roadmap.yml", "Milestones, their deliverables, and the "
                    "tasks that wait on the client."),
    "decisions": ("decisions", "decisions/", "One decision record per file, e.g. "
                  "decisions/DR-001.yml."),
    "signoffs.yml": ("signoffs-yml", "signoffs.yml", "The sign-off history, oldest first: one "
                     "entry per answer the client gave."),
    "changes.yml": ("changes-yml", "changes.yml", "Change requests: scope added, removed or "
                    "changed after the plan."),
    "risks.yml": ("risks-yml", "risks.yml", "The risk register."),
    "updates": ("updates", "updates/", "One status update per file, named after its date, "
                "e.g. updates/2026-03-02.yml."),
    "feedback.yml": ("feedback-yml", "feedback.yml", "The client's ratings and comments, and "
                     "our responses."),
}

INTRO = """\
# Fields

Every field of every file in a client's folder, generated from the code that validates them:
this page cannot differ from what `milepost validate` accepts. A field marked *required* must
be given; every other field may be left out.

Each file's first line may point an editor at its JSON Schema (written by `milepost schema`),
so that the editor completes and checks these fields as you type:
`# yaml-language-server: $schema=../../schemas/client.schema.json`.

Words used for a field's type, after its name:

- **text**: one line of text, kept exactly as written (`version: 1.10` stays 1.10).
- **Markdown**: text that may hold Markdown (lists, links, emphasis); raw HTML is not shown.
- **ID**: a short name other records refer to: a letter, then letters, digits, `-`, `_` or
  `.` (e.g. `M1`, `DR-001`).
- **date YYYY-MM-DD**: a date such as `2026-09-30`.
- **a | b**: exactly one of the values listed.
- **list of …**: one `- item` per line, or `[A, B]` on one line.
"""


def _anchor_of(file_id: str, record_type: type) -> str:
    return f"{file_id}-{record_type.__name__.lower()}"


def _type_words(hint: Any, file_id: str) -> str:
    schema = type_schema(hint)
    if "enum" in schema:
        return " | ".join(f"`{v}`" for v in schema["enum"])
    if schema.get("type") == "array":
        item = typing.get_args(_without_none(hint))
        inner = item[0] if item else None
        if isinstance(inner, type) and _is_record(inner):
            return f"list of [{inner.__name__}](#{_anchor_of(file_id, inner)})"
        return f"list of {_type_words(inner, file_id) if inner is not None else 'text'}"
    if schema.get("type") == "object" and "additionalProperties" in schema and not isinstance(
            schema["additionalProperties"], bool):
        return "term: meaning pairs"
    if schema.get("type") == "object":
        base = _without_none(hint)
        return f"[{base.__name__}](#{_anchor_of(file_id, base)})"
    if schema.get("format") == "date":
        return "date YYYY-MM-DD"
    if schema.get("type") == "integer":
        return f"whole number {schema['minimum']}–{schema['maximum']}"
    if schema.get("type") == "number":
        return "number ≥ 0"
    if schema.get("type") == "boolean":
        return "`true` | `false`"
    if schema.get("pattern") == whole(ID_PATTERN):
        return "ID"
    marker = _marker(_without_none(hint))
    return "Markdown" if marker == r.MARKDOWN else "text"


def _without_none(hint: Any) -> Any:
    """`X | None` as X (a field that may be left out); any other type as it is."""
    if typing.get_origin(hint) in (UnionType, typing.Union):
        return next(a for a in typing.get_args(hint) if a is not NoneType)
    return hint


def _marker(hint: Any) -> str | None:
    return hint.__metadata__[0] if typing.get_origin(hint) is typing.Annotated else None


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _required(spec: dataclasses.Field) -> bool:
    return spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING


def plain(text: str) -> str:
    """Text written for a terminal, as Markdown: what is in backticks stays code; elsewhere
    the characters Markdown would take as formatting, a link or an HTML tag are shown as
    written (`<abc@mail.example>` would become a mail link, `_agency/, … _x` emphasis)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(part if part.startswith("`") else re.sub(
        r"([\\*_\[\]])", r"\\\1", part).replace("<", "&lt;") for part in parts)


def _field_entry(spec: dataclasses.Field, hint: Any, file_id: str) -> list[str]:
    """One field as a definition: its name, whether it is required and its type, then what
    it means (a list reads on a phone where a three-column table would not)."""
    required = " *(required)*" if _required(spec) else ""
    return [f"`{spec.name}`{required} · {_type_words(hint, file_id)}",
            f":   {plain(spec.metadata['doc'])}", ""]


def field_list(record_type: type, file_id: str) -> list[str]:
    """One record type's fields, each with its type and meaning."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    return [line for spec in r.public_fields(record_type)
            for line in _field_entry(spec, hints[spec.name], file_id)]


def nested_records(record_type: type) -> list[type]:
    """The record types that stand inside `record_type`, at any depth, in field order."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    found: list[type] = []
    for spec in r.public_fields(record_type):
        for inner in _records_in(hints[spec.name]):
            found += [t for t in [inner, *nested_records(inner)] if t not in found]
    return found


def _records_in(hint: Any) -> list[type]:
    if typing.get_origin(hint) is typing.Annotated:
        hint = hint.__origin__
    if _is_record(hint):
        return [hint]
    return [t for a in typing.get_args(hint) for t in _records_in(a)]


def _doc(record_type: type) -> str:
    return " ".join((record_type.__doc__ or "").split())


def file_section(kind: str) -> list[str]:
    """One file's section: its own fields, then each record that stands inside it."""
    file_id, title, about = FILE_SECTIONS[kind]
    record_type, is_list = r.FILE_KINDS[kind]
    holds = ("A list: each item starts with `- ` and has these fields." if is_list
             else "Each file's fields:" if title.endswith("/") else "The file's fields:")
    lines = [f"## {title} {{#{file_id}}}", "", about, "", holds, "",
             *field_list(record_type, file_id)]
    for inner in nested_records(record_type):
        lines += [f"### {inner.__name__} {{#{_anchor_of(file_id, inner)}}}", "", plain(_doc(inner)),
                  "",
                  *field_list(inner, file_id)]
    return lines


def fields_page() -> str:
    """The whole Fields page, as Markdown."""
    lines = [INTRO]
    for kind in FILE_SECTIONS:
        lines += file_section(kind)
    return "\n".join(lines).rstrip() + "\n"


def field_count() -> int:
    """How many fields the page describes (each record type's fields once)."""
    types = {t for kind in FILE_SECTIONS for t in
             [r.FILE_KINDS[kind][0], *nested_records(r.FILE_KINDS[kind][0])]}
    return sum(len(r.public_fields(t)) for t in types)
