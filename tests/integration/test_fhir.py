"""The FHIR R4 facade at /fhir/R4/: the CapabilityStatement, read and search of every resource
type (each validated with the fhir.resources R4B model), scoping (out of relationship is 404),
bearer tokens, access events, paging, the NHS number kept out of URLs, and bad input."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.servicerequest import ServiceRequest

from continuity.api import tokens
from continuity.api.models import ApiToken
from continuity.concerns import actions as concern_actions
from continuity.concerns.models import Concern
from continuity.core.models import AccessEvent
from continuity.feedback import actions as feedback_actions
from continuity.feedback.models import FeedbackResponse
from continuity.fhir.mapping.common import from_local_id, local_id
from continuity.fhir.resources import KINDS
from continuity.plans import actions as plan_actions
from continuity.plans import headings
from continuity.plans.models import PlanSection
from continuity.pregnancies.models import Contact, ContactProfessional
from continuity.referrals import actions as referral_actions
from continuity.referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/fhir/R4"
FHIR_JSON = "application/fhir+json"
NHS = "https://fhir.nhs.uk/Id/nhs-number"
MODELS = {
    "Patient": Patient,
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "CareTeam": CareTeam,
    "EpisodeOfCare": EpisodeOfCare,
    "Appointment": Appointment,
    "Encounter": Encounter,
    "CarePlan": CarePlan,
    "ServiceRequest": ServiceRequest,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Communication": Communication,
    "AuditEvent": AuditEvent,
}


@dataclass
class Care:
    booked: Contact
    cancelled: Contact
    missed: Contact
    seen: Contact
    section: PlanSection
    referral: Referral
    concern: Concern
    answer: FeedbackResponse
    other_seen: Contact  # woman B's, out of midwife A's relationships


def add_care(world) -> Care:
    """Her contacts, plan, referral, concern and feedback, made through the actions where there
    is one; and one contact for woman B."""
    now = timezone.now()
    mw_a = world.midwife_a

    def contact(pregnancy, start, **kw):
        return Contact.objects.create(
            pregnancy=pregnancy, **{"kind": Contact.Kind.ANTENATAL, **kw}, scheduled_start=start
        )

    booked = contact(world.pregnancy_a, now + timedelta(days=3), confirmed_at=now)
    cancelled = contact(
        world.pregnancy_a,
        now + timedelta(days=5),
        attendance="2",
        cancelled_at=now,
        cancellation_reason="She is away",
    )
    missed = contact(world.pregnancy_a, now - timedelta(days=20), attendance="3")
    seen = contact(
        world.pregnancy_a,
        now - timedelta(days=10),
        attendance="5",
        actual_start=now - timedelta(days=10),
        kind=Contact.Kind.BOOKING,
        team=world.team_a,
    )
    ContactProfessional.objects.create(contact=seen, midwife=mw_a, team=world.team_a)
    ContactProfessional.objects.create(
        contact=seen, midwife=world.buddy_a, team=world.team_a, is_lead=False
    )
    other_seen = contact(
        world.pregnancy_b, now - timedelta(days=2), attendance="5", actual_start=now
    )

    plan_actions.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key=headings.ANTENATAL,
        texts={"what_matters": "Seeing the same midwife"},
        writer=headings.WOMAN,
    )
    section = plan_actions.save_headings(
        by=mw_a.user,
        pregnancy=world.pregnancy_a,
        section_key=headings.ANTENATAL,
        texts={"previous_pregnancies": "First pregnancy"},
        writer=headings.MIDWIFE,
    )
    section = plan_actions.agree_section(by=mw_a.user, section=section, version=section.version)

    referral = referral_actions.make_referral(
        by=mw_a.user,
        pregnancy=world.pregnancy_a,
        service=Referral.Service.PERINATAL_MH,
        site_id=world.site.pk,
        urgency=Referral.Urgency.URGENT,
        reason="Low mood since booking",
    )
    concern = concern_actions.raise_concern(
        by=world.woman_user,
        woman=world.woman_a,
        pregnancy=world.pregnancy_a,
        summary="Visit times",
        details="My visits keep moving.",
        raised_for=Concern.RaisedFor.HERSELF,
    )
    concern = concern_actions.acknowledge(
        by=mw_a.user, concern=concern, version=concern.version, message="Thank you, we have it."
    )
    request = feedback_actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="antenatal")
    answer = feedback_actions.answer(
        request=request,
        answers=feedback_actions.Answers(rating=1, what_was_good="Kind and on time"),
    )
    return Care(booked, cancelled, missed, seen, section, referral, concern, answer, other_seen)


@pytest.fixture
def care(world):
    return add_care(world)


def bearer(user) -> dict[str, str]:
    _token, raw = tokens.issue(user=user, name="FHIR test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def fhir(client):
    """GET or POST as a user (by bearer token); returns (status, parsed JSON, response)."""

    def call(user, path, data=None, *, method="get", headers=None, **extra):
        auth = bearer(user) if user is not None else {}
        url = path if path.startswith("/") else f"{BASE}/{path}"
        if method == "post":
            response = client.post(
                url,
                data or "",
                content_type="application/x-www-form-urlencoded",
                **auth,
                **(headers or {}),
            )
        else:
            response = client.get(url, data or {}, **auth, **(headers or {}), **extra)
        body = response.json() if response.content else None
        return response.status_code, body, response

    return call


def entries(bundle: dict) -> list[dict]:
    return [e["resource"] for e in bundle.get("entry", [])]


def assert_outcome(body: dict, code: str) -> OperationOutcome:
    parsed = OperationOutcome.model_validate(body)
    assert parsed.issue[0].code == code
    return parsed


def post_form(**fields) -> str:
    from urllib.parse import urlencode

    return urlencode(fields)


# -- the CapabilityStatement ----------------------------------------------------------------------


def test_metadata_is_a_valid_capability_statement_for_every_resource(client):
    response = client.get(f"{BASE}/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(FHIR_JSON)
    statement = CapabilityStatement.model_validate(response.json())
    assert (statement.status, statement.kind, statement.fhirVersion) == (
        "active",
        "instance",
        "4.0.1",
    )
    assert "json" in statement.format
    rest = statement.rest[0]
    assert rest.mode == "server" and "Bearer" in rest.security.description
    by_type = {r.type: r for r in rest.resource}
    assert set(by_type) == set(MODELS)
    for resource in by_type.values():
        assert {i.code for i in resource.interaction} == {"read", "search-type"}
        assert "_id" in {p.name for p in resource.searchParam}
    assert {p.name for p in by_type["Encounter"].searchParam} >= {"patient", "date", "status"}
    assert "identifier" in {p.name for p in by_type["Patient"].searchParam}


# -- every resource type: search then read, validated with the R4B model --------------------------

WHO_SEES = {
    "Patient": "midwife_a",
    "Practitioner": "midwife_a",
    "PractitionerRole": "colleague_a",
    "CareTeam": "manager",
    "EpisodeOfCare": "buddy_a",
    "Appointment": "midwife_a",
    "Encounter": "leader_a",
    "CarePlan": "midwife_a",
    "ServiceRequest": "midwife_a",
    "QuestionnaireResponse": "woman_user",
    "Communication": "midwife_a",
    "AuditEvent": "privacy",
}


def _user(world, name):
    found = getattr(world, name)
    return getattr(found, "user", found)


@pytest.mark.parametrize("resource_type", sorted(MODELS))
def test_each_resource_type_reads_and_searches_valid_r4b_resources(
    world, care, fhir, resource_type
):
    if resource_type == "AuditEvent":
        fhir(world.midwife_a.user, f"Patient/{world.woman_a.ref}")  # something to audit
    user = _user(world, WHO_SEES[resource_type])
    status, body, response = fhir(user, resource_type)
    assert status == 200, body
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert "no-store" in response["Cache-Control"]
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset" and bundle.total >= 1
    assert bundle.total == len(bundle.entry)
    model = MODELS[resource_type]
    for entry in body["entry"]:
        assert entry["search"]["mode"] == "match"
        resource = model.model_validate(entry["resource"])
        assert entry["fullUrl"] == f"http://testserver{BASE}/{resource_type}/{resource.id}"
    first = body["entry"][0]["resource"]
    status, read, response = fhir(user, f"{resource_type}/{first['id']}")
    assert status == 200
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert model.model_validate(read).id == first["id"]
    assert read == first


# -- what each resource carries -------------------------------------------------------------------


def test_patient_carries_nhs_number_ethnic_category_and_no_nhs_number_in_its_id(world, fhir):
    woman = world.woman_a
    status, body, _ = fhir(world.midwife_a.user, f"Patient/{woman.ref}")
    assert status == 200
    patient = Patient.model_validate(body)
    assert patient.id == str(woman.ref) and woman.nhs_number not in patient.id
    (nhs,) = [i for i in patient.identifier if i.system == NHS]
    assert nhs.value == woman.nhs_number
    assert nhs.extension[0].url.endswith("Extension-UKCore-NHSNumberVerificationStatus")
    (ethnic,) = [e for e in patient.extension if e.url.endswith("Extension-UKCore-EthnicCategory")]
    coding = ethnic.valueCodeableConcept.coding[0]
    assert coding.system == "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
    assert coding.code == woman.ethnic_category == "A"
    assert patient.name[0].family == woman.family_name
    assert str(patient.birthDate) == woman.date_of_birth.isoformat()
    assert patient.address[0].postalCode == woman.postcode
    assert patient.communication[0].language.coding[0].code == "en"


def test_episode_of_care_names_her_midwife_as_care_manager_and_her_team(world, fhir):
    status, body, _ = fhir(world.midwife_a.user, f"EpisodeOfCare/{world.pregnancy_a.ref}")
    assert status == 200
    episode = EpisodeOfCare.model_validate(body)
    assert episode.status == "active"  # antenatal
    assert episode.patient.reference == f"Patient/{world.woman_a.ref}"
    assert episode.careManager.reference == f"Practitioner/{world.midwife_a.professional_id}"
    refs = [t.reference for t in episode.team]
    assert f"CareTeam/{world.team_a.local_id}" in refs
    (carers,) = episode.contained
    members = {p.member.reference: p.role[0].coding[0].code for p in carers.participant}
    assert members == {
        f"Practitioner/{world.midwife_a.professional_id}": "named-midwife",
        f"Practitioner/{world.buddy_a.professional_id}": "buddy",
    }
    assert str(episode.period.start) == world.pregnancy_a.booking_date.isoformat()


@pytest.mark.parametrize(
    ("status", "fhir_status"),
    [("booked", "planned"), ("postnatal", "active"), ("discharged", "finished")],
)
def test_episode_status_follows_the_pregnancy(world, fhir, status, fhir_status):
    world.pregnancy_a.status = status
    world.pregnancy_a.save()
    _, body, _ = fhir(world.midwife_a.user, f"EpisodeOfCare/{world.pregnancy_a.ref}")
    assert body["status"] == fhir_status


def test_contacts_split_into_appointments_and_encounters(world, care, fhir):
    user = world.midwife_a.user
    _, body, _ = fhir(user, "Appointment", {"patient": f"Patient/{world.woman_a.ref}"})
    statuses = {r["id"]: r["status"] for r in entries(body)}
    assert statuses == {
        str(care.booked.pk): "booked",
        str(care.cancelled.pk): "cancelled",
        str(care.missed.pk): "noshow",
    }
    cancelled = Appointment.model_validate(
        next(r for r in entries(body) if r["id"] == str(care.cancelled.pk))
    )
    assert cancelled.cancelationReason.coding[0].code == "pat"
    _, body, _ = fhir(user, "Appointment", {"status": "cancelled,noshow"})
    assert {r["id"] for r in entries(body)} == {str(care.cancelled.pk), str(care.missed.pk)}

    _, body, _ = fhir(user, "Encounter")
    (encounter,) = [Encounter.model_validate(r) for r in entries(body)]
    assert encounter.id == str(care.seen.pk) and encounter.status == "finished"
    assert encounter.class_fhir.code == "HH"  # a face-to-face visit at home
    assert encounter.episodeOfCare[0].reference == f"EpisodeOfCare/{world.pregnancy_a.ref}"
    performers = {p.individual.reference: p.type[0].coding[0].code for p in encounter.participant}
    assert performers == {
        f"Practitioner/{world.midwife_a.professional_id}": "PPRF",
        f"Practitioner/{world.buddy_a.professional_id}": "SPRF",
    }


def test_care_plan_service_request_communication_and_feedback_content(world, care, fhir):
    mw = world.midwife_a.user
    _, body, _ = fhir(mw, f"CarePlan/{care.section.pk}")
    plan = CarePlan.model_validate(body)
    assert (plan.status, plan.intent) == ("active", "plan")
    assert plan.category[0].coding[0].code == "05"
    notes = " ".join(n.text for n in plan.note)
    assert "Seeing the same midwife" in notes and "First pregnancy" in notes
    authors = {n.authorReference.reference for n in plan.note}
    assert authors == {
        f"Patient/{world.woman_a.ref}",
        f"Practitioner/{world.midwife_a.professional_id}",
    }

    _, body, _ = fhir(mw, f"ServiceRequest/{care.referral.pk}")
    request = ServiceRequest.model_validate(body)
    assert (request.status, request.intent, request.priority) == ("active", "order", "urgent")
    assert request.code.coding[0].code == "perinatal_mh"
    assert request.performer[0].identifier.value == world.site.ods_code

    _, body, _ = fhir(mw, f"Communication/{care.concern.pk}")
    message = Communication.model_validate(body)
    assert message.status == "in-progress"
    assert message.payload[0].contentString == "My visits keep moving."
    assert message.sender.reference == f"Patient/{world.woman_a.ref}"
    assert [n.text for n in message.note] == ["Thank you, we have it."]

    _, body, _ = fhir(world.woman_user, f"QuestionnaireResponse/{care.answer.pk}")
    answer = QuestionnaireResponse.model_validate(body)
    assert answer.status == "completed"
    assert answer.subject.reference == f"Patient/{world.woman_a.ref}"
    rating = next(i for i in answer.item if i.linkId == "rating")
    assert rating.answer[0].valueCoding.code == "1"


def test_practitioner_role_and_care_team(world, fhir):
    mw = world.midwife_a
    _, body, _ = fhir(world.board, f"PractitionerRole/{mw.professional_id}")
    role = PractitionerRole.model_validate(body)
    assert role.practitioner.reference == f"Practitioner/{mw.professional_id}"
    assert role.code[0].coding[0].code == "309453006"  # registered midwife
    _, body, _ = fhir(world.board, f"CareTeam/{world.team_a.local_id}")
    team = CareTeam.model_validate(body)
    members = {p.member.reference for p in team.participant}
    assert f"Practitioner/{mw.professional_id}" in members
    assert f"Practitioner/{world.midwife_b.professional_id}" not in members
    _, body, _ = fhir(world.midwife_a.user, "Practitioner", {"identifier": mw.professional_id})
    assert [r["id"] for r in entries(body)] == [mw.professional_id]


def test_audit_events_for_the_privacy_officer_and_for_her(world, fhir):
    fhir(world.midwife_b.user, f"Patient/{world.woman_a.ref}")  # denied
    fhir(world.midwife_a.user, f"Patient/{world.woman_a.ref}")  # allowed
    fhir(world.woman_user, f"Patient/{world.woman_a.ref}")  # her own view
    fhir(world.woman_user, "Patient")  # and her own search
    _, body, _ = fhir(world.privacy, "AuditEvent", {"patient": str(world.woman_a.ref)})
    events = [AuditEvent.model_validate(r) for r in entries(body)]
    assert {e.outcome for e in events} == {"0", "4"}
    assert all(e.entity[0].what.reference == f"Patient/{world.woman_a.ref}" for e in events)
    assert all(e.action == "R" and e.type.code == "rest" for e in events)
    assert body["total"] == 4
    # She sees views of her record by others, as on her access-history page.
    _, body, _ = fhir(world.woman_user, "AuditEvent")
    assert body["total"] == 2
    # Nobody else sees access events.
    _, body, _ = fhir(world.midwife_a.user, "AuditEvent")
    assert body["total"] == 0
    event_id = AccessEvent.objects.filter(woman=world.woman_a).first().pk
    status, body, _ = fhir(world.midwife_a.user, f"AuditEvent/{event_id}")
    assert status == 404


# -- scoping -------------------------------------------------------------------------------------


def test_a_midwife_out_of_her_relationships_gets_404_and_never_sees_her_in_search(
    world, care, fhir
):
    other = world.midwife_b.user
    woman = world.woman_a
    status, body, _ = fhir(other, f"Patient/{woman.ref}")
    assert status == 404
    assert_outcome(body, "not-found")
    assert woman.family_name not in str(body)
    denied = AccessEvent.objects.get(user=other, woman=woman)
    assert (denied.outcome, denied.route) == ("denied", "fhir:patient-read")

    _, body, _ = fhir(other, "Patient")
    assert [r["id"] for r in entries(body)] == [str(world.pregnancy_b.woman.ref)]
    for resource_type in ("EpisodeOfCare", "Appointment", "Encounter", "CarePlan"):
        _, body, _ = fhir(other, resource_type, {"patient": f"Patient/{woman.ref}"})
        assert body["total"] == 0, resource_type
    for path in (
        f"EpisodeOfCare/{world.pregnancy_a.ref}",
        f"Encounter/{care.seen.pk}",
        f"Appointment/{care.booked.pk}",
        f"CarePlan/{care.section.pk}",
        f"ServiceRequest/{care.referral.pk}",
        f"Communication/{care.concern.pk}",
    ):
        status, body, _ = fhir(other, path)
        assert status == 404, path
        assert_outcome(body, "not-found")
    # ...and a record that does not exist at all answers exactly the same.
    status, missing, _ = fhir(other, "Patient/00000000-0000-0000-0000-000000000000")
    assert status == 404 and missing["issue"] == body["issue"]


def test_midwife_a_does_not_see_woman_b(world, care, fhir):
    user = world.midwife_a.user
    status, _, _ = fhir(user, f"Encounter/{care.other_seen.pk}")
    assert status == 404
    _, body, _ = fhir(user, "Encounter")
    assert str(care.other_seen.pk) not in {r["id"] for r in entries(body)}


@pytest.mark.parametrize("who", ["board", "privacy", "admin"])
def test_roles_without_individual_records_see_no_woman(world, care, fhir, who):
    user = getattr(world, who)
    for resource_type in ("Patient", "EpisodeOfCare", "Encounter", "CarePlan", "Communication"):
        _, body, _ = fhir(user, resource_type)
        assert body["total"] == 0, resource_type
    status, _, _ = fhir(user, f"Patient/{world.woman_a.ref}")
    assert status == 404


def test_a_woman_sees_only_herself_and_no_staff_directory(world, care, fhir):
    woman = world.woman_user
    _, body, _ = fhir(woman, "Patient")
    assert [r["id"] for r in entries(body)] == [str(world.woman_a.ref)]
    status, _, _ = fhir(woman, f"Patient/{world.pregnancy_b.woman.ref}")
    assert status == 404
    _, body, _ = fhir(woman, "Encounter")
    assert [r["id"] for r in entries(body)] == [str(care.seen.pk)]
    _, body, _ = fhir(woman, "Practitioner")
    assert body["total"] == 0
    # Her feedback is hers alone: staff in her care do not see individual answers.
    status, _, _ = fhir(world.midwife_a.user, f"QuestionnaireResponse/{care.answer.pk}")
    assert status == 404


# -- authentication -------------------------------------------------------------------------------


def test_no_credentials_is_401_with_a_bearer_challenge(world, client):
    for path in ("Patient", f"Patient/{world.woman_a.ref}", "Encounter"):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert_outcome(response.json(), "login")
    assert AccessEvent.objects.count() == 0


def test_a_bearer_token_acts_as_its_user_until_revoked(world, client):
    token, raw = tokens.issue(user=world.midwife_a.user, name="Maternity system")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get(f"{BASE}/Patient", **auth)
    assert response.status_code == 200
    assert [r["id"] for r in entries(response.json())] == [str(world.woman_a.ref)]
    tokens.revoke(token=token, by=world.admin)
    response = client.get(f"{BASE}/Patient", **auth)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    response = client.get(f"{BASE}/Patient", HTTP_AUTHORIZATION="Bearer cty_nope_nope")
    assert response.status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_signed_in_session_works_and_post_search_needs_its_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.midwife_a.user)
    assert browser.get(f"{BASE}/Patient").status_code == 200
    response = browser.post(
        f"{BASE}/Patient/_search", "", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    assert_outcome(response.json(), "security")


# -- the NHS number stays out of URLs -------------------------------------------------------------


def test_nhs_number_search_by_get_is_refused_and_post_search_finds_her(world, fhir):
    number = world.woman_a.nhs_number
    status, body, _ = fhir(world.midwife_a.user, "Patient", {"identifier": f"{NHS}|{number}"})
    assert status == 400
    parsed = assert_outcome(body, "invalid")
    assert "POST" in parsed.issue[0].diagnostics and number not in str(body)
    assert AccessEvent.objects.count() == 0

    status, body, _ = fhir(
        world.midwife_a.user,
        "Patient/_search",
        post_form(identifier=f"{NHS}|{number}"),
        method="post",
    )
    assert status == 200
    assert [r["id"] for r in entries(body)] == [str(world.woman_a.ref)]
    assert all(number not in link["url"] for link in body["link"])
    event = AccessEvent.objects.get()
    assert (event.action, event.woman, event.route) == (
        "search",
        world.woman_a,
        "fhir:patient-search-post",
    )
    # Woman B's number finds nothing for midwife A; a bad number is a clear 400.
    other = world.pregnancy_b.woman.nhs_number
    _, body, _ = fhir(
        world.midwife_a.user, "Patient/_search", post_form(identifier=other), method="post"
    )
    assert body["total"] == 0
    status, body, _ = fhir(
        world.midwife_a.user,
        "Patient/_search",
        post_form(identifier=f"{NHS}|9990000019"),
        method="post",
    )
    assert status == 400 and "9990000019" not in str(body)


# -- bad input -----------------------------------------------------------------------------------


def test_an_unknown_parameter_is_a_400_naming_it_and_nothing_is_done(world, fhir):
    status, body, _ = fhir(world.midwife_a.user, "Patient", {"_id": "x", "name": "Smith"})
    assert status == 400
    parsed = assert_outcome(body, "not-supported")
    assert "'name'" in parsed.issue[0].diagnostics
    status, body, _ = fhir(world.midwife_a.user, "Encounter", {"date:missing": "true"})
    assert status == 400
    assert_outcome(body, "not-supported")
    status, body, _ = fhir(world.midwife_a.user, "Encounter", {"date": "ne2026-01-01"})
    assert status == 400
    assert_outcome(body, "not-supported")
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2026-13-45"},
        {"date": "yesterday"},
        {"_count": "abc"},
        {"_count": "-1"},
        {"_offset": "x"},
        {"_offset": "99999999999999999999999"},
        {"status": "happening"},
        {"patient": "Practitioner/P0001"},
        {"patient": "not-a-ref"},
        {"_lastUpdated": "gt2026-02-30"},
    ],
)
def test_bad_values_are_a_400_operation_outcome(world, care, fhir, params):
    status, body, _ = fhir(world.midwife_a.user, "Encounter", params)
    assert status == 400
    assert_outcome(body, "value")
    assert AccessEvent.objects.count() == 0


def test_wrong_method_format_or_address(world, fhir):
    status, body, _ = fhir(world.midwife_a.user, "Patient", "x=1", method="post")
    assert status == 405
    assert_outcome(body, "not-supported")
    status, body, _ = fhir(world.midwife_a.user, "Patient", {"_format": "xml"})
    assert status == 406
    status, body, _ = fhir(
        world.midwife_a.user, "Patient", headers={"HTTP_ACCEPT": "application/fhir+xml"}
    )
    assert status == 406
    status, body, _ = fhir(world.midwife_a.user, "Observation")
    assert status == 404
    assert_outcome(body, "not-supported")
    status, body, _ = fhir(world.midwife_a.user, f"Patient/{world.woman_a.ref}", {"foo": "1"})
    assert status == 400
    status, body, _ = fhir(world.midwife_a.user, "Patient", {"_format": "json"})
    assert status == 200


def test_a_search_body_must_be_form_encoded(world, client):
    response = client.post(
        f"{BASE}/Patient/_search",
        {"identifier": world.woman_a.nhs_number},  # multipart, the test client's default
        **bearer(world.midwife_a.user),
    )
    assert response.status_code == 415
    assert_outcome(response.json(), "not-supported")
    assert AccessEvent.objects.count() == 0


def test_errors_are_logged_by_route_never_by_path(world, fhir, caplog):
    number = world.woman_a.nhs_number
    with caplog.at_level(logging.INFO):
        status, _, _ = fhir(world.midwife_a.user, f"Patient/{number}")  # a number as an id
    assert status == 404
    assert number not in caplog.text
    assert "fhir:patient-read" in caplog.text


def test_an_unexpected_failure_is_a_500_operation_outcome(world, fhir, monkeypatch, caplog):
    def broken(row, user):
        raise RuntimeError(f"mapping failed for {row.nhs_number}")

    monkeypatch.setitem(KINDS, "Patient", replace(KINDS["Patient"], render=broken))
    with caplog.at_level(logging.ERROR):
        status, body, _ = fhir(world.midwife_a.user, "Patient")
    assert status == 500
    assert_outcome(body, "exception")
    assert world.woman_a.nhs_number not in str(body)
    assert "fhir:patient-search" in caplog.text and "RuntimeError" in caplog.text
    assert world.woman_a.nhs_number not in caplog.text


def test_odd_ids_and_values_are_404_or_400_never_500(world, fhir):
    odd = ["²", "-1", "1e5", ".ZZ", "x" * 300, "9" * 40, "%C3%A9", "00000000-0000"]
    user = world.midwife_a.user
    for resource_type in MODELS:
        for value in odd:
            status, body, _ = fhir(user, f"{resource_type}/{value}")
            assert status == 404, (resource_type, value)
            assert_outcome(body, "not-found")
            status, body, _ = fhir(user, resource_type, {"_id": value})
            assert status == 200 and body["total"] == 0, (resource_type, value)
    for value in ["²", "2026-02-30T25:00:00Z", "2026-01-01T10:00:00+99:00", "0000"]:
        status, _, _ = fhir(user, "Encounter", {"date": value})
        assert status in (200, 400), value


# -- searching and paging -------------------------------------------------------------------------


def test_search_parameters_filter(world, care, fhir):
    user = world.midwife_a.user
    seen_day = timezone.localtime(care.seen.actual_start).date()
    _, body, _ = fhir(user, "Encounter", {"date": seen_day.isoformat()})
    assert [r["id"] for r in entries(body)] == [str(care.seen.pk)]
    _, body, _ = fhir(user, "Encounter", {"date": f"gt{seen_day.isoformat()}"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "Appointment", [("date", "ge2000-01-01"), ("date", "lt2100")])
    assert body["total"] == 3
    _, body, _ = fhir(user, "Appointment", {"_id": f"{care.booked.pk},{care.missed.pk}"})
    assert {r["id"] for r in entries(body)} == {str(care.booked.pk), str(care.missed.pk)}
    _, body, _ = fhir(user, "Encounter", {"status": "finished"})
    assert body["total"] == 1
    _, body, _ = fhir(user, "Encounter", {"status": "planned"})
    assert body["total"] == 0
    _, body, _ = fhir(world.board, "CareTeam", {"status": "active,inactive"})
    assert body["total"] == 3
    _, body, _ = fhir(user, "CarePlan", {"status": "draft"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "ServiceRequest", {"status": "active", "patient": world.woman_a.ref})
    assert body["total"] == 1
    _, body, _ = fhir(user, "Communication", {"status": "completed"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "EpisodeOfCare", {"status": "active"})
    assert body["total"] == 1
    _, body, _ = fhir(user, "EpisodeOfCare", {"status": "planned,finished"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "EpisodeOfCare", {"_lastUpdated": "ge2000", "date": "le2100"})
    assert body["total"] == 1
    booked = world.pregnancy_a.booking_date
    _, body, _ = fhir(user, "EpisodeOfCare", {"date": f"gt{booked.isoformat()}"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "EpisodeOfCare", {"date": f"{booked:%Y-%m}"})
    assert body["total"] == 1
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, body, _ = fhir(user, "Patient", {"_lastUpdated": f"gt{later}"})
    assert body["total"] == 0
    _, body, _ = fhir(user, "Patient", {"_lastUpdated": "ge2000-01-01"})
    assert body["total"] == 1


def _team_a_women(world, n):
    for _ in range(n):
        pregnancy = factories.PregnancyFactory(booking_site=world.site)
        factories.assign(pregnancy, world.team_a, named=world.colleague_a)


def test_paging_with_count_gives_next_links_that_work_and_totals_agree(world, fhir):
    _team_a_women(world, 2)
    user = world.midwife_a.user
    status, body, _ = fhir(user, "Patient", {"_count": "1"})
    assert status == 200 and body["total"] == 3 and len(body["entry"]) == 1
    seen = [r["id"] for r in entries(body)]
    links = {link["relation"]: link["url"] for link in body["link"]}
    assert "previous" not in links and links["self"].startswith("http://testserver/fhir/R4/")
    pages = 1
    while "next" in links:
        url = urlsplit(links["next"])
        status, body, _ = fhir(user, f"{url.path}?{url.query}")
        assert status == 200 and body["total"] == 3 and len(body["entry"]) == 1
        links = {link["relation"]: link["url"] for link in body["link"]}
        assert "previous" in links
        seen += [r["id"] for r in entries(body)]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 3
    url = urlsplit(links["previous"])
    _, body, _ = fhir(user, f"{url.path}?{url.query}")
    assert [r["id"] for r in entries(body)] == seen[1:2]
    _, body, _ = fhir(user, "Patient", {"_count": "0"})
    assert body["total"] == 3 and "entry" not in body
    _, body, _ = fhir(user, "Patient", {"_count": "500"})
    assert len(body["entry"]) == 3
    assert "_count=100" in body["link"][0]["url"]


# -- access events -------------------------------------------------------------------------------


def test_patient_read_and_search_write_access_events(world, fhir):
    _team_a_women(world, 2)
    user = world.midwife_a.user
    fhir(user, f"Patient/{world.woman_a.ref}")
    event = AccessEvent.objects.get()
    assert (event.user, event.woman, event.action, event.outcome, event.basis, event.route) == (
        user,
        world.woman_a,
        "view",
        "allowed",
        "named_midwife",
        "fhir:patient-read",
    )
    AccessEvent.objects.all().delete()
    _, body, _ = fhir(user, "Patient", {"_count": "2"})
    events = AccessEvent.objects.all()
    assert events.count() == 2  # one per woman on the page, not per woman matched
    assert {e.action for e in events} == {"search"}
    assert {e.route for e in events} == {"fhir:patient-search"}
    assert {str(e.woman.ref) for e in events} == {r["id"] for r in entries(body)}


def test_reads_of_her_other_records_are_access_events_too(world, care, fhir):
    fhir(world.buddy_a.user, f"Encounter/{care.seen.pk}")
    event = AccessEvent.objects.get(user=world.buddy_a.user)
    assert (event.woman, event.basis, event.route) == (
        world.woman_a,
        "buddy",
        "fhir:encounter-read",
    )


# -- performance --------------------------------------------------------------------------------


def _more_care(world, n):
    """`n` more women in team A, each with a visit seen, one booked, an agreed plan section, a
    referral and an acknowledged concern; a new team with a midwife; and some access events."""
    team = factories.TeamFactory(trust=world.trust)
    factories.MidwifeFactory(team=team)
    mw = world.midwife_a
    now = timezone.now()
    for _ in range(n):
        pregnancy = factories.PregnancyFactory(booking_site=world.site)
        factories.assign(pregnancy, world.team_a, named=world.colleague_a, buddy=mw)
        seen = Contact.objects.create(
            pregnancy=pregnancy,
            kind=Contact.Kind.ANTENATAL,
            scheduled_start=now - timedelta(days=1),
            attendance="5",
            team=world.team_a,
        )
        ContactProfessional.objects.create(contact=seen, midwife=mw, team=world.team_a)
        Contact.objects.create(
            pregnancy=pregnancy, kind=Contact.Kind.ANTENATAL, scheduled_start=now
        )
        section = plan_actions.save_headings(
            by=mw.user,
            pregnancy=pregnancy,
            section_key=headings.BIRTH,
            texts={"if_things_change": "Transfer to the labour ward"},
            writer=headings.MIDWIFE,
        )
        plan_actions.agree_section(by=mw.user, section=section, version=section.version)
        referral_actions.make_referral(
            by=mw.user,
            pregnancy=pregnancy,
            service=Referral.Service.DIABETES,
            site_id=world.site.pk,
            urgency=Referral.Urgency.ROUTINE,
            reason="Gestational diabetes",
        )
        concern = concern_actions.raise_concern(
            by=mw.user,
            woman=pregnancy.woman,
            pregnancy=pregnancy,
            summary="Parking",
            details="No parking at the clinic.",
            raised_for=Concern.RaisedFor.STAFF,
        )
        concern_actions.acknowledge(
            by=mw.user, concern=concern, version=concern.version, message="Noted."
        )
        AccessEvent.objects.create(
            user=mw.user, role=mw.user.role, woman=pregnancy.woman, action="view", outcome="allowed"
        )


@pytest.mark.parametrize("resource_type", sorted(set(MODELS) - {"QuestionnaireResponse"}))
def test_a_search_page_is_a_fixed_number_of_queries(world, care, fhir, resource_type):
    """No N+1: a page of many results costs the same queries as a page of few."""
    user = world.privacy if resource_type == "AuditEvent" else world.midwife_a.user

    def queries_for_page():
        headers = bearer(user)
        with CaptureQueriesContext(connection) as captured:
            status, body, _ = fhir(None, resource_type, {"_count": "100"}, headers=headers)
        assert status == 200
        return len(captured), body["total"]

    few, few_total = queries_for_page()
    _more_care(world, 4)
    many, many_total = queries_for_page()
    assert many_total > few_total
    assert many == few


def test_a_page_of_100_patients_is_a_fixed_number_of_queries(world, fhir):
    def patients_page():
        headers = bearer(world.midwife_a.user)
        with CaptureQueriesContext(connection) as captured:
            _, body, _ = fhir(None, "Patient", {"_count": "100"}, headers=headers)
        return len(captured), len(body["entry"])

    few, shown = patients_page()
    assert shown == 1
    _team_a_women(world, 99)
    many, shown = patients_page()
    assert shown == 100
    assert many == few
    assert AccessEvent.objects.filter(action="search").count() == 101


# -- ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("local", ["P0001", "T A", "x.y_z", "é"])
def test_local_ids_map_to_valid_logical_ids_and_back(local):
    logical = local_id(local)
    assert all(ch.isalnum() or ch in "-." for ch in logical)
    assert from_local_id(logical) == local
