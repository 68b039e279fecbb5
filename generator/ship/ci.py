"""`milepost init-ci github|gitlab`: a pipeline that validates, comments and publishes.

On a pull/merge request: validate (as annotations on GitHub) and keep one comment up to date
with `milepost diff` of each changed client against the base branch. On main and on a
`client/version` tag: publish from the head of main (a tag only adds a version). Published
sites live on a branch (GitHub: gh-pages, one commit per publish) or in GitLab's cached public/
folder, so published versions are kept and never rebuilt. Both are public hosts: `--deploy
ssh` publishes instead to the agency's own nginx or Caddy behind a login, as a new release
folder on the server that one rename makes current (the site there is the cache).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from generator.problems import MilepostError

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
__SCHEDULE__permissions:
  contents: write
  pull-requests: write
concurrency:
  group: milepost-publish-${{ github.event_name == 'pull_request' && github.ref || 'main' }}
  cancel-in-progress: false
env:
  MILEPOST_PACKAGE: __PACKAGE__
  PUBLISH_BRANCH: main
  NO_MKDOCS_2_WARNING: "1"
__DEPLOY_ENV__jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
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
      - name: Comment on the pull request (one comment, updated on every push)
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          { echo '__MARKER__'
            if [ -s milepost-diff.md ]; then cat milepost-diff.md
            else echo "No client's site changes in this pull request."; fi
          } > milepost-comment.md
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
GITHUB_SSH_ENV = r"""  MILEPOST_DEPLOY_HOST: deploy@portal.agency.example  # the server's SSH login
  MILEPOST_DEPLOY_PATH: /srv/milepost  # releases/, shared/ and the current link live here
  MILEPOST_DEPLOY_KEEP: "5"  # releases kept on the server, the current one included
  MILEPOST_HOST_OPTIONS: "__HOST_OPTIONS__"  # more options for the server configuration
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
        run: milepost publish --projects projects --to public
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
# use a git URL at a tag ("git+https://gitlab.com/OWNER/milepost@v0.1.0") or a wheel. Set a
# MILEPOST_TOKEN (API scope) variable to get the diff posted on merge requests.
__SCHEDULE__variables:
  GIT_DEPTH: "0"
  MILEPOST_PACKAGE: __PACKAGE__
  NO_MKDOCS_2_WARNING: "1"
__DEPLOY_ENV__default:
  image: python:3.11
  before_script:
    - pip install "$MILEPOST_PACKAGE"
stages: [check, publish]
validate:
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
    - milepost publish --projects projects --to public
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
  rsync -a --delete "$server:$path/current/site/" public/
fi""".removeprefix("\n")

RELEASE = r"""
server="$MILEPOST_DEPLOY_HOST" path="$MILEPOST_DEPLOY_PATH"
milepost host __SERVER__ --site public --out server --access "$access" \
  --root "$path/releases/$release/site"__ADMIN__ \
  $MILEPOST_HOST_OPTIONS
# The new release goes beside the live one; unchanged files are hard links to it.
ssh "$server" "mkdir -p '$path/releases/$release' '$path/shared/logs' '$path/shared/tmp'"
rsync -a --link-dest="$path/current/site/" public/ "$server:$path/releases/$release/site/"
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

# What the switch does per server: check the new configuration before anything switches,
# and reload the running server. The configuration uses absolute paths into its release
# (the site it was written for) and shared/ (logs, pid, the admin socket), so a reload
# moves site, logins and headers together.
SERVERS = {
    "nginx": {
        "__HOST_OPTIONS__": "--server-name portal.agency.example",
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
        "__HOST_OPTIONS__": "--domain portal.agency.example",
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
                       "# a login (README: Private hosting). \"File\" variables: "
                       "MILEPOST_SSH_KEY,\n# MILEPOST_SSH_KNOWN_HOSTS, MILEPOST_ACCESS (the "
                       "access file, unless it is committed).",
}

# When the digest goes out on its own: a cron line, in UTC.
SCHEDULES = {"weekly": ("0 7 * * 1", "every Monday at 07:00"),
             "daily": ("0 7 * * 1-5", "every weekday at 07:00")}

PIPELINES = {"github": ".github/workflows/milepost.yml", "gitlab": ".gitlab-ci.yml"}
DEPLOYS = ("pages", "ssh")


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


def pipeline_text(system: str, package: str, deploy: str = "pages", server: str = "nginx",
                  digest_schedule: str | None = None) -> str:
    """The pipeline for `system`, installing Milepost with the pip spec `package`,
    publishing to `deploy` (its public Pages, or `ssh` to the agency's own `server`), with
    the digest after each publish or, given `digest_schedule`, on its own on that schedule."""
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
        "__CRON__": cron, "__WHEN__": when, "__SERVER__": server,
        "__PACKAGE__": json.dumps(package), "__MARKER__": MARKER})


def write_pipeline(system: str, root: Path, force: bool = False, package: str | None = None,
                   deploy: str = "pages", server: str | None = None,
                   digest_schedule: str | None = None) -> list[Path]:
    if server and deploy != "ssh":
        raise MilepostError(f"--server {server} says which server `--deploy ssh` publishes "
                            "to: add --deploy ssh, or leave --server out")
    target = root / PIPELINES[system]
    if target.exists() and not force:
        raise MilepostError(f"{target} exists already: pass --force to overwrite it")
    text = pipeline_text(system, package or default_package(root), deploy, server or "nginx",
                         digest_schedule)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return [target]
