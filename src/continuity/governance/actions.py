"""Every change to the action plan, its reviews and the MVP's comments.

Each plan change bumps the plan's version and stores the whole plan as it then stood, with who
changed what (`PlanVersion`), inside the same transaction as the change and its audit row.
Edits carry the version the person saw: a stale one is refused, naming who changed it last.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import Role, User
from continuity.core.audit import audit
from continuity.engines.workingdays import default_calendar
from continuity.governance import trajectory as tj
from continuity.governance.models import (
    GROUP_CHOICES,
    MEASURE_CHOICES,
    ActionPlan,
    Aim,
    MonthlyReview,
    PlanAction,
    PlanComment,
    PlanVersion,
    ReviewReminder,
    Risk,
)
from continuity.organisations.models import Team, Trust
from continuity.pregnancies.actions import ActionError, StaleRecord, required_text

MAX_TITLE = 200
MAX_OWNER = 150
MAX_TEXT = 2000
MAX_REVIEW_TEXT = 4000
MAX_SUBJECT = 120


def _conf() -> dict[str, Any]:
    return dict(settings.CONTINUITY.get("GOVERNANCE", {}))


# -- helpers ------------------------------------------------------------------------------------


def month_text(first: date) -> str:
    return f"{first:%Y-%m}"


def optional_text(value: str, *, field: str, limit: int) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ActionError(
            _("Keep this to %(max)d characters or fewer (it has %(n)d)")
            % {"max": limit, "n": len(text)},
            field=field,
        )
    return text


def percent(value: Any, *, field: str) -> float:
    """A percentage from 0 to 100 with at most one decimal place."""
    try:
        number = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise ActionError(_("Enter a percentage, like 35 or 35.5"), field=field) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ActionError(_("Enter a percentage from 0 to 100"), field=field)
    if number != number.quantize(Decimal("0.1")):
        raise ActionError(_("Enter a percentage with at most one decimal place"), field=field)
    return float(number)


def _locked(model: Any, obj: Any, version: int, message: str) -> Any:
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.version != version:
        raise StaleRecord(message, record=locked)
    return locked


def _touch(obj: Any) -> None:
    obj.version += 1
    obj.updated_at = timezone.now()


def content(plan: ActionPlan) -> dict[str, Any]:
    """The whole plan as data: what a version stores and the published page shows."""
    return {
        "title": plan.title,
        "summary": plan.summary,
        "aims": [
            {
                "id": a.pk,
                "measure": a.measure,
                "group": a.group,
                "trajectory": dict(tj.ordered(a.trajectory)),
            }
            for a in Aim.objects.filter(plan=plan, voided_at__isnull=True).order_by("id")
        ],
        "actions": [
            {
                "id": a.pk,
                "title": a.title,
                "detail": a.detail,
                "owner": a.owner,
                "due_date": a.due_date.isoformat(),
                "status": a.status,
                "evidence": a.evidence,
                "team": a.team.name if a.team else "",
                "group": a.group,
                "completed_on": a.completed_on.isoformat() if a.completed_on else None,
            }
            for a in PlanAction.objects.filter(plan=plan, voided_at__isnull=True)
            .select_related("team")
            .order_by("due_date", "id")
        ],
        "risks": [
            {
                "id": r.pk,
                "kind": r.kind,
                "description": r.description,
                "mitigation": r.mitigation,
                "owner": r.owner,
                "rating": r.rating,
                "status": r.status,
                "midwives_needed": r.midwives_needed,
                "scenario": r.scenario.name if r.scenario else "",
            }
            for r in Risk.objects.filter(plan=plan, voided_at__isnull=True)
            .select_related("scenario")
            .order_by("id")
        ],
    }


def _changed(plan: ActionPlan, by: User | None, change: str, obj: Any, kind: str) -> None:
    """Record one change to the plan: a new version with the whole plan, and an audit row."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    _touch(plan)
    plan.save(update_fields=["version", "updated_at"])
    PlanVersion.objects.create(
        plan=plan, number=plan.version, by=by, change=change[:400], content=content(plan)
    )
    audit(by=by, action=f"governance.{kind}", obj=obj, changes={"plan_version": plan.version})


# -- the plan -----------------------------------------------------------------------------------


def _champion(user: User | None) -> User | None:
    if user is not None and (user.role != Role.BOARD or not user.is_active):
        raise ActionError(
            _("The champion must be an active board safety champion account"), field="champion"
        )
    return user


@transaction.atomic
def create_plan(
    *, by: User | None, trust: Trust, title: str, summary: str = "", champion: User | None = None
) -> ActionPlan:
    if ActionPlan.objects.filter(trust=trust).exists():
        raise ActionError(_("This trust already has an action plan"))
    plan = ActionPlan.objects.create(
        trust=trust,
        title=required_text(title, field="title", limit=MAX_TITLE, missing=_("Enter a title")),
        summary=optional_text(summary, field="summary", limit=MAX_TEXT),
        champion=_champion(champion),
        version=0,
    )
    _changed(plan, by, _("Plan created"), plan, "plan.created")
    plan.refresh_from_db()
    return plan


@transaction.atomic
def update_plan(
    *,
    by: User,
    plan: ActionPlan,
    version: int,
    title: str,
    summary: str,
    champion: User | None,
) -> ActionPlan:
    plan = _locked(ActionPlan, plan, version, _("The plan has changed since you opened it."))
    plan.title = required_text(title, field="title", limit=MAX_TITLE, missing=_("Enter a title"))
    plan.summary = optional_text(summary, field="summary", limit=MAX_TEXT)
    plan.champion = _champion(champion)
    plan.save(update_fields=["title", "summary", "champion"])
    _changed(plan, by, _("Plan details changed"), plan, "plan.updated")
    plan.refresh_from_db()
    return plan


# -- aims and their trajectories ----------------------------------------------------------------


def _choice(value: str, choices: list[Any], field: str, message: str) -> str:
    if value not in {c[0] for c in choices}:
        raise ActionError(message, field=field)
    return value


def _month(value: str, field: str) -> str:
    try:
        tj.month_index(value)
    except (ValueError, TypeError):
        raise ActionError(_("Choose a month"), field=field) from None
    return value


@transaction.atomic
def add_aim(
    *,
    by: User,
    plan: ActionPlan,
    measure: str,
    group: str,
    start_month: str,
    start_percent: Any,
    target_month: str,
    target_percent: Any,
) -> Aim:
    measure = _choice(measure, MEASURE_CHOICES, "measure", _("Choose what the aim measures"))
    group = _choice(group, GROUP_CHOICES, "group", _("Choose which women the aim is for"))
    start_month = _month(start_month, "start_month")
    target_month = _month(target_month, "target_month")
    first = percent(start_percent, field="start_percent")
    last = percent(target_percent, field="target_percent")
    if tj.month_index(target_month) <= tj.month_index(start_month):
        raise ActionError(
            _("The month you aim to reach it by must come after the month you start from"),
            field="target_month",
        )
    if Aim.objects.filter(plan=plan, measure=measure, group=group, voided_at__isnull=True).exists():
        raise ActionError(_("The plan already has an aim for this measure and group"), "group")
    aim = Aim.objects.create(
        plan=plan, measure=measure, group=group, trajectory={start_month: first, target_month: last}
    )
    _changed(plan, by, _("Aim added: %(aim)s") % {"aim": aim}, aim, "aim.added")
    return aim


@transaction.atomic
def set_step(*, by: User, aim: Aim, version: int, month: str, value: Any) -> Aim:
    """Add a month to the trajectory between its start and its aim (or change one already
    there)."""
    aim = _locked(Aim, aim, version, _("This aim has changed since you opened it."))
    month = _month(month, "month")
    number = percent(value, field="percent")
    first, last = tj.start(aim.trajectory), tj.goal(aim.trajectory)
    assert first is not None and last is not None
    if not tj.month_index(first[0]) < tj.month_index(month) < tj.month_index(last[0]):
        raise ActionError(
            _("Choose a month after %(start)s and before %(end)s")
            % {"start": first[0], "end": last[0]},
            field="month",
        )
    aim.trajectory = {**aim.trajectory, month: number}
    _touch(aim)
    aim.save(update_fields=["trajectory", "version", "updated_at"])
    _changed(
        aim.plan,
        by,
        _("Trajectory of %(aim)s: %(month)s set to %(value)s%%")
        % {"aim": aim, "month": month, "value": f"{number:g}"},
        aim,
        "aim.step",
    )
    return aim


@transaction.atomic
def remove_step(*, by: User, aim: Aim, version: int, month: str) -> Aim:
    aim = _locked(Aim, aim, version, _("This aim has changed since you opened it."))
    points = tj.ordered(aim.trajectory)
    if month not in aim.trajectory:
        raise ActionError(_("That month is not on the trajectory"), field="month")
    if month in (points[0][0], points[-1][0]):
        raise ActionError(_("The start and the aim cannot be removed"), field="month")
    aim.trajectory = {m: p for m, p in aim.trajectory.items() if m != month}
    _touch(aim)
    aim.save(update_fields=["trajectory", "version", "updated_at"])
    _changed(
        aim.plan,
        by,
        _("Trajectory of %(aim)s: %(month)s removed") % {"aim": aim, "month": month},
        aim,
        "aim.step_removed",
    )
    return aim


@transaction.atomic
def void_aim(*, by: User, aim: Aim, version: int, reason: str) -> Aim:
    aim = _locked(Aim, aim, version, _("This aim has changed since you opened it."))
    aim.void_reason = required_text(
        reason, field="reason", limit=500, missing=_("Say why the aim is withdrawn")
    )
    aim.voided_at = timezone.now()
    aim.voided_by = by
    _touch(aim)
    aim.save()
    _changed(aim.plan, by, _("Aim withdrawn: %(aim)s") % {"aim": aim}, aim, "aim.voided")
    return aim


# -- actions ------------------------------------------------------------------------------------


def _action_fields(
    *,
    title: str,
    detail: str,
    owner: str,
    due_date: date | None,
    team: Team | None,
    group: str,
) -> dict[str, Any]:
    fields = {
        "title": required_text(
            title, field="title", limit=MAX_TITLE, missing=_("Say what the action is")
        ),
        "detail": optional_text(detail, field="detail", limit=MAX_TEXT),
        "owner": required_text(
            owner, field="owner", limit=MAX_OWNER, missing=_("Enter who owns the action")
        ),
    }
    if due_date is None:
        raise ActionError(_("Enter the date the action is due"), field="due_date")
    return {
        **fields,
        "due_date": due_date,
        "team": team,
        "group": _choice(group, [("", ""), *GROUP_CHOICES], "group", _("Choose a group"))
        if group
        else "",
    }


@transaction.atomic
def add_action(
    *,
    by: User,
    plan: ActionPlan,
    title: str,
    detail: str = "",
    owner: str,
    due_date: date | None,
    team: Team | None = None,
    group: str = "",
) -> PlanAction:
    fields = _action_fields(
        title=title, detail=detail, owner=owner, due_date=due_date, team=team, group=group
    )
    action = PlanAction.objects.create(plan=plan, **fields)
    _changed(plan, by, _("Action added: %(title)s") % {"title": action.title}, action, "action")
    return action


@transaction.atomic
def update_action(
    *,
    by: User,
    action: PlanAction,
    version: int,
    title: str,
    detail: str,
    owner: str,
    due_date: date | None,
    status: str,
    evidence: str,
    team: Team | None = None,
    group: str = "",
) -> PlanAction:
    action = _locked(PlanAction, action, version, _("This action has changed since you opened it."))
    before = {"status": action.status, "due_date": action.due_date, "owner": action.owner}
    fields = _action_fields(
        title=title, detail=detail, owner=owner, due_date=due_date, team=team, group=group
    )
    status = _choice(status, PlanAction.Status.choices, "status", _("Choose a status"))
    evidence = optional_text(evidence, field="evidence", limit=MAX_TEXT)
    if status == PlanAction.Status.DONE and not evidence:
        raise ActionError(_("Say what shows the action is done"), field="evidence")
    for key, value in fields.items():
        setattr(action, key, value)
    action.evidence = evidence
    if status == PlanAction.Status.DONE and action.status != status:
        action.completed_on = timezone.localdate()
    elif status != PlanAction.Status.DONE:
        action.completed_on = None
    action.status = status
    _touch(action)
    action.save()
    changes = []
    if before["status"] != status:
        changes.append(
            _("status %(a)s → %(b)s")
            % {
                "a": PlanAction.Status(before["status"]).label,
                "b": PlanAction.Status(status).label,
            }
        )
    if before["due_date"] != action.due_date:
        changes.append(_("due %(d)s") % {"d": action.due_date.strftime("%-d %B %Y")})
    if before["owner"] != action.owner:
        changes.append(_("owner %(o)s") % {"o": action.owner})
    detail = "; ".join(str(c) for c in changes) or _("details changed")
    _changed(
        action.plan,
        by,
        _("Action %(title)s: %(what)s") % {"title": action.title, "what": detail},
        action,
        "action.updated",
    )
    return action


# -- risks and dependencies ---------------------------------------------------------------------


def _risk_fields(
    *,
    kind: str,
    description: str,
    mitigation: str,
    owner: str,
    rating: str,
    midwives_needed: int | None,
    scenario: Any,
) -> dict[str, Any]:
    if midwives_needed is not None and not 0 <= midwives_needed <= 1000:
        raise ActionError(_("Enter a number of midwives from 0 to 1000"), "midwives_needed")
    return {
        "kind": _choice(kind, Risk.Kind.choices, "kind", _("Choose risk or dependency")),
        "description": required_text(
            description, field="description", limit=300, missing=_("Describe the risk")
        ),
        "mitigation": optional_text(mitigation, field="mitigation", limit=MAX_TEXT),
        "owner": required_text(
            owner, field="owner", limit=MAX_OWNER, missing=_("Enter who owns the risk")
        ),
        "rating": _choice(rating, Risk.Rating.choices, "rating", _("Choose a rating")),
        "midwives_needed": midwives_needed,
        "scenario": scenario,
    }


@transaction.atomic
def add_risk(*, by: User, plan: ActionPlan, **values: Any) -> Risk:
    risk = Risk.objects.create(plan=plan, **_risk_fields(**values))
    _changed(plan, by, _("Risk added: %(r)s") % {"r": risk.description}, risk, "risk")
    return risk


@transaction.atomic
def update_risk(*, by: User, risk: Risk, version: int, status: str, **values: Any) -> Risk:
    risk = _locked(Risk, risk, version, _("This risk has changed since you opened it."))
    fields = _risk_fields(**values)
    fields["status"] = _choice(status, Risk.Status.choices, "status", _("Choose a status"))
    for key, value in fields.items():
        setattr(risk, key, value)
    _touch(risk)
    risk.save()
    _changed(
        risk.plan, by, _("Risk changed: %(r)s") % {"r": risk.description}, risk, "risk.updated"
    )
    return risk


# -- the monthly review -------------------------------------------------------------------------


def review_due_by(month: date) -> date:
    """A month's review is due by GOVERNANCE["review_due_day"] of the month after."""
    day = int(_conf().get("review_due_day", 25))
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return following.replace(day=min(max(day, 1), 28))


def _is_champion(plan: ActionPlan, user: User) -> bool:
    return plan.champion_id is not None and plan.champion_id == user.pk and user.is_active


class NotChampion(ActionError):
    """Only the board safety champion named on the plan writes and signs off its review."""


def _review_for(plan: ActionPlan, month: date, version: int) -> MonthlyReview:
    review, _created = MonthlyReview.objects.select_for_update().get_or_create(
        plan=plan, month=month, defaults={"version": 0}
    )
    if review.version != version:
        raise StaleRecord(_("This review has changed since you opened it."), record=review)
    if review.is_signed_off:
        raise ActionError(_("This month's review is already signed off"))
    return review  # type: ignore[no-any-return]


@transaction.atomic
def save_review(
    *, by: User, plan: ActionPlan, month: date, version: int, comments: str, decisions: str
) -> MonthlyReview:
    """The champion's draft comments and decisions, saved without signing off."""
    if not _is_champion(plan, by):
        raise NotChampion(_("Only the board safety champion named on the plan can write this"))
    if month.day != 1 or month >= timezone.localdate().replace(day=1):
        raise ActionError(_("A month can be reviewed only once it has ended"))
    review = _review_for(plan, month, version)
    review.comments = optional_text(comments, field="comments", limit=MAX_REVIEW_TEXT)
    review.decisions = optional_text(decisions, field="decisions", limit=MAX_REVIEW_TEXT)
    _touch(review)
    review.save()
    audit(by=by, action="governance.review.saved", obj=review, changes={"month": month_text(month)})
    return review


@transaction.atomic
def sign_off(
    *,
    by: User,
    plan: ActionPlan,
    month: date,
    version: int,
    comments: str,
    decisions: str,
    figures: dict[str, Any],
    today: date | None = None,
) -> MonthlyReview:
    """Sign the month's review off: the figures (already rounded) are frozen with the plan
    version, and the review is published. Only for a month that has ended."""
    if not _is_champion(plan, by):
        raise NotChampion(_("Only the board safety champion named on the plan can sign off"))
    today = today or timezone.localdate()
    if month.day != 1 or month >= today.replace(day=1):
        raise ActionError(_("A month can be signed off only once it has ended"))
    review = _review_for(plan, month, version)
    review.comments = optional_text(comments, field="comments", limit=MAX_REVIEW_TEXT)
    review.decisions = optional_text(decisions, field="decisions", limit=MAX_REVIEW_TEXT)
    if not review.comments:
        raise ActionError(_("Write your comments on the month before signing off"), "comments")
    review.figures = figures
    review.plan_version = ActionPlan.objects.get(pk=plan.pk).version
    review.signed_off_by = by
    review.signed_off_at = timezone.now()
    _touch(review)
    review.save()
    ReviewReminder.objects.filter(plan=plan, month=month, cleared_at__isnull=True).update(
        cleared_at=review.signed_off_at
    )
    audit(
        by=by,
        action="governance.review.signed_off",
        obj=review,
        changes={"month": month_text(month), "plan_version": review.plan_version},
    )
    return review


def months_to_review(plan: ActionPlan, today: date) -> list[date]:
    """Every month from the plan's first month to the last month that has ended."""
    first = timezone.localtime(plan.created_at).date().replace(day=1)
    starts = [tj.start(a.trajectory) for a in plan.aims.filter(voided_at__isnull=True)]
    for found in starts:
        if found is not None:
            y, m = (int(x) for x in found[0].split("-"))
            first = min(first, date(y, m, 1))
    last = today.replace(day=1)
    out = []
    cursor = first
    while cursor < last:
        out.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return out


@transaction.atomic
def raise_reminders(*, today: date | None = None) -> int:
    """A reminder for each month whose review is past its due date and not signed off. Run
    daily; a month is reminded once (the reminder stays until sign-off clears it)."""
    today = today or timezone.localdate()
    raised = 0
    for plan in ActionPlan.objects.all():
        signed = set(
            plan.reviews.filter(signed_off_at__isnull=False).values_list("month", flat=True)
        )
        for month in months_to_review(plan, today):
            due = review_due_by(month)
            if month in signed or today <= due:
                continue
            reminder, created = ReviewReminder.objects.get_or_create(
                plan=plan, month=month, defaults={"due_by": due}
            )
            if created:
                raised += 1
                audit(
                    by=None,
                    action="governance.review.overdue",
                    obj=reminder,
                    changes={"month": month_text(month), "due_by": due.isoformat()},
                )
    return raised


# -- the maternity voices partnership's comments ------------------------------------------------


def comment_due_by(received_at: datetime) -> date:
    conf = _conf()
    cutoff = time.fromisoformat(str(conf.get("cutoff", "17:00")))
    return default_calendar().deadline(
        timezone.localtime(received_at), int(conf.get("respond_days", 20)), cutoff=cutoff
    )


@transaction.atomic
def add_comment(
    *, by: User, plan: ActionPlan, subject: str, body: str, review: MonthlyReview | None = None
) -> PlanComment:
    if by.role != Role.MVP:
        raise ActionError(_("Only maternity voices partnership members can comment here"))
    if review is not None and (review.plan_id != plan.pk or not review.is_signed_off):
        raise ActionError(_("Choose a published review"), field="review")
    now = timezone.now()
    comment = PlanComment.objects.create(
        plan=plan,
        review=review,
        author=by,
        subject=required_text(
            subject, field="subject", limit=MAX_SUBJECT, missing=_("Give your comment a title")
        ),
        body=required_text(
            body, field="body", limit=MAX_REVIEW_TEXT, missing=_("Write your comment")
        ),
        received_at=now,
        respond_by=comment_due_by(now),
    )
    audit(by=by, action="governance.comment.received", obj=comment)
    return comment


@transaction.atomic
def answer_comment(*, by: User, comment: PlanComment, version: int, response: str) -> PlanComment:
    comment = _locked(
        PlanComment, comment, version, _("This comment has changed since you opened it.")
    )
    comment.response = required_text(
        response, field="response", limit=MAX_REVIEW_TEXT, missing=_("Write the answer")
    )
    comment.status = PlanComment.Status.ANSWERED
    comment.responded_by = by
    comment.responded_at = timezone.now()
    _touch(comment)
    comment.save()
    audit(by=by, action="governance.comment.answered", obj=comment)
    return comment


@transaction.atomic
def escalate_comments(*, today: date | None = None) -> int:
    """Mark unanswered comments past their date as escalated (once each), like concerns."""
    today = today or timezone.localdate()
    late = PlanComment.objects.select_for_update().filter(
        status=PlanComment.Status.AWAITING, respond_by__lt=today, escalated_at__isnull=True
    )
    n = 0
    for comment in late:
        comment.escalated_at = timezone.now()
        comment.save(update_fields=["escalated_at"])
        audit(by=None, action="governance.comment.escalated", obj=comment)
        n += 1
    return n
