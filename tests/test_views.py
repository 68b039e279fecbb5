"""Each page's view, built in Python from a project made of records: what a page shows, with
no template, no files and no MkDocs. Fast."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from generator.format import records as r
from generator.project.model import Project, Section
from generator.site import views
from generator.site.render import SiteVersion, render_pages
from generator.site.views.changes import BudgetWithChanges
from generator.site.views.decisions import OptionView, Replacement
from generator.site.views.overview import BudgetView, MilestoneWhen
from generator.site.views.roadmap import DeliverableState, Slip
from generator.site.views.shared import Badge, Described, Health, Link
from generator.site.views.signoffs import SignoffEntry
from generator.site.views.team import ChannelView, LeadView, Person
from generator.site.views.updates import UpdatesView
from generator.site.views.waiting import AwaitingDecision, AwaitingSignoff, Holdup

TODAY = date(2026, 6, 1)


def project(**parts: Any) -> Project:
    """A public project of records; `client` takes Client fields, the rest Project fields."""
    client = {"name": "Acme & Co", "project": "Relaunch", "start": date(2026, 1, 5),
              **parts.pop("client", {})}
    return Project(slug="acme", folder=Path("acme"), client=r.Client(**client), **parts)


def task(id: str, due: date, **kw: Any) -> r.ClientTask:
    return r.ClientTask(id=id, title=f"Task {id}", owner="Cleo", due=due, **kw)


def milestone(id: str, planned: date, **kw: Any) -> r.Milestone:
    return r.Milestone(id=id, title=f"Milestone {id}", planned=planned, **kw)


def update(day: date, overall: str = "green", **kw: Any) -> r.Update:
    return r.Update(date=day, overall=overall, **kw)


CLIENT_TEAM = [r.Contact(name="Cleo", side="client", lead=True),
               r.Contact(name="Pat", side="team")]


# --- Waiting on you ------------------------------------------------------------------------------

def test_waiting_lists_overdue_tasks_first_with_what_they_hold_up():
    p = project(milestones=[milestone("M1", date(2026, 7, 1))],
                client_tasks=[task("T1", date(2026, 6, 10)),
                              task("T2", date(2026, 5, 29), blocks=["M1"]),
                              task("T3", date(2026, 5, 1), done=date(2026, 5, 4)),
                              task("T4", date(2026, 5, 1), done=date(2026, 4, 30))])
    v = views.waiting(p, TODAY)
    assert [t.id for t in v.tasks] == ["T2", "T1"]
    assert (v.tasks[0].overdue, v.tasks[1].overdue) == ("Overdue by 3 days", "")
    assert v.tasks[1].due_label == "Due in 9 days"
    assert v.tasks[0].holds_up == (Holdup("M1", "Milestone M1"),)
    assert v.as_of == "1 June 2026"
    assert [(t.id, t.done, t.timeliness) for t in v.done_tasks] == [
        ("T3", "4 May 2026", "3 days late"), ("T4", "30 April 2026", "On time")]


def test_waiting_names_signoffs_decisions_and_change_requests_the_client_owes():
    p = project(
        client={"team": CLIENT_TEAM, "budget": r.Budget(currency="EUR", total=1000)},
        milestones=[milestone("M1", date(2026, 5, 1), deliverables=[
            r.Deliverable(id="D1", title="Design", signoff=True, delivered=date(2026, 5, 20))])],
        decisions=[r.Decision(id="DR-2", title="Theirs", status="proposed",
                              date=date(2026, 5, 2), deciders=["Pat"]),
                   r.Decision(id="DR-1", title="Yours", status="proposed",
                              date=date(2026, 5, 3), deciders=["Cleo", "Pat"])],
        changes=[r.Change(id="CR-1", title="Blog", requested_by="Cleo", date=date(2026, 5, 5),
                          status="requested", estimate=r.Estimate(cost=2500.5),
                          schedule_impact_days=1)])
    v = views.waiting(p, TODAY)
    assert v.signoffs == (AwaitingSignoff("D1", "Design", "M1", "Milestone M1",
                                                "20 May 2026", "12 days"),)
    assert v.decisions == (AwaitingDecision(
        Link("DR-1: Yours", "decisions/dr-1.md"), "3 May 2026", "Cleo, Pat"),)
    assert v.changes[0].terms == "it costs 2,500.50 EUR and moves the schedule by 1 day"
    assert v.decisions_or_changes


def test_waiting_with_nothing_waiting():
    v = views.waiting(project(), TODAY)
    assert (v.tasks, v.signoffs, v.decisions, v.done_tasks) == ((), (), (), ())
    assert not v.decisions_or_changes


# --- Overview ------------------------------------------------------------------------------------

def test_overview_shows_three_of_each_kind_and_counts_the_rest():
    tasks = [task(f"T{i}", date(2026, 6, 10 + i)) for i in range(5)]
    v = views.overview(project(client_tasks=tasks), TODAY).waiting
    assert v.count == 5 and v.headline == "5 items need"
    assert [t.id for t in v.tasks] == ["T0", "T1", "T2"]
    assert v.more == 2
    one = views.overview(project(client_tasks=tasks[:1]), TODAY).waiting
    assert (one.headline, one.more) == ("1 item needs", 0)


def test_overview_next_and_final_milestone_with_dates_in_words():
    p = project(milestones=[
        milestone("M1", date(2026, 5, 1), done=date(2026, 5, 8)),
        milestone("M2", date(2026, 7, 1), forecast=date(2026, 7, 8)),
        milestone("M3", date(2026, 9, 1), forecast=date(2026, 9, 1))],
        client={"end": date(2026, 12, 18)})
    v = views.overview(p, TODAY)
    assert v.next == MilestoneWhen(
        "M2", "Milestone M2", "1 July 2026", "", "8 July 2026", "7 days later than planned",
        "at-risk",
        "At risk: forecast 7 days after plan")
    assert v.final is not None and (v.final.id, v.final.forecast, v.final.slip) == ("M3", "", "")
    assert not v.final_is_next
    assert v.project_end == "The project is planned to end on 18 December 2026."
    last = views.overview(project(milestones=p.milestones[:2]), TODAY)
    assert last.final_is_next and last.project_end == ""


def test_overview_budget_with_approved_changes_and_without_a_budget():
    budget = r.Budget(currency="EUR", total=48000, spent=12000.5, as_of=date(2026, 3, 1))
    approved = r.Change(id="CR-1", title="Blog", requested_by="Cleo", date=date(2026, 2, 1),
                        status="approved", estimate=r.Estimate(days=2.05, cost=4000))
    v = views.overview(project(client={"budget": budget}, changes=[approved]), TODAY).budget
    assert v == BudgetView(
        "12,000.50 EUR of 48,000 EUR spent (25%), as of 1 March 2026.", 12000.5, 48000,
        "Budget: 12,000.50 EUR of 48,000 EUR spent", "4,000 EUR")
    plain = views.overview(project(client={"budget": budget}), TODAY).budget
    assert plain is not None and plain.changes_add == ""
    assert views.overview(project(), TODAY).budget is None


def test_overview_in_a_versioned_site_says_what_changed_and_finds_the_feed_above():
    changed = [Section("Milestones", ["Milestone M1 Design: forecast moved."])]
    version = SiteVersion("latest", TODAY, True, previous=("v1", date(2026, 5, 1)),
                          changes=changed)
    v = views.overview(project(), TODAY, version)
    assert (v.changes_since, v.feed) == ("1 change since v1 (1 May 2026)", "../feed.xml")
    # Nothing changed: nothing to say (before: '0 changes since v1', which reads like a bug).
    unchanged = SiteVersion("latest", TODAY, True, previous=("v1", date(2026, 5, 1)))
    assert views.overview(project(), TODAY, unchanged).changes_since == ""
    plain = views.overview(project(), TODAY)
    assert (plain.changes_since, plain.feed, plain.latest) == ("", "feed.xml", None)


# --- Updates ------------------------------------------------------------------------------------

def test_updates_latest_in_full_and_earlier_ones_by_month():
    ups = [update(date(2026, 4, 6)), update(date(2026, 4, 20), "amber"),
           update(date(2026, 5, 4), "red"), update(date(2026, 5, 18), schedule="amber",
                                                    asks=["Send the logo"])]
    v = views.updates(project(updates=ups), TODAY)
    assert v.latest is not None and v.latest.date == "18 May 2026"
    assert v.latest.health == Health("green", "amber", None, None)
    assert v.latest.asks == ("Send the logo",)
    assert [(m.link, m.count, m.overall) for m in v.months] == [
        (Link("May 2026", "2026-05.md"), "1 update", ("red",)),
        (Link("April 2026", "2026-04.md"), "2 updates", ("green", "amber"))]
    assert [m.trail for m in v.months] == ["red", "green → amber"]  # spaced, as it reads
    months = views.update_months(project(updates=ups), TODAY)
    assert [(m.key, m.name, [u.date for u in m.updates]) for m in months] == [
        ("2026-05", "May 2026", ["4 May 2026"]),
        ("2026-04", "April 2026", ["20 April 2026", "6 April 2026"])]


def test_updates_without_any():
    assert views.updates(project(), TODAY) == UpdatesView(None, ())
    assert views.update_months(project(), TODAY) == ()


# --- Roadmap ------------------------------------------------------------------------------------

def test_roadmap_rows_by_phase_with_short_dates_dates_against_plan_and_signoff_states():
    p = project(milestones=[
        milestone("M1", date(2026, 5, 1), phase="Plan", done=date(2026, 5, 4), deliverables=[
            r.Deliverable(id="D1", title="Plan", signoff=True),
            r.Deliverable(id="D2", title="Notes")]),
        milestone("M2", date(2026, 5, 20), phase="Build", depends_on=["M1"]),
        milestone("M3", date(2026, 7, 1), phase="Plan", forecast=date(2026, 6, 25))])
    v = views.roadmap(p, TODAY)
    assert [(ph.name, [m.id for m in ph.milestones]) for ph in v.phases] == [
        ("Plan", ["M1", "M3"]), ("Build", ["M2"])]
    m1, m3 = v.phases[0].milestones
    m2 = v.phases[1].milestones[0]
    assert (m1.planned, m1.forecast, m1.done) == ("1\u00a0May\u00a02026", "–", "4\u00a0May\u00a02026")
    assert (m1.against_plan, m2.against_plan, m3.against_plan) == (
        "3 days later", "No new date yet", "6 days earlier")
    assert (m2.state, m2.depends_on, m1.depends_on) == (
        Badge("late", "Overdue by 12 days"), "M1", "–")
    assert m1.deliverables == (DeliverableState("D1", "awaiting your sign-off"),
                               DeliverableState("D2", "no sign-off needed"))
    assert v.timeline.startswith('<div class="mp-timeline-wrap"><svg')
    assert (v.dates_moved, v.slips, v.about) == (False, (), ())


# Issue 17, item 8: M3 planned 18 December, forecast 4 weeks later, seen on 2 December: a
# warning (at risk), never "late"; and M4 planned 27 November, forecast 49 days later, seen 5
# days after its planned date: late, said as "overdue", apart from how far the forecast moved.
DEC_2 = date(2026, 12, 2)
NOT_DUE_YET = milestone("M3", date(2026, 12, 18), forecast=date(2027, 1, 15))
PAST_ITS_DATE = milestone("M4", date(2026, 11, 27), forecast=date(2027, 1, 15))


def test_a_forecast_after_plan_is_not_lateness_until_the_planned_date_passes():
    v = views.roadmap(project(milestones=[NOT_DUE_YET, PAST_ITS_DATE]), DEC_2)
    m3, m4 = v.phases[0].milestones
    assert (m3.against_plan, m3.state) == ("28 days later", Badge("at-risk", "At risk"))
    assert (m4.against_plan, m4.state) == ("49 days later",
                                           Badge("late", "Overdue by 5 days"))
    text = render_pages(project(milestones=[NOT_DUE_YET, PAST_ITS_DATE]), DEC_2)["roadmap.md"]
    assert "Days late" not in text and "| Against plan |" in text
    assert ('| <span class="mp-cell" data-label="Against plan"></span>28 days later | <span '
            'class="mp-cell" data-label="Status"></span><span class="mp-badge mp-at-risk" data-search-exclude>'
            "At risk</span> |") in text


def test_the_overview_says_how_far_the_forecast_moved_and_how_overdue_apart():
    v = views.overview(project(milestones=[PAST_ITS_DATE, NOT_DUE_YET]), DEC_2)
    assert v.next is not None and v.final is not None
    assert (v.next.forecast, v.next.slip, v.next.state_label) == (
        "15 January 2027", "49 days later than planned", "Overdue by 5 days")
    assert (v.final.slip, v.final.state_label) == (
        "28 days later than planned", "At risk: forecast 28 days after plan")
    text = render_pages(project(milestones=[PAST_ITS_DATE, NOT_DUE_YET]), DEC_2)["index.md"]
    assert ("planned for 27 November 2026, now forecast for **15 January 2027**, 49 days later "
            "than planned.\n<span class=\"mp-badge mp-late\" data-search-exclude>Overdue by 5 days</span>") in text


def test_an_overdue_milestone_says_when_its_forecast_passed_or_that_it_has_no_new_date():
    stale = milestone("M1", date(2026, 11, 13), forecast=date(2026, 11, 27))
    bare = milestone("M2", date(2026, 11, 20))
    early = milestone("M3", date(2026, 12, 20), forecast=date(2026, 12, 17))
    done = milestone("M4", date(2026, 9, 25), done=date(2026, 10, 2))
    rows = views.roadmap(project(milestones=[stale, bare, early, done]), DEC_2).phases[0]
    assert [(m.against_plan, m.state.label) for m in rows.milestones] == [
        ("14 days later · forecast passed", "Overdue by 19 days"),
        ("No new date yet", "Overdue by 12 days"),
        ("3 days earlier", "On track"),
        ("7 days later", "Done")]


def test_roadmap_of_a_version_says_how_the_dates_moved():
    p = project(milestones=[milestone("M1", date(2026, 7, 1), description="*Launch*"),
                            milestone("M2", date(2026, 8, 1))])
    version = SiteVersion("v2", TODAY, False, slips={"M1": ["planned 1 Jul in v1", "done"]},
                          baseline={"M1": date(2026, 6, 20)})
    v = views.roadmap(p, TODAY, version)
    assert v.dates_moved and v.first_planned_marked
    assert v.slips == (Slip("M1", "Milestone M1", "planned 1 Jul in v1; done"),)
    assert v.about == (Described("M1", "Milestone M1", "*Launch*"),)
    assert "mp-tl-baseline" in v.timeline


# --- Sign-offs ----------------------------------------------------------------------------------

def test_signoffs_per_milestone_with_every_answer():
    p = project(
        milestones=[milestone("M0", date(2026, 3, 1)),
                    milestone("M1", date(2026, 5, 1), deliverables=[
                        r.Deliverable(id="D1", title="Design", signoff=True)])],
        signoffs=[r.Signoff(deliverable="D1", version="1.0", date=date(2026, 5, 2), by="Cleo",
                            outcome="changes-requested", via="e-signature",
                            notes="Make the **logo** larger"),
                  r.Signoff(deliverable="D1", version="1.1", date=date(2026, 5, 9), by="Cleo",
                            outcome="approved", via="email")])
    (m1,) = views.signoffs(p, TODAY).milestones
    (dl,) = m1.deliverables
    assert dl.state == Badge("signoff-approved",
                                   "Approved: version 1.1 on 9 May 2026 by Cleo")
    assert dl.entries[0] == SignoffEntry(
        "1.0", "2 May 2026", Badge("signoff-changes-requested", "Changes requested"),
        "Cleo", "e signature", "Make the logo larger")
    assert dl.entries[1].notes == "–"
    assert views.signoffs(project(), TODAY).milestones == ()


# --- Decisions ----------------------------------------------------------------------------------

def _decision(id: str, status: str, day: date, **kw: Any) -> r.Decision:
    return r.Decision(id=id, title=f"Title {id}", status=status, date=day, **kw)


def test_decisions_newest_first_with_what_superseded_them():
    p = project(decisions=[_decision("DR-1", "superseded", date(2026, 2, 1)),
                           _decision("DR-2", "accepted", date(2026, 3, 1), supersedes=["DR-1"],
                                     deciders=["Cleo", "Pat"])])
    rows = views.decisions(p, TODAY).decisions
    assert [(x.link, x.status, x.deciders) for x in rows] == [
        (Link("DR-2: Title DR-2", "dr-2.md"), Badge("decision-accepted", "Accepted"),
         "Cleo, Pat"),
        (Link("DR-1: Title DR-1", "dr-1.md"),
         Badge("decision-superseded", "Superseded by DR-2"), "–")]


def test_decision_page_links_both_ways_and_to_related_records():
    old = _decision("DR-1", "superseded", date(2026, 2, 1))
    new = _decision("DR-2", "accepted", date(2026, 3, 1), supersedes=["DR-1"],
                    related=["M1", "D1", "CR-1", "R1", "DR-1", "GONE"],
                    options=[r.Option(name="A", pros=["Cheap"])])
    p = project(decisions=[old, new],
                milestones=[milestone("M1", date(2026, 5, 1), deliverables=[
                    r.Deliverable(id="D1", title="Design")])],
                changes=[r.Change(id="CR-1", title="Blog", requested_by="Cleo",
                                  date=date(2026, 2, 1), status="approved")],
                risks=[r.Risk(id="R1", title="Late", likelihood="low", impact="low",
                              owner="Pat", status="open")])
    was = views.decision(p, old)
    assert was.replaced_by == (Replacement("dr-2", "DR-2", "Title DR-2"),)
    assert was.status == Badge("decision-superseded", "Superseded")
    assert not was.has_links
    now = views.decision(p, new)
    assert now.replaced_by == () and now.has_links
    assert now.supersedes == (Link("DR-1: Title DR-1", "dr-1.md"),)
    assert now.related == (
        Link("M1 Milestone M1", "../roadmap.md"), Link("D1 Design", "../signoffs.md"),
        Link("CR-1 Blog", "../changes.md"), Link("R1 Late", "../risks.md"),
        Link("DR-1 Title DR-1", "../decisions/dr-1.md"), Link("GONE", ""))
    assert now.options == (OptionView("A", None, ("Cheap",), ()),)


# --- Scope changes ------------------------------------------------------------------------------

def _change(id: str, day: date, status: str = "approved", **kw: Any) -> r.Change:
    return r.Change(id=id, title=f"Change {id}", requested_by="Cleo", date=day, status=status,
                    **kw)


def test_changes_newest_first_with_estimates_as_numbers_and_totals_against_the_budget():
    p = project(client={"budget": r.Budget(currency="EUR", total=48000, spent=100)},
                changes=[_change("CR-1", date(2026, 2, 1), estimate=r.Estimate(days=2.05, cost=3600),
                                 schedule_impact_days=10, decided=date(2026, 2, 3),
                                 description="Why"),
                         _change("CR-2", date(2026, 3, 1), "requested",
                                 estimate=r.Estimate(days=1.025))])
    v = views.changes(p, TODAY)
    assert [x.id for x in v.changes] == ["CR-2", "CR-1"]
    cr2, cr1 = v.changes
    assert (cr1.effort, cr1.cost, cr1.schedule, cr1.decided) == (
        "2.05 days", "3,600 EUR", "+10 days", "3 February 2026")
    assert (cr2.effort, cr2.cost, cr2.schedule, cr2.decided) == ("1.03 days", "–", "–", "–")
    assert cr2.status == Badge("change-requested", "Requested")
    assert v.totals == ("1 approved change adds 2.05 days of work and 3,600 EUR, and moves the "
                        "schedule by 10 days.")
    assert v.budget == BudgetWithChanges("48,000 EUR", "3,600 EUR", "51,600 EUR",
                                               "100 EUR", "")
    assert v.details == (Described("CR-1", "Change CR-1", "Why"),)
    none = views.changes(project(), TODAY)
    assert (none.any, none.budget, none.changes) == (False, None, ())


# --- Risks --------------------------------------------------------------------------------------

def test_risks_open_by_severity_with_the_clients_own_and_closed_ones_by_id():
    def risk(id: str, likelihood: str, impact: str, status: str = "open",
             owner: str = "Pat", **kw: Any) -> r.Risk:
        return r.Risk(id=id, title=f"Risk {id}", likelihood=likelihood, impact=impact,
                      owner=owner, status=status, **kw)

    p = project(client={"team": CLIENT_TEAM},
                risks=[risk("R1", "low", "medium"), risk("R2", "high", "high", owner="Cleo",
                                                         mitigation="Ask *early*"),
                       risk("r9", "low", "low", "closed"), risk("R3", "low", "low", "occurred")])
    v = views.risks(p, TODAY)
    assert [(x.id, x.severity, x.yours, x.mitigation) for x in v.open] == [
        ("R2", Badge("severity-high", "High"), True, "Ask early"),
        ("R1", Badge("severity-low", "Low"), False, "–")]
    assert [(x.id, x.status.label) for x in v.past] == [("R3", "Occurred"), ("r9", "Closed")]


# --- Team, glossary ------------------------------------------------------------------------------

def test_team_sides_with_their_leads_and_the_ways_to_keep_in_touch():
    team = [r.Contact(name="Pat", side="team", lead=True, email="pat@agency.example"),
            r.Contact(name="Cleo", side="client", role="Marketing", lead=True),
            r.Contact(name="Sam", side="client", phone="+44 1")]
    p = project(client={"team": team, "communication": [r.Channel(channel="Call", when="Mon")]})
    v = views.team(p, TODAY)
    assert v.lead == LeadView("Cleo", "Marketing")
    assert [(s.title, [c.name for c in s.people]) for s in v.sides] == [
        ("Your team", ["Cleo", "Sam"]), ("Our team", ["Pat"])]
    assert v.sides[0].people[0] == Person("Cleo", "Lead decision maker", "Marketing",
                                                None, "–")
    assert v.sides[1].people[0].lead == "Project lead"
    assert v.channels == (ChannelView("Call", "Mon", "–", "–"),)
    alone = views.team(project(client={"team": team[:1]}), TODAY)
    assert alone.lead is None and [s.title for s in alone.sides] == ["Our team"]


def test_glossary_is_alphabetical_whatever_the_capitals():
    p = project(client={"glossary": {"cms": "Content", "API": "Interface", "Beta": "Trial"}})
    assert [t.term for t in views.glossary(p, TODAY).terms] == ["API", "Beta", "cms"]


# --- What changed --------------------------------------------------------------------------------

def test_what_changed_in_latest_and_in_a_released_version():
    sections = [Section("Milestones", ["M1 moved."])]
    latest = views.what_changed(project(), TODAY, SiteVersion(
        "latest", TODAY, True, "ignored", ("v1", date(2026, 5, 1)), sections))
    assert (latest.compared, latest.scope, latest.since, latest.since_date, latest.note) == (
        True, "this site", "v1", "1 May 2026", "")
    assert latest.sections == tuple(sections)
    first = views.what_changed(project(), TODAY, SiteVersion("v1", date(2026, 5, 1), False, "Go"))
    assert (first.compared, first.name, first.date, first.note, first.scope) == (
        False, "v1", "1 May 2026", "Go", "v1")
