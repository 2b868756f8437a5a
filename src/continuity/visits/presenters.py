"""A route sketch as SVG: the day's stops joined in order, scaled to fit. No map tiles; the
ordered list of visits beside it is the text alternative."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
