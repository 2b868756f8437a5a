"""Who may see a woman's record, and the access events every view writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from continuity.core.models import AccessEvent
from continuity.pregnancies.queries import relationship_basis, visible_women
from continuity.workforce.models import CoverArrangement

pytestmark = pytest.mark.django_db


def woman_url(world):
    return reverse("pregnancies:woman", kwargs={"ref": world.woman_a.ref})


@pytest.mark.parametrize(
    ("who", "basis"),
    [
        ("midwife_a", "named_midwife"),
        ("buddy_a", "buddy"),
        ("colleague_a", "team"),
        ("leader_a", "team"),
    ],
)
def test_people_in_a_care_relationship_see_her_and_one_event_is_written(
    world, client_for, who, basis
):
    user = getattr(world, who).user
    before = AccessEvent.objects.count()
    response = client_for(user).get(woman_url(world))
    assert response.status_code == 200
    assert world.woman_a.full_name in response.content.decode()
    events = AccessEvent.objects.filter(woman=world.woman_a, user=user)
    assert AccessEvent.objects.count() == before + 1
    event = events.get()
    assert (event.action, event.outcome, event.basis) == ("view", "allowed", basis)
    assert event.route == "pregnancies:woman"


def test_service_manager_of_the_team_sees_her(world, client_for):
    response = client_for(world.manager).get(woman_url(world))
    assert response.status_code == 200
    assert AccessEvent.objects.get(user=world.manager).basis == "manager"


def test_out_of_team_midwife_gets_404_and_a_denied_event(world, client_for):
    response = client_for(world.midwife_b.user).get(woman_url(world))
    assert response.status_code == 404
    body = response.content.decode()
    assert world.woman_a.full_name not in body
    assert "Page not found" in body
    event = AccessEvent.objects.get(user=world.midwife_b.user)
    assert (event.outcome, event.woman_id) == ("denied", world.woman_a.pk)


def test_unknown_ref_is_the_same_404_as_out_of_scope(world, client_for):
    url = reverse("pregnancies:woman", kwargs={"ref": "00000000-0000-4000-8000-000000000000"})
    response = client_for(world.midwife_b.user).get(url)
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(user=world.midwife_b.user).exists()


def test_active_cover_grants_access_only_inside_the_window(world, client_for):
    now = timezone.now()
    cover = CoverArrangement.objects.create(
        covering=world.midwife_b,
        covered=world.midwife_a,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    assert client_for(world.midwife_b.user).get(woman_url(world)).status_code == 200
    assert relationship_basis(world.midwife_b.user, world.pregnancy_a) == "cover"
    later = now + timedelta(hours=2)
    assert relationship_basis(world.midwife_b.user, world.pregnancy_a, later) is None
    assert not visible_women(world.midwife_b.user, later).filter(pk=world.woman_a.pk).exists()
    cover.voided_at = now
    cover.save()
    assert client_for(world.midwife_b.user).get(woman_url(world)).status_code == 404


@pytest.mark.parametrize("who", ["board", "privacy", "admin", "woman_user"])
def test_roles_without_the_activity_are_refused(world, client_for, who):
    response = client_for(getattr(world, who)).get(woman_url(world))
    assert response.status_code == 403
    assert world.woman_a.full_name not in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(world, client):
    response = client.get(woman_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_disabled_staff_lose_access(world, client_for):
    user = world.midwife_a.user
    c = client_for(user)
    user.is_active = False
    user.save()
    assert c.get(woman_url(world)).status_code in (302, 403)


def test_visible_women_never_counts_other_teams(world):
    names = set(visible_women(world.midwife_b.user).values_list("pk", flat=True))
    assert names == {world.pregnancy_b.woman_id}


def test_no_identifiers_in_urls(world, client_for):
    url = woman_url(world)
    assert world.woman_a.nhs_number not in url
    assert world.woman_a.family_name not in url
    response = client_for(world.midwife_a.user).get(reverse("caseloads:mine"))
    body = response.content.decode()
    assert world.woman_a.nhs_number not in body.split("href=")[1:].__str__()


def test_access_logging_fails_closed(world, client_for, monkeypatch):
    """If the access event cannot be written, the record is not shown."""

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AccessEvent.objects, "create", broken)
    c = client_for(world.midwife_a.user)
    c.raise_request_exception = False
    response = c.get(woman_url(world))
    assert response.status_code == 500
    body = response.content.decode()
    assert world.woman_a.full_name not in body
    assert "Sorry, there is a problem with the service" in body
