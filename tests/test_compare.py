"""What changed, computed from two models: one sentence per change, grouped by kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from generator.compare import slip_history, what_changed
from generator.model import check_projects
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def before():
    return check_projects(EXAMPLES, date(2026, 11, 23), ["northwind"]).projects[0]


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
        "Milestone M5 Payments and checkout working in test mode done on 20 December 2026 "
        "(+16 days against plan)."]


def test_slip_history_lists_only_milestones_that_moved(before):
    m4 = next(m for m in before.milestones if m.id == "M4")
    later = replace(before, milestones=[replace(m, forecast=date(2026, 12, 4)) if m is m4
                                        else m for m in before.milestones])
    history = slip_history([("v1", before), ("v2", later)])
    assert history == {"M4": ["forecast 27\u00a0Nov\u00a02026 in v1",
                              "forecast 4\u00a0Dec\u00a02026 in v2"]}
