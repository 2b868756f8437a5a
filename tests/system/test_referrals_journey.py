"""Browser journey: the midwife makes a referral at the site she chose and closes the loop when
the outcome comes back. axe on every page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from continuity.referrals.models import Referral


def test_make_and_close_a_referral(sign_in, live_world, check_a11y, live_server):
    world = live_world
    page = sign_in("mw_a")
    page.goto(f"{live_server.url}/women/{world.woman_a.ref}/")
    page.get_by_role("link", name="Make a referral").click()
    expect(page.get_by_role("button", name="Make the referral")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Service").select_option("pelvic_health")
    page.get_by_label("Hospital site she chose").select_option(str(world.site.pk))
    page.get_by_label("Reason for referral").fill("Pelvic girdle pain at 24 weeks.")
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelvic health")
    check_a11y(page)
    page.get_by_label("The service accepted her").check()
    page.get_by_role("button", name="Save").click()
    referral = Referral.objects.get()
    # The appointment happened yesterday; she went.
    Referral.objects.filter(pk=referral.pk).update(
        status="booked", appointment_at=timezone.now() - timedelta(days=1), version=5
    )
    page.reload()
    page.get_by_label("She went to the appointment").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_label("The outcome came back").check()
    page.get_by_label("Outcome or reason").fill("Six physiotherapy sessions booked.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Outcome returned")).to_be_visible()
    check_a11y(page)
    referral.refresh_from_db()
    assert referral.status == "done"
