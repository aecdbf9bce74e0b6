"""The daily trend chart of the statistics page: an SVG drawn on the server (no script, no CDN).

Bars are held cases per day; the red bar inside each is the false positives, the green one the
confirmed holds. Every number comes from :class:`gateway.store.stats.DayPoint` and every text is
escaped, so the markup is safe to embed as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from gateway.store.stats import DayPoint

WIDTH = 900
HEIGHT = 220
TOP = 16
BOTTOM = 28
LEFT = 36


def trend_svg(days: Sequence[DayPoint]) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    peak = max((d.holds for d in days), default=0) or 1
    step = (WIDTH - LEFT - 8) / max(len(days), 1)
    bar = max(step * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" id="trend" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
        "<title>每日扣留、确认与误报</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 4}" y2="{TOP + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    label_every = max(1, len(days) // 10)
    for i, d in enumerate(days):
        x = LEFT + i * step + (step - bar) / 2
        title = escape(
            f"{d.day.isoformat()}：扣留 {d.holds}，确认 {d.confirmed}，误报 {d.false_positives}"
        )
        parts.append(f'<g class="day" data-day="{d.day.isoformat()}"><title>{title}</title>')
        for value, color, offset in (
            (d.holds, "#93c5fd", 0),
            (d.confirmed, "#16a34a", 0),
            (d.false_positives, "#dc2626", d.confirmed),
        ):
            if value:
                h = plot_h * value / peak
                y = TOP + plot_h - plot_h * offset / peak - h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{color}"/>'
                )
        parts.append("</g>")
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                f'font-size="10">{d.day:%m-%d}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
