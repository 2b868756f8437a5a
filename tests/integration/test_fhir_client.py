"""A real FHIR client (fhirpy) reading and searching through the facade on a live test server,
with a bearer token, as another system would. Every resource it gets back is validated with the
fhir.resources R4B model."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

from continuity.api import tokens
from continuity.core.models import AccessEvent
from continuity.pregnancies.models import Contact, ContactProfessional
from tests import factories
from tests.integration.test_fhir import add_care


@pytest.fixture
def live_world(transactional_db):
    world = factories.build_world()
    add_care(world)
    return world


@pytest.fixture
def fhir_client(live_server, live_world):
    def for_user(user):
        _token, raw = tokens.issue(user=user, name="fhirpy")
        return SyncFHIRClient(url=f"{live_server.url}/fhir/R4", authorization=f"Bearer {raw}")

    return for_user


def _seen_contacts(world, n):
    """`n` more attended visits for her, a day apart, ending ten days ago."""
    start = timezone.now() - timedelta(days=10 + n)
    for day in range(n):
        contact = Contact.objects.create(
            pregnancy=world.pregnancy_a,
            kind=Contact.Kind.ANTENATAL,
            scheduled_start=start + timedelta(days=day),
            attendance="5",
        )
        ContactProfessional.objects.create(contact=contact, midwife=world.midwife_a)


def test_fhirpy_reads_a_patient_by_id(live_world, fhir_client):
    client = fhir_client(live_world.midwife_a.user)
    resource = client.reference("Patient", str(live_world.woman_a.ref)).to_resource()
    patient = Patient.model_validate(resource.serialize())
    assert patient.id == str(live_world.woman_a.ref)
    assert patient.identifier[0].value == live_world.woman_a.nhs_number
    event = AccessEvent.objects.get(user=live_world.midwife_a.user)
    assert (event.action, event.route) == ("view", "fhir:patient-read")


def test_fhirpy_searches_episode_of_care_by_patient(live_world, fhir_client):
    client = fhir_client(live_world.buddy_a.user)
    found = (
        client.resources("EpisodeOfCare")
        .search(patient=f"Patient/{live_world.woman_a.ref}")
        .fetch()
    )
    assert len(found) == 1
    episode = EpisodeOfCare.model_validate(found[0].serialize())
    assert episode.id == str(live_world.pregnancy_a.ref)
    assert episode.careManager.reference == (f"Practitioner/{live_world.midwife_a.professional_id}")


def test_fhirpy_searches_encounters_by_date_with_count_and_fetches_every_page(
    live_world, fhir_client
):
    _seen_contacts(live_world, 4)  # five encounters in all, with the one add_care made
    client = fhir_client(live_world.midwife_a.user)
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    search = client.resources("Encounter").search(
        patient=str(live_world.woman_a.ref), date__ge=since
    )
    first_page = search.limit(2).fetch()
    assert len(first_page) == 2
    everything = search.limit(2).fetch_all()  # follows the Bundle's next links
    ids = [e.id for e in everything]
    assert len(ids) == len(set(ids)) == 5
    starts = [Encounter.model_validate(e.serialize()).period.start for e in everything]
    assert starts == sorted(starts)
    assert ids[:2] == [e.id for e in first_page]
    later = client.resources("Encounter").search(date__gt=timezone.localdate().isoformat())
    assert later.fetch_all() == []


def test_fhirpy_sees_a_404_as_not_found(live_world, fhir_client):
    client = fhir_client(live_world.midwife_b.user)  # not in her care
    with pytest.raises(ResourceNotFound):
        client.reference("Patient", str(live_world.woman_a.ref)).to_resource()
    with pytest.raises(ResourceNotFound):
        client.reference("EpisodeOfCare", str(live_world.pregnancy_a.ref)).to_resource()
    denied = AccessEvent.objects.filter(user=live_world.midwife_b.user, outcome="denied")
    assert denied.count() == 2


def test_fhirpy_gets_the_operation_outcome_for_an_unknown_parameter(live_world, fhir_client):
    client = fhir_client(live_world.midwife_a.user)
    with pytest.raises(OperationOutcome) as caught:
        client.resources("Patient").search(name="Smith").fetch()
    issue = caught.value.resource["issue"][0]
    assert issue["code"] == "not-supported" and "'name'" in issue["diagnostics"]


def test_nhs_number_search_over_http_is_a_form_post(live_server, live_world):
    _token, raw = tokens.issue(user=live_world.midwife_a.user, name="PAS")
    response = requests.post(
        f"{live_server.url}/fhir/R4/Patient/_search",
        data={"identifier": f"https://fhir.nhs.uk/Id/nhs-number|{live_world.woman_a.nhs_number}"},
        headers={"Authorization": f"Bearer {raw}", "Accept": "application/fhir+json"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(live_world.woman_a.ref)]
    assert live_world.woman_a.nhs_number not in response.request.url
