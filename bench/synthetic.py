"""Deterministic synthetic clients for the benchmark: realistic-looking, generated records.

One engagement year holds 15 milestones (with deliverables, a few slipped forecasts), 40
decisions (some superseding earlier ones), 52 weekly updates, 60 sign-offs, 20 client tasks,
15 change requests and 20 risks; a longer engagement scales every record list by its years.
The team (8 people) and glossary (12 terms) stay the same size. The same seed always gives
the same files, so runs compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

PER_YEAR = {
    "milestones": 15, "decisions": 40, "updates": 52, "signoffs": 60,
    "tasks": 20, "changes": 15, "risks": 20,
}
WEEK = timedelta(days=7)

# --- word banks --------------------------------------------------------------------------

FIRST = ["Lena", "Tomás", "Aiko", "Marco", "Sophie", "Daniel", "Priya", "Jonas", "Hannah",
         "Oliver", "Grace", "Samir", "Ines", "Kofi", "Mira", "Felix", "Ruth", "Emeka",
         "Clara", "Yusuf", "Nora", "Pablo", "Ingrid", "Theo"]
LAST = ["Hoffmann", "Rivera", "Tanaka", "Bauer", "Wagner", "Krüger", "Nair", "Weber",
        "Price", "Grant", "Mensah", "Haddad", "Lindqvist", "Osei", "Novak", "Brandt",
        "Okafor", "Moreau", "Duarte", "Keller", "Sato", "Ferreira", "Quinn", "Ward"]
COMPANY_A = ["Northwind", "Harbor", "Alder", "Bluebell", "Cobalt", "Fenwick", "Granite",
             "Juniper", "Kestrel", "Larkspur", "Meridian", "Oakridge", "Pinecrest", "Quayside",
             "Redfern", "Saltmarsh", "Thornbury", "Upland", "Westbrook", "Yarrow"]
COMPANY_B = ["Bakery", "Health", "Architects", "Logistics", "Books", "Dental", "Energy",
             "Foods", "Insurance", "Travel", "Outdoor", "Studios", "Pharmacy", "Cycles",
             "Opticians", "Housing", "Brewing", "Legal", "Museum", "Garden Centre"]
PROJECTS = ["Online shop relaunch", "Patient portal", "Website and CMS rebuild",
            "Booking platform", "Member app", "Customer self-service portal",
            "Intranet replacement", "Product catalogue and B2B ordering"]
TEAM_ROLES = ["Project manager", "Lead developer", "Designer", "Developer",
              "Account director"]
CLIENT_ROLES = ["Marketing director", "Chief financial officer", "Head of e-commerce",
                "Operations manager", "IT manager", "Customer service lead"]
PHASES = ["Discovery", "Design", "Build", "Testing", "Launch"]
THINGS = ["product catalogue", "checkout", "customer accounts", "search", "CMS", "homepage",
          "order e-mails", "payment provider", "delivery zones", "redirects", "analytics",
          "cookie banner", "accessibility audit", "content migration", "stock sync",
          "invoice export", "booking calendar", "login", "newsletter sign-up", "store finder",
          "price rules", "gift cards", "returns flow", "staff training", "hosting",
          "performance budget", "image pipeline", "reporting dashboard", "API gateway",
          "translation workflow"]
VERBS = ["Agree", "Design", "Build", "Test", "Launch", "Review", "Migrate", "Connect",
         "Redesign", "Simplify", "Document", "Automate"]
DELIVERABLE_KINDS = ["designs", "specification", "test report", "working prototype",
                     "content plan", "set-up in the CMS", "release notes", "training guide"]
OPENERS = ["This week the team", "We", "Together with your team we", "The developers",
           "After the review the team", "As planned, we"]
ACTIONS = ["finished", "reviewed", "tested", "shipped", "estimated", "documented",
           "walked through", "simplified", "reworked", "measured"]
REASONS = ["so that your staff can work without calling a developer",
           "because customers asked for it in the last survey",
           "to keep running costs predictable",
           "which keeps the launch date unchanged",
           "so that the busiest weeks of the year are not disrupted",
           "as agreed in the last steering meeting",
           "to meet the accessibility requirements",
           "so that reports match the figures finance already uses"]
PROS = ["Quick to set up", "No servers to maintain", "Familiar to your staff",
        "Lower running costs", "Fits the current launch date", "Easy to change later",
        "Well supported", "Keeps one supplier"]
CONS = ["Monthly fee", "Less freedom for unusual features", "Longer build",
        "Extra training needed", "Another contract to sign", "Data held by a third party",
        "Needs a second developer", "Later launch"]
OPTIONS = ["build it ourselves", "use a ready-made service", "postpone to phase two",
           "keep the current set-up", "buy a plug-in", "split it into two releases"]
RISK_EVENTS = ["arrives late", "is incomplete", "needs a second review round",
               "fails the security review", "is not ready for launch",
               "costs more than estimated", "blocks the next milestone"]
GLOSSARY = {
    "CMS": "Content management system, the screens where your team edits pages and products.",
    "PSP": "Payment service provider, the company that processes card and wallet payments.",
    "SKU": "Stock keeping unit, the code for one sellable product variant.",
    "UAT": "User acceptance testing, when your own staff try the finished site before launch.",
    "API": "Application programming interface, how two systems exchange data.",
    "SEO": "Search engine optimisation, making pages easy for search engines to find.",
    "SLA": "Service level agreement, the response times we promise.",
    "MVP": "Minimum viable product, the smallest release that is useful to customers.",
    "CDN": "Content delivery network, servers that deliver pages quickly everywhere.",
    "GDPR": "The EU data protection regulation that governs personal data.",
    "KPI": "Key performance indicator, a figure that shows whether a goal is met.",
    "Staging": "A private copy of the site where changes are checked before they go live.",
}


@dataclass(frozen=True)
class Spec:
    """One synthetic client: who it is, how long it has run, and its random seed."""

    slug: str
    name: str
    years: int
    as_of: date
    seed: int

    @property
    def start(self) -> date:
        return self.as_of - WEEK * (52 * self.years)

    def count(self, kind: str) -> int:
        return PER_YEAR[kind] * self.years


@dataclass(frozen=True)
class Person:
    name: str
    side: str
    role: str


class _Dumper(yaml.SafeDumper):
    """Milepost refuses YAML aliases: never write one, even for repeated objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line text as a literal block (`|`), the way a PM writes it."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# --- text ----------------------------------------------------------------------------------

class Words:
    """Generated prose: sentences from word banks, driven by one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items: Sequence[Any]) -> Any:
        return self.rng.choice(items)

    def title(self) -> str:
        return f"{self.pick(VERBS)} the {self.pick(THINGS)}"

    def sentence(self) -> str:
        return f"{self.pick(OPENERS)} {self.pick(ACTIONS)} the {self.pick(THINGS)}, " \
               f"{self.pick(REASONS)}."

    def paragraph(self, low: int = 2, high: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def markdown(self) -> str:
        """A Markdown field: a paragraph, sometimes with a short bullet list and bold text."""
        text = self.paragraph()
        if self.rng.random() < 0.4:
            items = "\n".join(f"- **{self.pick(THINGS).capitalize()}**: {self.sentence()}"
                              for _ in range(self.rng.randint(2, 3)))
            text += "\n\n" + items
        return text + "\n"

    def done(self, low: int, high: int) -> list[str]:
        """Bullet items in the past tense: what was done."""
        return [f"{self.pick(ACTIONS).capitalize()} the {self.pick(THINGS)}"
                for _ in range(self.rng.randint(low, high))]

    def todo(self, low: int, high: int) -> list[str]:
        """Bullet items in the imperative: what comes next."""
        return [self.title() for _ in range(self.rng.randint(low, high))]


def spread(first: date, last: date, n: int) -> list[date]:
    """n dates evenly spread from first to last, inclusive."""
    if n == 1:
        return [first]
    span = (last - first).days
    return [first + timedelta(days=round(i * span / (n - 1))) for i in range(n)]


# --- records -------------------------------------------------------------------------------

def make_team(w: Words) -> list[Person]:
    names = w.rng.sample([f"{a} {b}" for a in FIRST for b in LAST], 8)
    team = [Person(n, "team", r) for n, r in zip(names[:4], TEAM_ROLES, strict=False)]
    client = [Person(n, "client", r) for n, r in zip(names[4:], CLIENT_ROLES, strict=False)]
    return team + client


def client_yml(spec: Spec, w: Words, team: list[Person]) -> dict[str, Any]:
    domain = spec.slug.replace("-", "") + ".example"
    lead = next(p for p in team if p.side == "client")
    return {
        "name": spec.name,
        "project": w.pick(PROJECTS),
        "start": spec.start,
        "end": spec.as_of + 10 * WEEK,
        "summary": w.markdown() + "\n" + w.paragraph(),
        "team": [contact(p, p is lead, domain) for p in team],
        "communication": [
            {"channel": "Weekly status call", "when": "Tuesdays 10:00 CET, 30 minutes",
             "address": f"https://meet.agency.example/{spec.slug}"},
            {"channel": "Project inbox", "address": f"{spec.slug}@agency.example",
             "response": "Within one working day"},
        ],
        "budget": {"currency": "EUR", "total": 150000 * spec.years,
                   "spent": 118000 * spec.years, "as_of": spec.as_of},
        "glossary": dict(GLOSSARY),
        "theme": {"primary": w.pick(["teal", "indigo", "blue", "deep-purple"]),
                  "accent": w.pick(["amber", "orange", "pink"])},
    }


def contact(p: Person, lead: bool, domain: str) -> dict[str, Any]:
    email = p.name.lower().replace(" ", ".").replace("á", "a").replace("ü", "ue")
    record: dict[str, Any] = {"name": p.name, "side": p.side, "role": p.role,
                              "email": f"{email}@{domain}"}
    if lead:
        record["lead"] = True
    return record


@dataclass(frozen=True)
class Plan:
    """The roadmap's milestones and deliverables, with what later records refer to."""

    milestones: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    approvals: dict[str, date]  # signoff deliverable of a done milestone -> approval date


def roadmap(spec: Spec, w: Words, clients: list[Person]) -> Plan:
    n = spec.count("milestones")
    planned = spread(spec.start + 3 * WEEK, spec.as_of + 8 * WEEK, n)
    milestones, approvals = [], {}
    for i, day in enumerate(planned):
        m = milestone(spec, w, i, day, approvals)
        milestones.append(m)
    return Plan(milestones, client_tasks(spec, w, clients), approvals)


def milestone(spec: Spec, w: Words, i: int, planned: date,
              approvals: dict[str, date]) -> dict[str, Any]:
    per_phase = max(1, spec.count("milestones") // len(PHASES))
    phase = PHASES[min(i // per_phase, len(PHASES) - 1)]
    m: dict[str, Any] = {"id": f"M{i + 1}", "title": w.title(), "phase": phase,
                         "planned": planned}
    slip = timedelta(days=w.pick([0, 0, 0, 3, 7, 14]))
    if planned + slip <= spec.as_of - WEEK:
        m["done"] = planned + slip
    elif slip:
        m["forecast"] = planned + slip  # a slipped forecast
    if w.rng.random() < 0.5:
        m["description"] = w.markdown()
    if i:
        m["depends_on"] = [f"M{i}"] + ([f"M{i - 1}"] if i > 1 and w.rng.random() < 0.3 else [])
    m["deliverables"] = []
    for k in range(w.rng.randint(2, 3)):
        d: dict[str, Any] = {"id": f"D{i + 1}-{k + 1}",
                             "title": f"{w.pick(THINGS).capitalize()} {w.pick(DELIVERABLE_KINDS)}",
                             "signoff": k < 2}
        if w.rng.random() < 0.5:
            d["description"] = w.sentence()
        if d["signoff"] and "done" in m:
            approvals[d["id"]] = m["done"] - timedelta(days=k)
        m["deliverables"].append(d)
    return m


def client_tasks(spec: Spec, w: Words, clients: list[Person]) -> list[dict[str, Any]]:
    n, n_milestones = spec.count("tasks"), spec.count("milestones")
    tasks = []
    for i, due in enumerate(spread(spec.start + WEEK, spec.as_of + 6 * WEEK, n)):
        t: dict[str, Any] = {"id": f"T{i + 1}", "title": w.title(),
                             "owner": w.pick(clients).name, "due": due}
        lateness = timedelta(days=w.pick([-2, 0, 0, 1, 5, 11]))
        if due + lateness <= spec.as_of:
            t["done"] = due + lateness
        if w.rng.random() < 0.5:
            t["description"] = w.sentence()
        t["blocks"] = [f"M{min(n_milestones, i * n_milestones // n + 1)}"]
        tasks.append(t)
    return tasks


def decisions(spec: Spec, w: Words, team: list[Person], ids: dict[str, list[str]]
              ) -> list[dict[str, Any]]:
    n = spec.count("decisions")
    dates = spread(spec.start + WEEK, spec.as_of - timedelta(days=1), n)
    records: list[dict[str, Any]] = []
    for i, day in enumerate(dates):
        status = "proposed" if i >= n - 3 else w.pick(["accepted"] * 8 + ["rejected"])
        d: dict[str, Any] = {
            "id": f"DR-{i + 1:03d}", "title": f"{w.title()}: {w.pick(OPTIONS)}",
            "status": status, "date": day,
            "deciders": [p.name for p in w.rng.sample(team, 2)],
            "context": w.markdown(),
            "options": [option(w) for _ in range(w.rng.randint(2, 3))],
            "decision": w.paragraph(1, 2),
            "consequences": w.markdown(),
        }
        earlier = [x for x in records[-12:] if x["status"] == "accepted"]
        if status == "accepted" and earlier and w.rng.random() < 0.25:
            old = w.pick(earlier)
            old["status"] = "superseded"
            d["supersedes"] = [old["id"]]
        d["related"] = [w.pick(ids["milestones"]), w.pick(ids["risks"])]
        records.append(d)
    return records


def option(w: Words) -> dict[str, Any]:
    return {"name": f"{w.pick(VERBS)} {w.pick(THINGS)}", "summary": w.sentence(),
            "pros": w.rng.sample(PROS, 2), "cons": w.rng.sample(CONS, 2)}


def signoffs(spec: Spec, w: Words, approvals: dict[str, date], clients: list[Person]
             ) -> list[dict[str, Any]]:
    """One approval per done deliverable; the rest of the count are earlier review rounds."""
    rounds = {key: 1 for key in approvals}
    extra = max(0, spec.count("signoffs") - len(approvals))
    keys = sorted(approvals)
    for i in range(extra):
        rounds[keys[i % len(keys)]] += 1
    events = []
    for key, approved in approvals.items():
        total = rounds[key]
        for r in range(total):
            last = r == total - 1
            event: dict[str, Any] = {
                "deliverable": key, "version": f"1.{r}",
                "date": approved - timedelta(days=6 * (total - 1 - r)),
                "by": w.pick(clients).name,
                "outcome": "approved" if last else "changes-requested",
                "via": w.pick(["email", "meeting", "call", "e-signature"]),
            }
            if not last or w.rng.random() < 0.3:
                event["notes"] = w.markdown()
            events.append(event)
    return sorted(events, key=lambda e: (e["date"], e["deliverable"]))


def changes(spec: Spec, w: Words, clients: list[Person], milestone_ids: list[str]
            ) -> list[dict[str, Any]]:
    n = spec.count("changes")
    records = []
    for i, day in enumerate(spread(spec.start + 4 * WEEK, spec.as_of - timedelta(days=2), n)):
        status = "requested" if i >= n - 2 else w.pick(
            ["approved", "approved", "done", "rejected", "withdrawn"])
        days = w.rng.randint(2, 25)
        x: dict[str, Any] = {
            "id": f"CR-{i + 1}", "title": w.title(), "requested_by": w.pick(clients).name,
            "date": day, "status": status, "description": w.markdown(),
            "estimate": {"days": days, "cost": days * 900},
            "schedule_impact_days": w.pick([0, 0, 5, 10]),
        }
        if status in ("approved", "done", "rejected"):
            x["decided"] = min(day + timedelta(days=w.rng.randint(1, 9)), spec.as_of)
        x["related"] = [w.pick(milestone_ids)]
        records.append(x)
    return records


def risks(spec: Spec, w: Words, team: list[Person]) -> list[dict[str, Any]]:
    n = spec.count("risks")
    records = []
    for i, day in enumerate(spread(spec.start + WEEK, spec.as_of - WEEK, n)):
        records.append({
            "id": f"R{i + 1}",
            "title": f"The {w.pick(THINGS)} {w.pick(RISK_EVENTS)}",
            "likelihood": w.pick(["low", "medium", "high"]),
            "impact": w.pick(["low", "medium", "high"]),
            "owner": w.pick(team).name,
            "status": w.pick(["open", "open", "closed", "occurred"]),
            "mitigation": w.markdown(),
            "description": w.sentence(),
            "raised": day,
        })
    return records


def updates(spec: Spec, w: Words) -> list[dict[str, Any]]:
    records = []
    for k in range(spec.count("updates")):
        day = spec.as_of - WEEK * (spec.count("updates") - 1 - k)
        health = [w.pick(["green", "green", "green", "amber", "amber", "red"])
                  for _ in range(4)]
        u: dict[str, Any] = {"date": day, "overall": health[0], "schedule": health[1],
                             "budget": health[2], "scope": health[3],
                             "summary": w.markdown(), "done": w.done(2, 4),
                             "next": w.todo(2, 3)}
        if health[0] != "green":
            u["problems"] = [w.sentence()]
        if w.rng.random() < 0.5:
            u["asks"] = [f"{w.title()} by {(day + WEEK).isoformat()}"]
        records.append(u)
    return records


# --- writing -------------------------------------------------------------------------------

def write_client(folder: Path, spec: Spec) -> None:
    """Write one synthetic client folder (client.yml, roadmap.yml, ..., decisions/, updates/)."""
    w = Words(random.Random(spec.seed))
    team = make_team(w)
    clients = [p for p in team if p.side == "client"]
    plan = roadmap(spec, w, clients)
    milestone_ids = [m["id"] for m in plan.milestones]
    risk_records = risks(spec, w, team)
    ids = {"milestones": milestone_ids, "risks": [x["id"] for x in risk_records]}
    files: dict[str, Any] = {
        "client.yml": client_yml(spec, w, team),
        "roadmap.yml": {"milestones": plan.milestones, "client_tasks": plan.tasks},
        "signoffs.yml": signoffs(spec, w, plan.approvals, clients),
        "changes.yml": changes(spec, w, clients, milestone_ids),
        "risks.yml": risk_records,
    }
    for d in decisions(spec, w, team, ids):
        files[f"decisions/{d['id'].lower()}.yml"] = d
    for u in updates(spec, w):
        files[f"updates/{u['date'].isoformat()}.yml"] = u
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(data), encoding="utf-8")


def client_name(i: int) -> str:
    return f"{COMPANY_A[i % len(COMPANY_A)]} {COMPANY_B[(i * 7 + i // 20) % len(COMPANY_B)]}"


def slugify(name: str) -> str:
    return "-".join(name.lower().split())


def write_clients(projects: Path, years: int, count: int, as_of: date, seed: int,
                  offset: int = 0) -> list[Spec]:
    """Write `count` distinct clients of `years` years each into `projects`."""
    specs = []
    for i in range(offset, offset + count):
        name = client_name(i)
        spec = Spec(slugify(name), name, years, as_of, seed * 1000 + i)
        write_client(projects / spec.slug, spec)
        specs.append(spec)
    return specs
