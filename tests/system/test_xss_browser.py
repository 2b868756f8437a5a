"""The script payloads in a real browser (issue 10): with a payload in every free-text field, every
page that shows one is opened in Chromium, by the role that may open it, and nothing runs.

Before any page script, an init script replaces alert, confirm and prompt with recorders and
listens for Content Security Policy violations; Playwright also records any dialog. After each
page: no call, no dialog, no violation, `window.__xss` unset (two payloads set it), and the DOM
the browser built has no event-handler attribute, no `javascript:` URL and no injected element.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.test import Client

from tests.payloads import MARK, XssTexts, build_scene, choose_user, every_page

pytestmark = pytest.mark.browser

RECORDERS = """
window.__calls = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__calls.push(name + ":" + args.join(",")); return null; };
}
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# What the browser built: anything a payload would have added if it had not been escaped.
INJECTED = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on") || /^\\s*(javascript|vbscript):/i.test(a.value)) {
        found.push(el.tagName + " " + a.name + "=" + a.value.slice(0, 60));
      }
    }
  }
  for (const el of document.querySelectorAll("xss, iframe, object, embed")) {
    found.push(el.tagName);
  }
  for (const s of document.querySelectorAll("script:not([src])")) {
    if (!s.nonce) found.push("script without nonce: " + s.textContent.slice(0, 60));
  }
  return found;
}
"""


def pages_showing_payloads(world, scene):
    """{username: [(route, url)]}: each page that shows a payload, for the first role that may
    open it (found with Django's test client against the same database)."""
    client = Client()
    by_user: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for route, url in every_page(world, scene):
        username = choose_user(client, url)
        response = client.get(url)  # choose_user leaves that user signed in
        html = response.get("Content-Type", "").startswith("text/html")
        shown = html and MARK in response.content.decode()
        if username and response.status_code == 200 and shown:
            by_user[username].append((route, url))
    return by_user


def test_no_payload_runs_in_the_browser(page, sign_in, live_world, live_server):
    scene = build_scene(live_world, XssTexts())
    by_user = pages_showing_payloads(live_world, scene)
    assert sum(len(pages) for pages in by_user.values()) >= 25, by_user
    assert {"mw_a", "leader_a", "manager", "woman", "privacy"} <= set(by_user)
    dialogs: list[str] = []
    page.add_init_script(RECORDERS)  # runs before any script of every page this tab opens
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for username, pages in sorted(by_user.items()):
        page.context.clear_cookies()
        sign_in(username)
        for route, url in pages:
            response = page.goto(f"{live_server.url}{url}")
            where = f"{route} as {username}"
            assert response is not None and response.status == 200, where
            assert MARK in page.content(), where  # the payloads are on the page, as text
            state = page.evaluate(
                "() => [window.__calls, window.__violations, typeof window.__xss]"
            )
            assert state == [[], [], "undefined"], (where, state)
            assert page.evaluate(INJECTED) == [], where
    assert dialogs == []


def test_the_recorders_catch_a_payload_that_runs(page):
    """The same checks on a page that does not escape (served by Playwright, no CSP): the call,
    the flag and the injected attribute are all seen, so the test above can fail."""
    dialogs: list[str] = []
    page.add_init_script(RECORDERS)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    unsafe = f"<p>{MARK} <img src=x onerror=alert(1)><script>window.__xss = 1</script></p>"
    page.route(
        "http://xss.invalid/", lambda route: route.fulfill(body=unsafe, content_type="text/html")
    )
    page.goto("http://xss.invalid/")
    page.wait_for_function("() => window.__calls.length > 0")
    state = page.evaluate("() => [window.__calls, window.__violations, typeof window.__xss]")
    assert state == [["alert:1"], [], "number"]
    assert page.evaluate(INJECTED) == [
        "IMG onerror=alert(1)",
        "script without nonce: window.__xss = 1",
    ]
    assert dialogs == []  # the recorder answered instead of a real dialog
