"""The allocation solver: two exact min-cost flows (OR-Tools).

Stage 1 chooses named midwives. Each woman is a unit of flow that goes either to one of her
options or straight to the sink at her "unplaced" cost. An option's arc enters the midwife's
half-month node, which drains into her month node, then into the midwife node, then the sink; the
capacities on those arcs are the fortnight, month and horizon/caseload limits. Because half-months
nest in months, the capacities form a tree and the flow is an exact optimum of the named problem.
An option's cost includes the cheapest buddy that choice could have (its "buddy floor"), so the
stage-1 optimum is a lower bound on the whole problem: it is the LP optimum of a relaxation that
drops buddy capacity (network LPs have integral optima).

Stage 2 chooses buddies for the placed women, with buddy capacity per month and a balance cost
above each buddy's own monthly share. What stage 2 pays above the buddy floors is the whole of
the gap between the plan and the bound, and the plan reports it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from continuity.engines.allocation.instance import HalfKey, Instance, MonthKey
from continuity.engines.allocation.score import Solution, usage

SCALE = 1000  # costs to integers: thousandths of a minute


def _int(cost: float) -> int:
    return round(cost * SCALE)


def _solve(
    tails: list[int], heads: list[int], caps: list[int], costs: list[int], supplies: list[int]
) -> tuple[min_cost_flow.SimpleMinCostFlow, int]:
    flow = min_cost_flow.SimpleMinCostFlow()
    if tails:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.asarray(tails, dtype=np.int32),
            np.asarray(heads, dtype=np.int32),
            np.asarray(caps, dtype=np.int64),
            np.asarray(costs, dtype=np.int64),
        )
    flow.set_nodes_supplies(
        np.arange(len(supplies), dtype=np.int32), np.asarray(supplies, dtype=np.int64)
    )
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: every unit has an arc straight to the sink
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return flow, len(tails)


def named_stage(
    inst: Instance, banned: frozenset[tuple[int, int]] = frozenset()
) -> tuple[dict[int, int], float]:
    """Named midwife for each woman who can be placed, and the lower bound (objective units).

    `banned` (woman, midwife) pairs are left out: choices an earlier round found no buddy for.
    The bound is only valid with nothing banned.
    """
    free = [w for w in range(len(inst.women)) if inst.pinned[w] is None]
    n_women = len(free)
    node_of_woman = {w: k for k, w in enumerate(free)}
    nodes = n_women
    half_node: dict[tuple[int, HalfKey], int] = {}
    month_node: dict[tuple[int, MonthKey], int] = {}
    mid_node: dict[int, int] = {}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    option_arcs: list[tuple[int, int]] = []  # (woman, midwife) per option arc, in arc order

    def node(table: dict[Any, int], key: Any) -> int:
        nonlocal nodes
        found = table.get(key)
        if found is None:
            found = table[key] = nodes
            nodes += 1
        return found

    for w in free:
        for o in inst.options[w]:
            m = o.midwife
            hkey = (m, inst.half[w])
            if (w, m) in banned:
                continue
            if inst.half_cap.get(hkey, 0) <= 0 or inst.month_cap.get((m, inst.month[w]), 0) <= 0:
                continue
            if inst.total_cap.get(m, 0) <= 0:
                continue
            tails.append(node_of_woman[w])
            heads.append(node(half_node, hkey))
            caps.append(1)
            costs.append(_int(o.folded_cost))
            option_arcs.append((w, m))
    n_option_arcs = len(tails)
    for (m, hk), hn in list(half_node.items()):
        tails.append(hn)
        heads.append(node(month_node, (m, (hk[0], hk[1]))))
        caps.append(inst.half_cap[(m, hk)])
        costs.append(0)
    for (m, mo), mn in list(month_node.items()):
        tails.append(mn)
        heads.append(node(mid_node, m))
        caps.append(inst.month_cap[(m, mo)])
        costs.append(0)
    sink = nodes
    nodes += 1
    for m, xn in mid_node.items():
        tails.append(xn)
        heads.append(sink)
        caps.append(inst.total_cap[m])
        costs.append(0)
    for w in free:  # unplaced
        tails.append(node_of_woman[w])
        heads.append(sink)
        caps.append(1)
        costs.append(_int(inst.penalty[w]))
    supplies = [1] * n_women + [0] * (nodes - n_women)
    supplies[sink] = -n_women
    flow, _ = _solve(tails, heads, caps, costs, supplies)

    chosen: dict[int, int] = {}
    flows = flow.flows(np.arange(n_option_arcs, dtype=np.int32)) if n_option_arcs else []
    for arc, f in enumerate(flows):
        if f > 0:
            w, m = option_arcs[arc]
            chosen[w] = m
    # Each woman's unit crosses exactly one costed arc, rounded by at most half a unit.
    bound = (flow.optimal_cost() - 0.5 * n_women) / SCALE
    # Pinned women's fixed costs are in every plan, at their floor at best.
    for w in range(len(inst.women)):
        if inst.pinned[w] is not None and inst.options[w]:
            bound += inst.options[w][0].folded_cost
    return chosen, bound


def buddy_stage(inst: Instance, named: dict[int, int]) -> dict[int, int]:
    """A buddy for each placed woman; women missing from the answer have no buddy available."""
    policy = inst.problem.policy
    women = sorted(named)
    n = len(women)
    nodes = n
    cell: dict[tuple[int, MonthKey], int] = {}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    arcs: list[tuple[int, int]] = []
    for k, w in enumerate(women):
        m = named[w]
        for option in inst.buddies[w]:
            if not inst.buddy_allowed(m, option.midwife):
                continue
            key = (option.midwife, inst.month[w])
            if inst.buddy_cap.get(key, 0) <= 0:
                continue
            target = cell.get(key)
            if target is None:
                target = cell[key] = nodes
                nodes += 1
            tails.append(k)
            heads.append(target)
            caps.append(1)
            costs.append(_int(inst.buddy_cost(w, m, option)))
            arcs.append((w, option.midwife))
    n_arcs = len(tails)
    sink = nodes
    nodes += 1
    over = _int(policy.weight_buddy_over_share)
    for key, target in cell.items():
        cap = inst.buddy_cap[key]
        share = min(cap, inst.buddy_share.get(key, 0))
        if share > 0:
            tails.append(target)
            heads.append(sink)
            caps.append(share)
            costs.append(0)
        if cap - share > 0:
            tails.append(target)
            heads.append(sink)
            caps.append(cap - share)
            costs.append(over)
    for k, w in enumerate(women):
        tails.append(k)
        heads.append(sink)
        caps.append(1)
        # No buddy: as the scoring prices it. A pinned woman pays her unplaced cost; anyone else
        # becomes unplaced (her named cost is saved) unless `solve` can move her.
        if inst.pinned[w] is not None:
            costs.append(_int(inst.penalty[w]))
        else:
            named_cost = next(o.named_cost for o in inst.options[w] if o.midwife == named[w])
            costs.append(_int(max(0.0, inst.penalty[w] - named_cost)))
    supplies = [1] * n + [0] * (nodes - n)
    supplies[sink] = -n
    flow, _ = _solve(tails, heads, caps, costs, supplies)
    out: dict[int, int] = {}
    flows = flow.flows(np.arange(n_arcs, dtype=np.int32)) if n_arcs else []
    for arc, f in enumerate(flows):
        if f > 0:
            w, b = arcs[arc]
            out[w] = b
    return out


def _repair(inst: Instance, solution: Solution, orphans: list[int]) -> list[int]:
    """Women whose named choice left no buddy with room: move each, highest priority first, to
    the cheapest option that still has room for her as named and a buddy with room. Returns the
    women who could not be moved."""
    used = usage(inst, solution)
    stuck = []
    for w in sorted(orphans, key=lambda w: (-inst.penalty[w], inst.women[w].edd, w)):
        for o in inst.options[w]:  # cheapest folded cost first
            if used.named_room(inst, w, o.midwife) is not None:
                continue
            buddies = [
                b
                for b in inst.buddies[w]
                if inst.buddy_allowed(o.midwife, b.midwife) and used.buddy_room(inst, w, b.midwife)
            ]
            if not buddies:
                continue
            best = min(buddies, key=lambda b: (inst.buddy_cost(w, o.midwife, b), b.midwife))
            solution[w] = (o.midwife, best.midwife)
            used.half[(o.midwife, inst.half[w])] += 1
            used.month[(o.midwife, inst.month[w])] += 1
            used.total[o.midwife] += 1
            used.buddy[(best.midwife, inst.month[w])] += 1
            break
        else:
            stuck.append(w)
    return stuck


def _assignment_cost(inst: Instance, w: int, named: int, buddy: int) -> float:
    option = next(o for o in inst.options[w] if o.midwife == named)
    bud = next(b for b in inst.buddies[w] if b.midwife == buddy)
    return option.named_cost + inst.buddy_cost(w, named, bud)


def _priority_swaps(inst: Instance, solution: Solution) -> None:
    """An unplaced woman takes the places (named and buddy) of a placed woman with a lower
    unplaced cost whenever that lowers the objective: priority is never lost to buddy limits."""
    by_named: dict[int, list[int]] = {}
    for v, (m, _b) in solution.items():
        if inst.pinned[v] is None:
            by_named.setdefault(m, []).append(v)
    unplaced = [w for w in range(len(inst.women)) if w not in solution and inst.options[w]]
    for w in sorted(unplaced, key=lambda w: (-inst.penalty[w], inst.women[w].edd, w)):
        options = {o.midwife for o in inst.options[w]}
        allowed = {b.midwife for b in inst.buddies[w]}
        best: tuple[float, int] | None = None
        for m in sorted(options & by_named.keys()):
            for v in by_named[m]:
                named, buddy = solution[v]
                if inst.penalty[v] >= inst.penalty[w] or buddy is None or buddy not in allowed:
                    continue
                if not inst.buddy_allowed(named, buddy):
                    continue
                trial = dict(solution)
                del trial[v]
                trial[w] = (named, buddy)
                if usage_ok(inst, trial, w, v):
                    gain = (
                        inst.penalty[w]
                        - inst.penalty[v]
                        + _assignment_cost(inst, v, named, buddy)
                        - _assignment_cost(inst, w, named, buddy)
                    )
                    if gain > 0 and (best is None or gain > best[0]):
                        best = (gain, v)
        if best is not None:
            v = best[1]
            solution[w] = solution.pop(v)
            by_named[solution[w][0]].remove(v)
            by_named[solution[w][0]].append(w)


def usage_ok(inst: Instance, trial: Solution, w: int, v: int) -> bool:
    """Whether swapping v out and w in keeps every capacity (only w's cells can newly overflow)."""
    if inst.half[w] == inst.half[v] and inst.month[w] == inst.month[v]:
        return True
    used = usage(inst, trial)
    named, buddy = trial[w]
    return (
        used.half[(named, inst.half[w])] <= inst.half_cap.get((named, inst.half[w]), 0)
        and used.month[(named, inst.month[w])] <= inst.month_cap.get((named, inst.month[w]), 0)
        and buddy is not None
        and used.buddy[(buddy, inst.month[w])] <= inst.buddy_cap.get((buddy, inst.month[w]), 0)
    )


MAX_ROUNDS = 6


def _reserve_for_pinned(inst: Instance) -> tuple[Instance, Solution]:
    """Women who keep their named midwife (a handover) get their buddies first: the buddy
    capacity they use is taken out before anyone new is placed."""
    pinned = {w: m for w, m in enumerate(inst.pinned) if m is not None}
    if not pinned:
        return inst, {}
    buddies = buddy_stage(inst, pinned)
    cap = dict(inst.buddy_cap)
    share = dict(inst.buddy_share)
    for w, b in buddies.items():
        key = (b, inst.month[w])
        cap[key] -= 1
        share[key] = max(0, share.get(key, 0) - 1)
    rest = replace(inst, buddy_cap=cap, buddy_share=share)
    return rest, {w: (m, buddies.get(w)) for w, m in pinned.items()}


def solve(inst: Instance) -> tuple[Solution, float]:
    """Stage 1 and 2. A woman whose named choice found no buddy with room is moved to another
    option if one has room; if none has, that choice is banned and both stages run again (a few
    rounds). Finally an unplaced woman may swap in for a placed one of lower priority."""
    work, kept = _reserve_for_pinned(inst)
    banned: set[tuple[int, int]] = set()
    bound = 0.0
    solution: Solution = {}
    stuck: list[int] = []
    for round_ in range(MAX_ROUNDS):
        named, round_bound = named_stage(work, frozenset(banned))
        if round_ == 0:
            bound = round_bound
        buddies = buddy_stage(work, named)
        solution = {}
        orphans: list[int] = []
        for w, m in named.items():
            b = buddies.get(w)
            if b is None:
                orphans.append(w)  # no buddy for this choice
                continue
            solution[w] = (m, b)
        stuck = _repair(work, solution, orphans) if orphans else []
        if not stuck:
            break
        banned.update((w, named[w]) for w in stuck)
    if banned:
        _priority_swaps(work, solution)
    solution.update(kept)
    return solution, bound
