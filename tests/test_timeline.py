"""The roadmap's SVG from a project made of records: marks, labels and escaping. Fast."""

from __future__ import annotations

import re
from datetime import date

from generator.agency.timeline import portfolio_timeline
from generator.format import records as r
from generator.site.timeline import timeline_svg
from tests.test_views import TODAY, milestone, project, task


def _titles(svg: str, cls: str) -> list[str]:
    return re.findall(rf'<polygon class="{cls}"[^>]*><title>([^<]*)</title>', svg)


def drawings(html: str) -> dict[str, str]:
    """Each drawing of a timeline, by its layout: 'wide' and 'narrow'."""
    found = re.findall(r'<svg class="mp-timeline mp-timeline-(\w+)".*?</svg>', html)
    parts = re.findall(r'<svg class="mp-timeline mp-timeline-\w+".*?</svg>', html)
    assert found == ["wide", "narrow"], found
    return dict(zip(found, parts, strict=True))


def texts(svg: str, cls: str) -> list[tuple[float, float, str]]:
    """(x, y, text) of each text of a class, in drawing order."""
    return [(float(x), float(y), text) for x, y, text in re.findall(
        rf'<text class="{cls}" x="([\d.]+)"(?: text-anchor="end")? y="([\d.]+)">'
        r"(?:<title>[^<]*</title>)?([^<]*)</text>", svg)]


def test_one_row_per_milestone_under_its_phase_with_the_dates_it_has():
    p = project(milestones=[
        milestone("M1", date(2026, 5, 1), phase="Plan", done=date(2026, 5, 4)),
        milestone("M2", date(2026, 7, 1), phase="Build", forecast=date(2026, 7, 9)),
        milestone("M3", date(2026, 8, 1), phase="Build", forecast=date(2026, 8, 1))])
    html = timeline_svg(p, TODAY)
    assert list(drawings(html)) == ["wide", "narrow"]
    for svg in drawings(html).values():
        assert re.findall(r'class="mp-tl-phase"[^>]*>([^<]*)<', svg) == ["Plan", "Build"]
        # Each list ends with the legend's mark.
        assert len(_titles(svg, "mp-tl-planned")) == 4
        assert _titles(svg, "mp-tl-forecast") == [  # not M3, forecast as planned
            "M2 forecast 9 July 2026, 8 days later than planned", "Forecast"]
        assert _titles(svg, "mp-tl-done") == ["M1 done 4 May 2026, 3 days later than planned",
                                              "Done"]
        assert svg.count('class="mp-tl-slip"') == 2 and "mp-tl-baseline" not in svg
        assert "3 milestones from 1 January 2026 to 1 September 2026" in svg
    assert "\n\n" not in html  # it sits in a Markdown page


def test_first_planned_dates_are_marked_only_where_they_differ():
    p = project(milestones=[milestone("M1", date(2026, 7, 1)), milestone("M2", date(2026, 8, 1))])
    svg = drawings(timeline_svg(p, TODAY, {"M1": date(2026, 6, 20), "M2": date(2026, 8, 1)}))
    assert _titles(svg["wide"], "mp-tl-baseline") == ["M1 first planned 20 June 2026",
                                                      "First planned"]


def test_client_tasks_are_marked_done_overdue_or_open():
    p = project(client_tasks=[task("T1", date(2026, 5, 1), done=date(2026, 5, 2)),
                              task("T2", date(2026, 5, 20)), task("T3", date(2026, 6, 20))])
    svg = drawings(timeline_svg(p, TODAY))["wide"]
    assert re.findall(r"mp-tl-task-(\w+)\" points=\"[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+\">"
                      r"<title>Your task (T\d)", svg) == [("done", "T1"), ("overdue", "T2"),
                                                         ("open", "T3")]


def test_text_from_yaml_is_escaped():
    p = project(client={"project": "<script>alert(1)</script>"},
                milestones=[milestone("M1", date(2026, 7, 1), phase='"><b>x</b>')])
    svg = timeline_svg(p, TODAY)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&#60;script&#62;" in svg


# Issue 17, item 11: "Sep 26 … Dec 26 … Jan 27" read as 26 September and Boxing Day.
def test_months_are_named_with_their_year_once_per_year_never_as_a_day():
    p = project(client={"start": date(2026, 9, 7)},
                milestones=[milestone("M1", date(2026, 9, 20)), milestone("M2", date(2027, 1, 20))])
    for svg in drawings(timeline_svg(p, date(2026, 12, 2))).values():
        months, years = texts(svg, "mp-tl-month"), texts(svg, "mp-tl-year")
        assert [m for _, _, m in months] == ["Sep", "Oct", "Nov", "Dec", "Jan"]
        # The year under the first month of each year, on a line of its own.
        assert [(x, text) for x, _, text in years] == [(months[0][0], "2026"),
                                                       (months[4][0], "2027")]
        assert {y for _, y, _ in years} != {y for _, y, _ in months}
        assert not re.search(r">[A-Z][a-z]{2} \d{2}<", svg)
    agency = drawings(portfolio_timeline([p], date(2026, 12, 2)))
    for svg in agency.values():
        assert [text for _, _, text in texts(svg, "mp-tl-year")] == ["2026", "2027"]


def test_on_a_narrow_drawing_months_without_room_for_a_name_are_skipped():
    p = project(milestones=[milestone("M1", date(2026, 2, 1)), milestone("M2", date(2027, 11, 1))])
    svg = drawings(timeline_svg(p, TODAY))
    assert len(texts(svg["wide"], "mp-tl-month")) == 12  # every 2nd of 24 months
    narrow = texts(svg["narrow"], "mp-tl-month")
    assert [m for _, _, m in narrow] == ["Jan", "Apr", "Jul", "Oct"] * 2
    assert min(b[0] - a[0] for a, b in zip(narrow, narrow[1:], strict=False)) >= 34


# Issue 17, item 9: on a phone the wide drawing's text was about 6 px high.
def test_the_narrow_drawing_puts_each_label_above_its_row_within_a_phones_width():
    p = project(milestones=[
        r.Milestone(id="M1", planned=date(2026, 5, 1), phase="Plan",
                    title="A title long enough to be cut short on a phone, whole on hover"),
        milestone("M2", date(2026, 7, 1), phase="Build", forecast=date(2026, 7, 9))],
        client_tasks=[task("T1", date(2026, 5, 20))])
    wide, narrow = drawings(timeline_svg(p, TODAY)).values()
    assert 'viewBox="0 0 320 ' in narrow and 'viewBox="0 0 720 ' in wide
    assert 'aria-labelledby="mp-tl-title-narrow mp-tl-desc-narrow"' in narrow
    labels = texts(narrow, "mp-tl-label")
    assert [text for _, _, text in labels] == [
        "M1 A title long enough to be cut short on a ph…", "M2 Milestone M2"]
    assert "<title>M1&#58; A title long enough to be cut short on a phone, whole on hover" in narrow
    for (_, y, text), marks_y in zip(labels, re.findall(
            r'class="mp-tl-planned" points="[\d.]+,([\d.]+)', narrow), strict=False):
        assert float(marks_y) + 6 > y + 12, text  # the marks' row is below the label
    # the wide drawing keeps its label column, each label beside its marks
    assert all(x == 16 for x, _, _ in texts(wide, "mp-tl-label"))
