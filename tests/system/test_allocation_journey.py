"""Browser journey: a team leader allocates today's bookings, with axe on every page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from continuity.pregnancies.models import Assignment, CarePlanRecord, Pregnancy
from tests.factories import PregnancyFactory, assign


def _todays_bookings(world, n):
    out = []
    for i in range(n):
        p = PregnancyFactory(
            booking_site=world.site,
            booking_date=timezone.localdate(),
            ga_at_booking_days=80 + i,
            edd=timezone.localdate() + timedelta(days=200 - i),
            status=Pregnancy.Status.BOOKED,
        )
        assign(p, world.team_a)
        out.append(p)
    return out


def test_allocate_todays_bookings(sign_in, live_server, live_world, check_a11y):
    first, second, third = _todays_bookings(live_world, 3)
    page = sign_in("leader_a")
    page.get_by_role("link", name="Allocation").first.click()
    expect(page).to_have_title("Allocation queue – Continuity – NHS")
    expect(page.get_by_text("3 women are waiting")).to_be_visible()
    check_a11y(page)

    # Nothing ticked: the error summary, and nothing lost.
    page.get_by_role("button", name="Accept selected suggestions").click()
    expect(page).to_have_title("Error: Allocation queue – Continuity – NHS")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select at least one woman")
    check_a11y(page)

    # Accept two suggestions in bulk.
    for p in (first, second):
        page.get_by_label(f"Accept the suggestion for {p.woman.full_name}").check()
    page.get_by_role("button", name="Accept selected suggestions").click()
    expect(page.get_by_text("2 women allocated")).to_be_visible()
    expect(page.get_by_text("1 woman is waiting")).to_be_visible()
    check_a11y(page)
    for p in (first, second):
        current = Assignment.objects.get(pregnancy=p, ends_at__isnull=True)
        assert current.named_midwife_id and current.buddy_id
        assert CarePlanRecord.objects.get(pregnancy=p).is_on_pathway

    # The third: she declines, first without a reason.
    page.get_by_role("link", name=third.woman.full_name).click()
    expect(page).to_have_title(f"Allocate {third.woman.full_name} – Continuity – NHS")
    expect(page.get_by_text("Suggestion", exact=True)).to_be_visible()
    check_a11y(page)
    page.get_by_label("She declined continuity of carer").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give the reason")
    check_a11y(page)
    page.get_by_label("Reason").fill("Prefers the hospital clinic near her work")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("No one in this team is waiting")).to_be_visible()
    plan = CarePlanRecord.objects.get(pregnancy=third)
    assert plan.coc_pathway == "N"

    # Capacity and handover pages.
    page.get_by_role("link", name="Capacity by due month").click()
    expect(page).to_have_title("Capacity by due month – Continuity – NHS")
    check_a11y(page)
    page.get_by_role("link", name="Hand over a midwife's women").click()
    expect(page).to_have_title("Hand over a midwife's women – Continuity – NHS")
    check_a11y(page)
    page.get_by_label("Midwife").select_option(label="Ann Named")
    page.get_by_label("Long absence").check()
    start = timezone.localdate() + timedelta(days=3)
    group = page.get_by_role("group", name="From")
    group.get_by_label("Day").fill(str(start.day))
    group.get_by_label("Month").fill(str(start.month))
    group.get_by_label("Year").fill(str(start.year))
    page.get_by_label("Reason").fill("Long-term sickness")
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", name="What will change")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Handover applied")).to_be_visible()
    current = Assignment.objects.get(pregnancy=live_world.pregnancy_a, ends_at__isnull=True)
    assert current.named_midwife == live_world.buddy_a
