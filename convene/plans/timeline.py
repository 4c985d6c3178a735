"""The plan's timeline: a Gantt chart of deliverables and their tasks drawn on the server as SVG.

``gantt`` is a pure function of plain rows (no database): months on the axis, a line for today, one
bar per deliverable or task filled with a pattern for its status (not colour alone) and the status
written beside it, and "late" written for what is due before today and neither done nor cancelled.
No inline style (CSP): presentation attributes and classes only. Every text is escaped. The page
shows the same rows in a table as well (``rows_for_plan`` feeds both).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 960
LABEL_W = 250  # the titles on the left
STATUS_W = 160  # the status (and "late") on the right
TOP = 44  # month labels and the today label
ROW_H = 26
LEGEND_H = 60
TITLE_CHARS = 34

# Status codes of deliverables and tasks → the four looks of a bar.
LOOKS = {
    "planned": "planned",
    "todo": "planned",
    "in_progress": "progress",
    "doing": "progress",
    "done": "done",
    "cancelled": "cancelled",
}

INK, MUTED, LATE, GRID = "#1d2733", "#55606e", "#a4262c", "#d5dbe2"


@dataclass(frozen=True)
class TimelineRow:
    title: str
    start: date | None
    due: date | None
    status: str  # a Deliverable or Task status code
    late: bool
    level: int = 0  # 0: a deliverable, 1: a task under it
    status_label: str = ""  # the status as a person reads it (the code when empty)


def _look_labels() -> dict[str, str]:
    return {
        "planned": _("Not started"),
        "progress": _("In progress"),
        "done": _("Done"),
        "cancelled": _("Cancelled"),
    }


def _defs(prefix: str) -> str:
    """One pattern per look: dots, stripes, solid, cross-hatch (each also told apart by its label)."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-planned" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.2" fill="#0b6e69"/></pattern>'
        f'<pattern id="{prefix}-progress" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#cfe8e6"/>'
        '<rect width="4" height="8" fill="#0b6e69"/></pattern>'
        f'<pattern id="{prefix}-done" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#1e6b34"/></pattern>'
        f'<pattern id="{prefix}-cancelled" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#eceff2"/>'
        '<path d="M0 0L8 8M8 0L0 8" stroke="#8a96a3" stroke-width="1"/></pattern>'
        "</defs>"
    )


def _month_starts(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def _attr(value: str) -> str:
    return escape(value, quote=True)


def gantt(
    *,
    rows: Sequence[TimelineRow],
    starts_on: date,
    ends_on: date,
    today: date,
    title: str,
    description: str,
    id_prefix: str = "tl",
) -> SafeString:
    """The SVG of a plan's timeline from ``starts_on`` to ``ends_on`` (widened to every date in the rows)."""
    dates = [d for row in rows for d in (row.start, row.due) if d is not None]
    first = min([starts_on, *dates])
    last = max([ends_on, *dates])
    months = _month_starts(first, last)
    axis_start = months[0]
    axis_end = (months[-1] + timedelta(days=32)).replace(day=1)
    span = (axis_end - axis_start).days
    plot_x, plot_w = LABEL_W, WIDTH - LABEL_W - STATUS_W - 8
    height = TOP + max(len(rows), 1) * ROW_H + LEGEND_H

    def x(day: date) -> float:
        return plot_x + plot_w * (day - axis_start).days / span

    look_labels = _look_labels()
    late_text = _("late")
    parts = [
        f'<svg class="gantt" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13" font-family="system-ui, sans-serif" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        _defs(id_prefix),
    ]
    # Months: a grid line at each month's start, a label in its middle (fewer labels on long plans).
    every = 1 if len(months) <= 18 else (2 if len(months) <= 36 else 3)
    for i, month in enumerate(months):
        x0 = x(month)
        parts.append(
            f'<line class="gantt-grid" x1="{x0:.1f}" y1="{TOP - 6}" x2="{x0:.1f}" '
            f'y2="{TOP + len(rows) * ROW_H}" stroke="{GRID}" stroke-width="1"/>'
        )
        nxt = (month + timedelta(days=32)).replace(day=1)
        if i % every == 0:
            parts.append(
                f'<text class="gantt-month" x="{(x0 + x(nxt)) / 2:.1f}" y="{TOP - 10}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(dateformat.format(month, "M"))}</text>'
            )
        if i == 0 or month.month == 1:  # the year above its first month
            parts.append(
                f'<text class="gantt-year" x="{x0 + 2:.1f}" y="14" fill="{INK}" font-weight="600">'
                f"{month.year}</text>"
            )
    parts.append(
        f'<line class="gantt-axis" x1="{plot_x}" y1="{TOP + len(rows) * ROW_H}" x2="{plot_x + plot_w}" '
        f'y2="{TOP + len(rows) * ROW_H}" stroke="#8a96a3" stroke-width="1"/>'
    )
    for i, row in enumerate(rows):
        y = TOP + i * ROW_H
        look = LOOKS.get(row.status, "planned")
        status = row.status_label or look_labels[look]
        status_text = f"{status} · {late_text}" if row.late else status
        period = " – ".join(date_format(d, "DATE_FORMAT") if d else "…" for d in (row.start, row.due))
        fill = f"url(#{id_prefix}-{look})"
        stroke, stroke_w = (LATE, 2.5) if row.late else (INK, 1)
        classes = f"gantt-row gantt-level-{row.level} gantt-{look}" + (" gantt-late" if row.late else "")
        parts.append(f'<g class="{classes}">')
        parts.append(f"<title>{escape(f'{row.title}: {period}, {status_text}')}</title>")
        if i % 2 == 0:
            parts.append(
                f'<rect class="gantt-zebra" x="0" y="{y}" width="{WIDTH}" height="{ROW_H}" fill="#f3f6f8"/>'
            )
        indent = 8 + 16 * row.level
        weight = ' font-weight="600"' if row.level == 0 else ""
        parts.append(
            f'<text x="{indent}" y="{y + ROW_H / 2 + 4:.1f}" fill="{INK}"{weight}>{escape(_short(row.title))}</text>'
        )
        bar_h = 16 if row.level == 0 else 11
        bar_y = y + (ROW_H - bar_h) / 2
        if row.start and row.due:
            x1, x2 = x(row.start), x(row.due + timedelta(days=1))
            parts.append(
                f'<rect class="gantt-bar" x="{x1:.1f}" y="{bar_y:.1f}" width="{max(x2 - x1, 3):.1f}" '
                f'height="{bar_h}" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_w}"/>'
            )
        elif row.due or row.start:
            # One date only: a diamond on it (a milestone due then, or a start with no due date).
            cx, cy, r = x(row.due or row.start), y + ROW_H / 2, bar_h / 2 + 2
            parts.append(
                f'<path class="gantt-milestone" d="M{cx:.1f} {cy - r:.1f}L{cx + r:.1f} {cy:.1f}'
                f'L{cx:.1f} {cy + r:.1f}L{cx - r:.1f} {cy:.1f}Z" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{stroke_w}"/>'
            )
        else:
            parts.append(
                f'<text x="{plot_x + 6}" y="{y + ROW_H / 2 + 4:.1f}" fill="{MUTED}">{escape(_("no dates"))}</text>'
            )
        late_attrs = f' fill="{LATE}" font-weight="700"' if row.late else f' fill="{INK}"'
        parts.append(
            f'<text class="gantt-status" x="{plot_x + plot_w + 8}" y="{y + ROW_H / 2 + 4:.1f}"{late_attrs}>'
            f"{escape(status_text)}</text>"
        )
        parts.append("</g>")
    bottom = TOP + len(rows) * ROW_H
    if axis_start <= today < axis_end:
        tx = x(today)
        parts.append(
            f'<line class="gantt-today" x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" '
            f'y2="{bottom + 4}" stroke="{LATE}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text class="gantt-today-label" x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" '
            f'fill="{LATE}" font-weight="700" font-size="11">{escape(_("Today"))}</text>'
        )
    # The legend: each look with its pattern and its name.
    ly = bottom + 34
    lx = 8
    for look in ("planned", "progress", "done", "cancelled"):
        label = look_labels[look]
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="22" height="12" fill="url(#{id_prefix}-{look})" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(f'<text x="{lx + 28}" y="{ly + 11}" fill="{INK}">{escape(label)}</text>')
        lx += 40 + 8 * len(label)
    parts.append(
        f'<rect x="{lx}" y="{ly}" width="22" height="12" fill="#ffffff" stroke="{LATE}" stroke-width="2.5"/>'
    )
    parts.append(
        f'<text x="{lx + 28}" y="{ly + 11}" fill="{LATE}" font-weight="700">'
        f"{escape(_('late: due before today, not done'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, every number formatted


def rows_for_plan(deliverables, *, today: date) -> list[TimelineRow]:
    """Deliverables and, under each, its tasks (``queries.timeline_of``: tasks prefetched)."""
    from .queries import is_late

    rows = []
    for deliverable in deliverables:
        rows.append(
            TimelineRow(
                title=deliverable.title,
                start=deliverable.starts_on,
                due=deliverable.due_on,
                status=deliverable.status,
                late=is_late(deliverable.due_on, deliverable.status, today),
                level=0,
                status_label=str(deliverable.get_status_display()),
            )
        )
        for task in deliverable.tasks.all():
            rows.append(
                TimelineRow(
                    title=task.title,
                    start=task.starts_on,
                    due=task.due_on,
                    status=task.status,
                    late=is_late(task.due_on, task.status, today),
                    level=1,
                    status_label=str(task.get_status_display()),
                )
            )
    return rows
