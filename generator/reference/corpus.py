"""The bad-input corpus: one small broken client per message that validation can give, with
what to do about it. The Messages page runs each case through the real validation and shows
what it printed; a test checks that the cases reach every message in the code.

Each case is the valid client below (`BASE`) with one or a few files written over it. The
file shown on the page is the first one the case writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.format import scaffold
from generator.format.load import MAX_FILE_BYTES
from generator.format.validate import MARKDOWN_LINES, MARKDOWN_MARKS, MARKDOWN_NESTING

# Each group of messages is one section of the page, with this anchor (other pages and
# messages may link to them: the anchors stay as they are).
MESSAGE_GROUPS: dict[str, str] = {
    "yaml": "Reading a file",
    "folder": "The client's folder",
    "records": "Fields and records",
    "values": "Values",
    "references": "References between records",
    "team": "The team",
    "roadmap": "Milestones and client tasks",
    "decisions": "Decisions",
    "signoffs": "Sign-offs",
    "changes": "Change requests",
    "feedback": "Feedback",
    "updates": "Updates",
    "client": "Budget and dates in client.yml",
    "logo": "The logo",
    "placeholders": "Text left from milepost new",
    "access": "The access file",
}

TODAY = date(2026, 6, 1)  # "today" for every case: dates after it are in the future
SLUG = "acme"

CLIENT = """\
name: Acme
project: Website relaunch
start: 2026-01-05
team:
  - name: Pat Lee
    side: team
    lead: true
  - name: Cleo Client
    side: client
    lead: true
"""
ROADMAP = """\
milestones:
  - id: M1
    title: Design
    planned: 2026-03-02
    deliverables:
      - id: D1
        title: Wireframes
        signoff: true
  - id: M2
    title: Launch
    planned: 2026-09-30
    depends_on: [M1]
"""
BASE: dict[str, str | bytes] = {"client.yml": CLIENT}

Files = dict[str, "str | bytes | None"]


@dataclass(frozen=True)
class Case:
    """One way to break a client, the part of the message that shows it was reached, and
    what to do about it."""

    id: str          # the example's anchor on the page
    group: str       # a key of MESSAGE_GROUPS
    title: str
    files: Files     # written over BASE; None removes a file; the first one is shown
    fix: str         # what to do, in Markdown
    expect: str      # a part of the message this case must produce
    slug: str = SLUG
    publishing: bool = False
    setup: Callable[[Path], None] | None = None  # what a file cannot say: links, size
    shown: str = ""  # the snippet, when the file itself is too long or not text
    also: Files = field(default_factory=dict)  # files written but not shown


def client_with(extra: str) -> str:
    return CLIENT + extra


def edit(text: str, old: str, new: str) -> str:
    """`text` with `old`, which must be in it once, replaced by `new`."""
    if text.count(old) != 1:
        raise ValueError(f"{old!r} is in the text {text.count(old)} times, not once")
    return text.replace(old, new)


def roadmap_with(old: str, new: str) -> str:
    return edit(ROADMAP, old, new)


# --- cases that need more than file text --------------------------------------------------

def _link_client_folder(folder: Path) -> None:
    real = folder.with_name("acme-files")
    folder.rename(real)
    folder.symlink_to(real, target_is_directory=True)


def _link_out_of_folder(folder: Path) -> None:
    outside = folder.parent.parent / "risks.yml"
    outside.write_text("[]\n", encoding="utf-8")
    (folder / "risks.yml").symlink_to(outside)


def _huge_file(folder: Path) -> None:
    line = "# a comment line, repeated until the file is over the limit\n"
    (folder / "risks.yml").write_text(line * (MAX_FILE_BYTES // len(line) + 1),
                                      encoding="utf-8")


def _logo_link(folder: Path) -> None:
    outside = folder.parent.parent / "logo.svg"
    outside.write_text(SVG.format(""), encoding="utf-8")
    (folder / "logo.svg").symlink_to(outside)


def _folder_named(name: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).mkdir(parents=True)
        (folder / name / "notes.yml").write_text("text: kept here\n", encoding="utf-8")
    return make


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>\n'
THEMED = client_with("theme:\n  logo: logo.svg\n")


def _theme(logo: str) -> str:
    return client_with(f"theme:\n  logo: {json.dumps(logo)}\n")


def _placeholder(ph: scaffold.Placeholder) -> str:
    return json.dumps(ph.written("Acme"))


LONG_ID = "M" + "1" * 70
MANY_LINES = "summary: |\n" + "  A line.\n" * (MARKDOWN_LINES + 1)
MANY_MARKS = f"summary: \"{'*' * (MARKDOWN_MARKS + 1)}\"\n"
DEEP = "summary: \"" + "- " * (MARKDOWN_NESTING + 1) + "deep\"\n"


CASES: list[Case] = [
    # --- reading a file ---------------------------------------------------------------
    Case("tab-indent", "yaml", "A tab used for indentation",
         {"client.yml": CLIENT.replace("    side: team", "\tside: team")},
         "Indent with spaces only: set your editor to insert spaces for the Tab key.",
         "a tab is used for indentation"),
    Case("not-utf-8", "yaml", "A file that is not UTF-8",
         {"client.yml": CLIENT.replace("Acme", "Acm\xe9").encode("latin-1")},
         "Save the file as UTF-8 (in most editors: *Save with encoding*, UTF-8).",
         "is not UTF-8 text", shown="name: Acmé    # saved as Latin-1, not UTF-8\n…"),
    Case("control-character", "yaml", "An invisible control character",
         {"client.yml": CLIENT.replace("Website relaunch", "Website\x07 relaunch")},
         "Delete the character: retype the words around the position given, or paste the "
         "text again as plain text.", "invisible control character",
         shown="project: Website relaunch   # an invisible U+0007 after 'Website'\n…"),
    Case("alias", "yaml", "An alias (*name)",
         {"roadmap.yml": roadmap_with("planned: 2026-03-02", "planned: &start 2026-03-02")
          .replace("planned: 2026-09-30", "planned: *start")},
         "Write the value out in full where the alias stands.", "aliases (*start)"),
    Case("yaml-tag", "yaml", "A YAML tag",
         {"client.yml": CLIENT.replace("Website relaunch", "!!str Website relaunch")},
         "Remove the tag (the word starting with `!`); quote the value if it needs it.",
         "YAML tags like"),
    Case("unclosed-quote", "yaml", "A quote that is never closed",
         {"client.yml": CLIENT.replace("Website relaunch", '"Website relaunch')},
         "Close the quote where the text ends. A `\"` inside a double-quoted text is written "
         "`\\\"`; a `'` inside a single-quoted text is written `''`.", "is never closed"),
    Case("colon-in-value", "yaml", "A ': ' inside a value",
         {"client.yml": CLIENT.replace("Website relaunch", "Website: relaunch")},
         "Put the whole value in quotes: `project: \"Website: relaunch\"`.",
         "must be quoted"),
    Case("bad-indentation", "yaml", "A line indented wrongly",
         {"client.yml": CLIENT.replace("  - name: Cleo Client", " - name: Cleo Client")},
         "Indent the line like the lines at the same level above it (the same number of "
         "spaces).", "check the indentation"),
    Case("tab-in-value", "yaml", "A tab where YAML expects a value",
         {"client.yml": CLIENT.replace("    lead: true\n  - name: Cleo",
                                       "    lead: true\n  -\tname: Cleo")},
         "Replace the tab with spaces.", "replace the tab with spaces"),
    Case("yaml-syntax", "yaml", "Other broken YAML",
         {"roadmap.yml": roadmap_with("depends_on: [M1]", "depends_on: [M1")},
         "Look at the line given and the one before it: a bracket or quote not closed, a "
         "missing `- ` or `:`.", "not valid YAML"),
    Case("duplicate-key", "yaml", "A key given twice",
         {"client.yml": CLIENT.replace("start: 2026-01-05\n",
                                       "start: 2026-01-05\nname: Acme Inc\n")},
         "Keep one of the two lines: YAML would otherwise silently keep only the last one.",
         "duplicate key"),
    Case("too-deep", "yaml", "A file nested too deeply",
         {"risks.yml": "[" * 5000 + "]" * 5000 + "\n"},
         "The file holds thousands of lists inside each other, which no record needs: "
         "rewrite it as the format describes.", "nested too deeply",
         shown="[[[[[[[[[[ … (5,000 brackets) … ]]]]]]]]]]\n"),
    Case("too-big", "yaml", "A file over the size limit", {}, "Split the records over "
         "several files where the format allows it (decisions/, updates/), or move old "
         "records out.", "the limit is", setup=_huge_file,
         shown=f"(risks.yml, {MAX_FILE_BYTES + 1:,} bytes or more)\n"),

    # --- the client's folder ----------------------------------------------------------
    Case("missing-client-yml", "folder", "No client.yml", {"client.yml": None},
         "Create client.yml with at least `name`, `project` and `start` (`milepost new` "
         "writes one).", "missing client.yml", also={"roadmap.yml": ROADMAP},
         shown="acme/\n  roadmap.yml\n"),
    Case("bad-slug", "folder", "A folder name that is not a slug", {},
         "Rename the folder: lowercase letters, digits and `-`. The name is the client's "
         "address on the site.", "is not a valid client slug", slug="Acme_Site",
         shown="projects/\n  Acme_Site/\n    client.yml\n"),
    Case("slug-with-space", "folder", "A folder name with a space or invisible character",
         {}, "Rename the folder without spaces: e.g. `acme-site`.", "holds a space",
         slug="acme site", shown="projects/\n  acme site/\n    client.yml\n"),
    Case("slug-with-line-break", "folder", "A folder name with a line break", {},
         "Rename the folder (a script or a copy may have added the line break).",
         "holds a line break", slug="acme\n", shown="projects/\n  acme⏎/\n    client.yml\n"),
    Case("linked-folder", "folder", "A client folder that is a link", {},
         "Make it a real folder: copy the files into it, or remove the link.",
         "is a link to another folder", setup=_link_client_folder,
         shown="projects/\n  acme -> acme-files/\n"),
    Case("file-link-outside", "folder", "A file that is a link out of the folder", {},
         "Copy the file into the client's folder instead of linking to it.",
         "is a link to a file outside", setup=_link_out_of_folder,
         shown="acme/\n  client.yml\n  risks.yml -> ../../risks.yml\n"),
    Case("unknown-file", "folder", "A YAML file Milepost does not read",
         {"risk.yml": "[]\n"}, "Rename it to the file it was meant to be, or move it out "
         "of the client's folder.", "unknown file", shown="acme/\n  client.yml\n  risk.yml\n"),
    Case("file-named-like-folder", "folder", "A file where a folder belongs",
         {"decisions": "id: DR-001\n"}, "Make a folder `decisions/` and put one `.yml` file "
         "per record in it.", "is a file, but", shown="acme/\n  client.yml\n  decisions\n"),
    Case("other-file", "folder", "A file of another kind", {"notes.docx": b"PK\x03\x04"},
         "Move it out of the client's folder (a logo may be `.svg` or `.png`; `.md` and "
         "`.txt` notes are left alone).", "does not read 'notes.docx'",
         shown="acme/\n  client.yml\n  notes.docx\n"),
    Case("folder-named-like-file", "folder", "A folder where a file belongs", {},
         "Move what the folder holds into the file of that name.", "must be a file",
         setup=_folder_named("risks.yml"), shown="acme/\n  client.yml\n  risks.yml/\n"),
    Case("unknown-folder", "folder", "A folder Milepost does not read", {},
         "Move it out of the client's folder, or rename it to `decisions/` or `updates/` if "
         "it holds those records.", "does not read the folder", setup=_folder_named("notes"),
         shown="acme/\n  client.yml\n  notes/\n"),
    Case("not-a-record-file", "folder", "A file in decisions/ or updates/ that is not .yml",
         {"decisions/DR-001.txt": "id: DR-001\n"}, "Rename it to end in `.yml` if it is a "
         "record; otherwise move it out.", "is not a .yml file",
         shown="acme/\n  decisions/\n    DR-001.txt\n"),

    # --- fields and records -----------------------------------------------------------
    Case("empty-file", "records", "An empty file", {"decisions/DR-001.yml": "\n"},
         "Fill the record in, or delete the file.", "the file is empty"),
    Case("empty-client-yml", "records", "An empty client.yml", {"client.yml": "\n"},
         "Give at least `name`, `project` and `start`.", "client.yml needs at least"),
    Case("list-file-as-mapping", "records", "A list file written as one record",
         {"risks.yml": "id: R1\ntitle: Content arrives late\nlikelihood: medium\n"
          "impact: high\nowner: Pat Lee\nstatus: open\n"},
         "Start each record with `- ` and indent its other lines by two spaces.",
         "start each one with '- '"),
    Case("record-not-a-mapping", "records", "A record that is not key: value pairs",
         {"risks.yml": "- R1 content arrives late\n"},
         "Write the record as `key: value` lines (see the fields of this file).",
         "expected a risk (key: value pairs)"),
    Case("unknown-field-typo", "records", "An unknown field (a typo)",
         {"client.yml": CLIENT.replace("project:", "projet:")},
         "Correct the field's name (the message suggests the closest one).",
         "did you mean 'project'"),
    Case("unknown-field", "records", "An unknown field",
         {"client.yml": client_with("colour: blue\n")},
         "Remove the field, or use one of those the message lists; keep notes for the "
         "agency in `internal_notes`.", "(allowed:"),
    Case("unknown-field-colon", "records", "Text with a ':' taken for a field",
         {"decisions/DR-001.yml": "id: DR-001\ntitle: Use a headless CMS\nstatus: accepted\n"
          "date: 2026-01-20\nNote from Cleo: we can live with it\n"},
         "Put the text in quotes under the field it belongs to.",
         "a ':' inside it needs quotes"),
    Case("unknown-field-comma", "records", "Text with a ',' taken for a field",
         {"roadmap.yml": roadmap_with("      - id: D1\n        title: Wireframes\n"
                                      "        signoff: true\n",
                                      "      - {id: D1, title: Basket, checkout designs}\n")},
         "Put the text in quotes: inside `{ }` a `,` separates fields.",
         "a ',' inside text needs quotes"),
    Case("missing-field", "records", "A required field missing",
         {"risks.yml": "- id: R1\n  title: Content arrives late\n  likelihood: medium\n"
          "  impact: high\n  status: open\n"},
         "Add the field (the [Fields](fields.md) page says what each record needs).",
         "missing required field 'owner'"),
    Case("internal-notes-not-text", "records", "internal_notes that are not text",
         {"client.yml": client_with("internal_notes:\n  - call Cleo\n")},
         "Write the notes as one text; use `|` and indented lines for several lines.",
         "internal_notes: expected text"),

    # --- values -----------------------------------------------------------------------
    Case("empty-value", "values", "An empty value", {"client.yml": CLIENT.replace(
        "project: Website relaunch", "project:")},
         "Give a value, or remove the line if the field is optional.", "is empty"),
    Case("list-for-text", "values", "A list where text belongs", {"client.yml": CLIENT.replace(
        "project: Website relaunch", "project: [Website, Shop]")},
         "Write one text; put a list into a field that takes a list.", "found a list"),
    Case("mapping-for-text", "values", "Key: value pairs where text belongs",
         {"client.yml": CLIENT.replace("project: Website relaunch",
                                       "project:\n  Phase two: the shop")},
         "Write one text, in quotes if it holds `: `.", "a ':' inside text needs quotes"),
    Case("list-for-key", "values", "A list where a key belongs",
         {"client.yml": client_with("glossary:\n  [CMS, DAM]: systems\n")},
         "Write each term as a key of its own: `CMS: content management system`.",
         "expected a key, found a list"),
    Case("control-in-text", "values", "A control character in a text",
         {"client.yml": CLIENT.replace("Website relaunch", '"Website\\a relaunch"')},
         "Remove the escape (`\\a`, `\\e`, …); text may hold line breaks and tabs only.",
         "control character U+0007"),
    Case("text-too-long", "values", "An ID or text that is too long",
         {"roadmap.yml": roadmap_with("id: M2", f"id: {LONG_ID}")},
         "Shorten it; longer text belongs in a Markdown field such as `description`.",
         "may have at most 64"),
    Case("markdown-too-many-lines", "values", "A Markdown field with too many lines",
         {"client.yml": client_with(MANY_LINES)},
         "Shorten the text, or spread it over several records (updates, decisions).",
         "lines; a Markdown field", shown=f"summary: |\n  A line.\n  … ({MARKDOWN_LINES + 1:,} "
         "lines)\n"),
    Case("markdown-too-many-marks", "values", "A Markdown field with too much formatting",
         {"client.yml": client_with(MANY_MARKS)},
         "Remove formatting that is not needed.", "formatting characters",
         shown=f"summary: \"******** … ({MARKDOWN_MARKS + 1:,} asterisks)\"\n"),
    Case("markdown-too-deep", "values", "Lists or quotes nested too deeply",
         {"client.yml": client_with(DEEP)}, "Remove the extra `-`, `1.` or `>` marks.",
         "lists or quotes inside each other"),
    Case("bad-id", "values", "An ID that is not valid",
         {"roadmap.yml": roadmap_with("id: M2", "id: 2nd milestone")},
         "Start the ID with a letter; use letters, digits, `-`, `_` or `.` only.",
         "is not a valid ID"),
    Case("bad-email", "values", "An email address that is not one",
         {"client.yml": CLIENT.replace("    side: team\n",
                                       "    side: team\n    email: pat at agency\n")},
         "Write the whole address, e.g. `pat@agency.example`.", "is not an email address"),
    Case("bad-url", "values", "A web address that is not one",
         {"client.yml": client_with("site_url: projects.example.com/acme\n")},
         "Write the address in full, starting with `https://`.", "is not a web address"),
    Case("bad-choice", "values", "A value not among the choices",
         {"client.yml": CLIENT.replace("side: team", "side: agency")},
         "Use one of the values listed (the message suggests the closest one).",
         "is not allowed here"),
    Case("yes-for-choice", "values", "yes or no where a choice belongs",
         {"signoffs.yml": "- deliverable: D1\n  version: \"1.0\"\n  date: 2026-02-04\n"
          "  by: Cleo Client\n  outcome: approved\n  via: no\n"},
         "Use one of the values listed: the field is not a yes/no question.",
         "it is not a yes/no field", also={"roadmap.yml": ROADMAP}),
    Case("choice-typo", "values", "A misspelt choice",
         {"decisions/DR-001.yml": "id: DR-001\ntitle: Use a headless CMS\nstatus: acepted\n"
          "date: 2026-01-20\n"}, "Correct the spelling.", "did you mean 'accepted'"),
    Case("not-true-false", "values", "yes or no where true or false belongs",
         {"client.yml": CLIENT.replace("    lead: true\n  - name: Cleo",
                                       "    lead: yes\n  - name: Cleo")},
         "Write `true` or `false`.", "is not true or false"),
    Case("date-format", "values", "A date written another way",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 05/01/2026")},
         "Write dates as YYYY-MM-DD: `2026-01-05`.", "is not a date"),
    Case("date-not-real", "values", "A date that does not exist",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 2026-02-30")},
         "Correct the day: the message says how many days the month has.",
         "February 2026 has 28 days"),
    Case("date-no-month", "values", "A date with a month that does not exist",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 2026-13-05")},
         "Correct the month: 01 to 12 (day and month swapped, perhaps).",
         "there is no month 13"),
    Case("date-day-zero", "values", "A date on day 00",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 2026-01-00")},
         "Correct the day: days start at 01.", "days start at 01"),
    Case("date-year-zero", "values", "A date in the year 0000",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 0000-01-05")},
         "Correct the year.", "there is no year 0000"),
    Case("date-far", "values", "A date outside the years accepted",
         {"client.yml": CLIENT.replace("start: 2026-01-05", "start: 1926-01-05")},
         "Correct the year.", "outside the years"),
    Case("quoted-number", "values", "A number in quotes",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: \"48000\"\n")},
         "Remove the quotes.", "remove the quotes"),
    Case("quoted-text-for-number", "values", "Text in quotes where a number belongs",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: \"about 48k\"\n")},
         "Write the number alone, without quotes.", "expected a number, found 'about 48k'"),
    Case("number-with-separator", "values", "A number with separators or a currency",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 48,000\n")},
         "Write digits only: `48000`; the currency goes in `currency`.", "digits only"),
    Case("negative-number", "values", "A negative amount",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 48000\n"
                                    "  spent: -500\n")},
         "Amounts and days are 0 or more: correct the sign.", "is negative"),
    Case("number-too-large", "values", "An amount too large",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 5e12\n")},
         "Correct the amount (a typo in the number of zeros?).", "is too large:"),
    Case("number-infinite", "values", "A number too large to hold",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 1e999\n")},
         "Correct the amount.", "is too large a number"),
    Case("not-a-list", "values", "Text where a list belongs",
         {"roadmap.yml": roadmap_with("depends_on: [M1]", "depends_on: M1")},
         "Write a list: `[M1]`, or one `- M1` line per item.", "expected a list"),
    Case("glossary-as-list", "values", "A glossary written as a list",
         {"client.yml": client_with("glossary:\n  - CMS\n")},
         "Write each term as `term: meaning`.", "expected key: value pairs"),
    Case("glossary-internal-notes", "values", "A glossary term like internal notes",
         {"client.yml": client_with("glossary:\n  Internal notes: call Cleo first\n")},
         "Write `internal_notes` at the level of the record to keep a note for the agency; "
         "glossary terms are published.", "looks like internal_notes"),
    Case("glossary-term-too-long", "values", "A glossary term too long",
         {"client.yml": client_with(f"glossary:\n  {'Very ' * 25}long term: meaning\n")},
         "Shorten the term; the explanation goes in its meaning.", "is too long: a term"),
    Case("glossary-term-characters", "values", "A glossary term with other characters",
         {"client.yml": client_with("glossary:\n  \"CMS (content)\": the system\n")},
         "Use letters, digits, spaces and `. & ' + / -` in terms.",
         "cannot be a glossary term"),
]

DECISION = "id: DR-001\ntitle: Use a headless CMS\nstatus: accepted\ndate: 2026-01-20\n"
SIGNOFF = ("- deliverable: D1\n  version: \"1.0\"\n  date: 2026-03-04\n  by: Cleo Client\n"
           "  outcome: approved\n  via: email\n")
CHANGE = ("- id: CR-1\n  title: Add a blog\n  requested_by: Cleo Client\n  date: 2026-02-10\n"
          "  status: requested\n")
RISK = ("- id: R1\n  title: Content arrives late\n  likelihood: medium\n  impact: high\n"
        "  owner: Pat Lee\n  status: open\n")
FEEDBACK = "- date: 2026-03-10\n  by: Cleo Client\n  score: 4\n"
UPDATE = "date: 2026-03-02\noverall: green\nsummary: Design is under way.\n"
TASKS = ("client_tasks:\n  - id: T1\n    title: Send brand assets\n    owner: Cleo Client\n"
         "    due: 2026-03-01\n")
INTERNAL_M3 = ("  - id: M3\n    title: Internal review\n    planned: 2026-04-01\n"
               "    internal: true\n")


CASES += [
    # --- references between records ---------------------------------------------------
    Case("unknown-reference", "references", "A reference to a record that does not exist",
         {"roadmap.yml": roadmap_with("depends_on: [M1]", "depends_on: [M7]")},
         "Correct the ID (the message lists those that exist), or add the record.",
         "'M7' is not a milestone"),
    Case("reference-to-internal", "references", "A public record referring to an internal one",
         {"roadmap.yml": roadmap_with("depends_on: [M1]", "depends_on: [M3]") + INTERNAL_M3},
         "Mark the referring record `internal: true` too, or remove the reference: the "
         "client would see an ID they cannot look up.", "is an internal milestone"),
    Case("unknown-related", "references", "A related ID that does not exist",
         {"decisions/DR-001.yml": DECISION + "related: [M9]\n"},
         "Correct the ID, or remove it from `related`.", "is not a milestone, deliverable",
         also={"roadmap.yml": ROADMAP}),
    Case("related-internal", "references", "A related ID of an internal record",
         {"decisions/DR-001.yml": DECISION + "related: [M3]\n"},
         "Mark this record internal too, or remove the ID from `related`.",
         "'M3' is internal", also={"roadmap.yml": ROADMAP + INTERNAL_M3}),
    Case("unknown-person", "references", "A person not in the team",
         {"risks.yml": RISK.replace("Pat Lee", "Pat Leigh")},
         "Write the name exactly as in the team of client.yml, or add the person there.",
         "is not in the team"),
    Case("internal-person", "references", "A public record naming an internal team member",
         {"risks.yml": RISK.replace("Pat Lee", "Sam Ops")},
         "Name someone the client may see, or mark the record internal.",
         "is an internal team member",
         also={"client.yml": client_with("  - name: Sam Ops\n    side: team\n"
                                         "    internal: true\n")}),
    Case("duplicate-id", "references", "An ID used twice",
         {"risks.yml": RISK + RISK.replace("Content arrives late", "Budget cut")},
         "Give each record its own ID.", "is already used"),

    # --- the team -----------------------------------------------------------------------
    Case("person-twice", "team", "A person listed twice",
         {"client.yml": client_with("  - name: Pat Lee\n    side: team\n")},
         "Keep one entry per person.", "is listed twice"),
    Case("two-leads", "team", "Two leads on one side",
         {"client.yml": client_with("  - name: Kim Park\n    side: team\n    lead: true\n")},
         "Keep `lead: true` on one person of each side.", "more than one lead"),
    Case("notify-team-side", "team", "notify on the agency's side",
         {"client.yml": CLIENT.replace("    side: team\n    lead: true\n",
                                       "    side: team\n    lead: true\n    notify: true\n")},
         "Remove `notify`: the digest goes to the client's people.", "on the team side"),
    Case("notify-internal", "team", "notify on an internal person",
         {"client.yml": client_with("  - name: Sam Buyer\n    side: client\n"
                                    "    email: sam@client.example\n    notify: true\n"
                                    "    internal: true\n")},
         "Remove `notify` or `internal`.", "this person is internal"),
    Case("notify-without-email", "team", "notify without an email address",
         {"client.yml": CLIENT.replace("    side: client\n    lead: true\n",
                                       "    side: client\n    lead: true\n    notify: true\n")},
         "Add `email` to the person, or remove `notify`.", "notify needs an email address"),

    # --- milestones and client tasks -------------------------------------------------------
    Case("depends-on-itself", "roadmap", "A milestone that depends on itself",
         {"roadmap.yml": roadmap_with("depends_on: [M1]", "depends_on: [M2]")},
         "Remove its own ID from `depends_on`.", "depends on itself"),
    Case("dependency-circle", "roadmap", "Milestones that depend on each other in a circle",
         {"roadmap.yml": roadmap_with("    planned: 2026-03-02\n",
                                      "    planned: 2026-03-02\n    depends_on: [M2]\n")},
         "Remove one of the dependencies: one of the milestones must come first.",
         "in a circle"),
    Case("forecast-before-planned", "roadmap", "A forecast before the planned date",
         {"roadmap.yml": roadmap_with("planned: 2026-09-30", "planned: 2026-09-30\n"
                                      "    forecast: 2026-09-01")},
         "If the milestone will be early, say so in an update; if the plan changed, move "
         "`planned` (and release a version).", "is before planned"),
    Case("done-in-future", "roadmap", "A milestone done in the future",
         {"roadmap.yml": roadmap_with("planned: 2026-09-30", "planned: 2026-09-30\n"
                                      "    done: 2026-09-29")},
         "Set `done` once the milestone is reached, with the day it was.",
         "done date 2026-09-29 is in the future"),
    Case("done-without-signoff", "roadmap", "A done milestone without the sign-off",
         {"roadmap.yml": roadmap_with("planned: 2026-03-02", "planned: 2026-03-02\n"
                                      "    done: 2026-03-02")},
         "Record the client's sign-off in signoffs.yml, or set `delivered` on the deliverable.",
         "has no approved sign-off"),
    Case("delivered-in-future", "roadmap", "A deliverable delivered in the future",
         {"roadmap.yml": roadmap_with("signoff: true", "signoff: true\n"
                                      "        delivered: 2026-07-01")},
         "Set `delivered` on the day it went to the client.", "delivered date"),
    Case("before-dependency", "roadmap", "A milestone expected before one it waits for",
         {"roadmap.yml": roadmap_with("planned: 2026-09-30", "planned: 2026-02-01")},
         "Move its forecast after the milestone it depends on, or remove the dependency.",
         "which it depends on"),
    Case("after-end", "roadmap", "A milestone after the project's end",
         {"roadmap.yml": ROADMAP}, "Move `end` in client.yml if a new end was agreed; "
         "otherwise bring the milestone back within it.", "after the project's end",
         also={"client.yml": CLIENT.replace("start: 2026-01-05\n",
                                            "start: 2026-01-05\nend: 2026-08-31\n")}),
    Case("far-date", "roadmap", "A date years away from the start",
         {"roadmap.yml": roadmap_with("planned: 2026-09-30", "planned: 2062-09-30")},
         "Correct the year.", "more than five years"),
    Case("task-done-in-future", "roadmap", "A client task done in the future",
         {"roadmap.yml": ROADMAP + TASKS + "    done: 2026-06-15\n"},
         "Set `done` on the day the client did it.", "done date 2026-06-15"),
    Case("task-owner-team-side", "roadmap", "A client task owned by the agency",
         {"roadmap.yml": ROADMAP + TASKS.replace("owner: Cleo Client", "owner: Pat Lee")},
         "Name a person with `side: client`; the agency's own work belongs in milestones.",
         "client tasks are work for the client"),

    # --- decisions ------------------------------------------------------------------------
    Case("reserved-decision-id", "decisions", "A decision ID taken by a page of the site",
         {"decisions/index.yml": edit(DECISION, "DR-001", "index")},
         "Choose another ID, e.g. DR-001.", "would replace the"),
    Case("decision-ids-capitals", "decisions", "Decision IDs that differ only in capitals",
         {"decisions/dr-001.yml": edit(DECISION, "DR-001", "dr-001"),
          "decisions/DR-001.yml": DECISION}, "Make the IDs differ by more than capitals.",
         "differ only in capitals"),
    Case("supersedes-itself", "decisions", "A decision that supersedes itself",
         {"decisions/DR-001.yml": DECISION + "supersedes: [DR-001]\n"},
         "Remove its own ID from `supersedes`.", "supersedes itself"),
    Case("superseded-by-nothing", "decisions", "A superseded decision nothing replaces",
         {"decisions/DR-001.yml": edit(DECISION, "accepted", "superseded")},
         "Add `supersedes: [DR-001]` to the decision that replaces it.",
         "no accepted decision lists it"),
    Case("supersede-circle", "decisions", "Decisions that supersede each other in a circle",
         {"decisions/DR-001.yml": DECISION + "supersedes: [DR-002]\n",
          "decisions/DR-002.yml": edit(DECISION, "DR-001", "DR-002")
          + "supersedes: [DR-001]\n"},
         "Remove one of the two: the later decision supersedes the earlier one.",
         "in a circle"),

    # --- sign-offs -------------------------------------------------------------------------
    Case("signoff-not-needed", "signoffs", "A sign-off of a deliverable that needs none",
         {"signoffs.yml": SIGNOFF}, "Set `signoff: true` on the deliverable in roadmap.yml, "
         "or remove the entry.", "does not need sign-off",
         also={"roadmap.yml": roadmap_with("signoff: true", "signoff: false")}),
    Case("signoff-order", "signoffs", "Sign-offs not oldest first",
         {"signoffs.yml": SIGNOFF + SIGNOFF.replace("2026-03-04", "2026-03-01")},
         "Keep the list in date order, oldest first.", "keep signoffs.yml oldest first",
         also={"roadmap.yml": ROADMAP}),
    Case("signoff-in-future", "signoffs", "A sign-off dated in the future",
         {"signoffs.yml": SIGNOFF.replace("2026-03-04", "2026-07-04")},
         "Correct the date.", "sign-off date", also={"roadmap.yml": ROADMAP}),

    # --- change requests ----------------------------------------------------------------------
    Case("decided-before-request", "changes", "Decided before it was requested",
         {"changes.yml": CHANGE + "  decided: 2026-02-01\n"}, "Correct one of the dates.",
         "is before the request date"),
    Case("status-without-decided", "changes", "Approved without a decided date",
         {"changes.yml": CHANGE.replace("requested\n", "approved\n")},
         "Add `decided:` with the day it was approved, rejected or done.",
         "has no 'decided' date"),
    Case("decided-in-future", "changes", "Decided in the future",
         {"changes.yml": CHANGE + "  decided: 2026-07-01\n"}, "Correct the date.",
         "decided date"),
    Case("impact-not-in-forecasts", "changes", "A schedule impact the roadmap does not show",
         {"changes.yml": CHANGE.replace("requested\n", "approved\n")
          + "  decided: 2026-02-12\n  schedule_impact_days: 5\n"},
         "Set the forecast of the milestones the change moves; nothing needs to change if "
         "the plan already includes it.", "shows no delay", also={"roadmap.yml": ROADMAP}),

    # --- feedback ----------------------------------------------------------------------------
    Case("score-not-rating", "feedback", "A score that is not a rating",
         {"feedback.yml": FEEDBACK.replace("score: 4", "score: 4.5")},
         "Give a whole number from 1 to 5.", "is not a rating"),
    Case("feedback-empty", "feedback", "Feedback without a score or comment",
         {"feedback.yml": "- date: 2026-03-10\n  by: Cleo Client\n"},
         "Give a score, a comment or both.", "needs a score or a comment"),
    Case("responded-without-response", "feedback", "A response date without a response",
         {"feedback.yml": FEEDBACK + "  responded: 2026-03-12\n"},
         "Write what was done in `response`, or remove `responded`.",
         "a response date without a response"),
    Case("response-without-date", "feedback", "A response without its date",
         {"feedback.yml": FEEDBACK + "  response: We moved the call.\n"},
         "Add `responded:` with the day.", "a response without its date"),
    Case("responded-before-feedback", "feedback", "A response before the feedback",
         {"feedback.yml": FEEDBACK + "  response: We moved the call.\n"
          "  responded: 2026-03-01\n"}, "Correct one of the dates.",
         "is before the feedback was given"),
    Case("feedback-about-unknown", "feedback", "Feedback about a milestone that does not exist",
         {"feedback.yml": FEEDBACK + "  about: M9\n"},
         "Correct the ID of the milestone or deliverable, or remove `about`.",
         "'M9' is not a milestone", also={"roadmap.yml": ROADMAP}),
    Case("feedback-in-future", "feedback", "Feedback dated in the future",
         {"feedback.yml": FEEDBACK.replace("2026-03-10", "2026-07-10")}, "Correct the date.",
         "feedback date"),

    # --- updates ------------------------------------------------------------------------------
    Case("update-file-name", "updates", "An update whose file name is another date",
         {"updates/2026-03-09.yml": UPDATE}, "Rename the file to the update's date, or "
         "correct the date.", "the file is named 2026-03-09"),
    Case("update-same-date", "updates", "Two updates with one date",
         {"updates/2026-03-02.yml": UPDATE, "updates/2026-03-02-b.yml": UPDATE},
         "Merge the two, or correct the date of one.", "one update per date"),
    Case("update-in-future", "updates", "An update dated in the future",
         {"updates/2026-07-01.yml": UPDATE.replace("2026-03-02", "2026-07-01")},
         "Correct the date.", "is in the future (today is"),

    # --- client.yml -----------------------------------------------------------------------------
    Case("spent-over-total", "client", "More spent than the budget",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 48000\n"
                                    "  spent: 50000\n")},
         "Check both figures; if the budget grew by change requests, the total stays the "
         "original contract.", "is more than the total"),
    Case("budget-as-of-future", "client", "A budget figure dated in the future",
         {"client.yml": client_with("budget:\n  currency: EUR\n  total: 48000\n"
                                    "  as_of: 2026-07-01\n")}, "Correct the date.",
         "as_of 2026-07-01 is in the future"),

    # --- the logo --------------------------------------------------------------------------------
    Case("logo-path", "logo", "A logo that is not a file name", {"client.yml": _theme(
        "images/logo.svg")}, "Put the logo beside client.yml and give its file name.",
         "must be a file name"),
    Case("logo-type", "logo", "A logo that is not .svg or .png",
         {"client.yml": _theme("logo.jpg")}, "Save the logo as .svg or .png.",
         "is not an .svg or .png file"),
    Case("logo-name", "logo", "A logo file name with other characters",
         {"client.yml": _theme("our logo.svg")}, "Rename the file, e.g. to logo.svg.",
         "cannot be a logo file name"),
    Case("logo-missing", "logo", "A logo that does not exist", {"client.yml": THEMED},
         "Put the file in the client's folder, or correct the name.", "does not exist"),
    Case("logo-link", "logo", "A logo that is a link out of the folder",
         {"client.yml": THEMED}, "Copy the file into the client's folder.",
         "copy the file here instead", setup=_logo_link),
    Case("logo-not-png", "logo", "A .png logo that is not a PNG",
         {"logo.png": b"<html>not an image</html>"}, "Export the logo as PNG again.",
         "is not a PNG image", also={"client.yml": _theme("logo.png")}),
    Case("logo-not-svg", "logo", "An .svg logo that is not valid SVG",
         {"logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>\n"},
         "Export the logo again from the drawing program.", "is not valid SVG",
         also={"client.yml": THEMED}),
    Case("logo-doctype", "logo", "A DOCTYPE in the logo",
         {"logo.svg": "<!DOCTYPE svg>\n" + SVG.format("")}, "Remove the DOCTYPE line.",
         "DOCTYPE", also={"client.yml": THEMED}),
    Case("logo-instruction", "logo", "A processing instruction in the logo",
         {"logo.svg": "<?xml-stylesheet href=\"a.css\"?>\n" + SVG.format("")},
         "Remove the line starting with `<?`.", "processing instruction",
         also={"client.yml": THEMED}),
    Case("logo-root", "logo", "A logo whose outermost element is not <svg>",
         {"logo.svg": "<html><svg xmlns=\"http://www.w3.org/2000/svg\"/></html>\n"},
         "Export the logo as plain SVG.", "the outermost element", also={"client.yml": THEMED}),
    Case("logo-element", "logo", "An element not allowed in a logo",
         {"logo.svg": SVG.format("<script>alert(1)</script>")},
         "Remove the element (scripts, links, embedded images), or use a .png.",
         "<script> is not allowed", also={"client.yml": THEMED}),
    Case("logo-namespace", "logo", "An element of another namespace",
         {"logo.svg": SVG.format("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>")},
         "Save the logo as plain SVG.", "from namespace", also={"client.yml": THEMED}),
    Case("logo-handler", "logo", "An event handler in the logo",
         {"logo.svg": SVG.format("<rect width=\"10\" height=\"10\" onclick=\"go()\"/>")},
         "Remove the `on…` attribute.", "event handler", also={"client.yml": THEMED}),
    Case("logo-href", "logo", "A link to another file in the logo",
         {"logo.svg": SVG.format("<use href=\"other.svg#a\"/>")},
         "Embed what the logo shows, or use a .png.", "may only refer to its own parts",
         also={"client.yml": THEMED}),
    Case("logo-xml-base", "logo", "xml:base in the logo",
         {"logo.svg": SVG.format("<g xml:base=\"https://example.com/\"/>")},
         "Remove the attribute.", "xml:base is not allowed", also={"client.yml": THEMED}),
    Case("logo-url", "logo", "An attribute that loads something",
         {"logo.svg": SVG.format("<rect fill=\"url(https://example.com/a)\"/>")},
         "Refer only to the logo's own parts: `url(#id)`.", "may only use url(#id)",
         also={"client.yml": THEMED}),
    Case("logo-style", "logo", "A style that loads something",
         {"logo.svg": SVG.format("<style>@import 'https://example.com/a.css';</style>")},
         "Remove the `@import` or `url()`.", "this <style> uses", also={"client.yml": THEMED}),

    # --- placeholders ----------------------------------------------------------------------------
    Case("placeholder", "placeholders", "Text left from milepost new",
         {"client.yml": client_with(f"summary: {_placeholder(scaffold.SUMMARY)}\n")},
         "Replace the text with what the message asks for.", "still the placeholder"),
    Case("placeholder-publishing", "placeholders", "Text left from milepost new, when "
         "publishing", {"client.yml": client_with(f"summary: {_placeholder(scaffold.SUMMARY)}"
                                                  "\n")},
         "Replace it before publishing: `milepost publish`, `release` and `notify` refuse a "
         "placeholder on any page the client sees.", "not published", publishing=True),
]


# --- the access file (access.yml: who may log in to which client's site) -------------------

@dataclass(frozen=True)
class AccessCase:
    """A broken access file, the part of the message that shows it, and what to do."""

    id: str
    title: str
    text: str
    fix: str
    expect: str


# Not anyone's password: a hash of the right shape, as `milepost access` writes them.
HASH = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
FEED = "0123456789abcdef0123456789abcdef01234567"
PERSON = f"      - email: cleo@client.example\n        hash: {HASH}\n        since: 2026-01-05\n"
ACCESS = f"clients:\n  acme:\n    feed: {FEED}\n    people:\n{PERSON}"
ACCESS_FIX = ("Change the file with `milepost access` (add, rotate, revoke) rather than by "
              "hand; ")

ACCESS_CASES: list[AccessCase] = [
    AccessCase("access-not-mapping", "An access file that is a list", "- acme\n",
               ACCESS_FIX + "it starts with `agency:` and `clients:`.",
               "expected a mapping"),
    AccessCase("access-unknown-key", "An unknown key", ACCESS + "admins: []\n",
               ACCESS_FIX + "remove the key.", "unknown key 'admins'"),
    AccessCase("access-missing-key", "A key missing", ACCESS.replace(
        f"    feed: {FEED}\n", ""), ACCESS_FIX + "run `milepost access add` for the client "
               "again to write it.", "'feed' is missing"),
    AccessCase("access-control", "A control character in a value", ACCESS.replace(
        "cleo@client.example", '"cleo@client.example\\t"'), "Remove the character.",
               "contains a control character"),
    AccessCase("access-bad-value", "A value of the wrong form", ACCESS.replace(
        "cleo@client.example", "Cleo@Client.example"), ACCESS_FIX + "logins are lowercase "
               "email addresses.", "is not a lowercase email address"),
    AccessCase("access-bad-date", "A date that is not one", ACCESS.replace(
        "since: 2026-01-05", "since: last week"), "Write the date as YYYY-MM-DD.",
               "expected a date"),
    AccessCase("access-people-not-list", "People that are not a list", ACCESS.replace(
        PERSON, "      cleo@client.example\n"), ACCESS_FIX + "each person is a `- email:` "
               "entry.", "expected a list of people"),
    AccessCase("access-person-twice", "A person listed twice", ACCESS + PERSON,
               "Remove one of the two entries.", "is listed twice"),
    AccessCase("access-clients-not-mapping", "Clients that are not keyed by slug",
               "clients:\n  - acme\n", ACCESS_FIX + "each client is a key: `acme:`.",
               "expected client slugs as keys"),
    AccessCase("access-bad-slug", "A key that is not a client's slug", ACCESS.replace(
        "  acme:", "  Acme Inc:"), "Use the client's folder name.", "is not a client slug"),
]
