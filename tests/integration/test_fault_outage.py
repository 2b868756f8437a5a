"""The database cannot be reached: a friendly 503 in every shape, in-process and fast.

A view, the API, the FHIR facade or a middleware (the session's) raises the `OperationalError`
Django raises when PostgreSQL is down; each answers 503 with `Retry-After` and no-store, in the
shape its caller expects, with no stack trace and nothing of the error's text. The real thing,
a PostgreSQL cluster stopped and restarted under a running server, is in
test_fault_database_restart.py.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import path
from django.utils.functional import SimpleLazyObject

from continuity.config import urls as project_urls
from continuity.core import outage
from continuity.core import views as core_views

# What a real outage's error text looks like: it must never reach the person or the log.
SECRET = 'connection to server at "10.0.0.5" failed: SELECT nhs_number FROM pregnancies_woman'
HEADING = "Sorry, the service is unavailable"


def _down(*args, **kwargs):
    raise OperationalError(SECRET)


def _interface_down(*args, **kwargs):
    raise InterfaceError(SECRET)


# A URL configuration for these tests: the project's own, plus views that fail like a database
# outage at a page address, an /api/ address and a /fhir/ address.
urlpatterns = [
    path("boom/", _down),
    path("boom-interface/", _interface_down),
    path("api/boom/", _down),
    path("fhir/R4/boom", _down),
    *project_urls.urlpatterns,
]
handler500 = core_views.server_error


@pytest.fixture
def failing_views(settings):
    settings.ROOT_URLCONF = __name__


def assert_friendly_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"<h1>{HEADING}</h1>" in page
    assert "nhsuk-header" in page and "nhsuk-footer" in page  # the NHS.UK page, not a fallback
    assert "Traceback" not in page and "SELECT" not in page and "10.0.0.5" not in page


def assert_no_secret_logged(caplog):
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Database unavailable" in logged
    assert SECRET not in logged and "10.0.0.5" not in logged and "boom" not in logged
    assert not any(r.exc_info for r in caplog.records)  # no traceback in the log either


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/boom/", "/boom-interface/"])
def test_a_page_whose_view_loses_the_database_answers_the_friendly_503(
    failing_views, world, client_for, caplog, address
):
    caplog.set_level(logging.INFO)
    response = client_for(world.midwife_a.user).get(address)
    assert_friendly_page(response)
    assert_no_secret_logged(caplog)


@pytest.mark.django_db
def test_an_api_address_answers_the_apis_error_body_with_503(failing_views, world, client_for):
    response = client_for(world.midwife_a.user).get("/api/boom/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == 503 and body["code"] == "unavailable" and body["errors"] == []
    assert "Try again" in body["message"] and "SELECT" not in response.content.decode()


@pytest.mark.django_db
def test_a_fhir_address_answers_an_operation_outcome_with_503(failing_views, world, client_for):
    response = client_for(world.midwife_a.user).get("/fhir/R4/boom")
    assert_operation_outcome(response)


def assert_operation_outcome(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    assert [issue["code"] for issue in body["issue"]] == ["transient"]
    assert "SELECT" not in response.content.decode()


@pytest.mark.django_db
def test_the_real_api_answers_503_when_the_token_lookup_loses_the_database(
    world, monkeypatch, caplog
):
    """The API catches every exception itself (a 500 otherwise): a database error is a 503."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr("continuity.api.auth.user_for", _down)
    response = Client().get("/api/v1/women", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert_no_secret_logged(caplog)


@pytest.mark.django_db
def test_the_real_fhir_facade_answers_503_when_it_loses_the_database(world, monkeypatch):
    """The facade turns every exception into an OperationOutcome (500 otherwise): this is 503."""
    monkeypatch.setattr("continuity.fhir.views.request_user", _down)
    response = Client().get("/fhir/R4/Patient", headers={"Authorization": "Bearer some-token"})
    assert_operation_outcome(response)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/access-review/", "/api/v1/women"])
def test_a_session_that_cannot_be_read_gives_the_503_not_a_500(world, monkeypatch, caplog, address):
    """The first query of a signed-in request is the session's, in middleware before any view:
    Django's 500 handler hands it to the outage page."""
    caplog.set_level(logging.INFO)
    client = Client(raise_request_exception=False)
    client.force_login(world.privacy)
    monkeypatch.setattr(SessionStore, "load", _down)
    response = client.get(address)
    assert response.status_code == 503
    if address.startswith("/api/"):
        assert response.json()["status"] == 503
    else:
        assert_friendly_page(response)
    assert_no_secret_logged(caplog)


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_after_the_view_gives_the_503_not_a_400(world, monkeypatch):
    """The database goes away between the view and the session's save at the end of the
    request: Django calls that "session interrupted" (a 400 about a bad request), but the
    person is told the truth: the service is unavailable, check whether it was saved."""
    client = Client(raise_request_exception=False)
    client.force_login(world.privacy)
    monkeypatch.setattr(Session, "save", _down)  # reads work; the write at the end fails
    assert_friendly_page(client.get("/access-review/"))


def test_the_outage_page_renders_without_the_database_the_user_or_the_session():
    """No database fixture here, so any query fails the test (pytest-django blocks it); the
    signed-in user and the session raise if the page so much as looks at them."""

    def untouchable():
        raise AssertionError("the outage page touched the database-backed user")

    class NoSession:
        def __getattr__(self, name):
            raise AssertionError("the outage page touched the session")

    request = RequestFactory().get("/caseload/")
    request.user = SimpleLazyObject(untouchable)
    request.session = NoSession()
    response = outage.respond(request, OperationalError(SECRET))
    assert_friendly_page(response)
    assert 'href="/accessibility/"' in response.content.decode()


def test_other_errors_are_not_treated_as_an_outage():
    request = RequestFactory().get("/boom/")
    middleware = outage.DatabaseOutageMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(request, ValueError("x")) is None
    assert middleware.process_exception(request, OperationalError("x")).status_code == 503
