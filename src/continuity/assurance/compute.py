"""Compute the measures and the equity funnel from the app's data, and keep them as a snapshot.

One extract of everything recorded so far (`msds.extract` for the current month) feeds the
measures engine for each of the last 24 months, so a month's figure uses data recorded later too
(a late care plan counts once it is recorded; this is the live view). `continuity export-msds`
gives the month-end snapshot instead, as a national submission would.

The equity funnel follows the women who reached 29 weeks in the 12 months up to four months
before the latest complete month, so that most have been discharged and "receiving continuity"
is known for them:

- **eligible**: reached 29+0 in those months and not discharged by then;
- **offered**: offered a place on a continuity team (allocated to one, or a recorded decision);
- **accepted**: offered and did not decline;
- **placed**: on a continuity pathway by 29+0 (the national `COC_by_28weeks` rule);
- **receiving**: receiving continuity (the national `COC_receiving_ongoing` rule).

A stage implies the ones before it: a woman placed on a pathway without a recorded offer counts as
offered and accepted.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from continuity.accounts.models import User
from continuity.allocation.models import AllocationDecision
from continuity.assurance import months, msds
from continuity.assurance.models import MeasureSnapshot
from continuity.core.audit import audit
from continuity.engines import equity
from continuity.engines import measures as engine
from continuity.engines.funnel import FunnelRecord, funnel, funnel_to_dict
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, Pregnancy

MONTHS = 24
FUNNEL_MONTHS = 12
FUNNEL_LAG = 4  # COC_receiving_ongoing looks at women who reached 29 weeks four months before


def month_text(first: date) -> str:
    return months.text_of(first)


def months_back(first: date, n: int) -> date:
    return months.shift(first, -n)


def refresh(*, by: User | None, today: date | None = None, months: int = MONTHS) -> MeasureSnapshot:
    """Compute every measure for the last `months` months (the current one included, to date)
    and the equity funnel; keep them as a new snapshot."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    current = today.replace(day=1)
    month_list = [months_back(current, k) for k in range(months - 1, -1, -1)]
    tables = msds.extract(current)
    with tempfile.TemporaryDirectory(prefix="continuity-measures-") as scratch:
        folder = Path(scratch)
        msds.write(tables, folder)
        con = engine.load(folder)
        try:
            counts = {month_text(m): _month_counts(con, month_text(m)) for m in month_list}
            funnel_data = _funnel(con, months_back(current, 1))
        finally:
            con.close()
    with transaction.atomic():
        snapshot = MeasureSnapshot.objects.create(
            computed_by=by,
            through=today,
            months=[month_text(m) for m in month_list],
            counts=counts,
            funnel=funnel_data,
            seconds=round(time.perf_counter() - started, 2),
        )
        audit(
            by=by,
            action="measures.refresh",
            obj=snapshot,
            changes={"months": len(month_list), "through": today.isoformat()},
        )
    return snapshot


def _month_counts(con: Any, month: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in engine.MEASURES:
        for (breakdown, group), c in engine.counts(con, name, month).items():
            row: dict[str, Any] = {
                "measure": name,
                "breakdown": breakdown,
                "group": group,
                "numerator": c.numerator,
                "denominator": c.denominator,
            }
            if c.placed is not None:
                row.update(placed=c.placed, dq06=c.dq06, dq07=c.dq07)
            out.append(row)
    return out


def _funnel(con: Any, latest: date) -> dict[str, Any]:
    """The funnel's records for the women eligible in the funnel's months, rounded both ways."""
    eligible: dict[str, bool] = {}  # UniqPregID → placed
    receiving: dict[str, bool] = {}
    cohort_months = [months_back(latest, FUNNEL_LAG + k) for k in range(FUNNEL_MONTHS - 1, -1, -1)]
    for m in cohort_months:
        for ref, placed in engine.cohort(con, "COC_by_28weeks", month_text(m)):
            if ref is not None:
                eligible[ref] = placed
        later = months_back(m, -FUNNEL_LAG)
        for ref, got in engine.cohort(con, "COC_receiving_ongoing", month_text(later)):
            if ref is not None:
                receiving[ref] = got
    pregnancies = {
        str(p.ref): p
        for p in Pregnancy.objects.filter(ref__in=list(eligible)).select_related("woman")
    }
    continuity_teams = set(
        Team.objects.filter(care_model=Team.Model.CONTINUITY).values_list("pk", flat=True)
    )
    on_team = set(
        Assignment.objects.filter(
            pregnancy__in=pregnancies.values(), team_id__in=continuity_teams
        ).values_list("pregnancy_id", flat=True)
    )
    decisions: dict[int, set[str]] = {}
    for preg, kind in AllocationDecision.objects.filter(
        pregnancy__in=pregnancies.values()
    ).values_list("pregnancy_id", "kind"):
        decisions.setdefault(preg, set()).add(kind)
    records = []
    for ref, placed in eligible.items():
        p = pregnancies.get(ref)
        if p is None:
            continue
        kinds = decisions.get(p.pk, set())
        declined = AllocationDecision.Kind.DECLINED in kinds and p.pk not in on_team
        offered = placed or p.pk in on_team or bool(kinds - {AllocationDecision.Kind.NOT_OFFERED})
        accepted = placed or (offered and not declined)
        got = placed and receiving.get(ref, False)
        stage = (
            "receiving"
            if got
            else "placed"
            if placed
            else "accepted"
            if accepted
            else "offered"
            if offered
            else "eligible"
        )
        records.append(FunnelRecord(stage=stage, groups=_groups(p)))
    return {
        "months": [month_text(cohort_months[0]), month_text(cohort_months[-1])],
        "none": funnel_to_dict(funnel(records, "none")),
        "msds": funnel_to_dict(funnel(records, "msds")),
    }


def _groups(p: Pregnancy) -> tuple[tuple[str, str], ...]:
    w = p.woman
    decile = w.imd_decile
    quintile = equity.imd_quintile(decile)
    missing = "Missing/Unknown"
    return (
        ("ethnicity_coc", equity.coc_group(w.ethnic_category or None)),
        ("ethnicity_fine", equity.fine_group(w.ethnic_category or None)),
        ("imd_quintile", str(quintile) if quintile is not None else missing),
        (
            "core20",
            missing if decile is None else "Core20" if equity.is_core20(decile) else "Not Core20",
        ),
    )


# This process's copy of the newest snapshot. A snapshot is written once and never changed (a
# refresh writes a new one), and its readers only read it.
_newest: MeasureSnapshot | None = None


def latest() -> MeasureSnapshot | None:
    """The newest snapshot. Only its identity is read from the database each time (one row of
    an index); its counts, a few hundred kilobytes of JSON, are loaded once per process and
    again only when a newer snapshot has been written."""
    global _newest
    head = (
        MeasureSnapshot.objects.order_by("-computed_at", "-id")
        .values_list("id", "computed_at", "through")
        .first()
    )
    if head is None:
        return None
    kept = _newest
    if kept is not None and (kept.pk, kept.computed_at, kept.through) == head:
        return kept
    _newest = MeasureSnapshot.objects.get(pk=head[0])
    return _newest
