"""What changed between two versions of a client's project, in plain sentences.

Computed from the two public models, never from a text diff: a moved date is a moved date,
however the YAML was reformatted. Pure functions of the two models.

Every date field of every record is compared: which fields hold dates is read from
records.py (`date_fields`), so a date added to the format is reported without anyone having
to remember it here. Kinds word their own events (a milestone reached, a task done) and
leave the other dates to `_dates_moved`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date
from typing import Any

from generator.format import records as r
from generator.numbers import days, money
from generator.project import derive
from generator.project.model import Project, Section
from generator.site import wording


def date_fields(record_type: type) -> list[str]:
    """The fields of a record type that hold a date (`date` or `date | None`)."""
    hints = typing.get_type_hints(record_type)
    return [f.name for f in r.public_fields(record_type)
            if hints[f.name] is date or date in typing.get_args(hints[f.name])]


# What each date field is, in the words of What changed; another name is said as it is.
DATE_WORDS = {
    "planned": "planned date", "forecast": "forecast", "done": "done date",
    "due": "due date", "delivered": "date handed over for sign-off",
    "decided": "decision date", "date": "date", "raised": "date raised",
    "start": "start date", "end": "planned end date", "as_of": "date of the spent figure",
}


def _day(d: date, beside: date) -> str:
    """13 November beside another date of 2026; 13 November 2026 beside one of 2027."""
    text = wording.long_date(d)
    return text.rsplit(" ", 1)[0] if d.year == beside.year else text


def _than(old: date, new: date, since: str | None) -> str:
    """'3 days earlier than in v2': how far a date moved against the version compared with."""
    n = (new - old).days
    return f"{days(abs(n))} {'later' if n > 0 else 'earlier'} than {since or 'before'}"


def _moved(what: str, old: date | None, new: date | None,
           since: str | None = None) -> str | None:
    if old == new:
        return None
    if old is None:
        return f"{what} set to {wording.long_date(new)}"
    if new is None:
        return f"{what} removed (was {wording.long_date(old)})"
    return (f"{what} moved from {wording.long_date(old)} to {wording.long_date(new)} "
            f"({_than(old, new, since)})")


def _dates_moved(was: Any, now: Any, since: str | None, skip: tuple[str, ...] = ()
                 ) -> list[str]:
    """A phrase for each date field of a record that moved, in field order."""
    phrases = []
    for name in date_fields(type(now)):
        if name not in skip:
            what = DATE_WORDS.get(name, name.replace("_", " "))
            phrase = _moved(what, getattr(was, name), getattr(now, name), since)
            if phrase:
                phrases.append(phrase)
    return phrases


def _against_plan(d: date, planned: date) -> str:
    """'21 days after the planned 13 November', 'on the planned date'."""
    n = (d - planned).days
    if n == 0:
        return "on the planned date"
    return f"{days(abs(n))} {'after' if n > 0 else 'before'} the planned {_day(planned, d)}"


def _forecast(was: r.Milestone, m: r.Milestone, since: str | None) -> str | None:
    """A moved forecast, said against the version compared with and against the plan."""
    moved = _moved("forecast", was.forecast, m.forecast, since)
    if moved is None or m.done:
        return moved
    if m.forecast is None:
        return f"{moved}: expected on the planned {wording.long_date(m.planned)} again"
    return f"{moved}, {_against_plan(m.forecast, m.planned)}"


def _pairs(before: list[Any], after: list[Any]) -> Iterator[tuple[Any | None, Any]]:
    """Each record of `after` with the record of the same ID in `before` (None if new)."""
    old = {x.id: x for x in before}
    return ((old.get(x.id), x) for x in after)


def milestones(old: Project, new: Project, since: str | None = None) -> list[str]:
    after = {m.id for m in new.milestones}
    out = [f"Milestone {m.id} {m.title} added, planned for {wording.long_date(m.planned)}."
           for was, m in _pairs(old.milestones, new.milestones) if was is None]
    out += [f"Milestone {m.id} {m.title} removed." for m in old.milestones if m.id not in after]
    for was, m in _pairs(old.milestones, new.milestones):
        if was is None:
            continue
        reached = was.done is None and m.done is not None
        if reached:
            out.append(f"Milestone {m.id} {m.title} done on {wording.long_date(m.done)}, "
                       f"{_against_plan(m.done, m.planned)}.")
        # Once reached, its forecast no longer matters: the done date says it all.
        phrases = _dates_moved(was, m, since, ("forecast", "done") if reached else ("forecast",))
        forecast = None if reached else _forecast(was, m, since)
        phrases += [forecast] if forecast else []
        out += [f"Milestone {m.id} {m.title}: {x}." for x in phrases]
        out += _deliverables(was, m, since)
    return out


def _deliverables(was: r.Milestone, m: r.Milestone, since: str | None) -> list[str]:
    return [f"Deliverable {d.id} {d.title}: {x}."
            for before, d in _pairs(was.deliverables, m.deliverables) if before is not None
            for x in _dates_moved(before, d, since)]


def project(old: Project, new: Project, since: str | None = None) -> list[str]:
    """The project's own dates: its start and its planned end."""
    return [x[0].upper() + x[1:] + "." for x in _dates_moved(old.client, new.client, since)]


SIGNOFF_WORDS = {"approved": "signed off", "changes-requested": "sent back with changes "
                 "requested", "rejected": "rejected"}


def signoffs(old: Project, new: Project, since: str | None = None) -> list[str]:
    """New answers; an answer whose date was corrected is said as moved, not as new."""
    def key(s: r.Signoff) -> tuple[str, str, str, str]:
        return (s.deliverable, s.version, s.outcome, s.by)

    seen = {(key(s), s.date) for s in old.signoffs}
    still = {(key(s), s.date) for s in new.signoffs}
    moved_from = {key(s): s for s in old.signoffs if (key(s), s.date) not in still}
    titles = {d.id: d.title for _, d in derive.deliverables(new)}
    out = []
    for s in new.signoffs:
        if (key(s), s.date) in seen:
            continue
        said = f"{s.deliverable} {titles.get(s.deliverable, '')}".strip()
        said += f" version {s.version} {SIGNOFF_WORDS[s.outcome]} by {s.by}"
        was = moved_from.pop(key(s), None)
        out.append(f"{said}: {_moved('date', was.date, s.date, since)}." if was else
                   f"{said} on {wording.long_date(s.date)}.")
    return out


def decisions(old: Project, new: Project, since: str | None = None) -> list[str]:
    replaced_by = derive.superseded_by(new)
    out = []
    for was, d in _pairs(old.decisions, new.decisions):
        if was is None:
            out.append(f"Decision {d.id} {d.title} added ({d.status}).")
            continue
        if was.status != d.status:
            by = replaced_by.get(d.id) if d.status == "superseded" else None
            extra = f" by {', '.join(by)}" if by else ""
            out.append(f"Decision {d.id} {d.title}: {was.status} → {d.status}{extra}.")
        out += [f"Decision {d.id} {d.title}: {x}." for x in _dates_moved(was, d, since)]
    after = {d.id for d in new.decisions}
    out += [f"Decision {d.id} {d.title} removed." for d in old.decisions if d.id not in after]
    return out


def change_requests(old: Project, new: Project, since: str | None = None) -> list[str]:
    out = []
    for was, x in _pairs(old.changes, new.changes):
        if was is None:
            out.append(f"Change request {x.id} {x.title} raised by {x.requested_by}"
                       + (f", now {x.status}." if x.status != "requested" else "."))
            continue
        answered = was.status != x.status
        if answered:
            on = f" on {wording.long_date(x.decided)}" if x.decided != was.decided else ""
            out.append(f"Change request {x.id} {x.title}: {was.status} → {x.status}{on}.")
        # A decision date set with the new status is said with it, above.
        skip = ("decided",) if answered and x.decided else ()
        out += [f"Change request {x.id} {x.title}: {p}." for p in _dates_moved(was, x, since,
                                                                               skip)]
    return out


def risks(old: Project, new: Project, since: str | None = None) -> list[str]:
    out = []
    for was, x in _pairs(old.risks, new.risks):
        if was is None:
            out.append(f"Risk {x.id} {x.title} opened ({wording.severity_label(x).lower()} "
                       "severity).")
            continue
        if was.status != x.status:
            verb = {"open": "reopened", "closed": "closed", "occurred": "occurred"}[x.status]
            out.append(f"Risk {x.id} {x.title} {verb}.")
        if derive.severity(was) != derive.severity(x):
            out.append(f"Risk {x.id} {x.title}: severity {wording.severity_label(was).lower()}"
                       f" → {wording.severity_label(x).lower()} (likelihood {x.likelihood}, "
                       f"impact {x.impact}).")
        out += [f"Risk {x.id} {x.title}: {p}." for p in _dates_moved(was, x, since)]
    return out


def budget(old: Project, new: Project, since: str | None = None) -> list[str]:
    a, b = old.client.budget, new.client.budget
    if a is None or b is None:
        return [] if a is b else ["Budget added." if a is None else "Budget removed."]
    out = []
    for what, x, y in (("Total budget", a.total, b.total), ("Spent", a.spent, b.spent)):
        if x != y:
            delta = y - x
            as_of = (f", as of {wording.long_date(b.as_of)}"
                     if what == "Spent" and b.as_of and b.as_of != a.as_of else "")
            out.append(f"{what}: {money(x, b.currency)} → {money(y, b.currency)}"
                       f" ({'+' if delta > 0 else '−'}{money(abs(delta), b.currency)})"
                       f"{as_of}.")
    # A new spent figure carries its date, above; a date moved on its own is said alone.
    skip = ("as_of",) if a.spent != b.spent and b.as_of else ()
    out += [x[0].upper() + x[1:] + "." for x in _dates_moved(a, b, since, skip)]
    return out


def tasks(old: Project, new: Project, since: str | None = None) -> list[str]:
    out = []
    for was, t in _pairs(old.client_tasks, new.client_tasks):
        if was is None:
            out.append(f"New task for you: {t.title} ({t.id}), due {wording.long_date(t.due)}.")
            continue
        finished = was.done is None and t.done is not None
        if finished:
            out.append(f"Task {t.id} {t.title} done on {wording.long_date(t.done)}.")
        out += [f"Task {t.id} {t.title}: {x}." for x in _dates_moved(
            was, t, since, ("done",) if finished else ())]
    return out


def _about(x: r.Feedback) -> str:
    return f" on {x.about}" if x.about else ""


def feedback(old: Project, new: Project, since: str | None = None) -> list[str]:
    """Feedback is kept oldest first and never renumbered: entries pair by position."""
    out = []
    for i, x in enumerate(new.feedback):
        was = old.feedback[i] if i < len(old.feedback) else None
        given = f"Your feedback{_about(x)} of {wording.long_date(x.date)}"
        if was is None:
            score = f" ({x.score:g} of 5)" if x.score is not None else ""
            out.append(f"{given}{score} recorded" + (
                f"; we responded on {wording.long_date(x.responded)}." if x.responded else "."))
            continue
        answered = was.responded is None and x.responded is not None
        if answered:
            out.append(f"We responded on {wording.long_date(x.responded)} to {given[0].lower()}"
                       f"{given[1:]}.")
        out += [f"{given}: {p}." for p in _dates_moved(
            was, x, since, ("responded",) if answered else ())]
    return out


def updates(old: Project, new: Project) -> list[str]:
    seen = {u.date for u in old.updates}
    return [f"Status update of {wording.long_date(u.date)} (overall {u.overall})."
            for u in new.updates if u.date not in seen]


def what_changed(old: Project, new: Project, since: str | None = None) -> list[Section]:
    """Every change from `old` to `new`, grouped by kind; empty kinds are left out. `since`
    names `old` in sentences ("3 days earlier than in v2"); without it, "than before"."""
    since = f"in {since}" if since else None
    sections = [
        Section("Project", project(old, new, since)),
        Section("Milestones", milestones(old, new, since)),
        Section("Sign-offs", signoffs(old, new, since)),
        Section("Decisions", decisions(old, new, since)),
        Section("Scope changes", change_requests(old, new, since)),
        Section("Risks", risks(old, new, since)),
        Section("Your tasks", tasks(old, new, since)),
        Section("Budget", budget(old, new, since)),
        Section("Updates", updates(old, new)),
        Section("Your feedback", feedback(old, new, since)),
    ]
    return [s for s in sections if s.sentences]


def as_text(sections: list[Section], heading: str) -> str:
    lines = [heading, ""]
    for s in sections:
        lines += [f"{s.title}:", *(f"  - {x}" for x in s.sentences), ""]
    if not sections:
        lines.append("No changes.")
    return "\n".join(lines).rstrip() + "\n"


def as_markdown(sections: list[Section], heading: str) -> str:
    from generator.site.markup import md_text

    lines = [f"### {md_text(heading)}", ""]
    for s in sections:
        lines += [f"**{s.title}**", "", *(f"- {md_text(x)}" for x in s.sentences), ""]
    if not sections:
        lines.append("No changes.")
    return "\n".join(lines).rstrip() + "\n"


def slip_history(snapshots: list[tuple[str, Project]]) -> dict[str, list[str]]:
    """For each milestone whose date moved across versions: 'planned 13 Nov 2026 in v1;
    forecast 27 Nov 2026 in v2; done 4 Dec 2026 in latest'."""
    result: dict[str, list[str]] = {}
    ids = [m.id for m in snapshots[-1][1].milestones] if snapshots else []
    for mid in ids:
        phrases, last = [], None
        for name, project in snapshots:
            m = next((x for x in project.milestones if x.id == mid), None)
            if m is None:
                continue
            if m.done:
                key = ("done", m.done)
            elif m.forecast and m.forecast != m.planned:
                key = ("forecast", m.forecast)
            else:
                key = ("planned", m.planned)
            if key != last:
                phrases.append(f"{key[0]} {wording.short_date(key[1])} in {name}")
                last = key
        if len(phrases) > 1:
            result[mid] = phrases
    return result
