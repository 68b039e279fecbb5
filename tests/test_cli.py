"""The `milepost` command: output formats, `new`, `schema` and command-line errors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.docs import BASE, base, docs_url
from generator.format.records import FILE_KINDS
from generator.format.scaffold import KEEP_FILE, PLACEHOLDERS
from generator.format.schema import SCHEMA_FILES
from generator.pipeline import check_projects
from generator.problems import errors
from tests.conftest import AS_OF, TODAY, VALID_TEXT, files_with, valid_data

BAD_ROADMAP = VALID_TEXT["roadmap.yml"].replace("planned: 2026-02-02", "planned: 2026-02-30")
BAD_FILES = {"roadmap.yml": BAD_ROADMAP, "roadmp.yml": "milestones: []\n"}


# --- output formats ---------------------------------------------------------------------

@pytest.mark.slow
def test_a_person_at_a_terminal_is_told_where_each_message_is_explained(make_project,
                                                                        tmp_path: Path):
    """At a terminal, the report ends with the messages reference; piped (CI, a script) it
    is the report alone, as test_text_format shows."""
    import os
    import pty
    import subprocess
    import sys

    make_project({"acme": files_with(BAD_FILES)})
    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--as-of", AS_OF],
                          cwd=tmp_path, stdout=follower, stderr=subprocess.PIPE, timeout=120,
                          env={**os.environ, "MILEPOST_DOCS_URL": ""})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 1
    assert (f"What each message means and what to do: {BASE}reference/messages.html"
            in shown.decode())


def test_text_format(make_project, run_cli) -> None:
    make_project({"acme": files_with(BAD_FILES)})
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1 and err == ""
    assert out.split("\n") == [
        "projects/acme/roadmap.yml:5:14: error: milestones[0].planned: '2026-02-30' is not a "
        "real date: February 2026 has 28 days",
        "projects/acme/roadmp.yml: warning: unknown file 'roadmp.yml' (did you mean "
        "'roadmap.yml'?): Milepost reads client.yml, roadmap.yml, signoffs.yml, changes.yml, "
        "risks.yml, feedback.yml and the folders decisions/ and updates/",
        "1 client checked: 1 error, 1 warning (1 with errors)",
        "",
    ]


def test_github_format(make_project, run_cli) -> None:
    make_project({"acme": files_with(BAD_FILES)})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "github", "--as-of", AS_OF)
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert lines[0] == (
        "::error file=projects/acme/roadmap.yml,line=5,col=14::milestones[0].planned: "
        "'2026-02-30' is not a real date: February 2026 has 28 days")
    # A problem without a position has no line/col.
    assert lines[1].startswith("::warning file=projects/acme/roadmp.yml::unknown file")
    assert lines[-1] == "1 client checked: 1 error, 1 warning (1 with errors)"
    for line in lines[:-1]:
        assert re.match(r"^::(error|warning) file=[^,:]+(,line=\d+,col=\d+)?::\S", line), line


def test_github_format_escapes_newlines_and_percent(make_project, run_cli) -> None:
    roadmap = VALID_TEXT["roadmap.yml"].replace("id: D3", 'id: "50%\\nbad"')
    make_project({"acme": files_with({"roadmap.yml": roadmap})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "github", "--as-of", AS_OF)
    assert code == 1
    first = out.split("\n")[0]
    assert "'50%25%0Abad' is not a valid ID" in first


def test_text_format_is_one_line_per_problem(make_project, run_cli) -> None:
    roadmap = VALID_TEXT["roadmap.yml"].replace("id: D3", 'id: "50%\\nbad"')
    make_project({"acme": files_with({"roadmap.yml": roadmap})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("projects/acme/roadmap.yml:21:13: error: ")


def test_json_format(make_project, run_cli) -> None:
    make_project({"acme": files_with(BAD_FILES)})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "json", "--as-of", AS_OF)
    assert code == 1
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert {"file", "line", "column", "path", "message", "severity"} <= set(item)
    assert data[0] == {
        "file": "projects/acme/roadmap.yml", "line": 5, "column": 14,
        "path": "milestones[0].planned",
        "message": "'2026-02-30' is not a real date: February 2026 has 28 days",
        "severity": "error", "client": "acme"}
    assert data[1]["severity"] == "warning" and data[1]["line"] == 0


def test_json_format_when_clean_is_an_empty_list(make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "json", "--as-of", AS_OF)
    assert code == 0
    assert json.loads(out) == []


def test_json_keeps_non_ascii(make_project, run_cli) -> None:
    risks = VALID_TEXT["risks.yml"].replace("owner: Pat Lee", "owner: Zoë Müller")
    make_project({"acme": files_with({"risks.yml": risks})})
    _, out, _ = run_cli("validate", "--projects", "projects", "--format", "json", "--as-of", AS_OF)
    assert "'Zoë Müller' is not in the team" in json.loads(out)[0]["message"]


def test_strict_json_has_only_errors(make_project, run_cli) -> None:
    make_project({"acme": files_with({"roadmp.yml": "milestones: []\n"})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "json", "--strict",
                           "--as-of", AS_OF)
    assert code == 1
    assert [p["severity"] for p in json.loads(out)] == ["error"]


def test_paths_are_shown_relative_to_the_working_folder(make_project, tmp_path: Path,
                                                       monkeypatch) -> None:
    root = make_project({"acme": files_with({"roadmap.yml": BAD_ROADMAP})})

    def shown(projects: Path) -> str:
        (problem,) = check_projects(projects, TODAY).problems
        return problem.file

    monkeypatch.chdir(root / "acme")  # not below the working folder: shown in full
    assert shown(root) == str(root / "acme" / "roadmap.yml")
    monkeypatch.chdir(root)
    assert shown(root) in ("acme/roadmap.yml", "./acme/roadmap.yml")
    monkeypatch.chdir(tmp_path)
    assert shown(Path("projects")) == "projects/acme/roadmap.yml"
    assert shown(root) == "projects/acme/roadmap.yml"


# --- command-line errors -----------------------------------------------------------------

def test_default_projects_folder(make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    assert run_cli("validate", "--as-of", AS_OF)[:2] == (0, "1 client checked: no problems\n")


def test_missing_projects_folder(run_cli) -> None:
    code, out, err = run_cli("validate", "--projects", "nowhere")
    assert code == 1 and out == ""
    assert err.startswith("error: nowhere: no such folder")
    assert "Traceback" not in err


@pytest.mark.parametrize("as_of", ["2026-13-01", "tomorrow", "01/06/2026"])
def test_bad_as_of(as_of: str, make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", as_of)
    assert code == 1 and out == ""
    assert err == f"error: --as-of '{as_of}' is not a date (expected YYYY-MM-DD)\n"


def test_source_date_epoch_sets_today(make_project, run_cli, monkeypatch) -> None:
    files = {"updates/2026-07-06.yml": VALID_TEXT["updates/2026-03-02.yml"].replace(
        "date: 2026-03-02", "date: 2026-07-06")}
    make_project({"acme": files_with(files)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28
    code, out, _ = run_cli("validate", "--projects", "projects")
    assert code == 0 and "is in the future (today is 2026-05-28)" in out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    code, _, err = run_cli("validate", "--projects", "projects")
    assert code == 1 and err.startswith("error: SOURCE_DATE_EPOCH 'soon'")


def test_settings_come_from_the_flags_then_the_environment_then_a_default() -> None:
    from pathlib import Path as P

    from generator.cli import parser
    from generator.settings import settings_from

    env = {"MILEPOST_FROM": "pm@agency.example", "MILEPOST_ACCESS": "secret/access.yml",
           "CI": "true", "SOURCE_DATE_EPOCH": "1780000000"}
    given = settings_from(parser().parse_args(["notify", "--all", "--smtp", "smtp://mx:25",
                                               "--from", "me@agency.example"]), env)
    assert (given.sender, given.smtp, given.in_ci, given.live) == (
        "me@agency.example", "smtp://mx:25", True, False)
    assert given.today.isoformat() == "2026-05-28"
    assert settings_from(parser().parse_args(["notify", "--all", "--eml", "out"]), env).sender \
        == "pm@agency.example"
    hosted = settings_from(parser().parse_args(["host", "nginx", "--out", "conf"]), env)
    assert hosted.access == P("secret/access.yml")
    assert settings_from(parser().parse_args(["host", "nginx", "--out", "conf", "--access",
                                              "a.yml"]), env).access == P("a.yml")
    plain = settings_from(parser().parse_args(["validate", "--as-of", "2026-01-02"]), {})
    assert (plain.projects, plain.access, plain.sender, plain.in_ci) == (
        P("projects"), P("access.yml"), None, False)
    assert plain.today.isoformat() == "2026-01-02"


def test_a_command_without_dates_never_reads_source_date_epoch(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert run_cli("schema", "--out", "schemas")[0] == 0
    code, _, err = run_cli("validate", "--as-of", "2026-13-01")
    assert (code, err) == (1, "error: --as-of '2026-13-01' is not a date (expected YYYY-MM-DD)\n")


def test_empty_projects_folder(tmp_path: Path, run_cli) -> None:
    (tmp_path / "projects").mkdir()
    assert run_cli("validate", "--projects", "projects")[:2] == (0, "0 clients checked: no problems\n")


@pytest.mark.slow
def test_subprocess_valid_and_invalid(make_project, run_subprocess) -> None:
    make_project({"acme": files_with({})})
    code, out, err = run_subprocess("validate", "--projects", "projects", "--as-of", AS_OF)
    assert (code, out, err) == (0, "1 client checked: no problems\n", "")

    make_project({"acme": files_with({"roadmap.yml": BAD_ROADMAP})})
    code, out, err = run_subprocess("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1 and err == ""
    assert out.startswith("projects/acme/roadmap.yml:5:14: error: milestones[0].planned: "
                          "'2026-02-30' is not a real date")
    assert "Traceback" not in out + err


@pytest.mark.slow
def test_subprocess_version(run_subprocess) -> None:
    code, out, _ = run_subprocess("--version")
    assert code == 0 and out.startswith("milepost ")


# --- milepost new ----------------------------------------------------------------------------

def test_new_creates_a_client_that_validates(tmp_path: Path, run_cli) -> None:
    code, out, err = run_cli("new", "acme", "--name", "Acme & Co")
    assert code == 0 and err == ""
    assert out.startswith("created projects/acme")
    folder = tmp_path / "projects" / "acme"
    assert (folder / "client.yml").is_file()
    assert (folder / "decisions").is_dir() and (folder / "updates").is_dir()
    checked = check_projects(tmp_path / "projects", date.today())
    assert errors(checked.problems) == [], [p.text() for p in checked.problems]
    (project,) = checked.projects
    assert project.client.name == "Acme & Co"
    assert project.client.project == "Project for Acme & Co"
    code, out, _ = run_cli("validate", "--projects", "projects")
    assert code == 0 and out.endswith(f"0 errors, {len(PLACEHOLDERS)} warnings\n")


def test_new_points_files_at_the_schemas(tmp_path: Path, run_cli) -> None:
    assert run_cli("new", "acme", "--name", "Acme")[0] == 0
    first = (tmp_path / "projects/acme/client.yml").read_text().split("\n")[0]
    assert first == "# yaml-language-server: $schema=../../schemas/client.schema.json"
    assert (tmp_path / "schemas/client.schema.json").is_file()
    update = next((tmp_path / "projects/acme/updates").iterdir()).read_text()
    assert update.startswith("# yaml-language-server: $schema=../../../schemas/update.schema")


NEW_WARNINGS = [
    "projects/acme/client.yml:6:10: warning: project: still the placeholder from `milepost "
    "new` ('Project for Acme'): replace it with the project's name, as the client knows it",
    "projects/acme/client.yml:8:10: warning: summary: still the placeholder from `milepost "
    "new` ('What the project is for, in two or…'): replace it with what the project is for, "
    "in a few sentences",
    "projects/acme/client.yml:11:12: warning: team[0].name: still the placeholder from "
    "`milepost new` ('Your name'): replace it with the person's full name (owner, by and "
    "deciders use it)",
    "projects/acme/client.yml:19:41: warning: communication[0].when: still the placeholder "
    "from `milepost new` ('Day and time, e.g. Mondays 10:00'): replace it with when it "
    "happens, e.g. Mondays 10:00 CET",
    "projects/acme/roadmap.yml:6:12: warning: milestones[0].title: still the placeholder from "
    "`milepost new` ('First milestone'): replace it with what is reached at this milestone "
    "(and check its planned date)",
    "projects/acme/roadmap.yml:11:25: warning: milestones[0].deliverables[0].title: still the "
    "placeholder from `milepost new` ('First deliverable'): replace it with what is handed to "
    "the client at this milestone",
    "projects/acme/updates/2026-01-05.yml:8:10: warning: summary: still the placeholder from "
    "`milepost new` ('How the project stands, in a few…'): replace it with how the project "
    "stands this week",
    "projects/acme/updates/2026-01-05.yml:10:5: warning: next[0]: still the placeholder from "
    "`milepost new` ('What comes next'): replace it with the next steps",
]


def test_new_warns_about_each_placeholder_where_it_is(tmp_path: Path, run_cli) -> None:
    assert run_cli("new", "acme", "--name", "Acme", "--start", "2026-01-05")[0] == 0
    code, out, _ = run_cli("validate", "--projects", "projects/acme", "--as-of", AS_OF)
    assert code == 0
    assert out.split("\n") == [*NEW_WARNINGS, "1 client checked: 0 errors, 8 warnings", ""]
    assert len(NEW_WARNINGS) == len(PLACEHOLDERS)
    for line in NEW_WARNINGS:  # each position points at the placeholder's text
        name, row, col = line.split(": ", 1)[0].rsplit(":", 2)
        text = (tmp_path / name).read_text(encoding="utf-8").split("\n")[int(row) - 1]
        assert any(text[int(col) - 1:].lstrip('"').startswith(p.written("Acme"))
                   for p in PLACEHOLDERS)
    code, out, _ = run_cli("validate", "--projects", "projects/acme", "--strict", "--as-of", AS_OF)
    assert code == 1 and out.endswith("1 client checked: 8 errors, 0 warnings (1 with errors)\n")


# A text the scaffold writes in double quotes (JSON style), outside its comments.
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def test_every_text_the_scaffold_writes_for_the_pm_is_a_placeholder_reported_where_it_is(
        tmp_path: Path) -> None:
    """The scaffold quotes the client's name and the texts it cannot know: each of the
    latter is in PLACEHOLDERS and reported at its line and column ('Project for Acme', the
    project's name when none is given, once was not)."""
    from generator.format.scaffold import new_client
    from generator.project.client import check_client_folder

    name = "Acme & Co"
    folder = new_client(tmp_path / "projects", "acme", name, None, date(2026, 1, 5),
                        tmp_path / "schemas")
    texts = {json.dumps(p.written(name), ensure_ascii=False): p for p in PLACEHOLDERS}
    written: dict[tuple[str, int, int], str] = {}
    for path in sorted(folder.rglob("*.yml")):
        for row, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line.lstrip().startswith("#"):
                continue
            for found in QUOTED.finditer(line):
                if found.group() != json.dumps(name, ensure_ascii=False):
                    where = (f"projects/acme/{path.relative_to(folder).as_posix()}", row,
                             found.start() + 1)
                    written[where] = found.group()
    assert sorted(set(written.values())) == sorted(texts)  # every one written, and no other
    _, problems = check_client_folder(folder, "projects", TODAY)
    reported = {(p.file, p.line, p.column): p.message for p in problems}
    for where, text in written.items():
        assert where in reported, f"{text} at {where} is not reported"
        shown = texts[text].written(name)
        assert reported[where].startswith(f"still the placeholder from `milepost new` "
                                          f"('{shown[:20]}"), reported[where]
    assert len(reported) == len(written)


def test_replacing_the_placeholders_leaves_no_warning(tmp_path: Path, run_cli) -> None:
    assert run_cli("new", "acme", "--name", "Acme", "--start", "2026-01-05")[0] == 0
    for path in (tmp_path / "projects" / "acme").rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for n, p in enumerate(PLACEHOLDERS):
            text = text.replace(f'"{p.written("Acme")}"', f"Real text {n}")
        path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("validate", "--projects", "projects/acme", "--strict", "--as-of", AS_OF)
    assert (code, out) == (0, "1 client checked: no problems\n")


@pytest.mark.slow
def test_publish_refuses_placeholders_and_build_only_warns(tmp_path: Path, run_cli) -> None:
    assert run_cli("new", "acme", "--name", "Acme", "--start", "2026-01-05")[0] == 0
    code, out, err = run_cli("publish", "--projects", "projects", "--to", "web", "--as-of", AS_OF)
    assert code == 1 and "acme: not built: invalid" in out
    assert ("projects/acme/client.yml:8:10: error: summary: still the placeholder from "
            "`milepost new` ('What the project is for, in two or…'): replace it with what the "
            "project is for, in a few sentences (not published: a client must never see it)"
            ) in err
    assert "error: not published: acme" in err
    assert not (tmp_path / "web" / "acme").exists()
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "1")
    assert code == 0 and "0 errors, 8 warnings" in err
    assert (tmp_path / "site" / "acme" / "index.html").is_file()


@pytest.mark.slow
def test_release_refuses_placeholders(tmp_path: Path, run_cli) -> None:
    import subprocess

    assert run_cli("new", "acme", "--name", "Acme", "--start", "2026-01-05")[0] == 0
    git = ["git", "-c", "user.name=PM", "-c", "user.email=pm@agency.example"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "New client"], cwd=tmp_path, check=True)
    code, _, err = run_cli("release", "acme", "v1", "--as-of", AS_OF)
    assert code == 1
    assert err.startswith("error: acme does not validate at HEAD; not released:\n"
                          "projects/acme/client.yml:6:10: error: project: still the placeholder")
    tags = subprocess.run(["git", "tag"], cwd=tmp_path, capture_output=True, text=True)
    assert tags.stdout == ""


@pytest.mark.slow
def test_new_folders_are_kept_by_git_and_ignored_by_the_loader(tmp_path: Path,
                                                                run_cli) -> None:
    import subprocess

    assert run_cli("new", "acme", "--name", "Acme")[0] == 0
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    listed = subprocess.run(["git", "ls-files", "projects/acme"], cwd=tmp_path, check=True,
                            capture_output=True, text=True).stdout.split()
    assert f"projects/acme/decisions/{KEEP_FILE}" in listed
    assert f"projects/acme/updates/{KEEP_FILE}" in listed
    checked = check_projects(tmp_path / "projects", TODAY)
    assert not [p for p in checked.problems if KEEP_FILE in p.file or "unknown" in p.message]


def docs_links(text: str) -> list[tuple[str, str]]:
    """Each link to the docs in a text, as (page, anchor)."""
    return re.findall(re.escape(base()) + r"([\w/.-]+\.html)(?:#([\w-]+))?", text)


def test_new_points_to_the_docs(tmp_path: Path, run_cli) -> None:
    """What `new` prints links to the fields reference, and each file's comment to its own
    section of it (client.yml to #client-yml, decisions/ to #decisions); nothing names the
    README. That each page and anchor exists is test_docs_site's check."""
    code, out, _ = run_cli("new", "acme", "--name", "Acme")
    assert code == 0
    assert docs_links(out) == [("reference/fields.html", "")]
    folder = tmp_path / "projects" / "acme"
    linked = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert "README" not in text, path
        section = path.relative_to(folder).parts[0].replace(".", "-")
        for page, anchor in docs_links(text):
            linked[path.relative_to(folder).as_posix()] = (page, anchor)
            assert (page, anchor) == ("reference/fields.html", section), path
    assert set(linked) == {"client.yml", "roadmap.yml", "signoffs.yml", "changes.yml",
                           "risks.yml", "feedback.yml", f"decisions/{KEEP_FILE}",
                           f"updates/{KEEP_FILE}"}


def test_the_docs_address_can_be_the_agencys(tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setenv("MILEPOST_DOCS_URL", "https://docs.agency.example/milepost")
    code, out, _ = run_cli("new", "acme", "--name", "Acme")
    assert code == 0
    assert out.endswith("The file format: "
                        "https://docs.agency.example/milepost/reference/fields.html\n")
    roadmap = (tmp_path / "projects" / "acme" / "roadmap.yml").read_text(encoding="utf-8")
    assert "# Fields: https://docs.agency.example/milepost/reference/fields.html#roadmap-yml\n" \
        in roadmap


@pytest.mark.parametrize("address", ["https://docs.example/x\n# injected: true", "ftp://x/",
                                     "docs.example", 'https://x/"'])
def test_a_docs_address_that_is_not_plain_is_not_used(address: str, monkeypatch,
                                                      capsys) -> None:
    monkeypatch.setenv("MILEPOST_DOCS_URL", address)
    assert docs_url("guide/ci.html") == BASE + "guide/ci.html"
    assert "MILEPOST_DOCS_URL is not a plain http(s) address" in capsys.readouterr().err


def test_every_command_help_ends_with_its_reference(capsys) -> None:
    """`milepost --help` ends with the docs' address; each command's (and `access add`'s,
    `host caddy`'s) with its section of the commands reference."""
    from generator.cli import parser

    def last_paragraph(argv: list[str]) -> list[str]:
        with pytest.raises(SystemExit):
            parser().parse_args([*argv, "--help"])
        return capsys.readouterr().out.split("\n\n")[-1].split()

    verbs = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert len(verbs) >= 15
    assert last_paragraph([]) == ["Documentation:", base()]
    for argv in ([[v] for v in verbs] + [["access", "add"], ["host", "caddy"]]):
        assert last_paragraph(argv) == ["Reference:", docs_url("reference/commands.html",
                                                               argv[0])], argv


@pytest.mark.parametrize("name", [
    'Acme "Best" & Co: Ltd', "yes", "1.10", "#hash", "- dash", "Zoë's Café", "*star", "null",
])
def test_new_with_awkward_names(name: str, tmp_path: Path, run_cli) -> None:
    code, _, err = run_cli("new", "acme", "--name", name, "--project", name,
                           "--start", "2026-01-05")
    assert code == 0, err
    checked = check_projects(tmp_path / "projects", TODAY)
    assert errors(checked.problems) == [], [p.text() for p in checked.problems]
    assert checked.projects[0].client.name == name
    assert checked.projects[0].client.project == name


def test_new_refuses_an_existing_folder(tmp_path: Path, run_cli) -> None:
    assert run_cli("new", "acme", "--name", "Acme")[0] == 0
    before = (tmp_path / "projects/acme/client.yml").read_text()
    code, out, err = run_cli("new", "acme", "--name", "Other")
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "already exists" in err
    assert "Traceback" not in err
    assert (tmp_path / "projects/acme/client.yml").read_text() == before


@pytest.mark.parametrize("slug", ["Acme", "acme co", "../evil", "-acme", "acme_co", ""])
def test_new_refuses_a_bad_slug(slug: str, tmp_path: Path, run_cli) -> None:
    code, out, err = run_cli("new", "--name", "Acme", "--", slug)
    assert code == 1 and out == ""
    assert err.startswith(f"error: '{slug}' is not a valid client slug")
    assert "Traceback" not in err
    assert not (tmp_path / "projects").exists() or not any((tmp_path / "projects").iterdir())
    assert not (tmp_path / "evil").exists()


def test_new_with_a_bad_start_date_is_an_error_not_a_crash(run_cli) -> None:
    code, _, err = run_cli("new", "acme", "--name", "Acme", "--start", "2026-02-30")
    assert "Traceback" not in err
    assert code == 1, err
    assert err.startswith("error: --start '2026-02-30' is not a date")


# --- milepost schema ---------------------------------------------------------------------------

def test_schema_writes_one_valid_json_file_per_kind(tmp_path: Path, run_cli) -> None:
    code, out, _ = run_cli("schema", "--out", "out/schemas")
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "out/schemas").iterdir())
    assert written == sorted(SCHEMA_FILES.values())
    assert set(SCHEMA_FILES) == set(FILE_KINDS)
    assert out.count("wrote ") == len(SCHEMA_FILES)
    for kind, name in SCHEMA_FILES.items():
        schema = json.loads((tmp_path / "out/schemas" / name).read_text(encoding="utf-8"))
        assert schema["$schema"].startswith("http://json-schema.org/")
        assert schema["type"] == ("array" if FILE_KINDS[kind][1] else "object")


def objects_in(schema: Any) -> list[dict[str, Any]]:
    """Every object schema (one with properties) nested anywhere in `schema`."""
    found = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += objects_in(value)
    elif isinstance(schema, list):
        for value in schema:
            found += objects_in(value)
    return found


def test_every_record_schema_forbids_unknown_properties(tmp_path: Path, run_cli) -> None:
    run_cli("schema", "--out", "s")
    for name in SCHEMA_FILES.values():
        schema = json.loads((tmp_path / "s" / name).read_text())
        records = objects_in(schema)
        assert records, name
        for record in records:
            assert record["additionalProperties"] is False, (name, record.get("description"))
            assert "internal_notes" in record["properties"]


# A small validator for the subset of JSON Schema that schema.py writes (no jsonschema here).
def schema_errors(schema: dict[str, Any], value: Any, at: str = "") -> list[str]:
    errors: list[str] = []
    kind = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in enum")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{at}: not an object"]
        props = schema.get("properties", {})
        errors += [f"{at}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in props:
                errors += schema_errors(props[key], item, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}: unknown property {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(schema["additionalProperties"], item, f"{at}.{key}")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{at}: not an array"]
        for i, item in enumerate(value):
            errors += schema_errors(schema["items"], item, f"{at}[{i}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{at}: not a string"]
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{at}: does not match {schema['pattern']}")
    elif kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            return [f"{at}: not a number"]
    elif kind == "boolean" and not isinstance(value, bool):
        errors.append(f"{at}: not a boolean")
    return errors


def as_json(value: Any) -> Any:
    """What a YAML editor sees: dates are strings."""
    return json.loads(json.dumps(value, default=str))


def schema_for(tmp_path: Path, run_cli, name: str) -> dict[str, Any]:
    if not (tmp_path / "s").is_dir():
        run_cli("schema", "--out", "s")
    kind = name.split("/", 1)[0]
    return json.loads((tmp_path / "s" / SCHEMA_FILES[kind]).read_text())


@pytest.mark.parametrize("name", list(VALID_TEXT))
def test_schema_accepts_the_valid_example(name: str, tmp_path: Path, run_cli) -> None:
    data = as_json(valid_data()[name])
    assert schema_errors(schema_for(tmp_path, run_cli, name), data) == []


def test_schema_rejects_unknown_property_in_example(tmp_path: Path, run_cli) -> None:
    client = as_json(valid_data()["client.yml"])
    client["colour_scheme"] = "dark"
    client["team"][0]["nickname"] = "Pat"
    errors = schema_errors(schema_for(tmp_path, run_cli, "client.yml"), client)
    assert sorted(errors) == [".team[0]: unknown property nickname",
                              ": unknown property colour_scheme"]

    roadmap = as_json(valid_data()["roadmap.yml"])
    roadmap["milestones"][0]["titel"] = "x"
    errors = schema_errors(schema_for(tmp_path, run_cli, "roadmap.yml"), roadmap)
    assert errors == [".milestones[0]: unknown property titel"]


def test_schema_rejects_bad_enum_and_missing_field(tmp_path: Path, run_cli) -> None:
    signoffs = as_json(valid_data()["signoffs.yml"])
    signoffs[0]["via"] = "no"
    del signoffs[0]["by"]
    errors = schema_errors(schema_for(tmp_path, run_cli, "signoffs.yml"), signoffs)
    assert sorted(errors) == ["[0].via: 'no' not in enum", "[0]: missing by"]


def test_a_folder_that_cannot_be_written_is_an_error_not_a_crash(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    code, _, err = run_cli("schema", "--out", "a-file/schemas")
    assert code == 1
    assert err.startswith("error: a-file/schemas: Not a directory")
    assert "Traceback" not in err


# --- a client's own folder where a projects folder is expected -------------------------------

def test_validate_takes_a_client_folder_or_client(make_project, run_cli, monkeypatch) -> None:
    make_project({"acme": files_with({}), "beta": files_with({"roadmap.yml": BAD_ROADMAP})})
    clean = (0, "1 client checked: no problems\n")
    for args in (["--projects", "projects/acme"], ["--projects", "projects/acme/"],
                 ["--projects", "projects", "--client", "acme"], ["--client", "acme"]):
        assert run_cli("validate", *args, "--as-of", AS_OF)[:2] == clean, args
    code, out, _ = run_cli("validate", "--projects", "projects/beta", "--as-of", AS_OF)
    assert code == 1
    assert out.startswith("projects/beta/roadmap.yml:5:14: error: milestones[0].planned: ")
    assert out.endswith("1 client checked: 1 error, 0 warnings (1 with errors)\n")
    monkeypatch.chdir("projects/acme")  # from inside the client's folder
    assert run_cli("validate", "--projects", ".", "--as-of", AS_OF)[:2] == clean


def test_validate_client_must_name_a_client_of_the_folder(make_project, run_cli) -> None:
    make_project({"acme": files_with({}), "beta": files_with({})})
    code, out, err = run_cli("validate", "--projects", "projects", "--client", "gamma")
    assert (code, out) == (1, "")
    assert err == "error: no client folder named gamma in projects (clients: acme, beta)\n"
    code, out, err = run_cli("validate", "--projects", "projects/acme", "--client", "beta")
    assert (code, out) == (1, "")
    assert err == ("error: projects/acme is the folder of client acme, but --client names "
                   "beta: give the projects folder projects to choose among its clients\n")


def test_a_folder_that_is_neither_is_refused_clearly(make_project, run_cli) -> None:
    make_project({"acme": files_with({}), "beta": files_with({"client.yml": None})})
    code, out, err = run_cli("validate", "--projects", "projects/acme/decisions")
    assert (code, out) == (1, "")
    assert err == (
        "error: projects/acme/decisions is neither a client's folder (there is no client.yml "
        "in it) nor a projects folder (it holds DR-001.yml but no client folders): name a "
        "client's folder or the projects folder that holds them; a client's folder needs a "
        f"client.yml (see {docs_url('guide/client-folder.html')})\n")
    code, out, err = run_cli("build", "--projects", "projects/beta", "--out", "site")
    assert (code, out) == (1, "")
    assert err.startswith("error: projects/beta is neither a client's folder (there is no "
                          "client.yml in it) nor a projects folder (it holds changes.yml, "
                          "decisions/, risks.yml, roadmap.yml, … but no client folders)")
    # A projects folder with a client lacking client.yml is still a projects folder.
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1 and "projects/beta: error: missing client.yml" in out


@pytest.mark.slow
def test_build_takes_a_client_folder(make_project, run_cli, tmp_path: Path) -> None:
    make_project({"acme": files_with({}), "beta": files_with({})})
    code, out, err = run_cli("build", "--projects", "projects/acme", "--out", "site", "--as-of", AS_OF,
                             "-j", "1")
    assert code == 0, err
    assert (tmp_path / "site" / "acme" / "index.html").is_file()
    assert not (tmp_path / "site" / "beta").exists()
    assert out.startswith("acme: built")


def test_diff_takes_a_client_folder(make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    for args in (["projects/acme", "working"], ["acme", "working", "--projects", "projects/acme"]):
        code, out, err = run_cli("diff", *args, "--as-of", AS_OF)
        assert code == 0, (args, err)
        assert out.startswith("acme: changes in the working tree since the working tree")
    code, _, err = run_cli("diff", "beta", "working", "--projects", "projects/acme")
    assert code == 1
    assert err == "error: --projects projects/acme is the folder of client acme, not of 'beta'\n"


# --- IDs that would overwrite a page the site writes ---------------------------------------

@pytest.mark.parametrize("decision_id", ["Index", "index", "INDEX"])
def test_a_decision_id_cannot_take_the_place_of_the_decisions_index(
        decision_id: str, make_project, run_cli) -> None:
    decision = VALID_TEXT["decisions/DR-001.yml"].replace("id: DR-001", f"id: {decision_id}")
    make_project({"acme": files_with({"decisions/DR-001.yml": decision})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    assert out.split("\n")[0] == (
        f"projects/acme/decisions/DR-001.yml:1:5: error: id: decision ID '{decision_id}' would "
        "replace the Decisions page (decisions/index.md): each decision gets a page named "
        "after its ID, and these IDs are reserved for pages the site writes: index (in any "
        "capitals); choose another ID, e.g. DR-001")


# --- one client's unexpected failure ---------------------------------------------------------

# Loaded by every Milepost process of the test (workers included, whatever the start method):
# validating the client "broken" raises an error no check anticipates.
FAULT = '''\
import generator.project.client as client

_real = client.read_and_check


def _check(folder, *args, **kwargs):
    if folder.name == "broken":
        raise RuntimeError("disk on fire\\nand a second line")
    return _real(folder, *args, **kwargs)


client.read_and_check = _check
'''


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unexpected_failure_of_one_client_does_not_stop_the_others(
        jobs: str, make_project, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    make_project({"acme": files_with({}), "broken": files_with({}), "zeta": files_with({})})
    (tmp_path / "fault").mkdir()
    (tmp_path / "fault" / "sitecustomize.py").write_text(FAULT, encoding="utf-8")
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(tmp_path / "fault"), str(repo)])}

    def build(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "generator", *extra, "build", "--projects", "projects",
                               "--as-of", AS_OF, "-j", jobs], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    done = build()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "broken: FAILED: RuntimeError: disk on fire (0 pages" in done.stdout
    assert "second line" not in done.stdout
    table = done.stdout[done.stdout.index("client  pages"):].split("\n")
    assert [row.split()[0] for row in table[1:4]] == ["acme", "broken", "zeta"]
    assert table[1].endswith("ok") and table[2].endswith("build failed")
    assert table[3].endswith("ok")
    assert done.stderr.endswith("error: not built: broken (what was there before is "
                                "unchanged)\n")
    assert (tmp_path / "site" / "acme" / "index.html").is_file()
    assert (tmp_path / "site" / "zeta" / "index.html").is_file()
    debug = build("--debug")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "RuntimeError: disk on fire" in debug.stderr


@pytest.mark.parametrize("port", ["99999", "65536", "0", "-1", "http"])
def test_serve_refuses_a_port_that_is_not_one(port: str, make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    code, out, err = run_cli("serve", "acme", "--port", port)
    assert code == 2 and out == ""
    assert err.rstrip("\n").endswith(f"error: argument --port: '{port}' is not a port number: "
                                     "use a whole number from 1 to 65535, e.g. 8000")
    assert "Traceback" not in err


# --- git missing --------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ("plan", "--projects", "projects", "--changed-since", "HEAD"),
    ("release", "acme", "v1", "--as-of", AS_OF),
    ("diff", "acme", "--since", "HEAD", "--as-of", AS_OF),
    ("publish", "--projects", "projects", "--branch", "gh-pages", "--as-of", AS_OF),
    ("notify", "acme", "--eml", "out", "--as-of", AS_OF),
])
def test_without_git_a_command_that_needs_it_says_so(make_project, tmp_path, args):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    client = VALID_TEXT["client.yml"].replace(  # someone to send a digest to, and where
        "    lead: true\n", "    lead: true\n    email: cleo@acme.example\n    notify: true\n")
    make_project({"acme": files_with({"client.yml": client
                                      + "site_url: https://projects.example/acme/\n"})})
    empty = tmp_path / "bin"  # PATH with no git in it
    empty.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
           "PATH": str(empty), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "generator", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: git is not installed (no `git` on PATH): "), \
        done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_git_command_that_hangs_is_stopped_with_a_clear_message(tmp_path, monkeypatch):
    import shutil

    from generator.history import git
    from generator.problems import MilepostError

    stuck = tmp_path / "bin" / "git"  # a git that never answers (as one waiting on a lock)
    stuck.parent.mkdir()
    stuck.write_text(f"#!/bin/sh\nexec {shutil.which('sleep')} 60\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("PATH", str(stuck.parent))
    monkeypatch.setattr(git, "TIMEOUT", 1)
    with pytest.raises(MilepostError) as caught:
        git.repo_root(tmp_path)
    assert str(caught.value) == (f"git rev-parse --show-toplevel did not finish within 1 second "
                                 f"(in {tmp_path}): is another git process holding a lock there?")


# --- one spelling of the projects folder, and the options every command shares ---------------

def _subcommands() -> dict[str, Any]:
    """Every command's own parser, `access add` and `host nginx` included, by its words."""
    import argparse

    from generator.cli import parser

    found, todo = {}, [("", parser())]
    while todo:
        words, p = todo.pop()
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo += [(f"{words} {name}".strip(), sub) for name, sub in action.choices.items()]
        if words:
            found[words] = p
    return found


def test_every_command_takes_the_projects_folder_as_the_option_projects() -> None:
    takes = {}
    for words, p in _subcommands().items():
        for action in p._actions:
            if action.dest == "projects":
                takes[words] = action.option_strings
    assert takes == dict.fromkeys(["validate", "build", "assemble", "serve", "release", "diff",
                                   "publish",
                                   "plan", "notify", "inbox", "new", "access add",
                                   "access rotate", "host nginx", "host caddy"],
                                  ["--projects"])


def test_shared_options_read_the_same_in_every_command() -> None:
    """--projects, --as-of, --client, -j and --strict come from one definition each."""
    helps: dict[str, set[str]] = {}
    for p in _subcommands().values():
        for action in p._actions:
            if action.dest in ("projects", "as_of", "client", "jobs", "strict"):
                helps.setdefault(action.dest, set()).add(action.help)
    assert {dest: len(texts) for dest, texts in helps.items()} == dict.fromkeys(
        ["projects", "as_of", "client", "jobs", "strict"], 1)


def test_the_old_positional_projects_still_works_with_a_deprecation_note(
        make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    new = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    old = run_cli("validate", "projects", "--as-of", AS_OF)
    assert old[:2] == new[:2] == (0, "1 client checked: no problems\n")
    assert new[2] == ""
    assert old[2] == ("note: `milepost validate projects` is deprecated: write `milepost "
                      "validate --projects projects` (the folder as a positional argument "
                      "will stop working in a later version)\n")


@pytest.mark.parametrize("words", [["build", "work/clients", "--out", "site"],
                                   ["publish", "work/clients", "--to", "web"],
                                   ["plan", "work/clients", "--changed-since", "HEAD"]])
def test_each_command_that_took_the_positional_folder_still_does(words) -> None:
    from generator.cli import parser, take_old_projects

    args = parser().parse_args(words)
    assert take_old_projects(args).startswith(f"note: `milepost {words[0]} work/clients` is "
                                              "deprecated: write `milepost "
                                              f"{words[0]} --projects work/clients`")
    assert args.projects == "work/clients"


def test_the_projects_folder_given_both_ways_must_agree(make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    assert run_cli("validate", "projects", "--projects", "projects", "--as-of", AS_OF)[0] == 0
    code, out, err = run_cli("validate", "elsewhere", "--projects", "projects")
    assert (code, out) == (1, "")
    assert err == ("error: the projects folder is given twice (elsewhere and --projects "
                   "projects): give it once, as --projects DIR\n")


# --- the agency's view never goes where a Pages host serves it -----------------------------------

@pytest.mark.parametrize("to", ["public", "./public/", "public/agency"])
def test_publish_refuses_the_agency_view_into_gitlab_pages_folder(to: str, tmp_path: Path,
                                                                  run_cli, monkeypatch) -> None:
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    code, out, err = run_cli("publish", "--to", to, "--agency")
    assert (code, out) == (1, "")
    assert err == (f"error: --agency cannot be published into {to}: in GitLab CI, GitLab Pages "
                   "serves public/ (to anyone who has the address, unless the project's Pages "
                   "access control is on), and the agency's view holds every internal record "
                   "and note; publish it to your own server behind a login (`milepost init-ci` "
                   f"does by default; see {docs_url('guide/hosting.html')})\n")
    assert not (tmp_path / "public").exists()  # refused before anything is built


def test_publish_refuses_the_agency_view_into_a_github_pages_checkout(tmp_path: Path,
                                                                    run_cli) -> None:
    # A checkout of the branch `publish --branch gh-pages` writes: its root holds .nojekyll.
    (tmp_path / "gh-pages" / "acme").mkdir(parents=True)
    (tmp_path / "gh-pages" / ".nojekyll").touch()
    for to in ("gh-pages", "gh-pages/acme"):
        code, _, err = run_cli("publish", "--to", to, "--agency")
        assert code == 1, to
        assert err.startswith(f"error: --agency cannot be published into {to}: "
                              f"{tmp_path / 'gh-pages'} is a GitHub Pages folder (it holds "
                              ".nojekyll): GitHub Pages serves it to anyone")
    assert sorted(p.name for p in (tmp_path / "gh-pages").iterdir()) == [".nojekyll", "acme"]


def test_only_folders_a_pages_host_serves_are_refused(tmp_path: Path) -> None:
    from generator.ship.publish import served_publicly

    gitlab = {"GITLAB_CI": "true", "CI_PROJECT_DIR": str(tmp_path)}
    assert served_publicly(Path("public"), gitlab, tmp_path)
    assert served_publicly(tmp_path / "public", gitlab, Path("/"))
    # The SSH deploy's folder, a public/ outside GitLab CI, a public/ of another folder:
    assert served_publicly(Path("site"), gitlab, tmp_path) is None
    assert served_publicly(Path("public"), {}, tmp_path) is None
    assert served_publicly(Path("public"), gitlab, tmp_path / "elsewhere") is None


# --- the projects folder as the working folder ---------------------------------------------------

def test_new_in_the_projects_folder_itself_then_validate_reads_only_clients(tmp_path: Path,
                                                                           run_cli) -> None:
    # An agency that keeps its clients at the top of the repository: `new` writes the
    # editors' schemas beside the clients, and later a built site and a server's
    # configuration land there too. None of them is a client.
    code, out, err = run_cli("new", "acme", "--name", "Acme Ltd", "--projects", ".")
    assert (code, err) == (0, "")
    assert (tmp_path / "schemas" / "client.schema.json").is_file()
    first = (tmp_path / "acme" / "client.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/client.schema.json"
    (tmp_path / "site" / "acme").mkdir(parents=True)
    (tmp_path / "site" / "acme" / "index.html").write_text("<html></html>")
    (tmp_path / "deploy" / "users").mkdir(parents=True)
    (tmp_path / "deploy" / "nginx.conf").write_text("events {}\n")
    code, out, err = run_cli("validate", "--projects", ".", "--as-of", AS_OF)
    assert code == 0, out
    assert "schemas" not in out and "site" not in out and "deploy" not in out
    assert out.splitlines()[-1].startswith("1 client checked: 0 errors, ")  # placeholders warn
    # A folder with a client's files but no client.yml is still a client missing it.
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "roadmap.yml").write_text("milestones: []\n")
    code, out, _ = run_cli("validate", "--projects", ".", "--as-of", AS_OF)
    assert code == 1 and "beta: error: missing client.yml" in out


def test_a_client_named_where_the_old_projects_folder_went_is_pointed_to_client(
        make_project, run_cli) -> None:
    """`milepost build acme`, written as `serve acme` is: the old note said to write
    `--projects acme`, which fails in turn; the client option is what was meant."""
    make_project({"acme": files_with({})})
    code, out, err = run_cli("build", "acme", "--out", "site", "--as-of", AS_OF)
    assert (code, out) == (1, "")
    assert err == ("error: 'acme' is a client in projects/, not a projects folder: write "
                   "`milepost build --client acme`\n")
    code, out, err = run_cli("plan", "acme", "--changed-since", "HEAD")
    assert (code, err) == (1, "error: 'acme' is a client in projects/, not a projects folder: "
                              "write `milepost plan --projects projects/acme`\n")
