"""Stage 3, model: the client's public project, with everything internal removed.

`build_model` is the only way from records to what rendering sees. Internal records and
`internal_notes` (dropped while reading) cannot reach a page because they are not here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from generator.format import records as r
from generator.format.validate import ClientRecords


@dataclass(frozen=True)
class Project:
    """One client's public project: what its site may show, and nothing more."""

    slug: str
    folder: Path
    client: r.Client
    milestones: list[r.Milestone] = field(default_factory=list)
    client_tasks: list[r.ClientTask] = field(default_factory=list)
    decisions: list[r.Decision] = field(default_factory=list)
    signoffs: list[r.Signoff] = field(default_factory=list)
    changes: list[r.Change] = field(default_factory=list)
    risks: list[r.Risk] = field(default_factory=list)
    updates: list[r.Update] = field(default_factory=list)  # oldest first
    feedback: list[r.Feedback] = field(default_factory=list)  # oldest first


class _MaybeInternal(Protocol):
    @property
    def internal(self) -> bool: ...


_Item = TypeVar("_Item", bound=_MaybeInternal)


def _public(items: list[_Item]) -> list[_Item]:
    return [x for x in items if not x.internal]


def build_model(c: ClientRecords) -> Project:
    """The public project of a validated client."""
    if c.client is None:
        raise ValueError("build_model takes a validated client: its client.yml was not read")
    client = dataclasses.replace(
        c.client, team=_public(c.client.team), communication=_public(c.client.communication))
    milestones = [dataclasses.replace(m, deliverables=_public(m.deliverables))
                  for m in _public(c.roadmap.milestones)]
    return Project(
        slug=c.slug,
        folder=c.folder,
        client=client,
        milestones=milestones,
        client_tasks=_public(c.roadmap.client_tasks),
        decisions=settle_superseded(_public(c.decisions)),
        signoffs=_public(c.signoffs),
        changes=_public(c.changes),
        risks=_public(c.risks),
        updates=sorted(_public(c.updates), key=lambda u: u.date),
        feedback=sorted(_public(c.feedback), key=lambda x: x.date),
    )


def settle_superseded(decisions: list[r.Decision]) -> list[r.Decision]:
    """A decision replaced by an accepted one is superseded, whatever its own file says."""
    replaced = {old for d in decisions if d.status in ("accepted", "superseded")
                for old in d.supersedes}
    return [dataclasses.replace(d, status="superseded") if d.id in replaced else d
            for d in decisions]


@dataclass(frozen=True)
class Section:
    """One kind of What changed (milestones, sign-offs, ...) as sentences, in the order the
    site shows them."""

    title: str
    sentences: list[str]
