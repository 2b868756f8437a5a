"""The Content Security Policy holds in a real browser: pages send it with a nonce, the one inline
script runs under that nonce, and no page triggers a policy violation."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_no_page_breaks_the_policy(sign_in, live_world, live_server):
    from django.urls import reverse

    violations: list[str] = []
    page = sign_in("mw_a")
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(f"{live_server.url}{reverse('caseloads:mine')}")
    header = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in header and "'nonce-" in header
    # The NHS.UK template's inline script carries the nonce, so it ran: the body says so.
    expect(page.locator("body")).to_have_class(re.compile("js-enabled"))
    for name in ("visits:today", "cover:mine", "pregnancies:book"):
        page.goto(f"{live_server.url}{reverse(name)}")
    assert violations == []


def test_other_roles_pages_keep_to_the_policy(sign_in, live_world, live_server):
    from django.urls import reverse

    for user, names in {
        "leader_a": ("allocation:queue", "cover:team", "visits:planner", "assurance:at-risk"),
        "manager": ("planning:index", "assurance:measures", "concerns:queue"),
        "woman": ("portal:home", "visits:mine", "plans:mine"),
    }.items():
        violations: list[str] = []
        page = sign_in(user)
        page.on(
            "console",
            lambda m, seen=violations: (
                seen.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        for name in names:
            page.goto(f"{live_server.url}{reverse(name)}")
        assert violations == [], (user, violations)
        page.context.clear_cookies()
