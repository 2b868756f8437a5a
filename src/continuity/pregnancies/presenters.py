from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from continuity.core.identifiers import format_nhs_number
from continuity.engines import equity
from continuity.pregnancies import queries
from continuity.pregnancies.models import CarePlanRecord, Contact, Woman


def _labels(model: type[Model], field: str) -> dict[Any, str]:
    """A choice field's labels by value, each translated once. `get_FOO_display()` translates
    every label of the field on each call, which a table of rows pays for on every row."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def row_labels() -> dict[str, dict[Any, str]]:
    """The labels her record page's tables show, by field (use `.get(value, value)`, as
    `get_FOO_display()` falls back to the value), in the active language. Read only."""
    return _row_labels(translation.get_language())


@cache
def _row_labels(language: str | None) -> dict[str, dict[Any, str]]:
    return {
        "plan_type": _labels(CarePlanRecord, "plan_type"),
        "coc_pathway": _labels(CarePlanRecord, "coc_pathway"),
        "personalised_plan": _labels(CarePlanRecord, "personalised_plan"),
        "kind": _labels(Contact, "kind"),
        "location": _labels(Contact, "location"),
        "attendance": _labels(Contact, "attendance"),
    }


def woman_summary(user: Any, woman: Woman) -> dict[str, Any]:
    """Everything the summary page shows, read with a fixed number of queries.

    Her care plan records and contacts are read once each, live and voided together; the
    pregnancy keeps her current assignment, so `current_assignment` (the relationship basis, the
    contact card) reads it without another query. `plans` and `contacts` are every live one, for
    `tracking.pregnancy_share`.
    """
    today = timezone.localdate()
    now = timezone.now()
    pregnancy = queries.latest_pregnancy_for_summary(woman)
    if pregnancy is None:
        return {"woman": woman, "pregnancy": None, "basis": None}
    assignment = queries.current_assignment(pregnancy)
    every_plan = queries.care_plans(pregnancy)
    every_contact = queries.contacts(pregnancy)
    plans = [p for p in every_plan if p.voided_at is None]
    contacts = [c for c in every_contact if c.voided_at is None]
    upcoming = sorted(
        (c for c in contacts if c.scheduled_start >= now and c.attendance == "0"),
        key=lambda c: c.scheduled_start,
    )
    past = [c for c in contacts if c.scheduled_start < now][:10]
    labour = getattr(pregnancy, "labour", None)
    # Entries voided in error stay visible here, with who voided them and why: most recently
    # voided first (care plan records before contacts voided at the same instant).
    voided = sorted(
        [
            *sorted(
                (p for p in every_plan if p.voided_at is not None),
                key=lambda p: (p.plan_date, p.pk),
            ),
            *sorted(
                (c for c in every_contact if c.voided_at is not None),
                key=lambda c: (c.scheduled_start, c.pk),
            ),
        ],
        key=lambda e: e.voided_at,
        reverse=True,
    )
    # Who allocated her midwives, when, and the reasons shown at the time (newest first).
    decisions = queries.allocation_decisions(pregnancy)
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
        "contacts": contacts,
        "labels": row_labels(),
        "basis": queries.relationship_basis(user, pregnancy, now),
    }
