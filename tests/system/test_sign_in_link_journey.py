"""Browser journey: a woman asks for a sign-in link and uses it. axe on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from continuity.notifications.models import OutboxMessage


def test_she_signs_in_with_a_link(page, live_world, check_a11y, live_server):
    woman = live_world.woman_a
    woman.email = "hannah@example.org"
    woman.save()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name="Sign in with a link sent to your phone or email").click()
    expect(page.get_by_label("Your email address or mobile number")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Your email address or mobile number").fill("hannah@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("we have sent you a link")).to_be_visible()
    check_a11y(page)
    link = OutboxMessage.objects.get(template="sign_in.link").personalisation["link"]
    path = "/" + link.split("/", 3)[3]
    page.goto(f"{live_server.url}{path}")
    check_a11y(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello {woman.given_name}")
    expect(page.get_by_role("link", name="My plan")).to_be_visible()
