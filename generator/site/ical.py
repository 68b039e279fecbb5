"""The client's dates as an iCalendar feed (calendar.ics): milestones at their expected
date and the client's open tasks at their due date, so the dates live in their calendar;
change requests waiting for the client's answer as to-dos (they have no due date).

Event UIDs are stable (client, record ID), so a subscribed calendar moves an event when a
forecast moves instead of adding a second one. The `icalendar` library writes the text:
it escapes `\\`, `;`, `,` and line breaks and folds long lines as RFC 5545 says, so no text
from YAML can start a property or an event of its own. The feed depends only on the model
and "today" (DTSTAMP is today at midnight UTC, never the clock): the same inputs give the
same bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, Todo, vText

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording


def _one_line(text: str) -> vText:
    """A calendar shows a summary on one line: runs of spaces and line breaks become one
    space (the library would keep them, escaped)."""
    return vText(" ".join(text.split()))


def _stamp(today: date) -> datetime:
    return datetime(today.year, today.month, today.day, tzinfo=UTC)


def _event(uid: str, day: date, summary: str, description: str, today: date) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(today))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", _one_line(summary))
    event.add("description", _one_line(description))
    event.add("transp", "TRANSPARENT")
    return event


def _todo(uid: str, day: date, summary: str, description: str, today: date) -> Todo:
    """An open item: a to-do that needs the client's action, started on `day`."""
    todo = Todo()
    todo.add("uid", uid)
    todo.add("dtstamp", _stamp(today))
    todo.add("dtstart", day)
    todo.add("summary", _one_line(summary))
    todo.add("description", _one_line(description))
    todo.add("status", "NEEDS-ACTION")
    return todo


def _change_words(x: r.Change, p: Project) -> str:
    terms = wording.change_terms(x, p)
    return (f"Change request raised by {x.requested_by} on {wording.long_date(x.date)}"
            + (f": {terms}." if terms else "."))


def _milestone_words(m: r.Milestone) -> str:
    words = [f"Planned for {wording.long_date(m.planned)}."]
    if m.forecast and m.forecast != m.planned and not m.done:
        words.append(f"Now forecast for {wording.long_date(m.forecast)}.")
    if m.done:
        words.append(f"Done on {wording.long_date(m.done)}.")
    return " ".join(words)


def calendar(p: Project, today: date) -> Calendar:
    """The feed as an iCalendar object: milestones, open tasks, changes awaiting an answer."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Milepost//Client dates//EN")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _one_line(p.client.project))
    for m in p.milestones:
        cal.add_component(_event(f"{p.slug}-milestone-{m.id}@milepost", derive.expected_date(m),
                                 f"{m.id} {m.title}" + (" (done)" if m.done else ""),
                                 _milestone_words(m), today))
    for t in p.client_tasks:
        if not t.done:
            cal.add_component(_event(f"{p.slug}-task-{t.id}@milepost", t.due,
                                     f"Your task: {t.title} ({t.id})",
                                     f"{t.owner}, due {wording.long_date(t.due)}.", today))
    for x in derive.awaiting_changes(p):
        cal.add_component(_todo(f"{p.slug}-change-{x.id}@milepost", x.date,
                                f"Your decision: {x.title} ({x.id})", _change_words(x, p),
                                today))
    return cal


def calendar_ics(p: Project, today: date) -> str:
    """The feed as text, with CRLF line ends."""
    return calendar(p, today).to_ical().decode("utf-8")
