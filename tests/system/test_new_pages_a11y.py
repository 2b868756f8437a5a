"""axe on the pages added for plans, referrals, feedback and concerns that the journeys do not
visit: every page we add has zero violations."""

from __future__ import annotations

from continuity.concerns import actions as concern_actions
from continuity.concerns.models import Concern
from continuity.feedback import actions as feedback_actions
from continuity.plans import actions as plan_actions
from continuity.plans import headings
from continuity.referrals import actions as referral_actions


def _seed(world):
    plan_actions.save_headings(
        by=world.woman_user,
        pregnancy=world.pregnancy_a,
        section_key="birth",
        texts={"birth_partners": "My sister"},
        writer=headings.WOMAN,
    )
    referral_actions.make_referral(
        by=world.midwife_a.user,
        pregnancy=world.pregnancy_a,
        service="diabetes",
        site_id=world.site.pk,
        urgency="routine",
        reason="Raised glucose result.",
    )
    concern = concern_actions.raise_concern(
        by=world.woman_user,
        woman=world.woman_a,
        pregnancy=world.pregnancy_a,
        summary="Parking",
        details="Hard to park.",
        raised_for=Concern.RaisedFor.HERSELF,
    )
    concern_actions.respond(
        by=world.leader_a.user,
        concern=concern,
        version=concern.version,
        response="Sorry.",
        we_did="More parking for visitors.",
    )
    return feedback_actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="birth")


def test_staff_pages(sign_in, live_world, check_a11y, live_server):
    _seed(live_world)
    page = sign_in("mw_a")
    for path in (
        "/referrals/",
        f"/women/{live_world.woman_a.ref}/place-of-birth/",
        f"/women/{live_world.woman_a.ref}/concerns/new/",
        "/concerns/?show=all",
        "/caseload/",
    ):
        page.goto(f"{live_server.url}{path}")
        check_a11y(page)


def test_board_pages(sign_in, live_world, check_a11y, live_server):
    _seed(live_world)
    page = sign_in("board")
    page.goto(f"{live_server.url}/concerns/you-said-we-did/")
    check_a11y(page)


def test_her_pages(sign_in, live_world, check_a11y, live_server, page):
    request = _seed(live_world)
    page.goto(f"{live_server.url}/feedback/{request.token}/")  # by the link, not signed in
    check_a11y(page)
    page = sign_in("woman")
    for path in ("/my/plan/print/", "/my/feedback/", "/my/tell-us/", "/my/tell-us/new/"):
        page.goto(f"{live_server.url}{path}")
        check_a11y(page)
