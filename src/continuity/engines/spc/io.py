"""The JSON form of the SPC engine's input and answer (see docs/engines/spc.md).

Reading checks types and names the offending field (`points[3].value: must be a number`);
`xmr` then checks what the numbers mean (duplicate labels, too few points, and so on).
"""

from __future__ import annotations

import json
from typing import Any

from continuity.engines.fields import Fields
from continuity.engines.spc.model import (
    DIRECTIONS,
    Chart,
    ChartPoint,
    Limits,
    Observation,
    Period,
    Series,
    SpcInputError,
)

TOP_LEVEL = (
    "points",
    "improvement_direction",
    "target",
    "screen_outliers",
    "fix_after_n_points",
    "rebase",
)
POINT_FIELDS = ("x", "value")

_fields = Fields(SpcInputError)


def _unknown_keys(raw: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    extra = sorted(set(raw) - set(allowed))
    if extra:
        raise SpcInputError(
            f"{path}.{extra[0]}" if path else extra[0], "is not a field this engine reads"
        )


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpcInputError(path, "must be a number")
    return float(value)


def _label(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpcInputError(path, "must be a non-empty label, like 2026-04")
    return value


def series_from_dict(raw: Any) -> Series:
    raw = _fields.object(raw, "")
    _unknown_keys(raw, TOP_LEVEL, "")
    for key in ("points", "improvement_direction"):
        if key not in raw:
            raise SpcInputError(key, "is required")
    points = []
    for i, item in enumerate(_fields.list(raw["points"], "points")):
        path = f"points[{i}]"
        item = _fields.object(item, path)
        _unknown_keys(item, POINT_FIELDS, path)
        for key in POINT_FIELDS:
            if key not in item:
                raise SpcInputError(f"{path}.{key}", "is required")
        points.append(
            Observation(_label(item["x"], f"{path}.x"), _number(item["value"], f"{path}.value"))
        )
    direction = raw["improvement_direction"]
    if direction not in DIRECTIONS:
        raise SpcInputError("improvement_direction", "must be increase, decrease or neutral")
    target = raw.get("target")
    fix = raw.get("fix_after_n_points")
    if fix is not None and (isinstance(fix, bool) or not isinstance(fix, int)):
        raise SpcInputError("fix_after_n_points", "must be a whole number of at least 12")
    rebase = tuple(
        _label(label, f"rebase[{i}]")
        for i, label in enumerate(_fields.list(raw.get("rebase", []), "rebase"))
    )
    return Series(
        points=tuple(points),
        improvement_direction=direction,
        target=None if target is None else _number(target, "target"),
        screen_outliers=_fields.boolean(raw.get("screen_outliers", True), "screen_outliers"),
        fix_after_n_points=fix,
        rebase=rebase,
    )


def series_from_json(text: str) -> Series:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpcInputError(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return series_from_dict(raw)


def limits_to_dict(limits: Limits) -> dict[str, Any]:
    return {
        "mean": limits.mean,
        "mean_moving_range": limits.mean_moving_range,
        "lower_process_limit": limits.lower_process_limit,
        "upper_process_limit": limits.upper_process_limit,
        "lower_two_sigma": limits.lower_two_sigma,
        "upper_two_sigma": limits.upper_two_sigma,
        "lower_one_sigma": limits.lower_one_sigma,
        "upper_one_sigma": limits.upper_one_sigma,
    }


def period_to_dict(period: Period, chart: Chart) -> dict[str, Any]:
    return {
        "start": chart.points[period.start].x,
        "points": period.size,
        "limits": limits_to_dict(period.limits),
        "moving_ranges_used": period.moving_ranges_used,
        "moving_ranges_excluded": period.moving_ranges_excluded,
        "short": period.short,
    }


def point_to_dict(point: ChartPoint) -> dict[str, Any]:
    return {
        "x": point.x,
        "value": point.value,
        "period": point.period,
        "moving_range": point.moving_range,
        "moving_range_used": point.moving_range_used,
        "relative_to_mean": point.relative_to_mean,
        "close_to_limits": point.close_to_limits,
        "rules": list(point.rules),
        "special_cause_type": point.special_cause_type,
        "point_type": point.point_type,
    }


def chart_to_dict(chart: Chart) -> dict[str, Any]:
    return {
        "improvement_direction": chart.improvement_direction,
        "target": chart.target,
        "limits": limits_to_dict(chart.limits),
        "periods": [period_to_dict(p, chart) for p in chart.periods],
        "points": [point_to_dict(p) for p in chart.points],
        "variation": chart.variation,
        "assurance": chart.assurance,
        "warnings": list(chart.warnings),
    }
