"""`milepost host nginx --cert FILE --key FILE`: the logins travel only over HTTPS, checked
against the real nginx with a certificate made for the test."""

from __future__ import annotations

import base64
import http.client
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.conftest import VALID_TEXT, free_port, milepost

MIA, PASSWORD = "mia@acme.example", "lantern-Quarry-8823-orchard"


def _site(root: Path) -> None:
    """A projects folder with acme, one login for it, and a built site as `build` leaves it
    (the configuration needs only its folders and pages)."""
    (root / "projects" / "acme").mkdir(parents=True)
    (root / "projects" / "acme" / "client.yml").write_text(VALID_TEXT["client.yml"],
                                                             encoding="utf-8")
    (root / "site" / "acme").mkdir(parents=True)
    (root / "site" / "acme" / "index.html").write_text("<html><body>Acme's roadmap</body></html>")
    (root / "site" / "acme" / "calendar.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    added = milepost(root, "access", "add", "acme", MIA, "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr


@pytest.mark.slow
def test_nginx_with_a_certificate_serves_the_logins_over_https_only(readable_tmp: Path):
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("needs nginx and openssl (apt-get install nginx openssl); .ci/run installs "
                    "nginx")
    _site(readable_tmp)
    cert, key = readable_tmp / "fullchain.pem", readable_tmp / "privkey.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                           "2", "-subj", "/CN=portal.agency.example", "-addext",
                           "subjectAltName=DNS:portal.agency.example,IP:127.0.0.1",
                           "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    port = free_port()
    written = milepost(readable_tmp, "host", "nginx", "--site", "site", "--out", "deploy",
                       "--server-name", "portal.agency.example", "--cert", str(cert),
                       "--key", str(key), "--port", str(port), "--listen", "127.0.0.1")
    assert written.returncode == 0, written.stderr
    for path in readable_tmp.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # nginx's workers read as nobody
    running = subprocess.Popen(["nginx", "-p", f"{readable_tmp / 'deploy'}/", "-c", "nginx.conf",
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        from tests.test_host import listening, wait_for

        wait_for(lambda: listening(port) or running.poll() is not None, "nginx to listen")
        assert running.poll() is None, running.stderr.read() if running.stderr else ""
        context = ssl.create_default_context(cafile=str(cert))  # trusts only this certificate

        def https(login: str | None) -> tuple[int, bytes, str]:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
            headers = {}
            if login:
                headers["Authorization"] = "Basic " + base64.b64encode(login.encode()).decode()
            try:
                conn.request("GET", "/acme/", headers=headers)
                answer = conn.getresponse()
                version = conn.sock.version() if conn.sock else ""
                return answer.status, answer.read(), version or ""
            finally:
                conn.close()

        assert https(None)[0] == 401
        status, body, version = https(f"{MIA}:{PASSWORD}")
        assert (status, version in ("TLSv1.2", "TLSv1.3")) == (200, True)
        assert b"Acme's roadmap" in body
        # Plain HTTP on the same port is refused: no page and no login in the clear.
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/acme/", headers={"Authorization": "Basic " + base64.b64encode(
            f"{MIA}:{PASSWORD}".encode()).decode()})
        answer = plain.getresponse()
        assert answer.status == 400 and b"Acme's roadmap" not in answer.read()
        plain.close()
    finally:
        running.terminate()
        running.wait(timeout=10)


def test_a_certificate_needs_its_key(tmp_path: Path, run_cli):
    code, out, err = run_cli("host", "nginx", "--site", "site", "--out", "deploy", "--cert",
                             "/etc/ssl/milepost/fullchain.pem")
    assert (code, out) == (1, "")
    assert err == ("error: --cert and --key go together: the certificate (with its chain) and "
                   "its private key, as files on the server\n")
