"""Oversized and deeply nested bodies (issue 10): a clear refusal in the caller's own shape, never
a 500, and nothing saved.

Pages answer with the NHS.UK "problem with the request" page (400); the API with its documented
error body (413 too large, 400 unreadable); FHIR with an OperationOutcome. The API's own 413 and
a 100,000-deep body to one operation are in tests/integration/test_api.py; here every operation
that takes a body, and every way a browser can send too much to a page.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client

from continuity.api.tokens import issue
from continuity.concerns.models import Concern
from continuity.pregnancies.models import Woman

pytestmark = pytest.mark.django_db

PROBLEM = "Sorry, there is a problem with the request"
LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's default, 2.5 MB
DEEP = "[" * 10_000 + "]" * 10_000
# (who, page form): each as a browser sends it, with the CSRF cookie and token.
PAGE_FORMS = [
    (None, "/sign-in/"),
    ("mw_a", "/book/"),
    ("mw_a", "/emergency-access/"),
    ("woman", "/my/tell-us/new/"),
    ("manager", "/planning/new/"),
]


def browser(username, url):
    """A client that keeps to CSRF like a browser: signed in, with the form's cookie and token."""
    from continuity.accounts.models import User

    client = Client(enforce_csrf_checks=True)
    if username is not None:
        client.force_login(User.objects.get(username=username))
    assert client.get(url).status_code == 200  # the form page, which sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def assert_problem_page(response, where):
    text = response.content.decode()
    assert response.status_code == 400, (where, response.status_code)
    assert response["Content-Type"].startswith("text/html"), where
    assert PROBLEM in text and "Go back and try again" in text, where
    assert "Traceback" not in text, where


def _counts():
    return Woman.objects.count(), Concern.objects.count()


@pytest.mark.parametrize(("username", "url"), PAGE_FORMS)
def test_a_page_form_over_the_size_limit_is_a_clear_400(world, username, url):
    client, token = browser(username, url)
    before = _counts()
    body = f"csrfmiddlewaretoken={token}&summary=x&details=" + "x" * (LIMIT + 1)
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert_problem_page(response, url)
    assert _counts() == before


@pytest.mark.parametrize(("username", "url"), PAGE_FORMS)
def test_a_page_form_with_too_many_fields_is_a_clear_400(world, username, url):
    client, token = browser(username, url)
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    body = f"csrfmiddlewaretoken={token}&" + "&".join(f"f{n}=1" for n in range(fields))
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert_problem_page(response, url)


@pytest.mark.parametrize(("username", "url"), PAGE_FORMS)
def test_a_huge_upload_to_a_page_is_refused(world, username, url):
    """No page takes a file. Django leaves files out of its size limit and streams them to disk;
    here a multipart body is held to the same limit as any other form."""
    client, token = browser(username, url)
    before = _counts()
    upload = io.BytesIO(b"x" * (2 * LIMIT))
    upload.name = "bookings.csv"
    data = {"csrfmiddlewaretoken": token, "summary": "Visits", "details": "Moved", "file": upload}
    response = client.post(url, data)
    assert_problem_page(response, url)
    assert _counts() == before
    many = {f"f{n}": io.BytesIO(b"x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    for name, handle in many.items():
        handle.name = f"{name}.txt"
    assert_problem_page(client.post(url, {"csrfmiddlewaretoken": token, **many}), url)


def test_a_small_multipart_form_still_works(world):
    """The limit is on size only: a form sent as multipart with a small file is saved as usual."""
    client, token = browser("woman", "/my/tell-us/new/")
    note = io.BytesIO(b"small")
    note.name = "note.txt"
    data = {"csrfmiddlewaretoken": token, "summary": "Visits", "details": "Moved", "file": note}
    response = client.post("/my/tell-us/new/", data)
    assert response.status_code == 302
    assert Concern.objects.get().summary == "Visits"


def test_a_deep_json_body_to_a_page_is_not_a_crash(world):
    client, token = browser("mw_a", "/book/")
    before = _counts()
    response = client.post("/book/", DEEP, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.content.decode() and _counts() == before


# -- the API and FHIR ----------------------------------------------------------------------------


def _api(user):
    _token, plain = issue(user=user, name="bodies")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def _operations_with_bodies(client, world):
    """Every API operation that takes a request body, from the published OpenAPI document."""
    spec = client.get("/api/v1/openapi.json").json()
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                found.append((method, path.replace("{ref}", str(world.pregnancy_a.ref))))
    return found


def _error(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["message"]
    return body


def test_every_api_operation_refuses_a_10000_deep_body_with_its_documented_400(world):
    client = _api(world.admin)
    operations = _operations_with_bodies(client, world)
    assert len(operations) >= 3  # the search, the transition and the bookings import
    for method, url in operations:
        send = getattr(client, method)
        _error(
            send(url, DEEP, content_type="application/json", HTTP_IF_MATCH='"1"'),
            400,
            "bad_request",
        )
    world.pregnancy_a.refresh_from_db()
    assert world.pregnancy_a.status == "antenatal"


def test_every_api_operation_refuses_multipart_uploads_in_its_own_shape(world):
    """A multipart body to the API was a 500 (the page middleware had read the stream the API
    then asked for); now a small one is "send JSON" and a huge one the documented 413."""
    client = _api(world.admin)
    for method, url in _operations_with_bodies(client, world):
        send = getattr(client, method)
        _error(send(url, {"to": "postnatal"}, HTTP_IF_MATCH='"1"'), 400, "bad_request")
        upload = io.BytesIO(b"x" * (2 * LIMIT))
        upload.name = "bookings.csv"
        _error(send(url, {"file": upload}, HTTP_IF_MATCH='"1"'), 413, "too_large")
    assert Woman.objects.count() == 2


def test_fhir_refuses_deep_and_oversized_bodies_with_its_documented_outcomes(world):
    """The facade is read-only: a JSON body to a search is 415 and to a resource 405 (as
    docs/fhir.md says); a deeply nested form value is 400 `value`; too large is 413 `too-long`."""
    client = _api(world.midwife_a.user)

    def outcome(response, status, code):
        assert response.status_code == status, (response.status_code, response.content[:300])
        issue_ = response.json()["issue"][0]
        assert response.json()["resourceType"] == "OperationOutcome" and issue_["code"] == code

    outcome(client.post("/fhir/R4/Patient/_search", DEEP, "application/json"), 415, "not-supported")
    outcome(client.post("/fhir/R4/Patient", DEEP, "application/json"), 405, "not-supported")
    form = "application/x-www-form-urlencoded"
    outcome(
        client.post("/fhir/R4/Patient/_search", "identifier=" + "[" * 10_000, form), 400, "value"
    )
    upload = io.BytesIO(b"x" * (2 * LIMIT))
    upload.name = "search.txt"
    outcome(client.post("/fhir/R4/Patient/_search", {"file": upload}), 413, "too-long")
    fields = "&".join(f"_count={n}" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    outcome(client.post("/fhir/R4/Patient/_search", fields, form), 413, "too-long")


def test_a_broken_multipart_body_is_answered_in_each_callers_shape(world, client_for):
    """A multipart body without a boundary was answered with the HTML error page even for the
    API and FHIR; now each answers 400 in its own documented shape."""
    broken = {"data": "--x\r\n", "content_type": "multipart/form-data"}
    assert_problem_page(client_for(world.midwife_a.user).post("/book/", **broken), "page")
    client = _api(world.admin)
    _error(client.post("/api/v1/women/search", **broken), 400, "bad_request")
    fhir = client.post("/fhir/R4/Patient/_search", **broken)
    assert fhir.status_code == 400 and fhir.json()["issue"][0]["code"] == "invalid"
