"""Each page's happy path, titles, caching headers and role start pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from continuity.core.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_sign_in_page_and_sign_in(world, client):
    response = client.get(reverse("accounts:sign-in"))
    assert response.status_code == 200
    assert "<title>Sign in – Continuity – NHS</title>" in response.content.decode()
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "mw_a", "password": "test-password-123"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:start"))["Location"] == reverse("caseloads:mine")


def test_wrong_password_shows_the_error_summary(world, client):
    response = client.post(reverse("accounts:sign-in"), {"username": "mw_a", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – Continuity – NHS</title>" in body
    assert "nhsuk-error-summary" in body
    assert "Enter a correct username and password" in body


def test_empty_sign_in_names_each_field(world, client):
    body = client.post(reverse("accounts:sign-in"), {}).content.decode()
    assert "Enter your username" in body and "Enter your password" in body
    assert 'href="#username"' in body


def test_sign_out_ends_the_session(world, client_for):
    c = client_for(world.midwife_a.user)
    assert c.get(reverse("accounts:sign-out")).status_code == 200
    c.post(reverse("accounts:sign-out"))
    assert c.get(reverse("caseloads:mine")).status_code == 302


@pytest.mark.parametrize(
    ("who", "start"),
    [
        ("midwife_a", "caseloads:mine"),
        ("leader_a", "caseloads:teams"),
        ("manager", "caseloads:teams"),
        ("board", "caseloads:overview"),
        ("privacy", "core:access-review"),
        ("woman_user", "portal:home"),
        ("admin", "admin:index"),
    ],
)
def test_each_role_has_a_start_page_that_renders(world, client_for, who, start):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    c = client_for(user)
    response = c.get(reverse("core:start"))
    assert response["Location"] == reverse(start)
    page = c.get(response["Location"])
    assert page.status_code == 200
    if start != "admin:index":
        assert "– Continuity – NHS</title>" in page.content.decode()
        assert "no-store" in page["Cache-Control"]


def test_my_caseload_lists_her_with_gestation_and_writes_list_events(world, client_for):
    c = client_for(world.midwife_a.user)
    body = c.get(reverse("caseloads:mine")).content.decode()
    assert world.woman_a.full_name in body
    assert world.pregnancy_b.woman.full_name not in body
    ga = world.pregnancy_a.ga_days()
    assert f"{ga // 7}+{ga % 7} weeks" in body
    assert (
        AccessEvent.objects.filter(
            user=world.midwife_a.user, woman=world.woman_a, action="list"
        ).count()
        == 1
    )


def test_buddy_view_lists_her_for_the_buddy(world, client_for):
    c = client_for(world.buddy_a.user)
    assert world.woman_a.full_name not in c.get(reverse("caseloads:mine")).content.decode()
    body = c.get(reverse("caseloads:mine") + "?as=buddy").content.decode()
    assert world.woman_a.full_name in body


@pytest.mark.parametrize("sort", ["name", "gestation", "edd", "next_contact", "status", "bogus"])
def test_caseload_sorts(world, client_for, sort):
    response = client_for(world.midwife_a.user).get(reverse("caseloads:mine") + f"?sort={sort}")
    assert response.status_code == 200


def test_team_view_for_leader_and_404_for_other_team(world, client_for):
    c = client_for(world.leader_a.user)
    body = c.get(reverse("caseloads:team", kwargs={"team_id": world.team_a.pk})).content.decode()
    assert world.woman_a.full_name in body and "Ann Named" in body
    other = c.get(reverse("caseloads:team", kwargs={"team_id": world.team_b.pk}))
    assert other.status_code == 404


def test_midwives_cannot_open_team_views(world, client_for):
    c = client_for(world.midwife_a.user)
    assert c.get(reverse("caseloads:teams")).status_code == 403


def test_board_overview_shows_rounded_aggregates_only(world, client_for):
    body = client_for(world.board).get(reverse("caseloads:overview")).content.decode()
    assert world.woman_a.full_name not in body
    # Two women in care: shown as 5 under MSDS rounding, never as 1 or 2.
    assert "of 5 women" in body


def test_woman_sees_her_midwife_and_her_access_history(world, client_for):
    client_for(world.midwife_a.user).get(
        reverse("pregnancies:woman", kwargs={"ref": world.woman_a.ref})
    )
    c = client_for(world.woman_user)
    home = c.get(reverse("portal:home")).content.decode()
    assert "Ann Named" in home and "Bea Buddy" in home
    history = c.get(reverse("portal:access-history")).content.decode()
    assert "Ann Named" in history and "Viewed record" in history


def test_woman_cannot_see_staff_pages(world, client_for):
    c = client_for(world.woman_user)
    assert c.get(reverse("caseloads:mine")).status_code == 403
    assert c.get(reverse("pregnancies:book")).status_code == 403


def test_error_pages_are_nhs_styled(world, client_for):
    c = client_for(world.midwife_a.user)
    response = c.get("/no-such-page/")
    assert response.status_code == 404
    assert "<title>Page not found – Continuity – NHS</title>" in response.content.decode()
    forbidden = c.get(reverse("core:access-review"))
    assert forbidden.status_code == 403
    assert "You do not have permission" in forbidden.content.decode()


def test_privacy_officer_sees_denied_attempts(world, client_for):
    client_for(world.midwife_b.user).get(
        reverse("pregnancies:woman", kwargs={"ref": world.woman_a.ref})
    )
    body = client_for(world.privacy).get(reverse("core:access-review")).content.decode()
    assert "Denied" in body and world.woman_a.full_name not in body


def test_sessions_end_twelve_hours_after_sign_in(world, client_for):
    from continuity.core.middleware import AbsoluteSessionLimitMiddleware

    c = client_for(world.midwife_a.user)
    assert c.get(reverse("caseloads:mine")).status_code == 200
    session = c.session
    session[AbsoluteSessionLimitMiddleware.KEY] -= 12 * 60 * 60 + 1
    session.save()
    response = c.get(reverse("caseloads:mine"))
    assert response.status_code == 302
    assert c.get(reverse("caseloads:mine")).status_code == 302  # signed out for good


def test_admin_cannot_delete_clinical_or_rota_rows(world, client_for):
    c = client_for(world.admin)
    for model in ("pregnancies/pregnancy", "workforce/rotaentry", "workforce/coverarrangement"):
        response = c.get(f"/django-admin/{model}/")
        assert response.status_code == 200
        assert "delete_selected" not in response.content.decode()


def test_favicon_requests_reach_the_nhs_icon(client):
    # Browsers ask for /favicon.ico on pages that name no icon, such as the printable ones.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == (
        b"\x00\x00\x01\x00"  # the ICO file signature
    )
    assert client.post("/favicon.ico").status_code == 405
