"""Our solver: the week as one PyVRP problem, continuity priced through a profile per midwife.

The encoding (see docs/engines/routing.md and ADR 0023):

- **Shifts are vehicles.** One vehicle type per shift (one vehicle), leaving its start point no
  earlier than the shift starts and back at its end point by the time it ends, with its capacity.
  A depot per distinct start or end point.
- **Continuity is a distance.** Every midwife has her own routing profile. Its distance from i to
  client j is `travel_cost × travel(i, j)` plus what it costs for *her* to do visit j: 0 as the
  named midwife, the buddy cost as her buddy, the team cost otherwise. A midwife who may not do
  the visit (skills, or it is pinned to someone else) gets a distance far above its prize, so a
  route with it always costs more than leaving it out (and reading the solution back drops it in
  any case). Durations are the travel minutes rounded up (the same schedule rule `evaluate`
  uses).
- **Neighbourhood.** PyVRP's local search only tries to put a visit next to its granular
  neighbours, which it picks by travel and time. A woman's named midwife is usually working
  elsewhere in the patch, so her route seldom holds a near neighbour and the moves that would
  restore continuity are never tried. Each visit's neighbours are therefore its 50 nearest in
  travel and time *plus* the 30 nearest visits of women who share her named midwife or buddy;
  PyVRP's iterated local search then runs unchanged with that neighbourhood.
- **Windows are copies.** Each piece of a visit's windows (split at her preferred times, trimmed
  to the shifts that could reach it) is a client with that one time window. The copies of a visit
  are a mutually exclusive, optional `ClientGroup`, so at most one is visited. Each copy's prize is
  the unplanned cost, less the outside-preferred cost for a copy outside her preferred times: a
  visit left out costs its prize, and a copy outside her preferred times earns less.
- **Integers.** PyVRP works in integers: costs are scaled by 1,000 (thousandths of a minute), time
  is whole minutes. The ceiling on PyVRP's penalties for time warp and excess load is scaled by
  the same 1,000, and they are updated every 100 solutions: with the defaults an unplanned visit's
  prize outweighs any lateness and a large week's search never leaves infeasible solutions. The
  plan is then re-scored from the problem by `score.evaluate`, with the exact
  travel.
- PyVRP starts as it does by default (a random solution improved by a local search; starting from
  the greedy routes measured worse) and searches until `policy.time_limit_seconds` after `solve`
  was called (at least a tenth of it; and at most `policy.max_iterations` iterations), with
  `policy.seed`. If the greedy baseline's plan scores better than the result, the baseline's plan
  is returned, so `solve` is never worse.
- `max_minutes` spans the week, which a vehicle type cannot express: each of her shifts gets a
  share of it in proportion to its length, as a limit on the route's duration (waiting included).
  This is conservative; the greedy baseline applies the weekly limit exactly.
- Fairness is not in PyVRP's objective: `fairness.improve` runs afterwards (when its weight is
  more than 0) and `evaluate` reports it.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import pyvrp
from numpy.typing import NDArray
from pyvrp import (
    Activity,
    ActivityType,
    Model,
    ProblemData,
    RandomNumberGenerator,
    Result,
    Route,
    Solution,
    SolveParams,
)
from pyvrp.constants import MAX_VALUE
from pyvrp.IteratedLocalSearch import IteratedLocalSearch
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import LocalSearch, PerturbationManager
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from continuity.engines.routing import fairness, greedy
from continuity.engines.routing.instance import Instance, build
from continuity.engines.routing.io import check
from continuity.engines.routing.model import Plan, Problem
from continuity.engines.routing.routes import Routes, Stop
from continuity.engines.routing.score import score

COST_SCALE = 1000  # PyVRP distances are whole thousandths of a minute of cost
NEAREST = 50  # neighbours by travel and time, as PyVRP's own granular neighbourhood
SAME_CARERS = 30  # and visits of women who share her named midwife or buddy
PENALTY_UPDATE = 100  # solutions between penalty updates (see `search`)


class Encoding:
    """The PyVRP data for an instance, and how to read its solutions back."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        problem = inst.problem
        policy = problem.policy
        model = Model()
        # Depots: one per distinct shift end point.
        places: list[int] = []  # problem location of each PyVRP location
        depots: dict[int, pyvrp.Depot] = {}
        for loc in sorted({x for s in problem.shifts for x in (s.start_location, s.end_location)}):
            depots[loc] = model.add_depot(self._location(model, loc, f"place {loc}"))
            places.append(loc)
        # Clients: every piece of every visit that can be planned, at one location per visit.
        self.clients: list[Stop] = []
        self.client_of: dict[Stop, int] = {}
        self.visit_place: dict[int, int] = {}  # visit -> PyVRP location index
        loads = any(v.demand for v in problem.visits) or any(
            s.capacity is not None for s in problem.shifts
        )
        for vi, pieces in enumerate(inst.pieces):
            if not pieces:
                continue
            v = problem.visits[vi]
            where = self._location(model, v.location, v.id)
            self.visit_place[vi] = len(places)
            places.append(v.location)
            group = model.add_client_group(required=False) if len(pieces) > 1 else None
            for p, piece in enumerate(pieces):
                prize = policy.unplanned_cost - inst.piece_cost(vi, piece)
                stop = Stop(vi, p)
                self.client_of[stop] = len(self.clients)
                self.clients.append(stop)
                model.add_client(
                    where,
                    delivery=[v.demand] if loads else [],
                    service_duration=v.duration,
                    tw_early=piece.start,
                    tw_late=piece.end,
                    prize=max(0, round(prize * COST_SCALE)),
                    required=False,
                    group=group,
                    name=f"{v.id}#{p}",
                )
        # Profiles: one per midwife who works; vehicle types: one per shift.
        total_demand = sum(v.demand for v in problem.visits)
        self.profile_midwife: list[int] = []
        profiles: dict[int, pyvrp.Profile] = {}
        self.vehicle_shift: list[int] = []
        for si, s in enumerate(problem.shifts):
            m = inst.shift_midwife[si]
            if m not in profiles:
                profiles[m] = model.add_profile(name=s.midwife)
                self.profile_midwife.append(m)
            model.add_vehicle_type(
                num_available=1,
                capacity=[total_demand if s.capacity is None else s.capacity] if loads else [],
                start_depot=depots[s.start_location],
                end_depot=depots[s.end_location],
                tw_early=s.start,
                tw_late=s.end,
                shift_duration=self._shift_duration(si),
                profile=profiles[m],
                name=f"shift {si}",
            )
            self.vehicle_shift.append(si)
        self.places = np.array(places, dtype=np.int64)
        base = model.data()
        distances, durations = self._matrices()
        matrices: dict[str, Any] = {
            "distance_matrices": distances,
            "duration_matrices": durations,
        }
        self.data: ProblemData = base.replace(**matrices)

    def _location(self, model: Model, loc: int, name: str) -> pyvrp.Location:
        spot = self.inst.problem.locations[loc]
        x = spot.lon if spot.lon is not None else spot.x if spot.x is not None else 0.0
        y = spot.lat if spot.lat is not None else spot.y if spot.y is not None else 0.0
        return model.add_location(x=x, y=y, name=name)

    def _shift_duration(self, shift: int) -> int:
        inst = self.inst
        problem = inst.problem
        s = problem.shifts[shift]
        m = inst.shift_midwife[shift]
        budget = problem.midwives[m].max_minutes
        if budget is None:
            return int(np.iinfo(np.int64).max)
        lengths = [problem.shifts[i].end - problem.shifts[i].start for i in inst.shifts_of[m]]
        return min(s.end - s.start, budget * (s.end - s.start) // sum(lengths))

    def _matrices(self) -> tuple[list[NDArray[np.int64]], list[NDArray[np.int64]]]:
        inst = self.inst
        problem = inst.problem
        policy = problem.policy
        idx = np.ix_(self.places, self.places)
        travel = inst.travel[idx] * policy.travel_cost
        minutes = inst.minutes[idx]
        n = len(self.places)
        worst = policy.unplanned_cost + policy.team_cost + policy.outside_preferred_cost + 1
        never_cost = min(100.0 * worst * COST_SCALE, MAX_VALUE / (4.0 * max(1, n)))
        distances: list[NDArray[np.int64]] = []
        durations: list[NDArray[np.int64]] = []
        for m in self.profile_midwife:
            arrive = np.zeros(n, dtype=np.float64)
            banned = np.zeros(n, dtype=bool)
            for vi, place in self.visit_place.items():
                if inst.allowed[vi][m]:
                    arrive[place] = inst.cost[vi][m]
                else:
                    banned[place] = True
            dist = np.rint((travel + arrive[None, :]) * COST_SCALE)
            dist[:, banned] = never_cost
            dur = minutes.copy()
            np.fill_diagonal(dist, 0)
            np.fill_diagonal(dur, 0)
            distances.append(dist.astype(np.int64))
            durations.append(dur.astype(np.int64))
        return distances, durations

    def neighbours(self) -> dict[Activity, list[Activity]]:
        """Nearest in travel and time, plus nearest among visits with the same named midwife or
        buddy (see the module docstring)."""
        inst = self.inst
        problem = inst.problem
        n = len(self.clients)
        visit = np.array([x.visit for x in self.clients], dtype=np.int64)
        pieces = [inst.pieces[x.visit][x.piece] for x in self.clients]
        early = np.array([p.start for p in pieces], dtype=np.float64)
        late = np.array([p.end for p in pieces], dtype=np.float64)
        service = np.array([problem.visits[v].duration for v in visit], dtype=np.float64)
        where = np.array([problem.visits[v].location for v in visit], dtype=np.int64)
        travel = inst.travel[np.ix_(where, where)]
        # u then w: the wait at w if u is served as late as possible, the lateness if as early.
        wait = np.maximum(0.0, early[None, :] - late[:, None] - service[:, None] - travel)
        warp = np.maximum(0.0, early[:, None] + service[:, None] + travel - late[None, :])
        near = travel + 0.2 * wait + warp
        near = np.minimum(near, near.T)
        near[visit[:, None] == visit[None, :]] = np.inf  # itself, and its own other copies
        # Which midwives each copy's woman has as named, buddy or pinned midwife.
        carers = np.zeros((n, len(problem.midwives)), dtype=np.float64)
        for u, v in enumerate(visit.tolist()):
            x = problem.visits[v]
            for mid in (*x.carers[:2], *((x.pin.midwife,) if x.pin is not None else ())):
                carers[u, inst.midwife_index[mid]] = 1.0
        shared = np.where((carers @ carers.T) > 0, near, np.inf)
        nearest = np.argsort(near, axis=1, kind="stable")[:, :NEAREST]
        alike = np.argsort(shared, axis=1, kind="stable")[:, :SAME_CARERS]
        out: dict[Activity, list[Activity]] = {}
        for u in range(n):
            order = [int(w) for w in nearest[u] if near[u, w] < np.inf]
            chosen = set(order)
            order += [int(w) for w in alike[u] if shared[u, w] < np.inf and int(w) not in chosen]
            out[Activity(ActivityType.CLIENT, u)] = [
                Activity(ActivityType.CLIENT, w) for w in order
            ]
        return out

    def solution(self, routes: Routes) -> Solution:
        """Routes as a PyVRP solution, to start `search` from (a warm start)."""
        out = [
            Route(self.data, [self.client_of[x] for x in stops], vehicle)
            for vehicle, stops in enumerate(routes.stops[s] for s in self.vehicle_shift)
            if stops
        ]
        return Solution(self.data, out)

    def routes(self, solution: Solution) -> Routes:
        """A PyVRP solution read back, with anything infeasible dropped (there should be none)."""
        routes = Routes(self.inst)
        for route in solution.routes():
            shift = self.vehicle_shift[route.vehicle_type()]
            stops = [self.clients[a.idx] for a in route.schedule() if a.is_client()]
            routes.set_route(shift, stops)
        routes.shed_over_budget()
        return routes


def stopping(problem: Problem, seconds: float) -> StoppingCriterion:
    runtime = MaxRuntime(seconds)
    if problem.policy.max_iterations is None:
        return runtime
    return MultipleCriteria([runtime, MaxIterations(problem.policy.max_iterations)])


def search(
    enc: Encoding,
    problem: Problem,
    initial: Solution | None = None,
    *,
    deadline: float | None = None,
) -> Result:
    """PyVRP's own iterated local search (as `pyvrp.solve` sets it up), with our neighbourhood.
    Without an initial solution it starts, as PyVRP does, from a random one improved by a local
    search. It stops at `deadline` (a `time.perf_counter()` value; default: the policy's time
    limit from now), but searches for at least a tenth of the time limit."""
    limit = problem.policy.time_limit_seconds
    deadline = time.perf_counter() + limit if deadline is None else deadline
    # Penalties for time warp and excess load. PyVRP's defaults suit distances in time units; ours
    # are thousandths of a minute and an unplanned visit's prize is thousands of minutes. With the
    # default ceiling a prize outweighs any lateness, and on a large week the search stays among
    # infeasible solutions for good. So the ceiling is scaled with the costs, the search starts
    # from PyVRP's usual penalties, and they are updated every PENALTY_UPDATE solutions (PyVRP:
    # 500) so that they adapt within a few seconds even when iterations are slow.
    base = PenaltyParams()
    params = SolveParams(
        penalty=replace(
            base,
            max_penalty=base.max_penalty * COST_SCALE,
            solutions_between_updates=PENALTY_UPDATE,
        )
    )
    initial_penalties = base.midpoint_penalties
    data = enc.data
    rng = RandomNumberGenerator(seed=problem.policy.seed)
    ls = LocalSearch(data, rng, enc.neighbours(), PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            ls.add_operator(op(data))
    penalties = PenaltyManager(initial_penalties(data), params.penalty)
    if initial is None:
        random = Solution.make_random(data, rng)
        initial = ls(random, penalties.max_cost_evaluator(), exhaustive=True)
    ils = IteratedLocalSearch(data, penalties, ls, initial, params.ils)
    seconds = max(0.1 * limit, deadline - time.perf_counter())
    with warnings.catch_warnings():  # an engine prints nothing; the plan says what happened
        warnings.simplefilter("ignore")
        result: Result = ils.run(stopping(problem, seconds), False, False, params.display_interval)
    return result


def solve(problem: Problem) -> Plan:
    """Plan the week: continuity first, inside the windows, then least travel (see the module
    docstring). Raises RoutingInputError for a problem that fails `io.check`."""
    began = time.perf_counter()
    check(problem)
    inst = build(problem)
    baseline = greedy.route(inst)
    if not any(inst.pieces) or not problem.shifts:
        routes = baseline
    else:
        enc = Encoding(inst)
        # Keep back a little of the budget for the repair, fairness and scoring passes that
        # follow the search, so the whole call stays inside the time limit.
        limit = problem.policy.time_limit_seconds
        deadline = began + limit - min(0.5, 0.05 * limit)
        routes = enc.routes(search(enc, problem, deadline=deadline).best)
        # Anything PyVRP left out that still fits goes in, cheapest first (rarely any).
        planned = routes.planned()
        for vi in greedy.order(inst):
            if vi not in planned:
                ins = routes.best_insertion(vi, range(len(problem.shifts)))
                if ins is not None and ins.cost < problem.policy.unplanned_cost:
                    routes.insert(ins)
    fairness.improve(inst, routes)
    plan = score(inst, routes.assignment(), solver="pyvrp", seconds=0.0)
    if routes is not baseline:
        fallback = score(inst, baseline.assignment(), solver="pyvrp", seconds=0.0)
        if fallback.objective["total"] < plan.objective["total"] - 1e-9:
            plan = fallback  # never worse than the baseline
    return replace(plan, seconds=time.perf_counter() - began)
