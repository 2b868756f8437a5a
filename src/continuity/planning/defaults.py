"""A new scenario's starting values, taken from the trust's own records where it has them.

Each value comes with where it came from, shown beside the field so a planner knows what she is
changing. Only counts and shares leave this module: nothing about any one woman.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Q
from django.utils.translation import gettext as _

from continuity.engines import equity
from continuity.engines import simulation as engine
from continuity.organisations.models import Team
from continuity.pregnancies.models import Pregnancy
from continuity.visits.models import WeekPlan
from continuity.workforce.models import Midwife

YEAR = timedelta(days=365)
TRAVEL_WEEKS = 8


@dataclass(frozen=True)
class Defaults:
    values: dict[str, Any]
    sources: dict[str, str]


def _in_post(today: date) -> Any:
    return Midwife.objects.filter(
        team__care_model=Team.Model.CONTINUITY, start_date__lte=today
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def _year_of_births(today: date) -> Any:
    """Pregnancies due in the year around today (half behind, half ahead), still in our care or
    cared for to the end: the trust's births in a year."""
    return Pregnancy.objects.filter(edd__gte=today - YEAR / 2, edd__lt=today + YEAR / 2).exclude(
        status__in=[Pregnancy.Status.TRANSFERRED_OUT, Pregnancy.Status.ENDED]
    )


def _travel_per_leg(today: date) -> float | None:
    """Minutes per journey in the published week plans of the last few weeks: all travel over
    all journeys (one to each visit, and one home after each midwife's day)."""
    plans = WeekPlan.objects.filter(
        status=WeekPlan.Status.PUBLISHED,
        week_start__gte=today - timedelta(weeks=TRAVEL_WEEKS),
        week_start__lte=today,
    ).only("items", "summary")
    travel = 0.0
    legs = 0
    for plan in plans:
        travel += sum(float(v) for v in (plan.summary or {}).get("travel", {}).values())
        planned = [i for i in plan.items or [] if i.get("midwife") and i.get("start")]
        rounds = {(i["midwife"], str(i["start"])[:10]) for i in planned}
        legs += len(planned) + len(rounds)
    return round(travel / legs, 1) if legs else None


def trust_defaults(today: date) -> Defaults:
    base = engine.scenario_to_dict(engine.Scenario(teams=1, midwives_per_team=1, births_per_year=1))
    values: dict[str, Any] = dict(base)
    sources: dict[str, str] = {}
    midwives = _in_post(today)
    count = midwives.count()
    teams = midwives.values("team").distinct().count()
    if teams:
        values["teams"] = teams
        values["midwives_per_team"] = max(1, round(count / teams))
        values["wte"] = round(float(midwives.aggregate(w=Avg("wte"))["w"] or 1.0), 2)
        values["opt_out_48h"] = midwives.filter(opted_out_48h=True).count() * 2 > count
        for key in ("teams", "midwives_per_team", "wte"):
            sources[key] = _("from your continuity teams and the midwives in post")
    else:
        values.update(teams=4, midwives_per_team=8)

    births = list(
        _year_of_births(today).values_list(
            "previous_live_births",
            "planned_place_of_birth",
            "woman__imd_decile",
            "woman__ethnic_category",
        )
    )
    if births:
        n = len(births)
        values["births_per_year"] = n
        values["nulliparous_rate"] = round(sum(1 for b in births if b[0] == 0) / n, 2)
        values["home_birth_rate"] = round(
            sum(1 for b in births if b[1] == Pregnancy.PlaceOfBirth.HOME) / n, 3
        )
        values["priority_share"] = round(
            sum(1 for b in births if equity.is_core20(b[2]) or equity.coc_group(b[3]) == "BAME")
            / n,
            2,
        )
        for key in ("births_per_year", "nulliparous_rate", "home_birth_rate", "priority_share"):
            sources[key] = _("from the pregnancies due in the year around today")
    else:
        values["births_per_year"] = 3000

    conf = settings.CONTINUITY
    values["caseload_per_wte"] = float(conf["BIRTHS_PER_WTE_PER_YEAR"])
    sources["caseload_per_wte"] = _("from your allocation policy")
    allocation = conf.get("ALLOCATION", {})
    for key in ("max_births_per_month", "leave_buffer_days"):
        if key in allocation and key in values:
            values[key] = allocation[key]
            sources[key] = _("from your allocation policy")

    travel = _travel_per_leg(today)
    if travel is not None and "travel_minutes_per_leg" in values:
        values["travel_minutes_per_leg"] = travel
        sources["travel_minutes_per_leg"] = _("from your published visit plans")

    values = {k: v for k, v in values.items() if k in base}
    return Defaults(
        values=engine.scenario_to_dict(engine.scenario_from_dict(values)), sources=sources
    )
