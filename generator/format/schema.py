"""JSON Schema for each file kind, generated from `records.py` for editors (VS Code YAML)."""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from datetime import date
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Literal

from generator.format import records as r
from generator.format.validate import DATE_PATTERN, ID_PATTERN, MAX_AMOUNT, TEXT_LIMITS

SCHEMA_FILES = {
    "client.yml": "client.schema.json",
    "roadmap.yml": "roadmap.schema.json",
    "decisions": "decision.schema.json",
    "signoffs.yml": "signoffs.schema.json",
    "changes.yml": "changes.schema.json",
    "risks.yml": "risks.schema.json",
    "updates": "update.schema.json",
    "feedback.yml": "feedback.schema.json",
}


def whole(pattern: re.Pattern[str]) -> str:
    """A pattern that Python checks with fullmatch, as a JSON Schema pattern: those are
    ECMAScript regular expressions found anywhere in the text unless anchored (and there `$`
    is the end of the text; Python's `$` also matches before a final line break)."""
    return f"^{pattern.pattern}$"


def type_schema(hint: Any) -> dict[str, Any]:
    marker = None
    if typing.get_origin(hint) is typing.Annotated:
        hint, marker = hint.__origin__, hint.__metadata__[0]
    origin = typing.get_origin(hint)
    if origin in (UnionType, typing.Union):
        return type_schema(next(a for a in typing.get_args(hint) if a is not NoneType))
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if origin is list:
        return {"type": "array", "items": type_schema(typing.get_args(hint)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": type_schema(typing.get_args(hint)[1])}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return record_schema(hint)
    if hint is bool:
        return {"type": "boolean"}
    if hint is date:
        return {"type": "string", "format": "date", "pattern": whole(DATE_PATTERN)}
    if hint is float and marker == r.SCORE:  # what `validate` accepts, so editors flag 0 or 4.5
        return {"type": "integer", "minimum": 1, "maximum": 5}
    if hint is float:
        return {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT}
    schema: dict[str, Any] = {"type": "string", "minLength": 1,
                              "maxLength": TEXT_LIMITS.get(marker or r.TEXT, TEXT_LIMITS[r.TEXT])}
    if marker == r.ID:
        schema["pattern"] = whole(ID_PATTERN)
    if marker == r.EMAIL:
        schema["format"] = "email"
    if marker == r.URL:
        schema.update(format="uri", pattern=r"^https?://")
    return schema


def record_schema(record_type: type) -> dict[str, Any]:
    hints = typing.get_type_hints(record_type, include_extras=True)
    properties: dict[str, Any] = {}
    required = []
    for spec in r.public_fields(record_type):
        prop = type_schema(hints[spec.name])
        prop["description"] = spec.metadata["doc"]
        properties[spec.name] = prop
        if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            required.append(spec.name)
    properties["internal_notes"] = {
        "type": "string", "description": "Notes for the agency only: never shown to the client"}
    schema: dict[str, Any] = {
        "type": "object",
        "description": (record_type.__doc__ or "").strip(),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def file_schema(kind: str) -> dict[str, Any]:
    record_type, is_list = r.FILE_KINDS[kind]
    body = record_schema(record_type)
    if is_list:
        body = {"type": "array", "description": f"A list of records: {body['description']}",
                "items": body}
    return {"$schema": "http://json-schema.org/draft-07/schema#",
            "title": f"Milepost {kind}", **body}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in SCHEMA_FILES.items():
        path = out / name
        path.write_text(json.dumps(file_schema(kind), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
