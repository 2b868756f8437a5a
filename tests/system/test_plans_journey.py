"""Browser journeys through the personalised plan: the woman writes her birth preferences with
the keyboard alone; her midwife reads the plan, records the discussion and agrees the section.
axe on every page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from continuity.plans import actions, headings
from continuity.plans.models import PlanSection
from continuity.pregnancies.models import CarePlanRecord


def tab_to(page: Page, text: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's text or label contains `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
                return (el.innerText || el.value || "") + " " + label;
            }"""
        )
        if text in focused:
            return
    raise AssertionError(f"could not reach {text!r} with the Tab key")


def test_she_writes_her_birth_preferences_with_the_keyboard_only(sign_in, live_world, check_a11y):
    page = sign_in("woman")
    tab_to(page, "My plan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    check_a11y(page)
    tab_to(page, "My birth preferences")
    page.keyboard.type("Dim lights and the birth pool, please.")
    tab_to(page, "Save my birth")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved. Your midwife will see it")).to_be_visible()
    expect(page.get_by_label("My birth preferences")).to_have_value(
        "Dim lights and the birth pool, please."
    )
    check_a11y(page)


def test_her_midwife_reviews_and_agrees_a_section(sign_in, live_world, check_a11y, live_server):
    world = live_world
    actions.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key="antenatal",
        texts={"what_matters": "Evening visits so my partner can come."},
        writer=headings.WOMAN,
    )
    page = sign_in("mw_a")
    page.goto(f"{live_server.url}/women/{world.woman_a.ref}/")
    page.get_by_role("link", name="Her plan: read it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personalised care plan")
    expect(page.get_by_text("Evening visits so my partner can come.")).to_be_visible()
    check_a11y(page)
    page.get_by_text("Write your part of my pregnancy").click()
    page.locator("#screening").fill("Combined screening accepted.")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_text("Record a discussion of my pregnancy").click()
    page.locator("#antenatal-note").fill("Talked through visits in the evening.")
    page.get_by_role("button", name="Record the discussion").first.click()
    expect(page.get_by_text("Discussion recorded.")).to_be_visible()
    page.get_by_role("button", name="She agrees my pregnancy").click()
    expect(
        page.get_by_text("Agreed. The care plan record for this part has been written.")
    ).to_be_visible()
    check_a11y(page)
    section = PlanSection.objects.get(pregnancy=world.pregnancy_a, key="antenatal")
    assert section.status == PlanSection.Status.AGREED
    assert CarePlanRecord.objects.filter(
        pregnancy=world.pregnancy_a, plan_type="05", personalised_plan="Y"
    ).exists()
