from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from continuity.accounts import sessions


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150, required=False)
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, required=False)

    error_messages = {
        "invalid_login": gettext_lazy(
            "Enter a correct username and password. Both are case-sensitive."
        ),
        "inactive": gettext_lazy("This account has been disabled"),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        if not self.cleaned_data.get("username"):
            self.add_error("username", _("Enter your username"))
        if not self.cleaned_data.get("password"):
            self.add_error("password", _("Enter your password"))
        if self.errors:
            return self.cleaned_data
        username = self.cleaned_data["username"]
        address = sessions.address_of(self.request)
        if sessions.locked_out(username, address):
            raise forms.ValidationError(
                _(
                    "Too many attempts to sign in. Wait 15 minutes and try again, or ask your "
                    "administrator to reset your password."
                ),
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            sessions.record_failure(username, address)
            raise
        sessions.clear_failures(username)
        return cleaned


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.jinja"
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": gettext_lazy("Sign in")}


class SignOutView(auth_views.LogoutView):
    """GET shows a confirmation with a button (no JavaScript needed); POST signs out."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return render(request, "accounts/sign_out.jinja", {"page_title": _("Sign out")})
