"""Planning charts as small inline SVG (ADR 0024): each has a title, a description, a tooltip on
every mark, and the same numbers in a table on the page. Nothing is told by colour alone: every
segment and bar carries its label or value in text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
AXIS = 'font-size="12" fill="#212b32" font-family="Arial, sans-serif"'
SMALL = 'font-size="11" fill="#4c6272" font-family="Arial, sans-serif"'
# Each at least 3:1 against white, and segments are separated by white gaps.
SEGMENT_COLOURS = ("#003087", "#005eb8", "#4c6272", "#7c2855")
SEGMENT_TEXT = "#ffffff"


@dataclass(frozen=True)
class Bar:
    label: str
    parts: Sequence[tuple[str, float]]  # (part label, percent)


def _open(key: str, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="continuity-chart" aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]


def stacked_bars(bars: Sequence[Bar], *, key: str, title: str, description: str) -> Markup:
    """One 100% bar per scenario, its name above it, split into its parts, with a key on top."""
    left, bar_h, label_h, gap, top = 4, 30, 20, 14, 34
    height = top + len(bars) * (label_h + bar_h + gap) + 4
    span = WIDTH - left - 10
    parts = _open(key, height, title, description)
    names = [name for name, _v in bars[0].parts] if bars else []
    x = left
    for k, name in enumerate(names):  # the key
        colour = SEGMENT_COLOURS[k % len(SEGMENT_COLOURS)]
        parts.append(
            f'<rect x="{x}" y="6" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 19}" y="18" {SMALL}>{escape(name)}</text>'
        )
        x += 20 + 7 * len(name) + 18
    for row, bar in enumerate(bars):
        y = top + row * (label_h + bar_h + gap)
        parts.append(f'<text x="{left}" y="{y + 14}" {AXIS}>{escape(bar.label)}</text>')
        y += label_h
        x0 = float(left)
        for k, (name, value) in enumerate(bar.parts):
            w = span * max(0.0, value) / 100.0
            colour = SEGMENT_COLOURS[k % len(SEGMENT_COLOURS)]
            tip = escape(f"{bar.label}: {name} {value:.1f}%")
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{max(0.0, w - 2):.1f}" height="{bar_h}" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
            if w >= 44:
                parts.append(
                    f'<text x="{x0 + 5:.1f}" y="{y + bar_h * 0.65:.1f}" fill="{SEGMENT_TEXT}" '
                    f'font-size="12" font-family="Arial, sans-serif">{value:.0f}%</text>'
                )
            x0 += w
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every dynamic part is escaped # nosec B704


def nice_step(raw: float) -> float:
    """A tick step of 1, 2, 2.5 or 5 times a power of ten, at least `raw`."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    low: float | None
    high: float | None
    meets: bool


def solve_chart(
    points: Sequence[Point],
    *,
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    target: float | None,
) -> Markup:
    """The metric at each value tried, with its 95% interval and the target as a dashed line.
    A value that meets every target is a filled circle; one that does not, a hollow square."""
    left, right, top, bottom = 56, 16, 16, 46
    height = 280
    xs = [p.x for p in points] or [0.0, 1.0]
    ys = [v for p in points for v in (p.y, p.low, p.high) if v is not None]
    if target is not None:
        ys.append(target)
    x_lo, x_hi = min(xs), max(xs)
    if x_hi == x_lo:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    y_lo = min([*ys, 0.0])
    step = nice_step((max([*ys, 1.0]) - y_lo) / 4)
    y_hi = math.ceil(max([*ys, 1.0]) * 1.04 / step) * step
    if max(ys, default=0.0) <= 100 < y_hi:  # a percentage never needs more than 100
        y_hi = 100.0

    def sx(v: float) -> float:
        return left + (v - x_lo) / (x_hi - x_lo) * (WIDTH - left - right)

    def sy(v: float) -> float:
        return top + (1 - (v - y_lo) / (y_hi - y_lo)) * (height - top - bottom)

    parts = _open(key, height, title, description)
    base = height - bottom
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="#4c6272"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#4c6272"/>'
        f'<text x="{(left + WIDTH - right) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        f"{SMALL}>{escape(x_label)}</text>"
        f'<text x="12" y="{(top + base) / 2:.1f}" text-anchor="middle" {SMALL} '
        f'transform="rotate(-90 12 {(top + base) / 2:.1f})">{escape(y_label)}</text>'
    )
    ticks = [y_lo + step * k for k in range(int((y_hi - y_lo) / step + 1e-9) + 1)]
    for v in ticks:
        parts.append(
            f'<line x1="{left}" y1="{sy(v):.1f}" x2="{WIDTH - right}" y2="{sy(v):.1f}" '
            f'stroke="#e8edee"/><text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" '
            f"{SMALL}>{v:g}</text>"
        )
    for p in points:
        parts.append(
            f'<text x="{sx(p.x):.1f}" y="{base + 16}" text-anchor="middle" {SMALL}>{p.x:g}</text>'
        )
    if target is not None:
        parts.append(
            f'<line x1="{left}" y1="{sy(target):.1f}" x2="{WIDTH - right}" y2="{sy(target):.1f}" '
            f'stroke="#007f3b" stroke-width="2" stroke-dasharray="9 4"/>'
            f'<text x="{WIDTH - right - 4}" y="{sy(target) - 6:.1f}" text-anchor="end" '
            f'font-size="11" fill="#007f3b" font-family="Arial, sans-serif">'
            f"{escape(f'{target:g}')}</text>"
        )
    for p in points:
        x, y = sx(p.x), sy(p.y)
        if p.low is not None and p.high is not None:
            parts.append(
                f'<line x1="{x:.1f}" y1="{sy(p.low):.1f}" x2="{x:.1f}" y2="{sy(p.high):.1f}" '
                f'stroke="#4c6272"/>'
            )
        tip = escape(f"{x_label} {p.x:g}: {p.y:.1f}")
        if p.meets:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="#005eb8">'
                f"<title>{tip}</title></circle>"
            )
        else:
            parts.append(
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#ffffff" '
                f'stroke="#7c2855" stroke-width="2"><title>{tip}</title></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every dynamic part is escaped # nosec B704
