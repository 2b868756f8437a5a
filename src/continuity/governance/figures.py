"""The month's measures against the plan: what a review shows, freezes at sign-off and
publishes.

Counts are rounded as for anyone outside the care team (`msds`: small numbers suppressed, the
rest to the nearest 5) before they leave this module, so neither a review nor the public page can
show an unrounded small count. The rate shown is the one computed from the rounded counts, as the
measures pages do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from continuity.assurance import presenters as measures
from continuity.assurance.compute import latest
from continuity.assurance.models import MeasureSnapshot
from continuity.governance import trajectory as tj
from continuity.governance.actions import month_text
from continuity.governance.models import GROUP_BREAKDOWN, ActionPlan, Aim, PlanAction

ROUNDING = "msds"  # everyone who sees the plan is outside the care team


def _status(rate: float | None, expected: float | None) -> str:
    if rate is None:
        return "no_data"
    if expected is None:
        return "no_trajectory"
    return "on_track" if rate >= expected else "behind"


def aim_rows(
    plan: ActionPlan,
    month: date,
    snapshot: MeasureSnapshot | None,
    aims: list[Aim] | None = None,
) -> list[dict[str, Any]]:
    """One row per live aim (or per aim given): the month's rate and counts (rounded) and the
    trajectory's value."""
    text = month_text(month)
    rows = measures.index(measures.rows_for(snapshot, text, ROUNDING)) if snapshot else {}
    out = []
    if aims is None:
        aims = list(Aim.objects.filter(plan=plan, voided_at__isnull=True).order_by("id"))
    for aim in aims:
        breakdown, group = GROUP_BREAKDOWN[aim.group]
        row = rows.get((aim.measure, breakdown, group))
        expected = tj.expected(aim.trajectory, text)
        rate = None if row is None or row.rate is None else round(float(row.rate), 1)
        goal = tj.goal(aim.trajectory)
        out.append(
            {
                "aim": aim.pk,
                "measure": aim.measure,
                "group": aim.group,
                "title": str(aim.get_measure_display()),
                "group_title": str(aim.get_group_display()),
                "numerator": None if row is None else row.numerator,
                "denominator": None if row is None else row.denominator,
                "rate": rate,
                "expected": expected,
                "goal_month": goal[0] if goal else None,
                "goal_percent": goal[1] if goal else None,
                "status": _status(rate, expected),
            }
        )
    return out


def _month_end(month: date) -> date:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def action_rows(plan: ActionPlan, month: date) -> dict[str, list[dict[str, Any]]]:
    """Actions due in the month, late by its end (open, due before it ended), done in it."""
    end = _month_end(month)
    live = PlanAction.objects.filter(plan=plan, voided_at__isnull=True).select_related("team")

    def row(a: PlanAction) -> dict[str, Any]:
        return {
            "id": a.pk,
            "title": a.title,
            "owner": a.owner,
            "due_date": a.due_date.isoformat(),
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "evidence": a.evidence,
        }

    return {
        "late": [row(a) for a in live if a.is_open and a.due_date < month],
        "due": [row(a) for a in live if month <= a.due_date <= end],
        "done": [
            row(a)
            for a in live
            if a.status == PlanAction.Status.DONE
            and a.completed_on is not None
            and month <= a.completed_on <= end
        ],
    }


def for_month(
    plan: ActionPlan, month: date, snapshot: MeasureSnapshot | None = None
) -> dict[str, Any]:
    """Everything a review shows for the month, as JSON-ready data (what sign-off freezes)."""
    snapshot = snapshot if snapshot is not None else latest()
    return {
        "month": month_text(month),
        "rounding": ROUNDING,
        "snapshot_through": snapshot.through.isoformat() if snapshot else None,
        "aims": aim_rows(plan, month, snapshot),
        "actions": action_rows(plan, month),
    }


def headline_spc(snapshot: MeasureSnapshot | None) -> dict[str, Any] | None:
    """The SPC chart of the headline measure (placed on a pathway by 29 weeks), rounded."""
    if snapshot is None:
        return None
    return measures.spc_block(snapshot, "COC_by_28weeks", ROUNDING, measures.targets()["pathway"])
