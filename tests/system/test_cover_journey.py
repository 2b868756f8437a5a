"""Browser journeys through cover: leave asked for and decided, the team calendar and its gaps,
and the woman's "Contact your midwife" card, with axe on every page."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from continuity.cover.clock import local_instant, monday_of
from continuity.workforce.models import CoverArrangement, RotaEntry
from tests.system.conftest import PASSWORD


@pytest.fixture
def sign_in_elsewhere(browser, browser_context_args, live_server):
    """Sign someone in in a browser context of their own, alongside `page`."""
    contexts = []

    def do(username):
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        other = context.new_page()
        other.goto(f"{live_server.url}/sign-in/")
        other.get_by_label("Username").fill(username)
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Sign in").click()
        other.wait_for_load_state()
        return other

    yield do
    for context in contexts:
        context.close()


def _fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _ask_for_leave(page, first, last):
    page.get_by_label("Annual leave").check()
    _fill_date(page, "First day away", first)
    _fill_date(page, "Last day away", last)


def test_request_and_approve_leave(sign_in, sign_in_elsewhere, live_world, check_a11y):
    world = live_world
    woman = world.woman_a
    first = timezone.localdate() + timedelta(days=15)
    last = timezone.localdate() + timedelta(days=19)

    # Ann asks for a week of annual leave.
    page = sign_in("mw_a")
    page.get_by_role("link", name="My rota").first.click()
    expect(page).to_have_title("My rota – Continuity – NHS")
    page.get_by_role("link", name="Ask for time away").click()
    expect(page).to_have_title("Ask for time away – Continuity – NHS")
    check_a11y(page)
    _ask_for_leave(page, first, last)
    page.get_by_label("Note (optional)").fill("Family wedding")
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_title("My rota – Continuity – NHS")
    expect(page.get_by_text("Your request has been sent to your team leader.")).to_be_visible()
    away = page.get_by_role("table", name="My leave, study days and sickness, with their status")
    row = away.get_by_role("row").filter(has_text="Annual leave")
    expect(row).to_contain_text("Requested")
    expect(row).to_contain_text(date_format(first, "j M Y"))
    check_a11y(page)
    entry = RotaEntry.objects.get(midwife=world.midwife_a, kind=RotaEntry.Kind.LEAVE)
    assert entry.status == RotaEntry.Status.REQUESTED

    # Her team leader sees the preview: her women, with her buddy covering by default.
    leader = sign_in_elsewhere("leader_a")
    leader.get_by_role("link", name="Team cover").first.click()
    expect(leader).to_have_title("Team cover – Continuity – NHS")
    leader.get_by_role("link", name="Leave requests").click()
    expect(leader).to_have_title("Leave requests – Continuity – NHS")
    leader.get_by_role("link", name="Ann Named").click()
    expect(leader).to_have_title("Decide on time away – Continuity – NHS")
    expect(leader.get_by_role("heading", level=1)).to_contain_text("Annual leave")
    expect(leader.get_by_text("Her note: Family wedding")).to_be_visible()
    women = leader.get_by_role("table", name="Each woman she is named midwife for")
    expect(women.get_by_role("rowheader", name=woman.full_name)).to_be_visible()
    expect(leader.get_by_label("See the cover with someone else covering")).to_have_value(
        world.buddy_a.professional_id
    )
    expect(leader.get_by_text("Covering her women: Bea Buddy")).to_be_visible()
    check_a11y(leader)
    leader.get_by_label("Approve, with the cover shown").check()
    leader.get_by_role("button", name="Confirm decision").click()
    expect(leader).to_have_title("Leave requests – Continuity – NHS")
    expect(
        leader.get_by_text(
            "Approved. Bea Buddy covers Ann Named's women; "
            "1 woman will be told and 0 visits are flagged to move."
        )
    ).to_be_visible()
    expect(leader.get_by_text("There are no requests waiting for a decision.")).to_be_visible()
    check_a11y(leader)

    entry.refresh_from_db()
    assert entry.status == RotaEntry.Status.APPROVED
    assert entry.decided_by == world.leader_a.user
    arrangement = CoverArrangement.objects.get(rota_entry=entry)
    assert arrangement.covering == world.buddy_a
    assert arrangement.covered == world.midwife_a
    assert (arrangement.starts_at, arrangement.ends_at) == (entry.starts_at, entry.ends_at)

    # Ann sees the decision on her rota.
    page.reload()
    expect(row).to_contain_text("Approved")
    check_a11y(page)

    # Bea sees whose women she will be covering.
    buddy = sign_in_elsewhere("mw_buddy")
    buddy.get_by_role("link", name="My rota").first.click()
    buddy.get_by_role("link", name="I am covering").click()
    expect(buddy).to_have_title("I am covering – Continuity – NHS")
    expect(buddy.get_by_role("heading", name="Ann Named's women")).to_be_visible()
    expect(buddy.get_by_role("link", name=woman.full_name)).to_be_visible()
    check_a11y(buddy)


def test_bad_input_shows_the_error_summary_and_saves_nothing(
    sign_in, sign_in_elsewhere, live_world, check_a11y
):
    first = timezone.localdate() + timedelta(days=20)

    # Leave that ends before it starts.
    page = sign_in("mw_a")
    page.get_by_role("link", name="My rota").first.click()
    page.get_by_role("link", name="Ask for time away").click()
    _ask_for_leave(page, first, first - timedelta(days=2))
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_title("Error: Ask for time away – Continuity – NHS")
    summary = page.locator(".nhsuk-error-summary")
    message = "The last day must be the same as or after the first day"
    expect(summary).to_contain_text(message)
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#last_day-day")
    expect(page.locator("#last_day-error")).to_contain_text(message)
    # What she typed is kept.
    expect(page.get_by_label("Annual leave")).to_be_checked()
    expect(page.get_by_role("group", name="First day away").get_by_label("Day")).to_have_value(
        str(first.day)
    )
    check_a11y(page)
    link.click()
    expect(page.locator("#last_day-day")).to_be_focused()
    assert not RotaEntry.objects.exists()

    # A shift starting at a time that does not exist.
    leader = sign_in_elsewhere("leader_a")
    leader.get_by_role("link", name="Team cover").first.click()
    leader.get_by_role("link", name="Add shifts").first.click()
    expect(leader).to_have_title("Add shifts – Continuity – NHS")
    check_a11y(leader)
    leader.get_by_label("Midwife").select_option(label="Ann Named")
    leader.get_by_label("Working").check()
    _fill_date(leader, "From", first)
    _fill_date(leader, "Until", first + timedelta(days=6))
    leader.get_by_label("Monday").check()
    leader.get_by_label("Starts at").fill("25:00")
    leader.get_by_label("Ends at").fill("17:00")
    leader.get_by_role("button", name="Add shifts").click()
    expect(leader).to_have_title("Error: Add shifts – Continuity – NHS")
    summary = leader.locator(".nhsuk-error-summary")
    message = "Starts at must be a time on the 24-hour clock, like 09:30 or 21:00"
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#start_time")
    expect(leader.locator("#start_time-error")).to_contain_text(message)
    expect(leader.get_by_label("Starts at")).to_have_value("25:00")
    check_a11y(leader)
    assert not RotaEntry.objects.exists()


def test_team_calendar_forecast_and_rest_rules(sign_in, live_world, check_a11y):
    world = live_world
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Tomorrow the team works the day; nobody is on call in the evening or the night.
    for midwife in (world.midwife_a, world.buddy_a):
        RotaEntry.objects.create(
            midwife=midwife,
            kind=RotaEntry.Kind.WORK,
            starts_at=local_instant(tomorrow, time(9)),
            ends_at=local_instant(tomorrow, time(17)),
        )

    page = sign_in("leader_a")
    page.get_by_role("link", name="Team cover").first.click()
    expect(page).to_have_title("Team cover – Continuity – NHS")
    if monday_of(tomorrow) != monday_of(timezone.localdate()):
        page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", name="Week of")).to_contain_text(
        date_format(monday_of(tomorrow), "j F Y")
    )
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Gaps in cover")
    expect(page.get_by_role("link", name="Add shifts to close them")).to_be_visible()
    table = page.get_by_role("table", name="Each midwife's shifts")
    gaps = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Gaps in cover"))
    tomorrows_gaps = gaps.get_by_role("cell").nth(tomorrow.weekday())
    expect(tomorrows_gaps).to_contain_text("Gap")
    expect(tomorrows_gaps).to_contain_text("17:00–24:00")
    expect(tomorrows_gaps).to_contain_text("nobody on duty")
    ann = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ann Named"))
    expect(ann.get_by_role("cell").nth(tomorrow.weekday())).to_contain_text("Working")
    check_a11y(page)

    page.get_by_role("link", name="Show the month").click()
    if monday_of(tomorrow).month != tomorrow.month:
        page.get_by_role("link", name="Next month").click()
    expect(page.get_by_role("heading", name=date_format(tomorrow, "F Y"))).to_be_visible()
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Gaps in cover")
    day = page.get_by_role("cell").filter(
        has=page.get_by_role("link", name=date_format(tomorrow, "l j F"), exact=True)
    )
    expect(day.locator(".nhsuk-tag--red")).to_contain_text("Gap")
    check_a11y(page)

    page.get_by_role("link", name="On-call forecast").click()
    expect(page).to_have_title("On-call forecast – Continuity – NHS")
    check_a11y(page)
    page.get_by_role("link", name="Rest rules").click()
    expect(page).to_have_title("Rest rules – Continuity – NHS")
    check_a11y(page)

    # A leader can open a shift from the calendar and remove it, with a reason.
    page.get_by_role("link", name="Cover calendar").click()
    if monday_of(tomorrow) != monday_of(timezone.localdate()):
        page.get_by_role("link", name="Next week").click()
    page.get_by_role("link", name=re.compile("change Ann Named's Working")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working")
    check_a11y(page)
    page.get_by_role("button", name="Remove from the rota").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter why you are removing")
    check_a11y(page)
    page.get_by_label("Why are you removing it?").fill("Swapped with a colleague")
    page.get_by_role("button", name="Remove from the rota").click()
    expect(page.get_by_role("status")).to_contain_text("removed from the rota")


def test_woman_sees_who_to_contact(sign_in, live_world, check_a11y):
    world = live_world
    now = timezone.now()
    world.midwife_a.phone = "07700 900123"
    world.midwife_a.save()
    RotaEntry.objects.create(
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.WORK,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
    )
    handover = date_format(timezone.localtime(now + timedelta(hours=3)), "l j F, H:i")

    page = sign_in("woman")
    expect(page).to_have_title("My pregnancy – Continuity – NHS")
    card = page.locator(".continuity-contact-card")
    expect(card.get_by_role("heading", name="Contact your midwife")).to_be_visible()
    expect(card.get_by_text("Ann Named", exact=True)).to_be_visible()
    expect(card.get_by_text("your named midwife")).to_be_visible()
    expect(card.get_by_role("link", name="07700 900123")).to_have_attribute(
        "href", "tel:07700900123"
    )
    following = card.locator("p").filter(has_text="From ")
    expect(following).to_contain_text(f"From {handover}:")
    expect(following).to_contain_text("the maternity triage line")
    check_a11y(page)
