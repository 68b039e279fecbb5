"""Which clients one shard builds, when `--shard K/N` spreads a build over N machines.

Every client is in exactly one shard, the shards are about the same size, and adding a client
moves few others. Size is the bytes of the client's YAML, in whole KiB: the pages a site
makes, and so the time MkDocs takes, grow with its records, and the files say it without
reading them (every shard works the assignment out for itself, from the same files, so it
must be cheap and the same on every machine).

How: "consistent hashing with bounded loads". Each client ranks the shards in an order of
its own, drawn from a hash of its slug and the shard's number (rendezvous hashing), and
clients are placed one by one, in an order also drawn from a hash of their slug, each in the
first shard of its ranking that still has room: at most `SLACK` more than an even share. A
new client takes the place its hash gives it: the others keep their first choice unless a
shard fills up, so only a few move (a client that lost its room, and those after it that
its move displaces). A client too big for any shard's room goes to the least loaded one, so
no shard ever holds more than an even share and SLACK, or an even share and the biggest
client.

Nothing depends on this being stable to be right: each shard starts from what was published
of its own clients. Stable, a shard keeps the same clients from one run to the next, so what
a CI system caches for a shard job stays useful, and each job takes about as long as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.problems import MilepostError

SLACK = 0.1  # a shard may hold this much more than an even share before it counts as full

_SHARD = re.compile(r"(?P<k>[0-9]+)/(?P<n>[0-9]+)")


@dataclass(frozen=True)
class Shard:
    """Shard `k` of `n`, counted from 1 as the command line says it (`--shard 2/3`)."""

    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def parse_shard(text: str) -> Shard:
    """`K/N` from the command line: a shard number K from 1 to N."""
    found = _SHARD.fullmatch(text.strip())
    if found is None:
        raise MilepostError(f"--shard '{text}' is not K/N: write the shard's number and how "
                            "many there are, e.g. --shard 2/3 (the second of three)")
    k, n = int(found["k"]), int(found["n"])
    if n < 1:
        raise MilepostError(f"--shard '{text}': there must be at least one shard (N ≥ 1)")
    if not 1 <= k <= n:
        raise MilepostError(f"--shard '{text}': shards are counted from 1 to {n}, so K must "
                            f"be one of 1…{n}")
    return Shard(k, n)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _ranking(slug: str, n: int) -> list[int]:
    """The shards (0 to n-1) in this client's own order of preference."""
    return sorted(range(n), key=lambda shard: (_hash(f"{slug}\0{shard}"), shard))


def assign(sizes: dict[str, int], n: int) -> dict[str, int]:
    """The shard (0 to n-1) of each client, given each client's size (at least 1)."""
    weights = {slug: max(1, size) for slug, size in sizes.items()}
    room = (1 + SLACK) * sum(weights.values()) / n
    loads = [0] * n
    placed: dict[str, int] = {}
    for slug in sorted(weights, key=lambda s: (_hash(s), s)):
        weight = weights[slug]
        ranking = _ranking(slug, n)
        shard = next((s for s in ranking if loads[s] + weight <= room),
                     min(ranking, key=lambda s: loads[s]))
        loads[shard] += weight
        placed[slug] = shard
    return placed


def folder_size(folder: Path) -> int:
    """A client's size: the bytes of its YAML files, in whole KiB (at least 1)."""
    total = sum(p.stat().st_size for p in folder.rglob("*")
                if p.suffix in (".yml", ".yaml") and p.is_file())
    return max(1, -(-total // 1024))


def shard_of(folders: list[Path], shard: Shard) -> list[Path]:
    """The client folders of `shard`, out of every client folder of the projects folder."""
    placed = assign({f.name: folder_size(f) for f in folders}, shard.n)
    return [f for f in folders if placed[f.name] == shard.k - 1]


def made_with(today: date, engine: str) -> dict[str, str]:
    """What a shard's output depends on besides the clients' files, which every shard and
    `assemble` must share: the date the pages say is today, and the engine."""
    return {"as_of": today.isoformat(), "engine": engine}


def check_made_alike(made: dict[str, dict[str, str]], wanted: dict[str, str]) -> None:
    """Refuse shards' outputs (named by their folders) built on different dates or with
    different engines, or not as `assemble` was asked to work: one site would mix them."""
    flags = {"as_of": "--as-of", "engine": "--engine"}
    for key, wanted_value in wanted.items():
        found = {folder: said.get(key, "unknown") for folder, said in made.items()}
        if set(found.values()) != {wanted_value}:
            listed = ", ".join(f"{folder}: {value}" for folder, value in found.items())
            raise MilepostError(
                f"the shards were not all built with {key.replace('_', ' ')} {wanted_value}, "
                f"as assemble is ({listed}): build every shard and assemble with the same "
                f"{flags[key]}")


def match_shards(outputs: dict[str, tuple[str, list[str]]], every: list[str]) -> dict[str, str]:
    """Where each client is to be taken from, given what each shard's output (named by its
    folder) says it is and holds: every shard of the same N exactly once, every client of the
    projects folder in exactly one of them. Raises, naming what is wrong, before anything is
    written."""
    shards = {folder: parse_shard(shard) for folder, (shard, _) in outputs.items()}
    counts = {s.n for s in shards.values()}
    if len(counts) > 1:
        said = ", ".join(f"{f} is {s}" for f, s in shards.items())
        raise MilepostError(f"the shards' outputs are of different splits ({said}): build "
                            "every shard with the same N")
    n = counts.pop() if counts else 0
    seen: dict[int, str] = {}
    for folder, s in shards.items():
        if s.k in seen:
            raise MilepostError(f"shard {s} is given twice ({seen[s.k]} and {folder}): give "
                                "each shard's output once")
        seen[s.k] = folder
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    if missing:
        raise MilepostError(f"shard {', '.join(missing)} is missing: give the output of every "
                            f"one of the {n} shards")
    source: dict[str, str] = {}
    for folder, (_, clients) in outputs.items():
        for slug in clients:
            if slug in source:
                raise MilepostError(f"{slug} is in two shards' outputs ({source[slug]} and "
                                    f"{folder}): were they built from different commits?")
            source[slug] = folder
    absent = [slug for slug in every if slug not in source]
    if absent:
        raise MilepostError(f"not in any shard's output: {', '.join(absent)} (its shard did "
                            "not build it: see that shard's errors, or the shards were built "
                            "from another commit)")
    extra = sorted(set(source) - set(every))
    if extra:
        raise MilepostError(f"{', '.join(extra)}: built by a shard but not in the projects "
                            "folder (were the shards built from another commit?)")
    return source
