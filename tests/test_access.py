"""`milepost access` and the checks of `milepost host`: bad input gets a clear error and
changes nothing; only bcrypt hashes are stored."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import bcrypt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import VALID_TEXT, valid_files

STRONG = "tangerine vortex mosaic pelican"


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
    # cost 4, the same for both servers: each request's check takes ~1 ms (docs/pages/guide/
    # hosting.md says why the passwords and not the cost keep a stolen file safe)
    assert hashed.startswith("$2b$04$") and bcrypt.checkpw(password.encode(), hashed.encode())
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
    (("add", "acme", "leo@acme.example", "--password-stdin"), "short-1", "too weak: a "
     "cracking program would find it within about 10^4 guesses, and at least 10^16 are needed; "
     "it has 7 characters, and no password shorter than 16 gets there"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "Password1234!", "this is "
     "similar to a commonly used password"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "aaaaaaaaaaaaaaaa",
     "repeats like 'aaa' are easy to guess"),
    (("add", "acme", "leonardo@acme.example", "--password-stdin"), "Leonardo-2026!",
     "it is built on 'leonardo', from the login, the person's name or the client's name"),
    (("add", "acme", "leo@acme.example", "--password-stdin"), "tangerine vortex\nmosaic",
     "the password contains a control character or a line break"),
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


@pytest.mark.parametrize(("password", "why"), [
    # the review's list: each of them passed before
    ("qwertyuiop12", "this is similar to a commonly used password"),
    ("abcdefghijkl", "sequences like 'abc' or '6543' are easy to guess"),
    ("asdfghjkl123", "this is a very common password"),
    ("Summer2024!!", "about 10^8 guesses"),
    ("Northwind2026!", "it is built on 'northwind', from the login, the person's name or the "
     "client's name"),
])
def test_weak_chosen_passwords_are_refused_saying_why(access_cli, make_project, tmp_path: Path,
                                                      password: str, why: str):  # noqa: ANN001
    client = VALID_TEXT["client.yml"].replace("Acme & Co", "Northwind Traders")
    make_project({"northwind": valid_files(**{"client.yml": client})})
    code, out, err = access_cli("add", "northwind", "mia@northwind.example", "--password-stdin",
                                stdin=password + "\n")
    assert code == 1 and out == "" and not (tmp_path / "access.yml").exists()
    assert "error: the password is too weak: a cracking program would find it within" in err
    assert "at least 10^16 are needed" in err and why in err, err
    assert "leave out --password-stdin to get a generated one" in err


def test_a_strong_passphrase_and_every_generated_password_pass():
    from generator.ship.access import new_password, password_hints, weak_password

    hints = password_hints("mia@acme.example", ["Acme & Co", "Mia Keller"])
    assert weak_password(STRONG, hints) is None
    assert weak_password("velvet-thimble-orchard-quasar-1987", hints) is None
    for _ in range(20):  # zxcvbn never sees them, but they must stand its test too
        assert weak_password(new_password(), hints) is None


def test_a_password_is_rated_against_the_persons_and_the_clients_names(
        access_cli, make_project, tmp_path: Path):  # noqa: ANN001
    """Names an attacker reads on the client's Team page: found in client.yml, so a password
    built on them is refused, though it would pass on the login alone."""
    from generator.ship.access import password_hints, weak_password

    client = VALID_TEXT["client.yml"].replace("Acme & Co", "Brightwater Logistics").replace(
        "team:\n", "team:\n  - {name: Quillon Vantablack, side: client, email: qv@acme.example}\n")
    make_project({"bright": valid_files(**{"client.yml": client})})
    password = "Brightwater-Quillon-26"
    assert weak_password(password, password_hints("qv@acme.example")) is None
    code, _, err = access_cli("add", "bright", "qv@acme.example", "--password-stdin",
                              stdin=password)
    assert code == 1 and "it is built on 'brightwater', 'quillon'" in err, err
    code, _, err = access_cli("add", "--agency", "qv@acme.example", "--password-stdin",
                              stdin="Vantablack-Quillon-77x")  # the agency: every client's names
    assert code == 1 and "it is built on 'quillon', 'vantablack'" in err, err
    access_cli("add", "bright", "qv@acme.example", "--password-stdin", stdin=STRONG)
    code, _, err = access_cli("rotate", "bright", "qv@acme.example", "--password-stdin",
                              stdin=password)
    assert code == 1 and "it is built on 'brightwater', 'quillon'" in err, err


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


HASH = "$2b$04$w6xo9qIsrW8LTNwQsAUorOeNbk7AlfNBk5Bu7inFaSLa1X3wpl7a6"
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
    # a control character in any field: a line break in a login would become a second line
    # of the server's user file (an empty login with that person's password)
    (f"agency:\n  - email: \"dana@agency.example\\n\"\n    hash: \"{HASH}\"\n    since: "
     "2026-01-01\n", "access.yml:2:12: error: agency[0].email: 'dana@agency.example\\n' "
     "contains a control character"),
    (f"agency:\n  - email: \"dana@agency.example\\tx\"\n    hash: \"{HASH}\"\n    since: "
     "2026-01-01\n", "agency[0].email: 'dana@agency.example\\tx' contains a control character"),
    (f"agency:\n  - email: dana@agency.example\n    hash: \"{HASH}\\n\"\n    since: "
     "2026-01-01\n", "access.yml:3:11: error: agency[0].hash: "),
    (f"agency:\n  - email: dana@agency.example\n    hash: \"{HASH}\"\n    since: "
     "\"2026-01-01\\n\"\n", "access.yml:4:12: error: agency[0].since: '2026-01-01\\n' contains"),
    ("clients:\n  \"acme\\n\":\n    feed: \"" + "a" * 40 + "\"\n", "access.yml:2:3: error: "
     "clients: 'acme\\n' contains a control character"),
    ("clients:\n  acme:\n    feed: \"" + "a" * 40 + "\\n\"\n", "access.yml:3:11: error: "
     "clients.acme.feed: 'aaaa"),
    (f"agency:\n  - email: \"dana@agency.example\\u2028\"\n    hash: \"{HASH}\"\n    since: "
     "2026-01-01\n", "contains a control character"),
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
    # a trailing line break would end the line in the configuration
    ("--root", "/srv/site\n", "cannot hold safely"),
    ("--server-name", "portal.agency.example\n", "is not a host name"),
    ("--agency-name", "Brightfold\n", "is not a name a page can show"),
    ("--agency-name", "Brightfold <script>", "is not a name a page can show"),
    ("--contact", "help@agency.example\n", "is neither a lowercase email address"),
    ("--contact", "javascript:alert(1)", "is neither a lowercase email address"),
    ("--rate", "-1", "--rate -1 is not a number of requests a second"),
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


def _site(root: Path, *slugs: str) -> None:
    """A built site with these client folders, as `build` writes them (with the marker)."""
    for slug in slugs:
        (root / "site" / slug).mkdir(parents=True)
        for name in ("index.html", "calendar.ics"):
            (root / "site" / slug / name).write_text("x")
        (root / "site" / slug / ".milepost-layout").write_text("plain\n")


@pytest.mark.parametrize("server", ["nginx", "caddy"])
def test_host_leaves_out_a_removed_clients_folder_and_says_so(access_cli, run_cli,
                                                               tmp_path: Path, server: str):  # noqa: ANN001
    access_cli("add", "acme", "mia@acme.example", "--password-stdin", stdin=STRONG)
    access_cli("add", "bolt", "bo@bolt.example", "--password-stdin", stdin=STRONG)
    _site(tmp_path, "acme", "bolt", "olds")  # olds: a client deleted from projects/
    code, out, err = run_cli("host", server, "--out", "deploy")
    assert code == 0, err
    assert "warning: site/olds/ is not served: olds is no longer in projects (remove the " \
           "folder, or `milepost publish --prune` it)" in err
    written = "".join(p.read_text() for p in (tmp_path / "deploy").rglob("*") if p.is_file())
    assert "/acme/" in written and "/bolt/" in written and "olds" not in written
    assert not (tmp_path / "deploy" / "users" / "olds.htpasswd").exists()
    code, _, err = run_cli("host", server, "--out", "deploy", "--projects", "nosuch")
    assert code == 1 and "--projects nosuch is not a folder: `host` serves only the sites of " \
                         "the clients in it" in err


@pytest.mark.slow  # builds with MkDocs
def test_build_names_output_folders_whose_client_is_gone(run_cli, projects,
                                                         tmp_path: Path):  # noqa: ANN001
    _site(tmp_path, "olds")
    (tmp_path / "site" / "notes").mkdir()  # not Milepost's: never named, never touched
    code, _, err = run_cli("build", "--client", "acme")
    assert code == 0, err
    assert ("warning: site/olds/ is left from olds, which is no longer in projects: "
            "`milepost host` does not serve it; remove the folder") in err
    assert "notes" not in err and (tmp_path / "site" / "olds").is_dir()


def test_host_notes_logins_whose_hash_has_the_old_cost(access_cli, run_cli, tmp_path: Path):  # noqa: ANN001
    """An access file from before (cost 10) keeps working; host says whom to give a new
    password, and a new one is hashed at cost 4."""
    old = bcrypt.hashpw(STRONG.encode(), bcrypt.gensalt(10)).decode()
    (tmp_path / "access.yml").write_text(
        f"agency:\n  - email: dana@agency.example\n    hash: '{old}'\n    since: 2026-01-01\n"
        "clients:\n  acme:\n    feed: " + "a" * 40 + "\n")
    _site(tmp_path, "acme")
    code, out, err = run_cli("host", "nginx", "--out", "deploy")
    assert code == 0, err
    assert "note: dana@agency.example still have passwords hashed at another cost than 4" in out
    assert old in (tmp_path / "deploy" / "users" / "acme.htpasswd").read_text()
    assert access_cli("rotate", "--agency", "dana@agency.example", "--password-stdin",
                      stdin=STRONG)[0] == 0
    code, out, _ = run_cli("host", "nginx", "--out", "deploy")
    assert code == 0 and "another cost" not in out
    assert "$2b$04$" in (tmp_path / "deploy" / "users" / "acme.htpasswd").read_text()


@settings(max_examples=300, deadline=None)
@given(login=st.from_regex(r"[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,12}\.[a-z]{2,6}", fullmatch=True),
       other=st.from_regex(r"[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,12}\.[a-z]{2,6}", fullmatch=True),
       password=st.text(min_size=0, max_size=40))
def test_the_caddy_guard_knows_a_login_by_its_credentials_whatever_the_password(
        login: str, other: str, password: str):
    """Caddy refuses before basicauth whatever does not start with a listed login: the
    expression must take every password of a listed login and no other login."""
    from generator.ship.host import basic_prefix

    def credentials(user: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    guard = re.compile(f"^(?i:basic) (?:{basic_prefix(login)})")
    assert guard.match(credentials(login))
    assert guard.match(credentials(login).replace("Basic", "bASIC"))
    assert bool(guard.match(credentials(other))) == (other == login)
    # two Authorization headers reach the guard joined by a comma; basicauth reads the first
    assert bool(guard.match(credentials(other) + "," + credentials(login))) == (other == login)
