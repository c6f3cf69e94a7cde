"""Server-rendered SVG charts for the office's pages (no JavaScript, no CDN: issue 17)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from domain.numbers import format_number


@dataclass(frozen=True)
class Bar:
    """One group of the chart: its label and two percentages (0-100)."""

    label: str
    first: Decimal
    second: Decimal


ROW = 40  # pixels per group
LABEL = 130  # pixels for the labels on the left
WIDTH = 420  # narrow: on a 360-pixel phone the text stays readable
COLOURS = ("#1f6feb", "#2da44e")


def rate_bars(bars: Sequence[Bar], legend: tuple[str, str]) -> str:
    """Horizontal bars, two per group (e.g. reported % and on time % per cluster), with their
    values written at the end of each bar; an ``<svg>`` element as text, scaling to its box."""
    height = ROW * len(bars) + 34
    span = WIDTH - LABEL - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(legend[0])}, {escape(legend[1])}" class="chart">'
    ]
    for n, bar in enumerate(bars):
        top = 8 + n * ROW
        parts.append(
            f'<text x="{LABEL - 8}" y="{top + 17}" text-anchor="end">{escape(bar.label)}</text>'
        )
        for k, value in enumerate((bar.first, bar.second)):
            length = float(max(Decimal(0), min(value, Decimal(100)))) / 100 * span
            y = top + k * 13
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="11" fill="{COLOURS[k]}"/>'
            )
            parts.append(
                f'<text x="{LABEL + length + 4:.1f}" y="{y + 10}" class="value">'
                f"{format_number(value, 1)}%</text>"
            )
    legend_y = height - 10
    for k, name in enumerate(legend):
        x = 8 + k * 150
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="11" height="11" fill="{COLOURS[k]}"/>'
        )
        parts.append(f'<text x="{x + 16}" y="{legend_y}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
