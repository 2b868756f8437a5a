"""Feedback: the Friends and Family Test at the touchpoints and the continuity survey after
visits, asked by link through the notifier, answered once, summarised for the board."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from continuity.assurance import presenters
from continuity.feedback import actions
from continuity.feedback.models import FeedbackRequest, FeedbackResponse
from continuity.notifications.models import OutboxMessage
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.models import Contact, LabourRecord

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def reachable(world):
    woman = world.woman_a
    woman.phone, woman.preferred_channel = "07700 900123", "sms"
    woman.save()
    return woman


def test_a_request_sends_her_a_link_once(world, reachable):
    request = actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="antenatal")
    assert request is not None
    message = OutboxMessage.objects.get(reference=f"feedback:{request.pk}")
    assert message.template == "feedback.request"
    assert message.personalisation["link"].endswith(f"/feedback/{request.token}/")
    assert actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="antenatal") is None
    assert OutboxMessage.objects.count() == 1


def test_she_answers_by_the_link_without_signing_in(world, reachable):
    request = actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="birth")
    client = Client()
    url = f"/feedback/{request.token}/"
    page = client.get(url)
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    text = page.content.decode()
    assert "Overall, how was your experience of our service?" in text
    assert world.woman_a.family_name not in text  # nothing about her on a link page
    response = client.post(url, {"what_was_good": "Kind midwives"})
    assert (
        response.status_code == 400
        and "Choose how your experience was" in response.content.decode()
    )
    assert "Kind midwives" in response.content.decode()  # nothing lost
    client.post(url, {"rating": "1", "what_was_good": "Kind midwives"})
    answer = FeedbackResponse.objects.get()
    assert answer.rating == 1 and answer.what_was_good == "Kind midwives"
    again = client.post(url, {"rating": "5"})
    assert "Thank you" in again.content.decode()
    assert FeedbackResponse.objects.count() == 1
    assert client.get("/feedback/not-a-token/").status_code == 404


def test_the_continuity_survey_after_a_visit(world, reachable):
    contact = Contact.objects.create(
        pregnancy=world.pregnancy_a,
        kind="antenatal",
        scheduled_start=timezone.now(),
        attendance="5",
    )
    request = actions.request_feedback(
        pregnancy=world.pregnancy_a, touchpoint="visit", contact=contact
    )
    with pytest.raises(ActionError, match="midwife or buddy"):
        actions.answer(request=request, answers=actions.Answers())
    actions.answer(
        request=request, answers=actions.Answers(named_or_buddy="yes", listened="partly")
    )
    assert FeedbackResponse.objects.get().named_or_buddy == "yes"


def test_an_expired_link_is_refused(world, reachable):
    request = actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="community")
    FeedbackRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    request.refresh_from_db()
    with pytest.raises(ActionError, match="expired"):
        actions.answer(request=request, answers=actions.Answers(rating=2))


def test_the_daily_run_asks_at_each_touchpoint(world, reachable):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    p = world.pregnancy_a
    # The birth was yesterday: the birth and postnatal ward touchpoints.
    LabourRecord.objects.create(
        pregnancy=p,
        birth_at=timezone.make_aware(datetime.combine(yesterday, datetime.min.time()))
        + timedelta(hours=3),
        setting="obstetric_unit",
    )
    made = actions.queue_feedback_requests(today)
    kinds = set(FeedbackRequest.objects.values_list("touchpoint", flat=True))
    assert {"birth", "postnatal_ward"} <= kinds and made >= 2
    assert actions.queue_feedback_requests(today) == 0  # asked once


def test_script_in_answers_is_shown_escaped_in_the_board_summary(world, reachable, client_for):
    request = actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="antenatal")
    actions.answer(request=request, answers=actions.Answers(rating=2, could_be_better="<b>x</b>"))
    month = f"{timezone.localdate():%Y-%m}"
    summary = presenters.feedback_and_concerns(month)
    row = next(
        r for r in summary["fft"] if r["label"] == FeedbackRequest.Touchpoint.ANTENATAL.label
    )
    assert row["n"] == 5 and row["positive"] is None  # one answer: rounded, and suppressed


def test_her_tell_us_page_lists_feedback_to_give(world, reachable, client_for):
    request = actions.request_feedback(pregnancy=world.pregnancy_a, touchpoint="antenatal")
    text = client_for(world.woman_user).get("/my/tell-us/").content.decode()
    assert f"/feedback/{request.token}/" in text
