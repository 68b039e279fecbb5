"""`milepost access` and the checks of `milepost host`: bad input gets a clear error and
changes nothing; only bcrypt hashes are stored."""

from __future__ import annotations

import io
import re
from pathlib import Path

import bcrypt
import pytest

from tests.conftest import valid_files

STRONG = "orchard-Lantern-4417"


@pytest.fixture
def projects(make_project):  # noqa: ANN001
    return make_project({"acme": valid_files(), "bolt": valid_files()})


@pytest.fixture
def access_cli(run_cli, projects, monkeypatch):  # noqa: ANN001
    """`milepost access …` with the given text on standard input."""

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        monkeypatch.delenv("MILEPOST_ACCESS", raising=False)
        return run_cli("access", *args)

    return run


def test_add_stores_only_a_bcrypt_hash_and_prints_a_generated_password_once(
        access_cli, tmp_path: Path):  # noqa: ANN001
    code, out, err = access_cli("add", "acme", "Mia@Acme.example")
    assert code == 0, err
    password = re.search(r"password \(shown only now, send it privately\): (\S+)", out)[1]
    assert re.fullmatch(r"([a-z2-9]{5}-){4}[a-z2-9]{5}", password)
    stored = (tmp_path / "access.yml").read_text(encoding="utf-8")
    assert password not in stored and "mia@acme.example" in stored
    hashed = re.search(r"hash: (\S+)", stored)[1]
    assert hashed.startswith("$2b$10$") and bcrypt.checkpw(password.encode(), hashed.encode())
    assert (tmp_path / "access.yml").stat().st_mode & 0o077 == 0  # the owner's only
    code, out, _ = access_cli("add", "acme", "leo@acme.example", "--password-stdin",
                              stdin=STRONG + "\n")
    assert code == 0 and "password" not in out.split("\n", 1)[1]


def test_list_says_who_sees_what_since_when(access_cli):  # noqa: ANN001
    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    access_cli("add", "--agency", "dana@agency.example", "--password-stdin", stdin=STRONG)
    code, out, _ = access_cli("list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "acme:" and re.fullmatch(r"  mia@acme\.example  since \d{4}-\d\d-\d\d",
                                                 lines[1])
    assert re.fullmatch(r"  calendar subscription: /_feeds/[0-9a-f]{40}/calendar\.ics", lines[2])
    assert lines[3:5] == ["agency (every client):", lines[4]] and "dana@" in lines[4]
    assert access_cli("list", "bolt")[0] == 1


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("add", "nosuch", "mia@acme.example"), "", "there is no client 'nosuch' in projects "
     "(clients: acme, bolt); nothing was changed"),
    (("add", "acme", "mia@acme.example"), "", "mia@acme.example can already see acme: to "
     "give a new password, use `milepost access rotate acme mia@acme.example`"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "", "the password is empty"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "\n", "the password is empty"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "short-1", "too weak: 7 "
     "characters, at least 12 are needed"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "Password1234!", "a common "
     "password"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "aaaaaaaaaaaaaaaa",
     "too few different characters"),
    (("add", "acme", "leonardo@acme.example", "--password-stdin"), "Leonardo-2026!",
     "it contains the login"),
    (("add", "acme", "not-an-email"), "", "'not-an-email' is not an email address"),
    (("revoke", "acme", "leo@acme.example"), "", "leo@acme.example is not on the list of "
     "acme (listed: mia@acme.example)"),
    (("add", "acme"), "", "say who: SLUG EMAIL for a client's person, or --agency EMAIL"),
])
def test_bad_input_is_refused_and_changes_nothing(access_cli, tmp_path: Path, args, stdin,
                                                  message):  # noqa: ANN001
    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    before = (tmp_path / "access.yml").read_bytes()
    code, out, err = access_cli(*args, stdin=stdin)
    assert code == 1 and message in err and out == "", err
    assert "Traceback" not in err
    assert (tmp_path / "access.yml").read_bytes() == before


def test_an_unknown_client_creates_no_access_file(access_cli, tmp_path: Path):  # noqa: ANN001
    assert access_cli("add", "nosuch", "mia@acme.example")[0] == 1
    assert not (tmp_path / "access.yml").exists()


def test_revoking_and_rotating_change_the_subscription_address(access_cli, tmp_path):  # noqa: ANN001
    def feed() -> str:
        return re.search(r"feed: (\w+)", (tmp_path / "access.yml").read_text())[1]

    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    access_cli("add", "acme", "leo@acme.example", "--password-stdin", stdin=STRONG)
    first = feed()
    assert access_cli("rotate", "acme", "mia@acme.example")[0] == 0
    second = feed()
    assert access_cli("revoke", "acme", "leo@acme.example")[0] == 0
    assert len({first, second, feed()}) == 3
    assert "leo@" not in (tmp_path / "access.yml").read_text()


BAD_FILES = [
    ("clients:\n  acme:\n    feed: nothex\n", "access.yml:3:11: error: clients.acme.feed: "
     "'nothex' is not a subscription secret"),
    ("agency:\n  - email: dana@agency.example\n    hash: plain-text-password\n    since: "
     "2026-01-01\n", "access.yml:3:11: error: agency[0].hash: 'plain-text-password' is not a "
     "bcrypt hash"),
    ("agency:\n  - email: dana@agency.example\n    hash: x\n    hash: y\n    since: 2026-01-01\n",
     "access.yml:4:5: error: duplicate key 'hash'"),
    ("people: []\n", "access.yml:1:1: error: unknown key 'people' (allowed: agency, clients)"),
    ("clients:\n  Acme:\n    feed: x\n", "access.yml:2:3: error: clients: 'Acme' is not a "
     "client slug"),
    ("clients: [\n", "access.yml:2:1: error: not valid YAML"),
    ("agency:\n  - email: dana@agency.example\n    hash: \"$2b$04$w6xo9qIsrW8LTNwQsAUorOeNb"
     "k7AlfNBk5Bu7inFaSLa1X3wpl7a6\"\n    since: [2026-01-01]\n", "access.yml:4:12: error: "
     "agency[0].since: expected a date (YYYY-MM-DD)"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_an_invalid_access_file_is_named_with_its_line(access_cli, run_cli, tmp_path: Path,
                                                       text: str, message: str):  # noqa: ANN001
    (tmp_path / "access.yml").write_text(text, encoding="utf-8")
    code, _, err = access_cli("add", "acme", "mia@acme.example")
    assert code == 1 and message in err, err
    assert (tmp_path / "access.yml").read_text(encoding="utf-8") == text
    (tmp_path / "site" / "acme").mkdir(parents=True)
    for name in ("index.html", "calendar.ics"):
        (tmp_path / "site" / "acme" / name).write_text("x")
    code, _, err = run_cli("host", "nginx", "--out", "deploy")
    assert code == 1 and message in err and not (tmp_path / "deploy").exists()


@pytest.mark.parametrize("server", ["nginx", "caddy"])
@pytest.mark.parametrize(("layout", "message"), [
    (None, "--site site is not a folder: build the sites first"),
    ({"notes.txt": "x"}, "--site site is not a Milepost output: it holds no client site"),
    ({"Acme/index.html": "x", "Acme/calendar.ics": "x"}, "is not a Milepost output"),
    ({"acme/readme.md": "x"}, "is not a Milepost output"),
])
def test_host_refuses_a_folder_that_is_not_a_built_site(access_cli, run_cli, tmp_path: Path,
                                                        server: str, layout, message):  # noqa: ANN001
    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    for rel, text in (layout or {}).items():
        (tmp_path / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / rel).write_text(text)
    code, out, err = run_cli("host", server, "--out", "deploy")
    assert code == 1 and message in err and out == "", err
    assert not (tmp_path / "deploy").exists()


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--root", "/srv/my site", "--root '/srv/my site' has characters a server configuration "
     "cannot hold safely"),
    ("--root", "/srv/${x}", "cannot hold safely"),
    ("--port", "0", "--port 0 is not a port number"),
    ("--listen", "localhost;", "--listen 'localhost;' is not an IP address"),
])
def test_host_refuses_values_a_configuration_cannot_hold(access_cli, run_cli, tmp_path: Path,
                                                         option: str, value: str, message: str):  # noqa: ANN001
    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    (tmp_path / "site" / "acme").mkdir(parents=True)
    for name in ("index.html", "calendar.ics"):
        (tmp_path / "site" / "acme" / name).write_text("x")
    code, _, err = run_cli("host", "nginx", "--out", "deploy", option, value)
    assert code == 1 and message in err, err
    assert not (tmp_path / "deploy").exists()
