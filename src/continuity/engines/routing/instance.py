"""What every solver and the scorer share, worked out once from a `Problem`.

- **Travel.** `travel[i, j]` is minutes from location i to j: the supplied matrix, or great-circle
  distance × circuity ÷ speed (lat/lon), or the Euclidean distance (x/y, Solomon). Starts are
  whole minutes, so a leg of 7.4 minutes makes the next visit start at the earliest on the 8th
  minute: `minutes[i, j]` is the travel rounded up, and schedules add it to whole-minute starts.
  This is exactly "drive for the real time, start on the next whole minute". Travel *cost* uses
  the unrounded minutes.
- **Windows.** A pinned start replaces the visit's windows (it was agreed with her). Each window is
  split at the edges of her preferred windows into **pieces** (inside / outside a preferred time),
  and pieces that no allowed shift could reach are dropped or trimmed.
- **Who may go.** A midwife may go when she has every skill the visit needs and, for a pinned
  visit, she is the pinned midwife. The continuity cost of midwife m for visit v is 0 for her named
  midwife (`carers[0]`), `buddy_cost × k` (at most `team_cost`) for `carers[k]`, `team_cost` for
  anyone else, and 0 when the visit lists no carers at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from continuity.engines.geo import EARTH_RADIUS_KM
from continuity.engines.routing.model import Policy, Problem, Visit, Window

DAY = 24 * 60
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch a visit may start in: part of one of its windows, inside or outside a preferred
    time (always `preferred` when she states no preference)."""

    start: int
    end: int
    preferred: bool


def travel_matrix(problem: Problem) -> NDArray[np.float64]:
    """Minutes between every pair of locations (see the module docstring)."""
    if problem.travel is not None:
        return np.array(problem.travel, dtype=np.float64).reshape(
            len(problem.locations), len(problem.locations)
        )
    locs = problem.locations
    if not locs:
        return np.zeros((0, 0), dtype=np.float64)
    if all(loc.lat is not None and loc.lon is not None for loc in locs):
        lat = np.radians(np.array([loc.lat for loc in locs], dtype=np.float64))
        lon = np.radians(np.array([loc.lon for loc in locs], dtype=np.float64))
        dlat = lat[None, :] - lat[:, None]
        dlon = lon[None, :] - lon[:, None]
        cos = np.cos(lat)
        h = np.sin(dlat / 2) ** 2 + cos[:, None] * cos[None, :] * np.sin(dlon / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        policy = problem.policy
        out: NDArray[np.float64] = km * policy.circuity / policy.speed_kmh * 60.0
        return out
    x = np.array([loc.x for loc in locs], dtype=np.float64)
    y = np.array([loc.y for loc in locs], dtype=np.float64)
    dist: NDArray[np.float64] = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    return dist


def whole_minutes(travel: NDArray[np.float64]) -> NDArray[np.int64]:
    """Travel rounded up to whole minutes (with a little slack for floating-point noise)."""
    out: NDArray[np.int64] = np.maximum(np.ceil(travel - EPS), 0).astype(np.int64)
    return out


def effective_windows(visit: Visit) -> tuple[Window, ...]:
    if visit.pin is not None and visit.pin.start is not None:
        return (Window(visit.pin.start, visit.pin.start),)
    return visit.windows


def in_windows(t: int, windows: tuple[Window, ...]) -> bool:
    return any(w.start <= t <= w.end for w in windows)


def in_preferred(visit: Visit, start: int) -> bool:
    return not visit.preferred or in_windows(start, visit.preferred)


def merged(windows: tuple[Window, ...]) -> list[tuple[int, int]]:
    """Whole-minute windows merged into disjoint sorted intervals (touching ones joined)."""
    out: list[tuple[int, int]] = []
    for w in sorted(windows, key=lambda w: (w.start, w.end)):
        if out and w.start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], w.end))
        else:
            out.append((w.start, w.end))
    return out


def split(window: Window, preferred: list[tuple[int, int]] | None) -> list[Piece]:
    """The window cut at the edges of the preferred times (None: she has no preference)."""
    if preferred is None:
        return [Piece(window.start, window.end, True)]
    pieces: list[Piece] = []
    cursor = window.start
    for lo, hi in preferred:
        if hi < cursor or lo > window.end:
            continue
        if lo > cursor:
            pieces.append(Piece(cursor, lo - 1, False))
        a, b = max(lo, cursor), min(hi, window.end)
        pieces.append(Piece(a, b, True))
        cursor = b + 1
        if cursor > window.end:
            break
    if cursor <= window.end:
        pieces.append(Piece(cursor, window.end, False))
    return pieces


def continuity(policy: Policy, visit: Visit, midwife: str) -> tuple[int | None, float]:
    """(carer rank, cost) of `midwife` doing `visit`: rank 0 named, 1 buddy, ... None otherwise."""
    if not visit.carers:
        return None, 0.0
    if midwife in visit.carers:
        rank = visit.carers.index(midwife)
        return rank, 0.0 if rank == 0 else min(policy.team_cost, policy.buddy_cost * rank)
    return None, policy.team_cost


def unsocial(start: int, policy: Policy) -> bool:
    """Evening (from `policy.evening_start`) or weekend (day 0 is Monday)."""
    return start % DAY >= policy.evening_start or (start // DAY) % 7 >= 5


@dataclass(slots=True)
class Instance:
    problem: Problem
    travel: NDArray[np.float64]  # minutes, as given or computed
    minutes: NDArray[np.int64]  # the same rounded up, for schedules
    visit_index: dict[str, int]
    midwife_index: dict[str, int]
    shift_midwife: list[int]  # midwife index of each shift
    shifts_of: list[list[int]]  # shift indices of each midwife, in time order
    windows: list[tuple[Window, ...]]  # per visit, after a pinned start
    allowed: list[list[bool]]  # [visit][midwife]: skills, and the pin
    cost: list[list[float]]  # [visit][midwife]: continuity cost
    rank: list[list[int | None]]  # [visit][midwife]
    pieces: list[list[Piece]]  # per visit: where it can start, trimmed to reachable shifts
    reach: list[list[int]]  # per visit: shifts in which it could be done on its own

    @property
    def policy(self) -> Policy:
        return self.problem.policy

    def piece_cost(self, visit: int, piece: Piece) -> float:
        v = self.problem.visits[visit]
        return 0.0 if piece.preferred or not v.preferred else self.policy.outside_preferred_cost

    def alone_range(self, visit: int, shift: int) -> tuple[int, int]:
        """Earliest and latest start if this were the shift's only visit."""
        v = self.problem.visits[visit]
        s = self.problem.shifts[shift]
        lo = s.start + int(self.minutes[s.start_location, v.location])
        hi = s.end - v.duration - int(self.minutes[v.location, s.end_location])
        return lo, hi

    def fits_alone(self, visit: int, shift: int) -> bool:
        v = self.problem.visits[visit]
        s = self.problem.shifts[shift]
        m = self.shift_midwife[shift]
        if not self.allowed[visit][m]:
            return False
        if s.capacity is not None and v.demand > s.capacity:
            return False
        budget = self.problem.midwives[m].max_minutes
        if budget is not None:
            used = (
                v.duration
                + self.travel[s.start_location, v.location]
                + self.travel[v.location, s.end_location]
            )
            if used > budget + EPS:
                return False
        lo, hi = self.alone_range(visit, shift)
        return any(max(lo, w.start) <= min(hi, w.end) for w in self.windows[visit])


def build(problem: Problem) -> Instance:
    """Assumes `io.check(problem)` passed."""
    travel = travel_matrix(problem)
    minutes = whole_minutes(travel)
    midwife_index = {m.id: i for i, m in enumerate(problem.midwives)}
    shift_midwife = [midwife_index[s.midwife] for s in problem.shifts]
    shifts_of: list[list[int]] = [[] for _ in problem.midwives]
    for i in sorted(range(len(problem.shifts)), key=lambda i: problem.shifts[i].start):
        shifts_of[shift_midwife[i]].append(i)
    policy = problem.policy
    windows: list[tuple[Window, ...]] = []
    allowed: list[list[bool]] = []
    cost: list[list[float]] = []
    rank: list[list[int | None]] = []
    for v in problem.visits:
        windows.append(effective_windows(v))
        need = set(v.skills)
        row_ok: list[bool] = []
        row_cost: list[float] = []
        row_rank: list[int | None] = []
        for m in problem.midwives:
            ok = need <= set(m.skills) and (v.pin is None or v.pin.midwife == m.id)
            r, c = continuity(policy, v, m.id)
            row_ok.append(ok)
            row_cost.append(c)
            row_rank.append(r)
        allowed.append(row_ok)
        cost.append(row_cost)
        rank.append(row_rank)
    inst = Instance(
        problem=problem,
        travel=travel,
        minutes=minutes,
        visit_index={v.id: i for i, v in enumerate(problem.visits)},
        midwife_index=midwife_index,
        shift_midwife=shift_midwife,
        shifts_of=shifts_of,
        windows=windows,
        allowed=allowed,
        cost=cost,
        rank=rank,
        pieces=[],
        reach=[],
    )
    for vi, v in enumerate(problem.visits):
        reach = [s for s in range(len(problem.shifts)) if inst.fits_alone(vi, s)]
        ranges = [inst.alone_range(vi, s) for s in reach]
        preferred = merged(v.preferred) if v.preferred else None
        pieces: list[Piece] = []
        for w in windows[vi]:
            for p in split(w, preferred):
                hits = [(lo, hi) for lo, hi in ranges if max(lo, p.start) <= min(hi, p.end)]
                if hits:
                    lo = max(p.start, min(h[0] for h in hits))
                    hi = min(p.end, max(h[1] for h in hits))
                    pieces.append(Piece(lo, hi, p.preferred))
        inst.reach.append(reach)
        # Any shift allowed to take the visit could start it in a gap, not just those that
        # reach one of its windows, so the gaps are checked against all of them.
        takers = [
            inst.alone_range(vi, s)
            for s in range(len(problem.shifts))
            if inst.allowed[vi][inst.shift_midwife[s]]
        ]
        inst.pieces.append(_joined(pieces, takers))
    return inst


def _joined(pieces: list[Piece], ranges: list[tuple[int, int]]) -> list[Piece]:
    """Join neighbouring pieces of the same kind when no shift allowed to take the visit could
    start it in the gap between them (a night nobody works): exact, and fewer copies for the
    search to carry."""
    out: list[Piece] = []
    for piece in sorted(pieces, key=lambda p: p.start):
        last = out[-1] if out else None
        if (
            last is not None
            and last.preferred == piece.preferred
            and not any(lo < piece.start and hi > last.end for lo, hi in ranges)
        ):
            out[-1] = Piece(last.start, max(last.end, piece.end), last.preferred)
        else:
            out.append(piece)
    return out


def reason(inst: Instance, visit: int) -> str:
    """Why a visit is unplanned, worked out after the fact (see docs/engines/routing.md)."""
    problem = inst.problem
    v = problem.visits[visit]
    windows = inst.windows[visit]
    if not windows:
        return "window_empty"
    overlapping = [
        i
        for i, s in enumerate(problem.shifts)
        if any(w.start <= s.end - v.duration and w.end >= s.start for w in windows)
    ]
    if not overlapping:
        return "no_shift_in_window"
    if v.pin is not None:
        overlapping = [i for i in overlapping if problem.shifts[i].midwife == v.pin.midwife]
        if not overlapping:
            return "pinned_midwife_unavailable"
    need = set(v.skills)
    if not any(need <= set(problem.midwives[inst.shift_midwife[i]].skills) for i in overlapping):
        return "skills"
    return "no_time"
