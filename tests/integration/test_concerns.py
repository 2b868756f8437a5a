"""Concerns: raised by her or for her, deadlines in working days across weekends and bank
holidays, triage, acknowledgement, answer, escalation when late, scoping and bad input."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from continuity.accounts.models import Role
from continuity.concerns import actions
from continuity.concerns.models import Concern, ConcernEvent
from continuity.core.models import AccessEvent, AuditEvent
from continuity.pregnancies.actions import ActionError, StaleRecord
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("received", "acknowledge_by", "respond_by"),
    [
        # Tuesday morning: Thursday; 25 working days later.
        (datetime(2026, 6, 9, 10, 0, tzinfo=LONDON), date(2026, 6, 11), date(2026, 7, 14)),
        # Friday after 17:00 counts from Monday: acknowledge by Wednesday.
        (datetime(2026, 6, 12, 17, 30, tzinfo=LONDON), date(2026, 6, 17), date(2026, 7, 20)),
        # Saturday: from Monday, as if received then.
        (datetime(2026, 6, 13, 9, 0, tzinfo=LONDON), date(2026, 6, 17), date(2026, 7, 20)),
        # Thursday before Easter: Good Friday and Easter Monday are not working days.
        (datetime(2026, 4, 2, 12, 0, tzinfo=LONDON), date(2026, 4, 8), date(2026, 5, 12)),
        # Christmas Eve 2026 (Thursday): Christmas Day, the weekend and Boxing Day's substitute.
        (datetime(2026, 12, 24, 9, 0, tzinfo=LONDON), date(2026, 12, 30), date(2027, 2, 2)),
    ],
)
def test_deadlines_count_working_days(received, acknowledge_by, respond_by):
    assert actions.deadlines(received) == (acknowledge_by, respond_by)


def _raise(world, **kw):
    defaults = {
        "by": world.woman_user,
        "woman": world.woman_a,
        "pregnancy": world.pregnancy_a,
        "summary": "My visit was cancelled twice",
        "details": "Nobody told me why.",
        "raised_for": Concern.RaisedFor.HERSELF,
    }
    return actions.raise_concern(**{**defaults, **kw})


def test_she_raises_a_concern_and_follows_it(world, client_for):
    client = client_for(world.woman_user)
    response = client.post(
        "/my/tell-us/new/", {"summary": "Visits keep moving", "details": "Three times."}
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.status == Concern.Status.RECEIVED and concern.woman == world.woman_a
    page = client.get(f"/my/tell-us/{concern.pk}/").content.decode()
    assert "Visits keep moving" in page and "Received" in page
    # Staff answer it; she sees the acknowledgement and the answer, not internal steps.
    leader = world.leader_a.user
    actions.triage(
        by=leader,
        concern=concern,
        version=concern.version,
        owner=leader,
        theme=Concern.Theme.ACCESS,
    )
    concern.refresh_from_db()
    actions.acknowledge(
        by=leader,
        concern=concern,
        version=concern.version,
        message="Thank you. I am looking into this.",
    )
    concern.refresh_from_db()
    actions.respond(
        by=leader,
        concern=concern,
        version=concern.version,
        response="We are sorry. Your visits are now with your midwife.",
        we_did="Visits are moved only with the woman's agreement.",
    )
    page = client.get(f"/my/tell-us/{concern.pk}/").content.decode()
    assert "I am looking into this" in page and "Your visits are now with your midwife" in page
    assert "Answered" in page
    listing = client.get("/my/tell-us/").content.decode()
    assert "Visits keep moving" in listing


def test_staff_raise_for_her_and_handle_it_on_the_page(world, client_for):
    client = client_for(world.midwife_a.user)
    url = f"/women/{world.woman_a.ref}/concerns/new/"
    response = client.post(
        url,
        {
            "raised_for": "family",
            "summary": "Partner unhappy",
            "details": "Her partner called about the birth plan.",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.raised_for == "family" and concern.raised_by == world.midwife_a.user
    detail = f"/concerns/{concern.pk}/"
    response = client.post(
        detail,
        {
            "step": "triage",
            "version": concern.version,
            "triage-owner": world.leader_a.user.pk,
            "triage-theme": "communication",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.owner == world.leader_a.user and concern.status == Concern.Status.TRIAGED
    assert AccessEvent.objects.filter(user=world.midwife_a.user, woman=world.woman_a).exists()


def test_staff_outside_her_care_cannot_see_her_concerns(world, client_for):
    concern = _raise(world)
    assert client_for(world.midwife_b.user).get(f"/concerns/{concern.pk}/").status_code == 404
    assert (
        "My visit was cancelled twice"
        not in client_for(world.midwife_b.user).get("/concerns/").content.decode()
    )
    assert client_for(world.board).get("/concerns/").status_code == 403
    # Another woman cannot open it either.
    other = world.pregnancy_b.woman
    other.user = factories.UserFactory(username="woman_b", role=Role.WOMAN)
    other.save()
    assert client_for(other.user).get(f"/my/tell-us/{concern.pk}/").status_code == 404
    assert client_for(world.woman_user).get(f"/my/tell-us/{concern.pk}/").status_code == 200


def test_bad_input_is_refused_with_nothing_lost(world, client_for):
    client = client_for(world.woman_user)
    long = "x" * 4001
    response = client.post("/my/tell-us/new/", {"summary": "", "details": long})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "Give your concern a short title" in text
    assert long in text
    assert not Concern.objects.exists()
    payload = "<script>alert(1)</script>"
    client.post("/my/tell-us/new/", {"summary": payload, "details": payload})
    concern = Concern.objects.get()
    assert concern.summary == payload
    page = client.get(f"/my/tell-us/{concern.pk}/").content.decode()
    assert payload not in page and "&lt;script&gt;" in page


def test_a_stale_step_is_refused(world):
    concern = _raise(world)
    leader = world.leader_a.user
    actions.acknowledge(by=leader, concern=concern, version=concern.version, message="Got it")
    with pytest.raises(StaleRecord):
        actions.acknowledge(by=leader, concern=concern, version=concern.version, message="Again")
    concern.refresh_from_db()
    with pytest.raises(ActionError, match="already been acknowledged"):
        actions.acknowledge(by=leader, concern=concern, version=concern.version, message="Again")


def test_late_concerns_are_escalated_once(world, capsys):
    received = datetime(2026, 6, 12, 17, 30, tzinfo=LONDON)  # acknowledge by Wed 17 June
    concern = _raise(world, received_at=received)
    assert actions.escalate_overdue(today=date(2026, 6, 17)) == 0
    assert actions.escalate_overdue(today=date(2026, 6, 18)) == 1
    assert actions.escalate_overdue(today=date(2026, 6, 19)) == 0  # once
    concern.refresh_from_db()
    assert concern.escalated_at is not None
    event = ConcernEvent.objects.get(concern=concern, kind="escalated")
    assert not event.shown_to_her and "acknowledged" in event.note
    assert AuditEvent.objects.filter(action="concern.escalated").exists()
    call_command("escalate_concerns")
    assert "Escalated 0 concern(s)." in capsys.readouterr().out


def test_you_said_we_did_shows_changes_without_personal_data(world, client_for):
    concern = _raise(world)
    leader = world.leader_a.user
    actions.triage(
        by=leader,
        concern=concern,
        version=concern.version,
        owner=leader,
        theme=Concern.Theme.CONTINUITY,
    )
    concern.refresh_from_db()
    actions.respond(
        by=leader,
        concern=concern,
        version=concern.version,
        response="Sorry.",
        we_did="Buddies now cover each other's visits.",
    )
    text = client_for(world.board).get("/concerns/you-said-we-did/").content.decode()
    assert "Buddies now cover each other" in text and "Seeing the same midwife" in text
    assert world.woman_a.family_name not in text and "cancelled twice" not in text
