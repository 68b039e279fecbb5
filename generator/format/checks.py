"""Stage 2, validate (continued): what records say about each other.

Each check is a generator of problems over a client's records: IDs unique, references
resolving to public records, no cycles, dates that make sense, sign-offs that add up.

The checks run on every record that could be read, also when others could not (they are
then `unreadable`, and the client has errors anyway): a PM sees every problem in one run.
The rule for partial data: a check reports only what stays true whatever the unreadable
records say. A reference to an unreadable record is not unknown; a check that speaks of all
records of a kind ("no accepted decision lists it") waits until all of them can be read.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import posixpath
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.format import records as r
from generator.format.logo import png_problems, svg_problems
from generator.format.pages import decision_page, pages_beside_decisions
from generator.format.scaffold import PLACEHOLDERS  # the one place these texts are written
from generator.format.validate import ClientRecords, Unreadable
from generator.numbers import days, number, possessive
from generator.problems import Problem, Severity


def problem(rec: Any, key: str, message: str, severity: Severity = "error") -> Problem:
    line, column = rec.where.at(key)
    path = f"{rec.where.path}.{key}" if rec.where.path and key else rec.where.path or key
    return Problem(rec.where.file, line, column, path, message, severity)


@dataclass(frozen=True)
class Known:
    """Records of one kind by ID, which of them are internal, and the IDs of those that
    exist but could not be read."""

    kind: str
    records: dict[str, Any]
    internal: frozenset[str]
    unreadable: frozenset[str] = frozenset()
    all_ids_known: bool = True  # False when a record was left out before its ID was read

    # Worked out once per client, not once per reference: a client with thousands of
    # unknown references would otherwise list and sort every ID thousands of times.
    @functools.cached_property
    def ids(self) -> tuple[str, ...]:
        return (*self.records, *sorted(self.unreadable - self.records.keys()))

    @functools.cached_property
    def ids_by_kind(self) -> dict[str, list[str]]:
        """The IDs by their kind of ID (`_id_kind`: M, D, DR, CR, ...), in `ids` order."""
        grouped: dict[str, list[str]] = {}
        for key in self.ids:
            grouped.setdefault(_id_kind(key), []).append(key)
        return grouped

    def may_exist(self, ref: str) -> bool:
        """Whether `ref`, not among the readable records, may still name one: it names an
        unreadable record, or one was left out whose ID is not known."""
        return ref in self.unreadable or not self.all_ids_known

    @functools.cached_property
    def described(self) -> str:
        ids = self.ids
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
    suggestions: Suggestions = field(default_factory=lambda: Suggestions(SUGGESTION_WORK))

    def any_kind(self) -> list[Known]:
        return [self.milestones, self.deliverables, self.changes, self.risks, self.decisions]


# Each "did you mean" search compares a reference with every ID of its kind: thousands of
# unknown references (IDs renamed in one go) among thousands of IDs made millions of
# comparisons, minutes of validation. A client's searches share this many comparisons; the
# references past them get no suggestion (they are the same mistake, and each still says
# which IDs are known). A client of a few hundred records never reaches it.
SUGGESTION_WORK = 50_000


@dataclass
class Suggestions:
    """The comparisons one client's 'did you mean' searches may still make."""

    left: int

    def closest(self, ref: str, *candidates: Sequence[str]) -> str | None:
        """The candidate closest to `ref`, from one or more lists of IDs or names."""
        work = sum(len(names) for names in candidates)  # counted, not copied: it may be over
        if work > self.left:
            return None
        self.left -= work
        close = difflib.get_close_matches(ref, [x for names in candidates for x in names],
                                          n=1, cutoff=0.6)
        return close[0] if close else None


def _known(kind: str, pairs: Iterable[tuple[str, Any, bool]],
           left_out: list[Unreadable]) -> Known:
    pairs = list(pairs)
    return Known(kind, {key: rec for key, rec, _ in pairs},
                 frozenset(key for key, _, internal in pairs if internal),
                 frozenset(u.id for u in left_out if u.id is not None),
                 all(u.id is not None for u in left_out))


def build_index(c: ClientRecords) -> Index:
    milestones = c.roadmap.milestones
    return Index(
        slug=c.slug,
        milestones=_known("milestone", ((m.id, m, m.internal) for m in milestones),
                          c.left_out(r.Milestone)),
        deliverables=_known("deliverable", ((d.id, d, d.internal or m.internal)
                                             for m in milestones for d in m.deliverables),
                            c.left_out(r.Deliverable)),
        decisions=_known("decision", ((d.id, d, d.internal) for d in c.decisions),
                         c.left_out(r.Decision)),
        changes=_known("change request", ((x.id, x, x.internal) for x in c.changes),
                       c.left_out(r.Change)),
        risks=_known("risk", ((x.id, x, x.internal) for x in c.risks), c.left_out(r.Risk)),
        tasks=_known("client task", ((t.id, t, t.internal) for t in c.roadmap.client_tasks),
                     c.left_out(r.ClientTask)),
        people=_known("team member", ((p.name, p, p.internal) for p in _team_of(c)),
                      c.left_out(r.Contact)),
    )


def _team_of(c: ClientRecords) -> list[r.Contact]:
    """The readable team (none while client.yml cannot be read: its members that could be
    read are then among the unreadable records)."""
    return c.client.team if c.client else []


def check_client(c: ClientRecords, today: date) -> list[Problem]:
    """Every cross-record problem of one client."""
    index = build_index(c)
    checks = [
        _unique_ids(c), _team(c), _milestones(c, index, today), _tasks(c, index, today),
        _decisions(c, index), _signoffs(c, index, today), _changes(c, index, today),
        _risks(c, index), _feedback(c, index, today),
        _updates(c, today), _budget(c, today), _theme(c), _far_dates(c),
        _schedule(c),
    ]
    return [p for check in checks for p in check]


# --- references ---------------------------------------------------------------------------

def _reference(rec: Any, key: str, ref: str, known: Known, public: bool, index: Index,
               what: str = "") -> Iterator[Problem]:
    """A reference from `rec` must name a record of `known`, public if `rec` is public.
    A reference to an unreadable record is not checked: whether it is internal is not known."""
    if ref in known.records:
        if public and ref in known.internal:
            yield problem(rec, key, f"'{ref}' is an internal {known.kind}: a public record "
                          f"cannot {what or 'refer to'} it (mark this record internal too, or "
                          "remove the reference)")
    elif not known.may_exist(ref):
        close = index.suggestions.closest(ref, known.ids_by_kind.get(_id_kind(ref), []))
        hint = f"did you mean '{close}'? " if close else ""
        yield problem(rec, key, f"'{ref}' is not a {known.kind} of {index.slug} "
                      f"({hint}{known.described})")


def _id_kind(ref: str) -> str:
    """An ID's leading letters (M, D, DR, CR, R, T), as every example and template writes
    them: a suggestion is of the same kind ('CR-2' may be 'CR-1', never 'DR-002')."""
    letters = re.match(r"[A-Za-z]*", ref)  # always matches, if only the empty text
    return letters.group().lower() if letters else ""


def _person(rec: Any, key: str, name: str, index: Index,
            severity: Severity) -> Iterator[Problem]:
    people = index.people
    if name in people.records:
        if not rec.internal and name in people.internal:
            yield problem(rec, key, f"'{name}' is an internal team member: a public record "
                          "cannot name them", severity="error")
    elif not people.may_exist(name):
        close = index.suggestions.closest(name, people.ids)
        hint = f"did you mean '{close}'? " if close else ""
        yield problem(rec, key, f"'{name}' is not in the team of client.yml "
                      f"({hint}{people.described})", severity)


def _related(rec: Any, index: Index) -> Iterator[Problem]:
    for i, ref in enumerate(rec.related):
        kinds = [k for k in index.any_kind() if ref in k.records]
        key = f"related[{i}]"
        if not kinds and any(k.may_exist(ref) for k in index.any_kind()):
            continue  # it may name a record that could not be read
        if not kinds:
            kind = _id_kind(ref)
            close = index.suggestions.closest(
                ref, *(k.ids_by_kind.get(kind, []) for k in index.any_kind()))
            hint = f" (did you mean '{close}'?)" if close else ""
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
    groups: dict[str, tuple[list[Any], type]] = {
        "milestone": (c.roadmap.milestones, r.Milestone),
        "deliverable": ([d for m in c.roadmap.milestones for d in m.deliverables],
                        r.Deliverable),
        "client task": (c.roadmap.client_tasks, r.ClientTask),
        "decision": (c.decisions, r.Decision),
        "change request": (c.changes, r.Change),
        "risk": (c.risks, r.Risk),
    }
    for kind, (readable, record_type) in groups.items():
        # An unreadable record whose ID was read takes that ID too: it is used either way.
        recs = sorted([*readable, *(u for u in c.left_out(record_type) if u.id is not None)],
                      key=lambda x: (x.where.file, x.where.at()))
        seen: dict[str, Any] = {}
        for rec in recs:
            if rec.id in seen:
                first = seen[rec.id].where
                yield problem(rec, "id", f"{kind} ID '{rec.id}' is already used "
                              f"({first.file}:{first.at('id')[0]}): IDs must be unique")
            else:
                seen[rec.id] = rec


def _team(c: ClientRecords) -> Iterator[Problem]:
    team = _team_of(c)
    seen: set[str] = set()
    for person in team:
        if person.name in seen:
            yield problem(person, "name", f"'{person.name}' is listed twice in the team")
        seen.add(person.name)
        yield from _notify(person)
    if c.left_out(r.Contact):
        return  # the warning names the first lead, who may be a member that cannot be read
    # One lead per side: the client's decision maker, and the agency's project lead.
    for side, role in (("client", "the client's lead decision maker"),
                       ("team", "the agency's project lead")):
        leads = [p for p in team if p.lead and not p.internal and p.side == side]
        for extra in leads[1:]:
            yield problem(extra, "lead", f"more than one lead: {leads[0].name} is already "
                          f"{role}", "warning")


def _notify(person: r.Contact) -> Iterator[Problem]:
    """The digest goes to client-side people, by email; never to the agency or internally."""
    if not person.notify:
        return
    if person.side != "client":
        yield problem(person, "notify", "notify sends the client's digest, but this person is "
                      "on the team side: the agency's project lead (lead: true) gets replies "
                      "instead; remove notify")
    elif person.internal:
        yield problem(person, "notify", "notify sends the client's digest, but this person is "
                      "internal: remove notify or internal")
    elif not person.email:
        yield problem(person, "notify", f"notify needs an email address: add email to "
                      f"'{person.name}' or remove notify")


def _milestones(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    last_answer = {s.deliverable: s.outcome for s in c.signoffs if not s.internal}
    approved = {key for key, outcome in last_answer.items() if outcome == "approved"}
    # "no approved sign-off" is said only when every sign-off could be read.
    all_signoffs = not c.left_out(r.Signoff)
    for m in c.roadmap.milestones:
        for i, dep in enumerate(m.depends_on):
            if dep == m.id:
                yield problem(m, f"depends_on[{i}]", f"milestone {m.id} depends on itself")
            else:
                yield from _reference(m, f"depends_on[{i}]", dep, index.milestones,
                                      not m.internal, index, "depend on")
        if m.forecast and m.forecast < m.planned and not m.done:
            yield problem(m, "forecast", f"forecast {m.forecast} is before planned "
                          f"{m.planned}: if it will be early, say so in an update; if the plan "
                          "changed, move planned (and cut a version)", "warning")
        if m.done and m.done > today:
            yield problem(m, "done", f"done date {m.done} is in the future", "warning")
        for d in m.deliverables:
            if (all_signoffs and m.done and d.signoff and d.id not in approved
                    and not d.delivered and not (m.internal or d.internal)):
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
                                  index)


def _pages_decisions_would_replace() -> dict[str, tuple[str, str]]:
    """Decision page path -> (title, path) of each page the site writes itself in the folder
    of decision pages: a decision named like one of them would overwrite it."""
    return {kind.path.lower(): (kind.title, kind.path) for kind in pages_beside_decisions()}


def _reserved_decision_ids(c: ClientRecords) -> Iterator[Problem]:
    taken = _pages_decisions_would_replace()
    reserved = ", ".join(sorted(path.rsplit("/", 1)[1].rsplit(".", 1)[0]
                                for _, path in taken.values()))
    for d in c.decisions:
        page = taken.get(decision_page(d.id).lower())
        if page is not None:
            yield problem(d, "id", f"decision ID '{d.id}' would replace the {page[0]} page "
                          f"({page[1]}): each decision gets a page named after its ID, and "
                          f"these IDs are reserved for pages the site writes: {reserved} (in "
                          "any capitals); choose another ID, e.g. DR-001")


def _decisions(c: ClientRecords, index: Index) -> Iterator[Problem]:
    yield from _reserved_decision_ids(c)
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
                                  index, "supersede")
            superseders.setdefault(old, []).append(d)
        yield from _related(d, index)
        for i, name in enumerate(d.deciders):
            yield from _person(d, f"deciders[{i}]", name, index, "warning")
    # "no accepted decision lists it" is said only when every decision could be read.
    for d in c.decisions if not c.left_out(r.Decision) else []:
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
    gaps = sorted(u.where.at() for u in c.left_out(r.Signoff))
    for s in c.signoffs:
        if previous and _left_out_between(previous, s, gaps):
            previous = None  # the entry above could not be read: nothing to compare with
        yield from _reference(s, "deliverable", s.deliverable, index.deliverables,
                              not s.internal, index, "sign off")
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


def _feedback(c: ClientRecords, index: Index, today: date) -> Iterator[Problem]:
    for x in c.feedback:
        if x.about is not None:
            known = (index.deliverables if x.about in index.deliverables.records
                     else index.milestones)
            yield from _reference(x, "about", x.about, known, not x.internal, index,
                                  "be about")
        yield from _person(x, "by", x.by, index, "warning")
        if x.score is not None and (x.score != int(x.score) or not 1 <= x.score <= 5):
            yield problem(x, "score", f"{x.score} is not a rating: give a whole number from "
                          "1 (poor) to 5 (excellent)")
        if x.score is None and not x.comment:
            yield problem(x, "score", "feedback needs a score or a comment (or both)")
        if x.responded and not x.response:
            yield problem(x, "responded", "a response date without a response: write what "
                          "we did in response, or remove responded")
        if x.response and not x.responded:
            yield problem(x, "response", "a response without its date: add responded: "
                          "YYYY-MM-DD, so the client sees when we answered")
        if x.responded and x.responded < x.date:
            yield problem(x, "responded", f"{x.responded} is before the feedback was given "
                          f"({x.date})")
        if x.date > today:
            yield problem(x, "date", f"feedback date {x.date} is in the future", "warning")


def _left_out_between(above: Any, below: Any, gaps: list[tuple[int, int]]) -> bool:
    """Whether a record left out (at one of the sorted positions `gaps`) stands between two
    records of the same list."""
    i = bisect.bisect_right(gaps, above.where.at())
    return i < len(gaps) and gaps[i] < below.where.at()


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
    b = c.client.budget if c.client else None
    if b is None:
        return
    if b.spent > b.total:
        yield problem(b, "spent", f"spent ({number(b.spent)}) is more than the total "
                      f"({number(b.total)})", "warning")
    if b.as_of and b.as_of > today:
        yield problem(b, "as_of", f"as_of {b.as_of} is in the future", "warning")


def _far_dates(c: ClientRecords) -> Iterator[Problem]:
    """A date years away from the project's start is most likely a typo (2062 for 2026)."""
    if c.client is None:
        return
    start = c.client.start
    dated: list[tuple[r.Milestone | r.ClientTask, str]] = [
        (m, key) for m in c.roadmap.milestones for key in ("planned", "forecast", "done")]
    dated += [(t, key) for t in c.roadmap.client_tasks for key in ("due", "done")]
    for rec, key in dated:
        value = getattr(rec, key)
        if value is not None and abs((value - start).days) > 5 * 366:
            yield problem(rec, key, f"{value} is more than five years from the project's "
                          f"start ({start}): is the year right?", "warning")


# What a logo file may be called: it is written into every page's HTML unescaped.
LOGO_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?i:svg|png)", re.ASCII)


def _theme(c: ClientRecords) -> Iterator[Problem]:
    theme = c.client.theme if c.client else None
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


# --- placeholders left by `milepost new` ------------------------------------------------------

def _with_visibility(c: ClientRecords) -> Iterator[tuple[Any, bool]]:
    """Every record that `milepost new` writes into, and whether it is internal. Each is
    checked on its own, so the readable ones are checked while others cannot be read."""
    if c.client:
        yield c.client, False
        yield from ((p, p.internal) for p in c.client.team)
        yield from ((x, x.internal) for x in c.client.communication)
    for m in c.roadmap.milestones:
        yield m, m.internal
        yield from ((d, d.internal or m.internal) for d in m.deliverables)
    yield from ((u, u.internal) for u in c.updates)


def _shorten(text: str, width: int = 40) -> str:
    return textwrap.shorten(text, width, placeholder="…")


def placeholders(c: ClientRecords, publishing: bool = False) -> Iterator[Problem]:
    """Text `milepost new` wrote for the PM to replace. A warning while it is there; when
    publishing, an error on any public record, since a client must never see it."""
    client_name = c.client.name if c.client else ""  # some placeholders hold it
    for rec, internal in _with_visibility(c):
        for ph in PLACEHOLDERS:
            if type(rec) is not ph.record:
                continue
            written = ph.written(client_name)
            value = getattr(rec, ph.field)
            keyed = ([(f"{ph.field}[{i}]", v) for i, v in enumerate(value)]
                     if isinstance(value, list) else [(ph.field, value)])
            for key, text in keyed:
                if isinstance(text, str) and text.strip() == written:
                    refuse = publishing and not internal
                    message = (f"still the placeholder from `milepost new` "
                               f"('{_shorten(written)}'): replace it with {ph.ask}")
                    if refuse:
                        message += " (not published: a client must never see it)"
                    yield problem(rec, key, message, "error" if refuse else "warning")


# --- schedule consistency: dates that contradict each other (warnings) ---------------------

def _expected(m: r.Milestone) -> date:
    """When a milestone is (or was) expected: done, else forecast, else planned."""
    return m.done or m.forecast or m.planned


def _expected_words(m: r.Milestone) -> str:
    """'the forecast of M3 (2026-11-27)': which of its dates `_expected` took, and the date."""
    which = "done date" if m.done else "forecast" if m.forecast else "planned date"
    return f"the {which} of {m.id} ({_expected(m)})"


def _schedule(c: ClientRecords) -> Iterator[Problem]:
    """The roadmap's dates against each other, the project's end and the approved changes.
    Warnings: the PM knows which date is right, the check only sees that they disagree."""
    yield from _before_dependencies(c.roadmap.milestones)
    yield from _after_end(c)
    yield from _impact_not_in_forecasts(c)


def _before_dependencies(milestones: list[r.Milestone]) -> Iterator[Problem]:
    """An open milestone expected before a milestone it depends on is expected."""
    by_id: dict[str, r.Milestone] = {}
    for m in milestones:
        by_id.setdefault(m.id, m)  # a duplicate ID is reported on its own
    for m in milestones:
        if m.done:
            continue
        key, own = ("forecast", m.forecast) if m.forecast else ("planned", m.planned)
        for dep in (by_id.get(i) for i in m.depends_on):
            if dep is None or dep is m or own >= _expected(dep):
                continue
            fix = (f"move {possessive(m.id)} forecast to {_expected(dep)} or later"
                   if m.forecast else f"add a forecast of {_expected(dep)} or later to {m.id} "
                   "(planned stays as agreed)")
            yield problem(m, key, f"{m.id} is {'forecast' if m.forecast else 'planned'} for "
                          f"{own}, before {_expected_words(dep)}, which it depends on: {fix}, "
                          f"or remove {dep.id} from depends_on if {m.id} no longer waits for it",
                          "warning")


def _after_end(c: ClientRecords) -> Iterator[Problem]:
    """The last open milestone expected after the project's end in client.yml: the site
    would show a project ending before its own last milestone. Not while a milestone cannot
    be read: it may be the last one."""
    end = c.client.end if c.client else None
    open_ones = [m for m in c.roadmap.milestones if not m.done]
    if end is None or not open_ones or c.left_out(r.Milestone):
        return
    last = max(open_ones, key=_expected)
    if _expected(last) > end:
        key = "forecast" if last.forecast else "planned"
        yield problem(last, key, f"{last.id} is {key} for {_expected(last)}, after the "
                      f"project's end ({end}, 'end' in client.yml): if a new end was agreed "
                      "with the client, move 'end'; otherwise bring the milestone's dates back "
                      "within it", "warning")


def _impact_not_in_forecasts(c: ClientRecords) -> Iterator[Problem]:
    """Approved changes that move the schedule while the roadmap shows no milestone later
    than planned. Only then: which milestones a change moves is the PM's call. Not while a
    milestone cannot be read: it may be the one that shows the delay."""
    if c.left_out(r.Milestone) or any(_expected(m) > m.planned for m in c.roadmap.milestones):
        return
    for x in c.changes:
        if x.status in ("approved", "done") and x.schedule_impact_days:
            yield problem(x, "schedule_impact_days", f"{x.id} is {x.status} with a schedule "
                          f"impact of {days(x.schedule_impact_days)}, but no milestone has a "
                          "forecast or done date later than planned, so the roadmap shows no "
                          "delay: set the forecast of the milestones this change moves; if the "
                          "planned dates were re-agreed to include it, or the days were "
                          "absorbed, nothing needs to change", "warning")
