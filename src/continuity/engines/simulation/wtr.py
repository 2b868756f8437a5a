"""Working Time Regulations 1998 checks on one midwife's simulated year, in hours from day 0.

Working time is her visit rounds and her labour attendances; being on call at home is not working
time, and everything that is not working time is rest (leave and sickness included). The rules
follow the cover engine's checks (`continuity.engines.cover.worktime`), on plain hour numbers so
that a year of 144 midwives is checked in milliseconds:

- **Daily rest** (regulation 10, 11 consecutive hours in each 24): work is joined into duty
  periods wherever the gap between two pieces is shorter than `rest_hours`. A duty period longer
  than 24 - `rest_hours` leaves no rest of that length in the 24 hours from its start: one
  breach. `rest_hours` 0 switches the rule off.
- **Weekly rest** (regulation 11, 24 hours a week or 48 per 14 days): in every fortnight (days
  0-13, 14-27, ...; the year's last partial fortnight is not judged) her rest stretches, clipped to
  the fortnight, must hold two uninterrupted 24 hours or one of 48 (the sum over the stretches of
  their whole multiples of 24 hours must reach 2). A fortnight without: one breach.
- **The 48-hour average** (regulation 4): in consecutive 17-week reference periods from day 0
  (days 0-118, 119-237, 238-356; the partial last one is not judged), more than 48 hours a week on
  average is a breach. A midwife is counted once however many periods she exceeds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

DAYS = 365
FORTNIGHT_HOURS = 14 * 24.0
WEEKLY_REST_HOURS = 24.0
REFERENCE_WEEKS = 17
AVERAGE_LIMIT_HOURS = 48.0

Interval = tuple[float, float]


def merge(intervals: Iterable[Sequence[float]]) -> list[Interval]:
    """Sorted, disjoint, non-touching intervals covering the same time (empty ones dropped)."""
    merged: list[Interval] = []
    for s, e in sorted((iv[0], iv[1]) for iv in intervals if iv[1] > iv[0]):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def daily_rest_breaches(work: Sequence[Interval], rest_hours: float) -> int:
    """Duty periods longer than 24 - rest_hours, in merged work intervals."""
    if rest_hours <= 0.0 or not work:
        return 0
    longest = 24.0 - rest_hours
    breaches = 0
    start, end = work[0]
    for s, e in work[1:]:
        if s - end < rest_hours:
            end = e
            continue
        breaches += end - start > longest
        start, end = s, e
    return breaches + (end - start > longest)


def weekly_rest_breaches(work: Sequence[Interval], days: int = DAYS) -> int:
    """Whole fortnights from day 0 without two 24-hour rests or one of 48."""
    ends = [e for _, e in work]
    breaches = 0
    for k in range(int(days // 14)):
        a, b = k * FORTNIGHT_HOURS, (k + 1) * FORTNIGHT_HOURS
        units = 0
        cursor = a
        i = bisect_right(ends, a)  # the first interval ending after a
        while i < len(work) and work[i][0] < b:
            s, e = work[i]
            if s > cursor:
                units += int((s - cursor) // WEEKLY_REST_HOURS)
            cursor = max(cursor, e)
            i += 1
        if cursor < b:
            units += int((b - cursor) // WEEKLY_REST_HOURS)
        breaches += units < 2
    return breaches


def worked(work: Sequence[Interval], a: float, b: float) -> float:
    """Hours of work inside [a, b)."""
    return sum(max(0.0, min(e, b) - max(s, a)) for s, e in work if s < b and e > a)


def exceeds_average(work: Sequence[Interval], days: int = DAYS) -> bool:
    """True when some whole 17-week reference period from day 0 averages over 48 hours a week."""
    period = REFERENCE_WEEKS * 7 * 24.0
    totals = [0.0] * int(days // (REFERENCE_WEEKS * 7))
    for start, end in work:  # one pass, splitting an interval that crosses a period's end
        start = max(start, 0.0)
        k = int(start // period)
        while start < end and k < len(totals):
            boundary = (k + 1) * period
            totals[k] += min(end, boundary) - start
            start, k = boundary, k + 1
    return any(total > AVERAGE_LIMIT_HOURS * REFERENCE_WEEKS for total in totals)
