"""ORM rows to allocation-engine inputs and back.

Engine ids are professional ids for midwives and pregnancy primary keys for women: neither is a
name or an NHS number, so a problem file can be shared for support without personal data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from continuity.engines import allocation as engine
from continuity.engines import equity
from continuity.engines.allocation.io import policy_from_dict
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, Pregnancy
from continuity.workforce.models import Midwife, RotaEntry

PREVIOUS_MIDWIFE_WEIGHT_IN_HANDOVER = 200.0  # her buddy becomes her named midwife where possible


def policy(**overrides: Any) -> engine.Policy:
    conf = settings.CONTINUITY
    raw: dict[str, Any] = {
        "births_per_wte_per_year": float(conf["BIRTHS_PER_WTE_PER_YEAR"]),
        "max_active_caseload": int(conf["MAX_ACTIVE_CASELOAD"]),
        **conf.get("ALLOCATION", {}),
        **overrides,
    }
    return policy_from_dict(raw, "CONTINUITY['ALLOCATION']")


def monthly_limit(mw: Midwife, pol: engine.Policy) -> int:
    """Births due a month she may be named midwife for, as the engine computes it."""
    allowance = pol.births_per_wte_per_year * float(mw.wte) / 12.0
    return min(pol.max_births_per_month, math.ceil(allowance - 1e-9))


def team_midwives(team: Team, today: date, *, exclude: Midwife | None = None) -> list[Midwife]:
    qs = (
        Midwife.objects.filter(team=team, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user", "buddy")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


@dataclass
class _Loads:
    named: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    buddy: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    active: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def _loads(midwife_ids: Sequence[int]) -> _Loads:
    loads = _Loads()
    rows = Assignment.objects.filter(
        Q(named_midwife_id__in=midwife_ids) | Q(buddy_id__in=midwife_ids),
        ends_at__isnull=True,
        pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
    ).values_list("named_midwife_id", "buddy_id", "pregnancy__edd")
    for named, buddy, edd in rows:
        if named is not None:
            loads.named[named].append(edd)
            loads.active[named] += 1
        if buddy is not None:
            loads.buddy[buddy].append(edd)
    return loads


def _absences(midwife_ids: Sequence[int], today: date) -> dict[int, list[engine.Period]]:
    out: dict[int, list[engine.Period]] = defaultdict(list)
    rows = RotaEntry.objects.filter(
        midwife_id__in=midwife_ids,
        kind__in=RotaEntry.ABSENCE_KINDS,
        status=RotaEntry.Status.APPROVED,
        voided_at__isnull=True,
        ends_at__gte=timezone.now() - timedelta(days=1),
    ).values_list("midwife_id", "starts_at", "ends_at")
    for mid, starts, ends in rows:
        start = timezone.localtime(starts).date()
        end = timezone.localtime(ends - timedelta(microseconds=1)).date()
        if end >= today:
            out[mid].append(engine.Period(max(start, today), end))
    return out


def midwife_inputs(midwives: Sequence[Midwife], today: date) -> tuple[engine.Midwife, ...]:
    ids = [m.pk for m in midwives]
    loads = _loads(ids)
    absences = _absences(ids, today)
    present = {m.pk for m in midwives}
    return tuple(
        engine.Midwife(
            id=m.professional_id,
            team=str(m.team_id),
            wte=float(m.wte),
            base=engine.Location(m.base_lat, m.base_lon)
            if m.base_lat is not None and m.base_lon is not None
            else None,
            languages=tuple(m.languages or ["en"]),
            skills=tuple(m.skills or []),
            partner=m.buddy.professional_id if m.buddy_id in present and m.buddy else None,
            named_edds=tuple(sorted(loads.named.get(m.pk, []))),
            buddy_edds=tuple(sorted(loads.buddy.get(m.pk, []))),
            active_caseload=loads.active.get(m.pk, 0),
            max_active_caseload=m.max_active_caseload,
            leave=tuple(absences.get(m.pk, [])),
            available_until=m.end_date,
        )
        for m in midwives
    )


def priority_groups(pregnancy: Pregnancy) -> tuple[str, ...]:
    woman = pregnancy.woman
    groups = []
    if equity.is_core20(woman.imd_decile):
        groups.append("core20")
    if equity.coc_group(woman.ethnic_category) == "BAME":
        groups.append("bame")
    groups += [str(g) for g in woman.plus_groups or []]
    return tuple(groups)


def _previous_midwives(pregnancies: Iterable[Pregnancy]) -> dict[int, int]:
    """Woman id -> the named midwife of her most recent earlier pregnancy."""
    women = {p.woman_id for p in pregnancies}
    current = {p.pk for p in pregnancies}
    rows = (
        Assignment.objects.filter(pregnancy__woman_id__in=women, named_midwife__isnull=False)
        .exclude(pregnancy_id__in=current)
        .order_by("pregnancy__booking_date", "starts_at")
        .values_list("pregnancy__woman_id", "named_midwife_id")
    )
    return dict(rows)  # later rows win: the latest pregnancy's last named midwife


def woman_input(
    pregnancy: Pregnancy,
    team: Team,
    *,
    previous: str | None = None,
    pinned: str | None = None,
) -> engine.Woman:
    woman = pregnancy.woman
    return engine.Woman(
        id=str(pregnancy.pk),
        edd=pregnancy.edd,
        location=engine.Location(woman.lat, woman.lon)
        if woman.lat is not None and woman.lon is not None
        else None,
        language=woman.preferred_language or "en",
        interpreter=woman.interpreter_needed,
        priority_groups=priority_groups(pregnancy),
        previous_midwife=previous,
        risk=pregnancy.risk,
        teams=(str(team.pk),),
        pinned_named=pinned,
    )


@dataclass(frozen=True)
class Suggestion:
    pregnancy: Pregnancy
    named: Midwife | None
    buddy: Midwife | None
    reasons: tuple[engine.Reason, ...]
    runner_up: Midwife | None
    runner_up_why: str
    unplaced_reason: str  # blank when placed
    priority: tuple[str, ...]

    def as_record(self) -> dict[str, Any]:
        """What is kept with the decision: ids and codes only, no personal data."""
        return {
            "named": self.named.professional_id if self.named else None,
            "buddy": self.buddy.professional_id if self.buddy else None,
            "reasons": [[r.code, r.value] for r in self.reasons],
            "runner_up": self.runner_up.professional_id if self.runner_up else None,
            "runner_up_why": self.runner_up_why,
            "unplaced_reason": self.unplaced_reason,
        }


def suggest(
    team: Team, pregnancies: Sequence[Pregnancy], today: date
) -> tuple[dict[int, Suggestion], engine.Plan | None]:
    """Run the engine on a team's queue. Pregnancies past their EDD are left for a person."""
    midwives = team_midwives(team, today)
    by_pid = {m.professional_id: m for m in midwives}
    previous = _previous_midwives(pregnancies)
    pid_of = {m.pk: m.professional_id for m in midwives}
    women = []
    for p in pregnancies:
        if p.edd < today:
            continue
        women.append(woman_input(p, team, previous=pid_of.get(previous.get(p.woman_id, -1))))
    if not women or not midwives:
        return {}, None
    problem = engine.Problem(
        today=today,
        women=tuple(women),
        midwives=midwife_inputs(midwives, today),
        policy=policy(),
    )
    plan = engine.solve(problem)
    return _suggestions(plan, pregnancies, by_pid), plan


def _suggestions(
    plan: engine.Plan, pregnancies: Sequence[Pregnancy], by_pid: dict[str, Midwife]
) -> dict[int, Suggestion]:
    by_pk = {p.pk: p for p in pregnancies}
    out: dict[int, Suggestion] = {}
    for placed in plan.placements:
        p = by_pk[int(placed.woman)]
        runner = placed.runner_up
        out[p.pk] = Suggestion(
            pregnancy=p,
            named=by_pid[placed.named],
            buddy=by_pid[placed.buddy] if placed.buddy else None,
            reasons=placed.reasons,
            runner_up=by_pid[runner.midwife] if runner else None,
            runner_up_why=runner.why_not if runner else "",
            unplaced_reason="",
            priority=priority_groups(p),
        )
    for unplaced in plan.unplaced:
        p = by_pk[int(unplaced.woman)]
        out[p.pk] = Suggestion(
            p, None, None, unplaced.details, None, "", unplaced.reason, priority_groups(p)
        )
    return out


@dataclass(frozen=True)
class HandoverChange:
    pregnancy: Pregnancy
    assignment: Assignment
    role: str  # "named" or "buddy": what the leaving midwife was to her
    new_named: Midwife | None
    new_buddy: Midwife | None
    reasons: tuple[engine.Reason, ...]
    unplaced_reason: str

    @property
    def key(self) -> str:
        named = self.new_named.professional_id if self.new_named else "-"
        buddy = self.new_buddy.professional_id if self.new_buddy else "-"
        return f"{self.assignment.pk}:{named}:{buddy}"


def plan_handover(midwife: Midwife, today: date) -> list[HandoverChange]:
    """Re-plan every woman the midwife is named midwife or buddy for, keeping continuity.

    Antenatal women go through the engine with their buddy as the preferred new named midwife;
    women whose due date has passed (postnatal or overdue) get their buddy as named midwife and
    that midwife's partner (or the least-loaded colleague) as buddy.
    """
    team = midwife.team
    midwives = team_midwives(team, today, exclude=midwife)
    by_pk = {m.pk: m for m in midwives}
    by_pid = {m.professional_id: m for m in midwives}
    assignments = list(
        Assignment.objects.filter(
            Q(named_midwife=midwife) | Q(buddy=midwife),
            ends_at__isnull=True,
            pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
        )
        .select_related("pregnancy__woman", "named_midwife__user", "buddy__user", "team")
        .order_by("pregnancy__edd", "pk")
    )
    women: list[engine.Woman] = []
    changes: dict[int, HandoverChange] = {}
    manual: list[Assignment] = []
    for a in assignments:
        p = a.pregnancy
        if a.named_midwife_id == midwife.pk:
            if p.edd < today:
                manual.append(a)
                continue
            buddy = by_pk.get(a.buddy_id or -1)
            women.append(woman_input(p, team, previous=buddy.professional_id if buddy else None))
        else:
            named = by_pk.get(a.named_midwife_id or -1)
            if named is None or p.edd < today:
                manual.append(a)
                continue
            women.append(woman_input(p, team, pinned=named.professional_id))
    plan = None
    if women and midwives:
        problem = engine.Problem(
            today=today,
            women=tuple(women),
            midwives=midwife_inputs(midwives, today),
            policy=policy(weight_previous=PREVIOUS_MIDWIFE_WEIGHT_IN_HANDOVER),
        )
        plan = engine.solve(problem)
    by_assignment = {str(a.pregnancy_id): a for a in assignments}
    if plan is not None:
        for placed in plan.placements:
            a = by_assignment[placed.woman]
            changes[a.pk] = HandoverChange(
                pregnancy=a.pregnancy,
                assignment=a,
                role="named" if a.named_midwife_id == midwife.pk else "buddy",
                new_named=by_pid[placed.named],
                new_buddy=by_pid[placed.buddy] if placed.buddy else None,
                reasons=placed.reasons,
                unplaced_reason="",
            )
        # No one has room: she must not lose her midwives, so her buddy takes her on over the
        # monthly limit (shown as such), as a team would do it by hand.
        manual += [by_assignment[u.woman] for u in plan.unplaced]
        over = {by_assignment[u.woman].pk for u in plan.unplaced}
    else:
        over = set()
    buddy_counts: dict[int, int] = defaultdict(int)
    for a in manual:
        change = _simple_handover(a, midwife, by_pk, buddy_counts)
        if a.pk in over and change.new_named is not None:
            change = replace(change, reasons=(*change.reasons, engine.Reason("over_capacity")))
        changes[a.pk] = change
    return sorted(changes.values(), key=lambda c: (c.pregnancy.edd, c.assignment.pk))


def _simple_handover(
    a: Assignment, leaving: Midwife, team: dict[int, Midwife], buddy_counts: dict[int, int]
) -> HandoverChange:
    """After the due date: keep whoever remains, and fill the gap with the people she knows."""
    role = "named" if a.named_midwife_id == leaving.pk else "buddy"
    named = team.get(a.named_midwife_id or -1) if role == "buddy" else team.get(a.buddy_id or -1)
    if named is None:
        return HandoverChange(a.pregnancy, a, role, None, None, (), "no_midwife_in_reach")
    buddy = team.get(named.buddy_id or -1)
    if buddy is None or buddy.pk == named.pk:
        others = [m for m in team.values() if m.pk != named.pk]
        buddy = min(others, key=lambda m: (buddy_counts[m.pk], m.pk)) if others else None
    if buddy is not None:
        buddy_counts[buddy.pk] += 1
    reasons = (
        (engine.Reason("kept_named_midwife"),)
        if role == "buddy"
        else (engine.Reason("buddy_becomes_named"),)
    )
    return HandoverChange(a.pregnancy, a, role, named, buddy, reasons, "")
