from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from continuity.engines.rounding import rate, round_count
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, CarePlanRecord, Pregnancy

# Marked for extraction here, translated when shown (flag_label).
FLAG_LABELS = {
    "plan_due": gettext_noop("Plan to agree soon"),
    "plan_overdue": gettext_noop("Plan overdue"),
    "referral_overdue": gettext_noop("Referral overdue"),
    "higher_risk": gettext_noop("Higher risk"),
    "interpreter": gettext_noop("Interpreter"),
    "core20": gettext_noop("Core20"),
    "bame": gettext_noop("Black, Asian or minority ethnic"),
    "plus": gettext_noop("PLUS group"),
    "postnatal": gettext_noop("Postnatal"),
}

COC_LABELS = {
    "on_pathway": ("On pathway", "green"),
    "not_on_pathway": ("Not on pathway", "grey"),
    "not_recorded": ("Not recorded", "orange"),
}


def flag_label(flag: str) -> str:
    return _(FLAG_LABELS.get(flag, flag))


def coc_label(status: str) -> dict[str, str]:
    text, colour = COC_LABELS[status]
    return {"text": _(text), "classes": f"nhsuk-tag--{colour}"}


def caseload_columns(team_view: bool = False) -> list[tuple[str, str]]:
    cols = [
        ("name", _("Name")),
        ("gestation", _("Gestation")),
        ("edd", _("Due date")),
        ("next_contact", _("Next contact")),
        ("status", _("Continuity")),
    ]
    return cols


def service_overview() -> dict[str, Any]:
    """Trust-wide aggregates, rounded for display outside the care team."""
    method = settings.CONTINUITY["ROUNDING"]
    on_pathway = CarePlanRecord.objects.filter(
        pregnancy=OuterRef("pk"),
        voided_at__isnull=True,
        plan_type="05",
        coc_pathway="Y",
        professional__isnull=False,
        team__isnull=False,
    )
    active = Pregnancy.objects.filter(status__in=Pregnancy.ACTIVE_STATUSES)
    rows = []
    for team in Team.objects.order_by("name"):
        in_team = Assignment.objects.filter(team=team, ends_at__isnull=True).values("pregnancy_id")
        agg = active.filter(pk__in=in_team).aggregate(
            total=Count("id"), placed=Count("id", filter=Q(Exists(on_pathway)))
        )
        rows.append(
            {
                "team": team.name,
                "model": team.get_care_model_display(),
                "total": round_count(agg["total"], method),
                "placed": round_count(agg["placed"], method),
                "rate": rate(agg["placed"], agg["total"], method),
            }
        )
    total = active.aggregate(total=Count("id"), placed=Count("id", filter=Q(Exists(on_pathway))))
    return {
        "rows": rows,
        "total": round_count(total["total"], method),
        "placed": round_count(total["placed"], method),
        "rate": rate(total["placed"], total["total"], method),
        "target": settings.CONTINUITY["TARGET_ON_PATHWAY_PERCENT"],
        "rounding": method,
    }
