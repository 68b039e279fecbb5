"""Secrets in what Milepost prints: a URL's user info (`user:password@`, a token as the user
name) never reaches the terminal or a CI log, whether Milepost, a validation problem or git
itself quotes the URL. (`notify --push` and `--smtp` are tested in test_notify.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.problems import redact
from tests.conftest import VALID_TEXT, files_with, free_port, git, milepost

TOKEN = "ghp_SeCrEtToKeN4711"


@pytest.mark.parametrize(("text", "shown"), [
    ("git push -q https://oauth2:TOKEN@gitlab.example/g/r.git refs/tags/x failed",
     "git push -q https://***@gitlab.example/g/r.git refs/tags/x failed"),
    ("--smtp 'smtp+tls://u:hunter2@mail.example' is", "--smtp 'smtp+tls://***@mail.example' is"),
    ("https://TOKEN@github.com/o/r.git", "https://***@github.com/o/r.git"),
    ("HTTPS://u:p@ss@host:8443/x?to=a@b.example#c@d", "HTTPS://***@host:8443/x?to=a@b.example#c@d"),
    ("fatal: 'https://u:TOKEN@a.example/x' and 'ssh://git:TOKEN@b.example/y'",
     "fatal: 'https://***@a.example/x' and 'ssh://***@b.example/y'"),
    # Nothing else is touched: addresses, URLs without user info, mailto: links.
    ("mail pat@agency.example at https://host.example/p@x or mailto:a@b.example",
     "mail pat@agency.example at https://host.example/p@x or mailto:a@b.example"),
])
def test_redact_hides_the_user_info_of_every_url(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_login_written_into_site_url_is_not_echoed(make_project, run_cli, fmt):
    client = VALID_TEXT["client.yml"] + f"site_url: https://staff:{TOKEN}@projects.example/a/\n"
    projects = make_project({"acme": files_with({"client.yml": client})})
    code, out, err = run_cli("validate", "--projects", str(projects), "--format", fmt)
    assert code == 1 and TOKEN not in out + err
    assert "'https://***@projects.example/a/' is not a web address" in (
        "".join(p["message"] for p in json.loads(out)) if fmt == "json" else out)


# --- publish --branch --push ---------------------------------------------------------------------

@pytest.fixture
def repo(make_project, tmp_path: Path) -> Path:
    make_project({"acme": files_with({})})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "projects")
    git(tmp_path, "commit", "-qm", "Plan")
    return tmp_path


@pytest.mark.slow
def test_a_failed_publish_push_does_not_show_the_token(repo: Path):
    url = f"https://x-access-token:{TOKEN}@127.0.0.1:{free_port()}/o/r.git"
    done = milepost(repo, "publish", "--branch", "pages", "--push", url, "--as-of",
                    "2026-06-01", "-j", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "committed to pages" in done.stdout
    assert done.stderr.startswith("error: git push https://***@127.0.0.1:")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_publish_push_says_where_without_the_token(repo: Path, tmp_path_factory):
    remote = tmp_path_factory.mktemp("remote")
    git(remote, "init", "-q", "--bare")
    url = f"https://{TOKEN}@github.example/o/r.git"  # a token as the user name, as GitHub takes
    git(repo, "config", f"url.{remote.as_uri()}.insteadOf", url)
    done = milepost(repo, "publish", "--branch", "pages", "--push", url, "--as-of",
                    "2026-06-01", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "pushed pages to https://***@github.example/o/r.git" in done.stdout.splitlines()
    assert git(remote, "branch", "--list", "pages").strip() == "pages"


def test_the_gitlab_pipeline_asks_to_mask_the_push_url():
    from generator.ship.ci import pipeline_text

    text = pipeline_text("gitlab", ".", digest_schedule="weekly")
    comment = " ".join(x.strip(" #") for x in text.splitlines() if x.strip().startswith("#"))
    assert "a masked MILEPOST_PUSH_URL" in comment and "$MILEPOST_PUSH_URL" in text
