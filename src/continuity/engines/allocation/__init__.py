"""Allocation: a named midwife and a buddy for every woman, continuity first.

    plan = solve(problem)                 # two exact min-cost flows, with an LP lower bound
    plan = solve(problem, method="greedy")  # the first-fit baseline, scored the same way
    plan = solve(problem, method="mip")     # the whole problem as one MIP on HiGHS (small cases)

The JSON form is in `io.py` and docs/engines/allocation.md; the CLI is `continuity allocate`.
"""

from __future__ import annotations

import math

from continuity.engines.allocation import exact, flow, greedy
from continuity.engines.allocation.explain import plan as _plan
from continuity.engines.allocation.instance import Instance, build
from continuity.engines.allocation.io import check
from continuity.engines.allocation.model import (
    AllocationInputError,
    Alternative,
    Location,
    Midwife,
    Objective,
    Period,
    Placement,
    Plan,
    Policy,
    Problem,
    Reason,
    Unplaced,
    Woman,
)

METHODS = ("flow", "greedy", "mip")

__all__ = [
    "METHODS",
    "AllocationInputError",
    "Alternative",
    "Instance",
    "Location",
    "Midwife",
    "Objective",
    "Period",
    "Placement",
    "Plan",
    "Policy",
    "Problem",
    "Reason",
    "Unplaced",
    "Woman",
    "build",
    "solve",
]


def solve(problem: Problem, method: str = "flow") -> Plan:
    """Place every woman who has not declined, or say why she could not be placed."""
    if method not in METHODS:
        raise AllocationInputError("method", f"must be one of {', '.join(METHODS)}")
    check(problem)
    inst = build(problem)
    if method == "flow":
        solution, bound = flow.solve(inst)
        return _plan(inst, solution, method=method, lower_bound=bound)
    if method == "greedy":
        return _plan(inst, greedy.solve(inst), method=method, lower_bound=None)
    result = exact.solve(inst, time_limit=problem.time_limit_seconds)
    if result.solution is None:
        raise RuntimeError(f"the MIP found no solution ({result.status})")
    return _plan(
        inst,
        result.solution,
        method=method,
        lower_bound=result.bound if math.isfinite(result.bound) else None,
        stats=(
            ("variables", float(result.variables)),
            ("constraints", float(result.constraints)),
            ("optimal", 1.0 if result.status == "optimal" else 0.0),
        ),
    )
