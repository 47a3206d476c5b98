"""Server-side SVG charts: no script, no external asset, and every label escaped.

Each chart is drawn next to the table holding the same numbers, so the chart is never the only
way to read a value (accessibility; and a printed page keeps both).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_H, GAP, LABEL_W, WIDTH = 18, 6, 190, 560
COLOURS = {"lost_beyond_rto": "#b42318", "degraded_within_rto": "#dc6803", "covered": "#067647",
           "not_affected": "#98a2b3"}


def _label(text: object, limit: int = 28) -> str:
    """The label cut to ``limit`` narrow characters; a Hangul or other wide character counts as two, so a
    Korean service name fits the label column as an English one does."""
    s = str(text)
    used, cut = 0, len(s)
    for i, ch in enumerate(s):
        used += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used > limit:
            cut = i
            break
    return escape(s if cut == len(s) else s[: max(cut - 1, 1)] + "…")


def bar_chart(items: list[tuple[object, float]], *, title: str, unit: str = "",
              colours: list[str] | None = None) -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value; ``colours`` per bar."""
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
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" '
            f'fill="{escape(colours[i] if colours and i < len(colours) else "#1d4ed8")}"></rect>'
            f'<text x="{LABEL_W + w + 4}" y="{y + 13}" font-size="12">{escape(_number(value))}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def date_timeline(items: list[tuple[object, datetime.date]], *, start: datetime.date, days: int, title: str,
                  month_names: list[str] | None = None, limit: int = 12) -> SafeString:
    """Dates on one axis from ``start`` over ``days``: a row per (label, date), a dot where it falls,
    month ticks below (``month_names`` 1-12 for the page's language, else numbers)."""
    shown = sorted(items, key=lambda pair: pair[1])[:limit]
    if not shown:
        return mark_safe("")
    plot = WIDTH - LABEL_W - 30
    scale = plot / max(days, 1)
    height = 10 + len(shown) * (BAR_H + GAP) + 26
    axis_y = height - 22
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{LABEL_W}" x2="{LABEL_W + plot}" y1="{axis_y}" y2="{axis_y}" stroke="#98a2b3"></line>',
    ]
    month = datetime.date(start.year, start.month, 1)
    end = start + datetime.timedelta(days=days)
    while month <= end:
        if month >= start:
            x = LABEL_W + round((month - start).days * scale)
            name = month_names[month.month - 1] if month_names else str(month.month)
            parts.append(f'<line x1="{x}" x2="{x}" y1="6" y2="{axis_y + 4}" stroke="#eaecf0"></line>'
                         f'<text x="{x}" y="{axis_y + 16}" font-size="10" text-anchor="middle">{escape(name)}</text>')
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for i, (label, day) in enumerate(shown):
        y = 10 + i * (BAR_H + GAP)
        offset = min(max((day - start).days, 0), days)
        x = LABEL_W + round(offset * scale)
        soon = (day - start).days <= 90
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end" font-size="12">{_label(label)}</text>'
            f'<line x1="{LABEL_W}" x2="{x}" y1="{y + 9}" y2="{y + 9}" stroke="#d0d5dd" stroke-dasharray="2 3"></line>'
            f'<circle cx="{x}" cy="{y + 9}" r="6" fill="{"#b54708" if soon else "#1d4ed8"}">'
            f'<title>{escape(label)}: {day.isoformat()}</title></circle>'
            # Near the right edge the date goes left of its dot, so it never runs off or under it.
            + (f'<text x="{x + 10}" y="{y + 13}" font-size="11">{day:%m-%d}</text>' if x < WIDTH - 50 else
               f'<text x="{x - 10}" y="{y + 13}" font-size="11" text-anchor="end">{day:%m-%d}</text>')
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
