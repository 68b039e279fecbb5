"""markup's escaping and safe Markdown, one function at a time. Fast."""

from __future__ import annotations

from generator.site.markup import RichText, abbreviations, attr, md_text, plain, safe_url


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
