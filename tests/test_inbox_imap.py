"""`milepost inbox --imap` against a real Dovecot on 127.0.0.1, over verified TLS (imaps://
and imap+starttls://): answers applied, processed messages flagged, the rest left unread."""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.project.client import check_client_folder
from generator.site.answers import answers_for
from tests.conftest import free_port, write_client
from tests.inbox_mail import KEY, answering_client, auth_header, reply
from tests.test_inbox import TODAY

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "imap-test-password-1"


@pytest.fixture
def dovecot(readable_tmp: Path) -> Iterator[dict]:
    if not os.path.exists(DOVECOT) or shutil.which("openssl") is None:
        pytest.skip("needs Dovecot and openssl (apt-get install dovecot-imapd openssl); "
                    ".ci/run installs them")
    d = readable_tmp
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                           "2", "-subj", "/CN=127.0.0.1", "-addext",
                           "subjectAltName=IP:127.0.0.1", "-keyout", str(d / "key.pem"),
                           "-out", str(d / "cert.pem")], capture_output=True)
    assert made.returncode == 0, made.stderr
    imaps, plain = free_port(), free_port()
    (d / "home").mkdir()
    shutil.chown(d / "home", "nobody", "nogroup")
    (d / "passwd").write_text(f"pm:{{PLAIN}}{PASSWORD}::::::\n")
    (d / "run").mkdir()
    (d / "dovecot.conf").write_text(f"""\
base_dir = {d}/run
state_dir = {d}/run
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    context = ssl.create_default_context(cafile=str(d / "cert.pem"))
    for _ in range(100):
        try:
            imaplib.IMAP4_SSL("127.0.0.1", imaps, ssl_context=context, timeout=2).logout()
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("Dovecot did not start: " + (d / "dovecot.log").read_text()
                    if (d / "dovecot.log").exists() else "")
    if proc.poll() is not None:
        pytest.fail(f"Dovecot stopped: {proc.stdout.read().decode() if proc.stdout else ''}")
    try:
        yield {"imaps": imaps, "plain": plain, "ca": d / "cert.pem", "context": context}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def _append(server: dict, *messages: bytes) -> None:
    imap = imaplib.IMAP4_SSL("127.0.0.1", server["imaps"], ssl_context=server["context"])
    imap.login("pm", PASSWORD)
    for raw in messages:
        assert imap.append("INBOX", "", imaplib.Time2Internaldate(time.time()),
                           raw.replace(b"\n", b"\r\n"))[0] == "OK"
    imap.logout()


def _flags(server: dict) -> list[str]:
    imap = imaplib.IMAP4_SSL("127.0.0.1", server["imaps"], ssl_context=server["context"])
    imap.login("pm", PASSWORD)
    imap.select("INBOX")
    _, data = imap.fetch("1:*", "(FLAGS)")
    imap.logout()
    return sorted(x.decode() for x in data if isinstance(x, bytes))


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_answers_are_read_over_imap_and_flagged(dovecot, scheme, run_cli, tmp_path,
                                                monkeypatch):
    monkeypatch.setenv("MILEPOST_ANSWER_KEY", KEY)
    monkeypatch.setenv("MILEPOST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot["ca"]))  # the test's own CA
    write_client(tmp_path / "projects" / "acme", answering_client())
    p, _ = check_client_folder(tmp_path / "projects" / "acme", "projects", TODAY)
    task = answers_for(p, "task", "T1")[0].url
    signoff = answers_for(p, "signoff", "D2")[0].url
    _append(dovecot, reply(task, msgid="<i1@client.example>"),
            reply(signoff, msgid="<i2@client.example>", auth=[auth_header(result="fail")]))
    port = dovecot["imaps"] if scheme == "imaps" else dovecot["plain"]
    url = f"{scheme}://pm@127.0.0.1:{port}/INBOX"
    code, out, err = run_cli("inbox", "--imap", url, "--authserv-id", "mx.agency.example",
                             "--projects", "projects", "--as-of", "2026-06-01")
    assert code == 0, err
    assert "applied: acme: task T1 done by Cleo Client → roadmap.yml" in out
    assert "listed for you: acme: D2: not authenticated" in out
    assert out.rstrip().endswith("1 applied, 1 listed for you, 0 already applied; review "
                                 "with git diff, then commit")
    assert "done: 2026-06-01" in (tmp_path / "projects" / "acme" / "roadmap.yml").read_text()
    flags = _flags(dovecot)
    assert any("$MilepostApplied" in f and "\\Seen" in f for f in flags)
    assert any("$MilepostApplied" not in f and "\\Seen" not in f for f in flags)  # for the PM
    # A second run reads only what is not flagged: nothing more is applied.
    code, out, _ = run_cli("inbox", "--imap", url, "--authserv-id", "mx.agency.example",
                           "--projects", "projects", "--as-of", "2026-06-01")
    assert "0 applied, 1 listed for you" in out


@pytest.mark.slow
def test_a_certificate_nobody_vouches_for_is_refused(dovecot, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MILEPOST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    write_client(tmp_path / "projects" / "acme", answering_client())
    code, _, err = run_cli("inbox", "--imap", f"imaps://pm@127.0.0.1:{dovecot['imaps']}/INBOX",
                           "--authserv-id", "mx.agency.example", "--projects", "projects")
    assert code == 1 and "CERTIFICATE_VERIFY_FAILED" in err, err
