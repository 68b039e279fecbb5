"""The example clients have one copy, the repository's `projects/`, and the tests read only
them from it, by name: an agency adds its own clients beside them (even invalid ones) and
`make test` checks the same things (checking those clients is `milepost validate`'s job,
which `make site` runs).

Every test reaches the examples through conftest's `example_client` or its `examples`
fixture; the static test below keeps it that way, and the others show that those two take
the example clients and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_CLIENTS, PROJECTS, REPO, copy_examples, example_client

# Ways a test could reach the repository's projects folder, or a second copy of the examples.
READS_PROJECTS = re.compile(r"""(ROOT|REPO|parent)\s*/\s*["']projects["']|["']\.\./projects"""
                            r"""|\bPROJECTS\b|tests/examples|["']tests["']\s*/\s*["']examples""")
# The files allowed to: the one that defines the way in, and this one, which checks it.
GATES = {"conftest.py", Path(__file__).name}


def test_the_tests_reach_projects_only_through_the_example_clients() -> None:
    files = sorted((REPO / "tests").rglob("*.py"))
    assert len(files) > 40
    offenders = [f"{path.relative_to(REPO)}:{n}: {line.strip()}"
                 for path in files if path.name not in GATES
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if READS_PROJECTS.search(line)]
    assert offenders == [], ("tests read the example clients through conftest's example_client "
                             "or examples:\n" + "\n".join(offenders))


def test_the_examples_have_one_copy() -> None:
    """No second copy to keep by hand: the tests' own folder of examples is gone, and
    nothing the project runs (the Makefile, the CI script, the benchmark) names it."""
    assert not (REPO / "tests" / "examples").exists()
    for name in ("Makefile", ".ci/run", "pyproject.toml", *(
            p.relative_to(REPO).as_posix() for p in sorted((REPO / "bench").rglob("*.py")))):
        path = REPO / name
        if path.is_file():
            assert "tests/examples" not in path.read_text(encoding="utf-8"), name


def test_the_example_clients_are_in_projects() -> None:
    assert [p.name for p in map(example_client, EXAMPLE_CLIENTS)] == list(EXAMPLE_CLIENTS)
    assert all((PROJECTS / slug / "client.yml").is_file() for slug in EXAMPLE_CLIENTS)


def test_the_examples_fixture_is_the_example_clients_as_they_are(examples: Path) -> None:
    assert sorted(p.name for p in examples.iterdir()) == sorted(EXAMPLE_CLIENTS)
    for slug in EXAMPLE_CLIENTS:
        source, copy = example_client(slug), examples / slug
        files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file())
        assert all((source / f).read_bytes() == (copy / f).read_bytes() for f in files), slug


def agencys_projects(folder: Path) -> Path:
    """A projects folder as an agency keeps it: the examples, and one invalid client."""
    copy_examples(folder)
    broken = folder / "agency-client"
    broken.mkdir()
    (broken / "client.yml").write_text("name: [Agency client\nstart: 2026-02-30\n",
                                       encoding="utf-8")
    return folder


def test_an_agency_client_beside_the_examples_is_never_read(tmp_path: Path) -> None:
    projects = agencys_projects(tmp_path / "projects")
    copied = copy_examples(tmp_path / "copy", projects)
    assert sorted(p.name for p in copied.iterdir()) == sorted(EXAMPLE_CLIENTS)
    with pytest.raises(ValueError, match="not one of the example clients"):
        example_client("agency-client", projects)
