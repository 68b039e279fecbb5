"""README's field reference, generated from `records.py` (the same source as validation and the
JSON Schemas): `python -m generator.format.reference` rewrites it; a test keeps it in step."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from types import NoneType, UnionType
from typing import Any

from generator.format import records as r
from generator.format.schema import type_schema, whole
from generator.format.validate import ID_PATTERN

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"(<!-- format:start -->\n).*?(<!-- format:end -->)", re.S)


FILE_TITLES = {
    "client.yml": "client.yml (required): who the client is",
    "roadmap.yml": "roadmap.yml: milestones and client tasks",
    "decisions": "decisions/*.yml: one decision record per file",
    "signoffs.yml": "signoffs.yml: the sign-off history (a list, oldest first)",
    "changes.yml": "changes.yml: change requests (a list)",
    "risks.yml": "risks.yml: the risk register (a list)",
    "updates": "updates/*.yml: one status update per file",
    "feedback.yml": "feedback.yml: the client's ratings and comments, and our responses (a list)",
}


def _type_words(hint: Any) -> str:
    schema = type_schema(hint)
    if "enum" in schema:
        return " \\| ".join(schema["enum"])
    if schema.get("type") == "array":
        item = typing.get_args(typing.get_args(hint)[0] if typing.get_origin(hint) in (
            UnionType, typing.Union) else hint)
        inner = item[0] if item else None
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            return f"list of {inner.__name__}"
        return f"list of {_type_words(inner) if inner is not None else 'text'}"
    if schema.get("type") == "object" and "additionalProperties" in schema and not isinstance(
            schema["additionalProperties"], bool):
        return "term: meaning pairs"
    if schema.get("type") == "object":
        base = hint
        if typing.get_origin(base) in (UnionType, typing.Union):
            base = next(a for a in typing.get_args(base) if a is not NoneType)
        return base.__name__
    if schema.get("format") == "date":
        return "date YYYY-MM-DD"
    if schema.get("type") == "integer":
        return f"whole number {schema['minimum']}–{schema['maximum']}"
    if schema.get("type") == "number":
        return "number ≥ 0"
    if schema.get("type") == "boolean":
        return "true \\| false"
    if schema.get("pattern") == whole(ID_PATTERN):
        return "ID"
    marker = hint.__metadata__[0] if typing.get_origin(hint) is typing.Annotated else None
    if typing.get_origin(hint) in (UnionType, typing.Union):
        inner = next(a for a in typing.get_args(hint) if a is not NoneType)
        marker = inner.__metadata__[0] if typing.get_origin(inner) is typing.Annotated else None
    return "Markdown" if marker == r.MARKDOWN else "text"


def _record_table(record_type: type) -> list[str]:
    hints = typing.get_type_hints(record_type, include_extras=True)
    lines = [f"**{record_type.__name__}**: {(record_type.__doc__ or '').strip()}", "",
             "| field | type | required | meaning |", "| --- | --- | --- | --- |"]
    nested = []
    for spec in r.public_fields(record_type):
        required = spec.default is dataclasses.MISSING and (
            spec.default_factory is dataclasses.MISSING)
        words = _type_words(hints[spec.name])
        lines.append(f"| `{spec.name}` | {words} | {'yes' if required else ''} | "
                     f"{spec.metadata['doc']} |")
        nested += [t for t in _nested_records(hints[spec.name]) if t not in nested]
    lines.append("")
    for t in nested:
        lines += _record_table(t)
    return lines


def _nested_records(hint: Any) -> list[type]:
    if typing.get_origin(hint) is typing.Annotated:
        hint = hint.__origin__
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return [hint]
    return [t for a in typing.get_args(hint) for t in _nested_records(a)]


def format_reference() -> str:
    """The file format as Markdown tables, one section per file kind."""
    lines = []
    for kind, title in FILE_TITLES.items():
        record_type, _ = r.FILE_KINDS[kind]
        lines += [f"#### {title}", "", *_record_table(record_type)]
    return "\n".join(lines).rstrip() + "\n"


def readme_with_reference(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + format_reference() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(readme_with_reference(README.read_text(encoding="utf-8")),
                      encoding="utf-8")
    print(f"updated {README.name}")
