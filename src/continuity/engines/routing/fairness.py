"""A small repair for fair evening and weekend load, run after the main solve.

PyVRP does not see fairness (it couples every route, which its objective cannot express). When
`policy.unsocial_fairness_cost` is more than 0, this pass moves evening or weekend visits away from
midwives above the team's mean of unsocial minutes, one at a time: the visit is taken out and put
back at the cheapest place in another shift (or at a sociable time in the same midwife's shifts)
when that lowers the whole objective (travel, continuity, preferred times and fairness). It stops
when no move helps or after `2 × visits` moves, so it is deterministic. It never unplans a visit.
"""

from __future__ import annotations

from continuity.engines.routing.instance import Instance, unsocial
from continuity.engines.routing.routes import Insertion, Routes


def service(routes: Routes) -> float:
    """Travel, continuity and preferred-time costs of the routes."""
    inst = routes.inst
    policy = inst.policy
    cost = 0.0
    for shift, stops in enumerate(routes.stops):
        m = inst.shift_midwife[shift]
        cost += policy.travel_cost * routes.travel(shift)
        for x in stops:
            cost += inst.cost[x.visit][m] + inst.piece_cost(x.visit, inst.pieces[x.visit][x.piece])
    return cost


def total(routes: Routes) -> float:
    """The objective of the routes, without the (unchanged) unplanned part."""
    inst = routes.inst
    fair = inst.policy.unsocial_fairness_cost * excess(inst, routes.unsocial_minutes())
    return service(routes) + fair


def excess(inst: Instance, minutes: list[int]) -> float:
    working = [m for m in range(len(minutes)) if inst.shifts_of[m]]
    if not working:
        return 0.0
    mean = sum(minutes[m] for m in working) / len(working)
    return float(sum(max(0.0, minutes[m] - mean) for m in working))


def improve(inst: Instance, routes: Routes) -> int:
    """Move unsocial visits while it lowers the objective. Returns the number of moves made."""
    policy = inst.policy
    if policy.unsocial_fairness_cost <= 0:
        return 0
    visits = inst.problem.visits
    working = [m for m in range(len(inst.problem.midwives)) if inst.shifts_of[m]]
    tried: set[tuple[int, int, int]] = set()  # (visit, to shift, at start) moves that did not help
    moves = 0
    while moves < 2 * len(visits):
        minutes = routes.unsocial_minutes()
        mean = sum(minutes[m] for m in working) / max(1, len(working))
        base_excess = excess(inst, minutes)
        current = total(routes)
        before = service(routes)
        candidates: list[tuple[float, int, int, Insertion]] = []
        for m in sorted(working, key=lambda m: (-minutes[m], m)):
            if minutes[m] <= mean:
                break
            for shift in inst.shifts_of[m]:
                for k, stop in enumerate(routes.stops[shift]):
                    start = routes.earliest(shift)[k]
                    if not unsocial(start, policy):
                        continue
                    dur = visits[stop.visit].duration
                    routes.remove(shift, k)
                    saved = before - service(routes)
                    for target in range(len(inst.problem.shifts)):
                        ins = routes.best_insertion(stop.visit, (target,))
                        if ins is None or (stop.visit, target, ins.start) in tried:
                            continue
                        if target == shift and ins.start == start:
                            continue
                        after = list(minutes)
                        after[m] -= dur
                        if unsocial(ins.start, policy):
                            after[inst.shift_midwife[target]] += dur
                        fair = excess(inst, after) - base_excess
                        estimate = ins.cost - saved + policy.unsocial_fairness_cost * fair
                        if estimate < -1e-9:
                            candidates.append((estimate, shift, k, ins))
                    routes.insert(Insertion(shift, k, stop, start, 0.0, 0.0))
        if not candidates:
            break
        candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3].shift, c[3].position))
        moved = False
        for _, shift, k, ins in candidates[:20]:
            stop = routes.stops[shift][k]
            start = routes.earliest(shift)[k]
            routes.remove(shift, k)
            again = routes.best_insertion(stop.visit, (ins.shift,))
            if again is not None:
                routes.insert(again)
                if total(routes) < current - 1e-9:
                    moves += 1
                    moved = True
                    break
                routes.remove(again.shift, again.position)
            routes.insert(Insertion(shift, k, stop, start, 0.0, 0.0))
            tried.add((stop.visit, ins.shift, ins.start))
        if not moved:
            break
    return moves
