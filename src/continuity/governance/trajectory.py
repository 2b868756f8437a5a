"""A trajectory: the percentage an aim expects to reach month by month.

Stored as {"YYYY-MM": percent}. Between two months the expected value is on the straight line
joining them; before the first month there is no expectation; after the last it stays at the
last value (the aim, once reached, is to be held). Pure Python: no Django.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_index(month: str) -> int:
    """Months since year 0, so months can be subtracted: "2026-10" → 24_321."""
    found = MONTH.match(month)
    if found is None:
        raise ValueError(f"not a month: {month!r}")
    return int(found.group(1)) * 12 + int(found.group(2)) - 1


def ordered(trajectory: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(((m, float(p)) for m, p in trajectory.items()), key=lambda mp: month_index(mp[0]))


def expected(trajectory: Mapping[str, float], month: str) -> float | None:
    """The percentage the trajectory expects in `month`, to one decimal place."""
    points = ordered(trajectory)
    if not points:
        return None
    at = month_index(month)
    if at < month_index(points[0][0]):
        return None
    for (m0, p0), (m1, p1) in itertools.pairwise(points):
        i0, i1 = month_index(m0), month_index(m1)
        if i0 <= at <= i1:
            return round(p0 + (p1 - p0) * (at - i0) / (i1 - i0), 1)
    return round(points[-1][1], 1)


def start(trajectory: Mapping[str, float]) -> tuple[str, float] | None:
    points = ordered(trajectory)
    return points[0] if points else None


def goal(trajectory: Mapping[str, float]) -> tuple[str, float] | None:
    points = ordered(trajectory)
    return points[-1] if points else None
