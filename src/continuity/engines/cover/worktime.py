"""Working Time Regulations 1998 checks over a rota: daily rest, weekly rest, the 48-hour average.

Working time for a midwife is the union of her entries whose kind is in `WORKING_KINDS` (shifts
and call-outs). Being on call at home is not working time; everything that is not working time
is rest. All lengths are real elapsed time, so a night across a clock change has its true length.
The rota's time zone is used only for the start of a week (Monday 00:00 local time), so a local
week across the last Sunday of October is 169 hours long and across the last Sunday of March 167.

- Daily rest (regulation 10): her working intervals are joined into duty periods wherever the gap
  between them is shorter than `daily_rest_hours`. A duty period lasting longer than
  24 - `daily_rest_hours` from its start leaves no rest of that length in the 24 hours from its
  start: a breach, reported with the longest rest she did get in that window.
- Weekly rest (regulation 11): "weekly" needs a rest of `weekly_rest_hours` in every week;
  "fortnightly" needs, in every fortnight, two uninterrupted rests of `weekly_rest_hours` or one
  of twice that (counted as the sum over its rest stretches of whole multiples of
  `weekly_rest_hours`). Only weeks and fortnights wholly inside the checked range are judged.
- The 48-hour average (regulation 4): for every week, the average over the reference period of
  up to `average_reference_weeks` weeks ending with it, clipped to the checked range. Reported
  even for a midwife who has opted out, flagged `opted_out` as information.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from continuity.engines.cover.model import (
    WORKING_KINDS,
    CoverInputError,
    Kind,
    Midwife,
    Policy,
    Rota,
    WorkingTimeWarning,
)

DAILY_REST = "daily_rest"
WEEKLY_REST = "weekly_rest"
AVERAGE_48H = "average_48h"

_DAY = timedelta(hours=24)
_WEEK = timedelta(days=7)
_HOUR_US = 3_600_000_000  # microseconds in an hour

Interval = tuple[datetime, datetime]


def check_working_time(
    rota: Rota, start: datetime, end: datetime
) -> tuple[WorkingTimeWarning, ...]:
    """Every working-time warning for the rota's midwives in [start, end).

    Daily-rest warnings are for duty periods starting in [start, end); weekly-rest and average
    warnings for the weeks (Monday 00:00 local) lying wholly inside it. Entries outside the range
    still count where a rule looks at them (a duty period begun before `start`, the 24 hours after
    one begun just before `end`). Sorted by (midwife, start, rule).
    """
    start_utc = _aware(start, "start")
    end_utc = _aware(end, "end")
    if end_utc < start_utc:
        raise CoverInputError("end", "must not be before start")
    policy = rota.policy
    tz = _check_policy(policy)

    midwives: dict[str, Midwife] = {m.id: m for m in rota.midwives}
    working: dict[str, list[Interval]] = {m: [] for m in midwives}
    call_outs: dict[str, list[Interval]] = {m: [] for m in midwives}
    for i, entry in enumerate(rota.entries):
        if entry.midwife not in midwives:
            raise CoverInputError(f"entries[{i}].midwife", f"unknown midwife {entry.midwife!r}")
        s = _aware(entry.start, f"entries[{i}].start")
        e = _aware(entry.end, f"entries[{i}].end")
        if e < s:
            raise CoverInputError(f"entries[{i}].end", "must not be before start")
        if e == s or entry.kind not in WORKING_KINDS:
            continue
        working[entry.midwife].append((s, e))
        if entry.kind == Kind.CALL_OUT:
            call_outs[entry.midwife].append((s, e))

    weeks = _local_weeks(start_utc, end_utc, tz)
    warnings: list[WorkingTimeWarning] = []
    for mid, midwife in midwives.items():
        work = _merge(working[mid])
        if not work:
            continue
        warnings.extend(_daily_rest(mid, work, call_outs[mid], policy, start_utc, end_utc))
        warnings.extend(_weekly_rest(mid, work, policy, weeks))
        warnings.extend(_average(midwife, work, policy, weeks))
    warnings.sort(key=lambda w: (w.midwife, w.start, w.rule))
    return tuple(warnings)


# --- inputs ---------------------------------------------------------------------------------


def _aware(moment: datetime, path: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CoverInputError(path, "must be timezone-aware")
    return moment.astimezone(UTC)


def _check_policy(policy: Policy) -> ZoneInfo:
    try:
        tz = ZoneInfo(policy.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CoverInputError("policy.timezone", f"unknown time zone {policy.timezone!r}") from exc
    if not 0 < policy.daily_rest_hours < 24:
        raise CoverInputError("policy.daily_rest_hours", "must be more than 0 and less than 24")
    if not policy.weekly_rest_hours > 0:
        raise CoverInputError("policy.weekly_rest_hours", "must be more than 0")
    if policy.weekly_rest not in ("weekly", "fortnightly"):
        raise CoverInputError("policy.weekly_rest", "must be 'weekly' or 'fortnightly'")
    if not policy.average_week_limit_hours >= 0:
        raise CoverInputError("policy.average_week_limit_hours", "must not be negative")
    if policy.average_reference_weeks < 1:
        raise CoverInputError("policy.average_reference_weeks", "must be at least 1")
    return tz


# --- intervals ------------------------------------------------------------------------------


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-touching intervals covering the same time."""
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _rest_stretches(
    work: Sequence[Interval], ends: Sequence[datetime], a: datetime, b: datetime
) -> list[timedelta]:
    """The rest stretches in [a, b), clipped to it. `ends` are the ends of `work`."""
    stretches: list[timedelta] = []
    cursor = a
    i = bisect_right(ends, a)  # the first interval ending after a
    while i < len(work) and work[i][0] < b:
        s, e = work[i]
        if s > cursor:
            stretches.append(s - cursor)
        cursor = max(cursor, e)
        i += 1
    if cursor < b:
        stretches.append(b - cursor)
    return stretches


def _worked(
    work: Sequence[Interval], ends: Sequence[datetime], a: datetime, b: datetime
) -> timedelta:
    total = timedelta(0)
    i = bisect_right(ends, a)
    while i < len(work) and work[i][0] < b:
        s, e = work[i]
        total += min(e, b) - max(s, a)
        i += 1
    return total


def _hours(span: timedelta) -> float:
    return round(span / timedelta(microseconds=1) / _HOUR_US, 2)


# --- local weeks ----------------------------------------------------------------------------


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _local_weeks(start: datetime, end: datetime, tz: ZoneInfo) -> list[Interval]:
    """The local weeks (Monday 00:00 to Monday 00:00) wholly inside [start, end), in order."""
    local_day = start.astimezone(tz).date()
    monday = local_day + timedelta(days=(7 - local_day.weekday()) % 7)
    if _local_midnight(monday, tz) < start:
        monday += _WEEK
    weeks: list[Interval] = []
    week_start = _local_midnight(monday, tz)
    while True:
        monday += _WEEK
        week_end = _local_midnight(monday, tz)
        if week_end > end:
            return weeks
        weeks.append((week_start, week_end))
        week_start = week_end


# --- the rules ------------------------------------------------------------------------------


def _daily_rest(
    midwife: str,
    work: list[Interval],
    call_outs: list[Interval],
    policy: Policy,
    start: datetime,
    end: datetime,
) -> list[WorkingTimeWarning]:
    rest = timedelta(hours=policy.daily_rest_hours)
    longest_duty = _DAY - rest
    ends = [e for _, e in work]
    periods: list[Interval] = []
    for s, e in work:
        if periods and s - periods[-1][1] < rest:
            periods[-1] = (periods[-1][0], e)
        else:
            periods.append((s, e))
    found: list[WorkingTimeWarning] = []
    for ps, pe in periods:
        if not start <= ps < end or pe - ps <= longest_duty:
            continue
        window_end = ps + _DAY
        stretches = _rest_stretches(work, ends, ps, window_end)
        found.append(
            WorkingTimeWarning(
                midwife=midwife,
                rule=DAILY_REST,
                start=ps,
                end=window_end,
                value_hours=_hours(max(stretches, default=timedelta(0))),
                limit_hours=policy.daily_rest_hours,
                after_call_out=any(cs < pe and ce > ps for cs, ce in call_outs),
            )
        )
    return found


def _weekly_rest(
    midwife: str, work: list[Interval], policy: Policy, weeks: list[Interval]
) -> list[WorkingTimeWarning]:
    unit = timedelta(hours=policy.weekly_rest_hours)
    if policy.weekly_rest == "weekly":
        periods, needed, limit = weeks, 1, policy.weekly_rest_hours
    else:
        periods = [(weeks[i][0], weeks[i + 1][1]) for i in range(0, len(weeks) - 1, 2)]
        needed, limit = 2, 2 * policy.weekly_rest_hours
    ends = [e for _, e in work]
    found: list[WorkingTimeWarning] = []
    for a, b in periods:
        stretches = _rest_stretches(work, ends, a, b)
        if sum(s // unit for s in stretches) >= needed:
            continue
        found.append(
            WorkingTimeWarning(
                midwife=midwife,
                rule=WEEKLY_REST,
                start=a,
                end=b,
                value_hours=_hours(max(stretches, default=timedelta(0))),
                limit_hours=limit,
            )
        )
    return found


def _average(
    midwife: Midwife, work: list[Interval], policy: Policy, weeks: list[Interval]
) -> list[WorkingTimeWarning]:
    ends = [e for _, e in work]
    worked_us = [_worked(work, ends, a, b) // timedelta(microseconds=1) for a, b in weeks]
    limit_us = policy.average_week_limit_hours * _HOUR_US
    found: list[WorkingTimeWarning] = []
    total = 0
    for k, (_, week_end) in enumerate(weeks):
        first = max(0, k - policy.average_reference_weeks + 1)
        total += worked_us[k]
        if k - policy.average_reference_weeks >= 0:
            total -= worked_us[k - policy.average_reference_weeks]
        count = k - first + 1
        if total <= count * limit_us:
            continue
        found.append(
            WorkingTimeWarning(
                midwife=midwife.id,
                rule=AVERAGE_48H,
                start=weeks[first][0],
                end=week_end,
                value_hours=round(total / (count * _HOUR_US), 2),
                limit_hours=policy.average_week_limit_hours,
                opted_out=midwife.opted_out_48h,
            )
        )
    return found
