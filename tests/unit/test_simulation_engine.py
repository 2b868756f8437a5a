from __future__ import annotations

import json
import math
import random
import statistics
from dataclasses import replace

import pytest

from continuity.engines.simulation import (
    METRICS,
    Scenario,
    SimulationInputError,
    result_to_dict,
    run,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
    simulate_year,
)
from continuity.engines.simulation.caseload import (
    DAYS,
    allocate,
    buddies,
    leave_near,
    month_key,
    placing_order,
)
from continuity.engines.simulation.cli import main
from continuity.engines.simulation.draw import ONSET_BY_HOUR, PRESENT, draw_births, touches_night
from continuity.engines.simulation.run import quantile, summarise
from continuity.engines.simulation.sim import Year
from continuity.engines.simulation.visits import Rounds, contacts, woman_visits
from continuity.engines.simulation.wtr import (
    daily_rest_breaches,
    exceeds_average,
    merge,
    weekly_rest_breaches,
    worked,
)

# Four teams of six full-time midwives: room for 4 × 6 × 36 = 864 women a year.
SMALL = Scenario(teams=4, midwives_per_team=6, births_per_year=800)
# Nobody is ever away, no rest rule, labours of a few seconds: the named midwife can always come.
IDEAL = replace(
    SMALL,
    leave_weeks_per_wte=0,
    sickness_rate=0,
    study_days=0,
    rest_hours=0,
    labour_mean_hours=0.01,
    labour_sd_hours=0,
)
# The default service: 18 teams of 8, 5,000 births (room for 5,184).
SERVICE = Scenario(teams=18, midwives_per_team=8, births_per_year=5000)


def year_of(scenario: Scenario, seed: int) -> Year:
    year = Year(scenario, random.Random(seed))
    year.run()
    return year


# -- reproducibility ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not():
    first = result_to_dict(run(SMALL, 3, seed=7))
    assert result_to_dict(run(SMALL, 3, seed=7)) == first
    other = result_to_dict(run(SMALL, 3, seed=8))
    assert other["runs"] != first["runs"]
    assert first["seeds"] == [7, 8, 9]
    assert other["runs"][:2] == first["runs"][1:]  # replication k uses seed + k


def test_the_worker_count_never_changes_the_result():
    assert result_to_dict(run(SMALL, 4, seed=3, workers=2)) == result_to_dict(
        run(SMALL, 4, seed=3, workers=1)
    )


# -- conservation -------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["named_on_call", "team_rota", "mix"])
def test_every_birth_on_the_pathway_is_in_exactly_one_category(policy):
    for seed in range(2):
        year = simulate_year(replace(SMALL, policy=policy, births_per_year=1000), seed)
        assert year.births == 1000
        assert year.on_pathway == 864 and year.unplaced == 1000 - 864
        assert year.named + year.buddy + year.team + year.other == year.on_pathway
        total = year.pct_named + year.pct_buddy + year.pct_team + year.pct_other
        assert math.isclose(total, 100.0, abs_tol=1e-9)
        assert year.named + year.buddy <= year.known <= year.named + year.buddy + year.team
        assert year.unplaced_priority + year.unplaced_others == year.unplaced
        assert year.priority_on_pathway + year.unplaced_priority == year.priority_births


def test_every_visit_is_done_once_by_someone():
    year = year_of(SMALL, 1)
    outcome = simulate_year(SMALL, 1)
    released = sum(len(day) for day in year.rounds.by_day)
    assert outcome.contacts == released > 0
    assert (
        outcome.contacts_named
        + outcome.contacts_buddy
        + outcome.contacts_team
        + outcome.contacts_other
        == outcome.contacts
    )
    assert outcome.pct_contacts_named < outcome.pct_contacts_named_or_buddy
    shares = (
        outcome.pct_contacts_named_or_buddy + outcome.pct_contacts_team + outcome.pct_contacts_other
    )
    assert math.isclose(shares, 100.0, abs_tol=1e-9)
    assert outcome.wtr_breaches == (
        outcome.rest_breaches + outcome.weekly_rest_breaches + outcome.average_hours_breaches
    )


def test_the_summary_covers_every_output_and_its_interval_contains_the_mean():
    result = run(SMALL, 5, seed=1)
    assert [s.metric for s in result.summaries] == list(METRICS)
    for summary in result.summaries:
        assert summary.low is not None and summary.high is not None
        assert summary.low <= summary.mean <= summary.high
    one = run(SMALL, 1, seed=1).summary("pct_named")
    assert one.half_width is None and one.low is None


def test_intervals_shrink_as_replications_grow():
    few = run(SMALL, 5, seed=11)
    many = run(SMALL, 40, seed=11, workers=2)
    assert few.interval_method == "t" and many.interval_method == "normal"
    for metric in ("pct_named", "pct_known", "pct_contacts_named", "rest_breaches"):
        small, large = few.summary(metric).half_width, many.summary(metric).half_width
        assert small is not None and large is not None
        assert large < small


def test_the_quantiles():
    assert quantile(5) == (pytest.approx(2.776, abs=1e-3), "t")
    assert quantile(29)[1] == "t"
    assert quantile(30) == (pytest.approx(1.96, abs=1e-3), "normal")


# -- allocation ---------------------------------------------------------------------------------


def reference_allocate(edds, midwives, capacity, max_per_month, order, near):
    """The allocation rule written the slow, obvious way."""
    load = [0] * midwives
    month_load: dict[tuple[int, int], int] = {}
    named: list[int | None] = [None] * len(edds)
    for w in order:
        month = month_key(edds[w])
        room = [
            m
            for m in range(midwives)
            if load[m] < capacity and month_load.get((m, month), 0) < max_per_month
        ]
        clear = [m for m in room if not near[m][edds[w] % DAYS]]
        pool = clear or room
        if not pool:
            continue
        m = min(pool, key=lambda x: (load[x], x))
        named[w] = m
        load[m] += 1
        month_load[(m, month)] = month_load.get((m, month), 0) + 1
    return named


def test_allocation_matches_the_obvious_rule_on_random_cases():
    rng = random.Random(5)
    for _ in range(60):
        midwives = rng.randint(1, 6)
        women = rng.randint(0, 60)
        edds = [rng.randint(-20, 420) for _ in range(women)]
        if rng.random() < 0.8:
            edds.sort()  # booking order, as the simulation gives them
        priority = [rng.random() < 0.4 for _ in range(women)]
        order = placing_order(priority, rng.random() < 0.5)
        near = [
            leave_near([rng.random() < 0.1 for _ in range(DAYS)], rng.choice([0, 3, 14]))
            for _ in range(midwives)
        ]
        capacity, per_month = rng.randint(0, 15), rng.randint(1, 4)
        expected = reference_allocate(edds, midwives, capacity, per_month, order, near)
        got = allocate(
            edds, midwives, capacity, max_per_month=per_month, order=order, near_leave=near
        )
        assert got == expected


def test_allocation_basics_and_buddies():
    assert allocate([1, 2, 3, 4, 5], 2, 2, max_per_month=31) == [0, 1, 0, 1, None]
    assert allocate([1, 2], 3, 0, max_per_month=31) == [None, None]
    # Four women due in January, at most two a month each: the last two miss out.
    assert allocate([5, 6, 7, 8], 1, 10, max_per_month=2) == [0, 0, None, None]
    # Midwife 0 has leave near day 100, so midwife 1 takes the woman due then.
    near = [leave_near([d == 110 for d in range(DAYS)], 14), bytes(DAYS)]
    assert allocate([100], 2, 5, max_per_month=4, near_leave=near) == [1]
    # ... but once midwife 1 is full, midwife 0 takes the next, leave or not.
    assert allocate([97, 100], 2, 1, max_per_month=4, near_leave=near) == [1, 0]
    assert placing_order([False, True, False, True], True) == [1, 3, 0, 2]
    assert placing_order([False, True], False) == [0, 1]
    assert month_key(0) == 0 and month_key(-1) == -1 and month_key(365) == 12
    assert buddies(2, 2) == [1, 0, 3, 2]
    assert buddies(1, 3) == [1, 0, 0]
    assert buddies(2, 1) == [None, None]


def test_leave_near_looks_round_the_year():
    near = leave_near([d == 2 for d in range(DAYS)], 5)
    assert near[0] and near[7] and near[DAYS - 3] and not near[8] and not near[DAYS - 4]
    assert leave_near([False] * DAYS, 14) == bytes(DAYS)


def test_the_monthly_cap_limits_women_due_in_one_month():
    january = replace(
        SMALL, seasonality=(1.0,) + (0.0,) * 11, max_births_per_month=2, births_per_year=400
    )
    year = simulate_year(january, 1)
    # Due dates fall only in January (of this year and of next), so at most 2 × 2 per midwife.
    assert year.on_pathway <= 2 * 2 * january.midwives
    assert year.on_pathway >= 2 * january.midwives  # this January alone fills every midwife
    # The default limit is her year's share of a month, 36 / 12 = 3, below the cap of 4 ...
    default = replace(january, max_births_per_month=4)
    assert default.monthly_limit == 3
    assert 3 * default.midwives <= simulate_year(default, 1).on_pathway <= 2 * 3 * 24
    # ... and with a large caseload the cap alone binds; at 31 a month nobody is left out.
    roomy = replace(january, max_births_per_month=31, caseload_per_wte=400)
    assert roomy.monthly_limit == 31
    assert simulate_year(roomy, 1).on_pathway == 400


def test_avoiding_leave_near_the_due_date_keeps_more_births_with_the_named_midwife():
    plain = replace(SMALL, rest_hours=0, labour_mean_hours=0.01, labour_sd_hours=0)
    with_buffer = run(plain, 8, seed=2).summary("pct_named").mean
    on_edd_only = run(replace(plain, leave_buffer_days=0), 8, seed=2).summary("pct_named").mean
    assert with_buffer > on_edd_only + 1.5


# -- visits -------------------------------------------------------------------------------------


def test_the_nice_contacts_for_one_woman():
    schedule = contacts("nice_ng201", False)
    edd = 300
    born_at_40 = 24.0 * edd + 10.0  # labour ends at 10:00 on her due date
    first = woman_visits(0, edd, born_at_40, True, schedule, defer=3)
    antenatal = [v for v in first if v[2][3]]
    # Booking, 16, 25, 28, 31, 34, 36, 38: the 40- and 41-week contacts fall on or after birth.
    assert len(antenatal) == 8
    assert antenatal[0][0] == edd - 280 + 56  # the booking at 8+0
    assert antenatal[0][2][2] == pytest.approx(2.0)  # a continuity booking takes 120 minutes
    assert antenatal[1][2][2] == pytest.approx(40 / 60)
    assert len([v for v in woman_visits(0, edd, born_at_40, False, schedule, 3) if v[2][3]]) == 6
    postnatal = [v for v in first if not v[2][3]]
    # First visit (within 36 hours), blood spot (day 5), discharge (day 10); the newborn
    # examination and the 6-8 week check are done by the hospital and the GP.
    assert [v[0] - edd for v in postnatal] == [1, 5, 10]
    assert [v[1] - edd for v in postnatal] == [1, 8, 13]  # waiting at most 3 days, or to 36 hours
    six_weeks = contacts("nice_ng201", True)
    later = [v for v in woman_visits(0, edd, born_at_40, True, six_weeks, 3) if not v[2][3]]
    assert [v[0] - edd for v in later] == [1, 5, 10, 21, 28, 35, 42]
    assert all(target <= last for target, last, _ in first)


def test_the_who_schedule_has_eight_contacts_for_everyone():
    schedule = contacts("who_2016", False)
    late = woman_visits(0, 300, 24.0 * 307, False, schedule, defer=0)
    assert len([v for v in late if v[2][3]]) == 8
    assert all(target == last for target, last, _ in late)  # no waiting allowed


def test_with_nobody_away_every_contact_is_with_the_named_midwife():
    year = simulate_year(replace(IDEAL, max_visits_per_day=20), 1)
    assert year.contacts > 800 * 8
    # Only a labour starting during her round hands the rest of it to her buddy.
    assert year.pct_contacts_named > 98
    assert year.pct_contacts_named_or_buddy == 100.0
    assert year.visits_moved_after_night == 0


def test_a_night_call_out_moves_next_day_visits_to_the_buddy():
    result = run(SMALL, 3, seed=1)
    assert result.summary("visits_moved_after_night").mean > 0
    assert result.summary("pct_contacts_named").mean > 70
    assert result.summary("pct_contacts_named_or_buddy").mean > 90
    no_rest = run(replace(SMALL, rest_hours=0), 3, seed=1)
    assert no_rest.summary("visits_moved_after_night").mean == 0


def test_a_small_daily_cap_hands_visits_on():
    roomy = run(SMALL, 2, seed=3).summary("pct_contacts_named").mean
    tight = run(replace(SMALL, max_visits_per_day=1), 2, seed=3).summary("pct_contacts_named")
    assert tight.mean < roomy - 5


def test_travel_adds_a_leg_before_each_visit_and_one_home():
    no_travel = simulate_year(replace(SMALL, travel_minutes_per_leg=0), 4)
    assert no_travel.travel_hours_per_midwife_week == 0
    some = simulate_year(SMALL, 4)
    more = simulate_year(replace(SMALL, travel_minutes_per_leg=30), 4)
    assert more.travel_hours_per_midwife_week == pytest.approx(
        2 * some.travel_hours_per_midwife_week, rel=0.05
    )
    assert more.visit_hours_per_midwife_week > some.visit_hours_per_midwife_week
    assert some.visit_hours_per_midwife_week < some.work_hours_per_midwife_week


def rounds_for(by_day, *, busy=None, rest_until=None, absent=None, cap=6):
    """Rounds for one team of four (buddies 0-1, 2-3); woman w's named midwife is w % 4."""
    return Rounds(
        per_team=4,
        named=[w % 4 for w in range(8)],
        buddy_of=[1, 0, 3, 2],
        absent=absent or [bytearray(DAYS) for _ in range(4)],
        busy=busy or [False] * 4,
        rest_until=rest_until or [-math.inf] * 4,
        by_day=by_day,
        start_hour=9,
        max_per_day=cap,
        travel_hours=0.25,
    )


def test_a_round_and_a_call_out_during_it():
    by_day = [[] for _ in range(DAYS)]
    by_day[0] = [(3, 0, 1.0, True), (3, 4, 1.0, True), (3, 1, 0.5, False)]
    rounds = rounds_for(by_day)
    rounds.day(0)
    # Midwife 0: 09:15-10:15 and 10:30-11:30, home by 11:45. Midwife 1: 09:15-09:45, home 10:00.
    assert rounds.rounds[0] == [[9.0, 11.75]]
    assert rounds.rounds[1] == [[9.0, 10.0]]
    rounds.busy[0] = True
    rounds.call_out(0, 10.2)  # called out during her first visit: the second goes to her buddy
    assert rounds.rounds[0] == [[9.0, 10.2]]
    assert rounds.rounds[1] == [[9.0, 10.0], [10.2, 11.7]]
    rounds.close()
    assert rounds.contacts == {"named": 2, "buddy": 1, "team": 0, "other": 0}
    # Midwife 0: the leg to her first visit. Her buddy: two for her own visit, two for the new.
    assert rounds.legs == 1 + 2 + 2


def test_visits_wait_for_the_named_midwife_then_go_to_the_buddy_or_the_team():
    by_day = [[] for _ in range(DAYS)]
    by_day[0] = [(2, 0, 1.0, True), (0, 4, 1.0, True)]
    absent = [bytearray(DAYS) for _ in range(4)]
    absent[0][0:3] = b"\x01\x01\x01"  # midwife 0 on leave on days 0 to 2
    absent[1][0] = 1  # her buddy too, on day 0
    rounds = rounds_for(by_day, absent=absent)
    rounds.day(0)
    # Woman 4's visit cannot wait: the team midwife with fewest visits (2) takes it.
    assert rounds.today[2][1][0][1] == 4
    assert [v[1] for v in rounds.pending] == [0]
    rounds.day(1)
    assert [v[1] for v in rounds.pending] == [0]  # waits: her last day is day 2
    rounds.day(2)
    assert rounds.today[1][1][0][1] == 0  # the buddy, on the last day
    rounds.close()
    assert rounds.contacts == {"named": 0, "buddy": 1, "team": 1, "other": 0}
    assert rounds.visitors == {4: {2}}


def test_a_midwife_resting_after_a_night_call_out_hands_her_visits_to_her_buddy():
    by_day = [[] for _ in range(DAYS)]
    by_day[0] = [(3, 0, 1.0, False)]
    rounds = rounds_for(by_day, rest_until=[14.0, -math.inf, -math.inf, -math.inf])
    rounds.day(0)
    assert 1 in rounds.today and rounds.moved_after_night == 1


def test_nobody_free_means_the_visit_is_seen_elsewhere():
    by_day = [[] for _ in range(DAYS)]
    by_day[0] = [(0, 0, 1.0, True)]
    rounds = rounds_for(by_day, busy=[True] * 4)
    rounds.day(0)
    rounds.close()
    assert rounds.contacts["other"] == 1


# -- working time -------------------------------------------------------------------------------


def test_daily_rest():
    assert merge([(1.0, 2.0), (2.0, 3.0), (5.0, 5.0), (0.5, 1.5)]) == [(0.5, 3.0)]
    # A round 09:00-15:00 then a call-out 20:00-04:00: one duty period of 19 hours.
    assert daily_rest_breaches([(9.0, 15.0), (20.0, 28.0)], 11.0) == 1
    # A round 09:00-13:00 and a labour 15:00-22:00: 11 hours' rest before 09:00 the next day.
    assert daily_rest_breaches([(9.0, 13.0), (15.0, 22.0), (33.0, 36.0)], 11.0) == 0
    assert daily_rest_breaches([(0.0, 14.0)], 11.0) == 1  # a 14-hour labour
    assert daily_rest_breaches([(0.0, 14.0)], 0.0) == 0  # the rule switched off


def test_weekly_rest():
    assert weekly_rest_breaches([]) == 0
    every_day = [(24.0 * d + 9, 24.0 * d + 17) for d in range(DAYS)]
    assert weekly_rest_breaches(every_day) == 26  # every whole fortnight of the year
    one_day_off = [(24.0 * d + 9, 24.0 * d + 17) for d in range(DAYS) if d % 7 != 6]
    assert weekly_rest_breaches(one_day_off) == 0  # 40 hours off each week: two 24s a fortnight
    two_days_off = [(24.0 * d + 9, 24.0 * d + 17) for d in range(DAYS) if d % 14 not in (5, 6)]
    assert weekly_rest_breaches(two_days_off) == 0  # one rest of 64 hours a fortnight


def test_the_48_hour_average():
    long_days = [(24.0 * d + 8, 24.0 * d + 17) for d in range(DAYS)]  # 63 hours a week
    assert exceeds_average(long_days)
    office = [(24.0 * d + 9, 24.0 * d + 17) for d in range(DAYS) if d % 7 < 5]  # 40 a week
    assert not exceeds_average(office)


def test_the_48_hour_average_in_one_pass_matches_summing_each_period():
    rng = random.Random(3)
    period = 17 * 7 * 24.0
    for _ in range(300):
        starts = [rng.uniform(0, 9000) for _ in range(rng.randint(0, 300))]
        work = merge([(a, a + rng.uniform(0, 60)) for a in starts])
        slow = any(worked(work, k * period, (k + 1) * period) > 48 * 17 for k in range(3))
        assert exceeds_average(work) == slow


def test_heavy_work_breaks_the_48_hour_average_unless_the_midwives_opted_out():
    heavy = Scenario(
        teams=2,
        midwives_per_team=4,
        births_per_year=1500,
        caseload_per_wte=200,
        max_births_per_month=31,
        labour_mean_hours=20,
        travel_minutes_per_leg=60,
        max_visits_per_day=12,
    )
    year = simulate_year(heavy, 1)
    assert year.work_hours_per_midwife_week > 48
    assert year.average_hours_breaches > 0
    assert simulate_year(replace(heavy, opt_out_48h=True), 1).average_hours_breaches == 0


# -- the model ----------------------------------------------------------------------------------


def test_no_rest_rule_means_no_rest_conflicts():
    assert run(replace(SMALL, rest_hours=0), 2, seed=1).summary("rest_conflicts").mean == 0
    assert run(SMALL, 2, seed=1).summary("rest_conflicts").mean > 0


def test_on_call_hours_follow_the_policy():
    hours = {
        policy: simulate_year(replace(SMALL, policy=policy), 4).on_call_hours_per_midwife_month
        for policy in ("named_on_call", "mix", "team_rota")
    }
    # named: 24 h on every present day; team rota: 24 h one day in six (absences aside).
    assert hours["named_on_call"] == pytest.approx(24 * 365 / 12 * 0.83, rel=0.03)
    assert hours["team_rota"] == pytest.approx(24 * 365 / 12 / 6, rel=0.02)
    assert hours["team_rota"] < hours["mix"] < hours["named_on_call"]


def test_births_follow_the_gestation_distribution_and_the_night_peak():
    scenario = replace(SMALL, births_per_year=20000)
    births = draw_births(scenario, random.Random(1))
    preterm = sum(1 for b in births if 280 + b.day - b.edd_day < 259) / len(births)
    assert preterm == pytest.approx(0.08, abs=0.01)
    night = sum(1 for b in births if b.onset % 24 >= 23 or b.onset % 24 < 6) / len(births)
    assert night == pytest.approx(0.38, abs=0.015)
    expected = sum(ONSET_BY_HOUR[h] for h in (23, 0, 1, 2, 3, 4, 5)) / sum(ONSET_BY_HOUR)
    assert expected == pytest.approx(0.38, abs=0.005)
    assert all(0 <= b.onset < 365 * 24 for b in births)
    assert [b.edd_day for b in births] == sorted(b.edd_day for b in births)
    durations = [b.duration for b in births]
    assert sum(durations) / len(durations) == pytest.approx(8.0, rel=0.03)
    assert sum(b.nulliparous for b in births) / len(births) == pytest.approx(0.4, abs=0.015)
    assert sum(b.priority for b in births) / len(births) == pytest.approx(0.4, abs=0.015)


def test_seasonality_moves_births_between_months():
    busy_july = replace(SMALL, births_per_year=20000, seasonality=(1.0,) * 6 + (3.0,) + (1.0,) * 5)
    births = draw_births(busy_july, random.Random(2))
    july = sum(1 for b in births if 181 <= b.day < 212)
    january = sum(1 for b in births if b.day < 31)
    assert july > 1.8 * january


def test_touches_night():
    assert touches_night(22.0, 23.5)
    assert not touches_night(20.0, 23.0)  # ending at 23:00 does not touch the night
    assert not touches_night(6.0, 22.0)
    assert touches_night(5.5, 7.0)
    assert touches_night(24 * 10 + 2, 24 * 10 + 3)
    assert touches_night(8.0, 40.0)  # through a whole night


def test_more_midwives_leave_fewer_women_unplaced():
    crowded = Scenario(teams=2, midwives_per_team=5, births_per_year=600)
    unplaced = [
        run(replace(crowded, midwives_per_team=n), 2, seed=1).summary("unplaced").mean
        for n in (5, 6, 8, 12)
    ]
    assert unplaced == sorted(unplaced, reverse=True)
    assert unplaced[0] == 600 - 2 * 5 * 36
    assert unplaced[-1] == 0


# -- validation: analytic checks ----------------------------------------------------------------


def test_births_per_midwife_per_month_are_births_on_the_pathway_over_12_midwife_months():
    for scenario in (SMALL, replace(SMALL, births_per_year=1200), replace(SMALL, wte=0.6)):
        year = simulate_year(scenario, 3)
        assert year.births_per_midwife_month == pytest.approx(
            year.on_pathway / (12 * scenario.midwives)
        )
        assert year.named_births_per_midwife_month == pytest.approx(
            year.named / (12 * scenario.midwives)
        )


def test_with_nobody_away_no_rest_rule_and_short_labours_the_named_midwife_attends_all():
    result = run(IDEAL, 3, seed=1)
    assert result.summary("available_fraction").mean == 1.0
    assert result.summary("pct_named").mean > 99.5  # only two labours at the same moment miss


def test_the_named_midwife_attends_on_the_days_she_is_present():
    """On-call probability from due dates: with short labours and no rest rule the named
    midwife attends exactly the births that fall on a day she is present."""
    short = replace(SMALL, rest_hours=0, labour_mean_hours=0.01, labour_sd_hours=0)
    for seed in range(2):
        year = year_of(short, seed)
        placed = [b for b in year.births if year.named[b.woman] is not None]
        present = sum(1 for b in placed if year.absent[year.named[b.woman]][b.day] == PRESENT)
        assert year.counts["named"] == pytest.approx(present, abs=2)  # two labours overlapping


def test_without_leave_the_named_share_is_the_available_fraction():
    """Birth days do not depend on absences, so E[pct_named] = 100 × E[available_fraction].
    The difference per replication is summarised with its own interval; 0 must lie within
    3.5 standard errors (with leave in the scenario, allocation steers women away from it and
    the named share is higher than the available fraction, hence no leave here)."""
    short = replace(
        SMALL, rest_hours=0, labour_mean_hours=0.01, labour_sd_hours=0, leave_weeks_per_wte=0
    )
    result = run(short, 30, seed=1, workers=2)
    diffs = [r.pct_named - 100 * r.available_fraction for r in result.runs]
    summary = summarise("difference", diffs)
    assert summary.sd is not None
    assert abs(summary.mean) <= 3.5 * summary.sd / math.sqrt(len(diffs))
    # 5 study days and 5% sickness: (1 - 5/365) × 0.95 of days present.
    expected = (1 - 5 / 365) * 0.95
    assert result.summary("available_fraction").mean == pytest.approx(expected, abs=0.003)


def test_the_named_midwife_is_busy_with_another_woman_about_rate_times_duration():
    """With nobody away and no rest rule, the named midwife misses a birth when she is still
    with another labour. If her 36 women a year came as a Poisson stream at rate λ = 36 / 8760
    an hour, a one-server loss system gives P(busy) = λL / (1 + λL) for attendances of L hours
    (about λL when it is small). Allocation spreads the due dates of each midwife's women over
    the year, so births come more regularly than Poisson and overlap less: the simulated share
    is below the Poisson figure, but of the same size."""
    for hours in (24.0, 48.0):
        busy_scenario = replace(
            IDEAL, births_per_year=864, labour_mean_hours=hours, labour_sd_hours=0
        )
        result = run(busy_scenario, 6, seed=1)
        missed = 1 - result.summary("pct_named").mean / 100
        load = 36 / 8760 * hours
        poisson = load / (1 + load)
        assert 0.5 * poisson <= missed <= 1.05 * poisson


def test_capacity_binds_with_priority_women_placed_first():
    crowded = replace(SMALL, births_per_year=1400)
    capacity = 864
    for seed in range(2):
        year = simulate_year(crowded, seed)
        assert year.on_pathway == min(crowded.births_per_year, capacity)
        assert year.pct_on_pathway == pytest.approx(100 * capacity / 1400)
        assert year.priority_on_pathway == min(year.priority_births, capacity)
        assert year.pct_priority_on_pathway == 100.0
        fair = simulate_year(replace(crowded, prioritise=False), seed)
        assert fair.on_pathway == capacity
        assert fair.pct_priority_on_pathway < 75
    roomy = simulate_year(replace(SMALL, births_per_year=600), 1)
    assert roomy.pct_on_pathway == 100.0 and roomy.unplaced == 0


# -- validation: sanity checks against published facts -----------------------------------------


def test_the_default_caseload_gives_about_three_births_per_midwife_a_month():
    """National 2020: ~94,000 women with ~2,300 continuity midwives, ~40 each (spec/domain.md).
    The default caseload of 36 is within 15% of that, and a service full to its caseload gives
    36 / 12 = 3 births per midwife per month."""
    national = 94_000 / 2_300
    default = Scenario(teams=1, midwives_per_team=1, births_per_year=1).caseload_per_wte
    assert default == 36
    assert default == pytest.approx(national, rel=0.15)
    # More births than places: every midwife fills her 3 a month.
    full = simulate_year(replace(SMALL, births_per_year=1200), 1)
    assert full.births_per_midwife_month == pytest.approx(3.0)


def test_the_default_service_against_reported_known_midwife_rates():
    """~80% of births attended by a known midwife in a well-run caseload practice, ~12%
    nationally (NHS England 2017). The model is an idealised caseload: it leaves out transfers,
    obstetric-led and planned births, handovers in long labours and second midwives, all of
    which break continuity in practice. So its known-midwife share is an upper bound that should
    be at least the reported 80%; its named-midwife share is bounded by the share of days the
    named midwife is present (about 84%, a little more because allocation avoids leave near the
    due date), less births she misses busy or resting. Under a team rota of 8 the named
    midwife attends only on her rota day: at most about 1 in 8, near the national 12%."""
    named = run(SERVICE, 2, seed=1)
    assert named.summary("pct_on_pathway").mean > 99
    assert named.summary("pct_known").mean >= 80
    available = 100 * named.summary("available_fraction").mean
    assert available - 10 <= named.summary("pct_named").mean <= available + 6
    rota = run(replace(SERVICE, policy="team_rota"), 2, seed=1)
    assert 6 <= rota.summary("pct_named").mean <= 100 / 8 + 1
    assert rota.summary("pct_known").mean < named.summary("pct_known").mean / 3


def test_team_rota_gives_fewer_births_with_the_named_midwife_than_named_on_call():
    shares = {
        policy: run(replace(SMALL, policy=policy), 3, seed=5).summary("pct_named").mean
        for policy in ("named_on_call", "mix", "team_rota")
    }
    assert shares["team_rota"] < shares["mix"] < shares["named_on_call"]
    assert shares["named_on_call"] > 70.0


# -- input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"midwives_per_team": -1}, "midwives_per_team"),
        ({"teams": 0}, "teams"),
        ({"caseload_per_wte": 0}, "caseload_per_wte"),
        ({"sickness_rate": 1.5}, "sickness_rate"),
        ({"home_birth_rate": -0.1}, "home_birth_rate"),
        ({"wte": 1.6}, "wte"),
        ({"wte": 0}, "wte"),
        ({"seasonality": [1.0] * 11}, "seasonality"),
        ({"seasonality": [1.0] * 11 + [-1]}, "seasonality[11]"),
        ({"seasonality": [0] * 12}, "seasonality"),
        ({"policy": "whoever"}, "policy"),
        ({"births_per_year": 2.5}, "births_per_year"),
        ({"study_days": "five"}, "study_days"),
        ({"labour_mean_hours": 0}, "labour_mean_hours"),
        ({"rest_hours": 30}, "rest_hours"),
        ({"shifts": 3}, "shifts"),
        ({"nulliparous_rate": 1.2}, "nulliparous_rate"),
        ({"nulliparous_rate": "high"}, "nulliparous_rate"),
        ({"priority_share": -0.5}, "priority_share"),
        ({"prioritise": "yes"}, "prioritise"),
        ({"prioritise": 1}, "prioritise"),
        ({"max_births_per_month": 0}, "max_births_per_month"),
        ({"max_births_per_month": 4.5}, "max_births_per_month"),
        ({"leave_buffer_days": -1}, "leave_buffer_days"),
        ({"leave_buffer_days": 61}, "leave_buffer_days"),
        ({"schedule": "nice_2008"}, "schedule"),
        ({"schedule": 201}, "schedule"),
        ({"postnatal_six_weeks": "no"}, "postnatal_six_weeks"),
        ({"visit_start_hour": 24}, "visit_start_hour"),
        ({"max_visits_per_day": 0}, "max_visits_per_day"),
        ({"max_visits_per_day": 21}, "max_visits_per_day"),
        ({"visit_defer_days": 15}, "visit_defer_days"),
        ({"travel_minutes_per_leg": -5}, "travel_minutes_per_leg"),
        ({"travel_minutes_per_leg": 241}, "travel_minutes_per_leg"),
        ({"opt_out_48h": None}, "opt_out_48h"),
    ],
)
def test_impossible_scenarios_name_the_field(change, path):
    data = {**scenario_to_dict(SMALL), **change}
    with pytest.raises(SimulationInputError) as caught:
        scenario_from_dict(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def test_scenarios_built_in_code_are_checked_too():
    with pytest.raises(SimulationInputError, match=r"^midwives_per_team: "):
        Scenario(teams=2, midwives_per_team=-1, births_per_year=100)
    with pytest.raises(SimulationInputError, match=r"^seasonality: must have 12 numbers"):
        Scenario(teams=2, midwives_per_team=2, births_per_year=100, seasonality=(1.0,) * 11)
    with pytest.raises(SimulationInputError, match=r"^priority_share: must be between 0 and 1$"):
        replace(SMALL, priority_share=2.0)
    with pytest.raises(SimulationInputError, match=r"^schedule: must be one of nice_ng201, who"):
        replace(SMALL, schedule="other")
    with pytest.raises(SimulationInputError, match=r"^opt_out_48h: must be true or false$"):
        replace(SMALL, opt_out_48h="no")  # type: ignore[arg-type]


def test_the_json_form_reads_back_with_defaults():
    scenario = scenario_from_json('{"teams": 2, "midwives_per_team": 3, "births_per_year": 90}')
    assert scenario == Scenario(teams=2, midwives_per_team=3, births_per_year=90)
    assert scenario.max_births_per_month == 4 and scenario.leave_buffer_days == 14
    assert scenario.schedule == "nice_ng201" and scenario.prioritise is True
    assert scenario_from_dict(scenario_to_dict(SMALL)) == SMALL
    changed = replace(
        SMALL, schedule="who_2016", postnatal_six_weeks=True, opt_out_48h=True, prioritise=False
    )
    assert scenario_from_dict(json.loads(json.dumps(scenario_to_dict(changed)))) == changed
    with pytest.raises(SimulationInputError, match=r"^births_per_year: is required"):
        scenario_from_json('{"teams": 2, "midwives_per_team": 3}')
    with pytest.raises(SimulationInputError, match="not valid JSON"):
        scenario_from_json("{")


def test_the_schedule_and_six_week_visits_change_the_workload():
    nice = simulate_year(SMALL, 2)
    who = simulate_year(replace(SMALL, schedule="who_2016"), 2)
    six = simulate_year(replace(SMALL, postnatal_six_weeks=True), 2)
    assert six.contacts > nice.contacts + 3 * 800  # four more postnatal visits each
    assert who.contacts != nice.contacts
    assert statistics.mean([nice.contacts, who.contacts]) / 800 == pytest.approx(10, abs=1.5)


@pytest.mark.parametrize(
    ("args", "path"),
    [((0, 1, 1), "replications"), ((2, -1, 1), "seed"), ((2, 1, 0), "workers")],
)
def test_run_checks_its_arguments(args, path):
    with pytest.raises(SimulationInputError) as caught:
        run(SMALL, *args)
    assert caught.value.path == path


# -- command line -------------------------------------------------------------------------------


def test_cli_writes_the_result(tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(SMALL)))
    out = tmp_path / "r.json"
    argv = ["--scenario", str(scenario), "--replications", "3", "--seed", "4", "--out", str(out)]
    assert main(argv) == 0
    written = json.loads(out.read_text())
    assert written == json.loads(json.dumps(result_to_dict(run(SMALL, 3, seed=4))))
    assert written["seeds"] == [4, 5, 6]
    assert set(written["metrics"]["pct_known"]) == {"mean", "sd", "low", "high", "half_width"}
    assert set(written["metrics"]) == set(METRICS)


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ('{"teams": 2, "midwives_per_team": 0, "births_per_year": 9}', [], "midwives_per_team: "),
        (
            '{"teams": 2, "midwives_per_team": 2, "births_per_year": 9}',
            ["--workers", "0"],
            "--workers: ",
        ),
        ("[1]", [], "scenario: must be an object"),
    ],
)
def test_cli_rejects_bad_input_with_status_2_and_writes_nothing(
    tmp_path, capsys, content, extra, message
):
    scenario = tmp_path / "s.json"
    scenario.write_text(content)
    out = tmp_path / "r.json"
    argv = ["--scenario", str(scenario), "--replications", "2", "--seed", "1", "--out", str(out)]
    assert main(argv + extra) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_rejects_a_missing_file_and_folder(tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    assert main(["--scenario", missing, "--replications", "1", "--seed", "1"]) == 2
    assert "--scenario: cannot read" in capsys.readouterr().err
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(SMALL)))
    out = str(tmp_path / "no" / "r.json")
    assert (
        main(["--scenario", str(scenario), "--replications", "1", "--seed", "1", "--out", out]) == 2
    )
    assert "--out: folder" in capsys.readouterr().err
