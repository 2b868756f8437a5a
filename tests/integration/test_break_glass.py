"""Emergency ("break glass") access: a reason, a time box, every view recorded as emergency
access, a review by the privacy officer, and her access history shows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from continuity.core.models import AccessEvent, AuditEvent, BreakGlass
from continuity.pregnancies.queries import visible_women

pytestmark = pytest.mark.django_db

REASON = "In triage in labour; her team cannot be reached by phone"


def _open(client, woman, reason=REASON, understood="on"):
    return client.post(
        "/emergency-access/",
        {"nhs_number": woman.nhs_number, "reason": reason, "understood": understood},
    )


def test_a_midwife_outside_her_team_opens_her_record_for_an_hour(world, client_for):
    woman = world.pregnancy_b.woman  # team B; mw_a has no relationship with her
    client = client_for(world.midwife_a.user)
    assert client.get(f"/women/{woman.ref}/").status_code == 404
    response = _open(client, woman)
    assert response.status_code == 302 and response["Location"] == f"/women/{woman.ref}/"
    page = client.get(f"/women/{woman.ref}/")
    assert page.status_code == 200 and "Emergency access" in page.content.decode()
    grant = BreakGlass.objects.get()
    assert grant.reason == REASON and grant.user == world.midwife_a.user
    assert grant.expires_at - grant.started_at == timedelta(hours=1)
    views = AccessEvent.objects.filter(woman=woman, user=world.midwife_a.user)
    assert set(views.values_list("outcome", flat=True)) >= {
        AccessEvent.Outcome.DENIED,
        AccessEvent.Outcome.BREAK_GLASS,
    }
    assert not views.filter(outcome=AccessEvent.Outcome.ALLOWED).exists()
    assert AuditEvent.objects.filter(action="break_glass.opened").exists()
    # When the hour is over, she is out of reach again.
    BreakGlass.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/women/{woman.ref}/").status_code == 404
    assert not visible_women(world.midwife_a.user).filter(pk=woman.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Give the reason you need her record now"),
        ({"reason": "urgent"}, "Say why in a few words"),
        ({"understood": ""}, "Confirm that you understand the access is reviewed"),
        ({"nhs_number": "9990000001"}, "Enter a valid NHS number"),
    ],
)
def test_no_reason_or_no_confirmation_opens_nothing(world, client_for, changes, message):
    woman = world.pregnancy_b.woman
    data = {"nhs_number": woman.nhs_number, "reason": REASON, "understood": "on", **changes}
    response = client_for(world.midwife_a.user).post("/emergency-access/", data)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert message in response.content.decode()
    assert not BreakGlass.objects.exists()


def test_a_number_nobody_has_is_refused_and_audited_without_the_number(world, client_for):
    import random

    from continuity.core.identifiers import synthetic_nhs_number

    unknown = synthetic_nhs_number(random.Random(77))
    response = client_for(world.midwife_a.user).post(
        "/emergency-access/", {"nhs_number": unknown, "reason": REASON, "understood": "on"}
    )
    assert (
        response.status_code == 400 and "No woman with this NHS number" in response.content.decode()
    )
    event = AuditEvent.objects.get(action="break_glass.no_match")
    assert unknown not in str(event.changes) + event.reason + event.object_id


def test_roles_without_break_glass_cannot_use_it(world, client_for):
    for user in (world.board, world.privacy, world.woman_user):
        assert client_for(user).get("/emergency-access/").status_code == 403


def test_the_privacy_officer_reviews_it_and_she_sees_it(world, client_for):
    woman = world.pregnancy_b.woman
    _open(client_for(world.midwife_a.user), woman)
    grant = BreakGlass.objects.get()
    privacy = client_for(world.privacy)
    queue = privacy.get("/access-review/").content.decode()
    assert "Emergency access to review" in queue and REASON in queue
    refused = privacy.post(f"/access-review/{grant.pk}/", {"review": "concern", "note": ""})
    assert refused.status_code == 400 and "Say what concerns you" in refused.content.decode()
    done = privacy.post(f"/access-review/{grant.pk}/", {"review": "appropriate", "note": ""})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.review == "appropriate" and grant.reviewed_by == world.privacy
    assert (
        "No emergency access is waiting for review"
        in privacy.get("/access-review/").content.decode()
    )
    # Her access history (the portal's query) lists the emergency access.
    from continuity.portal.queries import access_history

    outcomes = set(access_history(woman).values_list("outcome", flat=True))
    assert AccessEvent.Outcome.BREAK_GLASS in outcomes
