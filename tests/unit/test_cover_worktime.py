from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuity.engines.cover.model import (
    CoverInputError,
    Entry,
    Kind,
    Midwife,
    Policy,
    Rota,
    Team,
    WorkingTimeWarning,
)
from continuity.engines.cover.worktime import check_working_time

LONDON = ZoneInfo("Europe/London")
TEAM = (Team(id="t1"),)


def local(d: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=LONDON)


def shift(d: date, start: tuple[int, int], end: tuple[int, int], kind: Kind = Kind.WORK) -> Entry:
    """A shift on local day d; an end at or before the start is on the next day."""
    s = local(d, *start)
    e = local(d, *end)
    if e <= s:
        e = local(d + timedelta(days=1), *end)
    return Entry("m1", kind, s, e)


def rota(entries: list[Entry], *, opted_out: bool = False, **policy: object) -> Rota:
    return Rota(
        teams=TEAM,
        midwives=(Midwife("m1", "t1", opted_out_48h=opted_out),),
        entries=tuple(entries),
        policy=Policy(**policy),  # type: ignore[arg-type]
    )


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


MON = date(2025, 6, 2)  # a Monday in summer time


# --- worked examples ----------------------------------------------------------------------


def test_a_normal_week_of_nine_to_five_gives_no_warnings():
    weekdays = [d for d in days(MON, 14) if d.weekday() < 5]
    entries = [shift(d, (9, 0), (17, 0)) for d in weekdays]
    for mode in ("fortnightly", "weekly"):
        r = rota(entries, weekly_rest=mode)
        assert check_working_time(r, local(MON), local(MON + timedelta(days=14))) == ()


def test_a_night_call_out_between_two_days_breaks_daily_rest():
    tue = MON + timedelta(days=1)
    entries = [
        shift(MON, (9, 0), (17, 0)),
        shift(MON, (17, 0), (9, 0), Kind.ON_CALL_OWN),  # standby at home: rest
        shift(tue, (2, 0), (4, 0), Kind.CALL_OUT),
        shift(tue, (9, 0), (17, 0)),
    ]
    warnings = check_working_time(rota(entries), local(MON), local(MON + timedelta(days=3)))
    assert warnings == (
        WorkingTimeWarning(
            midwife="m1",
            rule="daily_rest",
            start=local(MON, 9),
            end=local(tue, 9),
            value_hours=9.0,  # 17:00 to the 02:00 call-out
            limit_hours=11.0,
            after_call_out=True,
        ),
    )


def test_thirteen_hours_is_fine_fourteen_is_a_breach():
    window = (local(MON), local(MON + timedelta(days=3)))
    assert check_working_time(rota([shift(MON, (7, 30), (20, 30))]), *window) == ()
    warnings = check_working_time(rota([shift(MON, (7, 0), (21, 0))]), *window)
    assert [(w.rule, w.start, w.end, w.value_hours, w.after_call_out) for w in warnings] == [
        ("daily_rest", local(MON, 7), local(MON + timedelta(days=1), 7), 10.0, False)
    ]


def test_daily_rest_only_reports_duty_periods_starting_in_the_range():
    entries = [shift(MON, (7, 0), (21, 0)), shift(MON + timedelta(days=2), (7, 0), (21, 0))]
    warnings = check_working_time(rota(entries), local(MON, 12), local(MON + timedelta(days=3)))
    assert [w.start for w in warnings] == [local(MON + timedelta(days=2), 7)]


def test_seven_long_days_then_a_week_off_passes_fortnightly_but_not_weekly():
    entries = [shift(d, (8, 0), (20, 0)) for d in days(MON, 7)]
    window = (local(MON), local(MON + timedelta(days=14)))
    fortnightly = check_working_time(rota(entries), *window)
    assert [w for w in fortnightly if w.rule == "weekly_rest"] == []
    weekly = check_working_time(rota(entries, weekly_rest="weekly"), *window)
    assert [
        (w.rule, w.start, w.value_hours, w.limit_hours) for w in weekly if w.rule != "average_48h"
    ] == [("weekly_rest", local(MON), 12.0, 24.0)]


def test_fourteen_days_running_fails_fortnightly():
    entries = [shift(d, (9, 0), (17, 0)) for d in days(MON, 14)]
    warnings = check_working_time(rota(entries), local(MON), local(MON + timedelta(days=14)))
    assert [w for w in warnings if w.rule != "average_48h"] == [  # 56 h a week, too
        WorkingTimeWarning(
            midwife="m1",
            rule="weekly_rest",
            start=local(MON),
            end=local(MON + timedelta(days=14)),
            value_hours=16.0,
            limit_hours=48.0,
        ),
    ]


def test_two_separate_24_hour_rests_pass_fortnightly_and_a_47_hour_one_does_not():
    # Work every day but leave out 09:00 Wed to 09:00 Thu, and the same in the second week.
    def with_gaps(gaps: list[tuple[datetime, datetime]]) -> list[Entry]:
        out: list[Entry] = []
        cursor = local(MON)
        for s, e in gaps:
            out.append(Entry("m1", Kind.WORK, cursor, s))
            cursor = e
        out.append(Entry("m1", Kind.WORK, cursor, local(MON + timedelta(days=14))))
        return out

    window = (local(MON), local(MON + timedelta(days=14)))
    two = [
        (local(MON + timedelta(days=2), 9), local(MON + timedelta(days=3), 9)),
        (local(MON + timedelta(days=9), 9), local(MON + timedelta(days=10), 9)),
    ]
    assert [
        w for w in check_working_time(rota(with_gaps(two)), *window) if w.rule == "weekly_rest"
    ] == []
    short = [(local(MON + timedelta(days=2), 9), local(MON + timedelta(days=4), 8))]
    weekly = [
        w for w in check_working_time(rota(with_gaps(short)), *window) if w.rule == "weekly_rest"
    ]
    assert [(w.value_hours, w.limit_hours) for w in weekly] == [(47.0, 48.0)]


def _fifty_hour_weeks(opted_out: bool) -> tuple[WorkingTimeWarning, ...]:
    first = date(2025, 1, 6)  # 17 weeks from here cross the March clock change
    weekdays = [d for d in days(first, 17 * 7) if d.weekday() < 5]
    r = rota([shift(d, (8, 0), (18, 0)) for d in weekdays], opted_out=opted_out)
    warnings = check_working_time(r, local(first), local(first + timedelta(weeks=17)))
    assert all(w.rule == "average_48h" for w in warnings)
    assert [w.end for w in warnings] == [local(first + timedelta(weeks=k + 1)) for k in range(17)]
    assert {(w.start, w.value_hours, w.limit_hours) for w in warnings} == {
        (local(first), 50.0, 48.0)
    }
    return warnings


def test_seventeen_weeks_of_fifty_hours_breaks_the_average():
    warnings = _fifty_hour_weeks(opted_out=False)
    assert not any(w.opted_out for w in warnings)


def test_the_opt_out_keeps_the_warnings_but_flags_them():
    plain = _fifty_hour_weeks(opted_out=False)
    opted = _fifty_hour_weeks(opted_out=True)
    assert all(w.opted_out for w in opted)
    assert [(w.start, w.end, w.value_hours) for w in opted] == [
        (w.start, w.end, w.value_hours) for w in plain
    ]


def test_the_average_uses_a_rolling_reference_period():
    first = date(2025, 1, 6)
    # Week 0: 60 h; weeks 1-3: 40 h. With a 2-week reference: 60, 50, 40, 40.
    entries = [shift(d, (8, 0), (20, 0)) for d in days(first, 5)]
    entries += [
        shift(d, (9, 0), (17, 0)) for d in days(first + timedelta(days=7), 21) if d.weekday() < 5
    ]
    r = rota(entries, average_reference_weeks=2)
    warnings = check_working_time(r, local(first), local(first + timedelta(weeks=4)))
    assert [(w.start, w.end, w.value_hours) for w in warnings] == [
        (local(first), local(first + timedelta(weeks=1)), 60.0),
        (local(first), local(first + timedelta(weeks=2)), 50.0),
    ]


@pytest.mark.parametrize(
    ("monday", "hours"),
    [(date(2025, 10, 20), 169.0), (date(2025, 3, 24), 167.0), (date(2025, 6, 2), 168.0)],
)
def test_a_local_week_across_a_clock_change_has_its_real_length(monday, hours):
    sunday_after = monday + timedelta(days=7)
    r = rota([Entry("m1", Kind.WORK, local(monday), local(sunday_after))], weekly_rest="weekly")
    warnings = check_working_time(r, local(monday), local(sunday_after))
    average = [w for w in warnings if w.rule == "average_48h"]
    weekly = [w for w in warnings if w.rule == "weekly_rest"]
    assert [w.value_hours for w in average] == [hours]
    assert [(w.end - w.start) for w in weekly] == [timedelta(hours=hours)]
    assert [(w.start, w.end) for w in weekly] == [(local(monday), local(sunday_after))]


def test_a_night_shift_across_the_clock_change_has_its_true_length():
    # 20:00 Saturday to 08:00 Sunday local, 25 October 2025: 13 real hours, so no breach...
    sat = date(2025, 10, 25)
    r = rota([shift(sat, (20, 0), (8, 0))])
    assert check_working_time(r, local(sat), local(sat + timedelta(days=2))) == ()
    # ...but 19:30 to 08:00 is 13.5 real hours (12.5 on the clock): a breach.
    r = rota([shift(sat, (19, 30), (8, 0))])
    warnings = check_working_time(r, local(sat), local(sat + timedelta(days=2)))
    assert [(w.rule, w.value_hours) for w in warnings] == [("daily_rest", 10.5)]


def test_only_whole_weeks_inside_the_range_are_judged():
    entries = [shift(d, (9, 0), (17, 0)) for d in days(MON - timedelta(days=3), 30)]
    r = rota(entries, weekly_rest="weekly")
    # From Monday noon: the first whole week starts the next Monday; the range ends mid-week.
    warnings = check_working_time(r, local(MON, 12), local(MON + timedelta(days=17)))
    week = (local(MON + timedelta(days=7)), local(MON + timedelta(days=14)))
    assert [(w.rule, w.start, w.end) for w in warnings] == [
        ("average_48h", *week),  # 56 hours
        ("weekly_rest", *week),  # 16 hours' rest at most
    ]


def test_input_errors_name_the_field():
    good = rota([shift(MON, (9, 0), (17, 0))])
    with pytest.raises(CoverInputError) as exc:
        check_working_time(good, datetime(2025, 6, 2), local(MON + timedelta(days=1)))
    assert exc.value.path == "start"
    with pytest.raises(CoverInputError) as exc:
        check_working_time(good, local(MON + timedelta(days=1)), local(MON))
    assert exc.value.path == "end"
    stranger = Rota(TEAM, good.midwives, (Entry("m9", Kind.WORK, local(MON), local(MON, 1)),))
    with pytest.raises(CoverInputError) as exc:
        check_working_time(stranger, local(MON), local(MON, 2))
    assert exc.value.path == "entries[0].midwife"
    backwards = rota([Entry("m1", Kind.WORK, local(MON, 9), local(MON, 8))])
    with pytest.raises(CoverInputError) as exc:
        check_working_time(backwards, local(MON), local(MON, 12))
    assert exc.value.path == "entries[0].end"
    with pytest.raises(CoverInputError) as exc:
        check_working_time(rota([], weekly_rest="monthly"), local(MON), local(MON, 12))
    assert exc.value.path == "policy.weekly_rest"
    with pytest.raises(CoverInputError) as exc:
        check_working_time(rota([], timezone="Mars/Olympus"), local(MON), local(MON, 12))
    assert exc.value.path == "policy.timezone"


# --- property test against a per-minute reference -------------------------------------------

MIN = timedelta(minutes=1)
DAY_MIN = 1440
ARRAY_DAYS = 32
LEAD_DAYS = 2  # the array starts two days before the origin, ahead of every entry
# Origins: across the October change, across the March change, and a summer one off the hour.
ORIGINS = (
    datetime(2025, 10, 13, tzinfo=UTC),
    datetime(2025, 3, 17, tzinfo=UTC),
    datetime(2025, 6, 2, 7, 13, tzinfo=UTC),
)
KINDS = (Kind.WORK, Kind.WORK, Kind.CALL_OUT, Kind.ON_CALL_OWN, Kind.ON_CALL_TEAM, Kind.LEAVE)


@lru_cache
def monday_minutes(base: datetime) -> tuple[int, ...]:
    """Indices of the minutes that are Monday 00:00 in London, found minute by minute."""
    found = []
    for i in range(ARRAY_DAYS * DAY_MIN):
        t = (base + i * MIN).astimezone(LONDON)
        if t.weekday() == 0 and (t.hour, t.minute) == (0, 0):
            found.append(i)
    return tuple(found)


def rest_runs(working: list[bool], a: int, b: int) -> list[int]:
    runs, current = [], 0
    for i in range(a, b):
        if working[i]:
            if current:
                runs.append(current)
            current = 0
        else:
            current += 1
    if current:
        runs.append(current)
    return runs


def reference(r: Rota, base: datetime, ws: int, we: int) -> list[WorkingTimeWarning]:
    policy = r.policy
    n = ARRAY_DAYS * DAY_MIN

    def at(i: int) -> datetime:
        return base + i * MIN

    mondays = [m for m in monday_minutes(base) if m >= ws]
    weeks = [(a, b) for a, b in pairwise(mondays) if b <= we]
    out: list[WorkingTimeWarning] = []
    for midwife in r.midwives:
        working = [False] * n
        call_out = [False] * n
        for e in r.entries:
            if e.midwife != midwife.id or e.kind not in (Kind.WORK, Kind.CALL_OUT):
                continue
            s = (e.start - base) // MIN
            t = (e.end - base) // MIN
            for i in range(s, t):
                working[i] = True
                call_out[i] = call_out[i] or e.kind == Kind.CALL_OUT
        # Daily rest.
        rest_before = 10**9  # nothing before the array: rest
        for i in range(n):
            if not working[i]:
                rest_before += 1
                continue
            is_start = rest_before >= 660
            rest_before = 0
            if not is_start or not ws <= i < we:
                continue
            longest = max(rest_runs(working, i, i + DAY_MIN), default=0)
            if longest >= 660:
                continue
            end, gap = i, 0  # the duty period runs until a rest of 11 h begins
            while end + gap < n and gap < 660:
                if working[end + gap]:
                    end, gap = end + gap + 1, 0
                else:
                    gap += 1
            out.append(
                WorkingTimeWarning(
                    midwife.id,
                    "daily_rest",
                    at(i),
                    at(i + DAY_MIN),
                    round(longest / 60, 2),
                    11.0,
                    after_call_out=any(call_out[i:end]),
                )
            )
        # Weekly rest.
        if policy.weekly_rest == "weekly":
            periods, needed, limit = weeks, 1, 24.0
        else:
            periods = [(weeks[j][0], weeks[j + 1][1]) for j in range(0, len(weeks) - 1, 2)]
            needed, limit = 2, 48.0
        for a, b in periods:
            runs = rest_runs(working, a, b)
            if sum(run // DAY_MIN for run in runs) < needed:
                out.append(
                    WorkingTimeWarning(
                        midwife.id,
                        "weekly_rest",
                        at(a),
                        at(b),
                        round(max(runs, default=0) / 60, 2),
                        limit,
                    )
                )
        # The average.
        sums = [sum(working[a:b]) for a, b in weeks]
        for k, (_, b) in enumerate(weeks):
            first = max(0, k - policy.average_reference_weeks + 1)
            total, count = sum(sums[first : k + 1]), k + 1 - first
            if total * 60_000_000 / (count * 3_600_000_000) > 48:
                out.append(
                    WorkingTimeWarning(
                        midwife.id,
                        "average_48h",
                        at(weeks[first][0]),
                        at(b),
                        round(total * 60_000_000 / (count * 3_600_000_000), 2),
                        48.0,
                        opted_out=midwife.opted_out_48h,
                    )
                )
    return out


@st.composite
def rotas(draw: st.DrawFn) -> tuple[Rota, datetime, int, int]:
    base = draw(st.sampled_from(ORIGINS)) - timedelta(days=LEAD_DAYS)
    ids = ["a", "b"][: draw(st.integers(1, 2))]
    midwives = tuple(Midwife(i, "t1", opted_out_48h=draw(st.booleans())) for i in ids)
    step = draw(st.sampled_from([1, 15, 60]))
    entries = []

    def add(midwife: str, kind: Kind, s: int, length: int) -> None:
        zone = draw(st.sampled_from([UTC, LONDON]))  # the engine must not care
        start = (base + s * MIN).astimezone(zone)
        end = (base + (s + length) * MIN).astimezone(zone)
        entries.append(Entry(midwife, kind, start, end))

    # A dense run of shifts for some midwives, so that weekly rest is sometimes missed...
    for midwife in ids:
        if draw(st.booleans()):
            cursor = LEAD_DAYS * DAY_MIN + draw(st.integers(0, 2 * DAY_MIN // step)) * step
            while cursor < (LEAD_DAYS + 21) * DAY_MIN:
                length = draw(st.integers(1, 14 * 60 // step)) * step
                add(midwife, Kind.WORK, cursor, length)
                cursor += length + draw(st.integers(0, 30 * 60 // step)) * step
    # ...and entries of every kind anywhere, overlapping or not.
    for _ in range(draw(st.integers(0, 30))):
        s = LEAD_DAYS * DAY_MIN + draw(st.integers(0, 21 * DAY_MIN // step)) * step
        length = draw(st.integers(1, 16 * 60 // step)) * step
        add(draw(st.sampled_from(ids)), draw(st.sampled_from(KINDS)), s, length)
    policy = Policy(
        weekly_rest=draw(st.sampled_from(["fortnightly", "weekly"])),
        average_reference_weeks=draw(st.sampled_from([17, 2])),
    )
    ws = draw(st.integers(1 * DAY_MIN, 5 * DAY_MIN))
    we = draw(st.integers(ws + 6 * DAY_MIN, 29 * DAY_MIN))
    return Rota(TEAM, midwives, tuple(entries), policy=policy), base, ws, we


@settings(max_examples=60, deadline=None)
@given(rotas())
def test_rules_match_a_per_minute_reference(case):
    r, base, ws, we = case

    def key(w: WorkingTimeWarning) -> tuple[str, datetime, str, datetime]:
        return (w.midwife, w.start, w.rule, w.end)

    got = check_working_time(r, base + ws * MIN, base + we * MIN)
    assert list(got) == sorted(got, key=key)
    assert sorted(got, key=key) == sorted(reference(r, base, ws, we), key=key)
