"""The clock changes: stored in UTC, shown in Europe/London, right on both sides of the change.

The real dates: Sunday 29 March 2026 (01:00 GMT becomes 02:00 BST, a 23-hour day) and Sunday
25 October 2026 (02:00 BST becomes 01:00 GMT, a 25-hour day). Already tested elsewhere: on-call
cover and the contact card through both nights (test_cover.py), the engine's weeks and night
shifts (tests/unit/test_cover_worktime.py), reminders the day before (test_notify.py), and the
MSDS month for a visit late on 31 October (test_msds_export.py). Here: visits shown at the time
they were booked, the working-time rules and the week planner counting real hours through the
app's own rows, the rota calendar file, and the month of an event just after local midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from continuity.assurance import msds
from continuity.cover import actions as cover
from continuity.cover import engine_io as cover_io
from continuity.cover.clock import day_start, local_instant
from continuity.engines.cover.worktime import AVERAGE_48H, check_working_time
from continuity.pregnancies.models import Contact, ContactProfessional
from continuity.visits import engine_io as visits_io
from continuity.workforce.models import RotaEntry

pytestmark = pytest.mark.django_db

SPRING = date(2026, 3, 29)  # the clocks go forward: a 23-hour day
AUTUMN = date(2026, 10, 25)  # the clocks go back: a 25-hour day
CHANGES = [pytest.param(SPRING, 23, id="March"), pytest.param(AUTUMN, 25, id="October")]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """Set the app's clock (pages, queries and actions all read `timezone.now()`)."""

    def freeze(at: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return freeze


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # after freezing: the session's expiry follows the frozen clock
    return client


def visit(world, at: datetime) -> Contact:
    contact = Contact.objects.create(
        pregnancy=world.pregnancy_a,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=at,
        team=world.team_a,
    )
    ContactProfessional.objects.create(
        contact=contact, midwife=world.midwife_a, team=world.team_a, is_lead=True
    )
    return contact


def night_shifts(world, saturday: date) -> list[RotaEntry]:
    """20:00 Saturday to 08:00 Sunday, the night the clocks change, added as a team leader does."""
    pattern = cover.Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=saturday,
        last_day=saturday,
        weekdays=frozenset({5}),
        start=time(20),
        end=time(8),
    )
    return cover.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)


# -- visits: booked at 10:00, shown at 10:00 -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "stored"),
    [
        (SPRING, utc(2026, 3, 29, 9)),  # the Sunday itself, in BST
        (SPRING + timedelta(days=1), utc(2026, 3, 30, 9)),  # the Monday after
        (AUTUMN, utc(2026, 10, 25, 10)),  # the Sunday itself, back in GMT
        (AUTUMN + timedelta(days=1), utc(2026, 10, 26, 10)),
    ],
)
def test_a_visit_booked_at_ten_is_stored_in_utc_and_shown_at_ten(world, frozen, day, stored):
    frozen(day_start(day) - timedelta(days=2))  # two days before: the visit is still to come
    contact = visit(world, local_instant(day, time(10)))
    assert Contact.objects.get(pk=contact.pk).scheduled_start == stored

    midwife = signed_in(world.midwife_a.user).get(f"/visits/today/?date={day.isoformat()}")
    assert midwife.status_code == 200
    page = midwife.content.decode()
    assert "10:00" in page and "09:00" not in page and "11:00" not in page

    her = signed_in(world.woman_user).get("/my/visits/")
    assert her.status_code == 200
    weekday = f"{day:%A} {day.day} {day:%B}, 10:00"
    assert weekday in her.content.decode()


# -- the working-time rules count real hours -----------------------------------------------------


@pytest.mark.parametrize(
    ("saturday", "night_hours"),
    [(SPRING - timedelta(days=1), 11), (AUTUMN - timedelta(days=1), 13)],
    ids=["March", "October"],
)
def test_a_night_shift_across_the_change_counts_its_real_hours(world, saturday, night_hours):
    [night] = night_shifts(world, saturday)
    night = RotaEntry.objects.get(pk=night.pk)  # as stored: UTC
    assert night.ends_at - night.starts_at == timedelta(hours=night_hours)

    # Four ten-hour days the same week: 40 hours, plus the night.
    monday = saturday - timedelta(days=5)
    days = cover.Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=monday,
        last_day=monday + timedelta(days=3),
        weekdays=frozenset(range(4)),
        start=time(9),
        end=time(19),
    )
    cover.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=days)

    week = (day_start(monday), day_start(monday + timedelta(days=7)))
    rota = cover_io.rota_for([world.team_a], *week)
    warnings = [
        w
        for w in check_working_time(rota, *week)
        if w.rule == AVERAGE_48H and w.midwife == world.midwife_a.professional_id
    ]
    # Over 48 either way; the week's average is the real hours worked: 51 in March, 53 in
    # October (a wall-clock count would say 52 for both).
    assert [w.value_hours for w in warnings] == [40 + night_hours]


# -- the week planner's days ---------------------------------------------------------------------


@pytest.mark.parametrize(("sunday", "hours"), CHANGES)
def test_the_week_planner_measures_the_week_in_real_minutes(world, sunday, hours):
    """Each day's 09:00-17:00 shift is 8 hours wherever it falls, and the minutes from Monday
    00:00 come back to 09:00 local on every day, the Sunday of the change included."""
    monday = sunday - timedelta(days=6)
    every_day = cover.Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=monday,
        last_day=sunday,
        weekdays=frozenset(range(7)),
        start=time(9),
        end=time(17),
    )
    cover.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=every_day)

    week = visits_io.build_week(world.team_a, monday, now=day_start(monday) - timedelta(days=1))
    assert week.minute(day_start(monday + timedelta(days=7))) == (6 * 24 + hours) * 60
    shifts = sorted(
        (s.start, s.end)
        for s in week.problem.shifts
        if s.midwife == world.midwife_a.professional_id
    )
    assert len(shifts) == 7
    assert all(end - start == 8 * 60 for start, end in shifts)
    starts = [timezone.localtime(week.instant(start)) for start, _ in shifts]
    assert [(s.date(), s.time()) for s in starts] == [
        (monday + timedelta(days=k), time(9)) for k in range(7)
    ]
    # The Sunday's 09:00 is 23 or 25 hours after Saturday's, not 24.
    assert shifts[6][0] - shifts[5][0] == hours * 60


# -- the rota calendar file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saturday", "start", "end"),
    [
        (SPRING - timedelta(days=1), utc(2026, 3, 28, 20), utc(2026, 3, 29, 7)),
        (AUTUMN - timedelta(days=1), utc(2026, 10, 24, 19), utc(2026, 10, 25, 8)),
    ],
    ids=["March", "October"],
)
def test_the_rota_calendar_carries_the_real_instants_of_a_night_across_the_change(
    world, frozen, saturday, start, end
):
    frozen(day_start(saturday) - timedelta(days=3))
    night_shifts(world, saturday)
    response = signed_in(world.midwife_a.user).get("/rota/my-rota.ics")
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    # In UTC (a calendar shows it in its own zone): 20:00 to 08:00 on the wall clock.
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (start, end)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    body = response.content.decode()
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body and f"DTEND:{end:%Y%m%dT%H%M%SZ}" in body


# -- months: an event just after local midnight on the 1st ---------------------------------------


@pytest.mark.parametrize(
    ("first", "stored"),
    [
        (date(2026, 4, 1), utc(2026, 3, 31, 23, 30)),  # BST: still 31 March in UTC
        (date(2026, 11, 1), utc(2026, 11, 1, 0, 30)),  # GMT: the same day in UTC
    ],
    ids=["April (BST)", "November (GMT)"],
)
def test_a_visit_at_half_past_midnight_on_the_first_is_in_that_month(world, first, stored):
    p = world.pregnancy_a
    p.booking_date, p.ga_at_booking_days, p.edd = date(2026, 1, 5), 70, date(2026, 7, 27)
    p.save()
    contact = visit(world, local_instant(first, time(0, 30)))
    Contact.objects.filter(pk=contact.pk).update(attendance="5")  # attended
    assert Contact.objects.get(pk=contact.pk).scheduled_start == stored

    def contacts(month: date) -> dict[str, dict]:
        tables = msds.rows_by_table(msds.extract(month))
        return {r["CareConID"]: r for r in tables["MSD201CareContactPreg"]}

    month_before = (first - timedelta(days=1)).replace(day=1)
    assert str(contact.pk) not in contacts(month_before)  # not yet, at the end of that month
    row = contacts(first)[str(contact.pk)]
    assert row["CContactDate"] == first
    assert row["CContactTime"] == time(0, 30)
