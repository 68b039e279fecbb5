"""`milepost init-ci github|gitlab`: a pipeline that validates, comments and publishes.

On a pull/merge request: validate (as annotations on GitHub) and keep one comment up to date
with `milepost diff` of each changed client against the base branch. On main and on a
`client/version` tag: publish from the head of main (a tag only adds a version). Published
sites live on a branch (GitHub: gh-pages, one commit per publish) or in GitLab's cached public/
folder, so published versions are kept and never rebuilt.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from generator.problems import MilepostError

# The hidden first line of the one diff comment per pull/merge request: found again on the
# next push and edited, so a review thread holds one comment, not one per push.
MARKER = "<!-- milepost-diff -->"

GITHUB = r"""# Written by `milepost init-ci github`. Publishes to the gh-pages branch (GitHub Pages:
# Settings > Pages > Deploy from a branch > gh-pages). MILEPOST_PACKAGE says how to install
# Milepost: "." is this repository; to pin a release, use a git URL at a tag
# ("git+https://github.com/OWNER/milepost@v0.1.0") or a wheel's path or URL.
name: Milepost
on:
  pull_request:
  push:
    branches: [main]
    tags: ["*/*"]
permissions:
  contents: write
  pull-requests: write
concurrency:
  group: milepost-publish-${{ github.event_name == 'pull_request' && github.ref || 'main' }}
  cancel-in-progress: false
env:
  MILEPOST_PACKAGE: __PACKAGE__
  PUBLISH_BRANCH: main
  NO_MKDOCS_2_WARNING: "1"
jobs:
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
      - name: Publish to the gh-pages branch
        run: |
          git fetch origin gh-pages:gh-pages || true
          milepost publish --projects projects --branch gh-pages --push origin
      # Digests: set the secrets MILEPOST_SMTP_URL (e.g. smtps://user@mail.example:465) and
      # MILEPOST_SMTP_PASSWORD. Each client is compared with its last digest (a tag pushed
      # back here), so a rerun sends nothing twice and a failed send is retried next time.
      - name: Email each client what changed and what waits on them
        if: env.MILEPOST_SMTP_URL != ''
        env:
          MILEPOST_SMTP_PASSWORD: ${{ secrets.MILEPOST_SMTP_PASSWORD }}
        run: milepost notify --all --smtp "$MILEPOST_SMTP_URL" --push origin
"""

GITLAB = r"""# Written by `milepost init-ci gitlab`. Published sites are kept in the cached public/
# folder and served by GitLab Pages. MILEPOST_PACKAGE says how to install Milepost: "." is
# this repository; to pin a release, use a git URL at a tag
# ("git+https://gitlab.com/OWNER/milepost@v0.1.0") or a wheel's path or URL. Set a
# MILEPOST_TOKEN (API scope) variable to get the diff posted on merge requests.
variables:
  GIT_DEPTH: "0"
  MILEPOST_PACKAGE: __PACKAGE__
  NO_MKDOCS_2_WARNING: "1"
default:
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
pages:
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG =~ /^[^\/]+\/[^\/]+$/
  resource_group: milepost-publish
  cache:
    key: milepost-public
    paths: [public/]
  script:
    # A tag's commit may be older than the default branch: publishing from it would roll
    # every other client's latest back. The tag's version is read from git, wherever main is.
    - |
      branch="$CI_DEFAULT_BRANCH"
      git fetch --tags --force origin "+refs/heads/$branch:refs/remotes/origin/$branch"
      git checkout -q --detach "origin/$branch"
    - milepost publish --projects projects --to public
    # Digests: set MILEPOST_SMTP_URL (e.g. smtps://user@mail.example:465), a masked
    # MILEPOST_SMTP_PASSWORD and a MILEPOST_PUSH_URL the tags remembering each digest are
    # pushed to (e.g. https://oauth2:TOKEN@gitlab.example/group/repo.git).
    - |
      if [ -n "$MILEPOST_SMTP_URL" ]; then
        push=""; [ -n "$MILEPOST_PUSH_URL" ] && push="--push=$MILEPOST_PUSH_URL"
        milepost notify --all --smtp "$MILEPOST_SMTP_URL" $push
      fi
  artifacts:
    paths: [public]
"""

PIPELINES = {
    "github": (".github/workflows/milepost.yml", GITHUB),
    "gitlab": (".gitlab-ci.yml", GITLAB),
}


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


def pipeline_text(system: str, package: str) -> str:
    """The pipeline for `system`, installing Milepost with the pip spec `package`."""
    template = PIPELINES[system][1]
    return template.replace("__PACKAGE__", json.dumps(package)).replace("__MARKER__", MARKER)


def write_pipeline(system: str, root: Path, force: bool = False,
                   package: str | None = None) -> list[Path]:
    rel, _ = PIPELINES[system]
    target = root / rel
    if target.exists() and not force:
        raise MilepostError(f"{target} exists already: pass --force to overwrite it")
    text = pipeline_text(system, package or default_package(root))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return [target]
