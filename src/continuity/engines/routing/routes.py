"""Routes being built or repaired: one ordered list of stops per shift.

Each stop is a visit and the piece of its windows it starts in. The schedule is the earliest one:
each visit starts as soon as she can get there, but not before its piece opens. The latest start
of every stop (given the stops after it and the end of the shift) is kept too, so checking whether
a visit fits between two stops takes constant time. The greedy baseline inserts with these; the
PyVRP solver reads its solution into them, repairs anything infeasible and improves fairness.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from continuity.engines.routing.instance import EPS, Instance, in_preferred, unsocial


@dataclass(frozen=True, slots=True)
class Stop:
    visit: int
    piece: int  # index into Instance.pieces[visit]


@dataclass(frozen=True, slots=True)
class Insertion:
    shift: int
    position: int
    stop: Stop
    start: int
    cost: float  # travel_cost × added travel + continuity + outside-preferred
    added_travel: float


class Routes:
    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        shifts = len(inst.problem.shifts)
        self.stops: list[list[Stop]] = [[] for _ in range(shifts)]
        self.load = [0] * shifts
        self.used = [0.0] * len(inst.problem.midwives)  # visiting + travel, per midwife
        self._early: list[list[int]] = [[] for _ in range(shifts)]
        self._late: list[list[int]] = [[] for _ in range(shifts)]
        self._reach = [set(r) for r in inst.reach]

    # -- schedule -------------------------------------------------------------------------------

    def earliest(self, shift: int) -> list[int]:
        return self._early[shift]

    def _schedule(self, shift: int) -> None:
        """Earliest and latest starts of a feasible route (see `feasible_prefix` otherwise)."""
        inst = self.inst
        s = inst.problem.shifts[shift]
        visits = inst.problem.visits
        stops = self.stops[shift]
        early: list[int] = []
        t, loc = s.start, s.start_location
        for stop in stops:
            v = visits[stop.visit]
            piece = inst.pieces[stop.visit][stop.piece]
            start = max(t + int(inst.minutes[loc, v.location]), piece.start)
            early.append(start)
            t, loc = start + v.duration, v.location
        late = [0] * len(stops)
        nxt_time, nxt_loc = s.end, s.end_location
        for k in range(len(stops) - 1, -1, -1):
            v = visits[stops[k].visit]
            piece = inst.pieces[stops[k].visit][stops[k].piece]
            late[k] = min(piece.end, nxt_time - int(inst.minutes[v.location, nxt_loc]) - v.duration)
            nxt_time, nxt_loc = late[k], v.location
        self._early[shift] = early
        self._late[shift] = late

    def travel(self, shift: int) -> float:
        """Minutes driven in the shift, home included; 0 when she has no visits."""
        inst = self.inst
        stops = self.stops[shift]
        if not stops:
            return 0.0
        s = inst.problem.shifts[shift]
        locs = [
            s.start_location,
            *(inst.problem.visits[x.visit].location for x in stops),
            s.end_location,
        ]
        return float(sum(inst.travel[a, b] for a, b in pairwise(locs)))

    def _refresh(self, shift: int, before: float) -> None:
        self._schedule(shift)
        m = self.inst.shift_midwife[shift]
        self.used[m] += self.travel(shift) - before

    # -- changes --------------------------------------------------------------------------------

    def best_insertion(self, visit: int, shifts: Iterable[int]) -> Insertion | None:
        """The cheapest feasible place for the visit in these shifts (the first found on ties)."""
        inst = self.inst
        problem = inst.problem
        v = problem.visits[visit]
        pieces = inst.pieces[visit]
        policy = inst.policy
        best: Insertion | None = None
        for shift in shifts:
            if shift not in self._reach[visit]:
                continue
            m = inst.shift_midwife[shift]
            s = problem.shifts[shift]
            if s.capacity is not None and self.load[shift] + v.demand > s.capacity:
                continue
            budget = problem.midwives[m].max_minutes
            stops = self.stops[shift]
            early, late = self._early[shift], self._late[shift]
            base = inst.cost[visit][m]
            for k in range(len(stops) + 1):
                if k == 0:
                    prev_end, prev_loc = s.start, s.start_location
                else:
                    pv = problem.visits[stops[k - 1].visit]
                    prev_end, prev_loc = early[k - 1] + pv.duration, pv.location
                nxt_loc = (
                    s.end_location if k == len(stops) else problem.visits[stops[k].visit].location
                )
                if stops:
                    added = float(
                        inst.travel[prev_loc, v.location]
                        + inst.travel[v.location, nxt_loc]
                        - inst.travel[prev_loc, nxt_loc]
                    )
                else:
                    added = float(
                        inst.travel[s.start_location, v.location]
                        + inst.travel[v.location, s.end_location]
                    )
                if budget is not None and self.used[m] + v.duration + added > budget + EPS:
                    continue
                arrive = prev_end + int(inst.minutes[prev_loc, v.location])
                limit = (
                    s.end - int(inst.minutes[v.location, nxt_loc])
                    if k == len(stops)
                    else late[k] - int(inst.minutes[v.location, nxt_loc])
                )  # the visit must end by this
                for p, piece in enumerate(pieces):
                    start = max(arrive, piece.start)
                    if start > piece.end or start + v.duration > limit:
                        continue
                    cost = policy.travel_cost * added + base + inst.piece_cost(visit, piece)
                    if best is None or cost < best.cost - 1e-9:
                        best = Insertion(shift, k, Stop(visit, p), start, cost, added)
        return best

    def insert(self, ins: Insertion) -> None:
        before = self.travel(ins.shift)
        self.stops[ins.shift].insert(ins.position, ins.stop)
        v = self.inst.problem.visits[ins.stop.visit]
        self.load[ins.shift] += v.demand
        self.used[self.inst.shift_midwife[ins.shift]] += v.duration
        self._refresh(ins.shift, before)

    def remove(self, shift: int, position: int) -> Stop:
        before = self.travel(shift)
        stop = self.stops[shift].pop(position)
        v = self.inst.problem.visits[stop.visit]
        self.load[shift] -= v.demand
        self.used[self.inst.shift_midwife[shift]] -= v.duration
        self._refresh(shift, before)
        return stop

    def set_route(self, shift: int, stops: list[Stop]) -> list[Stop]:
        """Take a route as given (from PyVRP), dropping any stop that breaks a hard rule so the
        rest is feasible. Returns the dropped stops."""
        inst = self.inst
        problem = inst.problem
        s = problem.shifts[shift]
        m = inst.shift_midwife[shift]
        dropped: list[Stop] = []
        kept: list[Stop] = []
        t, loc = s.start, s.start_location
        for stop in stops:
            v = problem.visits[stop.visit]
            piece = inst.pieces[stop.visit][stop.piece]
            start = max(t + int(inst.minutes[loc, v.location]), piece.start)
            if not inst.allowed[stop.visit][m] or start > piece.end:
                dropped.append(stop)
                continue
            kept.append(stop)
            t, loc = start + v.duration, v.location

        def ok(route: list[Stop]) -> bool:
            load = sum(problem.visits[x.visit].demand for x in route)
            if s.capacity is not None and load > s.capacity:
                return False
            t, loc = s.start, s.start_location
            for x in route:
                v = problem.visits[x.visit]
                t = max(t + int(inst.minutes[loc, v.location]), inst.pieces[x.visit][x.piece].start)
                t, loc = t + v.duration, v.location
            return not route or t + int(inst.minutes[loc, s.end_location]) <= s.end

        while kept and not ok(kept):  # late home or over capacity: shed the last visits
            dropped.append(kept.pop())
        before = self.travel(shift)
        for x in self.stops[shift]:
            self.load[shift] -= problem.visits[x.visit].demand
            self.used[m] -= problem.visits[x.visit].duration
        self.stops[shift] = kept
        for x in kept:
            self.load[shift] += problem.visits[x.visit].demand
            self.used[m] += problem.visits[x.visit].duration
        self._refresh(shift, before)
        return dropped

    def shed_over_budget(self) -> list[Stop]:
        """Drop visits (latest first) from any midwife over her `max_minutes`."""
        dropped: list[Stop] = []
        problem = self.inst.problem
        for m, mw in enumerate(problem.midwives):
            if mw.max_minutes is None:
                continue
            for shift in reversed(self.inst.shifts_of[m]):
                while self.used[m] > mw.max_minutes + EPS and self.stops[shift]:
                    dropped.append(self.remove(shift, len(self.stops[shift]) - 1))
        return dropped

    # -- reading out ----------------------------------------------------------------------------

    def planned(self) -> set[int]:
        return {x.visit for stops in self.stops for x in stops}

    def assignment(self) -> dict[int, list[tuple[str, int]]]:
        """Each shift's visits in order with their starts, tidied to the policy's step."""
        visits = self.inst.problem.visits
        return {
            shift: [(visits[x.visit].id, t) for x, t in zip(stops, self.tidy(shift), strict=True)]
            for shift, stops in enumerate(self.stops)
            if stops
        }

    def tidy(self, shift: int) -> list[int]:
        """Starts on the `start_step` grid where the route allows: each visit starts at its
        earliest time rounded up to the step, unless that is after its latest start (which would
        make a later visit or the end of the shift late), takes it out of her preferred times, or
        makes it an evening or weekend visit when it was not. Then it keeps the earliest time.
        Travel and the order are unchanged, so the objective is too."""
        inst = self.inst
        step = inst.policy.start_step
        early, late = self._early[shift], self._late[shift]
        if step <= 1:
            return list(early)
        s = inst.problem.shifts[shift]
        visits = inst.problem.visits
        out: list[int] = []
        t, loc = s.start, s.start_location
        for k, stop in enumerate(self.stops[shift]):
            v = visits[stop.visit]
            piece = inst.pieces[stop.visit][stop.piece]
            start = max(t + int(inst.minutes[loc, v.location]), piece.start)
            rounded = -(-start // step) * step
            keep = (
                rounded <= late[k]
                and (in_preferred(v, rounded) or not in_preferred(v, start))
                and unsocial(rounded, inst.policy) == unsocial(start, inst.policy)
            )
            start = rounded if keep else start
            out.append(start)
            t, loc = start + v.duration, v.location
        return out

    def unsocial_minutes(self) -> list[int]:
        inst = self.inst
        out = [0] * len(inst.problem.midwives)
        for shift, stops in enumerate(self.stops):
            m = inst.shift_midwife[shift]
            for x, t in zip(stops, self._early[shift], strict=True):
                if unsocial(t, inst.policy):
                    out[m] += inst.problem.visits[x.visit].duration
        return out
