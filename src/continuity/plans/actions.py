"""Writes to the plan. Atomic, keyword-only, audited without the plan's words (they are hers).

- `save_headings`: the woman or a midwife saves some headings of a section. Only headings the
  writer may write, at most `MAX_TEXT` characters each; unchanged headings add no version. Saved
  text is kept even while the section is a draft: nothing she writes is lost.
- `record_discussion`: the midwife's note of a discussion, at one of the woman's contacts.
- `agree_section`: the section is agreed with her. It writes the national care plan record
  (MSD102 shape: type 05, 06 or 07, personalised plan Y, her named midwife and team) and marks the
  section agreed; later changes mark it "changed since it was agreed".
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.organisations.models import Team
from continuity.plans import headings
from continuity.plans.models import PlanDiscussion, PlanEntry, PlanSection
from continuity.pregnancies.actions import ActionError, StaleRecord, required_text
from continuity.pregnancies.models import CarePlanRecord, Contact, Pregnancy
from continuity.pregnancies.models.care import YesNo
from continuity.pregnancies.queries import current_assignment


def section_for(pregnancy: Pregnancy, key: str, *, lock: bool = False) -> PlanSection:
    """The section, created (as a draft) the first time anyone writes in it."""
    return _section(pregnancy, key, lock=lock)[0]


def _section(pregnancy: Pregnancy, key: str, *, lock: bool) -> tuple[PlanSection, bool]:
    if key not in headings.BY_KEY:
        raise ActionError(_("There is no such part of the plan"))
    qs = PlanSection.objects.select_for_update() if lock else PlanSection.objects
    section, created = qs.get_or_create(pregnancy=pregnancy, key=key)
    return section, created


def current_texts(section: PlanSection) -> dict[str, str]:
    texts: dict[str, str] = {}
    for entry in section.entries.order_by("heading", "-written_at", "-id"):
        texts.setdefault(entry.heading, entry.text)
    return texts


@transaction.atomic
def save_headings(
    *,
    by: User,
    pregnancy: Pregnancy,
    section_key: str,
    texts: Mapping[str, str],
    writer: str,
    version: int | None = None,
) -> PlanSection:
    """Save the headings she (writer=WOMAN) or a midwife (writer=MIDWIFE) changed."""
    section, created = _section(pregnancy, section_key, lock=True)
    # A page shows version 0 for a section nobody has written in yet.
    if version is not None and (0 if created else section.version) != version:
        raise StaleRecord(
            _(
                "This part of the plan changed while you were writing. Your words are below: check "
                "them against the latest version and save again."
            ),
            record=section,
        )
    allowed = {h.key for h in headings.writable_by(section_key, writer)}
    for key, text in texts.items():
        if key not in allowed:
            raise ActionError(_("You cannot change this heading"), field=key)
        if len(text) > headings.MAX_TEXT:
            raise ActionError(
                _("Keep this to %(max)d characters or fewer (it has %(n)d)")
                % {"max": headings.MAX_TEXT, "n": len(text)},
                field=key,
            )
    before = current_texts(section)
    now = timezone.now()
    changed = []
    for key, text in texts.items():
        text = text.replace("\r\n", "\n").rstrip()
        if text != before.get(key, ""):
            PlanEntry.objects.create(
                section=section,
                heading=key,
                text=text,
                written_by=by,
                written_by_role=by.role,
                written_at=now,
            )
            changed.append(key)
    if changed:
        if section.status == PlanSection.Status.AGREED:
            section.status = PlanSection.Status.CHANGED
        section.version += 1
        section.updated_at = now
        section.save(update_fields=["status", "version", "updated_at"])
        audit(by=by, action="plan.save", obj=section, changes={"headings": changed})
    return section


@transaction.atomic
def record_discussion(
    *, by: User, section: PlanSection, note: str, contact: Contact | None = None
) -> PlanDiscussion:
    text = required_text(
        note,
        field="note",
        limit=headings.MAX_TEXT,
        missing=_("Write a short note of what you discussed"),
    )
    if contact is not None and contact.pregnancy_id != section.pregnancy_id:
        raise ActionError(_("Choose one of her own visits"), field="contact")
    discussion = PlanDiscussion.objects.create(
        section=section, contact=contact, note=text, recorded_by=by
    )
    audit(by=by, action="plan.discussion", obj=section, changes={"contact": contact and contact.pk})
    return discussion


def _pathway(pregnancy: Pregnancy) -> tuple[str, object, object]:
    """(CoC indicator, named professional, team) for the record, from her care team now."""
    a = current_assignment(pregnancy)
    if a is None:
        return "", None, None
    on_team = a.team.care_model == Team.Model.CONTINUITY
    if on_team and a.named_midwife_id is not None:
        return YesNo.YES, a.named_midwife, a.team
    return YesNo.NO, a.named_midwife, a.team


@transaction.atomic
def agree_section(*, by: User, section: PlanSection, version: int) -> PlanSection:
    locked = PlanSection.objects.select_for_update().get(pk=section.pk)
    if locked.version != version:
        raise StaleRecord(
            _("This part of the plan has changed. Read it again before agreeing."), record=locked
        )
    if not current_texts(locked):
        raise ActionError(_("Write at least one heading of this part before agreeing it"))
    pregnancy = locked.pregnancy
    indicator, professional, team = _pathway(pregnancy)
    spec = headings.BY_KEY[locked.key]
    record = CarePlanRecord.objects.create(
        pregnancy=pregnancy,
        plan_date=timezone.localdate(),
        plan_type=spec.plan_type,
        coc_pathway=indicator,
        personalised_plan=YesNo.YES,
        professional=professional,
        team=team,
        planned_site=pregnancy.hospital_of_choice,
        planned_setting=pregnancy.planned_place_of_birth if locked.key == headings.BIRTH else "",
        recorded_by=by,
    )
    now = timezone.now()
    locked.status = PlanSection.Status.AGREED
    locked.agreed_at = now
    locked.agreed_by = by
    locked.care_plan_record = record
    locked.version += 1
    locked.updated_at = now
    locked.save()
    audit(
        by=by,
        action="plan.agree",
        obj=locked,
        changes={
            "section": locked.key,
            "care_plan_record": record.pk,
            "plan_type": record.plan_type,
        },
    )
    return locked
