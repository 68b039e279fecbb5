"""derive's facts, one function at a time, from projects made of records. Fast."""

from __future__ import annotations

from datetime import date

from generator.format import records as r
from generator.project import derive
from generator.site import wording
from tests.test_views import TODAY, milestone, project, task, update


def _deliverable(**kw: object) -> r.Deliverable:
    return r.Deliverable(id="D1", title="Design", **kw)  # type: ignore[arg-type]


def _answer(day: date, outcome: str) -> r.Signoff:
    return r.Signoff(deliverable="D1", version="1", date=day, by="Cleo", outcome=outcome,
                     via="email")


def test_signoff_state_follows_delivery_and_the_last_answer():
    m = milestone("M1", date(2026, 5, 1))
    state = derive.signoff_state
    assert state(m, _deliverable(), []).key == "not-required"
    assert state(m, _deliverable(signoff=True), []).key == "not-delivered"
    sent = _deliverable(signoff=True, delivered=date(2026, 5, 10))
    assert (state(m, sent, []).key, state(m, sent, []).since) == ("awaiting", date(2026, 5, 10))
    revised = [_answer(date(2026, 5, 5), "changes-requested")]
    assert state(m, sent, revised).key == "awaiting"  # the new version came after the answer
    assert wording.signoff_words(state(m, _deliverable(signoff=True), revised)).label == (
        "Changes requested on 5 May 2026: we are revising it")
    assert state(m, sent, [_answer(date(2026, 5, 12), "rejected")]).key == "rejected"
    done = milestone("M1", date(2026, 5, 1), done=date(2026, 5, 2))
    assert state(done, _deliverable(signoff=True), []).key == "awaiting"


def test_a_milestone_state_is_facts_and_the_site_words_them():
    """derive says where a milestone stands and why, in keys and days; wording says it."""
    planned, today = date(2026, 5, 20), TODAY  # 1 June 2026
    cases = [
        (milestone("M1", planned, done=date(2026, 5, 27)), set(),
         derive.MilestoneState("done", days=7), "Done, 7 days late", "Done"),
        (milestone("M1", planned, done=date(2026, 5, 1)), set(),
         derive.MilestoneState("done"), "Done", "Done"),
        (milestone("M1", planned, forecast=date(2026, 5, 25)), set(),
         derive.MilestoneState("late", "forecast-passed", 12),
         "Overdue by 12 days · its forecast (25 May 2026) has passed", "Overdue by 12 days"),
        (milestone("M1", planned, forecast=date(2026, 6, 9)), set(),
         derive.MilestoneState("late", "", 12), "Overdue by 12 days", "Overdue by 12 days"),
        (milestone("M1", date(2026, 6, 20), forecast=date(2026, 5, 30)), set(),
         derive.MilestoneState("at-risk", "forecast-passed"),
         "At risk: its forecast (30 May 2026) has passed", "At risk"),
        (milestone("M1", date(2026, 6, 20), forecast=date(2026, 6, 23)), set(),
         derive.MilestoneState("at-risk", "forecast-after-plan", 3),
         "At risk: forecast 3 days after plan", "At risk"),
        (milestone("M1", date(2026, 6, 20)), {"M1"}, derive.MilestoneState("at-risk", "blocked"),
         "At risk: waiting on an overdue task of yours", "At risk"),
        (milestone("M1", date(2026, 6, 20)), set(), derive.MilestoneState("on-track"),
         "On track", "On track"),
    ]
    for m, blockers, state, label, short in cases:
        assert derive.milestone_state(m, today, blockers) == state
        assert wording.milestone_words(m, state) == wording.Worded(state.key, label, short)


def test_a_signoff_state_is_facts_and_the_site_words_them():
    m, sent = milestone("M1", date(2026, 5, 1)), _deliverable(signoff=True)
    approved = r.Signoff(deliverable="D1", version="2", date=date(2026, 5, 3), by="Dana Cruz",
                         outcome="approved", via="email")
    state = derive.signoff_state(m, sent, [approved])
    assert state == derive.SignoffState("approved", date(2026, 5, 3), approved)
    assert wording.signoff_words(state) == wording.Worded(
        "approved", "Approved: version 2 on 3 May 2026 by Dana Cruz", "approved")
    rejected = derive.signoff_state(m, sent, [_answer(date(2026, 5, 12), "rejected")])
    assert (wording.signoff_words(rejected).label, wording.signoff_words(rejected).short) == (
        "Rejected on 12 May 2026", "rejected")
    assert wording.signoff_words(derive.signoff_state(m, _deliverable(), [])).label == (
        "Sign-off not required")


def test_next_milestone_is_the_open_one_expected_first_and_final_the_one_planned_last():
    ms = [milestone("M1", date(2026, 5, 1), done=date(2026, 5, 1)),
          milestone("M2", date(2026, 7, 1), forecast=date(2026, 9, 1)),
          milestone("M3", date(2026, 8, 1)), milestone("M4", date(2026, 8, 1))]
    p = project(milestones=ms)
    assert derive.next_milestone(p).id == "M3"  # type: ignore[union-attr]
    assert derive.final_milestone(p).id == "M4"  # type: ignore[union-attr]
    assert derive.next_milestone(project(milestones=ms[:1])) is None


def test_open_tasks_most_overdue_first_then_by_due_date_and_their_labels():
    p = project(client_tasks=[task("T1", date(2026, 6, 5)), task("T2", date(2026, 5, 1)),
                              task("T3", date(2026, 5, 20)), task("T4", TODAY),
                              task("T5", date(2026, 4, 1), done=date(2026, 4, 2))])
    assert [t.id for t in derive.open_tasks(p, TODAY)] == ["T2", "T3", "T4", "T1"]
    labels = [wording.due_label(t, TODAY) for t in derive.open_tasks(p, TODAY)]
    assert labels == ["Overdue by 31 days", "Overdue by 12 days", "Due today", "Due in 4 days"]
    assert derive.overdue_blockers(project(client_tasks=[
        task("T1", date(2026, 5, 1), blocks=["M1"]), task("T2", TODAY, blocks=["M2"])]),
        TODAY) == {"M1"}


def test_severity_is_likelihood_times_impact():
    def label(likelihood: str, impact: str) -> str:
        return wording.severity_label(r.Risk(id="R1", title="x", likelihood=likelihood,
                                            impact=impact, owner="Pat", status="open"))

    assert [label("low", "low"), label("low", "high"), label("medium", "medium"),
            label("high", "medium")] == ["Low", "Medium", "Medium", "High"]


def test_change_totals_count_approved_and_done_changes_only():
    def change(status: str, days: float, cost: float, moves: float | None) -> r.Change:
        return r.Change(id=f"CR-{status}", title="x", requested_by="Cleo", date=TODAY,
                        status=status, estimate=r.Estimate(days=days, cost=cost),
                        schedule_impact_days=moves)

    p = project(changes=[change("approved", 2.05, 1000, 3), change("done", 1, 500.5, None),
                         change("requested", 9, 9000, 9), change("rejected", 9, 9000, 9)])
    assert derive.change_totals(p) == derive.ChangeTotals(2, 3.05, 1500.5, 3)
    assert wording.change_totals_sentence(p) == (
        "2 approved changes add 3.05 days of work, and move the schedule by 3 days.")


def test_change_totals_say_nothing_of_a_zero_and_nothing_they_do_not_know():
    """Before: '1 approved change adds 2 days of work, and moves the schedule by 0 days',
    and '0 approved changes add 0 days of work, and move the schedule by 0 days'."""
    def change(status: str, days: float | None, moves: float | None) -> r.Change:
        return r.Change(id=f"CR-{status}{days}{moves}", title="x", requested_by="Cleo",
                        date=TODAY, status=status,
                        estimate=r.Estimate(days=days) if days is not None else None,
                        schedule_impact_days=moves)

    def said(*changes: r.Change) -> str:
        return wording.change_totals_sentence(project(changes=list(changes)))

    assert said(change("approved", 2, 0)) == (
        "1 approved change adds 2 days of work, and does not move the schedule.")
    assert said(change("approved", 2, None)) == "1 approved change adds 2 days of work."
    assert said(change("approved", None, 4), change("done", None, -6)) == (
        "2 approved changes bring the schedule forward by 2 days.")
    assert said(change("done", 0, None)) == "1 approved change, not estimated yet."
    assert said(change("requested", 9, 9)) == (
        "No change request has been approved yet: the agreed scope and schedule stand.")


def test_updates_by_month_newest_month_first_and_newest_update_first():
    ups = [update(date(2026, 4, 6)), update(date(2026, 5, 4)), update(date(2026, 4, 20))]
    assert [(k, [u.date.day for u in us]) for k, us in derive.updates_by_month(ups)] == [
        ("2026-05", [4]), ("2026-04", [20, 6])]
    assert wording.month_name("2026-04") == "April 2026"
    assert wording.short_date(date(2026, 4, 6)) == "6\u00a0Apr\u00a02026"
