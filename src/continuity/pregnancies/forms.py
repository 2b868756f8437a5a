from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.forms import NhsDateField, NhsNumberField, PostcodeField
from continuity.engines.equity import ETHNIC_CATEGORIES
from continuity.engines.gestation import check_dating
from continuity.organisations.models import Site
from continuity.pregnancies.models import Pregnancy

LANGUAGES = [
    ("en", _("English")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("bn", _("Bengali")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("zh", _("Chinese")),
    ("pt", _("Portuguese")),
    ("ti", _("Tigrinya")),
    ("fa", _("Persian")),
    ("gu", _("Gujarati")),
    ("ku", _("Kurdish")),
    ("ta", _("Tamil")),
    ("vi", _("Vietnamese")),
    ("tr", _("Turkish")),
    ("lt", _("Lithuanian")),
]


class BookingForm(forms.Form):
    nhs_number = NhsNumberField(
        label=_("NHS number"), error_messages={"required": _("Enter her NHS number")}
    )
    given_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={
            "required": _("Enter her first name"),
            "max_length": _("First name must be 100 characters or fewer"),
        },
    )
    family_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={
            "required": _("Enter her last name"),
            "max_length": _("Last name must be 100 characters or fewer"),
        },
    )
    date_of_birth = NhsDateField(
        label=_("Date of birth"), error_messages={"required": _("Enter her date of birth")}
    )
    postcode = PostcodeField(
        label=_("Postcode"), error_messages={"required": _("Enter a postcode")}
    )
    ethnic_category = forms.ChoiceField(
        label=_("Ethnic category"),
        choices=[("", _("Select an option")), *sorted(ETHNIC_CATEGORIES.items())],
        error_messages={
            "required": _("Select her ethnic category, or 'Not stated' if she chose not to say"),
            "invalid_choice": _("Select an ethnic category from the list"),
        },
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=LANGUAGES,
        initial="en",
        error_messages={"invalid_choice": _("Select a language from the list")},
    )
    interpreter_needed = forms.BooleanField(label=_("She needs an interpreter"), required=False)
    booking_date = NhsDateField(
        label=_("Booking date"), error_messages={"required": _("Enter the booking date")}
    )
    edd = NhsDateField(
        label=_("Estimated due date"),
        error_messages={"required": _("Enter the estimated due date")},
    )
    previous_live_births = forms.IntegerField(
        label=_("Previous live births"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages={
            "required": _("Enter the number of previous live births, or 0"),
            "invalid": _("Previous live births must be a whole number, like 0 or 2"),
            "min_value": _("Previous live births cannot be less than 0"),
            "max_value": _("Previous live births must be 20 or fewer"),
        },
    )
    risk = forms.ChoiceField(
        label=_("Risk level"),
        choices=Pregnancy.Risk.choices,
        initial="low",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a risk level")},
    )
    hospital_of_choice = forms.ModelChoiceField(
        label=_("Hospital of her choice"),
        queryset=Site.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": _("Select a hospital from the list")},
    )

    def clean_date_of_birth(self) -> date:
        dob: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob >= today:
            raise forms.ValidationError(_("Date of birth must be in the past"))
        if today.year - dob.year > 60 or today.year - dob.year < 10:
            raise forms.ValidationError(_("Date of birth must give an age between 10 and 60"))
        return dob

    def clean_booking_date(self) -> date:
        booking: date = self.cleaned_data["booking_date"]
        if booking > timezone.localdate():
            raise forms.ValidationError(_("Booking date must be today or in the past"))
        return booking

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        booking, edd = data.get("booking_date"), data.get("edd")
        if booking and edd:
            for field, message in check_dating(booking, edd, None):
                self.add_error(field, _(message))
        return data

    @property
    def choice_fields(self) -> list[str]:
        return ["ethnic_category", "preferred_language", "hospital_of_choice"]


class VoidForm(forms.Form):
    """Void an entry made in error: the reason is kept with it and shown wherever it is listed."""

    reason = forms.CharField(
        label=_("Why is this entry being voided?"),
        widget=forms.Textarea,
        max_length=500,
        error_messages={
            "required": _("Enter why this entry is being voided"),
            "max_length": _("Keep the reason to 500 characters or fewer"),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
