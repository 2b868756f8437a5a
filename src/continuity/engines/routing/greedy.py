"""The baseline: each midwife routes her own women, then buddies, then the team fill the gaps.

This is how a team plans a week on a whiteboard, done carefully:

1. Visits are taken pinned first, then by how soon their last window closes, then by how few
   places they can start in. Each goes to the cheapest feasible place (added travel, plus the
   outside-preferred cost of the piece of window used) in a shift of her **named midwife** (or the
   pinned midwife).
2. Visits left over go to her **buddy** (`carers[1]`), then to her other listed carers in order.
3. Visits still left over go to the cheapest place with **anyone** in the team who may do them.

Time windows, shifts, skills, pins, capacities and `max_minutes` are respected throughout. The
routes are scored by `score.evaluate`, the same as every other solver.
"""

from __future__ import annotations

import time

from continuity.engines.routing.instance import Instance, build
from continuity.engines.routing.io import check
from continuity.engines.routing.model import Plan, Problem
from continuity.engines.routing.routes import Routes
from continuity.engines.routing.score import score


def order(inst: Instance) -> list[int]:
    visits = inst.problem.visits

    def key(i: int) -> tuple[bool, int, int, str]:
        pieces = inst.pieces[i]
        closes = max((p.end for p in pieces), default=0)
        return (visits[i].pin is None, closes, len(pieces), visits[i].id)

    return sorted((i for i in range(len(visits)) if inst.pieces[i]), key=key)


def route(inst: Instance) -> Routes:
    """The greedy routes (also the plan `solve` falls back to if it scores better)."""
    routes = Routes(inst)
    problem = inst.problem
    visits = problem.visits
    left: list[int] = []
    todo = order(inst)
    # 1. Her named midwife (or the pinned one).
    for i in todo:
        v = visits[i]
        first = v.pin.midwife if v.pin is not None else v.carers[0] if v.carers else None
        ins = None
        if first is not None:
            ins = routes.best_insertion(i, inst.shifts_of[inst.midwife_index[first]])
        if ins is None:
            left.append(i)
        else:
            routes.insert(ins)
    # 2. Her buddy, then her other carers in order.
    still: list[int] = []
    for i in left:
        v = visits[i]
        ins = None
        if v.pin is None:
            for carer in v.carers[1:]:
                ins = routes.best_insertion(i, inst.shifts_of[inst.midwife_index[carer]])
                if ins is not None:
                    break
        if ins is None:
            still.append(i)
        else:
            routes.insert(ins)
    # 3. Anyone who may do it.
    everyone = range(len(problem.shifts))
    for i in still:
        ins = routes.best_insertion(i, everyone)
        if ins is not None:
            routes.insert(ins)
    return routes


def solve_greedy(problem: Problem) -> Plan:
    """Plan the week the whiteboard way (see the module docstring)."""
    began = time.perf_counter()
    check(problem)
    inst = build(problem)
    routes = route(inst)
    return score(inst, routes.assignment(), solver="greedy", seconds=time.perf_counter() - began)
