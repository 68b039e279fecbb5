"""Every client's milestones on one SVG: one row per client, drawn at build time.

The marks and the two drawings are the client Roadmap's (`site/timeline.py`, whose layouts,
axis and diamonds are reused): planned hollow, forecast amber, done filled, joined by a slip
bar; each row spans the project from its start to its planned end, with a today line across
all of them. The wide drawing names each client on the left, the narrow one (a phone's)
above its row.
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.agency.portfolio import project_end
from generator.numbers import plural
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.markup import attr
from generator.site.timeline import (
    LAYOUTS,
    TOP,
    Layout,
    XScale,
    axis,
    cut,
    diamond,
    row_label,
    scale,
    slip_line,
    svg_open,
    today_line,
)

ROWS_GAP = 8


def _span(projects: list[Project], today: date) -> tuple[date, date]:
    days = [today]
    for p in projects:
        days.append(p.client.start)
        days += [d for m in p.milestones for d in (m.planned, m.forecast, m.done) if d]
        end = project_end(p)
        days += [end] if end else []
    first = min(days).replace(day=1)
    last = (max(days).replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, last


def _client_row(p: Project, layout: Layout, y: float, x: XScale) -> str:
    text_y, mid = layout.place(y)
    parts = [row_label(layout, text_y, cut(p.client.name, layout.label_chars),
                       f"{p.client.name}: {p.client.project}")]
    end = project_end(p)
    if end:
        parts.append(f'<line class="mp-tl-grid mp-ag-span" x1="{x(p.client.start):.1f}" '
                     f'y1="{mid:.1f}" x2="{x(end):.1f}" y2="{mid:.1f}"/>')
    for m in p.milestones:
        parts += slip_line(m, mid, x)
        who = f"{p.client.name} {m.id} {m.title}"
        parts.append(diamond(x(m.planned), mid, "mp-tl-planned",
                             f"{who}: planned {wording.long_date(m.planned)}", 5))
        if m.forecast and not m.done and m.forecast != m.planned:
            parts.append(diamond(x(m.forecast), mid, "mp-tl-forecast",
                                 f"{who}: forecast {wording.long_date(m.forecast)}, "
                                 f"{wording.shift_words(derive.plan_shift(m))}", 5))
        if m.done:
            parts.append(diamond(x(m.done), mid, "mp-tl-done",
                                 f"{who}: done {wording.long_date(m.done)}, "
                                 f"{wording.shift_words(derive.plan_shift(m))}", 5))
    return "".join(parts)


def portfolio_timeline(projects: list[Project], today: date) -> str:
    """Both drawings in one element with no blank lines (it sits in a Markdown page)."""
    return "".join(['<div class="mp-timeline-wrap">',
                    *(_drawing(projects, today, layout) for layout in LAYOUTS), "</div>"])


def _drawing(projects: list[Project], today: date, layout: Layout) -> str:
    first, last = _span(projects, today)
    x = scale(layout, first, last)
    rows = []
    y: float = TOP + ROWS_GAP
    for p in projects:
        rows.append(_client_row(p, layout, y, x))
        y += layout.row
    desc = (f"{plural(len(projects), 'client')} from {wording.long_date(first)} to "
            f"{wording.long_date(last)}: each client's milestones with planned, forecast and "
            f"done dates; today is {wording.long_date(today)}.")
    ids = layout.ids
    return "".join([
        svg_open(layout, y + 12, f"mp-ag-title{ids} mp-ag-desc{ids}"),
        f'<title id="mp-ag-title{ids}">Timeline of all clients</title>',
        f'<desc id="mp-ag-desc{ids}">{attr(desc)}</desc>',
        axis(layout, first, last, x, y), today_line(layout, x(today), y), *rows, "</svg>",
    ])
