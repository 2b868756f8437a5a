"""The resource types the facade serves: for each, who may see what (a scoped queryset), how a
logical id finds a row, its search parameters, its order, and its mapper."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel

from continuity.concerns.models import Concern
from continuity.core.identifiers import NhsNumberError, normalise_nhs_number
from continuity.core.models import AccessEvent
from continuity.core.permissions import can
from continuity.feedback.models import FeedbackResponse
from continuity.fhir import mapping, queries, systems
from continuity.fhir.mapping.care import (
    APPOINTMENT_STATUS_CODES,
    CAREPLAN_STATUS_CODES,
    ENCOUNTER_STATUS_CODES,
)
from continuity.fhir.mapping.common import from_local_id
from continuity.fhir.mapping.people import EPISODE_STATUS, EPISODE_STATUS_CODES
from continuity.fhir.mapping.voice import (
    COMMUNICATION_STATUS,
    COMMUNICATION_STATUS_CODES,
    QUESTIONNAIRE_RESPONSE_STATUS_CODES,
    SERVICE_REQUEST_STATUS,
    SERVICE_REQUEST_STATUS_CODES,
)
from continuity.fhir.responses import FhirError
from continuity.fhir.search import DateParam, Parameters
from continuity.organisations.models import Team
from continuity.plans.models import PlanSection
from continuity.pregnancies.models import (
    Contact,
    Pregnancy,
    Woman,
)
from continuity.pregnancies.models.care import ATTENDED_CODES, AttendanceCode
from continuity.referrals.models import Referral

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    scoped: Callable[[Any], QuerySet[Any]]
    lookup: Callable[[str], Q]
    params: Parameters
    order: tuple[str, ...]
    render: Callable[[Any, Any], FHIRResourceModel]  # (row, caller) → resource
    # For a woman's data: whose (for the access event), and why the caller may see it.
    woman: Callable[[Any], Woman] | None = None
    basis: Callable[[Any, Any], str] | None = None
    # For logging a denied read against the right woman: every row, and the path to her pk.
    unscoped: Callable[[], QuerySet[Any]] | None = None
    woman_path: str = ""

    @property
    def personal(self) -> bool:
        return self.woman is not None


# -- logical ids ------------------------------------------------------------------------------


def by_uuid(field: str) -> Callable[[str], Q]:
    def lookup(value: str) -> Q:
        try:
            return Q(**{field: uuid.UUID(value)})
        except ValueError:
            return NOTHING

    return lookup


def by_pk(value: str) -> Q:
    return Q(pk=int(value)) if value.isascii() and value.isdigit() and len(value) <= 18 else NOTHING


def by_local_id(field: str) -> Callable[[str], Q]:
    def lookup(value: str) -> Q:
        local = from_local_id(value)
        return Q(**{field: local}) if local else NOTHING

    return lookup


# -- identifiers ------------------------------------------------------------------------------


def nhs_number(system: str | None, value: str) -> Q:
    if system not in (None, systems.NHS_NUMBER):
        return NOTHING
    try:
        return Q(nhs_number=normalise_nhs_number(value))
    except NhsNumberError as exc:
        raise FhirError(
            400,
            "value",
            "Search parameter 'identifier': not a valid NHS number (10 digits with a correct "
            "check digit).",
        ) from exc


def local_identifier(name: str, field: str) -> Callable[[str | None, str], Q]:
    def lookup(system: str | None, value: str) -> Q:
        if system not in (None, systems.identifier_system(name)):
            return NOTHING
        return Q(**{field: value})

    return lookup


def grouped(mapping_: Mapping[str, str], field: str) -> dict[str, Q]:
    """{internal status: FHIR code} → {FHIR code: filter on the internal status}."""
    found: dict[str, list[str]] = {}
    for internal, code in mapping_.items():
        found.setdefault(code, []).append(str(internal))
    return {code: Q(**{f"{field}__in": values}) for code, values in found.items()}


# -- the kinds --------------------------------------------------------------------------------


def _audit(row: AccessEvent, user: Any) -> FHIRResourceModel:
    return mapping.audit_event(row, full=can(user, queries.REVIEW_ACCESS))


def _episode(row: Pregnancy, _user: Any) -> FHIRResourceModel:
    return mapping.episode_of_care(
        row, queries.assignment_of(row), getattr(row, "fhir_updated", None)
    )


def _care_plan(row: PlanSection, _user: Any) -> FHIRResourceModel:
    return mapping.care_plan(row, list(row.entries.all()), queries.assignment_of(row.pregnancy))


def _care_team(row: Team, _user: Any) -> FHIRResourceModel:
    return mapping.care_team(row, list(getattr(row, "members", [])))


ACTIVE_PREGNANCY = Q(pregnancy__status__in=Pregnancy.ACTIVE_STATUSES)
AGREED = Q(status=PlanSection.Status.AGREED)
CANCELLED_CODES = [AttendanceCode.CANCELLED_BY_PATIENT, AttendanceCode.CANCELLED_BY_PROVIDER]
NOT_SEEN_CODES = [AttendanceCode.DID_NOT_ATTEND, AttendanceCode.LATE_NOT_SEEN]
CANCELLED = Q(attendance__in=CANCELLED_CODES) | Q(cancelled_at__isnull=False)
NOT_SEEN = Q(attendance__in=NOT_SEEN_CODES, cancelled_at__isnull=True)
BOOKED = Q(cancelled_at__isnull=True) & ~Q(attendance__in=CANCELLED_CODES + NOT_SEEN_CODES)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            name="Patient",
            description="The woman. Id: her Continuity ref (never her NHS number). Search by "
            "NHS number only with POST Patient/_search.",
            scoped=queries.patients,
            lookup=by_uuid("ref"),
            params=Parameters(
                id=by_uuid("ref"),
                last_updated=DateParam("updated_at"),
                identifier=nhs_number,
                docs={
                    "identifier": "NHS number, https://fhir.nhs.uk/Id/nhs-number|<number>, "
                    "POST _search only"
                },
            ),
            order=("id",),
            render=lambda row, _user: mapping.patient(row),
            woman=lambda row: row,
            basis=lambda row, user: queries.patient_basis(user, row),
            unscoped=lambda: Woman.objects.all(),
            woman_path="pk",
        ),
        Kind(
            name="Practitioner",
            description="A midwife. Id: her local professional id (MSDS CareProfLID).",
            scoped=queries.midwives,
            lookup=by_local_id("professional_id"),
            params=Parameters(
                id=by_local_id("professional_id"),
                last_updated=DateParam("updated_at"),
                identifier=local_identifier(systems.PROFESSIONAL_ID, "professional_id"),
                docs={"identifier": "Local professional id"},
            ),
            order=("id",),
            render=lambda row, _user: mapping.practitioner(row),
        ),
        Kind(
            name="PractitionerRole",
            description="A midwife's role in her team. Id: her local professional id.",
            scoped=queries.midwives,
            lookup=by_local_id("professional_id"),
            params=Parameters(
                id=by_local_id("professional_id"),
                last_updated=DateParam("updated_at"),
                identifier=local_identifier(systems.PROFESSIONAL_ID, "professional_id"),
                docs={"identifier": "Local professional id"},
            ),
            order=("id",),
            render=lambda row, _user: mapping.practitioner_role(row),
        ),
        Kind(
            name="CareTeam",
            description="A midwifery team and its current midwives. Id: the team's local id "
            "(MSDS TeamLocalID).",
            scoped=queries.teams,
            lookup=by_local_id("local_id"),
            params=Parameters(
                id=by_local_id("local_id"),
                identifier=local_identifier(systems.TEAM_LOCAL_ID, "local_id"),
                status={"active": Q()},
                status_codes=frozenset(
                    {"proposed", "active", "suspended", "inactive", "entered-in-error"}
                ),
                docs={"identifier": "Team local id", "status": "Always active"},
            ),
            order=("id",),
            render=_care_team,
        ),
        Kind(
            name="EpisodeOfCare",
            description="Her pregnancy: careManager is her named midwife, team her team.",
            scoped=queries.episodes,
            lookup=by_uuid("ref"),
            params=Parameters(
                id=by_uuid("ref"),
                patient="woman__ref",
                date=DateParam("booking_date", kind="date"),
                last_updated=DateParam("fhir_updated"),
                status=grouped(EPISODE_STATUS, "status"),
                status_codes=EPISODE_STATUS_CODES,
                docs={"date": "Booking date (period.start)"},
            ),
            order=("booking_date", "id"),
            render=_episode,
            woman=lambda row: row.woman,
            basis=lambda row, user: queries.basis(user, row),
            unscoped=lambda: Pregnancy.objects.all(),
            woman_path="woman_id",
        ),
        Kind(
            name="Appointment",
            description="A contact not (yet) seen: booked, cancelled or not attended.",
            scoped=lambda user: queries.contacts(user, attended=False),
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="pregnancy__woman__ref",
                date=DateParam("scheduled_start"),
                last_updated=DateParam("updated_at"),
                status={
                    "booked": BOOKED,
                    "cancelled": CANCELLED,
                    "noshow": NOT_SEEN,
                },
                status_codes=APPOINTMENT_STATUS_CODES,
                docs={"date": "Scheduled start"},
            ),
            order=("scheduled_start", "id"),
            render=lambda row, _user: mapping.appointment(row),
            woman=lambda row: row.pregnancy.woman,
            basis=lambda row, user: queries.basis(user, row.pregnancy),
            unscoped=lambda: Contact.objects.live().exclude(attendance__in=ATTENDED_CODES),
            woman_path="pregnancy__woman_id",
        ),
        Kind(
            name="Encounter",
            description="A contact that happened (attended, or arrived late and seen).",
            scoped=lambda user: queries.contacts(user, attended=True),
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="pregnancy__woman__ref",
                date=DateParam("fhir_date"),
                last_updated=DateParam("updated_at"),
                status={"finished": Q()},
                status_codes=ENCOUNTER_STATUS_CODES,
                docs={"date": "Start (actual, else scheduled)"},
            ),
            order=("fhir_date", "id"),
            render=lambda row, _user: mapping.encounter(row),
            woman=lambda row: row.pregnancy.woman,
            basis=lambda row, user: queries.basis(user, row.pregnancy),
            unscoped=lambda: Contact.objects.live().filter(attendance__in=ATTENDED_CODES),
            woman_path="pregnancy__woman_id",
        ),
        Kind(
            name="CarePlan",
            description="A section of her personalised care and support plan (antenatal, birth, "
            "postnatal).",
            scoped=queries.care_plans,
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="pregnancy__woman__ref",
                date=DateParam("agreed_at"),
                last_updated=DateParam("updated_at"),
                status={
                    "draft": ~AGREED,
                    "active": AGREED & ACTIVE_PREGNANCY,
                    "completed": AGREED & ~ACTIVE_PREGNANCY,
                },
                status_codes=CAREPLAN_STATUS_CODES,
                docs={"date": "When it was last agreed (period.start)"},
            ),
            order=("pregnancy_id", "id"),
            render=_care_plan,
            woman=lambda row: row.pregnancy.woman,
            basis=lambda row, user: queries.basis(user, row.pregnancy),
            unscoped=lambda: PlanSection.objects.all(),
            woman_path="pregnancy__woman_id",
        ),
        Kind(
            name="ServiceRequest",
            description="A referral to another service.",
            scoped=queries.referrals,
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="pregnancy__woman__ref",
                date=DateParam("requested_at"),
                last_updated=DateParam("updated_at"),
                status=grouped(SERVICE_REQUEST_STATUS, "status"),
                status_codes=SERVICE_REQUEST_STATUS_CODES,
                docs={"date": "When it was requested (authoredOn)"},
            ),
            order=("requested_at", "id"),
            render=lambda row, _user: mapping.service_request(row),
            woman=lambda row: row.pregnancy.woman,
            basis=lambda row, user: queries.basis(user, row.pregnancy, "coordinator"),
            unscoped=lambda: Referral.objects.all(),
            woman_path="pregnancy__woman_id",
        ),
        Kind(
            name="QuestionnaireResponse",
            description="Her Friends and Family Test or visit survey answers (hers alone).",
            scoped=queries.feedback,
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="request__pregnancy__woman__ref",
                date=DateParam("answered_at"),
                last_updated=DateParam("answered_at"),
                status={"completed": Q()},
                status_codes=QUESTIONNAIRE_RESPONSE_STATUS_CODES,
                docs={"date": "When she answered (authored)"},
            ),
            order=("answered_at", "id"),
            render=lambda row, _user: mapping.questionnaire_response(row),
            woman=lambda row: row.request.pregnancy.woman,
            basis=lambda row, user: queries.basis(user, row.request.pregnancy),
            unscoped=lambda: FeedbackResponse.objects.all(),
            woman_path="request__pregnancy__woman_id",
        ),
        Kind(
            name="Communication",
            description="A concern she raised (or staff raised for her), as she can see it.",
            scoped=queries.concerns,
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="woman__ref",
                date=DateParam("received_at"),
                last_updated=DateParam("updated_at"),
                status=grouped(COMMUNICATION_STATUS, "status"),
                status_codes=COMMUNICATION_STATUS_CODES,
                docs={"date": "When it was received (sent)"},
            ),
            order=("received_at", "id"),
            render=lambda row, _user: mapping.communication(
                row, list(getattr(row, "shown_events", []))
            ),
            woman=lambda row: row.woman,
            basis=lambda row, user: queries.basis(user, row.pregnancy, "owner"),
            unscoped=lambda: Concern.objects.all(),
            woman_path="woman_id",
        ),
        Kind(
            name="AuditEvent",
            description="An access event: a view, listing, search hit, export or print of a "
            "woman's record. The privacy officer sees all; a woman sees views of her record.",
            scoped=queries.access_events,
            lookup=by_pk,
            params=Parameters(
                id=by_pk,
                patient="woman__ref",
                date=DateParam("at"),
                last_updated=DateParam("at"),
                docs={"date": "When it happened (recorded)"},
            ),
            order=("-at", "-id"),
            render=_audit,
        ),
    )
}
