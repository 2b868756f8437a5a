"""XmR limits, the special-cause rules, and the variation and assurance icons, as in
NHSRplotthedots 0.2.2 (R/ptd_spc_standard.R, R/ptd_calculate_point_type.R,
R/ptd_calculate_assurance_type.R, R/geom_ptd_icon.R, R/ptd_add_short_group_warnings.R).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from continuity.engines.spc.model import (
    DIRECTIONS,
    LIMIT,
    LIMIT_CLOSE,
    LIMIT_ONE_SIGMA,
    MIN_FIX_AFTER,
    MIN_POINTS,
    RELIABLE_POINTS,
    RULES,
    SCREEN,
    Assurance,
    Chart,
    ChartPoint,
    Direction,
    Limits,
    Period,
    PointType,
    Series,
    SpcInputError,
    Variation,
)
from continuity.engines.spc.rules import point_type, sign, special_cause_types


def validate(series: Series) -> None:
    """Raise SpcInputError for anything the engine cannot chart, naming the field."""
    points = series.points
    if len(points) < MIN_POINTS:
        raise SpcInputError(
            "points", f"needs at least {MIN_POINTS} points to draw limits (got {len(points)})"
        )
    seen: dict[str, int] = {}
    for i, p in enumerate(points):
        if not isinstance(p.x, str) or not p.x.strip():
            raise SpcInputError(f"points[{i}].x", "must be a non-empty label, like 2026-04")
        if p.x in seen:
            raise SpcInputError(
                f"points[{i}].x",
                f"{p.x!r} is also the label of points[{seen[p.x]}]; each point needs its own",
            )
        seen[p.x] = i
        if not _finite(p.value):
            raise SpcInputError(f"points[{i}].value", "must be a finite number")
    if series.improvement_direction not in DIRECTIONS:
        raise SpcInputError("improvement_direction", "must be increase, decrease or neutral")
    if series.target is not None and not _finite(series.target):
        raise SpcInputError("target", "must be a finite number")
    if not isinstance(series.screen_outliers, bool):
        raise SpcInputError("screen_outliers", "must be true or false")
    fix = series.fix_after_n_points
    if fix is not None and (
        isinstance(fix, bool) or not isinstance(fix, int) or fix < MIN_FIX_AFTER
    ):
        raise SpcInputError(
            "fix_after_n_points", f"must be a whole number of at least {MIN_FIX_AFTER}"
        )
    for i, label in enumerate(series.rebase):
        if label not in seen:
            raise SpcInputError(f"rebase[{i}]", f"{label!r} is not the label of any point")
    starts = _starts(series)
    for a, b in zip(starts, [*starts[1:], len(points)], strict=True):
        if b - a < MIN_POINTS:
            raise SpcInputError(
                "rebase",
                f"each period needs at least {MIN_POINTS} points; the one starting at "
                f"{points[a].x!r} has {b - a}",
            )


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _starts(series: Series) -> list[int]:
    index = {p.x: i for i, p in enumerate(series.points)}
    return sorted({0} | {index[label] for label in series.rebase})


def _limits(mean: float, amr: float) -> Limits:
    return Limits(
        mean=mean,
        mean_moving_range=amr,
        lower_process_limit=mean - (LIMIT * amr),
        upper_process_limit=mean + (LIMIT * amr),
        lower_two_sigma=mean - (LIMIT_CLOSE * amr),
        upper_two_sigma=mean + (LIMIT_CLOSE * amr),
        lower_one_sigma=mean - (LIMIT_ONE_SIGMA * amr),
        upper_one_sigma=mean + (LIMIT_ONE_SIGMA * amr),
    )


def period_limits(
    values: Sequence[float], *, screen_outliers: bool = True, fix_after_n_points: int | None = None
) -> tuple[Limits, list[bool]]:
    """One period's limits, and for each moving range (value i against value i − 1, i ≥ 1)
    whether it went into the mean moving range.

    As the package: the mean and moving ranges use the first `fix_after_n_points` values (all
    of them when None); the mean moving range is their mean; when screening, moving ranges at or
    above 3.267 × that mean are dropped and the mean is taken again, once. A flat period (every
    moving range 0) has a mean moving range of 0 and nothing is screened (the package gives NaN
    limits there)."""
    n = len(values)
    used_n = n if fix_after_n_points is None else min(fix_after_n_points, n)
    if used_n < MIN_POINTS:
        raise SpcInputError("points", f"needs at least {MIN_POINTS} points to draw limits")
    base = values[:used_n]
    mean = math.fsum(base) / used_n
    ranges = [abs(base[i] - base[i - 1]) for i in range(1, used_n)]
    amr = math.fsum(ranges) / len(ranges)
    used = [True] * len(ranges)
    if screen_outliers and amr > 0:
        threshold = SCREEN * amr
        used = [r < threshold for r in ranges]
        amr = math.fsum(r for r, u in zip(ranges, used, strict=True) if u) / sum(used)
    used += [False] * (n - used_n)
    return _limits(mean, amr), used


def _variation(last: PointType, direction: Direction) -> Variation:
    """The variation icon from the last point's type (`ptd_get_icons`). A concern icon points
    the way the measure gets worse, an improvement icon the way it gets better."""
    if last == "special_cause_neutral_high":
        return "neither_high"
    if last == "special_cause_neutral_low":
        return "neither_low"
    if last == "special_cause_concern":
        return "concern_low" if direction == "increase" else "concern_high"
    if last == "special_cause_improvement":
        return "improvement_high" if direction == "increase" else "improvement_low"
    return "common_cause"


def assurance(limits: Limits, target: float | None, direction: Direction) -> Assurance | None:
    """`ptd_calculate_assurance_type` on the latest limits: a target beyond the upper limit is
    a consistent fail when higher is better (pass when lower is better); a target below the
    lower limit the reverse; otherwise inconsistent. None without a target or when neutral."""
    if target is None or direction == "neutral":
        return None
    increasing = direction == "increase"
    if target > limits.upper_process_limit:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < limits.lower_process_limit:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def _short_warning(series: Series, period: Period, many: bool) -> str:
    what = (
        f"The period starting at {series.points[period.start].x} has {period.size} points"
        if many
        else f"The series has {period.size} points"
    )
    return f"{what}: the limits are unreliable with fewer than {RELIABLE_POINTS} points."


def xmr(series: Series) -> Chart:
    """The XmR chart of `series` (validated first; SpcInputError on bad input)."""
    validate(series)
    direction = series.improvement_direction
    starts = _starts(series)
    ends = [*starts[1:], len(series.points)]
    periods: list[Period] = []
    chart_points: list[ChartPoint] = []
    for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
        y = [float(p.value) for p in series.points[start:end]]
        limits, used = period_limits(
            y,
            screen_outliers=series.screen_outliers,
            fix_after_n_points=series.fix_after_n_points,
        )
        periods.append(
            Period(
                start=start,
                size=len(y),
                limits=limits,
                moving_ranges_used=sum(used),
                moving_ranges_excluded=len(used) - sum(used),
            )
        )
        outside = [v > limits.upper_process_limit or v < limits.lower_process_limit for v in y]
        relative = [sign(v - limits.mean) for v in y]
        close = [
            not out and (v < limits.lower_two_sigma or v > limits.upper_two_sigma)
            for v, out in zip(y, outside, strict=True)
        ]
        labels, trend, two, shift = special_cause_types(y, relative, close, outside)
        for i, v in enumerate(y):
            flags = (outside[i], trend[i] != 0, two[i] != 0, shift[i] != 0)
            fired = tuple(rule for rule, flag in zip(RULES, flags, strict=True) if flag)
            chart_points.append(
                ChartPoint(
                    x=series.points[start + i].x,
                    value=v,
                    period=number,
                    moving_range=None if i == 0 else abs(v - y[i - 1]),
                    moving_range_used=False if i == 0 else used[i - 1],
                    relative_to_mean=relative[i],
                    close_to_limits=close[i],
                    rules=fired,
                    special_cause_type=labels[i],
                    point_type=point_type(labels[i], direction),
                )
            )
    warnings = tuple(_short_warning(series, p, len(periods) > 1) for p in periods if p.short)
    return Chart(
        improvement_direction=direction,
        target=series.target,
        periods=tuple(periods),
        points=tuple(chart_points),
        variation=_variation(chart_points[-1].point_type, direction),
        assurance=assurance(periods[-1].limits, series.target, direction),
        warnings=warnings,
    )
