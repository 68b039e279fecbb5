"""The bad-input corpus: one case per way a PM breaks a file, checked through the real CLI.

Each case starts from the valid client of conftest.py, replaces one or two files with exact
YAML text, runs `milepost validate --projects projects --as-of ...` in-process and asserts the exact
printed location (file:line:column), key path, a distinctive part of the message, the
severity and the exit code. Every case also asserts that nothing else was reported.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from generator.pipeline import check_projects
from tests.conftest import AS_OF, TODAY, VALID_TEXT, files_with, valid_data

CLIENT = VALID_TEXT["client.yml"]
ROADMAP = VALID_TEXT["roadmap.yml"]
DECISION = VALID_TEXT["decisions/DR-001.yml"]
SIGNOFFS = VALID_TEXT["signoffs.yml"]
CHANGES = VALID_TEXT["changes.yml"]
RISKS = VALID_TEXT["risks.yml"]
UPDATE = VALID_TEXT["updates/2026-03-02.yml"]


def edit(text: str, old: str, new: str) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


@dataclass(frozen=True)
class Expect:
    file: str            # relative to the client folder ("" for the folder itself)
    line: int | None     # 0: no position; None: any line
    column: int | None   # None: any column
    path: str            # key path ("" when the message has none)
    fragment: str        # a distinctive part of the message (ending in "\n": its end)
    severity: str = "error"


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, Any]
    expect: list[Expect]
    code: int = 1
    slug: str = "acme"
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)  # other client folders


def line_pattern(slug: str, e: Expect) -> re.Pattern[str]:
    shown = f"projects/{slug}" + (f"/{e.file}" if e.file else "")
    where = re.escape(shown)
    if e.line != 0:
        line = r"\d+" if e.line is None else str(e.line)
        col = r"\d+" if e.column is None else str(e.column)
        where += f":{line}:{col}"
    what = (re.escape(e.path) + ": ") if e.path else ""
    # A fragment ending in a line break must end the message: nothing may follow it.
    fragment = re.escape(e.fragment.removesuffix("\n")) + ("$" if e.fragment.endswith("\n")
                                                          else "")
    return re.compile(f"^{where}: {e.severity}: {what}.*{fragment}")


SVG_HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"\n     viewBox="0 0 10 10">\n')
CLEAN_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
             '<rect width="10" height="10" fill="#0a7"/></svg>\n')
# A valid 1x1 PNG.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5273ede0000000049454e44ae426082")


BOMB = "".join(
    f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
    for i in range(9)
)

CASES = [
    Case("yaml-syntax-unclosed-flow-list",
         {"roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M1")},
         [Expect("roadmap.yml", 17, 17, "", "not valid YAML: expected ',' or ']'")]),
    Case("unclosed-double-quote",
         {"roadmap.yml": edit(ROADMAP, "title: Design\n", 'title: "Design\n')},
         [Expect("roadmap.yml", 12, 12, "", 'not valid YAML: the quote " opened at line 12, '
                 'column 12 is never closed: end the text with " (a " inside the text is '
                 'written \\")')]),
    Case("unclosed-single-quote-before-document-end",
         {"risks.yml": edit(RISKS, "title: Content arrives late", "title: 'Content arrives late")
          + "---\n"},
         [Expect("risks.yml", 2, 10, "", "the quote ' opened at line 2, column 10 is never "
                 "closed: end the text with ' (a ' inside the text is written '')")]),
    Case("unquoted-colon-in-value",
         {"roadmap.yml": edit(ROADMAP, "title: Design\n", "title: Design: phase two\n")},
         [Expect("roadmap.yml", 12, 18, "", "a value containing ': ' must be quoted")]),
    Case("duplicate-key",
         {"client.yml": edit(CLIENT, "project: Website relaunch\n",
                             "project: Website relaunch\nname: Acme Again\n")},
         [Expect("client.yml", 3, 1, "", "duplicate key 'name' (first given at line 1)")]),
    Case("duplicate-key-inside-list-item",
         {"risks.yml": edit(RISKS, "  status: open\n", "  status: open\n  title: Again\n")},
         [Expect("risks.yml", 7, 3, "", "duplicate key 'title' (first given at line 2)")]),
    Case("typo-field-did-you-mean",
         {"roadmap.yml": edit(ROADMAP, "    title: Design\n", "    titel: Design\n")},
         # One typo, one error: the missing 'title' is the one the typo was meant to be.
         [Expect("roadmap.yml", 12, 5, "milestones[1]",
                 "unknown field 'titel' (did you mean 'title'?)")]),
    Case("colon-in-a-list-item-of-text",
         {"updates/2026-03-02.yml": UPDATE + "asks:\n  - Sunita: please send the logo files "
          "as SVG by Friday, with the colour codes\n"},
         [Expect("updates/2026-03-02.yml", 8, 5, "asks[0]",
                 "expected text, found a mapping (key: value pairs); a ':' inside text needs "
                 "quotes: write - \"Sunita: please send the logo files as SVG by Friday, with …\"")]),
    Case("colon-in-a-text-field",
         {"risks.yml": edit(RISKS, "title: Content arrives late",
                            "title:\n    Risk: content arrives late")},
         [Expect("risks.yml", 3, 5, "[0].title", "a ':' inside text needs quotes: write "
                 "title: \"Risk: content arrives late\"")]),
    Case("comma-in-a-flow-mapping",
         {"roadmap.yml": edit(ROADMAP, "      - id: D3\n        title: Style guide\n",
                              "      - {id: D3, title: Basket, deposit and checkout designs}\n")},
         [Expect("roadmap.yml", 21, 33, "milestones[1].deliverables[1]",
                 "unknown field 'deposit and checkout designs' (allowed: id, title, signoff, "
                 "delivered, description, internal, internal_notes); a ',' inside text needs "
                 "quotes: write title: \"Basket, deposit and checkout designs\"")]),
    Case("colon-in-an-unknown-key-that-is-words",
         {"decisions/DR-001.yml": DECISION + "Note from Cleo: we can live with it\n"},
         [Expect("decisions/DR-001.yml", 14, 1, "", "unknown field 'Note from Cleo' (allowed: "
                 "id, title, status, date, deciders, context, options, decision, consequences, "
                 "supersedes, related, evidence, internal, internal_notes); if this is text, a ':' inside "
                 "it needs quotes: \"Note from Cleo: we can live with it\"")]),
    Case("unknown-field-no-close-match",
         {"client.yml": CLIENT + "colour_scheme: dark\n"},
         [Expect("client.yml", 25, 1, "", "unknown field 'colour_scheme' (allowed: name, ")]),
    Case("list-where-text-expected",
         {"roadmap.yml": edit(ROADMAP, "    title: Design\n", "    title: [Design, Build]\n")},
         [Expect("roadmap.yml", 12, 12, "milestones[1].title", "expected text, found a list")]),
    Case("mapping-where-text-expected",
         {"risks.yml": edit(RISKS, "owner: Pat Lee", "owner: {name: Pat Lee}")},
         [Expect("risks.yml", 5, 10, "[0].owner",
                 "expected text, found a mapping (key: value pairs)")]),
    Case("text-where-list-expected",
         {"roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: M1")},
         [Expect("roadmap.yml", 16, 17, "milestones[1].depends_on", "expected a list")]),
    Case("mapping-where-list-expected",
         {"client.yml": CLIENT.split("team:")[0] + "team:\n  name: Pat Lee\n  side: team\n"},
         [Expect("client.yml", 7, 3, "team", "expected a list (one '- item' per line")]),
    Case("list-file-written-as-mapping",
         {"signoffs.yml": "".join(line[2:] + "\n" for line in SIGNOFFS.splitlines())},
         [Expect("signoffs.yml", 1, 1, "", "expected a list of signoff records: start each "
                 "one with '- '")]),
    Case("bad-enum-did-you-mean",
         {"decisions/DR-001.yml": edit(DECISION, "status: accepted", "status: acepted")},
         [Expect("decisions/DR-001.yml", 3, 9, "status",
                 "'acepted' is not allowed here (expected one of: proposed, accepted, "
                 "rejected, superseded) (did you mean 'accepted'?)")]),
    Case("via-no",
         {"signoffs.yml": edit(SIGNOFFS, "via: email", "via: no")},
         [Expect("signoffs.yml", 6, 8, "[0].via", "'no' is not allowed here")]),
    Case("via-no-says-not-yes-no-field",
         {"signoffs.yml": edit(SIGNOFFS, "via: email", "via: no")},
         [Expect("signoffs.yml", 6, 8, "[0].via", "it is not a yes/no field")]),
    Case("signoff-yes",
         {"roadmap.yml": edit(ROADMAP, "Project plan\n        signoff: true",
                              "Project plan\n        signoff: yes")},
         [Expect("roadmap.yml", 10, 18, "milestones[0].deliverables[0].signoff",
                 "'yes' is not true or false: write true or false")]),
    Case("impossible-date",
         {"roadmap.yml": edit(ROADMAP, "planned: 2026-02-02", "planned: 2026-02-30")},
         [Expect("roadmap.yml", 5, 14, "milestones[0].planned",
                 "'2026-02-30' is not a real date: February 2026 has 28 days")]),
    Case("wrong-date-format",
         {"roadmap.yml": edit(ROADMAP, "planned: 2026-04-01", "planned: 30/09/2026")},
         [Expect("roadmap.yml", 14, 14, "milestones[1].planned",
                 "'30/09/2026' is not a date (expected YYYY-MM-DD")]),
    Case("quoted-number",
         {"client.yml": edit(CLIENT, "total: 48000", 'total: "48000"')},
         [Expect("client.yml", 20, 10, "budget.total",
                 "expected a number, found the text '48000': remove the quotes")]),
    Case("negative-money",
         {"client.yml": edit(CLIENT, "spent: 12000", "spent: -500")},
         [Expect("client.yml", 21, 10, "budget.spent", "-500 is negative")]),
    Case("thousands-separator",
         {"client.yml": edit(CLIENT, "total: 48000", "total: 48,000")},
         [Expect("client.yml", 20, 10, "budget.total",
                 "found '48,000': write digits only, without separators")]),
    Case("number-too-large-for-a-float",
         {"client.yml": edit(CLIENT, "total: 48000", "total: 1e999")},
         [Expect("client.yml", 20, 10, "budget.total", "1e999 is too large a number")]),
    Case("currency-in-amount",
         {"changes.yml": edit(CHANGES, "cost: 4000", "cost: €4000")},
         [Expect("changes.yml", 7, 29, "[0].estimate.cost", "found '€4000': write digits only")]),
    Case("empty-required-text",
         {"risks.yml": edit(RISKS, "title: Content arrives late", "title:")},
         [Expect("risks.yml", 2, 9, "[0].title", "is empty: give a value, or remove the field")]),
    Case("bad-email",
         {"client.yml": edit(CLIENT, "email: pat@agency.example", "email: pat at agency")},
         [Expect("client.yml", 10, 12, "team[0].email", "'pat at agency' is not an email")]),
    Case("dangling-depends-on",
         {"roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M9]")},
         [Expect("roadmap.yml", 16, 18, "milestones[1].depends_on[0]",
                 "'M9' is not a milestone of acme (known: M1, M2)")]),
    Case("dangling-blocks",
         {"roadmap.yml": edit(ROADMAP, "blocks: [M2]", "blocks: [M3]")},
         [Expect("roadmap.yml", 28, 14, "client_tasks[0].blocks[0]",
                 "'M3' is not a milestone of acme")]),
    Case("dangling-signoff-deliverable",
         {"signoffs.yml": edit(SIGNOFFS, "deliverable: D1", "deliverable: D9")},
         [Expect("signoffs.yml", 1, 16, "[0].deliverable",
                 "'D9' is not a deliverable of acme (known: D1, D2, D3)"),
          # D1 has now lost its approval, and its milestone is done.
          Expect("roadmap.yml", 10, 18, "milestones[0].deliverables[0].signoff",
                 "milestone M1 is done but deliverable D1 has no approved sign-off",
                 "warning")]),
    Case("dangling-supersedes",
         {"decisions/DR-001.yml": DECISION + "supersedes: [DR-000]\n"},
         [Expect("decisions/DR-001.yml", 14, 14, "supersedes[0]",
                 "'DR-000' is not a decision of acme (did you mean 'DR-001'?")]),
    Case("dangling-related",
         {"decisions/DR-001.yml": edit(DECISION, "related: [M2]", "related: [M2, R7]")},
         [Expect("decisions/DR-001.yml", 13, 15, "related[1]",
                 "'R7' is not a milestone, deliverable, change request, risk or decision of "
                 "acme")]),
    Case("related-suggests-only-ids-of-the-same-kind",
         {"decisions/DR-002.yml": edit(edit(DECISION, "id: DR-001", "id: DR-002"),
                                       "related: [M2]", "related: [M2, CR-2]"),
          "changes.yml": "[]\n"},
         # There is no change request yet: 'DR-002' (this very decision) is not offered.
         [Expect("decisions/DR-002.yml", 13, 15, "related[1]",
                 "'CR-2' is not a milestone, deliverable, change request, risk or decision of "
                 "acme\n")]),
    Case("related-suggests-a-decision-for-a-decision-id",
         {"changes.yml": edit(CHANGES, "related: [M2]", "related: [M2, DR-02]")},
         [Expect("changes.yml", 9, 17, "[0].related[1]", "'DR-02' is not a milestone, "
                 "deliverable, change request, risk or decision of acme (did you mean "
                 "'DR-001'?)")]),
    Case("depends-on-cycle",
         {"roadmap.yml": edit(ROADMAP, "    planned: 2026-02-02\n",
                              "    planned: 2026-02-02\n    depends_on: [M2]\n")},
         [Expect("roadmap.yml", 6, 17, "milestones[0].depends_on",
                 "milestones depend on each other in a circle: M1 → M2 → M1")]),
    Case("supersedes-cycle",
         {"decisions/DR-001.yml": DECISION + "supersedes: [DR-002]\n",
          "decisions/DR-002.yml": DECISION.replace("DR-001", "DR-002")
          + "supersedes: [DR-001]\n"},
         [Expect("decisions/DR-001.yml", 14, 13, "supersedes",
                 "decisions supersede each other in a circle: DR-001 → DR-002 → DR-001")]),
    Case("self-dependency",
         {"roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M1, M2]")},
         [Expect("roadmap.yml", 16, 22, "milestones[1].depends_on[1]",
                 "milestone M2 depends on itself")]),
    Case("self-supersede",
         {"decisions/DR-001.yml": DECISION + "supersedes: [DR-001]\n"},
         [Expect("decisions/DR-001.yml", 14, 14, "supersedes[0]",
                 "decision DR-001 supersedes itself")]),
    Case("duplicate-milestone-id",
         {"roadmap.yml": edit(ROADMAP, "client_tasks:\n", "  - id: M1\n    title: Launch\n"
                              "    planned: 2026-06-01\nclient_tasks:\n")},
         [Expect("roadmap.yml", 23, 9, "milestones[2].id",
                 "milestone ID 'M1' is already used (projects/acme/roadmap.yml:2): IDs must "
                 "be unique")]),
    Case("duplicate-deliverable-id-across-milestones",
         {"roadmap.yml": edit(ROADMAP, "id: D2", "id: D1")},
         [Expect("roadmap.yml", 18, 13, "milestones[1].deliverables[0].id",
                 "deliverable ID 'D1' is already used (projects/acme/roadmap.yml:8)")]),
    Case("duplicate-decision-id-across-files",
         {"decisions/DR-002.yml": edit(DECISION, "title: Use a headless CMS", "title: Other")},
         [Expect("decisions/DR-002.yml", 1, 5, "id",
                 "decision ID 'DR-001' is already used (projects/acme/decisions/DR-001.yml:1)")]),
    # --- one run: what records say about each other is checked for every record that
    # could be read, also when another has a shape error -----------------------------------
    Case("shape-error-and-dangling-reference-in-one-run",
         {"risks.yml": edit(RISKS, "impact: high", "impact: huge"),
          "roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M9]")},
         [Expect("risks.yml", 4, 11, "[0].impact", "'huge' is not allowed here"),
          Expect("roadmap.yml", 16, 18, "milestones[1].depends_on[0]",
                 "'M9' is not a milestone of acme (known: M1, M2)")]),
    Case("reference-to-a-record-with-its-own-shape-error-is-not-unknown",
         # M2 (and its deliverables) cannot be read: T1, DR-001 and CR-1 still name it.
         {"roadmap.yml": edit(ROADMAP, "planned: 2026-04-01", "planned: 30/09/2026"),
          "changes.yml": edit(CHANGES, "related: [M2]", "related: [M2, M7]")},
         [Expect("roadmap.yml", 14, 14, "milestones[1].planned", "'30/09/2026' is not a date"),
          Expect("changes.yml", 9, 17, "[0].related[1]", "'M7' is not a milestone, "
                 "deliverable, change request, risk or decision of acme\n")]),
    Case("team-member-with-a-shape-error-is-still-known",
         {"client.yml": edit(CLIENT, "email: pat@agency.example", "email: pat at agency"),
          "risks.yml": edit(RISKS, "owner: Pat Lee", "owner: Pat Le")},
         [Expect("client.yml", 10, 12, "team[0].email", "'pat at agency' is not an email"),
          Expect("risks.yml", 5, 10, "[0].owner", "'Pat Le' is not in the team of client.yml "
                 "(did you mean 'Pat Lee'? known: Cleo Client, Pat Lee)")]),
    Case("client-yml-with-a-shape-error-keeps-the-other-checks",
         {"client.yml": edit(CLIENT, "start: 2026-01-05", "start: 2026-1-5"),
          "roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M9]")},
         [Expect("client.yml", 3, 8, "start", "'2026-1-5' is not a date (expected YYYY-MM-DD"),
          Expect("roadmap.yml", 16, 18, "milestones[1].depends_on[0]",
                 "'M9' is not a milestone of acme")]),
    Case("unreadable-roadmap-leaves-milestone-references-unchecked",
         # Which milestones and deliverables exist is unknown; the team is known.
         {"roadmap.yml": edit(ROADMAP, "depends_on: [M1]", "depends_on: [M1"),
          "risks.yml": edit(RISKS, "owner: Pat Lee", "owner: Pat Le")},
         [Expect("roadmap.yml", 17, 17, "", "not valid YAML: expected ',' or ']'"),
          Expect("risks.yml", 5, 10, "[0].owner", "'Pat Le' is not in the team of client.yml")]),
    Case("duplicate-id-found-while-another-file-has-a-shape-error",
         {"decisions/DR-002.yml": edit(DECISION, "title: Use a headless CMS", "title: Other"),
          "risks.yml": edit(RISKS, "impact: high", "impact: huge")},
         [Expect("decisions/DR-002.yml", 1, 5, "id", "decision ID 'DR-001' is already used "
                 "(projects/acme/decisions/DR-001.yml:1)"),
          Expect("risks.yml", 4, 11, "[0].impact", "'huge' is not allowed here")]),
    Case("duplicate-of-an-id-whose-record-cannot-be-read",
         {"roadmap.yml": edit(ROADMAP, "client_tasks:\n", "  - id: M2\n    title: Launch\n"
                              "    planned: 2026-13-01\nclient_tasks:\n")},
         [Expect("roadmap.yml", 23, 9, "milestones[2].id", "milestone ID 'M2' is already used "
                 "(projects/acme/roadmap.yml:11): IDs must be unique"),
          Expect("roadmap.yml", 25, 14, "milestones[2].planned",
                 "'2026-13-01' is not a real date")]),
    Case("cycle-found-while-another-file-has-a-shape-error",
         {"roadmap.yml": edit(ROADMAP, "    planned: 2026-02-02\n",
                              "    planned: 2026-02-02\n    depends_on: [M2]\n"),
          "client.yml": edit(CLIENT, "email: pat@agency.example", "email: pat at agency")},
         [Expect("client.yml", 10, 12, "team[0].email", "'pat at agency' is not an email"),
          Expect("roadmap.yml", 6, 17, "milestones[0].depends_on",
                 "milestones depend on each other in a circle: M1 → M2 → M1")]),
    Case("misspelt-list-key-leaves-its-records-unchecked",
         # D1 stands under 'deliverable': the sign-off of D1 is not said to be unknown.
         {"roadmap.yml": edit(ROADMAP, "    deliverables:\n      - id: D1",
                              "    deliverable:\n      - id: D1")},
         [Expect("roadmap.yml", 7, 5, "milestones[0]",
                 "unknown field 'deliverable' (did you mean 'deliverables'?)\n")]),
    Case("key-given-twice-leaves-its-records-unchecked",
         {"roadmap.yml": edit(ROADMAP, "        title: Project plan\n        signoff: true\n",
                              "        title: Project plan\n        signoff: true\n"
                              "    deliverables: []\n")},
         [Expect("roadmap.yml", 11, 5, "", "duplicate key 'deliverables' (first given at "
                 "line 7): keep one")]),
    # Checks that speak of all records of a kind wait until every one can be read.
    Case("unreadable-signoff-is-not-a-missing-signoff",
         {"signoffs.yml": edit(SIGNOFFS, "outcome: approved", "outcome: aproved")},
         [Expect("signoffs.yml", 5, 12, "[0].outcome", "'aproved' is not allowed here "
                 "(expected one of: approved, changes-requested, rejected) (did you mean "
                 "'approved'?)\n")]),
    Case("superseded-by-a-decision-that-cannot-be-read",
         {"decisions/DR-001.yml": edit(DECISION, "status: accepted", "status: superseded"),
          "decisions/DR-002.yml": edit(edit(DECISION, "id: DR-001", "id: DR-002"),
                                       "status: accepted", "status: acepted")
          + "supersedes: [DR-001]\n"},
         [Expect("decisions/DR-002.yml", 3, 9, "status", "'acepted' is not allowed here")]),
    Case("schedule-impact-while-a-milestone-cannot-be-read",
         {"roadmap.yml": edit(edit(edit(ROADMAP, "done: 2026-02-04", "done: 2026-02-02"),
                                   "    forecast: 2026-04-10\n", ""),
                              "client_tasks:\n", "  - id: M3\n    title: Launch\n"
                              "    planned: 2026-05-01\n    forecast: 2026-06-01\n"
                              "    depends_on: M2\nclient_tasks:\n")},
         # M3 may be the milestone that shows CR-1's delay: no warning about it yet.
         [Expect("roadmap.yml", 26, 17, "milestones[2].depends_on", "expected a list")]),
    Case("second-lead-while-a-team-member-cannot-be-read",
         {"client.yml": edit(edit(CLIENT, "  - name: Cleo Client\n",
                                  "  - name: Ada Boss\n    side: client\n    lead: true\n"
                                  "    email: ada at acme\n  - name: Cleo Client\n"),
                             "communication:\n", "  - name: Bo Client\n    side: client\n"
                             "    lead: true\ncommunication:\n")},
         # Ada may be the first lead: which lead is one too many is not known yet.
         [Expect("client.yml", 14, 12, "team[1].email", "'ada at acme' is not an email")]),
    Case("after-the-end-while-a-milestone-cannot-be-read",
         {"roadmap.yml": edit(edit(ROADMAP, "forecast: 2026-04-10", "forecast: 2026-12-21"),
                              "client_tasks:\n", "  - id: M3\n    title: Launch\n"
                              "    planned: 2026-12-30\n    depends_on: M2\nclient_tasks:\n")},
         # M3 may be the last open milestone: the one the warning would name.
         [Expect("roadmap.yml", 26, 17, "milestones[2].depends_on", "expected a list")]),
    Case("signoffs-out-of-order-around-one-that-cannot-be-read",
         {"signoffs.yml": SIGNOFFS + SIGNOFFS.replace("2026-02-04", "2026-02-05").replace(
             "via: email", "via: fax") + SIGNOFFS.replace("2026-02-04", "2026-02-03")},
         # The third is older than the first, but the one right above it cannot be read.
         [Expect("signoffs.yml", 12, 8, "[1].via", "'fax' is not allowed here")]),
    Case("path-like-id",
         {"roadmap.yml": edit(ROADMAP, "id: D3", "id: ../x")},
         [Expect("roadmap.yml", 21, 13, "milestones[1].deliverables[1].id",
                 "'../x' is not a valid ID: start with a letter")]),
    Case("id-starting-with-digit",
         {"risks.yml": edit(RISKS, "id: R1", "id: 1")},
         [Expect("risks.yml", 1, 7, "[0].id", "'1' is not a valid ID")]),
    Case("non-utf8-bytes",
         {"client.yml": edit(CLIENT, "Acme & Co", "Caf\xe9").encode("latin-1")},
         [Expect("client.yml", 1, 10, "", "the file is not UTF-8 text (byte 0xe9): save it "
                 "as UTF-8")]),
    Case("tab-indentation",
         {"risks.yml": edit(RISKS, "  title:", "\ttitle:")},
         [Expect("risks.yml", 2, 1, "", "a tab is used for indentation: YAML allows only "
                 "spaces")]),
    Case("control-character",
         {"client.yml": edit(CLIENT, "Acme & Co", "Acme \x0b Co")},
         [Expect("client.yml", 1, 12, "", "control character U+000B")]),
    Case("alias-bomb",
         {"updates/2026-03-02.yml": UPDATE + "extra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n"
          + BOMB},
         [Expect("updates/2026-03-02.yml", 9, 10, "", "aliases (*a) are not allowed")]),
    Case("python-tag-on-scalar",
         {"client.yml": edit(CLIENT, "name: Acme & Co", "name: !!python/name:os.system")},
         [Expect("client.yml", 1, 7, "", "YAML tags like 'tag:yaml.org,2002:python/name:"
                 "os.system' are not allowed")]),
    Case("python-tag-on-list",
         {"client.yml": edit(CLIENT, "name: Acme & Co",
                             "name: !!python/object/apply:os.system [echo hi]")},
         [Expect("client.yml", 1, 7, "", "python/object/apply:os.system' are not allowed")]),
    Case("python-tag-on-mapping",
         {"client.yml": "--- !!python/object:generator.Exploit\n" + CLIENT},
         [Expect("client.yml", 1, 5, "", "python/object:generator.Exploit' are not allowed")]),
    Case("empty-client-yml",
         {"client.yml": ""},
         [Expect("client.yml", 0, None, "", "the file is empty: client.yml needs at least "
                 "name, project and start")]),
    Case("comment-only-client-yml",
         {"client.yml": "# TODO\n"},
         [Expect("client.yml", 0, None, "", "the file is empty")]),
    Case("missing-client-yml",
         {"client.yml": None},
         [Expect("", 0, None, "", "missing client.yml: every client folder needs one")]),
    Case("missing-required-field",
         {"roadmap.yml": edit(ROADMAP, "    planned: 2026-04-01\n", "")},
         [Expect("roadmap.yml", 11, 5, "milestones[1]",
                 "missing required field 'planned' (Baseline date")]),
    Case("missing-required-top-level-field",
         {"client.yml": edit(CLIENT, "start: 2026-01-05\n", "")},
         [Expect("client.yml", 1, 1, "", "missing required field 'start'")]),
    Case("invalid-folder-slug",
         {}, [Expect("", 0, None, "", "folder name 'Acme_Co' is not a valid client slug")],
         slug="Acme_Co"),
    Case("public-milestone-depends-on-internal",
         {"roadmap.yml": edit(ROADMAP, "    phase: Planning\n",
                              "    phase: Planning\n    internal: true\n"),
          "signoffs.yml": "[]\n"},
         [Expect("roadmap.yml", 17, 18, "milestones[1].depends_on[0]",
                 "'M1' is an internal milestone: a public record cannot depend on it")]),
    Case("public-signoff-for-internal-milestone-deliverable",
         {"roadmap.yml": edit(edit(ROADMAP, "    phase: Planning\n",
                                   "    phase: Planning\n    internal: true\n"),
                              "depends_on: [M1]", "depends_on: []")},
         [Expect("signoffs.yml", 1, 16, "[0].deliverable",
                 "'D1' is an internal deliverable: a public record cannot sign off it")]),
    Case("public-record-names-internal-person",
         {"client.yml": edit(CLIENT, "communication:\n", "  - name: Ivy Inside\n"
                             "    side: team\n    internal: true\ncommunication:\n"),
          "risks.yml": edit(RISKS, "owner: Pat Lee", "owner: Ivy Inside")},
         [Expect("risks.yml", 5, 10, "[0].owner",
                 "'Ivy Inside' is an internal team member: a public record cannot name them")]),
    Case("superseded-without-superseder",
         {"decisions/DR-001.yml": edit(DECISION, "status: accepted", "status: superseded")},
         [Expect("decisions/DR-001.yml", 3, 9, "status",
                 "DR-001 is marked superseded, but no accepted decision lists it in "
                 "supersedes")]),
    Case("decided-before-requested",
         {"changes.yml": edit(CHANGES, "decided: 2026-02-12", "decided: 2026-02-01")},
         [Expect("changes.yml", 6, 12, "[0].decided",
                 "decided 2026-02-01 is before the request date 2026-02-10")]),
    Case("duplicate-update-date",
         {"updates/2026-03-02-bis.yml": UPDATE},
         [Expect("updates/2026-03-02.yml", 1, 7, "date",
                 "another update is dated 2026-03-02 "
                 "(projects/acme/updates/2026-03-02-bis.yml): one update per date")]),
    Case("decision-ids-differ-only-in-capitals",
         {"decisions/DR-002.yml": edit(DECISION, "id: DR-001", "id: dr-001")},
         [Expect("decisions/DR-002.yml", 1, 5, "id",
                 "decision IDs 'DR-001' and 'dr-001' differ only in capitals")]),
    Case("update-file-named-after-another-date",
         {"updates/2026-03-02.yml": None,
          "updates/2026-03-09.yml": UPDATE},
         [Expect("updates/2026-03-09.yml", 1, 7, "date",
                 "the file is named 2026-03-09 but the update is dated 2026-03-02",
                 "warning")], code=0),
    Case("date-years-away-from-the-start",
         {"roadmap.yml": edit(ROADMAP, "planned: 2026-04-01",
                              "planned: 2062-04-01")},
         [Expect("roadmap.yml", 14, 14, "milestones[1].planned",
                 "2062-04-01 is more than five years from the project's start (2026-01-05): "
                 "is the year right?", "warning"),
          Expect("roadmap.yml", 15, 15, "milestones[1].forecast",
                 "forecast 2026-04-10 is before planned 2062-04-01", "warning")],
         code=0),
    Case("empty-update-file",
         {"updates/2026-03-09.yml": ""},
         [Expect("updates/2026-03-09.yml", 0, None, "", "the file is empty: remove it or "
                 "fill it in")]),
    Case("two-documents-in-one-file",
         {"risks.yml": RISKS + "---\n" + RISKS},
         [Expect("risks.yml", 8, 1, "", "expected a single document")]),
    Case("unknown-file-name-warning",
         {"roadmp.yml": "milestones: []\n"},
         [Expect("roadmp.yml", 0, None, "", "unknown file 'roadmp.yml' (did you mean "
                 "'roadmap.yml'?)", "warning")],
         code=0),
    Case("folder-named-like-a-file",
         {"signoffs.yml": None, "signoffs.yml/2026.yml": SIGNOFFS},
         [Expect("signoffs.yml", 0, None, "", "'signoffs.yml' is a folder, but it must be a "
                 "file: Milepost reads the file signoffs.yml, so this folder is not read",
                 "warning"),
          # The approval of D1 was in that folder.
          Expect("roadmap.yml", 10, 18, "milestones[0].deliverables[0].signoff",
                 "milestone M1 is done but deliverable D1 has no approved sign-off", "warning")],
         code=0),
    Case("file-named-like-a-record-folder",
         {"updates/2026-03-02.yml": None, "updates": UPDATE},
         [Expect("updates", 0, None, "", "'updates' is a file, but updates/ must be a folder "
                 "holding one .yml file per record", "warning")],
         code=0),
    Case("record-file-without-yml-suffix",
         {"decisions/DR-002.yml.txt": DECISION},
         [Expect("decisions/DR-002.yml.txt", 0, None, "", "'DR-002.yml.txt' is not a .yml "
                 "file: decisions/ holds one .yml file per record, so Milepost does not read "
                 "it", "warning")],
         code=0),
    Case("risk-owner-not-in-team",
         {"risks.yml": edit(RISKS, "owner: Pat Lee", "owner: Pat Le")},
         [Expect("risks.yml", 5, 10, "[0].owner",
                 "'Pat Le' is not in the team of client.yml (did you mean 'Pat Lee'?")]),
    Case("client-task-owner-not-in-team",
         {"roadmap.yml": edit(ROADMAP, "owner: Cleo Client", "owner: Nobody")},
         [Expect("roadmap.yml", 26, 12, "client_tasks[0].owner",
                 "'Nobody' is not in the team of client.yml")]),
    Case("logo-outside-folder",
         {"client.yml": CLIENT + "theme: {primary: teal, logo: ../../etc/passwd.png}\n"},
         [Expect("client.yml", 25, 30, "theme.logo", "must be a file name in the client's "
                 "folder")]),
    Case("logo-with-nul-byte",
         {"client.yml": CLIENT + 'theme: {logo: "a\\0.png"}\n'},
         [Expect("client.yml", 25, 15, "theme.logo", "contains the control character U+0000 "
                 "(at character 2): remove it; text may hold line breaks and tabs, but no "
                 "other control characters")]),
    # --- limits: every accepted input builds, and builds fast ---------------------------
    Case("terminal-escape-in-title",
         {"roadmap.yml": edit(ROADMAP, "title: Design\n", 'title: "Design\\e]0;owned\\a"\n')},
         [Expect("roadmap.yml", 12, 12, "milestones[1].title",
                 "contains the control character U+001B (at character 7): remove it")]),
    Case("screen-clear-in-markdown",
         {"risks.yml": edit(RISKS, "mitigation: Agree dates for each page.",
                            'mitigation: "Agree\\n\\tdates\\e[2J"')},
         [Expect("risks.yml", 7, 15, "[0].mitigation",
                 "contains the control character U+001B (at character 13)")]),
    Case("id-too-long",
         {"risks.yml": edit(RISKS, "id: R1", "id: R" + "1" * 299)},
         [Expect("risks.yml", 1, 7, "[0].id",
                 "is 300 characters long; an ID may have at most 64: shorten it")]),
    Case("title-too-long",
         {"changes.yml": edit(CHANGES, "title: Add a blog", "title: " + "blog " * 250)},
         [Expect("changes.yml", 2, 10, "[0].title",
                 "is 1,249 characters long; a one-line text may have at most 1,000: shorten "
                 "it")]),
    Case("markdown-too-long",
         {"risks.yml": edit(RISKS, "mitigation: Agree dates for each page.",
                            "mitigation: " + "Agree dates. " * 1600)},
         [Expect("risks.yml", 7, 15, "[0].mitigation",
                 "is 20,799 characters long; a Markdown field may have at most 20,000")]),
    Case("markdown-too-many-lines",
         {"risks.yml": edit(RISKS, "mitigation: Agree dates for each page.",
                            "mitigation: |\n" + "    - a step\n" * 401)},
         [Expect("risks.yml", 7, 15, "[0].mitigation",
                 "has 402 lines; a Markdown field may have at most 400")]),
    Case("markdown-brackets-flood",
         {"risks.yml": edit(RISKS, "mitigation: Agree dates for each page.",
                            "mitigation: '" + "[" * 2001 + "'")},
         [Expect("risks.yml", 7, 15, "[0].mitigation",
                 "has 2,001 formatting characters (* _ ` \\ [ ] > ! |); a Markdown field may "
                 "have at most 2,000: remove formatting that is not needed")]),
    Case("markdown-lists-nested-on-one-line",
         {"risks.yml": edit(RISKS, "mitigation: Agree dates for each page.",
                            "mitigation: |\n    Steps:\n    " + "1. " * 9 + "go\n")},
         [Expect("risks.yml", 7, 15, "[0].mitigation",
                 "line 2 of the text opens 9 lists or quotes inside each other; at most 8 "
                 "are allowed")]),
    Case("glossary-term-too-long",
         {"client.yml": edit(CLIENT, "  CMS: Content", "  " + "C" * 101 + ": Content")},
         [Expect("client.yml", 24, 3, "glossary",
                 "a glossary term of 101 characters is too long: a term may have at most 100")]),
    Case("date-year-9999",
         {"roadmap.yml": edit(ROADMAP, "planned: 2026-04-01", "planned: 9999-12-31")},
         [Expect("roadmap.yml", 14, 14, "milestones[1].planned",
                 "9999-12-31 is outside the years Milepost accepts (2000 to 2100): is the "
                 "year right?")]),
    Case("date-year-0001",
         {"changes.yml": edit(CHANGES, "date: 2026-02-10", "date: 0001-01-01")},
         [Expect("changes.yml", 4, 9, "[0].date", "0001-01-01 is outside the years")]),
    Case("amount-that-overflows-when-summed",
         {"changes.yml": edit(CHANGES, "cost: 4000", "cost: 1.7e308")},
         [Expect("changes.yml", 7, 29, "[0].estimate.cost",
                 "1.7e308 is too large: amounts and days may be at most 1,000,000,000,000")]),
    Case("number-with-5000-digits",
         {"client.yml": edit(CLIENT, "total: 48000", "total: " + "9" * 5000)},
         [Expect("client.yml", 20, 10, "budget.total",
                 "999999999999…(5,000 characters) is too large a number")]),
    Case("schedule-impact-of-a-million-years",
         {"changes.yml": edit(CHANGES, "schedule_impact_days: 3",
                              "schedule_impact_days: 400000000000000")},
         [Expect("changes.yml", 8, 25, "[0].schedule_impact_days",
                 "400000000000000 is too large: amounts and days may be at most 1,000,000,000,000")]),
    # MkDocs writes the name into every page unescaped: <img src="assets/x" onerror=...>.
    Case("logo-name-breaks-out-of-src",
         {"client.yml": CLIENT + "theme: {logo: 'x\" onerror=\"alert(document.domain)\" y=\".svg'}\n",
          'x" onerror="alert(document.domain)" y=".svg': CLEAN_SVG},
         [Expect("client.yml", 25, 15, "theme.logo",
                 "'x\" onerror=\"alert(document.domain)\" y=\".svg' cannot be a logo file name: "
                 "use only letters, digits, '-', '_' and '.', ending in .svg or .png (rename the "
                 "file, e.g. to logo.svg)")]),
    Case("logo-name-with-space-and-angle-brackets",
         {"client.yml": CLIENT + "theme: {logo: 'our <logo> v2.png'}\n",
          "our <logo> v2.png": PNG_BYTES},
         [Expect("client.yml", 25, 15, "theme.logo",
                 "'our <logo> v2.png' cannot be a logo file name")]),
    Case("logo-name-non-ascii-letters",
         {"client.yml": CLIENT + "theme: {logo: 'l\u043e\u0433\u043e.svg'}\n",
          "l\u043e\u0433\u043e.svg": CLEAN_SVG},
         [Expect("client.yml", 25, 15, "theme.logo", "cannot be a logo file name")]),
    Case("logo-hidden-file",
         {"client.yml": CLIENT + "theme: {logo: .logo.svg}\n", ".logo.svg": CLEAN_SVG},
         [Expect("client.yml", 25, 15, "theme.logo", "must be a file name in the client's "
                 "folder")]),
    Case("glossary-term-like-internal-notes",
         {"client.yml": edit(CLIENT, "  CMS: Content management system\n",
                             "  CMS: Content management system\n  Internal notes: Margin is thin\n")},
         [Expect("client.yml", 25, 3, "glossary",
                 "'Internal notes' looks like internal_notes, but glossary terms are published: "
                 "write internal_notes to keep a note for the agency, or choose another term")]),
    Case("glossary-internal-notes-not-text",
         {"client.yml": edit(CLIENT, "  CMS: Content management system\n",
                             "  CMS: Content management system\n  internal_notes: [a, b]\n")},
         [Expect("client.yml", 25, 19, "glossary.internal_notes", "expected text")]),
    # The logo is served as it is and can be opened directly: an SVG with script, handlers
    # or outside references ran with the site's origin.
    *[Case(f"svg-logo-{name}",
           {"client.yml": CLIENT + "theme: {logo: logo.svg}\n", "logo.svg": svg.encode()},
           [Expect("logo.svg", line, column, "", message)])
      for name, svg, line, column, message in [
          ("script", SVG_HEAD + "  <script>alert(document.domain)</script>\n</svg>\n", 3, 3,
           "<script> is not allowed in an SVG logo (only shapes, paths, text, gradients, "
           "patterns, masks, filters and styles are): remove it, or use a .png"),
          ("event-handler", SVG_HEAD + '  <rect width="9" height="9" onclick="alert(1)"/>\n'
           "</svg>\n", 3, 3, '<rect onclick="alert(1)">: event handler attributes run '
           "script and are not allowed in an SVG logo: remove it"),
          ("onload-on-root", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n',
           1, 1, '<svg onload="alert(1)">: event handler attributes run script'),
          ("external-use", SVG_HEAD + '  <use xlink:href="https://evil.example/a.svg#x"/>\n'
           "</svg>\n", 3, 3, '<use href="https://evil.example/a.svg#x">: an SVG logo may '
           'only refer to its own parts (href="#id"), not to other files or addresses: '
           "embed what it shows, or use a .png"),
          ("data-image", SVG_HEAD + '  <image href="data:image/png;base64,AAAA"/>\n</svg>\n',
           3, 3, "<image> is not allowed in an SVG logo"),
          ("javascript-link", SVG_HEAD + '  <a href="javascript:alert(1)"><rect/></a>\n'
           "</svg>\n", 3, 3, "<a> is not allowed in an SVG logo"),
          ("foreign-object", SVG_HEAD + "  <foreignObject><p>x</p></foreignObject>\n</svg>\n",
           3, 3, "<foreignObject> is not allowed in an SVG logo"),
          ("xhtml-script", SVG_HEAD + '  <h:script xmlns:h="http://www.w3.org/1999/xhtml">'
           "alert(1)</h:script>\n</svg>\n", 3, 3, "<script> from namespace "
           "'http://www.w3.org/1999/xhtml' is not allowed in an SVG logo: save it as plain "
           "SVG, or use a .png"),
          ("set-animation", SVG_HEAD + '  <set attributeName="fill" to="red"/>\n</svg>\n',
           3, 3, "<set> is not allowed in an SVG logo"),
          ("style-import", SVG_HEAD + "  <style>@import url(https://evil.example/a.css);"
           "</style>\n</svg>\n", 3, 3, "this <style> uses @import, url() to something other "
           "than #id, script or CSS escapes: an SVG logo may only refer to its own parts; "
           "remove it, or use a .png"),
          ("style-url-split-by-comment", SVG_HEAD + "  <style>.a{background:u<!-- -->rl("
           "https://evil.example/p.png)}</style>\n</svg>\n", 3, 3, "this <style> uses @import"),
          ("style-attribute-url", SVG_HEAD + '  <rect style="fill:url(https://evil.example/'
           'p.png)"/>\n</svg>\n', 3, 3, "an SVG logo may only use url(#id) for its own parts, "
           "without @import, script or CSS escapes: remove it, or use a .png"),
          ("entity-expansion", '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">'
           '<!ENTITY b "&a;&a;&a;&a;">]>\n<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>\n',
           2, 15, "a <!DOCTYPE> is not allowed in an SVG logo (it can declare entities that "
           "expand or read other files): remove it"),
          ("external-entity", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>\n', 1, 15,
           "a <!DOCTYPE> is not allowed in an SVG logo"),
          ("stylesheet-instruction", '<?xml-stylesheet href="https://evil.example/a.css"?>\n'
           + SVG_HEAD + "</svg>\n", 1, 1, "the processing instruction <?xml-stylesheet …?> is "
           "not allowed in an SVG logo: remove it"),
          ("html-renamed", "<html><body><script>alert(1)</script></body></html>\n", 1, 1,
           'the outermost element is <html>, not <svg> in the SVG namespace '
           '(xmlns="http://www.w3.org/2000/svg")'),
          ("not-xml", SVG_HEAD + "  <rect width=9>\n</svg>\n", 3, 15,
           "the file is not valid SVG (not well-formed (invalid token)): export the logo "
           "again, or use a .png"),
      ]],
    Case("png-logo-that-is-html",
         {"client.yml": CLIENT + "theme: {logo: logo.png}\n",
          "logo.png": b"<html><script>alert(1)</script></html>"},
         [Expect("logo.png", 0, None, "", "the file is not a PNG image (it does not start with "
                 "PNG's signature): export the logo as PNG again, or use an .svg")]),
    Case("bad-colour-did-you-mean",
         {"client.yml": CLIENT + "theme: {primary: teel}\n"},
         [Expect("client.yml", 25, 18, "theme.primary", "(did you mean 'teal'?)")]),
]

def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, make_project, run_cli) -> None:
    make_project({case.slug: files_with(case.files), **case.extra})
    started = time.perf_counter()
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    elapsed = time.perf_counter() - started

    assert "Traceback" not in out + err
    assert err == ""
    assert elapsed < 2, f"validation took {elapsed:.2f}s"
    lines = out.rstrip("\n").split("\n")
    problem_lines, summary = lines[:-1], lines[-1]
    assert summary.startswith("1 client checked: "), out
    for expected in case.expect:
        pattern = line_pattern(case.slug, expected)
        assert any(pattern.search(line) for line in problem_lines), (
            f"no line matches {pattern.pattern!r} in:\n{out}")
    assert len(problem_lines) == len(case.expect), f"unexpected extra problems:\n{out}"
    assert code == case.code, out
    n_err = sum(e.severity == "error" for e in case.expect)
    assert f"{n_err} error{'s' if n_err != 1 else ''}," in summary


def test_a_client_folder_linked_to_another_is_refused(make_project, run_cli) -> None:
    root = make_project({"acme": files_with({})})
    (root / "beta").symlink_to(root / "acme", target_is_directory=True)
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert (code, err) == (1, "")
    assert out.split("\n")[:2] == [
        "projects/beta: error: the client folder is a link to another folder: a client's "
        "site may only use its own files; make it a real folder (copy the files) or remove "
        "the link",
        "2 clients checked: 1 error, 0 warnings (1 with errors)"]


def test_valid_client_has_no_problems(make_project, run_cli) -> None:
    make_project({"acme": files_with({})})
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert (code, out, err) == (0, "1 client checked: no problems\n", "")


def test_valid_data_round_trip_is_valid(make_project) -> None:
    """The Python-object form of the valid client (as tests mutate it) is valid too."""
    root = make_project({"acme": valid_data()})
    checked = check_projects(root, TODAY)
    assert checked.problems == []
    assert [p.slug for p in checked.projects] == ["acme"]


def test_all_problems_of_a_file_are_reported_at_once(make_project, run_cli) -> None:
    roadmap = edit(edit(edit(ROADMAP, "planned: 2026-02-02", "planned: 2026-02-30"),
                        "planned: 2026-04-01", "planned: 01.04.2026"),
                   "signoff: true\n      - id: D3", "signoff: ja\n      - id: D3")
    make_project({"acme": files_with({"roadmap.yml": roadmap,
                                      "risks.yml": edit(RISKS, "impact: high", "impact: huge")})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    assert "roadmap.yml:5:14: error: milestones[0].planned:" in out
    assert "roadmap.yml:14:14: error: milestones[1].planned:" in out
    assert "roadmap.yml:20:18: error: milestones[1].deliverables[0].signoff:" in out
    assert "risks.yml:4:11: error: [0].impact: 'huge' is not allowed" in out
    assert out.rstrip().endswith("1 client checked: 4 errors, 0 warnings (1 with errors)")


def test_reference_problems_come_with_shape_errors_and_the_client_stays_invalid(
        make_project) -> None:
    """All problems in one run, in the order of files and lines; still no model."""
    roadmap = edit(ROADMAP, "client_tasks:\n", "  - id: M2\n    title: Launch\n"
                   "    planned: 2026-13-01\nclient_tasks:\n")
    root = make_project({"acme": files_with({
        "roadmap.yml": edit(roadmap, "depends_on: [M1]", "depends_on: [M9]"),
        "risks.yml": edit(RISKS, "impact: high", "impact: huge")})})
    checked = check_projects(root, TODAY)
    assert checked.projects == []
    assert [(p.file.rsplit("/", 1)[1], p.line, p.severity) for p in checked.problems] == [
        ("risks.yml", 4, "error"),      # 'huge': shape
        ("roadmap.yml", 16, "error"),   # M9: reference
        ("roadmap.yml", 23, "error"),   # M2 used twice: uniqueness
        ("roadmap.yml", 25, "error"),   # 2026-13-01: shape
    ]


def test_a_reference_into_a_file_that_was_not_read_is_not_called_unknown(make_project,
                                                                         tmp_path) -> None:
    """A decision file that links out of the client's folder is refused and not read: the
    decisions it holds are unknown, not missing, so references to them are not called typos
    ("did you mean 'DR-001'?" sent the PM looking for one). The client stays invalid."""
    outside = tmp_path / "shared" / "DR-002.yml"
    outside.parent.mkdir()
    outside.write_text(DECISION.replace("DR-001", "DR-002"), encoding="utf-8")
    root = make_project({"acme": files_with({
        "changes.yml": edit(CHANGES, "related: [M2]", "related: [M2, DR-002]"),
        "decisions/DR-001.yml": edit(DECISION, "status: accepted",
                                     "status: accepted\nsupersedes: [DR-002]")})})
    (root / "acme" / "decisions" / "DR-002.yml").symlink_to(outside)
    checked = check_projects(root, TODAY)
    assert checked.projects == []
    assert [(p.file.rsplit("/", 2)[-2:], p.message) for p in checked.problems] == [
        (["decisions", "DR-002.yml"], "is a link to a file outside the client's folder: a "
         "client's site may only use its own files; copy the file here instead")]


def test_one_broken_client_does_not_hide_another(make_project, run_cli) -> None:
    make_project({"acme": files_with({"risks.yml": edit(RISKS, "owner: Pat Lee", "owner: X")}),
                  "beta": files_with({})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    assert "projects/acme/risks.yml:5:10: error: [0].owner:" in out
    assert "projects/beta" not in out
    assert out.rstrip().endswith("2 clients checked: 1 error, 0 warnings (1 with errors)")


def test_hidden_and_underscore_folders_are_skipped(make_project, run_cli) -> None:
    make_project({"acme": files_with({}), "_drafts": {"client.yml": "{"},
                  ".git": {"client.yml": "{"}})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert (code, out) == (0, "1 client checked: no problems\n")


def test_crlf_line_endings_keep_line_numbers(make_project, run_cli) -> None:
    files = {name: text.replace("\n", "\r\n") for name, text in VALID_TEXT.items()}
    files["roadmap.yml"] = edit(ROADMAP, "planned: 2026-02-02", "planned: 2026-02-30").replace(
        "\n", "\r\n")
    make_project({"acme": files})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    assert out.startswith("projects/acme/roadmap.yml:5:14: error: milestones[0].planned: "
                          "'2026-02-30' is not a real date"), out
    assert out.count("error:") == 1


def test_byte_order_mark_is_accepted(make_project, run_cli) -> None:
    make_project({"acme": files_with({"client.yml": ("\ufeff" + CLIENT).encode("utf-8")})})
    assert run_cli("validate", "--projects", "projects", "--as-of", AS_OF)[0] == 0


def test_long_dependency_chain_does_not_crash(make_project) -> None:
    n = 1200
    roadmap = "milestones:\n" + "".join(
        f"  - {{id: M{i}, title: t, planned: 2026-02-02, depends_on: [M{i + 1}]}}\n"
        for i in range(n)) + f"  - {{id: M{n}, title: t, planned: 2026-02-02}}\n"
    root = make_project({"acme": files_with({
        "roadmap.yml": roadmap, "signoffs.yml": "[]\n",
        "decisions/DR-001.yml": edit(DECISION, "related: [M2]", "related: [M1]"),
        # No forecasts in the chain: an approved change must not move the schedule either.
        "changes.yml": edit(edit(CHANGES, "related: [M2]", "related: [M1]"),
                            "schedule_impact_days: 3", "schedule_impact_days: 0")})})
    checked = check_projects(root, TODAY)
    assert checked.problems == []


def _big_roadmap(n: int) -> dict[str, str]:
    """n milestones as a PM who renamed every ID in one go leaves them: each depends on an
    ID that no longer exists, and each sign-off names a deliverable by its old ID. The worst
    for validation: every reference is unknown, and each gets a 'did you mean' search."""
    roadmap = "milestones:\n" + "".join(
        f"  - {{id: M{i}, title: Step {i}, planned: 2026-02-02, depends_on: [M-{i + 1}], "
        f"deliverables: [{{id: D{i}, title: Plan, signoff: true}}]}}\n" for i in range(n))
    signoffs = "".join(
        f"- {{deliverable: D-{i}, version: '1', date: 2026-02-02, by: Cleo Client, "
        "outcome: approved, via: email}\n" for i in range(n))
    return files_with({"roadmap.yml": roadmap, "signoffs.yml": signoffs,
                       "decisions/DR-001.yml": None, "changes.yml": None, "risks.yml": None})


@pytest.mark.slow  # about 5 seconds: thousands of records, validated six times
def test_validation_time_grows_linearly_with_the_milestones(make_project) -> None:
    """Four times the milestones take about four times as long, not sixteen: a search over
    every ID for each unknown reference made 6,000 milestones take minutes. A ratio of two
    timings in the same test, best of three, so it holds on a slow or busy machine."""
    from generator.project.client import check_client_folder

    root = make_project({"small": _big_roadmap(500), "big": _big_roadmap(2000)})

    def fastest(slug: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            _, problems = check_client_folder(root / slug, "projects", TODAY)
            best = min(best, time.perf_counter() - started)
        assert len(problems) > 2000 if slug == "big" else len(problems) > 500  # all checked
        return best

    small, big = fastest("small"), fastest("big")
    # Linear is 4, the quadratic search this guards against was 16; a loaded 2-core machine
    # measured 6.1 and 6.6 for linear code, so the bound sits between.
    assert big / small < 9, f"4 times the milestones took {big / small:.1f} times as long"


# --- text is kept exactly as written -------------------------------------------------------

@pytest.mark.parametrize("written, kept", [
    ("1.10", "1.10"), ("1.0", "1.0"), ("2", "2"), ("0x1F", "0x1F"), ("1e3", "1e3"),
    ("007", "007"), ("'1.10'", "1.10"), ('"2.0"', "2.0"),
])
def test_version_text_is_kept_as_written(written: str, kept: str, make_project) -> None:
    signoffs = edit(SIGNOFFS, 'version: "1.0"', f"version: {written}")
    root = make_project({"acme": files_with({"signoffs.yml": signoffs})})
    checked = check_projects(root, TODAY)
    assert checked.problems == []
    assert checked.projects[0].signoffs[0].version == kept


@pytest.mark.parametrize("written", [
    "yes", "no", "on", "off", "true", "2026", "2026-01-01", "1.10", "null-ish", "~tilde",
    "12:30", ".inf", "NO",
])
def test_title_text_is_kept_as_written(written: str, make_project) -> None:
    roadmap = edit(ROADMAP, "    title: Design\n", f"    title: {written}\n")
    changes = edit(CHANGES, "title: Add a blog", f"title: {written}")
    root = make_project({"acme": files_with({"roadmap.yml": roadmap, "changes.yml": changes})})
    checked = check_projects(root, TODAY)
    assert checked.problems == []
    project = checked.projects[0]
    assert project.milestones[1].title == written
    assert project.changes[0].title == written


def test_glossary_keys_and_values_kept_as_written(make_project) -> None:
    client = edit(CLIENT, "  CMS: Content management system\n",
                  "  CMS: Content management system\n  NO: Norway\n  1.10: version one ten\n"
                  "  ON: yes\n")
    root = make_project({"acme": files_with({"client.yml": client})})
    checked = check_projects(root, TODAY)
    assert checked.problems == []
    assert checked.projects[0].client.glossary == {
        "CMS": "Content management system", "NO": "Norway", "1.10": "version one ten",
        "ON": "yes"}


def test_glossary_internal_notes_are_dropped(make_project) -> None:
    """internal_notes is agency-only in every mapping, the glossary too (it was published as
    a term)."""
    client = edit(CLIENT, "  CMS: Content management system\n",
                  "  internal_notes: Margin is thin\n  CMS: Content management system\n")
    root = make_project({"acme": files_with({"client.yml": client})})
    checked = check_projects(root, TODAY)
    assert checked.problems == []
    assert checked.projects[0].client.glossary == {"CMS": "Content management system"}


# --- warnings: exit 0, and 1 with --strict -----------------------------------------------

WARNINGS = {
    "client-task-owned-by-team-side": (
        {"roadmap.yml": edit(ROADMAP, "owner: Cleo Client", "owner: Pat Lee")},
        Expect("roadmap.yml", 26, 12, "client_tasks[0].owner",
               "'Pat Lee' is on the team side, but client tasks are work for the client",
               "warning")),
    "forecast-before-planned-not-done": (
        {"roadmap.yml": edit(ROADMAP, "forecast: 2026-04-10", "forecast: 2026-03-20")},
        Expect("roadmap.yml", 15, 15, "milestones[1].forecast",
               "forecast 2026-03-20 is before planned 2026-04-01", "warning")),
    "update-in-the-future": (
        {"updates/2026-07-06.yml": edit(UPDATE, "date: 2026-03-02", "date: 2026-07-06")},
        Expect("updates/2026-07-06.yml", 1, 7, "date",
               f"update dated 2026-07-06 is in the future (today is {AS_OF})", "warning")),
    "forecast-before-a-milestone-it-depends-on": (
        {"roadmap.yml": edit(ROADMAP, "done: 2026-02-04", "forecast: 2026-04-20")},
        Expect("roadmap.yml", 15, 15, "milestones[1].forecast",
               "M2 is forecast for 2026-04-10, before the forecast of M1 (2026-04-20), which it "
               "depends on: move M2's forecast to 2026-04-20 or later, or remove M1 from "
               "depends_on if M2 no longer waits for it", "warning")),
    "planned-before-a-milestone-it-depends-on": (
        {"roadmap.yml": edit(edit(ROADMAP, "done: 2026-02-04", "forecast: 2026-04-20"),
                             "    forecast: 2026-04-10\n", "")},
        Expect("roadmap.yml", 14, 14, "milestones[1].planned",
               "M2 is planned for 2026-04-01, before the forecast of M1 (2026-04-20), which it "
               "depends on: add a forecast of 2026-04-20 or later to M2 (planned stays as "
               "agreed)", "warning")),
    "last-milestone-after-the-end": (
        {"roadmap.yml": edit(ROADMAP, "forecast: 2026-04-10", "forecast: 2026-12-21")},
        Expect("roadmap.yml", 15, 15, "milestones[1].forecast",
               "M2 is forecast for 2026-12-21, after the project's end (2026-12-18, 'end' in "
               "client.yml): if a new end was agreed with the client, move 'end'", "warning")),
    "schedule-impact-in-no-forecast": (
        {"roadmap.yml": edit(edit(ROADMAP, "done: 2026-02-04", "done: 2026-02-02"),
                             "    forecast: 2026-04-10\n", "")},
        Expect("changes.yml", 8, 25, "[0].schedule_impact_days",
               "CR-1 is approved with a schedule impact of 3 days, but no milestone has a "
               "forecast or done date later than planned, so the roadmap shows no delay: set "
               "the forecast of the milestones this change moves", "warning")),
    "done-milestone-deliverable-without-signoff": (
        {"signoffs.yml": "[]\n"},
        Expect("roadmap.yml", 10, 18, "milestones[0].deliverables[0].signoff",
               "milestone M1 is done but deliverable D1 has no approved sign-off", "warning")),
}


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warning_exits_0_and_1_when_strict(name: str, make_project, run_cli) -> None:
    files, expected = WARNINGS[name]
    make_project({"acme": files_with(files)})
    code, out, err = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    lines = out.rstrip("\n").split("\n")
    assert code == 0, out
    assert len(lines) == 2 and line_pattern("acme", expected).search(lines[0]), out
    assert lines[1] == "1 client checked: 0 errors, 1 warning"
    assert "Traceback" not in out + err

    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF, "--strict")
    strict = Expect(expected.file, expected.line, expected.column, expected.path,
                    expected.fragment, "error")
    assert code == 1, out
    assert line_pattern("acme", strict).search(out.split("\n")[0]), out
    assert out.rstrip().endswith("1 client checked: 1 error, 0 warnings (1 with errors)")


def test_future_update_is_fine_when_as_of_is_later(make_project, run_cli) -> None:
    files, _ = WARNINGS["update-in-the-future"]
    make_project({"acme": files_with(files)})
    assert run_cli("validate", "--projects", "projects", "--as-of", "2026-07-06")[:2] == (
        0, "1 client checked: no problems\n")


def test_all_warnings_together(make_project, run_cli) -> None:
    roadmap = edit(edit(ROADMAP, "owner: Cleo Client", "owner: Pat Lee"),
                   "forecast: 2026-04-10", "forecast: 2026-03-20")
    make_project({"acme": files_with({
        "roadmap.yml": roadmap, "signoffs.yml": "[]\n",
        "updates/2026-07-06.yml": edit(UPDATE, "date: 2026-03-02", "date: 2026-07-06")})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 0
    assert out.count(": warning: ") == 4
    assert out.rstrip().endswith("1 client checked: 0 errors, 4 warnings")
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF, "--strict")
    assert code == 1
    assert out.count(": error: ") == 4 and ": warning: " not in out


# --- limits keep rendering linear ----------------------------------------------------------

def _worst_markdown() -> dict[str, str]:
    """The most expensive Markdown fields the limits accept, each as long as allowed."""
    from generator.format.validate import (
        MARKDOWN_LINES,
        MARKDOWN_MARKS,
        MARKDOWN_NESTING,
        TEXT_LIMITS,
    )

    length, marks, lines = TEXT_LIMITS["markdown"], MARKDOWN_MARKS, MARKDOWN_LINES - 1

    def filled(start: str) -> str:
        return (start + " " + "Design is under way. " * length)[:length]

    return {
        "unclosed brackets": filled("[" * marks),
        "unclosed links": filled("[x](" * (marks // 2)),
        "images": filled("![" * (marks // 2)),
        "emphasis": filled("*a" * marks),
        "code spans": filled("`a" * marks),
        "backslashes": filled("\\" * marks),
        "nested quotes": filled((">" * MARKDOWN_NESTING + " x\n") * (marks // 8)),
        "nested lists": filled(("- " * MARKDOWN_NESTING + "x\n") * lines),
        "setext headings": filled("a\n=\n" * (lines // 2)),
        "headings": filled("# x\n" * lines),
        "autolinks": filled("<http://a.example> " * 1000),
        "entities": filled("&amp;" * 3000),
    }


def _fastest(render, text: str, bound: float, runs: int = 3) -> float:
    """The best of a few timings; a run already under `bound` needs no repeat."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - started)
        if best < bound:
            break
    return best


@pytest.mark.parametrize("name", list(_worst_markdown()))
def test_worst_accepted_markdown_renders_in_linear_time(name: str) -> None:
    """Measured against ordinary prose of the same length, in the same test: a quadratic
    pattern (24,000 '[' once took minutes) would be thousands of times slower."""
    from generator.format import records as r
    from generator.format.validate import too_long
    from generator.site.markup import RichText, plain_parsed

    worst = _worst_markdown()[name]
    normal = ("Design is under way. " * len(worst))[: len(worst)]
    assert too_long(worst, r.MARKDOWN) is None  # accepted by validation
    rich = RichText({"CMS": "Content management system"})
    # Linear patterns measure 1 to 17 times prose on a quiet machine and up to about 90 on
    # one loaded four times over (two test workers beside other work); a quadratic one is
    # thousands of times slower, so the bound sits far from both. Best of five runs.
    # Both through the parser: prose skips it where it is one plain line (and `plain` keeps
    # its results for the process), so time the parser's work, not the shortcut.
    for render in (rich.parsed, plain_parsed):
        base = min(_fastest(render, normal, 0) for _ in range(3))
        ratio = _fastest(render, worst, base * 40, runs=5) / base
        assert ratio < 250, f"{name}: {ratio:.0f} times slower than prose of the same length"


# --- nothing from the input acts on the terminal or the CI log ---------------------------

FORGED = "a\n::warning file=forged.yml::all good, ship it\n.yml"


def test_github_format_escapes_a_file_name_that_forges_a_line(make_project, run_cli) -> None:
    make_project({"acme": files_with({f"decisions/{FORGED}": ""})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "github", "--as-of", AS_OF)
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert lines == [
        "::error file=projects/acme/decisions/a%0A%3A%3Awarning file=forged.yml%3A%3Aall good"
        "%2C ship it%0A.yml::the file is empty: remove it or fill it in",
        "1 client checked: 1 error, 0 warnings (1 with errors)"]


def test_github_format_escapes_the_message_and_the_file_property() -> None:
    from generator.problems import Problem

    problem = Problem("p/a,b:c%.yml", 3, 4, "x", "100% sure\r\nreally")
    assert problem.github() == "::error file=p/a%2Cb%3Ac%25.yml,line=3,col=4::x: 100%25 " \
                               "sure%0D%0Areally"


def test_text_format_escapes_control_characters_from_input(make_project, run_cli) -> None:
    client = CLIENT + '"\\e]0;owned\\a\\e[2J": 1\n'
    make_project({"acme": files_with({"client.yml": client, f"decisions/{FORGED}": ""})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--as-of", AS_OF)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out
    lines = out.rstrip("\n").split("\n")
    assert lines[0].startswith(
        "projects/acme/client.yml:25:1: error: unknown field '\\x1b]0;owned\\x07\\x1b[2J'")
    assert lines[1] == ("projects/acme/decisions/a\\n::warning file=forged.yml::all good, ship "
                        "it\\n.yml: error: the file is empty: remove it or fill it in")
    assert len(lines) == 3


def test_json_format_escapes_c1_control_characters(make_project, run_cli) -> None:
    make_project({"acme": files_with({"decisions/a\x9b2J.yml": ""})})
    code, out, _ = run_cli("validate", "--projects", "projects", "--format", "json", "--as-of", AS_OF)
    assert "\x9b" not in out and "a\\u009b2J.yml" in out
