"""Sessions end on the server (sign-out, a disabled account) and sign-in attempts are limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from continuity.accounts.models import SignInFailure

PASSWORD = "test-password-123"  # tests.factories' password for every user

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_signing_out_ends_the_session_on_the_server(world):
    client = Client()
    assert _sign_in(client, "mw_a").status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    client.post("/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/caseload/").status_code == 302  # back to sign-in


def test_disabling_an_account_ends_all_its_sessions_at_once(world):
    phone, desk, colleague = Client(), Client(), Client()
    for client in (phone, desk):
        assert _sign_in(client, "mw_a").status_code == 302
    assert _sign_in(colleague, "mw_buddy").status_code == 302
    assert phone.get("/caseload/").status_code == 200
    user = world.midwife_a.user
    user.is_active = False
    user.save()
    for client in (phone, desk):
        response = client.get("/caseload/")
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert colleague.get("/caseload/").status_code == 200  # nobody else is signed out


def test_five_wrong_passwords_lock_the_username_for_15_minutes(world):
    client = Client()
    for _ in range(5):
        wrong = _sign_in(client, "mw_a", "not-the-password")
        assert "Enter a correct username and password" in wrong.content.decode()
    locked = _sign_in(client, "mw_a")  # even the right password is refused now
    assert locked.status_code == 200 and "Too many attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert _sign_in(Client(), "mw_buddy").status_code == 302  # another username is not locked
    # Only keyed hashes are kept.
    assert not SignInFailure.objects.filter(username__icontains="mw_a").exists()
    # After the window, the right password works again and clears the count.
    SignInFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "mw_a").status_code == 302
    assert SignInFailure.objects.count() == 0  # a successful sign-in clears her count


def test_many_failures_from_one_address_lock_that_address(world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(20):
        _sign_in(client, f"guess{n}", "x")
    refused = _sign_in(client, "mw_a")
    assert "Too many attempts to sign in" in refused.content.decode()
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.4"), "mw_a").status_code == 302
