"""The roadmap's SVG from a project made of records: marks, labels and escaping. Fast."""

from __future__ import annotations

import re
from datetime import date

from generator.site.timeline import timeline_svg
from tests.test_views import TODAY, milestone, project, task


def _titles(svg: str, cls: str) -> list[str]:
    return re.findall(rf'<polygon class="{cls}"[^>]*><title>([^<]*)</title>', svg)


def test_one_row_per_milestone_under_its_phase_with_the_dates_it_has():
    p = project(milestones=[
        milestone("M1", date(2026, 5, 1), phase="Plan", done=date(2026, 5, 4)),
        milestone("M2", date(2026, 7, 1), phase="Build", forecast=date(2026, 7, 9)),
        milestone("M3", date(2026, 8, 1), phase="Build", forecast=date(2026, 8, 1))])
    svg = timeline_svg(p, TODAY)
    assert re.findall(r'class="mp-tl-phase"[^>]*>([^<]*)<', svg) == ["Plan", "Build"]
    # Each list ends with the legend's mark.
    assert len(_titles(svg, "mp-tl-planned")) == 4
    assert _titles(svg, "mp-tl-forecast") == ["M2 forecast 9 July 2026", "Forecast"]  # not M3
    assert _titles(svg, "mp-tl-done") == ["M1 done 4 May 2026", "Done"]
    assert svg.count('class="mp-tl-slip"') == 2 and "mp-tl-baseline" not in svg
    assert "3 milestones from 1 January 2026 to 1 September 2026" in svg
    assert "\n\n" not in svg  # it sits in a Markdown page


def test_first_planned_dates_are_marked_only_where_they_differ():
    p = project(milestones=[milestone("M1", date(2026, 7, 1)), milestone("M2", date(2026, 8, 1))])
    svg = timeline_svg(p, TODAY, {"M1": date(2026, 6, 20), "M2": date(2026, 8, 1)})
    assert _titles(svg, "mp-tl-baseline") == ["M1 first planned 20 June 2026", "First planned"]


def test_client_tasks_are_marked_done_overdue_or_open():
    p = project(client_tasks=[task("T1", date(2026, 5, 1), done=date(2026, 5, 2)),
                              task("T2", date(2026, 5, 20)), task("T3", date(2026, 6, 20))])
    svg = timeline_svg(p, TODAY)
    assert re.findall(r"mp-tl-task-(\w+)\" points=\"[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+\">"
                      r"<title>Your task (T\d)", svg) == [("done", "T1"), ("overdue", "T2"),
                                                         ("open", "T3")]


def test_text_from_yaml_is_escaped():
    p = project(client={"project": "<script>alert(1)</script>"},
                milestones=[milestone("M1", date(2026, 7, 1), phase='"><b>x</b>')])
    svg = timeline_svg(p, TODAY)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&#60;script&#62;" in svg
