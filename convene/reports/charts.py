"""Small charts of the committee's dashboard, drawn on the server as SVG (no JavaScript).

A pure function: numbers and a title in, markup out. The text is escaped, the chart carries a <title>
and a <desc> that say the same numbers in words, and nothing is styled inline (site.css)."""

import re
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def sparkline(
    values: Sequence[int], *, title: str, description: str, uid: str, width: int = 96, height: int = 24
) -> SafeString:
    """A line through ``values`` (oldest first) with a dot on the last, scaled from 0 to the highest."""
    uid = re.sub(r"[^A-Za-z0-9_-]", "", uid) or "trend"
    parts = [
        f'<svg class="trend" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>',
    ]
    if values:
        top = max(max(values), 1)
        step = (width - 4) / max(len(values) - 1, 1)
        points = [(2 + i * step, height - 2 - (height - 4) * v / top) for i, v in enumerate(values)]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<line class="trend-base" x1="2" y1="{height - 2}" x2="{width - 2}" y2="{height - 2}"/>'
        )
        parts.append(f'<polyline class="trend-line" points="{line}"/>')
        x, y = points[-1]
        parts.append(f'<circle class="trend-dot" cx="{x:.1f}" cy="{y:.1f}" r="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - the only texts, title and description, are escaped
