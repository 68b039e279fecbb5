"""Text from YAML is data: escaping for Markdown pages and safe rendering of Markdown fields.

Two kinds of text reach a page:
- plain fields (titles, names, list items) go through `md_text`, which escapes every
  character Markdown or HTML would act on, so they always show literally;
- Markdown fields (summary, context, ...) go through `rich`, which renders them with raw
  HTML disabled, links limited to http(s) and mailto, and images turned into links (an image
  from another host would be a third-party request).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Collection
from typing import cast
from urllib.parse import urlparse
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from generator.format.validate import GLOSSARY_TERM
from generator.site.kept import digest, kept_html

# The characters python-markdown lets us backslash-escape with our extensions (tables add |).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")
SAFE_SCHEMES = ("http", "https", "mailto")
_BREAKS = re.compile(r"[ \t\r\n\f\v]+")  # not str.split(): it would eat no-break spaces


# Words between single spaces: nothing to escape or join (most names, dates and numbers).
_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")


def md_text(value: object) -> str:
    """One line of literal text for a Markdown page: no markup, no HTML, no line breaks."""
    text = str(value)
    if _WORDS.fullmatch(text):
        return text
    text = _BREAKS.sub(" ", text).strip()
    # Quotes stay as they are: this text is never placed inside an attribute.
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


# Characters Markdown acts on, written as character references: the browser shows them as
# they are, in an attribute, a raw HTML block or an inline element that Markdown runs through.
_HTML_AND_MD = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()!|#~^=:"})


def attr(value: object) -> str:
    """Text for HTML we write ourselves (an attribute, a badge, a raw HTML block): escaped
    for HTML, and inert to Markdown wherever the HTML ends up."""
    return _BREAKS.sub(" ", str(value)).strip().translate(_HTML_AND_MD)


# Material shows some texts by inserting them as HTML after the browser decoded them once:
# an element's text cut short by an ellipsis (the site name and the page title in the header,
# a label of the navigation or of the table of contents) becomes its tooltip, and so does an
# abbreviation's title; the version menu inserts each title of versions.json. Such text gets
# '<' and '>' as look-alikes (nothing can open a tag, however often it is decoded) and every
# '&' that could start a character reference escaped once more (entity text such as '&lt;'
# decodes to text the second time, never to markup).
_LOOK_ALIKES = str.maketrans({"<": "‹", ">": "›"})
_REFERENCE_START = re.compile(r"&(?=[A-Za-z0-9#])")
# '<' and '>' as `md_text` escapes them (and as `attr` does), for headings: the first group
# is a '<'. See `inert_headings`.
_ESCAPED_ANGLE = re.compile(r"&(?:(lt|#0*60|#x0*3c)|gt|#0*62|#x0*3e);", re.IGNORECASE)
# A heading line ('## Title'), and the line under a heading written as underlined text.
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t].*)?")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")
RICH_OPEN = '<div class="mp-rich">'  # a rendered Markdown field starts so, on a line of its own


def inert(value: object) -> str:
    """One line of text Material may insert as HTML, made inert (see above). A lone '&' (as
    in "Alder & Finch") stays as it is: it decodes to itself, and places that escape the
    text once more (Material's `| e`) then show '&', not '&amp;'."""
    text = _BREAKS.sub(" ", str(value)).strip().translate(_LOOK_ALIKES)
    return _REFERENCE_START.sub("&amp;", text)


def inert_headings(page: str) -> str:
    """A Markdown page whose headings read as `inert` text: each heading is an entry of the
    table of contents, and Material shows a long entry by inserting its text as HTML. The
    page's data is already escaped (`md_text`), so only the escaped '<' and '>' of each
    heading line become look-alikes; markup a template writes itself stays as it is."""
    lines, field = page.split("\n"), False
    for k, line in enumerate(lines):
        # A Markdown field is HTML already (`RichText`): its code is shown as written.
        field = line.strip() == RICH_OPEN or (field and line.strip() != "</div>")
        underlined = k + 1 < len(lines) and line.strip() and _UNDERLINE.fullmatch(lines[k + 1])
        if not field and (underlined or _ATX_HEADING.fullmatch(line)):
            lines[k] = _ESCAPED_ANGLE.sub(lambda m: "‹" if m.group(1) else "›", line)
    return "\n".join(lines)


def safe_url(url: str) -> str | None:
    """The URL if it is http(s) or mailto, else None (javascript:, data:, relative paths...)."""
    url = url.strip()
    scheme = urlparse(url).scheme.lower()
    if scheme in SAFE_SCHEMES and not re.search(r"[\x00-\x20]", url):
        return url
    return None


class _Sanitize(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "img":
                    parent[i] = self._image_as_link(el)
                elif el.tag == "abbr":
                    # From the glossary or from a '*[term]: meaning' line in the field itself.
                    el.set("title", inert(el.get("title", "")))
                elif el.tag == "a":
                    self._link(el)
                elif re.fullmatch(r"h[1-6]", el.tag):
                    # Headings inside a field sit below the page's own headings.
                    el.tag = f"h{min(int(el.tag[1]) + 3, 6)}"

    @staticmethod
    def _link(el: etree.Element) -> None:
        url = safe_url(el.get("href", ""))
        for name in list(el.attrib):
            del el.attrib[name]
        if url is None:
            el.tag = "span"
        else:
            el.set("href", url)
            el.set("rel", "noopener noreferrer nofollow")

    @staticmethod
    def _image_as_link(el: etree.Element) -> etree.Element:
        url = safe_url(el.get("src", ""))
        label = el.get("alt") or "image"
        link = etree.Element("a" if url else "span")
        if url:
            link.set("href", url)
            link.set("rel", "noopener noreferrer nofollow")
        link.text = f"[{label}]"
        link.tail = el.tail
        return link


# Python-Markdown looks for the end of a link by walking the rest of the text, character by
# character, for every '[' and every '](': 24,000 '[' took minutes. A link's text and target
# are bounded instead, and found with C-speed searches, so rendering stays linear.
_LINK_TEXT_LIMIT = 1_000
_LINK_TARGET = re.compile(r"""\(\s*(?:<[^<>\n]*>|[^()<>\n"']*(?:\([^()<>\n"']*\)[^()<>\n"']*)*)"""
                          r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)""")
_LINK_PROCESSORS = ("link", "image_link", "reference", "image_reference", "short_reference",
                    "short_image_ref")


def _link_text(data: str, index: int) -> tuple[str, int, bool]:
    """The text of `[text]` starting after '[': up to the next ']', without '[' inside."""
    end = data.find("]", index, index + _LINK_TEXT_LIMIT)
    if end == -1 or data.find("[", index, end) != -1:
        return "", index, False
    return data[index:end], end + 1, True


_GetLink = Callable[[str, int], tuple[str, str | None, int, bool]]


def _bounded_link(get_link: _GetLink, data: str, index: int) -> tuple[str, str | None, int, bool]:
    """Python-Markdown's own reading of `(target "title")`, given only as much text as a
    target can span, and not called at all where no target can follow."""
    target = _LINK_TARGET.match(data, index)
    if target is None:
        return "", None, index, False
    return get_link(data[: target.end()], index)


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Sanitize(md), "milepost_sanitize", 1)
        for name in _LINK_PROCESSORS:
            # Each of these is a link processor (or a subclass); the registry is typed loosely.
            processor = cast(LinkInlineProcessor, md.inlinePatterns[name])
            # Replacing the methods of this one instance is the point (bounded reading).
            processor.getText = _link_text  # type: ignore[method-assign]
            if name in ("link", "image_link"):
                bounded = functools.partial(_bounded_link, processor.getLink)
                processor.getLink = bounded  # type: ignore[method-assign]


# A field that is one line of ordinary words and punctuation: Markdown renders it as one
# paragraph of the text as written, so it is written so without running the parser (most
# fields are such sentences, and the parser costs about 0.15 ms each). It starts with a letter
# (no list, heading or quote can start so), has no space at either end, and none of the
# characters Markdown or HTML act on, nor tabs or line breaks. tests/test_markup.py holds
# this to the parser's own output.
_ONE_PLAIN_LINE = re.compile(r"[^\W\d_][^\x00-\x1f\x7f-\x9f\u2028\u2029\\`*_{}\[\]<>&#|!~^=]*")


def one_plain_line(text: str, terms: Collection[str] = ()) -> bool:
    """Whether Markdown would render `text` as one paragraph of the text as written (a
    glossary term in it would become an abbreviation instead)."""
    return (_ONE_PLAIN_LINE.fullmatch(text) is not None and not text[-1].isspace()
            and not any(term in text for term in terms))


class RichText:
    """Renders Markdown fields to safe HTML, with glossary terms explained on hover."""

    def __init__(self, glossary: dict[str, str]) -> None:
        # Meanings as written: `_Sanitize` makes every abbreviation's title `inert`.
        terms = {term: meaning for term, meaning in with_first_letter_cased(glossary).items()
                 if GLOSSARY_TERM.fullmatch(term) and meaning.strip()}
        self._terms = tuple(terms)
        # Kept fields are found by their text and by this: the terms change the HTML.
        self._kind = "rich " + digest(*(f"{t}\0{m}" for t, m in sorted(terms.items())))
        self._md = markdown.Markdown(
            extensions=["abbr", "tables", "sane_lists", _SafeExtension()],
            extension_configs={"abbr": {"glossary": terms}},
            output_format="html",
        )

    def __call__(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        body = (f"<p>{text}</p>" if one_plain_line(text, self._terms)
                else kept_html(self._kind, text, self.parsed))
        return Markup(f"{RICH_OPEN}\n{body}\n</div>")

    def parsed(self, text: str) -> str:
        """The field's HTML as the Markdown parser writes it (`__call__` skips the parser
        where it would write the text as written)."""
        return self._md.reset().convert(text)



def with_first_letter_cased(glossary: dict[str, str]) -> dict[str, str]:
    """The glossary, and each term that is a word or a phrase also with its first letter in
    the other case: "Click & collect" is explained mid-sentence too ("click & collect"), and
    "invoice run" at the start of one. Acronyms ("CMS") keep their one spelling, and a term
    the PM wrote both ways keeps the meaning given for each."""
    terms = dict(glossary)
    for term, meaning in glossary.items():
        rest = term[1:]
        if term[:1].isalpha() and rest != rest.upper():
            terms.setdefault(term[0].swapcase() + rest, meaning)
    return terms


def abbreviations(glossary: dict[str, str]) -> str:
    """Glossary as Markdown abbreviation definitions: terms get their meaning on hover.
    MkDocs' own Markdown renders these, so the meanings are made `inert` here. Markdown's
    serializer keeps '&amp;' as it is and escapes a lone '&': the reader sees the meaning
    as written, "R&D" included."""
    lines = []
    for term, meaning in sorted(with_first_letter_cased(glossary).items()):
        meaning = inert(meaning)
        if GLOSSARY_TERM.fullmatch(term) and meaning:
            lines.append(f"*[{term}]: {meaning}")
    return "\n".join(lines)


@functools.cache
def _plain_parser() -> markdown.Markdown:
    """One parser for every `plain` call of a process: making one costs more than using it
    (a three-year client's feed flattens hundreds of fields)."""
    return markdown.Markdown(extensions=[_SafeExtension()])


@functools.lru_cache(maxsize=4096)
def plain(text: str | None) -> str:
    """A Markdown field flattened to one line of plain text, for table cells. Kept for the
    process: the feed flattens again many of the fields the pages did."""
    if not text:
        return ""
    if one_plain_line(text):
        return " ".join(text.split())
    return kept_html("plain", text, plain_parsed)


def plain_parsed(text: str) -> str:
    """`plain`, always through the Markdown parser."""
    body = _plain_parser().reset().convert(text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
