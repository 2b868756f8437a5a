"""A NUL character in a query string or form is refused with 400 in the caller's own shape,
before PostgreSQL can turn it into a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from continuity.api.tokens import issue

pytestmark = pytest.mark.django_db


def test_nul_is_a_400_for_the_api_fhir_and_the_pages(world, client_for):
    _token, plain = issue(user=world.midwife_a.user, name="x")
    system = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    api = system.get("/api/v1/visits?week_start=2026-11-16&team=%00")
    assert api.status_code == 400 and api.json()["code"] == "bad_request"
    fhir = system.get("/fhir/R4/Practitioner?identifier=%00")
    assert fhir.status_code == 400 and fhir.json()["resourceType"] == "OperationOutcome"
    page = client_for(world.leader_a.user).get("/continuity-at-risk/?team=%00")
    assert page.status_code == 400 and "problem with the request" in page.content.decode()
    form = client_for(world.leader_a.user).post("/sign-in/", {"username": "a\x00b"})
    assert form.status_code == 400
    # Without NUL the same requests are answered normally.
    assert system.get("/fhir/R4/Practitioner?identifier=x").status_code == 200


def test_an_oversized_fhir_form_is_an_operation_outcome_not_a_page(world):
    _token, plain = issue(user=world.midwife_a.user, name="x")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").post(
        "/fhir/R4/Patient/_search",
        "identifier=" + "x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (400, 413)
    assert response.json()["resourceType"] == "OperationOutcome"
