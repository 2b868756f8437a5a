"""Asking for and recording feedback.

- `request_feedback`: one request per touchpoint (or per visit), with a link sent by her
  preferred channel through the notifier (idempotent reference `feedback:<request pk>`).
- `queue_feedback_requests(today)`: the daily run: women reaching 36 weeks today; births
  yesterday (the birth touchpoint, and the postnatal ward or home touchpoint); community care
  ended yesterday; and one visit in three attended yesterday with the continuity survey.
- `answer`: her answers, once. Free text is kept as written (at most 2,000 characters each)
  and always shown escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.core.audit import audit
from continuity.engines.gestation import date_reaching
from continuity.feedback.models import FeedbackRequest, FeedbackResponse
from continuity.notifications.actions import queue_message
from continuity.notifications.reminders import can_reach
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.models import Contact, LabourRecord, Pregnancy

MAX_TEXT = 2000
LINK_DAYS = 28  # a link works for four weeks
Touchpoint = FeedbackRequest.Touchpoint


def link_for(request: FeedbackRequest) -> str:
    base = str(settings.CONTINUITY.get("PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
    return base + reverse("feedback:answer", args=[request.token])


@transaction.atomic
def request_feedback(
    *, pregnancy: Pregnancy, touchpoint: str, contact: Contact | None = None
) -> FeedbackRequest | None:
    """Create the request and queue the message with its link; None if already asked."""
    if touchpoint not in Touchpoint.values:
        raise ActionError(_("Unknown touchpoint"))
    now = timezone.now()
    try:
        with transaction.atomic():
            request = FeedbackRequest.objects.create(
                pregnancy=pregnancy,
                touchpoint=touchpoint,
                contact=contact if touchpoint == Touchpoint.VISIT else None,
                expires_at=now + timedelta(days=LINK_DAYS),
            )
    except IntegrityError:
        return None  # asked already at this touchpoint, or about this visit
    woman = pregnancy.woman
    if can_reach(woman):
        queue_message(
            by=None,
            woman=woman,
            template="feedback.request",
            personalisation={"link": link_for(request)},
            reference=f"feedback:{request.pk}",
        )
    audit(by=None, action="feedback.requested", obj=request, changes={"touchpoint": touchpoint})
    return request


@dataclass(frozen=True)
class Answers:
    rating: int | None = None
    what_was_good: str = ""
    could_be_better: str = ""
    named_or_buddy: str = ""
    listened: str = ""


@transaction.atomic
def answer(*, request: FeedbackRequest, answers: Answers) -> FeedbackResponse:
    locked = FeedbackRequest.objects.select_for_update().get(pk=request.pk)
    if locked.answered_at is not None:
        raise ActionError(_("You have already answered this. Thank you."))
    if timezone.now() > locked.expires_at:
        raise ActionError(_("This link has expired. Thank you for wanting to tell us."))
    if locked.is_visit:
        if not answers.named_or_buddy:
            raise ActionError(
                _("Say whether the visit was with your midwife or buddy"), field="named_or_buddy"
            )
    elif answers.rating is None:
        raise ActionError(_("Choose how your experience was"), field="rating")
    for field in ("what_was_good", "could_be_better"):
        if len(getattr(answers, field)) > MAX_TEXT:
            raise ActionError(
                _("Keep this to %(max)d characters or fewer") % {"max": MAX_TEXT}, field=field
            )
    now = timezone.now()
    response = FeedbackResponse.objects.create(
        request=locked,
        rating=answers.rating,
        what_was_good=answers.what_was_good.strip(),
        could_be_better=answers.could_be_better.strip(),
        named_or_buddy=answers.named_or_buddy,
        listened=answers.listened,
        answered_at=now,
    )
    locked.answered_at = now
    locked.save(update_fields=["answered_at"])
    audit(
        by=None, action="feedback.answered", obj=locked, changes={"touchpoint": locked.touchpoint}
    )
    return response


def queue_feedback_requests(today: date | None = None) -> int:
    """The day's requests at each touchpoint. Idempotent: a touchpoint is asked about once."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    made = 0
    active = Pregnancy.objects.filter(status__in=Pregnancy.ACTIVE_STATUSES).select_related("woman")
    for p in active.filter(labour__isnull=True):
        if date_reaching(p.dating, 36 * 7) == today:
            made += request_feedback(pregnancy=p, touchpoint=Touchpoint.ANTENATAL) is not None
    start = timezone.make_aware(datetime.combine(yesterday, time.min))
    end = start + timedelta(days=1)
    births = LabourRecord.objects.live().filter(birth_at__gte=start, birth_at__lt=end)
    for labour in births.select_related("pregnancy__woman"):
        if timezone.localtime(labour.birth_at).date() == yesterday:
            for touchpoint in (Touchpoint.BIRTH, Touchpoint.POSTNATAL_WARD):
                made += (
                    request_feedback(pregnancy=labour.pregnancy, touchpoint=touchpoint) is not None
                )
    for p in Pregnancy.objects.filter(discharge_date=yesterday).select_related("woman"):
        made += request_feedback(pregnancy=p, touchpoint=Touchpoint.COMMUNITY) is not None
    visits = (
        Contact.objects.live()
        .filter(
            attendance__in=("5", "6"),
            scheduled_start__gte=start - timedelta(hours=12),
            scheduled_start__lt=end + timedelta(hours=12),
        )
        .select_related("pregnancy__woman")
    )
    for c in visits:
        day = timezone.localtime(c.actual_start or c.scheduled_start).date()
        if day == yesterday and c.pk % 3 == 0:  # one visit in three, chosen by its id
            made += (
                request_feedback(pregnancy=c.pregnancy, touchpoint=Touchpoint.VISIT, contact=c)
                is not None
            )
    return made
