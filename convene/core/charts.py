"""Charts drawn on the server as SVG: no JavaScript, no inline style, readable by screen readers.

Each chart carries a <title> and a <desc>; the page shows the same numbers in a table as well.
"""

import math
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def nice_max(value: float) -> float:
    """The top of a chart's scale: the least of 1, 2, 2.5, 5 or 10 times a power of ten at or above
    ``value`` (1 for an empty or negative series)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_line_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    bars: Sequence[float],
    line: Sequence[float] | None = None,
    bar_label: str = "",
    line_label: str = "",
    width: int = 480,
    height: int = 240,
) -> SafeString:
    """Bars (e.g. joined per year) with an optional line on its own scale (e.g. members in all)."""
    left, right, top, bottom = 48, 48 if line else 12, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    slot = plot_w / n
    bar_max = nice_max(max(bars, default=0))
    line_max = nice_max(max(line, default=0)) if line else 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>',
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{_fmt(bar_max)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    if line:
        parts.append(f'<text x="{left + plot_w + 6}" y="{top + 4}">{_fmt(line_max)}</text>')
    label_every = max(1, math.ceil(40 / slot))  # a year label needs about 40 units
    for i, (label, value) in enumerate(zip(labels, bars, strict=False)):
        h = plot_h * value / bar_max
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(str(label))}: {escape(bar_label)} {_fmt(value)}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(str(label))}</text>"
            )
    if line:
        points = " ".join(
            f"{left + i * slot + slot / 2:.1f},{top + plot_h - plot_h * v / line_max:.1f}"
            for i, v in enumerate(line)
        )
        parts.append(
            f'<polyline class="line" points="{points}"><title>{escape(line_label)}</title></polyline>'
        )
        for i, v in enumerate(line):  # a dot per point, so one year of data still shows
            parts.append(
                f'<circle class="dot" cx="{left + i * slot + slot / 2:.1f}" cy="{top + plot_h - plot_h * v / line_max:.1f}" r="4">'
                f"<title>{escape(str(labels[i]))}: {escape(line_label)} {_fmt(v)}</title></circle>"
            )
    legend_y = height - 6
    parts.append(f'<rect class="bar" x="{left}" y="{legend_y - 10}" width="12" height="10"/>')
    parts.append(f'<text x="{left + 16}" y="{legend_y}">{escape(bar_label)}</text>')
    if line:
        parts.append(
            f'<line class="line" x1="{left + 170}" y1="{legend_y - 5}" x2="{left + 190}" y2="{legend_y - 5}"/>'
        )
        parts.append(f'<text x="{left + 196}" y="{legend_y}">{escape(line_label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
