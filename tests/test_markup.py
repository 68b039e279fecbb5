"""markup's escaping and safe Markdown, one function at a time. Fast."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from generator.agency.render import agency_config
from generator.pipeline import check_projects
from generator.site.markup import (
    RichText,
    abbreviations,
    attr,
    inert,
    inert_headings,
    md_text,
    one_plain_line,
    plain,
    plain_parsed,
    safe_url,
)
from generator.site.render import render_pages, site_name

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Words, punctuation, spaces and what Markdown acts on, in ASCII and beyond: the shortcut
# for one plain line must write what the parser writes, glossary terms included. The second
# alphabet has only what the shortcut takes, so it is tried often.
_ANY = "abcXYZ019 .,;:'\"?%/@$()+-=!#&<>*_`[]{}|~^\\\t\n\r\x00\x02\x03\u00a0\u2028éß—…’"
_TAKEN = "abcCMSXYZ019 .,;:'\"?%/@$()+-\u00a0éß—…’"
_FIELD_TEXT = st.one_of(st.text(alphabet=st.sampled_from(list(_ANY)), min_size=1, max_size=40),
                        st.text(alphabet=st.sampled_from(list(_TAKEN)), min_size=1, max_size=40))
_GLOSSARY = {"CMS": "Content management system", "a b": "A term with a space"}


@given(_FIELD_TEXT)
def test_one_plain_line_is_written_as_the_parser_writes_it(text: str) -> None:
    rich = RichText(_GLOSSARY)
    assert str(rich(text)) == f"<div class=\"mp-rich\">\n{rich.parsed(text)}\n</div>"
    assert plain(text) == plain_parsed(text)
    if one_plain_line(text, _GLOSSARY):
        assert rich.parsed(text) == f"<p>{text}</p>"


def test_one_plain_line_takes_sentences_and_leaves_markup_to_the_parser():
    assert one_plain_line("The developers reworked the export, because customers asked.")
    assert one_plain_line("Don't \"quote\" it (ok): 50% + 3 - 1; a/b @c $d — é…")
    for text in ["1. A list", "- a list", "# Heading", "> quote", "*emphasis*", "R&D", "a<b",
                 "two\nlines", " leading space", "trailing space ", "tab\there", "[link](x)",
                 "x | y", "ends!"]:
        assert not one_plain_line(text), text
    assert not one_plain_line("Our CMS is ready", ["CMS"])  # becomes an abbreviation


def test_md_text_is_one_literal_line():
    assert md_text("  *Launch*\n<b>now</b> [x](y) ") == r"\*Launch\* &lt;b&gt;now&lt;/b&gt; \[x\]\(y\)"
    assert md_text("a\u00a0b") == "a\u00a0b"  # a no-break space is kept


def test_attr_is_inert_to_html_and_markdown():
    assert attr('"a" & <b>_x_') == "&#34;a&#34; &#38; &#60;b&#62;&#95;x&#95;"


def test_only_http_https_and_mailto_links_are_kept():
    assert safe_url(" https://example.com/a ") == "https://example.com/a"
    assert safe_url("mailto:pat@agency.example") == "mailto:pat@agency.example"
    assert [safe_url(u) for u in ("javascript:alert(1)", "data:text/html,x", "/etc",
                                  "https://a b")] == [None, None, None, None]


def test_rich_text_renders_markdown_without_raw_html_and_shifts_headings():
    rich = RichText({"CMS": "Content management system"})
    out = rich("# Plan\n\n<script>x</script> [go](javascript:alert(1)) the CMS")
    assert "<h4>Plan</h4>" in out and "<script>" not in out
    assert "<span>go</span>" in out and "javascript" not in out
    assert '<abbr title="Content management system">CMS</abbr>' in out
    assert rich(None) == "" and rich("") == ""


def test_plain_flattens_a_markdown_field_and_abbreviations_list_the_glossary():
    assert plain("**Ask** early\n\n- and *often*") == "Ask early and often"
    assert plain(None) == ""
    assert abbreviations({"b": "<two>", "a": "one"}) == "*[a]: one\n*[b]: ‹two›"


# --- what Material inserts as HTML ---------------------------------------------------------------

def test_inert_text_opens_no_tag_however_often_it_is_decoded():
    assert inert(" Evil\n<img src=x onerror=1> &lt;b&gt; R&D & Co ") == \
        "Evil ‹img src=x onerror=1› &amp;lt;b&amp;gt; R&amp;D & Co"


@given(st.text(alphabet=st.sampled_from(list("<>&;#ltgx3c0 aA\"'")), max_size=40))
def test_inert_text_decoded_once_holds_no_angle_bracket(text: str) -> None:
    """What Material inserts is the text as the browser decoded it once: no '<' there, so
    inserting it as HTML makes text, never an element."""
    assert "<" not in html.unescape(inert(text))


def test_the_site_name_is_inert_and_fits_an_attribute():
    """Before: '&lt;img…&gt;', which Material's header tooltip inserted as an element."""
    assert site_name('Evil <img src=x onerror=window.__pwned=1> "q" R&D & Co') == \
        "Evil ‹img src=x onerror=window.__pwned=1› &quot;q&quot; R&amp;D & Co"


def test_headings_get_look_alikes_and_nothing_else_does():
    page = ("# M1: &lt;img src=x&gt; &#60;b&#62; &amp;lt;kept&amp;gt;\n"
            "Text &lt;b&gt; stays escaped.\n"
            "   ### <span>ours</span> &#x3C;i&#x3e;\n"
            "Underlined &lt;u&gt;\n===\n\n| a &lt;td&gt; |\n| --- |\n"
            '<div class="mp-rich">\n<pre><code>x\n# code &lt;kept&gt;\n</code></pre>\n</div>\n')
    assert inert_headings(page) == ("# M1: ‹img src=x› ‹b› &amp;lt;kept&amp;gt;\n"
                                    "Text &lt;b&gt; stays escaped.\n"
                                    "   ### <span>ours</span> ‹i›\n"
                                    "Underlined ‹u›\n===\n\n| a &lt;td&gt; |\n| --- |\n"
                                    '<div class="mp-rich">\n<pre><code>x\n# code &lt;kept&gt;\n'
                                    "</code></pre>\n</div>\n")


def test_no_heading_page_title_or_navigation_label_of_the_hostile_fixture_holds_markup():
    """Headings become the table of contents, whose long entries Material shows as HTML;
    page titles and navigation labels are shown so too. (Before: '&lt;img …&gt;' in the
    headings of Sign-offs, a decision's page, …)"""
    checked = check_projects(FIXTURES, date(2026, 11, 23), ["hostile"])
    pages = render_pages(checked.projects[0], date(2026, 11, 23))
    headings = [line for text in pages.values()
                for line in re.findall(r"^#{1,6} .*$", text, re.MULTILINE)]
    titles = [line for text in pages.values() for line in re.findall(r"^title: .*$", text,
                                                                      re.MULTILINE)]
    assert any("‹img src=x onerror=window" in h for h in headings)  # Markdown-escaped after
    assert titles and any("‹img src=x onerror=window.__pwned=1›" in t for t in titles)
    for line in headings + titles:
        assert "<" not in html.unescape(line), line
    config = agency_config(Path("base.yml"), ["clients/hostile.md"],
                           {"clients/hostile.md": checked.projects[0].client.name})
    assert "<" not in html.unescape(config)


@given(st.text(max_size=60), st.booleans())
def test_front_matter_reads_back_as_the_title_and_layout(title: str, wide: bool) -> None:
    import yaml

    from generator.site.render import front_matter

    text = front_matter(title, wide)
    meta = {"title": title, **({"hide": ["toc"]} if wide else {})}
    assert text.startswith("---\n") and text.endswith("\n---\n")
    if title.isprintable():  # written as JSON: read back as it was
        assert yaml.safe_load(text[4:-4]) == meta
    else:  # left to PyYAML's own emitter
        assert text[4:-4] == yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)


@given(st.one_of(st.text(max_size=30), st.from_regex(r"[a-zé0-9]+( [a-zé0-9]+)*", fullmatch=True)))
def test_md_text_escapes_what_it_must_and_leaves_words_as_they_are(text: str) -> None:
    joined = re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()
    expected = re.sub(r"([\\`*_{}\[\]()>#+\-.!|])", r"\\\1", html.escape(joined, quote=False))
    assert md_text(text) == expected


def test_a_glossary_phrase_is_explained_with_either_case_of_its_first_letter():
    from generator.site.markup import with_first_letter_cased

    glossary = {"Click & collect": "Ordering online, picking up in a shop", "CMS": "Content "
                "management system", "invoice run": "The monthly billing", "Invoice run": "Own"}
    terms = with_first_letter_cased(glossary)
    assert terms["click & collect"] == glossary["Click & collect"]
    assert terms["Invoice run"] == "Own"  # written both ways: each keeps its own meaning
    assert "cMS" not in terms  # an acronym keeps its one spelling
    html = str(RichText(glossary)("Offer click & collect.\n\nAnd *Click & collect*."))
    assert html.count('<abbr title="Ordering online, picking up in a shop">') == 2
    assert "*[click & collect]: Ordering online, picking up in a shop" in abbreviations(glossary)
