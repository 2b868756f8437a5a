from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from continuity.caseloads.queries import CaseloadRow
from continuity.core.presenters import stage
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


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of includes/caseload_table.jinja, as text."""

    href: str
    name: str
    stage: str
    edd: str
    next_contact: str  # "" when none is booked
    coc_text: str
    coc_classes: str
    midwife: str  # "" when she has no named midwife
    flags: tuple[str, ...]


class _Dates:
    """The `date` ("j F Y") and `datetime` ("j F Y, H:i", local time) filters of
    config/jinja2.py, with each month's name translated once rather than once a row."""

    def __init__(self) -> None:
        self.months: dict[int, str] = {}

    def day(self, d: date) -> str:
        month = self.months.get(d.month)
        if month is None:
            month = self.months[d.month] = str(MONTHS[d.month])
        return f"{d.day} {month} {d.year:04d}"

    def instant(self, at: datetime) -> str:
        at = timezone.localtime(at)
        return f"{self.day(at)}, {at.hour:02d}:{at.minute:02d}"


def _woman_href() -> Callable[[Any], str]:
    """Her record's URL from her ref: the route reversed once a page, not once a row."""
    marker = "00000000-0000-0000-0000-000000000000"
    head, _marker, tail = reverse("pregnancies:woman", kwargs={"ref": marker}).partition(marker)
    return lambda ref: f"{head}{ref}{tail}"


def caseload_table(rows: list[CaseloadRow]) -> list[TableRow]:
    """The caseload table's cells. Labels are translated once a page and repeated values (her
    stage, a midwife's name) worked out once: a team's list has hundreds of rows."""
    href = _woman_href()
    dates = _Dates()
    flags = {flag: flag_label(flag) for flag in FLAG_LABELS}
    cocs = {status: coc_label(status) for status in COC_LABELS}
    stages: dict[tuple[int, int | None], str] = {}
    midwives: dict[int, str] = {}
    out = []
    for row in rows:
        woman = row.woman
        stage_key = (row.ga_days, row.postnatal_day)
        if stage_key not in stages:
            stages[stage_key] = stage(row.ga_days, row.postnatal_day)
        midwife = row.named_midwife
        if midwife is not None and midwife.pk not in midwives:
            midwives[midwife.pk] = str(midwife)
        coc = cocs[row.coc_status]
        out.append(
            TableRow(
                href=href(woman.ref),
                name=woman.full_name,
                stage=stages[stage_key],
                edd=dates.day(row.pregnancy.edd),
                next_contact=dates.instant(row.next_contact) if row.next_contact else "",
                coc_text=coc["text"],
                coc_classes=coc["classes"],
                midwife=midwives[midwife.pk] if midwife is not None else "",
                flags=tuple(flags.get(f) or flag_label(f) for f in row.flags),
            )
        )
    return out


def caseload_columns(team_view: bool = False) -> list[tuple[str, str]]:
    cols = [
        ("name", _("Name")),
        ("gestation", _("Gestation")),
        ("edd", _("Due date")),
        ("next_contact", _("Next contact")),
        ("status", _("Continuity")),
    ]
    return cols


def _on_pathway(pregnancy: str) -> Any:
    """For Exists(): an antenatal plan puts the outer query's pregnancy (the field named
    `pregnancy`) on a continuity pathway."""
    return CarePlanRecord.objects.filter(
        pregnancy=OuterRef(pregnancy),
        voided_at__isnull=True,
        plan_type="05",
        coc_pathway="Y",
        professional__isnull=False,
        team__isnull=False,
    )


def service_overview() -> dict[str, Any]:
    """Trust-wide aggregates, rounded for display outside the care team."""
    method = settings.CONTINUITY["ROUNDING"]
    on_pathway = _on_pathway("pk")
    active = Pregnancy.objects.filter(status__in=Pregnancy.ACTIVE_STATUSES)
    # Active pregnancies in each team's care (an open assignment): every team in one query.
    counts = (
        Assignment.objects.filter(
            ends_at__isnull=True, pregnancy__status__in=Pregnancy.ACTIVE_STATUSES
        )
        .values_list("team")
        .annotate(
            total=Count("pregnancy", distinct=True),
            placed=Count("pregnancy", distinct=True, filter=Q(Exists(_on_pathway("pregnancy")))),
        )
        .order_by()
    )
    by_team = {team_id: (total, placed) for team_id, total, placed in counts}
    rows = []
    for team in Team.objects.order_by("name"):
        total, placed = by_team.get(team.pk, (0, 0))
        rows.append(
            {
                "team": team.name,
                "model": team.get_care_model_display(),
                "total": round_count(total, method),
                "placed": round_count(placed, method),
                "rate": rate(placed, total, method),
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
