"""Stage 1, load: read a client's YAML files strictly, keeping the position of every node.

The usual loaders lose data silently (a duplicate key keeps the last value, `1.10` becomes
1.1, `no` becomes False). We stop at the node tree: values are interpreted later, by the
schema, which knows whether a field wants text, a number or a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problems import Problem, Severity

MAX_FILE_BYTES = 2_000_000
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")

# Files a client folder may hold: the single files and the one-record-per-file folders.
SINGLE_FILES = ("client.yml", "roadmap.yml", "signoffs.yml", "changes.yml", "risks.yml",
                "feedback.yml")
RECORD_FOLDERS = ("decisions", "updates")


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _StrictComposer(Composer):
    """PyYAML's composer, refusing aliases (no "billion laughs") and custom tags."""

    if TYPE_CHECKING:  # given by the parser it is mixed with (PyYAML's or libyaml's)
        def check_event(self, *choices: type[Event]) -> bool: ...
        def peek_event(self) -> Any: ...  # the next event, of whichever kind

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refused(
                event.start_mark,
                f"aliases (*{event.anchor}) are not allowed: write the value out in full",
            )
        return super().compose_node(parent, index)

    def _refuse_tag(self) -> None:
        event = self.peek_event()
        if event.tag not in (None, "!"):
            raise _Refused(
                event.start_mark,
                f"YAML tags like '{event.tag}' are not allowed: remove the tag",
            )

    # `anchor` is the anchor's name or None (PyYAML's stubs call it a dict): Any, so these
    # stay valid overrides.
    def compose_scalar_node(self, anchor: Any) -> ScalarNode:
        self._refuse_tag()
        node = super().compose_scalar_node(anchor)
        node.style = node.style or None  # libyaml says '' for plain, PyYAML None
        return node

    # Tags on lists and mappings are refused too (`!!python/object {...}`, `!!set`).
    def compose_sequence_node(self, anchor: Any) -> SequenceNode:
        self._refuse_tag()
        return super().compose_sequence_node(anchor)

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        self._refuse_tag()
        return super().compose_mapping_node(anchor)


class _StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                    _StrictComposer, yaml.resolver.BaseResolver):
    """Pure Python: slow, but its messages for broken YAML are the ones we print."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _StrictComposer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


# The tag of a node written without one: what the strict composer gives too.
_DEFAULT_TAGS = {ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
                 SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                 MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}

try:
    from yaml._yaml import CParser  # where yaml.cyaml takes it from; the stubs export it here

    class FastLoader(_StrictComposer, CParser, yaml.resolver.BaseResolver):
        """libyaml's parser under the same strict composer: about 7 times faster."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _StrictComposer.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

    class CComposer(CParser, yaml.resolver.BaseResolver):
        """libyaml's parser and composer, both in C: twice as fast again, but it follows
        aliases and takes tags, so its tree is used only where `plain_tree` finds neither."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        # Called by the C composer for every node without a tag: with no implicit resolvers
        # (values stay text until the schema reads them), the answer is the kind's default.
        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind]

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # no path resolvers

        def ascend_resolver(self) -> None:
            pass
except ImportError:  # PyYAML built without libyaml
    # Class names bound to None, on purpose: `_compose` checks them before use.
    FastLoader = None  # type: ignore[assignment,misc]
    CComposer = None  # type: ignore[assignment,misc]

# A tag that names the type a node would have anyway (`!!str`, `!<tag:yaml.org,2002:map>`, or
# a %TAG directive that makes one) leaves no trace in a composed tree: a text that may hold
# one is composed by the strict composer, which refuses it.
_MAY_NAME_DEFAULT_TAG = re.compile(r"!!|!<|%TAG")


def plain_tree(root: Node) -> bool:
    """Whether a tree libyaml composed is one the strict composer gives too: no node reached
    twice (an alias) and no tag but the default of its kind. Plain scalars' style becomes
    None, as the strict composer writes it."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        if id(node) in seen or node.tag != _DEFAULT_TAGS[kind]:
            return False
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if not node.style:
                node.style = None
        elif kind is SequenceNode:
            stack += node.value
        else:
            for pair in node.value:
                stack += pair
    return True


def compose_in_c(text: str) -> Node | None:
    """The tree libyaml composes, if the strict composer would give the same one; else None
    (and the strict composer reads the text, for its refusal or its message)."""
    if CComposer is None or _MAY_NAME_DEFAULT_TAG.search(text):
        return None
    loader = CComposer(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return node if node is not None and plain_tree(node) else None


def _compose(text: str) -> Node | None:
    """The node tree of a text. Broken YAML is read again by the pure Python parser, so
    messages are the same with or without libyaml."""
    node = compose_in_c(text)
    if node is not None:
        return node
    if FastLoader is not None:
        fast = FastLoader(text)
        try:
            return fast.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            fast.dispose()
    loader = _StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@dataclass
class YamlFile:
    """One file's node tree, or the problems that kept it from being read."""

    path: Path
    shown: str  # the path as printed in messages
    node: Node | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node_or_mark: Node | yaml.Mark | None, path: str, message: str,
                severity: Severity = "error") -> Problem:
        mark = node_or_mark.start_mark if isinstance(node_or_mark, Node) else node_or_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        return Problem(self.shown, line, col, path, message, severity)


def read_yaml(path: Path, shown: str) -> YamlFile:
    """Read one file into a node tree; never raises for bad content."""
    result = YamlFile(path, shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(shown, 0, 0, "", f"cannot read the file: {exc.strerror}"))
        return result
    if len(data) > MAX_FILE_BYTES:
        result.problems.append(Problem(
            shown, 0, 0, "",
            f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}: split it up"))
        return result
    text = _decode(data, result)
    if text is None:
        return result
    result.problems.extend(_tab_problems(text, shown))
    if result.problems:
        return result
    try:
        result.node = _compose(text)
    except _Refused as exc:
        result.problems.append(result.problem(exc.mark, "", exc.message))
    except yaml.reader.ReaderError as exc:  # a control character, e.g. pasted from Word
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        result.problems.append(Problem(
            shown, line, column, "", f"the file contains the invisible control character "
            f"U+{exc.character:04X}: delete it (retype the text around it)"))
    except yaml.MarkedYAMLError as exc:
        unclosed = _unclosed_quote(exc, text)
        if unclosed:
            result.problems.append(result.problem(exc.context_mark, "", unclosed))
        else:
            result.problems.append(result.problem(exc.problem_mark, "", _syntax_message(exc)))
    except yaml.YAMLError as exc:
        result.problems.append(Problem(shown, 0, 0, "", f"not valid YAML: {exc}"))
    except RecursionError:
        result.problems.append(Problem(shown, 0, 0, "", "the file is nested too deeply to read"))
    if result.node is not None:
        result.problems.extend(_duplicate_keys(result.node, result))
    return result


def _decode(data: bytes, result: YamlFile) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        result.problems.append(Problem(
            result.shown, line, column, "",
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}): "
            "save it as UTF-8 in your editor"))
        return None
    return text.removeprefix("\ufeff")


def _tab_problems(text: str, shown: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            problems.append(Problem(
                shown, number, line.index("\t") + 1, "",
                "a tab is used for indentation: YAML allows only spaces"))
    return problems


def _unclosed_quote(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """A quote that runs to the end of the file (or to '---'): PyYAML reports where it gave
    up, which is far from the mistake; the place the quote opened is the one to fix."""
    mark = exc.context_mark
    if exc.context != "while scanning a quoted scalar" or mark is None:
        return None
    quote = text[mark.index] if mark.index < len(text) else '"'
    inside = "\\\"" if quote == '"' else "''"
    return (f"not valid YAML: the quote {quote} opened at line {mark.line + 1}, column "
            f"{mark.column + 1} is never closed: end the text with {quote} (a {quote} inside "
            f"the text is written {inside})")


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "unreadable YAML"
    message = f"not valid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    if "mapping values are not allowed" in problem:
        message += "; a value containing ': ' must be quoted"
    elif "found character '\\t'" in problem or "found character '\t'" in problem:
        message += "; replace the tab with spaces"
    elif "expected <block end>" in problem:
        message += "; check the indentation of this line against the lines above"
    return message


def _duplicate_keys(node: Node, result: YamlFile) -> list[Problem]:
    problems: list[Problem] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, Node] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        problems.append(result.problem(
                            key, "", f"duplicate key '{key.value}' (first given at line "
                            f"{first}): keep one"))
                    else:
                        seen[key.value] = key
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return problems


@dataclass
class ClientFiles:
    """The YAML files of one client folder, read but not yet interpreted."""

    slug: str
    folder: Path
    files: dict[str, YamlFile]  # keyed by name relative to the folder, e.g. "decisions/001.yml"
    problems: list[Problem] = field(default_factory=list)
    # Record files refused without being read (name -> as shown): what they hold is unknown,
    # so a reference to it must not be taken for a typo.
    skipped: dict[str, str] = field(default_factory=dict)


def find_clients(projects: Path) -> list[Path]:
    """Every client folder below `projects`. Hidden and underscore folders are skipped, and
    so is a folder that holds nothing a client folder holds: when the projects folder is the
    working folder (`--projects .`), Milepost's own folders sit among the clients (the
    editors' schemas/, a built site/, a server's deploy/) and are not clients with a missing
    client.yml. A folder with any YAML file or a record folder is a client, whatever it
    lacks."""
    return sorted(
        p for p in projects.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and _holds_client_files(p)
    )


def _holds_client_files(folder: Path) -> bool:
    try:
        return any(p.name in RECORD_FOLDERS or p.suffix in (".yml", ".yaml")
                   for p in folder.iterdir())
    except OSError:  # unreadable: reading it as a client says why
        return True


def _unseen(name: str) -> str:
    """What a name holds that nobody sees in a listing: said, since a line break at its end
    (`acme⏎`) would otherwise read as a valid slug in the message itself."""
    if "\n" in name or "\r" in name:
        return " (it holds a line break)"
    if any(c.isspace() or not c.isprintable() for c in name):
        return " (it holds a space or an invisible character)"
    return ""


def read_client(folder: Path, shown_root: str) -> ClientFiles:
    """Read every YAML file of one client folder; unknown YAML files are reported."""
    slug = folder.name
    shown_folder = f"{shown_root}/{slug}" if shown_root else slug
    client = ClientFiles(slug, folder, {})
    if not SLUG.fullmatch(slug):
        client.problems.append(Problem(
            shown_folder, 0, 0, "",
            f"folder name '{slug}' is not a valid client slug{_unseen(slug)}: use lowercase "
            "letters, digits and '-', starting with a letter or digit (e.g. "
            "'northwind-bakery')"))
    if folder.is_symlink():
        # Read through the link, this client's site would show another folder's records.
        client.problems.append(Problem(
            shown_folder, 0, 0, "", "the client folder is a link to another folder: a "
            "client's site may only use its own files; make it a real folder (copy the "
            "files) or remove the link"))
        return client
    inside = folder.resolve()
    for name in _client_file_names(folder, shown_folder, client.problems):
        if not (folder / name).resolve().is_relative_to(inside):
            # A link out of the folder could show another client's records on this site.
            client.problems.append(Problem(
                f"{shown_folder}/{name}", 0, 0, "", "is a link to a file outside the "
                "client's folder: a client's site may only use its own files; copy the "
                "file here instead"))
            client.skipped[name] = f"{shown_folder}/{name}"
            continue
        client.files[name] = read_yaml(folder / name, f"{shown_folder}/{name}")
    if "client.yml" not in client.files:
        client.problems.append(Problem(
            shown_folder, 0, 0, "", "missing client.yml: every client folder needs one "
            "(create it with `milepost new SLUG --name \"Client name\"`)"))
    return client


# Files a client folder may hold that Milepost does not read: a logo, notes for the team.
QUIET_SUFFIXES = (".svg", ".png", ".md", ".txt")


def _client_file_names(folder: Path, shown: str, problems: list[Problem]) -> list[str]:
    import difflib

    names = []
    for path in sorted(folder.iterdir()):
        if _tool_file(path):
            continue
        if path.is_dir() and path.name in RECORD_FOLDERS:
            names += _record_file_names(path, f"{shown}/{path.name}", problems)
        elif path.is_file() and path.suffix in (".yml", ".yaml"):
            if path.name in SINGLE_FILES:
                names.append(path.name)
                continue
            close = difflib.get_close_matches(
                path.name, [*SINGLE_FILES, *(f"{n}/" for n in RECORD_FOLDERS)], n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(
                f"{shown}/{path.name}", 0, 0, "",
                f"unknown file '{path.name}'{hint}: Milepost reads {', '.join(SINGLE_FILES)} "
                "and the folders decisions/ and updates/",
                "warning"))
        elif path.is_dir():
            problems.append(_not_read(path, shown, _folder_hint(path.name)))
        elif path.name in RECORD_FOLDERS:
            problems.append(_not_read(path, shown, (
                f"'{path.name}' is a file, but {path.name}/ must be a folder holding one .yml "
                f"file per record: make a folder {path.name}/ and move the records into it")))
        elif path.suffix.lower() not in QUIET_SUFFIXES:
            problems.append(_not_read(path, shown, (
                f"Milepost does not read '{path.name}': it reads {', '.join(SINGLE_FILES)} and "
                "the folders decisions/ and updates/ (a logo may be .svg or .png); rename it "
                "if it holds records, or move it out of the client's folder")))
    return names


def _record_file_names(folder: Path, shown: str, problems: list[Problem]) -> list[str]:
    """The .yml files of decisions/ or updates/; anything else there is named, not skipped."""
    names = []
    for path in sorted(folder.iterdir()):
        if _tool_file(path):
            continue
        if path.is_file() and path.suffix in (".yml", ".yaml"):
            names.append(f"{folder.name}/{path.name}")
        else:
            what = "a folder" if path.is_dir() else "not a .yml file"
            problems.append(_not_read(path, shown, (
                f"'{path.name}' is {what}: {folder.name}/ holds one .yml file per record, "
                "so Milepost does not read it; rename it to end in .yml if it is a record, "
                "or move it out")))
    return names


def _tool_file(path: Path) -> bool:
    """.gitkeep, .DS_Store, an editor's swap file: hidden, and not YAML someone hid."""
    return path.name.startswith(".") and path.suffix not in (".yml", ".yaml")


def _folder_hint(name: str) -> str:
    if name in SINGLE_FILES:
        return (f"'{name}' is a folder, but it must be a file: Milepost reads the file "
                f"{name}, so this folder is not read")
    return (f"Milepost does not read the folder '{name}/': it reads only the folders "
            "decisions/ and updates/ (and the files beside them); rename it if it holds "
            "records, or move it out of the client's folder")


def _not_read(path: Path, shown: str, message: str) -> Problem:
    return Problem(f"{shown}/{path.name}", 0, 0, "", message, "warning")
