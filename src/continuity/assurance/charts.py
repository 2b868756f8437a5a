"""Charts as inline SVG: no JavaScript, no tiles, printable, and each with a table beside it.

Every chart is `role="img"` with a title and a one-sentence description; the table that follows
it in the page carries the numbers, so nothing is only in the picture. Colours follow Making Data
Count: grey for common cause, blue for improvement, orange for concern, purple for neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from continuity.engines.spc.model import Chart

COLOURS = {
    "common_cause": "#768692",
    "special_cause_improvement": "#005eb8",
    "special_cause_concern": "#ed8b00",
    "special_cause_neutral_high": "#7c2855",
    "special_cause_neutral_low": "#7c2855",
}
WIDTH, HEIGHT = 640, 260
# Presentation attributes on the elements themselves (not only CSS classes), so the chart looks
# the same where page styles do not reach inline SVG, as in WeasyPrint's PDF.
STYLE = {
    "grid": 'stroke="#e8edee" stroke-width="1"',
    "limit": 'stroke="#425563" stroke-width="1" stroke-dasharray="5 3"',
    "mean": 'stroke="#212b32" stroke-width="1.5"',
    "target": 'stroke="#007f3b" stroke-width="2" stroke-dasharray="9 4"',
    "series": 'fill="none" stroke="#768692" stroke-width="1.5"',
    "axis": 'font-size="11" fill="#4c6272" font-family="Arial, sans-serif"',
    "bar": 'fill="#005eb8"',
}
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def variation_text(code: str) -> str:
    return {
        "common_cause": _("Common cause variation: no significant change"),
        "improvement_high": _("Special cause improvement: higher than expected"),
        "improvement_low": _("Special cause improvement: lower than expected"),
        "concern_high": _("Special cause concern: higher than expected"),
        "concern_low": _("Special cause concern: lower than expected"),
        "neither_high": _("Special cause variation: higher than expected"),
        "neither_low": _("Special cause variation: lower than expected"),
    }.get(code, code)


def assurance_text(code: str | None) -> str:
    return {
        "consistent_pass": _("Will consistently meet the target"),
        "consistent_fail": _("Will consistently fail the target unless something changes"),
        "inconsistent": _("May meet or miss the target from month to month"),
        None: _("No target set"),
    }[code]


def point_text(point_type: str) -> str:
    return {
        "common_cause": _("Common cause"),
        "special_cause_improvement": _("Improvement"),
        "special_cause_concern": _("Concern"),
        "special_cause_neutral_high": _("Special cause (high)"),
        "special_cause_neutral_low": _("Special cause (low)"),
    }.get(point_type, point_type)


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    n: int

    def x(self, i: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span * i / (self.n - 1) if self.n > 1 else span / 2)

    def y(self, v: float) -> float:
        span = HEIGHT - TOP - BOTTOM
        if self.high == self.low:
            return TOP + span / 2
        return TOP + span * (self.high - v) / (self.high - self.low)


def _line(scale: _Scale, value: float, css: str, label: str) -> str:
    y = scale.y(value)
    return (
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="{css}" '
        f"{STYLE[css]}>"
        f"<title>{escape(label)}</title></line>"
    )


def spc_svg(
    chart: Chart, *, title: str, description: str, labels: Sequence[str], key: str = "spc"
) -> Markup:
    """An XmR chart: the points joined in time order, the mean, the process limits, the target."""
    values = [p.value for p in chart.points]
    lim = chart.limits
    lines = [lim.lower_process_limit, lim.upper_process_limit, lim.mean, *values]
    if chart.target is not None:
        lines.append(chart.target)
    low, high = min(lines), max(lines)
    pad = (high - low) * 0.08 or 1.0
    scale = _Scale(max(0.0, low - pad), high + pad, len(values))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="continuity-chart" aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]
    for tick in _ticks(scale.low, scale.high):
        y = scale.y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid" '
            f'{STYLE["grid"]}/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'class="axis" {STYLE["axis"]}>{tick:g}</text>'
        )
    parts.append(_line(scale, lim.upper_process_limit, "limit", _("Upper process limit")))
    parts.append(_line(scale, lim.lower_process_limit, "limit", _("Lower process limit")))
    parts.append(_line(scale, lim.mean, "mean", _("Mean")))
    if chart.target is not None:
        parts.append(_line(scale, chart.target, "target", _("Target")))
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{scale.x(i):.1f},{scale.y(v):.1f}" for i, v in enumerate(values)
    )
    parts.append(f'<path d="{path}" class="series" {STYLE["series"]}/>')
    for i, point in enumerate(chart.points):
        kind = escape(point_text(point.point_type))
        tip = f"<title>{escape(labels[i])}: {point.value:g} ({kind})</title>"
        parts.append(_marker(point.point_type, scale.x(i), scale.y(point.value), tip))
    step = max(1, -(-len(values) // 7))
    for i in range(0, len(values), step):
        anchor = "end" if i == len(values) - 1 else "start" if i == 0 else "middle"
        parts.append(
            f'<text x="{scale.x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" '
            f'class="axis" {STYLE["axis"]}>{escape(labels[i])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every dynamic part is escaped # nosec B704


def _marker(point_type: str, x: float, y: float, tip: str) -> str:
    """Shape as well as colour: a small circle for common cause, a large ringed circle for
    improvement, a square for concern, a triangle for special cause with no direction."""
    colour = COLOURS.get(point_type, COLOURS["common_cause"])
    if point_type == "special_cause_improvement":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#fff" '
            f'stroke-width="1.5">{tip}</circle>'
        )
    if point_type == "special_cause_concern":
        return (
            f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" fill="{colour}" '
            f'stroke="#fff" stroke-width="1.5">{tip}</rect>'
        )
    if point_type.startswith("special_cause_neutral"):
        return (
            f'<path d="M{x:.1f},{y - 6.5:.1f} L{x + 6:.1f},{y + 4.5:.1f} '
            f'L{x - 6:.1f},{y + 4.5:.1f} Z" fill="{colour}">{tip}</path>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">{tip}</circle>'


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    if span <= 0:
        return [round(low, 1)]
    raw = span / 4
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = max(magnitude, round(raw / magnitude) * magnitude)
    start = (int(low / step) + 1) * step
    out = []
    v = start
    while v < high:
        out.append(round(v, 1))
        v += step
    return out


def funnel_svg(
    stages: Sequence[tuple[str, int | str]], *, title: str, description: str, key: str = "funnel"
) -> Markup:
    """Horizontal bars, one per stage, longest first (counts may be rounded; '*' draws none)."""
    numbers = [c if isinstance(c, int) else 0 for _, c in stages]
    top = max(numbers) or 1
    bar, gap, label_w = 28, 10, 240
    height = len(stages) * (bar + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="continuity-chart" aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(description)}</desc>',
    ]
    for k, ((label, count), n) in enumerate(zip(stages, numbers, strict=True)):
        y = gap + k * (bar + gap)
        w = (WIDTH - label_w - 70) * n / top
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar * 0.65:.1f}" text-anchor="end" class="axis" '
            f"{STYLE['axis']}>{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" class="bar" '
            f"{STYLE['bar']}/>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar * 0.65:.1f}" class="axis" '
            f"{STYLE['axis']}>"
            f"{escape(str(count))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every dynamic part is escaped # nosec B704
