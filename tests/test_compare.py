"""What changed, computed from two models: one sentence per change, grouped by kind."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.format import records as r
from generator.history.compare import date_fields, slip_history, what_changed
from generator.pipeline import check_projects
from generator.site import wording
from tests.conftest import TODAY, example_client, valid_data

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def before():
    return check_projects(example_client("northwind"), date(2026, 11, 23)).projects[0]


def sections(old, new) -> dict[str, list[str]]:
    return {s.title: s.sentences for s in what_changed(old, new)}


def test_nothing_changed_gives_no_sections(before):
    assert what_changed(before, before) == []


def test_risks_opened_closed_occurred_and_severity(before):
    r1, r2 = before.risks[0], before.risks[1]
    after = replace(before, risks=[
        replace(r1, status="closed"),
        replace(r2, likelihood="high", impact="high"),
        *before.risks[2:],
        replace(r1, id="R9", title="Courier strike", likelihood="low", impact="medium",
                status="open"),
    ])
    said = sections(before, after)["Risks"]
    assert f"Risk {r1.id} {r1.title} closed." in said
    assert any(s.startswith(f"Risk {r2.id} {r2.title}: severity ") and
               s.endswith("→ high (likelihood high, impact high).") for s in said)
    assert "Risk R9 Courier strike opened (low severity)." in said


def test_budget_change_requests_tasks_and_updates(before):
    budget = before.client.budget
    cr4 = next(x for x in before.changes if x.id == "CR-4")
    t4 = next(t for t in before.client_tasks if t.id == "T4")
    after = replace(
        before,
        client=replace(before.client, budget=replace(budget, spent=budget.spent + 2500)),
        changes=[replace(x, status="approved") if x is cr4 else x for x in before.changes],
        client_tasks=[replace(t, done=date(2026, 11, 24)) if t is t4 else t
                      for t in before.client_tasks],
        updates=[*before.updates, replace(before.updates[-1], date=date(2026, 11, 27),
                                          overall="red")],
    )
    said = sections(before, after)
    assert said["Budget"] == ["Spent: 83,600 EUR → 86,100 EUR (+2,500 EUR)."]
    assert said["Scope changes"] == [f"Change request CR-4 {cr4.title}: requested → approved."]
    assert said["Your tasks"] == [f"Task T4 {t4.title} done on 24 November 2026."]
    assert said["Updates"] == ["Status update of 27 November 2026 (overall red)."]


def test_a_milestone_reached_is_said_against_plan(before):
    m5 = next(m for m in before.milestones if m.id == "M5")
    after = replace(before, milestones=[replace(m, done=date(2026, 12, 20)) if m is m5 else m
                                        for m in before.milestones])
    assert sections(before, after)["Milestones"] == [
        "Milestone M5 Payments and checkout working in test mode done on 20 December 2026, "
        "16 days after the planned 4 December."]


def test_slip_history_lists_only_milestones_that_moved(before):
    m4 = next(m for m in before.milestones if m.id == "M4")
    later = replace(before, milestones=[replace(m, forecast=date(2026, 12, 4)) if m is m4
                                        else m for m in before.milestones])
    history = slip_history([("v1", before), ("v2", later)])
    assert history == {"M4": ["forecast 27\u00a0Nov\u00a02026 in v1",
                              "forecast 4\u00a0Dec\u00a02026 in v2"]}


# --- every moved date, said against what it moved from ------------------------------------

@pytest.fixture
def acme(make_project):
    return check_projects(make_project({"acme": valid_data()}), TODAY).projects[0]


def _milestone(project, mid, **changes):
    return replace(project, milestones=[replace(m, **changes) if m.id == mid else m
                                        for m in project.milestones])


def test_a_forecast_is_said_against_the_plan_and_against_the_last_version(acme):
    plain = _milestone(acme, "M2", forecast=None, planned=date(2026, 11, 13))
    set_ = _milestone(plain, "M2", forecast=date(2026, 12, 7))
    moved = _milestone(plain, "M2", forecast=date(2026, 12, 4))
    assert sections(plain, set_)["Milestones"] == [
        "Milestone M2 Design: forecast set to 7 December 2026, 24 days after the planned "
        "13 November."]
    assert sections(set_, moved)["Milestones"] == [
        "Milestone M2 Design: forecast moved from 7 December 2026 to 4 December 2026 (3 days "
        "earlier than before), 21 days after the planned 13 November."]
    assert [s.sentences for s in what_changed(set_, moved, since="v2")] == [[
        "Milestone M2 Design: forecast moved from 7 December 2026 to 4 December 2026 (3 days "
        "earlier than in v2), 21 days after the planned 13 November."]]
    assert sections(moved, plain)["Milestones"] == [
        "Milestone M2 Design: forecast removed (was 4 December 2026): expected on the planned "
        "13 November 2026 again."]


def test_moving_the_projects_end_is_a_change(acme):
    later = replace(acme, client=replace(acme.client, end=date(2027, 1, 8)))
    assert sections(acme, later)["Project"] == [
        "Planned end date moved from 18 December 2026 to 8 January 2027 (21 days later than "
        "before)."]


def test_a_milestone_done_in_this_version_with_a_new_plan_says_both(acme):
    done = _milestone(acme, "M2", planned=date(2026, 4, 3), done=date(2026, 4, 20))
    assert sections(acme, done)["Milestones"] == [
        "Milestone M2 Design done on 20 April 2026, 17 days after the planned 3 April.",
        "Milestone M2 Design: planned date moved from 1 April 2026 to 3 April 2026 (2 days "
        "later than before)."]


def _every_dated_record(p):
    """(record type, the project with that record's date moved by `shift`) for one record
    of every kind that holds a date, found from records.py (so a new kind is not missed)."""
    client, m, task = p.client, p.milestones[1], p.client_tasks[0]
    places = {
        r.Client: (client, lambda new: replace(p, client=new)),
        r.Budget: (client.budget, lambda new: replace(p, client=replace(client, budget=new))),
        r.Milestone: (m, lambda new: replace(p, milestones=[p.milestones[0], new])),
        r.Deliverable: (m.deliverables[0], lambda new: replace(p, milestones=[
            p.milestones[0], replace(m, deliverables=[new, *m.deliverables[1:]])])),
        r.ClientTask: (task, lambda new: replace(p, client_tasks=[new])),
        r.Decision: (p.decisions[0], lambda new: replace(p, decisions=[new])),
        r.Signoff: (p.signoffs[0], lambda new: replace(p, signoffs=[new])),
        r.Change: (p.changes[0], lambda new: replace(p, changes=[new])),
        r.Risk: (p.risks[0], lambda new: replace(p, risks=[new])),
        r.Update: (p.updates[0], lambda new: replace(p, updates=[new])),
        r.Feedback: (p.feedback[0], lambda new: replace(p, feedback=[new])),
    }
    # Evidence is where an answer came from (inbox writes it with the answer): its day is
    # said with the answer, never moved on its own.
    dated = {t for t in vars(r).values() if dataclasses.is_dataclass(t) and date_fields(t)
             and t is not r.Evidence}
    assert dated == set(places), "a record kind with dates is not covered by this test"
    return places


def test_every_moved_date_of_every_record_is_a_change(acme):
    base = _milestone(acme, "M2", done=date(2026, 4, 20))
    base = replace(base, client_tasks=[replace(base.client_tasks[0], done=date(2026, 3, 2))],
                   risks=[replace(base.risks[0], raised=date(2026, 1, 20))],
                   feedback=[r.Feedback(date=date(2026, 2, 5), by="Cleo Client", about="M1",
                                        score=4, response="Thanks.",
                                        responded=date(2026, 2, 6))])
    base = _milestone(base, "M2", deliverables=[replace(base.milestones[1].deliverables[0],
                                                        delivered=date(2026, 4, 10))])
    missed = []
    for record_type, (record, rebuild) in _every_dated_record(base).items():
        for name in date_fields(record_type):
            old = getattr(record, name)
            new = old + timedelta(days=9)
            said = [s for sec in what_changed(base, rebuild(replace(record, **{name: new})))
                    for s in sec.sentences]
            if not any(wording.long_date(new) in s or wording.long_date(new)[:-5] in s
                       for s in said):
                missed.append(f"{record_type.__name__}.{name}: {said}")
    assert missed == []
