"""Emergency access from the caseload, and its review by the privacy officer, with axe."""

from __future__ import annotations

from playwright.sync_api import expect


def test_emergency_access_and_its_review(sign_in, live_world, check_a11y, browser):
    woman = live_world.pregnancy_b.woman
    page = sign_in("mw_a")
    page.get_by_role("link", name="Emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")
    check_a11y(page)
    page.get_by_label("Her NHS number").fill(woman.nhs_number)
    page.get_by_role("button", name="Open her record").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give the reason")
    check_a11y(page)
    page.get_by_label("Why you need her record now").fill(
        "She has come to triage in labour and her team cannot be reached"
    )
    page.get_by_label("I understand that this access is recorded").check()
    page.get_by_role("button", name="Open her record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(woman.full_name)
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("emergency access")
    check_a11y(page)

    privacy = browser.new_context(locale="en-GB").new_page()
    base = page.url.split("/women/")[0]
    privacy.goto(f"{base}/sign-in/")
    privacy.get_by_label("Username").fill("privacy")
    privacy.get_by_label("Password").fill("test-password-123")
    privacy.get_by_role("button", name="Sign in").click()
    expect(privacy.get_by_role("heading", name="Emergency access to review")).to_be_visible()
    check_a11y(privacy)
    privacy.get_by_role("link", name="Review emergency access by").click()
    check_a11y(privacy)
    privacy.get_by_label("Appropriate").check()
    privacy.get_by_role("button", name="Record the review").click()
    expect(privacy.get_by_text("No emergency access is waiting for review")).to_be_visible()
