"""Allocation in the app: the queue, accepting and overriding, declines, capacity and handover."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from continuity.allocation import engine_io, queries
from continuity.allocation.models import AllocationDecision, Handover
from continuity.core.models import AccessEvent, AuditEvent
from continuity.notifications.models import OutboxMessage
from continuity.pregnancies.models import Assignment, CarePlanRecord, Pregnancy
from tests.factories import PregnancyFactory, assign

pytestmark = pytest.mark.django_db


def booked(world, n=1, **woman):
    """New bookings in team A's queue, due in about 28 weeks."""
    out = []
    for _ in range(n):
        p = PregnancyFactory(
            booking_site=world.site,
            booking_date=timezone.localdate(),
            ga_at_booking_days=84,
            edd=timezone.localdate() + timedelta(days=196),
            status=Pregnancy.Status.BOOKED,
            **{f"woman__{k}": v for k, v in woman.items()},
        )
        assign(p, world.team_a)
        out.append(p)
    return out


def open_assignment(p):
    return Assignment.objects.get(pregnancy=p, ends_at__isnull=True)


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader_a", 200), ("manager", 200), ("midwife_a", 403), ("board", 403), ("woman_user", 403)],
)
def test_only_team_leaders_and_managers_allocate(world, client_for, who, status):
    user = getattr(world, who)
    user = getattr(user, "user", user)
    for url in ("/allocation/", "/allocation/capacity/", "/allocation/handover/"):
        assert client_for(user).get(url).status_code == status


def test_a_leader_cannot_open_another_teams_queue(world, client_for):
    client = client_for(world.leader_a.user)
    assert client.get("/allocation/?team=TB").status_code == 404
    assert client.get("/allocation/?team=TA").status_code == 200


def test_queue_shows_suggestions_with_reasons_and_records_access(world, client_for):
    (p,) = booked(world, preferred_language="ur", interpreter_needed=True)
    world.colleague_a.languages = ["en", "ur"]
    world.colleague_a.save()
    response = client_for(world.leader_a.user).get("/allocation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert p.woman.full_name in html
    assert str(world.colleague_a) in html  # she speaks Urdu
    assert "Speaks Urdu" in html
    assert "births due in her month" in html
    # The woman already allocated is not in the queue.
    assert world.woman_a.full_name not in html
    assert AccessEvent.objects.filter(
        user=world.leader_a.user, woman=p.woman, action=AccessEvent.Action.LIST
    ).exists()


def _shown(html, p):
    match = re.search(rf'name="shown-{p.ref}" value="([^"]+)"', html)
    assert match, "the suggestion shown for her is posted back"
    return match.group(1)


def test_accepting_in_bulk_writes_the_care_plan_record_audit_and_message(world, client_for):
    women = booked(world, 3)
    client = client_for(world.leader_a.user)
    html = client.get("/allocation/").content.decode()
    data = {"team": "TA", "accept": [str(p.ref) for p in women[:2]]}
    data.update({f"shown-{p.ref}": _shown(html, p) for p in women})
    response = client.post("/allocation/accept/", data)
    assert response.status_code == 302
    for p in women[:2]:
        a = open_assignment(p)
        assert a.named_midwife is not None and a.buddy is not None
        assert a.named_midwife != a.buddy
        assert _shown(html, p) == f"{a.named_midwife.professional_id}:{a.buddy.professional_id}"
        plan = CarePlanRecord.objects.get(pregnancy=p)
        assert (plan.plan_type, plan.coc_pathway) == ("05", "Y")
        assert plan.professional == a.named_midwife and plan.team == world.team_a
        assert plan.plan_date == timezone.localdate()
        assert plan.is_on_pathway
        decision = AllocationDecision.objects.get(pregnancy=p)
        assert decision.kind == "accepted"
        assert decision.suggestion["reasons"]
        assert AuditEvent.objects.filter(
            action="allocation.accepted", object_id=str(p.pk), actor=world.leader_a.user
        ).exists()
        message = OutboxMessage.objects.get(woman=p.woman)
        assert message.template == "allocation.named"
        assert message.personalisation["named"] == a.named_midwife.name
    assert open_assignment(women[2]).named_midwife is None  # not ticked
    # Her record shows who chose her midwives and why.
    page = client.get(f"/women/{women[0].woman.ref}/").content.decode()
    assert "How her midwives were chosen" in page
    assert "Suggestion accepted" in page and "births due in her month" in page


def test_a_changed_suggestion_is_not_accepted(world, client_for):
    (p,) = booked(world)
    client = client_for(world.leader_a.user)
    data = {"team": "TA", "accept": [str(p.ref)], f"shown-{p.ref}": "P9999:P9998"}
    response = client.post("/allocation/accept/", data, follow=True)
    assert open_assignment(p).named_midwife is None
    assert "not accepted" in response.content.decode()


def test_accepting_nothing_shows_an_error_summary(world, client_for):
    booked(world)
    response = client_for(world.leader_a.user).post("/allocation/accept/", {"team": "TA"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html and "Select at least one woman" in html


def test_override_needs_a_reason_and_is_audited(world, client_for):
    (p,) = booked(world, imd_decile=1, ethnic_category="N")
    client = client_for(world.leader_a.user)
    url = f"/allocation/women/{p.ref}/?team=TA"
    page = client.get(url)
    assert page.status_code == 200
    assert "Core20 area, Black, Asian or minority ethnic" in page.content.decode()
    assert AccessEvent.objects.filter(woman=p.woman, action=AccessEvent.Action.VIEW).exists()
    suggestions, _plan = engine_io.suggest(world.team_a, [p], timezone.localdate())
    suggested = suggestions[p.pk].named
    named = next(m for m in (world.leader_a, world.colleague_a) if m != suggested)
    buddy = world.midwife_a if named != world.midwife_a else world.colleague_a
    choice = {"decision": "choose", "named": named.professional_id, "buddy": buddy.professional_id}
    missing = client.post(url, {**choice, "team": "TA"})
    assert missing.status_code == 400
    assert "Give a reason for choosing different midwives" in missing.content.decode()
    assert open_assignment(p).named_midwife is None
    done = client.post(url, {**choice, "team": "TA", "reason": "She knows them from before"})
    assert done.status_code == 302
    a = open_assignment(p)
    assert (a.named_midwife, a.buddy) == (named, buddy)
    event = AuditEvent.objects.get(action="allocation.overridden", object_id=str(p.pk))
    assert event.reason == "She knows them from before"
    assert event.changes["suggested"][0] == suggested.professional_id
    decision = AllocationDecision.objects.get(pregnancy=p)
    assert (decision.kind, decision.reason) == ("overridden", "She knows them from before")


def test_named_and_buddy_must_differ(world, client_for):
    (p,) = booked(world)
    url = f"/allocation/women/{p.ref}/?team=TA"
    response = client_for(world.leader_a.user).post(
        url,
        {
            "team": "TA",
            "decision": "choose",
            "named": world.colleague_a.professional_id,
            "buddy": world.colleague_a.professional_id,
            "reason": "test",
        },
    )
    assert response.status_code == 400
    assert "Her buddy must be a different midwife" in response.content.decode()


def test_a_midwife_from_another_team_cannot_be_chosen(world, client_for):
    (p,) = booked(world)
    url = f"/allocation/women/{p.ref}/?team=TA"
    response = client_for(world.leader_a.user).post(
        url,
        {
            "team": "TA",
            "decision": "choose",
            "named": world.midwife_b.professional_id,
            "buddy": world.colleague_a.professional_id,
            "reason": "test",
        },
    )
    assert response.status_code == 400
    assert "Select a midwife from the list" in response.content.decode()


@pytest.mark.parametrize("kind", ["declined", "not_offered"])
def test_decline_is_recorded_with_reason_and_a_coc_n_record(world, client_for, kind):
    (p,) = booked(world)
    client = client_for(world.leader_a.user)
    url = f"/allocation/women/{p.ref}/?team=TA"
    assert client.post(url, {"team": "TA", "decision": kind}).status_code == 400
    assert (
        client.post(url, {"team": "TA", "decision": kind, "reason": "Prefers clinic"}).status_code
        == 302
    )
    plan = CarePlanRecord.objects.get(pregnancy=p)
    assert (plan.plan_type, plan.coc_pathway, plan.professional) == ("05", "N", None)
    assert not plan.is_on_pathway
    assert AllocationDecision.objects.get(pregnancy=p).kind == kind
    assert p not in queries.queue(world.leader_a.user, world.team_a)
    assert AuditEvent.objects.filter(action=f"allocation.{kind}", object_id=str(p.pk)).exists()


def test_allocating_twice_is_refused(world, client_for):
    (p,) = booked(world)
    client = client_for(world.leader_a.user)
    html = client.get("/allocation/").content.decode()
    data = {"team": "TA", "accept": [str(p.ref)], f"shown-{p.ref}": _shown(html, p)}
    client.post("/allocation/accept/", data)
    first = open_assignment(p)
    client.post("/allocation/accept/", data)
    assert open_assignment(p) == first
    assert CarePlanRecord.objects.filter(pregnancy=p).count() == 1


def test_capacity_view_counts_births_by_due_month(world, client_for):
    edd = world.pregnancy_a.edd
    response = client_for(world.leader_a.user).get("/allocation/capacity/")
    html = response.content.decode()
    assert response.status_code == 200
    assert str(world.midwife_a) in html
    cap = queries.capacity(world.team_a, timezone.localdate())
    row = next(r for r in cap.rows if r.midwife == world.midwife_a)
    months = [(m.year, m.month) for m in cap.months]
    assert row.named[months.index((edd.year, edd.month))] == 1  # due within ten months
    assert sum(row.named) == 1
    assert row.active == 1
    assert row.limit == 3  # 36 births a WTE a year, full time


def test_handover_moves_her_women_to_their_buddy_and_tells_them(world, client_for):
    # Ann (midwife_a) is leaving; her woman's buddy Bea should become the named midwife.
    client = client_for(world.leader_a.user)
    start = timezone.localdate() + timedelta(days=7)
    form = {
        "team": "TA",
        "midwife": world.midwife_a.professional_id,
        "kind": "leaving",
        "from_date[day]": str(start.day),
        "from_date[month]": str(start.month),
        "from_date[year]": str(start.year),
        "reason": "New post in another trust",
    }
    preview = client.post("/allocation/handover/", form)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert world.woman_a.full_name in html
    assert (
        Assignment.objects.get(pregnancy=world.pregnancy_a, ends_at__isnull=True).named_midwife
        == world.midwife_a
    )  # nothing changed yet
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    stale = client.post("/allocation/handover/", {**form, "apply": "1", "token": "0" * 32})
    assert stale.status_code == 409
    applied = client.post("/allocation/handover/", {**form, "apply": "1", "token": token})
    assert applied.status_code == 302
    a = open_assignment(world.pregnancy_a)
    assert a.named_midwife == world.buddy_a
    assert a.buddy not in (None, world.buddy_a, world.midwife_a)
    assert Handover.objects.get().midwife == world.midwife_a
    assert AuditEvent.objects.filter(
        action="allocation.handover", object_id=str(world.pregnancy_a.pk)
    ).exists()
    message = OutboxMessage.objects.get(woman=world.woman_a, template="handover.named")
    assert message.personalisation["named"] == world.buddy_a.name
    world.midwife_a.refresh_from_db()
    assert world.midwife_a.end_date is not None
    plan = CarePlanRecord.objects.filter(pregnancy=world.pregnancy_a).latest("id")
    assert plan.professional == world.buddy_a and plan.coc_pathway == "Y"


def test_handover_form_errors_use_the_error_summary(world, client_for):
    response = client_for(world.leader_a.user).post("/allocation/handover/", {"team": "TA"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Select a midwife" in html and "Give a reason for the handover" in html


def test_engine_inputs_carry_no_personal_data(world):
    women = booked(world, 2)
    today = timezone.localdate()
    mids = engine_io.midwife_inputs(engine_io.team_midwives(world.team_a, today), today)
    text = repr(mids) + repr([engine_io.woman_input(p, world.team_a) for p in women])
    for p in women:
        assert p.woman.nhs_number not in text
        assert p.woman.family_name not in text
    a = next(m for m in mids if m.id == world.midwife_a.professional_id)
    assert a.partner == world.buddy_a.professional_id
    assert a.named_edds == (world.pregnancy_a.edd,)


def test_handover_keeps_every_woman_with_a_midwife_even_over_the_limit(world, settings):
    settings.CONTINUITY = {
        **settings.CONTINUITY,
        "ALLOCATION": {
            **settings.CONTINUITY["ALLOCATION"],
            "max_births_per_month": 1,
            "max_births_per_fortnight": 1,
        },
    }
    edd = world.pregnancy_a.edd
    extra = []
    for _ in range(3):
        p = PregnancyFactory(booking_site=world.site, edd=edd)
        assign(p, world.team_a, named=world.midwife_a, buddy=world.buddy_a)
        extra.append(p)
    changes = engine_io.plan_handover(world.midwife_a, timezone.localdate())
    assert len(changes) == 4
    assert all(c.new_named is not None and c.new_buddy is not None for c in changes)
    assert all(c.new_named != world.midwife_a and c.new_buddy != world.midwife_a for c in changes)
    over = [c for c in changes if any(r.code == "over_capacity" for r in c.reasons)]
    assert over, "three midwives with one place each cannot take four women"
    assert all(c.new_named == world.buddy_a for c in over)


def test_a_bad_allocation_policy_fails_the_system_check(settings):
    from continuity.allocation.checks import allocation_policy

    assert allocation_policy(None) == []
    settings.CONTINUITY = {**settings.CONTINUITY, "ALLOCATION": {"max_births_per_month": -2}}
    (error,) = allocation_policy(None)
    assert error.id == "continuity.E001"
    assert "max_births_per_month" in error.msg
