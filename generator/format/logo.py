"""Stage 2, validate (continued): what a client's logo file may contain.

The logo is copied into the site as it is, and anyone can open /assets/<logo> directly: an SVG
is then a document of its own, where a <script>, an event handler or a link runs with the
site's origin. So an SVG is read with a strict allow-list: shapes, text, gradients, patterns,
masks, filters and styles, referring only to their own parts (`#id`). A PNG must really be
one, or a renamed HTML file would be served as the logo.

The SVG is parsed with the standard library's expat, with every DOCTYPE refused where it
starts: no entity can be declared, so none can expand (billion laughs) or be read from a file
or URL (XXE). A sanitiser package would add a dependency for what an allow-list says in a
page, and rewriting the logo would make the site differ from the file the PM chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn
from xml.parsers import expat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Editors' own bookkeeping (Inkscape, Sodipodi, RDF metadata): no browser acts on it.
EDITOR_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
}
# SVG elements that draw, or describe what is drawn. Not here, so refused: script,
# foreignObject (HTML inside), image and feImage (load a file), a (a link), animate, set and
# their kind (they can rewrite an attribute into a javascript: link), iframe, video, audio.
ELEMENTS = frozenset("""
    svg g defs symbol use title desc metadata switch style
    path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker filter
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
    feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting
    feSpotLight feTile feTurbulence
""".split())
# In a style or any attribute: @import, url(...) to anything but one of the logo's own parts,
# CSS that loads by other means, script, and backslashes (CSS escapes could spell any of it).
_OUTSIDE = re.compile(r"@import|url\(\s*(?![\s'\"]*#)|image-set|expression\s*\(|-moz-binding|"
                      r"javascript:|\\", re.I)


@dataclass(frozen=True)
class Found:
    """Something a logo may not contain, and where (line and column in the logo file)."""

    line: int
    column: int
    message: str


class _Refused(Exception):
    pass


def png_problems(data: bytes) -> list[Found]:
    if data.startswith(PNG_SIGNATURE):
        return []
    return [Found(0, 0, "the file is not a PNG image (it does not start with PNG's "
                        "signature): export the logo as PNG again, or use an .svg")]


def svg_problems(data: bytes) -> list[Found]:
    """Everything in an SVG file that is not on the allow-list (empty: the logo is safe)."""
    reader = _SvgReader()
    try:
        reader.parser.Parse(data, True)
    except _Refused:
        pass  # the DOCTYPE is already reported; nothing after it is read
    except expat.ExpatError as exc:
        reader.found.append(Found(exc.lineno, exc.offset + 1, "the file is not valid SVG "
                                  f"({expat.errors.messages[exc.code]}): export the logo "
                                  "again, or use a .png"))
    if not reader.found and not reader.root_seen:
        reader.found.append(Found(0, 0, "the file holds no <svg> element"))
    return reader.found


class _SvgReader:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype
        self.parser.ExternalEntityRefHandler = self.doctype
        self.parser.ProcessingInstructionHandler = self.instruction
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.found: list[Found] = []
        self.root_seen = False
        self.style: list[str] | None = None  # the text of the <style> being read
        self.style_at = (0, 0)
        self.refused = 0  # > 0 inside a refused element: reported once, its content skipped

    def here(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def report(self, message: str, at: tuple[int, int] | None = None) -> None:
        self.found.append(Found(*(at or self.here()), message))

    def doctype(self, *_: object) -> NoReturn:
        self.report("a <!DOCTYPE> is not allowed in an SVG logo (it can declare entities "
                    "that expand or read other files): remove it")
        raise _Refused

    def instruction(self, target: str, _data: str) -> None:
        self.report(f"the processing instruction <?{target} …?> is not allowed in an SVG "
                    "logo: remove it")

    def start(self, qname: str, attrs: dict[str, str]) -> None:
        namespace, _, tag = qname.rpartition(" ")
        if self.refused:
            self.refused += 1
            return
        refusal = self.refusal(namespace, tag)
        self.root_seen = True
        if refusal:
            self.report(refusal)
            self.refused = 1
            return
        for name, value in attrs.items():
            self.attribute(tag, name, value)
        if tag == "style":
            self.style, self.style_at = [], self.here()

    def refusal(self, namespace: str, tag: str) -> str:
        """Why this element may not be in a logo ("" if it may)."""
        if not self.root_seen and (namespace, tag) != (SVG_NS, "svg"):
            return (f"the outermost element is <{tag}>, not <svg> in the SVG namespace "
                    f"(xmlns=\"{SVG_NS}\")")
        if namespace == SVG_NS and tag not in ELEMENTS:
            return (f"<{tag}> is not allowed in an SVG logo (only shapes, paths, text, "
                    "gradients, patterns, masks, filters and styles are): remove it, or use "
                    "a .png")
        if namespace != SVG_NS and namespace not in EDITOR_NS:
            return (f"<{tag}> from namespace '{namespace or 'none'}' is not allowed in an SVG "
                    "logo: save it as plain SVG, or use a .png")
        return ""

    def attribute(self, tag: str, qname: str, value: str) -> None:
        namespace, _, name = qname.rpartition(" ")
        shown = f"<{tag} {name}=\"{value[:60]}\">"
        if name.lower().startswith("on"):
            self.report(f"{shown}: event handler attributes run script and are not allowed "
                        "in an SVG logo: remove it")
        elif name == "href" and namespace in ("", XLINK_NS) and not value.strip().startswith("#"):
            self.report(f"{shown}: an SVG logo may only refer to its own parts (href=\"#id\"), "
                        "not to other files or addresses: embed what it shows, or use a .png")
        elif namespace == XML_NS and name == "base":
            self.report(f"{shown}: xml:base is not allowed in an SVG logo: remove it")
        elif _OUTSIDE.search(value):
            self.report(f"{shown}: an SVG logo may only use url(#id) for its own parts, "
                        "without @import, script or CSS escapes: remove it, or use a .png")

    def end(self, qname: str) -> None:
        if self.refused:
            self.refused -= 1
            return
        # Checked whole: a comment or CDATA section may split the text in pieces.
        if qname.rpartition(" ")[2] == "style" and self.style is not None:
            if _OUTSIDE.search("".join(self.style)):
                self.report("this <style> uses @import, url() to something other than #id, "
                            "script or CSS escapes: an SVG logo may only refer to its own "
                            "parts; remove it, or use a .png", self.style_at)
            self.style = None

    def text(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)
