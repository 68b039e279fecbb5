"""The client's dates as an iCalendar feed (calendar.ics): milestones at their expected
date and the client's open tasks at their due date, so the dates live in their calendar;
change requests waiting for the client's answer as to-dos (they have no due date).

Event UIDs are stable (client, record ID), so a subscribed calendar moves an event when a
forecast moves instead of adding a second one. Text is escaped as RFC 5545 says.
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.format import records as r
from generator.site import derive
from generator.site.model import Project


def _escape(text: str) -> str:
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continuation lines starting with a space."""
    chunks, current, limit = [], "", 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            chunks.append(current)
            current, limit = "", 74  # the leading space takes one octet
        current += char
    chunks.append(current)
    return [chunks[0], *(" " + c for c in chunks[1:])]


def _event(uid: str, day: date, summary: str, description: str, stamp: date) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.strftime('%Y%m%d')}T000000Z",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _todo(uid: str, day: date, summary: str, description: str, stamp: date) -> list[str]:
    """An open item: a to-do that needs the client's action, started on `day`."""
    return [
        "BEGIN:VTODO",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.strftime('%Y%m%d')}T000000Z",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "STATUS:NEEDS-ACTION",
        "END:VTODO",
    ]


def _change_words(x: r.Change, p: Project) -> str:
    terms = derive.change_terms(x, p)
    return (f"Change request raised by {x.requested_by} on {derive.long_date(x.date)}"
            + (f": {terms}." if terms else "."))


def _milestone_words(m: r.Milestone) -> str:
    words = [f"Planned for {derive.long_date(m.planned)}."]
    if m.forecast and m.forecast != m.planned and not m.done:
        words.append(f"Now forecast for {derive.long_date(m.forecast)}.")
    if m.done:
        words.append(f"Done on {derive.long_date(m.done)}.")
    return " ".join(words)


def calendar_ics(p: Project, today: date) -> str:
    """The feed as text, with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Milepost//Client dates//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(p.client.project)}",
    ]
    for m in p.milestones:
        lines += _event(f"{p.slug}-milestone-{m.id}@milepost", derive.expected_date(m),
                        f"{m.id} {m.title}" + (" (done)" if m.done else ""),
                        _milestone_words(m), today)
    for t in p.client_tasks:
        if not t.done:
            lines += _event(f"{p.slug}-task-{t.id}@milepost", t.due,
                            f"Your task: {t.title} ({t.id})",
                            f"{t.owner}, due {derive.long_date(t.due)}.", today)
    for x in derive.awaiting_changes(p):
        lines += _todo(f"{p.slug}-change-{x.id}@milepost", x.date,
                       f"Your decision: {x.title} ({x.id})", _change_words(x, p), today)
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
