"""Built sites are inert and private: hostile YAML renders as text, internal records never leak.

Two real builds, each run once for the module through the real command line:
- `tests/fixtures/hostile`, a valid client whose every text field carries scripts, event
  handlers, `javascript:`/`data:` links, third-party images, styles, template syntax and
  Markdown tricks: every output file is parsed and must contain nothing active;
- the example clients: no output file of any client holds an internal record,
  an `internal_notes` text, or another client's name or people.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.markup import RichText, abbreviations
from tests.conftest import EXAMPLE_CLIENTS, example_client

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
AS_OF = "2026-11-23"
MARKER = "INTERNAL-ONLY"
THIRD_PARTY_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net",
                     "unpkg.com")


# --- building ---------------------------------------------------------------------------------

def milepost_build(projects: Path, out: Path, *clients: str, agency: bool = False) -> Path:
    """`python -m generator build` as a real process; returns the output folder. With
    `agency`, the agency's site is built too: the client folders must not change for it."""
    args = [sys.executable, "-m", "generator", "build", "--projects", str(projects), "--out", str(out),
            "--as-of", AS_OF, *(["--agency"] if agency else [])]
    for slug in clients:
        args += ["--client", slug]
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def site_root(out: Path, slug: str) -> Path:
    """The folder holding a client's home page (the latest version, if sites are versioned)."""
    for candidate in (out / slug / "latest", out / slug):
        if (candidate / "index.html").is_file():
            return candidate
    raise AssertionError(f"no index.html for {slug} under {out}")


def output_files(folder: Path) -> list[Path]:
    return sorted(x for x in folder.rglob("*") if x.is_file())


def is_vendor_asset(path: Path, root: Path) -> bool:
    """Material's own shipped files (scripts, styles, source maps, images)."""
    rel = path.relative_to(root).as_posix()
    return re.search(r"(^|/)assets/(javascripts|stylesheets|images)/", rel) is not None


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def hostile_out(hostile_sites: Path) -> Path:
    return hostile_sites


@pytest.fixture(scope="module")
def hostile_site(hostile_out: Path) -> Path:
    return site_root(hostile_out, "hostile")


@pytest.fixture(scope="module")
def examples_out(example_sites_with_agency: Path) -> Path:
    """Built with the agency's view: the client folders must not change for it."""
    return example_sites_with_agency


# --- what Material itself puts on a page --------------------------------------------------------

def _material_inline_scripts() -> list[re.Pattern[str]]:
    """Material's inline <script> bodies, taken from its own templates: Jinja expressions
    inside them (e.g. the base URL) may be anything but quotes and angle brackets."""
    import material

    templates = Path(material.__file__).resolve().parent / "templates"
    patterns = []
    for template in [templates / "base.html", *sorted(templates.rglob("javascripts/*.html"))]:
        for body in re.findall(r"<script>(.*?)</script>", template.read_text("utf-8"), re.S):
            parts = re.split(r"\{\{.*?\}\}|\{%.*?%\}", body.strip())
            patterns.append(re.compile(r'[^"<>]*'.join(re.escape(p) for p in parts)))
    assert patterns, "Material's inline scripts were not found in its templates"
    return patterns


MATERIAL_INLINE_SCRIPTS = _material_inline_scripts()
MATERIAL_BUNDLE = re.compile(r"(\.\./)*assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js")
# Milepost's own scripts, static files of content/assets that no client text reaches: the
# Roadmap's calendar subscription box.
MILEPOST_SCRIPTS = re.compile(r"assets/calendar\.js")
# Material's bundle can fetch these itself: a ResizeObserver polyfill (only in browsers without
# ResizeObserver) and Mermaid (only when a page has a Mermaid diagram, which Milepost never
# writes). Anything else third-party in it is news.
MATERIAL_CONDITIONAL_LOADS = {"https://unpkg.com/resize-observer-polyfill",
                              "https://unpkg.com/mermaid@11/dist/mermaid.min.js"}


def is_material_search_share(tag: str, attrs: dict[str, str]) -> bool:
    """Material's "share search" button: the one `javascript:void(0)` link it writes."""
    return (tag == "a" and attrs.get("href") == "javascript:void(0)"
            and attrs.get("data-md-component") == "search-share"
            and "md-search__icon" in attrs.get("class", "").split())


def is_material_search_form(tag: str, attrs: dict[str, str]) -> bool:
    """Material's search box: a form that is never submitted anywhere."""
    return (tag == "form" and attrs.get("name") == "search" and "action" not in attrs
            and attrs.get("class") == "md-search__form")


# --- scanning HTML ----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster",
             "background", "ping", "cite", "longdesc", "srcset", "imagesrcset"}
# (tag, attribute) pairs the browser fetches by itself, without a click.
LOADED = {("img", "src"), ("img", "srcset"), ("script", "src"), ("iframe", "src"),
          ("frame", "src"), ("embed", "src"), ("object", "data"), ("source", "src"),
          ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
          ("track", "src"), ("input", "src"), ("image", "href"), ("image", "xlink:href"),
          ("use", "href"), ("use", "xlink:href"), ("feimage", "href"), ("body", "background")}
LOADING_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload",
                     "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest",
                     "import", "mask-icon"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                  "portal", "noscript", "template", "math"}
BAD_STYLE = re.compile(r"position\s*:\s*(fixed|absolute|sticky)|url\s*\(|expression\s*\(|"
                       r"behavior\s*:|display\s*:\s*none|inset\s*:|-moz-binding", re.I)


@dataclass
class Finding:
    where: str
    what: str
    badge: str = ""   # the class of the enclosing Milepost badge, if any

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" + (f" (inside {self.badge})" if self.badge else "")


@dataclass
class Page:
    """What one parsed HTML document (or fragment) contains."""

    name: str
    title: str | None = None                       # raw, as written between <title> tags
    text: list[str] = field(default_factory=list)  # text nodes, outside script/style/title
    attr_text: list[str] = field(default_factory=list)  # human-visible attribute values
    urls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    findings: list[Finding] = field(default_factory=list)

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())


class Scanner(HTMLParser):
    """Parses like a browser would for what matters here: <title> is RCDATA (its content is
    text up to </title>), <script> and <style> are raw text. Records every active or
    fetching construct as a Finding."""

    def __init__(self, name: str, site: Path | None = None, path: Path | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page(name)
        self.site, self.path = site, path
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.raw: tuple[str, dict[str, str]] | None = None  # script/style/title being read
        self.raw_data: list[str] = []

    # -- helpers
    def finding(self, what: str) -> None:
        badge = next((a.get("class", "") for t, a in reversed(self.stack)
                      if t == "span" and "mp-badge" in a.get("class", "").split()), "")
        line = self.getpos()[0]
        self.page.findings.append(Finding(f"{self.page.name}:{line}", what, badge))

    def check_url(self, tag: str, name: str, value: str, attrs: dict[str, str]) -> None:
        self.page.urls.append((tag, name, value))
        candidates = [v.strip().split(" ")[0] for v in value.split(",")] \
            if name in ("srcset", "imagesrcset") else [value]
        for url in candidates:
            compact = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
            scheme = compact.split(":", 1)[0] if ":" in compact else ""
            if scheme in ("javascript", "vbscript", "data", "file", "blob", "filesystem"):
                if not is_material_search_share(tag, attrs):
                    self.finding(f"<{tag} {name}={url!r}>: {scheme}: URL")
            fetched = (tag, name) in LOADED or (
                tag == "link" and name == "href"
                and LOADING_LINK_RELS & set(attrs.get("rel", "").lower().split()))
            if fetched:
                self.check_fetched(tag, name, url)

    def check_fetched(self, tag: str, name: str, url: str) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme or parts.netloc or url.strip().startswith(("/", "\\")):
            self.finding(f"<{tag} {name}={url!r}>: fetched from outside the site")
            return
        if self.site is not None and self.path is not None and parts.path:
            target = (self.path.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(self.site.resolve()):
                self.finding(f"<{tag} {name}={url!r}>: fetched from outside the client's site")

    # -- parser callbacks
    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attr_list}
        # An HTML <title> is text up to </title>; an SVG <title> holds ordinary markup.
        raw_text = tag in ("script", "style") or (
            tag == "title" and not any(t == "svg" for t, _ in self.stack))
        if raw_text:
            self.raw, self.raw_data = (tag, attrs), []
            if tag == "title":
                self.set_cdata_mode("title")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.finding(f"<{tag} {name}={value!r}>: event handler attribute")
            if name in URL_ATTRS:
                self.check_url(tag, name, value, attrs)
            if name == "style" and BAD_STYLE.search(value):
                self.finding(f"<{tag} style={value!r}>: inline style that can hide or cover "
                             "the page or fetch a URL")
            if name == "title" and "<" in value:
                # Material's tooltips insert a title, as decoded, as HTML.
                self.finding(f"<{tag} title={value[:80]!r}>: markup in a tooltip")
            if name in ("title", "alt", "aria-label", "content", "value", "placeholder"):
                self.page.attr_text.append(value)
        if tag in FORBIDDEN_TAGS and not is_material_search_form(tag, attrs):
            self.finding(f"<{tag}> element")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.finding("<meta http-equiv=refresh>")
        if tag == "link" and "import" in attrs.get("rel", "").lower().split():
            self.finding("<link rel=import>")
        if tag not in VOID and not raw_text:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attr_list)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.raw is not None and tag == self.raw[0]:
            self.end_raw()
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.raw is not None:
            self.raw_data.append(data)
        else:
            self.page.text.append(data)

    def end_raw(self) -> None:
        assert self.raw is not None
        tag, attrs = self.raw
        body = "".join(self.raw_data)
        self.raw = None
        if tag == "title":
            self.page.title = body
        elif tag == "style":
            self.finding(f"<style> element: {body[:80]!r}")
        else:
            self.check_script(attrs, body)

    def check_script(self, attrs: dict[str, str], body: str) -> None:
        src = attrs.get("src")
        if src is not None:
            if body.strip() or not (MATERIAL_BUNDLE.fullmatch(src)
                                    or MILEPOST_SCRIPTS.fullmatch(src)):
                self.finding(f"<script src={src!r}>: not Material's bundle")
            return
        if attrs.get("id") == "__config" and attrs.get("type") == "application/json":
            try:
                config = json.loads(body)
            except ValueError:
                self.finding("Material's __config script is not JSON")
                return
            search = str(config.get("search", ""))
            if not re.fullmatch(r"(\.\./)*assets/javascripts/workers/search\.[0-9a-f]{8}"
                                r"\.min\.js", search):
                self.finding(f"Material's __config names an unexpected search worker {search!r}")
            return
        if set(attrs) or not any(p.fullmatch(body.strip()) for p in MATERIAL_INLINE_SCRIPTS):
            self.finding(f"<script {attrs}>: not one of Material's own: {body[:80]!r}")

    def close(self) -> None:
        super().close()
        if self.raw is not None:  # unterminated <title> or <script> swallows the rest
            self.finding(f"unterminated <{self.raw[0]}>")
            self.end_raw()


def scan_html(text: str, name: str, site: Path | None = None, path: Path | None = None) -> Page:
    scanner = Scanner(name, site, path)
    scanner.feed(text)
    scanner.close()
    return scanner.page


def strings(value: Any, keys: bool = False) -> Iterator[str]:
    """Every string in a parsed JSON or YAML value; mapping keys too when `keys`."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if keys:
                yield str(k)
            yield from strings(v, keys)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, keys)


@dataclass
class Site:
    """Every output file of one client's site, scanned."""

    root: Path
    # HTML files by relative path; JSON and XML scanned as HTML fragments; every file's text
    # (.gz unpacked). Left out of repr: pytest would print them all on a failure.
    pages: dict[str, Page] = field(default_factory=dict, repr=False)
    data: dict[str, Page] = field(default_factory=dict, repr=False)
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def findings(self) -> list[Finding]:
        return [f for p in [*self.pages.values(), *self.data.values()] for f in p.findings]

    def all_text(self) -> Iterator[tuple[str, str]]:
        """(file, text) for every piece of text a reader or a search could meet."""
        for name, page in [*self.pages.items(), *self.data.items()]:
            yield name, page.visible
            yield name, " ".join(page.attr_text)
            if page.title is not None:
                yield name, html.unescape(page.title)


def scan_site(root: Path) -> Site:
    site = Site(root)
    for path in output_files(root):
        rel = path.relative_to(root).as_posix()
        text = read_text(path)
        site.raw[rel] = text
        if is_vendor_asset(path, root):
            continue
        if path.suffix == ".html":
            site.pages[rel] = scan_html(text, rel, root, path)
        elif path.suffix == ".json":
            # Material renders search results as HTML: every string must be inert HTML.
            values = list(strings(json.loads(text), keys=True))
            site.data[rel] = scan_html("\n".join(values), rel)
        elif rel.endswith((".xml", ".xml.gz")):
            tree = ElementTree.fromstring(text)
            texts = [x.text or "" for x in tree.iter()]
            page = scan_html("\n".join(html.escape(s) for s in texts), rel)
            for loc in (x.text or "" for x in tree.iter() if x.tag.endswith("loc")):
                scheme = urlsplit(loc.strip()).scheme.lower()
                if scheme not in ("", "http", "https"):
                    page.findings.append(Finding(rel, f"sitemap entry {loc!r}"))
            site.data[rel] = page
    return site


@pytest.fixture(scope="module")
def hostile(hostile_site: Path) -> Site:
    return scan_site(hostile_site)


@pytest.fixture(scope="module")
def example_sites(examples_out: Path) -> dict[str, Site]:
    return {slug: scan_site(site_root(examples_out, slug)) for slug in EXAMPLE_CLIENTS}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


HOSTILE_CLIENT = load_yaml(FIXTURES / "hostile" / "client.yml")


# --- the hostile fixture ----------------------------------------------------------------------

@pytest.mark.slow
def test_fixture_is_valid_and_hostile() -> None:
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--projects", str(FIXTURES),
                           "--as-of", AS_OF], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"\b[1-9][0-9]* errors?\b", proc.stdout), proc.stdout
    name = HOSTILE_CLIENT["name"]
    for payload in ("<script>", "onerror=", "javascript:", "{{ 7*7 }}", "position:fixed"):
        assert payload in name


@pytest.mark.slow
def test_every_page_was_built(hostile: Site) -> None:
    pages = set(hostile.pages)
    decisions = {f"decisions/{load_yaml(x)['id'].lower()}.html"
                 for x in (FIXTURES / "hostile" / "decisions").glob("*.yml")
                 if not load_yaml(x).get("internal")}
    expected = {"index.html", "waiting.html", "roadmap.html", "decisions/index.html",
                "signoffs.html", "changes.html", "risks.html", "updates/index.html",
                "team.html", "glossary.html", *decisions}
    assert expected <= pages, f"missing pages: {sorted(expected - pages)}"
    assert "search/search_index.json" in hostile.data


@pytest.mark.slow
def test_hostile_output_is_inert(hostile: Site) -> None:
    """No script but Material's, no event handler, no javascript:/data: URL, no <style>, no
    covering inline style, nothing fetched from outside the site: in any HTML page, in the
    search index (rendered as HTML by Material) or in the sitemap."""
    assert not hostile.findings, "\n".join(map(str, hostile.findings[:40]))


@pytest.mark.slow
def test_clean_svg_logo_is_published_as_is(hostile: Site) -> None:
    """A clean SVG logo passes the logo checks and is copied byte for byte, and every page
    shows it in the header."""
    logo = (FIXTURES / "hostile" / "logo.svg").read_bytes()
    assert (hostile.root / "assets" / "logo.svg").read_bytes() == logo
    for rel, page in hostile.pages.items():
        up = "../" * rel.count("/")
        assert ("img", "src", f"{up}assets/logo.svg") in page.urls, rel


@pytest.mark.slow
def test_badges_are_inert(hostile: Site) -> None:
    """Badges are inline HTML inside Markdown paragraphs, and MkDocs runs Markdown inside them:
    a sign-off's version and signer (in "Approved: version ... by ...") must stay text.
    (Before the fix: a live javascript: link, a third-party <img>, <img onerror>.)"""
    badges = [f for f in hostile.findings if f.badge]
    assert not badges, "\n".join(map(str, badges[:20]))
    signoffs = hostile.pages["signoffs.html"].visible
    last = load_yaml(FIXTURES / "hostile" / "signoffs.yml")[-1]
    assert f"Approved: version {' '.join(last['version'].split())}" in signoffs


@pytest.mark.slow
def test_every_page_stays_inside_its_site(hostile: Site, example_sites: dict[str, Site]) -> None:
    """No page loads or links root-absolute URLs ('/assets/...', '/index.html'): each client's
    site lives in a folder of its own. (MkDocs' 404.html did, without site_url.)"""
    found = [f"{slug}/{rel}: {value}"
             for slug, site in [("hostile", hostile), *example_sites.items()]
             for rel, page in site.pages.items()
             for tag, name, value in page.urls
             if value.startswith("/") and not value.startswith("//")]
    assert not found, "\n".join(found[:10])


@pytest.mark.slow
def test_markup_shows_as_text(hostile: Site) -> None:
    """The payloads are visible, literally, as text: escaped, not dropped."""
    text = " ".join(p.visible for p in hostile.pages.values())
    for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
                    '"><svg onload=alert(3)>', "[click](javascript:alert(4))",
                    "<style>body{display:none}</style>", "{% raw %}",
                    '{: onclick="alert(6)"}', "*[HTML]: <b>x</b>"):
        assert payload in text, f"{payload!r} is not shown literally on any page"


@pytest.mark.slow
def test_template_syntax_is_not_evaluated(hostile: Site) -> None:
    text = {name: p.visible for name, p in hostile.pages.items()}
    assert any("{{ 7*7 }}" in t for t in text.values())
    search = hostile.data["search/search_index.json"].visible
    for name, t in [*text.items(), ("search/search_index.json", search)]:
        assert not re.search(r"(?<![\w.])49(?![\w.])", t), \
            f"{name}: '49' appears, as if {{{{ 7*7 }}}} was evaluated"


@pytest.mark.slow
def test_client_name_is_escaped_in_every_title(hostile: Site) -> None:
    """Every <title> ends with the client's name (the site name), inert: it reads as the
    name, with '<' and '>' as look-alikes (Material shows the name as HTML in a tooltip),
    and holds no markup."""
    name = " ".join(HOSTILE_CLIENT["name"].split()).replace("<", "‹").replace(">", "›")
    for rel, page in hostile.pages.items():
        assert page.title is not None, f"{rel} has no <title>"
        shown = " ".join(html.unescape(page.title).split())
        assert shown.endswith(name), f"{rel}: <title> does not end with the client's name"
        suffix = page.title.rsplit(" - ", 1)[-1]
        assert "<" not in html.unescape(suffix), f"{rel}: {suffix!r}"
        assert "‹script›" in suffix, f"{rel}: {suffix!r}"


@pytest.mark.slow
def test_titles_hold_no_raw_markup(hostile: Site) -> None:
    """Material prints page titles raw (and through `striptags`, which decodes entities):
    a decision title must reach <title> with no markup in it."""
    raw = {rel: p.title for rel, p in hostile.pages.items() if p.title and "<" in p.title}
    assert not raw, f"raw markup in <title> of {sorted(raw)}"


# A decision title that closes <title>: in a copy of the hostile client, built once.
BREAKOUT_TITLE = "Breakout </title><script>alert(103)</script>"


def hostile_copy(folder: Path) -> Path:
    projects = folder / "projects"
    shutil.copytree(FIXTURES / "hostile", projects / "hostile")
    return projects


def rewrite(path: Path, **changes: Any) -> None:
    data = load_yaml(path)
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Site:
    projects = hostile_copy(tmp_path_factory.mktemp("variant"))
    rewrite(projects / "hostile" / "decisions" / "002-second.yml", title=BREAKOUT_TITLE)
    out = milepost_build(projects, projects.parent / "out", "hostile")
    return scan_site(site_root(out, "hostile"))


@pytest.mark.slow
def test_decision_title_cannot_break_out_of_title(variant: Site) -> None:
    """(Before the fix: Material's `<title>{{ page.title | striptags }}</title>`, with no
    autoescape, turned this title into a real <script> in decisions/dr-002.html.)"""
    assert not variant.findings, "\n".join(map(str, variant.findings[:20]))
    title = variant.pages["decisions/dr-002.html"].title or ""
    assert "<" not in title and "alert(103)" in title, title


@pytest.mark.slow
@pytest.mark.parametrize(("term", "meaning"), [
    # abbr refuses a term with a backslash: the '*[term]: meaning' line used to stay on every
    # page as a paragraph, its HTML live.
    ("C:\\ <img src=x onerror=alert(101)>", "A path"),
    # An empty meaning is no abbreviation either; sorted last, nothing follows to absorb it.
    ("~ <img src=x onerror=alert(102)>", "   "),
    ("Blank", "   "),
])
def test_glossary_entry_abbr_would_refuse(tmp_path: Path, term: str, meaning: str) -> None:
    """The glossary is appended to every page as Markdown abbreviations, outside the
    templates' escaping: an entry that is not a valid abbreviation is refused by validation,
    or else must render inert everywhere."""
    projects = hostile_copy(tmp_path)
    client = projects / "hostile" / "client.yml"
    glossary = {**load_yaml(client)["glossary"], term: meaning}
    rewrite(client, glossary=glossary)
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--projects", str(projects),
                           "--as-of", AS_OF], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    if proc.returncode != 0:
        assert "glossary" in proc.stdout, proc.stdout
        return
    site = scan_site(site_root(milepost_build(projects, tmp_path / "out", "hostile"),
                               "hostile"))
    assert not site.findings, "\n".join(map(str, site.findings[:10]))


class _Titles(HTMLParser):
    """Every abbreviation's title, decoded as the browser decodes an attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "abbr":
            self.titles += [v or "" for k, v in attrs if k == "title"]


def abbr_titles(rendered: str) -> list[str]:
    parser = _Titles()
    parser.feed(rendered)
    parser.close()
    return parser.titles


_pieces = st.one_of(st.sampled_from(list("<>&;#\"'=/ x0") + ["&lt;", "&#60;", "&#x3C;", "&amp;",
                                                               "<img src=x onerror=alert(1)>"]),
                    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]))
meanings = st.lists(_pieces, min_size=1, max_size=20).map("".join).filter(
    lambda m: m.strip() not in ("", "''", '""'))


@settings(max_examples=300, deadline=None)
@given(meaning=meanings)
def test_tooltips_hold_no_markup_after_two_decodings(meaning: str) -> None:
    """Material inserts an abbreviation's title, once the browser has decoded it, as HTML: the
    decoded title never holds a '<', whatever entities or markup the meaning holds, on pages
    (the glossary appended for MkDocs' Markdown) and in Markdown fields (RichText's
    glossary, and a '*[term]: meaning' line in the field itself); and it reads as written.
    (Before the fix: '&lt;img src=x onerror=...&gt;' decoded to a live <img> on hover.)"""
    one_line = re.sub(r"[ \t\r\n\f\v]+", " ", meaning).strip()
    page = markdown.markdown("CMS\n\n" + abbreviations({"CMS": meaning}), extensions=["abbr"])
    fields = [RichText({"CMS": meaning})("CMS"),
              RichText({})("CMS\n\n*[CMS]: " + one_line)]
    shown = one_line.replace("<", "‹").replace(">", "›")
    for rendered in [page, *fields]:
        titles = abbr_titles(rendered)
        assert len(titles) == 1 and "<" not in titles[0], rendered
        assert titles[0].strip() == shown.strip(), rendered  # abbr trims Unicode spaces too


@pytest.mark.slow
def test_hostile_internal_records_do_not_leak(hostile: Site) -> None:
    leaks = [rel for rel, text in hostile.raw.items() if MARKER in text]
    assert not leaks, f"{MARKER} in {leaks}"
    assert not any("dr-004" in rel for rel in hostile.raw)


@pytest.mark.slow
def test_hostile_email_is_a_mailto_link_only(hostile: Site) -> None:
    team = hostile.pages["team.html"]
    mailto = [v for tag, name, v in team.urls if tag == "a" and v.startswith("mailto:")]
    emails = [p["email"] for p in HOSTILE_CLIENT["team"] if p.get("email")]
    assert len(mailto) >= len(emails)
    for value in mailto:
        assert not re.search(r"[<>\"'\s]", value), value
    for email in emails:
        assert email in team.visible


# --- no third party -----------------------------------------------------------------------------

def third_party_mentions(site: Site) -> list[str]:
    found = []
    for rel, text in site.raw.items():
        if is_vendor_asset(site.root / rel, site.root):
            continue
        for host in THIRD_PARTY_HOSTS:
            if host in text:
                found.append(f"{rel}: {host}")
    return found


@pytest.mark.slow
def test_no_third_party_hosts(hostile: Site, example_sites: dict[str, Site]) -> None:
    """No page, index or stylesheet names a font or script CDN, and every script and
    stylesheet a page loads is the site's own."""
    for site in [hostile, *example_sites.values()]:
        assert not third_party_mentions(site)
        outside = [f for f in site.findings if "fetched from outside" in f.what
                   and f.what.startswith(("<script", "<link"))]
        assert not outside, "\n".join(map(str, outside))
        for rel, text in site.raw.items():
            if rel.endswith(".css"):
                assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", text), rel


@pytest.mark.slow
def test_material_bundle_loads_nothing_else_from_outside(example_sites: dict[str, Site]) -> None:
    site = example_sites["northwind"]
    bundles = [rel for rel in site.raw if MATERIAL_BUNDLE.fullmatch(rel)]
    assert bundles
    hosts = "|".join(re.escape(h) for h in THIRD_PARTY_HOSTS)
    for rel in bundles:
        urls = set(re.findall(rf"https://(?:{hosts})[^\"'`\s)]*", site.raw[rel]))
        assert urls <= MATERIAL_CONDITIONAL_LOADS, urls - MATERIAL_CONDITIONAL_LOADS


@pytest.mark.slow
def test_example_sites_are_inert(example_sites: dict[str, Site]) -> None:
    for slug, site in example_sites.items():
        assert not site.findings, f"{slug}:\n" + "\n".join(map(str, site.findings[:20]))


# --- leaks --------------------------------------------------------------------------------------

@dataclass
class Records:
    """One client's YAML, split into what is public and what is not."""

    slug: str
    client: dict[str, Any]
    internal_ids: set[str] = field(default_factory=set)
    public_ids: set[str] = field(default_factory=set)
    internal_text: set[str] = field(default_factory=set)
    public_text: set[str] = field(default_factory=set)

    @property
    def team(self) -> set[str]:
        return {p["name"] for p in self.client.get("team", [])}


def read_records(folder: Path) -> Records:
    """Every record of a client with `internal: true` (and everything inside it), and every
    `internal_notes`, anywhere; the rest is public."""
    records = Records(folder.name, load_yaml(folder / "client.yml"))

    def walk(value: Any, internal: bool) -> None:
        if isinstance(value, str):
            (records.internal_text if internal else records.public_text).add(value)
        elif isinstance(value, list):
            for item in value:
                walk(item, internal)
        elif isinstance(value, dict):
            internal = internal or value.get("internal") is True
            if isinstance(value.get("id"), str):
                (records.internal_ids if internal else records.public_ids).add(value["id"])
            for key, item in value.items():
                if key == "internal_notes":
                    records.internal_text.update(strings(item))
                else:
                    walk(item, internal)

    for path in sorted(folder.rglob("*.yml")):
        walk(load_yaml(path), False)
    return records


ALL_RECORDS = {r.slug: r for r in map(read_records, map(example_client, EXAMPLE_CLIENTS))}


def normal(text: str) -> str:
    return " ".join(html.unescape(text).split())


def plainish(text: str) -> str:
    """Markdown source as it reads once rendered: no emphasis marks, list bullets or links."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*[-*+]\s+", "", text, flags=re.M)
    return normal(re.sub(r"[*_`]", "", text))


def fragments(text: str) -> set[str]:
    """A text, its rendered reading, and its lines and sentences without the marker: a page
    that dropped the marker, or a single sentence, still counts as a leak."""
    whole = {normal(text), plainish(text)}
    parts = {plainish(line) for line in text.splitlines()}
    parts |= {x for p in parts for x in re.split(r"(?<=[.;!?])\s+", p)}
    parts = {re.sub(rf"^{MARKER}[.:]?\s*", "", x).strip() for x in parts}
    return whole | {x for x in parts if len(x) >= 12}


def secret_needles() -> dict[str, set[str]]:
    """Distinctive internal strings, by client: longer than 6 characters and not part of any
    public text of any client."""
    public = [normal(t) for r in ALL_RECORDS.values() for t in r.public_text]
    needles: dict[str, set[str]] = {}
    for slug, records in ALL_RECORDS.items():
        needles[slug] = {x for text in records.internal_text for x in fragments(text)
                         if len(x) > 6 and not any(x in p for p in public)}
    return needles


SECRETS = secret_needles()


def test_leak_needles_are_meaningful() -> None:
    """The leak tests below have something to look for in every example client that has
    internal records, and the internal marker is in the sources."""
    for slug, records in ALL_RECORDS.items():
        if records.internal_ids or records.internal_text:
            assert SECRETS[slug], f"{slug}: no distinctive internal text found"
    assert any(MARKER in t for r in ALL_RECORDS.values() for t in r.internal_text)
    assert any("Marco Bauer" in s for s in SECRETS["northwind"])


@pytest.mark.slow
def test_no_internal_marker_in_any_file(example_sites: dict[str, Site]) -> None:
    for slug, site in example_sites.items():
        leaks = [rel for rel, text in site.raw.items() if MARKER in text]
        assert not leaks, f"{slug}: {MARKER} in {leaks}"


@pytest.mark.slow
def test_no_internal_text_in_any_file(example_sites: dict[str, Site]) -> None:
    """No internal record's text, title or name, nor any internal_notes, in any client's output
    (unescaped HTML, the search index, the sitemap, every asset)."""
    for slug, site in example_sites.items():
        texts = [(rel, normal(raw)) for rel, raw in site.raw.items()]
        texts += [(rel, normal(t)) for rel, t in site.all_text()]
        for owner, needles in SECRETS.items():
            for needle in needles:
                hits = sorted({rel for rel, text in texts if needle in text})
                assert not hits, f"{slug}: internal text of {owner} {needle!r} in {hits}"


@pytest.mark.slow
def test_no_internal_ids(example_sites: dict[str, Site]) -> None:
    """A client's internal IDs (not reused by a public record) appear nowhere in its pages'
    text, links, search index or file names."""
    for slug, site in example_sites.items():
        records = ALL_RECORDS[slug]
        ids = records.internal_ids - records.public_ids
        texts = [(rel, t) for rel, t in site.all_text()]
        texts += [(rel, " ".join(v for _, _, v in p.urls))
                  for rel, p in [*site.pages.items(), *site.data.items()]]
        texts += [("file names", " ".join(site.raw))]
        for id_ in ids:
            word = re.compile(rf"(?<![\w-]){re.escape(id_)}(?![\w-])", re.I)
            hits = sorted({rel for rel, text in texts if word.search(text)})
            assert not hits, f"{slug}: internal ID {id_} in {hits}"


def test_examples_have_internal_ids_to_check() -> None:
    assert {"DR-006", "M8", "R7"} <= ALL_RECORDS["northwind"].internal_ids
    assert "R4" in ALL_RECORDS["harbor-health"].internal_ids


@pytest.mark.slow
def test_no_other_clients_names_or_people(example_sites: dict[str, Site]) -> None:
    for slug, site in example_sites.items():
        own = ALL_RECORDS[slug]
        needles = set()
        for other, records in ALL_RECORDS.items():
            if other != slug:
                needles.add(records.client["name"])
                needles |= records.team - own.team  # people on several teams are fine
        texts = [(rel, normal(raw)) for rel, raw in site.raw.items()]
        texts += [(rel, normal(t)) for rel, t in site.all_text()]
        for needle in needles:
            hits = sorted({rel for rel, text in texts if needle in text})
            assert not hits, f"{slug}: {needle!r} of another client in {hits}"


@pytest.mark.slow
def test_each_site_names_its_own_client(example_sites: dict[str, Site]) -> None:
    """The cross-client test above would pass on empty sites: make sure it would notice."""
    for slug, site in example_sites.items():
        name = ALL_RECORDS[slug].client["name"]
        assert normal(site.pages["index.html"].title or "").endswith(name)
        public_people = {p["name"] for p in ALL_RECORDS[slug].client["team"]
                         if not p.get("internal")}
        team_page = site.pages["team.html"].visible
        assert all(person in team_page for person in public_people)


# --- a canary in every place a key can stand ----------------------------------------------------

CANARY = "Canary7c1e"  # searched for without regard to case
DAY = date(2026, 3, 2)
PERSON = "Cleo Client"
# Fields whose value must name something else for the client to validate. A new field of
# this kind makes the canary client invalid, and the test says so: it is never skipped.
REFERENCES: dict[str, Any] = {
    "owner": PERSON, "by": PERSON, "requested_by": PERSON, "deciders": [PERSON],
    "deliverable": "Deliverable-1", "depends_on": [], "blocks": [], "supersedes": [],
    "related": [], "logo": "logo.svg", "about": "Milestone-1",
}
CLEAN_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
              '<rect width="10" height="10" fill="#0a7"/></svg>\n')


class CanaryClient:
    """A client generated from generator/records.py: every record kind, every field filled,
    `internal_notes: <canary>` in every mapping (records, nested records, the glossary), and
    beside every public record in a list an `internal: true` twin whose every text is a
    canary. Values come from each field's type; only fields that must name another record
    are listed (REFERENCES). A new field or record kind is covered as it comes."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.kinds: set[type] = set()
        self.notes = 0

    def canary(self, where: str) -> str:
        return f"{CANARY} {where}"

    def record(self, kind: type, where: str, internal: bool) -> dict[str, Any]:
        from generator.format import records as r

        self.kinds.add(kind)
        hints = typing.get_type_hints(kind, include_extras=True)
        data: dict[str, Any] = {}
        for spec in r.public_fields(kind):
            data[spec.name] = self.value(kind, spec.name, hints[spec.name],
                                         f"{where}.{spec.name}", internal)
        if "internal" in data:
            data["internal"] = internal
        data["internal_notes"] = self.canary(f"{where}.internal_notes")
        self.notes += 1
        return data

    def value(self, kind: type, name: str, hint: Any, where: str, internal: bool) -> Any:
        if kind.__name__ == "Contact" and name in ("name", "side"):
            public = {"name": PERSON, "side": "client"}[name]
            return self.canary(where) if internal and name == "name" else public
        if name in REFERENCES:
            return copy.deepcopy(REFERENCES[name])
        marker = None
        if typing.get_origin(hint) is typing.Annotated:
            hint, marker = hint.__origin__, hint.__metadata__[0]
        if typing.get_origin(hint) in (types.UnionType, typing.Union):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
            return self.value(kind, name, hint, where, internal)
        origin = typing.get_origin(hint)
        if origin is list:
            return self.items(kind, name, typing.get_args(hint)[0], where, internal)
        if origin is dict:
            item = typing.get_args(hint)[1]
            return {"Term": self.value(kind, name, item, f"{where}.Term", internal),
                    "internal_notes": self.canary(f"{where}.internal_notes")}
        if dataclasses.is_dataclass(hint):
            return self.record(hint, where, internal)
        if origin is typing.Literal:
            return typing.get_args(hint)[0]
        if hint is bool:
            # Switched on for public records; an internal twin keeps its switches off (one
            # that sends mail to a person cannot be on for an internal one).
            return not internal
        if hint is date:
            return DAY
        if hint is float:
            return 1
        return self.text(kind, marker, where, internal)

    def items(self, kind: type, name: str, item: Any, where: str, internal: bool) -> list:
        if not dataclasses.is_dataclass(item):
            return [self.value(kind, name, item, f"{where}[0]", internal)]
        public = [self.record(item, f"{where}[0]", internal)]
        has_internal = any(x.name == "internal" for x in dataclasses.fields(item))
        return public + ([self.record(item, f"{where}[1]", True)] if has_internal else [])

    def text(self, kind: type, marker: str | None, where: str, internal: bool) -> str:
        from generator.format import records as r

        if marker == r.ID:
            number = self.ids[kind.__name__] = self.ids.get(kind.__name__, 0) + 1
            return f"{CANARY}-{number}" if internal else f"{kind.__name__}-{number}"
        if marker == r.EMAIL:
            return f"{CANARY.lower()}@agency.example" if internal else "cleo@client.example"
        if marker == r.URL:
            return (f"https://agency.example/{CANARY.lower()}/" if internal
                    else "https://projects.example.com/canary/")
        return self.canary(where) if internal else f"Public {kind.__name__} text"

    def files(self) -> dict[str, Any]:
        """File name -> content: each file kind with a public record (and, for kinds of
        one record per file or a list, an internal one too)."""
        from generator.format import records as r

        files: dict[str, Any] = {"logo.svg": CLEAN_LOGO}
        for name, (kind, is_list) in r.FILE_KINDS.items():
            has_internal = any(x.name == "internal" for x in dataclasses.fields(kind))
            public = self.record(kind, name, False)
            twin = self.record(kind, f"{name}[internal]", True) if has_internal else None
            if is_list:
                files[name] = [public] + ([twin] if twin else [])
            elif name in ("decisions", "updates"):  # folders of one record per file
                if kind.__name__ == "Update":
                    twin["date"] = date(2026, 3, 9)  # one update per date
                files[f"{name}/{DAY}.yml"] = public
                files[f"{name}/2026-03-09.yml"] = twin
            else:
                files[name] = public
        return files


def record_kinds() -> set[type]:
    from generator.format import records as r

    return {x for x in vars(r).values() if isinstance(x, type) and dataclasses.is_dataclass(x)
            and x.__module__ == r.__name__ and x is not r.Where}


@pytest.fixture(scope="module")
def canary_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[CanaryClient, Path, Site]:
    from tests.conftest import write_client

    client = CanaryClient()
    projects = tmp_path_factory.mktemp("canary") / "projects"
    write_client(projects / "canary", client.files())
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--projects", str(projects),
                           "--as-of", AS_OF], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    valid = proc.returncode == 0 and re.search(r"no problems| 0 errors", proc.stdout)
    assert valid, f"the generated canary client does not validate:\n{proc.stdout}"
    out = milepost_build(projects, projects.parent / "out", "canary", agency=True)
    return client, projects / "canary", scan_site(site_root(out, "canary"))


@pytest.fixture(scope="module")
def canary_agency(canary_site) -> Site:  # noqa: ANN001
    _, folder, _ = canary_site
    return scan_site(folder.parent.parent / "out" / "_agency")


def canaries(value: Any) -> set[str]:
    """Every text of the canary client's files that holds the canary."""
    return {x for x in strings(value) if CANARY.lower() in x.lower()}


@pytest.mark.slow
def test_canary_client_covers_every_record_kind(canary_site) -> None:  # noqa: ANN001
    """Every record kind of records.py carries internal_notes and has internal twins where
    it can be internal; every file was written and every record made a page."""
    client, folder, site = canary_site
    assert client.kinds == record_kinds()
    sources = " ".join(p.read_text("utf-8") for p in folder.rglob("*.yml"))
    assert sources.count("internal_notes:") == client.notes + 1  # and the glossary's
    assert "decisions/decision-1.html" in site.pages
    visible = " ".join(p.visible for p in site.pages.values())
    for kind in ("Milestone", "Deliverable", "ClientTask", "Decision", "Signoff", "Change",
                 "Risk", "Update", "Channel", "Option"):
        assert f"Public {kind} text" in visible, f"no public {kind} text on any page"


@pytest.mark.slow
def test_canary_is_in_no_output_file(canary_site) -> None:  # noqa: ANN001
    """No output file (pages, search index, sitemap and its .gz, calendar.ics, assets) and
    no file name holds a canary: internal_notes is dropped from every mapping, internal
    records from every list. (Before the fix: glossary.internal_notes was a published term.)"""
    _, _, site = canary_site
    word = re.compile(re.escape(CANARY), re.I)
    hits = sorted(rel for rel, text in site.raw.items() if word.search(text) or word.search(rel))
    found = {rel: sorted(set(re.findall(rf"{CANARY} [\w.\[\]]+", site.raw[rel], re.I)))[:5]
             for rel in hits}
    assert not hits, f"canary in {found}"


@pytest.mark.slow
def test_every_canary_is_in_the_agency_site(canary_site, canary_agency: Site) -> None:  # noqa: ANN001
    """What the client's folder must never hold, the agency's site holds in full: every
    internal record's every text and every internal_notes, wherever it was written."""
    _, folder, _ = canary_site
    wanted = canaries([load_yaml(path) for path in sorted(folder.rglob("*.yml"))])
    assert len(wanted) > 50
    shown = " ".join(normal(t) for _, t in canary_agency.all_text()).lower()
    missing = sorted(x for x in wanted if normal(x).lower() not in shown)
    assert missing == []


@pytest.mark.slow
def test_the_agency_site_holds_the_examples_internal_records(examples_out: Path) -> None:
    agency = scan_site(examples_out / "_agency")
    text = " ".join(normal(t) for _, t in agency.all_text())
    assert MARKER in text
    for slug, records in ALL_RECORDS.items():
        for id_ in records.internal_ids - records.public_ids:
            assert re.search(rf"(?<![\w-]){re.escape(id_)}(?![\w-])", text), (slug, id_)
    # the one script of its own, served from the site (the sortable tables), and nothing else
    own = re.compile(r"<script src='(\.\./)*assets/sort\.js'>: not Material's bundle")
    findings = [f for f in agency.findings if not own.fullmatch(f.what)]
    assert findings == [], findings[:5]
    assert any(own.fullmatch(f.what) for f in agency.findings)
