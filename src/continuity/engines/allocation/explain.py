"""Turn a solution into a Plan a team leader can act on: every placement with its reasons and
its runner-up, every unplaced woman with the reason that bound."""

from __future__ import annotations

from collections import Counter

from continuity.engines.allocation.instance import Instance, month_of
from continuity.engines.allocation.model import Alternative, Placement, Plan, Reason, Unplaced
from continuity.engines.allocation.score import Solution, Usage, evaluate, option_for, usage

# When no midwife at all was an option, the most specific reason wins over "out of reach".
_EXCLUSION_ORDER = (
    "leave_near_edd",
    "leaving_before_care_ends",
    "skills",
    "language",
    "no_buddy",
)


def plan(
    inst: Instance,
    solution: Solution,
    *,
    method: str,
    lower_bound: float | None,
    stats: tuple[tuple[str, float], ...] = (),
) -> Plan:
    used = usage(inst, solution)
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    for w in range(len(inst.women)):
        chosen = solution.get(w)
        if chosen is None:
            unplaced.append(_unplaced(inst, used, w))
        else:
            placements.append(_placement(inst, used, w, chosen[0], chosen[1]))
    return Plan(
        method=method,
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        declined=inst.declined,
        objective=evaluate(inst, solution),
        lower_bound=None if lower_bound is None else round(lower_bound, 4),
        stats=stats,
    )


def _load_in_month(inst: Instance, used: Usage, w: int, m: int) -> tuple[int, int]:
    """Births due in her month for midwife m after this plan, and the month's limit."""
    mw = inst.midwives[m]
    mo = inst.month[w]
    existing = sum(1 for d in mw.named_edds if month_of(d) == mo)
    return existing + used.month[(m, mo)], existing + inst.month_cap.get((m, mo), 0)


def _placement(inst: Instance, used: Usage, w: int, named: int, buddy: int | None) -> Placement:
    woman = inst.women[w]
    o = option_for(inst, w, named)
    reasons: list[Reason] = []
    if inst.pinned[w] is not None:
        reasons.append(Reason("kept_named_midwife"))
    if woman.previous_midwife == inst.midwives[named].id:
        reasons.append(Reason("previous_midwife"))
    if woman.language != "en" and woman.language in inst.midwives[named].languages:
        reasons.append(Reason("speaks_language", woman.language))
    reasons.append(Reason("travel_minutes", round(o.minutes, 1)))
    load, limit = _load_in_month(inst, used, w, named)
    reasons.append(Reason("due_month_load", f"{load}/{limit}"))
    if buddy is not None and inst.partner[named] == buddy:
        reasons.append(Reason("buddy_is_partner"))
    elif buddy is None:
        reasons.append(Reason("no_buddy_available"))
    if inst.priority[w]:
        reasons.append(Reason("priority", ",".join(sorted(set(woman.priority_groups)))))
    runner_up = None
    for alt in inst.options[w]:
        if alt.midwife == named:
            continue
        blocked = used.named_room(inst, w, alt.midwife)
        runner_up = Alternative(
            midwife=inst.midwives[alt.midwife].id,
            extra_cost=round(alt.folded_cost - o.folded_cost, 2),
            why_not=blocked or "higher_cost",
        )
        break
    bud = inst.midwives[buddy] if buddy is not None else None
    cost = o.named_cost
    if buddy is not None:
        opt = next(b for b in inst.buddies[w] if b.midwife == buddy)
        cost += inst.buddy_cost(w, named, opt)
    return Placement(
        woman=woman.id,
        named=inst.midwives[named].id,
        buddy=bud.id if bud is not None else None,
        team=inst.midwives[named].team,
        cost=round(cost, 2),
        reasons=tuple(reasons),
        runner_up=runner_up,
    )


def _unplaced(inst: Instance, used: Usage, w: int) -> Unplaced:
    woman = inst.women[w]
    options = inst.options[w]
    details: list[Reason] = []
    if not options:
        why = inst.excluded[w]
        reason = next((r for r in _EXCLUSION_ORDER if why.get(r)), "no_midwife_in_reach")
        details = [Reason(k, float(v)) for k, v in sorted(why.items()) if v]
        return Unplaced(woman.id, reason, inst.priority[w], tuple(details))
    blocks: Counter[str] = Counter()
    for o in options:
        blocks[used.named_room(inst, w, o.midwife) or "room"] += 1
    details = [Reason(k, float(v)) for k, v in sorted(blocks.items())]
    if blocks["room"]:
        reason = "no_buddy_capacity"
    elif blocks["caseload_full"] == len(options):
        reason = "caseload_full"
    elif blocks["no_capacity_fortnight"] == len(options):
        reason = "no_capacity_fortnight"
    else:
        reason = "no_capacity_due_month"
    return Unplaced(woman.id, reason, inst.priority[w], tuple(details))
