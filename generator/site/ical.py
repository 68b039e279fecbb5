"""The client's dates as an iCalendar feed (calendar.ics): milestones at their expected
date and the client's open tasks at their due date, so the dates live in their calendar;
change requests waiting for the client's answer as to-dos (they have no due date).

Event UIDs are stable (client, record ID), so a subscribed calendar moves an event when a
forecast moves instead of adding a second one. Text is escaped (`\\`, `;`, `,` and line
breaks) and long lines folded as RFC 5545 says, so no text from YAML can start a property
or an event of its own. The feed depends only on the model and "today" (DTSTAMP is today at
midnight UTC, never the clock): the same inputs give the same bytes.

The few lines a feed has are written here rather than with the `icalendar` library, whose
import alone took a fifth of Milepost's own share of a build; the tests hold this writer to
the library's output byte for byte (and read every feed back with it).
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.format import records as r
from generator.project import derive
from generator.project.model import Project
from generator.site import wording

FOLD_AT = 75  # octets a line may take, its line break not counted (RFC 5545, 3.1)


def escape(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, ';', ',' and line breaks escaped. A
    written-out '\\N' is a line break too, as calendar apps read it."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line cut into lines shorter than FOLD_AT octets, each next one starting
    with a space; never inside a character, nor right after a '\\' or a '^' (which escape
    what follows, in a value and in a parameter: a reader that unfolds carelessly would
    lose the escape)."""
    parts: list[str] = []
    part: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if part and size + width >= FOLD_AT:
            carried = [part.pop()] if len(part) > 1 and part[-1] in "\\^" else []
            parts.append("".join(part))
            part, size = carried, sum(len(c.encode("utf-8")) for c in carried)
        part.append(char)
        size += width
    if part:
        parts.append("".join(part))
    return "\r\n ".join(parts)


def _one_line(text: str) -> str:
    """A calendar shows a summary on one line: runs of spaces and line breaks become one
    space (escaped, they would show as line breaks)."""
    return escape(" ".join(text.split()))


def _day(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _stamp(today: date) -> str:
    return f"{_day(today)}T000000Z"


# Property names in the order the icalendar library writes them, which earlier feeds had:
# an event's main ones first (RFC 5545's order), the rest, and a to-do's, alphabetically.
def event(uid: str, day: date, summary: str, description: str, today: date) -> list[str]:
    return ["BEGIN:VEVENT", f"SUMMARY:{_one_line(summary)}", f"DTSTART;VALUE=DATE:{_day(day)}",
            f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}", f"DTSTAMP:{_stamp(today)}",
            f"UID:{escape(uid)}", f"DESCRIPTION:{_one_line(description)}",
            "TRANSP:TRANSPARENT", "END:VEVENT"]


def todo(uid: str, day: date, summary: str, description: str, today: date) -> list[str]:
    """An open item: a to-do that needs the client's action, started on `day`."""
    return ["BEGIN:VTODO", f"DESCRIPTION:{_one_line(description)}", f"DTSTAMP:{_stamp(today)}",
            f"DTSTART;VALUE=DATE:{_day(day)}", "STATUS:NEEDS-ACTION",
            f"SUMMARY:{_one_line(summary)}", f"UID:{escape(uid)}", "END:VTODO"]


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


def calendar_lines(p: Project, today: date) -> list[str]:
    """The feed's content lines, unfolded: milestones, open tasks, changes awaiting an
    answer."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Milepost//Client dates//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_one_line(p.client.project)}"]
    for m in p.milestones:
        lines += event(f"{p.slug}-milestone-{m.id}@milepost", derive.expected_date(m),
                        f"{m.id} {m.title}" + (" (done)" if m.done else ""),
                        _milestone_words(m), today)
    for t in p.client_tasks:
        if not t.done:
            lines += event(f"{p.slug}-task-{t.id}@milepost", t.due,
                            f"Your task: {t.title} ({t.id})",
                            f"{t.owner}, due {wording.long_date(t.due)}.", today)
    for x in derive.awaiting_changes(p):
        lines += todo(f"{p.slug}-change-{x.id}@milepost", x.date,
                       f"Your decision: {x.title} ({x.id})", _change_words(x, p), today)
    return [*lines, "END:VCALENDAR"]


def calendar_ics(p: Project, today: date) -> str:
    """The feed as text, with CRLF line ends."""
    return "".join(fold(line) + "\r\n" for line in calendar_lines(p, today))
