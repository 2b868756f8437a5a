"""Simulation: a service year of births, antenatal and postnatal visits, on-call load and working
time, as a SimPy model run over seeded replications; and a search for the smallest workforce that
meets given targets. See docs/engines/simulation.md for the model and the JSON forms."""

from continuity.engines.simulation.io import (
    result_to_dict,
    result_to_json,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
    solution_to_dict,
    solution_to_json,
    solve_request_from_dict,
    solve_request_from_json,
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
from continuity.engines.simulation.solve import (
    VARIES,
    Solution,
    SolveRequest,
    Target,
    Trial,
    Vary,
    solve,
)

__all__ = [
    "CATEGORIES",
    "METRICS",
    "POLICIES",
    "VARIES",
    "Category",
    "Policy",
    "Result",
    "Scenario",
    "SimulationInputError",
    "Solution",
    "SolveRequest",
    "Summary",
    "Target",
    "Trial",
    "Vary",
    "YearOutcome",
    "result_to_dict",
    "result_to_json",
    "run",
    "scenario_from_dict",
    "scenario_from_json",
    "scenario_to_dict",
    "simulate_year",
    "solution_to_dict",
    "solution_to_json",
    "solve",
    "solve_request_from_dict",
    "solve_request_from_json",
]
