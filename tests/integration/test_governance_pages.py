"""The action plan's staff and MVP pages: who may do what, specific errors on bad input, and
escaped display of what people typed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from continuity.governance.models import Aim, MonthlyReview, PlanAction, PlanComment, PlanVersion
from tests.governance_helpers import plan_for, snapshot

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def gov(world, settings):
    plan, champion, mvp, aim, action = plan_for(world)
    snapshot({"2026-09": (40, 180), "2026-10": (52, 190)}, through=date(2026, 11, 20))
    return world, plan, champion, mvp, aim, action


def test_each_role_sees_what_it_may(gov, client_for, client):
    world, _plan, champion, mvp, aim, action = gov
    staff_pages = [
        reverse("governance:plan"),
        reverse("governance:reviews"),
        reverse("governance:history"),
        reverse("governance:aim", kwargs={"pk": aim.pk}),
        reverse("governance:action", kwargs={"pk": action.pk}),
    ]
    for user in (world.manager, champion, world.leader_a.user):
        c = client_for(user)
        for url in staff_pages:
            assert c.get(url).status_code == 200, (user, url)
    for user in (mvp, world.midwife_a.user, world.woman_user, world.privacy):
        c = client_for(user)
        for url in staff_pages:
            assert c.get(url).status_code == 403, (user, url)
    # Only the service manager edits and answers; only MVP members comment.
    assert client_for(world.manager).get(reverse("governance:new-action")).status_code == 200
    for user in (champion, mvp, world.leader_a.user):
        c = client_for(user)
        assert c.get(reverse("governance:new-action")).status_code == 403
        assert c.get(reverse("governance:comments")).status_code == 403
    assert client_for(mvp).get(reverse("governance:voices")).status_code == 200
    assert client_for(world.manager).get(reverse("governance:voices")).status_code == 403
    client.logout()
    assert client.get(reverse("governance:plan")).status_code == 302  # to sign in


def test_mvp_members_comment_but_cannot_edit(gov, client_for):
    world, _plan, _champion, mvp, _aim, action = gov
    c = client_for(mvp)
    before = PlanVersion.objects.count()
    response = c.post(
        reverse("governance:action", kwargs={"pk": action.pk}),
        {
            "title": "Changed",
            "owner": "Me",
            "due_date[day]": "1",
            "due_date[month]": "1",
            "due_date[year]": "2027",
            "status": "done",
            "evidence": "x",
            "version": action.version,
        },
    )
    assert response.status_code == 403
    assert c.post(reverse("governance:new-aim"), {}).status_code == 403
    assert PlanVersion.objects.count() == before
    response = c.post(
        reverse("governance:voices"), {"subject": "Interpreters", "body": SCRIPT, "review": ""}
    )
    assert response.status_code == 302
    comment = PlanComment.objects.get()
    assert comment.author == mvp and comment.body == SCRIPT
    page = client_for(world.manager).get(reverse("governance:comment", kwargs={"pk": comment.pk}))
    html = page.content.decode()
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html


def test_only_the_champion_sees_the_sign_off_form_and_signs_off(gov, client_for):
    world, _plan, champion, _mvp, _aim, _action = gov
    url = reverse("governance:review", kwargs={"month": "2026-10"})
    other = client_for(world.manager)
    assert "Sign off and publish" not in other.get(url).content.decode()
    refused = other.post(url, {"comments": "x", "decisions": "", "version": 0, "sign_off": "1"})
    assert refused.status_code == 403
    c = client_for(champion)
    page = c.get(url).content.decode()
    assert "Sign off and publish" in page and "Recruit six midwives" in page
    missing = c.post(url, {"comments": "", "decisions": "", "version": 0, "sign_off": "1"})
    assert missing.status_code == 400
    assert "Write your comments on the month before signing off" in missing.content.decode()
    assert not MonthlyReview.objects.filter(signed_off_at__isnull=False).exists()
    draft = c.post(url, {"comments": "Draft " + SCRIPT, "decisions": "", "version": 0})
    assert draft.status_code == 302
    review = MonthlyReview.objects.get()
    assert review.signed_off_at is None and review.comments.startswith("Draft")
    done = c.post(
        url,
        {
            "comments": "Behind plan.",
            "decisions": "Recruit.",
            "version": review.version,
            "sign_off": "1",
        },
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.signed_off_by == champion and review.figures["month"] == "2026-10"
    page = c.get(url).content.decode()
    assert "Signed off by" in page and "Sign off and publish" not in page
    # A stale page (the old version) cannot sign again or overwrite.
    again = c.post(url, {"comments": "x", "decisions": "", "version": 1, "sign_off": "1"})
    assert again.status_code == 400


def test_bad_input_gets_specific_errors_and_loses_nothing(gov, client_for):
    world, _plan, _champion, _mvp, aim, _action = gov
    c = client_for(world.manager)
    no_owner = c.post(
        reverse("governance:new-action"),
        {
            "title": "Open a hub",
            "owner": "",
            "due_date[day]": "",
            "due_date[month]": "",
            "due_date[year]": "",
            "team": "",
            "group": "",
        },
    )
    assert no_owner.status_code == 400
    assert "Enter who owns the action" in no_owner.content.decode()
    assert "Enter the date the action is due" in no_owner.content.decode()  # both at once
    assert 'value="Open a hub"' in no_owner.content.decode()  # what was typed is kept
    no_date = c.post(
        reverse("governance:new-action"),
        {
            "title": "Open a hub",
            "owner": "Estates",
            "due_date[day]": "",
            "due_date[month]": "",
            "due_date[year]": "",
            "team": "",
            "group": "",
        },
    )
    assert "Enter the date the action is due" in no_date.content.decode()
    bad_date = c.post(
        reverse("governance:new-action"),
        {
            "title": "Open a hub",
            "owner": "Estates",
            "due_date[day]": "31",
            "due_date[month]": "2",
            "due_date[year]": "2027",
            "team": "",
            "group": "",
        },
    )
    assert bad_date.status_code == 400 and "must be a real date" in bad_date.content.decode()
    assert PlanAction.objects.count() == 1
    backwards = c.post(
        reverse("governance:new-aim"),
        {
            "measure": "COC_by_28weeks",
            "group": "Core20",
            "start_month": "2027-03",
            "start_percent": "30",
            "target_month": "2026-12",
            "target_percent": "75",
        },
    )
    assert backwards.status_code == 400
    assert "must come after the month you start from" in backwards.content.decode()
    over = c.post(
        reverse("governance:new-aim"),
        {
            "measure": "COC_by_28weeks",
            "group": "Core20",
            "start_month": "2026-12",
            "start_percent": "130",
            "target_month": "2027-12",
            "target_percent": "75",
        },
    )
    assert "from 0 to 100" in over.content.decode()
    assert Aim.objects.count() == 1
    outside = c.post(
        reverse("governance:aim", kwargs={"pk": aim.pk}),
        {"form": "step", "version": aim.version, "month": "2028-01", "percent": "30"},
    )
    assert outside.status_code == 400 and "Choose a month after" in outside.content.decode()
    junk_version = c.post(
        reverse("governance:aim", kwargs={"pk": aim.pk}),
        {"form": "step", "version": "x", "month": "2026-12", "percent": "30"},
    )
    assert junk_version.status_code == 400
    assert c.get(reverse("governance:review", kwargs={"month": "2026-13"})).status_code == 404
    assert c.get(reverse("governance:review", kwargs={"month": "2030-01"})).status_code == 404


def test_the_plan_page_escapes_what_people_typed(gov, client_for):
    world, _plan, _champion, _mvp, _aim, _action = gov
    c = client_for(world.manager)
    response = c.post(
        reverse("governance:new-action"),
        {
            "title": SCRIPT,
            "owner": SCRIPT,
            "due_date[day]": "1",
            "due_date[month]": "3",
            "due_date[year]": "2027",
            "team": "",
            "group": "",
        },
    )
    assert response.status_code == 302
    html = c.get(reverse("governance:plan")).content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;" in html
    history = c.get(reverse("governance:history")).content.decode()
    assert "<script>alert(" not in history and "Action added" in history


def test_an_overdue_review_shows_a_reminder_to_the_champion(gov, client_for):
    _world, _plan, champion, *_ = gov
    call_command("governance_reminders", "--today", "2026-11-21")
    page = client_for(champion).get(reverse("governance:reviews")).content.decode()
    assert "Reviews overdue" in page and "The review of September 2026 was due by" in page
    assert "The review of October 2026 was due" not in page  # due 25 November: not yet


def _action_post(action, title):
    return {
        "title": title,
        "owner": action.owner,
        "due_date[day]": "31",
        "due_date[month]": "10",
        "due_date[year]": "2026",
        "status": "in_progress",
        "evidence": "",
        "team": "",
        "group": "",
        "version": action.version,
    }


def test_two_people_editing_the_plan_the_second_is_refused_and_nothing_is_lost(gov, client_for):
    """Every governance form with a hidden version (the plan's details, an aim's trajectory, an
    action, a risk, an answer to the MVP, the champion's review): the second save from a page
    opened before the first is refused, says who changed it, and stores nothing."""
    world, plan, champion, mvp, aim, action = gov
    from continuity.governance import actions as gov_actions

    risk = gov_actions.add_risk(
        by=world.manager,
        plan=plan,
        kind="risk",
        description="Fatigue",
        mitigation="",
        owner="Lead",
        rating="high",
        midwives_needed=None,
        scenario=None,
    )
    comment = gov_actions.add_comment(by=mvp, plan=plan, subject="Hubs", body="Where?")
    plan.refresh_from_db()
    c = client_for(world.manager)
    cases = [
        (
            reverse("governance:edit-plan"),
            lambda v: {"title": "T", "summary": "", "champion": champion.pk, "version": v},
            plan.version,
        ),
        (
            reverse("governance:aim", kwargs={"pk": aim.pk}),
            lambda v: {"form": "step", "month": "2026-12", "percent": "27", "version": v},
            aim.version,
        ),
        (
            reverse("governance:action", kwargs={"pk": action.pk}),
            lambda v: {**_action_post(action, "Renamed"), "version": v},
            action.version,
        ),
        (
            reverse("governance:risk", kwargs={"pk": risk.pk}),
            lambda v: {
                "kind": "risk",
                "description": "Fatigue now",
                "mitigation": "",
                "owner": "Lead",
                "rating": "low",
                "status": "open",
                "midwives_needed": "",
                "scenario": "",
                "version": v,
            },
            risk.version,
        ),
        (
            reverse("governance:comment", kwargs={"pk": comment.pk}),
            lambda v: {"response": "Soon", "version": v},
            comment.version,
        ),
    ]
    for url, data, seen in cases:
        first = c.post(url, data(seen))
        assert first.status_code == 302, url
        versions = PlanVersion.objects.count()
        second = c.post(url, data(seen))  # the same, stale, version
        assert second.status_code == 400, url
        assert "changed since you opened it" in second.content.decode(), url
        assert "It was changed by" in second.content.decode(), url
        assert PlanVersion.objects.count() == versions, url
    review_url = reverse("governance:review", kwargs={"month": "2026-10"})
    champ = client_for(champion)
    assert (
        champ.post(review_url, {"comments": "A", "decisions": "", "version": 0}).status_code == 302
    )
    stale = champ.post(review_url, {"comments": "B", "decisions": "", "version": 0})
    assert stale.status_code == 400
    assert MonthlyReview.objects.get().comments == "A"


def test_trajectory_months_are_shown_as_words(gov, client_for):
    world, _plan, _champion, _mvp, aim, _action = gov
    c = client_for(world.manager)
    plan_page = c.get(reverse("governance:plan")).content.decode()
    aim_page = c.get(reverse("governance:aim", kwargs={"pk": aim.pk})).content.decode()
    for month, words in (("2026-06", "June 2026"), ("2027-03", "March 2027")):
        assert month in aim.trajectory
        assert f"by {words}" in plan_page and f"by {month}" not in plan_page
        assert f'<th scope="row">{words}</th>' in aim_page
