"""The pipelines `milepost init-ci` writes, read as YAML: private unless a public host is asked
for by name, a printed list of what is left to do, and no token or secret in a job that runs
a branch's own code. (Running their commands against real repositories is in
test_versions.py.)"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ship.ci import pipeline_text

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = {"github": ".github/workflows/milepost.yml", "gitlab": ".gitlab-ci.yml"}
# Every way init-ci can write a pipeline: both systems, both targets, both servers, with the
# digest after each publish or on its own schedule.
VARIANTS = [dict(deploy=deploy, server=server, digest_schedule=schedule)
            for deploy, server, schedule in itertools.product(
                ("ssh", "pages"), ("nginx", "caddy"), (None, "weekly"))
            if deploy == "ssh" or server == "nginx"] + [
    dict(deploy="ssh", server="caddy", digest_schedule=None, shards=3)]  # shards: one way
# What the agency keeps secret: in GitHub's secrets or GitLab's CI/CD variables.
SECRETS = ("MILEPOST_SSH_KEY", "MILEPOST_SSH_KNOWN_HOSTS", "MILEPOST_ACCESS",
           "MILEPOST_SMTP_PASSWORD", "MILEPOST_SMTP_URL", "MILEPOST_PUSH_URL", "MILEPOST_TOKEN")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # this repo's shape
    return tmp_path


def written(repo: Path, system: str) -> dict[str, Any]:
    return yaml.safe_load((repo / PIPELINES[system]).read_text(encoding="utf-8"))


def jobs(system: str, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if system == "github":
        return data["jobs"]
    return {name: job for name, job in data.items() if isinstance(job, dict) and "script" in job}


def commands(job: dict[str, Any]) -> str:
    """Everything a job runs, as one text."""
    if "steps" in job:
        return "\n".join(step.get("run", "") for step in job["steps"])
    return "\n".join([*job.get("before_script", []), *job["script"]])


# --- private by default ------------------------------------------------------------------------

@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_the_default_pipeline_publishes_privately_and_says_what_is_left(system: str, repo: Path,
                                                                       run_cli):
    code, out, err = run_cli("init-ci", system, "--root", str(repo))
    assert (code, err) == (0, "")  # nothing public, so nothing to warn about
    text = (repo / PIPELINES[system]).read_text(encoding="utf-8")
    runs = "\n".join(commands(job) for job in jobs(system, written(repo, system)).values())
    # No Pages at all: no gh-pages branch, no GitLab `pages` job or public/ artifact.
    assert "gh-pages" not in text and "--branch" not in runs
    assert "pages" not in jobs(system, written(repo, system))
    assert "artifacts:\n    paths: [public]" not in text and "--to public" not in runs
    # Over SSH to the agency's own nginx, behind its logins, over HTTPS.
    assert "milepost host nginx" in runs and "rsync" in runs
    assert ("--server-name portal.agency.example --cert /etc/ssl/milepost/fullchain.pem "
            "--key /etc/ssl/milepost/privkey.pem") in text
    # What it set up, then what is left, in order: the server's name, the server, the key,
    # the secrets (with the host key line from ssh-keyscan), the digest, the first start.
    said = " ".join(out.split())
    assert said.startswith(f"wrote {repo / PIPELINES[system]}: checks each ")
    assert "over SSH to nginx on your own server, behind a login (nothing is public)" in said
    steps = " ".join(out.split("Left to do:\n", 1)[1].split())
    for expected in (f"1. In {repo / PIPELINES[system]}, replace portal.agency.example with "
                     "your server's name", "or run init-ci again with --domain NAME --force",
                     "2. On the server: install nginx and rsync",
                     "the certificate for portal.agency.example (full chain) at "
                     "/etc/ssl/milepost/fullchain.pem and its key at "
                     "/etc/ssl/milepost/privkey.pem", "nginx serves HTTPS on 443",
                     "3. Make a key only for deploying, `ssh-keygen -t ed25519",
                     "MILEPOST_SSH_KEY (the content of milepost_deploy",
                     "MILEPOST_SSH_KNOWN_HOSTS (the output of `ssh-keyscan -t ed25519 "
                     "portal.agency.example`", "MILEPOST_ACCESS (the access file",
                     "MILEPOST_SMTP_URL", "MILEPOST_SMTP_PASSWORD",
                     "After the first deploy, start nginx once on the server",
                     "https://portal.agency.example/CLIENT/"):
        assert expected in steps, expected
    # Commands are never wrapped inside: each can be copied whole.
    for command in ("`sudo setcap cap_net_bind_service=+ep $(command -v nginx)`",
                    "`ssh-keygen -t ed25519 -N '' -C milepost-deploy -f milepost_deploy`",
                    "`ssh-keyscan -t ed25519 portal.agency.example`"):
        assert command in out, command
    if system == "gitlab":
        assert "each of type File and Protected" in steps
        assert "protect the tags `*/*` (Settings > Repository > Protected tags)" in steps
        assert "MILEPOST_PUSH_URL (Masked" in steps and "MILEPOST_SMTP_PASSWORD (Masked)" in steps
        assert "MILEPOST_TOKEN (a project access token with the api scope), Masked, not " \
               "Protected" in steps
        assert "environment scope milepost-review" in steps
    else:
        assert "Settings > Secrets and variables > Actions" in steps


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_a_public_target_only_when_asked_for_and_with_a_warning(system: str, repo: Path,
                                                                run_cli):
    code, out, err = run_cli("init-ci", system, "--root", str(repo), "--deploy", "pages")
    assert code == 0
    runs = "\n".join(commands(job) for job in jobs(system, written(repo, system)).values())
    host = "GitHub Pages" if system == "github" else "GitLab Pages"
    assert err.startswith(f"warning: {host} ")
    warning = " ".join(err.split())
    assert "every client's roadmap, budget and decisions" in warning or \
        "every client's site there, roadmap, budget and decisions included" in warning
    assert "leave out --deploy pages: the default publishes over SSH to your own server, " \
           "behind a login" in warning
    assert f"to {host}" in out and "which is public" in out
    if system == "github":
        assert "milepost publish --projects projects --branch gh-pages" in runs
        assert "Deploy from a branch, gh-pages" in " ".join(out.split())
    else:
        assert "pages" in jobs(system, written(repo, system))
    assert "milepost host" not in runs


def test_the_domain_fills_in_the_server_and_the_checklist(repo: Path, run_cli):
    code, out, _ = run_cli("init-ci", "gitlab", "--root", str(repo), "--domain",
                           "portal.agency.example")  # the example's own name, given on purpose
    assert code == 0 and "replace portal.agency.example" not in out
    assert "check MILEPOST_DEPLOY_HOST" in " ".join(out.split())
    (repo / PIPELINES["gitlab"]).unlink()

    code, out, _ = run_cli("init-ci", "github", "--root", str(repo), "--server", "caddy",
                           "--domain", "sites.brightfold.example")
    assert code == 0
    text = (repo / PIPELINES["github"]).read_text(encoding="utf-8")
    env = written(repo, "github")["env"]
    assert env["MILEPOST_DEPLOY_HOST"] == "deploy@sites.brightfold.example"
    assert env["MILEPOST_HOST_OPTIONS"] == "--domain sites.brightfold.example"
    assert "portal.agency.example" not in text + out  # nothing left to replace
    steps = " ".join(out.split())
    assert "1. In " in steps and "check MILEPOST_DEPLOY_HOST" in steps
    assert "point the DNS name sites.brightfold.example at the server and open ports 80 and 443: " \
           "Caddy gets and renews the certificate itself (automatic HTTPS)" in steps
    assert "`ssh-keyscan -t ed25519 sites.brightfold.example`" in steps


@pytest.mark.parametrize("args, message", [
    (["--domain", "portal agency"], "--domain 'portal agency' is not a host name"),
    (["--domain", "portal.example\n"], "is not a host name"),
    (["--deploy", "pages", "--domain", "portal.example"], "--domain portal.example names your "
     "own server for `--deploy ssh`: leave --deploy pages out (ssh is the default)"),
])
def test_init_ci_refuses_a_domain_it_cannot_use(args: list[str], message: str, repo: Path,
                                                run_cli):
    code, out, err = run_cli("init-ci", "gitlab", "--root", str(repo), *args)
    assert (code, out) == (1, "") and message in err
    assert not (repo / PIPELINES["gitlab"]).exists()


# --- no token or secret where a branch's code runs ---------------------------------------------

@pytest.mark.parametrize("options", VARIANTS)
def test_the_pull_request_check_holds_no_token_and_no_secret_on_github(options: dict):
    data = yaml.safe_load(pipeline_text("github", ".", **options))
    assert data["permissions"] == {}  # no job inherits a token that can write
    every = data["jobs"]
    on_pull_requests = {n for n, j in every.items() if "pull_request" in j["if"]}
    assert on_pull_requests == {"check", "comment"}
    # The check runs the branch's code (Milepost is installed from the branch): it may read
    # the repository, keeps no credentials in the checkout, and sees no secret or token.
    check = every["check"]
    assert check["permissions"] == {"contents": "read"}
    checkout = next(s for s in check["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    assert "secrets." not in yaml.safe_dump(check) and "github.token" not in yaml.safe_dump(check)
    assert 'pip install "$MILEPOST_PACKAGE"' in commands(check)
    # The comment job holds the only token that can write, and runs nothing of the branch.
    comment = every["comment"]
    assert comment["permissions"] == {"pull-requests": "write"} and comment["needs"] == "check"
    assert not any(s.get("uses", "").startswith("actions/checkout") for s in comment["steps"])
    assert "pip install" not in commands(comment)
    assert not any(line.lstrip().startswith("milepost ")
                   for line in commands(comment).splitlines())
    assert "secrets." not in yaml.safe_dump(comment)
    # Secrets reach only the jobs of pushes to main, tags and the schedule.
    for name, job in every.items():
        if "secrets." in yaml.safe_dump(job):
            assert job["if"] in ("github.event_name == 'push'",
                                 "github.event_name == 'schedule'"), name


@pytest.mark.parametrize("options", VARIANTS)
def test_the_merge_request_validate_job_holds_no_token_and_no_secret_on_gitlab(options: dict):
    text = pipeline_text("gitlab", ".", **options)
    every = jobs("gitlab", yaml.safe_load(text))
    on_merge_requests = {n for n, j in every.items()
                         if any("merge_request_event" in r["if"] for r in j["rules"])}
    assert on_merge_requests == {"validate", "comment"}
    validate = yaml.safe_dump(every["validate"])
    assert not [s for s in SECRETS if s in validate]
    assert "milepost validate --projects projects" in commands(every["validate"])
    # Only the comment job reads MILEPOST_TOKEN: in an environment of its own (the token's
    # scope), without the repository or an install, so nothing of the branch runs beside it.
    readers = {n for n, j in every.items() if "MILEPOST_TOKEN" in yaml.safe_dump(j)}
    assert readers == {"comment"}
    comment = every["comment"]
    assert comment["environment"]["name"] == "milepost-review"
    assert comment["variables"] == {"GIT_STRATEGY": "none"}
    assert comment["before_script"] == [] and comment["needs"] == ["validate"]
    assert not any(line.lstrip().startswith(("milepost ", "pip "))
                   for line in commands(comment).splitlines())
    # Deploy and digest secrets are read only by jobs of the default branch, tags and
    # schedules: Protected variables, which a merge request's pipeline never gets.
    for name, job in every.items():
        if name in on_merge_requests:
            continue
        for rule in job["rules"]:
            assert rule.get("when") == "never" or "merge_request" not in rule["if"], name
    assert "Protected" in text


def test_the_guide_says_which_variables_to_protect_and_mask():
    guide = (ROOT / "docs" / "pages" / "guide" / "ci.md").read_text(encoding="utf-8")
    section = " ".join(guide.split("## Secrets", 1)[1].split("\n## ", 1)[0].split())
    for name in ("MILEPOST_SSH_KEY", "MILEPOST_SSH_KNOWN_HOSTS", "MILEPOST_ACCESS",
                 "MILEPOST_SMTP_PASSWORD", "MILEPOST_PUSH_URL"):
        assert name in section, name
    assert "Protected" in section and "Masked" in section
    assert "Protected tags" in section
