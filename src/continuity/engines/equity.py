"""Equity groupings: NHS ethnic category codes and deprivation deciles.

Z (not stated: asked and declined) and 99 (not known) are kept distinct throughout.
"""

from __future__ import annotations

import math
from typing import Final

ETHNIC_CATEGORIES: Final[dict[str, str]] = {
    "A": "White - British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean",
    "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian",
    "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian",
    "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi",
    "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean",
    "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background",
    "R": "Other ethnic groups - Chinese",
    "S": "Other ethnic groups - Any other ethnic group",
    "Z": "Not stated",
    "99": "Not known",
}

_BAME: Final = frozenset("DEFHJKLMNP")
_WHITE: Final = frozenset("ABC")
_OTHER: Final = frozenset("GRS")

MISSING_UNKNOWN: Final = "Missing/Unknown"


def coc_group(code: str | None) -> str:
    """NHS Digital's CoC grouping: BAME, White, Other, or Missing/Unknown."""
    if code in _BAME:
        return "BAME"
    if code in _WHITE:
        return "White"
    if code in _OTHER:
        return "Other"
    return MISSING_UNKNOWN


_FINE: Final[dict[str, str]] = {
    **dict.fromkeys("ABC", "White"),
    **dict.fromkeys("DEFG", "Mixed"),
    **dict.fromkeys("HJKL", "Asian"),
    **dict.fromkeys("MNP", "Black"),
    **dict.fromkeys("RS", "Other"),
}


def fine_group(code: str | None) -> str:
    """The finer grouping: White, Mixed, Asian, Black, Other, or Missing/Unknown."""
    if code is None:
        return MISSING_UNKNOWN
    return _FINE.get(code, MISSING_UNKNOWN)


def is_known_code(code: str) -> bool:
    return code in ETHNIC_CATEGORIES


def imd_quintile(decile: int | None) -> int | None:
    """Quintile = ceil(decile / 2); computed with integers, never banker's rounding."""
    if decile is None:
        return None
    if not 1 <= decile <= 10:
        raise ValueError("IMD decile must be between 1 and 10")
    return math.ceil(decile / 2)


def is_core20(decile: int | None) -> bool:
    """Core20: the most deprived 20% of areas (deciles 1 and 2). Unknown is never Core20."""
    return decile is not None and 1 <= decile <= 2


def deprivation_group(decile: int | None) -> str:
    return MISSING_UNKNOWN if decile is None else f"Decile {decile}"
