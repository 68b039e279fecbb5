"""The roadmap timeline, drawn at build time as inline SVG: no JavaScript, prints well.

One row per milestone grouped by phase; the planned (baseline) date as a hollow diamond, the
forecast as an amber diamond joined by a slip bar, the actual date as a filled mark, a today
line, and the client's tasks as triangles on their own row.

It is drawn twice, and the style sheet shows one: the wide drawing (a screen 768 px wide or
more, and print) keeps the labels in a column on the left; the narrow one, for a phone, is
drawn at about the width a phone shows it, so its text reads at 12 px or more, and puts each
label above its row. Months are named over two lines, "Sep" and below it "2026" once per
year: "Sep 26" read as the 26th of September.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from generator.format import records as r
from generator.numbers import days, plural
from generator.project import derive
from generator.project.model import Project
from generator.site import wording
from generator.site.markup import attr

TOP = 48          # room for the month names, their years and the today label
MONTH_Y, YEAR_Y, TODAY_Y = 14, 28, 42

XScale = Callable[[date], float]  # a date's x position in the drawing


@dataclass(frozen=True)
class Layout:
    """Where one drawing puts things. Text is 12 units high in both: the narrow drawing's
    width is close to a phone's page, where it is shown at 12 px or more."""

    key: str            # 'wide' or 'narrow': the drawing's class, mp-timeline-KEY
    width: int          # of the viewBox
    chart: int          # x of the first day: the wide drawing's labels are left of it
    right: int          # room right of the last day
    label_above: bool   # each row's label on a line of its own, above its marks
    label_chars: int    # a longer title is cut with '…' (the whole one is its tooltip)
    month_room: int     # room a month's name needs: months closer than that skip a name
    legend_step: int    # room for each item of the legend
    row: int            # the height of one row (its label's line included, if above)
    phase: int          # the height of a phase's heading

    @property
    def ids(self) -> str:
        """The suffix of the drawing's element IDs: the page holds both drawings."""
        return "" if self.key == "wide" else f"-{self.key}"

    def place(self, y: float) -> tuple[float, float]:
        """A row starting at `y`: the baseline of its label, and the middle of its marks."""
        if self.label_above:
            return y + 13, y + 26
        return y + self.row / 2 + 4, y + self.row / 2


WIDE = Layout("wide", 720, 220, 20, False, 28, 30, 100, 24, 24)
NARROW = Layout("narrow", 320, 12, 12, True, 44, 34, 100, 36, 22)
LAYOUTS = (WIDE, NARROW)


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


def scale(layout: Layout, first: date, last: date) -> XScale:
    """Dates to x, from the layout's chart column to its right margin."""
    per_day = (layout.width - layout.chart - layout.right) / max((last - first).days, 1)

    def x(d: date) -> float:
        return layout.chart + (d - first).days * per_day

    return x


def diamond(x: float, y: float, cls: str, label: str, size: float = 6) -> str:
    points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} " \
             f"{x - size:.1f},{y:.1f}"
    return f'<polygon class="{cls}" points="{points}"><title>{attr(label)}</title></polygon>'


def cut(text: str, chars: int) -> str:
    """A label that fits its layout: cut with '…' past `chars` characters."""
    return text if len(text) <= chars else text[:chars - 1] + "…"


def svg_open(layout: Layout, height: float, labelled_by: str) -> str:
    return (f'<svg class="mp-timeline mp-timeline-{layout.key}" role="img" '
            f'aria-labelledby="{labelled_by}" viewBox="0 0 {layout.width} {height:.0f}" '
            'xmlns="http://www.w3.org/2000/svg">')


def timeline_svg(p: Project, today: date, baseline: dict[str, date] | None = None) -> str:
    """Both drawings in one element with no blank lines (it sits in a Markdown page)."""
    # Wrapped in a <div>: Markdown passes a block-level element through untouched, while a
    # bare <svg> would be treated as inline and its text run through Markdown.
    return "".join(['<div class="mp-timeline-wrap">',
                    *(_drawing(p, today, baseline or {}, layout) for layout in LAYOUTS),
                    "</div>"])


def _drawing(p: Project, today: date, baseline: dict[str, date], layout: Layout) -> str:
    first, last = _span(p, today, baseline)
    x = scale(layout, first, last)
    rows: list[str] = []
    y: float = TOP
    for phase, milestones in derive.phases(p, wording.UNPHASED):
        rows.append(f'<text class="mp-tl-phase" x="8" y="{y + layout.phase - 8:.0f}">'
                    f'{attr(phase)}</text>')
        y += layout.phase
        for m in milestones:
            rows.append(_milestone_row(m, layout, y, x, today, baseline.get(m.id)))
            y += layout.row
    if p.client_tasks:
        text_y, mid = layout.place(y)
        rows.append(f'<text class="mp-tl-phase" x="8" y="{text_y:.0f}">Your tasks</text>')
        for t in sorted(p.client_tasks, key=lambda t: (t.due, t.id)):
            rows.append(_task_mark(t, x(t.due), mid, today))
        y += layout.row
    legend, legend_end = _legend(layout, y + 24, bool(baseline))
    height = legend_end + 12
    title = f"Roadmap timeline of {p.client.project}"
    desc = (f"{plural(len(p.milestones), 'milestone')} from {wording.long_date(first)} to "
            f"{wording.long_date(last)}, with planned, forecast and actual dates; today is "
            f"{wording.long_date(today)}. The table below gives the same data.")
    ids = f"mp-tl-title{layout.ids} mp-tl-desc{layout.ids}"
    return "".join([
        svg_open(layout, height, ids),
        f'<title id="mp-tl-title{layout.ids}">{attr(title)}</title>',
        f'<desc id="mp-tl-desc{layout.ids}">{attr(desc)}</desc>',
        axis(layout, first, last, x, y), today_line(layout, x(today), y), *rows, legend,
        "</svg>",
    ])


def month_names(layout: Layout, first: date, last: date, x: XScale) -> Iterator[date]:
    """The months named on the axis: every one where there is room, else every 2nd, 3rd,
    4th, 6th or 12th (January, April, July, October for every 3rd), never one too close to
    the right edge for its name."""
    months = _months(first, last)[:-1]  # the last is the end of the drawing, not a month
    room = x(months[1]) - x(months[0]) if len(months) > 1 else float(layout.month_room)
    step = next((k for k in (1, 2, 3, 4, 6) if k * room >= layout.month_room), 12)
    edge = layout.width - 22
    return (m for m in months if (m.month - 1) % step == 0 and x(m) + 3 < edge)


def axis(layout: Layout, first: date, last: date, x: XScale, bottom: float) -> str:
    """A grid line at each month, the names of months with room for one, and the year under
    the first month named in each year."""
    parts = [f'<line class="mp-tl-grid" x1="{x(month):.1f}" y1="{TOP - 4}" '
             f'x2="{x(month):.1f}" y2="{bottom:.0f}"/>' for month in _months(first, last)]
    years: set[int] = set()
    for month in month_names(layout, first, last, x):
        mx = x(month) + 3
        parts.append(f'<text class="mp-tl-month" x="{mx:.1f}" y="{MONTH_Y}">'
                     f'{wording.MONTHS[month.month - 1][:3]}</text>')
        if month.year not in years:
            years.add(month.year)
            parts.append(f'<text class="mp-tl-year" x="{mx:.1f}" y="{YEAR_Y}">{month.year}'
                         "</text>")
    return "".join(parts)


def today_line(layout: Layout, tx: float, bottom: float) -> str:
    """The today line, named right of it (left of it near the drawing's right edge)."""
    near_edge = tx + 40 > layout.width
    label = (f'x="{tx - 3:.1f}" text-anchor="end"' if near_edge else f'x="{tx + 3:.1f}"')
    return (f'<line class="mp-tl-today" x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" '
            f'y2="{bottom:.0f}"/><text class="mp-tl-today-label" {label} '
            f'y="{TODAY_Y}">Today</text>')


def slip_line(m: r.Milestone, mid: float, x: XScale) -> list[str]:
    """The line from a milestone's planned date to its done or forecast date, if they differ:
    red when later, green when earlier."""
    end = m.done or m.forecast
    if not end or end == m.planned:
        return []
    x1, x2 = sorted((x(m.planned), x(end)))
    cls = "mp-tl-slip" if end > m.planned else "mp-tl-early"
    return [f'<line class="{cls}" x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}"/>']


def row_label(layout: Layout, y: float, text: str, tooltip: str) -> str:
    """A row's label: in the label column, or on its own line above the row's marks."""
    x = 8 if layout.label_above else 16
    return (f'<text class="mp-tl-label" x="{x}" y="{y:.0f}"><title>{attr(tooltip)}</title>'
            f'{attr(text)}</text>')


def _milestone_row(m: r.Milestone, layout: Layout, y: float, x: XScale, today: date,
                   base: date | None) -> str:
    text_y, mid = layout.place(y)
    parts = [row_label(layout, text_y, f"{m.id} {cut(m.title, layout.label_chars)}",
                       f"{m.id}: {m.title}")]
    parts += slip_line(m, mid, x)
    if base and base != m.planned:
        parts.append(diamond(x(base), mid, "mp-tl-baseline",
                             f"{m.id} first planned {wording.long_date(base)}", 4))
    overdue = derive.days_overdue(m, today)
    parts.append(diamond(x(m.planned), mid, "mp-tl-planned",
                         f"{m.id} planned {wording.long_date(m.planned)}"
                         + (f", overdue by {days(overdue)}" if overdue else "")))
    shift = wording.shift_words(derive.plan_shift(m))
    if m.forecast and not m.done and m.forecast != m.planned:
        parts.append(diamond(x(m.forecast), mid, "mp-tl-forecast",
                             f"{m.id} forecast {wording.long_date(m.forecast)}, {shift}"))
    if m.done:
        parts.append(diamond(x(m.done), mid, "mp-tl-done",
                             f"{m.id} done {wording.long_date(m.done)}, {shift}"))
    return "".join(parts)


def _task_mark(t: r.ClientTask, tx: float, mid: float, today: date) -> str:
    state = "done" if t.done else ("overdue" if t.due < today else "open")
    words = {"done": f"done {wording.long_date(t.done)}", "overdue": "overdue", "open": "open"}
    label = f"Your task {t.id}: {t.title}, due {wording.long_date(t.due)} ({words[state]})"
    return (f'<polygon class="mp-tl-task mp-tl-task-{state}" points="{tx:.1f},{mid - 6:.1f} '
            f'{tx + 6:.1f},{mid + 5:.1f} {tx - 6:.1f},{mid + 5:.1f}"><title>{attr(label)}'
            "</title></polygon>")


def _legend(layout: Layout, y: float, with_baseline: bool) -> tuple[str, float]:
    """The legend, its first line's baseline at `y`, in as many lines as the layout needs;
    and the baseline of its last line."""
    items = [("mp-tl-planned", "Planned"), ("mp-tl-forecast", "Forecast"),
             ("mp-tl-done", "Done")]
    if with_baseline:
        items.append(("mp-tl-baseline", "First planned"))
    items.append(("mp-tl-task mp-tl-task-open", "Your task"))
    left = layout.chart if not layout.label_above else 14
    per_line = max((layout.width - left) // layout.legend_step, 1)
    parts = []
    for i, (cls, text) in enumerate(items):
        lx, ly = left + (i % per_line) * layout.legend_step, y + (i // per_line) * 20
        if cls.startswith("mp-tl-task"):
            parts.append(f'<polygon class="{cls}" points="{lx},{ly - 10} {lx + 6},{ly + 1} '
                         f'{lx - 6},{ly + 1}"><title>{text}</title></polygon>')
        else:
            parts.append(diamond(lx, ly - 4, cls, text, 5))
        parts.append(f'<text class="mp-tl-legend" x="{lx + 9}" y="{ly}">{text}</text>')
    lines = (len(items) + per_line - 1) // per_line
    return "".join(parts), y + (lines - 1) * 20
