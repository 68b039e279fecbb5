"""The digest's text and HTML parts, from the templates in `content/email/`.

Python works out everything the digest says (`content`) and each link (`view`); the
templates only lay it out, as the page templates do. Every value is one line
(`headers.one_line`): in the text part a value can never start a line of its own; in the
HTML part it is escaped too (autoescape), so text from YAML is never markup.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.ext
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from generator.format.pages import page_of_section
from generator.ship.digest import content as c
from generator.ship.digest.headers import one_line
from generator.site import wording
from generator.site.answers import Answer
from generator.site.render import CONTENT

EMAIL = CONTENT / "email"


# --- what the templates get ------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One thing waiting on the client."""

    sentence: str
    overdue: bool
    url: str                # where it is shown on the site
    answers: list[Answer]   # links that open a prefilled answer (the HTML part shows them)


@dataclass(frozen=True)
class Group:
    """One section of What changed."""

    title: str
    sentences: list[str]
    url: str                # where the site shows it


@dataclass(frozen=True)
class Rating:
    question: str           # "How did we do on M3 Design?"
    answers: list[Answer]   # 1 to 5


@dataclass(frozen=True)
class View:
    """Everything a digest template shows, already worded."""

    subject: str
    project: str
    client: str
    date: str               # the digest's day: "2 December 2026"
    opening: str | None     # what these emails are, in the first one
    status: str | None
    health: str | None      # green, amber or red: the status's colour
    needs_heading: str
    needs: list[Item]
    answer_here: str        # how to answer, where the answer links are beside each item
    answer_on_site: str     # how to answer, where they are on the site (the text part)
    changes_heading: str
    changes: list[Group]
    rating: Rating | None
    site: str               # the site's overview
    reply: str | None       # who a reply reaches


def view(d: c.Digest) -> View:
    return View(
        subject=d.subject, project=d.project, client=d.client,
        date=wording.long_date(d.today), opening=c.opening(d), status=d.status,
        health=d.health, needs_heading=c.needs_heading(d),
        needs=[Item(n.sentence, bool(n.overdue), d.link(n.page), n.answers) for n in d.needs],
        answer_here=c.how_to_answer(d, links_here=True),
        answer_on_site=c.how_to_answer(d, links_here=False),
        changes_heading=c.changes_heading(d),
        changes=[Group(s.title, s.sentences, d.link(page_of_section(s.title).path))
                 for s in d.changes],
        rating=Rating(*d.rating) if d.rating else None,
        site=d.link("index.md"), reply=c.who_answers_sentence(d))


# --- the templates ---------------------------------------------------------------------------

def as_text(d: c.Digest) -> str:
    """The text part."""
    return _environment(html=False).get_template("digest.txt.j2").render(view=view(d))


def as_html(d: c.Digest) -> str:
    """The HTML part: inline styles only, no images, nothing fetched, every text escaped.
    One line (the template's own lines are for its reader), ending with a line break."""
    return _environment(html=True).get_template("digest.html.j2").render(view=view(d)) + "\n"


def _text_value(value: Any) -> str:
    return "" if value is None else one_line(value)


def _html_value(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(_text_value(value), quote=True))


_LAYOUT = re.compile(r"\n[ \t]*")


class JoinedLines(jinja2.ext.Extension):
    """Drops each line break of the template's own text, and the indentation after it: the
    HTML part is one line, as it always was, while its template is laid out for a reader.
    Only the template's text changes, never a value."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                token = Token(token.lineno, "data", _LAYOUT.sub("", token.value))
            yield token


@functools.cache
def _environment(*, html: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(EMAIL)),
        autoescape=html,
        finalize=_html_value if html else _text_value,
        undefined=jinja2.StrictUndefined,
        extensions=[JoinedLines] if html else [],
        # The text part is laid out line by line; the HTML part's lines are joined
        # (`JoinedLines`), indentation and all, so its tags may stand on lines of their own.
        keep_trailing_newline=not html,
        trim_blocks=not html,
        lstrip_blocks=not html,
    )
