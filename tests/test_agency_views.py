"""The agency's page views, built in Python from the portfolio's figures: every date, figure
and word as staff read it, with no template, no files and no MkDocs. Fast."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from markupsafe import Markup

from generator.agency import portfolio as pf
from generator.agency import views
from generator.format import records as r
from generator.numbers import MINUS
from generator.project import derive
from generator.site.views.shared import Badge, Link

TODAY = date(2026, 6, 1)


def figures(**kw: Any) -> pf.Row:
    """A portfolio row with nothing late, nothing waiting and an update last week."""
    fields: dict[str, Any] = dict(
        slug="acme", name="Acme & Co", project="Relaunch", health="green", health_internal=False,
        trend=("green",),
        next=None, next_state=None, overdue=0, shift=0, overdue_tasks=0, oldest_overdue=0, signoffs_waiting=0,
        longest_signoff_wait=0, changes_waiting=0, oldest_change_wait=0, burn=None,
        last_update=date(2026, 5, 25), days_since_update=7)
    return pf.Row(**{**fields, **kw})


def test_a_quiet_client_reads_as_zeros_and_dashes():
    x = views.portfolio_row(figures(), versioned=False)
    assert (x.client, x.trend, x.trend_word, x.next, x.next_internal) == (
        Link("Acme & Co", "clients/acme.md"), "green", "", "–", False)
    assert (x.next_state, x.against_plan, x.overdue_tasks, x.oldest_overdue,
            x.signoffs_waiting, x.longest_signoff_wait, x.changes_waiting,
            x.oldest_change_wait) == (None, "–", "0", "", "0", "–", "0", "")
    assert (x.spent, x.faster, x.elapsed) == ("–", False, "–")
    assert (x.last_update, x.stale) == ("25\u00a0May\u00a02026", "")
    assert x.site == Link("Open", "../acme/index.html")


def test_a_troubled_client_has_its_figures_worded():
    nxt = r.Milestone(id="M4", title="Build", planned=date(2026, 5, 1),
                      forecast=date(2026, 6, 15), internal=True)
    x = views.portfolio_row(figures(
        health="red", trend=("green", "amber", "red"), next=nxt,
        next_state=derive.milestone_state(nxt, TODAY, set()), overdue=31, shift=45,
        overdue_tasks=2,
        oldest_overdue=1, signoffs_waiting=1, longest_signoff_wait=9, changes_waiting=3,
        oldest_change_wait=20, burn=pf.Burn(0.664, 0.5, TODAY), last_update=None,
        days_since_update=None), versioned=True)
    assert (x.trend, x.trend_word, x.next, x.next_internal) == (
        "green → amber → red", "worse", "M4: Build", True)
    assert (x.next_state, x.against_plan) == (Badge("late", "Overdue by 31 days"), "+45 days")
    assert (x.overdue_tasks, x.oldest_overdue, x.longest_signoff_wait,
            x.changes_waiting, x.oldest_change_wait) == ("2", "1 day", "9 days", "3", "20 days")
    assert (x.spent, x.faster, x.elapsed) == ("66%", True, "50%")
    assert (x.last_update, x.stale) == ("none", "No update yet")
    assert x.site == Link("Open", "../acme/latest/index.html")


def test_days_ahead_of_plan_keep_a_real_minus_sign_shown_as_it_is():
    nxt = r.Milestone(id="M4", title="Build", planned=date(2026, 7, 1))
    shown = views.portfolio_row(figures(next=nxt, shift=-3), versioned=False).against_plan
    assert shown == f"{MINUS}3 days" and isinstance(shown, Markup)


def test_the_trend_word_compares_the_last_two_updates_only():
    assert [views.trend_word(t) for t in [("red", "green"), ("red", "amber", "amber"),
                                           ("green", "red"), ("amber",), ()]] == [
        "better", "steady", "worse", "", ""]


def test_a_client_is_flagged_after_two_weeks_without_an_update():
    days = [pf.STALE_AFTER, pf.STALE_AFTER + 1]
    assert [views.stale_words(figures(days_since_update=n)) for n in days] == [
        "", f"No update for {pf.STALE_AFTER + 1} days"]


def test_text_from_yaml_stays_data_for_the_template_to_escape():
    x = views.portfolio_row(figures(name="<b>Acme</b> *", trend=()), versioned=False)
    assert x.client.text == "<b>Acme</b> *" and not isinstance(x.client.text, Markup)
    assert x.trend == "–"


def test_the_portfolio_counts_clients_and_names_those_not_shown():
    one = views.portfolio([figures()], ["bad-one", "other"], TODAY, versioned=frozenset())
    assert (one.as_of, one.clients, one.invalid, one.stale_after) == (
        "1 June 2026", "1 client", "bad-one, other", "14 days")
    two = views.portfolio([figures(), replace(figures(), slug="b")], [], TODAY, frozenset({"b"}))
    assert (two.clients, two.invalid, len(two.rows)) == ("2 clients", "", 2)
    assert [x.site.url for x in two.rows] == ["../acme/index.html", "../b/latest/index.html"]


def test_a_slip_gives_both_dates_short_and_how_much_later():
    m = r.Milestone(id="M2", title="Design", planned=date(2026, 4, 1))
    slip = pf.Slip("acme", "Acme & Co", m, "v2", date(2026, 4, 10), date(2026, 4, 11),
                   ("planned 1 Apr 2026 in v1", "forecast 10 Apr 2026 in v2"))
    x = views.slip_row(slip)
    assert (x.client, x.milestone, x.was, x.version, x.now, x.later_by, x.history) == (
        Link("Acme & Co", "clients/acme.md"), "M2: Design", "10\u00a0Apr\u00a02026", "v2",
        "11\u00a0Apr\u00a02026", "1 day", "planned 1 Apr 2026 in v1; forecast 10 Apr 2026 in v2")
    assert views.slip_row(replace(slip, history=())).history == "–"


def test_an_item_across_clients_has_its_date_and_age_in_words():
    item = pf.Item("acme", "Acme & Co", "T4: Photos", "owner Cleo", date(2026, 5, 4), 28,
                   True, "waiting.html")
    assert views.item_row(item) == views.ItemRow(
        Link("Acme & Co", "clients/acme.md"), "T4: Photos", True, "4\u00a0May\u00a02026",
        "28 days", "owner Cleo")


def test_a_risk_has_its_severity_as_a_badge():
    risk = r.Risk(id="R1", title="Texts late", likelihood="high", impact="medium",
                  owner="Pat", status="open", internal=True)
    x = views.risk_row(pf.RiskItem("acme", "Acme & Co", risk, 6, "High"))
    assert (x.risk, x.internal, x.severity, x.likelihood, x.impact, x.owner) == (
        "R1: Texts late", True, Badge("severity-high", "High"), "high", "medium", "Pat")


def test_across_says_whether_any_client_has_a_version_to_compare_with():
    assert [views.across([], [], n, TODAY).any_version for n in (0, 2)] == [False, True]
    assert views.across([], [], 0, TODAY).as_of == "1 June 2026"


def test_spending_is_flagged_only_well_ahead_of_the_time_and_the_page_says_so():
    """Before: 38% spent at 36% of the time showed the red 'faster than time' badge."""
    assert not pf.Burn(0.38, 0.36, TODAY).faster
    assert not pf.Burn(0.46, 0.36, TODAY).faster   # 10 points: still within the tolerance
    assert pf.Burn(0.47, 0.36, TODAY).faster
    assert pf.Burn(1.2, 0.9, TODAY).faster
    page = views.portfolio([], [], TODAY, frozenset())
    assert page.burn_tolerance == "10 percentage points"
