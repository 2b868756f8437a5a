"""Solve for the smallest workforce that reaches given targets, by a search over scenarios.

    targets = [Target("pct_on_pathway", at_least=35), Target("pct_known", at_least=70)]
    solution = solve(base, targets, "teams", low=1, high=40, replications=50, seed=1)

One field of the scenario (`vary`: teams, midwives per team, WTE or caseload per WTE) takes values
in [low, high]: whole numbers, or steps of `step` (default 0.05) for WTE. A value **meets** the
targets when every target holds on the mean over the replications or, with `conservative`, on
the pessimistic end of its 95% interval (the low end for `at_least`, the high end for
`at_most`). Every value is run with the same seeds (common random numbers), so two values differ
by the scenario and not by luck.

The search runs a coarse grid of about seven values across the range, both ends included, then
bisects between the last grid value that fails before the first one that meets, and that one.
Each value is run at most once. The met set need not be an interval in general (more caseload
per midwife puts more women on the pathway but leaves each midwife busier, so fewer births with a
known midwife): the grid finds the first stretch that meets, and the bisection assumes only
that the targets do not flip back and forth between two neighbouring grid values. The answer is
the smallest value found to meet; every value run is returned, so what was reached is visible
even when nothing meets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from continuity.engines.simulation.model import METRICS, Result, Scenario, SimulationInputError
from continuity.engines.simulation.run import check_run_arguments, run

Vary = Literal["teams", "midwives_per_team", "wte", "caseload_per_wte"]
VARIES: tuple[str, ...] = get_args(Vary)
WHOLE_VARIES = ("teams", "midwives_per_team", "caseload_per_wte")
DEFAULT_WTE_STEP = 0.05
GRID_POINTS = 7
MAX_VALUES = 100_000
TOLERANCE = 1e-9  # a mean of 35.0 computed as 34.999999999 still meets "at least 35"


@dataclass(frozen=True, slots=True)
class Target:
    """A threshold on one output's mean: exactly one of `at_least` and `at_most`."""

    metric: str  # one of METRICS
    at_least: float | None = None
    at_most: float | None = None


@dataclass(frozen=True, slots=True)
class Trial:
    """One value tried: the scenario, its result, and whether it meets every target."""

    value: float  # whole-valued for teams, midwives_per_team and caseload_per_wte
    scenario: Scenario
    result: Result
    meets: bool
    misses: tuple[str, ...]  # the metrics of the targets not met, in the targets' order


@dataclass(frozen=True, slots=True)
class Solution:
    vary: str
    targets: tuple[Target, ...]
    found: bool
    value: float | None
    scenario: Scenario | None
    result: Result | None
    trials: tuple[Trial, ...]  # every value run, by value
    midwives: int | None  # teams × midwives_per_team of the answer
    total_wte: float | None  # midwives × wte of the answer
    conservative: bool = False


@dataclass(frozen=True, slots=True)
class SolveRequest:
    """What to solve for, as read from JSON (`io.solve_request_from_dict`); the base scenario,
    replications, seed and workers come separately."""

    vary: Vary
    low: float
    high: float
    targets: tuple[Target, ...]
    step: float | None = None
    conservative: bool = False


def check_targets(targets: Sequence[Target]) -> tuple[Target, ...]:
    """The targets as a tuple, or SimulationInputError naming the first bad one."""
    if isinstance(targets, str | bytes) or not isinstance(targets, Sequence):
        raise SimulationInputError("targets", "must be a list of targets")
    if not targets:
        raise SimulationInputError("targets", "must have at least one target")
    for i, target in enumerate(targets):
        path = f"targets[{i}]"
        if not isinstance(target, Target):
            raise SimulationInputError(path, "must be a target")
        if target.metric not in METRICS:
            raise SimulationInputError(
                f"{path}.metric",
                f"unknown metric {target.metric!r} (expected one of: " + ", ".join(METRICS) + ")",
            )
        if (target.at_least is None) == (target.at_most is None):
            raise SimulationInputError(path, "must have exactly one of at_least and at_most")
        name = "at_least" if target.at_least is not None else "at_most"
        bound = getattr(target, name)
        if (
            isinstance(bound, bool)
            or not isinstance(bound, int | float)
            or not math.isfinite(bound)
        ):
            raise SimulationInputError(f"{path}.{name}", "must be a number")
    return tuple(targets)


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SimulationInputError(path, "must be a number")
    return float(value)


def values_to_try(vary: str, low: float, high: float, step: float | None) -> list[float]:
    """Every value the search may run, smallest first: whole numbers from low to high, or
    low, low + step, ... for WTE (high itself always included)."""
    if vary not in VARIES:
        raise SimulationInputError("vary", "must be one of " + ", ".join(VARIES))
    low, high = _number(low, "low"), _number(high, "high")
    if not low < high:
        raise SimulationInputError("low", "must be below high")
    whole = vary in WHOLE_VARIES
    if whole:
        for name, value in (("low", low), ("high", high)):
            if value != math.floor(value):
                raise SimulationInputError(name, f"must be a whole number for {vary}")
    size = 1.0 if whole else DEFAULT_WTE_STEP
    if step is not None:
        size = _number(step, "step")
        if size <= 0.0 or (whole and size != math.floor(size)):
            kind = "a whole number" if whole else "a number"
            raise SimulationInputError("step", f"must be {kind} more than 0")
    count = math.floor((high - low) / size + 1e-9) + 1
    if count > MAX_VALUES:
        raise SimulationInputError("step", f"gives more than {MAX_VALUES:,} values to try")
    values = [round(low + k * size, 9) for k in range(count)]
    if values[-1] < high - 1e-9:
        values.append(high)
    return values


def _scenario(base: Scenario, vary: str, value: float) -> Scenario:
    if vary == "teams":
        return replace(base, teams=int(value))
    if vary == "midwives_per_team":
        return replace(base, midwives_per_team=int(value))
    if vary == "wte":
        return replace(base, wte=value)
    return replace(base, caseload_per_wte=value)


def _check_ends(base: Scenario, vary: str, values: Sequence[float]) -> None:
    for name, value in (("low", values[0]), ("high", values[-1])):
        try:
            _scenario(base, vary, value)
        except SimulationInputError as exc:
            raise SimulationInputError(name, f"{vary} {exc.message}") from None


def misses(result: Result, targets: Sequence[Target], conservative: bool) -> tuple[str, ...]:
    """The metrics of the targets the result does not meet."""
    missed = []
    for target in targets:
        summary = result.summary(target.metric)
        if target.at_least is not None:
            value = summary.low if conservative and summary.low is not None else summary.mean
            met = value >= target.at_least - TOLERANCE * max(1.0, abs(target.at_least))
        else:
            assert target.at_most is not None
            value = summary.high if conservative and summary.high is not None else summary.mean
            met = value <= target.at_most + TOLERANCE * max(1.0, abs(target.at_most))
        if not met:
            missed.append(target.metric)
    return tuple(missed)


def grid(count: int, points: int = GRID_POINTS) -> list[int]:
    """About `points` indices spread over range(count), both ends included."""
    if count <= points:
        return list(range(count))
    return sorted({math.floor(i * (count - 1) / (points - 1) + 0.5) for i in range(points)})


def solve(
    base: Scenario,
    targets: Sequence[Target],
    vary: Vary,
    *,
    low: float,
    high: float,
    replications: int,
    seed: int,
    workers: int = 1,
    step: float | None = None,
    conservative: bool = False,
) -> Solution:
    """The smallest value of `vary` in [low, high] at which every target holds (module
    docstring). Every input is checked, naming the field, before any scenario is run."""
    checked = check_targets(targets)
    values = values_to_try(vary, low, high, step)
    _check_ends(base, vary, values)
    check_run_arguments(replications, seed, workers)
    if not isinstance(conservative, bool):
        raise SimulationInputError("conservative", "must be true or false")

    tried: dict[int, Trial] = {}

    def meets(index: int) -> bool:
        if index not in tried:
            scenario = _scenario(base, vary, values[index])
            result = run(scenario, replications, seed, workers)
            missed = misses(result, checked, conservative)
            tried[index] = Trial(values[index], scenario, result, not missed, missed)
        return tried[index].meets

    points = grid(len(values))
    met = [meets(index) for index in points]  # the whole grid: it shows what each size reaches
    first = next((k for k, ok in enumerate(met) if ok), None)
    if first is None:
        answer = None
    else:
        hi = points[first]
        if first > 0:
            lo = points[first - 1]  # fails; every grid value below it failed too
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if meets(mid):
                    hi = mid
                else:
                    lo = mid
        answer = tried[hi]
    trials = tuple(tried[index] for index in sorted(tried))
    if answer is None:
        return Solution(vary, checked, False, None, None, None, trials, None, None, conservative)
    midwives = answer.scenario.midwives
    return Solution(
        vary=vary,
        targets=checked,
        found=True,
        value=answer.value,
        scenario=answer.scenario,
        result=answer.result,
        trials=trials,
        midwives=midwives,
        total_wte=round(midwives * answer.scenario.wte, 9),
        conservative=conservative,
    )
