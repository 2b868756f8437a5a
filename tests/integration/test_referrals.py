"""Referrals at the site she chooses, the loop to the outcome with overdue alerts to her named
midwife, changes of planned place of birth, scoping and bad input."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from continuity.caseloads.queries import my_caseload
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.referrals import actions, queries
from continuity.referrals.models import PlaceOfBirthChange, Referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _refer(world, **kw):
    defaults = {
        "by": world.midwife_a.user,
        "pregnancy": world.pregnancy_a,
        "service": Referral.Service.PERINATAL_MH,
        "site_id": world.site.pk,
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "Low mood since booking; would like support.",
    }
    return actions.make_referral(**{**defaults, **kw})


def test_the_loop_from_request_to_outcome(world, client_for):
    client = client_for(world.midwife_a.user)
    response = client.post(
        f"/women/{world.woman_a.ref}/referrals/new/",
        {
            "service": "consultant",
            "site": world.site.pk,
            "urgency": "routine",
            "reason": "Previous caesarean: plan for birth.",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.coordinator == world.midwife_a and referral.site == world.site
    url = f"/referrals/{referral.pk}/"
    client.post(url, {"to": "accepted", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == "accepted"
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url,
        {
            "to": "booked",
            "version": referral.version,
            "appointment_date[day]": day.day,
            "appointment_date[month]": day.month,
            "appointment_date[year]": day.year,
            "appointment_time": "14:30",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert timezone.localtime(referral.appointment_at).strftime("%H:%M") == "14:30"
    # Not yet happened: she cannot have attended.
    response = client.post(url, {"to": "attended", "version": referral.version})
    assert response.status_code == 400 and "has not happened yet" in response.content.decode()
    Referral.objects.filter(pk=referral.pk).update(
        appointment_at=timezone.now() - timedelta(hours=2)
    )
    client.post(url, {"to": "attended", "version": referral.version})
    referral.refresh_from_db()
    response = client.post(url, {"to": "done", "version": referral.version, "note": ""})
    assert "Write the outcome" in response.content.decode()
    client.post(
        url,
        {
            "to": "done",
            "version": referral.version,
            "note": "Planned caesarean at 39 weeks offered; she will decide.",
        },
    )
    referral.refresh_from_db()
    assert referral.status == "done" and referral.outcome.startswith("Planned caesarean")
    assert [e.status for e in referral.events.all()] == [
        "requested",
        "accepted",
        "booked",
        "attended",
        "done",
    ]


def test_an_unknown_site_or_service_is_refused(world):
    with pytest.raises(ActionError) as refused:
        _refer(world, site_id=99999)
    assert refused.value.field == "site"
    with pytest.raises(ActionError) as refused:
        _refer(world, service="astrology")
    assert refused.value.field == "service"
    assert not Referral.objects.exists()


def test_impossible_steps_and_dates_are_refused(world):
    referral = _refer(world)
    with pytest.raises(ActionError, match="cannot be marked"):
        actions.advance(
            by=world.midwife_a.user,
            referral=referral,
            version=referral.version,
            to="done",
            note="x",
        )
    referral = actions.advance(
        by=world.midwife_a.user, referral=referral, version=referral.version, to="accepted"
    )
    with pytest.raises(ActionError, match="before the referral was made"):
        actions.advance(
            by=world.midwife_a.user,
            referral=referral,
            version=referral.version,
            to="booked",
            appointment_at=referral.requested_at - timedelta(days=3),
        )
    with pytest.raises(StaleRecord):
        actions.advance(
            by=world.midwife_a.user, referral=referral, version=1, to="cancelled", note="x"
        )


def test_overdue_steps_alert_the_coordinator(world):
    referral = _refer(world, urgency=Referral.Urgency.URGENT)
    # Urgent: accepted within 1 working day. A Friday request is due Monday.
    friday = datetime(2026, 6, 12, 10, 0, tzinfo=LONDON)
    Referral.objects.filter(pk=referral.pk).update(requested_at=friday)
    referral.refresh_from_db()
    assert queries.due(referral).isoformat() == "2026-06-15"
    assert not queries.overdue(referral, datetime(2026, 6, 15).date())
    assert queries.overdue(referral, datetime(2026, 6, 16).date())
    Referral.objects.filter(pk=referral.pk).update(requested_at=timezone.now() - timedelta(days=14))
    [row] = [r for r in my_caseload(world.midwife_a.user) if r.pregnancy == world.pregnancy_a]
    assert "referral_overdue" in row.flags
    assert queries.coordinating(world.midwife_a.user)[0].pk == referral.pk


def test_staff_outside_her_care_cannot_see_her_referrals(world, client_for):
    referral = _refer(world)
    assert client_for(world.midwife_b.user).get(f"/referrals/{referral.pk}/").status_code == 404
    assert client_for(world.board).get(f"/referrals/{referral.pk}/").status_code == 403
    page = client_for(world.midwife_a.user).get(f"/women/{world.woman_a.ref}/").content.decode()
    assert "Perinatal mental health" in page and "Make a referral" in page


def test_a_change_of_planned_place_of_birth_keeps_its_reason(world, client_for):
    p = world.pregnancy_a
    client = client_for(world.midwife_a.user)
    url = f"/women/{world.woman_a.ref}/place-of-birth/"
    response = client.post(url, {"place": "home", "reason": "", "version": p.version})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    response = client.post(
        url, {"place": "home", "reason": "She would like a home birth.", "version": p.version}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.planned_place_of_birth == "home"
    change = PlaceOfBirthChange.objects.get()
    assert change.reason == "She would like a home birth." and change.by == world.midwife_a.user
    with pytest.raises(ActionError, match="already"):
        actions.change_place_of_birth(
            by=world.midwife_a.user, pregnancy=p, version=p.version, place="home", reason="again"
        )


def test_reasons_with_script_are_shown_escaped(world, client_for):
    payload = "<img src=x onerror=alert(1)>"
    referral = _refer(world, reason=payload)
    html = client_for(world.midwife_a.user).get(f"/referrals/{referral.pk}/").content.decode()
    assert payload not in html and "&lt;img" in html
