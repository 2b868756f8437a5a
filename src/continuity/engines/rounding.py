"""Small-number rounding for anything shown outside the care team.

`msds`: 0 → 0; 1–7 → 5; otherwise half up to the nearest 5; a rate is the rounded numerator over
the rounded denominator, as a percentage to one decimal place (half up).
`star`: 1–7 shown as "*", others to the nearest 5. `none`: as counted.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Rounding = Literal["msds", "star", "none"]


def round_count_msds(n: int) -> int:
    if n < 0:
        raise ValueError("counts cannot be negative")
    if n == 0:
        return 0
    if n <= 7:
        return 5
    return int((Decimal(n) / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 5


def round_count(n: int, method: Rounding) -> int | str:
    if method == "none":
        return n
    if method == "star" and 1 <= n <= 7:
        return "*"
    return round_count_msds(n)


def rate(numerator: int, denominator: int, method: Rounding = "msds") -> float | None:
    """Percentage to 1 dp; None when the (rounded) denominator is 0 or suppressed."""
    if method == "none":
        num, den = numerator, denominator
    else:
        if method == "star" and (1 <= numerator <= 7 or 1 <= denominator <= 7):
            return None
        num, den = round_count_msds(numerator), round_count_msds(denominator)
    if den == 0:
        return None
    value = Decimal(num) * 100 / Decimal(den)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
