"""Stage 1: the strict YAML reader, called directly on single files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from yaml.nodes import MappingNode

from generator.format import load
from generator.format.load import read_client, read_yaml


def read(tmp_path: Path, content: str | bytes, name: str = "x.yml"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return read_yaml(path, name)


def only_problem(result):
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_plain_file_reads_into_nodes(tmp_path: Path) -> None:
    result = read(tmp_path, "a: 1.10\nb: [yes, no]\n")
    assert result.problems == []
    assert isinstance(result.node, MappingNode)
    # Scalars stay text: nothing is resolved to floats or booleans at this stage.
    values = {k.value: v for k, v in result.node.value}
    assert values["a"].value == "1.10"
    assert [n.value for n in values["b"].value] == ["yes", "no"]


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        levels.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]")
    started = time.perf_counter()
    result = read(tmp_path, "\n".join(levels) + "\n")
    assert time.perf_counter() - started < 1
    problem = only_problem(result)
    assert (problem.line, problem.column) == (2, 8)
    assert "aliases (*a) are not allowed: write the value out in full" in problem.message
    assert result.node is None


def test_anchor_without_alias_is_harmless(tmp_path: Path) -> None:
    assert read(tmp_path, "a: &x 1\nb: 2\n").problems == []


@pytest.mark.parametrize("text, line, column", [
    ("a: !!python/name:os.system\n", 1, 4),
    ("a: !!python/object/apply:os.system [ls]\n", 1, 4),
    ("a: !!python/object:os.Foo {b: 1}\n", 1, 4),
    ("--- !!python/object:os.Foo\nb: 1\n", 1, 5),
    ("a: !!set {x, y}\n", 1, 4),
    ("a: !!binary aGVsbG8=\n", 1, 4),
    ("a: !custom\n  - 1\n", 1, 4),
    ("a:\n  - !!str 1\n", 2, 5),
])
def test_tags_are_refused_on_every_kind_of_node(tmp_path: Path, text: str, line: int,
                                                 column: int) -> None:
    problem = only_problem(read(tmp_path, text))
    assert (problem.line, problem.column) == (line, column)
    assert "YAML tags like '" in problem.message
    assert "are not allowed: remove the tag" in problem.message


def test_non_specific_tag_is_allowed(tmp_path: Path) -> None:
    assert read(tmp_path, "a: ! 1.10\n").problems == []


def test_duplicate_keys_nested_each_reported(tmp_path: Path) -> None:
    result = read(tmp_path, "a:\n  - b: 1\n    b: 2\nc: 1\nc: 2\n")
    found = sorted((p.line, p.column, p.message) for p in result.problems)
    assert found == [
        (3, 5, "duplicate key 'b' (first given at line 2): keep one"),
        (5, 1, "duplicate key 'c' (first given at line 4): keep one"),
    ]


def test_not_utf8_points_at_the_byte(tmp_path: Path) -> None:
    problem = only_problem(read(tmp_path, b"a: 1\nname: Stra\xdfe\n"))
    assert (problem.line, problem.column) == (2, 11)
    assert "not UTF-8 text (byte 0xdf)" in problem.message


def test_utf16_file_is_reported_not_crashed(tmp_path: Path) -> None:
    problem = only_problem(read(tmp_path, "name: Acme\n".encode("utf-16")))
    assert "not UTF-8" in problem.message


def test_every_tab_indented_line_reported(tmp_path: Path) -> None:
    result = read(tmp_path, "a:\n\t- 1\n  \t- 2\nb: x\ty\n")
    assert [(p.line, p.column) for p in result.problems] == [(2, 1), (3, 3)]
    assert result.node is None


def test_tab_inside_a_quoted_value_is_fine(tmp_path: Path) -> None:
    result = read(tmp_path, 'b: "x\ty"\n')
    assert result.problems == []
    assert result.node.value[0][1].value == "x\ty"


def test_tab_inside_a_plain_value(tmp_path: Path) -> None:
    # YAML allows it and libyaml reads it; PyYAML's own parser cannot, and then the PM is
    # told what to do.
    result = read(tmp_path, "b: x\ty\n")
    if load.FastLoader is not None:
        assert result.problems == [] and result.node.value[0][1].value == "x\ty"
    else:
        problem = only_problem(result)
        assert (problem.line, problem.column) == (1, 5)
        assert problem.message.endswith("replace the tab with spaces")


def test_tab_inside_a_plain_value_without_libyaml(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "FastLoader", None)
    monkeypatch.setattr(load, "CComposer", None)
    problem = only_problem(read(tmp_path, "b: x\ty\n"))
    assert (problem.line, problem.column) == (1, 5)
    assert problem.message.endswith("replace the tab with spaces")


def test_control_character_gets_a_line_and_column(tmp_path: Path) -> None:
    problem = only_problem(read(tmp_path, "a: 1\nb: x\x0cy\n"))
    assert (problem.line, problem.column) == (2, 5)
    assert "U+000C" in problem.message
    assert "\n" not in problem.message


def test_too_big_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    problem = only_problem(read(tmp_path, "a: " + "x" * 200 + "\n"))
    assert (problem.line, problem.column) == (0, 0)
    assert "the limit is 100: split it up" in problem.message


def test_very_deep_nesting_is_reported(tmp_path: Path) -> None:
    problem = only_problem(read(tmp_path, "a: " + "[" * 1000 + "]" * 1000 + "\n"))
    assert "nested too deeply" in problem.message


def test_syntax_error_has_a_hint_for_indentation(tmp_path: Path) -> None:
    problem = only_problem(read(tmp_path, "a:\n  b: 1\n c: 2\n"))
    assert problem.line == 3
    assert "not valid YAML" in problem.message


def test_unknown_file_names_warn_with_suggestion(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    (folder / "decisions").mkdir(parents=True)
    (folder / "client.yml").write_text("name: x\n")
    (folder / "risk.yml").write_text("[]\n")
    (folder / "zzz.yaml").write_text("x: 1\n")
    (folder / "README.md").write_text("not yaml, ignored\n")
    (folder / "decisions" / "001.yaml").write_text("id: DR-1\n")
    (folder / "decisions" / "draft.txt").write_text("not read, and said so\n")
    client = read_client(folder, "projects")
    assert sorted(client.files) == ["client.yml", "decisions/001.yaml"]
    messages = {p.file: p for p in client.problems}
    assert set(messages) == {"projects/acme/risk.yml", "projects/acme/zzz.yaml",
                             "projects/acme/decisions/draft.txt"}
    assert all(p.severity == "warning" for p in client.problems)
    assert "(did you mean 'risks.yml'?)" in messages["projects/acme/risk.yml"].message
    assert "did you mean" not in messages["projects/acme/zzz.yaml"].message


def test_a_link_to_another_clients_file_is_refused(tmp_path: Path) -> None:
    from generator.format.load import read_client

    other = tmp_path / "projects" / "other"
    other.mkdir(parents=True)
    (other / "risks.yml").write_text("- {id: R1, title: Secret, likelihood: low}\n",
                                     encoding="utf-8")
    mine = tmp_path / "projects" / "mine"
    mine.mkdir()
    (mine / "client.yml").write_text("name: Mine\nproject: P\nstart: 2026-01-01\n",
                                     encoding="utf-8")
    (mine / "risks.yml").symlink_to(other / "risks.yml")
    client = read_client(mine, "projects")
    assert "risks.yml" not in client.files
    assert [p.text() for p in client.problems] == [
        "projects/mine/risks.yml: error: is a link to a file outside the client's folder: a "
        "client's site may only use its own files; copy the file here instead"]


def _client_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "acme"
    folder.mkdir(parents=True)
    (folder / "client.yml").write_text("name: x\n", encoding="utf-8")
    return folder


def test_a_folder_named_like_a_file_is_reported(tmp_path: Path) -> None:
    folder = _client_folder(tmp_path)
    (folder / "roadmap.yml").mkdir()
    (folder / "roadmap.yml" / "milestones.yml").write_text("[]\n", encoding="utf-8")
    assert [p.text() for p in read_client(folder, "projects").problems] == [
        "projects/acme/roadmap.yml: warning: 'roadmap.yml' is a folder, but it must be a file: "
        "Milepost reads the file roadmap.yml, so this folder is not read"]


def test_a_file_named_like_a_record_folder_is_reported(tmp_path: Path) -> None:
    folder = _client_folder(tmp_path)
    (folder / "decisions").write_text("id: DR-1\n", encoding="utf-8")
    assert [p.text() for p in read_client(folder, "projects").problems] == [
        "projects/acme/decisions: warning: 'decisions' is a file, but decisions/ must be a "
        "folder holding one .yml file per record: make a folder decisions/ and move the "
        "records into it"]


def test_other_entries_milepost_does_not_read_are_reported(tmp_path: Path) -> None:
    folder = _client_folder(tmp_path)
    (folder / "risks").mkdir()
    (folder / "updates" / "2026-03").mkdir(parents=True)
    (folder / "updates" / "2026-03-02.yml.bak").write_text("x\n", encoding="utf-8")
    (folder / "roadmap.YML").write_text("x\n", encoding="utf-8")
    # Quiet: a logo, notes, and the tools' hidden files.
    for name in ("logo.svg", "logo.png", "README.md", "notes.txt", ".gitkeep", ".DS_Store"):
        (folder / name).write_text("x\n", encoding="utf-8")
    (folder / "updates" / ".gitkeep").write_text("", encoding="utf-8")
    found = {p.file: p.message for p in read_client(folder, "projects").problems}
    assert found == {
        "projects/acme/risks": "Milepost does not read the folder 'risks/': it reads only the "
        "folders decisions/ and updates/ (and the files beside them); rename it if it holds "
        "records, or move it out of the client's folder",
        "projects/acme/roadmap.YML": "Milepost does not read 'roadmap.YML': it reads client.yml, "
        "roadmap.yml, signoffs.yml, changes.yml, risks.yml, feedback.yml and the folders "
        "decisions/ and "
        "updates/ (a logo may be .svg or .png); rename it if it holds records, or move it out "
        "of the client's folder",
        "projects/acme/updates/2026-03": "'2026-03' is a folder: updates/ holds one .yml file "
        "per record, so Milepost does not read it; rename it to end in .yml if it is a record, "
        "or move it out",
        "projects/acme/updates/2026-03-02.yml.bak": "'2026-03-02.yml.bak' is not a .yml file: "
        "updates/ holds one .yml file per record, so Milepost does not read it; rename it to "
        "end in .yml if it is a record, or move it out",
    }


def test_a_client_folder_that_links_to_another_client_is_refused(tmp_path: Path) -> None:
    other = _client_folder(tmp_path)
    (other / "risks.yml").write_text("- {id: R1, title: Secret}\n", encoding="utf-8")
    link = tmp_path / "projects" / "beta"
    link.symlink_to(other, target_is_directory=True)
    client = read_client(link, "projects")
    assert client.files == {}
    assert [p.text() for p in client.problems] == [
        "projects/beta: error: the client folder is a link to another folder: a client's site "
        "may only use its own files; make it a real folder (copy the files) or remove the link"]


# --- libyaml's composer, where it gives the strict composer's tree --------------------------

def _shape(node):
    """A node tree as plain data: kind, tag, style, value and where it starts and ends."""
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line,
             node.end_mark.column)
    if isinstance(node, MappingNode):
        return ("map", node.tag, where, [(_shape(k), _shape(v)) for k, v in node.value])
    if isinstance(node.value, list):
        return ("seq", node.tag, where, [_shape(v) for v in node.value])
    return ("scalar", node.tag, node.style, where, node.value)


def _strict(text: str):
    loader = load.FastLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@pytest.mark.skipif(load.CComposer is None, reason="PyYAML is built without libyaml here")
def test_libyaml_composes_the_example_files_as_the_strict_composer_does(examples: Path) -> None:
    paths = sorted(examples.rglob("*.yml"))
    assert len(paths) > 40
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fast = load.compose_in_c(text)
        assert fast is not None, f"{path}: libyaml's composer was not used"
        assert _shape(fast) == _shape(_strict(text)), path


@pytest.mark.skipif(load.CComposer is None, reason="PyYAML is built without libyaml here")
@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "- &x [1]\n- *x\n", "{a: &k b, c: *k}\n", "? *x\n",
    "a: !!str 1\n", "a: !!map {}\n", "- !!seq []\n", "a: !<tag:yaml.org,2002:str> x\n",
    "%TAG !e! tag:yaml.org,2002:\n---\na: !e!str x\n", "a: !custom x\n", "--- !!map\na: 1\n",
    "a: !!python/object:os.system {}\n", "b: !!binary aGk=\n",
])
def test_aliases_and_tags_are_left_to_the_strict_composer(tmp_path: Path, text: str) -> None:
    assert load.compose_in_c(text) is None
    problem = only_problem(read(tmp_path, text))
    assert "are not allowed" in problem.message
