"""Cover in the app: shifts, leave and its decision, call-outs, the contact card, the pages.

The clock changes are tested on the real dates: 29 March 2026 (01:00-02:00 does not exist) and
25 October 2026 (01:00-02:00 happens twice).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from continuity.accounts.models import Role
from continuity.core.models import AccessEvent, AuditEvent
from continuity.cover import actions, queries
from continuity.cover.actions import ActionError, Pattern, StaleRecord
from continuity.cover.clock import day_start, local_instant
from continuity.cover.models import VisitFlag
from continuity.engines.cover.model import Step
from continuity.notifications.actions import queue_message
from continuity.notifications.models import OutboxMessage
from continuity.pregnancies.models import Contact, ContactProfessional
from continuity.workforce.models import CoverArrangement, RotaEntry
from tests.factories import MidwifeFactory, PregnancyFactory, assign

pytestmark = pytest.mark.django_db

WEEKDAYS = frozenset(range(5))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local(day, hour, minute=0):
    return local_instant(day, time(hour, minute))


def shift(midwife, kind, start, end, status=RotaEntry.Status.APPROVED, **extra):
    return RotaEntry.objects.create(
        midwife=midwife, kind=kind, starts_at=start, ends_at=end, status=status, **extra
    )


def visit(pregnancy, midwife, at, **extra):
    contact = Contact.objects.create(
        pregnancy=pregnancy,
        kind=Contact.Kind.ANTENATAL,
        scheduled_start=at,
        team=midwife.team,
        **extra,
    )
    ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
    return contact


def another_woman(world, named, buddy, team=None):
    p = PregnancyFactory(booking_site=world.site)
    assign(p, team or world.team_a, named=named, buddy=buddy)
    return p


def midwives_on(contact):
    return set(
        ContactProfessional.objects.filter(contact=contact).values_list("midwife", flat=True)
    )


@pytest.fixture
def frozen(monkeypatch):
    """Fix the app's clock (everything in the cover app reads `timezone.now()`)."""

    def freeze(at):
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return freeze


# -- shifts ----------------------------------------------------------------------------------


def test_a_weekday_pattern_over_two_weeks_makes_ten_shifts_in_utc(world):
    pattern = Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=date(2027, 6, 7),  # a Monday, in British Summer Time
        last_day=date(2027, 6, 20),
        weekdays=WEEKDAYS,
        start=time(9),
        end=time(17),
    )
    rows = actions.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)
    assert len(rows) == 10
    saved = list(RotaEntry.objects.filter(midwife=world.midwife_a).order_by("starts_at"))
    assert len(saved) == 10
    days = [date(2027, 6, d) for d in (7, 8, 9, 10, 11, 14, 15, 16, 17, 18)]
    assert [e.starts_at for e in saved] == [utc(d.year, d.month, d.day, 8) for d in days]
    assert [e.ends_at for e in saved] == [utc(d.year, d.month, d.day, 16) for d in days]
    assert {(e.kind, e.status, e.requested_by) for e in saved} == {
        (RotaEntry.Kind.WORK, RotaEntry.Status.APPROVED, world.leader_a.user)
    }
    event = AuditEvent.objects.get(action="rota.add_shifts", object_id=str(world.midwife_a.pk))
    assert event.actor == world.leader_a.user
    assert event.changes["count"] == 10
    assert event.changes["kind"] == "work"
    assert event.changes["first"] == "2027-06-07T09:00:00+01:00"
    assert event.changes["last"] == "2027-06-18T17:00:00+01:00"


def test_an_overnight_on_call_lasts_fifteen_hours_the_night_the_clocks_go_back(world):
    pattern = Pattern(
        kind=RotaEntry.Kind.ON_CALL_OWN,
        first_day=date(2026, 10, 23),  # Friday
        last_day=date(2026, 10, 24),  # Saturday: the clocks go back at 02:00 BST on Sunday
        weekdays=frozenset({4, 5}),
        start=time(19),
        end=time(9),
    )
    actions.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)
    friday, saturday = RotaEntry.objects.filter(midwife=world.midwife_a).order_by("starts_at")
    assert (friday.starts_at, friday.ends_at) == (utc(2026, 10, 23, 18), utc(2026, 10, 24, 8))
    assert (saturday.starts_at, saturday.ends_at) == (utc(2026, 10, 24, 18), utc(2026, 10, 25, 9))
    assert friday.ends_at - friday.starts_at == timedelta(hours=14)
    assert saturday.ends_at - saturday.starts_at == timedelta(hours=15)


def test_a_shift_at_a_time_the_clocks_skip_is_refused(world):
    pattern = Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=date(2026, 3, 27),
        last_day=date(2026, 3, 29),
        weekdays=frozenset(range(7)),
        start=time(1, 30),
        end=time(9),
    )
    with pytest.raises(ActionError) as caught:
        actions.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)
    assert caught.value.field == "start_time"
    assert "There is no 01:30 on 29 March 2026" in caught.value.message
    assert "clocks go forward" in caught.value.message
    assert not RotaEntry.objects.exists()  # not even the two good days
    assert not AuditEvent.objects.filter(action="rota.add_shifts").exists()


def test_a_shift_overlapping_an_approved_shift_is_refused_naming_the_clash(world):
    existing = shift(
        world.midwife_a,
        RotaEntry.Kind.WORK,
        local(date(2027, 6, 10), 9),
        local(date(2027, 6, 10), 17),
    )
    # Requested, declined and voided entries do not clash.
    shift(
        world.midwife_a,
        RotaEntry.Kind.WORK,
        local(date(2027, 6, 8), 9),
        local(date(2027, 6, 8), 17),
        status=RotaEntry.Status.DECLINED,
    )
    pattern = Pattern(
        kind=RotaEntry.Kind.ON_CALL_OWN,
        first_day=date(2027, 6, 7),
        last_day=date(2027, 6, 18),
        weekdays=WEEKDAYS,
        start=time(16),
        end=time(8),
    )
    with pytest.raises(ActionError) as caught:
        actions.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)
    message = caught.value.message
    assert "Ann Named is already on the rota then" in message
    assert "Working from 10 June 2027 09:00 to 10 June 2027 17:00" in message
    assert set(RotaEntry.objects.values_list("pk", flat=True)) == {
        existing.pk,
        RotaEntry.objects.get(status=RotaEntry.Status.DECLINED).pk,
    }
    # The same pattern for a midwife with nothing on the rota goes in.
    assert len(actions.add_shifts(by=world.leader_a.user, midwife=world.buddy_a, pattern=pattern))
    assert RotaEntry.objects.filter(midwife=world.buddy_a).count() == 10


def test_shifts_after_a_midwife_has_left_are_refused(world):
    world.midwife_a.end_date = date(2027, 6, 11)
    world.midwife_a.save()
    pattern = Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=date(2027, 6, 7),
        last_day=date(2027, 6, 18),
        weekdays=WEEKDAYS,
        start=time(9),
        end=time(17),
    )
    with pytest.raises(ActionError) as caught:
        actions.add_shifts(by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern)
    assert "left on 11 June 2027" in caught.value.message
    assert caught.value.field == "last_day"
    assert not RotaEntry.objects.exists()


# -- asking for time away ----------------------------------------------------------------------


def test_time_away_ending_before_it_starts_is_refused(world):
    today = timezone.localdate()
    with pytest.raises(ActionError) as caught:
        actions.request_absence(
            by=world.midwife_a.user,
            midwife=world.midwife_a,
            kind=RotaEntry.Kind.LEAVE,
            first_day=today + timedelta(days=10),
            last_day=today + timedelta(days=9),
        )
    assert caught.value.field == "last_day"
    assert not RotaEntry.objects.exists()


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        (RotaEntry.Status.REQUESTED, True),
        (RotaEntry.Status.APPROVED, True),
        (RotaEntry.Status.DECLINED, False),
        (RotaEntry.Status.CANCELLED, False),
    ],
)
def test_time_away_overlapping_other_time_away(world, status, refused):
    today = timezone.localdate()
    first = today + timedelta(days=10)
    old = actions.request_absence(
        by=world.midwife_a.user,
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.STUDY,
        first_day=first,
        last_day=first + timedelta(days=2),
    )
    RotaEntry.objects.filter(pk=old.pk).update(status=status)

    def ask():
        return actions.request_absence(
            by=world.midwife_a.user,
            midwife=world.midwife_a,
            kind=RotaEntry.Kind.LEAVE,
            first_day=first + timedelta(days=2),
            last_day=first + timedelta(days=6),
        )

    if refused:
        with pytest.raises(ActionError) as caught:
            ask()
        assert "Ann Named already has Study day from" in caught.value.message
        assert RotaEntry.objects.count() == 1
    else:
        assert ask().status == RotaEntry.Status.REQUESTED
        assert RotaEntry.objects.count() == 2


def test_leave_in_the_past_is_refused_but_sickness_in_the_past_is_recorded(world):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ActionError) as caught:
        actions.request_absence(
            by=world.midwife_a.user,
            midwife=world.midwife_a,
            kind=RotaEntry.Kind.LEAVE,
            first_day=yesterday,
            last_day=yesterday + timedelta(days=3),
        )
    assert caught.value.field == "first_day"
    assert not RotaEntry.objects.exists()
    sick = actions.request_absence(
        by=world.leader_a.user,
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.SICKNESS,
        first_day=yesterday,
        last_day=yesterday,
    )
    assert sick.kind == RotaEntry.Kind.SICKNESS
    assert (sick.starts_at, sick.ends_at) == (
        day_start(yesterday),
        day_start(yesterday + timedelta(days=1)),
    )


def test_a_request_waits_for_a_decision_and_is_audited(world):
    first = date(2027, 3, 26)  # the clocks go forward on the Sunday: 28 March 2027
    entry = actions.request_absence(
        by=world.midwife_a.user,
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.LEAVE,
        first_day=first,
        last_day=date(2027, 3, 29),
        note="Family wedding",
    )
    entry.refresh_from_db()
    assert entry.status == RotaEntry.Status.REQUESTED
    assert entry.requested_by == world.midwife_a.user
    assert entry.decided_by is None
    # Whole days, from local midnight to the midnight after the last day (95 hours here).
    assert entry.starts_at == utc(2027, 3, 26, 0)
    assert entry.ends_at == utc(2027, 3, 29, 23)
    assert entry.ends_at - entry.starts_at == timedelta(hours=95)
    event = AuditEvent.objects.get(action="rota.request_absence", object_id=str(entry.pk))
    assert event.actor == world.midwife_a.user
    assert event.changes == {"kind": "leave", "first_day": "2027-03-26", "last_day": "2027-03-29"}


# -- deciding on time away -------------------------------------------------------------------


def _leave(world, first_in=10, days=4, kind=RotaEntry.Kind.LEAVE):
    first = timezone.localdate() + timedelta(days=first_in)
    return actions.request_absence(
        by=world.midwife_a.user,
        midwife=world.midwife_a,
        kind=kind,
        first_day=first,
        last_day=first + timedelta(days=days - 1),
    )


def test_approving_leave_arranges_cover_flags_visits_and_tells_her_women(world):
    entry = _leave(world)
    first = timezone.localdate() + timedelta(days=10)
    last = first + timedelta(days=3)
    p_c = another_woman(world, world.midwife_a, world.buddy_a)  # also hers
    p_d = another_woman(world, world.colleague_a, world.midwife_a)  # she is only the buddy
    in_window = [
        visit(world.pregnancy_a, world.midwife_a, local(first, 10)),
        visit(p_c, world.midwife_a, local(last, 14)),
        visit(p_d, world.midwife_a, local(last, 16)),
    ]
    visit(world.pregnancy_a, world.midwife_a, local(last + timedelta(days=1), 10))  # after
    visit(world.pregnancy_a, world.midwife_a, local(first, 9), cancelled_at=timezone.now())
    visit(p_d, world.colleague_a, local(first, 11))  # not hers

    done = actions.approve_leave(
        by=world.leader_a.user,
        entry=entry,
        version=entry.version,
        covering=world.colleague_a,
        note="Enjoy",
    )
    entry.refresh_from_db()
    assert entry.status == RotaEntry.Status.APPROVED
    assert (entry.decided_by, entry.decision_note) == (world.leader_a.user, "Enjoy")
    assert entry.decided_at is not None

    arrangement = CoverArrangement.objects.get()
    assert arrangement == done.arrangement
    assert (arrangement.covering, arrangement.covered) == (world.colleague_a, world.midwife_a)
    assert (arrangement.starts_at, arrangement.ends_at) == (entry.starts_at, entry.ends_at)
    assert arrangement.rota_entry == entry

    flags = VisitFlag.objects.all()
    assert {f.contact_id for f in flags} == {c.pk for c in in_window}
    assert {(f.midwife_id, f.reason, f.rota_entry_id) for f in flags} == {
        (world.midwife_a.pk, VisitFlag.Reason.LEAVE, entry.pk)
    }
    assert all(f.resolved_at is None and f.raised_by == world.leader_a.user for f in flags)
    assert done.flagged == 3

    messages = {m.woman_id: m for m in OutboxMessage.objects.all()}
    assert set(messages) == {world.woman_a.pk, p_c.woman_id}  # not the woman she only buddies
    assert done.messages == 2
    for p in (world.pregnancy_a, p_c):
        m = messages[p.woman_id]
        assert m.template == "cover.away"
        assert m.personalisation == {
            "named": "Ann Named",
            "covering": world.colleague_a.name,
            "from_date": first.isoformat(),
            "to_date": last.isoformat(),
        }
        assert m.reference == f"cover-away-{entry.pk}-{p.pk}"
    # The reference is the idempotency key: queueing it again does not send twice.
    again = queue_message(
        by=world.leader_a.user,
        woman=world.woman_a,
        template="cover.away",
        personalisation=messages[world.woman_a.pk].personalisation,
        reference=f"cover-away-{entry.pk}-{world.pregnancy_a.pk}",
    )
    assert again.pk == messages[world.woman_a.pk].pk
    assert OutboxMessage.objects.count() == 2

    event = AuditEvent.objects.get(action="rota.approve_absence", object_id=str(entry.pk))
    assert event.changes == {
        "covering": world.colleague_a.professional_id,
        "visits_flagged": 3,
        "women_told": 2,
    }


def test_a_stale_decision_is_refused(world):
    entry = _leave(world)
    with pytest.raises(StaleRecord):
        actions.approve_leave(
            by=world.leader_a.user,
            entry=entry,
            version=entry.version + 1,
            covering=world.buddy_a,
        )
    assert not CoverArrangement.objects.exists()
    done = actions.approve_leave(
        by=world.leader_a.user, entry=entry, version=entry.version, covering=world.buddy_a
    )
    with pytest.raises(StaleRecord):  # decided already
        actions.approve_leave(
            by=world.manager, entry=entry, version=done.entry.version, covering=world.colleague_a
        )
    with pytest.raises(StaleRecord):
        actions.decline_leave(
            by=world.manager, entry=entry, version=done.entry.version, reason="No"
        )
    assert CoverArrangement.objects.count() == 1
    assert RotaEntry.objects.get().status == RotaEntry.Status.APPROVED


@pytest.mark.parametrize("who", ["midwife_a", "midwife_b", "leaver"])
def test_cover_must_be_someone_else_in_her_team_for_all_of_it(world, who):
    entry = _leave(world)
    if who == "leaver":
        covering = world.colleague_a
        covering.end_date = timezone.localdate() + timedelta(days=11)
        covering.save()
    else:
        covering = getattr(world, who)
    with pytest.raises(ActionError) as caught:
        actions.approve_leave(
            by=world.leader_a.user, entry=entry, version=entry.version, covering=covering
        )
    assert caught.value.field == "covering"
    entry.refresh_from_db()
    assert entry.status == RotaEntry.Status.REQUESTED
    assert not CoverArrangement.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_declining_needs_a_reason(world):
    entry = _leave(world)
    with pytest.raises(ActionError) as caught:
        actions.decline_leave(
            by=world.leader_a.user, entry=entry, version=entry.version, reason=" "
        )
    assert caught.value.field == "reason"
    assert RotaEntry.objects.get().status == RotaEntry.Status.REQUESTED
    actions.decline_leave(
        by=world.leader_a.user, entry=entry, version=entry.version, reason="Too many away"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note) == (RotaEntry.Status.DECLINED, "Too many away")
    assert AuditEvent.objects.filter(
        action="rota.decline_absence", object_id=str(entry.pk), reason="Too many away"
    ).exists()
    assert not CoverArrangement.objects.exists()


def test_cancelling_approved_leave_ends_its_cover_and_clears_its_flags(world):
    entry = _leave(world)
    first = timezone.localdate() + timedelta(days=10)
    contact = visit(world.pregnancy_a, world.midwife_a, local(first, 10))
    done = actions.approve_leave(
        by=world.leader_a.user, entry=entry, version=entry.version, covering=world.buddy_a
    )
    assert VisitFlag.objects.filter(contact=contact, resolved_at__isnull=True).exists()
    actions.cancel_leave(by=world.midwife_a.user, entry=entry, version=done.entry.version)
    entry.refresh_from_db()
    assert entry.status == RotaEntry.Status.CANCELLED
    assert not CoverArrangement.objects.live().exists()
    arrangement = CoverArrangement.objects.get()
    assert arrangement.voided_at is not None
    assert arrangement.voided_by == world.midwife_a.user
    assert not VisitFlag.objects.filter(resolved_at__isnull=True).exists()
    assert VisitFlag.objects.get().resolved_by == world.midwife_a.user
    assert AuditEvent.objects.filter(action="rota.cancel_absence", object_id=str(entry.pk)).exists()
    # Asking again for the same days is allowed now.
    assert _leave(world).status == RotaEntry.Status.REQUESTED


def test_leave_that_has_started_cannot_be_cancelled_by_her(world):
    today = timezone.localdate()
    sick = actions.request_absence(
        by=world.leader_a.user,
        midwife=world.midwife_a,
        kind=RotaEntry.Kind.SICKNESS,
        first_day=today - timedelta(days=1),
        last_day=today + timedelta(days=1),
    )
    done = actions.approve_leave(
        by=world.leader_a.user, entry=sick, version=sick.version, covering=world.buddy_a
    )
    with pytest.raises(ActionError):
        actions.cancel_leave(by=world.midwife_a.user, entry=sick, version=done.entry.version)
    assert RotaEntry.objects.get().status == RotaEntry.Status.APPROVED
    assert CoverArrangement.objects.live().count() == 1


def test_after_approval_the_covering_midwife_answers_for_her_women(world):
    entry = _leave(world, days=3)
    day = timezone.localdate() + timedelta(days=11)
    for mw in (world.midwife_a, world.buddy_a, world.colleague_a):
        # She is on the rota to work that day too: the leave wins.
        shift(mw, RotaEntry.Kind.WORK, local(day, 9), local(day, 17))
    at = local(day, 12)
    before = queries.contact_card(world.pregnancy_a, at)
    assert (before.now.midwife, before.now.step) == (world.midwife_a, Step.NAMED)

    actions.approve_leave(
        by=world.leader_a.user, entry=entry, version=entry.version, covering=world.colleague_a
    )
    card = queries.contact_card(world.pregnancy_a, at)
    assert (card.now.midwife, card.now.step) == (world.colleague_a, Step.COVER)
    assert card.now.phone == world.colleague_a.phone
    assert card.next_at == local(day, 17)
    # The day after the leave she answers again.
    back = day + timedelta(days=2)
    shift(world.midwife_a, RotaEntry.Kind.WORK, local(back, 9), local(back, 17))
    after = queries.contact_card(world.pregnancy_a, local(back, 12))
    assert (after.now.midwife, after.now.step) == (world.midwife_a, Step.NAMED)


# -- the contact card across the clock changes and midnight ----------------------------------


@pytest.fixture
def autumn_nights(world):
    saturday, sunday = date(2026, 10, 24), date(2026, 10, 25)
    shift(world.midwife_a, RotaEntry.Kind.ON_CALL_OWN, local(saturday, 19), local(sunday, 9))
    shift(world.buddy_a, RotaEntry.Kind.ON_CALL_OWN, local(sunday, 9), local(date(2026, 10, 26), 9))
    return world


@pytest.mark.parametrize(
    "at",
    [
        utc(2026, 10, 25, 0, 30),  # 01:30 British Summer Time
        utc(2026, 10, 25, 1, 30),  # 01:30 again, Greenwich Mean Time
        utc(2026, 10, 25, 8, 59),  # 08:59
    ],
)
def test_the_named_midwife_answers_through_the_night_the_clocks_go_back(autumn_nights, at):
    world = autumn_nights
    card = queries.contact_card(world.pregnancy_a, at)
    assert (card.now.midwife, card.now.step) == (world.midwife_a, Step.NAMED)
    assert card.next_at == utc(2026, 10, 25, 9)
    assert (card.next_at.date(), card.next_at.hour, card.next_at.minute) == (
        date(2026, 10, 25),
        9,
        0,
    )
    assert (card.next.midwife, card.next.step) == (world.buddy_a, Step.BUDDY)


def test_the_buddy_answers_from_nine_the_morning_the_clocks_go_back(autumn_nights):
    world = autumn_nights
    card = queries.contact_card(world.pregnancy_a, local(date(2026, 10, 25), 9))
    assert (card.now.midwife, card.now.step) == (world.buddy_a, Step.BUDDY)
    assert card.next_at == utc(2026, 10, 26, 9)
    assert card.next.step == Step.TRIAGE


@pytest.mark.parametrize(
    ("at", "who"),
    [
        (utc(2026, 3, 29, 0, 30), "midwife_a"),  # 00:30 GMT
        (utc(2026, 3, 29, 2, 30), "midwife_a"),  # 03:30 BST, just after the missing hour
        (utc(2026, 3, 29, 7, 59), "midwife_a"),  # 08:59 BST
        (utc(2026, 3, 29, 8, 0), "buddy_a"),  # 09:00 BST
    ],
)
def test_the_contact_card_across_the_night_the_clocks_go_forward(world, at, who):
    saturday, sunday = date(2026, 3, 28), date(2026, 3, 29)
    night = shift(
        world.midwife_a, RotaEntry.Kind.ON_CALL_OWN, local(saturday, 19), local(sunday, 9)
    )
    assert night.ends_at.timestamp() - night.starts_at.timestamp() == 13 * 3600
    shift(world.buddy_a, RotaEntry.Kind.ON_CALL_OWN, local(sunday, 9), local(date(2026, 3, 30), 9))
    card = queries.contact_card(world.pregnancy_a, at)
    assert card.now.midwife == getattr(world, who)
    if who == "midwife_a":
        assert card.now.step == Step.NAMED
        assert card.next_at == utc(2026, 3, 29, 8)
        assert card.next_at.hour == 9  # local
        assert (card.next.midwife, card.next.step) == (world.buddy_a, Step.BUDDY)
    else:
        assert card.now.step == Step.BUDDY


@pytest.mark.parametrize("day", [date(2027, 1, 11), date(2026, 10, 24), date(2026, 3, 28)])
def test_shifts_meeting_at_midnight_leave_no_hole(world, day):
    after = day + timedelta(days=1)
    pattern = Pattern(
        kind=RotaEntry.Kind.WORK,
        first_day=day,
        last_day=day,
        weekdays=frozenset({day.weekday()}),
        start=time(16),
        end=time(0),  # midnight: the end of the day
    )
    (evening,) = actions.add_shifts(
        by=world.leader_a.user, midwife=world.midwife_a, pattern=pattern
    )
    assert evening.ends_at == day_start(after)
    shift(world.buddy_a, RotaEntry.Kind.WORK, day_start(after), local(after, 8))
    card = queries.contact_card(world.pregnancy_a, local(day, 23, 59))
    assert card.now.midwife == world.midwife_a
    assert card.next_at == day_start(after)
    assert (card.next.midwife, card.next.step) == (world.buddy_a, Step.BUDDY)
    card = queries.contact_card(world.pregnancy_a, day_start(after))
    assert (card.now.midwife, card.now.step) == (world.buddy_a, Step.BUDDY)
    assert card.next_at == local(after, 8)


# -- call-outs -------------------------------------------------------------------------------

WEDNESDAY = date(2026, 11, 18)


def test_a_night_call_out_moves_the_next_visits_to_each_womans_buddy(world, frozen):
    frozen(local(WEDNESDAY, 7))
    p_c = another_woman(world, world.midwife_a, world.colleague_a)
    early = visit(world.pregnancy_a, world.midwife_a, local(WEDNESDAY, 6, 30))  # already past
    v1 = visit(world.pregnancy_a, world.midwife_a, local(WEDNESDAY, 10))
    v2 = visit(p_c, world.midwife_a, local(WEDNESDAY, 11))
    v3 = visit(world.pregnancy_a, world.midwife_a, local(WEDNESDAY, 14))
    ContactProfessional.objects.create(contact=v3, midwife=world.buddy_a, team=world.team_a)
    tomorrow = visit(world.pregnancy_a, world.midwife_a, local(WEDNESDAY + timedelta(days=1), 10))
    VisitFlag.objects.create(
        contact=v1,
        midwife=world.midwife_a,
        reason=VisitFlag.Reason.CALL_OUT,
        raised_at=timezone.now(),
    )

    entry = actions.record_call_out(
        by=world.midwife_a.user,
        midwife=world.midwife_a,
        day=WEDNESDAY,
        start=time(2),
        end=time(4),
        note="Labour at home",
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.status) == (RotaEntry.Kind.CALL_OUT, RotaEntry.Status.APPROVED)
    assert (entry.starts_at, entry.ends_at) == (utc(2026, 11, 18, 2), utc(2026, 11, 18, 4))
    assert AuditEvent.objects.filter(
        action="rota.record_call_out", object_id=str(entry.pk)
    ).exists()
    assert queries.touches_night(entry)

    proposals = queries.next_day_visits(entry)
    assert proposals == [(v1, world.buddy_a), (v2, world.colleague_a), (v3, world.buddy_a)]

    moved = actions.move_visits(
        by=world.midwife_a.user,
        moves=proposals,
        from_midwife=world.midwife_a,
        reason="Rest after a night call-out",
    )
    assert moved == 3
    assert midwives_on(v1) == {world.buddy_a.pk}
    assert midwives_on(v2) == {world.colleague_a.pk}
    assert midwives_on(v3) == {world.buddy_a.pk}  # she was going anyway: one row, not two
    assert ContactProfessional.objects.get(contact=v1).team == world.team_a
    assert midwives_on(early) == midwives_on(tomorrow) == {world.midwife_a.pk}
    flag = VisitFlag.objects.get()
    assert flag.resolved_at is not None and flag.resolved_by == world.midwife_a.user
    events = AuditEvent.objects.filter(action="visit.reassign")
    assert {e.object_id for e in events} == {str(v1.pk), str(v2.pk), str(v3.pk)}
    assert events.get(object_id=str(v2.pk)).changes == {
        "from": world.midwife_a.professional_id,
        "to": world.colleague_a.professional_id,
    }
    with pytest.raises(StaleRecord):  # moved already
        actions.move_visits(
            by=world.midwife_a.user, moves=proposals[:1], from_midwife=world.midwife_a, reason="x"
        )


@pytest.mark.parametrize(
    ("day", "start", "end", "field", "words"),
    [
        (WEDNESDAY, time(8), time(9), "start_time", "once it has started"),
        # 00:30 to 00:15 the next day is 23¾ hours on the clock but 24¾ hours long: the clocks
        # went back that night.
        (date(2026, 10, 25), time(0, 30), time(0, 15), "end_time", "longer than 24 hours"),
    ],
)
def test_a_future_or_too_long_call_out_is_refused(world, frozen, day, start, end, field, words):
    frozen(local(WEDNESDAY, 7))
    with pytest.raises(ActionError) as caught:
        actions.record_call_out(
            by=world.midwife_a.user, midwife=world.midwife_a, day=day, start=start, end=end
        )
    assert caught.value.field == field
    assert words in caught.value.message
    assert not RotaEntry.objects.exists()


def test_after_a_night_call_out_she_rests_and_her_buddy_answers(world, frozen):
    frozen(local(WEDNESDAY, 7))
    for mw in (world.midwife_a, world.buddy_a):
        shift(mw, RotaEntry.Kind.WORK, local(WEDNESDAY, 9), local(WEDNESDAY, 17))
    at = local(WEDNESDAY, 10)
    assert queries.contact_card(world.pregnancy_a, at).now.midwife == world.midwife_a
    actions.record_call_out(
        by=world.midwife_a.user, midwife=world.midwife_a, day=WEDNESDAY, start=time(2), end=time(4)
    )
    card = queries.contact_card(world.pregnancy_a, at)
    assert (card.now.midwife, card.now.step) == (world.buddy_a, Step.BUDDY)
    # Eleven hours' rest from 04:00: she is back at 15:00.
    assert card.next_at == local(WEDNESDAY, 15)
    assert (card.next.midwife, card.next.step) == (world.midwife_a, Step.NAMED)


def test_an_evening_call_out_owes_no_rest(world, frozen):
    frozen(local(WEDNESDAY, 7))
    tuesday = WEDNESDAY - timedelta(days=1)
    shift(world.midwife_a, RotaEntry.Kind.ON_CALL_OWN, local(tuesday, 17), local(WEDNESDAY, 9))
    entry = actions.record_call_out(
        by=world.midwife_a.user, midwife=world.midwife_a, day=tuesday, start=time(19), end=time(21)
    )
    assert not queries.touches_night(entry)
    card = queries.contact_card(world.pregnancy_a, local(tuesday, 22))
    assert (card.now.midwife, card.now.step) == (world.midwife_a, Step.NAMED)


# -- pages -----------------------------------------------------------------------------------


@pytest.fixture
def busy(world):
    """Team A with a leave request, shifts, an arrangement and a woman who is only buddied."""
    today = timezone.localdate()
    now = timezone.now()
    world.p_c = another_woman(world, world.midwife_a, world.buddy_a)
    world.p_d = another_woman(world, world.colleague_a, world.midwife_a)
    for mw in (world.midwife_a, world.buddy_a, world.colleague_a):
        shift(mw, RotaEntry.Kind.WORK, now - timedelta(hours=1), now + timedelta(hours=1))
    shift(
        world.colleague_a,
        RotaEntry.Kind.ON_CALL_TEAM,
        day_start(today + timedelta(days=1)),
        day_start(today + timedelta(days=2)),
    )
    world.leave = _leave(world)
    CoverArrangement.objects.create(
        covering=world.midwife_a,
        covered=world.colleague_a,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(days=2),
        reason="Sickness",
    )
    return world


PAGES = [
    ("midwife_a", "/rota/"),
    ("midwife_a", "/rota/time-away/"),
    ("midwife_a", "/rota/covering/"),
    ("midwife_a", "/rota/call-out/"),
    ("midwife_a", "/cover/"),
    ("midwife_a", "/cover/?view=month"),
    ("midwife_a", "/cover/forecast/"),
    ("midwife_a", "/cover/rest/"),
    ("leader_a", "/rota/"),
    ("leader_a", "/cover/"),
    ("leader_a", "/cover/?view=month"),
    ("leader_a", "/cover/requests/"),
    ("leader_a", "/cover/requests/{pk}/"),
    ("leader_a", "/cover/requests/new/"),
    ("leader_a", "/cover/shifts/"),
    ("manager", "/cover/?team=TB"),
    ("manager", "/cover/forecast/?team=TA"),
    ("manager", "/cover/rest/?team=TA"),
    ("manager", "/cover/requests/?team=TA"),
    ("manager", "/cover/requests/{pk}/"),
    ("manager", "/cover/shifts/?team=TA"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_each_page_opens_for_its_role(busy, client_for, who, url):
    user = getattr(busy, who)
    user = getattr(user, "user", user)
    response = client_for(user).get(url.format(pk=busy.leave.pk))
    assert response.status_code == 200


def test_the_requests_list_and_covering_list_show_the_right_people(busy, client_for):
    html = client_for(busy.leader_a.user).get("/cover/requests/").content.decode()
    assert f"/cover/requests/{busy.leave.pk}/" in html
    assert "Ann Named" in html
    covering = client_for(busy.midwife_a.user).get("/rota/covering/")
    assert busy.p_d.woman.full_name in covering.content.decode()  # colleague_a's woman
    assert AccessEvent.objects.filter(
        user=busy.midwife_a.user, woman=busy.p_d.woman, action=AccessEvent.Action.LIST
    ).exists()


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("midwife_a", "/cover/requests/"),
        ("midwife_a", "/cover/shifts/"),
        ("midwife_a", "/cover/requests/{pk}/"),
        ("woman_user", "/rota/"),
        ("woman_user", "/cover/"),
        ("board", "/cover/"),
        ("manager", "/rota/"),
    ],
)
def test_pages_refuse_the_wrong_role(busy, client_for, who, url):
    user = getattr(busy, who)
    user = getattr(user, "user", user)
    assert client_for(user).get(url.format(pk=busy.leave.pk)).status_code == 403


def test_a_leader_of_another_team_cannot_see_this_teams_requests_or_calendar(busy, client_for):
    leader_b = MidwifeFactory(
        team=busy.team_b, user__username="leader_b", user__role=Role.TEAM_LEADER
    )
    client = client_for(leader_b.user)
    assert client.get(f"/cover/requests/{busy.leave.pk}/").status_code == 404
    assert (
        client.post(
            f"/cover/requests/{busy.leave.pk}/",
            {"decision": "approve", "covering": busy.buddy_a.professional_id, "version": "1"},
        ).status_code
        == 404
    )
    assert client.get("/cover/?team=TA").status_code == 404
    assert client.get("/cover/forecast/?team=TA").status_code == 404
    assert client.get("/cover/shifts/?team=TA").status_code == 404
    assert client.get("/cover/?team=TB").status_code == 200
    assert RotaEntry.objects.get(pk=busy.leave.pk).status == RotaEntry.Status.REQUESTED


def _date_fields(name, day):
    return {
        f"{name}[day]": str(day.day),
        f"{name}[month]": str(day.month),
        f"{name}[year]": str(day.year),
    }


def test_bad_leave_is_refused_with_the_error_summary_and_nothing_saved(world, client_for):
    client = client_for(world.midwife_a.user)
    today = timezone.localdate()
    response = client.post(
        "/rota/time-away/",
        {
            "kind": "leave",
            **_date_fields("first_day", today + timedelta(days=10)),
            **_date_fields("last_day", today + timedelta(days=5)),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "The last day must be the same as or after the first day" in html
    assert not RotaEntry.objects.exists()
    empty = client.post("/rota/time-away/", {"note": ""})  # a form sent with nothing filled in
    assert empty.status_code == 400
    assert "Select what the time away is for" in empty.content.decode()
    assert "Enter the first day away" in empty.content.decode()
    assert not RotaEntry.objects.exists()
    # A good request goes in and waits for the leader.
    good = client.post(
        "/rota/time-away/",
        {
            "kind": "leave",
            **_date_fields("first_day", today + timedelta(days=10)),
            **_date_fields("last_day", today + timedelta(days=12)),
        },
    )
    assert good.status_code == 302
    assert RotaEntry.objects.get().status == RotaEntry.Status.REQUESTED


def test_the_leave_preview_lists_her_women_and_records_access(busy, client_for):
    response = client_for(busy.leader_a.user).get(f"/cover/requests/{busy.leave.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert busy.woman_a.full_name in html and busy.p_c.woman.full_name in html
    listed = set(
        AccessEvent.objects.filter(
            user=busy.leader_a.user, action=AccessEvent.Action.LIST
        ).values_list("woman_id", flat=True)
    )
    assert listed == {busy.woman_a.pk, busy.p_c.woman_id}
    assert not CoverArrangement.objects.filter(rota_entry=busy.leave).exists()  # only a preview


def test_deciding_through_the_page(busy, client_for):
    client = client_for(busy.leader_a.user)
    url = f"/cover/requests/{busy.leave.pk}/"
    missing = client.post(url, {"decision": "decline", "version": str(busy.leave.version)})
    assert missing.status_code == 400
    assert "Enter why you are declining" in missing.content.decode()
    approved = client.post(
        url,
        {
            "decision": "approve",
            "covering": busy.buddy_a.professional_id,
            "version": str(busy.leave.version),
        },
    )
    assert approved.status_code == 302
    assert RotaEntry.objects.get(pk=busy.leave.pk).status == RotaEntry.Status.APPROVED
    assert CoverArrangement.objects.get(rota_entry=busy.leave).covering == busy.buddy_a
    stale = client.post(
        url,
        {
            "decision": "approve",
            "covering": busy.buddy_a.professional_id,
            "version": str(busy.leave.version),
        },
    )
    assert stale.status_code == 400
    assert CoverArrangement.objects.filter(rota_entry=busy.leave).count() == 1


def test_the_rota_download_is_an_icalendar_file_without_women(world, client_for):
    now = timezone.now().replace(microsecond=0)  # iCalendar times are to the second
    p = world.pregnancy_a
    mine = [
        shift(
            world.midwife_a,
            RotaEntry.Kind.WORK,
            now + timedelta(days=1),
            now + timedelta(days=1, hours=8),
            note=f"Home visit to {p.woman.full_name} {p.woman.nhs_number}",
        ),
        shift(
            world.midwife_a,
            RotaEntry.Kind.CALL_OUT,
            now - timedelta(days=3),
            now - timedelta(days=3) + timedelta(hours=2),
        ),
        _leave(world),
    ]
    shift(world.midwife_a, RotaEntry.Kind.WORK, now - timedelta(days=60), now - timedelta(days=59))
    shift(world.buddy_a, RotaEntry.Kind.WORK, now + timedelta(days=1), now + timedelta(days=2))
    visit(p, world.midwife_a, now + timedelta(days=1, hours=1))
    response = client_for(world.midwife_a.user).get("/rota/my-rota.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == len(mine)
    assert {str(e["UID"]) for e in events} == {
        f"rota-{r.pk}-{world.midwife_a.professional_id}@continuity" for r in mine
    }
    for event in events:
        start = event["DTSTART"].dt
        assert start.utcoffset() == timedelta(0)
    assert {e["DTSTART"].dt for e in events} == {
        RotaEntry.objects.get(pk=r.pk).starts_at for r in mine
    }
    text = body.decode()
    for secret in (
        p.woman.given_name,
        p.woman.family_name,
        p.woman.nhs_number,
        world.pregnancy_b.woman.family_name,
    ):
        assert secret not in text


def test_the_contact_card_is_on_her_page_and_the_staff_page(world, client_for):
    now = timezone.now()
    shift(world.midwife_a, RotaEntry.Kind.WORK, now - timedelta(hours=1), now + timedelta(hours=1))
    mine = client_for(world.woman_user).get("/my/")
    assert mine.status_code == 200
    html = mine.content.decode()
    assert "Contact your midwife" in html
    assert "<strong>Ann Named</strong>" in html and "<p>your named midwife</p>" in html
    staff = client_for(world.midwife_a.user).get(f"/women/{world.woman_a.ref}/")
    assert staff.status_code == 200
    assert "Who answers for her now" in staff.content.decode()


# -- gaps in cover ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2027, 1, 13), 24), (date(2026, 10, 25), 25), (date(2026, 3, 29), 23)],
)
def test_with_nobody_on_the_rota_the_whole_day_is_a_gap(world, day, hours):
    another_woman(world, world.colleague_a, world.buddy_a)
    cal = queries.calendar(world.team_a, day, day)
    (d,) = cal.days
    assert cal.gap_count == 1
    (gap,) = d.gaps
    assert gap.start == day_start(day)
    assert gap.end == day_start(day + timedelta(days=1))
    assert gap.women == 2  # the team's two women, not team B's
    assert gap.team_uncovered
    assert d.gap_hours == hours
    assert d.most_women == 2


def test_a_team_on_call_for_the_whole_day_closes_the_gap(world):
    day = date(2027, 1, 13)
    shift(
        world.colleague_a,
        RotaEntry.Kind.ON_CALL_TEAM,
        day_start(day),
        day_start(day + timedelta(days=1)),
    )
    cal = queries.calendar(world.team_a, day, day)
    assert cal.gap_count == 0
    assert cal.days[0].gaps == []
    assert cal.days[0].on_call == [world.colleague_a]
    # The day after is still a gap.
    assert queries.calendar(
        world.team_a, day + timedelta(days=1), day + timedelta(days=1)
    ).gap_count


def test_a_traditional_team_has_no_gaps(world):
    midwife = MidwifeFactory(team=world.traditional)
    another_woman(world, midwife, None, team=world.traditional)
    day = date(2027, 1, 13)
    cal = queries.calendar(world.traditional, day, day)
    assert cal.gap_count == 0
    assert cal.days[0].gaps == []


def test_a_teams_calendar_shows_only_its_own_gaps(world):
    """A midwife who moved to team A is still named for a team B woman: team B's calendar must
    not show team A's gaps."""
    day = date(2027, 1, 13)
    another_woman(world, world.colleague_a, world.midwife_b, team=world.team_b)
    shift(
        world.midwife_b,
        RotaEntry.Kind.ON_CALL_TEAM,
        day_start(day),
        day_start(day + timedelta(days=1)),
    )
    cal = queries.calendar(world.team_b, day, day)
    assert cal.gap_count == 0
    assert cal.days[0].gaps == []


def test_flagged_visits_are_listed_for_the_leader_with_access_recorded(world, client_for):
    entry = _leave(world)
    first = timezone.localdate() + timedelta(days=10)
    flagged = visit(world.pregnancy_a, world.midwife_a, local(first, 10))
    actions.approve_leave(
        by=world.leader_a.user, entry=entry, version=entry.version, covering=world.buddy_a
    )
    client = client_for(world.leader_a.user)
    response = client.get("/cover/requests/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Visits to move" in page
    assert world.pregnancy_a.woman.full_name in page
    assert AccessEvent.objects.filter(
        user=world.leader_a.user, woman=world.pregnancy_a.woman, action=AccessEvent.Action.LIST
    ).exists()
    # Once the visit is moved the flag is cleared and the list is empty.
    actions.move_visits(
        by=world.leader_a.user,
        moves=[(flagged, world.buddy_a)],
        from_midwife=world.midwife_a,
        reason="leave",
    )
    assert "No visits are waiting to be moved." in client.get("/cover/requests/").content.decode()


def test_a_leader_removes_a_shift_with_a_reason(world, client_for):
    start = local(timezone.localdate() + timedelta(days=3), 9)
    entry = shift(world.midwife_a, RotaEntry.Kind.WORK, start, start + timedelta(hours=8))
    leader = client_for(world.leader_a.user)
    url = f"/cover/shifts/{entry.pk}/"
    assert leader.get(url).status_code == 200
    missing = leader.post(url, {"version": str(entry.version), "reason": ""})
    assert missing.status_code == 400
    assert "Enter why you are removing this shift" in missing.content.decode()
    assert RotaEntry.objects.live().filter(pk=entry.pk).exists()
    done = leader.post(url, {"version": str(entry.version), "reason": "Swapped with Bea"})
    assert done.status_code == 302
    assert not RotaEntry.objects.live().filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(action="rota.remove_shift", object_id=str(entry.pk)).exists()
    # A midwife cannot, and another team's leader gets 404.
    assert client_for(world.midwife_a.user).get(url).status_code == 403
    leader_b = MidwifeFactory(
        team=world.team_b, user__username="leader_b", user__role=Role.TEAM_LEADER
    )
    other = shift(world.midwife_a, RotaEntry.Kind.WORK, start, start + timedelta(hours=8))
    assert client_for(leader_b.user).get(f"/cover/shifts/{other.pk}/").status_code == 404
