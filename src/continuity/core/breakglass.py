"""Emergency ("break glass") access: the actions that open and review it.

A staff member with the `break_glass` activity who needs a record outside her relationships
gives the woman's NHS number and a reason. If the woman is registered, she may see the record for
`MINUTES` minutes; every view in that time is recorded as emergency access, the privacy officer
reviews it, and the woman sees it in her access history. A search that finds nobody is audited
too (without the number).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit, record_access
from continuity.core.models import AccessEvent, BreakGlass
from continuity.pregnancies.actions import ActionError, required_text
from continuity.pregnancies.models import Woman

MINUTES = 60
MIN_REASON = 10


def check_request(*, by: User, nhs_number: str, reason: str) -> tuple[Woman, str]:
    """The woman and the reason, or an ActionError. A number matching nobody is audited here,
    outside any transaction of the caller's, so the refusal stays on record."""
    text = required_text(
        reason, field="reason", limit=500, missing=_("Give the reason you need her record now")
    )
    if len(text) < MIN_REASON:
        raise ActionError(
            _("Say why in a few words: the privacy officer will read it"), field="reason"
        )
    woman = Woman.objects.filter(nhs_number=nhs_number).first()
    if woman is None:
        # Audited against the searcher's own account: the number itself is not kept.
        audit(by=by, action="break_glass.no_match", obj=User.objects.get(pk=by.pk), reason=text)
        raise ActionError(
            _("No woman with this NHS number is registered with us"), field="nhs_number"
        )
    return woman, text


def open_access(*, by: User, nhs_number: str, reason: str) -> BreakGlass:
    woman, text = check_request(by=by, nhs_number=nhs_number, reason=reason)
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=by,
            woman=woman,
            reason=text,
            started_at=now,
            expires_at=now + timedelta(minutes=MINUTES),
        )
        audit(by=by, action="break_glass.opened", obj=grant, reason=text)
        record_access(
            user=by,
            woman=woman,
            action=AccessEvent.Action.SEARCH,
            outcome=AccessEvent.Outcome.BREAK_GLASS,
            basis="break_glass",
            reason=text,
        )
    return grant


@transaction.atomic
def review(*, by: User, grant: BreakGlass, outcome: str, note: str) -> BreakGlass:
    if outcome not in BreakGlass.Review.values:
        raise ActionError(_("Choose whether the access was appropriate"), field="review")
    if outcome == BreakGlass.Review.CONCERN and not note.strip():
        raise ActionError(_("Say what concerns you, for the follow-up"), field="note")
    locked = BreakGlass.objects.select_for_update().get(pk=grant.pk)
    if locked.reviewed_at is not None:
        raise ActionError(_("This emergency access has already been reviewed"))
    locked.review = outcome
    locked.review_note = note.strip()[:500]
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.save()
    audit(by=by, action="break_glass.reviewed", obj=locked, changes={"review": outcome})
    return locked
