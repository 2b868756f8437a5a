"""Her care: contacts as Appointment (not yet seen) or Encounter (seen), and the personalised
care and support plan's sections as CarePlan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.encounter import Encounter

from continuity.fhir import systems
from continuity.fhir.mapping.common import (
    Json,
    care_team_ref,
    coding,
    episode_ref,
    local_concept,
    meta,
    patient_ref,
    practitioner_ref,
    user_ref,
)
from continuity.plans import headings
from continuity.plans.models import PlanSection
from continuity.pregnancies.models.care import AttendanceCode, CarePlanRecord, Contact

CANCELLED_BY_HER = AttendanceCode.CANCELLED_BY_PATIENT
CANCELLED_BY_SERVICE = AttendanceCode.CANCELLED_BY_PROVIDER
NOT_SEEN = (AttendanceCode.DID_NOT_ATTEND, AttendanceCode.LATE_NOT_SEEN)
# Who cancelled → appointment-cancellation-reason.
CANCELLATION_REASON: dict[str, tuple[str, str]] = {
    CANCELLED_BY_HER: ("pat", "Patient"),
    CANCELLED_BY_SERVICE: ("prov", "Provider"),
}

APPOINTMENT_STATUS_CODES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    }
)
ENCOUNTER_STATUS_CODES = frozenset(
    {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
CAREPLAN_STATUS_CODES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)


def appointment_status(contact: Contact) -> str:
    """Attendance code → Appointment.status: cancelled (2, 4 or a cancellation recorded),
    noshow (3 did not attend, 7 too late to be seen), else booked (0, not yet happened)."""
    if contact.attendance in (CANCELLED_BY_HER, CANCELLED_BY_SERVICE) or contact.cancelled_at:
        return "cancelled"
    if contact.attendance in NOT_SEEN:
        return "noshow"
    return "booked"


def _kind(contact: Contact) -> Json:
    return local_concept("contact-kind", contact.kind, Contact.Kind(contact.kind).label)


def _professionals(contact: Contact) -> list[Json]:
    return [
        {
            "type": [
                {
                    "coding": [
                        coding(systems.V3_PARTICIPATION_TYPE, "PPRF", "primary performer")
                        if activity.is_lead
                        else coding(systems.V3_PARTICIPATION_TYPE, "SPRF", "secondary performer")
                    ]
                }
            ],
            "individual": practitioner_ref(activity.midwife),
        }
        for activity in contact.activities.all()
    ]


def appointment(contact: Contact) -> Appointment:
    woman = contact.pregnancy.woman
    status = appointment_status(contact)
    reason = CANCELLATION_REASON.get(contact.attendance)
    participants: list[Json] = [
        {
            "actor": {**patient_ref(woman), "display": str(woman)},
            "required": "required",
            "status": "accepted" if contact.confirmed_at else "needs-action",
        }
    ]
    participants += [
        {"type": p["type"], "actor": p["individual"], "required": "required", "status": "accepted"}
        for p in _professionals(contact)
    ]
    return Appointment(
        id=str(contact.pk),
        meta=meta(contact.updated_at, contact.version),
        status=status,
        cancelationReason=(
            {
                "coding": [coding(systems.APPOINTMENT_CANCELLATION_REASON, *reason)]
                if reason
                else None,
                "text": contact.cancellation_reason or None,
            }
            if status == "cancelled" and (reason or contact.cancellation_reason)
            else None
        ),
        serviceType=[_kind(contact)],
        start=contact.scheduled_start,
        end=contact.scheduled_start + timedelta(minutes=contact.duration_minutes),
        minutesDuration=contact.duration_minutes or None,
        supportingInformation=[episode_ref(contact.pregnancy)],
        participant=participants,
    )


def encounter_class(contact: Contact) -> Json:
    """HH for a face-to-face visit at home, VR for a telephone or video contact, else AMB."""
    if contact.medium in (Contact.Medium.TELEPHONE, Contact.Medium.VIDEO):
        return coding(systems.V3_ACT_CODE, "VR", "virtual")
    if contact.location == Contact.Location.HOME:
        return coding(systems.V3_ACT_CODE, "HH", "home health")
    return coding(systems.V3_ACT_CODE, "AMB", "ambulatory")


def encounter(contact: Contact) -> Encounter:
    woman = contact.pregnancy.woman
    start = contact.actual_start or contact.scheduled_start
    return Encounter(
        id=str(contact.pk),
        meta=meta(contact.updated_at, contact.version),
        status="finished",
        class_fhir=encounter_class(contact),
        type=[_kind(contact)],
        subject={**patient_ref(woman), "display": str(woman)},
        episodeOfCare=[episode_ref(contact.pregnancy)],
        participant=_professionals(contact) or None,
        period={"start": start, "end": start + timedelta(minutes=contact.duration_minutes)},
        length=(
            {
                "value": contact.duration_minutes,
                "unit": "min",
                "system": systems.UCUM,
                "code": "min",
            }
            if contact.duration_minutes
            else None
        ),
        serviceProvider=(
            {
                "identifier": {
                    "system": systems.ODS_ORGANISATION,
                    "value": contact.team.trust.ods_code,
                },
                "display": contact.team.trust.name,
            }
            if contact.team is not None
            else None
        ),
    )


def care_plan_status(section: PlanSection) -> str:
    """Draft (never agreed, or changed since) → draft; agreed → active while she is in our care,
    completed once her pregnancy's care has ended."""
    if section.status != PlanSection.Status.AGREED:
        return "draft"
    return "active" if section.pregnancy.is_active else "completed"


def care_plan(section: PlanSection, entries: list[Any], assignment: Any) -> CarePlan:
    """One section of her plan. `entries` are its PlanEntry rows newest first (the first per
    heading is the current text); `assignment` is her open Assignment or None."""
    spec = headings.BY_KEY[section.key]
    woman = section.pregnancy.woman
    current: dict[str, Any] = {}
    for entry in entries:
        current.setdefault(entry.heading, entry)
    notes = []
    for heading in spec.headings:
        entry = current.get(heading.key)
        if entry is None or not entry.text:
            continue
        notes.append(
            {
                "authorReference": user_ref(entry.written_by, woman),
                "time": entry.written_at,
                "text": f"**{heading.label}**\n\n{entry.text}",
            }
        )
    return CarePlan(
        id=str(section.pk),
        meta=meta(section.updated_at, section.version),
        status=care_plan_status(section),
        intent="plan",
        category=[
            local_concept(
                "msds-care-plan-type",
                spec.plan_type,
                CarePlanRecord.PlanType(spec.plan_type).label,
            )
        ],
        title=str(spec.label),
        description="Personalised care and support plan",
        subject={**patient_ref(woman), "display": str(woman)},
        period={"start": section.agreed_at} if section.agreed_at else None,
        author=user_ref(section.agreed_by, woman) if section.agreed_by_id else None,
        careTeam=[care_team_ref(assignment.team)] if assignment is not None else None,
        supportingInfo=[episode_ref(section.pregnancy)],
        note=notes or None,
    )
