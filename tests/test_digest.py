"""The digest's content without sending it: what it counts, who answers for the agency, how
it names versions and dates. Sending, git and the headers on the wire are in test_notify.py."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import yaml

from generator.pipeline import check_projects
from generator.project.model import Project
from generator.ship.digest.content import Baseline, compose, version_words
from generator.ship.digest.render import as_html, as_text
from generator.site import views
from generator.site.answers import who_answers
from tests.conftest import EXAMPLE_CLIENTS, TODAY, VALID_TEXT, example_client, files_with

SITE = "https://projects.example.com/acme/"
FIRST = Baseline(None, None, None, None, first=True)
REQUESTED = """\
- id: CR-2
  title: Gift cards in the shop
  requested_by: Cleo Client
  date: 2026-05-20
  status: requested
  estimate: {days: 6, cost: 4200}
  schedule_impact_days: 5
"""


def example(slug: str, today: date) -> Project:
    checked = check_projects(example_client(slug), today)
    assert not checked.failed, checked.problems
    return checked.projects[0]


def client(make_project, **files: str) -> Project:
    checked = check_projects(make_project({"acme": files_with(files)}), TODAY)
    assert not checked.failed, checked.problems
    return checked.projects[0]


def with_lead(text: str = VALID_TEXT["client.yml"]) -> str:
    return text.replace("    email: pat@agency.example\n",
                        "    email: pat@agency.example\n    lead: true\n")


def counts(p: Project, today: date) -> dict[str, object]:
    """What each place counts: the digest (by kind, and as its two parts say it), the
    overview, the Waiting on you page (by kind) and its table of answer links."""
    d = compose(p, FIRST, today, SITE)
    page = views.waiting(p, today)
    text, html = as_text(d), as_html(d)
    return {
        "digest": Counter(n.kind for n in d.needs),
        "digest says": (f"WHAT NEEDS YOU NOW ({len(d.needs)})" in text.splitlines(),
                        f">What needs you now ({len(d.needs)})</h2>" in html)
        if d.needs else ("WHAT NEEDS YOU" in text, "What needs you" in html),
        "digest answers": sum(1 for n in d.needs if n.answers),
        "overview": views.overview(p, today).waiting.count,
        "waiting": Counter(task=len(page.tasks), signoff=len(page.signoffs),
                           decision=len(page.decisions), change=len(page.changes)),
        "answer rows": len(page.answers),
    }


@pytest.mark.parametrize("slug", EXAMPLE_CLIENTS)
def test_digest_overview_and_waiting_count_the_same_items(slug):
    today = date(2026, 11, 23)  # the examples' own day (tests/golden.py)
    p = example(slug, today)
    found = counts(p, today)
    total = sum(found["digest"].values())
    assert found["digest"] == +found["waiting"]
    assert found["overview"] == total
    assert found["digest says"] == ((True, True) if total else (False, False))
    # Every item has answer links in both places, or none has (nobody to write to).
    assert found["digest answers"] == found["answer rows"] == (total if who_answers(p) else 0)


def test_a_requested_change_is_counted_and_answered_everywhere(make_project):
    p = client(make_project, **{"client.yml": with_lead(), "changes.yml": REQUESTED})
    found = counts(p, TODAY)
    assert found["digest"] == Counter(task=1, change=1) == +found["waiting"]
    assert found["overview"] == 2 and found["digest answers"] == found["answer rows"] == 2
    d = compose(p, FIRST, TODAY, SITE)
    change = next(n for n in d.needs if n.kind == "change")
    assert change.sentence == ("Approve or decline change request CR-2 Gift cards in the shop, "
                               "requested by Cleo Client on 20 May 2026: it costs 4,200 EUR "
                               "and moves the schedule by 5 days.")
    assert [a.label for a in change.answers] == ["Approve", "Decline", "Ask a question"]
    assert all(a.url.startswith("mailto:pat@agency.example?subject=Acme%20%26%20Co%3A%20"
                                "Change%20request%20CR-2%3A%20") for a in change.answers)
    assert f"{SITE}latest/changes.html" in as_text(d)


# --- who answers for the agency ------------------------------------------------------------------

def team(*people: dict[str, object], communication: list[dict] | None = None) -> str:
    data = yaml.safe_load(VALID_TEXT["client.yml"])
    data["team"] = [*people, {"name": "Cleo Client", "side": "client", "lead": True}]
    if communication is not None:
        data["communication"] = communication
    return yaml.safe_dump(data, sort_keys=False)


PAT = {"name": "Pat Lee", "side": "team", "email": "pat@agency.example"}
SAM = {"name": "Sam Dev", "side": "team", "role": "Lead developer", "email": "sam@agency.example"}
INBOX = [{"channel": "Weekly call", "address": "https://meet.example/x"},
         {"channel": "Project inbox", "address": "projects@agency.example"}]

WHO = {
    "lead: true wins over a role": (
        team(SAM | {"role": "Delivery lead"}, PAT | {"lead": True}),
        ("Pat Lee", "pat@agency.example", "lead: true")),
    "a role that runs the project": (
        team(SAM, PAT | {"role": "Delivery lead"}),
        ("Pat Lee", "pat@agency.example", "the role Delivery lead")),
    "a project manager before a lead developer": (
        team(SAM, PAT | {"role": "Project manager"}),
        ("Pat Lee", "pat@agency.example", "the role Project manager")),
    "the only agency-side person with an email": (
        team(PAT | {"role": "Designer"}, {"name": "Max", "side": "team"}),
        ("Pat Lee", "pat@agency.example", "the only agency-side person with an email")),
    "the communication address": (
        team(PAT | {"role": "Designer"}, {"name": "Ann", "side": "team", "email": "a@x.example"},
             communication=INBOX),
        ("Project inbox", "projects@agency.example", "the communication address")),
    "any lead, last": (
        team(PAT | {"role": "Designer"}, SAM),
        ("Sam Dev", "sam@agency.example", "the role Lead developer")),
    "nobody": (team({"name": "Pat Lee", "side": "team", "role": "Project manager"}), None),
}


@pytest.mark.parametrize("case", list(WHO))
def test_who_answers_when_nobody_is_marked_lead(make_project, case):
    text, expected = WHO[case]
    who = who_answers(client(make_project, **{"client.yml": text}))
    assert (who and (who.name, who.email, who.chosen)) == expected


def test_the_digest_says_who_answers_in_both_parts(make_project):
    p = client(make_project, **{"client.yml": team(SAM, PAT | {"role": "Delivery lead"})})
    d = compose(p, FIRST, TODAY, SITE)
    assert str(d.reply_to) == "Pat Lee <pat@agency.example>"
    sentence = "Reply to this email to reach Pat Lee, Delivery lead."
    assert sentence in as_text(d).splitlines() and f">{sentence}</p>" in as_html(d)
    inbox = client(make_project, **{"client.yml": team({"name": "Pat Lee", "side": "team"},
                                                        communication=INBOX)})
    d = compose(inbox, FIRST, TODAY, SITE)
    assert str(d.reply_to) == "Project inbox <projects@agency.example>"
    assert ("Reply to this email to reach Project inbox (projects@agency.example)."
            in as_text(d).splitlines())


# --- versions and dates, as the site names them ------------------------------------------------

@pytest.mark.parametrize(("name", "words"), [
    ("v1", "version 1"), ("V12", "version 12"), ("v1.2", "version 1.2"),
    ("2026-11", "version 2026-11"), ("beta", "version beta"), ("v", "version v")])
def test_version_words(name, words):
    assert version_words(name) == words


def test_a_first_digest_says_so_and_compares_with_no_digest(make_project):
    p = client(make_project, **{"client.yml": with_lead()})
    d = compose(p, FIRST, TODAY, SITE)
    first = ("This is our first email digest of the project: from now on we write when "
             "something needs you or the plan changes.")
    assert first in as_text(d).splitlines() and f">{first}</p>" in as_html(d)
    later = compose(p, Baseline(p, TODAY, "our last email of 1 June", "our last email",
                                first=False), TODAY, SITE)
    assert "first" not in as_text(later) and "first" not in as_html(later)


# --- the templates lay out; every value stays one line, and data in HTML -----------------------

def test_each_value_is_one_line_of_data_in_both_parts(make_project):
    from dataclasses import replace

    p = client(make_project, **{"client.yml": with_lead()})
    d = replace(compose(p, FIRST, TODAY, SITE), project='Shop\n* OVERDUE: <b>"x"</b>\r\n & co')
    text, page = as_text(d), as_html(d)
    assert text.splitlines()[0].startswith('Shop * OVERDUE: <b>"x"</b> & co · ')
    assert not any(line.startswith("* OVERDUE: <b>") for line in text.splitlines())
    # The HTML part is one line (the template's own lines are for its reader), its text escaped.
    assert page.count("\n") == 1 and page.endswith("</html>\n")
    assert ">Shop * OVERDUE: &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; co</h1>" in page
    assert "<b>" not in page
