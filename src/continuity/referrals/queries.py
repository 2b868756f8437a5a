"""Reading referrals, and when a step is overdue (working days, with bank holidays):

- requested and not accepted within 5 working days (urgent: 1);
- accepted and no appointment booked within 10 working days (urgent: 2);
- the appointment passed more than 2 working days ago and not marked attended;
- attended and no outcome returned within 7 working days.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.engines.workingdays import default_calendar
from continuity.pregnancies.queries import visible_pregnancies
from continuity.referrals.models import Referral

Status = Referral.Status
LIMITS = {
    # status: (routine working days, urgent working days, the instant it counts from)
    Status.REQUESTED: (5, 1, "requested_at"),
    Status.ACCEPTED: (10, 2, "accepted_at"),
    Status.BOOKED: (2, 2, "appointment_at"),
    Status.ATTENDED: (7, 7, "attended_at"),
}


def due(referral: Referral) -> date | None:
    """The date by which its next step is due, or None when it is closed."""
    limit = LIMITS.get(referral.status)
    if limit is None:
        return None
    routine, urgent, since = limit
    start = getattr(referral, since)
    if start is None:
        return None
    days = urgent if referral.urgency == Referral.Urgency.URGENT else routine
    return default_calendar().add_working_days(timezone.localtime(start).date(), days)


def overdue(referral: Referral, today: date | None = None) -> bool:
    when = due(referral)
    return when is not None and (today or timezone.localdate()) > when


def next_step(referral: Referral) -> str:
    return {
        Status.REQUESTED: _("Waiting for the service to accept"),
        Status.ACCEPTED: _("Waiting for an appointment"),
        Status.BOOKED: _("Waiting for the appointment"),
        Status.ATTENDED: _("Waiting for the outcome"),
    }.get(referral.status, "")


def visible(user: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(
            Q(pregnancy__in=visible_pregnancies(user)) | Q(coordinator__user=user)
        )
        .select_related("pregnancy__woman", "site", "coordinator__user")
        .distinct()
    )


def referral_for(user: Any, pk: int) -> Referral:
    found = visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found  # type: ignore[no-any-return]


def coordinating(user: Any) -> list[Referral]:
    """Open referrals this midwife coordinates, overdue first, then by due date."""
    today = timezone.localdate()
    found = [
        r
        for r in Referral.objects.filter(
            coordinator__user=user, status__in=Referral.OPEN
        ).select_related("pregnancy__woman", "site")
    ]
    return sorted(found, key=lambda r: (not overdue(r, today), due(r) or today, r.pk))
