"""The outbox: idempotent queueing, rendering in her language, adapters that keep logs clean."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils.functional import Promise

from continuity.core.models import AuditEvent
from continuity.notifications import templates
from continuity.notifications.actions import ReferenceConflict, deliver_pending, queue_message
from continuity.notifications.models import OutboxMessage
from continuity.notifications.notifier import (
    ConsoleNotifier,
    FileNotifier,
    get_notifier,
    masked_recipient,
)

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"


@pytest.fixture
def woman(world):
    woman = world.woman_a
    woman.phone = PHONE
    woman.email = "grace@example.org"
    woman.preferred_channel = "sms"
    woman.save()
    return woman


@pytest.fixture
def personalisation(world):
    return {"named": world.midwife_a.name, "buddy": world.buddy_a.name}


def queue(world, woman, personalisation, reference="allocation:1:1", **kwargs):
    return queue_message(
        by=world.leader_a.user,
        woman=woman,
        template=kwargs.pop("template", "allocation.named"),
        personalisation=personalisation,
        reference=reference,
        **kwargs,
    )


class Failing:
    def send(self, message, subject, body):
        raise ConnectionError(f"could not reach the service for {body}")


def test_queueing_twice_with_one_reference_gives_one_message(world, woman, personalisation):
    first = queue(world, woman, personalisation)
    second = queue(world, woman, personalisation)
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="message.queued").count() == 1
    assert first.status == OutboxMessage.Status.QUEUED
    assert first.channel == OutboxMessage.Channel.SMS
    assert first.created_by == world.leader_a.user


def test_a_reference_cannot_be_reused_for_another_woman(world, woman, personalisation):
    queue(world, woman, personalisation)
    with pytest.raises(ReferenceConflict):
        queue(world, world.pregnancy_b.woman, personalisation)


def test_unknown_template_is_refused_at_queue_time(world, woman, personalisation):
    with pytest.raises(templates.UnknownTemplate, match=r"allocation\.named"):
        queue(world, woman, personalisation, template="allocation.nmaed")
    assert not OutboxMessage.objects.exists()


def test_missing_or_extra_personalisation_is_refused_at_queue_time(world, woman):
    with pytest.raises(templates.PersonalisationError, match="missing buddy"):
        queue(world, woman, {"named": "Ann Named"})
    with pytest.raises(templates.PersonalisationError, match="not used by the template: nhs"):
        queue(world, woman, {"named": "A", "buddy": "B", "nhs": woman.nhs_number})
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("preferred", "channel"),
    [("sms", "sms"), ("email", "email"), ("letter", "letter"), ("phone", "letter")],
)
def test_channel_follows_her_preference_at_queue_time(
    world, woman, personalisation, preferred, channel
):
    woman.preferred_channel = preferred
    woman.save()
    assert queue(world, woman, personalisation).channel == channel


def test_audit_row_holds_the_template_and_no_personal_data(world, woman, personalisation):
    message = queue(world, woman, personalisation)
    event = AuditEvent.objects.get(action="message.queued")
    assert event.object_type == "notifications.outboxmessage"
    assert event.object_id == str(message.pk)
    assert event.actor == world.leader_a.user
    assert event.changes == {"template": "allocation.named"}


def test_catalogue_strings_are_marked_for_translation():
    for subject, body in templates.CATALOGUE.values():
        assert isinstance(subject, Promise)
        assert isinstance(body, Promise)


def test_render_uses_her_language_and_falls_back_to_english(world, woman, personalisation):
    message = queue(world, woman, personalisation)
    subject, body = templates.render(message)
    assert subject == "Your named midwife"
    assert body.startswith("Your named midwife is Ann Named. When she is away, Bea Buddy")
    woman.preferred_language = "ur"  # not offered by the service yet
    woman.save()
    message.refresh_from_db()
    assert templates.render(message) == (subject, body)
    assert templates.language_for("en") == "en-gb"
    assert templates.language_for("ur") == "en-gb"


def test_handover_dates_are_shown_as_dates(world, woman, personalisation):
    message = queue(
        world,
        woman,
        {**personalisation, "from_date": date(2026, 3, 2)},
        template="handover.named",
        reference="handover:1:2",
    )
    assert message.personalisation["from_date"] == "2026-03-02"
    _, body = templates.render(message)
    assert body.startswith("From 2 March 2026 your named midwife is Ann Named")


def test_console_adapter_logs_the_reference_and_no_personal_data(
    world, woman, personalisation, capsys
):
    message = queue(world, woman, personalisation)
    capsys.readouterr()
    assert deliver_pending(notifier=ConsoleNotifier()) == (1, 0)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert message.reference in out
    assert "allocation.named" in out
    assert "channel=sms" in out
    for personal in (
        woman.given_name,
        woman.family_name,
        PHONE,
        PHONE.replace(" ", ""),
        woman.nhs_number,
        woman.email,
        "Ann Named",
    ):
        assert personal not in out


def test_file_adapter_writes_the_rendered_message_with_a_masked_phone(
    world, woman, personalisation, tmp_path, settings
):
    settings.CONTINUITY_NOTIFIER = f"file:{tmp_path / 'outbox'}"
    queue(world, woman, personalisation, reference="allocation:7/../8")
    assert deliver_pending() == (1, 0)
    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == ["allocation_7_.._8.txt"]
    text = files[0].read_text()
    assert "Your named midwife is Ann Named." in text
    assert "Bea Buddy" in text
    assert "*******0123" in text
    assert PHONE not in text
    assert PHONE.replace(" ", "") not in text
    assert woman.nhs_number not in text


def test_masked_recipient_for_each_channel(woman):
    assert masked_recipient(woman, "sms") == "*******0123"
    assert masked_recipient(woman, "email") == "g***@example.org"
    assert masked_recipient(woman, "letter") == "postal address in NB1 ***"
    woman.phone = ""
    assert masked_recipient(woman, "sms") == "(no phone number)"


def test_get_notifier_follows_the_setting(settings, tmp_path):
    settings.CONTINUITY_NOTIFIER = "console"
    assert isinstance(get_notifier(), ConsoleNotifier)
    settings.CONTINUITY_NOTIFIER = f"file:{tmp_path}"
    notifier = get_notifier()
    assert isinstance(notifier, FileNotifier)
    assert notifier.directory == tmp_path
    settings.CONTINUITY_NOTIFIER = "file:"
    with pytest.raises(ImproperlyConfigured, match="without a directory"):
        get_notifier()
    settings.CONTINUITY_NOTIFIER = "notify:secret-key"
    with pytest.raises(ImproperlyConfigured, match="'console' or 'file:") as raised:
        get_notifier()
    assert "secret-key" not in str(raised.value)


def test_deliver_pending_marks_sent_oldest_first_and_is_safe_to_rerun(
    world, woman, personalisation, capsys
):
    first = queue(world, woman, personalisation, reference="allocation:1:1")
    second = queue(world, woman, personalisation, reference="allocation:1:2")
    capsys.readouterr()
    assert deliver_pending(limit=1, notifier=ConsoleNotifier()) == (1, 0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutboxMessage.Status.SENT
    assert first.sent_at is not None
    assert first.attempts == 1
    assert second.status == OutboxMessage.Status.QUEUED
    assert deliver_pending(notifier=ConsoleNotifier()) == (1, 0)
    assert deliver_pending(notifier=ConsoleNotifier()) == (0, 0)
    assert capsys.readouterr().out.count("\n") == 2


def test_a_failing_notifier_marks_failed_without_raising(world, woman, personalisation):
    message = queue(world, woman, personalisation)
    assert deliver_pending(notifier=Failing()) == (0, 1)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1
    assert message.sent_at is None
    assert message.last_error == "ConnectionError"  # the class only, never the text
    assert deliver_pending(notifier=Failing()) == (0, 0)


def test_delivery_is_attempted_on_commit(
    world, woman, personalisation, settings, capsys, django_capture_on_commit_callbacks
):
    settings.CONTINUITY_NOTIFIER = "console"
    settings.CONTINUITY_NOTIFY_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(world, woman, personalisation)
        queue(world, woman, personalisation)  # the repeat schedules nothing
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.reference in capsys.readouterr().out


def test_on_commit_delivery_can_be_switched_off(
    world, woman, personalisation, settings, django_capture_on_commit_callbacks
):
    settings.CONTINUITY_NOTIFY_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(world, woman, personalisation)
    assert callbacks == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED


def test_on_commit_delivery_failure_does_not_reach_the_caller(
    world, woman, personalisation, settings, tmp_path, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CONTINUITY_NOTIFIER = f"file:{blocker}"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world, woman, personalisation)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "FileExistsError"


def test_send_notifications_command_prints_counts(world, woman, personalisation, capsys):
    queue(world, woman, personalisation)
    call_command("send_notifications")
    out = capsys.readouterr().out
    assert "Sent 1 message(s); 0 failed." in out
