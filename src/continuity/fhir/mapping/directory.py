"""The staff directory: Practitioner and PractitionerRole (a midwife) and CareTeam (a team)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from continuity.accounts.models import Role
from continuity.fhir import systems
from continuity.fhir.mapping.common import (
    Json,
    care_team_ref,
    concept,
    drop_empty,
    local_concept,
    local_id,
    meta,
    organisation_ref,
    practitioner_ref,
)
from continuity.organisations.models import Team
from continuity.workforce.models import Midwife


def _identifier(midwife: Midwife) -> list[Json]:
    return [
        {
            "system": systems.identifier_system(systems.PROFESSIONAL_ID),
            "value": midwife.professional_id,
        }
    ]


def _active(midwife: Midwife, today: date) -> bool:
    return bool(midwife.user.is_active and midwife.is_active_on(today))


def _phone(midwife: Midwife) -> list[Json] | None:
    return [{"system": "phone", "value": midwife.phone, "use": "work"}] if midwife.phone else None


def _role_codes(midwife: Midwife) -> list[Json]:
    codes = [
        concept(
            systems.SNOMED, *systems.SNOMED_REGISTERED_MIDWIFE, text=midwife.staff_group or None
        )
    ]
    if midwife.user.role == Role.TEAM_LEADER:
        codes.append(local_concept("staff-role", "team-leader", "Team leader"))
    return codes


def practitioner(midwife: Midwife, today: date | None = None) -> Practitioner:
    user = midwife.user
    return Practitioner(
        id=local_id(midwife.professional_id),
        meta=meta(midwife.updated_at, midwife.version),
        identifier=_identifier(midwife),
        active=_active(midwife, today or timezone.localdate()),
        name=[
            {
                "use": "official",
                "text": str(user),
                "family": user.last_name or None,
                "given": drop_empty([user.first_name]),
            }
        ],
        telecom=_phone(midwife),
        communication=drop_empty(
            [concept(systems.BCP47, code) for code in (midwife.languages or []) if code]
        ),
    )


def practitioner_role(midwife: Midwife, today: date | None = None) -> PractitionerRole:
    """A midwife's role in her team. The team is a CareTeam, which R4's PractitionerRole cannot
    reference, so it is carried in a local extension."""
    return PractitionerRole(
        id=local_id(midwife.professional_id),
        meta=meta(midwife.updated_at, midwife.version),
        extension=[
            {"url": systems.extension("care-team"), "valueReference": care_team_ref(midwife.team)}
        ],
        identifier=_identifier(midwife),
        active=_active(midwife, today or timezone.localdate()),
        period={"start": midwife.start_date, "end": midwife.end_date},
        practitioner=practitioner_ref(midwife),
        organization=organisation_ref(midwife.team.trust),
        code=_role_codes(midwife),
        telecom=_phone(midwife),
    )


def care_team(team: Team, members: list[Midwife], today: date | None = None) -> CareTeam:
    """A team and its current midwives (those whose employment covers today)."""
    today = today or timezone.localdate()
    return CareTeam(
        id=local_id(team.local_id),
        identifier=[
            {"system": systems.identifier_system(systems.TEAM_LOCAL_ID), "value": team.local_id}
        ],
        status="active",
        category=[local_concept("care-model", team.care_model, Team.Model(team.care_model).label)],
        name=team.name,
        participant=drop_empty(
            [
                {
                    "role": _role_codes(midwife),
                    "member": practitioner_ref(midwife),
                    "period": {"start": midwife.start_date, "end": midwife.end_date},
                }
                for midwife in members
                if _active(midwife, today)
            ]
        ),
        managingOrganization=[organisation_ref(team.trust)],
        note=[{"text": f"Area: {team.area}"}] if team.area else None,
    )
