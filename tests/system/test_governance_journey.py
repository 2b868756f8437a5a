"""Browser journeys through the action plan: the champion reviews and signs off the month; the
service manager keeps the plan up to date; an MVP member comments. axe on every page."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from continuity.governance.models import MonthlyReview, PlanAction, PlanComment
from tests.governance_helpers import plan_for, snapshot


def _plan(world):
    found = plan_for(world)
    today = date.today()
    months = {}
    for back in range(1, 7):
        index = today.year * 12 + today.month - 1 - back
        months[f"{index // 12}-{index % 12 + 1:02d}"] = (40 + 2 * back, 180)
    snapshot(months, through=today)
    return found


def _last_month() -> str:
    today = date.today()
    index = today.year * 12 + today.month - 2
    return f"{index // 12}-{index % 12 + 1:02d}"


def test_review_and_sign_off_this_months_plan(sign_in, live_world, check_a11y, live_server):
    plan, champion, *_ = _plan(live_world)
    page = sign_in("champion")
    page.get_by_role("link", name="Action plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our continuity plan")
    check_a11y(page)
    page.get_by_role("link", name="Monthly reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly reviews")
    check_a11y(page)
    month = _last_month()
    page.locator(f"a[href$='/reviews/{month}/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of")
    expect(page.get_by_role("table").first).to_contain_text("Placed on a continuity")
    check_a11y(page)
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Your comments on the month").fill(
        "Below the trajectory for a second month; recruitment is behind."
    )
    page.get_by_label("Decisions").fill("Ask the workforce lead for a recovery plan by next month.")
    page.get_by_role("button", name="Save a draft").click()
    expect(page.get_by_text("Your draft was saved")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.get_by_text("You signed off the review")).to_be_visible()
    expect(page.get_by_text("Signed off by Chris Champion")).to_be_visible()
    check_a11y(page)
    review = MonthlyReview.objects.get(plan=plan)
    assert review.signed_off_by == champion and review.figures["month"] == month
    # Published straight away, without sign-in.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/continuity/plan/")
    expect(page.get_by_text("Ask the workforce lead for a recovery plan")).to_be_visible()
    check_a11y(page)


def test_the_service_manager_keeps_the_plan_up_to_date(sign_in, live_world, check_a11y):
    action = _plan(live_world)[4]
    page = sign_in("manager")
    page.get_by_role("link", name="Action plan").first.click()
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("button", name="Add the action")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter who owns the action")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Action", exact=True).fill("Open a community hub in Eastfield")
    page.get_by_label("Owner").fill("Estates lead")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("link", name="Open a community hub in Eastfield")).to_be_visible()
    page.get_by_role("link", name="Recruit six midwives").click()
    expect(page.get_by_label("Done")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("link", name="Say what shows the action is done")).to_be_visible()
    page.get_by_label("Evidence").fill("Six midwives started on 1 October.")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("The action was saved.")).to_be_visible()
    action.refresh_from_db()
    assert action.status == PlanAction.Status.DONE
    page.get_by_role(
        "link", name="Placed on a continuity of carer pathway by 29 weeks: All women"
    ).click()
    expect(page.get_by_label("Percentage aimed for that month")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Month", exact=True).select_option(label="December 2026")
    page.get_by_label("Percentage aimed for that month").fill("28")
    page.get_by_role("button", name="Save the month").click()
    expect(page.get_by_text("The trajectory was updated.")).to_be_visible()
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name="Changes to the plan").click()
    expect(page.get_by_text("2026-12 set to 28%")).to_be_visible()
    check_a11y(page)


def test_an_mvp_member_comments_and_sees_the_answer(sign_in, live_world, check_a11y):
    _plan(live_world)
    page = sign_in("mvp")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our comments on the continuity plan")
    check_a11y(page)
    page.get_by_label("Title").fill("Interpreters at booking")
    page.get_by_label("Your comment").fill("Women tell us interpreters are not booked in time.")
    page.get_by_role("button", name="Send the comment").click()
    expect(page.get_by_text("Thank you. The trust will answer by")).to_be_visible()
    check_a11y(page)
    comment = PlanComment.objects.get()
    assert comment.author.username == "mvp"
