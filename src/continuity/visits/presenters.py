"""A route sketch as SVG: the day's stops joined in order, scaled to fit. No map tiles; the
ordered list of visits beside it is the text alternative."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from continuity.engines.geo import Point

WIDTH, HEIGHT, PAD = 560, 320, 28


@dataclass(frozen=True)
class Sketch:
    points: list[tuple[float, float, str]]  # x, y, label ("" for her base)
    path: str
    width: int = WIDTH
    height: int = HEIGHT


def sketch(base: Point | None, stops: list[Point | None]) -> Sketch | None:
    labelled = [(p, str(n + 1)) for n, p in enumerate(stops) if p is not None]
    every = ([(base, "")] if base is not None else []) + labelled
    if len(labelled) < 1:
        return None
    lat0 = sum(p.lat for p, _ in every) / len(every)
    kx = math.cos(math.radians(lat0))
    xs = [p.lon * kx for p, _ in every]
    ys = [p.lat for p, _ in every]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    scale = min((WIDTH - 2 * PAD), (HEIGHT - 2 * PAD)) / span

    def place(p: Point) -> tuple[float, float]:
        x = PAD + (p.lon * kx - min(xs)) * scale
        y = HEIGHT - PAD - (p.lat - min(ys)) * scale
        return round(x, 1), round(y, 1)

    points = [(*place(p), label) for p, label in every]
    route = points + ([points[0]] if base is not None else [])
    path = "M " + " L ".join(f"{x} {y}" for x, y, _ in route)
    return Sketch(points, path)


def unplanned_text(reason: str) -> str:
    return {
        "window_empty": _("its window has passed or she cannot do any time in it"),
        "no_shift_in_window": _("nobody in the team works in its window"),
        "skills": _("nobody with the skills it needs works then"),
        "pinned_midwife_unavailable": _("the midwife it was agreed with is not working then"),
        "no_time": _("no room left in the shifts that could take it"),
    }.get(reason, reason)
