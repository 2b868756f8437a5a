"""The special-cause rules, ported one for one from NHSRplotthedots 0.2.2
(R/ptd_calculate_point_type.R). Lists are 0-based; each function keeps the R name without the
`ptd_` prefix so the two can be read side by side. See docs/engines/spc.md for what each rule
flags and the package tests these are held to.
"""

from __future__ import annotations

from collections.abc import Sequence

from continuity.engines.spc.model import COMMON_CAUSE_LABEL, Direction, PointType


def sign(value: float) -> int:
    return (value > 0) - (value < 0)


def seven_point_one_side_mean(relative_to_mean: Sequence[int]) -> list[int]:
    """1 at a point that is the 7th (or later) in a row on the same side of the mean; a point
    on the mean (0) is on no side and breaks the row."""
    v = relative_to_mean
    return [
        int(i >= 6 and v[i] != 0 and all(v[i - k] == v[i] for k in range(1, 7)))
        for i in range(len(v))
    ]


def part_of_seven_trend(ends: Sequence[int]) -> list[int]:
    """1 at every point of a flagged run: the flag is at the run's 7th point, so a point is
    part of a run when it or one of the next 6 points carries a flag (+1 or −1)."""
    n = len(ends)
    return [int(any(abs(ends[j]) == 1 for j in range(i, min(i + 7, n)))) for i in range(n)]


def seven_point_trend(y: Sequence[float]) -> list[int]:
    """+1 (−1) at a point that ends 7 points each strictly above (below) the one before, that
    is 6 rises (falls) in a row. An equal value breaks a trend."""
    n = len(y)
    if n < 7:
        return [0] * n
    out = [0] * 6
    for i in range(6, n):
        steps = [sign(y[i - k] - y[i - k - 1]) for k in range(6)]
        if all(s == 1 for s in steps):
            out.append(1)
        elif all(s == -1 for s in steps):
            out.append(-1)
        else:
            out.append(0)
    return out


def two_in_three(close: Sequence[bool], relative_to_mean: Sequence[int]) -> list[int]:
    """1 at a point in some window of 3 consecutive points (inside the series) in which at
    least 2 points are close to the limits and all 3 are on the same side of the mean."""
    n = len(close)
    out = []
    for i in range(n):
        hit = False
        for start in (i - 2, i - 1, i):
            if start < 0 or start + 2 >= n:
                continue  # the package pads with zeros: such a window never sums to ±3
            window = range(start, start + 3)
            if (
                sum(close[j] for j in window) >= 2
                and abs(sum(relative_to_mean[j] for j in window)) == 3
            ):
                hit = True
                break
        out.append(int(hit))
    return out


def part_of_two_in_three(flags: Sequence[int], close: Sequence[bool]) -> list[int]:
    """Only the points that are themselves close to the limits are flagged, not the third."""
    return [int(f == 1 and bool(c)) for f, c in zip(flags, close, strict=True)]


def special_cause_types(
    y: Sequence[float],
    relative_to_mean: Sequence[int],
    close: Sequence[bool],
    outside: Sequence[bool],
) -> tuple[list[str], list[int], list[int], list[int]]:
    """The package's label for each point, and the three run flags (trend, two in three, shift).

    Precedence: outside the limits, then a trend, then two in three, then a shift. A trend
    point's direction is the step to its right when the next point is in a trend too, else the
    step from its left (so a peak shared by a rise and a fall counts as falling)."""
    n = len(y)
    trend = part_of_seven_trend(seven_point_trend(y))
    two = part_of_two_in_three(two_in_three(close, relative_to_mean), close)
    shift = part_of_seven_trend(seven_point_one_side_mean(relative_to_mean))

    steps = [sign(y[i + 1] - y[i]) for i in range(n - 1)]
    right = [*steps, steps[-1]] if steps else [0]
    left = [0, *steps]
    labels = []
    for i in range(n):
        side = "Above" if relative_to_mean[i] > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if relative_to_mean[i] == 1 else "Below LCL")
        elif trend[i]:
            next_in_trend = i + 1 < n and trend[i + 1] != 0
            step = right[i] if next_in_trend else left[i]
            labels.append(f"7 Point Trend ({'In' if step == 1 else 'De'}creasing)")
        elif two[i]:
            labels.append(f"2 in 3 {side} CL")
        elif shift[i]:
            labels.append(f"7 Points {side} CL")
        else:
            labels.append(COMMON_CAUSE_LABEL)
    return labels, trend, two, shift


def point_type(label: str, direction: Direction) -> PointType:
    """`ptd_point_type`: high (Above/Increasing) or low (Below/Decreasing), oriented by the
    improvement direction; neutral charts get special_cause_neutral_high/low."""
    if "Above" in label or "Increasing" in label:
        v = 1
    elif "Below" in label or "Decreasing" in label:
        v = -1
    else:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if v > 0 else "special_cause_neutral_low"
    v *= 1 if direction == "increase" else -1
    return "special_cause_improvement" if v > 0 else "special_cause_concern"
