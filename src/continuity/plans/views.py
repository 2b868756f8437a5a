"""The plan's pages: the midwife's (from the woman's summary) and the woman's own. Thin: the
actions write, the queries read, and every view of the plan is an access event."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from continuity.assurance.pdf import pdf_from_html
from continuity.core.audit import record_access
from continuity.core.forms import add_action_error, posted_number
from continuity.core.idempotency import create_once
from continuity.core.permissions import require
from continuity.plans import actions, headings, queries
from continuity.plans.forms import DiscussionForm, SectionForm
from continuity.portal.queries import my_record
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.models import Pregnancy, Woman
from continuity.pregnancies.queries import (
    open_assignment,
    relationship_basis,
    remember_assignment,
    woman_for,
)


def _pregnancy(woman: Woman) -> Pregnancy:
    pregnancy = woman.latest_pregnancy()
    if pregnancy is None:
        raise Http404
    return pregnancy  # type: ignore[no-any-return]


def _visits(pregnancy: Pregnancy) -> list[tuple[int, str]]:
    recent = pregnancy.contacts.live().order_by("-scheduled_start")[:12]
    return [
        (c.pk, date_format(timezone.localtime(c.scheduled_start), "j F Y, H:i")) for c in recent
    ]


# -- the midwife's page ----------------------------------------------------------------------------


@require("edit_plan")
def woman_plan(request: HttpRequest, ref: UUID) -> HttpResponse:
    woman = woman_for(request.user, ref)
    pregnancy = _pregnancy(woman)
    # The basis needs only the assignment row itself (who and which team, by key).
    remember_assignment(pregnancy, open_assignment(pregnancy))
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=woman,
        basis=relationship_basis(request.user, pregnancy) or "",
        request=request,
    )
    forms: dict[str, Any] = {}
    discussion_forms: dict[str, Any] = {}
    error: str | None = None
    visits: list[tuple[int, str]] | None = None  # her recent visits, read once when needed
    if request.method == "POST":
        action, _sep, key = (request.POST.get("action") or "").partition(":")
        if key not in headings.BY_KEY:
            raise Http404
        try:
            if action == "save":
                form = SectionForm(key, headings.MIDWIFE, request.POST)
                forms[key] = form
                if form.is_valid():
                    actions.save_headings(
                        by=request.user,  # type: ignore[arg-type]
                        pregnancy=pregnancy,
                        section_key=key,
                        texts=form.texts(),
                        writer=headings.MIDWIFE,
                        version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("Saved."))
                    return redirect(f"{request.path}#{key}")
            elif action == "discuss":
                visits = _visits(pregnancy)
                dform = DiscussionForm(visits, request.POST, prefix=key)
                discussion_forms[key] = dform
                if dform.is_valid():
                    contact_id = dform.cleaned_data.get("contact")
                    contact = (
                        pregnancy.contacts.filter(pk=contact_id).first() if contact_id else None
                    )
                    note = dform.cleaned_data["note"]

                    def create() -> str:
                        actions.record_discussion(
                            by=request.user,  # type: ignore[arg-type]
                            section=actions.section_for(pregnancy, key),
                            note=note,
                            contact=contact,
                        )
                        messages.success(request, _("Discussion recorded."))
                        return f"{request.path}#{key}"

                    return create_once(request, f"plan.discuss.{key}", create)
            elif action == "agree":
                actions.agree_section(
                    by=request.user,  # type: ignore[arg-type]
                    section=actions.section_for(pregnancy, key),
                    version=posted_number(request, "version"),
                )
                messages.success(
                    request,
                    _("Agreed. The care plan record for this part has been written."),
                )
                return redirect(f"{request.path}#{key}")
            else:
                raise Http404
        except ActionError as exc:
            target = forms.get(key) or discussion_forms.get(key)
            if target is not None:
                add_action_error(target, exc)
            else:
                error = exc.message
    sections = queries.plan_view(pregnancy, headings.MIDWIFE)
    if visits is None:
        visits = _visits(pregnancy)
    for view in sections:
        key = view.spec.key
        forms.setdefault(
            key,
            SectionForm(
                key,
                headings.MIDWIFE,
                initial={
                    "version": view.version,
                    **{h.heading.key: h.text for h in view.headings if h.editable},
                },
            ),
        )
        discussion_forms.setdefault(key, DiscussionForm(visits, prefix=key))
    bad = [f for f in [*forms.values(), *discussion_forms.values()] if f.is_bound and f.errors]
    return render(
        request,
        "plans/woman_plan.jinja",
        {
            "page_title": _("Personalised care plan"),
            "woman": woman,
            "pregnancy": pregnancy,
            "sections": sections,
            "forms": forms,
            "discussion_forms": discussion_forms,
            "form": bad[0] if bad else None,
            "error": error,
        },
        status=400 if bad or error else 200,
    )


# -- the woman's own page --------------------------------------------------------------------------


@require("view_own_record")
def my_plan(request: HttpRequest) -> HttpResponse:
    woman = my_record(request.user)
    pregnancy = _pregnancy(woman)
    record_access(user=request.user, woman=woman, basis="self", request=request)  # type: ignore[arg-type]
    forms: dict[str, Any] = {}
    error: str | None = None
    if request.method == "POST":
        key = request.POST.get("section") or ""
        if key not in headings.BY_KEY:
            raise Http404
        form = SectionForm(key, headings.WOMAN, request.POST)
        forms[key] = form
        if form.is_valid():
            try:
                actions.save_headings(
                    by=request.user,  # type: ignore[arg-type]
                    pregnancy=pregnancy,
                    section_key=key,
                    texts=form.texts(),
                    writer=headings.WOMAN,
                    version=form.cleaned_data.get("version"),
                )
            except ActionError as exc:
                add_action_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved. Your midwife will see it and talk it through with you."),
                )
                return redirect(f"{reverse('plans:mine')}#{key}")
    sections = queries.plan_view(pregnancy, headings.WOMAN)
    for view in sections:
        key = view.spec.key
        forms.setdefault(
            key,
            SectionForm(
                key,
                headings.WOMAN,
                initial={
                    "version": view.version,
                    **{h.heading.key: h.text for h in view.headings if h.editable},
                },
            ),
        )
    bad = [f for f in forms.values() if f.is_bound and f.errors]
    return render(
        request,
        "plans/my_plan.jinja",
        {
            "page_title": _("My plan"),
            "sections": sections,
            "forms": forms,
            "form": bad[0] if bad else None,
            "error": error,
        },
        status=400 if bad else 200,
    )


def _printable(request: HttpRequest, *, pdf: bool) -> str:
    woman = my_record(request.user)
    pregnancy = _pregnancy(woman)
    record_access(user=request.user, woman=woman, basis="self", request=request)  # type: ignore[arg-type]
    return render_to_string(
        "plans/print.jinja",
        {
            "page_title": _("My personalised care and support plan"),
            "woman": woman,
            "pregnancy": pregnancy,
            "sections": queries.plan_view(pregnancy, headings.WOMAN),
            "pdf": pdf,
        },
        request,
    )


@require("view_own_record")
def my_plan_print(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_printable(request, pdf=False))


@require("view_own_record")
def my_plan_pdf(request: HttpRequest) -> HttpResponse:
    html = _printable(request, pdf=True)
    response = HttpResponse(
        pdf_from_html(html, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="my-care-plan.pdf"'
    return response
