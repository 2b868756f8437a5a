from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuity.engines import gestation as g


def test_ga_from_booking_ga():
    dating = g.Dating(booking_date=date(2026, 1, 10), edd=date(2026, 8, 1), ga_at_booking_days=70)
    assert g.ga_days(dating, date(2026, 1, 10)) == 70
    assert g.ga_days(dating, date(2026, 1, 20)) == 80


def test_ga_from_edd_when_no_booking_ga():
    dating = g.Dating(booking_date=date(2026, 1, 10), edd=date(2026, 8, 1))
    assert g.ga_days(dating, date(2026, 8, 1)) == 280
    assert g.ga_days(dating, date(2026, 8, 1) - timedelta(days=77)) == 203


def test_booking_ga_wins_over_edd_when_they_disagree():
    # The definition uses GA at booking when it is recorded, even if the EDD implies otherwise.
    dating = g.Dating(booking_date=date(2026, 1, 1), edd=date(2026, 9, 1), ga_at_booking_days=84)
    assert g.ga_days(dating, date(2026, 1, 1)) == 84


def test_weeks_and_days_and_thresholds():
    assert g.format_weeks_days(203) == "29+0"
    assert g.format_weeks_days(202) == "28+6"
    assert (g.GA_17_0, g.GA_24_0, g.GA_29_0, g.GA_35_0, g.GA_37_0) == (119, 167, 203, 245, 259)
    with pytest.raises(ValueError):
        g.weeks_and_days(-1)


@given(
    booking=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    ga=st.integers(min_value=0, max_value=300),
    target=st.integers(min_value=0, max_value=320),
)
def test_date_reaching_inverts_ga(booking, ga, target):
    edd = g.edd_from_booking(booking, ga)
    for dating in (g.Dating(booking, edd, ga), g.Dating(booking, edd, None)):
        assert g.ga_days(dating, g.date_reaching(dating, target)) == target


@pytest.mark.parametrize(
    ("booking", "edd", "ga", "field"),
    [
        (date(2026, 5, 1), date(2026, 4, 1), None, "edd"),
        (date(2026, 5, 1), date(2026, 5, 1), None, "edd"),
        (date(2026, 5, 1), date(2026, 11, 1), 301, "ga_at_booking_days"),
        (date(2026, 5, 1), date(2028, 5, 1), None, "edd"),  # implies a negative booking GA
    ],
)
def test_impossible_dating_is_refused_with_the_field(booking, edd, ga, field):
    problems = g.check_dating(booking, edd, ga)
    assert problems and problems[0][0] == field


def test_consistent_dating_passes():
    assert g.check_dating(date(2026, 5, 1), date(2026, 11, 20), 70) == []
