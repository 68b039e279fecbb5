"""What changed between two versions of a client's project, in plain sentences.

Computed from the two public models, never from a text diff: a moved date is a moved date,
however the YAML was reformatted. Pure functions of the two models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator import derive
from generator.model import Project
from generator.numbers import days


@dataclass(frozen=True)
class Section:
    title: str
    sentences: list[str]


def _days(a: date, b: date) -> str:
    return days((b - a).days, sign=True)


def _moved(what: str, old: date | None, new: date | None) -> str | None:
    if old == new:
        return None
    if old is None:
        return f"{what} set to {derive.long_date(new)}"
    if new is None:
        return f"{what} removed (was {derive.long_date(old)})"
    return (f"{what} moved from {derive.long_date(old)} to {derive.long_date(new)} "
            f"({_days(old, new)})")


def _pairs(before: list[Any], after: list[Any]) -> Iterator[tuple[Any | None, Any]]:
    """Each record of `after` with the record of the same ID in `before` (None if new)."""
    old = {x.id: x for x in before}
    return ((old.get(x.id), x) for x in after)


def milestones(old: Project, new: Project) -> list[str]:
    after = {m.id for m in new.milestones}
    out = [f"Milestone {m.id} {m.title} added, planned for {derive.long_date(m.planned)}."
           for was, m in _pairs(old.milestones, new.milestones) if was is None]
    out += [f"Milestone {m.id} {m.title} removed." for m in old.milestones if m.id not in after]
    for was, m in _pairs(old.milestones, new.milestones):
        if was is None:
            continue
        if was.done is None and m.done is not None:
            out.append(f"Milestone {m.id} {m.title} done on {derive.long_date(m.done)}"
                       + (f" ({_days(m.planned, m.done)} against plan)."
                          if m.done != m.planned else ", as planned."))
            continue
        for what, a, b in (("planned date", was.planned, m.planned),
                           ("forecast", was.forecast, m.forecast),
                           ("done date", was.done, m.done)):
            sentence = _moved(what, a, b)
            if sentence:
                out.append(f"Milestone {m.id} {m.title}: {sentence}.")
    return out


def signoffs(old: Project, new: Project) -> list[str]:
    seen = {(s.deliverable, s.version, s.date, s.outcome) for s in old.signoffs}
    titles = {d.id: d.title for _, d in derive.deliverables(new)}
    words = {"approved": "signed off", "changes-requested": "sent back with changes requested",
             "rejected": "rejected"}
    return [f"{s.deliverable} {titles.get(s.deliverable, '')} version {s.version} "
            f"{words[s.outcome]} by {s.by} on {derive.long_date(s.date)}.".replace("  ", " ")
            for s in new.signoffs if (s.deliverable, s.version, s.date, s.outcome) not in seen]


def decisions(old: Project, new: Project) -> list[str]:
    replaced_by = derive.superseded_by(new)
    out = []
    for was, d in _pairs(old.decisions, new.decisions):
        if was is None:
            out.append(f"Decision {d.id} {d.title} added ({d.status}).")
        elif was.status != d.status:
            by = replaced_by.get(d.id) if d.status == "superseded" else None
            extra = f" by {', '.join(by)}" if by else ""
            out.append(f"Decision {d.id} {d.title}: {was.status} → {d.status}{extra}.")
    after = {d.id for d in new.decisions}
    out += [f"Decision {d.id} {d.title} removed." for d in old.decisions if d.id not in after]
    return out


def change_requests(old: Project, new: Project) -> list[str]:
    out = []
    for was, x in _pairs(old.changes, new.changes):
        if was is None:
            out.append(f"Change request {x.id} {x.title} raised by {x.requested_by}"
                       + (f", now {x.status}." if x.status != "requested" else "."))
        elif was.status != x.status:
            out.append(f"Change request {x.id} {x.title}: {was.status} → {x.status}.")
    return out


def risks(old: Project, new: Project) -> list[str]:
    out = []
    for was, x in _pairs(old.risks, new.risks):
        if was is None:
            out.append(f"Risk {x.id} {x.title} opened ({derive.severity_label(x).lower()} "
                       "severity).")
            continue
        if was.status != x.status:
            verb = {"open": "reopened", "closed": "closed", "occurred": "occurred"}[x.status]
            out.append(f"Risk {x.id} {x.title} {verb}.")
        if derive.severity(was) != derive.severity(x):
            out.append(f"Risk {x.id} {x.title}: severity {derive.severity_label(was).lower()}"
                       f" → {derive.severity_label(x).lower()} (likelihood {x.likelihood}, "
                       f"impact {x.impact}).")
    return out


def budget(old: Project, new: Project) -> list[str]:
    a, b = old.client.budget, new.client.budget
    if a is None or b is None:
        return [] if a is b else ["Budget added." if a is None else "Budget removed."]
    out = []
    for what, x, y in (("Total budget", a.total, b.total), ("Spent", a.spent, b.spent)):
        if x != y:
            delta = y - x
            out.append(f"{what}: {derive.money(x, b.currency)} → {derive.money(y, b.currency)}"
                       f" ({'+' if delta > 0 else '−'}{derive.money(abs(delta), b.currency)}).")
    return out


def tasks(old: Project, new: Project) -> list[str]:
    out = []
    for was, t in _pairs(old.client_tasks, new.client_tasks):
        if was is None:
            out.append(f"New task for you: {t.title} ({t.id}), due {derive.long_date(t.due)}.")
        elif was.done is None and t.done is not None:
            out.append(f"Task {t.id} {t.title} done on {derive.long_date(t.done)}.")
        elif was.due != t.due:
            out.append(f"Task {t.id} {t.title}: {_moved('due date', was.due, t.due)}.")
    return out


def updates(old: Project, new: Project) -> list[str]:
    seen = {u.date for u in old.updates}
    return [f"Status update of {derive.long_date(u.date)} (overall {u.overall})."
            for u in new.updates if u.date not in seen]


def what_changed(old: Project, new: Project) -> list[Section]:
    """Every change from `old` to `new`, grouped by kind; empty kinds are left out."""
    sections = [
        Section("Milestones", milestones(old, new)),
        Section("Sign-offs", signoffs(old, new)),
        Section("Decisions", decisions(old, new)),
        Section("Scope changes", change_requests(old, new)),
        Section("Risks", risks(old, new)),
        Section("Your tasks", tasks(old, new)),
        Section("Budget", budget(old, new)),
        Section("Updates", updates(old, new)),
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
    from generator.markup import md_text

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
                phrases.append(f"{key[0]} {derive.short_date(key[1])} in {name}")
                last = key
        if len(phrases) > 1:
            result[mid] = phrases
    return result
