"""The agency's view of the client's satisfaction: per client the latest rating and its
trend, the feedback still waiting on our response and its age, the median time we took to
respond; across clients, the lowest and falling ratings first.

The fast tests read small projects written in tmp_path (no MkDocs); the build test runs the
real CLI and reads the figures back from the built pages.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.agency import portfolio as pf
from generator.agency import views
from generator.agency.full import read_agency_client
from tests.conftest import table_rows, valid_data

TODAY = date(2026, 6, 1)
REPO = Path(__file__).resolve().parent.parent


def feedback(day: int, score: int | None = None, responded: int | None = None,
             **more: Any) -> dict[str, Any]:
    """Feedback given on 2026-05-`day`, answered on 2026-05-`responded` (if given)."""
    x: dict[str, Any] = {"date": date(2026, 5, day), "by": "Cleo Client"}
    if score is not None:
        x["score"] = score
    else:
        x["comment"] = "A comment."
    if responded is not None:
        x |= {"response": "We did something.", "responded": date(2026, 5, responded)}
    return x | more


def client(make_project, items: list[dict[str, Any]], slug: str = "acme",
           name: str = "Acme & Co"):
    data = valid_data()
    data["client.yml"]["name"] = name
    data["feedback.yml"] = items
    projects = make_project({slug: data})
    c = read_agency_client(projects / slug, "projects", TODAY)
    assert c is not None, "the project does not validate"
    return c


# --- the arithmetic -----------------------------------------------------------------------

def test_the_median_time_to_respond_is_the_middle_of_the_answered_ones(make_project):
    # answered after 1, 9, 2 and 4 days; one not answered (it counts as waiting, not here)
    c = client(make_project, [feedback(1, 4, responded=2), feedback(3, 5, responded=12),
                              feedback(5, comment="Hm", responded=7),
                              feedback(10, 3, responded=14), feedback(20, 2)])
    x = pf.satisfaction(c, TODAY)
    assert (x.answered, x.median_response) == (4, 3.0)       # (2 + 4) / 2
    assert views.satisfaction_row(x).median_response == "3 days"
    odd = client(make_project, [feedback(1, 4, responded=2), feedback(3, 5, responded=12),
                                feedback(10, 3, responded=14)], "odd")
    assert pf.satisfaction(odd, TODAY).median_response == 4
    half = client(make_project, [feedback(1, 4, responded=2), feedback(3, 5, responded=5)],
                  "half")
    assert views.satisfaction_row(pf.satisfaction(half, TODAY)).median_response == "1.5 days"


def test_no_answer_yet_has_no_median(make_project):
    x = pf.satisfaction(client(make_project, [feedback(20, 2)]), TODAY)
    assert (x.answered, x.median_response) == (0, None)
    row = views.satisfaction_row(x)
    assert (row.median_response, row.answered) == ("–", "")


def test_the_trend_is_the_latest_rating_against_the_one_before(make_project):
    # five ratings, out of date order in the file; comments without a score do not count
    c = client(make_project, [feedback(9, 5), feedback(1, 4), feedback(12, 2),
                              feedback(5, 4), feedback(10, 3), feedback(13)])
    x = pf.satisfaction(c, TODAY)
    assert x.ratings == (4, 5, 3, 2)  # the last four, oldest first
    assert (x.latest.date, x.change, x.falling) == (date(2026, 5, 12), -1, True)
    row = views.satisfaction_row(x)
    assert (row.latest, row.ratings, row.trend_word, row.rated) == (
        "2 of 5", "4 → 5 → 3 → 2", "falling", "the project")
    rising = pf.satisfaction(client(make_project, [feedback(1, 2), feedback(2, 4)], "b"), TODAY)
    assert (rising.falling, views.rating_trend_word(rising)) == (False, "rising")
    one = pf.satisfaction(client(make_project, [feedback(1, 2)], "c"), TODAY)
    assert (one.change, views.rating_trend_word(one)) == (0, "")
    none = views.satisfaction_row(pf.satisfaction(client(make_project, [], "d"), TODAY))
    assert (none.latest, none.ratings, none.rated_on) == ("–", "–", "")


def test_unanswered_feedback_ages_from_its_date_to_the_day_asked(make_project):
    c = client(make_project, [feedback(4, 4, responded=5), feedback(10, comment="Slow."),
                              feedback(20, 2, about="M2"), feedback(31, 3)])
    x = pf.satisfaction(c, TODAY)
    assert (x.unanswered, x.oldest_unanswered) == (3, (TODAY - date(2026, 5, 10)).days)
    assert pf.satisfaction(c, date(2026, 6, 30)).oldest_unanswered == 51
    items = pf.unanswered_feedback([c], TODAY)
    assert [(i.what, i.days) for i in items] == [
        ("Comment on the project", 22), ("Rated 2 of 5 on M2: Design", 12),
        ("Rated 3 of 5 on the project", 1)]
    assert items[0].detail == "by Cleo Client: “Slow.”"
    assert [views.feedback_row(i).age for i in pf.unanswered_feedback([c], date(2026, 5, 31))
            ][-1] == "today"
    assert views.satisfaction_row(x).oldest_unanswered == "22 days"


def test_internal_feedback_counts_and_is_marked_internal(make_project):
    c = client(make_project, [feedback(1, 5, responded=2),
                              feedback(20, 1, internal=True, comment="Told our PM: awful.")])
    assert [f.score for f in c.public.feedback] == [5]   # what the client sees
    x = pf.satisfaction(c, TODAY)
    assert (x.ratings, x.latest_internal, x.unanswered) == ((5, 1), True, 1)
    assert [i.internal for i in pf.unanswered_feedback([c], TODAY)] == [True]
    # and held back beside the client's "Your feedback" page, with every field
    held = [h for h in c.held if h.about.startswith("Feedback")]
    assert [(h.about, h.page, h.link) for h in held] == [
        ("Feedback of 2026-05-20 by Cleo Client", "Your feedback", "feedback.html")]
    assert ("comment", "Told our PM: awful.") in held[0].fields


def test_internal_feedback_alone_is_held_back_on_the_overview(make_project):
    # with no public feedback the client's site has no "Your feedback" page
    c = client(make_project, [feedback(20, 1, internal=True)])
    assert not c.public.feedback
    assert [(h.page, h.link) for h in c.held if h.about.startswith("Feedback")] == [
        ("Overview", "index.html")]
    pages = {p.text for p in views.client(c, pf.row(c, TODAY), False, False, TODAY).pages}
    assert "Your feedback" not in pages


def test_across_clients_the_lowest_and_falling_ratings_come_first(make_project):
    steady = client(make_project, [feedback(1, 4), feedback(2, 4)], "steady", "Steady")
    fell = client(make_project, [feedback(1, 5), feedback(2, 4)], "fell", "Fell")
    flat = client(make_project, [feedback(1, 5), feedback(2, 3), feedback(3, 4),
                                      feedback(4, 4)], "flat", "Flat")
    low = client(make_project, [feedback(1, 1), feedback(2, 2)], "low", "Low")
    never = client(make_project, [feedback(1)], "never", "Never rated")
    order = [x.name for x in pf.satisfaction_rows([never, steady, flat, fell, low],
                                                  TODAY)]
    assert order == ["Low", "Fell", "Flat", "Steady", "Never rated"]


def test_at_the_same_rating_and_trend_the_oldest_waiting_comes_first(make_project):
    a = client(make_project, [feedback(1, 3, responded=2)], "a", "A")
    b = client(make_project, [feedback(1, 3)], "b", "B")
    c = client(make_project, [feedback(9, 3)], "c", "C")
    assert [x.name for x in pf.satisfaction_rows([a, c, b], TODAY)] == ["B", "C", "A"]


# --- the built pages --------------------------------------------------------------------------

@pytest.mark.slow
def test_the_built_pages_show_the_figures_lowest_and_falling_first(make_project, tmp_path):
    clients = {
        "happy": ("Happy Ltd", [feedback(1, 5, responded=3), feedback(10, 5, responded=11)]),
        "falling": ("Falling Inc", [feedback(1, 5, responded=5), feedback(12, 4),
                                    feedback(20, 3, internal=True, comment="Quietly worse.")]),
        "low": ("Low & Co", [feedback(2, 2, responded=3), feedback(8, 3, responded=9)]),
        "steady": ("Steady GmbH", [feedback(3, 3), feedback(6, 3)]),
    }
    for slug, (name, items) in clients.items():
        data = valid_data()
        data["client.yml"]["name"] = name
        data["feedback.yml"] = items
        projects = make_project({slug: data})
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "generator", "build", str(projects), "--out",
                           str(out), "--as-of", TODAY.isoformat(), "--agency"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    agency = out / "_agency"
    head, *rows = table_rows(agency / "across.html", "client-satisfaction")
    assert head == ["Client", "Latest rating", "Rated", "Last ratings", "Waiting on us",
                    "Median time to respond"]
    # 3 falling before 3 steady before 3 rising, then 5; the internal rating is marked
    assert rows == [
        ["Falling Inc", "3 of 5 internal", "20 May 2026, the project", "5 → 4 → 3 falling",
         "2 (oldest 20 days)", "4 days (1 answered)"],
        ["Steady GmbH", "3 of 5", "6 May 2026, the project", "3 → 3 (steady)",
         "2 (oldest 29 days)", "–"],
        ["Low & Co", "3 of 5", "8 May 2026, the project", "2 → 3 (rising)", "0",
         "1 day (2 answered)"],
        ["Happy Ltd", "5 of 5", "10 May 2026, the project", "5 → 5 (steady)", "0",
         "1.5 days (2 answered)"]]
    head, *waiting = table_rows(agency / "across.html", "feedback-waiting-on-us")
    assert [(w[0], w[1], w[3]) for w in waiting] == [
        ("Steady GmbH", "Rated 3 of 5 on the project", "29 days"),
        ("Steady GmbH", "Rated 3 of 5 on the project", "26 days"),
        ("Falling Inc", "Rated 4 of 5 on the project", "20 days"),
        ("Falling Inc", "Rated 3 of 5 on the project internal", "12 days")]
    # the agency's page on one client has the same figures, and what waits
    page = agency / "clients" / "falling.html"
    figures = table_rows(page, "satisfaction-and-feedback")
    assert figures[1] == ["3 of 5 internal", "20 May 2026, the project", "5 → 4 → 3 falling",
                          "2 (oldest 20 days)", "4 days (1 answered)"]
    assert [row[0] for row in figures[3:]] == ["Rated 4 of 5 on the project",
                                               "Rated 3 of 5 on the project internal"]
    assert "Quietly worse." in figures[4][3]
    # the client's own page never shows the internal rating; the agency's copy of it does
    assert "Quietly worse." not in (out / "falling" / "feedback.html").read_text("utf-8")
    assert "Quietly worse." in (agency / "sites" / "falling" / "feedback.html").read_text("utf-8")
