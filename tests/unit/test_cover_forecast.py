from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuity.engines.cover.forecast import (
    DEFAULT_BIRTH_DISTRIBUTION,
    DEFAULT_NIGHT_FRACTION,
    birth_probabilities,
    forecast,
)
from continuity.engines.cover.model import BirthDistribution, CoverInputError, Pregnancy

D = DEFAULT_BIRTH_DISTRIBUTION
TODAY = date(2026, 3, 11)  # a Wednesday


def edd_at(ga_days: int, today: date = TODAY) -> date:
    """The EDD of a woman whose gestational age today is `ga_days`."""
    return today + timedelta(days=280 - ga_days)


def test_the_default_distribution():
    assert D.first_week == 22
    assert len(D.probabilities) == 21  # weeks 22 to 42
    assert math.isclose(math.fsum(D.probabilities), 1.0, abs_tol=1e-12)
    assert all(p > 0 for p in D.probabilities)
    preterm = math.fsum(D.probabilities[: 37 - 22])
    assert abs(preterm - 0.08) <= 0.005
    assert max(range(21), key=lambda i: D.probabilities[i]) + 22 == 40
    assert 0.0 <= DEFAULT_NIGHT_FRACTION <= 1.0


def test_an_early_pregnancy_has_all_its_mass_ahead():
    probs = birth_probabilities(edd_at(12 * 7), TODAY, D)
    assert math.isclose(math.fsum(probs.values()), 1.0, abs_tol=1e-12)
    assert min(probs) == edd_at(12 * 7) - timedelta(days=280 - 22 * 7)  # 22+0
    assert max(probs) == edd_at(12 * 7) + timedelta(days=20)  # 42+6
    # Mass is spread evenly within a week: each day of week 40 carries 1/7 of it.
    day_40_0 = edd_at(12 * 7)
    assert math.isclose(probs[day_40_0], D.probabilities[40 - 22] / 7)
    assert probs[day_40_0] == probs[day_40_0 + timedelta(days=6)]


def test_the_chance_is_conditioned_on_not_having_given_birth_yet():
    probs = birth_probabilities(edd_at(41 * 7), TODAY, D)
    assert min(probs) == TODAY
    assert max(probs) == TODAY + timedelta(days=13)  # 42+6
    assert math.isclose(math.fsum(probs.values()), 1.0, abs_tol=1e-12)
    p41, p42 = D.probabilities[41 - 22], D.probabilities[42 - 22]
    assert math.isclose(probs[TODAY], p41 / 7 / (p41 + p42))
    assert math.isclose(probs[TODAY + timedelta(days=7)], p42 / 7 / (p41 + p42))
    # Halfway through a week only the rest of it counts.
    probs = birth_probabilities(edd_at(42 * 7 + 3), TODAY, D)
    assert list(probs) == [TODAY + timedelta(days=i) for i in range(4)]
    assert all(math.isclose(p, 0.25) for p in probs.values())


def test_past_42_plus_6_everything_is_on_today():
    assert birth_probabilities(edd_at(43 * 7), TODAY, D) == {TODAY: 1.0}
    assert birth_probabilities(edd_at(42 * 7 + 6), TODAY, D) == {TODAY: 1.0}
    assert len(birth_probabilities(edd_at(42 * 7 + 5), TODAY, D)) == 2


@settings(max_examples=100, deadline=None)
@given(ga=st.integers(-100, 320))
def test_probabilities_always_sum_to_one(ga):
    probs = birth_probabilities(edd_at(ga), TODAY, D)
    assert math.isclose(math.fsum(probs.values()), 1.0, abs_tol=1e-9)
    assert all(d >= TODAY and p > 0 for d, p in probs.items())


def test_four_women_due_in_the_same_week():
    women = [Pregnancy(f"w{i}", edd_at(39 * 7 + i), named="ann", buddy="bea") for i in range(4)]
    loads = forecast(women, TODAY, 4)
    ann = [w for w in loads if w.midwife == "ann"]
    bea = [w for w in loads if w.midwife == "bea"]
    assert [w.week_start for w in ann] == [date(2026, 3, 9) + timedelta(weeks=k) for k in range(4)]
    assert [w.midwife for w in loads] == ["ann"] * 4 + ["bea"] * 4
    for k, week in enumerate(ann):
        assert 0 < week.expected_births_named < 4
        assert week.expected_births_buddy == 0
        assert math.isclose(week.expected_night_births_named, week.expected_births_named * 0.38)
        assert bea[k].expected_births_buddy == week.expected_births_named
        assert bea[k].expected_births_named == 0 and bea[k].p_at_least_one_named == 0
        start = max(TODAY, week.week_start)
        end = week.week_start + timedelta(days=7)
        per_woman = []
        for woman in women:
            probs = birth_probabilities(woman.edd, TODAY, D)
            per_woman.append(math.fsum(p for d, p in probs.items() if start <= d < end))
        assert math.isclose(week.expected_births_named, math.fsum(per_woman), abs_tol=1e-12)
        expected_p = 1 - math.prod(1 - p for p in per_woman)
        assert math.isclose(week.p_at_least_one_named, expected_p, abs_tol=1e-12)
    total = sum(w.expected_births_named for w in ann)
    assert 3 < total < 4  # most, not all, give birth within the four weeks


def test_the_first_week_counts_from_today_only():
    # Due on the Monday of this week: born already if at all before today is excluded.
    woman = Pregnancy("w", edd_at(40 * 7 + 2), named="ann")
    first = forecast([woman], TODAY, 1)[0]
    probs = birth_probabilities(woman.edd, TODAY, D)
    this_week = math.fsum(p for d, p in probs.items() if d < date(2026, 3, 16))
    assert first.week_start == date(2026, 3, 9)
    assert math.isclose(first.expected_births_named, this_week)
    assert math.isclose(this_week, 5 * probs[TODAY])  # Wednesday to Sunday


def test_born_and_unassigned_pregnancies_are_left_out():
    women = [
        Pregnancy("a", edd_at(280), named="ann", born=True),
        Pregnancy("b", edd_at(280)),
        Pregnancy("c", edd_at(280), buddy="bea"),
    ]
    loads = forecast(women, TODAY, 2, night_fraction=0.5)
    assert {w.midwife for w in loads} == {"bea"}
    assert forecast([women[0]], TODAY, 2) == ()


def test_an_overdue_woman_counts_in_full_this_week():
    loads = forecast([Pregnancy("w", edd_at(300), named="ann")], TODAY, 2)
    assert [(w.expected_births_named, w.p_at_least_one_named) for w in loads] == [
        (1.0, 1.0),
        (0.0, 0.0),
    ]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"weeks": 0}, "weeks"),
        ({"weeks": 105}, "weeks"),
        ({"night_fraction": -0.1}, "night_fraction"),
        ({"night_fraction": 1.5}, "night_fraction"),
        ({"night_fraction": float("nan")}, "night_fraction"),
        ({"distribution": BirthDistribution(22, ())}, "distribution.probabilities"),
        (
            {"distribution": BirthDistribution(22, (0.5, 0.6, -0.1))},
            "distribution.probabilities[2]",
        ),
        ({"distribution": BirthDistribution(22, (0.5, 0.4))}, "distribution.probabilities"),
        ({"distribution": BirthDistribution(-1, (1.0,))}, "distribution.first_week"),
    ],
)
def test_input_errors_name_the_field(kwargs, path):
    args = {"pregnancies": [Pregnancy("w", edd_at(250), named="ann")], "today": TODAY, "weeks": 4}
    with pytest.raises(CoverInputError) as exc:
        forecast(**(args | kwargs))
    assert exc.value.path == path


def test_a_distribution_within_the_tolerance_is_accepted():
    almost = BirthDistribution(40, (0.5, 0.5 + 5e-10))
    assert forecast([Pregnancy("w", edd_at(275), named="ann")], TODAY, 2, almost)
    with pytest.raises(CoverInputError):
        birth_probabilities(edd_at(275), TODAY, BirthDistribution(40, (0.5, 0.5 + 1e-8)))


def test_ten_thousand_pregnancies_add_up():
    women = [
        Pregnancy(f"w{i}", edd_at(150 + i % 150), named=f"m{i % 400}", buddy=f"m{(i + 7) % 400}")
        for i in range(10_000)
    ]
    loads = forecast(women, TODAY, 8)
    assert len(loads) == 400 * 8
    # Each woman's mass is counted once as named and once as buddy.
    named = math.fsum(w.expected_births_named for w in loads)
    buddy = math.fsum(w.expected_births_buddy for w in loads)
    assert math.isclose(named, buddy)
