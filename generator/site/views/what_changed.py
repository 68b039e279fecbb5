"""What changed: this version of the site against the one before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.project.model import Project, Section
from generator.site import wording

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class WhatChangedView:
    """What changed in this version of the site against the one before it."""

    is_latest: bool
    name: str                    # the version's name, e.g. 'v2'
    date: str
    compared: bool               # False for the first version: nothing to compare with
    since: str                   # the version compared with, e.g. 'v1'
    since_date: str
    scope: str                   # 'this site' for latest, else the version's name
    note: str                    # the release note, shown on a released version only
    sections: tuple[Section, ...]


def what_changed(p: Project, today: date, version: SiteVersion | None = None) -> WhatChangedView:
    if version is None:
        raise ValueError("What changed needs the version being built")
    since, since_day = version.previous or ("", None)
    return WhatChangedView(
        is_latest=version.is_latest, name=version.name, date=wording.long_date(version.date),
        compared=version.previous is not None, since=since,
        since_date=wording.long_date(since_day),
        scope="this site" if version.is_latest else version.name,
        note="" if version.is_latest else version.note,
        sections=tuple(version.changes),
    )
