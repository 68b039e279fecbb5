"""Writing an answer into a client's YAML where a PM would have written it, keeping their
comments, order, indentation and quoting (ruamel.yaml's round trip, not a re-dump).

The new text is checked first: the client folder is copied aside with the new file, and
validated as `milepost validate` would; only a folder without errors replaces the file, in
one atomic rename. A refused answer writes nothing and is listed for the PM with the error.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from generator.format import records as r
from generator.problems import errors
from generator.project.client import read_and_check
from generator.project.model import Project
from generator.ship.inbox_decide import Applied, option_name

NEW_FEEDBACK = """\
# The client's ratings (score 1 to 5) and comments, and what we did about each (response,
# responded). `milepost inbox` adds the ratings the client sends by email.
"""
NEW_SIGNOFFS = "# The sign-off history, oldest first.\n"


@dataclass(frozen=True)
class Written:
    file: str          # relative to the client folder
    error: str = ""    # why nothing was written


def _yaml(indent: int, offset: int) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a PM's long lines
    # The same date in a record and its evidence would become an anchor and an alias, which
    # Milepost refuses: write each value out.
    y.representer.ignore_aliases = lambda *_: True
    y.indent(mapping=max(indent - offset, 2) if offset else indent, sequence=indent,
             offset=offset)
    return y


def _load(text: str) -> tuple[Any, YAML]:
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip()
                               for line in text.splitlines()):
        return None, _yaml(2, 0)
    _, indent, offset = load_yaml_guess_indent(text)  # how this PM indents
    y = _yaml(indent or 2, offset or 0)
    return y.load(text), y


def _dump(data: Any, y: YAML, head: str = "") -> str:
    out = io.StringIO()
    y.dump(data, out)
    return head + out.getvalue()


def _text(value: str) -> str:
    return LiteralScalarString(value + "\n") if "\n" in value else value


def _evidence(e: r.Evidence) -> CommentedMap:
    return CommentedMap([("message_id", e.message_id), ("sender", e.sender), ("by", e.by),
                         ("date", e.date)])


def _appended(text: str, record: CommentedMap, head: str) -> str:
    """A record added at the end of a file that holds a list."""
    data, y = _load(text)
    prefix = ""
    if data is None:  # missing, or only comments: keep them above the new list
        data, prefix = CommentedSeq(), text if text.strip() else head
    if not isinstance(data, CommentedSeq):
        raise _Refused("the file does not hold a list")
    data.fa.set_block_style()  # `[]` grows into a block list, one record per item
    data.append(record)
    return _dump(data, y, prefix)


class _Refused(Exception):
    pass


def _put(m: CommentedMap, key: str, value: Any, after: str | None = None) -> None:
    """Set a key, in place when it is there; else after `after` (or before `internal`, or
    at the end), where a PM would write it."""
    if key in m:
        m[key] = value
        return
    keys = list(m.keys())
    if after in keys:
        m.insert(keys.index(after) + 1, key, value)
    elif "internal" in keys:
        m.insert(keys.index("internal"), key, value)
    else:
        m[key] = value


def _find(items: Any, item_id: str) -> CommentedMap:
    for x in items or []:
        if isinstance(x, CommentedMap) and str(x.get("id")) == item_id:
            return x
    raise _Refused(f"{item_id} is not in the file")


def edit(folder: Path, a: Applied, p: Project) -> tuple[str, str]:
    """(file relative to the folder, its new text) for an answer. Pure but for reading."""
    ref, e, day = a.ref, a.evidence, a.evidence.date
    if ref.kind == "signoff":
        outcome = "approved" if ref.answer == "approve" else "changes-requested"
        rec = CommentedMap([("deliverable", ref.item),
                            ("version", DoubleQuotedScalarString(ref.version)),
                            ("date", day), ("by", e.by), ("outcome", outcome), ("via", "email")])
        if a.notes:
            rec["notes"] = _text(a.notes)
        rec["evidence"] = _evidence(e)
        return "signoffs.yml", _appended(_read(folder / "signoffs.yml"), rec, NEW_SIGNOFFS)
    if ref.kind == "rating":
        rec = CommentedMap([("date", day), ("by", e.by), ("about", ref.item),
                            ("score", int(ref.answer))])
        if a.notes:
            rec["comment"] = _text(a.notes)
        rec["evidence"] = _evidence(e)
        return "feedback.yml", _appended(_read(folder / "feedback.yml"), rec, NEW_FEEDBACK)
    if ref.kind == "decision":
        name = _decision_file(folder, ref.item)
        data, y = _load(_read(folder / name))
        _put(data, "status", "accepted")
        _put(data, "date", day)
        chosen = option_name(p, ref)
        if chosen:
            _put(data, "decision", chosen, after="options")
        deciders = data.get("deciders")
        if isinstance(deciders, list) and e.by not in deciders:
            deciders.append(e.by)
        _put(data, "evidence", _evidence(e))
        return name, _dump(data, y)
    if ref.kind == "task":
        data, y = _load(_read(folder / "roadmap.yml"))
        task = _find(data.get("client_tasks"), ref.item)
        _put(task, "done", day, after="due")
        _put(task, "evidence", _evidence(e))
        return "roadmap.yml", _dump(data, y)
    data, y = _load(_read(folder / "changes.yml"))
    change = _find(data, ref.item)
    _put(change, "status", "approved" if ref.answer == "approve" else "rejected")
    _put(change, "decided", day, after="status")
    _put(change, "evidence", _evidence(e))
    return "changes.yml", _dump(data, y)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _decision_file(folder: Path, decision_id: str) -> str:
    for path in sorted((folder / "decisions").glob("*.yml")):
        data, _ = _load(_read(path))
        if isinstance(data, CommentedMap) and str(data.get("id")) == decision_id:
            return f"decisions/{path.name}"
    raise _Refused(f"no file in decisions/ holds {decision_id}")


def write_answer(folder: Path, a: Applied, p: Project, shown_root: str, today: date,
                 dry_run: bool = False) -> Written:
    """Write one answer, or nothing with the reason."""
    try:
        name, text = edit(folder, a, p)
    except _Refused as exc:
        return Written("", str(exc))
    problem = _check(folder, name, text, shown_root, today)
    if problem:
        return Written(name, problem)
    if not dry_run:
        target = folder / name
        tmp = target.with_name(f".{target.name}.inbox-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    return Written(name)


def _check(folder: Path, name: str, text: str, shown_root: str, today: date) -> str | None:
    """The first error the client folder would have with the new file, if any."""
    with tempfile.TemporaryDirectory(prefix="milepost-inbox-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy, symlinks=True)
        (copy / name).write_text(text, encoding="utf-8")
        found = errors(read_and_check(copy, shown_root, today).problems)
    if not found:
        return None
    x = found[0]
    return f"the answer would make {name} invalid (line {x.line}: {x.message})"
