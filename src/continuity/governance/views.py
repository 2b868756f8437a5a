"""The action plan pages for staff and the maternity voices partnership. Thin: permission →
form → action or query → render. No personal data about women is shown here, so these pages
record no access events; every write is audited by its action."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from continuity.accounts.models import Role, User
from continuity.assurance.compute import latest
from continuity.core.forms import add_action_error, posted_number
from continuity.core.idempotency import create_once
from continuity.core.permissions import can, require
from continuity.governance import actions, figures, queries
from continuity.governance import trajectory as tj
from continuity.governance.forms import (
    ActionForm,
    ActionUpdateForm,
    AimForm,
    AnswerForm,
    CommentForm,
    PlanForm,
    ReviewForm,
    RiskForm,
    RiskUpdateForm,
    StepForm,
    VoidAimForm,
)
from continuity.governance.models import Aim, PlanAction, PlanComment, Risk
from continuity.organisations.models import Team, Trust
from continuity.planning.models import Scenario
from continuity.pregnancies.actions import ActionError


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _month_from(text: str) -> date:
    try:
        tj.month_index(text)
    except ValueError:
        raise Http404 from None
    return date(int(text[:4]), int(text[5:7]), 1)


# -- the plan -----------------------------------------------------------------------------------


@require("view_action_plan")
def plan(request: HttpRequest) -> HttpResponse:
    found = queries.the_plan()
    if found is None:
        return render(
            request,
            "governance/no_plan.jinja",
            {
                "page_title": _("Continuity action plan"),
                "can_edit": can(request.user, "edit_action_plan"),
            },
        )
    today = timezone.localdate()
    snapshot = latest()
    last_month = today.replace(day=1)
    months = actions.months_to_review(found, today)
    shown_month = months[-1] if months else last_month
    rows = {r["aim"]: r for r in figures.aim_rows(found, shown_month, snapshot)}
    return render(
        request,
        "governance/plan.jinja",
        {
            "page_title": found.title,
            "plan": found,
            "aims": [(a, tj.ordered(a.trajectory), rows.get(a.pk)) for a in queries.aims(found)],
            "shown_month": shown_month,
            "actions": queries.actions(found),
            "risks": queries.risks(found),
            "today": today,
            "can_edit": can(request.user, "edit_action_plan"),
            "reminders": queries.open_reminders(found),
        },
    )


def _champions() -> list[User]:
    return list(User.objects.filter(role=Role.BOARD, is_active=True).order_by("display_name", "id"))


@require("edit_action_plan")
def edit_plan(request: HttpRequest) -> HttpResponse:
    found = queries.the_plan()
    initial = (
        {"title": found.title, "summary": found.summary, "champion": found.champion_id}
        if found
        else {"title": _("Continuity of carer action plan")}
    )
    form = PlanForm(_champions(), request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        champion = (
            User.objects.filter(pk=form.cleaned_data["champion"]).first()
            if form.cleaned_data["champion"]
            else None
        )
        try:
            if found is None:
                trust = Trust.objects.order_by("id").first()
                if trust is None:
                    raise Http404

                def create() -> str:
                    actions.create_plan(
                        by=request.user,  # type: ignore[arg-type]
                        trust=trust,
                        title=form.cleaned_data["title"],
                        summary=form.cleaned_data["summary"],
                        champion=champion,
                    )
                    messages.success(request, _("The action plan was created."))
                    return resolve_url("governance:plan")

                return create_once(request, "governance.plan.create", create)
            actions.update_plan(
                by=request.user,  # type: ignore[arg-type]
                plan=found,
                version=posted_number(request, "version"),
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                champion=champion,
            )
            messages.success(request, _("The plan's details were saved."))
            return redirect("governance:plan")
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/edit_plan.jinja",
        {
            "page_title": _("Plan details") if found else _("Start the action plan"),
            "plan": found,
            "form": form,
        },
        status=_status(form),
    )


@require("view_action_plan")
def history(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    return render(
        request,
        "governance/history.jinja",
        {
            "page_title": _("Changes to the plan"),
            "plan": found,
            "versions": queries.versions(found),
        },
    )


# -- aims ---------------------------------------------------------------------------------------


@require("edit_action_plan")
def new_aim(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    form = AimForm(timezone.localdate(), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            aim = actions.add_aim(
                by=request.user,  # type: ignore[arg-type]
                plan=found,
                measure=data["measure"],
                group=data["group"],
                start_month=data["start_month"],
                start_percent=data["start_percent"],
                target_month=data["target_month"],
                target_percent=data["target_percent"],
            )
            messages.success(request, _("The aim was added."))
            return resolve_url("governance:aim", pk=aim.pk)

        try:
            return create_once(request, "governance.aim.add", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/aim_new.jinja",
        {"page_title": _("Add an aim"), "form": form},
        status=_status(form),
    )


@require("view_action_plan")
def aim(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.plan_or_404()
    item = get_object_or_404(Aim, pk=pk, plan=found, voided_at__isnull=True)
    today = timezone.localdate()
    form = StepForm(today, request.POST if request.POST.get("form") == "step" else None)
    void_form = VoidAimForm(request.POST if request.POST.get("form") == "void" else None)
    if request.method == "POST":
        if not can(request.user, "edit_action_plan"):
            raise PermissionDenied("edit_action_plan")
        which = request.POST.get("form")
        try:
            if which == "step" and form.is_valid():
                actions.set_step(
                    by=request.user,  # type: ignore[arg-type]
                    aim=item,
                    version=posted_number(request, "version"),
                    month=form.cleaned_data["month"],
                    value=form.cleaned_data["percent"],
                )
                messages.success(request, _("The trajectory was updated."))
                return redirect("governance:aim", pk=item.pk)
            if which == "remove":
                actions.remove_step(
                    by=request.user,  # type: ignore[arg-type]
                    aim=item,
                    version=posted_number(request, "version"),
                    month=request.POST.get("month", ""),
                )
                messages.success(request, _("The month was taken off the trajectory."))
                return redirect("governance:aim", pk=item.pk)
            if which == "void" and void_form.is_valid():
                actions.void_aim(
                    by=request.user,  # type: ignore[arg-type]
                    aim=item,
                    version=posted_number(request, "version"),
                    reason=void_form.cleaned_data["reason"],
                )
                messages.success(request, _("The aim was withdrawn."))
                return redirect("governance:plan")
            if which not in ("step", "remove", "void"):
                raise ActionError(_("This form could not be sent. Reload the page and try again."))
        except ActionError as exc:
            add_action_error(void_form if which == "void" else form, exc)
    snapshot = latest()
    actual = {
        m: figures.aim_rows(found, _month_from(m), snapshot, aims=[item])[0]
        for m, _p in tj.ordered(item.trajectory)
    }
    return render(
        request,
        "governance/aim.jinja",
        {
            "page_title": str(item),
            "aim": item,
            "points": tj.ordered(item.trajectory),
            "actual": actual,
            "form": void_form if void_form.is_bound else form,  # the one sent shows its errors
            "step_form": form,
            "void_form": void_form,
            "can_edit": can(request.user, "edit_action_plan"),
        },
        status=400
        if (form.is_bound and form.errors) or (void_form.is_bound and void_form.errors)
        else 200,
    )


# -- actions ------------------------------------------------------------------------------------


def _teams(plan_trust: Trust) -> list[Team]:
    return list(Team.objects.filter(trust=plan_trust).order_by("name"))


def _team(form: Any, teams: list[Team]) -> Team | None:
    wanted = form.cleaned_data.get("team")
    return next((t for t in teams if t.pk == wanted), None)


@require("edit_action_plan")
def new_action(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    teams = _teams(found.trust)
    form = ActionForm(teams, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            actions.add_action(
                by=request.user,  # type: ignore[arg-type]
                plan=found,
                title=data["title"],
                detail=data["detail"],
                owner=data["owner"],
                due_date=data["due_date"],
                team=_team(form, teams),
                group=data["group"],
            )
            messages.success(request, _("The action was added."))
            return resolve_url("governance:plan") + "#actions"

        try:
            return create_once(request, "governance.action.add", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/action_form.jinja",
        {"page_title": _("Add an action"), "form": form, "item": None},
        status=_status(form),
    )


@require("view_action_plan")
def action(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.plan_or_404()
    item = get_object_or_404(PlanAction, pk=pk, plan=found, voided_at__isnull=True)
    teams = _teams(found.trust)
    initial = {
        "title": item.title,
        "detail": item.detail,
        "owner": item.owner,
        "due_date": item.due_date,
        "team": item.team_id,
        "group": item.group,
        "status": item.status,
        "evidence": item.evidence,
    }
    form = ActionUpdateForm(teams, request.POST or None, initial=initial)
    if request.method == "POST":
        if not can(request.user, "edit_action_plan"):
            raise PermissionDenied("edit_action_plan")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.update_action(
                    by=request.user,  # type: ignore[arg-type]
                    action=item,
                    version=posted_number(request, "version"),
                    title=data["title"],
                    detail=data["detail"],
                    owner=data["owner"],
                    due_date=data["due_date"],
                    status=data["status"],
                    evidence=data["evidence"],
                    team=_team(form, teams),
                    group=data["group"],
                )
                messages.success(request, _("The action was saved."))
                return redirect(resolve_url("governance:plan") + "#actions")
            except ActionError as exc:
                add_action_error(form, exc)
    return render(
        request,
        "governance/action_form.jinja",
        {
            "page_title": item.title,
            "form": form,
            "item": item,
            "can_edit": can(request.user, "edit_action_plan"),
        },
        status=_status(form),
    )


# -- risks --------------------------------------------------------------------------------------


def _scenarios() -> list[Scenario]:
    return list(Scenario.objects.order_by("-created_at")[:50])


def _risk_values(form: Any, scenarios: list[Scenario]) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "description": data["description"],
        "mitigation": data["mitigation"],
        "owner": data["owner"],
        "rating": data["rating"],
        "midwives_needed": data["midwives_needed"],
        "scenario": next((s for s in scenarios if s.pk == data.get("scenario")), None),
    }


@require("edit_action_plan")
def new_risk(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    scenarios = _scenarios()
    form = RiskForm(scenarios, request.POST or None, initial={"kind": "risk", "rating": "medium"})
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            actions.add_risk(
                by=request.user,  # type: ignore[arg-type]
                plan=found,
                **_risk_values(form, scenarios),
            )
            messages.success(request, _("The risk was added."))
            return resolve_url("governance:plan") + "#risks"

        try:
            return create_once(request, "governance.risk.add", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/risk_form.jinja",
        {"page_title": _("Add a risk or dependency"), "form": form, "item": None},
        status=_status(form),
    )


@require("view_action_plan")
def risk(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.plan_or_404()
    item = get_object_or_404(Risk, pk=pk, plan=found, voided_at__isnull=True)
    scenarios = _scenarios()
    initial = {
        "kind": item.kind,
        "description": item.description,
        "mitigation": item.mitigation,
        "owner": item.owner,
        "rating": item.rating,
        "midwives_needed": item.midwives_needed,
        "scenario": item.scenario_id,
        "status": item.status,
    }
    form = RiskUpdateForm(scenarios, request.POST or None, initial=initial)
    if request.method == "POST":
        if not can(request.user, "edit_action_plan"):
            raise PermissionDenied("edit_action_plan")
        if form.is_valid():
            try:
                actions.update_risk(
                    by=request.user,  # type: ignore[arg-type]
                    risk=item,
                    version=posted_number(request, "version"),
                    status=form.cleaned_data["status"],
                    **_risk_values(form, scenarios),
                )
                messages.success(request, _("The risk was saved."))
                return redirect(resolve_url("governance:plan") + "#risks")
            except ActionError as exc:
                add_action_error(form, exc)
    return render(
        request,
        "governance/risk_form.jinja",
        {
            "page_title": item.description,
            "form": form,
            "item": item,
            "can_edit": can(request.user, "edit_action_plan"),
        },
        status=_status(form),
    )


# -- the monthly review -------------------------------------------------------------------------


@require("view_action_plan")
def reviews(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    today = timezone.localdate()
    done = queries.reviews(found)
    months = []
    for month in reversed(actions.months_to_review(found, today)):
        review = done.get(month)
        due = actions.review_due_by(month)
        if review is not None and review.is_signed_off:
            state = "signed_off"
        elif today > due:
            state = "overdue"
        elif review is not None:
            state = "draft"
        else:
            state = "due"
        months.append({"month": month, "review": review, "due": due, "state": state})
    return render(
        request,
        "governance/reviews.jinja",
        {
            "page_title": _("Monthly reviews"),
            "plan": found,
            "months": months,
            "is_champion": found.champion_id == request.user.pk,
            "reminders": queries.open_reminders(found),
        },
    )


@require("view_action_plan")
def review(request: HttpRequest, month: str) -> HttpResponse:
    found = queries.plan_or_404()
    first = _month_from(month)
    today = timezone.localdate()
    if first not in actions.months_to_review(found, today):
        raise Http404
    existing = queries.reviews(found).get(first)
    is_champion = found.champion_id == request.user.pk and can(request.user, "review_action_plan")
    snapshot = latest()
    live = figures.for_month(found, first, snapshot)
    form = ReviewForm(
        request.POST or None,
        initial={
            "comments": existing.comments if existing else "",
            "decisions": existing.decisions if existing else "",
        },
    )
    if request.method == "POST":
        if not is_champion:
            raise PermissionDenied("sign_off")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("sign_off"):
                    actions.sign_off(
                        by=request.user,  # type: ignore[arg-type]
                        plan=found,
                        month=first,
                        version=posted_number(request, "version"),
                        comments=data["comments"],
                        decisions=data["decisions"],
                        figures=live,
                    )
                    messages.success(
                        request,
                        _(
                            "You signed off the review. It is now published for the public "
                            "and the maternity voices partnership."
                        ),
                    )
                else:
                    actions.save_review(
                        by=request.user,  # type: ignore[arg-type]
                        plan=found,
                        month=first,
                        version=posted_number(request, "version"),
                        comments=data["comments"],
                        decisions=data["decisions"],
                    )
                    messages.success(request, _("Your draft was saved. It is not signed off yet."))
                return redirect("governance:review", month=month)
            except ActionError as exc:
                add_action_error(form, exc)
    signed = existing is not None and existing.is_signed_off
    shown = existing.figures if signed and existing.figures else live
    return render(
        request,
        "governance/review.jinja",
        {
            "page_title": _("Review of %(month)s") % {"month": date_format(first, "F Y")},
            "plan": found,
            "month": first,
            "review": existing,
            "signed": signed,
            "figures": shown,
            "spc": [b for b in [figures.headline_spc(snapshot)] if b],
            "form": form,
            "is_champion": is_champion,
            "version": existing.version if existing else 0,
            "due": actions.review_due_by(first),
            "today": today,
        },
        status=_status(form),
    )


# -- the maternity voices partnership's comments ------------------------------------------------


@require("answer_plan_comments")
def comments(request: HttpRequest) -> HttpResponse:
    found = queries.plan_or_404()
    show_all = request.GET.get("show") == "all"
    return render(
        request,
        "governance/comments.jinja",
        {
            "page_title": _("Comments from the maternity voices partnership"),
            "comments": queries.comments_queue(found, show_all=show_all),
            "show_all": show_all,
            "today": timezone.localdate(),
        },
    )


@require("answer_plan_comments")
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.plan_or_404()
    item = get_object_or_404(PlanComment.objects.select_related("review"), pk=pk, plan=found)
    form = AnswerForm(request.POST or None, initial={"response": item.response})
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_comment(
                by=request.user,  # type: ignore[arg-type]
                comment=item,
                version=posted_number(request, "version"),
                response=form.cleaned_data["response"],
            )
            messages.success(request, _("Your answer was saved and published with the comment."))
            return redirect("governance:comments")
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/comment.jinja",
        {"page_title": item.subject, "comment": item, "form": form, "today": timezone.localdate()},
        status=_status(form),
    )


@require("comment_on_plan")
def voices(request: HttpRequest) -> HttpResponse:
    """The MVP member's page: what they have said, the trust's answers, and a form to comment."""
    found = queries.plan_or_404()
    published = list(queries.published_reviews(found)[:12])
    form = CommentForm(published, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            made = actions.add_comment(
                by=request.user,  # type: ignore[arg-type]
                plan=found,
                subject=data["subject"],
                body=data["body"],
                review=next((r for r in published if r.pk == data.get("review")), None),
            )
            messages.success(
                request,
                _("Thank you. The trust will answer by %(date)s.")
                % {"date": made.respond_by.strftime("%-d %B %Y")},
            )
            return resolve_url("governance:voices")

        try:
            return create_once(request, "governance.comment.add", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "governance/voices.jinja",
        {
            "page_title": _("Our comments on the continuity plan"),
            "plan": found,
            "comments": queries.my_comments(found, request.user),
            "form": form,
            "today": timezone.localdate(),
        },
        status=_status(form),
    )
