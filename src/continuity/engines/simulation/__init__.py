"""Simulation: a service year of intrapartum attendance and on-call load, as a SimPy model run
over seeded replications. See docs/engines/simulation.md for the model and the JSON form."""

from continuity.engines.simulation.io import (
    result_to_dict,
    result_to_json,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
)
from continuity.engines.simulation.model import (
    CATEGORIES,
    METRICS,
    POLICIES,
    Category,
    Policy,
    Result,
    Scenario,
    SimulationInputError,
    Summary,
    YearOutcome,
)
from continuity.engines.simulation.run import run
from continuity.engines.simulation.sim import simulate_year

__all__ = [
    "CATEGORIES",
    "METRICS",
    "POLICIES",
    "Category",
    "Policy",
    "Result",
    "Scenario",
    "SimulationInputError",
    "Summary",
    "YearOutcome",
    "result_to_dict",
    "result_to_json",
    "run",
    "scenario_from_dict",
    "scenario_from_json",
    "scenario_to_dict",
    "simulate_year",
]
