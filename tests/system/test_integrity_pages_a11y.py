"""axe and a journey for the integrity pages: voiding an entry in error (her midwife) and the
retention review (the privacy officer)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from continuity.core import retention
from continuity.core.models import RetentionReview
from continuity.pregnancies.models import Contact, ContactProfessional, Pregnancy
from tests import factories

pytestmark = pytest.mark.browser


def test_her_midwife_voids_a_visit_recorded_in_error(sign_in, live_world, check_a11y, live_server):
    w = live_world
    contact = Contact.objects.create(
        pregnancy=w.pregnancy_a,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=timezone.now() - timedelta(days=3),
        attendance="5",
    )
    ContactProfessional.objects.create(
        contact=contact, midwife=w.midwife_a, team=w.team_a, is_lead=True
    )
    page = sign_in("mw_a")
    page.goto(f"{live_server.url}/women/{w.woman_a.ref}/")
    page.get_by_role("link", name="Void the contact of").first.click()
    page.wait_for_load_state()
    check_a11y(page)
    page.get_by_role("button", name="Void this entry").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    check_a11y(page)
    page.get_by_label("Why is this entry being voided?").fill("Recorded against the wrong woman")
    page.get_by_role("button", name="Void this entry").click()
    page.wait_for_load_state()
    assert "Entries voided in error" in page.content()
    check_a11y(page)
    contact.refresh_from_db()
    assert contact.void_reason == "Recorded against the wrong woman"


def test_the_privacy_officer_decides_on_a_record_due_for_review(
    sign_in, live_world, check_a11y, live_server
):
    woman = factories.WomanFactory()
    factories.PregnancyFactory(
        woman=woman,
        booking_date=date(1999, 1, 4),
        edd=date(1999, 8, 1),
        status=Pregnancy.Status.DISCHARGED,
        discharge_date=date(1999, 9, 12),
    )
    retention.flag_due(date(2026, 11, 21))
    page = sign_in("privacy")
    page.get_by_role("link", name="Retention review").first.click()
    page.wait_for_load_state()
    check_a11y(page)
    page.get_by_role("link", name="Decide").first.click()
    page.wait_for_load_state()
    check_a11y(page)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    check_a11y(page)
    page.get_by_label("Pass it to the records manager for disposal").check()
    page.get_by_label("Reason for your decision").fill("No reason to keep it longer")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    assert "Nothing has been deleted" in page.content()
    check_a11y(page)
    assert RetentionReview.objects.get().decision == "disposal"
