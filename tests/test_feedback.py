"""feedback.yml: validated like the other files, shown on Your feedback, asked for on the
overview; and the evidence of an answer by email, shown where the answer is."""

from __future__ import annotations

import dataclasses
from datetime import date

from generator.format import records as r
from generator.project.client import check_client_folder
from generator.site import views
from generator.site.render import render_pages
from tests.conftest import VALID_TEXT, files_with, write_client

TODAY = date(2026, 6, 1)
LEADS = VALID_TEXT["client.yml"].replace("    email: pat@agency.example\n",
                                         "    email: pat@agency.example\n    lead: true\n")


def read(tmp_path, **files):
    write_client(tmp_path / "acme", files_with({"client.yml": LEADS, **files}))
    return check_client_folder(tmp_path / "acme", "projects", TODAY)


def test_feedback_is_checked(tmp_path):
    _, problems = read(tmp_path, **{"feedback.yml": """\
- {date: 2026-05-02, by: Cleo Client, about: M9, score: 7}
- {date: 2026-05-03, by: Cleo Client, responded: 2026-05-04}
- {date: 2026-05-05, by: Cleo Client, score: 3, response: We fixed it.}
- {date: 2026-05-05, by: Cleo Client, score: 4, response: Thanks., responded: 2026-05-01}
"""})
    said = [(x.line, x.message) for x in problems if x.severity == "error"]
    assert [line for line, _ in said] == [1, 1, 2, 2, 3, 4]
    text = " | ".join(m for _, m in said)
    for part in ["'M9'", "7 is not a rating", "needs a score or a comment",
                 "a response date without a response", "a response without its date",
                 "2026-05-01 is before the feedback was given"]:
        assert part in text, text


def test_your_feedback_page_shows_what_we_did_and_what_waits_on_us(tmp_path):
    p, problems = read(tmp_path, **{"feedback.yml": """\
- {date: 2026-05-02, by: Cleo Client, about: M1, score: 4, comment: Clear plan.,
   response: We kept the weekly call., responded: 2026-05-04}
- {date: 2026-05-20, by: Cleo Client, score: 2, comment: Too slow.}
"""})
    assert p is not None, problems
    view = views.feedback(p, TODAY)
    assert view.open == 1
    assert [(e.about, e.score, e.status) for e in view.entries] == [
        ("the project", "2 of 5", "Waiting on us since 20 May 2026 (12 days)"),
        ("M1 Discovery", "4 of 5", "We responded on 4 May 2026")]
    page = render_pages(p, TODAY)["feedback.md"]
    assert "**1 waiting on us.**" in page and "We kept the weekly call." in page


def test_no_feedback_no_page(tmp_path):
    p, _ = read(tmp_path)
    assert p is not None and "feedback.md" not in render_pages(p, TODAY)


def test_the_overview_asks_for_a_rating_until_it_comes(tmp_path):
    p, _ = read(tmp_path)
    assert p is not None
    ask = views.overview(p, TODAY).rating
    assert ask is not None and ask.question == "How did we do on M1 Discovery?"
    assert ask.links.count('class="mp-answer"') == 5 and "rating%2FM1%2F5" in ask.links
    rated = dataclasses.replace(p, feedback=[r.Feedback(date=TODAY, by="Cleo Client",
                                                        about="M1", score=5)])
    assert views.overview(rated, TODAY).rating is None


def test_evidence_is_said_on_sign_offs_and_decisions(tmp_path):
    p, _ = read(tmp_path)
    assert p is not None
    e = r.Evidence(message_id="<x@client.example>", sender="cleo@client.example",
                   by="Cleo Client", date=date(2026, 2, 4))
    p = dataclasses.replace(p, signoffs=[dataclasses.replace(p.signoffs[0], evidence=e)],
                            decisions=[dataclasses.replace(p.decisions[0], evidence=e)])
    entry = views.signoffs(p, TODAY).milestones[0].deliverables[0].entries[0]
    assert entry.via == "Signed off by email on 4 February 2026 by Cleo Client"
    assert views.decision(p, p.decisions[0]).evidence == (
        "Decided by email on 4 February 2026 by Cleo Client")
    pages = render_pages(p, TODAY)
    assert "Signed off by email on 4 February 2026 by Cleo Client" in pages["signoffs.md"]
    assert "Pat Lee\n\n*Decided by email on 4 February 2026 by Cleo Client.*\n" in pages[
        "decisions/dr-001.md"]


def test_the_editor_schema_takes_the_scores_validate_takes() -> None:
    """The schema said 'number ≥ 0' while validate refused 0 and 4.5: an editor's completion
    never flagged a wrong score."""
    from generator.format.schema import record_schema

    score = record_schema(r.Feedback)["properties"]["score"]
    assert (score["type"], score["minimum"], score["maximum"]) == ("integer", 1, 5)
