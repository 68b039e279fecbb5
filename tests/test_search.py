"""What the site's search reads: `search.searchable`, one case at a time. Fast."""

from __future__ import annotations

from generator.site.search import row_text, searchable


def test_drawings_and_excluded_elements_are_left_out_whole():
    page = ('<h2 id="status">Status</h2><p>Last reported.</p>'
            '<div class="mp-health" data-search-exclude><div><span>Overall</span>'
            '<span data-search-exclude>Amber</span></div><div><span>Scope</span></div></div>'
            '<p>After <svg><title>Sep 26</title><text>Oct 26</text><g/></svg> the drawing.</p>')
    # Material alone ends an excluded <div> at its first inner </div>: 'Scope' was indexed.
    assert searchable(page) == ('<h2 id="status">Status</h2><p>Last reported.</p>'
                                "<p>After  the drawing.</p>")


def test_a_table_row_reads_as_sentences_under_its_headings():
    page = ("<table><thead><tr><th>Milestone</th><th>Forecast</th><th>Sign-off</th>"
            "<th>Status</th></tr></thead><tbody>"
            "<tr><td><strong>M1</strong> Design</td><td>–</td><td>D1: approved<br>D2: sent</td>"
            '<td><span class="mp-badge" data-search-exclude>Done</span></td></tr>'
            "<tr><td>–</td><td>–</td><td></td><td></td></tr>"
            "</tbody></table>")
    assert searchable(page) == "<p>Milestone: M1 Design. Sign-off: D1: approved, D2: sent.</p>\n"


def test_text_stays_escaped_and_a_heading_keeps_its_anchor():
    page = ('<h3 id="r1">R1 &lt;script&gt;</h3><p>a &amp; b</p>'
            "<table><tr><th></th><th>Amount</th></tr><tr><td>&lt;b&gt;</td><td>1 EUR</td></tr>"
            "</table>")
    assert searchable(page) == ('<h3 id="r1">R1 &lt;script&gt;</h3><p>a &amp; b</p>'
                                "<p>&lt;b&gt;. Amount: 1 EUR.</p>\n")


def test_a_value_that_ends_its_own_sentence_gets_no_second_stop():
    assert row_text(["Notes", "By"], ["Too dark.", "Sophie"]) == "Notes: Too dark. By: Sophie."
