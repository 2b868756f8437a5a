"""Visits in the app: the midwife's day, recording what happened, the woman's own visits, asking
to move one and her preferred times, and the team leader's week planner."""

from __future__ import annotations

import html
import math
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from continuity.accounts.models import Role
from continuity.core.models import AccessEvent, AuditEvent
from continuity.cover.clock import day_start, local_instant, monday_of
from continuity.engines.geo import Point, TravelModel, distance_km
from continuity.pregnancies.models import AvailabilityWindow, Contact, ContactProfessional
from continuity.visits.models import MoveRequest, WeekPlan
from continuity.workforce.models import RotaEntry
from tests.factories import MidwifeFactory, PregnancyFactory, assign

pytestmark = pytest.mark.django_db

# Three homes and a base a few kilometres apart, in Leeds.
BASE = (53.8008, -1.5491)
HOME_A = (53.8200, -1.5800)
HOME_C = (53.7900, -1.5100)
HOME_D = (53.8300, -1.5300)


def local(day, hour, minute=0):
    return local_instant(day, time(hour, minute))


def visit(pregnancy, midwife, at, *, lead=True, **extra):
    contact = Contact.objects.create(
        pregnancy=pregnancy,
        kind=extra.pop("kind", Contact.Kind.ANTENATAL),
        scheduled_start=at,
        team=midwife.team,
        **extra,
    )
    ContactProfessional.objects.create(
        contact=contact, midwife=midwife, team=midwife.team, is_lead=lead
    )
    return contact


def another_woman(world, named, buddy, team=None, **extra):
    p = PregnancyFactory(booking_site=world.site, **extra)
    assign(p, team or world.team_a, named=named, buddy=buddy)
    return p


def place(woman, at, line="1 Mill Lane"):
    woman.lat, woman.lon = at
    woman.address_line_1 = line
    woman.postcode = "LS1 4AB"
    woman.save()


def shift(midwife, kind, start, end, status=RotaEntry.Status.APPROVED):
    return RotaEntry.objects.create(
        midwife=midwife, kind=kind, starts_at=start, ends_at=end, status=status
    )


def page(response):
    return html.unescape(response.content.decode())


# -- the midwife's day ------------------------------------------------------------------------


@pytest.fixture
def day_world(world):
    """Two visits for Ann on one day (added out of order), one for Bea, one cancelled."""
    world.day = timezone.localdate() + timedelta(days=2)
    world.midwife_a.base_lat, world.midwife_a.base_lon = BASE
    world.midwife_a.save()
    world.p_c = another_woman(world, world.midwife_a, world.buddy_a)
    world.p_d = another_woman(world, world.buddy_a, world.midwife_a)
    place(world.woman_a, HOME_A, "1 Mill Lane")
    place(world.p_c.woman, HOME_C, "22 Canal Street")
    place(world.p_d.woman, HOME_D, "7 Park Row")
    world.afternoon = visit(world.p_c, world.midwife_a, local(world.day, 14))
    world.morning = visit(world.pregnancy_a, world.midwife_a, local(world.day, 10))
    world.bea = visit(world.p_d, world.buddy_a, local(world.day, 11))
    world.cancelled = visit(
        world.p_d, world.midwife_a, local(world.day, 16), cancelled_at=timezone.now()
    )
    world.other_day = visit(world.p_d, world.midwife_a, local(world.day + timedelta(days=1), 9))
    return world


def test_today_shows_her_visits_that_day_in_order_with_address_and_drive(day_world, client_for):
    w = day_world
    response = client_for(w.midwife_a.user).get(f"/visits/today/?date={w.day.isoformat()}")
    assert response.status_code == 200
    text = page(response)
    assert "2 visits" in text
    first = text.index(w.woman_a.full_name)
    second = text.index(w.p_c.woman.full_name)
    assert first < second  # 10:00 before 14:00, though the 14:00 visit was added first
    assert "10:00" in text[: first + 200] and "14:00" in text[first : second + 200]
    assert "1 Mill Lane, LS1 4AB" in text
    assert "22 Canal Street, LS1 4AB" in text
    # Bea's visit, the cancelled one and the next day's are not on Ann's day.
    assert w.p_d.woman.full_name not in text
    assert "7 Park Row" not in text
    assert f"/visits/{w.morning.pk}/outcome/" in text
    assert f"/visits/{w.afternoon.pk}/outcome/" in text
    assert f"/visits/{w.bea.pk}/outcome/" not in text
    assert f"/visits/{w.cancelled.pk}/outcome/" not in text
    # The drive from her base to the first home, then on to the second.
    travel = TravelModel()
    legs = [(Point(*BASE), Point(*HOME_A)), (Point(*HOME_A), Point(*HOME_C))]
    for a, b in legs:
        minutes = math.floor(travel.minutes(a, b) + 0.5)
        km = f"{distance_km(a, b) * travel.circuity:.1f}"
        drive = "minute's" if minutes == 1 else "minutes'"
        assert f"About {minutes} {drive} drive ({km} km) from the last stop" in text
    total = math.floor(sum(travel.minutes(a, b) for a, b in legs) + 0.5)
    assert f"about {total} minutes of driving" in text


def test_today_lists_access_to_each_woman_shown(day_world, client_for):
    w = day_world
    client_for(w.midwife_a.user).get(f"/visits/today/?date={w.day.isoformat()}")
    listed = list(
        AccessEvent.objects.filter(user=w.midwife_a.user, action=AccessEvent.Action.LIST)
        .order_by("pk")
        .values_list("woman_id", "route")
    )
    assert listed == [(w.woman_a.pk, "visits:today"), (w.p_c.woman_id, "visits:today")]


def test_another_midwife_sees_only_her_own_visits(day_world, client_for):
    w = day_world
    text = page(client_for(w.buddy_a.user).get(f"/visits/today/?date={w.day.isoformat()}"))
    assert "1 visit" in text
    assert w.p_d.woman.full_name in text
    assert w.woman_a.full_name not in text and w.p_c.woman.full_name not in text
    assert set(
        AccessEvent.objects.filter(user=w.buddy_a.user, action=AccessEvent.Action.LIST).values_list(
            "woman_id", flat=True
        )
    ) == {w.p_d.woman_id}


def test_today_has_a_route_sketch_when_the_homes_are_known(day_world, client_for):
    w = day_world
    client = client_for(w.midwife_a.user)
    text = page(client.get(f"/visits/today/?date={w.day.isoformat()}"))
    assert '<svg viewBox="0 0 560 320" role="img" aria-labelledby="route-caption"' in text
    assert 'id="route-caption"' in text
    # Two numbered stops and her base.
    assert text.count('<circle cx="') == 2
    assert text.count('<rect x="') == 1
    # Without coordinates there is nothing to draw: no sketch, the list is enough.
    for woman in (w.woman_a, w.p_c.woman):
        woman.lat = woman.lon = None
        woman.save()
    bare = page(client.get(f"/visits/today/?date={w.day.isoformat()}"))
    assert w.woman_a.full_name in bare
    assert 'aria-labelledby="route-caption"' not in bare


def test_a_day_without_visits_says_so(world, client_for):
    response = client_for(world.midwife_a.user).get("/visits/today/")
    assert response.status_code == 200
    assert "You have no visits planned on this day." in page(response)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LIST).exists()


@pytest.mark.parametrize("who", ["woman_user", "board", "privacy", "manager"])
def test_today_is_only_for_midwives(world, client_for, who):
    assert client_for(getattr(world, who)).get("/visits/today/").status_code == 403


# -- recording what happened ------------------------------------------------------------------


@pytest.fixture
def earlier(world):
    """A visit Ann did two hours ago; her buddy came too. Surnames fix the list's order."""
    for midwife, surname in ((world.midwife_a, "Adams"), (world.buddy_a, "Brown")):
        midwife.user.last_name = surname
        midwife.user.save()
    world.visit = visit(world.pregnancy_a, world.midwife_a, timezone.now() - timedelta(hours=2))
    world.url = f"/visits/{world.visit.pk}/outcome/"
    return world


def test_the_outcome_form_opens_with_her_ticked_and_records_access(earlier, client_for):
    response = client_for(earlier.midwife_a.user).get(earlier.url)
    assert response.status_code == 200
    text = page(response)
    assert "Record the visit" in text
    assert earlier.woman_a.full_name in text
    assert f'value="{earlier.midwife_a.professional_id}" checked' in text
    assert AccessEvent.objects.filter(
        user=earlier.midwife_a.user,
        woman=earlier.woman_a,
        action=AccessEvent.Action.VIEW,
        basis="visit",
    ).exists()


def test_attended_with_two_midwives(earlier, client_for):
    w = earlier
    response = client_for(w.midwife_a.user).post(
        w.url,
        {
            "attendance": "5",
            # Ticked in any order: the first in the list (by surname) is the lead.
            "attended_by": [w.buddy_a.professional_id, w.midwife_a.professional_id],
            "note": "All well",
            "version": str(w.visit.version),
        },
    )
    assert response.status_code == 302
    local_day = timezone.localtime(w.visit.scheduled_start).date()
    assert response["Location"] == f"/visits/today/?date={local_day.isoformat()}"
    contact = Contact.objects.get(pk=w.visit.pk)
    assert contact.attendance == "5"
    assert contact.attended
    assert contact.note == "All well"
    assert contact.actual_start == contact.scheduled_start
    assert contact.cancelled_at is None
    assert contact.version == w.visit.version + 1
    rows = list(ContactProfessional.objects.filter(contact=contact).order_by("-is_lead", "pk"))
    assert [(r.midwife, r.team, r.is_lead) for r in rows] == [
        (w.midwife_a, w.team_a, True),
        (w.buddy_a, w.team_a, False),
    ]
    event = AuditEvent.objects.get(action="visit.record_outcome", object_id=str(contact.pk))
    assert event.actor == w.midwife_a.user
    assert event.object_type == "pregnancies.contact"
    assert event.changes == {
        "attendance": "0",
        "attendance_after": "5",
        "attended_by": [w.midwife_a.professional_id, w.buddy_a.professional_id],
    }
    # The day now shows what happened instead of the link to record it.
    day = page(client_for(w.midwife_a.user).get(response["Location"]))
    assert "Attended on time" in day
    assert f"/visits/{contact.pk}/outcome/" not in day


def test_did_not_attend_needs_nobody_ticked(earlier, client_for):
    w = earlier
    response = client_for(w.midwife_a.user).post(
        w.url, {"attendance": "3", "note": "No answer at the door", "version": "1"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=w.visit.pk)
    assert contact.attendance == "3"
    assert contact.actual_start is None
    assert contact.cancelled_at is None
    # Who was down to do it stays recorded.
    assert list(
        ContactProfessional.objects.filter(contact=contact).values_list("midwife", "is_lead")
    ) == [(w.midwife_a.pk, True)]
    event = AuditEvent.objects.get(action="visit.record_outcome", object_id=str(contact.pk))
    assert event.changes["attendance_after"] == "3"
    assert event.changes["attended_by"] == []


def test_cancelled_by_the_woman_sets_when(earlier, client_for):
    w = earlier
    # A cancellation can be recorded before the visit, too.
    future = visit(w.pregnancy_a, w.midwife_a, timezone.now() + timedelta(days=3))
    before = timezone.now()
    response = client_for(w.midwife_a.user).post(
        f"/visits/{future.pk}/outcome/",
        {"attendance": "2", "note": "She is away", "version": str(future.version)},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=future.pk)
    assert contact.attendance == "2"
    assert contact.cancelled_at is not None and contact.cancelled_at >= before
    assert contact.cancellation_reason == "She is away"
    assert contact.actual_start is None


def test_attended_for_a_visit_in_the_future_is_refused(earlier, client_for):
    w = earlier
    future = visit(w.pregnancy_a, w.midwife_a, timezone.now() + timedelta(hours=3))
    response = client_for(w.midwife_a.user).post(
        f"/visits/{future.pk}/outcome/",
        {
            "attendance": "5",
            "attended_by": [w.midwife_a.professional_id],
            "version": str(future.version),
        },
    )
    assert response.status_code == 400
    text = page(response)
    assert "nhsuk-error-summary" in text
    assert "You can record who attended once the visit has started" in text
    assert text.count("<title>Error: Record the visit") == 1
    contact = Contact.objects.get(pk=future.pk)
    assert (contact.attendance, contact.version, contact.actual_start) == ("0", 1, None)
    assert not AuditEvent.objects.filter(action="visit.record_outcome").exists()


def test_attended_with_nobody_ticked_is_refused(earlier, client_for):
    w = earlier
    response = client_for(w.midwife_a.user).post(
        w.url, {"attendance": "5", "version": str(w.visit.version)}
    )
    assert response.status_code == 400
    text = page(response)
    assert "nhsuk-error-summary" in text
    assert "Select who did the visit" in text
    assert Contact.objects.get(pk=w.visit.pk).attendance == "0"
    assert not AuditEvent.objects.filter(action="visit.record_outcome").exists()


def test_nothing_chosen_is_refused(earlier, client_for):
    response = client_for(earlier.midwife_a.user).post(earlier.url, {"version": "1"})
    assert response.status_code == 400
    assert "Select what happened" in page(response)
    assert Contact.objects.get(pk=earlier.visit.pk).attendance == "0"


def test_a_stale_outcome_is_refused(earlier, client_for):
    w = earlier
    client = client_for(w.midwife_a.user)
    form = {"attendance": "5", "attended_by": [w.midwife_a.professional_id], "version": "1"}
    # Someone else records it first (the version moves on).
    assert client.post(w.url, {**form, "attendance": "6"}).status_code == 302
    stale = client.post(w.url, form)
    assert stale.status_code == 400
    text = page(stale)
    assert "nhsuk-error-summary" in text
    assert "This visit has changed since you opened it. Check it again." in text
    contact = Contact.objects.get(pk=w.visit.pk)
    assert (contact.attendance, contact.version) == ("6", 2)
    assert AuditEvent.objects.filter(action="visit.record_outcome").count() == 1


def test_a_midwife_not_on_the_visit_gets_not_found(earlier, client_for):
    w = earlier
    client = client_for(w.colleague_a.user)
    assert client.get(w.url).status_code == 404
    form = {"attendance": "3", "version": "1"}
    assert client.post(w.url, form).status_code == 404
    assert client_for(w.midwife_b.user).post(w.url, form).status_code == 404
    assert Contact.objects.get(pk=w.visit.pk).attendance == "0"
    assert not AccessEvent.objects.filter(woman=w.woman_a).exists()


def test_a_woman_cannot_record_a_visit(earlier, client_for):
    assert client_for(earlier.woman_user).get(earlier.url).status_code == 403


# -- the woman's own visits -------------------------------------------------------------------


@pytest.fixture
def hers(world):
    now = timezone.now()
    world.next_week = visit(world.pregnancy_a, world.midwife_a, now + timedelta(days=7))
    world.tomorrow = visit(world.pregnancy_a, world.buddy_a, now + timedelta(days=1))
    world.done = visit(world.pregnancy_a, world.midwife_a, now - timedelta(days=7), attendance="5")
    world.cancelled = visit(
        world.pregnancy_a,
        world.midwife_a,
        now + timedelta(days=3),
        cancelled_at=now,
        attendance="4",
    )
    world.voided = visit(world.pregnancy_a, world.midwife_a, now + timedelta(days=4), voided_at=now)
    world.hers_b = visit(world.pregnancy_b, world.midwife_b, now + timedelta(days=2))
    return world


def test_my_visits_lists_only_her_upcoming_visits(hers, client_for):
    w = hers
    response = client_for(w.woman_user).get("/my/visits/")
    assert response.status_code == 200
    text = page(response)
    links = [f"/my/visits/{c.pk}/move/" for c in (w.tomorrow, w.next_week)]
    assert all(link in text for link in links)
    assert text.index(links[0]) < text.index(links[1])  # soonest first
    for c in (w.done, w.cancelled, w.voided, w.hers_b):
        assert f"/my/visits/{c.pk}/move/" not in text
    assert "with Ann Named" in text and "with Bea Buddy" in text
    assert "You asked to move this visit" not in text
    assert AccessEvent.objects.filter(
        user=w.woman_user, woman=w.woman_a, basis="self", action=AccessEvent.Action.VIEW
    ).exists()


def test_asking_to_move_a_visit_and_asking_again(hers, client_for):
    w = hers
    client = client_for(w.woman_user)
    url = f"/my/visits/{w.next_week.pk}/move/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"better_times": "  Any weekday after 6pm  "})
    assert response.status_code == 302
    assert response["Location"] == "/my/visits/"
    request = MoveRequest.objects.get()
    assert (request.contact, request.asked_by, request.status) == (
        w.next_week,
        w.woman_user,
        MoveRequest.Status.OPEN,
    )
    assert request.better_times == "Any weekday after 6pm"
    assert AuditEvent.objects.filter(
        action="visit.ask_to_move", object_id=str(request.pk), actor=w.woman_user
    ).exists()
    mine = page(client.get("/my/visits/"))
    assert mine.count("You asked to move this visit") == 1
    # Asking again changes the same request.
    assert client.post(url, {"better_times": "Saturday morning"}).status_code == 302
    again = MoveRequest.objects.get()
    assert again.pk == request.pk
    assert again.better_times == "Saturday morning"
    assert again.asked_at >= request.asked_at
    # The visit itself is untouched until her team moves it.
    contact = Contact.objects.get(pk=w.next_week.pk)
    assert (contact.scheduled_start, contact.version) == (w.next_week.scheduled_start, 1)


def test_asking_to_move_without_saying_when_is_refused(hers, client_for):
    client = client_for(hers.woman_user)
    url = f"/my/visits/{hers.next_week.pk}/move/"
    for text in ("", "   "):
        response = client.post(url, {"better_times": text})
        assert response.status_code == 400
        body = page(response)
        assert "nhsuk-error-summary" in body
        assert "Tell us which days and times would suit you" in body
        assert "<title>Error: Ask to move a visit" in body
    too_long = client.post(url, {"better_times": "x" * 301})
    assert too_long.status_code == 400
    assert "Keep it to 300 characters or fewer" in page(too_long)
    assert not MoveRequest.objects.exists()


def test_she_cannot_ask_to_move_someone_elses_or_a_past_visit(hers, client_for):
    client = client_for(hers.woman_user)
    for contact in (hers.hers_b, hers.done, hers.cancelled, hers.voided):
        url = f"/my/visits/{contact.pk}/move/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"better_times": "Evenings"}).status_code == 404
    assert client.post("/my/visits/999999/move/", {"better_times": "Evenings"}).status_code == 404
    assert not MoveRequest.objects.exists()


def test_preferred_times_replace_the_old_ones_and_keep_what_she_cannot_do(world, client_for):
    p = world.pregnancy_a
    old = AvailabilityWindow.objects.create(
        pregnancy=p, kind="preferred", weekday=2, start_time=time(9), end_time=time(12)
    )
    cannot = AvailabilityWindow.objects.create(
        pregnancy=p, kind="unavailable", weekday=3, start_time=time(13), end_time=time(15)
    )
    client = client_for(world.woman_user)
    form = client.get("/my/visits/times/")
    assert form.status_code == 200
    assert 'value="2-morning" checked' in page(form)
    response = client.post("/my/visits/times/", {"slots": ["0-evening", "5-morning"]})
    assert response.status_code == 302
    assert response["Location"] == "/my/visits/"
    preferred = AvailabilityWindow.objects.filter(pregnancy=p, kind="preferred")
    assert sorted(preferred.values_list("weekday", "start_time", "end_time")) == [
        (0, time(17), time(20, 30)),
        (5, time(9), time(12)),
    ]
    assert not AvailabilityWindow.objects.filter(pk=old.pk).exists()
    kept = AvailabilityWindow.objects.get(kind="unavailable")
    assert (kept.pk, kept.weekday, kept.start_time) == (cannot.pk, 3, time(13))
    event = AuditEvent.objects.get(action="visit.preferred_times", object_id=str(p.pk))
    assert event.actor == world.woman_user
    assert event.changes == {
        "before": [[2, "09:00:00", "12:00:00"]],
        "after": [[0, "17:00:00", "20:30:00"], [5, "09:00:00", "12:00:00"]],
    }
    mine = page(client.get("/my/visits/"))
    assert "Monday, 17:00 to 20:30" in mine and "Saturday, 09:00 to 12:00" in mine
    # Choosing none clears her preferences (and still keeps what she cannot do). A browser
    # always sends the CSRF token, so the form is never empty.
    assert client.post("/my/visits/times/", {"csrfmiddlewaretoken": "x"}).status_code == 302
    assert list(AvailabilityWindow.objects.filter(pregnancy=p).values_list("kind", flat=True)) == [
        "unavailable"
    ]


def test_preferred_times_refuse_an_unknown_choice(world, client_for):
    response = client_for(world.woman_user).post("/my/visits/times/", {"slots": ["9-night"]})
    assert response.status_code == 400
    assert "nhsuk-error-summary" in page(response)
    assert not AvailabilityWindow.objects.exists()
    assert not AuditEvent.objects.filter(action="visit.preferred_times").exists()


@pytest.mark.parametrize("who", ["midwife_a", "leader_a", "manager", "board", "admin"])
@pytest.mark.parametrize("url", ["/my/visits/", "/my/visits/{pk}/move/", "/my/visits/times/"])
def test_staff_cannot_open_the_womans_pages(hers, client_for, who, url):
    user = getattr(hers, who)
    user = getattr(user, "user", user)
    client = client_for(user)
    target = url.format(pk=hers.next_week.pk)
    assert client.get(target).status_code == 403
    assert (
        client.post(target, {"better_times": "Evenings", "slots": ["0-evening"]}).status_code == 403
    )
    assert not MoveRequest.objects.exists()
    assert not AvailabilityWindow.objects.exists()


# -- the week planner -------------------------------------------------------------------------


WORK_DAYS = range(5)  # Monday to Friday, 09:00 to 17:00


@pytest.fixture
def week(world, settings):
    """A week three weeks ahead: Ann and Bea work the weekdays, and the woman (who has had a
    baby before) is 27+2 on its Monday, so the NICE 28-week contact (27+0 to 29+0) is due."""
    settings.CONTINUITY = {**settings.CONTINUITY, "PLANNER_SECONDS": 1}
    monday = monday_of(timezone.localdate()) + timedelta(days=21)
    world.monday = monday
    world.team_a.base_lat, world.team_a.base_lon = BASE
    world.team_a.save()
    for midwife, at in ((world.midwife_a, HOME_C), (world.buddy_a, HOME_D)):
        midwife.base_lat, midwife.base_lon = at
        midwife.save()
    place(world.woman_a, HOME_A)
    _due_for_28_weeks(world.pregnancy_a, monday)
    world.shifts = {}
    for midwife in (world.midwife_a, world.buddy_a):
        for d in WORK_DAYS:
            day = monday + timedelta(days=d)
            world.shifts[midwife.pk, day] = shift(
                midwife, RotaEntry.Kind.WORK, local(day, 9), local(day, 17)
            )
    world.url = f"/visits/plan/?team=TA&week={monday.isoformat()}"
    world.form = {"team": "TA", "week": monday.isoformat()}
    return world


def _due_for_28_weeks(pregnancy, monday):
    pregnancy.previous_live_births = 1
    pregnancy.ga_at_booking_days = 70
    pregnancy.booking_date = monday - timedelta(days=27 * 7 + 2 - 70)
    pregnancy.edd = pregnancy.booking_date + timedelta(days=280 - 70)
    pregnancy.save()


def _inside_a_shift(world, midwife, start, minutes):
    day = timezone.localtime(start).date()
    entry = world.shifts.get((midwife.pk, day))
    return (
        entry is not None
        and entry.starts_at <= start
        and (start + timedelta(minutes=minutes) <= entry.ends_at)
    )


def _plan(world, client):
    response = client.post("/visits/plan/", world.form)
    assert response.status_code == 302
    assert response["Location"] == world.url
    return WeekPlan.objects.get(team=world.team_a, status=WeekPlan.Status.DRAFT)


def _publish(world, client, draft, version=None):
    return client.post(
        "/visits/plan/",
        {
            **world.form,
            "plan": str(draft.pk),
            "version": str(draft.version if version is None else version),
            "publish": "1",
        },
    )


def _item(draft, pregnancy, code=None):
    rows = [
        i
        for i in draft.items
        if i["pregnancy"] == pregnancy.pk and (code is None or i["code"] == code)
    ]
    assert len(rows) == 1, draft.items
    return rows[0]


def test_planning_then_publishing_the_week(week, client_for):
    w = week
    client = client_for(w.leader_a.user)
    empty = client.get(w.url)
    assert empty.status_code == 200
    assert "No visits are booked this week yet." in page(empty)

    draft = _plan(w, client)
    assert (draft.week_start, draft.created_by, draft.published_at) == (
        w.monday,
        w.leader_a.user,
        None,
    )
    assert draft.summary["counts"]["planned"] == 1
    assert draft.summary["counts"]["named"] == 1
    assert draft.summary["counts"]["unplanned"] == 0
    item = _item(draft, w.pregnancy_a)
    assert item["code"] == "an_28"
    assert item["contact"] is None
    assert item["kind"] == "antenatal"
    assert (item["midwife"], item["rank"]) == (w.midwife_a.professional_id, 0)
    start = datetime.fromisoformat(item["start"])
    assert _inside_a_shift(w, w.midwife_a, start, item["duration"])
    # Only ids in the draft, never a name.
    assert w.woman_a.full_name not in str(draft.items)
    assert AuditEvent.objects.filter(
        action="visits.plan_week", object_id=str(draft.pk), actor=w.leader_a.user
    ).exists()
    assert not Contact.objects.exists()  # nothing is written until it is published

    review = client.get(w.url)
    assert review.status_code == 200
    text = page(review)
    assert "The plan to review" in text
    assert 'nhsuk-tag--green continuity-tag">New</strong>' in text
    assert w.woman_a.full_name in text
    assert "Ann Named" in text and "named midwife" in text
    assert timezone.localtime(start).strftime("%H:%M") in text
    assert "Publish this plan" in text
    assert AccessEvent.objects.filter(
        user=w.leader_a.user, woman=w.woman_a, action=AccessEvent.Action.LIST
    ).exists()

    published = _publish(w, client, draft)
    assert published.status_code == 302
    contact = Contact.objects.get()
    assert contact.pregnancy == w.pregnancy_a
    assert contact.schedule_code == "an_28"
    assert contact.kind == Contact.Kind.ANTENATAL
    assert contact.location == Contact.Location.HOME
    assert contact.team == w.team_a
    assert contact.attendance == "0"
    assert contact.confirmed_at is None
    assert contact.scheduled_start == start
    assert _inside_a_shift(w, w.midwife_a, contact.scheduled_start, contact.duration_minutes)
    lead = ContactProfessional.objects.get(contact=contact)
    assert (lead.midwife, lead.team, lead.is_lead) == (w.midwife_a, w.team_a, True)
    draft.refresh_from_db()
    assert draft.status == WeekPlan.Status.PUBLISHED
    assert draft.published_by == w.leader_a.user
    event = AuditEvent.objects.get(action="visits.publish_week", object_id=str(draft.pk))
    assert event.changes == {"created": 1, "moved": 0, "requests_answered": 0}
    after = page(client.get(w.url))
    assert "Published: 1 visits booked, 0 moved or given to someone else." in after
    assert "Plan the week" in after and "Publish this plan" not in after

    # Publishing the same draft again is refused and writes nothing more.
    again = _publish(w, client, draft, version=1)
    assert again.status_code == 400
    text = page(again)
    assert "nhsuk-error-summary" in text
    assert "This plan has changed since you opened it. Plan the week again." in text
    assert Contact.objects.count() == 1
    assert ContactProfessional.objects.count() == 1
    assert AuditEvent.objects.filter(action="visits.publish_week").count() == 1

    # The visit is on Ann's day and is now "delivered": planning again books nothing new.
    day = timezone.localtime(start).date()
    assert w.woman_a.full_name in page(
        client_for(w.midwife_a.user).get(f"/visits/today/?date={day.isoformat()}")
    )
    client = client_for(w.leader_a.user)
    second = _plan(w, client)
    assert all(i["contact"] == contact.pk for i in second.items)


def test_a_draft_that_is_not_the_latest_cannot_be_published(week, client_for):
    client = client_for(week.leader_a.user)
    first = _plan(week, client)
    second = _plan(week, client)
    assert WeekPlan.objects.get(pk=first.pk).status == WeekPlan.Status.DISCARDED
    refused = _publish(week, client, first)
    assert refused.status_code == 400
    assert "This plan has changed since you opened it" in page(refused)
    assert not Contact.objects.exists()
    assert _publish(week, client, second).status_code == 302
    assert Contact.objects.count() == 1


def test_publishing_moves_an_unconfirmed_visit_and_answers_her_request(week, client_for):
    w = week
    saturday = w.monday + timedelta(days=5)
    # Booked on the Saturday with a colleague (nobody works that day), not agreed with her.
    booked = visit(w.pregnancy_a, w.colleague_a, local(saturday, 10), schedule_code="an_28")
    request = MoveRequest.objects.create(
        contact=booked,
        asked_at=timezone.now(),
        asked_by=w.woman_user,
        better_times="A weekday please",
    )
    client = client_for(w.leader_a.user)
    draft = _plan(w, client)
    item = _item(draft, w.pregnancy_a)
    assert item["contact"] == booked.pk  # the due contact is already booked: nothing new
    assert item["midwife"] == w.midwife_a.professional_id
    start = datetime.fromisoformat(item["start"])
    assert timezone.localtime(start).date() == saturday - timedelta(days=1)  # a day either side
    text = page(client.get(w.url))
    assert 'nhsuk-tag--yellow continuity-tag">Changed</strong>' in text
    assert "She asked to move it" in text
    assert "A weekday please" in text

    assert _publish(w, client, draft).status_code == 302
    contact = Contact.objects.get()
    assert contact.pk == booked.pk
    assert contact.scheduled_start == start
    assert contact.version == booked.version + 1
    assert _inside_a_shift(w, w.midwife_a, contact.scheduled_start, contact.duration_minutes)
    assert list(
        ContactProfessional.objects.filter(contact=contact).values_list("midwife", "is_lead")
    ) == [(w.midwife_a.pk, True)]
    request.refresh_from_db()
    assert request.status == MoveRequest.Status.DONE
    assert request.answered_by == w.leader_a.user
    assert request.answered_at is not None
    assert datetime.fromisoformat(request.answer) == start
    replan = AuditEvent.objects.get(action="visit.replan", object_id=str(booked.pk))
    assert replan.changes["lead"] == w.colleague_a.pk
    assert datetime.fromisoformat(replan.changes["start"]) == booked.scheduled_start
    event = AuditEvent.objects.get(action="visits.publish_week")
    assert event.changes == {"created": 0, "moved": 1, "requests_answered": 1}


def test_a_confirmed_visit_stays_exactly_where_it_is(week, client_for):
    w = week
    tuesday = w.monday + timedelta(days=1)
    # Agreed with her: late on Tuesday with her buddy. Unconfirmed, the planner would give it
    # to her named midwife; confirmed, it stays.
    agreed = visit(
        w.pregnancy_a,
        w.buddy_a,
        local(tuesday, 16),
        schedule_code="an_28",
        confirmed_at=timezone.now(),
    )
    # Another woman's unconfirmed visit in the same slot is moved to her named midwife.
    p_c = another_woman(w, w.midwife_a, w.buddy_a)
    place(p_c.woman, HOME_C)
    _due_for_28_weeks(p_c, w.monday)
    loose = visit(p_c, w.buddy_a, local(tuesday, 16), schedule_code="an_28")
    client = client_for(w.leader_a.user)
    draft = _plan(w, client)
    kept = _item(draft, w.pregnancy_a)
    assert kept["contact"] == agreed.pk
    assert (kept["midwife"], kept["rank"]) == (w.buddy_a.professional_id, 1)
    assert datetime.fromisoformat(kept["start"]) == agreed.scheduled_start
    moved = _item(draft, p_c)
    assert (moved["contact"], moved["midwife"], moved["rank"]) == (
        loose.pk,
        w.midwife_a.professional_id,
        0,
    )
    assert _publish(w, client, draft).status_code == 302
    agreed_after = Contact.objects.get(pk=agreed.pk)
    assert agreed_after.scheduled_start == agreed.scheduled_start
    assert agreed_after.version == agreed.version
    assert agreed_after.confirmed_at == agreed.confirmed_at
    assert list(
        ContactProfessional.objects.filter(contact=agreed).values_list("midwife", "is_lead")
    ) == [(w.buddy_a.pk, True)]
    assert not AuditEvent.objects.filter(action="visit.replan", object_id=str(agreed.pk)).exists()
    assert ContactProfessional.objects.get(contact=loose, is_lead=True).midwife == w.midwife_a
    assert Contact.objects.count() == 2


def test_nothing_is_planned_for_a_midwife_on_leave(week, client_for):
    w = week
    shift(
        w.midwife_a,
        RotaEntry.Kind.LEAVE,
        day_start(w.monday),
        day_start(w.monday + timedelta(days=7)),
    )
    client = client_for(w.leader_a.user)
    draft = _plan(w, client)
    assert all(i["midwife"] != w.midwife_a.professional_id for i in draft.items)
    item = _item(draft, w.pregnancy_a, "an_28")
    assert (item["midwife"], item["rank"]) == (w.buddy_a.professional_id, 1)
    start = datetime.fromisoformat(item["start"])
    assert _inside_a_shift(w, w.buddy_a, start, item["duration"])
    assert draft.summary["counts"]["buddy"] == 1
    assert "buddy" in page(client.get(w.url))
    assert _publish(w, client, draft).status_code == 302
    assert ContactProfessional.objects.get().midwife == w.buddy_a


def test_a_visit_nobody_can_do_is_listed_with_the_reason(week, client_for):
    RotaEntry.objects.filter(kind=RotaEntry.Kind.WORK).delete()
    client = client_for(week.leader_a.user)
    draft = _plan(week, client)
    item = _item(draft, week.pregnancy_a)
    assert (item["midwife"], item["start"]) == (None, None)
    assert item["reason"]
    assert draft.summary["counts"]["unplanned"] == 1
    text = page(client.get(week.url))
    assert "Could not be planned" in text
    assert week.woman_a.full_name in text
    assert _publish(week, client, draft).status_code == 302
    assert not Contact.objects.exists()


@pytest.mark.parametrize("who", ["midwife_a", "buddy_a", "woman_user", "board"])
def test_the_planner_is_for_team_leaders(week, client_for, who):
    user = getattr(week, who)
    client = client_for(getattr(user, "user", user))
    assert client.get(week.url).status_code == 403
    assert client.post("/visits/plan/", week.form).status_code == 403
    assert not WeekPlan.objects.exists()


def test_another_teams_leader_cannot_plan_this_team(week, client_for):
    leader_b = MidwifeFactory(
        team=week.team_b, user__username="leader_b", user__role=Role.TEAM_LEADER
    )
    client = client_for(leader_b.user)
    assert client.get(week.url).status_code == 404
    assert client.post("/visits/plan/", week.form).status_code == 404
    draft = _plan(week, client_for(week.leader_a.user))
    other = client_for(leader_b.user)
    assert _publish(week, other, draft).status_code == 404
    # Her own team's draft id does not reach this team's plan either.
    response = other.post(
        "/visits/plan/",
        {
            "team": "TB",
            "week": week.monday.isoformat(),
            "plan": str(draft.pk),
            "version": "1",
            "publish": "1",
        },
    )
    assert response.status_code == 404
    assert WeekPlan.objects.get(pk=draft.pk).status == WeekPlan.Status.DRAFT
    assert not Contact.objects.exists()
    assert other.get(f"/visits/plan/?team=TB&week={week.monday.isoformat()}").status_code == 200


@pytest.mark.parametrize("known", ["none", "some"])
def test_places_without_coordinates_still_get_a_plan(week, client_for, known):
    """No base for the team, and (with "none") no coordinates anywhere: travel is estimated
    from what is known, or taken as nil — the leader still gets a plan, never an error page."""
    w = week
    w.team_a.base_lat = w.team_a.base_lon = None
    w.team_a.save()
    if known == "none":
        for midwife in (w.midwife_a, w.buddy_a):
            midwife.base_lat = midwife.base_lon = None
            midwife.save()
        w.woman_a.lat = w.woman_a.lon = None
        w.woman_a.save()
    draft = _plan(w, client_for(w.leader_a.user))
    item = _item(draft, w.pregnancy_a, "an_28")
    assert item["midwife"] == w.midwife_a.professional_id
    assert item["rank"] == 0


def test_a_confirmed_visit_moves_when_its_midwife_goes_off_sick(week, client_for):
    """Re-planning after sickness: the confirmed visit cannot stay with a midwife who is off,
    so it goes to the woman's buddy instead of being left unplanned."""
    w = week
    tuesday = w.monday + timedelta(days=1)
    agreed = visit(
        w.pregnancy_a,
        w.midwife_a,
        local(tuesday, 10),
        schedule_code="an_28",
        confirmed_at=timezone.now(),
    )
    shift(
        w.midwife_a,
        RotaEntry.Kind.SICKNESS,
        local(w.monday, 0),
        local(w.monday, 0) + timedelta(days=7),
    )
    draft = _plan(w, client_for(w.leader_a.user))
    item = _item(draft, w.pregnancy_a)
    assert item["contact"] == agreed.pk
    assert (item["midwife"], item["rank"]) == (w.buddy_a.professional_id, 1)
    start = datetime.fromisoformat(item["start"])
    assert _inside_a_shift(w, w.buddy_a, start, agreed.duration_minutes)
