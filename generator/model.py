"""Stage 3, model: the client's public project, with everything internal removed.

`build_model` is the only way from records to what rendering sees. Internal records and
`internal_notes` (dropped while reading) cannot reach a page because they are not here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator import records as r
from generator.checks import check_client, placeholders
from generator.load import RECORD_FOLDERS, find_clients
from generator.problems import MilepostError, Problem, display_path, errors
from generator.validate import ClientRecords, read_client_records


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


def _public(items):
    return [x for x in items if not x.internal]


def build_model(c: ClientRecords) -> Project:
    """The public project of a validated client."""
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
        decisions=_settle_superseded(_public(c.decisions)),
        signoffs=_public(c.signoffs),
        changes=_public(c.changes),
        risks=_public(c.risks),
        updates=sorted(_public(c.updates), key=lambda u: u.date),
    )


def _settle_superseded(decisions: list[r.Decision]) -> list[r.Decision]:
    """A decision replaced by an accepted one is superseded, whatever its own file says."""
    replaced = {old for d in decisions if d.status in ("accepted", "superseded")
                for old in d.supersedes}
    return [dataclasses.replace(d, status="superseded") if d.id in replaced else d
            for d in decisions]


@dataclass
class Checked:
    """The outcome of checking a projects folder: models of the valid clients, all problems."""

    projects: list[Project]
    problems: list[Problem]
    clients: int
    failed: list[str]


def check_client_folder(folder: Path, shown_root: str, today: date, *,
                        publishing: bool = False) -> tuple[Project | None, list[Problem]]:
    """Check one client; `publishing` makes a placeholder on a public record an error."""
    records, problems = read_client_records(folder, shown_root)
    if records is not None:
        problems += check_client(records, today)
        problems += placeholders(records, publishing)
    problems = [dataclasses.replace(p, client=folder.name) for p in problems]
    if records is None or errors(problems):
        return None, problems
    return build_model(records), problems


def _whole(path: Path) -> Path:
    # `.` and `..` have no name: spell them out, so the client's slug is known.
    return path.resolve() if path.name in ("", ".", "..") else path


def client_scope(path: Path, only: list[str] | None = None) -> tuple[Path, list[str] | None]:
    """The projects folder and the clients to take, for a folder the PM named: a projects
    folder (one folder per client) or one client's own folder (it holds client.yml)."""
    path = _whole(path)
    if not path.is_dir():
        raise MilepostError(f"{path}: no such folder (expected a projects folder, with one "
                            "folder per client, or a client's folder, with its client.yml)")
    if (path / "client.yml").is_file():
        others = sorted(set(only or []) - {path.name})
        if others:
            raise MilepostError(f"{path} is the folder of client {path.name}, but --client "
                                f"names {', '.join(others)}: give the projects folder "
                                f"{path.parent} to choose among its clients")
        return path.parent, [path.name]
    found = _client_things(path)
    if found and not any((p / "client.yml").is_file() for p in find_clients(path)):
        raise MilepostError(
            f"{path} is neither a client's folder (there is no client.yml in it) nor a projects "
            f"folder (it holds {', '.join(found)} but no client folders): name a client's "
            "folder or the projects folder that holds them; a client's folder needs a "
            "client.yml (see README.md#the-client-folder)")
    return path, only


def _client_things(path: Path) -> list[str]:
    """What in `path` belongs inside a client folder: YAML files or the record folders (a
    projects folder holds one folder per client)."""
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in path.iterdir()
                   if p.name in RECORD_FOLDERS or (p.is_file() and p.suffix in (".yml", ".yaml")))
    return names[:4] + (["…"] if len(names) > 4 else [])


def locate_client(projects_dir: Path, slug: str) -> tuple[Path, str]:
    """The projects folder and slug of the one client a command is about: SLUG in the
    projects folder, or SLUG given as the client's folder, or --projects naming it."""
    named = _whole(Path(slug))
    if not (projects_dir / slug).is_dir() and (named / "client.yml").is_file():
        return named.parent, named.name
    projects_dir, only = client_scope(projects_dir)
    if only is not None and only != [slug]:
        raise MilepostError(f"--projects {projects_dir / only[0]} is the folder of client "
                            f"{only[0]}, not of '{slug}'")
    return projects_dir, slug


def select_clients(projects_dir: Path, only: list[str] | None = None) -> list[Path]:
    """The client folders of a projects folder (or of a client's own folder), or only those
    named."""
    projects_dir, only = client_scope(projects_dir, only)
    folders = find_clients(projects_dir)
    if only:
        names = {f.name for f in folders}
        unknown = [s for s in only if s not in names]
        if unknown:
            raise MilepostError(f"no client folder named {', '.join(unknown)} in "
                                f"{projects_dir} (clients: {', '.join(sorted(names)) or 'none'})")
        folders = [f for f in folders if f.name in only]
    return folders


def check_projects(projects_dir: Path, today: date, only: list[str] | None = None) -> Checked:
    """Check every client (or those named) of a projects folder, or one client's folder."""
    projects_dir, only = client_scope(projects_dir, only)
    folders = select_clients(projects_dir, only)
    shown_root = display_path(projects_dir)
    result = Checked([], [], len(folders), [])
    for folder in folders:
        project, problems = check_client_folder(folder, shown_root, today)
        result.problems += problems
        if project is None:
            result.failed.append(folder.name)
        else:
            result.projects.append(project)
    return result
