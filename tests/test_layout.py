"""The package's layout is its pipeline: imports run one way, and the module map of the
developers' documentation (docs/pages/develop/index.md) names every module. Fast: reads
source files only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
MODULE_MAP = ROOT / "docs" / "pages" / "develop" / "index.md"

# Lower may never import higher:
# cli -> commands -> settings -> pipeline -> ship -> agency -> history -> site -> project
# -> format -> shared.
RANK = {"generator": 0, "generator.problems": 0, "generator.numbers": 0, "generator.docs": 0,
        "generator.format": 1, "generator.project": 2, "generator.site": 3,
        "generator.history": 4, "generator.agency": 5, "generator.ship": 6,
        "generator.pipeline": 7, "generator.settings": 8, "generator.commands": 9,
        "generator.cli": 10, "generator.__main__": 10,
        # The docs' reference pages are made from the whole program, its parser included.
        "generator.reference": 11}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def rank(module: str) -> int:
    while module not in RANK:
        module = module.rpartition(".")[0]
    return RANK[module]


def imports(path: Path, module: str) -> list[str]:
    """Every generator module this file imports, at the top or inside a function."""
    names = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names += [f"{base}.{a.name}" if f"{base}.{a.name}" in modules() else base
                      for a in node.names]
    return [n for n in names if n == "generator" or n.startswith("generator.")]


def test_every_module_sits_in_a_known_wing():
    """A new folder must be given its place in the order: it is not shared by default."""
    wings = [w for w in RANK if w != "generator"]
    homeless = [m for m in modules() if m != "generator"
                and not any(m == w or m.startswith(w + ".") for w in wings)]
    assert homeless == [], "add each to RANK (and to the module map in docs/pages/develop/index.md)"


def test_imports_run_one_way():
    wrong = [f"{module} imports {target}"
             for module, path in modules().items()
             for target in imports(path, module)
             if rank(target) > rank(module)]
    assert wrong == []


def test_every_import_names_a_module_that_exists():
    """Imports inside functions run late: a moved module must not leave one behind."""
    known = modules()
    missing = [f"{module} imports {target}" for module, path in known.items()
               for target in imports(path, module) if target not in known]
    assert missing == []


def test_the_walker_sees_an_import_that_runs_back_up(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from generator.site.render import render_pages\n")
    assert imports(probe, "generator.format.probe") == ["generator.site.render"]
    assert rank("generator.site.render") > rank("generator.format.probe")


def test_the_module_map_names_every_module():
    text = MODULE_MAP.read_text(encoding="utf-8")
    block = re.search(r"<!-- modules:start -->\n(.*?)<!-- modules:end -->", text, re.S)
    assert block, f"{MODULE_MAP.name} has no module map between <!-- modules:start/end --> markers"
    named = set(re.findall(r"`(generator/[\w/]+\.py)`", block.group(1)))
    files = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")
             if p.name not in ("__init__.py", "__main__.py")}
    assert sorted(files - named) == [], "modules missing from the module map (develop/index.md)"
    assert sorted(named - files) == [], "the module map (develop/index.md) names modules that do not exist"



def private_names(path: Path) -> list[str]:
    """Each place a file reaches for another module's private name (`_x`): `from
    generator.m import _x` (at the top or inside a function), or `m._x` on a generator
    module it imported. What two modules share is public, and lives where both can see it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules_bound, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(
                "generator")):
            found += [f"{node.lineno}: {a.name}" for a in node.names if _private(a.name)]
            modules_bound |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            modules_bound |= {a.asname or a.name.split(".")[0] for a in node.names
                              if a.name.startswith("generator")}
    found += [f"{node.lineno}: {node.value.id}.{node.attr}" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and _private(node.attr)
              and isinstance(node.value, ast.Name) and node.value.id in modules_bound]
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_another_modules_private_name():
    files = [*sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "bench").rglob("*.py"))]
    found = [f"{path.relative_to(ROOT)}:{place}" for path in files
             for place in private_names(path)]
    assert found == [], "make the name public, or move it where both modules use it"


def test_the_private_name_finder_sees_each_way_in(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text("from generator.project.model import Project, _settle\n"
                     "from generator.format import load\n"
                     "from . import _sibling\n"
                     "def f():\n"
                     "    from generator.site.timeline import _diamond\n"
                     "    return load._FastLoader, load.__name__, self._own\n")
    assert private_names(probe) == ["1: _settle", "3: _sibling", "5: _diamond",
                                    "6: load._FastLoader"]

GIT_MODULE = PACKAGE / "history" / "git.py"
# Ways a module could start a program: a subprocess, os.system, an os.exec*/spawn* call.
_STARTERS = {"run", "Popen", "call", "check_call", "check_output", "getoutput",
             "getstatusoutput", "system", "popen", "execv", "execvp", "execvpe", "execl",
             "execlp", "spawnv", "spawnvp", "spawnl", "spawnlp", "posix_spawn", "posix_spawnp"}


def runs_git(path: Path) -> list[str]:
    """Each place in a source file that starts git or hands git its arguments: a call that
    starts a program with "git" among its string arguments, and every call of `run_git`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else \
            node.func.id if isinstance(node.func, ast.Name) else ""
        words = [c.value for arg in node.args for c in ast.walk(arg)
                 if isinstance(c, ast.Constant) and isinstance(c.value, str)]
        if name == "run_git" or (name in _STARTERS and any(
                w == "git" or w.startswith("git ") for w in words)):
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            found.append(f"{shown}:{node.lineno}")
    return found


def test_only_history_git_runs_git():
    elsewhere = [place for path in sorted(PACKAGE.rglob("*.py")) if path != GIT_MODULE
                 for place in runs_git(path)]
    assert elsewhere == [], "git runs only in generator/history/git.py: add a function there"


def test_the_git_finder_sees_each_way_of_running_git(tmp_path: Path):
    probe = tmp_path / "probe.py"
    probe.write_text("import subprocess, os\n"
                     "subprocess.run(['git', 'tag'])\n"
                     "subprocess.check_output(('git', 'log'), text=True)\n"
                     "os.system('git push origin main')\n"
                     "git.run_git(repo, 'push')\n"
                     "subprocess.run(['nginx', '-t'])\n")
    assert [p.rsplit(":", 1)[1] for p in runs_git(probe)] == ["2", "3", "4", "5"]


def test_every_package_ships_in_the_wheel():
    """pyproject lists the packages a wheel carries: a new wing left out installs a Milepost
    that cannot import itself (the source tree hides that; the installed CI does not)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert sorted(found - listed) == []
