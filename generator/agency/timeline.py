"""Every client's milestones on one SVG: one row per client, drawn at build time.

The marks are the client Roadmap's (`site/timeline.py`, whose grid and diamonds are reused):
planned hollow, forecast amber, done filled, joined by a slip bar; each row spans the
project from its start to its planned end, with a today line across all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from generator.agency.portfolio import project_end
from generator.numbers import plural
from generator.site import derive
from generator.site.markup import attr
from generator.site.model import Project
from generator.site.timeline import LABEL, RIGHT, ROW, TOP, WIDTH, _diamond, _grid, slip_line

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


def _client_row(p: Project, mid: float, x: Callable[[date], float], today: date) -> str:
    name = p.client.name if len(p.client.name) <= 28 else p.client.name[:27] + "…"
    parts = [f'<text class="mp-tl-label" x="8" y="{mid + 4:.0f}"><title>{attr(p.client.name)}: '
             f'{attr(p.client.project)}</title>{attr(name)}</text>']
    end = project_end(p)
    if end:
        parts.append(f'<line class="mp-tl-grid mp-ag-span" x1="{x(p.client.start):.1f}" '
                     f'y1="{mid:.1f}" x2="{x(end):.1f}" y2="{mid:.1f}"/>')
    for m in p.milestones:
        parts += slip_line(m, mid, x)
        who = f"{p.client.name} {m.id} {m.title}"
        parts.append(_diamond(x(m.planned), mid, "mp-tl-planned",
                              f"{who}: planned {derive.long_date(m.planned)}", 5))
        if m.forecast and not m.done and m.forecast != m.planned:
            parts.append(_diamond(x(m.forecast), mid, "mp-tl-forecast",
                                  f"{who}: forecast {derive.long_date(m.forecast)}", 5))
        if m.done:
            parts.append(_diamond(x(m.done), mid, "mp-tl-done",
                                  f"{who}: done {derive.long_date(m.done)}", 5))
    return "".join(parts)


def portfolio_timeline(projects: list[Project], today: date) -> str:
    """One SVG element with no blank lines (it sits in a Markdown page)."""
    first, last = _span(projects, today)
    scale = (WIDTH - LABEL - RIGHT) / max((last - first).days, 1)

    def x(d: date) -> float:
        return LABEL + (d - first).days * scale

    rows = []
    y = TOP + ROWS_GAP
    for p in projects:
        y += ROW
        rows.append(_client_row(p, y - ROW / 2, x, today))
    height = y + 20
    today_x = x(today)
    today_line = (
        f'<line class="mp-tl-today" x1="{today_x:.1f}" y1="{TOP - 6}" x2="{today_x:.1f}" '
        f'y2="{height - 10}"/><text class="mp-tl-today-label" x="{today_x + 3:.1f}" '
        f'y="{TOP - 8}">Today</text>')
    desc = (f"{plural(len(projects), 'client')} from {derive.long_date(first)} to "
            f"{derive.long_date(last)}: each client's milestones with planned, forecast and "
            f"done dates; today is {derive.long_date(today)}.")
    return "".join([
        '<div class="mp-timeline-wrap">',
        '<svg class="mp-timeline" role="img" aria-labelledby="mp-ag-title mp-ag-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="mp-ag-title">Timeline of all clients</title>',
        f'<desc id="mp-ag-desc">{attr(desc)}</desc>',
        _grid(first, last, x, height + 24), *rows, today_line, "</svg></div>",
    ])
