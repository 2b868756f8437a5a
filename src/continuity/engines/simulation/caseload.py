"""Who is on the pathway: named midwives placed by the allocation engine's rules, and buddies.

The live allocation engine solves a min-cost flow over the whole caseload; that is far too slow
to run 200 times a scenario, so the simulation places women with a greedy rule that keeps the
engine's numbers (`Policy.births_per_wte_per_year`, `max_births_per_month`,
`leave_buffer_days`, and priority groups first when places are short):

In booking order (by EDD), priority-group women first when the scenario prioritises them, each
woman goes to the **least-loaded midwife with room**: fewer than her yearly capacity
(caseload × WTE, rounded down) and fewer than `max_births_per_month` women due in the woman's
EDD month. Among those, a midwife with no annual leave within `leave_buffer_days` of the EDD is
preferred; one with leave is taken only when nobody else has room. Ties go to the lowest number.
A woman nobody has room for is **not on the pathway** (unplaced).
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappop, heappush

DAYS = 365
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_OF_DAY: tuple[int, ...] = tuple(m for m, n in enumerate(MONTH_DAYS) for _ in range(n))
FOREVER = 10**9


def month_key(day: int) -> int:
    """A calendar month numbered across years: day 0 is January of year 0, day -1 December of
    year -1, day 365 January of year 1."""
    return (day // DAYS) * 12 + MONTH_OF_DAY[day % DAYS]


def leave_near(leave_days: Sequence[bool], buffer: int) -> bytes:
    """Per day of the year, 1 when a leave day falls within `buffer` days of it (the year taken
    as circular, as the simulation's steady state does)."""
    if not any(leave_days):
        return bytes(DAYS)
    if buffer * 2 + 1 >= DAYS:
        return b"\x01" * DAYS
    marks = [1 if on else 0 for on in leave_days]
    extended = marks[DAYS - buffer :] + marks + marks[:buffer]
    counts = [0]
    for mark in extended:
        counts.append(counts[-1] + mark)
    width = 2 * buffer + 1
    return bytes(1 if counts[d + width] > counts[d] else 0 for d in range(DAYS))


def placing_order(priority: Sequence[bool], prioritise: bool) -> list[int]:
    """Women in the order they are placed: booking order, priority-group women first when
    `prioritise` (women are numbered in booking order)."""
    women = range(len(priority))
    if not prioritise:
        return list(women)
    return [w for w in women if priority[w]] + [w for w in women if not priority[w]]


def _days_to_free(near: bytes) -> list[int]:
    """Per day of the year, how many days on until one with no leave near (0 on such a day;
    FOREVER when every day has leave near)."""
    if all(near):
        return [FOREVER] * DAYS
    gaps = [0] * DAYS
    gap = 0
    for d in range(2 * DAYS - 1, -1, -1):  # twice round the circle, backwards
        gap = gap + 1 if near[d % DAYS] else 0
        gaps[d % DAYS] = gap
    return gaps


def allocate(
    edds: Sequence[int],
    midwives: int,
    capacity: int,
    *,
    max_per_month: int,
    order: Sequence[int] | None = None,
    near_leave: Sequence[bytes] | None = None,
) -> list[int | None]:
    """The named midwife of each woman (None: not on the pathway), by the rule in the module
    docstring. `order` is the placing order (default: as given); `near_leave[m][d]` is true when
    midwife m has leave within the buffer of day d (EDDs are looked up modulo 365).

    A heap holds (load, midwife) for the midwives with yearly room. A midwife found full in the
    woman's EDD month, or with leave near it, is *parked* until the EDD at which that can first
    change (the next month, the next day without leave near), since women come in EDD order; a
    step back in EDD (the second pass, after the priority-group women) releases every parked
    midwife. A parked midwife with leave near but room in the month is still the fallback.
    """
    named: list[int | None] = [None] * len(edds)
    heap = [(0, m) for m in range(midwives)] if capacity > 0 else []
    free_in = [_days_to_free(near) for near in near_leave] if near_leave is not None else None
    month_load: dict[tuple[int, int], int] = {}
    parked: list[tuple[int, int, int]] = []  # (EDD from which to look again, load, midwife)
    # Midwives with yearly room who are full in a month, so that a month in which nobody has
    # room is passed over at once.
    open_midwives = len(heap)
    full_in_month: dict[int, int] = {}
    full_months: dict[int, list[int]] = {}
    previous = -FOREVER
    for w in range(len(edds)) if order is None else order:
        edd = edds[w]
        if edd < previous:
            parked = _release(heap, parked, FOREVER)
        elif parked and edd != previous:
            parked = _release(heap, parked, edd)
        previous = edd
        if not open_midwives:
            break
        month = month_key(edd)
        if full_in_month.get(month, 0) >= open_midwives:
            continue
        day = edd % DAYS
        chosen: tuple[int, int] | None = None
        while heap:
            load, midwife = heappop(heap)
            if month_load.get((midwife, month), 0) >= max_per_month:
                next_month = edd + 1
                while month_key(next_month) == month:
                    next_month += 1
                parked.append((next_month, load, midwife))
            elif free_in is not None and free_in[midwife][day]:
                parked.append((edd + free_in[midwife][day], load, midwife))
            else:
                chosen = (load, midwife)
                break
        if chosen is None:  # the least loaded of those with leave near but room in the month
            rooms = [
                (load, midwife, i)
                for i, (_, load, midwife) in enumerate(parked)
                if month_load.get((midwife, month), 0) < max_per_month
            ]
            if not rooms:
                continue
            load, midwife, i = min(rooms)
            parked[i] = parked[-1]
            parked.pop()
            chosen = (load, midwife)
        load, midwife = chosen
        named[w] = midwife
        in_month = month_load.get((midwife, month), 0) + 1
        month_load[(midwife, month)] = in_month
        if load + 1 < capacity:
            heappush(heap, (load + 1, midwife))
            if in_month == max_per_month:
                full_in_month[month] = full_in_month.get(month, 0) + 1
                full_months.setdefault(midwife, []).append(month)
        else:  # full for the year: she leaves, and her full months no longer count
            open_midwives -= 1
            for full in full_months.pop(midwife, []):
                full_in_month[full] -= 1
    return named


def _release(
    heap: list[tuple[int, int]], parked: list[tuple[int, int, int]], edd: int
) -> list[tuple[int, int, int]]:
    """Put back into the heap the parked midwives due to be looked at again by `edd`."""
    still: list[tuple[int, int, int]] = []
    for item in parked:
        if item[0] <= edd:
            heappush(heap, (item[1], item[2]))
        else:
            still.append(item)
    return still


def buddies(teams: int, per_team: int) -> list[int | None]:
    """Buddy of each midwife: pairs within the team; an odd team's last buddies its first."""
    buddy: list[int | None] = []
    for t in range(teams):
        base = t * per_team
        for i in range(per_team):
            if per_team == 1:
                buddy.append(None)
            elif i == per_team - 1 and per_team % 2 == 1:
                buddy.append(base)
            else:
                buddy.append(base + (i ^ 1))
    return buddy
