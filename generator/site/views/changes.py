"""Scope changes: every change request, their totals, and the budget with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from generator.format import records as r
from generator.numbers import money
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.views.shared import Badge, Described, or_dash

if TYPE_CHECKING:  # render imports the views: the type only, to keep imports one way
    from generator.site.render import SiteVersion


@dataclass(frozen=True)
class ChangeRow:
    id: str
    title: str
    status: Badge
    requested: str
    requested_by: str
    decided: str
    effort: str      # '2.05 days', or a dash
    cost: str        # '3,600 EUR', or a dash
    schedule: str    # '+10 days', or a dash


@dataclass(frozen=True)
class BudgetWithChanges:
    """The budget against the approved changes, each amount in the budget's currency."""

    original: str
    approved: str
    with_changes: str
    spent: str
    as_of: str       # the date the spent figure was taken, or ''


@dataclass(frozen=True)
class ChangesView:
    any: bool                    # any change request at all
    totals: str                  # '2 approved changes add 14 days of work and …'
    budget: BudgetWithChanges | None
    changes: tuple[ChangeRow, ...]      # newest first
    details: tuple[Described, ...]      # those with a description, in file order


def _change_row(x: r.Change, p: Project) -> ChangeRow:
    return ChangeRow(x.id, x.title, Badge(f"change-{x.status}", x.status.capitalize()),
                     wording.long_date(x.date), x.requested_by,
                     or_dash(wording.long_date(x.decided)), wording.change_effort(x),
                     wording.change_cost(x, p), wording.change_schedule(x))


def _budget_with_changes(p: Project) -> BudgetWithChanges | None:
    b = p.client.budget
    if b is None:
        return None
    cost = derive.change_totals(p).cost
    return BudgetWithChanges(money(b.total, b.currency), money(cost, b.currency),
                             money(b.total + cost, b.currency), money(b.spent, b.currency),
                             wording.long_date(b.as_of))


def changes(p: Project, today: date, version: SiteVersion | None = None) -> ChangesView:
    newest_first = sorted(p.changes, key=lambda x: x.date, reverse=True)
    return ChangesView(
        any=bool(p.changes),
        totals=wording.change_totals_sentence(p),
        budget=_budget_with_changes(p),
        changes=tuple(_change_row(x, p) for x in newest_first),
        details=tuple(Described(x.id, x.title, x.description) for x in p.changes
                      if x.description),
    )
