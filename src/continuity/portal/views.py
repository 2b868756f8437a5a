"""The woman's own pages. She sees only her own record, and who has looked at it."""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from continuity.core.audit import audit, record_access
from continuity.core.permissions import require
from continuity.portal import nhs_login, queries, signin

logger = logging.getLogger("continuity.portal")


@require("view_own_record")
def home(request: HttpRequest) -> HttpResponse:
    context = queries.my_pregnancy(request.user)
    record_access(user=request.user, woman=context["woman"], basis="self", request=request)  # type: ignore[arg-type]
    return render(request, "portal/home.jinja", {"page_title": _("My pregnancy"), **context})


@require("view_own_record")
def access_history(request: HttpRequest) -> HttpResponse:
    woman = queries.my_record(request.user)
    events = queries.access_history(woman)
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/access_history.jinja",
        {"page_title": _("Who has looked at my record"), "page": page},
    )


# -- signing in with a link ------------------------------------------------------------------------


class LinkRequestForm(forms.Form):
    address = forms.CharField(
        label=_lazy("Your email address or mobile number"),
        max_length=254,
        error_messages={"required": _lazy("Enter your email address or mobile number")},
    )


def request_link(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether or not we know the address."""
    form = LinkRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        signin.send_link(form.cleaned_data["address"])
        sent = True
    return render(
        request,
        "portal/sign_in_link.jinja",
        {"page_title": _("Sign in with a link"), "form": form, "sent": sent},
        status=400 if form.errors else 200,
    )


def use_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (so a link preview cannot use it up); POST signs her in."""
    if request.method == "POST":
        user = signin.use_link(token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:home")
        return render(
            request,
            "portal/link_used.jinja",
            {"page_title": _("This link no longer works")},
            status=400,
        )
    return render(request, "portal/use_link.jinja", {"page_title": _("Sign in")})


# -- NHS login (an OpenID Connect hook) ---------------------------------------------------------


def nhs_login_start(request: HttpRequest) -> HttpResponse:
    if nhs_login.config() is None:
        raise Http404
    callback = request.build_absolute_uri(reverse("portal:nhs-login-callback"))
    return redirect(nhs_login.start(request.session, callback))


def nhs_login_callback(request: HttpRequest) -> HttpResponse:
    try:
        user = nhs_login.finish(request.session, request.GET.dict())
    except nhs_login.NhsLoginError as exc:
        logger.warning("NHS login sign-in failed: %s", exc)
        return render(
            request,
            "portal/nhs_login_failed.jinja",
            {"page_title": _("We could not sign you in")},
            status=400,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit(by=user, action="sign_in.nhs_login", obj=user)
    return redirect("portal:home")
