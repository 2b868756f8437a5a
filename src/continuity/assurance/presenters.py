"""Turn a measures snapshot into what a page shows: rounded for its audience, in plain words.

Counts are kept unrounded in the snapshot; `rows_for` rounds them with the engine's own rules
(`msds` for anyone outside the care team), so a page never shows a count the engine would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from continuity.accounts.models import Role
from continuity.assurance import charts, months
from continuity.assurance.models import MeasureSnapshot
from continuity.concerns.models import Concern
from continuity.engines import spc
from continuity.engines.measures import MEASURES, Counts, MeasureRow, row_from_counts
from continuity.engines.rounding import Rounding, round_count_msds
from continuity.engines.spc.model import MIN_POINTS
from continuity.feedback.models import FeedbackRequest, FeedbackResponse
from continuity.organisations.models import Team
from continuity.workforce.models import Midwife, RotaEntry

TOTAL = ("total", "All")

TITLES: dict[str, Any] = {
    "COC_by_28weeks": _("Placed on a continuity of carer pathway by 29 weeks"),
    "COC_receiving_ongoing": _("Receiving continuity of carer"),
    "PCSP_by_16weeks": _("Antenatal personalised care plan by 17 weeks"),
    "PCSP_by_34weeks": _("Birth personalised care plan by 35 weeks"),
    "PCSP_by_36weeks": _("Postnatal personalised care plan by 37 weeks"),
    "PCSP_all_three": _("All three personalised care plans by 37 weeks"),
    "LOCAL_named_midwife_continuity": _("Receiving continuity from her named midwife herself"),
    "LOCAL_contacts_named_or_buddy": _("Visits with her named midwife or buddy"),
    "LOCAL_births_known_midwife": _("Births attended by a midwife she knew"),
    "LOCAL_visits_out_of_hours": _("Visits in the evening or at the weekend"),
    "LOCAL_guideline_on_time": _("Guideline visits done within their window"),
}

EXPLAINED: dict[str, Any] = {
    "COC_by_28weeks": _(
        "Of the women who reached 29 weeks this month, the share whose antenatal care plan put "
        "them on a continuity pathway, with a named midwife and team, by then."
    ),
    "COC_receiving_ongoing": _(
        "Of the women who reached 29 weeks four months earlier, the share placed on a pathway "
        "who had at least 70% of their visits with their named midwife or team, and their named "
        "midwife or team at the birth."
    ),
}

BREAKDOWN_TITLES: dict[str, Any] = {
    "total": _("All women"),
    "team": _("Team"),
    "site": _("Booking site"),
    "ethnicity_coc": _("Ethnic group (NHS Digital grouping)"),
    "ethnicity_fine": _("Ethnic group"),
    "imd_decile": _("Deprivation decile (1 = most deprived)"),
    "imd_quintile": _("Deprivation quintile (1 = most deprived)"),
    "core20": _("Most deprived 20% of areas (Core20)"),
}

HEADLINE = ("COC_by_28weeks", "COC_receiving_ongoing")
PCSP = ("PCSP_by_16weeks", "PCSP_by_34weeks", "PCSP_by_36weeks", "PCSP_all_three")
LOCAL = tuple(name for name, m in MEASURES.items() if m.local)
TARGETED = (("ethnicity_coc", "BAME"), ("core20", "Core20"))


def targets() -> dict[str, float]:
    """Settings: 35% of bookings on a pathway; 75% for the targeted groups."""
    conf = settings.CONTINUITY
    return {
        "pathway": float(conf.get("TARGET_ON_PATHWAY_PERCENT", 35)),
        "targeted": float(conf.get("TARGET_PRIORITY_GROUPS_PERCENT", 75)),
    }


def rounding_for(user: Any) -> Rounding:
    """Anyone outside the care team (the board, analysts, the public) sees `msds` rounding."""
    if getattr(user, "role", None) in (Role.TEAM_LEADER, Role.SERVICE_MANAGER):
        return "none"
    return "msds"


def _counts(raw: dict[str, Any]) -> Counts:
    return Counts(
        raw["numerator"], raw["denominator"], raw.get("placed"), raw.get("dq06"), raw.get("dq07")
    )


def rows_for(snapshot: MeasureSnapshot, month: str, method: Rounding) -> list[MeasureRow]:
    return [
        row_from_counts(r["measure"], r["breakdown"], r["group"], _counts(r), method)
        for r in snapshot.counts.get(month, [])
    ]


def index(rows: list[MeasureRow]) -> dict[tuple[str, str, str], MeasureRow]:
    return {(r.measure, r.breakdown, r.group): r for r in rows}


@dataclass(frozen=True)
class SeriesPoint:
    month: str
    row: MeasureRow


def series(
    snapshot: MeasureSnapshot, measure: str, method: Rounding, key: tuple[str, str] = TOTAL
) -> list[SeriesPoint]:
    out = []
    for month in snapshot.months:
        for r in snapshot.counts.get(month, []):
            if (r["measure"], r["breakdown"], r["group"]) == (measure, *key):
                out.append(
                    SeriesPoint(month, row_from_counts(measure, key[0], key[1], _counts(r), method))
                )
    return out


def complete_months(snapshot: MeasureSnapshot) -> list[str]:
    """The months to report: not the current one, which is still being recorded, and not the
    first months after records began, while fewer than half the usual number of women reached
    29 weeks (those cohorts are only partly recorded, so their rates mislead)."""
    current = f"{snapshot.through:%Y-%m}"
    months = [m for m in snapshot.months if m != current]
    sizes = {}
    for m in months:
        for r in snapshot.counts.get(m, []):
            if (r["measure"], r["breakdown"]) == ("COC_by_28weeks", "total"):
                sizes[m] = r["denominator"]
    usual = sorted(sizes.values())[len(sizes) // 2] if sizes else 0
    first = next((m for m in months if sizes.get(m, 0) * 2 >= usual), None)
    return [m for m in months if first is not None and m >= first]


def chart(points: list[SeriesPoint], target: float | None) -> spc.Chart | None:
    """The XmR chart of the months with a rate (a month with Low DQ or no women is left out)."""
    usable = [p for p in points if p.row.rate is not None]
    if len(usable) < MIN_POINTS:
        return None
    return spc.xmr(
        spc.Series(
            points=tuple(spc.Observation(p.month, float(p.row.rate or 0.0)) for p in usable),
            improvement_direction="increase",
            target=target,
        )
    )


def funnel(snapshot: MeasureSnapshot, method: Rounding) -> dict[str, Any]:
    data = snapshot.funnel.get("msds" if method != "none" else "none") or {}
    groups = {(g["breakdown"], g["group"]): g for g in data.get("groups", [])}
    return {"months": snapshot.funnel.get("months", []), "groups": groups}


STAGE_TITLES: dict[str, Any] = {
    "eligible": _("Reached 29 weeks"),
    "offered": _("Offered continuity of carer"),
    "accepted": _("Accepted"),
    "placed": _("Placed on a pathway by 29 weeks"),
    "receiving": _("Received continuity"),
}
FUNNEL_BREAKDOWNS = ("all", "ethnicity_coc", "core20", "imd_quintile")
REPORT_BREAKDOWNS = ("ethnicity_coc", "core20", "imd_quintile", "team")


def spc_block(
    snapshot: MeasureSnapshot, measure: str, method: Rounding, target: float | None
) -> dict[str, Any] | None:
    complete = complete_months(snapshot)
    usable = set(complete)
    if MEASURES[measure].gated and complete:
        # Receiving continuity looks at the women who reached 29 weeks four months earlier:
        # that cohort month must be complete too.
        usable = {m for m in complete if months.shift_text(m, -4) >= complete[0]}
    points = [p for p in series(snapshot, measure, method) if p.month in usable]
    result = chart(points, target)
    if result is None:
        return None
    labels = [p.x for p in result.points]
    title = str(TITLES[measure])
    svg = charts.spc_svg(
        result,
        title=title,
        description=str(charts.variation_text(result.variation)),
        labels=labels,
        key=f"spc-{measure.lower().replace('_', '-')}",
    )
    lim = result.limits
    return {
        "measure": measure,
        "title": title,
        "svg": svg,
        "points": result.points,
        "limits": lim,
        "target": target,
        "variation": charts.variation_text(result.variation),
        "assurance": charts.assurance_text(result.assurance),
        "warnings": result.warnings,
        "point_text": charts.point_text,
    }


def report(snapshot: MeasureSnapshot, month: str, method: Rounding) -> dict[str, Any]:
    """Everything the dashboard, the board pack and the public page show for a month."""
    rows = index(rows_for(snapshot, month, method))
    goal = targets()

    def total(name: str) -> MeasureRow | None:
        return rows.get((name, *TOTAL))

    headline = [
        {
            "measure": name,
            "title": TITLES[name],
            "explained": EXPLAINED.get(name, ""),
            "row": total(name),
            "target": goal["pathway"] if name == "COC_by_28weeks" else None,
        }
        for name in HEADLINE
    ]
    breakdowns = []
    for name in HEADLINE:
        for breakdown in REPORT_BREAKDOWNS:
            found = sorted(
                (r for (m, b, _g), r in rows.items() if m == name and b == breakdown),
                key=lambda r: (r.group in ("Missing/Unknown", "Not recorded"), r.group),
            )
            if found:
                breakdowns.append(
                    {
                        "measure": name,
                        "title": TITLES[name],
                        "breakdown": breakdown,
                        "breakdown_title": BREAKDOWN_TITLES[breakdown],
                        "rows": found,
                        "targeted": [g for b, g in TARGETED if b == breakdown],
                    }
                )
    fun = funnel(snapshot, method)
    funnels = []
    for breakdown in FUNNEL_BREAKDOWNS:
        groups = [g for (b, _n), g in fun["groups"].items() if b == breakdown]
        for g in sorted(groups, key=lambda g: str(g["group"])):
            stages = [(str(STAGE_TITLES[s["stage"]]), s["count"]) for s in g["stages"]]
            funnels.append({**g, "stage_rows": g["stages"], "stages": stages})
    overall = next((f for f in funnels if f["breakdown"] == "all"), None)
    funnel_tables = []
    for breakdown in FUNNEL_BREAKDOWNS[1:]:
        rows_ = []
        for f in funnels:
            if f["breakdown"] == breakdown:
                rows_.append(
                    {"group": f["group"], "by_stage": {s["stage"]: s for s in f["stage_rows"]}}
                )
        if rows_:
            funnel_tables.append({"breakdown": breakdown, "rows": rows_})
    funnel_chart = (
        charts.funnel_svg(
            overall["stages"],
            title=str(_("From reaching 29 weeks to receiving continuity")),
            description=str(
                _(
                    "How many women reached each step, for women who reached 29 weeks "
                    "from %(a)s to %(b)s."
                )
                % {"a": (fun["months"] or ["", ""])[0], "b": (fun["months"] or ["", ""])[-1]}
            ),
        )
        if overall
        else None
    )
    receiving = total("COC_receiving_ongoing")
    return {
        "month": month,
        "month_label": month_name(month),
        "month_name": month_name,
        "method": method,
        "rounded": method != "none",
        "snapshot": snapshot,
        "headline": headline,
        "pcsp": [(name, TITLES[name], total(name)) for name in PCSP],
        "local": [(name, TITLES[name], total(name)) for name in LOCAL],
        "spc": [
            block
            for block in (
                spc_block(snapshot, "COC_by_28weeks", method, goal["pathway"]),
                spc_block(snapshot, "COC_receiving_ongoing", method, None),
            )
            if block is not None
        ],
        "breakdowns": breakdowns,
        "funnels": funnels,
        "funnel_overall": overall,
        "funnel_tables": funnel_tables,
        "funnel_chart": funnel_chart,
        "funnel_months": fun["months"],
        "stage_titles": STAGE_TITLES,
        "dq": receiving.gates if receiving is not None else None,
        "targets": goal,
        "breakdown_titles": BREAKDOWN_TITLES,
    }


PUBLIC_BREAKDOWNS = ("total", "ethnicity_coc", "core20", "imd_quintile")


def month_name(month: str) -> str:
    """'2026-10' → 'October 2026' in the active language."""

    return date_format(months.first_of(month), "F Y")


def workforce(month: str) -> dict[str, Any]:
    """Continuity teams' midwives, and their on-call load and call-outs in the month."""

    first = months.first_of(month)
    last = months.last_day(first)
    start, end = months.span(month)
    teams = Team.objects.filter(care_model=Team.Model.CONTINUITY)
    midwives = Midwife.objects.filter(team__in=teams, start_date__lte=last).exclude(
        end_date__lt=first
    )
    wte = midwives.aggregate(total=Sum("wte"))["total"] or 0
    on_call_kinds = (RotaEntry.Kind.ON_CALL_OWN, RotaEntry.Kind.ON_CALL_TEAM)
    entries = RotaEntry.objects.live().filter(
        midwife__in=midwives,
        starts_at__lt=end,
        ends_at__gt=start,
        status=RotaEntry.Status.APPROVED,
        kind__in=(*on_call_kinds, RotaEntry.Kind.CALL_OUT),
    )
    on_call = 0.0
    call_outs = night = 0
    for kind, starts_at, ends_at in entries.values_list("kind", "starts_at", "ends_at"):
        if kind in on_call_kinds:
            on_call += (min(ends_at, end) - max(starts_at, start)).total_seconds() / 3600
        else:
            call_outs += 1
            hour = timezone.localtime(starts_at).hour
            night += hour >= 23 or hour < 6
    count = midwives.count()
    return {
        "midwives": count,
        "wte": f"{wte:.1f}",
        "on_call_hours": round(on_call),
        "on_call_per_midwife": round(on_call / count, 1) if count else None,
        "call_outs": call_outs,
        "night_call_outs": night,
    }


def feedback_and_concerns(month: str) -> dict[str, Any]:
    """The month's Friends and Family Test and continuity survey answers, and concerns, for the
    board report: percentages with fewer than 5 answers are suppressed, counts rounded (msds)."""

    start, end = months.span(month)
    answers = list(
        FeedbackResponse.objects.filter(answered_at__gte=start, answered_at__lt=end).values_list(
            "request__touchpoint", "rating", "named_or_buddy", "listened"
        )
    )

    def share(yes: int, n: int) -> float | None:
        return None if n < 5 else round(100.0 * yes / n, 1)

    fft = []
    for touchpoint, label in FeedbackRequest.Touchpoint.choices:
        if touchpoint == FeedbackRequest.Touchpoint.VISIT:
            continue
        rated = [rating for point, rating, _n, _l in answers if point == touchpoint and rating]
        positive = sum(1 for r in rated if r in (1, 2))
        fft.append(
            {
                "label": label,
                "n": round_count_msds(len(rated)),
                "positive": share(positive, len(rated)),
            }
        )
    visits = [a for a in answers if a[0] == FeedbackRequest.Touchpoint.VISIT]
    survey = {
        "n": round_count_msds(len(visits)),
        "named_or_buddy": share(sum(a[2] == "yes" for a in visits), len(visits)),
        "listened": share(sum(a[3] == "yes" for a in visits), len(visits)),
    }
    raised = list(
        Concern.objects.filter(received_at__gte=start, received_at__lt=end).values_list(
            "acknowledged_at", "acknowledge_by", "theme"
        )
    )
    acknowledged = [(at, by) for at, by, _t in raised if at is not None]
    on_time = sum(1 for at, by in acknowledged if timezone.localtime(at).date() <= by)
    theme_labels = dict(Concern.Theme.choices)
    themes: dict[str, int] = {}
    for _a, _b, theme in raised:
        label = str(theme_labels.get(theme, theme)) or str(_("Not yet themed"))
        themes[label] = themes.get(label, 0) + 1
    today = timezone.localdate()
    return {
        "fft": fft,
        "survey": survey,
        "concerns": round_count_msds(len(raised)),
        "acknowledged_on_time": share(on_time, len(acknowledged)),
        "themes": sorted((k, round_count_msds(v)) for k, v in themes.items()),
        "open_late": round_count_msds(
            Concern.objects.exclude(status__in=("responded", "closed"))
            .filter(respond_by__lt=today)
            .count()
        ),
    }
