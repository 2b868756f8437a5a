"""From a Problem to the numbers every solver shares: who may be whose named midwife or buddy,
at what cost, and how much capacity each midwife has in each due month and half-month.

The flow solver, the greedy baseline and the exact MIP all read the same Instance, and every plan
is scored by the same `evaluate`, so their objectives can be compared honestly.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from continuity.engines.allocation.model import Midwife, Policy, Problem, Woman

INF = math.inf
MonthKey = tuple[int, int]
HalfKey = tuple[int, int, int]


def month_of(day: date) -> MonthKey:
    return (day.year, day.month)


def half_of(day: date) -> HalfKey:
    """The half-month a date falls in: 0 for days 1-15, 1 for the 16th to the month's end."""
    return (day.year, day.month, 0 if day.day <= 15 else 1)


def month_label(key: MonthKey) -> str:
    return f"{key[0]:04d}-{key[1]:02d}"


def _months_between(first: MonthKey, last: MonthKey) -> int:
    return (last[0] - first[0]) * 12 + (last[1] - first[1]) + 1


@dataclass(frozen=True, slots=True)
class NamedOption:
    """One midwife who could be a woman's named midwife, and what that would cost."""

    midwife: int
    travel: float  # weighted travel cost
    language: float
    previous: float
    buddy_floor: float  # the cheapest buddy this choice could have (ignoring buddy capacity)
    minutes: float  # one-way travel minutes from her base

    @property
    def named_cost(self) -> float:
        return self.travel + self.language + self.previous

    @property
    def folded_cost(self) -> float:
        return self.named_cost + self.buddy_floor


@dataclass(frozen=True, slots=True)
class BuddyOption:
    midwife: int
    cost: float  # weighted travel only; the not-partner term depends on the named midwife
    minutes: float


@dataclass(frozen=True, slots=True)
class Instance:
    problem: Problem
    women: tuple[Woman, ...]  # the women to place (declined ones removed)
    declined: tuple[str, ...]
    midwives: tuple[Midwife, ...]
    midwife_index: dict[str, int]
    partner: tuple[int | None, ...]  # per midwife index
    options: tuple[tuple[NamedOption, ...], ...]  # per woman, cheapest folded cost first
    buddies: tuple[tuple[BuddyOption, ...], ...]  # per woman, cheapest first
    excluded: tuple[Counter[str], ...]  # per woman: why midwives were not options
    pinned: tuple[int | None, ...]  # per woman: the pinned named midwife's index
    month: tuple[MonthKey, ...]  # per woman: her due month
    half: tuple[HalfKey, ...]  # per woman: her due half-month
    penalty: tuple[float, ...]  # per woman: the cost of leaving her unplaced
    priority: tuple[bool, ...]
    month_cap: dict[tuple[int, MonthKey], int]  # (midwife, month) -> births she can still take
    half_cap: dict[tuple[int, HalfKey], int]
    total_cap: dict[int, int]  # births over the horizon, and the active caseload cap
    buddy_cap: dict[tuple[int, MonthKey], int]
    buddy_share: dict[tuple[int, MonthKey], int]  # buddy units at no balance cost

    def buddy_cost(self, w: int, named: int, option: BuddyOption) -> float:
        policy = self.problem.policy
        extra = 0.0 if self.partner[named] == option.midwife else policy.weight_buddy_not_partner
        return option.cost + extra

    def buddy_allowed(self, named: int, buddy: int) -> bool:
        if named == buddy:
            return False
        if self.problem.policy.team_boundaries:
            return self.midwives[named].team == self.midwives[buddy].team
        return True


def _minutes_matrix(
    women: tuple[Woman, ...], midwives: tuple[Midwife, ...], policy: Policy
) -> npt.NDArray[np.float64]:
    """One-way minutes from each midwife's base to each woman, by straight line × circuity."""
    n, m = len(women), len(midwives)
    out = np.full((n, m), policy.unknown_travel_minutes, dtype=np.float64)
    if n == 0 or m == 0:
        return out
    w_ok = np.array([w.location is not None for w in women])
    m_ok = np.array([x.base is not None for x in midwives])
    wlat = np.radians([w.location.lat if w.location else 0.0 for w in women])
    wlon = np.radians([w.location.lon if w.location else 0.0 for w in women])
    mlat = np.radians([x.base.lat if x.base else 0.0 for x in midwives])
    mlon = np.radians([x.base.lon if x.base else 0.0 for x in midwives])
    dlat = wlat[:, None] - mlat[None, :]
    dlon = wlon[:, None] - mlon[None, :]
    h = (
        np.sin(dlat / 2) ** 2
        + np.cos(wlat)[:, None] * np.cos(mlat)[None, :] * np.sin(dlon / 2) ** 2
    )
    km = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    minutes = km * policy.circuity / policy.speed_kmh * 60.0
    known = w_ok[:, None] & m_ok[None, :]
    out[known] = minutes[known]
    return out


def _on_leave_near(mw: Midwife, edd: date, buffer_days: int) -> bool:
    if buffer_days < 0:
        return False
    lo, hi = edd - timedelta(days=buffer_days), edd + timedelta(days=buffer_days)
    return any(p.overlaps(lo, hi) for p in mw.leave)


def _leaving_too_soon(mw: Midwife, edd: date, care_days: int) -> bool:
    return mw.available_until is not None and mw.available_until < edd + timedelta(days=care_days)


def build(problem: Problem) -> Instance:
    policy = problem.policy
    midwives = problem.midwives
    index = {m.id: i for i, m in enumerate(midwives)}
    partner = tuple(index.get(m.partner) if m.partner else None for m in midwives)
    women = tuple(w for w in problem.women if not w.declined)
    declined = tuple(w.id for w in problem.women if w.declined)
    minutes = _minutes_matrix(women, midwives, policy)
    default_language = "en"

    # Eligibility that does not depend on which role (named or buddy) she would take.
    teams_of = [m.team for m in midwives]
    languages = [frozenset(m.languages) for m in midwives]
    skills = [frozenset(m.skills) for m in midwives]

    options: list[tuple[NamedOption, ...]] = []
    buddies: list[tuple[BuddyOption, ...]] = []
    excluded: list[Counter[str]] = []
    pinned: list[int | None] = []
    for wi, w in enumerate(women):
        why: Counter[str] = Counter()
        row = minutes[wi]
        if policy.team_boundaries and w.teams:
            allowed_teams = frozenset(w.teams)
            pool = [i for i in range(len(midwives)) if teams_of[i] in allowed_teams]
            why["other_team"] += len(midwives) - len(pool)
        else:
            pool = list(range(len(midwives)))
        near = []
        for i in pool:
            mw = midwives[i]
            if row[i] > policy.max_travel_minutes:
                why["too_far"] += 1
            elif _leaving_too_soon(mw, w.edd, policy.care_days_after_edd):
                why["leaving_before_care_ends"] += 1
            elif _on_leave_near(mw, w.edd, policy.leave_buffer_days):
                why["leave_near_edd"] += 1
            else:
                near.append(i)
        if not (policy.team_boundaries and w.teams) and len(near) > policy.max_candidates:
            near.sort(key=lambda i: (row[i], i))
            keep = set(near[: policy.max_candidates])
            prev = index.get(w.previous_midwife) if w.previous_midwife else None
            if prev is not None and prev in near:
                keep.add(prev)
            why["too_far"] += len(near) - len(keep)
            near = sorted(keep)
        buddy_opts = sorted(
            (
                BuddyOption(i, policy.weight_buddy_travel * float(row[i]), float(row[i]))
                for i in near
            ),
            key=lambda b: (b.cost, b.midwife),
        )
        needed = policy.skills_needed(w)
        named_pool = []
        for i in near:
            if needed and not needed <= skills[i]:
                why["skills"] += 1
            elif (
                policy.require_language_match
                and w.language != default_language
                and w.language not in languages[i]
            ):
                why["language"] += 1
            else:
                named_pool.append(i)
        prev_index = index.get(w.previous_midwife) if w.previous_midwife else None
        prev_possible = prev_index is not None and prev_index in named_pool
        pin = index[w.pinned_named] if w.pinned_named else None
        unplaced = policy.unplaced_cost * (1.0 + policy.priority_weight(w.priority_groups))
        if pin is not None:
            named_pool = [pin]  # she keeps her named midwife whatever the filters say
        opts: list[NamedOption] = []
        for i in named_pool:
            floor = _buddy_floor(i, buddy_opts, partner[i], teams_of, policy)
            if pin is not None:
                # Pinned: she keeps her named midwife and pays either a buddy or, with no buddy
                # free, her unplaced cost; the floor is the lesser, so the bound stays valid.
                floor = min(floor, unplaced)
            elif floor == INF:
                why["no_buddy"] += 1
                continue
            row_minutes = float(row[i])
            language = 0.0
            if w.language != default_language and w.language not in languages[i]:
                language = policy.weight_language * (1.0 if w.interpreter else 0.5)
            previous = policy.weight_previous if prev_possible and i != prev_index else 0.0
            opts.append(
                NamedOption(
                    midwife=i,
                    travel=policy.weight_travel * row_minutes,
                    language=language,
                    previous=previous,
                    buddy_floor=floor,
                    minutes=row_minutes,
                )
            )
        opts.sort(key=lambda o: (o.folded_cost, o.midwife))
        options.append(tuple(opts))
        buddies.append(tuple(buddy_opts))
        excluded.append(why)
        pinned.append(pin)

    month = tuple(month_of(w.edd) for w in women)
    half = tuple(half_of(w.edd) for w in women)
    penalty = tuple(
        policy.unplaced_cost * (1.0 + policy.priority_weight(w.priority_groups)) for w in women
    )
    priority = tuple(policy.priority_weight(w.priority_groups) > 0 for w in women)

    month_cap: dict[tuple[int, MonthKey], int] = {}
    half_cap: dict[tuple[int, HalfKey], int] = {}
    total_cap: dict[int, int] = {}
    buddy_cap: dict[tuple[int, MonthKey], int] = {}
    buddy_share: dict[tuple[int, MonthKey], int] = {}
    months = sorted(set(month))
    halves = sorted(set(half))
    span = _months_between(months[0], months[-1]) if months else 0
    for i, mw in enumerate(midwives):
        allowance = policy.births_per_wte_per_year * mw.wte / 12.0
        per_month = min(policy.max_births_per_month, math.ceil(allowance - 1e-9))
        named_by_month = Counter(month_of(d) for d in mw.named_edds)
        named_by_half = Counter(half_of(d) for d in mw.named_edds)
        buddy_by_month = Counter(month_of(d) for d in mw.buddy_edds)
        for mo in months:
            month_cap[(i, mo)] = max(0, per_month - named_by_month[mo])
            buddy_cap[(i, mo)] = max(0, policy.buddy_max_per_month - buddy_by_month[mo])
            buddy_share[(i, mo)] = max(0, math.ceil(allowance - 1e-9) - buddy_by_month[mo])
        for hk in halves:
            half_cap[(i, hk)] = max(0, policy.max_births_per_fortnight - named_by_half[hk])
        if months:
            in_horizon = sum(1 for d in mw.named_edds if months[0] <= month_of(d) <= months[-1])
            horizon = math.floor(allowance * span + 0.5) - in_horizon
        else:
            horizon = 0
        cap = mw.max_active_caseload
        active_cap = (policy.max_active_caseload if cap is None else cap) - mw.active_caseload
        total_cap[i] = max(0, min(horizon, active_cap))

    return Instance(
        problem=problem,
        women=women,
        declined=declined,
        midwives=midwives,
        midwife_index=index,
        partner=partner,
        options=tuple(options),
        buddies=tuple(buddies),
        excluded=tuple(excluded),
        pinned=tuple(pinned),
        month=month,
        half=half,
        penalty=penalty,
        priority=priority,
        month_cap=month_cap,
        half_cap=half_cap,
        total_cap=total_cap,
        buddy_cap=buddy_cap,
        buddy_share=buddy_share,
    )


def _buddy_floor(
    named: int,
    buddy_opts: list[BuddyOption],
    partner: int | None,
    teams_of: list[str],
    policy: Policy,
) -> float:
    """The cheapest buddy cost this named midwife could have, capacity aside."""
    partner_cost = INF
    other_cost = INF
    for b in buddy_opts:  # cheapest first
        if b.midwife == named:
            continue
        if policy.team_boundaries and teams_of[b.midwife] != teams_of[named]:
            continue
        if b.midwife == partner:
            partner_cost = b.cost
        elif other_cost == INF:
            other_cost = b.cost + policy.weight_buddy_not_partner
        if other_cost < INF and (partner is None or partner_cost < INF):
            break
    return min(partner_cost, other_cost)
