"""The agency's view (`build --agency`): figures checked against the records, and the
client sites untouched by it.

The example clients are built twice through the real command line, with and without
`--agency`; the portfolio's cells are read back from the built page and compared with
figures computed here, from the YAML itself, independently of Milepost's code.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.site.output import SHARED
from generator.site.views.shared import Badge
from tests.conftest import EXAMPLE_CLIENTS, example_client, table_rows, valid_data
from tests.conftest import TODAY as JUNE_1

# Every test here builds sites with the real CLI or MkDocs.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
TODAY = date.fromisoformat(AS_OF)
MINUS = "\u2212"


def build(projects: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "generator", "build", str(projects), "--out",
                           str(out), "--as-of", AS_OF, *extra], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def builds(example_sites: Path, example_sites_with_agency: Path) -> tuple[Path, Path]:
    """The example clients built without and with --agency (conftest builds each once)."""
    return example_sites, example_sites_with_agency


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- confidential by construction ------------------------------------------------------------

def test_client_sites_are_the_same_bytes_with_or_without_agency(builds):
    plain, agency = builds
    assert sorted(p.name for p in agency.iterdir()) == sorted(
        [*(p.name for p in plain.iterdir()), "_agency"])
    for folder in sorted(plain.iterdir()):
        if folder.name == SHARED:  # the theme's one copy, which the agency's pages share too
            continue
        before, after = files_of(folder), files_of(agency / folder.name)
        assert sorted(before) == sorted(after), folder.name
        changed = [rel for rel in before if before[rel] != after[rel]]
        assert changed == [], f"{folder.name}: {changed}"


def test_no_client_file_names_or_links_the_agency_site(builds):
    _, agency = builds
    for folder in sorted(agency.iterdir()):
        if folder.name == "_agency":
            continue
        hits = [rel for rel, data in files_of(folder).items()
                if b"_agency" in data or "_agency" in rel]
        assert hits == [], f"{folder.name}: {hits}"


def test_the_agency_site_is_written_beside_the_clients_never_inside(builds):
    _, agency = builds
    site = agency / "_agency"
    assert (site / "index.html").is_file() and (site / "across.html").is_file()
    assert not (site / ".milepost-layout").exists()  # never taken for a gone client
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    for page in site.rglob("*.html"):
        assert '<meta name="robots" content="noindex">' in page.read_text("utf-8"), page


# --- the agency's copy of each client's site --------------------------------------------------

BOX = re.compile(r'\n<div class="admonition danger mp-held-back" id="mp-held-back">\n.*?</div>\n',
                 re.S)


def client_folders(out: Path) -> list[Path]:
    return [p for p in sorted(out.iterdir()) if p.is_dir() and p.name not in ("_agency", SHARED)]


def test_each_copy_is_the_client_site_with_one_box_on_every_page(builds):
    _, agency = builds
    for folder in client_folders(agency):
        copy = agency / "_agency" / "sites" / folder.name
        mine, theirs = files_of(folder), files_of(copy)
        assert sorted(theirs) == sorted(r for r in mine if not r.startswith(".")), folder.name
        for rel, data in mine.items():
            if rel.endswith(".html"):
                page = theirs[rel].decode("utf-8")
                assert len(BOX.findall(page)) == 1, (folder.name, rel)
                assert BOX.sub("\n", page, count=1) == data.decode("utf-8"), (folder.name, rel)
            elif rel != "search/search_index.json" and not rel.startswith("."):
                assert theirs[rel] == data, (folder.name, rel)


def _internal_texts(node: Any) -> list[str]:
    """Every text of the examples' YAML marked INTERNAL-ONLY (notes and internal records)."""
    if isinstance(node, dict):
        return [t for v in node.values() for t in _internal_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _internal_texts(v)]
    return [" ".join(node.split())] if isinstance(node, str) and "INTERNAL-ONLY" in node else []


def _box_text(page: Path) -> str:
    found = BOX.search(page.read_text("utf-8"))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()) if found \
        else ""


def test_everything_held_back_stands_in_a_box_of_the_copy_and_nowhere_else(builds):
    _, agency = builds
    checked = 0
    for folder in client_folders(agency):
        texts = [t for f in sorted(example_client(folder.name).rglob("*.yml"))
                 for t in _internal_texts(load(f))]
        copy = agency / "_agency" / "sites" / folder.name
        boxes = " ".join(_box_text(p) for p in sorted(copy.rglob("*.html")))
        for text in texts:
            assert text in boxes, (folder.name, text)
            checked += 1
        shown = b" ".join(files_of(folder).values())
        assert b"INTERNAL-ONLY" not in shown, folder.name
    assert checked >= 10  # the examples hold internal records and notes of many kinds


def test_a_decision_note_stands_on_the_decision_page(builds):
    _, agency = builds
    copy = agency / "_agency" / "sites" / "northwind"
    assert "We under-quoted CR-3" in _box_text(copy / "decisions" / "dr-004.html")
    assert "We under-quoted CR-3" not in _box_text(copy / "decisions" / "index.html")
    assert "Nothing on this page is held back" in _box_text(copy / "decisions" / "dr-001.html")


def test_the_copy_never_writes_through_to_a_client_file(builds):
    """The copy is hard links where it can: what it changes must be new files."""
    _, agency = builds
    for folder in client_folders(agency):
        copy = agency / "_agency" / "sites" / folder.name
        for page in folder.rglob("*"):
            rel = page.relative_to(folder)
            if page.is_file() and not rel.name.startswith(".") and \
                    (copy / rel).read_bytes() != page.read_bytes():
                assert (copy / rel).stat().st_ino != page.stat().st_ino, rel


def test_the_box_is_escaped_and_found_by_the_copy_search(make_project, tmp_path: Path):
    import json

    data = valid_data()
    data["roadmap.yml"]["milestones"][0]["internal_notes"] = (
        "<img src=x onerror=alert(1)> & {{ 7*7 }}\nsecond line")
    projects = make_project({"acme": data})
    build(projects, tmp_path / "out", "--agency")
    copy = tmp_path / "out" / "_agency" / "sites" / "acme"
    page = (copy / "roadmap.html").read_text("utf-8")
    box = BOX.search(page)
    assert box and "<img" not in box.group(0) and "onerror" in box.group(0)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; {{ 7*7 }}<br>second line" in box.group(0)
    index = json.loads((copy / "search" / "search_index.json").read_text("utf-8"))
    entry = next(d for d in index["docs"] if d["location"] == "roadmap.html#mp-held-back")
    assert "&lt;img src=x" in entry["text"] and "<" not in entry["text"] + entry["title"]
    assert "<img" not in (tmp_path / "out" / "acme" / "roadmap.html").read_text("utf-8")
    # the agency's page on the client lists it too, escaped, its line break kept
    listed = (tmp_path / "out" / "_agency" / "clients" / "acme.html").read_text("utf-8")
    assert "<img" not in listed and "onerror=alert(1)&gt; &amp; {{ 7*7 }}<br>second line" in listed


# --- the portfolio against the records ----------------------------------------------------

def portfolio_rows(site: Path) -> dict[str, dict[str, str]]:
    header, *rows = table_rows(site / "index.html")
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8")) if path.is_file() else None


def whole_percent(share: float) -> str:
    return f"{Decimal(str(share * 100)).quantize(Decimal(1), ROUND_HALF_UP)}%"


def signed(n: int) -> str:
    return "0" if n == 0 else f"+{n}" if n > 0 else f"{MINUS}{-n}"


def plural_days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


@dataclass
class Expected:
    next_id: str | None
    next_overdue: int  # days the next milestone is past its planned date
    next_shift: int    # days from its planned date to its forecast
    overdue: list[int]
    signoff_waits: list[int]
    changes_waiting: list[int]
    spent: str | None
    elapsed: str | None
    last_update: date | None


def expected(folder: Path, today: date) -> Expected:
    """The figures the issue names, straight from a client's YAML (every record counts)."""
    client = load(folder / "client.yml")
    roadmap = load(folder / "roadmap.yml") or {}
    milestones = roadmap.get("milestones", [])
    open_ones = [m for m in milestones if not m.get("done")]
    nxt = min(open_ones, key=lambda m: (m.get("forecast") or m["planned"], m["planned"]),
              default=None)
    next_overdue = max((today - nxt["planned"]).days, 0) if nxt else 0
    next_shift = ((nxt.get("forecast") or nxt["planned"]) - nxt["planned"]).days if nxt else 0
    tasks = sorted(((today - t["due"]).days for t in roadmap.get("client_tasks", [])
                    if not t.get("done") and t["due"] < today), reverse=True)
    answers = load(folder / "signoffs.yml") or []
    waits = []
    for m in milestones:
        for d in m.get("deliverables", []):
            if not d.get("signoff"):
                continue
            history = [s for s in answers if s["deliverable"] == d["id"]]
            last = history[-1] if history else None
            handed = d.get("delivered") or (m.get("done") if not history else None)
            if last and last["outcome"] == "approved":
                continue
            if handed and (last is None or handed > last["date"]):
                waits.append((today - handed).days)
    changes = sorted(((today - x["date"]).days for x in load(folder / "changes.yml") or []
                      if x["status"] == "requested"), reverse=True)
    budget, end = client.get("budget"), client.get("end") or max(
        (m["planned"] for m in milestones), default=None)
    spent = elapsed = None
    if budget and budget["total"] and end:
        on = budget.get("as_of") or today
        spent = whole_percent(budget.get("spent", 0) / budget["total"])
        share = (on - client["start"]).days / (end - client["start"]).days
        elapsed = whole_percent(min(max(share, 0), 1))
    updates = [load(p)["date"] for p in sorted((folder / "updates").glob("*.yml"))]
    return Expected(nxt["id"] if nxt else None, next_overdue, next_shift, tasks, sorted(waits, reverse=True),
                    changes, spent, elapsed, max(updates, default=None))


def short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"  # cells are read with spaces made plain


def test_the_portfolio_figures_match_the_records(builds):
    _, agency = builds
    rows = portfolio_rows(agency / "_agency")
    names = {load(p / "client.yml")["name"]: p for p in map(example_client, EXAMPLE_CLIENTS)}
    assert sorted(rows) == sorted(names)
    checked_waits = 0
    for name, folder in names.items():
        row, want = rows[name], expected(folder, TODAY)
        assert row["Next milestone"].startswith(f"{want.next_id}: ") if want.next_id else \
            row["Next milestone"] == "–", name
        assert row["Forecast against plan"] == (f"{signed(want.next_shift)} days" if want.next_id
                                                else "–"), name
        assert ((f"Overdue by {plural_days(want.next_overdue)}" in row["Next milestone"])
                == bool(want.next_overdue)), name
        overdue = str(len(want.overdue)) + (
            f" (oldest {plural_days(want.overdue[0])})" if want.overdue else "")
        assert row["Overdue tasks"] == overdue, name
        assert row["Sign-offs waiting"] == str(len(want.signoff_waits)), name
        assert row["Longest wait"] == (plural_days(want.signoff_waits[0])
                                       if want.signoff_waits else "–"), name
        checked_waits += len(want.signoff_waits)
        changes = str(len(want.changes_waiting)) + (
            f" (oldest {plural_days(want.changes_waiting[0])})" if want.changes_waiting else "")
        assert row["Changes waiting"] == changes, name
        assert row["Budget spent"].split(" ")[0] == (want.spent or "–"), name
        assert row["Time elapsed"] == (want.elapsed or "–"), name
        faster = want.spent and float(want.spent[:-1]) - float(want.elapsed[:-1]) > 10
        assert ("faster than time" in row["Budget spent"]) == bool(faster), name
        assert row["Last update"].startswith(short(want.last_update)), name
    # the examples hold something of each kind, or the comparisons above prove little
    everything = [expected(f, TODAY) for f in names.values()]
    assert checked_waits and any(e.overdue for e in everything)
    assert any(e.changes_waiting for e in everything) and any(e.next_shift for e in everything)
    assert any(e.next_overdue for e in everything)


def test_a_client_not_updated_for_two_weeks_is_flagged(builds, examples: Path, tmp_path: Path):
    _, agency = builds
    later = date(2026, 12, 8)  # 18 days after the examples' last updates
    assert all(expected(f, TODAY).last_update >= date(2026, 11, 20)
               for f in map(example_client, EXAMPLE_CLIENTS))
    rows = portfolio_rows(agency / "_agency")
    assert not any("No update for" in r["Last update"] for r in rows.values())
    out = tmp_path / "later"
    subprocess.run([sys.executable, "-m", "generator", "build", str(examples), "--out",
                    str(out), "--as-of", later.isoformat(), "--agency", "--client",
                    "northwind"], cwd=REPO, capture_output=True, text=True, timeout=300,
                   check=True)
    rows = portfolio_rows(out / "_agency")
    assert all("No update for 18 days" in r["Last update"] for r in rows.values()), rows
    # only northwind was built into this folder: the others have no site to copy
    copies = out / "_agency" / "sites"
    assert sorted(p.name for p in copies.iterdir()) == ["northwind"]
    assert "made no copy" in (out / "_agency" / "clients" / "harbor-health.html").read_text()


# --- pure figures on small projects -------------------------------------------------------

def agency_client(make_project, data: dict[str, Any], slug: str = "acme"):
    from generator.agency.full import read_agency_client

    projects = make_project({slug: data})
    c = read_agency_client(projects / slug, "projects", JUNE_1)
    assert c is not None
    return c


def test_burn_compares_the_spent_share_with_the_time_gone_by(make_project):
    from generator.agency.portfolio import row

    data = valid_data()  # start 2026-01-05, end 2026-12-18, 12,000 of 48,000 on 2026-03-01
    x = row(agency_client(make_project, data), JUNE_1)
    assert x.burn.spent == 0.25
    assert x.burn.elapsed == pytest.approx(55 / 347)
    # 9 points ahead of the time: within the tolerance, not flagged
    assert not x.burn.faster and x.burn.words == "25% spent, 16% of the time"
    data["client.yml"]["budget"]["spent"] = 18000  # 38%: 22 points ahead
    assert row(agency_client(make_project, data, "other"), JUNE_1).burn.faster


def test_the_figures_count_internal_records_and_say_so(make_project):
    from generator.agency.portfolio import overdue_tasks, row

    data = valid_data()
    data["roadmap.yml"]["client_tasks"].append({
        "id": "T9", "title": "Private chaser", "owner": "Cleo Client", "due": date(2026, 5, 1),
        "internal": True})
    c = agency_client(make_project, data)
    assert [t.id for t in c.public.client_tasks] == ["T1"]  # what the client sees
    x = row(c, JUNE_1)
    assert x.overdue_tasks == 2 and x.oldest_overdue == (JUNE_1 - date(2026, 3, 1)).days
    items = overdue_tasks([c], JUNE_1)
    assert [(i.what, i.internal, i.days) for i in items] == [
        ("T1: Send brand assets", False, 92), ("T9: Private chaser", True, 31)]


def test_trend_and_stale_come_from_the_last_updates(make_project):
    from generator.agency.portfolio import row
    from generator.agency.views import stale_words, trend_word

    data = valid_data()
    data["updates/2026-05-25.yml"] = {"date": date(2026, 5, 25), "overall": "red"}
    x = row(agency_client(make_project, data), JUNE_1)
    assert x.trend == ("green", "red") and trend_word(x.trend) == "worse"
    assert x.days_since_update == 7 and not x.stale and stale_words(x) == ""
    del data["updates/2026-05-25.yml"]
    x = row(agency_client(make_project, data, "other"), JUNE_1)
    assert x.stale and stale_words(x) == "No update for 91 days"


def test_every_internal_note_is_kept_with_the_record_it_is_on(make_project):
    data = valid_data()
    data["roadmap.yml"]["milestones"][1]["deliverables"][0]["internal_notes"] = "Margin thin"
    data["client.yml"]["glossary"]["internal_notes"] = "Terms to avoid"
    c = agency_client(make_project, data)
    notes = {(n.file, n.path, n.about, n.page, n.text) for n in c.notes}
    assert notes == {
        ("roadmap.yml", "milestones[1].deliverables[0]", "Deliverable D2: Visual design",
         "Sign-offs", "Margin thin"),
        ("client.yml", "glossary", "Glossary", "Glossary", "Terms to avoid")}


# --- serve --agency and publish --agency ------------------------------------------------------

def test_serve_agency_previews_every_client_and_rebuilds_on_change(tmp_path: Path):
    import os
    import shutil

    from tests.test_serve import fetch, free_port, wait_for

    for slug in ("harbor-health", "northwind"):
        shutil.copytree(example_client(slug), tmp_path / "projects" / slug)
    client = tmp_path / "projects" / "harbor-health" / "client.yml"
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--agency", "--port",
                             str(port), "--as-of", AS_OF], cwd=tmp_path,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/_agency/index.html"
    try:
        assert wait_for(lambda: "Northwind Bakery" in fetch(url)), (tmp_path / "serve.log").read_text()
        assert "Harbor Health Clinics" in fetch(url)
        # the Portfolio's link to a client's own site, and the agency's copy of it, work
        assert "Northwind Bakery" in fetch(f"http://127.0.0.1:{port}/northwind/index.html")
        assert "mp-held-back" in fetch(f"http://127.0.0.1:{port}/_agency/sites/northwind/risks.html")
        text = client.read_text(encoding="utf-8")
        client.write_text(text.replace("name: Harbor Health Clinics", "name: Harbor Care"),
                          encoding="utf-8")
        assert wait_for(lambda: "Harbor Care" in fetch(url)), (tmp_path / "serve.log").read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_serve_needs_a_client_or_agency(run_cli):
    code, _, err = run_cli("serve")
    assert code == 1 and "a client's SLUG, or --agency" in err
    code, _, err = run_cli("serve", "acme", "--agency")
    assert code == 1 and "give SLUG (acme) or --agency, not both" in err


def test_publish_agency_puts_it_beside_the_clients_and_prune_leaves_it(tmp_path: Path):
    import shutil

    projects = tmp_path / "projects"
    for slug in ("harbor-health", "alder-and-finch"):
        shutil.copytree(example_client(slug), projects / slug)
    to = tmp_path / "public"
    args = [sys.executable, "-m", "generator", "publish", str(projects), "--to", str(to),
            "--as-of", AS_OF, "--agency", "--prune"]
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (to / "_agency" / "index.html").is_file()
    portfolio = (to / "_agency" / "index.html").read_text("utf-8")
    assert 'href="../harbor-health/latest/index.html"' in portfolio  # versioned sites
    assert (to / "harbor-health" / "latest" / "index.html").is_file()
    # the copy keeps the versioned layout (the selector reads versions.json); the boxes are
    # on the current pages
    copy = to / "_agency" / "sites" / "harbor-health"
    assert (copy / "versions.json").read_bytes() == (to / "harbor-health" / "versions.json"
                                                     ).read_bytes()
    assert "Risk R4" in _box_text(copy / "latest" / "risks.html")
    client_page = (to / "_agency" / "clients" / "harbor-health.html").read_text("utf-8")
    assert 'href="../sites/harbor-health/latest/risks.html#mp-held-back"' in client_page
    shutil.rmtree(projects / "alder-and-finch")
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (to / "alder-and-finch").exists() and (to / "_agency").is_dir()
    assert "Alder" not in (to / "_agency" / "index.html").read_text("utf-8")


def test_milestones_that_slipped_since_the_last_version_are_listed(tmp_path: Path):
    from tests.conftest import VALID_TEXT
    from tests.test_versions import git

    repo = tmp_path / "repo"
    folder = repo / "projects" / "acme"
    folder.mkdir(parents=True)
    for name in ("client.yml", "roadmap.yml"):
        (folder / name).write_text(VALID_TEXT[name], encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plan", day="2026-03-01")
    git(repo, "tag", "-a", "acme/v1", "-m", "Signed plan", day="2026-03-01")
    roadmap = folder / "roadmap.yml"  # M2: forecast 10 April in v1, now 24 April
    roadmap.write_text(VALID_TEXT["roadmap.yml"].replace("forecast: 2026-04-10",
                                                         "forecast: 2026-04-24"))
    git(repo, "commit", "-qam", "M2 moved", day="2026-03-05")
    git(repo, "tag", "-a", "acme/v2", "-m", "Moved", day="2026-03-05")
    roadmap.write_text(VALID_TEXT["roadmap.yml"].replace("forecast: 2026-04-10",
                                                         "forecast: 2026-05-04"))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "projects", "--out",
                           "site", "--as-of", "2026-03-10", "--agency"], cwd=repo,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    page = html.unescape((repo / "site" / "_agency" / "across.html").read_text("utf-8"))
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert ("M2: Design 24 Apr 2026 (v2) 4 May 2026 10 days forecast 10 Apr 2026 in v1; "
            "forecast 24 Apr 2026 in v2; forecast 4 May 2026 in latest") in text, text


# --- the box's words ---------------------------------------------------------------------------

def test_the_box_says_is_for_one_item_held_back_and_are_for_more(make_project):
    from generator.agency.copies import box_view

    data = valid_data()
    data["risks.yml"] = [{"id": "R9", "title": "Margin", "likelihood": "low", "impact": "low",
                          "owner": "Pat Lee", "status": "open", "internal": True,
                          "internal_notes": "Thin"}]
    c = agency_client(make_project, data)
    held, notes = list(c.held), list(c.notes)
    assert (len(held), len(notes)) == (1, 1)

    def says(h: list, n: list) -> str:
        return box_view(c, "risks.html", h, n, "../").says.removeprefix(
            "Acme & Co sees this page without this box: ")

    assert says(held, []) == "1 internal record belonging here is held back from their site."
    assert says([], notes) == "1 internal note belonging here is held back from their site."
    assert says(held * 2, []) == ("2 internal records belonging here are held back from "
                                  "their site.")
    assert says(held, notes) == ("1 internal record and 1 internal note belonging here are "
                                 "held back from their site.")


def test_the_box_names_a_client_ending_in_s_with_the_apostrophe_alone(make_project):
    """Before: "the agency's copy of Crumb & Co Bakeries's site"."""
    from generator.agency.copies import box_view, version_box_view

    data = valid_data()
    data["client.yml"]["name"] = "Crumb & Co Bakeries"
    c = agency_client(make_project, data)
    title = "Internal: the agency's copy of Crumb & Co Bakeries' site"
    assert box_view(c, "risks.html", [], [], "../").title == title
    assert version_box_view(c, "v1", "risks.html", "risks.html", "../").title == title


# --- MkDocs' warnings on the agency's site -----------------------------------------------------

def test_mkdocs_warnings_on_the_agency_site_are_shown_and_strict_holds_it_back(tmp_path: Path):
    from tests.conftest import write_client

    projects = tmp_path / "projects"
    write_client(projects / "acme", valid_data())
    # a repository's own macros with a broken link: every page using link_to warns
    macros = (REPO / "content" / "templates" / "_macros.md.j2").read_text(encoding="utf-8")
    own = tmp_path / "content" / "templates" / "_macros.md.j2"
    own.parent.mkdir(parents=True)
    own.write_text(macros.replace("{{ link(to.text, to.url) }}",
                                  "{{ link(to.text, to.url) }} [more](nowhere.md)"), "utf-8")

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "generator", "build", str(projects),
                               "--out", str(tmp_path / "site"), "--as-of", AS_OF, "--agency",
                               *extra], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)

    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("_agency: ")]
    assert ours and all(line.startswith("_agency: warning: MkDocs (page ") and "nowhere.md"
                        in line for line in ours), done.stderr
    # its links to the copies and to the client sites are made on purpose: never a warning
    assert not [line for line in ours if "sites/" in line or "'../" in line]
    assert (tmp_path / "site" / "_agency" / "index.html").is_file()

    (tmp_path / "site" / "_agency" / "index.html").write_text("last good", "utf-8")
    held = run("--strict")
    assert held.returncode == 1
    assert "_agency: error: MkDocs (page index.md)" in held.stderr
    assert re.search(r"^_agency +0 +[\d.]+ +build failed$", held.stdout, re.M), held.stdout
    assert (tmp_path / "site" / "_agency" / "index.html").read_text("utf-8") == "last good"


# --- layouts, versions and a copy that cannot be made ------------------------------------------

def _tagged_repo(repo: Path, slugs: tuple[str, ...]) -> None:
    from tests.conftest import VALID_TEXT
    from tests.test_versions import git

    for slug in slugs:
        folder = repo / "projects" / slug
        folder.mkdir(parents=True)
        for name in ("client.yml", "roadmap.yml"):
            (folder / name).write_text(VALID_TEXT[name], encoding="utf-8")
        (folder / "client.yml").write_text(VALID_TEXT["client.yml"] + (
            "internal_notes: Held back from " + slug + "\n"), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plan", day="2026-03-01")
    for slug in slugs:
        git(repo, "tag", "-a", f"{slug}/v1", "-m", "Signed plan", day="2026-03-01")


def _milepost(repo: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", *args, "--as-of", "2026-03-10"],
                          cwd=repo, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_client_is_linked_in_the_layout_its_own_site_has(tmp_path: Path):
    """A plain build, then one client built with its versions: each link follows the site
    it leads to, not the last run's mode."""
    repo = tmp_path / "repo"
    _tagged_repo(repo, ("a", "b"))
    _milepost(repo, "build", "projects", "--out", "site", "--agency")
    _milepost(repo, "build", "projects", "--out", "site", "--agency", "--versions",
              "--client", "a")
    agency = repo / "site" / "_agency"
    portfolio = (agency / "index.html").read_text("utf-8")
    assert 'href="../a/latest/index.html"' in portfolio
    assert 'href="../b/index.html"' in portfolio
    assert 'href="../sites/b/index.html#mp-held-back"' in (agency / "clients" / "b.html").read_text()
    assert 'href="../sites/a/latest/index.html#mp-held-back"' in (
        agency / "clients" / "a.html").read_text()
    for href in re.findall(r'href="([^"#?]+)', portfolio):
        if not href.startswith(("http", "mailto")):
            assert (agency / href).resolve().exists(), href


def test_an_earlier_version_in_the_copy_says_what_it_is(tmp_path: Path):
    repo = tmp_path / "repo"
    _tagged_repo(repo, ("a",))
    _milepost(repo, "build", "projects", "--out", "site", "--agency", "--versions")
    copy = repo / "site" / "_agency" / "sites" / "a"
    page = (copy / "v1" / "roadmap.html").read_text("utf-8")
    box = BOX.search(page)
    assert box and "This is v1, as Acme &amp; Co saw it" in box.group(0)
    assert 'href="../latest/roadmap.html">This page now' in box.group(0)
    assert "Held back from a" not in page  # only the current pages list what is held back
    assert "Held back from a" in _box_text(copy / "latest" / "index.html")
    # the folder's own index.html is a redirect, not a page: left as it is
    assert (copy / "index.html").read_bytes() == (repo / "site" / "a" / "index.html").read_bytes()


def test_a_copy_that_cannot_be_made_leaves_the_client_and_says_why(make_project, tmp_path: Path):
    from generator.agency.build import part_of
    from generator.agency.views import COPIES

    c = agency_client(make_project, valid_data())
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><main>no Material article</main></body></html>")
    work = tmp_path / "work"
    (work / COPIES).mkdir(parents=True)
    part = part_of(c, site, True, work, tmp_path, versioned=False)
    assert not part.copied and "no Material content area" in part.trouble
    assert not (work / COPIES / c.slug).exists()  # no half copy


def test_health_from_an_internal_update_is_marked_internal(make_project):
    from generator.agency import views
    from generator.agency.portfolio import row

    data = valid_data()
    data["updates/2026-05-25.yml"] = {"date": date(2026, 5, 25), "overall": "red",
                                      "internal": True}
    c = agency_client(make_project, data)
    x = row(c, JUNE_1)
    assert x.health == "red" and x.health_internal
    assert views.portfolio_row(x, False).health_internal
    del data["updates/2026-05-25.yml"]
    assert not row(agency_client(make_project, data, "other"), JUNE_1).health_internal


def test_fields_left_at_their_defaults_are_not_listed_as_written(make_project):
    from generator.agency.full import field_texts
    from generator.format import records as r

    data = valid_data()
    data["client.yml"]["team"].append({"name": "Ina Side", "side": "team", "role": "Finance",
                                       "email": "ina@agency.example", "internal": True})
    c = agency_client(make_project, data)
    ina = next(x for x in c.full.client.team if x.name == "Ina Side")
    names = [name for name, _ in field_texts(ina)]
    assert names == ["name", "side", "role", "email"], names
    assert isinstance(ina, r.Contact)


def test_the_next_milestone_is_overdue_only_past_its_planned_date(make_project):
    """Issue 17, item 8: a forecast four weeks after a plan still ahead is a warning, said as
    '+28 days' against plan, never as lateness; past its planned date it is overdue."""
    from generator.agency.portfolio import row
    from generator.agency.views import portfolio_row

    data = valid_data()  # M2 planned 1 April, forecast 10 April
    data["roadmap.yml"]["milestones"][1].update(planned=date(2026, 6, 18),
                                                forecast=date(2026, 7, 16))
    x = row(agency_client(make_project, data), JUNE_1)
    shown = portfolio_row(x, versioned=False)
    assert (x.overdue, x.shift, shown.against_plan) == (0, 28, "+28 days")
    assert shown.next_state == Badge("at-risk", "At risk")
    data["roadmap.yml"]["milestones"][1].update(planned=date(2026, 5, 27))
    shown = portfolio_row(row(agency_client(make_project, data, "other"), JUNE_1), False)
    assert (shown.against_plan, shown.next_state) == ("+50 days",
                                                      Badge("late", "Overdue by 5 days"))
