"""Server-side SVG charts: no script, no external asset, and every label escaped.

Each chart is drawn next to the table holding the same numbers, so the chart is never the only
way to read a value (accessibility; and a printed page keeps both).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_H, GAP, LABEL_W, WIDTH = 18, 6, 190, 560
COLOURS = {"lost_beyond_rto": "#b42318", "degraded_within_rto": "#dc6803", "covered": "#067647",
           "not_affected": "#98a2b3"}


def _label(text: object, limit: int = 28) -> str:
    s = str(text)
    return escape(s if len(s) <= limit else s[: limit - 1] + "…")


def bar_chart(items: list[tuple[object, float]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        return mark_safe("")
    top = max((v for _, v in items), default=0) or 1
    plot = WIDTH - LABEL_W - 60
    height = len(items) * (BAR_H + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_H + GAP)
        w = max(1, round(plot * value / top)) if value else 0
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end" font-size="12">{_label(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" fill="#1d4ed8"></rect>'
            f'<text x="{LABEL_W + w + 4}" y="{y + 13}" font-size="12">{escape(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above


def outage_timeline(duration: int, services: list[dict], *, title: str, limit: int = 20) -> SafeString:
    """The outage as a band from 0 to its duration; per service its downtime bar and its RTO marker."""
    shown = services[:limit]
    horizon = max([duration, *(s["rto_minutes"] for s in shown), *(s["downtime_minutes"] for s in shown)]) or 1
    plot = WIDTH - LABEL_W - 20
    scale = plot / horizon
    height = 40 + len(shown) * (BAR_H + GAP) + 20
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<rect x="{LABEL_W}" y="6" width="{round(duration * scale)}" height="14" fill="#b42318" opacity="0.8"></rect>'
        f'<text x="{LABEL_W - 6}" y="17" text-anchor="end" font-size="12">0-{duration} min</text>',
    ]
    for i, s in enumerate(shown):
        y = 32 + i * (BAR_H + GAP)
        w = round(s["downtime_minutes"] * scale)
        rto_x = LABEL_W + round(s["rto_minutes"] * scale)
        label = f'{s.get("firm_name", "")} · {s["service_reference"]}'
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end" font-size="11">{_label(label, 30)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" fill="{COLOURS.get(s["outcome"], "#98a2b3")}">'
            f'<title>{escape(label)}: {s["downtime_minutes"]} / RTO {s["rto_minutes"]} min</title></rect>'
            f'<line x1="{rto_x}" x2="{rto_x}" y1="{y - 2}" y2="{y + BAR_H + 2}" stroke="#101828" '
            f'stroke-width="2"></line>'
        )
    ticks_y = height - 6
    for t in range(0, horizon + 1, max(15, (horizon // 6) // 15 * 15 or 15)):
        parts.append(f'<text x="{LABEL_W + round(t * scale)}" y="{ticks_y}" font-size="10">{t}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above
