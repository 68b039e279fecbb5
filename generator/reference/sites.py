"""Where validation words its messages: every statement in the validation modules that holds
text of a message. The Messages page's test runs the corpus with a line tracer and checks
that it reaches each of them, so a new message without an example fails it.

A message is worded by a statement inside a function that holds a string of two or more
words (a `Problem(...)`, a `self.error(...)`, a `return f"..."` of a helper, a suffix such as
"did you mean ...?"); strings that are only compared with (`"..." in problem`) are not
messages, and the module's constants are not either."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from generator.format import checks, load, logo, validate
from generator.ship import access

# The modules that validate a client's folder, in the order a file goes through them.
MODULES = (load, validate, checks, logo)
# The functions that validate the access file (the rest of its module keeps the file).
ACCESS_READERS = ("_mapping", "_control", "_text", "_date", "_person", "_people", "_client",
                  "_access")

WORDS = re.compile(r"[A-Za-z'(]+ +[A-Za-z'(<*-]")

# Messages that no example file can give on every machine: key (see Site.key) -> why.
UNSHOWN = {
    "load.read_yaml: cannot read the file: …": (
        "the file exists but the system refused to read it (its permissions, or a disk "
        "error): the reason is the system's. Check that the file can be opened, and its "
        "permissions."),
    "load.read_yaml: not valid YAML: …": (
        "the YAML reader failed without saying where; every mistake the reader knows of is "
        "reported with its line, as above. Check the file's syntax."),
    "logo.svg_problems: the file holds no <svg> element": (
        "a safeguard: a file without any element is reported as not valid SVG first. Export "
        "the logo again."),
    "checks._logo_content: '…' cannot be read (…)": (
        "the logo exists but the system refused to read it: check the file's permissions."),
}


@dataclass(frozen=True)
class Site:
    """One statement that words (part of) a message."""

    module: str     # e.g. "load"
    function: str   # e.g. "read_yaml", "_Reader.text"
    path: str       # the module's file
    first: int      # the statement's first and last line
    last: int
    words: str      # its text, with … where a value is filled in

    @property
    def key(self) -> str:
        """Names the site without its line numbers, which move with every edit above it."""
        return f"{self.module}.{self.function}: {self.words}"


def _text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if isinstance(v, ast.Constant) else _filled(v)
                       for v in node.values)
    return ""


def _filled(node: ast.expr) -> str:
    """What a message shows where a value is filled in: "…", or for an address of these docs
    (`docs_url("guide/hosting.html")`) the page it names after the docs' address."""
    value = node.value if isinstance(node, ast.FormattedValue) else node
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id == "docs_url" and value.args
            and all(isinstance(a, ast.Constant) for a in value.args)):
        page, *anchor = (str(a.value) for a in value.args if isinstance(a, ast.Constant))
        return f"…/{page}" + "".join(f"#{a}" for a in anchor)
    return "…"


def _compared(tree: ast.AST) -> set[int]:
    """The ids of strings used only in a comparison."""
    return {id(s) for c in ast.walk(tree) if isinstance(c, ast.Compare)
            for part in [c.left, *c.comparators] for s in ast.walk(part)}


def _strings(parts: list[ast.AST], compared: set[int]) -> list[str]:
    """The message texts among `parts` (nested f-string parts counted once, in their
    f-string)."""
    inner = {id(v) for p in parts for n in ast.walk(p) if isinstance(n, ast.JoinedStr)
             for v in n.values}
    return [_text(n) for p in parts for n in ast.walk(p)
            if isinstance(n, ast.Constant | ast.JoinedStr) and id(n) not in inner
            and id(n) not in compared and WORDS.search(_text(n))]


def _headers(stmt: ast.stmt) -> list[ast.expr] | None:
    """What a compound statement runs before its body (None for a simple statement)."""
    if isinstance(stmt, ast.If | ast.While):
        return [stmt.test]
    if isinstance(stmt, ast.For):
        return [stmt.iter]
    if isinstance(stmt, ast.With):
        return [i.context_expr for i in stmt.items]
    if isinstance(stmt, ast.Try | ast.FunctionDef | ast.ClassDef):
        return []
    return None


def _docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _site(stmt: ast.stmt, where: str, module: str, path: str,
          compared: set[int]) -> Site | None:
    """The statement as a site, if it words a message: a simple statement as a whole, a
    compound one by what it runs before its body."""
    headers = _headers(stmt)
    parts: list[ast.AST] = [stmt] if headers is None else list(headers)
    last = stmt.end_lineno if headers is None else max(
        [stmt.lineno, *(h.end_lineno or h.lineno for h in headers)])
    texts = _strings(parts, compared)
    if not texts:
        return None
    return Site(module, where, path, stmt.lineno, last or stmt.lineno, " / ".join(texts))


def _body_sites(body: list[ast.stmt], where: str, in_function: bool, module: str, path: str,
                compared: set[int]) -> list[Site]:
    sites = []
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
            inner = f"{where}.{stmt.name}" if where else stmt.name
            sites += _body_sites(stmt.body, inner, isinstance(stmt, ast.FunctionDef), module,
                                 path, compared)
            continue
        if not in_function or _docstring(stmt):
            continue  # a module's or class's constants, or a docstring
        site = _site(stmt, where, module, path, compared)
        sites += [site] if site else []
        for block in ("body", "orelse", "finalbody"):
            sites += _body_sites(getattr(stmt, block, []), where, True, module, path, compared)
        for handler in getattr(stmt, "handlers", []):
            sites += _body_sites(handler.body, where, True, module, path, compared)
    return sites


def sites_in(path: Path, module: str) -> list[Site]:
    """Every statement of one module's source that words a message."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return _body_sites(tree.body, "", False, module, str(path), _compared(tree))


def message_sites() -> list[Site]:
    """Every statement of the validation modules, and of the access file's reading, that
    words a message."""
    found = [site for module in MODULES for site in sites_in(
        Path(module.__file__ or "").resolve(), module.__name__.rsplit(".", 1)[-1])]
    return found + [site for site in sites_in(Path(access.__file__ or "").resolve(), "access")
                    if site.function in ACCESS_READERS]


# --- the errors that stop a command ------------------------------------------------------

PACKAGE = Path(checks.__file__ or "").resolve().parents[1]
ERRORS = ("MilepostError", "ArgumentTypeError")  # what a command's failure is raised as


@dataclass(frozen=True)
class Raised:
    """One place that stops a command with a message."""

    module: str     # the module's file, relative to the package: "ship/access.py"
    line: int
    words: str      # its text, with … where a value is filled in


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's text constants by name (a message may be one)."""
    return {t.id: _text(node.value) for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name) and _text(node.value)}


def _message_of(node: ast.expr, constants: dict[str, str]) -> str:
    """The words of a message argument: text, f-strings, sums of them, a named constant."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _message_of(node.left, constants) + _message_of(node.right, constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id, "…")
    if isinstance(node, ast.Call) and node.args:  # redact(f"..."): the words inside
        return _message_of(node.args[0], constants)
    return _text(node) or "…"


def _raised_in(path: Path) -> list[Raised]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    module = path.relative_to(PACKAGE).as_posix()
    return [Raised(module, node.lineno, _message_of(node.args[0], constants))
            for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args
            and (node.func.attr if isinstance(node.func, ast.Attribute) else
                 node.func.id if isinstance(node.func, ast.Name) else "") in ERRORS]


def raised_errors() -> list[Raised]:
    """Every message a command can stop with, in the package's modules' order."""
    return sorted((r for path in PACKAGE.rglob("*.py") for r in _raised_in(path)),
                  key=lambda r: (r.module, r.line))
