"""The JSON form of a simulation scenario and its result (see docs/engines/simulation.md).

Reading is strict: unknown fields, wrong types and impossible values raise SimulationInputError
naming the field (`sickness_rate: must be between 0 and 1`), before anything runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, fields
from typing import Any, cast

from continuity.engines.fields import Fields
from continuity.engines.simulation.model import (
    Result,
    Scenario,
    SimulationInputError,
    Summary,
    YearOutcome,
)
from continuity.engines.simulation.solve import (
    Solution,
    SolveRequest,
    Target,
    Trial,
    Vary,
    check_targets,
    values_to_try,
)

_fields = Fields(SimulationInputError)
SCENARIO_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Scenario))
REQUIRED = ("teams", "midwives_per_team", "births_per_year")
WHOLE = (
    "teams",
    "midwives_per_team",
    "births_per_year",
    "study_days",
    "max_births_per_month",
    "leave_buffer_days",
    "visit_start_hour",
    "max_visits_per_day",
    "visit_defer_days",
)
FLAGS = ("prioritise", "postnatal_six_weeks", "opt_out_48h")
TEXT = ("policy", "schedule")


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SimulationInputError(path, "must be a number")
    return float(value)


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SimulationInputError(path, "must be a whole number")
    return value


def scenario_from_dict(data: Any) -> Scenario:
    """A checked Scenario from the parsed JSON object; missing optional fields take defaults."""
    data = _fields.object(data, "scenario")
    for key in data:
        if key not in SCENARIO_FIELDS:
            raise SimulationInputError(
                str(key),
                "is not a scenario field (expected one of: " + ", ".join(SCENARIO_FIELDS) + ")",
            )
    for key in REQUIRED:
        if key not in data:
            raise SimulationInputError(key, "is required")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "seasonality":
            factors = _fields.list(value, key)
            if len(factors) != 12:
                raise SimulationInputError(key, "must have 12 numbers, one per month")
            values[key] = tuple(_number(v, f"{key}[{i}]") for i, v in enumerate(factors))
        elif key in TEXT:
            if not isinstance(value, str):
                raise SimulationInputError(key, "must be a string")
            values[key] = value
        elif key in FLAGS:
            values[key] = _fields.boolean(value, key)
        elif key in WHOLE:
            values[key] = _whole(value, key)
        else:
            values[key] = _number(value, key)
    return Scenario(**values)


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SimulationInputError(
            "", f"the {what} is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None


def scenario_from_json(text: str) -> Scenario:
    return scenario_from_dict(_loads(text, "scenario"))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    data = asdict(scenario)
    data["seasonality"] = list(scenario.seasonality)
    return data


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    data = asdict(summary)
    del data["metric"]
    return data


def outcome_to_dict(outcome: YearOutcome) -> dict[str, Any]:
    return asdict(outcome)


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result as JSON-ready data. It does not say how many workers ran it: that never
    changes the answer."""
    return {
        "engine": "simulation",
        "scenario": scenario_to_dict(result.scenario),
        "replications": result.replications,
        "seed": result.seed,
        "seeds": list(result.seeds),
        "confidence": result.confidence,
        "interval_method": result.interval_method,
        "metrics": {s.metric: summary_to_dict(s) for s in result.summaries},
        "runs": [outcome_to_dict(r) for r in result.runs],
    }


def result_to_json(result: Result) -> str:
    return json.dumps(result_to_dict(result), indent=2) + "\n"


# -- solving for a workforce ------------------------------------------------------------------

SOLVE_FIELDS = ("vary", "low", "high", "targets", "step", "conservative")
TARGET_FIELDS = ("metric", "at_least", "at_most")


def _known_keys(data: dict[str, Any], allowed: tuple[str, ...], path: str, what: str) -> None:
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise SimulationInputError(
                where, f"is not a {what} field (expected one of: " + ", ".join(allowed) + ")"
            )


def _target_from_dict(data: Any, path: str) -> Target:
    data = _fields.object(data, path)
    _known_keys(data, TARGET_FIELDS, path, "target")
    if "metric" not in data:
        raise SimulationInputError(f"{path}.metric", "is required")
    if not isinstance(data["metric"], str):
        raise SimulationInputError(f"{path}.metric", "must be a string")
    bounds: dict[str, float | None] = {}
    for key in ("at_least", "at_most"):
        value = data.get(key)
        bounds[key] = None if value is None else _number(value, f"{path}.{key}")
    return Target(data["metric"], bounds["at_least"], bounds["at_most"])


def solve_request_from_dict(data: Any) -> SolveRequest:
    """A checked SolveRequest from the parsed JSON object (docs/engines/simulation.md)."""
    data = _fields.object(data, "solve")
    _known_keys(data, SOLVE_FIELDS, "", "solve")
    for key in ("vary", "low", "high", "targets"):
        if key not in data:
            raise SimulationInputError(key, "is required")
    if not isinstance(data["vary"], str):
        raise SimulationInputError("vary", "must be a string")
    targets = check_targets(
        tuple(
            _target_from_dict(item, f"targets[{i}]")
            for i, item in enumerate(_fields.list(data["targets"], "targets"))
        )
    )
    low, high = _number(data["low"], "low"), _number(data["high"], "high")
    step = None if data.get("step") is None else _number(data["step"], "step")
    values_to_try(data["vary"], low, high, step)  # checks vary, low, high and step
    return SolveRequest(
        vary=cast(Vary, data["vary"]),
        low=low,
        high=high,
        targets=targets,
        step=step,
        conservative=_fields.boolean(data.get("conservative", False), "conservative"),
    )


def solve_request_from_json(text: str) -> SolveRequest:
    return solve_request_from_dict(_loads(text, "solve request"))


def target_to_dict(target: Target) -> dict[str, Any]:
    data: dict[str, Any] = {"metric": target.metric}
    if target.at_least is not None:
        data["at_least"] = target.at_least
    if target.at_most is not None:
        data["at_most"] = target.at_most
    return data


def trial_to_dict(trial: Trial) -> dict[str, Any]:
    return {
        "value": trial.value,
        "meets": trial.meets,
        "misses": list(trial.misses),
        "metrics": {s.metric: summary_to_dict(s) for s in trial.result.summaries},
    }


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    """The solution as JSON-ready data: the answer's full result, and every value tried with
    its means and intervals."""
    first = solution.trials[0].result if solution.trials else None
    return {
        "engine": "simulation",
        "vary": solution.vary,
        "targets": [target_to_dict(t) for t in solution.targets],
        "conservative": solution.conservative,
        "replications": None if first is None else first.replications,
        "seed": None if first is None else first.seed,
        "found": solution.found,
        "value": solution.value,
        "midwives": solution.midwives,
        "total_wte": solution.total_wte,
        "scenario": None if solution.scenario is None else scenario_to_dict(solution.scenario),
        "trials": [trial_to_dict(t) for t in solution.trials],
        "result": None if solution.result is None else result_to_dict(solution.result),
    }


def solution_to_json(solution: Solution) -> str:
    return json.dumps(solution_to_dict(solution), indent=2) + "\n"
