"""Access events (each view, listing, search hit, export or print of a woman's record) as
AuditEvent."""

from __future__ import annotations

from fhir.resources.R4B.auditevent import AuditEvent

from continuity.accounts.models import Role
from continuity.core.models import AccessEvent
from continuity.fhir import systems
from continuity.fhir.mapping.common import Json, coding, local_concept, patient_ref, user_ref


def _purpose(event: AccessEvent) -> list[Json] | None:
    if event.outcome == AccessEvent.Outcome.BREAK_GLASS:
        return [{"coding": [coding(systems.V3_ACT_REASON, "ETREAT", "Emergency Treatment")]}]
    if event.outcome == AccessEvent.Outcome.ALLOWED and event.basis:
        return [{"coding": [coding(systems.V3_ACT_REASON, "TREAT", "treatment")]}]
    return None


def audit_event(event: AccessEvent, *, full: bool) -> AuditEvent:
    """`full` (the privacy officer) adds the reason given, which can be free text about her;
    she herself sees what her own access-history page shows."""
    user = event.user
    role_label = Role(event.role).label if event.role in Role.values else event.role
    details: list[Json] = []
    if event.route:
        details.append({"type": "route", "valueString": event.route})
    if event.basis:
        details.append({"type": "basis", "valueString": event.basis})
    if full and event.reason:
        details.append({"type": "reason", "valueString": event.reason})
    entity = (
        [
            {
                "what": patient_ref(event.woman),
                "type": coding(systems.AUDIT_ENTITY_TYPE, "1", "Person"),
                "role": coding(systems.OBJECT_ROLE, "1", "Patient"),
                "detail": details or None,
            }
        ]
        if event.woman is not None
        else None
    )
    who = user_ref(user, event.woman) or {"display": "Unknown user"}
    return AuditEvent(
        id=str(event.pk),
        meta={"lastUpdated": event.at},
        type=coding(systems.AUDIT_EVENT_TYPE, "rest", "RESTful Operation"),
        subtype=[
            coding(
                systems.code_system("access-action"),
                event.action,
                str(AccessEvent.Action(event.action).label),
            )
        ],
        action="R",
        recorded=event.at,
        outcome="0" if event.outcome != AccessEvent.Outcome.DENIED else "4",
        outcomeDesc=str(AccessEvent.Outcome(event.outcome).label),
        purposeOfEvent=_purpose(event),
        agent=[
            {
                "who": who,
                "requestor": True,
                "role": [local_concept("user-role", event.role, role_label)],
            }
        ],
        source={"observer": {"display": "Continuity"}},
        entity=entity,
    )
