"""Every allocation write: accept or override a suggestion, record a decline, apply a handover.

Each is atomic and audited in its transaction; accepting writes the MSD102-shaped care-plan
record (type 05, continuity indicator Y, named professional and team) the national measure
reads, and queues a message telling her who her midwives are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.allocation.engine_io import HandoverChange
from continuity.allocation.models import AllocationDecision, Handover
from continuity.core.audit import audit
from continuity.notifications.actions import queue_message
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.pregnancies.models import Assignment, CarePlanRecord, Pregnancy
from continuity.workforce.models import Midwife

__all__ = ["ActionError", "StaleRecord", "allocate", "apply_handover", "decline"]


def _lock_waiting(pregnancy: Pregnancy) -> tuple[Pregnancy, Assignment]:
    locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
    current = (
        Assignment.objects.select_for_update()
        .filter(pregnancy=locked, ends_at__isnull=True)
        .select_related("team")
        .first()
    )
    if current is None or current.named_midwife_id is not None:
        raise StaleRecord(_("She has already been allocated. Reload the queue to see who to."))
    if AllocationDecision.objects.filter(
        pregnancy=locked,
        kind__in=(AllocationDecision.Kind.DECLINED, AllocationDecision.Kind.NOT_OFFERED),
    ).exists():
        raise StaleRecord(_("A decision has already been recorded for her."))
    if not locked.is_active:
        raise ActionError(_("Her pregnancy is no longer in the service's care."))
    return locked, current


def _check_pair(team_id: int, named: Midwife, buddy: Midwife, today: date) -> None:
    if named.pk == buddy.pk:
        raise ActionError(
            _("Her buddy must be a different midwife from her named midwife."), field="buddy"
        )
    for field, mw in (("named", named), ("buddy", buddy)):
        if mw.team_id != team_id or not mw.is_active_on(today):
            raise ActionError(_("Choose a midwife who works in this team now."), field=field)


def _reassign(
    current: Assignment,
    *,
    by: User,
    named: Midwife | None,
    buddy: Midwife | None,
    reason: str,
) -> Assignment:
    """Close the open assignment and open the next one: her history of midwives is kept."""
    now = timezone.now()
    current.ends_at = now
    current.save(update_fields=["ends_at"])
    return Assignment.objects.create(
        pregnancy_id=current.pregnancy_id,
        team=current.team,
        named_midwife=named,
        buddy=buddy,
        starts_at=now,
        reason=reason[:500],
        created_by=by,
    )


def _antenatal_plan(
    current: Assignment, *, by: User, today: date, named: Midwife | None
) -> CarePlanRecord:
    """The MSD102-shaped type-05 record the national measure reads: indicator Y with the named
    professional and team, or N (declined or not offered) with the team only."""
    return CarePlanRecord.objects.create(
        pregnancy_id=current.pregnancy_id,
        plan_date=today,
        plan_type=CarePlanRecord.PlanType.ANTENATAL,
        coc_pathway="Y" if named is not None else "N",
        professional=named,
        team=current.team,
        recorded_by=by,
    )


@dataclass(frozen=True)
class Choice:
    pregnancy: Pregnancy
    named: Midwife
    buddy: Midwife
    suggestion: dict[str, Any]  # what the engine suggested, as engine_io.Suggestion.as_record()
    reason: str = ""  # required when the choice differs from the suggestion


@transaction.atomic
def allocate(*, by: User, choice: Choice, today: date | None = None) -> Assignment:
    """Give her a named midwife and a buddy; an override of the suggestion needs a reason."""
    today = today or timezone.localdate()
    pregnancy, current = _lock_waiting(choice.pregnancy)
    _check_pair(current.team_id, choice.named, choice.buddy, today)
    suggested = (choice.suggestion.get("named"), choice.suggestion.get("buddy"))
    accepted = suggested == (choice.named.professional_id, choice.buddy.professional_id)
    reason = choice.reason.strip()
    if not accepted and not reason:
        raise ActionError(
            _("Give a reason for choosing different midwives from the suggestion."),
            field="reason",
        )
    assignment = _reassign(
        current,
        by=by,
        named=choice.named,
        buddy=choice.buddy,
        reason="Allocated" if accepted else f"Allocated by the team leader: {reason}",
    )
    _antenatal_plan(current, by=by, today=today, named=choice.named)
    kind = AllocationDecision.Kind.ACCEPTED if accepted else AllocationDecision.Kind.OVERRIDDEN
    AllocationDecision.objects.create(
        pregnancy=pregnancy,
        kind=kind,
        team=current.team,
        named_midwife=choice.named,
        buddy=choice.buddy,
        assignment=assignment,
        reason=reason[:500],
        suggestion=choice.suggestion,
        decided_by=by,
    )
    audit(
        by=by,
        action=f"allocation.{kind}",
        obj=pregnancy,
        changes={
            "named": choice.named.professional_id,
            "buddy": choice.buddy.professional_id,
            "suggested": list(suggested),
            "team": current.team.local_id,
        },
        reason=reason,
    )
    queue_message(
        by=by,
        woman=pregnancy.woman,
        template="allocation.named",
        personalisation={"named": choice.named.name, "buddy": choice.buddy.name},
        reference=f"allocation:{assignment.pk}",
    )
    return assignment


@dataclass(frozen=True)
class BulkResult:
    allocated: list[Pregnancy]
    skipped: list[tuple[Pregnancy, str]]


def allocate_many(*, by: User, choices: Sequence[Choice], today: date | None = None) -> BulkResult:
    """Accept several suggestions; one that has gone stale is skipped with its reason, the rest
    are saved (each in its own transaction)."""
    result = BulkResult([], [])
    for choice in choices:
        try:
            allocate(by=by, choice=choice, today=today)
        except ActionError as exc:
            result.skipped.append((choice.pregnancy, exc.message))
        else:
            result.allocated.append(choice.pregnancy)
    return result


@transaction.atomic
def decline(
    *, by: User, pregnancy: Pregnancy, kind: str, reason: str, today: date | None = None
) -> AllocationDecision:
    """She declined continuity of carer, or it was not offered: recorded with the reason, and a
    type-05 care plan with indicator N; she stays with the team on a traditional pathway."""
    if kind not in (AllocationDecision.Kind.DECLINED, AllocationDecision.Kind.NOT_OFFERED):
        raise ActionError(
            _("Choose whether she declined or was not offered continuity."), field="decision"
        )
    reason = reason.strip()
    if not reason:
        raise ActionError(_("Give the reason, in her words where she gave one."), field="reason")
    today = today or timezone.localdate()
    pregnancy, current = _lock_waiting(pregnancy)
    label = "Declined continuity of carer" if kind == "declined" else "Continuity not offered"
    assignment = _reassign(current, by=by, named=None, buddy=None, reason=f"{label}: {reason}")
    _antenatal_plan(current, by=by, today=today, named=None)
    decision = AllocationDecision.objects.create(
        pregnancy=pregnancy,
        kind=kind,
        team=current.team,
        assignment=assignment,
        reason=reason[:500],
        decided_by=by,
    )
    audit(by=by, action=f"allocation.{kind}", obj=pregnancy, reason=reason)
    return decision


@transaction.atomic
def apply_handover(
    *,
    by: User,
    midwife: Midwife,
    kind: str,
    from_date: date,
    reason: str,
    changes: Sequence[HandoverChange],
    today: date | None = None,
) -> Handover:
    """Apply a previewed handover. Every assignment must be unchanged since the preview."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if kind not in Handover.Kind.values:
        raise ActionError(_("Choose why her women are being handed over."), field="kind")
    if not reason:
        raise ActionError(_("Give a reason for the handover."), field="reason")
    if from_date < today:
        raise ActionError(_("The handover date must be today or later."), field="from_date")
    handover = Handover.objects.create(
        midwife=midwife, kind=kind, from_date=from_date, reason=reason[:500], applied_by=by
    )
    for change in changes:
        current = (
            Assignment.objects.select_for_update()
            .filter(pk=change.assignment.pk, ends_at__isnull=True)
            .first()
        )
        if current is None or midwife.pk not in (current.named_midwife_id, current.buddy_id):
            raise StaleRecord(
                _("Her caseload changed after the preview. Look at the new preview and apply it.")
            )
        previous_named = current.named_midwife
        previous_buddy = current.buddy
        new = _reassign(
            current,
            by=by,
            named=change.new_named,
            buddy=change.new_buddy,
            reason=f"Handover ({handover.get_kind_display()}): {reason}",
        )
        named_changed = previous_named != change.new_named
        if named_changed and change.new_named is not None and change.pregnancy.edd >= today:
            _antenatal_plan(current, by=by, today=today, named=change.new_named)
        AllocationDecision.objects.create(
            pregnancy=change.pregnancy,
            kind=AllocationDecision.Kind.HANDOVER,
            team=current.team,
            named_midwife=change.new_named,
            buddy=change.new_buddy,
            assignment=new,
            handover=handover,
            reason=reason[:500],
            suggestion={
                "reasons": [[r.code, r.value] for r in change.reasons],
                "unplaced_reason": change.unplaced_reason,
            },
            decided_by=by,
        )
        audit(
            by=by,
            action="allocation.handover",
            obj=change.pregnancy,
            changes={
                "from": [
                    previous_named.professional_id if previous_named else None,
                    previous_buddy.professional_id if previous_buddy else None,
                ],
                "to": [
                    change.new_named.professional_id if change.new_named else None,
                    change.new_buddy.professional_id if change.new_buddy else None,
                ],
            },
            reason=reason,
        )
        if change.new_named is not None and change.new_buddy is not None:
            queue_message(
                by=by,
                woman=change.pregnancy.woman,
                template="handover.named",
                personalisation={
                    "from_date": from_date,
                    "named": change.new_named.name,
                    "buddy": change.new_buddy.name,
                },
                reference=f"handover:{handover.pk}:{new.pk}",
            )
    if kind == Handover.Kind.LEAVING and midwife.end_date is None:
        midwife.end_date = max(today, from_date - timedelta(days=1))
        midwife.save(update_fields=["end_date"])
        audit(
            by=by,
            action="midwife.leaving",
            obj=midwife,
            changes={"end_date": midwife.end_date.isoformat()},
            reason=reason,
        )
    audit(
        by=by,
        action="allocation.handover_applied",
        obj=handover,
        changes={"midwife": midwife.professional_id, "women": len(changes)},
        reason=reason,
    )
    return handover
