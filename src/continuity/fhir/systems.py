"""The identifier systems, code systems and extensions the facade uses, in one place.

National ones (NHS number, ODS, UK Core, SNOMED CT, HL7 terminology) are fixed. Continuity's own
(local ids, local codes, local extensions) live under one base URI, which a trust may set with
`CONTINUITY["FHIR_SYSTEM_BASE"]` in settings; docs/fhir.md lists every one.
"""

from __future__ import annotations

from typing import Final

from django.conf import settings

# -- national -------------------------------------------------------------------------------------
NHS_NUMBER: Final = "https://fhir.nhs.uk/Id/nhs-number"
ODS_ORGANISATION: Final = "https://fhir.nhs.uk/Id/ods-organization-code"
ODS_SITE: Final = "https://fhir.nhs.uk/Id/ods-site-code"
UKCORE_ETHNIC_CATEGORY: Final = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
)
UKCORE_ETHNIC_CATEGORY_ENGLAND: Final = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
)
UKCORE_NHS_NUMBER_VERIFICATION: Final = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
UKCORE_NHS_NUMBER_VERIFICATION_ENGLAND: Final = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)
PATIENT_INTERPRETER_REQUIRED: Final = (
    "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
)
BCP47: Final = "urn:ietf:bcp:47"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"
V3_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
V3_ACT_REASON: Final = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
AUDIT_EVENT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
AUDIT_ENTITY_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE: Final = "http://terminology.hl7.org/CodeSystem/object-role"
APPOINTMENT_CANCELLATION_REASON: Final = (
    "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
)

SNOMED_REGISTERED_MIDWIFE: Final = ("309453006", "Registered midwife")
SNOMED_PATIENT_REFERRAL: Final = ("3457005", "Patient referral")

DEFAULT_BASE: Final = "https://fhir.continuity.example"


def base() -> str:
    conf = getattr(settings, "CONTINUITY", {}) or {}
    return str(conf.get("FHIR_SYSTEM_BASE") or DEFAULT_BASE).rstrip("/")


# -- Continuity's own (under the base) ------------------------------------------------------------
def identifier_system(name: str) -> str:
    """`professional-id` (MSDS CareProfLID) or `team-local-id` (MSDS TeamLocalID)."""
    return f"{base()}/Id/{name}"


def code_system(name: str) -> str:
    return f"{base()}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{base()}/StructureDefinition/{name}"


def questionnaire(name: str) -> str:
    return f"{base()}/Questionnaire/{name}"


PROFESSIONAL_ID = "professional-id"
TEAM_LOCAL_ID = "team-local-id"

# UK Core's displays for the England ethnic category codes (ours differ only in letter case).
ETHNIC_DISPLAY_OVERRIDES: Final[dict[str, str]] = {
    "R": "Other Ethnic Groups - Chinese",
    "S": "Other Ethnic Groups - Any other ethnic group",
}
