"""Browser journeys through concerns: she raises one and follows it; staff triage, acknowledge
and answer it. axe on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from continuity.concerns.models import Concern


def test_she_raises_a_concern_and_follows_it(sign_in, live_world, check_a11y):
    page = sign_in("woman")
    page.get_by_role("link", name="Tell us").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us")
    check_a11y(page)
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_a11y(page)
    page.get_by_label("In a few words, what is it about?").fill("Nobody came to my visit")
    page.get_by_label("Tell us what happened").fill("I waited all afternoon on Tuesday.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nobody came to my visit")
    expect(page.get_by_text("We will acknowledge it by")).to_be_visible()
    check_a11y(page)


def test_staff_triage_acknowledge_and_answer(sign_in, live_world, check_a11y, live_server):
    world = live_world
    from continuity.concerns import actions

    concern = actions.raise_concern(
        by=world.woman_user,
        woman=world.woman_a,
        pregnancy=world.pregnancy_a,
        summary="Visits keep moving",
        details="Three times this month.",
        raised_for=Concern.RaisedFor.HERSELF,
    )
    page = sign_in("mw_a")
    page.get_by_role("link", name="My caseload").first.click()
    page.get_by_role("link", name="Concerns").click()
    expect(page.get_by_role("link", name="Visits keep moving")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Visits keep moving").click()
    page.get_by_label("Theme").select_option("access")
    page.get_by_role("button", name="Save owner and theme").click()
    expect(page.get_by_text("Owner and theme saved.")).to_be_visible()
    page.get_by_label("Acknowledgement she will read").fill("Thank you, I am looking into it.")
    page.get_by_role("button", name="Send the acknowledgement").click()
    expect(page.get_by_text("Acknowledged. She can see it on her pages.")).to_be_visible()
    page.get_by_label("Response she will read").fill("We are sorry; your visits are fixed now.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Response sent.")).to_be_visible()
    check_a11y(page)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RESPONDED
