"""The demo's continuity of carer action plan, written after the trust is loaded (and after the
measures and planning scenarios, so the plan can start from the trust's own figures and link a
scenario).

- The plan, with the "board" persona as its board safety champion, written by the service
  manager ("manager").
- Three aims: women placed on a continuity pathway by 29 weeks, for all women (to 35%) and for
  Black, Asian and minority ethnic women and Core20 women (to 75%, the national ambition for
  these groups), each starting about six months ago from the latest measures snapshot's figures
  (fixed figures without one), with a step between the start and the aim.
- Eight actions with owners and due dates from four months ago to six months ahead: some done
  with evidence, some in progress, one late; four risks and dependencies.
- Monthly reviews signed off by the champion for the three complete months before the last one,
  with comments and decisions that follow the month's figures, and a draft for the last complete
  month, left for the champion to finish in the demo.
- Four comments from the maternity voices partnership ("voices"), all but the latest answered by
  the service manager.

Every write goes through `continuity.governance.actions`, in the order it would have happened,
so the plan's versions and the audit trail are what real use leaves. Those actions stamp the
time they run: the history is dated when the demo is loaded, but its order is the story's.
Seeded, so the same demo (seed, today and records) gets the same plan.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from continuity.accounts.models import User
from continuity.assurance import presenters as measures
from continuity.assurance.compute import latest
from continuity.assurance.models import MeasureSnapshot
from continuity.assurance.months import shift, text_of
from continuity.governance import actions, figures
from continuity.governance.models import (
    GROUP_BREAKDOWN,
    ActionPlan,
    MonthlyReview,
    PlanAction,
    Risk,
)
from continuity.organisations.models import Team, Trust
from continuity.planning.models import Scenario

MEASURE = "COC_by_28weeks"
START_MONTHS_AGO = 5  # the plan's first month: about six months before today
SIGNED_OFF = 3  # complete months signed off, before the last complete month (left as a draft)
GROUP_WORDS = {
    "total": "all women",
    "BAME": "Black, Asian and minority ethnic women",
    "Core20": "women in Core20 areas",
}
Status = PlanAction.Status


def _day(first: date, months: int, day: int) -> date:
    return shift(first, months).replace(day=day)


def _baseline(
    snapshot: MeasureSnapshot | None,
    group: str,
    months: Sequence[date],
    *,
    default: float,
    low: float,
    high: float,
) -> float:
    """The group's rate over `months` (pooled counts, rounded as the plan's pages round them), to
    the nearest whole percent and kept in [low, high] so the aim stays ahead of it; `default`
    without figures."""
    if snapshot is None:
        return default
    key = (MEASURE, *GROUP_BREAKDOWN[group])
    numerator = denominator = 0
    for month in months:
        rows = measures.rows_for(snapshot, text_of(month), "msds")  # as figures.ROUNDING
        row = measures.index(rows).get(key)
        if row is not None and isinstance(row.numerator, int) and isinstance(row.denominator, int):
            numerator += row.numerator
            denominator += row.denominator
    if not denominator:
        return default
    return float(min(max(round(100 * numerator / denominator), low), high))


def _percent(value: float) -> str:
    return f"{value:g}"


def _aim_words(row: dict[str, Any]) -> str:
    who = GROUP_WORDS.get(row["group"], row["group_title"])
    rate, expected = row["rate"], row["expected"]
    if rate is None:
        return f"{who}: no figure for the month"
    if expected is None:
        return f"{who} {_percent(rate)}%"
    gap = round(rate - expected, 1)
    said = f"{who} {_percent(rate)}% against a trajectory of {_percent(expected)}%"
    if gap > 0:
        return f"{said} ({_percent(gap)} points ahead)"
    if gap < 0:
        return f"{said} ({_percent(-gap)} points behind)"
    return f"{said} (on it)"


def _figures_text(month_figures: dict[str, Any]) -> str:
    """The month's figures in a sentence: each aim's rate against its trajectory."""
    rows = month_figures.get("aims", [])
    if not rows or all(r["rate"] is None for r in rows):
        return "The measures for the month are not available yet, so there are no figures."
    return "Placed on a pathway by 29 weeks: " + "; ".join(_aim_words(r) for r in rows) + "."


def _headline_behind(month_figures: dict[str, Any]) -> bool:
    return any(
        r["group"] == "total" and r["status"] == "behind" for r in month_figures.get("aims", [])
    )


def _late_text(month_figures: dict[str, Any]) -> str:
    late = month_figures.get("actions", {}).get("late", [])
    if not late:
        return "No action is late."
    titles = "; ".join(a["title"] for a in late)
    return f"Late: {titles}."


def _set_status(by: User, action: PlanAction, status: str, evidence: str = "") -> PlanAction:
    """Change an action's status (and evidence), as the plan's editor does, keeping the rest."""
    action.refresh_from_db()
    return actions.update_action(
        by=by,
        action=action,
        version=action.version,
        title=action.title,
        detail=action.detail,
        owner=action.owner,
        due_date=action.due_date,
        status=status,
        evidence=evidence or action.evidence,
        team=action.team,
        group=action.group,
    )


def _change_risk(by: User, risk: Risk, **changes: Any) -> Risk:
    risk.refresh_from_db()
    values = {
        "kind": risk.kind,
        "description": risk.description,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "rating": risk.rating,
        "midwives_needed": risk.midwives_needed,
        "scenario": risk.scenario,
        "status": risk.status,
        **changes,
    }
    return actions.update_risk(by=by, risk=risk, version=risk.version, **values)


def seed_governance(today: date, seed: int = 1) -> dict[str, int]:
    """Write the demo trust's action plan (see the module's docstring); return what was made.
    Does nothing when there is no demo trust, one of its personas is missing or the trust
    already has a plan."""
    counts = dict.fromkeys(
        ("aims", "actions", "risks", "reviews", "drafts", "comments", "awaiting"), 0
    )
    trust = Trust.objects.order_by("pk").first()
    people = {
        u.username: u for u in User.objects.filter(username__in=("manager", "board", "voices"))
    }
    if trust is None or len(people) < 3 or ActionPlan.objects.filter(trust=trust).exists():
        return counts
    with transaction.atomic():
        _seed(
            trust,
            today,
            random.Random(f"continuity-demo/governance/{seed}/{today}"),
            people,
            counts,
        )
    return counts


def _seed(
    trust: Trust,
    today: date,
    rng: random.Random,
    people: dict[str, User],
    counts: dict[str, int],
) -> None:
    manager, champion, voices = people["manager"], people["board"], people["voices"]
    snapshot = latest()
    current = today.replace(day=1)
    start = shift(current, -START_MONTHS_AGO)
    signed_months = [shift(current, -k) for k in range(SIGNED_OFF + 1, 1, -1)]
    draft_month = shift(current, -1)
    teams = list(
        Team.objects.filter(trust=trust, care_model=Team.Model.CONTINUITY).order_by("local_id")
    )
    picked: list[Team | None] = [*rng.sample(teams, min(3, len(teams))), None, None, None]
    core20_team, audit_team, hub_team = picked[:3]

    plan = actions.create_plan(
        by=manager,
        trust=trust,
        title="Continuity of carer action plan",
        summary=(
            "How we will give more women the same midwife, or small team of midwives, through "
            "pregnancy, birth and after the birth. We aim first for the women who gain most: "
            "Black, Asian and minority ethnic women and women living in the most deprived areas "
            "(Core20). The board safety champion reviews the plan every month and the maternity "
            "voices partnership can comment on it."
        ),
        champion=champion,
    )

    # Aims: from the figures of the three months to the plan's first month.
    baseline_months = [shift(start, -2), shift(start, -1), start]
    all_start = _baseline(snapshot, "total", baseline_months, default=20, low=10, high=30)
    all_goal = 35.0
    all_months = rng.choice((9, 10, 11, 12))
    aims = [
        (
            "total",
            all_start,
            all_goal,
            all_months,
            6,
            round(all_start + 0.4 * (all_goal - all_start), 1),
        )
    ]
    for group, default in (("BAME", 30.0), ("Core20", 28.0)):
        first = _baseline(snapshot, group, baseline_months, default=default, low=15, high=60)
        aims.append((group, first, 75.0, 18, 9, round(first + 0.45 * (75.0 - first), 1)))
    for group, first, goal, months, step_after, step_value in aims:
        aim = actions.add_aim(
            by=manager,
            plan=plan,
            measure=MEASURE,
            group=group,
            start_month=text_of(start),
            start_percent=_percent(first),
            target_month=text_of(shift(start, months)),
            target_percent=_percent(goal),
        )
        actions.set_step(
            by=manager,
            aim=aim,
            version=aim.version,
            month=text_of(shift(start, step_after)),
            value=_percent(step_value),
        )
        counts["aims"] += 1

    # Actions: due from four months ago to six months ahead.
    hub_title = (
        f"Open a community hub for the {hub_team.name}"
        if hub_team is not None
        else "Open a community hub in the east of the city"
    )
    planned: list[dict[str, Any]] = [
        {
            "title": "Agree the business case for two more continuity teams",
            "detail": "The costs, the midwives needed and the areas the new teams would cover, "
            "for the trust board to decide.",
            "owner": "Director of midwifery",
            "due_date": _day(current, -4, 21),
        },
        {
            "title": "Book an interpreter for every booking appointment that needs one",
            "detail": "Booking clerks ask about language at referral and book the interpreter "
            "with the appointment.",
            "owner": "Equality and inclusion midwife",
            "due_date": _day(current, -3, 28),
            "group": "BAME",
        },
        {
            "title": "Offer continuity first to women living in Core20 areas",
            "detail": "Referrals from the most deprived 20% of postcodes are flagged and offered "
            "a place in a continuity team before other referrals.",
            "owner": "Continuity team leaders",
            "due_date": _day(current, -2, 7),
            "team": core20_team,
            "group": "Core20",
        },
        {
            "title": "Agree a team on-call rota for nights with staff side",
            "detail": "Nights on call shared across each team, so no midwife is on call for her "
            "own women every night.",
            "owner": "Workforce lead",
            "due_date": _day(current, -2, 14),
        },
        {
            "title": "Write a leaflet on continuity of carer with the maternity voices partnership",
            "detail": "In plain English and the five languages most used at booking, for every "
            "booking pack.",
            "owner": "Patient experience midwife",
            "due_date": _day(current, 1, 15),
            "group": "BAME",
        },
        {
            "title": "Check every month that women are placed on a pathway by 29 weeks",
            "detail": "The team reviews the women reaching 29 weeks without a named midwife and "
            "acts on any gaps.",
            "owner": "Continuity team leaders",
            "due_date": _day(current, 2, 28),
            "team": audit_team,
        },
        {
            "title": "Recruit 12 midwives to staff two more continuity teams",
            "detail": "A rolling advert, newly qualified midwives with preceptorship and "
            "return-to-practice places.",
            "owner": "Workforce lead",
            "due_date": _day(current, 5, 1),
        },
        {
            "title": hub_title,
            "detail": "A base close to where women live, with rooms for antenatal appointments, "
            "classes and the team's office.",
            "owner": "Head of midwifery",
            "due_date": _day(current, 6, 28),
            "team": hub_team,
        },
    ]
    (business_case, interpreters, core20_first, on_call_rota, leaflet, audit, recruit, _hub) = [
        actions.add_action(by=manager, plan=plan, **fields) for fields in planned
    ]
    counts["actions"] = len(planned)

    # Risks and dependencies: the recruitment links the "how many teams" planning scenario.
    scenario = (
        Scenario.objects.filter(kind=Scenario.Kind.SOLVE).order_by("pk").first()
        or Scenario.objects.order_by("pk").first()
    )
    actions.add_risk(
        by=manager,
        plan=plan,
        kind=Risk.Kind.DEPENDENCY,
        description="Recruit 12 midwives to staff two more continuity teams",
        mitigation="A rolling advert and newly qualified midwives with preceptorship. The "
        "planning scenario shows how many teams it takes to place 35% of women on a pathway. "
        "The new teams cannot open until the midwives start.",
        owner="Workforce lead",
        rating=Risk.Rating.HIGH,
        midwives_needed=12,
        scenario=scenario,
    )
    fatigue = actions.add_risk(
        by=manager,
        plan=plan,
        kind=Risk.Kind.RISK,
        description="On-call fatigue: midwives on call for their own women at night may burn "
        "out or leave",
        mitigation="A team on-call rota for nights (see the actions). Rest after a night "
        "call-out is protected.",
        owner="Continuity team leaders",
        rating=Risk.Rating.MEDIUM,
        midwives_needed=None,
        scenario=None,
    )
    actions.add_risk(
        by=manager,
        plan=plan,
        kind=Risk.Kind.DEPENDENCY,
        description="Estates: the community hub needs a building in the area it serves",
        mitigation="Talking with the council about rooms in a children's centre; a shared room "
        "at a GP surgery if not.",
        owner="Head of midwifery",
        rating=Risk.Rating.MEDIUM,
        midwives_needed=None,
        scenario=None,
    )
    actions.add_risk(
        by=manager,
        plan=plan,
        kind=Risk.Kind.RISK,
        description="Ethnic group missing at booking hides who is placed on a pathway",
        mitigation="A monthly data quality report to team leaders; ethnic group is a required "
        "question at booking.",
        owner="Digital midwife",
        rating=Risk.Rating.LOW,
        midwives_needed=None,
        scenario=None,
    )
    counts["risks"] = 4

    # The MVP's first comment, on the plan itself.
    evenings = actions.add_comment(
        by=voices,
        plan=plan,
        subject="Evening and weekend appointments",
        body="Women at our listening events say it is hard to see their midwife if they work. "
        "Can the continuity teams offer evening or Saturday appointments?",
    )

    def sign(month: date, story_comment: str, decision: str) -> MonthlyReview:
        frozen = figures.for_month(plan, month, snapshot)
        if _headline_behind(frozen):
            follow_up = (
                "All women are behind the trajectory: the workforce lead to show at the next "
                "review how recruitment brings them back to it."
            )
        else:
            follow_up = "No change to the trajectories."
        review = actions.sign_off(
            by=champion,
            plan=plan,
            month=month,
            version=0,
            comments=f"{_figures_text(frozen)} {story_comment} {_late_text(frozen)}",
            decisions=f"{decision} {follow_up}",
            figures=frozen,
            today=today,
        )
        counts["reviews"] += 1
        return review

    # The first month signed off: the business case is agreed.
    _set_status(manager, business_case, Status.IN_PROGRESS)
    _set_status(manager, interpreters, Status.IN_PROGRESS)
    _set_status(
        manager,
        business_case,
        Status.DONE,
        "The trust board approved the business case: funding for 12 more midwives. Board "
        "minutes, item 7.",
    )
    sign(
        signed_months[0],
        "The first monthly review of the plan. The business case for two more continuity teams "
        "was agreed this month.",
        "Keep the plan as written. The workforce lead to bring a recruitment timeline to the "
        "next review.",
    )
    actions.answer_comment(
        by=manager,
        comment=evenings,
        version=evenings.version,
        response="Thank you. Each continuity team will run one evening clinic a week from next "
        "month, and we will report in the monthly review how many women use it.",
    )

    # The second: interpreters in place, recruitment and the on-call rota started.
    _set_status(
        manager,
        interpreters,
        Status.DONE,
        "Audit of 40 bookings that needed an interpreter: 38 had one booked in advance (95%).",
    )
    _set_status(manager, recruit, Status.IN_PROGRESS)
    _set_status(manager, on_call_rota, Status.IN_PROGRESS)
    _set_status(manager, core20_first, Status.IN_PROGRESS)
    second = sign(
        signed_months[1],
        "Interpreters are now booked for booking appointments that need one. Adverts for 12 "
        "midwives are out.",
        "Team leaders to check each month that women from Core20 areas are offered a place first.",
    )
    interpreting = actions.add_comment(
        by=voices,
        plan=plan,
        review=second,
        subject="Interpreters after booking",
        body="We welcome the interpreter audit. Women also told us an interpreter is not always "
        "booked for later visits, only for booking. Will the action cover every visit?",
    )
    actions.answer_comment(
        by=manager,
        comment=interpreting,
        version=interpreting.version,
        response="Yes. The next audit checks later visits too, and we will report the result "
        "in the monthly review.",
    )

    # The third: Core20 first in place; the on-call rota is due and not agreed.
    _set_status(
        manager,
        core20_first,
        Status.DONE,
        "Core20 postcodes are flagged on the referral list and the allocation report shows "
        "women from Core20 areas offered a place first.",
    )
    _set_status(manager, leaflet, Status.IN_PROGRESS)
    _change_risk(
        manager,
        fatigue,
        rating=Risk.Rating.HIGH,
        mitigation="A team on-call rota for nights is being agreed with staff side. Until then "
        "team leaders check call-outs weekly and protect rest after a night call-out.",
    )
    sign(
        signed_months[2],
        "The team on-call rota is due this month and not agreed: staff side want more time to "
        "consult. Midwives tell us nights on call are tiring.",
        "Escalate the on-call rota to the director of midwifery, to be agreed by the end of "
        "next month. On-call fatigue is now rated high.",
    )
    hub_comment = actions.add_comment(
        by=voices,
        plan=plan,
        subject="Care closer to home",
        body="Families have asked for care closer to where they live. When will the community "
        "hub open, and will women be asked what it should offer?",
    )
    actions.answer_comment(
        by=manager,
        comment=hub_comment,
        version=hub_comment.version,
        response="The hub depends on finding a building, which is on the plan's risks. We will "
        "hold two listening events with the partnership before its plans are agreed.",
    )

    # The last complete month: a draft, for the champion to finish and sign off in the demo.
    _set_status(manager, audit, Status.IN_PROGRESS)
    draft_figures = figures.for_month(plan, draft_month, snapshot)
    actions.save_review(
        by=champion,
        plan=plan,
        month=draft_month,
        version=0,
        comments=f"{_figures_text(draft_figures)} {_late_text(draft_figures)} To discuss with the "
        "director of midwifery before signing off.",
        decisions="",
    )
    counts["drafts"] = 1
    actions.add_comment(
        by=voices,
        plan=plan,
        subject="The on-call rota is late",
        body="The plan says the night on-call rota is late. What does this mean for women who "
        "were told their own midwife would be there for the birth?",
    )
    counts["comments"] = 4
    counts["awaiting"] = 1
