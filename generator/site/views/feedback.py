"""Your feedback: what the client told the agency, and what it did about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.numbers import days
from generator.project.model import Project
from generator.site import wording
from generator.site.views.shared import related_places

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class FeedbackEntry:
    date: str
    by: str
    about: str                   # 'M3 Design', or 'the project'
    score: str                   # '4 of 5', or ''
    comment: str | None          # Markdown, as written
    response: str | None         # Markdown, as written
    status: str                  # 'We responded on …' or 'Waiting on us since … (5 days)'
    waiting: bool


@dataclass(frozen=True)
class FeedbackView:
    entries: tuple[FeedbackEntry, ...]   # newest first
    open: int                            # how many wait on the agency


def _feedback_entry(x: r.Feedback, places: dict[str, tuple[str, str]], today: date
                    ) -> FeedbackEntry:
    about = f"{x.about} {places[x.about][0]}" if x.about in places else x.about or "the project"
    if x.responded:
        status = f"We responded on {wording.long_date(x.responded)}"
    else:
        waited = (today - x.date).days
        status = (f"Waiting on us since {wording.long_date(x.date)} "
                  f"({days(waited) if waited else 'today'})")
    return FeedbackEntry(wording.long_date(x.date), x.by, about,
                         f"{x.score:g} of 5" if x.score is not None else "", x.comment,
                         x.response, status, x.responded is None)


def feedback(p: Project, today: date, version: SiteVersion | None = None) -> FeedbackView:
    places = related_places(p)
    entries = tuple(_feedback_entry(x, places, today) for x in reversed(p.feedback))
    return FeedbackView(entries, sum(e.waiting for e in entries))
