"""The published action plan in a browser, signed out: the plan page, a review and the printable
summary have zero axe violations, show what they are for, and the summary prints on one A4
page."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from continuity.governance import actions, figures
from tests.governance_helpers import add_bame_aim, plan_for, snapshot

TODAY = date(2026, 11, 21)


def _publish(world):
    """A plan with two aims, a year of figures (so the SPC chart shows), October signed off and
    an MVP comment answered and one awaiting."""
    plan, champion, mvp, _aim, _action = plan_for(world)
    add_bame_aim(world, plan)
    actions.add_risk(
        by=world.manager,
        plan=plan,
        kind="dependency",
        description="A team base in Hillside",
        mitigation="Estates are looking at two sites.",
        owner="Estates",
        rating="medium",
        midwives_needed=None,
        scenario=None,
    )
    months = {f"2025-{m:02d}": (30 + m, 180) for m in range(10, 13)}
    months.update({f"2026-{m:02d}": (35 + m, 185) for m in range(1, 10)})
    months["2026-10"] = (52, 190)
    snap = snapshot(months, through=date(2026, 11, 20))
    october = actions.sign_off(
        by=champion,
        plan=plan,
        month=date(2026, 10, 1),
        version=0,
        comments="Behind trajectory; recruitment is late.",
        decisions="Escalate recruitment to the board.",
        figures=figures.for_month(plan, date(2026, 10, 1), snap),
        today=TODAY,
    )
    answered = actions.add_comment(
        by=mvp, plan=plan, subject="Interpreters", body="Women need interpreters at visits."
    )
    actions.answer_comment(
        by=world.manager, comment=answered, version=answered.version, response="Booked."
    )
    actions.add_comment(
        by=mvp, plan=plan, subject="Recruitment", body="Why is it late?", review=october
    )
    return plan


def test_the_published_plan_pages_are_accessible(live_world, live_server, page, check_a11y):
    _publish(live_world)
    page.goto(f"{live_server.url}/public/continuity/plan/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our continuity of carer plan"
    assert page.get_by_role("heading", name="The latest review: October 2026").is_visible()
    assert page.get_by_text("Signed off by Chris Champion, board safety champion").is_visible()
    assert page.get_by_text("A member of the maternity voices partnership").first.is_visible()
    assert page.get_by_role(
        "link", name="Follow the monthly reviews (Atom feed)"
    ).first.is_visible()
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    # The chart's numbers are a click away, in a table.
    page.get_by_text("The numbers behind this chart").click()
    assert page.get_by_role(
        "table", name="Placed on a continuity of carer pathway by 29 weeks by month"
    ).is_visible()
    check_a11y(page)

    page.get_by_role("link", name="The review of October 2026 on its own page").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Review of October 2026"
    assert page.get_by_role(
        "table", name="Figures against our trajectory, October 2026"
    ).is_visible()
    assert page.get_by_text("Why is it late?").is_visible()
    check_a11y(page)


def test_the_summary_is_accessible_and_prints_on_one_page(
    live_world, live_server, page, check_a11y
):
    _publish(live_world)
    page.goto(f"{live_server.url}/public/continuity/summary/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "How we are doing on continuity of carer"
    assert page.get_by_text("we are behind plan").is_visible()
    assert page.get_by_text("Escalate recruitment to the board.").is_visible()
    check_a11y(page)
    page.emulate_media(media="print")
    assert not page.locator(".nhsuk-header").is_visible()  # printed without the site's header
    printed = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(printed.pages) == 1
    assert "How we are doing on continuity of carer" in printed.pages[0].extract_text()
