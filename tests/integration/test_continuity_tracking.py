"""Live continuity for each woman on a pathway, and the team leader's "Continuity at risk" page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from continuity.assurance import tracking
from continuity.core.models import AccessEvent
from continuity.pregnancies.models import CarePlanRecord, Contact, ContactProfessional

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("attended", "named", "to_come", "status"),
    [
        (0, 0, 5, tracking.NO_VISITS),
        (10, 7, 0, tracking.ON_TRACK),  # exactly 70%
        (9, 6, 0, tracking.CANNOT_REACH),  # 66.7% and nothing to come
        (9, 6, 1, tracking.AT_RISK),  # 7 of 10 is within reach
        (10, 6, 3, tracking.CANNOT_REACH),  # 9 of 13 = 69.2%
        (10, 6, 4, tracking.AT_RISK),  # 10 of 14 = 71.4%
        (3, 1, 1, tracking.CANNOT_REACH),  # 2 of 4
    ],
)
def test_status_boundaries(attended, named, to_come, status):
    assert tracking.status_for(attended, named, to_come) == status


def _plan(pregnancy, midwife, team, day, **fields):
    defaults = {"coc_pathway": "Y", "professional": midwife, "team": team}
    return CarePlanRecord.objects.create(
        pregnancy=pregnancy, plan_date=day, plan_type="05", **{**defaults, **fields}
    )


def _visit(pregnancy, day, midwife, attendance="5", **fields):
    contact = Contact.objects.create(
        pregnancy=pregnancy,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=datetime.combine(day, datetime.min.time(), LONDON) + timedelta(hours=10),
        attendance=attendance,
        **fields,
    )
    ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
    return contact


@pytest.fixture
def tracked(world):
    p = world.pregnancy_a
    p.booking_date = date(2026, 7, 1)
    p.ga_at_booking_days = 70
    p.edd = date(2027, 1, 26)
    p.save()
    _plan(p, world.midwife_a, world.team_a, date(2026, 8, 1))
    _visit(p, date(2026, 7, 20), world.midwife_b)  # before the plan: not counted
    _visit(p, date(2026, 8, 10), world.midwife_a)
    _visit(p, date(2026, 9, 10), world.buddy_a)  # her team: counts
    _visit(p, date(2026, 10, 10), world.midwife_b)  # another team
    _visit(p, date(2026, 10, 20), world.midwife_b)
    _visit(p, date(2026, 10, 25), world.midwife_b, attendance="2")  # cancelled: not counted
    _visit(p, date(2026, 11, 1), world.midwife_b, voided_at=datetime(2026, 11, 2, tzinfo=LONDON))
    return p


def test_her_share_counts_attended_visits_since_the_plan_by_her_named_midwife_or_team(
    world, tracked
):
    share = tracking.pregnancy_share(tracked, TODAY)
    assert share is not None
    assert (share.attended, share.with_named) == (4, 2)
    assert share.percent == 50.0
    assert share.to_come > 0  # her remaining antenatal and postnatal contacts
    assert share.status == tracking.status_for(4, 2, share.to_come)
    assert share.status == tracking.AT_RISK


def test_only_women_on_a_pathway_are_tracked(world, tracked):
    # A later plan with the indicator N takes her off the pathway.
    _plan(tracked, None, None, date(2026, 11, 1), coc_pathway="N")
    assert tracking.pregnancy_share(tracked, TODAY) is None
    # No professional recorded: not on the pathway either.
    assert tracking.pregnancy_share(world.pregnancy_b, TODAY) is None
    _plan(world.pregnancy_b, None, world.team_b, date(2026, 11, 1))
    assert tracking.pregnancy_share(world.pregnancy_b, TODAY) is None


def test_the_team_leader_sees_her_teams_women_at_risk_and_access_is_recorded(
    world, tracked, client_for
):
    client = client_for(world.leader_a.user)
    response = client.get("/continuity-at-risk/")
    assert response.status_code == 200
    text = response.content.decode()
    assert tracked.woman.full_name in text
    assert "2 of 4 (50%)" in text
    assert AccessEvent.objects.filter(
        user=world.leader_a.user, woman=tracked.woman, action=AccessEvent.Action.LIST
    ).exists()
    assert str(tracked.woman.nhs_number) not in text


def test_other_roles_cannot_see_the_list(world, tracked, client_for):
    assert client_for(world.midwife_a.user).get("/continuity-at-risk/").status_code == 403
    assert client_for(world.board).get("/continuity-at-risk/").status_code == 403


def test_a_manager_switches_between_her_teams(world, tracked, client_for):
    client = client_for(world.manager)
    text = client.get("/continuity-at-risk/?team=TB").content.decode()
    assert "Hillside" in text and tracked.woman.full_name not in text
    assert client.get("/continuity-at-risk/?team=NOPE").status_code == 404


def test_her_summary_shows_her_continuity_so_far(world, tracked, client_for):
    text = client_for(world.midwife_a.user).get(f"/women/{tracked.woman.ref}/").content.decode()
    assert "Continuity so far" in text
    assert "2 of her 4 visits since her care plan were with her named midwife or team (50%)" in text
    assert "At risk of falling below 70%" in text
