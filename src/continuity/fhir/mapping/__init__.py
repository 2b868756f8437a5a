"""Mappers: pure functions from Continuity's rows to validated FHIR R4B resources.

Each builds the resource with the `fhir.resources.R4B` model class, so a mapping that breaks the
model (a missing required element, a bad id) fails here, not in a client. docs/fhir.md has the
field-by-field mapping.
"""

from continuity.fhir.mapping.audit import audit_event
from continuity.fhir.mapping.care import appointment, care_plan, encounter
from continuity.fhir.mapping.directory import care_team, practitioner, practitioner_role
from continuity.fhir.mapping.people import episode_of_care, patient
from continuity.fhir.mapping.voice import communication, questionnaire_response, service_request

__all__ = [
    "appointment",
    "audit_event",
    "care_plan",
    "care_team",
    "communication",
    "encounter",
    "episode_of_care",
    "patient",
    "practitioner",
    "practitioner_role",
    "questionnaire_response",
    "service_request",
]
