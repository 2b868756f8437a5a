"""Browser tests: Playwright driving Debian's chromium, with axe accessibility checks.

Without chromium they are skipped with a message, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from tests import factories

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
PASSWORD = "test-password-123"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# What Chromium says when axe was started on a page that a click is still replacing.
MID_NAVIGATION = ("Execution context was destroyed", "reading 'documentElement'")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/system/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _require_chromium():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true and Debian chromium is not installed (apt-get install -y chromium)"
            )
        pytest.skip("chromium is not installed: apt-get install -y chromium to run browser tests")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def live_world(transactional_db):
    return factories.build_world()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_a11y(axe):
    """Assert zero axe violations (WCAG 2.0–2.2 A and AA rules) on the current page."""

    def run(page):
        # A click that follows a link returns before the next page has loaded, so wait
        # for it; if axe still lands mid-navigation, run it again on the page that loaded.
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        for _ in range(2):
            page.wait_for_load_state()
            try:
                return axe.run(page, options=options)
            except PlaywrightError as error:
                if not any(sign in str(error) for sign in MID_NAVIGATION):
                    raise
                page.wait_for_timeout(100)
        page.wait_for_load_state()
        return axe.run(page, options=options)

    def check(page):
        results = run(page)
        violations = results.response["violations"]
        summary = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]
        assert violations == [], f"{page.url}: {json.dumps(summary, indent=1)}"

    return check


@pytest.fixture
def sign_in(page, live_server):
    def do(username):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return do
