"""Routing: a community midwifery team's week of home visits, continuity first.

    plan = solve(problem)              # ours: PyVRP with a routing profile per midwife
    plan = solve_greedy(problem)       # the baseline: named midwife, then buddy, then team
    plan = evaluate(problem, routes)   # score any routes the same way ({shift: [visit id, ...]})
    broken = violations(problem, plan) # every hard rule a plan breaks ([] for a good plan)

The JSON form is in `io.py` and docs/engines/routing.md; the CLI is `continuity plan-visits`.
"""

from __future__ import annotations

from continuity.engines.routing.cli import METHODS
from continuity.engines.routing.greedy import solve_greedy
from continuity.engines.routing.io import (
    check,
    plan_to_dict,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
)
from continuity.engines.routing.model import (
    Location,
    Midwife,
    Pin,
    Plan,
    Planned,
    Policy,
    Problem,
    RoutingInputError,
    Shift,
    Unplanned,
    Visit,
    Window,
)
from continuity.engines.routing.score import (
    OBJECTIVE_KEYS,
    Assignment,
    evaluate,
    unsocial_minutes,
    violations,
)
from continuity.engines.routing.solve import solve

__all__ = [
    "METHODS",
    "OBJECTIVE_KEYS",
    "Assignment",
    "Location",
    "Midwife",
    "Pin",
    "Plan",
    "Planned",
    "Policy",
    "Problem",
    "RoutingInputError",
    "Shift",
    "Unplanned",
    "Visit",
    "Window",
    "check",
    "evaluate",
    "plan_to_dict",
    "problem_from_dict",
    "problem_from_json",
    "problem_to_dict",
    "solve",
    "solve_greedy",
    "unsocial_minutes",
    "violations",
]
