"""Templates only lay out: every number, count, list and sentence comes worked out in the
page's view (generator/site/views/, and generator/agency/views.py for the agency's pages),
where it is tested. This reads each template's
syntax tree, so a computation cannot hide behind spacing or a line break. Fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import nodes

from generator.agency.render import AGENCY
from generator.site.render import CONTENT, environment

# Every template, the agency's included, gets a view.
AGENCY_TEMPLATES = sorted((AGENCY / "templates").glob("*.j2"))
TEMPLATES = sorted((CONTENT / "templates").glob("*.j2")) + AGENCY_TEMPLATES

# Helpers a template may call. Each turns text it is given into escaped Markup, and none of
# them decides what is shown:
LAYOUT_HELPERS = {
    "link",      # a Markdown link, text escaped
    "mailto",    # a link to write to someone
    "badge",     # a state in words and colour (<span class="mp-badge …">)
    "html",      # text escaped for HTML we write ourselves
    "rag",       # a health value in words and colour
    "bar",       # the budget bar: the share is drawn, its words are given
    "cell",      # a table cell's column named for a phone, from the template's own words
    "rich",      # a Markdown field rendered safely (the escaping of Markdown fields)
}
ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow,
              nodes.Neg, nodes.Pos)


def _macros(tree: nodes.Template) -> set[str]:
    return {m.name for m in tree.find_all(nodes.Macro)} | {
        name if isinstance(name, str) else name[-1]
        for i in tree.find_all(nodes.FromImport) for name in i.names}


def _callee(call: nodes.Call) -> str | None:
    return call.node.name if isinstance(call.node, nodes.Name) else None


def _is_alias(value: nodes.Node) -> bool:
    """`{% set waiting = view.waiting %}`: a shorter name for a field, nothing computed."""
    while isinstance(value, nodes.Getattr):
        value = value.node
    return isinstance(value, nodes.Name)


def computations(name: str, source: str) -> list[str]:
    """What a template computes, one line each: empty for a template that only lays out."""
    tree = environment().parse(source)
    allowed = LAYOUT_HELPERS | _macros(tree)
    found = []
    for node in tree.find_all(nodes.Node):
        where = f"{name}:{node.lineno}"
        if isinstance(node, nodes.Filter):
            found.append(f"{where}: filter | {node.name}")
        elif isinstance(node, nodes.Test):
            found.append(f"{where}: test is {node.name}")
        elif isinstance(node, ARITHMETIC):
            found.append(f"{where}: arithmetic {type(node).__name__}")
        elif isinstance(node, nodes.Concat):
            found.append(f"{where}: text joined with ~")
        elif isinstance(node, nodes.Compare):
            found.append(f"{where}: comparison")
        elif isinstance(node, nodes.Getitem | nodes.Slice):
            found.append(f"{where}: lookup or cut [...]")
        elif isinstance(node, nodes.Dict | nodes.List):
            found.append(f"{where}: a dict or list built in the template")
        elif isinstance(node, nodes.For) and node.test is not None:
            found.append(f"{where}: a loop that filters (for … if …)")
        elif isinstance(node, nodes.Assign | nodes.AssignBlock) and not (
                isinstance(node, nodes.Assign) and _is_alias(node.node)):
            found.append(f"{where}: set with a computed value")
        elif isinstance(node, nodes.Call):
            callee = _callee(node)
            if callee not in allowed:
                found.append(f"{where}: calls {callee or 'a method'}")
        elif isinstance(node, nodes.Name) and node.name in ("d", "p", "today", "version"):
            found.append(f"{where}: uses {node.name} (the view has what the page needs)")
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_templates_only_lay_out(template: Path):
    assert computations(template.name, template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source, found", [
    ("{{ d.plural(2, 'day') }}", "calls a method"),
    ("{{ view.items | length }}", "filter | length"),
    ("{{ view.total - view.spent }}", "arithmetic Sub"),
    ("{{ 'mp-' ~ view.key }}", "text joined with ~"),
    ("{% if view.count > 3 %}x{% endif %}", "comparison"),
    ("{% for x in view.items[:3] %}{% endfor %}", "lookup or cut [...]"),
    ("{% set ns = namespace(n=0) %}", "calls namespace"),
    ("{% set n = view.items | sort %}", "filter | sort"),
    ("{% for x in view.items if x.open %}{% endfor %}", "a loop that filters (for … if …)"),
    ("{% set by_id = {} %}", "a dict or list built in the template"),
    ("{{ p.client.name }}", "uses p (the view has what the page needs)"),
    ("{% set answers = waiting_answers(p, today) %}", "calls waiting_answers"),
    ("{{ version.name }}", "uses version (the view has what the page needs)"),
    ("{{ x.title.upper() }}", "calls a method"),
])
def test_the_scan_finds_each_kind_of_computation(source: str, found: str):
    assert any(line.endswith(found) for line in computations("probe.md.j2", source)), \
        computations("probe.md.j2", source)


def test_the_scan_lets_layout_through():
    layout = ('{% from "_macros.md.j2" import link_to %}{% set w = view.waiting %}'
              '{% for x in w.items %}{{ link_to(x.link) }}{{ ", " if not loop.last }}'
              '{% else %}–{% endfor %}{{ badge(view.state.key, view.state.label) }}')
    assert computations("probe.md.j2", layout) == []


# --- every table column has a heading -------------------------------------------------------------

_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")


def table_headings(markdown: str) -> list[list[str]]:
    """Each Markdown table's heading row, cell by cell."""
    lines = markdown.splitlines()
    return [[c.strip() for c in lines[k - 1].strip().strip("|").split("|")]
            for k, line in enumerate(lines) if k and _RULE.fullmatch(line.strip())]


def test_every_table_column_has_a_heading():
    """A column without a heading leaves the reader to guess what '4 days late' or
    '148,000 EUR' is about (before: Completed tasks, and the budget on Scope changes).
    The templates, and every page of the example clients as rendered."""
    from generator.pipeline import check_projects
    from generator.site.render import render_pages
    from tests.conftest import EXAMPLE_CLIENTS, TODAY, example_client

    texts = {t.name: t.read_text("utf-8") for t in TEMPLATES}
    for p in (check_projects(example_client(slug), TODAY).projects[0] for slug in EXAMPLE_CLIENTS):
        texts |= {f"{p.slug}/{rel}": text for rel, text in render_pages(p, TODAY).items()}
    headings = {name: table_headings(text) for name, text in texts.items()}
    assert sum(map(len, headings.values())) > 30
    assert [f"{name}: {row}" for name, rows in headings.items() for row in rows
            if not all(row)] == []


# --- a table cell's name on a phone is its column's heading ----------------------------------

CELL_NAME = re.compile(r'^<span class="mp-cell" data-label="([^"]*)"></span>')


def _tables(markdown: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each Markdown table of a page: its headings and its rows, cells stripped."""
    tables, lines = [], markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| ---") and i and lines[i - 1].startswith("|"):
            cells = [c.strip() for c in lines[i - 1].strip("|").split(" | ")]
            rows = []
            for row in lines[i + 1:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip()[2:-2].split(" | ")])
            tables.append((cells, rows))
    return tables


def _pages_with_tables() -> dict[str, str]:
    """Northwind's pages and the agency's, rendered from the example clients."""
    from generator.agency.full import read_agency_client
    from generator.agency.render import AgencyView, render_agency
    from tests.conftest import EXAMPLE_CLIENTS, example_client
    from tests.golden import AS_OF, current_pages

    clients = [read_agency_client(example_client(slug), "examples", AS_OF)
               for slug in EXAMPLE_CLIENTS]
    view = AgencyView(AS_OF, [c for c in clients if c], [], [], 0, frozenset(), frozenset())
    return {**current_pages(), **{f"agency/{k}": v for k, v in render_agency(view).items()}}


def test_each_cells_name_on_a_phone_is_its_columns_heading():
    """On a phone a row is a card whose lines are named by `cell("…")` in the template; the
    name must be the heading the same column has on a wide screen."""
    named = 0
    for page, text in _pages_with_tables().items():
        for headings, rows in _tables(text):
            for row in rows:
                assert len(row) == len(headings), (page, headings, row)
                for heading, value in zip(headings, row, strict=True):
                    found = CELL_NAME.match(value)
                    if found:
                        named += 1
                        assert found[1] == re.sub(r"\\(.)", r"\1", heading), (page, value)
    assert named > 200
