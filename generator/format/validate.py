"""Stage 2, validate: turn node trees into typed records and check them against each other.

Every problem is collected, never raised: a PM fixes a whole file in one go.
`read_client_records` checks the shape of each file against `records.py`; a record with a
shape error of its own is left out and remembered as `Unreadable`, and everything else is
kept, so that `checks.py` can check what the readable records say about each other in the
same run.
"""

from __future__ import annotations

import calendar
import dataclasses
import difflib
import enum
import functools
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Final, Literal, TypeGuard

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.format import records as r
from generator.format.load import ClientFiles, YamlFile, read_client
from generator.problems import Problem, Severity

# Terms that python-markdown's abbr always takes as a definition. A line it refused would
# stay on the page as a paragraph, raw: so anything else is left out (validation refuses it).
GLOSSARY_TERM = re.compile(r"[\w][\w .&'’+/-]*")
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# An absolute web address with a host, nothing that would need quoting in a link or a header.
URL_PATTERN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?"
                         r"(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
INT_PATTERN = re.compile(r"[-+]?[0-9]+")
FLOAT_PATTERN = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
NULLS = ("", "~", "null", "Null", "NULL")

# Limits that keep every accepted file cheap to build and every name usable as a file name.
# They are generous: a real record is far below each of them.
TEXT_LIMITS = {r.ID: 64, r.EMAIL: 254, r.TEXT: 1_000, r.MARKDOWN: 20_000}
TERM_LIMIT = 100  # a glossary term
MARKDOWN_LINES = 400
# Python-Markdown's cost grows with the square of the number of formatting marks in a block
# (each one rebuilds the text around it): a bound on them keeps rendering linear.
MARKDOWN_MARKS = 2_000
MARKS = re.compile(r"[*_`\\\[\]>!|]")
# Lines that open one list or quote inside another (`- - - x`, `1. 1. 1.`, `> - >`) nest
# as deep as they repeat; Python-Markdown recurses once per level.
NESTED_MARKERS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|[ \t]*>)+", re.M)
MARKDOWN_NESTING = 8
# Dates: far enough on both sides for any project; date arithmetic (a forecast plus days,
# a calendar feed) stays well inside what Python's dates can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_AMOUNT = 1e12  # money or days; sums of many such amounts stay exact enough and finite
# Control characters (ESC, BEL, ...) would act on the terminal that prints a message or on
# the page; tab and line breaks are ordinary white space.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
YAML11_BOOLS = ("yes", "no", "on", "off", "y", "n")


class _Invalid(enum.Enum):
    """A value that was refused (its problem is already recorded). A type of its own, so a
    checked `value is INVALID` leaves the value its real type, not `object`."""

    INVALID = "invalid"


INVALID: Final = _Invalid.INVALID


@dataclass(frozen=True)
class Unreadable:
    """A record left out for a shape error of its own, or in a file that could not be read:
    what the checks of the other records still need to know about it."""

    kind: type           # its record type, e.g. records.Milestone
    id: str | None       # its ID (a team member: the name), if that much could be read
    where: r.Where       # where it is written


@dataclass
class ClientRecords:
    """Everything one client folder says, as typed records, internal ones included.

    Only the records that could be read are here; `unreadable` names the others. While it
    names any, or `client` is None (client.yml missing or unreadable), the client has errors
    and no model may be built from these records."""

    slug: str
    folder: Path
    client: r.Client | None
    roadmap: r.Roadmap = field(default_factory=r.Roadmap)
    decisions: list[r.Decision] = field(default_factory=list)
    signoffs: list[r.Signoff] = field(default_factory=list)
    changes: list[r.Change] = field(default_factory=list)
    risks: list[r.Risk] = field(default_factory=list)
    updates: list[r.Update] = field(default_factory=list)
    feedback: list[r.Feedback] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every record of the folder could be read."""
        return self.client is not None and not self.unreadable

    def left_out(self, kind: type) -> list[Unreadable]:
        """The records of one kind that could not be read."""
        return [u for u in self.unreadable if u.kind is kind]


# The field that names a record of each kind when others refer to it.
KEY_FIELDS = {r.Contact: "name", r.Milestone: "id", r.Deliverable: "id", r.ClientTask: "id",
              r.Decision: "id", r.Change: "id", r.Risk: "id"}


@functools.cache
def _record_types(record_type: type) -> tuple[type, ...]:
    """A record type and every record type that can stand inside it (a milestone's
    deliverables, a client's team)."""
    found = [record_type]
    hints = typing.get_type_hints(record_type)
    for spec in r.public_fields(record_type):
        for inner in _inner_types(hints[spec.name]):
            if _is_record_type(inner):
                found += [t for t in _record_types(inner) if t not in found]
    return tuple(found)


def _is_record_type(hint: Any) -> TypeGuard[type]:
    """A record type (a dataclass itself, not one of its values)."""
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _inner_types(hint: Any) -> list[Any]:
    args = typing.get_args(hint)
    return [hint, *(t for a in args for t in _inner_types(a))] if args else [hint]


def _lost(record_type: type, where: r.Where) -> list[Unreadable]:
    """Nothing could be read where records of `record_type` stand: how many there are and
    their IDs are unknown, and so are those of every kind that can stand inside them."""
    return [Unreadable(kind, None, where) for kind in _record_types(record_type)]


def _left_out_inside(value: Any) -> Iterator[Unreadable]:
    """Records that were read but stand inside a record that is left out: they are left out
    with it (a deliverable is public only if its milestone is), their IDs still known."""
    if isinstance(value, list):
        for item in value:
            yield from _left_out_inside(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        key = KEY_FIELDS.get(type(value))
        where: r.Where = value.where  # type: ignore[attr-defined]  # every record has one
        yield Unreadable(type(value), getattr(value, key) if key else None, where)
        for spec in r.public_fields(type(value)):
            yield from _left_out_inside(getattr(value, spec.name))


# --- shape: nodes to records ------------------------------------------------------------

@functools.cache
def _shape(hint: Any) -> tuple[str, Any, str | None]:
    """How a field of type `hint` is read: its kind, what the kind needs (the type inside,
    the values allowed) and its marker (r.ID, r.EMAIL...). Worked out once per type: a
    three-year client has thousands of fields, and taking a type apart is slow."""
    marker = None
    if typing.get_origin(hint) is typing.Annotated:
        hint, marker = hint.__origin__, hint.__metadata__[0]
    origin = typing.get_origin(hint)
    if origin in (UnionType, typing.Union):
        return "optional", [a for a in typing.get_args(hint) if a is not NoneType][0], marker
    if origin is Literal:
        return "choice", typing.get_args(hint), marker
    if origin is list:
        return "sequence", typing.get_args(hint)[0], marker
    if origin is dict:
        return "mapping", typing.get_args(hint)[1], marker
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return "record", hint, marker
    if hint is bool:
        return "boolean", None, marker
    if hint is date:
        return "date", None, marker
    if hint is float:
        return "amount", None, marker
    return "text", None, marker


def _no_such_day(value: str) -> str:
    """Why a date written YYYY-MM-DD does not exist: the month, or the day in that month."""
    year, month, day = (int(part) for part in value.split("-"))
    if year < 1:
        return "there is no year 0000"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months are 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    return (f"{calendar.month_name[month]} {year} has {days} days" if day > days else
            "days start at 01")


class _Reader:
    """Converts one file's nodes into records, collecting problems as it goes."""

    def __init__(self, yaml_file: YamlFile) -> None:
        self.file = yaml_file
        self.problems: list[Problem] = []
        self.unreadable: list[Unreadable] = []

    def lost(self, record_type: type, node: Node, path: str) -> object:
        self.unreadable += _lost(record_type, r.Where(self.file.shown, path,
                                                      {"": _mark(node)}))
        return INVALID

    def error(self, node: Node, path: str, message: str,
              severity: Severity = "error") -> _Invalid:
        self.problems.append(self.file.problem(node, path, message, severity))
        return INVALID

    def convert(self, node: Node, hint: Any, path: str) -> Any:
        kind, inner, marker = _shape(hint)
        if kind == "optional":
            return None if _is_null(node) else self.convert(node, inner, path)
        if kind == "choice":
            return self.choice(node, inner, path)
        if kind == "sequence":
            return self.sequence(node, inner, path)
        if kind == "mapping":
            return self.mapping(node, inner, path)
        if kind == "record":
            return self.record(node, inner, path)
        if kind == "boolean":
            return self.boolean(node, path)
        if kind == "date":
            return self.date(node, path)
        if kind == "amount":
            return self.amount(node, path)
        return self.text(node, marker, path)

    def scalar(self, node: Node, path: str, wanted: str) -> str | _Invalid:
        if isinstance(node, ScalarNode):
            return node.value
        found = "a list" if isinstance(node, SequenceNode) else "a mapping (key: value pairs)"
        return self.error(node, path, f"expected {wanted}, found {found}")

    def text(self, node: Node, marker: str | None, path: str) -> Any:
        if isinstance(node, MappingNode):
            return self.error(node, path, "expected text, found a mapping (key: value pairs)"
                              + _colon_hint(node, path))
        value = self.scalar(node, path, "text")
        if value is INVALID:
            return value
        if _is_null(node) or not value.strip():
            return self.error(node, path, "is empty: give a value, or remove the field")
        # Plain scalars are kept exactly as written: `version: 1.10` stays "1.10".
        refused = _control_character(value) or too_long(value, marker)
        if refused:
            return self.error(node, path, refused)
        if marker == r.ID and not ID_PATTERN.fullmatch(value):
            return self.error(node, path, f"'{value}' is not a valid ID: start with a letter, "
                              "then use letters, digits, '-', '_' or '.' (e.g. M1, DR-001)")
        if marker == r.EMAIL and not EMAIL_PATTERN.fullmatch(value):
            return self.error(node, path, f"'{value}' is not an email address")
        if marker == r.URL and not URL_PATTERN.fullmatch(value):
            return self.error(node, path, f"'{value}' is not a web address: write it in full, "
                              "e.g. https://projects.example.com/acme/")
        return value

    def choice(self, node: Node, allowed: tuple[str, ...], path: str) -> Any:
        value = self.scalar(node, path, f"one of {', '.join(allowed)}")
        if value is INVALID or value in allowed:
            return value
        message = f"'{value}' is not allowed here (expected one of: {', '.join(allowed)})"
        if _style(node) is None and value.lower() in (*YAML11_BOOLS, "true", "false"):
            message += "; it is not a yes/no field"
        return self.error(node, path, message + _did_you_mean(value, allowed))

    def boolean(self, node: Node, path: str) -> Any:
        value = self.scalar(node, path, "true or false")
        if value is INVALID:
            return value
        if _style(node) is None and value in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return value.lower() == "true"
        return self.error(node, path, f"'{value}' is not true or false: write true or false")

    def date(self, node: Node, path: str) -> Any:
        value = self.scalar(node, path, "a date (YYYY-MM-DD)")
        if value is INVALID:
            return value
        if not DATE_PATTERN.fullmatch(value):
            return self.error(node, path, f"'{value}' is not a date (expected YYYY-MM-DD, "
                              "e.g. 2026-09-30)")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return self.error(node, path, f"'{value}' is not a real date: {_no_such_day(value)}")
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return self.error(node, path, f"{value} is outside the years Milepost accepts "
                              f"({FIRST_YEAR} to {LAST_YEAR}): is the year right?")
        return day

    def amount(self, node: Node, path: str) -> Any:
        value = self.scalar(node, path, "a number")
        if value is INVALID:
            return value
        if _style(node) is not None:
            if INT_PATTERN.fullmatch(value) or FLOAT_PATTERN.fullmatch(value):
                return self.error(node, path, f"expected a number, found the text '{value}': "
                                  "remove the quotes")
            return self.error(node, path, f"expected a number, found '{value}'")
        if not (INT_PATTERN.fullmatch(value) or FLOAT_PATTERN.fullmatch(value)):
            hint = ": write digits only, without separators or currency" if re.search(
                r"\d", value) else ""
            return self.error(node, path, f"expected a number, found '{value}'{hint}")
        # float() reads any length of digits (int() refuses over 4,300) and gives inf for
        # 1e999; whole numbers are kept as int so they print as written.
        number: float = float(value)
        shown = value if len(value) <= 30 else f"{value[:12]}…({len(value):,} characters)"
        if number < 0:
            return self.error(node, path, f"{shown} is negative: amounts and days are 0 or "
                              "more")
        if number == float("inf"):  # e.g. 1e999: too big for a float
            return self.error(node, path, f"{shown} is too large a number")
        if number > MAX_AMOUNT:
            return self.error(node, path, f"{shown} is too large: amounts and days may be "
                              f"at most {MAX_AMOUNT:,.0f}")
        return int(number) if INT_PATTERN.fullmatch(value) else number

    def sequence(self, node: Node, item: Any, path: str) -> Any:
        if _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, path, "expected a list (one '- item' per line, or [A, B])")
            return self.lost(item, node, path) if _is_record_type(item) else INVALID
        items = [self.convert(child, item, f"{path}[{i}]") for i, child in enumerate(node.value)]
        if dataclasses.is_dataclass(item):
            # A record with a shape error is left out (and known as unreadable); the records
            # around it stay, so that what they say can be checked in the same run.
            return [x for x in items if x is not INVALID]
        return items if INVALID not in items else INVALID

    def mapping(self, node: Node, item: Any, path: str) -> Any:
        if _is_null(node):
            return {}
        if not isinstance(node, MappingNode):
            return self.error(node, path, "expected key: value pairs")
        result = {}
        for key, value in node.value:
            name = self.scalar(key, path, "a key")
            if name is INVALID:
                continue
            if name == "internal_notes":
                self.internal_notes(value, _join(path, name))
                continue
            if _looks_like_internal_notes(name):
                self.error(key, path, f"'{name}' looks like internal_notes, but glossary terms "
                           "are published: write internal_notes to keep a note for the "
                           "agency, or choose another term")
                result[name] = INVALID
                continue
            if len(name) > TERM_LIMIT:
                self.error(key, path, f"a glossary term of {len(name):,} characters is too "
                           f"long: a term may have at most {TERM_LIMIT}")
                result[name] = INVALID
                continue
            if not GLOSSARY_TERM.fullmatch(name):
                self.error(key, path, f"'{name}' cannot be a glossary term: use letters, "
                           "digits, spaces and . & ' + / - (starting with a letter or digit)")
                result[name] = INVALID
                continue
            result[name] = self.convert(value, item, _join(path, name))
        return result if INVALID not in result.values() else INVALID

    def internal_notes(self, node: Node, path: str) -> None:
        """Agency-only text, in any mapping: checked to be text, then dropped so it can never
        render."""
        if not isinstance(node, ScalarNode):
            self.error(node, path, "expected text")

    def record(self, node: Node, record_type: type, path: str) -> Any:
        if not isinstance(node, MappingNode):
            what = "a list" if isinstance(node, SequenceNode) else f"'{node.value}'"
            kind = record_type.__name__.lower()
            self.error(node, path, f"expected a {kind} (key: value pairs), found {what}")
            return self.lost(record_type, node, path)
        fields = _fields(record_type)
        hints = _hints(record_type)
        values: dict[str, Any] = {}
        meant: set[str] = set()  # fields an unknown key was taken for: said once, not twice
        twice: set[str] = set()
        marks = {"": _mark(node)}
        for key, value in node.value:
            name = self.scalar(key, path, "a field name")
            if name is INVALID:
                continue
            key_path = _join(path, name)
            if name == "internal_notes":
                self.internal_notes(value, key_path)
                continue
            if name not in fields:
                self.error(key, path, _unknown_field(name, list(fields)) + _quote_hint(
                    node, key, value))
                meant.update(difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6))
                continue
            if name in values:  # given twice (said while loading): which one is meant?
                twice.add(name)
                self.unreadable += _left_out_inside(values[name])
            marks[name] = _mark(value)
            if isinstance(value, SequenceNode):
                marks.update({f"{name}[{i}]": _mark(v) for i, v in enumerate(value.value)})
            values[name] = self.convert(value, hints[name], key_path)
            if values[name] is INVALID and _optional_record(hints[name]):
                values[name] = None  # the budget, theme or estimate is left out, not this
        missing = [name for name in _required(record_type) if name not in values]
        for name in missing:
            if name not in meant:
                self.error(node, path, f"missing required field '{name}' "
                           f"({fields[name].metadata['doc']})")
        where = r.Where(self.file.shown, path, marks)
        # Left out when a field it was meant to have could not be read: a value of the wrong
        # shape, a required field missing, a key that looks like a misspelt field (what it
        # holds, a milestone's deliverables say, is not read), or a key given twice.
        if missing or meant or twice or INVALID in values.values():
            for name in meant:
                for inner in _inner_types(hints[name]):
                    if _is_record_type(inner):
                        self.unreadable += _lost(inner, where)
            key = values.get(KEY_FIELDS.get(record_type, ""))
            self.unreadable.append(Unreadable(record_type, key if isinstance(key, str) else None,
                                              where))
            self.unreadable += _left_out_inside([v for v in values.values() if v is not INVALID])
            return INVALID
        return record_type(**values, where=where)


@functools.cache
def _fields(record_type: type) -> dict[str, dataclasses.Field]:
    """A record type's fields by name, worked out once per type rather than per record."""
    return {x.name: x for x in r.public_fields(record_type)}


@functools.cache
def _required(record_type: type) -> tuple[str, ...]:
    """The fields a record of this type must have: those without a default."""
    return tuple(name for name, spec in _fields(record_type).items()
                 if spec.default is dataclasses.MISSING
                 and spec.default_factory is dataclasses.MISSING)


@functools.cache
def _hints(record_type: type) -> dict[str, Any]:
    """A record type's field types: worked out once (it is the slowest step of reading
    otherwise, done for every record of every file)."""
    return typing.get_type_hints(record_type, include_extras=True)


def _control_character(value: str) -> str | None:
    found = CONTROL.search(value)
    if found is None:
        return None
    return (f"contains the control character U+{ord(found.group()):04X} (at character "
            f"{found.start() + 1}): remove it; text may hold line breaks and tabs, but no "
            "other control characters")


def too_long(value: str, marker: str | None) -> str | None:
    """Why a text is too long or too heavily formatted to accept, or None."""
    limit = TEXT_LIMITS.get(marker or r.TEXT, TEXT_LIMITS[r.TEXT])
    kind = {r.ID: "an ID", r.MARKDOWN: "a Markdown field", r.EMAIL: "an email address"}.get(
        marker or "", "a one-line text")
    if len(value) > limit:
        return (f"is {len(value):,} characters long; {kind} may have at most {limit:,}: "
                "shorten it")
    if marker != r.MARKDOWN:
        return None
    lines = value.count("\n") + 1
    if lines > MARKDOWN_LINES:
        return (f"has {lines:,} lines; a Markdown field may have at most "
                f"{MARKDOWN_LINES:,}: shorten it or split it over records")
    marks = len(MARKS.findall(value))
    if marks > MARKDOWN_MARKS:
        return (f"has {marks:,} formatting characters (* _ ` \\ [ ] > ! |); a Markdown field "
                f"may have at most {MARKDOWN_MARKS:,}: remove formatting that is not needed")
    # Each level of nesting takes one of these characters: fewer than the limit, no search.
    if sum(map(value.count, "-*+>.)")) <= MARKDOWN_NESTING:
        return None
    for prefix in NESTED_MARKERS.finditer(value):
        depth = len(re.findall(r"[-*+>]|\d{1,9}[.)]", prefix.group()))
        if depth > MARKDOWN_NESTING:
            line = value.count("\n", 0, prefix.start()) + 1
            return (f"line {line} of the text opens {depth} lists or quotes inside each "
                    f"other; at most {MARKDOWN_NESTING} are allowed: remove the extra "
                    "'-', '1.' or '>' marks")
    return None


# --- hints for a ':' or ',' that YAML took as structure ---------------------------------

def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _colon_hint(node: MappingNode, path: str) -> str:
    """`- Sunita: please send …` is a mapping to YAML; the PM meant one text."""
    if node.flow_style or len(node.value) != 1:
        return ""
    key, value = node.value[0]
    if not (isinstance(key, ScalarNode) and isinstance(value, ScalarNode)):
        return ""
    field = path.rsplit(".", 1)[-1]
    lead = "- " if path.endswith("]") else f"{field}: "
    text = _shown(f"{key.value}: {value.value}").replace('"', '\\"')
    return f"; a ':' inside text needs quotes: write {lead}\"{text}\""


def _looks_like_words(name: str) -> bool:
    return not re.fullmatch(r"[A-Za-z0-9_]+", name)


def _quote_hint(node: MappingNode, key: Node, value: Node) -> str:
    """An unknown key like 'deposit and checkout designs' is text cut off by a ',' (in
    `{title: Basket, deposit and checkout designs}`) or a ':' (in `Note to self: call`)."""
    name = key.value if isinstance(key, ScalarNode) else ""
    if not _looks_like_words(name):
        return ""
    pairs = node.value
    at = next(i for i, (k, _) in enumerate(pairs) if k is key)
    before = pairs[at - 1] if at else None
    if node.flow_style and _is_null(value) and before and isinstance(before[1], ScalarNode):
        text = _shown(f"{before[1].value}, {name}").replace('"', '\\"')
        return (f"; a ',' inside text needs quotes: write {before[0].value}: \"{text}\"")
    if isinstance(value, ScalarNode) and not _is_null(value):
        text = _shown(f"{name}: {value.value}").replace('"', '\\"')
        return f"; if this is text, a ':' inside it needs quotes: \"{text}\""
    return ""


def _looks_like_internal_notes(name: str) -> bool:
    """'Internal notes', 'internal-notes', 'INTERNAL_NOTES': a note meant to stay internal."""
    return re.sub(r"[\s_-]+", "_", name.strip().lower()) == "internal_notes"


def _optional_record(hint: Any) -> bool:
    """`budget: Budget | None`: a record that may be absent."""
    args = typing.get_args(hint)
    return NoneType in args and any(dataclasses.is_dataclass(a) for a in args)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.style is None and node.value in NULLS


def _style(node: Node) -> str | None:
    """How a scalar was written: None when plain, else its quote or block mark."""
    return node.style if isinstance(node, ScalarNode) else None


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _did_you_mean(value: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_field(name: str, allowed: list[str]) -> str:
    hint = _did_you_mean(name, allowed)
    if hint:
        return f"unknown field '{name}'{hint}"
    return f"unknown field '{name}' (allowed: {', '.join(allowed)}, internal_notes)"


def read_file_records(yaml_file: YamlFile, name: str) -> tuple[Any, list[Problem],
                                                             list[Unreadable]]:
    """The records of one file (a record, or a list of them), the problems found and the
    records left out for their shape errors. The value is INVALID if nothing could be read."""
    record_type, is_list = r.kind_of(name)
    node = yaml_file.node
    reader = _Reader(yaml_file)
    if node is None or _is_null(node):
        if is_list or name == "roadmap.yml":
            return ([] if is_list else record_type()), [], []
        wanted = ("client.yml needs at least name, project and start" if name == "client.yml"
                  else "remove it or fill it in")
        return (INVALID, [yaml_file.problem(None, "", f"the file is empty: {wanted}")],
                _lost(record_type, r.Where(yaml_file.shown)))
    if is_list:
        if isinstance(node, MappingNode):
            reader.error(node, "", f"expected a list of {record_type.__name__.lower()} records: "
                         "start each one with '- '")
            return INVALID, reader.problems, _lost(record_type, r.Where(yaml_file.shown))
        value = reader.sequence(node, record_type, "")
    else:
        value = reader.record(node, record_type, "")
    return value, reader.problems, reader.unreadable


# --- reading a whole client ------------------------------------------------------------

def read_client_records(folder: Path, shown_root: str) -> tuple[ClientRecords, list[Problem]]:
    """Read and shape-check every file of a client folder: every record that could be read,
    the ones that could not (`unreadable`), and the problems found."""
    return records_of(read_client(folder, shown_root))


def records_of(files: ClientFiles) -> tuple[ClientRecords, list[Problem]]:
    """The records of a client's files as read (see `read_client_records`). The agency's
    reading keeps the files too, for their internal_notes."""
    folder = files.folder
    problems = list(files.problems)
    unreadable: list[Unreadable] = []
    singles: dict[str, Any] = {}
    folders: dict[str, list[Any]] = {"decisions": [], "updates": []}
    for name, shown in files.skipped.items():
        # Refused unread (a link out of the folder): like a file that cannot be read, what
        # it holds is unknown, and references to it are not called unknown.
        unreadable += _lost(r.kind_of(name)[0], r.Where(shown))
    if "client.yml" not in files.files and "client.yml" not in files.skipped:
        unreadable += _lost(r.Client, r.Where(files.slug))
    for name, yaml_file in files.files.items():
        problems += yaml_file.problems
        if yaml_file.node is None and yaml_file.problems:
            unreadable += _lost(r.kind_of(name)[0], r.Where(yaml_file.shown))
            continue
        value, found, left_out = read_file_records(yaml_file, name)
        problems += found
        unreadable += left_out
        if value is INVALID:
            continue
        folder_name = name.split("/", 1)[0]
        if folder_name in folders:
            folders[folder_name].append(value)
        else:
            singles[name] = value
    records = ClientRecords(
        slug=files.slug,
        folder=folder,
        client=singles.get("client.yml"),
        roadmap=singles.get("roadmap.yml") or r.Roadmap(),
        decisions=folders["decisions"],
        signoffs=singles.get("signoffs.yml", []),
        changes=singles.get("changes.yml", []),
        risks=singles.get("risks.yml", []),
        updates=folders["updates"],
        feedback=singles.get("feedback.yml", []),
        unreadable=unreadable,
    )
    return records, problems
