"""Signing in with NHS login (OpenID Connect), against a stub identity provider on loopback."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import Client

from continuity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _through_idp(client: Client) -> str:
    """Start on our side, 'sign in' at the stub, and return our callback path with its query."""
    start = client.get("/my/nhs-login/")
    assert start.status_code == 302
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start["Location"], timeout=5)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def her(world, fake_nhs_login):
    woman = world.woman_a
    fake_nhs_login.nhs_number = woman.nhs_number
    return woman


def test_she_signs_in_with_nhs_login(her, fake_nhs_login):
    client = Client()
    assert "Continue to NHS login" in client.get("/sign-in/").content.decode()
    callback = _through_idp(client)
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.get("/my/").status_code == 200
    assert AuditEvent.objects.filter(action="sign_in.nhs_login").exists()
    assert her.nhs_number not in callback  # never in a URL


@pytest.mark.parametrize("tamper", ["nonce", "signature"])
def test_a_bad_id_token_is_refused(her, fake_nhs_login, tamper):
    client = Client()
    fake_nhs_login.tamper = tamper
    response = client.get(_through_idp(client))
    assert response.status_code == 400 and "could not sign you in" in response.content.decode()
    assert client.get("/my/").status_code == 302


def test_a_wrong_state_or_a_replayed_callback_is_refused(her, fake_nhs_login):
    client = Client()
    callback = _through_idp(client)
    forged = callback.replace("state=", "state=x")
    assert client.get(forged).status_code == 400
    assert client.get(callback).status_code == 400  # the sign-in was used up by the attempt


def test_an_nhs_number_without_a_record_is_refused(world, fake_nhs_login):
    fake_nhs_login.nhs_number = "9990000026"
    client = Client()
    assert client.get(_through_idp(client)).status_code == 400


def test_without_configuration_it_is_not_offered(world, client):
    assert "Continue to NHS login" not in client.get("/sign-in/").content.decode()
    assert client.get("/my/nhs-login/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://login.example.invalid/token",
        "http://login.example.invalid/token",
        "https:///token",
        "gopher://127.0.0.1/",
    ],
)
def test_endpoints_other_than_https_or_loopback_are_never_called(url):
    from continuity.portal.nhs_login import NhsLoginError, _json

    with pytest.raises(NhsLoginError, match="https"):
        _json(urllib.request.Request(url))  # noqa: S310 - refused before any call


@pytest.mark.parametrize("url", ["https://auth.login.nhs.uk/token", "http://127.0.0.1:9/token"])
def test_https_and_the_loopback_stub_are_allowed(url):
    from continuity.portal.nhs_login import check_endpoint

    check_endpoint(url)  # raises if refused
