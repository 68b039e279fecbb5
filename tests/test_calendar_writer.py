"""The calendar feed's own writer against the icalendar library, which wrote the feed before:
the same text, byte for byte, whatever the text from YAML holds."""

from __future__ import annotations

from datetime import date

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import ical

# Text as YAML can give it: any character, escapes, long lines, wide characters.
TEXT = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", "a\\Nb", "x" * 73 + "\\;", "x" * 72 + "é\\,", "€" * 40, "a\r\nb\rc\nd", "^" * 80])
DAYS = st.dates(date(1900, 1, 1), date(2200, 12, 31))
SETTINGS = settings(max_examples=200, deadline=None)


def written(lines: list[str]) -> str:
    return "".join(ical.fold(line) + "\r\n" for line in lines)


def one_line(text: str) -> icalendar.vText:
    return icalendar.vText(" ".join(text.split()))


@SETTINGS
@given(TEXT, TEXT, DAYS, DAYS)
def test_an_event_is_written_as_the_library_writes_it(summary: str, description: str,
                                                       day: date, today: date):
    expected = icalendar.Event()
    expected.add("uid", "client-milestone-M1@milepost")
    expected.add("dtstamp", icalendar.vDatetime.from_ical(f"{today:%Y%m%d}T000000Z"))
    expected.add("dtstart", day)
    expected.add("dtend", date.fromordinal(day.toordinal() + 1))
    expected.add("summary", one_line(summary))
    expected.add("description", one_line(description))
    expected.add("transp", "TRANSPARENT")
    ours = written(ical.event("client-milestone-M1@milepost", day, summary, description, today))
    assert ours == expected.to_ical().decode("utf-8")


@SETTINGS
@given(TEXT, TEXT, DAYS, DAYS)
def test_a_todo_is_written_as_the_library_writes_it(summary: str, description: str,
                                                     day: date, today: date):
    expected = icalendar.Todo()
    expected.add("uid", "client-change-CR-1@milepost")
    expected.add("dtstamp", icalendar.vDatetime.from_ical(f"{today:%Y%m%d}T000000Z"))
    expected.add("dtstart", day)
    expected.add("summary", one_line(summary))
    expected.add("description", one_line(description))
    expected.add("status", "NEEDS-ACTION")
    ours = written(ical.todo("client-change-CR-1@milepost", day, summary, description, today))
    assert ours == expected.to_ical().decode("utf-8")
