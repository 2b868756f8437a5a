"""The equity funnel: how many women reach each step towards continuity of carer, by group.

Stages, in order: eligible → offered → accepted → placed → receiving (continuity). Each record
is one woman with the furthest stage she reached (a woman who was placed was also eligible,
offered and accepted) and her groups, as (breakdown, group) pairs such as
("ethnicity_coc", "BAME") or ("imd_quintile", "1"). For every (breakdown, group), and for all
women together as ("all", "all"), the funnel gives the count at each stage and each stage's
conversion from the stage before and from eligible, with a Wilson score 95% interval.

Anything shown outside the care team must be rounded: `funnel(records, rounding="msds")` rounds
every count with `continuity.engines.rounding.round_count_msds` first and works out the
proportions and intervals from the rounded counts. See docs/engines/funnel.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from continuity.engines.fields import Fields
from continuity.engines.rounding import Rounding, round_count, round_count_msds

Stage = Literal["eligible", "offered", "accepted", "placed", "receiving"]
STAGES: tuple[Stage, ...] = ("eligible", "offered", "accepted", "placed", "receiving")
ROUNDINGS: tuple[Rounding, ...] = ("msds", "star", "none")
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
ALL = "all"  # breakdown and group of the row that counts every woman


class FunnelInputError(ValueError):
    """Input the funnel cannot count. `path` names the offending field, e.g. records[3].stage."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class FunnelRecord:
    """One woman: the furthest stage she reached and her (breakdown, group) pairs."""

    stage: Stage
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Conversion:
    """numerator ÷ denominator with its Wilson interval, from the counts as shown (rounded
    when the funnel rounds). Under "star" a count of 1–7 shows as "*" and the proportion and
    interval are None; they are None too when the denominator is 0."""

    numerator: int | str
    denominator: int | str
    proportion: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class StageCount:
    """A stage's count; the conversions are None for the first stage (eligible)."""

    stage: Stage
    count: int | str
    from_previous: Conversion | None
    from_eligible: Conversion | None


@dataclass(frozen=True, slots=True)
class FunnelGroup:
    breakdown: str
    group: str
    stages: tuple[StageCount, ...]

    def stage(self, name: Stage) -> StageCount:
        return self.stages[STAGES.index(name)]


@dataclass(frozen=True, slots=True)
class Funnel:
    """Every group's funnel: the ("all", "all") row first, then each breakdown in the order it
    first appears in the records, and its groups in the order they first appear."""

    rounding: Rounding
    z: float
    groups: tuple[FunnelGroup, ...]

    def group(self, breakdown: str, group: str) -> FunnelGroup:
        for g in self.groups:
            if (g.breakdown, g.group) == (breakdown, group):
                return g
        raise KeyError((breakdown, group))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for `successes` out of `n`; None when n is 0.

    centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n), with
    p = successes/n. The bounds are exactly 0 when successes is 0 and exactly 1 when it is n."""
    if isinstance(successes, bool) or isinstance(n, bool):
        raise ValueError("successes and n must be whole numbers")
    if not isinstance(successes, int) or not isinstance(n, int) or n < 0:
        raise ValueError("successes and n must be whole numbers, n at least 0")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({n}), not {successes}")
    if not (math.isfinite(z) and z > 0):
        raise ValueError("z must be a positive number")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    scale = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / scale
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def _conversion(numerator: int, denominator: int, rounding: Rounding, z: float) -> Conversion:
    shown_num, shown_den = round_count(numerator, rounding), round_count(denominator, rounding)
    if rounding == "star" and (1 <= numerator <= 7 or 1 <= denominator <= 7):
        return Conversion(shown_num, shown_den, None, None, None)
    if rounding == "none":
        num, den = numerator, denominator
    else:
        num, den = round_count_msds(numerator), round_count_msds(denominator)
    interval = wilson(min(num, den), den, z)  # a proportion above 1 is capped at 1
    if interval is None:
        return Conversion(shown_num, shown_den, None, None, None)
    return Conversion(shown_num, shown_den, min(num, den) / den, interval[0], interval[1])


def _validate(records: Sequence[FunnelRecord], rounding: str, z: float) -> None:
    if rounding not in ROUNDINGS:
        raise FunnelInputError("rounding", "must be msds, star or none")
    if not (isinstance(z, int | float) and math.isfinite(z) and z > 0):
        raise FunnelInputError("z", "must be a positive number")
    for i, record in enumerate(records):
        if record.stage not in STAGES:
            raise FunnelInputError(f"records[{i}].stage", "must be one of " + ", ".join(STAGES))
        seen: set[str] = set()
        for j, pair in enumerate(record.groups):
            path = f"records[{i}].groups[{j}]"
            if (
                not isinstance(pair, tuple)
                or len(pair) != 2
                or not all(isinstance(s, str) and s.strip() for s in pair)
            ):
                raise FunnelInputError(path, "must be a (breakdown, group) pair of labels")
            breakdown = pair[0]
            if breakdown == ALL:
                raise FunnelInputError(path, f"{ALL!r} is kept for the row of all women")
            if breakdown in seen:
                raise FunnelInputError(path, f"{breakdown!r} appears twice for one woman")
            seen.add(breakdown)


def funnel(
    records: Iterable[FunnelRecord], rounding: Rounding = "none", *, z: float = Z95
) -> Funnel:
    """Count the funnel for all women and for each (breakdown, group)."""
    records = tuple(records)
    _validate(records, rounding, z)
    reached: dict[tuple[str, str], list[int]] = {(ALL, ALL): [0] * len(STAGES)}
    for record in records:
        depth = STAGES.index(record.stage) + 1
        for key in ((ALL, ALL), *record.groups):
            counts = reached.setdefault(key, [0] * len(STAGES))
            for k in range(depth):
                counts[k] += 1
    order = {b: i for i, b in enumerate(dict.fromkeys(b for b, _ in reached))}
    keys = sorted(reached, key=lambda key: order[key[0]])  # stable: groups keep their order
    groups = []
    for breakdown, group in keys:
        counts = reached[(breakdown, group)]
        stages = [StageCount(STAGES[0], round_count(counts[0], rounding), None, None)]
        for k in range(1, len(STAGES)):
            stages.append(
                StageCount(
                    STAGES[k],
                    round_count(counts[k], rounding),
                    _conversion(counts[k], counts[k - 1], rounding, z),
                    _conversion(counts[k], counts[0], rounding, z),
                )
            )
        groups.append(FunnelGroup(breakdown, group, tuple(stages)))
    return Funnel(rounding=rounding, z=z, groups=tuple(groups))


# -- the JSON form ---------------------------------------------------------------------------

_fields = Fields(FunnelInputError)


def _unknown_keys(raw: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    extra = sorted(set(raw) - set(allowed))
    if extra:
        raise FunnelInputError(
            f"{path}.{extra[0]}" if path else extra[0], "is not a field this engine reads"
        )


def funnel_from_dict(raw: Any) -> Funnel:
    """Read `{"rounding": ..., "records": [{"stage": ..., "groups": {...}}]}` and count it."""
    raw = _fields.object(raw, "")
    _unknown_keys(raw, ("rounding", "records"), "")
    if "records" not in raw:
        raise FunnelInputError("records", "is required")
    rounding = raw.get("rounding", "none")
    if rounding not in ROUNDINGS:
        raise FunnelInputError("rounding", "must be msds, star or none")
    records = []
    for i, item in enumerate(_fields.list(raw["records"], "records")):
        path = f"records[{i}]"
        item = _fields.object(item, path)
        _unknown_keys(item, ("stage", "groups"), path)
        if "stage" not in item:
            raise FunnelInputError(f"{path}.stage", "is required")
        stage = item["stage"]
        if stage not in STAGES:
            raise FunnelInputError(f"{path}.stage", "must be one of " + ", ".join(STAGES))
        groups = _fields.object(item.get("groups", {}), f"{path}.groups")
        for breakdown, group in groups.items():
            if not isinstance(group, str) or not group.strip():
                raise FunnelInputError(f"{path}.groups.{breakdown}", "must be a non-empty label")
        records.append(FunnelRecord(stage, tuple(groups.items())))
    return funnel(records, rounding)


def funnel_from_json(text: str) -> Funnel:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FunnelInputError(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return funnel_from_dict(raw)


def _conversion_to_dict(c: Conversion | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "numerator": c.numerator,
        "denominator": c.denominator,
        "proportion": c.proportion,
        "low": c.low,
        "high": c.high,
    }


def funnel_to_dict(result: Funnel) -> dict[str, Any]:
    return {
        "rounding": result.rounding,
        "z": result.z,
        "groups": [
            {
                "breakdown": g.breakdown,
                "group": g.group,
                "stages": [
                    {
                        "stage": s.stage,
                        "count": s.count,
                        "from_previous": _conversion_to_dict(s.from_previous),
                        "from_eligible": _conversion_to_dict(s.from_eligible),
                    }
                    for s in g.stages
                ],
            }
            for g in result.groups
        ],
    }
