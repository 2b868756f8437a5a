"""Voiding entries made in error: a reason, who and when kept; never deleted; out of every list.

Visits (contacts), care plan records and labour records are voided from her record page. The
entry stays in the database and on her page under "Entries voided in error"; it leaves live
lists, reminders and the continuity tracking. Rota shifts and cover are voided by the cover pages
(tests/integration/test_cover.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from continuity.core.models import AuditEvent, Voidable
from continuity.notifications.models import OutboxMessage
from continuity.notifications.reminders import queue_visit_reminders
from continuity.pregnancies.models import CarePlanRecord, Contact, ContactProfessional

pytestmark = pytest.mark.django_db

REASON = "Recorded against the wrong woman"


def _visit(world, when, **fields):
    contact = Contact.objects.create(
        pregnancy=world.pregnancy_a, kind=Contact.Kind.ANTENATAL, scheduled_start=when, **fields
    )
    ContactProfessional.objects.create(
        contact=contact, midwife=world.midwife_a, team=world.team_a, is_lead=True
    )
    return contact


def _plan(world):
    return CarePlanRecord.objects.create(
        pregnancy=world.pregnancy_a,
        plan_date=world.pregnancy_a.booking_date + timedelta(days=14),
        plan_type="05",
        coc_pathway="Y",
        professional=world.midwife_a,
        team=world.team_a,
    )


def _url(world, kind, pk):
    return f"/women/{world.woman_a.ref}/void/{kind}/{pk}/"


def test_a_midwife_voids_a_visit_with_a_reason_and_it_stays_on_record(world, client_for):
    contact = _visit(world, timezone.now() - timedelta(days=2), attendance="5")
    client = client_for(world.midwife_a.user)
    page = client.get(f"/women/{world.woman_a.ref}/").content.decode()
    assert _url(world, "visit", contact.pk) in page
    form = client.get(_url(world, "visit", contact.pk))
    assert form.status_code == 200 and "Void this entry" in form.content.decode()
    done = client.post(
        _url(world, "visit", contact.pk), {"reason": REASON, "version": contact.version}
    )
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.voided_at is not None and contact.voided_by == world.midwife_a.user
    assert contact.void_reason == REASON and contact.version == 2
    event = AuditEvent.objects.get(action="contact.void")
    assert event.reason == REASON and event.object_id == str(contact.pk)
    after = client.get(f"/women/{world.woman_a.ref}/").content.decode()
    assert _url(world, "visit", contact.pk) not in after  # gone from the live list
    assert "Entries voided in error" in after and REASON in after
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_care_plan_record_voided_leaves_her_tracking(world, client_for):
    plan = _plan(world)
    client = client_for(world.midwife_a.user)
    client.post(_url(world, "care-plan", plan.pk), {"reason": REASON})
    plan.refresh_from_db()
    assert plan.is_voided
    assert not world.pregnancy_a.care_plans.live().exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Enter why this entry is being voided"),
        ({"reason": "   "}, "Enter why this entry is being voided"),
        ({"reason": "x" * 501}, "Keep the reason to 500 characters or fewer"),
    ],
)
def test_no_reason_voids_nothing(world, client_for, data, message):
    contact = _visit(world, timezone.now() - timedelta(days=2))
    response = client_for(world.midwife_a.user).post(_url(world, "visit", contact.pk), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and message in body
    contact.refresh_from_db()
    assert contact.voided_at is None


def test_a_stale_or_repeated_void_is_refused(world, client_for):
    contact = _visit(world, timezone.now() - timedelta(days=2))
    client = client_for(world.midwife_a.user)
    stale = client.post(_url(world, "visit", contact.pk), {"reason": REASON, "version": 99})
    assert stale.status_code == 400 and "changed after you opened it" in stale.content.decode()
    assert Contact.objects.get(pk=contact.pk).voided_at is None
    client.post(_url(world, "visit", contact.pk), {"reason": REASON, "version": 1})
    again = client_for(world.buddy_a.user).post(
        _url(world, "visit", contact.pk), {"reason": "Also wrong"}
    )
    assert again.status_code == 400 and "already voided" in again.content.decode()
    assert Contact.objects.get(pk=contact.pk).void_reason == REASON
    assert AuditEvent.objects.filter(action="contact.void").count() == 1


def test_outside_her_care_it_is_not_found_and_other_roles_are_refused(world, client_for):
    contact = _visit(world, timezone.now() - timedelta(days=2))
    assert client_for(world.midwife_b.user).get(_url(world, "visit", contact.pk)).status_code == 404
    for user in (world.board, world.woman_user, world.privacy):
        assert client_for(user).get(_url(world, "visit", contact.pk)).status_code == 403
    other = Contact.objects.create(
        pregnancy=world.pregnancy_b, kind=Contact.Kind.ANTENATAL, scheduled_start=timezone.now()
    )
    # Another woman's entry under her address is not found either.
    client = client_for(world.midwife_a.user)
    assert client.get(_url(world, "visit", other.pk)).status_code == 404
    assert client.get(_url(world, "bogus", contact.pk)).status_code == 404
    assert Contact.objects.filter(voided_at__isnull=False).count() == 0


def test_a_voided_visit_loses_its_queued_reminder(world, client_for):
    woman = world.woman_a
    woman.phone, woman.preferred_channel = "07700900123", "sms"
    woman.save()
    now = timezone.now()
    tomorrow = timezone.localtime(now).replace(hour=10, minute=0) + timedelta(days=1)
    contact = _visit(world, tomorrow)
    queue_visit_reminders(now)
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.QUEUED
    client_for(world.midwife_a.user).post(
        _url(world, "visit", contact.pk), {"reason": REASON, "version": contact.version}
    )
    message.refresh_from_db()
    assert message.status != OutboxMessage.Status.QUEUED


def test_no_voidable_record_can_be_deleted_in_admin(rf, world):
    request = rf.get("/")
    request.user = world.admin
    voidable = [m for m in admin.site._registry if issubclass(m, Voidable)]
    assert len(voidable) >= 5
    for model in voidable:
        assert not admin.site._registry[model].has_delete_permission(request), model
