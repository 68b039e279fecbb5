"""Versions, what changed and publishing, against real git repositories made in tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.cli import parser

ROOT = Path(__file__).resolve().parent.parent

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


def git(repo: Path, *args: str, day: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "PM", "GIT_AUTHOR_EMAIL": "pm@agency.example",
           "GIT_COMMITTER_NAME": "PM", "GIT_COMMITTER_EMAIL": "pm@agency.example"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def milepost(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


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


def article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    body = html[html.index("<article"):html.index("</article>")]
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&gt;", ">").split())


def test_layout_and_versions_json(built: Path):
    site = built / "kestrel"
    assert sorted(p.name for p in site.iterdir() if not p.name.startswith(".")) == [
        "index.html", "latest", "v1", "v2", "versions.json"]
    assert json.loads((site / "versions.json").read_text()) == [
        {"version": "latest", "title": "latest", "aliases": []},
        {"version": "v2", "title": "v2 (2026-11-02)", "aliases": []},
        {"version": "v1", "title": "v1 (2026-10-01)", "aliases": []},
    ]
    assert 'url=latest/index.html' in (site / "index.html").read_text()
    assert '"provider": "mike"' in (site / "v1" / "index.html").read_text() or \
        "mike" in (site / "v1" / "index.html").read_text()


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
        "Milestone M2 Booking live: forecast set to 4 December 2026.",
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
            "2026 (+7 days).") in text


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
    unknown = milepost(repo, "diff", "kestrel", "v9")
    assert unknown.returncode == 1
    assert "kestrel has no version 'v9' (versions: v1, v2)" in unknown.stderr


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
def test_init_ci_writes_a_pipeline_that_calls_real_commands(system: str, tmp_path: Path):
    result = milepost(tmp_path, "init-ci", system)
    assert result.returncode == 0, result.stderr
    path = tmp_path / (".github/workflows/milepost.yml" if system == "github"
                       else ".gitlab-ci.yml")
    pipeline = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(pipeline, dict)
    scripts = re.findall(r"milepost [^\n|;>]*", path.read_text(encoding="utf-8"))
    commands = [s for s in scripts if not s.startswith(("milepost-", "milepost@"))
                and re.match(r"milepost (validate|build|plan|diff|publish|release)", s)]
    assert {c.split()[1] for c in commands} >= {"validate", "plan", "diff", "publish"}
    for command in commands:
        if command.startswith("milepost publish"):
            assert "--to" in command or "--branch" in command
    for command in commands:
        words = shlex.split(re.sub(r'"\$[^"]*"|\$\(\S+|\$\w+', "X", command))[1:]
        parser().parse_args(words)  # exits (fails the test) on an unknown verb or option
    again = milepost(tmp_path, "init-ci", system)
    assert again.returncode == 1 and "exists already" in again.stderr


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
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "latest", "versions.json"]
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


def test_only_an_annotated_tag_message_is_a_release_note(tmp_path: Path):
    """A lightweight tag has no message of its own: git would show the commit's subject,
    which may be about another client. An empty tag message is no note either."""
    from generator import git as milepost_git

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


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every entry below `folder`, hidden ones included: files by content, folders by name."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/"
            for p in sorted(folder.rglob("*"))}


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
        "capitals): assets, calendar.ics, changes.html, decisions, glossary.html, index.html, "
        "latest, risks.html, roadmap.html, search, signoffs.html, sitemap.xml, "
        "sitemap.xml.gz, team.html, updates, versions.json, waiting.html, what-changed.html. "
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
        "index.html", "latest", "v1", "versions.json"]
    assert [p.name for p in (repo / "site").iterdir()] == ["kestrel"]
    again = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert again.returncode == 0 and "rebuilt nothing (up to date)" in again.stdout


def test_a_versioned_build_that_fails_halfway_leaves_the_output_as_it_was(tmp_path: Path):
    repo = tmp_path
    _small_repo(repo, versions=2)
    first = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert first.returncode == 0, first.stderr
    before = _tree_bytes(repo / "site")
    # A template override changes every version's pages and breaks only latest, the last
    # one built: v1 and v2 are rebuilt first, then the build fails.
    own = repo / "content" / "templates"
    own.mkdir(parents=True)
    original = (ROOT / "content" / "templates" / "overview.md.j2").read_text(encoding="utf-8")
    (own / "overview.md.j2").write_text(
        "Our own overview.\n{% if version.is_latest %}{{ no_such_value }}{% endif %}\n"
        + original, encoding="utf-8")
    broken = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert broken.returncode == 1
    assert "kestrel: FAILED: UndefinedError: 'no_such_value' is undefined" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    assert _tree_bytes(repo / "site") == before
    (own / "overview.md.j2").write_text("Our own overview.\n" + original, encoding="utf-8")
    fixed = milepost(repo, "build", "--versions", "--as-of", "2026-11-23", "-j", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert "rebuilt v1, v2, latest" in fixed.stdout
    assert "Our own overview." in article(repo / "site" / "kestrel" / "v1" / "index.html")
    assert [p.name for p in (repo / "site").iterdir()] == ["kestrel"]


def _hidden_paths(paths: list[str]) -> list[str]:
    """Paths with a hidden part, except Milepost's fingerprints and GitHub Pages' marker."""
    return [p for p in paths if any(part.startswith(".") and part not in
                                    (".milepost-inputs", ".nojekyll")
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
