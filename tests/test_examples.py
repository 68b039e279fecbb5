"""The tool's tests read their own copy of the example clients (`tests/examples/`), never the
repository's `projects/`: an agency replaces the examples with its own clients, and one of
them being invalid must not make `make test` fail (checking them is `milepost validate`'s job,
which `make site` runs)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

# Ways a test could reach the repository's own projects folder.
READS_PROJECTS = re.compile(r"""(ROOT|REPO)\s*/\s*["']projects["']|["']\.\./projects""")


def test_no_test_reads_the_repositorys_projects_folder() -> None:
    offenders = [f"{path.name}:{n}: {line.strip()}"
                 for path in sorted((REPO / "tests").glob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if READS_PROJECTS.search(line) and path.name != Path(__file__).name]
    assert offenders == [], "tests must use tests/examples/:\n" + "\n".join(offenders)


def test_the_examples_copy_has_the_example_clients() -> None:
    slugs = sorted(p.name for p in EXAMPLES.iterdir() if (p / "client.yml").is_file())
    assert slugs == ["alder-and-finch", "harbor-health", "northwind"]


def copy_of_the_repository(target: Path) -> Path:
    """The tool, its tests and an agency's projects/ holding one invalid client only."""
    skip = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "site", "test-artifacts")
    for name in ("generator", "content", "tests", "schemas"):
        shutil.copytree(REPO / name, target / name, ignore=skip)
    for name in ("mkdocs.yml", "pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, target / name)
    broken = target / "projects" / "agency-client"
    broken.mkdir(parents=True)
    (broken / "client.yml").write_text("name: [Agency client\nstart: 2026-02-30\n",
                                       encoding="utf-8")
    return target


@pytest.mark.slow
def test_an_invalid_agency_client_does_not_affect_the_suite(tmp_path: Path) -> None:
    repo = copy_of_the_repository(tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": str(repo), "NO_MKDOCS_2_WARNING": "1",
           "PYTEST_ADDOPTS": f"--basetemp={tmp_path / 'inner'} -p no:cacheprovider"}
    validate = subprocess.run([sys.executable, "-m", "generator", "validate", "--projects", "projects"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert validate.returncode == 1, validate.stdout  # the agency's client really is invalid
    # The tests that use the example clients: the golden Markdown, what changed, the schema
    # pointers, and a full build of every example client.
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/test_golden.py", "tests/test_compare.py",
         "tests/test_docs.py", "tests/test_site.py::test_every_client_has_every_page"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert suite.returncode == 0, suite.stdout[-3000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout and "error" not in suite.stdout.lower()
