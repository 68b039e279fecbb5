"""How Material's version menu names each version (versions.json, mike's format). Fast."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from generator.history.git import Version, default_note
from generator.history.versions import ClientVersions, version_title, versions_json


def version(name: str, day: str, note: str = "", time: str = "16:40") -> Version:
    return Version("crumb", name, date.fromisoformat(day), note, "0" * 40, time)


def titles(*versions: Version) -> list[str]:
    cv = ClientVersions("crumb", Path("crumb"), None, "crumb", list(versions), [])
    return [entry["title"] for entry in json.loads(versions_json(cv))]


def test_two_versions_of_one_day_read_apart():
    """Before: 'v1 (2026-12-02)' and 'v2 (2026-12-02)', alike."""
    assert titles(version("v1", "2026-12-02", "Signed plan", "09:15"),
                  version("v2", "2026-12-02", "", "16:40")) == [
        "latest", "v2 (2\u00a0Dec\u00a02026, 16:40)", "v1 (2\u00a0Dec\u00a02026): Signed plan"]


def test_the_note_milepost_writes_by_itself_is_not_repeated_and_a_lone_day_has_no_time():
    assert titles(version("v1", "2026-11-02", default_note("crumb", "v1")),
                  version("v2", "2026-12-02", "December baseline")) == [
        "latest", "v2 (2\u00a0Dec\u00a02026): December baseline", "v1 (2\u00a0Nov\u00a02026)"]


def test_a_long_note_is_cut_at_a_word_and_every_title_is_inert():
    long = version("v3", "2026-12-09", "Phase two signed off by the board, with the "
                   "new checkout <b>and</b> the loyalty scheme")
    assert version_title(long, same_day=False) == (
        "v3 (9\u00a0Dec\u00a02026): Phase two signed off by the board, with the new…")
    hostile = version("v4", "2026-12-09", "<img src=x onerror=alert(1)> &lt;b&gt;")
    assert version_title(hostile, same_day=False) == (
        "v4 (9\u00a0Dec\u00a02026): ‹img src=x onerror=alert(1)› &amp;lt;b&amp;gt;")
