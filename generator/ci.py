"""`milepost init-ci github|gitlab`: a pipeline that validates, comments and publishes.

On a pull/merge request: validate (as annotations on GitHub) and post `milepost diff` of each
changed client as a comment. On main and on a `client/version` tag: publish. Published sites
live on a branch (GitHub: gh-pages, one commit per publish) or in GitLab's cached public/
folder, so published versions are kept and never rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from generator.problems import MilepostError

GITHUB = r"""# Written by `milepost init-ci github`. Publishes to the gh-pages branch (GitHub Pages:
# Settings > Pages > Deploy from a branch > gh-pages). MILEPOST_PACKAGE says how to install
# Milepost (a PyPI name, a git URL or a path).
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
  MILEPOST_PACKAGE: milepost
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
        run: milepost validate projects --format github
      - name: What changed, per client
        run: |
          : > milepost-diff.md
          for client in $(milepost plan projects --changed-since "origin/$GITHUB_BASE_REF"); do
            milepost diff "$client" --format markdown >> milepost-diff.md \
              || echo "_${client}: no released version to compare with yet._" >> milepost-diff.md
            echo >> milepost-diff.md
          done
      - name: Comment on the pull request
        if: hashFiles('milepost-diff.md') != ''
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          if [ -s milepost-diff.md ]; then
            gh pr comment "${{ github.event.pull_request.number }}" --body-file milepost-diff.md
          fi
  publish:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$MILEPOST_PACKAGE"
      - name: Publish to the gh-pages branch
        run: |
          git fetch origin gh-pages:gh-pages || true
          milepost publish projects --branch gh-pages --push origin
"""

GITLAB = r"""# Written by `milepost init-ci gitlab`. Published sites are kept in the cached public/
# folder and served by GitLab Pages. MILEPOST_PACKAGE says how to install Milepost; set a
# MILEPOST_TOKEN (API scope) variable to get the diff posted on merge requests.
variables:
  GIT_DEPTH: "0"
  MILEPOST_PACKAGE: milepost
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
    - milepost validate projects
    - git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - |
      : > milepost-diff.md
      base="origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
      for client in $(milepost plan projects --changed-since "$base"); do
        milepost diff "$client" --format markdown >> milepost-diff.md \
          || echo "_${client}: no released version to compare with yet._" >> milepost-diff.md
        echo >> milepost-diff.md
      done
    - |
      if [ -s milepost-diff.md ] && [ -n "$MILEPOST_TOKEN" ]; then
        curl --fail --request POST --header "PRIVATE-TOKEN: $MILEPOST_TOKEN" \
          --data-urlencode "body@milepost-diff.md" \
          "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
      fi
pages:
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG =~ /^[^\/]+\/.+$/
  resource_group: milepost-publish
  cache:
    key: milepost-public
    paths: [public/]
  script:
    - milepost publish projects --to public
  artifacts:
    paths: [public]
"""

PIPELINES = {
    "github": (".github/workflows/milepost.yml", GITHUB),
    "gitlab": (".gitlab-ci.yml", GITLAB),
}


def write_pipeline(system: str, root: Path, force: bool = False) -> list[Path]:
    rel, text = PIPELINES[system]
    target = root / rel
    if target.exists() and not force:
        raise MilepostError(f"{target} exists already: pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return [target]
