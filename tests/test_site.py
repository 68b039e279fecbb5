"""The client site: pages say the right things, builds are atomic, reproducible and parallel."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from generator.pipeline import check_projects
from generator.project import derive
from generator.site import wording
from generator.site.output import SHARED
from generator.site.render import render_pages
from tests.conftest import TODAY, VALID_TEXT, example_client, valid_data, valid_files
from tests.conftest import article_text as text_of
from tests.conftest import milepost as run_milepost
from tests.conftest import tree_bytes as _tree_bytes

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def milepost(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run_milepost(cwd, *args)


@pytest.fixture(scope="module")
def site(example_sites: Path) -> Path:
    """The example clients' sites (conftest builds them once for every module reading them)."""
    return example_sites


# --- what the pages say -------------------------------------------------------------------

@pytest.mark.slow
def test_every_client_has_every_page(site):
    for slug in ("northwind", "harbor-health", "alder-and-finch"):
        for page in ("index", "waiting", "roadmap", "decisions/index", "signoffs", "changes",
                     "risks", "updates/index", "team"):
            assert (site / slug / f"{page}.html").is_file(), (slug, page)


@pytest.mark.slow
def test_overview_shows_health_budget_and_next_milestone(site):
    text = text_of(site / "northwind" / "index.html")
    assert "Last reported on 20 November 2026" in text
    assert "Overall Amber: Needs attention" in text
    assert "Budget Green: On track" in text
    assert "83,600 EUR of 148,000 EUR spent (56%), as of 20 November 2026" in text
    assert "Catalogue and CMS built (M4): planned for 13 November 2026, now forecast for " \
           "27 November 2026, 14 days later than planned. Overdue by 10 days" in \
           text.replace(" ,", ",")  # the text is read with a space after each element
    assert "Approved scope changes add 12,600 EUR" in text


@pytest.mark.slow
def test_waiting_page_lists_overdue_tasks_first_with_days(site):
    text = text_of(site / "northwind" / "waiting.html")
    t4 = text.index("Overdue by 10 days")
    t5 = text.index("Overdue by 3 days")
    assert t4 < t5 < text.index("Due in 4 days")
    assert "Deliverables awaiting your sign-off" in text
    assert re.search(r"D5\).*18 November 2026 5 days", text)
    assert "DR-005: Delivery zones and delivery fees" in text
    assert "11 days late" in text  # T2: due 18 September, done 29 September


@pytest.mark.slow
def test_roadmap_table_dates_against_plan_and_states(site):
    text = text_of(site / "northwind" / "roadmap.html")
    assert re.search(r"M2 Product catalogue structure agreed 25 Sep 2026 – 2 Oct 2026 7 days "
                     r"later Done", text.replace("\u00a0", " "))
    # Past its planned date: overdue, whatever the forecast says; the forecast apart.
    assert re.search(r"M4 Catalogue and CMS built 13 Nov 2026 27 Nov 2026 – 14 days later "
                     r"Overdue by 10 days", text.replace("\u00a0", " "))
    # Forecast after plan, planned date still ahead: at risk, not late.
    assert re.search(r"M5 Payments and checkout working in test mode 4 Dec 2026 18 Dec 2026 – "
                     r"14 days later At risk", text.replace("\u00a0", " "))
    assert "D5: awaiting your sign-off" in text and "Days late" not in text
    html = (site / "northwind" / "roadmap.html").read_text(encoding="utf-8")
    assert '<svg class="mp-timeline' in html
    assert "<desc id=\"mp-tl-desc\">" in html


@pytest.mark.slow
def test_superseded_decision_links_both_ways(site):
    old = text_of(site / "northwind" / "decisions" / "dr-002.html")
    new = text_of(site / "northwind" / "decisions" / "dr-004.html")
    assert "Superseded by DR-004" in old
    assert "Supersedes: DR-002" in new
    index = text_of(site / "northwind" / "decisions" / "index.html")
    assert "Superseded by DR-004" in index


@pytest.mark.slow
def test_signoff_history_shows_every_round(site):
    text = text_of(site / "northwind" / "signoffs.html")
    d3 = text[text.index("D3:"):]
    assert "Changes requested" in d3 and "Approved: version 1.1" in d3


@pytest.mark.slow
def test_change_totals_against_budget(site):
    text = text_of(site / "northwind" / "changes.html")
    assert "2 approved changes add 14 days of work and 12,600 EUR" in text
    assert "Budget with changes 160,600 EUR" in text


@pytest.mark.slow
def test_finished_client_reads_as_finished(site):
    text = text_of(site / "alder-and-finch" / "index.html")
    assert "All milestones are done." in text
    assert "Nothing is waiting on you right now." in text


@pytest.mark.slow
def test_glossary_terms_explained_on_hover(site):
    html = (site / "northwind" / "roadmap.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="Content management system[^"]*">CMS</abbr>', html)


@pytest.mark.slow
def test_older_updates_are_archived_by_month_not_in_the_nav(site):
    index = (site / "northwind" / "updates" / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-10.html"' in index
    october = text_of(site / "northwind" / "updates" / "2026-10.html")
    assert "23 October 2026" in october and "9 October 2026" in october
    nav = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"', index)
    assert not any("2026-10" in x for x in nav)


# --- pages of a small client, rendered to Markdown (no MkDocs) ------------------------------

def render_client(make_project, data, today: date = TODAY) -> dict[str, str]:
    """Page path -> Markdown of one client built from `data`, with Markdown's backslash
    escapes and the names of table cells' columns (shown on a phone only) removed, so
    assertions read like the page."""
    checked = check_projects(make_project({"acme": data}), today)
    assert not checked.failed, [p.text() for p in checked.problems]
    pages = render_pages(checked.projects[0], today)
    return {path: re.sub(r"\\(.)", r"\1", without_cell_names(text)) for path, text in pages.items()}


def without_cell_names(markdown: str) -> str:
    return re.sub(r'<span class="mp-cell" data-label="[^"]*"></span>', "", markdown)


def test_days_and_amounts_are_numbers_not_string_surgery(make_project):
    data = valid_data()
    data["changes.yml"][0].update(estimate={"days": 2.05, "cost": 1234.5},
                                  schedule_impact_days=1.025)
    changes = render_client(make_project, data)["changes.md"]
    assert "| 2.05 days | 1,234.50 EUR | +1.03 days |" in changes
    assert ("1 approved change adds 2.05 days of work and 1,234.50 EUR, and moves the "
            "schedule by 1.03 days.") in changes
    data["changes.yml"][0].update(estimate={"days": 1}, schedule_impact_days=1)
    changes = render_client(make_project, data)["changes.md"]
    assert "adds 1 day of work" in changes and "by 1 day." in changes


def test_overview_starts_with_the_project_summary_as_safe_markdown(make_project):
    data = valid_data()
    data["client.yml"]["summary"] = "A **new** website <script>alert(1)</script> for Acme."
    overview = render_pages(check_projects(make_project({"acme": data}), TODAY).projects[0],
                            TODAY)["index.md"]
    summary = overview.index('<div class="mp-rich">')
    assert summary < overview.index("## Status")
    assert "A <strong>new</strong> website &lt;script&gt;alert(1)&lt;/script&gt; for Acme." \
        in overview


def test_overview_shows_the_final_milestone_and_the_projects_end(make_project):
    data = valid_data()
    data["roadmap.yml"]["milestones"].append({
        "id": "M3", "title": "Launch", "planned": "2026-09-30", "forecast": "2026-10-07",
        "depends_on": ["M2"]})
    overview = render_client(make_project, data)["index.md"]
    final = overview[overview.index("## Final milestone"):]
    assert final.startswith("## Final milestone\n\n**Launch** (M3): planned for 30 September "
                            "2026, now forecast for **7 October 2026**, 7 days later than planned.\n"
                            '<span class="mp-badge mp-at-risk" data-search-exclude>')
    assert "The project is planned to end on 18 December 2026." in final
    data["roadmap.yml"]["milestones"].pop()
    overview = render_client(make_project, data)["index.md"]
    assert "## Final milestone\n\nThe next milestone is the final one." in overview


def _with_requested_changes() -> dict:
    data = valid_data()
    data["changes.yml"] += [
        {"id": "CR-2", "title": "Add a shop", "requested_by": "Cleo Client",
         "date": "2026-05-20", "status": "requested", "estimate": {"days": 6, "cost": 2500},
         "schedule_impact_days": 4},
        {"id": "CR-3", "title": "Add a map", "requested_by": "Pat Lee", "date": "2026-05-25",
         "status": "requested", "schedule_impact_days": 0},
        {"id": "CR-4", "title": "Add a quiz", "requested_by": "Pat Lee", "date": "2026-05-26",
         "status": "requested"},
    ]
    return data


def test_a_requested_change_is_a_decision_waiting_on_the_client(make_project):
    pages = render_client(make_project, _with_requested_changes())
    overview, waiting = pages["index.md"], pages["waiting.md"]
    assert "4 items need your attention." in overview  # T1 and the three change requests
    assert ("- Decide on change request [CR-2: Add a shop](changes.md): it costs 2,500 EUR "
            "and moves the schedule by 4 days") in overview
    assert ("- Change request [CR-2: Add a shop](changes.md), raised by Cleo Client on 20 May 2026: it costs "
            "2,500 EUR and moves the schedule by 4 days.") in waiting
    assert ("- Change request [CR-3: Add a map](changes.md), raised by Pat Lee on 25 May 2026: it does not "
            "move the schedule.") in waiting
    assert "- Change request [CR-4: Add a quiz](changes.md), raised by Pat Lee on 26 May 2026.\n" in waiting
    assert "No decision is waiting on you." not in waiting


def _parsed(feed: str):
    """The feed read back by the icalendar library, as a calendar app would read it."""
    import icalendar

    return icalendar.Calendar.from_ical(feed)


def _items(feed: str) -> dict[str, dict[str, str]]:
    """Each event and to-do by UID: its kind and every property as text."""
    return {str(c["UID"]): {"kind": c.name, **{k: c[k].to_ical().decode() for k in c}}
            for c in _parsed(feed).walk() if c.name in ("VEVENT", "VTODO")}


def test_a_requested_change_is_an_open_item_in_the_calendar(make_project):
    from generator.site.ical import calendar_ics

    checked = check_projects(make_project({"acme": _with_requested_changes()}), TODAY)
    items = _items(calendar_ics(checked.projects[0], TODAY))
    todo = items["acme-change-CR-2@milepost"]
    assert todo["kind"] == "VTODO" and todo["STATUS"] == "NEEDS-ACTION"
    assert todo["DTSTAMP"] == "20260601T000000Z" and todo["DTSTART"] == "20260520"
    assert todo["SUMMARY"] == "Your decision: Add a shop (CR-2)"
    assert _parsed(calendar_ics(checked.projects[0], TODAY)).walk("VTODO")[0][
        "DESCRIPTION"] == ("Change request raised by Cleo Client on 20 May 2026: it costs "
                           "2,500 EUR and moves the schedule by 4 days.")
    assert "acme-change-CR-1@milepost" not in items  # approved: nothing to decide

# --- derivations, on their own --------------------------------------------------------------

def _northwind():
    checked = check_projects(example_client("northwind"), date(2026, 11, 23))
    return checked.projects[0]


def test_overdue_counts_from_the_planned_date_and_the_forecast_is_apart():
    p = _northwind()
    m4 = next(m for m in p.milestones if m.id == "M4")  # planned 13 Nov, forecast 27 Nov
    assert (derive.days_overdue(m4, date(2026, 11, 10)), derive.plan_shift(m4)) == (0, 14)
    assert derive.days_overdue(m4, date(2026, 11, 23)) == 10
    assert derive.days_overdue(m4, date(2026, 12, 1)) == 18  # past its forecast too
    assert derive.milestone_state(m4, date(2026, 12, 1), set()).key == "late"
    m2 = next(m for m in p.milestones if m.id == "M2")  # done a week after its plan
    assert (derive.days_overdue(m2, date(2026, 12, 1)), derive.plan_shift(m2)) == (0, 7)


def test_a_milestone_past_its_planned_date_is_late_whatever_the_forecast_says():
    from generator.format import records as r

    today = date(2026, 11, 16)
    planned = date(2026, 11, 13)
    no_forecast = r.Milestone(id="M3", title="EHR integration", planned=planned)
    forecast = r.Milestone(id="M3", title="EHR integration", planned=planned,
                           forecast=date(2026, 12, 4))
    stale = r.Milestone(id="M3", title="EHR integration", planned=planned,
                        forecast=date(2026, 11, 14))
    def state(m: r.Milestone, today: date) -> wording.Worded:
        return wording.milestone_words(m, derive.milestone_state(m, today, set()))

    assert state(no_forecast, today).label == "Overdue by 3 days"
    late = state(forecast, today)
    assert (late.key, late.label, late.short) == ("late", "Overdue by 3 days",
                                                  "Overdue by 3 days")
    assert state(stale, today).label == (
        "Overdue by 3 days · its forecast (14 November 2026) has passed")
    assert state(stale, today).short == "Overdue by 3 days"
    assert wording.against_plan(stale, today) == "1 day later · forecast passed"
    ahead = state(forecast, date(2026, 11, 10))
    assert (ahead.key, ahead.label) == ("at-risk", "At risk: forecast 21 days after plan")


def test_a_date_against_plan_in_words():
    assert [wording.shift_words(n) for n in (14, 1, -3, 0)] == [
        "14 days later than planned", "1 day later than planned",
        "3 days earlier than planned", "as planned"]


# --- building ------------------------------------------------------------------------------

@pytest.mark.slow
def test_same_inputs_and_date_give_identical_sites(tmp_path, examples):
    for name in ("a", "b"):
        assert milepost("build", "--projects", str(examples), "--out", str(tmp_path / name), "--client",
                        "harbor-health", "--as-of", AS_OF).returncode == 0
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    differing: list[str] = []

    def walk(c, prefix=""):
        differing.extend(prefix + x for x in c.diff_files + c.left_only + c.right_only)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")
    walk(comparison)
    assert differing == []


@pytest.mark.slow
def test_a_broken_client_keeps_its_last_good_site(tmp_path):
    projects = tmp_path / "projects"
    shutil.copytree(example_client("harbor-health"), projects / "harbor-health")
    out = tmp_path / "site"
    assert milepost("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF,
                    cwd=tmp_path).returncode == 0
    before = (out / "harbor-health" / "index.html").read_bytes()
    client = projects / "harbor-health" / "client.yml"
    client.write_text(client.read_text(encoding="utf-8").replace("start:", "start: 2026-13-01\n#"),
                      encoding="utf-8")
    result = milepost("build", "--projects", "projects", "--out", "site", "--as-of", "2026-12-01",
                      cwd=tmp_path)
    assert result.returncode == 1
    assert "projects/harbor-health/client.yml:" in result.stderr
    assert "'2026-13-01' is not a real date" in result.stderr
    assert "error: not built: harbor-health" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "harbor-health" / "index.html").read_bytes() == before
    # no temporary leftovers (the theme's one shared copy is kept on purpose)
    assert [p.name for p in out.iterdir() if p.name != SHARED] == ["harbor-health"]


@pytest.mark.slow
def test_build_rejects_an_output_folder_inside_the_projects(tmp_path):
    (tmp_path / "projects").mkdir()
    result = milepost("build", "--projects", "projects", "--out", "projects/site", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: --out projects/site overlaps")


@pytest.mark.slow
def test_unknown_client_is_named(tmp_path, examples):
    result = milepost("build", "--projects", str(examples), "--out", str(tmp_path), "--client", "nope")
    assert result.returncode == 1
    assert "no client folder named nope" in result.stderr


# --- the calendar feed ----------------------------------------------------------------------

@pytest.mark.slow
def test_calendar_feed_has_public_dates_only(site):
    raw = (site / "northwind" / "calendar.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.decode("utf-8").split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    items = _items(raw.decode("utf-8"))
    m4 = items["northwind-milestone-M4@milepost"]
    assert (m4["DTSTAMP"], m4["DTSTART"]) == ("20261123T000000Z", "20261127")  # the forecast
    assert items["northwind-task-T4@milepost"]["SUMMARY"] == (
        "Your task: Sign the merchant contract with the new payment provider (T4)")
    assert "northwind-task-T1@milepost" not in items  # done tasks are not in the calendar
    text = raw.decode("utf-8").replace("\r\n ", "")
    assert "M8" not in text and "INTERNAL-ONLY" not in text


# Every UID the feed gave the example clients before it was written by the icalendar
# library: a subscribed calendar must see the same events, not new ones.
UIDS_BEFORE = {
    "alder-and-finch": [f"alder-and-finch-milestone-M{n}@milepost" for n in range(1, 8)],
    "harbor-health": [*(f"harbor-health-milestone-M{n}@milepost" for n in range(1, 7)),
                      "harbor-health-task-T2@milepost", "harbor-health-task-T3@milepost"],
    "northwind": [*(f"northwind-milestone-M{n}@milepost" for n in range(1, 8)),
                  *(f"northwind-task-T{n}@milepost" for n in range(4, 9)),
                  "northwind-change-CR-4@milepost"],
}


def test_the_example_clients_keep_their_event_uids(examples):
    from generator.site.ical import calendar_ics

    as_of = date(2026, 11, 23)
    checked = check_projects(examples, as_of)
    assert {p.slug: [str(c["UID"]) for c in _parsed(calendar_ics(p, as_of)).walk()
                     if "UID" in c] for p in checked.projects} == UIDS_BEFORE


def test_the_calendar_is_the_same_bytes_for_the_same_inputs_and_day():
    """DTSTAMP comes from "today" (--as-of, SOURCE_DATE_EPOCH), never from the clock."""
    from generator.site.ical import calendar_ics

    checked = check_projects(example_client("northwind"), date(2026, 11, 23))
    first = calendar_ics(checked.projects[0], date(2026, 11, 23))
    stamps = {line for line in first.split("\r\n") if line.startswith("DTSTAMP")}
    assert stamps == {"DTSTAMP:20261123T000000Z"}
    assert calendar_ics(checked.projects[0], date(2026, 11, 23)) == first
    assert calendar_ics(checked.projects[0], date(2026, 11, 24)) != first


def test_calendar_text_cannot_add_properties_or_events(make_project):
    """Line breaks, `;`, `,`, `:` and `\\` in any text that reaches the feed stay inside
    their own property: the parsed feed has exactly the events and properties we wrote.
    (A lone carriage return is refused by validation; YAML reads CRLF line ends as LF.)"""
    from generator.site.ical import calendar_ics

    hostile = "Title\nBEGIN:VEVENT\nUID:evil@x\nSUMMARY:x; y, z: w\\"
    data = _with_requested_changes()
    data["client.yml"]["project"] = hostile
    data["roadmap.yml"]["milestones"][0]["title"] = hostile
    data["roadmap.yml"]["client_tasks"][0]["title"] = hostile
    data["changes.yml"][-1]["title"] = hostile
    checked = check_projects(make_project({"acme": data}), TODAY)
    assert not checked.failed, checked.problems
    feed = calendar_ics(checked.projects[0], TODAY)
    cal = _parsed(feed)
    one_line = "Title BEGIN:VEVENT UID:evil@x SUMMARY:x; y, z: w\\"
    # The library reads an X- property back as written: it is escaped as RFC 5545 says.
    assert ("\r\nX-WR-CALNAME:Title BEGIN:VEVENT UID:evil@x SUMMARY:x\\; y\\, z: w\\\\\r\n"
            in feed.replace("\r\n ", ""))
    items = _items(feed)
    assert "evil@x" not in items and all(u.startswith("acme-") for u in items)
    summaries = [str(c["SUMMARY"]) for c in cal.walk() if "SUMMARY" in c]
    assert sum(one_line in s for s in summaries) == 3  # milestone, task, change request
    for component in cal.walk():
        assert set(component) <= {"VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME", "UID",
                                  "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION",
                                  "TRANSP", "STATUS"}
    unfolded = feed.replace("\r\n ", "").split("\r\n")
    project = checked.projects[0]
    assert unfolded.count("BEGIN:VEVENT") == len(cal.walk("VEVENT")) == (
        len(project.milestones) + sum(not t.done for t in project.client_tasks))
    assert all(line.split(":", 1)[0].split(";", 1)[0] in {
        "BEGIN", "END", *(name for c in cal.walk() for name in c)} for line in unfolded if line)


def test_the_hostile_fixture_gives_a_calendar_that_parses_to_its_own_events():
    from generator.site.ical import calendar_ics
    from tests.conftest import REPO

    checked = check_projects(REPO / "tests" / "fixtures", TODAY, ["hostile"])
    assert not checked.failed, checked.problems
    feed = calendar_ics(checked.projects[0], TODAY)
    cal = _parsed(feed)
    uids = [str(c["UID"]) for c in cal.walk() if "UID" in c]
    assert uids and all(re.fullmatch(r"hostile-(milestone|task|change)-[\w.-]+@milepost", u)
                        for u in uids)
    assert len(uids) == len(set(uids)) == feed.count("\r\nUID:")
    # Unfolded, every line is one of the properties we write: nothing from YAML began one.
    names = {line.split(":", 1)[0].split(";", 1)[0]
             for line in feed.replace("\r\n ", "").split("\r\n") if line}
    assert names <= {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME", "UID",
                     "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP",
                     "STATUS"}, names


# --- interrupted and killed builds ------------------------------------------------------------

def _wait_for(found, proc: subprocess.Popen) -> bool:
    """Poll until `found()` is true or the process has ended."""
    while proc.poll() is None:
        if found():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_ctrl_c_stops_a_parallel_build_at_once_and_keeps_the_last_good_sites(tmp_path):
    projects, out, tmp = tmp_path / "projects", tmp_path / "site", tmp_path / "tmp"
    for slug in ("northwind", "harbor-health", "alder-and-finch"):
        shutil.copytree(example_client(slug), projects / slug)
    tmp.mkdir()
    env = {**ENV, "TMPDIR": str(tmp)}
    assert milepost("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "2",
                    cwd=tmp_path).returncode == 0
    before = _tree_bytes(out)
    for _ in range(3):
        # Stopped as soon as the first two clients are building (a new date changes every
        # page): none has finished, and the third, still queued, must not start.
        # Ctrl+C in a terminal reaches the whole process group: the workers too.
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--projects", "projects", "--out", "site",
             "--as-of", "2026-12-01", "-j", "2"], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert _wait_for(lambda: any(out.glob(".*.building-*/mkdocs.yml")), proc)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)  # a hang guard, not a measurement
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("the build did not stop after Ctrl+C") from None
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert err == ("interrupted: stopped; every client not finished keeps its last good "
                       "site\n")
        assert _tree_bytes(out) == before  # and no scratch folder left
        assert list(tmp.iterdir()) == []


HOLD_A_LOCK = """\
import fcntl, os, sys, time
path = f"{sys.argv[1]}/.acme.building-p{os.getpid()}-abcdefgh"
os.mkdir(path)
fd = os.open(path, os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
if os.fork():
    os._exit(0)  # the process named in the folder ends; its child keeps the lock
print(os.getpid(), path, flush=True)
time.sleep(300)
"""


@pytest.mark.slow
def test_scratch_a_killed_build_left_is_removed_by_the_next_one(tmp_path):
    projects, out = tmp_path / "projects", tmp_path / "site"
    shutil.copytree(example_client("harbor-health"), projects / "harbor-health")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--projects", "projects", "--out",
                             "site", "--as-of", AS_OF, "-j", "1"], cwd=tmp_path, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _wait_for(lambda: any(out.glob(".harbor-health.building-*/mkdocs.yml")), proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (left,) = out.glob(".harbor-health.building-*")
    assert (left / "mkdocs.yml").is_file()
    # Another run's scratch that is still in use: its lock is held (by a process that is not
    # the one named in the folder, as when a pid is reused).
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_LOCK, str(out)],
                              stdout=subprocess.PIPE, text=True)
    child, shown = holder.stdout.readline().split(" ", 1)
    in_use = Path(shown.strip())
    holder.wait()
    try:
        done = milepost("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert not left.exists()
        assert in_use.is_dir()
        assert sorted(p.name for p in out.iterdir() if p.name != SHARED) == [
            in_use.name, "harbor-health"]
    finally:
        os.kill(int(child), signal.SIGKILL)


# --- MkDocs' own warnings: reported per client and page, errors under --strict -------------

BROKEN_LINK = ("acme: {severity}: MkDocs{version} (page team.md): Doc file 'team.md' contains a "
               "link 'nope.md', but the target is not found among documentation files; pages "
               "are made from the templates, so check those your repository's "
               "content/templates/ overrides")


@pytest.fixture
def broken_override(tmp_path: Path, make_project) -> Path:
    """A repository whose own team page template (content/templates/ overrides Milepost's
    file by file) links to a page that does not exist."""
    from generator.site.render import CONTENT

    projects = make_project({"acme": valid_files()})
    own = tmp_path / "content" / "templates"
    own.mkdir(parents=True)
    original = (CONTENT / "templates" / "team.md.j2").read_text(encoding="utf-8")
    (own / "team.md.j2").write_text(original + "\n[Our other page](nope.md)\n",
                                    encoding="utf-8")
    return projects


def test_an_override_folder_created_after_a_render_is_used_by_the_next(tmp_path, make_project):
    """`serve` runs for hours: content/templates/ made while it runs, and a template added
    to it later, count from the next rebuild (the templates were once kept per repository
    root, seeing neither)."""
    from generator.agency.render import agency_environment
    from generator.project.client import check_client_folder

    project, _ = check_client_folder(make_project({"acme": valid_files()}) / "acme",
                                     "projects", TODAY)
    assert project is not None
    assert "Our own team page" not in render_pages(project, TODAY, tmp_path)["team.md"]
    own = tmp_path / "content" / "templates"
    assert str(own) not in agency_environment(tmp_path).loader.searchpath
    own.mkdir(parents=True)
    (own / "team.md.j2").write_text("Our own team page\n", encoding="utf-8")
    pages = render_pages(project, TODAY, tmp_path)
    assert "Our own team page" in pages["team.md"]
    assert str(own) in agency_environment(tmp_path).loader.searchpath  # its macros too
    assert "Our own risks page" not in pages["risks.md"]
    (own / "risks.md.j2").write_text("Our own risks page\n", encoding="utf-8")
    pages = render_pages(project, TODAY, tmp_path)
    assert "Our own risks page" in pages["risks.md"]
    assert "Our own team page" in pages["team.md"]


@pytest.mark.slow
def test_mkdocs_warnings_are_reported_naming_the_client_and_the_page(broken_override, run_cli):
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "1")
    assert code == 0, err
    assert BROKEN_LINK.format(severity="warning", version="") in err.splitlines()
    assert "1 client checked: 0 errors, 1 warning" in err
    assert Path("site/acme/team.html").is_file()


@pytest.mark.slow
def test_strict_fails_a_client_mkdocs_warns_about_and_keeps_its_last_good_site(
        broken_override, tmp_path, run_cli):
    override = tmp_path / "content" / "templates" / "team.md.j2"
    broken = override.read_text(encoding="utf-8")
    override.write_text(broken.replace("[Our other page](nope.md)", ""), encoding="utf-8")
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "1",
                             "--strict")
    assert code == 0, err
    before = _tree_bytes(tmp_path / "site")
    override.write_text(broken, encoding="utf-8")
    os.utime(override, (time.time() + 5, time.time() + 5))  # Jinja reloads a newer template
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF, "-j", "1",
                             "--strict")
    assert code == 1
    assert BROKEN_LINK.format(severity="error", version="") in err.splitlines()
    assert "error: not built: acme (what was there before is unchanged)" in err
    assert "build failed" in out
    assert _tree_bytes(tmp_path / "site") == before


@pytest.mark.slow
def test_strict_publish_refuses_what_mkdocs_warns_about_in_any_version(broken_override,
                                                                       run_cli):
    code, out, err = run_cli("publish", "--projects", "projects", "--to", "public", "--as-of", AS_OF,
                             "-j", "1", "--strict")
    assert code == 1
    assert BROKEN_LINK.format(severity="error", version=" (version latest") \
        .replace("latest (page", "latest, page") in err.splitlines()
    assert not Path("public/acme").exists()
    code, out, err = run_cli("publish", "--projects", "projects", "--to", "public", "--as-of", AS_OF, "-j", "1")
    assert code == 0, err
    assert BROKEN_LINK.format(severity="warning", version=" (version latest") \
        .replace("latest (page", "latest, page") in err.splitlines()


@pytest.mark.slow
def test_strict_makes_validation_warnings_errors_too(make_project, run_cli):
    # The last open milestone is forecast after the project's end: a warning.
    make_project({"acme": valid_files(**{"client.yml": VALID_TEXT["client.yml"].replace(
        "end: 2026-12-18", "end: 2026-04-05")})})
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site", "--as-of", AS_OF)
    assert code == 0 and ": warning: " in err
    code, out, err = run_cli("build", "--projects", "projects", "--out", "site2", "--as-of", AS_OF,
                             "--strict")
    assert code == 1
    assert ": warning: " not in err and ": error: " in err
    assert "error: not built: acme" in err
    assert not Path("site2/acme").exists()


def _logger_state(names: list[str]) -> list[tuple]:
    """Level, propagation and handlers of the root logger and of the loggers named."""
    import logging

    loggers = [logging.getLogger(), *map(logging.getLogger, names)]
    return [(x.name, x.level, x.propagate, x.disabled, list(x.handlers)) for x in loggers]


@pytest.mark.slow
def test_a_build_leaves_the_logging_set_up_as_it_found_it(make_project, tmp_path):
    import logging

    import mkdocs.commands.build  # noqa: F401 (MkDocs makes its loggers as it is imported)

    from generator.project.client import check_client_folder
    from generator.site.build import BuildSettings, base_config_for, build_client

    project, _ = check_client_folder(make_project({"acme": valid_files()}) / "acme", "", TODAY)
    settings = BuildSettings(tmp_path / "site", TODAY, base_config_for(None), None)
    mkdocs_logger = logging.getLogger("mkdocs")
    saved = (mkdocs_logger.level, mkdocs_logger.propagate)
    # As a program that logs MkDocs' messages itself would have it.
    mkdocs_logger.setLevel(logging.INFO)
    mkdocs_logger.propagate = True
    try:
        names = sorted(n for n in logging.root.manager.loggerDict if n.startswith("mkdocs"))
        before = _logger_state(names)
        assert build_client(project, settings).ok
        assert _logger_state(names) == before
    finally:
        mkdocs_logger.setLevel(saved[0])
        mkdocs_logger.propagate = saved[1]


def test_a_decision_that_supersedes_several_lists_them_with_spaces(make_project):
    """The separator between superseded decisions is page text, not a value the escaping
    trims: 'DR-001 …, DR-002 …', never 'DR-001 …,DR-002 …'."""
    data = valid_data()
    for old in ("DR-002", "DR-003"):
        data[f"decisions/{old}.yml"] = {**data["decisions/DR-001.yml"], "id": old,
                                         "status": "superseded", "related": []}
    data["decisions/DR-001.yml"]["supersedes"] = ["DR-002", "DR-003"]
    page = render_client(make_project, data)["decisions/dr-001.md"]
    line = next(x for x in page.splitlines() if x.startswith("- Supersedes: "))
    assert "), [DR-003" in line, line


@pytest.mark.slow
def test_compiled_templates_are_reused_and_an_edited_template_is_compiled_anew(tmp_path: Path):
    """The theme's templates are compiled once per process; a template edited between two
    builds (a repository's override, while `serve` runs) shows its new text."""
    from generator.site.build import run_mkdocs
    from generator.site.compiled import COMPILED

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    override = tmp_path / "overrides" / "main.html"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")
    page = tmp_path / "site" / "index.html"
    override.write_text('{% extends "base.html" %}{% block content %}FIRST{% endblock %}')
    run_mkdocs(tmp_path / "mkdocs.yml")
    assert "FIRST" in page.read_text("utf-8")
    compiled = len(COMPILED.compiled)
    assert compiled > 5  # Material's templates, kept
    override.write_text('{% extends "base.html" %}{% block content %}SECOND{% endblock %}')
    run_mkdocs(tmp_path / "mkdocs.yml")
    assert "SECOND" in page.read_text("utf-8") and "FIRST" not in page.read_text("utf-8")
