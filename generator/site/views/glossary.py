"""The glossary: the client's terms, alphabetical."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.project.model import Project

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str


@dataclass(frozen=True)
class GlossaryView:
    terms: tuple[Term, ...]      # alphabetical, regardless of capitals


def glossary(p: Project, today: date, version: SiteVersion | None = None) -> GlossaryView:
    terms = sorted(p.client.glossary.items(), key=lambda kv: kv[0].lower())
    return GlossaryView(tuple(Term(t, m) for t, m in terms))
