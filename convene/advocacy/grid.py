"""The alignment × interest × influence grid (ODI's AIIM), drawn on the server as SVG.

Alignment runs left (opposed) to right (aligned), interest bottom (low) to top (high); a circle's size
is the audience's influence. The four quadrants carry the approach they suggest. Like the charts in
``convene.core.charts``: no JavaScript, no inline style, a <title> and <desc>; the page lists the same
audiences in a table."""

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Approach


def audience_grid(audiences: Sequence, *, width: int = 420, height: int = 420) -> SafeString:
    left, top, right, bottom = 44, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(score: float) -> float:
        return left + (score - 0.5) / 5 * plot_w

    def y(score: float) -> float:
        return top + plot_h - (score - 0.5) / 5 * plot_h

    mid_x, mid_y = x(2.5), y(2.5)  # scores of 3 and above count as aligned / interested
    description = "; ".join(
        _("%(n)s. %(name)s: alignment %(a)s, interest %(i)s, influence %(f)s, %(approach)s")
        % {
            "n": n,
            "name": a.name,
            "a": a.alignment,
            "i": a.interest,
            "f": a.influence,
            "approach": a.get_approach_display(),
        }
        for n, a in enumerate(audiences, 1)
    ) or _("No audience yet.")
    parts = [
        f'<svg class="chart grid" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="grid-title grid-desc">',
        f'<title id="grid-title">{escape(_("Target audiences by alignment, interest and influence"))}</title>',
        f'<desc id="grid-desc">{escape(description)}</desc>',
        f'<rect class="frame" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#666"/>',
        f'<line class="axis" x1="{mid_x:.1f}" y1="{top}" x2="{mid_x:.1f}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line class="axis" x1="{left}" y1="{mid_y:.1f}" x2="{left + plot_w}" y2="{mid_y:.1f}" stroke="#999"/>',
    ]
    quadrants = (
        (Approach.CHALLENGE, left + 6, top + 16, "start"),
        (Approach.PARTNER, left + plot_w - 6, top + 16, "end"),
        (Approach.PERSUADE, left + 6, top + plot_h - 8, "start"),
        (Approach.INFORM, left + plot_w - 6, top + plot_h - 8, "end"),
    )
    for approach, qx, qy, anchor in quadrants:
        parts.append(
            f'<text class="quadrant" x="{qx:.1f}" y="{qy:.1f}" text-anchor="{anchor}" fill="#555">'
            f"{escape(str(approach.label))}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle">'
        f"{escape(_('Alignment: opposed → aligned'))}</text>"
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(_("Interest: low → high"))}</text>'
    )
    # Audiences at the same scores are spread a little so each stays visible.
    seen: dict[tuple[int, int], int] = {}
    for n, audience in enumerate(audiences, 1):
        key = (audience.alignment, audience.interest)
        shift = seen.get(key, 0)
        seen[key] = shift + 1
        cx, cy = x(audience.alignment) + shift * 10, y(audience.interest) - shift * 6
        r = 6 + audience.influence * 3
        parts.append(
            f'<g class="audience {escape(audience.approach)}"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" '
            f'fill="#2a6f97" fill-opacity="0.55" stroke="#124"/>'
            f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" fill="#000">{n}</text>'
            f"<title>{escape(audience.name)} ({escape(audience.get_approach_display())})</title></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)
