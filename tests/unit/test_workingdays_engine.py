"""The working-days engine: England and Wales bank holidays as data, working-day arithmetic and
complaint/concern deadlines."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuity.engines.workingdays import (
    DIVISIONS,
    BankHoliday,
    Calendar,
    WorkingDaysInputError,
    calendar_from_json,
    default_calendar,
    england_and_wales,
    holiday_list_from_json,
)

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR, LAST_YEAR = 2018, 2030
SUB = "Substitute day"
NEW_YEAR = "New Year\u2019s Day"  # GOV.UK's title, with a typographic apostrophe


# -- the rules, computed independently of the data file ----------------------------------------


def easter_sunday(year: int) -> date:
    """Western Easter by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


# Easter Sundays as published (Church of England tables), to hold the algorithm to.
PUBLISHED_EASTER = {
    2018: date(2018, 4, 1),
    2019: date(2019, 4, 21),
    2020: date(2020, 4, 12),
    2021: date(2021, 4, 4),
    2022: date(2022, 4, 17),
    2023: date(2023, 4, 9),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2028: date(2028, 4, 16),
    2029: date(2029, 4, 1),
    2030: date(2030, 4, 21),
}


def first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def last_monday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def rule_holidays(year: int) -> list[tuple[date, str, str]]:
    """(date, title, notes) for one year in England and Wales, from the rules and one-offs."""
    out: list[tuple[date, str, str]] = []
    new_year = date(year, 1, 1)
    if new_year.weekday() < 5:
        out.append((new_year, NEW_YEAR, ""))
    else:  # Saturday -> Monday 3rd, Sunday -> Monday 2nd
        out.append((first_monday(year, 1), NEW_YEAR, SUB))
    easter = easter_sunday(year)
    out.append((easter - timedelta(days=2), "Good Friday", ""))
    out.append((easter + timedelta(days=1), "Easter Monday", ""))
    if year == 2020:  # moved to Friday 8 May for the 75th anniversary of VE Day
        out.append((date(2020, 5, 8), "Early May bank holiday (VE day)", ""))
    else:
        out.append((first_monday(year, 5), "Early May bank holiday", ""))
    if year == 2023:
        out.append((date(2023, 5, 8), "Bank holiday for the coronation of King Charles III", ""))
    if year == 2022:  # moved to Thursday 2 June, with the Platinum Jubilee on Friday 3 June
        out.append((date(2022, 6, 2), "Spring bank holiday", ""))
        out.append((date(2022, 6, 3), "Platinum Jubilee bank holiday", ""))
    else:
        out.append((last_monday(year, 5), "Spring bank holiday", ""))
    out.append((last_monday(year, 8), "Summer bank holiday", ""))
    if year == 2022:
        out.append(
            (date(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II", "")
        )
    christmas = date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday <= 3:  # Monday to Thursday: both on the day
        out += [(christmas, "Christmas Day", ""), (date(year, 12, 26), "Boxing Day", "")]
    elif weekday == 4:  # Friday: Boxing Day (Saturday) moves to Monday 28th
        out += [(christmas, "Christmas Day", ""), (date(year, 12, 28), "Boxing Day", SUB)]
    elif weekday == 5:  # Saturday: Christmas to Monday 27th, Boxing Day to Tuesday 28th
        out += [(date(year, 12, 27), "Christmas Day", SUB), (date(year, 12, 28), "Boxing Day", SUB)]
    else:  # Sunday: Boxing Day is Monday 26th, Christmas moves to Tuesday 27th
        out += [(date(year, 12, 26), "Boxing Day", ""), (date(year, 12, 27), "Christmas Day", SUB)]
    return sorted(out)


def test_easter_algorithm_matches_published_dates() -> None:
    for year, sunday in PUBLISHED_EASTER.items():
        assert easter_sunday(year) == sunday
        assert sunday.weekday() == 6


def test_data_file_equals_the_rules_for_every_year() -> None:
    expected = [h for year in range(FIRST_YEAR, LAST_YEAR + 1) for h in rule_holidays(year)]
    actual = [(e.date, e.title, e.notes) for e in england_and_wales().events]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):  # year by year, for a readable failure
        assert [h for h in actual if h[0].year == year] == [
            h for h in expected if h[0].year == year
        ], year
    assert actual == expected


def test_data_file_shape() -> None:
    raw = json.loads(
        resources.files("continuity.engines.workingdays")
        .joinpath("data", "england_and_wales.json")
        .read_text("utf-8")
    )
    assert raw["division"] == "england-and-wales"
    dates = [e["date"] for e in raw["events"]]
    assert dates == sorted(dates)  # kept in date order in the file, as GOV.UK does
    assert dates[0] == "2018-01-01"
    assert dates[-1] == "2030-12-26"
    for event in raw["events"]:
        assert set(event) == {"title", "date", "notes"}


def test_data_file_facts() -> None:
    events = england_and_wales().events
    assert england_and_wales().division == "england-and-wales"
    assert all(e.date.weekday() < 5 for e in events)  # substitutes are listed, not weekends
    per_year = {y: sum(1 for e in events if e.date.year == y) for y in range(2018, 2031)}
    assert per_year == {y: 10 if y == 2022 else 9 if y == 2023 else 8 for y in per_year}
    by_date = {e.date: e for e in events}
    assert by_date[date(2020, 5, 8)].title == "Early May bank holiday (VE day)"
    assert date(2020, 5, 4) not in by_date
    assert date(2022, 5, 30) not in by_date
    assert by_date[date(2022, 9, 19)].title.startswith("Bank Holiday for the State Funeral")
    assert by_date[date(2020, 12, 28)] == BankHoliday(date(2020, 12, 28), "Boxing Day", SUB)
    assert by_date[date(2026, 4, 3)].title == "Good Friday"
    assert by_date[date(2026, 4, 6)].title == "Easter Monday"
    assert default_calendar().covers == (2018, 2030)


# -- working-day arithmetic --------------------------------------------------------------------

CAL = default_calendar()


def test_is_working_day() -> None:
    assert CAL.is_working_day(date(2026, 6, 5))  # Friday
    assert not CAL.is_working_day(date(2026, 6, 6))  # Saturday
    assert not CAL.is_working_day(date(2026, 6, 7))  # Sunday
    assert not CAL.is_working_day(date(2026, 12, 25))  # Christmas Day, a Friday
    assert not CAL.is_working_day(date(2026, 12, 28))  # Boxing Day substitute, a Monday
    assert CAL.is_working_day(date(2026, 12, 29))


def test_friday_plus_two_is_tuesday() -> None:
    assert CAL.add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)  # Monday is day 1
    assert CAL.add_working_days(date(2026, 6, 5), 2) == date(2026, 6, 9)  # Tuesday is day 2


def test_over_easter() -> None:
    # Thursday 2 April 2026; Good Friday 3rd, Easter Monday 6th. The first working day after
    # the Thursday is Tuesday 7th (day 1), so + 2 is Wednesday 8th. (The brief's example said
    # + 2 = Tuesday 7th; under "the first working day after start is day 1", which also gives
    # Friday + 2 = Tuesday, Tuesday 7th is + 1.)
    assert CAL.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert CAL.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_over_christmas_2026() -> None:
    # Thursday 24 December 2026. Friday 25th is Christmas Day, 26th-27th the weekend, Monday
    # 28th the Boxing Day substitute. So Tuesday 29th is day 1 and Wednesday 30th is day 2.
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)


def test_start_on_a_sunday() -> None:
    sunday = date(2026, 6, 7)
    assert CAL.add_working_days(sunday, 1) == date(2026, 6, 8)  # Monday is day 1
    assert CAL.add_working_days(sunday, 2) == date(2026, 6, 9)
    assert CAL.working_days_between(sunday, date(2026, 6, 9)) == 2


def test_start_on_a_bank_holiday() -> None:
    assert CAL.add_working_days(date(2026, 4, 6), 1) == date(2026, 4, 7)  # Easter Monday + 1


def test_zero_working_days_is_the_start() -> None:
    assert CAL.add_working_days(date(2026, 6, 5), 0) == date(2026, 6, 5)
    assert CAL.add_working_days(date(2026, 6, 7), 0) == date(2026, 6, 7)  # even a Sunday


def test_working_days_between() -> None:
    friday, tuesday = date(2026, 6, 5), date(2026, 6, 9)
    assert CAL.working_days_between(friday, tuesday) == 2
    assert CAL.working_days_between(tuesday, friday) == -2
    assert CAL.working_days_between(friday, friday) == 0
    assert CAL.working_days_between(date(2026, 6, 6), date(2026, 6, 7)) == 0  # the weekend
    # Over Christmas 2026 and New Year 2027: 29, 30, 31 December and 4 January.
    assert CAL.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # 2026 has 261 weekdays and 8 bank holidays, all on weekdays.
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253


# -- deadlines ---------------------------------------------------------------------------------


def at(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_after_the_cutoff_counts_from_the_next_working_day() -> None:
    friday_late = at(2026, 6, 5, 17, 30)
    assert CAL.received_on(friday_late, cutoff=time(17, 0)) == date(2026, 6, 8)  # Monday
    assert CAL.deadline(friday_late, 2, cutoff=time(17, 0)) == date(2026, 6, 10)  # Wednesday
    assert CAL.deadline(friday_late, 2) == date(2026, 6, 9)  # no cut-off: Tuesday


def test_at_the_cutoff_exactly_is_still_that_day() -> None:
    assert CAL.received_on(at(2026, 6, 5, 17, 0), cutoff=time(17, 0)) == date(2026, 6, 5)
    late = datetime(2026, 6, 5, 17, 0, 1, tzinfo=LONDON)
    assert CAL.received_on(late, cutoff=time(17, 0)) == date(2026, 6, 8)


def test_received_on_a_non_working_day_counts_from_the_next_working_day() -> None:
    saturday = at(2026, 6, 6, 10, 0)
    assert CAL.received_on(saturday) == date(2026, 6, 8)
    # The same as a Friday concern after the cut-off, not a day earlier.
    assert CAL.deadline(saturday, 2) == date(2026, 6, 10)
    assert CAL.deadline(at(2026, 12, 25, 9, 0), 1) == date(2026, 12, 30)  # received 29th


def test_deadline_zero_days_is_the_day_received() -> None:
    assert CAL.deadline(at(2026, 6, 5, 10, 0), 0) == date(2026, 6, 5)
    assert CAL.deadline(at(2026, 6, 6, 10, 0), 0) == date(2026, 6, 8)


def test_deadline_uses_the_wall_clock_of_the_datetime_given() -> None:
    # 16:30 UTC is 17:30 in London in June: convert to local time before asking.
    utc = datetime(2026, 6, 5, 16, 30, tzinfo=UTC)
    assert CAL.received_on(utc, cutoff=time(17, 0)) == date(2026, 6, 5)
    assert CAL.received_on(utc.astimezone(LONDON), cutoff=time(17, 0)) == date(2026, 6, 8)


# -- properties --------------------------------------------------------------------------------

starts = st.dates(min_value=date(2018, 1, 1), max_value=date(2029, 12, 31))
counts = st.integers(min_value=0, max_value=120)


@given(starts, st.integers(min_value=1, max_value=120))
def test_result_is_a_working_day(start: date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(start, n))


@given(starts, counts)
def test_between_inverts_add(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(end, start) == -n


@given(starts, counts)
def test_monotonic_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@given(starts, starts)
def test_between_matches_counting_day_by_day(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
    count = sum(
        1 for k in range(1, (hi - lo).days + 1) if CAL.is_working_day(lo + timedelta(days=k))
    )
    assert CAL.working_days_between(lo, hi) == count
    assert CAL.working_days_between(hi, lo) == -count


@given(
    st.datetimes(
        min_value=datetime(2018, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(LONDON)
    ),
    st.integers(min_value=0, max_value=60),
    st.one_of(st.none(), st.times()),
)
def test_deadline_is_a_working_day_on_or_after_receipt(
    received_at: datetime, n: int, cutoff: time | None
) -> None:
    due = CAL.deadline(received_at, n, cutoff=cutoff)
    assert CAL.is_working_day(due)
    assert due >= received_at.date()
    received = CAL.received_on(received_at, cutoff=cutoff)
    assert CAL.working_days_between(received, due) == n


# -- bad input ---------------------------------------------------------------------------------


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(WorkingDaysInputError) as raised:
        CAL.deadline(datetime(2026, 6, 5, 17, 30), 2)
    assert raised.value.path == "received_at"
    assert isinstance(raised.value, ValueError)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(WorkingDaysInputError) as raised:
        CAL.add_working_days(date(2026, 6, 5), -1)
    assert raised.value.path == "n"
    with pytest.raises(WorkingDaysInputError) as raised:
        CAL.deadline(at(2026, 6, 5, 9, 0), -1)
    assert raised.value.path == "working_days"


def test_non_integer_counts_are_refused() -> None:
    with pytest.raises(WorkingDaysInputError, match="whole number"):
        CAL.add_working_days(date(2026, 6, 5), True)
    with pytest.raises(WorkingDaysInputError, match="whole number"):
        CAL.add_working_days(date(2026, 6, 5), 2.0)  # type: ignore[arg-type]


def test_a_cutoff_with_a_time_zone_is_refused() -> None:
    with pytest.raises(WorkingDaysInputError) as raised:
        CAL.deadline(at(2026, 6, 5, 9, 0), 2, cutoff=time(17, 0, tzinfo=UTC))
    assert raised.value.path == "cutoff"


def test_dates_outside_the_data_are_refused() -> None:
    with pytest.raises(WorkingDaysInputError, match="2018 to 2030") as raised:
        CAL.add_working_days(date(2031, 1, 2), 1)
    assert raised.value.path == "start"
    with pytest.raises(WorkingDaysInputError, match="2031-01-01"):
        CAL.add_working_days(date(2030, 12, 27), 3)  # steps into 2031
    with pytest.raises(WorkingDaysInputError):
        CAL.working_days_between(date(2017, 12, 29), date(2018, 1, 2))
    with pytest.raises(WorkingDaysInputError):
        CAL.deadline(at(2031, 1, 2, 9, 0), 1)
    # The last day of the data is fine.
    assert CAL.add_working_days(date(2030, 12, 24), 2) == date(2030, 12, 30)


def test_a_calendar_without_covers_checks_nothing() -> None:
    plain = Calendar(frozenset())
    assert plain.add_working_days(date(2040, 12, 24), 2) == date(2040, 12, 26)
    with pytest.raises(WorkingDaysInputError, match="first year"):
        Calendar(frozenset(), covers=(2030, 2018))


# -- a trust's own list --------------------------------------------------------------------------


def own_list(*events: object, division: object = "england-and-wales") -> str:
    return json.dumps({"division": division, "events": list(events)})


def test_calendar_from_json() -> None:
    calendar = calendar_from_json(
        own_list(
            {"title": "Trust closure", "date": "2026-06-08"},
            {"title": "Christmas Day", "date": "2026-12-25", "notes": "", "bunting": True},
        )
    )
    assert calendar.holidays == frozenset({date(2026, 6, 8), date(2026, 12, 25)})
    assert calendar.covers == (2026, 2026)
    assert calendar.add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 9)


def test_holiday_list_is_returned_in_date_order() -> None:
    listed = holiday_list_from_json(
        own_list({"title": "B", "date": "2026-12-25"}, {"title": "A", "date": "2026-01-01"})
    )
    assert [e.title for e in listed.events] == ["A", "B"]
    assert "scotland" in DIVISIONS


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('{"division": "england-and-wales", "events": [', "", "is not valid JSON"),
        ("[]", "", "must be a JSON object"),
        ('{"events": []}', "division", "is required"),
        (own_list(division="england"), "division", "must be one of"),
        (own_list(division=None), "division", "must be one of"),
        ('{"division": "scotland", "events": {}}', "events", "must be a list"),
        ('{"division": "scotland", "events": [], "extra": 1}', "extra", "is not a field"),
        (own_list(), "events", "at least one"),
        (
            own_list({"title": "X", "date": "2025-12-25"}, {"title": "Y", "date": "2027-01-01"}),
            "events",
            "lists no bank holidays in 2026",
        ),
        (own_list("2026-12-25"), "events[0]", "must be an object"),
        (own_list({"date": "2026-12-25"}), "events[0].title", "is required"),
        (own_list({"title": "", "date": "2026-12-25"}), "events[0].title", "non-empty"),
        (own_list({"title": "X"}), "events[0].date", "is required"),
        (own_list({"title": "X", "date": "2026-13-01"}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": "20261225"}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": "25/12/2026"}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": 20261225}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": "2026-W52-5"}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": "2026-02-29"}), "events[0].date", "like 2026-12-25"),
        (own_list({"title": "X", "date": "2026-12-25", "notes": 1}), "events[0].notes", ""),
        (own_list({"title": "X", "date": "2026-12-25", "bunting": "y"}), "events[0].bunting", ""),
        (own_list({"title": "X", "date": "2026-12-25", "day": 5}), "events[0].day", "not a"),
        (
            own_list(
                {"title": "X", "date": "2026-12-25"},
                {"title": "Y", "date": "2026-12-26"},
                {"title": "Z", "date": "2026-12-25"},
                {"title": "W", "date": "2026-12-31"},
            ),
            "events[2].date",
            "2026-12-25 is listed twice (also events[0])",
        ),
    ],
)
def test_bad_holiday_lists_name_the_field(text: str, path: str, message: str) -> None:
    with pytest.raises(WorkingDaysInputError) as raised:
        calendar_from_json(text)
    assert raised.value.path == path
    assert message in raised.value.message
