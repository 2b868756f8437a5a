"""What the planning pages show: each output of the engine with a label, its unit and its group,
as rows a template can print and a CSV can carry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from continuity.planning.forms import NUMBERS, POLICY_CHOICES, SWITCHES

PERCENT, COUNT, RATE, SHARE = "percent", "count", "rate", "share"


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    unit: str  # percent (0-100), count, rate (per midwife), share (0-1 shown as a percentage)
    group: str


METRICS: tuple[Metric, ...] = (
    Metric("pct_on_pathway", _("Women on a continuity pathway"), PERCENT, "pathway"),
    Metric("births", _("Births in the year"), COUNT, "pathway"),
    Metric(
        "pct_priority_on_pathway", _("Women in priority groups on a pathway"), PERCENT, "pathway"
    ),
    Metric("pct_others_on_pathway", _("Other women on a pathway"), PERCENT, "pathway"),
    Metric("on_pathway", _("Women on a pathway in the year"), COUNT, "pathway"),
    Metric("priority_births", _("Births to women in priority groups"), COUNT, "pathway"),
    Metric(
        "priority_on_pathway",
        _("Women in priority groups on a pathway in the year"),
        COUNT,
        "pathway",
    ),
    Metric("unplaced", _("Women without a place"), COUNT, "pathway"),
    Metric("unplaced_priority", _("Women in priority groups without a place"), COUNT, "pathway"),
    Metric("unplaced_others", _("Other women without a place"), COUNT, "pathway"),
    Metric("pct_named", _("Births attended by her named midwife"), PERCENT, "births"),
    Metric("pct_buddy", _("Births attended by her buddy midwife"), PERCENT, "births"),
    Metric("pct_team", _("Births attended by another midwife of her team"), PERCENT, "births"),
    Metric("pct_other", _("Births attended by someone else"), PERCENT, "births"),
    Metric("pct_known", _("Births attended by a midwife she knows"), PERCENT, "births"),
    Metric("home_births", _("Home births"), COUNT, "births"),
    Metric("pct_contacts_named", _("Visits with her named midwife"), PERCENT, "contacts"),
    Metric(
        "pct_contacts_named_or_buddy",
        _("Visits with her named midwife or buddy"),
        PERCENT,
        "contacts",
    ),
    Metric("pct_contacts_team", _("Visits with another midwife of her team"), PERCENT, "contacts"),
    Metric("pct_contacts_other", _("Visits seen elsewhere"), PERCENT, "contacts"),
    Metric("contacts", _("Visits in the year"), COUNT, "contacts"),
    Metric(
        "visits_moved_after_night",
        _("Visits moved to the buddy after a night call-out"),
        COUNT,
        "contacts",
    ),
    Metric("on_call_hours_per_midwife_month", _("Hours on call"), RATE, "on_call"),
    Metric("call_outs_per_midwife_month", _("Call-outs to births"), RATE, "on_call"),
    Metric(
        "night_call_outs_per_midwife_month", _("Night call-outs (11pm to 6am)"), RATE, "on_call"
    ),
    Metric("births_per_midwife_month", _("Births of her own women"), RATE, "on_call"),
    Metric(
        "named_births_per_midwife_month", _("Births of her own women she attended"), RATE, "on_call"
    ),
    Metric("work_hours_per_midwife_week", _("Hours worked a week"), RATE, "workload"),
    Metric(
        "visit_hours_per_midwife_week",
        _("Hours a week on visits, travel included"),
        RATE,
        "workload",
    ),
    Metric("travel_hours_per_midwife_week", _("Hours a week travelling"), RATE, "workload"),
    Metric("available_fraction", _("Days not on leave, sick or studying"), SHARE, "workload"),
    Metric("wtr_breaches", _("Working-time breaches in the year"), COUNT, "wtr"),
    Metric("rest_breaches", _("Stretches of work without 11 hours' rest in 24"), COUNT, "wtr"),
    Metric("weekly_rest_breaches", _("Fortnights without the weekly rest"), COUNT, "wtr"),
    Metric("average_hours_breaches", _("Midwives averaging over 48 hours a week"), COUNT, "wtr"),
    Metric(
        "rest_conflicts", _("Births her midwife missed only because she was resting"), COUNT, "wtr"
    ),
)
BY_KEY = {m.key: m for m in METRICS}
GROUPS: tuple[tuple[str, Any], ...] = (
    ("pathway", _("Places on the pathway")),
    ("births", _("Who attends births on the pathway")),
    ("contacts", _("Antenatal and postnatal visits")),
    ("on_call", _("On call, per midwife per month")),
    ("workload", _("Workload, per midwife")),
    ("wtr", _("Working time")),
)
HEADLINE = ("pct_on_pathway", "pct_known", "pct_named", "pct_contacts_named")
ATTENDANCE = ("pct_named", "pct_buddy", "pct_team", "pct_other")
ATTENDANCE_LABELS = {
    "pct_named": _("Named midwife"),
    "pct_buddy": _("Buddy"),
    "pct_team": _("Team midwife"),
    "pct_other": _("Someone else"),
}


def metric(key: str) -> Metric:
    return BY_KEY.get(key) or Metric(key, key.replace("_", " "), COUNT, "other")


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == SHARE:
        return f"{value * 100:.1f}%"
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == RATE:
        return f"{value:.2f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


@dataclass(frozen=True)
class Row:
    metric: Metric
    mean: float
    low: float | None
    high: float | None

    @property
    def text(self) -> str:
        return number(self.mean, self.metric.unit)

    @property
    def interval(self) -> str:
        if self.low is None or self.high is None:
            return "–"
        return f"{number(self.low, self.metric.unit)} – {number(self.high, self.metric.unit)}"


def rows(result: dict[str, Any], keys: Iterable[str] | None = None) -> list[Row]:
    summaries = result.get("metrics", {})
    wanted = list(keys) if keys is not None else [m.key for m in METRICS if m.key in summaries]
    return [
        Row(metric(k), summaries[k]["mean"], summaries[k].get("low"), summaries[k].get("high"))
        for k in wanted
        if k in summaries
    ]


def grouped(result: dict[str, Any]) -> list[tuple[Any, list[Row]]]:
    every = rows(result)
    return [
        (title, [r for r in every if r.metric.group == key])
        for key, title in GROUPS
        if any(r.metric.group == key for r in every)
    ]


def mean(result: dict[str, Any] | None, key: str) -> float | None:
    if not result:
        return None
    item = result.get("metrics", {}).get(key)
    return None if item is None else float(item["mean"])


# -- assumptions -------------------------------------------------------------------------------

POLICY_LABELS = dict(POLICY_CHOICES)


def assumptions(parameters: dict[str, Any]) -> list[tuple[Any, str]]:
    """The scenario's assumptions as (label, value) in the form's order."""
    out: list[tuple[Any, str]] = [
        (_("Who is on call for births"), str(POLICY_LABELS.get(parameters.get("policy"), "")))
    ]
    for spec in NUMBERS:
        if spec.key in parameters:
            value = parameters[spec.key]
            shown = f"{value * 100:g}%" if spec.percent else f"{value:g}"
            out.append((spec.label, shown))
    for key, label, _group in SWITCHES:
        if key in parameters:
            out.append((label, str(_("Yes") if parameters[key] else _("No"))))
    return out


def differences(parameter_sets: Sequence[dict[str, Any]]) -> list[tuple[Any, list[str]]]:
    """The assumptions that differ between scenarios, one value per scenario."""
    tables = [dict((str(k), v) for k, v in assumptions(p)) for p in parameter_sets]
    labels = [label for label, _v in assumptions(parameter_sets[0])] if parameter_sets else []
    out = []
    for label in labels:
        values = [t.get(str(label), "") for t in tables]
        if len(set(values)) > 1:
            out.append((label, values))
    return out


def rows_many(results: Sequence[dict[str, Any]], key: str) -> list[Row | None]:
    """One metric across several results (None where a result lacks it); [] if none has it."""
    cells: list[Row | None] = []
    for result in results:
        found = rows(result, [key])
        cells.append(found[0] if found else None)
    return cells if any(c is not None for c in cells) else []


VARY_AXIS = {
    "teams": _("Continuity teams"),
    "midwives_per_team": _("Midwives in each team"),
    "wte": _("Whole-time equivalent of each midwife"),
    "caseload_per_wte": _("Women a year for a full-time midwife"),
}


def answer_text(vary: str, value: float, parameters: dict[str, Any]) -> str:
    """The search's answer as a planner would say it."""
    teams = parameters.get("teams", 0)
    per_team = parameters.get("midwives_per_team", 0)
    if vary == "teams":
        return str(_("%(teams)g teams of %(per)s midwives")) % {"teams": value, "per": per_team}
    if vary == "midwives_per_team":
        return str(_("%(teams)s teams of %(per)g midwives")) % {"teams": teams, "per": value}
    if vary == "wte":
        return str(_("Each midwife at %(wte)g whole-time equivalent")) % {"wte": value}
    return str(_("A caseload of %(n)g women a year for a full-time midwife")) % {"n": value}
