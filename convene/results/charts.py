"""Charts of results drawn on the server as SVG (see ``convene.core.charts``).

Pure functions: numbers and labels in, markup out. Every piece of text is escaped, every chart carries a
<title> and a <desc> (the page shows the same numbers in a table), and nothing is styled inline: the
classes are in the site's CSS.
"""

import re
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from convene.core.charts import nice_max

Number = Decimal | float | int | None


def _safe_id(uid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", uid) or "chart"


def fmt_number(value: Number) -> str:
    if value is None:
        return "—"
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def progress_bar(
    *, percent: Number, title: str, uid: str = "bar", width: int = 120, height: int = 18
) -> SafeString:
    """A small bar of the percent met, clamped to 0–100 %, the target a tick at the end of the track.

    The bar shows how much of the way from baseline to target is covered: never more than the whole
    way, never a negative bar (the page says "moving away from target" in words instead)."""
    uid = _safe_id(uid)
    inner = width - 2
    parts = [
        f'<svg class="spark" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{uid}-t">',
        f'<title id="{uid}-t">{escape(title)}</title><desc>{escape(title)}</desc>',
        f'<rect class="spark-track" x="1" y="4" width="{inner}" height="{height - 8}"/>',
    ]
    if percent is not None:
        w = inner * min(max(float(percent), 0.0), 100.0) / 100
        parts.append(f'<rect class="spark-actual" x="1" y="4" width="{w:.1f}" height="{height - 8}"/>')
    x = 1 + inner
    parts.append(f'<line class="spark-target" x1="{x:.1f}" y1="1" x2="{x:.1f}" y2="{height - 1}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - the only text, the title, is escaped


def target_actual_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    targets: Sequence[Number],
    actuals: Sequence[Number],
    target_label: str,
    actual_label: str,
    uid: str = "progress",
    width: int = 560,
    height: int = 260,
) -> SafeString:
    """Actuals as bars and targets as a line with a dot per period, over time (one slot per period).

    A period without an actual has no bar; a period without a target breaks the line.
    """
    uid = _safe_id(uid)
    left, right, top, bottom = 52, 12, 16, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    slot = plot_w / n
    values = [float(v) for v in [*targets, *actuals] if v is not None]
    top_value = nice_max(max(values, default=0))

    def y(value: Number) -> float:
        return top + plot_h - plot_h * max(float(value), 0) / top_value

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>',
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{fmt_number(top_value)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    label_every = max(1, -(-56 // int(slot or 1)))  # a period's name needs about 56 units
    for i, label in enumerate(labels):
        actual = actuals[i] if i < len(actuals) else None
        if actual is not None:
            h = top + plot_h - y(actual)
            parts.append(
                f'<rect class="bar" x="{left + i * slot + slot * 0.2:.1f}" y="{y(actual):.1f}" '
                f'width="{slot * 0.6:.1f}" height="{h:.1f}">'
                f"<title>{escape(str(label))}: {escape(actual_label)} {fmt_number(actual)}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
                f"{escape(str(label))}</text>"
            )
    segment: list[str] = []
    segments = []
    for i, target in enumerate(targets):
        if target is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{left + i * slot + slot / 2:.1f},{y(target):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(f'<polyline class="target" points="{" ".join(points)}"/>')
    for i, target in enumerate(targets):
        if target is not None:
            parts.append(
                f'<circle class="target-dot" cx="{left + i * slot + slot / 2:.1f}" cy="{y(target):.1f}" r="4">'
                f"<title>{escape(str(labels[i]))}: {escape(target_label)} {fmt_number(target)}</title></circle>"
            )
    legend_y = height - 8
    parts += [
        f'<rect class="bar" x="{left}" y="{legend_y - 10}" width="12" height="10"/>',
        f'<text x="{left + 16}" y="{legend_y}">{escape(actual_label)}</text>',
    ]
    if target_label:
        parts += [
            f'<line class="target" x1="{left + 200}" y1="{legend_y - 5}" x2="{left + 220}" y2="{legend_y - 5}"/>',
            f'<circle class="target-dot" cx="{left + 210}" cy="{legend_y - 5}" r="3"/>',
            f'<text x="{left + 226}" y="{legend_y}">{escape(target_label)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[Number],
    value_label: str,
    uid: str = "totals",
    width: int = 560,
    height: int = 260,
) -> SafeString:
    """Bars of one series (the network's totals by period or by country); a missing value has no bar.
    No target: no line and no target in the legend."""
    return target_actual_chart(
        title=title,
        description=description,
        labels=labels,
        targets=[None] * len(labels),
        actuals=values,
        target_label="",
        actual_label=value_label,
        uid=uid,
        width=width,
        height=height,
    )
