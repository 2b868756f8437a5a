"""Retention: maternity records are kept 25 years after care ends, then reviewed, never deleted.

"Care ends" for a pregnancy is its maternity discharge date; a pregnancy that ended without one
(a transfer out, say) ends on the day of its last status change. A woman's record is due for
review 25 years after the latest end of care over all her pregnancies, and never while any
pregnancy is still in care. `flag_due` (run daily by `continuity retention_review`) opens one
review per due record; the privacy officer decides to keep it (until a later date, when it is
flagged again) or to pass it to the records manager. The software deletes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.core.models import RetentionReview
from continuity.pregnancies.actions import ActionError, StaleRecord, required_text
from continuity.pregnancies.models import Pregnancy, PregnancyTransition, Woman

YEARS = 25


def years_after(day: date, years: int = YEARS) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def care_ended(woman: Woman) -> date | None:
    """The day her last care ended, or None while any pregnancy is in care (or she has none)."""
    pregnancies = list(woman.pregnancies.all())
    if not pregnancies or any(p.is_active for p in pregnancies):
        return None
    ends = []
    for p in pregnancies:
        if p.discharge_date is not None:
            ends.append(p.discharge_date)
            continue
        last = PregnancyTransition.objects.filter(pregnancy=p).aggregate(at=Max("at"))["at"]
        ends.append(timezone.localtime(last).date() if last else p.edd)
    return max(ends)


@dataclass(frozen=True)
class FlagRun:
    flagged: int
    already_open: int


@transaction.atomic
def flag_due(today: date) -> FlagRun:
    """Open a review for every record whose retention period has ended. Idempotent."""
    latest_discharge_cutoff = years_after(today, -YEARS)
    # Candidates: no pregnancy in care, and some pregnancy that ended at least 25 years ago.
    candidates = (
        Woman.objects.exclude(pregnancies__status__in=Pregnancy.ACTIVE_STATUSES)
        .filter(
            Q(pregnancies__discharge_date__lte=latest_discharge_cutoff)
            | Q(pregnancies__discharge_date__isnull=True)
        )
        .distinct()
    )
    flagged = already = 0
    for woman in candidates.iterator():
        ended = care_ended(woman)
        if ended is None or years_after(ended) > today:
            continue
        if RetentionReview.objects.filter(woman=woman, decided_at__isnull=True).exists():
            already += 1
            continue
        kept = RetentionReview.objects.filter(
            woman=woman, decision=RetentionReview.Decision.KEEP, keep_until__gt=today
        ).exists()
        handed_over = RetentionReview.objects.filter(
            woman=woman, decision=RetentionReview.Decision.DISPOSAL
        ).exists()
        if kept or handed_over:
            continue
        review = RetentionReview.objects.create(
            woman=woman, care_ended_on=ended, due_on=years_after(ended)
        )
        audit(by=None, action="retention.flagged", obj=review)
        flagged += 1
    return FlagRun(flagged=flagged, already_open=already)


@transaction.atomic
def decide(
    *, by: User, review: RetentionReview, decision: str, note: str, keep_until: date | None
) -> RetentionReview:
    locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if locked.decided_at is not None:
        raise StaleRecord(_("This review has already been decided. Check the list again."))
    if decision not in RetentionReview.Decision.values:
        raise ActionError(_("Choose whether to keep the record or pass it on"), field="decision")
    text = required_text(
        note, field="note", limit=500, missing=_("Enter the reason for your decision")
    )
    if decision == RetentionReview.Decision.KEEP:
        if keep_until is None:
            raise ActionError(_("Enter the date to keep the record until"), field="keep_until")
        if keep_until <= timezone.localdate():
            raise ActionError(_("The date to keep it until must be in the future"), "keep_until")
    else:
        keep_until = None
    locked.decision = decision
    locked.keep_until = keep_until
    locked.note = text
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save()
    audit(by=by, action=f"retention.{decision}", obj=locked, reason=text)
    return locked  # type: ignore[no-any-return]
