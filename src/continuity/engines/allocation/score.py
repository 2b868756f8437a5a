"""One scoring of a solution for every solver, and the residual capacity it leaves.

A solution maps each woman (by index in the Instance) to (named, buddy) midwife indices; buddy is
None only for a woman whose pinned named midwife has no buddy available. Women not in the map are
unplaced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from continuity.engines.allocation.instance import HalfKey, Instance, MonthKey, NamedOption
from continuity.engines.allocation.model import Objective

Solution = dict[int, tuple[int, int | None]]


@dataclass(frozen=True, slots=True)
class Usage:
    """Capacity used by the new placements (pinned women do not use named capacity)."""

    half: Counter[tuple[int, HalfKey]]
    month: Counter[tuple[int, MonthKey]]
    total: Counter[int]
    buddy: Counter[tuple[int, MonthKey]]

    def named_room(self, inst: Instance, w: int, m: int) -> str | None:
        """None if midwife m could still take woman w as named midwife; else what is full."""
        if inst.half_cap.get((m, inst.half[w]), 0) - self.half[(m, inst.half[w])] <= 0:
            return "no_capacity_fortnight"
        if inst.month_cap.get((m, inst.month[w]), 0) - self.month[(m, inst.month[w])] <= 0:
            return "no_capacity_due_month"
        if inst.total_cap.get(m, 0) - self.total[m] <= 0:
            return "caseload_full"
        return None

    def buddy_room(self, inst: Instance, w: int, b: int) -> bool:
        return inst.buddy_cap.get((b, inst.month[w]), 0) - self.buddy[(b, inst.month[w])] > 0


def usage(inst: Instance, solution: Solution) -> Usage:
    half: Counter[tuple[int, HalfKey]] = Counter()
    month: Counter[tuple[int, MonthKey]] = Counter()
    total: Counter[int] = Counter()
    buddy: Counter[tuple[int, MonthKey]] = Counter()
    for w, (named, bud) in solution.items():
        if inst.pinned[w] is None:
            half[(named, inst.half[w])] += 1
            month[(named, inst.month[w])] += 1
            total[named] += 1
        if bud is not None:
            buddy[(bud, inst.month[w])] += 1
    return Usage(half, month, total, buddy)


def option_for(inst: Instance, w: int, named: int) -> NamedOption:
    for o in inst.options[w]:
        if o.midwife == named:
            return o
    raise KeyError(f"midwife {named} is not an option for woman {w}")


def violations(inst: Instance, solution: Solution) -> list[str]:
    """Every broken rule in a solution (empty for a feasible one). Used by tests and benchmarks."""
    used = usage(inst, solution)
    out: list[str] = []
    for (m, hk), n in used.half.items():
        if n > inst.half_cap.get((m, hk), 0):
            out.append(f"midwife {inst.midwives[m].id} over half-month capacity in {hk}")
    for (m, mo), n in used.month.items():
        if n > inst.month_cap.get((m, mo), 0):
            out.append(f"midwife {inst.midwives[m].id} over capacity in due month {mo}")
    for m, n in used.total.items():
        if n > inst.total_cap.get(m, 0):
            out.append(f"midwife {inst.midwives[m].id} over caseload")
    for (b, mo), n in used.buddy.items():
        if n > inst.buddy_cap.get((b, mo), 0):
            out.append(f"midwife {inst.midwives[b].id} over buddy limit in {mo}")
    for w, (named, bud) in solution.items():
        if named == bud:
            out.append(f"woman {inst.women[w].id}: named midwife is also the buddy")
        if all(o.midwife != named for o in inst.options[w]):
            out.append(f"woman {inst.women[w].id}: named midwife is not eligible")
        if bud is not None and (
            not inst.buddy_allowed(named, bud) or all(b.midwife != bud for b in inst.buddies[w])
        ):
            out.append(f"woman {inst.women[w].id}: buddy is not eligible")
        if bud is None and inst.pinned[w] is None:
            out.append(f"woman {inst.women[w].id}: placed without a buddy")
    return out


def evaluate(inst: Instance, solution: Solution) -> Objective:
    travel = language = previous = buddy = 0.0
    unplaced_priority = unplaced_other = 0.0
    buddy_by_month: Counter[tuple[int, MonthKey]] = Counter()
    for w in range(len(inst.women)):
        chosen = solution.get(w)
        if chosen is None:
            if inst.priority[w]:
                unplaced_priority += inst.penalty[w]
            else:
                unplaced_other += inst.penalty[w]
            continue
        named, bud = chosen
        o = option_for(inst, w, named)
        travel += o.travel
        language += o.language
        previous += o.previous
        if bud is not None:
            opt = next(b for b in inst.buddies[w] if b.midwife == bud)
            buddy += inst.buddy_cost(w, named, opt)
            buddy_by_month[(bud, inst.month[w])] += 1
        else:  # a pinned woman with no buddy free costs what leaving her unplaced would
            buddy += inst.penalty[w]
    over = inst.problem.policy.weight_buddy_over_share
    for key, n in buddy_by_month.items():
        buddy += over * max(0, n - inst.buddy_share.get(key, 0))
    total = travel + language + previous + buddy + unplaced_priority + unplaced_other
    return Objective(
        total=round(total, 4),
        travel=round(travel, 4),
        language=round(language, 4),
        previous_midwife=round(previous, 4),
        buddy=round(buddy, 4),
        unplaced_priority=round(unplaced_priority, 4),
        unplaced_other=round(unplaced_other, 4),
    )
