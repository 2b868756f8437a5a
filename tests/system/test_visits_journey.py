"""Browser journeys through visits: a team leader plans and publishes the week, a midwife records
today's visit, and a woman asks to move a visit and says when suits her, with axe on every page."""

from __future__ import annotations

import re
from datetime import time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from continuity.cover.clock import day_start, local_instant, monday_of
from continuity.pregnancies.models import AvailabilityWindow, Contact, ContactProfessional
from continuity.visits.models import MoveRequest, WeekPlan
from continuity.workforce.models import RotaEntry

BASE = (53.8008, -1.5491)
HOME = (53.8200, -1.5800)


def _visit(pregnancy, midwife, at):
    contact = Contact.objects.create(
        pregnancy=pregnancy, kind=Contact.Kind.ANTENATAL, scheduled_start=at, team=midwife.team
    )
    ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
    return contact


def _at_home(world):
    woman = world.woman_a
    woman.lat, woman.lon = HOME
    woman.address_line_1 = "1 Mill Lane"
    woman.postcode = "LS1 4AB"
    woman.save()
    world.midwife_a.base_lat, world.midwife_a.base_lon = BASE
    world.midwife_a.save()


def test_plan_and_publish_the_week(sign_in, live_world, check_a11y, settings):
    settings.CONTINUITY = {**settings.CONTINUITY, "PLANNER_SECONDS": 1}
    world = live_world
    _at_home(world)
    world.team_a.base_lat, world.team_a.base_lon = BASE
    world.team_a.save()
    monday = monday_of(timezone.localdate()) + timedelta(days=7)
    # Ann and Bea work next week's weekdays; the woman (a second baby) is 27+2 on the Monday,
    # so her 28-week contact is due that week.
    for midwife in (world.midwife_a, world.buddy_a):
        for d in range(5):
            day = monday + timedelta(days=d)
            RotaEntry.objects.create(
                midwife=midwife,
                kind=RotaEntry.Kind.WORK,
                starts_at=local_instant(day, time(9)),
                ends_at=local_instant(day, time(17)),
            )
    p = world.pregnancy_a
    p.previous_live_births = 1
    p.ga_at_booking_days = 70
    p.booking_date = monday - timedelta(days=27 * 7 + 2 - 70)
    p.edd = p.booking_date + timedelta(days=210)
    p.save()

    page = sign_in("leader_a")
    page.get_by_role("link", name="Week planner").first.click()
    expect(page).to_have_title("Week planner – Continuity – NHS")
    check_a11y(page)
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", name="Week of")).to_contain_text(
        date_format(monday, "j F Y")
    )
    expect(page.get_by_text("No visits are booked this week yet.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("button", name="Plan the week").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The week has been planned. Check it, then publish."
    )
    expect(page.get_by_role("heading", name="The plan to review")).to_be_visible()
    plan = page.get_by_role("table", name=re.compile("^Planned visits on "))
    expect(plan).to_have_count(1)
    row = plan.get_by_role("row").filter(has_text=world.woman_a.full_name)
    expect(row).to_contain_text("Ann Named")
    expect(row).to_contain_text("named midwife")
    expect(row.locator(".nhsuk-tag--green")).to_have_text("New")
    check_a11y(page)
    draft = WeekPlan.objects.get(status=WeekPlan.Status.DRAFT)
    assert draft.week_start == monday
    assert not Contact.objects.exists()

    page.get_by_role("button", name="Publish this plan").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Published: 1 visits booked, 0 moved or given to someone else."
    )
    expect(page.get_by_role("button", name="Plan the week")).to_be_visible()
    expect(page.get_by_role("button", name="Publish this plan")).to_have_count(0)
    expect(page.get_by_text(world.woman_a.full_name)).to_be_visible()
    check_a11y(page)

    draft.refresh_from_db()
    assert draft.status == WeekPlan.Status.PUBLISHED
    contact = Contact.objects.get()
    assert contact.schedule_code == "an_28"
    lead = ContactProfessional.objects.get(contact=contact)
    assert (lead.midwife, lead.is_lead) == (world.midwife_a, True)
    start = timezone.localtime(contact.scheduled_start)
    assert monday <= start.date() < monday + timedelta(days=5)
    assert local_instant(start.date(), time(9)) <= contact.scheduled_start
    end = contact.scheduled_start + timedelta(minutes=contact.duration_minutes)
    assert end <= local_instant(start.date(), time(17))


def test_record_todays_visit(sign_in, live_world, check_a11y):
    world = live_world
    _at_home(world)
    now = timezone.now()
    # Earlier today (or at midnight, just after it).
    at = max(now - timedelta(hours=1), day_start(timezone.localdate()))
    contact = _visit(world.pregnancy_a, world.midwife_a, at)

    page = sign_in("mw_a")
    page.get_by_role("link", name="Today", exact=True).first.click()
    expect(page).to_have_title("Today – Continuity – NHS")
    card = page.locator(".continuity-stops li").filter(has_text=world.woman_a.full_name)
    expect(card).to_contain_text(date_format(timezone.localtime(at), "H:i"))
    expect(card).to_contain_text("1 Mill Lane, LS1 4AB")
    expect(card).to_contain_text("minutes' drive")
    expect(page.get_by_role("img", name=re.compile("^Route sketch"))).to_be_visible()
    check_a11y(page)

    card.get_by_role("link", name=re.compile("^Record this visit")).click()
    expect(page).to_have_title("Record the visit – Continuity – NHS")
    expect(page.get_by_label("Ann Named")).to_be_checked()
    check_a11y(page)
    page.get_by_label("Attended on time").check()
    page.get_by_label("Short note (optional)").fill("All well")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title("Today – Continuity – NHS")
    expect(page.get_by_role("status")).to_contain_text("The visit has been recorded.")
    card = page.locator(".continuity-stops li").filter(has_text=world.woman_a.full_name)
    expect(card.locator(".nhsuk-tag--green")).to_have_text("Attended on time")
    expect(card.get_by_role("link", name=re.compile("^Record this visit"))).to_have_count(0)
    check_a11y(page)

    contact.refresh_from_db()
    assert contact.attendance == "5"
    assert contact.note == "All well"
    lead = ContactProfessional.objects.get(contact=contact)
    assert (lead.midwife, lead.is_lead) == (world.midwife_a, True)


def test_woman_asks_to_move_a_visit(sign_in, live_world, check_a11y):
    world = live_world
    at = timezone.now() + timedelta(days=5)
    contact = _visit(world.pregnancy_a, world.midwife_a, at)

    page = sign_in("woman")
    page.get_by_role("link", name="My visits").first.click()
    expect(page).to_have_title("My visits – Continuity – NHS")
    expect(page.get_by_text(date_format(timezone.localtime(at), "l j F, H:i"))).to_be_visible()
    expect(page.get_by_text("with Ann Named")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name=re.compile("^Ask to move this visit")).click()
    expect(page).to_have_title("Ask to move a visit – Continuity – NHS")
    check_a11y(page)
    # Sent without saying when: the error summary.
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_title("Error: Ask to move a visit – Continuity – NHS")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Tell us which days and times would suit you"
    )
    check_a11y(page)
    assert not MoveRequest.objects.exists()
    page.get_by_label("Which days and times would suit you better?").fill(
        "Any weekday after 6pm, or Saturday morning"
    )
    page.get_by_role("button", name="Send request").click()

    expect(page).to_have_title("My visits – Continuity – NHS")
    expect(page.get_by_role("status")).to_contain_text("Your request has been sent.")
    tag = page.locator(".nhsuk-tag--yellow")
    expect(tag).to_have_text("You asked to move this visit")
    check_a11y(page)
    request = MoveRequest.objects.get()
    assert (request.contact, request.status) == (contact, MoveRequest.Status.OPEN)
    assert request.better_times == "Any weekday after 6pm, or Saturday morning"

    # She says when visits suit her.
    page.get_by_role("link", name="Change when you would like visits").click()
    expect(page).to_have_title("When you would like visits – Continuity – NHS")
    check_a11y(page)
    page.get_by_label("Monday: Evening (5pm to 8:30pm)").check()
    page.get_by_label("Saturday: Morning (9am to 12 noon)").check()
    page.get_by_role("button", name="Save my times").click()
    expect(page).to_have_title("My visits – Continuity – NHS")
    expect(page.get_by_role("status")).to_contain_text("Your preferred times have been saved.")
    expect(page.get_by_text("Monday, 17:00 to 20:30")).to_be_visible()
    expect(page.get_by_text("Saturday, 09:00 to 12:00")).to_be_visible()
    check_a11y(page)
    assert sorted(
        AvailabilityWindow.objects.filter(pregnancy=world.pregnancy_a).values_list(
            "kind", "weekday", "start_time", "end_time"
        )
    ) == [("preferred", 0, time(17), time(20, 30)), ("preferred", 5, time(9), time(12))]
