"""The settings several commands share, settled in one place: from the flags, else the
environment, else a default.

| setting   | flag                         | environment           | otherwise                     |
| --------- | ---------------------------- | --------------------- | ----------------------------- |
| projects  | `--projects DIR` (or the old | —                     | `projects`                    |
|           | positional PROJECTS)         |                       |                               |
| clients   | `--client SLUG`, repeatable  | —                     | every client                  |
| shard     | `--shard K/N`                | —                     | every client (no shards)      |
| today     | `--as-of DATE`               | `SOURCE_DATE_EPOCH`   | the clock                     |
| strict    | `--strict`                   | —                     | off                           |
| jobs      | `-j N`                       | —                     | the number of cores           |
| debug     | `--debug`                    | —                     | off                           |
| access    | `--access FILE`              | `MILEPOST_ACCESS`     | `access.yml`                  |
| smtp      | `--smtp URL`                 | —                     | none (`--eml` writes files)   |
| sender    | `--from ADDRESS`             | `MILEPOST_FROM`       | the agency's project lead     |
| in_ci     | —                            | `CI` (true, 1 or yes) | off                           |
| live      | —                            | `CI` unset or empty,  | plain lines                   |
|           |                              | on a terminal         |                               |

The site's address is not a flag: it is `site_url` in the base mkdocs.yml (the one beside
the projects folder, else Milepost's own), and a client's `site_url` in client.yml comes
first; `generator/site/urls.py` reads it for each client. Passwords (`MILEPOST_SMTP_PASSWORD`,
`MILEPOST_IMAP_PASSWORD`) are not settings: they are read where they are used, so this object
can be shown or handed to a worker without carrying a secret. Nor is what a CI system says
of itself (GitLab's `CI_PROJECT_DIR`): the one check that needs it reads it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path

from generator.problems import MilepostError
from generator.project.shards import Shard, parse_shard

DEFAULT_PROJECTS = "projects"
DEFAULT_ACCESS = "access.yml"
ACCESS_VARIABLE = "MILEPOST_ACCESS"  # a CI secret stored as a file (GitLab "File" variables)
SENDER_VARIABLE = "MILEPOST_FROM"  # the digest's messages name it too


@dataclass(frozen=True)
class Settings:
    """What several commands share (see the table above for where each comes from)."""

    projects: Path              # the projects folder, or one client's folder
    clients: list[str] | None   # only these clients (None: every one)
    shard_given: str | None     # --shard as given; `shard` is what it says
    as_of: str | None           # --as-of as given; `today` is the date it says
    source_date_epoch: str | None
    strict: bool                # every warning is an error
    jobs: int                   # clients built at the same time
    debug: bool                 # show what failed in full
    access: Path                # the access file
    smtp: str | None            # where digests are sent
    sender: str | None          # who digests come from (None: the agency's project lead)
    in_ci: bool                 # running in CI: publish prunes, notify warns without --push
    live: bool                  # a terminal, not a log: progress keeps a counter up to date

    @cached_property
    def today(self) -> date:
        """'Today' for overdue and lateness. Settled when a command first asks, so that a
        command without dates never fails on a bad SOURCE_DATE_EPOCH."""
        return today_from(self.as_of, self.source_date_epoch)

    @cached_property
    def shard(self) -> Shard | None:
        """Shard K of N (None: every client), checked when a command first asks."""
        return None if self.shard_given is None else parse_shard(self.shard_given)


def settings_from(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Settings:
    """The settings for the parsed flags of any command (a flag it does not take counts as
    not given) and the environment. Never raises: what is wrong is said when it is used."""
    env = os.environ if env is None else env
    given = vars(args)
    return Settings(
        projects=Path(given.get("projects") or DEFAULT_PROJECTS),
        clients=given.get("client"),
        shard_given=given.get("shard"),
        as_of=given.get("as_of"),
        source_date_epoch=env.get("SOURCE_DATE_EPOCH"),
        strict=bool(given.get("strict")),
        jobs=given.get("jobs") or os.cpu_count() or 1,
        debug=bool(given.get("debug")),
        access=Path(given.get("access") or env.get(ACCESS_VARIABLE) or DEFAULT_ACCESS),
        smtp=given.get("smtp"),
        sender=given.get("sender") or env.get(SENDER_VARIABLE) or None,
        in_ci=env.get("CI", "").strip().lower() in ("true", "1", "yes"),
        live=sys.stdout.isatty() and not env.get("CI"))


def today_from(given: str | None, source_date_epoch: str | None,
               option: str = "--as-of") -> date:
    """'Today' for overdue and lateness: the date `option` gave, else SOURCE_DATE_EPOCH,
    else the clock."""
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise MilepostError(f"{option} '{given}' is not a date (expected YYYY-MM-DD)")
    if source_date_epoch:
        try:
            return datetime.fromtimestamp(int(source_date_epoch), tz=UTC).date()
        except (ValueError, OverflowError):
            raise MilepostError(f"SOURCE_DATE_EPOCH '{source_date_epoch}' is not a number of "
                                "seconds")
    return date.today()
