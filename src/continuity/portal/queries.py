from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from continuity.core.models import AccessEvent
from continuity.cover.queries import contact_card
from continuity.pregnancies.models import Woman
from continuity.pregnancies.queries import current_assignment


def my_record(user: Any) -> Woman:
    woman = Woman.objects.filter(user=user).first()
    if woman is None:
        raise Http404
    return woman


def my_pregnancy(user: Any) -> dict[str, Any]:
    woman = my_record(user)
    pregnancy = woman.latest_pregnancy()
    assignment = current_assignment(pregnancy) if pregnancy else None
    today = timezone.localdate()
    return {
        "woman": woman,
        "pregnancy": pregnancy,
        "assignment": assignment,
        "contact": contact_card(pregnancy) if pregnancy else None,
        "ga_days": pregnancy.ga_days(today) if pregnancy and pregnancy.is_active else None,
        "upcoming": list(
            pregnancy.contacts.live()
            .filter(scheduled_start__gte=timezone.now(), attendance="0")
            .order_by("scheduled_start")[:3]
        )
        if pregnancy
        else [],
    }


def access_history(woman: Woman) -> QuerySet[AccessEvent]:
    """Views by staff (and break-glass), newest first; her own views of her record are left out."""
    return (
        AccessEvent.objects.filter(woman=woman)
        .exclude(basis="self")
        .select_related("user")
        .order_by("-at", "-id")
    )
