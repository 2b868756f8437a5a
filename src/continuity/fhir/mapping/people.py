"""Patient (the woman) and EpisodeOfCare (her pregnancy), after UK Core.

Pure functions: each takes rows already loaded (with their related rows) and returns a validated
R4B model. They never query; the scoped querysets in `fhir.queries` load what they read.
"""

from __future__ import annotations

from typing import Any

from django.conf.locale import LANG_INFO
from django.utils import timezone
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.patient import Patient

from continuity.engines.equity import ETHNIC_CATEGORIES
from continuity.fhir import systems
from continuity.fhir.mapping.common import (
    Json,
    care_team_ref,
    coding,
    concept,
    drop_empty,
    local_concept,
    meta,
    organisation_ref,
    patient_ref,
    practitioner_ref,
)
from continuity.pregnancies.models import Pregnancy, Woman

# Pregnancy status → EpisodeOfCare.status (docs/fhir.md).
EPISODE_STATUS: dict[str, str] = {
    Pregnancy.Status.BOOKED: "planned",
    Pregnancy.Status.ANTENATAL: "active",
    Pregnancy.Status.POSTNATAL: "active",
    Pregnancy.Status.DISCHARGED: "finished",
    Pregnancy.Status.TRANSFERRED_OUT: "finished",
    Pregnancy.Status.ENDED: "finished",
}
EPISODE_STATUS_CODES = frozenset(
    {"planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error"}
)

# The contained CareTeam naming her own carers, referenced from EpisodeOfCare.team.
CARERS_ID = "carers"


def _is_mobile(number: str) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return digits.startswith(("07", "+447", "447"))


def _telecom(woman: Woman) -> list[Json] | None:
    found: list[Json] = []
    if woman.phone:
        found.append(
            {
                "system": "phone",
                "value": woman.phone,
                "use": "mobile" if _is_mobile(woman.phone) else "home",
                "rank": 1 if woman.preferred_channel in ("sms", "phone") else None,
            }
        )
    if woman.email:
        found.append(
            {
                "system": "email",
                "value": woman.email,
                "use": "home",
                "rank": 1 if woman.preferred_channel == "email" else None,
            }
        )
    return found or None


def _address(woman: Woman) -> list[Json]:
    return [
        {
            "use": "home",
            "line": drop_empty([woman.address_line_1, woman.address_line_2]),
            "city": woman.town or None,
            "postalCode": woman.postcode or None,
        }
    ]


def _language(code: str) -> Json:
    info = LANG_INFO.get(code) or LANG_INFO.get(code.split("-")[0]) or {}
    return concept(systems.BCP47, code, info.get("name"))


def patient(woman: Woman) -> Patient:
    category = woman.ethnic_category or "99"
    ethnic_display = systems.ETHNIC_DISPLAY_OVERRIDES.get(
        category, ETHNIC_CATEGORIES.get(category, "")
    )
    return Patient(
        id=str(woman.ref),
        meta=meta(woman.updated_at, woman.version),
        extension=[
            {
                "url": systems.UKCORE_ETHNIC_CATEGORY,
                "valueCodeableConcept": concept(
                    systems.UKCORE_ETHNIC_CATEGORY_ENGLAND, category, ethnic_display
                ),
            },
            {"url": systems.PATIENT_INTERPRETER_REQUIRED, "valueBoolean": woman.interpreter_needed},
        ],
        identifier=[
            {
                "extension": [
                    {
                        # Continuity checks the digit but does not trace on PDS.
                        "url": systems.UKCORE_NHS_NUMBER_VERIFICATION,
                        "valueCodeableConcept": concept(
                            systems.UKCORE_NHS_NUMBER_VERIFICATION_ENGLAND,
                            "02",
                            "Number present but not traced",
                        ),
                    }
                ],
                "system": systems.NHS_NUMBER,
                "value": woman.nhs_number,
            }
        ],
        active=True,
        name=[
            {
                "use": "official",
                "family": woman.family_name or None,
                "given": drop_empty([woman.given_name]),
            }
        ],
        telecom=_telecom(woman),
        birthDate=woman.date_of_birth,
        address=_address(woman),
        communication=[
            {"language": _language(woman.preferred_language or "en"), "preferred": True}
        ],
    )


def _status_history(pregnancy: Pregnancy) -> list[Json] | None:
    """Her pregnancy's transitions as FHIR statuses, joining runs of the same status."""
    transitions = list(pregnancy.transitions.all())
    runs: list[Json] = []
    for transition in transitions:
        status = EPISODE_STATUS.get(transition.to_status)
        if status is None:
            continue
        if runs and runs[-1]["status"] == status:
            continue
        if runs:
            runs[-1]["period"]["end"] = transition.at
        runs.append({"status": status, "period": {"start": transition.at}})
    return runs or None


def _ended_on(pregnancy: Pregnancy) -> Any:
    if pregnancy.discharge_date:
        return pregnancy.discharge_date
    if EPISODE_STATUS.get(pregnancy.status) != "finished":
        return None
    last = [t.at for t in pregnancy.transitions.all() if t.to_status == pregnancy.status]
    return timezone.localtime(last[-1]).date() if last else None


def episode_of_care(pregnancy: Pregnancy, assignment: Any, last_updated: Any = None) -> Any:
    """Her pregnancy. `assignment` is the open Assignment (team, named midwife, buddy) or None."""
    woman = pregnancy.woman
    carers: list[Json] = []
    if assignment is not None and assignment.named_midwife is not None:
        carers.append(
            {
                "role": [local_concept("care-role", "named-midwife", "Named midwife")],
                "member": practitioner_ref(assignment.named_midwife),
            }
        )
    if assignment is not None and assignment.buddy is not None:
        carers.append(
            {
                "role": [local_concept("care-role", "buddy", "Buddy midwife")],
                "member": practitioner_ref(assignment.buddy),
            }
        )
    contained = (
        [
            {
                "resourceType": "CareTeam",
                "id": CARERS_ID,
                "status": "active",
                "name": "Her named midwife and buddy",
                "subject": patient_ref(woman),
                "participant": carers,
            }
        ]
        if carers
        else None
    )
    team: list[Json] = []
    if assignment is not None:
        team.append(care_team_ref(assignment.team))
    if contained:
        team.append({"reference": f"#{CARERS_ID}"})
    trust = pregnancy.booking_site.trust
    return EpisodeOfCare(
        id=str(pregnancy.ref),
        meta=meta(last_updated or pregnancy.updated_at, pregnancy.version),
        contained=contained,
        extension=[
            {
                "url": systems.extension("pregnancy-status"),
                "valueCoding": coding(
                    systems.code_system("pregnancy-status"),
                    pregnancy.status,
                    str(Pregnancy.Status(pregnancy.status).label),
                ),
            }
        ],
        status=EPISODE_STATUS[pregnancy.status],
        statusHistory=_status_history(pregnancy),
        type=[local_concept("episode-type", "maternity", "Maternity care")],
        patient={**patient_ref(woman), "display": str(woman)},
        managingOrganization=organisation_ref(trust),
        period={"start": pregnancy.booking_date, "end": _ended_on(pregnancy)},
        careManager=(
            practitioner_ref(assignment.named_midwife)
            if assignment is not None and assignment.named_midwife is not None
            else None
        ),
        team=team or None,
    )
