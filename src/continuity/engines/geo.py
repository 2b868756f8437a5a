"""Postcodes and straight-line travel, with no external services."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# UK postcode: outward code (area, district, optional sub-district) and inward code (sector, unit).
_POSTCODE = re.compile(
    r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})$"
)


class PostcodeError(ValueError):
    pass


def normalise_postcode(raw: str) -> str:
    """Upper case 'OUTWARD INWARD'. Raises PostcodeError for anything that is not a UK postcode."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise PostcodeError("Enter a real postcode, like LS1 4AP")
    return f"{match['outward']} {match['inward']}"


def is_postcode(raw: str) -> bool:
    try:
        normalise_postcode(raw)
    except PostcodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float


EARTH_RADIUS_KM = 6371.0088


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class TravelModel:
    """Straight-line distance times circuity at an urban speed."""

    circuity: float = 1.3
    speed_kmh: float = 24.0

    def minutes(self, a: Point, b: Point) -> float:
        return distance_km(a, b) * self.circuity / self.speed_kmh * 60.0
