"""Referrals (ServiceRequest), her feedback (QuestionnaireResponse) and her concerns
(Communication)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.servicerequest import ServiceRequest

from continuity.accounts.models import Role
from continuity.concerns.models import Concern
from continuity.feedback.models import FeedbackRequest, FeedbackResponse
from continuity.fhir import systems
from continuity.fhir.mapping.common import (
    Json,
    coding,
    concept,
    episode_ref,
    local_concept,
    meta,
    patient_ref,
    site_ref,
    user_ref,
)
from continuity.referrals.models import Referral

# Referral status → ServiceRequest.status; the step itself is kept in a local extension.
SERVICE_REQUEST_STATUS: dict[str, str] = {
    Referral.Status.REQUESTED: "active",
    Referral.Status.ACCEPTED: "active",
    Referral.Status.BOOKED: "active",
    Referral.Status.ATTENDED: "active",
    Referral.Status.DONE: "completed",
    Referral.Status.DECLINED: "revoked",
    Referral.Status.CANCELLED: "revoked",
}
SERVICE_REQUEST_STATUS_CODES = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)

# Concern status → Communication.status; her view of the step is in statusReason.
COMMUNICATION_STATUS: dict[str, str] = {
    Concern.Status.RECEIVED: "in-progress",
    Concern.Status.TRIAGED: "in-progress",
    Concern.Status.ACKNOWLEDGED: "in-progress",
    Concern.Status.RESPONDED: "completed",
    Concern.Status.CLOSED: "completed",
}
COMMUNICATION_STATUS_CODES = frozenset(
    {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    }
)
QUESTIONNAIRE_RESPONSE_STATUS_CODES = frozenset(
    {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
)
# The steps of a concern she sees on her own page, with their notes (concerns/her_concern).
SHOWN_STEPS = ("acknowledged", "responded")

FFT_QUESTION = "Overall, how was your experience of our service?"
QUESTIONS = {
    "rating": FFT_QUESTION,
    "what_was_good": "What was good?",
    "could_be_better": "What could have been better?",
    "named_or_buddy": "Was this visit with your named midwife or your buddy midwife?",
    "listened": "Did the midwife listen to you?",
}


def service_request(referral: Referral) -> ServiceRequest:
    woman = referral.pregnancy.woman
    return ServiceRequest(
        id=str(referral.pk),
        meta=meta(referral.updated_at, referral.version),
        extension=[
            {
                "url": systems.extension("referral-step"),
                "valueCoding": coding(
                    systems.code_system("referral-status"),
                    referral.status,
                    str(Referral.Status(referral.status).label),
                ),
            }
        ],
        status=SERVICE_REQUEST_STATUS[referral.status],
        intent="order",
        category=[concept(systems.SNOMED, *systems.SNOMED_PATIENT_REFERRAL)],
        priority="urgent" if referral.urgency == Referral.Urgency.URGENT else "routine",
        code=local_concept(
            "referral-service", referral.service, Referral.Service(referral.service).label
        ),
        subject={**patient_ref(woman), "display": str(woman)},
        occurrenceDateTime=referral.appointment_at,
        authoredOn=referral.requested_at,
        requester=user_ref(referral.requested_by, woman),
        performer=[site_ref(referral.site)],
        reasonCode=[{"text": referral.reason}] if referral.reason else None,
        supportingInfo=[episode_ref(referral.pregnancy)],
        note=(
            [{"time": referral.outcome_at, "text": referral.outcome}] if referral.outcome else None
        ),
    )


def _coded(name: str, code: Any, display: Any) -> Json:
    return {"valueCoding": coding(systems.code_system(name), str(code), str(display))}


def _items(request: FeedbackRequest, answer: FeedbackResponse) -> list[Json]:
    items: list[Json] = []

    def add(link_id: str, value: Json | None) -> None:
        if value is not None:
            items.append({"linkId": link_id, "text": QUESTIONS[link_id], "answer": [value]})

    if answer.rating is not None:
        label = FeedbackResponse.Rating(answer.rating).label
        add("rating", _coded("fft-rating", answer.rating, label))
    if answer.named_or_buddy:
        label = FeedbackResponse.YesNoUnsure(answer.named_or_buddy).label
        add("named_or_buddy", _coded("yes-no-unsure", answer.named_or_buddy, label))
    if answer.listened:
        label = FeedbackResponse.Listened(answer.listened).label
        add("listened", _coded("listened", answer.listened, label))
    if answer.what_was_good:
        add("what_was_good", {"valueString": answer.what_was_good})
    if answer.could_be_better:
        add("could_be_better", {"valueString": answer.could_be_better})
    return items


def questionnaire_response(answer: FeedbackResponse) -> QuestionnaireResponse:
    request = answer.request
    woman = request.pregnancy.woman
    return QuestionnaireResponse(
        id=str(answer.pk),
        meta=meta(answer.answered_at),
        extension=[
            {
                "url": systems.extension("feedback-touchpoint"),
                "valueCoding": coding(
                    systems.code_system("feedback-touchpoint"),
                    request.touchpoint,
                    str(FeedbackRequest.Touchpoint(request.touchpoint).label),
                ),
            }
        ],
        questionnaire=systems.questionnaire(
            "continuity-visit-survey" if request.is_visit else "maternity-fft"
        ),
        status="completed",
        subject=patient_ref(woman),
        encounter={"reference": f"Encounter/{request.contact_id}"} if request.contact_id else None,
        authored=answer.answered_at,
        author=patient_ref(woman),
        source=patient_ref(woman),
        item=_items(request, answer) or None,
    )


def _sender(concern: Concern) -> Json | None:
    woman = concern.woman
    user = concern.raised_by
    if user.role == Role.WOMAN and woman.user_id == user.pk:
        return {**patient_ref(woman), "display": str(woman)}
    return user_ref(user, woman)


def communication(concern: Concern, shown_events: list[Any]) -> Communication:
    """Her concern as she can see it on her own page: what she told us, where it has got to,
    and the acknowledgement and answer sent to her. Staff-only notes, the owner and the theme
    stay out. `shown_events` are its events marked shown to her, oldest first."""
    woman = concern.woman
    return Communication(
        id=str(concern.pk),
        meta=meta(concern.updated_at, concern.version),
        status=COMMUNICATION_STATUS[concern.status],
        statusReason=local_concept(
            "concern-status", concern.status, Concern.Status(concern.status).label
        ),
        category=[
            local_concept("communication-category", "concern", "Concern"),
            local_concept(
                "concern-raised-for",
                concern.raised_for,
                Concern.RaisedFor(concern.raised_for).label,
            ),
        ],
        subject={**patient_ref(woman), "display": str(woman)},
        topic={"text": concern.summary},
        sent=concern.received_at,
        received=concern.received_at,
        sender=_sender(concern),
        payload=[{"contentString": concern.details}],
        note=[
            {"time": event.at, "text": event.note}
            for event in shown_events
            if event.kind in SHOWN_STEPS and event.note
        ]
        or None,
    )
