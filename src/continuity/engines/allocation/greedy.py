"""The baseline: first fit in priority order, as a team might do it on a whiteboard.

Women are taken highest priority first, then by due date; each gets the cheapest midwife (travel,
language, previous midwife) who still has room in her due half-month, month and caseload, and then
her partner as buddy if the partner has room, else the cheapest colleague who has.
"""

from __future__ import annotations

import random

from continuity.engines.allocation.instance import Instance
from continuity.engines.allocation.score import Solution, Usage, usage


def solve(inst: Instance) -> Solution:
    rng = random.Random(inst.problem.seed)
    jitter = [rng.random() for _ in inst.women]
    order = sorted(
        range(len(inst.women)),
        key=lambda w: (-inst.penalty[w], inst.women[w].edd, jitter[w], inst.women[w].id),
    )
    solution: Solution = {}
    used: Usage = usage(inst, {})
    for w in order:
        pin = inst.pinned[w]
        candidates = sorted(inst.options[w], key=lambda o: (o.named_cost, o.midwife))
        named = None
        for o in candidates:
            if pin is not None or used.named_room(inst, w, o.midwife) is None:
                named = o.midwife
                break
        if named is None:
            continue
        partner = inst.partner[named]
        buddy = None
        by_cost = sorted(inst.buddies[w], key=lambda b: (b.midwife != partner, b.cost, b.midwife))
        for b in by_cost:
            if inst.buddy_allowed(named, b.midwife) and used.buddy_room(inst, w, b.midwife):
                buddy = b.midwife
                break
        if buddy is None and pin is None:
            continue
        solution[w] = (named, buddy)
        if pin is None:
            used.half[(named, inst.half[w])] += 1
            used.month[(named, inst.month[w])] += 1
            used.total[named] += 1
        if buddy is not None:
            used.buddy[(buddy, inst.month[w])] += 1
    return solution
