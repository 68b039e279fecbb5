"""Versions, what changed and publishing, against real git repositories made in tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.cli import parser
from generator.site.output import SHARED
from tests.conftest import article_text as article
from tests.conftest import git, milepost, tree_bytes

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # real git repositories and the real CLI

CLIENT = """\
name: Kestrel Cycles
project: Booking system
start: 2026-09-01
team:
  - {name: Ana Pérez, role: Project manager, side: team}
  - {name: Lena Vogt, role: Owner, side: client, lead: true}
budget: {currency: EUR, total: 20000, spent: 5000, as_of: 2026-09-30}
"""

ROADMAP = """\
milestones:
  - id: M1
    title: Booking flow designed
    planned: 2026-10-15
    deliverables:
      - {id: D1, title: Booking flow designs, signoff: true}
  - id: M2
    title: Booking live
    planned: 2026-11-13
    depends_on: [M1]
client_tasks:
  - {id: T1, title: Send opening hours, owner: Lena Vogt, due: 2026-10-05, blocks: [M1]}
"""

DR1 = """\
id: DR-001
title: Host on the shop's server
status: accepted
date: 2026-09-10
deciders: [Lena Vogt]
context: The shop already rents a server.
"""

DR2 = """\
id: DR-002
title: Host on a managed platform
status: accepted
date: 2026-10-20
deciders: [Lena Vogt]
context: The old server cannot run the booking engine.
supersedes: [DR-001]
"""


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / "projects" / "kestrel" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """v1 on 1 October; v2 on 2 November: forecast moved, D1 signed off after changes were
    requested, DR-001 superseded by DR-002. Then a later forecast in the working tree."""
    repo = tmp_path_factory.mktemp("repo")
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT)
    write(repo, "roadmap.yml", ROADMAP)
    write(repo, "decisions/001.yml", DR1)
    (repo / "projects" / "other").mkdir(parents=True)
    (repo / "projects" / "other" / "client.yml").write_text(
        "name: Other Co\nproject: Other\nstart: 2026-09-01\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan", day="2026-10-01")
    git(repo, "tag", "-a", "kestrel/v1", "-m", "Signed plan", day="2026-10-01")
    write(repo, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13",
                                               "planned: 2026-11-13\n    forecast: 2026-12-04"))
    write(repo, "signoffs.yml", """\
- {deliverable: D1, version: "1.0", date: 2026-10-14, by: Lena Vogt, outcome: changes-requested, via: email}
- {deliverable: D1, version: "1.1", date: 2026-10-21, by: Lena Vogt, outcome: approved, via: e-signature}
""")
    write(repo, "decisions/002.yml", DR2)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "November", day="2026-11-02")
    git(repo, "tag", "-a", "kestrel/v2", "-m", "November baseline", day="2026-11-02")
    write(repo, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13",
                                               "planned: 2026-11-13\n    forecast: 2026-12-11"))
    git(repo, "commit", "-qam", "Later still", day="2026-11-20")
    return repo


@pytest.fixture(scope="module")
def built(repo: Path) -> Path:
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def test_layout_and_versions_json(built: Path):
    site = built / "kestrel"
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith(".")) == [
        "feed.xml", "index.html", "latest", "robots.txt", "v1", "v2", "versions.json"]
    assert json.loads((site / "versions.json").read_text()) == [
        {"version": "latest", "title": "latest", "aliases": []},
        {"version": "v2", "title": "v2 (2\u00a0Nov\u00a02026): November baseline", "aliases": []},
        {"version": "v1", "title": "v1 (1\u00a0Oct\u00a02026): Signed plan", "aliases": []},
    ]
    assert 'url=latest/index.html' in (site / "index.html").read_text()
    # Material's version selector reads mike's versions.json only with provider mike.
    for version in ("v1", "v2", "latest"):
        page = (site / version / "index.html").read_text(encoding="utf-8")
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                           page, re.S)
        assert config, f"{version}: no Material config on the page"
        assert json.loads(config.group(1))["version"] == {"provider": "mike"}, version


def test_older_versions_carry_a_banner_and_latest_does_not(built: Path):
    v1 = article(built / "kestrel" / "v1" / "roadmap.html")
    assert v1.startswith("You are viewing the plan as of v1 (1 October 2026). See the latest.")
    html = (built / "kestrel" / "v1" / "decisions" / "dr-001.html").read_text()
    assert 'href="../../latest/decisions/dr-001.html"' in html
    assert "You are viewing the plan" not in article(built / "kestrel" / "latest" / "index.html")


def test_each_version_is_dated_by_its_tag(built: Path):
    v1 = article(built / "kestrel" / "v1" / "waiting.html")
    assert "as of 1 October 2026" in v1 and "Due in 4 days" in v1
    latest = article(built / "kestrel" / "latest" / "waiting.html")
    assert "Overdue by 49 days" in latest


def test_what_changed_in_v2_sentence_by_sentence(built: Path):
    text = article(built / "kestrel" / "v2" / "what-changed.html")
    assert "Changes in v2 since v1 (1 October 2026)." in text
    assert "Released with the note: November baseline" in text
    for sentence in [
        "Milestone M2 Booking live: forecast set to 4 December 2026, 21 days after the planned "
        "13 November.",
        "D1 Booking flow designs version 1.0 sent back with changes requested by Lena Vogt "
        "on 14 October 2026.",
        "D1 Booking flow designs version 1.1 signed off by Lena Vogt on 21 October 2026.",
        "Decision DR-001 Host on the shop's server: accepted → superseded by DR-002.",
        "Decision DR-002 Host on a managed platform added (accepted).",
    ]:
        assert sentence in text, sentence


def test_the_overview_counts_the_changes_since_the_last_version(built: Path):
    assert "1 change since v2 (2 November 2026): see what changed" in article(
        built / "kestrel" / "latest" / "index.html")
    assert "5 changes since v1 (1 October 2026): see what changed" in article(
        built / "kestrel" / "v2" / "index.html")


def test_latest_compares_with_the_last_version(built: Path):
    text = article(built / "kestrel" / "latest" / "what-changed.html")
    assert "Changes in this site since v2 (2 November 2026)." in text
    assert ("Milestone M2 Booking live: forecast moved from 4 December 2026 to 11 December "
            "2026 (7 days later than in v2), 28 days after the planned 13 November.") in text


def test_roadmap_shows_slip_history_and_baseline(built: Path):
    text = article(built / "kestrel" / "latest" / "roadmap.html").replace("\u00a0", " ")
    assert ("M2 Booking live: planned 13 Nov 2026 in v1; forecast 4 Dec 2026 in v2; "
            "forecast 11 Dec 2026 in latest") in text


def test_a_no_op_rebuild_rebuilds_nothing(repo: Path, built: Path):
    before = (built / "kestrel" / "v1" / "index.html").stat().st_mtime_ns
    started = time.perf_counter()
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23")
    assert result.returncode == 0
    assert "kestrel: built: rebuilt nothing (up to date)" in result.stdout
    assert (built / "kestrel" / "v1" / "index.html").stat().st_mtime_ns == before
    assert time.perf_counter() - started < 10  # generous: the benchmark measures properly


def test_diff_prints_the_same_summary(repo: Path, built: Path):
    result = milepost(repo, "diff", "kestrel", "v1", "v2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kestrel: changes in v2 since v1 (2026-10-01)\n")
    assert "  - Decision DR-001 Host on the shop's server: accepted → superseded by DR-002." \
        in result.stdout
    markdown = milepost(repo, "diff", "kestrel", "--format", "markdown")
    assert markdown.stdout.startswith("### kestrel: changes in the working tree since v2")
    # The same sentence, with by how much and against what, as the latest site says.
    moved = ("Milestone M2 Booking live: forecast moved from 4 December 2026 to 11 December "
             "2026 (7 days later than in v2), 28 days after the planned 13 November.")
    assert moved in milepost(repo, "diff", "kestrel").stdout
    assert moved in article(built / "kestrel" / "latest" / "what-changed.html")
    unknown = milepost(repo, "diff", "kestrel", "v9")
    assert unknown.returncode == 1
    assert "kestrel has no version 'v9' (versions: v1, v2)" in unknown.stderr


def test_diff_since_a_revision_compares_with_the_files_there(repo: Path):
    since = milepost(repo, "diff", "kestrel", "--since", "kestrel/v2")
    assert since.returncode == 0, since.stderr
    assert since.stdout.startswith("kestrel: changes in the working tree since kestrel/v2 "
                                   "(2026-11-02)\n")
    assert ("forecast moved from 4 December 2026 to 11 December 2026 (7 days later than in "
            "kestrel/v2), 28 days after the planned 13 November.") in since.stdout
    both = milepost(repo, "diff", "kestrel", "v1", "--since", "main")
    assert both.returncode == 1
    assert both.stderr == "error: give FROM (v1) or --since (main), not both\n"
    unknown = milepost(repo, "diff", "kestrel", "--since", "nope")
    assert unknown.returncode == 1 and "'nope' is not a commit of this repository" in \
        unknown.stderr
    new = milepost(repo, "diff", "other", "--since", "kestrel/v1")
    assert new.returncode == 0, new.stderr  # other was there at v1


def test_release_refuses_existing_dirty_and_invalid(repo: Path, tmp_path: Path):
    exists = milepost(repo, "release", "kestrel", "v2")
    assert exists.returncode == 1
    assert "version v2 of kestrel exists already" in exists.stderr
    client = repo / "projects" / "kestrel" / "client.yml"
    client.write_text(CLIENT + "# edited\n", encoding="utf-8")
    try:
        dirty = milepost(repo, "release", "kestrel", "v3")
        assert dirty.returncode == 1
        assert "kestrel has uncommitted changes (projects/kestrel/client.yml)" in dirty.stderr
    finally:
        git(repo, "checkout", "-q", "projects/kestrel/client.yml")
    assert git(repo, "tag", "--list", "kestrel/v3") == ""


def test_release_refuses_an_invalid_client_and_tags_a_valid_one(tmp_path: Path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT.replace("start: 2026-09-01", "start: 2026-02-30"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "broken")
    bad = milepost(repo, "release", "kestrel", "v1")
    assert bad.returncode == 1
    assert "kestrel does not validate at HEAD; not released" in bad.stderr
    assert "client.yml:3:8: error: start: '2026-02-30' is not a real date" in bad.stderr
    write(repo, "client.yml", CLIENT)
    git(repo, "commit", "-qam", "fixed")
    good = milepost(repo, "release", "kestrel", "v1", "-m", "First plan")
    assert good.returncode == 0, good.stderr
    assert git(repo, "tag", "-n1", "--list", "kestrel/v1").split() == [
        "kestrel/v1", "First", "plan"]


def test_plan_lists_only_the_client_touched(repo: Path):
    result = milepost(repo, "plan", "--changed-since", "kestrel/v2", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"clients": ["kestrel"]}
    none = milepost(repo, "plan", "--changed-since", "HEAD")
    assert none.stdout == "\n"
    bad = milepost(repo, "plan", "--changed-since", "nope")
    assert bad.returncode == 1 and "'nope' is not a commit" in bad.stderr


def test_plan_and_release_take_a_client_folder(repo: Path):
    mine = milepost(repo, "plan", "--projects", "projects/kestrel", "--changed-since", "kestrel/v1")
    assert (mine.returncode, mine.stdout) == (0, "kestrel\n"), mine.stderr
    other = milepost(repo, "plan", "--projects", "projects/other", "--changed-since", "kestrel/v1")
    assert (other.returncode, other.stdout) == (0, "\n"), other.stderr
    exists = milepost(repo, "release", "projects/kestrel", "v2")
    assert exists.returncode == 1
    assert "version v2 of kestrel exists already" in exists.stderr


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_interrupted_publish_leaves_the_last_one_intact(repo: Path, tmp_path: Path):
    to = tmp_path / "public"
    first = milepost(repo, "publish", "--to", str(to), "--as-of", "2026-11-23", "-j", "1")
    assert first.returncode == 0, first.stderr
    before = _tree_hashes(to / "kestrel")
    # A new day means latest must be rebuilt; kill the publish while it is building.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "publish", "--to", str(to),
                             "--as-of", "2026-11-24", "-j", "1", "--client", "kestrel"],
                            cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not list(to.glob(".kestrel.publishing-*/out/kestrel")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _tree_hashes(to / "kestrel") == before
    again = milepost(repo, "publish", "--to", str(to), "--as-of", "2026-11-24", "-j", "1")
    assert again.returncode == 0, again.stderr
    after = _tree_hashes(to / "kestrel")
    assert after["v1/index.html"] == before["v1/index.html"]  # published versions untouched
    assert after["latest/index.html"] != before["latest/index.html"]
    assert not list(to.glob(".kestrel.*"))


def test_publish_to_a_branch_commits_once_and_keeps_versions(repo: Path, tmp_path: Path):
    first = milepost(repo, "publish", "--branch", "pages", "--as-of", "2026-11-23", "-j", "1")
    assert first.returncode == 0, first.stderr
    assert "committed to pages" in first.stdout
    tree = git(repo, "ls-tree", "-r", "--name-only", "pages").split()
    assert {"kestrel/versions.json", "kestrel/v1/index.html", "kestrel/latest/index.html",
            "other/latest/index.html", ".nojekyll"} <= set(tree)
    v1 = git(repo, "rev-parse", "pages:kestrel/v1")
    again = milepost(repo, "publish", "--branch", "pages", "--as-of", "2026-11-23")
    assert again.returncode == 0 and "pages is up to date" in again.stdout
    later = milepost(repo, "publish", "--branch", "pages", "--as-of", "2026-11-24")
    assert "committed to pages" in later.stdout
    assert git(repo, "rev-parse", "pages:kestrel/v1") == v1  # published versions untouched
    assert len(git(repo, "log", "--oneline", "pages").splitlines()) == 2
    assert "milepost-branch-" not in git(repo, "worktree", "list")
    assert git(repo, "status", "--porcelain", "--", "projects") == ""


def test_publish_to_a_branch_refuses_the_agency_view(repo: Path):
    # a branch is how GitHub Pages publishes, and Pages are public: the agency's view (every
    # internal record and note) must not get there, nor into the branch's history
    done = milepost(repo, "publish", "--branch", "agency-pages", "--agency", "--as-of",
                    "2026-11-23")
    assert done.returncode == 1
    assert done.stderr.startswith("error: --agency cannot be published to a branch")
    assert "agency-pages" not in git(repo, "branch", "--list", "agency-pages")


def test_a_shallow_clone_without_tags_says_how_to_fix_it(repo: Path, tmp_path: Path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-tags", repo.as_uri(),
                    str(clone)], check=True, capture_output=True)
    result = milepost(clone, "build", "--versions", "--client", "kestrel", "--as-of",
                      "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "git fetch --tags --unshallow" in result.stdout
    diff = milepost(clone, "diff", "kestrel")
    assert diff.returncode == 1 and "git fetch --tags --unshallow" in diff.stderr


@pytest.mark.parametrize("system", ["github", "gitlab"])
@pytest.mark.parametrize("options", [["--deploy", "pages"], [], ["--deploy", "ssh", "--server",
                                                                  "caddy"]])
def test_init_ci_writes_a_pipeline_that_calls_real_commands(system: str, options: list[str],
                                                            tmp_path: Path):
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # this repo's shape
    result = milepost(tmp_path, "init-ci", system, *options)
    assert result.returncode == 0, result.stderr
    pages = "pages" in options  # private (over SSH, to the agency's server) unless asked
    path = tmp_path / (".github/workflows/milepost.yml" if system == "github"
                       else ".gitlab-ci.yml")
    pipeline = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(pipeline, dict)
    variables = pipeline["env" if system == "github" else "variables"]
    assert variables["MILEPOST_PACKAGE"] == "."  # installs the repository itself
    text = path.read_text(encoding="utf-8")
    # One install per job (GitLab: once for all, again where a job needs rsync as well).
    assert text.count('pip install "$MILEPOST_PACKAGE"') == (2 if system == "github" or not pages
                                                             else 1)
    # The review comment: against the base branch, one comment found by its marker, edited.
    assert re.search(r'milepost diff "\$client" --since "\$base"', text)
    assert "<!-- milepost-diff -->" in text
    assert ("--method PATCH" if system == "github" else "--request PUT") in text
    # Continued lines joined; the options a pipeline variable adds, as the pipeline sets them.
    text = text.replace("\\\n", " ").replace("$MILEPOST_HOST_OPTIONS",
                                               variables.get("MILEPOST_HOST_OPTIONS", "-"))
    scripts = re.findall(r"milepost [^\n|;>]*", text)
    commands = [s for s in scripts if not s.startswith(("milepost-", "milepost@"))
                and re.match(r"milepost (validate|build|plan|diff|publish|release|notify|host)",
                             s)]
    verbs = {c.split()[1] for c in commands}
    assert verbs >= {"validate", "plan", "diff", "publish", "notify"}
    assert ("host" in verbs) == (not pages)  # the server's configuration, per release
    for command in commands:
        if command.startswith("milepost publish"):
            assert "--to" in command or "--branch" in command
            assert ("--branch" in command) == (system == "github" and pages)
    for command in commands:
        words = shlex.split(re.sub(r'"\$[^"]*"|\$\(\S+|\$\w+', "X", command))[1:]
        # exits (fails the test) on an unknown verb or option
        args = parser().parse_args(words)
        assert getattr(args, "old_projects", None) is None, f"spell --projects: {command}"
    # GitHub Pages and GitLab Pages are public: the pipeline says so where it uses them.
    assert ("use it only for sites that may be public" in text) == pages
    again = milepost(tmp_path, "init-ci", system)
    assert again.returncode == 1 and "exists already" in again.stderr


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_init_ci_outside_milepost_itself_needs_the_package_spec(system: str, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "agency-sites"\n')
    refused = milepost(tmp_path, "init-ci", system)
    assert refused.returncode == 1 and not (tmp_path / ".gitlab-ci.yml").exists()
    assert refused.stderr == (
        f"error: {tmp_path} does not hold Milepost itself (no pyproject.toml naming milepost), "
        "so the pipeline cannot install it from here: pass --package with a pip spec, e.g. "
        "--package 'git+https://github.com/OWNER/milepost@v0.1.0' or the path or URL of a "
        "wheel\n")
    spec = "git+https://example.org/agency/milepost@v0.1.0"
    pinned = milepost(tmp_path, "init-ci", system, "--package", spec)
    assert pinned.returncode == 0, pinned.stderr
    written = next(p for p in tmp_path.rglob("*.yml"))
    pipeline = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert pipeline["env" if system == "github" else "variables"]["MILEPOST_PACKAGE"] == spec


def test_init_ci_server_needs_the_ssh_deploy(tmp_path: Path):
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    refused = milepost(tmp_path, "init-ci", "github", "--deploy", "pages", "--server", "caddy")
    assert refused.returncode == 1 and not (tmp_path / ".github").exists()
    assert refused.stderr == ("error: --server caddy says which server `--deploy ssh` "
                              "publishes to: leave --deploy pages out (ssh is the default), "
                              "or leave --server out\n")


def test_this_repository_installs_itself_in_ci():
    from generator.ship.ci import default_package

    assert default_package(ROOT) == "."


def test_a_version_that_no_longer_validates_does_not_block_the_others(tmp_path: Path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT + "glossary:\n  '<b>': bold\n")  # refused by today's rules
    write(repo, "roadmap.yml", ROADMAP)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "old", day="2026-10-01")
    git(repo, "tag", "-a", "kestrel/v1", "-m", "old rules", day="2026-10-01")
    write(repo, "client.yml", CLIENT)
    git(repo, "commit", "-qam", "fixed", day="2026-11-02")
    git(repo, "tag", "-a", "kestrel/v2", "-m", "fixed", day="2026-11-02")
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "rebuilt v2, latest; warning: version v1 no longer validates, left as it was" \
        in result.stdout
    assert "cannot be a glossary term" in result.stdout
    site = repo / "site" / "kestrel"
    assert [v["version"] for v in json.loads((site / "versions.json").read_text())] == [
        "latest", "v2"]
    assert "This is the first version of the plan" in article(site / "v2" / "what-changed.html")


def test_versions_outside_git_builds_latest_only(tmp_path: Path):
    write(tmp_path, "client.yml", CLIENT)
    result = milepost(tmp_path, "build", "--versions", "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site" / "kestrel"
    assert sorted(p.name for p in site.iterdir()) == [".milepost-layout", "feed.xml", "index.html",
                                                      "latest", "robots.txt",
                                                      "versions.json"]
    assert json.loads((site / "versions.json").read_text()) == [
        {"version": "latest", "title": "latest", "aliases": []}]
    assert "This is the first version of the plan" in article(
        site / "latest" / "what-changed.html")


def test_a_renamed_version_rebuilds_latest(tmp_path: Path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plan", day="2026-10-01")
    git(repo, "tag", "-a", "kestrel/v1", "-m", "Plan", day="2026-10-01")
    assert milepost(repo, "build", "--versions", "--as-of", "2026-11-23").returncode == 0
    git(repo, "tag", "-d", "kestrel/v1")
    git(repo, "tag", "-a", "kestrel/baseline", "-m", "Plan", day="2026-10-01")
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23")
    assert "rebuilt baseline, latest" in result.stdout
    assert "since baseline (1 October 2026)" in article(
        repo / "site" / "kestrel" / "latest" / "what-changed.html")


# --- one layout per client folder; clients that are gone -------------------------------------

def small_repo(repo: Path, slugs: list[str]) -> Path:
    """A git repository with one small client per slug, all at one commit; kestrel tagged v1."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    for slug in slugs:
        folder = repo / "projects" / slug
        folder.mkdir(parents=True)
        (folder / "client.yml").write_text(CLIENT.replace("Kestrel Cycles", f"{slug} Ltd"),
                                           encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Clients", day="2026-10-01")
    git(repo, "tag", "-a", "kestrel/v1", "-m", "Plan", day="2026-10-01")
    return repo


def listing(folder: Path) -> list[str]:
    """What a folder holds, less the output's one copy of the theme (`SHARED`), which is
    there on purpose beside the clients."""
    return sorted(p.name for p in folder.iterdir() if p.name != SHARED)


def test_plain_and_versioned_layouts_replace_each_other_and_say_so(tmp_path: Path):
    repo = small_repo(tmp_path, ["kestrel"])
    site = repo / "site" / "kestrel"
    plain = milepost(repo, "build", "--as-of", "2026-11-23")
    assert plain.returncode == 0, plain.stderr
    assert (site / "roadmap.html").is_file()
    assert (site / ".milepost-layout").read_text() == "plain\n"
    versioned = milepost(repo, "build", "--versions", "--as-of", "2026-11-23")
    assert versioned.returncode == 0, versioned.stderr
    assert ("kestrel: built: replaced the plain site with the versioned one (latest/ and one "
            "folder per version); rebuilt v1, latest") in versioned.stdout
    assert listing(site) == [".milepost-layout", "feed.xml", "index.html", "latest", "robots.txt", "v1",
                             "versions.json"]
    assert (site / ".milepost-layout").read_text() == "versioned\n"
    assert listing(repo / "site") == ["kestrel"]  # nothing left beside it
    again = milepost(repo, "build", "--as-of", "2026-11-23")
    assert again.returncode == 0, again.stderr
    assert ("kestrel: built: replaced the versioned site (latest/ and every version) with a "
            "plain one; `build --versions` builds the versions again") in again.stdout
    assert not (site / "latest").exists() and not (site / "versions.json").exists()


def test_a_failed_change_of_layout_keeps_the_plain_site(tmp_path: Path, monkeypatch):
    from generator.history import versions
    from generator.pipeline import check_projects
    from generator.site.build import BuildSettings, base_config_for

    repo = small_repo(tmp_path, ["kestrel"])
    assert milepost(repo, "build", "--as-of", "2026-11-23").returncode == 0
    before = _tree_hashes(repo / "site")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(versions, "_build_one", broken)
    (project,) = check_projects(repo / "projects", versions.date(2026, 11, 23)).projects
    settings = BuildSettings((repo / "site").resolve(), versions.date(2026, 11, 23),
                             base_config_for(repo), repo)
    result = versions.build_versioned_client(
        versions.VersionedJob(project, repo / "projects", settings))
    assert not result.ok and "disk full" in result.message
    assert _tree_hashes(repo / "site") == before
    assert listing(repo / "site") == ["kestrel"]


def test_publish_names_and_removes_clients_that_are_gone(tmp_path: Path):
    repo = small_repo(tmp_path / "repo", ["kestrel", "other", "third"])
    public = tmp_path / "public"
    (public / "shared").mkdir(parents=True)  # not a client's site: never touched
    (public / "shared" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}

    def publish(*extra: str, ci: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "generator", "publish", "--to", str(public), "--as-of",
             "2026-11-23", *extra], cwd=repo, capture_output=True, text=True, timeout=300,
            env={**env, "NO_MKDOCS_2_WARNING": "1", **({"CI": "true"} if ci else {})})

    assert publish().returncode == 0
    git(repo, "rm", "-rq", "projects/other")
    git(repo, "commit", "-qm", "Other's project ended")
    kept = publish()
    assert kept.returncode == 0, kept.stderr
    assert (f"warning: {public}/other/ is still published, but other is no longer in "
            "projects: pass --prune to remove it (the default in CI)") in kept.stderr
    assert (public / "other" / "latest" / "index.html").is_file()
    assert publish("--no-prune", ci=True).returncode == 0 and (public / "other").is_dir()
    in_ci = publish(ci=True)
    assert in_ci.returncode == 0, in_ci.stderr
    assert f"removed {public}/other/: other is no longer in projects" in in_ci.stdout
    assert listing(public) == ["kestrel", "shared", "third"]
    git(repo, "rm", "-rq", "projects/third")
    git(repo, "commit", "-qm", "Third's project ended")
    by_flag = publish("--prune")
    assert f"removed {public}/third/: third is no longer in projects" in by_flag.stdout
    assert listing(public) == ["kestrel", "shared"]
    assert (public / "shared" / "logo.svg").is_file()


def test_publishing_one_client_by_its_folder_prunes_no_other(tmp_path: Path):
    """A client's own folder as --projects publishes that client only; the others are still
    in the projects folder that holds it, so pruning (the default in CI) leaves their sites,
    and removes only a client that is gone from it."""
    repo = small_repo(tmp_path / "repo", ["kestrel", "other", "third"])
    public = tmp_path / "public"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true"}

    def publish(projects: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "generator", "publish", "--projects", projects, "--to",
             str(public), "--as-of", "2026-11-23", "-j", "1"], cwd=repo, capture_output=True,
            text=True, timeout=300, env=env)

    assert publish("projects").returncode == 0
    git(repo, "rm", "-rq", "projects/third")
    git(repo, "commit", "-qm", "Third's project ended")
    one = publish("projects/kestrel")
    assert one.returncode == 0, one.stderr
    assert "removed" not in one.stdout.replace(f"removed {public}/third/", "")
    assert f"removed {public}/third/: third is no longer in projects" in one.stdout
    assert listing(public) == ["kestrel", "other"]


# --- the pipelines, run command by command on real repositories -------------------------------

EPOCH = "1795392000"  # 2026-11-23, so every job sees the same "today"
EXPRESSIONS = {"${{ github.token }}": "token", "${{ github.event.pull_request.number }}": "7",
               "${{ secrets.MILEPOST_SMTP_URL }}": "", "${{ secrets.MILEPOST_SMTP_PASSWORD }}": ""}
# The one kind of `if:` the pipeline uses: a step that runs only where a secret is set.
ENV_SET = re.compile(r"^env\.(\w+) != ''$")


def ci_steps(system: str, job: str, *, secrets: dict[str, str] | None = None,
             **options: str) -> list[tuple[str, dict[str, str]]]:
    """One job's shell scripts in order, each with its environment, from the generated
    pipeline (`options` as `init-ci` passes them; `secrets` as GitHub would fill them in).
    Installing Milepost and the tools (they are installed here) and GitHub's actions
    (checkout is done by `ci_checkout`) are left out."""
    from generator.ship.ci import pipeline_text

    data = yaml.safe_load(pipeline_text(system, ".", **options))
    if system == "gitlab":
        assert data["default"]["before_script"] == ['pip install "$MILEPOST_PACKAGE"']
        for install in data[job].get("before_script", []):
            assert install.startswith(("pip install", "apt-get update")), install
        return [(script, dict(data["variables"])) for script in data[job]["script"]]
    filled = {**EXPRESSIONS, **{f"${{{{ secrets.{k} }}}}": v for k, v in (secrets or {}).items()}}
    steps = []
    for step in data["jobs"][job]["steps"]:
        if "run" in step and not step["run"].startswith("pip install"):
            env = {k: filled.get(v, v) for k, v in {**data["env"], **data["jobs"][job].get(
                "env", {}), **step.get("env", {})}.items()}
            if "if" in step:
                condition = ENV_SET.match(step["if"])
                assert condition, f"a condition the test cannot judge: {step['if']}"
                if not env.get(condition[1]):
                    continue
            steps.append((step["run"], env))
    return steps


def run_ci(steps: list[tuple[str, dict[str, str]]], cwd: Path, env: dict[str, str],
           fake_bin: Path | None = None) -> str:
    """Runs the steps in order, each in its own shell as the runner does; returns all they
    printed."""
    path = os.pathsep.join(str(p) for p in (fake_bin, Path(sys.executable).parent) if p)
    printed = []
    for script, step_env in steps:
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
            timeout=300, env={**os.environ, **step_env, **env, "CI": "true",
                              "SOURCE_DATE_EPOCH": EPOCH,
                              "PATH": path + os.pathsep + os.environ["PATH"]})
        assert done.returncode == 0, (script, done.stdout, done.stderr)
        printed += [done.stdout, done.stderr]
    return "".join(printed)


def ci_checkout(remote: Path, job: Path, ref: str) -> Path:
    """What the runner does before the job: a full clone, detached at the pushed ref."""
    subprocess.run(["git", "clone", "-q", str(remote), str(job)], check=True,
                   capture_output=True)
    git(job, "checkout", "-q", "--detach", ref)
    return job


def new_remote(tmp_path: Path) -> tuple[Path, Path]:
    """A bare 'origin' and a PM's clone of it."""
    remote, seed = tmp_path / "origin.git", tmp_path / "pm"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "-q", str(remote), str(seed))
    return remote, seed


def publish_job(system: str, remote: Path, tmp_path: Path, ref: str, n: int) -> None:
    job = ci_checkout(remote, tmp_path / f"job-{n}", ref)
    cache = tmp_path / "cache" / "public"  # GitLab's cached public/ between pipelines
    if system == "gitlab" and cache.is_dir():
        shutil.copytree(cache, job / "public")
    tag = ref if "/" in ref else ""
    env = {"CI_DEFAULT_BRANCH": "main", "CI_COMMIT_TAG": tag,
           "CI_COMMIT_BRANCH": "" if tag else ref, "GITHUB_REF_NAME": ref,
           "GITHUB_EVENT_NAME": "push"}
    run_ci(ci_steps(system, "publish" if system == "github" else "pages", deploy="pages"), job,
           env)
    if system == "gitlab":
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(job / "public", cache)


def published_file(system: str, remote: Path, tmp_path: Path, rel: str) -> str:
    if system == "github":
        return git(remote, "show", f"gh-pages:{rel}")
    return (tmp_path / "cache" / "public" / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_a_tag_push_on_an_older_commit_rolls_no_client_back(system: str, tmp_path: Path):
    remote, pm = new_remote(tmp_path)
    write(pm, "client.yml", CLIENT)
    other = pm / "projects" / "other" / "client.yml"
    other.parent.mkdir(parents=True)
    other.write_text("name: Other Co\nproject: Old shop\nstart: 2026-09-01\n", encoding="utf-8")
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "Plans", day="2026-10-01")
    signed = git(pm, "rev-parse", "HEAD").strip()
    other.write_text("name: Other Co\nproject: New shop\nstart: 2026-09-01\n", encoding="utf-8")
    git(pm, "commit", "-qam", "Other: new project name", day="2026-10-20")
    git(pm, "push", "-q", "origin", "main")
    publish_job(system, remote, tmp_path, "main", 1)  # the push to main
    assert "New shop" in published_file(system, remote, tmp_path, "other/latest/index.html")
    # Kestrel's plan as signed on 1 October is released later, from that older commit.
    git(pm, "tag", "-a", "kestrel/v1", "-m", "Signed plan", signed, day="2026-10-21")
    git(pm, "push", "-q", "origin", "kestrel/v1")
    publish_job(system, remote, tmp_path, "kestrel/v1", 2)  # the tag push
    latest = published_file(system, remote, tmp_path, "other/latest/index.html")
    assert "New shop" in latest and "Old shop" not in latest
    assert "Kestrel Cycles" in published_file(system, remote, tmp_path,
                                              "kestrel/v1/index.html")
    versions = json.loads(published_file(system, remote, tmp_path, "kestrel/versions.json"))
    assert [v["version"] for v in versions] == ["latest", "v1"]


FAKE_API = """#!{python}
# Stands in for `gh` and `curl`: logs each call; a call that sends nothing lists the comments.
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
if "--method" not in args and "--request" not in args:
    comments = os.environ.get("FAKE_COMMENTS", "[]")
    if "--jq" in args:
        comments = subprocess.run(["jq", "-r", args[args.index("--jq") + 1]], input=comments,
                                  capture_output=True, text=True, check=True).stdout
    sys.stdout.write(comments)
"""


def fake_api(folder: Path) -> Path:
    folder.mkdir()
    for name in ("gh", "curl"):
        (folder / name).write_text(FAKE_API.format(python=sys.executable), encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def api_calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def sends(calls: list[list[str]]) -> list[tuple[str, str]]:
    """(method, url) of every call that writes a comment."""
    found = []
    for call in calls:
        for flag in ("--method", "--request"):
            if flag in call:
                url = next(a for a in call if a.startswith(("repos/", "https://")))
                found.append((call[call.index(flag) + 1], url))
    return found


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh needs jq for --jq")
@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_the_review_comment_compares_with_the_base_branch_and_is_edited(system: str,
                                                                       tmp_path: Path):
    remote, pm = new_remote(tmp_path)
    write(pm, "client.yml", CLIENT)
    write(pm, "roadmap.yml", ROADMAP)
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "Plan", day="2026-10-01")
    git(pm, "tag", "-a", "kestrel/v1", "-m", "Signed plan", day="2026-10-01")
    forecast = "planned: 2026-11-13\n    forecast: {}"
    write(pm, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13", forecast.format("2026-12-04")))
    git(pm, "commit", "-qam", "Forecast (merged, not released)", day="2026-10-20")
    git(pm, "checkout", "-qb", "later")
    write(pm, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13", forecast.format("2026-12-11")))
    git(pm, "commit", "-qam", "Later still", day="2026-11-02")
    git(pm, "checkout", "-q", "main")
    write(pm, "decisions/001.yml", DR1)  # main moves on after the branch left it
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "A decision", day="2026-11-03")
    git(pm, "push", "-q", "--tags", "origin", "main", "later")

    fakes, log = fake_api(tmp_path / "fakes"), tmp_path / "api.log"
    env = {"GITHUB_BASE_REF": "main", "GITHUB_REPOSITORY": "agency/sites",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "5",
           "CI_MERGE_REQUEST_IID": "7", "FAKE_LOG": str(log)}
    check = ci_steps(system, "check" if system == "github" else "validate")
    comment = ci_steps(system, "comment")

    def review(n: int, comments: list | None = None) -> Path:
        """The check job in a checkout of the branch, without any token; then the comment
        job, with the token, in an empty folder holding only the check's two files (the
        artifact): no checkout, nothing of the branch."""
        job = ci_checkout(remote, tmp_path / f"job-{n}", "origin/later")
        run_ci(check, job, env, fakes)
        posting = tmp_path / f"comment-{n}"
        posting.mkdir()
        for name in ("milepost-diff.md", "milepost-comment.md"):
            shutil.copyfile(job / name, posting / name)
        run_ci(comment, posting, {**env, "MILEPOST_TOKEN": "token",
                                  "FAKE_COMMENTS": json.dumps(comments or [])}, fakes)
        return job

    job = review(1)
    diff = (job / "milepost-diff.md").read_text(encoding="utf-8")
    assert diff.startswith("### kestrel: changes in the working tree since origin/main")
    assert ("- Milestone M2 Booking live: forecast moved from 4 December 2026 to 11 December "
            r"2026 \(7 days later than in origin/main\), 28 days after the planned 13 "
            r"November\.") in diff  # escaped for Markdown
    assert "DR-001" not in diff and "v1" not in diff  # not main's news, not the last release
    written = (job / "milepost-comment.md").read_text(encoding="utf-8")
    assert written == "<!-- milepost-diff -->\n" + diff
    notes = ("https://gitlab.example/api/v4/projects/5/merge_requests/7/notes"
             if system == "gitlab" else "repos/agency/sites/issues/7/comments")
    assert sends(api_calls(log)) == [("POST", notes)]  # the first push: a new comment

    log.unlink()
    previous = [{"id": 41, "body": "<!-- milepost-diff --> quoted by a person",
                 "user": {"type": "User"}},
                {"id": 42, "body": "<!-- milepost-diff -->\nold", "user": {"type": "Bot"}}]
    if system == "gitlab":
        previous = previous[1:]  # the token's own notes; GitLab has no bot type
    review(2, previous)
    edited = (f"{notes}/42" if system == "gitlab"
              else "repos/agency/sites/issues/comments/42")
    assert sends(api_calls(log)) == [("PUT" if system == "gitlab" else "PATCH", edited)]


def test_only_an_annotated_tag_message_is_a_release_note(tmp_path: Path):
    """A lightweight tag has no message of its own: git would show the commit's subject,
    which may be about another client. An empty tag message is no note either."""
    from generator.history import git as milepost_git

    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Other Co: invoice disputed", day="2026-10-01")
    git(repo, "tag", "kestrel/v1", day="2026-10-01")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Other Co: second thoughts",
        day="2026-10-02")
    git(repo, "tag", "-a", "kestrel/v2", "-m", "", day="2026-10-02")
    git(repo, "tag", "-a", "kestrel/v3", "-m", "Signed plan", day="2026-10-03")
    notes = {v.name: v.note for v in milepost_git.list_versions(repo, "kestrel")}
    assert notes == {"v1": "", "v2": "", "v3": "Signed plan"}
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert result.returncode == 0, result.stderr
    site = repo / "site" / "kestrel"
    for version in ("v1", "v2"):
        text = article(site / version / "what-changed.html")
        assert "Released with the note" not in text and "Other Co" not in text, version
    assert "Released with the note: Signed plan" in article(site / "v3" / "what-changed.html")




def _small_repo(repo: Path, versions: int = 1) -> None:
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT)
    write(repo, "roadmap.yml", ROADMAP)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan", day="2026-10-01")
    for k in range(1, versions + 1):
        if k > 1:
            write(repo, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13",
                                                       f"planned: 2026-11-{12 + k}"))
            git(repo, "commit", "-qam", f"Plan {k}", day=f"2026-10-0{k}")
        git(repo, "tag", "-a", f"kestrel/v{k}", "-m", f"Plan {k}", day=f"2026-10-0{k}")



@pytest.mark.parametrize("name", ["versions.json", "index.html", "latest", "Latest", "assets",
                                  "search", "roadmap.html", "decisions", "sitemap.xml"])
def test_release_refuses_a_name_the_site_uses_itself(name: str, tmp_path: Path):
    _small_repo(tmp_path, versions=0)
    result = milepost(tmp_path, "release", "kestrel", name)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: '{name}' cannot be a version name: the site uses that name itself (in any "
        "capitals): assets, calendar.ics, changes.html, decisions, feed.xml, feedback.html, "
        "glossary.html, "
        "index.html, latest, risks.html, roadmap.html, robots.txt, search, search.json, signoffs.html, "
        "sitemap.xml, sitemap.xml.gz, team.html, updates, versions.json, waiting.html, "
        "what-changed.html. "
        "Use letters, digits, '.', '-' or '_', at most 64 characters, e.g. v1 or 2026-11\n")
    assert git(tmp_path, "tag", "--list") == ""


@pytest.mark.parametrize("name", [".hidden", "a/b", "v" * 65, "-x"])
def test_release_refuses_a_name_that_cannot_be_a_folder(name: str, tmp_path: Path):
    _small_repo(tmp_path, versions=0)
    result = milepost(tmp_path, "release", "kestrel", "--", name)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: '{name}' cannot be a version name: ")
    assert "Use letters, digits, '.', '-' or '_', at most 64 characters" in result.stderr
    assert git(tmp_path, "tag", "--list") == ""


def test_a_tag_made_by_hand_with_a_reserved_name_is_skipped_with_a_warning(tmp_path: Path):
    repo = tmp_path
    _small_repo(repo)
    for name in ("versions.json", "Latest"):
        git(repo, "tag", "-a", f"kestrel/{name}", "-m", "by hand", day="2026-10-05")
    result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("warning: tag kestrel/versions.json skipped: 'versions.json' cannot be a version "
            "name (the site uses that name itself (in any capitals): ") in result.stdout
    assert "warning: tag kestrel/Latest skipped: 'Latest' cannot be a version name" \
        in result.stdout
    assert "rename it: git tag -a kestrel/NEW kestrel/versions.json^{} && git tag -d " \
           "kestrel/versions.json" in result.stdout
    site = repo / "site" / "kestrel"
    assert [v["version"] for v in json.loads((site / "versions.json").read_text())] == [
        "latest", "v1"]
    assert sorted(p.name for p in site.iterdir()) == [
        ".milepost-layout", "feed.xml", "index.html", "latest", "robots.txt", "v1", "versions.json"]
    assert listing(repo / "site") == ["kestrel"]
    again = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert again.returncode == 0 and "rebuilt nothing (up to date)" in again.stdout


def test_a_versioned_build_that_fails_halfway_leaves_the_output_as_it_was(tmp_path: Path):
    repo = tmp_path
    _small_repo(repo, versions=2)
    first = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert first.returncode == 0, first.stderr
    before = tree_bytes(repo / "site")
    # A template override changes every version's pages and breaks only latest, the last
    # one built: v1 and v2 are rebuilt first, then the build fails.
    own = repo / "content" / "templates"
    own.mkdir(parents=True)
    original = (ROOT / "content" / "templates" / "what-changed.md.j2").read_text("utf-8")
    (own / "what-changed.md.j2").write_text(
        "Our own page.\n{% if view.is_latest %}{{ no_such_value }}{% endif %}\n"
        + original, encoding="utf-8")
    broken = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert broken.returncode == 1
    assert "kestrel: FAILED: UndefinedError: 'no_such_value' is undefined" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    assert tree_bytes(repo / "site") == before
    (own / "what-changed.md.j2").write_text("Our own page.\n" + original, encoding="utf-8")
    fixed = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert "rebuilt v1, v2, latest" in fixed.stdout
    assert "Our own page." in article(repo / "site" / "kestrel" / "v1" / "what-changed.html")
    assert listing(repo / "site") == ["kestrel"]


def _hidden_paths(paths: list[str]) -> list[str]:
    """Paths with a hidden part, except Milepost's fingerprints, GitHub Pages' marker and the
    published folder's one copy of the theme (at its top, never inside a site)."""
    return [p for p in paths if not p.startswith(f"{SHARED}/") and p != SHARED
            and any(part.startswith(".") and part not in
                    (".milepost-inputs", ".milepost-layout", ".nojekyll")
                    for part in p.split("/"))]


def test_publish_never_copies_hidden_entries(repo: Path, tmp_path: Path):
    to = tmp_path / "public"
    first = milepost(repo, "publish", "--to", str(to), "--as-of", "2026-11-23", "-j", "1")
    assert first.returncode == 0, first.stderr
    # What a killed build by an older Milepost left in the published folder, and stray files.
    left = to / "kestrel" / ".kestrel.latest.building-abcd1234" / "docs"
    left.mkdir(parents=True)
    (left.parent / "mkdocs.yml").write_text("INHERIT: /home/pm/agency/mkdocs.yml\n")
    (to / "kestrel" / "v1" / ".notes.swp").write_text("draft")
    again = milepost(repo, "publish", "--to", str(to), "--as-of", "2026-11-24", "-j", "1")
    assert again.returncode == 0, again.stderr
    paths = [p.relative_to(to).as_posix() for p in to.rglob("*")]
    assert _hidden_paths(paths) == []
    assert "kestrel/v1/index.html" in paths

    made = milepost(repo, "publish", "--branch", "pages-hidden", "--as-of", "2026-11-23")
    assert made.returncode == 0, made.stderr
    work = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(work), "pages-hidden")
    (work / "kestrel" / ".kestrel.latest.building-abcd1234").mkdir()
    (work / "kestrel" / ".kestrel.latest.building-abcd1234" / "mkdocs.yml").write_text("x")
    (work / ".kestrel.publishing-abcd1234").mkdir()
    (work / ".kestrel.publishing-abcd1234" / "page.md").write_text("x")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "stray files")
    git(repo, "worktree", "remove", "--force", str(work))
    assert _hidden_paths(git(repo, "ls-tree", "-r", "--name-only", "pages-hidden").split())
    cleaned = milepost(repo, "publish", "--branch", "pages-hidden", "--as-of", "2026-11-23")
    assert cleaned.returncode == 0, cleaned.stderr
    assert "committed to pages-hidden" in cleaned.stdout
    tree = git(repo, "ls-tree", "-r", "--name-only", "pages-hidden").split()
    assert _hidden_paths(tree) == []
    assert {".nojekyll", "kestrel/v1/.milepost-inputs", "kestrel/v1/index.html"} <= set(tree)


# --- publishing over SSH to the agency's own server ------------------------------------------

FAKE_SSH = """#!{python}
# Stands in for ssh only (the transport): runs the remote command here, in a shell, as sshd
# runs it for the login. rsync, the release folders, the link switch and the server are real.
import json, os, sys
args = sys.argv[1:]
while args and args[0].startswith("-"):
    if args.pop(0) in ("-o", "-p", "-i", "-l", "-F", "-e"):
        args.pop(0)
with open(os.environ["FAKE_SSH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args[0]) + "\\n")
os.execvp("bash", ["bash", "-c", " ".join(args[1:])])
"""
SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nkey-canary-5d1e\n-----END OPENSSH PRIVATE KEY-----"
KNOWN_HOSTS = "portal.agency.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKnownHostCanary"
LENA, LENA_PASSWORD = "lena@kestrel.example", "velvet thimble quasar orchard"


def _latest_page(port: int) -> str:
    """Kestrel's latest overview, fetched over HTTP with Lena's login."""
    import base64
    import urllib.request

    auth = base64.b64encode(f"{LENA}:{LENA_PASSWORD}".encode()).decode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/kestrel/latest/",
                                     headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read().decode("utf-8")


def _complete(release: Path, conf: str) -> bool:
    return ((release / "server" / conf).is_file()
            and (release / "site" / "kestrel" / "latest" / "index.html").is_file()
            and (release / "site" / "kestrel" / "versions.json").is_file())


def _dropped(exc: BaseException) -> bool:
    """A connection the server closed before answering (its reload can drop one that is
    open at that instant): the reader's browser asks again; no page was shown."""
    import http.client
    import urllib.error

    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected)


def _watch_the_switch(srv: Path, port: int, conf: str, stop, seen: list, wrong: list) -> None:
    """Until `stop` is set: `current` must always name a complete release, and the site
    behind the login must always answer with a whole page, the old one or the new one (a
    dropped connection is asked again, as a browser would; a few are allowed)."""
    dropped = 0
    while not stop.is_set():
        try:
            if not _complete(srv / os.readlink(srv / "current"), conf):
                wrong.append("current names an incomplete release")
            page = _latest_page(port)
            if "</html>" not in page or "Booking" not in page:
                wrong.append("a page that is not whole")
            seen.append("Booking live soon" in page)
        except Exception as exc:  # noqa: BLE001 (every failure is what the test looks for)
            dropped += _dropped(exc)
            if not _dropped(exc) or dropped > 3:
                wrong.append(repr(exc))


@pytest.mark.parametrize("system, server", [("github", "nginx"), ("gitlab", "caddy")])
def test_the_ssh_deploy_uploads_a_release_and_switches_to_it_at_once(system: str, server: str,
                                                                     tmp_path: Path,
                                                                     readable_tmp: Path):
    import threading

    from tests.test_host import free_port, listening, readable_by_all, wait_for

    if shutil.which(server) is None or shutil.which("rsync") is None:
        pytest.skip(f"needs {server} and rsync (apt-get install {server} rsync); .ci/run "
                    "installs them")
    remote, pm = new_remote(tmp_path)
    write(pm, "client.yml", CLIENT.replace("side: client, lead: true",
                                           f"side: client, lead: true, email: {LENA}"))
    write(pm, "roadmap.yml", ROADMAP)
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "Plan", day="2026-10-01")
    git(pm, "tag", "-a", "kestrel/v1", "-m", "Signed plan", day="2026-10-01")
    git(pm, "push", "-q", "--tags", "origin", "main")
    access = tmp_path / "secrets" / "access.yml"
    access.parent.mkdir()
    added = subprocess.run([sys.executable, "-m", "generator", "access", "add", "kestrel", LENA,
                            "--password-stdin", "--access", str(access),
                            "--projects", str(pm / "projects")], input=LENA_PASSWORD + "\n",
                           capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    (tmp_path / "secrets" / "key").write_text(SSH_KEY + "\n")
    (tmp_path / "secrets" / "known_hosts").write_text(KNOWN_HOSTS + "\n")

    srv, home, port = readable_tmp / "srv", tmp_path / "home", free_port()
    srv.mkdir()
    home.mkdir()
    readable_by_all(srv, readable_tmp)  # the server's workers read it
    fakes, log = tmp_path / "fakes", tmp_path / "ssh.log"
    fakes.mkdir()
    (fakes / "ssh").write_text(FAKE_SSH.format(python=sys.executable), encoding="utf-8")
    (fakes / "ssh").chmod(0o755)
    env = {"HOME": str(home), "FAKE_SSH_LOG": str(log), "RUNNER_TEMP": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "MILEPOST_DEPLOY_PATH": str(srv), "MILEPOST_DEPLOY_KEEP": "2",
           "MILEPOST_HOST_OPTIONS": f"--port {port} --listen 127.0.0.1",
           "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_BRANCH": "main", "GITHUB_RUN_ATTEMPT": "1"}
    if system == "gitlab":  # "File" variables: GitLab puts each in a file, passes its path
        env.update(MILEPOST_SSH_KEY=str(tmp_path / "secrets" / "key"),
                   MILEPOST_SSH_KNOWN_HOSTS=str(tmp_path / "secrets" / "known_hosts"),
                   MILEPOST_ACCESS=str(access))
    steps = ci_steps(system, "publish" if system == "github" else "deploy",
                     deploy="ssh", server=server,
                     secrets={"MILEPOST_SSH_KEY": SSH_KEY,
                              "MILEPOST_SSH_KNOWN_HOSTS": KNOWN_HOSTS,
                              "MILEPOST_ACCESS": access.read_text(encoding="utf-8")})

    def deploy(n: int) -> str:
        job = ci_checkout(remote, tmp_path / f"job-{n}", "main")
        return run_ci(steps, job, {**env, "GITHUB_RUN_ID": str(1000 + n),
                                   "CI_JOB_ID": str(1000 + n)}, fakes)

    def releases() -> list[str]:
        return sorted(p.name for p in (srv / "releases").iterdir())

    conf = "nginx.conf" if server == "nginx" else "Caddyfile"
    printed = deploy(1)
    assert "the server is not running: start it once with" in printed
    first = releases()
    assert len(first) == 1 and os.readlink(srv / "current") == f"releases/{first[0]}"
    assert (srv / "current" / "site" / "kestrel" / "v1" / "index.html").is_file()
    assert str(srv / "releases" / first[0] / "site") in \
        (srv / "current" / "server" / conf).read_text()  # a configuration for its own release
    # The SSH secrets: files only the job can read, never in what the job printed.
    assert (home / ".ssh").stat().st_mode & 0o777 == 0o700
    assert (home / ".ssh" / "milepost_deploy").read_text() == SSH_KEY + "\n"
    for name in ("milepost_deploy", "milepost_known_hosts", "config"):
        assert (home / ".ssh" / name).stat().st_mode & 0o777 == 0o600, name
    assert "key-canary" not in printed and "KnownHostCanary" not in printed
    assert set(json.loads(line) for line in log.read_text().splitlines()) <= {
        "deploy@portal.agency.example", "portal.agency.example"}
    if shutil.which("ssh"):  # the real ssh reads the configuration the job wrote
        seen = subprocess.run(["ssh", "-G", "-F", str(home / ".ssh" / "config"),
                               "deploy@portal.agency.example"], capture_output=True, text=True)
        assert seen.returncode == 0, seen.stderr
        options = set(seen.stdout.splitlines())
        assert {"batchmode yes", "stricthostkeychecking true", "identitiesonly yes"} <= options \
            or {"batchmode yes", "stricthostkeychecking yes", "identitiesonly yes"} <= options

    if server == "nginx":
        command = ["nginx", "-p", f"{srv}/current/server/", "-c", "nginx.conf",
                   "-g", "daemon off;"]
    else:
        command = ["caddy", "run", "--config", f"{srv}/current/server/Caddyfile",
                   "--adapter", "caddyfile"]
    running = subprocess.Popen(command, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: listening(port) or running.poll() is not None, f"{server} to listen")
        assert running.poll() is None
        # A forecast moves; while the next deploy uploads and switches, readers are watched.
        write(pm, "roadmap.yml", ROADMAP.replace("Booking live", "Booking live soon"))
        git(pm, "commit", "-qam", "Renamed", day="2026-10-02")
        git(pm, "push", "-q", "origin", "main")
        stop, seen, wrong = threading.Event(), [], []
        watcher = threading.Thread(target=_watch_the_switch,
                                   args=(srv, port, conf, stop, seen, wrong))
        watcher.start()
        try:
            deploy(2)
        finally:
            stop.set()
            watcher.join()
        assert wrong == [] and seen and not seen[0]  # always whole, first the old page
        second = releases()
        assert len(second) == 2 and os.readlink(srv / "current") == f"releases/{second[1]}"
        wait_for(lambda: "Booking live soon" in _latest_page(port), "the new release")
        # Unchanged files are shared with the release before, not copied again.
        old, new = (srv / "releases" / r / "site" / "kestrel" / "v1" / "index.html"
                    for r in second)
        assert old.stat().st_ino == new.stat().st_ino
        deploy(3)
        third = releases()
        assert third[:1] == second[1:] and len(third) == 2  # the oldest pruned, keep 2
        assert os.readlink(srv / "current") == f"releases/{third[1]}"
        assert not (srv / "current.next").exists() and (srv / "current").is_symlink()
    finally:
        running.terminate()
        running.wait(timeout=20)


# --- the digest on a schedule ----------------------------------------------------------------

def _gitlab_rule_holds(condition: str, env: dict[str, str]) -> bool:
    """The few GitLab rule conditions the pipelines use: `$A == "x"`, `$A == $B`,
    `$A =~ /re/`; a variable that is not set is empty."""
    left, op, right = condition.split(" ", 2)
    value = env.get(left.removeprefix("$"), "")
    if op == "=~":
        return bool(value) and re.search(right.strip("/").replace("\\/", "/"), value) is not None
    other = env.get(right[1:], "") if right.startswith("$") else json.loads(right)
    return (value == other) == (op == "==")


def jobs_that_run(system: str, event: str, **options: str) -> set[str]:
    """Which jobs of the generated pipeline run for a push to main, or a scheduled run."""
    from generator.ship.ci import pipeline_text

    data = yaml.safe_load(pipeline_text(system, ".", **options))
    if system == "github":
        assert event in data[True]  # `on:`, which YAML 1.1 reads as true
        return {name for name, job in data["jobs"].items()
                if job["if"] == f"github.event_name == '{event}'"}
    env = {"CI_PIPELINE_SOURCE": event, "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    running = set()
    for name, job in data.items():
        for rule in job.get("rules", []) if isinstance(job, dict) else []:
            if _gitlab_rule_holds(rule["if"], env):
                if rule.get("when") != "never":
                    running.add(name)
                break
    return running


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_a_weekly_digest_runs_alone_on_its_schedule(system: str, tmp_path: Path):
    from generator.ship.ci import pipeline_text
    from tests.test_notify import Controller, Inbox, free_port

    publish = "publish" if system == "github" else "deploy"  # the default: over SSH
    text = pipeline_text(system, ".", digest_schedule="weekly")
    if system == "github":
        assert yaml.safe_load(text)[True]["schedule"] == [{"cron": "0 7 * * 1"}]  # YAML 1.1 `on`
    else:  # GitLab's schedules are set in its settings: the file says how
        assert 'add a schedule on the default branch with the interval "0 7 * * 1"' in text
    assert jobs_that_run(system, "schedule", digest_schedule="weekly") == {"digest"}
    assert jobs_that_run(system, "push", digest_schedule="weekly") == {publish}
    assert jobs_that_run(system, "push") == {publish}  # without a schedule, as before
    # The digest moves off the publish job: one email a week, however often main moves.
    smtp = {"MILEPOST_SMTP_URL": "smtp://127.0.0.1:1025"}
    assert not any("milepost notify" in script for script, _ in ci_steps(
        system, publish, digest_schedule="weekly", secrets=smtp))
    assert any("milepost notify" in script for script, _ in ci_steps(system, publish,
                                                                      secrets=smtp))

    remote, pm = new_remote(tmp_path)
    write(pm, "client.yml", CLIENT.replace(
        "side: client, lead: true", "side: client, lead: true, email: lena@kestrel.example, "
        "notify: true").replace("side: team}", "side: team, email: ana@agency.example, "
                                "lead: true}") + "site_url: https://portal.agency.example/kestrel/\n")
    write(pm, "roadmap.yml", ROADMAP)
    git(pm, "add", "-A")
    git(pm, "commit", "-qm", "Plan", day="2026-10-01")
    git(pm, "tag", "-a", "kestrel/v1", "-m", "Signed plan", day="2026-10-01")
    write(pm, "roadmap.yml", ROADMAP.replace("planned: 2026-11-13",
                                             "planned: 2026-11-13\n    forecast: 2026-12-04"))
    git(pm, "commit", "-qam", "Forecast", day="2026-10-20")
    git(pm, "push", "-q", "--tags", "origin", "main")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        url = f"smtp://127.0.0.1:{controller.port}"
        steps = ci_steps(system, "digest", digest_schedule="weekly",
                         secrets={"MILEPOST_SMTP_URL": url})
        env = {"MILEPOST_SMTP_URL": url, "MILEPOST_PUSH_URL": str(remote),
               "CI_PIPELINE_SOURCE": "schedule"}
        run_ci(steps, ci_checkout(remote, tmp_path / "week-1", "main"), env)
        assert [to for to, _ in inbox.received] == [["lena@kestrel.example"]]
        assert "M2 moved to 4 Dec" in inbox.received[0][1]["Subject"]
        assert git(remote, "tag", "--list", "kestrel/digest/*").strip()  # remembered
        run_ci(steps, ci_checkout(remote, tmp_path / "week-2", "main"), env)
        assert len(inbox.received) == 1  # nothing new since: nothing sent
    finally:
        controller.stop()


def test_versions_keep_their_caches_with_the_client_folder(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    """Each version is read from a folder exported for the run; its kept fields belong to
    the client's own folder, so building again finds them instead of adding new files."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "client.yml", CLIENT)
    write(repo, "roadmap.yml", ROADMAP)
    write(repo, "decisions/001.yml", DR1.replace(
        "context: The shop already rents a server.",
        "context: |\n  The shop *already* rents a server.\n\n  - It is paid for.\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Plan", day="2026-10-01")
    git(repo, "tag", "-a", "kestrel/v1", "-m", "Signed plan", day="2026-10-01")
    monkeypatch.setenv("MILEPOST_CACHE", str(tmp_path / "cache"))
    for out in ("first", "second"):
        result = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1",
                          "--out", str(tmp_path / out))
        assert result.returncode == 0, result.stderr
    kept = sorted(p.relative_to(tmp_path / "cache" / "fields").as_posix()
                  for p in (tmp_path / "cache" / "fields").rglob("*.json"))
    assert [k.split("/", 1)[1] for k in kept] == ["kestrel.latest.json", "kestrel.v1.json"]
    assert len({k.split("/", 1)[0] for k in kept}) == 1  # one client folder
