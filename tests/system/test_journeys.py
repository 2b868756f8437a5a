"""Journeys through every page built so far, each checked with axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from continuity.core.models import AccessEvent


def test_sign_in_page_and_errors_are_accessible(page, live_server, live_world, check_a11y):
    page.goto(f"{live_server.url}/sign-in/")
    expect(page).to_have_title("Sign in – Continuity – NHS")
    check_a11y(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Error: Sign in – Continuity – NHS")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter your username")
    check_a11y(page)
    summary.get_by_role("link", name="Enter your username").click()
    expect(page.get_by_label("Username")).to_be_focused()


def test_midwife_caseload_to_woman_summary(sign_in, live_server, live_world, check_a11y):
    page = sign_in("mw_a")
    expect(page).to_have_title("My caseload – Continuity – NHS")
    woman = live_world.woman_a
    expect(page.get_by_role("link", name=woman.full_name)).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Gestation").click()
    expect(page.locator("th[aria-sort]")).to_contain_text("Gestation")
    page.get_by_role("link", name="As buddy").click()
    expect(page.locator("strong[aria-current=page]")).to_have_text("As buddy")
    check_a11y(page)
    page.get_by_role("link", name="As named midwife").click()
    page.get_by_role("link", name=woman.full_name).click()
    expect(page).to_have_title(f"{woman.full_name} – Continuity – NHS")
    expect(page.get_by_role("main").get_by_text("Ann Named", exact=True)).to_be_visible()
    assert woman.nhs_number not in page.url
    check_a11y(page)
    assert AccessEvent.objects.filter(woman=woman, action="view").count() == 1


def test_book_a_pregnancy_with_errors_then_success(sign_in, live_server, live_world, check_a11y):
    page = sign_in("mw_a")
    page.get_by_role("link", name="Book a pregnancy").first.click()
    expect(page).to_have_title("Book a pregnancy – Continuity – NHS")
    check_a11y(page)
    page.get_by_label("NHS number").fill("999 000 0019")
    page.get_by_label("Postcode").fill("nope")
    page.get_by_role("button", name="Book pregnancy").click()
    expect(page).to_have_title("Error: Book a pregnancy – Continuity – NHS")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("check digit")
    check_a11y(page)
    page.get_by_label("NHS number").fill("999 000 0018")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Okafor")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("15")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("1994")
    page.get_by_label("Postcode").fill("NB1 2AB")
    page.get_by_label("Ethnic category").select_option("N")
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    edd = today + timedelta(days=217)
    for legend, d in (("Booking date", today), ("Estimated due date", edd)):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(d.day))
        group.get_by_label("Month").fill(str(d.month))
        group.get_by_label("Year").fill(str(d.year))
    page.get_by_role("button", name="Book pregnancy").click()
    expect(page).to_have_title("Grace Okafor – Continuity – NHS")
    expect(page.get_by_text("allocation queue")).to_be_visible()
    check_a11y(page)


def test_team_leader_team_pages(sign_in, live_world, check_a11y):
    page = sign_in("leader_a")
    expect(page).to_have_title("Teams – Continuity – NHS")
    check_a11y(page)
    page.get_by_role("link", name="Riverside").click()
    expect(page).to_have_title("Riverside – Continuity – NHS")
    expect(page.get_by_role("link", name=live_world.woman_a.full_name)).to_be_visible()
    check_a11y(page)


def test_out_of_team_midwife_sees_not_found(sign_in, live_server, live_world, check_a11y):
    page = sign_in("mw_b")
    response = page.goto(f"{live_server.url}/women/{live_world.woman_a.ref}/")
    assert response.status == 404
    expect(page).to_have_title("Page not found – Continuity – NHS")
    check_a11y(page)
    page.goto(f"{live_server.url}/access-review/")
    expect(page).to_have_title(re.compile("You do not have permission"))
    check_a11y(page)


def test_board_privacy_and_static_pages(sign_in, live_server, live_world, check_a11y):
    page = sign_in("board")
    expect(page).to_have_title("Service overview – Continuity – NHS")
    check_a11y(page)
    for path, title in (("/accessibility/", "Accessibility statement"), ("/privacy/", "Privacy")):
        page.goto(live_server.url + path)
        expect(page).to_have_title(f"{title} – Continuity – NHS")
        check_a11y(page)
    page.goto(f"{live_server.url}/sign-out/")
    check_a11y(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Sign in – Continuity – NHS")
    page = sign_in("privacy")
    expect(page).to_have_title("Access review – Continuity – NHS")
    check_a11y(page)


def test_woman_sees_her_midwives_and_access_history(sign_in, live_world, check_a11y):
    page = sign_in("woman")
    expect(page).to_have_title("My pregnancy – Continuity – NHS")
    expect(page.get_by_text("Ann Named", exact=False).first).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="See who has looked at your record").click()
    expect(page).to_have_title("Who has looked at my record – Continuity – NHS")
    check_a11y(page)


def test_pages_work_without_javascript(browser, live_server, live_world):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("mw_a")
    page.get_by_label("Password").fill("test-password-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("My caseload – Continuity – NHS")
    context.close()
