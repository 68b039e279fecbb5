"""The package's layout is its pipeline: imports run one way, and README's module map names
every module. Fast: reads source files only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# Lower may never import higher:
# cli -> pipeline -> ship -> agency -> history -> site -> format -> shared.
RANK = {"generator": 0, "generator.problems": 0, "generator.numbers": 0,
        "generator.format": 1, "generator.site": 2, "generator.history": 3,
        "generator.agency": 4, "generator.ship": 5,
        "generator.pipeline": 6, "generator.cli": 7, "generator.__main__": 7}


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
    for module in modules():
        assert rank(module) >= 0, module


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


def test_readme_module_map_names_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- modules:start -->\n(.*?)<!-- modules:end -->", readme, re.S)
    assert block, "README has no module map between <!-- modules:start/end --> markers"
    named = set(re.findall(r"`(generator/[\w/]+\.py)`", block.group(1)))
    files = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")
             if p.name not in ("__init__.py", "__main__.py")}
    assert sorted(files - named) == [], "modules missing from README's module map"
    assert sorted(named - files) == [], "README's module map names modules that do not exist"
