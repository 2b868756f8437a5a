"""The JSON form of a simulation scenario and its result (see docs/engines/simulation.md).

Reading is strict: unknown fields, wrong types and impossible values raise SimulationInputError
naming the field (`sickness_rate: must be between 0 and 1`), before anything runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, fields
from typing import Any

from continuity.engines.fields import Fields
from continuity.engines.simulation.model import (
    Result,
    Scenario,
    SimulationInputError,
    Summary,
    YearOutcome,
)

_fields = Fields(SimulationInputError)
SCENARIO_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Scenario))
REQUIRED = ("teams", "midwives_per_team", "births_per_year")
WHOLE = ("teams", "midwives_per_team", "births_per_year", "study_days")


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
        elif key == "policy":
            if not isinstance(value, str):
                raise SimulationInputError(key, "must be a string")
            values[key] = value
        elif key in WHOLE:
            values[key] = _whole(value, key)
        else:
            values[key] = _number(value, key)
    return Scenario(**values)


def scenario_from_json(text: str) -> Scenario:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SimulationInputError(
            "", f"the scenario is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    return scenario_from_dict(data)


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
