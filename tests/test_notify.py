"""`milepost notify`: the email digest, sent through a real SMTP server (aiosmtpd) started on
127.0.0.1 in the test, read back with the `email` package; remembered in git."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import REPO, VALID_TEXT, free_port, git

pytestmark = pytest.mark.slow  # real git repositories and a mail server

AS_OF = "2026-06-01"
SITE = "https://projects.example.com/acme/"
CANARY = "INTERNAL-ONLY"

CLIENT = """\
name: Acme & Co
project: Website relaunch
start: 2026-01-05
site_url: https://projects.example.com/acme/
team:
  - {name: Pat Lee, side: team, role: Project manager, email: pat@agency.example, lead: true}
  - {name: INTERNAL-ONLY Account director, side: team, email: boss@agency.example, internal: true}
  - {name: Cleo Client, side: client, role: Marketing lead, lead: true, email: cleo@acme.example, notify: true}
  - {name: Dan Client, side: client, email: dan@acme.example, notify: true}
  - {name: Quiet Client, side: client, email: quiet@acme.example}
"""

ROADMAP = VALID_TEXT["roadmap.yml"]
INTERNAL_DECISION = """\
id: DR-009
title: INTERNAL-ONLY staffing choice
status: proposed
date: 2026-05-02
deciders: [Cleo Client]
internal: true
"""
PROPOSED = """\
id: DR-002
title: Choose the hosting
status: proposed
date: 2026-05-20
deciders: [Cleo Client]
options:
  - name: Managed platform
  - name: Own server
related: [M2]
"""
OTHER = """\
name: Zebulon Other Ltd
project: Zebulon portal
start: 2026-01-05
site_url: https://projects.example.com/zebulon/
team:
  - {name: Zed Agent, side: team, email: zed@agency.example, lead: true}
  - {name: Zora Zebulon, side: client, email: zora@zebulon.example, notify: true}
"""


# --- a real SMTP server ------------------------------------------------------------------------

class Inbox:
    """aiosmtpd handler: keeps every message it accepts; `refuse` answers DATA with an error."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.raw: list[bytes] = []  # the bytes as they came, for other parsers
        self.mail_from: list[str] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return self.refuse
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), msg))
        self.raw.append(raw)
        self.mail_from.append(envelope.mail_from)
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        handler.url = f"smtp://127.0.0.1:{controller.port}"
        yield handler
    finally:
        controller.stop()


# --- a client in git -----------------------------------------------------------------------

def write(repo: Path, rel: str, text: str) -> None:
    path = repo / "projects" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_clients(repo: Path) -> None:
    for rel, text in VALID_TEXT.items():
        write(repo, f"acme/{rel}", text)
    write(repo, "acme/client.yml", CLIENT)
    write(repo, "acme/decisions/DR-009.yml", INTERNAL_DECISION)
    write(repo, "acme/decisions/DR-002.yml", PROPOSED)
    write(repo, "zebulon/client.yml", OTHER)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path
    write_clients(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "projects")
    git(repo, "commit", "-qm", "Plan")
    return repo


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "projects")
    git(repo, "commit", "-qm", message)


def notify(repo: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if k not in ("MILEPOST_SMTP_PASSWORD", "MILEPOST_FROM", "CI")}
    # The digest tags are dated as a PM would run it, on the day of --as-of.
    full.update(NO_MKDOCS_2_WARNING="1", GIT_COMMITTER_DATE=f"{AS_OF}T08:00:00+00:00",
                **(env or {}))
    return subprocess.run([sys.executable, "-m", "generator", "notify", *args, "--as-of",
                           AS_OF], cwd=repo, env=full, capture_output=True, text=True,
                          timeout=120)


def digest_tags(repo: Path) -> list[str]:
    return git(repo, "tag", "--list", "*/digest/*").split()


def parts(msg: EmailMessage) -> tuple[str, str]:
    return (msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content())


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {k for k, _ in attrs}
        self.hrefs += [v for k, v in attrs if k == "href"]


def links_of(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


# --- the digest --------------------------------------------------------------------------------

def test_digest_goes_to_the_clients_people_with_both_parts(repo, inbox):
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 0, done.stderr
    assert len(inbox.received) == 1
    envelope, msg = inbox.received[0]
    assert sorted(envelope) == ["cleo@acme.example", "dan@acme.example"]
    assert msg["To"] == "Cleo Client <cleo@acme.example>, Dan Client <dan@acme.example>"
    assert msg["Reply-To"] == "Pat Lee <pat@agency.example>"
    assert msg["From"] == "Pat Lee <pat@agency.example>"
    assert msg["Bcc"] is None and msg["Cc"] is None
    assert msg["Subject"] == "Website relaunch: 2 items need you (1 overdue)"
    assert msg["Message-ID"].endswith("@projects.example.com>")
    text, page = parts(msg)
    # Overdue first, with dates and what it holds up; then the decision awaiting them.
    assert text.index("* OVERDUE: Send brand assets (T1), overdue by 92 days (due 1 March "
                      "2026); holds up M2 Design. Owner: Cleo Client.") < \
        text.index("* Decide DR-002 Choose the hosting, proposed on 20 May 2026; holds up "
                   "M2 Design.")
    assert "Latest status, 2 March 2026: green, on track. Design is under way." in text
    assert f"{SITE}latest/waiting.html" in text and f"{SITE}latest/decisions/dr-002.html" in text
    links = links_of(page)
    assert f"{SITE}latest/index.html" in links.hrefs
    assert all(h.startswith((SITE, "mailto:pat@agency.example?")) for h in links.hrefs)
    assert not links.tags & {"img", "script", "link", "style", "iframe"}  # inline styles only
    everything = msg.as_string()
    assert CANARY not in everything and "DR-009" not in everything
    assert "boss@" not in everything and "quiet@" not in everything
    assert "Zebulon" not in everything and "zora@" not in everything
    assert digest_tags(repo) and digest_tags(repo)[0].startswith("acme/digest/")


def test_a_second_run_sends_nothing_and_a_change_sends_what_changed(repo, inbox):
    assert notify(repo, "acme", "--smtp", inbox.url).returncode == 0
    again = notify(repo, "acme", "--smtp", inbox.url)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "acme: nothing new since our last email of 1 June: nothing sent\n"
    assert len(inbox.received) == 1 and len(digest_tags(repo)) == 1
    roadmap = repo / "projects" / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text().replace("forecast: 2026-04-10",
                                                   "forecast: 2026-04-24"), encoding="utf-8")
    commit(repo, "M2 later")
    third = notify(repo, "acme", "--smtp", inbox.url)
    assert third.returncode == 0, third.stderr
    assert len(inbox.received) == 2 and len(digest_tags(repo)) == 2
    msg = inbox.received[1][1]
    assert msg["Subject"] == "Website relaunch: 2 items need you (1 overdue) · M2 moved to 24 Apr"
    text, page = parts(msg)
    # The same sentence as the site's What changed page, from compare.what_changed.
    sentence = ("Milestone M2 Design: forecast moved from 10 April 2026 to 24 April 2026 "
                "(14 days later than in our last email), 23 days after the planned 1 April.")
    assert "WHAT CHANGED SINCE OUR LAST EMAIL OF 1 JUNE" in text.splitlines()
    assert f"  - {sentence}" in text
    assert ">What changed since our last email of 1 June</h2>" in page
    assert "first email" not in text and "first email" not in page
    assert f"<li style=\"margin:0 0 10px;line-height:1.45\">{sentence}</li>" in page
    assert f"{SITE}latest/roadmap.html" in links_of(page).hrefs
    assert inbox.received[0][1]["Message-ID"] != msg["Message-ID"]


FIRST = ("This is our first email digest of the project: from now on we write when something "
         "needs you or the plan changes.")


def test_a_client_never_sent_a_digest_gets_one(repo, inbox):
    """Released as v1 and unchanged since: nothing is new against v1, but the client has
    never been told what waits on them (once "nothing new since version v1: nothing sent")."""
    git(repo, "tag", "-a", "acme/v1", "-m", "Plan", day="2026-05-20")
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 0, done.stderr
    assert len(inbox.received) == 1 and len(digest_tags(repo)) == 1
    msg = inbox.received[0][1]
    assert msg["Subject"] == "Website relaunch: 2 items need you (1 overdue)"
    text, page = parts(msg)
    assert FIRST in text.splitlines() and f">{FIRST}</p>" in page
    assert "WHAT CHANGED" not in text and "What changed" not in page  # nothing did
    raw = inbox.raw[0].decode("ascii")
    assert "acme/v1" not in raw and "last digest" not in text and "last email" not in text
    # Told once: the next run has nothing new to say.
    again = notify(repo, "acme", "--smtp", inbox.url)
    assert again.stdout == "acme: nothing new since our last email of 1 June: nothing sent\n"


def committed(repo: Path, rev: str) -> str:
    from datetime import date

    from generator.site.wording import long_date

    return long_date(date.fromisoformat(git(repo, "log", "-1", "--format=%cs", rev).strip()))


def test_a_first_digest_names_versions_and_dates_as_the_site_does(repo, inbox):
    git(repo, "tag", "-a", "acme/v1", "-m", "Plan", day="2026-05-20")
    v1 = git(repo, "rev-parse", "HEAD").strip()
    roadmap = repo / "projects" / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text().replace("forecast: 2026-04-10",
                                                   "forecast: 2026-04-24"), encoding="utf-8")
    commit(repo, "M2 later")
    moved = ("Milestone M2 Design: forecast moved from 10 April 2026 to 24 April 2026 (14 days "
             "later than {}), 23 days after the planned 1 April.")
    # Against the last version (no digest yet), by --since that version's tag, by a commit.
    for since, heading, than in [
            ((), "What changed since version 1 (20 May 2026)", "in version 1"),
            (("--since", "acme/v1"), "What changed since version 1 (20 May 2026)",
             "in version 1"),
            # A commit is named by its day (the fixture's commit is dated today).
            (("--since", v1), f"What changed since {committed(repo, v1)}", "before")]:
        done = notify(repo, "acme", *since, "--eml", "out")
        assert done.returncode == 0, done.stderr
        msg = email.message_from_bytes((repo / "out" / "acme.eml").read_bytes(),
                                       policy=policy.default)
        text, page = parts(msg)
        assert heading.upper() in text.splitlines() and f">{heading}</h2>" in page
        assert f"  - {moved.format(than)}" in text.splitlines()
        assert FIRST in text.splitlines()
        assert "acme/v1" not in msg.as_string() and v1[:7] not in msg.as_string()
        assert "last digest" not in text and "last email" not in text  # there was none


def test_eml_always_writes_what_would_be_sent(repo, inbox):
    assert notify(repo, "acme", "--smtp", inbox.url).returncode == 0
    done = notify(repo, "acme", "--eml", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("acme: nothing new since our last email of 1 June, so --smtp would "
                           "send nothing; wrote out/acme.eml (for 2 people; nothing sent)\n")
    msg = email.message_from_bytes((repo / "out" / "acme.eml").read_bytes(),
                                   policy=policy.default)
    assert msg["Subject"] == inbox.received[0][1]["Subject"]
    assert FIRST not in parts(msg)[0]
    assert len(inbox.received) == 1 and len(digest_tags(repo)) == 1


def test_a_refused_send_fails_clearly_and_is_tried_again(repo, inbox):
    inbox.refuse = "554 5.7.1 Message rejected by policy"
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 1
    assert done.stderr == (
        f"error: acme: digest not sent: {inbox.url} refused the message: 554 5.7.1 Message "
        "rejected by policy; nothing was marked as sent, so the next run tries again\n")
    assert "Traceback" not in done.stderr and digest_tags(repo) == []
    inbox.refuse = None
    retry = notify(repo, "acme", "--smtp", inbox.url)
    assert retry.returncode == 0, retry.stderr
    assert len(inbox.received) == 1 and len(digest_tags(repo)) == 1


def test_an_unreachable_server_is_a_clear_error(repo):
    done = notify(repo, "acme", "--smtp", f"smtp://127.0.0.1:{free_port()}")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: acme: digest not sent: cannot send through smtp://")
    assert digest_tags(repo) == []


def test_eml_writes_the_message_and_sends_nothing(repo, inbox):
    done = notify(repo, "acme", "--eml", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "acme: wrote out/acme.eml (for 2 people; nothing sent)\n"
    msg = email.message_from_bytes((repo / "out" / "acme.eml").read_bytes(),
                                   policy=policy.default)
    assert msg["Subject"] == "Website relaunch: 2 items need you (1 overdue)"
    assert inbox.received == [] and digest_tags(repo) == []
    # The same digest gets the same Message-ID: a retried send is the same message.
    notify(repo, "acme", "--eml", "again")
    again = email.message_from_bytes((repo / "again" / "acme.eml").read_bytes(),
                                     policy=policy.default)
    assert again["Message-ID"] == msg["Message-ID"]


def test_all_changed_since_notifies_only_the_clients_that_changed(repo, inbox):
    base = git(repo, "rev-parse", "HEAD").strip()
    other = repo / "projects" / "zebulon" / "roadmap.yml"
    other.write_text("client_tasks:\n  - {id: T1, title: Send the logo, owner: Zora Zebulon, "
                     "due: 2026-06-10}\n", encoding="utf-8")
    commit(repo, "Zebulon task")
    done = notify(repo, "--all", "--changed-since", base, "--smtp", inbox.url)
    assert done.returncode == 0, done.stderr
    assert [sorted(e) for e, _ in inbox.received] == [["zora@zebulon.example"]]
    msg = inbox.received[0][1]
    assert "Acme" not in msg.as_string() and "cleo@" not in msg.as_string()


def test_options_without_eml_or_smtp_are_a_clear_error(repo, inbox):
    # The command line asks for exactly one of them; called as a function, neither given is
    # said plainly instead of failing on a missing folder.
    from datetime import date

    from generator.problems import MilepostError
    from generator.ship.digest.notify import Options, notify_client
    from generator.site.build import base_config_for

    with pytest.raises(MilepostError) as refused:
        notify_client(repo / "projects", "acme", date.fromisoformat(AS_OF),
                      base_config_for(repo), Options())
    assert str(refused.value) == "give --eml DIR to write the digest or --smtp URL to send it"
    assert inbox.received == [] and digest_tags(repo) == []


def test_no_site_address_refuses_to_send(repo, inbox):
    client = repo / "projects" / "acme" / "client.yml"
    client.write_text(CLIENT.replace("site_url: https://projects.example.com/acme/\n", ""),
                      encoding="utf-8")
    commit(repo, "no address")
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 1
    assert done.stderr == (
        "error: acme has no site address for the digest's links: set site_url in the base "
        "mkdocs.yml (the host's root; the client's site is <site_url>/acme/) or site_url in "
        "acme's client.yml\n")
    assert inbox.received == []


def test_uncommitted_changes_are_not_sent(repo, inbox):
    (repo / "projects" / "acme" / "risks.yml").write_text("[]\n", encoding="utf-8")
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 1
    assert "acme has uncommitted changes (projects/acme/risks.yml): commit them first" \
        in done.stderr
    assert inbox.received == []


def test_a_new_file_counts_as_uncommitted_where_git_hides_untracked_files(repo, inbox):
    git(repo, "config", "status.showUntrackedFiles", "no")
    write(repo, "acme/decisions/DR-010.yml", PROPOSED.replace("DR-002", "DR-010"))
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 1
    assert "acme has uncommitted changes (projects/acme/decisions/DR-010.yml)" in done.stderr
    assert inbox.received == []


NOT_COMMITTED = {
    # git status shows nothing to commit in each: the client's files are ignored, or
    # untracked files are hidden by the PM's git settings.
    "no commit, client ignored": (
        [("init", "-q", "-b", "main")], "projects/\n",
        "acme cannot be sent from a repository with no commit yet: Milepost remembers each "
        "digest sent as a tag on the commit it describes; commit the client's files first "
        "(git add projects/acme, then git commit), or write the message with --eml"),
    "no commit, untracked files hidden": (
        [("init", "-q", "-b", "main"), ("config", "status.showUntrackedFiles", "no")], None,
        "acme cannot be sent from a repository with no commit yet"),
    "a commit, client ignored": (
        [("init", "-q", "-b", "main"), ("add", ".gitignore"), ("commit", "-qm", "Start")],
        "projects/\n",
        "acme is not in the last commit (projects/acme/client.yml is not committed; is it "
        "ignored by .gitignore?): commit the client's files first"),
}


@pytest.mark.parametrize("case", list(NOT_COMMITTED))
def test_a_client_never_committed_is_refused_before_sending(tmp_path, inbox, case):
    """A sent digest is remembered as a tag on a commit: with none to tag, nothing is sent
    (it once sent, then failed, and the next run sent it again)."""
    commands, ignore, message = NOT_COMMITTED[case]
    write_clients(tmp_path)
    (tmp_path / ".gitignore").write_text(ignore or "", encoding="utf-8")
    for args in commands:
        git(tmp_path, *args)
    done = notify(tmp_path, "acme", "--smtp", inbox.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith(f"error: {message}"), done.stderr
    assert inbox.received == []
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("url", "message"), [
    ("smtps://pat:hunter2@mail.example:465", "--smtp must not hold a password (it would show "
     "in logs): put it in the environment variable MILEPOST_SMTP_PASSWORD"),
    ("smtp://pat@mail.example:25", "--smtp smtp://***@mail.example:25: smtp:// sends the "
     "password unencrypted: use smtp+starttls:// or smtps://"),
    ("smtps://pat@mail.example:465", "--smtp names a user: set the password in the "
     "environment variable MILEPOST_SMTP_PASSWORD"),
    ("http://mail.example", "--smtp 'http://mail.example' is not an SMTP address"),
    # A wrong scheme is refused before the password is looked at: it is still not shown.
    ("smtp+tls://u:hunter2@mail.example", "--smtp 'smtp+tls://***@mail.example' is not an "
     "SMTP address"),
    ("smtps://u:hunter2@mail.example:port", "--smtp must not hold a password"),
    ("smtps://hunter2@mail.example:x", "--smtp 'smtps://***@mail.example:x': the port is not "
     "a number"),
])
def test_smtp_addresses_and_passwords(repo, url, message):
    done = notify(repo, "acme", "--smtp", url)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert "hunter2" not in done.stdout + done.stderr and "pat" not in done.stderr
    assert digest_tags(repo) == []


TOKEN = "glpat-SeCrEt-ToKeN-4711"


def test_a_failed_push_does_not_show_the_token(repo, inbox):
    url = f"https://oauth2:{TOKEN}@127.0.0.1:{free_port()}/group/repo.git"
    done = notify(repo, "acme", "--smtp", inbox.url, "--push", url)
    assert done.returncode == 1 and len(inbox.received) == 1
    assert TOKEN not in done.stdout + done.stderr
    assert "but the tag was not pushed, so the next pipeline would send it again: git push " \
        "-q https://***@127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_push_says_where_without_the_token(repo, inbox, tmp_path_factory):
    # git sends the push to a local repository in place of the URL, token and all.
    remote = tmp_path_factory.mktemp("remote")
    git(remote, "init", "-q", "--bare")
    url = f"https://oauth2:{TOKEN}@git.example/group/repo.git"
    git(repo, "config", f"url.{remote.as_uri()}.insteadOf", url)
    done = notify(repo, "acme", "--smtp", inbox.url, "--push", url)
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert done.stdout.endswith(", pushed to https://***@git.example/group/repo.git\n")
    assert git(remote, "tag", "--list") == "\n".join(digest_tags(repo)) + "\n"


def test_in_ci_sending_without_push_is_warned(repo, inbox):
    done = notify(repo, "acme", "--smtp", inbox.url, env={"CI": "true"})
    assert done.returncode == 0 and len(inbox.received) == 1
    assert done.stderr.startswith("warning: no --push: the tags that remember each digest "
                                  "stay in this CI checkout")


def test_a_lead_named_only_by_role_answers_and_sends(repo, inbox):
    client = repo / "projects" / "acme" / "client.yml"
    client.write_text(CLIENT.replace("role: Project manager, email: pat@agency.example, lead: "
                                     "true", "role: Delivery lead, email: pat@agency.example"),
                      encoding="utf-8")
    commit(repo, "Pat named by role")
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("; answers go to Pat Lee <pat@agency.example>, chosen by the "
                                "role Delivery lead (mark the agency's project lead with lead: "
                                "true in client.yml to choose)\n")
    msg = inbox.received[0][1]
    assert msg["From"] == msg["Reply-To"] == "Pat Lee <pat@agency.example>"
    text, page = parts(msg)
    assert "Reply to this email to reach Pat Lee, Delivery lead." in text.splitlines()
    mailto = [h for h in links_of(page).hrefs if h.startswith("mailto:")]
    assert mailto and all(h.startswith("mailto:pat@agency.example?") for h in mailto)


NO_TEAM_EMAIL = (CLIENT.replace(", email: pat@agency.example, lead: true", "")
                 .replace(", email: boss@agency.example", ""))


def test_nobody_at_the_agency_is_refused_saying_what_to_add(repo, inbox):
    client = repo / "projects" / "acme" / "client.yml"
    client.write_text(NO_TEAM_EMAIL, encoding="utf-8")
    commit(repo, "No agency email")
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 1 and inbox.received == []
    assert done.stderr == (
        "error: acme has nobody at the agency to send the digest from or to answer it. In "
        "projects/acme/client.yml, mark the agency's project lead with `lead: true` (a "
        "team-side member with an email, e.g. `- {name: Pat Lee, side: team, role: Project "
        "manager, email: pat@agency.example, lead: true}`), or give an email address under "
        "communication (e.g. `- {channel: Project inbox, address: projects@agency.example}`); "
        "or give --from ADDRESS (or set MILEPOST_FROM), and replies go there\n")
    # A configured sender is enough: replies go to it, and nobody is named as answering.
    sent = notify(repo, "acme", "--smtp", inbox.url,
                  env={"MILEPOST_FROM": "Acme projects <projects@agency.example>"})
    assert sent.returncode == 0, sent.stderr
    msg = inbox.received[0][1]
    assert msg["From"] == "Acme projects <projects@agency.example>" and msg["Reply-To"] is None
    assert inbox.mail_from == ["projects@agency.example"]
    text, page = parts(msg)
    assert "To answer, reply to this email." in text.splitlines()
    assert "Reply to this email to reach" not in text + page and "mailto:" not in page


def test_a_configured_sender_sends_and_the_lead_answers(repo, inbox):
    done = notify(repo, "acme", "--smtp", inbox.url,
                  env={"MILEPOST_FROM": "Brightfold projects <projects@agency.example>"})
    assert done.returncode == 0, done.stderr
    msg = inbox.received[0][1]
    assert msg["From"] == "Brightfold projects <projects@agency.example>"
    assert msg["Reply-To"] == "Pat Lee <pat@agency.example>"
    # --from wins over the environment; a list of addresses is refused.
    both = notify(repo, "acme", "--eml", "out", "--from", "a@agency.example, b@agency.example",
                  env={"MILEPOST_FROM": "projects@agency.example"})
    assert both.returncode == 1 and both.stderr == (
        "error: --from 'a@agency.example, b@agency.example' is not an email address: write "
        "name@example.com, or Name <name@example.com>\n")


def test_notify_needs_a_client_side_person_with_an_email(make_project, run_cli):
    client = VALID_TEXT["client.yml"].replace(
        "    email: pat@agency.example\n", "    email: pat@agency.example\n    notify: true\n")
    client = client.replace("    lead: true\n", "    lead: true\n    notify: true\n")
    projects = make_project({"acme": {**VALID_TEXT, "client.yml": client}})
    code, out, _ = run_cli("validate", "--projects", str(projects))
    assert code == 1
    assert ("projects/acme/client.yml:11:13: error: team[0].notify: notify sends the client's "
            "digest, but this person is on the team side") in out
    assert ("projects/acme/client.yml:16:13: error: team[1].notify: notify needs an email "
            "address: add email to 'Cleo Client' or remove notify") in out



# --- headers every reader reads alike ----------------------------------------------------------

# Display names that Python's own header folding once turned into other addresses: the
# quotes of a long name were dropped, so "Hoffmann, Lena (…)" read as the address Hoffmann.
NAMES = {
    "a long name with commas": "Hoffmann, Lena (Project lead at Brightfold, the agency "
                               "behind the new customer portal and its long-running migration "
                               "programme)",
    "another address in it": "Eve <attacker@evil.example>, x",
    "quotes and a semicolon": 'Eve "x" <evil@attacker.example>; spy@attacker.example',
    "non-ASCII and a comma": "Zoë Ünïcode, Müller-Lüdenscheidt (Bäckerei Nord)",
    "200 characters": ('Hoffmann, Lena; <spy@attacker.example> "Q" ' * 6)[:200],
    "an encoded word of its own": "=?utf-8?q?spy=40attacker.example?= <spy@attacker.example>",
    "backslashes and brackets": 'Back\\slash "\\" (comment <x@y.example>) [z] \\',
}


def named_repo(tmp_path: Path, name: str) -> Path:
    import yaml

    client = yaml.safe_load(CLIENT)
    del client["team"][0]["lead"]
    client["team"] += [  # the agency's lead (From and Reply-To), and a third recipient
        {"name": name, "side": "team", "email": "lead@agency.example", "lead": True},
        {"name": f"{name} (client)", "side": "client", "email": "eve@acme.example",
         "notify": True}]
    write_clients(tmp_path)
    write(tmp_path, "acme/client.yml", yaml.safe_dump(client, allow_unicode=True))
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Plan")
    return tmp_path


def decoded(name: str) -> str:
    """A display name as compat32 leaves it (encoded words as they are), decoded."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(name)))


@pytest.mark.parametrize("case", list(NAMES))
def test_every_parser_reads_exactly_the_intended_addresses(tmp_path, inbox, case):
    from email.parser import BytesParser
    from email.utils import getaddresses

    name = NAMES[case]
    repo = named_repo(tmp_path, name)
    done = notify(repo, "acme", "--smtp", inbox.url)
    assert done.returncode == 0, done.stderr
    assert inbox.mail_from == ["lead@agency.example"]
    assert inbox.received[0][0] == ["cleo@acme.example", "dan@acme.example", "eve@acme.example"]
    raw = inbox.raw[0]
    headers = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert max(len(line) for line in headers) <= 78, "folded within the line length"
    names = {"From": [name], "Reply-To": [name],
             "To": ["Cleo Client", "Dan Client", f"{name} (client)"]}
    addresses = {"From": ["lead@agency.example"], "Reply-To": ["lead@agency.example"],
                 "To": ["cleo@acme.example", "dan@acme.example", "eve@acme.example"]}
    old = BytesParser(policy=policy.compat32).parsebytes(raw)
    new = BytesParser(policy=policy.default).parsebytes(raw)
    for header, expected in addresses.items():
        # compat32 keeps the header as it came; getaddresses reads it (names still encoded).
        found = getaddresses(old.get_all(header))
        assert [a for _, a in found] == expected, (header, found)
        assert [decoded(n) for n, _ in found] == names[header], (header, found)
        # The default policy parses the header; a program may also read its text again.
        assert [a.addr_spec for a in new[header].addresses] == expected
        again = getaddresses([str(v) for v in new.get_all(header)])
        assert [a for _, a in again] == expected, (header, again)
        assert not new[header].defects
        # Python's default-policy parser keeps the line fold between two encoded words as
        # a space (its own headers read back the same way): the words are the same.
        for shown in ([a.display_name for a in new[header].addresses], [n for n, _ in again]):
            assert [x.split() for x in shown] == [x.split() for x in names[header]]


# --- hostile text --------------------------------------------------------------------------------

def hostile_repo(tmp_path: Path) -> Path:
    import yaml

    folder = tmp_path / "projects" / "hostile"
    shutil.copytree(REPO / "tests" / "fixtures" / "hostile", folder)
    client = folder / "client.yml"
    data = yaml.safe_load(client.read_text(encoding="utf-8"))
    data["site_url"] = "https://projects.example.com/hostile/"
    data["project"] += "\nBcc: evil@attacker.example"
    team = data["team"]
    team[0].update(lead=True, email="pm@agency.example")
    team.append({"name": 'Eve "x" <evil@attacker.example>\nBcc: evil@attacker.example',
                 "side": "client", "email": "dee@client.example", "notify": True})
    client.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Hostile")
    return tmp_path


def test_hostile_text_is_inert_and_cannot_add_headers(tmp_path, inbox):
    from tests.test_safety import scan_html

    repo = hostile_repo(tmp_path)
    done = subprocess.run([sys.executable, "-m", "generator", "notify", "hostile", "--smtp",
                           inbox.url, "--as-of", "2026-11-23"], cwd=repo, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (envelope, msg), = inbox.received
    assert envelope == ["reader@client.example", "dee@client.example"]
    assert "evil@attacker.example" not in envelope
    assert msg["Bcc"] is None and msg["Cc"] is None
    # The fixture's reader is named "Hoffmann, Lena (…) <attacker@evil.example>, spy@…":
    # every parser finds exactly the two people and the agency's lead, nobody else.
    from email.parser import BytesParser
    from email.utils import getaddresses

    for parsing in (policy.compat32, policy.default):
        again = BytesParser(policy=parsing).parsebytes(inbox.raw[0])
        assert [a for _, a in getaddresses([str(x) for x in again.get_all("To")])] == envelope
        for header in ("From", "Reply-To"):
            assert [a for _, a in getaddresses([str(x) for x in again.get_all(header)])] == \
                ["pm@agency.example"]
    raw = msg.as_string()
    header_block = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in header_block and "\r" not in msg["Subject"]
    assert msg["Subject"].startswith("Hostile Project <img src=x onerror=alert(2)>")
    assert len(msg["To"].addresses) == 2
    text, page = parts(msg)
    found = scan_html(page, "digest.html")
    assert found.findings == [], "\n".join(map(str, found.findings))
    assert "<script>alert(1)</script>" in found.visible  # shown as the text it is
    for href in links_of(page).hrefs:
        parts_ = urlsplit(href)
        assert parts_.scheme in ("https", "mailto"), href
        if parts_.scheme == "mailto":
            assert unquote(parts_.path) == "pm@agency.example"
            query = parse_qs(parts_.query)
            assert set(query) == {"subject", "body"}
            assert "\n" not in query["subject"][0] and "\r" not in query["subject"][0]
    assert CANARY not in raw


# --- a look at it -----------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
def test_screenshot_of_the_html_part(repo, inbox):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    assert notify(repo, "acme", "--smtp", inbox.url).returncode == 0
    roadmap = repo / "projects" / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text().replace("forecast: 2026-04-10",
                                                   "forecast: 2026-04-24"), encoding="utf-8")
    commit(repo, "M2 later")
    assert notify(repo, "acme", "--smtp", inbox.url).returncode == 0
    _, page_html = parts(inbox.received[1][1])
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 720, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.set_content(page_html)
            page.screenshot(path=str(artifacts / "digest-html-part.png"), full_page=True)
            assert requests == []  # nothing fetched: no images, fonts or styles from outside
            assert page.locator("h1").inner_text() == "Website relaunch"
        finally:
            browser.close()
