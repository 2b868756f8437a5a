"""The demo's continuity of carer action plan: written through the governance actions when the
demo loads, with reviews to read, one to sign off, comments to answer, and removed by
--flush-demo."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from continuity.accounts.models import Role, User
from continuity.core.models import AuditEvent
from continuity.demo.generator import DemoParams, generate
from continuity.demo.governance import seed_governance
from continuity.demo.load import flush_demo, load
from continuity.governance import actions
from continuity.governance import trajectory as tj
from continuity.governance.models import (
    ActionPlan,
    Aim,
    MonthlyReview,
    PlanAction,
    PlanComment,
    PlanVersion,
    Risk,
)
from continuity.planning.models import Scenario
from tests.governance_helpers import snapshot

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 18)
FAST = ("--births", "100", "--today", TODAY.isoformat(), "--no-plan", "--no-scenarios")


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _story() -> dict:
    """The plan as the demo tells it, without database ids: what must repeat for a seed."""
    plan = ActionPlan.objects.get()
    latest = PlanVersion.objects.filter(plan=plan).first().content
    for part in ("aims", "actions", "risks"):
        for row in latest[part]:
            row.pop("id")
            row.pop("completed_on", None)  # the day the action was marked done
    return {
        "plan": latest,
        "changes": list(
            PlanVersion.objects.filter(plan=plan)
            .order_by("number")
            .values_list("change", "by__username")
        ),
        "reviews": [
            (r.month, r.comments, r.decisions, r.plan_version, r.is_signed_off)
            for r in MonthlyReview.objects.order_by("month")
        ],
        "comments": list(
            PlanComment.objects.order_by("received_at").values_list("subject", "status")
        ),
    }


def test_the_demo_has_an_action_plan_to_review_and_comment_on():
    out = _demo(*FAST, "--seed", "3", "--no-measures")
    assert "Action plan: 3 aims, 8 actions, 4 risks and dependencies, 3 reviews signed off" in out
    assert "\nvoices " in out and "Maternity voices partnership member" in out
    manager = User.objects.get(username="manager")
    board = User.objects.get(username="board")
    voices = User.objects.get(username="voices")
    assert voices.role == Role.MVP and voices.is_active
    assert voices.check_password(_password())

    plan = ActionPlan.objects.get()
    assert plan.champion == board and plan.title == "Continuity of carer action plan"
    assert plan.summary

    # Aims: all women to 35% within a year, the priority groups to 75%, from January 2025 (about
    # six months ago); without measures the all-women aim starts from 20%.
    aims = {a.group: a for a in Aim.objects.filter(plan=plan)}
    assert set(aims) == {"total", "BAME", "Core20"}
    for aim in aims.values():
        assert len(aim.trajectory) >= 3 and min(aim.trajectory) == "2025-01"
    total = aims["total"].trajectory
    assert total["2025-01"] == 20.0 and max(total) in {"2025-10", "2025-11", "2025-12", "2026-01"}
    assert total[max(total)] == 35.0
    assert aims["BAME"].trajectory[max(aims["BAME"].trajectory)] == 75.0
    assert aims["Core20"].trajectory[max(aims["Core20"].trajectory)] == 75.0

    # Actions: owners, due dates from four months ago to six months ahead, some done with
    # evidence, one late, some linked to a continuity team or a priority group.
    plan_actions = list(PlanAction.objects.filter(plan=plan))
    assert 6 <= len(plan_actions) <= 8
    assert all(a.owner for a in plan_actions)
    assert min(a.due_date for a in plan_actions) >= date(2025, 2, 1)
    assert max(a.due_date for a in plan_actions) <= date(2025, 12, 31)
    late = [a for a in plan_actions if a.is_open and a.due_date < TODAY]
    assert [a.title for a in late] == ["Agree a team on-call rota for nights with staff side"]
    done = [a for a in plan_actions if a.status == PlanAction.Status.DONE]
    assert done and all(a.evidence and a.completed_on for a in done)
    assert len([a for a in plan_actions if a.status == PlanAction.Status.IN_PROGRESS]) >= 2
    assert {a.team.care_model for a in plan_actions if a.team} == {"continuity"}
    assert {a.group for a in plan_actions} >= {"BAME", "Core20"}

    risks = list(Risk.objects.filter(plan=plan))
    assert 3 <= len(risks) <= 4
    recruit = next(r for r in risks if r.kind == Risk.Kind.DEPENDENCY and r.midwives_needed)
    assert recruit.midwives_needed == 12 and recruit.scenario is None  # --no-scenarios

    # Reviews: February to April signed off by the champion, each freezing a later version of
    # the plan; May (the last complete month) is a draft for the champion to finish.
    signed = list(MonthlyReview.objects.filter(signed_off_at__isnull=False).order_by("month"))
    assert [r.month for r in signed] == [date(2025, m, 1) for m in (2, 3, 4)]
    assert all(r.signed_off_by == board and r.comments and r.decisions for r in signed)
    assert [r.figures["month"] for r in signed] == ["2025-02", "2025-03", "2025-04"]
    assert all(r.figures["snapshot_through"] is None for r in signed)
    assert "not available" in signed[0].comments
    versions = [r.plan_version for r in signed]
    assert versions == sorted(set(versions)) and versions[-1] < plan.version
    draft = MonthlyReview.objects.get(signed_off_at__isnull=True)
    assert draft.month == date(2025, 5, 1) and draft.comments and draft.version > 0
    assert "on-call rota" in draft.comments  # it is late by May
    assert AuditEvent.objects.filter(action="governance.review.signed_off").count() == 3
    assert actions.months_to_review(plan, TODAY)[-1] == date(2025, 5, 1)

    # The plan's history: every change a version, by the service manager, in the story's order.
    history = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.number for v in history] == list(range(1, plan.version + 1))
    assert {v.by for v in history} == {manager}
    assert history[0].change == "Plan created"
    assert any("In progress → Done" in v.change for v in history)
    assert AuditEvent.objects.filter(action="governance.action.updated", actor=manager).exists()

    # The MVP's comments: answered by the trust but the latest, which is still within its time.
    comments = list(PlanComment.objects.filter(plan=plan).order_by("received_at"))
    assert len(comments) == 4 and {c.author for c in comments} == {voices}
    awaiting = [c for c in comments if c.status == PlanComment.Status.AWAITING]
    assert awaiting == comments[-1:] and awaiting[0].respond_by > TODAY
    assert all(c.responded_by == manager and c.response for c in comments[:-1])
    on_review = [c for c in comments if c.review is not None]
    assert len(on_review) == 1 and on_review[0].review.is_signed_off


def test_the_plan_starts_from_the_measures_and_links_the_planning_scenario():
    load(generate(DemoParams(today=TODAY, births_per_year=100, seed=5)), password=_password())
    # The all-women rate in the three months to January: 50/200, 50/210 and 55/190 as the plan's
    # pages round them, so 26%; BAME women's small counts round up to 5 of 5 (held at 60%).
    months = {"2024-11": (50, 200), "2024-12": (52, 210), "2025-01": (55, 190)}
    months |= {f"2025-{m:02d}": (60, 220) for m in range(2, 7)}
    snap = snapshot(months, through=TODAY)
    manager = User.objects.get(username="manager")
    solve = Scenario.objects.create(
        name="How many teams for 35%?",
        kind=Scenario.Kind.SOLVE,
        replications=1,
        created_by=manager,
    )
    made = seed_governance(TODAY, 5)
    assert made == {
        "aims": 3,
        "actions": 8,
        "risks": 4,
        "reviews": 3,
        "drafts": 1,
        "comments": 4,
        "awaiting": 1,
    }
    aims = {a.group: a.trajectory for a in Aim.objects.all()}
    assert aims["total"]["2025-01"] == 26.0
    assert aims["BAME"]["2025-01"] == 60.0
    assert aims["Core20"]["2025-01"] == 28.0  # not in the snapshot: the default
    assert Risk.objects.get(midwives_needed=12).scenario == solve
    review = MonthlyReview.objects.get(month=date(2025, 2, 1))
    assert review.figures["snapshot_through"] == snap.through.isoformat()
    (row,) = [r for r in review.figures["aims"] if r["group"] == "total"]
    expected = tj.expected(aims["total"], "2025-02")
    assert 26 < expected < 27.3 and row["expected"] == expected
    assert row["rate"] == 27.3 and row["status"] == "on_track"  # 60/220, ahead of the trajectory
    gap = round(27.3 - expected, 1)
    said = f"all women 27.3% against a trajectory of {expected:g}% ({gap:g} points ahead)"
    assert said in review.comments
    # A second run leaves the plan alone.
    assert seed_governance(TODAY, 5)["aims"] == 0
    # Flushing removes the plan and the scenario it links, with the demo's users.
    deleted = flush_demo()
    assert deleted["governance.ActionPlan"] == 1 and deleted["governance.PlanVersion"] > 20
    assert not PlanComment.objects.exists() and not Scenario.objects.exists()
    assert not User.objects.filter(username__in=("voices", "board", "manager")).exists()


def test_flush_and_reload_gives_the_same_plan_for_the_same_seed():
    _demo(*FAST, "--seed", "4", "--no-measures")
    first = _story()
    out = _demo(*FAST, "--seed", "4", "--no-measures", "--flush-demo")
    assert "Flushed the demo" in out and ActionPlan.objects.count() == 1
    assert _story() == first
    assert User.objects.filter(username="voices").count() == 1


def _password() -> str:
    from django.conf import settings

    return settings.CONTINUITY["DEMO_PASSWORD"]
