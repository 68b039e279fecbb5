"""The roadmap timeline, drawn at build time as inline SVG: no JavaScript, prints well.

One row per milestone grouped by phase; the planned (baseline) date as a hollow diamond, the
forecast as an amber diamond joined by a slip bar, the actual date as a filled mark, a today
line, and the client's tasks as triangles on their own row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from generator.format import records as r
from generator.numbers import plural
from generator.site import derive
from generator.site.markup import attr
from generator.site.model import Project

WIDTH = 720
LABEL = 220       # width of the label column
ROW = 24
TOP = 34          # room for month labels
RIGHT = 20

XScale = Callable[[date], float]  # a date's x position in the drawing


def _span(p: Project, today: date, baseline: dict[str, date]) -> tuple[date, date]:
    days = [today, p.client.start]
    for m in p.milestones:
        days += [d for d in (m.planned, m.forecast, m.done) if d]
    days += [t.due for t in p.client_tasks] + list(baseline.values())
    first, last = min(days), max(days)
    first = first.replace(day=1)
    last = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, last


def _months(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _diamond(x: float, y: float, cls: str, label: str, size: float = 6) -> str:
    points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} " \
             f"{x - size:.1f},{y:.1f}"
    return f'<polygon class="{cls}" points="{points}"><title>{attr(label)}</title></polygon>'


def timeline_svg(p: Project, today: date, baseline: dict[str, date] | None = None) -> str:
    """The timeline as one SVG element with no blank lines (it sits in a Markdown page)."""
    baseline = baseline or {}
    first, last = _span(p, today, baseline)
    scale = (WIDTH - LABEL - RIGHT) / max((last - first).days, 1)

    def x(d: date) -> float:
        return LABEL + (d - first).days * scale

    rows: list[str] = []
    y = TOP
    for phase, milestones in derive.phases(p):
        y += ROW
        rows.append(f'<text class="mp-tl-phase" x="8" y="{y - 8}">{attr(phase)}</text>')
        for m in milestones:
            y += ROW
            rows.append(_milestone_row(m, y - ROW / 2, x, today, baseline.get(m.id)))
    if p.client_tasks:
        y += ROW
        mid = y - ROW / 2
        rows.append(f'<text class="mp-tl-phase" x="8" y="{mid + 4:.0f}">Your tasks</text>')
        for t in sorted(p.client_tasks, key=lambda t: (t.due, t.id)):
            rows.append(_task_mark(t, x(t.due), mid, today))
    height = y + 44
    grid = _grid(first, last, x, height)
    today_x = x(today)
    today_line = (
        f'<line class="mp-tl-today" x1="{today_x:.1f}" y1="{TOP - 6}" x2="{today_x:.1f}" '
        f'y2="{height - 34}"/><text class="mp-tl-today-label" x="{today_x + 3:.1f}" '
        f'y="{TOP - 8}">Today</text>')
    legend = _legend(height - 14, bool(baseline))
    title = f"Roadmap timeline of {p.client.project}"
    desc = (f"{plural(len(p.milestones), 'milestone')} from {derive.long_date(first)} to "
            f"{derive.long_date(last)}, with planned, forecast and actual dates; today is "
            f"{derive.long_date(today)}. The table below gives the same data.")
    # Wrapped in a <div>: Markdown passes a block-level element through untouched, while a
    # bare <svg> would be treated as inline and its text run through Markdown.
    return "".join([
        '<div class="mp-timeline-wrap">',
        f'<svg class="mp-timeline" role="img" aria-labelledby="mp-tl-title mp-tl-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="mp-tl-title">{attr(title)}</title>',
        f'<desc id="mp-tl-desc">{attr(desc)}</desc>',
        grid, *rows, today_line, legend, "</svg></div>",
    ])


def _grid(first: date, last: date, x: XScale, height: float) -> str:
    parts = []
    for month in _months(first, last):
        mx = x(month)
        parts.append(f'<line class="mp-tl-grid" x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" '
                     f'y2="{height - 34}"/>')
        if month < last:
            parts.append(f'<text class="mp-tl-month" x="{mx + 3:.1f}" y="{TOP - 20}">'
                         f'{derive.MONTHS[month.month - 1][:3]} {month.year % 100:02d}</text>')
    return "".join(parts)


def slip_line(m: r.Milestone, mid: float, x: XScale) -> list[str]:
    """The line from a milestone's planned date to its done or forecast date, if they differ:
    red when later, green when earlier."""
    end = m.done or m.forecast
    if not end or end == m.planned:
        return []
    x1, x2 = sorted((x(m.planned), x(end)))
    cls = "mp-tl-slip" if end > m.planned else "mp-tl-early"
    return [f'<line class="{cls}" x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}"/>']


def _milestone_row(m: r.Milestone, mid: float, x: XScale, today: date,
                   base: date | None) -> str:
    label = m.title if len(m.title) <= 28 else m.title[:27] + "…"
    parts = [f'<text class="mp-tl-label" x="16" y="{mid + 4:.0f}">'
             f'<title>{attr(m.id)}: {attr(m.title)}</title>{attr(m.id)} {attr(label)}</text>']
    parts += slip_line(m, mid, x)
    if base and base != m.planned:
        parts.append(_diamond(x(base), mid, "mp-tl-baseline",
                              f"{m.id} first planned {derive.long_date(base)}", 4))
    parts.append(_diamond(x(m.planned), mid, "mp-tl-planned",
                          f"{m.id} planned {derive.long_date(m.planned)}"))
    if m.forecast and not m.done and m.forecast != m.planned:
        parts.append(_diamond(x(m.forecast), mid, "mp-tl-forecast",
                              f"{m.id} forecast {derive.long_date(m.forecast)}"))
    if m.done:
        parts.append(_diamond(x(m.done), mid, "mp-tl-done",
                              f"{m.id} done {derive.long_date(m.done)}"))
    return "".join(parts)


def _task_mark(t: r.ClientTask, tx: float, mid: float, today: date) -> str:
    state = "done" if t.done else ("overdue" if t.due < today else "open")
    words = {"done": f"done {derive.long_date(t.done)}", "overdue": "overdue", "open": "open"}
    label = f"Your task {t.id}: {t.title}, due {derive.long_date(t.due)} ({words[state]})"
    return (f'<polygon class="mp-tl-task mp-tl-task-{state}" points="{tx:.1f},{mid - 6:.1f} '
            f'{tx + 6:.1f},{mid + 5:.1f} {tx - 6:.1f},{mid + 5:.1f}"><title>{attr(label)}'
            "</title></polygon>")


def _legend(y: float, with_baseline: bool) -> str:
    items = [("mp-tl-planned", "Planned"), ("mp-tl-forecast", "Forecast"),
             ("mp-tl-done", "Done")]
    if with_baseline:
        items.append(("mp-tl-baseline", "First planned"))
    parts, lx = [], LABEL
    for cls, text in items:
        parts.append(_diamond(lx, y - 4, cls, text, 5))
        parts.append(f'<text class="mp-tl-legend" x="{lx + 9}" y="{y}">{text}</text>')
        lx += 100
    parts.append(f'<polygon class="mp-tl-task mp-tl-task-open" points="{lx},{y - 10} '
                 f'{lx + 6},{y + 1} {lx - 6},{y + 1}"><title>Your task</title></polygon>')
    parts.append(f'<text class="mp-tl-legend" x="{lx + 9}" y="{y}">Your task</text>')
    return "".join(parts)
