"""An installed Milepost (a wheel, not the source tree) carries its templates, assets and base
config: the pipelines from `init-ci` install it with pip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel and runs it

ROOT = Path(__file__).resolve().parent.parent


def test_a_wheel_builds_a_site_without_the_source_tree(tmp_path: Path):
    wheels, target = tmp_path / "wheels", tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    (wheel,) = wheels.glob("milepost-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    assert (target / "generator" / "_content" / "templates" / "overview.md.j2").is_file()
    assert (target / "generator" / "_content" / "email" / "digest.html.j2").is_file()
    assert (target / "generator" / "_base" / "mkdocs.yml").is_file()
    work = tmp_path / "work"
    (work / "projects").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(target), "NO_MKDOCS_2_WARNING": "1"}
    where = subprocess.run([sys.executable, "-c", "import generator.site.render as r; "
                            "import generator.ship.digest.render as e; "
                            "print(r.CONTENT); print(r.BASE_CONFIG); print(e.EMAIL)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.splitlines() == [str(target / "generator" / "_content"),
                                         str(target / "generator" / "_base" / "mkdocs.yml"),
                                         str(target / "generator" / "_content" / "email")]
    cli = [sys.executable, "-m", "generator"]
    subprocess.run([*cli, "new", "acme", "--name", "Acme Ltd", "--start", "2026-11-02"],
                   cwd=work, env=env, check=True, capture_output=True)
    built = subprocess.run([*cli, "build", "--as-of", "2026-11-20"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (work / "site" / "acme" / "roadmap.html").is_file()
    assert (work / "site" / "acme" / "assets" / "milepost.css").is_file()
    # The pipelines and the server configurations come from templates the wheel carries too.
    for folder, name in (("ci", "github.yml.j2"), ("ci", "_release.sh.j2"),
                         ("hosting", "nginx.conf.j2"), ("hosting", "refusal.css")):
        assert (target / "generator" / "_content" / folder / name).is_file()
    ci = subprocess.run([*cli, "init-ci", "gitlab", "--package", "milepost==0.1.0"], cwd=work,
                        env=env, capture_output=True, text=True)
    assert ci.returncode == 0, ci.stderr
    assert "milepost host nginx" in (work / ".gitlab-ci.yml").read_text(encoding="utf-8")
    subprocess.run([*cli, "access", "add", "acme", "ann@acme.example", "--password-stdin"],
                   cwd=work, env=env, input="correct horse battery staple lumbering ox\n",
                   check=True, capture_output=True, text=True)
    hosted = subprocess.run([*cli, "host", "caddy", "--out", "deploy"], cwd=work, env=env,
                            capture_output=True, text=True)
    assert hosted.returncode == 0, hosted.stderr
    assert "This address needs a login" in (work / "deploy" / "Caddyfile").read_text(
        encoding="utf-8")
    # The docs' reference pages are written only into a source checkout: an installed
    # Milepost says so and writes nothing, anywhere.
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    reference = subprocess.run([sys.executable, "-m", "generator.reference"], cwd=work, env=env,
                               capture_output=True, text=True)
    assert reference.returncode == 1
    assert reference.stderr.startswith("error: ") and "not a source checkout" in reference.stderr
    assert "Traceback" not in reference.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
