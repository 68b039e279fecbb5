"""The file format: one typed record per thing a PM writes.

These dataclasses are the single source for validation (`validate.py`), the JSON Schema that
editors use (`schema.py`) and the format reference. Each field's `doc` is one line a PM reads
in their editor's completion popup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

# Markers that refine plain Python types; validation and the JSON Schema both read them.
ID = "id"            # an identifier: ^[A-Za-z][A-Za-z0-9_.-]*$
TEXT = "text"        # one line of plain text
MARKDOWN = "markdown"  # longer text; Markdown allowed (no HTML)
AMOUNT = "amount"    # a non-negative number (money or days)
EMAIL = "email"
URL = "url"          # an absolute http(s) address

Id = Annotated[str, ID]
Text = Annotated[str, TEXT]
Markdown = Annotated[str, MARKDOWN]
Amount = Annotated[float, AMOUNT]
SCORE = "score"      # a rating: a whole number from 1 to 5
Score = Annotated[float, SCORE]
Email = Annotated[str, EMAIL]
Url = Annotated[str, URL]

RAG = Literal["green", "amber", "red"]
Level = Literal["low", "medium", "high"]
Side = Literal["team", "client"]
DecisionStatus = Literal["proposed", "accepted", "rejected", "superseded"]
Outcome = Literal["approved", "changes-requested", "rejected"]
Via = Literal["email", "meeting", "call", "e-signature", "other"]
ChangeStatus = Literal["requested", "approved", "rejected", "withdrawn", "done"]
RiskStatus = Literal["open", "closed", "occurred"]
# Material for MkDocs' named palette colours.
Color = Literal[
    "red", "pink", "purple", "deep-purple", "indigo", "blue", "light-blue", "cyan", "teal",
    "green", "light-green", "lime", "yellow", "amber", "orange", "deep-orange", "brown",
    "grey", "blue-grey", "black", "white",
]

INTERNAL_DOC = "true keeps this record for the agency only: it never reaches the client's site"


def f(doc: str, default: Any = dataclasses.MISSING, **kw: Any) -> Any:
    """A field with a one-line doc; `default` makes it optional."""
    if isinstance(default, list | dict):
        factory = type(default)
        return dataclasses.field(default_factory=factory, metadata={"doc": doc}, **kw)
    return dataclasses.field(default=default, metadata={"doc": doc}, **kw)


@dataclass(frozen=True)
class Where:
    """Where a record was written: its file and the position of each of its keys and items."""

    file: str = ""
    path: str = ""
    marks: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)

    def at(self, key: str = "") -> tuple[int, int]:
        return self.marks.get(key) or self.marks.get("", (0, 0))


def where_field() -> Any:
    return dataclasses.field(default_factory=Where, compare=False, repr=False,
                             metadata={"hidden": True})


# --- evidence of an answer by email (written by `milepost inbox`) ----------------------

@dataclass(frozen=True)
class Evidence:
    """Where an answer came from: the client's email that `milepost inbox` wrote in."""

    message_id: Text = f("The email's Message-ID, e.g. <abc@mail.client.example>: inbox "
                         "applies each email once")
    sender: Email = f("The address it came from, authenticated by the agency's mail server")
    by: Text = f("Who sent it: the name of the client-side team member")
    date: date = f("The day it was sent (YYYY-MM-DD)")
    where: Where = where_field()


EVIDENCE_DOC = "Where the answer came from, when it came by email (written by milepost inbox)"


# --- client.yml -------------------------------------------------------------------------

@dataclass(frozen=True)
class Contact:
    """A person on the project, on the agency's side (team) or the client's."""

    name: Text = f("Full name, as used in owner, by and deciders fields")
    side: Side = f("team (the agency) or client")
    role: Text | None = f("Job title or role on this project", None)
    email: Email | None = f("Email address", None)
    phone: Text | None = f("Phone number", None)
    lead: bool = f("true for the lead of their side: the client's lead decision maker, or the "
                   "agency's project lead (who answers reach, and the digest's Reply-To)", False)
    notify: bool = f("true sends this client-side person the email digest (milepost notify); "
                     "needs an email", False)
    signs_off: bool = f("true lets this client-side person sign off deliverables and approve "
                        "change requests by email reply (milepost inbox); the client's lead "
                        "always may", False)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Channel:
    """One way the client and the agency talk: a call, a meeting, an inbox."""

    channel: Text = f("What it is, e.g. Weekly status call")
    when: Text | None = f("When it happens, e.g. Mondays 10:00 CET", None)
    address: Text | None = f("Where to reach it: email address, phone, meeting link", None)
    response: Text | None = f("Response time the client can expect", None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Budget:
    """The agreed budget and what has been spent so far."""

    currency: Text = f("Currency code, e.g. EUR")
    total: Amount = f("Agreed budget (original contract, before change requests)")
    spent: Amount = f("Spent so far", 0)
    as_of: date | None = f("Date the spent figure was taken (YYYY-MM-DD)", None)
    where: Where = where_field()


@dataclass(frozen=True)
class Theme:
    """Branding of the client's site."""

    primary: Color | None = f("Primary colour (Material palette name, e.g. teal)", None)
    accent: Color | None = f("Accent colour (Material palette name)", None)
    logo: Text | None = f("Logo file in the client's folder: a .png, or an .svg that only "
                           "draws (no script, links or outside references); its name of "
                           "letters, digits, '-', '_' and '.'", None)
    where: Where = where_field()


@dataclass(frozen=True)
class Client:
    """client.yml: who the client is and how the project is run."""

    name: Text = f("The client's name, shown as the site's title")
    project: Text = f("The project's name")
    start: date = f("Project start date (YYYY-MM-DD)")
    summary: Markdown | None = f("What the project is for, in a few sentences (Markdown)", None)
    end: date | None = f("Planned end date (YYYY-MM-DD)", None)
    team: list[Contact] = f("People on both sides", [])
    communication: list[Channel] = f("Meetings, channels and response times", [])
    budget: Budget | None = f("Budget and spend", None)
    glossary: dict[str, Text] = f("Terms and their plain-language meaning", {})
    theme: Theme | None = f("Branding of the client's site", None)
    site_url: Url | None = f("Address of this client's published site, e.g. "
                             "https://projects.example.com/acme/ (default: site_url of the base "
                             "mkdocs.yml followed by the client's folder name)", None)
    where: Where = where_field()


# --- roadmap.yml ------------------------------------------------------------------------

@dataclass(frozen=True)
class Deliverable:
    """Something handed to the client, possibly for sign-off."""

    id: Id = f("Unique deliverable ID, e.g. D1")
    title: Text = f("What is delivered")
    signoff: bool = f("true if the client must sign it off", False)
    delivered: date | None = f("Date the current version was handed to the client for "
                               "sign-off", None)
    description: Markdown | None = f("More detail (Markdown)", None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Milestone:
    """A point on the roadmap with an agreed date."""

    id: Id = f("Unique milestone ID, e.g. M1")
    title: Text = f("What is reached at this milestone")
    planned: date = f("Baseline date agreed with the client (YYYY-MM-DD)")
    phase: Text | None = f("Phase it belongs to; milestones are grouped by phase", None)
    forecast: date | None = f("Today's best estimate, if different from planned", None)
    done: date | None = f("Date it was actually reached", None)
    description: Markdown | None = f("More detail (Markdown)", None)
    depends_on: list[Id] = f("IDs of milestones that must be reached first", [])
    deliverables: list[Deliverable] = f("What is delivered at this milestone", [])
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class ClientTask:
    """Work assigned to the client: a review, assets to send, a decision to make."""

    id: Id = f("Unique task ID, e.g. T1")
    title: Text = f("What the client needs to do")
    owner: Text = f("Name of the client-side team member responsible")
    due: date = f("Date it is due (YYYY-MM-DD)")
    done: date | None = f("Date it was done", None)
    description: Markdown | None = f("More detail (Markdown)", None)
    blocks: list[Id] = f("IDs of milestones that wait on this task", [])
    evidence: Evidence | None = f(EVIDENCE_DOC, None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Roadmap:
    """roadmap.yml: milestones and the client's tasks."""

    milestones: list[Milestone] = f("Milestones in order", [])
    client_tasks: list[ClientTask] = f("Work assigned to the client", [])
    where: Where = where_field()


# --- decisions/*.yml --------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One option that was considered."""

    name: Text = f("The option")
    summary: Text | None = f("One line about it", None)
    pros: list[Text] = f("What speaks for it", [])
    cons: list[Text] = f("What speaks against it", [])
    where: Where = where_field()


@dataclass(frozen=True)
class Decision:
    """A decision record: what was decided, why, and who decided."""

    id: Id = f("Unique decision ID, e.g. DR-001")
    title: Text = f("The decision in a few words")
    status: DecisionStatus = f("proposed, accepted, rejected or superseded")
    date: date = f("Date it was proposed or decided (YYYY-MM-DD)")
    deciders: list[Text] = f("Names of the people who decide", [])
    context: Markdown | None = f("Why a decision is needed (Markdown)", None)
    options: list[Option] = f("Options considered", [])
    decision: Markdown | None = f("What was decided (Markdown)", None)
    consequences: Markdown | None = f("What follows from it (Markdown)", None)
    supersedes: list[Id] = f("IDs of earlier decisions this one replaces", [])
    related: list[Id] = f("Related milestone, deliverable, change, risk or decision IDs", [])
    evidence: Evidence | None = f(EVIDENCE_DOC, None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


# --- signoffs.yml, changes.yml, risks.yml -----------------------------------------------

@dataclass(frozen=True)
class Signoff:
    """One sign-off event: the client's answer to one version of a deliverable."""

    deliverable: Id = f("ID of the deliverable")
    version: Text = f("Version submitted, e.g. \"1.1\" (quote it)")
    date: date = f("Date of the answer (YYYY-MM-DD)")
    by: Text = f("Who answered")
    outcome: Outcome = f("approved, changes-requested or rejected")
    via: Via = f("email, meeting, call, e-signature or other")
    notes: Markdown | None = f("What was said (Markdown)", None)
    evidence: Evidence | None = f(EVIDENCE_DOC, None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Estimate:
    """The estimated cost of a change."""

    days: Amount | None = f("Extra effort in days", None)
    cost: Amount | None = f("Extra cost, in the budget's currency", None)
    where: Where = where_field()


@dataclass(frozen=True)
class Change:
    """A change request: scope added, removed or changed after the plan was agreed."""

    id: Id = f("Unique change request ID, e.g. CR-1")
    title: Text = f("What changes")
    requested_by: Text = f("Who asked for it")
    date: date = f("Date it was requested (YYYY-MM-DD)")
    status: ChangeStatus = f("requested, approved, rejected, withdrawn or done")
    description: Markdown | None = f("More detail (Markdown)", None)
    estimate: Estimate | None = f("Estimated effort and cost", None)
    schedule_impact_days: Amount | None = f("Days the change moves the schedule", None)
    # `dt.date`: inside this class, `date` is the field above, not the type.
    decided: dt.date | None = f("Date it was approved or rejected", None)
    related: list[Id] = f("Related milestone, deliverable, decision or risk IDs", [])
    evidence: Evidence | None = f(EVIDENCE_DOC, None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


@dataclass(frozen=True)
class Risk:
    """A risk: something that could go wrong, and what is done about it."""

    id: Id = f("Unique risk ID, e.g. R1")
    title: Text = f("What could happen")
    likelihood: Level = f("low, medium or high")
    impact: Level = f("low, medium or high")
    owner: Text = f("Name of the team member who owns it")
    status: RiskStatus = f("open, closed or occurred")
    mitigation: Markdown | None = f("What is done to prevent or soften it (Markdown)", None)
    description: Markdown | None = f("More detail (Markdown)", None)
    raised: date | None = f("Date it was first recorded (YYYY-MM-DD)", None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


# --- updates/*.yml ----------------------------------------------------------------------

@dataclass(frozen=True)
class Update:
    """A status update, usually weekly."""

    date: date = f("Date of the update (YYYY-MM-DD)")
    overall: RAG = f("Overall health: green, amber or red")
    schedule: RAG | None = f("Schedule health: green, amber or red", None)
    budget: RAG | None = f("Budget health: green, amber or red", None)
    scope: RAG | None = f("Scope health: green, amber or red", None)
    summary: Markdown | None = f("The week in a few sentences (Markdown)", None)
    done: list[Text] = f("What was done", [])
    next: list[Text] = f("What comes next", [])
    problems: list[Text] = f("Problems, said openly", [])
    asks: list[Text] = f("What we need from the client", [])
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


# --- feedback.yml -----------------------------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """The client's rating or comment, and what the agency did about it."""

    date: date = f("Date the client gave it (YYYY-MM-DD)")
    by: Text = f("Who gave it: a client-side team member")
    about: Id | None = f("ID of the milestone or deliverable it is about (none: the project "
                         "as a whole)", None)
    score: Score | None = f("Rating from 1 (poor) to 5 (excellent)", None)
    comment: Markdown | None = f("What they said (Markdown)", None)
    response: Markdown | None = f("What we did about it (Markdown); shown to the client", None)
    responded: dt.date | None = f("Date we responded (YYYY-MM-DD)", None)
    evidence: Evidence | None = f(EVIDENCE_DOC, None)
    internal: bool = f(INTERNAL_DOC, False)
    where: Where = where_field()


# What each file holds: a record, or a list of records.
FILE_KINDS: dict[str, tuple[type, bool]] = {
    "client.yml": (Client, False),
    "roadmap.yml": (Roadmap, False),
    "decisions": (Decision, False),
    "signoffs.yml": (Signoff, True),
    "changes.yml": (Change, True),
    "risks.yml": (Risk, True),
    "updates": (Update, False),
    "feedback.yml": (Feedback, True),
}


def kind_of(name: str) -> tuple[type, bool]:
    """The record type of a file named relative to its client folder."""
    return FILE_KINDS[name.split("/", 1)[0]]


def public_fields(record_type: type) -> list[dataclasses.Field]:
    return [x for x in dataclasses.fields(record_type) if not x.metadata.get("hidden")]
