"""Schemathesis over the published OpenAPI: generated requests (valid and invalid) against every
operation, in-process through the WSGI application, checking that nothing is a server error and
that every status, content type and body is one the schema documents."""

from __future__ import annotations

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from continuity.api.tokens import issue
from continuity.config.wsgi import application
from continuity.core.identifiers import synthetic_nhs_number

# NHS numbers are generated valid (synthetic, 999 range) so that searches get past the check
# digit as well as failing it.
schemathesis.openapi.format(
    "nhs-number",
    st.integers(min_value=0, max_value=2**32).map(lambda n: synthetic_nhs_number(random.Random(n))),
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection when a request finishes; calling the WSGI app
    directly (as Django's own test client avoids) would close the test's transaction's
    connection, so the signal is held off for the test, as the test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_headers(world):
    _token, plain = issue(user=world.manager, name="schemathesis")
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_schema(case, api_headers):
    excluded = []
    if case.operation.path == "/api/v1/bookings/import":
        # Any string is a schema-valid CSV body; whether its rows are bookings is decided by
        # the import, whose documented answer for a wrong file is 422 with the rows named.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(headers=api_headers, excluded_checks=excluded)
