"""Cover engine: who answers for 10,000 women at every 15 minutes of four weeks.

The instance is generated here (seeded `random.Random`), not by the demo generator: 35 teams of
8 midwives (30 continuity teams that promise 24/7 cover, 5 traditional teams), 10,000 women,
28 days from Monday 19 October 2026 in Europe/London, so the clocks go back in the middle of it.

- Continuity teams: weekday shifts 09:00-17:00 four or five days a week (buddy partners never
  off on the same weekday); each buddy pair keeps
  one of the two on call for their own women every night (17:00-09:00) and weekend day, with
  5% of those slots left empty; 20 of the 30 teams also run a team on-call rota (one midwife a
  slot, 3% left empty). Call-outs on some on-call nights (rest follows when they touch
  the legal night). Traditional teams work weekdays only: their women go to triage out of hours
  without it being a gap.
- About 12% of midwives take a week's annual leave, with a cover arrangement to their buddy
  partner; a few are off sick for one to three days (no arrangement) or on a study day; three
  leave and three join part-way through.
- Each woman has a named midwife in her team and a buddy (the named midwife's partner four times
  in five, otherwise another team member).

Measured: building the `Index`; `grid` for every woman at every 15 minutes (26,880,000
instants); `gaps` over the 28 days; and the naive baseline, a per-slot scan of the raw entries
with no index, on a random sample of women (100 quick, 300 full) at all 2,688 instants, checked
answer by answer against the grid. Quick tier: one timing of each; full tier: median of 3.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.common import emit, goal
from continuity.engines.cover.io import validate_rota
from continuity.engines.cover.model import (
    ABSENCE_KINDS,
    DUTY_KINDS,
    Arrangement,
    Entry,
    Kind,
    Midwife,
    Rota,
    Step,
    Team,
    Woman,
)
from continuity.engines.cover.resolve import STEP_CODES, Index

TZ = ZoneInfo("Europe/London")
START = date(2026, 10, 19)  # a Monday; the clocks go back on Sunday 25 October
DAYS = 28
TEAMS, CONTINUITY_TEAMS, TEAM_ROTA_TEAMS, PER_TEAM = 35, 30, 20, 8
WOMEN = 10_000
STEP = timedelta(minutes=15)
SLOTS = DAYS * 96
SEED = 2026
REST = 11 * 3600


def _wall(day: date, hour: int) -> datetime:
    extra, hour = divmod(hour, 24)
    return datetime.combine(day + timedelta(days=extra), clock(hour), tzinfo=TZ).astimezone(UTC)


@dataclass(frozen=True)
class Instance:
    rota: Rota
    women: tuple[Woman, ...]
    start: datetime
    end: datetime


def _instance(seed: int) -> Instance:
    rng = random.Random(seed)
    days = [START + timedelta(days=d) for d in range(DAYS)]
    teams = tuple(
        Team(f"T{t:02d}", name=f"Team {t}", promise_24_7=t < CONTINUITY_TEAMS) for t in range(TEAMS)
    )
    members = {t.id: [f"{t.id}-M{k}" for k in range(PER_TEAM)] for t in teams}
    partner = {}
    for ids in members.values():
        for a, b in zip(ids[::2], ids[1::2], strict=True):
            partner[a], partner[b] = b, a

    # Three continuity midwives leave part-way through and three join.
    cont_ids = [m for t in teams if t.promise_24_7 for m in members[t.id]]
    movers = rng.sample(cont_ids, 6)
    start_date = {m: START + timedelta(days=rng.randint(5, 15)) for m in movers[:3]}
    end_date = {m: START + timedelta(days=rng.randint(10, 20)) for m in movers[3:]}
    midwives = tuple(
        Midwife(m, t.id, name=m, start_date=start_date.get(m), end_date=end_date.get(m))
        for t in teams
        for m in members[t.id]
    )

    # A week's annual leave for about 12%, covered by the buddy partner.
    leave: dict[str, tuple[date, date]] = {}
    for m in rng.sample([m.id for m in midwives], round(0.12 * len(midwives))):
        monday = START + timedelta(weeks=rng.randrange(DAYS // 7))
        leave[m] = (monday, monday + timedelta(days=7))

    def working(m: str, day: date) -> bool:
        if m in start_date and day < start_date[m]:
            return False
        if m in end_date and day > end_date[m]:
            return False
        return not (m in leave and leave[m][0] <= day < leave[m][1])

    entries: list[Entry] = []
    absences: dict[str, list[tuple[date, date]]] = defaultdict(list)

    def add(m: str, kind: Kind, start: datetime, end: datetime) -> None:
        entries.append(Entry(m, kind, start, end))

    for m, (first, after) in leave.items():
        add(m, Kind.LEAVE, _wall(first, 0), _wall(after, 0))
        absences[m].append((first, after))

    for team in teams:
        ids = members[team.id]
        pairs = list(zip(ids[::2], ids[1::2], strict=True))
        team_rota = team.promise_24_7 and int(team.id[1:]) < TEAM_ROTA_TEAMS
        # Weekday shifts: four or five of the five weekdays, chosen week by week; partners
        # take different days off.
        off: dict[tuple[str, int], set[int]] = {}
        for a, b in pairs:
            for w in range(-(-DAYS // 7)):
                days_off = rng.sample(range(5), 2)
                off[(a, w)] = set(days_off[:1]) if rng.random() < 0.5 else set()
                off[(b, w)] = set(days_off[1:]) if rng.random() < 0.5 else set()
        for day in days:
            weekend = day.weekday() >= 5
            night_ok = [m for m in ids if working(m, day) and working(m, day + timedelta(days=1))]
            if not weekend:
                for m in ids:
                    if working(m, day) and day.weekday() not in off[(m, (day - START).days // 7)]:
                        add(m, Kind.WORK, _wall(day, 9), _wall(day, 17))
            if not team.promise_24_7:
                continue
            slots = [(17, 33, night_ok)]  # the night: 17:00 to 09:00 the next day
            if weekend:
                slots.append((9, 17, [m for m in ids if working(m, day)]))
            for begin, finish, free in slots:
                taken: set[str] = set()
                for pair in pairs:
                    can = [m for m in pair if m in free]
                    if can and rng.random() < 0.95:
                        m = rng.choice(can)
                        taken.add(m)
                        add(m, Kind.ON_CALL_OWN, _wall(day, begin), _wall(day, finish))
                        if begin == 17 and rng.random() < 0.08:
                            _call_out(rng, add, m, day)
                if team_rota:
                    can = [m for m in free if m not in taken]
                    if can and rng.random() < 0.97:
                        m = rng.choice(can)
                        add(m, Kind.ON_CALL_TEAM, _wall(day, begin), _wall(day, finish))
                        if begin == 17 and rng.random() < 0.2:
                            _call_out(rng, add, m, day)

    # Sickness (one to three whole days) and study days, never overlapping another absence.
    everyone = [m.id for m in midwives]
    for m in rng.sample(everyone, 8):
        first = rng.choice(days)
        span = (first, first + timedelta(days=rng.randint(1, 3)))
        if all(span[1] <= a or b <= span[0] for a, b in absences[m]):
            add(m, Kind.SICKNESS, _wall(span[0], 0), _wall(span[1], 0))
            absences[m].append(span)
    for m in rng.sample(everyone, 12):
        day = rng.choice([d for d in days if d.weekday() < 5])
        if all(day + timedelta(days=1) <= a or b <= day for a, b in absences[m]):
            add(m, Kind.STUDY, _wall(day, 9), _wall(day, 17))

    arrangements = tuple(
        Arrangement(partner[m], m, _wall(first, 0), _wall(after, 0))
        for m, (first, after) in leave.items()
    )
    rota = Rota(teams, midwives, tuple(entries), arrangements)

    women = []
    for k in range(WOMEN):
        team = teams[k % TEAMS]
        named = rng.choice(members[team.id])
        buddy = partner[named]
        if rng.random() >= 0.8:
            buddy = rng.choice([m for m in members[team.id] if m != named])
        women.append(Woman(f"W{k:05d}", team.id, named, buddy))
    return Instance(rota, tuple(women), _wall(START, 0), _wall(START + timedelta(days=DAYS), 0))


def _call_out(rng: random.Random, add: Any, m: str, day: date) -> None:
    """A call-out during a night on call (17:00-09:00): starting 21:00-05:00, 1-4 hours."""
    start = _wall(day, 17) + timedelta(minutes=rng.randrange(4 * 60, 12 * 60, 15))
    end = min(start + timedelta(minutes=rng.randrange(60, 241, 15)), _wall(day, 33))
    add(m, Kind.CALL_OUT, start, end)


# -- the naive baseline ----------------------------------------------------------------------------


def _touches_night(start: int, end: int) -> bool:
    """Whether a whole-minute interval meets 23:00-06:00 local time, minute by minute."""
    for t in range(start, end, 60):
        hour = datetime.fromtimestamp(t, TZ).hour
        if hour >= 23 or hour < 6:
            return True
    return False


def _naive(inst: Instance, sample: list[int], times: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """For each sampled woman and instant, walk the chain by scanning the raw entries of each
    midwife in it: (midwife index or -1, step code) arrays of shape (len(sample), len(times))."""
    rota = inst.rota
    number = {m.id: n for n, m in enumerate(rota.midwives)}
    far = 2**62
    employed = {}
    for midwife in rota.midwives:
        lo = -far if midwife.start_date is None else int(_wall(midwife.start_date, 0).timestamp())
        hi = far if midwife.end_date is None else int(_wall(midwife.end_date, 24).timestamp())
        employed[midwife.id] = (lo, hi)
    raw: dict[str, list[tuple[bool, bool, bool, int, int]]] = defaultdict(list)
    team_calls: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    team_of = {m.id: m.team for m in rota.midwives}
    for entry in rota.entries:
        s, end = int(entry.start.timestamp()), int(entry.end.timestamp())
        night = entry.kind == Kind.CALL_OUT and _touches_night(s, end)
        kinds = (entry.kind in DUTY_KINDS, entry.kind in ABSENCE_KINDS)
        raw[entry.midwife].append((*kinds, night, s, end))
        if entry.kind == Kind.ON_CALL_TEAM:
            team_calls[team_of[entry.midwife]].append((s, end, entry.midwife))
    # Her place on the team rota is the start of her shift: one midwife's back-to-back team
    # on-call entries (a Friday night then a Saturday day) are one shift.
    for team, calls in team_calls.items():
        shifts: list[tuple[int, int, str]] = []
        for s, end, m in sorted(calls, key=lambda c: (c[2], c[0])):
            if shifts and shifts[-1][2] == m and s <= shifts[-1][1]:
                shifts[-1] = (shifts[-1][0], max(end, shifts[-1][1]), m)
            else:
                shifts.append((s, end, m))
        team_calls[team] = shifts
    covers = [
        (a.covered, int(a.start.timestamp()), int(a.end.timestamp()), a.covering)
        for a in rota.arrangements
    ]

    def free(m: str, t: int) -> bool:
        lo, hi = employed[m]
        if t < lo or t >= hi:
            return False
        duty = False
        for is_duty, is_absence, night, s, e in raw[m]:
            if s <= t < e:
                if is_absence:
                    return False
                if is_duty:
                    duty = True
            if night and e <= t < e + REST:
                return False
        return duty

    code = {s: n for n, s in enumerate(STEP_CODES)}
    who = np.full((len(sample), len(times)), -1, dtype=np.int32)
    steps = np.zeros((len(sample), len(times)), dtype=np.uint8)
    for i, w in enumerate(sample):
        woman = inst.women[w]
        for k, t in enumerate(times):
            step: Step = Step.TRIAGE
            answer: str | None = None
            if woman.named is not None and free(woman.named, t):
                step, answer = Step.NAMED, woman.named
            if answer is None and woman.named is not None:
                for covered, s, e, covering in covers:
                    if covered == woman.named and s <= t < e and free(covering, t):
                        step, answer = Step.COVER, covering
                        break
            if answer is None and woman.buddy is not None and free(woman.buddy, t):
                step, answer = Step.BUDDY, woman.buddy
            if answer is None:
                best: tuple[int, str] | None = None
                for s, e, m in team_calls[woman.team]:
                    if s <= t < e and free(m, t) and (best is None or (s, m) < best):
                        best = (s, m)
                if best is not None:
                    step, answer = Step.TEAM_ON_CALL, best[1]
            steps[i, k] = code[step]
            if answer is not None:
                who[i, k] = number[answer]
    return who, steps


# -- the run ---------------------------------------------------------------------------------------


def _timed(repeats: int, work: Any) -> tuple[float, list[float], Any]:
    seconds, result = [], None
    for _ in range(repeats):
        result = None  # let the last result go before the next run
        t0 = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds), [round(s, 4) for s in seconds], result


def run(full: bool = False) -> dict[str, Any]:
    repeats = 3 if full else 1
    sample_size = 300 if full else 100
    t0 = time.perf_counter()
    inst = _instance(SEED)
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    validate_rota(inst.rota)
    validated = time.perf_counter() - t0
    rota, women = inst.rota, inst.women
    kinds: dict[str, int] = defaultdict(int)
    for e in rota.entries:
        kinds[e.kind.value] += 1
    results: list[dict[str, Any]] = [
        {
            "measure": "instance",
            "women": len(women),
            "midwives": len(rota.midwives),
            "teams": len(rota.teams),
            "teams_24_7": sum(t.promise_24_7 for t in rota.teams),
            "entries": len(rota.entries),
            "entries_by_kind": dict(sorted(kinds.items())),
            "arrangements": len(rota.arrangements),
            "start": inst.start.isoformat(),
            "end": inst.end.isoformat(),
            "hours": (inst.end - inst.start) / timedelta(hours=1),
            "generate_seconds": round(generated, 3),
            "validate_seconds": round(validated, 3),
        }
    ]

    build_s, build_runs, index = _timed(repeats, lambda: Index(rota))
    results.append({"measure": "build Index", "seconds": round(build_s, 4), "runs": build_runs})

    instants = len(women) * SLOTS
    grid_s, grid_runs, grid = _timed(repeats, lambda: index.grid(women, inst.start, STEP, SLOTS))
    results.append(
        {
            "measure": "grid",
            "instants": instants,
            "step_minutes": 15,
            "slots": SLOTS,
            "seconds": round(grid_s, 4),
            "runs": grid_runs,
            "instants_per_second": round(instants / grid_s),
            "memory_mb": round((grid.who.nbytes + grid.steps.nbytes) / 2**20, 1),
        }
    )

    gaps_s, gaps_runs, found = _timed(repeats, lambda: index.gaps(women, inst.start, inst.end))
    affected = {w for g in found for w in g.women}
    # The same holes seen by the grid: 24/7 women at triage, slot by slot.
    triage = np.uint8(STEP_CODES.index(Step.TRIAGE))
    promise = {t.id: t.promise_24_7 for t in rota.teams}
    on_promise = np.array([promise[w.team] for w in women])
    grid_gap_slots = int(((grid.steps == triage) & on_promise[:, None]).sum())
    start_s, step_s = int(inst.start.timestamp()), int(STEP.total_seconds())
    gap_slots = 0
    for g in found:
        first = -(-(int(g.start.timestamp()) - start_s) // step_s)
        last = -(-(int(g.end.timestamp()) - start_s) // step_s)
        gap_slots += len(g.women) * max(0, min(last, SLOTS) - first)
    results.append(
        {
            "measure": "gaps",
            "seconds": round(gaps_s, 4),
            "runs": gaps_runs,
            "intervals": len(found),
            "intervals_with_women": sum(1 for g in found if g.women),
            "team_uncovered_intervals": sum(1 for g in found if g.team_uncovered),
            "teams_with_gaps": len({g.team for g in found}),
            "women_affected": len(affected),
            "woman_hours_in_gaps": round(
                sum(len(g.women) * (g.end - g.start) / timedelta(hours=1) for g in found), 1
            ),
            "gap_slots_from_gaps": gap_slots,
            "gap_slots_from_grid": grid_gap_slots,
        }
    )

    rng = random.Random(SEED + 1)
    sample = sorted(rng.sample(range(len(women)), sample_size))
    times = [start_s + k * step_s for k in range(SLOTS)]
    t0 = time.perf_counter()
    naive_who, naive_steps = _naive(inst, sample, times)
    naive_s = time.perf_counter() - t0
    mismatches = int(((naive_who != grid.who[sample]) | (naive_steps != grid.steps[sample])).sum())
    naive_rate = sample_size * SLOTS / naive_s
    speed_up = (instants / grid_s) / naive_rate
    results.append(
        {
            "measure": "naive per-slot scan",
            "sample_women": sample_size,
            "instants": sample_size * SLOTS,
            "seconds": round(naive_s, 3),
            "instants_per_second": round(naive_rate),
            "extrapolated_seconds_all_women": round(instants / naive_rate, 1),
            "mismatches": mismatches,
            "speed_up": round(speed_up, 1),
        }
    )
    steps_seen = np.bincount(grid.steps.ravel(), minlength=len(STEP_CODES))
    results.append(
        {
            "measure": "answers by step (grid)",
            **{
                s.value: round(int(n) / instants, 4)
                for s, n in zip(STEP_CODES, steps_seen, strict=True)
            },
        }
    )

    goals = [
        goal(
            "10,000 women × 28 days at 15-minute resolution resolved (grid on a built Index"
            + (", median of 3)" if full else ")"),
            grid_s,
            "s",
            "<= 1",
        ),
        goal(
            f"naive per-slot scan agrees with the index ({sample_size} women × {SLOTS} instants)",
            mismatches,
            "mismatches",
            "<= 0",
        ),
        goal("speed-up over the naive per-slot scan", speed_up, "×", ">= 100"),
    ]
    return emit("cover", results, goals)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    run(full=parser.parse_args().full)
