"""Charts as inline SVG, drawn on the server from plain values (no script, no library: a
few hundred bytes a chart, readable on a cheap phone). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from bot.core.records import frozen

DONE, OPEN, LATE = "#2e9e5b", "#7aa7d6", "#d9473f"


@frozen
class Bar:
    label: str  # under the bar: the week's last day
    done: int
    open: int
    late: int


def weeks_svg(bars: Sequence[Bar], title: str, legend: tuple[str, str, str]) -> Markup:
    """Stacked bars, one a week: done (bottom), overdue, open. `legend`: the three words."""
    width, height, top, bottom = 320, 150, 8, 34
    tallest = max((b.done + b.open + b.late for b in bars), default=0) or 1
    step = width / max(len(bars), 1)
    scale = (height - top - bottom) / tallest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>'
    ]
    base = height - bottom
    for i, bar in enumerate(bars):
        x = i * step + step * 0.2
        w = step * 0.6
        y = base
        for value, colour in ((bar.done, DONE), (bar.late, LATE), (bar.open, OPEN)):
            if value:
                h = value * scale
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{value}</title></rect>'
                )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{base + 12}" font-size="9" text-anchor="middle" '
            f'fill="currentColor">{escape(bar.label)}</text>'
        )
    x = 4.0
    for word, colour in zip(legend, (DONE, LATE, OPEN), strict=True):
        parts.append(f'<rect x="{x:.0f}" y="{height - 10}" width="8" height="8" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 11:.0f}" y="{height - 3}" font-size="9" fill="currentColor">'
            f"{escape(word)}</text>"
        )
        x += 11 + 6 * len(word) + 12
    parts.append("</svg>")
    return Markup("".join(parts))


# messages, votes, commitments, meetings
KINDS = ("#7aa7d6", "#e0a030", "#2e9e5b", "#9a6fc0")


@frozen
class Row:
    label: str  # left of the bar: a name or a sector
    values: tuple[int, ...]  # one a kind of `KINDS`, stacked left to right


def rows_svg(rows: Sequence[Row], title: str, legend: Sequence[str]) -> Markup:
    """Horizontal stacked bars, one a row, longest scale to the widest; `legend` names the
    kinds (as many as `KINDS`). Labels are cut to 14 characters to fit 320 px."""
    width, label_w, row_h, top = 320, 104, 18, 4
    height = top + row_h * max(len(rows), 1) + 20
    widest = max((sum(r.values) for r in rows), default=0) or 1
    scale = (width - label_w - 30) / widest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>'
    ]
    for i, row in enumerate(rows):
        y = top + i * row_h
        label = row.label if len(row.label) <= 14 else row.label[:13] + "…"
        parts.append(
            f'<text x="{label_w - 4}" y="{y + 12}" font-size="10" text-anchor="end" '
            f'fill="currentColor">{escape(label)}</text>'
        )
        x = float(label_w)
        for value, colour in zip(row.values, KINDS, strict=False):
            if value:
                w = value * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                    f'fill="{colour}"><title>{value}</title></rect>'
                )
                x += w
        parts.append(
            f'<text x="{x + 3:.1f}" y="{y + 12}" font-size="9" fill="currentColor">'
            f"{sum(row.values)}</text>"
        )
    x, y = 4.0, height - 4
    for word, colour in zip(legend, KINDS, strict=False):
        parts.append(f'<rect x="{x:.0f}" y="{y - 8}" width="8" height="8" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 11:.0f}" y="{y}" font-size="9" fill="currentColor">'
            f"{escape(word)}</text>"
        )
        x += 11 + 5.5 * len(word) + 10
    parts.append("</svg>")
    return Markup("".join(parts))
