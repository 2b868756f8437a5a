"""The action plan's writes: versions with who changed what, refusals with specific messages,
sign-off by the champion only, reminders and the MVP's comment deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from continuity.accounts.models import Role
from continuity.core.models import AuditEvent
from continuity.governance import actions, figures
from continuity.governance import trajectory as tj
from continuity.governance.models import (
    MonthlyReview,
    PlanAction,
    PlanComment,
    PlanVersion,
    ReviewReminder,
)
from continuity.pregnancies.actions import ActionError, StaleRecord
from tests.factories import UserFactory
from tests.governance_helpers import plan_for, snapshot

pytestmark = pytest.mark.django_db


def test_trajectory_expects_a_straight_line_between_its_months_and_holds_the_aim():
    path = {"2026-06": 20, "2027-03": 35}
    assert tj.expected(path, "2026-05") is None  # before it starts
    assert tj.expected(path, "2026-06") == 20
    assert tj.expected(path, "2026-09") == 25  # 3 of 9 months: 20 + 15 x 3/9
    assert tj.expected(path, "2027-03") == 35
    assert tj.expected(path, "2027-08") == 35
    stepped = {**path, "2026-12": 30}
    assert tj.expected(stepped, "2026-09") == 25  # 20 + 10 x 3/6
    assert tj.expected(stepped, "2027-01") == 31.7  # 30 + 5 x 1/3


def test_every_change_is_a_version_with_who_and_what(world):
    plan, _champion, _mvp, _aim, action = plan_for(world)
    numbers = list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True))
    assert numbers == [3, 2, 1]  # created, aim, action: newest first
    actions.update_action(
        by=world.manager,
        action=action,
        version=action.version,
        title=action.title,
        detail="",
        owner=action.owner,
        due_date=action.due_date,
        status=PlanAction.Status.IN_PROGRESS,
        evidence="",
    )
    latest = PlanVersion.objects.filter(plan=plan).first()
    assert latest.number == 4 and latest.by == world.manager
    assert "Not started → In progress" in latest.change
    assert latest.content["actions"][0]["status"] == "in_progress"
    assert latest.content["aims"][0]["trajectory"] == {"2026-06": 20.0, "2027-03": 35.0}
    assert AuditEvent.objects.filter(action="governance.action.updated").count() == 1


def test_an_action_needs_an_owner_and_a_due_date(world):
    plan, *_ = plan_for(world)
    with pytest.raises(ActionError) as no_owner:
        actions.add_action(
            by=world.manager, plan=plan, title="X", owner="  ", due_date=date(2027, 1, 1)
        )
    assert no_owner.value.field == "owner"
    assert "who owns" in no_owner.value.message
    with pytest.raises(ActionError) as no_date:
        actions.add_action(by=world.manager, plan=plan, title="X", owner="Me", due_date=None)
    assert no_date.value.field == "due_date"
    assert PlanAction.objects.filter(plan=plan).count() == 1  # nothing added


def test_a_trajectory_cannot_go_backwards_in_time(world):
    plan, _c, _m, aim, _a = plan_for(world)
    with pytest.raises(ActionError) as backwards:
        actions.add_aim(
            by=world.manager,
            plan=plan,
            measure="COC_by_28weeks",
            group="BAME",
            start_month="2027-03",
            start_percent="30",
            target_month="2026-12",
            target_percent="75",
        )
    assert backwards.value.field == "target_month"
    assert "after the month you start from" in backwards.value.message
    with pytest.raises(ActionError) as outside:
        actions.set_step(by=world.manager, aim=aim, version=aim.version, month="2026-01", value=5)
    assert outside.value.field == "month"
    with pytest.raises(ActionError) as not_percent:
        actions.set_step(by=world.manager, aim=aim, version=aim.version, month="2026-12", value="x")
    assert not_percent.value.field == "percent"
    aim.refresh_from_db()
    assert aim.trajectory == {"2026-06": 20.0, "2027-03": 35.0}


def test_a_stale_edit_is_refused_naming_who_changed_it(world):
    _plan, _c, _m, aim, _a = plan_for(world)
    seen = aim.version
    actions.set_step(by=world.manager, aim=aim, version=seen, month="2026-12", value=28)
    with pytest.raises(StaleRecord) as stale:
        actions.set_step(by=world.manager, aim=aim, version=seen, month="2026-11", value=27)
    assert "changed by" in stale.value.message


def test_only_the_named_champion_signs_off_and_sign_off_freezes_rounded_figures(world):
    plan, champion, _mvp, _aim, _action = plan_for(world)
    snap = snapshot({"2026-09": (40, 180), "2026-10": (52, 190)}, through=date(2026, 11, 20))
    october = date(2026, 10, 1)
    frozen = figures.for_month(plan, october, snap)
    other_board = UserFactory(username="analyst", role=Role.BOARD)
    for outsider in (other_board, world.manager):
        with pytest.raises(actions.NotChampion):
            actions.sign_off(
                by=outsider,
                plan=plan,
                month=october,
                version=0,
                comments="Fine",
                decisions="",
                figures=frozen,
                today=date(2026, 11, 21),
            )
    assert not MonthlyReview.objects.filter(signed_off_at__isnull=False).exists()
    with pytest.raises(ActionError) as not_ended:
        actions.sign_off(
            by=champion,
            plan=plan,
            month=date(2026, 11, 1),
            version=0,
            comments="Too early",
            decisions="",
            figures=frozen,
            today=date(2026, 11, 21),
        )
    assert "ended" in not_ended.value.message
    review = actions.sign_off(
        by=champion,
        plan=plan,
        month=october,
        version=0,
        comments="Behind trajectory; recruitment is late.",
        decisions="Escalate recruitment to the board.",
        figures=frozen,
        today=date(2026, 11, 21),
    )
    assert review.signed_off_by == champion and review.plan_version == plan.version
    (row,) = review.figures["aims"]
    assert (row["numerator"], row["denominator"]) == (50, 190)  # 52 rounds to the nearest 5
    assert row["expected"] == 26.7 and row["status"] == "behind"  # 20 + 15 x 4/9
    assert [a["title"] for a in review.figures["actions"]["due"]] == ["Recruit six midwives"]
    with pytest.raises(ActionError):  # signed off once only
        actions.sign_off(
            by=champion,
            plan=plan,
            month=october,
            version=review.version,
            comments="Again",
            decisions="",
            figures=frozen,
            today=date(2026, 11, 21),
        )


def test_an_overdue_review_raises_one_reminder_which_sign_off_clears(world):
    plan, champion, *_ = plan_for(world)
    # The plan starts in June 2026: September's review is due by 25 October.
    assert actions.review_due_by(date(2026, 9, 1)) == date(2026, 10, 25)
    assert actions.raise_reminders(today=date(2026, 10, 25)) == 3  # June, July, August
    assert not ReviewReminder.objects.filter(month=date(2026, 9, 1)).exists()
    assert actions.raise_reminders(today=date(2026, 10, 26)) == 1  # and now September
    months = set(ReviewReminder.objects.values_list("month", flat=True))
    assert months == {date(2026, m, 1) for m in (6, 7, 8, 9)}
    assert actions.raise_reminders(today=date(2026, 10, 27)) == 0  # once per month
    actions.sign_off(
        by=champion,
        plan=plan,
        month=date(2026, 9, 1),
        version=0,
        comments="Reviewed late.",
        decisions="",
        figures={},
        today=date(2026, 10, 27),
    )
    assert ReviewReminder.objects.get(month=date(2026, 9, 1)).cleared_at is not None
    assert ReviewReminder.objects.get(month=date(2026, 6, 1)).cleared_at is None


def test_mvp_comments_have_a_deadline_are_answered_and_escalate_when_late(world):
    plan, _champion, mvp, *_ = plan_for(world)
    with pytest.raises(ActionError):
        actions.add_comment(by=world.manager, plan=plan, subject="Hi", body="Not an MVP member")
    comment = actions.add_comment(
        by=mvp, plan=plan, subject="Interpreters", body="<script>alert(1)</script> please"
    )
    assert comment.body == "<script>alert(1)</script> please"  # stored as written
    assert comment.respond_by > comment.received_at.date()
    assert actions.escalate_comments(today=comment.respond_by) == 0
    later = date.fromordinal(comment.respond_by.toordinal() + 1)
    assert actions.escalate_comments(today=later) == 1
    assert actions.escalate_comments(today=later) == 0  # once
    answered = actions.answer_comment(
        by=world.manager, comment=comment, version=comment.version, response="We will."
    )
    assert answered.status == PlanComment.Status.ANSWERED and answered.responded_by == world.manager
