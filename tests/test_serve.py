"""`milepost serve`: a real live-reload server, started by the test, rebuilt on a YAML edit."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_preview_rebuilds_on_change_and_keeps_the_last_good_one(tmp_path: Path):
    shutil.copytree(ROOT / "projects" / "harbor-health", tmp_path / "projects" / "harbor-health")
    client = tmp_path / "projects" / "harbor-health" / "client.yml"
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "harbor-health",
                             "--port", str(port), "--as-of", "2026-11-23"], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/index.html"
    try:
        assert wait_for(lambda: "Patient portal" in fetch(url)), \
            (tmp_path / "serve.log").read_text()
        assert "livereload" in fetch(url)  # the page reloads itself after a rebuild
        text = client.read_text(encoding="utf-8")
        client.write_text(text.replace("project: Patient portal", "project: Patient app"),
                          encoding="utf-8")
        assert wait_for(lambda: "Patient app" in fetch(url)), \
            (tmp_path / "serve.log").read_text()
        client.write_text(text.replace("start: 2026-11-02", "start: 2026-11-31"),
                          encoding="utf-8")
        assert wait_for(lambda: "is not a real date" in (tmp_path / "serve.log").read_text())
        assert "Patient app" in fetch(url)  # the last good preview stays
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_a_killed_preview_leaves_nothing_behind_after_the_next_one(tmp_path: Path):
    """A preview's scratch folder holds the client's Markdown and a mkdocs.yml with local
    paths: the next preview removes the one a killed preview left, and its own when it stops."""
    shutil.copytree(ROOT / "projects" / "harbor-health", tmp_path / "projects" / "harbor-health")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}

    def preview() -> tuple[subprocess.Popen, int]:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "harbor-health",
                                 "--port", str(port), "--as-of", "2026-11-23"], cwd=tmp_path,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: "Patient portal" in fetch(f"http://127.0.0.1:{port}/"))
        return proc, port

    killed, _ = preview()
    killed.kill()
    killed.wait()
    (left,) = tmp.glob("milepost-serve-harbor-health-*")
    assert list(left.rglob("mkdocs.yml")) or list(left.rglob("*.html"))
    second, _ = preview()
    try:
        assert not left.exists()
        assert len(list(tmp.glob("milepost-serve-*"))) == 1
    finally:
        second.terminate()
        second.wait(timeout=10)
    assert list(tmp.iterdir()) == []
