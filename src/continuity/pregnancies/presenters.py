from __future__ import annotations

from typing import Any

from django.utils import timezone

from continuity.core.identifiers import format_nhs_number
from continuity.engines import equity
from continuity.pregnancies.models import Woman
from continuity.pregnancies.queries import current_assignment, relationship_basis


def woman_summary(user: Any, woman: Woman) -> dict[str, Any]:
    """Everything the summary page shows, read with a fixed number of queries."""
    today = timezone.localdate()
    now = timezone.now()
    pregnancy = woman.pregnancies.select_related("hospital_of_choice").order_by("-edd").first()
    if pregnancy is None:
        return {"woman": woman, "pregnancy": None, "basis": None}
    assignment = current_assignment(pregnancy)
    plans = list(
        pregnancy.care_plans.live()
        .select_related("professional__user", "team")
        .order_by("-plan_date", "-id")
    )
    contacts = list(
        pregnancy.contacts.live()
        .prefetch_related("activities__midwife__user")
        .order_by("-scheduled_start")
    )
    upcoming = sorted(
        (c for c in contacts if c.scheduled_start >= now and c.attendance == "0"),
        key=lambda c: c.scheduled_start,
    )
    past = [c for c in contacts if c.scheduled_start < now][:10]
    labour = getattr(pregnancy, "labour", None)
    # Entries voided in error stay visible here, with who voided them and why.
    voided = sorted(
        [
            *pregnancy.care_plans.filter(voided_at__isnull=False).select_related("voided_by"),
            *pregnancy.contacts.filter(voided_at__isnull=False).select_related("voided_by"),
        ],
        key=lambda e: e.voided_at,
        reverse=True,
    )
    # Who allocated her midwives, when, and the reasons shown at the time (newest first).
    decisions = list(
        pregnancy.allocation_decisions.select_related(  # type: ignore[attr-defined]
            "named_midwife__user", "buddy__user", "decided_by"
        )[:5]
    )
    return {
        "woman": woman,
        "nhs_number": format_nhs_number(woman.nhs_number),
        "age": woman.age_on(today),
        "ethnicity": equity.ETHNIC_CATEGORIES.get(woman.ethnic_category, ""),
        "coc_group": equity.coc_group(woman.ethnic_category),
        "imd_quintile": equity.imd_quintile(woman.imd_decile),
        "pregnancy": pregnancy,
        "ga_days": pregnancy.ga_days(today) if pregnancy.is_active else None,
        "postnatal_day": pregnancy.postnatal_day(today),
        "assignment": assignment,
        "plans": plans,
        "upcoming": upcoming[:5],
        "past": past,
        "labour": labour,
        "voided": voided,
        "decisions": decisions,
        "basis": relationship_basis(user, pregnancy, now),
    }
