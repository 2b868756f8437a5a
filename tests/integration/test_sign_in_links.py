"""Women sign in with a one-time link sent to the email or mobile number we hold for them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from continuity.notifications.models import OutboxMessage
from continuity.portal import signin
from continuity.portal.models import SignInLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def her(world):
    woman = world.woman_a
    woman.email, woman.phone, woman.preferred_channel = "hannah@example.org", "07700 900123", "sms"
    woman.save()
    return woman


def _token(message: OutboxMessage) -> str:
    return message.personalisation["link"].rstrip("/").rsplit("/", 1)[-1]


def test_a_link_by_email_signs_her_in_once(her):
    client = Client()
    response = client.post("/my/sign-in/", {"address": "Hannah@Example.org"})
    assert (
        response.status_code == 200 and "If we have that email address" in response.content.decode()
    )
    message = OutboxMessage.objects.get(template="sign_in.link")
    token = _token(message)
    assert SignInLink.objects.get().token_hash != token  # only the hash is stored
    page = client.get(f"/my/sign-in/{token}/")
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    assert client.get("/my/").status_code == 302  # the GET did not sign her in
    response = client.post(f"/my/sign-in/{token}/")
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.get("/my/").status_code == 200
    again = Client().post(f"/my/sign-in/{token}/")
    assert again.status_code == 400 and "no longer works" in again.content.decode()


def test_a_link_by_mobile_number_and_expiry(her):
    assert signin.send_link("+44 7700 900123")
    token = _token(OutboxMessage.objects.get(template="sign_in.link"))
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert signin.use_link(token) is None


def test_unknown_or_staff_addresses_get_the_same_answer_and_nothing_is_sent(world, her):
    world.midwife_a.user.email = "ann@example.org"
    world.midwife_a.user.save()
    client = Client()
    for address in ("nobody@example.org", "ann@example.org", "12345"):
        response = client.post("/my/sign-in/", {"address": address})
        assert "If we have that email address" in response.content.decode()
    assert not OutboxMessage.objects.filter(template="sign_in.link").exists()
    response = client.post("/my/sign-in/", {"address": ""})
    assert response.status_code == 400 and "Enter your email address" in response.content.decode()


def test_at_most_three_links_an_hour(her):
    assert [signin.send_link("hannah@example.org") for _ in range(4)] == [True, True, True, False]
