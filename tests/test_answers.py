"""Answer links: mailto: links to the agency's project lead, written at build time, on the
Waiting on you page and in the digest; every part percent-encoded, nothing from YAML live."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from generator.site.answers import mailto, signature
from tests.conftest import AS_OF, VALID_TEXT, files_with

LEAD = "    email: pat@agency.example\n"


def decode(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return unquote(parts.path), query


def test_every_part_is_percent_encoded_and_the_subject_is_one_line():
    url = mailto("o'brien+x@agency.example", "T1\r\nBcc: evil@attacker.example & more?=#",
                 "Answer: done\nNotes: a&b=c?d#e %41")
    assert re.fullmatch(r"mailto:[A-Za-z0-9%@._~-]+\?subject=[A-Za-z0-9%._~-]*&body="
                        r"[A-Za-z0-9%._~-]*", url), url
    to, query = decode(url)
    assert to == "o'brien+x@agency.example"
    assert set(query) == {"subject", "body"}
    assert query["subject"] == "T1 Bcc: evil@attacker.example & more?=#"
    assert query["body"] == "Answer: done\r\nNotes: a&b=c?d#e %41"


def answer_links(page: Path) -> dict[str, str]:
    text = page.read_text(encoding="utf-8")
    return {html.unescape(label): html.unescape(href) for href, label in
            re.findall(r'<a class="mp-answer" href="([^"]+)">([^<]+)</a>', text)}


@pytest.mark.slow
def test_waiting_page_has_answer_links_to_the_agency_lead(make_project, run_cli, tmp_path,
                                                          monkeypatch):
    monkeypatch.delenv("MILEPOST_ANSWER_KEY", raising=False)
    client = VALID_TEXT["client.yml"].replace(LEAD, LEAD + "    lead: true\n")
    projects = make_project({"acme": files_with({"client.yml": client})})
    code, _, err = run_cli("build", "--projects", str(projects), "--out", str(tmp_path / "site"),
                           "--as-of", AS_OF, "-j", "1")
    assert code == 0, err
    links = answer_links(tmp_path / "site" / "acme" / "waiting.html")
    assert set(links) == {"Tell us it is done", "Ask for more time"}
    to, query = decode(links["Tell us it is done"])
    assert to == "pat@agency.example"
    # Without MILEPOST_ANSWER_KEY the reference is unsigned: inbox lists, never applies it.
    assert query["subject"] == "Acme & Co: Task T1: done [mp:acme/task/T1/done/-/unsigned]"
    assert query["body"].split("\r\n") == [
        "Client: Acme & Co", "Project: Website relaunch",
        "Task: T1 Send brand assets (due 1 March 2026)", "Answer: done", "", "Notes:", "", "",
        "Reference: [mp:acme/task/T1/done/-/unsigned]"]


@pytest.mark.slow
def test_without_anyone_at_the_agency_to_write_to_there_are_no_answer_links(
        make_project, run_cli, tmp_path):
    # No lead: true, and nobody on the agency's side with an email (who_answers falls back
    # to a project manager, the only agency-side person or a communication address).
    projects = make_project({"acme": files_with({"client.yml": VALID_TEXT["client.yml"].replace(
        LEAD, "")})})
    code, _, err = run_cli("build", "--projects", str(projects), "--out", str(tmp_path / "site"),
                           "--as-of", AS_OF, "-j", "1")
    assert code == 0, err
    page = (tmp_path / "site" / "acme" / "waiting.html").read_text(encoding="utf-8")
    assert "mp-answer" not in page and "Answer by email" not in page


@pytest.mark.slow
def test_a_sign_off_answer_names_the_item_and_its_version(make_project, run_cli, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv("MILEPOST_ANSWER_KEY", "k" * 32)
    client = VALID_TEXT["client.yml"].replace(LEAD, LEAD + "    lead: true\n")
    roadmap = VALID_TEXT["roadmap.yml"].replace(
        "        title: Visual design\n        signoff: true\n",
        "        title: Visual design\n        signoff: true\n        delivered: 2026-05-20\n")
    projects = make_project({"acme": files_with({"client.yml": client,
                                                 "roadmap.yml": roadmap})})
    code, _, err = run_cli("build", "--projects", str(projects), "--out", str(tmp_path / "site"),
                           "--as-of", AS_OF, "-j", "1")
    assert code == 0, err
    links = answer_links(tmp_path / "site" / "acme" / "waiting.html")
    _, query = decode(links["Approve"])
    # The reference names the version by its handover date, signed with the agency's key.
    mark = "[mp:acme/signoff/D2/approve/2026-05-20/"
    sig = signature(b"k" * 32, "acme/signoff/D2/approve/2026-05-20")
    assert query["subject"] == ("Acme & Co: Sign-off D2 (the version delivered on 20 May "
                                f"2026): approved {mark}{sig}]")
    assert "Version: the version delivered on 20 May 2026" in query["body"]
    assert query["body"].endswith(f"Reference: {mark}{sig}]")
    _, query = decode(links["Request changes"])
    assert ": changes requested: … [mp:acme/signoff/D2/changes/2026-05-20/" in query["subject"]


@pytest.mark.slow
def test_hostile_answer_links_are_inert(run_cli, tmp_path):
    import shutil

    from tests.conftest import REPO
    from tests.test_safety import scan_html

    shutil.copytree(REPO / "tests" / "fixtures" / "hostile", tmp_path / "fx" / "hostile")
    code, _, err = run_cli("build", "--projects", str(tmp_path / "fx"), "--out", str(tmp_path / "site"),
                           "--as-of", "2026-11-23", "-j", "1")
    assert code == 0, err
    page = tmp_path / "site" / "hostile" / "waiting.html"
    links = answer_links(page)
    assert links, "the hostile fixture has an agency lead: its items have answer links"
    for url in links.values():
        to, query = decode(url)
        assert to.endswith("@evil.example") and set(query) == {"subject", "body"}
        assert "\r" not in query["subject"] and "\n" not in query["subject"]
    assert scan_html(page.read_text(encoding="utf-8"), "waiting.html").findings == []
