"""Which client folders a command means: a projects folder (one folder per client), one
client's own folder (it holds client.yml), or only the clients named with --client.
Reads folder names only; checking and building the clients is the pipeline's."""

from __future__ import annotations

from pathlib import Path

from generator.docs import docs_url
from generator.format.load import RECORD_FOLDERS, find_clients
from generator.problems import MilepostError


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
            f"client.yml (see {docs_url('guide/client-folder.html')})")
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
