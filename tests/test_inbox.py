"""`milepost inbox`: answers by email written into the record, only when they can be trusted,
once, keeping the PM's comments and layout. Replies are built from the answer links Milepost
writes (`answers_for`, which the Waiting on you page and the digest use)."""

from __future__ import annotations

import difflib
import mailbox
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from generator.problems import MilepostError
from generator.project.client import check_client_folder
from generator.ship.inbox import MaildirSource, parse_imap, run_inbox
from generator.ship.inbox_decide import above_quote, authenticated, parse_auth_results
from generator.site.answers import answers_for
from tests.conftest import write_client
from tests.inbox_mail import AUTHSERV, KEY, answering_client, auth_header, maildir_with, reply

TODAY = date(2026, 6, 1)


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MILEPOST_ANSWER_KEY", KEY)
    write_client(tmp_path / "projects" / "acme", answering_client())
    return tmp_path / "projects"


def links(projects: Path, slug: str = "acme") -> dict[str, list[str]]:
    p, problems = check_client_folder(projects / slug, "projects", TODAY)
    assert p is not None, problems
    return {kind: [a.url for a in answers_for(p, kind, item)] for kind, item in
            [("task", "T1"), ("signoff", "D2"), ("decision", "DR-002"), ("change", "CR-2"),
             ("rating", "M1")]}


def files(projects: Path) -> dict[str, str]:
    return {str(f.relative_to(projects)): f.read_text() for f in sorted(projects.rglob("*.yml"))}


def run(projects: Path, box: Path, **kw) -> tuple[list[str], str]:
    report = run_inbox(projects, MaildirSource(box), AUTHSERV, TODAY, **kw)
    return report.lines, report.summary()


def test_every_answer_kind_is_written_once_with_its_evidence(acme: Path, tmp_path: Path):
    url = links(acme)
    maildir_with(tmp_path / "md",
                 reply(url["task"][0], msgid="<a1@client.example>"),
                 reply(url["signoff"][0], msgid="<a2@client.example>", notes="Looks great."),
                 reply(url["decision"][1], msgid="<a3@client.example>"),
                 reply(url["change"][0], msgid="<a4@client.example>"),
                 reply(url["rating"][3], msgid="<a5@client.example>", notes="Clear."))
    lines, summary = run(acme, tmp_path / "md")
    assert summary == "5 applied, 0 listed for you, 0 already applied", lines
    p, problems = check_client_folder(acme / "acme", "projects", TODAY)
    assert p is not None and not [x for x in problems if x.severity == "error"]
    task = next(t for t in p.client_tasks if t.id == "T1")
    assert task.done == TODAY and task.evidence.message_id == "<a1@client.example>"
    signoff = p.signoffs[-1]
    assert (signoff.deliverable, signoff.version, signoff.outcome, signoff.by, signoff.via,
            signoff.notes) == ("D2", "2026-05-20", "approved", "Cleo Client", "email",
                               "Looks great.")
    assert signoff.evidence.sender == "cleo@client.example"
    dec = next(d for d in p.decisions if d.id == "DR-002")
    assert (dec.status, dec.decision, dec.evidence.by) == ("accepted", "Cloud B", "Cleo Client")
    change = next(x for x in p.changes if x.id == "CR-2")
    assert (change.status, change.decided) == ("approved", TODAY)
    assert [(f.about, f.score, f.comment) for f in p.feedback] == [("M1", 4, "Clear.")]
    # Applied messages leave the inbox for its Applied folder; a rerun changes nothing.
    box = mailbox.Maildir(tmp_path / "md", create=False)
    assert len(box) == 0 and len(box.get_folder("Applied")) == 5
    before = files(acme)
    assert run(acme, tmp_path / "md")[1] == "0 applied, 0 listed for you, 0 already applied"
    assert files(acme) == before


def test_the_same_message_twice_is_applied_once(acme: Path, tmp_path: Path):
    url = links(acme)
    same = reply(url["rating"][4], msgid="<dup@client.example>")
    maildir_with(tmp_path / "md", same, same)
    lines, summary = run(acme, tmp_path / "md")
    assert summary == "1 applied, 0 listed for you, 1 already applied", lines
    assert (acme / "acme" / "feedback.yml").read_text().count("<dup@client.example>") == 1


def test_dry_run_writes_and_marks_nothing(acme: Path, tmp_path: Path):
    before = files(acme)
    maildir_with(tmp_path / "md", reply(links(acme)["task"][0]))
    lines, summary = run(acme, tmp_path / "md", dry_run=True)
    assert lines[0].startswith("would apply: acme: task T1 done by Cleo Client")
    assert files(acme) == before and len(mailbox.Maildir(tmp_path / "md")) == 1


COMMENTED = """\
# Roadmap agreed on 5 January.
milestones:
    # The first phase.
    -   id: M1
        title: Discovery   # kick-off included
        planned: 2026-02-02
        done: 2026-02-04
        deliverables:
            -   {id: D1, title: 'Project plan', signoff: true}
    -   id: M2
        title: "Design"
        planned: 2026-04-01
        forecast: 2026-04-10
        deliverables:
            -   id: D2
                title: Visual design
                signoff: true
                delivered: 2026-05-20
            -   id: D3
                title: Style guide
client_tasks:
    -   id: T1
        title: Send brand assets   # logos and fonts
        owner: Cleo Client
        due: 2026-03-01
        # blocks the design
        blocks: [M2]
"""


def test_comments_order_and_quoting_survive_the_write(acme: Path, tmp_path: Path):
    (acme / "acme" / "roadmap.yml").write_text(COMMENTED)
    maildir_with(tmp_path / "md", reply(links(acme)["task"][0], msgid="<t@client.example>"))
    assert run(acme, tmp_path / "md")[1].startswith("1 applied")
    after = (acme / "acme" / "roadmap.yml").read_text()
    diff = [line for line in difflib.unified_diff(COMMENTED.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["+        done: 2026-06-01",
                    "+        evidence:",
                    "+            message_id: <t@client.example>",
                    "+            sender: cleo@client.example",
                    "+            by: Cleo Client",
                    "+            date: 2026-06-01"]


def test_an_answer_that_would_make_the_file_invalid_writes_nothing(acme: Path, tmp_path: Path):
    before = files(acme)
    note = "x" * 25_000  # over the Markdown limit of a sign-off's notes
    maildir_with(tmp_path / "md", reply(links(acme)["signoff"][0], notes=note))
    lines, summary = run(acme, tmp_path / "md")
    assert summary.startswith("0 applied, 1 listed"), lines
    assert "would make signoffs.yml invalid" in lines[0]
    assert files(acme) == before and len(mailbox.Maildir(tmp_path / "md")) == 1


def test_who_may_answer_what(acme: Path, tmp_path: Path):
    url = links(acme)
    sam = "Sam Staff <sam@client.example>"
    maildir_with(tmp_path / "md",
                 reply(url["signoff"][0], sender=sam, msgid="<s1@client.example>"),
                 reply(url["decision"][0], sender=sam, msgid="<s2@client.example>"),
                 reply(url["change"][0], sender=sam, msgid="<s3@client.example>"),
                 reply(url["task"][0], sender=sam, msgid="<s4@client.example>"))
    lines, summary = run(acme, tmp_path / "md")
    assert summary == "1 applied, 3 listed for you, 0 already applied", lines
    assert any("Sam Staff may not sign off" in x for x in lines)
    assert any("Sam Staff is not among the deciders of DR-002" in x for x in lines)
    assert any("Sam Staff may not approve change requests" in x for x in lines)
    assert any(x.startswith("applied: acme: task T1 done by Sam Staff") for x in lines)
    # signs_off: true lets Sam sign off.
    client = acme / "acme" / "client.yml"
    client.write_text(client.read_text().replace(
        "    email: sam@client.example\n", "    email: sam@client.example\n    signs_off: true\n"))
    lines, summary = run(acme, tmp_path / "md")
    assert any(x.startswith("applied: acme: sign-off D2 approved by Sam Staff") for x in lines)


def _hostile(acme: Path, tmp_path: Path) -> list[tuple[str, bytes]]:
    url = links(acme)
    write_client(acme / "other", {**answering_client(), "client.yml": answering_client()[
        "client.yml"].replace("cleo@client.example", "olga@other.example").replace(
        "sam@client.example", "sid@other.example")})
    other = links(acme, "other")
    html_only = EmailMessage()
    base = reply(url["task"][0], msgid="<h@client.example>")
    from email import message_from_bytes, policy
    parsed = message_from_bytes(base, policy=policy.default)
    for name in ("Authentication-Results", "From", "To", "Subject", "Date", "Message-ID"):
        html_only[name] = parsed[name]
    html_only.set_content("<p>Answer: done</p>", subtype="html")
    latin = reply(url["task"][0], msgid="<l@client.example>").replace(
        b'charset="utf-8"', b'charset="x-unknown-charset"')
    older = reply(url["task"][0], msgid="<q@client.example>")
    quoted = reply("mailto:pat@agency.example?subject=Re%3A%20digest&body=Thanks%21%0D%0A%0D%0A"
                   "On%20Monday%20Pat%20wrote%3A%0D%0A%3E%20" +
                   url["signoff"][0].split("subject=")[1].split("&")[0],
                   msgid="<qq@client.example>")
    tampered = url["signoff"][0].replace("%2Fapprove%2F", "%2Fchanges%2F")
    assert tampered != url["signoff"][0]
    forged_below = reply(url["change"][0], auth=[
        auth_header(result="fail"), auth_header()], msgid="<f@client.example>")
    return [
        ("spoofed From", reply(url["task"][0], sender="Cleo <cleo@evil.example>",
                               auth=[auth_header("evil.example")], msgid="<1@x>")),
        ("DMARC fail", reply(url["task"][0], auth=[auth_header(result="fail")],
                             msgid="<2@x>")),
        ("no Authentication-Results", reply(url["task"][0], auth=[], msgid="<3@x>")),
        ("another server's header", reply(url["task"][0], auth=[
            auth_header(server="mx.elsewhere.example")], msgid="<4@x>")),
        ("forged pass below our fail", forged_below),
        ("another client's reference", reply(other["task"][0], msgid="<5@x>")),
        ("reference edited by hand", reply(tampered, msgid="<6@x>")),
        ("header injection", reply(url["task"][0], msgid="<7@x>").replace(
            b"Subject:", b"Subject: =?utf-8?q?x=0D=0AAuthentication-Results=3A_x?=", 1)),
        ("10 MB body", reply(url["task"][0], msgid="<8@x>", notes="y" * 10_000_000)),
        ("HTML only", html_only.as_bytes()),
        ("unknown charset", latin),
        ("quoted older answer", quoted),
        ("no Message-ID", older.replace(b"Message-ID: <q@client.example>\n", b"")),
    ]


def test_hostile_replies_are_listed_never_applied(acme: Path, tmp_path: Path):
    cases = _hostile(acme, tmp_path)
    before = files(acme)
    maildir_with(tmp_path / "md", *(raw for _, raw in cases))
    lines, summary = run(acme, tmp_path / "md")
    assert summary == f"0 applied, {len(cases)} listed for you, 0 already applied", "\n".join(lines)
    assert files(acme) == before
    assert len(mailbox.Maildir(tmp_path / "md")) == len(cases)  # all stay for the PM
    said = "\n".join(lines)
    for reason in ["cleo@evil.example is not a client-side person", "dmarc=fail",
                   "no Authentication-Results from mx.agency.example (only from: "
                   "mx.elsewhere.example)", "cleo@client.example is not a client-side person of other",
                   "signature does not match",
                   "control characters", "too large", "HTML only", "cannot be decoded",
                   "a reply that is not an answer", "no Message-ID"]:
        assert reason in said, reason


def test_a_deliverable_handed_over_again_refuses_the_old_answer(acme: Path, tmp_path: Path):
    old = links(acme)["signoff"][0]
    roadmap = acme / "acme" / "roadmap.yml"
    roadmap.write_text(roadmap.read_text().replace("delivered: 2026-05-20", "delivered: "
                                                   "2026-05-28"))
    maildir_with(tmp_path / "md", reply(old))
    lines, _ = run(acme, tmp_path / "md")
    assert "changed since the link was sent (handed over 2026-05-28, the answer is for " \
           "2026-05-20)" in lines[0]


def test_questions_and_edited_answers_are_for_the_pm(acme: Path, tmp_path: Path):
    url = links(acme)
    edited = reply(url["change"][0], msgid="<e@client.example>").replace(
        b"Answer: approved", b"Answer: not approved, too dear")
    maildir_with(tmp_path / "md", reply(url["decision"][0].replace("o1", "o1"), msgid="<o@x>",
                                        sender="Sam Staff <sam@client.example>"),
                 reply(url["change"][2], msgid="<q@client.example>"), edited)
    lines, summary = run(acme, tmp_path / "md")
    assert any("a question from Cleo Client: answer it yourself" in x for x in lines)
    assert any("the Answer line was changed to 'not approved, too dear'" in x for x in lines)


def test_without_a_key_nothing_is_applied(acme: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MILEPOST_ANSWER_KEY")
    unsigned = links(acme)["task"][0]
    assert "unsigned" in unsigned
    maildir_with(tmp_path / "md", reply(unsigned))
    lines, _ = run(acme, tmp_path / "md")
    assert "no MILEPOST_ANSWER_KEY is set" in lines[0]
    monkeypatch.setenv("MILEPOST_ANSWER_KEY", KEY)  # an unsigned reference never passes
    lines, _ = run(acme, tmp_path / "md")
    assert "signature does not match" in lines[0]


def test_only_the_topmost_header_of_our_server_counts():
    ours, pass_, fail = AUTHSERV, auth_header(), auth_header(result="fail")
    assert authenticated((pass_,), ours, "client.example") is None
    assert authenticated((fail, pass_), ours, "client.example") is not None
    assert authenticated((auth_header(server="other.example"), pass_), ours,
                         "client.example") is None
    # DKIM alone passes when its domain is aligned with From's.
    dkim = f"{ours}; dkim=pass header.d=client.example; dmarc=none header.from=client.example"
    assert authenticated((dkim,), ours, "mail.client.example") is None
    assert authenticated((dkim,), ours, "notclient.example") is not None
    # DMARC for another domain than From's does not count.
    assert authenticated((auth_header("evil.example"),), ours, "client.example") is not None
    # Office 365 writes no authserv-id: its header is nobody's.
    o365 = ("spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=client.example; dkim=pass "
            "(signature was verified) header.d=client.example;dmarc=pass action=none "
            "header.from=client.example;compauth=pass reason=100")
    assert parse_auth_results(o365)[0] == ""
    assert authenticated((o365,), ours, "client.example") is not None


def test_quoted_text_is_not_the_reply():
    text = "Approved, thanks.\n\nOn 1 June, Pat wrote:\n> [mp:acme/task/T1/done/-/unsigned]\n"
    assert above_quote(text) == "Approved, thanks.\n"
    assert above_quote("ok\n-----Original Message-----\nFrom: x") == "ok"


def test_imap_addresses():
    a = parse_imap("imaps://pm%40agency.example@mail.agency.example/Answers")
    assert (a.tls, a.user, a.host, a.port, a.folder) == ("imaps", "pm@agency.example",
                                                         "mail.agency.example", 993, "Answers")
    assert parse_imap("imap+starttls://pm@mail.example").port == 143
    for bad in ("imap://pm@mail.example/", "imaps://pm:secret@mail.example/"):
        with pytest.raises(MilepostError):
            parse_imap(bad)


def _page_links(page: Path) -> list[str]:
    import html
    import re
    return [html.unescape(h) for h in re.findall(r'class="mp-answer" href="([^"]+)"',
                                                 page.read_text())]


@pytest.mark.slow
def test_replies_to_the_built_site_and_the_digest_are_applied(acme: Path, tmp_path: Path,
                                                              run_cli):
    import html
    import re
    from email import message_from_bytes, policy

    client = acme / "acme" / "client.yml"
    client.write_text(client.read_text().replace(
        "project: Website relaunch\n", "project: Website relaunch\n"
        "site_url: https://projects.agency.example/acme/\n"))
    code, _, err = run_cli("build", "--projects", str(acme), "--out", str(tmp_path / "site"),
                           "--as-of", "2026-06-01", "-j", "1")
    assert code == 0, err
    site = _page_links(tmp_path / "site" / "acme" / "waiting.html")
    site += _page_links(tmp_path / "site" / "acme" / "index.html")  # the rating
    code, _, err = run_cli("notify", "acme", "--projects", str(acme), "--eml",
                           str(tmp_path / "out"), "--as-of", "2026-06-01")
    assert code == 0, err
    digest = message_from_bytes((tmp_path / "out" / "acme.eml").read_bytes(),
                                policy=policy.default)
    mail = [html.unescape(h) for h in re.findall(r'href="(mailto:[^"]+)"',
                                                 digest.get_body(("html",)).get_content())]
    # The site and the digest offer the same answers, with the same references.
    assert sorted(site) == sorted(mail)
    kinds = ["/task/T1/done/", "/signoff/D2/changes/", "/decision/DR-002/o2/",
             "/change/CR-2/decline/", "/rating/M1/5/"]
    chosen = [next(u for u in mail if k.replace("/", "%2F") in u) for k in kinds]
    maildir_with(tmp_path / "md", *(reply(u, msgid=f"<e{i}@client.example>", notes="Fine.")
                                    for i, u in enumerate(chosen)))
    code, out, err = run_cli("inbox", "--maildir", str(tmp_path / "md"), "--authserv-id",
                             AUTHSERV, "--projects", str(acme), "--as-of", "2026-06-01")
    assert code == 0, err
    assert out.splitlines()[-1].startswith("5 applied, 0 listed"), out
    assert "sign-off D2 changes requested by Cleo Client" in out
    assert "change request CR-2 declined by Cleo Client" in out
    code, _, err = run_cli("build", "--projects", str(acme), "--out", str(tmp_path / "site"),
                           "--as-of", "2026-06-01", "-j", "1")
    assert code == 0, err
    signoffs = (tmp_path / "site" / "acme" / "signoffs.html").read_text()
    assert "Changes requested by email on 1 June 2026 by Cleo Client" in signoffs
    assert "Decided by email on 1 June 2026 by Cleo Client" in (
        tmp_path / "site" / "acme" / "decisions" / "dr-002.html").read_text()
    assert "Waiting on us since 1 June 2026 &#40;today&#41;" in (
        tmp_path / "site" / "acme" / "feedback.html").read_text()


@pytest.mark.slow
def test_commit_commits_only_the_answered_files(acme: Path, tmp_path: Path, run_cli):
    from tests.conftest import git

    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "start")
    (tmp_path / "notes.txt").write_text("the PM's own work in progress\n")
    git(tmp_path, "add", "notes.txt")  # staged, and not the inbox's to commit
    maildir_with(tmp_path / "md", reply(links(acme)["task"][0]))
    code, out, err = run_cli("inbox", "--maildir", str(tmp_path / "md"), "--authserv-id",
                             AUTHSERV, "--projects", str(acme), "--as-of", "2026-06-01",
                             "--commit")
    assert code == 0, err
    assert "committed 1 file(s)" in out
    assert git(tmp_path, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "Answers", "by", "email:", "1", "applied", "by", "milepost", "inbox",
        "projects/acme/roadmap.yml"]
    assert "A  notes.txt" in git(tmp_path, "status", "--porcelain")
