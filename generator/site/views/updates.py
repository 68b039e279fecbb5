"""Updates: the latest status update in full, and one archive page per earlier month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.numbers import plural
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.views.shared import Link, UpdateView, update_view

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class MonthEntry:
    """One month of earlier updates, as the Updates page lists it."""

    link: Link
    count: str                    # '3 updates'
    overall: tuple[str, ...]      # each update's overall health, oldest first

    @property
    def trail(self) -> str:
        """'amber → amber → green': the month's overall health, oldest first."""
        return " → ".join(self.overall)


@dataclass(frozen=True)
class UpdatesView:
    latest: UpdateView | None
    months: tuple[MonthEntry, ...]  # every update but the latest, newest month first


@dataclass(frozen=True)
class MonthView:
    """One month's archive page."""

    key: str                      # '2026-10': the page is updates/2026-10.md
    name: str                     # 'October 2026'
    updates: tuple[UpdateView, ...]  # newest first


def _earlier_months(p: Project) -> list[tuple[str, list[r.Update]]]:
    """Every update but the latest, by month: the latest is on the Updates page in full."""
    return derive.updates_by_month(p.updates[:-1])


def updates(p: Project, today: date, version: SiteVersion | None = None) -> UpdatesView:
    latest = derive.latest_update(p)
    months = [MonthEntry(Link(wording.month_name(key), f"{key}.md"), plural(len(us), "update"),
                         tuple(u.overall for u in reversed(us)))
              for key, us in _earlier_months(p)]
    return UpdatesView(update_view(latest) if latest else None, tuple(months))


def update_months(p: Project, today: date,
                  version: SiteVersion | None = None) -> tuple[MonthView, ...]:
    """One archive page per month of earlier updates."""
    return tuple(MonthView(key, wording.month_name(key), tuple(update_view(u) for u in us))
                 for key, us in _earlier_months(p))
