"""Stage 2, validate (continued): what records say about each other.

Each check is a generator of problems over a client's records: IDs unique, references
resolving to public records, no cycles, dates that make sense, sign-offs that add up.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator import records as r
from generator.logo import png_problems, svg_problems
from generator.problems import Problem
from generator.validate import ClientRecords


def problem(rec: Any, key: str, message: str, severity: str = "error") -> Problem:
    line, column = rec.where.at(key)
    path = f"{rec.where.path}.{key}" if rec.where.path and key else rec.where.path or key
    return Problem(rec.where.file, line, column, path, message, severity)


@dataclass(frozen=True)
class Known:
    """Records of one kind by ID, and which of them are internal."""

    kind: str
    records: dict[str, Any]
    internal: frozenset[str]

    def describe(self) -> str:
        ids = list(self.records)
        shown = ", ".join(ids[:12]) + (", …" if len(ids) > 12 else "")
        return f"known: {shown}" if ids else f"there are no {self.kind}s yet"


@dataclass(frozen=True)
class Index:
    slug: str
    milestones: Known
    deliverables: Known
    decisions: Known
    changes: Known
    risks: Known
    tasks: Known
    people: Known

    def any_kind(self) -> list[Known]:
        return [self.milestones, self.deliverables, self.changes, self.risks, self.decisions]


def _known(kind: str, pairs: Iterable[tuple[str, Any, bool]]) -> Known:
    pairs = list(pairs)
    return Known(kind, {key: rec for key, rec, _ in pairs},
                 frozenset(key for key, _, internal in pairs if internal))


def build_index(c: ClientRecords) -> Index:
    milestones = c.roadmap.milestones
    return Index(
        slug=c.slug,
        milestones=_known("milestone", ((m.id, m, m.internal) for m in milestones)),
        deliverables=_known("deliverable", ((d.id, d, d.internal or m.internal)
                                             for m in milestones for d in m.deliverables)),
        decisions=_known("decision", ((d.id, d, d.internal) for d in c.decisions)),
        changes=_known("change request", ((x.id, x, x.internal) for x in c.changes)),
        risks=_known("risk", ((x.id, x, x.internal) for x in c.risks)),
        tasks=_known("client task", ((t.id, t, t.internal) for t in c.roadmap.client_tasks)),
        people=_known("team member", ((p.name, p, p.internal) for p in c.client.team)),
    )


def check_client(c: ClientRecords, today: date) -> list[Problem]:
    """Every cross-record problem of one client."""
    index = build_index(c)
    checks = [
        _unique_ids(c), _team(c), _milestones(c, index, today), _tasks(c, index, today),
        _decisions(c, index), _signoffs(c, index, today), _changes(c, index, today),
        _risks(c, index),
        _updates(c, today), _budget(c, today), _theme(c), _far_dates(c),
    ]
    return [p for check in checks for p in check]


# --- references ---------------------------------------------------------------------------

def _reference(rec: Any, key: str, ref: str, known: Known, public: bool, slug: str,
               what: str = "") -> Iterator[Problem]:
    """A reference from `rec` must name a record of `known`, public if `rec` is public."""
    if ref not in known.records:
        close = difflib.get_close_matches(ref, list(known.records), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield problem(rec, key, f"'{ref}' is not a {known.kind} of {slug} "
                      f"({hint}{known.describe()})")
    elif public and ref in known.internal:
        yield problem(rec, key, f"'{ref}' is an internal {known.kind}: a public record cannot "
                      f"{what or 'refer to'} it (mark this record internal too, or remove the "
                      "reference)")


def _person(rec: Any, key: str, name: str, index: Index, severity: str) -> Iterator[Problem]:
    people = index.people
    if name not in people.records:
        close = difflib.get_close_matches(name, list(people.records), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield problem(rec, key, f"'{name}' is not in the team of client.yml "
                      f"({hint}{people.describe()})", severity)
    elif not rec.internal and name in people.internal:
        yield problem(rec, key, f"'{name}' is an internal team member: a public record cannot "
                      "name them", severity="error")


def _related(rec: Any, index: Index) -> Iterator[Problem]:
    for i, ref in enumerate(rec.related):
        kinds = [k for k in index.any_kind() if ref in k.records]
        key = f"related[{i}]"
        if not kinds:
            every = [x for k in index.any_kind() for x in k.records]
            close = difflib.get_close_matches(ref, every, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield problem(rec, key, f"'{ref}' is not a milestone, deliverable, change request, "
                          f"risk or decision of {index.slug}{hint}")
        elif not rec.internal and all(ref in k.internal for k in kinds):
            yield problem(rec, key, f"'{ref}' is internal: a public record cannot refer to it "
                          "(mark this record internal too, or remove the reference)")


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle in a graph of ID -> IDs, as a path that returns to its start, or None.
    Iterative, so a long chain of dependencies cannot exhaust the stack."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        trail, on_trail = [start], {start}
        stack = [iter(graph.get(start, []))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                done.add(trail[-1])
                on_trail.discard(trail.pop())
            elif nxt in on_trail:
                return trail[trail.index(nxt):] + [nxt]
            elif nxt in graph and nxt not in done:
                trail.append(nxt)
                on_trail.add(nxt)
                stack.append(iter(graph.get(nxt, [])))
    return None


# --- checks -------------------------------------------------------------------------------

def _unique_ids(c: ClientRecords) -> Iterator[Problem]:
    groups = {
        "milestone": c.roadmap.milestones,
        "deliverable": [d for m in c.roadmap.milestones for d in m.deliverables],
        "client task": c.roadmap.client_tasks,
        "decision": c.decisions,
        "change request": c.changes,
        "risk": c.risks,
    }
    for kind, recs in groups.items():
        seen: dict[str, Any] = {}
        for rec in recs:
            if rec.id in seen:
                first = seen[rec.id].where
                yield problem(rec, "id", f"{kind} ID '{rec.id}' is already used "
                              f"({first.file}:{first.at('id')[0]}): IDs must be unique")
            else:
                seen[rec.id] = rec


def _team(c: ClientRecords) -> Iterator[Problem]:
    seen: set[str] = set()
    for person in c.client.team:
        if person.name in seen:
            yield problem(person, "name", f"'{person.name}' is listed twice in the team")
        seen.add(person.name)
        if person.lead and person.side != "client":
            yield problem(person, "lead", "lead marks the client's lead decision maker, but "
                          "this person is on the team side", "warning")
    leads = [p for p in c.client.team if p.lead and not p.internal]
    for extra in leads[1:]:
        yield problem(extra, "lead", f"more than one lead: {leads[0].name} is already the "
                      "client's lead decision maker", "warning")


def _milestones(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    last_answer = {s.deliverable: s.outcome for s in c.signoffs if not s.internal}
    approved = {key for key, outcome in last_answer.items() if outcome == "approved"}
    for m in c.roadmap.milestones:
        for i, dep in enumerate(m.depends_on):
            if dep == m.id:
                yield problem(m, f"depends_on[{i}]", f"milestone {m.id} depends on itself")
            else:
                yield from _reference(m, f"depends_on[{i}]", dep, index.milestones,
                                      not m.internal, c.slug, "depend on")
        if m.forecast and m.forecast < m.planned and not m.done:
            yield problem(m, "forecast", f"forecast {m.forecast} is before planned "
                          f"{m.planned}: if it will be early, say so in an update; if the plan "
                          "changed, move planned (and cut a version)", "warning")
        if m.done and m.done > today:
            yield problem(m, "done", f"done date {m.done} is in the future", "warning")
        for d in m.deliverables:
            if (m.done and d.signoff and d.id not in approved and not d.delivered
                    and not (m.internal or d.internal)):
                yield problem(d, "signoff", f"milestone {m.id} is done but deliverable {d.id} "
                              "has no approved sign-off in signoffs.yml: record the sign-off, "
                              "or set 'delivered' to the date it went to the client", "warning")
            if d.delivered and d.delivered > today:
                yield problem(d, "delivered", f"delivered date {d.delivered} is in the future",
                              "warning")
    graph = {m.id: [d for d in m.depends_on if d != m.id] for m in c.roadmap.milestones}
    cycle = _cycle(graph)
    if cycle:
        first = index.milestones.records[cycle[0]]
        yield problem(first, "depends_on", "milestones depend on each other in a circle: "
                      + " → ".join(cycle))


def _tasks(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    for t in c.roadmap.client_tasks:
        yield from _person(t, "owner", t.owner, index, "error")
        if t.done and t.done > today:
            yield problem(t, "done", f"done date {t.done} is in the future", "warning")
        person = index.people.records.get(t.owner)
        if person is not None and person.side != "client":
            yield problem(t, "owner", f"'{t.owner}' is on the team side, but client tasks are "
                          "work for the client: name someone with side: client", "warning")
        for i, ms in enumerate(t.blocks):
            yield from _reference(t, f"blocks[{i}]", ms, index.milestones, not t.internal,
                                  c.slug)


def _decisions(c: ClientRecords, index: Index) -> Iterator[Problem]:
    pages: dict[str, r.Decision] = {}
    for d in c.decisions:
        other = pages.setdefault(d.id.lower(), d)
        if other is not d and other.id != d.id:
            yield problem(d, "id", f"decision IDs '{other.id}' and '{d.id}' differ only in "
                          "capitals: each decision gets a page named after its ID, so make "
                          "them differ")
    superseders: dict[str, list[r.Decision]] = {}
    for d in c.decisions:
        for i, old in enumerate(d.supersedes):
            if old == d.id:
                yield problem(d, f"supersedes[{i}]", f"decision {d.id} supersedes itself")
                continue
            yield from _reference(d, f"supersedes[{i}]", old, index.decisions, not d.internal,
                                  c.slug, "supersede")
            superseders.setdefault(old, []).append(d)
        yield from _related(d, index)
        for i, name in enumerate(d.deciders):
            yield from _person(d, f"deciders[{i}]", name, index, "warning")
    for d in c.decisions:
        by = [s for s in superseders.get(d.id, []) if s.status in ("accepted", "superseded")]
        if d.status == "superseded" and not by:
            yield problem(d, "status", f"{d.id} is marked superseded, but no accepted decision "
                          f"lists it in supersedes: add 'supersedes: [{d.id}]' to the decision "
                          "that replaces it")
    cycle = _cycle({d.id: [x for x in d.supersedes if x != d.id] for d in c.decisions})
    if cycle:
        first = index.decisions.records[cycle[0]]
        yield problem(first, "supersedes", "decisions supersede each other in a circle: "
                      + " → ".join(cycle))


def _signoffs(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    previous: r.Signoff | None = None
    for s in c.signoffs:
        yield from _reference(s, "deliverable", s.deliverable, index.deliverables,
                              not s.internal, c.slug, "sign off")
        deliverable = index.deliverables.records.get(s.deliverable)
        if deliverable is not None and not deliverable.signoff:
            yield problem(s, "deliverable", f"deliverable {s.deliverable} does not need "
                          "sign-off: set 'signoff: true' on it in roadmap.yml", "warning")
        yield from _person(s, "by", s.by, index, "warning")
        if previous and s.date < previous.date:
            yield problem(s, "date", f"{s.date} is before the entry above ({previous.date}): "
                          "keep signoffs.yml oldest first", "warning")
        previous = s
        if s.date > today:
            yield problem(s, "date", f"sign-off date {s.date} is in the future", "warning")


def _changes(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    for x in c.changes:
        yield from _person(x, "requested_by", x.requested_by, index, "warning")
        if x.decided and x.decided < x.date:
            yield problem(x, "decided", f"decided {x.decided} is before the request date "
                          f"{x.date}")
        if x.status in ("approved", "rejected", "done") and not x.decided:
            yield problem(x, "status", f"change request {x.id} is {x.status} but has no "
                          "'decided' date", "warning")
        if x.decided and x.decided > today:
            yield problem(x, "decided", f"decided date {x.decided} is in the future", "warning")
        yield from _related(x, index)


def _risks(c: ClientRecords, index: Index) -> Iterator[Problem]:
    for x in c.risks:
        yield from _person(x, "owner", x.owner, index, "error")


def _updates(c: ClientRecords, today: date) -> Iterator[Problem]:
    seen: dict[date, r.Update] = {}
    for u in c.updates:
        stem = u.where.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stem) and stem != u.date.isoformat():
            yield problem(u, "date", f"the file is named {stem} but the update is dated "
                          f"{u.date}: rename the file or fix the date", "warning")
        if u.date in seen:
            yield problem(u, "date", f"another update is dated {u.date} "
                          f"({seen[u.date].where.file}): one update per date")
        seen[u.date] = u
        if u.date > today:
            yield problem(u, "date", f"update dated {u.date} is in the future "
                          f"(today is {today})", "warning")


def _budget(c: ClientRecords, today: date) -> Iterator[Problem]:
    b = c.client.budget
    if b is None:
        return
    if b.spent > b.total:
        yield problem(b, "spent", f"spent ({b.spent:g}) is more than the total ({b.total:g})",
                      "warning")
    if b.as_of and b.as_of > today:
        yield problem(b, "as_of", f"as_of {b.as_of} is in the future", "warning")


def _far_dates(c: ClientRecords) -> Iterator[Problem]:
    """A date years away from the project's start is most likely a typo (2062 for 2026)."""
    start = c.client.start
    dated = [(m, key) for m in c.roadmap.milestones for key in ("planned", "forecast", "done")]
    dated += [(t, key) for t in c.roadmap.client_tasks for key in ("due", "done")]
    for rec, key in dated:
        value = getattr(rec, key)
        if value is not None and abs((value - start).days) > 5 * 366:
            yield problem(rec, key, f"{value} is more than five years from the project's "
                          f"start ({start}): is the year right?", "warning")


# What a logo file may be called: it is written into every page's HTML unescaped.
LOGO_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?i:svg|png)", re.ASCII)


def _theme(c: ClientRecords) -> Iterator[Problem]:
    theme = c.client.theme
    if theme is None or theme.logo is None:
        return
    logo = theme.logo
    if "/" in logo or "\\" in logo or logo.startswith("."):
        yield problem(theme, "logo", f"'{logo}' must be a file name in the client's folder, "
                      "e.g. logo.svg")
    elif not logo.lower().endswith((".svg", ".png")):
        yield problem(theme, "logo", f"'{logo}' is not an .svg or .png file")
    elif not LOGO_NAME.fullmatch(logo):
        # MkDocs' templates write the name into src="..." as it is, unescaped.
        yield problem(theme, "logo", f"'{logo}' cannot be a logo file name: use only letters, "
                      "digits, '-', '_' and '.', ending in .svg or .png (rename the file, "
                      "e.g. to logo.svg)")
    elif not (c.folder / logo).is_file():
        yield problem(theme, "logo", f"'{logo}' does not exist in the client's folder")
    elif not (c.folder / logo).resolve().is_relative_to(c.folder.resolve()):
        yield problem(theme, "logo", f"'{logo}' is a link to a file outside the client's "
                      "folder: copy the file here instead")
    else:
        yield from _logo_content(c, theme)


def _logo_content(c: ClientRecords, theme: r.Theme) -> Iterator[Problem]:
    """The logo is served as it is: an SVG may hold only what draws, a PNG must be one.
    Problems point into the logo file itself."""
    logo = theme.logo or ""
    shown = posixpath.join(posixpath.dirname(theme.where.file), logo)
    try:
        data = (c.folder / logo).read_bytes()
    except OSError as exc:
        yield problem(theme, "logo", f"'{logo}' cannot be read ({exc.strerror})")
        return
    check = svg_problems if logo.lower().endswith(".svg") else png_problems
    for found in check(data):
        yield Problem(shown, found.line, found.column, "", found.message)
