"""`milepost init-ci github|gitlab`: a pipeline that validates, comments and publishes.

On a pull/merge request: validate (as annotations on GitHub) and keep one comment up to date
with `milepost diff` of each changed client against the base branch. On main and on a
`client/version` tag: publish from the head of main (a tag only adds a version). By default
the sites go over SSH to the agency's own nginx or Caddy, behind a login, as a new release
folder on the server that one rename makes current (the site there is the cache). `--deploy
pages` publishes to GitHub Pages (the gh-pages branch) or GitLab Pages (the cached public/
folder) instead: public hosts, so only on that explicit request, with a warning.

No job holds a secret it does not need. The pull/merge-request check runs the branch's own
code (in this repository's shape, Milepost itself is installed from the branch), so it gets
no token that can write and no deploy secret; the comment is posted by a job of its own that
checks nothing out and runs nothing of the branch.

What a pipeline says is worked out here, in a PipelineView; content/ci/ lays it out for GitHub
(github.yml.j2) and GitLab (gitlab.yml.j2), with the shell steps both share in its partials.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from generator.docs import docs_url
from generator.problems import MilepostError
from generator.ship import configs
from generator.ship.host import HOST_NAME

# The hidden first line of the one diff comment per pull/merge request: found again on the
# next push and edited, so a review thread holds one comment, not one per push.
MARKER = "<!-- milepost-diff -->"

# Where `--deploy ssh` with nginx expects the certificate (full chain) and its key on the
# server, and the server's name until `--domain` gives it.
CERT, KEY = "/etc/ssl/milepost/fullchain.pem", "/etc/ssl/milepost/privkey.pem"
PLACEHOLDER_DOMAIN = "portal.agency.example"


@dataclass(frozen=True)
class Schedule:
    """When the digest goes out on its own."""

    cron: str   # the cron line, in UTC
    when: str   # the same in words, for the comments and the steps left


SCHEDULES = {"weekly": Schedule("0 7 * * 1", "every Monday at 07:00"),
             "daily": Schedule("0 7 * * 1-5", "every weekday at 07:00")}

PIPELINES = {"github": ".github/workflows/milepost.yml", "gitlab": ".gitlab-ci.yml"}
TEMPLATES = {"github": "ci/github.yml.j2", "gitlab": "ci/gitlab.yml.j2"}


@dataclass(frozen=True)
class DocsPages:
    """The pages of the docs a pipeline's comments point to."""

    hosting: str = field(default_factory=lambda: docs_url("guide/hosting.html"))
    pipelines: str = field(default_factory=lambda: docs_url("guide/ci.html"))


@dataclass(frozen=True)
class PipelineView:
    """What a pipeline says, worked out: content/ci/ lays it out for GitHub or GitLab."""

    package: str      # how pip installs Milepost, as a YAML double-quoted string
    marker: str       # the diff comment's hidden first line (a constant: nothing to quote)
    private: bool     # over SSH to the agency's own server; False: the public Pages
    server: str       # "nginx" or "caddy", the server `milepost host` writes for
    caddy: bool
    domain: str       # the server's name, a checked host name
    host_options: str  # `milepost host`'s options for that server, a YAML double-quoted string
    schedule: Schedule | None  # the digest on its own schedule; None: after each publish
    pushes: str       # what the publish job's token pushes; "" when it only reads
    shards: int = 0   # build jobs at once, each a shard of the clients (0: one publish job)
    docs: DocsPages = field(default_factory=DocsPages)  # the docs' address may be the agency's

    @property
    def shard_numbers(self) -> str:
        """The matrix of shard jobs, as a YAML flow list: [1, 2, 3]."""
        return "[" + ", ".join(str(k) for k in range(1, self.shards + 1)) + "]"


def default_package(root: Path) -> str:
    """How the pipeline installs Milepost: the repository itself when it is Milepost's own
    (a pyproject.toml naming milepost at its root, beside projects/); there is no package
    on the index to fall back on, so anywhere else the spec must be given."""
    pyproject = root / "pyproject.toml"
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        name = None
    if name == "milepost":
        return "."
    raise MilepostError(
        f"{root.resolve()} does not hold Milepost itself (no pyproject.toml naming milepost), "
        "so the pipeline cannot install it from here: pass --package with a pip spec, e.g. "
        "--package 'git+https://github.com/OWNER/milepost@v0.1.0' or the path or URL of a wheel")


def _host_options(server: str, domain: str) -> str:
    """What `milepost host` is told on the server: its name, and for nginx the certificate
    (Caddy gets its own)."""
    if server == "caddy":
        return f"--domain {domain}"
    return f"--server-name {domain} --cert {CERT} --key {KEY}"


def _pushes(deploy: str, scheduled: bool) -> str:
    """What the publish job's token may push: gh-pages (Pages) and the tag that remembers
    each digest (when the digest goes out after each publish); "" when it only reads."""
    pushes = (["gh-pages"] if deploy == "pages" else []) + \
        ([] if scheduled else ["the tags that remember each digest"])
    return " and ".join(pushes)


# Shard jobs a pipeline may run at once: GitLab's `parallel` takes 2 to 200 (GitHub's
# matrix, up to 256).
MAX_SHARDS = 200


def shards_given(shards: int | None) -> int:
    """`--shards N` as given: 0 when left out (one job builds every client); a number given
    must be one that splits the build (`--shards 0` or 1 is refused, not taken as none)."""
    if shards is None:
        return 0
    if not 2 <= shards <= MAX_SHARDS:
        raise MilepostError(f"--shards {shards}: give a number of build jobs from 2 to "
                            f"{MAX_SHARDS} (leave it out for one job)")
    return shards


def check_shards(shards: int, deploy: str) -> None:
    """Shards spread the build of the agency's own server's release over machines."""
    if shards and not 2 <= shards <= MAX_SHARDS:
        raise MilepostError(f"--shards {shards}: give a number of build jobs from 2 to "
                            f"{MAX_SHARDS} (leave it out for one job)")
    if shards and deploy != "ssh":
        raise MilepostError(f"--shards {shards} spreads the build of a release for your own "
                            "server, with the agency's view, over machines: leave --deploy "
                            "pages out (ssh is the default), or leave --shards out")


def pipeline_view(package: str, deploy: str = "ssh", server: str = "nginx",
                  digest_schedule: str | None = None,
                  domain: str = PLACEHOLDER_DOMAIN, shards: int = 0) -> PipelineView:
    """Everything a pipeline says for these options; the same for GitHub and GitLab."""
    if not HOST_NAME.fullmatch(domain):  # it goes into YAML and shell as it is
        raise MilepostError(f"--domain '{domain}' is not a host name (e.g. portal.agency.example)")
    check_shards(shards, deploy)
    schedule = SCHEDULES[digest_schedule] if digest_schedule else None
    return PipelineView(
        package=json.dumps(package), marker=MARKER, private=deploy == "ssh", server=server,
        caddy=server == "caddy", domain=domain,
        host_options=json.dumps(_host_options(server, domain)), schedule=schedule,
        pushes=_pushes(deploy, schedule is not None), shards=shards)


def pipeline_text(system: str, package: str, deploy: str = "ssh", server: str = "nginx",
                  digest_schedule: str | None = None,
                  domain: str = PLACEHOLDER_DOMAIN, shards: int = 0) -> str:
    """The pipeline for `system`, installing Milepost with the pip spec `package`,
    publishing to `deploy` (`ssh` to the agency's own `server` at `domain`, or the public
    Pages), with the digest after each publish or, given `digest_schedule`, on its own on
    that schedule; with `shards`, the clients are built by that many jobs at once, and one
    job after them puts the shards together with the agency's view and publishes."""
    view = pipeline_view(package, deploy, server, digest_schedule, domain, shards)
    return configs.render(TEMPLATES[system], view)


# --- what `init-ci` says it set up, and what is left to do ------------------------------------

@dataclass(frozen=True)
class Setup:
    """What `init-ci` wrote and what the agency must still do, for the command to print."""

    path: Path
    done: str                   # what the pipeline does, in one sentence
    todo: tuple[str, ...]       # the steps left, in order
    warning: str | None = None  # said before anything else: a public target


PUBLIC_WARNING = {
    "github": "GitHub Pages is public: anyone who has the address reads every client's site "
              "there, roadmap, budget and decisions included, and one client reads another's "
              "by changing a word in the address",
    "gitlab": "GitLab Pages serves public/ to anyone unless the project's Pages access "
              "control is on (and then only to project members, not to your clients): every "
              "client's roadmap, budget and decisions, and one client reads another's by "
              "changing a word in the address",
}
SECRETS_PAGE = {"github": "Settings > Secrets and variables > Actions, as repository secrets",
                "gitlab": "Settings > CI/CD > Variables"}


def _server_todo(server: str, domain: str) -> str:
    """The server's side of `--deploy ssh`: the web server, its TLS, the deploy user."""
    common = ("On the server: install " + server + " and rsync; a user `deploy` that owns "
              "/srv/milepost (MILEPOST_DEPLOY_PATH) and may bind port 443 (`sudo setcap "
              f"cap_net_bind_service=+ep $(command -v {server})`, or run {server} from a "
              "systemd unit); ")
    if server == "caddy":
        return common + (f"point the DNS name {domain} at the server and open ports 80 and "
                         "443: Caddy gets and renews the certificate itself (automatic HTTPS)")
    return common + (f"the certificate for {domain} (full chain) at {CERT} and its key at "
                     f"{KEY}, readable by `deploy` (e.g. copied there by a certbot deploy "
                     "hook); nginx serves HTTPS on 443 with them, never plain HTTP")


def _ssh_secrets_todo(system: str, domain: str) -> list[str]:
    keyscan = (f"the output of `ssh-keyscan -t ed25519 {domain}`, checked against `ssh-keygen "
               "-lf /etc/ssh/ssh_host_ed25519_key.pub` run on the server: the job refuses any "
               "other host key")
    key = ("Make a key only for deploying, `ssh-keygen -t ed25519 -N '' -C milepost-deploy "
           "-f milepost_deploy`, and add milepost_deploy.pub to ~deploy/.ssh/authorized_keys "
           "on the server")
    if system == "github":
        return [key, f"Add in {SECRETS_PAGE[system]}: MILEPOST_SSH_KEY (the content of "
                "milepost_deploy; then delete the file), MILEPOST_SSH_KNOWN_HOSTS (" + keyscan
                + ") and MILEPOST_ACCESS (the access file `milepost access add` writes, "
                "unless you commit it)"]
    return [key, f"Add in {SECRETS_PAGE[system]}, each of type File and Protected (a merge "
            "request's pipeline never sees a protected variable): MILEPOST_SSH_KEY (the "
            "content of milepost_deploy; then delete the file), MILEPOST_SSH_KNOWN_HOSTS ("
            + keyscan + ") and MILEPOST_ACCESS (the access file, unless you commit it); then "
            "protect the tags `*/*` (Settings > Repository > Protected tags), so that a "
            "version's pipeline sees them too"]


def _digest_todo(system: str, digest_schedule: str | None) -> list[str]:
    if system == "github":
        todo = [f"For the email digests, add in {SECRETS_PAGE[system]}: MILEPOST_SMTP_URL "
                "(e.g. smtps://user@mail.example:465) and MILEPOST_SMTP_PASSWORD"]
    else:
        todo = [f"For the email digests, add in {SECRETS_PAGE[system]}, each Protected: "
                "MILEPOST_SMTP_URL (e.g. smtps://user@mail.example:465), "
                "MILEPOST_SMTP_PASSWORD (Masked) and MILEPOST_PUSH_URL (Masked; "
                "https://oauth2:TOKEN@HOST/GROUP/REPO.git, where the tags that remember each "
                "digest are pushed)"]
        if digest_schedule:
            schedule = SCHEDULES[digest_schedule]
            todo.append(f"For the digest {schedule.when} (UTC): Build > Pipeline schedules, a "
                        f"schedule on the default branch with the interval \"{schedule.cron}\"")
    return todo


# Where the shards' outputs wait for the job that puts them together, and who may read them.
ARTIFACTS = {"github": "artifacts, which anyone who may read the repository can download "
                       "(in a public repository, anyone) for the one day they are kept",
             "gitlab": "artifacts, which only members with the Developer role or above can "
                       "download (`access: developer`), for the one day they are kept"}


def setup_notes(system: str, path: Path, deploy: str, server: str, domain: str | None,
                digest_schedule: str | None, shards: int = 0) -> Setup:
    """What the pipeline at `path` does and what is left to do before it runs green; without
    `domain`, the pipeline holds a placeholder for the server's name."""
    review = "checks each pull request" if system == "github" else "checks each merge request"
    review += " (validate, and one comment with what it changes for each client)"
    if deploy == "pages":
        host = "GitHub Pages (gh-pages)" if system == "github" else "GitLab Pages (public/)"
        done = (f"{path}: {review}; publishes main and each client/version tag to {host}, "
                "which is public")
        todo = ["Settings > Pages > Build and deployment: Deploy from a branch, gh-pages, "
                "/ (root)"] if system == "github" else []
        warning = (PUBLIC_WARNING[system] + ". For confidential sites, leave out --deploy "
                   "pages: the default publishes over SSH to your own server, behind a login")
    else:
        done = (f"{path}: {review}; publishes main and each client/version tag over SSH to "
                f"{server} on your own server, behind a login (nothing is public), over HTTPS")
        todo = []
        if shards:
            done += (f"; the clients are built by {shards} jobs at once (shards), then one job "
                     "puts them together with the agency's view and publishes them as one "
                     "release")
            todo.append(f"Keep the repository private: the shards' client sites pass to the "
                        f"last job as {ARTIFACTS[system]} (the agency's view is never one: "
                        "the last job builds it)")
        if domain is None:
            domain = PLACEHOLDER_DOMAIN
            todo.append(f"In {path}, replace {PLACEHOLDER_DOMAIN} with your server's name "
                        "(MILEPOST_DEPLOY_HOST, the SSH login, and MILEPOST_HOST_OPTIONS, the "
                        "site's name), or run init-ci again with --domain NAME --force")
        else:
            todo.append(f"In {path}, check MILEPOST_DEPLOY_HOST (the SSH login, now "
                        f"deploy@{domain}) and MILEPOST_DEPLOY_PATH (now /srv/milepost)")
        todo.append(_server_todo(server, domain))
        todo += _ssh_secrets_todo(system, domain)
        warning = None
    todo += _digest_todo(system, digest_schedule)
    if system == "gitlab":
        todo.append(f"For the diff on merge requests, add in {SECRETS_PAGE[system]}: "
                    "MILEPOST_TOKEN (a project access token with the api scope), Masked, not "
                    "Protected (merge requests need it), with the environment scope "
                    "milepost-review: only the `comment` job, which runs nothing of the "
                    "branch, sees it")
    if deploy == "ssh":
        todo.append(f"After the first deploy, start {server} once on the server (the job "
                    f"prints the line), then open https://{domain or PLACEHOLDER_DOMAIN}"
                    "/CLIENT/")
    return Setup(path, done, tuple(todo), warning)


def write_pipeline(system: str, root: Path, force: bool = False, package: str | None = None,
                   deploy: str = "ssh", server: str | None = None,
                   digest_schedule: str | None = None, domain: str | None = None,
                   shards: int = 0) -> Setup:
    if server and deploy != "ssh":
        raise MilepostError(f"--server {server} says which server `--deploy ssh` publishes "
                            "to: leave --deploy pages out (ssh is the default), or leave "
                            "--server out")
    if domain and deploy != "ssh":
        raise MilepostError(f"--domain {domain} names your own server for `--deploy ssh`: "
                            "leave --deploy pages out (ssh is the default), or leave --domain "
                            "out")
    if domain and not HOST_NAME.fullmatch(domain):
        raise MilepostError(f"--domain '{domain}' is not a host name (e.g. portal.agency.example)")
    check_shards(shards, deploy)
    target = root / PIPELINES[system]
    if target.exists() and not force:
        raise MilepostError(f"{target} exists already: pass --force to overwrite it")
    text = pipeline_text(system, package or default_package(root), deploy, server or "nginx",
                         digest_schedule, domain or PLACEHOLDER_DOMAIN, shards)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return setup_notes(system, target, deploy, server or "nginx", domain, digest_schedule,
                       shards)
