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
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.problems import MilepostError
from generator.ship.host import HOST_NAME

# The hidden first line of the one diff comment per pull/merge request: found again on the
# next push and edited, so a review thread holds one comment, not one per push.
MARKER = "<!-- milepost-diff -->"

GITHUB = r"""# Written by `milepost init-ci github`. __WHERE__
# MILEPOST_PACKAGE says how to install Milepost: "." is this repository; to pin a release,
# use a git URL at a tag ("git+https://github.com/OWNER/milepost@v0.1.0") or a wheel.
name: Milepost
on:
  pull_request:
  push:
    branches: [main]
    tags: ["*/*"]
__SCHEDULE__# Each job says what its token may do; none may do anything it does not say.
permissions: {}
concurrency:
  group: milepost-publish-${{ github.event_name == 'pull_request' && github.ref || 'main' }}
  cancel-in-progress: false
env:
  MILEPOST_PACKAGE: __PACKAGE__
  PUBLISH_BRANCH: main
  NO_MKDOCS_2_WARNING: "1"
__DEPLOY_ENV__jobs:
  check:
    # Runs the branch's own code (with MILEPOST_PACKAGE ".", Milepost itself comes from the
    # branch): a token that can only read, not kept in the checkout, and no secrets.
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$MILEPOST_PACKAGE"
      - name: Validate
        run: milepost validate --projects projects --format github
      - name: What changed against the base branch, per client
        run: |
          base="origin/$GITHUB_BASE_REF"
          since=$(git merge-base "$base" HEAD)
          : > milepost-diff.md
          for client in $(milepost plan --projects projects --changed-since "$since"); do
            milepost diff "$client" --since "$base" --format markdown >> milepost-diff.md \
              || echo "_${client}: new here, or not valid on ${base}: nothing to compare with._" \
              >> milepost-diff.md
            echo >> milepost-diff.md
          done
          { echo '__MARKER__'
            if [ -s milepost-diff.md ]; then cat milepost-diff.md
            else echo "No client's site changes in this pull request."; fi
          } > milepost-comment.md
      - uses: actions/upload-artifact@v4
        with:
          name: milepost-comment
          path: |
            milepost-diff.md
            milepost-comment.md
          retention-days: 1
  comment:
    # The one pull-request job whose token may write (comments only): it checks nothing
    # out and installs nothing, so no code of the branch runs beside that token.
    needs: check
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: milepost-comment
      - name: Comment on the pull request (one comment, updated on every push)
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR/comments" \
            --jq '.[] | select(.user.type == "Bot" and (.body | startswith("__MARKER__"))) | .id' \
            | head -n 1)
          if [ -n "$id" ]; then
            gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" \
              -F body=@milepost-comment.md > /dev/null
          elif [ -s milepost-diff.md ]; then
            gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR/comments" \
              -F body=@milepost-comment.md > /dev/null
          fi
  publish:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    permissions:
__PUBLISH_PERMISSION__    env:
      MILEPOST_SMTP_URL: ${{ secrets.MILEPOST_SMTP_URL }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$MILEPOST_PACKAGE"
      - name: Publish from the head of main, also on a tag push
        # A tag's commit may be older than main: publishing from it would roll every other
        # client's latest back. The tag's version is read from git, wherever main is.
        run: |
          branch="$PUBLISH_BRANCH"
          git fetch --tags --force origin "+refs/heads/$branch:refs/remotes/origin/$branch"
          git checkout -q --detach "origin/$branch"
__PUBLISH____DIGEST____DIGEST_JOB__"""

GITHUB_PAGES = r"""
      - name: Publish to the gh-pages branch
        run: |
          git fetch origin gh-pages:gh-pages || true
          milepost publish --projects projects --branch gh-pages --push origin
""".removeprefix("\n")

GITHUB_DIGEST = r"""
      # Digests: set the secrets MILEPOST_SMTP_URL (e.g. smtps://user@mail.example:465) and
      # MILEPOST_SMTP_PASSWORD. Each client is compared with its last digest (a tag pushed
      # back here), so a rerun sends nothing twice and a failed send is retried next time.
      - name: Email each client what changed and what waits on them
        if: env.MILEPOST_SMTP_URL != ''
        env:
          MILEPOST_SMTP_PASSWORD: ${{ secrets.MILEPOST_SMTP_PASSWORD }}
        run: milepost notify --all --smtp "$MILEPOST_SMTP_URL" --push origin
""".removeprefix("\n")

# The digest on its own, on the schedule: it replaces the digest after each publish, so a
# client gets one email a week (or day) however often main moves.
GITHUB_SCHEDULE = """
  schedule:
    - cron: "__CRON__"  # __WHEN__ (UTC): only the digest job runs
""".removeprefix("\n")

GITHUB_DIGEST_JOB = r"""  digest:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # pushes the tag that remembers each digest
    env:
      MILEPOST_SMTP_URL: ${{ secrets.MILEPOST_SMTP_URL }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$MILEPOST_PACKAGE"
""" + GITHUB_DIGEST

# Publishing to the agency's own server. The secrets MILEPOST_SSH_KEY (a private key only
# for this) and MILEPOST_SSH_KNOWN_HOSTS (`ssh-keyscan HOST` checked by hand) are written to
# files and never printed; MILEPOST_ACCESS holds the access file, unless it is committed.
GITHUB_SSH_ENV = r"""  MILEPOST_DEPLOY_HOST: deploy@__DOMAIN__  # the server's SSH login
  MILEPOST_DEPLOY_PATH: /srv/milepost  # releases/, shared/ and the current link live here
  MILEPOST_DEPLOY_KEEP: "5"  # releases kept on the server, the current one included
__TLS__  MILEPOST_HOST_OPTIONS: "__HOST_OPTIONS__"
  MILEPOST_RELOAD: ""  # run on the server instead, e.g. "sudo systemctl reload __SERVER__"
"""

GITHUB_SSH = r"""
      - name: SSH key and known hosts from the secrets (written to files, never shown)
        env:
          SSH_KEY: ${{ secrets.MILEPOST_SSH_KEY }}
          SSH_KNOWN_HOSTS: ${{ secrets.MILEPOST_SSH_KNOWN_HOSTS }}
        run: |
          install -d -m 700 ~/.ssh
          ( umask 077
            printf '%s\n' "$SSH_KEY" > ~/.ssh/milepost_deploy
            printf '%s\n' "$SSH_KNOWN_HOSTS" > ~/.ssh/milepost_known_hosts
__SSH_CONFIG__ )
      - name: Start from the site on the server (published versions are kept, never rebuilt)
        run: |
__PULL__
      - name: Build what changed
        run: milepost publish --projects projects --to site
      - name: Upload a new release, then switch the server to it in one rename
        env:
          ACCESS_YML: ${{ secrets.MILEPOST_ACCESS }}
        run: |
          access="${MILEPOST_ACCESS:-access.yml}"
          if [ -n "$ACCESS_YML" ]; then
            access="$RUNNER_TEMP/milepost-access.yml"
            ( umask 077; printf '%s\n' "$ACCESS_YML" > "$access" )
          fi
          run="$GITHUB_RUN_ID.$GITHUB_RUN_ATTEMPT"
          release="$(date -u +%Y%m%dT%H%M%SZ)-$(git rev-parse --short=12 HEAD)-$run"
__RELEASE__
""".removeprefix("\n")

GITLAB = r"""# Written by `milepost init-ci gitlab`. __WHERE__
# MILEPOST_PACKAGE says how to install Milepost: "." is this repository; to pin a release,
# use a git URL at a tag ("git+https://gitlab.com/OWNER/milepost@v0.1.0") or a wheel.
# Merge requests: set a masked MILEPOST_TOKEN variable (API scope) with the environment
# scope "milepost-review" to get the diff posted; only the `comment` job, which runs nothing
# of the branch, is in that environment. Every other secret is Protected (README: The
# pipelines): a merge request's pipeline never sees it.
__SCHEDULE__variables:
  GIT_DEPTH: "0"
  MILEPOST_PACKAGE: __PACKAGE__
  NO_MKDOCS_2_WARNING: "1"
__DEPLOY_ENV__default:
  image: python:3.11
  before_script:
    - pip install "$MILEPOST_PACKAGE"
stages: [check, review, publish]
validate:
  # Runs the branch's own code (with MILEPOST_PACKAGE ".", Milepost itself comes from the
  # branch): it reads no token and writes the comment to a file for the job below.
  stage: check
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - milepost validate --projects projects
    - git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - |
      base="origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
      since=$(git merge-base "$base" HEAD)
      : > milepost-diff.md
      for client in $(milepost plan --projects projects --changed-since "$since"); do
        milepost diff "$client" --since "$base" --format markdown >> milepost-diff.md \
          || echo "_${client}: new here, or not valid on ${base}: nothing to compare with._" \
          >> milepost-diff.md
        echo >> milepost-diff.md
      done
    - |
      { echo '__MARKER__'
        if [ -s milepost-diff.md ]; then cat milepost-diff.md
        else echo "No client's site changes in this merge request."; fi
      } > milepost-comment.md
  artifacts:
    paths: [milepost-diff.md, milepost-comment.md]
    expire_in: 1 day
comment:
  # Posts what `validate` wrote, with MILEPOST_TOKEN: no checkout, no install, so nothing
  # of the branch runs beside the token.
  stage: review
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  needs: [validate]
  environment:
    name: milepost-review
    action: prepare
  variables:
    GIT_STRATEGY: none
  before_script: []
  script:
    - |
      if [ -n "$MILEPOST_TOKEN" ]; then
        notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
        id=$(curl --fail --silent --header "PRIVATE-TOKEN: $MILEPOST_TOKEN" \
               "$notes?per_page=100&sort=asc" | python3 -c 'import json, sys
      print(next((str(n["id"]) for n in json.load(sys.stdin)
                  if n["body"].startswith("__MARKER__")), ""))')
        if [ -n "$id" ]; then
          curl --fail --silent --request PUT --header "PRIVATE-TOKEN: $MILEPOST_TOKEN" \
            --data-urlencode "body@milepost-comment.md" "$notes/$id" > /dev/null
        elif [ -s milepost-diff.md ]; then
          curl --fail --silent --request POST --header "PRIVATE-TOKEN: $MILEPOST_TOKEN" \
            --data-urlencode "body@milepost-comment.md" "$notes" > /dev/null
        fi
      else
        echo "no MILEPOST_TOKEN in this job's environment: the diff is not posted"
      fi
__PUBLISH____DIGEST_JOB__"""

GITLAB_RULES = r"""
  rules:
__NOT_ON_SCHEDULE__    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG =~ /^[^\/]+\/[^\/]+$/
  resource_group: milepost-publish
""".removeprefix("\n")

GITLAB_CHECKOUT = r"""
    # A tag's commit may be older than the default branch: publishing from it would roll
    # every other client's latest back. The tag's version is read from git, wherever main is.
    - |
      branch="$CI_DEFAULT_BRANCH"
      git fetch --tags --force origin "+refs/heads/$branch:refs/remotes/origin/$branch"
      git checkout -q --detach "origin/$branch"
""".removeprefix("\n")

GITLAB_DIGEST = r"""
    # Digests: set MILEPOST_SMTP_URL (e.g. smtps://user@mail.example:465), a masked
    # MILEPOST_SMTP_PASSWORD and a masked MILEPOST_PUSH_URL the digest tags are
    # pushed to (e.g. https://oauth2:TOKEN@gitlab.example/group/repo.git).
    - |
      if [ -n "$MILEPOST_SMTP_URL" ]; then
        push=""; [ -n "$MILEPOST_PUSH_URL" ] && push="--push=$MILEPOST_PUSH_URL"
        milepost notify --all --smtp "$MILEPOST_SMTP_URL" $push
      fi
""".removeprefix("\n")

GITLAB_PAGES = ("pages:\n  stage: publish\n" + GITLAB_RULES + """  cache:
    key: milepost-public
    paths: [public/]
  script:
""" + GITLAB_CHECKOUT + "    - milepost publish --projects projects --to public\n__DIGEST__"
    + "  artifacts:\n    paths: [public]\n")

GITLAB_SCHEDULE = """
# The digest goes out __WHEN__ (UTC), on its own: in Build > Pipeline
# schedules, add a schedule on the default branch with the interval "__CRON__". A scheduled
# pipeline runs only the digest job.
""".removeprefix("\n")

GITLAB_DIGEST_JOB = """digest:
  stage: publish
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  script:
""" + GITLAB_DIGEST

# SSH_KEY and SSH_KNOWN_HOSTS are "File" variables (GitLab writes each to a file and puts
# its path in the variable); MILEPOST_ACCESS may be one too, and milepost reads it as it is.
GITLAB_SSH_ENV = GITHUB_SSH_ENV

GITLAB_SSH = ("deploy:\n  stage: publish\n" + GITLAB_RULES + r"""  before_script:
    - pip install "$MILEPOST_PACKAGE"
    - apt-get update -qq && apt-get install -y -qq rsync openssh-client > /dev/null
  script:
""" + GITLAB_CHECKOUT + r"""    # The SSH key and known hosts: "File" variables, never shown.
    - |
      install -d -m 700 ~/.ssh
      install -m 600 "$MILEPOST_SSH_KEY" ~/.ssh/milepost_deploy
      install -m 600 "$MILEPOST_SSH_KNOWN_HOSTS" ~/.ssh/milepost_known_hosts
      ( umask 077
__SSH_CONFIG__ )
    # Start from the site on the server: published versions are kept, never rebuilt.
    - |
__PULL__
    - milepost publish --projects projects --to site
    # Upload a new release, then switch the server to it in one rename.
    - |
      access="${MILEPOST_ACCESS:-access.yml}"
      release="$(date -u +%Y%m%dT%H%M%SZ)-$(git rev-parse --short=12 HEAD)-$CI_JOB_ID"
__RELEASE__
__DIGEST__""")

SSH_CONFIG = r"""
printf '%s\n' "Host ${MILEPOST_DEPLOY_HOST#*@}" "  Port ${MILEPOST_DEPLOY_PORT:-22}" \
  "  IdentityFile ~/.ssh/milepost_deploy" "  IdentitiesOnly yes" "  BatchMode yes" \
  "  UserKnownHostsFile ~/.ssh/milepost_known_hosts" "  StrictHostKeyChecking yes" \
  >> ~/.ssh/config""".removeprefix("\n")

PULL = r"""
server="$MILEPOST_DEPLOY_HOST" path="$MILEPOST_DEPLOY_PATH"
if [ "$(ssh "$server" "test -d '$path/current/site' && echo yes || echo no")" = yes ]; then
  rsync -a --delete "$server:$path/current/site/" site/
fi""".removeprefix("\n")

RELEASE = r"""
server="$MILEPOST_DEPLOY_HOST" path="$MILEPOST_DEPLOY_PATH"
milepost host __SERVER__ --site site --out server --access "$access" \
  --root "$path/releases/$release/site"__ADMIN__ \
  $MILEPOST_HOST_OPTIONS
# The new release goes beside the live one; unchanged files are hard links to it.
# The error log names failed logins: the logs are the deploy user's and its group's only.
ssh "$server" "mkdir -p '$path/releases/$release' '$path/shared/logs' '$path/shared/tmp' \
  && chmod 750 '$path/shared/logs'"
rsync -a --link-dest="$path/current/site/" site/ "$server:$path/releases/$release/site/"
rsync -a --exclude=/logs/ --exclude=/tmp/ server/ "$server:$path/releases/$release/server/"
{ printf 'set -- %q %q %q %q\n' "$path" "$release" "$MILEPOST_DEPLOY_KEEP" "$MILEPOST_RELOAD"
  cat <<'SWITCH'
set -euo pipefail
cd "$1"; release="releases/$2"; keep="$3"; reload="$4"
[ "$keep" -ge 2 ] 2>/dev/null || keep=2  # the one before stays while old workers finish
PATH="$PATH:/usr/sbin:/sbin"
__CHECK__
# One rename: `current` names the old release or the new one, never a half-written one.
ln -sfn "$release" current.next
mv -T current.next current
if [ -n "$reload" ]; then
  bash -c "$reload"
elif __RUNNING__; then
  __RELOAD__
else
  echo "the server is not running: start it once with"
  echo "  __START__"
fi
ls -1 releases | sort | head -n -"$keep" | while read -r old; do
  [ "releases/$old" = "$(readlink current)" ] || rm -rf "releases/$old"
done
echo "serving $release"
SWITCH
} | ssh "$server" bash -s""".removeprefix("\n")

# Where `--deploy ssh` with nginx expects the certificate (full chain) and its key on the
# server, and the server's name until `--domain` gives it.
CERT, KEY = "/etc/ssl/milepost/fullchain.pem", "/etc/ssl/milepost/privkey.pem"
PLACEHOLDER_DOMAIN = "portal.agency.example"

# What the switch does per server: check the new configuration before anything switches,
# and reload the running server. The configuration uses absolute paths into its release
# (the site it was written for) and shared/ (logs, pid, the admin socket), so a reload
# moves site, logins and headers together.
SERVERS = {
    "nginx": {
        "__HOST_OPTIONS__": f"--server-name __DOMAIN__ --cert {CERT} --key {KEY}",
        "__TLS__": "  # HTTPS on port 443 with the certificate (full chain) and key at these "
                   "paths on the\n  # server; Basic authentication must never cross the "
                   "network in the clear.\n",
        "__ADMIN__": "",
        "__CHECK__": "# The server's own files (logs, pid, temporary uploads) outlive "
                     "every release.\n"
                     "for state in logs tmp; do\n"
                     '  rm -rf "$release/server/$state"; ln -s "$PWD/shared/$state" '
                     '"$release/server/$state"\n'
                     "done\n"
                     'nginx -t -q -p "$PWD/$release/server/" -c nginx.conf',
        "__RUNNING__": "[ -s shared/logs/nginx.pid ]",
        "__RELOAD__": 'nginx -p "$PWD/current/server/" -c nginx.conf -s reload',
        "__START__": "nginx -p $PWD/current/server/ -c nginx.conf",
    },
    "caddy": {
        "__HOST_OPTIONS__": "--domain __DOMAIN__",
        "__TLS__": "  # HTTPS on port 443: Caddy gets and renews the certificate for "
                   "--domain itself (its\n  # DNS must point at the server, ports 80 and "
                   "443 open).\n",
        "__ADMIN__": ' \\\n  --admin-socket "$path/shared/caddy-admin.sock"',
        "__CHECK__": 'caddy validate --config "$release/server/Caddyfile" --adapter caddyfile '
                     "> /dev/null",
        "__RUNNING__": "[ -S shared/caddy-admin.sock ]",
        "__RELOAD__": 'caddy reload --config "$PWD/current/server/Caddyfile" --adapter '
                      'caddyfile \\\n    --address "unix/$PWD/shared/caddy-admin.sock"',
        "__START__": "caddy start --config $PWD/current/server/Caddyfile "
                     "--adapter caddyfile",
    },
}

WHERE = {
    ("github", "pages"): "Publishes to the gh-pages branch (GitHub Pages:\n"
                         "# Settings > Pages > Deploy from a branch > gh-pages). GitHub Pages is "
                         "public:\n# use it only for sites that may be public.",
    ("gitlab", "pages"): "Published sites are kept in the cached public/\n"
                         "# folder and served by GitLab Pages, which is public unless the "
                         "project's Pages\n# access control is on: use it only for sites that "
                         "may be public.",
    ("github", "ssh"): "Publishes over SSH to the agency's own __SERVER__, behind\n"
                       "# a login (README: Private hosting). Secrets: MILEPOST_SSH_KEY, "
                       "MILEPOST_SSH_KNOWN_HOSTS,\n# MILEPOST_ACCESS (the access file, unless "
                       "it is committed); set the variables below.",
    ("gitlab", "ssh"): "Publishes over SSH to the agency's own __SERVER__, behind\n"
                       "# a login (README: Private hosting). Protected \"File\" variables: "
                       "MILEPOST_SSH_KEY,\n# MILEPOST_SSH_KNOWN_HOSTS, MILEPOST_ACCESS (the "
                       "access file, unless it is committed).",
}

# When the digest goes out on its own: a cron line, in UTC.
SCHEDULES = {"weekly": ("0 7 * * 1", "every Monday at 07:00"),
             "daily": ("0 7 * * 1-5", "every weekday at 07:00")}

PIPELINES = {"github": ".github/workflows/milepost.yml", "gitlab": ".gitlab-ci.yml"}
DEPLOYS = ("ssh", "pages")  # the first is the default: private


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


def _indent(text: str, spaces: int) -> str:
    text = text.removeprefix("\n")
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def _ssh_steps(system: str, server: str) -> str:
    """The publish steps for `--deploy ssh`, with the switch for `server` filled in."""
    depth = 10 if system == "github" else 6  # where a block of the run/script item starts
    release = _fill(RELEASE, SERVERS[server]).replace("__SERVER__", server)
    return _fill(GITHUB_SSH if system == "github" else GITLAB_SSH, {
        "__SSH_CONFIG__": _indent(SSH_CONFIG, depth + 2),
        "__PULL__": _indent(PULL, depth), "__RELEASE__": _indent(release, depth)})


def _publish_permission(deploy: str, scheduled: bool) -> str:
    """What the publish job's token may do: push gh-pages (Pages) and the tag that remembers
    each digest (when the digest goes out after each publish); otherwise only read."""
    pushes = (["gh-pages"] if deploy == "pages" else []) + \
        ([] if scheduled else ["the tags that remember each digest"])
    if not pushes:
        return "      contents: read\n"
    return f"      contents: write  # pushes {' and '.join(pushes)}\n"


def pipeline_text(system: str, package: str, deploy: str = "ssh", server: str = "nginx",
                  digest_schedule: str | None = None,
                  domain: str = PLACEHOLDER_DOMAIN) -> str:
    """The pipeline for `system`, installing Milepost with the pip spec `package`,
    publishing to `deploy` (`ssh` to the agency's own `server` at `domain`, or the public
    Pages), with the digest after each publish or, given `digest_schedule`, on its own on
    that schedule."""
    github = system == "github"
    if deploy == "ssh":
        publish = _ssh_steps(system, server)
    else:
        publish = GITHUB_PAGES if github else GITLAB_PAGES
    cron, when = SCHEDULES[digest_schedule] if digest_schedule else ("", "")
    digest = "" if digest_schedule else (GITHUB_DIGEST if github else GITLAB_DIGEST)
    scheduled = bool(digest_schedule)
    text = _fill(GITHUB if github else GITLAB, {
        "__WHERE__": WHERE[system, deploy],
        "__PUBLISH__": publish,
        "__PUBLISH_PERMISSION__": _publish_permission(deploy, scheduled),
        "__DIGEST_JOB__": (GITHUB_DIGEST_JOB if github else GITLAB_DIGEST_JOB)
        if scheduled else "",
        "__DIGEST__": digest,
        "__SCHEDULE__": (GITHUB_SCHEDULE if github else GITLAB_SCHEDULE) if scheduled else "",
        "__NOT_ON_SCHEDULE__": '    - if: $CI_PIPELINE_SOURCE == "schedule"\n      when: never\n'
        if scheduled else "",
        "__DEPLOY_ENV__": (GITHUB_SSH_ENV if github else GITLAB_SSH_ENV)
        if deploy == "ssh" else "",
    })
    return _fill(_fill(text, SERVERS[server]), {
        "__CRON__": cron, "__WHEN__": when, "__SERVER__": server, "__DOMAIN__": domain,
        "__PACKAGE__": json.dumps(package), "__MARKER__": MARKER})


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
            cron, when = SCHEDULES[digest_schedule]
            todo.append(f"For the digest {when} (UTC): Build > Pipeline schedules, a schedule "
                        f"on the default branch with the interval \"{cron}\"")
    return todo


def setup_notes(system: str, path: Path, deploy: str, server: str, domain: str | None,
                digest_schedule: str | None) -> Setup:
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
                   digest_schedule: str | None = None, domain: str | None = None) -> Setup:
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
    target = root / PIPELINES[system]
    if target.exists() and not force:
        raise MilepostError(f"{target} exists already: pass --force to overwrite it")
    text = pipeline_text(system, package or default_package(root), deploy, server or "nginx",
                         digest_schedule, domain or PLACEHOLDER_DOMAIN)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return setup_notes(system, target, deploy, server or "nginx", domain, digest_schedule)
