"""GOV.UK Notify through a fake on loopback: retries, exactly-once, the worker, and reminders.

Time is controlled by passing `now` to delivery, never by sleeping. The only real waits are the
client's 0.5 s timeout in the timeout tests.
"""

from __future__ import annotations

import logging
import signal
import threading
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from continuity.core.models import AuditEvent
from continuity.cover.actions import move_visits
from continuity.notifications import templates
from continuity.notifications.actions import (
    claim_next,
    deliver_claimed,
    deliver_due,
    deliver_pending,
    queue_message,
)
from continuity.notifications.models import OutboxMessage
from continuity.notifications.notifier import get_notifier
from continuity.notifications.notify import NotifyNotifier
from continuity.notifications.reminders import (
    ReminderRun,
    queue_visit_reminders,
    refresh_visit_reminder,
    reminder_reference,
)
from continuity.pregnancies.models import Contact, ContactProfessional
from continuity.pregnancies.models.care import AttendanceCode
from continuity.visits.actions import record_outcome
from tests import factories
from tests.fakes.notify import API_KEY

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"
EMAIL = "grace@example.org"
LEASE = timedelta(seconds=300)
TEMPLATE_IDS = {
    key: {ch: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}/{ch}")) for ch in ("sms", "email")}
    for key in templates.CATALOGUE
}
LONDON = ZoneInfo("Europe/London")
Status = OutboxMessage.Status


@pytest.fixture
def notify(settings, fake_notify):
    """Deliver through the fake Notify; nothing is sent until a test asks."""
    settings.CONTINUITY_NOTIFIER = "notify"
    settings.CONTINUITY_NOTIFY_API_KEY = API_KEY
    settings.CONTINUITY_NOTIFY_BASE_URL = fake_notify.url
    settings.CONTINUITY_NOTIFY_TEMPLATES = TEMPLATE_IDS
    settings.CONTINUITY_NOTIFY_TIMEOUT_SECONDS = 0.5
    settings.CONTINUITY_NOTIFY_ON_COMMIT = False
    settings.CONTINUITY_MESSAGE_MAX_ATTEMPTS = 5
    settings.CONTINUITY_MESSAGE_BACKOFF_SECONDS = 30
    settings.CONTINUITY_MESSAGE_BACKOFF_MAX_SECONDS = 3600
    settings.CONTINUITY_MESSAGE_LEASE_SECONDS = LEASE.total_seconds()
    return fake_notify


@pytest.fixture
def woman(world):
    woman = world.woman_a
    woman.phone = PHONE
    woman.email = EMAIL
    woman.preferred_channel = "sms"
    woman.save()
    return woman


@pytest.fixture
def t0():
    """A moment just after anything the test queues, so it is due."""
    return timezone.now() + timedelta(seconds=1)


def queue(world, woman, reference="allocation:1:1", template="allocation.named", **values):
    personalisation = values or {"named": world.midwife_a.name, "buddy": world.buddy_a.name}
    return queue_message(
        by=world.leader_a.user,
        woman=woman,
        template=template,
        personalisation=personalisation,
        reference=reference,
    )


def reload(message):
    message.refresh_from_db()
    return message


# Sending ----------------------------------------------------------------------------------------


def test_a_text_message_goes_to_notify_with_its_template_personalisation_and_reference(
    world, woman, notify, t0
):
    message = queue(world, woman)
    assert deliver_pending(now=t0) == (1, 0)
    [request] = notify.sends()
    assert request.path == "/v2/notifications/sms"
    assert request.authorised
    assert request.body == {
        "phone_number": PHONE,
        "template_id": TEMPLATE_IDS["allocation.named"]["sms"],
        "personalisation": {"named": "Ann Named", "buddy": "Bea Buddy"},
        "reference": "allocation:1:1",
    }
    [accepted] = notify.accepted()
    message = reload(message)
    assert message.status == Status.SENT
    assert message.provider_id == accepted["id"]
    assert message.sent_at == t0
    assert message.attempts == 1
    assert not message.in_doubt
    assert notify.lookups() == []  # nothing was in doubt


def test_an_email_goes_to_notify_with_dates_written_out(world, woman, notify, t0):
    woman.preferred_channel = "email"
    woman.save()
    message = queue(
        world,
        woman,
        reference="handover:1:2",
        template="handover.named",
        named="Ann Named",
        buddy="Bea Buddy",
        from_date=datetime(2026, 3, 2).date(),
    )
    assert message.channel == "email"
    assert deliver_pending(now=t0) == (1, 0)
    [request] = notify.sends()
    assert request.path == "/v2/notifications/email"
    assert request.body["email_address"] == EMAIL
    assert request.body["template_id"] == TEMPLATE_IDS["handover.named"]["email"]
    assert request.body["personalisation"] == {
        "named": "Ann Named",
        "buddy": "Bea Buddy",
        "from_date": "2 March 2026",
    }
    assert request.body["reference"] == "handover:1:2"
    assert reload(message).status == Status.SENT


def test_rate_limited_then_accepted_is_one_notification_after_the_backoff(world, woman, notify, t0):
    notify.fail_next(1, 429)
    message = queue(world, woman)
    assert deliver_due(now=t0).retrying == 1
    message = reload(message)
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "HTTP429"
    assert not message.in_doubt  # a 429 is a refusal: nothing to check before retrying
    # Exponential backoff with jitter: the first retry waits between half and all of 30 s.
    assert t0 + timedelta(seconds=15) <= message.next_attempt_at <= t0 + timedelta(seconds=30)

    not_yet = message.next_attempt_at - timedelta(microseconds=1)
    assert deliver_pending(now=not_yet) == (0, 0)
    assert len(notify.sends()) == 1

    assert deliver_pending(now=message.next_attempt_at) == (1, 0)
    assert len(notify.sends(message.reference)) == 2
    assert len(notify.accepted(message.reference)) == 1
    assert notify.lookups() == []
    message = reload(message)
    assert message.status == Status.SENT
    assert message.attempts == 2


@pytest.mark.parametrize("status", [500, 502, 503])
def test_provider_errors_are_retried_checking_by_reference_first(world, woman, notify, t0, status):
    notify.fail_next(2, status)
    message = queue(world, woman)
    assert deliver_due(now=t0).retrying == 1
    first = reload(message)
    assert first.last_error == f"HTTP{status}"
    assert first.in_doubt  # a 5xx might have come after Notify took it

    second_at = first.next_attempt_at
    assert deliver_due(now=second_at).retrying == 1
    second = reload(message)
    assert second.attempts == 2
    # The backoff doubles: 30-60 s after the second attempt.
    assert second_at + timedelta(seconds=30) <= second.next_attempt_at
    assert second.next_attempt_at <= second_at + timedelta(seconds=60)

    assert deliver_pending(now=second.next_attempt_at) == (1, 0)
    assert len(notify.accepted(message.reference)) == 1
    assert len(notify.sends(message.reference)) == 3
    assert notify.lookups() == [message.reference, message.reference]
    assert reload(message).status == Status.SENT


def test_a_timeout_before_notify_accepted_is_retried_and_sent_once(world, woman, notify, t0):
    notify.fail_next(1, "timeout", accept=False)
    message = queue(world, woman)
    assert deliver_due(now=t0).retrying == 1
    message = reload(message)
    assert message.last_error == "Timeout"
    assert message.in_doubt
    assert notify.accepted() == []

    assert deliver_pending(now=message.next_attempt_at) == (1, 0)
    assert notify.lookups() == [message.reference]
    assert len(notify.accepted(message.reference)) == 1
    assert reload(message).status == Status.SENT


def test_a_timeout_after_notify_accepted_is_not_sent_again(world, woman, notify, t0):
    """Notify took the message but answered too late: the retry finds it by reference."""
    notify.fail_next(1, "timeout", accept=True)
    message = queue(world, woman)
    assert deliver_due(now=t0).retrying == 1
    [accepted] = notify.accepted(message.reference)

    assert deliver_pending(now=reload(message).next_attempt_at) == (1, 0)
    assert len(notify.sends(message.reference)) == 1  # no second POST
    assert notify.accepted(message.reference) == [accepted]
    message = reload(message)
    assert message.status == Status.SENT
    assert message.provider_id == accepted["id"]
    assert not message.in_doubt


def test_a_failed_lookup_keeps_the_message_in_doubt(world, woman, notify, t0):
    notify.fail_next(1, "timeout", accept=True)
    notify.fail_next(1, 429, on="lookup")
    message = queue(world, woman)
    deliver_due(now=t0)
    deliver_due(now=reload(message).next_attempt_at)
    message = reload(message)
    assert message.status == Status.QUEUED
    assert message.last_error == "HTTP429"
    assert message.in_doubt  # Notify never said whether it had it
    assert deliver_pending(now=message.next_attempt_at) == (1, 0)
    assert len(notify.sends(message.reference)) == 1
    assert len(notify.accepted(message.reference)) == 1


@pytest.mark.parametrize("status", [400, 403])
def test_a_refusal_fails_without_retry(world, woman, notify, t0, status):
    notify.fail_next(1, status)
    message = queue(world, woman)
    assert deliver_pending(now=t0) == (0, 1)
    message = reload(message)
    assert message.status == Status.FAILED
    assert message.last_error == f"HTTP{status}"
    assert message.attempts == 1
    assert deliver_pending(now=t0 + timedelta(days=1)) == (0, 0)
    assert len(notify.sends()) == 1


def test_after_max_attempts_the_message_fails(world, woman, notify, t0, settings):
    settings.CONTINUITY_MESSAGE_MAX_ATTEMPTS = 3
    notify.fail_next(10, 429)
    message = queue(world, woman)
    at = t0
    for _ in range(5):
        deliver_due(now=at)
        at += timedelta(hours=2)
    message = reload(message)
    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert message.last_error == "HTTP429"
    assert len(notify.sends()) == 3


def test_a_woman_without_a_number_or_a_letter_fails_without_calling_notify(
    world, woman, notify, t0
):
    woman.phone = ""
    woman.save()
    no_phone = queue(world, woman, reference="a:1")
    woman.preferred_channel = "letter"
    woman.save()
    letter = queue(world, woman, reference="a:2")
    assert deliver_pending(now=t0) == (0, 2)
    assert reload(no_phone).last_error == "NoPhoneNumber"
    assert reload(letter).last_error == "LetterNotSupported"
    assert notify.sends() == []


# Exactly once across crashes and workers ---------------------------------------------------------


def test_a_worker_killed_after_notify_accepted_leads_to_one_notification(world, woman, notify, t0):
    message = queue(world, woman)
    claim = claim_next(now=t0)
    assert claim is not None
    assert reload(message).status == Status.SENDING
    # The worker sends, Notify accepts, and the process dies before recording the outcome.
    NotifyNotifier.from_settings().send(claim.message, *templates.render(claim.message))
    [accepted] = notify.accepted(message.reference)

    # A restarted worker leaves it alone while the dead worker's lease runs...
    assert deliver_pending(now=t0 + timedelta(minutes=1)) == (0, 0)
    # ...then takes it over, asks Notify by reference, and records what Notify has.
    assert deliver_pending(now=t0 + LEASE + timedelta(seconds=1)) == (1, 0)
    assert len(notify.sends(message.reference)) == 1
    assert notify.accepted(message.reference) == [accepted]
    assert notify.lookups() == [message.reference]
    message = reload(message)
    assert message.status == Status.SENT
    assert message.provider_id == accepted["id"]
    assert message.attempts == 2


def test_a_worker_killed_before_sending_leads_to_one_notification(world, woman, notify, t0):
    message = queue(world, woman)
    assert claim_next(now=t0) is not None  # claimed, then the process dies
    assert deliver_pending(now=t0 + LEASE + timedelta(seconds=1)) == (1, 0)
    assert notify.lookups() == [message.reference]
    assert len(notify.sends(message.reference)) == 1
    assert len(notify.accepted(message.reference)) == 1


def test_a_lapsed_claim_on_the_last_attempt_is_failed_not_resent(
    world, woman, notify, t0, settings
):
    settings.CONTINUITY_MESSAGE_MAX_ATTEMPTS = 1
    message = queue(world, woman)
    assert claim_next(now=t0) is not None  # the only attempt; its worker dies
    assert deliver_pending(now=t0 + LEASE + timedelta(seconds=1)) == (0, 1)
    message = reload(message)
    assert message.status == Status.FAILED
    assert message.last_error == "MaxAttempts"
    assert notify.lookups() == [message.reference]
    assert notify.sends() == []


def test_a_claimed_message_is_not_taken_by_another_deliverer(world, woman, notify, t0):
    """The claim logic, one step at a time (any database): a claimed row is not due."""
    first = queue(world, woman, reference="a:1")
    second = queue(world, woman, reference="a:2")
    claim = claim_next(now=t0)
    assert claim is not None and claim.message.pk == first.pk
    assert claim_next(now=t0, pk=first.pk) is None  # a second claim on the same row loses

    # Another deliverer, meanwhile, sends only the other message.
    assert deliver_pending(now=t0) == (1, 0)
    assert notify.sends(first.reference) == []
    assert reload(second).status == Status.SENT

    assert deliver_claimed(claim, NotifyNotifier.from_settings(), now=t0) == Status.SENT
    assert len(notify.sends(first.reference)) == 1
    assert len(notify.sends(second.reference)) == 1


def test_a_worker_whose_claim_lapsed_cannot_record_over_the_new_one(world, woman, notify, t0):
    message = queue(world, woman)
    slow = claim_next(now=t0)
    later = t0 + LEASE + timedelta(seconds=1)
    assert deliver_pending(now=later) == (1, 0)  # another worker took over and sent it
    assert deliver_claimed(slow, NotifyNotifier.from_settings(), now=later) is None
    message = reload(message)
    assert message.status == Status.SENT
    assert message.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliverers_never_send_a_message_twice(world, woman, notify):
    """PostgreSQL only: two threads, two connections, SELECT … FOR UPDATE SKIP LOCKED."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (the claim test covers it)")
    messages = [queue(world, woman, reference=f"burst:{i}") for i in range(30)]
    notify.delay = 0.01
    now = timezone.now() + timedelta(seconds=1)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def deliverer():
        try:
            notifier = NotifyNotifier.from_settings()  # the client is not thread-safe
            start.wait()
            results.append(deliver_pending(limit=100, notifier=notifier, now=now))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(sent for sent, _ in results) == len(messages)
    assert all(sent > 0 for sent, _ in results)  # both really were sending at once
    for message in messages:
        assert len(notify.sends(message.reference)) == 1
        assert reload(message).status == Status.SENT
    assert len(notify.accepted()) == len(messages)


# Logs -------------------------------------------------------------------------------------------


def test_logs_hold_no_phone_email_name_or_personalisation(world, woman, notify, t0, caplog):
    caplog.set_level(logging.DEBUG)
    notify.fail_next(1, 429)
    notify.fail_next(1, "timeout", accept=False)
    # An error text that repeats the recipient: it must not reach a log.
    notify.fail_next(1, 400, message=f"phone_number {PHONE} is not allowed")
    sms = queue(world, woman, reference="a:1")  # 429, then sent
    timed_out = queue(world, woman, reference="a:2")  # timeout, then sent
    refused = queue(world, woman, reference="a:3")  # 400
    woman.preferred_channel = "email"
    woman.save()
    email = queue(world, woman, reference="a:4")
    at = t0
    for _ in range(3):
        deliver_due(now=at)
        at += timedelta(hours=2)
    assert reload(sms).status == Status.SENT
    assert reload(timed_out).status == Status.SENT
    assert reload(refused).status == Status.FAILED
    assert reload(email).status == Status.SENT

    text = caplog.text
    assert f"message {sms.pk} template=allocation.named" in text
    assert "status=sent" in text
    assert "error=HTTP429" in text
    assert "error=Timeout" in text
    assert "error=HTTP400" in text
    for personal in (
        PHONE,
        PHONE.replace(" ", ""),
        EMAIL,
        woman.given_name,
        woman.family_name,
        woman.nhs_number,
        woman.postcode,
        "Ann Named",
        "Bea Buddy",
        API_KEY[-36:],
    ):
        assert personal not in text


# Configuration ----------------------------------------------------------------------------------


def test_notify_is_chosen_by_setting_and_checked(notify, settings):
    assert isinstance(get_notifier(), NotifyNotifier)

    settings.CONTINUITY_NOTIFY_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="CONTINUITY_NOTIFY_API_KEY"):
        get_notifier()
    settings.CONTINUITY_NOTIFY_API_KEY = API_KEY

    settings.CONTINUITY_NOTIFY_BASE_URL = "http://notify.example.org"
    with pytest.raises(ImproperlyConfigured, match="https"):
        get_notifier()
    settings.CONTINUITY_NOTIFY_BASE_URL = notify.url

    settings.CONTINUITY_NOTIFY_TEMPLATES = {
        key: ids for key, ids in TEMPLATE_IDS.items() if key != "visit.reminder"
    }
    with pytest.raises(ImproperlyConfigured, match=r"visit\.reminder \(sms\), visit\.reminder"):
        get_notifier()
    settings.CONTINUITY_NOTIFY_TEMPLATES = TEMPLATE_IDS

    settings.CONTINUITY_MESSAGE_LEASE_SECONDS = 1
    with pytest.raises(ImproperlyConfigured, match="LEASE"):
        get_notifier()


def test_a_wrong_api_key_is_refused_by_notify_and_not_retried(world, woman, notify, t0, settings):
    settings.CONTINUITY_NOTIFY_API_KEY = API_KEY[:-36] + str(uuid.uuid4())
    message = queue(world, woman)
    assert deliver_pending(now=t0) == (0, 1)
    assert reload(message).last_error == "HTTP403"
    assert [r.authorised for r in notify.sends()] == [False]


# Background work --------------------------------------------------------------------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():  # the worker command installs its own
        signal.signal(sig, handler)


def run_worker():
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")


def test_queueing_enqueues_a_delivery_task_after_commit(
    world, woman, notify, settings, django_capture_on_commit_callbacks
):
    settings.CONTINUITY_NOTIFY_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world, woman)
    # The immediate backend (tests, a demo without a worker) runs the task there and then.
    assert reload(message).status == Status.SENT
    assert len(notify.accepted(message.reference)) == 1


# The worker checks its connection between tasks and closes one left inside a transaction, so
# these tests run outside the usual test transaction, as a real worker would.


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_queued_messages_from_the_database_queue(
    world, woman, notify, settings, database_tasks
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.CONTINUITY_NOTIFY_ON_COMMIT = True
    message = queue(world, woman)  # commits, then enqueues its delivery task
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "continuity.notifications.tasks.deliver_message"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}  # an id, nothing personal
    assert reload(message).status == Status.QUEUED

    run_worker()
    assert reload(message).status == Status.SENT
    assert len(notify.accepted(message.reference)) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }


@pytest.mark.django_db(transaction=True)
def test_a_retry_schedules_one_sweep_for_when_it_is_due(
    world, woman, notify, settings, database_tasks
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from continuity.notifications.tasks import schedule_sweep

    notify.fail_next(1, 429)
    message = queue(world, woman)
    run_worker()  # the start-up sweep tries it: 429
    message = reload(message)
    assert message.status == Status.QUEUED
    [waiting] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert waiting.task_path == "continuity.notifications.tasks.deliver_due_messages"
    assert waiting.run_after == message.next_attempt_at
    assert not schedule_sweep(message.next_attempt_at)  # one is waiting already
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_send_notifications_command_reports_retries(world, woman, notify, capsys):
    notify.fail_next(1, 503)
    queue(world, woman)
    call_command("send_notifications")
    assert "Sent 0 message(s); 0 failed. 1 will be retried later." in capsys.readouterr().out


# Day-before reminders ---------------------------------------------------------------------------

# Saturday 28 March 2026, noon in London. The clocks go forward at 01:00 on Sunday 29 March, so
# "tomorrow" is 23 hours long.
NOW = datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)


def visit(pregnancy, local: datetime, midwife=None, **fields):
    contact = Contact.objects.create(
        pregnancy=pregnancy, kind=Contact.Kind.ANTENATAL, scheduled_start=local, **fields
    )
    if midwife is not None:
        ContactProfessional.objects.create(
            contact=contact, midwife=midwife, team=midwife.team, is_lead=True
        )
    return contact


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def test_reminders_are_queued_for_tomorrows_planned_visits_only(world, woman):
    p = world.pregnancy_a
    tomorrow = visit(p, at(29, 9, 30), midwife=world.midwife_a)
    visit(p, at(28, 15))  # later today
    visit(p, at(30, 9))  # the day after tomorrow
    visit(p, at(29, 0, 0) - timedelta(minutes=1))  # 23:59 tonight
    visit(p, at(29, 11), cancelled_at=NOW, cancellation_reason="She asked to move it")
    visit(p, at(29, 12), voided_at=NOW, void_reason="Entered in error")
    visit(p, at(29, 13), attendance="5")

    assert queue_visit_reminders(NOW) == ReminderRun(queued=1)
    [message] = OutboxMessage.objects.all()
    assert message.template == "visit.reminder"
    assert message.reference == (
        f"visit-reminder-{tomorrow.pk}-2026-03-29T08:30:00+00:00-m{world.midwife_a.pk}"
    )
    assert message.reference == reminder_reference(tomorrow)
    assert message.channel == "sms"
    assert message.created_by is None
    assert message.personalisation == {
        "visit_date": "2026-03-29",
        "visit_time": "09:30",  # British Summer Time, though stored as 08:30 UTC
        "midwife": "Ann Named",
    }
    subject, body = templates.render(message)
    assert subject == "Your visit tomorrow"
    assert "with Ann Named tomorrow, 29 March 2026, at 09:30." in body


def test_reminders_are_idempotent_and_a_moved_visit_gets_a_new_one(world, woman):
    contact = visit(world.pregnancy_a, at(29, 9, 30), midwife=world.midwife_a)
    assert queue_visit_reminders(NOW).queued == 1
    assert queue_visit_reminders(NOW) == ReminderRun(already_queued=1)
    first = OutboxMessage.objects.get()

    contact.scheduled_start = at(29, 14)
    contact.save()
    # The action that moved it refreshes the reminder: the old time is withdrawn, the new queued.
    assert refresh_visit_reminder(contact.pk, by=None, now=NOW) == (1, True)
    assert reload(first).status == Status.WITHDRAWN
    moved = OutboxMessage.objects.get(reference=reminder_reference(contact))
    assert moved.status == Status.QUEUED
    assert moved.reference == (
        f"visit-reminder-{contact.pk}-2026-03-29T13:00:00+00:00-m{world.midwife_a.pk}"
    )
    assert moved.personalisation["visit_time"] == "14:00"
    assert queue_visit_reminders(NOW) == ReminderRun(already_queued=1)
    assert refresh_visit_reminder(contact.pk, by=None, now=NOW) == (0, False)  # nothing to do


def test_a_visit_given_to_her_buddy_gets_a_reminder_naming_the_buddy(world, woman):
    contact = visit(world.pregnancy_a, at(29, 9, 30), midwife=world.midwife_a)
    queue_visit_reminders(NOW)
    first = OutboxMessage.objects.get()
    assert first.personalisation["midwife"] == "Ann Named"
    move_visits(
        by=world.leader_a.user,
        moves=[(contact, world.buddy_a)],
        from_midwife=world.midwife_a,
        reason="Called out overnight",
    )
    assert reload(first).status == Status.WITHDRAWN  # withdrawn by the action itself
    # The action ran on today's clock; on the day before the visit it queues the new one.
    assert refresh_visit_reminder(contact.pk, by=None, now=NOW) == (0, True)
    current = OutboxMessage.objects.get(status=Status.QUEUED)
    assert current.personalisation["midwife"] == "Bea Buddy"
    assert current.reference.endswith(f"-m{world.buddy_a.pk}")


def test_a_cancelled_visit_has_its_reminder_withdrawn_and_never_sent(world, woman, notify):
    contact = visit(world.pregnancy_a, at(29, 9, 30), midwife=world.midwife_a)
    queue_visit_reminders(NOW)
    message = OutboxMessage.objects.get()
    record_outcome(
        by=world.midwife_a.user,
        contact=contact,
        version=contact.version,
        attendance=AttendanceCode.CANCELLED_BY_PATIENT,
        attended_by=[],
        note="She is staying with her mother",
    )
    assert reload(message).status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="message.withdrawn", object_id=str(message.pk)).exists()
    assert queue_visit_reminders(NOW) == ReminderRun()  # not queued again
    assert deliver_pending(now=timezone.now() + timedelta(seconds=1)) == (0, 0)
    assert notify.sends() == []


def test_a_reminder_already_being_sent_is_not_withdrawn(world, woman):
    contact = visit(world.pregnancy_a, at(29, 9, 30), midwife=world.midwife_a)
    queue_visit_reminders(NOW)
    claim = claim_next(now=timezone.now() + timedelta(seconds=1))
    assert claim is not None
    contact.cancelled_at = NOW
    contact.save()
    assert refresh_visit_reminder(contact.pk, by=None, now=NOW) == (0, False)
    assert reload(claim.message).status == Status.SENDING


@pytest.mark.parametrize(
    ("channel", "phone", "email", "outcome"),
    [
        ("sms", "", EMAIL, "skipped"),
        ("email", PHONE, "", "skipped"),
        ("letter", PHONE, EMAIL, "skipped"),
        ("phone", PHONE, EMAIL, "skipped"),
        ("email", "", EMAIL, "email"),
        ("sms", PHONE, "", "sms"),
    ],
)
def test_women_without_contact_details_for_their_channel_are_skipped(
    world, woman, channel, phone, email, outcome
):
    woman.preferred_channel = channel
    woman.phone = phone
    woman.email = email
    woman.save()
    visit(world.pregnancy_a, at(29, 10), midwife=world.midwife_a)
    run = queue_visit_reminders(NOW)
    if outcome == "skipped":
        assert run == ReminderRun(skipped=1)
        assert not OutboxMessage.objects.exists()
    else:
        assert run == ReminderRun(queued=1)
        assert OutboxMessage.objects.get().channel == outcome


def test_reminders_name_her_midwife_when_the_visit_names_no_one(world, woman):
    visit(world.pregnancy_a, at(29, 10))
    queue_visit_reminders(NOW)
    assert OutboxMessage.objects.get().personalisation["midwife"] == "Ann Named"


def test_no_reminder_for_a_pregnancy_that_has_ended(world, woman):
    p = world.pregnancy_a
    p.status = p.Status.ENDED
    p.save()
    visit(p, at(29, 10), midwife=world.midwife_a)
    assert queue_visit_reminders(NOW) == ReminderRun()


def test_reminders_go_out_through_notify(world, woman, notify):
    visit(world.pregnancy_a, at(29, 9, 30), midwife=world.midwife_a)
    queue_visit_reminders(NOW)
    assert deliver_pending(now=timezone.now() + timedelta(seconds=1)) == (1, 0)
    [request] = notify.sends()
    assert request.body["template_id"] == TEMPLATE_IDS["visit.reminder"]["sms"]
    assert request.body["personalisation"] == {
        "visit_date": "29 March 2026",
        "visit_time": "09:30",
        "midwife": "Ann Named",
    }


def test_queue_reminders_command_uses_tomorrow(world, woman, capsys):
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time())) + timedelta(
        hours=10
    )
    visit(world.pregnancy_a, start, midwife=world.midwife_a)
    other = factories.PregnancyFactory(booking_site=world.site)  # no phone number
    visit(other, start)
    call_command("queue_reminders")
    out = capsys.readouterr().out
    assert "Queued 1 reminder(s); 0 already queued; 1 skipped" in out
    assert f"-{start.astimezone(UTC).isoformat()}-m" in OutboxMessage.objects.get().reference
